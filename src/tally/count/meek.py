"""The Meek core of STV: keep values found by iteration, the quota recomputed each time.

Every candidate has a *keep value*: 1 while hopeful, 0 once excluded, and for an elected
candidate the share of each vote reaching them that they keep. Each ballot is read from
its first usable preference (see :mod:`tally.count.papers`) with weight 1; a
candidate with keep value k keeps part of the weight w reaching them and passes the rest
on: Meek keeps w x k and passes w x (1 - k); Warren keeps min(k, w) and passes the rest.
Weight left when the preferences run out is non-transferable. Under the overvote rules
that read an overvote by the candidates left, a paper is read again as candidates are
excluded: while two or more of an overvote's candidates are not excluded it stops there
(``single_continuing``; for good once its value has reached it under
``exhaust_if_multiple``) or is divided equally among them (``split``: each part passes
through its own candidate's keep value and on to the paper's later preferences). The quota is the votes
held by candidates / (seats + 1), cut to the working decimals, plus one unit of the last
place. Keep values of elected candidates are scaled by quota / votes until the total
surplus is no more than ``tolerance``, or stops falling; then the lowest hopeful is
excluded. A candidate reaching the quota is elected at once.

Arithmetic is fixed-point with ``decimals`` places (9 as in the New Zealand rules):
products and keep values are rounded up, as the Schedule prescribes, so the counts are
exact integers in units of 10^-decimals and byte-for-byte reproducible.

A :class:`~tally.outcome.Round` is one election or exclusion: its ``tally`` the votes
after convergence, ``threshold`` the quota then. An exclusion round's ``transfers`` are
the votes that moved when the excluded candidate's keep value became 0 (before the keep
values of elected candidates were iterated again). ``details["rounds"]`` gives each
round's keep values, iterations, total surplus and non-transferable votes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..ballots import SKIPPED, RankedBallots
from ..errors import RuleError
from ..options import Reading
from ..outcome import Outcome, Round
from ..ties import TieBreaker
from .papers import INACTIVE, read_papers
from .record import Recorder

__all__ = ["MAX_ITERATIONS", "MeekCount"]

HOPEFUL, ELECTED, EXCLUDED = 0, 1, 2
MAX_ITERATIONS = 10_000


class _PathIndex:
    """Each row's path (its non-excluded candidates up to the first hopeful), kept up to date.

    A path only changes when the hopeful candidate it ends at is elected or excluded, so
    a change of status re-reads just the rows ending there, from where they stopped,
    instead of every row from its first preference.
    """

    def __init__(self, prefs: np.ndarray, count: np.ndarray, candidates: int) -> None:
        rows, depth = prefs.shape
        self.prefs = prefs
        self.count = count.astype(np.float64)
        self.depth = depth
        self.base = candidates + 1
        # One integer per path (a digit per candidate) when it fits in 62 bits.
        self.coded = depth * np.log2(self.base) < 62
        self.path = np.full((rows, depth), -1, dtype=np.int64)
        self.length = np.zeros(rows, dtype=np.int64)
        self.code = np.zeros(rows, dtype=np.int64)
        self.next = np.zeros(rows, dtype=np.int64)  # first rank not yet read
        self.tail = np.full(rows, -1, dtype=np.int64)  # the hopeful the path ends at, or -1
        self.status: np.ndarray | None = None
        self.group_of: np.ndarray | None = None  # each row's group (coded paths only)
        self.group_code = np.zeros(0, dtype=np.int64)  # the groups' codes, ascending

    def groups(self, status: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """(distinct paths padded with -1, papers per path, filled) under ``status``.

        Paths come longest first, so the ones reaching column j are the first
        ``filled[j]``: a count walks each column over a slice, not a selection.
        """
        if self.status is None:
            stale = self._start(status)
        else:
            # tail -1 (no hopeful reached) reads the extra last entry: never changed
            changed = np.append(status != self.status, False)
            stale = np.flatnonzero(changed[self.tail])
            dropped = stale[status[self.tail[stale]] == EXCLUDED]
            self.length[dropped] -= 1
            self.path[dropped, self.length[dropped]] = -1
            self.code[dropped] //= self.base
            self.tail[stale] = -1
        self.status = status.copy()
        self._extend(stale, status)
        if self.coded:
            first, inverse = self._regroup(stale)
            groups = self.path[first]
        else:
            groups, inverse = np.unique(self.path, axis=0, return_inverse=True)
        counts = np.bincount(inverse.reshape(-1), weights=self.count, minlength=groups.shape[0])
        length = (groups >= 0).sum(axis=1)
        order = np.argsort(-length, kind="stable")
        filled = [int(n) for n in np.bincount(length, minlength=self.depth + 1)[::-1].cumsum()[::-1][1:]]
        width = max(int(length.max(initial=0)), 1)
        return (
            np.ascontiguousarray(groups[order, :width]),
            np.round(counts[order]).astype(np.int64),
            [n for n in filled[:width] if n],
        )

    def _start(self, status: np.ndarray) -> np.ndarray:
        """Paths before anyone is elected or excluded: each row's first preference.

        Returns the rows still to read (all of them unless every candidate is hopeful).
        """
        if np.any(status != HOPEFUL):
            return np.arange(self.length.size)
        first = self.prefs[:, 0]  # prefs has at least one column
        marked = first >= 0
        self.path[:, 0] = first
        self.length[:] = marked
        self.code[:] = np.where(marked, first + 1, 0)
        self.tail[:] = first
        self.next[:] = np.where(marked, 1, self.depth)
        return np.zeros(0, dtype=np.int64)

    def _regroup(self, stale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(a row of each group, each row's group), groups ordered by code.

        Only the stale rows have new codes: they are placed among the groups there
        were, instead of sorting every row again.
        """
        if self.group_of is None:
            codes, inverse = np.unique(self.code, return_inverse=True)
            inverse = inverse.reshape(-1)
        else:
            codes = np.unique(np.concatenate([self.group_code, self.code[stale]]))
            inverse = np.searchsorted(codes, self.group_code)[self.group_of]
            inverse[stale] = np.searchsorted(codes, self.code[stale])
            occupied = np.bincount(inverse, minlength=codes.size) > 0
            if not occupied.all():
                inverse = (np.cumsum(occupied) - 1)[inverse]
                codes = codes[occupied]
        self.group_of, self.group_code = inverse, codes
        # rows of one group share their path, so any of them stands for it
        first = np.empty(codes.size, dtype=np.int64)
        first[inverse] = np.arange(inverse.size)
        return first, inverse

    def _extend(self, rows: np.ndarray, status: np.ndarray) -> None:
        """Read on from each row's next rank: skip the excluded, stop after a hopeful."""
        # unmarked slots (-1) read as excluded
        lookup = np.append(status, EXCLUDED).astype(np.int8)
        depth = self.depth
        # Work on the rows' own copies of their state, stored back once at the end;
        # flat indices into the matrices are cheaper than (row, column) pairs.
        nxt = self.next[rows]
        length = self.length[rows]
        code = self.code[rows]
        tail = np.full(rows.size, -1, dtype=np.int64)
        prefs, path = self.prefs.reshape(-1), self.path.reshape(-1)
        base_at = rows * depth
        live = np.flatnonzero(nxt < depth)
        while live.size:
            cand = prefs[base_at[live] + nxt[live]]
            nxt[live] += 1
            state = lookup[cand]
            taken = state != EXCLUDED
            take, took = live[taken], cand[taken]
            path[base_at[take] + length[take]] = took
            length[take] += 1
            code[take] = code[take] * self.base + took + 1
            hopeful = state == HOPEFUL
            tail[live[hopeful]] = cand[hopeful]
            live = live[~hopeful]
            live = live[nxt[live] < depth]
        self.next[rows] = nxt
        self.length[rows] = length
        self.code[rows] = code
        self.tail[rows] = tail


class MeekCount:
    def __init__(
        self,
        ballots: RankedBallots,
        seats: int,
        *,
        warren: bool,
        decimals: int,
        tolerance: float,
        breaker: TieBreaker,
        reading: Reading | None = None,
    ) -> None:
        papers = read_papers(ballots, reading)
        # Under the overvote rules that read an overvote by the candidates left, the
        # papers are read again as candidates are excluded (see _reread).
        self._named = papers if papers.ties is not None else None
        self._frozen: np.ndarray | None = None
        if self._named is not None and papers.overvote == "exhaust_if_multiple":
            self._frozen = np.full(papers.rows, papers.prefs.shape[1], dtype=np.int64)
        self._usable_key: bytes | None = None
        self.ballots = ballots
        self.names = ballots.candidates
        self.seats = seats
        self.warren = warren
        self.one = 10**decimals
        self.decimals = decimals
        self.omega = round(tolerance * self.one)
        self.breaker = breaker
        self.valid_papers = int(papers.count[papers.valid].sum())
        self._paper_count = papers.count
        # per paper row: valid, blank, marks every rank
        self._row_flags = (
            papers.valid,
            ballots.is_blank(),
            (ballots.choices != SKIPPED).sum(axis=1) >= ballots.choices.shape[1],
        )
        c = ballots.n_candidates
        self.keep = [self.one] * c
        self.status = np.zeros(c, dtype=np.int64)
        self.order: list[int] = []
        # an exclusion's transfers are the first redistribution only: the keep values are
        # iterated again before the round is recorded, so they do not explain its tallies
        self.recorder = Recorder(
            self.names, ballots.total, valid=float(self.valid_papers), transfers_into=None
        )
        self.rounds: list[Round] = self.recorder.rounds
        self.info: list[dict[str, Any]] = []
        self.history: list[np.ndarray] = []
        self.votes = np.zeros(c, dtype=np.int64)
        self._path_key: bytes | None = None
        self._path_cache: tuple[np.ndarray, np.ndarray, list[int]] = (
            np.zeros((0, 1), np.int64),
            np.zeros(0, np.int64),
            [],
        )
        rows = np.arange(papers.rows)
        self._use(papers.prefs, papers.end, rows, np.ones(papers.rows, dtype=np.int64))
        self._reread()
        self.leftover = 0
        self.quota = 0

    def _use(self, prefs: np.ndarray, end: np.ndarray, row: np.ndarray, parts: np.ndarray) -> None:
        """Count these branches of the paper rows (one per row unless an overvote is split).

        A branch worth 1/parts of its row's papers is counted as ``count // parts`` of a
        paper scaled by ``scale``, the least common multiple of the parts, so the counts
        stay whole numbers; votes are scaled back (rounded up) after each distribution.
        """
        self.scale = math.lcm(*np.unique(parts).tolist()) if parts.size else 1
        self.prefs, self.end = prefs, end
        self.count = self._paper_count[row] * (self.scale // parts)
        valid, blank, fully = self._row_flags
        self.valid, self.blank, self.fully_ranked = valid[row], blank[row], fully[row]
        total = int(self.count.sum()) * self.one
        if total >= 2**62:
            raise RuleError(
                f"{self.valid_papers} papers split {self.scale} ways at {self.decimals} decimals "
                "are too many for the fixed-point count; use fewer decimals"
            )
        self.exact_bincount = total < 2**53
        self._index = _PathIndex(self.prefs, np.where(self.valid, self.count, 0), len(self.names))
        self._path_key = None

    def _reread(self) -> None:
        """Read the overvotes again for the candidates not excluded (the named overvote rules).

        Elected candidates still take their share of a ballot in Meek's count, so they
        stay among an overvote's candidates. A paper is read as the ballot walk reads it
        given those candidates: an overvote with several of them sets the paper aside
        (``single_continuing``), or divides it among them (``split``); under
        ``exhaust_if_multiple`` a paper whose value reaches such an overvote (every
        earlier preference elected or excluded) stops there for good.
        """
        if self._named is None:
            return
        usable = self.status != EXCLUDED
        key = usable.tobytes()
        fresh = key != self._usable_key
        if fresh:
            self._branches = self._named.branches(usable, self._frozen)
            self._usable_key = key
        if self._frozen is not None:
            b = self._branches
            depth = b.prefs.shape[1]
            before = np.arange(depth)[None, :] < b.cut[:, None]
            held = (np.append(self.status, EXCLUDED)[b.prefs] == HOPEFUL) & before
            reached = (b.cut < self._frozen[b.row]) & ~held.any(axis=1)
            if reached.any():
                self._frozen[b.row[reached]] = b.cut[reached]
                self._branches = self._named.branches(usable, self._frozen)
                fresh = True
        if fresh:
            b = self._branches
            self._use(b.prefs, b.end, b.row, b.parts)

    def _paths(self) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Rows grouped by the candidates their weight can reach (cached per status).

        A row's weight passes excluded candidates untouched and stops at the first
        hopeful one (keep value 1), so only the non-excluded candidates up to that one
        matter; rows with the same such path are counted together, which gives the same
        integers as counting them one by one.
        """
        key = self.status.tobytes()
        if self._path_key != key:
            self._path_cache = self._index.groups(self.status)
            self._path_key = key
        return self._path_cache

    @property
    def _counting(self) -> np.ndarray:
        """Rows with a non-excluded candidate left; elections alone do not change them."""
        seen = self._index.status
        if seen is None or not np.array_equal(seen == EXCLUDED, self.status == EXCLUDED):
            self._paths()
        return self._index.length > 0

    def distribute(self) -> None:
        self._reread()
        one = self.one
        keep = np.array(self.keep, dtype=np.int64)
        paths, counts, filled = self._paths()
        # Weight left at the end of a path (or on an empty one) is non-transferable.
        w = np.full(paths.shape[0], one, dtype=np.int64)
        votes = np.zeros(len(self.names), dtype=np.int64)
        for j, n in enumerate(filled):
            cand = paths[:n, j]
            kc = keep[cand]
            ww = w[:n]
            if self.warren:
                kept = np.minimum(kc, ww)
                rest = ww - kept
            else:
                kept = -((-ww * kc) // one)
                rest = -((-ww * (one - kc)) // one)
            self._add(votes, cand, kept * counts[:n])
            w[:n] = rest
        # scaled back from branch units, rounded up as every Meek product is
        self.votes = -(-votes // self.scale)
        self.leftover = int((w * counts).sum()) // self.scale
        total = int(self.votes.sum())
        self.quota = total // (self.seats + 1) + 1

    def _add(self, votes: np.ndarray, cand: np.ndarray, amounts: np.ndarray) -> None:
        # bincount adds in float64, exact while every partial sum stays below 2**53.
        if self.exact_bincount:
            votes += np.bincount(cand, weights=amounts, minlength=votes.size).astype(np.int64)
        else:
            np.add.at(votes, cand, amounts)

    def _hopeful(self) -> list[int]:
        return [int(i) for i in np.flatnonzero(self.status == HOPEFUL)]

    def _elect_reached(self) -> list[int]:
        reached = [c for c in self._hopeful() if self.votes[c] >= self.quota]
        ordered: list[int] = []
        pool = list(reached)
        while pool:
            top = max(int(self.votes[c]) for c in pool)
            tied = [c for c in pool if self.votes[c] == top]
            pick = (
                tied[0]
                if len(tied) == 1
                else self.breaker.pick(
                    tied, purpose="order", round=len(self.rounds) + 1, history=self.history, lowest=False
                )
            )
            ordered.append(pick)
            pool.remove(pick)
        out = []
        for c in ordered:
            if len(self.order) < self.seats:
                self.status[c] = ELECTED
                self.order.append(c)
                out.append(c)
        return out

    def _surplus(self) -> int:
        return sum(max(int(self.votes[c]) - self.quota, 0) for c in self.order)

    def iterate(self) -> tuple[str, int]:
        """Distribute and rescale keep values until a candidate is elected or it settles."""
        last = None
        for n in range(1, MAX_ITERATIONS + 1):
            self.distribute()
            if self._elect_reached_pending():
                return "elected", n
            surplus = self._surplus()
            if surplus <= self.omega:
                return "converged", n
            if last is not None and surplus >= last:
                return "stable", n
            last = surplus
            one = self.one
            for c in self.order:
                v = int(self.votes[c])
                if v > 0:
                    scaled = -((-self.keep[c] * self.quota) // one)
                    self.keep[c] = min(one, -((-scaled * one) // v))
        return "iteration limit", MAX_ITERATIONS

    def _elect_reached_pending(self) -> bool:
        self._newly = self._elect_reached()
        return bool(self._newly)

    def record(
        self,
        *,
        elected: Sequence[int] = (),
        eliminated: Sequence[int] = (),
        transfers: dict[str, dict[str, float]] | None = None,
        note: str,
        extra: dict[str, Any],
    ) -> None:
        one = self.one
        counting = self._counting
        # one pass over the ballots that left the count: by reason, and the exhausted ones by
        # how fully they rank (whole ballots, so the sums are exact)
        gone = np.flatnonzero(~self.blank & ~counting)
        codes = -self.end[gone]
        ballots = self.count[gone].astype(np.float64) / self.scale
        by_code = np.bincount(codes, weights=ballots, minlength=len(INACTIVE) + 1)
        inactive = {"undervote": float(self.count[self.blank].sum()) / self.scale}
        for reason in ("overvote", "skipped", "repeated", "exhausted"):
            inactive[reason] = float(by_code[-INACTIVE[reason]])
        fully = float(ballots[(codes == -INACTIVE["exhausted"]) & self.fully_ranked[gone]].sum())
        tally = {
            self.names[c]: int(self.votes[c]) / one
            for c in range(len(self.names))
            if self.status[c] != EXCLUDED
        }
        total = int(self.votes.sum())
        residual = self.valid_papers * one - total - self.leftover
        self.recorder.add(
            tally=tally,
            elected=tuple(self.names[c] for c in elected),
            eliminated=tuple(self.names[c] for c in eliminated),
            transfers=transfers or {},
            continuing=float(self.count[counting].sum()) / self.scale,
            inactive=inactive,
            threshold=self.quota / one,
            note=note,
            exhausted_by_ranking={"partially_ranked": inactive["exhausted"] - fully, "fully_ranked": fully},
            values=(self.leftover / one, residual / one),
        )
        self.info.append(
            {
                "round": len(self.rounds),
                **extra,
                "keep_values": {self.names[c]: self.keep[c] / one for c in self.order},
                "surplus": self._surplus() / one,
                "non_transferable": self.leftover / one,
                "rounding_residual": residual / one,
            }
        )
        self.history.append(self.votes.astype(np.float64) / one)

    def run(self) -> None:
        self.distribute()
        elected = self._elect_reached()
        self.record(elected=elected, note="first preferences", extra={"iterations": 1})
        while len(self.order) < self.seats:
            hopeful = self._hopeful()
            if len(hopeful) <= self.seats - len(self.order):
                for c in sorted(hopeful, key=lambda c: (-int(self.votes[c]), c)):
                    self.status[c] = ELECTED
                    self.order.append(c)
                self.record(
                    elected=[c for c in self.order if c in hopeful],
                    note="remaining candidates elected: no more of them than seats left",
                    extra={"iterations": 0},
                )
                break
            status, n = self.iterate()
            if status == "elected":
                self.record(
                    elected=self._newly, note="elected on reaching the quota", extra={"iterations": n}
                )
                continue
            low = min(int(self.votes[c]) for c in hopeful)
            tied = [c for c in hopeful if self.votes[c] == low]
            pick = (
                tied[0]
                if len(tied) == 1
                else self.breaker.pick(
                    tied, purpose="eliminate", round=len(self.rounds) + 1, history=self.history, lowest=True
                )
            )
            before = self.votes.copy()
            left_before = self.leftover
            self.status[pick] = EXCLUDED
            self.keep[pick] = 0
            self.distribute()
            moved = {
                self.names[c]: (int(self.votes[c]) - int(before[c])) / self.one
                for c in range(len(self.names))
                if self.status[c] != EXCLUDED and self.votes[c] != before[c]
            }
            moved["exhausted"] = (self.leftover - left_before) / self.one
            # The exclusion can lift a hopeful over the recomputed quota at once.
            elected = self._elect_reached()
            self.record(
                elected=elected,
                eliminated=[pick],
                transfers={self.names[pick]: moved},
                note=f"{self.names[pick]} excluded (iteration {status} after {n} passes)",
                extra={"iterations": n, "stopped": status},
            )

    def outcome(self) -> Outcome:
        winners = tuple(self.names[c] for c in self.order)
        return self.recorder.outcome(
            winners=winners,
            ties=self.breaker.ties,
            details={
                "valid": self.valid_papers,
                "decimals": self.decimals,
                "tolerance": self.omega / self.one,
                "elected_order": list(winners),
                "rounds": self.info,
            },
        )
