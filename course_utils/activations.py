"""Activation functions and their backward passes.

Every forward takes ``Z`` (any shape, usually ``(n, m)``) and returns ``A`` of the same shape.
Every backward takes ``(dA, Z)`` and returns ``dZ = dA * g'(Z)`` (same shape), following the
per-example gradient convention of ``docs/conventions.md``.

``softmax`` works column-wise on a 2-D ``(C, m)`` array and is meant for the output layer,
paired with cross-entropy (then ``dZ = A - Y`` directly). ``ACTIVATIONS`` maps the names
usable in hidden layers to their ``(forward, backward)`` pair.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_same_shape

__all__ = [
    "ACTIVATIONS",
    "identity",
    "identity_backward",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "softmax",
    "softmax_backward",
    "tanh",
    "tanh_backward",
]


def _backward_inputs(dA, Z) -> tuple[np.ndarray, np.ndarray]:
    dA = as_float_array(dA, "dA")
    Z = as_float_array(Z, "Z")
    check_same_shape(dA, Z, "dA", "Z")
    return dA, Z


# Unchecked implementations (float64 arrays already validated). The public functions below check
# their arguments and call these; the network's forward/backward passes call them directly.
def _sigmoid(Z: np.ndarray) -> np.ndarray:
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1.0, E) / (1.0 + E)  # 1 / (1 + E) for Z >= 0, E / (1 + E) otherwise


def _sigmoid_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    s = _sigmoid(Z)
    return dA * s * (1.0 - s)


def _tanh_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    return dA * (1.0 - np.tanh(Z) ** 2)


def _relu(Z: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, Z)


def _relu_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    return dA * (Z > 0)


def _identity(Z: np.ndarray) -> np.ndarray:
    return Z.copy()


def _identity_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    return dA.copy()


def _softmax(Z: np.ndarray) -> np.ndarray:
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    E /= E.sum(axis=0, keepdims=True)
    return E


def _softmax_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    S = _softmax(Z)
    return S * (dA - (dA * S).sum(axis=0, keepdims=True))


_KERNELS = {
    "sigmoid": (_sigmoid, _sigmoid_backward),
    "tanh": (np.tanh, _tanh_backward),
    "relu": (_relu, _relu_backward),
    "linear": (_identity, _identity_backward),
    "softmax": (_softmax, _softmax_backward),
}
"""Unchecked ``name -> (forward(Z), backward(dA, Z))`` for every activation, softmax included."""


def sigmoid(Z) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-Z))``, same shape as ``Z``.

    Numerically stable: only ``exp(-|Z|) <= 1`` is ever computed, so ``sigmoid(+-1000)``
    gives exactly ``1`` / ``0`` without overflow warnings.
    """
    return _sigmoid(as_float_array(Z, "Z"))


def sigmoid_backward(dA, Z) -> np.ndarray:
    """``dZ = dA * s * (1 - s)`` with ``s = sigmoid(Z)``; ``dA`` and ``Z`` have the same shape."""
    return _sigmoid_backward(*_backward_inputs(dA, Z))


def tanh(Z) -> np.ndarray:
    """Hyperbolic tangent, same shape as ``Z``."""
    return np.tanh(as_float_array(Z, "Z"))


def tanh_backward(dA, Z) -> np.ndarray:
    """``dZ = dA * (1 - tanh(Z)^2)``; ``dA`` and ``Z`` have the same shape."""
    return _tanh_backward(*_backward_inputs(dA, Z))


def relu(Z) -> np.ndarray:
    """Rectified linear unit ``max(0, Z)``, same shape as ``Z``."""
    return _relu(as_float_array(Z, "Z"))


def relu_backward(dA, Z) -> np.ndarray:
    """``dZ = dA * 1[Z > 0]`` (the derivative at ``Z == 0`` is taken as 0)."""
    return _relu_backward(*_backward_inputs(dA, Z))


def identity(Z) -> np.ndarray:
    """Linear (identity) activation: returns a float64 copy of ``Z``."""
    return _identity(as_float_array(Z, "Z"))


def identity_backward(dA, Z) -> np.ndarray:
    """``dZ = dA`` (as a float64 copy); ``Z`` is only used to check the shape."""
    return _identity_backward(*_backward_inputs(dA, Z))


def softmax(Z) -> np.ndarray:
    """Column-wise softmax of a 2-D ``Z`` of shape ``(C, m)``; each column of the result sums to 1.

    The column maximum is subtracted before exponentiating, so large scores do not overflow.
    """
    return _softmax(as_float_array(Z, "Z", ndim=2))


def softmax_backward(dA, Z) -> np.ndarray:
    """Backward of ``softmax``: ``dZ = S * (dA - sum(dA * S, axis=0))`` with ``S = softmax(Z)``, shapes ``(C, m)``.

    Only needed for checking: with cross-entropy the output layer uses ``dZ = A - Y`` directly.
    """
    dA = as_float_array(dA, "dA", ndim=2)
    Z = as_float_array(Z, "Z", ndim=2)
    check_same_shape(dA, Z, "dA", "Z")
    return _softmax_backward(dA, Z)


ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_backward),
    "tanh": (tanh, tanh_backward),
    "relu": (relu, relu_backward),
    "linear": (identity, identity_backward),
}
"""Hidden-layer activations by name: ``name -> (forward(Z), backward(dA, Z))``."""
