"""Where the votes went: the tables analysts publish for a ranked-choice election.

:func:`analyze` answers, for any ranked contest, the questions asked after the count:
who beats whom head to head (``pairwise``, the Condorcet winner and loser, the Smith
set), who each candidate's voters ranked next (``first_alternate``), where the ballots
of the candidates who did not reach the final round ended up (``first_final``), how many
candidates voters ranked (``ranking_distribution``) and how many ballots stopped
counting, round by round and reason by reason, and precinct by precinct or batch by
batch where the ballots say where they were cast (``inactive``).

Two readings of a ballot are used, each where it belongs:

* **The ballot as marked** (``pairwise``, ``first_alternate``, ``ranking_distribution``):
  the candidates in rank order, read up to the first overvote (a rank marking several
  candidates), skipped ranks passed over, a candidate marked again ignored. A ranked
  candidate is above every unranked one. These tables do not depend on the rule. The
  Condorcet rules read a ballot as a preference order instead (an overvote is a tie
  among its candidates and the ranks after it still count,
  :meth:`~tally.ballots.RankedBallots.pairwise`), so on ballots with an overvote their
  head-to-head counts may be higher than this table's.
* **The ballot as counted** (``first_final``, ``inactive``): the count itself, replayed
  round by round under the rule and options of the contest (the overvote rule, skipped
  ranks, repeated candidates), so the figures add up to the official rounds. The replay
  is checked against every round of the outcome; a rule whose rounds it cannot
  reproduce (transfers of surplus fractions in STV) gets ``null`` and a note.

Everything comes from one pass over the merged ballot rows (loops run over rank
columns, never over ballots), so a million-ballot import with tens of thousands of
distinct rows is analysed in a fraction of a second.

>>> from tally.ballots import RankedBallots
>>> from tally.contest import Contest
>>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"]] * 4 + [["B", "C"]] * 3 + [["C", "B"]] * 2)
>>> report = analyze(Contest(b, "irv"))
>>> report["pairwise"]["B"]["A"], report["condorcet_winner"]
({'for': 5.0, 'of': 9.0}, 'B')
>>> report["first_final"]["C"]
{'A': 0.0, 'B': 2.0, 'exhausted': 0.0}

References
----------
ranked.vote's published reports (Paul Butler) for the shape of the tables; RCTab's
summary reports (Bright Spots) for inactive ballots by reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import headlines
from ..ballots import OVERVOTE, RankedBallots
from ..contest import Contest
from ..count.walk import REASONS, Walk
from ..errors import RuleError, TallyError
from ..options import Reading
from ..outcome import Outcome
from ..procedures import count as count_contest
from ..rules.condorcet import condorcet_loser, condorcet_winner, smith_set

__all__ = [
    "EXHAUSTED",
    "ReadBallots",
    "analyze",
    "first_alternate",
    "first_final",
    "inactive_tables",
    "pairwise_table",
    "ranking_distribution",
    "read_ballots",
    "replay",
    "walk_rules",
]

EXHAUSTED = "exhausted"
"""The key of ballots that name no further candidate (or stopped counting)."""


@dataclass(frozen=True, eq=False)
class ReadBallots:
    """Each distinct ballot row as marked: its candidates in rank order.

    ``order[i, k]`` is the candidate row ``i`` ranks ``k``-th (read up to its first
    overvote, skipped ranks passed over, repeats ignored), ``-1`` past ``length[i]``;
    ``position[i, c]`` is the place of candidate ``c`` on row ``i`` (``length`` + 1 or more
    when unranked, so a ranked candidate compares above an unranked one).
    """

    candidates: tuple[str, ...]
    order: np.ndarray
    length: np.ndarray
    position: np.ndarray
    weights: np.ndarray

    @property
    def first(self) -> np.ndarray:
        """The first choice of each row, ``-1`` for rows that rank nobody."""
        return self.order[:, 0] if self.order.shape[1] else np.full(self.length.shape, -1)


def read_ballots(ballots: RankedBallots) -> ReadBallots:
    """Read every ballot row as marked (see the module docstring): one loop over ranks.

    >>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", None, "B", "A", "C"], ["B", {"A", "C"}, "C"]])
    >>> read_ballots(b).order.tolist()
    [[0, 1, 2], [1, -1, -1]]
    """
    choices = ballots.choices
    rows, ranks = choices.shape
    c = ballots.n_candidates
    # at least one column, so that "the first choice" is a column even when no ballot
    # holds a rank (a CVR whose records are all blank): -1 there, ranking nobody
    order = np.full((rows, max(1, min(ranks, c))), -1, dtype=np.int16)
    length = np.zeros(rows, dtype=np.int64)
    position = np.full((rows, c), c + 1, dtype=np.int16)
    stopped = np.zeros(rows, dtype=bool)
    for r in range(ranks):
        column = choices[:, r]
        stopped |= column <= OVERVOTE  # an unnamed overvote or several candidates at one rank
        marked = np.flatnonzero(~stopped & (column >= 0))
        names = column[marked]
        fresh = position[marked, names] > c  # a candidate marked again is passed over
        marked, names = marked[fresh], names[fresh]
        position[marked, names] = length[marked]
        order[marked, length[marked]] = names
        length[marked] += 1
    return ReadBallots(ballots.candidates, order, length, position, np.asarray(ballots.weights, float))


def pairwise_counts(read: ReadBallots) -> np.ndarray:
    """(C, C) matrix: ``P[a, b]`` = weight of ballots ranking ``a`` above ``b``.

    With ``R[a, b]`` the weight of ballots ranking both, ``a`` first (one bincount per pair
    of rank columns) and ``F[a]`` the weight of ballots ranking ``a``, a ballot ranks ``a``
    above ``b`` unless it ranks ``b`` above ``a`` or leaves ``a`` out:
    ``P[a, b] = F[a] - R[b, a]``.

    The ballots are read as an RCV count reads them (:func:`read_ballots`): up to the
    first overvote, named or not, skipped ranks passed over, a repeated candidate
    ignored, so the table lines up with the count's other tables. The Condorcet rules,
    ``compare`` and the heatmaps read ballots as preferences instead
    (:meth:`tally.ballots.RankedBallots.pairwise`): candidates marked at one rank are
    tied and the ranks after an overvote still count. The two matrices differ only on
    ballots with an overvote, where this one credits fewer preferences.
    """
    c = len(read.candidates)
    w = read.weights
    width = read.order.shape[1]
    slot = np.where(read.order >= 0, read.order, c).astype(np.int64)  # column c: no candidate
    both = np.zeros((c + 1) * (c + 1))
    for k in range(width):
        first = slot[:, k] * (c + 1)
        for j in range(k + 1, width):
            both += np.bincount(first + slot[:, j], weights=w, minlength=(c + 1) * (c + 1))
    ranked = np.zeros(c + 1)
    for k in range(width):
        ranked += np.bincount(slot[:, k], weights=w, minlength=c + 1)
    pairs = both.reshape(c + 1, c + 1)[:c, :c]
    support = ranked[:c, None] - pairs.T
    np.fill_diagonal(support, 0.0)
    return support


def pairwise_table(read: ReadBallots) -> dict[str, Any]:
    """``pairwise`` (``{a: {b: {"for", "of"}}}``), the Condorcet winner and loser, the Smith set.

    ``for`` counts the ballots ranking ``a`` above ``b``; ``of`` those ranking at least one
    of the two (they are never at the same rank once a ballot is read to its first
    overvote), so ``for`` of ``a`` over ``b`` plus ``for`` of ``b`` over ``a`` is ``of``.
    """
    names = read.candidates
    support = pairwise_counts(read)
    table = {
        a: {
            b: {"for": float(support[i, j]), "of": float(support[i, j] + support[j, i])}
            for j, b in enumerate(names)
            if j != i
        }
        for i, a in enumerate(names)
    }
    margins = support - support.T
    stub = RankedBallots(names, np.zeros((0, 0), dtype=np.int16), np.zeros(0))
    return {
        "pairwise": table,
        "condorcet_winner": condorcet_winner(stub, margins=margins),
        "condorcet_loser": condorcet_loser(stub, margins=margins),
        "smith_set": list(smith_set(stub, margins=margins)),
    }


def first_alternate(read: ReadBallots) -> dict[str, dict[str, float]]:
    """Among ballots whose first choice is ``a``: how many rank each other candidate
    next, and how many rank no one next (``"exhausted"``; an overvote right after the
    first choice ends the reading, so it counts there too)."""
    names = read.candidates
    c = len(names)
    has = read.length >= 1
    first = read.order[has, 0]
    second = np.where(read.length[has] >= 2, read.order[has, 1] if read.order.shape[1] > 1 else c, c)
    grid = np.bincount(first * (c + 1) + second, weights=read.weights[has], minlength=c * (c + 1))
    grid = grid.reshape(c, c + 1)
    return {
        a: {**{b: float(grid[i, j]) for j, b in enumerate(names) if j != i}, EXHAUSTED: float(grid[i, c])}
        for i, a in enumerate(names)
    }


def ranking_distribution(read: ReadBallots) -> dict[str, Any]:
    """How many candidates each ballot ranks: ``{"overall": {n: ballots}, "by_first_choice":
    {a: {n: ballots}}}`` (``n`` from 0, a ballot ranking nobody before its first overvote,
    to the most any ballot ranks; keys are strings, as JSON keys must be)."""
    names = read.candidates
    top = int(read.length.max()) if read.length.size else 0
    overall = np.bincount(read.length, weights=read.weights, minlength=top + 1)
    has = read.length >= 1
    grid = np.bincount(
        read.order[has, 0] * (top + 1) + read.length[has],
        weights=read.weights[has],
        minlength=len(names) * (top + 1),
    ).reshape(len(names), top + 1)
    return {
        "overall": {str(n): float(overall[n]) for n in range(top + 1)},
        "by_first_choice": {
            a: {str(n): float(grid[i, n]) for n in range(1, top + 1)} for i, a in enumerate(names)
        },
    }


# ------------------------------------------------------------------ the count replayed


@dataclass(frozen=True, eq=False)
class Replay:
    """The candidate (or inactive reason code) each row counts for, round by round."""

    rounds: tuple[np.ndarray, ...]  # Walk.current at each round of the outcome
    final_continuing: tuple[int, ...]


def walk_rules(options: Mapping[str, Any]) -> Reading:
    """How a count with these options reads ballots (the shared reading vocabulary)."""
    return Reading.from_options(options)


def replay(ballots: RankedBallots, outcome: Outcome) -> Replay | None:
    """Replay a single-winner elimination count with :class:`~tally.count.walk.Walk`.

    The walk reads ballots with the outcome's own options (``overvote``,
    ``max_skipped``, ``repeated``) and removes the candidates each round eliminated.
    Returns ``None`` when the outcome is not such a count or when any round's tally or
    inactive ballots differ from the walk's (the rule reads or transfers otherwise).
    """
    if not outcome.rounds or len(outcome.winners) > 1 or any(r.elected for r in outcome.rounds[:-1]):
        return None
    try:
        rules = walk_rules(outcome.options)
    except TallyError:  # a rule whose options are not the walk's
        return None
    names = ballots.candidates
    index = {n: i for i, n in enumerate(names)}
    first = outcome.rounds[0].tally
    if any(n not in index for n in first):
        return None
    excluded = frozenset(i for i, n in enumerate(names) if n not in first)
    try:
        walk = Walk(ballots, rules, excluded=excluded)
    except TallyError:  # marks this reading refuses (unnamed overvotes, exhaust_if_multiple)
        return None
    states: list[np.ndarray] = []
    for rnd in outcome.rounds:
        tally, inactive = walk.counts()
        if any(abs(tally[index[n]] - v) > 1e-6 for n, v in rnd.tally.items()):
            return None
        if any(abs(inactive.get(k, 0.0) - v) > 1e-6 for k, v in rnd.inactive.items()):
            return None
        states.append(walk.current.copy())
        continuing = walk.continuing.copy()
        continuing[[index[n] for n in rnd.eliminated]] = False
        walk.advance(continuing)
    last = tuple(index[n] for n in outcome.rounds[-1].tally)
    return Replay(tuple(states), last)


def first_final(ballots: RankedBallots, played: Replay) -> dict[str, dict[str, float]]:
    """For each candidate not in the final round: where the ballots counting for them in
    round 1 count in the final round (each finalist, or ``"exhausted"`` for every ballot
    no longer counting, whatever the reason)."""
    names = ballots.candidates
    c = len(names)
    start, end = played.rounds[0], played.rounds[-1]
    finalists = played.final_continuing
    out: dict[str, dict[str, float]] = {}
    for i, name in enumerate(names):
        if i in finalists:
            continue
        mine = start == i
        where = np.where(end[mine] >= 0, end[mine], c)
        sums = np.bincount(where, weights=ballots.weights[mine], minlength=c + 1)
        out[name] = {**{names[f]: float(sums[f]) for f in finalists}, EXHAUSTED: float(sums[c])}
    return out


def _by_reason(state: np.ndarray, weights: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """(groups, reasons) weight of inactive ballots, from walk codes -1 (undervote) .. -5."""
    code = np.where(state < 0, -state - 1, len(REASONS))
    grid = np.bincount(
        groups * (len(REASONS) + 1) + code, weights=weights, minlength=n_groups * (len(REASONS) + 1)
    )
    return grid.reshape(n_groups, len(REASONS) + 1)


def inactive_tables(ballots: RankedBallots, outcome: Outcome, played: Replay | None) -> dict[str, Any]:
    """Inactive ballots by round and reason; by precinct and batch when ballots carry them.

    ``by_round`` comes from the outcome's rounds, every reason they list (RCTab's
    ``"final-round surplus"`` too, where a multi-seat count leaves one). ``by_precinct`` / ``by_batch`` give,
    for each precinct (batch), the ballots read there and those inactive when the count
    ended, by reason; they need a replayed count and per-ballot provenance, else ``null``.
    """
    # every reason a round lists: the walk's, and RCTab's final-round surplus where a
    # multi-seat count ends with one, so each row accounts for what the count's round does
    reasons = [*REASONS, *dict.fromkeys(k for r in outcome.rounds for k in r.inactive if k not in REASONS)]
    by_round = [
        {"round": r.number, **{k: float(r.inactive.get(k, 0.0)) for k in reasons}} for r in outcome.rounds
    ]
    out: dict[str, Any] = {"by_round": by_round, "by_precinct": None, "by_batch": None}
    prov = ballots.provenance
    if played is None or prov is None:
        return out
    final = played.rounds[-1][prov.row]
    ones = np.ones(final.shape[0])
    for key, names, codes in (
        ("by_precinct", prov.precinct_names, prov.precinct_codes),
        ("by_batch", prov.batch_names, prov.batch_codes),
    ):
        if codes is None or not names:
            continue
        grid = _by_reason(final, ones, np.asarray(codes, dtype=np.int64), len(names))
        out[key] = {
            name: {"ballots": float(grid[g].sum()), **{k: float(grid[g, i]) for i, k in enumerate(REASONS)}}
            for g, name in enumerate(names)
        }
    return out


def analyze(contest: Contest) -> dict[str, Any]:
    """Every table of the module for a ranked contest, counted under its rule and options.

    Returns ``{"rule", "options", "winners", "ballots", "candidates", "pairwise",
    "condorcet_winner", "condorcet_loser", "smith_set", "first_alternate",
    "first_final", "ranking_distribution", "inactive", "notes", "headline"}`` with candidates by name
    and counts as numbers. Raises :class:`~tally.errors.RuleError` for ballots that are
    not ranked.
    """
    ballots = contest.ballots
    if getattr(ballots, "kind", None) != "ranked":
        raise RuleError(
            f"the RCV tables need ranked ballots, not {getattr(ballots, 'kind', type(ballots).__name__)}"
        )
    outcome = count_contest(contest)
    read = read_ballots(ballots)
    played = replay(ballots, outcome)
    notes = []
    if played is None:
        notes.append(
            f"first_final and inactive ballots by precinct need a single-winner elimination count; "
            f"{outcome.rule} with these options is not one, so they are not given"
        )
    table = pairwise_table(read)
    excluded = list(contest.options.get("excluded") or ())
    if excluded:
        # candidates the rules exclude (RCTab's) never stood: the Condorcet winner and the
        # Smith set are those of the others; the tables stay as the ballots were marked
        field = pairwise_table(read_ballots(ballots.without(excluded)))
        table.update({k: field[k] for k in ("condorcet_winner", "condorcet_loser", "smith_set")})
    report = {
        "rule": outcome.rule,
        "options": dict(outcome.options),
        "winners": list(outcome.winners),
        "ballots": ballots.total,
        "candidates": list(ballots.candidates),
        **table,
        "first_alternate": first_alternate(read),
        "first_final": None if played is None else first_final(ballots, played),
        "ranking_distribution": ranking_distribution(read),
        "inactive": inactive_tables(ballots, outcome, played),
        "notes": notes,
    }
    return {**report, "headline": headlines.analyze(report)}
