#!/usr/bin/env python
"""How long grading a class takes: plain ``nbgrader autograde`` vs the ``course-grade`` pipeline.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/grading.py [--n 30] [--workers 1 2]
    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/grading.py --scheduler local [--n 200]

Makes N submissions of week3_3_softmax (the solution, the blank student version and a partly correct
one, in turn) in a throw-away course, then grades the same N submissions

(a) with the stock CLI, ``nbgrader autograde week3_3_softmax --force`` (one call, serial, no statuses,
    no re-check), and
(b) with ``course-grade autograde`` (statuses, integrity re-check, sandbox when available) with 1 and
    2 workers,

each in a fresh copy of the course, and prints seconds per notebook and the ratios to (a); then (c) the
start of one sandboxed kernel with the set-up imports, from a fresh interpreter vs forked from the warm
kernel server. The machines are shared: compare the ratios of one run, not absolute times across runs.

With ``--scheduler local`` the mix also has a few infinite loops (cut at a 5 s per-cell limit, in every
run), and instead of (c) it grades the same submissions (d) on a Dask ``LocalCluster`` of 1 and 2 worker
processes (``--resources grading=1``, already running, as an instructor's cluster would be), printing
notebooks per second against (a) and ``--workers 2``, the time the client spends recording a notebook
(its ceiling), and notebooks per second per worker core, to size a cluster.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.notebook_tools import nbgrader_meta, with_answers  # noqa: E402 - after the path is set
A, NB = "week3_3_softmax", "softmax_regression"


CELL_TIMEOUT_S = 5  # for the infinite loops of the --scheduler mix


def make_course(base: Path, n: int, loops: bool = False) -> Path:
    from course_utils.grading import pipeline
    from course_utils.nbgrader_course import COURSE_ROOT, ensure_venv_on_path

    ensure_venv_on_path()
    root = base / "course"
    shutil.copytree(COURSE_ROOT / "source" / A, root / "source" / A)
    (root / "nbgrader_config.py").write_text(
        "from course_utils.nbgrader_course import course_config\n"
        f"c = get_config()\nc.merge(course_config({str(root)!r}))\n"
    )
    pipeline.release(root, A)
    release = json.loads((root / "release" / A / f"{NB}.ipynb").read_text())
    source = json.loads((root / "source" / A / f"{NB}.ipynb").read_text())
    solution = with_answers(release, source)
    softmax_only = {"cells": [c for c in source["cells"] if nbgrader_meta(c).get("grade_id") == "softmax"]}
    partial = with_answers(release, softmax_only)
    loop = json.loads(json.dumps(solution))
    for cell in loop["cells"]:
        if nbgrader_meta(cell).get("grade_id") == "softmax":
            cell["source"] = "def softmax(Z):\n    while True:\n        pass\n"
    kinds = [solution, release, partial]
    for i in range(n):
        folder = root / "submitted" / f"s{i:03d}" / A
        folder.mkdir(parents=True)
        kind = loop if loops and i % 50 == 49 else kinds[i % 3]
        (folder / f"{NB}.ipynb").write_text(json.dumps(kind))
    return root


def fresh_copy(root: Path, name: str) -> Path:
    target = root.parent / name
    shutil.copytree(root, target)
    config = target / "nbgrader_config.py"
    config.write_text(config.read_text().replace(repr(str(root)), repr(str(target))))
    return target


def plain_nbgrader(root: Path, cell_timeout: int | None = None) -> float:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    extra = [f"--Execute.timeout={cell_timeout}"] if cell_timeout else []
    start = time.perf_counter()
    subprocess.run([str(bin_dir / "nbgrader"), "autograde", A, "--force", *extra], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def pipeline_run(root: Path, workers: int, cell_timeout: int | None = None, scheduler: str | None = None):
    """``(seconds, statuses, seconds the client spent recording)`` of one ``course-grade autograde``."""
    from course_utils.grading import pipeline

    recording = [0.0]
    record_student = pipeline._record_student

    def timed(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return record_student(*args, **kwargs)
        finally:
            recording[0] += time.perf_counter() - begin

    pipeline._record_student = timed
    try:
        start = time.perf_counter()
        statuses = pipeline.autograde(root, A, pipeline.Options(workers=workers, cell_timeout=cell_timeout,
                                                                scheduler=scheduler), log=lambda *_: None)
        return time.perf_counter() - start, statuses, recording[0]
    finally:
        pipeline._record_student = record_student


def _counts(statuses: dict) -> dict:
    counts = {}
    for record in statuses.values():
        counts[record["status"]] = counts.get(record["status"], 0) + 1
    return counts


def cluster_benchmark(root: Path, n: int) -> None:
    """(a), ``--workers 2`` and (d) a LocalCluster of 1 and 2 workers, in notebooks per second."""
    from distributed import LocalCluster

    plain = plain_nbgrader(fresh_copy(root, "plain"), CELL_TIMEOUT_S)
    print(f"(a) nbgrader autograde CLI, serial        : {n / plain:5.2f} notebooks/s ({plain:.0f} s)")
    seconds, statuses, recording = pipeline_run(fresh_copy(root, "local2"), 2, CELL_TIMEOUT_S)
    local = seconds
    print(f"(b) course-grade --workers 2              : {n / seconds:5.2f} notebooks/s ({seconds:.0f} s), "
          f"{plain / seconds:.2f}x (a); client recording {recording / n:.2f} s/notebook; {_counts(statuses)}")
    rates = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, resources={"grading": 1},
                          dashboard_address=":0") as cluster:
            seconds, statuses, recording = pipeline_run(fresh_copy(root, f"dask{workers}"), 1, CELL_TIMEOUT_S,
                                                        cluster.scheduler_address)
        rates[workers] = n / seconds
        print(f"(d) course-grade --scheduler, {workers} worker(s): {rates[workers]:5.2f} notebooks/s ({seconds:.0f} s), "
              f"{plain / seconds:.2f}x (a), {seconds / local:.2f}x the time of (b); client recording "
              f"{recording / n:.2f} s/notebook; {_counts(statuses)}")
    print(f"    2 workers / 1 worker: {rates[2] / rates[1]:.2f}x the throughput (linear: 2.00x)")
    print(f"    per worker core: about {rates[1]:.2f} notebooks/s, so C worker cores grade about C x {rates[1]:.2f} "
          f"notebooks/s, up to the client's recording ceiling of {n / max(recording, 1e-9):.1f} notebooks/s "
          f"(this machine has {os.cpu_count()} cores for workers, client and scheduler together)")


def kernel_start(repeats: int = 10) -> tuple[float, float]:
    """Median seconds to start a sandboxed kernel and run the set-up imports, without and with the warm
    kernel server (interleaved), both through ``SandboxKernelManager`` as in grading."""
    import statistics

    import nbformat
    from nbclient import NotebookClient

    from course_utils.grading import kernel_server

    server = kernel_server.socket_path()
    cell = "import numpy as np\nimport matplotlib.pyplot as plt\nfrom course_utils import mlp, plotting"
    times = {"launcher": [], "server": []}
    with tempfile.TemporaryDirectory() as cwd:
        for _ in range(repeats):
            for kind in times:
                os.environ.pop("COURSE_GRADE_KERNEL_SERVER", None)
                if kind == "server":
                    os.environ["COURSE_GRADE_KERNEL_SERVER"] = server
                nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
                start = time.perf_counter()
                NotebookClient(nb, timeout=60, kernel_manager_class="course_utils.grading.kernel.SandboxKernelManager",
                               resources={"metadata": {"path": cwd}}).execute()
                times[kind].append(time.perf_counter() - start)
    os.environ.pop("COURSE_GRADE_KERNEL_SERVER", None)
    return statistics.median(times["launcher"]), statistics.median(times["server"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=30, help="number of submissions (default 30)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--scheduler", choices=["local"], help="compare with a Dask LocalCluster of 1 and 2 workers")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    try:
        root = make_course(base, args.n, loops=bool(args.scheduler))
        print(f"{args.n} submissions of {A} on {os.cpu_count()} cores "
              f"(load average {os.getloadavg()[0]:.1f} at start)")
        if args.scheduler:
            cluster_benchmark(root, args.n)
            return
        plain = plain_nbgrader(fresh_copy(root, "plain"))
        print(f"(a) nbgrader autograde CLI, serial : {plain / args.n:6.2f} s/notebook ({plain:.0f} s)")
        for workers in args.workers:
            seconds, statuses, _ = pipeline_run(fresh_copy(root, f"pipeline{workers}"), workers)
            counts = _counts(statuses)
            print(f"(b) course-grade --workers {workers}      : {seconds / args.n:6.2f} s/notebook ({seconds:.0f} s), "
                  f"{seconds / plain:.2f}x the time of (a); statuses {counts}")
        fresh, warm = kernel_start()
        print(f"(c) kernel start + set-up imports  : fresh interpreter {fresh:.2f} s, forked from the warm server "
              f"{warm:.2f} s ({warm / fresh:.2f}x), medians of 10 interleaved")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
