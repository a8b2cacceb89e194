"""Worker side of the pipeline: execute one student's notebooks with nbgrader in a scratch course, re-check.

A worker never writes the course's gradebook: each notebook is autograded in a throw-away copy of the
course (source + a snapshot of the gradebook), the executed notebook is sent back to the main process,
which records it (see :mod:`course_utils.grading.pipeline`). Student code runs only in nbgrader's kernel
and in the re-check subprocess, both children of the worker.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import traceback
from pathlib import Path


def kill_children(spare: str = "course_utils.grading._recheck_child") -> None:
    """Kill every descendant of this process (the kernels) except the re-check child and the kernel server."""
    import psutil

    from course_utils.grading import kernel_server

    for child in psutil.Process().children(recursive=True):
        try:
            if (spare and spare in " ".join(child.cmdline())) or child.pid == kernel_server.server_pid():
                continue
            child.kill()
        except psutil.Error:
            pass


def _api(course: Path, task: dict):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from course_utils.grading.pipeline import _cache_metadata_schema
    from course_utils.nbgrader_course import course_config, ensure_venv_on_path

    ensure_venv_on_path()
    _cache_metadata_schema()
    config = course_config(course)
    if task.get("cell_timeout"):
        config.Execute.timeout = int(task["cell_timeout"])
    if task.get("sandbox"):
        _use_kernel_server(task)
        config.Execute.kernel_manager_class = "course_utils.grading.kernel.SandboxKernelManager"
    config.Application.log_level = "WARNING"
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def _use_kernel_server(task: dict) -> None:
    """Point :class:`.kernel.SandboxKernelManager` at this worker's warm kernel server (see its docstring)."""
    from course_utils.grading import kernel_server

    path = kernel_server.socket_path()
    if path is None:
        os.environ.pop("COURSE_GRADE_KERNEL_SERVER", None)
        if task.get("confine"):
            raise RuntimeError("the kernel server did not start, and without it the course folder cannot be hidden")
        return
    os.environ["COURSE_GRADE_KERNEL_SERVER"] = path
    os.environ["COURSE_GRADE_CONFINE"] = "1" if task.get("confine") else "0"
    os.environ["COURSE_GRADE_HIDE"] = str(Path(task["root"]).resolve())


def _submission_path(task: dict, notebook: str) -> Path:
    """The submitted notebook, or the pre-check's repaired copy of it (metadata restored, duplicates)."""
    repaired = (task.get("paths") or {}).get(notebook)
    if repaired:
        return Path(repaired)
    return Path(task["root"]) / "submitted" / task["student"] / task["assignment"] / f"{notebook}.ipynb"


def execute_notebook(task: dict, notebook: str) -> dict:
    """nbgrader autograde of one notebook in a scratch course: ``{"ok", "log", "executed", "wall_timeout", "seconds"}``."""
    from course_utils.grading.integrity import read_regular, read_timestamp
    from course_utils.grading.pipeline import MAX_CELL_OUTPUT_CHARS, cap_outputs

    root, assignment, student = Path(task["root"]), task["assignment"], task["student"]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="course-grade-") as scratch:
        course = Path(scratch) / "course"
        shutil.copytree(root / "source" / assignment, course / "source" / assignment)
        shutil.copy(task["snapshot"], course / "gradebook.db")
        target = course / "submitted" / student / assignment
        target.mkdir(parents=True)
        (target / f"{notebook}.ipynb").write_bytes(read_regular(_submission_path(task, notebook)))
        timestamp, _ = read_timestamp(root / "submitted" / student / assignment)
        if timestamp:
            (target / "timestamp.txt").write_text(timestamp)
        api = _api(course, task)
        fired = threading.Event()

        def watchdog():
            fired.set()
            kill_children()

        timer = threading.Timer(float(task["notebook_timeout"]), watchdog)
        timer.daemon = True
        timer.start()
        try:
            result = api.autograde(assignment, student, force=True, create=True)
        finally:
            timer.cancel()
        executed = course / "autograded" / student / assignment / f"{notebook}.ipynb"
        text = executed.read_text() if result["success"] and executed.exists() else None
    notes = []
    if text is not None:
        text, notes = cap_outputs(text, MAX_CELL_OUTPUT_CHARS)
    return {"ok": bool(result["success"]) and text is not None, "log": result.get("log") or "", "notes": notes,
            "error": result.get("error") or "", "executed": text, "wall_timeout": fired.is_set(),
            "seconds": time.perf_counter() - start}


def recheck(task: dict, notebook: str) -> dict:
    import nbformat

    from course_utils.grading.integrity import read_regular
    from course_utils.grading.recheck import recheck_notebook

    root, assignment = Path(task["root"]), task["assignment"]
    source = nbformat.read(root / "source" / assignment / f"{notebook}.ipynb", as_version=4)
    submission = nbformat.reads(read_regular(_submission_path(task, notebook)).decode("utf-8"), as_version=4)
    hide = [str(root.resolve())] if task.get("confine") else None
    return recheck_notebook(source, submission, timeout_s=task["recheck_timeout"], hide=hide)


def grade_student(task: dict) -> dict:
    """Execute and re-check every valid notebook of ``task["student"]``: ``{notebook: result}``.

    The re-check (its own subprocess) runs in a thread while nbgrader executes the notebook, so the two
    use two cores even with one worker.
    """
    results = {}
    for notebook in task["notebooks"]:
        checked = {}

        def run_recheck(notebook=notebook, checked=checked):
            try:
                checked["recheck"] = recheck(task, notebook)
            except Exception:  # noqa: BLE001
                checked["recheck_error"] = traceback.format_exc()[-2000:]

        thread = threading.Thread(target=run_recheck, daemon=True) if task.get("recheck", True) else None
        if thread:
            thread.start()
        try:
            result = execute_notebook(task, notebook)
        except Exception:  # noqa: BLE001 - report, never crash the batch
            result = {"ok": False, "log": "", "error": traceback.format_exc()[-2000:], "executed": None,
                      "wall_timeout": False, "seconds": 0.0}
        if thread:
            thread.join()
            result.update(checked)
        results[notebook] = result
    return results


def warm_up(recheck: bool = True) -> None:
    """Import what grading needs and start this worker's re-check server, before the first task arrives
    (the main process is still pre-checking submissions meanwhile)."""
    import nbformat  # noqa: F401
    from nbgrader.apps import NbGraderAPI  # noqa: F401
    from nbgrader.converters import Autograde  # noqa: F401

    from course_utils.grading import kernel  # noqa: F401
    from course_utils.grading import kernel_server
    from course_utils.grading import recheck as recheck_module

    kernel_server.start()
    if recheck:
        recheck_module.start_server()


def prepare_process(recheck: bool = True) -> None:
    """Make this process a grading worker: the numeric environment, quiet SQLAlchemy, :func:`warm_up`."""
    from course_utils.grading.numeric_env import use_numeric_defaults

    use_numeric_defaults()
    os.environ.setdefault("MPLBACKEND", "Agg")
    from course_utils.grading.pipeline import _cache_metadata_schema, _quiet_sqlalchemy

    _quiet_sqlalchemy()
    try:
        warm_up(recheck)
        _cache_metadata_schema()
    except Exception:  # noqa: BLE001, S110 - only a head start; the task reports real problems
        pass


def worker_main(conn, recheck: bool = True) -> None:
    """Loop of a worker process: receive a task, send back ``grade_student(task)``; ``None`` stops.

    One worker process grades many students: its imports and its re-check server stay warm."""
    prepare_process(recheck)
    while True:
        try:
            task = conn.recv()
        except EOFError:
            break
        if task is None:
            break
        try:
            conn.send({"student": task["student"], "results": grade_student(task)})
        except Exception:  # noqa: BLE001
            conn.send({"student": task["student"], "crash": traceback.format_exc()[-2000:]})
