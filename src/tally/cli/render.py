"""Rich renderings shared by the commands: the headline, tables that fit the terminal,
outcomes round by round.

Every table is built by :func:`table` and its columns by :func:`column`: ids and numbers
never wrap (a dataset id or a vote count broken across lines is misread), text columns
wrap between words. A round-by-round table wider than the terminal is split into several
tables of consecutive rounds (:func:`outcome_tables`), each with the candidates' names; a
count too long to read whole is shown through a :class:`RoundView` (the candidates that
lasted longest, the first round and the last ones), with a line saying what it left out.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..options import EXHAUSTED_KINDS
from ..outcome import INACTIVE_REASONS, Outcome, Round
from ..ties import mode_words

__all__ = [
    "RoundView",
    "column",
    "escape",
    "headline",
    "more",
    "number",
    "outcome_table",
    "outcome_tables",
    "plain",
    "round_notes",
    "table",
    "ties_lines",
    "title_of",
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


_GLUE = "\x00"
"""Stands for a space that must not break a line: "2.82 %" is one figure."""


def headline(console: Console, text: str | None) -> None:
    """The result in plain words, first, in bold (the ``headline`` of the JSON), wrapped
    between words but never inside a figure ("2.82 %" stays on one line)."""
    if not text:
        return
    glued = text.replace(" %", f"{_GLUE}%")
    lines = textwrap.wrap(glued, width=max(console.width, 20), break_on_hyphens=False, break_long_words=False)
    for line in lines:
        console.print(f"[bold]{escape(line.replace(_GLUE, ' '))}[/]", highlight=False, soft_wrap=True)


_ROLE = re.compile(r":[a-z]+:`~?([^`]*)`")
_LITERAL = re.compile(r"``([^`]*)``")


def plain(text: str) -> str:
    """Docstring markup as a reader sees it: ``x`` → x, :data:`~a.B` → B."""
    text = _ROLE.sub(lambda m: m.group(1).rsplit(".", 1)[-1], text)
    return _LITERAL.sub(r"\1", text)


def title_of(source: str, title: str | None) -> str:
    """What the contest is called: its file's title, else the bundled dataset's title (a
    dataset id alone tells a reader little), else the source as given."""
    if title:
        return title
    from .. import data as catalogue

    return catalogue.get(source).title if catalogue.exists(source) else source


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


def column(t: Table, name: str, kind: str = "text", min_width: int | None = None) -> None:
    """Add a column: ``"text"`` wraps between words, ``"id"`` (dataset ids, area codes,
    rule names) and ``"number"`` (right-aligned) never wrap. ``min_width`` keeps a text
    column from being squeezed until its words break (a name is read whole)."""
    if kind == "number":
        t.add_column(name, justify="right", no_wrap=True)
    elif kind == "id":
        t.add_column(name, no_wrap=True)
    else:
        t.add_column(name, overflow="fold", min_width=min_width)


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


ROWS_SHOWN = 25
"""Candidates a round table shows without ``--all``: those that lasted longest."""

ROUNDS_SHOWN = 24
"""Rounds a round table shows without ``--all``: the first and the last ones."""


@dataclass(frozen=True)
class RoundView:
    """Which candidates (rows) and rounds (columns) of an outcome a round table shows.

    A count of a few hundred candidates has as many rounds: every cell of it would take
    minutes to draw and no one could read it, so a view keeps the candidates that lasted
    longest and the first round with the last ones, and says what it left out.
    """

    names: tuple[str, ...]
    rounds: tuple[int, ...]  # indices into ``outcome.rounds``, ascending
    hidden_names: int
    hidden_rounds: int

    @classmethod
    def of(cls, outcome: Outcome, every: bool = False) -> RoundView:
        """The view of ``outcome``: all of it with ``every``, else trimmed to
        :data:`ROWS_SHOWN` candidates and :data:`ROUNDS_SHOWN` rounds."""
        last_seen: dict[str, int] = {}
        for i, r in enumerate(outcome.rounds):
            for name in r.tally:
                last_seen[name] = i
        names = [c for c in outcome.candidates if c in last_seen]
        n_rounds = len(outcome.rounds)
        if every or len(names) <= ROWS_SHOWN:
            kept = names
        else:
            # the candidates that lasted longest, then the most votes where they were last seen
            place = {c: i for i, c in enumerate(names)}
            order = sorted(
                names,
                key=lambda c: (-last_seen[c], -(outcome.rounds[last_seen[c]].tally.get(c) or 0), place[c]),
            )
            chosen = set(order[:ROWS_SHOWN]) | set(outcome.winners)
            kept = [c for c in names if c in chosen]
        if every or n_rounds <= ROUNDS_SHOWN:
            rounds = tuple(range(n_rounds))
        else:
            rounds = (0, *range(n_rounds - (ROUNDS_SHOWN - 1), n_rounds))
        return cls(tuple(kept), rounds, len(names) - len(kept), n_rounds - len(rounds))


def _outcome_part(outcome: Outcome, view: RoundView, shown: Sequence[int], title: str | None) -> Table:
    """The rounds ``shown`` (indices into ``outcome.rounds``) of ``view`` as one table."""
    every = outcome.rounds
    rounds = [every[i] for i in shown]
    t = table(title)
    column(t, "candidate")
    if len(every) == 1:
        column(t, every[0].note or "score", "number")
    else:
        for r in rounds:
            column(t, f"round {r.number}", "number")
    # a candidate out of the count before these rounds has no row in this part
    names = [c for c in view.names if any(c in r.tally for r in rounds)]
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
    view = RoundView.of(outcome, every=True)
    return _outcome_part(outcome, view, view.rounds, outcome.rule)


def _widths(outcome: Outcome, view: RoundView) -> tuple[int, list[int]]:
    labels = ["continuing ballots", "inactive: exhausted", "  partially ranked", "threshold"]
    name_width = min(max((len(n) for n in [*view.names, *labels]), default=9), 30) + 1
    widths = []
    for i in view.rounds:
        r = outcome.rounds[i]
        values = [number(r.tally[c]) for c in view.names if c in r.tally]
        values += [number(r.continuing), number(r.threshold)]
        values += [number(v) for v in r.inactive.values()]
        widths.append(max(len(f"round {r.number}"), *(len(v) + 2 for v in values)))
    return name_width, widths


def _span(outcome: Outcome, shown: Sequence[int]) -> str:
    """Round numbers of a part, as ranges: "1, 190–204"."""
    numbers = [outcome.rounds[i].number for i in shown]
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def outcome_tables(outcome: Outcome, width: int, view: RoundView | None = None) -> Iterator[Table]:
    """The round table in as many parts as it takes to fit ``width`` columns, each part
    with the candidates' names and the next rounds of ``view`` (all of them by default)."""
    view = view or RoundView.of(outcome, every=True)
    if len(outcome.rounds) <= 1:
        yield _outcome_part(outcome, view, view.rounds, outcome.rule)
        return
    name_width, widths = _widths(outcome, view)
    start = 0
    while start < len(widths):
        used, end = name_width, start
        # each column takes its text and a space either side
        while end < len(widths) and (end == start or used + 3 + widths[end] <= width):
            used += 3 + widths[end]
            end += 1
        shown = view.rounds[start:end]
        title = outcome.rule
        if len(shown) < len(outcome.rounds):
            title = f"{outcome.rule}: rounds {_span(outcome, shown)}"
        yield _outcome_part(outcome, view, shown, title)
        start = end


def round_notes(outcome: Outcome, view: RoundView | None = None) -> list[str]:
    """What happened in each round, in the rule's words (a transfer, a deferment, an
    exclusion of several candidates...), for counts of more than one round; only the
    rounds of ``view`` when one is given."""
    if len(outcome.rounds) < 2:
        return []
    shown = range(len(outcome.rounds)) if view is None else view.rounds
    rounds = [outcome.rounds[i] for i in shown]
    return [f"[dim]round {r.number}:[/] {escape(r.note)}" for r in rounds if r.note]


NAMES_SHOWN = 10
"""Names a tie line lists without ``--all`` before saying how many more tied."""


def _names(names: Sequence[str], every: bool) -> str:
    if every or len(names) <= NAMES_SHOWN:
        return escape(", ".join(names))
    return escape(", ".join(names[:NAMES_SHOWN])) + f" and {len(names) - NAMES_SHOWN} more"


def ties_lines(outcome: Outcome, view: RoundView | None = None) -> list[str]:
    """One line per tie the count met: who tied, why, and what the tie-break chose; only
    the ties of the rounds of ``view`` (and ties outside any round) when one is given."""
    every = view is None or not (view.hidden_names or view.hidden_rounds)
    numbers = None if view is None else {outcome.rounds[i].number for i in view.rounds}
    lines = []
    for tie in outcome.ties:
        if numbers is not None and tie.round is not None and tie.round not in numbers:
            continue
        where = f"round {tie.round}: " if tie.round is not None else ""
        lines.append(
            f"[yellow]tie[/] {where}{_names(tie.tied, every)} tied ({tie.purpose}); "
            f"{mode_words(tie.mode)}: {_names(tie.chosen, every)}"
            + (f" — {escape(tie.detail)}" if tie.detail else "")
        )
    return lines
