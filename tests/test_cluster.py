"""``course-grade`` on a Dask cluster with a PostgreSQL gradebook: same results as serial grading on SQLite.

Real components, started here: a ``LocalCluster`` of 2 worker processes (``--nthreads 1 --resources
grading=1``, as docs/grading.md asks of real workers) shared by the module, and a throw-away PostgreSQL
server (:mod:`tests.postgres_server`). The whole hostile corpus of ``test_grading`` is graded on the cluster
into PostgreSQL and compared with its serial SQLite run; smaller courses cover a worker killed mid-notebook,
a batch interrupted and resumed on a restarted scheduler, duplicate submissions and a regrade.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import stat
import threading
import time

import pytest

from course_utils.grading import cli, pipeline
from course_utils.grading import status as st
from tests.notebook_tools import make_course, with_answers
from tests.postgres_server import throwaway_postgres, why_unavailable
from tests.test_grading import A, NB, OPTIONS, _trim_source, graded  # noqa: F401 - graded is the serial run's fixture

pytest.importorskip("distributed", reason="dask[distributed] is not installed (the dev extra installs it)")
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cluster")]

SCORES_SQL = (
    "SELECT student.id, base_cell.name, grade.auto_score, grade.manual_score, grade.needs_manual_grade "
    "FROM grade JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id "
    "JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id "
    "JOIN student ON submitted_assignment.student_id = student.id "
    "JOIN base_cell ON grade.cell_id = base_cell.id")


@pytest.fixture(scope="module")
def postgres():
    """``database(name) -> URL`` on a throw-away PostgreSQL server (skipped, with the reason, without one)."""
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    with throwaway_postgres() as database:
        yield database


def _local_cluster(workers: int):
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, resources={"grading": 1},
                        dashboard_address=":0", worker_dashboard_address=None)


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 worker processes and a client of the test's own on it."""
    from distributed import Client

    with _local_cluster(2) as local, Client(local.scheduler_address) as client:
        yield local.scheduler_address, client


def _scores(url: str) -> dict:
    """``{"<student>/<grade cell>": [auto_score, manual_score, needs_manual_grade]}`` from any gradebook URL."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as db:
            rows = db.execute(text(SCORES_SQL)).fetchall()
    finally:
        engine.dispose()
    return {f"{student}/{cell}": [auto, manual, bool(needs)] for student, cell, auto, manual, needs in rows}


def _notebooks_per_student(url: str) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as db:
            rows = db.execute(text(
                "SELECT student.id, count(*) FROM submitted_notebook JOIN submitted_assignment "
                "ON submitted_notebook.assignment_id = submitted_assignment.id JOIN student "
                "ON submitted_assignment.student_id = student.id GROUP BY student.id")).fetchall()
    finally:
        engine.dispose()
    return dict(rows)


def _csv(root, out) -> dict:
    assert cli.main(["--course", str(root), "export", A, "--out", str(out)]) == 0
    with out.open() as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def _strip(statuses: dict) -> dict:
    return {key: {f: v for f, v in record.items() if f != "seconds"} for key, record in statuses.items()}


def _copy_as_planted(src, dst, seen: dict) -> None:
    """Copy a folder of the corpus keeping what it plants: symbolic links (their relative targets), hard links
    (files already copied under another name, by inode) and FIFOs."""
    dst.mkdir(parents=True)
    for entry in sorted(src.iterdir()):
        target, info = dst / entry.name, entry.lstat()
        if stat.S_ISLNK(info.st_mode):
            target.symlink_to(os.readlink(entry))
        elif stat.S_ISDIR(info.st_mode):
            _copy_as_planted(entry, target, seen)
        elif stat.S_ISFIFO(info.st_mode):
            os.mkfifo(target)
        elif (info.st_dev, info.st_ino) in seen:
            os.link(seen[info.st_dev, info.st_ino], target)
        else:
            shutil.copy2(entry, target)
            seen[info.st_dev, info.st_ino] = target


def test_corpus_on_the_cluster_into_postgresql_equals_serial_sqlite(graded, cluster, postgres, tmp_path):  # noqa: F811
    """The whole hostile corpus: identical scores in the gradebook, statuses, flags and CSV."""
    root = tmp_path / "course"
    seen: dict = {}
    for folder in ("source", "submitted"):  # an ungraded copy: the gradebook is a new PostgreSQL database
        _copy_as_planted(graded["root"] / folder, root / folder, seen)
    url = postgres("corpus")
    assert cli.main(["--course", str(root), "--db", url, "autograde", A, "--scheduler", cluster[0], *OPTIONS]) == 0
    assert not (root / "gradebook.db").exists()
    first = graded["first"]
    assert _scores(url) == first["scores"]
    assert _strip(st.load_statuses(root, A)) == _strip(first["statuses"])
    assert _csv(root, tmp_path / "cluster.csv") == first["csv"]


# --------------------------------------------------------------------------- small courses


SLEEP_S = 8


def _small_course(base, students):
    """A course with the trimmed assignment and ``students`` (name -> "solution" | "blank" | "slow")."""
    root = make_course(base, A)
    _trim_source(root)
    pipeline.release(root, A)
    release = json.loads((root / "release" / A / f"{NB}.ipynb").read_text())
    solution = with_answers(release, json.loads((root / "source" / A / f"{NB}.ipynb").read_text()))
    slow = json.loads(json.dumps(solution))  # a cell of its own that keeps the kernel busy (the re-check skips it)
    slow["cells"].insert(1, {"cell_type": "code", "execution_count": None, "id": "slow-down", "metadata": {},
                             "outputs": [], "source": f"import time\ntime.sleep({SLEEP_S})\n"})
    kinds = {"solution": solution, "blank": release, "slow": slow}
    for student, kind in students.items():
        folder = root / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / f"{NB}.ipynb").write_text(json.dumps(kinds[kind], indent=1))
    return root


def _grade(root, url, scheduler, *extra, timeout="60"):
    argv = ["--course", str(root), "--db", url, "autograde", A, "--scheduler", scheduler,
            "--cell-timeout", timeout, "--notebook-timeout", "120", "--recheck-timeout", "20", *extra]
    assert cli.main(argv) == 0
    return st.load_statuses(root, A)


def _executing(dask_worker=None) -> list[str]:
    return [str(key) for key, task in dask_worker.state.tasks.items() if task.state == "executing"]


def _worker_executing(client, prefix: str, timeout_s: float = 120.0) -> str:
    """The address of the worker executing (not just holding) the task whose key starts with ``prefix``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for address, keys in client.run(_executing).items():
            if any(key.startswith(prefix) for key in keys):
                return address
        time.sleep(0.1)
    raise AssertionError(f"no worker started {prefix}")


def test_a_worker_killed_mid_notebook_loses_nothing(cluster, postgres, tmp_path):
    """SIGKILL the worker process that executes the slow notebook: Dask moves it to the other worker, the
    gradebook has every notebook once, the same scores as without the kill, and the reason says retried."""
    scheduler, client = cluster
    client.wait_for_workers(2, timeout=120)
    root = _small_course(tmp_path, {"slow": "slow", "twin1": "solution", "twin2": "solution", "zero": "blank"})
    url = postgres("killed")
    outcome = {}
    batch = threading.Thread(target=lambda: outcome.update(statuses=_grade(root, url, scheduler, timeout="60")))
    batch.start()
    address = _worker_executing(client, "course-grade-slow-")
    time.sleep(SLEEP_S / 2)  # nbgrader has started the kernel, which is in the sleeping cell
    pid = client.run(os.getpid, workers=[address])[address]
    os.kill(pid, signal.SIGKILL)
    batch.join(300)
    assert not batch.is_alive()
    statuses = outcome["statuses"]
    assert {key: (r["status"], r["score"]) for key, r in statuses.items()} == {
        f"slow/{NB}": ("graded", 5.0), f"twin1/{NB}": ("graded", 5.0), f"twin2/{NB}": ("graded", 5.0),
        f"zero/{NB}": ("graded", 0.0)}
    assert "graded again after its Dask worker died (1 time(s))" in statuses[f"slow/{NB}"]["reasons"]
    assert not any("died" in " ".join(r["reasons"]) for key, r in statuses.items() if not key.startswith("slow/"))
    assert _notebooks_per_student(url) == {"slow": 1, "twin1": 1, "twin2": 1, "zero": 1}
    scores = _scores(url)
    assert {k.split("/", 1)[1]: v for k, v in scores.items() if k.startswith("slow/")} == \
        {k.split("/", 1)[1]: v for k, v in scores.items() if k.startswith("twin1/")}
    client.wait_for_workers(2, timeout=120)  # the nanny restarted the killed worker


def test_interrupted_batch_resumes_on_a_restarted_scheduler(cluster, postgres, tmp_path):
    """Ctrl-C while the second student is recorded; a new scheduler; ``--resume`` grades only what has no
    status yet; a duplicate ``--student`` is graded once; the regrade leaves one copy of each notebook;
    feedback comes from the PostgreSQL gradebook."""
    scheduler, _ = cluster
    root = _small_course(tmp_path, {"a": "solution", "b": "blank", "c": "solution"})
    url = postgres("resumed")
    recorded = []

    def interrupt(line):
        if line.endswith(("graded 5/5", "graded 0/5")):
            recorded.append(line)
            if len(recorded) == 2:  # after the gradebook got it, before the status file did
                raise KeyboardInterrupt

    with _local_cluster(1) as first_scheduler, pytest.raises(KeyboardInterrupt):
        pipeline.autograde(root, A, pipeline.Options(db=url, scheduler=first_scheduler.scheduler_address,
                                                     cell_timeout=60, recheck_timeout=20), log=interrupt)
    before = st.load_statuses(root, A)
    [(first_key, first_record)] = before.items()
    after = _grade(root, url, scheduler, "--resume")
    assert after[first_key] == first_record  # not graded again (same seconds)
    assert {key: (r["status"], r["score"]) for key, r in after.items()} == {
        f"a/{NB}": ("graded", 5.0), f"b/{NB}": ("graded", 0.0), f"c/{NB}": ("graded", 5.0)}
    scores = _scores(url)
    again = _grade(root, url, scheduler, "--student", "b", "--student", "b")
    assert _strip(again) == _strip(after)
    assert _scores(url) == scores
    assert _notebooks_per_student(url) == {"a": 1, "b": 1, "c": 1}
    assert cli.main(["--course", str(root), "--db", url, "feedback", A]) == 0  # from the PostgreSQL gradebook
    assert sorted(p.parent.parent.name for p in (root / "feedback").glob(f"*/{A}/{NB}.html")) == ["a", "b", "c"]


def test_a_task_past_its_hard_limit_is_cancelled_and_its_worker_restarted(cluster, tmp_path):
    """What the local pool does with a hung worker: past the hard limit (3 s here) the task is cancelled,
    the reply is a hard time-out, and the worker process is replaced by its nanny."""
    from course_utils.grading.cluster import DaskPool

    scheduler, client = cluster
    client.wait_for_workers(2, timeout=120)
    root = _small_course(tmp_path, {"slow": "slow"})
    before = set(client.scheduler_info()["workers"])
    task = {"root": str(root), "assignment": A, "student": "slow", "notebooks": [NB], "paths": {},
            "snapshot": str(pipeline._snapshot(root, A)), "cell_timeout": 60, "notebook_timeout": 120,
            "recheck": True, "recheck_timeout": 20, "sandbox": False, "confine": False}
    pool = DaskPool(scheduler)
    try:
        [(graded_task, reply)] = list(pool.run([task], lambda task: 3))
    finally:
        pool.close()
    assert graded_task is task
    assert reply == {"crash": "the notebook's Dask worker exceeded its hard time limit and was restarted",
                     "hard_timeout": True}
    client.wait_for_workers(2, timeout=120)
    assert set(client.scheduler_info()["workers"]) != before  # one of them is a new process
