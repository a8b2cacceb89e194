"""Regularization explorer: L2 (``lambd``) and dropout (``keep_prob``) on a small network, live.

Every ``(keep_prob, lambd)`` combination of the sliders is trained once per dataset, all of them at
the same time as one batched NumPy computation (88 networks x 1000 epochs: about 5 s on one core,
shown with a progress bar). The numbers are kept in memory and in a disk cache
(:func:`course_utils.widgets._common.cache_dir`), so the next time a dataset is shown costs nothing.
Pictures are drawn once each, by a background thread (nearest slider positions first; a picture not
drawn yet is drawn on the spot, ~30 ms), so moving a slider only swaps a prepared PNG into the image.

The batched trainer computes exactly what :func:`course_utils.training.train` computes with
``optimizer="adam"``, full batch, ReLU hidden layers and a sigmoid output (the tests compare the two),
except that the dropout masks of all networks are cut from one shared uniform draw per epoch
(``mask = U < keep_prob``), so neighbouring keep_prob values see similar masks.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import ipywidgets as widgets
import numpy as np

from ..datasets import PLANAR_DATASETS, data_dir, load_planar
from ..initialization import initialize_parameters
from . import _common
from ._common import (
    SLIDER_STYLE,
    Explorer,
    guarded,
    new_figure,
    pct,
    readout,
    set_readout,
)

__all__ = [
    "KEEP_PROBS",
    "LAMBDAS",
    "RegularizationExplorer",
    "regularization_explorer",
    "train_grid",
]

#: keep_prob slider values (0.5 to 1 by 0.05).
KEEP_PROBS = tuple(round(0.5 + 0.05 * i, 2) for i in range(11))
#: lambd slider values. The course's 0.7 is there; 3 and 10 show underfitting (the L2 term is
#: ``lambd / (2 m) * sum ||W||^2`` with m = 200-400 examples, so lambd <= 1 never underfits these sets).
LAMBDAS = (0.0, 0.03, 0.1, 0.3, 0.7, 1.0, 3.0, 10.0)
LAYER_DIMS = (2, 30, 10, 1)
NUM_EPOCHS = 1000
LEARNING_RATE = 0.02
EVAL_EVERY = 20
RESOLUTION = 100
DATASET_LABELS = {
    "noisy": "noisy (12% flipped labels)",
    "moons": "moons",
    "circles": "circles",
    "flower": "flower",
}

_MEMORY: dict = {}  # fingerprint -> results dict (numbers + PNG frames), shared by all explorers of a kernel


# --------------------------------------------------------------------------- batched training
def _sigmoid(Z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        np.negative(Z, out=Z)
        np.exp(Z, out=Z)
    Z += 1.0
    return np.reciprocal(Z, out=Z)


def _forward_eval(W: list, b: list, X: np.ndarray) -> np.ndarray:
    """Output probabilities ``(K, 1, m)`` of the K networks on ``X`` ``(2, m)`` (no dropout)."""
    K = W[0].shape[0]
    A = (W[0].reshape(K * W[0].shape[1], -1) @ X).reshape(K, W[0].shape[1], X.shape[1]) + b[0]
    np.maximum(A, 0.0, out=A)
    for l in range(1, len(W)):
        A = np.matmul(W[l], A) + b[l]
        if l < len(W) - 1:
            np.maximum(A, 0.0, out=A)
    return _sigmoid(A)


def _cross_entropy(AL: np.ndarray, Y: np.ndarray, eps: float) -> np.ndarray:
    """Binary cross-entropy of each of the K networks: ``(K,)``."""
    P = np.clip(AL, eps, 1.0 - eps)
    return -np.mean(Y * np.log(P) + (1.0 - Y) * np.log1p(-P), axis=(1, 2))


def train_grid(
    X,
    Y,
    keep_probs,
    lambdas,
    *,
    layer_dims=LAYER_DIMS,
    num_epochs: int = NUM_EPOCHS,
    learning_rate: float = LEARNING_RATE,
    seed: int = 0,
    X_test=None,
    Y_test=None,
    eval_every: int = EVAL_EVERY,
    dtype="float32",
    beta1: float = 0.9,
    beta2: float = 0.999,
    epsilon: float = 1e-8,
    progress=None,
) -> dict:
    """Train one network per ``(keep_probs[k], lambdas[k])`` pair, all at once (full-batch Adam).

    ``X`` ``(n_x, m)``, ``Y`` ``(1, m)``; ``keep_probs`` and ``lambdas`` are equal-length sequences
    (one entry per network). Every network starts from the same He initialization
    (``initialize_parameters(layer_dims, "he", rng=default_rng(seed))``); hidden layers are ReLU with
    inverted dropout, the output is a sigmoid, the cost is cross-entropy +
    ``lambd / (2 m) * sum ||W||^2``. ``progress(epoch, num_epochs)`` is called now and then.

    Returns a dict: ``W``, ``b`` (lists of ``(K, n[l], n[l-1])`` / ``(K, n[l], 1)`` arrays),
    ``cost`` ``(num_epochs, K)`` (the minimized cost, with dropout and L2), ``eval_epochs``, and
    ``train_ce`` / ``test_ce`` ``(len(eval_epochs), K)``: cross-entropy without dropout or L2,
    every ``eval_every`` epochs (``test_ce`` only with a test set).
    """
    keep = np.asarray(keep_probs, dtype=np.float64).ravel()
    lam = np.asarray(lambdas, dtype=np.float64).ravel()
    if keep.shape != lam.shape or keep.size == 0:
        raise ValueError(f"keep_probs and lambdas must be equal-length non-empty sequences, got {keep.size} and {lam.size}")
    if np.any(keep <= 0) or np.any(keep > 1):
        raise ValueError(f"keep_probs must be in (0, 1], got {keep.tolist()}")
    if np.any(lam < 0):
        raise ValueError(f"lambdas must be >= 0, got {lam.tolist()}")
    X = np.asarray(X, dtype=dtype)
    Y = np.asarray(Y, dtype=dtype)
    dims = [int(n) for n in layer_dims]
    if dims[0] != X.shape[0] or dims[-1] != 1 or Y.shape != (1, X.shape[1]):
        raise ValueError(f"layer_dims must go from n_x={X.shape[0]} to 1 output with Y (1, m), got {dims} and Y {Y.shape}")
    K, m, L = keep.size, X.shape[1], len(dims) - 1
    eps = 1e-7 if np.dtype(dtype) == np.float32 else 1e-15

    kp = keep.astype(dtype)[:, None, None]
    inv_kp = (1.0 / keep).astype(dtype)[:, None, None]
    lam_m = (lam / m).astype(dtype)[:, None, None]
    uses_dropout = bool(np.any(keep < 1.0))
    start = initialize_parameters(dims, "he", rng=np.random.default_rng(seed))
    # Layer 1 keeps its bias as an extra column (inputs get a row of ones): one GEMM instead of GEMM + add.
    W = [np.repeat(np.hstack([start["W1"], start["b1"]])[None].astype(dtype), K, axis=0)]
    W += [np.repeat(start[f"W{l}"][None].astype(dtype), K, axis=0) for l in range(2, L + 1)]
    b = [None] + [np.repeat(start[f"b{l}"][None].astype(dtype), K, axis=0) for l in range(2, L + 1)]
    params = W + b[1:]
    v = [np.zeros_like(p) for p in params]
    s = [np.zeros_like(p) for p in params]
    rng = np.random.default_rng([seed, 1])
    X1 = np.vstack([X, np.ones((1, m), dtype=dtype)])
    X1T = np.ascontiguousarray(X1.T)
    n0 = dims[0]
    has_test = X_test is not None and Y_test is not None
    if has_test:
        X_test = np.asarray(X_test, dtype=dtype)
        Y_test = np.asarray(Y_test, dtype=dtype)
    eval_epochs = [e for e in range(num_epochs) if e % eval_every == 0 or e == num_epochs - 1]
    cost = np.empty((num_epochs, K))
    train_ce = np.empty((len(eval_epochs), K))
    test_ce = np.empty((len(eval_epochs), K)) if has_test else None
    n_eval = 0
    report = max(1, num_epochs // 40)

    def split():
        return [W[0][:, :, :n0]] + W[1:], [W[0][:, :, n0:]] + b[1:]

    for epoch in range(num_epochs):
        # Forward. D[l] = relu(Z) * mask ("dropped", not yet divided by keep_prob): the 1/keep_prob is
        # folded into the next layer's weights, Weff = W / keep_prob, which touches a few hundred numbers
        # instead of the whole (K, n, m) activation. gate[l] = (Z > 0) & mask is relu' times the mask.
        D, gates, Weff = [X1], [], [W[0]]
        for l in range(L):
            if l == 0:
                Z = (W[0].reshape(K * dims[1], n0 + 1) @ X1).reshape(K, dims[1], m)
            else:
                Weff.append(W[l] * inv_kp if uses_dropout else W[l])
                Z = np.matmul(Weff[l], D[-1])
                Z += b[l]
            if l < L - 1:
                gate = Z > 0
                if uses_dropout:
                    gate &= rng.random((dims[l + 1], m), dtype=dtype) < kp
                np.multiply(Z, gate, out=Z)
                gates.append(gate)
            else:
                Z = _sigmoid(Z)
            D.append(Z)
        AL = D[-1]
        penalty = np.sum(W[0][:, :, :n0].astype(np.float64) ** 2, axis=(1, 2))
        penalty += sum(np.sum(w.astype(np.float64) ** 2, axis=(1, 2)) for w in W[1:])
        cost[epoch] = _cross_entropy(AL, Y, eps) + lam_m[:, 0, 0].astype(np.float64) / 2.0 * penalty

        # Backward: dZ[L] = AL - Y; dW = dZ A_prev^T / m + lambd/m W (A_prev = D_prev / keep_prob).
        dZ = AL - Y
        grads_W, grads_b = [None] * L, [None] * L
        for l in range(L - 1, -1, -1):
            if l == 0:
                dW = (dZ.reshape(K * dims[1], m) @ X1T).reshape(K, dims[1], n0 + 1)
                dW *= 1.0 / m
                dW[:, :, :n0] += lam_m * W[0][:, :, :n0]
            else:
                dW = np.matmul(dZ, np.swapaxes(D[l], 1, 2))
                dW *= inv_kp * (1.0 / m) if uses_dropout else 1.0 / m
                dW += lam_m * W[l]
                grads_b[l] = dZ.sum(axis=2, keepdims=True) * (1.0 / m)
                dZ = np.matmul(np.swapaxes(Weff[l], 1, 2), dZ)
                np.multiply(dZ, gates[l - 1], out=dZ)
            grads_W[l] = dW
        grads = grads_W + grads_b[1:]

        # Adam: W -= lr * v_hat / (sqrt(s_hat) + eps), written with the corrections folded in
        t = epoch + 1
        c1, c2 = 1.0 - beta1**t, 1.0 - beta2**t
        step = learning_rate * np.sqrt(c2) / c1
        eps_t = epsilon * np.sqrt(c2)
        for p, g, v_p, s_p in zip(params, grads, v, s):
            v_p *= beta1
            v_p += (1.0 - beta1) * g
            s_p *= beta2
            s_p += (1.0 - beta2) * (g * g)
            p -= step * v_p / (np.sqrt(s_p) + eps_t)

        if n_eval < len(eval_epochs) and eval_epochs[n_eval] == epoch:
            W_plain, b_plain = split()
            train_ce[n_eval] = _cross_entropy(_forward_eval(W_plain, b_plain, X), Y, eps)
            if has_test:
                test_ce[n_eval] = _cross_entropy(_forward_eval(W_plain, b_plain, X_test), Y_test, eps)
            n_eval += 1
        if progress is not None and (epoch % report == 0 or epoch == num_epochs - 1):
            progress(epoch + 1, num_epochs)
    W, b = [np.ascontiguousarray(w) for w in split()[0]], [np.ascontiguousarray(c) for c in split()[1]]
    result = {"W": W, "b": b, "cost": cost, "train_ce": train_ce, "eval_epochs": np.array(eval_epochs)}
    if has_test:
        result["test_ce"] = test_ce
    return result


def _probability_maps(W, b, extent, resolution: int) -> np.ndarray:
    """``(K, resolution, resolution)`` uint8 maps of P(class 1) over ``extent`` (row 0 = bottom)."""
    x_min, x_max, y_min, y_max = extent
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution))
    grid = np.stack([xx.ravel(), yy.ravel()]).astype(W[0].dtype)
    K = W[0].shape[0]
    maps = np.empty((K, resolution * resolution), dtype=np.uint8)
    chunk = 8
    for k in range(0, K, chunk):
        probability = _forward_eval([w[k : k + chunk] for w in W], [c[k : k + chunk] for c in b], grid)[:, 0, :]
        maps[k : k + chunk] = np.rint(np.clip(probability, 0.0, 1.0) * 255.0).astype(np.uint8)
    return maps.reshape(K, resolution, resolution)


def _accuracies(W, b, X, Y) -> np.ndarray:
    predictions = _forward_eval(W, b, np.asarray(X, dtype=W[0].dtype))[:, 0, :] > 0.5
    return np.mean(predictions == (np.asarray(Y)[0] > 0.5), axis=1)


# --------------------------------------------------------------------------- pictures
def _region_colormap():
    """RdBu mixed with white (what ``alpha=0.55`` over a white page gives, without the cost of alpha)."""
    import matplotlib
    from matplotlib.colors import ListedColormap

    colors = matplotlib.colormaps["RdBu"](np.linspace(0.0, 1.0, 256))
    colors[:, :3] = 0.55 * colors[:, :3] + 0.45
    return ListedColormap(colors, name="RdBu_light")


class _Frames:
    """One figure per dataset: the static parts are drawn once, a frame redraws only what changes."""

    def __init__(self, dataset: str, results: dict, X: np.ndarray, Y: np.ndarray):
        from matplotlib.lines import Line2D

        self.results = results
        self.dataset = dataset
        fig = new_figure(10.0, 4.6)
        self.figure = fig
        ax_map, ax_cost = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.25]})
        extent = tuple(float(v) for v in results["extent"])
        self.image = ax_map.imshow(
            results["maps"][0, 0], extent=extent, origin="lower", cmap=_region_colormap(), vmin=0, vmax=255,
            interpolation="bilinear", aspect="auto", zorder=0,
        )
        labels = Y[0] > 0.5
        self.points = ax_map.scatter(X[0], X[1], s=14, c=np.where(labels, "#1f77b4", "#d62728"), edgecolors="k",
                                     linewidths=0.4, zorder=2)
        ax_map.set_xlim(extent[0], extent[1])
        ax_map.set_ylim(extent[2], extent[3])
        ax_map.set_xlabel("$x_1$")
        ax_map.set_ylabel("$x_2$")
        ax_map.set_title("Decision boundary (shading: P(class 1))", fontsize="medium")
        res = results["maps"].shape[-1]
        self.grid_x, self.grid_y = np.meshgrid(np.linspace(extent[0], extent[1], res),
                                               np.linspace(extent[2], extent[3], res))
        self.ax_map = ax_map

        epochs = np.arange(results["cost"].shape[-1])
        eval_epochs = results["eval_epochs"]
        (self.cost_line,) = ax_cost.plot(epochs, results["cost"][0, 0], color="0.6", linewidth=0.8,
                                         label="cost J minimized (with dropout and L2)")
        (self.train_line,) = ax_cost.plot(eval_epochs, results["train_ce"][0, 0], color="C0", linewidth=1.8,
                                          label="train cross-entropy")
        (self.test_line,) = ax_cost.plot(eval_epochs, results["test_ce"][0, 0], color="C3", linewidth=1.8,
                                         label="test cross-entropy")
        top = max(float(np.nanmax(results["test_ce"])), float(np.nanmax(results["train_ce"])))
        ax_cost.set_ylim(0.0, float(np.clip(1.08 * top, 0.5, 3.0)))
        ax_cost.set_xlim(0, epochs[-1])
        ax_cost.set_xlabel("epoch")
        ax_cost.set_ylabel("cost")
        ax_cost.set_title("Cost during training (fixed axes: compare settings)", fontsize="medium")
        ax_cost.grid(alpha=0.3)
        # ncol=3 fills column by column: row 1 = left panel, row 2 = right panel
        handles = [
            Line2D([], [], marker="o", linestyle="", markerfacecolor="#d62728", markeredgecolor="k", label="class 0 (train)"),
            self.cost_line,
            Line2D([], [], marker="o", linestyle="", markerfacecolor="#1f77b4", markeredgecolor="k", label="class 1 (train)"),
            self.train_line,
            Line2D([], [], color="k", linewidth=1.4, label="decision boundary P = 0.5"),
            self.test_line,
        ]
        # A figure legend below the axes is static: drawn once, never covered by the changing plots.
        fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize="small", frameon=False)
        self.suptitle = fig.suptitle("keep_prob = 1.00,  lambd = 10   |   train 100.0 %   test 100.0 %", fontsize="large")
        _common.freeze_layout(fig)
        self.dynamic = [self.image, self.points, *self.ax_map.spines.values(),
                        self.cost_line, self.train_line, self.test_line, self.suptitle]
        for artist in self.dynamic:
            artist.set_animated(True)
        self.blitter = _common.Blitter(fig)

    def render(self, i: int, j: int, keep_prob: float, lambd: float) -> bytes:
        r = self.results
        with _common.RENDER_LOCK:
            self.image.set_data(r["maps"][i, j])
            level_map = r["maps"][i, j].astype(np.float32)
            artists = list(self.dynamic)
            contour = None
            if level_map.min() < 127.5 < level_map.max():
                contour = self.ax_map.contour(self.grid_x, self.grid_y, level_map, levels=[127.5], colors="k",
                                              linewidths=1.4, zorder=1)
                contour.set_animated(True)
                artists.insert(1, contour)
            self.cost_line.set_ydata(r["cost"][i, j])
            self.train_line.set_ydata(r["train_ce"][i, j])
            self.test_line.set_ydata(r["test_ce"][i, j])
            self.suptitle.set_text(
                f"{self.dataset}: keep_prob = {keep_prob:.2f},  lambd = {lambd:g}   |   "
                f"train accuracy {pct(r['train_acc'][i, j])},  test accuracy {pct(r['test_acc'][i, j])}"
            )
            png = self.blitter.frame(artists)
            if contour is not None:
                contour.remove()
        return png


# --------------------------------------------------------------------------- the explorer
class RegularizationExplorer(Explorer):
    """See :func:`regularization_explorer`."""

    def __init__(self, dataset="noisy", keep_probs=KEEP_PROBS, lambdas=LAMBDAS, layer_dims=LAYER_DIMS,
                 num_epochs=NUM_EPOCHS, learning_rate=LEARNING_RATE, seed=0, resolution=RESOLUTION):
        if dataset not in PLANAR_DATASETS:
            raise ValueError(f"dataset must be one of {list(PLANAR_DATASETS)}, got {dataset!r}")
        self.keep_probs = tuple(float(k) for k in keep_probs)
        self.lambdas = tuple(float(v) for v in lambdas)
        self.config = {"layer_dims": tuple(int(n) for n in layer_dims), "num_epochs": int(num_epochs),
                       "learning_rate": float(learning_rate), "seed": int(seed), "resolution": int(resolution)}
        self._frames: dict = {}  # dataset -> _Frames
        self.prerenderer = _common.Prerenderer()
        self._prerendering = None
        self._results: dict = {}  # dataset -> results dict
        controls = {
            "dataset": widgets.Dropdown(options=[(DATASET_LABELS[n], n) for n in PLANAR_DATASETS], value=dataset,
                                        description="dataset", style=SLIDER_STYLE),
            "keep_prob": widgets.SelectionSlider(options=[(f"{k:.2f}", k) for k in self.keep_probs],
                                                 value=self.keep_probs[-1], description="keep_prob",
                                                 style=SLIDER_STYLE, continuous_update=True,
                                                 layout=_common.slider_layout()),
            "lambd": widgets.SelectionSlider(options=[(f"{v:g}", v) for v in self.lambdas], value=self.lambdas[0],
                                             description="lambd", style=SLIDER_STYLE, continuous_update=True,
                                             layout=_common.slider_layout()),
        }
        readouts = {"train": readout("train accuracy"), "test": readout("test accuracy"), "gap": readout("gap")}
        dims = " → ".join(str(n) for n in self.config["layer_dims"])
        super().__init__(
            "regularization",
            "Regularization explorer: L2 and dropout",
            f"A {dims} ReLU network trained with Adam for {self.config['num_epochs']} epochs for every slider "
            "position (precomputed once per dataset). Raise <code>lambd</code> or lower <code>keep_prob</code> "
            "and watch the wiggly, overfitted boundary smooth out; push them far and it underfits.",
            controls,
            readouts,
            image_width=800,
            rows=[["dataset"], ["keep_prob", "lambd"]],
        )
        controls["dataset"].observe(self._on_dataset, names="value")
        controls["keep_prob"].observe(self._on_slider, names="value")
        controls["lambd"].observe(self._on_slider, names="value")
        self._ensure(dataset)
        self._update()

    # -- data
    def _fingerprint(self, dataset: str) -> str:
        return _common.fingerprint(
            "regularization", dataset, self.keep_probs, self.lambdas, sorted(self.config.items()),
            data_dir() / f"{dataset}.npz", Path(__file__), Path(_common.__file__),
        )

    def _ensure(self, dataset: str) -> None:
        if dataset in self._frames:
            return
        key = self._fingerprint(dataset)
        results = _MEMORY.get(key)
        if results is None:
            results = _load_cached(key, len(self.keep_probs), len(self.lambdas))
        X, Y, X_test, Y_test = load_planar(dataset)
        if results is None:
            results = self._compute(dataset, X, Y, X_test, Y_test)
            _save_cached(key, results)
        results.setdefault("png", {})
        frames = _Frames(dataset, results, X, Y)
        _MEMORY[key] = results
        self._results[dataset] = results
        self._frames[dataset] = frames
        self.say(f"{dataset}: {len(self.keep_probs) * len(self.lambdas)} networks, trained in "
                 f"{results['train_seconds']:.1f} s (then cached); moving a slider swaps in a prepared picture.")

    def _compute(self, dataset, X, Y, X_test, Y_test) -> dict:
        nk, nl = len(self.keep_probs), len(self.lambdas)
        keep = np.repeat(self.keep_probs, nl)
        lam = np.tile(self.lambdas, nk)
        self.start_progress(self.config["num_epochs"], f"training {nk * nl} networks")
        self.say(f"training {nk * nl} networks on '{dataset}' (once; about 5-10 s)...")
        start = time.perf_counter()
        out = train_grid(X, Y, keep, lam, layer_dims=self.config["layer_dims"], num_epochs=self.config["num_epochs"],
                         learning_rate=self.config["learning_rate"], seed=self.config["seed"],
                         X_test=X_test, Y_test=Y_test,
                         progress=lambda done, total: self.step_progress(done))
        pad = 0.5
        extent = np.array([X[0].min() - pad, X[0].max() + pad, X[1].min() - pad, X[1].max() + pad])
        res = self.config["resolution"]
        results = {
            "extent": extent,
            "maps": _probability_maps(out["W"], out["b"], extent, res).reshape(nk, nl, res, res),
            "cost": out["cost"].T.reshape(nk, nl, -1).astype(np.float32),
            "train_ce": out["train_ce"].T.reshape(nk, nl, -1).astype(np.float32),
            "test_ce": out["test_ce"].T.reshape(nk, nl, -1).astype(np.float32),
            "eval_epochs": out["eval_epochs"],
            "train_acc": _accuracies(out["W"], out["b"], X, Y).reshape(nk, nl),
            "test_acc": _accuracies(out["W"], out["b"], X_test, Y_test).reshape(nk, nl),
        }
        results["train_seconds"] = time.perf_counter() - start
        self.end_progress()
        return results

    # -- observers
    def _indices(self) -> tuple[int, int]:
        i = int(np.argmin(np.abs(np.array(self.keep_probs) - self.controls["keep_prob"].value)))
        j = int(np.argmin(np.abs(np.array(self.lambdas) - self.controls["lambd"].value)))
        return i, j

    @guarded
    def _on_dataset(self, change) -> None:
        self._ensure(change["new"])
        self._update_now()

    @guarded
    def _on_slider(self, change) -> None:
        self._update_now()

    def _update_now(self) -> None:
        dataset = self.controls["dataset"].value
        results = self._results[dataset]
        i, j = self._indices()
        png = results["png"].get((i, j))
        if png is None:
            png = self._frames[dataset].render(i, j, self.keep_probs[i], self.lambdas[j])
            results["png"][(i, j)] = png
        self.show_png(png)
        if dataset != self._prerendering:
            # draw every other picture of this dataset in the background, nearest first
            self._prerendering = dataset
            frames = self._frames[dataset]
            keys = sorted(((a, c) for a in range(len(self.keep_probs)) for c in range(len(self.lambdas))),
                          key=lambda key: abs(key[0] - i) + abs(key[1] - j))
            self.prerenderer.start(keys, lambda key: frames.render(key[0], key[1], self.keep_probs[key[0]],
                                                                   self.lambdas[key[1]]), results["png"])
        train, test = float(results["train_acc"][i, j]), float(results["test_acc"][i, j])
        set_readout(self.readouts["train"], "train accuracy", pct(train))
        set_readout(self.readouts["test"], "test accuracy", pct(test))
        set_readout(self.readouts["gap"], f"gap (keep_prob {self.keep_probs[i]:.2f}, lambd {self.lambdas[j]:g})",
                    f"{100 * (train - test):+.1f} points")

    def wait_for_pictures(self, timeout: float | None = 60.0) -> bool:
        """Block until every picture of the shown dataset is drawn (they are drawn in the background)."""
        return self.prerenderer.wait(timeout)

    def results(self, dataset: str | None = None) -> dict:
        """The precomputed arrays of ``dataset`` (default: the one shown): ``train_acc``/``test_acc``
        ``(len(keep_probs), len(lambdas))``, ``cost``, ``train_ce``, ``test_ce``, ``maps``, ``png``."""
        dataset = dataset or self.controls["dataset"].value
        self._ensure(dataset)
        return self._results[dataset]


_ARRAY_KEYS = ("extent", "maps", "cost", "train_ce", "test_ce", "eval_epochs", "train_acc", "test_acc")


def _save_cached(key: str, results: dict) -> None:
    arrays = {name: results[name] for name in _ARRAY_KEYS}
    arrays["train_seconds"] = np.array(results["train_seconds"])
    _common.cache_save(f"regularization-{key}", arrays)


def _load_cached(key: str, nk: int, nl: int) -> dict | None:
    arrays = _common.cache_load(f"regularization-{key}")
    if arrays is None or any(name not in arrays for name in _ARRAY_KEYS):
        return None
    results = {name: arrays[name] for name in _ARRAY_KEYS}
    results["train_seconds"] = float(arrays.get("train_seconds", np.nan))
    if results["train_acc"].shape != (nk, nl):
        return None
    return results


def regularization_explorer(dataset: str = "noisy", *, keep_probs=KEEP_PROBS, lambdas=LAMBDAS,
                            layer_dims=LAYER_DIMS, num_epochs: int = NUM_EPOCHS,
                            learning_rate: float = LEARNING_RATE, seed: int = 0,
                            resolution: int = RESOLUTION) -> RegularizationExplorer | widgets.HTML:
    """Explorer of L2 and dropout: decision boundary, cost curves and accuracies per (keep_prob, lambd).

    Sliders ``keep_prob`` and ``lambd`` and a dataset menu; shows the decision boundary, the cost curves
    and the train/test accuracy of the network trained with those settings.

    Every combination is trained once per dataset when it is first shown (a progress bar runs,
    about 5-10 s) and cached in memory and on disk; moving a slider then swaps in a prepared picture.
    Returns the widget (display it, or make it the last expression of a cell). Its ``.controls`` /
    ``.sliders`` (``"dataset"``, ``"keep_prob"``, ``"lambd"``), ``.image`` and ``.readouts``
    (``"train"``, ``"test"``, ``"gap"``) can be driven from Python.

    While nbgrader executes the notebook (``NBGRADER_EXECUTION`` set), nobody can move a slider: it
    returns a one-line note instead of training the networks (3 CPU seconds per graded notebook).
    """
    if "NBGRADER_EXECUTION" in os.environ:
        return widgets.HTML("<i>The regularization explorer is not trained while the notebook is being graded: "
                            "open the notebook in JupyterLab to use it.</i>")
    return RegularizationExplorer(dataset, keep_probs, lambdas, layer_dims, num_epochs, learning_rate, seed, resolution)
