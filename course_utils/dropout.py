"""Inverted dropout.

In training each unit is kept with probability ``keep_prob`` and the kept ones are divided by
``keep_prob``, so ``E[A_out] = A`` and nothing has to change at test time.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_in_range, check_rng, check_same_shape

__all__ = ["dropout_backward", "dropout_forward"]


def _as_mask(mask, A: np.ndarray) -> np.ndarray:
    mask = np.asarray(mask)
    if mask.dtype != bool:
        if not np.issubdtype(mask.dtype, np.number) or not np.all((mask == 0) | (mask == 1)):
            raise TypeError(f"mask must be a boolean array (or 0/1 values), got dtype {mask.dtype}")
        mask = mask.astype(bool)
    check_same_shape(mask, A, "mask", "A")
    return mask


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
        mask = _as_mask(mask, A)
    else:
        mask = check_rng(rng).random(A.shape) < keep_prob
    return A * mask / keep_prob, {"mask": mask, "keep_prob": keep_prob}


def dropout_backward(dA_out, cache) -> np.ndarray:
    """Backward of ``dropout_forward``: ``dA = dA_out * mask / keep_prob`` (same shape as ``dA_out``)."""
    if not isinstance(cache, dict) or "mask" not in cache or "keep_prob" not in cache:
        raise TypeError(f"cache must be the dict returned by dropout_forward, got {type(cache).__name__}")
    dA_out = as_float_array(dA_out, "dA_out")
    mask = cache["mask"]
    if mask is None:
        return dA_out.copy()
    check_same_shape(dA_out, mask, "dA_out", "cache['mask']")
    return dA_out * mask / cache["keep_prob"]
