"""Helpers for the notebook tests: find notebooks, read their nbgrader metadata and errors, make a temp course."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

from course_utils.nbgrader_course import COURSE_ROOT

SOURCE = COURSE_ROOT / "source"
RELEASE = COURSE_ROOT / "release"


def source_notebooks() -> list[Path]:
    """Every instructor notebook, as ``source/<assignment>/<name>.ipynb``."""
    return sorted(SOURCE.glob("*/*.ipynb"))


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def with_answers(release: dict, source: dict) -> dict:
    """A copy of the student version (notebook JSON) whose answer cells hold the instructor's answers
    from ``source``: a perfect submission."""
    answers = {nbgrader_meta(c)["grade_id"]: c["source"] for c in source["cells"] if nbgrader_meta(c).get("solution")}
    notebook = copy.deepcopy(release)
    for cell in notebook["cells"]:
        if nbgrader_meta(cell).get("grade_id") in answers:
            cell["source"] = answers[nbgrader_meta(cell)["grade_id"]]
    return notebook


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
