"""Central finite differences for the kernel tests (independent of course_utils.gradient_check)."""

from __future__ import annotations

import numpy as np


def numeric_gradient(f, x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f(array)`` at ``x`` (same shape as ``x``).

    ``f`` is called on perturbed copies, so ``x`` itself is never modified.
    """
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus = x.copy()
        plus[index] += eps
        minus = x.copy()
        minus[index] -= eps
        grad[index] = (f(plus) - f(minus)) / (2 * eps)
    return grad


def relative_error(a, b) -> float:
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are zero."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def assert_gradient_close(analytic, numeric, tol: float = 1e-6) -> None:
    """Assert that the analytic and numeric gradients agree (shape and relative error below ``tol``)."""
    assert np.shape(analytic) == np.shape(numeric)
    error = relative_error(analytic, numeric)
    assert error < tol, f"relative error {error:.3e} >= {tol:.0e}\nanalytic={analytic}\nnumeric={numeric}"
