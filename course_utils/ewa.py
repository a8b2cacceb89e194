"""Exponentially weighted (moving) averages, the building block of momentum, RMSProp and Adam."""

from __future__ import annotations

import numpy as np

from course_utils._validation import as_float_array, check_in_range

__all__ = ["exponentially_weighted_average", "effective_window"]


def exponentially_weighted_average(theta, beta, bias_correction: bool = False) -> np.ndarray:
    """Exponentially weighted average of a 1-D series.

    ``v_0 = 0`` and, for ``t = 1, ..., T``::

        v_t = beta * v_{t-1} + (1 - beta) * theta_t

    With ``bias_correction=True`` each value is divided by ``1 - beta**t`` (``t``
    counted from 1), which removes the pull towards the initial ``v_0 = 0`` in
    the first steps: the corrected average of a constant series is that constant.

    Parameters
    ----------
    theta : 1-D array of length T
        The series (e.g. daily temperatures), ``theta[0]`` being ``theta_1``.
    beta : float in [0, 1)
        Weight of the past. ``beta = 0`` returns ``theta`` itself; ``beta = 0.9``
        averages over roughly the last ``1 / (1 - beta) = 10`` values
        (see :func:`effective_window`).
    bias_correction : bool, default False
        Divide ``v_t`` by ``1 - beta**t``.

    Returns
    -------
    ndarray of shape (T,), float64
        ``[v_1, ..., v_T]`` (``v_0`` is not included).

    Examples
    --------
    >>> exponentially_weighted_average([10.0, 10.0], beta=0.5).tolist()
    [5.0, 7.5]
    >>> exponentially_weighted_average([10.0, 10.0], beta=0.5, bias_correction=True).tolist()
    [10.0, 10.0]
    """
    theta = as_float_array(theta, "theta", ndim=1)
    beta = check_in_range(beta, "beta", 0.0, 1.0, False, True)
    if not isinstance(bias_correction, (bool, np.bool_)):
        raise TypeError(f"bias_correction must be a bool, got {type(bias_correction).__name__} {bias_correction!r}")

    # The recurrence is sequential; a plain loop over the series is O(T) and exact.
    averages = np.empty_like(theta)
    v = 0.0
    one_minus_beta = 1.0 - beta
    for t, value in enumerate(theta):
        v = beta * v + one_minus_beta * value
        averages[t] = v
    if bias_correction:
        steps = np.arange(1, theta.size + 1, dtype=np.float64)
        averages = averages / (1.0 - beta**steps)
    return averages


def effective_window(beta) -> float:
    """Approximate number of past values an average with ``beta`` covers: ``1 / (1 - beta)``.

    The weight of a value ``k`` steps back is ``(1 - beta) * beta**k``; after
    ``1 / (1 - beta)`` steps it has dropped to about ``1/e`` of the newest one
    (``beta**(1/(1-beta)) ~ 1/e``). ``beta = 0.9 -> 10``, ``0.98 -> 50``, ``0.5 -> 2``.

    Parameters
    ----------
    beta : float in [0, 1)
    """
    beta = check_in_range(beta, "beta", 0.0, 1.0, False, True)
    return 1.0 / (1.0 - beta)
