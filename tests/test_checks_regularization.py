"""Tests for course_utils.checks.regularization: right answers pass, every recognized mistake gets its message."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import costs, dropout, mlp
from course_utils.checks import check, get_exercise
from course_utils.checks.framework import CheckFailed, collect_outputs, judge_outputs


def _expect_failure(name: str, fn, *fragments: str, hidden: bool = False) -> str:
    with pytest.raises(CheckFailed) as info:
        check(name, fn, hidden=hidden)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# --------------------------------------------------------------------------------------- compute_cost_with_l2


def _weights(parameters):
    return [parameters[f"W{l}"] for l in range(1, len(parameters) // 2 + 1)]


def _cross_entropy(AL, Y):
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / AL.shape[1])


def cost_right(AL, Y, parameters, lambd):
    m = Y.shape[1]
    penalty = sum(np.sum(np.square(W)) for W in _weights(parameters))
    return _cross_entropy(AL, Y) + lambd / (2 * m) * penalty


def _cost_variant(penalty_fn, scale="2m", sign=1.0):
    def fn(AL, Y, parameters, lambd):
        m = Y.shape[1]
        factor = {"2m": lambd / (2 * m), "m": lambd / m, "2": lambd / 2}[scale]
        return _cross_entropy(AL, Y) + sign * factor * penalty_fn(parameters)

    return fn


def _squares(parameters):
    return sum(np.sum(W**2) for W in _weights(parameters))


COST_MISTAKES = {
    "lambd/m": (_cost_variant(_squares, scale="m"), "uses lambd/m"),
    "biases": (
        _cost_variant(lambda p: sum(np.sum(v**2) for v in p.values())),
        "biases are included",
    ),
    "last W only": (_cost_variant(lambda p: np.sum(_weights(p)[-1] ** 2)), "only the last weight matrix W3"),
    "first W only": (_cost_variant(lambda p: np.sum(p["W1"] ** 2)), "only W1 is penalized"),
    "sum of W": (_cost_variant(lambda p: sum(np.sum(W) for W in _weights(p))), "instead of their squares"),
    "norm not squared": (
        _cost_variant(lambda p: sum(np.linalg.norm(W) for W in _weights(p))),
        "Frobenius norm is not squared",
    ),
    "mean of squares": (_cost_variant(lambda p: sum(np.mean(W**2) for W in _weights(p))), "np.mean(W**2)"),
    "no 1/m in L2": (_cost_variant(_squares, scale="2"), "L2 term is missing the 1/m"),
    "cross-entropy summed": (
        lambda AL, Y, parameters, lambd: Y.shape[1] * _cross_entropy(AL, Y)
        + lambd / (2 * Y.shape[1]) * _squares(parameters),
        "summed over the examples",
    ),
    "no L2": (lambda AL, Y, parameters, lambd: _cross_entropy(AL, Y), "only the cross-entropy is returned"),
    "L2 subtracted": (_cost_variant(_squares, sign=-1.0), "the L2 term is subtracted"),
    "lambd / 2 * m": (
        lambda AL, Y, parameters, lambd: _cross_entropy(AL, Y) + lambd / 2 * Y.shape[1] * _squares(parameters),
        "write lambd / (2 * m)",
    ),
    "last W left out": (
        _cost_variant(lambda p: sum(np.sum(W**2) for W in _weights(p)[:-1])),
        "the last weight matrix W3 is left out",
    ),
    "cross-entropy sign": (
        lambda AL, Y, parameters, lambd: -_cross_entropy(AL, Y) + lambd / (2 * Y.shape[1]) * _squares(parameters),
        "cross-entropy has the wrong sign",
    ),
}


def test_compute_cost_with_l2_accepts_a_correct_implementation(capsys):
    check("compute_cost_with_l2", cost_right)
    check("compute_cost_with_l2", cost_right, hidden=True)
    assert "compute_cost_with_l2: all 5 hidden and visible checks passed" in capsys.readouterr().out


@pytest.mark.parametrize("mistake", sorted(COST_MISTAKES))
def test_compute_cost_with_l2_names_each_mistake(mistake):
    fn, fragment = COST_MISTAKES[mistake]
    _expect_failure("compute_cost_with_l2", fn, "the cost is wrong", fragment)


def test_compute_cost_with_l2_returning_an_array_of_one_number_is_fine():
    check("compute_cost_with_l2", lambda **kw: np.array([[cost_right(**kw)]]), hidden=True)


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda AL, Y, parameters, lambd: None, "did you forget a `return`"),
        (lambda AL, Y, parameters, lambd: np.full((1, Y.shape[1]), 0.5), "should be a single number"),
        (lambda AL, Y, parameters, lambd: float("nan"), "contains NaN"),
        (lambda AL, Y, parameters, lambd: cost_right(AL, Y, parameters, lambd) + 0.01, "has wrong values"),
    ],
)
def test_compute_cost_with_l2_framework_messages(fn, fragment):
    _expect_failure("compute_cost_with_l2", fn, fragment)


def test_compute_cost_with_l2_refuses_the_reference_kernel():
    _expect_failure(
        "compute_cost_with_l2",
        lambda AL, Y, parameters, lambd: costs.compute_cost(AL, Y, parameters, lambd),
        "calls the course's reference solution",
        "course_utils.costs.compute_cost",
    )
    alias = costs.l2_penalty
    _expect_failure(
        "compute_cost_with_l2",
        lambda AL, Y, parameters, lambd: _cross_entropy(AL, Y) + alias(parameters, lambd, Y.shape[1]),
        "course_utils.costs.l2_penalty",
    )


# ------------------------------------------------------------------------------------------- backward_with_l2


def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def make_backward(l2_dW=lambda W, lambd, m: lambd / m * W, db_extra=lambda b, lambd, m: 0.0, layers=(1, 2),
                  forget_1_over_m_in=(), tamper=None, tanh_derivative=lambda A1, Z1: 1 - A1**2):
    """A two-layer backward pass with the L2 term (and a few other pieces) swappable to plant mistakes.

    ``forget_1_over_m_in``: "dW" and/or "db", whose data term is then not averaged (m times too large).
    """

    def backward_with_l2(X, Y, parameters, cache, lambd):
        m = X.shape[1]
        dW_scale = m if "dW" in forget_1_over_m_in else 1.0
        db_scale = m if "db" in forget_1_over_m_in else 1.0
        A1, A2 = cache["A1"], cache["A2"]
        dZ2 = A2 - Y
        dW2 = dW_scale * (dZ2 @ A1.T) / m
        db2 = db_scale * np.sum(dZ2, axis=1, keepdims=True) / m
        dZ1 = (parameters["W2"].T @ dZ2) * tanh_derivative(A1, cache["Z1"])
        dW1 = dW_scale * (dZ1 @ X.T) / m
        db1 = db_scale * np.sum(dZ1, axis=1, keepdims=True) / m
        grads = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}
        for l in layers:
            grads[f"dW{l}"] = grads[f"dW{l}"] + l2_dW(parameters[f"W{l}"], lambd, m)
            grads[f"db{l}"] = grads[f"db{l}"] + db_extra(parameters[f"b{l}"], lambd, m)
        if tamper is not None:
            tamper(grads)
        return grads

    return backward_with_l2


BACKWARD_MISTAKES = {
    "lambd/(2m) in the gradient": (make_backward(l2_dW=lambda W, lambd, m: lambd / (2 * m) * W), "the 2 of the square cancels"),
    "L2 term on db": (make_backward(db_extra=lambda b, lambd, m: lambd / m * b), "biases are not regularized"),
    "sign flipped": (make_backward(l2_dW=lambda W, lambd, m: -lambd / m * W), "subtracts the L2 term"),
    "L2 only on the last layer": (make_backward(layers=(2,)), "dW1 is missing the L2 term"),
    "no L2 at all": (make_backward(layers=()), "missing the L2 term"),
    "lambd * W": (make_backward(l2_dW=lambda W, lambd, m: lambd * W), "adds lambd * W"),
    "no 1/m in the data term": (make_backward(forget_1_over_m_in=("dW",)), "cross-entropy part is missing the 1/m"),
    "no 1/m anywhere in dW": (
        make_backward(forget_1_over_m_in=("dW",), l2_dW=lambda W, lambd, m: lambd * W),
        "m times too large",
    ),
    "no 1/m in db": (make_backward(forget_1_over_m_in=("db",)), "db1 is missing the 1/m"),
    "tanh derivative from Z1": (make_backward(tanh_derivative=lambda A1, Z1: 1 - Z1**2), "dZ1 uses 1 - Z1**2"),
    "tanh applied twice": (make_backward(tanh_derivative=lambda A1, Z1: 1 - np.tanh(A1) ** 2), "applying tanh twice"),
    "sigmoid derivative": (make_backward(tanh_derivative=lambda A1, Z1: A1 * (1 - A1)), "derivative of the sigmoid"),
    "no tanh derivative": (make_backward(tanh_derivative=lambda A1, Z1: 1.0), "forgets the derivative of tanh"),
}


def test_backward_with_l2_accepts_a_correct_implementation(capsys):
    check("backward_with_l2", make_backward())
    check("backward_with_l2", make_backward(), hidden=True)
    assert "all 5 hidden and visible checks passed" in capsys.readouterr().out


def test_backward_with_l2_accepts_extra_keys():
    check("backward_with_l2", make_backward(tamper=lambda g: g.update(dA1=np.zeros(1))))


@pytest.mark.parametrize("mistake", sorted(BACKWARD_MISTAKES))
def test_backward_with_l2_names_each_mistake(mistake):
    fn, fragment = BACKWARD_MISTAKES[mistake]
    _expect_failure("backward_with_l2", fn, fragment)


def test_backward_with_l2_db_with_W_broadcast_gets_its_own_message():
    fn = make_backward(db_extra=lambda b, lambd, m: 0.0, tamper=None)

    def broadcast(X, Y, parameters, cache, lambd):
        grads = fn(X, Y, parameters, cache, lambd)
        grads["db1"] = grads["db1"] + lambd / X.shape[1] * parameters["W1"]
        return grads

    _expect_failure("backward_with_l2", broadcast, "db1 has the shape of W1", "the L2 term goes into dW only")


def test_backward_with_l2_unknown_mistake_is_located_by_the_gradient_check():
    def backward(X, Y, parameters, cache, lambd):
        m = X.shape[1]
        A1, A2 = cache["A1"], cache["A2"]
        dZ2 = A2 - Y
        dZ1 = (parameters["W2"].T @ dZ2) * (1 - A1)  # wrong tanh derivative
        return {
            "dW1": dZ1 @ X.T / m + lambd / m * parameters["W1"],
            "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
            "dW2": dZ2 @ A1.T / m + lambd / m * parameters["W2"],
            "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
        }

    message = _expect_failure("backward_with_l2", backward, "dW1 has wrong values", "gradient check", "dW1 (")
    assert "dW2 (" not in message


@pytest.mark.parametrize(
    "tamper, fragment",
    [
        (lambda g: g.update(dW2=None), "dW2 is None"),
        (lambda g: g.update(dW1=g["dW1"].T), "looks transposed"),
        (lambda g: g.update(db2=g["db2"].ravel()), "db2 has shape (1,)"),
        (lambda g: g.update(dW1=g["dW1"] * np.nan), "dW1 contains NaN"),
        (lambda g: g.pop("db1"), "missing ['db1']"),
    ],
)
def test_backward_with_l2_framework_messages(tamper, fragment):
    _expect_failure("backward_with_l2", make_backward(tamper=tamper), fragment)


def test_backward_with_l2_returning_none_or_a_tuple():
    _expect_failure("backward_with_l2", lambda **kw: None, "did you forget a `return`")
    _expect_failure("backward_with_l2", lambda **kw: (1, 2, 3, 4), "should return a dict")


def test_backward_with_l2_refuses_the_reference_kernel():
    def uses_mlp(X, Y, parameters, cache, lambd):
        AL, caches = mlp.model_forward(X, parameters, ["tanh", "sigmoid"])
        return mlp.model_backward(AL, Y, caches, lambd=lambd)

    _expect_failure("backward_with_l2", uses_mlp, "calls the course's reference solution", "course_utils.mlp")
    right = make_backward()

    def uses_l2_gradient(X, Y, parameters, cache, lambd):
        grads = right(X, Y, parameters, cache, 0.0)
        for l in (1, 2):
            grads[f"dW{l}"] = grads[f"dW{l}"] + costs.l2_gradient(parameters[f"W{l}"], lambd, X.shape[1])
        return grads

    _expect_failure("backward_with_l2", uses_l2_gradient, "course_utils.costs.l2_gradient")


# -------------------------------------------------------------------------------------------- dropout_forward


def forward_right(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    return A * D / keep_prob, D


def _forward_variant(out_fn, mask_fn=lambda rng, A, kp: rng.random(A.shape) < kp):
    def fn(A, keep_prob, rng):
        D = mask_fn(rng, A, keep_prob)
        return out_fn(A, D, keep_prob, rng), D

    return fn


FORWARD_MISTAKES = {
    "not rescaled": (_forward_variant(lambda A, D, kp, rng: A * D), "not rescaled by 1/keep_prob"),
    "times keep_prob": (_forward_variant(lambda A, D, kp, rng: A * D * kp), "multiplied by keep_prob"),
    "mask inverted in A_out": (_forward_variant(lambda A, D, kp, rng: A * (1 - D) / kp), "wrong way round"),
    "mask not applied": (_forward_variant(lambda A, D, kp, rng: A / kp), "multiply by the mask D"),
    "mask drawn twice": (
        _forward_variant(lambda A, D, kp, rng: A * (rng.random(A.shape) < kp) / kp),
        "drops other units than the returned mask D",
    ),
    "> keep_prob": (
        _forward_variant(lambda A, D, kp, rng: A * D / kp, mask_fn=lambda rng, A, kp: rng.random(A.shape) > kp),
        "It looks inverted",
    ),
    "divided by 1 - keep_prob": (
        _forward_variant(lambda A, D, kp, rng: A * D / (1 - kp)),
        "divided by 1 - keep_prob",
    ),
    "one mask per unit": (
        _forward_variant(lambda A, D, kp, rng: A * D / kp, mask_fn=lambda rng, A, kp: rng.random((A.shape[0], 1)) < kp),
        "One mask value is shared along an axis",
    ),
}


def test_dropout_forward_accepts_correct_implementations(capsys):
    check("dropout_forward", forward_right, hidden=True)

    def integer_mask(A, keep_prob, rng):
        D = (rng.random(A.shape) < keep_prob).astype(int)
        A = A * D
        A /= keep_prob
        return A, D

    check("dropout_forward", integer_mask, hidden=True)

    def binomial(A, keep_prob, rng):
        D = rng.binomial(1, keep_prob, size=A.shape)
        return np.multiply(A, D) / keep_prob, D

    check("dropout_forward", binomial, hidden=True)
    assert capsys.readouterr().out.count("passed") == 3


@pytest.mark.parametrize("mistake", sorted(FORWARD_MISTAKES))
def test_dropout_forward_names_each_mistake(mistake):
    fn, fragment = FORWARD_MISTAKES[mistake]
    _expect_failure("dropout_forward", fn, fragment)


def test_dropout_forward_swapped_outputs_and_bad_masks():
    _expect_failure("dropout_forward", lambda A, keep_prob, rng: forward_right(A, keep_prob, rng)[::-1], "the order is (A_out, D)")
    _expect_failure(
        "dropout_forward",
        lambda A, keep_prob, rng: (A, rng.random(A.shape)),
        "must hold only 0/1",
    )
    _expect_failure("dropout_forward", lambda A, keep_prob, rng: (A, None), "mask D should be a numpy array")


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda A, keep_prob, rng: None, "should return 2 values"),
        (lambda A, keep_prob, rng: forward_right(A, keep_prob, rng)[0], "should return 2 values"),
        (lambda A, keep_prob, rng: (None, rng.random(A.shape) < keep_prob), "A_out is None"),
        (lambda A, keep_prob, rng: (np.full(A.shape, np.nan), rng.random(A.shape) < keep_prob), "A_out contains NaN"),
        (lambda A, keep_prob, rng: (A.T, np.ones(A.shape)), "looks transposed"),
    ],
)
def test_dropout_forward_framework_messages(fn, fragment):
    _expect_failure("dropout_forward", fn, fragment)


def test_dropout_forward_refuses_the_reference_kernel():
    def uses_reference(A, keep_prob, rng):
        A_out, cache = dropout.dropout_forward(A, keep_prob, rng=rng)
        return A_out, cache["mask"] if cache["mask"] is not None else np.ones(A.shape)

    _expect_failure("dropout_forward", uses_reference, "calls the course's reference solution", "course_utils.dropout")


# ------------------------------------------------------------------------------------------- dropout_backward


def backward_right(dA, D, keep_prob):
    return dA * D / keep_prob


_global = np.random.default_rng(123)

DROPOUT_BACKWARD_MISTAKES = {
    "not rescaled": (lambda dA, D, keep_prob: dA * D, "not rescaled by 1/keep_prob"),
    "times keep_prob": (lambda dA, D, keep_prob: dA * D * keep_prob, "multiplied by keep_prob"),
    "mask not applied": (lambda dA, D, keep_prob: dA / keep_prob, "the mask D is not applied"),
    "mask inverted": (lambda dA, D, keep_prob: dA * (1 - D) / keep_prob, "wrong way round"),
    "unchanged": (lambda dA, D, keep_prob: dA, "dA is returned unchanged"),
    "divided by 1 - keep_prob": (lambda dA, D, keep_prob: dA * D / (1 - keep_prob), "divided by 1 - keep_prob"),
    "new mask": (
        lambda dA, D, keep_prob: dA * (_global.random(dA.shape) < keep_prob) / keep_prob,
        "Reuse the forward mask D",
    ),
}


def test_dropout_backward_accepts_a_correct_implementation(capsys):
    check("dropout_backward", backward_right, hidden=True)
    check("dropout_backward", lambda dA, D, keep_prob: np.where(D, dA / keep_prob, 0.0), hidden=True)
    assert capsys.readouterr().out.count("passed") == 2


@pytest.mark.parametrize("mistake", sorted(DROPOUT_BACKWARD_MISTAKES))
def test_dropout_backward_names_each_mistake(mistake):
    fn, fragment = DROPOUT_BACKWARD_MISTAKES[mistake]
    _expect_failure("dropout_backward", fn, fragment)


def test_dropout_backward_new_mask_is_caught_whatever_it_drops():
    """A fresh mask is recognized whether it keeps a dropped unit (non-zero where D == 0) or only drops extra ones."""
    _expect_failure(
        "dropout_backward",
        lambda dA, D, keep_prob: dA * np.ones_like(dA, dtype=float) * (np.arange(dA.size) % 2 == 0).reshape(dA.shape) / keep_prob,
        "Reuse the forward mask D",
    )
    _expect_failure(
        "dropout_backward",
        lambda dA, D, keep_prob: dA * np.asarray(D, float) * (np.arange(dA.size) % 3 != 0).reshape(dA.shape) / keep_prob,
        "zero where D == 1",
        "Reuse the forward mask D",
    )


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (lambda dA, D, keep_prob: None, "dA_prev is None"),
        (lambda dA, D, keep_prob: (dA * D / keep_prob).T, "looks transposed"),
        (lambda dA, D, keep_prob: (dA * D / keep_prob)[0], "dA_prev has shape"),
        (lambda dA, D, keep_prob: dA * np.nan, "dA_prev contains NaN"),
        (lambda dA, D, keep_prob: (dA * D / keep_prob, D), "should be a numpy array"),
        (lambda dA, D, keep_prob: dA * D / keep_prob + 0.01 * D, "has wrong values"),
    ],
)
def test_dropout_backward_framework_messages(fn, fragment):
    _expect_failure("dropout_backward", fn, fragment)


def test_dropout_backward_refuses_the_reference_kernel():
    def uses_reference(dA, D, keep_prob):
        return dropout.dropout_backward(dA, {"mask": np.asarray(D, bool), "keep_prob": keep_prob})

    _expect_failure("dropout_backward", uses_reference, "course_utils.dropout.dropout_backward")


# ----------------------------------------------------------------------------------------------------- general


@pytest.mark.parametrize("name", ["compute_cost_with_l2", "backward_with_l2", "dropout_forward", "dropout_backward"])
def test_unimplemented_function_raises_not_implemented(name):
    def stub(**kwargs):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check(name, stub)


@pytest.mark.parametrize(
    "name, right, wrong",
    [
        ("compute_cost_with_l2", cost_right, COST_MISTAKES["lambd/m"][0]),
        ("backward_with_l2", make_backward(), BACKWARD_MISTAKES["sign flipped"][0]),
        ("dropout_forward", forward_right, FORWARD_MISTAKES["not rescaled"][0]),
        ("dropout_backward", backward_right, DROPOUT_BACKWARD_MISTAKES["not rescaled"][0]),
    ],
)
def test_collect_and_judge_halves_agree_with_check(name, right, wrong):
    exercise = get_exercise(name)
    judge_outputs(exercise, collect_outputs(exercise, right, hidden=True), hidden=True)
    with pytest.raises(CheckFailed):
        judge_outputs(exercise, collect_outputs(exercise, wrong, hidden=True), hidden=True)


def test_cases_use_fixed_inputs():
    """Building the cases twice gives the same arrays (the checks do not depend on hidden global randomness)."""
    for name in ("compute_cost_with_l2", "backward_with_l2", "dropout_forward", "dropout_backward"):
        exercise = get_exercise(name)
        first, second = exercise.cases(hidden=True), exercise.cases(hidden=True)
        for a, b in zip(first, second):
            for key, value in a.args.items():
                if isinstance(value, np.ndarray):
                    np.testing.assert_array_equal(value, b.args[key])


# ------------------------------------------------------------------------------------------------- variants

from tests.check_tools import fails_with  # noqa: E402
from tests.variants import regularization as variants  # noqa: E402


def test_dropout_generic_message_says_what_to_look_at():
    def off_by_a_bit(A, keep_prob, rng):
        D = rng.random(A.shape) < keep_prob
        return A * D / keep_prob + 0.01 * D, D

    fails_with("dropout_forward", off_by_a_bit, "has wrong values", "[case:", "at index", "Look at A_out = A * D / keep_prob")


def test_dropout_that_reseeds_or_uses_global_numpy_is_named():
    """Issue 11: the keep rate and the rescaling are right, only the source of randomness is wrong."""
    for fn in (variants.dropout_global_numpy_seeded, variants.dropout_reseeded_generator):
        fails_with("dropout_forward", fn, "two different rng seeds gave the same masks", "never seed inside")
    fails_with("dropout_forward", variants.dropout_global_numpy, "same rng seed gave different masks",
               "D = rng.random(A.shape) < keep_prob")
