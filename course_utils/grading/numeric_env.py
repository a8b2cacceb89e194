"""The numeric environment shared by every process that computes a grade.

BLAS and OpenMP read their environment once, when they load: the core type (``OPENBLAS_CORETYPE`` picks the
kernels, hence the last bits of every matrix product), cache sizes (``OPENBLAS_L2_SIZE``), thread counts. The
kernel that runs a notebook, the re-check child that collects its outputs again and the process that judges
them must load them with the same values: each gets :func:`numeric_environment` of the grading process
(passed through unchanged; thread counts default to 1, since grading runs many tiny products in parallel).
"""

from __future__ import annotations

import os

PREFIXES = ("OPENBLAS_", "GOTO", "OMP_", "MKL_", "KMP_", "BLIS_", "VECLIB_", "NPY_", "NUMEXPR_")
"""Variables with these prefixes choose numeric kernels or threads (OpenBLAS, GotoBLAS, OpenMP, MKL, BLIS,
Accelerate, NumPy's CPU dispatch, numexpr)."""

THREAD_DEFAULTS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def numeric_environment(environ=None) -> dict:
    """The variables of ``environ`` (default ``os.environ``) that choose numeric kernels or threads, with
    :data:`THREAD_DEFAULTS` for the thread counts it does not set."""
    environ = os.environ if environ is None else environ
    env = {name: value for name, value in environ.items() if name.startswith(PREFIXES)}
    for name, value in THREAD_DEFAULTS.items():
        env.setdefault(name, value)
    return env


def use_numeric_defaults() -> None:
    """Give this process (and what it starts) the thread defaults, before numpy loads its BLAS."""
    os.environ.update(numeric_environment())
