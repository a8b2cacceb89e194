"""Argument checks shared by every kernel.

Each check raises ``TypeError`` or ``ValueError`` with a message that names the
argument, says what was expected and shows what was given, e.g.::

    ValueError: keep_prob must be in (0, 1], got 1.5
"""

from __future__ import annotations

import numbers

import numpy as np


def as_float_array(value, name: str, ndim: int | None = None, allow_nan: bool = False) -> np.ndarray:
    """Return ``value`` as a float64 ndarray, checking its type, rank and NaNs."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be a numpy array, got {type(value).__name__}")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a numeric array, got {type(value).__name__}") from error
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {array.shape}")
    if not allow_nan and np.isnan(array).any():
        raise ValueError(f"{name} must not contain NaN, got {int(np.isnan(array).sum())} NaN value(s)")
    return array


def check_shape(array: np.ndarray, expected: tuple, name: str) -> None:
    """Raise ``ValueError`` unless ``array.shape`` matches ``expected`` (``None`` matches any size)."""
    shape = np.shape(array)
    if len(shape) != len(expected) or any(e is not None and e != s for e, s in zip(expected, shape)):
        wanted = "(" + ", ".join("any" if e is None else str(e) for e in expected) + ")"
        raise ValueError(f"{name} must have shape {wanted}, got {shape}")


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless two arrays have the same shape."""
    if np.shape(a) != np.shape(b):
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {np.shape(a)} and {np.shape(b)}")


def check_number(value, name: str) -> float:
    """Return ``value`` as a float; raise ``TypeError`` for non-numbers (bools included) and ``ValueError`` for NaN."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if np.isnan(value):
        raise ValueError(f"{name} must not be NaN, got nan")
    return value


def check_in_range(value, name: str, low: float, high: float, low_open: bool, high_open: bool) -> float:
    """Check ``low <(=) value <(=) high`` and return the value as a float."""
    value = check_number(value, name)
    too_low = value <= low if low_open else value < low
    too_high = value >= high if high_open else value > high
    if too_low or too_high:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return value


def check_positive(value, name: str) -> float:
    """Check ``value > 0``."""
    value = check_number(value, name)
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value!r}")
    return value


def check_non_negative(value, name: str) -> float:
    """Check ``value >= 0``."""
    value = check_number(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value!r}")
    return value


def check_positive_int(value, name: str) -> int:
    """Check that ``value`` is an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value!r}")
    return int(value)


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """Require a ``numpy.random.Generator`` (never the global RandomState)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (e.g. np.random.default_rng(0)), got {type(rng).__name__}"
        )
    return rng


def check_choice(value, name: str, choices) -> str:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}")
    return value
