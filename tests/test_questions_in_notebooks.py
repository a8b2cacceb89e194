"""Every conceptual question of the course: asked once by a notebook's test cell, its solution answer passes, and
every other answer is refused with the question's hint."""

import re

import nbformat
import pytest

from course_utils.checks import CheckFailed, all_exercises, check
from tests.notebook_tools import source_notebooks

QUESTIONS = sorted(name for name in all_exercises() if name.startswith("quiz_"))


def _notebook_questions() -> tuple[dict, list]:
    """``({"quiz_<name>": the solution's answer}, [every quiz name a test cell checks])`` over the source notebooks;
    answer cells are ``def answer_<name>(): ... return <answer>`` with grade_id ``answer_<name>``."""
    answers, asked = {}, []
    for path in source_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            grade_id = meta.get("grade_id", "")
            if cell.cell_type == "code" and meta.get("solution") and grade_id.startswith("answer_"):
                namespace = {}
                exec(cell.source, namespace)  # noqa: S102 (our own solution cell)
                answers["quiz_" + grade_id[len("answer_"):]] = namespace[grade_id]()
            if cell.cell_type == "code" and meta.get("grade"):
                asked += re.findall(r'check\("(quiz_\w+)"', cell.source)
    return answers, asked


ANSWERS, ASKED = _notebook_questions()


def _wrong(name) -> list:
    right = ANSWERS[name]
    return [letter for letter in "abcd" if letter != right] if isinstance(right, str) else [right * 2, right / 2 + 1]


WRONG = [(name, answer) for name in QUESTIONS for answer in _wrong(name)]
WRONG += [("quiz_ewa_window", 10), ("quiz_torch_momentum", 0.9), ("quiz_keras_momentum_lr", 0.01)]


def test_every_question_has_exactly_one_answer_cell():
    assert sorted(ANSWERS) == QUESTIONS


def test_each_question_is_asked_once_by_a_notebook():
    for name in QUESTIONS:
        assert ASKED.count(name) == 1, f"{name} is asked {ASKED.count(name)} times"


@pytest.mark.parametrize("name", QUESTIONS)
def test_the_solution_answer_passes(name, capsys):
    check(name, lambda: ANSWERS[name])
    assert name in capsys.readouterr().out


@pytest.mark.parametrize("name, answer", WRONG)
def test_other_answers_are_refused_with_a_hint(name, answer):
    with pytest.raises(CheckFailed, match=f"{name}: .*(not the best answer|not right)"):
        check(name, lambda: answer)
