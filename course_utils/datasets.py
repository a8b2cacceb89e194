"""Offline datasets used by the notebooks.

Every loader reads a small file from the repository's ``data/`` folder (regenerated bit
for bit by ``python scripts/make_datasets.py``); nothing is ever downloaded and nothing is
plotted. Arrays follow the course layout: ``X`` is ``(n_x, m)`` with one column per
example, ``Y`` is ``(1, m)`` (binary) or one-hot ``(C, m)``, all float64.

The data folder is ``<repo>/data`` (found next to this package, which is installed in
editable mode); set the environment variable ``COURSE_DATA_DIR`` to use another folder.

Datasets
--------
``circles``, ``moons``, ``noisy``, ``flower``
    2-D binary classification sets with a train and a test split
    (:func:`load_planar` or the ``load_<name>`` shortcuts).
``digits``
    The 1797 UCI 8x8 handwritten digits (CC BY 4.0), with a fixed stratified
    train/dev/test split (:func:`load_digits`).
``temperature``
    Daily temperatures in Seattle, 2012-2015 (NOAA, public domain) (:func:`load_temperature`).
"""

from __future__ import annotations

import csv
import numbers
import os
from pathlib import Path

import numpy as np

from ._validation import check_choice

__all__ = [
    "DATA_DIR",
    "PLANAR_DATASETS",
    "DATA_FILES",
    "data_dir",
    "list_datasets",
    "load_planar",
    "load_circles",
    "load_moons",
    "load_noisy",
    "load_flower",
    "load_digits",
    "load_temperature",
]

#: Default data folder: ``data/`` at the repository root (``course_utils/../data``).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

#: Names accepted by :func:`load_planar`.
PLANAR_DATASETS = ("circles", "moons", "noisy", "flower")

#: File name in the data folder of every dataset (``scripts/make_datasets.py`` writes these).
DATA_FILES = {
    "circles": "circles.npz",
    "moons": "moons.npz",
    "noisy": "noisy.npz",
    "flower": "flower.npz",
    "digits": "digits.npz",
    "temperature": "temperature.csv",
}
_DESCRIPTIONS = {
    "circles": "2-D binary: two concentric noisy circles (300 train / 100 test)",
    "moons": "2-D binary: two interleaving half moons (300 train / 100 test)",
    "noisy": "2-D binary: blobs with a curved boundary and 12% flipped labels (200 train / 200 test)",
    "flower": "2-D binary: an 8-petal flower (400 train / 200 test)",
    "digits": "UCI 8x8 handwritten digits, 10 classes (1199 train / 299 dev / 299 test)",
    "temperature": "daily max/min/mean temperature in Seattle, 2012-2015 (1461 days)",
}
_DIGIT_SPLITS = ("train", "dev", "test", "all")
_PLANAR_SPLITS = ("train", "test")
_TEMPERATURE_COLUMNS = {"mean": "temp_mean_c", "max": "temp_max_c", "min": "temp_min_c"}


def data_dir() -> Path:
    """Return the folder the loaders read: ``$COURSE_DATA_DIR`` if set, else :data:`DATA_DIR`."""
    override = os.environ.get("COURSE_DATA_DIR")
    return Path(override).expanduser() if override else DATA_DIR


def _path(name: str) -> Path:
    folder = data_dir()
    path = folder / DATA_FILES[name]
    if not path.is_file():
        raise FileNotFoundError(
            f"dataset file {path} not found; data files live in the repository's data/ folder "
            f"(install the package in editable mode with `pip install -e .`, set COURSE_DATA_DIR to the "
            f"folder holding {DATA_FILES[name]}, or regenerate it with `python scripts/make_datasets.py`)"
        )
    return path


def list_datasets(describe: bool = False):
    """Return the sorted dataset names, or a dict ``name -> one-line description`` if ``describe``."""
    if describe:
        return {name: _DESCRIPTIONS[name] for name in sorted(DATA_FILES)}
    return sorted(DATA_FILES)


# --------------------------------------------------------------------------- planar sets
def load_planar(name: str, split: str | None = None):
    """Load a 2-D binary dataset.

    Parameters
    ----------
    name : one of ``"circles"``, ``"moons"``, ``"noisy"``, ``"flower"``.
    split : ``None`` (default) for both splits, or ``"train"`` / ``"test"``.

    Returns
    -------
    ``(X_train, Y_train, X_test, Y_test)`` if ``split`` is ``None``, else ``(X, Y)``;
    ``X`` is float64 ``(2, m)``, ``Y`` is float64 ``(1, m)`` with values 0.0 / 1.0.
    """
    check_choice(name, "name", PLANAR_DATASETS)
    if split is not None:
        check_choice(split, "split", _PLANAR_SPLITS)
    with np.load(_path(name), allow_pickle=False) as archive:
        arrays = {key: np.array(archive[key], dtype=np.float64) for key in ("X_train", "Y_train", "X_test", "Y_test")}
    if split is None:
        return arrays["X_train"], arrays["Y_train"], arrays["X_test"], arrays["Y_test"]
    return arrays[f"X_{split}"], arrays[f"Y_{split}"]


def load_circles(split: str | None = None):
    """Two concentric noisy circles (outer = 0, inner = 1); see :func:`load_planar`."""
    return load_planar("circles", split)


def load_moons(split: str | None = None):
    """Two interleaving half moons; see :func:`load_planar`."""
    return load_planar("moons", split)


def load_noisy(split: str | None = None):
    """Blobs labelled by a smooth curve with 12% of the labels flipped; see :func:`load_planar`.

    A big unregularized network overfits it (train accuracy well above test accuracy),
    which L2 regularization or dropout reduces.
    """
    return load_planar("noisy", split)


def load_flower(split: str | None = None):
    """An 8-petal flower, alternate petals in each class; see :func:`load_planar`."""
    return load_planar("flower", split)


# --------------------------------------------------------------------------- digits
def load_digits(split: str = "train"):
    """Load the UCI 8x8 handwritten digits with a fixed stratified train/dev/test split.

    Parameters
    ----------
    split : ``"train"`` (1199 images), ``"dev"`` (299), ``"test"`` (299) or ``"all"`` (1797,
        in the original order).

    Returns
    -------
    X : float64 ``(64, m)``, pixel intensities scaled from 0..16 to [0, 1]; column ``i``
        reshaped with ``X[:, i].reshape(8, 8)`` is the image (row-major).
    Y : float64 ``(10, m)``, one-hot labels.
    labels : int64 ``(1, m)``, the digit 0..9 (integers so they can index arrays).
    """
    check_choice(split, "split", _DIGIT_SPLITS)
    with np.load(_path("digits"), allow_pickle=False) as archive:
        pixels = np.array(archive["pixels"])
        labels = np.array(archive["labels"]).astype(np.int64)
        index = None if split == "all" else np.array(archive[f"{split}_idx"]).astype(np.intp)
    if index is not None:
        pixels = pixels[:, index]
        labels = labels[index]
    X = pixels.astype(np.float64) / 16.0
    Y = np.zeros((10, labels.size), dtype=np.float64)
    Y[labels, np.arange(labels.size)] = 1.0
    return X, Y, labels[None, :]


# --------------------------------------------------------------------------- temperature
def load_temperature(year: int | None = None, column: str = "mean"):
    """Daily temperature in Seattle (degrees Celsius), 2012-01-01 to 2015-12-31.

    Parameters
    ----------
    year : ``None`` for all four years, or one of 2012, 2013, 2014, 2015.
    column : ``"mean"`` (average of the daily max and min, default), ``"max"`` or ``"min"``.

    Returns
    -------
    dates : ``numpy.datetime64[D]`` array ``(m,)``, consecutive days.
    temperatures : float64 array ``(m,)``.
    """
    check_choice(column, "column", tuple(_TEMPERATURE_COLUMNS))
    if year is not None and (isinstance(year, bool) or not isinstance(year, numbers.Integral)):
        raise TypeError(f"year must be an integer or None, got {type(year).__name__} {year!r}")
    key = _TEMPERATURE_COLUMNS[column]
    with open(_path("temperature"), newline="", encoding="ascii") as handle:
        rows = list(csv.DictReader(handle))
    dates = np.array([row["date"] for row in rows], dtype="datetime64[D]")
    values = np.array([float(row[key]) for row in rows], dtype=np.float64)
    if year is not None:
        years = dates.astype("datetime64[Y]").astype(np.int64) + 1970
        available = sorted(int(y) for y in np.unique(years))
        if int(year) not in available:
            raise ValueError(f"year must be one of {available} or None, got {year!r}")
        keep = years == int(year)
        dates, values = dates[keep], values[keep]
    return dates, values
