#!/usr/bin/python3
"""Runs `itbound self-certify` (and `itbound prior` on the resulting posterior) on the examples written by
make_priors_data.py and writes the table in PRIORS.md. Usage: run_priors.py <path to itbound>."""
import json
import pathlib
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).parent
DATA = HERE / "priors"
TASKS = [  # (name, alpha grid): breast cancer's feature map uses the first 10% of rows, so alpha >= 0.1
    ("digits-4v9", "0,0.1,0.2,0.35,0.5"),
    ("digits-3v5", "0,0.1,0.2,0.35,0.5"),
    ("digits-1v7", "0,0.1,0.2,0.35,0.5"),
    ("breast-cancer", "0.1,0.2,0.35,0.5"),
]
DELTA = "0.05"
BROAD_SCALES = "4"  # prior stds exp(-j), j = 0..3: from 1 down to 0.05


def kl_text(kl):
    return "< 1e-300 (posterior = prior)" if kl < 1e-300 else f"{kl:.3g}"


def itbound(exe, *args):
    start = time.perf_counter()
    r = subprocess.run([exe, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(r.stdout), time.perf_counter() - start


def main(exe):
    rows = []
    for name, alphas in TASKS:
        out, seconds = itbound(exe, "self-certify", "--train", DATA / f"{name}-train.csv", "--test",
                               DATA / f"{name}-test.csv", "--alphas", alphas, "--delta", DELTA)
        # A separate run (its own, coarser grid) that keeps the prior broad, so the posterior has to learn.
        broad, _ = itbound(exe, "self-certify", "--train", DATA / f"{name}-train.csv", "--alphas", alphas,
                           "--delta", DELTA, "--scale-count", BROAD_SCALES)
        held = out["held_out"]
        m, k = out["inputs"]["examples"], out["prior_set_size"]
        kb = broad["prior_set_size"]  # `itbound prior` is shown on the broad-prior posterior (it moved)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = pathlib.Path(tmp)
            d = len(broad["posterior_mean"])
            (tmp / "mean.csv").write_text(",".join(map(repr, broad["posterior_mean"])))
            (tmp / "std.csv").write_text(repr(broad["posterior_sigma"]))
            (tmp / "c0.csv").write_text(",".join(["0"] * d))
            (tmp / "c1.csv").write_text(",".join(map(repr, broad["prior_centre"])))
            (tmp / "bound.txt").write_text(" ".join(map(str, range(kb, m))))
            (tmp / "prior.txt").write_text(" ".join(map(str, range(kb))))
            prior, prior_seconds = itbound(
                exe, "prior", "--posterior-mean", tmp / "mean.csv", "--posterior-std", tmp / "std.csv", "--centre0",
                tmp / "c0.csv", "--centre1", tmp / "c1.csv", "--emp-risk", broad["empirical_gibbs_risk"],
                "--bound-indices", tmp / "bound.txt", "--prior-indices", tmp / "prior.txt", "--delta", DELTA)
        data_free = out.get("best_certificate_at_alpha_0")
        rows.append({
            "task": name, "m": m, "alpha": out["alpha"], "k": k, "n": out["n"], "prior_scale": out["prior_scale"],
            "sigma": out["posterior_sigma"], "kl": out["kl"], "emp": out["empirical_gibbs_risk"], "cert": out["value"],
            "data_free": data_free, "test_m": held["trials"], "test_gibbs": held["gibbs_risk"],
            "test_err": held["mean_classifier_errors"] / held["trials"], "errors": held["mean_classifier_errors"],
            "langford": held["mean_classifier_test_set_bound"]["value"], "seconds": seconds,
            "prior_t": prior["prior_mix"], "prior_s": prior["prior_scale"], "prior_cert": prior["value"],
            "prior_kl": prior["kl"], "broad_cert": broad["value"], "broad_kl": broad["kl"],
            "broad_sigma": broad["posterior_sigma"], "broad_s": broad["prior_scale"], "broad_alpha": broad["alpha"],
            "broad_emp": broad["empirical_gibbs_risk"], "prior_seconds": prior_seconds, "grid": out["inputs"]["alpha_grid_points"] *
            out["inputs"]["prior_scale_grid_points"],
        })
        print(json.dumps(rows[-1]))
    lines = [
        "| task | m train | alpha (k = size of S_alpha) | n bound | prior N(w_alpha, s^2 I): s | posterior sigma | KL | "
        "Gibbs risk on bound set | **certificate** | best with data-free prior (alpha = 0) | held-out Gibbs risk | "
        "held-out error of mean w (errors / m_test) | Langford test-set bound (mean w) | time (s) |",
        "|" + "---|" * 14,
    ]
    for r in rows:
        df = "n/a (alpha >= 0.1)" if r["data_free"] is None else f"{r['data_free']:.4f}"
        lines.append(
            f"| {r['task']} | {r['m']} | {r['alpha']:g} ({r['k']}) | {r['n']} | {r['prior_scale']:.3g} | {r['sigma']:.3g} | "
            f"{kl_text(r['kl'])} | {r['emp']:.4f} | **{r['cert']:.4f}** | {df} | {r['test_gibbs']:.4f} | "
            f"{r['test_err']:.4f} ({r['errors']}/{r['test_m']}) | {r['langford']:.4f} | {r['seconds']:.2f} |")
    broad_lines = [
        "| task | alpha | prior s | posterior sigma | KL | Gibbs risk on bound set | certificate |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        broad_lines.append(f"| {r['task']} | {r['broad_alpha']:g} | {r['broad_s']:.3g} | {r['broad_sigma']:.3g} | "
                           f"{kl_text(r['broad_kl'])} | {r['broad_emp']:.4f} | {r['broad_cert']:.4f} |")
    prior_lines = [
        "| task | chosen t (centre (1-t)·0 + t·w_alpha) | chosen s | KL | certificate | time (s) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        prior_lines.append(f"| {r['task']} | {r['prior_t']:g} | {r['prior_s']:.3g} | {kl_text(r['prior_kl'])} | "
                           f"{r['prior_cert']:.4f} | {r['prior_seconds']:.2f} |")
    table = "\n".join(lines)
    broad_table = "\n".join(broad_lines)
    prior_table = "\n".join(prior_lines)
    multi, multi_seconds = itbound(exe, "self-certify", "--one-vs-rest", "--train", DATA / "digits-10class-train.csv",
                                   "--test", DATA / "digits-10class-test.csv", "--alphas", TASKS[0][1], "--delta", DELTA)
    classes = multi["inputs"]["classes"]
    held = multi["held_out"]["argmax_mean_classifier_test_set_bound"]
    per_class = ", ".join(f"{multi[f'class_{c}_certificate']:.3f}" for c in range(classes))
    multi_table = "\n".join([
        "| task | m train | classes | per-class certificates (each at delta/10) | **certificate** (sum) | "
        "held-out error of argmax mean classifier | Langford test-set bound (argmax mean) | time (s) |",
        "|---|---|---|---|---|---|---|---|",
        f"| digits, 10 classes | {multi['inputs']['examples']} | {classes} | {per_class} | **{multi['value']:.4f}** | "
        f"{held['empirical_error']:.4f} ({held['inputs']['errors']}/{held['inputs']['trials']}) | {held['value']:.4f} | "
        f"{multi_seconds:.2f} |",
    ])
    print(multi_table)
    doc = HERE / "PRIORS.md"
    text = doc.read_text()
    start, end = "<!-- table:self-certify -->", "<!-- /table:self-certify -->"
    text = text[: text.index(start) + len(start)] + "\n" + table + "\n" + text[text.index(end):]
    start, end = "<!-- table:multi -->", "<!-- /table:multi -->"
    text = text[: text.index(start) + len(start)] + "\n" + multi_table + "\n" + text[text.index(end):]
    start, end = "<!-- table:broad -->", "<!-- /table:broad -->"
    text = text[: text.index(start) + len(start)] + "\n" + broad_table + "\n" + text[text.index(end):]
    start, end = "<!-- table:prior -->", "<!-- /table:prior -->"
    text = text[: text.index(start) + len(start)] + "\n" + prior_table + "\n" + text[text.index(end):]
    doc.write_text(text)


if __name__ == "__main__":
    main(sys.argv[1])
