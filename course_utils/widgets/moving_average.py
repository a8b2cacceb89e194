"""EWA explorer: exponentially weighted averages of a year of daily temperatures, with and without bias correction.

Averages come from :func:`course_utils.ewa.exponentially_weighted_average`; the scatter of the data and
the axes are drawn once, a new ``beta`` only redraws the two curves.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..datasets import load_temperature
from ..ewa import effective_window, exponentially_weighted_average
from . import _common
from ._common import (
    SLIDER_STYLE,
    Explorer,
    FrameCache,
    new_figure,
    readout,
    set_readout,
)

__all__ = ["EWAExplorer", "ewa_explorer"]

ZOOM_DAYS = 45
CORRECTED_COLOR = "C3"
PLAIN_COLOR = "C1"


class _Picture:
    def __init__(self, dates: np.ndarray, temps: np.ndarray, year: int):
        from matplotlib.lines import Line2D

        fig = new_figure(10.0, 4.2)
        ax_year, ax_zoom = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.0, 1.0]})
        days = np.arange(1, temps.size + 1)
        self.lines = {}
        for ax, last in ((ax_year, temps.size), (ax_zoom, ZOOM_DAYS)):
            ax.scatter(days[:last], temps[:last], s=7 if ax is ax_year else 14, color="0.55", alpha=0.8, zorder=1)
            (plain,) = ax.plot(days[:last], temps[:last], color=PLAIN_COLOR, linewidth=2.0, zorder=2)
            (corrected,) = ax.plot(days[:last], temps[:last], color=CORRECTED_COLOR, linewidth=2.0, zorder=3)
            self.lines[ax] = (plain, corrected, last)
            ax.set_xlim(0, last + 1)
            ax.set_ylim(min(-2.0, temps.min() - 1.0), temps.max() + 2.0)
            ax.set_xlabel(f"day of {year}")
            ax.set_ylabel("temperature (°C)")
            ax.grid(alpha=0.3)
        ax_year.set_title(f"Daily mean temperature, Seattle {year}", fontsize="medium")
        ax_zoom.set_title(f"The first {ZOOM_DAYS} days (where v starts from 0)", fontsize="medium")
        handles = [
            Line2D([], [], marker="o", linestyle="", color="0.55", label=r"data $\theta_t$"),
            Line2D([], [], color=PLAIN_COLOR, linewidth=2, label=r"$v_t = \beta v_{t-1} + (1-\beta)\theta_t$"),
            Line2D([], [], color=CORRECTED_COLOR, linewidth=2, label=r"bias-corrected $v_t / (1-\beta^t)$"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize="small", frameon=False)
        self.title = fig.suptitle("beta", fontsize="medium")
        _common.freeze_layout(fig)
        self.axes = (ax_year, ax_zoom)
        self.figure = fig
        for plain, corrected, _ in self.lines.values():
            plain.set_animated(True)
            corrected.set_animated(True)
        self.title.set_animated(True)
        self.blitter = _common.Blitter(fig)

    def render(self, plain_values, corrected_values, show_corrected: bool, title: str) -> bytes:
        with _common.RENDER_LOCK:
            artists = []
            for plain, corrected, last in self.lines.values():
                plain.set_ydata(plain_values[:last])
                corrected.set_ydata(corrected_values[:last])
                # the chosen curve is solid and on top; the other one is a faint dashed reference
                chosen, other = (corrected, plain) if show_corrected else (plain, corrected)
                chosen.set(linestyle="-", alpha=1.0, linewidth=2.2)
                other.set(linestyle="--", alpha=0.55, linewidth=1.3)
                artists += [other, chosen]
            self.title.set_text(title)
            return self.blitter.frame([*artists, self.title])


class EWAExplorer(Explorer):
    """See :func:`ewa_explorer`."""

    def __init__(self, beta=0.9, bias_correction=False, year=2012):
        self.dates, self.temps = load_temperature(year)
        self.year = int(year)
        controls = {
            "beta": widgets.FloatSlider(value=beta, min=0.0, max=0.99, step=0.01, description="beta",
                                        style=SLIDER_STYLE, continuous_update=True, readout_format=".2f",
                                        layout=_common.slider_layout()),
            "bias_correction": widgets.Checkbox(value=bias_correction, description="bias correction", indent=False,
                                                layout=widgets.Layout(margin="0 0 0 2em")),
        }
        readouts = {"window": readout("window"), "first_day": readout("first day"), "week": readout("first week")}
        super().__init__(
            "ewa",
            "Exponentially weighted averages",
            "<code>v<sub>t</sub> = β v<sub>t-1</sub> + (1-β) θ<sub>t</sub></code> with v<sub>0</sub> = 0. "
            "A larger <code>beta</code> averages over about 1/(1-β) days: smoother, but later. Without bias "
            "correction the first days are pulled towards 0; tick <i>bias correction</i> to fix them.",
            controls,
            readouts,
            image_width=800,
        )
        self._picture = _Picture(self.dates, self.temps, self.year)
        self._cache = FrameCache(256)
        for control in controls.values():
            control.observe(self._update, names="value")
        self._update()

    def _update_now(self) -> None:
        beta = round(float(self.controls["beta"].value), 4)
        corrected = bool(self.controls["bias_correction"].value)
        plain_values = exponentially_weighted_average(self.temps, beta)
        corrected_values = exponentially_weighted_average(self.temps, beta, bias_correction=True)
        key = (beta, corrected)
        png = self._cache.get(key)
        if png is None:
            window = effective_window(beta)
            title = (f"beta = {beta:.2f}: averages over about 1/(1 - beta) = {window:.3g} days"
                     f"   ({'with' if corrected else 'without'} bias correction)")
            png = self._picture.render(plain_values, corrected_values, corrected, title)
            self._cache.put(key, png)
        self.show_png(png)
        shown = corrected_values if corrected else plain_values
        window = effective_window(beta)
        set_readout(self.readouts["window"], f"beta {beta:.2f}: window ≈", f"{window:.3g} day{'' if window == 1 else 's'}")
        set_readout(self.readouts["first_day"], "v on day 1",
                    f"{shown[0]:.1f} °C (data {self.temps[0]:.1f} °C)")
        week = np.mean(np.abs(shown[:7] - np.cumsum(self.temps[:7]) / np.arange(1, 8)))
        set_readout(self.readouts["week"], "first week: mean |v − running mean|", f"{week:.1f} °C")


def ewa_explorer(beta: float = 0.9, bias_correction: bool = False, *, year: int = 2012) -> EWAExplorer:
    """Explorer of exponentially weighted averages (``beta``, bias correction) on daily temperatures.

    A ``beta`` slider and a bias-correction check box over a year of Seattle temperatures
    (:func:`course_utils.datasets.load_temperature`). ``.controls``: ``beta, bias_correction``;
    ``.readouts``: ``window, first_day, week``.
    """
    return EWAExplorer(beta, bias_correction, year)
