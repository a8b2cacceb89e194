"""Variants for ``course_utils.checks.tuning``: right answers written differently, and named mistakes.

The right samplers use the given ``rng`` in different legitimate ways (another formula, another order of the
bounds, one draw at a time, sorted output): the check judges the distribution, not the draws.
"""

import numpy as np

# ------------------------------------------------------------------------------------------ learning rates


def lr_natural_log(n, low, high, rng):
    return np.exp(rng.uniform(np.log(low), np.log(high), size=n))


def lr_power_of_ratio(n, low, high, rng):
    return low * (high / low) ** rng.random(n)


def lr_one_at_a_time(n, low, high, rng):
    return np.array([10.0 ** rng.uniform(np.log10(low), np.log10(high)) for _ in range(n)])


def lr_column_of_exponents_sorted(n, low, high, rng):
    a, b = np.log10(low), np.log10(high)
    return np.sort(np.power(10.0, a + (b - a) * rng.uniform(0, 1, size=(n, 1))).ravel())


def lr_fixed_grid(n, low, high, rng):
    return np.logspace(np.log10(low), np.log10(high), n)


def lr_shuffled_grid(n, low, high, rng):
    return rng.permutation(np.logspace(np.log10(low), np.log10(high), n))


def lr_own_seed(n, low, high, rng):
    return 10.0 ** np.random.default_rng(0).uniform(np.log10(low), np.log10(high), size=n)


def lr_single_draw(n, low, high, rng):
    return 10.0 ** rng.uniform(np.log10(low), np.log10(high))


def lr_uniform(n, low, high, rng):
    return rng.uniform(low, high, size=n)


def lr_exponent_between_low_and_high(n, low, high, rng):
    return 10.0 ** rng.uniform(low, high, size=n)


# ------------------------------------------------------------------------------------------------ betas


def beta_ratio(n, low, high, rng):
    return 1.0 - (1.0 - high) * ((1.0 - low) / (1.0 - high)) ** rng.random(n)


def beta_log1p(n, low, high, rng):
    return 1.0 - np.exp(rng.uniform(np.log1p(-high), np.log1p(-low), size=n))


def beta_one_at_a_time_from_the_top(n, low, high, rng):
    top, bottom = np.log10(1 - low), np.log10(1 - high)
    return np.array([1 - 10 ** (top - (top - bottom) * rng.random()) for _ in range(n)])


def beta_fixed_grid(n, low, high, rng):
    return 1.0 - np.logspace(np.log10(1 - low), np.log10(1 - high), n)


def beta_own_seed(n, low, high, rng):
    return 1.0 - 10.0 ** np.random.default_rng(1).uniform(np.log10(1 - high), np.log10(1 - low), size=n)


def beta_single_draw(n, low, high, rng):
    return 1.0 - 10.0 ** rng.uniform(np.log10(1 - high), np.log10(1 - low))


def beta_uniform(n, low, high, rng):
    return rng.uniform(low, high, size=n)


def beta_returns_one_minus(n, low, high, rng):
    return 10.0 ** rng.uniform(np.log10(1 - high), np.log10(1 - low), size=n)


CORRECT = {
    "sample_learning_rates": [lr_natural_log, lr_power_of_ratio, lr_one_at_a_time, lr_column_of_exponents_sorted],
    "sample_betas": [beta_ratio, beta_log1p, beta_one_at_a_time_from_the_top],
}

MISTAKES = {
    "sample_learning_rates": [
        (lr_fixed_grid, "spread far too evenly to be random"),
        (lr_shuffled_grid, "spread far too evenly to be random"),
        (lr_own_seed, "exactly the same 50000 samples for two different generators"),
        (lr_single_draw, "returned a single number"),
        (lr_uniform, "log-scale sampling done uniformly"),
        (lr_exponent_between_low_and_high, "you drew the exponent r between low and high themselves"),
    ],
    "sample_betas": [
        (beta_fixed_grid, "spread far too evenly to be random"),
        (beta_own_seed, "exactly the same 200000 samples for two different generators"),
        (beta_single_draw, "returned a single number"),
        (beta_uniform, "beta sampled uniformly"),
        (beta_returns_one_minus, "you returned 1 - beta = 10**r"),
    ],
}
