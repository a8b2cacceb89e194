"""Shared pytest set-up: one BLAS thread (see DEVELOPERS.md: two threads made tiny matmuls 10-1000x slower here)."""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from threadpoolctl import threadpool_limits  # noqa: E402

threadpool_limits(1)
