"""Train/dev/test splits and the bias/variance diagnosis ("basic recipe").

* :func:`train_dev_test_split` shuffles the examples (columns) and cuts them into
  three sets.
* :func:`suggest_ratios` gives the rule of thumb for the split ratios.
* :func:`diagnose_bias_variance` turns training/dev errors into a verdict and the
  next thing to try.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


from course_utils._validation import (
    as_float_array,
    check_in_range,
    check_number,
    check_positive_int,
    check_rng,
)

__all__ = ["train_dev_test_split", "suggest_ratios", "diagnose_bias_variance", "Diagnosis"]

_RATIO_TOLERANCE = 1e-9


def _check_ratios(ratios) -> tuple[float, float, float]:
    if isinstance(ratios, (str, bytes, dict)) or not hasattr(ratios, "__len__"):
        raise TypeError(f"ratios must be a sequence of 3 numbers (train, dev, test), got {type(ratios).__name__}")
    if len(ratios) != 3:
        raise ValueError(f"ratios must have 3 entries (train, dev, test), got {len(ratios)}: {tuple(ratios)!r}")
    values = []
    for name, value in zip(("train", "dev", "test"), ratios):
        value = check_number(value, f"ratios ({name})")
        if value < 0 or math.isinf(value):
            raise ValueError(f"ratios must be non-negative, got {name} ratio {value!r} in {tuple(ratios)!r}")
        values.append(value)
    total = sum(values)
    if abs(total - 1.0) > _RATIO_TOLERANCE:
        raise ValueError(f"ratios must sum to 1 (tolerance {_RATIO_TOLERANCE:g}), got sum {total!r} for {tuple(ratios)!r}")
    return values[0] / total, values[1] / total, values[2] / total


def _round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def train_dev_test_split(X, Y, ratios=(0.6, 0.2, 0.2), *, rng):
    """Shuffle the examples and split them into training, dev and test sets.

    Parameters
    ----------
    X : array of shape (n_x, m)
        Inputs, one column per example.
    Y : array of shape (n_y, m)
        Labels (``(1, m)`` or one-hot ``(C, m)``), same number of columns as ``X``.
    ratios : sequence of 3 numbers, default (0.6, 0.2, 0.2)
        Fractions for (train, dev, test). Each must be >= 0 and they must sum to 1
        (tolerance 1e-9). A ratio of 0 is allowed, e.g. ``(0.9, 0.1, 0.0)`` for
        "no test set, only a dev set": that set is then an empty ``(n, 0)`` array.
    rng : numpy.random.Generator
        Source of the shuffle. One permutation is applied to the columns of both
        ``X`` and ``Y``, so every ``(x, y)`` pair stays together.

    Returns
    -------
    tuple
        ``(X_train, Y_train, X_dev, Y_dev, X_test, Y_test)``, new float64 arrays
        with ``n_x`` (resp. ``n_y``) rows.

    Notes
    -----
    Rounding: the two cut points are the cumulative fractions rounded half up,
    ``cut1 = round(r_train * m)`` and ``cut2 = round((r_train + r_dev) * m)``, and
    the sets are columns ``[0, cut1)``, ``[cut1, cut2)``, ``[cut2, m)`` of the
    shuffled data. Hence the sizes always sum to ``m``, each size is within one
    example of ``ratio * m``, and a ratio of exactly 0 always gives an empty set.
    With very small ``m`` a non-zero ratio can still give an empty set.
    """
    X = as_float_array(X, "X", ndim=2)
    Y = as_float_array(Y, "Y", ndim=2)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y must have the same number of examples (columns), got X {X.shape} and Y {Y.shape}"
        )
    r_train, r_dev, r_test = _check_ratios(ratios)
    rng = check_rng(rng)

    m = X.shape[1]
    # Zero ratios are handled explicitly so that they give empty sets whatever the rounding.
    cut1 = 0 if r_train == 0 else min(m, _round_half_up(r_train * m))
    if r_dev == 0 and r_test == 0:
        cut1 = m
    cut2 = m if r_test == 0 else min(m, max(cut1, _round_half_up((r_train + r_dev) * m)))
    if r_dev == 0:
        cut2 = cut1

    permutation = rng.permutation(m)
    X_shuffled = X[:, permutation]
    Y_shuffled = Y[:, permutation]
    return (
        X_shuffled[:, :cut1],
        Y_shuffled[:, :cut1],
        X_shuffled[:, cut1:cut2],
        Y_shuffled[:, cut1:cut2],
        X_shuffled[:, cut2:],
        Y_shuffled[:, cut2:],
    )


def suggest_ratios(m, *, target_size: int = 10_000) -> tuple[float, float, float]:
    """Rule of thumb for the (train, dev, test) ratios given ``m`` examples.

    The rule: dev and test each get ``min(0.2, target_size / m)`` of the data and
    training gets the rest, i.e.

    * small data (``m <= 5 * target_size = 50,000``): the classic ``(0.6, 0.2, 0.2)``;
    * big data: dev and test stay at about ``target_size`` (10,000) examples each,
      which is enough to compare models, and everything else is used for training,
      e.g. ``m = 1,000,000 -> (0.98, 0.01, 0.01)`` and ``m = 10,000,000 -> (0.998, 0.001, 0.001)``.
      The notes' ``(0.99, 0.005, 0.005)`` for a million examples is the same rule with
      ``target_size=5_000``: the target is a number of examples you choose, the ratios follow from it.

    The two regimes meet continuously at ``m = 50,000`` (where 20 % is exactly
    10,000 examples).

    Parameters
    ----------
    m : int >= 1
        Number of labelled examples.
    target_size : int >= 1, default 10_000
        Dev/test size to aim for once the data set is big.

    Returns
    -------
    tuple of 3 floats summing to 1
    """
    m = check_positive_int(m, "m")
    target_size = check_positive_int(target_size, "target_size")
    holdout = min(0.2, target_size / m)
    return (1.0 - 2.0 * holdout, holdout, holdout)


@dataclass(frozen=True)
class Diagnosis:
    """Result of :func:`diagnose_bias_variance`.

    Attributes
    ----------
    avoidable_bias : float
        ``train_error - bayes_error``.
    variance : float
        ``dev_error - train_error`` (can be negative if the dev set is easier).
    high_bias, high_variance : bool
        Whether the corresponding gap exceeds the threshold.
    verdict : str
        One of ``"high bias"``, ``"high variance"``, ``"high bias and high variance"``,
        ``"good fit"``.
    advice : str
        What to try next, following the basic recipe.
    """

    avoidable_bias: float
    variance: float
    high_bias: bool
    high_variance: bool
    verdict: str
    advice: str


_BIAS_ADVICE = (
    "Reduce bias first: try a bigger network (more hidden units or layers), train longer "
    "(or with a better optimization algorithm), or try another neural network architecture. "
    "Check the training error again after each change."
)
_VARIANCE_ADVICE = (
    "Reduce variance: get more training data (or augment it), add regularization "
    "(L2, dropout), or try another neural network architecture. Check the dev error again."
)

_FLOAT_SLACK = 1e-12


def diagnose_bias_variance(train_error, dev_error, bayes_error=0.0, threshold=0.02) -> Diagnosis:
    """Diagnose high bias / high variance from training and dev errors.

    Parameters
    ----------
    train_error, dev_error : float in [0, 1]
        Error rates as fractions (0.15 means 15 %).
    bayes_error : float in [0, 1], default 0.0
        Estimate of the best achievable error (e.g. human-level error). A training
        error below it is possible only by memorizing label noise: the avoidable
        bias is then 0 (and the dev error usually shows high variance).
    threshold : float in [0, 1], default 0.02
        A gap counts as "high" when it is strictly greater than ``threshold``
        (differences within 1e-12 of the threshold count as equal to it, so
        floating-point noise in e.g. ``0.03 - 0.01`` does not flip the verdict).

    Returns
    -------
    Diagnosis
        ``avoidable_bias = max(train_error - bayes_error, 0)``,
        ``variance = dev_error - train_error``, the two flags, a ``verdict`` and
        ``advice`` from the basic recipe: fix high bias first (bigger network,
        train longer, other architecture), then high variance (more data,
        regularization, other architecture).

    Examples
    --------
    >>> diagnose_bias_variance(0.01, 0.11).verdict
    'high variance'
    >>> diagnose_bias_variance(0.15, 0.16, bayes_error=0.15).verdict
    'good fit'
    """
    train_error = check_in_range(train_error, "train_error", 0.0, 1.0, False, False)
    dev_error = check_in_range(dev_error, "dev_error", 0.0, 1.0, False, False)
    bayes_error = check_in_range(bayes_error, "bayes_error", 0.0, 1.0, False, False)
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0, False, False)
    avoidable_bias = max(train_error - bayes_error, 0.0)
    variance = dev_error - train_error
    high_bias = bool(avoidable_bias > threshold + _FLOAT_SLACK)
    high_variance = bool(variance > threshold + _FLOAT_SLACK)

    if high_bias and high_variance:
        verdict = "high bias and high variance"
        advice = _BIAS_ADVICE + " Then, once the bias is acceptable: " + _VARIANCE_ADVICE
    elif high_bias:
        verdict = "high bias"
        advice = _BIAS_ADVICE
    elif high_variance:
        verdict = "high variance"
        advice = _VARIANCE_ADVICE
    else:
        verdict = "good fit"
        advice = (
            "Avoidable bias and variance are both within the threshold: keep this model, "
            "or lower the threshold if you need better performance."
        )
    return Diagnosis(
        avoidable_bias=avoidable_bias,
        variance=variance,
        high_bias=high_bias,
        high_variance=high_variance,
        verdict=verdict,
        advice=advice,
    )
