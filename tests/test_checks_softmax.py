"""The softmax notebook's checks: right answers pass, every recognized mistake gets its own message."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import activations, costs, mlp
from course_utils.checks import CheckFailed, check, get_exercise
from course_utils.checks.framework import collect_outputs, judge_outputs
from tests.check_tools import fails_with as _fails




# ---------------------------------------------------------------------------------------------- softmax


def softmax_ok(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)


def softmax_naive(Z):
    return np.exp(Z) / np.sum(np.exp(Z), axis=0, keepdims=True)


def softmax_global_max(Z):
    E = np.exp(Z - np.max(Z))
    return E / np.sum(E, axis=0, keepdims=True)


def softmax_rows(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True)


def softmax_rows_stable(Z):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=1, keepdims=True)


def softmax_row_max(Z):
    E = np.exp(Z - np.max(Z, axis=1, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)


def softmax_unnormalized(Z):
    return np.exp(Z - np.max(Z, axis=0, keepdims=True))


@pytest.mark.parametrize("hidden", [False, True])
def test_softmax_correct_passes(hidden, capsys):
    check("softmax", softmax_ok, hidden=hidden)
    assert "softmax" in capsys.readouterr().out


def test_softmax_passes_without_keepdims():
    def no_keepdims(Z):
        E = np.exp(Z - Z.max(axis=0))
        return E / E.sum(axis=0)

    check("softmax", no_keepdims, hidden=True)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_softmax_without_max_subtraction():
    message = _fails("softmax", softmax_naive, "subtract each column's max before exp")
    assert "large logits" in message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_softmax_global_max():
    _fails("softmax", softmax_global_max, "max of the whole matrix", "Z.max(axis=0, keepdims=True)")


@pytest.mark.parametrize("fn", [softmax_rows, softmax_rows_stable])
def test_softmax_wrong_axis(fn):
    _fails("softmax", fn, "softmax must normalize each column (example) over the classes (axis=0)")


def test_softmax_row_max():
    _fails("softmax", softmax_row_max, "each row's max")


def test_softmax_divided_by_the_sum_of_the_whole_matrix():
    def whole_sum(Z):
        E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
        return E / np.sum(E)

    _fails("softmax", whole_sum, "sum over the whole matrix", "axis=0")


def test_softmax_unnormalized():
    _fails("softmax", softmax_unnormalized, "divide by their column sums")


def test_softmax_unknown_wrong_values_mention_column_sums():
    _fails("softmax", lambda Z: softmax_ok(Z) * 1.1, "each column should sum to 1")


def test_softmax_other_nan_says_overflow():
    def nan_everywhere(Z):
        return np.full(Z.shape, np.nan)

    _fails("softmax", nan_everywhere, "contains NaN or inf", "Subtract each column's max")


def test_softmax_none_and_shape():
    _fails("softmax", lambda Z: None, "is None", "return")
    _fails("softmax", lambda Z: softmax_ok(Z)[:, :1], "has shape")
    _fails("softmax", lambda Z: [[0.25] * 3] * 4, "numpy array")


def test_softmax_transposed_hint():
    # the first case is (4, 3): a transposed (3, 4) output gets the framework's hint
    _fails("softmax", lambda Z: softmax_ok(Z).T, "has shape (3, 4)", "transposed")


def test_softmax_calling_reference_is_refused():
    _fails("softmax", lambda Z: activations.softmax(Z), "reference solution")
    from course_utils.activations import softmax as alias

    _fails("softmax", lambda Z: alias(Z), "reference solution")


# ---------------------------------------------------------------------------------------- cross-entropy


def cost_ok(AL, Y):
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(AL)) / m)


@pytest.mark.parametrize("hidden", [False, True])
def test_cost_correct_passes(hidden):
    check("softmax_cross_entropy_cost", cost_ok, hidden=hidden)
    # a (1, 1) array or a numpy scalar is accepted too
    check("softmax_cross_entropy_cost", lambda AL, Y: np.array([[cost_ok(AL, Y)]]), hidden=hidden)
    check("softmax_cross_entropy_cost", lambda AL, Y: -np.mean(np.sum(Y * np.log(AL), axis=0)), hidden=hidden)


@pytest.mark.parametrize(
    "fn",
    [
        lambda AL, Y: -np.sum(Y * np.log(AL)) / Y.shape[0],
        lambda AL, Y: -np.mean(Y * np.log(AL)),
    ],
    ids=["divided by C", "mean over C*m"],
)
def test_cost_averaged_over_classes(fn):
    _fails("softmax_cross_entropy_cost", fn, "average over the m examples (columns), not over classes")


def test_cost_sum_without_average():
    _fails("softmax_cross_entropy_cost", lambda AL, Y: -np.sum(Y * np.log(AL)), "did not average", "divide by m")


def test_cost_binary_formula():
    def binary(AL, Y):
        m = Y.shape[1]
        return -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m

    _fails("softmax_cross_entropy_cost", binary, "binary (sigmoid) cross-entropy", "(1 - Y) log(1 - AL)")


def test_cost_wrong_sign():
    _fails("softmax_cross_entropy_cost", lambda AL, Y: np.sum(Y * np.log(AL)) / Y.shape[1], "wrong sign")


def test_cost_per_example_losses():
    _fails("softmax_cross_entropy_cost", lambda AL, Y: -np.sum(Y * np.log(AL), axis=0), "one loss per example")


def test_cost_without_the_labels():
    _fails("softmax_cross_entropy_cost", lambda AL, Y: float(-np.sum(np.log(AL)) / Y.shape[1]),
           "summed log(a_k) over every class")
    # the binary-course habit np.dot(Y, log(AL).T), summed, gives that same sum over all classes
    _fails("softmax_cross_entropy_cost", lambda AL, Y: float(-np.sum(np.dot(Y, np.log(AL).T)) / Y.shape[1]),
           "summed log(a_k) over every class")


def test_cost_matrix_products_are_named():
    _fails("softmax_cross_entropy_cost", lambda AL, Y: float(-np.sum(np.dot(Y.T, np.log(AL))) / Y.shape[1]),
           "pairs every example with every other example")
    _fails("softmax_cross_entropy_cost", lambda AL, Y: -np.dot(Y, np.log(AL).T) / Y.shape[1],
           "got a matrix of shape", "matrix product")


def test_cost_summed_over_the_examples_only():
    _fails("softmax_cross_entropy_cost", lambda AL, Y: -np.sum(Y * np.log(AL), axis=1) / Y.shape[1],
           "one value per class", "axis=1")


def test_cost_none_and_not_a_number():
    _fails("softmax_cross_entropy_cost", lambda AL, Y: None, "is None")
    _fails("softmax_cross_entropy_cost", lambda AL, Y: "0.5", "single number")
    _fails("softmax_cross_entropy_cost", lambda AL, Y: np.zeros((2, 2)), "single number")


def test_cost_nan_message():
    _fails("softmax_cross_entropy_cost", lambda AL, Y: float("nan"), "contains NaN")


def test_cost_calling_reference_is_refused():
    _fails("softmax_cross_entropy_cost", lambda AL, Y: costs.softmax_cross_entropy(AL, Y), "reference solution")
    def through_compute_cost(AL, Y):
        return costs.compute_cost(AL, Y, output="softmax")

    _fails("softmax_cross_entropy_cost", through_compute_cost, "reference solution")


# ------------------------------------------------------------------------------------------ backward dZ


def dz_ok(AL, Y):
    return AL - Y


@pytest.mark.parametrize("hidden", [False, True])
def test_dz_correct_passes(hidden):
    check("softmax_backward_dz", dz_ok, hidden=hidden)


def test_dz_sign():
    _fails("softmax_backward_dz", lambda AL, Y: Y - AL, "sign is flipped", "dW1", "db1", "Gradient check")


def test_dz_divided_by_m():
    _fails("softmax_backward_dz", lambda AL, Y: (AL - Y) / AL.shape[1], "do not divide by m", "dW1", "db1")


def test_dz_sigmoid_derivative():
    _fails("softmax_backward_dz", lambda AL, Y: (AL - Y) * AL * (1 - AL), "sigmoid's derivative", "dW1")


def test_dz_is_dA():
    _fails("softmax_backward_dz", lambda AL, Y: -Y / AL, "dJ/dAL", "dW1")


def test_dz_unknown_mistake_is_located_by_the_gradient_check():
    def only_first_class(AL, Y):
        dZ = AL - Y
        dZ[0] *= 2.0
        return dZ

    message = _fails("softmax_backward_dz", only_first_class, "wrong values", "dW1", "relative error")
    assert "Gradient check" in message


def test_dz_none_shape_nan():
    _fails("softmax_backward_dz", lambda AL, Y: None, "is None")
    _fails("softmax_backward_dz", lambda AL, Y: (AL - Y).T, "transposed")
    _fails("softmax_backward_dz", lambda AL, Y: np.sum(AL - Y, axis=1, keepdims=True), "has shape")
    _fails("softmax_backward_dz", lambda AL, Y: np.full(AL.shape, np.nan), "contains NaN")


def test_dz_calling_reference_is_refused():
    def through_model_backward(AL, Y):
        parameters = {"W1": np.eye(AL.shape[0]), "b1": np.zeros((AL.shape[0], 1))}
        Z = np.log(AL)
        _, caches = mlp.model_forward(Z, parameters, ["softmax"])
        return mlp.model_backward(AL, Y, caches)["dW1"]

    _fails("softmax_backward_dz", through_model_backward, "reference solution")
    _fails("softmax_backward_dz", lambda AL, Y: activations.softmax_backward(-Y / AL, np.log(AL)), "reference solution")


# ------------------------------------------------------------------------------------------- grader path


@pytest.mark.parametrize(
    "name, fn",
    [("softmax", softmax_ok), ("softmax_cross_entropy_cost", cost_ok), ("softmax_backward_dz", dz_ok)],
)
def test_collect_then_judge_in_two_steps(name, fn):
    exercise = get_exercise(name)
    judge_outputs(exercise, collect_outputs(exercise, fn, hidden=True), hidden=True)


def test_judge_two_steps_reports_mistake():
    exercise = get_exercise("softmax_backward_dz")
    outputs = collect_outputs(exercise, lambda AL, Y: Y - AL)
    with pytest.raises(CheckFailed, match="sign is flipped"):
        judge_outputs(exercise, outputs)


def test_unimplemented_raises_not_implemented():
    def stub(Z):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("softmax", stub)


# ------------------------------------------------------------------- variants (tests/variants/softmax.py)

from tests.variants import softmax as variants  # noqa: E402


def test_mean_shift_passes_small_logits_but_not_a_far_logit():
    """max - mean = 1007 > 709 in the case's first column: exp(max - mean) overflows there, nowhere else."""
    message = _fails("softmax", variants.softmax_mean_shift, "max - mean reaches 1007 > 709", hidden=False)
    assert "[case: one logit far above the rest of its column" in message


def test_training_loop_calling_the_reference_is_refused():
    def with_reference_softmax(X, Y, learning_rate, num_iterations):
        parameters, costs = variants.train_vectorized(X, Y, learning_rate, num_iterations)
        activations.softmax(X[:3])
        return parameters, costs

    _fails("train_softmax_regression", with_reference_softmax, "calls the course's reference solution")


def test_training_loop_stub_raises_not_implemented():
    def stub(X, Y, learning_rate, num_iterations):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("train_softmax_regression", stub)


# ------------------------------------------------------------------------------------- short questions

from tests.variants import questions_tuning_softmax as questions  # noqa: E402


@pytest.mark.parametrize("name, answer", [(name, fn) for name, fns in questions.CORRECT.items() for fn in fns])
def test_question_right_answers_pass(name, answer):
    check(name, answer)


@pytest.mark.parametrize("name, answer, fragment",
                         [(name, fn, fragment) for name, pairs in questions.MISTAKES.items() for fn, fragment in pairs])
def test_question_wrong_answers_are_refused(name, answer, fragment):
    _fails(name, answer, fragment, hidden=False)
