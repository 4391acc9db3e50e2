"""``tally analyze`` (where the votes went) and ``tally criteria`` (which paradoxes an election shows)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from . import app, console
from .render import column, escape, headline, number, title_of
from .render import table as render_table

__all__ = ["analyze_command", "criteria_command"]

SHOWN = 8
"""Candidates shown across a terminal table (the JSON holds them all)."""

Source = Annotated[
    str,
    typer.Argument(
        help="Ranked ballots: a file, a bundled dataset id, a store import or an RCTab contest config."
    ),
]
Rule = Annotated[
    str | None, typer.Option("--rule", "-r", help="Count under this rule instead of the contest's own.")
]
Format = Annotated[str | None, typer.Option("--format", help="Force the input format.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _header(name: str) -> str:
    """A candidate's name as a column header: one word a line, so columns stay narrow."""
    return escape(name).replace(" ", "\n")


def _leaders(report: dict[str, Any]) -> list[str]:
    """The candidates with the most first choices, at most SHOWN of them, in ballot order."""
    dist = report["ranking_distribution"]["by_first_choice"]
    firsts = {c: sum(dist[c].values()) for c in report["candidates"]}
    # as many as fit the terminal beside the names: about nine columns a candidate
    fits = max(2, min(SHOWN, (console.width - 18) // 9 - 1))
    top = set(sorted(report["candidates"], key=lambda c: -firsts[c])[:fits])
    return [c for c in report["candidates"] if c in top]


@app.command("analyze")
def analyze_command(source: Source, rule: Rule = None, fmt: Format = None, as_json: AsJson = False) -> None:
    """Head-to-head counts, next choices, where ballots ended up and inactive ballots."""
    from ..analysis.rcv_tables import analyze
    from ..report.rcv import ranked_contest, ranked_record, rule_line

    contest, notes = ranked_contest(source, rule=rule, fmt=fmt)
    report = analyze(contest)
    if as_json:
        print(json.dumps(ranked_record(source, contest, report, notes), indent=2, ensure_ascii=False))
        return
    ballots = contest.ballots
    headline(console, report["headline"])
    console.print(
        f"{escape(title_of(source, ballots.title))}  ({ballots.total:,.0f} ballots, {ballots.n_candidates} candidates)",
        highlight=False,
    )
    console.print(f"[dim]{escape(rule_line(contest, notes))}[/]")
    shown = _leaders(report)
    if len(shown) < len(report["candidates"]):
        console.print(
            f"[dim]tables show the {len(shown)} candidates with the most first choices; --json has all[/]"
        )
    _print_pairwise(report, shown)
    _print_alternates(report, shown)
    _print_first_final(report)
    _print_distribution(report, shown)
    _print_inactive(report)
    for note in report["notes"]:
        console.print(f"[dim]{escape(note)}[/]")


def _print_pairwise(report: dict[str, Any], shown: list[str]) -> None:
    cw, cl = report["condorcet_winner"], report["condorcet_loser"]
    line = (
        f"Condorcet winner: [bold]{escape(cw)}[/]"
        if cw
        else f"No Condorcet winner; Smith set: {escape(', '.join(report['smith_set']))}"
    )
    if cl:
        line += f"; Condorcet loser: {escape(cl)}"
    console.print(line)
    # shares only, so eight candidates fit 80 columns; --json has the counts
    table = render_table("head to head: % of the ballots ranking either that rank the row above the column")
    column(table, "")
    for c in shown:
        column(table, _header(c), "number")
    for a in shown:
        cells = []
        for b in shown:
            if a == b:
                cells.append("—")
                continue
            p = report["pairwise"][a][b]
            text = f"{100 * p['for'] / p['of']:.1f}" if p["of"] else "—"
            cells.append(f"[green]{text}[/]" if 2 * p["for"] > p["of"] else text)
        table.add_row(escape(a), *cells)
    console.print(table)


def _print_alternates(report: dict[str, Any], shown: list[str]) -> None:
    table = render_table("next choice of each candidate's first-choice voters")
    column(table, "first choice")
    for c in shown:
        column(table, _header(c), "number")
    column(table, "no one", "number")
    for a in shown:
        row = report["first_alternate"][a]
        table.add_row(
            escape(a), *("—" if b == a else number(row[b]) for b in shown), number(row["exhausted"])
        )
    console.print(table)


def _print_first_final(report: dict[str, Any]) -> None:
    found = report["first_final"]
    if not found:
        return
    finalists = [k for k in next(iter(found.values())) if k != "exhausted"]
    table = render_table("where the first-choice ballots of candidates not in the final round ended up")
    column(table, "first choice")
    for f in finalists:
        column(table, _header(f), "number")
    column(table, "exhausted", "number")
    for a, row in found.items():
        table.add_row(escape(a), *(number(row[f]) for f in finalists), number(row["exhausted"]))
    console.print(table)


def _print_distribution(report: dict[str, Any], shown: list[str]) -> None:
    dist = report["ranking_distribution"]
    sizes = list(dist["overall"])
    table = render_table("candidates ranked per ballot")
    column(table, "")
    for n in sizes:
        column(table, n, "number")
    table.add_row("all ballots", *(number(dist["overall"][n]) for n in sizes))
    for a in shown:
        row = dist["by_first_choice"][a]
        table.add_row(escape(a), "", *(number(row.get(n, 0)) for n in sizes[1:]))
    console.print(table)


def _print_inactive(report: dict[str, Any]) -> None:
    by_round = report["inactive"]["by_round"]
    if not by_round:
        return
    reasons = [k for k in by_round[0] if k != "round" and any(r[k] for r in by_round)]
    if reasons:
        table = render_table("inactive ballots by round")
        column(table, "round", "number")
        for k in reasons:
            column(table, k, "number")
        for r in by_round:
            table.add_row(str(r["round"]), *(number(r[k]) for k in reasons))
        console.print(table)
    for key in ("by_precinct", "by_batch"):
        found = report["inactive"].get(key)
        if found:
            total = sum(sum(v for k, v in row.items() if k != "ballots") for row in found.values())
            console.print(
                f"inactive ballots at the end of the count {key.replace('_', ' ')}: {len(found)} groups, {number(total)} ballots (see --json)"
            )


@app.command("criteria")
def criteria_command(source: Source, rule: Rule = None, fmt: Format = None, as_json: AsJson = False) -> None:
    """Which criteria the outcome fails (Condorcet, majority, monotonicity, no-show, spoiler),
    each with a witness that a recount confirms."""
    from ..analysis.criteria import criteria
    from ..report.rcv import ranked_contest, ranked_record, rule_line, witness_text

    contest, notes = ranked_contest(source, rule=rule, fmt=fmt)
    found = criteria(contest)
    if as_json:
        print(json.dumps(ranked_record(source, contest, found, notes), indent=2, ensure_ascii=False))
        return
    ballots = contest.ballots
    headline(console, found["headline"])
    console.print(
        f"{escape(title_of(source, ballots.title))}  ({ballots.total:,.0f} ballots)", highlight=False
    )
    console.print(f"[dim]{escape(rule_line(contest, notes))}[/]")
    table = render_table()
    column(table, "criterion")
    column(table, "result", "id")
    column(table, "search", "id")
    for c in found["criteria"]:
        verdict = (
            "[bold red]fails[/]"
            if c["violated"]
            else ("holds" if c["search"] == "exact" else "[dim]no failure found[/]")
        )
        table.add_row(c["name"].replace("_", " "), verdict, c["search"])
    console.print(table)
    for c in found["criteria"]:
        if c["violated"]:
            console.print(
                f"[bold]{c['name'].replace('_', ' ')}:[/] {escape(witness_text(c))}", highlight=False
            )
    for note in found["notes"]:
        console.print(f"[dim]{escape(note)}[/]")
