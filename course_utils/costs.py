"""Cross-entropy costs and weight penalties (L2 and, for comparison, L1).

Shapes: ``AL`` and ``Y`` are ``(1, m)`` (binary; ``(k, m)`` is treated as ``k`` independent binary
outputs) or ``(C, m)`` (softmax, ``Y`` one-hot). Costs are averaged over the ``m`` examples
(columns) and summed over output units / classes; they are returned as Python floats.

Logs are stabilised by **clipping** the probabilities to ``[EPS, 1 - EPS]`` with ``EPS = 1e-15``
before taking logs, so a saturated output (exactly 0 or 1) gives a large but finite cost
(about ``34.5`` per wrong example).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from ._validation import as_float_array, check_choice, check_non_negative, check_positive_int, check_same_shape

__all__ = [
    "EPS",
    "binary_cross_entropy",
    "compute_cost",
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


def _check_labels(Y, AL: np.ndarray, output: str) -> np.ndarray:
    """Check ``Y`` against ``AL``: same shape, 0/1 entries, and one-hot columns for ``output="softmax"``."""
    Y = as_float_array(Y, "Y", ndim=2)
    check_same_shape(AL, Y, "AL", "Y")
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


def binary_cross_entropy(AL, Y) -> float:
    """``-(1/m) sum(Y log(AL) + (1 - Y) log(1 - AL))`` for AL, Y of shape ``(1, m)``; AL clipped to ``[EPS, 1-EPS]``."""
    AL = _check_probabilities(AL)
    Y = _check_labels(Y, AL, "sigmoid")
    m = AL.shape[1]
    P = np.clip(AL, EPS, 1.0 - EPS)
    return float(-np.sum(Y * np.log(P) + (1.0 - Y) * np.log(1.0 - P)) / m)


def softmax_cross_entropy(AL, Y_onehot) -> float:
    """``-(1/m) sum_examples sum_classes Y log(AL)`` for AL, one-hot Y of shape ``(C, m)``; AL clipped below at ``EPS``."""
    AL = _check_probabilities(AL)
    Y = _check_labels(Y_onehot, AL, "softmax")
    m = AL.shape[1]
    return float(-np.sum(Y * np.log(np.clip(AL, EPS, 1.0))) / m)


def l2_penalty(parameters, lambd, m) -> float:
    """``lambd/(2m) * sum_l ||W[l]||_F^2`` over the keys ``W1..WL`` of ``parameters`` (biases, gamma, beta excluded)."""
    lambd = check_non_negative(lambd, "lambd")
    m = check_positive_int(m, "m")
    return float(lambd / (2 * m) * sum(np.sum(W**2) for W in _weights(parameters)))


def l2_gradient(W, lambd, m) -> np.ndarray:
    """Gradient of ``l2_penalty`` with respect to one weight matrix: ``lambd/m * W`` (same shape as W)."""
    W = as_float_array(W, "W")
    lambd = check_non_negative(lambd, "lambd")
    m = check_positive_int(m, "m")
    return lambd / m * W


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
    cross_entropy = binary_cross_entropy(AL, Y) if output == "sigmoid" else softmax_cross_entropy(AL, Y)
    if lambd == 0:
        return cross_entropy
    if parameters is None:
        raise TypeError("parameters must be a dict with W1..WL when lambd > 0, got NoneType")
    return cross_entropy + l2_penalty(parameters, lambd, np.shape(AL)[1])
