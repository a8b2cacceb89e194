"""Batch normalization of a layer's pre-activations.

``Z`` is ``(n, m)``: each row (feature) is normalized over the ``m`` examples (``axis=1``), then
scaled and shifted: ``Z_out = gamma * Z_hat + beta`` with ``gamma``, ``beta`` of shape ``(n, 1)``.

Running statistics for test time live in a dict ``running = {"mean": (n, 1), "var": (n, 1)}``.
In train mode they are updated in place (the dict's entries are replaced) by an exponentially
weighted average ``running = momentum * running + (1 - momentum) * batch_stat``. Missing entries
start at ``mean = 0`` and ``var = 1`` (the statistics of an already-normalized input), before
the first update. The batch variance is the biased one (divides by ``m``), in both uses.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import numpy as np

from ._validation import as_float_array, check_choice, check_in_range, check_positive, check_shape

__all__ = ["batchnorm_backward", "batchnorm_forward"]


def _running_stat(running, key: str, n: int) -> np.ndarray:
    value = as_float_array(running[key], f"running['{key}']", ndim=2)
    check_shape(value, (n, 1), f"running['{key}']")
    return value


def _check_arguments(n: int, m: int, gamma, beta, running, mode, momentum, epsilon):
    """The checks of ``batchnorm_forward`` for a ``Z`` of shape ``(n, m)``; returns the converted arguments.

    ``running`` is returned with float64 ``"mean"``/``"var"`` arrays (those present), or ``None``.
    """
    gamma = as_float_array(gamma, "gamma", ndim=2)
    check_shape(gamma, (n, 1), "gamma")
    beta = as_float_array(beta, "beta", ndim=2)
    check_shape(beta, (n, 1), "beta")
    check_choice(mode, "mode", {"train", "test"})
    momentum = check_in_range(momentum, "momentum", 0.0, 1.0, low_open=False, high_open=False)
    epsilon = check_positive(epsilon, "epsilon")
    if running is not None and not isinstance(running, MutableMapping):
        raise TypeError(f"running must be a dict with 'mean' and 'var' arrays, got {type(running).__name__}")
    if mode == "train":
        if m < 1:
            raise ValueError(f"Z must have at least one example (column) in train mode, got shape {(n, m)}")
        stats = {} if running is None else {key: _running_stat(running, key, n) for key in ("mean", "var") if key in running}
    else:
        if running is None or "mean" not in running or "var" not in running:
            given = None if running is None else sorted(map(str, running))
            raise ValueError(f"running must contain 'mean' and 'var' in test mode, got {given}")
        stats = {key: _running_stat(running, key, n) for key in ("mean", "var")}
        if np.any(stats["var"] < 0):
            raise ValueError(f"running['var'] must be >= 0, got minimum {stats['var'].min():g}")
    return gamma, beta, stats, momentum, epsilon


# Unchecked implementations (arguments already validated); the public functions below check and call them.
def _running_averages(old_mean, old_var, mean, var, momentum: float) -> tuple[np.ndarray, np.ndarray]:
    """The running statistics after one more batch: ``momentum`` is the weight of the old values."""
    return momentum * old_mean + (1.0 - momentum) * mean, momentum * old_var + (1.0 - momentum) * var


def _update_running(running: dict, mean, var, momentum: float, rule=_running_averages) -> None:
    """Replace ``running``'s ``"mean"``/``"var"`` (0 and 1 when missing) by ``rule``'s new values."""
    n = mean.shape[0]
    old_mean = running["mean"] if "mean" in running else np.zeros((n, 1))
    old_var = running["var"] if "var" in running else np.ones((n, 1))
    running["mean"], running["var"] = rule(old_mean, old_var, mean, var, momentum)


def _batchnorm_forward(
    Z, gamma, beta, running, mode: str, momentum: float, epsilon: float, running_rule=_running_averages
) -> tuple[np.ndarray, dict]:
    """Unchecked ``batchnorm_forward``; in train mode ``running`` (a dict or ``None``) gets new ``"mean"``/``"var"``
    from ``running_rule``."""
    if mode == "train":
        mean = Z.mean(axis=1, keepdims=True)
        centered = Z - mean
        var = (centered * centered).mean(axis=1, keepdims=True)  # = Z.var(axis=1, keepdims=True)
        if running is not None:
            _update_running(running, mean, var, momentum, running_rule)
    else:
        mean, var = running["mean"], running["var"]
        centered = Z - mean
    inv_std = 1.0 / np.sqrt(var + epsilon)
    Z_hat = centered
    Z_hat *= inv_std
    Z_out = gamma * Z_hat
    Z_out += beta
    return Z_out, {"Z_hat": Z_hat, "inv_std": inv_std, "gamma": gamma, "mode": mode}


def _batchnorm_backward(dZ_out: np.ndarray, cache: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    Z_hat, inv_std, gamma = cache["Z_hat"], cache["inv_std"], cache["gamma"]
    m = Z_hat.shape[1]
    dgamma = (dZ_out * Z_hat).sum(axis=1, keepdims=True) / m
    dbeta = dZ_out.sum(axis=1, keepdims=True) / m
    G = gamma * dZ_out
    if cache["mode"] == "train":
        dZ = G - G.mean(axis=1, keepdims=True)
        dZ -= Z_hat * (G * Z_hat).mean(axis=1, keepdims=True)
        dZ *= inv_std
    else:
        dZ = G
        dZ *= inv_std
    return dZ, dgamma, dbeta


def batchnorm_forward(
    Z, gamma, beta, running=None, mode: str = "train", momentum=0.9, epsilon=1e-5
) -> tuple[np.ndarray, dict]:
    """Batch-normalize ``Z`` ``(n, m)`` feature-wise, then ``gamma * Z_hat + beta`` (gamma, beta ``(n, 1)``).

    ``mode="train"``: use the batch mean/variance and, if ``running`` is a dict, update its
    ``"mean"``/``"var"`` in place (initial values 0 and 1 when missing). ``mode="test"``: use
    ``running["mean"]`` and ``running["var"]`` (required). Returns ``(Z_out, cache)``, Z_out ``(n, m)``.
    """
    Z = as_float_array(Z, "Z", ndim=2)
    gamma, beta, stats, momentum, epsilon = _check_arguments(*Z.shape, gamma, beta, running, mode, momentum, epsilon)
    Z_out, cache = _batchnorm_forward(Z, gamma, beta, stats, mode, momentum, epsilon)
    if running is not None and mode == "train":
        running["mean"], running["var"] = stats["mean"], stats["var"]
    return Z_out, cache


def batchnorm_backward(dZ_out, cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward of ``batchnorm_forward``; dZ_out ``(n, m)`` -> ``(dZ (n, m), dgamma (n, 1), dbeta (n, 1))``.

    Per-example convention (docs/conventions.md): ``dgamma = (1/m) sum(dZ_out * Z_hat, axis=1)``,
    ``dbeta = (1/m) sum(dZ_out, axis=1)`` and ``dZ`` carries no ``1/m``. In train mode, with
    ``G = gamma * dZ_out``: ``dZ = inv_std * (G - mean(G) - Z_hat * mean(G * Z_hat))`` (means over
    the examples), which accounts for the batch mean and variance depending on ``Z``. In test mode
    the statistics are constants and ``dZ = inv_std * G``.
    """
    if not isinstance(cache, dict) or not {"Z_hat", "inv_std", "gamma", "mode"} <= cache.keys():
        raise TypeError(f"cache must be the dict returned by batchnorm_forward, got {type(cache).__name__}")
    dZ_out = as_float_array(dZ_out, "dZ_out", ndim=2)
    check_shape(dZ_out, cache["Z_hat"].shape, "dZ_out")
    return _batchnorm_backward(dZ_out, cache)
