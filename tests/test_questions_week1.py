"""The week 1 conceptual questions: the solution notebooks' answers pass, every other answer gets its hint."""

from pathlib import Path

import nbformat
import pytest

from course_utils.checks.framework import CheckFailed, run_check
from course_utils.checks.questions_week1 import EXERCISES

SOURCE = Path(__file__).resolve().parent.parent / "notebooks" / "source"
NOTEBOOKS = [SOURCE / "week1_1_setup" / "setup_and_initialization.ipynb",
             SOURCE / "week1_2_regularization" / "regularization.ipynb",
             SOURCE / "week1_3_gradient_checking" / "gradient_checking.ipynb"]


def _solution_answers() -> dict:
    """``{"quiz_<name>": answer}`` from the answer cells ``def answer_<name>(): ... return <answer>``."""
    answers = {}
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            if cell.cell_type == "code" and grade_id.startswith("answer_"):
                namespace = {}
                exec(cell.source, namespace)  # noqa: S102 (our own solution cell)
                answers["quiz_" + grade_id[len("answer_"):]] = namespace[grade_id]()
    return answers


ANSWERS = _solution_answers()


def test_every_question_has_exactly_one_answer_cell_in_the_week1_notebooks():
    assert sorted(ANSWERS) == sorted(EXERCISES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_solution_answer_passes_and_other_answers_get_the_hint(name, capsys):
    exercise = EXERCISES[name]
    run_check(exercise, lambda: ANSWERS[name])
    assert name in capsys.readouterr().out
    right = ANSWERS[name]
    wrong = [letter for letter in "abcd" if letter != right] if isinstance(right, str) else [right * 2, right / 2 + 1]
    for answer in wrong:
        with pytest.raises(CheckFailed, match="is not"):
            run_check(exercise, lambda answer=answer: answer)
