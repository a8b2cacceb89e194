"""Optimizer explorer: the path of gradient descent, momentum, RMSProp or Adam on a 2-D cost surface.

A path is a few hundred steps of the course's own update rules (:mod:`course_utils.optimizers`) on a
parameter dict ``{"W1": array (2, 1)}`` holding the point ``(x, y)``; it is computed when a control
changes (a few milliseconds) and drawn over a contour plot that is itself drawn only once per surface.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import ipywidgets as widgets
import numpy as np

from ..optimizers import OPTIMIZERS
from . import _common
from ._common import (
    SLIDER_STYLE,
    Explorer,
    guarded,
    new_figure,
    readout,
    set_readout,
    slider_layout,
)

__all__ = ["SURFACES", "OptimizerExplorer", "Surface", "optimizer_explorer", "optimizer_path"]

NUM_STEPS = 150
OPTIMIZER_LABELS = {"gd": "gradient descent", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}
COLORS = {"gd": "C0", "momentum": "C1", "rmsprop": "C2", "adam": "C3"}


@dataclasses.dataclass(frozen=True)
class Surface:
    """A 2-D cost ``f(x, y)`` with its gradient, a start point, the plotting window and the minima."""

    name: str
    formula: str
    f: Callable
    grad: Callable
    start: tuple
    xlim: tuple
    ylim: tuple
    minima: tuple
    levels: tuple


def _bowl(x, y):
    return x**2 / 20.0 + y**2


def _bowl_grad(x, y):
    return np.array([x / 10.0, 2.0 * y])


def _saddle(x, y):
    return 0.5 * x**2 + 0.25 * y**4 - 0.5 * y**2


def _saddle_grad(x, y):
    return np.array([x, y**3 - y])


SURFACES = {
    "bowl": Surface(
        "elongated bowl", r"$f(x, y) = x^2/20 + y^2$", _bowl, _bowl_grad, (-9.0, 2.0), (-10.0, 3.0), (-3.0, 3.0),
        ((0.0, 0.0),), tuple(np.array([0.02, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 4, 6, 9])),
    ),
    "saddle": Surface(
        "saddle", r"$f(x, y) = x^2/2 + y^4/4 - y^2/2$", _saddle, _saddle_grad, (-2.5, 0.01), (-3.0, 3.0), (-1.8, 1.8),
        ((0.0, 1.0), (0.0, -1.0)), tuple(np.array([-0.24, -0.2, -0.1, 0.0, 0.25, 0.75, 1.5, 2.5, 4.0])),
    ),
}


def optimizer_path(surface: Surface, name: str, learning_rate: float, num_steps: int = NUM_STEPS, **hyper) -> np.ndarray:
    """The ``(2, num_steps + 1)`` points visited by optimizer ``name`` from ``surface.start``.

    Uses ``course_utils.optimizers.<name>_init`` / ``<name>_update`` on ``{"W1": point (2, 1)}``.
    A run that leaves the plotting window by a factor 100 is stopped; the rest of the path is NaN.
    """
    init, update = OPTIMIZERS[name]
    parameters = {"W1": np.array(surface.start, dtype=np.float64).reshape(2, 1)}
    state = init(parameters)
    path = np.full((2, num_steps + 1), np.nan)
    path[:, 0] = parameters["W1"][:, 0]
    limit = 100.0 * max(abs(v) for v in (*surface.xlim, *surface.ylim))
    for step in range(1, num_steps + 1):
        x, y = parameters["W1"][:, 0]
        grads = {"dW1": surface.grad(x, y).reshape(2, 1)}
        parameters, state = update(parameters, grads, state, learning_rate, **hyper)
        point = parameters["W1"][:, 0]
        if not np.all(np.isfinite(point)) or np.abs(point).max() > limit:
            break
        path[:, step] = point
    return path


def _hyper(name: str, beta1: float, beta2: float) -> dict:
    if name == "momentum":
        return {"beta": beta1}
    if name == "rmsprop":
        return {"beta": beta2}
    if name == "adam":
        return {"beta1": beta1, "beta2": beta2}
    return {}


class _Picture:
    """Contours drawn once per surface; paths and the current point are redrawn per frame."""

    def __init__(self, surface: Surface):
        from matplotlib.lines import Line2D

        self.surface = surface
        fig = new_figure(8.6, 4.9)
        ax = fig.subplots()
        xx, yy = np.meshgrid(np.linspace(*surface.xlim, 300), np.linspace(*surface.ylim, 300))
        contours = ax.contour(xx, yy, surface.f(xx, yy), levels=list(surface.levels), cmap="viridis", linewidths=0.9)
        ax.clabel(contours, fontsize="x-small", fmt="%g")
        for mx, my in surface.minima:
            ax.plot(mx, my, "kx", markersize=10, markeredgewidth=2)
        ax.set_xlim(*surface.xlim)
        ax.set_ylim(*surface.ylim)
        ax.set_aspect("equal" if surface.name == "saddle" else "auto")
        ax.set_xlabel("$x$ (parameter 1)")
        ax.set_ylabel("$y$ (parameter 2)")
        ax.set_title(f"{surface.name}: {surface.formula}", fontsize="medium")
        self.lines = {}
        for name in OPTIMIZERS:
            (line,) = ax.plot([], [], "-", marker=".", markersize=3, color=COLORS[name], linewidth=1.4)
            self.lines[name] = line
        (self.end,) = ax.plot([], [], "*", markersize=15, markeredgecolor="k", color="w")
        ax.plot(*surface.start, "o", color="w", markeredgecolor="k", markersize=8)
        handles = [Line2D([], [], color=COLORS[n], linewidth=2, label=OPTIMIZER_LABELS[n]) for n in OPTIMIZERS]
        handles += [
            Line2D([], [], marker="o", linestyle="", color="w", markeredgecolor="k", label="start"),
            Line2D([], [], marker="*", linestyle="", markersize=12, color="w", markeredgecolor="k", label="current step"),
            Line2D([], [], marker="x", linestyle="", color="k", markeredgewidth=2, label="minimum"),
        ]
        fig.legend(handles=handles, loc="outside right center", fontsize="small", frameon=False)
        self.title = fig.suptitle("Adam", fontsize="medium")
        _common.freeze_layout(fig)
        self.ax = ax
        self.figure = fig
        for artist in (*self.lines.values(), self.end, self.title, *ax.spines.values()):
            artist.set_animated(True)
        self.blitter = _common.Blitter(fig)

    def render(self, paths: dict, selected: str, step: int, title: str) -> bytes:
        with _common.RENDER_LOCK:
            artists = []
            for name, line in self.lines.items():
                if name not in paths:
                    continue
                path = paths[name][:, : step + 1]
                line.set_data(path[0], path[1])
                line.set_linewidth(2.2 if name == selected else 1.0)
                line.set_alpha(1.0 if name == selected else 0.45)
                line.set_zorder(3 if name == selected else 2)
                artists.append(line)
            artists.sort(key=lambda a: a.get_zorder())
            current = paths[selected][:, : step + 1]
            finite = current[:, np.all(np.isfinite(current), axis=0)]
            self.end.set_data(finite[0, -1:], finite[1, -1:])
            self.end.set_markerfacecolor(COLORS[selected])
            self.title.set_text(title)
            return self.blitter.frame([*artists, self.end, *self.ax.spines.values(), self.title])


class OptimizerExplorer(Explorer):
    """See :func:`optimizer_explorer`."""

    def __init__(self, optimizer="adam", surface="bowl", learning_rate=0.3, num_steps=NUM_STEPS):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}")
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {sorted(SURFACES)}, got {surface!r}")
        self.num_steps = int(num_steps)
        self._pictures: dict = {}
        self._paths: dict = {}
        self._silent = False
        controls = {
            "optimizer": widgets.Dropdown(options=[(OPTIMIZER_LABELS[n], n) for n in OPTIMIZERS], value=optimizer,
                                          description="optimizer", style=SLIDER_STYLE),
            "surface": widgets.Dropdown(options=[(SURFACES[n].name, n) for n in SURFACES], value=surface,
                                        description="surface", style=SLIDER_STYLE),
            "compare": widgets.Checkbox(value=False, description="also show the other optimizers", indent=False,
                                        layout=widgets.Layout(margin="0 0 0 2em")),
            "alpha": widgets.FloatLogSlider(value=learning_rate, base=10, min=-3, max=0.3, step=0.1,
                                            description="alpha", style=SLIDER_STYLE, readout_format=".3g",
                                            continuous_update=True, layout=slider_layout()),
            "beta1": widgets.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="beta1 (momentum β)",
                                         style=SLIDER_STYLE, continuous_update=True, layout=slider_layout()),
            "beta2": widgets.SelectionSlider(options=[0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999], value=0.999,
                                             description="beta2 (RMSProp β)", style=SLIDER_STYLE,
                                             continuous_update=True, layout=slider_layout()),
            "play": widgets.Play(value=self.num_steps, min=0, max=self.num_steps, step=3, interval=80,
                                 description="play"),
            "step": widgets.IntSlider(value=self.num_steps, min=0, max=self.num_steps, description="step",
                                      style=SLIDER_STYLE, continuous_update=True, layout=slider_layout()),
        }
        widgets.jslink((controls["play"], "value"), (controls["step"], "value"))
        readouts = {"point": readout("final point"), "cost": readout("cost"), "reached": readout("reached")}
        super().__init__(
            "optimizer",
            "Optimizer explorer: GD, momentum, RMSProp, Adam",
            f"{self.num_steps} steps of the course's update rules from the white dot. On the elongated bowl, "
            "raise <code>alpha</code> until gradient descent zig-zags across the valley, then switch to momentum "
            "or Adam; on the saddle, see who escapes. Press ▶ to replay the steps.",
            controls,
            readouts,
            image_width=690,
            rows=[["optimizer", "surface"], ["alpha", "compare"], ["beta1", "beta2"], ["play", "step"]],
        )
        for name in ("optimizer", "surface", "compare", "alpha", "beta1", "beta2"):
            controls[name].observe(self._on_setting, names="value")
        controls["step"].observe(self._on_step, names="value")
        self._recompute()
        self._draw()

    def _settings(self):
        c = self.controls
        return c["optimizer"].value, c["surface"].value, float(c["alpha"].value), float(c["beta1"].value), float(c["beta2"].value)

    def _recompute(self) -> None:
        selected, surface, alpha, beta1, beta2 = self._settings()
        names = list(OPTIMIZERS) if self.controls["compare"].value else [selected]
        self._paths = {
            name: optimizer_path(SURFACES[surface], name, alpha, self.num_steps, **_hyper(name, beta1, beta2))
            for name in names
        }
        self.controls["beta1"].disabled = selected not in ("momentum", "adam")
        self.controls["beta2"].disabled = selected not in ("rmsprop", "adam")

    def _draw(self) -> None:
        selected, surface_name, alpha, beta1, beta2 = self._settings()
        surface = SURFACES[surface_name]
        if surface_name not in self._pictures:
            self._pictures[surface_name] = _Picture(surface)
        step = int(self.controls["step"].value)
        path = self._paths[selected]
        finite = np.flatnonzero(np.all(np.isfinite(path), axis=0))
        last = int(finite[finite <= step][-1])
        x, y = path[:, last]
        hyper = ", ".join(f"{k} = {v:g}" for k, v in _hyper(selected, beta1, beta2).items())
        title = f"{OPTIMIZER_LABELS[selected]}: alpha = {alpha:.3g}" + (f", {hyper}" if hyper else "") + f"   (step {step})"
        self.show_png(self._pictures[surface_name].render(self._paths, selected, step, title))
        set_readout(self.readouts["point"], f"point at step {last}", f"({x:.3f}, {y:.3f})")
        set_readout(self.readouts["cost"], "f", f"{surface.f(x, y):.4g}")
        distances = [np.hypot(path[0] - mx, path[1] - my) for mx, my in surface.minima]
        close = np.flatnonzero(np.nanmin(distances, axis=0) < 0.05)
        if finite[-1] < self.num_steps:
            reached = f"diverged at step {finite[-1] + 1}"
        elif close.size:
            reached = f"within 0.05 of a minimum at step {close[0]}"
        else:
            reached = f"not within 0.05 of a minimum after {self.num_steps} steps"
        set_readout(self.readouts["reached"], f"alpha {alpha:.3g}:", reached)

    @guarded
    def _on_setting(self, change) -> None:
        self._recompute()
        if self.controls["step"].value != self.num_steps:
            self._silent = True
            try:
                self.controls["step"].value = self.num_steps
            finally:
                self._silent = False
        self._draw()

    @guarded
    def _on_step(self, change) -> None:
        if not self._silent:
            self._draw()


def optimizer_explorer(optimizer: str = "adam", surface: str = "bowl", *, learning_rate: float = 0.3,
                       num_steps: int = NUM_STEPS) -> OptimizerExplorer:
    """Explorer of optimizer paths (GD, momentum, RMSProp, Adam) on a 2-D cost surface, with a play button.

    A dropdown of optimizers (``"gd"``, ``"momentum"``, ``"rmsprop"``, ``"adam"``), ``alpha`` (log scale),
    ``beta1`` (momentum's beta, Adam's beta1) and ``beta2`` (RMSProp's beta, Adam's beta2) sliders, a surface
    menu (``"bowl"``: elongated bowl, ``"saddle"``) and a play button replaying the steps on a contour plot.

    Paths are computed on demand with the course's update rules (a few ms). ``.controls`` holds
    ``optimizer, surface, compare, alpha, beta1, beta2, play, step``; ``.readouts`` holds
    ``point, cost, reached``.
    """
    return OptimizerExplorer(optimizer, surface, learning_rate, num_steps)

