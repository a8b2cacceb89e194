"""Process limits for everything that runs student code.

* :func:`apply_limits` - rlimits (CPU seconds, address space, file size, open files, no core dumps);
  :func:`limits_preexec` wraps it as a ``preexec_fn`` for single-threaded callers.
* ``python -m course_utils.grading.sandbox [options] -- CMD...`` - a launcher that applies the same
  limits, moves into an empty network namespace (``unshare(CLONE_NEWNET)``, when permitted) and execs
  ``CMD``. The re-check child is started through it (a ``preexec_fn`` is not safe in the threaded worker)
  and :class:`course_utils.grading.kernel.SandboxKernelManager` starts nbgrader's kernels through it
  (ZeroMQ over ``ipc`` sockets, since the kernel has no network at all).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import sys

CLONE_NEWNET = 0x40000000
DEFAULT_LIMITS = {"cpu": 600, "memory_mb": 4096, "fsize_mb": 256, "nofile": 256}


def apply_limits(cpu: int, memory_mb: int, fsize_mb: int, nofile: int = 256) -> None:
    """Set rlimits on the calling process (inherited by its children)."""
    def setlimit(kind, value):
        _, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, value if hard == resource.RLIM_INFINITY else hard))

    setlimit(resource.RLIMIT_CPU, int(cpu))
    setlimit(resource.RLIMIT_AS, int(memory_mb) * 1024 * 1024)
    setlimit(resource.RLIMIT_FSIZE, int(fsize_mb) * 1024 * 1024)
    setlimit(resource.RLIMIT_NOFILE, int(nofile))
    setlimit(resource.RLIMIT_CORE, 0)


def limits_preexec(cpu: int, memory_mb: int, fsize_mb: int, nofile: int = 256, no_network: bool = True):
    """A ``preexec_fn``: new session (so the whole group can be killed), no network when permitted
    (best effort), then :func:`apply_limits`."""
    def preexec():
        os.setsid()
        if no_network:
            unshare_network()
        apply_limits(cpu, memory_mb, fsize_mb, nofile)
    return preexec


def unshare_network() -> bool:
    """Move the calling process into a new, empty network namespace; ``False`` when not permitted."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def available() -> bool:
    """Whether the launcher can isolate a process here (unshare(CLONE_NEWNET) permitted)."""
    import subprocess

    try:
        return subprocess.run(
            [sys.executable, "-m", "course_utils.grading.sandbox", "--no-network", "--", sys.executable, "-c", "pass"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60, check=False,
        ).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m course_utils.grading.sandbox")
    parser.add_argument("--cpu", type=int, default=DEFAULT_LIMITS["cpu"])
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_LIMITS["memory_mb"])
    parser.add_argument("--fsize-mb", type=int, default=DEFAULT_LIMITS["fsize_mb"])
    parser.add_argument("--nofile", type=int, default=DEFAULT_LIMITS["nofile"])
    parser.add_argument("--no-network", action="store_true", help="fail unless an empty network namespace is made")
    parser.add_argument("--try-no-network", action="store_true", help="empty network namespace when permitted")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no command")
    if args.no_network and not unshare_network():
        sys.stderr.write("sandbox: unshare(CLONE_NEWNET) not permitted; refusing to start without isolation\n")
        sys.exit(70)
    if args.try_no_network:
        unshare_network()
    apply_limits(args.cpu, args.memory_mb, args.fsize_mb, args.nofile)
    os.execvp(cmd[0], cmd)


def launcher_cmd(cpu: int, memory_mb: int, fsize_mb: int, network: str = "try") -> list[str]:
    """The command prefix that runs a command under the limits (``network``: "off", "try" or "keep")."""
    flag = {"off": ["--no-network"], "try": ["--try-no-network"], "keep": []}[network]
    return [sys.executable, "-m", "course_utils.grading.sandbox", "--cpu", str(cpu), "--memory-mb", str(memory_mb),
            "--fsize-mb", str(fsize_mb), *flag, "--"]


if __name__ == "__main__":
    main()
