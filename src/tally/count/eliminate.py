"""The elimination count: IRV, Coombs and each pass of sequential IRV are this one loop.

Each round every ballot counts for its first continuing candidate (the :class:`Walk`). A
candidate with a majority of the continuing votes wins (with the threshold of
``"majority"``: more than half of this round's continuing votes; ``"first_round"``: fixed
at round 1's). Otherwise candidates leave: a batch of candidates who cannot catch up
(``batch``, RCTab's batch elimination), or the one a score puts last (``badness``: IRV's
fewest votes, Coombs' most last places), ties broken by the :class:`TieBreaker`. With
two candidates left the leader wins even short of the threshold (as in RCTab). With
``until_two`` the count goes on after the winner is found until two remain.

Ties under ``tiebreak="all"`` are explored ("parallel universes"): every way of
breaking each tie is counted on a copy of the walk, memoised on the set of continuing
candidates, and the union of the winners reported; rounds are recorded up to the first
such tie. The branches wait on one stack (no recursion however deep the ties nest), and
past :data:`tally.limits.TIE_SEARCH_STATES` of them (a round of Coombs, whose scores read
every ballot, counting one for every 16,384 ballot cells) the count is refused.

Cost: a round costs O(rows moved + C) plus the tie-break; earlier rounds' counts are
kept as one matrix (:class:`~tally.ties.CountHistory`), so a tie broken by earlier rounds
reads only the rounds it needs for the tied candidates (:func:`tally.ties.earlier_rounds`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import limits
from ..ballots import RankedBallots
from ..errors import RuleError
from ..outcome import Outcome
from ..ties import CountHistory, TieBreaker, best
from .record import Recorder, transfer_row
from .walk import Walk

__all__ = ["THRESHOLDS", "Elimination", "batch_losers", "fewest_votes", "majority"]

THRESHOLDS = ("majority", "first_round")

_CELLS = 1 << 14
"""Ballot cells (rows x candidates) a score read from every ballot may read in the search
over tie orders for the price of one set tried."""

Badness = Callable[[Walk, np.ndarray], np.ndarray]
"""Scores deciding eliminations, lower = eliminated first (IRV: the votes)."""


def fewest_votes(walk: Walk, votes: np.ndarray) -> np.ndarray:
    """IRV's badness: the votes themselves."""
    return votes


def majority(active: float) -> tuple[float, float]:
    """(threshold to report, half): a candidate wins with more than ``half`` the votes.

    With whole-number totals the reported threshold is floor(active / 2) + 1, as
    certified tabulators print it; the test is the same.
    """
    half = active / 2.0
    if float(active).is_integer():
        return float(math.floor(half) + 1), half
    return half, half


def batch_losers(votes: np.ndarray, among: np.ndarray, *, keep: int = 1) -> list[int]:
    """Candidates that cannot catch up: RCTab's batch elimination.

    Going up from the lowest tally, every candidate seen so far is eliminated whenever
    their combined votes are below the next tally up. Returns the candidates (lowest
    first) when that removes more than one, else an empty list (RCTab then eliminates
    the single lowest candidate the regular way, with tie-breaking). If the batch would
    leave fewer than ``keep`` candidates, the batch found one step earlier is used
    instead, as RCTab does when counting on until two candidates remain.
    """
    order = sorted(among.tolist(), key=lambda c: (votes[c], c))
    values = sorted({float(votes[c]) for c in order})
    running = 0.0
    seen: list[int] = []
    out: list[int] = []
    before: list[int] = []
    for value in values:
        if running < value and len(seen) > len(out):
            before, out = out, list(seen)
        group = [c for c in order if votes[c] == value]
        running += value * len(group)
        seen.extend(group)
    if len(order) - len(out) < keep:
        out = before
    return out if len(out) > 1 else []


@dataclass
class _Line:
    """Where one line of the count stands (the recorded line, or an explored branch)."""

    number: int
    history: CountHistory
    # the scores eliminations were decided on; the same object as history when they
    # are the votes (IRV), so each round is kept once
    bad_history: CountHistory
    frozen: tuple[float, float] | None = None
    elected: int | None = None

    def keep(self, votes: np.ndarray, scores: np.ndarray) -> None:
        """Add a round's votes and scores to the history."""
        self.history.append(votes)
        if self.bad_history is not self.history:
            self.bad_history.append(scores)

    def explored(self, width: int) -> _Line:
        """The next line of an exploration of tie orders (tiebreak ``all``).

        Under ``all`` no tie is broken by earlier rounds, so the line starts a history of
        its own instead of copying this one's: a branch costs the width, not the rounds.
        """
        history = CountHistory(width)
        shared = self.bad_history is self.history
        return _Line(
            self.number + 1, history, history if shared else CountHistory(width), self.frozen, self.elected
        )


@dataclass
class Elimination:
    """One elimination count over ``ballots`` (see the module docstring)."""

    ballots: RankedBallots
    breaker: TieBreaker
    recorder: Recorder
    badness: Badness = fewest_votes
    threshold: str = "majority"
    batch: bool = False
    until_two: bool = False
    memo_ok: bool = True
    note: str = ""
    memo: dict[tuple[bytes, int | None, tuple[float, float] | None], frozenset[int]] = field(
        default_factory=dict
    )
    order: list[str] = field(default_factory=list)
    # branches still to explore, while an exploration runs (see _explore)
    _pending: list[tuple[Walk, _Line, list[int]]] | None = field(default=None, init=False, repr=False)
    _spent: int = field(default=0, init=False, repr=False)  # steps of the search so far

    def run(self, walk: Walk, first_round: int = 1) -> frozenset[int]:
        """Count to the end, recording every round; the winners (several if a tie stood)."""
        c = self.ballots.n_candidates
        history = CountHistory(c)
        scores = history if self.badness is fewest_votes else CountHistory(c)
        return self._line(walk, _Line(first_round, history, scores), record=True)

    def _line(self, walk: Walk, line: _Line, record: bool) -> frozenset[int]:
        while True:
            cands = np.flatnonzero(walk.continuing)
            key = (np.packbits(walk.continuing).tobytes(), line.elected, line.frozen)
            if not record:
                if self.memo_ok:
                    if key in self.memo:
                        return self.memo[key]
                    # explored depth first: what this set leads to is being found now, so
                    # meeting it again adds no winner
                    self.memo[key] = frozenset()
                if self.badness is not fewest_votes:
                    # a score read from every ballot (Coombs' last places) costs a round
                    # rows x candidates: charged to the search in steps of _CELLS
                    self._spend(walk.current.size * cands.size // _CELLS)
            done = self._round(walk, cands, line, record)
            if done is not None:
                if self.memo_ok:
                    self.memo[key] = done
                return done

    def _round(self, walk: Walk, cands: np.ndarray, line: _Line, record: bool) -> frozenset[int] | None:
        """One round; the winners when the line ends here, else None (the count goes on)."""
        votes, inactive = walk.counts()
        active = float(votes[cands].sum())
        if line.frozen is not None:
            shown, half = line.frozen
        else:
            shown, half = majority(active)
            if self.threshold == "first_round" or (self.until_two and line.elected is not None):
                line.frozen = (shown, half)
        names = self.ballots.candidates
        base: dict[str, Any] = {}  # what a recorded round shows; an explored one shows nothing
        if record:
            base = {
                "number": line.number,
                "tally": dict(zip([names[c] for c in cands.tolist()], votes[cands].tolist())),
                "continuing": active,
                "inactive": inactive,
                "threshold": shown,
                "exhausted_by_ranking": walk.exhausted_by_ranking(),
            }
        if line.elected is None and cands.size:
            found = self._winner(walk, votes, cands, half, line, record, base)
            if found is not None:
                return found or None
        if line.elected is not None and cands.size <= 2:
            if record:
                self.recorder.add(**base, note=self._note("two candidates remain"))
            return frozenset([line.elected])
        return self._eliminate(walk, cands, votes, line, record, base)

    def _winner(
        self,
        walk: Walk,
        votes: np.ndarray,
        cands: np.ndarray,
        half: float,
        line: _Line,
        record: bool,
        base: dict[str, Any],
    ) -> frozenset[int] | None:
        """Elect the leader if they have won.

        Returns the winners when the line ends here, an empty set when a winner was found
        and the count goes on to the next round (``until_two``), None when nobody won.
        """
        names = self.ballots.candidates
        top = cands[np.argmax(votes[cands])]
        winner: list[int] = []
        if cands.size == 1 or votes[top] > half:
            winner = [int(top)]
        elif cands.size == 2:
            # the leader of the last two wins even short of the threshold (as in RCTab)
            winner, left_tied = self._settle(votes, cands, line.number, line.history, "winner", highest=True)
            if left_tied:
                if record:
                    elected = tuple(names[c] for c in winner)
                    note = self._note("the last two candidates tied; both reported")
                    self.recorder.add(**base, elected=elected, note=note)
                return frozenset(winner)
        if not winner:
            return None
        line.elected = winner[0]
        if not (self.until_two and cands.size > 2):
            if record:
                self.recorder.add(**base, elected=(names[line.elected],), note=self._note(""))
            return frozenset(winner)
        if record:
            note = self._note("winner found; counting on until two candidates remain")
            self.recorder.add(**base, elected=(names[line.elected],), note=note)
        line.keep(votes, self.badness(walk, votes))
        line.number += 1
        return frozenset()

    def _settle(
        self,
        scores: np.ndarray,
        pool: np.ndarray,
        number: int,
        history: CountHistory,
        purpose: str,
        highest: bool,
    ) -> tuple[list[int], bool]:
        """The best (or worst) of ``pool`` by ``scores``; ties go to the breaker or stay."""
        return best(
            scores,
            self.breaker,
            among=pool,
            highest=highest,
            purpose=purpose,
            round=number,
            history=history,
            detail="every way of breaking the tie explored",
        )

    def _eliminate(
        self,
        walk: Walk,
        cands: np.ndarray,
        votes: np.ndarray,
        line: _Line,
        record: bool,
        base: dict[str, Any],
    ) -> frozenset[int] | None:
        """Eliminate the last (or a batch); explore every way when a tie stands."""
        names = self.ballots.candidates
        pool = cands if line.elected is None else cands[cands != line.elected]
        # the winner, if any, stays in the batch computation, as in RCTab's tally
        losing = batch_losers(votes, cands, keep=2 if self.until_two else 1) if self.batch else []
        scores = self.badness(walk, votes)
        if not losing and self.breaker.mode == "all" and self.badness is fewest_votes:
            # Candidates without a vote go one after another in any order, and no ballot
            # moves meanwhile, so exploring their orders cannot change the result.
            empty = [int(c) for c in pool if votes[c] == 0]
            if len(empty) > 1 and cands.size - len(empty) >= 2:
                losing = empty
        if not losing:
            chosen, left_tied = self._settle(
                scores, pool, line.number, line.bad_history, "eliminate", highest=False
            )
            if left_tied:
                return self._explore(walk, chosen, line, record, base)
            losing = chosen
        nxt = walk.continuing.copy()
        nxt[losing] = False
        walk.advance(nxt)
        if record:
            self.order.extend(names[c] for c in losing)
            note = ("batch elimination" if self.batch else "no votes") if len(losing) > 1 else ""
            self.recorder.add(
                **base,
                eliminated=tuple(names[c] for c in losing),
                transfers={names[k]: transfer_row(v, names) for k, v in walk.flows().items()},
                note=self._note(note),
            )
        line.keep(votes, scores)
        line.number += 1
        return None

    def _explore(
        self,
        walk: Walk,
        chosen: list[int],
        line: _Line,
        record: bool,
        base: dict[str, Any],
    ) -> frozenset[int]:
        names = self.ballots.candidates
        if record:
            note = (
                "tie for elimination among "
                + ", ".join(names[c] for c in chosen)
                + "; every way of breaking it explored"
            )
            self.recorder.add(**base, note=self._note(note))
        branches = (walk, line, chosen[::-1])
        if self._pending is not None:
            # inside an exploration: its loop takes these branches next, depth first as
            # before; this line adds no winner of its own (a set met again adds none either)
            self._pending.append(branches)
            return frozenset()
        self._pending = [branches]
        self._spent = 0
        found: set[int] = set()
        try:
            while self._pending:
                parent, at, rest = self._pending[-1]
                c = rest.pop()
                if not rest:
                    self._pending.pop()
                self._spend(1)
                nxt = parent.continuing.copy()
                nxt[c] = False
                if self.memo_ok and (np.packbits(nxt).tobytes(), at.elected, at.frozen) in self.memo:
                    continue  # met before: its winners are found already
                branch = parent.copy()
                branch.advance(nxt)
                found |= self._line(branch, at.explored(self.ballots.n_candidates), record=False)
        finally:
            self._pending = None
        return frozenset(found)

    def _spend(self, steps: int) -> None:
        """Count steps of the search over tie orders; refuse past the limit."""
        self._spent += steps
        if self._spent > limits.TIE_SEARCH_STATES:
            raise RuleError(
                f"the ties for elimination leave more than {limits.TIE_SEARCH_STATES:,} sets of candidates "
                "to explore under tiebreak 'all'; count with tiebreak 'order', 'random' or 'previous_round'"
            )

    def _note(self, text: str) -> str:
        if not self.note:
            return text
        return f"{self.note}; {text}" if text else self.note

    def outcome(self, winners: frozenset[int], details: dict[str, Any] | None = None) -> Outcome:
        """The outcome: the recorded rounds, winners in candidate order, the elimination order."""
        names = self.ballots.candidates
        return self.recorder.outcome(
            winners=tuple(names[c] for c in sorted(winners)),
            ties=self.breaker.ties,
            details={"elimination_order": list(self.order), **(details or {})},
            tied=len(winners) > 1,
        )
