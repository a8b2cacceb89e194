"""Helpers for the notebook tests: find notebooks, execute them with nbclient, run nbgrader on a temp course."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course_utils.nbgrader_course import COURSE_ROOT

SOURCE = COURSE_ROOT / "source"
RELEASE = COURSE_ROOT / "release"


def source_notebooks() -> list[Path]:
    """Every instructor notebook, as ``source/<assignment>/<name>.ipynb``."""
    return sorted(SOURCE.glob("*/*.ipynb"))


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def execute(path: Path, timeout: int = 300, allow_errors: bool = False):
    """Execute a notebook in its own folder; return ``(notebook, seconds)``."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    return notebook, time.perf_counter() - start


def cell_errors(notebook) -> list[tuple[int, dict, dict]]:
    """``(index, cell, error output)`` for every code cell that raised."""
    errors = []
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append((index, cell, output))
    return errors


def make_course(tmp: Path, assignment: str) -> Path:
    """A throwaway nbgrader course in ``tmp`` holding one assignment's source."""
    root = tmp / "course"
    shutil.copytree(SOURCE / assignment, root / "source" / assignment)
    return root
