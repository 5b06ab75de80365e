"""Reference KL values for tests/unit-kl_divergence.cpp, at 50 digits with mpmath (closed forms written
independently of estimators/src/kl_divergence.cpp). Run: /usr/bin/python3 data/reference/kl_divergence.py"""
import mpmath as mp

mp.mp.dps = 50
F = lambda s: [mp.mpf(float(x)) for x in s.split()]  # the doubles the C++ test reads, not the decimals

# Diagonal Gaussians: sum of 1-d KLs, each ln(sp/sq) + (sq^2 + (mq-mp)^2)/(2 sp^2) - 1/2.
mq, sq, mp_, sp = F("0.1 -0.3 2.0 0.0"), F("0.05 0.2 1.0 0.3"), F("0 0 1.5 0"), F("0.1 0.1 0.5 0.3")
diag = mp.fsum(mp.log(b / a) + (a**2 + (m - n) ** 2) / (2 * b**2) - mp.mpf(1) / 2 for m, a, n, b in zip(mq, sq, mp_, sp))
iso = mp.fsum(mp.log(mp.mpf(0.1) / a) + (a**2 + m**2) / (2 * mp.mpf(0.1) ** 2) - mp.mpf(1) / 2 for m, a in zip(mq, sq))

# Full covariance, d = 3, via mpmath matrices.
Sq = mp.matrix([[1.0, 0.3, 0.1], [0.3, 0.5, -0.2], [0.1, -0.2, 0.8]])
Sp = mp.matrix([[2.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 1.5]])
muq, mup = mp.matrix([0.2, -0.1, 0.4]), mp.matrix([0.0, 0.3, 0.1])
Spi = Sp**-1
dm = mup - muq
full = (sum((Spi * Sq)[i, i] for i in range(3)) + (dm.T * Spi * dm)[0] - 3 + mp.log(mp.det(Sp)) - mp.log(mp.det(Sq))) / 2

bq, bp = F("0.9 0.1 0.5 0 1"), F("0.5 0.5 0.25 0.3 0.7")
kl2 = lambda q, p: (q * mp.log(q / p) if q else 0) + ((1 - q) * mp.log((1 - q) / (1 - p)) if q != 1 else 0)
bern = mp.fsum(kl2(q, p) for q, p in zip(bq, bp))
cq, cp = F("0.7 0.2 0.1 0"), F("0.25 0.25 0.25 0.25")
cat = mp.fsum(q * mp.log(q / p) for q, p in zip(cq, cp) if q)

for name, v in [("diag", diag), ("isotropic", iso), ("full", full), ("bernoulli", bern), ("categorical", cat),
                ("compression_1000_bits", 1000 * mp.log(2))]:
    print(name, mp.nstr(v, 25))
