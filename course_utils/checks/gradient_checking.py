"""Checks for the week 1 gradient checking notebook.

Three exercises:

* ``gradient_check_1d(f, df, x, epsilon)``: relative error between a derivative and its centred difference;
* ``gradient_check_nd(cost_fn, parameters, grads, epsilon)``: the same over every parameter entry of a
  network, flattened into one vector;
* ``fixed_backward(X, Y, parameters)``: the notebook's three-layer backward pass with its planted bugs
  fixed, judged by the reference gradient-check harness so that the message names the wrong parameter.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np

from course_utils import gradient_check as reference_gradient_check
from course_utils import mlp as reference_mlp
from course_utils.costs import compute_cost
from course_utils.checks.framework import (
    CheckFailed,
    Case,
    Exercise,
    expect_dict,
    exercise_table,
)

# ============================================================================ shared helpers
#
# A gradient check returns a relative error r = ||g - g_approx|| / (||g|| + ||g_approx||). Two correct
# implementations get the same *mathematical* r (same formula, same epsilon: same truncation error) but
# round differently: another order of operations, dividing by the actual step (x + eps) - (x - eps), another
# BLAS kernel inside the cost. Each entry of g_approx carries a rounding noise of about
# NOISE_ULPS * u * (|J| + |theta_i| |g_approx_i|) / eps (u = 2.2e-16); with eps = 1e-7 it is ~1e-8, so an r
# of 1e-9 is pure noise and only its order of magnitude and verdict band mean something. A result is accepted
# when it has the reference's verdict (fine < 1e-7 <= look again <= 1e-3 < bug) and lies within the noise band
# of the reference value (both carry that noise), never "within 1% of the reference's rounding noise". Cases
# are built so that bugs move r far outside that band, and a band that reaches a verdict threshold belongs to
# a reference at least 10 times away from it (tests/test_checks_gradient_checking.py).

_U = float(np.finfo(np.float64).eps)
_NOISE_ULPS = reference_gradient_check.NOISE_ULPS
_NAME_SLACK = 1e-6
"""Extra relative slack when matching a *wrong* result to a known mistake (naming, never accepting)."""


def _rel(diff: float, denominator: float) -> float:
    """``diff / denominator`` with ``0/0 = 0``."""
    return 0.0 if denominator == 0 else float(diff / denominator)


def _number(case: Case, output, what: str) -> float:
    """The output as a float, with teaching messages for None, booleans, arrays of several numbers and NaN."""
    if output is None:
        raise CheckFailed(f"{what} is None [case: {case.label}]: did you forget a `return`?")
    if isinstance(output, bool):
        raise CheckFailed(
            f"{what} is {output} [case: {case.label}]: return the relative error itself (a number such as 3e-10), "
            "not the comparison with a threshold; the reader compares it with the bands 1e-7 / 1e-3"
        )
    array = np.asarray(output) if not isinstance(output, (dict, str)) else np.asarray(None)
    if array.size != 1 or not np.issubdtype(array.dtype, np.number):
        raise CheckFailed(
            f"{what} should be a single number (the relative error), got {type(output).__name__} "
            f"with shape {array.shape} [case: {case.label}]"
        )
    value = float(array.reshape(()))
    if math.isnan(value):
        raise CheckFailed(f"{what} is NaN [case: {case.label}]: look for 0/0, log(0) or an overflow")
    return value


@dataclasses.dataclass(frozen=True)
class Expected:
    """The reference relative error of a case and the rounding that a correct result may differ by.

    ``noise``: norm of the rounding noise of the numerical gradient; ``denominator``: ||g|| + ||g_approx||;
    ``g_norm``/``approx_norm``: the two norms, quoted in messages.
    """

    value: float
    noise: float
    g_norm: float
    approx_norm: float

    @property
    def band(self) -> float:
        """How far a correct result may be from ``value``: r moves by at most noise (1 + r) / (D - noise)
        when g_approx moves by ``noise``; the reference and the student's result both do (factor 2)."""
        return band(self.value, self.noise, self.g_norm + self.approx_norm)

    def accepts(self, got: float) -> bool:
        """Same verdict band as the reference, and within its rounding band (its order of magnitude)."""
        return abs(got - self.value) <= self.band and _verdict(got) == _verdict(self.value)


def band(value: float, noise: float, denominator: float) -> float:
    """Rounding band of a relative error ``value`` whose g_approx carries ``noise`` (see :class:`Expected`)."""
    return 2 * noise * (1 + abs(value)) / max(denominator - noise, noise, 1e-300) + 16 * _U * abs(value)


def _entry_noise(j_scale, theta, approx, epsilon: float) -> np.ndarray:
    """Rounding noise of each centred difference: the cost's last bits and the rounding of theta +- eps."""
    return _NOISE_ULPS * _U * (np.abs(j_scale) + np.abs(theta) * np.abs(approx)) / epsilon


def _verdict(value: float) -> str:
    return reference_gradient_check.verdict(value) if value >= 0 else "negative"


def _name_mistake(got: float, mistakes, expected: Expected):
    """The message of the known mistake(s) whose value ``got`` matches within rounding, or ``None``.

    When several different mistakes give the same value on this case, all of them are named.
    """
    denominator = expected.g_norm + expected.approx_norm
    found = []
    for value, message in mistakes:
        if value is None or not math.isfinite(value):
            continue
        distance = abs(got - value)
        if distance <= band(value, expected.noise, denominator) + _NAME_SLACK * abs(value) and message not in (
                m for _, m in found):
            found.append((distance, message))
    if not found:
        return None
    found.sort(key=lambda pair: pair[0])
    if len(found) == 1:
        return found[0][1]
    return (f"your result matches {len(found)} known mistakes that give the same value on this case; look for "
            "each of them: " + " OR ".join(f"({i}) {message}" for i, (_, message) in enumerate(found, start=1)))


def _wrong_values(name: str, got: float, expected: Expected, case: Case, recipe: str, detail: str = "") -> CheckFailed:
    """The generic message: what was returned, what this case expects (with its verdict and rounding band)."""
    return CheckFailed(
        f"{name} returned {got:.3g} (verdict '{_verdict(got)}'), expected the relative error {expected.value:.3g} "
        f"(verdict '{_verdict(expected.value)}'; a correct result has that verdict and lies within "
        f"+-{expected.band:.1g} of it, as rounding allows) [case: {case.label}]. "
        f"For this case ||g|| = {expected.g_norm:.6g} and ||g_approx|| = {expected.approx_norm:.6g}{detail}: "
        f"print your two norms and compare. {recipe}"
    )


# ============================================================================ 1-D check


def _cube(x):
    return x**3


def _cube_prime(x):
    return 3 * x**2


def _cube_prime_wrong(x):
    return 3 * x  # the power rule forgotten: d(x^3)/dx is 3x^2


def _cube_prime_slightly_off(x):
    return 3 * x**2 + 1e-4


def _sin_prime_wrong_sign(x):
    return -np.cos(x)


def _exp_2x(x):
    return np.exp(2 * x)


def _exp_2x_prime_wrong(x):
    return np.exp(2 * x)  # the chain rule forgotten: the factor 2 is missing


def _inverse(x):
    return 1 / x


def _gradient_check_1d_cases():
    return [
        Case("f(x) = x^3, df = 3x^2 (right), x = 1.3, epsilon = 1e-3",
             {"f": _cube, "df": _cube_prime, "x": 1.3, "epsilon": 1e-3}),
        Case("f(x) = sin(x), df = cos(x) (right), x = 2.5, epsilon = 1e-2",
             {"f": np.sin, "df": np.cos, "x": 2.5, "epsilon": 1e-2}),
        Case("f(x) = x^3, df = 3x (wrong), x = -1.5, epsilon = 1e-3",
             {"f": _cube, "df": _cube_prime_wrong, "x": -1.5, "epsilon": 1e-3}),
        Case("f(x) = exp(x), df = exp(x) (right), x = 0.5, default epsilon",
             {"f": np.exp, "df": np.exp, "x": 0.5}),
    ]


def _gradient_check_1d_hidden_cases():
    return [
        Case("f(x) = log(x), df = 1/x (right), x = 3, epsilon = 1e-4",
             {"f": np.log, "df": _inverse, "x": 3.0, "epsilon": 1e-4}),
        Case("f(x) = sin(x), df = -cos(x) (wrong sign), x = 0, epsilon = 1e-7",
             {"f": np.sin, "df": _sin_prime_wrong_sign, "x": 0.0, "epsilon": 1e-7}),
        Case("f(x) = x^3, df = 3x^2 + 1e-4 (slightly off), x = 2, epsilon = 1e-3",
             {"f": _cube, "df": _cube_prime_slightly_off, "x": 2.0, "epsilon": 1e-3}),
        Case("f(x) = exp(2x), df = exp(2x) (chain rule forgotten), x = 0.3, epsilon = 1e-5",
             {"f": _exp_2x, "df": _exp_2x_prime_wrong, "x": 0.3, "epsilon": 1e-5}),
    ]


def one_d_expected(case: Case) -> Expected:
    """The reference relative error of a ``gradient_check_1d`` case and its rounding noise."""
    f, df, x = case.args["f"], case.args["df"], case.args["x"]
    e = case.args.get("epsilon", 1e-7)
    g = float(df(x))
    f_plus, f_minus = float(f(x + e)), float(f(x - e))
    approx = (f_plus - f_minus) / (2 * e)
    noise = float(_entry_noise(max(abs(f_plus), abs(f_minus)), x, approx, e))
    return Expected(_rel(abs(g - approx), abs(g) + abs(approx)), noise, abs(g), abs(approx))


def _one_d_mistakes(case: Case):
    """``(value, message)`` of every recognized wrong answer, computed from the case's f, df, x, epsilon."""
    f, df, x = case.args["f"], case.args["df"], case.args["x"]
    e = case.args.get("epsilon", 1e-7)
    g = float(df(x))
    f_plus, f_minus = float(f(x + e)), float(f(x - e))
    approx = (f_plus - f_minus) / (2 * e)

    def rel_to(other):
        return _rel(abs(g - other), abs(g) + abs(other))

    diff = abs(g - approx)
    mistakes = [
        (rel_to((f_plus - float(f(x))) / e),
         "it matches the one-sided difference (f(x + eps) - f(x)) / eps: use the two-sided (centred) difference "
         "(f(x + eps) - f(x - eps)) / (2 eps), whose error is O(eps^2) instead of O(eps)"),
        (rel_to((f_plus - f_minus) / e),
         "the factor 2 is missing in the denominator: the two points x - eps and x + eps are 2 eps apart, "
         "so g_approx = (f(x + eps) - f(x - eps)) / (2 eps)"),
        (rel_to((f_plus - f_minus) / 2 * e),
         "g_approx is multiplied by epsilon instead of divided by 2 epsilon: in Python `/ 2 * epsilon` means "
         "(... / 2) * epsilon; write `/ (2 * epsilon)`"),
        (rel_to(f_plus - f_minus / (2 * e)),
         "only f(x - eps) is divided by 2 eps: `f(x + eps) - f(x - eps) / (2 * eps)` divides before it "
         "subtracts; put the difference in parentheses: (f(x + eps) - f(x - eps)) / (2 * eps)"),
        (diff,
         "this is the absolute error |g - g_approx|; return the relative error "
         "|g - g_approx| / (|g| + |g_approx|), which does not depend on the scale of f"),
        (_rel(diff, abs(g)),
         "you divide by |g| only; the denominator is |g| + |g_approx| (the sum of both norms)"),
        (_rel(diff, abs(approx)),
         "you divide by |g_approx| only; the denominator is |g| + |g_approx| (the sum of both norms)"),
        (_rel(g - approx, abs(g) + abs(approx)),
         "the numerator must be a norm: use |g - g_approx| (np.linalg.norm or abs), the result is never negative"),
        (_rel(approx - g, abs(g) + abs(approx)),
         "the numerator must be a norm: use |g - g_approx| (np.linalg.norm or abs), the result is never negative"),
        (_rel(diff, abs(g + approx)),
         "the denominator must be |g| + |g_approx| (norms added), not |g + g_approx|"),
        (_rel(diff, g + approx),
         "the denominator must be |g| + |g_approx|: take the norms before adding"),
        (_rel(diff**2, g**2 + approx**2),
         "the norms are squared: np.linalg.norm(v) is already sqrt(sum(v**2)); without the square roots (or with "
         "`** 2`) you return |g - g_approx|^2 / (|g|^2 + |g_approx|^2)"),
    ]
    if e != 1e-7:
        mistakes.append((
            rel_to((float(f(x + 1e-7)) - float(f(x - 1e-7))) / 2e-7),
            f"the result matches epsilon = 1e-7, but this case passes epsilon = {e:g}: use the epsilon argument, "
            "not a fixed value",
        ))
    return mistakes


def _judge_gradient_check_1d(case: Case, output) -> None:
    got = _number(case, output, "gradient_check_1d's result")
    expected = one_d_expected(case)
    if expected.accepts(got):
        return
    message = _name_mistake(got, _one_d_mistakes(case), expected)
    if message:
        raise CheckFailed(f"gradient_check_1d is wrong [case: {case.label}]: {message}")
    raise _wrong_values(
        "gradient_check_1d", got, expected, case,
        "Compute g = df(x), g_approx = (f(x + eps) - f(x - eps)) / (2 eps) with this case's epsilon, and return "
        "|g - g_approx| / (|g| + |g_approx|).",
        " (here g and g_approx are single numbers)",
    )


# ============================================================================ n-D check


class NetworkCost:
    """``cost_fn(parameters) -> float``: cross-entropy (+ L2) of the reference network on fixed data.

    Used as the ``cost_fn`` argument of the ``gradient_check_nd`` cases; the matching correct ``grads``
    come from the reference ``model_backward``. Deterministic (no dropout, batch norm in train mode
    without running statistics).
    """

    def __init__(self, X, Y, activations, lambd: float = 0.0):
        self.X, self.Y, self.activations, self.lambd = X, Y, list(activations), lambd
        self.output = "softmax" if self.activations[-1] == "softmax" else "sigmoid"

    def __call__(self, parameters) -> float:
        AL, _ = reference_mlp.model_forward(self.X, parameters, self.activations)
        return compute_cost(AL, self.Y, parameters, lambd=self.lambd, output=self.output)

    def gradients(self, parameters) -> dict:
        AL, caches = reference_mlp.model_forward(self.X, parameters, self.activations)
        return reference_mlp.model_backward(AL, self.Y, caches, lambd=self.lambd)

    def __repr__(self) -> str:
        return f"NetworkCost({self.X.shape[0]} inputs, m={self.X.shape[1]}, activations={self.activations}, lambd={self.lambd})"


def _network(seed: int, dims, activations, m: int, lambd: float = 0.0, batchnorm: bool = False):
    """Random data, parameters (non-zero biases: no ReLU sits exactly on its kink) and a cost for a case."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(dims[0], m))
    if activations[-1] == "softmax":
        Y = np.eye(dims[-1])[:, rng.integers(0, dims[-1], size=m)]
    else:
        Y = (rng.random((dims[-1], m)) < 0.5).astype(np.float64)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.normal(size=(dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        if batchnorm and l < len(dims) - 1:
            parameters[f"gamma{l}"] = 1 + 0.2 * rng.normal(size=(dims[l], 1))
            parameters[f"beta{l}"] = 0.1 * rng.normal(size=(dims[l], 1))
        else:
            parameters[f"b{l}"] = 0.1 * rng.normal(size=(dims[l], 1))
    cost = NetworkCost(X, Y, activations, lambd)
    return cost, parameters


def _backward_order(grads: dict, parameters: dict) -> dict:
    """The gradients in the order a backward pass produces them: last layer first (dW3, db3, dW2, ...)."""
    names = ["d" + key for key in reversed(list(parameters))]
    return {name: grads[name] for name in names}


def _nd_case(label, seed, dims, activations, m, lambd=0.0, batchnorm=False, corrupt=None, epsilon=None):
    cost, parameters = _network(seed, dims, activations, m, lambd, batchnorm)
    grads = cost.gradients(parameters)
    if corrupt is not None:
        name, change = corrupt
        grads[name] = change(grads[name])
    args = {"cost_fn": cost, "parameters": parameters, "grads": _backward_order(grads, parameters)}
    if epsilon is not None:
        args["epsilon"] = epsilon
    return Case(label, args)


def _add_one_to_first(array):
    array = array.copy()
    array.flat[0] += 1.0
    return array


def _gradient_check_nd_cases():
    # The large-epsilon case comes first: there the truncation error is far above rounding, so every known
    # mistake (even "eps instead of 2 eps" against "no .copy()", both 1/3 at eps = 1e-7) has a value of its own.
    return [
        _nd_case("[3, 4, 1] tanh network, correct grads, epsilon = 1e-2 (a theta that is not restored after "
                 "each perturbation drifts away here)", 4, [3, 4, 1], ["tanh", "sigmoid"], 5, epsilon=1e-2),
        _nd_case("[3, 4, 1] tanh network, correct grads, default epsilon", 1, [3, 4, 1], ["tanh", "sigmoid"], 6),
        _nd_case("[2, 5, 3, 2] relu network with a softmax output, correct grads, epsilon = 1e-7",
                 2, [2, 5, 3, 2], ["relu", "relu", "softmax"], 7, epsilon=1e-7),
        _nd_case("[3, 4, 1] tanh network, grads with a bug (dW1[0, 0] off by 1), epsilon = 1e-7",
                 3, [3, 4, 1], ["tanh", "sigmoid"], 6, corrupt=("dW1", _add_one_to_first), epsilon=1e-7),
    ]


def _gradient_check_nd_hidden_cases():
    return [
        _nd_case("[3, 4, 2] network with batch norm (W1, gamma1, beta1, W2, b2), correct grads",
                 5, [3, 4, 2], ["relu", "softmax"], 8, batchnorm=True, epsilon=1e-7),
        _nd_case("[4, 3, 3, 1] tanh network, cost with L2 (lambd = 0.7), correct grads",
                 6, [4, 3, 3, 1], ["tanh", "tanh", "sigmoid"], 5, lambd=0.7, epsilon=1e-7),
        _nd_case("[4, 3, 1] network, one example, grads with db2 of the wrong sign",
                 7, [4, 3, 1], ["tanh", "sigmoid"], 1, corrupt=("db2", lambda g: -g), epsilon=1e-7),
        _nd_case("[2, 6, 1] tanh network, correct grads, epsilon = 1e-3", 8, [2, 6, 1], ["tanh", "sigmoid"], 9,
                 epsilon=1e-3),
    ]


def _flat(arrays: dict, keys) -> np.ndarray:
    return np.concatenate([np.asarray(arrays[k], dtype=np.float64).ravel() for k in keys])


def _unflatten(theta: np.ndarray, parameters: dict, keys) -> dict:
    out, offset = {}, 0
    for key in keys:
        shape = np.shape(parameters[key])
        size = int(np.prod(shape))
        out[key] = theta[offset : offset + size].reshape(shape)
        offset += size
    return out


def _scan(cost_fn, parameters: dict, keys, epsilon: float, variant: str = "centred"):
    """``(J_plus, J_minus)`` per entry of theta (order ``keys``), computed the plain way or a known wrong way.

    ``centred``: copies of theta perturbed by +-eps. ``one_sided``: J_minus is J(theta). ``drift``: theta
    perturbed in place by +eps, then -2 eps, never restored. ``half``: theta_plus and theta_minus are the same
    array as theta (no copy): +eps then -eps, so J_minus is evaluated at theta.
    """
    theta = _flat(parameters, keys)
    J = lambda vector: float(cost_fn(_unflatten(vector, parameters, keys)))  # noqa: E731
    j_plus, j_minus = np.empty_like(theta), np.empty_like(theta)
    j0 = J(theta) if variant == "one_sided" else None
    for i in range(theta.size):
        if variant in ("centred", "one_sided"):
            plus = theta.copy()
            plus[i] += epsilon
            j_plus[i] = J(plus)
            if variant == "one_sided":
                j_minus[i] = j0
                continue
            minus = theta.copy()
            minus[i] -= epsilon
            j_minus[i] = J(minus)
        elif variant in ("drift", "half"):
            theta[i] += epsilon
            j_plus[i] = J(theta)
            theta[i] -= 2 * epsilon if variant == "drift" else epsilon
            j_minus[i] = J(theta)
        else:
            raise ValueError(f"variant must be centred, one_sided, drift or half, got {variant!r}")
    return j_plus, j_minus


def _rel_vectors(g: np.ndarray, approx: np.ndarray) -> float:
    return _rel(np.linalg.norm(g - approx), np.linalg.norm(g) + np.linalg.norm(approx))


def _analytic(case: Case, keys) -> np.ndarray:
    return _flat({k: case.args["grads"]["d" + k] for k in keys}, keys)


def nd_expected(case: Case) -> Expected:
    """The reference relative error of a ``gradient_check_nd`` case and its rounding noise."""
    cost_fn, parameters = case.args["cost_fn"], case.args["parameters"]
    epsilon = case.args.get("epsilon", 1e-7)
    keys = list(parameters)
    j_plus, j_minus = _scan(cost_fn, parameters, keys, epsilon)
    approx = (j_plus - j_minus) / (2 * epsilon)
    g = _analytic(case, keys)
    noise = _entry_noise(np.maximum(np.abs(j_plus), np.abs(j_minus)), _flat(parameters, keys), approx, epsilon)
    return Expected(_rel_vectors(g, approx), float(np.linalg.norm(noise)), float(np.linalg.norm(g)),
                    float(np.linalg.norm(approx)))


def _key_orders(parameters: dict, grads: dict) -> list:
    """Orders in which a student may list the parameters (insertion, sorted, the grads dict's order...)."""
    candidates = [
        list(parameters),
        sorted(parameters),
        [name[1:] for name in grads if name[1:] in parameters],
        [name[1:] for name in sorted(grads) if name[1:] in parameters],
        list(reversed(list(parameters))),
    ]
    orders = []
    for order in candidates:
        if len(order) == len(parameters) and order not in orders:
            orders.append(order)
    return orders


_ND_ORDER_MESSAGE = (
    "your numerical and analytic vectors are in different orders: entry i of one vector is not the same "
    "parameter entry as entry i of the other. Build both from the same list of names, e.g. "
    "`for key in parameters: ... grads['d' + key]` (the grads dict lists its keys in another order)"
)


def _nd_mistakes(case: Case):
    """``(value, message)`` of every recognized wrong answer (a generator: computed only on a failure)."""
    cost_fn, parameters, grads = case.args["cost_fn"], case.args["parameters"], case.args["grads"]
    epsilon = case.args.get("epsilon", 1e-7)
    keys = list(parameters)
    g = _analytic(case, keys)
    j_plus, j_minus = _scan(cost_fn, parameters, keys, epsilon)
    numeric = (j_plus - j_minus) / (2 * epsilon)
    yield (
        _rel_vectors(g, numeric * 2),
        "the factor 2 is missing in the denominator: theta - eps and theta + eps are 2 eps apart, so "
        "dtheta_approx[i] = (J(theta_plus) - J(theta_minus)) / (2 * epsilon); yours is twice the slope",
    )
    yield (
        _rel_vectors(g, (j_plus - j_minus) / 2 * epsilon),
        "dtheta_approx is multiplied by epsilon instead of divided by 2 epsilon: in Python `/ 2 * epsilon` means "
        "(... / 2) * epsilon; write `/ (2 * epsilon)`",
    )
    yield (
        _rel_vectors(g, j_plus - j_minus / (2 * epsilon)),
        "only J(theta_minus) is divided by 2 eps: `J_plus - J_minus / (2 * epsilon)` divides before it "
        "subtracts; put the difference in parentheses: (J_plus - J_minus) / (2 * epsilon)",
    )
    one_plus, one_minus = _scan(cost_fn, parameters, keys, epsilon, "one_sided")
    yield (
        _rel_vectors(g, (one_plus - one_minus) / epsilon),
        "it matches the one-sided difference (J(theta + eps e_i) - J(theta)) / eps: use the two-sided difference "
        "(J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)",
    )
    if epsilon != 1e-7:
        fixed_plus, fixed_minus = _scan(cost_fn, parameters, keys, 1e-7)
        yield (
            _rel_vectors(g, (fixed_plus - fixed_minus) / 2e-7),
            f"the result matches epsilon = 1e-7, but this case passes epsilon = {epsilon:g}: use the epsilon "
            "argument, not a fixed value",
        )
    for order in _key_orders(parameters, grads):
        order_g = _analytic(case, order)
        for variant, message in (
            ("drift", "theta drifts: after perturbing theta[i] in place (+eps, then -2 eps) you never put it back, "
                      "so the cost of every later entry is evaluated at the wrong point. Perturb a copy "
                      "(theta_plus = theta.copy()) or restore theta[i] after the two evaluations"),
            ("half", "theta_plus and theta_minus are the same array as theta (no .copy()): theta[i] += eps then "
                     "theta[i] -= eps undoes the first change, so J(theta_minus) is evaluated at theta itself"),
        ):
            plus, minus = _scan(cost_fn, parameters, order, epsilon, variant)
            yield _rel_vectors(order_g, (plus - minus) / (2 * epsilon)), message
    diff = float(np.linalg.norm(g - numeric))
    yield (
        diff,
        "this is the absolute error ||g - g_approx||; return the relative error "
        "||g - g_approx|| / (||g|| + ||g_approx||)",
    )
    yield (
        _rel(diff, np.linalg.norm(g)),
        "you divide by ||g|| only; the denominator is ||g|| + ||g_approx|| (the sum of both norms)",
    )
    yield (
        _rel(diff, np.linalg.norm(numeric)),
        "you divide by ||g_approx|| only; the denominator is ||g|| + ||g_approx|| (the sum of both norms)",
    )
    yield (
        _rel(diff**2, np.linalg.norm(g) ** 2 + np.linalg.norm(numeric) ** 2),
        "the norms are squared: np.linalg.norm(v) is already sqrt(sum(v**2)); without the square roots (or with "
        "`** 2`) you return ||g - g_approx||^2 / (||g||^2 + ||g_approx||^2)",
    )
    numeric_by_key = _unflatten(numeric, parameters, keys)
    for numeric_order in _key_orders(parameters, grads):
        for analytic_order in _key_orders(parameters, grads):
            if numeric_order != analytic_order:
                yield (
                    _rel_vectors(_analytic(case, analytic_order), _flat(numeric_by_key, numeric_order)),
                    _ND_ORDER_MESSAGE,
                )


def _nd_detail(case: Case) -> str:
    """Where this case's gradients differ most (entry name, analytic vs numerical), for the generic message."""
    cost_fn, parameters = case.args["cost_fn"], case.args["parameters"]
    epsilon = case.args.get("epsilon", 1e-7)
    keys = list(parameters)
    j_plus, j_minus = _scan(cost_fn, parameters, keys, epsilon)
    numeric, g = (j_plus - j_minus) / (2 * epsilon), _analytic(case, keys)
    worst = int(np.argmax(np.abs(g - numeric)))
    offset = 0
    for key in keys:
        size = int(np.size(parameters[key]))
        if worst < offset + size:
            index = np.unravel_index(worst - offset, np.shape(parameters[key]))
            entry = f"d{key}[{', '.join(str(int(i)) for i in index)}]"
            break
        offset += size
    return (f" (theta in the order of parameters: {', '.join(keys)}; the entries differ most at {entry}: "
            f"analytic {g[worst]:.6g}, numerical {numeric[worst]:.6g})")


def _judge_gradient_check_nd(case: Case, output) -> None:
    got = _number(case, output, "gradient_check_nd's result")
    expected = nd_expected(case)
    if expected.accepts(got):
        return
    if abs(got - 1.0) < 1e-6 and expected.value < 0.5:
        raise CheckFailed(
            f"gradient_check_nd is wrong [case: {case.label}]: a relative error of (almost) exactly 1 means your "
            "numerical gradient is all zeros, or nearly. Usual causes: J(theta_plus) == J(theta_minus) because "
            "theta_plus and theta_minus are the same array as theta (no .copy()), both evaluated after the two "
            "changes cancelled out; cost_fn is given the original parameters instead of the perturbed theta "
            "(rebuilt as a dict); or the division `/ 2 * epsilon`, which means (... / 2) * epsilon and multiplies "
            "by epsilon: write `/ (2 * epsilon)`"
        )
    if got < 0:
        raise CheckFailed(
            f"gradient_check_nd returned {got:.3g} [case: {case.label}]: a relative error is never negative; "
            "use norms: ||g - g_approx|| / (||g|| + ||g_approx||)"
        )
    message = _name_mistake(got, _nd_mistakes(case), expected)
    if message:
        raise CheckFailed(f"gradient_check_nd is wrong [case: {case.label}]: {message}")
    raise _wrong_values(
        "gradient_check_nd", got, expected, case,
        "Flatten every parameter into theta, compute the two-sided difference of cost_fn for every entry with "
        "this case's epsilon, flatten grads ('d' + name) in the same order and return "
        "||g - g_approx|| / (||g|| + ||g_approx||).",
        _nd_detail(case),
    )


# ============================================================================ fixing a backward pass

FIXED_BACKWARD_ACTIVATIONS = ["relu", "relu", "sigmoid"]


def three_layer_problem(seed: int, dims=(4, 5, 5, 1), m: int = 8):
    """``(X, Y, parameters)`` for the notebook's three-layer ReLU network (biases non-zero: no exact kinks)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(dims[0], m))
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.normal(size=(dims[l], dims[l - 1])) * np.sqrt(2.0 / dims[l - 1])
        parameters[f"b{l}"] = 0.1 * rng.normal(size=(dims[l], 1))
    return X, Y, parameters


def _fixed_backward_case(label, seed, dims=(4, 5, 5, 1), m=8):
    X, Y, parameters = three_layer_problem(seed, dims, m)
    return Case(label, {"X": X, "Y": Y, "parameters": parameters})


def _fixed_backward_cases():
    return [
        _fixed_backward_case("the notebook's network [4, 5, 5, 1], m = 8", 0),
        _fixed_backward_case("[4, 5, 5, 1], other parameters, m = 20", 11, m=20),
    ]


def _fixed_backward_hidden_cases():
    return [
        _fixed_backward_case("[4, 5, 5, 1], one example (m = 1)", 12, m=1),
        _fixed_backward_case("[3, 6, 4, 1] (W2 is not square), m = 10", 13, dims=(3, 6, 4, 1), m=10),
    ]


def _reference_three_layer(case: Case):
    X, Y, parameters = case.args["X"], case.args["Y"], case.args["parameters"]
    AL, caches = reference_mlp.model_forward(X, parameters, FIXED_BACKWARD_ACTIVATIONS)
    grads = reference_mlp.model_backward(AL, Y, caches)

    def cost_fn(p):
        return compute_cost(reference_mlp.model_forward(X, p, FIXED_BACKWARD_ACTIVATIONS)[0], Y)

    return cost_fn, grads, (AL, caches)


def _planted_bug_hints(case: Case, output: dict, grads: dict, forward) -> list:
    """Name the notebook's planted bugs that are still in the student's gradients."""
    m = case.args["X"].shape[1]
    AL, caches = forward
    hints = []
    dW3_with_Z2 = (AL - case.args["Y"]) @ caches[1]["activation_input"].T / m
    candidates = {
        "dW3": [(dW3_with_Z2, "dW3 is still computed from Z2 (before the ReLU): the input of layer 3 is A2")],
        "dW2": [(grads["dW2"].T, "dW2 is still transposed: dW2 = dZ2 A1^T / m has the shape of W2 (n2, n1); "
                                 "the square W2 hid the mistake from the shapes")],
        "db1": [(m * grads["db1"], "db1 is still missing the 1/m: db1 = (1/m) sum(dZ1, axis=1)")],
    }
    W2 = case.args["parameters"]["W2"]
    if W2.shape[0] == W2.shape[1]:
        dZ2 = (case.args["parameters"]["W3"].T @ (AL - case.args["Y"])) * (caches[1]["activation_input"] > 0)
        dZ1 = (W2 @ dZ2) * (caches[0]["activation_input"] > 0)
        message = ("dA1 is computed with W2 instead of W2^T: dA1 = W2^T dZ2 (the square W2 hid the mistake "
                   "from the shapes)")
        candidates.setdefault("dW1", []).append((dZ1 @ case.args["X"].T / m, message))
        candidates.setdefault("db1", []).append((np.sum(dZ1, axis=1, keepdims=True) / m, message))
    for name, expected in grads.items():
        if m > 1 and name != "db1":  # db1's m times is the planted bug, named above
            candidates.setdefault(name, []).append(
                (m * expected, f"{name} is m = {m} times too large: it is missing the 1/m"))
    if all(np.allclose(np.asarray(output[name], dtype=np.float64), -expected, rtol=1e-6, atol=1e-10)
           for name, expected in grads.items()):
        return ["every gradient has the wrong sign: dZ3 = A3 - Y (the derivative of the cost with respect to "
                "Z3), not Y - A3; the sign then flows into every other gradient"]
    for name, wrongs in candidates.items():
        got = np.asarray(output[name], dtype=np.float64)
        for wrong, message in wrongs:
            if wrong.shape == got.shape and np.allclose(got, wrong, rtol=1e-6, atol=1e-10) and message not in hints:
                hints.append(message)
                break
    return hints


def _shape_hint(name: str, got: tuple, expected: tuple, m: int) -> str:
    """Why a gradient has the wrong shape, when we can tell."""
    if got == expected[::-1]:
        return " (it looks transposed)"
    if name.startswith("db") and got == expected[:1]:
        return ": np.sum drops the summed axis; keep it with np.sum(dZ, axis=1, keepdims=True)"
    if name.startswith("db") and got in ((1, m), (m,)):
        return (": it sums over the units (axis=0); db sums over the examples: "
                "db = (1/m) np.sum(dZ, axis=1, keepdims=True)")
    return ""


def _judge_fixed_backward(case: Case, output) -> None:
    cost_fn, grads, forward = _reference_three_layer(case)
    output = expect_dict(case, output, grads.keys(), "fixed_backward")
    for name, expected in grads.items():
        got = output[name]
        if got is None or isinstance(got, (list, dict, str)):
            raise CheckFailed(f"grads['{name}'] should be a numpy array of shape {expected.shape}, "
                              f"got {type(got).__name__} [case: {case.label}]")
        got = np.asarray(got)
        if got.shape != expected.shape:
            hint = _shape_hint(name, got.shape, expected.shape, case.args["X"].shape[1])
            raise CheckFailed(f"grads['{name}'] has shape {got.shape}, expected {expected.shape}{hint} "
                              f"[case: {case.label}]")
        if np.isnan(got.astype(np.float64)).any():
            raise CheckFailed(f"grads['{name}'] contains NaN [case: {case.label}]")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", reference_gradient_check.GradCheckWarning)
        report = reference_gradient_check.gradient_check(cost_fn, case.args["parameters"], output)
    wrong = [check for check in report.parameters.values() if check.verdict != "fine"]
    if wrong:
        found = ", ".join(
            f"{check.name} relative error {check.relative_error:.1e} ({check.verdict}; worst entry "
            f"{check.name}{list(check.worst[0].index)}: yours {check.worst[0].analytic:.6g}, numerical "
            f"{check.worst[0].numeric:.6g})" for check in wrong)
        hints = _planted_bug_hints(case, output, grads, forward)
        raise CheckFailed(
            f"fixed_backward: the gradient check against the cost finds {found} [case: {case.label}]"
            + ("".join(f"\n  - {hint}" for hint in hints) if hints else
               "\n  Compare those lines of your backward pass with the formulas dW = (1/m) dZ A_prev^T, "
               "db = (1/m) sum(dZ, axis=1), dA_prev = W^T dZ, dZ = dA * (Z > 0).")
        )
    for name, expected in grads.items():
        got = np.asarray(output[name], dtype=np.float64)
        # Both are analytic gradients: they differ only by rounding (~1e-15 relative); a bug is far above 1e-5.
        if not np.allclose(got, expected, rtol=1e-5, atol=1e-9):
            worst = np.unravel_index(int(np.argmax(np.abs(got - expected))), got.shape)
            raise CheckFailed(
                f"grads['{name}'] differs from the reference backward pass by up to "
                f"{float(np.max(np.abs(got - expected))):.3g} at {name}{list(map(int, worst))} (yours "
                f"{got[worst]:.6g}, expected {expected[worst]:.6g}) [case: {case.label}]: a difference too small "
                "for the gradient check to call it a bug; look at that entry's formula"
            )


EXERCISES = exercise_table(
    Exercise(
        name="gradient_check_1d",
        visible_cases=_gradient_check_1d_cases,
        hidden_cases=_gradient_check_1d_hidden_cases,
        judge=_judge_gradient_check_1d,
        forbidden=(reference_gradient_check,),
    ),
    Exercise(
        name="gradient_check_nd",
        visible_cases=_gradient_check_nd_cases,
        hidden_cases=_gradient_check_nd_hidden_cases,
        judge=_judge_gradient_check_nd,
        forbidden=(reference_gradient_check,),
    ),
    Exercise(
        name="fixed_backward",
        visible_cases=_fixed_backward_cases,
        hidden_cases=_fixed_backward_hidden_cases,
        judge=_judge_fixed_backward,
        forbidden=(reference_gradient_check, reference_mlp),
    ),
)
