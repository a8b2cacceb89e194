"""Learning-rate decay explorer: a schedule's alpha-vs-epoch curve and the cost of a short training run.

Each setting trains a small network with mini-batch gradient descent (:func:`course_utils.training.train`
with a :func:`course_utils.schedules.make_schedule` schedule) when it is first chosen (about 0.3-0.5 s,
sliders only report on release) and keeps the result, next to a run at a constant learning rate.
"""

from __future__ import annotations

import time

import ipywidgets as widgets
import numpy as np

from ..datasets import load_planar
from ..schedules import SCHEDULES, make_schedule
from ..training import train
from . import _common
from ._common import SLIDER_STYLE, Explorer, guarded, new_figure, readout, set_readout

__all__ = ["SCHEDULE_SETTINGS", "LearningRateDecayExplorer", "lr_decay_explorer"]

NUM_EPOCHS = 60
MINI_BATCH_SIZE = 32
LAYER_DIMS = (2, 10, 5, 1)
EPOCHS_PER_STEP = 10  # staircase and interval schedules change the rate every 10 epochs

#: schedule name -> (its hyperparameter, the slider's values, default value, fixed extra arguments, formula)
SCHEDULE_SETTINGS = {
    "inverse_time": ("decay_rate", (0.0, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0), 0.1, {},
                     r"$\alpha = \alpha_0 / (1 + \mathrm{decay\_rate} \cdot \mathrm{epoch})$"),
    "exponential": ("decay_base", (1.0, 0.99, 0.98, 0.95, 0.9, 0.8), 0.95, {},
                    r"$\alpha = \alpha_0 \cdot \mathrm{decay\_base}^{\mathrm{epoch}}$"),
    "inverse_sqrt": ("k", (0.25, 0.5, 1.0, 2.0), 1.0, {},
                     r"$\alpha = k\, \alpha_0 / \sqrt{\mathrm{epoch} + 1}$"),
    "staircase": ("drop", (1.0, 0.9, 0.7, 0.5, 0.3), 0.5, {"epochs_per_drop": EPOCHS_PER_STEP},
                  r"$\alpha = \alpha_0 \cdot \mathrm{drop}^{\lfloor \mathrm{epoch} / 10 \rfloor}$"),
    "interval": ("decay_rate", (0.0, 0.1, 0.3, 1.0, 3.0), 1.0, {"time_interval": EPOCHS_PER_STEP},
                 r"$\alpha = \alpha_0 / (1 + \mathrm{decay\_rate} \cdot \lfloor \mathrm{epoch} / 10 \rfloor)$"),
}
SCHEDULE_LABELS = {
    "inverse_time": "1 / (1 + decay_rate · epoch)",
    "exponential": "exponential",
    "inverse_sqrt": "k / √epoch",
    "staircase": "staircase (every 10 epochs)",
    "interval": "inverse time, every 10 epochs",
}


class _Picture:
    def __init__(self, num_epochs: int):
        from matplotlib.lines import Line2D
        from matplotlib.ticker import FixedLocator, FormatStrFormatter, NullFormatter

        fig = new_figure(10.0, 4.3)
        ax_lr, ax_cost = fig.subplots(1, 2)
        epochs = np.arange(num_epochs)
        (self.lr_line,) = ax_lr.plot(epochs, np.ones(num_epochs), color="C3", linewidth=2.0)
        (self.lr_const,) = ax_lr.plot(epochs, np.ones(num_epochs), color="0.5", linestyle="--", linewidth=1.2)
        ax_lr.set_xlabel("epoch")
        ax_lr.set_ylabel(r"learning rate $\alpha$")
        ax_lr.set_title("Learning rate per epoch", fontsize="medium")
        ax_lr.set_xlim(0, num_epochs - 1)
        ax_lr.grid(alpha=0.3)
        (self.cost_line,) = ax_cost.plot(epochs, np.ones(num_epochs), color="C3", linewidth=1.8)
        (self.cost_const,) = ax_cost.plot(epochs, np.ones(num_epochs), color="0.5", linestyle="--", linewidth=1.2)
        ax_cost.set_xlabel("epoch")
        ax_cost.set_ylabel("cost (log scale)")
        ax_cost.set_title(f"Cost per epoch (mean over mini-batches of {MINI_BATCH_SIZE})", fontsize="medium")
        ax_cost.set_xlim(0, num_epochs - 1)
        ax_cost.set_yscale("log")
        ax_cost.set_ylim(0.03, 1.0)
        ax_cost.yaxis.set_major_locator(FixedLocator([0.03, 0.05, 0.1, 0.2, 0.5, 1.0]))
        ax_cost.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax_cost.yaxis.set_minor_formatter(NullFormatter())
        ax_cost.grid(alpha=0.3, which="both")
        handles = [Line2D([], [], color="C3", linewidth=2, label="with the schedule"),
                   Line2D([], [], color="0.5", linestyle="--", linewidth=1.2,
                          label=r"constant learning rate $\alpha_0$ (same mini-batches)")]
        fig.legend(handles=handles, loc="outside lower center", ncol=2, fontsize="small", frameon=False)
        self.title = fig.suptitle("schedule", fontsize="medium")
        self.axes = (ax_lr, ax_cost)
        _common.freeze_layout(fig)
        self.figure = fig

    def render(self, lr, lr_const, cost, cost_const, title: str) -> bytes:
        with _common.RENDER_LOCK:
            self.lr_line.set_ydata(lr)
            self.lr_const.set_ydata(lr_const)
            self.axes[0].set_ylim(0.0, 1.08 * max(float(np.max(lr)), float(np.max(lr_const))))
            self.cost_line.set_ydata(np.maximum(cost, 1e-3))
            self.cost_const.set_ydata(np.maximum(cost_const, 1e-3))
            self.title.set_text(title)
            return _common.figure_png(self.figure)


class LearningRateDecayExplorer(Explorer):
    """See :func:`lr_decay_explorer`."""

    def __init__(self, schedule="inverse_time", learning_rate0=1.0, num_epochs=NUM_EPOCHS, seed=0):
        if schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {sorted(SCHEDULES)}, got {schedule!r}")
        self.num_epochs = int(num_epochs)
        self.seed = int(seed)
        self._runs: dict = {}
        self._silent = False
        self.X, self.Y = load_planar("moons", "train")
        param, values, default, _, _ = SCHEDULE_SETTINGS[schedule]
        controls = {
            "schedule": widgets.Dropdown(options=[(SCHEDULE_LABELS[n], n) for n in SCHEDULES], value=schedule,
                                         description="schedule", style=SLIDER_STYLE),
            "decay": widgets.SelectionSlider(options=[(f"{v:g}", v) for v in values], value=default,
                                             description=param, style=SLIDER_STYLE, continuous_update=False,
                                             layout=_common.slider_layout()),
            "alpha0": widgets.FloatLogSlider(value=learning_rate0, base=10, min=-2, max=0.5, step=0.1,
                                             description="alpha0", style=SLIDER_STYLE, readout_format=".2g",
                                             continuous_update=False, layout=_common.slider_layout()),
        }
        readouts = {"final_lr": readout("final learning rate"), "final_cost": readout("final cost"),
                    "accuracy": readout("train accuracy")}
        super().__init__(
            "lr-decay",
            "Learning-rate decay explorer",
            f"A {' → '.join(map(str, LAYER_DIMS))} network trained for {self.num_epochs} epochs of mini-batch "
            "gradient descent on <i>moons</i>, for each setting (about half a second, then kept). With a constant "
            "rate the cost keeps bouncing; a decaying rate lets it settle. Try a large <code>alpha0</code> with and "
            "without decay, and a decay so fast that learning stops too early.",
            controls,
            readouts,
            image_width=800,
            rows=[["schedule"], ["decay", "alpha0"]],
        )
        self._picture = _Picture(self.num_epochs)
        controls["schedule"].observe(self._on_schedule, names="value")
        controls["decay"].observe(self._on_value, names="value")
        controls["alpha0"].observe(self._on_value, names="value")
        self._update()

    def _run(self, schedule: str | None, value: float, alpha0: float) -> dict:
        key = (schedule, value, round(alpha0, 6))
        if key not in self._runs:
            if schedule is None:
                rate = None
            else:
                param, _, _, extra, _ = SCHEDULE_SETTINGS[schedule]
                rate = make_schedule(schedule, alpha0, **{param: value}, **extra)
            start = time.perf_counter()
            result = train(self.X, self.Y, list(LAYER_DIMS), rng=np.random.default_rng(self.seed), optimizer="gd",
                           learning_rate=alpha0, schedule=rate, num_epochs=self.num_epochs,
                           mini_batch_size=MINI_BATCH_SIZE, progress=False)
            self._runs[key] = {
                "cost": np.array(result.history["cost"]),
                "lr": np.array(result.history["learning_rate"]),
                "accuracy": float(result.history["train_accuracy"][-1]),
                "seconds": time.perf_counter() - start,
            }
        return self._runs[key]

    @guarded
    def _on_schedule(self, change) -> None:
        param, values, default, _, _ = SCHEDULE_SETTINGS[change["new"]]
        slider = self.controls["decay"]
        self._silent = True
        try:
            slider.options = [(f"{v:g}", v) for v in values]
            slider.value = default
            slider.description = param
        finally:
            self._silent = False
        self._update_now()

    @guarded
    def _on_value(self, change) -> None:
        if not self._silent:
            self._update_now()

    def _update_now(self) -> None:
        schedule = self.controls["schedule"].value
        value = float(self.controls["decay"].value)
        alpha0 = float(self.controls["alpha0"].value)
        param, _, _, _, formula = SCHEDULE_SETTINGS[schedule]
        run = self._run(schedule, value, alpha0)
        constant = self._run(None, 0.0, alpha0)
        tail = max(1, self.num_epochs // 10)
        title = f"{formula},   {param} = {value:g},   $\\alpha_0$ = {alpha0:.2g}"
        self.show_png(self._picture.render(run["lr"], constant["lr"], run["cost"], constant["cost"], title))
        set_readout(self.readouts["final_lr"], f"{param} = {value:g}: final learning rate", f"{run['lr'][-1]:.3g}")
        set_readout(self.readouts["final_cost"], f"cost (last {tail} epochs)",
                    f"{run['cost'][-tail:].mean():.4f} (constant rate: {constant['cost'][-tail:].mean():.4f})")
        set_readout(self.readouts["accuracy"], "train accuracy", _common.pct(run["accuracy"]))
        self.say(f"training run: {run['seconds']:.2f} s (kept for this setting)")


def lr_decay_explorer(schedule: str = "inverse_time", *, learning_rate0: float = 1.0, num_epochs: int = NUM_EPOCHS,
                      seed: int = 0) -> LearningRateDecayExplorer:
    """Explorer of learning-rate schedules: alpha per epoch and the cost of a short training run.

    A schedule menu (the names of :data:`course_utils.schedules.SCHEDULES`), a slider for that schedule's
    decay hyperparameter and ``alpha0``; shows alpha per epoch and the cost of a short mini-batch training
    run next to a constant-rate run. ``.controls``: ``schedule, decay, alpha0``; ``.readouts``:
    ``final_lr, final_cost, accuracy``.
    """
    return LearningRateDecayExplorer(schedule, learning_rate0, num_epochs, seed)
