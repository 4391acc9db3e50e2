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
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    seats : int
        Number of seats.
    decimals : int
        Fixed-point places (9 in the New Zealand rules; at most 9).
    tolerance : float
        The iteration stops when the total surplus of elected candidates is no more than
        this (or stops falling), and the lowest hopeful is excluded.
    tiebreak : str
        ``"previous_round"`` (default, the legal texts' rule: earlier stages, then lot with
        ``seed``), ``"order"`` or ``"random"``.
    seed : int, optional
        Seed of the drawing of lots.
    overvote : str
        How an overvote is read, in the vocabulary every ranked rule shares
        (:mod:`tally.options`): it ends the ballot's preferences (``"exhaust"``, default),
        is passed over (``"skip"``), or is read as the ballot walk reads it given the
        candidates not excluded (``"exhaust_if_multiple"``, ``"single_continuing"``,
        ``"split"``: each part of a split paper passes on through its candidate's keep
        value). See :mod:`tally.count.meek`.
    max_skipped : int, optional
        Blank ranks passed over before a mark (``None``, default: any number; ``0`` ends a
        ballot at a blank rank followed by a mark, the legal texts' "next available
        preference" in consecutive order). See :mod:`tally.count.papers`.
    repeated : str
        A candidate marked again is passed over (``"skip"``, default) or ends the ballot
        (``"exhaust"``).

    Returns
    -------
    Outcome
        One round per step of the count; ``details`` hold ``valid``, ``elected_order``,
        ``decimals``, ``tolerance`` and each round's iterations, keep values and surplus
        (``rounds``).

    Raises
    ------
    RuleError
        When there are fewer candidates than seats or a ballot weight is not a whole
        number.
    ConfigError
        On bad options.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"]] * 5 + [["C"]] * 2 + [["B"]] * 3)
    >>> tally.count(b, "meek_stv", seats=2).winners
    ('A', 'B')

    References
    ----------
    Meek, B. L. (1969). Une nouvelle approche du scrutin transférable. Mathématiques et
    sciences humaines 25.

    Hill, I. D., Wichmann, B. A. & Woodall, D. R. (1987). Algorithm 123: Single
    Transferable Vote by Meek's method. Computer Journal 30(3).

    New Zealand Local Electoral Regulations 2001, Schedule 1A.
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

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    seats : int
        Number of seats.
    decimals : int
        Fixed-point places (at most 9).
    tolerance : float
        The iteration stops when the total surplus of elected candidates is no more than
        this (or stops falling), and the lowest hopeful is excluded.
    tiebreak : str
        ``"previous_round"`` (default, the legal texts' rule: earlier stages, then lot with
        ``seed``), ``"order"`` or ``"random"``.
    seed : int, optional
        Seed of the drawing of lots.
    overvote : str
        How an overvote is read, in the vocabulary every ranked rule shares
        (:mod:`tally.options`): it ends the ballot's preferences (``"exhaust"``, default),
        is passed over (``"skip"``), or is read as the ballot walk reads it given the
        candidates not excluded (``"exhaust_if_multiple"``, ``"single_continuing"``,
        ``"split"``: each part of a split paper passes on through its candidate's keep
        value). See :mod:`tally.count.meek`.
    max_skipped : int, optional
        Blank ranks passed over before a mark (``None``, default: any number; ``0`` ends a
        ballot at a blank rank followed by a mark, the legal texts' "next available
        preference" in consecutive order). See :mod:`tally.count.papers`.
    repeated : str
        A candidate marked again is passed over (``"skip"``, default) or ends the ballot
        (``"exhaust"``).

    Returns
    -------
    Outcome
        One round per step of the count; ``details`` hold ``valid``, ``elected_order``,
        ``decimals``, ``tolerance`` and each round's iterations, keep values and surplus
        (``rounds``).

    Raises
    ------
    RuleError
        When there are fewer candidates than seats or a ballot weight is not a whole
        number.
    ConfigError
        On bad options.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"]] * 5 + [["C"]] * 2 + [["B"]] * 3)
    >>> tally.count(b, "warren_stv", seats=2).winners
    ('A', 'B')

    References
    ----------
    Warren, C. H. E. (1994). Counting in STV elections. Voting matters 1.

    J. Lundell, Droop (droop/rules/meek.py, the Warren variant).
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
