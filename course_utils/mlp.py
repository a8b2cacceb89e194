"""An L-layer fully connected network with optional L2, inverted dropout and batch norm.

``parameters`` holds ``W1..WL`` (``W{l}``: ``(n[l], n[l-1])``) and, per layer, either ``b{l}``
``(n[l], 1)`` or, for a batch-normalized layer, ``gamma{l}`` and ``beta{l}`` ``(n[l], 1)`` (no bias).
``activations`` lists the L activation names: hidden layers use ``"relu"``, ``"tanh"``,
``"sigmoid"`` or ``"linear"``; the output layer ``"sigmoid"`` (binary cross-entropy) or
``"softmax"`` (categorical cross-entropy).

Layer ``l`` computes ``Z = W A_prev (+ b)``, then batch norm if ``gamma{l}`` is present, then its
activation, then (hidden layers only, when ``keep_prob < 1``) inverted dropout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping

import numpy as np

from ._validation import as_float_array, check_choice, check_in_range, check_non_negative, check_shape
from .activations import ACTIVATIONS, sigmoid, softmax
from .batchnorm import batchnorm_backward, batchnorm_forward
from .costs import _check_labels, l2_gradient
from .dropout import dropout_backward, dropout_forward
from .layers import linear_backward, linear_forward

__all__ = ["OUTPUT_ACTIVATIONS", "accuracy", "layer_count", "model_backward", "model_forward", "predict"]

OUTPUT_ACTIVATIONS = {"sigmoid": sigmoid, "softmax": softmax}
"""Output activations, each paired with its cross-entropy so that ``dZ[L] = A[L] - Y``."""

_LAYER_KEY = re.compile(r"(W|b|gamma|beta)(\d+)")


def layer_count(parameters) -> int:
    """Number of layers L of ``parameters``, checking that the weights are exactly ``W1..WL``."""
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a dict such as {{'W1': ..., 'b1': ...}}, got {type(parameters).__name__}")
    numbers = sorted(
        int(match.group(2))
        for key in parameters
        if isinstance(key, str) and (match := _LAYER_KEY.fullmatch(key)) and match.group(1) == "W"
    )
    if not numbers or numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"parameters must contain weights W1..WL with no gaps, got keys {sorted(map(str, parameters))}")
    return len(numbers)


def _check_activations(activations, L: int) -> list[str]:
    if isinstance(activations, str) or not isinstance(activations, (list, tuple)):
        raise TypeError(f"activations must be a list of L activation names, got {type(activations).__name__}")
    if len(activations) != L:
        raise ValueError(f"activations must have one name per layer (L = {L} from parameters), got {len(activations)}")
    for l, name in enumerate(activations[:-1], start=1):
        check_choice(name, f"activations[{l - 1}] (hidden layer {l})", ACTIVATIONS)
    check_choice(activations[-1], f"activations[{L - 1}] (output layer)", OUTPUT_ACTIVATIONS)
    return list(activations)


def _layer_parameters(parameters, l: int, n_prev: int):
    W = as_float_array(parameters[f"W{l}"], f"parameters['W{l}']", ndim=2)
    check_shape(W, (None, n_prev), f"parameters['W{l}']")
    has_bn = f"gamma{l}" in parameters
    if has_bn:
        if f"beta{l}" not in parameters:
            raise ValueError(f"parameters must contain beta{l} together with gamma{l}, got no beta{l}")
        if f"b{l}" in parameters:
            raise ValueError(f"parameters must not contain b{l} for a batch-normalized layer (gamma{l} given), got b{l}")
        return W, None, parameters[f"gamma{l}"], parameters[f"beta{l}"]
    if f"b{l}" not in parameters:
        raise ValueError(f"parameters must contain b{l} (or gamma{l} and beta{l} for batch norm), got neither")
    return W, parameters[f"b{l}"], None, None


def model_forward(
    X,
    parameters,
    activations,
    *,
    keep_prob=1.0,
    rng=None,
    dropout_masks=None,
    bn_state=None,
    bn_mode: str = "train",
    bn_momentum=0.9,
    bn_epsilon=1e-5,
) -> tuple[np.ndarray, list[dict]]:
    """Forward pass of the L-layer network; X ``(n_x, m)`` -> ``(AL, caches)`` with AL ``(n[L], m)``.

    Dropout (``keep_prob < 1``) is applied to A1..A(L-1) with masks taken from ``dropout_masks``
    (``{l: boolean (n[l], m)}``) when given for layer ``l``, otherwise drawn from ``rng``.
    ``bn_state`` holds ``running_mean{l}``/``running_var{l}``: updated (created if missing) in
    ``bn_mode="train"`` when given, required in ``bn_mode="test"``. ``caches`` is a list of L dicts
    (one per layer); ``caches[l-1]["dropout_mask"]`` is the mask used in layer ``l`` (or ``None``).
    """
    L = layer_count(parameters)
    activations = _check_activations(activations, L)
    A = as_float_array(X, "X", ndim=2)
    keep_prob = check_in_range(keep_prob, "keep_prob", 0.0, 1.0, low_open=True, high_open=False)
    check_choice(bn_mode, "bn_mode", {"train", "test"})
    if bn_state is not None and not isinstance(bn_state, MutableMapping):
        raise TypeError(f"bn_state must be a dict of running_mean{{l}}/running_var{{l}} arrays, got {type(bn_state).__name__}")
    if dropout_masks is not None:
        if not isinstance(dropout_masks, Mapping):
            raise TypeError(f"dropout_masks must be a dict {{layer: mask}}, got {type(dropout_masks).__name__}")
        if keep_prob == 1.0:
            raise ValueError("dropout_masks must only be given when keep_prob < 1, got keep_prob 1.0")
        unknown = sorted(set(dropout_masks) - set(range(1, L)), key=str)
        if unknown:
            raise ValueError(f"dropout_masks keys must be hidden layers 1..{L - 1}, got {unknown}")

    caches = []
    for l, name in enumerate(activations, start=1):
        W, b, gamma, beta = _layer_parameters(parameters, l, A.shape[0])
        Z, linear_cache = linear_forward(A, W, b)
        bn_cache = None
        if gamma is not None:
            running = None
            if bn_state is not None:
                running = {
                    stat: bn_state[f"running_{stat}{l}"] for stat in ("mean", "var") if f"running_{stat}{l}" in bn_state
                }
            if bn_mode == "test" and (running is None or len(running) < 2):
                raise ValueError(
                    f"bn_state must contain running_mean{l} and running_var{l} in bn_mode='test', "
                    f"got {None if bn_state is None else sorted(map(str, bn_state))}"
                )
            Z, bn_cache = batchnorm_forward(
                Z, gamma, beta, running=running, mode=bn_mode, momentum=bn_momentum, epsilon=bn_epsilon
            )
            if bn_state is not None and bn_mode == "train":
                bn_state[f"running_mean{l}"] = running["mean"]
                bn_state[f"running_var{l}"] = running["var"]
        forward = OUTPUT_ACTIVATIONS[name] if l == L else ACTIVATIONS[name][0]
        A = forward(Z)
        dropout_cache = None
        if l < L and keep_prob < 1.0:
            mask = None if dropout_masks is None else dropout_masks.get(l)
            A, dropout_cache = dropout_forward(A, keep_prob, rng=rng, mask=mask)
        caches.append(
            {
                "linear": linear_cache,
                "batchnorm": bn_cache,
                "activation": name,
                "activation_input": Z,
                "dropout": dropout_cache,
                "dropout_mask": None if dropout_cache is None else dropout_cache["mask"],
            }
        )
    return A, caches


def model_backward(AL, Y, caches, *, lambd=0.0) -> dict:
    """Gradients of the cost (cross-entropy + ``lambd/(2m) sum ||W||^2``) from ``model_forward``'s caches.

    AL, Y: ``(n[L], m)`` (Y 0/1 labels for sigmoid, one-hot for softmax). Starts from
    ``dZ[L] = AL - Y``, replays dropout with the cached masks and adds ``lambd/m * W[l]`` to each
    ``dW[l]``. Returns ``{"dW1": ..., "db1": ... (only for layers with a bias), "dgamma{l}",
    "dbeta{l}" (batch-normalized layers)}`` with the shapes of the matching parameters.
    """
    if not isinstance(caches, (list, tuple)) or not caches or not all(isinstance(c, dict) for c in caches):
        raise TypeError(f"caches must be the non-empty list of dicts returned by model_forward, got {type(caches).__name__}")
    output = caches[-1]["activation"]
    check_choice(output, "caches[-1]['activation'] (output layer)", OUTPUT_ACTIVATIONS)
    AL = as_float_array(AL, "AL", ndim=2)
    Y = _check_labels(Y, AL, output)
    lambd = check_non_negative(lambd, "lambd")
    m = AL.shape[1]

    grads = {}
    dZ = AL - Y
    dA = None
    for l in range(len(caches), 0, -1):
        cache = caches[l - 1]
        if dA is not None:
            if cache["dropout"] is not None:
                dA = dropout_backward(dA, cache["dropout"])
            dZ = ACTIVATIONS[cache["activation"]][1](dA, cache["activation_input"])
        if cache["batchnorm"] is not None:
            dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = batchnorm_backward(dZ, cache["batchnorm"])
        dA, dW, db = linear_backward(dZ, cache["linear"])
        W = cache["linear"][1]
        grads[f"dW{l}"] = dW + l2_gradient(W, lambd, m) if lambd > 0 else dW
        if db is not None:
            grads[f"db{l}"] = db
    return grads


def predict(X, parameters, activations, bn_state=None) -> np.ndarray:
    """Integer labels ``(1, m)`` for X ``(n_x, m)``: ``AL > 0.5`` for a sigmoid output, argmax for softmax.

    No dropout; batch-normalized layers use the running statistics in ``bn_state`` (test mode).
    """
    AL, _ = model_forward(X, parameters, activations, bn_state=bn_state, bn_mode="test")
    if activations[-1] == "softmax":
        return np.argmax(AL, axis=0).reshape(1, -1)
    if AL.shape[0] != 1:
        raise ValueError(f"predict needs a single sigmoid output unit, got W{len(activations)} with {AL.shape[0]} rows")
    return (AL > 0.5).astype(int)


def accuracy(predictions, Y) -> float:
    """Fraction in [0, 1] of ``predictions`` ``(1, m)`` equal to the labels ``Y``: ``(1, m)`` labels or one-hot ``(C, m)``."""
    predictions = as_float_array(predictions, "predictions", ndim=2)
    check_shape(predictions, (1, None), "predictions")
    Y = as_float_array(Y, "Y", ndim=2)
    check_shape(Y, (None, predictions.shape[1]), "Y")
    if predictions.shape[1] == 0:
        raise ValueError("predictions must contain at least one example, got shape (1, 0)")
    if Y.shape[0] > 1:
        labels = np.argmax(_check_labels(Y, Y, "softmax"), axis=0).reshape(1, -1)
    else:
        labels = Y
    return float(np.mean(predictions == labels))
