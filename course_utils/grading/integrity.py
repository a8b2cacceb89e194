"""Checks on a submitted notebook before nbgrader touches it (no student code runs here).

* :func:`folder_problem`, :func:`read_regular` - every path in a submission is hostile: only real
  folders and regular files with a single name are read, never a symbolic link, hard link, device or FIFO;
* :func:`load_submission` - is it JSON, and a valid nbformat 4 notebook?
* :func:`compare_with_release` - which cells the student deleted (nbgrader re-adds them with
  ``add_missing_cells``) and which locked cells were edited (nbgrader silently restores them from the
  gradebook, so this is the only place the edit is seen);
* :func:`repair` - undo the edits nbgrader cannot grade through (stripped metadata, changed roles, duplicates).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_TIMESTAMP_BYTES = 1000


class Refused(Exception):
    """A path of a submission that is not read (the message says why)."""


def bad_name(name: str) -> bool:
    """Whether a file or folder name of a submission has control characters (or is empty, ``.``, ``..``)."""
    return name in ("", ".", "..") or any(ord(ch) < 32 or ord(ch) == 127 for ch in name)


def describe_mode(mode: int, path=None) -> str:
    """What a file of mode ``mode`` is, in words ("a symbolic link (to ...)", "a FIFO", ...)."""
    if stat.S_ISLNK(mode):
        try:
            return f"a symbolic link (to {os.readlink(path)})"
        except (OSError, TypeError):
            return "a symbolic link"
    return next((what for test, what in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                                         (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                                         (stat.S_ISSOCK, "a socket")) if test(mode)), "not a regular file")


def folder_problem(folder: Path, top: Path) -> str | None:
    """Why ``folder`` (below ``top``) is not read as a submission folder: a folder on the way that is a symbolic
    link or not a folder, or a name with control characters. ``None`` when it is fine or absent."""
    folder, top = Path(folder), Path(top)
    current = top
    for part in folder.relative_to(top).parts:
        current = current / part
        if bad_name(part):
            return f"{str(current.relative_to(top))!r}: name with control characters; refused"
        try:
            mode = os.lstat(current).st_mode
        except FileNotFoundError:
            return None
        if not stat.S_ISDIR(mode):
            return f"{current.relative_to(top)} is {describe_mode(mode, current)}, not a folder; refused"
    return None


def read_regular(path: Path, limit: int = MAX_NOTEBOOK_BYTES) -> bytes:
    """The bytes of ``path`` if it is a regular file with one name and at most ``limit`` bytes.

    Raises :class:`Refused` (a symbolic link, hard link, device, FIFO, socket, too large) without reading
    it, ``FileNotFoundError`` when it is absent. The link itself is never followed (``O_NOFOLLOW``)."""
    path = Path(path)
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{path.name} is {describe_mode(info.st_mode, path)}; refused: a submission is read only "
                      "from regular files")
    if info.st_nlink > 1:
        raise Refused(f"{path.name} has {info.st_nlink} names (a hard link: the same file as another path, "
                      "maybe a course file); refused: copy the file instead")
    if info.st_size > limit:
        raise Refused(f"{path.name} is {info.st_size / 1e6:.1f} MB, more than the {limit / 1e6:.0f} MB limit")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        now = os.fstat(handle.fileno())
        if (now.st_ino, now.st_dev) != (info.st_ino, info.st_dev) or not stat.S_ISREG(now.st_mode):
            raise Refused(f"{path.name} changed while being read; refused")
        return handle.read(limit + 1)[:limit]


def read_timestamp(folder: Path) -> tuple[str | None, str | None]:
    """``(timestamp text, problem)`` of ``folder/timestamp.txt``: the text when nbgrader can parse it, else
    ``None`` and why it is ignored (``(None, None)`` when there is none)."""
    from nbgrader.utils import parse_utc

    ignored = "ignored, graded without a submission time (no late penalty)"
    try:
        text = read_regular(Path(folder) / "timestamp.txt", MAX_TIMESTAMP_BYTES).decode("utf-8").strip()
        if text:  # nbgrader ignores an empty one
            parse_utc(text)
    except FileNotFoundError:
        return None, None
    except Refused as error:
        return None, f"{error}; {ignored}"
    except (OSError, UnicodeDecodeError, ValueError, OverflowError) as error:
        return None, f"timestamp.txt is not a time nbgrader can read ({str(error)[:100]}); {ignored}"
    return text or None, None


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    value = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return value if isinstance(value, dict) else {}


def load_submission(path: Path):
    """``(notebook, None)`` for a valid notebook, ``(None, reason)`` otherwise; never raises (and never
    follows a link: see :func:`read_regular`)."""
    import nbformat

    try:
        data = json.loads(read_regular(path).decode("utf-8"))
    except Refused as error:
        return None, str(error)
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


def grade_id(cell) -> str | None:
    """The cell's nbgrader ``grade_id`` when it is a string (a submission may hold anything there)."""
    value = nbgrader_meta(cell).get("grade_id")
    return value if isinstance(value, str) else None


def compare_with_release(submission, release) -> dict:
    """Compare the (repaired, see :func:`repair`) submission with the student version it started from.

    Returns ``{"missing": [grade_id...], "tampered": [(grade_id, what)...]}``: cells of the release that
    carry a ``grade_id`` but are absent from the submission, and locked cells (read-only text, set-up
    and test cells) whose source or cell type differs.
    """
    submitted = {}
    for cell in submission.cells:
        if grade_id(cell) is not None:
            submitted.setdefault(grade_id(cell), cell)
    missing, tampered = [], []
    for cell in release.cells:
        meta, name = nbgrader_meta(cell), grade_id(cell)
        if name is None:
            continue
        theirs = submitted.get(name)
        if theirs is None:
            missing.append(name)
        elif meta.get("locked") and not meta.get("solution"):
            if theirs.cell_type != cell.cell_type:
                tampered.append((name, "locked cell type changed"))
            elif _norm(theirs.source) != _norm(cell.source):
                tampered.append((name, "locked cell edited"))
    return {"missing": missing, "tampered": tampered}


def _role(meta) -> str:
    if not isinstance(meta, dict):
        return "a cell with malformed nbgrader metadata"
    if meta.get("grade"):
        return f"a test cell worth {meta.get('points')} point(s)"
    if meta.get("solution"):
        return "an answer cell"
    return "a locked cell" if meta.get("locked") else "an ordinary cell"


def _role_changes(theirs: dict, release: dict) -> list[str]:
    changed = [key for key in ("grade", "solution", "locked", "task")
               if bool(theirs.get(key)) != bool(release.get(key))]
    if release.get("grade") and theirs.get("points") != release.get("points"):
        changed.append("points")
    return changed


def _restore_roles(cells, ref) -> list[str]:
    """Give every cell the nbgrader role the release gave it (nbgrader restores a locked cell's source
    from the gradebook, but not a changed role, and fails on a ``grade_id`` it does not know)."""
    import copy

    reasons = []
    release = {grade_id(c): c for c in ref if grade_id(c)}
    order = [grade_id(c) for c in ref]
    for cell in cells:  # a cell of the assignment whose role was changed: the release's role back
        name = grade_id(cell)
        if name in release:
            changed = _role_changes(nbgrader_meta(cell), nbgrader_meta(release[name]))
            if changed:
                was, should = _role(nbgrader_meta(cell)), _role(nbgrader_meta(release[name]))
                what = f"{should} marked as {was}" if was != should else "nbgrader metadata changed"
                cell.metadata["nbgrader"] = copy.deepcopy(dict(release[name].metadata["nbgrader"]))
                reasons.append(f"{name}: {what} ({', '.join(changed)}); its role restored from the release, "
                               "graded against the source")
    present = {grade_id(c) for c in cells}
    for index, cell in enumerate(cells):  # a grade_id the assignment does not have: renamed or added
        raw = cell.get("metadata", {}).get("nbgrader")
        if raw is None or grade_id(cell) in release:
            continue
        before = [grade_id(c) for c in cells[:index] if grade_id(c) in release]
        after = [grade_id(c) for c in cells[index + 1:] if grade_id(c) in release]
        low = order.index(before[-1]) + 1 if before else 0
        high = order.index(after[0]) if after else len(order)
        gone = [c for c in ref[low:high]
                if grade_id(c) and grade_id(c) not in present and c.cell_type == cell.cell_type]
        if len(gone) > 1 and isinstance(raw, dict):  # several renamed in a row: tell them apart by their role
            gone = [c for c in gone if not _role_changes(raw, nbgrader_meta(c))]
        label = repr(raw.get("grade_id")) if isinstance(raw, dict) else "(malformed)"
        if len(gone) == 1:  # the only cell of the release missing at this place: the same cell, renamed
            cell.metadata["nbgrader"] = copy.deepcopy(dict(gone[0].metadata["nbgrader"]))
            present.add(grade_id(gone[0]))
            reasons.append(f"{grade_id(gone[0])}: grade_id changed to {label}; the cell in its place gets "
                           "its role back, graded against the source")
        else:
            del cell.metadata["nbgrader"]
            claims = not isinstance(raw, dict) or raw.get("grade_id") or any(
                raw.get(key) for key in ("grade", "solution", "locked", "task"))
            if claims:  # (empty nbgrader metadata claims nothing)
                reasons.append(f"cell {index} claims to be {_role(raw)} with grade_id {label}, which the assignment "
                               "does not have (added or renamed); graded as an ordinary cell, the tests come from "
                               "the source")
    return reasons


def repair(submission, release):
    """Undo the edits nbgrader cannot grade through: ``(notebook, [reason...])``, the notebook a copy.

    * nbgrader metadata removed from cells (nbgrader then fails to place the cells it re-adds): when the
      submission still has the release's cells in the release's order (same count and cell types), the
      missing metadata is copied back from the release by position.
    * a cell's nbgrader role changed (an answer cell marked as a test cell, a test cell renamed, a fake
      test cell added: nbgrader's autograde fails on each; a test cell's points changed): a cell of the
      assignment gets the release's role back; a cell whose ``grade_id`` the assignment does not have gets
      the role of the release cell missing at its place (between the same neighbours; of several, the one
      with the role it claims) if there is exactly one, otherwise it loses its nbgrader metadata and runs
      as an ordinary cell. Test cells are graded from the source, so no test can be renamed away or added.
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
            a.cell_type == b.cell_type and nbgrader_meta(a).get("grade_id") in (None, grade_id(b))
            for a, b in zip(cells, ref)):
        restored = [i for i in stripped if grade_id(ref[i])]
        for i in restored:
            cells[i].setdefault("metadata", {})["nbgrader"] = copy.deepcopy(dict(ref[i].metadata["nbgrader"]))
        if restored:
            reasons.append(f"nbgrader metadata removed from {len(restored)} cell(s); restored from the release "
                           "by position, graded against the source")
    reasons += _restore_roles(cells, ref)
    roles = {grade_id(c): nbgrader_meta(c) for c in ref if grade_id(c)}
    copies = {}
    for index, cell in enumerate(cells):
        if grade_id(cell) is not None:
            copies.setdefault(grade_id(cell), []).append(index)
    drop = set()
    for name, where in copies.items():
        if len(where) < 2:
            continue
        if roles[name].get("solution"):
            for index in where[:-1]:
                cells[index].metadata.pop("nbgrader", None)
            reasons.append(f"{name}: answer cell duplicated ({len(where)} copies); all run, the last one is graded")
        else:
            drop.update(where[1:])
            reasons.append(f"{name}: locked cell duplicated ({len(where)} copies); extra copies removed, "
                           "its points count once")
    if drop:
        nb.cells = [c for i, c in enumerate(cells) if i not in drop]
    return nb, reasons
