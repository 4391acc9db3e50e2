"""Rich renderings shared by the commands: the headline, tables that fit the terminal,
outcomes round by round.

Every table is built by :func:`table` and its columns by :func:`column`: ids and numbers
never wrap (a dataset id or a vote count broken across lines is misread), text columns
wrap between words. A round-by-round table wider than the terminal is split into several
tables of consecutive rounds (:func:`outcome_tables`), each with the candidates' names.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..options import EXHAUSTED_KINDS
from ..outcome import INACTIVE_REASONS, Outcome, Round

__all__ = [
    "column",
    "escape",
    "headline",
    "more",
    "number",
    "outcome_table",
    "outcome_tables",
    "round_notes",
    "table",
    "ties_lines",
]


def number(x: float | None) -> str:
    """Integral values with thousands separators; others to at most 4 decimals."""
    if x is None:
        return ""
    if float(x).is_integer():
        return f"{int(x):,}"
    text = f"{x:,.4f}".rstrip("0").rstrip(".")
    # a fraction of a vote below 0.00005 is still not nothing
    return f"{x:.2g}" if text in ("0", "-0") else text


def headline(console: Console, text: str | None) -> None:
    """The result in plain words, first, in bold (the ``headline`` of the JSON)."""
    if text:
        console.print(f"[bold]{escape(text)}[/]", highlight=False)


def table(title: str | None = None) -> Table:
    """A compact table: a rule under the header, no side borders, so more fits in 80 columns."""
    return Table(
        title=title,
        title_justify="left",
        title_style="bold",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
        # a narrow table is widened to its title rather than the title wrapped into it
        min_width=min(len(title or ""), 80),
    )


def column(t: Table, name: str, kind: str = "text") -> None:
    """Add a column: ``"text"`` wraps between words, ``"id"`` (dataset ids, area codes,
    rule names) and ``"number"`` (right-aligned) never wrap."""
    if kind == "number":
        t.add_column(name, justify="right", no_wrap=True)
    elif kind == "id":
        t.add_column(name, no_wrap=True)
    else:
        t.add_column(name, overflow="fold")


def more(console: Console, shown: int, total: int, what: str = "rows") -> None:
    """Say how many rows a trimmed table left out and how to see them."""
    if total > shown:
        console.print(f"[dim]{total - shown} more {what}: --all shows every one, --json gives all[/]")


def _round_cells(rounds: Sequence[Round], name: str) -> list[str]:
    cells, gone = [], False
    for r in rounds:
        if name not in r.tally:
            cells.append("")
            continue
        text = number(r.tally[name])
        if name in r.elected:
            text = f"[bold green]{text} ✓[/]"
        elif name in r.eliminated:
            text = f"[red]{text} ✗[/]"
        elif gone:
            text = f"[dim]{text}[/]"
        cells.append(text)
        gone = gone or name in r.eliminated
    return cells


def _outcome_part(outcome: Outcome, first: int, last: int, title: str | None) -> Table:
    """Rounds ``first``..``last`` (indices into ``outcome.rounds``) as one table."""
    every = outcome.rounds
    rounds = every[first:last]
    t = table(title)
    column(t, "candidate")
    if len(every) == 1:
        column(t, every[0].note or "score", "number")
    else:
        for r in rounds:
            column(t, f"round {r.number}", "number")
    # a candidate out of the count before these rounds has no row in this part
    names = [c for c in outcome.candidates if any(c in r.tally for r in rounds)]
    for name in names:
        # names come from the ballot file: a "[" in one is text, not a style
        t.add_row(escape(name), *_round_cells(rounds, name))
    if any(r.continuing is not None for r in every):
        t.add_section()
        t.add_row("[dim]continuing ballots[/]", *(f"[dim]{number(r.continuing)}[/]" for r in rounds))
        reasons = [k for k in INACTIVE_REASONS if any(r.inactive.get(k) for r in every)]
        reasons += sorted({k for r in every for k in r.inactive} - set(INACTIVE_REASONS))
        split = any(r.exhausted_by_ranking is not None for r in every)
        for reason in reasons:
            t.add_row(
                f"[dim]inactive: {reason}[/]",
                *(f"[dim]{number(r.inactive.get(reason, 0))}[/]" for r in rounds),
            )
            if reason == "exhausted" and split:
                # the exhausted ballots told apart by whether they marked every rank allowed
                for kind in EXHAUSTED_KINDS:
                    t.add_row(
                        f"[dim]  {kind.replace('_', ' ')}[/]",
                        *(f"[dim]{number((r.exhausted_by_ranking or {}).get(kind, 0))}[/]" for r in rounds),
                    )
        if any(r.threshold is not None for r in every):
            t.add_row("[dim]threshold[/]", *(f"[dim]{number(r.threshold)}[/]" for r in rounds))
    return t


def outcome_table(outcome: Outcome) -> Table:
    """Candidates down, rounds across; elected in green, eliminated struck through."""
    return _outcome_part(outcome, 0, len(outcome.rounds), outcome.rule)


def _widths(outcome: Outcome) -> tuple[int, list[int]]:
    names = [c for c in outcome.candidates if any(c in r.tally for r in outcome.rounds)]
    labels = ["continuing ballots", "inactive: exhausted", "  partially ranked", "threshold"]
    name_width = min(max((len(n) for n in [*names, *labels]), default=9), 30) + 1
    widths = []
    for r in outcome.rounds:
        values = [number(v) for v in r.tally.values()] + [number(r.continuing), number(r.threshold)]
        values += [number(v) for v in r.inactive.values()]
        widths.append(max(len(f"round {r.number}"), *(len(v) + 2 for v in values)))
    return name_width, widths


def outcome_tables(outcome: Outcome, width: int) -> Iterator[Table]:
    """The round table in as many parts as it takes to fit ``width`` columns, each part
    with the candidates' names and consecutive rounds."""
    name_width, widths = _widths(outcome)
    if len(outcome.rounds) <= 1:
        yield outcome_table(outcome)
        return
    start = 0
    while start < len(widths):
        used, end = name_width, start
        # each column takes its text and a space either side
        while end < len(widths) and (end == start or used + 3 + widths[end] <= width):
            used += 3 + widths[end]
            end += 1
        title = outcome.rule
        if start > 0 or end < len(widths):
            title = f"{outcome.rule}: rounds {outcome.rounds[start].number}–{outcome.rounds[end - 1].number}"
        yield _outcome_part(outcome, start, end, title)
        start = end


def round_notes(outcome: Outcome) -> list[str]:
    """What happened in each round, in the rule's words (a transfer, a deferment, an
    exclusion of several candidates...), for counts of more than one round."""
    if len(outcome.rounds) < 2:
        return []
    return [f"[dim]round {r.number}:[/] {escape(r.note)}" for r in outcome.rounds if r.note]


def ties_lines(outcome: Outcome) -> list[str]:
    """One line per tie the count met: who tied, why, and what the tie-break chose."""
    lines = []
    for tie in outcome.ties:
        where = f"round {tie.round}: " if tie.round is not None else ""
        lines.append(
            f"[yellow]tie[/] {where}{escape(', '.join(tie.tied))} tied ({tie.purpose}); "
            f"mode {tie.mode} chose {escape(', '.join(tie.chosen))}"
            + (f" — {escape(tie.detail)}" if tie.detail else "")
        )
    return lines
