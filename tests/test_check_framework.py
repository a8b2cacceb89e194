"""The check framework itself: messages that do not depend on a particular exercise."""

import re

import numpy as np
import pytest

from course_utils.checks import CheckFailed, all_exercises, check, get_exercise
from course_utils.checks.framework import (
    Case, Exercise, expect_array, expect_number, judge_seed_cases, run_check, seed_cases,
)


def test_renamed_parameter_gets_a_clear_message():
    def dropout_forward(A, keep, rng):  # "keep" instead of "keep_prob"
        return A, np.ones_like(A)

    with pytest.raises(CheckFailed, match=r"keep the parameter names of the exercise's template"):
        check("dropout_forward", dropout_forward)


def test_stub_raises_not_implemented_unchanged():
    def dropout_forward(A, keep_prob, rng):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("dropout_forward", dropout_forward)


def test_transposed_output_is_named():
    case = Case("a (2, 3) case", {})
    with pytest.raises(CheckFailed, match="looks transposed"):
        expect_array(case, np.zeros((3, 2)), np.zeros((2, 3)), "A_out")


def test_exercise_names_are_unique_and_registered():
    exercises = all_exercises()
    assert len(exercises) >= 25
    for name, exercise in exercises.items():
        assert exercise.name == name
        assert exercise.visible_cases(), f"{name} has no visible cases"


# ------------------------------------------------------------ classes of bugs the framework itself catches
# Each is asserted on every path a submission goes through (notebook, hidden, grader's re-check), see test_variants.


def _mistake(name, fn, fragment):
    from course_utils.checks import get_exercise
    from tests.test_variants import assert_mistake

    assert_mistake(get_exercise(name), fn, fragment)


def _correct(name, fn):
    from course_utils.checks import get_exercise
    from tests.test_variants import assert_correct

    assert_correct(get_exercise(name), fn)


def test_modifying_an_argument_in_place_is_named_even_when_the_values_are_right():
    def softmax_backward_dz(AL, Y):
        dZ = AL  # a second name, not a copy
        dZ[Y == 1] -= 1
        return dZ

    _mistake("softmax_backward_dz", softmax_backward_dz, "softmax_backward_dz modified its argument AL in place")
    _mistake("softmax_backward_dz", softmax_backward_dz, "Work on a copy (AL.copy())")


def test_modifying_an_array_inside_a_dict_argument_is_named():
    def compute_cost_with_l2(AL, Y, parameters, lambd):
        m = Y.shape[1]
        cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
        for key in parameters:
            if key.startswith("W"):
                parameters[key] **= 2  # squares the caller's weights
        return cost + lambd / (2 * m) * sum(np.sum(parameters[k]) for k in parameters if k.startswith("W"))

    _mistake("compute_cost_with_l2", compute_cost_with_l2, "modified its argument parameters['W1'] in place")
    _mistake("compute_cost_with_l2", compute_cost_with_l2, "Work on a copy (parameters['W1'].copy())")


def test_a_wrong_answer_that_also_modifies_its_argument_gets_both_messages():
    def softmax_backward_dz(AL, Y):
        AL -= Y
        return -AL

    _mistake("softmax_backward_dz", softmax_backward_dz, "the sign is flipped")
    _mistake("softmax_backward_dz", softmax_backward_dz, "Also: softmax_backward_dz modified its argument AL")


def test_optimizer_steps_may_update_their_state_in_place():
    def momentum_update(parameters, grads, v, beta, learning_rate):
        for key in parameters:
            v["d" + key] *= beta
            v["d" + key] += (1 - beta) * grads["d" + key]
            parameters[key] -= learning_rate * v["d" + key]
        return parameters, v

    def update_running_stats(running_mean, running_var, batch_mean, batch_var, momentum):
        running_mean *= momentum
        running_mean += (1 - momentum) * batch_mean
        running_var *= momentum
        running_var += (1 - momentum) * batch_var
        return running_mean, running_var

    _correct("momentum_update", momentum_update)
    _correct("update_running_stats", update_running_stats)


def test_gradient_check_may_perturb_and_restore_but_not_leave_a_parameter_moved():
    def relative_error(cost_fn, parameters, grads, epsilon, restore):
        analytic, numeric = [], []
        for key, theta in parameters.items():
            for i in np.ndindex(theta.shape):
                original = theta[i]
                theta[i] = original + epsilon
                plus = cost_fn(parameters)
                theta[i] = original - epsilon
                minus = cost_fn(parameters)
                if restore:
                    theta[i] = original
                numeric.append((plus - minus) / (2 * epsilon))
                analytic.append(grads["d" + key][i])
        analytic, numeric = np.array(analytic), np.array(numeric)
        return np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric))

    _correct("gradient_check_nd", lambda cost_fn, parameters, grads, epsilon=1e-7:
             relative_error(cost_fn, parameters, grads, epsilon, restore=True))
    _mistake("gradient_check_nd", lambda cost_fn, parameters, grads, epsilon=1e-7:
             relative_error(cost_fn, parameters, grads, epsilon, restore=False), "modified its argument parameters[")


def test_rounding_left_by_perturbing_and_restoring_an_argument_is_not_a_modification():
    from tests.test_variants import _doubling_exercise, assert_correct, assert_mistake

    def perturbed_and_restored(x):
        x += 1e-7
        x -= 2e-7
        x += 1e-7  # x back up to one rounding error (not always bit-exact)
        return 2 * x

    def left_moved(x):
        x += 1e-7
        return 2 * x - 2e-7

    assert not np.array_equal(((np.array([0.1, 0.7, -3.3]) + 1e-7) - 2e-7) + 1e-7, [0.1, 0.7, -3.3])
    exercise = _doubling_exercise()
    exercise.visible_cases = lambda: [Case("x = [0.1, 0.7, -3.3]", {"x": np.array([0.1, 0.7, -3.3])})]
    assert_correct(exercise, perturbed_and_restored)
    assert_mistake(exercise, left_moved, "double modified its argument x in place (0.1 became 0.1000001 at index (0,))")


def test_modifying_a_list_argument_is_named():
    def initialize_he(layer_dims, rng):
        parameters = {}
        previous = layer_dims.pop(0)
        for l, n in enumerate(layer_dims, start=1):
            parameters[f"W{l}"] = rng.normal(size=(n, previous)) * np.sqrt(2 / previous)
            parameters[f"b{l}"] = np.zeros((n, 1))
            previous = n
        return parameters

    _mistake("initialize_he", initialize_he, "modified its argument layer_dims in place (its length changed")


def test_a_complex_result_gets_a_message_not_a_crash():
    def softmax_cross_entropy_cost(AL, Y):
        return -np.sum(Y * np.log(AL)) / AL.shape[1] + (-1.0) ** 0.5 * 0.1

    def softmax(Z):
        E = np.exp(Z - Z.max(axis=0) + 0j)
        return E / E.sum(axis=0)

    _mistake("softmax_cross_entropy_cost", softmax_cross_entropy_cost, "returned a complex number")
    _mistake("softmax", softmax, "look for a square root or a fractional power of a negative number")


def _reference_softmax(Z):
    from course_utils import activations

    return activations.softmax(Z)


def test_reference_called_in_a_thread_is_refused():
    import concurrent.futures
    import threading

    def softmax(Z):
        result = {}
        worker = threading.Thread(target=lambda: result.update(A=_reference_softmax(Z)))
        worker.start()
        worker.join()
        return result["A"]

    def softmax_pool(Z):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(_reference_softmax, Z).result()

    _mistake("softmax", softmax, "softmax calls the course's reference solution (course_utils.activations.")
    _mistake("softmax", softmax_pool, "softmax calls the course's reference solution (course_utils.activations.")


def test_reference_called_in_a_forked_process_is_refused():
    import multiprocessing

    def softmax(Z):
        with multiprocessing.get_context("fork").Pool(1) as pool:
            return pool.apply(_reference_softmax, (Z,))

    _mistake("softmax", softmax, "softmax calls the course's reference solution (course_utils.activations.softmax)")


def test_the_guard_leaves_no_profiler_behind():
    import sys
    import threading

    def softmax(Z):
        E = np.exp(Z - Z.max(axis=0))
        return E / E.sum(axis=0)

    check("softmax", softmax)
    assert sys.getprofile() is None and threading.getprofile() is None


_THREAD = """
def softmax(Z):
    result = {}
    worker = threading.Thread(target=lambda: result.update(A=activations.softmax(Z)))
    worker.start()
    worker.join()
    return result['A']
"""
_EARLIER_POOL = """
POOL = concurrent.futures.ThreadPoolExecutor(1)
POOL.submit(print, "the pool's thread starts before any check").result()

def softmax(Z):
    return POOL.submit(activations.softmax, Z).result()
"""
_FORKED = """
def softmax(Z):
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(activations.softmax, (Z,))
"""


@pytest.mark.slow
@pytest.mark.parametrize("answer", [_THREAD, _EARLIER_POOL, _FORKED], ids=["thread", "earlier-pool", "fork"])
def test_recheck_names_a_reference_call_made_in_a_thread_or_a_forked_process(answer):
    """In the grader's re-check the reference is replaced by stand-ins; a refused call elsewhere is still named."""
    import copy

    import nbformat

    from course_utils.grading.recheck import recheck_notebook
    from tests.notebook_tools import SOURCE, nbgrader_meta

    source = nbformat.read(SOURCE / "week3_3_softmax" / "softmax_regression.ipynb", as_version=4)
    submission = copy.deepcopy(source)
    cell = next(c for c in submission.cells if nbgrader_meta(c).get("grade_id") == "softmax")
    imports = "import concurrent.futures, multiprocessing, threading\nfrom course_utils import activations\n"
    cell.source = imports + answer
    verdict = recheck_notebook(source, submission, timeout_s=30)["test_softmax"]
    assert not verdict["pass"]
    assert "softmax calls the course's reference solution (course_utils.activations.softmax)" in verdict["reason"]


# ------------------------------------------------------------------ generic messages: which case, which entry, a hint

_X = np.array([[0.5, -1.0, 2.0, 0.25, 1.5], [1.0, 3.0, -0.5, 2.0, -2.0]])
_CASE = Case("X of shape (2, 5), keep_prob=0.8", {"X": _X, "keep_prob": 0.8})
_SQUARE = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.5]])


def _one_row_wrong():
    got = _X.copy()
    got[1] += 1
    return got


def _two_entries_wrong():
    got = _X.copy()
    got[0, 0], got[1, 4] = 7.0, 8.0
    return got


@pytest.mark.parametrize("got, expected, fragments", [
    (_X, _X / 0.8, ["every entry is 0.8 times the expected one (= keep_prob = 0.8)"]),
    (_X.sum(axis=1, keepdims=True), _X.mean(axis=1, keepdims=True), ["5 times the expected one (= X.shape[1] = 5)"]),
    (_X.sum(axis=1, keepdims=True) / 25, _X.mean(axis=1, keepdims=True), ["(= 1/X.shape[1] = 1/5)"]),
    (3 * _X, _X, ["every entry is 3 times the expected one: look for a constant factor"]),
    (-_X, _X, ["the sign is flipped"]),
    (_SQUARE.T, _SQUARE, ["the expected values transposed"]),
    (_X + 0.5, _X, ["every entry is off by the same 0.5"]),
    (_one_row_wrong(), _X, ["only row 1 (the last) is wrong, the other rows are right"]),
    (_two_entries_wrong(), _X, ["only 2 of the 10 entries are wrong (at (0, 0), (1, 4))"]),
    (np.r_[_X[0, :4], 9.0], _X[0], ["only 1 of the 5 entries is wrong (at (4,), the last entry)"]),
    (_X[::-1], _X, ["the right values in another order"]),
    (np.trunc(_X * 1.7).astype(int), _X * 1.7, ["your array holds integers", "make it a float array"]),
    (np.where(_X > 2, np.nan, _X), _X, ["contains NaN", "first at index (1, 1), 1 of 10 entries"]),
    (np.where(_X < -1, np.inf, _X), _X, ["contains inf", "look for a division by 0"]),
    (np.sin(_X), _X, ["has wrong values [case: X of shape (2, 5), keep_prob=0.8] (arguments: X (2, 5), keep_prob=0.8)",
                      "largest difference", "at index (1, 1)"]),
])
def test_generic_wrong_values_message_says_where_and_gives_a_hint(got, expected, fragments):
    with pytest.raises(CheckFailed) as info:
        expect_array(_CASE, got, expected, "A_out")
    for fragment in fragments:
        assert fragment in str(info.value), str(info.value)


@pytest.mark.parametrize("got, expected, fragment", [
    (np.float64(1.0), _X, "a single number: a sum or mean ran over every axis"),
    (_X[:, 0], _X[:, :1], "a 1-D array: keep the axis, keepdims=True, or reshape to (2, 1)"),
    (_X[:1] + _X[:1].T, _X[:1], "broadcasts to (n, n)"),
    (_X.reshape(1, 10), _X, "the right number of entries"),
])
def test_wrong_shape_message_says_what_the_shape_suggests(got, expected, fragment):
    with pytest.raises(CheckFailed, match=re.escape(fragment)):
        expect_array(_CASE, got, expected, "A_out")


def test_equal_expected_entries_get_no_factor_hint_an_offset_fits_as_well():
    with pytest.raises(CheckFailed) as info:
        expect_array(_CASE, np.full(4, 0.5), np.full(4, 0.95), "betas")
    assert "times the expected" not in str(info.value) and "off by the same -0.45" in str(info.value)


def test_a_scalar_off_by_an_unnamed_factor_gets_no_made_up_hint():
    with pytest.raises(CheckFailed) as info:
        expect_number(_CASE, 1.37, 1.0, "cost")
    assert "Hint" not in str(info.value) and "got 1.37, expected 1" in str(info.value)
    with pytest.raises(CheckFailed, match=re.escape("(= 1/keep_prob = 1/0.8)")):
        expect_number(_CASE, 1.0, 0.8, "cost")


def test_an_array_where_a_number_is_expected_says_if_its_sum_is_right():
    with pytest.raises(CheckFailed, match="summing its entries gives the expected value"):
        expect_number(_CASE, _X[0], float(_X[0].sum()), "cost")


def test_a_boolean_mask_argument_written_into_is_named():
    def dropout_backward(dA, D, keep_prob):
        D[:] = True  # overwrites the caller's mask
        return dA * D / keep_prob

    exercise_D = [case.args["D"] for case in get_exercise("dropout_backward").cases(True)]
    assert any(D.dtype == bool for D in exercise_D), "the exercise should have a boolean mask case"
    _mistake("dropout_backward", dropout_backward, "dropout_backward modified its argument D in place")


def test_the_in_place_comparison_survives_a_notebook_that_replaced_numpy_functions(monkeypatch):
    """A submission that replaces np.isclose must not make the framework crash on its correct answers."""
    monkeypatch.setattr(np, "isclose", lambda *args, **kwargs: True)
    monkeypatch.setattr(np, "iscomplexobj", lambda *args, **kwargs: True)

    def dropout_backward(dA, D, keep_prob):
        return dA * D / keep_prob

    check("dropout_backward", dropout_backward, hidden=True)


def _drawing_exercise(seeds) -> Exercise:
    """A fake exercise: draw n uniform numbers from rng; its cases are ``seed_cases`` with ``seeds``."""
    return Exercise(name="draw", visible_cases=lambda: seed_cases("n=6", {"n": 6}, seeds), hidden_cases=list,
                    judge=lambda case, output: judge_seed_cases(case, [output], "draws", "rng.random(n)"))


def test_seed_cases_compare_each_case_with_the_first_of_its_group():
    trio = _drawing_exercise((3, 3, 4))
    assert [case.label for case in trio.cases()] == [
        "n=6, rng seed 3", "n=6, rng seed 3 again: the same result expected", "n=6, rng seed 4: another result expected"]
    run_check(trio, lambda n, rng: rng.random(n))
    with pytest.raises(CheckFailed, match="same rng seed gave different draws .* e.g. rng.random"):
        run_check(trio, lambda n, rng: np.random.random(n))
    with pytest.raises(CheckFailed, match=r"different rng seeds gave the same draws \[case: n=6, rng seed 4"):
        run_check(trio, lambda n, rng: np.random.default_rng(0).random(n))
    pair = _drawing_exercise((3, 4))  # without the same seed again: only a function that ignores its rng fails
    run_check(pair, lambda n, rng: np.random.random(n))
    with pytest.raises(CheckFailed, match="different rng seeds gave the same draws"):
        run_check(pair, lambda n, rng: np.random.default_rng(0).random(n))


def test_a_seed_case_judged_alone_is_not_compared_with_a_stale_output():
    exercise = _drawing_exercise((3, 3, 4))
    first, _, other = exercise.cases()
    reseeded = np.random.default_rng(0).random(6)
    exercise.judge(first, reseeded)
    with pytest.raises(CheckFailed, match="ignores the rng"):
        exercise.judge(other, reseeded)
    exercise.judge(other, reseeded)  # the group was closed by its last case: nothing left to compare with
