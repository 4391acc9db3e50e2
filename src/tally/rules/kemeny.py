"""Kemeny–Young: the top of the ranking that agrees with the most pairwise preferences.

The search is exact: dynamic programming over subsets of candidates (2**C * C**2 steps),
refused above :data:`KEMENY_MAX_CANDIDATES` candidates.
"""

from __future__ import annotations

import numpy as np

from ..ballots import RankedBallots
from ..errors import RuleError
from ..outcome import Outcome
from ..ties import TieBreaker
from . import rule
from ._pairwise import pairwise_margins, pairwise_outcome, top_indices

__all__ = ["KEMENY_MAX_CANDIDATES", "kemeny_young"]

KEMENY_MAX_CANDIDATES = 16
"""Largest field :func:`kemeny_young` counts (its exact search takes 2**C * C**2 steps)."""


def _kemeny_best(margins: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """For each candidate, the best Kemeny score of a ranking it heads, and one best ranking.

    A ranking's Kemeny score is the sum of ``M[a, b]`` over pairs it puts a above b;
    maximising it minimises the total Kendall-tau distance to the ballots. Dynamic
    programming over subsets: ``best[S]`` = best score of ordering S among themselves.
    """
    c = margins.shape[0]
    full = (1 << c) - 1
    subsets = np.arange(1 << c)
    members = ((subsets[:, None] >> np.arange(c)) & 1).astype(np.float64)  # (2^C, C)
    # gain[S, j]: what j earns heading the candidates of S (its margins over them)
    gain = members @ margins.T
    best = np.full(1 << c, -np.inf)
    best[0] = 0.0
    size = members.sum(axis=1).astype(int)
    for k in range(1, c + 1):
        layer = subsets[size == k]
        for j in range(c):
            bit = 1 << j
            has = layer[(layer & bit) != 0]
            rest = has ^ bit
            best[has] = np.maximum(best[has], best[rest] + gain[rest, j])
    heads = np.array([best[full ^ (1 << j)] + gain[full ^ (1 << j), j] for j in range(c)])
    ranking: list[int] = []
    left = full
    while left:
        values = [(best[left ^ (1 << j)] + gain[left ^ (1 << j), j], -j) for j in range(c) if left >> j & 1]
        _, neg = max(values)
        ranking.append(-neg)
        left ^= 1 << -neg
    return heads, ranking


@rule(
    "kemeny_young",
    aliases=("kemeny",),
    family="condorcet",
    reference="Kemeny, J. G. (1959). Mathematics without numbers. Daedalus 88(4), 577-591; "
    "Young, H. P. and Levenglick, A. (1978). A consistent extension of Condorcet's election "
    "principle. SIAM Journal on Applied Mathematics 35(2), 285-300.",
)
def kemeny_young(ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Kemeny–Young: the top of the ranking that agrees with the most pairwise preferences.

    A ranking's score is the sum, over every pair it orders a above b, of the margin
    of a over b (equivalently, it minimises the total Kendall-tau distance to the
    ballots). The winners are the candidates that head some best ranking. The search is
    exact (dynamic programming over subsets of candidates, 2**C * C**2 steps) and
    refuses with :class:`RuleError` above :data:`KEMENY_MAX_CANDIDATES` (16) candidates.
    The round tally is, for each candidate, the best score of a ranking it heads;
    ``details["ranking"]`` is one best ranking.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed; unranked candidates are below ranked ones).
    tiebreak : str
        ``"all"`` (default: a tie among winners is left standing, every tied candidate
        reported and the outcome marked tied), ``"order"``, ``"random"`` (with ``seed``)
        or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is the best Kemeny score of a ranking each candidate heads;
        ``details["ranking"]`` is one best ranking.

    Raises
    ------
    RuleError
        Above :data:`KEMENY_MAX_CANDIDATES` candidates.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "kemeny_young").winners
    ('A',)

    References
    ----------
    Kemeny (1959), Daedalus 88(4): 577-591; Young & Levenglick (1978), SIAM Journal on
    Applied Mathematics 35(2): 285-300.
    """
    c = ballots.n_candidates
    if c > KEMENY_MAX_CANDIDATES:
        raise RuleError(
            f"kemeny_young counts at most {KEMENY_MAX_CANDIDATES} candidates exactly; these ballots have {c}"
        )
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    margins = pairwise_margins(ballots)
    if c == 0:
        return pairwise_outcome(ballots, margins, [], np.zeros(0), breaker, note="")
    heads, ranking = _kemeny_best(margins)
    details = {"ranking": [ballots.candidates[x] for x in ranking], "kemeny_score": float(heads.max())}
    return pairwise_outcome(
        ballots,
        margins,
        top_indices(heads),
        heads,
        breaker,
        note="best Kemeny score of a ranking headed by the candidate",
        details=details,
    )
