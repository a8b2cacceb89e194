"""Tests for course_utils.hyperparameters."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.hyperparameters import (
    beta_sampler,
    coarse_to_fine,
    grid_points,
    integer_sampler,
    log_uniform_sampler,
    random_points,
    sample_beta,
    sample_log_uniform,
    sample_uniform,
    uniform_sampler,
)

FAST = settings(max_examples=40, deadline=None)
seeds = st.integers(0, 2**32 - 1)


# ---------------------------------------------------------------- sampling on a scale


@FAST
@given(
    exponents=st.tuples(st.floats(-8, 3), st.floats(0.5, 6)),
    seed=seeds,
)
def test_log_uniform_is_uniform_in_the_exponent(exponents, seed):
    lo_exp, width = exponents
    low, high = 10.0**lo_exp, 10.0 ** (lo_exp + width)
    x = sample_log_uniform(low, high, 4000, rng=np.random.default_rng(seed))
    assert x.shape == (4000,)
    assert (x >= low).all() and (x <= high).all()
    midpoint = (math.log10(low) + math.log10(high)) / 2
    assert abs(np.mean(x < 10**midpoint) - 0.5) < 0.05  # ~6 standard deviations
    quarter = math.log10(low) + (math.log10(high) - math.log10(low)) / 4
    assert abs(np.mean(x < 10**quarter) - 0.25) < 0.05


def test_log_uniform_course_example_each_decade_equally_likely():
    x = sample_log_uniform(1e-4, 1.0, 8000, rng=np.random.default_rng(0))
    counts = np.histogram(np.log10(x), bins=[-4, -3, -2, -1, 0])[0] / x.size
    np.testing.assert_allclose(counts, 0.25, atol=0.03)


@FAST
@given(seed=seeds)
def test_beta_half_below_0_99(seed):
    b = sample_beta(size=4000, rng=np.random.default_rng(seed))
    assert (b >= 0.9).all() and (b <= 0.999).all()
    assert abs(np.mean(b < 0.99) - 0.5) < 0.05  # 0.9-0.99 and 0.99-0.999 equally likely


def test_sample_shapes_and_scalars():
    rng = np.random.default_rng(0)
    assert isinstance(sample_log_uniform(1e-3, 1e-1, rng=rng), float)
    assert isinstance(sample_beta(rng=rng), float)
    assert sample_log_uniform(1e-3, 1e-1, (2, 3), rng=rng).shape == (2, 3)
    assert sample_beta(0.9, 0.99, 0, rng=rng).shape == (0,)
    assert sample_log_uniform(0.01, 0.01, 5, rng=rng).tolist() == [0.01] * 5  # degenerate range
    u = sample_uniform(0.5, 1.0, 100, rng=rng)
    assert (u >= 0.5).all() and (u <= 1.0).all()


def test_sampling_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="low must be > 0"):
        sample_log_uniform(0.0, 1.0, 3, rng=rng)
    with pytest.raises(ValueError, match="high must be >= low"):
        sample_log_uniform(1.0, 0.1, 3, rng=rng)
    with pytest.raises(ValueError, match=r"high must be in \[0, 1\)"):
        sample_beta(0.9, 1.0, 3, rng=rng)
    with pytest.raises(ValueError, match="high must be >= low"):
        sample_beta(0.99, 0.9, 3, rng=rng)
    with pytest.raises(ValueError, match="size must be >= 0"):
        sample_log_uniform(0.1, 1.0, -1, rng=rng)
    with pytest.raises(TypeError, match="size"):
        sample_log_uniform(0.1, 1.0, 2.5, rng=rng)
    with pytest.raises(TypeError, match="rng"):
        sample_beta(size=3, rng=None)
    with pytest.raises(ValueError, match="low"):
        sample_log_uniform(float("nan"), 1.0, rng=rng)


# ---------------------------------------------------------------- grid and random points


def test_grid_points():
    assert grid_points([1, 2], ["x", "y", "z"]) == [
        (1, "x"), (1, "y"), (1, "z"), (2, "x"), (2, "y"), (2, "z")
    ]
    pts = grid_points(np.array([0.1, 0.01]), (0.9, 0.99))
    assert len(pts) == 4 and len({a for a, _ in pts}) == 2
    with pytest.raises(ValueError, match="values_b must not be empty"):
        grid_points([1], [])
    with pytest.raises(TypeError, match="values_a"):
        grid_points(5, [1])


@FAST
@given(n=st.integers(1, 60), seed=seeds)
def test_random_points(n, seed):
    samplers = {
        "alpha": log_uniform_sampler(1e-4, 1.0),
        "beta": beta_sampler(0.9, 0.999),
        "keep_prob": uniform_sampler(0.5, 1.0),
        "hidden_units": integer_sampler(50, 100),
    }
    pts = random_points(n, samplers, rng=np.random.default_rng(seed))
    assert len(pts) == n
    for p in pts:
        assert set(p) == set(samplers)
        assert 1e-4 <= p["alpha"] <= 1.0 and 0.9 <= p["beta"] <= 0.999 and 0.5 <= p["keep_prob"] <= 1.0
        assert isinstance(p["hidden_units"], int) and 50 <= p["hidden_units"] <= 100
        assert isinstance(p["alpha"], float)


def test_random_points_try_more_distinct_values_than_a_grid():
    pts = random_points(25, {"a": uniform_sampler(0, 1), "b": uniform_sampler(0, 1)}, rng=np.random.default_rng(0))
    grid = grid_points(np.linspace(0, 1, 5), np.linspace(0, 1, 5))
    assert len({p["a"] for p in pts}) == 25 > len({a for a, _ in grid}) == 5


def test_random_points_plain_callables_and_errors():
    rng = np.random.default_rng(0)
    pts = random_points(3, {"lr": lambda size, rng: sample_log_uniform(1e-3, 1e-1, size, rng=rng)}, rng=rng)
    assert len(pts) == 3
    with pytest.raises(ValueError, match="samplers\\['bad'\\] must return 3 values"):
        random_points(3, {"bad": lambda size, rng: np.zeros(2)}, rng=rng)
    with pytest.raises(TypeError, match="samplers\\['x'\\] must be callable"):
        random_points(3, {"x": 0.1}, rng=rng)
    with pytest.raises(ValueError, match="n must be >= 1"):
        random_points(0, {"x": uniform_sampler(0, 1)}, rng=rng)
    with pytest.raises(ValueError, match="samplers must not be empty"):
        random_points(2, {}, rng=rng)
    with pytest.raises(ValueError, match="high must be >= low"):
        log_uniform_sampler(1.0, 0.1)
    with pytest.raises(TypeError, match="low must be an integer"):
        integer_sampler(1.5, 3)


# ---------------------------------------------------------------- coarse to fine


def test_coarse_to_fine_log_scale_by_hand():
    pts = [{"alpha": 1e-4}, {"alpha": 1e-3}, {"alpha": 1e-2}, {"alpha": 1e-1}]
    scores = [0.7, 0.9, 0.95, 0.6]
    assert coarse_to_fine(pts, scores, keep=0.5, margin=0) == {"alpha": (1e-3, 1e-2)}
    # keep the best point only (1e-2); the coarse range spans 3 decades, so a margin of
    # 0.1 pads 0.3 decade on each side: 10**-2.3 .. 10**-1.7
    low, high = coarse_to_fine(pts, scores, keep=0.25, margin=0.1, scales={"alpha": "log"})["alpha"]
    assert low == pytest.approx(10**-2.3) and high == pytest.approx(10**-1.7)
    # on a linear scale the same padding would be 0.1 * (0.1 - 0.0001) on each side
    low, high = coarse_to_fine(pts, scores, keep=0.25, margin=0.1, scales={"alpha": "linear"})["alpha"]
    assert low == pytest.approx(1e-4) and high == pytest.approx(0.01 + 0.00999)


def test_coarse_to_fine_beta_scale_and_minimize():
    pts = [{"beta": 0.9}, {"beta": 0.99}, {"beta": 0.999}]
    errors = [0.3, 0.1, 0.2]  # lower is better
    # log10(1 - beta) = -1, -2, -3; best is -2; the coarse range is 2 wide, so a margin of 0.25
    # pads 0.5 on each side -> [-2.5, -1.5] -> beta in [1 - 10**-1.5, 1 - 10**-2.5] = [0.968, 0.997]
    low, high = coarse_to_fine(pts, errors, keep=0.3, maximize=False, margin=0.25, scales={"beta": "log1m"})["beta"]
    assert low == pytest.approx(1 - 10**-1.5) and high == pytest.approx(1 - 10**-2.5)
    # the scale is inferred when not given
    assert coarse_to_fine(pts, errors, keep=0.3, maximize=False, margin=0.25)["beta"] == pytest.approx((low, high))


def test_coarse_to_fine_scales_from_samplers():
    samplers = {"alpha": log_uniform_sampler(1e-4, 1.0), "units": integer_sampler(10, 100)}
    pts = random_points(50, samplers, rng=np.random.default_rng(1))
    scores = [-abs(math.log10(p["alpha"]) + 2) for p in pts]  # best near alpha = 1e-2
    bounds = coarse_to_fine(pts, scores, keep=0.1, scales=samplers)
    low, high = bounds["alpha"]
    assert low < 1e-2 < high and high / low < 100
    assert set(bounds) == {"alpha", "units"}


@FAST
@given(
    values=st.lists(st.floats(1e-5, 1.0), min_size=1, max_size=30),
    data=st.data(),
    keep=st.floats(0.01, 1.0),
    margin=st.floats(0, 0.5),
    scale=st.sampled_from(["log", "linear", "log1m"]),
)
def test_coarse_to_fine_bounds_contain_kept_points(values, data, keep, margin, scale):
    values = [min(v, 0.999) for v in values]
    scores = data.draw(st.lists(st.floats(0, 1), min_size=len(values), max_size=len(values)))
    pts = [{"x": v} for v in values]
    low, high = coarse_to_fine(pts, scores, keep=keep, margin=margin, scales={"x": scale})["x"]
    n_keep = max(1, math.ceil(keep * len(values) - 1e-9))
    best = np.argsort(-np.array(scores), kind="stable")[:n_keep]
    assert min(values) <= low <= high <= max(values)
    for i in best:
        assert low <= values[i] <= high


def test_coarse_to_fine_bad_arguments():
    pts = [{"a": 0.1, "b": 1.0}, {"a": 0.2, "b": 2.0}]
    with pytest.raises(ValueError, match=r"keep must be in \(0, 1\]"):
        coarse_to_fine(pts, [1, 2], keep=0.0)
    with pytest.raises(ValueError, match="scores must have one value per point"):
        coarse_to_fine(pts, [1, 2, 3])
    with pytest.raises(ValueError, match="scores must not contain NaN"):
        coarse_to_fine(pts, [1, float("nan")])
    with pytest.raises(ValueError, match=r"points\[1\] must have the keys"):
        coarse_to_fine([{"a": 1.0}, {"b": 1.0}], [1, 2])
    with pytest.raises(ValueError, match="points must not be empty"):
        coarse_to_fine([], [])
    with pytest.raises(ValueError, match=r"scales\['a'\] must be one of"):
        coarse_to_fine(pts, [1, 2], scales={"a": "sqrt"})
    with pytest.raises(ValueError, match="scales has 'c'"):
        coarse_to_fine(pts, [1, 2], scales={"c": "log"})
    with pytest.raises(ValueError, match="'log' so its values must be > 0"):
        coarse_to_fine([{"a": -1.0}, {"a": 1.0}], [1, 2], scales={"a": "log"})
    with pytest.raises(ValueError, match="margin"):
        coarse_to_fine(pts, [1, 2], margin=-0.1)
    with pytest.raises(TypeError, match="points"):
        coarse_to_fine({"a": 1.0}, [1])
