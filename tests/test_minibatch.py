"""Tests for course_utils.minibatch."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.minibatch import _mini_batches, random_mini_batches

FAST = settings(max_examples=60, deadline=None)


def _data(m, n_x=3, n_y=1):
    """Row 0 of X holds the example id; the other rows and Y are functions of it."""
    ids = np.arange(m, dtype=float)
    X = np.vstack([ids + 100 * k for k in range(n_x)])
    Y = np.vstack([-ids - 1000 * k for k in range(n_y)])
    return X, Y


@FAST
@given(
    m=st.integers(0, 150),
    size=st.integers(1, 70),
    n_y=st.integers(1, 3),
    shuffle=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_batches_partition_columns_and_keep_pairs(m, size, n_y, shuffle, seed):
    X, Y = _data(m, n_y=n_y)
    batches = random_mini_batches(X, Y, size, rng=np.random.default_rng(seed), shuffle=shuffle)
    assert len(batches) == math.ceil(m / size)
    sizes = [Xb.shape[1] for Xb, _ in batches]
    assert all(s == size for s in sizes[:-1])
    if batches:
        assert sizes[-1] == (m % size or size)
    for Xb, Yb in batches:
        assert Xb.shape[0] == 3 and Yb.shape == (n_y, Xb.shape[1])
        ids = Xb[0]
        np.testing.assert_array_equal(Xb, np.vstack([ids + 100 * k for k in range(3)]))
        np.testing.assert_array_equal(Yb, np.vstack([-ids - 1000 * k for k in range(n_y)]))
    all_ids = np.concatenate([Xb[0] for Xb, _ in batches]) if batches else np.array([])
    np.testing.assert_array_equal(np.sort(all_ids), np.arange(m))
    if not shuffle:
        np.testing.assert_array_equal(all_ids, np.arange(m))


def test_course_example_sizes():
    X, Y = _data(148)
    batches = random_mini_batches(X, Y, 64, rng=np.random.default_rng(0))
    assert [Xb.shape[1] for Xb, _ in batches] == [64, 64, 20]


def test_batch_gd_and_sgd_extremes():
    X, Y = _data(10)
    rng = np.random.default_rng(0)
    assert len(random_mini_batches(X, Y, 10, rng=rng)) == 1  # batch gradient descent
    assert len(random_mini_batches(X, Y, 1000, rng=rng)) == 1
    sgd = random_mini_batches(X, Y, 1, rng=rng)  # stochastic gradient descent
    assert len(sgd) == 10 and all(Xb.shape == (3, 1) for Xb, _ in sgd)


def test_shuffle_actually_permutes():
    X, Y = _data(100)
    orders = [
        np.concatenate([Xb[0] for Xb, _ in random_mini_batches(X, Y, 30, rng=np.random.default_rng(seed))])
        for seed in range(3)
    ]
    assert any(not np.array_equal(order, np.arange(100)) for order in orders)


def test_no_shuffle_needs_no_rng_and_inputs_untouched():
    X, Y = _data(7)
    X_copy, Y_copy = X.copy(), Y.copy()
    batches = random_mini_batches(X, Y, 3, rng=None, shuffle=False)
    np.testing.assert_array_equal(batches[0][0], X[:, :3])
    batches[0][0][...] = -1.0  # batches are independent copies
    np.testing.assert_array_equal(X, X_copy)
    random_mini_batches(X, Y, 3, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(Y, Y_copy)


@pytest.mark.parametrize("size", [0, -5])
def test_bad_mini_batch_size_value(size):
    X, Y = _data(10)
    with pytest.raises(ValueError, match="mini_batch_size must be >= 1"):
        random_mini_batches(X, Y, size, rng=np.random.default_rng(0))


def test_bad_arguments():
    X, Y = _data(10)
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="mini_batch_size"):
        random_mini_batches(X, Y, 2.5, rng=rng)
    with pytest.raises(ValueError, match="X and Y must have the same number of examples"):
        random_mini_batches(X, Y[:, :9], 4, rng=rng)
    with pytest.raises(TypeError, match="rng"):
        random_mini_batches(X, Y, 4, rng=None)
    with pytest.raises(TypeError, match="rng"):
        random_mini_batches(X, Y, 4, rng=42)
    with pytest.raises(ValueError, match="Y"):
        random_mini_batches(X, Y[0], 4, rng=rng)
    Y_nan = Y.copy()
    Y_nan[0, 3] = np.nan
    with pytest.raises(ValueError, match="Y must not contain NaN"):
        random_mini_batches(X, Y_nan, 4, rng=rng)
    with pytest.raises(TypeError, match="shuffle"):
        random_mini_batches(X, Y, 4, rng=rng, shuffle="yes")


@pytest.mark.parametrize("shuffle", [True, False])
def test_public_and_unchecked_mini_batches_agree(shuffle):
    X, Y = _data(23, n_y=2)
    public = random_mini_batches(X, Y, 5, rng=np.random.default_rng(4), shuffle=shuffle)
    private = _mini_batches(X, Y, 5, np.random.default_rng(4) if shuffle else None)
    order = np.random.default_rng(4).permutation(23) if shuffle else np.arange(23)
    assert len(public) == len(private) == 5
    for (Xp, Yp), (Xq, Yq), start in zip(public, private, range(0, 23, 5)):
        np.testing.assert_array_equal(Xp, Xq)
        np.testing.assert_array_equal(Yp, Yq)
        np.testing.assert_array_equal(Xp, X[:, order[start : start + 5]])
