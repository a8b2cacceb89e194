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

from ._validation import (
    as_float_array,
    check_choice,
    check_in_range,
    check_non_negative,
    check_rng,
    check_shape,
)
from .activations import _KERNELS, ACTIVATIONS, sigmoid, softmax
from .batchnorm import _check_arguments as _check_batchnorm_arguments
from .costs import _check_labels, _l2_gradient
from .dropout import _as_mask
from .layers import _check_bias, _linear_backward, _linear_forward
from .student_kernels import REFERENCE

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


def _running_statistics(bn_state, l: int) -> dict | None:
    """Layer ``l``'s ``{"mean": ..., "var": ...}`` (those present) from ``bn_state``, or ``None`` without one."""
    if bn_state is None:
        return None
    return {stat: bn_state[f"running_{stat}{l}"] for stat in ("mean", "var") if f"running_{stat}{l}" in bn_state}


def _check_forward(
    X, parameters, activations, keep_prob, rng, dropout_masks, bn_state, bn_mode, bn_momentum, bn_epsilon
) -> tuple:
    """All the checks of ``model_forward``, layer by layer in the order the layers are computed.

    Returns ``(X, activations, parameters, keep_prob, dropout_masks, bn_state)`` converted for ``_forward``
    (float64 arrays, boolean masks; ``bn_state`` a copy with float64 running statistics, or ``None``),
    without modifying the caller's dicts.
    """
    L = layer_count(parameters)
    activations = _check_activations(activations, L)
    X = as_float_array(X, "X", ndim=2)
    return (X, activations, *_check_layers(parameters, L, X.shape, keep_prob, rng, dropout_masks, bn_state, bn_mode,
                                           bn_momentum, bn_epsilon))


def _check_layers(
    parameters, L, shape, keep_prob, rng, dropout_masks, bn_state, bn_mode, bn_momentum, bn_epsilon
) -> tuple[dict, float, dict | None, dict | None]:
    """``_check_forward`` after the activations and ``X`` (of shape ``shape``): the remaining arguments and
    each layer's parameters. Returns ``(parameters, keep_prob, dropout_masks, bn_state)`` converted."""
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

    checked, masks = {}, None if dropout_masks is None else {}
    bn_checked = None if bn_state is None else dict(bn_state)
    n_prev, m = shape
    for l in range(1, L + 1):
        W, b, gamma, beta = _layer_parameters(parameters, l, n_prev)
        n_prev = W.shape[0]
        checked[f"W{l}"] = W
        if gamma is None:
            checked[f"b{l}"] = _check_bias(b, n_prev)
        else:
            running = _running_statistics(bn_state, l)
            if bn_mode == "test" and (running is None or len(running) < 2):
                raise ValueError(
                    f"bn_state must contain running_mean{l} and running_var{l} in bn_mode='test', "
                    f"got {None if bn_state is None else sorted(map(str, bn_state))}"
                )
            checked[f"gamma{l}"], checked[f"beta{l}"], stats, _, _ = _check_batchnorm_arguments(
                n_prev, m, gamma, beta, running, bn_mode, bn_momentum, bn_epsilon
            )
            if bn_checked is not None:
                bn_checked.update({f"running_{stat}{l}": value for stat, value in stats.items()})
        if l < L and keep_prob < 1.0:
            mask = None if dropout_masks is None else dropout_masks.get(l)
            if mask is None:
                check_rng(rng)
            else:
                masks[l] = _as_mask(mask, (n_prev, m))
    return checked, keep_prob, masks, bn_checked


def _forward(
    X, parameters, activations, keep_prob=1.0, rng=None, dropout_masks=None, bn_state=None, bn_mode="train",
    bn_momentum=0.9, bn_epsilon=1e-5, kernels=REFERENCE,
) -> tuple[np.ndarray, list[dict]]:
    """Unchecked ``model_forward`` (arguments as returned by ``_check_forward``); dropout and batch norm run
    the functions of ``kernels`` (a :class:`~course_utils.student_kernels.Kernels`)."""
    L = len(activations)
    A = X
    caches = []
    for l in range(1, L + 1):
        W = parameters[f"W{l}"]
        gamma = parameters.get(f"gamma{l}")
        b = None if gamma is not None else parameters[f"b{l}"]
        Z = _linear_forward(A, W, b)
        linear_cache = (A, W, b)
        bn_cache = None
        if gamma is not None:
            running = _running_statistics(bn_state, l)
            Z, bn_cache = kernels.batchnorm_forward_step(Z, gamma, parameters[f"beta{l}"], running, bn_mode,
                                                         bn_momentum, bn_epsilon)
            if bn_state is not None and bn_mode == "train":
                bn_state[f"running_mean{l}"] = running["mean"]
                bn_state[f"running_var{l}"] = running["var"]
        A = _KERNELS[activations[l - 1]][0](Z)
        dropout_cache = None
        if l < L and keep_prob < 1.0:
            mask = None if dropout_masks is None else dropout_masks.get(l)
            A, dropout_cache = kernels.dropout_forward_step(A, keep_prob, rng, mask)
        caches.append(
            {
                "linear": linear_cache,
                "batchnorm": bn_cache,
                "activation": activations[l - 1],
                "activation_input": Z,
                "dropout": dropout_cache,
                "dropout_mask": None if dropout_cache is None else dropout_cache["mask"],
            }
        )
    return A, caches


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
    X, activations, checked, keep_prob, masks, bn_checked = _check_forward(
        X, parameters, activations, keep_prob, rng, dropout_masks, bn_state, bn_mode, bn_momentum, bn_epsilon
    )
    AL, caches = _forward(X, checked, activations, keep_prob, rng, masks, bn_checked, bn_mode, bn_momentum, bn_epsilon)
    if bn_state is not None and bn_mode == "train":
        bn_state.update(bn_checked)  # the updated running statistics (other entries are unchanged)
    return AL, caches


def _backward(AL: np.ndarray, Y: np.ndarray, caches: list, lambd: float = 0.0, kernels=REFERENCE) -> dict:
    """Unchecked ``model_backward`` with the dropout and batch norm of ``kernels``. dA0 is not computed."""
    m = AL.shape[1]
    grads = {}
    dZ = AL - Y
    for l in range(len(caches), 0, -1):
        cache = caches[l - 1]
        if cache["batchnorm"] is not None:
            dZ, grads[f"dgamma{l}"], grads[f"dbeta{l}"] = kernels.batchnorm_backward_step(dZ, cache["batchnorm"])
        dA_prev, dW, db = _linear_backward(dZ, cache["linear"], need_dA_prev=l > 1)
        if lambd > 0:
            dW += _l2_gradient(cache["linear"][1], lambd, m)
        grads[f"dW{l}"] = dW
        if db is not None:
            grads[f"db{l}"] = db
        if l > 1:
            below = caches[l - 2]
            if below["dropout"] is not None:
                dA_prev = kernels.dropout_backward_step(dA_prev, below["dropout"])
            dZ = _KERNELS[below["activation"]][1](dA_prev, below["activation_input"])
    return grads


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
    Y = _check_labels(Y, AL.shape, output)
    lambd = check_non_negative(lambd, "lambd")
    A_prev, W, _ = caches[-1]["linear"]
    check_shape(AL, (W.shape[0], A_prev.shape[1]), "dZ")  # AL - Y must match the output layer's cache
    return _backward(AL, Y, caches, lambd)


def _labels(AL: np.ndarray, output: str) -> np.ndarray:
    """Unchecked labels ``(1, m)`` from the output ``AL``: argmax for softmax, ``AL > 0.5`` for a sigmoid unit."""
    if output == "softmax":
        return np.argmax(AL, axis=0).reshape(1, -1)
    return (AL > 0.5).astype(int)


def _accuracy(predictions: np.ndarray, labels: np.ndarray) -> float:
    """Unchecked ``accuracy``: ``labels`` are ``(1, m)`` class indices or 0/1 labels."""
    return np.count_nonzero(predictions == labels) / predictions.shape[1]


def predict(X, parameters, activations, bn_state=None) -> np.ndarray:
    """Integer labels ``(1, m)`` for X ``(n_x, m)``: ``AL > 0.5`` for a sigmoid output, argmax for softmax.

    No dropout; batch-normalized layers use the running statistics in ``bn_state`` (test mode).
    """
    AL, _ = model_forward(X, parameters, activations, bn_state=bn_state, bn_mode="test")
    if activations[-1] != "softmax" and AL.shape[0] != 1:
        raise ValueError(f"predict needs a single sigmoid output unit, got W{len(activations)} with {AL.shape[0]} rows")
    return _labels(AL, activations[-1])


def accuracy(predictions, Y) -> float:
    """Fraction in [0, 1] of ``predictions`` ``(1, m)`` equal to the labels ``Y``: ``(1, m)`` labels or one-hot ``(C, m)``."""
    predictions = as_float_array(predictions, "predictions", ndim=2)
    check_shape(predictions, (1, None), "predictions")
    Y = as_float_array(Y, "Y", ndim=2)
    check_shape(Y, (None, predictions.shape[1]), "Y")
    if predictions.shape[1] == 0:
        raise ValueError("predictions must contain at least one example, got shape (1, 0)")
    if Y.shape[0] > 1:
        labels = np.argmax(_check_labels(Y, Y.shape, "softmax"), axis=0).reshape(1, -1)
    else:
        labels = Y
    return _accuracy(predictions, labels)
