"""A tiny reference network (independent of course_utils.mlp) and backward passes with planted bugs.

The network: ``Z1 = W1 X (+ b1)`` -> optional batch norm (``gamma1``, ``beta1``) -> ``tanh`` or
``relu`` -> optional inverted dropout with a *fixed* mask -> ``Z2 = W2 A1 + b2`` -> sigmoid,
binary cross-entropy, optional L2 term ``lambd/(2m) (||W1||^2 + ||W2||^2)``. Gradients follow
docs/conventions.md (per-example ``dZ``, ``1/m`` when reducing to a parameter).

Each planted bug is a function ``bug(problem, parameters) -> grads``; ``PLANTED_BUGS`` maps its
name to ``(function, problem options, expected culprits)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BN_EPS = 1e-5


@dataclass
class Problem:
    X: np.ndarray
    Y: np.ndarray
    parameters: dict
    activation: str = "tanh"
    lambd: float = 0.0
    keep_prob: float = 1.0
    mask: np.ndarray | None = None
    options: dict = field(default_factory=dict)

    # -------------------------------------------------------------- forward
    def forward(self, parameters):
        X = self.X
        m = X.shape[1]
        cache = {}
        Z1 = parameters["W1"] @ X
        if "b1" in parameters:
            Z1 = Z1 + parameters["b1"]
        pre = Z1
        if "gamma1" in parameters:
            mu = Z1.mean(axis=1, keepdims=True)
            var = Z1.var(axis=1, keepdims=True)
            inv = 1.0 / np.sqrt(var + BN_EPS)
            Zh = (Z1 - mu) * inv
            pre = parameters["gamma1"] * Zh + parameters["beta1"]
            cache.update(Zh=Zh, inv=inv)
        A1 = np.tanh(pre) if self.activation == "tanh" else np.maximum(pre, 0.0)
        if self.mask is not None:
            A1 = A1 * self.mask / self.keep_prob
        Z2 = parameters["W2"] @ A1 + parameters["b2"]
        cache.update(pre=pre, A1=A1, Z2=Z2, m=m)
        return Z2, cache

    def cost(self, parameters) -> float:
        Z2, cache = self.forward(parameters)
        m = cache["m"]
        # binary cross-entropy written stably from the logits: log(1 + e^z) - y z
        J = float(np.mean(np.logaddexp(0.0, Z2) - self.Y * Z2))
        if self.lambd:
            J += self.lambd / (2 * m) * (np.sum(parameters["W1"] ** 2) + np.sum(parameters["W2"] ** 2))
        return J

    # -------------------------------------------------------------- backward
    def grads(self, parameters, bug: str | None = None) -> dict:
        Z2, cache = self.forward(parameters)
        m, A1, pre = cache["m"], cache["A1"], cache["pre"]
        lambd = self.lambd
        g = {}
        dZ2 = 1.0 / (1.0 + np.exp(-Z2)) - self.Y
        g["dW2"] = dZ2 @ A1.T / m
        g["db2"] = dZ2.mean(axis=1, keepdims=True)
        dA1 = parameters["W2"].T @ dZ2
        if self.mask is not None and bug != "dropout_mask_not_applied":
            dA1 = dA1 * self.mask / self.keep_prob
        if self.activation == "tanh":
            dpre = dA1 * (1.0 - np.tanh(pre) ** 2)
        else:
            dpre = dA1 * (pre > 0)
        if "gamma1" in parameters:
            Zh, inv = cache["Zh"], cache["inv"]
            g["dgamma1"] = np.mean(dpre * Zh, axis=1, keepdims=True)
            g["dbeta1"] = np.mean(dpre, axis=1, keepdims=True)
            dZh = dpre * parameters["gamma1"]
            mean_term = np.mean(dZh, axis=1, keepdims=True)
            var_term = Zh * np.mean(dZh * Zh, axis=1, keepdims=True)
            if bug == "bn_missing_mean_term":
                mean_term = 0.0
            if bug == "bn_missing_variance_term":
                var_term = 0.0
            dZ1 = inv * (dZh - mean_term - var_term)
        else:
            dZ1 = dpre
        dW1 = dZ1 @ self.X.T / m
        g["dW1"] = dW1.T if bug == "dW1_transposed" else dW1
        if "b1" in parameters:
            g["db1"] = np.sum(dZ1, axis=1, keepdims=True) if bug == "db1_sum_without_mean" else dZ1.mean(axis=1, keepdims=True)
        if lambd and bug != "dW_missing_l2":
            g["dW1"] = g["dW1"] + lambd / m * parameters["W1"]
            g["dW2"] = g["dW2"] + lambd / m * parameters["W2"]
        if bug == "doubled_dW2":
            g["dW2"] = 2 * g["dW2"]
        return g


def make_problem(
    seed: int = 0,
    n_x: int = 4,
    n_h: int = 4,
    m: int = 8,
    *,
    activation: str = "tanh",
    batchnorm: bool = False,
    bias_before_bn: bool = False,
    keep_prob: float = 1.0,
    lambd: float = 0.0,
) -> Problem:
    """A random problem; biases and BN parameters are random (not 0/1) so no gradient is trivially small."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    Y[0, :2] = [0.0, 1.0]  # both classes present
    parameters = {"W1": rng.standard_normal((n_h, n_x)) / np.sqrt(n_x)}
    if not batchnorm or bias_before_bn:
        parameters["b1"] = 0.3 * rng.standard_normal((n_h, 1))
    if batchnorm:
        parameters["gamma1"] = 1.0 + 0.2 * rng.standard_normal((n_h, 1))
        parameters["beta1"] = 0.2 * rng.standard_normal((n_h, 1))
    parameters["W2"] = rng.standard_normal((1, n_h)) / np.sqrt(n_h)
    parameters["b2"] = 0.3 * rng.standard_normal((1, 1))
    mask = None
    if keep_prob < 1.0:
        mask = rng.random((n_h, m)) < keep_prob
        mask[:, 0] = True  # keep every unit at least once
    options = dict(activation=activation, batchnorm=batchnorm, keep_prob=keep_prob, lambd=lambd)
    return Problem(X, Y, parameters, activation, lambd, keep_prob, mask, options)


def correct_grads(problem: Problem, parameters=None) -> dict:
    return problem.grads(problem.parameters if parameters is None else parameters)


def _bug(name):
    def backward(problem: Problem, parameters=None) -> dict:
        return problem.grads(problem.parameters if parameters is None else parameters, bug=name)

    backward.__name__ = name
    backward.__doc__ = f"Backward pass with the planted bug {name!r}."
    return backward


doubled_dW2 = _bug("doubled_dW2")
db1_sum_without_mean = _bug("db1_sum_without_mean")
dW_missing_l2 = _bug("dW_missing_l2")
dW1_transposed = _bug("dW1_transposed")
dropout_mask_not_applied = _bug("dropout_mask_not_applied")
bn_missing_mean_term = _bug("bn_missing_mean_term")
bn_missing_variance_term = _bug("bn_missing_variance_term")

PLANTED_BUGS = {
    # name: (backward with the bug, make_problem options, gradients it breaks)
    "doubled_dW2": (doubled_dW2, {}, {"dW2"}),
    "db1_sum_without_mean": (db1_sum_without_mean, {}, {"db1"}),
    "dW_missing_l2": (dW_missing_l2, {"lambd": 0.7}, {"dW1", "dW2"}),
    "dW1_transposed": (dW1_transposed, {"n_x": 4, "n_h": 4}, {"dW1"}),
    "dropout_mask_not_applied": (dropout_mask_not_applied, {"keep_prob": 0.6}, {"dW1", "db1"}),
    "bn_missing_mean_term": (bn_missing_mean_term, {"batchnorm": True}, {"dW1"}),
    "bn_missing_variance_term": (bn_missing_variance_term, {"batchnorm": True}, {"dW1"}),
}
