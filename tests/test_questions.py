"""Conceptual questions graded like exercises (framework.question)."""

import pytest

from course_utils.checks.framework import CheckFailed, question, run_check

CHOICE = question("quiz_example", "b", "Think about what the network sees at test time.", choices="abcd")
NUMBER = question("quiz_number", 50.0, "How many steps does 1/(1-beta) count?", rel_tol=0.05)


@pytest.mark.parametrize("answer", ["b", "B", " b\n"])
def test_right_letter_passes(answer, capsys):
    run_check(CHOICE, lambda: answer)
    assert "quiz_example" in capsys.readouterr().out


@pytest.mark.parametrize("answer, fragment", [
    (None, "not answered yet"),
    ("c", "(c) is not the best answer. Think about"),
    ("e", "one letter out of a, b, c, d"),
    ("bc", "one letter"),
    (2, "one letter"),
])
def test_wrong_or_missing_letter_is_named(answer, fragment):
    with pytest.raises(CheckFailed) as info:
        run_check(CHOICE, lambda: answer)
    assert fragment in str(info.value)


@pytest.mark.parametrize("answer", [50, 49.0, 52.4])
def test_number_within_tolerance_passes(answer):
    run_check(NUMBER, lambda: answer)


@pytest.mark.parametrize("answer, fragment", [
    (10, "10 is not right. How many"),
    (53, "53 is not right"),
    ("50", "single number"),
    ([50, 50], "single number"),
    (None, "not answered yet"),
])
def test_wrong_number_is_refused(answer, fragment):
    with pytest.raises(CheckFailed) as info:
        run_check(NUMBER, lambda: answer)
    assert fragment in str(info.value)
