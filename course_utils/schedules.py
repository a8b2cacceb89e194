"""Learning-rate decay schedules.

Every schedule is a function ``f(learning_rate0, epoch_num, **hyper) -> float``.
``epoch_num`` is an integer counted **from 0**: the first pass over the data is
epoch 0 (as in ``for epoch_num in range(num_epochs)``), the one the lecture calls
epoch 1. Every schedule returns ``learning_rate0`` times a factor that is at most
1 at epoch 0 and does not increase with ``epoch_num``.

The lecture's formulas count epochs from 1, so they already decay during the
first pass (``alpha0 / (1 + decay_rate)`` for inverse-time decay). Here
inverse-time, exponential, staircase and fixed-interval decay put ``epoch_num``
itself into the formula: the first pass uses ``learning_rate0`` undecayed and
every rate comes one epoch later than on the lecture's slide. Inverse-square-root
decay is written with ``epoch_num + 1`` (``1/sqrt(0)`` does not exist), which is
the lecture's own value for the same pass.

:data:`SCHEDULES` maps names to the functions and :func:`make_schedule` fixes
``learning_rate0`` and the hyperparameters, giving a callable ``lr(epoch_num)``.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers

from course_utils._validation import check_in_range, check_non_negative, check_positive, check_positive_int

__all__ = [
    "inverse_time_decay",
    "exponential_decay",
    "inverse_sqrt_decay",
    "staircase_decay",
    "interval_decay",
    "SCHEDULES",
    "make_schedule",
]


def _check_epoch(epoch_num) -> int:
    if isinstance(epoch_num, bool) or not isinstance(epoch_num, numbers.Integral):
        raise TypeError(f"epoch_num must be an integer >= 0, got {type(epoch_num).__name__} {epoch_num!r}")
    if epoch_num < 0:
        raise ValueError(f"epoch_num must be >= 0, got {epoch_num!r}")
    return int(epoch_num)


def inverse_time_decay(learning_rate0, epoch_num, decay_rate) -> float:
    """``learning_rate0 / (1 + decay_rate * epoch_num)``: the course's main formula, with ``epoch_num`` from 0.

    Epoch 0 (the lecture's epoch 1) uses ``learning_rate0``; epoch ``e`` uses the
    rate the lecture's slide gives its epoch ``e``, i.e. one pass later.

    Parameters
    ----------
    learning_rate0 : float > 0
        Learning rate at epoch 0.
    epoch_num : int >= 0
    decay_rate : float >= 0
        0 keeps the learning rate constant.

    Examples
    --------
    >>> inverse_time_decay(0.2, 3, decay_rate=1.0)
    0.05
    """
    learning_rate0 = check_positive(learning_rate0, "learning_rate0")
    epoch_num = _check_epoch(epoch_num)
    decay_rate = check_non_negative(decay_rate, "decay_rate")
    return learning_rate0 / (1.0 + decay_rate * epoch_num)


def exponential_decay(learning_rate0, epoch_num, decay_base=0.95) -> float:
    """``learning_rate0 * decay_base ** epoch_num``.

    Parameters
    ----------
    learning_rate0 : float > 0
    epoch_num : int >= 0
    decay_base : float in (0, 1], default 0.95
        1 keeps the learning rate constant.
    """
    learning_rate0 = check_positive(learning_rate0, "learning_rate0")
    epoch_num = _check_epoch(epoch_num)
    decay_base = check_in_range(decay_base, "decay_base", 0.0, 1.0, True, False)
    return learning_rate0 * decay_base**epoch_num


def inverse_sqrt_decay(learning_rate0, epoch_num, k=1.0) -> float:
    """``k * learning_rate0 / sqrt(epoch_num + 1)``.

    The course writes ``k / sqrt(epoch_num) * learning_rate0`` with epochs counted
    from 1. Here, as for every schedule in this module, ``epoch_num`` counts from
    0 (epoch 0 is the lecture's epoch 1), so we use ``sqrt(epoch_num + 1)``: each
    pass gets the lecture's rate for that pass (epoch 0 gets ``k * learning_rate0``,
    epoch 3 gets ``k * learning_rate0 / 2``), and there is no division by zero.

    Parameters
    ----------
    learning_rate0 : float > 0
    epoch_num : int >= 0
    k : float > 0, default 1.0
        Constant factor; with ``k = 1`` epoch 0 uses exactly ``learning_rate0``.
    """
    learning_rate0 = check_positive(learning_rate0, "learning_rate0")
    epoch_num = _check_epoch(epoch_num)
    k = check_positive(k, "k")
    return k * learning_rate0 / math.sqrt(epoch_num + 1)


def staircase_decay(learning_rate0, epoch_num, drop=0.5, epochs_per_drop=10) -> float:
    """Discrete staircase: ``learning_rate0 * drop ** floor(epoch_num / epochs_per_drop)``.

    The learning rate is multiplied by ``drop`` every ``epochs_per_drop`` epochs
    (epochs 0..9 use ``learning_rate0``, 10..19 ``drop * learning_rate0``, ...).

    Parameters
    ----------
    learning_rate0 : float > 0
    epoch_num : int >= 0
    drop : float in (0, 1], default 0.5
    epochs_per_drop : int >= 1, default 10
    """
    learning_rate0 = check_positive(learning_rate0, "learning_rate0")
    epoch_num = _check_epoch(epoch_num)
    drop = check_in_range(drop, "drop", 0.0, 1.0, True, False)
    epochs_per_drop = check_positive_int(epochs_per_drop, "epochs_per_drop")
    return learning_rate0 * drop ** (epoch_num // epochs_per_drop)


def interval_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000) -> float:
    """Fixed-interval inverse-time decay: ``learning_rate0 / (1 + decay_rate * floor(epoch_num / time_interval))``.

    Like :func:`inverse_time_decay`, but the rate only changes every
    ``time_interval`` epochs (the "scheduling" variant of the course's
    programming assignment), so it stays constant in between.

    Parameters
    ----------
    learning_rate0 : float > 0
    epoch_num : int >= 0
    decay_rate : float >= 0
    time_interval : int >= 1, default 1000
    """
    learning_rate0 = check_positive(learning_rate0, "learning_rate0")
    epoch_num = _check_epoch(epoch_num)
    decay_rate = check_non_negative(decay_rate, "decay_rate")
    time_interval = check_positive_int(time_interval, "time_interval")
    return learning_rate0 / (1.0 + decay_rate * (epoch_num // time_interval))


SCHEDULES = {
    "inverse_time": inverse_time_decay,
    "exponential": exponential_decay,
    "inverse_sqrt": inverse_sqrt_decay,
    "staircase": staircase_decay,
    "interval": interval_decay,
}


def make_schedule(name, learning_rate0, **kw):
    """Return ``lr(epoch_num)`` for the schedule ``name`` with fixed hyperparameters.

    Parameters
    ----------
    name : {"inverse_time", "exponential", "inverse_sqrt", "staircase", "interval"}
    learning_rate0 : float > 0
    **kw
        The schedule's hyperparameters (e.g. ``decay_rate=1.0``). They are checked
        now: unknown or missing ones raise ``TypeError``, invalid values
        ``ValueError``.

    Returns
    -------
    callable
        ``lr(epoch_num) -> float`` (a :func:`functools.partial`).

    Examples
    --------
    >>> lr = make_schedule("inverse_time", 0.2, decay_rate=1.0)
    >>> [lr(epoch) for epoch in range(3)]
    [0.2, 0.1, 0.06666666666666667]
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, one of {sorted(SCHEDULES)}, got {type(name).__name__} {name!r}")
    if name not in SCHEDULES:
        raise ValueError(f"name must be one of {sorted(SCHEDULES)}, got {name!r}")
    function = SCHEDULES[name]
    signature = inspect.signature(function)
    hyper_names = [p for p in signature.parameters if p not in ("learning_rate0", "epoch_num")]
    for key in kw:
        if key not in hyper_names:
            raise TypeError(f"schedule {name!r} got an unexpected hyperparameter {key!r} (allowed: {hyper_names})")
    for key in hyper_names:
        if signature.parameters[key].default is inspect.Parameter.empty and key not in kw:
            raise TypeError(f"schedule {name!r} needs the hyperparameter {key!r}")
    function(learning_rate0, 0, **kw)  # validates learning_rate0 and the hyperparameters now
    return functools.partial(function, learning_rate0, **kw)
