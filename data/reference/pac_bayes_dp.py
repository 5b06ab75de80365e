#!/usr/bin/python3
"""50-digit references for kl-dp-prior (bounds/src/pac_bayes.cpp) and dp-gibbs-prior (bounds/src/dp_prior.cpp).

kl-dp-prior, derived in bounds/REFERENCES.md (Dziugaite & Roy 2018 via Dwork et al. 2015, Thm 11):
    kl^-1(R_hat, (KL + ln xi(n) + 2 max{ln(3/delta), n eps^2}) / n)
with xi(n) summed exactly and the kl inverse by bisection (mp_kl.py, independent of the C++ code). Cases cover both
branches of the max and eps = 0. dp-gibbs-prior: eps = 2 tau r / n, free_epsilon = sqrt(ln(3/delta)/n).
Run: /usr/bin/python3 data/reference/pac_bayes_dp.py > data/reference/pac_bayes_dp.csv
"""
import mpmath as mp

from mp_kl import kl_inverse_upper, log_xi

CASES = [  # emp_risk, kl, n, delta, eps
    ("0.05", "5", 253, "0.05", "0"),
    ("0.05", "5", 253, "0.05", "0.1"),
    ("0.05", "5", 253, "0.05", "0.1271"),
    ("0.05", "5", 253, "0.05", "0.2"),
    ("0.05", "5", 253, "0.05", "1"),
    ("0", "0", 100, "0.01", "0.05"),
    ("0.2", "30", 2000, "0.05", "0.03"),
    ("0.2", "30", 2000, "0.05", "0.08"),
    ("0.01", "2", 4096, "0.001", "0.01"),
    ("0.5", "100", 1000, "0.1", "0.5"),
]
GIBBS = [  # tau, n, loss range, delta
    ("16", 253, "1", "0.05"),
    ("0.5", 10, "2", "0.01"),
    ("1000", 60000, "1", "0.05"),
]


def main():
    print("# kl-dp-prior and dp-gibbs-prior at 50 digits (mpmath); generator: pac_bayes_dp.py")
    print("kind,emp_risk,kl,n,delta,eps_or_tau,loss_range,value,free_epsilon")
    for r, k, n, d, e in CASES:
        r_, k_, d_, e_ = mp.mpf(r), mp.mpf(k), mp.mpf(d), mp.mpf(e)
        c = (k_ + log_xi(n) + 2 * max(mp.log(3 / d_), n * e_ ** 2)) / n
        free = mp.sqrt(mp.log(3 / d_) / n)
        print(f"kl-dp-prior,{r},{k},{n},{d},{e},1,{mp.nstr(kl_inverse_upper(r_, c), 25)},{mp.nstr(free, 25)}")
    for t, n, w, d in GIBBS:
        eps = 2 * mp.mpf(t) * mp.mpf(w) / n
        free = mp.sqrt(mp.log(3 / mp.mpf(d)) / n)
        print(f"gibbs,,,{n},{d},{t},{w},{mp.nstr(eps, 25)},{mp.nstr(free, 25)}")


if __name__ == "__main__":
    main()
