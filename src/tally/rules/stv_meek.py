"""Meek and Warren STV as registered rules, over the Meek core of the counting floor.

The count itself (keep values, fixed-point arithmetic, convergence, exclusions) is
:class:`tally.count.meek.MeekCount`; Meek and Warren differ only in how a candidate's keep
value applies to the weight reaching them.
"""

from __future__ import annotations

from ..ballots import RankedBallots
from ..count.meek import MeekCount
from ..errors import ConfigError
from ..options import Reading
from ..outcome import Outcome
from ..ties import TieBreaker
from . import rule
from ._common import check_stv_options

__all__ = ["meek_stv", "warren_stv"]


def _count(
    ballots: RankedBallots,
    seats: int,
    *,
    warren: bool,
    decimals: int,
    tolerance: float,
    tiebreak: str,
    seed: int | None,
    reading: Reading,
) -> Outcome:
    _check(decimals, tolerance)
    check_stv_options(ballots, seats, tiebreak)
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    count = MeekCount(
        ballots,
        seats,
        warren=warren,
        decimals=decimals,
        tolerance=tolerance,
        breaker=breaker,
        reading=reading,
    )
    count.run()
    return count.outcome()


def _check(decimals: int, tolerance: float) -> None:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 1 <= decimals <= 9:
        raise ConfigError(f"option decimals must be a whole number from 1 to 9, not {decimals!r}")
    if not isinstance(tolerance, (int, float)) or not 0 <= tolerance < 1:
        raise ConfigError(f"option tolerance must be a number from 0 to below 1, not {tolerance!r}")


@rule(
    "meek_stv",
    aliases=("meek", "nz_stv"),
    family="stv",
    multiwinner=True,
    sequential=True,
    reference=(
        "B. L. Meek, 'Une nouvelle approche du scrutin transférable', Mathématiques et "
        "sciences humaines 25 (1969); Hill, Wichmann & Woodall, 'Algorithm 123: Single "
        "Transferable Vote by Meek's method', Computer Journal 30(3) (1987); New Zealand "
        "Local Electoral Regulations 2001, Schedule 1A."
    ),
)
def meek_stv(
    ballots: RankedBallots,
    *,
    seats: int = 1,
    decimals: int = 9,
    tolerance: float = 0.00001,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
) -> Outcome:
    """Meek's STV: every transfer recomputed with keep values, the quota falling with exhaustion.

    Parameters
    ----------
    seats: number of seats.
    decimals: fixed-point places (9 in the New Zealand rules; at most 9).
    tolerance: the iteration stops when the total surplus of elected candidates is no more
        than this (or stops falling), and the lowest hopeful is excluded.
    tiebreak: ``"previous_round"`` (earlier rounds, then lot with ``seed``), ``"order"``
        or ``"random"``.
    overvote, max_skipped, repeated: how marks are read, in the vocabulary every ranked
        rule shares (:mod:`tally.options`): an overvote ends the ballot's preferences
        (``"exhaust"``), is passed over (``"skip"``), or is read as the ballot walk reads
        it given the candidates not excluded (``"exhaust_if_multiple"``,
        ``"single_continuing"``, ``"split"``: each part of a split paper passes on
        through its candidate's keep value); ``max_skipped`` blank ranks are passed over
        before a mark (``None``: any number; ``0`` ends a ballot at a blank rank followed
        by a mark, the legal texts' "next available preference" in consecutive order); a
        repeated candidate is passed over (``"skip"``) or ends the ballot
        (``"exhaust"``). See :mod:`tally.count.papers` and :mod:`tally.count.meek`.

    Raises :class:`~tally.errors.RuleError` for fewer candidates than seats or fractional
    ballot weights; :class:`~tally.errors.ConfigError` on bad options.

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"]] * 5 + [["C"]] * 2 + [["B"]] * 3)
    >>> tally.count(b, "meek_stv", seats=2).winners
    ('A', 'B')
    """
    return _count(
        ballots,
        seats,
        warren=False,
        decimals=decimals,
        tolerance=tolerance,
        tiebreak=tiebreak,
        seed=seed,
        reading=Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated),
    )


@rule(
    "warren_stv",
    aliases=("warren",),
    family="stv",
    multiwinner=True,
    sequential=True,
    reference=(
        "C. H. E. Warren, 'Counting in STV elections', Voting matters 1 (1994); "
        "J. Lundell, Droop (droop/rules/meek.py, Warren variant)."
    ),
)
def warren_stv(
    ballots: RankedBallots,
    *,
    seats: int = 1,
    decimals: int = 9,
    tolerance: float = 0.00001,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
) -> Outcome:
    """Warren's STV: as Meek's, but a candidate keeps a fixed amount of each vote, not a share.

    A candidate with keep value k takes min(k, w) of the weight w reaching them and passes
    the rest on; everything else is as in :func:`meek_stv`.

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"]] * 5 + [["C"]] * 2 + [["B"]] * 3)
    >>> tally.count(b, "warren_stv", seats=2).winners
    ('A', 'B')
    """
    return _count(
        ballots,
        seats,
        warren=True,
        decimals=decimals,
        tolerance=tolerance,
        tiebreak=tiebreak,
        seed=seed,
        reading=Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated),
    )
