"""The RCTab tabulator: every winner-election mode of RCTab 2.0, reproduced exactly.

:func:`tabulate` counts a :class:`Contest` (merged ballot rows, candidates, slices)
under :class:`Rules` and returns one :class:`Tabulation` per report RCTab would
write (one, or one per pass for ``multiPassIrv``). It follows RCTab's
``Tabulator.tabulate`` round by round:

1. each ballot counts for its first continuing candidate (the shared ballot walk,
   :class:`tally.count.walk.Walk`, applies the overvote, skipped-rank and
   duplicate rules); in multi-seat surplus modes a ballot keeps a *fractional transfer
   value* once it has helped elect someone; under ``overvoteRule: "splitVote"`` a ballot
   at an overvote with several continuing candidates is divided among them, in RCTab's
   decimals (:mod:`tally.rctab.split`);
2. the threshold: majority of active votes (single winner, recomputed each round
   unless the first round determines it), Droop ``floor(V/(S+1)) + 1``, non-integer
   ``V/(S+1)`` truncated to *d* decimals ``+ 10^-d``, Hare ``V/S`` rounded up, or the
   percentage of active votes (bottoms-up with a percentage threshold);
3. winners: everyone at or over the threshold (the top one only, in
   ``multiWinnerAllowOnlyOneWinnerPerRound``), everyone left when there are no more
   candidates than seats, the percentage rule, and RCTab's two edge cases;
4. otherwise eliminations, in RCTab's order: undeclared write-ins first, candidates
   under the minimum vote threshold, every candidate under the cut-off (percentage
   bottoms-up with ``cutoffElimination``), batch elimination, then the last candidate
   (a tie broken by the configured tie-break);
5. in surplus modes the winners' surplus fractions (truncated to *d* decimals, as every
   per-ballot transfer is), the residual surplus, and a final round showing the last
   surpluses.

Tie-breaks reproduce RCTab's draws: ``random`` draws ``nextDouble`` from a
``java.util.Random`` seeded with ``randomSeed`` over the tied names in sorted order,
``generatePermutation`` shuffles the sorted candidate names once with
``Collections.shuffle``, ``previousRoundCountsThenRandom`` looks back round by round
and falls back to the random draw over the remaining names in Java's hash-set order.

Counting is done on merged rows (identical ballots from the same precinct and batch
share a row), so an 80,000-ballot contest is a few thousand rows.

Where each step lives: :class:`tally.rctab.counter.Counter` runs one pass round by
round; :mod:`tally.rctab.ledger` holds the rows' transfer values and sums them into
tallies, transfers and snapshots; :mod:`tally.rctab.decisions` sets thresholds and
finds winners and eliminations; :mod:`tally.rctab.tiebreak` breaks ties.

Reference: RCTab (BrightSpots/rcv) ``Tabulator.java``, ``Tiebreak.java``,
``CastVoteRecord.java``, ``RoundTally.java``; RCTab 2.0 regression cases.
"""

from __future__ import annotations

from decimal import localcontext

from ..errors import RuleError
from .config import Rules
from .contest import SLICES, UWI, Contest, build_contest
from .counter import Counter
from .decimal_math import EXACT
from .ledger import STATUSES
from .results import RoundResult, SliceRound, Tabulation, TieRecord

__all__ = [
    "SLICES",
    "STATUSES",
    "UWI",
    "Contest",
    "RoundResult",
    "Rules",
    "SliceRound",
    "Tabulation",
    "TieRecord",
    "build_contest",
    "tabulate",
]


def tabulate(contest: Contest, rules: Rules, *, snapshots: bool = False) -> list[Tabulation]:
    """Count ``contest`` as RCTab would; one :class:`Tabulation` per report.

    ``multiPassIrv`` gives one tabulation per seat: each pass is a single-winner count
    with the earlier passes' winners excluded. Raises :class:`~tally.errors.RuleError`
    when RCTab would abort (an interactive tie-break, every candidate under the minimum
    threshold, no candidate left to eliminate). ``snapshots`` keeps, round by round,
    where each ballot's vote sits (for the CDF export, see :meth:`Tabulation.allocations`).
    """
    with localcontext(EXACT):
        if rules.is_multi_pass:
            passes: list[Tabulation] = []
            excluded = set(contest.excluded)
            for p in range(1, rules.number_of_winners + 1):
                tab = Counter(contest, rules, 1, frozenset(excluded), p, snapshots).run()
                if len(tab.winners) != 1:
                    raise RuleError(f"multi-pass IRV pass {p} found {len(tab.winners)} winners, expected one")
                passes.append(tab)
                excluded.add(tab.winners[0])
            return passes
        return [
            Counter(
                contest, rules, rules.number_of_winners, frozenset(contest.excluded), None, snapshots
            ).run()
        ]
