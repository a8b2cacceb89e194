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


# ------------------------------------------------------------------------------------- coarse-to-fine search


def search_vectorized(trial, low, high, n_coarse, n_fine, keep, rng):
    coarse = 10.0 ** rng.uniform(np.log10(low), np.log10(high), size=n_coarse)
    coarse_scores = np.array([trial(rate) for rate in coarse])
    k = max(1, round(keep * n_coarse))
    best = coarse[np.argsort(coarse_scores)[-k:]]
    fine = 10.0 ** rng.uniform(np.log10(best.min()), np.log10(best.max()), size=n_fine)
    fine_scores = np.array([trial(rate) for rate in fine])
    return np.concatenate([coarse, fine]), np.concatenate([coarse_scores, fine_scores])


def search_lists_and_sorting(trial, low, high, n_coarse, n_fine, keep, rng):
    rates, scores = [], []
    for _ in range(n_coarse):
        rate = float(np.exp(rng.uniform(np.log(low), np.log(high))))
        rates.append(rate)
        scores.append(trial(rate))
    ranked = sorted(zip(scores, rates), reverse=True)[: max(1, int(keep * n_coarse))]
    lo, hi = min(rate for _, rate in ranked), max(rate for _, rate in ranked)
    for _ in range(n_fine):
        rate = lo * (hi / lo) ** rng.random()
        rates.append(rate)
        scores.append(trial(rate))
    return rates, scores


def search_fine_drawn_first(trial, low, high, n_coarse, n_fine, keep, rng):
    u_coarse, u_fine = rng.random(n_coarse), rng.random(n_fine)  # all the randomness drawn up front
    a, b = np.log10(low), np.log10(high)
    coarse = 10 ** (a + (b - a) * u_coarse)
    coarse_scores = np.fromiter((trial(rate) for rate in coarse), dtype=float, count=n_coarse)
    k = max(1, int(np.ceil(keep * n_coarse)))
    top = np.argpartition(-coarse_scores, k - 1)[:k]
    lo, hi = np.log10(coarse[top].min()), np.log10(coarse[top].max())
    fine = 10 ** (lo + (hi - lo) * u_fine)
    return [np.append(coarse, fine), np.append(coarse_scores, [trial(rate) for rate in fine])]


def _search_with(trial, low, high, n_coarse, n_fine, keep, rng, zoom="best", fine_scale="log", k=None):
    coarse = 10.0 ** rng.uniform(np.log10(low), np.log10(high), size=n_coarse)
    coarse_scores = np.array([trial(rate) for rate in coarse])
    k = max(1, round(keep * n_coarse)) if k is None else k
    order = np.argsort(coarse_scores)
    chosen = coarse[order[:k]] if zoom == "worst" else coarse[order[-k:]]
    lo, hi = (low, high) if zoom == "whole" else (chosen.min(), chosen.max())
    if fine_scale == "log":
        fine = 10.0 ** rng.uniform(np.log10(lo), np.log10(hi), size=n_fine)
    else:
        fine = rng.uniform(lo, hi, size=n_fine)
    fine_scores = np.array([trial(rate) for rate in fine])
    return np.concatenate([coarse, fine]), np.concatenate([coarse_scores, fine_scores])


def search_zooms_into_the_worst(trial, low, high, n_coarse, n_fine, keep, rng):
    return _search_with(trial, low, high, n_coarse, n_fine, keep, rng, zoom="worst")


def search_never_zooms(trial, low, high, n_coarse, n_fine, keep, rng):
    return _search_with(trial, low, high, n_coarse, n_fine, keep, rng, zoom="whole")


def search_fine_round_uniform(trial, low, high, n_coarse, n_fine, keep, rng):
    return _search_with(trial, low, high, n_coarse, n_fine, keep, rng, fine_scale="linear")


def search_keeps_only_the_best(trial, low, high, n_coarse, n_fine, keep, rng):
    return _search_with(trial, low, high, n_coarse, n_fine, keep, rng, k=1)


def search_coarse_grid(trial, low, high, n_coarse, n_fine, keep, rng):
    coarse = np.logspace(np.log10(low), np.log10(high), n_coarse)
    coarse_scores = np.array([trial(rate) for rate in coarse])
    best = coarse[np.argsort(coarse_scores)[-max(1, round(keep * n_coarse)):]]
    fine = 10.0 ** rng.uniform(np.log10(best.min()), np.log10(best.max()), size=n_fine)
    return np.concatenate([coarse, fine]), np.concatenate([coarse_scores, [trial(rate) for rate in fine]])


def search_own_seed(trial, low, high, n_coarse, n_fine, keep, rng):
    return search_vectorized(trial, low, high, n_coarse, n_fine, keep, np.random.default_rng(2024))


def search_scores_sorted(trial, low, high, n_coarse, n_fine, keep, rng):
    rates, scores = search_vectorized(trial, low, high, n_coarse, n_fine, keep, rng)
    return rates, np.sort(scores)


CORRECT = {
    "sample_learning_rates": [lr_natural_log, lr_power_of_ratio, lr_one_at_a_time, lr_column_of_exponents_sorted],
    "sample_betas": [beta_ratio, beta_log1p, beta_one_at_a_time_from_the_top],
    "coarse_to_fine_search": [search_vectorized, search_lists_and_sorting, search_fine_drawn_first],
}

MISTAKES = {
    "sample_learning_rates": [
        (lr_fixed_grid, "spread far too evenly to be random"),
        (lr_shuffled_grid, "spread far too evenly to be random"),
        (lr_own_seed, "two different rng seeds gave the same samples"),
        (lr_single_draw, "returned a single number"),
        (lr_uniform, "log-scale sampling done uniformly"),
        (lr_exponent_between_low_and_high, "you drew the exponent r between low and high themselves"),
    ],
    "sample_betas": [
        (beta_fixed_grid, "spread far too evenly to be random"),
        (beta_own_seed, "two different rng seeds gave the same samples"),
        (beta_single_draw, "returned a single number"),
        (beta_uniform, "beta sampled uniformly"),
        (beta_returns_one_minus, "you returned 1 - beta = 10**r"),
    ],
    "coarse_to_fine_search": [
        (search_zooms_into_the_worst, "zooms into the"),
        (search_never_zooms, "samples the whole coarse range"),
        (search_fine_round_uniform, "not log-uniform"),
        (search_keeps_only_the_best, "not only the best one"),
        (search_coarse_grid, "spread far too evenly to be random"),
        (search_scores_sorted, "return each learning rate with its own score"),
        (search_own_seed, "two different rng seeds gave the same learning rates"),
    ],
}
