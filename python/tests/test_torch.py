"""itbound.torch: KL terms from modules and state dicts against PyTorch's own KL (float64), the stored-scale
parametrisations, Bernoulli masks, the Monte Carlo step, the supersample helper and the recorder adapters."""
import math
from fractions import Fraction

import numpy as np
import pytest

torch = pytest.importorskip("torch")
import itbound  # noqa: E402
import itbound.torch as it  # noqa: E402

F = torch.nn.functional


def normal_kl(mq, sq, mp, sp):
    """KL of diagonal Gaussians by torch.distributions in float64: the independent reference."""
    q = torch.distributions.Normal(torch.as_tensor(mq, dtype=torch.float64), torch.as_tensor(sq, dtype=torch.float64))
    p = torch.distributions.Normal(torch.as_tensor(mp, dtype=torch.float64), torch.as_tensor(sp, dtype=torch.float64))
    return float(torch.distributions.kl_divergence(q, p).sum())


def close_above(value, reference):
    """itbound's KL is rounded up: within 1e-12 relative of the reference and not below it beyond rounding."""
    assert abs(value - reference) <= 1e-12 * reference + 1e-15 and value >= reference * (1 - 1e-13)


class Gaussian(torch.nn.Module):  # PBB's layout: a submodule with parameters mu and rho
    def __init__(self, mu, rho, fixed=False):
        super().__init__()
        self.mu = torch.nn.Parameter(mu, requires_grad=not fixed)
        self.rho = torch.nn.Parameter(rho, requires_grad=not fixed)


class PbbLinear(torch.nn.Module):
    def __init__(self, i, o, g):
        super().__init__()
        w0, b0 = 0.1 * torch.randn(o, i, generator=g), 0.1 * torch.randn(o, generator=g)
        self.weight = Gaussian(w0 + 0.05 * torch.randn(o, i, generator=g), -3 + 0.2 * torch.randn(o, i, generator=g))
        self.bias = Gaussian(b0 + 0.05 * torch.randn(o, generator=g), -3 + 0.2 * torch.randn(o, generator=g))
        self.weight_prior = Gaussian(w0, torch.full((o, i), -3.0), fixed=True)
        self.bias_prior = Gaussian(b0, torch.full((o,), -3.0), fixed=True)


@pytest.fixture
def pbb():
    g = torch.Generator().manual_seed(0)
    return torch.nn.Sequential(PbbLinear(5, 4, g), torch.nn.ReLU(), PbbLinear(4, 3, g))


def pbb_reference(net):
    total = 0.0
    for layer in (net[0], net[2]):
        for q, p in ((layer.weight, layer.weight_prior), (layer.bias, layer.bias_prior)):
            total += normal_kl(q.mu.detach(), F.softplus(q.rho.detach().double()), p.mu.detach(),
                               F.softplus(p.rho.detach().double()))
    return total


def test_pbb_module_against_torch(pbb):
    term = it.kl_gaussian(pbb)
    close_above(term.value, pbb_reference(pbb))
    assert list(term.layers) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert term.posterior["mean"].size == 5 * 4 + 4 + 4 * 3 + 3 and term.uncovered == ()
    assert float(term) == term.value
    layer = pbb[0].weight
    close_above(term.layers["0.weight"], normal_kl(layer.mu.detach(), F.softplus(layer.rho.detach().double()),
                                                   pbb[0].weight_prior.mu.detach(), F.softplus(torch.tensor(-3.0).double())))


def test_state_dict_equals_module(pbb):
    assert it.kl_gaussian(pbb.state_dict()).value == it.kl_gaussian(pbb).value
    layers = it.gaussian_layers(pbb.state_dict())
    assert set(layers) == {"0.weight", "0.bias", "2.weight", "2.bias", "0.weight_prior", "0.bias_prior",
                           "2.weight_prior", "2.bias_prior"}


class ScaledLinear(torch.nn.Module):
    """Bayes-by-backprop layout: weight_mu beside weight_<scale>, the scale stored as `kind`."""

    def __init__(self, mean, std, kind):
        super().__init__()
        self.weight_mu = torch.nn.Parameter(mean.clone())
        stored = {"rho": torch.log(torch.expm1(std)), "log_sigma": torch.log(std), "log_var": 2 * torch.log(std),
                  "sigma": std, "logvar": 2 * torch.log(std)}[kind]
        self.register_parameter("weight_" + kind, torch.nn.Parameter(stored.clone()))


@pytest.mark.parametrize("kind", ["rho", "log_sigma", "log_var", "logvar", "sigma"])
def test_parametrisations_give_the_same_kl(kind):
    g = torch.Generator().manual_seed(1)
    mean = torch.randn(6, 3, generator=g, dtype=torch.float64)
    std = 0.05 + torch.rand(6, 3, generator=g, dtype=torch.float64)
    term = it.kl_gaussian(ScaledLinear(mean, std, kind), prior_std=0.5)
    close_above(term.value, normal_kl(mean, std, torch.zeros_like(mean), torch.full_like(std, 0.5)))
    np.testing.assert_allclose(term.posterior["std"], std.numpy().ravel(), rtol=1e-13)
    assert term.prior["std"].tolist() == [0.5]  # one number: the files' isotropic prior


def test_softplus_stored_as_sigma_needs_saying():
    mean, raw = torch.zeros(4), torch.tensor([-3.0, -2.0, 0.5, 1.0])
    layer = ScaledLinear(mean, torch.ones(4), "sigma")
    layer.weight_sigma.data = raw  # negative: a softplus parameter under the name sigma
    with pytest.raises(itbound.InvalidArgument, match="softplus"):
        it.kl_gaussian(layer, prior_std=1.0)
    term = it.kl_gaussian(layer, prior_std=1.0, scale={"sigma": "softplus"})
    close_above(term.value, normal_kl(mean, F.softplus(raw.double()), mean, torch.ones(4)))


def test_separate_prior_and_prior_mean_from_a_network():
    g = torch.Generator().manual_seed(2)
    posterior = torch.nn.Module()
    posterior.register_parameter("l1_weight_mu", torch.nn.Parameter(torch.randn(3, 2, generator=g)))
    posterior.register_parameter("l1_weight_log_sigma", torch.nn.Parameter(-2 + 0.1 * torch.randn(3, 2, generator=g)))
    prior = {"l1_weight_mu": torch.zeros(3, 2), "l1_weight_log_sigma": torch.full((3, 2), -1.0)}
    mq, sq = posterior.l1_weight_mu.detach(), torch.exp(posterior.l1_weight_log_sigma.detach().double())
    close_above(it.kl_gaussian(posterior, prior).value, normal_kl(mq, sq, torch.zeros(3, 2), torch.full((3, 2), math.exp(-1), dtype=torch.float64)))
    # A deterministic network (the initialisation, say) as the prior mean, with one prior std.
    init = {"l1_weight": torch.full((3, 2), 0.25)}
    close_above(it.kl_gaussian(posterior, prior_std=0.1, prior_mean=init).value,
                normal_kl(mq, sq, torch.full((3, 2), 0.25), torch.full((3, 2), 0.1, dtype=torch.float64)))


def test_missing_prior_and_trained_deterministic_weights_are_errors(pbb):
    with pytest.raises(itbound.InvalidArgument, match="prior: has no Gaussian group for 0.weight"):
        it.kl_gaussian(pbb, {k: v for k, v in pbb.state_dict().items() if not k.startswith("0.weight")})
    net = torch.nn.Sequential(ScaledLinear(torch.zeros(2), torch.ones(2), "rho"), torch.nn.Linear(2, 2))
    with pytest.raises(itbound.InvalidArgument, match="1.weight: is a trainable parameter outside every posterior group"):
        it.kl_gaussian(net, prior_std=1.0)
    term = it.kl_gaussian(net, prior_std=1.0, allow_uncovered=True)
    assert term.uncovered == ("1.weight", "1.bias")
    with pytest.raises(itbound.InvalidArgument, match="weight: has weight_mu but no Gaussian std"):
        it.kl_gaussian({"weight_mu": torch.zeros(2), "weight_scale": torch.ones(2)}, prior_std=1.0)


def test_batchnorm_statistics_are_not_posterior_means():
    net = torch.nn.Sequential(ScaledLinear(torch.zeros(3), torch.ones(3), "rho"), torch.nn.BatchNorm1d(3))
    for p in net[1].parameters():
        p.requires_grad_(False)
    term = it.kl_gaussian(net, prior_std=1.0)
    assert "1.running_mean" in term.uncovered and list(term.layers) == ["0.weight"]


def bernoulli_kl(q, p):
    return sum(a * math.log(a / b) + (1 - a) * math.log((1 - a) / (1 - b)) for a, b in zip(q, p))


def test_bernoulli_masks():
    logits = torch.tensor([-2.0, 0.0, 1.5, 3.0])
    q = torch.sigmoid(logits.double()).tolist()
    reference = bernoulli_kl(q, [0.5] * 4)
    close_above(it.kl_bernoulli(torch.sigmoid(logits.double()), 0.5).value, reference)
    module = torch.nn.Module()
    module.register_parameter("mask_logits", torch.nn.Parameter(logits.clone()))
    module.register_buffer("mask_prior_probs", torch.full((4,), 0.5))
    term = it.kl_bernoulli(module)
    close_above(term.value, reference)
    assert term.family == "bernoulli" and term.posterior["prob"].tolist() == pytest.approx(q, rel=1e-15)
    close_above(it.kl_bernoulli({"mask_prob": torch.tensor(q, dtype=torch.float64)}, np.full(4, 0.5)).value, reference)


class Fixed(torch.nn.Module):
    """A classifier that predicts class (x > threshold)."""

    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold

    def forward(self, x):
        return torch.stack([self.threshold - x, x - self.threshold], dim=-1)


def test_monte_carlo_errors_and_certificate():
    x = torch.arange(7, dtype=torch.float32)
    y = (x > 2.5).long()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=3)
    thresholds = iter([2.5, 0.5, 5.5])  # 0, 2 and 3 errors out of 7
    errors, n = it.monte_carlo_errors(lambda: Fixed(next(thresholds)), loader, 3)
    assert n == 7
    for e, k in zip(errors, (0, 2, 3)):  # k/7 rounded up, never down
        assert Fraction(e) >= Fraction(k, 7) and e == pytest.approx(k / 7, rel=1e-15)
    thresholds = iter([2.5, 0.5, 5.5])
    cert = it.monte_carlo_certificate(lambda: Fixed(next(thresholds)), loader, samples=3, kl=1.5, delta=0.05)
    assert cert.result == itbound.pac_bayes(kl=1.5, n=7, delta=0.05, mc_errors=errors)
    with pytest.raises(itbound.InvalidArgument, match="loss"):
        it.monte_carlo_errors(lambda: Fixed(2.5), loader, 1, loss=lambda out, t: out[:, 0] * 10)


def test_gaussian_sampler_holds_a_draw_fixed(pbb):
    network = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.ReLU(), torch.nn.Linear(4, 3))
    sample = it.gaussian_sampler(network, pbb, generator=torch.Generator().manual_seed(0))
    first = {k: v.clone() for k, v in sample().state_dict().items()}
    second = sample().state_dict()
    assert all(not torch.equal(first[k], second[k]) for k in first)
    # The draws have the posterior's mean and std (a loose check over many draws of one layer).
    draws = torch.stack([sample()[0].weight.detach().clone() for _ in range(2000)]).double()
    std = F.softplus(pbb[0].weight.rho.detach().double())
    assert torch.all((draws.mean(0) - pbb[0].weight.mu.detach()).abs() < 5 * std / math.sqrt(2000))
    assert torch.all((draws.std(0) / std - 1).abs() < 0.15)
    with pytest.raises(itbound.InvalidArgument, match="no parameter named"):
        it.gaussian_sampler(torch.nn.Linear(5, 4), pbb)


class Memorise(torch.nn.Module):
    """1-nearest-neighbour on the training examples: zero training error."""

    def __init__(self, x, y):
        super().__init__()
        self.x, self.y = x, y

    def forward(self, x):
        nearest = torch.cdist(x, self.x).argmin(dim=1)
        return F.one_hot(self.y[nearest], 3).double()


def test_supersample_runs():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(40, 2, generator=g), torch.randint(0, 3, (40,), generator=g)
    seen = []

    def train(subset, seed):
        seen.append(sorted(subset.indices))
        xs, ys = zip(*(subset[i] for i in range(len(subset))))
        return Memorise(torch.stack(xs), torch.stack(ys))

    runs = it.supersample_runs((x, y), train, n=8, k1=2, k2=3, seed=5)
    assert runs.mask.shape == (2, 3, 8) and runs.loss.shape == runs.pred.shape == (2, 3, 8, 2)
    assert runs.indices.shape == (2, 8, 2) and len(set(runs.indices[0].ravel())) == 16
    for s in range(2):
        for r in range(3):
            chosen = runs.indices[s, np.arange(8), runs.mask[s, r]]
            assert seen[3 * s + r] == sorted(chosen.tolist())
            train_loss = runs.loss[s, r, np.arange(8), runs.mask[s, r]]
            assert np.all(train_loss == 0)  # memorised
            members = runs.indices[s]
            np.testing.assert_array_equal(runs.loss[s, r], (runs.pred[s, r] != y.numpy()[members]).astype(float))
    result = runs.cmi(bootstrap=0)
    assert result == itbound.cmi(mask=runs.mask, loss=runs.loss, pred=runs.pred, bootstrap=0)
    assert result.train_error == 0


def _squared_gradient(w, b, x, y):
    """Gradient of mean((x w + b - y)^2) in (w, b), by hand: the reference for autograd through the adapters."""
    r = x @ w + b - y
    return np.concatenate([2 * x.T @ r / len(y), [2 * r.mean()]])


def _lines(recorder):
    import json
    recorder.flush()
    return [json.loads(line) for line in open(recorder.path)]


def test_recorder_adapters_record_the_gradients_the_update_used(tmp_path):
    """sgd_step and langevin_step: the recorded statistics are those of the hand-computed gradients, the update is
    W - eta g (+ the recorded noise), and the files read back through the core."""
    from itbound.recorders import LangevinRecorder, SGDRecorder
    rng = np.random.default_rng(3)
    d, n = 4, 12
    x, y = rng.standard_normal((n, d)), rng.standard_normal(n)
    xh, yh = rng.standard_normal((6, d)), rng.standard_normal(6)
    tx, ty, thx, thy = (torch.as_tensor(a, dtype=torch.float64) for a in (x, y, xh, yh))
    model = torch.nn.Linear(d, 1).double()
    loss = lambda out, t: ((out.squeeze(-1) - t) ** 2).mean()  # noqa: E731
    w0 = it.flat_parameters(model)
    g = _squared_gradient(w0[:d], w0[d], x[:5], y[:5])
    gh = _squared_gradient(w0[:d], w0[d], xh, yh)
    rec = SGDRecorder(tmp_path / "sgd.jsonl", n=n, dimension=d + 1, perturbation=0.1, seed=1)
    it.sgd_step(rec, model, loss, (tx[:5], ty[:5]), (thx, thy), step_size=0.05)
    assert np.allclose(it.flat_parameters(model), w0 - 0.05 * g, rtol=0, atol=1e-14)
    step = _lines(rec)[1]
    assert step["batch_size"] == 5 and step["perturbation_std"] == 0.1 and step["gradient_sensitivity"] == 0.0
    assert step["gradient_variance"] == pytest.approx(float((g - gh) @ (g - gh)), rel=1e-12)
    # Second step: the held-out gradient at the perturbed iterate the recorder drew, restored afterwards.
    w1 = it.flat_parameters(model)
    it.sgd_step(rec, model, loss, (tx[5:], ty[5:]), (thx, thy), step_size=0.05)
    # The recorder's generator (seed 1) drew nothing at step 1 (level 0), so its first draw is step 2's xi; the
    # held-out gradient of a squared loss moves by H xi, H = 2 [X 1]^T [X 1] / m.
    xi = 0.1 * np.random.default_rng(1).standard_normal(d + 1)
    a = np.hstack([xh, np.ones((len(yh), 1))])
    step = _lines(rec)[2]
    assert step["gradient_sensitivity"] == pytest.approx(float(np.sum((2 * a.T @ a @ xi / len(yh)) ** 2)), rel=1e-10)
    assert np.allclose(it.flat_parameters(model), w1 - 0.05 * _squared_gradient(w1[:d], w1[d], x[5:], y[5:]),
                       rtol=0, atol=1e-14)  # the perturbation was undone before the update
    rec.finish(train_loss=0.0, test_loss=0.0)
    assert rec.result().certificates()[0].name == "pensia"

    model = torch.nn.Linear(d, 1).double()
    lang = LangevinRecorder(tmp_path / "ld.jsonl", n=n, dimension=d + 1, seed=2)
    pairs_x = rng.standard_normal((n, 2, d))
    pairs_y = rng.standard_normal((n, 2))
    train_x, train_y = lang.training_set(pairs_x), lang.training_set(pairs_y)
    j = lang.index
    w0 = it.flat_parameters(model)
    it.langevin_step(lang, model, loss, (torch.as_tensor(train_x), torch.as_tensor(train_y)),
                     (torch.as_tensor(pairs_x[j]), torch.as_tensor(pairs_y[j])), step_size=0.01,
                     inverse_temperature=100.0)
    c = [_squared_gradient(w0[:d], w0[d], pairs_x[j][k:k + 1], pairs_y[j][k:k + 1]) for k in range(2)]
    chosen = lang.selection[j]
    v = c[1 - chosen] - c[chosen]
    step = _lines(lang)[1]
    assert step["two_sample_incoherence"] == pytest.approx(float(v @ v), rel=1e-12)
    noise = it.flat_parameters(model) - (w0 - 0.01 * _squared_gradient(w0[:d], w0[d], train_x, train_y))
    assert step["noise_alignment"] == pytest.approx(float(v @ noise) / math.sqrt(2 * 0.01 / 100.0), rel=1e-9)
    with pytest.raises(ValueError, match="train: must be the n = 12 training examples"):
        it.langevin_step(lang, model, loss, (torch.as_tensor(train_x[:5]), torch.as_tensor(train_y[:5])),
                         (torch.as_tensor(pairs_x[j]), torch.as_tensor(pairs_y[j])), step_size=0.01,
                         inverse_temperature=100.0)
    with pytest.raises(ValueError, match="delta: must be a vector of 5 entries"):
        it.add_to_parameters(model, np.zeros(3))
