"""Direct solver and bound functions, checked against closed forms and SciPy / mpmath, not against itself."""
import math

import mpmath
import numpy as np
import pytest
from scipy import stats

import itbound


def mp_kl(q, p):
    """kl(q||p) at 50 digits from the exact binary values of q and p (SciPy's sum cancels near q = p)."""
    with mpmath.workdps(50):
        q, p = mpmath.mpf(q), mpmath.mpf(p)
        term = lambda a, b: 0 if a == 0 else a * mpmath.log(a / b)  # noqa: E731
        return float(term(q, p) + term(1 - q, 1 - p))


def test_kl_matches_mpmath_elementwise():
    q = np.linspace(0, 1, 11)
    p = np.linspace(0.05, 0.95, 11)
    expected = np.array([mp_kl(a, b) for a, b in zip(q, p)])
    np.testing.assert_allclose(itbound.kl(q, p), expected, rtol=1e-13, atol=1e-300)
    assert isinstance(itbound.kl(0.1, 0.2), float)


def test_kl_inverse_upper_closed_form_at_zero_and_arrays():
    c = np.array([0.0, 0.1, 1.0, 5.0])
    # kl(0||p) = -ln(1-p), so sup{p : kl(0||p) <= c} = 1 - exp(-c); the result is rounded up, never below.
    up = itbound.kl_inverse_upper(np.zeros(4), c)
    exact = -np.expm1(-c)
    assert np.all(up >= exact) and np.allclose(up, exact, rtol=1e-12, atol=0)
    assert itbound.kl_inverse_upper(0.0, 1.0) >= 1 - math.exp(-1)


def test_array_results_agree_with_scalar_results_and_keep_shape():
    rng = np.random.default_rng(1)
    q = rng.uniform(0, 1, size=(3, 4))
    c = 0.2
    for fn, outward in ((itbound.kl_inverse_upper, 1), (itbound.kl_inverse_lower, -1)):
        out = fn(q, c)
        assert out.shape == q.shape
        # The vectorised path certifies its own candidates: never less safe than the scalar solver,
        # and within the promised 1e-12 of it.
        scalar = np.array([[fn(float(x), c) for x in row] for row in q])
        assert np.all(outward * (out - scalar) >= 0) and np.allclose(out, scalar, rtol=1e-12, atol=0)
        # Strided and non-float64 input go through a converted copy and give the same numbers.
        assert fn(q.T.copy().T[:, ::2], c).tolist() == out[:, ::2].tolist()
        assert fn(q.astype(np.float32), c).tolist() == fn(q.astype(np.float32).astype(np.float64), c).tolist()
        assert np.allclose(fn([0.1, 0.2], [0.3, 0.4]), [fn(0.1, 0.3), fn(0.2, 0.4)], rtol=1e-12, atol=0)
        assert np.allclose(fn(0.3, np.array([0.1, 0.2])), [fn(0.3, 0.1), fn(0.3, 0.2)], rtol=1e-12, atol=0)
    up, lo = itbound.kl_inverse_upper(q, c), itbound.kl_inverse_lower(q, c)
    assert np.all(lo <= q) and np.all(q <= up)
    # The kl at the returned limits stays within a hair of c (the limits are rounded outward).
    assert np.all(itbound.kl(q, up) >= c * (1 - 1e-9))


def test_out_array_is_written_and_returned_without_allocation():
    rng = np.random.default_rng(3)
    q = rng.uniform(0, 1, 1000)
    c = np.exp(rng.uniform(np.log(1e-6), np.log(10.0), 1000))
    for fn in (itbound.kl_inverse_upper, itbound.kl_inverse_lower):
        out = np.full(1000, -1.0)
        assert fn(q, c, out=out) is out
        assert out.tolist() == fn(q, c).tolist()
        grid = np.empty((2, 3))
        assert fn(0.3, np.array([[0.1, 0.2, 0.3], [1.0, 2.0, 3.0]]), out=grid) is grid
        assert grid.ravel().tolist() == fn(np.full(6, 0.3), np.array([0.1, 0.2, 0.3, 1.0, 2.0, 3.0])).tolist()
        with pytest.raises(ValueError, match=r"^out: must be a writeable C-contiguous float64 array of 1000 elements"):
            fn(q, c, out=np.empty(1000, dtype=np.float32))
        with pytest.raises(ValueError, match=r"^out: must be a writeable"):
            fn(q, c, out=np.empty(2000)[::2])
        with pytest.raises(ValueError, match=r"^out: must not overlap q or c"):
            fn(q, c, out=q)


def test_array_errors():
    with pytest.raises(ValueError, match=r"^c: must have the length of q"):
        itbound.kl_inverse_upper(np.zeros(3), np.ones(2))
    with pytest.raises(ValueError, match=r"^q"):
        itbound.kl_inverse_upper(np.array([0.1, 1.5]), 0.1)


@pytest.mark.parametrize("k,m,delta", [(0, 10, 0.05), (5, 100, 0.05), (37, 1000, 0.01), (99, 100, 0.1)])
def test_binomial_limits_match_clopper_pearson(k, m, delta):
    # One-sided Clopper-Pearson limits are beta quantiles.
    upper = stats.beta.ppf(1 - delta, k + 1, m - k)
    lower = stats.beta.ppf(delta, k, m - k + 1) if k > 0 else 0.0
    u = itbound.binomial_upper_limit(k, m, delta)
    lo = itbound.binomial_lower_limit(k, m, delta)
    assert u == pytest.approx(upper, rel=1e-9) and u >= upper * (1 - 1e-12)
    assert lo == pytest.approx(lower, rel=1e-9, abs=1e-300) and lo <= lower * (1 + 1e-12)


def test_log_maurer_xi_matches_mpmath():
    mpmath.mp.dps = 40
    for n in (1, 10, 100):
        xi = mpmath.fsum(mpmath.binomial(n, k) * mpmath.mpf(k / n) ** k * mpmath.mpf(1 - k / n) ** (n - k)
                         for k in range(n + 1))
        assert itbound.log_maurer_xi(n) >= float(mpmath.log(xi))
        assert itbound.log_maurer_xi(n) == pytest.approx(float(mpmath.log(xi)), rel=1e-12)


def test_test_set_bound_certificate(exe):
    cert = itbound.test_set_bound(5, 100, 0.05)
    assert isinstance(cert, itbound.Certificate)
    assert cert.name == "test-set" and cert.valid and cert.delta == pytest.approx(0.05)
    assert cert.value == itbound.binomial_upper_limit(5, 100, 0.05)
    assert cert.kl_relaxation >= cert.value
    assert cert.to_dict() == itbound.test_set(errors=5, trials=100, delta=0.05).to_dict()
    with pytest.raises(ValueError, match="^delta"):
        itbound.test_set_bound(5, 100, 1.5)
