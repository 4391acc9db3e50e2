"""Small helpers the rule modules share: ballot accounting and picking the top scorers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..ballots import FIRST_TIE_CODE, RankedBallots
from ..errors import ConfigError, RuleError
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker

__all__ = [
    "best",
    "by_name",
    "check_seats",
    "one_shot",
    "ranked_account",
    "scored_account",
]


def ranked_account(ballots: RankedBallots) -> tuple[float, dict[str, float]]:
    """(continuing weight, inactive by reason) for a rule that reads whole ballots once.

    Ballots that mark nobody are undervotes. Ballots whose only marks are unnamed
    overvotes name no candidate to count for or compare, so they are overvotes. Every
    other ballot takes part.
    """
    choices, weights = ballots.choices, ballots.weights
    blank = ballots.is_blank()
    named = ((choices >= 0) | (choices <= FIRST_TIE_CODE)).any(axis=1)
    undervote = float(weights[blank].sum())
    overvote = float(weights[~named & ~blank].sum())
    return ballots.total - undervote - overvote, {"undervote": undervote, "overvote": overvote}


def scored_account(ballots: Any) -> tuple[float, dict[str, float]]:
    """The same for scored ballots: a ballot scoring nobody above the minimum is blank."""
    blank = float(ballots.weights[ballots.is_blank()].sum())
    return ballots.total - blank, {"undervote": blank}


def by_name(candidates: Sequence[str], values: Sequence[float] | np.ndarray) -> dict[str, float]:
    """``{candidate: value}`` as plain floats, in candidate order (a round tally or scores)."""
    return {c: float(v) for c, v in zip(candidates, values)}


def best(
    scores: np.ndarray,
    breaker: TieBreaker,
    *,
    among: Sequence[int] | None = None,
    highest: bool = True,
    purpose: str = "winner",
    round: int | None = None,
    history: Sequence[np.ndarray] = (),
    detail: str = "tie left standing; every tied candidate reported",
    tol: float = 1e-9,
) -> tuple[list[int], bool]:
    """The candidates with the best (``highest``) or worst score, after the tie-break.

    Returns (chosen indices, whether a tie was left standing). With mode ``all`` every
    tied candidate is returned and the tie recorded with ``detail``; otherwise the
    breaker picks one, reading earlier rounds' scores from ``history`` (oldest first).
    """
    pool = list(range(len(scores))) if among is None else [int(c) for c in among]
    values = np.asarray([scores[i] for i in pool], dtype=float)
    target = values.max() if highest else values.min()
    # equal infinities (every candidate without a score) tie too; their difference is NaN
    tied = [c for c, v in zip(pool, values) if v == target or abs(v - target) <= tol]
    if len(tied) == 1:
        return tied, False
    if breaker.mode == "all":
        names = tuple(breaker.candidates[i] for i in tied)
        breaker.record(Tie(round=round, purpose=purpose, tied=names, mode="all", chosen=names, detail=detail))
        return tied, True
    return [breaker.pick(tied, purpose=purpose, round=round, history=history, lowest=not highest)], False


def one_shot(
    ballots: Any,
    scores: np.ndarray,
    breaker: TieBreaker,
    *,
    continuing: float,
    inactive: dict[str, float],
    highest: bool = True,
    note: str = "",
    details: dict[str, Any] | None = None,
    warnings: Sequence[str] = (),
    choose: Callable[[np.ndarray, TieBreaker], tuple[list[int], bool]] | None = None,
) -> Outcome:
    """The outcome of a rule that scores every candidate once and elects the best.

    ``choose(scores, breaker)`` picks the winners and says whether a tie was left
    standing; by default the single best (or worst, ``highest=False``) candidate.
    """
    if choose is None:
        winners, tied = best(scores, breaker, highest=highest, round=1)
    else:
        winners, tied = choose(scores, breaker)
    names = tuple(ballots.candidates[i] for i in winners)
    tally = by_name(ballots.candidates, scores)
    round_ = Round(
        number=1,
        tally=tally,
        elected=names,
        continuing=continuing,
        inactive=inactive,
        note=note,
    )
    return Outcome(
        rule="",
        candidates=tuple(ballots.candidates),
        winners=names,
        rounds=(round_,),
        ties=tuple(breaker.ties),
        ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
        scores=tally,
        details=details or {},
        warnings=tuple(warnings),
        tied=tied,
    )


def check_seats(seats: Any, candidates: int | None = None, option: str = "seats") -> int:
    """The seat count as an int: a whole number of at least 1 (ConfigError otherwise), and
    no more than ``candidates`` when given (RuleError: the seats cannot be filled)."""
    if isinstance(seats, bool) or not isinstance(seats, (int, np.integer)) or seats < 1:
        raise ConfigError(f"option {option} must be a whole number of at least 1, not {seats!r}")
    if candidates is not None and seats > candidates:
        raise RuleError(f"{seats} seats cannot be filled from {candidates} candidates")
    return int(seats)
