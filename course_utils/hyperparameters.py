"""Hyperparameter search: sampling on the right scale, grid vs random points, coarse to fine.

* :func:`sample_log_uniform` samples e.g. the learning rate uniformly on a log
  scale: ``alpha = 10**r`` with ``r`` uniform in ``[log10 low, log10 high]``, so
  each decade (0.0001-0.001, 0.001-0.01, ...) gets the same share of samples.
* :func:`sample_beta` samples averaging weights ``beta`` in e.g. [0.9, 0.999] by
  sampling ``1 - beta`` on a log scale, because ``beta``'s effect
  (``1 / (1 - beta)`` values averaged) is very sensitive near 1.
* :func:`grid_points` and :func:`random_points` build the candidate points;
  :func:`coarse_to_fine` zooms into the region of the best ones.

``log_uniform_sampler``, ``beta_sampler``, ``uniform_sampler`` and
``integer_sampler`` build the ``callable(size, rng)`` samplers that
:func:`random_points` expects; each carries a ``.scale`` attribute
(``"log"``, ``"log1m"`` or ``"linear"``) that :func:`coarse_to_fine` understands.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np

from course_utils._validation import (
    as_float_array,
    check_in_range,
    check_number,
    check_positive,
    check_rng,
)

__all__ = [
    "sample_log_uniform",
    "sample_beta",
    "sample_uniform",
    "grid_points",
    "random_points",
    "coarse_to_fine",
    "log_uniform_sampler",
    "beta_sampler",
    "uniform_sampler",
    "integer_sampler",
    "SCALES",
]

SCALES = ("linear", "log", "log1m")


def _check_size(size):
    """``None`` (a scalar), an int >= 0 or a tuple of ints >= 0, like NumPy's ``size``."""
    if size is None:
        return None
    entries = size if isinstance(size, tuple) else (size,)
    for entry in entries:
        if isinstance(entry, bool) or not isinstance(entry, numbers.Integral):
            raise TypeError(f"size must be None, an int >= 0 or a tuple of ints, got {type(size).__name__} {size!r}")
        if entry < 0:
            raise ValueError(f"size must be >= 0, got {size!r}")
    return tuple(int(e) for e in entries) if isinstance(size, tuple) else int(size)


def _finish(values: np.ndarray, low: float, high: float, size):
    values = np.clip(values, low, high)  # guards against 10**log10(x) != x rounding
    return float(values) if size is None else values


def sample_log_uniform(low, high, size=None, *, rng):
    """Sample uniformly on a log scale between ``low`` and ``high``.

    ``r`` is drawn uniformly in ``[log10(low), log10(high)]`` and ``10**r`` is
    returned, so e.g. with ``low=1e-4, high=1`` each of the four decades gets a
    quarter of the samples (a linear draw would put 90 % of them in [0.1, 1]).

    Parameters
    ----------
    low, high : float, ``0 < low <= high``
    size : None, int or tuple, default None
        ``None`` returns one float; otherwise an array of that shape.
    rng : numpy.random.Generator

    Returns
    -------
    float or ndarray
        Values in ``[low, high]``.
    """
    low = check_positive(low, "low")
    high = check_positive(high, "high")
    if high < low:
        raise ValueError(f"high must be >= low, got low={low!r}, high={high!r}")
    size = _check_size(size)
    rng = check_rng(rng)
    r = rng.uniform(math.log10(low), math.log10(high), size=size)
    return _finish(10.0**r, low, high, size)


def sample_beta(low=0.9, high=0.999, size=None, *, rng):
    """Sample an averaging weight ``beta`` (momentum, RMSProp, Adam) between ``low`` and ``high``.

    ``1 - beta`` is sampled on a log scale: ``r`` uniform in
    ``[log10(1 - high), log10(1 - low)]`` and ``beta = 1 - 10**r``. With the
    defaults ``[0.9, 0.999]`` half of the samples fall in ``[0.9, 0.99]`` and half
    in ``[0.99, 0.999]``, matching how much ``beta`` matters near 1.

    Parameters
    ----------
    low, high : float, ``0 <= low <= high < 1``
    size : None, int or tuple, default None
        ``None`` returns one float; otherwise an array of that shape.
    rng : numpy.random.Generator

    Returns
    -------
    float or ndarray
        Values in ``[low, high]``.
    """
    low = check_in_range(low, "low", 0.0, 1.0, False, True)
    high = check_in_range(high, "high", 0.0, 1.0, False, True)
    if high < low:
        raise ValueError(f"high must be >= low, got low={low!r}, high={high!r}")
    size = _check_size(size)
    rng = check_rng(rng)
    r = rng.uniform(math.log10(1.0 - high), math.log10(1.0 - low), size=size)
    return _finish(1.0 - 10.0**r, low, high, size)


def sample_uniform(low, high, size=None, *, rng):
    """Sample uniformly on a linear scale in ``[low, high]`` (e.g. a dropout ``keep_prob``)."""
    low = check_number(low, "low")
    high = check_number(high, "high")
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"low and high must be finite, got low={low!r}, high={high!r}")
    if high < low:
        raise ValueError(f"high must be >= low, got low={low!r}, high={high!r}")
    size = _check_size(size)
    rng = check_rng(rng)
    return _finish(rng.uniform(low, high, size=size), low, high, size)


# ---------------------------------------------------------------------------
# samplers for random_points


class _Sampler:
    """A ``callable(size, rng)`` with a ``scale`` attribute, built by the ``*_sampler`` functions."""

    def __init__(self, draw, scale: str, description: str):
        self._draw = draw
        self.scale = scale
        self._description = description

    def __call__(self, size, rng):
        return self._draw(size, rng)

    def __repr__(self) -> str:
        return self._description


def log_uniform_sampler(low, high):
    """Sampler for :func:`random_points` drawing with :func:`sample_log_uniform` (``scale = "log"``)."""
    sample_log_uniform(low, high, 0, rng=np.random.default_rng(0))  # validate now
    return _Sampler(
        lambda size, rng: sample_log_uniform(low, high, size, rng=rng), "log", f"log_uniform_sampler({low!r}, {high!r})"
    )


def beta_sampler(low=0.9, high=0.999):
    """Sampler for :func:`random_points` drawing with :func:`sample_beta` (``scale = "log1m"``)."""
    sample_beta(low, high, 0, rng=np.random.default_rng(0))  # validate now
    return _Sampler(
        lambda size, rng: sample_beta(low, high, size, rng=rng), "log1m", f"beta_sampler({low!r}, {high!r})"
    )


def uniform_sampler(low, high):
    """Sampler for :func:`random_points` drawing uniformly on a linear scale (``scale = "linear"``)."""
    sample_uniform(low, high, 0, rng=np.random.default_rng(0))  # validate now
    return _Sampler(
        lambda size, rng: sample_uniform(low, high, size, rng=rng), "linear", f"uniform_sampler({low!r}, {high!r})"
    )


def integer_sampler(low, high):
    """Sampler for :func:`random_points` drawing integers uniformly in ``[low, high]`` (both included).

    For e.g. the number of hidden units (50..100) or of layers (2..4); ``scale = "linear"``.
    """
    for name, value in (("low", low), ("high", high)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if high < low:
        raise ValueError(f"high must be >= low, got low={low!r}, high={high!r}")

    def draw(size, rng):
        size = _check_size(size)
        return check_rng(rng).integers(low, high, size=size, endpoint=True)

    return _Sampler(draw, "linear", f"integer_sampler({low!r}, {high!r})")


# ---------------------------------------------------------------------------
# candidate points


def grid_points(values_a, values_b) -> list:
    """All pairs ``(a, b)`` of a grid, ``a`` varying slowest.

    A grid of ``k x k`` points only tries ``k`` distinct values of each
    hyperparameter; :func:`random_points` tries ``k**2`` distinct values of each
    with the same budget, which matters when one hyperparameter is much more
    important than the other.

    Parameters
    ----------
    values_a, values_b : non-empty sequences

    Returns
    -------
    list of tuples
        ``[(a, b) for a in values_a for b in values_b]``.

    Examples
    --------
    >>> grid_points([1, 2], ["x", "y"])
    [(1, 'x'), (1, 'y'), (2, 'x'), (2, 'y')]
    """
    pairs = []
    lists = []
    for name, values in (("values_a", values_a), ("values_b", values_b)):
        if isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__iter__"):
            raise TypeError(f"{name} must be a sequence of values, got {type(values).__name__}")
        values = list(np.ravel(values)) if isinstance(values, np.ndarray) else list(values)
        if not values:
            raise ValueError(f"{name} must not be empty, got []")
        lists.append(values)
    for a in lists[0]:
        for b in lists[1]:
            pairs.append((a, b))
    return pairs


def random_points(n, samplers, *, rng) -> list:
    """Draw ``n`` random points, one value per hyperparameter per point.

    Parameters
    ----------
    n : int >= 1
    samplers : dict name -> callable(size, rng)
        Each sampler is called once as ``sampler(n, rng)`` and must return ``n``
        values (e.g. ``log_uniform_sampler(1e-4, 1)``, ``beta_sampler()``, or any
        ``lambda size, rng: ...``).
    rng : numpy.random.Generator

    Returns
    -------
    list of n dicts
        ``[{name: value, ...}, ...]`` with plain Python numbers.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be an integer, got {type(n).__name__} {n!r}")
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n!r}")
    if not isinstance(samplers, Mapping):
        raise TypeError(f"samplers must be a dict name -> callable(size, rng), got {type(samplers).__name__}")
    if len(samplers) == 0:
        raise ValueError("samplers must not be empty, got {}")
    rng = check_rng(rng)
    columns = {}
    for name, sampler in samplers.items():
        if not callable(sampler):
            raise TypeError(f"samplers[{name!r}] must be callable(size, rng), got {type(sampler).__name__}")
        values = np.asarray(sampler(int(n), rng))
        if values.shape != (n,):
            raise ValueError(f"samplers[{name!r}] must return {n} values for size={n}, got shape {values.shape}")
        columns[name] = values.tolist()
    return [{name: columns[name][i] for name in columns} for i in range(n)]


# ---------------------------------------------------------------------------
# coarse to fine


def _to_scale(values: np.ndarray, scale: str, name: str) -> np.ndarray:
    if scale == "log":
        if (values <= 0).any():
            raise ValueError(f"hyperparameter {name!r} has scale 'log' so its values must be > 0, got {values.min()!r}")
        return np.log10(values)
    if scale == "log1m":
        if (values >= 1).any():
            raise ValueError(
                f"hyperparameter {name!r} has scale 'log1m' so its values must be < 1, got {values.max()!r}"
            )
        return np.log10(1.0 - values)
    return values


def _from_scale(value: float, scale: str) -> float:
    if scale == "log":
        return float(10.0**value)
    if scale == "log1m":
        return float(1.0 - 10.0**value)
    return float(value)


def _infer_scale(values: np.ndarray) -> str:
    if (values > 0).all() and values.max() >= 10.0 * values.min():
        return "log"
    if ((values >= 0) & (values < 1)).all() and (1.0 - values.min()) >= 10.0 * (1.0 - values.max()):
        return "log1m"
    return "linear"


def coarse_to_fine(points, scores, keep=0.2, *, scales=None, maximize=True, margin=0.05) -> dict:
    """Zoom into the region of the best points: new sampling bounds per hyperparameter.

    The best ``ceil(keep * len(points))`` points (at least 1) are kept. For each
    hyperparameter, working on that hyperparameter's scale:

    1. the zoomed box spans the smallest to the largest kept value;
    2. it is widened on each side by ``margin`` times the width of the coarse
       range (all points, best and worst), so the fine search also looks a little
       around the best points and does not collapse when few points are kept;
    3. it is clipped to the coarse range, then mapped back to the original units.

    The scales:

    * ``"log"``: work on ``log10(value)`` (learning rate, L2 ``lambd``); re-sample
      the result with :func:`sample_log_uniform`;
    * ``"log1m"``: work on ``log10(1 - value)`` (betas); re-sample with
      :func:`sample_beta`;
    * ``"linear"``: work on the values (hidden units, ``keep_prob``).

    Parameters
    ----------
    points : non-empty list of dicts name -> number
        All with the same keys, e.g. from :func:`random_points`.
    scores : sequence of numbers, one per point
        Dev-set metric of each point; see ``maximize``. Ties keep the points' order.
    keep : float in (0, 1], default 0.2
        Fraction of the best points that defines the zoomed region.
    scales : dict name -> scale or sampler, optional
        The scale of each hyperparameter: ``"linear"``, ``"log"``, ``"log1m"``, or a
        sampler with a ``.scale`` attribute (so ``scales=samplers`` works when the
        points come from :func:`random_points` with the ``*_sampler`` helpers).
        Names not given are inferred from all the points' values: ``"log"`` if they
        are all > 0 and span at least a factor 10, else ``"log1m"`` if they are all
        in [0, 1) and ``1 - value`` spans at least a factor 10, else ``"linear"``.
        Pass ``scales`` explicitly when in doubt.
    maximize : bool, default True
        ``True`` when higher scores are better (accuracy), ``False`` for errors or
        losses.
    margin : float >= 0, default 0.05
        Padding on each side, as a fraction of the coarse range on the
        hyperparameter's scale. ``margin=0`` returns exactly the smallest and
        largest kept values.

    Returns
    -------
    dict name -> (low, high)
        Floats with ``low <= high``, inside the coarse range. ``low == high`` only
        if the box has no width (e.g. all points share that value); the samplers
        accept ``low == high``.

    Examples
    --------
    >>> pts = [{"alpha": 1e-4}, {"alpha": 1e-3}, {"alpha": 1e-2}, {"alpha": 1e-1}]
    >>> coarse_to_fine(pts, [0.7, 0.9, 0.95, 0.6], keep=0.5, margin=0)
    {'alpha': (0.001, 0.01)}
    """
    if isinstance(points, Mapping) or not isinstance(points, (list, tuple)):
        raise TypeError(f"points must be a list of dicts, got {type(points).__name__}")
    if len(points) == 0:
        raise ValueError("points must not be empty, got []")
    for i, point in enumerate(points):
        if not isinstance(point, Mapping):
            raise TypeError(f"points[{i}] must be a dict name -> value, got {type(point).__name__}")
    names = list(points[0])
    if not names:
        raise ValueError("points[0] must have at least one hyperparameter, got {}")
    for i, point in enumerate(points):
        if set(point) != set(names):
            raise ValueError(f"points[{i}] must have the keys {sorted(names)} like points[0], got {sorted(point)}")
    scores = as_float_array(scores, "scores", ndim=1)
    if scores.shape[0] != len(points):
        raise ValueError(f"scores must have one value per point ({len(points)}), got {scores.shape[0]}")
    keep = check_in_range(keep, "keep", 0.0, 1.0, True, False)
    if not isinstance(maximize, (bool, np.bool_)):
        raise TypeError(f"maximize must be a bool, got {type(maximize).__name__} {maximize!r}")
    margin = check_number(margin, "margin")
    if not (0 <= margin < math.inf):
        raise ValueError(f"margin must be a finite number >= 0, got {margin!r}")
    if scales is None:
        scales = {}
    if not isinstance(scales, Mapping):
        raise TypeError(f"scales must be a dict name -> scale, got {type(scales).__name__}")
    for name in scales:
        if name not in names:
            raise ValueError(f"scales has {name!r}, which is not a hyperparameter of the points {sorted(names)}")

    n_keep = max(1, math.ceil(keep * len(points) - 1e-9))
    order = np.argsort(-scores if maximize else scores, kind="stable")  # best first, stable on ties
    kept = order[:n_keep]

    bounds = {}
    for name in names:
        values = as_float_array([point[name] for point in points], f"points[...][{name!r}]", ndim=1)
        if not np.isfinite(values).all():
            raise ValueError(f"points[...][{name!r}] must be finite numbers, got {values[~np.isfinite(values)][0]!r}")
        scale = scales.get(name)
        if scale is None:
            scale = _infer_scale(values)
        elif not isinstance(scale, str):
            scale = getattr(scale, "scale", None)
            if scale is None:
                raise TypeError(f"scales[{name!r}] must be one of {list(SCALES)} or a sampler with a .scale attribute")
        if scale not in SCALES:
            raise ValueError(f"scales[{name!r}] must be one of {list(SCALES)}, got {scale!r}")

        kept_values = values[kept]
        if margin == 0:
            bounds[name] = (float(kept_values.min()), float(kept_values.max()))
            continue
        all_t = _to_scale(values, scale, name)
        kept_t = _to_scale(kept_values, scale, name)
        pad = margin * (all_t.max() - all_t.min())
        low_t = max(all_t.min(), kept_t.min() - pad)
        high_t = min(all_t.max(), kept_t.max() + pad)
        ends = sorted((_from_scale(low_t, scale), _from_scale(high_t, scale)))
        # clip in the original units too: undoing log10 can be off by an ulp
        low = float(np.clip(ends[0], values.min(), kept_values.min()))
        high = float(np.clip(ends[1], kept_values.max(), values.max()))
        bounds[name] = (low, high)
    return bounds
