"""Update rules: gradient descent, momentum, RMSProp and Adam, all under one contract.

Every rule is a pair (see docs/conventions.md)::

    state = <name>_init(parameters)
    parameters, state = <name>_update(parameters, grads, state, learning_rate, **hyper)

* ``parameters`` maps names to arrays, with any keys (``W1``, ``b1``, ``gamma2``,
  ``beta2``, ...); ``grads`` holds the gradient of parameter ``name`` under
  ``"d" + name``. Extra entries in ``grads`` (e.g. ``dA1`` or ``dZ1`` caches) are
  ignored.
* Updates return **new** dicts and new arrays; the inputs are never modified.
* State layouts: ``gd: {}``, ``momentum: {"v": {"dW1": ...}}``,
  ``rmsprop: {"s": {"dW1": ...}}``, ``adam: {"v": {...}, "s": {...}, "t": 0}``.

:data:`OPTIMIZERS` maps a name to its ``(init, update)`` pair and
:func:`make_optimizer` wraps a pair and its hyperparameters in a small object.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Mapping

import numpy as np

from course_utils._validation import as_float_array, check_in_range, check_non_negative, check_positive

__all__ = [
    "gd_init",
    "gd_update",
    "momentum_init",
    "momentum_update",
    "rmsprop_init",
    "rmsprop_update",
    "adam_init",
    "adam_update",
    "OPTIMIZERS",
    "make_optimizer",
    "Optimizer",
]


# ---------------------------------------------------------------------------
# argument checks


def _check_parameters(parameters) -> dict:
    if not isinstance(parameters, Mapping):
        raise TypeError(f"parameters must be a dict of arrays, got {type(parameters).__name__}")
    if len(parameters) == 0:
        raise ValueError("parameters must not be empty, got {}")
    checked = {}
    for name, value in parameters.items():
        if not isinstance(name, str):
            raise TypeError(f"parameters keys must be str, got {type(name).__name__} {name!r}")
        checked[name] = as_float_array(value, f"parameters['{name}']")
    return checked


def _check_like_parameters(values: Mapping, label: str, parameters: dict, missing: str) -> dict:
    """``{"d" + name: array}`` from ``values``, one float array per parameter, each of that parameter's shape."""
    checked = {}
    for name, value in parameters.items():
        key = "d" + name
        if key not in values:
            raise KeyError(missing.format(key=key, name=name))
        array = as_float_array(values[key], f"{label}['{key}']")
        if array.shape != value.shape:
            raise ValueError(
                f"{label}['{key}'] must have the shape of parameters['{name}'] {value.shape}, got {array.shape}"
            )
        checked[key] = array
    return checked


def _check_grads(grads, parameters: dict) -> dict:
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict of arrays, got {type(grads).__name__}")
    missing = "grads is missing '{key}', the gradient of parameter '{name}'"
    return _check_like_parameters(grads, "grads", parameters, missing)


def _check_moments(state, slot: str, parameters: dict, optimizer: str) -> dict:
    if slot not in state:
        raise KeyError(f"state is missing '{slot}' (create the state with {optimizer}_init(parameters))")
    moments = state[slot]
    if not isinstance(moments, Mapping):
        raise TypeError(f"state['{slot}'] must be a dict of arrays, got {type(moments).__name__}")
    missing = (
        f"state['{slot}'] is missing '{{key}}' for parameter '{{name}}' "
        f"(create the state with {optimizer}_init(parameters))"
    )
    return _check_like_parameters(moments, f"state['{slot}']", parameters, missing)


def _check_state(state) -> Mapping:
    if not isinstance(state, Mapping):
        raise TypeError(f"state must be a dict, got {type(state).__name__}")
    return state


def _check_beta(value, name: str) -> float:
    return check_in_range(value, name, 0.0, 1.0, False, True)


def _zeros_like(parameters) -> dict:
    parameters = _check_parameters(parameters)
    return {"d" + name: np.zeros_like(value) for name, value in parameters.items()}


# ---------------------------------------------------------------------------
# gradient descent


def gd_init(parameters) -> dict:
    """State of plain gradient descent: the empty dict ``{}``."""
    _check_parameters(parameters)
    return {}


def gd_update(parameters, grads, state, learning_rate):
    """One step of (mini-batch) gradient descent: ``W = W - learning_rate * dW``.

    Parameters
    ----------
    parameters : dict name -> array
    grads : dict ``"d" + name`` -> array of the same shape
    state : dict
        ``{}`` from :func:`gd_init` (unused).
    learning_rate : float >= 0

    Returns
    -------
    (new_parameters, new_state)
        New dicts; the inputs are not modified.
    """
    parameters = _check_parameters(parameters)
    grads = _check_grads(grads, parameters)
    _check_state(state)
    learning_rate = check_non_negative(learning_rate, "learning_rate")
    return _gd_step(parameters, grads, state, learning_rate)


def _gd_step(parameters, grads, state, learning_rate):
    """Unchecked ``gd_update``: ``value - learning_rate * grad`` computed into one new array per parameter."""
    new_parameters = {}
    for name, value in parameters.items():
        new = grads["d" + name] * learning_rate
        new_parameters[name] = np.subtract(value, new, out=new)  # one allocation: large fresh arrays are slow
    return new_parameters, {}


# ---------------------------------------------------------------------------
# momentum


def momentum_init(parameters) -> dict:
    """State of momentum: ``{"v": {"d" + name: zeros_like(parameter)}}``."""
    return {"v": _zeros_like(parameters)}


def momentum_update(parameters, grads, state, learning_rate, beta=0.9):
    """One step of gradient descent with momentum.

    For each parameter ``W`` with gradient ``dW``::

        v = beta * v + (1 - beta) * dW
        W = W - learning_rate * v

    ``v`` is an exponentially weighted average of the gradients (no bias
    correction: after about ``1 / (1 - beta)`` steps it no longer matters).

    Parameters
    ----------
    parameters : dict name -> array
    grads : dict ``"d" + name`` -> array
    state : dict ``{"v": {...}}`` from :func:`momentum_init`
    learning_rate : float >= 0
    beta : float in [0, 1), default 0.9
        ``beta = 0`` is plain gradient descent.

    Returns
    -------
    (new_parameters, new_state)
        New dicts; the inputs are not modified.
    """
    parameters = _check_parameters(parameters)
    grads = _check_grads(grads, parameters)
    state = _check_state(state)
    v = _check_moments(state, "v", parameters, "momentum")
    learning_rate = check_non_negative(learning_rate, "learning_rate")
    beta = _check_beta(beta, "beta")
    return _momentum_step(parameters, grads, {"v": v}, learning_rate, beta)


def _momentum_step(parameters, grads, state, learning_rate, beta):
    """Unchecked ``momentum_update``."""
    v = state["v"]
    new_parameters, new_v = {}, {}
    for name, value in parameters.items():
        key = "d" + name
        new_v[key] = beta * v[key] + (1.0 - beta) * grads[key]
        new_parameters[name] = value - learning_rate * new_v[key]
    return new_parameters, {"v": new_v}


# ---------------------------------------------------------------------------
# RMSProp


def rmsprop_init(parameters) -> dict:
    """State of RMSProp: ``{"s": {"d" + name: zeros_like(parameter)}}``."""
    return {"s": _zeros_like(parameters)}


def rmsprop_update(parameters, grads, state, learning_rate, beta=0.999, epsilon=1e-8):
    """One step of RMSProp.

    For each parameter ``W`` with gradient ``dW`` (squares taken element-wise)::

        s = beta * s + (1 - beta) * dW**2
        W = W - learning_rate * dW / (sqrt(s) + epsilon)

    Directions with large, oscillating gradients are damped; ``epsilon`` (outside
    the square root) only guards against division by zero.

    Parameters
    ----------
    parameters : dict name -> array
    grads : dict ``"d" + name`` -> array
    state : dict ``{"s": {...}}`` from :func:`rmsprop_init`
    learning_rate : float >= 0
    beta : float in [0, 1), default 0.999
    epsilon : float > 0, default 1e-8

    Returns
    -------
    (new_parameters, new_state)
        New dicts; the inputs are not modified.
    """
    parameters = _check_parameters(parameters)
    grads = _check_grads(grads, parameters)
    state = _check_state(state)
    s = _check_moments(state, "s", parameters, "rmsprop")
    learning_rate = check_non_negative(learning_rate, "learning_rate")
    beta = _check_beta(beta, "beta")
    epsilon = check_positive(epsilon, "epsilon")
    return _rmsprop_step(parameters, grads, {"s": s}, learning_rate, beta, epsilon)


def _rmsprop_step(parameters, grads, state, learning_rate, beta, epsilon):
    """Unchecked ``rmsprop_update``."""
    s = state["s"]
    new_parameters, new_s = {}, {}
    for name, value in parameters.items():
        key = "d" + name
        grad = grads[key]
        new_s[key] = beta * s[key] + (1.0 - beta) * grad**2
        new_parameters[name] = value - learning_rate * grad / (np.sqrt(new_s[key]) + epsilon)
    return new_parameters, {"s": new_s}


# ---------------------------------------------------------------------------
# Adam


def adam_init(parameters) -> dict:
    """State of Adam: ``{"v": zeros, "s": zeros, "t": 0}`` (``t`` counts the steps taken)."""
    return {"v": _zeros_like(parameters), "s": _zeros_like(parameters), "t": 0}


def adam_update(parameters, grads, state, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """One step of Adam (momentum + RMSProp with bias correction).

    ``t`` is incremented first, so the first step uses ``t = 1``. Then, for each
    parameter ``W`` with gradient ``dW``::

        v = beta1 * v + (1 - beta1) * dW
        s = beta2 * s + (1 - beta2) * dW**2
        v_hat = v / (1 - beta1**t)
        s_hat = s / (1 - beta2**t)
        W = W - learning_rate * v_hat / (sqrt(s_hat) + epsilon)

    On the first step ``v_hat = dW`` and ``s_hat = dW**2``, so every entry moves
    by about ``learning_rate`` (``dW / |dW|``), whatever the gradient's scale.

    Parameters
    ----------
    parameters : dict name -> array
    grads : dict ``"d" + name`` -> array
    state : dict ``{"v": {...}, "s": {...}, "t": int}`` from :func:`adam_init`
    learning_rate : float >= 0
    beta1 : float in [0, 1), default 0.9
        Momentum (first moment) decay.
    beta2 : float in [0, 1), default 0.999
        RMSProp (second moment) decay.
    epsilon : float > 0, default 1e-8
        Added outside the square root.

    Returns
    -------
    (new_parameters, new_state)
        New dicts (``new_state["t"] = state["t"] + 1``); the inputs are not modified.
    """
    parameters = _check_parameters(parameters)
    grads = _check_grads(grads, parameters)
    state = _check_state(state)
    v = _check_moments(state, "v", parameters, "adam")
    s = _check_moments(state, "s", parameters, "adam")
    if "t" not in state:
        raise KeyError("state is missing 't' (create the state with adam_init(parameters))")
    t = state["t"]
    if isinstance(t, bool) or not isinstance(t, numbers.Integral):
        raise TypeError(f"state['t'] must be an integer, got {type(t).__name__} {t!r}")
    if t < 0:
        raise ValueError(f"state['t'] must be >= 0, got {t!r}")
    learning_rate = check_non_negative(learning_rate, "learning_rate")
    beta1 = _check_beta(beta1, "beta1")
    beta2 = _check_beta(beta2, "beta2")
    epsilon = check_positive(epsilon, "epsilon")
    return _adam_step(parameters, grads, {"v": v, "s": s, "t": int(t)}, learning_rate, beta1, beta2, epsilon)


def _adam_step(parameters, grads, state, learning_rate, beta1, beta2, epsilon):
    """Unchecked ``adam_update``."""
    v, s, t = state["v"], state["s"], state["t"] + 1
    correction1 = 1.0 - beta1**t
    correction2 = 1.0 - beta2**t
    new_parameters, new_v, new_s = {}, {}, {}
    for name, value in parameters.items():
        key = "d" + name
        grad = grads[key]
        new_v[key] = beta1 * v[key] + (1.0 - beta1) * grad
        new_s[key] = beta2 * s[key] + (1.0 - beta2) * grad**2
        v_hat = new_v[key] / correction1
        s_hat = new_s[key] / correction2
        new_parameters[name] = value - learning_rate * v_hat / (np.sqrt(s_hat) + epsilon)
    return new_parameters, {"v": new_v, "s": new_s, "t": t}


# ---------------------------------------------------------------------------
# registry


_STEPS = {"gd": _gd_step, "momentum": _momentum_step, "rmsprop": _rmsprop_step, "adam": _adam_step}
"""Unchecked update of each rule, with all hyperparameters passed explicitly (``Optimizer._step``)."""

OPTIMIZERS = {
    "gd": (gd_init, gd_update),
    "momentum": (momentum_init, momentum_update),
    "rmsprop": (rmsprop_init, rmsprop_update),
    "adam": (adam_init, adam_update),
}

_HYPERPARAMETERS = {
    "gd": {},
    "momentum": {"beta": _check_beta},
    "rmsprop": {"beta": _check_beta, "epsilon": check_positive},
    "adam": {"beta1": _check_beta, "beta2": _check_beta, "epsilon": check_positive},
}


class Optimizer:
    """A named update rule with fixed hyperparameters (see :func:`make_optimizer`).

    Attributes
    ----------
    name : str
    hyper : dict
        The hyperparameters passed to every update (defaults are not listed).
    """

    def __init__(self, name: str, **hyper):
        if not isinstance(name, str):
            raise TypeError(f"name must be a str, one of {sorted(OPTIMIZERS)}, got {type(name).__name__} {name!r}")
        if name not in OPTIMIZERS:
            raise ValueError(f"name must be one of {sorted(OPTIMIZERS)}, got {name!r}")
        allowed = _HYPERPARAMETERS[name]
        for key, value in hyper.items():
            if key not in allowed:
                expected = sorted(allowed) if allowed else "none"
                raise TypeError(f"{name} got an unexpected hyperparameter {key!r} (allowed: {expected})")
            allowed[key](value, key)
        self.name = name
        self.hyper = dict(hyper)
        self._init, self._update = OPTIMIZERS[name]
        defaults = list(inspect.signature(self._update).parameters.values())[4:]  # after (parameters, ..., lr)
        self._all_hyper = {p.name: p.default for p in defaults} | self.hyper
        self._unchecked = _STEPS[name]

    def init(self, parameters) -> dict:
        """Return a fresh state for ``parameters``."""
        return self._init(parameters)

    def step(self, parameters, grads, state, learning_rate):
        """Apply one update; returns ``(new_parameters, new_state)``."""
        return self._update(parameters, grads, state, learning_rate, **self.hyper)

    def _step(self, parameters, grads, state, learning_rate):
        """``step`` without checks, for arguments known to be valid (``train``'s inner loop)."""
        return self._unchecked(parameters, grads, state, learning_rate, **self._all_hyper)

    def __repr__(self) -> str:
        arguments = "".join(f", {key}={value!r}" for key, value in self.hyper.items())
        return f"make_optimizer({self.name!r}{arguments})"


def make_optimizer(name: str, **hyper) -> Optimizer:
    """Wrap an update rule and its hyperparameters in an object.

    Parameters
    ----------
    name : {"gd", "momentum", "rmsprop", "adam"}
    **hyper
        Hyperparameters of that rule (``beta`` for momentum; ``beta``, ``epsilon``
        for RMSProp; ``beta1``, ``beta2``, ``epsilon`` for Adam). They are checked
        now; unknown names raise ``TypeError``.

    Returns
    -------
    Optimizer
        With ``.init(parameters) -> state`` and
        ``.step(parameters, grads, state, learning_rate) -> (parameters, state)``.

    Examples
    --------
    >>> opt = make_optimizer("adam", beta1=0.9)
    >>> state = opt.init({"W1": np.zeros((2, 3))})
    >>> state["t"]
    0
    """
    return Optimizer(name, **hyper)
