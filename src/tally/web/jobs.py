"""Simulation jobs run in the background of the web app, with progress and cancellation.

Each run is a job of the worker pool (:mod:`tally.web.workers`): a process of its own,
killed at the ``simulation_seconds`` limit, on ``DELETE /api/runs/{id}`` or when the server
stops. Submitting is refused at once (503, or 429 for one client's share) when the pool's
simulation places and queue are full; the same specification is one job.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from ..errors import TallyError
from ..sim import SimSpec
from ..store_runs import run_id
from .workers import JobFailed, WorkerPool, report_progress

__all__ = ["Job", "Jobs", "simulation_job"]


@dataclass
class Job:
    id: str
    spec: SimSpec
    status: str = "queued"  # queued | running | done | failed | cancelled
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    cancel: threading.Event = field(default_factory=threading.Event, repr=False)

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


def simulation_job(spec: SimSpec) -> dict[str, Any]:
    """In a job process: run the simulation, keep it in the store, return its summary."""
    from ..sim import simulate

    result = simulate(spec, progress=report_progress, keep_columns=True)
    columns = result.pop("columns")
    try:
        from ..store_runs import save_run

        save_run(result, columns)
    except Exception as exc:  # noqa: BLE001 - the store is a convenience here; the result stands
        result.setdefault("warnings", []).append(f"run not stored: {exc}")
    return result


class Jobs:
    """Simulations in the worker pool; the same specification is one job."""

    def __init__(self, pool: WorkerPool) -> None:
        self._pool = pool
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, spec: SimSpec, client: str = "local") -> Job:
        """Queue a run (or find the same one); raises :class:`~tally.web.workers.Busy` when full."""
        jid = run_id(spec.to_dict())
        with self._lock:
            job = self._jobs.get(jid)
            if job is not None and job.status not in ("failed", "cancelled"):
                return job
            self._pool.admit(client, "simulation")
            job = Job(id=jid, spec=spec, total=spec.n_chunks)
            self._jobs[jid] = job
        threading.Thread(target=self._run, args=(job, client), name=f"tally-sim-{jid}", daemon=True).start()
        return job

    def get(self, jid: str) -> Job | None:
        with self._lock:
            return self._jobs.get(jid)

    def cancel(self, jid: str) -> Job | None:
        """Stop a run (queued or running); None when there is no such job."""
        job = self.get(jid)
        if job is not None:
            job.cancel.set()
        return job

    def _run(self, job: Job, client: str) -> None:
        def progress(done: int, total: int) -> None:
            with job.lock:
                job.status, job.done, job.total = "running", done, total

        try:
            result = self._pool.call(
                simulation_job,
                job.spec,
                client=client,
                kind="simulation",
                progress=progress,
                cancel=job.cancel,
                admitted=True,
            )
            with job.lock:
                job.result, job.status = result, "done"
        except JobFailed as exc:
            with job.lock:
                cancelled = job.cancel.is_set()
                job.status = "cancelled" if cancelled else "failed"
                job.error = "cancelled" if cancelled else exc.detail
        except TallyError as exc:
            with job.lock:
                job.error, job.status = str(exc), "failed"
        except Exception as exc:  # noqa: BLE001 - a bug: report it on the job rather than lose it
            with job.lock:
                job.error, job.status = f"internal error: {type(exc).__name__}: {exc}", "failed"

    def shutdown(self) -> None:
        """Stop every run; a later submit starts afresh."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel.set()
