"""Checks for the week 3 hyperparameter-tuning notebook: log-scale sampling and a coarse-to-fine random search.

The exercises draw random numbers, so the checks never compare values draw by draw. On large cases
they compare the *distribution* of the student's samples with the right one (a one-sample
Kolmogorov-Smirnov distance against the exact CDF) and with the distribution of each known mistake
(uniform instead of log-uniform, natural log mixed with log10, the exponent drawn in the wrong
interval, ...), so the message names the mistake. Small cases check the count and the bounds.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

import numpy as np

from course_utils import hyperparameters as reference_hyperparameters
from course_utils import tuning as reference_tuning
from course_utils.checks.framework import (
    Case, CheckFailed, describe, Exercise, exercise_table, expect_array, judge_seed_cases, Seed, seed_cases, unpack,
)

KS_FACTOR = 2.5
"""A sample passes when its KS distance to the right law is below ``KS_FACTOR / sqrt(n)``.

For a correct sampler this fails with probability about ``2 exp(-2 * 2.5**2)``, below 1e-5 per case."""

STATISTICAL_N = 1000
"""Cases with at least this many samples are judged on their distribution; smaller ones on count and bounds."""

GRID_FACTOR = 0.25
"""A sample whose KS distance to the right law is below ``GRID_FACTOR / sqrt(n)`` is too regular to be random.

For ``n`` independent draws, ``sqrt(n) * KS`` follows Kolmogorov's law, which puts about ``3e-8`` below 0.25;
an evenly spaced grid of ``n`` points (``np.logspace``) has ``KS`` about ``1 / n``, far below the threshold."""

_DRAW = "rng.uniform(a, b, size=n)"
"""How the samplers draw from their rng, quoted when a function ignores it."""



def _log10(x):
    """log10 on the positive reals, -inf elsewhere (so a CDF built on it is 0 there)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, np.log10(np.where(x > 0, x, 1.0)), -np.inf)


def _ln(x):
    return _log10(x) * math.log(10.0)


def _identity(x):
    return np.asarray(x, dtype=np.float64)


@dataclasses.dataclass(frozen=True)
class _Law:
    """The law of ``x = g(U)`` with ``U`` uniform between ``a`` and ``b`` and ``g`` monotone.

    ``to_u`` is the inverse of ``g`` (it maps ``x`` back to ``U``); ``increasing`` tells whether ``g``
    increases. ``message(x)`` describes the mistake that produces this law (``None`` for the right law).
    """

    a: float
    b: float
    to_u: Callable
    increasing: bool
    message: Callable | None = None

    def usable(self) -> bool:
        return math.isfinite(self.a) and math.isfinite(self.b) and self.a != self.b

    def cdf(self, x: np.ndarray) -> np.ndarray:
        lo, hi = min(self.a, self.b), max(self.a, self.b)
        u = self.to_u(x)
        with np.errstate(invalid="ignore"):
            share = np.clip((u - lo) / (hi - lo), 0.0, 1.0)
        share = np.nan_to_num(share, nan=0.0)
        return share if self.increasing else 1.0 - share

    def distance(self, x: np.ndarray) -> float:
        """Kolmogorov-Smirnov distance between the empirical CDF of ``x`` and this law."""
        xs = np.sort(x)
        n = xs.size
        F = self.cdf(xs)
        return float(max(np.max(np.arange(1, n + 1) / n - F), np.max(F - np.arange(n) / n)))


def _samples(case: Case, output, what: str) -> np.ndarray:
    """The output as a float array of shape (n,); the framework's messages for None, lists, shapes and NaN."""
    n = case.args["n"]
    if n > 1 and isinstance(output, (int, float)) or (isinstance(output, np.ndarray) and output.size == 1 < n):
        raise CheckFailed(
            f"{what} returned a single number, expected an array of n = {n} samples {describe(case)}: draw all of "
            "them at once, e.g. rng.uniform(a, b, size=n)"
        )
    ok = (
        isinstance(output, np.ndarray)
        and output.shape == (n,)
        and np.issubdtype(output.dtype, np.number)
        and not np.isnan(output.astype(np.float64)).any()
    )
    if not ok:
        expect_array(case, output, np.zeros(n), what)  # raises the framework's message
        raise CheckFailed(f"{what} should be a numpy array of {n} numbers {describe(case)}")
    return output.astype(np.float64)


def _bins(lo_u: float, hi_u: float) -> np.ndarray:
    """Edges on the log axis: whole decades when the range spans at least two, else four equal bins."""
    if hi_u - lo_u >= 2 - 1e-9:
        inner = np.arange(math.floor(round(lo_u, 9)) + 1, math.ceil(round(hi_u, 9)))
        return np.concatenate([[lo_u], inner, [hi_u]])
    return np.linspace(lo_u, hi_u, 5)


def _share_table(u: np.ndarray, edges: np.ndarray, fmt: Callable) -> str:
    """'[a, b): 40% (expected 25%)' for each bin of the log axis ``u``."""
    counts = np.histogram(np.clip(u, edges[0], edges[-1]), bins=edges)[0]
    expected = np.diff(edges) / (edges[-1] - edges[0])
    parts = [
        f"[{fmt(edges[i])}, {fmt(edges[i + 1])}): {counts[i] / max(u.size, 1):.0%} (expected {expected[i]:.0%})"
        for i in range(len(edges) - 1)
    ]
    return "; ".join(parts)


def _judge_samples(case: Case, x: np.ndarray, what: str, laws: list, in_range: np.ndarray,
                   range_text: str, spread_text: Callable) -> None:
    """Shared judge: distribution on large cases (naming a known mistake), bounds on every case."""
    n = x.size
    if n >= STATISTICAL_N and laws[0].usable():
        threshold = KS_FACTOR / math.sqrt(n)
        distances = [law.distance(x) if law.usable() else np.inf for law in laws]
        if distances[0] * math.sqrt(n) < GRID_FACTOR and in_range.all():
            raise CheckFailed(
                f"{what} is wrong {describe(case)}: your {n} samples are spread far too evenly to be random (a grid "
                "such as np.logspace or np.linspace, maybe shuffled). Random search draws every value at random "
                "from the rng you are given: r = rng.uniform(a, b, size=n)"
            )
        if distances[0] <= threshold and in_range.all():
            return
        distinct = np.unique(x)
        if distinct.size <= max(20, n // 100):
            shown = ", ".join(f"{value:.4g}" for value in distinct[:6]) + (", ..." if distinct.size > 6 else "")
            raise CheckFailed(
                f"{what} is wrong {describe(case)}: your {n} samples take only {distinct.size} distinct value{'s' if distinct.size > 1 else ''} "
                f"({shown}). The exponent r must be drawn from a continuous uniform distribution, "
                "rng.uniform(a, b, size=n), not from the integers (rng.integers) or a short list of values."
            )
        wrong = [i for i in range(1, len(laws)) if distances[i] <= threshold]
        if wrong:
            best = min(wrong, key=lambda i: distances[i])
            raise CheckFailed(f"{what} is wrong {describe(case)}: {laws[best].message(x)}")
        if not in_range.all():
            raise CheckFailed(f"{what} is wrong {describe(case)}: {range_text}")
        raise CheckFailed(f"{what} is wrong {describe(case)}: {spread_text()}")
    if not in_range.all():
        raise CheckFailed(f"{what} is wrong {describe(case)}: {range_text}")


def _range_text(x: np.ndarray, low: float, high: float, name: str) -> str:
    return (
        f"every {name} must lie in [low, high] = [{low:g}, {high:g}], yours range from {x.min():.4g} to "
        f"{x.max():.4g}. Are low and high hard-coded, or the bounds of the exponent r computed with the wrong log?"
    )


# --------------------------------------------------------------------------------------- learning rates


def _lr_laws(low: float, high: float) -> list:
    L_low, L_high = math.log10(low), math.log10(high)
    ln_low, ln_high = math.log(low), math.log(high)

    def uniform(x):
        fix = "Draw the exponent r uniformly in [log10(low), log10(high)] and return 10**r"
        if high / low >= 100:
            share = np.mean(x >= high / 10)
            return (
                f"log-scale sampling done uniformly: {share:.0%} of your samples land in [{high / 10:g}, {high:g}], "
                f"the top decade alone. {fix}"
            )
        middle = math.sqrt(low * high)
        return (
            f"log-scale sampling done uniformly: {np.mean(x >= middle):.0%} of your samples are above "
            f"{middle:.4g} = sqrt(low * high), the middle of the range on a log scale (expected 50%). {fix}"
        )

    laws = [
        _Law(L_low, L_high, _log10, True),
        _Law(low, high, _identity, True, uniform),
        _Law(ln_low, ln_high, _log10, True, lambda x: (
            f"natural log / log10 mix-up: your exponent r was drawn between ln(low) = {ln_low:.3g} and "
            f"ln(high) = {ln_high:.3g} (np.log) but you returned 10**r, so the samples spread over "
            f"[{10 ** ln_low:.3g}, {10 ** ln_high:.3g}]. Use np.log10 for the bounds of r")),
        _Law(L_low, L_high, _ln, True, lambda x: (
            f"natural log / log10 mix-up: your exponent r was drawn between log10(low) and log10(high) but you "
            f"returned np.exp(r), so the samples spread over [{math.exp(L_low):.3g}, {math.exp(L_high):.3g}]. "
            "With base-10 exponents return 10**r")),
        _Law(low, high, _log10, True, lambda x: (
            f"you drew the exponent r between low and high themselves, so 10**r lies in "
            f"[{10 ** low:.4g}, {10 ** high:.4g}]: r must be uniform in [log10(low), log10(high)] = "
            f"[{L_low:.3g}, {L_high:.3g}]")),
        _Law(L_low, L_high, _identity, True, lambda x: (
            f"you returned the exponent r (between {L_low:.3g} and {L_high:.3g}): the learning rate is 10**r")),
    ]
    if not (math.isclose(low, 1e-4) and math.isclose(high, 1.0)):
        laws.append(_Law(-4.0, 0.0, _log10, True, lambda x: (
            "the exponent range looks hard-coded to [-4, 0] (that is, [1e-4, 1]): compute it from the arguments, "
            "r uniform in [log10(low), log10(high)]")))
    return laws


def _lr_cases():
    return [
        *seed_cases("n=50000 in [1e-4, 1]", {"n": 50000, "low": 1e-4, "high": 1.0}, (1, 21)),
        Case("n=50000 in [3e-6, 3e-2]", {"n": 50000, "low": 3e-6, "high": 3e-2, "rng": Seed(2)}),
        Case("n=1 in [1e-3, 1e-1]", {"n": 1, "low": 1e-3, "high": 1e-1, "rng": Seed(3)}),
    ]


def _lr_hidden_cases():
    return [
        Case("n=50000 in [0.01, 10]", {"n": 50000, "low": 0.01, "high": 10.0, "rng": Seed(4)}),
        Case("n=50000 in [0.5, 2] (less than a decade)", {"n": 50000, "low": 0.5, "high": 2.0, "rng": Seed(5)}),
        Case("n=3 in [1e-5, 1e-1]", {"n": 3, "low": 1e-5, "high": 1e-1, "rng": Seed(6)}),
        Case("low == high = 0.01, n=7", {"n": 7, "low": 0.01, "high": 0.01, "rng": Seed(7)}),
    ]


def _judge_lr(case: Case, output) -> None:
    what = "sample_learning_rates(...)"
    x = _samples(case, output, what)
    low, high = case.args["low"], case.args["high"]
    _judge_log_uniform(case, x, what, low, high, _lr_laws(low, high))
    judge_seed_cases(case, [x], "samples", _DRAW)


def _judge_log_uniform(case: Case, x: np.ndarray, what: str, low: float, high: float, laws: list) -> None:
    """Judge samples ``x`` that should be log-uniform in [low, high]; ``laws`` starts with the right law."""
    if x.size == 0:
        return
    if low == high:
        expect_array(case, x, np.full(x.shape, low), what, rtol=1e-9, atol=0)
        return
    in_range = (x >= low * (1 - 1e-9)) & (x <= high * (1 + 1e-9))
    L_low, L_high = math.log10(low), math.log10(high)

    def spread():
        table = _share_table(_log10(x), _bins(L_low, L_high), lambda e: f"{10 ** e:.3g}")
        return (
            "your samples are not spread evenly on a log scale: each decade should get a share proportional to "
            f"its width on the log axis. Shares: {table}. Draw r uniformly in [log10(low), log10(high)], "
            "return 10**r"
        )

    _judge_samples(case, x, what, laws, in_range, _range_text(x, low, high, "learning rate"), spread)


# ------------------------------------------------------------------------------------------------ betas


def _log10_1m(x):
    """log10(1 - x), -inf where 1 - x <= 0."""
    return _log10(1.0 - np.asarray(x, dtype=np.float64))


def _ln_1m(x):
    return _log10_1m(x) * math.log(10.0)


def _beta_laws(low: float, high: float) -> list:
    r_lo = math.log10(1 - high)
    r_hi = math.log10(1 - low) if low < 1 else -math.inf
    split = 1 - 10 ** ((r_lo + r_hi) / 2)
    right = (f"r uniform in [log10(1 - high), log10(1 - low)] = [{r_lo:.3g}, {r_hi:.3g}] "
             "and beta = 1 - 10**r")

    def uniform(x):
        below = np.mean(x < split)
        return (
            f"beta sampled uniformly in [{low:g}, {high:g}]: {below:.0%} of your samples are below {split:.4g} and "
            f"only {1 - below:.0%} in [{split:.4g}, {high:g}], where beta matters most (an average over "
            f"1/(1 - beta) values changes fastest near 1). Sample 1 - beta on a log scale: {right}"
        )

    def wrong_interval(a, b):
        return lambda x: (
            f"1 - 10**r with r in the wrong interval: your r was drawn in [{min(a, b):.3g}, {max(a, b):.3g}], "
            f"so your samples spread over [{x.min():.4g}, {x.max():.4g}]. For beta in [{low:g}, {high:g}] use {right}"
        )

    laws = [
        _Law(r_lo, r_hi, _log10_1m, False),
        _Law(low, high, _identity, True, uniform),
        _Law(math.log10(low) if low > 0 else -math.inf, math.log10(high), _log10, True, lambda x: (
            f"you sampled beta itself on a log scale (10**r with r in [log10(low), log10(high)]): so close to 1 "
            f"that is almost uniform. The log scale is for 1 - beta: {right}")),
        _Law(math.log10(low) if low > 0 else -math.inf, math.log10(high), _log10_1m, False,
             wrong_interval(math.log10(low) if low > 0 else -math.inf, math.log10(high))),
        _Law(1 - high, 1 - low, _log10_1m, False, wrong_interval(1 - high, 1 - low)),
        _Law(low, high, _log10_1m, False, wrong_interval(low, high)),
        _Law(r_lo, r_hi, _log10, True, lambda x: (
            f"you returned 1 - beta = 10**r (your values lie in [{x.min():.3g}, {x.max():.3g}]): return "
            "beta = 1 - 10**r")),
        _Law(math.log(1 - high), math.log(1 - low) if low < 1 else -math.inf, _log10_1m, False, lambda x: (
            "natural log / log10 mix-up: your r was drawn between ln(1 - high) and ln(1 - low) (np.log) but "
            f"you returned 1 - 10**r, so your samples spread over [{x.min():.4g}, {x.max():.4g}]. "
            "Use np.log10 for the bounds of r")),
        _Law(r_lo, r_hi, _ln_1m, False, lambda x: (
            "natural log / log10 mix-up: your r was drawn between log10(1 - high) and log10(1 - low) but you "
            f"returned 1 - np.exp(r), so your samples spread over [{x.min():.4g}, {x.max():.4g}]. "
            "With base-10 exponents return 1 - 10**r")),
    ]
    if not (math.isclose(low, 0.9) and math.isclose(high, 0.999)):
        laws.append(_Law(-3.0, -1.0, _log10_1m, False, lambda x: (
            "the exponent range looks hard-coded to [-3, -1] (that is, beta in [0.9, 0.999]): compute it from "
            f"the arguments, {right}")))
    return laws


def _beta_cases():
    return [
        *seed_cases("n=200000 in [0.9, 0.999]", {"n": 200000, "low": 0.9, "high": 0.999}, (11, 31)),
        Case("n=200000 in [0.5, 0.99]", {"n": 200000, "low": 0.5, "high": 0.99, "rng": Seed(12)}),
        Case("n=1 in [0.9, 0.99]", {"n": 1, "low": 0.9, "high": 0.99, "rng": Seed(13)}),
    ]


def _beta_hidden_cases():
    return [
        Case("n=200000 in [0.99, 0.9999]", {"n": 200000, "low": 0.99, "high": 0.9999, "rng": Seed(14)}),
        Case("n=100000 in [0, 0.9] (low = 0)", {"n": 100000, "low": 0.0, "high": 0.9, "rng": Seed(15)}),
        Case("n=4 in [0.8, 0.999]", {"n": 4, "low": 0.8, "high": 0.999, "rng": Seed(16)}),
        Case("low == high = 0.95, n=5", {"n": 5, "low": 0.95, "high": 0.95, "rng": Seed(17)}),
    ]


def _judge_beta(case: Case, output) -> None:
    what = "sample_betas(...)"
    low, high = case.args["low"], case.args["high"]
    x = _samples(case, output, what)
    if x.size == 0:
        return
    if low == high:
        expect_array(case, x, np.full(x.shape, low), what, rtol=1e-9, atol=1e-12)
        return
    in_range = (x >= low - 1e-9) & (x <= high + 1e-9)
    r_lo, r_hi = math.log10(1 - high), math.log10(1 - low)

    def spread():
        table = _share_table(_log10_1m(x), _bins(r_lo, r_hi), lambda e: f"{10 ** e:.3g}")
        return (
            "1 - beta is not spread evenly on a log scale: each decade of 1 - beta should get a share "
            f"proportional to its width on the log axis. Shares of 1 - beta: {table}. Draw r uniformly in "
            "[log10(1 - high), log10(1 - low)], return 1 - 10**r"
        )

    _judge_samples(case, x, what, _beta_laws(low, high), in_range, _range_text(x, low, high, "beta"), spread)
    judge_seed_cases(case, [x], "samples", _DRAW)


# ------------------------------------------------------------------------------------- coarse-to-fine search


def _toy_bump(learning_rate: float) -> float:
    """A made-up dev score of a learning rate: a bump around 10**-2.3 (cheap stand-in for a training run)."""
    return float(np.exp(-((np.log10(learning_rate) + 2.3) ** 2) / (2 * 0.3**2)))


def _toy_two_bumps(learning_rate: float) -> float:
    """A made-up dev score with two good regions, around 10**-3.5 and 10**-1 (the second one higher)."""
    r = np.log10(learning_rate)
    return float(0.8 * np.exp(-((r + 3.5) ** 2) / 0.5) + np.exp(-((r + 1.0) ** 2) / 0.5))


def _search_args(trial, low, high, n_coarse, n_fine, keep) -> dict:
    return {"trial": trial, "low": low, "high": high, "n_coarse": n_coarse, "n_fine": n_fine, "keep": keep}


def _search_case(label: str, trial, low, high, n_coarse, n_fine, keep, seed) -> Case:
    return Case(label, {**_search_args(trial, low, high, n_coarse, n_fine, keep), "rng": Seed(seed)})


def _search_cases():
    return [
        *seed_cases("a bump at 10**-2.3, 2000 + 2000 trials in [1e-3, 1], keep 0.25",
                    _search_args(_toy_bump, 1e-3, 1.0, 2000, 2000, 0.25), (41, 42)),
        _search_case("a small search, 8 + 4 trials in [1e-3, 1], keep 0.25", _toy_bump, 1e-3, 1.0, 8, 4, 0.25, 43),
    ]


def _search_hidden_cases():
    return [
        _search_case("two bumps, 1000 + 2000 trials in [1e-5, 10], keep 0.1", _toy_two_bumps, 1e-5, 10.0,
                     1000, 2000, 0.1, 44),
        _search_case("keep 0.5, 2000 + 1000 trials in [1e-6, 1e-1]", _toy_two_bumps, 1e-6, 0.1, 2000, 1000, 0.5, 45),
        _search_case("no fine round (n_fine = 0), 5 coarse trials", _toy_bump, 1e-4, 1.0, 5, 0, 0.4, 46),
    ]


def _vector(case: Case, value, n: int, what: str) -> np.ndarray:
    """``value`` as a float array of shape (n,), or a CheckFailed naming ``what``."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or array.size != n or (array.ndim > 1 and max(array.shape) != n):
        got = type(value).__name__ if array is None else f"shape {array.shape}"
        raise CheckFailed(
            f"{what} should hold n_coarse + n_fine = {n} numbers, the coarse trials first, got {got} {describe(case)}"
        )
    return array.reshape(-1)


def _judge_search(case: Case, output) -> None:
    what = "coarse_to_fine_search(...)"
    args = case.args
    low, high, n_coarse, n_fine = args["low"], args["high"], args["n_coarse"], args["n_fine"]
    learning_rates, scores = unpack(case, output, 2, "coarse_to_fine_search")
    learning_rates = _vector(case, learning_rates, n_coarse + n_fine, "learning_rates")
    scores = _vector(case, scores, n_coarse + n_fine, "scores")
    if (learning_rates <= 0).any() or not np.isfinite(learning_rates).all():
        raise CheckFailed(f"learning_rates must be positive numbers {describe(case)}: return 10**r, not the exponent r")
    truth = np.array([args["trial"](rate) for rate in learning_rates])
    off = ~np.isclose(scores, truth, rtol=1e-9, atol=1e-12)
    if off.any():
        i = int(np.argmax(off))
        raise CheckFailed(
            f"scores[{i}] = {scores[i]:.6g}, but trial(learning_rates[{i}]) = {truth[i]:.6g} {describe(case)}: "
            "return each learning rate with its own score, in the same order (do not sort one array without the "
            "other), the coarse trials first"
        )
    coarse, fine = learning_rates[:n_coarse], learning_rates[n_coarse:]
    coarse_case = Case(f"{case.label}; the coarse round", args)
    _judge_log_uniform(coarse_case, coarse, "the coarse round", low, high, _lr_laws(low, high))
    if n_fine == 0:
        return
    k = max(1, round(args["keep"] * n_coarse))
    order = np.argsort(scores[:n_coarse], kind="stable")
    best, worst = coarse[order[-k:]], coarse[order[:k]]
    box = (float(best.min()), float(best.max()))
    fine_case = Case(f"{case.label}; the fine round", args)
    zoom = (f"The fine round must sample log-uniformly in the box spanned by the best k = round(keep * n_coarse) "
            f"= {k} coarse trials (highest scores), [{box[0]:.4g}, {box[1]:.4g}]")
    if np.unique(fine).size == 1 and box[0] < box[1]:
        raise CheckFailed(
            f"the fine round is wrong {describe(fine_case)}: all its {n_fine} learning rates equal {fine[0]:.4g}. "
            f"{zoom}: keep the best {k} trials, not only the best one"
        )
    L_lo, L_hi = math.log10(box[0]), math.log10(box[1])
    laws = [
        _Law(L_lo, L_hi, _log10, True),
        _Law(math.log10(low), math.log10(high), _log10, True, lambda x: (
            f"the fine round samples the whole coarse range [{low:g}, {high:g}] again: zoom in. {zoom}")),
        _Law(box[0], box[1], _identity, True, lambda x: (
            f"the fine round is uniform in [{box[0]:.4g}, {box[1]:.4g}], not log-uniform: sample its exponent r "
            "uniformly in [log10(lo), log10(hi)] too")),
        _Law(math.log10(worst.min()), math.log10(worst.max()), _log10, True, lambda x: (
            f"the fine round zooms into the {k} WORST coarse trials: np.argsort sorts in increasing order, so the "
            f"highest scores are at the end. {zoom}")),
    ]
    in_range = (fine >= box[0] * (1 - 1e-9)) & (fine <= box[1] * (1 + 1e-9))
    range_text = (f"{zoom}; yours range from {fine.min():.4g} to {fine.max():.4g}. Check which trials you keep and "
                  "how many")

    def spread():
        return f"{zoom}, and yours are not spread evenly on the log scale inside it"

    _judge_samples(fine_case, fine, "the fine round", laws, in_range, range_text, spread)
    judge_seed_cases(case, [learning_rates, scores], "learning rates", _DRAW)


EXERCISES = exercise_table(
    Exercise(
        name="sample_learning_rates",
        visible_cases=_lr_cases,
        hidden_cases=_lr_hidden_cases,
        judge=_judge_lr,
        forbidden=(reference_hyperparameters,),
    ),
    Exercise(
        name="sample_betas",
        visible_cases=_beta_cases,
        hidden_cases=_beta_hidden_cases,
        judge=_judge_beta,
        forbidden=(reference_hyperparameters,),
    ),
    Exercise(
        name="coarse_to_fine_search",
        visible_cases=_search_cases,
        hidden_cases=_search_hidden_cases,
        judge=_judge_search,
        forbidden=(reference_hyperparameters, reference_tuning),
    ),
)
