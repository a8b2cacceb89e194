"""A throw-away PostgreSQL server for the tests: its own cluster in a temp folder, stopped and deleted after.

Uses Debian's ``postgresql`` package (``python3 course.py test`` installs it when run as root). PostgreSQL
refuses to run as root, so as root the cluster belongs to the ``postgres`` system user the package
creates; otherwise to the current user. The server listens only on a Unix socket in the temp folder.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

PORT = 5432  # the socket lives in a private folder, so the usual port cannot clash with another server


def binaries() -> Path | None:
    """``/usr/lib/postgresql/<newest version>/bin``, or ``None`` when PostgreSQL is not installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def why_unavailable() -> str | None:
    """Why no throw-away server can be started here (``None`` when it can)."""
    if binaries() is None:
        return ("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb missing; `python3 course.py test` "
                "installs Debian's postgresql when run as root)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to own the throw-away cluster"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the psycopg package is not installed (pip install -e '.[dev]')"
    return None


@contextlib.contextmanager
def throwaway_postgres():
    """Start a fresh cluster; yield ``database(name)``, which creates a database and returns its SQLAlchemy
    URL. The server is stopped and its folder deleted after."""
    bin_dir = binaries()
    user = {"user": "postgres", "group": "postgres", "extra_groups": []} if os.geteuid() == 0 else {}
    folder = Path(tempfile.mkdtemp(prefix="course-grade-pg-"))  # directly under /tmp: the postgres user can reach it
    data, socket_dir = folder / "data", folder / "socket"
    socket_dir.mkdir()
    if user:
        for path in (folder, socket_dir):
            shutil.chown(path, "postgres", "postgres")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "HOME": str(folder)}

    def run(*cmd):
        subprocess.run([str(c) for c in cmd], check=True, cwd=folder, env=env, capture_output=True, **user)

    def database(name: str) -> str:
        run(bin_dir / "createdb", "-h", socket_dir, "-p", PORT, "-U", "postgres", name)
        return f"postgresql://postgres@/{name}?host={socket_dir}&port={PORT}"

    try:
        run(bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        run(bin_dir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w", "-t", "60", "start", "-o",
            f"-k {socket_dir} -p {PORT} -c listen_addresses='' -c fsync=off -c max_connections=200")
        yield database
    except subprocess.CalledProcessError as error:
        log = (folder / "server.log").read_text() if (folder / "server.log").exists() else ""
        raise RuntimeError(f"{error.cmd[0]} failed: {error.stderr.decode(errors='replace')}\n{log}") from error
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           cwd=folder, env=env, capture_output=True, **user)
        shutil.rmtree(folder, ignore_errors=True)
