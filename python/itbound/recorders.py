"""Recorders: a training loop writes its trajectory (data/TRAJECTORY-SCHEMA.md, JSON lines) step by step.

Framework-agnostic: NumPy arrays in (flatten parameters and gradients to one 1-D float array each). O(1) memory
in the number of steps: each step is one line appended to the file and one update of an in-memory
`itbound.TrajectoryAccumulator`, so `recorder.result()` at any time is what `itbound trajectory FILE` prints on the
file written so far.

- `LangevinRecorder`: full-batch Langevin dynamics on a supersample (Haghifam et al. 2020, `haghifam-ld`; also
  Neu et al.'s Proposition 3, `neu-sgld`, when held-out gradients are given).
- `SGDRecorder`: SGD or SGLD as in Neu, Dziugaite, Haghifam & Roy (2021) (`neu-sgd`, `neu-sgd-smooth`, `neu-sgld`).

A recorder refuses (ValueError, nothing written) a step it can see breaks its bound's assumptions: non-finite or
mis-shaped arrays, a minibatch where full batch is needed, noise whose size is implausible for the declared
Gaussian, perturbed evaluations that do not match the perturbations it drew. What no recorder can see: a step size,
inverse temperature or perturbation schedule chosen from the training data (the bounds need them fixed before the
run), a gradient other than the one the update used, or held-out data that overlap the training set. Those remain
the user's promises, and a bound computed from a run that breaks them is not a bound.
"""
import json
import math

import numpy as np

from ._itbound import TrajectoryAccumulator

__all__ = ["LangevinRecorder", "SGDRecorder"]

# Laurent & Massart (2000), Lemma 1: for q ~ chi^2_d, P(q - d >= 2 sqrt(d x) + 2 x) <= e^-x and
# P(d - q >= 2 sqrt(d x)) <= e^-x. With x = 40 a genuine draw is refused with probability below 1e-17 per step.
_TAIL = 40.0


def _vector(x, name, dimension):
    a = np.asarray(x, dtype=np.float64).reshape(-1)
    if a.size != dimension:
        raise ValueError(f"{name}: must have dimension = {dimension} entries, got {a.size}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: must be finite")
    return a


def _check_gaussian(noise, variance, name):
    """Refuses noise that cannot plausibly be a N(0, variance I) draw (squared norm and sum, x = _TAIL tails)."""
    d = noise.size
    q = float(noise @ noise) / variance
    if q - d >= 2 * math.sqrt(d * _TAIL) + 2 * _TAIL or d - q >= 2 * math.sqrt(d * _TAIL):
        raise ValueError(f"{name}: squared norm / variance = {q:.6g} is implausible for N(0, I_{d}); the noise added "
                         f"must be N(0, {variance:.6g} I)")
    if abs(float(noise.sum())) >= math.sqrt(2 * _TAIL * d * variance):
        raise ValueError(f"{name}: its coordinates sum to {float(noise.sum()):.6g}, implausible for N(0, {variance:.6g} I)")


class _Recorder:
    """Header line first, then one line per step, then the final record; an accumulator follows every line."""

    def __init__(self, path, header):
        self._accumulator = TrajectoryAccumulator(**header)  # checks the header before the file is touched
        self.path = str(path)
        self._file = open(self.path, "w", encoding="utf-8")
        self._write(header)

    def _write(self, record):
        self._file.write(json.dumps(record, separators=(",", ":")) + "\n")

    def _add(self, step):
        if self._file is None:
            raise ValueError(f"step[{self.steps}]: comes after the final record")
        self._accumulator.add_step(**step)  # raises, naming the field, before anything is written
        self._write(step)

    def _finish(self, final):
        if self._file is None:
            raise ValueError("final: is given twice")
        self._accumulator.finish(**final)
        self._write({"final": final})
        self.close()

    @property
    def steps(self):
        """Steps recorded so far."""
        return self._accumulator.steps

    def result(self, bound="all"):
        """What `itbound trajectory FILE` prints on the file written so far (format 'python')."""
        return self._accumulator.result(bound)

    def certificates(self):
        return self._accumulator.certificates()

    def flush(self):
        """Writes the buffered lines, so that another reader of the file sees every step so far."""
        if self._file is not None:
            self._file.flush()

    def close(self):
        """Closes the file (finish() does); the trajectory so far stays readable."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class LangevinRecorder(_Recorder):
    """Full-batch Langevin dynamics on a supersample, for `haghifam-ld` (and `neu-sgld` with held-out gradients).

    The recorder draws the supersample selection U (independent fair coins: training example i is column
    `selection[i]` of pair i) and the tracked pair J, uniform on the n pairs. Train on `training_set(pairs)`;
    the gap bounded is E[loss on `heldout_set(pairs)` - training loss]. At every step give the step size, the
    inverse temperature beta (noise N(0, (2 eta / beta) I)), the gradients at the current iterate of pair J's two
    candidates (column 0, column 1) and the noise actually added, W <- W - eta grad + noise (`noise(...)` draws it).
    The recorder keeps the forecaster: the core computes the posterior forecaster from the running log-likelihood
    ratio, so `result()` shows the plain, constant-forecast and forecaster values as training goes.
    Give `gradient` (the full-batch gradient used) and `heldout_gradient` (the same loss's gradient on held-out
    data) to record V_t for `neu-sgld`.
    """

    def __init__(self, path, *, n, dimension, loss_min=0.0, loss_max=1.0, seed=None, prior=None):
        self.n, self.dimension = int(n), int(dimension)
        self._rng = np.random.default_rng(seed)
        self.selection = self._rng.integers(0, 2, size=self.n)
        self.index = int(self._rng.integers(self.n))
        header = {"format": "itbound.recorders.LangevinRecorder", "dimension": self.dimension, "n": self.n,
                  "loss_min": float(loss_min), "loss_max": float(loss_max),
                  "prior": prior or f"supersample of {self.n} pairs; tracked pair J = {self.index}"}
        super().__init__(path, header)

    def training_set(self, pairs):
        """The selected example of every pair: pairs[i, selection[i]] (pairs indexed [pair, column, ...])."""
        return np.asarray(pairs)[np.arange(self.n), self.selection]

    def heldout_set(self, pairs):
        """The unselected example of every pair: what the gap bounded is measured on."""
        return np.asarray(pairs)[np.arange(self.n), 1 - self.selection]

    def noise(self, step_size, inverse_temperature):
        """A draw of the step's noise N(0, (2 step_size / inverse_temperature) I), from the recorder's generator."""
        return math.sqrt(2.0 * step_size / inverse_temperature) * self._rng.standard_normal(self.dimension)

    def step(self, *, step_size, inverse_temperature, candidate_gradients, noise, batch_size=None, gradient=None,
             heldout_gradient=None):
        """Records one step W <- W - step_size * gradient + noise (gradient over all n training examples)."""
        if batch_size is not None and int(batch_size) != self.n:
            raise ValueError(f"step[{self.steps}].batch_size: haghifam-ld needs full-batch Langevin dynamics "
                             f"(batch_size = n = {self.n}), got {batch_size}")
        if not (step_size > 0 and inverse_temperature > 0):
            raise ValueError(f"step[{self.steps}]: step_size and inverse_temperature must be > 0")
        if len(candidate_gradients) != 2:
            raise ValueError(f"step[{self.steps}].candidate_gradients: must be the two gradients of pair J")
        g = [_vector(x, f"step[{self.steps}].candidate_gradients[{c}]", self.dimension)
             for c, x in enumerate(candidate_gradients)]
        eps = _vector(noise, f"step[{self.steps}].noise", self.dimension)
        variance = 2.0 * step_size / inverse_temperature
        _check_gaussian(eps, variance, f"step[{self.steps}].noise")
        chosen = self.selection[self.index]
        v = g[1 - chosen] - g[chosen]  # unselected minus selected
        record = {"step_size": float(step_size), "inverse_temperature": float(inverse_temperature),
                  "batch_size": self.n, "two_sample_incoherence": float(v @ v),
                  "noise_alignment": float(v @ eps) / math.sqrt(variance)}
        if (gradient is None) != (heldout_gradient is None):
            raise ValueError(f"step[{self.steps}]: give both gradient and heldout_gradient (for neu-sgld), or neither")
        if gradient is not None:
            diff = (_vector(gradient, f"step[{self.steps}].gradient", self.dimension)
                    - _vector(heldout_gradient, f"step[{self.steps}].heldout_gradient", self.dimension))
            record["gradient_variance"] = float(diff @ diff)
        self._add(record)

    def finish(self, *, train_loss, test_loss):
        """The bounded loss of the output on the training set and on the held-out halves; closes the file."""
        self._finish({"train_loss": float(train_loss), "test_loss": float(test_loss)})


class SGDRecorder(_Recorder):
    """SGD (or SGLD) as in Neu, Dziugaite, Haghifam & Roy (2021): `neu-sgd`, `neu-sgd-smooth`, `neu-sgld`.

    Declare before the run: `perturbation` (the virtual perturbation schedule of `neu-sgd`: a constant sigma, a
    geometric (scale, ratio) pair for sigma_t = scale ratio^(t-1), or a callable t -> sigma_t with t = 1, 2, ...),
    and/or `family` ({"scales": [...], "ratios": [...]}, geometric schedules for `neu-sgd-smooth`, which also needs
    `smoothness`). At every step give the minibatch gradient the update used, a held-out estimate of the population
    gradient at the same iterate, and, for the measured gradient sensitivity, the held-out gradients at the
    perturbed iterates W_t + xi for the xi that `perturbations()` drew for this step (a list, or a callable
    xi -> gradient). For SGLD give the noise added (N(0, noise_std^2 I)) and its noise_std.
    At the end, `finish(train_loss=..., test_loss=..., losses_at=f)` with f(xi) -> (training loss, test loss) of
    W_T + xi measures the Delta terms at every level the bounds use (`levels()`).
    """

    def __init__(self, path, *, n, dimension, perturbation=None, family=None, smoothness=None, loss_smoothness=None,
                 loss_min=0.0, loss_max=1.0, perturbation_samples=1, seed=None):
        self.n, self.dimension = int(n), int(dimension)
        self._rng = np.random.default_rng(seed)
        if perturbation is None or callable(perturbation):
            self._sigma = perturbation
        elif np.ndim(perturbation) == 0:
            self._sigma = lambda t, s=float(perturbation): s
        else:
            scale, ratio = (float(x) for x in perturbation)
            self._sigma = lambda t: scale * ratio ** (t - 1)
        self._samples = int(perturbation_samples)
        if self._samples < 1:
            raise ValueError("perturbation_samples: must be >= 1")
        self._level_sq = 0.0  # sigma_{1:t}^2 of the declared schedule
        self._drawn = None
        header = {"format": "itbound.recorders.SGDRecorder", "dimension": self.dimension, "n": self.n,
                  "loss_min": float(loss_min), "loss_max": float(loss_max)}
        if family is not None:
            header["sigma_scales"] = [float(x) for x in family["scales"]]
            header["sigma_ratios"] = [float(x) for x in family["ratios"]]
        for key, value in (("smoothness", smoothness), ("loss_smoothness", loss_smoothness)):
            if value is not None:
                header[key] = float(value)
        super().__init__(path, header)

    @property
    def perturbation_declared(self):
        """Whether a perturbation schedule was declared (then each step wants perturbed held-out gradients)."""
        return self._sigma is not None

    def perturbations(self):
        """The xi ~ N(0, sigma_{1:t}^2 I) at which to evaluate the held-out gradient this step (none at step 1)."""
        if self._sigma is None:
            raise ValueError("perturbations: no perturbation schedule was declared")
        level = math.sqrt(self._level_sq)
        self._drawn = [level * self._rng.standard_normal(self.dimension) for _ in range(self._samples if level else 0)]
        return list(self._drawn)

    def step(self, *, step_size, batch_size, gradient, heldout_gradient, perturbed_heldout_gradients=None,
             noise=None, noise_std=None):
        """Records one step W <- W - step_size * gradient (+ noise for SGLD)."""
        at = f"step[{self.steps}]"
        if not 1 <= int(batch_size) <= self.n or int(batch_size) != batch_size:
            raise ValueError(f"{at}.batch_size: must be an integer in [1, n = {self.n}], got {batch_size}")
        diff = (_vector(gradient, f"{at}.gradient", self.dimension)
                - _vector(heldout_gradient, f"{at}.heldout_gradient", self.dimension))
        record = {"step_size": float(step_size), "batch_size": int(batch_size), "gradient_variance": float(diff @ diff)}
        if (noise is None) != (noise_std is None):
            raise ValueError(f"{at}: give both noise and noise_std (SGLD), or neither (SGD)")
        if noise is not None:
            _check_gaussian(_vector(noise, f"{at}.noise", self.dimension), float(noise_std) ** 2, f"{at}.noise")
            record["noise_std"] = float(noise_std)
        if self._sigma is not None:
            sigma = float(self._sigma(self.steps + 1))
            record["perturbation_std"] = sigma
            if self._level_sq == 0.0:
                record["gradient_sensitivity"] = 0.0  # no perturbation accumulated yet: Gamma = 0 exactly
            elif perturbed_heldout_gradients is not None:
                record["gradient_sensitivity"] = self._sensitivity(at, heldout_gradient, perturbed_heldout_gradients)
        elif perturbed_heldout_gradients is not None:
            raise ValueError(f"{at}.perturbed_heldout_gradients: no perturbation schedule was declared")
        self._add(record)
        self._drawn = None
        if self._sigma is not None:
            self._level_sq += record["perturbation_std"] ** 2

    def _sensitivity(self, at, heldout_gradient, perturbed):
        if callable(perturbed):
            if self._drawn is None:
                self.perturbations()
            perturbed = [perturbed(xi) for xi in self._drawn]
        if self._drawn is None or len(perturbed) != len(self._drawn):
            raise ValueError(f"{at}.perturbed_heldout_gradients: one held-out gradient per perturbation drawn by "
                             f"perturbations() this step ({0 if self._drawn is None else len(self._drawn)})")
        base = _vector(heldout_gradient, f"{at}.heldout_gradient", self.dimension)
        sq = [float(np.sum((base - _vector(g, f"{at}.perturbed_heldout_gradients[{k}]", self.dimension)) ** 2))
              for k, g in enumerate(perturbed)]
        return float(np.mean(sq))

    def levels(self):
        """(schedule, level) pairs where the Delta terms are needed: the declared schedule's and each family member's."""
        return self._accumulator.perturbation_levels()

    def finish(self, *, train_loss, test_loss, losses_at=None, samples=20, value_sensitivity=None):
        """The final record: losses of the output W_T, and the Delta terms at every level in levels().

        losses_at(xi) -> (training loss, test loss) of W_T + xi: the recorder draws `samples` perturbations per level
        and records Delta = loss(W_T) - mean loss(W_T + xi) on each set. Or give value_sensitivity directly."""
        final = {"train_loss": float(train_loss), "test_loss": float(test_loss)}
        if losses_at is not None:
            value_sensitivity = []
            for _, level in self.levels():
                drawn = np.array([losses_at(level * self._rng.standard_normal(self.dimension)) for _ in range(samples)],
                                 dtype=np.float64).reshape(samples, 2)
                value_sensitivity.append({"level": level, "train": float(train_loss - drawn[:, 0].mean()),
                                          "test": float(test_loss - drawn[:, 1].mean())})
        if value_sensitivity is not None:
            final["value_sensitivity"] = value_sensitivity
        self._finish(final)
