"""A Jupyter kernel manager for grading: warm, isolated kernels (see :mod:`.kernel_server`, :mod:`.sandbox`)."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

from course_utils.grading.sandbox import DEFAULT_LIMITS, launcher_cmd

SHIM = str(Path(__file__).with_name("_kernel_shim.py"))


def _limits() -> dict:
    env = os.environ
    return {"cpu": int(env.get("COURSE_GRADE_SANDBOX_CPU", DEFAULT_LIMITS["cpu"])),
            "memory_mb": int(env.get("COURSE_GRADE_SANDBOX_MEMORY_MB", DEFAULT_LIMITS["memory_mb"])),
            "fsize_mb": int(env.get("COURSE_GRADE_SANDBOX_FSIZE_MB", DEFAULT_LIMITS["fsize_mb"]))}


class SandboxKernelManager(AsyncKernelManager):
    """Starts each kernel isolated: rlimits, no network (ZeroMQ over ipc sockets), course hidden when root.

    When grading runs as root, the course folder is hidden and the kernel runs under a uid of its own.

    Use with ``c.Execute.kernel_manager_class = "course_utils.grading.kernel.SandboxKernelManager"``.
    With ``COURSE_GRADE_KERNEL_SERVER`` set to a kernel server's socket, the kernel is forked from that
    warm server through ``_kernel_shim.py``; ``COURSE_GRADE_CONFINE=1`` asks it to hide the folders in
    ``COURSE_GRADE_HIDE`` (``os.pathsep``-separated) and the temporary folders and to drop to a uid of its own.
    Without a server the kernel starts through the sandbox launcher (rlimits + no network only).
    Limits come from ``COURSE_GRADE_SANDBOX_{CPU,MEMORY_MB,FSIZE_MB}``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._ipc_dir = tempfile.mkdtemp(prefix="cg-")
        self.transport = "ipc"
        self.ip = os.path.join(self._ipc_dir, "k")

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        limits, env = _limits(), os.environ
        server = env.get("COURSE_GRADE_KERNEL_SERVER")
        if server and os.path.exists(server):
            options = {"private": self._ipc_dir, "network": "off", "limits": limits,
                       "confine": env.get("COURSE_GRADE_CONFINE") == "1",
                       "hide": [p for p in env.get("COURSE_GRADE_HIDE", "").split(os.pathsep) if p]}
            return [sys.executable, "-I", "-S", SHIM, server, json.dumps(options), "--", *cmd]
        return launcher_cmd(limits["cpu"], limits["memory_mb"], limits["fsize_mb"], network="off") + cmd
