"""PyTorch bridge: KL terms, the Monte Carlo step, supersample runs and the trajectory recorders, from torch objects.

Imported on request (`import itbound.torch`), never by `import itbound`; needs PyTorch. Every number it
returns comes from the itbound core (itbound.kl_diag_gaussian, itbound.kl_bernoulli, itbound.pac_bayes,
itbound.cmi): this module finds the tensors, converts them to float64 NumPy arrays and collects model
outputs, nothing more.

Gaussian posteriors are found by parameter name: a mean `<base>.mu` / `<base>_mu` (or `mean`, `loc`) beside
a scale whose name says how it maps to a standard deviation (SCALES): `rho` softplus, as in Blundell et
al.'s Bayes by Backprop and Perez-Ortiz et al.'s PBB (ProbLinear: `weight.mu`, `weight.rho`, prior
`weight_prior.mu`, `weight_prior.rho`); `log_sigma` / `log_std` exp; `log_var` / `logvar` exp(x/2);
`sigma` / `std` as is (codes that store a softplus parameter under the name `sigma` must say so:
scale={"sigma": "softplus"}). Bernoulli masks: `<base>_logits` / `.logit` (sigmoid) or `<base>_prob(s)`.
"""
from __future__ import annotations

import dataclasses
import math
import re
from fractions import Fraction
from typing import Any, Callable, Iterable, Mapping, Optional, Union

import numpy as np
import torch

import itbound

__all__ = ["SCALES", "MEANS", "KlTerm", "gaussian_layers", "kl_gaussian", "kl_bernoulli", "gaussian_sampler",
           "monte_carlo_errors", "monte_carlo_certificate", "MonteCarloCertificate", "supersample_runs",
           "SupersampleRuns", "flat_parameters", "add_to_parameters", "flat_gradient", "perturbed", "sgd_step",
           "langevin_step"]

# Stored scale parameter -> standard deviation, by the name it is stored under.
SCALES = {"rho": "softplus", "log_sigma": "exp", "logsigma": "exp", "log_std": "exp", "log_var": "exp_half",
          "logvar": "exp_half", "log_variance": "exp_half", "sigma": "identity", "std": "identity"}
MEANS = ("mu", "mean", "loc")
# Bernoulli parameters: probabilities or logits.
PROBS = {"prob": "identity", "probs": "identity", "probability": "identity", "logit": "sigmoid", "logits": "sigmoid"}
PRIOR_SUFFIX = "_prior"  # PBB keeps the prior beside the posterior: weight_prior.mu beside weight.mu
NOT_MEANS = ("running_mean",)  # BatchNorm's statistics, not a posterior mean

Source = Union[torch.nn.Module, Mapping[str, Any]]


def _invalid(field: str, message: str) -> itbound.InvalidArgument:
    """The core's error (a ValueError) with its "field: message" form."""
    return itbound.InvalidArgument(f"{field}: {message}")


def _role_pattern(roles: Iterable[str]) -> re.Pattern:
    alternatives = "|".join(sorted((re.escape(r) for r in roles), key=len, reverse=True))
    return re.compile(rf"^(?:(?P<base>.+?)[._])?(?P<role>{alternatives})$")


def _entries(source: Source) -> tuple[dict[str, np.ndarray], set[str]]:
    """Floating-point entries of a module (parameters and buffers) or a mapping (a state dict), as float64
    arrays, and the names of the module's trainable parameters."""
    items: Iterable[tuple[str, Any]]
    if isinstance(source, torch.nn.Module):
        items = source.state_dict(keep_vars=True).items()
        trainable = {name for name, p in source.named_parameters() if p.requires_grad}
    elif isinstance(source, Mapping):
        items, trainable = source.items(), set()
    else:
        raise TypeError(f"expected an nn.Module or a mapping of tensors (a state dict), got {type(source).__name__}")
    out = {}
    for name, value in items:
        if isinstance(value, torch.Tensor):
            if not value.is_floating_point():
                continue
            value = value.detach().to("cpu", torch.float64).numpy()
        out[name] = np.asarray(value, dtype=np.float64)
    return out, trainable


def _transform(kind: str, x: np.ndarray, name: str) -> np.ndarray:
    if not np.all(np.isfinite(x)):
        raise _invalid(name, "contains NaN or an infinite value")
    if kind == "softplus":
        return np.logaddexp(0.0, x)  # log(1 + e^x) without overflow
    if kind == "exp":
        return np.exp(x)
    if kind == "exp_half":
        return itbound.std_from_log_var(x.ravel()).reshape(x.shape)
    if kind == "sigmoid":
        with np.errstate(over="ignore"):
            return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))
    if kind == "identity":
        return x
    raise ValueError(f"unknown transform {kind!r}; known: softplus, exp, exp_half, sigmoid, identity")


@dataclasses.dataclass(frozen=True)
class _Groups:
    """Parameter groups of one source: base name -> {field: array}, in the source's order."""
    groups: dict[str, dict[str, np.ndarray]]
    uncovered: tuple[str, ...]  # floating-point entries in no group
    trainable_uncovered: tuple[str, ...]


def _groups(source: Source, fields: Mapping[str, tuple[str, str]], family: str) -> _Groups:
    """Groups entries by base name. fields maps a role (the name's suffix) to (field, transform)."""
    entries, trainable = _entries(source)
    pattern = _role_pattern(fields)
    groups: dict[str, dict[str, np.ndarray]] = {}
    names: dict[str, list[str]] = {}
    for name, value in entries.items():
        m = pattern.match(name)
        if not m or name.endswith(NOT_MEANS):
            continue
        base = m.group("base") or ""
        field, kind = fields[m.group("role")]
        group = groups.setdefault(base, {})
        if field in group:
            raise _invalid(name, f"second {field} for {base or 'the source'} (roles {sorted(fields)})")
        group[field] = _transform(kind, value, name)
        names.setdefault(base, []).append(name)
    needed = {f for f, _ in fields.values()}
    for base, group in groups.items():
        missing = needed - set(group)
        if missing:
            raise _invalid(base or "source", f"has {', '.join(names[base])} but no {family} "
                                          f"{' / '.join(sorted(missing))} (names understood: {sorted(fields)})")
        shapes = {a.shape for a in group.values()}
        if len(shapes) > 1:
            raise _invalid(base or "source", f"parameters of different shapes {sorted(shapes)}")
    used = {name for group_names in names.values() for name in group_names}
    uncovered = tuple(n for n in entries if n not in used)
    return _Groups(groups, uncovered, tuple(n for n in uncovered if n in trainable))


def _gaussian_fields(scale: Optional[Mapping[str, str]]) -> dict[str, tuple[str, str]]:
    scales = {**SCALES, **(scale or {})}
    return {**{m: ("mean", "identity") for m in MEANS}, **{s: ("std", k) for s, k in scales.items()}}


def _split_prior(groups: dict[str, dict]) -> tuple[dict, dict]:
    prior = {b[: -len(PRIOR_SUFFIX)]: g for b, g in groups.items() if b.endswith(PRIOR_SUFFIX)}
    posterior = {b: g for b, g in groups.items() if not b.endswith(PRIOR_SUFFIX)}
    return posterior, prior


def gaussian_layers(source: Source, *, scale: Optional[Mapping[str, str]] = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The diagonal Gaussian groups of a module or state dict: base name -> (mean, std) as float64 arrays,
    prior groups (`<base>_prior`) included under their own names. scale overrides SCALES for some names,
    e.g. {"sigma": "softplus"}."""
    found = _groups(source, _gaussian_fields(scale), "Gaussian")
    return {b: (g["mean"], g["std"]) for b, g in found.groups.items()}


@dataclasses.dataclass(frozen=True)
class KlTerm:
    """A KL term from itbound's core, with the arrays it was computed from.

    value      KL(posterior || prior) in nats over all groups, as itbound computes it (rounded up)
    layers     the same per group (each rounded up)
    family     'diag-gaussian' or 'bernoulli' (as `itbound kl-divergence --family`)
    posterior, prior
               the concatenated arrays ('mean', 'std' or 'prob'), as data/SCHEMA.md's parameter files hold them
    uncovered  floating-point entries of the posterior source in no group (check that none is a trained weight)
    """
    value: float
    layers: dict
    family: str
    posterior: dict
    prior: dict
    uncovered: tuple

    def __float__(self) -> float:
        return self.value

    def save(self, posterior_path, prior_path) -> None:
        """Writes the posterior and prior as NPZ files for `itbound kl-divergence` / `pac-bayes --posterior --prior`."""
        np.savez(posterior_path, **self.posterior)
        np.savez(prior_path, **self.prior)


def _check_covered(found: _Groups, allow_uncovered: bool) -> None:
    if found.trainable_uncovered and not allow_uncovered:
        raise _invalid(found.trainable_uncovered[0], "is a trainable parameter outside every posterior "
                                      "group: a deterministic weight trained on the data has an infinite KL to any "
                                      "Gaussian prior. Pass allow_uncovered=True only if it was fixed before seeing the "
                                      f"bound set (all such: {', '.join(found.trainable_uncovered)})")


def _same_names(needed, given, missing: tuple[str, str], extra: tuple[str, str]) -> None:
    """Raises (field, message + names) for names needed but not given, then for names given but not needed."""
    for names, (field, message) in (([b for b in needed if b not in given], missing),
                                    ([b for b in given if b not in needed], extra)):
        if names:
            raise _invalid(field, message + ", ".join(names))


def _matched(posterior: dict, prior: dict, what: str) -> None:
    _same_names(posterior, prior, ("prior", f"has no {what} for "), ("prior", f"has {what}s the posterior lacks: "))
    for b in posterior:
        for field, a in prior[b].items():
            if a.shape != next(iter(posterior[b].values())).shape:
                raise _invalid(f"prior.{b}", f"{field} has shape {a.shape}, the posterior's "
                                              f"{next(iter(posterior[b].values())).shape}")


def _flat(groups: dict, field: str) -> np.ndarray:
    return np.ascontiguousarray(np.concatenate([g[field].ravel() for g in groups.values()]) if groups else np.zeros(0))


def kl_gaussian(posterior: Source, prior: Optional[Source] = None, *, prior_std: Optional[float] = None,
                prior_mean: Union[None, float, Source] = None, scale: Optional[Mapping[str, str]] = None,
                allow_uncovered: bool = False) -> KlTerm:
    """KL(Q || P) of diagonal Gaussian posteriors stored in a module or state dict, through itbound.kl_diag_gaussian.

    The prior is, in this order of preference:
      prior=<module or state dict>   its Gaussian groups, matched to the posterior's by base name;
      prior_std=s                    N(prior_mean, s^2 I): prior_mean None (zero), a number, or a module / state
                                     dict whose tensor `<base>` (a deterministic network, e.g. the initialisation)
                                     or Gaussian group `<base>` gives the mean;
      neither                        the posterior source's own `<base>_prior` groups (PBB's layout).
    Raises ValueError (itbound.InvalidArgument) naming the group when the prior misses one, when a scale is not
    positive, or when a trainable parameter of a module is in no group (see allow_uncovered).
    """
    fields = _gaussian_fields(scale)
    found = _groups(posterior, fields, "Gaussian")
    _check_covered(found, allow_uncovered)
    q, own_prior = _split_prior(found.groups)
    if not q:
        raise _invalid("posterior", f"no Gaussian parameters found (names understood: {sorted(fields)})")
    if prior is not None and prior_std is not None:
        raise _invalid("prior_std", "give either prior (a distribution) or prior_std, not both")
    if prior is not None:
        p, _ = _split_prior(_groups(prior, fields, "Gaussian").groups)
    elif prior_std is not None:
        p = {b: {"mean": m, "std": np.full(m.shape, float(prior_std))} for b, m in _prior_means(q, prior_mean).items()}
    else:
        p = own_prior
    _matched(q, p, "Gaussian group")
    for side, groups in (("posterior", q), ("prior", p)):
        for b, g in groups.items():
            if not np.all(g["std"] > 0):
                raise _invalid(f"{side}.{b}", "standard deviation must be > 0 (a softplus parameter "
                                              "stored as 'sigma'? pass scale={'sigma': 'softplus'})")
    layers = {b: itbound.kl_diag_gaussian(np.ascontiguousarray(g["mean"].ravel()), np.ascontiguousarray(g["std"].ravel()),
                                          np.ascontiguousarray(p[b]["mean"].ravel()), np.ascontiguousarray(p[b]["std"].ravel()))
              for b, g in q.items()}
    arrays_q = {"mean": _flat(q, "mean"), "std": _flat(q, "std")}
    arrays_p = {"mean": _flat(p, "mean"), "std": _flat(p, "std")}
    value = itbound.kl_diag_gaussian(arrays_q["mean"], arrays_q["std"], arrays_p["mean"], arrays_p["std"])
    if prior_std is not None:  # stored as one number: the files' isotropic prior
        arrays_p["std"] = np.array([float(prior_std)])
    return KlTerm(value, layers, "diag-gaussian", arrays_q, arrays_p, found.uncovered)


def _prior_means(q: dict, prior_mean: Union[None, float, Source]) -> dict:
    if prior_mean is None or isinstance(prior_mean, (int, float)):
        return {b: np.full(g["mean"].shape, float(prior_mean or 0.0)) for b, g in q.items()}
    entries, _ = _entries(prior_mean)
    gaussian = {b: g["mean"] for b, g in _groups(prior_mean, _gaussian_fields(None), "Gaussian").groups.items()}
    means = {}
    for b in q:
        if b in entries:
            means[b] = entries[b]
        elif b in gaussian:
            means[b] = gaussian[b]
        else:
            raise _invalid("prior_mean", f"has no tensor {b!r} (nor a Gaussian group of that name)")
    return means


def kl_bernoulli(posterior: Union[Source, np.ndarray, torch.Tensor],
                 prior: Union[None, float, Source, np.ndarray, torch.Tensor] = None, *,
                 allow_uncovered: bool = False) -> KlTerm:
    """KL of independent Bernoulli masks (e.g. pruning masks), through itbound.kl_bernoulli.

    posterior: a tensor or array of probabilities, or a module / state dict with `<base>_prob(s)` (probabilities)
    or `<base>_logit(s)` (sigmoid) entries. prior: a number (the same probability for every coordinate), a tensor
    or array, a module / state dict matched by base name, or None for the posterior's own `<base>_prior` groups.
    """
    fields = {role: ("prob", kind) for role, kind in PROBS.items()}

    def groups_of(source, side):
        if isinstance(source, (torch.Tensor, np.ndarray)):
            value = source.detach().to("cpu", torch.float64).numpy() if isinstance(source, torch.Tensor) else source
            return {"": {"prob": np.asarray(value, dtype=np.float64)}}, ()
        found = _groups(source, fields, "Bernoulli")
        if side == "posterior":
            _check_covered(found, allow_uncovered)
        return found.groups, found.uncovered

    q, uncovered = groups_of(posterior, "posterior")
    q, own_prior = _split_prior(q)
    if not q:
        raise _invalid("posterior", f"no Bernoulli parameters found (names understood: {sorted(fields)})")
    if prior is None:
        p = own_prior
    elif isinstance(prior, (int, float)):
        p = {b: {"prob": np.full(g["prob"].shape, float(prior))} for b, g in q.items()}
    else:
        p, _ = _split_prior(groups_of(prior, "prior")[0])
        if set(p) == {""} and set(q) != {""}:  # one array for a whole module: in the posterior's order
            p = {"": {"prob": p[""]["prob"].ravel()}}
            q = {"": {"prob": _flat(q, "prob")}}
    _matched(q, p, "Bernoulli group")
    layers = {b: itbound.kl_bernoulli(np.ascontiguousarray(g["prob"].ravel()), np.ascontiguousarray(p[b]["prob"].ravel()))
              for b, g in q.items()}
    arrays_q, arrays_p = {"prob": _flat(q, "prob")}, {"prob": _flat(p, "prob")}
    return KlTerm(itbound.kl_bernoulli(arrays_q["prob"], arrays_p["prob"]), layers, "bernoulli", arrays_q, arrays_p,
                  tuple(uncovered))


# ---- the Monte Carlo step ----

def gaussian_sampler(network: torch.nn.Module, posterior: Source, *, scale: Optional[Mapping[str, str]] = None,
                     generator: Optional[torch.Generator] = None) -> Callable[[], torch.nn.Module]:
    """A function that draws one network from the posterior per call: `network` (a deterministic module whose
    parameters are named like the posterior's groups, e.g. l1.weight for l1.weight_mu / l1.weight.mu) with every
    parameter set to mean + std * N(0, 1). The same module is returned each time, with fresh weights held
    fixed until the next call, so that one sampled network is evaluated on the whole bound set (a module that
    samples its weights at every forward pass would draw a new network per batch instead)."""
    q, _ = _split_prior(_groups(posterior, _gaussian_fields(scale), "Gaussian").groups)
    params = dict(network.named_parameters())
    _same_names(q, params, ("network", "has no parameter named "), ("posterior", "has no distribution for the network's "))
    targets = []
    for b, g in q.items():
        p = params[b]
        if tuple(p.shape) != g["mean"].shape:
            raise _invalid(b, f"the network's shape {tuple(p.shape)} differs from the posterior's "
                                          f"{g['mean'].shape}")
        targets.append((p, torch.as_tensor(g["mean"], dtype=p.dtype, device=p.device),
                        torch.as_tensor(g["std"], dtype=p.dtype, device=p.device)))

    def sample() -> torch.nn.Module:
        with torch.no_grad():
            for p, mean, std in targets:
                noise = torch.randn(mean.shape, generator=generator, dtype=mean.dtype, device="cpu").to(mean.device)
                p.copy_(mean + std * noise)
        return network

    return sample


def zero_one(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """0-1 loss of class scores (argmax over the last axis) against integer labels."""
    return (outputs.argmax(dim=-1) != targets).to(torch.float64)


def _round_up(x: Fraction) -> float:
    f = float(x)
    return f if Fraction(f) >= x else math.nextafter(f, math.inf)


def monte_carlo_errors(sample: Callable[[], Callable], loader: Iterable, samples: int, *,
                       loss: Callable = zero_one, device: Any = None) -> tuple[np.ndarray, int]:
    """The empirical risks of `samples` networks drawn by sample() on every (x, y) batch of loader (the bound set):
    returns (errors, n), errors[i] = mean loss of network i on the n examples, summed exactly and rounded up.
    Losses must lie in [0, 1]."""
    if samples < 1:
        raise _invalid("samples", f"must be >= 1, got {samples}")
    errors, n = np.empty(samples), 0
    for i in range(samples):
        network = sample()
        if isinstance(network, torch.nn.Module):
            network.eval()
        total, count = Fraction(0), 0
        with torch.no_grad():
            for x, y in loader:
                if device is not None:
                    x, y = x.to(device), y.to(device)
                values = loss(network(x), y).detach().to("cpu", torch.float64).numpy().ravel()
                if values.size != len(y) or not np.all((values >= 0) & (values <= 1)):
                    raise _invalid("loss", "must give one value in [0, 1] per example")
                if np.all(values == np.floor(values)):  # 0-1 losses: an integer count, exact as is
                    total += int(values.sum())
                else:
                    for v in values.tolist():
                        total += Fraction(v)
                count += values.size
        if count == 0 or (i > 0 and count != n):
            raise _invalid("loader", f"gave {count} examples on pass {i}" + (f", {n} before" if i else ""))
        n = count
        errors[i] = _round_up(total / count)
    return errors, n


@dataclasses.dataclass(frozen=True)
class MonteCarloCertificate:
    """itbound.pac_bayes with the Monte Carlo step, and the per-network errors it was given."""
    result: Any  # itbound.Result of pac_bayes
    errors: np.ndarray
    n: int


def monte_carlo_certificate(sample: Callable[[], Callable], loader: Iterable, *, samples: int, kl: Union[float, KlTerm],
                            delta: float = 0.05, delta_mc: float = 0.01, loss: Callable = zero_one, device: Any = None,
                            **pac_bayes_args: Any) -> MonteCarloCertificate:
    """The PAC-Bayes certificate of a stochastic network with the Monte Carlo step (Langford & Caruana 2001, as
    Dziugaite & Roy 2017): `samples` networks drawn by sample(), their errors on loader (the bound set of n
    examples, unseen by the prior), then itbound.pac_bayes(kl=, n=, delta=, mc_errors=, delta_mc=, ...)."""
    errors, n = monte_carlo_errors(sample, loader, samples, loss=loss, device=device)
    result = itbound.pac_bayes(kl=float(kl), n=n, delta=delta, mc_errors=errors, delta_mc=delta_mc, **pac_bayes_args)
    return MonteCarloCertificate(result, errors, n)


# ---- supersample experiments ----

@dataclasses.dataclass(frozen=True)
class SupersampleRuns:
    """Runs in the format of data/SCHEMA.md: mask (k1, k2, n), loss and pred (k1, k2, n, 2), plus indices
    (k1, n, 2): the dataset index of member 0 and member 1 of each pair."""
    mask: np.ndarray
    loss: np.ndarray
    pred: Optional[np.ndarray]
    indices: np.ndarray

    def arrays(self) -> dict:
        """mask, loss and (if any) pred: the keyword arguments of itbound.cmi."""
        return {"mask": self.mask, "loss": self.loss, **({"pred": self.pred} if self.pred is not None else {})}

    def cmi(self, **kwargs: Any) -> Any:
        """itbound.cmi on these runs (further keywords as for itbound.cmi, e.g. loss_max=, estimator=)."""
        return itbound.cmi(**self.arrays(), **kwargs)

    def save(self, path) -> None:
        """An NPZ file for `itbound cmi` (mask, loss, pred)."""
        np.savez(path, **self.arrays())


def _argmax(outputs: torch.Tensor) -> Optional[torch.Tensor]:
    return outputs.argmax(dim=-1) if outputs.ndim > 1 else None


def supersample_runs(dataset, train: Callable, *, n: int, k2: int, k1: int = 1, loss: Callable = zero_one,
                     predict: Optional[Callable] = _argmax, seed: int = 0, batch_size: int = 512,
                     device: Any = None) -> SupersampleRuns:
    """A supersample experiment (Steinke & Zakynthinou 2020): k1 supersamples of n pairs drawn without
    replacement from dataset, k2 selector draws U in {0,1}^n each, one model per draw trained on the selected
    members, and its losses and predictions on both members of every pair.

    dataset    a map-style torch Dataset of (x, y) (or a tuple of tensors (X, Y)), at least 2n examples
    train      train(train_set, seed) -> model: train_set a torch.utils.data.Subset of the n selected examples,
               seed an int for the run's randomness; the model maps a batch of x to outputs
    loss       loss(outputs, y) -> per-example losses (default 0-1 on the argmax); give cmi loss_max= / the k-NN
               estimator for other ranges or continuous losses (data/SCHEMA.md)
    predict    predict(outputs) -> integer predictions, or None (default argmax; for f-CMI)
    Returns SupersampleRuns; .cmi(**kwargs) runs itbound.cmi on them, .save(path) writes the NPZ.
    """
    if isinstance(dataset, tuple):
        dataset = torch.utils.data.TensorDataset(*dataset)
    if len(dataset) < 2 * n:
        raise _invalid("n", f"a supersample of {n} pairs needs {2 * n} examples, the dataset has {len(dataset)}")
    rng = np.random.default_rng(seed)
    indices = np.stack([rng.choice(len(dataset), size=2 * n, replace=False).reshape(n, 2) for _ in range(k1)])
    mask = rng.integers(0, 2, size=(k1, k2, n), dtype=np.uint8)
    run_seeds = rng.integers(0, 2**63 - 1, size=(k1, k2))
    losses = np.empty((k1, k2, n, 2))
    preds = None
    for s in range(k1):
        members = torch.utils.data.Subset(dataset, indices[s].ravel().tolist())
        for r in range(k2):
            chosen = indices[s, np.arange(n), mask[s, r]]
            model = train(torch.utils.data.Subset(dataset, chosen.tolist()), int(run_seeds[s, r]))
            if isinstance(model, torch.nn.Module):
                model.eval()
            run_loss: list[np.ndarray] = []
            run_pred: list[np.ndarray] = []
            with torch.no_grad():
                for x, y in torch.utils.data.DataLoader(members, batch_size=batch_size):
                    if device is not None:
                        x, y = x.to(device), y.to(device)
                    outputs = model(x)
                    run_loss.append(loss(outputs, y).detach().to("cpu", torch.float64).numpy().ravel())
                    if run_loss[-1].size != len(y):
                        raise _invalid("loss", f"must give one value per example, got {run_loss[-1].size} for {len(y)}")
                    p = predict(outputs) if predict is not None else None
                    if p is not None:
                        run_pred.append(p.detach().to("cpu").numpy().ravel())
            losses[s, r] = np.concatenate(run_loss).reshape(n, 2)
            if run_pred:
                if preds is None:
                    preds = np.empty((k1, k2, n, 2), dtype=np.int64)
                preds[s, r] = np.concatenate(run_pred).reshape(n, 2)
    return SupersampleRuns(mask, losses, preds, indices)


# ---- trajectory recorders (itbound.recorders) driven from a torch module ----
#
# The recorders take flat NumPy vectors; these adapters flatten a module's trainable parameters in
# `module.parameters()` order, take gradients with autograd and apply the update, so that the vectors the recorder
# sees are exactly the ones the update used.

def flat_parameters(module: torch.nn.Module) -> np.ndarray:
    """The trainable parameters as one float64 vector (module.parameters() order)."""
    return torch.cat([p.detach().reshape(-1) for p in module.parameters() if p.requires_grad]).double().numpy()


def _trainable(module: torch.nn.Module) -> list:
    params = [p for p in module.parameters() if p.requires_grad]
    if not params:
        raise _invalid("module", "has no trainable parameters")
    return params


def add_to_parameters(module: torch.nn.Module, delta) -> None:
    """W <- W + delta for a flat vector delta (length: the number of trainable parameters)."""
    params = _trainable(module)
    delta = torch.as_tensor(np.asarray(delta, dtype=np.float64))
    total = sum(p.numel() for p in params)
    if delta.ndim != 1 or delta.numel() != total:
        raise _invalid("delta", f"must be a vector of {total} entries (the trainable parameters), got shape "
                                f"{tuple(delta.shape)}")
    with torch.no_grad():
        offset = 0
        for p in params:
            p.add_(delta[offset:offset + p.numel()].reshape(p.shape).to(p.dtype))
            offset += p.numel()


def flat_gradient(module: torch.nn.Module, loss: Callable, inputs: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
    """Gradient of loss(module(inputs), targets) (a scalar, e.g. a mean) at the current parameters, flat."""
    params = _trainable(module)
    value = loss(module(inputs), targets)
    if value.ndim != 0:
        raise _invalid("loss", f"must return a scalar (a mean over the batch), got shape {tuple(value.shape)}")
    grads = torch.autograd.grad(value, params, allow_unused=True)
    return torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1)
                      for g, p in zip(grads, params)]).double().numpy()


class perturbed:
    """Context manager: the module's parameters moved by xi inside the block, restored after (for the held-out
    gradients at W_t + xi of SGDRecorder, and losses_at in finish)."""

    def __init__(self, module: torch.nn.Module, xi) -> None:
        self.module, self.xi = module, np.asarray(xi, dtype=np.float64)

    def __enter__(self) -> torch.nn.Module:
        self._saved = [p.detach().clone() for p in _trainable(self.module)]
        add_to_parameters(self.module, self.xi)
        return self.module

    def __exit__(self, *exc) -> None:
        with torch.no_grad():
            for p, saved in zip(_trainable(self.module), self._saved):
                p.copy_(saved)


def sgd_step(recorder, module: torch.nn.Module, loss: Callable, batch, heldout, *, step_size: float,
             noise_std: Optional[float] = None, generator: Optional[np.random.Generator] = None) -> None:
    """One SGD (or SGLD, with noise_std) step of `module` recorded by an itbound.recorders.SGDRecorder.

    batch = (inputs, targets) of the minibatch the update uses; heldout = (inputs, targets) of held-out data for the
    population-gradient estimate. With a declared perturbation schedule the held-out gradient is also taken at the
    perturbed iterates the recorder draws. The update W <- W - step_size gradient (+ noise) is applied here."""
    inputs, targets = batch
    gradient = flat_gradient(module, loss, inputs, targets)
    heldout_gradient = flat_gradient(module, loss, *heldout)
    perturbed_gradients = None
    if recorder.perturbation_declared:
        perturbed_gradients = []
        for xi in recorder.perturbations():
            with perturbed(module, xi):
                perturbed_gradients.append(flat_gradient(module, loss, *heldout))
    noise = None
    if noise_std is not None:
        rng = generator if generator is not None else np.random.default_rng()
        noise = float(noise_std) * rng.standard_normal(gradient.size)
    recorder.step(step_size=step_size, batch_size=len(targets), gradient=gradient, heldout_gradient=heldout_gradient,
                  perturbed_heldout_gradients=perturbed_gradients, noise=noise, noise_std=noise_std)
    add_to_parameters(module, -step_size * gradient + (noise if noise is not None else 0.0))


def langevin_step(recorder, module: torch.nn.Module, loss: Callable, train, pair, *, step_size: float,
                  inverse_temperature: float, heldout=None) -> None:
    """One full-batch Langevin step recorded by an itbound.recorders.LangevinRecorder.

    train = (inputs, targets) of the whole training set (recorder.training_set of the supersample); pair =
    (inputs, targets) of the tracked pair J's two candidates, column 0 then column 1, scaled like one example of the
    training loss (loss is a mean: the candidates' gradients are taken on each alone). heldout = (inputs, targets)
    adds V_t for neu-sgld. The noise is drawn by the recorder and the update applied here."""
    inputs, targets = train
    if len(targets) != recorder.n:
        raise _invalid("train", f"must be the n = {recorder.n} training examples (full batch), got {len(targets)}")
    gradient = flat_gradient(module, loss, inputs, targets)
    pair_inputs, pair_targets = pair
    if len(pair_targets) != 2:
        raise _invalid("pair", f"must hold pair J's two candidates, got {len(pair_targets)} examples")
    candidates = [flat_gradient(module, loss, pair_inputs[c:c + 1], pair_targets[c:c + 1]) for c in range(2)]
    noise = recorder.noise(step_size, inverse_temperature)
    heldout_gradient = flat_gradient(module, loss, *heldout) if heldout is not None else None
    recorder.step(step_size=step_size, inverse_temperature=inverse_temperature, candidate_gradients=candidates,
                  noise=noise, batch_size=recorder.n, gradient=gradient if heldout is not None else None,
                  heldout_gradient=heldout_gradient)
    add_to_parameters(module, -step_size * gradient + noise)
