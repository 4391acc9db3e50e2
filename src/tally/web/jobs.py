"""Simulation jobs run in the background of the web app, with progress."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..errors import TallyError
from ..sim import SimSpec, simulate
from ..store_runs import run_id

__all__ = ["Job", "Jobs"]


@dataclass
class Job:
    id: str
    spec: SimSpec
    status: str = "queued"  # queued | running | done | failed
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def to_dict(self) -> dict[str, Any]:
        with self.lock:
            return {
                "id": self.id,
                "status": self.status,
                "progress": {"done": self.done, "total": self.total},
                "spec": self.spec.to_dict(),
                "result": self.result,
                "error": self.error,
            }


class _Stopped(Exception):
    """Raised between chunks of a running simulation when the app shuts down."""


class Jobs:
    """At most ``workers`` simulations at a time; the same specification is one job."""

    def __init__(self, workers: int = 1) -> None:
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="tally-sim")
            return self._pool

    def submit(self, spec: SimSpec) -> Job:
        jid = run_id(spec.to_dict())
        with self._lock:
            job = self._jobs.get(jid)
            if job is not None and job.status != "failed":
                return job
            job = Job(id=jid, spec=spec, total=spec.n_chunks)
            self._jobs[jid] = job
            self._stopping.clear()
        self._executor().submit(self._run, job)
        return job

    def get(self, jid: str) -> Job | None:
        with self._lock:
            return self._jobs.get(jid)

    def _run(self, job: Job) -> None:
        with job.lock:
            job.status = "running"

        def progress(done: int, total: int) -> None:
            # Python joins pool threads at exit, so a long run would hold the server
            # open after Ctrl+C; stop it at the next chunk instead.
            if self._stopping.is_set():
                raise _Stopped
            with job.lock:
                job.done, job.total = done, total

        try:
            result = simulate(job.spec, progress=progress, keep_columns=True)
            columns = result.pop("columns")
            try:
                from ..store_runs import save_run

                save_run(result, columns)
            except Exception as exc:  # noqa: BLE001 - the store is a convenience here; the result stands
                result.setdefault("warnings", []).append(f"run not stored: {exc}")
            with job.lock:
                job.result, job.status = result, "done"
        except _Stopped:
            with job.lock:
                job.error, job.status = "stopped: the server shut down during the run", "failed"
        except TallyError as exc:
            with job.lock:
                job.error, job.status = str(exc), "failed"
        except Exception as exc:  # noqa: BLE001 - a bug: report it on the job rather than lose it
            with job.lock:
                job.error, job.status = f"internal error: {type(exc).__name__}: {exc}", "failed"

    def shutdown(self) -> None:
        """Cancel queued runs; a later submit starts a fresh pool (the app may restart)."""
        with self._lock:
            pool, self._pool = self._pool, None
            self._stopping.set()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            for job in self._jobs.values():
                with job.lock:
                    if job.status == "queued":  # cancelled: a later submit runs it afresh
                        job.error, job.status = "stopped: the server shut down before the run began", "failed"
