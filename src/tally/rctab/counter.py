"""One pass of RCTab's tabulation, round by round (see :mod:`tally.rctab.tabulate`).

A :class:`Counter` moves the ballots (the shared ballot walk, :class:`tally.count.walk.Walk`),
sums each round (:class:`tally.rctab.ledger.Ledger`), decides it
(:mod:`tally.rctab.decisions`, ties by :class:`tally.rctab.tiebreak.TieBreaker`) and, in
the surplus modes, keeps the winners' shares and records the residual surplus.

Reference: RCTab (BrightSpots/rcv) ``Tabulator.tabulate``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext

import numpy as np

from ..count.walk import Walk
from .config import Rules
from .contest import UWI, Contest
from .decimal_math import EXACT, ZERO
from .decisions import Seats, eliminations, threshold, winners
from .javarandom import hash_order
from .ledger import FINAL_SURPLUS_CODE, Ledger
from .results import RoundResult, SliceRound, Tabulation, uses_surpluses
from .split import Splits
from .tiebreak import TieBreaker

__all__ = ["Counter"]


class Counter:
    """One pass of RCTab's tabulation: ``n_winners`` seats, ``excluded`` left out.

    ``pass_number`` numbers the passes of ``multiPassIrv`` (``None`` otherwise);
    ``snapshots`` keeps where each ballot's vote sits round by round (the CDF export).
    """

    def __init__(
        self,
        contest: Contest,
        rules: Rules,
        n_winners: int,
        excluded: frozenset[str],
        pass_number: int | None,
        snapshots: bool = False,
    ) -> None:
        self.contest = contest
        self.rules = rules
        self.n_winners = n_winners
        self.names = contest.candidates
        self.excluded = excluded
        self.pass_number = pass_number
        self.seats = Seats(
            rules=rules,
            n_winners=n_winners,
            has_uwi=contest.has_uwi,
            num_candidates=len(self.names) - len(excluded),  # RCTab getNumCandidates
            num_declared=len(self.names) - (1 if contest.has_uwi else 0),
        )
        self.surplus = uses_surpluses(rules, n_winners)
        self.winner_round: dict[str, int] = {}
        self.eliminated_round: dict[str, int] = {}
        self.rounds: list[RoundResult] = []
        self.slice_rounds: dict[str, dict[str, list[SliceRound]]] = {
            k: {sid: [] for sid in ids} for k, ids in contest.slices.items()
        }
        splits = Splits(rules.decimal_places) if rules.reading().overvote == "split" else None
        self.ledger = Ledger(contest, snapshots, splits)
        self.alloc_total: dict[str, Decimal] = {}
        self.alloc_slices: dict[str, dict[str, dict[str, Decimal]]] = {}
        self.set_aside = ZERO  # the split remainder of the ballots active this round
        self.ties = TieBreaker(rules, [n for n in self.names if n != UWI or not contest.has_uwi])

    # -- who is in the count --------------------------------------------------------------

    def continuing(self, name: str) -> bool:
        if name in self.excluded or name in self.eliminated_round:
            return False
        if name in self.winner_round:
            return self.rules.continue_until_two
        return True

    def continuing_mask(self) -> np.ndarray:
        return np.array([self.continuing(n) for n in self.names], dtype=bool)

    def should_continue(self, current_round: int) -> bool:
        rules = self.rules
        n_elim = len(self.eliminated_round)
        n_win = len(self.winner_round)
        num_candidates = self.seats.num_candidates
        stop = rules.stop_early_after_round
        if stop is not None and current_round >= stop:
            return False
        if n_win == self.seats.num_declared and self.n_winners > num_candidates:
            return False
        if rules.continue_until_two:
            return n_elim + n_win + 1 < num_candidates or current_round in self.eliminated_round.values()
        if rules.is_percentage:
            return n_win == 0
        return n_win < self.n_winners or (self.surplus and current_round in self.winner_round.values())

    def _tiebreak(self, selecting_winner: bool, tied: Sequence[str], votes: Decimal, round_: int) -> str:
        return self.ties.choose(selecting_winner, tied, votes, round_, self.rounds)

    # -- the rounds -----------------------------------------------------------------------

    def run(self) -> Tabulation:
        """Count every round of the pass."""
        contest = self.contest
        counts = contest.counts.astype(np.float64)
        excluded_idx = frozenset(self.ledger.index[n] for n in self.excluded)
        walk = Walk(contest.ballots, self.rules.reading(), excluded=excluded_idx)
        codes = walk.current.copy()
        moved, moved_from = walk.moved.copy(), walk.moved_from.copy()
        self.ledger.divide(walk)
        round_ = 0
        residual = ZERO
        while self.should_continue(round_):
            round_ += 1
            if round_ > 1:
                codes, moved, moved_from = self._move(walk, codes)
                self.ledger.record_transfers(
                    round_ - 1, self.rounds[-1], self.slice_rounds, moved, moved_from, codes, counts
                )
            tally, result = self._count(round_, walk, codes, counts, residual)
            self.ledger.snapshot(codes, np.arange(codes.size) if round_ == 1 else moved)
            self._decide(round_, tally, result, codes, counts)
            if self.n_winners > 1:
                residual = self._update_winner_tallies(round_, result, residual)
                result.residual_surplus = residual

        ledger = self.ledger
        return Tabulation(
            rules=self.rules,
            candidates=self.names,
            excluded=self.excluded,
            rounds=self.rounds,
            winners=sorted(self.winner_round, key=lambda w: (self.winner_round[w], w)),
            candidate_order=self._candidate_order(),
            ties=self.ties.ties,
            slices=self.slice_rounds,
            number_of_winners=self.n_winners,
            pass_number=self.pass_number,
            has_uwi=contest.has_uwi,
            permutation=tuple(self.ties.permutation),
            snapshots=ledger.snapshots,
            snapshot_rows=ledger.snapshot_rows,
        )

    def _move(self, walk: Walk, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Move the ballots of the candidates who left; returns (codes, moved rows, their
        codes before). Once every seat is filled in a surplus mode, the winners' ballots
        stop where they are, as final-round surplus."""
        cont = self.continuing_mask()
        if self.surplus and len(self.winner_round) == self.n_winners:
            active = codes >= 0
            leaving = np.zeros_like(active)
            leaving[active] = ~cont[codes[active]]
            moved = np.flatnonzero(leaving)
            moved_from = codes[moved].copy()
            codes[moved] = FINAL_SURPLUS_CODE
            held = self.ledger.hold(cont)
            if held.size:
                moved = np.concatenate((moved, held))
                moved_from = np.concatenate((moved_from, codes[held]))
            return codes, moved, moved_from
        walk.advance(cont)
        self.ledger.divide(walk)
        return walk.current.copy(), walk.moved.copy(), walk.moved_from.copy()

    def _count(
        self, round_: int, walk: Walk, codes: np.ndarray, counts: np.ndarray, residual: Decimal
    ) -> tuple[dict[str, Decimal], RoundResult]:
        """Sum round ``round_`` (and its slices) and record it."""
        contest = self.contest
        ledger = self.ledger
        continuing = [n for n in self.names if self.continuing(n)]
        sums = ledger.sums(codes, counts, None, 1)[0]
        tally, inactive = ledger.tally(sums, continuing)
        result = RoundResult(
            number=round_,
            tally=tally,
            threshold=ZERO,
            inactive=inactive,
            residual_surplus=residual,
            split_remainder=ledger.remainder(sums),
        )
        self.set_aside = ledger.set_aside(codes, counts)
        # beside RCTab's report (not in it): exhausted ballots by how fully they rank
        result.exhausted_by_ranking = walk.exhausted_by_ranking(ledger.values(counts))
        self.rounds.append(result)
        for kind, ids in contest.slices.items():
            per = ledger.sums(codes, counts, contest.row_slices[kind], len(ids))
            for sid, part in zip(ids, per):
                t, i = ledger.tally(part, continuing)
                self.slice_rounds[kind][sid].append(
                    SliceRound(tally=t, inactive=i, split_remainder=ledger.remainder(part))
                )
        return tally, result

    def _decide(
        self,
        round_: int,
        tally: dict[str, Decimal],
        result: RoundResult,
        codes: np.ndarray,
        counts: np.ndarray,
    ) -> None:
        """Set the round's threshold, then elect (and transfer surpluses) or eliminate."""
        rules = self.rules
        if self.n_winners > 1:
            recompute = round_ == 1
        else:
            # RCTab keeps the threshold of the round that found the winner while it
            # continues until two candidates remain.
            recompute = round_ == 1 or not (rules.first_round_determines_threshold or self.winner_round)
        if recompute:
            result.threshold = threshold(self.seats, tally, self.set_aside)
        else:
            result.threshold = self.rounds[-2].threshold

        elected = winners(
            self.seats, tally, result.threshold, round_, result, len(self.winner_round), self._tiebreak
        )
        if elected:
            for w in elected:
                self.winner_round[w] = round_
            result.elected = sorted(elected)
            if self.surplus:
                for w in elected:
                    self.alloc_total[w], self.alloc_slices[w] = self.ledger.keep_surplus(
                        w, tally[w], result.threshold, codes, counts, rules.decimal_places
                    )
        elif (
            len(self.winner_round) < self.n_winners
            or (rules.continue_until_two and len(self.eliminated_round) < self.seats.num_candidates - 2)
            or rules.is_percentage
        ):
            out = eliminations(
                self.seats,
                tally,
                result.threshold,
                round_,
                result,
                len(self.eliminated_round),
                self._tiebreak,
            )
            for e in out:
                self.eliminated_round[e] = round_
            result.eliminated = sorted(out)

    def _update_winner_tallies(self, round_: int, result: RoundResult, residual: Decimal) -> Decimal:
        """Earlier winners' tallies: what they kept (at the threshold, the excess filed as
        residual surplus). Returns the residual surplus so far."""
        previous = [w for w, r in self.winner_round.items() if r != round_]
        fresh = {w for w in previous if self.winner_round[w] == round_ - 1}
        for w in previous:
            result.tally[w] = self.alloc_total.get(w, ZERO) if w in fresh else self.rounds[-2].tally[w]
            for kind, ids in self.contest.slices.items():
                for sid in ids:
                    sr = self.slice_rounds[kind][sid]
                    sr[-1].tally[w] = (
                        self.alloc_slices.get(w, {}).get(kind, {}).get(sid, ZERO)
                        if w in fresh
                        else sr[-2].tally[w]
                    )
        with localcontext(EXACT):
            for w in sorted(fresh):
                extra = result.tally[w] - result.threshold
                if extra > 0:
                    residual = residual + extra
                    result.tally[w] = result.threshold
                    row = self.rounds[-2].transfers.setdefault(w, {})
                    key = "residual surplus"
                    row[key] = row[key] + extra if key in row else ZERO + extra
        return residual

    def _candidate_order(self) -> list[str]:
        """Round-1 candidates by votes, highest first, write-ins last; equal votes in the
        order RCTab's hash map iterates them."""
        first = self.rounds[0].tally
        names_set = hash_order(self.names)
        keys = hash_order([n for n in names_set if n in first])

        def key(name: str) -> tuple[int, Decimal]:
            return (1 if (name == UWI and self.contest.has_uwi) else 0, -first[name])

        return sorted(keys, key=key)
