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

    _check_solution_ran_clean(_autograded(root, "solution", assignment))
    _check_blank_fails_only_at_tests(_autograded(root, "blank", assignment))
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        solution = gradebook.find_submission(assignment, "solution")
        blank = gradebook.find_submission(assignment, "blank")
        assert solution.max_score > 0
        assert solution.score == pytest.approx(solution.max_score)
        assert blank.code_score == 0
        assert not any(nb.needs_manual_grade for nb in solution.notebooks)
