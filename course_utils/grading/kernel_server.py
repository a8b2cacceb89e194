"""Warm, confined kernels for grading: a fork server, one per grading worker.

``python -I -m course_utils.grading.kernel_server SOCKET`` imports IPython, ipykernel, numpy,
matplotlib and course_utils once (never any student code), then listens on the Unix socket SOCKET.
nbgrader's kernel manager (:class:`course_utils.grading.kernel.SandboxKernelManager`) starts
``_kernel_shim.py`` in place of the kernel; the shim sends the kernel's command line, working folder,
environment and standard streams. The server forks a child per kernel, which

1. starts its own session, takes the shim's streams, and closes every other descriptor;
2. isolates itself (:mod:`course_utils.grading.sandbox`): empty network namespace, the course folder and
   the temporary folders hidden, a uid of its own (when run as root), rlimits;
3. runs ``ipykernel_launcher`` in the warm interpreter (any other kernel command is exec'd).

Every notebook still gets a fresh process (copy-on-write of this one), without paying ~1 s of
interpreter start-up and imports. When a kernel exits, the server sends its exit code to the shim;
when a shim's connection closes (jupyter_client or the watchdog killed it), the server kills that
kernel's process group. EOF on the server's stdin (the worker is gone) ends the server and its kernels.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

from course_utils.grading.numeric_env import numeric_environment

WARM_MODULES = (
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython.core.interactiveshell",
    "numpy", "matplotlib.pyplot", "tqdm.auto", "ipywidgets",
    "course_utils.checks", "course_utils.datasets", "course_utils.plotting", "course_utils.training",
    "course_utils.gradient_check", "course_utils.widgets", "course_utils.grading.sandbox",
)


def warm_up() -> None:
    """Import :data:`WARM_MODULES` (those that import cleanly here), and the course's checks.

    Not matplotlib's inline backend: it hooks into IPython when imported, so the kernel must import it
    itself (see :func:`_kernel_child`)."""
    import importlib

    for name in WARM_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - the kernel imports it again and reports the error
            continue
    from course_utils.checks import all_exercises

    all_exercises()


def _connection_file(argv: list[str], private: str) -> list[str]:
    """Copy the connection file (``-f PATH``, readable by root only) into the kernel's private folder."""
    argv = list(argv)
    for i, arg in enumerate(argv[:-1]):
        if arg == "-f":
            copy = os.path.join(private, "connection.json")
            with open(argv[i + 1]) as source, open(copy, "w") as target:
                target.write(source.read())
            argv[i + 1] = copy
    return argv


def _isolate(request: dict) -> list[str]:
    """Steps 2 of the module docstring; returns the kernel command to run."""
    from course_utils.grading import sandbox

    private = request["private"]
    argv = _connection_file(request["argv"], private)
    home = os.path.join(private, "home")
    os.makedirs(home, exist_ok=True)
    os.environ.update(HOME=home, IPYTHONDIR=os.path.join(home, ".ipython"),
                      MPLCONFIGDIR=os.path.join(home, ".matplotlib"))
    cwd = request["cwd"]
    sandbox.isolate(cwd, request["limits"], request.get("network", "keep"),
                    [private, cwd] if request.get("confine") else None, request.get("hide", []))
    return argv


def _kernel_child(request: dict, fds: list[int]) -> None:
    """In the forked child (see the module docstring). Never returns."""
    code = 1
    try:
        os.setsid()
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        os.closerange(3, 65536)
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(request["env"])
        argv = _isolate(request)
        if argv[1:3] == ["-m", "ipykernel_launcher"] and os.path.realpath(argv[0]) == os.path.realpath(sys.executable):
            from ipykernel import kernelapp

            if "matplotlib" in sys.modules:  # imported by the server: the backend a fresh kernel would pick
                sys.modules["matplotlib"].rcParams["backend"] = (
                    os.environ.get("MPLBACKEND") or "module://matplotlib_inline.backend_inline")
            parent = os.environ.get("JPY_PARENT_PID")  # read by ipykernel at import, i.e. in the server
            parent = [f"--IPKernelApp.parent_handle={parent}"] if parent else []
            sys.argv = ["ipykernel_launcher", *parent, *argv[3:]]
            kernelapp.launch_new_instance()
            code = 0
        else:
            os.execvpe(argv[0], argv, os.environ)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - report on the shim's stderr, then exit
        import traceback

        try:
            os.write(2, f"kernel server: {traceback.format_exc()[-3000:]}".encode())
        except OSError:
            pass
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        os._exit(code)


def _receive(conn) -> tuple[dict, list[int]]:
    data, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
    while not data.endswith(b"\n"):
        chunk = conn.recv(1 << 20)
        if not chunk:
            break
        data += chunk
    return json.loads(data), fds


def _send(conn, message: dict) -> None:
    try:
        conn.sendall(json.dumps(message).encode() + b"\n")
    except OSError:
        pass


def _kill(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


def serve(path: str) -> None:
    """The server loop (see the module docstring)."""
    warm_up()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(64)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    kernels: dict[int, socket.socket | None] = {}  # pid -> the shim's connection (None once it closed)
    stdin = sys.stdin.fileno()
    try:
        while True:
            conns = {conn.fileno(): pid for pid, conn in kernels.items() if conn is not None}
            readable, _, _ = select.select([listener, wake_r, stdin, *conns], [], [])
            if stdin in readable and not os.read(stdin, 4096):
                return
            if wake_r in readable:
                os.read(wake_r, 4096)
            if listener in readable:
                conn, _ = listener.accept()
                try:
                    request, fds = _receive(conn)
                except (OSError, ValueError):
                    conn.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    _kernel_child(request, fds)
                for fd in fds:
                    os.close(fd)
                kernels[pid] = conn
                _send(conn, {"pid": pid})
            for fd, pid in conns.items():
                if fd in readable:  # the shim went away (or broke the protocol): the kernel goes too
                    _kill(pid)
                    kernels[pid].close()
                    kernels[pid] = None
            while kernels:
                try:
                    pid, status = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
                conn = kernels.pop(pid, None)
                if conn is not None:
                    _kill(pid)  # whatever the kernel left behind in its session
                    _send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                    conn.close()
    finally:
        for pid in kernels:
            _kill(pid)


class KernelServer:
    """The worker's handle on its server: started once, restarted by :func:`socket_path` if it died."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="course-grade-kernels-")
        self.path = os.path.join(self.folder, "server.sock")
        # Its numpy loads BLAS once, for every kernel it forks: with the numeric environment of the grading
        # process, which the re-check children and the judge share (see numeric_env).
        self.numeric = numeric_environment()
        self.proc = subprocess.Popen([sys.executable, "-I", "-m", "course_utils.grading.kernel_server", self.path],
                                     stdin=subprocess.PIPE, start_new_session=True,
                                     env={**os.environ, **self.numeric})

    def ready(self, timeout_s: float = 120.0) -> bool:
        """Wait until the server listens (it imports for ~1-2 s first); ``False`` if it died or is late."""
        deadline = time.monotonic() + timeout_s
        while not os.path.exists(self.path):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


_SERVER: KernelServer | None = None


def start() -> None:
    """Start this process's kernel server now, so that it warms up while the process does other work."""
    global _SERVER
    if _SERVER is None or _SERVER.proc.poll() is not None or _SERVER.numeric != numeric_environment():
        if _SERVER is not None:
            _SERVER.close()
        _SERVER = KernelServer()
        import atexit

        atexit.register(_SERVER.close)


def socket_path() -> str | None:
    """The socket of this process's (running, listening) kernel server, or ``None`` if it cannot start."""
    start()
    return _SERVER.path if _SERVER.ready() else None


def server_pid() -> int | None:
    """The pid of this process's kernel server (the watchdog spares it), or ``None``."""
    return _SERVER.proc.pid if _SERVER is not None else None


if __name__ == "__main__":
    serve(sys.argv[1])
