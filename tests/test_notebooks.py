"""Every course assignment as its users meet it, through nbgrader itself (one execution per version):

- the committed student version is exactly what nbgrader generates from the instructor source;
- the solution (the student version with the instructor's answers), autograded by ``course-grade`` - the
  instructor's path: warm confined kernels, integrity re-check - gets full points, status ``graded``,
  and none of its cells raises;
- the blank student version, autograded, gets zero autograded points: every test cell fails with
  ``NotImplementedError`` and no other cell breaks.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import time

import nbformat
import pytest

from course_utils.grading import cli
from course_utils.grading import status as st
from course_utils.nbgrader_course import generate_student_versions, nbgrader_api
from tests.notebook_tools import (
    RELEASE,
    SOURCE,
    cell_errors,
    make_course,
    nbgrader_meta,
    source_notebooks,
    with_answers,
)

pytestmark = pytest.mark.slow

ASSIGNMENTS = sorted({path.parent.name for path in source_notebooks()})

TF_MISSING = "TensorFlow not installed (pip install -e '.[tf]')"


def _requires(assignment: str):
    """The assignment as a test parameter; the TensorFlow ones are skipped when TensorFlow is not installed."""
    marks = []
    if "tensorflow" in assignment and importlib.util.find_spec("tensorflow") is None:
        marks.append(pytest.mark.skip(reason=TF_MISSING))
    return pytest.param(assignment, marks=marks, id=assignment)


def _same_notebook(a, b) -> bool:
    return json.loads(a.read_text()) == json.loads(b.read_text())


def _autograded(root, student, assignment):
    return {p.name: nbformat.read(p, as_version=4) for p in (root / "autograded" / student / assignment).glob("*.ipynb")}


# Assignments whose experiments train with the student's own functions (course_utils.student_kernels).
TRAINS_WITH_OWN_CODE = {"week1_2_regularization", "week2_optimization", "week3_2_batchnorm"}


def _printed(notebooks) -> str:
    return "".join(output.get("text", "") for notebook in notebooks.values() for cell in notebook.cells
                   if cell.cell_type == "code" for output in cell.get("outputs", [])
                   if output["output_type"] == "stream")


def _check_solution_ran_clean(notebooks):
    for name, notebook in notebooks.items():
        errors = [(i, out["ename"], out["evalue"]) for i, _, out in cell_errors(notebook)]
        assert not errors, f"{name}: solution cells raised {errors}"


def _check_blank_fails_only_at_tests(notebooks):
    for name, notebook in notebooks.items():
        failing = {index: output for index, _, output in cell_errors(notebook)}
        for index, cell in enumerate(notebook.cells):
            meta = nbgrader_meta(cell)
            if cell.cell_type != "code":
                continue
            if meta.get("grade") and not meta.get("solution"):
                assert index in failing, f"{name}: test cell {meta['grade_id']} passed with the exercise unimplemented"
                assert failing[index]["ename"] == "NotImplementedError", (
                    f"{name}: test cell {meta['grade_id']} failed with "
                    f"{failing[index]['ename']}: {failing[index]['evalue']}"
                )
            else:
                assert index not in failing, (
                    f"{name}: cell {index} ({meta.get('grade_id', 'no grade_id')}) broke in the student version: "
                    f"{failing[index]['ename']}: {failing[index]['evalue']}"
                )


@pytest.mark.parametrize("assignment", [_requires(name) for name in ASSIGNMENTS])
def test_assignment_round_trip(assignment, tmp_path):
    from nbgrader.api import Gradebook

    root = make_course(tmp_path, assignment)
    generate_student_versions(root, [assignment])
    generated = sorted((root / "release" / assignment).glob("*.ipynb"))
    committed = sorted((RELEASE / assignment).glob("*.ipynb"))
    assert [p.name for p in generated] == [p.name for p in committed], "run: python scripts/release_notebooks.py"
    for new, old in zip(generated, committed):
        assert _same_notebook(new, old), f"{old} differs from nbgrader's output: run python scripts/release_notebooks.py"

    shutil.copytree(root / "release" / assignment, root / "submitted" / "blank" / assignment)
    for released in generated:
        target = root / "submitted" / "solution" / assignment / released.name
        target.parent.mkdir(parents=True, exist_ok=True)
        source = json.loads((SOURCE / assignment / released.name).read_text())
        target.write_text(json.dumps(with_answers(json.loads(released.read_text()), source)))
    start = time.perf_counter()
    result = nbgrader_api(root).autograde(assignment, "blank", force=True, create=True)
    assert result["success"], result["log"]
    print(f"{assignment} [blank] autograded by nbgrader in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    assert cli.main(["--course", str(root), "autograde", assignment, "--student", "solution"]) == 0
    print(f"{assignment} [solution] autograded by course-grade in {time.perf_counter() - start:.1f} s")
    for name, record in st.load_statuses(root, assignment).items():
        assert (record["status"], record["score"]) == ("graded", record["max_score"]), (name, record)

    solution_notebooks = _autograded(root, "solution", assignment)
    blank_notebooks = _autograded(root, "blank", assignment)
    _check_solution_ran_clean(solution_notebooks)
    _check_blank_fails_only_at_tests(blank_notebooks)
    if assignment in TRAINS_WITH_OWN_CODE:  # the solution trains with the student's code, the blank with the reference
        assert "Training with your " in _printed(solution_notebooks)
        assert "the course's reference for" not in _printed(solution_notebooks)
        assert "Training with your " not in _printed(blank_notebooks)
        assert "the course's reference for" in _printed(blank_notebooks)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        solution = gradebook.find_submission(assignment, "solution")
        blank = gradebook.find_submission(assignment, "blank")
        assert solution.max_score > 0
        assert solution.score == pytest.approx(solution.max_score)
        assert blank.code_score == 0
        assert not any(nb.needs_manual_grade for nb in solution.notebooks)
