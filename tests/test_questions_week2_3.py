"""The conceptual questions of weeks 2 and 3: the intended answer passes, every other one is refused with its hint,
and each question is asked by a test cell of a source notebook."""

import re

import nbformat
import pytest

from course_utils.checks import CheckFailed, check
from course_utils.checks.questions_week2_3 import EXERCISES
from tests.notebook_tools import source_notebooks

ANSWERS = {
    "quiz_ewa_window": 50, "quiz_minibatch_noise": "b", "quiz_saddle": "c",
    "quiz_bn_bias": "a", "quiz_bn_test_time": "d", "quiz_torch_momentum": 0.1,
    "quiz_keras_momentum_lr": 0.001, "quiz_tape_none": "c", "quiz_tf_layout": "b",
}
WRONG = [(name, letter) for name, answer in ANSWERS.items() if isinstance(answer, str)
         for letter in "abcd" if letter != answer]
WRONG += [("quiz_ewa_window", 10), ("quiz_torch_momentum", 0.9), ("quiz_keras_momentum_lr", 0.01)]


def test_every_question_has_its_answer_here():
    assert sorted(EXERCISES) == sorted(ANSWERS)


@pytest.mark.parametrize("name", sorted(ANSWERS))
def test_intended_answer_passes(name):
    check(name, lambda: ANSWERS[name])


@pytest.mark.parametrize("name, answer", WRONG)
def test_other_answers_are_refused_with_a_hint(name, answer):
    with pytest.raises(CheckFailed, match=f"{name}: .*(not the best answer|not right)"):
        check(name, lambda: answer)


def test_each_question_is_asked_once_by_a_notebook():
    asked = []
    for path in source_notebooks():
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade"):
                asked += re.findall(r'check\("(quiz_\w+)"', cell.source)
    for name in EXERCISES:
        assert asked.count(name) == 1, f"{name} is asked {asked.count(name)} times"
