"""HTML pages and the figure endpoints they draw from (``/ui/...``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import Markup, escape
from pydantic import BaseModel, Field

from .. import data as catalogue
from .. import headlines
from ..analysis.margins import area_names
from ..compare import counting, rules_line, rules_record
from ..contest import is_electoral
from ..errors import TallyError
from ..outcome import to_jsonable
from ..procedures import count as count_contest
from ..procedures import electoral_college as ec
from ..report import charts
from ..rules import rules
from ..ties import mode_words
from . import views
from .api import Electors, _contest, _electoral, http_error
from .workers import offload

__all__ = ["literals", "router"]

router = APIRouter(include_in_schema=False)


def _render(request: Request, template: str, **context: Any) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, template, context)


def literals(text: str) -> Markup:
    """Docstring text for a page: ``double backquotes`` become code, the rest is escaped.

    >>> str(literals("the ``tally count`` JSON <here>"))
    'the <code>tally count</code> JSON &lt;here&gt;'
    """
    parts = str(text).split("``")
    return Markup("").join(
        Markup("<code>{}</code>").format(p) if i % 2 else escape(p) for i, p in enumerate(parts)
    )


@router.get("/", response_class=HTMLResponse)
def catalogue_page(request: Request) -> HTMLResponse:
    from ..analysis.criteria import CRITERIA
    from ..data.rcv_flags import flags

    rows = []
    for d in catalogue.datasets():
        page = "ec" if "electoral-college" in d.tags else "contest"
        rows.append({**d.to_dict(), "page": page, "flags": flags(d.id)})
    return _render(request, "catalogue.html", datasets=rows, criteria=CRITERIA)


def _auditable(rule: str, options: dict[str, Any]) -> bool:
    """Whether the contest's own count can be audited (a single-winner IRV, plurality or
    approval count, or winners area by area), so the page offers an audit only then."""
    from ..audit import AUDITABLE, audits_as_irv

    single = {k: v for k, v in options.items() if not (k == "seats" and v in (None, 1))}
    return rule in AUDITABLE or audits_as_irv(rule, single)


def _rule_label(rule: str) -> str:
    words = headlines.rule_words(rule)
    return words if words.casefold() == rule.casefold() else f"{words} ({rule})"


def _published_headline(published: dict[str, Any]) -> str | None:
    """The published result in a sentence: the winner's votes in the last round, as a share
    of the votes for candidates (blank ballots left out, as the official shares leave them)."""
    rounds, winner = published.get("rounds") or [], published.get("winner")
    if not rounds or not winner:
        return None
    last = rounds[-1]
    votes = {c: v for c, v in last["votes"].items() if c != "Blank"}
    total = sum(votes.values())
    share = f" ({100 * votes[winner] / total:.1f} % of {total:,.0f})" if winner in votes and total else ""
    n = len(rounds)
    where = "in the first round" if n == 1 else f"after {n} rounds"
    return f"{winner} won {where} of the published count, with {votes.get(winner, 0):,.0f} votes{share}."


@router.get("/contest/{dataset}", response_class=HTMLResponse)
def contest_page(request: Request, dataset: str, rule: str | None = None) -> HTMLResponse:
    info = catalogue.get(dataset) if dataset in {d.id for d in catalogue.datasets()} else None
    if info is not None and info.kind == "contest":
        published = catalogue.load(dataset)
        return _render(
            request,
            "published.html",
            dataset=info,
            published=published,
            headline=_published_headline(published),
        )
    contest = _contest(dataset)
    ballots = contest.ballots
    if is_electoral(ballots):
        return ec_page(request, dataset)
    usable = [r.name for r in rules() if r.accepts(ballots.kind)]
    chosen = rule or contest.rule
    official = contest.official
    return _render(
        request,
        "contest.html",
        dataset=catalogue.get(dataset),
        rules=usable,
        # each rule as people say it, its id beside where they differ: "first-past-the-post (districts)"
        labels={r: _rule_label(r) for r in usable},
        rule=chosen,
        auditable=_auditable(contest.rule, dict(contest.options)),
        ranked=ballots.kind == "ranked",
        seats=(official.seats if official is not None else None) or 1,
    )


@router.get("/ec/{dataset}", response_class=HTMLResponse)
def ec_page(request: Request, dataset: str) -> HTMLResponse:
    contest = _electoral(dataset)
    names, totals = contest.ballots.candidates, contest.ballots.totals()
    order = sorted(range(len(names)), key=lambda i: -totals[i])
    candidates = [{"name": names[i], "ref": _scenario_name(names[i], names, totals)} for i in order]
    try:
        examples = views.whatif_examples(names, list(totals), ec.summary(contest)["areas"])
    except TallyError as exc:
        raise http_error(exc) from None
    return _render(
        request, "ec.html", dataset=catalogue.get(dataset), candidates=candidates, examples=examples
    )


def _scenario_name(name: str, names: tuple[str, ...], totals: Any) -> str:
    """How the what-if form names a candidate: the full name, or, when the name holds a
    double quote (BUCHANAN, PATRICK "PAT"), which a quoted scenario name cannot, the
    surname where it picks out this candidate."""
    if '"' not in name:
        return name
    from ..names import find_candidate, surname

    short = surname(name)
    try:
        return short if '"' not in short and find_candidate(short, names, totals) == name else name
    except TallyError:
        return name


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request) -> HTMLResponse:
    return _render(request, "upload.html", rules=[r.name for r in rules()])


@router.get("/simulate", response_class=HTMLResponse)
def simulate_page(request: Request) -> HTMLResponse:
    ranked = [r.name for r in rules() if r.accepts("ranked") and not r.multiwinner]
    return _render(request, "simulate.html", rules=ranked)


@router.get("/docs", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    """The API reference, drawn from the OpenAPI schema on the server (FastAPI's own
    documentation pages load their scripts from a CDN, which an offline install cannot)."""
    schema = request.app.openapi()
    operations = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            fields, where = _query_fields(op), "parameter"
            if "requestBody" in op:
                content = next(iter(op["requestBody"]["content"].items()))
                where = "JSON body" if content[0] == "application/json" else "form field"
                fields = _body_fields(schema, content[1]["schema"])
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "description": literals(op.get("description", "")),
                    "fields": fields,
                    "where": where,
                }
            )
    return _render(
        request, "apidocs.html", operations=operations, description=schema["info"].get("description", "")
    )


def _type(prop: dict[str, Any]) -> str:
    """A schema property's type in a few words (``anyOf`` of a type and null is optional)."""
    if "enum" in prop:
        return " | ".join(map(str, prop["enum"]))
    if "anyOf" in prop:
        return " | ".join(_type(p) for p in prop["anyOf"] if p.get("type") != "null")
    if prop.get("type") == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if prop.get("format") == "binary":
        return "file"
    return str(prop.get("type", "any"))


def _query_fields(op: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": f"{p['name']} ({p['in']})",
            "type": _type(p.get("schema", {})),
            "required": p.get("required", False),
            "default": p.get("schema", {}).get("default", ""),
            "description": literals(p.get("description", "")),
        }
        for p in op.get("parameters", [])
    ]


def _body_fields(schema: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    if "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    required = set(body.get("required", []))
    return [
        {
            "name": name,
            "type": _type(prop),
            "required": name in required,
            "default": prop.get("default", ""),
            "description": literals(prop.get("description", "")),
        }
        for name, prop in body.get("properties", {}).items()
    ]


@router.get("/ui/contest")
@offload
def contest_figures(
    dataset: Annotated[str, Query(max_length=200)],
    rule: Annotated[str | None, Query(max_length=100)] = None,
    seats: Annotated[int | None, Query(ge=1, le=500)] = None,
) -> JSONResponse:
    """The outcome and the charts of the contest page, the rules it was counted under,
    and, for a count that fills seats by party, the seats view."""
    contest = counting(_contest(dataset), rule, seats=seats)
    ballots = contest.ballots
    try:
        outcome = count_contest(contest)
    except TallyError as exc:
        raise http_error(exc) from None
    record = rules_record(contest)
    parties = dict(getattr(ballots, "parties", None) or {})
    # an apportionment among states weighs each by the one column the tallies hold
    measure = ballots.candidates[0] if outcome.details.get("apportioned") == "areas" else "votes"
    seat = (
        views.seat_view(outcome.rounds[0].tally, outcome.details, measure=measure) if outcome.rounds else None
    )
    figures: dict[str, Any] = {}
    if seat is not None:
        figures["seats"] = _seats_figure(seat, parties)
    else:
        figures["bars"] = charts.rounds_bars(outcome)
    if any(r.transfers for r in outcome.rounds):
        figures["sankey"] = charts.sankey(outcome)
    if ballots.kind == "ranked":
        figures["pairwise"] = charts.pairwise_heatmap(ballots.candidates, ballots.margins())
    return JSONResponse(
        to_jsonable(
            {
                "outcome": outcome.to_dict(),
                "headline": headlines.count(outcome),
                "counted_under": record,
                "rules_line": record["line"],
                # how each tie was broken, in the words the command line uses
                "tie_words": [mode_words(t.mode) for t in outcome.ties],
                "seats": seat,
                "transfers": charts.transfers_table(outcome),
                "figures": figures,
            }
        )
    )


def _seats_figure(seat: dict[str, Any], parties: dict[str, str]) -> dict[str, Any]:
    return charts.seats_and_votes(
        seat["rows"],
        majority=seat["majority"],
        measure=seat["measure"],
        parties=parties,
        colour=charts.PALETTE[0] if seat["majority"] is None else None,  # states have no colours
    )


_Name = Annotated[str, Field(max_length=500)]


class SeatDetails(BaseModel):
    """The part of a count's ``details`` the seats view reads (the rest is ignored)."""

    seats: dict[_Name, Annotated[int, Field(ge=0)]] = Field(max_length=5000)
    excluded: list[_Name] = Field(default_factory=list, max_length=5000)
    threshold: str | float | None = None
    majority: Annotated[int, Field(ge=1)] | None = None
    apportioned: str | None = None


class SeatCount(BaseModel):
    votes: dict[_Name, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(max_length=5000)
    details: SeatDetails


@router.post("/ui/seats")
def seats_figures(body: SeatCount) -> JSONResponse:
    """The seats view of a count the page already has (an uploaded file's): its first
    round's votes and its ``details`` as ``/api/count`` returned them."""
    details = body.details.model_dump()
    measure = "population" if body.details.apportioned == "areas" else "votes"
    seat = views.seat_view(body.votes, details, measure=measure)
    assert seat is not None  # details.seats is required
    return JSONResponse(to_jsonable({"seats": seat, "figures": {"seats": _seats_figure(seat, {})}}))


class Scenario(BaseModel):
    dataset: str = Field(max_length=200)
    scenario: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list, max_length=50)
    faithless: Electors = "none"


@router.post("/ui/ec")
@offload
def ec_figures(body: Scenario) -> JSONResponse:
    """The Electoral College result (under a what-if scenario when given) and its charts,
    with the electors asked for (pledged by default), actual and scenario alike, and the
    rules the actual result was counted under."""
    contest = _electoral(body.dataset, body.faithless)
    parties = dict(contest.ballots.parties)
    try:
        if body.scenario:
            from ..analysis.whatif import whatif

            result = whatif(contest, body.scenario)
        else:
            result = ec.summary(contest)
            result["flipped"] = []
        result["electors_line"] = views.electors_line(result)
    except TallyError as exc:
        raise http_error(exc) from None
    # pledged electors are the contest's own rules: say so rather than "your options"
    pledged = {k: v for k, v in contest.options.items() if (k, v) != ("faithless", "none")}
    counted = contest.with_rule(contest.rule, pledged)
    flipped = [f["area"] for f in result.get("flipped", [])]
    return JSONResponse(
        to_jsonable(
            {
                "result": result,
                "rules_line": rules_line(counted),
                # the names a reader knows the areas by (FL → Florida), where the data has them
                "area_names": area_names(contest.ballots),
                "figures": {
                    "map": charts.ec_map(result, parties, flipped),
                    "bar": charts.ev_bar(result, parties),
                },
            }
        )
    )


@router.get("/ui/simulation-figures/{run_id}")
def simulation_figures(request: Request, run_id: str) -> JSONResponse:
    job = request.app.state.jobs.get(run_id)
    if job is None or job.result is None:
        raise HTTPException(404, detail=f"no finished run {run_id!r}")
    m, ci = job.result["metrics"], job.result["intervals"]
    names: list[str] = [k for k in m if k != "condorcet_paradox"]
    return JSONResponse(to_jsonable({name: charts.metric_bars(m, ci, name) for name in names}))
