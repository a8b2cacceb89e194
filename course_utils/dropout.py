"""Inverted dropout.

In training each unit is kept with probability ``keep_prob`` and the kept ones are divided by
``keep_prob``, so ``E[A_out] = A`` and nothing has to change at test time.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_in_range, check_rng, check_same_shape

__all__ = ["dropout_backward", "dropout_forward"]


def _as_mask(mask, shape: tuple) -> np.ndarray:
    """``mask`` as a boolean array of the given shape (that of ``A``)."""
    mask = np.asarray(mask)
    if mask.dtype != bool:
        if not np.issubdtype(mask.dtype, np.number) or not np.all((mask == 0) | (mask == 1)):
            raise TypeError(f"mask must be a boolean array (or 0/1 values), got dtype {mask.dtype}")
        mask = mask.astype(bool)
    if mask.shape != tuple(shape):
        raise ValueError(f"mask and A must have the same shape, got {mask.shape} and {tuple(shape)}")
    return mask


# Unchecked implementations (arguments already validated); the public functions below check and call them.
def _dropout_forward(A: np.ndarray, keep_prob: float, rng, mask=None) -> tuple[np.ndarray, dict]:
    """Dropout with ``keep_prob < 1`` in training: the given boolean ``mask`` or one drawn from ``rng``."""
    if mask is None:
        mask = rng.random(A.shape) < keep_prob
    A_out = A * mask
    A_out /= keep_prob
    return A_out, {"mask": mask, "keep_prob": keep_prob}


def _dropout_backward(dA_out: np.ndarray, cache: dict) -> np.ndarray:
    mask = cache["mask"]
    if mask is None:
        return dA_out.copy()
    dA = dA_out * mask
    dA /= cache["keep_prob"]
    return dA


def dropout_forward(A, keep_prob, rng=None, mask=None, training: bool = True) -> tuple[np.ndarray, dict]:
    """Apply inverted dropout to ``A`` (any shape, usually ``(n, m)``).

    The mask is ``rng.random(A.shape) < keep_prob``, or the given boolean ``mask`` (same shape as A;
    it takes precedence over ``rng``). ``A_out = A * mask / keep_prob``. With ``keep_prob == 1`` or
    ``training=False`` A is returned unchanged (a copy) and no mask is drawn.
    Returns ``(A_out, cache)`` with ``cache = {"mask": mask or None, "keep_prob": keep_prob}``.
    """
    A = as_float_array(A, "A")
    keep_prob = check_in_range(keep_prob, "keep_prob", 0.0, 1.0, low_open=True, high_open=False)
    if not isinstance(training, bool):
        raise TypeError(f"training must be a bool, got {type(training).__name__} {training!r}")
    if not training or keep_prob == 1.0:
        return A.copy(), {"mask": None, "keep_prob": 1.0}
    if mask is not None:
        mask = _as_mask(mask, A.shape)
    else:
        check_rng(rng)
    return _dropout_forward(A, keep_prob, rng, mask)


def dropout_backward(dA_out, cache) -> np.ndarray:
    """Backward of ``dropout_forward``: ``dA = dA_out * mask / keep_prob`` (same shape as ``dA_out``)."""
    if not isinstance(cache, dict) or "mask" not in cache or "keep_prob" not in cache:
        raise TypeError(f"cache must be the dict returned by dropout_forward, got {type(cache).__name__}")
    dA_out = as_float_array(dA_out, "dA_out")
    if cache["mask"] is not None:
        check_same_shape(dA_out, cache["mask"], "dA_out", "cache['mask']")
    return _dropout_backward(dA_out, cache)
