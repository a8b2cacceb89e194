"""The gradient checking exercises: right answers pass (however they round), every recognized mistake gets its
own message, and a correct result is judged by its meaning (verdict band, order of magnitude), not its bits.

The correct variants and named mistakes live in ``tests/variants/gradient_checking.py``; ``tests/test_variants.py``
runs them on every path and, as a ``blas_matrix`` test, under a second BLAS setting (``python3 course.py test``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from course_utils import gradient_check as reference_gradient_check
from course_utils import mlp as reference_mlp
from course_utils.checks import check, get_exercise
from course_utils.checks import gradient_checking as checks_module
from course_utils.checks.framework import judge_outputs
from tests.check_tools import fails_with
from tests.variants.gradient_checking import (
    CORRECT,
    _centred,
    make_backward,
    nd_drift,
    nd_textbook,
    one_d_textbook,
)

class _LastBitsCost:
    """Wraps a case's cost: returns it moved by a few ulps, as another BLAS kernel or thread count would."""

    def __init__(self, cost_fn, rng):
        self.cost_fn, self.rng = cost_fn, rng

    def __call__(self, parameters):
        value = self.cost_fn(parameters)
        return value * (1 + float(self.rng.integers(-4, 5)) * np.finfo(float).eps)


@pytest.mark.parametrize("fn", CORRECT["gradient_check_nd"], ids=lambda fn: fn.__name__)
def test_correct_nd_variant_passes_when_the_student_cost_rounds_otherwise(fn):
    """The issue's failure: the student's process and the judge's round the cost differently (BLAS core type)."""
    exercise = get_exercise("gradient_check_nd")
    rng = np.random.default_rng(0)
    outputs = []
    for case in exercise.cases(hidden=True):
        args = dict(case.args, cost_fn=_LastBitsCost(case.args["cost_fn"], rng))
        outputs.append({"output": float(fn(**args))})
    judge_outputs(exercise, outputs, hidden=True)


def test_eps_instead_of_2_eps_is_not_called_a_missing_copy():
    """Issue 11 part 2: dividing by epsilon gave "theta_plus and theta_minus are the same array (no .copy())"."""
    from tests.variants.gradient_checking import nd_no_two

    message = fails_with("gradient_check_nd", nd_no_two, "the factor 2 is missing")
    assert ".copy()" not in message


# ============================================================================ tolerances derived from epsilon


@pytest.mark.parametrize("name, expected_of", [("gradient_check_1d", checks_module.one_d_expected),
                                               ("gradient_check_nd", checks_module.nd_expected)])
def test_no_case_sits_on_a_verdict_threshold(name, expected_of):
    """A correct result must have the reference's verdict: where the (worst-case) rounding band of a case reaches a
    threshold, the reference is at least 10 times away from it, so realistic rounding cannot cross it."""
    for case in get_exercise(name).cases(hidden=True):
        expected = expected_of(case)
        low, high = max(expected.value - expected.band, 0.0), expected.value + expected.band
        for threshold in (reference_gradient_check.GOOD, reference_gradient_check.BUG):
            if low < threshold <= high:
                assert expected.value < threshold / 10 or expected.value > threshold * 10, (case.label, expected)


def test_band_is_loose_where_only_rounding_lives_and_tight_where_a_bug_lives():
    cases = {case.label: case for case in get_exercise("gradient_check_nd").cases(hidden=True)}
    default = checks_module.nd_expected(next(c for label, c in cases.items() if "default epsilon" in label))
    # eps = 1e-7: r is rounding noise (~1e-9); a correct result anywhere below ~1e-8 is the same answer
    assert default.value < 1e-8 and default.band > default.value
    bug = checks_module.nd_expected(next(c for label, c in cases.items() if "off by 1" in label))
    assert bug.value > 1e-3 and bug.band < 1e-6 * bug.value
    precise = checks_module.nd_expected(next(c for label, c in cases.items() if "1e-2" in label))
    assert 1e-6 < precise.value < 1e-3 and precise.band < 1e-4 * precise.value


def test_1d_far_off_result_gets_the_case_the_norms_and_the_recipe():
    message = fails_with("gradient_check_1d", lambda f, df, x, epsilon=1e-7: 0.25, "expected the relative error",
                         "verdict 'bug'", "as rounding allows", "||g|| = ", "Compute g = df(x)")
    assert "[case: " in message


def test_nd_unrecognized_mistake_gets_the_entry_and_the_recipe():
    def unrecognized(cost_fn, parameters, grads, epsilon=1e-7):
        return 3 * nd_textbook(cost_fn, parameters, grads, epsilon) + 1e-3

    fails_with("gradient_check_nd", unrecognized, "expected the relative error", "the entries differ most at dW1[",
               "Flatten every parameter")


# ============================================================================ gradient_check_1d


def test_1d_shape_none_nan_and_reference():
    fails_with("gradient_check_1d", lambda f, df, x, epsilon=1e-7: None, "is None", "forget a `return`")
    fails_with(
        "gradient_check_1d",
        lambda f, df, x, epsilon=1e-7: (df(x), _centred(f, x, epsilon)),
        "should be a single number",
    )
    fails_with("gradient_check_1d", lambda f, df, x, epsilon=1e-7: np.nan, "is NaN")
    fails_with("gradient_check_1d", lambda f, df, x, epsilon=1e-7: reference_gradient_check.check_gradient_1d(
        f, df, x, epsilon), "calls the course's reference solution", "check_gradient_1d")


def test_1d_unimplemented_raises_not_implemented():
    def stub(f, df, x, epsilon=1e-7):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("gradient_check_1d", stub)
    check("gradient_check_1d", one_d_textbook)


# ============================================================================ gradient_check_nd


def test_nd_cases_cover_the_brief():
    exercise = get_exercise("gradient_check_nd")
    cases = exercise.cases(hidden=True)
    shapes = {tuple(p.shape[0] for k, p in case.args["parameters"].items() if k.startswith("W")) for case in cases}
    assert (4, 1) in shapes and (5, 3, 2) in shapes
    errors = [nd_textbook(**case.args) for case in cases]
    assert min(errors) < 1e-7 and max(errors) > 1e-2
    # the first case is the drift-sensitive one, and it really separates a drifting theta from a restored one
    assert "drifts" in cases[0].label
    right, drifted = nd_textbook(**cases[0].args), nd_drift(**cases[0].args)
    assert abs(drifted - right) > 0.01 * right


def test_nd_none_shape_and_reference():
    def vector(cost_fn, parameters, grads, epsilon=1e-7):
        return np.concatenate([np.ravel(v) for v in parameters.values()])

    def reference(cost_fn, parameters, grads, epsilon=1e-7):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", reference_gradient_check.GradCheckWarning)
            return reference_gradient_check.gradient_check(cost_fn, parameters, grads, epsilon).relative_error

    def reference_vectors(cost_fn, parameters, grads, epsilon=1e-7):
        theta, _ = reference_gradient_check.dictionary_to_vector(parameters)
        return nd_textbook(cost_fn, parameters, grads, epsilon) + 0 * theta.sum()

    fails_with("gradient_check_nd", lambda cost_fn, parameters, grads, epsilon=1e-7: None, "is None")
    fails_with("gradient_check_nd", vector, "should be a single number")
    fails_with("gradient_check_nd", reference, "calls the course's reference solution")
    fails_with("gradient_check_nd", reference_vectors, "calls the course's reference solution", "dictionary_to_vector")


# ============================================================================ fixed_backward


def test_fixed_backward_with_every_planted_bug_names_the_three_parameters():
    message = fails_with(
        "fixed_backward",
        make_backward(True, True, True),
        "dW3 relative error",
        "dW2 relative error",
        "db1 relative error",
        "(bug; worst entry",
        "computed from Z2",
        "still transposed",
        "missing the 1/m",
    )
    assert "dW1 relative error" not in message and "db3 relative error" not in message


@pytest.mark.parametrize(
    "bug, name, hint",
    [
        ({"wrong_dW3": True}, "dW3", "computed from Z2"),
        ({"transposed_dW2": True}, "dW2", "still transposed"),
        ({"db1_without_m": True}, "db1", "missing the 1/m"),
    ],
)
def test_fixed_backward_one_bug_left_names_its_parameter(bug, name, hint):
    message = fails_with("fixed_backward", make_backward(**bug), f"{name} relative error", "(bug", hint)
    others = {"dW1", "db1", "dW2", "db2", "dW3", "db3"} - {name}
    assert not any(f"{other} relative error" in message for other in others), message


def test_fixed_backward_dA1_hint_is_given_once():
    message = fails_with("fixed_backward", make_backward(dA1_without_transpose=True), "dW1 relative error",
                         "db1 relative error", "dA1 is computed with W2 instead of W2^T")
    assert message.count("dA1 is computed") == 1, message


def test_fixed_backward_unknown_bug_gets_the_worst_entry_and_the_formulas():
    def sign_flipped(X, Y, parameters):
        grads = make_backward()(X, Y, parameters)
        grads["db2"] = -grads["db2"]
        return grads

    fails_with("fixed_backward", sign_flipped, "db2 relative error", "worst entry db2[", "dW = (1/m) dZ A_prev^T")


def test_fixed_backward_shape_none_missing_key_and_reference():
    fails_with("fixed_backward", lambda X, Y, parameters: None, "should return a dict")

    def missing(X, Y, parameters):
        grads = make_backward()(X, Y, parameters)
        del grads["db3"]
        return grads

    fails_with("fixed_backward", missing, "missing ['db3']")

    def flat_bias(X, Y, parameters):
        grads = make_backward()(X, Y, parameters)
        grads["db1"] = grads["db1"].T
        return grads

    fails_with("fixed_backward", flat_bias, "grads['db1'] has shape", "looks transposed")

    def nan(X, Y, parameters):
        grads = make_backward()(X, Y, parameters)
        grads["dW1"] = grads["dW1"] * np.nan
        return grads

    fails_with("fixed_backward", nan, "contains NaN")

    def uses_reference(X, Y, parameters):
        AL, caches = reference_mlp.model_forward(X, parameters, ["relu", "relu", "sigmoid"])
        return reference_mlp.model_backward(AL, Y, caches)

    fails_with("fixed_backward", uses_reference, "calls the course's reference solution", "model_backward")


def test_fixed_backward_small_difference_names_the_entry():
    def nudged(X, Y, parameters):
        grads = make_backward()(X, Y, parameters)
        grads["dW2"] = grads["dW2"].copy()
        grads["dW2"][1, 2] += 1e-6
        return grads

    fails_with("fixed_backward", nudged, "dW2 relative error", "(look again; worst entry dW2[1, 2]")


def test_fixed_backward_cases_have_no_relu_on_a_kink():
    from tests.variants.gradient_checking import _forward

    for case in get_exercise("fixed_backward").cases(hidden=True):
        cache = _forward(case.args["X"], case.args["parameters"])
        assert np.min(np.abs(cache["Z1"])) > 1e-4 and np.min(np.abs(cache["Z2"])) > 1e-4
