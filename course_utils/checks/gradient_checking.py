"""Checks for the week 1 gradient checking notebook.

Three exercises:

* ``gradient_check_1d(f, df, x, epsilon)``: relative error between a derivative and its centred difference;
* ``gradient_check_nd(cost_fn, parameters, grads, epsilon)``: the same over every parameter entry of a
  network, flattened into one vector;
* ``fixed_backward(X, Y, parameters)``: the notebook's three-layer backward pass with its planted bugs
  fixed, judged by the reference gradient-check harness so that the message names the wrong parameter.
"""

from __future__ import annotations

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


def _rel(diff: float, denominator: float) -> float:
    """``diff / denominator`` with ``0/0 = 0``."""
    return 0.0 if denominator == 0 else float(diff / denominator)


def _number(case: Case, output, what: str) -> float:
    """The output as a float, with teaching messages for None, arrays of several numbers and NaN."""
    if output is None:
        raise CheckFailed(f"{what} is None [case: {case.label}]: did you forget a `return`?")
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


def _close(got: float, expected: float, rtol: float, atol: float) -> bool:
    return abs(got - expected) <= atol + rtol * abs(expected)


def _first_mistake(got: float, mistakes, rtol: float, atol: float):
    """The message of the known mistake whose value is closest to ``got`` (within tolerance), or ``None``."""
    best, best_distance = None, math.inf
    for value, message in mistakes:
        if value is not None and math.isfinite(value) and _close(got, value, rtol, atol):
            distance = abs(got - value) / max(abs(value), atol)
            if distance < best_distance:
                best, best_distance = message, distance
    return best


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


_ONE_D_TOLERANCE = {"precise": (1e-5, 1e-13), "round-off": (1e-2, 1e-13)}


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


def _one_d_values(case: Case):
    """The right answer and every recognized wrong one, computed from the case's f, df, x, epsilon."""
    f, df, x = case.args["f"], case.args["df"], case.args["x"]
    e = case.args.get("epsilon", 1e-7)
    g = float(df(x))
    approx = (float(f(x + e)) - float(f(x - e))) / (2 * e)
    one_sided = (float(f(x + e)) - float(f(x))) / e
    no_two = (float(f(x + e)) - float(f(x - e))) / e
    times_eps = (float(f(x + e)) - float(f(x - e))) / 2 * e  # `/ 2 * e` multiplies by e
    diff = abs(g - approx)
    right = _rel(diff, abs(g) + abs(approx))
    mistakes = [
        (_rel(abs(g - one_sided), abs(g) + abs(one_sided)),
         "it matches the one-sided difference (f(x + eps) - f(x)) / eps: use the two-sided (centred) difference "
         "(f(x + eps) - f(x - eps)) / (2 eps), whose error is O(eps^2) instead of O(eps)"),
        (_rel(abs(g - no_two), abs(g) + abs(no_two)),
         "the factor 2 is missing in the denominator: the two points x - eps and x + eps are 2 eps apart, "
         "so g_approx = (f(x + eps) - f(x - eps)) / (2 eps)"),
        (_rel(abs(g - times_eps), abs(g) + abs(times_eps)),
         "g_approx is multiplied by epsilon instead of divided by 2 epsilon: in Python `/ 2 * epsilon` means "
         "(... / 2) * epsilon; write `/ (2 * epsilon)`"),
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
    ]
    if e != 1e-7:
        fixed = (float(f(x + 1e-7)) - float(f(x - 1e-7))) / 2e-7
        mistakes.append((
            _rel(abs(g - fixed), abs(g) + abs(fixed)),
            f"the result matches epsilon = 1e-7, but this case passes epsilon = {e:g}: use the epsilon argument, "
            "not a fixed value",
        ))
    return right, mistakes, ("precise" if e >= 1e-5 else "round-off")


def _judge_gradient_check_1d(case: Case, output) -> None:
    got = _number(case, output, "gradient_check_1d's result")
    right, mistakes, regime = _one_d_values(case)
    rtol, atol = _ONE_D_TOLERANCE[regime]
    if _close(got, right, rtol, atol):
        return
    message = _first_mistake(got, mistakes, rtol, atol)
    if message:
        raise CheckFailed(f"gradient_check_1d is wrong [case: {case.label}]: {message}")
    raise CheckFailed(
        f"gradient_check_1d returned {got:.6g}, expected the relative error {right:.6g} [case: {case.label}]: "
        "compute g = df(x), g_approx = (f(x + eps) - f(x - eps)) / (2 eps) and "
        "|g - g_approx| / (|g| + |g_approx|)"
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
    return [
        _nd_case("[3, 4, 1] tanh network, correct grads, default epsilon", 1, [3, 4, 1], ["tanh", "sigmoid"], 6),
        _nd_case("[2, 5, 3, 2] relu network with a softmax output, correct grads, epsilon = 1e-7",
                 2, [2, 5, 3, 2], ["relu", "relu", "softmax"], 7, epsilon=1e-7),
        _nd_case("[3, 4, 1] tanh network, grads with a bug (dW1[0, 0] off by 1), epsilon = 1e-7",
                 3, [3, 4, 1], ["tanh", "sigmoid"], 6, corrupt=("dW1", _add_one_to_first), epsilon=1e-7),
        _nd_case("[3, 4, 1] tanh network, correct grads, epsilon = 1e-2 (a theta that is not restored after "
                 "each perturbation drifts away here)", 4, [3, 4, 1], ["tanh", "sigmoid"], 5, epsilon=1e-2),
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


def _textbook_numeric(cost_fn, parameters: dict, keys, epsilon: float, variant: str = "centred") -> np.ndarray:
    """The numerical gradient vector in the order ``keys``, computed the plain way (or a known wrong way).

    ``centred``: copies of theta perturbed by +-eps. ``one_sided``: (J(theta + eps e_i) - J(theta)) / eps.
    ``drift``: theta perturbed in place by +eps, then -2 eps, never restored. ``half``: theta_plus and
    theta_minus are the same array as theta (no copy), evaluated one after the other.
    """
    theta = _flat(parameters, keys)
    J = lambda vector: float(cost_fn(_unflatten(vector, parameters, keys)))  # noqa: E731
    approx = np.empty_like(theta)
    j0 = J(theta) if variant == "one_sided" else None
    for i in range(theta.size):
        if variant in ("centred", "one_sided"):
            plus = theta.copy()
            plus[i] += epsilon
            if variant == "one_sided":
                approx[i] = (J(plus) - j0) / epsilon
                continue
            minus = theta.copy()
            minus[i] -= epsilon
            approx[i] = (J(plus) - J(minus)) / (2 * epsilon)
        elif variant == "drift":
            theta[i] += epsilon
            j_plus = J(theta)
            theta[i] -= 2 * epsilon
            approx[i] = (j_plus - J(theta)) / (2 * epsilon)
        elif variant == "half":
            theta[i] += epsilon
            j_plus = J(theta)
            theta[i] -= epsilon
            approx[i] = (j_plus - J(theta)) / (2 * epsilon)
        else:
            raise ValueError(f"variant must be centred, one_sided, drift or half, got {variant!r}")
    return approx


def _rel_vectors(g: np.ndarray, approx: np.ndarray) -> float:
    return _rel(np.linalg.norm(g - approx), np.linalg.norm(g) + np.linalg.norm(approx))


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
    cost_fn, parameters, grads = case.args["cost_fn"], case.args["parameters"], case.args["grads"]
    epsilon = case.args.get("epsilon", 1e-7)
    keys = list(parameters)
    g = _flat({k: grads["d" + k] for k in keys}, keys)
    yield (
        _rel_vectors(g, _textbook_numeric(cost_fn, parameters, keys, epsilon, "one_sided")),
        "it matches the one-sided difference (J(theta + eps e_i) - J(theta)) / eps: use the two-sided difference "
        "(J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)",
    )
    for order in _key_orders(parameters, grads):
        order_g = _flat({k: grads["d" + k] for k in order}, order)
        for variant, message in (
            ("drift", "theta drifts: after perturbing theta[i] in place (+eps, then -2 eps) you never put it back, "
                      "so the cost of every later entry is evaluated at the wrong point. Perturb a copy "
                      "(theta_plus = theta.copy()) or restore theta[i] after the two evaluations"),
            ("half", "theta_plus and theta_minus are the same array as theta (no .copy()): theta[i] += eps then "
                     "theta[i] -= eps undoes the first change, so J(theta_minus) is evaluated at theta itself"),
        ):
            yield _rel_vectors(order_g, _textbook_numeric(cost_fn, parameters, order, epsilon, variant)), message
    numeric = _textbook_numeric(cost_fn, parameters, keys, epsilon)
    yield (
        float(np.linalg.norm(g - numeric)),
        "this is the absolute error ||g - g_approx||; return the relative error "
        "||g - g_approx|| / (||g|| + ||g_approx||)",
    )
    yield (
        _rel(np.linalg.norm(g - numeric), np.linalg.norm(g)),
        "you divide by ||g|| only; the denominator is ||g|| + ||g_approx|| (the sum of both norms)",
    )
    numeric_by_key = _unflatten(numeric, parameters, keys)
    for numeric_order in _key_orders(parameters, grads):
        for analytic_order in _key_orders(parameters, grads):
            if numeric_order != analytic_order:
                yield (
                    _rel_vectors(_flat({k: grads["d" + k] for k in analytic_order}, analytic_order),
                                 _flat(numeric_by_key, numeric_order)),
                    _ND_ORDER_MESSAGE,
                )


def _judge_gradient_check_nd(case: Case, output) -> None:
    got = _number(case, output, "gradient_check_nd's result")
    cost_fn, parameters, grads = case.args["cost_fn"], case.args["parameters"], case.args["grads"]
    epsilon = case.args.get("epsilon", 1e-7)
    keys = list(parameters)
    right = _rel_vectors(_flat({k: grads["d" + k] for k in keys}, keys),
                         _textbook_numeric(cost_fn, parameters, keys, epsilon))
    # With epsilon ~ 1e-7 the result of a correct check is mostly rounding noise: accept 1% either way.
    rtol, atol = (1e-5, 1e-13) if epsilon >= 1e-5 else (1e-2, 1e-12)
    if _close(got, right, rtol, atol):
        return
    if abs(got - 1.0) < 1e-9 and right < 0.5:
        raise CheckFailed(
            f"gradient_check_nd is wrong [case: {case.label}]: a relative error of (almost) exactly 1 means your "
            "numerical gradient is all zeros, or nearly. Two usual causes: J(theta_plus) == J(theta_minus) because "
            "theta_plus and theta_minus are the same array as theta (no .copy()), both evaluated after the two "
            "changes cancelled out; or the division `/ 2 * epsilon`, which means (... / 2) * epsilon and multiplies "
            "by epsilon: write `/ (2 * epsilon)`"
        )
    if got < 0:
        raise CheckFailed(
            f"gradient_check_nd returned {got:.3g} [case: {case.label}]: a relative error is never negative; "
            "use norms: ||g - g_approx|| / (||g|| + ||g_approx||)"
        )
    message = _first_mistake(got, _nd_mistakes(case), rtol, atol)
    if message:
        raise CheckFailed(f"gradient_check_nd is wrong [case: {case.label}]: {message}")
    raise CheckFailed(
        f"gradient_check_nd returned {got:.6g}, expected the relative error {right:.6g} [case: {case.label}]: "
        "flatten every parameter into theta, compute the two-sided difference of cost_fn for every entry, "
        "flatten grads ('d' + name) in the same order and return ||g - g_approx|| / (||g|| + ||g_approx||)"
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
    for name, wrongs in candidates.items():
        got = np.asarray(output[name], dtype=np.float64)
        for wrong, message in wrongs:
            if wrong.shape == got.shape and np.allclose(got, wrong, rtol=1e-6, atol=1e-10) and message not in hints:
                hints.append(message)
                break
    return hints


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
            hint = " (it looks transposed)" if got.shape == expected.shape[::-1] else ""
            raise CheckFailed(f"grads['{name}'] has shape {got.shape}, expected {expected.shape}{hint} "
                              f"[case: {case.label}]")
        if np.isnan(got.astype(np.float64)).any():
            raise CheckFailed(f"grads['{name}'] contains NaN [case: {case.label}]")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", reference_gradient_check.GradCheckWarning)
        report = reference_gradient_check.gradient_check(cost_fn, case.args["parameters"], output)
    wrong = [check for check in report.parameters.values() if check.verdict != "fine"]
    if wrong:
        found = ", ".join(f"{check.name} relative error {check.relative_error:.1e} ({check.verdict})" for check in wrong)
        hints = _planted_bug_hints(case, output, grads, forward)
        raise CheckFailed(
            f"fixed_backward: the gradient check against the cost finds {found} [case: {case.label}]"
            + ("".join(f"\n  - {hint}" for hint in hints) if hints else
               "\n  Compare those lines of your backward pass with the formulas dW = (1/m) dZ A_prev^T, "
               "db = (1/m) sum(dZ, axis=1), dA_prev = W^T dZ, dZ = dA * (Z > 0).")
        )
    for name, expected in grads.items():
        got = np.asarray(output[name], dtype=np.float64)
        if not np.allclose(got, expected, rtol=1e-5, atol=1e-9):
            raise CheckFailed(
                f"grads['{name}'] differs from the reference backward pass by up to "
                f"{float(np.max(np.abs(got - expected))):.3g} [case: {case.label}]"
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
