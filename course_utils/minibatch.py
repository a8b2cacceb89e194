"""Mini-batches: shuffle the examples once, then cut them into consecutive chunks."""

from __future__ import annotations

import numpy as np

from course_utils._validation import as_float_array, check_positive_int, check_rng

__all__ = ["random_mini_batches"]


def random_mini_batches(X, Y, mini_batch_size: int = 64, *, rng, shuffle: bool = True) -> list:
    """Split ``(X, Y)`` into mini-batches for one epoch.

    Parameters
    ----------
    X : array of shape (n_x, m)
        Inputs, one column per example.
    Y : array of shape (n_y, m)
        Labels (``(1, m)`` or one-hot ``(C, m)``), same number of columns as ``X``.
    mini_batch_size : int >= 1, default 64
        Number of examples per mini-batch. ``mini_batch_size = m`` (or more) gives a
        single batch, i.e. batch gradient descent; ``1`` gives stochastic gradient
        descent. Powers of two (64, 128, 256, 512) are the usual choices.
    rng : numpy.random.Generator
        Source of the shuffle (required keyword). It is not used, and may be
        ``None``, when ``shuffle=False``.
    shuffle : bool, default True
        Apply one random permutation to the columns of ``X`` and ``Y`` (the same
        permutation for both, so each ``x`` stays with its ``y``) before cutting.
        Use ``shuffle=False`` to keep the original order, e.g. for debugging.

    Returns
    -------
    list of (X_batch, Y_batch)
        ``floor(m / mini_batch_size)`` full batches of ``mini_batch_size`` columns,
        followed by one smaller batch with the ``m % mini_batch_size`` remaining
        columns if that remainder is not 0. Every example appears in exactly one
        batch. The arrays are new float64 arrays (the inputs are not modified).
        ``m = 0`` gives an empty list.
    """
    X = as_float_array(X, "X", ndim=2)
    Y = as_float_array(Y, "Y", ndim=2)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y must have the same number of examples (columns), got X {X.shape} and Y {Y.shape}"
        )
    mini_batch_size = check_positive_int(mini_batch_size, "mini_batch_size")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be a bool, got {type(shuffle).__name__} {shuffle!r}")

    return _mini_batches(X, Y, mini_batch_size, check_rng(rng) if shuffle else None)


def _mini_batches(X: np.ndarray, Y: np.ndarray, mini_batch_size: int, rng) -> list:
    """Unchecked ``random_mini_batches``; ``rng=None`` keeps the original order (copies of ``X``, ``Y``)."""
    m = X.shape[1]
    if rng is not None:
        order = rng.permutation(m)
        X = np.take(X, order, axis=1)  # several times faster than X[:, order] for large X
        Y = np.take(Y, order, axis=1)
    else:
        X = X.copy()
        Y = Y.copy()
    return [
        (X[:, start : start + mini_batch_size], Y[:, start : start + mini_batch_size])
        for start in range(0, m, mini_batch_size)
    ]
