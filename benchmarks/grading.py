#!/usr/bin/env python
"""How long grading a class takes: plain ``nbgrader autograde`` vs the ``course-grade`` pipeline.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/grading.py [--n 30] [--workers 1 2]

Makes N submissions of week3_3_softmax (the solution, the blank student version and a partly correct
one, in turn) in a throw-away course, then grades the same N submissions

(a) with the stock CLI, ``nbgrader autograde week3_3_softmax --force`` (one call, serial, no statuses,
    no re-check), and
(b) with ``course-grade autograde`` (statuses, integrity re-check, sandbox when available) with 1 and
    2 workers,

each in a fresh copy of the course, and prints seconds per notebook and the ratios to (a); then (c) the
start of one sandboxed kernel with the set-up imports, from a fresh interpreter vs forked from the warm
kernel server. The machines are shared: compare the ratios of one run, not absolute times across runs.
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


def make_course(base: Path, n: int) -> Path:
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
    kinds = [solution, release, partial]
    for i in range(n):
        folder = root / "submitted" / f"s{i:03d}" / A
        folder.mkdir(parents=True)
        (folder / f"{NB}.ipynb").write_text(json.dumps(kinds[i % 3]))
    return root


def fresh_copy(root: Path, name: str) -> Path:
    target = root.parent / name
    shutil.copytree(root, target)
    config = target / "nbgrader_config.py"
    config.write_text(config.read_text().replace(repr(str(root)), repr(str(target))))
    return target


def plain_nbgrader(root: Path) -> float:
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    start = time.perf_counter()
    subprocess.run([str(bin_dir / "nbgrader"), "autograde", A, "--force"], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def pipeline_run(root: Path, workers: int) -> tuple[float, dict]:
    from course_utils.grading import pipeline

    start = time.perf_counter()
    statuses = pipeline.autograde(root, A, pipeline.Options(workers=workers), log=lambda *_: None)
    return time.perf_counter() - start, statuses


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
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="grading-bench-"))
    try:
        root = make_course(base, args.n)
        print(f"{args.n} submissions of {A} on {os.cpu_count()} cores "
              f"(load average {os.getloadavg()[0]:.1f} at start)")
        plain = plain_nbgrader(fresh_copy(root, "plain"))
        print(f"(a) nbgrader autograde CLI, serial : {plain / args.n:6.2f} s/notebook ({plain:.0f} s)")
        for workers in args.workers:
            seconds, statuses = pipeline_run(fresh_copy(root, f"pipeline{workers}"), workers)
            counts = {}
            for record in statuses.values():
                counts[record["status"]] = counts.get(record["status"], 0) + 1
            print(f"(b) course-grade --workers {workers}      : {seconds / args.n:6.2f} s/notebook ({seconds:.0f} s), "
                  f"{seconds / plain:.2f}x the time of (a); statuses {counts}")
        fresh, warm = kernel_start()
        print(f"(c) kernel start + set-up imports  : fresh interpreter {fresh:.2f} s, forked from the warm server "
              f"{warm:.2f} s ({warm / fresh:.2f}x), medians of 10 interleaved")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
