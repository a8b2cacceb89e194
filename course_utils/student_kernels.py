"""The student's own functions as the pieces :func:`course_utils.training.train` runs.

In a notebook, ``kernels = own_kernels(globals(), "dropout_forward", "dropout_backward")`` checks each named
exercise with the student's function of the same name; a function that passes its check goes into the
returned :class:`Kernels`, one that is unfinished or wrong is replaced by the course's reference, and one
line says which is which. ``train(..., kernels=kernels)`` then trains with them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
from typing import Callable

import numpy as np

from .batchnorm import _batchnorm_backward, _batchnorm_forward, _running_averages, _update_running
from .dropout import _dropout_backward, _dropout_forward
from .minibatch import _mini_batches

# exercise name -> (Kernels field, the function's name in the notebook)
PIECES = {
    "backward_with_l2": ("backward_with_l2", "backward_with_l2"),
    "dropout_forward": ("dropout_forward", "dropout_forward"),
    "dropout_backward": ("dropout_backward", "dropout_backward"),
    "random_mini_batches": ("mini_batches", "random_mini_batches"),
    "momentum_update": ("momentum_update", "momentum_update"),
    "rmsprop_update": ("rmsprop_update", "rmsprop_update"),
    "initialize_adam": ("initialize_adam", "initialize_adam"),
    "adam_update": ("adam_update", "adam_update"),
    "batchnorm_forward_train": ("batchnorm_forward", "batchnorm_forward"),
    "batchnorm_backward": ("batchnorm_backward", "batchnorm_backward"),
    "update_running_stats": ("update_running_stats", "update_running_stats"),
    "batchnorm_forward_test": ("batchnorm_forward_test", "batchnorm_forward_test"),
}
# pieces that only work together: both are the student's or neither is
PAIRS = (("batchnorm_forward_train", "batchnorm_backward"), ("initialize_adam", "adam_update"))


@dataclasses.dataclass(frozen=True)
class Kernels:
    """Which function ``train`` runs for each piece; ``None`` means the course's reference.

    The fields take the exercises' contracts (shapes as in the notebooks):
    ``backward_with_l2(X, Y, parameters, cache, lambd) -> grads`` for a two-layer tanh -> sigmoid network
    without dropout or batch norm (other networks use the reference backward pass),
    ``dropout_forward(A, keep_prob, rng) -> (A_out, D)``, ``dropout_backward(dA, D, keep_prob) -> dA_prev``,
    ``mini_batches(X, Y, mini_batch_size, rng) -> [(X_t, Y_t), ...]``,
    ``momentum_update(parameters, grads, v, beta, learning_rate) -> (parameters, v)``,
    ``rmsprop_update(parameters, grads, s, beta, learning_rate, epsilon) -> (parameters, s)``,
    ``initialize_adam(parameters) -> (v, s)`` with
    ``adam_update(parameters, grads, v, s, t, learning_rate, beta1, beta2, epsilon) -> (parameters, v, s, t)``,
    ``batchnorm_forward(Z, gamma, beta, epsilon) -> (Z_tilde, cache)`` with
    ``batchnorm_backward(dZ_tilde, cache) -> (dZ, dgamma, dbeta)``,
    ``update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum) -> (mean, var)``,
    ``batchnorm_forward_test(Z, gamma, beta, running_mean, running_var, epsilon) -> Z_tilde``.
    """

    backward_with_l2: Callable | None = None
    dropout_forward: Callable | None = None
    dropout_backward: Callable | None = None
    mini_batches: Callable | None = None
    momentum_update: Callable | None = None
    rmsprop_update: Callable | None = None
    initialize_adam: Callable | None = None
    adam_update: Callable | None = None
    batchnorm_forward: Callable | None = None
    batchnorm_backward: Callable | None = None
    update_running_stats: Callable | None = None
    batchnorm_forward_test: Callable | None = None

    # ------------------------------------------------------------ the network's pieces (called by mlp)

    def uses_backward_with_l2(self, caches: list) -> bool:
        """Whether the network of ``caches`` is the one ``backward_with_l2`` is written for (tanh -> sigmoid)."""
        return (self.backward_with_l2 is not None and len(caches) == 2
                and [cache["activation"] for cache in caches] == ["tanh", "sigmoid"]
                and all(cache["dropout"] is None and cache["batchnorm"] is None for cache in caches))

    def backward_with_l2_step(self, AL, Y, caches: list, lambd: float) -> dict:
        """The student's gradients of the two-layer network from the reference forward pass's ``caches``."""
        (X, W1, b1), (A1, W2, b2) = caches[0]["linear"], caches[1]["linear"]
        cache = {"Z1": caches[0]["activation_input"], "A1": A1, "Z2": caches[1]["activation_input"], "A2": AL}
        grads = self.backward_with_l2(X, Y, {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, cache, lambd)
        return {key: np.asarray(value, dtype=np.float64) for key, value in grads.items()}

    def dropout_forward_step(self, A, keep_prob, rng, mask=None):
        """``(A_out, cache)`` like the reference's unchecked dropout (a given ``mask`` is always replayed)."""
        if self.dropout_forward is None or mask is not None:
            return _dropout_forward(A, keep_prob, rng, mask)
        A_out, D = self.dropout_forward(A, keep_prob, rng)
        return np.asarray(A_out, dtype=np.float64), {"mask": np.asarray(D) != 0, "keep_prob": keep_prob}

    def dropout_backward_step(self, dA, cache):
        if self.dropout_backward is None:
            return _dropout_backward(dA, cache)
        return np.asarray(self.dropout_backward(dA, cache["mask"], cache["keep_prob"]), dtype=np.float64)

    def batchnorm_forward_step(self, Z, gamma, beta, running, mode, momentum, epsilon):
        """``(Z_tilde, cache)`` like the reference's unchecked batch norm; ``running`` is updated in train mode."""
        if mode == "test":
            if self.batchnorm_forward_test is None:
                return _batchnorm_forward(Z, gamma, beta, running, mode, momentum, epsilon)
            Z_tilde = self.batchnorm_forward_test(Z, gamma, beta, running["mean"], running["var"], epsilon)
            return np.asarray(Z_tilde, dtype=np.float64), {"mode": "test"}  # no backward pass at test time
        if self.batchnorm_forward is None:
            return _batchnorm_forward(Z, gamma, beta, running, mode, momentum, epsilon, self._running_rule)
        Z_tilde, student_cache = self.batchnorm_forward(Z, gamma, beta, epsilon)
        if running is not None:
            _update_running(running, student_cache["mu"], student_cache["var"], momentum, self._running_rule)
        return np.asarray(Z_tilde, dtype=np.float64), {"student": student_cache, "mode": "train"}

    def _running_rule(self, old_mean, old_var, mean, var, momentum):
        """The running statistics after one more batch: the student's ``update_running_stats`` or the reference's."""
        if self.update_running_stats is None:
            return _running_averages(old_mean, old_var, mean, var, momentum)
        new_mean, new_var = self.update_running_stats(old_mean, old_var, mean, var, momentum)
        return np.asarray(new_mean, dtype=np.float64), np.asarray(new_var, dtype=np.float64)

    def batchnorm_backward_step(self, dZ_tilde, cache):
        if "student" not in cache:
            if cache["mode"] == "test" and "Z_hat" not in cache:
                raise ValueError("cache must come from a train-mode forward pass: no backward pass at test time")
            return _batchnorm_backward(dZ_tilde, cache)
        dZ, dgamma, dbeta = self.batchnorm_backward(dZ_tilde, cache["student"])
        return tuple(np.asarray(value, dtype=np.float64) for value in (dZ, dgamma, dbeta))

    def mini_batches_of(self, X, Y, mini_batch_size, rng) -> list:
        if self.mini_batches is None:
            return _mini_batches(X, Y, mini_batch_size, rng)
        batches = self.mini_batches(X, Y, mini_batch_size, rng)
        return [(np.asarray(X_t, dtype=np.float64), np.asarray(Y_t, dtype=np.float64)) for X_t, Y_t in batches]

    def update_rule(self, rule):
        """The student's version of ``rule`` (an :class:`~course_utils.optimizers.Optimizer`), or ``rule``."""
        own = {"momentum": self.momentum_update, "rmsprop": self.rmsprop_update, "adam": self.adam_update}
        if own.get(rule.name) is None:
            return rule
        return _StudentRule(rule.name, own[rule.name], self.initialize_adam, rule._all_hyper)


class _StudentRule:
    """An update rule with the ``init``/``_step`` contract of an Optimizer, running the student's update."""

    def __init__(self, name: str, update: Callable, initialize_adam: Callable | None, hyper: dict):
        self.name, self.update, self.initialize_adam, self.hyper = name, update, initialize_adam, hyper

    def init(self, parameters) -> dict:
        if self.name == "adam":
            v, s = self.initialize_adam(parameters)
            return {"v": v, "s": s, "t": 0}
        return {"moments": {"d" + key: np.zeros_like(value) for key, value in parameters.items()}}

    def _step(self, parameters, grads, state, learning_rate):
        h = self.hyper
        if self.name == "adam":
            parameters, v, s, t = self.update(parameters, grads, state["v"], state["s"], state["t"], learning_rate,
                                              h["beta1"], h["beta2"], h["epsilon"])
            return parameters, {"v": v, "s": s, "t": t}
        if self.name == "momentum":
            parameters, moments = self.update(parameters, grads, state["moments"], h["beta"], learning_rate)
        else:
            parameters, moments = self.update(parameters, grads, state["moments"], h["beta"], learning_rate,
                                              h["epsilon"])
        return parameters, {"moments": moments}


REFERENCE = Kernels()
"""Every piece from the course's reference kernels."""


def _passes(exercise: str, fn) -> str | None:
    """``None`` when ``fn`` passes the exercise's visible check, otherwise a short reason."""
    from .checks import CheckFailed, check  # the checks import the kernels: import them only when needed

    if fn is None:
        return "not defined"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check(exercise, fn)
    except NotImplementedError:
        return "not written yet"
    except CheckFailed:
        return "its check fails"
    except Exception as error:  # the student's code may raise anything; the notice names it
        return f"it raises {type(error).__name__}"
    return None


def own_kernels(namespace: dict, *exercises: str) -> Kernels:
    """:class:`Kernels` with the student's functions (looked up in ``namespace``, e.g. ``globals()``) for the
    named ``exercises`` whose checks pass, the reference for the others; prints one line saying which."""
    unknown = [name for name in exercises if name not in PIECES]
    if unknown:
        raise ValueError(f"exercises must be among {sorted(PIECES)}, got {unknown}")
    reasons = {name: _passes(name, namespace.get(PIECES[name][1])) for name in exercises}
    for pair in PAIRS:
        if all(name in reasons for name in pair):
            failed = [name for name in pair if reasons[name]]
            for name in pair:
                if failed and not reasons[name]:
                    reasons[name] = f"it works with {failed[0]}, which is not ready"
    yours = [name for name in exercises if reasons[name] is None]
    others = [f"{name} ({reasons[name]})" for name in exercises if reasons[name]]
    parts = []
    if yours:
        parts.append("Training with your " + ", ".join(PIECES[name][1] for name in yours))
    if others:
        parts.append("the course's reference for " + ", ".join(others))
    print("; ".join(parts) + ".")
    return Kernels(**{PIECES[name][0]: namespace[PIECES[name][1]] for name in yours})
