#!/usr/bin/env python
"""Regenerate every file in ``data/`` bit for bit.

Usage::

    python scripts/make_datasets.py                      # rewrite data/ and data/checksums.json
    python scripts/make_datasets.py --out /tmp/d         # write somewhere else
    python scripts/make_datasets.py --only circles moons # a subset
    python scripts/make_datasets.py --check              # regenerate in memory, compare with checksums.json

Determinism
-----------
* Random numbers come from ``numpy.random.default_rng`` with a fixed seed per dataset.
* Planar coordinates are rounded to 4 decimals, so last-ulp differences between
  platforms' ``sin``/``cos`` cannot change the stored bytes.
* ``.npz`` files are written with :mod:`zipfile` *without compression* (``ZIP_STORED``)
  and a fixed timestamp, so neither the clock nor the zlib build changes the bytes.
* CSV values are formatted from integers (tenths of a degree), never from floats.

The planar sets only need NumPy. ``digits`` needs scikit-learn (it ships the UCI
digits offline) and ``temperature`` needs ``vega_datasets`` (it ships
``seattle-weather.csv`` offline); nothing is downloaded.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np

from course_utils.datasets import DATA_FILES

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "data"
CHECKSUMS = "checksums.json"

DECIMALS = 4
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- writers
def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """Serialize ``arrays`` as an uncompressed ``.npz`` with fixed metadata (readable by ``np.load``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for key in sorted(arrays):
            array = np.ascontiguousarray(arrays[key])
            if array.dtype.byteorder == ">" or (array.dtype.byteorder == "=" and sys.byteorder == "big"):
                array = array.astype(array.dtype.newbyteorder("<"))
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, version=(1, 0), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, buffer.getvalue())
    return out.getvalue()


def _finish_planar(X: np.ndarray, Y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle the columns, round the coordinates and fix the dtypes."""
    order = rng.permutation(X.shape[1])
    X = np.round(X[:, order], DECIMALS).astype("<f8") + 0.0  # + 0.0 turns -0.0 into 0.0
    Y = Y[:, order].astype(np.uint8)
    return X, Y


# --------------------------------------------------------------------------- planar sets
def make_circles(m: int, rng: np.random.Generator, noise: float = 0.08, factor: float = 0.5):
    """Two concentric noisy circles: outer (radius 1) is class 0, inner (radius ``factor``) is class 1."""
    m_outer = m // 2
    m_inner = m - m_outer
    t_outer = rng.uniform(0.0, 2.0 * np.pi, m_outer)
    t_inner = rng.uniform(0.0, 2.0 * np.pi, m_inner)
    X = np.concatenate(
        [np.stack([np.cos(t_outer), np.sin(t_outer)]), factor * np.stack([np.cos(t_inner), np.sin(t_inner)])],
        axis=1,
    )
    X = X + noise * rng.standard_normal(X.shape)
    Y = np.concatenate([np.zeros(m_outer), np.ones(m_inner)])[None, :]
    return _finish_planar(X, Y, rng)


def make_moons(m: int, rng: np.random.Generator, noise: float = 0.2):
    """Two interleaving half circles, centred near the origin."""
    m_upper = m // 2
    m_lower = m - m_upper
    t_upper = rng.uniform(0.0, np.pi, m_upper)
    t_lower = rng.uniform(0.0, np.pi, m_lower)
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.concatenate([upper, lower], axis=1) - np.array([[0.5], [0.25]])
    X = X + noise * rng.standard_normal(X.shape)
    Y = np.concatenate([np.zeros(m_upper), np.ones(m_lower)])[None, :]
    return _finish_planar(X, Y, rng)


# Blob centres of the "noisy" set and the smooth boundary that labels them.
_NOISY_CENTRES = np.array(
    [[-0.55, -0.45], [-0.35, 0.40], [-0.05, -0.10], [0.10, 0.50], [0.30, -0.45], [0.55, 0.15], [-0.60, 0.05]]
).T


def _noisy_boundary(X: np.ndarray) -> np.ndarray:
    """Class 1 above the curve ``x2 = 0.25 sin(3 x1) - 0.05``."""
    return (X[1] > 0.25 * np.sin(3.0 * X[0]) - 0.05).astype(np.uint8)


def make_noisy(m: int, rng: np.random.Generator, flip: float = 0.12, spread: float = 0.17):
    """Points in overlapping blobs labelled by a smooth curve, then ``flip`` of the labels flipped.

    The clean boundary is easy; the flipped labels are what an unregularized large
    network memorises (high train accuracy, lower test accuracy).
    """
    centre = rng.integers(0, _NOISY_CENTRES.shape[1], m)
    X = _NOISY_CENTRES[:, centre] + spread * rng.standard_normal((2, m))
    X = np.round(X, DECIMALS)
    Y = _noisy_boundary(X)[None, :]
    flipped = rng.choice(m, size=int(round(flip * m)), replace=False)
    Y[0, flipped] = 1 - Y[0, flipped]
    return _finish_planar(X, Y, rng)


def make_flower(m: int, rng: np.random.Generator, petals: int = 4, noise: float = 0.2):
    """A flower with ``2 * petals`` petals; alternate petals belong to the two classes."""
    per_class = m // 2
    columns, labels = [], []
    for j in range(2):
        n = per_class if j == 0 else m - per_class
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + noise * rng.standard_normal(n)
        r = petals * np.sin(petals * t) + noise * rng.standard_normal(n)
        columns.append(np.stack([r * np.sin(t), r * np.cos(t)]))
        labels.append(np.full(n, j))
    X = np.concatenate(columns, axis=1)
    Y = np.concatenate(labels)[None, :]
    return _finish_planar(X, Y, rng)


PLANAR_SPECS = {
    # name: (generator, seed, m_train, m_test)
    "circles": (make_circles, 20240101, 300, 100),
    "moons": (make_moons, 20240102, 300, 100),
    "noisy": (make_noisy, 20240103, 200, 200),
    "flower": (make_flower, 20240104, 400, 200),
}


def build_planar(name: str) -> bytes:
    make, seed, m_train, m_test = PLANAR_SPECS[name]
    rng = np.random.default_rng(seed)
    X_train, Y_train = make(m_train, rng)
    X_test, Y_test = make(m_test, rng)
    return npz_bytes({"X_train": X_train, "Y_train": Y_train, "X_test": X_test, "Y_test": Y_test})


# --------------------------------------------------------------------------- digits
DIGITS_SEED = 20240105
DIGITS_DEV_FRACTION = 1 / 6
DIGITS_TEST_FRACTION = 1 / 6


def build_digits() -> bytes:
    """The 1797 UCI 8x8 digits shipped by scikit-learn, with a fixed stratified train/dev/test split."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    pixels = np.asarray(bunch.data)
    labels = np.asarray(bunch.target)
    assert pixels.shape == (1797, 64) and pixels.min() >= 0 and pixels.max() <= 16
    assert np.array_equal(pixels, np.round(pixels))
    rng = np.random.default_rng(DIGITS_SEED)
    parts: dict[str, list[np.ndarray]] = {"train": [], "dev": [], "test": []}
    for digit in range(10):
        idx = rng.permutation(np.flatnonzero(labels == digit))
        n_dev = int(round(DIGITS_DEV_FRACTION * idx.size))
        n_test = int(round(DIGITS_TEST_FRACTION * idx.size))
        parts["dev"].append(idx[:n_dev])
        parts["test"].append(idx[n_dev : n_dev + n_test])
        parts["train"].append(idx[n_dev + n_test :])
    split_idx = {key: rng.permutation(np.concatenate(value)).astype("<i4") for key, value in parts.items()}
    return npz_bytes(
        {
            "pixels": pixels.T.astype(np.uint8),  # (64, 1797), values 0..16, Ng layout
            "labels": labels.astype(np.uint8),  # (1797,)
            "train_idx": split_idx["train"],
            "dev_idx": split_idx["dev"],
            "test_idx": split_idx["test"],
        }
    )


# --------------------------------------------------------------------------- temperature
def _tenths(value: str) -> int:
    """'12.8' -> 128, '-2.1' -> -21, exactly (decimal arithmetic, no floats)."""
    scaled = Decimal(value.strip()) * 10
    if scaled != scaled.to_integral_value():
        raise ValueError(f"expected at most one decimal, got {value!r}")
    return int(scaled)


def _format_tenths(value: int) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value) // 10}.{abs(value) % 10}"


def _format_twentieths(value: int) -> str:
    """Format ``value / 20`` with exactly two decimals (the mean of two values in tenths)."""
    sign = "-" if value < 0 else ""
    hundredths = abs(value) * 5
    return f"{sign}{hundredths // 100}.{hundredths % 100:02d}"


def build_temperature() -> bytes:
    """Daily max/min/mean temperature in Seattle, 2012-2015, from vega_datasets' seattle-weather.csv."""
    from vega_datasets import local_data

    path = Path(local_data.seattle_weather.filepath)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = io.StringIO()
    out.write("date,temp_max_c,temp_min_c,temp_mean_c\n")
    previous = None
    for row in rows:
        date = row["date"].strip().replace("/", "-")
        day = np.datetime64(date, "D")
        if previous is not None and day != previous + np.timedelta64(1, "D"):
            raise ValueError(f"dates are not consecutive: {previous} then {day}")
        previous = day
        high, low = _tenths(row["temp_max"]), _tenths(row["temp_min"])
        out.write(f"{day},{_format_tenths(high)},{_format_tenths(low)},{_format_twentieths(high + low)}\n")
    return out.getvalue().encode("ascii")


# --------------------------------------------------------------------------- driver
def build(name: str) -> bytes:
    if name in PLANAR_SPECS:
        return build_planar(name)
    if name == "digits":
        return build_digits()
    if name == "temperature":
        return build_temperature()
    raise ValueError(f"name must be one of {sorted(DATA_FILES)}, got {name!r}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: data/)")
    parser.add_argument("--only", nargs="+", choices=sorted(DATA_FILES), help="regenerate only these datasets")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; compare with checksums.json in --out and exit 1 on a mismatch",
    )
    args = parser.parse_args(argv)
    names = args.only or list(DATA_FILES)
    checksum_path = args.out / CHECKSUMS
    recorded = json.loads(checksum_path.read_text()) if checksum_path.exists() else {}

    if args.check:
        bad = 0
        for name in names:
            digest = sha256(build(name))
            expected = recorded.get(DATA_FILES[name])
            status = "ok" if digest == expected else "MISMATCH"
            bad += status != "ok"
            print(f"{status:8s} {DATA_FILES[name]} {digest}")
        return 1 if bad else 0

    args.out.mkdir(parents=True, exist_ok=True)
    for name in names:
        data = build(name)
        (args.out / DATA_FILES[name]).write_bytes(data)
        recorded[DATA_FILES[name]] = sha256(data)
        print(f"wrote {args.out / DATA_FILES[name]} ({len(data)} bytes) sha256={recorded[DATA_FILES[name]]}")
    ordered = {key: recorded[key] for key in sorted(recorded)}
    checksum_path.write_text(json.dumps(ordered, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
