"""Reference values for the empirical-bernstein certificate (bounds/src/pac_bayes.cpp), at 40 digits with mpmath.

Tolstikhin & Seldin (2013), Theorem 4 with the variance bound of their Theorem 3, as restated by Alquier (2024),
Thm 3.9, and implemented in Split-KL-R's boundTS (bounds/REFERENCES.md): the variance bound capped at 1/4 in the
case condition and the square-root branch; grid sizes with ln(1/delta) and nu1 + 1 (larger than the sources'); c1 = c2
= 1.1.
Run: /usr/bin/python3 data/reference/pac_bayes_eb.py > data/reference/pac_bayes_eb.csv
"""
import mpmath as mp

mp.mp.dps = 40
C1 = C2 = mp.mpf("1.1")


def empirical_bernstein(r, v, kl, n, delta):
    r, v, kl, delta = mp.mpf(r), mp.mpf(v), mp.mpf(kl), mp.mpf(delta)
    e = mp.e - 2
    nu1 = max(1, mp.ceil(mp.log(mp.sqrt(e * n / (4 * mp.log(1 / delta)))) / mp.log(C1)) + 1)
    nu2 = max(1, mp.ceil(mp.log(mp.sqrt((n - 1) / mp.log(1 / delta) + 1) / 2 + mp.mpf(1) / 2) / mp.log(C2)))
    t2 = kl + mp.log(2 * nu2 / delta)
    V = v + (1 + C2) * mp.sqrt(v * t2 / (2 * (n - 1))) + 2 * C2 * t2 / (n - 1)
    e1 = (kl + mp.log(2 * nu1 / delta)) / n
    W = min(V, mp.mpf(1) / 4)
    if e1 > e * W:
        return r + 2 * e1, "linear", nu1, nu2
    return r + (1 + C1) * mp.sqrt(e * W * e1), "sqrt", nu1, nu2


CASES = [  # emp_risk, emp_variance, kl, n, delta
    ("0.05", "0.03", "5", 10000, "0.05"),
    ("0", "0", "0", 1000, "0.05"),
    ("0.01", "0.001", "2", 50000, "0.01"),
    ("0.1", "0.09", "50", 2000, "0.05"),
    ("0.2", "0.1", "10", 500, "0.1"),
    ("0.3", "0.2", "0.5", 100, "0.05"),
    ("0.02", "0.0001", "1", 1000000, "0.001"),
    ("0.5", "0.25", "100", 5000, "0.05"),
    ("0.001", "0.000999", "0", 30, "0.2"),
    ("0.2543737780666994", "0", "0", 25, "0.0789105198545559"),  # linear branch
    ("0", "0", "0", 22, "0.20136"),
    ("0.00799", "0.00615", "0", 17, "0.0265"),
]

if __name__ == "__main__":
    print("# empirical-bernstein at 40 digits (mpmath), raw values before capping; generator: pac_bayes_eb.py")
    print("emp_risk,emp_variance,kl,n,delta,value,branch,nu1,nu2")
    for r, v, kl, n, delta in CASES:
        value, branch, nu1, nu2 = empirical_bernstein(r, v, kl, n, delta)
        print(f"{r},{v},{kl},{n},{delta},{mp.nstr(value, 25)},{branch},{int(nu1)},{int(nu2)}")
