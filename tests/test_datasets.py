"""Tests for course_utils.datasets, the files in data/ and scripts/make_datasets.py."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from course_utils import datasets

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SCRIPT = REPO / "scripts" / "make_datasets.py"
CHECKSUMS = json.loads((DATA / "checksums.json").read_text())

PLANAR_SIZES = {"circles": (300, 100), "moons": (300, 100), "noisy": (200, 200), "flower": (400, 200)}
HAVE_SKLEARN = importlib.util.find_spec("sklearn") is not None
HAVE_VEGA = importlib.util.find_spec("vega_datasets") is not None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def _default_data_dir(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)


# --------------------------------------------------------------------------- registry
def test_list_datasets():
    assert datasets.list_datasets() == ["circles", "digits", "flower", "moons", "noisy", "temperature"]
    described = datasets.list_datasets(describe=True)
    assert list(described) == datasets.list_datasets()
    assert all(isinstance(text, str) and text for text in described.values())


def test_data_dir_is_repo_data():
    assert datasets.DATA_DIR == DATA
    assert datasets.data_dir() == DATA


# --------------------------------------------------------------------------- planar
@pytest.mark.parametrize("name", sorted(PLANAR_SIZES))
def test_planar_shapes_and_labels(name):
    m_train, m_test = PLANAR_SIZES[name]
    X_train, Y_train, X_test, Y_test = datasets.load_planar(name)
    assert X_train.shape == (2, m_train) and Y_train.shape == (1, m_train)
    assert X_test.shape == (2, m_test) and Y_test.shape == (1, m_test)
    for array in (X_train, Y_train, X_test, Y_test):
        assert array.dtype == np.float64
        assert np.all(np.isfinite(array))
    for Y in (Y_train, Y_test):
        assert set(np.unique(Y)) == {0.0, 1.0}
        assert 0.3 < Y.mean() < 0.7
    # The train and test splits are different draws.
    assert not np.array_equal(X_train[:, :m_test], X_test)


@pytest.mark.parametrize("name", sorted(PLANAR_SIZES))
def test_planar_shortcuts_and_splits(name):
    full = datasets.load_planar(name)
    shortcut = getattr(datasets, f"load_{name}")()
    for a, b in zip(full, shortcut):
        np.testing.assert_array_equal(a, b)
    X, Y = datasets.load_planar(name, split="train")
    np.testing.assert_array_equal(X, full[0])
    np.testing.assert_array_equal(Y, full[1])
    X, Y = getattr(datasets, f"load_{name}")(split="test")
    np.testing.assert_array_equal(X, full[2])
    np.testing.assert_array_equal(Y, full[3])


def test_loaders_return_fresh_arrays():
    X, Y, _, _ = datasets.load_circles()
    X[:] = 0.0
    Y[:] = 7.0
    X2, Y2, _, _ = datasets.load_circles()
    assert X2.any() and set(np.unique(Y2)) == {0.0, 1.0}


def test_circles_geometry():
    X, Y, _, _ = datasets.load_circles()
    radius = np.linalg.norm(X, axis=0)
    assert radius[Y[0] == 0].mean() > 0.85
    assert radius[Y[0] == 1].mean() < 0.65


def test_noisy_has_label_noise_but_a_learnable_rule():
    # A smooth boundary explains most labels, but not all: about 12% are flipped.
    for X, Y in (datasets.load_noisy("train"), datasets.load_noisy("test")):
        clean = (X[1] > 0.25 * np.sin(3.0 * X[0]) - 0.05).astype(float)
        disagreement = np.mean(clean != Y[0])
        assert 0.08 <= disagreement <= 0.16


def test_planar_argument_errors():
    expected = r"name must be one of \['circles', 'flower', 'moons', 'noisy'\], got 'spiral'"
    with pytest.raises(ValueError, match=expected):
        datasets.load_planar("spiral")
    with pytest.raises(ValueError, match=r"split must be one of \['test', 'train'\], got 'dev'"):
        datasets.load_planar("moons", split="dev")
    with pytest.raises(ValueError, match="split must be one of"):
        datasets.load_noisy("validation")


# --------------------------------------------------------------------------- digits
def test_digits_splits():
    sizes = {}
    for split in ("train", "dev", "test", "all"):
        X, Y, labels = datasets.load_digits(split)
        m = X.shape[1]
        sizes[split] = m
        assert X.shape == (64, m) and Y.shape == (10, m) and labels.shape == (1, m)
        assert X.dtype == np.float64 and Y.dtype == np.float64 and labels.dtype == np.int64
        assert X.min() == 0.0 and X.max() == 1.0
        np.testing.assert_array_equal(np.unique(X * 16), np.arange(17))  # 0..16 scaled by 1/16
        np.testing.assert_array_equal(Y.sum(axis=0), np.ones(m))
        np.testing.assert_array_equal(np.argmax(Y, axis=0), labels[0])
        counts = np.bincount(labels[0], minlength=10)
        assert counts.min() > 0.09 * m and counts.max() < 0.11 * m  # stratified
    assert sizes == {"train": 1199, "dev": 299, "test": 299, "all": 1797}


def test_digits_split_indices_partition_the_data():
    with np.load(DATA / "digits.npz") as archive:
        assert archive["pixels"].shape == (64, 1797)
        everything = np.concatenate([archive["train_idx"], archive["dev_idx"], archive["test_idx"]])
    np.testing.assert_array_equal(np.sort(everything), np.arange(1797))


def test_digits_images_look_like_digits():
    # Pixel (row 0, column 0) is blank in essentially every image; the centre is often inked.
    X, _, _ = datasets.load_digits("all")
    images = X.reshape(8, 8, -1)
    assert images[0, 0].max() == 0.0
    assert images[3:5, 3:5].mean() > 0.2


def test_digits_argument_errors():
    with pytest.raises(ValueError, match=r"split must be one of \['all', 'dev', 'test', 'train'\], got 'valid'"):
        datasets.load_digits("valid")


# --------------------------------------------------------------------------- temperature
def test_temperature_all_years():
    dates, temps = datasets.load_temperature()
    assert dates.dtype == np.dtype("datetime64[D]") and temps.dtype == np.float64
    assert dates.shape == temps.shape == (1461,)
    assert dates[0] == np.datetime64("2012-01-01") and dates[-1] == np.datetime64("2015-12-31")
    assert np.all(np.diff(dates) == np.timedelta64(1, "D"))
    assert -15 < temps.min() and temps.max() < 40


def test_temperature_columns_and_year():
    dates, mean = datasets.load_temperature(2012)
    _, high = datasets.load_temperature(2012, column="max")
    _, low = datasets.load_temperature(2012, column="min")
    assert dates.shape == (366,)  # leap year
    assert dates[0] == np.datetime64("2012-01-01") and dates[-1] == np.datetime64("2012-12-31")
    np.testing.assert_allclose(mean, (high + low) / 2, atol=1e-12)
    assert np.all(high >= low)
    # Seattle summers are warmer than winters.
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    assert mean[months == 7].mean() > mean[months == 1].mean() + 8
    for year in (2013, 2014, 2015):
        assert datasets.load_temperature(year)[0].shape == (365,)


def test_temperature_argument_errors():
    with pytest.raises(ValueError, match=r"year must be one of \[2012, 2013, 2014, 2015\] or None, got 2016"):
        datasets.load_temperature(2016)
    with pytest.raises(TypeError, match="year must be an integer or None, got str '2012'"):
        datasets.load_temperature("2012")
    with pytest.raises(TypeError, match="year must be an integer or None, got float"):
        datasets.load_temperature(2012.0)
    with pytest.raises(ValueError, match=r"column must be one of \['max', 'mean', 'min'\], got 'avg'"):
        datasets.load_temperature(column="avg")


# --------------------------------------------------------------------------- data dir override
def test_course_data_dir_override(tmp_path, monkeypatch):
    shutil.copy(DATA / "moons.npz", tmp_path / "moons.npz")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    assert datasets.data_dir() == tmp_path
    X, Y, _, _ = datasets.load_moons()
    assert X.shape == (2, 300)
    with pytest.raises(FileNotFoundError, match="COURSE_DATA_DIR"):
        datasets.load_circles()


# --------------------------------------------------------------------------- side effects
def test_loaders_create_no_figures():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    for name in datasets.PLANAR_DATASETS:
        datasets.load_planar(name)
    datasets.load_digits("all")
    datasets.load_temperature()
    assert plt.get_fignums() == before == []


def test_loading_imports_neither_matplotlib_nor_sklearn():
    code = (
        "import sys\n"
        "from course_utils import datasets as d\n"
        "[d.load_planar(n) for n in d.PLANAR_DATASETS]\n"
        "d.load_digits('all'); d.load_temperature()\n"
        "bad = [m for m in ('matplotlib', 'sklearn', 'vega_datasets', 'pandas') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


# --------------------------------------------------------------------------- files and checksums
def test_checksums_cover_exactly_the_data_files():
    assert set(CHECKSUMS) == set(datasets.DATA_FILES.values())
    on_disk = {p.name for p in DATA.iterdir() if p.name not in ("README.md", "checksums.json")}
    assert on_disk == set(CHECKSUMS)


@pytest.mark.parametrize("filename", sorted(CHECKSUMS))
def test_data_file_checksum(filename):
    assert _sha256(DATA / filename) == CHECKSUMS[filename]


def test_readme_lists_every_file_and_hash():
    readme = (DATA / "README.md").read_text()
    for filename, digest in CHECKSUMS.items():
        rows = [line for line in readme.splitlines() if f"`{filename}`" in line and line.startswith("|")]
        assert rows, f"no table row for {filename} in data/README.md"
        assert digest in rows[0], f"SHA-256 of {filename} in data/README.md is out of date"
    assert "python scripts/make_datasets.py" in readme


def test_data_folder_is_small():
    total = sum(p.stat().st_size for p in DATA.iterdir())
    assert total < 2_000_000


def _regenerate(out: Path, names: list[str]) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), "--only", *names],
        check=True,
        cwd=REPO,
        capture_output=True,
    )


def test_regeneration_reproduces_planar_files(tmp_path):
    names = list(datasets.PLANAR_DATASETS)
    _regenerate(tmp_path, names)
    written = json.loads((tmp_path / "checksums.json").read_text())
    for name in names:
        filename = datasets.DATA_FILES[name]
        assert _sha256(tmp_path / filename) == CHECKSUMS[filename] == written[filename]
        assert (tmp_path / filename).read_bytes() == (DATA / filename).read_bytes()


@pytest.mark.skipif(not HAVE_SKLEARN, reason="scikit-learn (only needed to regenerate digits.npz) is not installed")
def test_regeneration_reproduces_digits(tmp_path):
    _regenerate(tmp_path, ["digits"])
    assert _sha256(tmp_path / "digits.npz") == CHECKSUMS["digits.npz"]


@pytest.mark.skipif(not HAVE_VEGA, reason="vega_datasets (only needed to regenerate temperature.csv) is not installed")
def test_regeneration_reproduces_temperature(tmp_path):
    _regenerate(tmp_path, ["temperature"])
    assert _sha256(tmp_path / "temperature.csv") == CHECKSUMS["temperature.csv"]


@pytest.mark.parametrize("filename", sorted(f for f in CHECKSUMS if f.endswith(".npz")))
def test_npz_members_have_fixed_metadata(filename):
    # No timestamp or compressor version can leak into the bytes.
    with zipfile.ZipFile(DATA / filename) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.compress_type == zipfile.ZIP_STORED


def test_check_mode_detects_a_corrupted_file(tmp_path):
    shutil.copy(DATA / "checksums.json", tmp_path / "checksums.json")
    ok = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), "--only", "moons", "--check"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert not (tmp_path / "moons.npz").exists()  # --check writes nothing
    recorded = json.loads((tmp_path / "checksums.json").read_text())
    recorded["moons.npz"] = "0" * 64
    (tmp_path / "checksums.json").write_text(json.dumps(recorded))
    bad = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path), "--only", "moons", "--check"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert bad.returncode == 1 and "MISMATCH" in bad.stdout
