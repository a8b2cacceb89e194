"""Cross-entropy costs and weight penalties (L2 and, for comparison, L1).

Shapes: ``AL`` and ``Y`` are ``(1, m)`` (binary; ``(k, m)`` is treated as ``k`` independent binary
outputs) or ``(C, m)`` (softmax, ``Y`` one-hot). Costs are averaged over the ``m`` examples
(columns) and summed over output units / classes; they are returned as Python floats.

Logs are stabilised by **clipping** the probabilities to ``[EPS, 1 - EPS]`` with ``EPS = 1e-15``
before taking logs, so a saturated output (exactly 0 or 1) gives a large but finite cost
(about ``34.5`` per wrong example).
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Mapping
from contextlib import contextmanager

import numpy as np

from ._validation import as_float_array, check_choice, check_non_negative, check_positive_int

__all__ = [
    "EPS",
    "binary_cross_entropy",
    "compute_cost",
    "count_clipped",
    "l1_gradient",
    "l1_penalty",
    "l2_gradient",
    "l2_penalty",
    "softmax_cross_entropy",
]

EPS = 1e-15
"""Probabilities are clipped to ``[EPS, 1 - EPS]`` before taking logs."""

_WEIGHT_KEY = re.compile(r"W\d+")


def _check_probabilities(AL, name: str = "AL") -> np.ndarray:
    AL = as_float_array(AL, name, ndim=2)
    if AL.size and (AL.min() < 0 or AL.max() > 1):
        raise ValueError(f"{name} must hold probabilities in [0, 1], got values in [{AL.min():g}, {AL.max():g}]")
    return AL


def _check_labels(Y, shape: tuple, output: str) -> np.ndarray:
    """Check ``Y`` against the shape of ``AL``: same shape, 0/1 entries, and one-hot columns for ``output="softmax"``."""
    Y = as_float_array(Y, "Y", ndim=2)
    if Y.shape != tuple(shape):
        raise ValueError(f"AL and Y must have the same shape, got {tuple(shape)} and {Y.shape}")
    if not np.all((Y == 0) | (Y == 1)):
        bad = np.unique(Y[(Y != 0) & (Y != 1)])[:5]
        raise ValueError(f"Y must contain only 0/1 labels, got values such as {bad.tolist()}")
    if output == "softmax":
        sums = Y.sum(axis=0)
        if not np.all(sums == 1):
            column = int(np.flatnonzero(sums != 1)[0])
            raise ValueError(
                f"Y must be one-hot (each column has exactly one 1) for softmax, "
                f"got column {column} summing to {sums[column]:g}"
            )
    return Y


def _weights(parameters) -> list[np.ndarray]:
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a dict such as {{'W1': ..., 'b1': ...}}, got {type(parameters).__name__}")
    keys = [key for key in parameters if isinstance(key, str) and _WEIGHT_KEY.fullmatch(key)]
    if not keys:
        raise ValueError(f"parameters must contain weight matrices W1..WL, got keys {sorted(map(str, parameters))}")
    return [as_float_array(parameters[key], f"parameters['{key}']") for key in keys]


_CLIPPED = contextvars.ContextVar("course_utils.costs clipped examples", default=None)


@contextmanager
def count_clipped():
    """Count the examples whose true-class probability the cross-entropy clips at ``EPS`` while the block runs.

    Yields a one-item list: the largest number of such examples seen by one cost evaluation. There the cost is
    flat (``-log(EPS)``, about 34.5) while ``dZ = A - Y`` still pushes: a gradient check of that cost cannot
    judge the backward pass (used by :func:`course_utils.gradient_check.gradient_check`).
    """
    counter = [0]
    token = _CLIPPED.set(counter)
    try:
        yield counter
    finally:
        _CLIPPED.reset(token)


def _note_clipped(AL: np.ndarray, Y: np.ndarray, binary: bool) -> None:
    """Inside :func:`count_clipped`: record how many examples (columns) have a true-class probability < EPS."""
    counter = _CLIPPED.get()
    if counter is not None:
        true_class = np.where(Y == 1, AL, 1.0 - AL if binary else 1.0)
        counter[0] = max(counter[0], int(np.any(true_class < EPS, axis=0).sum()))


# Unchecked implementations (arguments already validated); the public functions below check and call them.
def _binary_cross_entropy(AL: np.ndarray, Y: np.ndarray) -> float:
    P = AL.clip(EPS, 1.0 - EPS)
    _note_clipped(AL, Y, binary=True)
    return float(-(Y * np.log(P) + (1.0 - Y) * np.log(1.0 - P)).sum() / AL.shape[1])


def _softmax_cross_entropy(AL: np.ndarray, Y: np.ndarray) -> float:
    _note_clipped(AL, Y, binary=False)
    return float(-(Y * np.log(AL.clip(EPS, 1.0))).sum() / AL.shape[1])


def _l2_penalty(weights, lambd: float, m: int) -> float:
    return float(lambd / (2 * m) * sum((W * W).sum() for W in weights))


def _l2_gradient(W: np.ndarray, lambd: float, m: int) -> np.ndarray:
    return lambd / m * W


def _cost(AL: np.ndarray, Y: np.ndarray, output: str, lambd: float = 0.0, weights=()) -> float:
    """Unchecked ``compute_cost``: ``weights`` are the matrices W1..WL (used only when ``lambd > 0``)."""
    cross_entropy = _binary_cross_entropy(AL, Y) if output == "sigmoid" else _softmax_cross_entropy(AL, Y)
    if lambd == 0:
        return cross_entropy
    return cross_entropy + _l2_penalty(weights, lambd, AL.shape[1])


def binary_cross_entropy(AL, Y) -> float:
    """``-(1/m) sum(Y log(AL) + (1 - Y) log(1 - AL))`` for AL, Y of shape ``(1, m)``; AL clipped to ``[EPS, 1-EPS]``."""
    AL = _check_probabilities(AL)
    return _binary_cross_entropy(AL, _check_labels(Y, AL.shape, "sigmoid"))


def softmax_cross_entropy(AL, Y_onehot) -> float:
    """``-(1/m) sum_examples sum_classes Y log(AL)`` for AL, one-hot Y of shape ``(C, m)``; AL clipped below at ``EPS``."""
    AL = _check_probabilities(AL)
    return _softmax_cross_entropy(AL, _check_labels(Y_onehot, AL.shape, "softmax"))


def l2_penalty(parameters, lambd, m) -> float:
    """``lambd/(2m) * sum_l ||W[l]||_F^2`` over the keys ``W1..WL`` of ``parameters`` (biases, gamma, beta excluded)."""
    lambd = check_non_negative(lambd, "lambd")
    m = check_positive_int(m, "m")
    return _l2_penalty(_weights(parameters), lambd, m)


def l2_gradient(W, lambd, m) -> np.ndarray:
    """Gradient of ``l2_penalty`` with respect to one weight matrix: ``lambd/m * W`` (same shape as W)."""
    W = as_float_array(W, "W")
    lambd = check_non_negative(lambd, "lambd")
    m = check_positive_int(m, "m")
    return _l2_gradient(W, lambd, m)


def l1_penalty(parameters, lambd, m) -> float:
    """``lambd/m * sum_l sum |W[l]|`` over the keys ``W1..WL`` of ``parameters``."""
    lambd = check_non_negative(lambd, "lambd")
    m = check_positive_int(m, "m")
    return float(lambd / m * sum(np.sum(np.abs(W)) for W in _weights(parameters)))


def l1_gradient(W, lambd, m) -> np.ndarray:
    """(Sub)gradient of ``l1_penalty`` with respect to one weight matrix: ``lambd/m * sign(W)`` (0 at 0)."""
    W = as_float_array(W, "W")
    lambd = check_non_negative(lambd, "lambd")
    m = check_positive_int(m, "m")
    return lambd / m * np.sign(W)


def compute_cost(AL, Y, parameters=None, lambd=0.0, output: str = "sigmoid") -> float:
    """Total cost: cross-entropy (``output="sigmoid"``: binary, ``"softmax"``: categorical) plus ``l2_penalty``.

    AL, Y: ``(1, m)`` or ``(C, m)``; ``parameters`` (needed only when ``lambd > 0``) supplies W1..WL
    and ``m = AL.shape[1]``.
    """
    check_choice(output, "output", {"sigmoid", "softmax"})
    lambd = check_non_negative(lambd, "lambd")
    AL = _check_probabilities(AL)
    Y = _check_labels(Y, AL.shape, output)
    weights = ()
    if lambd > 0:
        if parameters is None:
            raise TypeError("parameters must be a dict with W1..WL when lambd > 0, got NoneType")
        check_positive_int(AL.shape[1], "m")  # l2_penalty's check of m
        weights = _weights(parameters)
    return _cost(AL, Y, output, lambd, weights)
