"""Process limits for everything that runs student code.

* :func:`isolate` - the sequence every process that runs student code goes through: network namespace,
  :func:`confine`, working folder, :func:`apply_limits` (rlimits: CPU seconds, address space, file size,
  open files, no core dumps).
* :func:`hide_files` + :func:`drop_privileges` (both through :func:`confine`) - when run as root: a new
  mount namespace in which the course folder and the temporary folders are covered by empty tmpfs
  mounts (only the process's own folders are bound back), then the process becomes a user of its own
  (:func:`confined_uid`), so it can neither read nor write the gradebook, the instructor's sources or
  other submissions, cannot undo the mounts, and cannot reach another confined process.
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
CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x1000, 0x4000, 0x40000
PR_SET_NO_NEW_PRIVS = 38
CONFINED_UID_BASE = 2_000_000_000
"""A confined process runs as uid = gid = this + its pid: no account has it, no two live processes share it."""
MAX_PROCESSES = 256
"""RLIMIT_NPROC once confined: processes and threads of that uid, i.e. of one kernel and its children."""
TMPFS_OPTIONS = "size=512m,mode={mode:o}"
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


def unshare_network() -> bool:
    """Move the calling process into a new, empty network namespace; ``False`` when not permitted."""
    try:
        return _libc().unshare(CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _mount(source, target: str, fstype, flags: int, data=None) -> None:
    def encode(value):
        return None if value is None else str(value).encode()

    if _libc().mount(encode(source), encode(target), encode(fstype), flags, encode(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def runtime_paths() -> list[str]:
    """What student code must be able to read: the Python installation, the venv, course_utils and its data."""
    import course_utils
    from course_utils.datasets import data_dir

    return [sys.base_prefix, sys.prefix, os.path.dirname(os.path.abspath(course_utils.__file__)), str(data_dir())]


def checkout_path() -> list[str]:
    """The git checkout course_utils is installed from (editable install), as a list of 0 or 1 path.

    Its history holds the instructor's notebooks, so it is hidden apart from what :func:`runtime_paths`
    keeps."""
    import course_utils

    root = os.path.dirname(os.path.dirname(os.path.abspath(course_utils.__file__)))
    return [root] if os.path.exists(os.path.join(root, ".git")) else []


def hide_files(keep: list[str], hide: list[str]) -> None:
    """In a new mount namespace, cover every folder of ``hide`` with an empty tmpfs; ``keep`` stays visible.

    A folder on the way to a ``keep`` path that other users cannot enter (e.g. ``/root``, mode 700, above
    pyenv's Python) is covered too, with the kept paths bound back into the cover. Covers inside a kept
    path (the course folder inside the repository) are mounted last. Needs root (CAP_SYS_ADMIN).
    """
    import stat

    if _libc().unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS) not permitted")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    keep = sorted({os.path.realpath(p) for p in keep if os.path.exists(p)})
    covers = {os.path.realpath(p) for p in hide if os.path.isdir(p)}
    for path in keep:
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):
            ancestor = "/" + "/".join(parts[:depth])
            if not os.stat(ancestor).st_mode & stat.S_IXOTH:
                covers.add(ancestor)
                break
    outer = [c for c in covers if not any(_under(c, k) for k in keep)]
    inner = [c for c in covers if c not in outer]
    rebind = {k: os.open(k, os.O_PATH) for k in keep if any(_under(k, c) for c in outer)}

    def cover(path):
        sticky = os.stat(path).st_mode & stat.S_ISVTX
        _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, TMPFS_OPTIONS.format(mode=0o1777 if sticky else 0o755))

    for path in sorted(outer, key=len):
        if not any(_under(path, o) and path != o for o in outer):
            cover(path)
    for path, fd in sorted(rebind.items()):
        os.makedirs(path, mode=0o755, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND)
        os.close(fd)
    for path in sorted(inner, key=len):
        if os.path.isdir(path):
            cover(path)


def confined_uid() -> int:
    """The uid (and gid) :func:`confine` gives the calling process: :data:`CONFINED_UID_BASE` + its pid."""
    return CONFINED_UID_BASE + os.getpid()


def drop_privileges(uid: int, gid: int) -> None:
    """Become ``uid``/``gid`` with no supplementary groups, no capabilities and no way back (no_new_privs)."""
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def give_to(paths: list[str], uid: int) -> None:
    """``chown -R uid:uid`` (symbolic links not followed): the folders student code may write."""
    for top in paths:
        os.chown(top, uid, uid, follow_symlinks=False)
        for folder, dirs, files in os.walk(top):
            for name in dirs + files:
                os.chown(os.path.join(folder, name), uid, uid, follow_symlinks=False)


def confine(writable: list[str], hide: list[str]) -> bool:
    """Confine the calling process when root; returns whether it did (``False`` when not root).

    :func:`hide_files` (``hide``, the temporary folders and the course's checkout covered; the runtime
    and ``writable`` kept), ``writable`` given to :func:`confined_uid`, :func:`drop_privileges` to it, and
    at most :data:`MAX_PROCESSES` processes. Not root: the process cannot read more than its user anyway."""
    import tempfile

    if os.geteuid() != 0:
        return False
    temporary = [tempfile.gettempdir(), "/tmp", "/var/tmp", "/dev/shm"]
    hide_files(runtime_paths() + writable, list(hide) + temporary + checkout_path())
    uid = confined_uid()
    give_to(writable, uid)
    drop_privileges(uid, uid)
    resource.setrlimit(resource.RLIMIT_NPROC, (MAX_PROCESSES, MAX_PROCESSES))
    return True


def isolate(cwd: str, limits: dict, network: str = "try", writable=None, hide=()) -> None:
    """Isolate the calling process before it runs student code, in this order (``OSError`` when a required
    step is not permitted):

    1. ``network``: "off" - an empty network namespace, required; "try" - one when permitted; "keep".
    2. When ``writable`` (a list of folders) is given: :func:`confine` (``writable`` kept and given to the
       process, ``hide`` hidden), required.
    3. ``chdir(cwd)``: the working folder as seen through the new mounts.
    4. :func:`apply_limits` with ``limits`` (``cpu``, ``memory_mb``, ``fsize_mb``, optional ``nofile``).
    """
    if network == "off" and not unshare_network():
        raise OSError("unshare(CLONE_NEWNET) not permitted")
    if network == "try":
        unshare_network()
    if writable is not None and not confine(writable, list(hide)):
        raise OSError("confinement needs root")
    os.chdir(cwd)
    apply_limits(limits["cpu"], limits["memory_mb"], limits["fsize_mb"], limits.get("nofile", DEFAULT_LIMITS["nofile"]))


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


def can_confine() -> bool:
    """Whether :func:`confine` works here (root, mount namespaces permitted), tried in a child process."""
    import subprocess

    if os.geteuid() != 0:
        return False
    code = "import os; from course_utils.grading.sandbox import confine; confine([], []); assert os.getuid() != 0"
    try:
        return subprocess.run([sys.executable, "-I", "-c", code], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=60, check=False).returncode == 0
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
    parser.add_argument("--confine", action="store_true", help="confine(): hide folders, own uid (root only)")
    parser.add_argument("--writable", action="append", default=[], help="with --confine: a folder to keep, writable")
    parser.add_argument("--hide", action="append", default=[], help="with --confine: a folder to hide")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        parser.error("no command")
    network = "off" if args.no_network else "try" if args.try_no_network else "keep"
    limits = {"cpu": args.cpu, "memory_mb": args.memory_mb, "fsize_mb": args.fsize_mb, "nofile": args.nofile}
    try:
        isolate(os.getcwd(), limits, network, args.writable if args.confine else None, args.hide)
    except OSError as error:
        sys.stderr.write(f"sandbox: {error}; refusing to start without isolation\n")
        sys.exit(70)
    os.execvp(cmd[0], cmd)


def launcher_cmd(cpu: int, memory_mb: int, fsize_mb: int, network: str = "try", confine=None) -> list[str]:
    """The command prefix that runs a command under the limits and, optionally, :func:`confine`.

    ``network``: "off", "try" or "keep"; ``confine``: ``{"writable": [...], "hide": [...]}``."""
    flag = {"off": ["--no-network"], "try": ["--try-no-network"], "keep": []}[network]
    if confine is not None:
        flag += ["--confine", *(f"--writable={p}" for p in confine["writable"]),
                 *(f"--hide={p}" for p in confine["hide"])]
    return [sys.executable, "-m", "course_utils.grading.sandbox", "--cpu", str(cpu), "--memory-mb", str(memory_mb),
            "--fsize-mb", str(fsize_mb), *flag, "--"]


if __name__ == "__main__":
    main()
