"""The Analysis view of a ranked contest: ``/analysis/{dataset}``, and the JSON it draws
from, ``/api/analyze`` (the ``tally analyze --json`` tables) and ``/api/criteria``
(``tally criteria --json``)."""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from .. import data as catalogue
from ..errors import TallyError
from . import workers
from .api import _contest, _identity, http_error

__all__ = ["router"]

router = APIRouter()


@functools.lru_cache(maxsize=128)
def _cached(what: str, dataset: str, identity: tuple[str, ...], rule: str | None) -> bytes:
    """The tables or the criteria of a dataset, as JSON; both are deterministic, so they
    are kept by the dataset's content identity (as the counts are), and computed in the
    worker pool (:mod:`tally.web.workers`)."""
    return workers.run(_compute, what, dataset, rule, key=(what, dataset, identity, rule))


def _compute(what: str, dataset: str, rule: str | None) -> bytes:
    from ..analysis.criteria import criteria
    from ..analysis.rcv_tables import analyze
    from ..report.rcv import ranked_contest, ranked_record

    try:
        contest, notes = ranked_contest(dataset, rule=rule, contest=_contest(dataset))
        result: dict[str, Any] = (analyze if what == "analyze" else criteria)(contest)
    except TallyError as exc:
        raise http_error(exc) from None
    return json.dumps(ranked_record(dataset, contest, result, notes), ensure_ascii=False).encode()


def _answer(what: str, dataset: str, rule: str | None) -> Response:
    identity = _identity(dataset)
    body = _cached(what, dataset, identity, rule)
    if _identity(dataset) != identity:
        _cached.cache_clear()  # the import changed while it was read: keep nothing
    return Response(body, media_type="application/json")


@router.get("/api/analyze", tags=["api"])
def analyze_dataset(
    dataset: Annotated[str, Query(max_length=200)],
    rule: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The RCV tables of a ranked dataset or import (``tally analyze --json``): pairwise,
    Condorcet winner and loser, Smith set, first_alternate, first_final,
    ranking_distribution and inactive ballots, counted under the contest's rules."""
    return _answer("analyze", dataset, rule)


@router.get("/api/criteria", tags=["api"])
def criteria_dataset(
    dataset: Annotated[str, Query(max_length=200)],
    rule: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The criteria a ranked contest's outcome fails, each with a witness
    (``tally criteria --json``)."""
    return _answer("criteria", dataset, rule)


@router.get("/analysis/{dataset}", response_class=HTMLResponse, include_in_schema=False)
def analysis_page(request: Request, dataset: str, rule: str | None = None) -> HTMLResponse:
    """Head to head, next choices, where ballots ended up, inactive ballots, criteria."""
    info = catalogue.get(dataset) if catalogue.exists(dataset) else None
    if info is None:
        ballots = _contest(dataset).ballots  # an import of the store, or 404
        title = getattr(ballots, "title", None) or dataset
    elif info.kind != "ranked":
        raise HTTPException(400, detail=f"dataset {dataset!r} holds {info.kind}, not ranked ballots")
    else:
        title = info.title
    return request.app.state.templates.TemplateResponse(
        request, "analysis.html", {"dataset": dataset, "title": title, "info": info, "rule": rule}
    )
