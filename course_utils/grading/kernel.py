"""A Jupyter kernel manager that starts kernels through the sandbox launcher (see :mod:`.sandbox`)."""

from __future__ import annotations

import os
import shutil
import tempfile

from jupyter_client.manager import AsyncKernelManager

from course_utils.grading.sandbox import DEFAULT_LIMITS, launcher_cmd


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel through the sandbox launcher: rlimits + no network, ZeroMQ over ipc sockets.

    Use with ``c.Execute.kernel_manager_class = "course_utils.grading.kernel.SandboxKernelManager"``.
    Limits come from the environment variables ``COURSE_GRADE_SANDBOX_{CPU,MEMORY_MB,FSIZE_MB}``.
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
        env = os.environ
        prefix = launcher_cmd(
            int(env.get("COURSE_GRADE_SANDBOX_CPU", DEFAULT_LIMITS["cpu"])),
            int(env.get("COURSE_GRADE_SANDBOX_MEMORY_MB", DEFAULT_LIMITS["memory_mb"])),
            int(env.get("COURSE_GRADE_SANDBOX_FSIZE_MB", DEFAULT_LIMITS["fsize_mb"])),
            network="off",
        )
        return prefix + super().format_kernel_cmd(extra_arguments)
