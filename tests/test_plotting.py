"""Tests for course_utils.plotting (Agg backend, set in conftest.py)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402

from course_utils import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _clean_matplotlib(monkeypatch):
    """Fail on plt.show() or rcParams changes; close every figure a test made."""

    def _no_show(*args, **kwargs):
        raise AssertionError("plotting functions must never call plt.show()")

    monkeypatch.setattr(plt, "show", _no_show)
    before_rc = dict(plt.rcParams)
    before_figs = set(plt.get_fignums())
    yield
    after_rc = dict(plt.rcParams)
    changed = sorted(k for k in before_rc if before_rc[k] != after_rc.get(k))
    for num in set(plt.get_fignums()) - before_figs:
        plt.close(num)
    assert not changed, f"rcParams changed: {changed}"


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def _legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "expected a legend"
    return [t.get_text() for t in legend.get_texts()]


def _blobs(m=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2, m))
    Y = (X[0] + X[1] > 0).astype(float)[None, :]
    return X, Y


# --------------------------------------------------------------------------- decision boundary
def test_decision_boundary_with_labels(ax):
    X, Y = _blobs()
    calls = []

    def predict(G):
        calls.append(G.shape)
        return (G[0:1] + G[1:2] > 0).astype(float)

    nfigs = len(plt.get_fignums())
    out = plotting.plot_decision_boundary(predict, X, Y, ax=ax, title="linear", resolution=50)
    assert out is ax
    assert len(plt.get_fignums()) == nfigs  # drew on the given axes, no new figure
    assert calls == [(2, 2500)]
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    scatters = [c for c in ax.collections if isinstance(c, PathCollection) and not isinstance(c, ContourSet)]
    assert len(scatters) == 2
    assert sum(len(s.get_offsets()) for s in scatters) == X.shape[1]
    assert _legend_texts(ax) == ["class 0", "class 1"]
    assert ax.get_title() == "linear"
    assert ax.get_xlabel() and ax.get_ylabel()
    x_low, x_high = ax.get_xlim()
    assert x_low == pytest.approx(X[0].min() - 0.5) and x_high == pytest.approx(X[0].max() + 0.5)


def test_decision_boundary_with_probabilities_draws_threshold_line(ax):
    X, Y = _blobs()
    plotting.plot_decision_boundary(lambda G: 1 / (1 + np.exp(-(G[0:1] + G[1:2]))), X, Y.ravel(), ax=ax, resolution=40)
    contour_sets = [c for c in ax.collections if isinstance(c, ContourSet)]
    assert len(contour_sets) == 2  # filled probabilities + the 0.5 line
    assert list(contour_sets[1].levels) == [0.5]
    assert ax.get_title() == "Decision boundary"


def test_decision_boundary_creates_axes_when_none():
    X, Y = _blobs()
    ax = plotting.plot_decision_boundary(lambda G: np.zeros((1, G.shape[1])), X, Y, resolution=10)
    assert isinstance(ax, matplotlib.axes.Axes)
    assert ax.figure.number in plt.get_fignums()


def test_decision_boundary_errors(ax):
    X, Y = _blobs()
    good = lambda G: np.zeros((1, G.shape[1]))  # noqa: E731
    with pytest.raises(TypeError, match="predict_fn must be callable, got int"):
        plotting.plot_decision_boundary(3, X, Y, ax=ax)
    with pytest.raises(ValueError, match=r"X must have shape \(2, m\), got \(3, 40\)"):
        plotting.plot_decision_boundary(good, np.zeros((3, 40)), Y, ax=ax)
    with pytest.raises(ValueError, match="Y must have one label per column of X"):
        plotting.plot_decision_boundary(good, X, Y[:, :10], ax=ax)
    with pytest.raises(ValueError, match=r"predict_fn\(grid\) must return shape \(1, k\)"):
        plotting.plot_decision_boundary(lambda G: np.zeros((1, 3)), X, Y, ax=ax, resolution=10)
    with pytest.raises(ValueError, match="resolution must be >= 2, got 1"):
        plotting.plot_decision_boundary(good, X, Y, ax=ax, resolution=1)
    with pytest.raises(ValueError, match="padding must be >= 0, got -1.0"):
        plotting.plot_decision_boundary(good, X, Y, ax=ax, padding=-1.0)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes or None, got str"):
        plotting.plot_decision_boundary(good, X, Y, ax="left")


# --------------------------------------------------------------------------- curves
def test_plot_curves(ax):
    history = {"train": [1.0, 0.5, 0.25], "dev": np.array([1.2, 0.8, 0.6])}
    out = plotting.plot_curves(history, ax=ax, step=100, title="costs")
    assert out is ax
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["train", "dev"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [0, 100, 200])
    np.testing.assert_array_equal(lines[1].get_ydata(), [1.2, 0.8, 0.6])
    assert _legend_texts(ax) == ["train", "dev"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("iteration", "cost", "costs")
    assert ax.get_yscale() == "linear"


def test_plot_curves_log_scale_and_bare_array(ax):
    plotting.plot_curves(np.array([10.0, 1.0, np.nan, 0.1]), ax=ax, ylabel="loss", xlabel="epoch", logy=True)
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == ["loss"]
    assert ax.get_title() == "loss vs epoch"


def test_plot_curves_errors(ax):
    with pytest.raises(TypeError, match="history must be a dict of name -> sequence, got int"):
        plotting.plot_curves(5, ax=ax)
    with pytest.raises(ValueError, match="history must not be empty"):
        plotting.plot_curves({}, ax=ax)
    with pytest.raises(ValueError, match=r"history\['a'\] must be > 0 when logy=True"):
        plotting.plot_curves({"a": [1.0, 0.0]}, ax=ax, logy=True)
    with pytest.raises(ValueError, match=r"history\['a'\] must be a 1-D array, got shape \(2, 2\)"):
        plotting.plot_curves({"a": np.ones((2, 2))}, ax=ax)
    with pytest.raises(ValueError, match="step must be >= 1, got 0"):
        plotting.plot_curves({"a": [1.0]}, ax=ax, step=0)


# --------------------------------------------------------------------------- optimizer paths
def _bowl(x, y):
    return x**2 / 10 + 2 * y**2


def test_plot_optimizer_paths(ax):
    t = np.linspace(0, 1, 20)
    paths = {"gd": np.stack([-3 + 3 * t, 1 - t]), "adam": np.stack([-3 + 3 * np.sqrt(t), 1 - t**2])}
    out = plotting.plot_optimizer_paths(_bowl, paths, ax=ax, xlim=(-4, 1), ylim=(-1, 2), levels=15, minimum=(0, 0))
    assert out is ax
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels.count("gd") == 1 and labels.count("adam") == 1
    assert len(ax.get_lines()) == 2 * 3 + 1  # each path: line, start, end; plus the minimum
    assert _legend_texts(ax) == ["gd", "adam", "minimum"]
    assert ax.get_xlim() == (-4.0, 1.0) and ax.get_ylim() == (-1.0, 2.0)
    gd_line = ax.get_lines()[0]
    np.testing.assert_allclose(gd_line.get_xdata(), paths["gd"][0])
    start, end = ax.get_lines()[1], ax.get_lines()[2]
    assert start.get_marker() == "o" and end.get_marker() == "*"
    np.testing.assert_allclose([end.get_xdata()[0], end.get_ydata()[0]], paths["gd"][:, -1])
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()


def test_plot_optimizer_paths_colors_follow_the_names(ax):
    paths = {"gd": np.zeros((2, 3)), "rmsprop": np.ones((2, 3))}
    plotting.plot_optimizer_paths(_bowl, paths, ax=ax, colors={"rmsprop": "C4", "gd": "C0", "adam": "C5"})
    by_label = {line.get_label(): line.get_color() for line in ax.get_lines()}
    assert by_label["gd"] == "C0" and by_label["rmsprop"] == "C4"
    with pytest.raises(ValueError, match=r"colors must give a colour for every path, got none for \['gd'\]"):
        plotting.plot_optimizer_paths(_bowl, paths, ax=ax, colors={"rmsprop": "C4"})


def test_plot_optimizer_paths_default_limits_cover_paths():
    path = np.array([[2.0, 1.0, 0.5], [-1.0, 0.0, 3.0]])
    ax = plotting.plot_optimizer_paths(_bowl, {"sgd": path}, levels=[0.1, 1.0, 5.0])
    x_low, x_high = ax.get_xlim()
    y_low, y_high = ax.get_ylim()
    assert x_low < 0.5 and x_high > 2.0 and y_low < -1.0 and y_high > 3.0


def test_plot_optimizer_paths_errors(ax):
    good = {"gd": np.zeros((2, 3))}
    with pytest.raises(TypeError, match="f must be callable"):
        plotting.plot_optimizer_paths(None, good, ax=ax)
    with pytest.raises(ValueError, match=r"paths\['gd'\] must have shape \(2, T\)"):
        plotting.plot_optimizer_paths(_bowl, {"gd": np.zeros((3, 3))}, ax=ax)
    with pytest.raises(TypeError, match="paths must be a dict of name -> array, got list"):
        plotting.plot_optimizer_paths(_bowl, [np.zeros((2, 3))], ax=ax)
    with pytest.raises(ValueError, match=r"xlim must be a pair \(low, high\) with low < high"):
        plotting.plot_optimizer_paths(_bowl, good, ax=ax, xlim=(1, -1))
    with pytest.raises(ValueError, match=r"f\(x, y\) must return an array of the same shape as x"):
        plotting.plot_optimizer_paths(lambda x, y: np.sum(x), good, ax=ax, xlim=(-1, 1), ylim=(-1, 1))


# --------------------------------------------------------------------------- series
def test_plot_series_with_averages_datetimes(ax):
    t = np.arange("2013-01-01", "2013-02-01", dtype="datetime64[D]")
    series = np.sin(np.arange(t.size) / 3.0)
    averages = {"beta=0.9": np.convolve(series, np.ones(3) / 3, mode="same"), "beta=0.5": series * 0.5}
    out = plotting.plot_series_with_averages(t, series, averages, ax=ax, ylabel="temperature (C)", title="EWA")
    assert out is ax
    scatters = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatters) == 1 and len(scatters[0].get_offsets()) == t.size
    assert [line.get_label() for line in ax.get_lines()] == ["beta=0.9", "beta=0.5"]
    assert _legend_texts(ax) == ["data", "beta=0.9", "beta=0.5"]
    assert (ax.get_title(), ax.get_ylabel(), ax.get_xlabel()) == ("EWA", "temperature (C)", "day")


def test_plot_series_with_averages_errors(ax):
    t = np.arange(10.0)
    with pytest.raises(ValueError, match=r"series must have the same shape as t \(10,\), got \(9,\)"):
        plotting.plot_series_with_averages(t, np.zeros(9), {"a": np.zeros(10)}, ax=ax)
    with pytest.raises(ValueError, match=r"averages\['a'\] must have the same shape as t"):
        plotting.plot_series_with_averages(t, np.zeros(10), {"a": np.zeros(5)}, ax=ax)
    with pytest.raises(TypeError, match="averages must be a dict"):
        plotting.plot_series_with_averages(t, np.zeros(10), np.zeros(10), ax=ax)
    with pytest.raises(TypeError, match="t must hold numbers or datetime64 values"):
        plotting.plot_series_with_averages(np.array(list("abcdefghij")), np.zeros(10), {"a": np.zeros(10)}, ax=ax)


# --------------------------------------------------------------------------- layer statistics
def test_plot_layer_statistics_hist(ax):
    rng = np.random.default_rng(0)
    values = [rng.normal(0, s, (20, 50)) for s in (1.0, 0.3, 0.05)]
    out = plotting.plot_layer_statistics(values, ax=ax)
    assert out is ax
    assert len(ax.patches) == 3  # one step histogram per layer
    texts = _legend_texts(ax)
    assert len(texts) == 3 and texts[0].startswith("layer 1") and "std" in texts[0]
    assert ax.get_title() == "Activations per layer"
    assert ax.get_xlabel() == "activation value" and ax.get_ylabel() == "density"


def test_plot_layer_statistics_std_bars_auto_log(ax):
    values = [np.array([-1.0, 1.0]), np.array([-30.0, 30.0]), np.array([-1000.0, 1000.0])]
    plotting.plot_layer_statistics(values, ax=ax, kind="gradients", style="std", layer_names=["W1", "W2", "W3"])
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights, [1.0, 30.0, 1000.0])
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["W1", "W2", "W3"]
    assert ax.get_title() == "Gradients per layer"
    assert "gradients" in ax.get_ylabel()


def test_plot_layer_statistics_std_linear_when_similar(ax):
    plotting.plot_layer_statistics([np.array([-1.0, 1.0]), np.array([-2.0, 2.0])], ax=ax, style="std")
    assert ax.get_yscale() == "linear"


def test_plot_layer_statistics_errors(ax):
    with pytest.raises(ValueError, match=r"kind must be one of \['activations', 'gradients', 'weights'\], got 'grads'"):
        plotting.plot_layer_statistics([np.ones(3)], ax=ax, kind="grads")
    with pytest.raises(ValueError, match=r"style must be one of \['hist', 'std'\], got 'box'"):
        plotting.plot_layer_statistics([np.ones(3)], ax=ax, style="box")
    with pytest.raises(ValueError, match="values_per_layer must hold at least one array"):
        plotting.plot_layer_statistics([], ax=ax)
    with pytest.raises(TypeError, match="values_per_layer must be a list of arrays, got ndarray"):
        plotting.plot_layer_statistics(np.ones((3, 3)), ax=ax)
    with pytest.raises(ValueError, match=r"values_per_layer\[1\] must be a non-empty array of finite values"):
        plotting.plot_layer_statistics([np.ones(3), np.array([1.0, np.inf])], ax=ax)
    with pytest.raises(ValueError, match="layer_names must have one name per layer"):
        plotting.plot_layer_statistics([np.ones(3)], ax=ax, layer_names=["a", "b"])


# --------------------------------------------------------------------------- confusion matrix
def test_confusion_matrix_counts():
    y_true = np.array([[0, 0, 1, 2, 2, 2]])
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    expected = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    np.testing.assert_array_equal(plotting.confusion_matrix(y_true, y_pred, 3), expected)
    one_hot = np.eye(3)[:, y_pred]
    np.testing.assert_array_equal(plotting.confusion_matrix(y_true, one_hot, 3), expected)


def test_plot_confusion_matrix(ax):
    y_true = np.array([0, 0, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 0, 2])
    out = plotting.plot_confusion_matrix(y_true, y_pred, 3, ax=ax)
    assert out is ax
    assert len(ax.images) == 1
    np.testing.assert_array_equal(ax.images[0].get_array(), [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 9 and texts[-1] == "2"
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert "accuracy 66.7%" in ax.get_title()


def test_plot_confusion_matrix_normalized(ax):
    plotting.plot_confusion_matrix([0, 0, 1], [0, 1, 1], 2, ax=ax, normalize=True, class_names=["cat", "dog"])
    assert [t.get_text() for t in ax.texts] == ["0.50", "0.50", "0.00", "1.00"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog"]


def test_confusion_matrix_errors():
    with pytest.raises(ValueError, match=r"y_true must hold labels in \[0, 2\], got a label 3"):
        plotting.confusion_matrix([0, 3], [0, 1], 3)
    with pytest.raises(ValueError, match="y_pred must hold non-negative integer class labels"):
        plotting.confusion_matrix([0, 1], [0, 0.5], 3)
    with pytest.raises(ValueError, match="y_true and y_pred must hold the same number of labels, got 2 and 3"):
        plotting.confusion_matrix([0, 1], [0, 1, 1], 3)
    with pytest.raises(ValueError, match="n_classes must be >= 1, got 0"):
        plotting.confusion_matrix([0], [0], 0)


# --------------------------------------------------------------------------- images
def test_show_images():
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (64, 13))
    labels = np.arange(13)[None, :] % 10
    predictions = labels.copy()
    predictions[0, 2] = 7
    fig, axes = plotting.show_images(images, labels, ncols=5, predictions=predictions, title="digits")
    assert len(axes) == 15  # 3 rows x 5 columns, two hidden
    assert sum(len(a.images) for a in axes) == 13
    assert not axes[-1].images and not any(a.axison for a in axes)  # pictures need no axis labels
    np.testing.assert_array_equal(axes[1].images[0].get_array(), images[:, 1].reshape(8, 8))
    assert axes[0].get_title() == "y=0 pred=0"
    assert axes[2].get_title() == "y=2 pred=7"
    assert matplotlib.colors.same_color(axes[2].title.get_color(), "red")
    assert fig._suptitle is not None and fig._suptitle.get_text() == "digits"


def test_show_images_on_given_axes_and_shape():
    fig, given = plt.subplots(1, 3)
    out_fig, axes = plotting.show_images(np.zeros((12, 2)), shape=(3, 4), axes=given)
    assert out_fig is fig and len(axes) == 3
    assert axes[0].images[0].get_array().shape == (3, 4)
    assert not axes[2].images and not axes[2].axison


def test_show_images_errors():
    with pytest.raises(ValueError, match=r"images must have shape \(height \* width, k\) = \(64, k\)"):
        plotting.show_images(np.zeros((63, 2)))
    with pytest.raises(ValueError, match=r"labels must have one entry per image \(2\), got 3"):
        plotting.show_images(np.zeros((64, 2)), labels=[0, 1, 2])
    with pytest.raises(ValueError, match="ncols must be >= 1, got 0"):
        plotting.show_images(np.zeros((64, 2)), ncols=0)
