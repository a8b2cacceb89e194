"""Input normalization: zero mean and unit variance per feature.

The statistics are computed on the **training** set only and then applied,
unchanged, to the training, dev and test sets, so that every example goes through
the same transformation (the network would otherwise see differently scaled
dev/test inputs).

A note on the course notes: they write the second step as ``x /= sigma**2``.
That is a known slip. Dividing by the *variance* ``sigma**2`` does not give unit
variance (the result has variance ``1 / sigma**2``); we divide by the standard
deviation ``sigma``.
"""

from __future__ import annotations

import numpy as np

from course_utils._validation import as_float_array, check_positive

__all__ = ["fit_normalizer", "apply_normalizer"]


def fit_normalizer(X_train, epsilon: float = 1e-8) -> dict:
    """Compute per-feature mean and standard deviation on the training set.

    Parameters
    ----------
    X_train : array of shape (n_x, m)
        Training inputs, one column per example (``m >= 1``).
    epsilon : float, default 1e-8
        Small positive number added to the variance before the square root:
        ``sigma = sqrt(var + epsilon)``. It keeps ``sigma > 0`` for constant
        features (variance 0), which are then mapped to 0 instead of producing a
        division by zero. For a feature with variance much larger than
        ``epsilon`` the change is negligible (relative error ``epsilon / (2 var)``).

    Returns
    -------
    dict
        ``{"mu": (n_x, 1), "sigma": (n_x, 1)}`` with ``mu = mean(X_train, axis=1)``
        and ``sigma = sqrt(mean((X_train - mu)**2, axis=1) + epsilon)`` (the
        population standard deviation, dividing by ``m``).

    Notes
    -----
    We divide by the standard deviation ``sigma``, not by the variance. The
    course notes' ``x / sigma**2`` is a known slip: dividing by the variance does
    not give unit variance.

    Examples
    --------
    >>> X = np.array([[1.0, 3.0], [2.0, 2.0]])
    >>> stats = fit_normalizer(X)
    >>> stats["mu"].ravel().tolist()
    [2.0, 2.0]
    """
    X = as_float_array(X_train, "X_train", ndim=2)
    if X.shape[1] < 1:
        raise ValueError(f"X_train must have at least one example (column), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError("X_train must contain only finite values, got inf")
    epsilon = check_positive(epsilon, "epsilon")
    mu = X.mean(axis=1, keepdims=True)
    variance = np.mean((X - mu) ** 2, axis=1, keepdims=True)
    sigma = np.sqrt(variance + epsilon)
    return {"mu": mu, "sigma": sigma}


def apply_normalizer(X, stats: dict) -> np.ndarray:
    """Return ``(X - mu) / sigma`` using statistics from :func:`fit_normalizer`.

    Use the *same* ``stats`` (fitted on the training set) for the training, dev
    and test sets.

    Parameters
    ----------
    X : array of shape (n_x, m)
        Inputs to normalize, one column per example (``m`` may be 0).
    stats : dict
        ``{"mu": (n_x, 1), "sigma": (n_x, 1)}`` with every ``sigma > 0``.

    Returns
    -------
    ndarray of shape (n_x, m), float64
        A new array; ``X`` is not modified.

    Notes
    -----
    We divide by the standard deviation ``sigma``; the course notes'
    ``x / sigma**2`` is a known slip (dividing by the variance does not give unit
    variance).
    """
    X = as_float_array(X, "X", ndim=2)
    if not isinstance(stats, dict):
        raise TypeError(f"stats must be a dict with keys 'mu' and 'sigma', got {type(stats).__name__}")
    for key in ("mu", "sigma"):
        if key not in stats:
            raise ValueError(f"stats must have keys 'mu' and 'sigma', got keys {sorted(stats)}")
    mu = as_float_array(stats["mu"], "stats['mu']", ndim=2)
    sigma = as_float_array(stats["sigma"], "stats['sigma']", ndim=2)
    n_x = X.shape[0]
    if mu.shape != (n_x, 1):
        raise ValueError(f"stats['mu'] must have shape ({n_x}, 1) to match X with {n_x} features, got {mu.shape}")
    if sigma.shape != (n_x, 1):
        raise ValueError(
            f"stats['sigma'] must have shape ({n_x}, 1) to match X with {n_x} features, got {sigma.shape}"
        )
    if not (sigma > 0).all():
        raise ValueError(f"stats['sigma'] must be > 0 everywhere, got minimum {sigma.min()!r}")
    return (X - mu) / sigma
