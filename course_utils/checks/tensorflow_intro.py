"""Checks for the week 3 TensorFlow notebook: a cost built from TF ops, GradientTape, optimizers, softmax cost.

TensorFlow is an optional extra (``pip install -e ".[tf]"``). This module must import without it, because
every module of ``course_utils.checks`` is imported to find the exercises: TensorFlow is imported lazily,
only when the cases of an exercise are built.

The student's functions receive TensorFlow objects (``tf.Variable``, ``tf.constant``, a Keras optimizer),
created afresh each time the cases are built. The judges never look at those objects: each case label
points to plain NumPy data in this module (``_QUADRATIC``, ``_COEFFICIENT``, ...), from which the expected
answers are computed with NumPy. Outputs reach the judges as plain data (``to_plain`` turns an eager tensor
or a Variable into a NumPy array).
"""

from __future__ import annotations

import os

import numpy as np

from course_utils import activations as reference_activations
from course_utils import costs as reference_costs
from course_utils import mlp as reference_mlp
from course_utils.checks.framework import Case, CheckFailed, describe, Exercise, exercise_table, expect_array, unpack

TF_MISSING = (
    "TensorFlow is not installed in this environment. It is an optional extra of the course: "
    "run  pip install -e \".[tf]\"  in the course folder (CPU build), then restart the kernel."
)


def _tf():
    """Import TensorFlow quietly (no C++ info logs, oneDNN's reordered sums off), or explain how to install it."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    try:
        import tensorflow as tf
    except ImportError as error:
        raise ModuleNotFoundError(TF_MISSING) from error
    return tf



def _tensor(tf, value, kind: str = "variable"):
    value = np.asarray(value, dtype=np.float64)
    return tf.Variable(value) if kind == "variable" else tf.constant(value)


def _expect_with_hint(case: Case, got, expected, what: str, mistakes, hint: str, **tolerances) -> None:
    """``expect_array``, with ``hint`` (what the value should be, and what to look at) added to its generic message."""
    try:
        expect_array(case, got, expected, what, mistakes=mistakes, **tolerances)
    except CheckFailed as failure:
        if "has wrong values" not in str(failure):
            raise
        raise CheckFailed(f"{failure}. {hint}") from None


def _not_none(case: Case, output, what: str):
    if output is None:
        raise CheckFailed(f"{what} is None {describe(case)}: did you forget a `return`?")
    return output


# ----------------------------------------------------------------------------------- the quadratic cost
# Each entry: label -> (w, kind) with kind "variable" (tf.Variable) or "constant" (tf.constant).

_QUADRATIC = {
    "w = 2": (2.0, "variable"),
    "w = 0, where the notes' example starts": (0.0, "variable"),
    "w = 5, the minimum": (5.0, "variable"),
    "w = -3.5": (-3.5, "variable"),
    "w = 12": (12.0, "variable"),
    "w is a tf.constant equal to 7.25": (7.25, "constant"),
    "w is a vector [0, 1, 5, 9] (the cost is taken entrywise)": ([0.0, 1.0, 5.0, 9.0], "variable"),
}
_QUADRATIC_VISIBLE = ("w = 2", "w = 0, where the notes' example starts", "w = 5, the minimum")


def _quadratic_case(label: str) -> Case:
    value, kind = _QUADRATIC[label]
    return Case(label, {"w": _tensor(_tf(), value, kind)})


def _quadratic_cases():
    return [_quadratic_case(label) for label in _QUADRATIC_VISIBLE]


def _quadratic_hidden_cases():
    return [_quadratic_case(label) for label in _QUADRATIC if label not in _QUADRATIC_VISIBLE]


def _judge_quadratic(case: Case, output) -> None:
    w = np.asarray(_QUADRATIC[case.label][0], dtype=np.float64)
    _expect_with_hint(
        case,
        _not_none(case, output, "J(w)"),
        w**2 - 10 * w + 25,
        "J(w)",
        hint=(f"At w = {np.array2string(w)}, J(w) = w**2 - 10*w + 25 = (w - 5)**2 is "
              f"{np.array2string((w - 5) ** 2)}: check each of the three terms and its sign"),
        mistakes=[
            (w**2 + 10 * w + 25, "sign error on the linear term: J(w) = w**2 - 10*w + 25 (minus 10 w); "
                                 "with +10 w the minimum would move to w = -5"),
            (w**2 - 10 * w - 25, "the constant term is +25, not -25"),
            (w**2 - 10 * w, "the constant +25 is missing (it does not move the minimum, but J(5) must be 0)"),
            (2 * w - 10, "this is the derivative dJ/dw = 2w - 10, not the cost J(w) itself"),
            (w - 5, "(w - 5) must be squared: J(w) = (w - 5)**2 = w**2 - 10*w + 25"),
            (-(w**2) + 10 * w - 25, "wrong sign: J(w) = w**2 - 10*w + 25 is >= 0, with its minimum 0 at w = 5"),
            (2 * w - 10 * w + 25, "w*2 doubles w: the square is w**2 (or tf.square(w))"),
            (w**2 - 10 + 25, "the linear term lost its w: it is -10*w, not -10"),
        ],
    )


# ----------------------------------------------------------------------- coefficients fed in as data x
# label -> (w, x, kind of w)

_COEFFICIENT = {
    "x = [1, -10, 25] (the notes' example), w = 1": (1.0, [1.0, -10.0, 25.0], "variable"),
    "x = [2, -3, 1], w = 0.5": (0.5, [2.0, -3.0, 1.0], "variable"),
    "x = [-1, 4, 0.5], w = 3": (3.0, [-1.0, 4.0, 0.5], "variable"),
    "x = [0.5, 0, -8], w = -4": (-4.0, [0.5, 0.0, -8.0], "variable"),
    "x = [3, 7, 2], w = 2.5 as a tf.constant": (2.5, [3.0, 7.0, 2.0], "constant"),
    "x = [0, 6, -1], w = 1.5 (no w**2 term)": (1.5, [0.0, 6.0, -1.0], "variable"),
}
_COEFFICIENT_VISIBLE = tuple(list(_COEFFICIENT)[:3])


def _coefficient_case(label: str) -> Case:
    tf = _tf()
    w, x, kind = _COEFFICIENT[label]
    return Case(label, {"w": _tensor(tf, w, kind), "x": tf.constant(np.asarray(x, dtype=np.float64))})


def _coefficient_cases():
    return [_coefficient_case(label) for label in _COEFFICIENT_VISIBLE]


def _coefficient_hidden_cases():
    return [_coefficient_case(label) for label in _COEFFICIENT if label not in _COEFFICIENT_VISIBLE]


def _polynomial(w, x):
    return x[0] * w**2 + x[1] * w + x[2]


def _coefficient_mistakes(w: float, x) -> list:
    return [
        (x[2] * w**2 + x[1] * w + x[0], "the coefficients are reversed: x[0] multiplies w**2, x[1] multiplies w "
                                         "and x[2] is the constant term"),
        (w**2 - 10 * w + 25, "this is the notes' quadratic with its numbers written in: "
                             "take the coefficients from x (x[0], x[1], x[2]) so that new data gives a new cost"),
        (x[0] * w**2 + x[1] * w, "the constant term x[2] is missing"),
        (x[0] * 2 * w + x[1] * w + x[2], "w*2 doubles w: the square is w**2 (or tf.square(w))"),
        (2 * x[0] * w + x[1], "this is the derivative dJ/dw, not the cost"),
        (x[0] * w + x[1] * w + x[2], "x[0] multiplies w**2, not w: J = x[0] * w**2 + x[1] * w + x[2]"),
        (x[1] * w**2 + x[0] * w + x[2], "x[0] and x[1] are swapped: x[0] multiplies w**2 and x[1] multiplies w"),
        (w * (x[0] + x[1] + x[2]), "this is w times the sum of the coefficients (tf.reduce_sum(x * w)): each "
                                   "coefficient multiplies its own power of w, x[0] * w**2 + x[1] * w + x[2]"),
    ]


def _coefficient_hint(w: float, x) -> str:
    return (f"At w = {w:g} with x = {np.array2string(np.asarray(x))}, J = x[0]*w**2 + x[1]*w + x[2] = "
            f"{x[0] * w**2:g} + {x[1] * w:g} + {x[2]:g} = {_polynomial(w, x):g}: compare each term with yours")


def _judge_coefficient(case: Case, output) -> None:
    w, x, _ = _COEFFICIENT[case.label]
    x = np.asarray(x, dtype=np.float64)
    _expect_with_hint(
        case,
        _not_none(case, output, "J(w; x)"),
        _polynomial(w, x),
        "J(w; x)",
        mistakes=_coefficient_mistakes(w, x),
        hint=_coefficient_hint(w, x),
    )


# ---------------------------------------------------------------------------- cost and its gradient

_GRADIENT = {
    "x = [1, -10, 25], w = 0 (a tf.Variable)": (0.0, [1.0, -10.0, 25.0], "variable"),
    "x = [2, -3, 1], w = 3 (a tf.Variable)": (3.0, [2.0, -3.0, 1.0], "variable"),
    "x = [1, -10, 25], w = 1.5 given as a tf.constant": (1.5, [1.0, -10.0, 25.0], "constant"),
    "x = [0.5, 1, 0], w = -2 given as a tf.constant": (-2.0, [0.5, 1.0, 0.0], "constant"),
    "x = [1, -10, 25], w = 5 (the minimum: gradient 0)": (5.0, [1.0, -10.0, 25.0], "variable"),
    "x = [-2, 3, 4], w = 0.75 (a tf.Variable)": (0.75, [-2.0, 3.0, 4.0], "variable"),
}
_GRADIENT_VISIBLE = tuple(list(_GRADIENT)[:3])

NONE_GRADIENT = (
    "tape.gradient returned None: was w a tf.Variable (or watched)? A tape only records operations on "
    "trainable tf.Variables and on tensors passed to tape.watch(...): when w is a tf.constant, call "
    "tape.watch(w) first. Also compute the cost inside the `with tf.GradientTape() as tape:` block and "
    "with TensorFlow operations only (NumPy functions or .numpy() cut the tape)"
)


def _gradient_case(label: str) -> Case:
    tf = _tf()
    w, x, kind = _GRADIENT[label]
    return Case(label, {"w": _tensor(tf, w, kind), "x": tf.constant(np.asarray(x, dtype=np.float64))})


def _gradient_cases():
    return [_gradient_case(label) for label in _GRADIENT_VISIBLE]


def _gradient_hidden_cases():
    return [_gradient_case(label) for label in _GRADIENT if label not in _GRADIENT_VISIBLE]


def _judge_gradient(case: Case, output) -> None:
    w, x, _ = _GRADIENT[case.label]
    x = np.asarray(x, dtype=np.float64)
    cost, gradient = unpack(case, _not_none(case, output, "cost_and_gradient's output"), 2, "cost_and_gradient")
    _expect_with_hint(case, _not_none(case, cost, "the cost"), _polynomial(w, x), "the cost",
                      mistakes=_coefficient_mistakes(w, x), hint=_coefficient_hint(w, x))
    if gradient is None:
        raise CheckFailed(f"{NONE_GRADIENT} {describe(case)}")
    if isinstance(gradient, np.ndarray) and gradient.shape == (3,):
        raise CheckFailed(
            f"dJ/dw has shape (3,) {describe(case)}: this looks like the gradient with respect to the data x. "
            "Differentiate with respect to the parameter: tape.gradient(cost, w)"
        )
    expected = 2 * x[0] * w + x[1]
    _expect_with_hint(
        case,
        gradient,
        expected,
        "dJ/dw",
        hint=(f"At w = {w:g} with x = {np.array2string(x)}, dJ/dw = 2*x[0]*w + x[1] = {expected:g}. Return "
              "tape.gradient(J, w) with J computed inside the tape from the same w"),
        mistakes=[
            (-expected, "the sign is flipped: return tape.gradient(cost, w) as it is (the optimizer subtracts it)"),
            (2 * w - 10, "2w - 10 is the derivative of the notes' example only: differentiate the cost built "
                         "from x"),
            (_polynomial(w, x), "this is the cost again, not its gradient"),
            (2 * x[0] * w, "the term x[1] is missing: dJ/dw = 2 x[0] w + x[1]"),
            (x[0] * w + x[1], "the factor 2 is missing: the derivative of x[0] w**2 is 2 x[0] w"),
        ],
    )


# ------------------------------------------------------------------------------- minimizing with an optimizer
# label -> (w0, x, optimizer spec, num_steps). Keras keeps the learning rate (and casts Adam's betas) in
# float32, so every hyperparameter here is exactly representable in float32 (0.125, 0.875, 1 - 2**-10...):
# the analytic iterates below then match TensorFlow's to rounding error.

_MINIMIZE = {
    "SGD, learning_rate = 0.125, x = [1, -10, 25], w0 = 0, 5 steps": (0.0, [1.0, -10.0, 25.0], ("sgd", 0.125, 0.0), 5),
    "SGD, learning_rate = 0.0625, x = [2, -3, 1], w0 = 4, 4 steps": (4.0, [2.0, -3.0, 1.0], ("sgd", 0.0625, 0.0), 4),
    "Adam (learning_rate = 0.25, beta_1 = 0.875, beta_2 = 1 - 2**-10), x = [1, -10, 25], w0 = 0, 6 steps": (0.0, [1.0, -10.0, 25.0], ("adam", 0.25, 0.0), 6),
    "SGD with momentum 0.5, learning_rate = 0.125, x = [0.5, 2, -1], w0 = -3, 5 steps": (
        -3.0, [0.5, 2.0, -1.0], ("sgd", 0.125, 0.5), 5),
    "Adam (learning_rate = 0.5, beta_1 = 0.875, beta_2 = 1 - 2**-10), x = [3, 1, 0], w0 = 2, 4 steps": (2.0, [3.0, 1.0, 0.0], ("adam", 0.5, 0.0), 4),
    "SGD, learning_rate = 0.25, x = [1, -10, 25], w0 = 9, a single step": (9.0, [1.0, -10.0, 25.0], ("sgd", 0.25, 0.0), 1),
}
_MINIMIZE_VISIBLE = tuple(list(_MINIMIZE)[:3])
ADAM_BETA_1, ADAM_BETA_2, ADAM_EPSILON = 0.875, 1.0 - 2.0**-10, 1e-7


def _make_optimizer(tf, spec):
    kind, learning_rate, momentum = spec
    if kind == "adam":
        return tf.keras.optimizers.Adam(learning_rate=learning_rate, beta_1=ADAM_BETA_1, beta_2=ADAM_BETA_2,
                                        epsilon=ADAM_EPSILON)
    return tf.keras.optimizers.SGD(learning_rate=learning_rate, momentum=momentum)


def _minimize_case(label: str) -> Case:
    tf = _tf()
    w0, x, spec, steps = _MINIMIZE[label]
    return Case(label, {
        "w": tf.Variable(np.float64(w0)),
        "x": tf.constant(np.asarray(x, dtype=np.float64)),
        "optimizer": _make_optimizer(tf, spec),
        "num_steps": steps,
    })


def _minimize_cases():
    return [_minimize_case(label) for label in _MINIMIZE_VISIBLE]


def _minimize_hidden_cases():
    return [_minimize_case(label) for label in _MINIMIZE if label not in _MINIMIZE_VISIBLE]


def _iterates(w0: float, x, spec, steps: int, sign: float = 1.0, frozen: bool = False) -> np.ndarray:
    """w after each of ``steps`` updates of Keras's SGD (with momentum) or Adam on x0 w^2 + x1 w + x2.

    ``sign=-1`` feeds the optimizer minus the gradient, ``frozen=True`` the gradient at w0 at every step (two
    recognized mistakes). Keras 3 formulas:
    SGD: v = momentum v - lr g, w += v (w -= lr g without momentum);
    Adam: m += (1-b1)(g-m), v += (1-b2)(g^2-v), w -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps).
    """
    kind, learning_rate, momentum = spec
    w, velocity, m, v = float(w0), 0.0, 0.0, 0.0
    beta_1, beta_2, epsilon = ADAM_BETA_1, ADAM_BETA_2, ADAM_EPSILON
    history = []
    for t in range(1, steps + 1):
        g = sign * (2 * x[0] * (w0 if frozen else w) + x[1])
        if kind == "adam":
            m += (1 - beta_1) * (g - m)
            v += (1 - beta_2) * (g * g - v)
            alpha = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
            w -= alpha * m / (np.sqrt(v) + epsilon)
        elif momentum:
            velocity = momentum * velocity - learning_rate * g
            w += velocity
        else:
            w -= learning_rate * g
        history.append(w)
    return np.array(history)


def _judge_minimize(case: Case, output) -> None:
    w0, x, spec, steps = _MINIMIZE[case.label]
    x = np.asarray(x, dtype=np.float64)
    output = _not_none(case, output, "the list of w values")
    if isinstance(output, list) and any(value is None for value in output):
        raise CheckFailed(f"the list of w values contains None {describe(case)}: append w's value after each step")
    try:
        got = np.asarray(output, dtype=np.float64)
    except (TypeError, ValueError):
        raise CheckFailed(
            f"minimize should return a list of {steps} numbers (w after each step), got {type(output).__name__} "
            f"{describe(case)}"
        ) from None
    got = got.reshape(-1) if got.size == steps else got
    if got.shape != (steps,):
        hint = ""
        if got.size == steps + 1:
            hint = ": return only the value of w after each of the num_steps steps, not the starting value too"
        elif got.size == 1 and steps > 1:
            hint = ": return the whole history, one value of w per step (append it inside the loop)"
        raise CheckFailed(
            f"minimize returned {got.size} value(s), expected {steps} (one per step) {describe(case)}{hint}"
        )
    expected = _iterates(w0, x, spec, steps)
    kind, learning_rate, momentum = spec
    mistakes = [
        (np.full(steps, expected[-1]), "every entry is the final w: you appended the Variable itself, which keeps "
                                       "changing. Append a copy of its current value: float(w.numpy())"),
        (np.concatenate([[w0], expected[:-1]]), "these are the values of w before each step: record w after "
                                                "optimizer.apply_gradients"),
        (_iterates(w0, x, spec, steps, sign=-1.0), "w moves away from the minimum: give apply_gradients the "
                                                   "gradient of the cost itself (the optimizer subtracts it)"),
        (_iterates(w0, np.array([1.0, -10.0, 25.0]), spec, steps),
         "this minimizes the notes' quadratic w**2 - 10*w + 25: build the cost from the coefficients in x"),
        (_iterates(w0, x, spec, steps, frozen=True),
         "every step used the gradient at the starting w: compute the cost and its gradient inside the loop, in a "
         "new tf.GradientTape at each step, so that each gradient is taken at the current w"),
        (_polynomial(np.concatenate([[w0], expected[:-1]]), x),
         "these are the costs before each step: return the values of w after each step, float(w.numpy())"),
        (_polynomial(expected, x), "these are the costs after each step: return the values of w, float(w.numpy())"),
    ]
    if kind == "adam" or momentum:
        plain = _iterates(w0, x, ("sgd", learning_rate, 0.0), steps)
        mistakes.insert(0, (plain, f"w moved like plain gradient descent with learning rate {learning_rate}: update "
                                   "w with the optimizer you were given, optimizer.apply_gradients([(gradient, w)]), "
                                   "not by hand (here it is " + ("Adam" if kind == "adam" else "SGD with momentum")
                                   + ")"))
    first = int(np.argmax(~np.isclose(got, expected, rtol=1e-6, atol=1e-9)))
    _expect_with_hint(case, got, expected, "w after each step", mistakes=mistakes, rtol=1e-6, atol=1e-9, hint=(
        f"The first wrong entry is step {first + 1}: w = {got[first]:.6g}, expected {expected[first]:.6g} (from "
        f"w = {([w0] + list(expected))[first]:.6g}, gradient 2*x[0]*w + x[1]). Look at how that step was taken"))


# ------------------------------------------------------------------------------- softmax cost in TensorFlow


def _one_hot(labels, n_classes: int) -> np.ndarray:
    Y = np.zeros((n_classes, len(labels)))
    Y[np.asarray(labels), np.arange(len(labels))] = 1.0
    return Y


def _softmax_model(seed: int, n_x: int, n_classes: int, m: int, scale: float = 1.0) -> dict:
    rng = np.random.default_rng(seed)
    return {
        "W": scale * rng.normal(size=(n_classes, n_x)),
        "b": 0.5 * rng.normal(size=(n_classes, 1)),
        "X": rng.normal(size=(n_x, m)),
        "Y": _one_hot(rng.integers(0, n_classes, size=m), n_classes),
    }


_SOFTMAX = {
    "3 classes, 4 features, 5 examples": _softmax_model(61, 4, 3, 5),
    "10 classes, 6 features, 7 examples": _softmax_model(62, 6, 10, 7),
    "a single example, 4 classes": _softmax_model(63, 3, 4, 1),
    "large logits (hundreds): exp would overflow": _softmax_model(64, 5, 3, 6, scale=300.0),
    "two classes, 8 examples": _softmax_model(65, 3, 2, 8),
    "6 classes, 2 features, 9 examples": _softmax_model(66, 2, 6, 9, scale=2.0),
    "5 classes, 4 features, 3 examples (more classes than examples)": _softmax_model(67, 4, 5, 3),
}
_SOFTMAX_VISIBLE = tuple(list(_SOFTMAX)[:4])


def _softmax_case(label: str) -> Case:
    tf = _tf()
    model = _SOFTMAX[label]
    return Case(label, {
        "W": tf.Variable(model["W"].copy()),
        "b": tf.Variable(model["b"].copy()),
        "X": tf.constant(model["X"]),
        "Y": tf.constant(model["Y"]),
    })


def _softmax_cases():
    return [_softmax_case(label) for label in _SOFTMAX_VISIBLE]


def _softmax_hidden_cases():
    return [_softmax_case(label) for label in _SOFTMAX if label not in _SOFTMAX_VISIBLE]


def _log_softmax(Z: np.ndarray, axis: int) -> np.ndarray:
    shifted = Z - Z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _per_example_losses(Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """-sum_k y_k log softmax(z)_k for each column: shape (m,)."""
    return -np.sum(Y * _log_softmax(Z, axis=0), axis=0)


def _judge_softmax_cost(case: Case, output) -> None:
    model = _SOFTMAX[case.label]
    W, b, X, Y = model["W"], model["b"], model["X"], model["Y"]
    C, m = Y.shape
    Z = W @ X + b
    losses = _per_example_losses(Z, Y)
    expected = losses.mean()
    layout = (
        "TensorFlow's tf.nn/Keras cross-entropy functions expect one example per ROW, logits of shape (m, C), "
        "and take the softmax over the last axis. Our Z = W X + b and Y are (C, m): pass tf.transpose(Z) and "
        "tf.transpose(Y) (or axis=0), otherwise the softmax runs over the examples"
    )
    row_losses = -np.sum(Y * _log_softmax(Z, axis=1), axis=1)  # what the untransposed tf.nn call computes
    output = _not_none(case, output, "the cost")
    if isinstance(output, np.ndarray) and output.size > 1 and np.issubdtype(output.dtype, np.number):
        flat = output.astype(np.float64).ravel()
        if flat.size == m and np.allclose(flat, losses):
            raise CheckFailed(
                f"the cost should be a single number, got one loss per example (shape {output.shape}) "
                f"{describe(case)}: average them over the m examples (tf.reduce_mean)"
            )
        if flat.size == C and np.allclose(flat, row_losses):
            raise CheckFailed(f"the cost has shape {output.shape}, one value per class {describe(case)}: {layout}")
    array = np.asarray(output)
    if array.size == 1 and np.issubdtype(array.dtype, np.number) and not np.isfinite(array).all():
        raise CheckFailed(
            f"the cost is {float(array.ravel()[0])} {describe(case)}: exp overflowed or log(0) appeared. Work with "
            "the logits directly: tf.nn.softmax_cross_entropy_with_logits (stable) or tf.nn.log_softmax, "
            "instead of log(softmax(Z)) or exp(Z) / sum(exp(Z))"
        )
    with np.errstate(all="ignore"):
        sigmoid_entries = np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))
        double_softmax = _per_example_losses(np.exp(_log_softmax(Z, axis=0)), Y).mean()
        swapped = -np.sum(Z * _log_softmax(Y, axis=0), axis=0).mean()
        as_probabilities = np.clip(Z / Z.sum(axis=0, keepdims=True), 1e-7, 1 - 1e-7)
        not_from_logits = -np.sum(Y * np.log(as_probabilities), axis=0).mean()
    over_classes = "average over the m examples (columns), not over the C classes"
    true_class = np.argmax(Y, axis=0)
    more = ", ..." if m > 6 else ""
    _expect_with_hint(
        case,
        array.reshape(()) if array.size == 1 else output,
        expected,
        "the cost",
        hint=(f"It is the mean over the m = {m} examples of -log softmax(z)[true class]; the true classes are "
              f"{true_class[:6].tolist()}{more} and the losses {np.array2string(losses[:6], precision=4)}{more}. "
              "Look at the logits Z = W X + b, the axis of the softmax (the classes, axis 0 of Z) and what you "
              "divide by"),
        mistakes=[
            (row_losses.mean(), layout),
            (row_losses.sum() / m, layout),
            (losses.sum() / C, over_classes),
            (losses.sum() / (C * m), over_classes + " (tf.reduce_mean over the whole (C, m) array of y log a "
                                                    "divides by C*m: sum over the classes first)"),
            (losses.sum(), "you summed the losses but did not average them: divide by m, the number of examples"),
            (-expected, "wrong sign: the cost is minus the average log-probability of the true class, so it is "
                        ">= 0"),
            (double_softmax, "the function was given softmax(Z): pass the logits Z themselves, "
                             "tf.nn.softmax_cross_entropy_with_logits applies the softmax itself"),
            (_per_example_losses(W @ X, Y).mean(), "the bias b is missing: the logits are Z = W X + b"),
            (sigmoid_entries.mean(), "this is the sigmoid (binary) cross-entropy of each entry: with C classes use "
                                     "the softmax cross-entropy, tf.nn.softmax_cross_entropy_with_logits"),
            (sigmoid_entries.sum() / m, "this is the sigmoid (binary) cross-entropy of each entry: with C classes "
                                        "use the softmax cross-entropy, tf.nn.softmax_cross_entropy_with_logits"),
            (swapped, "labels and logits are swapped: tf.nn.softmax_cross_entropy_with_logits(labels=tf.transpose(Y), "
                      "logits=tf.transpose(Z)); name both arguments"),
            (not_from_logits, "the categorical cross-entropy read your logits as probabilities: pass from_logits=True "
                              "(Z is not a softmax output yet)"),
        ],
        rtol=1e-6,
        atol=1e-9,
    )


_REFERENCE = (reference_activations, reference_costs, reference_mlp)

EXERCISES = exercise_table(
    Exercise(
        name="tf_quadratic_cost",
        visible_cases=_quadratic_cases,
        hidden_cases=_quadratic_hidden_cases,
        judge=_judge_quadratic,
    ),
    Exercise(
        name="tf_coefficient_cost",
        visible_cases=_coefficient_cases,
        hidden_cases=_coefficient_hidden_cases,
        judge=_judge_coefficient,
    ),
    Exercise(
        name="tf_gradients",
        visible_cases=_gradient_cases,
        hidden_cases=_gradient_hidden_cases,
        judge=_judge_gradient,
    ),
    Exercise(
        name="tf_minimize",
        visible_cases=_minimize_cases,
        hidden_cases=_minimize_hidden_cases,
        judge=_judge_minimize,
    ),
    Exercise(
        name="tf_softmax_cost",
        visible_cases=_softmax_cases,
        hidden_cases=_softmax_hidden_cases,
        judge=_judge_softmax_cost,
        forbidden=_REFERENCE,
    ),
)
