"""Checks on a submitted notebook before nbgrader touches it (no student code runs here).

* :func:`load_submission` - is it JSON, and a valid nbformat 4 notebook?
* :func:`compare_with_release` - which cells the student deleted (nbgrader re-adds them with
  ``add_missing_cells``) and which locked cells were edited (nbgrader silently restores them from the
  gradebook, so this is the only place the edit is seen).
"""

from __future__ import annotations

import json
from pathlib import Path

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    value = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return value if isinstance(value, dict) else {}


def load_submission(path: Path):
    """``(notebook, None)`` for a valid notebook, ``(None, reason)`` otherwise; never raises."""
    import nbformat

    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_NOTEBOOK_BYTES:
            return None, f"file is {size / 1e6:.1f} MB, more than the {MAX_NOTEBOOK_BYTES / 1e6:.0f} MB limit"
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 text: {error}"
    except json.JSONDecodeError as error:
        return None, f"not valid JSON: {error}"
    except OSError as error:
        return None, f"cannot read: {error}"
    if not isinstance(data, dict) or "cells" not in data:
        return None, "JSON but not a notebook (no 'cells')"
    try:
        notebook = nbformat.reads(json.dumps(data), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # noqa: BLE001 - nbformat raises several kinds
        return None, f"nbformat validation failed: {str(error).splitlines()[0][:300]}"
    return notebook, None


def _norm(source) -> str:
    if isinstance(source, list):
        source = "".join(source)
    return "\n".join(line.rstrip() for line in str(source).strip().splitlines())


def compare_with_release(submission, release) -> dict:
    """Compare the submission with the student version it started from.

    Returns ``{"missing": [grade_id...], "tampered": [(grade_id, what)...]}``: cells of the release that
    carry a ``grade_id`` but are absent from the submission, and locked cells (read-only text, set-up
    and test cells) whose source or nbgrader role differs.
    """
    submitted = {}
    for cell in submission.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id is not None:
            submitted.setdefault(grade_id, cell)
    missing, tampered = [], []
    for cell in release.cells:
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if grade_id is None:
            continue
        theirs = submitted.get(grade_id)
        if theirs is None:
            missing.append(grade_id)
            continue
        their_meta = nbgrader_meta(theirs)
        changed = [key for key in ("grade", "solution", "locked", "points") if their_meta.get(key) != meta.get(key)]
        if changed:
            tampered.append((grade_id, f"nbgrader metadata changed ({', '.join(changed)})"))
        elif meta.get("locked") and not meta.get("solution"):
            if theirs.cell_type != cell.cell_type:
                tampered.append((grade_id, "locked cell type changed"))
            elif _norm(theirs.source) != _norm(cell.source):
                tampered.append((grade_id, "locked cell edited"))
    return {"missing": missing, "tampered": tampered}


def repair(submission, release):
    """Undo two edits nbgrader cannot grade through: ``(notebook, [reason...])``, the notebook a copy.

    * nbgrader metadata removed from cells (nbgrader then fails to place the cells it re-adds): when the
      submission still has the release's cells in the release's order (same count and cell types), the
      missing metadata is copied back from the release by position.
    * a cell duplicated (same ``grade_id`` twice; nbgrader's ``DeduplicateIds`` keeps the *last* copy and
      its autograde then fails): extra copies of a locked cell (test, set-up, text) are removed, so no
      test runs or counts twice; of an answer cell, every copy but the last loses its nbgrader metadata
      and stays an ordinary code cell (the kernel runs all copies in order, as it would in the notebook).
    """
    import copy

    nb = copy.deepcopy(submission)
    reasons = []
    cells, ref = nb.cells, release.cells
    stripped = [i for i, c in enumerate(cells) if not nbgrader_meta(c).get("grade_id")]
    if stripped and len(cells) == len(ref) and all(
            a.cell_type == b.cell_type and nbgrader_meta(a).get("grade_id") in (None, nbgrader_meta(b).get("grade_id"))
            for a, b in zip(cells, ref)):
        restored = [i for i in stripped if nbgrader_meta(ref[i]).get("grade_id")]
        for i in restored:
            cells[i].setdefault("metadata", {})["nbgrader"] = copy.deepcopy(dict(ref[i].metadata["nbgrader"]))
        if restored:
            reasons.append(f"nbgrader metadata removed from {len(restored)} cell(s); restored from the release "
                           "by position, graded against the source")
    roles = {nbgrader_meta(c).get("grade_id"): nbgrader_meta(c) for c in ref if nbgrader_meta(c).get("grade_id")}
    copies = {}
    for index, cell in enumerate(cells):
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id is not None:
            copies.setdefault(grade_id, []).append(index)
    drop = set()
    for grade_id, where in copies.items():
        if len(where) < 2:
            continue
        role = roles.get(grade_id, nbgrader_meta(cells[where[0]]))
        if role.get("solution"):
            for index in where[:-1]:
                cells[index].metadata.pop("nbgrader", None)
            reasons.append(f"{grade_id}: answer cell duplicated ({len(where)} copies); all run, the last one is graded")
        else:
            drop.update(where[1:])
            reasons.append(f"{grade_id}: locked cell duplicated ({len(where)} copies); extra copies removed, "
                           "its points count once")
    if drop:
        nb.cells = [c for i, c in enumerate(cells) if i not in drop]
    return nb, reasons
