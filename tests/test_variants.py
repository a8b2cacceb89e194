"""Collector of ``tests/variants/``: every correct variant passes every path, every named mistake fails them all.

The three paths a student's function goes through: the notebook check ``check(name, fn)``, the hidden check
``check(name, fn, hidden=True)`` (what nbgrader grades), and the grader's integrity re-check, which collects
the outputs in one process (``collect_outputs``), sends them as JSON (``_recheck_child.encode_outputs``) and
judges the plain data in another (``recheck.decode_outputs`` then ``judge_outputs``).

A named mistake must fail the hidden check and the re-check with its fragment in the message; the visible
check may let it through (the case that catches it may be hidden), but when it fails it must say the same.
"""

import importlib
import json
import pkgutil
import types
import warnings

import numpy as np
import pytest

import tests.variants
from course_utils.checks import check_modules, get_exercise
from course_utils.checks.framework import CheckFailed, collect_outputs, judge_outputs, run_check
from course_utils.grading._recheck_child import encode_outputs
from course_utils.grading.recheck import decode_outputs


def variant_modules() -> dict:
    """``{module name: module}`` for every module of ``tests/variants/``."""
    return {info.name: importlib.import_module(f"{tests.variants.__name__}.{info.name}")
            for info in pkgutil.iter_modules(tests.variants.__path__)}


def variant_entries(modules: dict) -> list:
    """``[(module, exercise, fn, fragment or None)]``: every correct variant (fragment None) and named mistake."""
    entries = []
    for module_name, module in sorted(modules.items()):
        for exercise, fns in getattr(module, "CORRECT", {}).items():
            entries += [(module_name, exercise, fn, None) for fn in fns]
        for exercise, pairs in getattr(module, "MISTAKES", {}).items():
            entries += [(module_name, exercise, fn, fragment) for fn, fragment in pairs]
    return entries


def check_tables() -> dict:
    """``{check module's short name: names of its exercises}``."""
    return {name.rsplit(".", 1)[-1]: set(importlib.import_module(name).EXERCISES) for name in check_modules()}


def misplaced_names(modules: dict, tables: dict) -> list:
    """``"module: exercise"`` for every name in the variant tables that the check module of the same name lacks."""
    wrong = []
    for module_name, module in sorted(modules.items()):
        names = set(getattr(module, "CORRECT", {})) | set(getattr(module, "MISTAKES", {}))
        wrong += [f"{module_name}: {name}" for name in sorted(names - tables.get(module_name, set()))]
    return wrong


def recheck_path(exercise, fn) -> None:
    """The grader's re-check: collect (student side), JSON round trip, judge (reference side)."""
    sent = json.dumps(encode_outputs(collect_outputs(exercise, fn, hidden=True)))
    judge_outputs(exercise, decode_outputs(json.loads(sent)), hidden=True)


def _paths(exercise):
    return {
        "notebook check": lambda fn: run_check(exercise, fn, hidden=False),
        "hidden check": lambda fn: run_check(exercise, fn, hidden=True),
        "re-check": lambda fn: recheck_path(exercise, fn),
    }


def _failures(exercise, fn):
    """``(path, CheckFailed or None)`` for each of the three paths ``fn`` goes through."""
    for path, run in _paths(exercise).items():
        failure = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                run(fn)
        except CheckFailed as error:
            failure = error
        yield path, failure


def assert_correct(exercise, fn) -> None:
    """``fn`` passes the notebook check, the hidden check and the re-check."""
    for path, failure in _failures(exercise, fn):
        if failure is not None:
            pytest.fail(f"{exercise.name}: correct variant {fn.__name__} refused by the {path}: {failure}")


def assert_mistake(exercise, fn, fragment: str) -> None:
    """``fn`` fails the hidden check and the re-check (and the notebook check, if it fails) naming ``fragment``."""
    for path, failure in _failures(exercise, fn):
        if failure is None and path != "notebook check":
            pytest.fail(f"{exercise.name}: mistake {fn.__name__} passes the {path} (expected {fragment!r})")
        if failure is not None and fragment not in str(failure):
            pytest.fail(f"{exercise.name}: mistake {fn.__name__}: the {path} says {str(failure)!r}, "
                        f"without {fragment!r}")


def test_variant_tables_name_exercises_of_their_check_module():
    wrong = misplaced_names(variant_modules(), check_tables())
    assert not wrong, f"tests/variants/ names exercises that are not in the check module of the same name: {wrong}"


_ENTRIES = variant_entries(variant_modules())


@pytest.mark.parametrize(
    "module_name, exercise_name, fn, fragment", _ENTRIES,
    ids=[f"{m}-{e}-{'ok' if f is None else 'mistake'}-{fn.__name__}" for m, e, fn, f in _ENTRIES],
)
def test_variant(module_name, exercise_name, fn, fragment):
    exercise = get_exercise(exercise_name)
    if fragment is None:
        assert_correct(exercise, fn)
    else:
        assert_mistake(exercise, fn, fragment)


# ------------------------------------------------------------------ the collector's own logic, on a fake exercise


def _doubling_exercise():
    """A fake exercise: return 2 * x; a numeric array, judged with the framework's expect_array."""
    from course_utils.checks.framework import Case, Exercise, expect_array

    def judge(case, output):
        expect_array(case, output, 2 * case.args["x"], "2x", mistakes=[(3 * case.args["x"], "tripled, not doubled")])

    return Exercise(name="double", judge=judge,
                    visible_cases=lambda: [Case("x = [1, 2]", {"x": np.array([1.0, 2.0])})],
                    hidden_cases=lambda: [Case("x = [[-1], [4]]", {"x": np.array([[-1.0], [4.0]])})])


def test_collector_passes_a_correct_variant_and_names_a_mistake():
    exercise = _doubling_exercise()
    assert_correct(exercise, lambda x: x + x)
    assert_mistake(exercise, lambda x: 3 * x, "tripled")


def test_collector_fails_a_refused_correct_variant_and_a_mistake_without_its_message():
    exercise = _doubling_exercise()
    with pytest.raises(pytest.fail.Exception, match="refused by the notebook check"):
        assert_correct(exercise, lambda x: 3 * x)
    with pytest.raises(pytest.fail.Exception, match="without 'sign flipped'"):
        assert_mistake(exercise, lambda x: 3 * x, "sign flipped")
    with pytest.raises(pytest.fail.Exception, match="passes the hidden check"):
        assert_mistake(exercise, lambda x: 2 * x, "tripled")


def test_collector_lets_the_visible_check_pass_a_mistake_only_hidden_cases_catch():
    exercise = _doubling_exercise()
    assert_mistake(exercise, lambda x: 2 * x if x.ndim == 1 else 3 * x, "tripled")


def test_collector_runs_the_recheck_on_the_json_data():
    """An output the judge accepts in the notebook but the re-check cannot send (an object array) is refused."""
    from course_utils.checks.framework import Case, CheckFailed, Exercise

    def judge(case, output):
        if not isinstance(output, np.ndarray):
            raise CheckFailed(f"expected an array, got {output!r}")

    exercise = Exercise(name="anything", judge=judge, visible_cases=lambda: [Case("c", {})], hidden_cases=list)
    run_check(exercise, lambda: np.array([1, "a"], dtype=object), hidden=True)
    with pytest.raises(pytest.fail.Exception, match="refused by the re-check.*unsupported output"):
        assert_correct(exercise, lambda: np.array([1, "a"], dtype=object))


def test_collector_finds_names_that_are_no_exercise_of_their_module():
    module = types.SimpleNamespace(CORRECT={"softmax": [], "dropout_forward": []}, MISTAKES={"sofmax": []})
    assert misplaced_names({"softmax": module}, check_tables()) == ["softmax: dropout_forward", "softmax: sofmax"]
    assert misplaced_names({"no_such_module": module}, check_tables())[0] == "no_such_module: dropout_forward"
