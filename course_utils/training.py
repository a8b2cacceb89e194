"""A training loop composing the course's kernels: optimizer, mini-batches, L2, dropout, batch norm,
learning-rate decay and early stopping on a dev set, with a tqdm progress bar and a history."""

from __future__ import annotations

import dataclasses
import math
import os
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
from .costs import _check_labels, _cost
from .initialization import initialize_parameters
from .mlp import (
    _accuracy,
    _backward,
    _check_activations,
    _check_layers,
    _forward,
    layer_count,
    predict,
)
from .mlp import _labels as _output_labels
from .optimizers import make_optimizer
from .student_kernels import REFERENCE, Kernels


@dataclasses.dataclass
class TrainingResult:
    """What :func:`train` returns.

    ``history`` maps ``"cost"``, ``"learning_rate"``, ``"train_accuracy"`` and, with a dev set,
    ``"dev_cost"``/``"dev_accuracy"`` to one value per epoch (``train_accuracy`` is NaN for the
    epochs that ``eval_every`` skips). ``best_epoch`` is the epoch whose parameters were kept (the
    last one unless early stopping restored an earlier one).
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


def _labels(AL: np.ndarray, output: str) -> np.ndarray:
    """The labels ``predict`` derives from ``AL``: argmax for softmax, ``AL > 0.5`` for a single sigmoid unit."""
    if output != "softmax" and AL.shape[0] != 1:
        raise ValueError(f"predict needs a single sigmoid output unit, got an output layer with {AL.shape[0]} rows")
    return _output_labels(AL, output)


def _predict_in_blocks(X: np.ndarray, parameters: dict, activations: list, bn_state, kernels=REFERENCE) -> np.ndarray:
    """Unchecked ``predict(X, ...)`` computed on blocks of ``_EVAL_BLOCK`` columns (examples are independent
    at test time). For m = 10,000 this was about 1.5-2.5x faster inside ``train`` than one call (no
    ``(n[l], m)`` temporaries)."""
    blocks = [
        _labels(_forward(X[:, start : start + _EVAL_BLOCK], parameters, activations, bn_state=bn_state,
                         bn_mode="test", kernels=kernels)[0], activations[-1])
        for start in range(0, X.shape[1], _EVAL_BLOCK)
    ]
    return blocks[0] if len(blocks) == 1 else np.concatenate(blocks, axis=1)


def _class_labels(Y: np.ndarray) -> np.ndarray:
    """The ``(1, m)`` labels ``accuracy`` compares predictions with: ``Y`` itself or the argmax of one-hot ``Y``."""
    return Y if Y.shape[0] == 1 else np.argmax(Y, axis=0).reshape(1, -1)


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
    eval_every: int | None = 1,
    progress: bool = True,
    kernels: Kernels | None = None,
) -> TrainingResult:
    """Train an L-layer network on ``X`` ``(n_x, m)``, ``Y`` ``(n[L], m)``; returns a :class:`TrainingResult`.

    ``layer_dims`` = ``[n_x, n1, ..., n[L]]``. ``optimizer`` is ``"gd"``, ``"momentum"``, ``"rmsprop"``
    or ``"adam"`` with ``optimizer_hyper`` (e.g. ``{"beta1": 0.9}``). ``schedule(epoch) -> learning rate``
    (e.g. from ``course_utils.schedules.make_schedule``) overrides ``learning_rate`` once per epoch.
    ``mini_batch_size=None`` trains full batch. ``patience`` (needs ``X_dev``/``Y_dev``) stops after that
    many epochs without a lower dev cost and restores the best parameters. ``parameters`` warm-starts
    from given weights instead of ``init``. All randomness (init, shuffles, dropout masks) comes from ``rng``.
    The recorded cost is the average mini-batch cost *with* dropout on (not reliable with ``keep_prob < 1``).
    ``eval_every=k`` computes the accuracy on the whole training set (an extra forward pass per epoch with
    mini-batches, dropout or batch norm) only after epochs ``0, k, 2k, ...`` and the last one; the other
    epochs' ``train_accuracy`` is NaN. ``eval_every=None`` never computes it.
    ``progress`` shows a tqdm bar, except while nbgrader executes the notebook (``NBGRADER_EXECUTION`` set):
    nobody watches a graded run, and each bar update is a widget message the grader has to process.
    ``kernels`` (from :func:`course_utils.student_kernels.own_kernels`) swaps in the student's own dropout,
    batch norm, mini-batches, update rule and two-layer L2 backward pass; ``None`` runs the course's reference.
    Raises ``ValueError`` if the cost becomes NaN or infinite (the training diverged).
    """
    rng = check_rng(rng)
    if kernels is None:
        kernels = REFERENCE
    elif not isinstance(kernels, Kernels):
        raise TypeError(f"kernels must be a Kernels (see own_kernels) or None, got {type(kernels).__name__}")
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
    if eval_every is not None:
        check_positive_int(eval_every, "eval_every")

    if parameters is None:
        parameters = initialize_parameters(layer_dims, method=init, rng=rng, scale=init_scale, batchnorm=batchnorm)
    else:
        parameters = {key: np.array(value, dtype=np.float64) for key, value in parameters.items()}
    rule = kernels.update_rule(make_optimizer(optimizer, **(optimizer_hyper or {})))
    # Every check model_forward and compute_cost would make on each step, made once: the loop below
    # calls the unchecked kernels (the same computations).
    L = layer_count(parameters)
    activations = _check_activations(activations, L)
    parameters = _check_layers(parameters, L, X.shape, keep_prob, rng, None, {}, "train", 0.9, 1e-5)[0]
    output = activations[-1]
    n_out = parameters[f"W{L}"].shape[0]
    Y = _check_labels(Y, (n_out, X.shape[1]), output)
    if has_dev:
        _check_layers(parameters, L, X_dev.shape, 1.0, None, None, None, "train", 0.9, 1e-5)
        Y_dev = _check_labels(Y_dev, (n_out, X_dev.shape[1]), output)
        dev_labels = _class_labels(Y_dev)
    train_labels = _class_labels(Y)
    weight_keys = [f"W{l}" for l in range(1, L + 1)]
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
        and (output == "softmax" or n_out == 1)
        and not any(key.startswith("gamma") for key in parameters)
    )
    accuracy_pending = False

    def recorded_cost(AL, Y_part, parameters) -> float:
        return _cost(AL, Y_part, output, lambd, [parameters[key] for key in weight_keys] if lambd > 0 else ())

    progress = progress and "NBGRADER_EXECUTION" not in os.environ
    bar = tqdm(range(num_epochs), desc="training", disable=not progress, leave=False)
    for epoch in bar:
        if schedule is not None:
            alpha = schedule(epoch)
            check_non_negative(alpha, "learning_rate")
        else:
            alpha = learning_rate
        batches = [(X, Y)] if mini_batch_size is None else kernels.mini_batches_of(X, Y, mini_batch_size, rng)
        total = 0.0
        for X_batch, Y_batch in batches:
            AL, caches = _forward(X_batch, parameters, activations, keep_prob, rng, None, bn_state, kernels=kernels)
            if accuracy_pending:  # the previous epoch's entry
                history["train_accuracy"][-1] = _accuracy(_labels(AL, output), train_labels)
                accuracy_pending = False
            total += X_batch.shape[1] * recorded_cost(AL, Y_batch, parameters)
            if kernels.uses_backward_with_l2(caches):
                grads = kernels.backward_with_l2_step(AL, Y_batch, caches, lambd)
            else:
                grads = _backward(AL, Y_batch, caches, lambd, kernels)
            parameters, state = rule._step(parameters, grads, state, alpha)
        cost = total / X.shape[1]
        if not math.isfinite(cost):
            raise ValueError(
                f"cost became {'NaN' if math.isnan(cost) else 'inf'} at epoch {epoch}: lower learning_rate "
                f"(it was {alpha:g}) or normalize X; the training diverged"
            )
        history["cost"].append(cost)
        history["learning_rate"].append(alpha)
        history["train_accuracy"].append(math.nan)
        if eval_every is not None and (epoch % eval_every == 0 or epoch == num_epochs - 1):
            if reuse_forward:
                accuracy_pending = True
            else:
                predictions = _predict_in_blocks(X, parameters, activations, bn_state or None, kernels)
                history["train_accuracy"][-1] = _accuracy(predictions, train_labels)
        if has_dev:
            # Test mode whenever there are running statistics: the same forward pass as predict(X_dev).
            AL_dev, _ = _forward(X_dev, parameters, activations, bn_state=bn_state or None,
                                 bn_mode="test" if bn_state else "train", kernels=kernels)
            dev_cost = recorded_cost(AL_dev, Y_dev, parameters)
            history["dev_cost"].append(dev_cost)
            history["dev_accuracy"].append(_accuracy(_labels(AL_dev, output), dev_labels))
            if dev_cost < best[0]:
                best = (dev_cost, epoch, parameters, {k: v.copy() for k, v in bn_state.items()})
            elif patience is not None and epoch - best[1] >= patience:
                stopped_early = True
                break
        if progress:
            bar.set_postfix(cost=f"{cost:.4f}")
    bar.close()
    if accuracy_pending:
        history["train_accuracy"][-1] = _accuracy(_predict_in_blocks(X, parameters, activations, None, kernels),
                                                  train_labels)

    best_epoch = len(history["cost"]) - 1
    if stopped_early:
        _, best_epoch, parameters, bn_state = best
    return TrainingResult(parameters, activations, bn_state, history, best_epoch, stopped_early)
