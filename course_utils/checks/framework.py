"""The machinery behind every exercise check in the notebooks.

An :class:`Exercise` is split in two halves so that a grader can run them in different processes:

* ``collect_outputs`` runs the student's function on the exercise's cases (student code runs here);
* ``judge_outputs`` compares those outputs with the reference kernels (no student code runs here).

In a notebook both halves run in one call, :func:`run_check`. A failure raises :class:`CheckFailed`
(an ``AssertionError``, so nbgrader scores the cell 0) whose message teaches: it names the mistake
when the output matches a known wrong variant ("dropout mask not rescaled by 1/keep_prob").
A function that is still the stub raises ``NotImplementedError`` unchanged.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import sys
import threading
import types
from contextlib import contextmanager
from typing import Any, Callable

import numpy as np


class CheckFailed(AssertionError):
    """A check found a mistake; the message says which one and how to look for it."""


class ReferenceCalled(CheckFailed):
    """Raised where reference code was refused outside the profiler's sight (another process, a grader stand-in)."""


@dataclasses.dataclass(frozen=True)
class Seed:
    """Stands for ``np.random.default_rng(value)`` in a case's arguments (a Generator can't cross processes)."""

    value: int


@dataclasses.dataclass(frozen=True)
class Case:
    """One call of the student's function: keyword arguments plus a label used in messages."""

    label: str
    args: dict


@dataclasses.dataclass(frozen=True)
class Mistake:
    """A known wrong implementation: if the student's output matches ``wrong(case)`` we print ``message``."""

    message: str
    wrong: Callable[[Case], Any]


@dataclasses.dataclass
class Exercise:
    """One exercise: its cases (visible and hidden), how to judge an output, and which reference code is off limits.

    ``judge(case, output)`` raises :class:`CheckFailed` or returns ``None``; it only sees plain data
    (see :func:`to_plain`). ``forbidden`` lists the reference functions/modules whose code must not run
    while the student's function runs. ``may_modify`` names the arguments the exercise's contract lets the
    function update in place (an optimizer's ``parameters``); changing any other argument fails the check.
    """

    name: str
    visible_cases: Callable[[], list]
    hidden_cases: Callable[[], list]
    judge: Callable[[Case, Any], None]
    forbidden: tuple = ()
    may_modify: tuple = ()

    def cases(self, hidden: bool = False) -> list:
        """The visible cases, plus the hidden ones when ``hidden`` is true."""
        return list(self.visible_cases()) + (list(self.hidden_cases()) if hidden else [])


def question(name: str, answer, why: str, choices: str = "", rel_tol: float = 0.0) -> Exercise:
    """A short conceptual question graded like an exercise.

    The notebook's answer cell defines ``def answer_q(): return "b"`` (nbgrader turns the body into the usual
    ``raise NotImplementedError()`` stub, so the blank notebook still runs) and its test cell calls
    ``check(name, answer_q)``. ``answer`` is one letter of ``choices`` (multiple choice, e.g.
    ``choices="abcd"``) or, when ``choices`` is empty, a number accepted within ``rel_tol`` (relative).
    ``why`` is shown with a wrong answer: it says what to reconsider, without giving the answer away.
    """

    def judge(case: Case, got) -> None:
        if got is None:
            raise CheckFailed(f"{name}: not answered yet: set the answer variable in the cell above")
        if choices:
            letter = got.strip().lower() if isinstance(got, str) else None
            if letter is None or len(letter) != 1 or letter not in choices:
                raise CheckFailed(f"{name}: answer with one letter out of {', '.join(choices)}; got {got!r}")
            if letter != answer:
                raise CheckFailed(f"{name}: ({letter}) is not the best answer. {why}")
            return
        if isinstance(got, (bool, str, list, dict)) or np.asarray(got).size != 1:
            raise CheckFailed(f"{name}: answer with a single number; got {got!r}")
        value = float(np.asarray(got).reshape(()))
        if not abs(value - answer) <= rel_tol * abs(answer):
            raise CheckFailed(f"{name}: {value:g} is not right. {why}")

    return Exercise(name=name, visible_cases=lambda: [Case("your answer", {})], hidden_cases=list, judge=judge)


def exercise_table(*exercises: Exercise) -> dict:
    """``{exercise.name: exercise}`` for a check module's ``EXERCISES``."""
    return {exercise.name: exercise for exercise in exercises}


def _copied(value):
    """``value`` with every array, dict, list and tuple in it copied (``Seed`` -> a fresh Generator)."""
    if isinstance(value, Seed):
        return np.random.default_rng(value.value)
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copied(v) for v in value]
    if type(value) is tuple:
        return tuple(_copied(v) for v in value)
    return value


def build_args(case: Case) -> dict:
    """Turn a case's arguments into real call arguments (``Seed`` -> Generator, arrays and containers copied)."""
    return {key: _copied(value) for key, value in case.args.items()}


def _first_change(before, after, path: str):
    """``(path, what changed)`` for the first difference between a case argument and its state after the call.

    Arrays compare within a few rounding errors (perturbing an entry by epsilon and restoring it may leave
    one ulp); keys added to a dict are not a change.
    """
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray):
            return path, f"it was replaced by a {type(after).__name__}"
        if after.shape != before.shape:
            return path, f"its shape became {after.shape}"
        # operators only (no np.isclose): a notebook may have replaced NumPy's functions
        close = after == before
        if before.dtype.kind in "fc" and after.dtype.kind in "fc":
            with np.errstate(all="ignore"):
                near = abs(after - before) <= 1e-15 + 1e-12 * abs(before)
                close = close | near | ((after != after) & (before != before))  # NaN stays NaN
        if close.all():
            return None
        index = np.unravel_index(np.argmin(close), before.shape) if before.ndim else ()
        at = f" at index {tuple(int(i) for i in index)}" if before.ndim else ""
        return path, f"{_short(before[index])} became {_short(after[index])}{at}"
    if isinstance(before, dict) and isinstance(after, dict):
        for key, value in before.items():
            if key not in after:
                return f"{path}[{key!r}]", "this entry was removed"
            change = _first_change(value, after[key], f"{path}[{key!r}]")
            if change:
                return change
        return None
    if isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)):
        if len(after) != len(before):
            return path, f"its length changed from {len(before)} to {len(after)}"
        for i, (b, a) in enumerate(zip(before, after)):
            change = _first_change(b, a, f"{path}[{i}]")
            if change:
                return change
    return None


def _short(value) -> str:
    return f"{value:.10g}" if isinstance(value, (float, np.floating)) else repr(value)


def _modification(exercise: Exercise, case: Case, args: dict):
    """The message for an argument the call changed although the exercise does not let it (``None`` if none)."""
    for key, before in case.args.items():
        if key in exercise.may_modify or isinstance(before, Seed):
            continue
        change = _first_change(before, args[key], key)
        if change:
            path, detail = change
            return (
                f"{exercise.name} modified its argument {path} in place ({detail}) {describe(case)}: the caller "
                f"still needs it. Work on a copy ({path}.copy()) or build a new array (`{path} - ...`) instead of "
                f"writing into it (`x[...] = ...`, `x -= ...`, `x *= ...`, or a name bound to {path})"
            )
    return None


def _complex_part(value):
    """The first complex number in an output (plain data), or ``None``."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "c":
            flat = value.ravel()
            nonreal = (flat.imag != 0).nonzero()[0]
            return complex(flat[nonreal[0]] if nonreal.size else flat[0]) if flat.size else complex(0)
        return None
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = _complex_part(item)
        if found is not None:
            return found
    return None


def to_plain(value):
    """Convert an output to plain data (arrays, floats, str, lists, dicts) that can be saved and compared."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return np.asarray(value)


def _forbidden_codes(forbidden) -> set:
    codes = set()
    for item in forbidden:
        if isinstance(item, types.ModuleType):
            functions = [v for v in vars(item).values() if inspect.isfunction(v) and v.__module__ == item.__name__]
        else:
            functions = [item]
        # unwrapped: a decorated function's own code (a @contextmanager's wrapper code is shared by every one)
        codes.update(inspect.unwrap(f).__code__ for f in functions)
    return codes


def reference_message(names) -> str:
    """What a student reads when the function ran the reference code ``names``."""
    return (
        f"calls the course's reference solution ({', '.join(sorted(set(names)))}). "
        "Write the computation yourself with NumPy; the check does not accept the reference kernel."
    )


_GUARDS: list = []
"""The lists of the :func:`reference_guard` blocks running now (normally one)."""


def note_reference_call(name: str) -> None:
    """Record a call into reference code seen by other means than the profiler (the grader's stand-ins)."""
    for called in _GUARDS:
        called.append(name)


@contextmanager
def reference_guard(forbidden):
    """Record calls into the ``forbidden`` reference code while the block runs; yields the list of names called.

    It watches the calling thread and the threads started in the block (and, from Python 3.12, every thread).
    A process forked in the block inherits the profiler: there the first forbidden call raises
    :class:`ReferenceCalled`, which ``multiprocessing`` sends back to the caller. (A process started
    fresh, ``spawn``/``forkserver`` or ``subprocess``, is out of its sight.)
    """
    codes = _forbidden_codes(forbidden)
    called: list = []
    pid = os.getpid()

    def profiler(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            name = f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_name}"
            called.append(name)
            if os.getpid() != pid:
                raise ReferenceCalled(reference_message([name]) + " (it was called in another process)")

    set_all = getattr(threading, "setprofile_all_threads", sys.setprofile)
    previous, previous_threads = sys.getprofile(), threading.getprofile()
    threading.setprofile(profiler)
    set_all(profiler)
    _GUARDS.append(called)
    try:
        yield called
    finally:
        _GUARDS.remove(called)
        set_all(previous)
        threading.setprofile(previous_threads)


def _check_parameters(exercise: Exercise, student_fn: Callable, args: dict) -> None:
    """Fail with a clear message when the function's parameter names don't match the exercise's call."""
    try:
        signature = inspect.signature(student_fn)
    except (TypeError, ValueError):
        return  # builtins and some callables have no signature: let the call itself decide
    try:
        signature.bind(**args)
    except TypeError:
        raise CheckFailed(
            f"{exercise.name} is called as {exercise.name}({', '.join(args)}), but your function's parameters are "
            f"{signature}: keep the parameter names of the exercise's template"
        ) from None


def _run_student(exercise: Exercise, student_fn: Callable, case: Case):
    """``(plain output, message or None)``: the output of one case, and what it changed in its arguments."""
    if not callable(student_fn):
        raise CheckFailed(f"{exercise.name}: expected a function, got {type(student_fn).__name__}")
    args = build_args(case)
    _check_parameters(exercise, student_fn, args)
    with reference_guard(exercise.forbidden) as called:
        try:
            output = student_fn(**args)
        except ReferenceCalled as refused:  # from a process the student's code started: name the exercise
            raise CheckFailed(f"{exercise.name} {refused}") from None
        except Exception:
            if not called:
                raise
            output = None  # the reference failed (or was refused) in the student's code: say why below
    if called:
        raise CheckFailed(f"{exercise.name} {reference_message(called)}")
    output = to_plain(output)
    number = _complex_part(output)
    if number is not None:
        raise CheckFailed(
            f"{exercise.name} returned a complex number ({number:.6g}) {describe(case)}: look for a square root "
            "or a fractional power of a negative number (np.sqrt of a complex, x ** 0.5 with x < 0); "
            "the result must be real"
        )
    return output, _modification(exercise, case, args)


def call_student(exercise: Exercise, student_fn: Callable, case: Case):
    """Run the student's function on one case and return its output as plain data."""
    return _run_student(exercise, student_fn, case)[0]


def _collect_one(exercise: Exercise, student_fn: Callable, case: Case, raise_errors: bool = False) -> dict:
    """``{"output": ...}`` (plus ``"modified"``: a message, when it changed an argument) or ``{"error": message}``.

    An exception of the student's code becomes the case's error, unless ``raise_errors`` (the notebook, where the
    student needs the traceback) or it is the stub's ``NotImplementedError``.
    """
    try:
        output, modified = _run_student(exercise, student_fn, case)
    except CheckFailed as failure:
        return {"error": str(failure)}
    except Exception as error:  # the student's code broke on this case: judged in case order, as in the notebook
        if raise_errors or isinstance(error, NotImplementedError):
            raise
        return {"error": f"{exercise.name} raised {type(error).__name__}: {error} {describe(case)}"}
    return {"output": output, "modified": modified} if modified else {"output": output}


def _judge_one(exercise: Exercise, case: Case, result: dict) -> None:
    """Judge one collected result; a modified argument fails too (after the judge's own, more specific, message)."""
    if "error" in result:
        raise CheckFailed(result["error"])
    modified = result.get("modified")
    try:
        exercise.judge(case, result["output"])
    except CheckFailed as failure:
        if modified:
            raise CheckFailed(f"{failure}\nAlso: {modified}") from None
        raise
    if modified:
        raise CheckFailed(modified)


def collect_outputs(exercise: Exercise, student_fn: Callable, hidden: bool = False) -> list:
    """Student side: the outputs of ``student_fn`` on every case (a ``CheckFailed`` is kept as its message)."""
    return [_collect_one(exercise, student_fn, case) for case in exercise.cases(hidden)]


def judge_outputs(exercise: Exercise, outputs: list, hidden: bool = False) -> None:
    """Reference side: raise ``CheckFailed`` with a teaching message unless every output is right."""
    cases = exercise.cases(hidden)
    if len(outputs) != len(cases):
        raise CheckFailed(f"{exercise.name}: expected {len(cases)} outputs, got {len(outputs)}")
    for case, result in zip(cases, outputs):
        _judge_one(exercise, case, result)


def run_check(exercise: Exercise, student_fn: Callable, hidden: bool = False) -> None:
    """Check ``student_fn`` in the notebook; print one short line when every case passes."""
    cases = exercise.cases(hidden)
    for case in cases:
        _judge_one(exercise, case, _collect_one(exercise, student_fn, case, raise_errors=True))
    print(f"\u2714 {exercise.name}: all {len(cases)} {'hidden and visible ' if hidden else ''}checks passed")


# ---------------------------------------------------------------- cases that draw from the rng argument

_FIRST_DRAW: dict = {}  # first output of each group of seed cases, kept during one pass over the cases
_SEED_ROLES: dict = {}  # case label -> (group name, role, whether it is the group's last case)


def seed_cases(name: str, args: dict, seeds) -> list:
    """Cases with the same arguments and the rng seeds ``seeds``, e.g. ``(12, 12, 13)``; ``name`` starts each label.

    A function that draws only from its ``rng`` gives the first case's output again for the same seed and another
    output for another seed; :func:`judge_seed_cases` checks both. Choose sizes for which two seeds give the same
    output with negligible probability, even for a function that keeps each set in sorted order (< 1e-9).
    """
    cases = []
    for i, seed in enumerate(seeds):
        role = "first" if i == 0 else "same" if seed == seeds[0] else "other"
        label = {"first": f"{name}, rng seed {seed}",
                 "same": f"{name}, rng seed {seed} again: the same result expected",
                 "other": f"{name}, rng seed {seed}: another result expected"}[role]
        _SEED_ROLES[label] = (name, role, i == len(seeds) - 1)
        cases.append(Case(label, {**args, "rng": Seed(seed)}))
    return cases


def judge_seed_cases(case: Case, arrays, what: str, draw: str) -> None:
    """For a case made by :func:`seed_cases` (others are ignored): compare ``arrays`` with its group's first output.

    Cases are judged in order, so the first case of a group is always judged before the others.
    ``draw`` shows how to draw from the rng in this exercise (e.g. ``"rng.permutation(m)"``).
    """
    if case.label not in _SEED_ROLES:
        return
    name, role, last = _SEED_ROLES[case.label]
    value = np.concatenate([np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays])
    if role == "first":
        _FIRST_DRAW[name] = value
        return
    first = _FIRST_DRAW.pop(name, None) if last else _FIRST_DRAW.get(name)
    if first is None or first.shape != value.shape:
        return
    same = bool(np.allclose(first, value, rtol=1e-12, atol=0.0))
    if role == "same" and not same:
        raise CheckFailed(
            f"two calls with the same rng seed gave different {what} {describe(case)}: the result is not "
            "reproducible, so your function draws from another source of randomness than its rng argument "
            f"(np.random.rand, np.random.permutation, random.shuffle, ...). Draw only from the given rng, e.g. {draw}"
        )
    if role == "other" and same:
        raise CheckFailed(
            f"two different rng seeds gave the same {what} {describe(case)}: your function ignores the rng it is "
            "given (it reseeds inside, e.g. np.random.seed(1) or np.random.default_rng(0), and then always draws "
            f"the same numbers). Draw from the rng argument, e.g. {draw}, and never seed inside the function"
        )


# ---------------------------------------------------------------- comparing arrays with teaching messages


def describe(case: Case) -> str:
    """``[case: <label>]``, the tag that ends every failure message."""
    return f"[case: {case.label}]"


def case_arguments(case: Case) -> str:
    """The case's arguments in a few words: arrays by shape, numbers by value (``AL (3, 5), Y (3, 5), lambd=0.7``)."""
    parts = []
    for key, value in case.args.items():
        if isinstance(value, np.ndarray):
            parts.append(f"{key} {value.shape}")
        elif isinstance(value, dict) and all(isinstance(v, np.ndarray) for v in value.values()):
            parts.append(f"{key} {{{', '.join(f'{k}: {v.shape}' for k, v in value.items())}}}")
        elif isinstance(value, (bool, int, float, np.integer, np.floating)):
            parts.append(f"{key}={value:g}" if not isinstance(value, bool) else f"{key}={value}")
    text = ", ".join(parts)
    return text if len(text) <= 200 else text[:197] + "..."


def _named_numbers(case: Case) -> list:
    """``(name, value)`` for the numbers of a case a wrong factor is often made of: scalar arguments, array sizes."""
    named = [(key, float(v)) for key, v in case.args.items()
             if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and v not in (0, 1)]
    for key, value in case.args.items():
        if isinstance(value, np.ndarray):
            named += [(f"{key}.shape[{axis}]", float(n)) for axis, n in enumerate(value.shape) if n > 1]
    return named


def _factor_name(case: Case, factor: float) -> str:
    """``" (= 1/keep_prob)"`` when ``factor`` is a named number of the case or its inverse, else ``""``."""
    for name, value in _named_numbers(case):
        if np.isclose(factor, value, rtol=1e-6):
            return f" (= {name} = {value:g})"
        if np.isclose(factor, 1 / value, rtol=1e-6):
            return f" (= 1/{name} = 1/{value:g})"
    return ""


def _where_wrong(wrong: np.ndarray) -> str:
    """Where the wrong entries are, when they are few or one row/column (often a loop bound or an index)."""
    count, size = int(wrong.sum()), wrong.size
    if size > 3 and count <= 3:
        places = ", ".join(str(tuple(int(i) for i in index)) for index in np.argwhere(wrong))
        if wrong.ndim == 1 and count == 1 and (wrong[0] or wrong[-1]):
            places += ", the first entry" if wrong[0] else ", the last entry"
        return (f"only {count} of the {size} entries {'is' if count == 1 else 'are'} wrong (at {places}): look at "
                "what treats them differently (a loop bound, an index, a slice)")
    if wrong.ndim == 2:
        for axis, line in ((1, "row"), (0, "column")):
            bad, lines = np.flatnonzero(wrong.any(axis=axis)), wrong.shape[1 - axis]
            if bad.size == 1 and lines > 1:
                which = {0: " (the first)", lines - 1: " (the last)"}.get(int(bad[0]), "")
                return (f"only {line} {int(bad[0])}{which} is wrong, the other {line}s are right: "
                        f"look at what treats that {line} differently (a loop bound, an index, a slice)")
    return ""


def _error_pattern(case: Case, got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> str:
    """A hint read from the pattern of the error: a factor, a sign, a transpose, an offset, a few wrong entries."""
    close = lambda a, b: np.allclose(a, b, rtol=rtol, atol=atol)  # noqa: E731 - local shorthand
    if expected.size and close(got, -expected):
        return "the sign is flipped: every entry is minus the expected one"
    norm = float(np.sum(expected * expected))
    if norm > 0:
        factor = float(np.sum(got * expected)) / norm
        if factor != 0 and close(got, factor * expected):
            name = _factor_name(case, factor)
            varied = expected.size > 1 and not close(expected, expected.flat[0])  # else an offset fits as well
            if name or varied or factor in (2.0, 0.5):
                return (f"every entry is {factor:.6g} times the expected one{name}: "
                        "look for a constant factor added or forgotten")
    if got.ndim == 2 and got.shape[0] == got.shape[1] > 1 and close(got, expected.T):
        return "these are the expected values transposed: check the order of a matrix product or a .T"
    offset = got - expected
    if expected.size > 1 and close(got, expected + offset.flat[0]):
        return f"every entry is off by the same {offset.flat[0]:.6g}: look for a constant term added or forgotten"
    if expected.size > 1 and close(np.sort(got, axis=None), np.sort(expected, axis=None)):
        return ("the right values in another order: check an index, the axis of a stack or a reshape, "
                "or which rows/columns you swapped")
    return _where_wrong(~np.isclose(got, expected, rtol=rtol, atol=atol)) if got.ndim else ""


def _shape_hint(got: np.ndarray, expected: np.ndarray) -> str:
    if got.shape == expected.shape[::-1] and got.ndim == 2:
        return " (it looks transposed)"
    if got.size == 1 and expected.size > 1:
        return (" (a single number: a sum or mean ran over every axis; give it axis=... and keepdims=True)")
    if got.ndim == 1 and expected.ndim == 2 and got.size == expected.size:
        return f" (a 1-D array: keep the axis, keepdims=True, or reshape to {expected.shape})"
    if got.ndim == 2 and got.shape[0] == got.shape[1] > 1 and 1 in expected.shape and got.shape[0] == expected.size:
        return (" (an (n, 1) array combined with a (1, n) one broadcasts to (n, n): check the shapes of the "
                "two operands)")
    if got.size == expected.size:
        return f" (the right number of entries: check which axis you summed over, or reshape to {expected.shape})"
    return ""


def expect_array(case: Case, got, expected, what: str, mistakes=(), rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Compare ``got`` with ``expected``: type, shape, NaN, values; name a known mistake when ``got`` matches it.

    ``mistakes`` is a sequence of ``(wrong_value, message)`` pairs computed from the same case. Without a
    named mistake the message gives the case's arguments, the worst entry, and a hint read from the pattern
    of the error (a factor, a flipped sign, a transpose, one wrong row, NaN or inf, integer truncation).
    """
    expected = np.asarray(expected, dtype=np.float64)
    if got is None:
        raise CheckFailed(f"{what} is None {describe(case)}: did you forget a `return`?")
    if isinstance(got, (list, dict, str)):
        raise CheckFailed(f"{what} should be a numpy array of shape {expected.shape}, got a {type(got).__name__} {describe(case)}")
    got = np.asarray(got)
    if got.shape != expected.shape:
        raise CheckFailed(f"{what} has shape {got.shape}, expected {expected.shape}{_shape_hint(got, expected)} "
                          f"{describe(case)}")
    if not np.issubdtype(got.dtype, np.number) and got.dtype != np.bool_:
        raise CheckFailed(f"{what} should hold numbers, got dtype {got.dtype} {describe(case)}")
    integers = got.dtype.kind in "iub"
    got = got.astype(np.float64)
    arguments = f" (arguments: {case_arguments(case)})" if case_arguments(case) else ""
    for bad, name, hint in ((np.isnan, "NaN", "look for 0/0, log(0) or an overflow"),
                            (np.isinf, "inf", "look for a division by 0, log(0) or exp of a large number")):
        if bad(got).any() and not bad(expected).any():
            first = tuple(int(i) for i in np.argwhere(bad(got))[0])
            raise CheckFailed(f"{what} contains {name} {describe(case)}{arguments}: {hint} "
                              f"(first at index {first}, {int(bad(got).sum())} of {got.size} entries)")
    if np.allclose(got, expected, rtol=rtol, atol=atol):
        return
    for wrong_value, message in mistakes:
        wrong_value = np.asarray(wrong_value, dtype=np.float64)
        if wrong_value.shape == got.shape and np.allclose(got, wrong_value, rtol=rtol, atol=atol):
            raise CheckFailed(f"{what} is wrong {describe(case)}: {message}")
    with np.errstate(all="ignore"):
        difference = np.abs(got - expected)
    worst = np.unravel_index(np.nanargmax(difference), got.shape) if got.ndim else ()
    if integers and not np.allclose(expected, np.round(expected)):
        hint = ("your array holds integers (the expected values are not whole numbers): an integer array truncates "
                "what is written into it; make it a float array (np.zeros(shape), not dtype=int; no //)")
    else:
        hint = _error_pattern(case, got, expected, rtol, atol)
    raise CheckFailed(
        f"{what} has wrong values {describe(case)}{arguments}: largest difference "
        f"{float(difference[worst]):.3g} at index {tuple(int(i) for i in worst)} "
        f"(got {float(got[worst]):.6g}, expected {float(expected[worst]):.6g})" + (f". Hint: {hint}" if hint else "")
    )


@contextmanager
def hinted(hint: str):
    """Append ``hint`` (what to look at) to a generic "has wrong values" failure of :func:`expect_array`."""
    try:
        yield
    except CheckFailed as failure:
        if " has wrong values " not in str(failure):
            raise
        raise CheckFailed(f"{failure}. Look at {hint}") from None


def expect_number(case: Case, got, expected: float, what: str, mistakes=(), rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Like :func:`expect_array` for a scalar result (a Python/NumPy number or a 0-d/size-1 array)."""
    if got is None:
        raise CheckFailed(f"{what} is None {describe(case)}: did you forget a `return`?")
    array = np.asarray(got)
    if array.size != 1 or not np.issubdtype(array.dtype, np.number):
        hint = ""
        if array.size > 1 and np.issubdtype(array.dtype, np.number):
            for reduce, how in ((np.sum, "summing"), (np.mean, "averaging")):
                if np.isclose(reduce(array), expected, rtol=rtol, atol=atol):
                    hint = f": {how} its entries gives the expected value"
        raise CheckFailed(f"{what} should be a single number, got {type(got).__name__} with shape {array.shape} "
                          f"{describe(case)}{hint}")
    expect_array(case, array.reshape(()), np.asarray(expected).reshape(()), what, mistakes, rtol, atol)


def unpack(case: Case, output, count: int, what: str) -> list:
    """Check that a function returned a tuple of ``count`` items and return them as a list."""
    if not isinstance(output, list) or len(output) != count:
        got = f"a {type(output).__name__}" + (f" of length {len(output)}" if isinstance(output, list) else "")
        raise CheckFailed(f"{what} should return {count} values, got {got} {describe(case)}")
    return output


def expect_dict(case: Case, output, keys, what: str) -> dict:
    """Check that ``output`` is a dict with exactly ``keys``."""
    if not isinstance(output, dict):
        raise CheckFailed(f"{what} should return a dict with keys {sorted(keys)}, got {type(output).__name__} {describe(case)}")
    missing, extra = set(keys) - set(output), set(output) - set(keys)
    if missing or extra:
        raise CheckFailed(
            f"{what} has the wrong keys {describe(case)}: missing {sorted(missing)}, unexpected {sorted(extra)}"
        )
    return output
