"""Risk-limiting audit plans on the web: ``/api/rla`` (the JSON of ``tally rla --json``)
and the page ``/audit/{dataset}`` that shows the assertions and the elimination tree they
prune."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from .. import data as catalogue
from .. import headlines
from ..analysis.margins import area_names
from ..audit import GAMMA, AreaAudits, ErrorRates, IrvAudit, SampleSettings, plan_audit
from ..audit.trim import tree_to_dict
from ..compare import counting, rules_record
from ..errors import TallyError
from ..outcome import to_jsonable
from .api import _contest, http_error

__all__ = ["router"]

router = APIRouter()

MAX_TREE = 5000
"""Largest elimination tree sent to the page (suffixes); larger ones are cut short."""


@router.get("/api/rla", tags=["api"])
def rla(
    dataset: Annotated[str, Query(max_length=200, description="A dataset id or an import's name")],
    rule: Annotated[str | None, Query(max_length=100, description="Audit as this rule's count")] = None,
    risk_limit: Annotated[float, Query(gt=0, lt=1)] = 0.05,
    error_rate: Annotated[float, Query(ge=0, lt=1, description="One-vote overstatements per ballot")] = 0.001,
    two_vote_error_rate: Annotated[float, Query(ge=0, lt=1)] = 0.0001,
    gamma: Annotated[float, Query(gt=1, le=100)] = GAMMA,
    difficulty: Literal["margin", "margin_squared", "bravo"] = "margin",
    tree: Annotated[bool, Query(description="Include the elimination tree (IRV)")] = False,
) -> JSONResponse:
    """The audit plan of ``tally rla DATASET --json``: RAIRE assertions for IRV, pairwise
    assertions for plurality and approval, expected sample sizes."""
    try:
        contest = counting(_contest(dataset), rule)
        name, options = contest.rule, dict(contest.options)
        settings = SampleSettings(risk_limit, gamma, ErrorRates(error_rate, two_vote_error_rate))
        plan = plan_audit(contest.ballots, name, options, measure=difficulty, settings=settings)
    except TallyError as exc:
        raise http_error(exc) from None
    body: dict[str, Any] = {
        "dataset": dataset,
        "rule": name,
        "options": options,
        "counted_under": rules_record(contest),
        **plan.to_dict(),
    }
    names = area_names(contest.ballots) if isinstance(plan, AreaAudits) else {}
    body["headline"] = headlines.audit(body, names)
    if names:
        body["area_names"] = names
    if tree and isinstance(plan, IrvAudit):
        size = plan.tree_size()
        body["tree_size"] = size
        body["elimination_tree"] = (
            [tree_to_dict(root, plan.candidates) for root in plan.tree(limit=MAX_TREE)[0]]
            if size <= MAX_TREE
            else None
        )
    return JSONResponse(to_jsonable(body))


@router.get("/audit/{dataset}", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, dataset: str, rule: str | None = None) -> HTMLResponse:
    """The audit plan of a dataset: assertions, sample sizes and the pruned elimination tree."""
    _contest(dataset)  # 404 for an unknown dataset before the page is drawn
    info = catalogue.get(dataset) if catalogue.exists(dataset) else None
    title = info.title if info is not None else dataset
    return request.app.state.templates.TemplateResponse(
        request, "audit.html", {"dataset": dataset, "title": title, "rule": rule}
    )
