"""``tally count``, ``tally compare`` and ``tally rules``."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from ..compare import (
    compare_outcomes,
    compared_rules,
    counting,
    describe_rules,
    outcome_record,
    parse_options,
    rules_line,
)
from ..data import resolve_contest
from ..errors import RuleError
from ..outcome import Outcome, to_jsonable
from ..procedures import count as count_contest
from ..rules import get_rule, rules
from . import app, console
from .render import (
    RoundView,
    column,
    escape,
    headline,
    more,
    number,
    outcome_tables,
    plain,
    round_notes,
    table,
    ties_lines,
    title_of,
)


@app.command("count")
def count_command(
    source: Annotated[
        str,
        typer.Argument(
            help="A ballot file (with its SOURCE.rules.json sidecar, if any), an RCTab contest config, "
            "a bundled dataset id (see `tally data list`) or an import of the store."
        ),
    ],
    rule: Annotated[
        str | None,
        typer.Option("--rule", "-r", help="Rule name (see `tally rules`); default: the contest's own rules."),
    ] = None,
    seats: Annotated[int | None, typer.Option(help="Seats to fill (multi-winner rules).")] = None,
    tiebreak: Annotated[str | None, typer.Option(help="all | order | previous_round | random")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for random tie-breaks.")] = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", "-o", help="Rule option key=value (repeatable).")
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Force the input format.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the outcome JSON (with the rules in 'counted_under').")
    ] = False,
    show_all: Annotated[
        bool,
        typer.Option(
            "--all", help="Every candidate and every round, however long the count (default: trimmed)."
        ),
    ] = False,
) -> None:
    """Count SOURCE under the rules it was officially counted by (or a rule you name) and
    show every round."""
    given = parse_options(option or [])
    if tiebreak is not None:
        given["tiebreak"] = tiebreak
    if seed is not None:
        given["seed"] = seed
    contest = counting(resolve_contest(source, format=fmt), rule, seats=seats, **given)
    outcome = count_contest(contest)
    record = outcome_record(contest, outcome)
    if as_json:
        print(json.dumps(record, indent=2, ensure_ascii=False, allow_nan=False))
        return
    ballots = contest.ballots
    headline(console, record["headline"])
    title = title_of(source, ballots.title)
    console.print(f"{escape(title)}  ({_ballot_summary(ballots)})", highlight=False)
    console.print(f"[dim]{escape(rules_line(contest))}[/]")
    districts = contest.rule == "districts"
    if districts:
        console.print(_seats_table(outcome))
    view = RoundView.of(outcome, every=show_all)
    if not districts:
        for part in outcome_tables(outcome, console.width, view):
            console.print(part)
        more(console, len(view.names), len(view.names) + view.hidden_names, "candidates (out early)")
        more(
            console,
            len(view.rounds),
            len(view.rounds) + view.hidden_rounds,
            "rounds (between the first and the last)",
        )
    for line in [] if districts else round_notes(outcome, view):
        console.print(line)
    for line in ties_lines(outcome, view):
        console.print(line)
    for warning in outcome.warnings:
        console.print(f"[yellow]warning:[/] {escape(warning)}")
    if districts:
        console.print(_seats_line(outcome))
        console.print(
            f"[dim]Seats are won area by area. Plurality on the votes summed over all areas: "
            f"tally count {escape(source)} --rule plurality[/]"
        )
    else:
        console.print(_winner_line(outcome))


def _ballot_summary(ballots: Any) -> str:
    if ballots.kind == "tallies":
        return f"{len(ballots.areas)} areas, {ballots.total:,.0f} votes"
    return f"{ballots.total:,.0f} ballots, {ballots.n_candidates} candidates"


def _seats_table(outcome: Outcome) -> Table:
    """Seats per party of a ``districts`` count, with each party's summed votes beside them."""
    seats, votes = outcome.details["seats"], outcome.rounds[0].tally
    total_votes = sum(votes.values()) or 1.0
    t = table(f"{outcome.rule}: seats won area by area")
    for name in ("party", "seats", "votes", "vote %"):
        column(t, name, "text" if name == "party" else "number")
    table_ = t
    shown = sorted((p for p in outcome.candidates if seats.get(p)), key=lambda p: (-seats[p], -votes[p]))
    for party in shown:
        table_.add_row(
            escape(party),
            f"[bold]{seats[party]}[/]",
            number(votes[party]),
            f"{100 * votes[party] / total_votes:.2f}",
        )
    rest = [p for p in outcome.candidates if not seats.get(p) and votes.get(p)]
    if rest:
        other = sum(votes[p] for p in rest)
        table_.add_row(
            f"[dim]{len(rest)} other(s) without seats[/]",
            "0",
            number(other),
            f"{100 * other / total_votes:.2f}",
        )
    table_.add_section()
    table_.add_row("total", str(outcome.details["seats_total"]), number(sum(votes.values())), "100.00")
    return table_


def _seats_line(outcome: Outcome) -> str:
    d = outcome.details
    left = d["unallocated"]
    unallocated = f"; {left:,} {'seat' if left == 1 else 'seats'} not allocated" if left else ""
    if d["majority_party"]:
        return (
            f"[bold green]Majority under {outcome.rule}:[/] {escape(d['majority_party'])} "
            f"({d['seats'][d['majority_party']]} of {d['seats_total']} seats; {d['majority']} needed){unallocated}"
        )
    return (
        f"[bold]No party has a majority[/] ({d['majority']} of {d['seats_total']} seats needed){unallocated}"
    )


def _winner_line(outcome: Outcome) -> str:
    label = "Winners" if len(outcome.winners) > 1 else "Winner"
    names = escape(", ".join(outcome.winners)) or "none"
    tied = " (tied; see ties above)" if outcome.tied else ""
    return f"[bold green]{label} under {outcome.rule}:[/] {names}{tied}"


@app.command("compare")
def compare_command(
    source: Annotated[str, typer.Argument(help="A ballot file or a bundled dataset id.")],
    rule_list: Annotated[
        str | None, typer.Option("--rules", help="Comma-separated rules (default: every applicable rule).")
    ] = None,
    seats: Annotated[int | None, typer.Option(help="Compare multi-winner rules for this many seats.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Force the input format.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
) -> None:
    """Winners of SOURCE under every applicable rule, beside the Condorcet winner."""
    contest = resolve_contest(source, format=fmt)
    ballots = contest.ballots
    if rule_list:
        names = [get_rule(r.strip()).name for r in rule_list.split(",") if r.strip()]
        for name in names:
            if not get_rule(name).accepts(ballots.kind):
                raise RuleError(f"rule {name!r} does not count {ballots.kind} ballots")
    else:
        names = compared_rules(contest, seats)
    report = compare_outcomes(contest, names, seats, source=source)
    if as_json:
        print(json.dumps(to_jsonable(report), indent=2, ensure_ascii=False))
        return
    headline(console, report["headline"])
    console.print(f"{escape(title_of(source, ballots.title))}  ({_ballot_summary(ballots)})", highlight=False)
    console.print(f"[dim]{escape(_contest_rules_line(contest))}[/]")
    if "condorcet_winner" in report:
        cw = report["condorcet_winner"]
        smith = escape(", ".join(report["smith_set"]))
        console.print(
            f"Condorcet winner: [bold]{escape(cw)}[/]" if cw else f"No Condorcet winner; Smith set: {smith}"
        )
        if report.get("condorcet_loser") and report["condorcet_loser"] != cw:  # one candidate is both
            console.print(f"Condorcet loser: {escape(report['condorcet_loser'])}")
        if report.get("excluded"):
            console.print(
                f"Excluded by the contest's rules, counted by no rule: {escape(', '.join(report['excluded']))}"
            )
    t = table()
    column(t, "rule", "id")
    several = any(len(r.get("winners") or []) > 1 for r in report["results"].values())
    column(t, "winners" if several else "winner")
    column(t, "")
    cw = report.get("condorcet_winner")
    for name, result in report["results"].items():
        if "error" in result:
            t.add_row(name, "[dim]—[/]", f"[dim]{escape(result['error'])}[/]")
            continue
        winners = escape(", ".join(result["winners"])) or "none"
        flags = ["tied"] if result["tied"] else []
        if cw and result["winners"] and cw not in result["winners"]:
            flags.append("[yellow]not the Condorcet winner[/]")
        if result["notes"]:
            flags.append("[dim]official options[/]")
        t.add_row(name, winners, "; ".join(flags))
    console.print(t)


def _contest_rules_line(contest: Any) -> str:
    """What ``compare`` says of the contest's own rules: each rule is counted as named,
    with the official options where it is the official rule."""
    official = contest.official
    if official is None:
        return "compared under every rule; the source states no official rules"
    return (
        f"compared under every rule; the contest's rules are: "
        f"{describe_rules(official.rule, dict(official.options))} (from {official.origin})"
    )


@app.command("rules")
def rules_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the registry as JSON.")] = False,
) -> None:
    """List every rule tally knows, with its ballot kinds, options and reference."""
    registry = rules()
    if as_json:
        print(json.dumps(to_jsonable([r.to_dict() for r in registry]), indent=2, ensure_ascii=False))
        return
    families = {info.family for info in registry}
    headline(
        console,
        f"{len(registry):,} rules in {len(families):,} families; tally count SOURCE --rule NAME counts "
        "under one, by its name or an alias.",
    )
    t = table()
    column(t, "rule", "id")
    column(t, "what it does")
    family = None
    for info in registry:
        if info.family != family:
            if family is not None:
                t.add_section()
            family = info.family
            t.add_row(f"[bold]{escape(family)}[/]", "")
        seats = "several seats" if info.multiwinner else "one winner"
        also = f" [dim](also {escape(', '.join(info.aliases))})[/]" if info.aliases else ""
        counts = f"[dim]{escape(', '.join(info.kinds))} ballots; {seats}.[/] "
        t.add_row(info.name, counts + escape(plain(info.summary)) + also)
    console.print(t)
    console.print("[dim]tally rules --json: every rule's options and the text it follows[/]")
