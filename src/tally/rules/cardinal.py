"""Cardinal rules: approval, score (range), STAR (:mod:`tally.rules.star`) and majority judgment.

These rules read :class:`tally.ballots.ScoredBallots`. A candidate a voter left
unscored (``NaN``) counts as the lowest score (``min_score``) everywhere here, except
in ``score`` with ``method="average"``, which averages only the scores given. Approval
ballots are score ballots with scores 0 and 1, so the score rules accept them too.
A ballot that gives nobody more than the lowest score is reported as an undervote.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..ballots import ScoredBallots
from ..errors import ConfigError, RuleError
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker
from . import rule
from ._common import best, by_name, one_shot, scored_account
from .star import star

__all__ = ["approval", "majority_judgment", "score", "star"]

_TOL = 1e-9


@rule(
    "approval",
    kinds=("approval",),
    family="cardinal",
    multiwinner=True,
    reference="Brams, S. J. and Fishburn, P. C. (1978). Approval voting. American Political "
    "Science Review 72(3), 831-847. https://doi.org/10.2307/1955105",
)
def approval(
    ballots: ScoredBallots,
    *,
    seats: int = 1,
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """The candidates approved by the most voters win (the top ``seats`` of them).

    Each ballot approves any number of candidates; a candidate's tally is the number
    of ballots approving it. With ``seats`` > 1 the ``seats`` most-approved candidates
    win ("block approval"; proportional approval committees are separate rules).
    A tie for the last seat is left standing with every tied candidate reported
    (``tiebreak="all"``, so there may be more winners than seats) or settled by the
    ``tiebreak`` mode.

    Parameters
    ----------
    ballots : ScoredBallots
        Approval ballots (a nonzero mark approves).
    seats : int
        Number of winners (default 1).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's approvals; the ``seats`` most approved
        win (more when a tie for the last seat is left standing).

    Raises
    ------
    RuleError
        When ``seats`` is not between 1 and the number of candidates.

    Examples
    --------
    >>> import tally
    >>> b = tally.ScoredBallots.from_matrix(["A", "B", "C"], [[1, 1, 0], [0, 1, 1], [1, 0, 0]])
    >>> tally.count(b, "approval").winners
    ('A', 'B')
    >>> tally.count(b, "approval", tiebreak="order").winners
    ('A',)

    References
    ----------
    Brams, S. J. and Fishburn, P. C. (1978). Approval voting. American Political Science
    Review 72(3), 831-847. https://doi.org/10.2307/1955105
    """
    c = ballots.n_candidates
    if not isinstance(seats, (int, np.integer)) or not 1 <= seats <= c:
        raise RuleError(f"approval fills between 1 and {c} seats, not {seats!r}")
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    approvals = ballots.weights @ (ballots.filled() > ballots.min_score)
    continuing, inactive = scored_account(ballots)
    if seats == 1:
        return one_shot(
            ballots, approvals, breaker, continuing=continuing, inactive=inactive, note="approvals"
        )
    chosen, tied = _top_k(approvals, seats, breaker)
    names = tuple(ballots.candidates[i] for i in chosen)
    tally = by_name(ballots.candidates, approvals)
    return Outcome(
        rule="",
        candidates=tuple(ballots.candidates),
        winners=names,
        rounds=(
            Round(
                number=1,
                tally=tally,
                elected=names,
                continuing=continuing,
                inactive=inactive,
                note=f"approvals; the {seats} most approved win",
            ),
        ),
        ties=tuple(breaker.ties),
        ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
        scores=tally,
        tied=tied,
    )


def _top_k(values: np.ndarray, k: int, breaker: TieBreaker) -> tuple[list[int], bool]:
    """The k best candidates, most first; a tie for the last places goes to the breaker."""
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    cut = values[order[k - 1]]
    sure = [i for i in order if values[i] > cut + _TOL]
    tied = [i for i in order if abs(values[i] - cut) <= _TOL]
    left = k - len(sure)
    if len(tied) == left:
        return sure + tied, False
    names = tuple(breaker.candidates[i] for i in tied)
    if breaker.mode == "all":
        breaker.record(
            Tie(
                round=1,
                purpose="elect",
                tied=names,
                mode="all",
                chosen=names,
                detail=f"{len(tied)} candidates tied for the last {left} seat(s); all reported",
            )
        )
        return sure + tied, True
    picked: list[int] = []
    pool = list(tied)
    for _ in range(left):
        choice = breaker.pick(pool, purpose="elect", round=1, lowest=False)
        picked.append(choice)
        pool.remove(choice)
    return sure + picked, False


_SCORE_METHODS = ("sum", "average")


@rule(
    "score",
    aliases=("range", "score_voting", "range_voting"),
    kinds=("score", "approval"),
    family="cardinal",
    reference="Smith, W. D. (2000). Range voting. https://rangevoting.org/; Hillinger, C. (2005). "
    "The case for utilitarian voting. Homo Oeconomicus 22(3), 295-321.",
)
def score(
    ballots: ScoredBallots,
    *,
    method: str = "sum",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Score (range) voting: the candidate with the highest total score wins.

    ``method="sum"`` (default) adds every ballot's score, an unscored candidate counting
    as the lowest score. ``method="average"`` divides each candidate's total by the
    number of ballots that scored it, leaving unscored marks out; a candidate nobody
    scored has no average (``null`` in the tally) and cannot win.

    Parameters
    ----------
    ballots : ScoredBallots
        Score ballots (an unscored candidate has the lowest score).
    method : str
        ``"sum"`` (default) or ``"average"``.
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's total (or average) score.

    Raises
    ------
    ConfigError
        For a ``method`` other than ``"sum"`` or ``"average"``.

    Examples
    --------
    >>> import tally
    >>> b = tally.ScoredBallots.from_matrix(["A", "B"], [[5, 0], [0, 4], [1, 3]], kind="score", max_score=5)
    >>> tally.count(b, "score").winners
    ('B',)

    References
    ----------
    Smith, W. D. (2000). Range voting. https://rangevoting.org/

    Hillinger, C. (2005). The case for utilitarian voting. Homo Oeconomicus 22(3),
    295-321.
    """
    if method not in _SCORE_METHODS:
        raise ConfigError(f"score method must be 'sum' or 'average', not {method!r}")
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    continuing, inactive = scored_account(ballots)
    totals = ballots.weights @ ballots.filled()
    if method == "sum":
        return one_shot(
            ballots,
            totals,
            breaker,
            continuing=continuing,
            inactive=inactive,
            note="total score (unscored = lowest score)",
        )
    given = ~np.isnan(ballots.scores)
    counted = ballots.weights @ given
    sums = ballots.weights @ np.where(given, ballots.scores, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        averages = np.where(counted > 0, sums / np.where(counted > 0, counted, 1.0), np.nan)
    eligible = [i for i in range(ballots.n_candidates) if counted[i] > 0]
    if not eligible:
        eligible = list(range(ballots.n_candidates))
    winners, tied = best(np.nan_to_num(averages, nan=-np.inf), breaker, among=eligible, round=1)
    names = tuple(ballots.candidates[i] for i in winners)
    tally = by_name(ballots.candidates, averages)
    return Outcome(
        rule="",
        candidates=tuple(ballots.candidates),
        winners=names,
        rounds=(
            Round(
                number=1,
                tally=tally,
                elected=names,
                continuing=continuing,
                inactive=inactive,
                note="average of the scores given (unscored marks left out)",
            ),
        ),
        ties=tuple(breaker.ties),
        ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
        scores=tally,
        details={"scored_by": by_name(ballots.candidates, counted)},
        tied=tied,
    )


def _median_order(n: int) -> np.ndarray:
    """Positions (in ascending order) of the grades removed one by one as the lower median.

    n odd: m, m-1, m+1, m-2, ...; n even: m, m+1, m-1, m+2, ... with m the lower median.
    """
    m = (n - 1) // 2
    steps = np.arange(1, n)
    outward = (steps + 1) // 2  # 1, 1, 2, 2, 3, ...
    inward = steps // 2  # 0, 1, 1, 2, 2, ...
    first_left = n % 2 == 1
    odd_step = steps % 2 == 1
    order = np.empty(n, dtype=np.int64)
    order[0] = m
    if first_left:
        order[1:] = np.where(odd_step, m - outward, m + inward)
    else:
        order[1:] = np.where(odd_step, m + outward, m - inward)
    return order


@rule(
    "majority_judgment",
    aliases=("majority_judgement", "mj"),
    kinds=("score", "approval"),
    family="cardinal",
    reference="Balinski, M. and Laraki, R. (2007). A theory of measuring, electing, and ranking. "
    "PNAS 104(21), 8720-8725. https://doi.org/10.1073/pnas.0702634104; Balinski, M. and "
    "Laraki, R. (2011). Majority Judgment. MIT Press.",
)
def majority_judgment(ballots: ScoredBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Majority judgment: the candidate with the highest median grade wins.

    Scores are grades; an unscored candidate gets the lowest grade. A candidate's
    majority grade is the lower median of its grades. Ties are broken as Balinski and
    Laraki prescribe: remove one majority grade from each tied candidate and compare
    the new majority grades, and so on; the candidate whose sequence of removed grades
    (its "majority value") is lexicographically highest wins. Candidates with identical
    majority values are a true tie, left standing (``all``) or settled by ``tiebreak``.
    Ballot weights must be whole numbers (each is a number of voters).

    Parameters
    ----------
    ballots : ScoredBallots
        Score ballots read as grades (an unscored candidate has the lowest grade).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's majority grade; ``details["gauge"]``
        gives each candidate's share of grades above and below it.

    Raises
    ------
    RuleError
        When a ballot weight is not a whole number, or there is no ballot.

    Examples
    --------
    >>> import tally
    >>> b = tally.ScoredBallots.from_matrix(["A", "B"], [[2, 1], [2, 3], [0, 2]], kind="score", max_score=3)
    >>> tally.count(b, "majority_judgment").winners
    ('B',)

    References
    ----------
    Balinski, M. and Laraki, R. (2007). A theory of measuring, electing, and ranking.
    PNAS 104(21), 8720-8725. https://doi.org/10.1073/pnas.0702634104

    Balinski, M. and Laraki, R. (2011). Majority Judgment. MIT Press.
    """
    weights = ballots.weights
    if not np.all(weights == np.round(weights)):
        raise RuleError("majority judgment counts voters: every ballot weight must be a whole number")
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    continuing, inactive = scored_account(ballots)
    counts = weights.astype(np.int64)
    n = int(counts.sum())
    names = ballots.candidates
    c = ballots.n_candidates
    if n == 0:
        raise RuleError("majority judgment needs at least one ballot")
    grades = np.sort(np.repeat(ballots.filled(), counts, axis=0), axis=0)  # (voters, C), ascending
    order = _median_order(n)
    values = grades[order]  # column j: candidate j's majority value
    medians = values[0]
    above = (grades > medians).mean(axis=0)
    below = (grades < medians).mean(axis=0)
    leaders, tied = _mj_winners(values, medians, names, breaker)
    elected = tuple(names[i] for i in sorted(leaders))
    tally = by_name(names, medians)
    return Outcome(
        rule="",
        candidates=tuple(names),
        winners=elected,
        rounds=(
            Round(
                number=1,
                tally=tally,
                elected=elected,
                continuing=continuing,
                inactive=inactive,
                note="majority grade (lower median; unscored = lowest grade)",
            ),
        ),
        ties=tuple(breaker.ties),
        ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
        scores=tally,
        details={"gauge": {names[i]: {"above": float(above[i]), "below": float(below[i])} for i in range(c)}},
        tied=tied,
    )


def _mj_winners(
    values: np.ndarray, medians: np.ndarray, names: Sequence[str], breaker: TieBreaker
) -> tuple[list[int], bool]:
    """The candidates with the lexicographically highest majority value among those with
    the highest majority grade; (winners, tie left standing)."""
    c = len(names)
    top = [i for i in range(c) if medians[i] == medians.max()]
    # lexicographic maximum of the majority values among the top majority grades
    leaders = [top[0]]
    for j in top[1:]:
        diff = np.flatnonzero(values[:, j] != values[:, leaders[0]])
        if diff.size == 0:
            leaders.append(j)
        elif values[diff[0], j] > values[diff[0], leaders[0]]:
            leaders = [j]
    tied = False
    if len(top) > 1:
        detail = "majority grades tied; removing majority grades one at a time: " + (
            f"{names[leaders[0]]} is ahead" if len(leaders) == 1 else "identical majority values"
        )
        if len(leaders) == 1:
            breaker.record(
                Tie(
                    round=1,
                    purpose="winner",
                    tied=tuple(names[i] for i in top),
                    mode="protocol",
                    chosen=(names[leaders[0]],),
                    detail=detail,
                )
            )
    if len(leaders) > 1:
        if breaker.mode == "all":
            both = tuple(names[i] for i in leaders)
            breaker.record(
                Tie(
                    round=1,
                    purpose="winner",
                    tied=both,
                    mode="all",
                    chosen=both,
                    detail="identical majority values; every tied candidate reported",
                )
            )
            tied = True
        else:
            leaders = [breaker.pick(leaders, purpose="winner", round=1, lowest=False)]
    return leaders, tied
