"""The JSON API under ``/api/``: the same library calls as the CLI.

Bad input is a 4xx whose ``detail`` says what is wrong: 404 for an unknown dataset or
run, 400 for input tally refuses (bad ballots, unknown rule, impossible scenario), 413
for an upload over the size limit, 422 for a request of the wrong shape or a count past
the server's time or memory limit, 429 and 503 (with ``Retry-After``) when the worker pool
is full (see :mod:`tally.web.workers`: every count runs there, never on the event loop).
"""

from __future__ import annotations

import functools
import json
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio
from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from .. import data as catalogue
from .. import store
from ..compare import compare_outcomes, compared_rules, counting, outcome_record
from ..contest import Contest, is_electoral
from ..data import resolve_contest
from ..errors import DataError, TallyError, brief
from ..outcome import to_jsonable
from ..procedures import count as count_contest
from ..procedures import electoral_college as ec
from ..rules import rules
from ..store import ImportInfo
from ..ties import TIEBREAK_MODES
from . import workers
from .workers import offload

__all__ = ["http_error", "router", "status_of"]

router = APIRouter(prefix="/api", tags=["api"])
FORMATS = ("preflib", "csv", "blt", "approval", "score", "tallies", "alaska-profile", "alaska-summary")
Tiebreak = Literal["all", "order", "previous_round", "random"]
assert set(Tiebreak.__args__) == set(TIEBREAK_MODES)  # type: ignore[attr-defined]


def status_of(exc: TallyError) -> int:
    """404 for an unknown dataset or run, 400 for any other input tally refuses."""
    return 404 if isinstance(exc, DataError) else 400


def http_error(exc: TallyError) -> HTTPException:
    return HTTPException(status_code=status_of(exc), detail=brief(str(exc)))


def _json(value: Any) -> JSONResponse:
    return JSONResponse(to_jsonable(value))


def _stored(dataset: str) -> ImportInfo | None:
    """The store's record of an imported CVR named ``dataset``, or None when there is none
    (looked up without creating a store where there is none, and without waiting for a
    `tally import` at work: readers of the store never wait)."""
    if not store.has_import(dataset):
        return None
    try:
        return store.get_import(dataset)
    except DataError:
        return None


def _contest(dataset: str) -> Contest:
    """The contest of a bundled dataset, else of an imported CVR of the store, by id, with
    its official rules; 404 when neither (the server never reads a file path it is given)."""
    try:
        catalogue.get(dataset)
    except DataError as exc:
        if _stored(dataset) is None:
            raise http_error(exc) from None
    try:
        return resolve_contest(dataset, files=False)
    except TallyError as exc:
        raise http_error(exc) from None


def _outcome_json(contest: Contest) -> dict[str, Any]:
    """The outcome JSON of ``tally count --json``: the outcome and the rules it was
    counted under (``counted_under``)."""
    return outcome_record(contest, count_contest(contest))


def _identity(dataset: str) -> tuple[str, ...]:
    """What a dataset's ballots are, for the count cache: nothing more than the id for a
    bundled dataset (its files ship with the package and do not change), the store's
    record for an import: where it is, the SHA-256 of its inputs, when it was imported,
    and the stored ballots file itself (an import of the same files under other options,
    or within the same second, writes a new file)."""
    if dataset in {d.id for d in catalogue.datasets()}:
        return ("bundled",)
    info = _stored(dataset)
    if info is None:
        return ("unknown",)  # _load answers 404; nothing is cached for it
    try:
        stat = (info.folder / "ballots.parquet").stat()
    except OSError:
        return ("damaged",)  # load_ballots answers with the reason
    return (
        str(info.folder),
        info.sha256,
        info.created.isoformat(),
        str(stat.st_ino),
        str(stat.st_mtime_ns),
        str(stat.st_size),
    )


def _electoral(dataset: str, faithless: str = "none") -> Contest:
    """A presidential dataset's contest with the electors asked for (pledged by default)."""
    contest = _contest(dataset)
    if not is_electoral(contest.ballots):
        raise HTTPException(400, detail=f"dataset {dataset!r} is not an Electoral College contest")
    return contest.with_rule(ec.RULE, {**contest.options, "faithless": faithless})


Electors = Literal["none", "pledged", "historical"]
"""Which electors: none or pledged (every elector as pledged, the default) or historical."""


@router.get("/datasets")
def datasets(
    q: Annotated[str | None, Query(max_length=200, description="Search words")] = None,
) -> JSONResponse:
    """Bundled datasets (and imported CVRs when the store has any), optionally searched."""
    found = [d.to_dict() for d in catalogue.datasets()]
    bundled = {d["id"] for d in found}
    imports = store.list_imports()
    if imports:
        found += [
            {
                "id": i.name,
                "title": i.title or i.name,
                "kind": "ranked",
                "licence": "",
                "source": "imported CVR",
                "tags": ["import"],
                "description": f"{i.ballots:,.0f} ballots imported {i.created.isoformat()}",
            }
            for i in imports
            if i.name not in bundled
        ]
    if q:
        words = q.lower().split()
        found = [d for d in found if all(w in " ".join(map(str, d.values())).lower() for w in words)]
    return _json(found)


@router.get("/rules")
def list_rules() -> JSONResponse:
    """Every registered rule: name, family, the ballot kinds it counts and its options."""
    return _json([r.to_dict() for r in rules()])


@functools.lru_cache(maxsize=512)
def _cached_count(
    dataset: str,
    identity: tuple[str, ...],
    rule: str | None,
    seats: int | None,
    tiebreak: str | None,
    seed: int | None,
) -> bytes:
    """The outcome JSON of a dataset count; counts are deterministic, so they are cached
    by the dataset's content ``identity`` (see :func:`_identity`) and the options, and
    identical counts asked for at once are one job of the worker pool."""
    key = ("count", dataset, identity, rule, seats, tiebreak, seed)
    return workers.run(_count_dataset_job, dataset, rule, seats, tiebreak, seed, key=key)


def _count_dataset_job(
    dataset: str, rule: str | None, seats: int | None, tiebreak: str | None, seed: int | None
) -> bytes:
    contest = _contest(dataset)
    given: dict[str, Any] = {"seats": seats}
    if tiebreak is not None:
        given["tiebreak"] = tiebreak
    if seed is not None:
        given["seed"] = seed
    try:
        body = _outcome_json(counting(contest, rule, **given))
    except TallyError as exc:
        raise http_error(exc) from None
    return json.dumps(body, ensure_ascii=False).encode()


@router.get("/count")
def count_dataset(
    dataset: Annotated[str, Query(max_length=200)],
    rule: Annotated[str | None, Query(max_length=100)] = None,
    seats: Annotated[int | None, Query(ge=1, le=500)] = None,
    tiebreak: Tiebreak | None = None,
    seed: Annotated[int | None, Query(ge=0, le=2**32 - 1)] = None,
) -> Response:
    """The outcome JSON of ``tally count DATASET --rule RULE --json``: counted under the
    contest's own rules unless ``rule`` is given; ``counted_under`` says which."""
    identity = _identity(dataset)
    body = _cached_count(dataset, identity, rule, seats, tiebreak, seed)
    if _identity(dataset) != identity:
        # imported, replaced or removed while it was being counted: what was counted may
        # not be what the key names, so nothing kept may be trusted (a rare event)
        _cached_count.cache_clear()
    return Response(body, media_type="application/json")


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _upload_name(filename: str | None) -> str:
    """A safe local name for an upload that keeps its extension (the readers go by it):
    no folders, not '.' or '..', and short enough for any file system."""
    name = _SAFE_NAME.sub("_", Path(filename or "").name)[-100:]
    return name if name.strip(".") else "upload"


@router.post("/count")
async def count_upload(
    request: Request,
    file: Annotated[
        UploadFile, File(description="A ballot file: PrefLib, ranked CSV, BLT, approval/score or tallies CSV")
    ],
    rule: Annotated[str | None, Form(max_length=100)] = None,
    format: Annotated[Literal[FORMATS] | None, Form()] = None,  # type: ignore[valid-type]
    seats: Annotated[int | None, Form(ge=1, le=500)] = None,
    tiebreak: Annotated[Tiebreak | None, Form()] = None,
    seed: Annotated[int | None, Form(ge=0, le=2**32 - 1)] = None,
    rules: Annotated[
        str | None,
        Form(
            max_length=20_000,
            description='The contest\'s official rules as a sidecar holds them: {"rule": ..., "options": {...}}',
        ),
    ] = None,
) -> Response:
    """Count an uploaded file (read, counted and discarded) under its official rules when
    ``rules`` gives them, else under ``rule`` or the usual rule for its ballots."""
    cap = request.app.state.caps.upload_bytes
    content = await file.read(cap + 1)  # the guard has already cut a larger body off
    if len(content) > cap:
        raise HTTPException(413, detail=f"file is larger than the {cap / 2**20:g} MiB limit")
    if not content.strip():
        raise HTTPException(400, detail=f"{file.filename or 'upload'}: the file is empty")
    name = _upload_name(file.filename)
    given: dict[str, Any] = {"seats": seats}
    if tiebreak is not None:
        given["tiebreak"] = tiebreak
    if seed is not None:
        given["seed"] = seed
    with tempfile.TemporaryDirectory(prefix="tally-upload-") as folder:
        path = Path(folder) / name
        await anyio.to_thread.run_sync(path.write_bytes, content)  # up to the upload limit: off the loop
        try:
            body = await _in_pool(request, _count_upload_job, str(path), name, format, rule, rules, given)
        except TallyError as exc:
            # Name the file as the user knows it, not the temporary path.
            raise HTTPException(400, detail=brief(str(exc).replace(str(path), name))) from None
    return Response(body.replace(str(path).encode(), name.encode()), media_type="application/json")


def _count_upload_job(
    path: str, name: str, format: str | None, rule: str | None, rules: str | None, given: dict[str, Any]
) -> bytes:
    """In a worker: read the uploaded file and count it (see :func:`count_upload`)."""
    from ..data.sources import contest_of, parse_rules
    from ..io import read

    ballots = read(path, format=format)
    official = parse_rules(rules, f"the rules sent with {name}") if rules else None
    body = _outcome_json(counting(contest_of(ballots, official, {"source": name}), rule, **given))
    return json.dumps(body, ensure_ascii=False).encode()


async def _in_pool(request: Request, fn: Any, *args: Any) -> Any:
    """``fn(*args)`` in the worker pool, off the event loop; killed if the client goes away."""
    import threading

    pool = request.app.state.pool
    who = workers.client()
    pool.admit(who)  # refused here, at once, when the pool or this client's share is full
    gone = threading.Event()

    async def watch() -> None:
        while not await request.is_disconnected():
            await anyio.sleep(0.25)
        gone.set()

    try:
        async with anyio.create_task_group() as group:
            group.start_soon(watch)
            try:
                return await anyio.to_thread.run_sync(
                    lambda: pool.call(fn, *args, client=who, cancel=gone, admitted=True)
                )
            finally:
                group.cancel_scope.cancel()
    except BaseExceptionGroup as grouped:  # the task group wraps what the job raised
        if len(grouped.exceptions) == 1:
            raise grouped.exceptions[0] from None
        raise


@router.get("/compare")
@offload
def compare_dataset(
    dataset: Annotated[str, Query(max_length=200)],
    seats: Annotated[int | None, Query(ge=1, le=500)] = None,
) -> JSONResponse:
    """Winners under every applicable rule beside the Condorcet winner."""
    contest = _contest(dataset)
    try:
        report = compare_outcomes(contest, compared_rules(contest, seats), seats, source=dataset)
    except TallyError as exc:
        raise http_error(exc) from None
    return _json(report)


Allocation = Literal["wta", "statewide", "district", "proportional", "popular"]


@router.get("/ec")
@offload
def electoral_college(
    dataset: Annotated[str, Query(max_length=200)],
    allocation: Allocation = "wta",
    faithless: Electors = "none",
) -> JSONResponse:
    """The Electoral College result of a presidential dataset, with every state's votes;
    pledged electors unless ``faithless=historical`` (``electors`` says which)."""
    contest = _electoral(dataset, faithless).with_options(allocation=allocation)
    try:
        result = ec.summary(contest)
    except TallyError as exc:
        raise http_error(exc) from None
    result["parties"] = dict(contest.ballots.parties)
    return _json(result)


@router.get("/spoilers")
@offload
def spoiler_report(
    dataset: Annotated[str, Query(max_length=200)], faithless: Electors = "none"
) -> JSONResponse:
    """Break-even transfer rates of every minor candidate in every state (the actual result
    with pledged electors unless ``faithless=historical``)."""
    from ..analysis.spoilers import spoilers

    try:
        return _json(spoilers(_electoral(dataset, faithless)))
    except TallyError as exc:
        raise http_error(exc) from None


@router.get("/margins")
@offload
def margin_report(
    dataset: Annotated[str, Query(max_length=200)], faithless: Electors = "none"
) -> JSONResponse:
    """State margins, the tipping point and the fewest votes that change the winner
    (pledged electors unless ``faithless=historical``)."""
    from ..analysis.margins import margins

    try:
        return _json(margins(_electoral(dataset, faithless)))
    except TallyError as exc:
        raise http_error(exc) from None


class WhatIf(BaseModel):
    dataset: str = Field(max_length=200, examples=["us-president-2000"])
    scenario: list[Annotated[str, Field(max_length=500)]] = Field(
        max_length=50, examples=[["Nader -> Gore 50%"]], description="Statements of the what-if language"
    )
    faithless: Electors = Field("none", description="none or pledged (the default), or historical")


@router.post("/whatif")
@offload
def what_if(body: WhatIf) -> JSONResponse:
    """The scenario's result beside the actual one (the ``tally whatif`` JSON), both with
    the same electors: pledged unless ``faithless`` is historical."""
    from ..analysis.whatif import whatif

    contest = _electoral(body.dataset, body.faithless)
    try:
        result = whatif(contest, body.scenario)
    except TallyError as exc:
        raise http_error(exc) from None
    result["parties"] = dict(contest.ballots.parties)
    return _json(result)


class Simulation(BaseModel):
    electorate: Literal["ic", "iac", "mallows", "plackett_luce", "urn", "spatial"] = "ic"
    candidates: int = Field(3, ge=2, le=8)
    voters: int = Field(1001, ge=1, le=20_001)
    elections: int = Field(1000, ge=1, le=50_000)
    rules: list[Annotated[str, Field(max_length=100)]] = Field(
        ["plurality", "irv", "borda"], min_length=1, max_length=12
    )
    seed: int = Field(0, ge=0, le=2**32 - 1)
    metrics: list[Literal["condorcet", "spoiler", "majority", "utility", "exhausted"]] | None = None


MAX_SIMULATED_BALLOTS = 50_000_000


@router.post("/simulate", status_code=202)
def start_simulation(body: Simulation, request: Request) -> JSONResponse:
    """Start a simulation in the background; poll ``/api/runs/{id}`` for progress and results."""
    from ..sim import SimSpec
    from ..sim.batch import DEFAULT_METRICS

    if body.voters * body.elections > MAX_SIMULATED_BALLOTS:
        raise HTTPException(
            400,
            detail=f"voters x elections may be at most {MAX_SIMULATED_BALLOTS:,} here; run larger "
            "simulations with `tally simulate`",
        )
    try:
        spec = SimSpec(
            electorate=body.electorate,
            candidates=body.candidates,
            voters=body.voters,
            elections=body.elections,
            rules=tuple(body.rules),
            seed=body.seed,
            metrics=tuple(body.metrics) if body.metrics else DEFAULT_METRICS,
            chunk_size=100,
        )
    except TallyError as exc:
        raise http_error(exc) from None
    job = request.app.state.jobs.submit(spec, workers.client())
    return JSONResponse(to_jsonable(job.to_dict()), status_code=202)


@router.delete("/runs/{run_id}")
def cancel_run(run_id: Annotated[str, PathParam(max_length=64)], request: Request) -> JSONResponse:
    """Stop a simulation that is waiting or running (a finished one is left as it is)."""
    job = request.app.state.jobs.cancel(run_id)
    if job is None:
        raise HTTPException(404, detail=f"no run {run_id!r} in progress on this server")
    return _json(job.to_dict())


@router.get("/runs/{run_id}")
def get_run(run_id: Annotated[str, PathParam(max_length=64)], request: Request) -> JSONResponse:
    """A simulation's status and progress, and its metrics once done (also stored runs)."""
    job = request.app.state.jobs.get(run_id)
    if job is not None:
        return _json(job.to_dict())
    if not re.fullmatch(r"[0-9a-f]{16}", run_id):
        raise HTTPException(404, detail=f"no run {run_id!r}")
    try:
        from ..store_runs import get_run as stored

        return _json({"id": run_id, "status": "done", "result": stored(run_id)})
    except TallyError as exc:
        raise http_error(exc) from None
