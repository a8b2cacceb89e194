"""Tests for course_utils.batchnorm."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import batchnorm as bn
from tests._numeric import assert_gradient_close, numeric_gradient


def test_known_values_train_mode():
    Z = np.array([[1.0, 3.0], [0.0, 4.0]])  # means 2, 2; variances 1, 4
    gamma = np.array([[2.0], [1.0]])
    beta = np.array([[1.0], [0.0]])
    out, cache = bn.batchnorm_forward(Z, gamma, beta, epsilon=1e-12)
    np.testing.assert_allclose(out, [[-1.0, 3.0], [-1.0, 1.0]])
    np.testing.assert_allclose(cache["Z_hat"], [[-1.0, 1.0], [-1.0, 1.0]])


def test_running_statistics_update_in_place():
    gamma, beta = np.ones((1, 1)), np.zeros((1, 1))
    running = {}
    bn.batchnorm_forward(np.array([[1.0, 3.0]]), gamma, beta, running=running)  # mean 2, var 1
    np.testing.assert_allclose(running["mean"], [[0.2]])  # 0.9 * 0 + 0.1 * 2
    np.testing.assert_allclose(running["var"], [[1.0]])  # 0.9 * 1 + 0.1 * 1
    bn.batchnorm_forward(np.array([[2.0, 6.0]]), gamma, beta, running=running, momentum=0.5)  # mean 4, var 4
    np.testing.assert_allclose(running["mean"], [[2.1]])
    np.testing.assert_allclose(running["var"], [[2.5]])


def test_test_mode_uses_running_statistics():
    running = {"mean": np.array([[2.0]]), "var": np.array([[4.0]])}
    out, _ = bn.batchnorm_forward(np.array([[4.0, 0.0, 2.0]]), np.array([[3.0]]), np.array([[1.0]]),
                                  running=running, mode="test", epsilon=1e-12)
    np.testing.assert_allclose(out, [[4.0, -2.0, 1.0]])
    np.testing.assert_array_equal(running["mean"], [[2.0]])  # unchanged in test mode
    np.testing.assert_array_equal(running["var"], [[4.0]])


@pytest.mark.parametrize("mode", ["train", "test"])
def test_backward_matches_finite_differences(mode):
    rng = np.random.default_rng(0)
    n, m = 3, 6
    Z = rng.standard_normal((n, m)) * 2 + 1
    gamma = rng.uniform(0.5, 2, (n, 1))
    beta = rng.standard_normal((n, 1))
    G = rng.standard_normal((n, m))  # per-example dZ_out: J = (1/m) sum(G * Z_out)
    running = {"mean": rng.standard_normal((n, 1)), "var": rng.uniform(0.5, 2, (n, 1))}

    def J(Z, gamma, beta):
        frozen = {key: value.copy() for key, value in running.items()}
        return np.sum(G * bn.batchnorm_forward(Z, gamma, beta, running=frozen, mode=mode)[0]) / m

    _, cache = bn.batchnorm_forward(Z, gamma, beta, running=dict(running), mode=mode)
    dZ, dgamma, dbeta = bn.batchnorm_backward(G, cache)
    assert_gradient_close(dZ, m * numeric_gradient(lambda z: J(z, gamma, beta), Z))
    assert_gradient_close(dgamma, numeric_gradient(lambda g: J(Z, g, beta), gamma))
    assert_gradient_close(dbeta, numeric_gradient(lambda b: J(Z, gamma, b), beta))


@settings(max_examples=40, deadline=None)
@given(
    Z=arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 30)), elements=st.floats(-1e3, 1e3)),
)
def test_train_output_has_zero_mean_and_unit_variance_per_feature(Z):
    n = Z.shape[0]
    epsilon = 1e-5
    out, _ = bn.batchnorm_forward(Z, np.ones((n, 1)), np.zeros((n, 1)), epsilon=epsilon)
    variance = Z.var(axis=1)
    np.testing.assert_allclose(out.mean(axis=1), 0.0, atol=1e-9)
    # var(Z_hat) = var / (var + epsilon): 1 up to epsilon for any non-constant feature.
    np.testing.assert_allclose(out.var(axis=1), variance / (variance + epsilon), rtol=1e-7, atol=1e-9)
    assert np.all(out.var(axis=1)[variance > 1] > 1 - 1e-5)


def test_invalid_inputs_name_the_argument():
    Z, gamma, beta = np.ones((2, 3)), np.ones((2, 1)), np.zeros((2, 1))
    with pytest.raises(ValueError, match=r"gamma must have shape \(2, 1\), got \(1, 2\)"):
        bn.batchnorm_forward(Z, np.ones((1, 2)), beta)
    with pytest.raises(ValueError, match=r"beta must have shape \(2, 1\), got \(3, 1\)"):
        bn.batchnorm_forward(Z, gamma, np.zeros((3, 1)))
    with pytest.raises(ValueError, match="mode must be one of"):
        bn.batchnorm_forward(Z, gamma, beta, mode="eval")
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\], got 1.5"):
        bn.batchnorm_forward(Z, gamma, beta, momentum=1.5)
    with pytest.raises(ValueError, match="epsilon must be > 0, got 0"):
        bn.batchnorm_forward(Z, gamma, beta, epsilon=0)
    with pytest.raises(TypeError, match="running must be a dict"):
        bn.batchnorm_forward(Z, gamma, beta, running=[0, 1])
    with pytest.raises(ValueError, match="running must contain 'mean' and 'var' in test mode, got None"):
        bn.batchnorm_forward(Z, gamma, beta, mode="test")
    with pytest.raises(ValueError, match=r"running must contain 'mean' and 'var' in test mode, got \['mean'\]"):
        bn.batchnorm_forward(Z, gamma, beta, running={"mean": np.zeros((2, 1))}, mode="test")
    with pytest.raises(ValueError, match=r"running\['var'\] must have shape \(2, 1\)"):
        bn.batchnorm_forward(Z, gamma, beta, running={"mean": np.zeros((2, 1)), "var": np.ones((3, 1))})
    with pytest.raises(ValueError, match="Z must be a 2-D array"):
        bn.batchnorm_forward(np.ones(3), gamma, beta)
    _, cache = bn.batchnorm_forward(Z, gamma, beta)
    with pytest.raises(ValueError, match=r"dZ_out must have shape \(2, 3\)"):
        bn.batchnorm_backward(np.ones((3, 2)), cache)
    with pytest.raises(TypeError, match="cache must be the dict returned by batchnorm_forward"):
        bn.batchnorm_backward(Z, (Z, gamma))
    assert math.isfinite(float(bn.batchnorm_forward(Z, gamma, beta)[0].sum()))  # constant features: no NaN


@pytest.mark.parametrize("mode", ["train", "test"])
def test_public_and_unchecked_batchnorm_agree(mode):
    rng = np.random.default_rng(11)
    Z, dZ_out = rng.standard_normal((3, 8)) * 4 + 1, rng.standard_normal((3, 8))
    gamma, beta = rng.standard_normal((3, 1)), rng.standard_normal((3, 1))
    running = {"mean": rng.standard_normal((3, 1)), "var": rng.random((3, 1)) + 0.5}
    running_private = dict(running)
    out, cache = bn.batchnorm_forward(Z, gamma, beta, running, mode=mode, momentum=0.8, epsilon=1e-3)
    out_private, cache_private = bn._batchnorm_forward(Z, gamma, beta, running_private, mode, 0.8, 1e-3)
    np.testing.assert_array_equal(out, out_private)
    for key in ("mean", "var"):
        np.testing.assert_array_equal(running[key], running_private[key])
    if mode == "train":  # the variance computed from the centered Z is numpy's var, to the last bit
        np.testing.assert_array_equal(cache["Z_hat"], (Z - Z.mean(axis=1, keepdims=True)) * cache["inv_std"])
        np.testing.assert_array_equal(cache["inv_std"], 1.0 / np.sqrt(Z.var(axis=1, keepdims=True) + 1e-3))
    for public, private in zip(bn.batchnorm_backward(dZ_out, cache), bn._batchnorm_backward(dZ_out, cache_private)):
        np.testing.assert_array_equal(public, private)
