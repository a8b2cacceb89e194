"""The kernel, the re-check child and the judge load BLAS with the same numeric environment (issue 11).

The re-check child used to get a short allow-list of variables: on a machine that sets ``OPENBLAS_CORETYPE``
its BLAS picked other kernels than the process judging it, and float results differed in the last bits.
"""

from __future__ import annotations

import os

import numpy  # noqa: F401 - loads the BLAS that threadpoolctl reports
import pytest
from threadpoolctl import threadpool_info

from course_utils.grading import kernel_server, recheck
from course_utils.grading.numeric_env import THREAD_DEFAULTS, numeric_environment

pytestmark = pytest.mark.blas_matrix


def _blas() -> dict:
    """The BLAS numpy loaded in this process (``threadpoolctl`` entry with ``user_api == "blas"``)."""
    return next(info for info in threadpool_info() if info["user_api"] == "blas")


def test_numeric_variables_pass_through_and_threads_default_to_one():
    environ = {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "1048576", "OMP_NUM_THREADS": "2",
               "GOTO_NUM_THREADS": "2", "MKL_CBWR": "AVX2", "KMP_AFFINITY": "none", "NPY_DISABLE_CPU_FEATURES": "",
               "HOME": "/root", "SECRET_TOKEN": "x", "PYTHONPATH": "/elsewhere"}
    env = numeric_environment(environ)
    assert env == {"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "1048576", "OMP_NUM_THREADS": "2",
                   "GOTO_NUM_THREADS": "2", "MKL_CBWR": "AVX2", "KMP_AFFINITY": "none",
                   "NPY_DISABLE_CPU_FEATURES": "", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    assert numeric_environment({}) == THREAD_DEFAULTS


@pytest.fixture
def pinned_core(monkeypatch):
    """``OPENBLAS_CORETYPE`` set in this process: kept as it is when the machine sets it (never changed in tests),
    otherwise set to the core type this OpenBLAS already picked, which changes no result but must pass through."""
    blas = _blas()
    if blas.get("internal_api") != "openblas":
        pytest.skip(f"numpy's BLAS is {blas.get('internal_api')}, not OpenBLAS")
    if "OPENBLAS_CORETYPE" not in os.environ:
        monkeypatch.setenv("OPENBLAS_CORETYPE", blas["architecture"])
    return os.environ["OPENBLAS_CORETYPE"], blas["architecture"], blas["num_threads"]


PROBE = """
import os
import numpy
from threadpoolctl import threadpool_info
blas = next(info for info in threadpool_info() if info["user_api"] == "blas")
print("probe", os.environ.get("OPENBLAS_CORETYPE"), blas["architecture"], blas["num_threads"])
"""


def test_recheck_child_loads_blas_like_the_judge(pinned_core):
    core, architecture, threads = pinned_core
    plan = {"tests": {}, "preamble": "", "answers": []}
    raw = recheck.run_student_side(plan, [{"grade_id": "probe", "code": PROBE}], timeout_s=60)
    assert "failure" not in raw and not raw["cell_errors"], raw
    assert raw["stdout"].split() == ["probe", core, architecture, str(threads)], raw["stdout"]


def test_recheck_server_restarts_when_the_numeric_environment_changes(pinned_core, monkeypatch):
    recheck.start_server()
    first = recheck._SERVER
    assert first.usable()
    monkeypatch.setenv("OMP_NUM_THREADS", "3" if os.environ.get("OMP_NUM_THREADS") != "3" else "4")
    assert not first.usable()
    recheck.start_server()
    assert recheck._SERVER is not first and recheck._SERVER.numeric["OMP_NUM_THREADS"] == os.environ["OMP_NUM_THREADS"]
    monkeypatch.undo()
    recheck.start_server()  # back to this process's environment for the tests that follow


def test_kernel_server_gets_the_numeric_environment(pinned_core):
    core, _, _ = pinned_core
    kernel_server.start()
    server = kernel_server._SERVER
    assert server.ready()
    with open(f"/proc/{server.proc.pid}/environ", "rb") as handle:
        env = dict(item.split("=", 1) for item in handle.read().decode().split("\0") if "=" in item)
    assert env["OPENBLAS_CORETYPE"] == core
    for name, value in numeric_environment().items():
        assert env[name] == value, name
