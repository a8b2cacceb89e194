#!/usr/bin/env python3
"""One entry point for students, instructors and CI (standard library only).

    python3 course.py start     set up .venv and open the course in JupyterLab
    python3 course.py test      set up .venv (test tools, TensorFlow CPU) and run the whole test suite, then the
                                tests marked blas_matrix again under a second BLAS setting (see docs/grading.md)
    python3 course.py setup     only set up .venv (add --dev for the test tools, --tf for TensorFlow)

On Windows type ``py course.py start`` / ``py course.py test``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STUDENT_NOTEBOOKS = ROOT / "notebooks" / "release"
PLAYGROUND = ROOT / "notebooks" / "playground"
WORKSPACE = ROOT / "my-work"
CHROMIUM = Path("/usr/bin/chromium")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: list, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def setup(extras: list[str]) -> Path:
    """Create .venv and install the package with ``extras``; skip when nothing changed since last time."""
    if sys.version_info < (3, 10):
        sys.exit(f"Python 3.10 or newer is needed, this is {sys.version.split()[0]}")
    if not venv_python().exists():
        print(f"Creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = "." + (f"[{','.join(extras)}]" if extras else "")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    stamp = VENV / ".course-installed"
    if not stamp.exists() or digest not in stamp.read_text().split():
        run([venv_python(), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
        run([venv_python(), "-m", "pip", "install", "--quiet", "-e", spec], cwd=ROOT)
        previous = stamp.read_text() if stamp.exists() else ""
        stamp.write_text(previous + digest + "\n")
    return venv_python()


def ensure_debian_packages() -> None:
    """Install Debian's chromium (browser tests) and postgresql (cluster grading tests) when we can (root on
    Debian); otherwise those tests are skipped."""
    if shutil.which("apt-get") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    missing = [] if CHROMIUM.exists() else ["chromium", "fonts-dejavu-core"]
    missing += [] if list(Path("/usr/lib/postgresql").glob("*/bin/initdb")) else ["postgresql"]
    if not missing:
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", *missing], env=env)


def test_env() -> dict:
    env = dict(os.environ)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[name] = "1"
    env["MPLBACKEND"] = "Agg"
    env["PATH"] = str(venv_python().parent) + os.pathsep + env.get("PATH", "")
    return env


def cmd_start(args) -> None:
    python = setup(["course"])
    WORKSPACE.mkdir(exist_ok=True)
    copies = [(nb, nb.relative_to(STUDENT_NOTEBOOKS)) for nb in sorted(STUDENT_NOTEBOOKS.rglob("*.ipynb"))]
    copies += [(nb, nb.relative_to(PLAYGROUND.parent)) for nb in sorted(PLAYGROUND.glob("*.ipynb"))]
    for notebook, relative in copies:
        target = WORKSPACE / relative
        if not target.exists():  # never overwrite a student's work
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(notebook, target)
    print(f"Your notebooks are in {WORKSPACE} (copies of {STUDENT_NOTEBOOKS}; your work is never overwritten).")
    extra = ["--no-browser"] if args.no_browser else []
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        extra.append("--allow-root")  # containers and CI machines often run as root
    os.execv(str(python), [str(python), "-m", "jupyter", "lab", f"--notebook-dir={WORKSPACE}", *extra])


# x86-64 OpenBLAS core types, newest first, with the CPU flags (Linux /proc/cpuinfo) each one needs.
OLDER_CORE_TYPES = (("Haswell", {"avx2", "fma"}), ("Sandybridge", {"avx"}), ("Nehalem", {"sse4_2"}))
BLAS_PROBE = (
    "import json, numpy, threadpoolctl; "
    "print(json.dumps([i for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'][:1]))"
)


def blas_in_use(python: Path, env: dict) -> dict:
    """What numpy's BLAS reports under ``env`` (threadpoolctl: internal_api, architecture, num_threads), or {}."""
    try:
        out = subprocess.run([str(python), "-c", BLAS_PROBE], env=env, capture_output=True, text=True, timeout=120)
        return (json.loads(out.stdout) or [{}])[0] if out.returncode == 0 else {}
    except (OSError, ValueError, subprocess.SubprocessError):
        return {}


def cpu_flags() -> set:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    return next((set(line.split(":", 1)[1].split()) for line in text.splitlines() if line.startswith("flags")), set())


def second_blas_env(python: Path, env: dict) -> tuple[dict, int]:
    """The second BLAS setting of ``course.py test`` and its number of pytest workers.

    Where ``OPENBLAS_CORETYPE`` is unset: the newest OpenBLAS core type older than the default that this CPU
    supports and OpenBLAS reports back (threadpoolctl's ``architecture``), 1 thread, 2 workers. Where it is set
    (some machines need it: older OpenBLAS builds compute wrong results or crash on their processor), it and
    ``OPENBLAS_L2_SIZE`` are never changed, and so where no older core type is found: the threads vary
    instead, 2 of them, with 1 worker (2 workers of 2 threads on 2 cores make OpenBLAS's threads wait for
    each other: mid-size products ran 4-40x slower here).
    """
    two_threads = (dict(env, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2", MKL_NUM_THREADS="2"), 1)
    if "OPENBLAS_CORETYPE" in env:
        return two_threads
    default = blas_in_use(python, env)
    if default.get("internal_api") != "openblas":
        return two_threads
    names = [name.lower() for name, _ in OLDER_CORE_TYPES]
    current = str(default.get("architecture", "")).lower()
    older = OLDER_CORE_TYPES[names.index(current) + 1:] if current in names else OLDER_CORE_TYPES
    flags = cpu_flags()
    for core, needs in older:
        trial = dict(env, OPENBLAS_CORETYPE=core)
        if needs <= flags and str(blas_in_use(python, trial).get("architecture", "")).lower() == core.lower():
            return trial, 2
    return two_threads


def describe_blas(python: Path, env: dict) -> str:
    blas = blas_in_use(python, env)
    names = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    settings = ", ".join(f"{name}={env[name]}" for name in names if name in env)
    found = f"{blas.get('internal_api', '?')} {blas.get('architecture', '?')}, {blas.get('num_threads', '?')} thread(s)"
    return f"{found} ({settings})"


def with_marker(pytest_args: list, marker: str) -> list:
    """``pytest_args`` restricted to the tests marked ``marker`` (and to the user's own ``-m`` expression)."""
    args, expression = list(pytest_args), marker
    for i, arg in enumerate(args[:-1]):
        if arg == "-m":
            expression = f"({args[i + 1]}) and {marker}"
            del args[i : i + 2]
            break
    return [*args, "-m", expression]


def cmd_test(args) -> None:
    extras = ["dev"] + ([] if args.no_tf else ["tf"])
    python = setup(extras)
    ensure_debian_packages()
    first = test_env()
    print(f"Pass 1, every selected test; BLAS: {describe_blas(python, first)}", flush=True)
    result = subprocess.run([str(python), "-m", "pytest", "-n", "2", "--dist", "loadgroup", *args.pytest_args],
                            cwd=ROOT, env=first)
    second, workers = second_blas_env(python, first)
    print(f"Pass 2, the tests marked blas_matrix (round trips, re-checks, variant tables); BLAS: "
          f"{describe_blas(python, second)}", flush=True)
    again = subprocess.run([str(python), "-m", "pytest", "-n", str(workers), "--dist", "loadgroup",
                            *with_marker(args.pytest_args, "blas_matrix")], cwd=ROOT, env=second)
    sys.exit(result.returncode or (0 if again.returncode == 5 else again.returncode))  # 5: none selected


def cmd_setup(args) -> None:
    setup((["dev"] if args.dev else ["course"]) + (["tf"] if args.tf else []))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="set up and open the course in JupyterLab")
    start.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    start.set_defaults(func=cmd_start)
    test = sub.add_parser("test", help="set up and run the whole test suite")
    test.add_argument("--no-tf", action="store_true", help="skip TensorFlow (its notebook's tests are then skipped)")
    test.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    test.set_defaults(func=cmd_test)
    only = sub.add_parser("setup", help="only create/update .venv")
    only.add_argument("--dev", action="store_true", help="include the test and authoring tools")
    only.add_argument("--tf", action="store_true", help="include TensorFlow (CPU)")
    only.set_defaults(func=cmd_setup)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
