"""Integrity re-check: the test cells' verdicts recomputed outside the notebook.

In the notebook, student code and checks share one interpreter, so an answer cell can monkeypatch
``np.isclose``, the framework or ``assert`` itself. Here the student's answer cells run in a fresh
subprocess under rlimits (:mod:`._recheck_child`) that only *collects* outputs; this process, which never
runs student code, loads them as plain JSON and *judges* them with ``framework.judge_outputs``.
"""

from __future__ import annotations

import ast
import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from course_utils.grading.integrity import nbgrader_meta
from course_utils.grading.numeric_env import numeric_environment
from course_utils.grading.sandbox import launcher_cmd

DEFAULT_TIMEOUT_S = 60
DEFAULT_MEMORY_MB = 2048


def _cell_source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _check_calls(code: str) -> list:
    """``[(exercise, fn_expr, hidden)]`` for every ``check("name", fn[, hidden=...])`` call in ``code``."""
    calls = []
    for node in ast.walk(ast.parse(code)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "check"
                and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            hidden = any(k.arg == "hidden" and isinstance(k.value, ast.Constant) and bool(k.value.value)
                         for k in node.keywords)
            if len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
                hidden = bool(node.args[2].value)
            calls.append((node.args[0].value, ast.unparse(node.args[1]), hidden))
    return calls


def make_plan(source_nb) -> dict:
    """What to re-check, from the instructor's source notebook (never from the submission).

    ``tests``: ``{grade_id: {"points", "calls": [[exercise, fn_expr, hidden]]}}`` for every test cell that
    calls ``check``; ``preamble``: the cell with grade_id ``setup`` (imports, options) whole, and the
    imports, import guards and function/class definitions of the other locked non-test code cells (no
    other statements: experiments and training are not re-run); ``answers``: the answer cells' grade_ids.
    """
    tests, preamble, answers = {}, [], []
    for cell in source_nb.cells:
        meta = nbgrader_meta(cell)
        if cell.get("cell_type") != "code":
            continue
        code = _cell_source(cell)
        if meta.get("solution"):
            answers.append(meta["grade_id"])
        elif meta.get("grade"):
            calls = _check_calls(code)
            if calls:
                tests[meta["grade_id"]] = {"points": float(meta.get("points", 0)), "calls": [list(c) for c in calls]}
        elif meta.get("grade_id") == "setup":  # the course's set-up cell (imports, options) runs whole
            preamble.append(code)
        else:
            definitions = _definitions_only(code)
            if definitions:
                preamble.append(definitions)
    return {"tests": tests, "preamble": "\n".join(preamble), "answers": answers}


def _python_only(code: str) -> str:
    """Answer-cell code with IPython syntax (magics, ``!cmd``) turned into Python or dropped."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        code = TransformerManager().transform_cell(code)
    except Exception:  # noqa: BLE001, S110 - keep the raw code, handled below
        pass
    try:
        ast.parse(code)
        return code
    except SyntaxError:
        return "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))


_DEFINITIONS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _definitions_only(code: str) -> str:
    """The top-level imports, function/class definitions and import guards (``try: import x``) of ``code``."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return ""
    keep = [n for n in tree.body if isinstance(n, _DEFINITIONS)
            or (isinstance(n, ast.Try) and all(isinstance(b, (ast.Import, ast.ImportFrom)) for b in n.body))]
    return ast.unparse(ast.Module(body=keep, type_ignores=[])) if keep else ""


def student_answers(submission_nb, plan) -> list:
    """What the re-check runs of the submission, in its order: the answer cells (by the source's grade_ids),
    plus the imports and function/class definitions of code cells the student added (helpers)."""
    wanted = set(plan["answers"])
    seen, answers = set(), []
    for index, cell in enumerate(submission_nb.cells):
        if cell.get("cell_type") != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id in wanted and grade_id not in seen:
            seen.add(grade_id)
            answers.append({"grade_id": grade_id, "code": _python_only(_cell_source(cell))})
        elif grade_id is None:
            helpers = _definitions_only(_python_only(_cell_source(cell)))
            if helpers:
                answers.append({"grade_id": f"added cell {index}", "code": helpers})
    return answers


def decode(value):
    """Inverse of ``_recheck_child.encode`` (only numeric arrays, lists, dicts, scalars, strings)."""
    import numpy as np

    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "__ndarray__" in value:
            dtype = np.dtype(str(value["dtype"]))
            if dtype.kind not in "biuf":
                raise ValueError(f"refused dtype {dtype}")
            return np.array(value["__ndarray__"], dtype=dtype).reshape([int(n) for n in value["shape"]])
        if "__dict__" in value:
            return {str(k): decode(v) for k, v in value["__dict__"].items()}
        if "__unsupported__" in value:
            return f"<unsupported output: {value['__unsupported__']}>"
        raise ValueError("unexpected object in outputs")
    return value


def decode_outputs(outputs: list) -> list:
    """Inverse of ``_recheck_child.encode_outputs``: the list ``framework.judge_outputs`` takes."""
    return [{"error": str(o["error"])} if "error" in o
            else {"output": decode(o["output"]), **({"modified": str(o["modified"])} if "modified" in o else {})}
            for o in outputs]


def _kill_group(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.communicate()


def _child_env(home: str) -> dict:
    """A short allow-list, plus the numeric environment of this process (the judge's and the kernels')."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "MPLBACKEND": "Agg",
        "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1", **numeric_environment(),
    }


class _ForkServer:
    """A warm ``_recheck_child --serve`` process (see :func:`._recheck_child.serve`): it has imported the
    instructor's imports once and forks a fresh, limited child per re-check, instead of starting (and
    importing numpy/matplotlib/course_utils in) a new interpreter every time."""

    def __init__(self):
        self.home = tempfile.mkdtemp(prefix="course-grade-recheck-server-")
        self.numeric = numeric_environment()  # its numpy loads BLAS once, with these: see usable()
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "course_utils.grading._recheck_child", "--serve"],
            cwd=self.home, env=_child_env(self.home), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )
        self._buffer = b""

    def alive(self) -> bool:
        return self.proc.poll() is None

    def usable(self) -> bool:
        """Alive, and started with this process's numeric environment (else its children would round otherwise)."""
        return self.alive() and self.numeric == numeric_environment()

    def _read(self, deadline):
        """The next JSON line from the server, or ``None`` at ``deadline`` (unbuffered: select-safe)."""
        import select

        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buffer:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise OSError("re-check server ended")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def run(self, request: dict, timeout_s: float):
        """``(exit code or None on timeout)``; raises OSError when the server is unusable."""
        self.proc.stdin.write((json.dumps(request) + "\n").encode())
        self.proc.stdin.flush()
        started = self._read(time.monotonic() + 60)
        if started is None or "pid" not in started:
            raise OSError("re-check server did not start a child")
        pid = started["pid"]
        try:
            finished = self._read(time.monotonic() + timeout_s)
            if finished is None:  # time limit: kill the child's session, then collect its exit
                _killpg(pid)
                finished = self._read(time.monotonic() + 30)
                if finished is None:
                    raise OSError("re-check server did not reap a killed child")
                return None
            return finished["exit"]
        finally:
            _killpg(pid)  # whatever the student's code started is gone too

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        shutil.rmtree(self.home, ignore_errors=True)


_SERVER = None
_SERVER_LOCK = threading.Lock()


def _killpg(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def start_server() -> None:
    """Start this process's re-check server now (it imports numpy and the checks while we do other work)."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None or not _SERVER.usable():
            if _SERVER is not None:
                _SERVER.close()
            try:
                _SERVER = _ForkServer()
                atexit.register(_SERVER.close)
            except OSError:
                _SERVER = None


def _run_forked(request: dict, timeout_s: float):
    """Through this process's fork server (started on first use, restarted if it died); ``"unavailable"``
    when it cannot be used (the caller then starts a fresh interpreter)."""
    global _SERVER
    with _SERVER_LOCK:
        try:
            if _SERVER is None or not _SERVER.usable():
                if _SERVER is not None:
                    _SERVER.close()
                _SERVER = _ForkServer()
                atexit.register(_SERVER.close)
            return _SERVER.run(request, timeout_s)
        except (OSError, ValueError):
            if _SERVER is not None:
                _SERVER.proc.kill()
                _SERVER.close()
                _SERVER = None
            return "unavailable"


def run_student_side(plan, answers, timeout_s=DEFAULT_TIMEOUT_S, memory_mb=DEFAULT_MEMORY_MB, hide=None) -> dict:
    # each answer cell and each check call gets a share of the budget (SIGALRM in the child)
    """Run the child process; ``{"results": ..., "cell_errors": ...}`` or ``{"failure": reason}``.

    The child is forked from a warm re-check server (:class:`_ForkServer`; same limits, applied in the
    child before any student code) or, if that is unavailable, started as a fresh interpreter through
    the sandbox launcher. With ``hide`` (a list of folders), the child is confined as the kernels are
    (:func:`.sandbox.confine`: those folders and the temporary folders hidden, a uid of its own).
    """
    calls, exercises = [], set()
    for test in plan["tests"].values():
        for exercise, fn_expr, _hidden in test["calls"]:
            key = f"{exercise}|{fn_expr}"
            exercises.add(exercise)
            if all(c["key"] != key for c in calls):
                calls.append({"key": key, "exercise": exercise, "fn": fn_expr})
    steps = max(1, len(answers) + len(calls))
    spec = {"exercises": sorted(exercises), "preamble": plan["preamble"], "answers": answers, "calls": calls,
            "step_timeout": max(2.0, 0.7 * timeout_s / steps)}
    with tempfile.TemporaryDirectory(prefix="course-grade-recheck-") as work:
        spec_path, out_path = Path(work) / "spec.json", Path(work) / "out.json"
        spec_path.write_text(json.dumps(spec))
        request = {"spec": str(spec_path), "out": str(out_path), "work": work, "preamble": plan["preamble"],
                   "limits": {"cpu": int(timeout_s), "memory_mb": int(memory_mb), "fsize_mb": 64}, "network": "try",
                   "confine": hide is not None, "hide": list(hide or [])}
        code = _run_forked(request, timeout_s)
        if code is None:
            return {"failure": f"re-check process timed out after {timeout_s} s"}
        if code == "unavailable":
            stderr = None
            proc = subprocess.Popen(
                launcher_cmd(cpu=timeout_s, memory_mb=memory_mb, fsize_mb=64, network="try",
                             confine=None if hide is None else {"writable": [work], "hide": list(hide)})
                + [sys.executable, "-I", "-m", "course_utils.grading._recheck_child", str(spec_path), str(out_path)],
                cwd=work, env=_child_env(work), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE, start_new_session=True,
            )
            try:
                _, stderr = proc.communicate(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                return {"failure": f"re-check process timed out after {timeout_s} s"}
            finally:
                _kill_group(proc)  # whatever the student's code started is gone too
            code = proc.returncode
        else:
            err_path = Path(work) / "stderr.txt"
            stderr = err_path.read_bytes()[-2000:] if err_path.exists() else None
        if not out_path.exists():
            detail = stderr.decode(errors="replace")[-300:] if stderr else ""
            return {"failure": f"re-check process ended with code {code} before writing results {detail}".strip()}
        try:
            return json.loads(out_path.read_text())
        except (ValueError, OSError) as error:
            return {"failure": f"re-check results unreadable: {error}"}


def judge(plan, raw) -> dict:
    """``{grade_id: {"pass": bool, "reason": str}}`` - runs only the reference side of every check."""
    from course_utils.checks import get_exercise
    from course_utils.checks.framework import CheckFailed, judge_outputs

    verdicts = {}
    for grade_id, test in plan["tests"].items():
        verdict = {"pass": True, "reason": ""}
        for exercise_name, fn_expr, hidden in test["calls"]:
            if "failure" in raw:
                verdict = {"pass": False, "reason": raw["failure"]}
                break
            result = raw.get("results", {}).get(f"{exercise_name}|{fn_expr}")
            if result is None or "error" in result:
                reason = result["error"] if result else "no result"
                verdict = {"pass": False, "reason": f"{exercise_name}: {reason}"}
                break
            exercise = get_exercise(exercise_name)
            try:
                outputs = decode_outputs(result["outputs"])
                if not hidden:
                    outputs = outputs[: len(exercise.cases(False))]
                judge_outputs(exercise, outputs, hidden=hidden)
            except CheckFailed as failure:
                verdict = {"pass": False, "reason": str(failure)[:500]}
                break
            except Exception as error:  # noqa: BLE001 - malformed outputs
                verdict = {"pass": False, "reason": f"{exercise_name}: unusable output ({type(error).__name__}: {error})"[:500]}
                break
        verdicts[grade_id] = verdict
    return verdicts


def recheck_notebook(source_nb, submission_nb, timeout_s=DEFAULT_TIMEOUT_S, memory_mb=DEFAULT_MEMORY_MB,
                     hide=None) -> dict:
    """Verdict per test cell for one submitted notebook (see :func:`judge`).

    ``hide``: see :func:`run_student_side`."""
    plan = make_plan(source_nb)
    if not plan["tests"]:
        return {}
    raw = run_student_side(plan, student_answers(submission_nb, plan), timeout_s, memory_mb, hide)
    return judge(plan, raw)
