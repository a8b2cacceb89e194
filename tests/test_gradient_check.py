"""Tests for course_utils.gradient_check: the harness must find *and locate* planted backprop bugs."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import gradient_check as gc
from course_utils.gradient_check import (
    BUG,
    GOOD,
    SUSPICIOUS,
    GradCheckWarning,
    check_gradient_1d,
    dictionary_to_vector,
    gradient_check,
    numerical_gradient,
    one_sided_difference,
    relative_error,
    two_sided_difference,
    vector_to_dictionary,
    verdict,
)
from tests._planted_bugs import PLANTED_BUGS, correct_grads, make_problem

# A spurious kink warning anywhere but in the kink tests is a failure.
pytestmark = pytest.mark.filterwarnings("error::course_utils.gradient_check.GradCheckWarning")


# ----------------------------------------------------------------------------- verdicts, helpers


def test_band_constants_and_edges():
    assert (GOOD, SUSPICIOUS, BUG) == (1e-7, 1e-5, 1e-3)
    assert verdict(0.0) == "fine"
    assert verdict(9.99e-8) == "fine"
    assert verdict(GOOD) == "look again"
    assert verdict(SUSPICIOUS) == "look again"
    assert verdict(BUG) == "look again"
    assert verdict(1.0001e-3) == "bug"
    assert verdict(1.0) == "bug"
    assert verdict(float("nan")) == "bug"
    assert verdict(np.float32(1e-9)) == "fine"


def test_verdict_rejects_bad_input():
    with pytest.raises(ValueError, match=r"rel_error must be >= 0, got -0.1"):
        verdict(-0.1)
    with pytest.raises(TypeError, match="rel_error must be a real number"):
        verdict("small")


def test_relative_error_formula_and_zero_over_zero():
    g = np.array([3.0, 4.0])
    assert relative_error(g, g) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(g, np.zeros(2)) == 1.0
    assert relative_error(g, 2 * g) == pytest.approx(5.0 / 15.0)
    assert math.isnan(relative_error(np.array([np.nan]), np.array([1.0])))
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.zeros(2), np.zeros(3))


def test_check_gradient_1d_first_exercise():
    x = 2.0  # J(theta) = theta * x, dJ/dtheta = x
    assert check_gradient_1d(lambda t: t * x, lambda t: x, 4.0) < GOOD
    assert verdict(check_gradient_1d(lambda t: t * x, lambda t: x + 0.5, 4.0)) == "bug"
    assert check_gradient_1d(np.sin, np.cos, 0.3) < GOOD
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        check_gradient_1d(np.sin, np.cos, 0.3, epsilon=0)
    with pytest.raises(TypeError, match="df must be a callable"):
        check_gradient_1d(np.sin, 1.0, 0.3)


def test_one_sided_is_first_order_two_sided_second_order():
    x, exact = 1.0, math.cos(1.0)
    eps = np.array([1e-2, 5e-3])
    one = np.abs(one_sided_difference(np.sin, x, eps) - exact)
    two = np.abs(two_sided_difference(np.sin, x, eps) - exact)
    assert one[0] / one[1] == pytest.approx(2.0, rel=0.02)  # O(eps)
    assert two[0] / two[1] == pytest.approx(4.0, rel=0.02)  # O(eps^2)
    assert np.all(two < one / 100)
    assert isinstance(two_sided_difference(np.sin, x, 1e-4), float)


# ----------------------------------------------------------------------------- dict <-> vector


@st.composite
def parameter_dicts(draw):
    dims = draw(st.lists(st.integers(1, 5), min_size=2, max_size=5))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    parameters = {}
    for l in range(1, len(dims)):
        parameters[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1]))
        if draw(st.booleans()):
            parameters[f"gamma{l}"] = rng.standard_normal((dims[l], 1))
            parameters[f"beta{l}"] = rng.standard_normal((dims[l], 1))
        else:
            parameters[f"b{l}"] = rng.standard_normal((dims[l], 1))
    order = draw(st.permutations(list(parameters)))
    return {key: parameters[key] for key in order}


def _layer_then_name(key):
    digits = len(key) - len(key.rstrip("0123456789"))
    return int(key[-digits:]), key[:-digits]


@settings(max_examples=60, deadline=None)
@given(parameter_dicts())
def test_dict_vector_round_trip(parameters):
    theta, layout = dictionary_to_vector(parameters)
    assert theta.dtype == np.float64 and theta.ndim == 1
    assert theta.size == sum(v.size for v in parameters.values())
    keys = [entry.key for entry in layout]
    assert keys == sorted(parameters, key=_layer_then_name)
    offset = 0
    for entry in layout:
        assert entry.offset == offset and entry.shape == parameters[entry.key].shape
        np.testing.assert_array_equal(theta[offset : offset + entry.size], parameters[entry.key].ravel())
        offset += entry.size
    back = vector_to_dictionary(theta, layout)
    assert set(back) == set(parameters)
    for key, value in parameters.items():
        np.testing.assert_array_equal(back[key], value)
    # the dict's own order when asked; layouts given as plain (key, shape, offset) tuples work too
    theta2, layout2 = dictionary_to_vector(parameters, keys=list(parameters))
    assert [entry.key for entry in layout2] == list(parameters)
    back2 = vector_to_dictionary(theta2, [(e.key, e.shape, e.offset) for e in layout2])
    for key, value in parameters.items():
        np.testing.assert_array_equal(back2[key], value)


def test_dict_vector_errors_and_copies():
    parameters = {"W1": np.ones((2, 3)), "b1": np.zeros((2, 1))}
    theta, layout = dictionary_to_vector(parameters)
    assert [e.key for e in layout] == ["W1", "b1"]
    back = vector_to_dictionary(theta, layout)
    back["W1"][0, 0] = 5.0
    assert theta[0] == 1.0  # a copy, not a view
    with pytest.raises(ValueError, match="theta must have 8 entries to match layout, got 7"):
        vector_to_dictionary(theta[:-1], layout)
    with pytest.raises(TypeError, match="parameters must be a dict"):
        dictionary_to_vector([np.ones(2)])
    with pytest.raises(ValueError, match=r"keys must be keys of parameters .* unknown \['W2'\]"):
        dictionary_to_vector(parameters, keys=["W2"])
    with pytest.raises(ValueError, match="must not contain NaN"):
        dictionary_to_vector({"W1": np.array([np.nan])})


# ----------------------------------------------------------------------------- numerical gradient


def test_numerical_gradient_matches_quadratic_and_leaves_input_alone():
    rng = np.random.default_rng(0)
    parameters = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal((3, 1))}
    original = {k: v.copy() for k, v in parameters.items()}
    a = rng.random((3, 2)) + 0.5

    def cost(p):
        return 0.5 * float(np.sum(a * p["W1"] ** 2)) + float(np.sum(np.sin(p["b1"])))

    numeric = numerical_gradient(cost, parameters)
    assert set(numeric) == {"dW1", "db1"}
    assert relative_error(numeric["dW1"], a * parameters["W1"]) < GOOD
    assert relative_error(numeric["db1"], np.cos(parameters["b1"])) < GOOD
    for key in parameters:
        np.testing.assert_array_equal(parameters[key], original[key])


# ----------------------------------------------------------------------------- correct code passes

CORRECT_CASES = [
    {},
    {"lambd": 0.7},
    {"keep_prob": 0.6},
    {"batchnorm": True},
    {"activation": "relu", "seed": 1},
    {"n_x": 3, "n_h": 5, "m": 11, "seed": 2},
]


@pytest.mark.parametrize("options", CORRECT_CASES, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "plain")
def test_correct_backward_passes_full_and_fast(options):
    problem = make_problem(**options)
    grads = correct_grads(problem)
    full = gradient_check(problem.cost, problem.parameters, grads)
    assert full.passed and full.verdict == "fine" and full.culprits == []
    assert full.mode == "full" and not full.fell_back
    assert full.n_evaluations == 2 + 2 * sum(v.size for v in problem.parameters.values())
    assert all(check.verdict == "fine" for check in full.parameters.values())
    fast = gradient_check(problem.cost, problem.parameters, grads, fast=True, rng=np.random.default_rng(3))
    assert fast.passed and fast.verdict == "fine" and fast.mode == "fast" and not fast.fell_back
    assert fast.n_evaluations == 2 + 2 * 2  # O(1) cost evaluations
    assert fast.parameters == {} and fast.culprits == []


def test_extra_grad_keys_are_ignored_and_parameters_not_modified():
    problem = make_problem(lambd=0.3)
    original = {k: v.copy() for k, v in problem.parameters.items()}
    grads = dict(correct_grads(problem), dA1=np.ones((4, 8)), dZ2=np.ones((1, 8)))
    assert gradient_check(problem.cost, problem.parameters, grads).passed
    for key, value in original.items():
        np.testing.assert_array_equal(problem.parameters[key], value)


def test_zero_gradient_below_noise_is_not_a_culprit():
    # b1 before batch norm: its true gradient is exactly 0, the finite difference only sees rounding noise
    problem = make_problem(batchnorm=True, bias_before_bn=True)
    grads = correct_grads(problem)
    report = gradient_check(problem.cost, problem.parameters, grads)
    assert report.passed and report.culprits == []
    assert report["db1"].verdict == "fine"


# ----------------------------------------------------------------------------- planted bugs


@pytest.mark.parametrize("name", sorted(PLANTED_BUGS))
def test_planted_bug_is_found_and_located(name):
    backward, options, expected = PLANTED_BUGS[name]
    problem = make_problem(seed=1, **options)
    grads = backward(problem)
    full = gradient_check(problem.cost, problem.parameters, grads)
    assert not full.passed and full.verdict == "bug"
    assert set(full.culprits) == expected
    for gname, check in full.parameters.items():
        assert (check.verdict == "bug") == (gname in expected), (gname, check)
        if gname not in expected:
            assert check.verdict == "fine"
    # fast mode detects it too, falls back and names the same culprits
    fast = gradient_check(problem.cost, problem.parameters, grads, fast=True, rng=np.random.default_rng(0))
    assert fast.fell_back and fast.mode == "full" and not fast.passed
    assert set(fast.culprits) == expected
    assert fast.fast_relative_error > GOOD
    assert "fell back to the full check" in str(fast)


def test_missing_l2_in_backward_is_a_bug_on_dW_only():
    backward, options, _ = PLANTED_BUGS["dW_missing_l2"]
    problem = make_problem(seed=4, **options)
    report = gradient_check(problem.cost, problem.parameters, backward(problem))
    assert sorted(report.culprits) == ["dW1", "dW2"]
    assert report["db1"].verdict == "fine" and report["db2"].verdict == "fine"


def test_worst_entries_point_at_the_transposed_gradient():
    backward, options, _ = PLANTED_BUGS["dW1_transposed"]
    problem = make_problem(seed=1, **options)
    grads = backward(problem)
    report = gradient_check(problem.cost, problem.parameters, grads)
    worst = report["dW1"].worst
    assert len(worst) == 3
    diffs = [w.abs_diff for w in worst]
    assert diffs == sorted(diffs, reverse=True)
    true = correct_grads(problem)["dW1"]
    for w in worst:
        assert w.analytic == grads["dW1"][w.index]
        assert w.numeric == pytest.approx(true[w.index], abs=1e-7)
        assert w.abs_diff == pytest.approx(abs(w.analytic - w.numeric))
    all_diffs = np.abs(grads["dW1"] - true)
    assert worst[0].abs_diff == pytest.approx(all_diffs.max(), abs=1e-7)


def test_fast_mode_agrees_with_full_mode():
    problem = make_problem(seed=5, n_x=6, n_h=7, m=9, lambd=0.2)
    grads = correct_grads(problem)
    numeric = gc.numerical_gradient(problem.cost, problem.parameters)
    grad_keys = ["d" + entry.key for entry in dictionary_to_vector(problem.parameters)[1]]
    theta_num, _ = dictionary_to_vector(numeric, keys=grad_keys)
    theta_ana, _ = dictionary_to_vector(grads, keys=grad_keys)
    fast = gradient_check(problem.cost, problem.parameters, grads, fast=True, rng=np.random.default_rng(7), n_directions=3)
    assert fast.passed and len(fast.directions) == 3 and fast.n_evaluations == 8
    # each directional derivative is the full numerical gradient projected on a unit direction
    rng = np.random.default_rng(7)
    for direction in fast.directions:
        u = rng.standard_normal(theta_num.size)
        u /= np.linalg.norm(u)
        assert direction.numeric == pytest.approx(theta_num @ u, rel=1e-6)
        assert direction.analytic == pytest.approx(theta_ana @ u, rel=1e-7)
        assert direction.verdict == "fine"
    # and on every planted bug both modes fail
    for backward, options, _ in PLANTED_BUGS.values():
        problem = make_problem(seed=2, **options)
        grads = backward(problem)
        assert not gradient_check(problem.cost, problem.parameters, grads).passed
        quick = gradient_check(problem.cost, problem.parameters, grads, fast=True, n_directions=1)
        assert quick.fell_back and not quick.passed


def test_nan_gradient_is_a_bug():
    problem = make_problem()
    grads = correct_grads(problem)
    grads["db2"] = np.full((1, 1), np.nan)
    report = gradient_check(problem.cost, problem.parameters, grads)
    assert report.culprits == ["db2"] and report.verdict == "bug"


# ----------------------------------------------------------------------------- practical rules


def test_non_deterministic_cost_is_refused():
    problem = make_problem(keep_prob=0.6)
    rng = np.random.default_rng(0)

    def cost_with_fresh_mask(parameters):
        problem.mask = rng.random(problem.mask.shape) < 0.6  # the classic mistake: a new mask per call
        return problem.cost(parameters)

    grads = correct_grads(problem)
    for fast in (False, True):
        with pytest.raises(ValueError) as info:
            gradient_check(cost_with_fresh_mask, problem.parameters, grads, fast=fast)
        message = str(info.value)
        assert "cost_fn returned different values for the same parameters" in message
        assert "dropout_masks" in message and "keep_prob=1" in message
    with pytest.raises(ValueError, match="different values for the same parameters"):
        numerical_gradient(cost_with_fresh_mask, problem.parameters)


def test_cost_that_updates_parameters_in_place_is_refused():
    problem = make_problem()

    def cost(parameters):
        parameters["W1"] -= 0.1  # e.g. a training step left inside the cost
        return problem.cost(parameters)

    with pytest.raises(ValueError, match="cost_fn must not modify parameters in place"):
        gradient_check(cost, problem.parameters, correct_grads(problem))


def _kink_problem():
    problem = make_problem(seed=3, activation="relu")
    p = problem.parameters
    # put Z1[0, 0] = W1[0] . x0 + b1[0] a hair above the ReLU kink: +-epsilon perturbations cross it
    p["b1"][0, 0] = -(p["W1"][0] @ problem.X[:, 0]) + 1e-10
    return problem


@pytest.mark.filterwarnings("default::course_utils.gradient_check.GradCheckWarning")
def test_relu_kink_is_detected_and_warned():
    problem = _kink_problem()
    with pytest.warns(GradCheckWarning, match=r"straddle a non-differentiable point \(a ReLU kink\?\)"):
        report = gradient_check(problem.cost, problem.parameters, correct_grads(problem))
    assert report.kinks and all(name.startswith(("dW1[0, ", "db1[0, ")) for name in report.kinks)
    assert "straddle a kink" in str(report)
    # moving away from the kink, the same (correct) backward pass is fine and nothing is flagged
    problem.parameters["b1"][0, 0] += 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("error", GradCheckWarning)
        again = gradient_check(problem.cost, problem.parameters, correct_grads(problem))
    assert again.passed and again.kinks == ()


def test_smooth_bug_is_not_mistaken_for_a_kink():
    backward, options, _ = PLANTED_BUGS["doubled_dW2"]
    problem = make_problem(seed=1, **options)
    report = gradient_check(problem.cost, problem.parameters, backward(problem))  # would raise on a warning
    assert report.kinks == ()


# ----------------------------------------------------------------------------- report rendering


def test_report_text_and_html_name_the_parameters():
    backward, options, _ = PLANTED_BUGS["doubled_dW2"]
    problem = make_problem(seed=1, **options)
    report = gradient_check(problem.cost, problem.parameters, backward(problem))
    text = str(report)
    for name in ("dW1", "db1", "dW2", "db2"):
        assert name in text
    assert "FAILED" in text and "culprit(s): dW2" in text
    dw2_line = next(line for line in text.splitlines() if line.startswith("dW2"))
    assert "bug" in dw2_line and "<--" in dw2_line
    assert "<--" not in next(line for line in text.splitlines() if line.startswith("dW1"))
    page = report._repr_html_()
    assert page.count("<tr") == 5 and "<table>" in page
    bug_rows = [row for row in page.split("<tr")[1:] if "class='bug'" in row]
    assert len(bug_rows) == 1 and "dW2" in bug_rows[0] and "background" in bug_rows[0]
    assert "dW2" in repr(report) and "passed=False" in repr(report)

    good = gradient_check(problem.cost, problem.parameters, correct_grads(problem))
    assert "PASSED" in str(good) and "background" not in good._repr_html_()
    fast = gradient_check(problem.cost, problem.parameters, correct_grads(problem), fast=True)
    assert "fast mode" in str(fast) and "PASSED" in fast._repr_html_()


# ----------------------------------------------------------------------------- argument errors


def test_argument_errors():
    problem = make_problem()
    grads = correct_grads(problem)
    cost, params = problem.cost, problem.parameters
    missing = {k: v for k, v in grads.items() if k != "dW2"}
    with pytest.raises(ValueError, match=r"grads must contain 'd' \+ key for every parameter, got no \['dW2'\]"):
        gradient_check(cost, params, missing)
    with pytest.raises(ValueError, match=r"grads\['db1'\] must have the shape of parameters\['b1'\] \(4, 1\), got \(4,\)"):
        gradient_check(cost, params, dict(grads, db1=np.zeros(4)))
    with pytest.raises(ValueError, match="epsilon must be > 0, got -1e-07"):
        gradient_check(cost, params, grads, epsilon=-1e-7)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        gradient_check(cost, params, grads, fast=True, rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match="n_directions must be >= 1, got 0"):
        gradient_check(cost, params, grads, fast=True, n_directions=0)
    with pytest.raises(TypeError, match="cost_fn must be a callable"):
        gradient_check(None, params, grads)
    with pytest.raises(TypeError, match=r"cost_fn must return a real number \(the cost\), got ndarray of shape \(1, 8\)"):
        gradient_check(lambda p: p["W2"] @ problem.X[:4], params, grads)
    with pytest.raises(TypeError, match="grads must be a dict"):
        gradient_check(cost, params, [grads])
    with pytest.raises(ValueError, match="cost_fn must return a finite cost"):
        gradient_check(lambda p: float("inf"), params, grads)


# ----------------------------------------------------------------------------- against course_utils.mlp


def _mlp_case(layer_dims, activations, *, lambd=0.0, keep_prob=1.0, batchnorm=False, m=7, seed=0):
    mlp = pytest.importorskip("course_utils.mlp")
    costs = pytest.importorskip("course_utils.costs")
    init = pytest.importorskip("course_utils.initialization")
    rng = np.random.default_rng(seed)
    parameters = init.initialize_parameters(layer_dims, "he", rng, batchnorm=batchnorm)
    for key in parameters:  # move away from the b = 0, beta = 0, gamma = 1 special point
        if not key.startswith("W"):
            parameters[key] = parameters[key] + 0.2 * rng.standard_normal(parameters[key].shape)
    X = rng.standard_normal((layer_dims[0], m)) + 0.3
    if activations[-1] == "softmax":
        Y = np.eye(layer_dims[-1])[:, rng.integers(0, layer_dims[-1], m)]
    else:
        Y = (rng.random((1, m)) < 0.5).astype(float)
    masks = None
    if keep_prob < 1:
        masks = {l: rng.random((layer_dims[l], m)) < keep_prob for l in range(1, len(layer_dims) - 1)}
    output = activations[-1]

    def cost(p):
        AL, _ = mlp.model_forward(X, p, activations, keep_prob=keep_prob, dropout_masks=masks)
        return costs.compute_cost(AL, Y, p, lambd, output=output)

    AL, caches = mlp.model_forward(X, parameters, activations, keep_prob=keep_prob, dropout_masks=masks)
    grads = mlp.model_backward(AL, Y, caches, lambd=lambd)
    return cost, parameters, grads, (mlp, X, Y, activations, keep_prob)


MLP_CASES = {
    "relu-tanh-sigmoid": dict(layer_dims=[4, 5, 3, 1], activations=["relu", "tanh", "sigmoid"]),
    "l2": dict(layer_dims=[3, 4, 1], activations=["tanh", "sigmoid"], lambd=0.5),
    "dropout-fixed-masks": dict(layer_dims=[3, 5, 4, 1], activations=["tanh", "relu", "sigmoid"], keep_prob=0.7),
    "batchnorm": dict(layer_dims=[3, 5, 4, 1], activations=["relu", "tanh", "sigmoid"], batchnorm=True),
    "softmax": dict(layer_dims=[4, 5, 3], activations=["tanh", "softmax"], lambd=0.1),
}


@pytest.mark.parametrize("case", sorted(MLP_CASES))
def test_course_mlp_backward_passes(case):
    cost, parameters, grads, _ = _mlp_case(**MLP_CASES[case])
    full = gradient_check(cost, parameters, grads)
    assert full.passed and full.culprits == [], str(full)
    fast = gradient_check(cost, parameters, grads, fast=True, rng=np.random.default_rng(1))
    assert fast.passed and not fast.fell_back, str(fast)


def test_course_mlp_with_a_planted_bug_and_a_fresh_dropout_mask():
    cost, parameters, grads, (mlp, X, Y, activations, keep_prob) = _mlp_case(**MLP_CASES["dropout-fixed-masks"])
    broken = dict(grads, dW2=2 * grads["dW2"])
    assert gradient_check(cost, parameters, broken, fast=True).culprits == ["dW2"]
    costs = pytest.importorskip("course_utils.costs")
    rng = np.random.default_rng(0)

    def cost_fresh_masks(p):
        AL, _ = mlp.model_forward(X, p, activations, keep_prob=keep_prob, rng=rng)
        return costs.compute_cost(AL, Y)

    with pytest.raises(ValueError, match="cost_fn returned different values for the same parameters"):
        gradient_check(cost_fresh_masks, parameters, grads)


def test_keys_restricts_the_check():
    backward, options, _ = PLANTED_BUGS["doubled_dW2"]
    problem = make_problem(seed=1, **options)
    grads = backward(problem)
    only_first_layer = gradient_check(problem.cost, problem.parameters, grads, keys=["W1", "b1"])
    assert list(only_first_layer.parameters) == ["dW1", "db1"] and only_first_layer.passed
    assert only_first_layer.n_evaluations == 2 + 2 * (16 + 4)
    assert gradient_check(problem.cost, problem.parameters, grads, keys=["W2"]).culprits == ["dW2"]


# ----------------------------------------------------------------------------- clipped (saturated) examples


def _saturated_problem(saturate: bool):
    """A correct [3, 4, 1] tanh network on 6 examples; with ``saturate``, example 0 (label 0) is pushed far along
    the direction that raises its output: its true-class probability 1 - AL rounds to 0, below EPS."""
    from course_utils.costs import compute_cost
    from course_utils.mlp import model_backward, model_forward

    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 6)), np.array([[0.0, 1, 1, 1, 0, 0]])
    parameters = {"W1": rng.normal(size=(4, 3)), "b1": 0.1 * rng.normal(size=(4, 1)),
                  "W2": rng.normal(size=(1, 4)), "b2": np.zeros((1, 1))}
    parameters["W2"] = 20 * np.sign(parameters["W2"])  # saturated tanh units then give |Z2| ~ 80
    activations = ["tanh", "sigmoid"]
    if saturate:
        X[:, 0] = 2 * np.linalg.pinv(parameters["W1"]) @ np.sign(parameters["W2"]).ravel()  # Z1 ~ +-2: tanh' > 0
    AL, caches = model_forward(X, parameters, activations)
    grads = model_backward(AL, Y, caches)
    return (lambda p: compute_cost(model_forward(X, p, activations)[0], Y)), parameters, grads, AL


def test_saturated_example_is_detected_instead_of_blaming_every_parameter():
    cost_fn, parameters, grads, AL = _saturated_problem(saturate=True)
    assert 1.0 - AL[0, 0] < 1e-15
    with pytest.warns(gc.GradCheckWarning, match="1 example\\(s\\) have a true-class probability below 1e-15"):
        report = gc.gradient_check(cost_fn, parameters, grads)
    assert report.clipped == 1 and not report.passed
    assert all(check.verdict == "bug" for check in report.parameters.values())  # the symptom: every row is red
    assert report.culprits == []  # but the network is correct: nothing to blame
    assert "CANNOT JUDGE (cost clipped)" in str(report) and "culprit" not in str(report)
    assert "says nothing about the backward pass" in report._repr_html_()


def test_unsaturated_twin_passes_without_warning():
    cost_fn, parameters, grads, _ = _saturated_problem(saturate=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", gc.GradCheckWarning)
        report = gc.gradient_check(cost_fn, parameters, grads)
    assert report.passed and report.clipped == 0


def test_count_clipped_counts_true_class_probabilities_only():
    from course_utils.costs import binary_cross_entropy, count_clipped, softmax_cross_entropy

    AL = np.array([[1e-20, 1e-20, 1.0, 0.5]])
    with count_clipped() as clipped:
        binary_cross_entropy(AL, np.array([[1.0, 0.0, 0.0, 1.0]]))  # examples 0 and 2 clipped, 1 is right
    assert clipped == [2]
    with count_clipped() as clipped:
        softmax_cross_entropy(np.array([[1e-18, 0.5], [1.0, 0.5]]), np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert clipped == [1]
    binary_cross_entropy(AL, np.array([[1.0, 0.0, 0.0, 1.0]]))  # outside the block: nothing recorded
    assert clipped == [1]
