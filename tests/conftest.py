"""Shared pytest set-up: one BLAS thread (see DEVELOPERS.md: two threads made tiny matmuls 10-1000x slower here),
unless the environment asks for another setting (``python3 course.py test`` runs the ``blas_matrix`` tests a
second time with 2 threads and another OpenBLAS core type); the header says which BLAS setting ran."""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("MPLBACKEND", "Agg")

BLAS_MATRIX = {
    "test_notebooks.py": {"test_assignment_round_trip"},
    "test_grading.py": {"test_recheck_agrees_with_every_assignment"},
    "test_variants.py": None,  # the whole module
}
"""Tests that run under both BLAS settings besides those marked ``blas_matrix`` in their own module:
the round trip and the re-check of every assignment, and the correct-variant / named-mistake tables."""


def pytest_report_header(config):
    import numpy  # noqa: F401 - loads the BLAS that threadpoolctl reports
    from threadpoolctl import threadpool_info

    names = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    settings = ", ".join(f"{name}={os.environ[name]}" for name in names if name in os.environ)
    blas = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture', '')}, {i['num_threads']} thread(s)"
            for i in threadpool_info() if i["user_api"] == "blas"]
    return f"BLAS: {'; '.join(blas) or 'none found'} ({settings})"


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        names = BLAS_MATRIX.get(item.path.name, set())
        if names is None or getattr(item, "originalname", item.name) in names:
            item.add_marker(pytest.mark.blas_matrix)
