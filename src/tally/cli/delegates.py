"""``tally delegates``: pledged convention delegates from primary results, and the ballots."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from .. import headlines
from ..errors import ConfigError
from ..io.delegates import read_plan, read_results
from ..procedures.delegates import TIEBREAKS, allocate_plan, convention
from . import app, console
from .render import column, headline, table

__all__ = ["delegates_command", "delegates_report"]


def _pairs(items: list[str], option: str, example: str) -> list[tuple[str, int]]:
    out = []
    for item in items:
        name, sep, n = item.rpartition(":")
        try:
            if not sep or not name.strip():
                raise ValueError
            out.append((name.strip(), int(n)))
        except ValueError:
            raise ConfigError(f"{option} takes NAME:NUMBER such as {example}, not {item!r}") from None
    return out


def delegates_report(
    *,
    year: int | None,
    party: str,
    plan: list[tuple[str, str, int]],
    results_file: str | None = None,
    statewide_for_districts: bool = False,
    stage: str | None = None,
    threshold: str = "15%",
    fallback: bool = True,
    tiebreak: str = "report",
    seed: int | None = None,
    automatic: int = 0,
    total_pledged: int | None = None,
    automatic_votes: dict[str, int] | None = None,
    round_first: bool = True,
) -> dict[str, Any]:
    """The JSON of ``tally delegates --json``: every unit's allocation and the convention ballots."""
    results = read_results(results_file) if results_file else None
    allocation = allocate_plan(
        plan,
        year=year,
        party=party,
        results=results,
        statewide_for_districts=statewide_for_districts,
        stage=stage,
        threshold=threshold,
        fallback=fallback,
        tiebreak=tiebreak,
        seed=seed,
        round_first=round_first,
    )
    automatic_total = automatic + allocation["automatic"]
    ballots = convention(
        allocation["pledged"],
        total_pledged=total_pledged or allocation["total_pledged"],
        automatic=automatic_total,
        automatic_votes=automatic_votes,
    )
    notes = []
    if any(s["approximate"] for s in allocation["states"].values()):
        notes.append(
            "some district delegates were allocated on the statewide vote (no district results given)"
        )
    if year is not None:
        notes.append("delegate numbers are the input given, not necessarily the official allocation")
    report = {
        "year": year,
        "party": party.upper(),
        "threshold": threshold,
        "tiebreak": tiebreak,
        "viability_on": "step-1 share to three decimals" if round_first else "exact share",
        "states": allocation["states"],
        "total_pledged": allocation["total_pledged"],
        "unallocated": allocation["unallocated"],
        "automatic": automatic_total,
        "convention": ballots,
        "notes": notes,
    }
    return {**report, "headline": headlines.delegates(report)}


@app.command("delegates")
def delegates_command(
    year: Annotated[int | None, typer.Argument(help="Primary season in the bundled data, e.g. 2020.")] = None,
    party: Annotated[str, typer.Argument(help="DEM or REP.")] = "DEM",
    state: Annotated[
        list[str] | None,
        typer.Option(help='"CA:144": a state and delegates allocated on its statewide vote (repeatable).'),
    ] = None,
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan",
            "--delegates-file",
            help="CSV state,district,delegates; blank district = a statewide pool, 'automatic' = unpledged.",
        ),
    ] = None,
    results: Annotated[
        str | None,
        typer.Option(
            help="CSV state,district,candidate,votes (blank district = statewide); used before the bundled data."
        ),
    ] = None,
    statewide_for_districts: Annotated[
        bool,
        typer.Option(
            help="Allocate district delegates on the statewide vote where no district results are given."
        ),
    ] = False,
    stage: Annotated[str | None, typer.Option(help="primary or caucus, where a state held both.")] = None,
    threshold: Annotated[str, typer.Option(help="Viability threshold (Rule 14: 15%).")] = "15%",
    fallback: Annotated[
        bool,
        typer.Option(help="If nobody is viable, lower the threshold to the leader's share minus 10 points."),
    ] = True,
    round_first: Annotated[
        bool,
        typer.Option(
            help="Test viability on the step-1 share rounded to three decimals (--no-round-first: exact share)."
        ),
    ] = True,
    tiebreak: Annotated[str, typer.Option(help=f"Equal remainders: {' | '.join(TIEBREAKS)}.")] = "report",
    seed: Annotated[int | None, typer.Option(help="Seed for --tiebreak lot.")] = None,
    automatic: Annotated[
        int, typer.Option(help="Automatic (unpledged) delegates, voting from the second ballot.")
    ] = 0,
    total_pledged: Annotated[
        int | None,
        typer.Option(help="Pledged delegates of the whole convention (default: those allocated here)."),
    ] = None,
    automatic_for: Annotated[
        list[str] | None,
        typer.Option(
            help='"Joe Biden:400": automatic delegates assumed to vote for a candidate on later ballots.'
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Pledged delegates by the Democratic Party's Rule 14 steps (15 % viability, largest remainders),
    per district and statewide pool, and who reaches a majority on the first and later ballots."""
    rows: list[tuple[str, str, int]] = []
    for code, n in _pairs(state or [], "--state", "CA:144"):
        if n < 0:
            raise ConfigError(f"--state {code}: delegates cannot be negative")
        rows.append((code.upper(), "", n))
    if plan:
        rows.extend(read_plan(plan))
    if not rows:
        raise ConfigError("give delegates with --state CA:144 or --plan FILE.csv (state,district,delegates)")
    if automatic < 0:
        raise ConfigError("--automatic cannot be negative")
    automatic_votes = (
        dict(_pairs(automatic_for, "--automatic-for", '"Joe Biden:400"')) if automatic_for else None
    )
    report = delegates_report(
        year=year,
        party=party,
        plan=rows,
        results_file=results,
        statewide_for_districts=statewide_for_districts,
        stage=stage,
        threshold=threshold,
        fallback=fallback,
        tiebreak=tiebreak,
        seed=seed,
        automatic=automatic,
        total_pledged=total_pledged,
        automatic_votes=automatic_votes,
        round_first=round_first,
    )
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    _print_report(report)


def _line(counts: dict[str, int]) -> str:
    return ", ".join(f"{c} {n}" for c, n in counts.items() if n) or "—"


def _print_report(report: dict[str, Any]) -> None:
    headline(console, report["headline"])
    title = f"{report['party']} {report['year'] or ''} pledged delegates (threshold {report['threshold']})"
    t = table(title)
    notes = any(unit["notes"] for entry in report["states"].values() for unit in entry["units"])
    for col in ("unit", "delegates", "viable: share of the vote (among the viable)", "allocation"):
        column(t, col, "number" if col == "delegates" else "text")
    if notes:
        column(t, "notes")
    for entry in report["states"].values():
        for unit in entry["units"]:
            viable = ", ".join(
                f"{c} {unit['percent'][c]}% ({unit['viable_percent'][c]}%)" for c in unit["viable"]
            )
            t.add_row(
                unit["unit"],
                str(unit["delegates_to_allocate"]),
                viable or "—",
                _line(unit["delegates"]),
                *(["; ".join(unit["notes"])] if notes else []),
            )
    console.print(t)
    conv = report["convention"]
    first, later = conv["first_ballot"], conv["later_ballots"]
    console.print(
        f"pledged: [bold]{_line(conv['pledged'])}[/]"
        + (f" ({report['unallocated']} unallocated)" if report["unallocated"] else "")
    )
    console.print(
        f"first ballot (pledged only): {first['voters']} delegates, majority {first['majority']} → "
        f"{first['winner'] or 'nobody'}"
    )
    line = f"later ballots (all delegates): {later['voters']} delegates, majority {later['majority']}"
    if "winner" in later:
        line += f" → {later['winner'] or 'nobody'} ({_line(later['votes'])})"
    console.print(line)
    if report["automatic"]:
        needs = ", ".join(f"{c} {n}" for c, n in later["needs_automatic"].items())
        console.print(f"  automatic delegates needed for a majority (of {report['automatic']}): {needs}")
    for note in conv["notes"] + report["notes"]:
        console.print(f"[dim]{note}[/]")
