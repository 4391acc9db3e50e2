"""Running a simulation: chunks in this process, on a local Dask cluster, or on a remote one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import headlines
from ..errors import ConfigError
from .batch import SimSpec, chunk_seeds, run_chunks
from .metrics import summarise
from .products import counting

__all__ = ["local_cluster", "run_columns", "simulate"]

Progress = Callable[[int, int], None]


def _concat(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _shipped(spec: SimSpec, ks: list[int], seeds: list[np.random.SeedSequence]) -> dict[str, np.ndarray]:
    """A worker's task: :func:`run_chunks` without the ``election`` column, which the
    client rebuilds (elections are numbered in chunk order), so less crosses the wire."""
    columns = run_chunks(spec, ks, seeds)
    del columns["election"]
    return columns


# Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which fixes glibc's
# threshold for serving allocations by mmap at 128 KiB: every chunk's arrays are then
# mapped and faulted in afresh, and counting runs about a third slower. Unset, glibc
# adapts its threshold as it does in a single process.
_WORKER_ENVIRON = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}


def local_cluster(workers: int) -> Any:
    """A Dask LocalCluster of ``workers`` single-threaded processes, started with the
    environment counting runs fastest in (see ``_WORKER_ENVIRON``)."""
    import dask
    from dask.distributed import LocalCluster

    with dask.config.set(_WORKER_ENVIRON):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)


GROUP_ELECTIONS = 50_000  # elections per task: large enough that per-task costs vanish


def groups(spec: SimSpec, tasks: int = 1) -> list[list[int]]:
    """The chunks each task counts: consecutive runs of about :data:`GROUP_ELECTIONS`
    elections, and at least ``tasks`` runs when there are chunks enough (so every
    worker has work until the end)."""
    per = max(1, GROUP_ELECTIONS // spec.chunk_size)
    per = max(1, min(per, spec.n_chunks // tasks))
    return [list(range(k, min(k + per, spec.n_chunks))) for k in range(0, spec.n_chunks, per)]


def run_columns(
    spec: SimSpec,
    *,
    cluster: str | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    progress: Progress | None = None,
) -> dict[str, np.ndarray]:
    """Per-election results of every chunk, concatenated in chunk order.

    ``cluster="local"`` starts a Dask LocalCluster with ``workers`` processes;
    ``scheduler="tcp://host:port"`` uses an existing Dask cluster; neither runs the chunks
    here. Chunks are grouped into tasks (:func:`groups`); the result is the same in all
    three cases and whatever the grouping. ``progress(done, total)`` counts chunks.
    """
    seeds = chunk_seeds(spec.seed, spec.n_chunks)
    total = spec.n_chunks
    if cluster is None and scheduler is None:
        parts = []
        done = 0
        with counting():  # what one group of chunks learns serves the next (tally.sim.products)
            for ks in groups(spec):
                parts.append(run_chunks(spec, ks, [seeds[k] for k in ks]))
                done += len(ks)
                if progress:
                    progress(done, total)
        return _concat(parts)
    if cluster not in (None, "local"):
        raise ConfigError(f"unknown cluster {cluster!r}; use 'local' or give --scheduler tcp://HOST:PORT")
    try:
        from dask.distributed import Client, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigError(
            "distributed runs need the [dist] extra: pip install 'tally-elections[dist]'"
        ) from exc
    local = None
    if scheduler is None:
        local = local_cluster(workers)
        client = Client(local)
    else:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        tasks = groups(spec, 4 * max(1, len(client.scheduler_info().get("workers", {})) or workers))
        futures = [client.submit(_shipped, spec, ks, [seeds[k] for k in ks], pure=False) for ks in tasks]
        size = {f.key: len(ks) for f, ks in zip(futures, tasks)}
        done = 0
        for future in as_completed(futures):
            done += size[future.key]
            if progress:
                progress(done, total)
        parts = client.gather(futures)
    finally:
        client.close()
        if local is not None:
            local.close()
    columns = _concat(parts)
    return {"election": np.arange(spec.elections), **columns}


def simulate(
    spec: SimSpec,
    *,
    cluster: str | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    keep_columns: bool = False,
) -> dict[str, Any]:
    """Run a simulation and summarise it: ``{"elections", "seed", "metrics", "intervals", ...}``."""
    columns = run_columns(spec, cluster=cluster, scheduler=scheduler, workers=workers, progress=progress)
    summary = summarise(columns, list(spec.rules))
    result = {"elections": summary.pop("elections"), "seed": spec.seed, "spec": spec.to_dict(), **summary}
    result["headline"] = headlines.simulate(result)
    if keep_columns:
        result["columns"] = columns
    return result
