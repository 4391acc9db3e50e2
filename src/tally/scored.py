"""Scored ballots (approval and score) and area tallies: two of the ballot nouns.

Gathered with the ranked forms in :mod:`tally.ballots`, where the package imports them from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from ._nouns import as_weights, check_counts, replace_fields
from .errors import BallotError

__all__ = ["ScoredBallots", "Tallies"]


def _score_keys(scores: np.ndarray) -> np.ndarray | None:
    """One int64 key per row when every score is a small whole number (or unscored)."""
    given = scores[~np.isnan(scores)]
    if given.size and (
        not np.all(np.isfinite(given))
        or given.min() < 0
        or given.max() > 2**31
        or not np.all(given == np.round(given))
    ):
        return None
    top = int(given.max()) if given.size else 0
    base = top + 2  # 0 = unscored, 1 + score otherwise
    if scores.shape[1] * math.log2(base) > 62:
        return None
    codes = np.where(np.isnan(scores), 0, scores + 1).astype(np.int64)
    key = np.zeros(scores.shape[0], dtype=np.int64)
    for c in range(scores.shape[1]):
        key = key * base + codes[:, c]
    return key


@dataclass(frozen=True, eq=False)
class ScoredBallots:
    """Approval (0/1) or score ballots: a (rows, candidates) matrix and a weight per row.

    ``NaN`` marks a candidate the voter left unscored; rules say how they treat it
    (score rules count it as the lowest score, and report how many such marks there were).
    """

    candidates: tuple[str, ...]
    scores: np.ndarray
    weights: np.ndarray
    max_score: float = 1.0
    min_score: float = 0.0
    source: str | None = None
    title: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "approval"

    def __post_init__(self) -> None:
        if self.kind not in ("approval", "score"):
            raise BallotError(f"scored ballots must be 'approval' or 'score', not {self.kind!r}")
        if self.scores.ndim != 2 or self.scores.shape != (self.weights.shape[0], len(self.candidates)):
            raise BallotError("scores must be a (rows, candidates) matrix with one weight per row")
        given = self.scores[~np.isnan(self.scores)]
        if given.size and (given.min() < self.min_score or given.max() > self.max_score):
            raise BallotError(
                f"scores must lie between {self.min_score:g} and {self.max_score:g}", file=self.source
            )

    @classmethod
    def from_matrix(
        cls,
        candidates: Sequence[str],
        scores: Any,
        weights: Any = None,
        *,
        kind: str = "approval",
        max_score: float | None = None,
        min_score: float = 0.0,
        merge: bool = True,
        source: str | None = None,
        title: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> ScoredBallots:
        """Scored ballots from a matrix (NaN = unscored)."""
        matrix = np.asarray(scores, dtype=np.float64)
        if matrix.ndim == 1:
            matrix = matrix.reshape(1, -1)
        w = as_weights(weights, matrix.shape[0])
        if max_score is None:
            max_score = 1.0 if kind == "approval" else float(np.nanmax(matrix)) if matrix.size else 1.0
        ballots = cls(
            candidates=tuple(candidates),
            scores=matrix,
            weights=w,
            max_score=float(max_score),
            min_score=float(min_score),
            source=source,
            title=title,
            metadata=dict(metadata or {}),
            kind=kind,
        )
        return ballots.merged() if merge else ballots

    def merged(self) -> ScoredBallots:
        """Identical rows merged, heaviest first."""
        if self.scores.shape[0] == 0:
            return self
        filled = np.where(np.isnan(self.scores), -np.inf, self.scores)
        key = _score_keys(self.scores)
        if key is not None:
            _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        else:
            _, first, inverse = np.unique(filled, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        weights = np.bincount(inverse, weights=self.weights, minlength=first.size)
        order = np.lexsort((np.arange(first.size), -weights))
        return replace_fields(self, scores=self.scores[first[order]], weights=weights[order])

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def total(self) -> float:
        return float(self.weights.sum())

    def filled(self) -> np.ndarray:
        """Scores with unscored marks counted as the lowest score."""
        return np.where(np.isnan(self.scores), self.min_score, self.scores)

    def is_blank(self) -> np.ndarray:
        """Rows that give no candidate more than the lowest score."""
        # numpy's stubs type a reduction over one axis as possibly a scalar
        return cast(np.ndarray, (self.filled() <= self.min_score).all(axis=1))

    def __repr__(self) -> str:
        return f"ScoredBallots({self.kind}, {self.n_candidates} candidates, {self.total:g} ballots)"


@dataclass(frozen=True, eq=False)
class Tallies:
    """Votes per area and candidate, with per-area attributes (electoral votes, seats, ...)."""

    areas: tuple[str, ...]
    candidates: tuple[str, ...]
    votes: np.ndarray
    attributes: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    parties: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None
    title: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    kind: str = field(default="tallies", init=False)

    def __post_init__(self) -> None:
        if self.votes.shape != (len(self.areas), len(self.candidates)):
            raise BallotError(
                f"votes must be an (areas, candidates) matrix of shape "
                f"{(len(self.areas), len(self.candidates))}, got {self.votes.shape}"
            )
        if self.votes.size and (np.isnan(self.votes).any() or self.votes.min() < 0):
            raise BallotError("votes must be non-negative numbers", file=self.source)
        check_counts(self.votes, self.source, attributes=self.attributes)
        for name, column in self.attributes.items():
            if len(column) != len(self.areas):
                raise BallotError(
                    f"area attribute {name!r} has {len(column)} values for {len(self.areas)} areas"
                )

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def total(self) -> float:
        return float(self.votes.sum())

    def totals(self) -> np.ndarray:
        """Votes per candidate over all areas."""
        totals: np.ndarray = self.votes.sum(axis=0)
        return totals

    def __repr__(self) -> str:
        return f"Tallies({len(self.areas)} areas, {self.n_candidates} candidates, {self.total:g} votes)"
