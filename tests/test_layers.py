"""Tests for course_utils.layers."""

import numpy as np
import pytest

from course_utils import layers
from course_utils.activations import sigmoid
from tests._numeric import assert_gradient_close, numeric_gradient


def test_linear_forward_known_values():
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    A = np.array([[1.0, 0.0], [1.0, 2.0]])
    b = np.array([[1.0], [-1.0]])
    Z, cache = layers.linear_forward(A, W, b)
    np.testing.assert_array_equal(Z, [[4.0, 5.0], [6.0, 7.0]])
    Z_no_bias, cache_no_bias = layers.linear_forward(A, W, None)
    np.testing.assert_array_equal(Z_no_bias, [[3.0, 4.0], [7.0, 8.0]])
    assert cache_no_bias[2] is None


def test_linear_backward_known_values():
    A_prev = np.array([[1.0, 3.0]])
    W = np.array([[2.0]])
    b = np.array([[0.0]])
    _, cache = layers.linear_forward(A_prev, W, b)
    dA_prev, dW, db = layers.linear_backward(np.array([[1.0, 2.0]]), cache)
    np.testing.assert_allclose(dW, [[3.5]])  # (1*1 + 2*3) / 2
    np.testing.assert_allclose(db, [[1.5]])
    np.testing.assert_allclose(dA_prev, [[2.0, 4.0]])
    _, cache = layers.linear_forward(A_prev, W, None)
    assert layers.linear_backward(np.array([[1.0, 2.0]]), cache)[2] is None


@pytest.mark.parametrize("with_bias", [True, False])
def test_linear_backward_matches_finite_differences(with_bias):
    rng = np.random.default_rng(0)
    n_prev, n, m = 3, 2, 5
    A_prev = rng.standard_normal((n_prev, m))
    W = rng.standard_normal((n, n_prev))
    b = rng.standard_normal((n, 1)) if with_bias else None
    G = rng.standard_normal((n, m))  # per-example dZ, i.e. J = (1/m) sum(G * Z)

    def J(A_prev, W, b):
        return np.sum(G * layers.linear_forward(A_prev, W, b)[0]) / m

    dA_prev, dW, db = layers.linear_backward(G, layers.linear_forward(A_prev, W, b)[1])
    assert_gradient_close(dW, numeric_gradient(lambda w: J(A_prev, w, b), W))
    assert_gradient_close(dA_prev, m * numeric_gradient(lambda a: J(a, W, b), A_prev))
    if with_bias:
        assert_gradient_close(db, numeric_gradient(lambda v: J(A_prev, W, v), b))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear", "softmax"])
def test_linear_activation_backward_matches_finite_differences(activation):
    rng = np.random.default_rng(1)
    n_prev, n, m = 3, 4, 5
    A_prev = rng.standard_normal((n_prev, m))
    W = rng.standard_normal((n, n_prev))
    b = rng.standard_normal((n, 1))
    G = rng.standard_normal((n, m))

    def J(A_prev, W, b):
        return np.sum(G * layers.linear_activation_forward(A_prev, W, b, activation)[0]) / m

    A, cache = layers.linear_activation_forward(A_prev, W, b, activation)
    assert A.shape == (n, m)
    dA_prev, dW, db = layers.linear_activation_backward(G, cache)
    assert_gradient_close(dW, numeric_gradient(lambda w: J(A_prev, w, b), W))
    assert_gradient_close(db, numeric_gradient(lambda v: J(A_prev, W, v), b))
    assert_gradient_close(dA_prev, m * numeric_gradient(lambda a: J(a, W, b), A_prev))


def test_linear_activation_forward_composes():
    A_prev = np.array([[1.0, -1.0]])
    W = np.array([[2.0]])
    b = np.array([[0.5]])
    A, _ = layers.linear_activation_forward(A_prev, W, b, "sigmoid")
    np.testing.assert_allclose(A, sigmoid(np.array([[2.5, -1.5]])))


def test_invalid_inputs_name_the_argument():
    A = np.ones((3, 2))
    with pytest.raises(ValueError, match=r"W must have shape \(any, 3\), got \(2, 4\)"):
        layers.linear_forward(A, np.ones((2, 4)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"b must have shape \(2, 1\), got \(1, 2\)"):
        layers.linear_forward(A, np.ones((2, 3)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="A_prev must be a 2-D array"):
        layers.linear_forward(np.ones(3), np.ones((2, 3)), None)
    with pytest.raises(ValueError, match="activation must be one of"):
        layers.linear_activation_forward(A, np.ones((2, 3)), None, "swish")
    _, cache = layers.linear_forward(A, np.ones((2, 3)), None)
    with pytest.raises(ValueError, match=r"dZ must have shape \(2, 2\), got \(2, 3\)"):
        layers.linear_backward(np.ones((2, 3)), cache)
    with pytest.raises(TypeError, match="cache must be"):
        layers.linear_backward(np.ones((2, 2)), {"A_prev": A})
    with pytest.raises(TypeError, match="cache must be"):
        layers.linear_activation_backward(np.ones((2, 2)), cache[:2])


def test_public_and_unchecked_linear_step_agree_and_dA_prev_can_be_skipped():
    rng = np.random.default_rng(7)
    A, W, b, dZ = rng.standard_normal((3, 5)), rng.standard_normal((2, 3)), rng.standard_normal((2, 1)), rng.standard_normal((2, 5))
    Z, cache = layers.linear_forward(A, W, b)
    np.testing.assert_array_equal(Z, layers._linear_forward(A, W, b))
    np.testing.assert_array_equal(Z, W @ A + b)
    dA_prev, dW, db = layers.linear_backward(dZ, cache)
    skipped, dW_private, db_private = layers._linear_backward(dZ, cache, need_dA_prev=False)
    assert skipped is None
    np.testing.assert_array_equal(dW, dW_private)
    np.testing.assert_array_equal(db, db_private)
    np.testing.assert_array_equal(dA_prev, W.T @ dZ)
    np.testing.assert_array_equal(dW, dZ @ A.T / 5)
