"""Rich renderings of outcomes, shared by the commands."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from ..options import EXHAUSTED_KINDS
from ..outcome import INACTIVE_REASONS, Outcome

__all__ = ["escape", "number", "outcome_table", "round_notes", "ties_lines"]


def number(x: float | None) -> str:
    """Integral values with thousands separators; others to at most 4 decimals."""
    if x is None:
        return ""
    if float(x).is_integer():
        return f"{int(x):,}"
    text = f"{x:,.4f}".rstrip("0").rstrip(".")
    # a fraction of a vote below 0.00005 is still not nothing
    return f"{x:.2g}" if text in ("0", "-0") else text


def outcome_table(outcome: Outcome) -> Table:
    """Candidates down, rounds across; elected in green, eliminated struck through."""
    rounds = outcome.rounds
    table = Table(show_header=True, header_style="bold", title=f"{outcome.rule}")
    table.add_column("candidate")
    if len(rounds) == 1:
        table.add_column(rounds[0].note or "score", justify="right")
    else:
        for r in rounds:
            table.add_column(f"round {r.number}", justify="right")
    names = [c for c in outcome.candidates if any(c in r.tally for r in rounds)]
    for name in names:
        cells = []
        gone = False
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
        # names come from the ballot file: a "[" in one is text, not a style
        table.add_row(escape(name), *cells)
    if any(r.continuing is not None for r in rounds):
        table.add_section()
        table.add_row("[dim]continuing ballots[/]", *(f"[dim]{number(r.continuing)}[/]" for r in rounds))
        reasons = [k for k in INACTIVE_REASONS if any(r.inactive.get(k) for r in rounds)]
        reasons += sorted({k for r in rounds for k in r.inactive} - set(INACTIVE_REASONS))
        split = any(r.exhausted_by_ranking is not None for r in rounds)
        for reason in reasons:
            table.add_row(
                f"[dim]inactive: {reason}[/]",
                *(f"[dim]{number(r.inactive.get(reason, 0))}[/]" for r in rounds),
            )
            if reason == "exhausted" and split:
                # the exhausted ballots told apart by whether they marked every rank allowed
                for kind in EXHAUSTED_KINDS:
                    table.add_row(
                        f"[dim]  {kind.replace('_', ' ')}[/]",
                        *(f"[dim]{number((r.exhausted_by_ranking or {}).get(kind, 0))}[/]" for r in rounds),
                    )
        if any(r.threshold is not None for r in rounds):
            table.add_row("[dim]threshold[/]", *(f"[dim]{number(r.threshold)}[/]" for r in rounds))
    return table


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
