"""Checks for the week 2 notebook (optimization algorithms).

Exercises: ``random_mini_batches``, ``ewa``, ``momentum_update``, ``rmsprop_update``,
``initialize_adam``, ``adam_update`` and ``schedule_lr``. Every judge compares with the reference
kernels (``course_utils.minibatch``, ``ewa``, ``optimizers``, ``schedules``) and names the usual
mistakes; the student's function may not call those kernels.

Conventions of the exercises (they are stated in the notebook's docstrings too):

* optimizer states are dicts keyed like the gradients (``"dW1"``, ``"db1"``, ...);
* ``adam_update`` receives ``t``, the number of Adam steps taken *before* this one (0 on the first
  call), increments it first, uses the new ``t`` in the bias corrections and returns it;
* ``ewa`` returns ``[v_1, ..., v_T]`` with ``v_0 = 0``; ``schedule_lr`` counts epochs from 0.
"""

from __future__ import annotations

import numpy as np

from course_utils import ewa as reference_ewa
from course_utils import minibatch as reference_minibatch
from course_utils import optimizers as reference_optimizers
from course_utils import schedules as reference_schedules
from course_utils.checks.framework import (
    CheckFailed,
    Case,
    describe,
    Exercise,
    Seed,
    expect_array,
    expect_dict,
    expect_number,
    unpack,
    exercise_table,
    hinted,
    judge_seed_cases,
    seed_cases,
)


def _fixed(seed: int) -> np.random.Generator:
    """Generator used only to build fixed case data (never handed to the student)."""
    return np.random.default_rng(seed)


# =============================================================================== random_mini_batches


def _batch_data(n_x: int, m: int, seed: int, n_classes: int = 1):
    """Inputs whose first row is sorted (0, 1, 2, ...) so that an unshuffled output is easy to spot."""
    rng = _fixed(seed)
    X = np.vstack([np.arange(m, dtype=np.float64), rng.normal(size=(n_x - 1, m))])
    if n_classes == 1:
        Y = (rng.random((1, m)) < 0.5).astype(np.float64)
        Y[0, :2] = (0.0, 1.0)  # both labels present
    else:
        labels = rng.integers(0, n_classes, size=m)
        Y = np.zeros((n_classes, m))
        Y[labels, np.arange(m)] = 1.0
    return X, Y


def _mini_batch_cases():
    cases = []
    for label, n_x, m, size, seed in (
        ("X (4, 148), mini_batch_size=64", 4, 148, 64, 1),
        ("X (2, 40), mini_batch_size=8 (m is a multiple of the size)", 2, 40, 8, 2),
        ("X (2, 12), mini_batch_size=1 (stochastic gradient descent)", 2, 12, 1, 3),
        ("X (2, 20), mini_batch_size=64 > m (batch gradient descent)", 2, 20, 64, 4),
    ):
        X, Y = _batch_data(n_x, m, seed)
        cases.append(Case(label, {"X": X, "Y": Y, "mini_batch_size": size, "rng": Seed(seed + 10)}))
    # several label rows: catches Y[:, permutation].reshape((1, m)), which only works for binary labels
    X, Y = _batch_data(3, 30, 7, n_classes=3)
    cases.append(Case("X (3, 30), one-hot Y (3, 30) (n_y = 3 label rows), mini_batch_size=8",
                      {"X": X, "Y": Y, "mini_batch_size": 8, "rng": Seed(17)}))
    X, Y = _batch_data(2, 20, 8)
    return cases + seed_cases("X (2, 20), mini_batch_size=4", {"X": X, "Y": Y, "mini_batch_size": 4}, (18, 18, 19))


def _mini_batch_hidden_cases():
    X1, Y1 = _batch_data(4, 100, 5, n_classes=3)
    X2, Y2 = _batch_data(5, 257, 6)
    return [
        Case("X (4, 100), one-hot Y (3, 100), mini_batch_size=32", {"X": X1, "Y": Y1, "mini_batch_size": 32, "rng": Seed(15)}),
        Case("X (5, 257), mini_batch_size=128", {"X": X2, "Y": Y2, "mini_batch_size": 128, "rng": Seed(16)}),
    ]


def _sizes_text(sizes) -> str:
    if len(sizes) <= 6:
        return str(list(sizes))
    return f"[{sizes[0]}, {sizes[1]}, ..., {sizes[-2]}, {sizes[-1]}] ({len(sizes)} batches)"


def _batch_array(case: Case, value, what: str, rows: int, k: int) -> np.ndarray:
    if value is None:
        raise CheckFailed(f"{what} of mini-batch {k} is None {describe(case)}: did you forget to build it?")
    if not isinstance(value, np.ndarray) or value.ndim != 2:
        shape = getattr(value, "shape", None)
        raise CheckFailed(
            f"{what} of mini-batch {k} should be a 2-D numpy array with {rows} rows, got "
            f"{type(value).__name__}{'' if shape is None else f' of shape {shape}'} {describe(case)}"
        )
    if value.shape[0] != rows:
        hint = " (it looks transposed: keep one column per example)" if value.shape[1] == rows else ""
        raise CheckFailed(f"{what} of mini-batch {k} has shape {value.shape}, expected {rows} rows{hint} {describe(case)}")
    return value


def _judge_random_mini_batches(case: Case, output) -> None:
    X, Y, size = case.args["X"], case.args["Y"], case.args["mini_batch_size"]
    (n_x, m), n_y = X.shape, Y.shape[0]
    if output is None:
        raise CheckFailed(f"random_mini_batches returned None {describe(case)}: did you forget a `return`?")
    if not isinstance(output, list):
        raise CheckFailed(
            f"random_mini_batches should return a list of (X_batch, Y_batch) pairs, got {type(output).__name__} {describe(case)}"
        )
    X_batches, Y_batches = [], []
    for k, pair in enumerate(output):
        if not isinstance(pair, list) or len(pair) != 2:
            raise CheckFailed(
                f"mini-batch {k} should be a pair (X_batch, Y_batch), got {type(pair).__name__} {describe(case)}"
            )
        X_batch = _batch_array(case, pair[0], "X_batch", n_x, k)
        Y_batch = _batch_array(case, pair[1], "Y_batch", n_y, k)
        if X_batch.shape[1] != Y_batch.shape[1]:
            raise CheckFailed(
                f"mini-batch {k} pairs {X_batch.shape[1]} examples of X with {Y_batch.shape[1]} labels {describe(case)}"
            )
        X_batches.append(X_batch)
        Y_batches.append(Y_batch)

    sizes = [batch.shape[1] for batch in X_batches]
    full, rest = divmod(m, size)
    expected = [size] * full + ([rest] if rest else [])
    if sizes != expected:
        if rest and sizes == expected[:-1]:
            raise CheckFailed(
                f"the last, smaller mini-batch is missing {describe(case)}: m = {m} is not a multiple of "
                f"mini_batch_size = {size}, so after {full} full batches the remaining {rest} examples form one "
                "more batch. Dropping them means those examples are never used for training."
            )
        if sizes == expected + [0]:
            raise CheckFailed(
                f"there is an empty mini-batch at the end {describe(case)}: when m = {m} is a multiple of "
                f"mini_batch_size = {size} there is no partial batch; only add one when m % mini_batch_size != 0."
            )
        raise CheckFailed(
            f"wrong mini-batch sizes {describe(case)}: got {_sizes_text(sizes)}, expected {_sizes_text(expected)} "
            f"({full} full batches of mini_batch_size = {size}"
            + (f", then one batch with the m % mini_batch_size = {rest} remaining examples)" if rest else ")")
        )

    X_all = np.concatenate(X_batches, axis=1) if X_batches else np.zeros((n_x, 0))
    Y_all = np.concatenate(Y_batches, axis=1) if Y_batches else np.zeros((n_y, 0))
    position = {tuple(X[:, j]): j for j in range(m)}
    ids = [position.get(tuple(column)) for column in X_all.T]
    if any(i is None for i in ids):
        same_rows = sorted(map(tuple, X_all)) == sorted(map(tuple, X))
        if same_rows:
            raise CheckFailed(
                f"the rows (features) of X were shuffled, not its columns (examples) {describe(case)}: each example "
                "is a column here. rng.permutation(X) and rng.shuffle(X) work on axis 0 (rows); draw "
                "permutation = rng.permutation(m) and index the columns: X[:, permutation]."
            )
        raise CheckFailed(
            f"the X batches contain columns that are not examples of X {describe(case)}: take whole columns of X "
            "(X[:, indices]) without changing their values."
        )
    if len(set(ids)) != m:
        if rest and np.array_equal(X_batches[-1], X[:, m - rest:]) and np.array_equal(Y_batches[-1], Y[:, m - rest:]):
            raise CheckFailed(
                f"the last mini-batch was cut from the unshuffled X and Y {describe(case)}: it holds the last {rest} "
                "columns of the original X, so some examples appear twice in the epoch and others never. Cut every "
                "batch, the last one too, from the shuffled arrays (X_shuffled[:, k * size:])."
            )
        raise CheckFailed(
            f"some examples appear in more than one mini-batch and others in none {describe(case)}: every example "
            "must be used exactly once per epoch. Shuffle with a permutation (rng.permutation(m)), not by drawing "
            "indices with replacement."
        )
    if not np.array_equal(Y_all, Y[:, ids]):
        raise CheckFailed(
            f"X and Y were not shuffled with the same permutation {describe(case)}: labels no longer sit with their "
            "examples. Draw one permutation and apply it to the columns of both X and Y."
        )
    if m >= 10 and ids == list(range(m)):
        raise CheckFailed(
            f"the examples come out in their original order {describe(case)}: the first row of this X is sorted "
            "and it is still sorted in your batches. Shuffle the columns (one rng.permutation(m) for X and Y) "
            "before cutting the batches (note: rng.permutation(X) and rng.shuffle(X) shuffle rows, not columns)."
        )
    judge_seed_cases(case, [X_all, Y_all], "mini-batches", "permutation = rng.permutation(m)")


# =============================================================================== ewa


_SERIES = np.array([4.2, 6.1, 3.3, 7.8, 9.0, 5.5, 2.4, 6.6, 10.1, 8.2, 7.3, 11.5])


def _ewa_cases():
    ramp = np.linspace(-3.0, 12.0, 15) + np.sin(np.arange(15))
    return [
        Case("12 values, beta=0.9, no bias correction", {"theta": _SERIES, "beta": 0.9, "bias_correction": False}),
        Case("12 values, beta=0.8, with bias correction", {"theta": _SERIES, "beta": 0.8, "bias_correction": True}),
        Case("15 values, beta=0.5, with bias correction", {"theta": ramp, "beta": 0.5, "bias_correction": True}),
        Case("beta=0 (the average is the series itself)", {"theta": _SERIES[:6], "beta": 0.0, "bias_correction": True}),
        Case("constant series 20.0, beta=0.98, with bias correction",
             {"theta": np.full(30, 20.0), "beta": 0.98, "bias_correction": True}),
    ]


def _ewa_hidden_cases():
    noisy = 15.0 + 5.0 * np.sin(np.arange(200) / 20.0) + _fixed(21).normal(size=200)
    return [
        Case("200 values, beta=0.95, no bias correction", {"theta": noisy, "beta": 0.95, "bias_correction": False}),
        Case("200 values, beta=0.95, with bias correction", {"theta": noisy, "beta": 0.95, "bias_correction": True}),
        Case("a single value, beta=0.7, with bias correction",
             {"theta": np.array([12.5]), "beta": 0.7, "bias_correction": True}),
    ]


def _recurrence(theta, keep, add, start=0.0):
    values, v = np.empty_like(theta), start
    for i, value in enumerate(theta):
        v = keep * v + add * value
        values[i] = v
    return values


def _judge_ewa(case: Case, output) -> None:
    theta, beta, corrected = case.args["theta"], case.args["beta"], case.args["bias_correction"]
    T = theta.size
    expected = reference_ewa.exponentially_weighted_average(theta, beta, bias_correction=corrected)
    if T > 1 and isinstance(output, (float, np.ndarray)) and np.size(output) == 1:
        raise CheckFailed(
            f"ewa returned a single number for a series of {T} values {describe(case)}: return the whole series of "
            "averages [v_1, ..., v_T] (store every v_t in an array), not only the last one."
        )
    if isinstance(output, np.ndarray) and output.shape == (T + 1,):
        raise CheckFailed(
            f"the result has {T + 1} values for a series of {T} {describe(case)}: return [v_1, ..., v_T], "
            "without the starting value v_0 = 0."
        )
    t = np.arange(1, T + 1, dtype=np.float64)
    if corrected and isinstance(output, np.ndarray) and output.shape == (T,) and np.issubdtype(output.dtype, np.number):
        if not np.isfinite(np.asarray(output, dtype=np.float64)[0]):
            raise CheckFailed(
                f"the first value is {output[0]} {describe(case)}: the bias correction divided by 1 - beta**0 = 0. "
                "Count t from 1: v_1 is divided by 1 - beta**1."
            )
    raw = _recurrence(theta, beta, 1.0 - beta)
    swapped = _recurrence(theta, 1.0 - beta, beta)
    fed_back, v = np.empty_like(theta, dtype=np.float64), 0.0  # the corrected value re-enters the recurrence
    for i, value in enumerate(theta):
        v = (beta * v + (1.0 - beta) * value) / (1.0 - beta ** (i + 1))
        fed_back[i] = v
    from_first = _recurrence(theta, beta, 1.0 - beta, start=theta[0])
    variant = (
        "you started from v_0 = theta_1 instead of v_0 = 0 (so v_1 = theta_1). That is a legitimate variant "
        "(pandas' ewm(adjust=False) does it) and it hides the early bias, but this course starts from v_0 = 0 "
        "and removes the early bias with bias_correction; start from 0."
    )
    swap_message = "beta and (1 - beta) are swapped: the old average v_{t-1} gets beta, the new value theta_t gets 1 - beta."
    unweighted = _recurrence(theta, beta, 1.0)
    unweighted_message = ("the new value must be weighted by (1 - beta): v_t = beta * v_{t-1} + (1 - beta) * theta_t "
                          "(without it the average grows to about 1 / (1 - beta) times the series)")
    mistakes = [(swapped, swap_message), (unweighted, unweighted_message)]
    with np.errstate(divide="ignore", invalid="ignore"):
        if corrected:
            mistakes += [
                (raw, "bias_correction=True but the values are not divided by 1 - beta**t."),
                (unweighted / (1.0 - beta**t), unweighted_message),
                (raw / (1.0 - beta) ** t, "the correction divides by (1 - beta)**t; it is 1 - beta**t: raise beta to "
                 "the power t, then subtract from 1."),
                (fed_back, "the bias-corrected value was fed back into the recurrence: keep updating the "
                 "uncorrected v_t = beta * v_{t-1} + (1 - beta) * theta_t and only divide the value you store "
                 "in the result by 1 - beta**t."),
                (swapped / (1.0 - beta**t), swap_message),
                (swapped / (1.0 - (1.0 - beta) ** t), swap_message),
                (raw / (1.0 - beta ** (t + 1)), "off by one in the bias correction: v_t is divided by 1 - beta**t "
                 "with t = 1 for the first value (you used 1 - beta**(t+1))."),
                (from_first / (1.0 - beta**t), variant),
                (from_first, variant),
            ]
        else:
            mistakes += [
                (raw / (1.0 - beta**t), "bias correction applied although bias_correction=False."),
                (from_first, variant),
            ]
    hint = ("the loop: v starts at 0; for t = 1..T, v = beta * v + (1 - beta) * theta[t - 1]; store v"
            + (" / (1 - beta**t), keeping the uncorrected v for the next step" if corrected else ""))
    with hinted(hint):
        expect_array(case, output, expected, "ewa(theta, beta, bias_correction)", mistakes=mistakes)


# =============================================================================== optimizer states


def _network(layer_dims, seed: int, scale: float = 1.0):
    """Parameters, gradients and zero/non-zero states for a small network (fixed numbers)."""
    rng = _fixed(seed)
    parameters, grads = {}, {}
    for l in range(1, len(layer_dims)):
        shape_W, shape_b = (layer_dims[l], layer_dims[l - 1]), (layer_dims[l], 1)
        parameters[f"W{l}"] = rng.normal(size=shape_W)
        parameters[f"b{l}"] = rng.normal(size=shape_b) * 0.1
        grads[f"dW{l}"] = rng.normal(size=shape_W) * scale
        grads[f"db{l}"] = rng.normal(size=shape_b) * scale
    return parameters, grads


def _moment_like(grads, seed: int, kind: str) -> dict:
    rng = _fixed(seed)
    if kind == "zeros":
        return {key: np.zeros_like(value) for key, value in grads.items()}
    if kind == "signed":
        return {key: 0.5 * rng.normal(size=value.shape) for key, value in grads.items()}
    return {key: 0.3 * rng.random(size=value.shape) ** 2 + 0.01 for key, value in grads.items()}


def _state_dict(case: Case, value, template: dict, what: str) -> dict:
    return expect_dict(case, value, set(template), what)


def _expect_update(case: Case, parameters: dict, name: str, got, expected, mistakes, rule: str) -> None:
    """Compare the step ``got - old`` with ``expected - old``: the step is where the bugs live.

    With learning_rate = 0.001 the step is about 1000 times smaller than the parameter, so comparing new values
    with rtol 1e-6 would let a 0.1% error of the step through; the step itself is exact to rounding
    (|old| * 1e-16). ``mistakes`` are ``(wrong new value, message)`` pairs; ``rule`` is the update to look at.
    """
    old = parameters[name]
    what = f"parameters['{name}']"
    if not isinstance(got, np.ndarray) or got.shape != old.shape or not np.issubdtype(got.dtype, np.number):
        expect_array(case, got, expected, what)  # type and shape messages
        return
    last = len(parameters) // 2
    if name[1:] == str(last) and last > 1 and np.array_equal(got, old) and not np.allclose(expected, old):
        raise CheckFailed(
            f"{what} was not updated {describe(case)}, but the layers before it were: the loop stops before the last "
            "layer. Loop over l = 1, ..., L with range(1, L + 1) and L = len(parameters) // 2 (or over the keys)."
        )
    got = got.astype(np.float64)
    with hinted(f"{rule} (compared here: the step, new value - old value)"):
        expect_array(case, got - old, expected - old, f"the step of {what} (new value - old value)",
                     mistakes=[(wrong - old, message) for wrong, message in mistakes])


# =============================================================================== momentum


def _momentum_cases():
    p1, g1 = _network([2, 3, 1], 31)
    p2, g2 = _network([2, 3, 1], 32)
    p3, g3 = _network([3, 2, 1], 33)
    return [
        Case("first step (v = 0), beta=0.9, learning_rate=0.01",
             {"parameters": p1, "grads": g1, "v": _moment_like(g1, 1, "zeros"), "beta": 0.9, "learning_rate": 0.01}),
        Case("mid-training (v != 0), beta=0.9, learning_rate=0.1",
             {"parameters": p2, "grads": g2, "v": _moment_like(g2, 2, "signed"), "beta": 0.9, "learning_rate": 0.1}),
        Case("beta=0 (plain gradient descent)",
             {"parameters": p3, "grads": g3, "v": _moment_like(g3, 3, "signed"), "beta": 0.0, "learning_rate": 0.05}),
    ]


def _momentum_hidden_cases():
    p1, g1 = _network([4, 5, 3, 1], 34)
    p2, g2 = _network([3, 4, 2], 35)
    return [
        Case("3 layers, v != 0, beta=0.95, learning_rate=0.02",
             {"parameters": p1, "grads": g1, "v": _moment_like(g1, 4, "signed"), "beta": 0.95, "learning_rate": 0.02}),
        Case("beta=0.5, learning_rate=1.0",
             {"parameters": p2, "grads": g2, "v": _moment_like(g2, 5, "signed"), "beta": 0.5, "learning_rate": 1.0}),
    ]


def _judge_momentum_update(case: Case, output) -> None:
    a = case.args
    parameters, grads, v, beta, lr = a["parameters"], a["grads"], a["v"], a["beta"], a["learning_rate"]
    expected_p, expected_state = reference_optimizers.momentum_update(parameters, grads, {"v": v}, lr, beta=beta)
    new_parameters, new_v = unpack(case, output, 2, "momentum_update")
    new_v = _state_dict(case, new_v, v, "the returned v")
    for key in v:
        with hinted("v = beta * v + (1 - beta) * dW, with the v and grads entries of the same key"):
            expect_array(case, new_v[key], expected_state["v"][key], f"v['{key}']", mistakes=[
                (beta * v[key] + grads[key], "the new gradient is not scaled by (1 - beta): v = beta * v + (1 - beta) * dW."),
                ((1.0 - beta) * v[key] + beta * grads[key], "beta and (1 - beta) are swapped: v = beta * v + (1 - beta) * dW."),
                (v[key], "v was not updated: v = beta * v + (1 - beta) * dW."),
            ])
    new_parameters = expect_dict(case, new_parameters, set(parameters), "the returned parameters")
    for name in parameters:
        key, value, v_new = "d" + name, parameters[name], expected_state["v"]["d" + name]
        _expect_update(case, parameters, name, new_parameters[name], expected_p[name], [
            (value + lr * v_new, "the update has the wrong sign: step against the velocity, W = W - learning_rate * v."),
            (value - lr * grads[key], "the parameters moved along dW: use the new velocity, W = W - learning_rate * v."),
            (value - lr * v[key], "the parameters moved along the old v: update v first, then W = W - learning_rate * v."),
            (value, "the parameters were not updated."),
            (value - v_new, "learning_rate is missing: W = W - learning_rate * v."),
        ], "W = W - learning_rate * v with the new v = beta * v + (1 - beta) * dW")


# =============================================================================== RMSProp


def _rmsprop_cases():
    p1, g1 = _network([2, 3, 1], 41)
    p2, g2 = _network([2, 3, 1], 42)
    p3, g3 = _network([3, 2, 1], 43, scale=0.3)
    return [
        Case("first step (s = 0), beta=0.999, learning_rate=0.001",
             {"parameters": p1, "grads": g1, "s": _moment_like(g1, 1, "zeros"), "beta": 0.999, "learning_rate": 0.001,
              "epsilon": 1e-8}),
        Case("mid-training (s != 0), beta=0.9, learning_rate=0.01",
             {"parameters": p2, "grads": g2, "s": _moment_like(g2, 2, "positive"), "beta": 0.9, "learning_rate": 0.01,
              "epsilon": 1e-8}),
        Case("large epsilon=0.1, beta=0.9, learning_rate=0.01",
             {"parameters": p3, "grads": g3, "s": _moment_like(g3, 3, "positive"), "beta": 0.9, "learning_rate": 0.01,
              "epsilon": 0.1}),
    ]


def _rmsprop_hidden_cases():
    p1, g1 = _network([4, 5, 3, 1], 44)
    p2, g2 = _network([3, 4, 2], 45, scale=1e-3)
    return [
        Case("3 layers, beta=0.99, learning_rate=0.005",
             {"parameters": p1, "grads": g1, "s": _moment_like(g1, 4, "positive"), "beta": 0.99,
              "learning_rate": 0.005, "epsilon": 1e-8}),
        Case("tiny gradients, first step, beta=0.9",
             {"parameters": p2, "grads": g2, "s": _moment_like(g2, 5, "zeros"), "beta": 0.9,
              "learning_rate": 0.01, "epsilon": 1e-8}),
    ]


def _judge_rmsprop_update(case: Case, output) -> None:
    a = case.args
    parameters, grads, s, beta = a["parameters"], a["grads"], a["s"], a["beta"]
    lr, eps = a["learning_rate"], a["epsilon"]
    expected_p, expected_state = reference_optimizers.rmsprop_update(
        parameters, grads, {"s": s}, lr, beta=beta, epsilon=eps
    )
    new_parameters, new_s = unpack(case, output, 2, "rmsprop_update")
    new_s = _state_dict(case, new_s, s, "the returned s")
    for key in s:
        g = grads[key]
        with hinted("s = beta * s + (1 - beta) * dW**2 (element-wise square), with the s and grads entries of the same key"):
            expect_array(case, new_s[key], expected_state["s"][key], f"s['{key}']", mistakes=[
                (beta * s[key] + (1.0 - beta) * g, "the gradient is not squared: s = beta * s + (1 - beta) * dW**2 "
                 "(element-wise square)."),
                (beta * s[key] + g**2, "dW**2 is not scaled by (1 - beta): s = beta * s + (1 - beta) * dW**2."),
                ((1.0 - beta) * s[key] + beta * g**2, "beta and (1 - beta) are swapped: s = beta * s + (1 - beta) * dW**2."),
                (s[key], "s was not updated: s = beta * s + (1 - beta) * dW**2."),
            ])
    new_parameters = expect_dict(case, new_parameters, set(parameters), "the returned parameters")
    for name in parameters:
        key, value = "d" + name, parameters[name]
        g, s_new = grads[key], expected_state["s"][key]
        with np.errstate(divide="ignore", invalid="ignore"):
            no_epsilon = value - lr * g / np.sqrt(s_new)
        _expect_update(case, parameters, name, new_parameters[name], expected_p[name], [
            (value + lr * g / (np.sqrt(s_new) + eps), "the update has the wrong sign: W = W - learning_rate * dW / (sqrt(s) + epsilon)."),
            (value - lr * g / np.sqrt(s_new + eps), "epsilon is inside the square root: divide by sqrt(s) + epsilon."),
            (value - lr * g / (s_new + eps), "you divided by s instead of sqrt(s): s holds squared gradients."),
            (value - lr * g / (np.sqrt(s[key]) + eps), "the parameters used the old s: update s first."),
            (value - lr * g, "the step is not divided by sqrt(s) + epsilon."),
            (no_epsilon, "epsilon is missing: divide by sqrt(s) + epsilon (it keeps the step finite when s is 0)."),
        ], "W = W - learning_rate * dW / (np.sqrt(s) + epsilon) with the new s")


# =============================================================================== Adam


def _initialize_adam_cases():
    p1, _ = _network([2, 3, 1], 51)
    p2, _ = _network([5, 4, 3, 2], 52)
    return [
        Case("parameters of a [2, 3, 1] network", {"parameters": p1}),
        Case("parameters of a [5, 4, 3, 2] network", {"parameters": p2}),
    ]


def _initialize_adam_hidden_cases():
    p1, _ = _network([1, 1], 53)
    p2, _ = _network([6, 7, 5, 4, 1], 54)
    return [Case("a single neuron", {"parameters": p1}), Case("4 layers", {"parameters": p2})]


def _judge_initialize_adam(case: Case, output) -> None:
    parameters = case.args["parameters"]
    v, s = unpack(case, output, 2, "initialize_adam")
    keys = {"d" + name for name in parameters}
    for what, state in (("v", v), ("s", s)):
        state = expect_dict(case, state, keys, f"the returned {what} (keys are the gradients' names, 'd' + parameter name)")
        for name, value in parameters.items():
            got = state["d" + name]
            if name.startswith("b") and np.shape(got) == np.shape(parameters.get("W" + name[1:])) != value.shape:
                raise CheckFailed(
                    f"{what}['d{name}'] has the shape of W{name[1:]} {np.shape(got)}, expected the shape of {name} "
                    f"{value.shape} {describe(case)}: each state array has the shape of its own parameter, "
                    f"np.zeros_like(parameters['{name}'])"
                )
            expect_array(case, got, np.zeros_like(value), f"{what}['d{name}']", mistakes=[
                (np.ones_like(value), "v and s start at zero: they are moving averages that begin at 0, np.zeros_like"),
            ])


def _adam_cases():
    p1, g1 = _network([2, 3, 1], 61)
    p2, g2 = _network([2, 3, 1], 62)
    p3, g3 = _network([3, 2, 1], 63, scale=0.3)
    return [
        Case("mid-training (t=4 before the step), learning_rate=0.01",
             {"parameters": p2, "grads": g2, "v": _moment_like(g2, 3, "signed"), "s": _moment_like(g2, 4, "positive"),
              "t": 4, "learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
        Case("first step (t=0 before the step), learning_rate=0.01",
             {"parameters": p1, "grads": g1, "v": _moment_like(g1, 1, "zeros"), "s": _moment_like(g1, 2, "zeros"),
              "t": 0, "learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
        Case("large epsilon=0.1 (t=2 before the step)",
             {"parameters": p3, "grads": g3, "v": _moment_like(g3, 5, "signed"), "s": _moment_like(g3, 6, "positive"),
              "t": 2, "learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99, "epsilon": 0.1}),
    ]


def _adam_hidden_cases():
    p1, g1 = _network([4, 5, 3, 1], 64)
    p2, g2 = _network([3, 4, 2], 65)
    return [
        Case("3 layers, t=100, beta1=0.95, beta2=0.98",
             {"parameters": p1, "grads": g1, "v": _moment_like(g1, 7, "signed"), "s": _moment_like(g1, 8, "positive"),
              "t": 100, "learning_rate": 0.001, "beta1": 0.95, "beta2": 0.98, "epsilon": 1e-8}),
        Case("beta1=0 (RMSProp with bias correction), t=1",
             {"parameters": p2, "grads": g2, "v": _moment_like(g2, 9, "signed"), "s": _moment_like(g2, 10, "positive"),
              "t": 1, "learning_rate": 0.02, "beta1": 0.0, "beta2": 0.9, "epsilon": 1e-8}),
    ]


_T_FROM_ZERO = (
    "the bias corrections used the t you received, i.e. t counted from 0 (on the first step 1 - beta1**0 = 0 "
    "and the step divides by zero). Increment t first: the first Adam step uses t = 1."
)


def _judge_adam_update(case: Case, output) -> None:
    a = case.args
    parameters, grads, v, s, t = a["parameters"], a["grads"], a["v"], a["s"], a["t"]
    lr, beta1, beta2, eps = a["learning_rate"], a["beta1"], a["beta2"], a["epsilon"]
    expected_p, expected_state = reference_optimizers.adam_update(
        parameters, grads, {"v": v, "s": s, "t": t}, lr, beta1=beta1, beta2=beta2, epsilon=eps
    )
    new_parameters, new_v, new_s, new_t = unpack(case, output, 4, "adam_update")
    kinds = ["dict" if isinstance(x, dict) else
             "number" if isinstance(x, float) or (isinstance(x, np.ndarray) and x.size == 1) else "other"
             for x in output]
    if kinds != ["dict", "dict", "dict", "number"] and sorted(kinds) == ["dict", "dict", "dict", "number"]:
        raise CheckFailed(
            f"adam_update returned its 4 values in the wrong order {describe(case)}: return "
            "(parameters, v, s, t), with the step counter t last."
        )
    layers = len(parameters) // 2
    in_loop = ("t was incremented inside the loop over the {}: t counts Adam steps (calls of adam_update), so add 1 "
               "once, before the loop, and use that same t for every parameter.")
    expect_number(case, new_t, t + 1, "the returned t", mistakes=[
        (t, "t was not incremented: this step is step number t + 1, return that."),
        (t + 2, "t was incremented twice: add 1 once, use the new t in the corrections and return it."),
        (t + len(parameters), in_loop.format("parameters")),
        (t + layers, in_loop.format("layers")),
    ])
    new_v = _state_dict(case, new_v, v, "the returned v")
    new_s = _state_dict(case, new_s, s, "the returned s")
    for key in v:
        g = grads[key]
        with hinted("v = beta1 * v + (1 - beta1) * dW (returned without bias correction)"):
            expect_array(case, new_v[key], expected_state["v"][key], f"v['{key}']", mistakes=[
                (beta1 * v[key] + g, "the gradient is not scaled by (1 - beta1): v = beta1 * v + (1 - beta1) * dW."),
                ((1.0 - beta1) * v[key] + beta1 * g, "beta1 and (1 - beta1) are swapped: v = beta1 * v + (1 - beta1) * dW."),
                (expected_state["v"][key] / (1.0 - beta1 ** (t + 1)), "return the moving average v itself, not the "
                 "bias-corrected v_hat (the correction is only used for the step)."),
            ])
        with hinted("s = beta2 * s + (1 - beta2) * dW**2 (returned without bias correction)"):
            expect_array(case, new_s[key], expected_state["s"][key], f"s['{key}']", mistakes=[
                (beta2 * s[key] + (1.0 - beta2) * g, "the gradient is not squared: s = beta2 * s + (1 - beta2) * dW**2."),
                (beta2 * s[key] + g**2, "dW**2 is not scaled by (1 - beta2): s = beta2 * s + (1 - beta2) * dW**2."),
                ((1.0 - beta2) * s[key] + beta2 * g**2, "beta2 and (1 - beta2) are swapped: s = beta2 * s + (1 - beta2) * dW**2."),
                (expected_state["s"][key] / (1.0 - beta2 ** (t + 1)), "return the moving average s itself, not the "
                 "bias-corrected s_hat (the correction is only used for the step)."),
            ])
    new_parameters = expect_dict(case, new_parameters, set(parameters), "the returned parameters")
    step = t + 1
    for name in parameters:
        key, value = "d" + name, parameters[name]
        got = new_parameters[name]
        if t == 0 and isinstance(got, np.ndarray) and np.issubdtype(got.dtype, np.number) and not np.isfinite(got).all():
            raise CheckFailed(f"parameters['{name}'] is not finite {describe(case)}: {_T_FROM_ZERO}")
        v_new, s_new = expected_state["v"][key], expected_state["s"][key]

        def moved(v_hat, s_hat, inside=False, sign=-1.0):
            denominator = np.sqrt(s_hat + eps) if inside else np.sqrt(s_hat) + eps
            return value + sign * lr * v_hat / denominator

        c1, c2 = 1.0 - beta1**step, 1.0 - beta2**step
        mistakes = [
            (moved(v_new, s_new), "no bias correction: divide v by 1 - beta1**t and s by 1 - beta2**t before the step."),
            (moved(v_new / c1, s_new), "only v is bias-corrected: s needs s_hat = s / (1 - beta2**t) too."),
            (moved(v_new, s_new / c2), "only s is bias-corrected: v needs v_hat = v / (1 - beta1**t) too."),
            (moved(v_new / c1, s_new / c2, inside=True), "epsilon is inside the square root: divide by sqrt(s_hat) + epsilon."),
            (moved(v_new / c1, s_new / c2, sign=1.0), "the update has the wrong sign: W = W - learning_rate * v_hat / (sqrt(s_hat) + epsilon)."),
            (moved(v_new / (1.0 - beta1 ** (step + 1)), s_new / (1.0 - beta2 ** (step + 1))),
             "off by one: the corrections used t + 2; increment t once and use that value."),
            (moved(v_new / (1.0 - beta1) ** step, s_new / (1.0 - beta2) ** step),
             "the corrections divide by (1 - beta)**t; they are 1 - beta1**t and 1 - beta2**t: raise beta to the "
             "power t, then subtract from 1."),
            (value - lr * (v_new / c1) / np.sqrt(s_new / c2),
             "epsilon is missing: divide by sqrt(s_hat) + epsilon (it keeps the step finite when s_hat is 0)."),
        ]
        if beta1 != beta2:
            mistakes += [
                (moved(v_new / c1, s_new / c1), "s_hat was divided by 1 - beta1**t: the second moment s is "
                 "averaged with beta2, so s_hat = s / (1 - beta2**t) (and v_hat = v / (1 - beta1**t))."),
                (moved(v_new / c2, s_new / c2), "v_hat was divided by 1 - beta2**t: the first moment v is "
                 "averaged with beta1, so v_hat = v / (1 - beta1**t) (and s_hat = s / (1 - beta2**t))."),
                (moved(v_new / c2, s_new / c1), "the bias corrections are swapped: v_hat = v / (1 - beta1**t), "
                 "s_hat = s / (1 - beta2**t)."),
            ]
        if t > 0:
            mistakes.append((moved(v_new / (1.0 - beta1**t), s_new / (1.0 - beta2**t)), _T_FROM_ZERO))
        _expect_update(case, parameters, name, got, expected_p[name], mistakes,
                       "W = W - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon) with v_hat = v / (1 - beta1**t), "
                       "s_hat = s / (1 - beta2**t) and the incremented t")


# =============================================================================== schedule_lr


def _schedule_cases():
    return [
        Case("epoch 0", {"learning_rate0": 0.5, "epoch_num": 0, "decay_rate": 1.0, "time_interval": 10}),
        Case("epoch 25, decay_rate=0.3, time_interval=10",
             {"learning_rate0": 0.5, "epoch_num": 25, "decay_rate": 0.3, "time_interval": 10}),
        Case("epoch 16, time_interval=10",
             {"learning_rate0": 0.2, "epoch_num": 16, "decay_rate": 1.0, "time_interval": 10}),
        Case("epoch 9, time_interval=10 (still the first interval)",
             {"learning_rate0": 0.2, "epoch_num": 9, "decay_rate": 1.0, "time_interval": 10}),
        Case("epoch 10, time_interval=10 (first decay)",
             {"learning_rate0": 0.2, "epoch_num": 10, "decay_rate": 1.0, "time_interval": 10}),
        Case("time_interval=1 (decay every epoch)",
             {"learning_rate0": 0.1, "epoch_num": 7, "decay_rate": 0.5, "time_interval": 1}),
    ]


def _schedule_hidden_cases():
    return [
        Case("decay_rate=0 keeps the rate", {"learning_rate0": 0.03, "epoch_num": 5000, "decay_rate": 0.0, "time_interval": 1000}),
        Case("epoch 3999, time_interval=1000",
             {"learning_rate0": 0.01, "epoch_num": 3999, "decay_rate": 2.0, "time_interval": 1000}),
        Case("epoch 14, time_interval=4", {"learning_rate0": 1.0, "epoch_num": 14, "decay_rate": 0.25, "time_interval": 4}),
    ]


_EARLY_DECAY = (
    "the rate changes too early: epochs are counted from 0 and the first decay happens when epoch_num reaches "
    "time_interval. Use floor(epoch_num / time_interval) (epoch_num // time_interval), not round, ceil or "
    "(epoch_num + 1)."
)


def _judge_schedule_lr(case: Case, output) -> None:
    a = case.args
    lr0, epoch, decay, interval = a["learning_rate0"], a["epoch_num"], a["decay_rate"], a["time_interval"]
    expected = reference_schedules.interval_decay(lr0, epoch, decay, interval)
    steps = epoch // interval
    mistakes = [
        (lr0 / (1.0 + decay * epoch), "decay applied at every epoch instead of every time_interval epochs: "
         "use floor(epoch_num / time_interval) in place of epoch_num."),
        (lr0 / (1.0 + decay * epoch / interval), "the floor is missing: the rate must stay constant for "
         "time_interval epochs, so use floor(epoch_num / time_interval) (epoch_num // time_interval)."),
        (lr0 * (1.0 + decay * steps), "decay_rate makes the rate grow: divide learning_rate0 by "
         "(1 + decay_rate * floor(epoch_num / time_interval)), do not multiply."),
        (lr0 / (1.0 + decay * np.ceil(epoch / interval)), _EARLY_DECAY),
        (lr0 / (1.0 + decay * ((epoch + 1) // interval)), _EARLY_DECAY),
        (lr0 / (1.0 + decay * np.round(epoch / interval)), _EARLY_DECAY),
        (lr0 * decay**steps, "that is exponential decay, learning_rate0 * decay_rate**k; this schedule divides: "
         "learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))."),
        (lr0 / (1.0 + decay) * steps, "floor(epoch_num / time_interval) multiplies the rate: it belongs in the "
         "denominator, learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))."),
        (lr0 / 1.0 + decay * steps, "learning_rate0 / 1 + decay_rate * ... divides by 1 only: the division binds "
         "before the addition, so put the whole denominator in parentheses, learning_rate0 / (1 + decay_rate * k)."),
        (lr0 / (1.0 + (decay * epoch) // interval), "operator precedence: decay_rate * epoch_num // time_interval "
         "is evaluated as (decay_rate * epoch_num) // time_interval. Floor the number of intervals first: "
         "decay_rate * (epoch_num // time_interval)."),
    ]
    with hinted(f"learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval)) = {lr0:g} / (1 + {decay:g} * "
                f"{steps}) here: epoch_num // time_interval = {steps} decays so far"):
        expect_number(case, output, expected, "schedule_lr(...)", mistakes=mistakes)


# =============================================================================== registry


EXERCISES = exercise_table(
    Exercise(
        name="random_mini_batches",
        visible_cases=_mini_batch_cases,
        hidden_cases=_mini_batch_hidden_cases,
        judge=_judge_random_mini_batches,
        forbidden=(reference_minibatch,),
    ),
    Exercise(
        name="ewa",
        visible_cases=_ewa_cases,
        hidden_cases=_ewa_hidden_cases,
        judge=_judge_ewa,
        forbidden=(reference_ewa,),
    ),
    Exercise(
        name="momentum_update",
        visible_cases=_momentum_cases,
        hidden_cases=_momentum_hidden_cases,
        judge=_judge_momentum_update,
        forbidden=(reference_optimizers,),
        may_modify=("parameters", "v"),  # the notebook's update step may write into its state
    ),
    Exercise(
        name="rmsprop_update",
        visible_cases=_rmsprop_cases,
        hidden_cases=_rmsprop_hidden_cases,
        judge=_judge_rmsprop_update,
        forbidden=(reference_optimizers,),
        may_modify=("parameters", "s"),  # the notebook's update step may write into its state
    ),
    Exercise(
        name="initialize_adam",
        visible_cases=_initialize_adam_cases,
        hidden_cases=_initialize_adam_hidden_cases,
        judge=_judge_initialize_adam,
        forbidden=(reference_optimizers,),
    ),
    Exercise(
        name="adam_update",
        visible_cases=_adam_cases,
        hidden_cases=_adam_hidden_cases,
        judge=_judge_adam_update,
        forbidden=(reference_optimizers,),
        may_modify=("parameters", "v", "s"),  # the notebook's update step may write into its state
    ),
    Exercise(
        name="schedule_lr",
        visible_cases=_schedule_cases,
        hidden_cases=_schedule_hidden_cases,
        judge=_judge_schedule_lr,
        forbidden=(reference_schedules,),
    ),
)
