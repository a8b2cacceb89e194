"""One hyperparameter-search trial on the digits set, and a "babysat" run whose learning rate is adjusted by a rule.

:func:`run_trial` is a plain module-level function of a dict, so a
``concurrent.futures.ProcessPoolExecutor`` can pickle it and run several trials
at once (the "caviar" strategy). :func:`babysit` trains one model and adjusts its
learning rate between epochs from the dev cost, the way a person watching the
curves would (the "panda" strategy).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Mapping

import numpy as np

from ._validation import check_in_range, check_positive, check_positive_int
from .costs import compute_cost
from .datasets import load_digits
from .initialization import initialize_parameters
from .minibatch import random_mini_batches
from .mlp import accuracy, model_backward, model_forward
from .optimizers import make_optimizer
from .training import default_activations, train

__all__ = ["TRIAL_DEFAULTS", "run_trial", "babysit"]

TRIAL_DEFAULTS = {
    "learning_rate": 0.01,
    "hidden_units": 32,
    "optimizer": "adam",
    "beta": None,
    "num_epochs": 15,
    "mini_batch_size": 64,
    "seed": 0,
}
"""The settings :func:`run_trial` uses for every key its ``config`` does not give."""

_BETA_NAME = {"adam": "beta1", "momentum": "beta", "rmsprop": "beta"}


@functools.lru_cache(maxsize=None)
def _digits(split: str):
    """The digits split, loaded once per process (each pool worker loads its own copy)."""
    return load_digits(split)


def _full_config(config) -> dict:
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict of hyperparameters, got {type(config).__name__}")
    unknown = sorted(set(config) - set(TRIAL_DEFAULTS))
    if unknown:
        raise ValueError(f"config has unknown keys {unknown}; known keys are {sorted(TRIAL_DEFAULTS)}")
    full = {**TRIAL_DEFAULTS, **config}
    full["learning_rate"] = check_positive(full["learning_rate"], "config['learning_rate']")
    full["hidden_units"] = check_positive_int(full["hidden_units"], "config['hidden_units']")
    full["num_epochs"] = check_positive_int(full["num_epochs"], "config['num_epochs']")
    full["mini_batch_size"] = check_positive_int(full["mini_batch_size"], "config['mini_batch_size']")
    full["seed"] = int(full["seed"])
    if full["optimizer"] not in ("gd", *_BETA_NAME):
        raise ValueError(f"config['optimizer'] must be one of ['gd', {', '.join(map(repr, _BETA_NAME))}], "
                         f"got {full['optimizer']!r}")
    if full["beta"] is not None:
        if full["optimizer"] == "gd":
            raise ValueError("config['beta'] needs an optimizer with an average (momentum, rmsprop, adam), got 'gd'")
        full["beta"] = check_in_range(full["beta"], "config['beta']", 0.0, 1.0, False, True)
    return full


def run_trial(config) -> dict:
    """Train a ``[64, hidden_units, 10]`` ReLU/softmax network on the digits train split; score it on the dev split.

    Parameters
    ----------
    config : dict
        Any of the keys of :data:`TRIAL_DEFAULTS` (the others take their default):
        ``learning_rate``, ``hidden_units``, ``optimizer`` (``"gd"``, ``"momentum"``,
        ``"rmsprop"``, ``"adam"``), ``beta`` (the optimizer's averaging weight,
        ``beta1`` for Adam; ``None`` keeps the optimizer's default), ``num_epochs``,
        ``mini_batch_size`` and ``seed`` (all the trial's randomness comes from
        ``np.random.default_rng(seed)``, so a trial gives the same result in any process).

    Returns
    -------
    dict
        The full config plus ``dev_accuracy`` (after the last epoch), ``best_dev_accuracy``
        (best epoch), ``dev_accuracy_per_epoch`` (list), ``train_accuracy``, ``seconds``
        (wall time of the training) and ``pid`` (the process that ran it).
    """
    full = _full_config(config)
    X_train, Y_train, _ = _digits("train")
    X_dev, Y_dev, _ = _digits("dev")
    hyper = {} if full["beta"] is None else {_BETA_NAME[full["optimizer"]]: full["beta"]}
    start = time.perf_counter()
    result = train(
        X_train, Y_train, [X_train.shape[0], full["hidden_units"], Y_train.shape[0]],
        rng=np.random.default_rng(full["seed"]), optimizer=full["optimizer"], optimizer_hyper=hyper,
        learning_rate=full["learning_rate"], num_epochs=full["num_epochs"],
        mini_batch_size=full["mini_batch_size"], X_dev=X_dev, Y_dev=Y_dev, progress=False,
    )
    seconds = time.perf_counter() - start
    dev = [float(a) for a in result.history["dev_accuracy"]]
    return {
        **full,
        "dev_accuracy": dev[-1],
        "best_dev_accuracy": max(dev),
        "dev_accuracy_per_epoch": dev,
        "train_accuracy": float(result.history["train_accuracy"][-1]),
        "seconds": seconds,
        "pid": os.getpid(),
    }


def babysit(learning_rate, num_epochs=20, *, hidden_units=32, decrease=0.5, mini_batch_size=64, seed=0) -> dict:
    """Train one digits model with Adam, adjusting the learning rate between epochs like a person watching it.

    After every epoch the dev cost is compared with the best dev cost so far: if it is
    higher, the learning rate is multiplied by ``decrease`` (``decrease=1`` never changes
    it: the same run without a babysitter). The Adam state carries over from epoch to epoch.

    Parameters
    ----------
    learning_rate : float > 0
        The starting learning rate.
    num_epochs : int >= 1
    hidden_units : int >= 1
        The network is ``[64, hidden_units, 10]`` (ReLU, softmax).
    decrease : float in (0, 1]
    mini_batch_size : int >= 1
    seed : int
        Initialization and shuffles come from ``np.random.default_rng(seed)``.

    Returns
    -------
    dict of lists, one value per epoch
        ``learning_rate`` (used during that epoch), ``dev_cost``, ``dev_accuracy``.
    """
    alpha = check_positive(learning_rate, "learning_rate")
    num_epochs = check_positive_int(num_epochs, "num_epochs")
    hidden_units = check_positive_int(hidden_units, "hidden_units")
    decrease = check_in_range(decrease, "decrease", 0.0, 1.0, True, False)
    mini_batch_size = check_positive_int(mini_batch_size, "mini_batch_size")
    rng = np.random.default_rng(seed)
    X_train, Y_train, _ = _digits("train")
    X_dev, Y_dev, _ = _digits("dev")
    layer_dims = [X_train.shape[0], hidden_units, Y_train.shape[0]]
    activations = default_activations(layer_dims)
    parameters = initialize_parameters(layer_dims, method="he", rng=rng)
    rule = make_optimizer("adam")
    state = rule.init(parameters)
    history = {"learning_rate": [], "dev_cost": [], "dev_accuracy": []}
    best_cost = np.inf
    for _ in range(num_epochs):
        for X_batch, Y_batch in random_mini_batches(X_train, Y_train, mini_batch_size, rng=rng):
            AL, caches = model_forward(X_batch, parameters, activations)
            parameters, state = rule.step(parameters, model_backward(AL, Y_batch, caches), state, alpha)
        AL_dev, _ = model_forward(X_dev, parameters, activations)
        dev_cost = compute_cost(AL_dev, Y_dev, output="softmax")
        history["learning_rate"].append(alpha)
        history["dev_cost"].append(float(dev_cost))
        history["dev_accuracy"].append(float(accuracy(np.argmax(AL_dev, axis=0)[None, :], Y_dev)))
        if not dev_cost < best_cost:  # worse than the best so far (or NaN): slow down
            alpha *= decrease
        best_cost = min(best_cost, dev_cost)
    return history
