"""Every course notebook, as a user meets it: the solution runs clean, the student version fails only at the
exercise tests, the committed student version is exactly nbgrader's output, and nbgrader grades both ends right."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from course_utils.nbgrader_course import generate_student_versions, nbgrader_api
from tests.notebook_tools import RELEASE, SOURCE, cell_errors, execute, make_course, nbgrader_meta, source_notebooks

pytestmark = pytest.mark.slow

NOTEBOOKS = source_notebooks()
ASSIGNMENTS = sorted({path.parent.name for path in NOTEBOOKS})


def _id(path):
    return f"{path.parent.name}/{path.stem}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_solution_notebook_runs_clean(path):
    notebook, seconds = execute(path)
    assert not cell_errors(notebook)
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("grade") and cell.cell_type == "code":
            assert cell.execution_count is not None, f"test cell {nbgrader_meta(cell)['grade_id']} did not run"
    print(f"{_id(path)} executed in {seconds:.1f} s")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_id)
def test_student_notebook_fails_only_at_exercise_tests(path):
    student = RELEASE / path.parent.name / path.name
    notebook, _ = execute(student, allow_errors=True)
    failing = {index: output for index, _, output in cell_errors(notebook)}
    for index, cell in enumerate(notebook.cells):
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code":
            continue
        if meta.get("grade") and not meta.get("solution"):
            assert index in failing, f"test cell {meta['grade_id']} passed with the exercise unimplemented"
            assert failing[index]["ename"] == "NotImplementedError", (
                f"test cell {meta['grade_id']} failed with {failing[index]['ename']}: {failing[index]['evalue']}"
            )
        else:
            assert index not in failing, (
                f"cell {index} ({meta.get('grade_id', 'no grade_id')}) broke in the student version: "
                f"{failing[index]['ename']}: {failing[index]['evalue']}"
            )


def _strip_volatile(notebook: dict) -> dict:
    return json.loads(json.dumps(notebook, sort_keys=True))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_student_version_is_nbgraders_output(assignment, tmp_path):
    root = make_course(tmp_path, assignment)
    generate_student_versions(root, [assignment])
    generated = sorted((root / "release" / assignment).glob("*.ipynb"))
    committed = sorted((RELEASE / assignment).glob("*.ipynb"))
    assert [p.name for p in generated] == [p.name for p in committed], "run: python scripts/release_notebooks.py"
    for new, old in zip(generated, committed):
        assert _strip_volatile(json.loads(new.read_text())) == _strip_volatile(json.loads(old.read_text())), (
            f"{old} is not what nbgrader generates from the source: run python scripts/release_notebooks.py"
        )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_round_trip(assignment, tmp_path):
    from nbgrader.api import Gradebook

    root = make_course(tmp_path, assignment)
    generate_student_versions(root, [assignment])
    for student, folder in (("solution", SOURCE), ("blank", root / "release")):
        shutil.copytree(folder / assignment, root / "submitted" / student / assignment)
    api = nbgrader_api(root)
    for student in ("solution", "blank"):
        result = api.autograde(assignment, student, force=True, create=True)
        assert result["success"], result["log"]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        solution = gradebook.find_submission(assignment, "solution")
        blank = gradebook.find_submission(assignment, "blank")
        assert solution.max_score > 0
        assert solution.score == pytest.approx(solution.max_score)
        assert blank.code_score == 0
        assert not any(nb.needs_manual_grade for nb in solution.notebooks)
