"""Reference values for the PAC-Bayes family (bounds/src/pac_bayes.cpp), recomputed at 50 digits with mpmath.

Independent of the C++ code: kl inverses by bisection on kl(q||p) <= c, Maurer's xi(n) summed exactly (mp_kl.py).
Run: /usr/bin/python3 data/reference/pac_bayes.py > data/reference/pac_bayes.csv
"""
import mpmath as mp

from mp_kl import kl_inverse_upper as kl_inv_upper, log_xi

CATONI_GRID = [mp.mpf(2) ** k for k in range(-4, 5)]  # 1/16 .. 16, the library default


def family(r, kl_, n, delta):
    r, kl_, delta = mp.mpf(r), mp.mpf(kl_), mp.mpf(delta)
    c_kl = (kl_ + log_xi(n) - mp.log(delta)) / n
    e2 = kl_ + mp.log(2 * mp.sqrt(n) / delta)
    eps = e2 / (2 * n)
    lam = 2 / (mp.sqrt(2 * n * r / e2 + 1) + 1)
    k = len(CATONI_GRID)
    catoni = min((1 - mp.exp(-C * r - (kl_ + mp.log(k / delta)) / n)) / (1 - mp.exp(-C)) for C in CATONI_GRID)
    return {
        "kl": kl_inv_upper(r, c_kl),
        "kl-2sqrtn": kl_inv_upper(r, e2 / n),
        "kl-langford-seeger": kl_inv_upper(r, (kl_ + mp.log((n + 1) / delta)) / n),
        "kl-dr17": kl_inv_upper(r, (kl_ + mp.log(n / delta)) / (n - 1)),
        "mcallester": r + mp.sqrt(eps),
        "quad": (mp.sqrt(r + eps) + mp.sqrt(eps)) ** 2,
        "lambda": r / (1 - lam / 2) + e2 / (n * lam * (1 - lam / 2)),
        "catoni": catoni,
        "pinsker": r + mp.sqrt(c_kl / 2),
        "bernstein-relaxation": r + mp.sqrt(2 * r * c_kl) + 2 * c_kl,
    }


CASES = [  # emp_risk, kl, n, delta
    ("0.1", "5000", 30000, "0.025"),
    ("0", "0", 100, "0.05"),
    ("0.02", "10", 1000, "0.05"),
    ("0.3", "2.5", 50, "0.01"),
    ("0.5", "100", 2000, "0.1"),
    ("0.001", "1", 10000, "0.001"),
]

print("# PAC-Bayes family at 50 digits (mpmath), raw values before capping; generator: pac_bayes.py")
print("emp_risk,kl,n,delta,name,value")
for r, k, n, d in CASES:
    for name, v in family(r, k, n, d).items():
        print(f"{r},{k},{n},{d},{name},{mp.nstr(v, 25)}")
