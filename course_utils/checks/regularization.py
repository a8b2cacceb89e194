"""Checks for the week 1 regularization notebook: the L2 cost and gradient, inverted dropout forward and backward.

Exercises: ``compute_cost_with_l2``, ``backward_with_l2`` (a two-layer tanh/sigmoid network, also run
through the gradient-check harness), ``dropout_forward`` and ``dropout_backward``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from course_utils import costs as reference_costs
from course_utils import dropout as reference_dropout
from course_utils import layers as reference_layers
from course_utils import mlp as reference_mlp
from course_utils.checks.framework import (
    CheckFailed,
    Case,
    Exercise,
    Seed,
    expect_array,
    expect_number,
    unpack,
    exercise_table,
    hinted,
    judge_seed_cases,
    seed_cases,
)
from course_utils.gradient_check import gradient_check


def _wrong_values(failure: CheckFailed) -> bool:
    """True when ``expect_array`` failed on the values alone (type/shape/NaN were fine, no known mistake matched)."""
    return " has wrong values " in str(failure)


def _parameters(layer_dims, seed: int) -> dict:
    """Fixed weights and (non-zero) biases for a case: ``W{l}`` ``(n[l], n[l-1])``, ``b{l}`` ``(n[l], 1)``."""
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters[f"W{l}"] = rng.normal(0.0, 0.8, (layer_dims[l], layer_dims[l - 1]))
        parameters[f"b{l}"] = rng.normal(0.0, 0.5, (layer_dims[l], 1))
    return parameters


def _weights(parameters) -> list:
    return [parameters[f"W{l}"] for l in range(1, len(parameters) // 2 + 1)]


# ------------------------------------------------------------------------------------------ compute_cost_with_l2


def _cost_case(label: str, layer_dims, m: int, lambd: float, seed: int) -> Case:
    rng = np.random.default_rng(seed + 100)
    AL = rng.uniform(0.05, 0.95, (1, m))
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    Y[0, 0] = 1.0  # at least one example of each class when m > 1
    if m > 1:
        Y[0, -1] = 0.0
    return Case(label, {"AL": AL, "Y": Y, "parameters": _parameters(layer_dims, seed), "lambd": lambd})


def _compute_cost_cases():
    return [
        _cost_case("3 layers [3, 4, 2, 1], m=5, lambd=0.7", [3, 4, 2, 1], 5, 0.7, 1),
        _cost_case("lambd=0: only the cross-entropy", [3, 4, 2, 1], 5, 0.0, 2),
        _cost_case("one example (m=1), 2 layers, lambd=0.3", [2, 3, 1], 1, 0.3, 3),
    ]


def _compute_cost_hidden_cases():
    return [
        _cost_case("2 layers [4, 6, 1], m=8, lambd=2.5", [4, 6, 1], 8, 2.5, 4),
        _cost_case("4 layers [2, 5, 4, 3, 1], m=3, lambd=0.05", [2, 5, 4, 3, 1], 3, 0.05, 5),
    ]


def _judge_compute_cost(case: Case, output) -> None:
    AL, Y, parameters, lambd = (case.args[k] for k in ("AL", "Y", "parameters", "lambd"))
    m = AL.shape[1]
    cross_entropy = float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)
    weights = _weights(parameters)
    biases = [parameters[f"b{l}"] for l in range(1, len(weights) + 1)]
    squares = sum(float(np.sum(W**2)) for W in weights)
    l2 = lambd / (2 * m) * squares
    mistakes = [
        (cross_entropy + lambd / m * squares, "the L2 term uses lambd/m; the cost has lambd/(2m) * sum ||W||_F^2 "
         "(the 1/2 is there so that the gradient comes out as lambd/m * W)"),
        (cross_entropy + lambd / (2 * m) * (squares + sum(float(np.sum(b**2)) for b in biases)),
         "the biases are included in the L2 term: only the weight matrices W1..WL are penalized, not b1..bL"),
        (cross_entropy + lambd / (2 * m) * float(np.sum(weights[-1] ** 2)),
         f"only the last weight matrix W{len(weights)} is penalized: sum ||W||_F^2 over every layer W1..W{len(weights)}"),
        (cross_entropy + lambd / (2 * m) * float(np.sum(weights[0] ** 2)),
         f"only W1 is penalized: sum ||W||_F^2 over every layer W1..W{len(weights)}"),
        (cross_entropy + lambd / (2 * m) * sum(float(np.sum(W)) for W in weights),
         "the L2 term sums the entries of W instead of their squares: ||W||_F^2 = np.sum(np.square(W))"),
        (cross_entropy + lambd / (2 * m) * sum(float(np.sqrt(np.sum(W**2))) for W in weights),
         "the Frobenius norm is not squared: the penalty uses ||W||_F^2 = np.sum(np.square(W)), no square root"),
        (cross_entropy + lambd / (2 * m) * sum(float(np.mean(W**2)) for W in weights),
         "np.mean(W**2) averages the squares; ||W||_F^2 is their sum, np.sum(np.square(W))"),
        (cross_entropy + lambd / 2 * squares, "the L2 term is missing the 1/m: it is lambd/(2m) * sum ||W||_F^2"),
        (cross_entropy + lambd / 2 * m * squares,
         "the L2 factor is lambd/2 * m: in Python `lambd / 2 * m` means (lambd / 2) * m; write lambd / (2 * m)"),
        (m * cross_entropy + l2, "the cross-entropy is summed over the examples instead of averaged (missing 1/m)"),
        (m * cross_entropy + lambd / 2 * squares,
         "both terms use m = 1: Y.shape[0] is the number of label rows (1); the number of examples is m = Y.shape[1]"),
        (cross_entropy, "only the cross-entropy is returned: add the L2 term lambd/(2m) * sum ||W||_F^2"),
        (cross_entropy + lambd / (2 * m) * sum(float(np.sum(W)) ** 2 for W in weights),
         "np.sum(W)**2 squares the sum of the entries; ||W||_F^2 is the sum of the squares, np.sum(np.square(W))"),
        (float(-np.sum(Y * np.log(AL)) / m) + l2,
         "the cross-entropy is missing its (1 - Y) * log(1 - AL) term: examples with label 0 must count too"),
        (cross_entropy - l2, "the L2 term is subtracted: the penalty is added to the cost"),
        (-cross_entropy + l2, "the cross-entropy has the wrong sign: it is -(1/m) sum(Y log AL + (1-Y) log(1-AL))"),
    ]
    if len(weights) > 1:
        mistakes.append((
            cross_entropy + lambd / (2 * m) * sum(float(np.sum(W**2)) for W in weights[:-1]),
            f"the last weight matrix W{len(weights)} is left out of the sum: loop over l = 1, ..., L "
            "(range(1, L + 1), with L = len(parameters) // 2)",
        ))
    with hinted(f"both terms: the cross-entropy is {cross_entropy:.6g} here (the mean over the m = {m} examples) and "
                f"the penalty lambd/(2m) * sum ||W||_F^2 is {l2:.6g} (np.sum(W**2) for every W1..WL, no biases)"):
        expect_number(case, output, cross_entropy + l2, "the cost", mistakes=mistakes)


# ------------------------------------------------------------------------------------------------- backward_with_l2

_GRAD_KEYS = ("dW1", "db1", "dW2", "db2")


def _two_layer_forward(X, parameters) -> dict:
    """The notebook's two-layer network: tanh hidden layer, sigmoid output; returns the cache the student receives."""
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = 1.0 / (1.0 + np.exp(-Z2))
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _backward_case(label: str, n_x: int, n_h: int, m: int, lambd: float, seed: int) -> Case:
    rng = np.random.default_rng(seed + 200)
    X = rng.normal(0.0, 1.0, (n_x, m))
    Y = (rng.random((1, m)) < 0.5).astype(np.float64)
    Y[0, 0] = 1.0
    parameters = _parameters([n_x, n_h, 1], seed + 300)
    cache = _two_layer_forward(X, parameters)
    return Case(label, {"X": X, "Y": Y, "parameters": parameters, "cache": cache, "lambd": lambd})


def _backward_cases():
    return [
        _backward_case("n_x=3, 4 hidden units, m=6, lambd=0.7", 3, 4, 6, 0.7, 1),
        _backward_case("lambd=0: plain backpropagation", 3, 4, 6, 0.0, 2),
        _backward_case("one example (m=1), lambd=0.4", 2, 3, 1, 0.4, 3),
    ]


def _backward_hidden_cases():
    return [
        _backward_case("n_x=5, 3 hidden units, m=10, lambd=3.0", 5, 3, 10, 3.0, 4),
        _backward_case("n_x=2, 6 hidden units, m=4, lambd=0.05", 2, 6, 4, 0.05, 5),
    ]


def _reference_backward(case: Case) -> dict:
    X, Y, parameters, lambd = (case.args[k] for k in ("X", "Y", "parameters", "lambd"))
    AL, caches = reference_mlp.model_forward(X, parameters, ["tanh", "sigmoid"])
    return reference_mlp.model_backward(AL, Y, caches, lambd=lambd)


def _l2_cost_fn(case: Case):
    X, Y, lambd = (case.args[k] for k in ("X", "Y", "lambd"))

    def cost(parameters):
        AL, _ = reference_mlp.model_forward(X, parameters, ["tanh", "sigmoid"])
        return reference_costs.compute_cost(AL, Y, parameters, lambd=lambd)

    return cost


def _wrong_tanh_dZ1(case: Case) -> list:
    """``(dZ1, message)`` for the usual wrong derivatives of the tanh hidden layer."""
    parameters, cache = case.args["parameters"], case.args["cache"]
    A1, Z1 = cache["A1"], cache["Z1"]
    dA1 = parameters["W2"].T @ (cache["A2"] - case.args["Y"])
    return [
        (dA1 * (1 - Z1**2), "dZ1 uses 1 - Z1**2: the derivative of tanh at Z1 is 1 - tanh(Z1)**2 = 1 - A1**2"),
        (dA1 * (1 - np.tanh(A1) ** 2), "dZ1 uses 1 - tanh(A1)**2, applying tanh twice: A1 is already tanh(Z1), "
                                       "so the derivative is 1 - A1**2"),
        (dA1 * A1 * (1 - A1), "dZ1 uses A1 * (1 - A1), the derivative of the sigmoid: the hidden layer is tanh, "
                              "whose derivative is 1 - A1**2"),
        (dA1, "dZ1 = dA1 forgets the derivative of tanh: dZ1 = dA1 * (1 - A1**2)"),
        (dA1 * (1 - A1) ** 2, "dZ1 uses (1 - A1)**2: the derivative of tanh is 1 - A1**2, the square of A1 only"),
    ]


_DZ2_SIGN = ("the cross-entropy part has the wrong sign: dZ2 = A2 - Y (prediction minus label), not Y - A2; "
             "the minus sign of the cost is already in it")


_M_TWICE = ("the cross-entropy part is divided by m twice: if dZ2 already holds (A2 - Y) / m, do not divide dW and db "
            "by m again (the course keeps dZ2 = A2 - Y and divides once, in dW and db)")


def _backward_mistakes(case: Case, expected: dict, key: str) -> list:
    parameters, lambd = case.args["parameters"], case.args["lambd"]
    m = case.args["X"].shape[1]
    layer = key[-1]
    if key.startswith("db"):
        b = parameters[f"b{layer}"]
        tanh_mistakes = [(np.sum(dZ1, axis=1, keepdims=True) / m, message)
                         for dZ1, message in _wrong_tanh_dZ1(case)] if layer == "1" else []
        return tanh_mistakes + [
            (-expected[key], _DZ2_SIGN),
            (expected[key] / m, _M_TWICE),
            (expected[key] + lambd / m * b,
             f"{key} includes an L2 term lambd/m * b{layer}: biases are not regularized, only dW gets lambd/m * W"),
            (expected[key] * m, f"{key} is missing the 1/m: db = (1/m) * np.sum(dZ, axis=1, keepdims=True)"),
        ]
    W = parameters[f"W{layer}"]
    plain = expected[key] - lambd / m * W
    tanh_mistakes = [(dZ1 @ case.args["X"].T / m + lambd / m * W, message)
                     for dZ1, message in _wrong_tanh_dZ1(case)] if layer == "1" else []
    return tanh_mistakes + [
        (-plain + lambd / m * W, _DZ2_SIGN),
        (plain / m + lambd / m * W, _M_TWICE),
        (plain + lambd / (2 * m) * W,
         f"{key} adds lambd/(2m) * W{layer}: the derivative of lambd/(2m) * ||W||^2 is lambd/m * W "
         "(the 2 of the square cancels the 1/2)"),
        (plain - lambd / m * W,
         f"{key} subtracts the L2 term: the gradient of +lambd/(2m) ||W||^2 is +lambd/m * W{layer} "
         "(the minus sign belongs to the update W := W - alpha * dW)"),
        (plain, f"{key} is missing the L2 term: add lambd/m * W{layer} to the gradient of every layer, not only one"),
        (plain + lambd * W, f"{key} adds lambd * W{layer}: the L2 term of the gradient is lambd/m * W{layer}"),
        (m * plain + lambd / m * W,
         f"{key}: the cross-entropy part is missing the 1/m: dW = (1/m) dZ A_prev^T + lambd/m * W"),
        (m * plain + lambd * W, f"{key} is m times too large: dW = (1/m) dZ A_prev^T + lambd/m * W"),
    ]


def _judge_backward_with_l2(case: Case, output) -> None:
    parameters = case.args["parameters"]
    if not isinstance(output, dict):
        raise CheckFailed(
            f"backward_with_l2 should return a dict with keys {list(_GRAD_KEYS)}, got "
            f"{'None (did you forget a `return`?)' if output is None else type(output).__name__} [case: {case.label}]"
        )
    missing = [key for key in _GRAD_KEYS if key not in output]
    if missing:
        raise CheckFailed(f"the gradients dict is missing {missing} (got keys {sorted(output)}) [case: {case.label}]")
    expected = _reference_backward(case)
    for key in ("db1", "db2"):
        W = parameters[f"W{key[-1]}"]
        got = output[key]
        if isinstance(got, np.ndarray) and got.shape == W.shape and W.shape != expected[key].shape:
            raise CheckFailed(
                f"{key} has the shape of W{key[-1]} {W.shape}, expected {expected[key].shape}: did you add "
                f"lambd/m * W{key[-1]} to {key}? Biases are not regularized: the L2 term goes into dW only "
                f"[case: {case.label}]"
            )
        m = case.args["X"].shape[1]
        if isinstance(got, np.ndarray) and got.shape in ((1, m), (m,)) and expected[key].shape[0] != 1:
            raise CheckFailed(
                f"{key} has shape {got.shape}, expected {expected[key].shape} [case: {case.label}]: it was summed over "
                "the units (axis=0); sum over the examples instead, np.sum(dZ, axis=1, keepdims=True) / m"
            )
    failures = {}
    for key in _GRAD_KEYS:
        try:
            expect_array(case, output[key], expected[key], key, mistakes=_backward_mistakes(case, expected, key))
        except CheckFailed as failure:
            failures[key] = failure
    if any(not _wrong_values(f) for f in failures.values()):
        raise next(f for f in failures.values() if not _wrong_values(f))  # a named mistake, shape, None or NaN
    # Every gradient has the right shape: let the gradient-check harness compare them with the L2 cost.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = gradient_check(_l2_cost_fn(case), parameters, {k: np.asarray(output[k], float) for k in _GRAD_KEYS})
    if failures:
        first = next(iter(failures.values()))
        culprits = ", ".join(f"{k} ({report[k].relative_error:.1e})" for k in report.culprits) or "none"
        raise CheckFailed(
            f"{first}\nThe gradient check against J = cross-entropy + lambd/(2m) (||W1||^2 + ||W2||^2) "
            f"finds relative errors above {1e-3:g} in: {culprits}. Look at the chain for the culprits: "
            "dZ2 = A2 - Y; dW2 = dZ2 @ A1.T / m + lambd/m * W2; dZ1 = (W2.T @ dZ2) * (1 - A1**2); "
            "dW1 = dZ1 @ X.T / m + lambd/m * W1; db = np.sum(dZ, axis=1, keepdims=True) / m"
        )
    if not report.passed:
        raise CheckFailed(f"the gradient check against the L2-regularized cost failed [case: {case.label}]:\n{report}")


# ------------------------------------------------------------------------------------------------- dropout_forward


def _dropout_forward_cases():
    grid = np.linspace(-2.0, 3.0, 20).reshape(4, 5)
    return [
        Case("A of shape (4, 5), keep_prob=0.5", {"A": grid, "keep_prob": 0.5, "rng": Seed(1)}),
        Case("A of ones (200, 300), keep_prob=0.8", {"A": np.ones((200, 300)), "keep_prob": 0.8, "rng": Seed(2)}),
        Case("keep_prob=1 keeps everything", {"A": grid, "keep_prob": 1.0, "rng": Seed(3)}),
    ] + seed_cases("dropout on A (5, 8), keep_prob=0.5", {"A": np.linspace(0.5, 4.0, 40).reshape(5, 8),
                                                         "keep_prob": 0.5}, (6, 6, 7))


def _dropout_forward_hidden_cases():
    values = np.random.default_rng(11).normal(size=(7, 9))
    return [
        Case("A of shape (7, 9), keep_prob=0.3", {"A": values, "keep_prob": 0.3, "rng": Seed(4)}),
        Case("A of ones (300, 200), keep_prob=0.6", {"A": np.ones((300, 200)), "keep_prob": 0.6, "rng": Seed(5)}),
    ]


def _drop_probability_mistake(masked: np.ndarray, keep_prob: float) -> list:
    """Dividing by 1 - keep_prob or by keep_prob twice (told apart from the right answer only when keep_prob < 1)."""
    if keep_prob >= 1:
        return []
    return [(masked / (1 - keep_prob), "divided by 1 - keep_prob, the probability of dropping a unit: inverted "
                                       "dropout divides by keep_prob, the probability of keeping it"),
            (masked / keep_prob**2, "divided by keep_prob twice: divide once, (A or dA) * D / keep_prob")]


def _normal_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _is_mask(value) -> bool:
    array = np.asarray(value) if isinstance(value, np.ndarray) else None
    return array is not None and array.size > 0 and bool(np.isin(array, (0, 1)).all())


def _judge_dropout_forward(case: Case, output) -> None:
    A, keep_prob = case.args["A"], case.args["keep_prob"]
    A_out, D = unpack(case, output, 2, "dropout_forward")
    if not isinstance(D, np.ndarray):
        raise CheckFailed(f"the mask D should be a numpy array of shape {A.shape}, got {type(D).__name__} [case: {case.label}]")
    if _is_mask(A_out) and not _is_mask(D) and np.shape(D) == A.shape and not _is_mask(A):
        raise CheckFailed(f"dropout_forward returned (D, A_out): the order is (A_out, D) [case: {case.label}]")
    if D.shape != A.shape:
        hint = ""
        if D.shape in ((A.shape[0], 1), (1, A.shape[1])):
            hint = (" One mask value is shared along an axis: draw one value per entry, "
                    "rng.random(A.shape) < keep_prob, so each example drops its own units.")
        raise CheckFailed(f"the mask D has shape {D.shape}, expected the shape of A {A.shape}.{hint} [case: {case.label}]")
    if not np.isin(D, (0, 1)).all():
        uniform = np.issubdtype(D.dtype, np.floating) and bool(np.all((D >= 0) & (D < 1)))
        hint = (": D holds the uniform draws themselves; compare them with keep_prob, "
                "D = rng.random(A.shape) < keep_prob" if uniform else "")
        raise CheckFailed(f"the mask D must hold only 0/1 (or False/True){hint} [case: {case.label}]")
    D = D.astype(np.float64)
    kept = D.mean()
    # the kept fraction of a right mask is binomial: 6 standard deviations (~2e-9 chance of refusing a right mask)
    tolerance = max(1e-12, 6.0 * math.sqrt(keep_prob * (1.0 - keep_prob) / A.size))
    if A.size >= 10_000 and abs(kept - keep_prob) > tolerance:
        hint = ""
        if abs(kept - (1 - keep_prob)) <= tolerance:
            hint = " It looks inverted: use `< keep_prob`, not `> keep_prob`."
        elif abs(kept - _normal_cdf(keep_prob)) <= tolerance:
            hint = (" The draws look normal (rng.standard_normal): compare uniform draws on [0, 1) with keep_prob, "
                    "rng.random(A.shape) < keep_prob.")
        elif abs(kept - 0.5) <= tolerance:
            hint = (" Half the units are kept whatever keep_prob (e.g. rng.integers(0, 2)): compare uniform draws "
                    "with keep_prob, rng.random(A.shape) < keep_prob.")
        raise CheckFailed(
            f"the mask keeps {kept:.1%} of the units but keep_prob={keep_prob} should keep about {keep_prob:.0%}."
            f"{hint} [case: {case.label}]"
        )
    mistakes = [
        (A * D, "dropout mask not rescaled by 1/keep_prob (inverted dropout divides by keep_prob)"),
        (A * D * keep_prob, "multiplied by keep_prob instead of dividing by it"),
        (A * (1 - D) / keep_prob, "the mask is applied the wrong way round: kept units are zeroed"),
        (A / keep_prob, "A_out is A / keep_prob everywhere: multiply by the mask D to drop units"),
    ] + _drop_probability_mistake(A * D, keep_prob)
    try:
        expect_array(case, A_out, A * D / keep_prob, "A_out", mistakes=mistakes)
    except CheckFailed as failure:
        got = np.asarray(A_out, dtype=np.float64)
        own_mask = (got != 0).astype(np.float64)
        if _wrong_values(failure) and np.allclose(got, A * own_mask / keep_prob) and not np.array_equal(own_mask, D):
            raise CheckFailed(
                f"A_out drops other units than the returned mask D [case: {case.label}]: draw the mask once, "
                "apply it, and return that same mask (the backward pass needs it)"
            ) from None
        with hinted("A_out = A * D / keep_prob, with the mask D that you return"):
            raise
    judge_seed_cases(case, [D], "masks", "D = rng.random(A.shape) < keep_prob")


# ------------------------------------------------------------------------------------------------ dropout_backward


def _fixed_mask(shape, keep_prob: float, seed: int, dtype=np.float64) -> np.ndarray:
    mask = np.random.default_rng(seed).random(shape) < keep_prob
    mask.flat[0], mask.flat[-1] = True, False  # at least one kept and one dropped unit
    return mask.astype(dtype)


def _dropout_backward_cases():
    dA = np.random.default_rng(21).normal(size=(4, 5))
    return [
        Case("dA of shape (4, 5), float mask, keep_prob=0.8",
             {"dA": dA, "D": _fixed_mask((4, 5), 0.8, 22), "keep_prob": 0.8}),
        Case("boolean mask (3, 6), keep_prob=0.5",
             {"dA": np.random.default_rng(23).normal(size=(3, 6)), "D": _fixed_mask((3, 6), 0.5, 24, bool),
              "keep_prob": 0.5}),
        Case("keep_prob=1, mask of ones", {"dA": dA, "D": np.ones((4, 5)), "keep_prob": 1.0}),
    ]


def _dropout_backward_hidden_cases():
    return [
        Case("dA of shape (50, 40), keep_prob=0.6",
             {"dA": np.random.default_rng(25).normal(size=(50, 40)), "D": _fixed_mask((50, 40), 0.6, 26),
              "keep_prob": 0.6}),
        Case("one unit, 7 examples, keep_prob=0.25",
             {"dA": np.random.default_rng(27).normal(size=(1, 7)), "D": _fixed_mask((1, 7), 0.25, 28, bool),
              "keep_prob": 0.25}),
    ]


def _judge_dropout_backward(case: Case, output) -> None:
    dA, keep_prob = case.args["dA"], case.args["keep_prob"]
    D = case.args["D"].astype(np.float64)
    try:
        expect_array(
            case,
            output,
            dA * D / keep_prob,
            "dA_prev",
            mistakes=[
                (dA * D, "not rescaled by 1/keep_prob: the forward pass divided by keep_prob, so the backward pass does too"),
                (dA * D * keep_prob, "multiplied by keep_prob instead of dividing by it"),
                (dA / keep_prob, "the mask D is not applied: units dropped in the forward pass get zero gradient"),
                (dA * (1 - D) / keep_prob, "the mask is applied the wrong way round: it is the dropped units that get zero"),
                (dA, "dA is returned unchanged: multiply by the mask D and divide by keep_prob"),
            ] + _drop_probability_mistake(dA * D, keep_prob),
        )
    except CheckFailed as failure:
        if not _wrong_values(failure):
            raise
        got = np.asarray(output, dtype=np.float64)
        own_mask = (got != 0).astype(np.float64)
        if np.any(got[D == 0] != 0):
            raise CheckFailed(
                f"dA_prev is non-zero where D == 0 [case: {case.label}]: a unit dropped in the forward pass must get "
                "zero gradient. Reuse the forward mask D (given as an argument); do not draw a new one."
            ) from None
        if np.allclose(got, dA * own_mask / keep_prob):
            raise CheckFailed(
                f"dA_prev is zero where D == 1 [case: {case.label}]: it was masked with another mask. Reuse the "
                "forward mask D (given as an argument); do not draw a new one."
            ) from None
        with hinted("dA_prev = dA * D / keep_prob: the forward mask D given as an argument, one division by keep_prob"):
            raise


EXERCISES = exercise_table(
    Exercise(
        name="compute_cost_with_l2",
        visible_cases=_compute_cost_cases,
        hidden_cases=_compute_cost_hidden_cases,
        judge=_judge_compute_cost,
        forbidden=(reference_costs, reference_mlp),
    ),
    Exercise(
        name="backward_with_l2",
        visible_cases=_backward_cases,
        hidden_cases=_backward_hidden_cases,
        judge=_judge_backward_with_l2,
        forbidden=(reference_costs, reference_mlp, reference_layers),
    ),
    Exercise(
        name="dropout_forward",
        visible_cases=_dropout_forward_cases,
        hidden_cases=_dropout_forward_hidden_cases,
        judge=_judge_dropout_forward,
        forbidden=(reference_dropout,),
    ),
    Exercise(
        name="dropout_backward",
        visible_cases=_dropout_backward_cases,
        hidden_cases=_dropout_backward_hidden_cases,
        judge=_judge_dropout_backward,
        forbidden=(reference_dropout,),
    ),
)
