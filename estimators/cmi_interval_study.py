"""Coverage of the intervals `itbound cmi` reports for its mean estimates (e-CMI, ld-CMI, ld-MI), by simulation.

What the intervals claim to cover: the expected mean estimate over redraws of the runs, the supersamples fixed
(estimators/CMI-INTERVAL.md). The simulation fixes k1 supersamples of n pairs (per-pair parameters drawn once)
and draws runs: each run draws its selector U and a run-level "quality" z ~ N(0, 1) shared by all its pairs (the
dependence between pairs that one trained model induces), then 0-1 losses per pair: with probability
sigmoid(a_i + beta z) the trained member is memorised (loss 0) and the held-out one wrong (loss 1); otherwise each
member is wrong independently with probability e_i. beta = 0: pairs independent given the supersample; beta = 1.5:
strongly dependent.

The truth, E[mean estimate], is the average of the estimate over --truth independent run sets (its Monte Carlo
error is printed beside it); the coverage is the fraction of --trials intervals, each from a fresh run set, that
contain it, with its binomial standard error. Both go through itbound.cmi (the production code path).

Usage: PYTHONPATH=build/python /usr/bin/python3 estimators/cmi_interval_study.py [--trials R] [--truth T]
       [--bootstrap-trials B]   (B > 0 also measures the percentile bootstrap, B trials of 200 replicates)
"""
import argparse
import math
import time

import numpy as np

import itbound

MEASURES = ("ecmi", "ldcmi", "ldmi")


class Scenario:
    def __init__(self, k1, k2, n, beta, seed):
        self.k1, self.k2, self.n, self.beta = k1, k2, n, beta
        rng = np.random.default_rng(seed)
        self.a = rng.normal(-1.0, 1.0, size=(k1, n))  # memorisation logit per pair
        self.e = rng.uniform(0.02, 0.3, size=(k1, n))  # error rate per pair when not memorised

    def runs(self, rng):
        k1, k2, n = self.k1, self.k2, self.n
        mask = rng.integers(0, 2, size=(k1, k2, n), dtype=np.uint8)
        z = rng.standard_normal((k1, k2, 1))
        memorise = rng.random((k1, k2, n)) < 1 / (1 + np.exp(-(self.a[:, None, :] + self.beta * z)))
        loss = (rng.random((k1, k2, n, 2)) < self.e[:, None, :, None]).astype(np.uint8)
        s, r, i = np.nonzero(memorise)
        loss[s, r, i, mask[s, r, i]] = 0
        loss[s, r, i, 1 - mask[s, r, i]] = 1
        return mask, loss

    def __str__(self):
        return f"k1={self.k1} k2={self.k2:3d} n={self.n:4d} beta={self.beta}"


def estimates(mask, loss, **interval):
    return itbound.cmi(mask=mask, loss=loss, **interval).to_dict()["estimates"]


def study(scenario, trials, truth_sets, seed, interval):
    rng = np.random.default_rng(seed)
    means = np.array([[estimates(*scenario.runs(rng), interval="none")[m + "_mean"] for m in MEASURES]
                      for _ in range(truth_sets)])
    truth, truth_error = means.mean(axis=0), means.std(axis=0, ddof=1) / math.sqrt(truth_sets)
    hits, widths = np.zeros(len(MEASURES)), np.zeros(len(MEASURES))
    start = time.perf_counter()
    for _ in range(trials):
        est = estimates(*scenario.runs(rng), **interval)
        for k, m in enumerate(MEASURES):
            lo, hi = est[m + "_interval"]
            hits[k] += lo <= truth[k] <= hi
            widths[k] += (hi - lo) / trials
    per_call = (time.perf_counter() - start) / trials
    return truth, truth_error, means.std(axis=0, ddof=1), hits / trials, widths, per_call


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--truth", type=int, default=4000)
    ap.add_argument("--bootstrap-trials", type=int, default=0)
    args = ap.parse_args()
    scenarios = [Scenario(2, k2, n, beta, seed=7 + 100 * k2 + n)
                 for beta in (0.0, 1.5) for k2 in (10, 50) for n in (50, 500)]
    methods = [("jackknife", {"interval": "jackknife"}, args.trials)]
    if args.bootstrap_trials:
        methods.append(("bootstrap", {"interval": "bootstrap", "bootstrap": 200}, args.bootstrap_trials))
    print(f"nominal level 0.9; coverage of E[mean estimate] (truth from {args.truth} run sets); "
          "sd = the mean estimate's standard deviation over run sets; width = mean interval width")
    for name, interval, trials in methods:
        print(f"\n{name}: {trials} trials per scenario")
        print(f"{'scenario':34s} " + "  ".join(f"{m + ' coverage':>17s} {'width/(2*1.645 sd)':>18s}" for m in MEASURES))
        for k, sc in enumerate(scenarios):
            truth, err, sd, cover, width, per_call = study(sc, trials, args.truth, seed=1000 + k, interval=interval)
            se = np.sqrt(cover * (1 - cover) / trials)
            cells = "  ".join(f"{c:8.3f} +- {s:5.3f} {w / (2 * 1.645 * d):18.2f}" for c, s, w, d in zip(cover, se, width, sd))
            print(f"{str(sc):34s} {cells}   ({1e3 * per_call:.1f} ms per call; truth MC error / sd "
                  f"{np.max(err / sd):.3f})")


if __name__ == "__main__":
    main()
