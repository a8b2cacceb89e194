"""Plain-matplotlib figures used by the notebooks.

Rules every function follows:

* it draws on ``ax`` when one is given, otherwise on a new figure (``plt.subplots``);
* it returns the axes it drew on (``show_images`` returns ``(fig, axes)``);
* it never calls ``plt.show()``, never touches ``rcParams`` or the global style;
* it sets a title, axis labels and, when there is more than one thing drawn, a legend.

Arrays follow the course layout: ``X`` is ``(2, m)``, labels are ``(1, m)`` (or ``(m,)``).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

from ._validation import (
    as_float_array,
    check_choice,
    check_in_range,
    check_non_negative,
    check_positive_int,
)

__all__ = [
    "plot_decision_boundary",
    "plot_curves",
    "plot_optimizer_paths",
    "plot_series_with_averages",
    "plot_layer_statistics",
    "confusion_matrix",
    "plot_confusion_matrix",
    "show_images",
]

# Points: strong colours; regions: light versions of the same colours (class 0 red, class 1 blue).
_POINT_COLORS = [
    "#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
]
_REGION_COLORS = [
    "#f4b6b6", "#b3cde8", "#b9e3b9", "#ffd4a8", "#d7c6e8", "#dcc5bf", "#f5c9e6", "#d9d9d9", "#eaeaa8", "#b0ecf2",
]


# --------------------------------------------------------------------------- helpers
def _get_ax(ax, figsize=(6.0, 4.5)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
        return ax
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _as_labels(values, name: str, n_classes: int | None = None) -> np.ndarray:
    """Return integer class labels as a 1-D int64 array.

    Accepts ``(m,)`` or ``(1, m)`` labels, or one-hot / probability columns ``(C, m)`` with
    ``C == n_classes > 1`` (reduced with ``argmax`` over axis 0).
    """
    array = as_float_array(values, name)
    if array.ndim == 2 and array.shape[0] > 1 and n_classes is not None and array.shape[0] == n_classes:
        return np.argmax(array, axis=0).astype(np.int64)
    if array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 1:
        raise ValueError(f"{name} must have shape (m,) or (1, m) (or one-hot (n_classes, m)), got {np.shape(values)}")
    if not np.all(np.isfinite(array)) or not np.array_equal(array, np.round(array)) or (array < 0).any():
        raise ValueError(f"{name} must hold non-negative integer class labels, got values such as {array[:5]!r}")
    labels = array.astype(np.int64)
    if n_classes is not None and labels.size and labels.max() >= n_classes:
        raise ValueError(f"{name} must hold labels in [0, {n_classes - 1}], got a label {int(labels.max())}")
    return labels


def _check_pair(value, name: str):
    if value is None:
        return None
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be a pair (low, high) of numbers or None, got {value!r}") from error
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {value!r}")
    return low, high


def _check_mapping(value, name: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict of name -> array, got {type(value).__name__}")
    if len(value) == 0:
        raise ValueError(f"{name} must not be empty, got {{}}")
    return value


# --------------------------------------------------------------------------- decision boundary
def plot_decision_boundary(
    predict_fn: Callable[[np.ndarray], np.ndarray],
    X,
    Y,
    ax: Axes | None = None,
    title: str | None = None,
    resolution: int = 200,
    padding: float = 0.5,
    threshold: float = 0.5,
) -> Axes:
    """Shade the regions a classifier assigns to each class and scatter the labelled points.

    Parameters
    ----------
    predict_fn : callable mapping ``(2, k)`` points to ``(1, k)`` outputs: class labels
        (integers 0..C-1) or probabilities of class 1 (any value that is not an integer).
        Probabilities are shaded continuously and the ``threshold`` level is drawn as a line.
    X : ``(2, m)`` points; ``Y`` : ``(1, m)`` (or ``(m,)``) integer labels.
    resolution : grid points per axis; ``padding`` : margin added around the data.

    Returns the axes.
    """
    if not callable(predict_fn):
        raise TypeError(f"predict_fn must be callable, got {type(predict_fn).__name__}")
    X = as_float_array(X, "X", ndim=2)
    if X.shape[0] != 2:
        raise ValueError(f"X must have shape (2, m), got {X.shape}")
    labels = _as_labels(Y, "Y")
    if labels.size != X.shape[1]:
        raise ValueError(f"Y must have one label per column of X ({X.shape[1]}), got {labels.size}")
    resolution = check_positive_int(resolution, "resolution")
    if resolution < 2:
        raise ValueError(f"resolution must be >= 2, got {resolution}")
    padding = check_non_negative(padding, "padding")
    threshold = check_in_range(threshold, "threshold", 0.0, 1.0, low_open=True, high_open=True)
    ax = _get_ax(ax)

    x_min, x_max = X[0].min() - padding, X[0].max() + padding
    y_min, y_max = X[1].min() - padding, X[1].max() + padding
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.stack([xx.ravel(), yy.ravel()])
    out = as_float_array(predict_fn(grid), "predict_fn(grid)", allow_nan=False)
    if out.size != grid.shape[1]:
        raise ValueError(
            f"predict_fn(grid) must return shape (1, k) for a (2, k) grid, "
            f"got shape {out.shape} for k = {grid.shape[1]}"
        )
    Z = out.reshape(xx.shape)
    n_classes = max(2, int(labels.max()) + 1 if labels.size else 2)

    if np.array_equal(Z, np.round(Z)) and Z.min() >= 0:
        n_classes = max(n_classes, int(Z.max()) + 1)
        levels = np.arange(n_classes + 1) - 0.5
        ax.contourf(xx, yy, Z, levels=levels, cmap=ListedColormap(_REGION_COLORS[:n_classes]), zorder=0)
    else:
        ax.contourf(xx, yy, Z, levels=np.linspace(0.0, 1.0, 11), cmap="RdBu", vmin=0.0, vmax=1.0, alpha=0.45,
                    extend="both", zorder=0)
        if Z.min() < threshold < Z.max():
            ax.contour(xx, yy, Z, levels=[threshold], colors="k", linewidths=1.5, zorder=1)

    for c in np.unique(labels):
        mask = labels == c
        ax.scatter(
            X[0, mask],
            X[1, mask],
            s=18,
            c=_POINT_COLORS[int(c) % len(_POINT_COLORS)],
            edgecolors="k",
            linewidths=0.4,
            label=f"class {int(c)}",
            zorder=2,
        )
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title if title is not None else "Decision boundary")
    ax.legend(loc="best", fontsize="small")
    return ax


# --------------------------------------------------------------------------- learning curves
def plot_curves(
    history,
    ax: Axes | None = None,
    xlabel: str = "iteration",
    ylabel: str = "cost",
    title: str | None = None,
    logy: bool = False,
    step: int = 1,
) -> Axes:
    """Plot one line per entry of ``history`` (``name -> sequence of values``), e.g. train/dev cost.

    ``step`` is the number of iterations between two recorded values (the x axis is
    ``0, step, 2 * step, ...``). ``logy`` puts the y axis on a log scale (values must be > 0;
    NaN and inf, e.g. from a diverging run, are allowed and simply not drawn).
    A bare array is accepted too and drawn as a single curve named ``ylabel``.
    """
    if not isinstance(history, Mapping):
        if isinstance(history, (np.ndarray, list, tuple)):
            history = {ylabel: history}
        else:
            raise TypeError(f"history must be a dict of name -> sequence, got {type(history).__name__}")
    _check_mapping(history, "history")
    step = check_positive_int(step, "step")
    curves = {}
    for name, values in history.items():
        values = as_float_array(values, f"history[{name!r}]", ndim=1, allow_nan=True)
        if values.size == 0:
            raise ValueError(f"history[{name!r}] must not be empty, got an empty sequence")
        if logy and (values[np.isfinite(values)] <= 0).any():
            raise ValueError(f"history[{name!r}] must be > 0 when logy=True, got a minimum of {np.nanmin(values)!r}")
        curves[name] = values
    ax = _get_ax(ax)
    for name, values in curves.items():
        ax.plot(np.arange(values.size) * step, values, label=str(name))
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title if title is not None else f"{ylabel} vs {xlabel}")
    ax.legend(loc="best")
    return ax


# --------------------------------------------------------------------------- optimizer paths
def plot_optimizer_paths(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    paths,
    ax: Axes | None = None,
    xlim=None,
    ylim=None,
    levels=30,
    resolution: int = 200,
    title: str | None = None,
    minimum=None,
    colors=None,
) -> Axes:
    """Contour plot of a 2-D function with optimizer trajectories on top.

    Parameters
    ----------
    f : vectorized ``f(x, y)`` taking two same-shape arrays and returning their values.
    paths : dict ``name -> (2, T)`` array of the successive points of each optimizer.
    xlim, ylim : ``(low, high)``; default: the range of the paths with a 10% margin.
    levels : number of contour levels or an increasing sequence of levels.
    minimum : optional ``(x, y)`` of the known minimum, drawn as a black cross.
    colors : optional dict ``name -> matplotlib colour`` holding every path's name, to keep an optimizer's
        colour from one plot to the next; default ``C0``, ``C1``, ... in the order of ``paths``.

    Each path is drawn as a line with small dots, a circle at its start and a star at its end.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    _check_mapping(paths, "paths")
    checked = {}
    for name, path in paths.items():
        path = as_float_array(path, f"paths[{name!r}]", ndim=2, allow_nan=True)
        if path.shape[0] != 2 or path.shape[1] < 1:
            raise ValueError(f"paths[{name!r}] must have shape (2, T) with T >= 1, got {path.shape}")
        checked[name] = path
    xlim, ylim = _check_pair(xlim, "xlim"), _check_pair(ylim, "ylim")
    resolution = check_positive_int(resolution, "resolution")
    if isinstance(levels, bool) or not isinstance(levels, (numbers.Integral, Sequence, np.ndarray)):
        raise TypeError(f"levels must be an integer or a sequence of numbers, got {type(levels).__name__}")
    if isinstance(levels, numbers.Integral):
        levels = check_positive_int(levels, "levels")
    if colors is None:
        colors = {name: f"C{i % 10}" for i, name in enumerate(checked)}
    if not isinstance(colors, Mapping):
        raise TypeError(f"colors must be a dict of name -> colour, got {type(colors).__name__}")
    missing = [name for name in checked if name not in colors]
    if missing:
        raise ValueError(f"colors must give a colour for every path, got none for {missing}")
    if minimum is not None:
        minimum = as_float_array(minimum, "minimum", ndim=1)
        if minimum.shape != (2,):
            raise ValueError(f"minimum must be a point (x, y), got shape {minimum.shape}")

    points = np.concatenate(list(checked.values()), axis=1)
    finite = points[:, np.all(np.isfinite(points), axis=0)]
    if finite.size == 0:
        finite = np.zeros((2, 1))
    for limits, row, label in ((xlim, 0, "x"), (ylim, 1, "y")):
        if limits is None:
            low, high = finite[row].min(), finite[row].max()
            margin = 0.1 * (high - low) if high > low else 1.0
            limits = (low - margin, high + margin)
        if label == "x":
            xlim = limits
        else:
            ylim = limits

    ax = _get_ax(ax, figsize=(6.5, 5.0))
    xx, yy = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    zz = as_float_array(f(xx, yy), "f(x, y)", allow_nan=True)
    if zz.shape != xx.shape:
        raise ValueError(f"f(x, y) must return an array of the same shape as x, got {zz.shape} for {xx.shape}")
    ax.contour(xx, yy, zz, levels=levels, cmap="viridis", linewidths=0.8, zorder=0)
    for name, path in checked.items():
        color = colors[name]
        ax.plot(path[0], path[1], "-", marker=".", markersize=3, color=color, linewidth=1.2, label=str(name), zorder=2)
        ax.plot(path[0, 0], path[1, 0], "o", color=color, markeredgecolor="k", markersize=7, zorder=3)
        ax.plot(path[0, -1], path[1, -1], "*", color=color, markeredgecolor="k", markersize=12, zorder=3)
    if minimum is not None:
        ax.plot(minimum[0], minimum[1], "kx", markersize=10, markeredgewidth=2, label="minimum", zorder=4)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(title if title is not None else "Optimizer paths (o start, * end)")
    ax.legend(loc="best", fontsize="small")
    return ax


# --------------------------------------------------------------------------- moving averages
def plot_series_with_averages(
    t,
    series,
    averages,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "day",
    ylabel: str = "value",
    series_label: str = "data",
) -> Axes:
    """Scatter a series and draw its (exponentially weighted) moving averages as lines.

    ``t`` : ``(n,)`` x values (numbers or ``datetime64``); ``series`` : ``(n,)`` values;
    ``averages`` : dict ``label -> (n,)`` array (NaN allowed, e.g. before a window fills).
    """
    t = np.asarray(t)
    if t.ndim != 1:
        raise ValueError(f"t must be a 1-D array, got shape {t.shape}")
    if not (np.issubdtype(t.dtype, np.number) or np.issubdtype(t.dtype, np.datetime64)):
        raise TypeError(f"t must hold numbers or datetime64 values, got dtype {t.dtype}")
    series = as_float_array(series, "series", ndim=1, allow_nan=True)
    if series.shape != t.shape:
        raise ValueError(f"series must have the same shape as t {t.shape}, got {series.shape}")
    _check_mapping(averages, "averages")
    lines = {}
    for label, values in averages.items():
        values = as_float_array(values, f"averages[{label!r}]", ndim=1, allow_nan=True)
        if values.shape != t.shape:
            raise ValueError(f"averages[{label!r}] must have the same shape as t {t.shape}, got {values.shape}")
        lines[label] = values
    ax = _get_ax(ax, figsize=(8.0, 4.0))
    ax.scatter(t, series, s=6, color="0.55", alpha=0.7, label=series_label, zorder=1)
    for i, (label, values) in enumerate(lines.items()):
        ax.plot(t, values, color=f"C{(i + 1) % 10}", linewidth=2.0, label=str(label), zorder=2)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title if title is not None else "Series and moving averages")
    ax.legend(loc="best", fontsize="small")
    return ax


# --------------------------------------------------------------------------- layer statistics
_KIND_LABELS = {"activations": "activation value", "gradients": "gradient value", "weights": "weight value"}


def plot_layer_statistics(
    values_per_layer,
    ax: Axes | None = None,
    kind: str = "activations",
    style: str = "hist",
    bins: int = 50,
    layer_names=None,
    title: str | None = None,
    logy: bool | None = None,
) -> Axes:
    """Compare the distribution of a quantity across layers (vanishing / exploding signals).

    Parameters
    ----------
    values_per_layer : list of arrays, one per layer (any shape; flattened).
    kind : ``"activations"``, ``"gradients"`` or ``"weights"`` (only changes the labels).
    style : ``"hist"`` overlays one normalized histogram per layer (shared bins over the
        0.5-99.5 percentile range of all values, so a few outliers cannot squash the plot;
        values outside that range are not drawn); ``"std"`` draws one bar per layer with the
        standard deviation. The legend gives each layer's standard deviation.
    logy : log-scale y axis; default ``None`` means on for ``"std"`` when the standard
        deviations span more than a factor 100, off otherwise.
    """
    check_choice(kind, "kind", tuple(_KIND_LABELS))
    check_choice(style, "style", ("hist", "std"))
    bins = check_positive_int(bins, "bins")
    if isinstance(values_per_layer, np.ndarray) or not isinstance(values_per_layer, Sequence):
        raise TypeError(f"values_per_layer must be a list of arrays, got {type(values_per_layer).__name__}")
    if len(values_per_layer) == 0:
        raise ValueError("values_per_layer must hold at least one array, got an empty list")
    layers = []
    for i, values in enumerate(values_per_layer):
        flat = as_float_array(values, f"values_per_layer[{i}]").ravel()
        if flat.size == 0 or not np.all(np.isfinite(flat)):
            raise ValueError(
                f"values_per_layer[{i}] must be a non-empty array of finite values, got shape {np.shape(values)}"
            )
        layers.append(flat)
    if layer_names is None:
        layer_names = [f"layer {i + 1}" for i in range(len(layers))]
    else:
        layer_names = [str(name) for name in layer_names]
        if len(layer_names) != len(layers):
            raise ValueError(f"layer_names must have one name per layer ({len(layers)}), got {len(layer_names)}")
    if logy is not None and not isinstance(logy, bool):
        raise TypeError(f"logy must be True, False or None, got {type(logy).__name__}")

    ax = _get_ax(ax)
    quantity = _KIND_LABELS[kind]
    if style == "hist":
        everything = np.concatenate(layers)
        low, high = np.percentile(everything, [0.5, 99.5])
        if not high > low:
            low, high = low - 0.5, high + 0.5
        edges = np.linspace(low, high, bins + 1)
        for i, (name, flat) in enumerate(zip(layer_names, layers)):
            ax.hist(flat, bins=edges, density=True, histtype="step", linewidth=1.5,
                    color=f"C{i % 10}", label=f"{name} (std {flat.std():.2g})")
        ax.set_xlabel(quantity)
        ax.set_ylabel("density")
        if logy:
            ax.set_yscale("log")
        ax.legend(loc="best", fontsize="small")
    else:
        stds = np.array([flat.std() for flat in layers])
        positions = np.arange(len(layers))
        ax.bar(positions, stds, color=[f"C{i % 10}" for i in range(len(layers))], edgecolor="k", label=f"std of {kind}")
        ax.set_xticks(positions)
        ax.set_xticklabels(layer_names)
        ax.set_xlabel("layer")
        ax.set_ylabel(f"standard deviation of the {kind}")
        positive = stds[stds > 0]
        if logy is None:
            logy = positive.size > 1 and positive.max() / positive.min() > 100
        if logy and positive.size:
            ax.set_yscale("log")
    ax.set_title(title if title is not None else f"{kind.capitalize()} per layer")
    return ax


# --------------------------------------------------------------------------- classification
def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Return the ``(n_classes, n_classes)`` int64 count matrix: rows = true class, columns = predicted.

    Labels may be ``(m,)``, ``(1, m)`` or one-hot / probabilities ``(n_classes, m)``.
    """
    n_classes = check_positive_int(n_classes, "n_classes")
    true = _as_labels(y_true, "y_true", n_classes)
    pred = _as_labels(y_pred, "y_pred", n_classes)
    if true.shape != pred.shape:
        raise ValueError(f"y_true and y_pred must hold the same number of labels, got {true.size} and {pred.size}")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (true, pred), 1)
    return matrix


def plot_confusion_matrix(
    y_true,
    y_pred,
    n_classes: int,
    ax: Axes | None = None,
    normalize: bool = False,
    class_names=None,
    title: str | None = None,
) -> Axes:
    """Draw the confusion matrix (rows = true class, columns = predicted) with the counts written in.

    ``normalize=True`` shows each row as fractions of the true class (recall on the diagonal).
    """
    matrix = confusion_matrix(y_true, y_pred, n_classes)
    if class_names is None:
        class_names = [str(i) for i in range(n_classes)]
    else:
        class_names = [str(name) for name in class_names]
        if len(class_names) != n_classes:
            raise ValueError(f"class_names must have n_classes = {n_classes} entries, got {len(class_names)}")
    if not isinstance(normalize, bool):
        raise TypeError(f"normalize must be a bool, got {type(normalize).__name__}")
    shown = matrix.astype(np.float64)
    if normalize:
        totals = shown.sum(axis=1, keepdims=True)
        shown = np.divide(shown, totals, out=np.zeros_like(shown), where=totals > 0)
    ax = _get_ax(ax, figsize=(5.5, 5.0))
    ax.imshow(shown, cmap="Blues", vmin=0.0, vmax=max(shown.max(), 1e-12), interpolation="nearest")
    threshold = shown.max() / 2.0
    for i in range(n_classes):
        for j in range(n_classes):
            text = f"{shown[i, j]:.2f}" if normalize else str(matrix[i, j])
            ax.text(j, i, text, ha="center", va="center", fontsize="small",
                    color="white" if shown[i, j] > threshold else "black")
    ticks = np.arange(n_classes)
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xticklabels(class_names)
    ax.set_yticklabels(class_names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    accuracy = np.trace(matrix) / max(matrix.sum(), 1)
    ax.set_title(title if title is not None else f"Confusion matrix (accuracy {accuracy:.1%})")
    return ax


def show_images(
    images,
    labels=None,
    shape=(8, 8),
    ncols: int = 10,
    predictions=None,
    axes=None,
    title: str | None = None,
    cmap: str = "gray_r",
):
    """Show the columns of ``images`` (``(h * w, k)``, e.g. ``(64, k)`` digits) as a grid of pictures.

    ``labels`` / ``predictions``: optional ``(k,)`` or ``(1, k)`` labels written above each image
    (a prediction that differs from its label is written in red). ``axes``: optional sequence of
    at least ``k`` axes to draw on; by default a new figure with ``ncols`` columns is made.
    Returns ``(fig, axes)`` where ``axes`` is a flat array of the axes (turned off; extra ones stay empty).
    """
    images = as_float_array(images, "images", ndim=2)
    try:
        h, w = (int(v) for v in shape)
    except (TypeError, ValueError) as error:
        raise TypeError(f"shape must be a pair (height, width), got {shape!r}") from error
    if h < 1 or w < 1 or images.shape[0] != h * w:
        raise ValueError(
            f"images must have shape (height * width, k) = ({h * w}, k) for shape {shape}, got {images.shape}"
        )
    k = images.shape[1]
    if k == 0:
        raise ValueError("images must hold at least one column, got shape " + str(images.shape))
    ncols = check_positive_int(ncols, "ncols")
    label_values = None if labels is None else _as_labels(labels, "labels")
    pred_values = None if predictions is None else _as_labels(predictions, "predictions")
    for name, values in (("labels", label_values), ("predictions", pred_values)):
        if values is not None and values.size != k:
            raise ValueError(f"{name} must have one entry per image ({k}), got {values.size}")

    if axes is None:
        ncols = min(ncols, k)
        nrows = math.ceil(k / ncols)
        fig, grid = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, 1.25 * nrows), squeeze=False)
        axes = grid.ravel()
    else:
        axes = np.asarray(axes, dtype=object).ravel()
        if axes.size < k or not all(isinstance(a, Axes) for a in axes):
            raise ValueError(f"axes must be a sequence of at least {k} matplotlib Axes, got {axes.size} item(s)")
        fig = axes[0].figure
    vmin, vmax = float(images.min()), float(images.max())
    for i, a in enumerate(axes):
        a.set_axis_off()  # pictures: no ticks, no axis labels to read
        if i >= k:
            continue
        a.imshow(images[:, i].reshape(h, w), cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        parts, color = [], "black"
        if label_values is not None:
            parts.append(f"y={label_values[i]}")
        if pred_values is not None:
            parts.append(f"pred={pred_values[i]}")
            if label_values is not None and pred_values[i] != label_values[i]:
                color = "red"
        if parts:
            a.set_title(" ".join(parts), fontsize="small", color=color)
    if title is not None:
        fig.suptitle(title)
    return fig, axes
