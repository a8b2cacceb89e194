"""Tests for course_utils.schedules."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_utils.schedules import (
    SCHEDULES,
    exponential_decay,
    interval_decay,
    inverse_sqrt_decay,
    inverse_time_decay,
    make_schedule,
    staircase_decay,
)

# one valid set of hyperparameters per schedule
HYPER = {
    "inverse_time": {"decay_rate": 1.0},
    "exponential": {"decay_base": 0.9},
    "inverse_sqrt": {"k": 1.0},
    "staircase": {"drop": 0.5, "epochs_per_drop": 3},
    "interval": {"decay_rate": 1.0, "time_interval": 5},
}


def test_known_values():
    # course example: alpha0 = 0.2, decay_rate = 1 -> 0.2, 0.1, 0.067, 0.05
    assert [inverse_time_decay(0.2, e, 1.0) for e in range(4)] == pytest.approx([0.2, 0.1, 0.2 / 3, 0.05])
    assert exponential_decay(0.1, 2, decay_base=0.95) == pytest.approx(0.1 * 0.9025)
    assert exponential_decay(0.1, 0) == pytest.approx(0.1)
    # epochs counted from 0: sqrt(epoch_num + 1)
    assert inverse_sqrt_decay(0.1, 0) == pytest.approx(0.1)
    assert inverse_sqrt_decay(0.1, 3) == pytest.approx(0.05)
    assert inverse_sqrt_decay(0.1, 8, k=3.0) == pytest.approx(0.1)
    assert [staircase_decay(1.0, e, drop=0.5, epochs_per_drop=10) for e in (0, 9, 10, 19, 20, 35)] == pytest.approx(
        [1.0, 1.0, 0.5, 0.5, 0.25, 0.125]
    )
    assert interval_decay(0.01, 999, decay_rate=1.0) == pytest.approx(0.01)
    assert interval_decay(0.01, 1000, decay_rate=1.0) == pytest.approx(0.005)
    assert interval_decay(0.5, 2500, decay_rate=0.3, time_interval=1000) == pytest.approx(0.5 / 1.6)


def test_zero_decay_is_constant():
    for epoch in (0, 1, 50, 10_000):
        assert inverse_time_decay(0.3, epoch, 0.0) == 0.3
        assert exponential_decay(0.3, epoch, 1.0) == 0.3
        assert interval_decay(0.3, epoch, 0.0) == 0.3
        assert staircase_decay(0.3, epoch, drop=1.0) == 0.3


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@given(epoch=st.integers(0, 10_000), lr0=st.floats(1e-6, 10.0))
def test_starts_at_most_lr0_and_never_increases(name, epoch, lr0):
    lr = make_schedule(name, lr0, **HYPER[name])
    assert lr(0) == pytest.approx(lr0)  # every HYPER entry starts exactly at lr0
    assert 0 <= lr(epoch + 1) <= lr(epoch) <= lr0 * (1 + 1e-12)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_make_schedule_matches_function(name):
    lr = make_schedule(name, 0.05, **HYPER[name])
    for epoch in (0, 1, 7, 123):
        assert lr(epoch) == SCHEDULES[name](0.05, epoch, **HYPER[name])


def test_numpy_integer_epochs_accepted():
    assert inverse_time_decay(1.0, np.int64(3), 1.0) == pytest.approx(0.25)


def test_make_schedule_defaults():
    assert make_schedule("exponential", 1.0)(2) == pytest.approx(0.95**2)
    assert make_schedule("staircase", 1.0)(10) == pytest.approx(0.5)


def test_make_schedule_bad_arguments():
    with pytest.raises(ValueError, match="name must be one of"):
        make_schedule("cosine", 0.1)
    with pytest.raises(TypeError, match="name"):
        make_schedule(None, 0.1)
    with pytest.raises(TypeError, match="'decay_rate'"):
        make_schedule("inverse_time", 0.1)  # missing required hyperparameter
    with pytest.raises(TypeError, match="'decay'"):
        make_schedule("inverse_time", 0.1, decay=1.0)  # misspelt
    with pytest.raises(ValueError, match="decay_rate must be >= 0"):
        make_schedule("interval", 0.1, decay_rate=-1.0)
    with pytest.raises(ValueError, match="learning_rate0"):
        make_schedule("exponential", 0.0)


@pytest.mark.parametrize("function, kwargs", [
    (inverse_time_decay, {"decay_rate": 1.0}),
    (exponential_decay, {}),
    (inverse_sqrt_decay, {}),
    (staircase_decay, {}),
    (interval_decay, {"decay_rate": 1.0}),
])
def test_common_validation(function, kwargs):
    with pytest.raises(ValueError, match="learning_rate0 must be > 0"):
        function(0.0, 1, **kwargs)
    with pytest.raises(ValueError, match="learning_rate0"):
        function(-0.1, 1, **kwargs)
    with pytest.raises(ValueError, match="epoch_num must be >= 0, got -1"):
        function(0.1, -1, **kwargs)
    with pytest.raises(TypeError, match="epoch_num"):
        function(0.1, 1.5, **kwargs)
    with pytest.raises(TypeError, match="epoch_num"):
        function(0.1, True, **kwargs)
    with pytest.raises(ValueError, match="learning_rate0"):
        function(math.nan, 1, **kwargs)


def test_schedule_specific_validation():
    with pytest.raises(ValueError, match="decay_rate"):
        inverse_time_decay(0.1, 1, -0.5)
    with pytest.raises(ValueError, match="decay_base"):
        exponential_decay(0.1, 1, decay_base=1.5)
    with pytest.raises(ValueError, match="decay_base"):
        exponential_decay(0.1, 1, decay_base=0.0)
    with pytest.raises(ValueError, match="k must be > 0"):
        inverse_sqrt_decay(0.1, 1, k=0.0)
    with pytest.raises(ValueError, match="drop"):
        staircase_decay(0.1, 1, drop=2.0)
    with pytest.raises(ValueError, match="epochs_per_drop"):
        staircase_decay(0.1, 1, epochs_per_drop=0)
    with pytest.raises(TypeError, match="time_interval"):
        interval_decay(0.1, 1, 1.0, time_interval=10.5)
