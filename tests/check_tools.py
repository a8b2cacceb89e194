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
    """Assert that ``fn`` passes the notebook check, the hidden check and the grader's re-check path.

    The re-check path as the grader runs it: outputs collected, encoded to JSON, decoded, then judged.
    """
    import json

    from course_utils.checks import get_exercise
    from course_utils.checks.framework import collect_outputs, judge_outputs
    from course_utils.grading._recheck_child import encode
    from course_utils.grading.recheck import decode

    check(name, fn)
    check(name, fn, hidden=True)
    exercise = get_exercise(name)
    outputs = [{"output": encode(o["output"])} if "output" in o else o for o in collect_outputs(exercise, fn, True)]
    outputs = json.loads(json.dumps(outputs))
    judge_outputs(exercise, [{"output": decode(o["output"])} if "output" in o else o for o in outputs], hidden=True)


def variant_params(table):
    """``pytest.param``s over a ``tests/variants`` table (CORRECT or MISTAKES), each with a readable id."""
    params = []
    for name, entries in table.items():
        for entry in entries:
            fn = entry[0] if isinstance(entry, tuple) else entry
            params.append(pytest.param(name, *(entry if isinstance(entry, tuple) else (entry,)), id=fn.__name__))
    return params
