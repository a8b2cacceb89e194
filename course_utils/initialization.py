"""Weight initialization for an L-layer network.

``layer_dims = [n0, n1, ..., nL]`` (``n0 = n_x``). ``W{l}`` is ``(n[l], n[l-1])`` drawn from
``N(0, std^2)`` with ``std = init_std(method, n[l-1], n[l], scale)``; biases are zero.
Methods (std of ``W{l}``; the same scheme in PyTorch and Keras, which use the same ``fan_in = n[l-1]``):

* ``"zeros"``: 0 (every unit of a layer stays identical: nothing is learned);
* ``"random"``: ``scale``;
* ``"he"``: ``sqrt(2/n[l-1])``, for ReLU (He et al. 2015); ``torch.nn.init.kaiming_normal_(W,
  nonlinearity="relu")``, Keras ``"he_normal"``;
* ``"lecun"``: ``sqrt(1/n[l-1])`` (LeCun et al. 1998); ``torch.nn.init.kaiming_normal_(W,
  nonlinearity="linear")``, Keras ``"lecun_normal"``. The course videos call this scale "Xavier" for tanh,
  so ``"xavier"`` is accepted as another name for it;
* ``"glorot"``: ``sqrt(2/(n[l-1]+n[l]))``, the original Glorot (Xavier Glorot) and Bengio 2010 scheme;
  ``torch.nn.init.xavier_normal_(W)``, Keras ``"glorot_normal"``.

Keras draws from a normal truncated at two standard deviations (rescaled to the same std); the course and
PyTorch use the plain normal.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import check_choice, check_positive, check_positive_int, check_rng

__all__ = ["INIT_METHODS", "init_std", "initialize_parameters"]

INIT_METHODS = ("zeros", "random", "he", "lecun", "xavier", "glorot")


def init_std(method: str, n_prev, n_curr, scale=0.01) -> float:
    """Standard deviation used by ``method`` for a ``(n_curr, n_prev)`` weight matrix (``scale`` is for ``"random"``)."""
    check_choice(method, "method", INIT_METHODS)
    n_prev = check_positive_int(n_prev, "n_prev")
    n_curr = check_positive_int(n_curr, "n_curr")
    scale = check_positive(scale, "scale")
    if method == "zeros":
        return 0.0
    if method == "random":
        return scale
    if method == "he":
        return math.sqrt(2.0 / n_prev)
    if method in ("lecun", "xavier"):  # "xavier": the course videos' name for LeCun's scale
        return math.sqrt(1.0 / n_prev)
    return math.sqrt(2.0 / (n_prev + n_curr))


def initialize_parameters(layer_dims, method: str = "he", rng=None, scale=0.01, batchnorm: bool = False) -> dict:
    """Parameters ``{"W1": (n1, n0), "b1": (n1, 1), ..., "WL", "bL"}`` for ``layer_dims = [n0, ..., nL]``.

    ``rng`` (a ``numpy.random.Generator``) is required except for ``method="zeros"``. With
    ``batchnorm=True`` every hidden layer ``l < L`` has no ``b{l}`` but ``gamma{l} = ones (n[l], 1)``
    and ``beta{l} = zeros (n[l], 1)``; the output layer keeps its bias.
    """
    if isinstance(layer_dims, (str, bytes)) or not hasattr(layer_dims, "__len__"):
        raise TypeError(f"layer_dims must be a list of layer sizes such as [2, 4, 1], got {type(layer_dims).__name__}")
    if len(layer_dims) < 2:
        raise ValueError(f"layer_dims must have at least 2 entries (input and output sizes), got {list(layer_dims)}")
    dims = [check_positive_int(n, f"layer_dims[{i}]") for i, n in enumerate(layer_dims)]
    check_choice(method, "method", INIT_METHODS)
    if method != "zeros":
        check_rng(rng)
    if not isinstance(batchnorm, bool):
        raise TypeError(f"batchnorm must be a bool, got {type(batchnorm).__name__} {batchnorm!r}")
    L = len(dims) - 1
    parameters = {}
    for l in range(1, L + 1):
        n_prev, n_curr = dims[l - 1], dims[l]
        std = init_std(method, n_prev, n_curr, scale)
        if method == "zeros":
            parameters[f"W{l}"] = np.zeros((n_curr, n_prev))
        else:
            parameters[f"W{l}"] = std * rng.standard_normal((n_curr, n_prev))
        if batchnorm and l < L:
            parameters[f"gamma{l}"] = np.ones((n_curr, 1))
            parameters[f"beta{l}"] = np.zeros((n_curr, 1))
        else:
            parameters[f"b{l}"] = np.zeros((n_curr, 1))
    return parameters
