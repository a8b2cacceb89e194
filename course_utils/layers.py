"""Fully connected layer: linear step and linear -> activation, forward and backward.

Shapes: ``A_prev`` is ``(n_prev, m)``, ``W`` is ``(n, n_prev)``, ``b`` is ``(n, 1)`` or ``None``
(a layer followed by batch norm has no bias), ``Z`` and ``A`` are ``(n, m)``.
Backward passes follow ``docs/conventions.md``: ``dZ``/``dA`` are per-example and the ``1/m``
appears in ``dW`` and ``db``.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_choice, check_shape
from .activations import ACTIVATIONS, softmax, softmax_backward

__all__ = [
    "LAYER_ACTIVATIONS",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
]

LAYER_ACTIVATIONS = {**ACTIVATIONS, "softmax": (softmax, softmax_backward)}
"""Activations accepted by ``linear_activation_forward``: the hidden ones plus ``"softmax"``."""


def _check_bias(b, n: int) -> np.ndarray:
    """``b`` as a float64 ``(n, 1)`` array (the check of ``linear_forward``)."""
    b = as_float_array(b, "b", ndim=2)
    check_shape(b, (n, 1), "b")
    return b


def _linear_forward(A_prev: np.ndarray, W: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """Unchecked ``Z = W @ A_prev (+ b)``."""
    Z = W @ A_prev
    if b is not None:
        Z += b
    return Z


def _linear_backward(dZ: np.ndarray, cache: tuple, need_dA_prev: bool = True):
    """Unchecked backward of the linear step; ``dA_prev`` is ``None`` unless ``need_dA_prev``."""
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T
    dW /= m
    db = None
    if b is not None:
        db = dZ.sum(axis=1, keepdims=True)
        db /= m
    dA_prev = W.T @ dZ if need_dA_prev else None
    return dA_prev, dW, db


def linear_forward(A_prev, W, b) -> tuple[np.ndarray, tuple]:
    """``Z = W @ A_prev + b``.

    A_prev: ``(n_prev, m)``; W: ``(n, n_prev)``; b: ``(n, 1)`` or ``None`` (no bias).
    Returns ``(Z, cache)`` with Z ``(n, m)`` and ``cache = (A_prev, W, b)``.
    """
    A_prev = as_float_array(A_prev, "A_prev", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    check_shape(W, (None, A_prev.shape[0]), "W")
    if b is not None:
        b = _check_bias(b, W.shape[0])
    return _linear_forward(A_prev, W, b), (A_prev, W, b)


def linear_backward(dZ, cache) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Backward of ``linear_forward``.

    dZ: ``(n, m)``; cache: ``(A_prev, W, b)`` from ``linear_forward``.
    Returns ``(dA_prev, dW, db)``: ``dA_prev = W^T dZ`` ``(n_prev, m)``, ``dW = (1/m) dZ A_prev^T``
    ``(n, n_prev)``, ``db = (1/m) sum(dZ, axis=1)`` ``(n, 1)``, or ``None`` when ``b`` was ``None``.
    """
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise TypeError(f"cache must be the (A_prev, W, b) tuple returned by linear_forward, got {type(cache).__name__}")
    A_prev, W, _ = cache
    dZ = as_float_array(dZ, "dZ", ndim=2)
    check_shape(dZ, (W.shape[0], A_prev.shape[1]), "dZ")
    return _linear_backward(dZ, cache)


def linear_activation_forward(A_prev, W, b, activation: str) -> tuple[np.ndarray, tuple]:
    """``A = g(W @ A_prev + b)`` for ``activation`` in ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"linear"``, ``"softmax"``.

    Shapes as in ``linear_forward``. Returns ``(A, cache)`` with A ``(n, m)`` and
    ``cache = (linear_cache, Z, activation)``.
    """
    check_choice(activation, "activation", LAYER_ACTIVATIONS)
    Z, linear_cache = linear_forward(A_prev, W, b)
    forward, _ = LAYER_ACTIVATIONS[activation]
    return forward(Z), (linear_cache, Z, activation)


def linear_activation_backward(dA, cache) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Backward of ``linear_activation_forward``.

    dA: ``(n, m)``; cache from ``linear_activation_forward``. Returns ``(dA_prev, dW, db)`` as
    ``linear_backward`` (``db`` is ``None`` when the layer has no bias).
    """
    if not isinstance(cache, tuple) or len(cache) != 3:
        raise TypeError(
            f"cache must be the (linear_cache, Z, activation) tuple returned by linear_activation_forward, "
            f"got {type(cache).__name__}"
        )
    linear_cache, Z, activation = cache
    check_choice(activation, "activation", LAYER_ACTIVATIONS)
    _, backward = LAYER_ACTIVATIONS[activation]
    return linear_backward(backward(dA, Z), linear_cache)
