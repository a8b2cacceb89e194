"""Tests for course_utils.normalization."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils import normalization
from course_utils.normalization import apply_normalizer, fit_normalizer

FAST = settings(max_examples=40, deadline=None)


def test_known_values():
    X = np.array([[1.0, 2.0, 3.0], [10.0, 10.0, 10.0]])
    stats = fit_normalizer(X, epsilon=1e-8)
    assert stats["mu"].shape == (2, 1) and stats["sigma"].shape == (2, 1)
    np.testing.assert_allclose(stats["mu"], [[2.0], [10.0]])
    # population variance of [1, 2, 3] is 2/3; the constant row has variance 0
    np.testing.assert_allclose(stats["sigma"], [[np.sqrt(2.0 / 3.0 + 1e-8)], [np.sqrt(1e-8)]])
    Xn = apply_normalizer(X, stats)
    s = 1.0 / np.sqrt(2.0 / 3.0)  # 1.2247...
    np.testing.assert_allclose(Xn, [[-s, 0.0, s], [0.0, 0.0, 0.0]], rtol=1e-7, atol=1e-12)


def test_divides_by_standard_deviation_not_variance():
    # feature [0, 4]: mean 2, std 2, variance 4 -> (x - mu) / sigma = [-1, 1]
    X = np.array([[0.0, 4.0]])
    Xn = apply_normalizer(X, fit_normalizer(X))
    np.testing.assert_allclose(Xn, [[-1.0, 1.0]], rtol=1e-8)  # dividing by the variance would give +-0.5


def test_docstrings_mention_the_sigma_squared_slip():
    for doc in (normalization.__doc__, fit_normalizer.__doc__, apply_normalizer.__doc__):
        doc = " ".join(doc.split())
        assert "sigma**2" in doc and "slip" in doc and "standard deviation" in doc


@FAST
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 4), st.integers(2, 30)),
        elements=st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False),
    )
)
def test_training_set_gets_zero_mean_unit_variance(X):
    assume((X.std(axis=1) > 1e-2).all())
    Xn = apply_normalizer(X, fit_normalizer(X))
    np.testing.assert_allclose(Xn.mean(axis=1), 0.0, atol=1e-9)
    variance = X.var(axis=1)
    # exactly var / (var + epsilon), i.e. 1 up to the epsilon guard
    np.testing.assert_allclose(Xn.var(axis=1), variance / (variance + 1e-8), rtol=1e-9)
    np.testing.assert_allclose(Xn.var(axis=1), 1.0, rtol=1e-4)


def test_constant_feature_is_mapped_to_zero_without_nan():
    X = np.array([[5.0, 5.0, 5.0], [1.0, 2.0, 4.0]])
    Xn = apply_normalizer(X, fit_normalizer(X))
    assert np.isfinite(Xn).all()
    np.testing.assert_array_equal(Xn[0], 0.0)


def test_dev_set_uses_training_statistics():
    rng = np.random.default_rng(0)
    X_train = rng.normal(3.0, 2.0, size=(2, 50))
    X_dev = rng.normal(3.0, 2.0, size=(2, 7))
    stats = fit_normalizer(X_train)
    expected = (X_dev - X_train.mean(axis=1, keepdims=True)) / X_train.std(axis=1, keepdims=True)
    np.testing.assert_allclose(apply_normalizer(X_dev, stats), expected, rtol=1e-6)
    # an empty dev set is fine
    assert apply_normalizer(np.zeros((2, 0)), stats).shape == (2, 0)


def test_inputs_not_modified():
    X = np.array([[1.0, 2.0, 6.0]])
    X_copy = X.copy()
    stats = fit_normalizer(X)
    stats_copy = {k: v.copy() for k, v in stats.items()}
    apply_normalizer(X, stats)
    np.testing.assert_array_equal(X, X_copy)
    for k in stats:
        np.testing.assert_array_equal(stats[k], stats_copy[k])


@pytest.mark.parametrize("epsilon", [0.0, -1e-8])
def test_bad_epsilon(epsilon):
    with pytest.raises(ValueError, match="epsilon"):
        fit_normalizer(np.ones((2, 3)), epsilon=epsilon)


def test_bad_inputs():
    with pytest.raises(ValueError, match="X_train"):
        fit_normalizer(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="X_train"):
        fit_normalizer(np.array([1.0, 2.0]))  # 1-D
    with pytest.raises(ValueError, match="X_train"):
        fit_normalizer(np.zeros((3, 0)))  # no examples
    with pytest.raises(TypeError, match="X_train"):
        fit_normalizer("abc")
    with pytest.raises(TypeError, match="epsilon"):
        fit_normalizer(np.ones((1, 2)), epsilon="small")


def test_bad_stats():
    X = np.ones((2, 3))
    stats = fit_normalizer(np.array([[1.0, 2.0], [3.0, 5.0]]))
    with pytest.raises(ValueError, match=r"stats\['mu'\]"):
        apply_normalizer(np.ones((3, 4)), stats)  # 3 features vs 2
    with pytest.raises(ValueError, match="sigma"):
        apply_normalizer(X, {"mu": stats["mu"]})
    with pytest.raises(ValueError, match=r"stats\['sigma'\] must be > 0"):
        apply_normalizer(X, {"mu": stats["mu"], "sigma": np.zeros((2, 1))})
    with pytest.raises(TypeError, match="stats"):
        apply_normalizer(X, [stats["mu"], stats["sigma"]])
    with pytest.raises(ValueError, match="X"):
        apply_normalizer(np.array([[np.nan, 1.0], [1.0, 1.0]]), stats)
