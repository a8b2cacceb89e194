"""A training loop composing the course's kernels: optimizer, mini-batches, L2, dropout, batch norm,
learning-rate decay and early stopping on a dev set, with a tqdm progress bar and a history."""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np
from tqdm.auto import tqdm

from ._validation import (
    as_float_array,
    check_in_range,
    check_non_negative,
    check_positive,
    check_positive_int,
    check_rng,
)
from .costs import compute_cost
from .initialization import initialize_parameters
from .minibatch import random_mini_batches
from .mlp import accuracy, model_backward, model_forward, predict
from .optimizers import make_optimizer


@dataclasses.dataclass
class TrainingResult:
    """What :func:`train` returns.

    ``history`` maps ``"cost"``, ``"learning_rate"``, ``"train_accuracy"`` and, with a dev set,
    ``"dev_cost"``/``"dev_accuracy"`` to one value per epoch. ``best_epoch`` is the epoch whose
    parameters were kept (the last one unless early stopping restored an earlier one).
    """

    parameters: dict
    activations: list
    bn_state: dict
    history: dict
    best_epoch: int
    stopped_early: bool

    def predict(self, X) -> np.ndarray:
        """Labels ``(1, m)`` for ``X`` ``(n_x, m)`` (no dropout, batch norm in test mode)."""
        return predict(X, self.parameters, self.activations, bn_state=self.bn_state or None)


_EVAL_BLOCK = 1024
"""``train`` predicts the whole training set in blocks of this many examples (columns) for the accuracy."""


def _predict_in_blocks(X: np.ndarray, parameters: dict, activations: list, bn_state) -> np.ndarray:
    """``predict(X, ...)`` computed on blocks of ``_EVAL_BLOCK`` columns (examples are independent at test time).

    For m = 10,000 this was about 1.5-2.5x faster inside ``train`` than one call (no ``(n[l], m)`` temporaries).
    """
    m = X.shape[1]
    if m <= _EVAL_BLOCK:
        return predict(X, parameters, activations, bn_state=bn_state)
    blocks = [
        predict(X[:, start : start + _EVAL_BLOCK], parameters, activations, bn_state=bn_state)
        for start in range(0, m, _EVAL_BLOCK)
    ]
    return np.concatenate(blocks, axis=1)


def _labels(AL: np.ndarray, output: str) -> np.ndarray:
    """The labels ``predict`` derives from ``AL``: argmax for softmax, ``AL > 0.5`` for a single sigmoid unit."""
    if output == "softmax":
        return np.argmax(AL, axis=0).reshape(1, -1)
    if AL.shape[0] != 1:
        raise ValueError(f"predict needs a single sigmoid output unit, got an output layer with {AL.shape[0]} rows")
    return (AL > 0.5).astype(int)


def default_activations(layer_dims, hidden: str = "relu") -> list:
    """``hidden`` for every hidden layer, sigmoid output for one unit, softmax for several."""
    output = "sigmoid" if layer_dims[-1] == 1 else "softmax"
    return [hidden] * (len(layer_dims) - 2) + [output]


def train(
    X,
    Y,
    layer_dims,
    *,
    rng,
    activations=None,
    optimizer: str = "gd",
    optimizer_hyper: dict | None = None,
    learning_rate=0.01,
    schedule: Callable[[int], float] | None = None,
    num_epochs: int = 100,
    mini_batch_size: int | None = None,
    lambd=0.0,
    keep_prob=1.0,
    batchnorm: bool = False,
    init: str = "he",
    init_scale=0.01,
    parameters: dict | None = None,
    X_dev=None,
    Y_dev=None,
    patience: int | None = None,
    progress: bool = True,
) -> TrainingResult:
    """Train an L-layer network on ``X`` ``(n_x, m)``, ``Y`` ``(n[L], m)``; returns a :class:`TrainingResult`.

    ``layer_dims`` = ``[n_x, n1, ..., n[L]]``. ``optimizer`` is ``"gd"``, ``"momentum"``, ``"rmsprop"``
    or ``"adam"`` with ``optimizer_hyper`` (e.g. ``{"beta1": 0.9}``). ``schedule(epoch) -> learning rate``
    (e.g. from ``course_utils.schedules.make_schedule``) overrides ``learning_rate`` once per epoch.
    ``mini_batch_size=None`` trains full batch. ``patience`` (needs ``X_dev``/``Y_dev``) stops after that
    many epochs without a lower dev cost and restores the best parameters. ``parameters`` warm-starts
    from given weights instead of ``init``. All randomness (init, shuffles, dropout masks) comes from ``rng``.
    The recorded cost is the average mini-batch cost *with* dropout on (not reliable with ``keep_prob < 1``).
    """
    rng = check_rng(rng)
    X = as_float_array(X, "X", ndim=2)
    Y = as_float_array(Y, "Y", ndim=2)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must have the same number of examples (columns), got {X.shape[1]} and {Y.shape[1]}")
    if X.shape[1] == 0:
        raise ValueError(f"X must contain at least one example (column), got shape {X.shape}")
    layer_dims = [check_positive_int(n, f"layer_dims[{i}]") for i, n in enumerate(layer_dims)]
    if len(layer_dims) < 2 or layer_dims[0] != X.shape[0] or layer_dims[-1] != Y.shape[0]:
        raise ValueError(
            f"layer_dims must start with n_x={X.shape[0]} and end with {Y.shape[0]} output unit(s), got {layer_dims}"
        )
    activations = list(activations) if activations is not None else default_activations(layer_dims)
    num_epochs = check_positive_int(num_epochs, "num_epochs")
    learning_rate = check_positive(learning_rate, "learning_rate")
    lambd = check_non_negative(lambd, "lambd")
    keep_prob = check_in_range(keep_prob, "keep_prob", 0.0, 1.0, low_open=True, high_open=False)
    if mini_batch_size is not None:
        check_positive_int(mini_batch_size, "mini_batch_size")
    has_dev = X_dev is not None and Y_dev is not None
    if patience is not None:
        check_positive_int(patience, "patience")
        if not has_dev:
            raise ValueError("patience needs a dev set: pass X_dev and Y_dev, got none")
    if has_dev:
        X_dev = as_float_array(X_dev, "X_dev", ndim=2)
        Y_dev = as_float_array(Y_dev, "Y_dev", ndim=2)

    if parameters is None:
        parameters = initialize_parameters(layer_dims, method=init, rng=rng, scale=init_scale, batchnorm=batchnorm)
    else:
        parameters = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    output = activations[-1]
    rule = make_optimizer(optimizer, **(optimizer_hyper or {}))
    state = rule.init(parameters)
    bn_state: dict = {}
    history: dict = {"cost": [], "learning_rate": [], "train_accuracy": []}
    if has_dev:
        history.update(dev_cost=[], dev_accuracy=[])
    best = (np.inf, 0, parameters, dict(bn_state))
    stopped_early = False
    # Full batch, no dropout, no batch norm: the next epoch's forward pass computes exactly what
    # predict(X, parameters) would, so this epoch's train accuracy is read from it (one forward
    # pass per epoch instead of two; the last epoch's accuracy comes from predict after the loop).
    reuse_forward = (
        mini_batch_size is None
        and keep_prob == 1.0
        and (output == "softmax" or layer_dims[-1] == 1)
        and not any(key.startswith("gamma") for key in parameters)
    )
    accuracy_pending = False

    bar = tqdm(range(num_epochs), desc="training", disable=not progress, leave=False)
    for epoch in bar:
        alpha = schedule(epoch) if schedule is not None else learning_rate
        batches = [(X, Y)] if mini_batch_size is None else random_mini_batches(X, Y, mini_batch_size, rng=rng)
        total = 0.0
        for X_batch, Y_batch in batches:
            AL, caches = model_forward(X_batch, parameters, activations, keep_prob=keep_prob, rng=rng, bn_state=bn_state)
            if accuracy_pending:
                history["train_accuracy"].append(accuracy(_labels(AL, output), Y))
                accuracy_pending = False
            total += X_batch.shape[1] * compute_cost(AL, Y_batch, parameters, lambd=lambd, output=output)
            grads = model_backward(AL, Y_batch, caches, lambd=lambd)
            parameters, state = rule.step(parameters, grads, state, alpha)
        history["cost"].append(total / X.shape[1])
        history["learning_rate"].append(alpha)
        evaluation = bn_state or None
        if reuse_forward:
            accuracy_pending = True
        else:
            history["train_accuracy"].append(accuracy(_predict_in_blocks(X, parameters, activations, evaluation), Y))
        if has_dev:
            # Test mode whenever there are running statistics: the same forward pass as predict(X_dev).
            AL_dev, _ = model_forward(X_dev, parameters, activations, bn_state=evaluation, bn_mode="test" if bn_state else "train")
            dev_cost = compute_cost(AL_dev, Y_dev, parameters, lambd=lambd, output=output)
            history["dev_cost"].append(dev_cost)
            history["dev_accuracy"].append(accuracy(_labels(AL_dev, output), Y_dev))
            if dev_cost < best[0]:
                best = (dev_cost, epoch, parameters, {k: v.copy() for k, v in bn_state.items()})
            elif patience is not None and epoch - best[1] >= patience:
                stopped_early = True
                break
        bar.set_postfix(cost=f"{history['cost'][-1]:.4f}")
    bar.close()
    if accuracy_pending:
        history["train_accuracy"].append(accuracy(_predict_in_blocks(X, parameters, activations, None), Y))

    best_epoch = len(history["cost"]) - 1
    if stopped_early:
        _, best_epoch, parameters, bn_state = best
    return TrainingResult(parameters, activations, bn_state, history, best_epoch, stopped_early)
