"""The k-NN and binned MI estimators from Python, against scikit-learn 1.2's internals, closed forms and
hand computations (never against itbound itself)."""
import math

import numpy as np
import pytest
from scipy.special import digamma
from sklearn.feature_selection._mutual_info import _compute_mi_cc, _compute_mi_cd
from sklearn.metrics import mutual_info_score

import itbound


def gaussian(n, rho, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    return x, rho * x + math.sqrt(1 - rho ** 2) * rng.standard_normal(n)


@pytest.mark.parametrize("n,rho,k", [(500, 0.0, 3), (3000, 0.7, 3), (2000, 0.9, 1), (2000, 0.4, 8)])
def test_ksg_matches_sklearn_internals(n, rho, k):
    x, y = gaussian(n, rho, n + k)
    # sklearn clamps at 0; itbound returns the raw estimate.
    assert max(0.0, itbound.ksg_mi(x, y, k=k)) == pytest.approx(_compute_mi_cc(x, y, k), abs=1e-9)


def test_ksg_near_the_gaussian_closed_form():
    # I = -1/2 ln(1 - rho^2) (Cover & Thomas, Ex. 8.5.1); KSG's sd at N = 20000 is about 0.005 nats.
    x, y = gaussian(20000, 0.6, 7)
    assert itbound.ksg_mi(x, y) == pytest.approx(-0.5 * math.log(1 - 0.36), abs=0.02)


def test_ross_matches_sklearn_internals():
    rng = np.random.default_rng(3)
    d = rng.integers(0, 3, size=2000)
    c = rng.standard_normal(2000) + 0.6 * d
    assert max(0.0, itbound.ross_mi(c, d)) == pytest.approx(_compute_mi_cd(c, d, 3), abs=1e-9)
    # Whole-number float labels and bool labels are labels too.
    assert itbound.ross_mi(c, d.astype(float)) == itbound.ross_mi(c, d)
    b = d > 0
    assert itbound.ross_mi(c, b) == itbound.ross_mi(c, b.astype(np.int64))


def test_mixed_ksg_on_a_discrete_copy_is_the_hand_computed_value():
    # X = Y uniform on 4 values, m = 500 copies each: every rho_i is 0, so k_i = m - 1 tied points and
    # n_x + 1 = n_y + 1 = m; Gao et al. (2017) Algorithm 1 gives psi(m - 1) + ln N - 2 ln m (-> ln 4).
    m = 500
    x = np.repeat(np.arange(4.0), m)
    expected = digamma(m - 1) + math.log(4 * m) - 2 * math.log(m)
    assert itbound.mixed_ksg_mi(x, x.copy()) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(math.log(4), abs=0.005)


def test_binned_mi_hand_computed_and_against_sklearn():
    # x = y = (0, 0, 1, 1), 2 bins: I = ln 2; Miller-Madow adds (m_x + m_y - m_xy - 1) / (2N) = 1/8.
    b = itbound.binned_mi([0, 0, 1, 1], [0, 0, 1, 1], 2, 2)
    assert b.plug_in == pytest.approx(math.log(2), rel=1e-15)
    assert b.miller_madow == pytest.approx(math.log(2) + 1 / 8, rel=1e-15)
    assert (b.occupied_x, b.occupied_y, b.occupied_xy) == (2, 2, 2)
    assert itbound.binned_mi([0, 1, 0, 1], [0, 0, 1, 1], 2, 2).plug_in == pytest.approx(0.0, abs=1e-15)
    # Equal-width bins over [min, max], the last bin closed: sklearn's plug-in MI of the bin labels.
    x, y = gaussian(5000, 0.5, 11)

    def labels(v, bins):
        return np.minimum(((v - v.min()) / ((v.max() - v.min()) / bins)).astype(int), bins - 1)

    expected = mutual_info_score(labels(x, 12), labels(y, 7))
    assert itbound.binned_mi(x, y, 12, 7).plug_in == pytest.approx(expected, rel=1e-12)


def test_inputs_are_converted_when_not_contiguous_float64():
    x, y = gaussian(1000, 0.5, 5)
    ref = itbound.ksg_mi(x, y)
    assert itbound.ksg_mi(list(x), list(y)) == ref
    strided = np.empty(2000)
    strided[::2] = x
    assert itbound.ksg_mi(strided[::2], y) == ref
    frozen = x.copy()
    frozen.setflags(write=False)  # read-only float64 is viewed, not copied or rejected
    assert itbound.ksg_mi(frozen, y) == ref
    x32 = x.astype(np.float32)
    assert itbound.ksg_mi(x32, y) == itbound.ksg_mi(x32.astype(np.float64), y)


@pytest.mark.parametrize("call,message", [
    (lambda x, y: itbound.ksg_mi(x, y[:10]), r"^y: has 10 samples but x has 100$"),
    (lambda x, y: itbound.ksg_mi(x, y, k=0), r"^k: must be at least 1, got 0$"),
    (lambda x, y: itbound.mixed_ksg_mi(np.r_[x[:-1], np.nan], y), r"^x: must be a finite number, got NaN$"),
    (lambda x, y: itbound.ksg_mi(x.reshape(10, 10), y.reshape(10, 10)), r"^x: must be one-dimensional"),
    (lambda x, y: itbound.ross_mi(x, y), r"^d: labels must be whole numbers"),
    (lambda x, y: itbound.ross_mi(x, ["a"] * 100), r"^d: labels must be integers$"),
    (lambda x, y: itbound.binned_mi(x, y, 0, 3), r"^bins_x: must be at least 1, got 0$"),
])
def test_errors_are_value_errors_with_the_core_message(call, message):
    x, y = gaussian(100, 0.3, 1)
    with pytest.raises(ValueError, match=message):
        call(x, y)
