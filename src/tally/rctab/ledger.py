"""Where the votes of RCTab's merged rows sit: transfer values, sums, transfers, snapshots.

A :class:`Ledger` keeps, for every merged row, the class of its *fractional transfer
value* (:class:`tally.rctab.transfer_values.Classes`: ballots that helped elect the same
winners with the same kept shares share a class, class 0 is a whole vote) and turns the
rows' codes (the candidate each counts for, or why it is inactive) into RCTab's decimal
vote sums, round tallies, transfers and per-ballot snapshots. Sums are exact: counts of
ballots times a transfer value, in RCTab's ``BigDecimal`` scale (a sum nothing
contributed to stays at RCTab's initial zero). Under ``overvoteRule: "splitVote"`` the
rows divided among several candidates (:class:`tally.rctab.split.Splits`) add their
shares to each of them, and the value they set aside is summed as the split remainder.

Reference: RCTab (BrightSpots/rcv) ``Tabulator.java``, ``CastVoteRecord.java``,
``RoundTally.java``.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext

import numpy as np

from ..count.record import FINAL_SURPLUS
from ..count.walk import Walk
from ..options import EXHAUSTED, HELD_SURPLUS, OVERVOTED, REPEATED, SKIPPED_OUT, UNDERVOTE
from .contest import Contest
from .decimal_math import EXACT, ZERO, divide, multiply
from .results import RoundResult, SliceRound
from .split import Flow, Splits
from .transfer_values import Allocation, Classes

__all__ = ["FINAL_SURPLUS_CODE", "STATUSES", "Ledger"]

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
FINAL_SURPLUS_CODE = HELD_SURPLUS
"""The code of a row whose vote a winner holds as final-round surplus."""
_STATUS_OF_CODE = {
    OVERVOTED: "overvotes",
    SKIPPED_OUT: "skippedRankings",
    EXHAUSTED: "exhaustedChoices",
    REPEATED: "repeatedRankings",
    FINAL_SURPLUS_CODE: "finalRoundSurplus",
    UNDERVOTE: "undervotes",
}
_N_CODES = 7  # inactive codes -1..-6 map to slots 1..6 of a shifted bincount
# Slot c + 6 (the walk's code for a divided row) holds the split remainder so far instead
_REMAINDER = 6
# where transferred votes go when not to a candidate: the winners' final-round surplus by
# its own name, every inactive reason as "exhausted" (RCTab's report files both there)
_DESTINATIONS = {FINAL_SURPLUS_CODE: FINAL_SURPLUS, -1: "exhausted"}


def _destination(code: int) -> int:
    """The destination code a move is filed under (see ``_DESTINATIONS``)."""
    return code if code >= 0 or code == FINAL_SURPLUS_CODE else -1


def _plus(value: Decimal | None) -> Decimal:
    """A vote sum as RCTab holds it (its tallies start at zero, whose scale then carries)."""
    return ZERO if value is None else ZERO + value


class Ledger:
    """The transfer-value class of every merged row of ``contest``, and what it adds up to.

    With ``snapshots``, :meth:`snapshot` records round by round where each row's vote
    sits (RCTab's CDF export). ``splits`` (under ``splitVote``) holds the rows divided
    among several candidates.
    """

    def __init__(self, contest: Contest, snapshots: bool = False, splits: Splits | None = None) -> None:
        self.contest = contest
        self.names = contest.candidates
        self.index = {n: i for i, n in enumerate(self.names)}
        self.classes = Classes()
        self.cls = np.zeros(contest.counts.size, dtype=np.int64)
        self.splits = splits
        self.keep_snapshots = snapshots
        self.snapshots: list[Allocation] = [()]
        self._snapshot_index: dict[Allocation, int] = {(): 0}
        self.snapshot_rows: list[np.ndarray] = []

    def values(self, counts: np.ndarray) -> np.ndarray:
        """Each row's votes (ballots times transfer value), as floats."""
        values: np.ndarray = counts * np.asarray([float(f) for f in self.classes.ftv])[self.cls]
        return values

    # -- divided ballots ------------------------------------------------------------------

    def divide(self, walk: Walk) -> None:
        """Divide the rows the walk has split at an overvote, for this round."""
        if self.splits is not None:
            rows, members = walk.split_members()
            self.splits.divide(rows, members, self.cls, self.classes)

    def hold(self, continuing: np.ndarray) -> np.ndarray:
        """The round that ends a surplus count: divided rows keep the shares of candidates
        still continuing, the rest is final-round surplus. Returns the rows that changed."""
        if self.splits is None:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.splits.hold(continuing, self.cls, self.classes), dtype=np.int64)

    # -- sums -----------------------------------------------------------------------------

    def sums(
        self,
        codes: np.ndarray,
        counts: np.ndarray,
        groups: np.ndarray | None,
        n_groups: int,
    ) -> list[list[Decimal | None]]:
        """Per group, per code slot (candidates, then inactive codes): exact vote sums.

        ``None`` where no ballot contributed (RCTab leaves such a tally at its initial
        zero, whose scale differs from a sum of fractional values). Under ``splitVote`` the
        slot after the inactive codes holds the split remainder so far.
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
        if self.splits is not None:
            self._add_divided(out, g, counts)
        return out

    def _add_divided(self, out: list[list[Decimal | None]], g: np.ndarray, counts: np.ndarray) -> None:
        """Add the shares of divided rows, the surplus they hold and the remainder set aside."""
        assert self.splits is not None
        c = len(self.names)
        held = c - FINAL_SURPLUS_CODE - 1

        def add(gi: int, si: int, value: Decimal) -> None:
            prev = out[gi][si]
            out[gi][si] = value if prev is None else prev + value

        with localcontext(EXACT):
            for gi in range(len(out)):
                out[gi][c + _REMAINDER] = None  # the divided rows' own code: their shares follow
            lost = [k for k, v in enumerate(self.classes.lost) if v]
            for k in lost:
                mask = self.cls == k
                per = np.rint(np.bincount(g[mask], weights=counts[mask], minlength=len(out))).astype(np.int64)
                for gi in np.flatnonzero(per > 0).tolist():
                    add(gi, c + _REMAINDER, Decimal(int(per[gi])) * self.classes.lost[k])
            for row, (who, share) in self.splits.now.items():
                n = Decimal(round(float(counts[row])))
                gi = int(g[row])
                for m in who:
                    add(gi, m, n * share)
                if row in self.splits.held:
                    add(gi, held, n * self.splits.held[row])

    def tally(
        self, sums: list[Decimal | None], continuing: list[str]
    ) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
        """The round's tally of the ``continuing`` candidates and its inactive votes by status."""
        c = len(self.names)
        with localcontext(EXACT):
            tally = {n: _plus(sums[self.index[n]]) for n in continuing}
            inactive = {}
            for code, status in _STATUS_OF_CODE.items():
                v = sums[c - code - 1]
                inactive[status] = ZERO if v is None else ZERO + v
        return tally, inactive

    def remainder(self, sums: list[Decimal | None]) -> Decimal:
        """The split remainder so far in these sums (zero unless under ``splitVote``)."""
        if self.splits is None:
            return ZERO
        return _plus(sums[len(self.names) + _REMAINDER])

    def set_aside(self, codes: np.ndarray, counts: np.ndarray) -> Decimal:
        """The split remainder of the ballots active now (counting for a candidate, or divided)."""
        if self.splits is None or not any(self.classes.lost):
            return ZERO
        active = codes >= 0
        active[list(self.splits.now)] = True
        total = ZERO
        with localcontext(EXACT):
            for k in np.flatnonzero(np.asarray([bool(v) for v in self.classes.lost])).tolist():
                n = round(float(counts[active & (self.cls == k)].sum()))
                total = total + Decimal(n) * self.classes.lost[k]
        return total

    # -- transfers ------------------------------------------------------------------------

    def record_transfers(
        self,
        into: int,
        rnd: RoundResult,
        slice_rounds: dict[str, dict[str, list[SliceRound]]],
        moved: np.ndarray,
        moved_from: np.ndarray,
        codes: np.ndarray,
        counts: np.ndarray,
    ) -> None:
        """Transfers made at the start of round ``into + 1``, filed under round ``into``
        (``rnd``, and that round of every slice)."""
        if self.splits is not None and moved.size:
            divided = np.isin(moved, list(self.splits.involved()))
            self._record_divided(into, rnd, slice_rounds, moved[divided], moved_from[divided], codes, counts)
            moved, moved_from = moved[~divided], moved_from[~divided]
        if not moved.size:
            return
        targets = codes[moved]
        cls = self.cls[moved]
        groups: dict[tuple[int, int, int], float] = {}
        for src, dst, k, w in zip(
            moved_from.tolist(), targets.tolist(), cls.tolist(), counts[moved].tolist()
        ):
            groups[(src, _destination(dst), k)] = groups.get((src, _destination(dst), k), 0.0) + w
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
                self._add_transfers(slice_rounds[kind][ids[s]][into - 1].transfers, g)

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

    def _record_divided(
        self,
        into: int,
        rnd: RoundResult,
        slice_rounds: dict[str, dict[str, list[SliceRound]]],
        moved: np.ndarray,
        moved_from: np.ndarray,
        codes: np.ndarray,
        counts: np.ndarray,
    ) -> None:
        """The transfers of rows divided before or after the move (see :meth:`Splits.flows`)."""
        assert self.splits is not None
        for row, left in zip(moved.tolist(), moved_from.tolist()):
            value = self.classes.ftv[int(self.cls[row])]
            flows = self.splits.flows(row, int(left), int(codes[row]), value)
            if not flows:
                continue
            n = Decimal(round(float(counts[row])))
            self._add_flows(rnd.transfers, flows, n)
            for kind, ids in self.contest.slices.items():
                sid = ids[int(self.contest.row_slices[kind][row])]
                self._add_flows(slice_rounds[kind][sid][into - 1].transfers, flows, n)

    def _add_flows(self, target: dict[str, dict[str, Decimal]], flows: list[Flow], n: Decimal) -> None:
        with localcontext(EXACT):
            for src, dst, value in flows:
                if isinstance(dst, str):
                    to = dst
                else:
                    to = self.names[dst] if dst >= 0 else _DESTINATIONS[_destination(dst)]
                row = target.setdefault(self.names[src], {})
                row[to] = row[to] + n * value if to in row else ZERO + n * value

    # -- surpluses ------------------------------------------------------------------------

    def keep_surplus(
        self,
        winner: str,
        votes: Decimal,
        threshold: Decimal,
        codes: np.ndarray,
        counts: np.ndarray,
        decimals: int,
    ) -> tuple[Decimal, dict[str, dict[str, Decimal]]]:
        """Elect ``winner`` with ``votes``: each of their ballots (and each share of a
        divided ballot) passes on the surplus fraction of its value (truncated to
        ``decimals``) and the winner keeps the rest.

        Returns what the winner keeps in all, and per slice kind and slice.
        """
        d = decimals
        with localcontext(EXACT):
            extra = votes - threshold
            fraction = divide(extra, votes, d, ROUND_DOWN) if extra > 0 else ZERO
            rows = np.flatnonzero(codes == self.index[winner])
            slices: dict[str, dict[str, Decimal]] = {k: {} for k in self.contest.slices}
            mapping: dict[int, tuple[int, Decimal]] = {}
            for k in np.unique(self.cls[rows]).tolist():
                ftv = self.classes.ftv[k]
                transfer = multiply(ftv, fraction, d)
                kept = ftv - transfer
                allocations = self.classes.allocations[k] + ((winner, kept),)
                mapping[k] = (self.classes.get(allocations, self.classes.lost[k]), kept)
            old = self.cls[rows].copy()
            parts = [(rows[old == k], new, kept) for k, (new, kept) in mapping.items()]
            parts += self._divided_parts(winner, fraction, d)
            total = ZERO
            for sel, new, kept in parts:
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
        return total, slices

    def _divided_parts(
        self, winner: str, fraction: Decimal, decimals: int
    ) -> list[tuple[np.ndarray, int, Decimal]]:
        """(rows, class after, kept) for the divided rows sharing their vote with ``winner``."""
        if self.splits is None:
            return []
        w = self.index[winner]
        by_class: dict[tuple[int, Decimal], list[int]] = {}
        for row, (who, share) in self.splits.now.items():
            if w in who:
                by_class.setdefault((int(self.cls[row]), share), []).append(row)
        parts = []
        for (k, share), rows in by_class.items():
            kept = share - multiply(share, fraction, decimals)
            allocations = self.classes.allocations[k] + ((winner, kept),)
            parts.append(
                (np.asarray(rows, dtype=np.int64), self.classes.get(allocations, self.classes.lost[k]), kept)
            )
            for row in rows:
                self.splits.kept.setdefault(row, {})[w] = kept
        return parts

    # -- snapshots ------------------------------------------------------------------------

    def snapshot(self, codes: np.ndarray, rows: np.ndarray) -> None:
        """Record where the vote of every row in ``rows`` sits now (RCTab's CDF snapshot)."""
        if not self.keep_snapshots:
            return
        current = (
            self.snapshot_rows[-1].copy() if self.snapshot_rows else np.zeros(codes.size, dtype=np.int64)
        )
        divided = self.splits.now if self.splits is not None else {}
        for row in rows.tolist():
            k = int(self.cls[row])
            entry = self.classes.allocations[k]
            code = int(codes[row])
            if row in divided:
                who, share = divided[row]
                entry = entry + tuple((self.names[m], share) for m in who)
            elif code >= 0:
                entry = entry + ((self.names[code], self.classes.ftv[k]),)
            idx = self._snapshot_index.get(entry)
            if idx is None:
                idx = self._snapshot_index[entry] = len(self.snapshots)
                self.snapshots.append(entry)
            current[row] = idx
        self.snapshot_rows.append(current)
