"""``course-grade`` on a corpus of good and bad submissions of week3_3_softmax.

The corpus is made here from the real assignment by editing notebook JSON: the solution, the untouched
student version, a partly correct one, an infinite loop, ``os._exit``, invalid JSON, a deleted test cell,
an edited test cell, a monkeypatched ``np.isclose``/``np.allclose`` with a wrong answer, and calls into
the reference kernels (plain, and hidden from the profiler-based guard); and hostile ones: a memory bomb,
``sys.exit()``, ``input()``, 50 MB of output, all nbgrader metadata stripped, a duplicated test cell and
answer cell, an IPython AST transformer that silences the checks, reading the gradebook and the source,
and a network connection to a listener the fixture starts; nbgrader roles a student must not control (a
renamed test cell, an answer cell marked as a test, a fake test cell, a grade_id that is a list); and paths
placed straight into ``submitted/`` (symbolic links to the source, the gradebook, another student, a linked
assignment folder, a hard link, a FIFO, a linked or folder ``timestamp.txt``). Every file of the course is
hashed before and after each batch.

To keep the module fast, the temp course's copy of the assignment stops after its last test cell (the
training experiments after it are not graded); everything else is the real notebook. The corpus is graded
once serially, then a copy of the graded course once more (the whole corpus) with two workers (one module-scoped fixture,
shared by pytest-xdist workers through a file lock); the tests assert on those results.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import socket
import sqlite3
import zipfile
from pathlib import Path

import pytest

from course_utils.grading import cli, pipeline
from course_utils.grading import status as st
from course_utils.grading.recheck import decode
from tests.notebook_tools import RELEASE, SOURCE, make_course, nbgrader_meta, with_answers

pytestmark = pytest.mark.slow

A = "week3_3_softmax"
NB = "softmax_regression"
OPTIONS = ["--cell-timeout", "5", "--notebook-timeout", "90", "--recheck-timeout", "20"]


def _cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if nbgrader_meta(c).get("grade_id") == grade_id)


def _text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _set(nb: dict, grade_id: str, source: str) -> dict:
    _cell(nb, grade_id)["source"] = source
    return nb


def _trim_source(root) -> None:
    """Keep the temp course's notebook to its first three exercises (softmax, cost, dZ: 5 points).

    Drops the short questions and every cell after the dZ test (the training-loop exercise and the training
    experiments), so that the corpus below grades a small, fixed notebook."""
    path = root / "source" / A / f"{NB}.ipynb"
    nb = json.loads(path.read_text())
    last = next(i for i, c in enumerate(nb["cells"]) if nbgrader_meta(c).get("grade_id") == "test_softmax_backward_dz")
    questions = ("quiz_", "answer_", "test_quiz_")
    nb["cells"] = [c for c in nb["cells"][: last + 1] if not nbgrader_meta(c).get("grade_id", "").startswith(questions)]
    path.write_text(json.dumps(nb, indent=1))


PROBE = (
    "import os as _os, resource as _resource\n"
    "print('PROBE', _os.readlink('/proc/self/ns/net'), _resource.getrlimit(_resource.RLIMIT_AS)[0])\n"
)


def _corpus(root, port: int) -> dict:
    """``{student: notebook text}``, all made from the release and the source of the temp course.

    ``port``: a TCP listener on 127.0.0.1 that the "network" submission tries to reach."""
    release = json.loads((root / "release" / A / f"{NB}.ipynb").read_text())
    source = json.loads((root / "source" / A / f"{NB}.ipynb").read_text())
    solution = with_answers(release, source)

    def variant(base, **cells):
        nb = copy.deepcopy(base)
        for grade_id, code in cells.items():
            _set(nb, grade_id, code)
        return nb

    uniform = "def softmax(Z):\n    return np.ones_like(Z) / Z.shape[0]\n"
    notebooks = {
        "solution": solution,
        "blank": release,
        "partial": variant(release, softmax=PROBE + _text(_cell(solution, "softmax"))),
        "loop": variant(solution, softmax="def softmax(Z):\n    while True:\n        pass\n"),
        "exit": variant(solution, softmax="import os\nos._exit(1)\n"),
        "deleted": variant(solution),
        "tampered": variant(solution, softmax_backward_dz="def softmax_backward_dz(AL, Y):\n    return AL\n",
                            test_softmax_backward_dz="print('all good')\n"),
        "patched": variant(solution, softmax="np.isclose = lambda *a, **k: True\n"
                                             "np.allclose = lambda *a, **k: True\n" + uniform),
        "reference": variant(solution, softmax="def softmax(Z):\n    return activations.softmax(Z)\n"),
        "sneaky": variant(solution, cross_entropy_cost=(
            "import sys\n\ndef cross_entropy_cost(AL, Y):\n    sys.setprofile(None)  # blind the guard\n"
            "    return costs.softmax_cross_entropy(AL, Y)\n")),
    }
    answer = _text(_cell(solution, "softmax"))
    quiet_checks = (  # an AST transformer: `assert` -> pass, `check(...)` -> pass, for every later cell
        "import ast\n\nclass _Quiet(ast.NodeTransformer):\n"
        "    def visit_Assert(self, node):\n        return ast.Pass()\n\n"
        "    def visit_Expr(self, node):\n"
        "        if isinstance(node.value, ast.Call) and getattr(node.value.func, 'id', '') == 'check':\n"
        "            return ast.Pass()\n        return node\n\n"
        "get_ipython().ast_transformers.append(_Quiet())\n")
    snoop = (
        f"\ntry:\n    with open({str(root / 'gradebook.db')!r}, 'rb') as _f:\n        print('GRADEBOOK', _f.read(15))\n"
        "except Exception as _e:\n    print('GRADEBOOK-FAIL', type(_e).__name__)\n"
        f"try:\n    with open({str(root / 'source' / A / f'{NB}.ipynb')!r}) as _f:\n"
        "        print('SOURCE', 'hidden' in _f.read())\n"
        "except Exception as _e:\n    print('SOURCE-FAIL', type(_e).__name__)\n"
        f"try:\n    with open({str(root / 'written-by-a-student')!r}, 'w') as _f:\n        _f.write('x')\n"
        "    print('WRITE-OK')\nexcept Exception as _e:\n    print('WRITE-FAIL', type(_e).__name__)\n"
        "import os as _os\nprint('UID', _os.getuid())\n")
    network = (
        f"\nimport socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
        "    print('NET-CONNECTED')\nexcept OSError as _e:\n    print('NET-FAIL', _e)\n")
    notebooks.update({
        "membomb": variant(solution, softmax=answer + "\n_hog = bytearray(50 * 2**30)\n"),
        "sysexit": variant(solution, softmax="import sys\nsys.exit(3)\n" + answer),
        "stdin": variant(solution, softmax="name = input('name? ')\n" + answer),
        "flood": variant(solution, softmax=answer + "\nfor _i in range(50):\n    print('x' * (1 << 20))\n"),
        "stripped": variant(solution),
        "duptest": variant(solution),
        "dupanswer": variant(solution),
        "astpatch": variant(solution, softmax=uniform + quiet_checks),
        "snoop": variant(solution, softmax=answer + snoop),
        "network": variant(solution, softmax=answer + network),
        "renamed": variant(solution, softmax=uniform),  # a wrong answer, and its test renamed away
        "answertest": variant(solution),
        "faketest": variant(solution),
        "badgradeid": variant(solution),
    })
    _cell(notebooks["renamed"], "test_softmax")["metadata"]["nbgrader"]["grade_id"] = "test_softmax_v2"
    _cell(notebooks["answertest"], "softmax")["metadata"]["nbgrader"].update(grade=True, locked=True, points=2)
    cells = notebooks["faketest"]["cells"]
    fake = copy.deepcopy(_cell(notebooks["faketest"], "test_softmax"))
    fake.update(id="fake-test", source="print('ten free points')\n")
    fake["metadata"]["nbgrader"].update(grade_id="bonus", points=10)
    cells.insert(cells.index(_cell(notebooks["faketest"], "test_softmax")) + 1, fake)
    _cell(notebooks["badgradeid"], "softmax")["metadata"]["nbgrader"]["grade_id"] = ["softmax"]  # unhashable
    for cell in notebooks["stripped"]["cells"]:
        cell.get("metadata", {}).pop("nbgrader", None)
    cells = notebooks["duptest"]["cells"]
    index = cells.index(_cell(notebooks["duptest"], "test_softmax"))
    cells.insert(index + 1, {**copy.deepcopy(cells[index]), "id": "copy-of-test"})  # its 2 points must count once
    cells = notebooks["dupanswer"]["cells"]
    index = cells.index(_cell(notebooks["dupanswer"], "softmax"))
    cells.insert(index + 1, {**copy.deepcopy(cells[index]), "id": "copy-of-answer", "source": uniform})  # right, then wrong
    notebooks["deleted"]["cells"].remove(_cell(notebooks["deleted"], "test_cross_entropy_cost"))
    texts = {student: json.dumps(nb, indent=1) for student, nb in notebooks.items()}
    texts["invalid"] = texts["solution"][: len(texts["solution"]) // 2]  # truncated upload
    return texts


# Placed straight into submitted/ (as an instructor copying folders would; `import` refuses them):
# student -> what its folder holds.
LINKED = {
    "linksource": "the notebook: a symbolic link to the instructor's source notebook",
    "linkgradebook": "the notebook: a symbolic link to the gradebook",
    "linkfolder": "the assignment folder: a symbolic link to source/<assignment>",
    "linkstudent": "the student folder: a symbolic link to another student's folder",
    "hardlink": "the notebook: a hard link to the instructor's source notebook",
    "fifo": "the notebook: a FIFO (reading it would block)",
    "stamplink": "the solution, and timestamp.txt a symbolic link to the gradebook",
    "stampdir": "the solution, and timestamp.txt a folder",
    "bell\x07": "the solution, in a student folder whose name has a control character",
}


def _place_linked(root, solution: str) -> None:
    """Make the :data:`LINKED` submissions in ``root/submitted``, with links relative to it (so the reasons
    are the same in a copy of the course)."""
    submitted = root / "submitted"

    def folder(student):
        path = submitted / student / A
        path.mkdir(parents=True)
        return path

    (folder("linksource") / f"{NB}.ipynb").symlink_to(f"../../../source/{A}/{NB}.ipynb")
    (folder("linkgradebook") / f"{NB}.ipynb").symlink_to("../../../gradebook.db")
    (submitted / "linkfolder").mkdir()
    (submitted / "linkfolder" / A).symlink_to(f"../../source/{A}", target_is_directory=True)
    (submitted / "linkstudent").symlink_to("solution", target_is_directory=True)
    os.link(root / "source" / A / f"{NB}.ipynb", folder("hardlink") / f"{NB}.ipynb")
    os.mkfifo(folder("fifo") / f"{NB}.ipynb")
    for student in ("stamplink", "stampdir", "bell\x07"):
        (folder(student) / f"{NB}.ipynb").write_text(solution)
    (submitted / "stamplink" / A / "timestamp.txt").symlink_to("../../../gradebook.db")
    (submitted / "stampdir" / A / "timestamp.txt").mkdir()


GRADEBOOK_DEFINITION = ("course", "assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "source_cell",
                        "task_cells")


def _fingerprint(root) -> dict:
    """Every file of the course that grading must not change: ``{relative path: (kind, content hash or link
    target, mode)}``, and the gradebook's assignment tables (instructor's cells, points, checksums).
    Left out: what grading writes (autograded/, executed/, feedback/, grading/, the gradebook's grades)."""
    import hashlib
    import stat

    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] in ("autograded", "executed", "feedback", "grading") or path.name.startswith("gradebook.db"):
            continue
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            found[str(relative)] = ("file", hashlib.sha256(path.read_bytes()).hexdigest(), info.st_mode, info.st_nlink)
        elif stat.S_ISLNK(info.st_mode):
            found[str(relative)] = ("link", os.readlink(path), info.st_mode)
        else:
            found[str(relative)] = ("other", stat.S_IFMT(info.st_mode), info.st_mode)
    if not (root / "gradebook.db").exists():
        return found
    with sqlite3.connect(root / "gradebook.db") as db:
        for table in GRADEBOOK_DEFINITION:
            found[f"gradebook.db:{table}"] = repr(db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall())
    return found


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def _gradebook_scores(root) -> dict:
    """``{"<student>/<grade cell>": [auto_score, manual_score, needs_manual_grade]}`` straight from SQLite."""
    with sqlite3.connect(root / "gradebook.db") as db:
        rows = db.execute(
            "SELECT student.id, base_cell.name, grade.auto_score, grade.manual_score, grade.needs_manual_grade "
            "FROM grade JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
            "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id "
            "JOIN student ON submitted_assignment.student_id = student.id "
            "JOIN base_cell ON grade.cell_id = base_cell.id").fetchall()
    return {f"{student}/{cell}": [auto, manual, bool(needs)] for student, cell, auto, manual, needs in rows}


def _csv(root, out) -> dict:
    assert cli.main(["--course", str(root), "export", A, "--out", str(out)]) == 0
    with out.open() as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def _results(root, out) -> dict:
    return {"statuses": st.load_statuses(root, A), "scores": _gradebook_scores(root), "csv": _csv(root, out)}


def _grade_corpus(base) -> dict:
    """Grade the corpus serially, then grade a copy of the graded course again with two workers."""
    root = make_course(base, A)
    _trim_source(root)
    assert cli.main(["--course", str(root), "release", A]) == 0
    inbox = base / "inbox"
    listener = socket.create_server(("127.0.0.1", 0))  # what the "network" submission tries to reach
    corpus = _corpus(root, listener.getsockname()[1])
    for student, text in corpus.items():
        (inbox / student).mkdir(parents=True)
        (inbox / student / f"{NB}.ipynb").write_text(text)
    assert cli.main(["--course", str(root), "import", A, str(inbox)]) == 0
    _place_linked(root, corpus["solution"])
    before = _fingerprint(root)
    assert cli.main(["--course", str(root), "autograde", A, "--workers", "1", *OPTIONS]) == 0
    first = {**_results(root, base / "first.csv"), "changed": _changed(before, _fingerprint(root))}
    again = base / "again" / "course"
    shutil.copytree(root, again, symlinks=True,
                    ignore=lambda folder, names: LINKED.keys() & set(names) if Path(folder) == root / "submitted" else ())
    _place_linked(again, corpus["solution"])
    before = _fingerprint(again)
    assert cli.main(["--course", str(again), "autograde", A, "--workers", "2", *OPTIONS]) == 0  # the whole corpus
    second = {**_results(again, base / "second.csv"), "changed": _changed(before, _fingerprint(again))}
    listener.close()
    return {"root": str(root), "inbox": str(inbox), "corpus": corpus, "first": first, "second": second}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The graded corpus, made once per test run: under pytest-xdist the workers share it (file lock)."""
    import fcntl

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    base, results = shared / "grading-corpus", shared / "grading-corpus.json"
    with open(shared / "grading-corpus.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not results.exists():
            base.mkdir()
            results.write_text(json.dumps(_grade_corpus(base)))
        data = json.loads(results.read_text())
    data["root"], data["inbox"] = Path(data["root"]), Path(data["inbox"])
    return data


def _row(graded, student):
    return graded["first"]["csv"][student]


def _record(graded, student):
    return graded["first"]["statuses"][f"{student}/{NB}"]


# ------------------------------------------------------------------------------------------ outcomes


def test_solution_gets_full_marks(graded):
    row = _row(graded, "solution")
    assert (row["status"], row["score"], row["max_score"]) == ("graded", "5", "5")
    assert all(v["pass"] for v in _record(graded, "solution")["recheck"].values())


def test_untouched_student_version_gets_zero(graded):
    row = _row(graded, "blank")
    assert (row["status"], row["score"]) == ("graded", "0")


def test_partly_correct_gets_partial_marks(graded):
    row = _row(graded, "partial")
    assert (row["status"], row["score"]) == ("graded", "2")


def test_kernels_run_in_the_sandbox_when_available(graded):
    from course_utils.grading import sandbox

    if not sandbox.available():
        pytest.skip("unshare(CLONE_NEWNET) is not permitted here: kernels run without the sandbox")
    text = (graded["root"] / "autograded" / "partial" / A / f"{NB}.ipynb").read_text()
    probe = next(line for line in json.loads(text)["cells"] if "PROBE" in "".join(line.get("source", "")))
    printed = "".join("".join(out.get("text", "")) for out in probe["outputs"])
    _, netns, address_space = printed.split()
    assert netns != os.readlink("/proc/self/ns/net")  # an empty network namespace of its own
    assert int(address_space) > 0  # and an address-space limit (-1 would be unlimited)


def test_infinite_loop_times_out_and_the_batch_continues(graded):
    row = _row(graded, "loop")
    assert row["status"] == st.TIMED_OUT
    assert row["score"] == "3"  # softmax (2 points) lost, the other exercises still count
    assert "per-cell limit of 5 s" in row["reasons"]


def test_os_exit_is_kernel_died_without_a_score(graded):
    row = _row(graded, "exit")
    assert row["status"] == st.KERNEL_DIED
    assert row["score"] == ""
    scores = graded["first"]["scores"]
    assert all(scores[f"exit/{cell}"][2] for cell in ("test_softmax", "test_softmax_backward_dz"))  # needs a look


def test_invalid_json_is_reported_not_crashed(graded):
    row = _row(graded, "invalid")
    assert row["status"] == st.INVALID
    assert row["score"] == ""
    assert "not valid JSON" in row["reasons"]


def test_deleted_test_cell_is_restored_and_graded(graded):
    row = _row(graded, "deleted")
    assert (row["status"], row["score"]) == (st.CELLS_MISSING, "5")
    assert "test_cross_entropy_cost" in row["reasons"]


def test_edited_test_cell_is_tampering(graded):
    row = _row(graded, "tampered")
    assert row["status"] == st.TAMPERING
    assert row["score"] == "3"  # nbgrader restored the test cell: the wrong dZ loses its 2 points
    assert "test_softmax_backward_dz: locked cell edited" in row["reasons"]


def test_monkeypatched_isclose_loses_to_the_recheck(graded):
    row = _row(graded, "patched")
    assert row["status"] == st.RECHECK_OVERRIDE
    assert row["score"] == "3"
    assert "np.isclose" in row["reasons"] and "in-notebook pass, re-check fail" in row["reasons"]
    assert graded["first"]["scores"]["patched/test_softmax"][0] == 0


def test_reference_kernel_call_scores_zero_with_a_reason(graded):
    row = _row(graded, "reference")
    assert row["score"] == "3"
    verdict = _record(graded, "reference")["recheck"]["test_softmax"]
    assert not verdict["pass"] and "reference solution" in verdict["reason"]


def test_reference_call_hidden_from_the_guard_is_caught_by_the_stubs(graded):
    row = _row(graded, "sneaky")
    assert row["status"] == st.RECHECK_OVERRIDE and row["score"] == "4"
    assert "course_utils.costs.softmax_cross_entropy" in row["reasons"]


def test_failed_notebooks_never_read_as_plain_zero(graded):
    for row in graded["first"]["csv"].values():
        if row["score"] == "0":
            assert row["status"] == "graded"
        if row["status"] in (st.INVALID, st.KERNEL_DIED):
            assert row["score"] == ""


def test_summary_names_the_problems(graded):
    text = pipeline.summary(graded["root"], A)
    for student in ("loop", "exit", "invalid", "deleted", "tampered", "patched", "sneaky"):
        assert f"{student}/{NB}" in text
    assert "solution/" not in text


def test_grading_again_with_two_workers_gives_identical_results(graded):
    """The whole corpus graded twice (serially, then with two workers): the same gradebook, CSV, statuses."""
    first, second = graded["first"], graded["second"]
    assert set(second["statuses"]) == set(first["statuses"]) and len(first["statuses"]) == 34
    assert second["scores"] == first["scores"]
    assert second["csv"] == first["csv"]

    def strip(statuses):
        return {key: {f: v for f, v in record.items() if f != "seconds"} for key, record in statuses.items()}

    assert strip(second["statuses"]) == strip(first["statuses"])


def test_feedback_hides_hidden_tests(graded):
    root = graded["root"]
    made = pipeline.feedback(root, A, students=["solution"], log=lambda *_: None)
    assert made == [root / "feedback" / "solution" / A / f"{NB}.html"]
    html = made[0].read_text()
    assert '>check</span>' in html  # the visible tests are there (pygments-highlighted)...
    assert '>hidden</span>' not in html and "HIDDEN TESTS" not in html  # ...the hidden ones are not


# ------------------------------------------------------------------------------------------- import


def test_import_never_touches_originals_or_overwrites(graded, tmp_path):
    root, inbox = graded["root"], graded["inbox"]
    before = {p: p.read_bytes() for p in inbox.rglob("*") if p.is_file()}
    changed = tmp_path / "inbox" / "solution"
    changed.mkdir(parents=True)
    (changed / f"{NB}.ipynb").write_text(graded["corpus"]["blank"])
    assert cli.main(["--course", str(root), "import", A, str(tmp_path / "inbox")]) == 1  # kept, reported
    assert (root / "submitted" / "solution" / A / f"{NB}.ipynb").read_text() == graded["corpus"]["solution"]
    assert {p: p.read_bytes() for p in inbox.rglob("*") if p.is_file()} == before


def test_import_lms_zip(tmp_path):
    root = make_course(tmp_path, A)
    (root / "release").mkdir()
    archive = tmp_path / "submissions.zip"
    text = (SOURCE / A / f"{NB}.ipynb").read_text()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"alice_12345_67890_{NB}.ipynb", text)
        zf.writestr(f"bob_late_99_{NB}-1.ipynb", text)
        zf.writestr(f"bob_late_98_{NB}.ipynb", "an older upload, superseded by -1")
        zf.writestr("carol_notes.txt", "x")
        zf.writestr(f"__MACOSX/._alice_1_{NB}.ipynb", "junk")
    size = archive.stat().st_size
    report = pipeline.import_submissions(root, A, archive, log=lambda *_: None)
    assert sorted(report["imported"]) == [f"alice/{NB}", f"bob/{NB}"]
    assert (root / "submitted" / "alice" / A / f"{NB}.ipynb").read_text() == text
    assert (root / "submitted" / "bob" / A / f"{NB}.ipynb").read_text() == text
    assert archive.stat().st_size == size
    shutil.rmtree(root)


def test_decode_refuses_object_arrays():
    with pytest.raises(ValueError):
        decode({"__ndarray__": [1], "dtype": "|O", "shape": [1]})
    assert decode({"__dict__": {"a": [1.0, {"__ndarray__": [[1, 2]], "dtype": "<i8", "shape": [1, 2]}]}})["a"][1].shape == (1, 2)


def test_loop_that_ignores_interrupts_hits_the_wall_clock_limit(tmp_path):
    """A loop that swallows KeyboardInterrupt, with a long per-cell limit: the pipeline's watchdog ends it."""
    root = make_course(tmp_path, A)
    _trim_source(root)
    pipeline.release(root, A)
    nb = json.loads((root / "release" / A / f"{NB}.ipynb").read_text())
    _set(nb, "softmax", "import time\n\ndef softmax(Z):\n    while True:\n        try:\n            time.sleep(0.1)\n"
                        "        except KeyboardInterrupt:\n            pass\n")
    folder = root / "submitted" / "stubborn" / A
    folder.mkdir(parents=True)
    (folder / f"{NB}.ipynb").write_text(json.dumps(nb))
    options = pipeline.Options(cell_timeout=120, notebook_timeout=8, recheck_timeout=10)
    record = pipeline.autograde(root, A, options, log=lambda *_: None)[f"stubborn/{NB}"]
    assert record["status"] == st.TIMED_OUT
    assert record["score"] is None and "wall-clock limit of 8 s" in " ".join(record["reasons"])


def test_recheck_runs_helper_functions_the_student_added_but_not_their_experiments():
    import nbformat

    from course_utils.grading.recheck import recheck_notebook

    source = nbformat.read(SOURCE / A / f"{NB}.ipynb", as_version=4)
    submission = copy.deepcopy(source)
    index = next(i for i, c in enumerate(submission.cells) if nbgrader_meta(c).get("grade_id") == "softmax")
    submission.cells[index].source = "def softmax(Z):\n    return _stable_softmax(Z)\n"
    submission.cells.insert(index, nbformat.v4.new_code_cell(
        "def _stable_softmax(Z):\n    E = np.exp(Z - Z.max(axis=0, keepdims=True))\n    return E / E.sum(axis=0, keepdims=True)\n"
        "\nwhile True:  # an experiment left running: not part of the re-check\n    pass\n"))
    verdicts = recheck_notebook(source, submission, timeout_s=30)
    assert verdicts["test_softmax"] == {"pass": True, "reason": ""}


def test_status_order_and_single_writer_lock(tmp_path):
    assert st.primary_status([]) == st.GRADED
    assert st.primary_status([st.CELLS_MISSING, st.TAMPERING, st.TIMED_OUT]) == st.TIMED_OUT
    record = st.new_record("s", NB)
    st.add_flag(record, st.RECHECK_OVERRIDE, "why")
    st.add_flag(record, st.NEEDS_MANUAL)
    assert (record["status"], record["reasons"]) == (st.RECHECK_OVERRIDE, ["why"])
    with pipeline.course_lock(tmp_path), pytest.raises(SystemExit, match="another autograde"), \
            pipeline.course_lock(tmp_path):
        pass
    with pipeline.course_lock(tmp_path):  # released
        pass


@pytest.mark.parametrize("assignment", sorted(p.name for p in SOURCE.iterdir() if p.is_dir()))
def test_recheck_agrees_with_every_assignment(assignment):
    """No false alarms: every solution passes the re-check, every untouched student version fails it."""
    import importlib.util

    import nbformat

    from course_utils.grading.recheck import recheck_notebook

    if "tensorflow" in assignment and importlib.util.find_spec("tensorflow") is None:
        pytest.skip("TensorFlow is not installed (optional extra)")
    for path in sorted((SOURCE / assignment).glob("*.ipynb")):
        source = nbformat.read(path, as_version=4)
        released = path.parent.parent.parent / "release" / assignment / path.name
        if not released.exists():
            pytest.skip(f"{assignment} has no student version yet")
        blank = nbformat.read(released, as_version=4)
        solution_verdicts = recheck_notebook(source, source, timeout_s=120)
        assert solution_verdicts and all(v["pass"] for v in solution_verdicts.values()), solution_verdicts
        assert not any(v["pass"] for v in recheck_notebook(source, blank, timeout_s=120).values())


# ------------------------------------------------------------------ hostile submissions (same batch)


def _outputs(graded, student, grade_id="softmax") -> str:
    """What the cell printed or raised, from the autograded notebook in the course."""
    text = (graded["root"] / "autograded" / student / A / f"{NB}.ipynb").read_text()
    cell = _cell(json.loads(text), grade_id)
    return "".join("".join(o.get("text", "")) + o.get("ename", "") for o in cell["outputs"])


def test_memory_bomb_hits_the_limit_and_is_graded(graded):
    """bytearray(50 GiB) after a correct softmax: MemoryError at the kernel's 4 GB address-space limit
    (the cell errors, the kernel survives); the definition before it counts, the reason says so."""
    row = _row(graded, "membomb")
    assert (row["status"], row["score"]) == ("graded", "5")
    assert "hit the memory limit (MemoryError)" in row["reasons"]
    assert "MemoryError" in _outputs(graded, "membomb")


def test_sys_exit_is_an_error_in_the_cell_not_the_end_of_the_notebook(graded):
    """IPython turns SystemExit into an error output: the rest runs, softmax (never defined) loses 2 points."""
    row = _row(graded, "sysexit")
    assert (row["status"], row["score"]) == ("graded", "3")
    assert "called sys.exit()" in row["reasons"]
    assert "SystemExit" in _outputs(graded, "sysexit")
    assert not _record(graded, "sysexit")["recheck"]["test_softmax"]["pass"]  # the re-check agrees


def test_input_fails_without_stdin_and_never_hangs(graded):
    row = _row(graded, "stdin")
    assert (row["status"], row["score"]) == ("graded", "3")
    assert "asked for input()" in row["reasons"]
    assert "StdinNotImplementedError" in _outputs(graded, "stdin")
    assert _record(graded, "stdin")["seconds"] < 30  # well under the 5 s per-cell limit x cells


def test_50_mb_of_output_is_capped_before_recording(graded):
    row = _row(graded, "flood")
    assert (row["status"], row["score"]) == ("graded", "5")
    assert "MB of output; kept about 100 kB" in row["reasons"]
    for folder in ("executed", "autograded"):
        size = (graded["root"] / folder / "flood" / A / f"{NB}.ipynb").stat().st_size
        assert size < 500_000, (folder, size)  # uncapped: ~52 MB
    assert "output truncated by course-grade" in _outputs(graded, "flood")


def test_stripped_metadata_is_tampering_and_graded_against_the_source(graded):
    row = _row(graded, "stripped")
    assert (row["status"], row["score"]) == (st.TAMPERING, "5")
    assert "nbgrader metadata removed from" in row["reasons"]
    submitted = json.loads((graded["root"] / "submitted" / "stripped" / A / f"{NB}.ipynb").read_text())
    assert not any(nbgrader_meta(c) for c in submitted["cells"])  # the submission itself is left as it was


def test_duplicated_test_cell_counts_once(graded):
    row = _row(graded, "duptest")
    assert (row["status"], row["score"], row["max_score"]) == (st.TAMPERING, "5", "5")
    assert "test_softmax: locked cell duplicated (2 copies)" in row["reasons"]


def test_duplicated_answer_cell_the_last_copy_is_graded(graded):
    """A correct softmax, then a wrong copy of the cell: the kernel runs both (the last definition wins),
    nbgrader and the re-check grade the last one: 2 points lost, no override."""
    row = _row(graded, "dupanswer")
    assert (row["status"], row["score"]) == (st.TAMPERING, "3")
    assert "softmax: answer cell duplicated (2 copies)" in row["reasons"]
    assert st.RECHECK_OVERRIDE not in row["flags"]


def test_ast_transformer_that_silences_checks_loses_to_the_recheck(graded):
    row = _row(graded, "astpatch")
    assert (row["status"], row["score"]) == (st.RECHECK_OVERRIDE, "3")
    assert "test_softmax: in-notebook pass, re-check fail" in row["reasons"]
    assert graded["first"]["scores"]["astpatch/test_softmax"][0] == 0


def test_student_code_can_neither_read_nor_write_the_course(graded):
    """Kernels and re-check children run under uids of their own with the course and the temporary folders hidden
    (when grading runs as root). Without that, reading works but does not change the score."""
    from course_utils.grading import sandbox

    printed = _outputs(graded, "snoop")
    row = _row(graded, "snoop")
    assert (row["status"], row["score"]) == ("graded", "5")
    assert {k.split("/", 1)[1]: v for k, v in graded["first"]["scores"].items() if k.startswith("snoop/")} == \
        {k.split("/", 1)[1]: v for k, v in graded["first"]["scores"].items() if k.startswith("solution/")}
    if not sandbox.can_confine():
        pytest.skip("grading does not run as root here: student code can read what the grading user can")
    assert "GRADEBOOK-FAIL" in printed and "SOURCE-FAIL" in printed and "WRITE-FAIL" in printed
    assert int(printed.split("UID ")[1].split()[0]) >= sandbox.CONFINED_UID_BASE
    assert not (graded["root"] / "written-by-a-student").exists()  # neither the kernel nor the re-check wrote


def test_network_connection_fails_in_the_sandbox(graded):
    from course_utils.grading import sandbox

    row = _row(graded, "network")
    assert (row["status"], row["score"]) == ("graded", "5")
    if not sandbox.available():
        pytest.skip("unshare(CLONE_NEWNET) is not permitted here: kernels have the host's network")
    printed = _outputs(graded, "network")
    assert "NET-FAIL" in printed and "NET-CONNECTED" not in printed


# ------------------------------------------- paths and roles a submission must not control (same batch)

HOSTILE = {  # student: (status, score, a fragment of the reasons); every max_score is 5
    "renamed": (st.TAMPERING, "3", "test_softmax: grade_id changed to 'test_softmax_v2'"),  # its wrong softmax fails
    "answertest": (st.TAMPERING, "5", "softmax: an answer cell marked as a test cell worth 2 point(s)"),
    "faketest": (st.TAMPERING, "5", "claims to be a test cell worth 10 point(s) with grade_id 'bonus'"),
    "badgradeid": (st.TAMPERING, "5", "softmax: grade_id changed to ['softmax']"),
    "linksource": (st.INVALID, "", f"{NB}.ipynb is a symbolic link (to ../../../source/{A}/{NB}.ipynb); refused"),
    "linkgradebook": (st.INVALID, "", f"{NB}.ipynb is a symbolic link (to ../../../gradebook.db); refused"),
    "linkfolder": (st.INVALID, "", f"linkfolder/{A} is a symbolic link (to ../../source/{A}), not a folder"),
    "linkstudent": (st.INVALID, "", "linkstudent is a symbolic link (to solution), not a folder"),
    "hardlink": (st.INVALID, "", f"{NB}.ipynb has 2 names (a hard link"),
    "fifo": (st.INVALID, "", f"{NB}.ipynb is a FIFO; refused"),
    "stamplink": (st.TAMPERING, "5", "timestamp.txt is a symbolic link (to ../../../gradebook.db); refused"),
    "stampdir": (st.TAMPERING, "5", "timestamp.txt is a folder; refused"),
    "bell\x07": (st.INVALID, "", "'bell\\x07': name with control characters; refused"),
}


@pytest.mark.parametrize("student", sorted(HOSTILE))
def test_hostile_paths_and_roles_get_their_status(graded, student):
    """Links, devices and changed nbgrader roles: never a crash, a hang or a grading error; a link is never
    followed (a link to the source would otherwise be graded as a perfect submission), a tampered role is
    graded against the source, and the reason says what was found."""
    status, score, fragment = HOSTILE[student]
    for run in ("first", "second"):
        row = graded[run]["csv"][student]
        assert (row["status"], row["score"], row["max_score"]) == (status, score, "5"), (run, row)
        assert fragment in row["reasons"], (run, row["reasons"])


def test_renamed_test_cell_is_graded_from_the_source(graded):
    """The renamed test cell gets test_softmax's role back: the instructor's test (hidden part included) runs
    and the wrong softmax gets 0 of 2, in nbgrader and in the re-check."""
    assert graded["first"]["scores"]["renamed/test_softmax"][0] == 0
    assert not _record(graded, "renamed")["recheck"]["test_softmax"]["pass"]
    assert "renamed/bonus" not in graded["first"]["scores"] and "faketest/bonus" not in graded["first"]["scores"]


def test_repair_gives_renamed_cells_their_roles_back():
    """An answer cell and its test cell both renamed: each gets the role it claims back (told apart by role),
    so nothing is missing and nbgrader need not re-add cells; a malformed nbgrader entry gets its role back too."""
    import nbformat

    from course_utils.grading.integrity import compare_with_release, repair

    release = nbformat.read(RELEASE / A / f"{NB}.ipynb", as_version=4)
    submission = copy.deepcopy(release)
    _cell(submission, "softmax")["metadata"]["nbgrader"]["grade_id"] = "my_softmax"
    _cell(submission, "test_softmax")["metadata"]["nbgrader"]["grade_id"] = "my_test"
    _cell(submission, "intro")["metadata"]["nbgrader"] = "junk"
    repaired, reasons = repair(submission, release)
    assert [nbgrader_meta(c) for c in repaired.cells] == [nbgrader_meta(c) for c in release.cells]
    assert compare_with_release(repaired, release) == {"missing": [], "tampered": []}
    assert "softmax: grade_id changed to 'my_softmax'" in reasons[1] and "test_softmax: grade_id changed" in reasons[2]


def test_no_course_file_changed_by_the_batch(graded):
    """Sources, release, every submission (links included: same targets), the course config and the
    gradebook's assignment tables are as they were before each batch."""
    assert graded["first"]["changed"] == [] and graded["second"]["changed"] == []


def test_import_refuses_links_devices_and_writes_through_no_link(tmp_path):
    """A folder to import with a symbolic link, a linked student folder, a hard link to the course's source, a
    FIFO and a name with control characters; and in the course a student folder that is a link to the source:
    only the regular file is copied, the rest is refused with a reason, no course file changes."""
    root = make_course(tmp_path, A)
    source = root / "source" / A / f"{NB}.ipynb"
    text = source.read_text()
    (root / "submitted" / "victim").mkdir(parents=True)
    (root / "submitted" / "victim" / A).symlink_to(root / "source" / A, target_is_directory=True)
    inbox = tmp_path / "inbox"
    for student in ("ok", "linknb", "hard", "fifo", "victim", "ctl\x1b[2J", "other"):
        (inbox / student).mkdir(parents=True)
    (inbox / "ok" / f"{NB}.ipynb").write_text(text)
    (inbox / "linknb" / f"{NB}.ipynb").symlink_to(source)
    os.link(source, inbox / "hard" / f"{NB}.ipynb")
    os.mkfifo(inbox / "fifo" / f"{NB}.ipynb")
    (inbox / "victim" / f"{NB}.ipynb").write_text("a different notebook")  # --replace would rename the source
    (inbox / "ctl\x1b[2J" / f"{NB}.ipynb").write_text(text)
    (inbox / "linkdir").symlink_to(inbox / "ok", target_is_directory=True)
    (inbox / "other" / A).symlink_to(inbox / "ok", target_is_directory=True)
    before = _fingerprint(root)
    report = pipeline.import_submissions(root, A, inbox, replace=True, log=lambda *_: None)
    assert report["imported"] == [f"ok/{NB}"]
    refused = "\n".join(report["refused"])
    for fragment in (f"linknb/{NB}.ipynb: {NB}.ipynb is a symbolic link", f"hard/{NB}.ipynb: {NB}.ipynb has 2 names",
                     f"fifo/{NB}.ipynb: {NB}.ipynb is a FIFO", "'linkdir': linkdir is a symbolic link",
                     "name with control characters", f"other/{A} is a symbolic link",
                     f"victim/{NB}: in the course: submitted/victim/{A} is a symbolic link"):
        assert fragment in refused, refused
    assert len(report["refused"]) == 7, refused
    assert _changed(before, _fingerprint(root)) == ["submitted/ok", f"submitted/ok/{A}", f"submitted/ok/{A}/{NB}.ipynb",
                                                    f"submitted/ok/{A}/timestamp.txt"]
    assert source.read_text() == text and not list((root / "source" / A).glob("*.replaced-*"))
    assert cli.main(["--course", str(root), "import", A, str(inbox)]) == 1  # refusals are an exit code


def test_import_lms_zip_refuses_hostile_members(tmp_path):
    """An LMS zip with members that are a symbolic link, a device, an absolute path, a '..' path, control
    characters in a folder name, and a corrupt member: only the regular, well-named one is copied."""
    import stat

    root = make_course(tmp_path, A)
    text = (root / "source" / A / f"{NB}.ipynb").read_text()
    archive = tmp_path / "submissions.zip"

    def member(name, mode=None):
        info = zipfile.ZipInfo(name)
        info.create_system = 3
        info.external_attr = ((mode if mode is not None else stat.S_IFREG | 0o644) & 0xFFFF) << 16
        return info

    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(member(f"alice_1_{NB}.ipynb"), text)
        zf.writestr(member(f"bob_1_{NB}.ipynb", stat.S_IFLNK | 0o777), f"../../source/{A}/{NB}.ipynb")
        zf.writestr(member(f"carol_1_{NB}.ipynb", stat.S_IFCHR | 0o666), "")
        zf.writestr(member(f"/tmp/dave_1_{NB}.ipynb"), text)
        zf.writestr(member(f"../erin_1_{NB}.ipynb"), text)
        zf.writestr(member(f"x\x07/frank_1_{NB}.ipynb"), text)
        zf.writestr(member(f"gina_1_{NB}.ipynb"), text)
    data = bytearray(archive.read_bytes())
    spot = data.rindex(b'"cells"')  # in gina's (stored, uncompressed) member: her CRC no longer matches
    data[spot + 1] ^= 0x20
    archive.write_bytes(bytes(data))
    report = pipeline.import_submissions(root, A, archive, log=lambda *_: None)
    assert report["imported"] == [f"alice/{NB}"]
    refused = "\n".join(report["refused"])
    for fragment in ("bob_1_", "a symbolic link, not a regular file", "a character device", "absolute path",
                     "'..' in the path", "name with control characters", "gina_1_", "cannot be read from the zip"):
        assert fragment in refused, refused
    assert len(report["refused"]) == 6, refused
    assert sorted(p.name for p in (root / "submitted").iterdir()) == ["alice"]
