"""The tuning notebook's checks (right samplers pass, every recognized mistake gets its message) and course_utils.tuning."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from course_utils import hyperparameters, tuning
from course_utils.checks import check
from tests.check_tools import fails_with as _fails




# ------------------------------------------------------------------------------------- learning rates


def lr_ok(n, low, high, rng):
    r = rng.uniform(np.log10(low), np.log10(high), size=n)
    return 10.0**r


def lr_reversed_bounds(n, low, high, rng):
    return 10.0 ** (np.log10(high) + (np.log10(low) - np.log10(high)) * rng.random(n))


def lr_sorted(n, low, high, rng):
    # the check must not depend on the order of the draws
    return np.sort(lr_ok(n, low, high, rng))[::-1]


@pytest.mark.parametrize("fn", [lr_ok, lr_reversed_bounds, lr_sorted])
@pytest.mark.parametrize("hidden", [False, True])
def test_lr_correct_passes(fn, hidden, capsys):
    check("sample_learning_rates", fn, hidden=hidden)
    assert "sample_learning_rates" in capsys.readouterr().out


def test_lr_uniform():
    _fails(
        "sample_learning_rates",
        lambda n, low, high, rng: rng.uniform(low, high, size=n),
        "log-scale sampling done uniformly: 90% of your samples land in [0.1, 1]",
    )


def test_lr_uniform_on_a_narrow_range_is_named_too():
    def uniform_unless_wide(n, low, high, rng):
        return rng.uniform(low, high, size=n) if high / low < 100 else lr_ok(n, low, high, rng)

    _fails("sample_learning_rates", uniform_unless_wide, "log-scale sampling done uniformly", "sqrt(low * high)",
           hidden=True)


def test_lr_ln_bounds_with_power_of_ten():
    _fails(
        "sample_learning_rates",
        lambda n, low, high, rng: 10.0 ** rng.uniform(np.log(low), np.log(high), size=n),
        "natural log / log10 mix-up", "np.log10 for the bounds",
    )


def test_lr_log10_bounds_with_exp():
    _fails(
        "sample_learning_rates",
        lambda n, low, high, rng: np.exp(rng.uniform(np.log10(low), np.log10(high), size=n)),
        "natural log / log10 mix-up", "return 10**r",
    )


def test_lr_exponent_between_low_and_high():
    _fails(
        "sample_learning_rates",
        lambda n, low, high, rng: 10.0 ** rng.uniform(low, high, size=n),
        "exponent r between low and high themselves",
    )


def test_lr_returns_the_exponent():
    _fails(
        "sample_learning_rates",
        lambda n, low, high, rng: rng.uniform(np.log10(low), np.log10(high), size=n),
        "you returned the exponent r",
    )


def test_lr_hard_coded_range():
    _fails(
        "sample_learning_rates",
        lambda n, low, high, rng: 10.0 ** rng.uniform(-4, 0, size=n),
        "hard-coded to [-4, 0]", "[case: n=50000 in [3e-06, 3e-02]]".replace("3e-06, 3e-02", "3e-6, 3e-2"),
    )


def test_lr_uneven_spread_gets_the_decade_table():
    def two_decades_only(n, low, high, rng):
        # log-uniform, but only over the upper half of the log range
        return 10.0 ** rng.uniform((np.log10(low) + np.log10(high)) / 2, np.log10(high), size=n)

    _fails("sample_learning_rates", two_decades_only, "not spread evenly on a log scale", "(expected 25%)")


def test_lr_integer_exponents_are_named():
    def integer_exponents(n, low, high, rng):
        return 10.0 ** rng.integers(np.log10(low), np.log10(high), size=n)

    _fails("sample_learning_rates", integer_exponents, "only 4 distinct values", "rng.integers")


def test_beta_integer_exponents_are_named():
    def integer_exponents(n, low, high, rng):
        return 1 - 10.0 ** rng.integers(np.log10(1 - high), np.log10(1 - low), size=n)

    _fails("sample_betas", integer_exponents, "distinct value", "rng.uniform(a, b, size=n)")


def test_lr_out_of_range_on_small_case():
    def right_when_large(n, low, high, rng):
        return lr_ok(n, low, high, rng) if n > 10 else np.full(n, 10 * high)

    _fails("sample_learning_rates", right_when_large, "must lie in [low, high]", "[case: n=1")


def test_lr_low_equals_high():
    def ignores_equal_bounds(n, low, high, rng):
        return lr_ok(n, low, high, rng) if low < high else np.full(n, 2 * low)

    _fails("sample_learning_rates", ignores_equal_bounds, "low == high", hidden=True)


def test_lr_none_shape_list_nan():
    _fails("sample_learning_rates", lambda n, low, high, rng: None, "is None", "return")
    _fails("sample_learning_rates", lambda n, low, high, rng: lr_ok(n, low, high, rng).reshape(1, -1),
           "has shape (1, 50000), expected (50000,)")
    _fails("sample_learning_rates", lambda n, low, high, rng: list(lr_ok(n, low, high, rng)), "numpy array")
    _fails("sample_learning_rates", lambda n, low, high, rng: lr_ok(n + 1, low, high, rng), "has shape (50001,)")
    _fails("sample_learning_rates", lambda n, low, high, rng: np.full(n, np.nan), "contains NaN")


def test_lr_scalar_for_one_sample():
    def scalar_when_one(n, low, high, rng):
        values = lr_ok(n, low, high, rng)
        return float(values[0]) if n == 1 else values

    _fails("sample_learning_rates", scalar_when_one, "has shape (), expected (1,)")


def test_lr_calling_reference_is_refused():
    _fails("sample_learning_rates",
           lambda n, low, high, rng: hyperparameters.sample_log_uniform(low, high, n, rng=rng),
           "reference solution")
    from course_utils.hyperparameters import log_uniform_sampler as alias

    _fails("sample_learning_rates", lambda n, low, high, rng: alias(low, high)(n, rng), "reference solution")


# ------------------------------------------------------------------------------------------------ betas


def beta_ok(n, low, high, rng):
    r = rng.uniform(np.log10(1 - high), np.log10(1 - low), size=n)
    return 1 - 10.0**r


def beta_natural(n, low, high, rng):
    return 1 - np.exp(rng.uniform(np.log(1 - high), np.log(1 - low), size=n))


def beta_reversed(n, low, high, rng):
    top, bottom = np.log10(1 - low), np.log10(1 - high)
    return 1 - 10.0 ** (top + (bottom - top) * rng.random(n))


@pytest.mark.parametrize("fn", [beta_ok, beta_natural, beta_reversed])
@pytest.mark.parametrize("hidden", [False, True])
def test_beta_correct_passes(fn, hidden, capsys):
    check("sample_betas", fn, hidden=hidden)
    assert "sample_betas" in capsys.readouterr().out


def test_beta_uniform():
    _fails(
        "sample_betas",
        lambda n, low, high, rng: rng.uniform(low, high, size=n),
        "beta sampled uniformly in [0.9, 0.999]: 91% of your samples are below 0.99",
        "1 - beta on a log scale",
    )


def test_beta_log_uniform_on_beta_itself():
    _fails(
        "sample_betas",
        lambda n, low, high, rng: 10.0 ** rng.uniform(np.log10(low), np.log10(high), size=n),
        "you sampled beta itself on a log scale", "[case: n=200000 in [0.9, 0.999], rng seed 11]",
    )


@pytest.mark.parametrize(
    "exponent",
    [
        lambda low, high, n, rng: rng.uniform(np.log10(low), np.log10(high), size=n),
        lambda low, high, n, rng: rng.uniform(1 - high, 1 - low, size=n),
        lambda low, high, n, rng: rng.uniform(low, high, size=n),
    ],
    ids=["log10(beta) bounds", "1 - beta bounds without log", "beta bounds"],
)
def test_beta_exponent_in_the_wrong_interval(exponent):
    _fails(
        "sample_betas",
        lambda n, low, high, rng: 1 - 10.0 ** exponent(low, high, n, rng),
        "1 - 10**r with r in the wrong interval", "[-3, -1]",
    )


def test_beta_returns_one_minus_beta():
    _fails(
        "sample_betas",
        lambda n, low, high, rng: 10.0 ** rng.uniform(np.log10(1 - high), np.log10(1 - low), size=n),
        "you returned 1 - beta",
    )


def test_beta_ln_bounds_with_power_of_ten():
    _fails(
        "sample_betas",
        lambda n, low, high, rng: 1 - 10.0 ** rng.uniform(np.log(1 - high), np.log(1 - low), size=n),
        "natural log / log10 mix-up", "np.log10 for the bounds",
    )


def test_beta_log10_bounds_with_exp():
    _fails(
        "sample_betas",
        lambda n, low, high, rng: 1 - np.exp(rng.uniform(np.log10(1 - high), np.log10(1 - low), size=n)),
        "natural log / log10 mix-up", "return 1 - 10**r",
    )


def test_beta_hard_coded_range():
    _fails(
        "sample_betas",
        lambda n, low, high, rng: 1 - 10.0 ** rng.uniform(-3, -1, size=n),
        "hard-coded to [-3, -1]", "[case: n=200000 in [0.5, 0.99]]",
    )


def test_beta_uneven_spread_gets_the_decade_table():
    def upper_decade_only(n, low, high, rng):
        return 1 - 10.0 ** rng.uniform(np.log10(1 - high), np.log10(1 - high) + 1, size=n)

    _fails("sample_betas", upper_decade_only, "1 - beta is not spread evenly", "(expected 50%)")


def test_beta_out_of_range_on_small_case():
    def right_when_large(n, low, high, rng):
        return beta_ok(n, low, high, rng) if n > 10 else np.full(n, 1.0)

    _fails("sample_betas", right_when_large, "must lie in [low, high]", "[case: n=1")


def test_beta_low_zero_and_equal_bounds():
    def breaks_edges(n, low, high, rng):
        if low == high:
            return np.full(n, 0.5)
        return beta_ok(n, low, high, rng)

    _fails("sample_betas", breaks_edges, "low == high", hidden=True)


def test_beta_none_shape_nan():
    _fails("sample_betas", lambda n, low, high, rng: None, "is None")
    _fails("sample_betas", lambda n, low, high, rng: beta_ok(n, low, high, rng)[:, None], "has shape (200000, 1)")
    _fails("sample_betas", lambda n, low, high, rng: np.full(n, np.nan), "contains NaN")


def test_beta_calling_reference_is_refused():
    _fails("sample_betas", lambda n, low, high, rng: hyperparameters.sample_beta(low, high, n, rng=rng),
           "reference solution")
    from course_utils.hyperparameters import sample_beta as alias

    _fails("sample_betas", lambda n, low, high, rng: alias(low, high, n, rng=rng), "reference solution")


def test_reference_kernels_pass_their_own_checks_when_called_outside_the_guard():
    """The checks' laws agree with the course's reference samplers (same cases, samples drawn beforehand)."""
    from course_utils.checks import get_exercise
    from course_utils.checks.framework import build_args

    for name, sample in (("sample_learning_rates", hyperparameters.sample_log_uniform),
                         ("sample_betas", hyperparameters.sample_beta)):
        exercise = get_exercise(name)
        for case in exercise.cases(hidden=True):
            args = build_args(case)
            exercise.judge(case, sample(args["low"], args["high"], args["n"], rng=args["rng"]))


# ------------------------------------------------------------------------------------ course_utils.tuning


def test_run_trial_result_and_determinism():
    first = tuning.run_trial({"learning_rate": 0.01, "num_epochs": 2, "hidden_units": 8})
    again = tuning.run_trial({"learning_rate": 0.01, "num_epochs": 2, "hidden_units": 8})
    assert first["hidden_units"] == 8 and first["optimizer"] == "adam" and first["num_epochs"] == 2
    assert 0.0 <= first["dev_accuracy"] <= 1.0 and len(first["dev_accuracy_per_epoch"]) == 2
    assert first["best_dev_accuracy"] == max(first["dev_accuracy_per_epoch"])
    assert first["dev_accuracy"] > 0.5  # 2 epochs of Adam already learn the digits a little
    assert first["dev_accuracy_per_epoch"] == again["dev_accuracy_per_epoch"]
    other_seed = tuning.run_trial({"learning_rate": 0.01, "num_epochs": 2, "hidden_units": 8, "seed": 1})
    assert other_seed["dev_accuracy_per_epoch"] != first["dev_accuracy_per_epoch"]


def test_run_trial_beta_and_optimizers():
    momentum = tuning.run_trial({"learning_rate": 0.1, "optimizer": "momentum", "beta": 0.9, "num_epochs": 1})
    assert momentum["beta"] == 0.9 and momentum["optimizer"] == "momentum"
    tuning.run_trial({"learning_rate": 0.1, "optimizer": "gd", "num_epochs": 1})


@pytest.mark.parametrize(
    "config, error, fragment",
    [
        ({"learning_rate": 0.01, "lr": 1}, ValueError, "unknown keys ['lr']"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate"),
        ({"learning_rate": 0.01, "optimizer": "sgd"}, ValueError, "optimizer"),
        ({"learning_rate": 0.01, "optimizer": "gd", "beta": 0.9}, ValueError, "beta"),
        ({"learning_rate": 0.01, "beta": 1.5}, ValueError, "beta"),
        ([("learning_rate", 0.01)], TypeError, "dict"),
    ],
)
def test_run_trial_rejects_bad_configs(config, error, fragment):
    with pytest.raises(error, match=None) as info:
        tuning.run_trial(config)
    assert fragment in str(info.value)


def test_run_trial_is_picklable_for_a_process_pool():
    assert pickle.loads(pickle.dumps(tuning.run_trial)) is tuning.run_trial


def test_run_trial_in_a_spawned_process_gives_the_same_result():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    config = {"learning_rate": 0.01, "num_epochs": 1, "hidden_units": 8}
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        remote = pool.submit(tuning.run_trial, config).result(timeout=120)
    local = tuning.run_trial(config)
    assert remote["dev_accuracy_per_epoch"] == local["dev_accuracy_per_epoch"]
    assert remote["pid"] != local["pid"]


def test_babysit_lowers_the_learning_rate_when_the_dev_cost_rises():
    steady = tuning.babysit(0.1, num_epochs=6, decrease=1.0)
    assert steady["learning_rate"] == [0.1] * 6
    watched = tuning.babysit(0.1, num_epochs=6, decrease=0.5)
    rates = watched["learning_rate"]
    assert rates[0] == 0.1 and all(b in (a, a * 0.5) for a, b in zip(rates, rates[1:]))
    best = np.minimum.accumulate(watched["dev_cost"])
    for epoch in range(1, 6):  # the rate was halved exactly after the epochs that did not beat the best cost
        halved = rates[epoch] < rates[epoch - 1]
        assert halved == (watched["dev_cost"][epoch - 1] >= (best[epoch - 2] if epoch >= 2 else np.inf))
    assert len(watched["dev_accuracy"]) == 6 and all(0 <= a <= 1 for a in watched["dev_accuracy"])
    with pytest.raises(ValueError, match="decrease"):
        tuning.babysit(0.1, decrease=0.0)


# ------------------------------------------------------------------- variants (tests/variants/tuning.py)

from tests.variants import tuning as variants  # noqa: E402


@pytest.mark.parametrize("name, fn, fragment",
                         [(name, fn, fragment) for name, pairs in variants.MISTAKES.items() for fn, fragment in pairs],
                         ids=lambda value: getattr(value, "__name__", str(value))[:30])
def test_named_mistake_is_caught_by_the_visible_cases(name, fn, fragment):
    """tests/test_variants.py lets the visible check pass a mistake that only hidden cases catch; here none does."""
    _fails(name, fn, fragment, hidden=False)


def test_grid_threshold_is_far_from_random_samples():
    """sqrt(n) * KS of honest samples stays well above GRID_FACTOR; a log-spaced grid sits far below it."""
    from course_utils.checks.tuning import GRID_FACTOR, _lr_laws

    law = _lr_laws(1e-4, 1.0)[0]
    n = 50000
    honest = [law.distance(10.0 ** np.random.default_rng(seed).uniform(-4, 0, n)) * np.sqrt(n) for seed in range(20)]
    assert min(honest) > 1.5 * GRID_FACTOR
    assert law.distance(np.logspace(-4, 0, n)) * np.sqrt(n) < GRID_FACTOR / 20


def test_search_calling_the_reference_is_refused():
    def with_reference_sampler(trial, low, high, n_coarse, n_fine, keep, rng):
        hyperparameters.sample_log_uniform(low, high, 2, rng=np.random.default_rng(0))
        return variants.search_vectorized(trial, low, high, n_coarse, n_fine, keep, rng)

    _fails("coarse_to_fine_search", with_reference_sampler, "calls the course's reference solution", hidden=False)


def test_search_stub_raises_not_implemented():
    def stub(trial, low, high, n_coarse, n_fine, keep, rng):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("coarse_to_fine_search", stub)


def test_ignored_rng_is_caught_in_the_graders_split_path_too():
    """collect_outputs in one place, judge_outputs on the plain data: the other-seed case still sees equal samples."""
    from course_utils.checks import CheckFailed, get_exercise
    from course_utils.checks.framework import collect_outputs, judge_outputs

    exercise = get_exercise("sample_learning_rates")
    outputs = collect_outputs(exercise, variants.lr_own_seed)
    with pytest.raises(CheckFailed, match="two different rng seeds gave the same samples"):
        judge_outputs(exercise, outputs)
    judge_outputs(exercise, collect_outputs(exercise, variants.lr_natural_log))
