"""The RCTab tabulator: every winner-election mode of RCTab 2.0, reproduced exactly.

:func:`tabulate` counts a :class:`Contest` (merged ballot rows, candidates, slices)
under :class:`Rules` and returns one :class:`Tabulation` per report RCTab would
write (one, or one per pass for ``multiPassIrv``). It follows RCTab's
``Tabulator.tabulate`` round by round:

1. each ballot counts for its first continuing candidate (the shared ballot walk,
   :class:`tally.count.walk.Walk`, applies the overvote, skipped-rank and
   duplicate rules); in multi-seat surplus modes a ballot keeps a *fractional transfer
   value* once it has helped elect someone;
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

Reference: RCTab (BrightSpots/rcv) ``Tabulator.java``, ``Tiebreak.java``,
``CastVoteRecord.java``, ``RoundTally.java``; RCTab 2.0 regression cases.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_UP, Decimal, localcontext

import numpy as np

from ..count.record import FINAL_SURPLUS
from ..count.walk import Walk
from ..errors import RuleError
from ..options import EXHAUSTED, HELD_SURPLUS, OVERVOTED, REPEATED, SKIPPED_OUT, UNDERVOTE
from .config import Rules
from .contest import SLICES, UWI, Contest, build_contest
from .decimal_math import EXACT, ONE, ZERO, divide, multiply, unit
from .javarandom import JavaRandom, hash_order, hash_set_copy_order, shuffle
from .results import RoundResult, SliceRound, Tabulation, TieRecord, uses_surpluses

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

# Inactive statuses, named as in RCTab's report JSON ("undervotes" are the ballots that
# rank nobody, RCTab's DID_NOT_RANK_ANY_CANDIDATES).
STATUSES = (
    "overvotes",
    "skippedRankings",
    "exhaustedChoices",
    "repeatedRankings",
    "finalRoundSurplus",
    "undervotes",
)
_FINAL_SURPLUS = HELD_SURPLUS
_STATUS_OF_CODE = {
    OVERVOTED: "overvotes",
    SKIPPED_OUT: "skippedRankings",
    EXHAUSTED: "exhaustedChoices",
    REPEATED: "repeatedRankings",
    _FINAL_SURPLUS: "finalRoundSurplus",
    UNDERVOTE: "undervotes",
}
_N_CODES = 7  # inactive codes -1..-6 map to slots 1..6 of a shifted bincount
# where transferred votes go when not to a candidate: the winners' final-round surplus by
# its own name, every inactive reason as "exhausted" (RCTab's report files both there)
_DESTINATIONS = {_FINAL_SURPLUS: FINAL_SURPLUS, -1: "exhausted"}


def _destination(code: int) -> int:
    """The destination code a move is filed under (see ``_DESTINATIONS``)."""
    return code if code >= 0 or code == _FINAL_SURPLUS else -1


# -- the count ----------------------------------------------------------------------------


def _plus(value: Decimal | None) -> Decimal:
    """A vote sum as RCTab holds it (its tallies start at zero, whose scale then carries)."""
    return ZERO if value is None else ZERO + value


class _Classes:
    """Fractional transfer values: ballots that helped elect the same winners with the
    same kept shares share a class. Class 0 is a whole vote."""

    def __init__(self) -> None:
        self.allocations: list[tuple[tuple[str, Decimal], ...]] = [()]
        self.ftv: list[Decimal] = [ONE]
        self._index: dict[tuple[tuple[str, Decimal], ...], int] = {(): 0}

    def get(self, allocations: tuple[tuple[str, Decimal], ...]) -> int:
        k = self._index.get(allocations)
        if k is None:
            k = self._index[allocations] = len(self.allocations)
            self.allocations.append(allocations)
            remaining = ONE
            with localcontext(EXACT):
                for _, value in allocations:
                    remaining = remaining - value
            self.ftv.append(remaining)
        return k


class _Counter:
    """One pass of RCTab's tabulation."""

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
        self.keep_snapshots = snapshots
        self.snapshots: list[tuple[tuple[str, Decimal], ...]] = [()]
        self._snapshot_index: dict[tuple[tuple[str, Decimal], ...], int] = {(): 0}
        self.snapshot_rows: list[np.ndarray] = []
        self.rules = rules
        self.n_winners = n_winners
        self.names = contest.candidates
        self.index = {n: i for i, n in enumerate(self.names)}
        self.excluded = excluded
        self.pass_number = pass_number
        self.d = rules.decimal_places
        self.num_candidates = len(self.names) - len(excluded)  # RCTab getNumCandidates
        self.num_declared = len(self.names) - (1 if contest.has_uwi else 0)
        self.surplus = uses_surpluses(rules, n_winners)
        self.winner_round: dict[str, int] = {}
        self.eliminated_round: dict[str, int] = {}
        self.rounds: list[RoundResult] = []
        self.slice_rounds: dict[str, dict[str, list[SliceRound]]] = {
            k: {sid: [] for sid in ids} for k, ids in contest.slices.items()
        }
        self.ties: list[TieRecord] = []
        self.classes = _Classes()
        rows = contest.counts.size
        self.cls = np.zeros(rows, dtype=np.int64)
        self.alloc_total: dict[str, Decimal] = {}
        self.alloc_slices: dict[str, dict[str, dict[str, Decimal]]] = {}
        self.random: JavaRandom | None = None
        declared = [n for n in self.names if n != UWI or not contest.has_uwi]
        self.permutation: list[str] = list(declared)
        if rules.needs_seed:
            self.random = JavaRandom(int(rules.random_seed))  # type: ignore[arg-type]
            if rules.tiebreak_mode == "generatePermutation":
                self.permutation = shuffle(sorted(self.permutation), self.random)  # type: ignore[assignment]

    # -- helpers --------------------------------------------------------------------------

    def continuing(self, name: str) -> bool:
        if name in self.excluded or name in self.eliminated_round:
            return False
        if name in self.winner_round:
            return self.rules.continue_until_two
        return True

    def continuing_mask(self) -> np.ndarray:
        return np.array([self.continuing(n) for n in self.names], dtype=bool)

    def _sum(
        self,
        codes: np.ndarray,
        counts: np.ndarray,
        groups: np.ndarray | None,
        n_groups: int,
    ) -> list[list[Decimal | None]]:
        """Per group, per code slot (candidates, then inactive codes): exact vote sums.

        ``None`` where no ballot contributed (RCTab leaves such a tally at its initial
        zero, whose scale differs from a sum of fractional values).
        """
        c = len(self.names)
        slot = np.where(codes >= 0, codes, c - codes - 1)  # inactive -1..-6 → c..c+5
        width = c + _N_CODES
        g = groups if groups is not None else np.zeros(codes.size, dtype=np.int64)
        out: list[list[Decimal | None]] = [[None] * width for _ in range(n_groups)]
        for k in np.unique(self.cls):
            mask = self.cls == k
            flat = np.bincount(g[mask] * width + slot[mask], weights=counts[mask], minlength=n_groups * width)
            flat = np.rint(flat).astype(np.int64).reshape(n_groups, width)
            ftv = self.classes.ftv[int(k)]
            nz = np.argwhere(flat > 0)
            with localcontext(EXACT):
                for gi, si in nz:
                    add = Decimal(int(flat[gi, si])) * ftv
                    prev = out[gi][si]
                    out[gi][si] = add if prev is None else prev + add
        return out

    def _split(
        self, sums: list[Decimal | None], continuing: list[str]
    ) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        c = len(self.names)
        with localcontext(EXACT):
            tally = {n: _plus(sums[self.index[n]]) for n in continuing}
            inactive = {}
            for code, status in _STATUS_OF_CODE.items():
                v = sums[c - code - 1]
                inactive[status] = ZERO if v is None else ZERO + v
        return tally, inactive

    # -- tie-breaks -----------------------------------------------------------------------

    def tiebreak(self, selecting_winner: bool, tied: Sequence[str], votes: Decimal, round_: int) -> str:
        mode = self.rules.tiebreak_mode
        tied_sorted = sorted(tied)
        if mode in ("useCandidateOrder", "generatePermutation"):
            order = self.permutation if selecting_winner else list(reversed(self.permutation))
            chosen = next((c for c in order if c in tied_sorted), None)
            if chosen is None:
                raise RuleError(
                    f"round {round_}: tied candidates {', '.join(tied_sorted)} are not in the "
                    "tie-breaking candidate order"
                )
            why = f"appeared {'earliest' if selecting_winner else 'latest'} in the tie-breaking order"
        elif mode == "random":
            chosen = self._draw(tied_sorted)
            why = "drawn at random"
        elif mode in ("previousRoundCountsThenRandom", "previousRoundCountsThenAsk"):
            chosen, why = self._previous_rounds(selecting_winner, tied_sorted, round_)
        else:
            raise RuleError(
                f"round {round_}: a tie between {', '.join(tied_sorted)} needs tiebreakMode "
                f"{mode!r}, which asks an operator; choose a non-interactive tie-break mode"
            )
        self.ties.append(
            TieRecord(
                round=round_,
                purpose="elect" if selecting_winner else "eliminate",
                tied=tuple(tied_sorted),
                chosen=chosen,
                mode=mode,
                explanation=f"{chosen} {why}; each had {votes} votes",
            )
        )
        return chosen

    def _draw(self, tied: list[str]) -> str:
        assert self.random is not None
        return tied[math.floor(self.random.next_double() * float(len(tied)))]

    def _previous_rounds(self, selecting_winner: bool, tied: list[str], round_: int) -> tuple[str, str]:
        contention = list(tied)
        for r in range(round_ - 1, 0, -1):
            tally = self.rounds[r - 1].tally
            order = hash_set_copy_order(contention)
            values = [tally[c] for c in order]
            target = max(values) if selecting_winner else min(values)
            contention = [c for c, v in zip(order, values) if v == target]
            if len(contention) == 1:
                return contention[0], f"had the {'most' if selecting_winner else 'fewest'} votes in round {r}"
        if self.rules.tiebreak_mode == "previousRoundCountsThenAsk":
            raise RuleError(
                f"round {round_}: previous rounds do not separate {', '.join(sorted(contention))}, "
                "and tiebreakMode 'previousRoundCountsThenAsk' would ask an operator"
            )
        return self._draw(contention), "still tied in every previous round; drawn at random"

    # -- one round ------------------------------------------------------------------------

    def should_continue(self, current_round: int) -> bool:
        rules = self.rules
        n_elim = len(self.eliminated_round)
        n_win = len(self.winner_round)
        stop = rules.stop_early_after_round
        if stop is not None and current_round >= stop:
            return False
        if n_win == self.num_declared and self.n_winners > self.num_candidates:
            return False
        if rules.continue_until_two:
            return n_elim + n_win + 1 < self.num_candidates or current_round in self.eliminated_round.values()
        if rules.is_percentage:
            return n_win == 0
        return n_win < self.n_winners or (self.surplus and current_round in self.winner_round.values())

    def run(self) -> Tabulation:
        contest = self.contest
        rules = self.rules
        counts = contest.counts.astype(np.float64)
        excluded_idx = frozenset(self.index[n] for n in self.excluded)
        walk = Walk(contest.ballots, rules.reading(), excluded=excluded_idx)
        codes = walk.current.copy()
        moved, moved_from = walk.moved.copy(), walk.moved_from.copy()
        round_ = 0
        residual = ZERO
        while self.should_continue(round_):
            round_ += 1
            if round_ > 1:
                cont = self.continuing_mask()
                if self.surplus and len(self.winner_round) == self.n_winners:
                    active = codes >= 0
                    leaving = np.zeros_like(active)
                    leaving[active] = ~cont[codes[active]]
                    moved = np.flatnonzero(leaving)
                    moved_from = codes[moved].copy()
                    codes[moved] = _FINAL_SURPLUS
                else:
                    walk.advance(cont)
                    codes = walk.current.copy()
                    moved, moved_from = walk.moved.copy(), walk.moved_from.copy()
                self._record_transfers(round_ - 1, moved, moved_from, codes, counts)
            continuing = [n for n in self.names if self.continuing(n)]
            sums = self._sum(codes, counts, None, 1)[0]
            tally, inactive = self._split(sums, continuing)
            slice_tallies: dict[str, list[tuple[dict, dict]]] = {}
            for kind, ids in contest.slices.items():
                per = self._sum(codes, counts, contest.row_slices[kind], len(ids))
                slice_tallies[kind] = [self._split(s, continuing) for s in per]
            result = RoundResult(
                number=round_, tally=tally, threshold=ZERO, inactive=inactive, residual_surplus=residual
            )
            # beside RCTab's report (not in it): exhausted ballots by how fully they rank
            values = counts * np.asarray([float(f) for f in self.classes.ftv])[self.cls]
            result.exhausted_by_ranking = walk.exhausted_by_ranking(values)
            self.rounds.append(result)
            if self.keep_snapshots:
                self._snapshot(round_, codes, np.arange(codes.size) if round_ == 1 else moved)
            for kind, ids in contest.slices.items():
                for sid, (t, i) in zip(ids, slice_tallies[kind]):
                    self.slice_rounds[kind][sid].append(SliceRound(tally=t, inactive=i))

            self._decide(round_, tally, result, codes, counts)
            if self.n_winners > 1:
                residual = self._update_winner_tallies(round_, result, residual)
                result.residual_surplus = residual

        winners = sorted(self.winner_round, key=lambda w: (self.winner_round[w], w))
        return Tabulation(
            rules=rules,
            candidates=self.names,
            excluded=self.excluded,
            rounds=self.rounds,
            winners=winners,
            candidate_order=self._candidate_order(),
            ties=self.ties,
            slices=self.slice_rounds,
            number_of_winners=self.n_winners,
            pass_number=self.pass_number,
            has_uwi=contest.has_uwi,
            permutation=tuple(self.permutation),
            snapshots=self.snapshots,
            snapshot_rows=self.snapshot_rows,
        )

    def _decide(
        self,
        round_: int,
        tally: dict[str, Decimal],
        result: RoundResult,
        codes: np.ndarray,
        counts: np.ndarray,
    ) -> None:
        """Set the round's threshold, then elect (and transfer surpluses) or eliminate."""
        if self.n_winners > 1:
            recompute = round_ == 1
        else:
            # RCTab keeps the threshold of the round that found the winner while it
            # continues until two candidates remain.
            recompute = round_ == 1 or not (self.rules.first_round_determines_threshold or self.winner_round)
        result.threshold = self._threshold(tally) if recompute else self.rounds[-2].threshold

        winners = self._identify_winners(tally, result.threshold, round_, result)
        if winners:
            for w in winners:
                self.winner_round[w] = round_
            result.elected = sorted(winners)
            if self.surplus:
                for w in winners:
                    self._elect_with_surplus(w, tally[w], result.threshold, codes, counts)
        elif (
            len(self.winner_round) < self.n_winners
            or (self.rules.continue_until_two and len(self.eliminated_round) < self.num_candidates - 2)
            or self.rules.is_percentage
        ):
            eliminated = self._eliminate(tally, result.threshold, round_, result)
            for e in eliminated:
                self.eliminated_round[e] = round_
            result.eliminated = sorted(eliminated)

    def _snapshot(self, round_: int, codes: np.ndarray, rows: np.ndarray) -> None:
        """Record where the vote of every row in ``rows`` sits now (RCTab's CDF snapshot)."""
        current = (
            self.snapshot_rows[-1].copy() if self.snapshot_rows else np.zeros(codes.size, dtype=np.int64)
        )
        for row in rows.tolist():
            k = int(self.cls[row])
            entry = self.classes.allocations[k]
            code = int(codes[row])
            if code >= 0:
                entry = entry + ((self.names[code], self.classes.ftv[k]),)
            idx = self._snapshot_index.get(entry)
            if idx is None:
                idx = self._snapshot_index[entry] = len(self.snapshots)
                self.snapshots.append(entry)
            current[row] = idx
        self.snapshot_rows.append(current)

    def _record_transfers(
        self, into: int, moved: np.ndarray, moved_from: np.ndarray, codes: np.ndarray, counts: np.ndarray
    ) -> None:
        """Transfers made at the start of round ``into + 1``, filed under round ``into``."""
        if not moved.size:
            return
        targets = codes[moved]
        cls = self.cls[moved]
        groups: dict[tuple[int, int, int], float] = {}
        for src, dst, k, w in zip(
            moved_from.tolist(), targets.tolist(), cls.tolist(), counts[moved].tolist()
        ):
            groups[(src, _destination(dst), k)] = groups.get((src, _destination(dst), k), 0.0) + w
        rnd = self.rounds[into - 1]
        self._add_transfers(rnd.transfers, groups)
        for kind, ids in self.contest.slices.items():
            sl = self.contest.row_slices[kind][moved]
            per: dict[int, dict[tuple[int, int, int], float]] = {}
            for s, src, dst, k, w in zip(
                sl.tolist(), moved_from.tolist(), targets.tolist(), cls.tolist(), counts[moved].tolist()
            ):
                key = (src, _destination(dst), k)
                bucket = per.setdefault(s, {})
                bucket[key] = bucket.get(key, 0.0) + w
            for s, g in per.items():
                self._add_transfers(self.slice_rounds[kind][ids[s]][into - 1].transfers, g)

    def _add_transfers(
        self, target: dict[str, dict[str, Decimal]], groups: dict[tuple[int, int, int], float]
    ) -> None:
        with localcontext(EXACT):
            for (src, dst, k), w in groups.items():
                ftv = self.classes.ftv[k]
                if ftv <= 0 or src < 0:
                    continue
                to = self.names[dst] if dst >= 0 else _DESTINATIONS[dst]
                row = target.setdefault(self.names[src], {})
                value = Decimal(round(float(w))) * ftv
                row[to] = row[to] + value if to in row else ZERO + value

    def _threshold(self, tally: dict[str, Decimal]) -> Decimal:
        rules = self.rules
        with localcontext(EXACT):
            active = sum(tally.values(), ZERO)
            if rules.is_percentage:
                threshold = active * rules.bottoms_up_percentage  # type: ignore[operator]
            else:
                divisor = Decimal(self.n_winners if rules.hare_quota else self.n_winners + 1)
                decimals = self.d if rules.non_integer_threshold else 0
                if rules.hare_quota:
                    threshold = divide(active, divisor, decimals, ROUND_UP)
                else:
                    threshold = divide(active, divisor, decimals, ROUND_DOWN) + unit(decimals)
            minimum = rules.minimum_vote_threshold
            if minimum > 0 and minimum > threshold:
                threshold = minimum
        return threshold

    def _identify_winners(
        self, tally: dict[str, Decimal], threshold: Decimal, round_: int, result: RoundResult
    ) -> list[str]:
        rules = self.rules
        if tally.get(UWI, ZERO) != 0 and self.contest.has_uwi and UWI in tally:
            return []
        if rules.is_percentage:
            if all(v > threshold for v in tally.values()):
                return list(tally)
            return []
        selected: list[str] = []
        unfilled = self.n_winners - len(self.winner_round)
        by_votes = sorted(set(tally.values()))
        if unfilled > 0:
            if len(tally) <= unfilled:
                selected = list(tally)
            elif rules.first_round_determines_threshold and len(tally) - 1 == self.n_winners:
                top = by_votes[-1]
                selected = [c for c in tally if tally[c] == top]
            elif rules.winner_election_mode != "bottomsUp":
                selected = [
                    c for c in tally if tally[c] >= threshold and not (c == UWI and self.contest.has_uwi)
                ]
        multiple = len(selected) > 1 and (
            rules.winner_election_mode == "multiWinnerAllowOnlyOneWinnerPerRound"
            or rules.first_round_determines_threshold
        )
        none = (
            self.n_winners == 1
            and not selected
            and len(tally) == 2
            and unfilled == 1
            and all(v >= rules.minimum_vote_threshold for v in tally.values())
        )
        if multiple or none:
            top = by_votes[-1]
            selected = [c for c in tally if tally[c] == top]
            if len(selected) > 1:
                chosen = self.tiebreak(True, selected, top, round_)
                result.by_tiebreak.add(chosen)
                selected = [chosen]
        return selected

    def _elect_with_surplus(
        self, winner: str, votes: Decimal, threshold: Decimal, codes: np.ndarray, counts: np.ndarray
    ) -> None:
        d = self.d
        with localcontext(EXACT):
            extra = votes - threshold
            fraction = divide(extra, votes, d, ROUND_DOWN) if extra > 0 else ZERO
            rows = np.flatnonzero(codes == self.index[winner])
            total = ZERO
            slices: dict[str, dict[str, Decimal]] = {k: {} for k in self.contest.slices}
            mapping: dict[int, tuple[int, Decimal]] = {}
            for k in np.unique(self.cls[rows]).tolist():
                ftv = self.classes.ftv[k]
                transfer = multiply(ftv, fraction, d)
                kept = ftv - transfer
                mapping[k] = (self.classes.get(self.classes.allocations[k] + ((winner, kept),)), kept)
            old = self.cls[rows].copy()
            for k, (new, kept) in mapping.items():
                sel = rows[old == k]
                self.cls[sel] = new
                n = round(float(counts[sel].sum()))
                total = total + Decimal(n) * kept
                for kind, ids in self.contest.slices.items():
                    per = np.bincount(
                        self.contest.row_slices[kind][sel], weights=counts[sel], minlength=len(ids)
                    )
                    for s in np.flatnonzero(per > 0).tolist():
                        cur = slices[kind].get(ids[s], ZERO)
                        slices[kind][ids[s]] = cur + Decimal(round(float(per[s]))) * kept
        self.alloc_total[winner] = total
        self.alloc_slices[winner] = slices

    def _update_winner_tallies(self, round_: int, result: RoundResult, residual: Decimal) -> Decimal:
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

    # -- eliminations ---------------------------------------------------------------------

    def _eliminate(
        self, tally: dict[str, Decimal], threshold: Decimal, round_: int, result: RoundResult
    ) -> list[str]:
        rules = self.rules
        if not tally:
            # RCTab fails here too (an empty round has no lowest candidate).
            raise RuleError(
                f"round {round_}: no continuing candidate is left to eliminate, and no one "
                "was elected (no ballot counts for anyone)"
            )
        if self.contest.has_uwi and UWI in tally and tally[UWI] > 0:
            return [UWI]
        minimum = rules.minimum_vote_threshold
        if minimum > 0:
            below = [c for c in tally if tally[c] < minimum]
            if below:
                if len(below) == self.num_declared:
                    raise RuleError(
                        "every declared candidate is below the minimum vote threshold; "
                        "tabulation cannot proceed"
                    )
                return below
        if rules.is_percentage and rules.cutoff_elimination:
            below = [c for c in tally if not tally[c] > threshold]
            if below and len(below) < len(tally):
                return below
        if rules.batch_elimination:
            batch = self._batch(tally)
            if len(batch) > 1:
                return batch
        low = min(tally.values())
        last = [c for c in tally if tally[c] == low]
        if len(last) > 1:
            loser = self.tiebreak(False, last, low, round_)
            result.by_tiebreak.add(loser)
            return [loser]
        return last

    def _batch(self, tally: dict[str, Decimal]) -> list[str]:
        running = ZERO
        seen: list[str] = []
        done: set[str] = set()
        eliminations: list[str] = []
        previous: list[str] = []
        with localcontext(EXACT):
            for value in sorted(set(tally.values())):
                group = [c for c in tally if tally[c] == value]
                new = list(eliminations)
                if running < value:
                    for c in seen:
                        if c not in done:
                            done.add(c)
                            new.append(c)
                running = running + multiply(value, Decimal(len(group)), self.d)
                seen.extend(group)
                if len(new) > len(eliminations):
                    previous, eliminations = eliminations, new
        if (
            self.rules.continue_until_two
            and len(eliminations) + len(self.eliminated_round) == self.num_candidates - 1
        ):
            eliminations = previous
        return eliminations

    # -- report order ---------------------------------------------------------------------

    def _candidate_order(self) -> list[str]:
        """Round-1 candidates by votes, highest first, write-ins last; equal votes in the
        order RCTab's hash map iterates them."""
        first = self.rounds[0].tally
        names_set = hash_order(self.names)
        keys = hash_order([n for n in names_set if n in first])

        def key(name: str) -> tuple[int, Decimal]:
            return (1 if (name == UWI and self.contest.has_uwi) else 0, -first[name])

        return sorted(keys, key=key)


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
                tab = _Counter(contest, rules, 1, frozenset(excluded), p, snapshots).run()
                if len(tab.winners) != 1:
                    raise RuleError(f"multi-pass IRV pass {p} found {len(tab.winners)} winners, expected one")
                passes.append(tab)
                excluded.add(tab.winners[0])
            return passes
        return [
            _Counter(
                contest, rules, rules.number_of_winners, frozenset(contest.excluded), None, snapshots
            ).run()
        ]
