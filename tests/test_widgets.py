"""The explorers of course_utils.widgets, driven from Python (no browser): build each one, move its
controls, check the picture and the read-outs change, that no pyplot figure is left behind, and that
the playground notebook runs with nbclient and saves its widget state."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
PLAYGROUND = ROOT / "notebooks" / "playground" / "playground.ipynb"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# A tiny regularization grid: the real one (88 networks x 1000 epochs) runs in the notebook test.
SMALL = {"keep_probs": (0.7, 1.0), "lambdas": (0.0, 1.0), "num_epochs": 40, "resolution": 40}


@pytest.fixture(scope="session", autouse=True)
def widget_cache(tmp_path_factory):
    """One disk cache for the whole session (the browser tests reuse what the notebook test trained)."""
    folder = tmp_path_factory.getbasetemp() / "widget-cache"
    folder.mkdir(exist_ok=True)
    previous = os.environ.get("COURSE_WIDGETS_CACHE")
    os.environ["COURSE_WIDGETS_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("COURSE_WIDGETS_CACHE", None)
    else:
        os.environ["COURSE_WIDGETS_CACHE"] = previous


@pytest.fixture
def no_new_figures():
    before = set(plt.get_fignums())
    yield
    assert set(plt.get_fignums()) == before, "an explorer left a pyplot figure open"


def png(explorer) -> bytes:
    return bytes(explorer.image.value)  # ipywidgets keeps it as a memoryview


def readout_texts(explorer) -> dict:
    return {name: box.value for name, box in explorer.readouts.items()}


def check_change(explorer, control: str, value, readouts: bool = True) -> None:
    """Set ``control`` to ``value`` and check the picture (and the read-outs) changed, without errors."""
    before_png, before_text = png(explorer), readout_texts(explorer)
    explorer.controls[control].value = value
    assert explorer.last_error is None, f"{control}={value!r}: {explorer.last_error!r}"
    assert png(explorer).startswith(PNG_SIGNATURE)
    assert png(explorer) != before_png, f"the picture did not change for {control}={value!r}"
    if readouts:
        assert readout_texts(explorer) != before_text, f"no read-out changed for {control}={value!r}"


# --------------------------------------------------------------------------- regularization
def test_train_grid_matches_the_course_training_loop():
    """Without dropout, the batched trainer is the course's train(optimizer="adam") to rounding error."""
    from course_utils.datasets import load_noisy
    from course_utils.initialization import initialize_parameters
    from course_utils.training import train
    from course_utils.widgets.regularization import train_grid

    X, Y, _, _ = load_noisy()
    dims = (2, 8, 4, 1)
    lambdas = (0.0, 0.7)
    out = train_grid(X, Y, (1.0, 1.0), lambdas, layer_dims=dims, num_epochs=30, learning_rate=0.02,
                     dtype=np.float64, seed=3)
    for k, lambd in enumerate(lambdas):
        start = initialize_parameters(list(dims), "he", rng=np.random.default_rng(3))
        reference = train(X, Y, list(dims), rng=np.random.default_rng(0), optimizer="adam", learning_rate=0.02,
                          num_epochs=30, lambd=lambd, parameters=start, progress=False)
        for l in (1, 2, 3):
            np.testing.assert_allclose(out["W"][l - 1][k], reference.parameters[f"W{l}"], rtol=0, atol=1e-12)
            np.testing.assert_allclose(out["b"][l - 1][k], reference.parameters[f"b{l}"], rtol=0, atol=1e-12)
        np.testing.assert_allclose(out["cost"][:, k], reference.history["cost"], rtol=1e-12, atol=1e-12)


def test_train_grid_dropout_is_inverted_and_regularizes():
    """keep_prob < 1 trains a different, finite network whose minimized cost is noisier than without dropout."""
    from course_utils.datasets import load_noisy
    from course_utils.widgets.regularization import train_grid

    X, Y, X_test, Y_test = load_noisy()
    out = train_grid(X, Y, (1.0, 0.6), (0.0, 0.0), layer_dims=(2, 20, 5, 1), num_epochs=200, X_test=X_test,
                     Y_test=Y_test)
    assert np.all(np.isfinite(out["cost"])) and np.all(np.isfinite(out["test_ce"]))
    plain, dropped = out["cost"][100:, 0], out["cost"][100:, 1]
    assert np.abs(np.diff(dropped)).mean() > 3 * np.abs(np.diff(plain)).mean()
    # inverted dropout keeps the scale: the networks' train cross-entropies stay comparable
    assert out["train_ce"][-1, 1] < 2.0 * out["train_ce"][0, 1]


def test_train_grid_rejects_bad_arguments():
    from course_utils.widgets.regularization import train_grid

    X, Y = np.zeros((2, 5)), np.zeros((1, 5))
    with pytest.raises(ValueError, match="keep_probs"):
        train_grid(X, Y, (1.5,), (0.0,))
    with pytest.raises(ValueError, match="equal-length"):
        train_grid(X, Y, (1.0, 0.5), (0.0,))
    with pytest.raises(ValueError, match="lambdas"):
        train_grid(X, Y, (1.0,), (-1.0,))


def test_regularization_explorer(no_new_figures):
    from course_utils.widgets import regularization_explorer

    explorer = regularization_explorer("noisy", **SMALL)
    assert set(explorer.sliders) == {"keep_prob", "lambd"}
    assert explorer.last_error is None
    assert png(explorer).startswith(PNG_SIGNATURE)
    check_change(explorer, "lambd", 1.0)
    check_change(explorer, "keep_prob", 0.7)
    check_change(explorer, "dataset", "moons")
    assert "moons" in explorer.status.value
    assert explorer.wait_for_pictures(60)
    results = explorer.results()
    assert len(results["png"]) == 4 and results["train_acc"].shape == (2, 2)
    assert np.all((results["train_acc"] >= 0) & (results["train_acc"] <= 1))


def test_regularization_results_come_back_from_the_disk_cache(widget_cache):
    from course_utils.widgets import regularization, regularization_explorer

    first = regularization_explorer("circles", **SMALL).results()
    assert any(path.name.startswith("regularization-") for path in widget_cache.iterdir())
    regularization._MEMORY.clear()
    again = regularization_explorer("circles", **SMALL)
    np.testing.assert_array_equal(again.results()["test_acc"], first["test_acc"])
    np.testing.assert_array_equal(again.results()["maps"], first["maps"])


def test_regularization_explorer_without_disk_cache(monkeypatch):
    from course_utils.widgets import _common, regularization_explorer

    monkeypatch.setenv("COURSE_WIDGETS_CACHE", "off")
    assert _common.cache_dir() is None
    explorer = regularization_explorer("flower", keep_probs=(1.0,), lambdas=(0.0,), num_epochs=5, resolution=20)
    assert explorer.last_error is None and png(explorer).startswith(PNG_SIGNATURE)


def test_regularization_explorer_trains_nothing_while_nbgrader_executes(monkeypatch):
    import ipywidgets as widgets

    from course_utils.widgets import regularization_explorer

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    note = regularization_explorer()
    assert isinstance(note, widgets.HTML) and "being graded" in note.value


def test_regularization_explorer_rejects_unknown_dataset():
    from course_utils.widgets import regularization_explorer

    with pytest.raises(ValueError, match="dataset"):
        regularization_explorer("spirals", **SMALL)


# --------------------------------------------------------------------------- optimizers
def test_optimizer_paths_use_the_course_update_rules():
    from course_utils.optimizers import gd_update
    from course_utils.widgets.optimizer_paths import SURFACES, optimizer_path

    bowl = SURFACES["bowl"]
    path = optimizer_path(bowl, "gd", 0.5, num_steps=3)
    point = {"W1": np.array(bowl.start).reshape(2, 1)}
    for step in range(1, 4):
        grads = {"dW1": bowl.grad(*point["W1"][:, 0]).reshape(2, 1)}
        point, _ = gd_update(point, grads, {}, 0.5)
        np.testing.assert_allclose(path[:, step], point["W1"][:, 0])
    for name in ("momentum", "rmsprop", "adam"):
        assert np.all(np.isfinite(optimizer_path(bowl, name, 0.1)))
    diverged = optimizer_path(bowl, "gd", 1.5)  # alpha > 1 explodes along y (curvature 2)
    assert np.isnan(diverged[:, -1]).all()


def test_optimizer_explorer(no_new_figures):
    from course_utils.widgets import optimizer_explorer

    explorer = optimizer_explorer("gd", "bowl")
    assert explorer.last_error is None
    assert {"alpha", "beta1", "beta2", "step"} <= set(explorer.sliders)
    assert explorer.controls["beta1"].disabled and explorer.controls["beta2"].disabled
    check_change(explorer, "alpha", 0.9)
    check_change(explorer, "optimizer", "adam")
    assert not explorer.controls["beta1"].disabled
    check_change(explorer, "beta1", 0.5)
    check_change(explorer, "surface", "saddle")
    check_change(explorer, "compare", True, readouts=False)  # adds the other paths, same numbers
    check_change(explorer, "step", 10)
    check_change(explorer, "alpha", 2.0)
    assert "diverged" in explorer.readouts["reached"].value or explorer.last_error is None


# --------------------------------------------------------------------------- learning-rate decay
def test_lr_decay_explorer(no_new_figures):
    from course_utils.schedules import SCHEDULES
    from course_utils.widgets import lr_decay_explorer
    from course_utils.widgets.lr_decay import SCHEDULE_SETTINGS

    assert set(SCHEDULE_SETTINGS) == set(SCHEDULES)
    explorer = lr_decay_explorer(num_epochs=12)
    assert explorer.last_error is None
    check_change(explorer, "decay", 1.0)
    check_change(explorer, "alpha0", 0.1)
    for name in ("exponential", "staircase", "inverse_sqrt", "interval"):
        check_change(explorer, "schedule", name)
        param, _values, default, _, _ = SCHEDULE_SETTINGS[name]
        assert explorer.sliders["decay"].description == param
        assert explorer.sliders["decay"].value == default


def test_lr_decay_constant_rate_matches_no_schedule():
    from course_utils.widgets import lr_decay_explorer

    explorer = lr_decay_explorer(num_epochs=8)
    explorer.controls["decay"].value = 0.0  # inverse_time with decay_rate 0 is the constant rate
    run = explorer._run("inverse_time", 0.0, 1.0)
    constant = explorer._run(None, 0.0, 1.0)
    np.testing.assert_allclose(run["cost"], constant["cost"])
    assert "final learning rate" in explorer.readouts["final_lr"].value and "<b>1</b>" in explorer.readouts["final_lr"].value


# --------------------------------------------------------------------------- initialization
def test_layer_statistics_show_vanishing_and_exploding():
    from course_utils.widgets.init_statistics import _std, layer_statistics

    small = _std(layer_statistics(8, "relu", "random", 0.01)["activations"])
    large = _std(layer_statistics(8, "relu", "random", 1.0)["activations"])
    he = _std(layer_statistics(8, "relu", "he")["activations"])
    zeros = layer_statistics(8, "tanh", "zeros")
    assert small[-1] < 1e-6 * small[0]
    assert large[-1] > 1e4 * large[0]
    assert 0.2 < he[-1] / he[0] < 5
    assert all(np.all(a == 0) for a in zeros["activations"]) and all(np.all(g == 0) for g in zeros["weight_grads"])


@pytest.mark.parametrize("depth", [5, 10, 20])
def test_he_with_relu_keeps_the_activations_within_a_factor_2(depth):
    from course_utils.widgets.init_statistics import _std, _verdict, layer_statistics

    stats = layer_statistics(depth, "relu", "he")
    assert _verdict(_std(stats["activations"]), _std(stats["weight_grads"])).startswith("kept within a factor 2")


def test_lecun_with_tanh_is_not_called_kept_when_the_activations_shrink():
    """tanh is contractive: with LeCun's scale (the videos' "Xavier") the std falls about 4 times over 20 layers,
    far slower than with a bad scale, but it is not kept: the verdict must say so."""
    from course_utils.widgets.init_statistics import _std, _verdict, layer_statistics

    tanh_lecun = _std(layer_statistics(20, "tanh", "lecun")["activations"])
    assert 0.15 < tanh_lecun[-1] / tanh_lecun[0] < 0.4
    assert _verdict(tanh_lecun, np.ones(21)).startswith("shrinking slowly")
    tanh_small = _std(layer_statistics(20, "tanh", "random", 0.01)["activations"])
    assert _verdict(tanh_small, np.ones(21)).startswith("vanishing")
    assert _verdict(_std(layer_statistics(2, "tanh", "lecun")["activations"]), np.ones(3)).startswith("kept")


@pytest.mark.parametrize("first, last, verdict", [
    (1.0, 0.51, "kept within a factor 2"), (1.0, 1.99, "kept within a factor 2"), (1.0, 0.49, "shrinking slowly"),
    (1.0, 2.01, "growing slowly"), (1.0, 0.0099, "vanishing"), (1.0, 101.0, "exploding"),
])
def test_initialization_verdict_thresholds(first, last, verdict):
    from course_utils.widgets.init_statistics import _verdict

    assert _verdict(np.array([first, 0.7, last]), np.ones(4)).startswith(verdict)


def test_initialization_explorer_accepts_the_videos_name_xavier(no_new_figures):
    from course_utils.widgets import initialization_explorer

    explorer = initialization_explorer(depth=4, activation="tanh", method="xavier")
    assert explorer.last_error is None and explorer.controls["init"].value == "lecun"


def test_initialization_explorer(no_new_figures):
    from course_utils.widgets import initialization_explorer

    explorer = initialization_explorer(depth=6, activation="relu", method="he")
    assert explorer.last_error is None and explorer.controls["scale"].disabled
    assert "kept within a factor 2" in explorer.readouts["verdict"].value
    check_change(explorer, "init", "random")
    assert "vanishing" in explorer.readouts["verdict"].value and not explorer.controls["scale"].disabled
    check_change(explorer, "scale", 1.0)
    assert "exploding" in explorer.readouts["verdict"].value
    check_change(explorer, "depth", 12)
    check_change(explorer, "activation", "tanh")
    check_change(explorer, "init", "zeros")
    assert "symmetry" in explorer.readouts["verdict"].value


# --------------------------------------------------------------------------- EWA
def test_ewa_explorer(no_new_figures):
    from course_utils.widgets import ewa_explorer

    explorer = ewa_explorer(beta=0.9)
    assert explorer.last_error is None
    first_day = explorer.temps[0]
    assert f"{0.1 * first_day:.1f} °C" in explorer.readouts["first_day"].value  # v_1 = (1 - beta) theta_1
    check_change(explorer, "beta", 0.98)
    assert "50 days" in explorer.readouts["window"].value
    check_change(explorer, "bias_correction", True)
    assert f"<b>{first_day:.1f} °C" in explorer.readouts["first_day"].value
    check_change(explorer, "beta", 0.5)


# --------------------------------------------------------------------------- the playground notebook
def test_playground_notebook_is_committed_without_outputs():
    notebook = nbformat.read(PLAYGROUND, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert len(code) == 6
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "widgets" not in notebook.metadata
    source = "\n".join(cell.source for cell in code)
    for name in ("regularization_explorer", "optimizer_explorer", "lr_decay_explorer", "initialization_explorer",
                 "ewa_explorer"):
        assert f"{name}(" in source


@pytest.mark.slow
def test_playground_notebook_runs_and_saves_widget_state(tmp_path, no_new_figures):
    from nbclient import NotebookClient

    folder = tmp_path / "playground"
    shutil.copytree(PLAYGROUND.parent, folder)
    notebook = nbformat.read(folder / PLAYGROUND.name, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(folder)}})
    client.execute()
    errors = [output for cell in notebook.cells for output in cell.get("outputs", []) if output.output_type == "error"]
    assert not errors, errors[0]["evalue"] if errors else ""
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code)
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    models = [model["model_name"] for model in state.values()]
    assert models.count("ImageModel") >= 5
    assert {"SelectionSliderModel", "FloatLogSliderModel", "FloatSliderModel", "IntSliderModel", "PlayModel"} <= set(models)
    views = [output for cell in code[1:] for output in cell.outputs
             if "application/vnd.jupyter.widget-view+json" in output.get("data", {})]
    assert len(views) == 5, "every explorer cell must display one widget"
    for view in views:
        assert view["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] in state
