"""Checks for the week 3 softmax regression notebook: softmax, its cross-entropy cost, dZ = AL - Y, the training loop."""

from __future__ import annotations

import numpy as np

from course_utils import activations as reference_activations
from course_utils import costs as reference_costs
from course_utils import mlp as reference_mlp
from course_utils import training as reference_training
from course_utils.checks.framework import (
    Case, CheckFailed, describe, Exercise, exercise_table, expect_array, expect_dict, expect_number, unpack,
)
from course_utils.gradient_check import gradient_check



def _columns_softmax(Z: np.ndarray) -> np.ndarray:
    """Stable column-wise softmax written out here so that building cases never touches the reference."""
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def _one_hot(labels, n_classes: int) -> np.ndarray:
    Y = np.zeros((n_classes, len(labels)))
    Y[np.asarray(labels), np.arange(len(labels))] = 1.0
    return Y


# ----------------------------------------------------------------------------------------------- softmax


def _softmax_cases():
    return [
        Case("Z of shape (4, 3), small logits", {"Z": np.array(
            [[2.0, -1.0, 0.0], [4.0, 0.5, 0.0], [-1.0, 3.0, 0.0], [0.5, 1.0, 0.0]]
        )}),
        Case("large logits around +-1000", {"Z": np.array(
            [[1000.0, -1000.0, 5.0], [999.0, -1001.0, 1000.0], [998.0, -999.0, -3.0]]
        )}),
        Case("columns on very different scales", {"Z": np.array(
            [[0.0, 1000.0, -700.0], [1.0, 998.0, -702.0], [2.0, 999.0, -701.0]]
        )}),
        Case("one logit far above the rest of its column (max - mean > 709)", {"Z": np.array(
            [[1500.0, 800.0, -800.0], [0.0, 801.0, 0.0], [-20.0, 799.0, 5.0]]
        )}),
        Case("a single column (one example)", {"Z": np.array([[0.3], [-2.0], [1.7], [0.0], [0.9]])}),
        Case("C = 1: a single class", {"Z": np.array([[-3.0, 0.0, 2.5, 40.0]])}),
    ]


def _softmax_hidden_cases():
    rng = np.random.default_rng(31)
    return [
        Case("random Z of shape (10, 7)", {"Z": 3.0 * rng.normal(size=(10, 7))}),
        Case("equal logits in a column", {"Z": np.array([[7.0, 0.0], [7.0, -5.0], [7.0, 2.0]])}),
        Case("very negative logits", {"Z": np.array([[-1000.0, -2000.0], [-1003.0, -1995.0], [-999.0, -2001.0]])}),
        Case("two classes (C = 2)", {"Z": np.array([[1.0, -2.0, 0.5, 30.0], [0.0, 1.0, 0.5, -30.0]])}),
        Case("one logit of 1000 among zeros (max - mean = 750)", {"Z": np.array(
            [[0.0, 1.0], [0.0, 2.0], [1000.0, 3.0], [0.0, 4.0]]
        )}),
    ]


def _softmax_mistakes(Z: np.ndarray) -> list:
    """(wrong value, message) pairs; some hold NaN/inf, which the judge compares with ``equal_nan``."""
    wrong_axis = (
        "softmax must normalize each column (example) over the classes (axis=0), not each row over the examples"
    )
    not_normalized = (
        "these are the exponentials, not probabilities: divide by their column sums so each column sums to 1"
    )
    with np.errstate(all="ignore"):
        E_col = np.exp(Z - Z.max(axis=0, keepdims=True))
        E_raw = np.exp(Z)
        E_all = np.exp(Z - Z.max())
        E_row = np.exp(Z - Z.max(axis=1, keepdims=True))
        E_mean = np.exp(Z - Z.mean(axis=0, keepdims=True))
        E_min = np.exp(Z - Z.min(axis=0, keepdims=True))
        gap = float(np.max(Z.max(axis=0) - Z.mean(axis=0)))
        return [
            (E_mean / E_mean.sum(axis=0, keepdims=True),
             f"you subtracted each column's mean: softmax is unchanged by it, but exp(max - mean) still overflows "
             f"when one logit is far above the others (here max - mean reaches {gap:.0f} > 709). Subtract each "
             "column's max, Z.max(axis=0, keepdims=True): then every exponent is <= 0"),
            (E_min / E_min.sum(axis=0, keepdims=True),
             "you subtracted each column's min: then every exponent is >= 0 and exp(max - min) overflows as soon "
             "as a column spans more than 709. Subtract each column's max, Z.max(axis=0, keepdims=True)"),
            (E_raw / E_raw.sum(axis=0, keepdims=True),
             "exp overflowed (or underflowed to 0/0): subtract each column's max before exp, "
             "softmax(z) = softmax(z - max(z)) gives the same probabilities without overflow"),
            (E_all / E_all.sum(axis=0, keepdims=True),
             "you subtracted the max of the whole matrix: columns far below it underflow to 0/0. "
             "Subtract each column's own max, Z.max(axis=0, keepdims=True)"),
            (E_col / E_col.sum(axis=1, keepdims=True), wrong_axis),
            (E_row / E_row.sum(axis=1, keepdims=True), wrong_axis),
            (E_raw / E_raw.sum(axis=1, keepdims=True), wrong_axis),
            (E_row / E_row.sum(axis=0, keepdims=True),
             "you subtracted each row's max (axis=1): only a constant per column leaves softmax unchanged. "
             "Subtract each column's max, Z.max(axis=0, keepdims=True)"),
            (E_col / E_col.sum(), "you divided by the sum over the whole matrix: divide each column by its own "
             "sum, np.sum(T, axis=0, keepdims=True), so that every column (example) sums to 1"),
            (E_col, not_normalized),
            (E_raw, not_normalized),
            (1.0 / (1.0 + np.exp(-Z)),
             "this is the sigmoid of each entry: softmax is not applied entry by entry, it divides exp(z_k) by "
             "the sum of exp over the whole column, so that each column sums to 1"),
            (Z / Z.sum(axis=0, keepdims=True),
             "you divided Z by its column sums without exponentiating: first t = exp(Z - max of the column), "
             "then divide t by its column sums"),
            ((Z - Z.max(axis=0, keepdims=True)) - np.log(E_col.sum(axis=0, keepdims=True)),
             "these are log-probabilities (log-softmax): return the probabilities themselves, "
             "exp(Z - max) divided by its column sums"),
            ((Z == Z.max(axis=0, keepdims=True)).astype(float),
             "this is hardmax (1 at the largest logit, 0 elsewhere): softmax keeps some probability for every "
             "class, exp(Z - max) divided by its column sums"),
        ]


def _numbers(values: np.ndarray) -> str:
    shown = ", ".join(f"{float(v):.4g}" for v in values[:6])
    return f"[{shown}{', ...' if values.size > 6 else ''}]"


def _judge_softmax(case: Case, output) -> None:
    Z = case.args["Z"]
    expected = _columns_softmax(Z)
    got = output
    if isinstance(got, np.ndarray) and got.shape == expected.shape and np.issubdtype(got.dtype, np.number):
        got = got.astype(np.float64)
        if not np.allclose(got, expected, rtol=1e-6, atol=1e-8):
            finite = np.isfinite(got).all()
            what = "softmax(Z) is wrong" if finite else "softmax(Z) contains NaN or inf"
            for wrong_value, message in _softmax_mistakes(Z):
                if np.allclose(got, wrong_value, rtol=1e-6, atol=1e-8, equal_nan=True):
                    raise CheckFailed(f"{what} {describe(case)}: {message}")
            if not finite:
                column = int(np.flatnonzero(~np.isfinite(got).all(axis=0))[0])
                raise CheckFailed(
                    f"{what} {describe(case)}: column {column} (example {column}) is {_numbers(got[:, column])} for "
                    f"the logits {_numbers(Z[:, column])}: exp overflowed or a column summed to 0. Subtract each "
                    "column's max before exp"
                )
            column = int(np.argmax(np.abs(got - expected).max(axis=0)))
            located = (f"column {column} (example {column}) is {_numbers(got[:, column])}, expected "
                       f"{_numbers(expected[:, column])} for the logits {_numbers(Z[:, column])}")
            sums = got.sum(axis=0)
            if not np.allclose(sums, 1.0):
                raise CheckFailed(
                    f"softmax(Z) has wrong values {describe(case)}: each column should sum to 1, "
                    f"yours sum to {np.array2string(sums, precision=4)}; {located}"
                )
            raise CheckFailed(
                f"softmax(Z) has wrong values {describe(case)}: {located}. Your columns sum to 1, so look at what "
                "you exponentiate: each logit minus a constant taken from its own column only"
            )
    expect_array(case, output, expected, "softmax(Z)")


# ----------------------------------------------------------------------------------------- cross-entropy


def _probabilities(seed: int, n_classes: int, m: int, scale: float = 1.5):
    rng = np.random.default_rng(seed)
    AL = _columns_softmax(scale * rng.normal(size=(n_classes, m)))
    Y = _one_hot(rng.integers(0, n_classes, size=m), n_classes)
    return AL, Y


def _cost_cases():
    AL, Y = _probabilities(41, 3, 5)
    AL10, Y10 = _probabilities(42, 10, 4)
    AL1, Y1 = _probabilities(43, 4, 1)
    return [
        Case("3 classes, 5 examples", {"AL": AL, "Y": Y}),
        Case("10 classes, 4 examples", {"AL": AL10, "Y": Y10}),
        Case("a single example, 4 classes", {"AL": AL1, "Y": Y1}),
    ]


def _cost_hidden_cases():
    AL, Y = _probabilities(44, 6, 9, scale=3.0)
    confident = np.array([[0.98, 0.01, 0.3], [0.01, 0.98, 0.3], [0.01, 0.01, 0.4]])
    AL2, Y2 = _probabilities(45, 2, 7)
    return [
        Case("6 classes, 9 examples", {"AL": AL, "Y": Y}),
        Case("confident predictions, 3 examples", {"AL": confident, "Y": np.eye(3)}),
        Case("two classes (C = 2), 7 examples", {"AL": AL2, "Y": Y2}),
    ]


def _cost_mistakes(AL: np.ndarray, Y: np.ndarray) -> list:
    """(wrong cost, message) pairs for the scalar mistakes."""
    C, m = Y.shape
    log_likelihood = np.sum(Y * np.log(AL))
    over_classes = "average over the m examples (columns), not over classes"
    squared = "this is a squared error: the softmax cost is the cross-entropy, -(1/m) * np.sum(Y * np.log(AL))"
    return [
        (-log_likelihood / C, over_classes),
        (-log_likelihood / (C * m), over_classes + " (np.mean over the whole (C, m) array divides by C*m)"),
        (-log_likelihood, "you summed the losses but did not average them: divide by m, the number of examples"),
        (-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m,
         "this is the binary (sigmoid) cross-entropy: with softmax only the y_k log a_k terms appear, "
         "drop the (1 - Y) log(1 - AL) terms"),
        (-np.sum(np.log(AL)) / m, "you summed log(a_k) over every class: multiply element-wise by the one-hot "
                                  "Y so that only the true class counts, -(1/m) * np.sum(Y * np.log(AL)) (note: "
                                  "np.sum(np.dot(Y, np.log(AL).T)) gives this same wrong sum)"),
        (-np.sum(Y.T @ np.log(AL)) / m, "np.dot(Y.T, np.log(AL)) pairs every example with every other example: "
                                        "multiply element-wise, -(1/m) * np.sum(Y * np.log(AL))"),
        (log_likelihood / m, "wrong sign: the cost is minus the average log-probability of the true class, "
                             "so it is >= 0"),
        (-np.sum(Y * np.log10(AL)) / m, "np.log10 is the base-10 log: the cross-entropy uses the natural log, np.log"),
        (-np.mean(np.log(AL.max(axis=0))), "you took the probability of the predicted class (AL.max): the cost "
                                           "uses the probability of the TRUE class, picked out by the one-hot Y"),
        (np.sum((AL - Y) ** 2) / m, squared),
        (np.sum((AL - Y) ** 2) / (2 * m), squared),
    ]


def _judge_cost(case: Case, output) -> None:
    AL, Y = case.args["AL"], case.args["Y"]
    C, m = Y.shape
    per_example = -np.sum(Y * np.log(AL), axis=0)
    expected = per_example.mean()
    array = output if isinstance(output, np.ndarray) else None
    if array is not None and array.size == m > 1 and np.issubdtype(array.dtype, np.number) \
            and np.allclose(array.ravel(), per_example):
        raise CheckFailed(
            f"cost should be a single number, got one loss per example (shape {array.shape}) {describe(case)}: "
            "average them over the m examples"
        )
    per_class = -np.sum(Y * np.log(AL), axis=1) / m
    if array is not None and array.size == C > 1 and np.issubdtype(array.dtype, np.number) \
            and np.allclose(array.ravel(), per_class):
        raise CheckFailed(
            f"cost should be a single number, got one value per class (shape {array.shape}) {describe(case)}: "
            "you summed over the examples only (axis=1); sum over the classes and the examples, then divide by m"
        )
    if array is not None and array.ndim == 2 and array.shape in ((C, C), (m, m)) and array.size > 1:
        raise CheckFailed(
            f"cost should be a single number, got a matrix of shape {array.shape} {describe(case)}: that is a matrix "
            "product (np.dot) of Y and log(AL). Multiply element-wise, Y * np.log(AL), then sum and divide by m"
        )
    try:
        expect_number(case, output, expected, "cost", mistakes=_cost_mistakes(AL, Y))
    except CheckFailed as failure:
        if "has wrong values" not in str(failure):
            raise
        value = float(np.asarray(output, dtype=np.float64).reshape(()))
        true_class = np.argmax(Y, axis=0)
        more = " ..." if m > 6 else ""
        raise CheckFailed(
            f"cost has wrong values {describe(case)}: yours is {value:.6g}, expected {expected:.6g}, the mean over "
            f"the m = {m} examples of -log(AL[true class, i]) (true classes {true_class[:6].tolist()}{more}, "
            f"losses {_numbers(per_example)}). Look at which entries of AL enter the log and at what you divide by"
        ) from None


# ------------------------------------------------------------------------------------------- backward dZ


def _dz_model(seed: int, n_x: int, n_classes: int, m: int, scale: float = 1.0) -> dict:
    """A 1-layer softmax model: inputs, parameters, labels and its output AL (all fixed by ``seed``)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    W1 = scale * rng.normal(size=(n_classes, n_x))
    b1 = 0.5 * rng.normal(size=(n_classes, 1))
    Y = _one_hot(rng.integers(0, n_classes, size=m), n_classes)
    return {"X": X, "W1": W1, "b1": b1, "Y": Y, "AL": _columns_softmax(W1 @ X + b1)}


_DZ_MODELS = {
    "3 classes, 5 examples": _dz_model(51, 4, 3, 5),
    "10 classes, 6 examples": _dz_model(52, 5, 10, 6),
    "a single example, 4 classes": _dz_model(53, 3, 4, 1),
    "6 classes, 8 examples": _dz_model(54, 5, 6, 8),
    "two classes (C = 2), 7 examples": _dz_model(55, 3, 2, 7),
    "confident model (large weights), 5 examples": _dz_model(56, 4, 3, 5, scale=4.0),
}
_DZ_VISIBLE = ("3 classes, 5 examples", "10 classes, 6 examples", "a single example, 4 classes")


def _dz_case(label: str) -> Case:
    model = _DZ_MODELS[label]
    return Case(label, {"AL": model["AL"].copy(), "Y": model["Y"].copy()})


def _dz_cases():
    return [_dz_case(label) for label in _DZ_VISIBLE]


def _dz_hidden_cases():
    return [_dz_case(label) for label in _DZ_MODELS if label not in _DZ_VISIBLE]


def _gradient_check_dz(case: Case, dZ: np.ndarray):
    """Gradient-check dW1 = (1/m) dZ X^T, db1 = mean of dZ against the reference cost of the case's 1-layer model."""
    model = _DZ_MODELS[case.label]
    X, Y = model["X"], model["Y"]
    m = X.shape[1]

    def cost(parameters):
        AL = reference_activations.softmax(parameters["W1"] @ X + parameters["b1"])
        return reference_costs.softmax_cross_entropy(AL, Y)

    grads = {"dW1": dZ @ X.T / m, "db1": dZ.sum(axis=1, keepdims=True) / m}
    return gradient_check(cost, {"W1": model["W1"], "b1": model["b1"]}, grads)


def _judge_dz(case: Case, output) -> None:
    AL, Y = case.args["AL"], case.args["Y"]
    m = AL.shape[1]
    expected = AL - Y
    try:
        expect_array(
            case,
            output,
            expected,
            "dZ",
            mistakes=[
                (Y - AL, "the sign is flipped: dZ = AL - Y (the cost grows when AL moves away from Y)"),
                ((AL - Y) / m, "do not divide by m here: dZ is per example (course convention), "
                               "the 1/m enters later, in dW = (1/m) dZ A_prev^T and db"),
                ((Y - AL) / m, "the sign is flipped and the 1/m does not belong here: dZ = AL - Y"),
                ((AL - Y) * AL * (1 - AL), "AL * (1 - AL) is the sigmoid's derivative: with softmax and "
                                          "cross-entropy the chain rule simplifies to dZ = AL - Y"),
                (-Y / AL, "-Y / AL is dJ/dAL (per example), not dZ: through the softmax it simplifies to AL - Y"),
                (AL - 1, "you subtracted 1 from every entry: subtract y_k, which is 1 only at the true class and 0 "
                         "elsewhere, dZ = AL - Y"),
                (Y * (AL - 1), "only the true class's entries are filled in: the other classes get "
                               "dZ_k = a_k - 0 = a_k, so dZ = AL - Y everywhere"),
                (AL * (AL - Y), "the extra factor AL does not belong: with softmax and cross-entropy the chain rule "
                                "simplifies to dZ = AL - Y"),
            ],
        )
    except CheckFailed as failure:
        got = np.asarray(output) if isinstance(output, np.ndarray) else None
        if got is None or got.shape != expected.shape or not np.isfinite(got).all():
            raise
        if "has wrong values" in str(failure):
            k, i = np.unravel_index(np.argmax(np.abs(got - expected)), got.shape)
            failure = CheckFailed(
                f"{failure}: entry [{k}, {i}] is class {k} of example {i}, where AL = {AL[k, i]:.4g} and "
                f"Y = {Y[k, i]:g}, so dZ = AL - Y = {expected[k, i]:.4g}"
            )
        report = _gradient_check_dz(case, got.astype(np.float64))
        if report.passed:
            raise failure from None
        worst = ", ".join(f"{name} (relative error {report[name].relative_error:.2g})" for name in report.culprits)
        raise CheckFailed(
            f"{failure}\nGradient check of a 1-layer softmax model built with your dZ "
            f"(dW1 = (1/m) dZ X^T, db1 = (1/m) sum(dZ, axis=1)) against the numeric gradient of the cost: "
            f"wrong {worst or 'gradients'}"
        ) from None
    report = _gradient_check_dz(case, np.asarray(output, dtype=np.float64))
    if not report.passed:  # only if the reference kernels disagreed with AL - Y
        raise CheckFailed(f"gradient check of dZ failed {describe(case)}:\n{report}")


# ------------------------------------------------------------------------------------- the training loop


def _gradient_descent(X, Y, learning_rate: float, num_iterations: int, mistake: str = "") -> tuple:
    """Softmax regression by batch gradient descent from zeros: (W1, b1, costs); ``mistake`` simulates one bug."""
    C, m = Y.shape
    W, b = np.zeros((C, X.shape[0])), np.zeros((C, 1))
    costs = []
    for _ in range(num_iterations):
        A = _columns_softmax(W @ X + b)
        dZ = A - Y
        scale = 1.0 if mistake == "no 1/m" else 1.0 / m
        dW, db = scale * dZ @ X.T, scale * dZ.sum(axis=1, keepdims=True)
        if mistake == "ascent":
            dW, db = -dW, -db
        if mistake == "b frozen":
            db = 0.0 * db
        if mistake != "cost after":
            costs.append(-np.sum(Y * np.log(A)) / m)
        W, b = W - learning_rate * dW, b - learning_rate * db
        if mistake == "cost after":
            costs.append(-np.sum(Y * np.log(_columns_softmax(W @ X + b))) / m)
    return W, b, np.array(costs)


_TRAINING_MISTAKES = {
    "no 1/m": "dW and db are sums over the examples, not averages: divide them by m, dW = (1/m) dZ X^T and "
              "db = (1/m) np.sum(dZ, axis=1, keepdims=True)",
    "ascent": "the cost goes up: that is gradient ascent. Subtract the gradients, W = W - learning_rate * dW",
    "b frozen": "b never changes: update it too, b = b - learning_rate * db with db = (1/m) np.sum(dZ, axis=1, "
                "keepdims=True) (np.sum(dZ) over the whole matrix is 0, because every column of dZ = A - Y sums "
                "to 0)",
    "cost after": "your costs are the costs after each update: record the cost of the parameters used in the "
                  "forward pass, before updating them",
}


def _training_data(seed: int, n_x: int, n_classes: int, m: int, learning_rate: float, num_iterations: int) -> dict:
    rng = np.random.default_rng(seed)
    labels = np.arange(m) % n_classes  # every class present
    centres = 2.0 * rng.normal(size=(n_x, n_classes))
    X = centres[:, labels] + rng.normal(size=(n_x, m))
    return {"X": X, "Y": _one_hot(labels, n_classes), "learning_rate": learning_rate, "num_iterations": num_iterations}


def _training_cases():
    return [
        Case("3 classes, 4 features, 12 examples, 20 iterations", _training_data(71, 4, 3, 12, 0.5, 20)),
        Case("2 classes, 2 features, 8 examples, 5 iterations", _training_data(72, 2, 2, 8, 1.0, 5)),
        Case("a single iteration, 4 classes", _training_data(73, 3, 4, 10, 0.3, 1)),
    ]


def _training_hidden_cases():
    return [
        Case("5 classes, 8 features, 40 examples, 60 iterations", _training_data(74, 8, 5, 40, 0.8, 60)),
        Case("10 classes, 6 features, 30 examples, 15 iterations, small learning rate",
             _training_data(75, 6, 10, 30, 0.05, 15)),
        Case("zero iterations: the parameters stay at zero", _training_data(76, 3, 3, 6, 0.5, 0)),
    ]


def _judge_training(case: Case, output) -> None:
    X, Y = case.args["X"], case.args["Y"]
    learning_rate, num_iterations = case.args["learning_rate"], case.args["num_iterations"]
    (C, m), n_x = Y.shape, X.shape[0]
    parameters, costs = unpack(case, output, 2, "train_softmax_regression")
    parameters = expect_dict(case, parameters, ("W1", "b1"), "train_softmax_regression's parameters")
    b1 = parameters["b1"]
    if isinstance(b1, np.ndarray) and b1.shape == (C, m) and m != 1:
        raise CheckFailed(
            f"b1 has shape {b1.shape}, one column per example {describe(case)}: db sums dZ over the examples, "
            "(1/m) np.sum(dZ, axis=1, keepdims=True), of shape (C, 1)"
        )
    W, b, expected_costs = _gradient_descent(X, Y, learning_rate, num_iterations)
    with np.errstate(all="ignore"):  # gradient ascent drives probabilities to 0 and their log to -inf
        simulated = {mistake: _gradient_descent(X, Y, learning_rate, num_iterations, mistake)
                     for mistake in _TRAINING_MISTAKES}
    try:
        costs = np.asarray(costs, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        costs = None
    if costs is None or costs.size != num_iterations:
        got = "something else" if costs is None else f"{costs.size} number(s)"
        raise CheckFailed(
            f"costs should hold num_iterations = {num_iterations} numbers, the cost of each iteration, got {got} "
            f"{describe(case)}"
        )
    wrong = ~np.isclose(costs, expected_costs, rtol=1e-6, atol=1e-9)
    if wrong.any():
        for mistake, message in _TRAINING_MISTAKES.items():
            if np.allclose(costs, simulated[mistake][2], rtol=1e-6, atol=1e-9):
                raise CheckFailed(f"the costs are wrong {describe(case)}: {message}")
        if num_iterations and not np.isclose(costs[0], np.log(C), rtol=1e-9):
            raise CheckFailed(
                f"the first cost is {costs[0]:.6g}, expected log(C) = log({C}) = {np.log(C):.6g} {describe(case)}: "
                "with W1 and b1 at zero every class gets probability 1/C. Start from zeros, and record the cost of "
                "the forward pass before the first update"
            )
        k = int(np.argmax(wrong))
        raise CheckFailed(
            f"the costs go wrong at iteration {k} {describe(case)}: got {costs[k]:.6g}, expected "
            f"{expected_costs[k]:.6g} (the costs before it match). The parameters used at iteration {k} come "
            f"from the update at iteration {k - 1}: look at dW = (1/m) dZ X^T, db = (1/m) np.sum(dZ, axis=1, "
            "keepdims=True) and W = W - learning_rate * dW"
        )
    for name, expected, index in (("W1", W, 0), ("b1", b, 1)):
        mistakes = [(simulated[mistake][index], message) for mistake, message in _TRAINING_MISTAKES.items()]
        expect_array(case, parameters[name], expected, name, mistakes=mistakes, rtol=1e-6, atol=1e-9)


EXERCISES = exercise_table(
    Exercise(
        name="softmax",
        visible_cases=_softmax_cases,
        hidden_cases=_softmax_hidden_cases,
        judge=_judge_softmax,
        forbidden=(reference_activations, reference_mlp),
    ),
    Exercise(
        name="softmax_cross_entropy_cost",
        visible_cases=_cost_cases,
        hidden_cases=_cost_hidden_cases,
        judge=_judge_cost,
        forbidden=(reference_costs, reference_mlp),
    ),
    Exercise(
        name="softmax_backward_dz",
        visible_cases=_dz_cases,
        hidden_cases=_dz_hidden_cases,
        judge=_judge_dz,
        forbidden=(reference_activations, reference_costs, reference_mlp),
    ),
    Exercise(
        name="train_softmax_regression",
        visible_cases=_training_cases,
        hidden_cases=_training_hidden_cases,
        judge=_judge_training,
        forbidden=(reference_activations, reference_costs, reference_mlp, reference_training),
    ),
)
