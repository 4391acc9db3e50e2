"""Small helpers the rule modules share: ballot accounting and picking the top scorers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import limits
from ..ballots import FIRST_TIE_CODE, RankedBallots
from ..errors import ConfigError, RuleError
from ..outcome import Outcome, Round
from ..ties import TieBreaker, best, check_tiebreak

__all__ = [
    "best",
    "by_name",
    "check_seats",
    "check_stv_options",
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
    limits.check("seats", int(seats), what=f"option {option}")
    if candidates is not None and seats > candidates:
        raise RuleError(f"{seats} seats cannot be filled from {candidates} candidates")
    return int(seats)


def check_stv_options(ballots: RankedBallots, seats: int, tiebreak: str) -> None:
    """Refuse options no STV count can run with."""
    check_seats(seats, ballots.n_candidates)
    check_tiebreak(tiebreak)
    if tiebreak == "all":
        raise ConfigError(
            "STV counts break each tie as they meet it; tiebreak 'all' is not available "
            "(use previous_round, order or random)"
        )
