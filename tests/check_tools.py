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
