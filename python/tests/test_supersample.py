"""Supersample runs from NumPy arrays: the same results as the CLI on the bundled files, shards that merge to
the single pass exactly, statistics that survive pickling, and errors that name the field."""
import json
import pathlib
import pickle
import subprocess

import numpy as np
import pytest

import itbound

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "data" / "examples"
MODELS = ["logreg", "1nn", "tree"]


def cli_cmi(exe, path, *args):
    out = subprocess.run([exe, "cmi", "--runs", str(path), "--full", *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def arrays(model):
    z = np.load(EXAMPLES / f"digits-{model}.npz")
    return z["mask"], z["loss"], z["pred"]


@pytest.mark.parametrize("model", MODELS)
def test_arrays_give_the_cli_result(exe, model):
    mask, loss, pred = arrays(model)
    path = EXAMPLES / f"digits-{model}.npz"
    # Bootstrap included: the arrays are the runs, resampled as the CLI resamples the file.
    assert json.loads(itbound.cmi(mask=mask, loss=loss, pred=pred, bootstrap=50).to_json()) == cli_cmi(exe, path, "--bootstrap", "50")
    stats = itbound.supersample_stats(mask, loss, pred)
    for correction in ["none", "jackknife"]:
        expected = cli_cmi(exe, path, "--bootstrap", "0", "--correction", correction, "--per-pair")
        assert json.loads(itbound.cmi_from_stats(stats, correction=correction, per_pair=True).to_json()) == expected
    assert json.loads(itbound.cmi(runs=str(path), bootstrap=0).to_json()) == cli_cmi(exe, path, "--bootstrap", "0")


def test_arrays_take_every_cmi_parameter(exe):
    # Continuous losses: the k-NN estimator (from the raw arrays), k and a total CMI, as on the command line.
    z = np.load(EXAMPLES / "digits-logreg-xent.npz")
    path = EXAMPLES / "digits-logreg-xent.npz"
    args = dict(loss_max=4, estimator="knn", k=3, total_cmi=5.0, per_pair=True)
    got = json.loads(itbound.cmi(mask=z["mask"], loss=z["loss"], pred=z["pred"], **args).to_json())
    assert got == cli_cmi(exe, path, "--loss-max", "4", "--estimator", "knn", "--k", "3", "--total-cmi", "5",
                          "--per-pair")
    assert got["estimator"] == "knn" and got["knn"]["k"] == 3
    assert "cmi-total-sqrt" in {b["name"] for b in got["bounds"]}
    # Statistics keep counts only: k-NN from them is refused by name; the plug-in result is the CLI's.
    stats = itbound.supersample_stats(z["mask"], z["loss"], z["pred"], loss_max=4)
    with pytest.raises(ValueError, match="^estimator: knn needs the raw losses"):
        itbound.cmi_from_stats(stats, estimator="knn")
    assert json.loads(itbound.cmi_from_stats(stats, total_cmi=5.0).to_json()) == cli_cmi(exe, path, "--loss-max", "4",
                                                                            "--bootstrap", "0", "--total-cmi", "5")
    with pytest.raises(ValueError, match="^k: must be in"):
        itbound.cmi(mask=z["mask"], loss=z["loss"], loss_max=4, estimator="knn", k=0)
    with pytest.raises(ValueError, match="^estimator: must be one of"):
        itbound.cmi(mask=z["mask"], loss=z["loss"], loss_max=4, estimator="ksg")


def test_per_pair_values_average_to_the_reported_means():
    mask, loss, pred = arrays("1nn")
    r = itbound.cmi(mask=mask, loss=loss, pred=pred, bootstrap=0, per_pair=True)
    for kind in ["fcmi", "ecmi", "ldcmi", "ldmi", "slmi"]:
        values = np.array(r.per_pair[kind])
        assert values.shape == (mask.shape[2],)
        assert values.mean() == pytest.approx(r.estimates[f"{kind}_mean"], rel=1e-12)
    f = itbound.supersample_stats(mask, loss, pred).finalize()
    assert f["ecmi"].shape == (mask.shape[0], mask.shape[2]) and f["run_gap"].shape == mask.shape[:2]
    assert np.allclose(f["ecmi"].mean(axis=0), r.per_pair["ecmi"], rtol=1e-14, atol=0)
    assert np.array_equal(f["slmi"], r.per_pair["slmi"]) and f["supersample_train"].shape == (mask.shape[0],)
    assert f["loss_follows_prediction"]


def test_every_dtype_and_layout_reads_the_same_values():
    mask, loss, pred = arrays("tree")
    reference = itbound.supersample_stats(mask, loss, pred).finalize()
    variants = [
        (mask.astype(bool), loss.astype(np.uint8), pred.astype(np.int64)),
        (mask.astype(np.float64), loss.astype(np.float32), pred.astype(np.int32)),
        (np.asfortranarray(mask), np.asfortranarray(loss), np.asfortranarray(pred)),
        (mask.astype(">u2"), loss.astype(">f8"), pred.astype(np.uint16)),
        (mask.tolist(), loss[:, ::1], pred.astype(np.float64)),
    ]
    for m, l, p in variants:
        got = itbound.supersample_stats(m, l, p).finalize()
        for key, value in reference.items():
            assert np.array_equal(got[key], value) if isinstance(value, np.ndarray) else got[key] == value, key


def shard(mask, loss, pred, s, j, i):
    """Stats of mask[s0:s1, j0:j1, i0:i1] placed at (s0, j0, i0)."""
    sl = (slice(*s), slice(*j), slice(*i))
    return itbound.supersample_stats(mask[sl], loss[sl], pred[sl], supersample_offset=s[0], run_offset=j[0],
                                     pair_offset=i[0])


def test_shards_by_supersample_pair_and_run_merge_exactly_and_pickle():
    mask, loss, pred = arrays("logreg")
    k1, k2, n = mask.shape
    single = itbound.cmi_from_stats(itbound.supersample_stats(mask, loss, pred), per_pair=True)
    full = (0, None)
    splits = {
        "supersample": [shard(mask, loss, pred, (s, s + 1), full, full) for s in range(k1)],
        "pair": [shard(mask, loss, pred, full, full, (i, i + 40)) for i in range(0, n, 40)],
        "run": [shard(mask, loss, pred, full, (j, j + 5), full) for j in range(0, k2, 5)],
    }
    for name, parts in splits.items():
        merged = itbound.SupersampleStats()
        for part in reversed(parts):
            merged = merged.merge(pickle.loads(pickle.dumps(part)))
        assert merged.complete and merged.shape == (k1, k2, n), name
        assert itbound.cmi_from_stats(merged, per_pair=True) == single, name
        again = itbound.SupersampleStats.from_bytes(merged.to_bytes())
        assert itbound.cmi_from_stats(again, per_pair=True) == single, name


def test_errors_name_the_field():
    mask, loss, pred = arrays("1nn")
    bad = mask.copy()
    bad[0, 0, 0] = 2
    with pytest.raises(ValueError, match="^mask: values must be 0 or 1, got 2"):
        itbound.supersample_stats(bad, loss)
    nan = loss.copy()
    nan[1, 2, 3, 0] = np.nan
    with pytest.raises(ValueError, match="^loss: contains NaN"):
        itbound.cmi(mask=mask, loss=nan)
    with pytest.raises(ValueError, match=r"^loss: value 1 outside the declared range \[0, 0.5\]"):
        itbound.supersample_stats(mask, loss, loss_max=0.5)
    with pytest.raises(ValueError, match="^loss: shape mismatch"):
        itbound.supersample_stats(mask, loss[:, :, :-1])
    with pytest.raises(ValueError, match="^mask: shape mismatch: must have 3 axes"):
        itbound.supersample_stats(mask[0], loss)
    with pytest.raises(ValueError, match="^pred: unsupported dtype"):
        itbound.supersample_stats(mask, loss, pred.astype(complex))
    with pytest.raises(ValueError, match="^pair-offset: must be in"):
        itbound.supersample_stats(mask, loss, pair_offset=-1)
    with pytest.raises(ValueError, match="^bogus: is not an argument"):
        itbound.cmi(mask=mask, loss=loss, bogus=1)
    with pytest.raises(ValueError, match="^loss: is required with mask"):
        itbound.cmi(mask=mask)
    with pytest.raises(ValueError, match="^stats: shards overlap"):
        itbound.supersample_stats(mask, loss).merge(itbound.supersample_stats(mask[:1], loss[:1]))
    with pytest.raises(ValueError, match="^stats: the merged shards do not cover"):
        itbound.cmi_from_stats(itbound.supersample_stats(mask, loss, supersample_offset=1))
    with pytest.raises(ValueError, match="^stats: "):
        itbound.SupersampleStats.from_bytes(b"not statistics")


def test_corrupted_pickled_statistics_are_rejected_by_their_checksum():
    """Issue 13, item 9: single-bit flips of the pickled byte form were accepted and changed the result."""
    z = np.load(pathlib.Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "runs.npz")
    st = itbound.supersample_stats(z["mask"], z["loss"], z["pred"])
    raw = bytearray(st.to_bytes())
    for bit in range(0, 8 * len(raw), 97):
        bad = bytearray(raw)
        bad[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(ValueError, match="stats: "):
            itbound.SupersampleStats.from_bytes(bytes(bad))
    blob = pickle.dumps(st)
    i = blob.index(bytes(raw[40:48]))  # somewhere inside the byte form
    with pytest.raises(ValueError, match="CRC-32"):
        pickle.loads(blob[:i] + bytes([blob[i] ^ 1]) + blob[i + 1:])
