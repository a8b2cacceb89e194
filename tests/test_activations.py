"""Tests for course_utils.activations."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import activations as act
from tests._numeric import assert_gradient_close, numeric_gradient

RNG_SEED = 1234


def test_known_values():
    Z = np.array([[0.0, math.log(3.0), -math.log(3.0)]])
    np.testing.assert_allclose(act.sigmoid(Z), [[0.5, 0.75, 0.25]])
    np.testing.assert_allclose(act.tanh(np.array([[0.0, math.log(2.0)]])), [[0.0, 0.6]])
    np.testing.assert_array_equal(act.relu(np.array([[-1.0, 0.0, 2.5]])), [[0.0, 0.0, 2.5]])
    np.testing.assert_array_equal(act.identity(np.array([[-1.0, 2.0]])), [[-1.0, 2.0]])
    np.testing.assert_allclose(act.softmax(np.array([[0.0, 5.0], [math.log(3.0), 5.0]])), [[0.25, 0.5], [0.75, 0.5]])


def test_known_backward_values():
    dA = np.array([[2.0, 2.0, 2.0]])
    Z = np.array([[0.0, -1.0, 3.0]])
    np.testing.assert_allclose(act.sigmoid_backward(dA, Z)[0, 0], 0.5)  # 2 * 0.5 * 0.5
    np.testing.assert_allclose(act.tanh_backward(dA, Z)[0, 0], 2.0)
    np.testing.assert_array_equal(act.relu_backward(dA, Z), [[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(act.relu_backward(np.ones((1, 1)), np.zeros((1, 1))), [[0.0]])
    np.testing.assert_array_equal(act.identity_backward(dA, Z), dA)


def test_registry():
    assert set(act.ACTIVATIONS) == {"sigmoid", "tanh", "relu", "linear"}
    assert act.ACTIVATIONS["linear"] == (act.identity, act.identity_backward)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "linear"])
def test_backward_matches_finite_differences(name):
    forward, backward = act.ACTIVATIONS[name]
    rng = np.random.default_rng(RNG_SEED)
    Z = rng.uniform(0.1, 2.0, size=(3, 4)) * rng.choice([-1.0, 1.0], size=(3, 4))  # away from relu's kink
    G = rng.standard_normal((3, 4))
    numeric = numeric_gradient(lambda z: np.sum(G * forward(z)), Z)
    assert_gradient_close(backward(G, Z), numeric)


def test_softmax_backward_matches_finite_differences():
    rng = np.random.default_rng(RNG_SEED)
    Z = rng.standard_normal((4, 3))
    G = rng.standard_normal((4, 3))
    numeric = numeric_gradient(lambda z: np.sum(G * act.softmax(z)), Z)
    assert_gradient_close(act.softmax_backward(G, Z), numeric)


def test_extreme_inputs_do_not_warn():
    Z = np.array([[-1000.0, 1000.0, -745.0, 710.0]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        s = act.sigmoid(Z)
        ds = act.sigmoid_backward(np.ones_like(Z), Z)
        p = act.softmax(np.array([[1000.0, -1000.0], [1001.0, -1000.0]]))
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ds)) and np.all(np.isfinite(p))
    assert s[0, 0] == 0.0 and s[0, 1] == 1.0
    np.testing.assert_allclose(p[:, 1], [0.5, 0.5])


@settings(max_examples=40, deadline=None)
@given(
    Z=arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 6)), elements=st.floats(-50, 50)),
    shift=st.floats(-100, 100),
)
def test_softmax_columns_sum_to_one_and_shift_invariant(Z, shift):
    S = act.softmax(Z)
    assert np.all(S >= 0)
    np.testing.assert_allclose(S.sum(axis=0), 1.0, rtol=1e-12)
    column_shifts = shift * np.arange(Z.shape[1])
    np.testing.assert_allclose(act.softmax(Z + column_shifts), S, rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(Z=arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=st.floats(-1e4, 1e4)))
def test_sigmoid_in_unit_interval_and_symmetric(Z):
    s = act.sigmoid(Z)
    assert np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(act.sigmoid(-Z), 1.0 - s, atol=1e-15)


@pytest.mark.parametrize("function", [act.sigmoid, act.tanh, act.relu, act.identity, act.softmax])
def test_rejects_non_arrays(function):
    with pytest.raises(TypeError, match="Z must be"):
        function("abc")


def test_invalid_inputs_name_the_argument():
    with pytest.raises(ValueError, match=r"dA and Z must have the same shape, got \(1, 2\) and \(1, 3\)"):
        act.sigmoid_backward(np.ones((1, 2)), np.ones((1, 3)))
    with pytest.raises(ValueError, match="Z must be a 2-D array"):
        act.softmax(np.ones(3))
    with pytest.raises(ValueError, match="Z must not contain NaN"):
        act.relu(np.array([[np.nan]]))
    with pytest.raises(ValueError, match="dA and Z"):
        act.softmax_backward(np.ones((2, 2)), np.ones((3, 2)))


def test_public_functions_are_the_unchecked_kernels_after_checks():
    """One implementation: each public function returns exactly what its private kernel computes."""
    rng = np.random.default_rng(RNG_SEED)
    Z, dA = rng.standard_normal((4, 6)) * 20, rng.standard_normal((4, 6))
    for name, (forward, backward) in {**act.ACTIVATIONS, "softmax": (act.softmax, act.softmax_backward)}.items():
        private_forward, private_backward = act._KERNELS[name]
        np.testing.assert_array_equal(forward(Z), private_forward(Z))
        np.testing.assert_array_equal(backward(dA, Z), private_backward(dA, Z))
    # the stable sigmoid: exactly 1 / (1 + e^-z) for z >= 0 and e^z / (1 + e^z) for z < 0
    E = np.exp(-np.abs(Z))
    np.testing.assert_array_equal(act.sigmoid(Z), np.where(Z >= 0, 1.0 / (1.0 + E), E / (1.0 + E)))
