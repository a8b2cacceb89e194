"""``course_utils.grading.sandbox.confine`` and the warm kernel server, on their own.

Confinement needs root (mount namespaces, a uid of its own); these tests are skipped elsewhere. The course
folder here is the repository's own ``notebooks/``: a folder *inside* what student code must still read
(``course_utils``, ``data/``), outside the temporary folders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from course_utils.grading import sandbox

REPO = Path(__file__).resolve().parent.parent
SECRET = REPO / "notebooks" / "source" / "week3_3_softmax" / "softmax_regression.ipynb"

needs_root = pytest.mark.skipif(not sandbox.can_confine(), reason="confinement needs root and mount namespaces")


def _confined(code: str, writable: Path, hide: list[str]) -> dict:
    """Run ``code`` after ``confine([writable], hide)`` in a fresh interpreter; what it printed, as JSON."""
    script = textwrap.dedent(f"""
        import json, os, sys
        from course_utils.grading.sandbox import confine
        confined = confine([{str(writable)!r}], {hide!r})
        os.chdir({str(writable)!r})
        out = {{"confined": confined}}
        sandbox_max = {sandbox.MAX_PROCESSES}
    """) + textwrap.dedent(code) + "\nprint(json.dumps(out))\n"
    done = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


FORK_BOMB = """
children = []
try:
    for _ in range(4 * sandbox_max):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        children.append(pid)  # not reaped yet: each still counts against RLIMIT_NPROC
    out['fork_error'] = None
except OSError as e:
    out['fork_error'] = type(e).__name__
out['forked'] = len(children)
for pid in children:
    os.waitpid(pid, 0)
"""


def _attempt(expression: str, key: str) -> str:
    return (f"try:\n    {expression}\n    out[{key!r}] = 'ok'\n"
            f"except OSError as e:\n    out[{key!r}] = type(e).__name__\n")


@needs_root
def test_confined_code_cannot_reach_the_course_but_runs_the_course_code(tmp_path):
    writable = tmp_path / "work"
    writable.mkdir()
    other = tmp_path / "other-student.txt"
    other.write_text("someone else's work")
    code = "\n".join([
        "import resource",
        "out['uid'], out['pid'] = os.getuid(), os.getpid()",
        "out['nproc'] = resource.getrlimit(resource.RLIMIT_NPROC)[0]",
        FORK_BOMB,
        _attempt(f"open({str(SECRET)!r}).read()", "read_source"),
        _attempt(f"open({str(REPO / 'notebooks' / 'new-file')!r}, 'w')", "write_course"),
        _attempt(f"open({str(other)!r}).read()", "read_other_tmp"),
        _attempt(f"open({str(REPO / 'README.md')!r}).read()", "read_readme"),
        _attempt(f"open({str(REPO / '.git' / 'HEAD')!r}).read()", "read_git"),
        _attempt(f"open({str(REPO / 'course_utils' / 'new.py')!r}, 'w')", "write_package"),
        _attempt("open('answer.txt', 'w').write('mine')", "write_own"),
        _attempt("open('/tmp/scratch.txt', 'w').write('x')", "write_tmp"),
        _attempt("os.listdir('/root')", "list_root"),
        "import numpy, course_utils.datasets as d, fractions, sqlite3",  # lazy imports from the stdlib
        "out['digits'] = list(d.load_digits()[0].shape)",
        "out['root_entries'] = sorted(os.listdir('/root')) if out['list_root'] == 'ok' else None",
    ])
    out = _confined(code, writable, [str(REPO / "notebooks")])
    assert out["confined"] is True and out["uid"] == sandbox.CONFINED_UID_BASE + out["pid"]
    assert out["nproc"] == sandbox.MAX_PROCESSES
    assert 0 < out["forked"] < sandbox.MAX_PROCESSES and out["fork_error"] == "BlockingIOError"
    assert out["read_source"] == "FileNotFoundError"  # the course folder is an empty tmpfs
    assert out["write_course"] in {"PermissionError", "FileNotFoundError"}
    assert out["read_other_tmp"] == "FileNotFoundError"  # other temporary folders are hidden
    if (REPO / ".git").exists():  # the checkout is hidden (its history holds the sources) ...
        assert (out["read_readme"], out["read_git"]) == ("FileNotFoundError", "FileNotFoundError")
    assert out["write_package"] == "PermissionError"  # ... but for course_utils and data/, read-only
    assert (out["write_own"], out["write_tmp"]) == ("ok", "ok")
    assert out["digits"][0] > 0
    needed = {Path(p).parts[2] for p in sandbox.runtime_paths() if p.startswith("/root/")}
    assert set(out["root_entries"] or []) <= needed  # /root shows only the way to the Python, if anything
    assert (writable / "answer.txt").read_text() == "mine"
    assert not (REPO / "notebooks" / "new-file").exists()


@needs_root
def test_kernel_server_runs_a_confined_kernel(tmp_path):
    """A kernel forked from the warm server runs code under a uid of its own and cannot see the course."""
    import nbformat
    from nbclient import NotebookClient

    from course_utils.grading import kernel_server

    path = kernel_server.socket_path()
    assert path is not None
    cwd = tmp_path / "work"
    cwd.mkdir()
    env = {"COURSE_GRADE_KERNEL_SERVER": path, "COURSE_GRADE_CONFINE": "1",
           "COURSE_GRADE_HIDE": str(REPO / "notebooks"), "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import os\nprint(os.getuid(), os.path.exists(" + repr(str(SECRET)) + "))\n"
        "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()")]
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=60, kernel_manager_class="course_utils.grading.kernel.SandboxKernelManager",
                       resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        for key, value in saved.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    outputs = nb.cells[0].outputs
    uid, sees_source = outputs[0]["text"].split()
    assert int(uid) >= sandbox.CONFINED_UID_BASE and sees_source == "False"
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the inline backend still works


def test_kernel_server_is_restarted_when_it_died():
    from course_utils.grading import kernel_server

    first = kernel_server.socket_path()
    pid = kernel_server.server_pid()
    kernel_server._SERVER.proc.kill()
    kernel_server._SERVER.proc.wait()
    second = kernel_server.socket_path()
    assert second is not None and second != first and kernel_server.server_pid() != pid
    assert not os.path.exists(first)  # the dead server's folder is gone


@needs_root
def test_launcher_confines_the_command(tmp_path):
    """The launcher (the re-check's fallback when its fork server is unusable) confines as the servers do."""
    code = f"import os; print(os.getuid(), os.getcwd(), os.path.exists({str(SECRET)!r}))"
    done = subprocess.run(
        sandbox.launcher_cmd(60, 2048, 16, confine={"writable": [str(tmp_path)], "hide": [str(REPO / "notebooks")]})
        + [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    uid, cwd, sees_source = done.stdout.split()
    assert (int(uid) >= sandbox.CONFINED_UID_BASE, cwd, sees_source) == (True, str(tmp_path), "False")
