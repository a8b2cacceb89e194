"""Tests for course_utils.costs."""

import math
import warnings

import numpy as np
import pytest

from course_utils import costs
from course_utils.activations import sigmoid, softmax
from tests._numeric import assert_gradient_close, numeric_gradient


def test_binary_cross_entropy_known_values():
    assert costs.binary_cross_entropy(np.array([[0.5, 0.5]]), np.array([[1, 0]])) == pytest.approx(math.log(2))
    expected = -(math.log(0.8) + math.log(0.9)) / 2
    assert costs.binary_cross_entropy(np.array([[0.8, 0.1]]), np.array([[1, 0]])) == pytest.approx(expected)


def test_softmax_cross_entropy_known_values_averages_over_examples():
    AL = np.array([[0.25, 0.5], [0.75, 0.5]])
    Y = np.array([[0, 1], [1, 0]])
    expected = -(math.log(0.75) + math.log(0.5)) / 2
    assert costs.softmax_cross_entropy(AL, Y) == pytest.approx(expected)
    # Repeating the examples does not change an average over examples.
    assert costs.softmax_cross_entropy(np.tile(AL, 3), np.tile(Y, 3)) == pytest.approx(expected)


def test_saturated_outputs_give_finite_costs_without_warnings():
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        wrong = costs.binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[0, 1]]))
        right = costs.binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[1, 0]]))
        wrong_softmax = costs.softmax_cross_entropy(np.array([[1.0], [0.0]]), np.array([[0], [1]]))
    assert math.isfinite(wrong) and wrong == pytest.approx(-math.log(costs.EPS), rel=1e-3)
    assert 0 <= right < 1e-12
    assert math.isfinite(wrong_softmax) and wrong_softmax > 30
    assert math.isfinite(costs.compute_cost(sigmoid(np.array([[1000.0, -1000.0]])), np.array([[0, 1]])))


def test_penalties_known_values_use_weights_only():
    parameters = {
        "W1": np.array([[1.0, -2.0]]),
        "b1": np.array([[100.0]]),
        "gamma2": np.array([[50.0]]),
        "beta2": np.array([[7.0]]),
        "W2": np.array([[3.0]]),
    }
    assert costs.l2_penalty(parameters, 0.5, 5) == pytest.approx(0.5 / 10 * (1 + 4 + 9))
    assert costs.l1_penalty(parameters, 0.5, 5) == pytest.approx(0.5 / 5 * (1 + 2 + 3))
    assert costs.l2_penalty(parameters, 0.0, 5) == 0.0
    np.testing.assert_allclose(costs.l2_gradient(parameters["W1"], 0.5, 5), [[0.1, -0.2]])
    np.testing.assert_allclose(costs.l1_gradient(np.array([[2.0, -3.0, 0.0]]), 0.5, 5), [[0.1, -0.1, 0.0]])


def test_penalty_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    W1 = rng.uniform(0.2, 1.0, (3, 2)) * rng.choice([-1.0, 1.0], (3, 2))  # away from |W|'s kink
    parameters = {"W1": W1, "b1": np.zeros((3, 1)), "W2": rng.standard_normal((1, 3))}
    lambd, m = 0.7, 4
    numeric_l2 = numeric_gradient(lambda w: costs.l2_penalty({**parameters, "W1": w}, lambd, m), W1)
    assert_gradient_close(costs.l2_gradient(W1, lambd, m), numeric_l2)
    numeric_l1 = numeric_gradient(lambda w: costs.l1_penalty({**parameters, "W1": w}, lambd, m), W1)
    assert_gradient_close(costs.l1_gradient(W1, lambd, m), numeric_l1)


def test_compute_cost_adds_l2_penalty():
    AL = np.array([[0.8, 0.1, 0.6]])
    Y = np.array([[1, 0, 0]])
    parameters = {"W1": np.array([[1.0, 2.0]]), "b1": np.zeros((1, 1))}
    cross_entropy = costs.binary_cross_entropy(AL, Y)
    assert costs.compute_cost(AL, Y) == cross_entropy
    assert costs.compute_cost(AL, Y, parameters, lambd=0.3) == pytest.approx(cross_entropy + 0.3 / 6 * 5)
    AL_soft = np.array([[0.2, 0.7], [0.8, 0.3]])
    Y_soft = np.array([[0, 1], [1, 0]])
    assert costs.compute_cost(AL_soft, Y_soft, output="softmax") == costs.softmax_cross_entropy(AL_soft, Y_soft)


@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_cost_gradient_wrt_logits_is_A_minus_Y_over_m(output):
    rng = np.random.default_rng(2)
    m = 5
    if output == "sigmoid":
        Z = rng.standard_normal((1, m))
        Y = rng.integers(0, 2, (1, m)).astype(float)
        forward = sigmoid
    else:
        Z = rng.standard_normal((3, m))
        Y = np.eye(3)[:, rng.integers(0, 3, m)]
        forward = softmax
    numeric = numeric_gradient(lambda z: costs.compute_cost(forward(z), Y, output=output), Z)
    assert_gradient_close((forward(Z) - Y) / m, numeric)


def test_binary_cross_entropy_gradient_wrt_AL():
    AL = np.array([[0.3, 0.9, 0.6]])
    Y = np.array([[1.0, 0.0, 1.0]])
    m = AL.shape[1]
    numeric = numeric_gradient(lambda a: costs.binary_cross_entropy(a, Y), AL)
    dAL = -(Y / AL - (1 - Y) / (1 - AL))  # per-example, as in the course
    assert_gradient_close(dAL / m, numeric)


def test_invalid_inputs_name_the_argument():
    AL = np.array([[0.5, 0.5]])
    with pytest.raises(ValueError, match=r"lambd must be >= 0, got -0.1"):
        costs.compute_cost(AL, np.array([[1, 0]]), {"W1": np.ones((1, 1))}, lambd=-0.1)
    with pytest.raises(ValueError, match=r"AL and Y must have the same shape, got \(1, 2\) and \(2, 1\)"):
        costs.binary_cross_entropy(AL, np.array([[1], [0]]))
    with pytest.raises(ValueError, match="Y must contain only 0/1 labels"):
        costs.binary_cross_entropy(AL, np.array([[1, 0.5]]))
    with pytest.raises(ValueError, match="Y must be one-hot"):
        costs.softmax_cross_entropy(np.full((2, 2), 0.5), np.array([[1, 1], [1, 0]]))
    with pytest.raises(ValueError, match=r"AL must hold probabilities in \[0, 1\]"):
        costs.binary_cross_entropy(np.array([[2.0, -1.0]]), np.array([[1, 0]]))
    with pytest.raises(ValueError, match="output must be one of"):
        costs.compute_cost(AL, np.array([[1, 0]]), output="tanh")
    with pytest.raises(TypeError, match="parameters must be a dict"):
        costs.compute_cost(AL, np.array([[1, 0]]), lambd=0.1)
    with pytest.raises(ValueError, match="m must be >= 1, got 0"):
        costs.l2_penalty({"W1": np.ones((1, 1))}, 0.1, 0)
    with pytest.raises(TypeError, match="m must be an integer"):
        costs.l2_gradient(np.ones((1, 1)), 0.1, 2.5)
    with pytest.raises(ValueError, match=r"parameters must contain weight matrices W1..WL"):
        costs.l2_penalty({"b1": np.ones((1, 1))}, 0.1, 2)
    with pytest.raises(TypeError, match="parameters must be a dict"):
        costs.l1_penalty([np.ones((1, 1))], 0.1, 2)
    with pytest.raises(TypeError, match="lambd must be a real number"):
        costs.l2_gradient(np.ones((1, 1)), "0.1", 2)


@pytest.mark.parametrize("output, classes", [("sigmoid", 1), ("softmax", 3)])
def test_unchecked_cost_is_compute_cost(output, classes):
    rng = np.random.default_rng(3)
    scores = rng.standard_normal((classes, 7))
    if output == "sigmoid":
        AL, Y = 1.0 / (1.0 + np.exp(-scores)), (rng.random((1, 7)) < 0.5).astype(float)
    else:
        AL, Y = np.exp(scores) / np.exp(scores).sum(axis=0), np.eye(classes)[:, rng.integers(0, classes, 7)]
    parameters = {"W1": rng.standard_normal((4, 2)), "b1": np.ones((4, 1)), "W2": rng.standard_normal((classes, 4))}
    for lambd in (0.0, 0.3):
        expected = costs.compute_cost(AL, Y, parameters, lambd=lambd, output=output)
        assert costs._cost(AL, Y, output, lambd, [parameters["W1"], parameters["W2"]]) == expected
    assert costs.compute_cost(AL, Y, parameters, lambd=0.3, output=output) == (
        costs.compute_cost(AL, Y, output=output) + costs.l2_penalty(parameters, 0.3, 7)
    )
