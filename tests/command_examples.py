"""Example invocations of every itbound command on the bundled data (data/examples/), shared by the output tests
(tests/cli_formats.py: table, Markdown, LaTeX; tests/cli_schema.py: the JSON Schema of each command).

examples(data, tmp) -> [(label, [command, args...])]; files a command needs beyond data/examples (the `prior`
command's CSVs, a posterior and prior for kl-divergence) are written to `tmp` from the bundled data.
"""
import json
import pathlib
import subprocess


def examples(exe, data, tmp):
    data, tmp = pathlib.Path(data), pathlib.Path(tmp)
    ex = data / "examples"
    heldout = json.loads((ex / "digits-heldout.json").read_text())
    priors = ex / "priors"
    out = [
        ("kl-inverse", ["kl-inverse", "--q", "0.1", "--c", "0.5"]),
        ("test-set", ["test-set", "--errors", heldout["errors"], "--trials", heldout["trials"], "--delta", "0.05"]),
        ("pac-bayes", ["pac-bayes", "--emp-risk", "0.05", "--kl", "5", "--n", "10000"]),
        ("pac-bayes monte carlo", ["pac-bayes", "--kl", "5", "--n", "10000", "--mc-samples", "1000",
                                   "--mc-mean-error", "0.05", "--emp-variance", "0.04", "--baseline-error", "0.9"]),
        ("kl-divergence code", ["kl-divergence", "--code-length-bits", "1000"]),
        ("trajectory", ["trajectory", ex / "trajectory-small.jsonl"]),
        ("mi-bound", ["mi-bound", "--mi", "5", "--n", "1000"]),
        ("mi-bound individual", ["mi-bound", "--mi", "0.02,0.08,0.08,0.08", "--n", "4", "--bound", "individual"]),
        ("loo-cmi 1nn", ["loo-cmi", ex / "digits-loo-1nn.npz"]),
        ("loo-cmi logreg", ["loo-cmi", ex / "digits-loo-logreg.npz"]),
        ("self-certify", ["self-certify", "--train", priors / "digits-1v7-train.csv", "--test",
                          priors / "digits-1v7-test.csv", "--alphas", "0,0.2", "--scale-count", "4"]),
        ("self-certify one-vs-rest", ["self-certify", "--train", priors / "digits-10class-train.csv", "--test",
                                      priors / "digits-10class-test.csv", "--one-vs-rest", "--alphas", "0.2",
                                      "--scale-count", "3"]),
    ]
    for model in ["logreg", "1nn", "tree"]:
        out.append((f"cmi {model}", ["cmi", ex / f"digits-{model}.npz"]))
    out.append(("cmi compression", ["cmi", ex / "digits-prototype-1nn.npz", "--compression-size", "10",
                                    "--compression-unordered", "--bootstrap", "0"]))
    out.append(("compression", ["compression", "--n", "800", "--compression-size", "10", "--train-error", "0.15"]))
    out.append(("dp-gibbs-prior", ["dp-gibbs-prior", "--tau", "10", "--n", "253"]))
    out.append(("pac-bayes dp prior", ["pac-bayes", "--emp-risk", "0.05", "--kl", "5", "--n", "253", "--dp-epsilon", "0.1"]))
    out.append(("rrm", ["rrm", ex / "digits-rrm.npz", "--bootstrap", "0"]))
    out.append(("measures", ["measures", ex / "digits-grid.csv", "--gap", "gap", "--hparams", "lr,width,depth,train_size",
                             "--seed", "seed", "--test-size", "1397", "--negate", "sharpness_sigma"]))
    for run in ["langevin-0", "sgd"]:
        out.append((f"trajectory {run}", ["trajectory", ex / f"trajectory-digits-{run}.jsonl"]))
    out.append(("cmi knn per-pair", ["cmi", ex / "digits-logreg-xent.npz", "--estimator", "knn", "--loss-max", "4",
                                     "--per-pair"]))
    # kl-divergence from stored parameters: a diagonal Gaussian posterior and an isotropic prior, as JSON.
    (tmp / "q.json").write_text(json.dumps({"mean": [0.1, -0.2, 0.3], "std": [0.5, 0.4, 0.3]}))
    (tmp / "p.json").write_text(json.dumps({"mean": 0.0, "std": 1.0}))
    out.append(("kl-divergence files", ["kl-divergence", "--posterior", tmp / "q.json", "--prior", tmp / "p.json"]))
    # prior: the posterior a self-certify run found on the digits, with its split (as tests/priors_end_to_end.py).
    r = subprocess.run([exe, "self-certify", "--train", priors / "digits-1v7-train.csv", "--alphas", "0.2",
                        "--scale-count", "3"], capture_output=True, text=True, check=True)
    sc = json.loads(r.stdout)
    d, m, k = len(sc["posterior_mean"]), sc["inputs"]["examples"], sc["details"]["prior_set_size"]
    (tmp / "mean.csv").write_text(",".join(map(repr, sc["posterior_mean"])) + "\n")
    (tmp / "std.csv").write_text(repr(sc["details"]["posterior_sigma"]) + "\n")
    (tmp / "c0.csv").write_text(",".join(["0"] * d) + "\n")
    (tmp / "c1.csv").write_text("\n".join(map(repr, sc["prior_centre"])) + "\n")
    (tmp / "bound.txt").write_text(" ".join(map(str, range(k, m))) + "\n")
    (tmp / "prior.txt").write_text(",".join(map(str, range(k))) + "\n")
    out.append(("prior", ["prior", "--posterior-mean", tmp / "mean.csv", "--posterior-std", tmp / "std.csv",
                          "--centre0", tmp / "c0.csv", "--centre1", tmp / "c1.csv", "--emp-risk",
                          sc["details"]["empirical_gibbs_risk"], "--bound-indices", tmp / "bound.txt",
                          "--prior-indices", tmp / "prior.txt", "--scale-count", "3", "--mix-count", "3"]))
    return [(label, [str(a) for a in args]) for label, args in out]
