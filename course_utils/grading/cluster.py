"""Grading on a Dask cluster: ``course-grade autograde ASSIGNMENT --scheduler tcp://HOST:PORT``.

The client (the ``course-grade`` process, on the machine with the course folder) pre-checks and records
exactly as with local workers (:mod:`.pipeline`): it stays the only gradebook writer. Only execution
moves, through :class:`DaskPool`, a drop-in for ``pipeline.WorkerPool``:

* **Bytes, no shared file system.** One Dask task per student carries that student's submitted notebooks
  (the pre-check's repaired copies where it made them) and timestamp as bytes; one more task holds the
  assignment's source folder and the gradebook snapshot with only the assignments' definitions
  (:func:`.gradebook.copy_definitions`), copied to every worker once (``Client.replicate``; a task
  prefers a worker that holds its inputs, so one copy would draw every notebook to one worker). A worker writes them into a
  scratch course in its temporary folder (hidden from student code, like every temporary folder) and
  runs :func:`.worker.grade_student` on it; the source and hidden tests reach nbgrader and the re-check
  as on one machine, never the student's kernel. The reply (executed notebooks, re-check verdicts) comes
  back as the task's result.
* **Each Dask worker process is a grading worker** (:func:`.worker.prepare_process`: warm kernel server,
  re-check server, sandbox), warmed up when it joins (:class:`WarmUp`).
* **One notebook at a time per worker process**: tasks need the abstract resource ``grading=1``, so
  start workers with ``--nthreads 1 --resources grading=1`` (a notebook's watchdog kills the kernels of
  its process, so two tasks must not share one).
* **A worker that dies** mid-notebook: the scheduler moves its tasks to other workers (up to
  ``distributed.scheduler.allowed-failures`` times, then ``KilledWorker`` and the notebooks get
  ``grading error``). Each run of a task logs an event on the scheduler (``Worker.log_event``), so the
  client knows how often a notebook was started again (``retried`` in the reply; tasks that only
  waited on the dead worker do not count). ``retries=1`` re-runs a task whose function raised, which
  :func:`.worker.grade_student` does not do on its own.
* **A hung worker** (a task still executing past the pipeline's hard limit for it, counted from its
  start event): the task is cancelled and the worker restarted by its nanny (``Client.restart_workers``);
  the notebooks get ``timed out``, as with local workers.
* **A bounded window** of tasks in flight (a few per worker), so a class of 40,000 notebooks is never
  read into memory at once, and Ctrl-C leaves little to cancel.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

RESOURCE = "grading"
TASKS_PER_WORKER = 3  # in flight per grading worker: one executing, the others already on their way
POLL_S = 1.0  # how often the client looks at the running tasks (and, every 5 polls, at their time limits)

_WARM_LOCK = threading.Lock()


def _prepare(recheck: bool) -> None:
    from course_utils.grading import worker

    with _WARM_LOCK:  # the warm-up thread and the first task must not start two servers
        worker.prepare_process(recheck)


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # dask is an optional extra: only --scheduler needs it
    WorkerPlugin = object


class WarmUp(WorkerPlugin):
    """Starts a Dask worker's kernel server and re-check server as soon as the worker joins.

    In a thread: the worker's event loop must keep answering the scheduler meanwhile."""

    name = "course-grade-warm-up"

    def __init__(self, recheck: bool = True):
        self.recheck = recheck

    def setup(self, worker):
        threading.Thread(target=_prepare, args=(self.recheck,), daemon=True).start()


def pack_course(root: Path, assignment: str, snapshot: Path) -> dict:
    """What every task shares: the assignment's source folder and the definitions-only gradebook, as bytes."""
    folder = Path(root) / "source" / assignment
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    return {"assignment": assignment, "source": files, "snapshot": Path(snapshot).read_bytes()}


def pack_task(task: dict) -> dict:
    """``task`` (as ``pipeline`` makes it, with paths) with the files it names replaced by their bytes."""
    from course_utils.grading.integrity import read_regular, read_timestamp
    from course_utils.grading.worker import _submission_path

    folder = Path(task["root"]) / "submitted" / task["student"] / task["assignment"]
    packed = {key: value for key, value in task.items() if key not in ("root", "snapshot", "paths")}
    # read as the local workers read them: regular files only, no link followed (see integrity.read_regular)
    packed["submissions"] = {nb: read_regular(_submission_path(task, nb)) for nb in task["notebooks"]}
    timestamp, _ = read_timestamp(folder)
    packed["timestamp"] = timestamp.encode("utf-8") if timestamp else None
    return packed


def _course(payload: dict) -> dict:
    """A task whose result is ``payload``: workers fetch it from each other, and if every copy is lost
    with its workers, the scheduler recomputes it (scattered data would be gone for good)."""
    return payload


def grade_on_worker(course: dict, task: dict) -> dict:
    """Runs on a Dask worker: :func:`.worker.grade_student` in a scratch course made from the bytes."""
    import tempfile

    from distributed import get_worker

    from course_utils.grading import worker

    dask_worker = get_worker()
    dask_worker.log_event(_attempts_topic(dask_worker.get_current_task()), {"worker": dask_worker.address})
    _prepare(task.get("recheck", True))
    assignment = course["assignment"]
    with tempfile.TemporaryDirectory(prefix="course-grade-dask-") as scratch:
        root = Path(scratch) / "course"
        for relative, data in course["source"].items():
            path = root / "source" / assignment / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        folder = root / "submitted" / task["student"] / assignment
        folder.mkdir(parents=True)
        for notebook, data in task["submissions"].items():
            (folder / f"{notebook}.ipynb").write_bytes(data)
        if task["timestamp"] is not None:
            (folder / "timestamp.txt").write_bytes(task["timestamp"])
        snapshot = Path(scratch) / "gradebook-snapshot.db"
        snapshot.write_bytes(course["snapshot"])
        local = {key: value for key, value in task.items() if key not in ("submissions", "timestamp")}
        local.update(root=str(root), snapshot=str(snapshot), paths={})
        return {"student": task["student"], "results": worker.grade_student(local)}


def _sandbox_support() -> tuple[bool, bool]:
    from course_utils.grading import sandbox

    return sandbox.available(), sandbox.can_confine()


def _attempts_topic(key) -> str:
    return f"course-grade-attempt-{key}"


class DaskPool:
    """The workers of the Dask scheduler at ``address`` (same interface as ``pipeline.WorkerPool``)."""

    def __init__(self, address: str, recheck: bool = True, connect_timeout_s: float = 60.0):
        try:
            from distributed import Client
        except ImportError:
            raise SystemExit("course-grade: --scheduler needs Dask: pip install 'course_utils[cluster]' "
                             "(dask[distributed])") from None
        self.address = address
        self.futures = set()  # submitted and not yet yielded: cancelled by close()
        self.client = Client(address, timeout=connect_timeout_s)
        try:
            self.client.wait_for_workers(1, timeout=connect_timeout_s)
            self.client.register_plugin(WarmUp(recheck))
        except Exception:
            self.client.close()
            raise
        if not self.grading_workers():
            self.client.close()
            raise SystemExit(f"course-grade: no worker of {address} offers the resource {RESOURCE!r}: start them with "
                             f"`dask worker {address} --nthreads 1 --resources {RESOURCE}=1`")

    def grading_workers(self) -> list[str]:
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        return sorted(address for address, info in workers.items() if info.get("resources", {}).get(RESOURCE))

    def sandbox_support(self) -> tuple[bool, bool]:
        """``(available, can_confine)`` on every grading worker (the kernels run there, not here)."""
        answers = self.client.run(_sandbox_support, workers=self.grading_workers()).values()
        return all(a for a, _ in answers), all(c for _, c in answers)

    def run(self, tasks, hard_limit_s):
        """Yield ``(task, reply)`` as results arrive; ``reply`` has ``results`` (and ``retried``) or ``crash``.

        A task still executing ``hard_limit_s(task)`` after its (last) start is cancelled and its worker
        restarted by its nanny, as ``WorkerPool`` kills a hung worker (each notebook's own wall-clock
        watchdog runs on the worker and normally ends it well before)."""
        from distributed import wait
        from tqdm.auto import tqdm

        tasks = list(tasks)
        if not tasks:
            return
        first = tasks[0]
        course = self.client.submit(_course, pack_course(Path(first["root"]), first["assignment"], Path(first["snapshot"])),
                                    key=f"course-grade-course-{uuid.uuid4().hex}", pure=False)
        self.futures.add(course)
        wait([course])
        self.client.replicate([course])  # on every worker: otherwise the scheduler sends the tasks to where it is
        window = max(2, TASKS_PER_WORKER * len(self.grading_workers()))
        pending, running, started = list(tasks), {}, {}  # started: key -> (attempts seen, when first seen)
        last_check = time.monotonic()
        with tqdm(total=len(tasks), desc="grading", unit="student", disable=None) as bar:
            while pending or running:
                while pending and len(running) < window:
                    task = pending.pop(0)
                    future = self.client.submit(grade_on_worker, course, pack_task(task), resources={RESOURCE: 1},
                                                retries=1, pure=False, key=f"course-grade-{task['student']}-{uuid.uuid4().hex}")
                    running[future] = task
                    self.futures.add(future)
                try:
                    wait(list(running), timeout=POLL_S, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    pass
                replies = [(future, self._reply(future)) for future in running if future.done()]
                if time.monotonic() - last_check > POLL_S * 5:
                    last_check = time.monotonic()
                    replies += [(future, reply) for future, reply in self._overdue(running, started, hard_limit_s)]
                for future, reply in replies:
                    task = running.pop(future)
                    self.futures.discard(future)
                    future.release()
                    bar.update()
                    yield task, reply

    def _reply(self, future) -> dict:
        from distributed.scheduler import KilledWorker

        try:
            reply = future.result()
        except KilledWorker:
            reply = {"crash": "the Dask workers grading it died too often (distributed.scheduler."
                              "allowed-failures); not graded"}
        except Exception as error:  # noqa: BLE001 - reported as the notebooks' grading error
            reply = {"crash": f"the Dask task failed: {type(error).__name__}: {error}"[:2000]}
        retried = len(self.client.get_events(_attempts_topic(future.key))) - 1
        if retried > 0:
            reply["retried"] = retried
        return reply

    def _overdue(self, running, started, hard_limit_s) -> list:
        """``(future, crash reply)`` for the tasks executing for longer than their hard limit, which are
        cancelled, their workers restarted. A start counts from when this client first saw its event."""
        late = []
        for future, task in running.items():
            events = [] if future.done() else self.client.get_events(_attempts_topic(future.key))
            if not events:
                continue
            if started.get(future.key, (0,))[0] != len(events):
                started[future.key] = (len(events), time.monotonic())
            elif time.monotonic() - started[future.key][1] > hard_limit_s(task):
                late.append((future, events[-1][1]["worker"]))
        for future, _ in late:
            future.cancel()
        if late:
            try:
                self.client.restart_workers(sorted({worker for _, worker in late}), raise_for_error=False)
            except Exception:  # noqa: BLE001, S110 - a worker without a nanny cannot be restarted; it is cancelled
                pass
        return [(future, {"crash": "the notebook's Dask worker exceeded its hard time limit and was restarted",
                          "hard_timeout": True}) for future, _ in late]

    def close(self) -> None:
        """Cancel what is still queued or running (after Ctrl-C), then disconnect."""
        try:
            if self.futures:
                self.client.cancel(list(self.futures))
        finally:
            self.client.close()
