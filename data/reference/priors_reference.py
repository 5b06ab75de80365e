#!/usr/bin/python3
"""Reference values for the data-dependent-prior code, computed independently with mpmath (50 digits).

gaussian-kl.csv: KL(N(mu_q, diag s_q^2) || N(mu_p, s_p^2 I)) from the textbook formula
  1/2 sum [s_q^2/s_p^2 + (mu_q - mu_p)^2/s_p^2 - 1 + 2 ln(s_p/s_q)]  (Gaussian KL closed form).
pac-bayes-kl-point.csv: the PAC-Bayes-kl bound kl^-1(q, (KL + ln xi(n) + ln(1/delta))/n) with Maurer's
  xi(n) = sum_k C(n,k) (k/n)^k (1-k/n)^(n-k) summed exactly, and the kl inverse by bisection to 1e-40.
Run: /usr/bin/python3 data/reference/priors_reference.py (rewrites both CSV files beside it).
"""
import pathlib

import mpmath as mp

from mp_kl import kl_inverse_upper, log_xi

HERE = pathlib.Path(__file__).parent

KL_CASES = [  # (name, mu_q, s_q, mu_p, s_p)
    ("mixed", ["0.3", "-1.2", "2.5"], ["0.5", "0.1", "2"], ["0", "-1", "2"], "0.7"),
    ("isotropic_equal", ["1", "2"], ["0.25"], ["1", "2"], "0.25"),
    ("near_one_ratio", ["0.001"], ["1.00000001"], ["0"], "1"),
    ("tiny_scales", ["0.01", "0.02", "-0.03", "0.04"], ["1e-4"], ["0.0101", "0.0199", "-0.03", "0.0401"], "2e-4"),
]


def exact(text):
    """The double the C++ code reads from this text, exactly (not the decimal itself: 0.0101 is not a double)."""
    return mp.mpf(float(text))


def gaussian_kl(mu_q, s_q, mu_p, s_p):
    total = mp.mpf(0)
    for i in range(len(mu_q)):
        sq = exact(s_q[0] if len(s_q) == 1 else s_q[i])
        sp = exact(s_p)
        total += sq**2 / sp**2 + (exact(mu_q[i]) - exact(mu_p[i])) ** 2 / sp**2 - 1 + 2 * mp.log(sp / sq)
    return total / 2


def main():
    with open(HERE / "gaussian-kl.csv", "w") as f:
        f.write("# written by priors_reference.py (mpmath, 50 digits); vectors separated by ';'\n")
        f.write("name,mu_q,s_q,mu_p,s_p,kl\n")
        for name, mu_q, s_q, mu_p, s_p in KL_CASES:
            value = gaussian_kl(mu_q, s_q, mu_p, s_p)
            f.write(f"{name},{';'.join(mu_q)},{';'.join(s_q)},{';'.join(mu_p)},{s_p},{mp.nstr(value, 30)}\n")
    with open(HERE / "pac-bayes-kl-point.csv", "w") as f:
        f.write("# written by priors_reference.py (mpmath, 50 digits)\n")
        f.write("q,kl,n,delta,log_xi,bound\n")
        for q, kl_div, n, delta in [("0.1", "5", 1000, "0.05"), ("0", "0", 228, "0.001"), ("0.02", "12.5", 300, "0.001")]:
            c = (exact(kl_div) + log_xi(n) + mp.log(1 / exact(delta))) / n
            f.write(f"{q},{kl_div},{n},{delta},{mp.nstr(log_xi(n), 30)},{mp.nstr(kl_inverse_upper(exact(q), c), 30)}\n")


if __name__ == "__main__":
    main()
