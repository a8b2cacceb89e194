"""Statuses of a graded notebook, and the status file the pipeline keeps next to the gradebook.

Every submitted notebook gets one *status* (the most serious problem found) and a list of *flags*
(every problem found) with human-readable *reasons*. Only the main process writes the status file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

GRADED = "graded"
NEEDS_MANUAL = "needs manual grading"
CELLS_MISSING = "cells missing/restored"
TAMPERING = "tampering detected"
RECHECK_OVERRIDE = "re-check override"
TIMED_OUT = "timed out"
KERNEL_DIED = "kernel died"
INVALID = "invalid notebook"
NOT_SUBMITTED = "not submitted"
GRADING_ERROR = "grading error"

# Most serious first: the status of a notebook is the first of its flags in this order.
SEVERITY = [
    INVALID, KERNEL_DIED, TIMED_OUT, GRADING_ERROR, NOT_SUBMITTED,
    TAMPERING, RECHECK_OVERRIDE, CELLS_MISSING, NEEDS_MANUAL, GRADED,
]
# Statuses for which nbgrader produced no trustworthy score: the CSV leaves the score empty.
UNSCORED = {INVALID, KERNEL_DIED, GRADING_ERROR, NOT_SUBMITTED}


def primary_status(flags) -> str:
    """The most serious of ``flags`` (``graded`` when there is none)."""
    flags = set(flags) or {GRADED}
    return next(status for status in SEVERITY if status in flags)


def status_path(root: Path, assignment: str) -> Path:
    return Path(root) / "grading" / assignment / "status.json"


def load_statuses(root: Path, assignment: str) -> dict:
    """``{"<student>/<notebook>": record}`` from the last ``autograde`` run (empty when there was none)."""
    path = status_path(root, assignment)
    return json.loads(path.read_text()) if path.exists() else {}


def save_statuses(root: Path, assignment: str, statuses: dict) -> None:
    path = status_path(root, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(statuses, indent=1, sort_keys=True))
    os.replace(tmp, path)


def new_record(student: str, notebook: str) -> dict:
    return {"student": student, "notebook": notebook, "status": GRADED, "flags": [], "reasons": [],
            "recheck": {}, "seconds": 0.0}


def add_flag(record: dict, flag: str, reason: str | None = None) -> None:
    if flag not in record["flags"]:
        record["flags"].append(flag)
    if reason and reason not in record["reasons"]:
        record["reasons"].append(reason)
    record["status"] = primary_status(record["flags"])
