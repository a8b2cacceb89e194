"""Shared helper for the tests of the exercise checks."""

import warnings

import pytest

from course_utils.checks import CheckFailed, check


def fails_with(name, fn, *fragments, hidden=True):
    """Assert that the check ``name`` rejects ``fn`` with a message containing every fragment; return it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0/0 or overflow in deliberately wrong code
        with pytest.raises(CheckFailed) as info:
            check(name, fn, hidden=hidden)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


def passes_everywhere(name, fn):
    """Assert that ``fn`` passes the notebook check, the hidden check and the grader's collect-then-judge path."""
    from course_utils.checks import get_exercise
    from course_utils.checks.framework import collect_outputs, judge_outputs

    check(name, fn)
    check(name, fn, hidden=True)
    exercise = get_exercise(name)
    judge_outputs(exercise, collect_outputs(exercise, fn, hidden=True), hidden=True)


def variant_params(table):
    """``pytest.param``s over a ``tests/variants`` table (CORRECT or MISTAKES), each with a readable id."""
    params = []
    for name, entries in table.items():
        for entry in entries:
            fn = entry[0] if isinstance(entry, tuple) else entry
            params.append(pytest.param(name, *(entry if isinstance(entry, tuple) else (entry,)), id=fn.__name__))
    return params
