"""Tests for course_utils.dropout."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import dropout
from tests._numeric import assert_gradient_close, numeric_gradient


def test_known_values_with_given_mask():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    mask = np.array([[True, False], [False, True]])
    A_out, cache = dropout.dropout_forward(A, 0.5, mask=mask)
    np.testing.assert_array_equal(A_out, [[2.0, 0.0], [0.0, 8.0]])
    dA = dropout.dropout_backward(np.ones((2, 2)), cache)
    np.testing.assert_array_equal(dA, [[2.0, 0.0], [0.0, 2.0]])
    int_mask_out, _ = dropout.dropout_forward(A, 0.5, mask=mask.astype(int))
    np.testing.assert_array_equal(int_mask_out, A_out)


@pytest.mark.parametrize("kwargs", [{"keep_prob": 1.0}, {"keep_prob": 0.5, "training": False}])
def test_no_dropout_leaves_A_unchanged(kwargs):
    A = np.arange(6.0).reshape(2, 3)
    A_out, cache = dropout.dropout_forward(A, rng=np.random.default_rng(0), **kwargs)
    np.testing.assert_array_equal(A_out, A)
    assert cache["mask"] is None
    np.testing.assert_array_equal(dropout.dropout_backward(np.ones((2, 3)), cache), np.ones((2, 3)))


def test_rng_mask_is_consistent_with_output_and_backward():
    A = np.random.default_rng(1).uniform(1, 2, (5, 8))
    A_out, cache = dropout.dropout_forward(A, 0.7, rng=np.random.default_rng(2))
    mask = cache["mask"]
    assert mask.dtype == bool and mask.shape == A.shape
    np.testing.assert_allclose(A_out, np.where(mask, A / 0.7, 0.0))
    replay, _ = dropout.dropout_forward(A, 0.7, mask=mask)
    np.testing.assert_array_equal(replay, A_out)


def test_backward_matches_finite_differences():
    rng = np.random.default_rng(3)
    A = rng.standard_normal((3, 4))
    G = rng.standard_normal((3, 4))
    mask = rng.random((3, 4)) < 0.6
    numeric = numeric_gradient(lambda a: np.sum(G * dropout.dropout_forward(a, 0.6, mask=mask)[0]), A)
    _, cache = dropout.dropout_forward(A, 0.6, mask=mask)
    assert_gradient_close(dropout.dropout_backward(G, cache), numeric)


@settings(max_examples=25, deadline=None)
@given(keep_prob=st.floats(0.05, 0.95), seed=st.integers(0, 2**32 - 1))
def test_keeps_keep_prob_of_units_and_preserves_expectation(keep_prob, seed):
    rng = np.random.default_rng(seed)
    A = rng.uniform(0.5, 2.0, (100, 200))
    A_out, cache = dropout.dropout_forward(A, keep_prob, rng=rng)
    N = A.size
    kept = cache["mask"].mean()
    assert abs(kept - keep_prob) < 6 * math.sqrt(keep_prob * (1 - keep_prob) / N)
    # sum(A_out) has mean sum(A) and variance sum(A^2) (1 - p) / p.
    std_sum = math.sqrt(np.sum(A**2) * (1 - keep_prob) / keep_prob)
    assert abs(A_out.sum() - A.sum()) < 6 * std_sum


def test_invalid_inputs_name_the_argument():
    A = np.ones((2, 2))
    rng = np.random.default_rng(0)
    for bad in (0, 1.5, -0.1):
        with pytest.raises(ValueError, match=r"keep_prob must be in \(0, 1\], got"):
            dropout.dropout_forward(A, bad, rng=rng)
    with pytest.raises(TypeError, match="keep_prob must be a real number"):
        dropout.dropout_forward(A, "0.5", rng=rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        dropout.dropout_forward(A, 0.5)
    with pytest.raises(ValueError, match=r"mask and A must have the same shape, got \(2, 3\) and \(2, 2\)"):
        dropout.dropout_forward(A, 0.5, mask=np.ones((2, 3), dtype=bool))
    with pytest.raises(TypeError, match="mask must be a boolean array"):
        dropout.dropout_forward(A, 0.5, mask=np.full((2, 2), 0.5))
    with pytest.raises(TypeError, match="training must be a bool"):
        dropout.dropout_forward(A, 0.5, rng=rng, training="no")
    with pytest.raises(TypeError, match="cache must be the dict returned by dropout_forward"):
        dropout.dropout_backward(A, (A, 0.5))
    _, cache = dropout.dropout_forward(A, 0.5, rng=rng)
    with pytest.raises(ValueError, match="dA_out and cache\\['mask'\\] must have the same shape"):
        dropout.dropout_backward(np.ones((3, 2)), cache)


def test_public_and_unchecked_dropout_agree():
    A, dA_out = np.random.default_rng(1).standard_normal((2, 2, 5))
    A_out, cache = dropout.dropout_forward(A, 0.6, rng=np.random.default_rng(2))
    A_private, cache_private = dropout._dropout_forward(A, 0.6, np.random.default_rng(2))
    np.testing.assert_array_equal(A_out, A_private)
    np.testing.assert_array_equal(cache["mask"], cache_private["mask"])
    np.testing.assert_array_equal(A_out, A * cache["mask"] / 0.6)
    np.testing.assert_array_equal(dropout.dropout_backward(dA_out, cache), dropout._dropout_backward(dA_out, cache))
