"""The student side of the integrity re-check: ``python -m course_utils.grading._recheck_child SPEC OUT``.

Runs in a fresh process under rlimits (see :mod:`course_utils.grading.recheck`). It runs the set-up
imports and definitions of the instructor's notebook and the student's answer cells (never a test cell),
then, for every check the test cells make, ``framework.collect_outputs(exercise, fn, hidden=True)``,
and writes the plain outputs as JSON (arrays as nested lists; no pickle) to OUT. Before any student code
runs, every function of the exercises' reference modules is replaced by a stand-in that refuses to run
while an exercise that forbids it is being collected.
"""

from __future__ import annotations

import dataclasses
import inspect
import io
import json
import os
import signal
import sys
import types

from course_utils.checks.framework import collect_outputs

MAX_TEXT = 4000


class _CappedText(io.TextIOBase):
    """Keeps the first MAX_TEXT characters written, drops the rest."""

    def __init__(self):
        self.parts, self.size = [], 0

    def write(self, text):
        if self.size < MAX_TEXT:
            self.parts.append(str(text)[: MAX_TEXT - self.size])
            self.size += len(self.parts[-1])
        return len(text)

    def getvalue(self):
        return "".join(self.parts)


def encode(value):
    """Plain data (see framework.to_plain) -> JSON-able; arrays become tagged nested lists."""
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return {"__unsupported__": f"array of dtype {value.dtype}"}
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str, "shape": list(value.shape)}
    if isinstance(value, dict):
        return {"__dict__": {str(k): encode(v) for k, v in value.items()}}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (bool, float, str)):
        return value
    return {"__unsupported__": type(value).__name__}


def encode_outputs(outputs: list) -> list:
    """``framework.collect_outputs`` results -> JSON-able (see :func:`encode`); inverse: ``recheck.decode_outputs``."""
    return [{"error": str(o["error"])} if "error" in o
            else {"output": encode(o["output"]), **({"modified": str(o["modified"])} if "modified" in o else {})}
            for o in outputs]


ACTIVE: set = set()
"""The reference functions forbidden for the exercise whose outputs are being collected right now."""


def _guarded(original, qualname: str):
    """A stand-in for a reference function: refuses to run while an exercise that forbids it is collected.

    Outside that window (e.g. a case's cost function for another exercise calling ``mlp.model_forward``)
    it calls the original, as the notebook would. A refused call is also noted for the framework, so that
    the check names it even when the student's code ran it in a thread and failed otherwise.
    """
    from course_utils.checks.framework import ReferenceCalled, note_reference_call, reference_message

    def guarded(*args, **kwargs):
        if original in ACTIVE:
            note_reference_call(qualname)
            raise ReferenceCalled(reference_message([qualname]))
        return original(*args, **kwargs)
    # the original's names: pickle (multiprocessing) then sends the stand-in, which refuses in a forked worker too
    guarded.__name__, guarded.__qualname__ = original.__name__, original.__qualname__
    guarded.__module__ = original.__module__
    return guarded


def _functions(item) -> list:
    if isinstance(item, types.ModuleType):
        return [v for v in vars(item).values() if inspect.isfunction(v) and v.__module__ == item.__name__]
    return [item]


def disable_reference(exercises: dict) -> tuple[dict, dict]:
    """Replace every forbidden reference function by a guarded stand-in, before any student code runs.

    Returns ``(frozen exercises, {exercise name: set of original functions it forbids})``; the frozen
    exercises have their cases computed now and a guard that watches the original functions.
    """
    forbidden_by_exercise, modules = {}, {}
    for name, exercise in exercises.items():
        originals = set()
        for item in exercise.forbidden:
            originals.update(_functions(item))
            if isinstance(item, types.ModuleType):
                modules[item.__name__] = item
        forbidden_by_exercise[name] = originals
    frozen = {}
    for name, exercise in exercises.items():
        visible, hidden = list(exercise.visible_cases()), list(exercise.hidden_cases())
        frozen[name] = dataclasses.replace(
            exercise, visible_cases=lambda v=visible: v, hidden_cases=lambda h=hidden: h,
            forbidden=tuple(forbidden_by_exercise[name]))
    for module in modules.values():
        for key, value in list(vars(module).items()):
            if inspect.isfunction(value) and value.__module__ == module.__name__:
                setattr(module, key, _guarded(value, f"{module.__name__}.{key}"))
    return frozen, forbidden_by_exercise


def _collect(exercise, student_fn, forbidden):
    ACTIVE.clear()
    ACTIVE.update(forbidden)
    try:
        return collect_outputs(exercise, student_fn, hidden=True)
    finally:
        ACTIVE.clear()


class StepTimeout(BaseException):
    """Raised by SIGALRM when one answer cell or one check call runs longer than its step limit."""


def _alarm(signum, frame):
    raise StepTimeout("step time limit exceeded (infinite loop?)")


def _limited(step_s: float, fn, *args):
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, step_s)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main(spec_path: str, out_path: str) -> None:
    with open(spec_path) as handle:
        spec = json.load(handle)
    captured = _CappedText()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = captured

    import numpy  # noqa: F401

    from course_utils.checks import get_exercise

    exercises, forbidden = disable_reference({name: get_exercise(name) for name in spec["exercises"]})
    write = json.dumps
    step_s = float(spec.get("step_timeout", 10))
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    cell_errors = {}
    for label, code in [("set-up", spec["preamble"])] + [(c["grade_id"], c["code"]) for c in spec["answers"]]:
        try:
            if label == "set-up":  # instructor code: only the overall limit applies
                exec(compile(code, f"<{label}>", "exec"), namespace)  # noqa: S102 - the point of this process
            else:
                _limited(step_s, exec, compile(code, f"<{label}>", "exec"), namespace)
        except BaseException as error:  # noqa: BLE001 - student code may raise anything, even SystemExit
            cell_errors[label] = f"{type(error).__name__}: {error}"[:500]
    results = {}
    for call in spec["calls"]:
        key = call["key"]
        try:
            student_fn = eval(call["fn"], namespace)
            outputs = _limited(step_s, _collect, exercises[call["exercise"]], student_fn, forbidden[call["exercise"]])
            results[key] = {"outputs": encode_outputs(outputs)}
        except BaseException as error:  # noqa: BLE001
            results[key] = {"error": f"{type(error).__name__}: {error}"[:1000]}
    text = write({"results": results, "cell_errors": cell_errors, "stdout": captured.getvalue()})
    with open(out_path, "w") as handle:
        handle.write(text)


def _warm_imports(preamble: str) -> None:
    """Run only the import statements of the instructor's preamble (never student code), so that forked
    children find numpy, matplotlib, course_utils... already imported."""
    import ast

    try:
        tree = ast.parse(preamble)
    except SyntaxError:
        return
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            try:
                exec(compile(ast.Module(body=[node], type_ignores=[]), "<warm-up>", "exec"), {"__name__": "__warm__"})  # noqa: S102
            except Exception:  # noqa: BLE001, S112 - the child will report it
                continue


def _child(request: dict) -> None:
    """In the forked child: own session, no inherited descriptors, limits, then :func:`main`. Never returns."""
    from course_utils.grading.sandbox import isolate

    code = 1
    try:
        os.setsid()
        work = request["work"]
        devnull = os.open(os.devnull, os.O_RDWR)
        err = os.open(os.path.join(work, "stderr.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(err, 2)
        os.closerange(3, 4096)
        os.environ["HOME"] = work
        isolate(work, request["limits"], request.get("network", "try"),
                [work] if request.get("confine") else None, request.get("hide", []))
        main(request["spec"], request["out"])
        code = 0
    except BaseException:  # noqa: BLE001
        import traceback

        try:
            os.write(2, traceback.format_exc()[-2000:].encode())
        except OSError:
            pass
    finally:
        os._exit(code)


def serve() -> None:
    """Fork server (``python -I -m course_utils.grading._recheck_child --serve``), one per grading worker.

    Reads one JSON request per line on stdin (``spec``, ``out``, ``work``, ``preamble``, limits), imports
    what the instructor's preamble imports (once per preamble), forks a child that applies the limits and
    runs :func:`main`, and answers ``{"pid": N}`` then ``{"exit": status}`` on stdout. The server itself
    never runs student code; every re-check gets a fresh child (copy-on-write of this warm process), so
    nothing one submission does reaches another. EOF on stdin ends the server.
    """
    import numpy  # noqa: F401

    from course_utils.checks import all_exercises
    from course_utils.grading import sandbox  # noqa: F401

    all_exercises()  # imports every check module and the reference modules they use
    warmed = set()
    for line in sys.stdin:
        request = json.loads(line)
        preamble = request.get("preamble", "")
        if preamble not in warmed:
            _warm_imports(preamble)
            warmed.add(preamble)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request)
        sys.stdout.write(json.dumps({"pid": pid}) + "\n")
        sys.stdout.flush()
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        main(sys.argv[1], sys.argv[2])
