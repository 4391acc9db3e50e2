"""The web app's worker pool: every count, upload and simulation runs in a worker process.

The event loop only parses requests and writes answers; the work goes to a worker
process (started from a forkserver that has tally and NumPy loaded, and kept between jobs
so that the data it has loaded stays warm), which is killed, and replaced, when a job
passes its time limit or its client goes away; its address space is capped
(``RLIMIT_AS``) so that a job past its memory limit fails alone, and it runs at a lower
priority than the server. The pool is bounded at every step (see :mod:`tally.limits`):

* ``workers`` jobs run at once (simulations have ``simulations`` places of their own);
* ``queue`` more may wait; past that a request is refused at once, 503 with ``Retry-After``;
* one client (by address) may have ``per_client`` jobs running or waiting; past that, 429;
* a count that waited ``job_seconds`` for a worker is refused (503), so that an answer
  never takes more than twice that;
* a job past ``job_seconds`` (``simulation_seconds``) or ``job_memory`` is killed: 422.

Identical requests in flight share one job (``key=``). A job's
:class:`~tally.errors.TallyWarning` travel back with its result (and into the JSON answer's
``warnings``).

>>> pool = WorkerPool(limits.current())                   # doctest: +SKIP
>>> pool.call(sum, [1, 2, 3], client="127.0.0.1")         # doctest: +SKIP
6
"""

from __future__ import annotations

import contextvars
import importlib
import json
import multiprocessing
import os
import resource
import signal
import threading
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .. import limits
from ..errors import TallyError, TallyWarning

__all__ = [
    "Busy",
    "JobFailed",
    "WorkerPool",
    "client",
    "current_pool",
    "offload",
    "report_progress",
    "with_warnings",
]

MAX_JOBS_PER_WORKER = 200  # a worker is replaced after this many jobs (what leaks, leaks for a while only)

_PRELOAD = ["numpy", "pyarrow", "pyarrow.csv", "tally.rules", "tally.io", "tally.compare", "tally.web.api"]

_POOL: contextvars.ContextVar[WorkerPool | None] = contextvars.ContextVar("tally_pool", default=None)
_CLIENT: contextvars.ContextVar[str] = contextvars.ContextVar("tally_client", default="local")


class Busy(Exception):
    """The pool (``status`` 503) or the client's share of it (429) is full; try again later."""

    def __init__(self, detail: str, *, status: int, retry_after: int) -> None:
        super().__init__(detail)
        self.detail, self.status, self.retry_after = detail, status, retry_after


class JobFailed(Exception):
    """A job killed at its time or memory limit (422), cancelled, or stopped by a bug (500)."""

    def __init__(self, detail: str, *, status: int) -> None:
        super().__init__(detail)
        self.detail, self.status = detail, status


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    error: BaseException | None = None


class WorkerPool:
    """Bounded, killable job processes (see the module docstring)."""

    def __init__(self, caps: limits.Limits, *, inline: bool = False) -> None:
        self.caps = caps
        self.inline = inline  # run jobs in the calling thread (tests that patch tally's functions)
        self.queue_wait = caps.job_seconds  # a count waits for a worker at most as long as it may run
        self._ctx = multiprocessing.get_context("forkserver")
        self._ctx.set_forkserver_preload(_PRELOAD)
        self._lock = threading.Lock()
        self._slots = {
            "count": threading.Semaphore(caps.workers),
            "simulation": threading.Semaphore(caps.simulations),
        }
        self._admitted: Counter[str] = Counter()  # jobs running or waiting, per kind
        self._per_client: Counter[str] = Counter()
        self._flights: dict[Any, _Flight] = {}
        self._followers = 0
        self._workers: set[_Worker] = set()
        self._idle: dict[str, list[_Worker]] = {"count": [], "simulation": []}
        self._busy = 0
        self._durations: list[float] = []
        self._closed = False

    # -- admission ------------------------------------------------------------------------------

    def _retry_after(self, kind: str) -> int:
        """Seconds until a place is likely free: the mean recent job time times the queue."""
        typical = sum(self._durations[-20:]) / len(self._durations[-20:]) if self._durations else 2.0
        places = self.caps.workers if kind == "count" else self.caps.simulations
        return max(1, min(300, round(typical * (self._admitted[kind] / places))))

    def _admit(self, who: str, kind: str) -> None:
        places = self.caps.workers if kind == "count" else self.caps.simulations
        with self._lock:
            if self._closed:
                raise Busy("the server is shutting down", status=503, retry_after=5)
            if self._per_client[who] >= self.caps.per_client:
                raise Busy(
                    f"you have {self._per_client[who]} jobs running or waiting, the most this server takes "
                    f"from one client ({limits.env_name('per_client')}); wait for one to finish",
                    status=429,
                    retry_after=self._retry_after(kind),
                )
            if self._admitted[kind] >= places + self.caps.queue:
                raise Busy(
                    f"the server is busy: {self._admitted[kind]} jobs are running or waiting; try again shortly",
                    status=503,
                    retry_after=self._retry_after(kind),
                )
            self._per_client[who] += 1
            self._admitted[kind] += 1

    def _leave(self, who: str, kind: str) -> None:
        with self._lock:
            self._per_client[who] -= 1
            self._admitted[kind] -= 1
            if not self._per_client[who]:
                del self._per_client[who]

    # -- running --------------------------------------------------------------------------------

    def call(
        self,
        fn: Callable[..., Any],
        *args: Any,
        client: str | None = None,
        kind: str = "count",
        key: Any = None,
        progress: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
        admitted: bool = False,
    ) -> Any:
        """Run ``fn(*args)`` in a job process and return its value (blocking this thread).

        ``fn`` must be a module-level function and ``args`` picklable. Raises :class:`Busy`
        at once when the pool or the client's share is full, :class:`JobFailed` when the
        job is killed or fails, and re-raises a :class:`~tally.errors.TallyError` or an
        HTTP error the job raised. ``key``: identical keys in flight share one job.
        ``admitted``: the caller already holds a place (see :meth:`admit`).
        """
        if key is not None:
            with self._lock:
                flight = self._flights.get(key)
                leader = flight is None
                if leader:
                    flight = self._flights[key] = _Flight()
                elif self._followers >= 4 * (self.caps.workers + self.caps.queue):
                    # each waits in a thread of the server: bounded like the queue
                    raise Busy("the server is busy; try again shortly", status=503, retry_after=2)
                else:
                    self._followers += 1
            assert flight is not None
            if not leader:
                try:
                    flight.done.wait()
                finally:
                    with self._lock:
                        self._followers -= 1
                if flight.error is not None:
                    raise flight.error
                return flight.value
            try:
                flight.value = self.call(
                    fn, *args, client=client, kind=kind, progress=progress, cancel=cancel, admitted=admitted
                )
                return flight.value
            except BaseException as exc:
                flight.error = exc
                raise
            finally:
                with self._lock:
                    del self._flights[key]
                flight.done.set()
        who = client if client is not None else _CLIENT.get()
        if not admitted:
            self._admit(who, kind)
        try:
            return self._run(fn, args, kind, progress, cancel)
        finally:
            self._leave(who, kind)

    def admit(self, client: str, kind: str = "count") -> None:
        """Take a place for a job to be run later with ``call(..., admitted=True)``."""
        self._admit(client, kind)

    def _run(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kind: str,
        progress: Callable[[int, int], None] | None,
        cancel: threading.Event | None,
    ) -> Any:
        slot = self._slots[kind]
        seconds = self.caps.job_seconds if kind == "count" else self.caps.simulation_seconds
        given_up = time.monotonic() + self.queue_wait
        while not slot.acquire(timeout=0.2):
            if self._closed or (cancel is not None and cancel.is_set()):
                raise JobFailed("cancelled before it started", status=499)
            if kind == "count" and time.monotonic() > given_up:
                raise Busy(
                    f"the server is busy: no worker was free for {self.queue_wait:g} s; try again shortly",
                    status=503,
                    retry_after=self._retry_after(kind),
                )
        try:
            started = time.monotonic()
            value = fn(*args) if self.inline else self._in_worker(kind, fn, args, seconds, progress, cancel)
            with self._lock:
                self._durations = (self._durations + [time.monotonic() - started])[-50:]
            return value
        finally:
            slot.release()

    def _worker(self, kind: str) -> _Worker:
        """An idle worker of this kind, or a new one (the caller holds one of the kind's slots)."""
        with self._lock:
            if self._idle[kind]:
                return self._idle[kind].pop()
        return self._spawn()

    def _spawn(self) -> _Worker:
        reader, writer = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_worker_main, args=(writer, self.caps.job_memory), daemon=True)
        process.start()
        writer.close()
        worker = _Worker(process, reader)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        with self._lock:
            self._workers.discard(worker)

    def _in_worker(
        self,
        kind: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        seconds: float,
        progress: Callable[[int, int], None] | None,
        cancel: threading.Event | None,
    ) -> Any:
        worker = self._worker(kind)
        env = {k: v for k, v in os.environ.items() if k.startswith("TALLY_")}
        healthy = False
        with self._lock:
            self._busy += 1
            worker.busy = True
        try:
            worker.conn.send((fn.__module__, fn.__qualname__, args, env, self.caps))
            deadline = time.monotonic() + seconds
            while True:
                if cancel is not None and cancel.is_set() or self._closed:
                    raise JobFailed("cancelled", status=499)
                left = deadline - time.monotonic()
                if left <= 0:
                    limit = "job_seconds" if kind == "count" else "simulation_seconds"
                    raise JobFailed(
                        f"the job took longer than the {seconds:g} s this server allows "
                        f"({limits.env_name(limit)}); run it with the tally command on your own machine",
                        status=422,
                    )
                if not worker.conn.poll(min(left, 0.2)):
                    if not worker.process.is_alive() and not worker.conn.poll(0):
                        raise _died(worker.process, self.caps)
                    continue
                try:
                    message = worker.conn.recv()
                except EOFError:
                    worker.process.join(1)
                    raise _died(worker.process, self.caps) from None
                if message[0] == "progress":
                    if progress is not None:
                        progress(*message[1:])
                    continue
                # after running out of memory a process may hold on to what it got: replaced
                healthy = message[0] != "memory"
                return _answer(message)
        finally:
            with self._lock:
                self._busy -= 1
                worker.busy = False
            worker.jobs += 1
            places = self.caps.workers if kind == "count" else self.caps.simulations
            with self._lock:
                keep = healthy and worker.jobs < MAX_JOBS_PER_WORKER and not self._closed
                keep = keep and len(self._idle[kind]) < places
                if keep:
                    self._idle[kind].append(worker)
            if not keep:
                self._retire(worker)

    def state(self) -> dict[str, int]:
        """Worker processes alive and busy, and jobs running or waiting per kind."""
        with self._lock:
            return {
                "processes": len(self._workers),
                "busy": self._busy,
                **{f"admitted_{k}": v for k, v in self._admitted.items()},
            }

    def busy_processes(self) -> list[int]:
        """The process ids of the workers running a job now."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.busy]

    def open(self) -> None:
        """Take jobs (again, after :meth:`close`: an app may be started more than once), and
        start the forkserver now, so that the first request does not wait for its imports."""
        with self._lock:
            self._closed = False
        if not self.inline:
            threading.Thread(target=self._prestart, name="tally-workers", daemon=True).start()

    def _prestart(self) -> None:
        """Start the workers ahead of the first jobs (a cold start costs a request a second)."""
        for kind, places in (("count", self.caps.workers), ("simulation", self.caps.simulations)):
            for _ in range(places):
                worker = self._spawn()
                with self._lock:
                    keep = not self._closed and len(self._idle[kind]) < places
                    if keep:
                        self._idle[kind].append(worker)
                if not keep:
                    self._retire(worker)

    def close(self) -> None:
        """Refuse new jobs and kill every worker process, busy or idle."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            for idle in self._idle.values():
                idle.clear()
        for worker in workers:
            if worker.process.is_alive():
                worker.process.kill()


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Any
    jobs: int = 0
    busy: bool = False


def _died(process: Any, caps: limits.Limits) -> JobFailed:
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        return JobFailed(
            f"the job stopped on signal {name}, most likely past the {caps.job_memory / 2**30:g} GiB of memory "
            f"this server allows one job ({limits.env_name('job_memory')})",
            status=422,
        )
    return JobFailed(f"the job stopped without an answer (exit status {code})", status=500)


def _answer(message: tuple[Any, ...]) -> Any:
    kind = message[0]
    if kind == "ok":
        return message[1]
    if kind == "tally":
        raise message[1]
    if kind == "http":  # an HTTPException the job raised, carried back as plain data
        from starlette.exceptions import HTTPException

        raise HTTPException(message[1], detail=message[2], headers=message[3])
    if kind == "memory":
        raise JobFailed(
            f"the job needs more than the {message[1] / 2**30:g} GiB of memory this server allows "
            f"({limits.env_name('job_memory')})",
            status=422,
        )
    raise JobFailed(f"internal error in the job: {message[1]}", status=500)


# -- inside the job process ---------------------------------------------------------------------

_PROGRESS: Any = None


def report_progress(done: int, total: int) -> None:
    """Tell the waiting request how far a job has come (no-op outside a job)."""
    if _PROGRESS is not None:
        _PROGRESS.send(("progress", done, total))


def _worker_main(conn: Any, memory: int) -> None:
    """A worker process: run the jobs it is sent, one at a time, until its pipe closes."""
    global _PROGRESS
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which kills its workers
    # The server answers before a job computes (a job waits three times as long for a core
    # as the server), yet a job is not starved by whatever else runs on the machine.
    os.nice(5)
    _cap_memory(memory)
    _PROGRESS = conn
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(_job(job))


def _job(job: tuple[Any, ...]) -> tuple[Any, ...]:
    """One job's answer as plain data: its value (with its warnings), or what stopped it."""
    module, qualname, args, env, caps = job
    for name in [k for k in os.environ if k.startswith("TALLY_") and k not in env]:
        del os.environ[name]  # the server's settings as they are now, not as at the last job
    os.environ.update(env)
    try:
        with limits.use(caps), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TallyWarning)
            value = _resolve(module, qualname)(*args)
        notes = list(dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, TallyWarning)))
        return ("ok", with_warnings(value, notes))
    except TallyError as exc:
        return ("tally", exc)
    except MemoryError:
        return ("memory", caps.job_memory)
    except BaseException as exc:  # noqa: BLE001 - everything reaches the waiting request
        status = getattr(exc, "status_code", None)
        if isinstance(status, int):
            return ("http", status, getattr(exc, "detail", str(exc)), getattr(exc, "headers", None))
        return ("bug", f"{type(exc).__name__}: {exc}")


def _resolve(module: str, qualname: str) -> Any:
    """A module-level function (or attribute path) by name, as the job was given it."""
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def _cap_memory(budget: int) -> None:
    """Cap the address space at what the process holds now plus ``budget`` bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    except (OSError, StopIteration, ValueError):
        size = 0
    limit = size + budget
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def with_warnings(value: Any, notes: list[str]) -> Any:
    """A JSON answer (bytes, or a response tuple) with ``notes`` added to its ``warnings``."""
    if not notes:
        return value
    body = value[1] if isinstance(value, tuple) and len(value) == 4 else value
    if not isinstance(body, bytes):
        return value
    try:
        data = json.loads(body)
    except ValueError:
        return value
    if not isinstance(data, dict):
        return value
    data["warnings"] = list(dict.fromkeys([*data.get("warnings", []), *notes]))
    merged = json.dumps(data, ensure_ascii=False).encode()
    return (value[0], merged, *value[2:]) if body is not value else merged


# -- the request's pool and client ----------------------------------------------------------------


@contextmanager
def serving(pool: WorkerPool | None, who: str) -> Iterator[None]:
    """Within a request: the app's pool and the client's address (set by the middleware)."""
    tokens = (_POOL.set(pool), _CLIENT.set(who))
    try:
        yield
    finally:
        _POOL.reset(tokens[0])
        _CLIENT.reset(tokens[1])


def current_pool() -> WorkerPool | None:
    return _POOL.get()


def client() -> str:
    return _CLIENT.get()


def run(fn: Callable[..., Any], *args: Any, key: Any = None) -> Any:
    """``fn(*args)`` in the request's pool, or right here outside the web app."""
    pool = _POOL.get()
    if pool is None:
        return fn(*args)
    return pool.call(fn, *args, key=key)


def offload(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """Run a (synchronous, picklable-argument) endpoint's body in the worker pool.

    The endpoint keeps its signature for FastAPI; its response comes back as plain data
    and is rebuilt here.
    """
    import functools

    from fastapi.responses import Response

    @functools.wraps(endpoint)
    def offloaded(*args: Any, **kwargs: Any) -> Any:
        status, body, media_type, headers = run(
            _call_endpoint, endpoint.__module__, endpoint.__qualname__, args, kwargs
        )
        return Response(body, status_code=status, media_type=media_type, headers=headers)

    offloaded.__wrapped_job__ = endpoint  # type: ignore[attr-defined]
    return offloaded


def _call_endpoint(
    module: str, qualname: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Any, ...]:
    """In the job: call the endpoint itself and hand back its response as plain data."""
    response = _resolve(module, qualname).__wrapped_job__(*args, **kwargs)
    headers = {
        k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")
    }
    return (response.status_code, bytes(response.body), response.media_type, headers)
