"""itbound.measures against an independent NumPy/pandas implementation of the robust sign-error (Dziugaite et al.
2020) and the PGDL score (Jiang et al. 2020), written here from their definitions (bounds/MEASURES.md, from the
authors' and the official scoring code), not from itbound's C++: ordered environments processed in both orders,
cross products of runs as arrays, the 2x2 PGDL tables filled by np.add.at over every ordered pair of models and every
ordered pair of hyper-parameters. Generated tables with tied gaps, tied measures, float hyper-parameters jittered
below the tolerance, a text hyper-parameter and missing combinations; agreement to 1e-12."""
import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

import itbound

TOL = 1e-12


# ---------------------------------------------------------------- independent reference ----------------------------

def noise_weights(delta, n):
    """w = max(psi - 1/2, 0), psi = max(0, 1 - 2 exp(-2 n (|delta|/2)^2))^2 (the authors' hoeffding_weight)."""
    psi = np.maximum(0.0, 1.0 - 2.0 * np.exp(-2.0 * n * (np.abs(delta) / 2.0) ** 2)) ** 2
    return np.where(psi > 0.5, psi - 0.5, 0.0)


def representatives(column, rtol):
    """Each numeric value replaced by the smallest distinct value math.isclose to it (texts unchanged)."""
    if column.dtype.kind not in "biuf":
        return column.astype(str)
    distinct = np.unique(column.to_numpy(float))
    return column.map(lambda v: min(u for u in distinct if math.isclose(u, v, rel_tol=rtol)))


def oriented(df, measures, negate):
    return np.column_stack([-df[m].to_numpy(float) if m in negate else df[m].to_numpy(float) for m in measures])


def robust_reference(df, gap, hps, measures, negate=(), test_size=1.0, min_ess=12.0, noise=True, rtol=1e-6):
    key = pd.DataFrame({h: representatives(df[h], rtol) for h in hps})
    combos = {}
    for i, t in enumerate(key.itertuples(index=False, name=None)):
        combos.setdefault(t, []).append(i)
    values = {h: sorted(set(key[h])) for h in hps}
    g = df[gap].to_numpy(float)
    c = oriented(df, measures, negate)
    losses = {m: {h: [] for h in hps} for m in measures}
    counts = {h: {"kept": 0, "dropped_low_ess": 0, "missing": 0} for h in hps}
    for t1, rows1 in combos.items():  # every ordered environment (t1, t2)
        for i, h in enumerate(hps):
            for v in values[h]:
                if v == t1[i]:
                    continue
                t2 = t1[:i] + (v,) + t1[i + 1:]
                if t2 not in combos:
                    counts[h]["missing"] += 1
                    continue
                rows2 = combos[t2]
                d = g[rows1][:, None] - g[rows2][None, :]
                w = noise_weights(d, test_size) if noise else np.ones_like(d)
                total, squares = w.sum(), (w ** 2).sum()
                ess = total ** 2 / (1.0 if np.isclose(total, 0.0) else squares)
                if not (total > 0 and (ess > min_ess or np.isclose(ess, min_ess))):
                    counts[h]["dropped_low_ess"] += 1
                    continue
                counts[h]["kept"] += 1
                for k, m in enumerate(measures):
                    se = (1.0 - np.sign(c[rows1, k][:, None] - c[rows2, k][None, :]) * np.sign(d)) / 2.0
                    losses[m][h].append((w * se).sum() / total)

    def stats(x):
        x = np.asarray(x, float)
        if x.size == 0:
            return {"mean": None, "p90": None, "max": None, "environments": 0}
        return {"mean": x.mean(), "p90": np.percentile(x, 90), "max": x.max(), "environments": x.size}

    out = {m: {"robust": stats([v for h in hps for v in losses[m][h]]),
               "per_hparam": {h: stats(losses[m][h]) for h in hps}} for m in measures}
    return out, counts


def pgdl_reference(df, gap, hps, measures, negate=(), rtol=1e-6):
    """Official conditional-MI score x 100 on the per-combination means (correctly rounded: math.fsum), or None."""
    key = pd.DataFrame({h: representatives(df[h], rtol) for h in hps})
    values = {h: sorted(set(key[h])) for h in hps}
    table = pd.concat([key, pd.DataFrame(oriented(df, measures, negate), columns=measures),
                       df[[gap]].astype(float)], axis=1)
    groups = table.groupby(hps, sort=True)
    if len(hps) < 2 or groups.ngroups != math.prod(len(values[h]) for h in hps):
        return None
    means = groups.agg(lambda s: math.fsum(s) / len(s)).reset_index()
    g = means[gap].to_numpy()
    gpos = g[:, None] > g[None, :]
    scores = {m: math.inf for m in measures}
    for h1, h2 in itertools.permutations(hps, 2):
        i1 = means[h1].map({v: j for j, v in enumerate(values[h1])}).to_numpy()
        i2 = means[h2].map({v: j for j, v in enumerate(values[h2])}).to_numpy()
        l1, l2 = len(values[h1]), len(values[h2])
        cell = ((i1[:, None] * l1 + i1[None, :]) * l2 + i2[:, None]) * l2 + i2[None, :]
        for m in measures:
            cm = means[m].to_numpy()
            cpos = cm[:, None] > cm[None, :]
            counts = np.zeros((l1 * l1 * l2 * l2, 2, 2))
            np.add.at(counts, (cell.ravel(), (~gpos).ravel().astype(int), (~cpos).ravel().astype(int)), 1.0)
            p = counts / counts.sum(axis=(1, 2), keepdims=True)
            pg, pc = p.sum(axis=2, keepdims=True), p.sum(axis=1, keepdims=True)
            with np.errstate(divide="ignore", invalid="ignore"):
                mi = np.where(p > 0, p * np.log2(p / (pg * pc)), 0.0).sum(axis=(1, 2))
                h = -np.where(pg > 0, pg * np.log2(pg), 0.0).sum(axis=(1, 2))
            score = 0.0 if h.mean() == 0 else mi.mean() / h.mean()
            scores[m] = min(scores[m], 100.0 * score)
    return scores


# ---------------------------------------------------------------- generated tables ---------------------------------

def generated_table(seed, drop=0):
    """lr (float, jittered by 1e-9 relative), width (int), opt (text); 2-4 seeds per combination; gaps k/400 (ties);
    `drop` combinations removed entirely."""
    rng = np.random.default_rng(seed)
    rows = []
    combos = list(itertools.product([0.01, 0.03, 0.1], [16, 32, 64], ["adam", "sgd"]))
    for j in sorted(rng.choice(len(combos), size=drop, replace=False)) if drop else []:
        combos[j] = None
    for combo in combos:
        if combo is None:
            continue
        lr, width, opt = combo
        for s in range(rng.integers(2, 5)):
            p = min(0.45, 0.02 + 3 * lr + 0.002 * width + (0.08 if opt == "sgd" else 0.0))
            gap = rng.binomial(400, p) / 400
            rows.append({"lr": lr * (1 + 1e-9 * rng.standard_normal()), "width": width, "opt": opt, "seed": s,
                         "gap": gap, "m_gap": gap + rng.normal(0, 0.02), "m_tied": round(gap * 10) / 10,
                         "m_const": 1.0, "m_rand": rng.standard_normal(), "m_neg": -gap + rng.normal(0, 0.05),
                         "m_int": float(width // 16 + (opt == "sgd"))})
    return pd.DataFrame(rows)


MEASURES = ["m_gap", "m_tied", "m_const", "m_rand", "m_neg", "m_int"]
HPARAMS = ["lr", "width", "opt"]


def check_against_reference(result, df, negate, test_size, min_ess, noise):
    ref, counts = robust_reference(df, "gap", HPARAMS, MEASURES, negate, test_size, min_ess, noise)
    got = {m.name: m for m in result.measures}
    assert set(got) == set(MEASURES)
    kept = 0
    for m in MEASURES:
        for key in ("mean", "p90", "max"):
            want, have = ref[m]["robust"][key], got[m].robust[key]
            assert (want is None and have is None) or abs(want - have) <= TOL, (m, key, want, have)
        assert got[m].robust["environments"] == ref[m]["robust"]["environments"]
        for entry in got[m].per_hparam:
            want = ref[m]["per_hparam"][entry.hparam]
            for key in ("mean", "p90", "max"):
                assert (want[key] is None and entry[key] is None) or abs(want[key] - entry[key]) <= TOL, (m, entry.hparam, key)
            assert entry.environments == want["environments"]
        kept += ref[m]["robust"]["environments"] > 0
    for e in result.environments:
        assert {k: e[k] for k in ("kept", "dropped_low_ess", "missing")} == counts[e.hparam], e.hparam
    pgdl = pgdl_reference(df, "gap", HPARAMS, MEASURES, negate)
    if pgdl is None:
        assert all(m.pgdl is None for m in result.measures) and result.pgdl_status.startswith("not computed")
    else:
        for m in MEASURES:
            assert got[m].pgdl == pytest.approx(pgdl[m], rel=TOL, abs=TOL), m
    # Ranked by the robust sign-error: max, then p90, then mean.
    order = [(m.robust["max"], m.robust["p90"], m.robust["mean"]) for m in result.measures if m.robust["max"] is not None]
    assert order == sorted(order)
    return kept


@pytest.mark.parametrize("seed,drop", [(1, 0), (2, 0), (3, 3)])
@pytest.mark.parametrize("noise,min_ess", [(True, 2.0), (False, 6.0), (False, 12.0)])
def test_matches_independent_implementation(seed, drop, noise, min_ess):
    df = generated_table(seed, drop)
    negate = ["m_neg"]
    r = itbound.measures(df, gap="gap", hparams=HPARAMS, measures=MEASURES, negate=negate, seed="seed",
                         test_size=400, min_ess=min_ess, no_noise_filter=not noise)
    kept = check_against_reference(r, df, negate, 400, min_ess, noise)
    assert kept > 0  # the comparison covered kept environments
    assert (r.environments_missing > 0) == (drop > 0)


def test_table_inputs_agree(tmp_path):
    """A DataFrame, a dict of arrays or lists, a CSV file, JSON records and columns give the same result."""
    df = generated_table(5)
    kw = dict(gap="gap", hparams="lr,width,opt", measures=MEASURES, test_size=400, min_ess=3, seed="seed")
    base = itbound.measures(df, **kw)
    assert itbound.measures({c: df[c].to_numpy() for c in df.columns}, **kw) == base
    assert itbound.measures({c: df[c].tolist() for c in df.columns}, **kw) == base
    df.to_csv(tmp_path / "runs.csv", index=False, float_format="%.17g")
    df.to_json(tmp_path / "records.json", orient="records", double_precision=15)
    assert itbound.measures(tmp_path / "runs.csv", **kw) == base
    assert itbound.measures(runs=str(tmp_path / "runs.csv"), **kw) == base
    # JSON through pandas keeps 15 digits: equal up to that rounding.
    rec = itbound.measures(str(tmp_path / "records.json"), **kw)
    for a, b in zip(rec.measures, base.measures):
        assert a.name == b.name and a.robust["max"] == pytest.approx(b.robust["max"], abs=1e-9)
    with open(tmp_path / "columns.json", "w") as f:
        json.dump({c: df[c].tolist() for c in df.columns}, f)
    assert itbound.measures(str(tmp_path / "columns.json"), **kw) == base


def test_per_environment_and_render():
    df = generated_table(7)
    r = itbound.measures(df, gap="gap", hparams=HPARAMS, measures=MEASURES, test_size=400, min_ess=4,
                         no_noise_filter=True, per_environment=True)
    env = r.per_environment
    assert env.loss.shape == (len(env.hparam), len(MEASURES)) and env.measures == [m.name for m in r.measures]
    # Each kept environment stands for both orders: its losses, doubled, give the robust statistics.
    for j, m in enumerate(r.measures):
        both = np.concatenate([env.loss[:, j], env.loss[:, j]])
        assert m.robust["max"] == both.max() and m.robust["p90"] == pytest.approx(np.percentile(both, 90), abs=TOL)
    text = r.render("table")
    assert text.startswith(r.summary) and "robust.max" in text and "dropped_low_ess" in text
    assert "| rank | name |" in r.render("markdown")
    frame = r.to_frame("measures")
    assert list(frame["name"]) == [m.name for m in r.measures]


def test_errors_name_the_field():
    df = generated_table(1)
    kw = dict(gap="gap", hparams=HPARAMS, test_size=400)
    with pytest.raises(ValueError, match="^measures: no column 'nope'"):
        itbound.measures(df, measures=["m_gap", "nope"], **kw)
    with pytest.raises(ValueError, match="^gap: column 'opt' is not numeric"):
        itbound.measures(df, **{**kw, "gap": "opt"})
    with pytest.raises(ValueError, match="^hparams: no column 'depth'"):
        itbound.measures(df, **{**kw, "hparams": ["lr", "depth"]})
    with pytest.raises(ValueError, match="^test-size: must be in"):
        itbound.measures(df, **{**kw, "test_size": 0})
    with pytest.raises(ValueError, match="^negate: 'gap' is not one of the measures"):
        itbound.measures(df, negate="gap", **kw)
    with pytest.raises(ValueError, match="^table: must be a dict"):
        itbound.measures(42, **kw)
    bad = df.copy()
    bad.loc[3, "m_gap"] = np.inf
    with pytest.raises(ValueError, match="^measures: column 'm_gap' row 4 is not a finite number"):
        itbound.measures(bad, **kw)
