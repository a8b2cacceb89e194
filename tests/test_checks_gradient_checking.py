"""The gradient checking exercises: right answers pass, every recognized mistake gets its own message."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import gradient_check as reference_gradient_check
from course_utils import mlp as reference_mlp
from course_utils.checks import check, get_exercise
from course_utils.checks.framework import collect_outputs, judge_outputs
from tests.check_tools import fails_with




# ============================================================================ gradient_check_1d


def _centred(f, x, epsilon):
    return (f(x + epsilon) - f(x - epsilon)) / (2 * epsilon)


def one_d_right(f, df, x, epsilon=1e-7):
    g = df(x)
    approx = _centred(f, x, epsilon)
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def one_d_right_other_arithmetic(f, df, x, epsilon=1e-7):
    g = float(df(x))
    approx = (f(x + epsilon) - f(x - epsilon)) / 2 / epsilon
    return abs(approx - g) / (abs(approx) + abs(g))


def one_d_one_sided(f, df, x, epsilon=1e-7):
    g = df(x)
    approx = (f(x + epsilon) - f(x)) / epsilon
    return abs(g - approx) / (abs(g) + abs(approx))


def one_d_no_two(f, df, x, epsilon=1e-7):
    g = df(x)
    approx = (f(x + epsilon) - f(x - epsilon)) / epsilon
    return abs(g - approx) / (abs(g) + abs(approx))


def one_d_absolute(f, df, x, epsilon=1e-7):
    return abs(df(x) - _centred(f, x, epsilon))


def one_d_over_g(f, df, x, epsilon=1e-7):
    g = df(x)
    return abs(g - _centred(f, x, epsilon)) / abs(g)


def one_d_over_approx(f, df, x, epsilon=1e-7):
    approx = _centred(f, x, epsilon)
    return abs(df(x) - approx) / abs(approx)


def one_d_signed(f, df, x, epsilon=1e-7):
    g, approx = df(x), _centred(f, x, epsilon)
    return (g - approx) / (abs(g) + abs(approx))


def one_d_norm_of_sum(f, df, x, epsilon=1e-7):
    g, approx = df(x), _centred(f, x, epsilon)
    return abs(g - approx) / abs(g + approx)


def one_d_times_epsilon(f, df, x, epsilon=1e-7):
    g, approx = df(x), (f(x + epsilon) - f(x - epsilon)) / 2 * epsilon  # the precedence slip
    return abs(g - approx) / (abs(g) + abs(approx))


def one_d_fixed_epsilon(f, df, x, epsilon=1e-7):
    g, approx = df(x), _centred(f, x, 1e-7)  # ignores its epsilon argument
    return abs(g - approx) / (abs(g) + abs(approx))


def one_d_reference(f, df, x, epsilon=1e-7):
    return reference_gradient_check.check_gradient_1d(f, df, x, epsilon)


def test_1d_right_answers_pass():
    check("gradient_check_1d", one_d_right, hidden=True)
    check("gradient_check_1d", one_d_right_other_arithmetic, hidden=True)


def test_1d_grader_split_passes():
    exercise = get_exercise("gradient_check_1d")
    judge_outputs(exercise, collect_outputs(exercise, one_d_right, hidden=True), hidden=True)


@pytest.mark.parametrize(
    "implementation, fragment",
    [
        (one_d_one_sided, "one-sided difference"),
        (one_d_no_two, "factor 2 is missing"),
        (one_d_absolute, "absolute error"),
        (one_d_over_g, "divide by |g| only"),
        (one_d_over_approx, "divide by |g_approx| only"),
        (one_d_signed, "the numerator must be a norm"),
        (one_d_norm_of_sum, "not |g + g_approx|"),
        (one_d_times_epsilon, "write `/ (2 * epsilon)`"),
        (one_d_fixed_epsilon, "use the epsilon argument"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_1d_mistakes_are_named(implementation, fragment):
    fails_with("gradient_check_1d", implementation, fragment)


def test_1d_shape_none_nan_and_reference():
    fails_with("gradient_check_1d", lambda f, df, x, epsilon=1e-7: None, "is None", "forget a `return`")
    fails_with(
        "gradient_check_1d",
        lambda f, df, x, epsilon=1e-7: (df(x), _centred(f, x, epsilon)),
        "should be a single number",
    )
    fails_with("gradient_check_1d", lambda f, df, x, epsilon=1e-7: np.nan, "is NaN")
    fails_with("gradient_check_1d", one_d_reference, "calls the course's reference solution", "check_gradient_1d")


def test_1d_unimplemented_raises_not_implemented():
    def stub(f, df, x, epsilon=1e-7):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("gradient_check_1d", stub)


# ============================================================================ gradient_check_nd


def _to_vector(arrays, keys):
    return np.concatenate([arrays[k].reshape(-1) for k in keys])


def _to_dict(theta, like, keys):
    out, start = {}, 0
    for k in keys:
        out[k] = theta[start : start + like[k].size].reshape(like[k].shape)
        start += like[k].size
    return out


def nd_right(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += epsilon
        minus[i] -= epsilon
        approx[i] = (cost_fn(_to_dict(plus, parameters, keys)) - cost_fn(_to_dict(minus, parameters, keys))) / (2 * epsilon)
    g = _to_vector({k: grads["d" + k] for k in keys}, keys)
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def nd_times_epsilon(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += epsilon
        minus[i] -= epsilon
        approx[i] = (cost_fn(_to_dict(plus, parameters, keys)) - cost_fn(_to_dict(minus, parameters, keys))) / 2 * epsilon
    g = _to_vector({k: grads["d" + k] for k in keys}, keys)
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def nd_right_in_place_restored(cost_fn, parameters, grads, epsilon=1e-7):
    """Perturbs the dict's arrays entry by entry and restores each one (sorted order of keys, both vectors)."""
    numeric, analytic = [], []
    for key in sorted(parameters):
        array = parameters[key]
        for index in np.ndindex(array.shape):
            old = array[index]
            array[index] = old + epsilon
            j_plus = cost_fn(parameters)
            array[index] = old - epsilon
            j_minus = cost_fn(parameters)
            array[index] = old
            numeric.append((j_plus - j_minus) / (2 * epsilon))
            analytic.append(grads["d" + key][index])
    numeric, analytic = np.array(numeric), np.array(analytic)
    return float(np.sqrt(np.sum((numeric - analytic) ** 2)) / (np.sqrt(np.sum(numeric**2)) + np.sqrt(np.sum(analytic**2))))


def nd_one_sided(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    j0 = cost_fn(_to_dict(theta, parameters, keys))
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        plus = theta.copy()
        plus[i] += epsilon
        approx[i] = (cost_fn(_to_dict(plus, parameters, keys)) - j0) / epsilon
    g = _to_vector({k: grads["d" + k] for k in keys}, keys)
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def nd_drift(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta[i] += epsilon
        j_plus = cost_fn(_to_dict(theta, parameters, keys))
        theta[i] -= 2 * epsilon
        j_minus = cost_fn(_to_dict(theta, parameters, keys))
        approx[i] = (j_plus - j_minus) / (2 * epsilon)
    g = _to_vector({k: grads["d" + k] for k in keys}, keys)
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def nd_alias_half(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta_plus = theta
        theta_plus[i] = theta_plus[i] + epsilon
        j_plus = cost_fn(_to_dict(theta_plus, parameters, keys))
        theta_minus = theta
        theta_minus[i] = theta_minus[i] - epsilon
        j_minus = cost_fn(_to_dict(theta_minus, parameters, keys))
        approx[i] = (j_plus - j_minus) / (2 * epsilon)
    g = _to_vector({k: grads["d" + k] for k in keys}, keys)
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def nd_alias_zero(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta_plus = theta
        theta_plus[i] += epsilon
        theta_minus = theta
        theta_minus[i] -= epsilon
        approx[i] = (cost_fn(_to_dict(theta_plus, parameters, keys)) - cost_fn(_to_dict(theta_minus, parameters, keys))) / (2 * epsilon)
    g = _to_vector({k: grads["d" + k] for k in keys}, keys)
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def nd_grads_in_their_own_order(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += epsilon
        minus[i] -= epsilon
        approx[i] = (cost_fn(_to_dict(plus, parameters, keys)) - cost_fn(_to_dict(minus, parameters, keys))) / (2 * epsilon)
    g = np.concatenate([value.reshape(-1) for value in grads.values()])
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def nd_grads_sorted(cost_fn, parameters, grads, epsilon=1e-7):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += epsilon
        minus[i] -= epsilon
        approx[i] = (cost_fn(_to_dict(plus, parameters, keys)) - cost_fn(_to_dict(minus, parameters, keys))) / (2 * epsilon)
    g = np.concatenate([grads[name].reshape(-1) for name in sorted(grads)])
    return np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx))


def nd_absolute(cost_fn, parameters, grads, epsilon=1e-7):
    numeric = reference_free_numeric(cost_fn, parameters, epsilon)
    keys = list(parameters)
    return np.linalg.norm(_to_vector({k: grads["d" + k] for k in keys}, keys) - numeric)


def reference_free_numeric(cost_fn, parameters, epsilon):
    keys = list(parameters)
    theta = _to_vector(parameters, keys)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        plus, minus = theta.copy(), theta.copy()
        plus[i] += epsilon
        minus[i] -= epsilon
        approx[i] = (cost_fn(_to_dict(plus, parameters, keys)) - cost_fn(_to_dict(minus, parameters, keys))) / (2 * epsilon)
    return approx


def nd_over_g(cost_fn, parameters, grads, epsilon=1e-7):
    numeric = reference_free_numeric(cost_fn, parameters, epsilon)
    keys = list(parameters)
    g = _to_vector({k: grads["d" + k] for k in keys}, keys)
    return np.linalg.norm(g - numeric) / np.linalg.norm(g)


def nd_unrecognized(cost_fn, parameters, grads, epsilon=1e-7):
    return 3 * nd_right(cost_fn, parameters, grads, epsilon) + 1e-3


def nd_reference(cost_fn, parameters, grads, epsilon=1e-7):
    return reference_gradient_check.gradient_check(cost_fn, parameters, grads, epsilon).relative_error


def nd_reference_vectors(cost_fn, parameters, grads, epsilon=1e-7):
    theta, layout = reference_gradient_check.dictionary_to_vector(parameters)
    return nd_right(cost_fn, parameters, grads, epsilon) + 0 * theta.sum()


def test_nd_right_answers_pass():
    check("gradient_check_nd", nd_right, hidden=True)
    check("gradient_check_nd", nd_right_in_place_restored, hidden=True)


def test_nd_grader_split_passes():
    exercise = get_exercise("gradient_check_nd")
    judge_outputs(exercise, collect_outputs(exercise, nd_right, hidden=True), hidden=True)


def test_nd_cases_cover_the_brief():
    exercise = get_exercise("gradient_check_nd")
    cases = exercise.cases(hidden=True)
    shapes = {tuple(p.shape[0] for k, p in case.args["parameters"].items() if k.startswith("W")) for case in cases}
    assert (4, 1) in shapes and (5, 3, 2) in shapes
    errors = [nd_right(**case.args) for case in cases]
    assert min(errors) < 1e-7 and max(errors) > 1e-2
    # the drift-sensitive case really separates a drifting theta from a restored one
    drift_case = next(case for case in cases if "drifts" in case.label)
    right, drifted = nd_right(**drift_case.args), nd_drift(**drift_case.args)
    assert abs(drifted - right) > 0.01 * right


@pytest.mark.parametrize(
    "implementation, fragment",
    [
        (nd_one_sided, "one-sided difference"),
        (nd_drift, "theta drifts"),
        (nd_alias_half, "the same array as theta (no .copy())"),
        (nd_alias_zero, "numerical gradient is all zeros"),
        (nd_times_epsilon, "write `/ (2 * epsilon)`"),
        (nd_grads_in_their_own_order, "your numerical and analytic vectors are in different orders"),
        (nd_grads_sorted, "your numerical and analytic vectors are in different orders"),
        (nd_absolute, "absolute error"),
        (nd_over_g, "divide by ||g|| only"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_nd_mistakes_are_named(implementation, fragment):
    fails_with("gradient_check_nd", implementation, fragment)


def test_nd_unrecognized_mistake_gets_the_recipe():
    fails_with("gradient_check_nd", nd_unrecognized, "expected the relative error", "flatten every parameter")


def test_nd_none_shape_and_reference():
    fails_with("gradient_check_nd", lambda cost_fn, parameters, grads, epsilon=1e-7: None, "is None")
    fails_with(
        "gradient_check_nd",
        lambda cost_fn, parameters, grads, epsilon=1e-7: reference_free_numeric(cost_fn, parameters, epsilon),
        "should be a single number",
    )
    fails_with("gradient_check_nd", nd_reference, "calls the course's reference solution")
    fails_with("gradient_check_nd", nd_reference_vectors, "calls the course's reference solution", "dictionary_to_vector")


# ============================================================================ fixed_backward


def three_layer_forward(X, parameters):
    Z1 = parameters["W1"] @ X + parameters["b1"]
    A1 = np.maximum(Z1, 0)
    Z2 = parameters["W2"] @ A1 + parameters["b2"]
    A2 = np.maximum(Z2, 0)
    Z3 = parameters["W3"] @ A2 + parameters["b3"]
    A3 = 1 / (1 + np.exp(-Z3))
    return A3, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "Z3": Z3, "A3": A3}


def make_backward(wrong_dW3=False, transposed_dW2=False, db1_without_m=False, dW2_without_m=False,
                  dA1_without_transpose=False):
    def backward(X, Y, parameters):
        m = X.shape[1]
        _, cache = three_layer_forward(X, parameters)
        dZ3 = cache["A3"] - Y
        dW3 = dZ3 @ (cache["Z2"] if wrong_dW3 else cache["A2"]).T / m
        db3 = np.sum(dZ3, axis=1, keepdims=True) / m
        dZ2 = (parameters["W3"].T @ dZ3) * (cache["Z2"] > 0)
        dW2 = cache["A1"] @ dZ2.T / m if transposed_dW2 else dZ2 @ cache["A1"].T / m
        if dW2_without_m:
            dW2 = dW2 * m
        db2 = np.sum(dZ2, axis=1, keepdims=True) / m
        dA1 = (parameters["W2"] if dA1_without_transpose else parameters["W2"].T) @ dZ2
        dZ1 = dA1 * (cache["Z1"] > 0)
        dW1 = dZ1 @ X.T / m
        db1 = np.sum(dZ1, axis=1, keepdims=True) / (1 if db1_without_m else m)
        return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2, "dW3": dW3, "db3": db3}

    return backward


def test_fixed_backward_right_answer_passes():
    check("fixed_backward", make_backward(), hidden=True)
    exercise = get_exercise("fixed_backward")
    judge_outputs(exercise, collect_outputs(exercise, make_backward(), hidden=True), hidden=True)


def test_fixed_backward_with_every_planted_bug_names_the_three_parameters():
    message = fails_with(
        "fixed_backward",
        make_backward(True, True, True),
        "dW3 relative error",
        "dW2 relative error",
        "db1 relative error",
        "(bug)",
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
    message = fails_with("fixed_backward", make_backward(**bug), f"{name} relative error", "(bug)", hint)
    others = {"dW1", "db1", "dW2", "db2", "dW3", "db3"} - {name}
    assert not any(f"{other} relative error" in message for other in others), message


def test_fixed_backward_other_mistakes_get_hints():
    fails_with("fixed_backward", make_backward(dW2_without_m=True), "dW2 relative error", "dW2 is m = 8 times too large")
    message = fails_with("fixed_backward", make_backward(dA1_without_transpose=True), "dW1 relative error",
                         "db1 relative error", "dA1 is computed with W2 instead of W2^T")
    assert message.count("dA1 is computed") == 1, message


def test_fixed_backward_unknown_bug_gets_the_formulas():
    def sign_flipped(X, Y, parameters):
        grads = make_backward()(X, Y, parameters)
        grads["db2"] = -grads["db2"]
        return grads

    fails_with("fixed_backward", sign_flipped, "db2 relative error", "dW = (1/m) dZ A_prev^T")


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


def test_fixed_backward_cases_have_no_relu_on_a_kink():
    for case in get_exercise("fixed_backward").cases(hidden=True):
        _, cache = three_layer_forward(case.args["X"], case.args["parameters"])
        assert np.min(np.abs(cache["Z1"])) > 1e-4 and np.min(np.abs(cache["Z2"])) > 1e-4
