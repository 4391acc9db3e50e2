"""The ballot nouns: ranked ballots, scored (approval and score) ballots, and area tallies.

This module is their home: scored ballots and tallies are written in :mod:`tally.scored`
and gathered here with the ranked forms.

A :class:`RankedBallots` holds one row per *distinct* ballot and a weight per row (how
many voters cast it). The row is the ballot as marked, rank by rank: a candidate index,
or one of the codes :data:`SKIPPED` (nothing marked at that rank) and :data:`OVERVOTE`
(several marks whose candidates are not known), or a code of :data:`FIRST_TIE_CODE` and
below that names a set of candidates marked at the same rank (``tie_sets``). Nothing is
normalised away: a rule decides what a skipped rank, an overvote or a tie means, and
says so in its options.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import limits
from ._nouns import as_weights, replace_fields
from ._rows import distinct_rows
from .errors import BallotError
from .scored import ScoredBallots, Tallies

__all__ = [
    "FIRST_TIE_CODE",
    "OVERVOTE",
    "SKIPPED",
    "Provenance",
    "RankedBallots",
    "RankedProfiles",
    "ScoredBallots",
    "Tallies",
    "distinct_rows",
]

SKIPPED = -1
"""Code of a rank at which the voter marked nobody."""
OVERVOTE = -2
"""Code of a rank marked for several candidates that the record does not name."""
FIRST_TIE_CODE = -3
"""Codes ``-3, -4, ...`` name ``tie_sets[0], tie_sets[1], ...``: candidates marked at one rank."""

CODE_DTYPE = np.int16


@dataclass(frozen=True, eq=False)
class Provenance:
    """Where each ballot read came from, kept through merging for audits.

    ``row[k]`` is the merged row that the k-th ballot read (in file order) went to.
    """

    row: np.ndarray
    ballot_ids: tuple[str, ...] | None = None
    precinct_names: tuple[str, ...] = ()
    precinct_codes: np.ndarray | None = None
    batch_names: tuple[str, ...] = ()
    batch_codes: np.ndarray | None = None

    def precincts(self) -> tuple[str, ...]:
        """The precinct of each ballot read, in file order."""
        if self.precinct_codes is None:
            return ()
        return tuple(self.precinct_names[i] for i in self.precinct_codes)

    def batches(self) -> tuple[str, ...]:
        """The batch of each ballot read, in file order."""
        if self.batch_codes is None:
            return ()
        return tuple(self.batch_names[i] for i in self.batch_codes)


@dataclass(frozen=True, eq=False)
class RankedBallots:
    """Ranked ballots: candidates, a matrix of marks rank by rank, and a weight per row.

    Build them with :meth:`from_rankings` (names) or :meth:`from_matrix` (codes); both
    merge identical rows unless ``merge=False``. Blank ballots stay as rows of
    :data:`SKIPPED` so that every ballot read is accounted for.
    """

    candidates: tuple[str, ...]
    choices: np.ndarray
    weights: np.ndarray
    tie_sets: tuple[frozenset[int], ...] = ()
    provenance: Provenance | None = None
    source: str | None = None
    title: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    kind: str = field(default="ranked", init=False)

    def __post_init__(self) -> None:
        if len(set(self.candidates)) != len(self.candidates):
            dup = next(c for c in self.candidates if self.candidates.count(c) > 1)
            raise BallotError(f"candidate {dup!r} is listed twice", file=self.source)
        if self.choices.ndim != 2 or self.choices.shape[0] != self.weights.shape[0]:
            raise BallotError("choices must be a (rows, ranks) matrix with one weight per row")
        low = FIRST_TIE_CODE - len(self.tie_sets) + 1
        if self.choices.size and (self.choices.max() >= len(self.candidates) or self.choices.min() < low):
            raise BallotError("a ballot holds a code outside the candidate range", file=self.source)

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_matrix(
        cls,
        candidates: Sequence[str],
        choices: Any,
        weights: Any = None,
        *,
        tie_sets: Sequence[frozenset[int]] = (),
        merge: bool = True,
        ballot_ids: Sequence[str] | None = None,
        precincts: Sequence[str] | None = None,
        source: str | None = None,
        title: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        batches: Sequence[str] | None = None,
    ) -> RankedBallots:
        """Ballots from a matrix of codes (one row per ballot or per distinct ballot)."""
        matrix = np.asarray(choices, dtype=CODE_DTYPE)
        if matrix.ndim == 1:
            matrix = matrix.reshape(-1, 1)
        w = as_weights(weights, matrix.shape[0])
        provenance = None
        if ballot_ids is not None or precincts is not None or batches is not None:
            names: tuple[str, ...] = ()
            codes = None
            if precincts is not None:
                names_arr, codes = np.unique(
                    np.asarray(precincts, dtype=object).astype(str), return_inverse=True
                )
                names = tuple(str(n) for n in names_arr)
                codes = codes.astype(np.int32)
            batch_names: tuple[str, ...] = ()
            batch_codes = None
            if batches is not None:
                b_arr, batch_codes = np.unique(
                    np.asarray(batches, dtype=object).astype(str), return_inverse=True
                )
                batch_names = tuple(str(n) for n in b_arr)
                batch_codes = batch_codes.astype(np.int32)
            provenance = Provenance(
                row=np.arange(matrix.shape[0]),
                ballot_ids=tuple(ballot_ids) if ballot_ids is not None else None,
                precinct_names=names,
                precinct_codes=codes,
                batch_names=batch_names,
                batch_codes=batch_codes,
            )
        ballots = cls(
            candidates=tuple(candidates),
            choices=matrix,
            weights=w,
            tie_sets=tuple(frozenset(t) for t in tie_sets),
            provenance=provenance,
            source=source,
            title=title,
            metadata=dict(metadata or {}),
        )
        return ballots.merged() if merge else ballots

    @classmethod
    def from_rankings(
        cls,
        candidates: Sequence[str],
        rankings: Iterable[Sequence[Any]],
        weights: Iterable[float] | None = None,
        *,
        merge: bool = True,
        source: str | None = None,
        title: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> RankedBallots:
        """Ballots from rankings written with names.

        Each ranking is a sequence of marks, one per rank: a candidate name, ``None``
        (skipped rank), the string ``"overvote"`` (unnamed overvote), or a set of names
        marked at the same rank.

        >>> b = RankedBallots.from_rankings(["A", "B"], [["A", "B"], ["B"], ["A", "B"]])
        >>> b.total, len(b.weights)
        (3.0, 2)
        """
        index = {name: i for i, name in enumerate(candidates)}
        tie_index: dict[frozenset[int], int] = {}
        rows: list[list[int]] = []

        def code(mark: Any) -> int:
            if mark is None or mark == "":
                return SKIPPED
            if isinstance(mark, str):
                if mark == "overvote":
                    return OVERVOTE
                if mark not in index:
                    raise BallotError(f"unknown candidate {mark!r}", file=source)
                return index[mark]
            members = frozenset(index[m] if m in index else _unknown(m, source) for m in mark)
            if len(members) == 1:
                return next(iter(members))
            if members not in tie_index:
                tie_index[members] = len(tie_index)
            return FIRST_TIE_CODE - tie_index[members]

        for ranking in rankings:
            rows.append([code(m) for m in ranking])
        width = max((len(r) for r in rows), default=0)
        matrix = np.full((len(rows), width), SKIPPED, dtype=CODE_DTYPE)
        for i, r in enumerate(rows):
            matrix[i, : len(r)] = r
        w = None if weights is None else np.fromiter(weights, dtype=np.float64)
        ties = sorted(tie_index, key=tie_index.__getitem__)
        return cls.from_matrix(
            candidates,
            matrix,
            w,
            tie_sets=ties,
            merge=merge,
            source=source,
            title=title,
            metadata=metadata,
        )

    def merged(self) -> RankedBallots:
        """Identical rows merged (weights added), trailing all-skipped columns dropped.

        Rows come out heaviest first, so the matrix reads like a ballot report.
        """
        choices = self.choices
        if choices.shape[1]:
            used = np.flatnonzero((choices != SKIPPED).any(axis=0))
            choices = choices[:, : (used[-1] + 1 if used.size else 0)]
        if choices.shape[0] == 0:
            return replace_fields(self, choices=choices)
        first, inverse = distinct_rows(choices)
        weights = np.bincount(inverse, weights=self.weights, minlength=first.size)
        order = np.lexsort((np.arange(first.size), -weights))
        rank_of = np.empty_like(order)
        rank_of[order] = np.arange(order.size)
        provenance = self.provenance
        if provenance is not None:
            provenance = Provenance(
                row=rank_of[inverse[provenance.row]],
                ballot_ids=provenance.ballot_ids,
                precinct_names=provenance.precinct_names,
                precinct_codes=provenance.precinct_codes,
                batch_names=provenance.batch_names,
                batch_codes=provenance.batch_codes,
            )
        return replace_fields(
            self,
            choices=np.ascontiguousarray(choices[first[order]]),
            weights=weights[order],
            provenance=provenance,
        )

    # -- views ----------------------------------------------------------------------

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def total(self) -> float:
        """Number of ballots (sum of weights)."""
        return float(self.weights.sum())

    def index(self, name: str) -> int:
        """The index of a candidate, or a :class:`BallotError` naming the known ones."""
        try:
            return self.candidates.index(name)
        except ValueError:
            raise BallotError(
                f"unknown candidate {name!r}; candidates are {', '.join(self.candidates)}"
            ) from None

    def members(self, code: int) -> frozenset[int]:
        """The candidates marked by one code (empty for skipped or unnamed overvote)."""
        if code >= 0:
            return frozenset((code,))
        if code <= FIRST_TIE_CODE:
            return self.tie_sets[FIRST_TIE_CODE - code]
        return frozenset()

    def is_blank(self) -> np.ndarray:
        """Rows with no mark at all (undervotes)."""
        blank: np.ndarray = (self.choices == SKIPPED).all(axis=1)
        return blank

    def is_strict(self) -> bool:
        """True when no rank holds an overvote or a tie."""
        return not bool((self.choices < SKIPPED).any())

    def positions(self) -> np.ndarray:
        """(rows, candidates) float matrix: the first rank at which each candidate is marked.

        A candidate in a tie gets the rank of the tie; an unmarked candidate gets ``inf``.
        Ranks count from 0. Unnamed overvotes mark nobody.
        """
        rows, ranks = self.choices.shape
        limits.check("cells", rows * self.n_candidates, what="distinct ballots x candidates of a rank table")
        pos = np.full((rows, self.n_candidates), np.inf)
        everyone = np.arange(rows)
        for r in range(ranks - 1, -1, -1):
            col = self.choices[:, r]
            hit = col >= 0
            pos[everyone[hit], col[hit]] = r
            for t, members in enumerate(self.tie_sets):
                tied = everyone[col == FIRST_TIE_CODE - t]
                if tied.size:
                    for m in members:
                        pos[tied, m] = r
        return pos

    def pairwise(self) -> np.ndarray:
        """(C, C) matrix: ``P[i, j]`` = weight of ballots ranking i strictly above j.

        A marked candidate is above every unmarked one; unmarked candidates are tied.

        This is the *preference* reading every Condorcet rule, ``compare`` and the pairwise
        heatmaps use: each candidate at the first rank marking them (:meth:`positions`),
        candidates marked together at one rank (a named overvote) tied with each other
        and above those ranked later, an unnamed overvote marking nobody, and the ranks
        after an overvote still read. The Condorcet methods count, for each pair, the
        voters who strictly prefer one to the other, and let a voter rank candidates
        equally (indifference; Schulze 2011, section 2.1), so an overvote is a tie, not
        the end of the ballot. The analyst's head-to-head table
        (:func:`tally.analysis.rcv_tables.pairwise_counts`) reads instead as an RCV count
        does, up to the first overvote; the two differ only on ballots with an overvote
        (by up to 676 ballots a pair in San Francisco's 2011 mayoral election).
        """
        pos = self.positions()
        marked = np.isfinite(pos)
        widest = int(marked.sum(axis=1).max()) if pos.size else 0
        # Comparing every candidate with every other on every ballot costs rows x C²;
        # when ballots mark few of many candidates, the pairs of marks cost rows x K².
        if 4 * widest * widest < self.n_candidates**2:
            return _pairwise_from_marks(pos, marked, self.weights, widest)
        c = self.n_candidates
        support = np.zeros((c, c))
        for i in range(c):
            support[i] = self.weights @ (pos[:, i : i + 1] < pos)
        return support

    def margins(self) -> np.ndarray:
        """(C, C) antisymmetric matrix of pairwise margins ``P[i, j] - P[j, i]``."""
        support = self.pairwise()
        margins: np.ndarray = support - support.T
        return margins

    def rankings(self) -> list[tuple[tuple[Any, ...], float]]:
        """Each distinct row written with names, and its weight (for display and tests)."""
        out = []
        for row, weight in zip(self.choices, self.weights):
            marks: list[Any] = []
            for code in row:
                code = int(code)
                if code == SKIPPED:
                    marks.append(None)
                elif code == OVERVOTE:
                    marks.append("overvote")
                elif code >= 0:
                    marks.append(self.candidates[code])
                else:
                    marks.append(frozenset(self.candidates[m] for m in self.members(code)))
            while marks and marks[-1] is None:
                marks.pop()
            out.append((tuple(marks), float(weight)))
        return out

    def with_weights(self, weights: np.ndarray) -> RankedBallots:
        """The same rows with new weights (used by transfers and what-ifs)."""
        return replace_fields(self, weights=as_weights(weights, self.choices.shape[0]))

    def without(self, names: Sequence[str]) -> RankedBallots:
        """The ballots as if ``names`` had never stood (withdrawn candidates).

        Their marks are struck out and the ranks below move up, so the next preference
        counts in their place and no skipped rank appears; an overvote keeps only its other
        candidates (a single one becomes a plain mark). A ballot marking nobody else becomes
        blank, an undervote, as a paper naming only a withdrawn candidate is. Rows are not
        merged, so provenance and the row count stay as they were; ``metadata["withdrawn"]``
        is emptied.

        >>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["C", "A"]])
        >>> b.without(["A"]).rankings()
        [(('B',), 1.0), (('C',), 1.0)]
        """
        drop = {self.index(n) for n in names}
        keep = [c for c in range(self.n_candidates) if c not in drop]
        new_index = {c: i for i, c in enumerate(keep)}
        tie_sets: list[frozenset[int]] = []
        # codes -> new codes; a struck-out mark becomes _STRUCK, then is squeezed out
        struck = np.int32(-(2**20))
        lut_offset = len(self.tie_sets) - FIRST_TIE_CODE
        lut = np.full(lut_offset + self.n_candidates, struck, dtype=np.int32)
        lut[lut_offset + SKIPPED] = SKIPPED
        lut[lut_offset + OVERVOTE] = OVERVOTE
        for c in keep:
            lut[lut_offset + c] = new_index[c]
        for t, members in enumerate(self.tie_sets):
            rest = sorted(new_index[m] for m in members if m in new_index)
            code = lut_offset + FIRST_TIE_CODE - t
            if len(rest) == 1:
                lut[code] = rest[0]
            elif rest:
                tie_sets.append(frozenset(rest))
                lut[code] = FIRST_TIE_CODE - (len(tie_sets) - 1)
        mapped = lut[self.choices.astype(np.int32) + lut_offset]
        gone = mapped == struck
        order = np.argsort(gone, axis=1, kind="stable")
        mapped = np.take_along_axis(mapped, order, axis=1)
        mapped[np.take_along_axis(gone, order, axis=1)] = SKIPPED
        width = int((~gone).sum(axis=1).max()) if mapped.size else 0
        metadata = {**self.metadata, "withdrawn": ()}
        return replace_fields(
            self,
            candidates=tuple(self.candidates[c] for c in keep),
            choices=mapped[:, :width].astype(CODE_DTYPE),
            tie_sets=tuple(tie_sets),
            metadata=metadata,
        )

    def __repr__(self) -> str:
        return (
            f"RankedBallots({self.n_candidates} candidates, {self.total:g} ballots, "
            f"{self.choices.shape[0]} distinct, {self.choices.shape[1]} ranks)"
        )


def _unknown(name: Any, source: str | None) -> int:
    raise BallotError(f"unknown candidate {name!r}", file=source)


@dataclass(frozen=True, eq=False)
class RankedProfiles:
    """Many elections over the same candidates: distinct rankings and counts per election.

    ``orders`` is an (m, C) int8 table of rankings (candidate indices best first, -1 for
    the unranked tail); ``counts[e, k]`` is how many voters of election ``e`` cast ranking
    ``k``. Rules with a batch fast path count every election at once and return a
    :class:`~tally.outcome.BatchOutcome`; election ``e`` alone is :meth:`election`.
    """

    candidates: tuple[str, ...]
    orders: np.ndarray
    counts: np.ndarray
    kind: str = field(default="profiles", init=False)

    def __post_init__(self) -> None:
        if self.orders.ndim != 2 or self.orders.shape[1] != len(self.candidates):
            raise BallotError("orders must be an (m, candidates) matrix")
        if self.counts.ndim != 2 or self.counts.shape[1] != self.orders.shape[0]:
            raise BallotError("counts must be an (elections, orders) matrix")
        # Each ranking names distinct candidates, then only blanks: no overvotes, no
        # repeats, no skipped rank before a mark (batch kernels rely on it).
        marked = self.orders >= 0
        if self.orders.size and (self.orders.max() >= len(self.candidates) or self.orders.min() < -1):
            raise BallotError("orders hold a code outside the candidates")
        if (marked[:, 1:] & ~marked[:, :-1]).any():
            raise BallotError("a ranking has a blank rank before a marked one")
        ordered = np.sort(np.where(marked, self.orders, -1 - np.arange(self.orders.shape[1])), axis=1)
        if (ordered[:, 1:] == ordered[:, :-1]).any():
            raise BallotError("a ranking names the same candidate twice")
        if self.counts.size and self.counts.min() < 0:
            raise BallotError("counts cannot be negative")

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def n_elections(self) -> int:
        return int(self.counts.shape[0])

    def election(self, e: int) -> RankedBallots:
        """Election ``e`` as ranked ballots (its rankings with voters, merged)."""
        used = np.flatnonzero(self.counts[e])
        choices = self.orders[used].astype(CODE_DTYPE)
        choices[choices < 0] = SKIPPED
        return RankedBallots(
            candidates=self.candidates, choices=choices, weights=self.counts[e, used].astype(np.float64)
        )

    def without(self, drop: int) -> RankedProfiles:
        """The same elections with one candidate struck from every ranking."""
        keep = (self.orders >= 0) & (self.orders != drop)
        order = np.argsort(~keep, axis=1, kind="stable")
        moved = np.take_along_axis(self.orders, order, axis=1)
        kept = np.take_along_axis(keep, order, axis=1)
        moved = np.where(kept, np.where(moved > drop, moved - 1, moved), -1).astype(np.int8)
        names = tuple(n for i, n in enumerate(self.candidates) if i != drop)
        return RankedProfiles(names, np.ascontiguousarray(moved[:, :-1]), self.counts)


def _pairwise_from_marks(pos: np.ndarray, marked: np.ndarray, weights: np.ndarray, widest: int) -> np.ndarray:
    """:meth:`RankedBallots.pairwise` from the marks alone, for ballots marking few candidates.

    A ballot marking i puts i above every candidate, less those it marks at i's rank or
    earlier: ``P[i, j]`` is the weight marking i, less the weight marking both with j
    not below i. The second term needs only the pairs of marks on each ballot.
    """
    n_rows, c = pos.shape
    rows, cands = np.nonzero(marked)
    mark_weight = weights[rows]
    by_candidate = np.bincount(cands, weights=mark_weight, minlength=c).astype(np.float64)
    support = np.repeat(by_candidate[:, None], c, axis=1)
    # Each ballot's marks in slots 0..K-1 (np.nonzero walks row by row).
    per_row = np.bincount(rows, minlength=n_rows)
    slot = np.arange(rows.size) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    cand = np.full((n_rows, widest), -1, dtype=np.int64)
    rank = np.full((n_rows, widest), np.inf)
    cand[rows, slot] = cands
    rank[rows, slot] = pos[rows, cands]
    not_below = np.zeros(c * c)
    for a in range(widest):
        for b in range(widest):
            if a != b:
                hit = np.flatnonzero((cand[:, a] >= 0) & (cand[:, b] >= 0) & (rank[:, b] <= rank[:, a]))
                flat = cand[hit, a] * c + cand[hit, b]
                not_below += np.bincount(flat, weights=weights[hit], minlength=c * c)
    support -= not_below.reshape(c, c)
    np.fill_diagonal(support, 0.0)
    return support
