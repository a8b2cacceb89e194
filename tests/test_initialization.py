"""Tests for course_utils.initialization."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import initialization as init


@pytest.mark.parametrize("method", init.INIT_METHODS)
def test_shapes_and_zero_biases(method):
    parameters = init.initialize_parameters([4, 3, 2], method=method, rng=np.random.default_rng(0))
    assert set(parameters) == {"W1", "b1", "W2", "b2"}
    assert parameters["W1"].shape == (3, 4) and parameters["W2"].shape == (2, 3)
    assert parameters["b1"].shape == (3, 1) and parameters["b2"].shape == (2, 1)
    assert not parameters["b1"].any() and not parameters["b2"].any()
    assert all(value.dtype == np.float64 for value in parameters.values())
    assert parameters["W1"].any() == (method != "zeros")


def test_zeros_needs_no_rng():
    parameters = init.initialize_parameters([2, 2, 1], method="zeros")
    assert not any(value.any() for value in parameters.values())


def test_batchnorm_layout():
    parameters = init.initialize_parameters([4, 3, 5, 2], rng=np.random.default_rng(0), batchnorm=True)
    assert set(parameters) == {"W1", "gamma1", "beta1", "W2", "gamma2", "beta2", "W3", "b3"}
    np.testing.assert_array_equal(parameters["gamma2"], np.ones((5, 1)))
    np.testing.assert_array_equal(parameters["beta2"], np.zeros((5, 1)))
    assert parameters["b3"].shape == (2, 1)


def test_init_std_known_values():
    assert init.init_std("zeros", 8, 3) == 0.0
    assert init.init_std("random", 8, 3, scale=0.05) == 0.05
    assert init.init_std("he", 8, 3) == pytest.approx(0.5)
    assert init.init_std("lecun", 4, 3) == pytest.approx(0.5)
    assert init.init_std("glorot", 3, 5) == pytest.approx(0.5)


@pytest.mark.parametrize("n_prev, n_curr", [(4, 3), (100, 100), (3, 50)])
def test_xavier_is_the_videos_name_for_lecun_and_glorot_is_glorots_scheme(n_prev, n_curr):
    """"xavier" (the course videos' name) keeps meaning sqrt(1/n_prev); Glorot's own scheme is "glorot"."""
    assert init.init_std("xavier", n_prev, n_curr) == init.init_std("lecun", n_prev, n_curr)
    assert init.init_std("glorot", n_prev, n_curr) == pytest.approx((2.0 / (n_prev + n_curr)) ** 0.5)


@pytest.mark.parametrize("method, keras_name", [("he", "HeNormal"), ("lecun", "LecunNormal"),
                                                ("glorot", "GlorotNormal")])
def test_methods_have_the_std_of_the_keras_initializer_of_the_same_name(method, keras_name):
    """The docstring maps each method to a Keras initializer: same std for a (n_curr, n_prev) weight matrix."""
    keras = pytest.importorskip("keras")
    n_prev, n_curr = 80, 400  # Keras kernels are (fan_in, fan_out): the transpose of the course's W
    kernel = np.asarray(getattr(keras.initializers, keras_name)(seed=0)(shape=(n_prev, n_curr)))
    # 32,000 draws: the sample std is within 2 % of the true one (about 5 standard errors)
    assert kernel.std() == pytest.approx(init.init_std(method, n_prev, n_curr), rel=0.02)


def test_does_not_touch_global_random_state():
    before = np.random.get_state()[1].copy()
    init.initialize_parameters([3, 3, 1], rng=np.random.default_rng(0))
    np.testing.assert_array_equal(np.random.get_state()[1], before)


@settings(max_examples=15, deadline=None)
@given(
    method=st.sampled_from(["he", "xavier", "glorot", "random"]),
    n_prev=st.integers(20, 200),
    seed=st.integers(0, 2**32 - 1),
)
def test_sample_variance_matches_init_std(method, n_prev, seed):
    n_curr = 300
    W = init.initialize_parameters([n_prev, n_curr], method=method, rng=np.random.default_rng(seed), scale=0.3)["W1"]
    expected_var = init.init_std(method, n_prev, n_curr, scale=0.3) ** 2
    if method == "he":
        assert expected_var == pytest.approx(2.0 / n_prev)
    N = W.size
    # Sample variance of N normal draws has relative std sqrt(2 / (N - 1)); allow 6 of them.
    assert abs(W.var() / expected_var - 1) < 6 * math.sqrt(2 / (N - 1))
    assert abs(W.mean()) < 6 * math.sqrt(expected_var / N)


def test_invalid_inputs_name_the_argument():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        init.initialize_parameters([2, 1])
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator.*got RandomState"):
        init.initialize_parameters([2, 1], rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match="layer_dims must have at least 2 entries"):
        init.initialize_parameters([3], rng=rng)
    with pytest.raises(ValueError, match=r"layer_dims\[1\] must be >= 1, got 0"):
        init.initialize_parameters([3, 0], rng=rng)
    with pytest.raises(TypeError, match=r"layer_dims\[0\] must be an integer"):
        init.initialize_parameters([2.5, 1], rng=rng)
    with pytest.raises(TypeError, match="layer_dims must be a list"):
        init.initialize_parameters(3, rng=rng)
    with pytest.raises(ValueError, match="method must be one of"):
        init.initialize_parameters([2, 1], method="kaiming", rng=rng)
    with pytest.raises(ValueError, match="scale must be > 0, got -1"):
        init.initialize_parameters([2, 1], method="random", rng=rng, scale=-1)
    with pytest.raises(TypeError, match="batchnorm must be a bool"):
        init.initialize_parameters([2, 1], rng=rng, batchnorm="yes")
    with pytest.raises(ValueError, match="n_prev must be >= 1"):
        init.init_std("he", 0, 3)
