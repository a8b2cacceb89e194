"""The check framework itself: messages that do not depend on a particular exercise."""

import numpy as np
import pytest

from course_utils.checks import CheckFailed, all_exercises, check
from course_utils.checks.framework import Case, expect_array


def test_renamed_parameter_gets_a_clear_message():
    def dropout_forward(A, keep, rng):  # "keep" instead of "keep_prob"
        return A, np.ones_like(A)

    with pytest.raises(CheckFailed, match=r"keep the parameter names of the exercise's template"):
        check("dropout_forward", dropout_forward)


def test_stub_raises_not_implemented_unchanged():
    def dropout_forward(A, keep_prob, rng):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("dropout_forward", dropout_forward)


def test_transposed_output_is_named():
    case = Case("a (2, 3) case", {})
    with pytest.raises(CheckFailed, match="looks transposed"):
        expect_array(case, np.zeros((3, 2)), np.zeros((2, 3)), "A_out")


def test_exercise_names_are_unique_and_registered():
    exercises = all_exercises()
    assert len(exercises) >= 25
    for name, exercise in exercises.items():
        assert exercise.name == name
        assert exercise.visible_cases(), f"{name} has no visible cases"
