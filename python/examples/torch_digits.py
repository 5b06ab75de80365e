#!/usr/bin/python3
"""A stochastic network certified end to end through itbound.torch, then checked against the same
certificate computed from the saved arrays.

The network: one hidden layer (64-32-10), every weight and bias a Gaussian N(mu, softplus(rho)^2), with the
prior beside the posterior as PBB stores it (ProbLinear: weight.mu / weight.rho, weight_prior.mu /
weight_prior.rho). The data: scikit-learn's copy of the UCI digits, shuffled once and split into a prior set
(500), a bound set (n = 1000) and a test set (297). The prior mean is a deterministic network trained on the
prior set only, its standard deviation PRIOR_STD fixed here in advance (nothing is tuned on the bound set,
so nothing is charged); the posterior starts at the prior and is trained on the bound set with a PAC-Bayes
objective. The certificate: KL from the module (itbound.torch.kl_gaussian), SAMPLES networks drawn from the
posterior and evaluated on the bound set (the Monte Carlo step), itbound.pac_bayes on both.

Checks: the KL equals PyTorch's own Normal-Normal KL (float64) to 1e-9 and is not below it by more than
rounding; the posterior, prior and per-network errors are saved (posterior.npz, prior.npz, mc_errors.npy)
and itbound.pac_bayes on those files, and the itbound CLI when ITBOUND_EXE is set, give the same bounds,
bit for bit. Exits 77 (ctest: skipped) without PyTorch.

Usage: torch_digits.py [--out DIR] [--samples N]
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

try:
    import torch
except ImportError:
    print("torch_digits: PyTorch is not installed (Debian: python3-torch); skipped")
    sys.exit(77)
import numpy as np
from sklearn.datasets import load_digits

import itbound
import itbound.torch

PRIOR_STD = 0.03  # chosen before seeing any data
DELTA, DELTA_MC, SAMPLES = 0.025, 0.01, 1000
HIDDEN = 32


class Gaussian(torch.nn.Module):
    """A tensor of independent Gaussians N(mu, softplus(rho)^2)."""

    def __init__(self, mu, rho, fixed=False):
        super().__init__()
        self.mu = torch.nn.Parameter(mu.clone(), requires_grad=not fixed)
        self.rho = torch.nn.Parameter(rho.clone(), requires_grad=not fixed)

    def sample(self):
        return self.mu + torch.nn.functional.softplus(self.rho) * torch.randn_like(self.mu)


class ProbLinear(torch.nn.Module):
    """A linear layer with Gaussian weights and bias, its fixed prior beside it."""

    def __init__(self, layer, std):
        super().__init__()
        rho = float(np.log(np.expm1(std)))  # softplus(rho) = std
        for name in ("weight", "bias"):
            mean = getattr(layer, name).detach()
            setattr(self, name, Gaussian(mean, torch.full_like(mean, rho)))
            setattr(self, name + "_prior", Gaussian(mean, torch.full_like(mean, rho), fixed=True))

    def forward(self, x):  # a fresh draw per call: for training only (the sampler holds a draw fixed)
        return torch.nn.functional.linear(x, self.weight.sample(), self.bias.sample())

    def kl(self, dtype=torch.float32):
        """KL(posterior || prior) by torch.distributions (the training objective's, and in float64 the check's)."""
        def normal(g):
            return torch.distributions.Normal(g.mu.to(dtype), torch.nn.functional.softplus(g.rho.to(dtype)))
        return sum(torch.distributions.kl_divergence(normal(q), normal(p)).sum()
                   for q, p in ((self.weight, self.weight_prior), (self.bias, self.bias_prior)))


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10))


def data():
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y = torch.tensor(digits.target, dtype=torch.int64)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    x, y = x[order], y[order]
    return (x[:500], y[:500]), (x[500:1500], y[500:1500]), (x[1500:], y[1500:])


def train_prior(x, y):
    torch.manual_seed(1)
    net = mlp()
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(300):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x), y).backward()
        opt.step()
    return net


def train_posterior(prior_net, x, y):
    """Minimises a McAllester-type bound with a bounded cross-entropy (probabilities floored at 1e-4)."""
    torch.manual_seed(2)
    layers = [ProbLinear(prior_net[0], PRIOR_STD), ProbLinear(prior_net[2], PRIOR_STD)]
    net = torch.nn.Sequential(layers[0], torch.nn.ReLU(), layers[1])
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=1e-3)
    n, log_pmin = len(y), float(np.log(1e-4))
    for _ in range(400):
        opt.zero_grad()
        log_p = torch.clamp(torch.log_softmax(net(x), dim=1), min=log_pmin)
        risk = torch.nn.functional.nll_loss(log_p, y) / -log_pmin
        kl = layers[0].kl() + layers[1].kl()
        (risk + torch.sqrt((kl + np.log(2 * np.sqrt(n) / DELTA)) / (2 * n))).backward()
        opt.step()
    return net, layers


def bound_values(result):
    return {b["name"]: b["value"] for b in result["bounds"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", help="directory for the saved arrays (default: a temporary one)")
    parser.add_argument("--samples", type=int, default=SAMPLES, help="networks drawn for the Monte Carlo step")
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    prior_set, bound_set, test_set = data()
    prior_net = train_prior(*prior_set)
    net, layers = train_posterior(prior_net, *bound_set)

    # The certificate, straight from the module.
    kl = itbound.torch.kl_gaussian(net)
    with torch.no_grad():
        reference = float(sum(layer.kl(torch.float64) for layer in layers))
    assert abs(kl.value - reference) <= 1e-9 * reference and kl.value >= reference * (1 - 1e-12), (kl.value, reference)
    sampler = itbound.torch.gaussian_sampler(mlp(), net, generator=torch.Generator().manual_seed(3))
    # Batches collated once and reused by every sampled network (a DataLoader re-collates on each pass).
    loader = list(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(*bound_set), batch_size=500))
    cert = itbound.torch.monte_carlo_certificate(sampler, loader, samples=args.samples, kl=kl, delta=DELTA,
                                                 delta_mc=DELTA_MC, baseline_error=0.9)
    result = cert.result.to_dict()
    test_errors, _ = itbound.torch.monte_carlo_errors(sampler, [test_set], 100)

    # The same certificate from the saved arrays: through the Python function and the command line.
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(args.out or tmp)
        out.mkdir(parents=True, exist_ok=True)
        kl.save(out / "posterior.npz", out / "prior.npz")
        np.save(out / "mc_errors.npy", cert.errors)
        files = dict(posterior=out / "posterior.npz", prior=out / "prior.npz", mc_errors=out / "mc_errors.npy")
        again = itbound.pac_bayes(n=cert.n, delta=DELTA, delta_mc=DELTA_MC, baseline_error=0.9, **files).to_dict()
        outputs = {"python": again}
        if os.environ.get("ITBOUND_EXE"):
            command = [os.environ["ITBOUND_EXE"], "pac-bayes", "--n", str(cert.n), "--delta", str(DELTA),
                       "--delta-mc", str(DELTA_MC), "--baseline-error", "0.9"]
            command += [a for k, v in files.items() for a in (f"--{k.replace('_', '-')}", str(v))]
            outputs["cli"] = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    for route, other in outputs.items():
        assert other["kl"] == kl.value, (route, other["kl"], kl.value)
        assert other["best"] == result["best"] and other["mc_upper"] == result["mc_upper"], route
        assert bound_values(other) == bound_values(result), route

    best = result["best"]["value"]
    print(f"UCI digits, {HIDDEN}-unit stochastic MLP: KL {kl.value:.2f} nats over {kl.posterior['mean'].size} weights, "
          f"n = {cert.n} bound examples, {args.samples} sampled networks")
    print(f"  mean sampled error on the bound set {cert.errors.mean():.4f}, Monte Carlo upper bound "
          f"{result['mc_upper']:.4f}; on the {len(test_set[1])} test examples {test_errors.mean():.4f}")
    print(f"  certificate ({result['best']['name']}, delta {DELTA} + {DELTA_MC}): the Gibbs risk is at most {best:.4f}")
    print(f"  same bounds from the saved arrays via {' and '.join(outputs)}: yes "
          f"({time.perf_counter() - start:.1f} s)")
    assert cert.errors.mean() <= best <= 1.0


if __name__ == "__main__":
    main()
