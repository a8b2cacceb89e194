"""The grading pipeline behind ``course-grade``: import, autograde (statuses, re-check, workers), export.

One process - the main one - writes the gradebook. Expensive work (nbgrader's notebook execution in a
scratch copy of the course, the integrity re-check) happens in worker processes
(:mod:`course_utils.grading.worker`); the main process then *records* each executed notebook with
nbgrader's own autograde converter configured without ``ClearOutput`` and ``Execute`` (so nbgrader's
``SaveAutoGrades`` scores the outputs the worker produced), applies the re-check verdicts and writes the
statuses (:mod:`course_utils.grading.status`).
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import io
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import stat
import time
import warnings
import zipfile
import zlib
from multiprocessing.connection import wait
from pathlib import Path

from course_utils.grading import gradebook
from course_utils.grading import status as st
from course_utils.grading.integrity import (
    Refused,
    bad_name,
    compare_with_release,
    describe_mode,
    folder_problem,
    load_submission,
    read_regular,
    read_timestamp,
    repair,
)
from course_utils.nbgrader_course import (
    COURSE_ROOT,
    course_config,
    ensure_venv_on_path,
    nbgrader_api,
)

EXECUTED_DIR = "executed"
MAX_ZIP_MEMBER_BYTES = 50 * 1024 * 1024
MAX_CELL_OUTPUT_CHARS = 100_000  # per cell, in the executed notebook (see cap_outputs)


@dataclasses.dataclass
class Options:
    workers: int = 1
    cell_timeout: int | None = None  # default: course_config's Execute.timeout
    notebook_timeout: float = 900.0  # wall-clock limit for one notebook's execution
    recheck: bool = True
    recheck_timeout: int = 60
    sandbox: str = "auto"  # "on", "off" or "auto" (on when unshare(CLONE_NEWNET) is permitted here)
    db: str | None = None  # gradebook URL (nbgrader's --db); default sqlite:///<root>/gradebook.db
    scheduler: str | None = None  # a Dask scheduler's address: execute there (cluster.DaskPool)
    resume: bool = False  # skip students whose submissions were already graded, unchanged, by an earlier run


def notebook_names(root: Path, assignment: str) -> list[str]:
    names = sorted(p.stem for p in (Path(root) / "source" / assignment).glob("*.ipynb"))
    if not names:
        raise SystemExit(f"no notebooks in {Path(root) / 'source' / assignment}")
    return names


# ------------------------------------------------------------------------------------------ release


def release(root: Path, assignment: str, db: str | None = None) -> list[Path]:
    from course_utils.nbgrader_course import generate_student_versions

    generate_student_versions(root, [assignment], db)
    return sorted((Path(root) / "release" / assignment).glob("*.ipynb"))


# ------------------------------------------------------------------------------------------- import


_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")


def _match_lms_name(filename: str, notebooks: list[str]):
    """``(student, notebook, resubmission)`` for an LMS file name ``<student>_<anything>_<notebook>[-N].ipynb``."""
    base = Path(filename).name
    if not base.endswith(".ipynb"):
        return None
    stem = base[: -len(".ipynb")]
    for notebook in sorted(notebooks, key=len, reverse=True):
        match = re.fullmatch(rf"(?P<student>[^_]+)_(?:.*_)?{re.escape(notebook)}(?:-(?P<n>\d+))?", stem)
        if match:
            return match["student"], notebook, int(match["n"] or 0)
    return None


def _from_folder(path: Path, assignment: str, notebooks: list[str], refused: list) -> list:
    """``[(student, notebook, bytes)]`` from a folder of ``<student>/[<assignment>/]<notebook>.ipynb``:
    only real folders and regular files with one name; everything else goes to ``refused``."""
    items = []
    for entry in sorted(path.iterdir()):
        if entry.is_symlink() or bad_name(entry.name):
            refused.append(f"{entry.name!r}: {folder_problem(entry, path) or 'a symbolic link'}")
            continue
        if not entry.is_dir():
            continue
        for notebook in notebooks:
            for candidate in (entry / f"{notebook}.ipynb", entry / assignment / f"{notebook}.ipynb"):
                problem = folder_problem(candidate.parent, path)
                if problem is None and not os.path.lexists(candidate):
                    continue
                try:
                    if problem:
                        raise Refused(problem)
                    items.append((entry.name, notebook, read_regular(candidate, MAX_ZIP_MEMBER_BYTES)))
                except (Refused, OSError) as error:
                    refused.append(f"{candidate.relative_to(path)}: {error}")
                break
    return items


def _zip_member_problem(info: zipfile.ZipInfo) -> str | None:
    """Why a member of an LMS zip is not extracted: an absolute path, ``..``, control characters, or not a
    regular file (a symbolic link, device, FIFO... as recorded by a Unix zip)."""
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return "absolute path"
    if ".." in parts:
        return "'..' in the path"
    if any(bad_name(part) for part in parts if part not in ("", ".")):
        return "name with control characters"
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_IFMT(mode) and not stat.S_ISREG(mode):  # no type bits: a file
        return f"{describe_mode(mode)}, not a regular file"
    return None


def _from_zip(path: Path, notebooks: list[str], refused: list, skipped: list) -> list:
    latest = {}  # (student, notebook) -> (resubmission number, member): an LMS appends -1, -2... to resubmissions
    items = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or "__MACOSX" in info.filename:
                continue
            match = _match_lms_name(info.filename, notebooks)
            problem = _zip_member_problem(info)
            if problem:
                refused.append(f"{info.filename!r}: {problem}")
            elif match is None:
                skipped.append(f"{info.filename}: name does not end with _<notebook>.ipynb")
            elif info.file_size > MAX_ZIP_MEMBER_BYTES:
                skipped.append(f"{info.filename}: larger than {MAX_ZIP_MEMBER_BYTES} bytes")
            elif match[2] >= latest.get(match[:2], (-1, None))[0]:
                latest[match[:2]] = (match[2], info)
        for (student, notebook), (_, info) in sorted(latest.items()):
            try:
                items.append((student, notebook, archive.read(info)))
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error) as error:
                refused.append(f"{info.filename!r}: cannot be read from the zip ({error})")
    return items


def _write_new(path: Path, data: bytes) -> None:
    """Write ``path`` through a new file renamed into place: a link already there is replaced, never followed."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def import_submissions(root: Path, assignment: str, path: Path, replace: bool = False, log=print) -> dict:
    """Copy submissions into ``submitted/<student>/<assignment>/``; the originals are only read.

    ``path`` is a folder of ``<student>/<notebook>.ipynb`` or an LMS zip of ``<student>_..._<notebook>.ipynb``.
    Every path in it is hostile: only regular files are copied, never a symbolic link, hard link, device,
    FIFO, a zip member with an absolute path, ``..`` or control characters (listed as ``refused``); nothing
    is written through a link in ``submitted/``. An existing submitted file with different content is kept
    (and reported) unless ``replace``, in which case it is first saved as ``<notebook>.ipynb.replaced-<time>``.
    """
    root, path = Path(root), Path(path)
    notebooks = notebook_names(root, assignment)
    skipped, refused = [], []
    if path.is_dir():
        items = _from_folder(path, assignment, notebooks, refused)
    elif zipfile.is_zipfile(path):
        items = _from_zip(path, notebooks, refused, skipped)
    else:
        raise SystemExit(f"{path} is neither a folder nor a zip file")
    imported, kept = [], []
    for student, notebook, data in items:
        if not _SAFE_ID.match(student):
            skipped.append(f"{student!r}/{notebook}: unusable student id")
            continue
        target_dir = root / "submitted" / student / assignment
        target = target_dir / f"{notebook}.ipynb"
        try:
            problem = folder_problem(target_dir, root / "submitted")
            if problem:
                raise Refused(f"in the course: submitted/{problem}")
            existing = read_regular(target, MAX_ZIP_MEMBER_BYTES) if os.path.lexists(target) else None
        except Refused as error:
            refused.append(f"{student}/{notebook}: {error}; not written")
            continue
        if existing is not None:
            if existing == data:
                continue
            if not replace:
                kept.append(f"{student}/{notebook}")
                continue
            target.rename(target.with_name(f"{target.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}"))
        target_dir.mkdir(parents=True, exist_ok=True)
        _write_new(target, data)
        if not os.path.lexists(target_dir / "timestamp.txt"):
            _write_new(target_dir / "timestamp.txt", time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()).encode())
        imported.append(f"{student}/{notebook}")
    for line in skipped:
        log(f"skipped {line}")
    for line in refused:
        log(f"refused {line}")
    for line in kept:
        log(f"kept the existing different submission {line} (use --replace to replace it)")
    log(f"imported {len(imported)} notebook(s) into {root / 'submitted'}")
    return {"imported": imported, "kept": kept, "skipped": skipped, "refused": refused}


# ---------------------------------------------------------------------------------------- autograde


def _gradebook(root: Path, db: str | None = None):
    return gradebook.open_gradebook(root, db)


def _ensure_assignment(root: Path, assignment: str, log, db: str | None = None) -> None:
    from nbgrader.api import MissingEntry

    release_dir = root / "release" / assignment
    needs = not all((release_dir / f"{n}.ipynb").exists() for n in notebook_names(root, assignment))
    if not needs:
        if db is None and not (root / "gradebook.db").exists():
            needs = True
        else:
            with _gradebook(root, db) as gb:
                try:
                    known = {nb.name for nb in gb.find_assignment(assignment).notebooks}
                    needs = known != set(notebook_names(root, assignment))
                except MissingEntry:
                    needs = True
    if needs:
        log(f"generating the student version of {assignment} (puts it in the gradebook)")
        release(root, assignment, db)


class _SchemaCache:
    """Stands in for the ``jsonschema`` module inside ``nbgrader.nbgraderformat.common`` (main process only).

    nbgrader's ``CheckCellMetadata`` calls ``jsonschema.validate(cell_metadata, schema)`` for every cell,
    which re-validates the (constant) schema itself each time - most of the cost of recording a notebook.
    This does the same validation (same validator class, same ``best_match`` error) with the schema
    checked once.
    """

    def __init__(self, module):
        self._module = module
        self._validators = {}

    def validate(self, instance, schema, cls=None, *args, **kwargs):
        if args or kwargs:
            return self._module.validate(instance, schema, cls, *args, **kwargs)
        key = (json.dumps(schema, sort_keys=True), cls)
        validator = self._validators.get(key)
        if validator is None:
            kind = cls or self._module.validators.validator_for(schema)
            kind.check_schema(schema)
            validator = self._validators[key] = kind(schema)
        error = self._module.exceptions.best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name):
        return getattr(self._module, name)


def _cache_metadata_schema() -> None:
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _SchemaCache):
        common.jsonschema = _SchemaCache(common.jsonschema)


def _record_api(root: Path, db: str | None = None):
    """nbgrader's autograde that scores already-executed notebooks from ``executed/`` (no ClearOutput/Execute)."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        DeduplicateIds,
        IgnorePattern,
        LimitOutput,
        OverwriteCells,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    ensure_venv_on_path()
    _cache_metadata_schema()
    config = course_config(root, db)
    config.CourseDirectory.submitted_directory = EXECUTED_DIR
    config.Autograde.sanitize_preprocessors = [DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
    config.Autograde.autograde_preprocessors = [IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                                SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    config.Application.log_level = "WARNING"
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def _precheck(root: Path, assignment: str, student: str, notebooks: list[str]) -> dict:
    """Status records before grading: not submitted / invalid / cells missing / tampering.

    Nothing in ``submitted/`` is followed or read unless it is a real folder or a regular file with one
    name (:func:`.integrity.read_regular`): a submission never reads or changes a file of the course."""
    import nbformat

    records = {}
    folder = root / "submitted" / student / assignment
    refused = folder_problem(folder, root / "submitted")
    _, stamp_problem = (None, None) if refused else read_timestamp(folder)
    for notebook in notebooks:
        record = st.new_record(student, notebook)
        path = folder / f"{notebook}.ipynb"
        if refused:
            st.add_flag(record, st.INVALID, refused)
        elif not os.path.lexists(path):
            st.add_flag(record, st.NOT_SUBMITTED, f"no {notebook}.ipynb in the submission")
        else:
            nb, problem = load_submission(path)
            if nb is None:
                st.add_flag(record, st.INVALID, problem)
            else:
                if stamp_problem:
                    st.add_flag(record, st.TAMPERING, stamp_problem)
                released = nbformat.read(root / "release" / assignment / f"{notebook}.ipynb", as_version=4)
                repaired_path = root / "grading" / assignment / "repaired" / student / f"{notebook}.ipynb"
                repaired_path.unlink(missing_ok=True)
                nb, repairs = repair(nb, released)
                if repairs:  # graded from a repaired copy; the submitted file stays as it was
                    repaired_path.parent.mkdir(parents=True, exist_ok=True)
                    nbformat.write(nb, repaired_path)
                    record["path"] = str(repaired_path)
                for reason in repairs:
                    st.add_flag(record, st.TAMPERING, reason)
                found = compare_with_release(nb, released)
                if found["missing"]:
                    st.add_flag(record, st.CELLS_MISSING,
                                f"cells deleted (restored by nbgrader): {', '.join(found['missing'])}")
                for grade_id, what in found["tampered"]:
                    st.add_flag(record, st.TAMPERING, f"{grade_id}: {what} (nbgrader restored the original)")
        record["valid"] = record["status"] not in (st.NOT_SUBMITTED, st.INVALID)
        records[notebook] = record
    return records


def _timed_out_cells(notebook_text: str) -> list[int]:
    nb = json.loads(notebook_text)
    hits = []
    for index, cell in enumerate(nb.get("cells", [])):
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") == "error" and output.get("ename") == "KeyboardInterrupt":
                hits.append(index)
    return hits


_NOTED_ERRORS = {
    "MemoryError": "hit the memory limit (MemoryError)",
    "SystemExit": "called sys.exit() (IPython turned it into an error; the rest of the notebook ran)",
    "StdinNotImplementedError": "asked for input() (there is no stdin when grading; the cell failed)",
}


def _error_notes(notebook_text: str) -> list[str]:
    """Reasons for the reader about errors worth knowing (memory limit, sys.exit, input()); no status change."""
    notes = []
    for index, cell in enumerate(json.loads(notebook_text).get("cells", [])):
        for output in cell.get("outputs", []) or []:
            what = _NOTED_ERRORS.get(output.get("ename")) if output.get("output_type") == "error" else None
            if what:
                notes.append(f"cell {index} {what}")
    return notes


def cap_outputs(notebook_text: str, limit: int) -> tuple[str, list[str]]:
    """Cap every code cell's outputs at about ``limit`` characters: ``(notebook text, [reason...])``.

    nbgrader's ``LimitOutput`` only limits the number of *lines* (1000), so one line of 50 MB stays, and
    nbclient keeps everything; this runs in the worker on the executed notebook, before it is sent back
    and recorded. Streams and tracebacks are truncated with a marker; larger rich outputs are replaced
    by a one-line note."""
    nb = json.loads(notebook_text)
    notes = []
    for index, cell in enumerate(nb.get("cells", [])):
        outputs = cell.get("outputs") or []
        size = sum(len(json.dumps(o)) for o in outputs)
        if size <= limit:
            continue
        budget = limit
        for output in outputs:
            kind = output.get("output_type")
            if kind == "stream":
                text = "".join(output.get("text", []))
                if len(text) > budget:
                    text = text[:budget] + "\n... output truncated by course-grade ...\n"
                output["text"] = text
                budget = max(0, budget - len(text))
            elif kind == "error":
                lines = [line[:2000] for line in output.get("traceback", [])][:100]
                output["traceback"] = lines
                budget = max(0, budget - sum(map(len, lines)))
            else:
                data = output.get("data", {})
                length = len(json.dumps(data))
                if length > budget:
                    output["data"] = {"text/plain": f"... output of {length} bytes removed by course-grade ..."}
                    output.get("metadata", {}).clear()
                else:
                    budget -= length
        notes.append(f"cell {index} produced {size / 1e6:.1f} MB of output; kept about {limit // 1000} kB")
    return (json.dumps(nb, indent=1) if notes else notebook_text), notes


def _failure_flag(result: dict, options: Options):
    text = f"{result.get('log', '')}\n{result.get('error', '')}"
    if result.get("wall_timeout"):
        return st.TIMED_OUT, f"notebook exceeded the wall-clock limit of {options.notebook_timeout:g} s; not graded"
    if re.search(r"DeadKernel|[Kk]ernel died|kernel.*(dead|restarted)", text):
        return st.KERNEL_DIED, "the kernel died during execution (os._exit, crash, memory limit?); not graded"
    if "Timeout" in text or "timed out" in text:
        return st.TIMED_OUT, "a cell did not stop at the per-cell limit; not graded"
    last = [line for line in text.strip().splitlines() if line.strip()][-3:]
    return st.GRADING_ERROR, "nbgrader could not grade it: " + " | ".join(last)[:400]


def _suspicious_hint(root, assignment, student, notebook) -> str:
    """A static hint for the reason text: answer cells that assign attributes of imported modules."""
    import ast

    import nbformat

    try:
        nb = nbformat.reads(read_regular(root / "submitted" / student / assignment / f"{notebook}.ipynb").decode(),
                            as_version=4)
    except Exception:  # noqa: BLE001
        return ""
    found = []
    for cell in nb.cells:
        if not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
            for target in targets:
                if isinstance(target, ast.Attribute) and not (
                        isinstance(target.value, ast.Name) and target.value.id in ("self", "cls")):
                    found.append(ast.unparse(target))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr":
                found.append("setattr(...)")
    return f"{', '.join(sorted(set(found)))} monkeypatched" if found else ""


def _record_student(root, assignment, student, records, results, options, log, api=None) -> None:
    """Main process only: put the executed notebooks through nbgrader's scoring, apply verdicts, flag."""
    executed_dir = root / EXECUTED_DIR / student / assignment
    if executed_dir.exists():
        shutil.rmtree(executed_dir)
    executed_dir.mkdir(parents=True)
    folder = root / "submitted" / student / assignment
    timestamp = None if folder_problem(folder, root / "submitted") else read_timestamp(folder)[0]
    if timestamp:
        (executed_dir / "timestamp.txt").write_text(timestamp)
    any_executed = False
    for notebook, result in results.items():
        record = records[notebook]
        record["seconds"] = round(result.get("seconds", 0.0), 2)
        if result.get("ok"):
            (executed_dir / f"{notebook}.ipynb").write_text(result["executed"])
            any_executed = True
            record["graded"] = True
            for note in result.get("notes", []) + _error_notes(result["executed"]):
                if note not in record["reasons"]:
                    record["reasons"].append(note)  # for the reader; the status does not change
            cells = _timed_out_cells(result["executed"])
            if cells:
                limit = options.cell_timeout or course_config(root).Execute.timeout
                st.add_flag(record, st.TIMED_OUT,
                            f"cell(s) {', '.join(map(str, cells))} interrupted at the per-cell limit of {limit} s; "
                            "graded with the cells that ran")
        else:
            st.add_flag(record, *_failure_flag(result, options))
    api = api or _record_api(root, options.db)
    if any_executed:
        outcome = api.autograde(assignment, student, force=True, create=True)
        if not outcome["success"]:
            for record in records.values():
                if record.get("graded"):
                    record["graded"] = False
                    st.add_flag(record, st.GRADING_ERROR, "nbgrader could not record the executed notebook: "
                                + (outcome.get("error") or outcome.get("log") or "")[-300:])
    with _gradebook(root, options.db) as gb:
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(assignment, student)
        for submitted_nb in submission.notebooks:
            record = records.get(submitted_nb.name)
            if record is None:
                continue
            if not record.get("graded"):
                for grade in submitted_nb.grades:
                    grade.auto_score = None if record["status"] != st.NOT_SUBMITTED else 0.0
                    grade.needs_manual_grade = record["status"] != st.NOT_SUBMITTED
                submitted_nb.flagged = record["status"] != st.NOT_SUBMITTED
                continue
            verdicts = results.get(submitted_nb.name, {}).get("recheck") or {}
            if "recheck_error" in results.get(submitted_nb.name, {}):
                st.add_flag(record, st.GRADING_ERROR, "re-check crashed: "
                            + results[submitted_nb.name]["recheck_error"].strip().splitlines()[-1])
            record["recheck"] = verdicts
            hint = None
            for grade in submitted_nb.grades:
                verdict = verdicts.get(grade.name)
                if verdict is None:
                    continue
                points = float(grade.max_score)
                in_notebook = (grade.auto_score or 0.0) >= points > 0
                if verdict["pass"] != in_notebook:
                    grade.auto_score = points if verdict["pass"] else 0.0
                    submitted_nb.flagged = True
                    if hint is None:
                        hint = _suspicious_hint(root, assignment, student, submitted_nb.name)
                    why = f": {verdict['reason']}" if verdict["reason"] else ""
                    st.add_flag(record, st.RECHECK_OVERRIDE,
                                f"{grade.name}: {hint + ': ' if hint else ''}in-notebook "
                                f"{'pass' if in_notebook else 'fail'}, re-check {'pass' if verdict['pass'] else 'fail'}"
                                f"{why}"[:600])
            if st.TAMPERING in record["flags"]:
                submitted_nb.flagged = True
        gb.db.commit()
        for submitted_nb in submission.notebooks:
            record = records.get(submitted_nb.name)
            if record is not None and record.get("graded"):
                if submitted_nb.needs_manual_grade:
                    st.add_flag(record, st.NEEDS_MANUAL, "some cells need manual grading")
                record["score"] = float(submitted_nb.score)
                record["max_score"] = float(submitted_nb.max_score)
            elif record is not None:
                record["score"] = None
                record["max_score"] = float(submitted_nb.max_score)


class WorkerPool:
    """``n`` spawned worker processes fed students; a hung worker is killed and replaced.

    Each worker holds up to ``depth`` students (one executing, the others queued in its pipe), so it
    starts the next student as soon as it sends a result, while the main process is still recording
    the previous one. Workers live for the whole batch (their imports stay warm).
    """

    def __init__(self, n: int, depth: int = 2, recheck: bool = True):
        from course_utils.grading.worker import worker_main

        self._ctx = multiprocessing.get_context("spawn")
        self._target = worker_main
        self._recheck = recheck
        self.depth = max(1, depth)
        self.slots = [self._spawn() for _ in range(max(1, n))]

    def _spawn(self):
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=self._target, args=(child, self._recheck), daemon=True)
        process.start()
        child.close()
        return {"process": process, "conn": parent, "tasks": [], "deadline": None}

    def _kill(self, slot) -> None:
        import psutil

        try:
            proc = psutil.Process(slot["process"].pid)
            for child in proc.children(recursive=True):
                child.kill()
            proc.kill()
        except psutil.Error:
            pass
        slot["process"].join(5)

    def run(self, tasks, hard_limit_s):
        """Yield ``(task, reply)`` as workers finish; ``reply`` has ``results`` or ``crash``."""
        pending = list(tasks)

        def feed(slot):
            while pending and len(slot["tasks"]) < self.depth:
                task = pending.pop(0)
                if not slot["tasks"]:
                    slot["deadline"] = time.monotonic() + hard_limit_s(task)
                slot["tasks"].append(task)
                slot["conn"].send(task)

        while pending or any(s["tasks"] for s in self.slots):
            for slot in self.slots:
                feed(slot)
            busy = [s for s in self.slots if s["tasks"]]
            ready = wait([s["conn"] for s in busy], timeout=1.0)
            done = []
            for index, slot in enumerate(self.slots):
                if not slot["tasks"]:
                    continue
                reply = None
                if slot["conn"] in ready:
                    try:
                        reply = slot["conn"].recv()
                    except (EOFError, OSError):
                        reply = {"crash": "worker process died"}
                elif time.monotonic() > slot["deadline"]:
                    reply = {"crash": "worker exceeded its hard time limit and was killed", "hard_timeout": True}
                if reply is None:
                    continue
                task = slot["tasks"].pop(0)
                if "crash" in reply:
                    self._kill(slot)
                    queued = slot["tasks"]
                    slot = self.slots[index] = self._spawn()
                    pending[:0] = queued  # the queued students go to the new process
                if slot["tasks"]:
                    slot["deadline"] = time.monotonic() + hard_limit_s(slot["tasks"][0])
                feed(slot)  # keep the worker busy while the main process records this result
                done.append((task, reply))
            yield from done

    def close(self) -> None:
        for slot in self.slots:
            try:
                slot["conn"].send(None)
            except (OSError, BrokenPipeError):
                pass
        for slot in self.slots:
            slot["process"].join(10)
            if slot["process"].is_alive():
                self._kill(slot)


def _snapshot(root: Path, assignment: str, db: str | None = None) -> Path:
    target = root / "grading" / assignment / "gradebook-snapshot.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        target.unlink()
    if db is not None:
        return gradebook.copy_definitions(db, target)
    with sqlite3.connect(root / "gradebook.db") as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def _quiet_sqlalchemy() -> None:
    """nbgrader's gradebook code triggers harmless SAWarnings on every submission."""
    try:
        from sqlalchemy.exc import SAWarning

        warnings.filterwarnings("ignore", category=SAWarning)
    except ImportError:
        pass


def _resolve_sandbox(mode, log, support=None) -> tuple[bool, bool]:
    """``(sandbox, confine)``: kernels isolated (rlimits, no network), and the course hidden from them.

    ``support``: ``(available, can_confine)`` where the kernels run (default: this machine)."""
    from course_utils.grading import sandbox

    mode = {True: "on", False: "off"}.get(mode, mode)
    if mode == "off":
        return False, False
    ok, can_confine = support or (sandbox.available(), None)
    if mode == "on" and not ok:
        raise SystemExit("course-grade: --sandbox on, but unshare(CLONE_NEWNET) is not permitted here "
                         "(run as root or enable unprivileged user namespaces), or use --sandbox off")
    if not ok:
        log("note: kernels run without the sandbox (unshare(CLONE_NEWNET) not permitted here)")
        return False, False
    confine = sandbox.can_confine() if can_confine is None else can_confine
    if not confine:
        log("note: student code runs as the grading user and can read what it can (the course folder is "
            "hidden only when grading runs as root)")
    return True, confine


@contextlib.contextmanager
def course_lock(root: Path):
    """One ``course-grade autograde`` per course at a time: the gradebook has exactly one writer."""
    import fcntl

    path = Path(root) / "grading" / ".lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"course-grade: another autograde is running on {root} (lock {path})") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def autograde(root: Path, assignment: str, options: Options | None = None, students=None, log=print) -> dict:
    """Grade every submission of ``assignment`` (or ``students``); return and save the status records."""
    with course_lock(root):
        return _autograde(Path(root).resolve(), assignment, options or Options(), students, log)


def _digests(root: Path, assignment: str, student: str, notebooks: list[str]) -> dict:
    """``{notebook: sha256 of the submitted file, or None}``: what ``--resume`` compares with the last run."""
    folder = root / "submitted" / student / assignment

    def digest(path: Path) -> str | None:
        try:
            return hashlib.sha256(read_regular(path)).hexdigest()
        except (OSError, Refused):  # absent or not a regular file: the pre-check says why
            return None

    return {nb: digest(folder / f"{nb}.ipynb") for nb in notebooks}


def _pool(options: Options, students: int):
    """The executors: local worker processes, or the Dask cluster at ``options.scheduler``."""
    if not students:
        return None
    if options.scheduler:
        from course_utils.grading.cluster import DaskPool

        return DaskPool(options.scheduler, recheck=options.recheck)
    return WorkerPool(min(options.workers, students), recheck=options.recheck)


def _autograde(root: Path, assignment: str, options: Options, students, log) -> dict:
    _quiet_sqlalchemy()
    ensure_venv_on_path()
    _ensure_assignment(root, assignment, log, options.db)
    notebooks = notebook_names(root, assignment)
    submitted = root / "submitted"
    # whatever is named <student>/<assignment> is listed, links included (the pre-check refuses what is not a
    # real folder): no submission vanishes
    all_students = sorted(p.name for p in submitted.iterdir()
                          if os.path.lexists(p / assignment)) if submitted.exists() else []
    students = sorted(set(students)) if students else all_students
    statuses = st.load_statuses(root, assignment)
    digests = {student: _digests(root, assignment, student, notebooks) for student in students}
    if options.resume:
        done = [s for s in students if all(statuses.get(f"{s}/{nb}", {}).get("sha256", "") == digest
                                           for nb, digest in digests[s].items())]
        students = [s for s in students if s not in done]
        log(f"--resume: {len(done)} submission(s) already graded and unchanged, {len(students)} to grade")
    start = time.perf_counter()
    # the workers start now and import nbgrader (and their re-check servers) while this process pre-checks
    pool = _pool(options, len(students))
    try:
        sandbox, confine = _resolve_sandbox(options.sandbox, log, pool.sandbox_support() if options.scheduler and pool
                                            else None)
        records = {student: _precheck(root, assignment, student, notebooks) for student in students}
        for student in students:
            for notebook, record in records[student].items():
                record["sha256"] = digests[student][notebook]
        with _gradebook(root, options.db) as gb:
            for student in students:
                gb.update_or_create_student(student)
        # workers on a cluster get only the assignments' definitions (see gradebook.copy_definitions)
        snapshot = _snapshot(root, assignment, options.db or (gradebook.url(root) if options.scheduler else None))
        tasks = []
        for student in students:
            valid = [nb for nb, record in records[student].items() if record["valid"]]
            paths = {nb: records[student][nb].pop("path") for nb in valid if "path" in records[student][nb]}
            tasks.append({"paths": paths,
                "root": str(root), "assignment": assignment, "student": student, "notebooks": valid,
                "snapshot": str(snapshot), "cell_timeout": options.cell_timeout, "notebook_timeout": options.notebook_timeout,
                "recheck": options.recheck, "recheck_timeout": options.recheck_timeout, "sandbox": sandbox,
                "confine": confine,
            })
        record_api = _record_api(root, options.db)  # one for the batch

        def finish(task, reply):
            student = task["student"]
            if "crash" in reply:
                results = {nb: {"ok": False, "error": reply["crash"], "wall_timeout": bool(reply.get("hard_timeout"))}
                           for nb in task["notebooks"]}
            else:
                results = reply["results"]
            _record_student(root, assignment, student, records[student], results, options, log, record_api)
            for notebook, record in records[student].items():
                if reply.get("retried"):  # a note for the reader: the status and score do not change
                    record["reasons"].append(f"graded again after its Dask worker died ({reply['retried']} time(s))")
                record.pop("valid", None)
                statuses[f"{student}/{notebook}"] = record
                score = "" if record.get("score") is None else f" {record['score']:g}/{record['max_score']:g}"
                log(f"{student}/{notebook}: {record['status']}{score}")
            st.save_statuses(root, assignment, statuses)

        to_run = [t for t in tasks if t["notebooks"]]
        for task in tasks:
            if not task["notebooks"]:
                finish(task, {"results": {}})
        if to_run:
            limit = lambda task: len(task["notebooks"]) * (options.notebook_timeout + options.recheck_timeout + 120)
            for task, reply in pool.run(to_run, limit):
                finish(task, reply)
    except KeyboardInterrupt:
        log(f"interrupted: what was graded is recorded; `course-grade autograde {assignment} --resume` grades the rest")
        raise
    finally:
        if pool is not None:
            pool.close()
    snapshot.unlink(missing_ok=True)
    engine = f"on the Dask cluster at {options.scheduler}" if options.scheduler else f"with {options.workers} worker(s)"
    log(f"graded {len(students)} submission(s) of {assignment} in {time.perf_counter() - start:.1f} s "
        f"{engine}, sandbox {'on' if sandbox else 'off'}"
        f"{', course hidden from student code' if confine else ''}")
    return statuses


# ------------------------------------------------------------------------------ feedback / export


def feedback(root: Path, assignment: str, students=None, log=print, db: str | None = None) -> list[Path]:
    """nbgrader's feedback HTML for every autograded student (hidden tests cleared by the course config)."""
    root = Path(root).resolve()
    _quiet_sqlalchemy()
    api = nbgrader_api(root, db)
    students = students or (sorted(p.name for p in (root / "autograded").iterdir() if (p / assignment).is_dir())
        if (root / "autograded").exists() else [])
    made = []
    for student in students:
        result = api.generate_feedback(assignment, student, force=True)
        if not result["success"]:
            log(f"{student}: feedback failed: {(result.get('error') or '')[-300:]}")
            continue
        made.extend(sorted((root / "feedback" / student / assignment).glob("*.html")))
    log(f"wrote {len(made)} feedback file(s) under {root / 'feedback'}")
    return made


COLUMNS = ["assignment", "student", "notebook", "status", "score", "max_score", "flags", "reasons"]


def rows(root: Path, assignment: str) -> list[dict]:
    """One row per (student, notebook) with its status; score empty when the notebook was not graded."""
    root = Path(root).resolve()
    statuses = st.load_statuses(root, assignment)
    out = []
    for key in sorted(statuses):
        record = statuses[key]
        score = record.get("score")
        out.append({
            "assignment": assignment, "student": record["student"], "notebook": record["notebook"],
            "status": record["status"], "score": "" if score is None else f"{score:g}",
            "max_score": f"{record.get('max_score', 0):g}", "flags": "; ".join(record["flags"]),
            "reasons": " | ".join(record["reasons"]),
        })
    return out


def export(root: Path, assignment: str, out: Path) -> int:
    table = rows(root, assignment)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(table)
    Path(out).write_text(buffer.getvalue())
    return len(table)


def summary(root: Path, assignment: str) -> str:
    table = rows(root, assignment)
    if not table:
        return f"{assignment}: nothing graded yet (run: course-grade autograde {assignment})"
    counts = {}
    for row in table:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    scored = [float(r["score"]) for r in table if r["score"] != ""]
    lines = [f"{assignment}: {len(table)} notebook(s)"]
    lines += [f"  {status:<24}{counts[status]}" for status in st.SEVERITY if status in counts]
    if scored:
        lines.append(f"  mean score of graded notebooks: {sum(scored) / len(scored):.2f} / {table[0]['max_score']}")
    problems = [r for r in table if r["status"] != st.GRADED]
    if problems:
        lines.append("needs a look:")
        for r in problems:
            score = r["score"] if r["score"] != "" else "-"
            lines.append(f"  {r['student']}/{r['notebook']}: {r['status']} (score {score}) {r['reasons']}"[:400])
    return "\n".join(lines)


def default_root() -> Path:
    return COURSE_ROOT
