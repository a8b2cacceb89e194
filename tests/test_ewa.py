"""Tests for course_utils.ewa."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.ewa import effective_window, exponentially_weighted_average

FAST = settings(max_examples=60, deadline=None)

betas = st.floats(0.0, 0.999)
series = st.lists(st.floats(-100, 100), min_size=0, max_size=60)


def test_known_values():
    # beta = 0.5: v1 = 0.5*0 + 0.5*1 = 0.5, v2 = 0.25 + 1 = 1.25, v3 = 0.625 + 1.5 = 2.125
    v = exponentially_weighted_average([1.0, 2.0, 3.0], beta=0.5)
    np.testing.assert_allclose(v, [0.5, 1.25, 2.125])
    # corrected by 1 - 0.5**t = 0.5, 0.75, 0.875
    v_hat = exponentially_weighted_average([1.0, 2.0, 3.0], beta=0.5, bias_correction=True)
    np.testing.assert_allclose(v_hat, [1.0, 1.25 / 0.75, 2.125 / 0.875])


def test_course_temperature_start_is_biased_low():
    theta = np.full(5, 40.0)
    v = exponentially_weighted_average(theta, 0.98)
    np.testing.assert_allclose(v[:2], [0.8, 0.98 * 0.8 + 0.8])  # far below 40 without correction
    np.testing.assert_allclose(exponentially_weighted_average(theta, 0.98, bias_correction=True), 40.0)


@FAST
@given(c=st.floats(-100, 100), beta=betas, n=st.integers(1, 80))
def test_corrected_constant_series_is_constant(c, beta, n):
    v_hat = exponentially_weighted_average(np.full(n, c), beta, bias_correction=True)
    np.testing.assert_allclose(v_hat, c, rtol=1e-9, atol=1e-9)


@FAST
@given(theta=series, beta=betas)
def test_matches_closed_form(theta, beta):
    theta = np.array(theta, dtype=float)
    v = exponentially_weighted_average(theta, beta)
    assert v.shape == theta.shape
    for t in range(1, len(theta) + 1):
        # v_t = (1 - beta) * sum_{i=1..t} beta**(t - i) * theta_i
        expected = (1 - beta) * sum(beta ** (t - i) * theta[i - 1] for i in range(1, t + 1))
        assert v[t - 1] == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(theta=series)
def test_beta_zero_returns_the_series(theta):
    theta = np.array(theta, dtype=float)
    np.testing.assert_array_equal(exponentially_weighted_average(theta, 0.0), theta)
    np.testing.assert_array_equal(exponentially_weighted_average(theta, 0.0, bias_correction=True), theta)


def test_input_not_modified_and_returns_float64():
    theta = np.array([1, 2, 3])
    out = exponentially_weighted_average(theta, 0.9)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(theta, [1, 2, 3])


@pytest.mark.parametrize("beta, window", [(0.9, 10.0), (0.98, 50.0), (0.5, 2.0), (0.0, 1.0)])
def test_effective_window(beta, window):
    assert effective_window(beta) == pytest.approx(window)


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5, float("nan")])
def test_bad_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        exponentially_weighted_average([1.0, 2.0], beta)
    with pytest.raises(ValueError, match="beta"):
        effective_window(beta)


def test_bad_inputs():
    with pytest.raises(ValueError, match="theta must be a 1-D array"):
        exponentially_weighted_average(np.ones((2, 3)), 0.9)
    with pytest.raises(ValueError, match="theta must not contain NaN"):
        exponentially_weighted_average([1.0, np.nan], 0.9)
    with pytest.raises(TypeError, match="beta"):
        exponentially_weighted_average([1.0], "0.9")
    with pytest.raises(TypeError, match="bias_correction"):
        exponentially_weighted_average([1.0], 0.9, bias_correction="yes")
