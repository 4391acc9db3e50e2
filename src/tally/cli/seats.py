"""``tally seats``: seats from party votes (or populations), with disproportionality."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from .. import headlines
from ..analysis.proportionality import disproportionality
from ..compare import counting, official_notes, parse_options
from ..data import resolve_contest
from ..errors import ConfigError
from ..outcome import Outcome, to_jsonable
from ..rules import count as count_rule
from ..rules import get_rule
from ..rules.proportional import constituency_winners
from . import app, console
from .render import column, escape, headline, more, number, table, ties_lines, title_of

__all__ = ["seats_command", "seats_report"]

SEAT_FAMILIES = ("party_list", "apportionment")
MEASURES = (
    "gallagher",
    "loosemore_hanby",
    "sainte_lague",
    "effective_parties_votes",
    "effective_parties_seats",
)


def seats_report(outcome: Outcome, votes: dict[str, float]) -> dict[str, Any]:
    """The JSON of ``tally seats --json``: seats, rule, threshold, exclusions and measures."""
    seats = {p: int(n) for p, n in outcome.details["seats"].items()}
    measures: dict[str, Any] = {}
    if sum(seats.values()) > 0:
        table = disproportionality(votes, seats)
        measures = {k: table[k] for k in MEASURES}
    report = {
        "seats": seats,
        "rule": outcome.rule,
        "threshold": outcome.details.get("threshold"),
        "excluded": list(outcome.details.get("excluded", [])),
        "measures": measures,
        "votes": votes,
        "winners": list(outcome.winners),
        "tied": outcome.tied,
        "tied_seats": outcome.details.get("tied_seats"),
        "options": dict(outcome.options),
        "apportioned": outcome.details.get("apportioned"),
        "districts": outcome.details.get("districts"),
        "constituency_seats": outcome.details.get("constituency_seats"),
        "overhang": outcome.details.get("overhang"),
        "warnings": list(outcome.warnings),
    }
    return {**report, "headline": headlines.seats(report)}


@app.command("seats")
def seats_command(
    votes_source: Annotated[
        str,
        typer.Argument(
            metavar="VOTES",
            help="Party votes: a tallies CSV, a PrefLib .cat file, or a bundled dataset id (see `tally data list`).",
        ),
    ],
    rule: Annotated[
        str | None,
        typer.Option("--rule", "-r", help="dhondt, sainte_lague, hare_lr, ... or an apportionment rule."),
    ] = None,
    seats: Annotated[int | None, typer.Option(help="Seats to fill.")] = None,
    threshold: Annotated[str | None, typer.Option(help="National threshold: '4%' or 0.04.")] = None,
    district_threshold: Annotated[str | None, typer.Option(help="Threshold within each district.")] = None,
    threshold_alternative: Annotated[
        int | None, typer.Option(help="District seats that qualify a party below the threshold.")
    ] = None,
    constituencies: Annotated[
        str | None,
        typer.Option(
            help="Mixed-member top-up: constituency votes (file or dataset id); each area's "
            "plurality winner holds a seat the list seats top up."
        ),
    ] = None,
    overhang: Annotated[str | None, typer.Option(help="With --constituencies: keep | level | fixed.")] = None,
    min_seats: Annotated[int | None, typer.Option(help="Apportionment: seats every state gets.")] = None,
    tiebreak: Annotated[str | None, typer.Option(help="all | order | previous_round | random")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for random tie-breaks.")] = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", "-o", help="Other rule option key=value (repeatable).")
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Force the input format.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the seats and measures as JSON.")] = False,
    every: Annotated[
        bool, typer.Option("--all", help="Every party and every district, not only those that matter.")
    ] = False,
) -> None:
    """Allocate seats from VOTES by a list-PR or apportionment rule, with disproportionality measures."""
    contest = resolve_contest(votes_source, format=fmt)
    tallies, official = contest.ballots, contest.official
    if tallies.kind != "tallies":
        raise ConfigError(
            f"{votes_source} holds {tallies.kind} ballots; `tally seats` needs party votes "
            "(a tallies CSV or a PrefLib .cat file); use `tally count` for ballots"
        )
    # A dataset's own rule is the default only when it allocates seats from votes (the
    # Electoral College or single-member districts are counted by `tally ec` / `tally count`).
    own = official.rule if official is not None else None
    own_allocates = own is not None and get_rule(own).family in SEAT_FAMILIES
    info = get_rule(rule or (own if own_allocates else None) or "dhondt")
    if not info.accepts("tallies") or info.family not in SEAT_FAMILIES and info.name != "districts":
        raise ConfigError(
            f"rule {info.name!r} does not allocate seats from party votes; choose a list-PR or "
            "apportionment rule (see `tally rules`), or use `tally count` / `tally ec`"
        )
    given = parse_options(option or [])
    for key, value in (
        ("threshold", threshold),
        ("district_threshold", district_threshold),
        ("threshold_alternative", threshold_alternative),
        ("min_seats", min_seats),
        ("tiebreak", tiebreak),
        ("seed", seed),
    ):
        if value is not None:
            given[key] = value
    if constituencies is not None:
        districts = resolve_contest(constituencies).ballots
        if districts.kind != "tallies":
            raise ConfigError(f"{constituencies} holds {districts.kind} ballots, not constituency votes")
        given["constituency_seats"] = constituency_winners(districts)
    if overhang is not None:
        given["overhang"] = overhang
    if info.name == "districts":
        # each area fills its own seats (its ``seats`` attribute, else 1): no total applies
        if seats is not None:
            raise ConfigError(
                "--seats does not apply to districts: each area fills its own 'seats' (1 when not given)"
            )
    else:
        if seats is None and "seats" not in tallies.attributes:
            seats = (official.seats if official is not None else None) or tallies.metadata.get("seats")
        if seats is not None:
            given["seats"] = seats
        elif "seats" not in tallies.attributes:
            raise ConfigError(f"give --seats N: {votes_source} does not say how many seats there are")
    chosen = counting(contest, info.name, **given)
    notes = official_notes(chosen)
    outcome = count_rule(tallies, info.name, **chosen.options)
    votes = {c: float(v) for c, v in outcome.rounds[0].tally.items()}
    report = seats_report(outcome, votes)
    if as_json:
        print(json.dumps(to_jsonable(report), indent=2, ensure_ascii=False))
        return
    counted = "people" if report.get("apportioned") else "votes"
    headline(console, report["headline"])
    console.print(
        f"{escape(title_of(votes_source, tallies.title))}  ({number(sum(votes.values()))} {counted})"
    )
    for note in notes:
        console.print(f"[dim]{escape(note)}[/]")
    parties, shown = _table(report, every)
    console.print(parties)
    more(console, shown, len(votes), "parties")
    districts = report["districts"]
    if districts and (every or len(districts) <= _DISTRICTS_SHOWN):
        names = dict(zip(tallies.areas, tallies.attributes.get("name", tallies.areas)))
        console.print(_district_table(districts, names))
    elif districts:
        console.print(f"[dim]{len(districts)} districts: --all lists the seats won in each[/]")
    for line in ties_lines(outcome):
        console.print(line)
    for warning in outcome.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    measures = report["measures"]
    if measures:
        sl = measures["sainte_lague"]
        console.print(
            f"Gallagher {measures['gallagher']:.2f}   Loosemore–Hanby {measures['loosemore_hanby']:.2f}   "
            f"Sainte-Laguë {'∞' if sl is None else f'{sl:.2f}'}   effective parties: "
            f"votes {measures['effective_parties_votes']:.2f}, seats {measures['effective_parties_seats']:.2f}"
        )


# a table of every district only when there are few (Austria's 9 regions, not 650 seats)
_DISTRICTS_SHOWN = 20


def _table(report: dict[str, Any], every: bool = False) -> tuple[Any, int]:
    """The parties' votes and seats, and how many parties it shows: those with seats or at
    least 1 % of the votes (every party with ``every``), the rest in one row."""
    votes, seats = report["votes"], report["seats"]
    total_votes = sum(votes.values()) or 1.0
    total_seats = sum(seats.values()) or 1
    threshold = f", threshold {report['threshold']}" if report.get("threshold") else ""
    t = table(f"{report['rule']}{threshold}")
    claimant = "state" if report.get("apportioned") else "party"
    for name in (claimant, "votes" if claimant == "party" else "population", "%", "seats", "seat %"):
        column(t, name, "text" if name == claimant else "number")
    order = sorted(votes, key=lambda p: (-seats.get(p, 0), -votes[p]))
    shown = [p for p in order if every or seats.get(p) or votes[p] >= 0.01 * total_votes]
    for party in shown:
        # party names come from the votes file: a "[" in one is text, not a style
        name = escape(party)
        if party in report["excluded"]:
            name = f"[dim]{name} (below threshold)[/]"
        t.add_row(
            name,
            number(votes[party]),
            f"{100 * votes[party] / total_votes:.2f}",
            f"[bold]{seats.get(party, 0)}[/]" if seats.get(party) else "0",
            f"{100 * seats.get(party, 0) / total_seats:.2f}",
        )
    rest = len(order) - len(shown)
    if rest:
        # the parties without a seat and under 1 % (the end of ``order``), together, so the
        # total still adds up
        others = sum(votes[p] for p in order[len(shown) :])
        t.add_row(f"[dim]{rest} others[/]", number(others), f"{100 * others / total_votes:.2f}", "0", "0.00")
    t.add_section()
    t.add_row("total", number(total_votes), "100.00", str(sum(seats.values())), "100.00")
    return t, len(shown)


def _district_table(districts: dict[str, dict[str, int]], names: dict[str, str]) -> Any:
    """The seats each district filled, as words that wrap ("ÖVP 12, SPÖ 6"): one column
    per party would not fit 80 columns."""
    t = table("seats by district")
    column(t, "district")
    column(t, "seats won")
    for district, won in districts.items():
        parties = sorted((p for p in won if won[p]), key=lambda p: (-won[p], p))
        t.add_row(
            escape(str(names.get(district, district))), escape(", ".join(f"{p} {won[p]}" for p in parties))
        )
    return t
