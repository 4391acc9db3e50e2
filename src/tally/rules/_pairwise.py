"""The pairwise matrix every Condorcet-family rule decides from, and one outcome for them all.

The ballots are read once, into the (C, C) matrix of pairwise margins ``M[i, j]`` =
(weight of ballots ranking i above j) - (weight ranking j above i). How a ballot compares
two candidates follows :meth:`tally.ballots.RankedBallots.positions`:

* a marked candidate is above every candidate the ballot leaves unmarked (a truncated
  ballot prefers everyone it ranks to everyone it does not), and unmarked candidates
  are equal;
* candidates marked at the same rank (a tie set) are equal;
* an unnamed overvote marks nobody, and later ranks still count;
* a candidate marked twice counts at its first (highest) mark.

This is the "extended strict preference" of pref_voting's ``ProfileWithTies``. The sets
read from the matrix (:func:`condorcet_winner`, :func:`condorcet_loser`,
:func:`smith_set`) and the widest paths (:func:`strongest_paths`) live here too; the
rules themselves are in :mod:`tally.rules.condorcet` and the modules it gathers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..ballots import RankedBallots
from ..errors import ConfigError
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker
from ._common import by_name, ranked_account

__all__ = [
    "condorcet_loser",
    "condorcet_winner",
    "pairwise_margins",
    "pairwise_outcome",
    "smith_set",
    "strongest_paths",
    "support_and_margins",
    "top_indices",
    "winner_index",
]

_DECIMALS = 9  # margins are sums of weights; rounding keeps fractional weights comparable


# -- the pairwise matrix and the sets read from it -------------------------------------


def support_and_margins(ballots: RankedBallots) -> tuple[np.ndarray, np.ndarray]:
    """(support, margins) from one pass over the ballots; both rounded for fair comparisons."""
    support = np.round(ballots.pairwise(), _DECIMALS)
    margins = np.round(support - support.T, _DECIMALS)
    margins[margins == 0] = 0.0  # no negative zeros in the output
    return support, margins


def pairwise_margins(ballots: RankedBallots) -> np.ndarray:
    """The (C, C) antisymmetric matrix of pairwise margins, in candidate order.

    ``M[i, j] > 0`` means more voters rank candidate i above j than j above i.

    >>> b = RankedBallots.from_rankings(["A", "B"], [["A", "B"], ["A"], ["B"]])
    >>> pairwise_margins(b).tolist()
    [[0.0, 1.0], [-1.0, 0.0]]
    """
    return support_and_margins(ballots)[1]


def _margins(ballots: RankedBallots, margins: np.ndarray | None) -> np.ndarray:
    if margins is None:
        return pairwise_margins(ballots)
    matrix = np.asarray(margins, dtype=np.float64)
    c = ballots.n_candidates
    if matrix.shape != (c, c):
        raise ConfigError(f"a margin matrix for these ballots must be {c}x{c}, not {matrix.shape}")
    return matrix


def winner_index(margins: np.ndarray) -> int | None:
    c = margins.shape[0]
    beats = (margins > 0).sum(axis=1)
    found = np.flatnonzero(beats == c - 1)
    return int(found[0]) if found.size and c else None


def _loser_index(margins: np.ndarray) -> int | None:
    c = margins.shape[0]
    loses = (margins < 0).sum(axis=1)
    found = np.flatnonzero(loses == c - 1)
    return int(found[0]) if found.size and c else None


def _smith_indices(margins: np.ndarray) -> list[int]:
    """Indices of the Smith set, in candidate order, in O(C²) time and memory.

    Every member of the Smith set beats every outsider, so it wins more contests than any
    outsider: the set is a prefix of the candidates sorted by wins. The first prefix
    whose members beat every later candidate is it; one running sum over the "beats"
    matrix tests every prefix at once (a transitive closure would cost O(C³)).
    """
    c = margins.shape[0]
    if c == 0:
        return []
    beats = margins > 0
    order = np.argsort(-beats.sum(axis=1), kind="stable")
    ahead = np.triu(beats[np.ix_(order, order)], 1)
    # Wins of the first k candidates over the rest: adding candidate k adds its wins
    # over later candidates and takes away earlier candidates' wins over it.
    across = np.cumsum(ahead.sum(axis=1, dtype=np.int64) - ahead.sum(axis=0, dtype=np.int64))
    k = np.arange(1, c + 1)
    size = int(np.flatnonzero(across == k * (c - k))[0]) + 1
    return sorted(int(i) for i in order[:size])


def condorcet_winner(ballots: RankedBallots, *, margins: np.ndarray | None = None) -> str | None:
    """The candidate who beats every other head to head, or ``None`` when there is none.

    ``margins`` may pass a precomputed :func:`pairwise_margins` matrix.

    >>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B", "A"], ["C", "A"]])
    >>> condorcet_winner(b)
    'A'
    """
    index = winner_index(_margins(ballots, margins))
    return None if index is None else ballots.candidates[index]


def condorcet_loser(ballots: RankedBallots, *, margins: np.ndarray | None = None) -> str | None:
    """The candidate every other candidate beats head to head, or ``None``.

    >>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B", "A"], ["C", "A"]])
    >>> condorcet_loser(b)
    'C'
    """
    index = _loser_index(_margins(ballots, margins))
    return None if index is None else ballots.candidates[index]


def smith_set(ballots: RankedBallots, *, margins: np.ndarray | None = None) -> tuple[str, ...]:
    """The Smith set: the smallest non-empty set of candidates who each beat everyone outside it.

    Equivalently (Smith 1973; "top cycle" / GETCHA), the candidates from whom every
    other candidate can be reached by a chain of pairwise wins or ties. It is the
    Condorcet winner alone when there is one. Candidates come in ballot order.

    >>> cycle = [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"], ["D"]]
    >>> smith_set(RankedBallots.from_rankings(["A", "B", "C", "D"], cycle))
    ('A', 'B', 'C')

    Reference: Smith, J. H. (1973). Aggregation of preferences with variable
    electorate. Econometrica 41(6), 1027-1041.
    """
    return tuple(ballots.candidates[i] for i in _smith_indices(_margins(ballots, margins)))


def strongest_paths(strength: np.ndarray) -> np.ndarray:
    """Widest-path strengths: ``P[i, j]`` = max over paths i→j of the weakest link.

    ``strength[i, j]`` is the strength of the direct link (0 for no link). Floyd–Warshall
    with the (max, min) semiring, one vectorised step per intermediate candidate.
    """
    paths = np.array(strength, dtype=np.float64)
    c = paths.shape[0]
    np.fill_diagonal(paths, 0.0)
    through = np.empty_like(paths)
    for k in range(c):
        # Only paths into k and out of k can widen through k (a missing link is 0): when
        # few candidates have either, update that block alone.
        into = np.flatnonzero(paths[:, k] > 0)
        out = np.flatnonzero(paths[k, :] > 0)
        if 8 * into.size * out.size < c * c:
            if into.size and out.size:
                block = np.ix_(into, out)
                paths[block] = np.maximum(paths[block], np.minimum.outer(paths[into, k], paths[k, out]))
            continue
        np.minimum(paths[:, k : k + 1], paths[k : k + 1, :], out=through)
        np.maximum(paths, through, out=paths)
    np.fill_diagonal(paths, 0.0)
    return paths


# -- building outcomes ------------------------------------------------------------------


def _margin_details(ballots: RankedBallots, margins: np.ndarray) -> dict[str, Any]:
    names = ballots.candidates
    return {
        "margins": {a: {b: float(margins[i, j]) for j, b in enumerate(names)} for i, a in enumerate(names)},
        "smith_set": [names[i] for i in _smith_indices(margins)],
    }


def pairwise_outcome(
    ballots: RankedBallots,
    margins: np.ndarray,
    winners: Sequence[int] | np.ndarray,
    tally: np.ndarray,
    breaker: TieBreaker,
    *,
    note: str,
    details: dict[str, Any] | None = None,
    warnings: Sequence[str] = (),
    tie_detail: str = "tie left standing; every tied candidate reported",
) -> Outcome:
    """One-round outcome; a tie among ``winners`` is left standing (mode all) or broken."""
    chosen = sorted(int(w) for w in winners)
    tied = False
    if len(chosen) > 1:
        if breaker.mode == "all":
            names = tuple(ballots.candidates[i] for i in chosen)
            breaker.record(
                Tie(round=1, purpose="winner", tied=names, mode="all", chosen=names, detail=tie_detail)
            )
            tied = True
        else:
            chosen = [breaker.pick(chosen, purpose="winner", round=1, lowest=False)]
    names = tuple(ballots.candidates[i] for i in chosen)
    continuing, inactive = ranked_account(ballots)
    scores = by_name(ballots.candidates, tally)
    return Outcome(
        rule="",
        candidates=tuple(ballots.candidates),
        winners=names,
        rounds=(
            Round(number=1, tally=scores, elected=names, continuing=continuing, inactive=inactive, note=note),
        ),
        ties=tuple(breaker.ties),
        ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
        scores=scores,
        details={**_margin_details(ballots, margins), **(details or {})},
        warnings=tuple(warnings),
        tied=tied,
    )


def top_indices(values: np.ndarray, *, highest: bool = True) -> list[int]:
    if values.size == 0:
        return []
    target = values.max() if highest else values.min()
    return [int(i) for i in np.flatnonzero(np.abs(values - target) <= 1e-9)]
