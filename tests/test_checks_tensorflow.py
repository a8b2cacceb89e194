"""The TensorFlow notebook's checks: right answers pass, every recognized mistake gets its own message.

Skipped as a whole when TensorFlow (the optional ``tf`` extra) is not installed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
tf = pytest.importorskip("tensorflow")

from course_utils import costs  # noqa: E402
from course_utils.checks import CheckFailed, check, get_exercise  # noqa: E402
from course_utils.checks.framework import call_student, collect_outputs, judge_outputs, to_plain  # noqa: E402
from course_utils.checks.tensorflow_intro import NONE_GRADIENT, TF_MISSING  # noqa: E402
from tests.check_tools import fails_with as _fails




def _passes(name, fn, capsys=None):
    for hidden in (False, True):
        check(name, fn, hidden=hidden)
    if capsys is not None:
        assert name in capsys.readouterr().out


# ------------------------------------------------------------------------------------------------- general


def test_module_imports_without_tensorflow():
    """Every check module is imported to discover exercises: this one must not need TensorFlow."""
    code = (
        "import sys; sys.modules['tensorflow'] = None\n"
        "from course_utils.checks import all_exercises\n"
        "names = all_exercises()\n"
        "assert 'tf_softmax_cost' in names, sorted(names)\n"
        "try:\n"
        "    names['tf_quadratic_cost'].cases()\n"
        "except ModuleNotFoundError as error:\n"
        "    assert 'pip install -e' in str(error), error\n"
        "else:\n"
        "    raise AssertionError('building the cases should need TensorFlow')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "[tf]" in TF_MISSING


def test_to_plain_turns_tensors_into_arrays():
    plain = to_plain((tf.constant(np.float64(2.5)), tf.Variable(np.array([1.0, 2.0])), [tf.constant(3.0)]))
    assert isinstance(plain[0], np.ndarray) and plain[0].shape == () and float(plain[0]) == 2.5
    np.testing.assert_array_equal(plain[1], [1.0, 2.0])
    assert isinstance(plain[2][0], np.ndarray)


def test_cases_are_fresh_tensorflow_objects():
    exercise = get_exercise("tf_minimize")
    first, second = exercise.cases(), exercise.cases()
    assert isinstance(first[0].args["w"], tf.Variable)
    assert first[0].args["w"] is not second[0].args["w"]
    assert first[0].args["optimizer"] is not second[0].args["optimizer"]
    assert first[0].args["w"].dtype == tf.float64


def test_unimplemented_raises_not_implemented():
    def stub(w):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("tf_quadratic_cost", stub)


# ------------------------------------------------------------------------------------------- quadratic cost


def quadratic_ok(w):
    return w**2 - 10 * w + 25


@pytest.mark.parametrize(
    "fn",
    [
        quadratic_ok,
        lambda w: tf.add(tf.add(tf.square(w), tf.multiply(np.float64(-10.0), w)), np.float64(25.0)),
        lambda w: w * w - 10.0 * w + 25.0,
    ],
)
def test_quadratic_correct_passes(fn, capsys):
    _passes("tf_quadratic_cost", fn, capsys)


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda w: w**2 + 10 * w + 25, "sign error on the linear term"),
        (lambda w: w**2 - 10 * w - 25, "constant term is +25"),
        (lambda w: w**2 - 10 * w, "constant +25 is missing"),
        (lambda w: 2 * w - 10, "this is the derivative"),
        (lambda w: w - 5, "must be squared"),
        (lambda w: -(w**2) + 10 * w - 25, "wrong sign"),
        (lambda w: w * 2 - 10 * w + 25, "w*2 doubles w"),
    ],
)
def test_quadratic_mistakes(fn, fragment):
    _fails("tf_quadratic_cost", fn, fragment)


def test_quadratic_none():
    _fails("tf_quadratic_cost", lambda w: None, "J(w) is None", "forget a `return`")


def test_quadratic_vector_reduced_to_a_number():
    _fails("tf_quadratic_cost", lambda w: tf.reduce_sum(w**2 - 10 * w + 25), "has shape ()", "expected (4,)",
           hidden=True)


# ---------------------------------------------------------------------------------------- coefficient cost


def coefficient_ok(w, x):
    return x[0] * w**2 + x[1] * w + x[2]


def test_coefficient_correct_passes(capsys):
    _passes("tf_coefficient_cost", coefficient_ok, capsys)
    _passes("tf_coefficient_cost", lambda w, x: tf.tensordot(x, tf.stack([w * w, w, tf.ones_like(w)]), axes=1))


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda w, x: x[2] * w**2 + x[1] * w + x[0], "coefficients are reversed"),
        (lambda w, x: w**2 - 10 * w + 25, "take the coefficients from x"),
        (lambda w, x: x[0] * w**2 + x[1] * w, "constant term x[2] is missing"),
        (lambda w, x: x[0] * w * 2 + x[1] * w + x[2], "w*2 doubles w"),
        (lambda w, x: 2 * x[0] * w + x[1], "derivative dJ/dw, not the cost"),
    ],
)
def test_coefficient_mistakes(fn, fragment):
    _fails("tf_coefficient_cost", fn, fragment)


def test_coefficient_none_and_shape():
    _fails("tf_coefficient_cost", lambda w, x: None, "is None")
    _fails("tf_coefficient_cost", lambda w, x: x * w, "has shape (3,)", "expected ()")


# --------------------------------------------------------------------------------------- cost and gradient


def gradient_ok(w, x):
    with tf.GradientTape() as tape:
        tape.watch(w)
        J = coefficient_ok(w, x)
    return J, tape.gradient(J, w)


def gradient_without_watch(w, x):
    with tf.GradientTape() as tape:
        J = coefficient_ok(w, x)
    return J, tape.gradient(J, w)


def gradient_cost_outside_tape(w, x):
    with tf.GradientTape() as tape:
        tape.watch(w)
    J = coefficient_ok(w, x)
    return J, tape.gradient(J, w)


def gradient_through_numpy(w, x):
    with tf.GradientTape() as tape:
        tape.watch(w)
        value = w.numpy()
        J = tf.constant(x[0].numpy() * value**2 + x[1].numpy() * value + x[2].numpy())
    return J, tape.gradient(J, w)


def gradient_wrt_x(w, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        J = coefficient_ok(w, x)
    return J, tape.gradient(J, x)


def test_gradient_correct_passes(capsys):
    _passes("tf_gradients", gradient_ok, capsys)


def test_gradient_persistent_tape_and_gradient_list_pass():
    def persistent(w, x):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(w)
            J = coefficient_ok(w, x)
        (gradient,) = tape.gradient(J, [w])
        return J, gradient

    _passes("tf_gradients", persistent)


@pytest.mark.parametrize("fn", [gradient_without_watch, gradient_cost_outside_tape, gradient_through_numpy])
def test_gradient_none_is_explained(fn):
    message = _fails("tf_gradients", fn, "tape.gradient returned None: was w a tf.Variable (or watched)?")
    assert NONE_GRADIENT in message


def test_gradient_without_watch_fails_on_the_constant_case():
    message = _fails("tf_gradients", gradient_without_watch, "tape.watch(w)")
    assert "tf.constant" in message.split("[case:")[1]


def test_gradient_with_respect_to_x():
    _fails("tf_gradients", gradient_wrt_x, "gradient with respect to the data x", "tape.gradient(cost, w)")


@pytest.mark.parametrize(
    "transform, fragment",
    [
        (lambda J, g, w, x: (J, -g), "sign is flipped"),
        (lambda J, g, w, x: (J, 2 * w - 10), "derivative of the notes' example only"),
        (lambda J, g, w, x: (J, J), "cost again, not its gradient"),
        (lambda J, g, w, x: (J, 2 * x[0] * w), "the term x[1] is missing"),
        (lambda J, g, w, x: (x[2] * w**2 + x[1] * w + x[0], g), "coefficients are reversed"),
    ],
)
def test_gradient_mistakes(transform, fragment):
    def wrong(w, x):
        J, g = gradient_ok(w, x)
        return transform(J, g, w, x)

    _fails("tf_gradients", wrong, fragment)


def test_gradient_wrong_return_shape():
    _fails("tf_gradients", lambda w, x: gradient_ok(w, x)[1], "should return 2 values")
    _fails("tf_gradients", lambda w, x: None, "is None")
    _fails("tf_gradients", lambda w, x: (None, gradient_ok(w, x)[1]), "the cost is None")


# ------------------------------------------------------------------------------------------------ minimize


def _step(w, x, optimizer, sign=1.0, coefficients=None):
    with tf.GradientTape() as tape:
        J = coefficient_ok(w, x if coefficients is None else coefficients)
    optimizer.apply_gradients([(sign * tape.gradient(J, w), w)])


def minimize_ok(w, x, optimizer, num_steps):
    history = []
    for _ in range(num_steps):
        _step(w, x, optimizer)
        history.append(float(w.numpy()))
    return history


def test_minimize_correct_passes(capsys):
    _passes("tf_minimize", minimize_ok, capsys)
    _passes("tf_minimize", lambda **kwargs: np.array(minimize_ok(**kwargs)))


def test_minimize_by_hand_instead_of_optimizer():
    def by_hand(w, x, optimizer, num_steps):
        history = []
        for _ in range(num_steps):
            with tf.GradientTape() as tape:
                J = coefficient_ok(w, x)
            w.assign_sub(tf.cast(optimizer.learning_rate, tf.float64) * tape.gradient(J, w))
            history.append(float(w.numpy()))
        return history

    _fails("tf_minimize", by_hand, "plain gradient descent", "optimizer.apply_gradients", "Adam")
    exercise = get_exercise("tf_minimize")
    (momentum_case,) = [case for case in exercise.hidden_cases() if "momentum" in case.label]
    with pytest.raises(CheckFailed, match="plain gradient descent.*SGD with momentum"):
        exercise.judge(momentum_case, call_student(exercise, by_hand, momentum_case))


def test_minimize_appends_the_variable():
    def appends_variable(w, x, optimizer, num_steps):
        history = []
        for _ in range(num_steps):
            _step(w, x, optimizer)
            history.append(w)
        return history

    _fails("tf_minimize", appends_variable, "every entry is the final w", "float(w.numpy())")


def test_minimize_records_before_the_step():
    def before(w, x, optimizer, num_steps):
        history = []
        for _ in range(num_steps):
            history.append(float(w.numpy()))
            _step(w, x, optimizer)
        return history

    _fails("tf_minimize", before, "values of w before each step")


def test_minimize_gradient_ascent():
    def ascent(w, x, optimizer, num_steps):
        history = []
        for _ in range(num_steps):
            _step(w, x, optimizer, sign=-1.0)
            history.append(float(w.numpy()))
        return history

    _fails("tf_minimize", ascent, "moves away from the minimum")


def test_minimize_hard_coded_quadratic():
    notes = tf.constant(np.array([1.0, -10.0, 25.0]))

    def hard_coded(w, x, optimizer, num_steps):
        history = []
        for _ in range(num_steps):
            _step(w, x, optimizer, coefficients=notes)
            history.append(float(w.numpy()))
        return history

    _fails("tf_minimize", hard_coded, "notes' quadratic", "coefficients in x")


def test_minimize_wrong_lengths():
    _fails("tf_minimize", lambda w, x, optimizer, num_steps: [float(w.numpy())] + minimize_ok(w, x, optimizer, num_steps),
           "not the starting value too")
    _fails("tf_minimize", lambda w, x, optimizer, num_steps: minimize_ok(w, x, optimizer, num_steps)[-1],
           "return the whole history")
    _fails("tf_minimize", lambda w, x, optimizer, num_steps: None, "is None")
    _fails("tf_minimize", lambda w, x, optimizer, num_steps: [None] * num_steps, "contains None")


# ----------------------------------------------------------------------------------------- softmax cost


def softmax_cost_ok(W, b, X, Y):
    Z = tf.matmul(W, X) + b
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=tf.transpose(Y), logits=tf.transpose(Z)))


def softmax_cost_own_formula(W, b, X, Y):
    Z = W @ X + b
    log_probabilities = Z - tf.reduce_logsumexp(Z, axis=0, keepdims=True)
    return -tf.reduce_mean(tf.reduce_sum(Y * log_probabilities, axis=0))


def softmax_cost_keras(W, b, X, Y):
    loss = tf.keras.losses.CategoricalCrossentropy(from_logits=True, dtype="float64")
    return loss(tf.transpose(Y), tf.transpose(tf.matmul(W, X) + b))


def softmax_cost_axis0(W, b, X, Y):
    return tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=tf.matmul(W, X) + b, axis=0))


@pytest.mark.parametrize("fn", [softmax_cost_ok, softmax_cost_own_formula, softmax_cost_keras, softmax_cost_axis0])
def test_softmax_cost_correct_passes(fn, capsys):
    _passes("tf_softmax_cost", fn, capsys)


def _losses(W, b, X, Y):
    return tf.nn.softmax_cross_entropy_with_logits(labels=tf.transpose(Y), logits=tf.transpose(W @ X + b))


@pytest.mark.parametrize(
    "fn, fragments",
    [
        (lambda W, b, X, Y: tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=W @ X + b)),
         ["one example per ROW", "tf.transpose(Z)"]),
        (lambda W, b, X, Y: tf.nn.softmax_cross_entropy_with_logits(labels=Y, logits=W @ X + b),
         ["one value per class", "one example per ROW"]),
        (lambda W, b, X, Y: tf.reduce_sum(_losses(W, b, X, Y)) / Y.shape[0], ["not over the C classes"]),
        (lambda W, b, X, Y: -tf.reduce_mean(Y * tf.nn.log_softmax(W @ X + b, axis=0)),
         ["not over the C classes", "divides by C*m"]),
        (lambda W, b, X, Y: tf.reduce_sum(_losses(W, b, X, Y)), ["did not average them"]),
        (lambda W, b, X, Y: -tf.reduce_mean(_losses(W, b, X, Y)), ["wrong sign"]),
        (lambda W, b, X, Y: tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
            labels=tf.transpose(Y), logits=tf.transpose(tf.nn.softmax(W @ X + b, axis=0)))),
         ["pass the logits Z themselves"]),
        (lambda W, b, X, Y: softmax_cost_ok(W, tf.zeros_like(b), X, Y), ["the bias b is missing"]),
        (lambda W, b, X, Y: tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=Y, logits=W @ X + b)),
         ["sigmoid (binary) cross-entropy"]),
        (lambda W, b, X, Y: _losses(W, b, X, Y), ["one loss per example", "average them"]),
    ],
)
def test_softmax_cost_mistakes(fn, fragments):
    _fails("tf_softmax_cost", fn, *fragments)


def test_softmax_cost_overflow():
    def naive(W, b, X, Y):
        E = tf.exp(W @ X + b)
        A = E / tf.reduce_sum(E, axis=0, keepdims=True)
        return -tf.reduce_mean(tf.reduce_sum(Y * tf.math.log(A), axis=0))

    def log_of_softmax(W, b, X, Y):
        A = tf.nn.softmax(W @ X + b, axis=0)
        return -tf.reduce_mean(tf.reduce_sum(Y * tf.math.log(A), axis=0))

    for fn in (naive, log_of_softmax):
        message = _fails("tf_softmax_cost", fn, "exp overflowed or log(0)", "softmax_cross_entropy_with_logits")
        assert "large logits" in message


def test_softmax_cost_refuses_reference_kernel():
    def via_reference(W, b, X, Y):
        Z = (W @ X + b).numpy()
        E = np.exp(Z - Z.max(axis=0))
        return costs.softmax_cross_entropy(E / E.sum(axis=0), Y.numpy())

    _fails("tf_softmax_cost", via_reference, "calls the course's reference solution")


def test_softmax_cost_none():
    _fails("tf_softmax_cost", lambda W, b, X, Y: None, "the cost is None")


# ---------------------------------------------------------------------------- the grader's two halves


@pytest.mark.parametrize(
    "name, fn",
    [
        ("tf_quadratic_cost", quadratic_ok),
        ("tf_coefficient_cost", coefficient_ok),
        ("tf_gradients", gradient_ok),
        ("tf_minimize", minimize_ok),
        ("tf_softmax_cost", softmax_cost_ok),
    ],
)
def test_collect_then_judge(name, fn):
    exercise = get_exercise(name)
    outputs = collect_outputs(exercise, fn, hidden=True)
    judge_outputs(exercise, outputs, hidden=True)  # builds fresh cases: the judge only reads plain data


def test_collect_then_judge_reports_mistake():
    exercise = get_exercise("tf_gradients")
    outputs = collect_outputs(exercise, gradient_without_watch)
    with pytest.raises(CheckFailed, match="tape.gradient returned None"):
        judge_outputs(exercise, outputs)
