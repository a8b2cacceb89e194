"""Tests for course_utils.splits."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.splits import Diagnosis, diagnose_bias_variance, suggest_ratios, train_dev_test_split

FAST = settings(max_examples=60, deadline=None)


def _data(m, n_x=2):
    """X row 0 holds example ids; Y = 2 * id + 1 so pairs can be checked after shuffling."""
    ids = np.arange(m, dtype=float)
    X = np.vstack([ids] + [ids * (k + 10) for k in range(n_x - 1)])
    Y = (2 * ids + 1)[None, :]
    return X, Y


@st.composite
def ratio_triples(draw):
    a, b = sorted(draw(st.lists(st.floats(0, 1), min_size=2, max_size=2)))
    choice = draw(st.sampled_from(["any", "no_test", "no_dev", "all_train"]))
    if choice == "no_test":
        return (a, 1.0 - a, 0.0)
    if choice == "no_dev":
        return (a, 0.0, 1.0 - a)
    if choice == "all_train":
        return (1.0, 0.0, 0.0)
    return (a, b - a, 1.0 - b)


@FAST
@given(m=st.integers(0, 200), n_x=st.integers(1, 3), ratios=ratio_triples(), seed=st.integers(0, 2**32 - 1))
def test_split_partitions_and_keeps_pairs(m, n_x, ratios, seed):
    X, Y = _data(m, n_x)
    parts = train_dev_test_split(X, Y, ratios, rng=np.random.default_rng(seed))
    X_parts, Y_parts = parts[0::2], parts[1::2]
    sizes = [p.shape[1] for p in X_parts]
    assert sum(sizes) == m
    for Xp, Yp, ratio, size in zip(X_parts, Y_parts, ratios, sizes):
        assert Xp.shape == (n_x, size) and Yp.shape == (1, size)
        assert abs(size - ratio * m) <= 1.0 + 1e-9
        if ratio == 0:
            assert size == 0
        np.testing.assert_array_equal(Yp[0], 2 * Xp[0] + 1)  # pairs stay together
        if n_x > 1:
            np.testing.assert_array_equal(Xp[1], Xp[0] * 10)  # columns are moved whole
    all_ids = np.concatenate([p[0] for p in X_parts])
    np.testing.assert_array_equal(np.sort(all_ids), np.arange(m))  # each example exactly once


def test_known_sizes():
    rng = np.random.default_rng(1)
    X, Y = _data(10)
    sizes = [p.shape[1] for p in train_dev_test_split(X, Y, rng=rng)[0::2]]
    assert sizes == [6, 2, 2]
    X, Y = _data(7)
    # cut points round(0.6 * 7) = 4 and round(0.8 * 7) = 6
    sizes = [p.shape[1] for p in train_dev_test_split(X, Y, rng=rng)[0::2]]
    assert sizes == [4, 2, 1]


def test_no_test_set_gives_empty_arrays():
    X, Y = _data(20, n_x=3)
    X_train, Y_train, X_dev, Y_dev, X_test, Y_test = train_dev_test_split(
        X, Y, (0.7, 0.3, 0.0), rng=np.random.default_rng(0)
    )
    assert X_train.shape == (3, 14) and X_dev.shape == (3, 6)
    assert X_test.shape == (3, 0) and Y_test.shape == (1, 0)


def test_one_hot_labels_and_no_mutation():
    X, _ = _data(12)
    Y = np.eye(3)[:, np.arange(12) % 3]
    X_copy, Y_copy = X.copy(), Y.copy()
    X_train, Y_train, *_ = train_dev_test_split(X, Y, rng=np.random.default_rng(3))
    assert Y_train.shape == (3, X_train.shape[1])
    np.testing.assert_array_equal(Y_train.argmax(axis=0), X_train[0].astype(int) % 3)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(Y, Y_copy)


@pytest.mark.parametrize(
    "ratios, match",
    [
        ((0.6, 0.2, 0.1), "sum to 1"),
        ((0.6, 0.2, 0.2 + 1e-6), "sum to 1"),
        ((1.2, -0.1, -0.1), "non-negative"),
        ((0.5, 0.5), "3 entries"),
        ((0.5, float("nan"), 0.5), "ratios"),
    ],
)
def test_bad_ratios(ratios, match):
    X, Y = _data(10)
    with pytest.raises(ValueError, match=match) as info:
        train_dev_test_split(X, Y, ratios, rng=np.random.default_rng(0))
    assert "ratios" in str(info.value)


def test_ratios_within_tolerance_accepted():
    X, Y = _data(10)
    train_dev_test_split(X, Y, (0.6, 0.2, 0.2 + 1e-10), rng=np.random.default_rng(0))


def test_bad_split_arguments():
    X, Y = _data(10)
    with pytest.raises(ValueError, match="X and Y"):
        train_dev_test_split(X, Y[:, :9], rng=np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        train_dev_test_split(X, Y, rng=0)
    with pytest.raises(TypeError, match="ratios"):
        train_dev_test_split(X, Y, "0.6,0.2,0.2", rng=np.random.default_rng(0))
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="X must not contain NaN"):
        train_dev_test_split(X_nan, Y, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="Y"):
        train_dev_test_split(X, Y[0], rng=np.random.default_rng(0))  # 1-D labels


# ---------------------------------------------------------------- suggest_ratios


@pytest.mark.parametrize(
    "m, expected",
    [
        (100, (0.6, 0.2, 0.2)),
        (10_000, (0.6, 0.2, 0.2)),
        (50_000, (0.6, 0.2, 0.2)),
        (100_000, (0.8, 0.1, 0.1)),
        (1_000_000, (0.98, 0.01, 0.01)),
        (10_000_000, (0.998, 0.001, 0.001)),
    ],
)
def test_suggest_ratios_known(m, expected):
    assert suggest_ratios(m) == pytest.approx(expected, abs=1e-12)


@given(st.integers(1, 10**9))
def test_suggest_ratios_properties(m):
    train, dev, test = suggest_ratios(m)
    assert train + dev + test == pytest.approx(1.0, abs=1e-9)
    assert dev == test and 0 < dev <= 0.2 and train >= 0.6 - 1e-12
    if m > 50_000:
        assert dev * m == pytest.approx(10_000)


def test_the_notes_one_percent_split_is_the_same_rule_with_5000_examples():
    """The notes' 99 / 0.5 / 0.5 for a million examples is the rule with target_size 5,000, not another rule."""
    assert suggest_ratios(1_000_000, target_size=5_000) == pytest.approx((0.99, 0.005, 0.005), abs=1e-12)
    assert suggest_ratios(10_000_000, target_size=25_000) == pytest.approx((0.995, 0.0025, 0.0025), abs=1e-12)


def test_suggest_ratios_bad_input():
    with pytest.raises(ValueError, match="m must be >= 1"):
        suggest_ratios(0)
    with pytest.raises(TypeError, match="m"):
        suggest_ratios(1e6)
    with pytest.raises(ValueError, match="target_size"):
        suggest_ratios(100, target_size=0)


# ---------------------------------------------------------------- diagnose_bias_variance


@pytest.mark.parametrize(
    "train, dev, bayes, verdict",
    [
        (0.01, 0.11, 0.0, "high variance"),
        (0.15, 0.16, 0.0, "high bias"),
        (0.15, 0.30, 0.0, "high bias and high variance"),
        (0.005, 0.01, 0.0, "good fit"),
        (0.15, 0.16, 0.15, "good fit"),  # blurry images: 15 % is the best anyone can do
        (0.01, 0.03, 0.0, "good fit"),  # a gap of exactly the threshold is not "high"
    ],
)
def test_course_examples(train, dev, bayes, verdict):
    d = diagnose_bias_variance(train, dev, bayes_error=bayes)
    assert isinstance(d, Diagnosis)
    assert d.verdict == verdict
    assert d.avoidable_bias == pytest.approx(train - bayes)
    assert d.variance == pytest.approx(dev - train)
    assert d.high_bias == ("bias" in verdict)
    assert d.high_variance == ("variance" in verdict)


def test_advice_follows_the_basic_recipe():
    bias = diagnose_bias_variance(0.15, 0.16).advice
    assert "bigger network" in bias and "longer" in bias and "architecture" in bias
    variance = diagnose_bias_variance(0.01, 0.11).advice
    assert "more" in variance and "data" in variance and "regularization" in variance
    both = diagnose_bias_variance(0.15, 0.30).advice
    assert both.index("bigger network") < both.index("regularization")  # bias first
    assert diagnose_bias_variance(0.01, 0.02).advice


def test_threshold_changes_verdict():
    assert diagnose_bias_variance(0.05, 0.06, threshold=0.02).verdict == "high bias"
    assert diagnose_bias_variance(0.05, 0.06, threshold=0.1).verdict == "good fit"


def test_diagnosis_is_frozen():
    d = diagnose_bias_variance(0.01, 0.11)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.verdict = "good fit"


def test_diagnose_bad_inputs():
    memorized = diagnose_bias_variance(0.05, 0.2, bayes_error=0.08)  # training error below Bayes: noise memorized
    assert memorized.avoidable_bias == 0.0 and memorized.verdict == "high variance"
    with pytest.raises(ValueError, match=r"train_error must be in \[0, 1\], got 15"):
        diagnose_bias_variance(15, 16)  # percentages instead of fractions
    with pytest.raises(ValueError, match="dev_error"):
        diagnose_bias_variance(0.1, -0.1)
    with pytest.raises(ValueError, match="threshold"):
        diagnose_bias_variance(0.1, 0.2, threshold=-0.01)
    with pytest.raises(TypeError, match="train_error"):
        diagnose_bias_variance("0.1", 0.2)
    with pytest.raises(ValueError, match="dev_error"):
        diagnose_bias_variance(0.1, float("nan"))
