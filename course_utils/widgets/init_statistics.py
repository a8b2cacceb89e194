"""Initialization explorer: how activations and gradients grow or vanish through a deep network.

One forward and one backward pass of the course's network (:func:`course_utils.mlp.model_forward` /
:func:`course_utils.mlp.model_backward`) on random input, with weights from
:func:`course_utils.initialization.initialize_parameters`, computed on demand (a few ms). The axes
only take a few bucketed ranges, so their drawing (most of the time) is done once per range and reused.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..initialization import init_std, initialize_parameters
from ..mlp import model_backward, model_forward
from . import _common
from ._common import (
    SLIDER_STYLE,
    Explorer,
    FrameCache,
    new_figure,
    readout,
    set_readout,
)

__all__ = ["InitializationExplorer", "initialization_explorer", "layer_statistics"]

WIDTH = 100
NUM_EXAMPLES = 256
INIT_LABELS = {"zeros": "zeros", "random": "random × scale", "he": "He: √(2/n[l-1])",
               "lecun": "LeCun (videos: Xavier): √(1/n[l-1])"}
KEPT = 2.0  # "kept": the last hidden layer's activation std is within this factor of the first one's
VANISH = 1e2  # "vanishing" / "exploding": beyond this factor


def layer_statistics(depth: int, activation: str, method: str, scale: float = 0.01, width: int = WIDTH,
                     num_examples: int = NUM_EXAMPLES, seed: int = 0) -> dict:
    """Forward and backward pass of a ``depth``-hidden-layer network of ``width`` units on N(0, 1) input.

    Returns ``{"activations": [A1, ..., A_depth], "weight_grads": [dW1, ..., dW_{depth+1}]}`` (arrays).
    The output layer is one sigmoid unit with random 0/1 labels, so a gradient starts at the top.
    """
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((width, num_examples))
    Y = (rng.random((1, num_examples)) < 0.5).astype(np.float64)
    dims = [width] * (depth + 1) + [1]
    parameters = initialize_parameters(dims, method=method, rng=rng, scale=scale)
    activations = [activation] * depth + ["sigmoid"]
    with np.errstate(over="ignore", invalid="ignore"):
        AL, caches = model_forward(X, parameters, activations)
        grads = model_backward(AL, Y, caches)
    hidden = [caches[l]["linear"][0] for l in range(1, depth + 1)]  # input of layer l+1 = A[l]
    return {"activations": hidden, "weight_grads": [grads[f"dW{l}"] for l in range(1, depth + 2)]}


def _std(values) -> np.ndarray:
    return np.array([float(np.std(v)) for v in values])


MAX_DEPTH = 20


def _decades(low: float, high: float, step: int, at_least: tuple) -> tuple:
    """``(low, high)`` widened to multiples of ``step`` (and to cover ``at_least``): few distinct axes."""
    low = min(np.floor(low / step) * step, at_least[0])
    high = max(np.ceil(high / step) * step, at_least[1])
    return float(low), float(high)


class _Picture:
    """Three panels whose axes only take a few bucketed ranges: the static parts of each range are drawn
    once (and kept), a new setting redraws only the curves (see :class:`~._common.Blitter`)."""

    def __init__(self):
        from matplotlib.ticker import FixedLocator, NullLocator

        fig = new_figure(11.0, 3.9)
        # fixed margins (a layout engine would double the drawing time), wide enough for any tick labels
        self.axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.15, 1.0, 1.0]})
        fig.subplots_adjust(left=0.06, right=0.99, bottom=0.14, top=0.86, wspace=0.3)
        ax_hist, ax_act, ax_grad = self.axes
        ax_hist.set_xlabel(r"$\log_{10}$ |activation|  (non-zero values)")
        ax_hist.set_ylabel("fraction of the layer's values")
        ax_hist.set_title("Activation sizes: first, middle, last layer", fontsize="medium")
        self.hist_lines = [ax_hist.plot([], [], drawstyle="steps-mid", linewidth=1.6, color=f"C{n}", label=label)[0]
                           for n, label in enumerate(("first hidden layer", "middle hidden layer", "last hidden layer"))]
        ax_hist.legend(loc="upper right", fontsize="x-small")
        self.std_lines = []
        for ax, ylabel, xlabel, title, color in (
            (ax_act, "std of A[l] (log scale)", "hidden layer l", "Activations: std per layer", "C0"),
            (ax_grad, "std of dW[l] (log scale)", "layer l", "Weight gradients: std per layer", "C3"),
        ):
            ax.set_yscale("log")
            ax.axhline(1.0, color="0.3", linestyle="--", linewidth=1.0)
            ax.set_xlim(0.4, MAX_DEPTH + 1.6)
            ax.xaxis.set_major_locator(FixedLocator([1, 5, 10, 15, 20]))
            ax.yaxis.set_minor_locator(NullLocator())
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.set_title(title, fontsize="medium")
            ax.grid(alpha=0.3)
            self.std_lines.append(ax.plot([], [], "o-", color=color, markersize=5, markeredgecolor="k",
                                          markeredgewidth=0.5)[0])
        self.zero_texts = [ax.text(0.5, 0.3, "all exactly 0", transform=ax.transAxes, ha="center", va="center",
                                   color="C3") for ax in self.axes]
        self.title = fig.suptitle("init", fontsize="medium")
        self.figure = fig
        self.dynamic = [*self.hist_lines, *self.std_lines, *self.zero_texts, self.title]
        for artist in self.dynamic:
            artist.set_animated(True)
        self._backgrounds: dict = {}  # axis ranges -> Blitter (at most a handful)

    def _blitter(self, key) -> _common.Blitter:
        blitter = self._backgrounds.get(key)
        if blitter is None:
            hist_x, hist_y, act_y, grad_y = key
            ax_hist, ax_act, ax_grad = self.axes
            ax_hist.set_xlim(*hist_x)
            ax_hist.set_ylim(0.0, hist_y)
            ax_act.set_ylim(10.0 ** act_y[0], 10.0 ** act_y[1])
            ax_grad.set_ylim(10.0 ** grad_y[0], 10.0 ** grad_y[1])
            blitter = _common.Blitter(self.figure)
            if len(self._backgrounds) > 32:
                self._backgrounds.clear()
            self._backgrounds[key] = blitter
        return blitter

    def render(self, stats: dict, title: str) -> bytes:
        acts = stats["activations"]
        depth = len(acts)
        chosen = (0, depth // 2, depth - 1)
        with np.errstate(divide="ignore"):
            logs = []
            for l in chosen:
                values = np.abs(acts[l].ravel())
                logs.append(np.log10(values[(values > 0) & np.isfinite(values)]))
        pooled = np.concatenate(logs)
        if pooled.size:
            low, high = np.percentile(pooled, [0.5, 99.5])
            hist_x = _decades(low - 0.25, high + 0.25, 4, (np.inf, -np.inf))
            if hist_x[1] - hist_x[0] < 4:
                hist_x = (hist_x[0] - 1, hist_x[1] + 1)
        else:
            hist_x = (-2.0, 2.0)
        edges = np.linspace(hist_x[0], hist_x[1], 61)
        centers = 0.5 * (edges[:-1] + edges[1:])
        fractions = [np.histogram(values, bins=edges)[0] / max(acts[l].size, 1) for values, l in zip(logs, chosen)]
        peak = max([float(f.max()) for f in fractions] + [0.0])
        hist_y = next(top for top in (0.1, 0.25, 0.5, 1.0) if peak <= 0.95 * top or top == 1.0)
        stds = [_std(acts), _std(stats["weight_grads"])]
        limits = []
        for values in stds:
            finite = values[np.isfinite(values) & (values > 0)]
            if finite.size:
                limits.append(_decades(np.log10(finite.min()) - 0.3, np.log10(finite.max()) + 0.3, 6, (-6, 6)))
            else:
                limits.append((-6.0, 6.0))
        key = (hist_x, hist_y, limits[0], limits[1])
        with _common.RENDER_LOCK:
            blitter = self._blitter(key)
            for line, f in zip(self.hist_lines, fractions):
                line.set_data(centers, f)
            for line, values in zip(self.std_lines, stds):
                shown = np.where(values > 0, values, np.nan)  # a std of 0 has no place on a log axis
                line.set_data(np.arange(1, values.size + 1), shown)
            self.zero_texts[0].set_visible(not pooled.size)
            for text, values in zip(self.zero_texts[1:], stds):
                text.set_visible(not np.any(values > 0))
            self.title.set_text(title)
            return blitter.frame([a for a in self.dynamic if a.get_visible()])


class InitializationExplorer(Explorer):
    """See :func:`initialization_explorer`."""

    def __init__(self, depth=10, activation="relu", method="he", scale=0.01):
        method = "lecun" if method == "xavier" else method  # the videos' name for the same scale
        controls = {
            "depth": widgets.IntSlider(value=depth, min=2, max=20, description="hidden layers", style=SLIDER_STYLE,
                                       continuous_update=True, layout=_common.slider_layout()),
            "activation": widgets.Dropdown(options=["relu", "tanh"], value=activation, description="activation",
                                           style=SLIDER_STYLE),
            "init": widgets.Dropdown(options=[(INIT_LABELS[n], n) for n in INIT_LABELS], value=method,
                                     description="initialization", style=SLIDER_STYLE),
            "scale": widgets.FloatLogSlider(value=scale, base=10, min=-3, max=1, step=0.25,
                                            description="scale (random)", style=SLIDER_STYLE,
                                            readout_format=".3g", continuous_update=True,
                                            layout=_common.slider_layout()),
        }
        readouts = {"activations": readout("activations"), "gradients": readout("gradients"),
                    "verdict": readout("verdict")}
        super().__init__(
            "initialization",
            "Initialization explorer",
            f"One forward and backward pass through a deep network of {WIDTH}-unit layers on random input. "
            "Pick <i>random</i> and move <code>scale</code>: activations and gradients vanish or explode "
            "layer after layer. He keeps ReLU activations within a factor 2 at any depth; with tanh, LeCun's "
            "scale (the videos' \"Xavier\") still lets them shrink slowly, because tanh squashes. Zeros keep every "
            "unit identical. The output layer's weight gradient is about 10 times larger than a hidden layer's "
            "under every scheme (its dZ = A - Y is not damped by a weight row), so compare hidden layers.",
            controls,
            readouts,
            image_width=880,
            rows=[["activation", "init"], ["depth", "scale"]],
        )
        self._picture = _Picture()
        self._cache = FrameCache(128)
        for control in controls.values():
            control.observe(self._update, names="value")
        self._update()

    def _update_now(self) -> None:
        c = self.controls
        depth, activation, method, scale = int(c["depth"].value), c["activation"].value, c["init"].value, float(c["scale"].value)
        c["scale"].disabled = method != "random"
        key = (depth, activation, method, round(scale, 6) if method == "random" else None)
        stats = layer_statistics(depth, activation, method, scale)
        act_std, grad_std = _std(stats["activations"]), _std(stats["weight_grads"])
        std = init_std(method, WIDTH, WIDTH, scale)
        png = self._cache.get(key)
        if png is None:
            title = (f"{depth} hidden {activation} layers of {WIDTH} units, init {method}"
                     f" (weights std {std:.3g});  dashed line: std = 1")
            png = self._picture.render(stats, title)
            self._cache.put(key, png)
        self.show_png(png)
        set_readout(self.readouts["activations"], f"std A[1] → A[{depth}]", f"{act_std[0]:.3g} → {act_std[-1]:.3g}")
        set_readout(self.readouts["gradients"], f"std dW[1] vs dW[{depth}] (last hidden)",
                    f"{grad_std[0]:.3g} vs {grad_std[-2]:.3g}")
        set_readout(self.readouts["verdict"], f"{method}, {activation}:", _verdict(act_std, grad_std))


def _verdict(act_std: np.ndarray, grad_std: np.ndarray) -> str:
    """Verdict on the activations' spread from the first to the last hidden layer (thresholds KEPT, VANISH)."""
    if not np.all(np.isfinite(act_std)) or not np.all(np.isfinite(grad_std)):
        return "overflow: the signal explodes"
    if np.all(act_std == 0):
        return "all activations 0: symmetry never broken"
    ratio = act_std[-1] / max(act_std[0], 1e-300)
    if ratio < 1 / VANISH:
        return f"vanishing (last/first = {ratio:.1e})"
    if ratio > VANISH:
        return f"exploding (last/first = {ratio:.1e})"
    if ratio < 1 / KEPT:
        return f"shrinking slowly (last/first = {ratio:.2g}): not kept"
    if ratio > KEPT:
        return f"growing slowly (last/first = {ratio:.2g}): not kept"
    return f"kept within a factor {KEPT:g} (last/first = {ratio:.2g})"


def initialization_explorer(depth: int = 10, activation: str = "relu", method: str = "he", *,
                            scale: float = 0.01) -> InitializationExplorer:
    """Explorer of activation and gradient sizes per layer for an initialization scheme, depth and activation.

    Sliders ``depth`` (hidden layers) and ``scale`` (for ``"random"``), menus ``activation`` (relu, tanh) and
    ``init`` (zeros, random, he, lecun; ``method="xavier"`` is the videos' name for lecun); shows activation histograms and the std of activations and weight
    gradients per layer. ``.controls``: ``depth, activation, init, scale``; ``.readouts``:
    ``activations, gradients, verdict``.
    """
    return InitializationExplorer(depth, activation, method, scale)
