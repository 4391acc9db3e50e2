"""Single transferable vote: one registered function per legal text.

Scottish STV and WIGM count with the Gregory core of the counting floor
(:class:`tally.count.gregory.GregoryCount`); ERS97 and the Irish Dáil count are that core
with the steps their texts change (:mod:`tally.rules.stv_ers97`,
:mod:`tally.rules.stv_irish`); Meek and Warren, which recompute every transfer at each
iteration, live in :mod:`tally.rules.stv_meek`. How preferences are read off a ballot is
:mod:`tally.count.papers`.
"""

from __future__ import annotations

from typing import Any

from ..ballots import RankedBallots
from ..count.gregory import GregoryCount, GregoryRules
from ..count.papers import QUOTAS
from ..errors import ConfigError
from ..options import Reading
from ..outcome import Outcome
from ..ties import TieBreaker
from . import rule
from ._common import check_stv_options
from .stv_ers97 import Ers97Count
from .stv_irish import IrishCount, recoupment_report
from .stv_meek import meek_stv, warren_stv

__all__ = ["ers97_stv", "irish_stv", "meek_stv", "scottish_stv", "warren_stv", "wigm_stv"]


def _check_quota(quota: str, extra: tuple[str, ...] = ()) -> None:
    allowed = QUOTAS + extra
    if quota not in allowed:
        raise ConfigError(f"option quota: unknown quota {quota!r}; choose one of {', '.join(allowed)}")


def _check_decimals(decimals: int | None) -> None:
    if decimals is not None and (isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0):
        raise ConfigError(f"option decimals must be a whole number >= 0 or None (exact), not {decimals!r}")


@rule(
    "scottish_stv",
    aliases=("scotland_stv", "scottish"),
    family="stv",
    multiwinner=True,
    sequential=True,
    reference=("The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules 45-52."),
)
def scottish_stv(
    ballots: RankedBallots,
    *,
    seats: int = 1,
    quota: str = "droop",
    decimals: int | None = 5,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
) -> Outcome:
    """STV as counted at Scottish local government elections (weighted inclusive Gregory).

    The quota is the Droop quota, floor(valid / (seats + 1)) + 1 (rule 46); a candidate
    with at least the quota is elected (rule 47). The largest surplus is transferred
    first (rule 49; equal surpluses: the candidate with more votes at the latest stage
    where they differed, then lot); every paper the elected candidate holds moves to its
    next continuing preference at value v x surplus / votes credited, calculated to five
    decimal places with any remainder ignored (rule 48(3)). With no surplus to transfer,
    the candidate with fewest votes is excluded and all their papers move at their
    current values in one stage (rules 50-51, ties as for surpluses). When the continuing
    candidates are no more than the vacancies left they are elected (rule 52).

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    seats : int
        Number of councillors to elect.
    quota : str
        ``"droop"`` (the Order's), ``"hare"`` or ``"exact_droop"``.
    decimals : int, optional
        Places transfer values are cut to (5 in the Order; ``None`` for exact).
    tiebreak : str
        ``"previous_round"`` (default, the legal texts' rule: earlier stages, then lot with
        ``seed``), ``"order"`` or ``"random"``.
    seed : int, optional
        Seed of the drawing of lots.
    overvote : str
        How an overvote is read, in the vocabulary every ranked rule shares
        (:mod:`tally.options`): it ends the ballot's preferences (``"exhaust"``, default),
        is passed over (``"skip"``), or is read by which of its candidates are still
        hopeful, as the ballot walk reads it (``"exhaust_if_multiple"``,
        ``"single_continuing"``, ``"split"``).
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
        One round per stage of the count; ``details`` hold the quota (``quota``,
        ``quota_exact``), ``valid``, ``elected_order`` and each stage's record
        (``stages``).

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
    >>> tally.count(b, "scottish_stv", seats=2).winners
    ('A', 'B')

    References
    ----------
    The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1, rules
    45-52.
    """
    return _inclusive_gregory(
        ballots,
        seats,
        tiebreak,
        seed,
        quota,
        decimals,
        Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated),
    )


def _inclusive_gregory(
    ballots: RankedBallots,
    seats: int,
    tiebreak: str,
    seed: int | None,
    quota: str,
    decimals: int | None,
    reading: Reading,
) -> Outcome:
    """The count Scottish STV and WIGM share; they differ only in their default rounding."""
    _check_quota(quota)
    _check_decimals(decimals)
    check_stv_options(ballots, seats, tiebreak)
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    rules = GregoryRules(
        surplus_papers="all", value="inclusive", decimals=decimals, quota=quota, reading=reading
    )
    count = GregoryCount(ballots, seats, rules, breaker, seed)
    count.run()
    return count.outcome()


@rule(
    "wigm_stv",
    aliases=("wigm", "weighted_inclusive_gregory"),
    family="stv",
    multiwinner=True,
    sequential=True,
    reference=(
        "Weighted inclusive Gregory method as in the Scottish Local Government Elections "
        "Order 2007 rules 45-52, with exact transfer values; J. Lundell, Droop "
        "(droop/rules/wigm.py) describes the same method."
    ),
)
def wigm_stv(
    ballots: RankedBallots,
    *,
    seats: int = 1,
    quota: str = "droop",
    decimals: int | None = None,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
) -> Outcome:
    """Weighted inclusive Gregory STV with exact transfer values.

    The count of :func:`scottish_stv` with the weight of every paper carried exactly
    through each transfer (a paper of value v moves at v x surplus / votes credited to
    the elected candidate, as a fraction), unless ``decimals`` asks for truncation.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    seats : int
        Number of seats.
    quota : str
        ``"droop"`` (default), ``"hare"`` or ``"exact_droop"``.
    decimals : int, optional
        Places transfer values are cut to (``None``, default: exact).
    tiebreak : str
        ``"previous_round"`` (default, the legal texts' rule: earlier stages, then lot with
        ``seed``), ``"order"`` or ``"random"``.
    seed : int, optional
        Seed of the drawing of lots.
    overvote : str
        How an overvote is read, in the vocabulary every ranked rule shares
        (:mod:`tally.options`): it ends the ballot's preferences (``"exhaust"``, default),
        is passed over (``"skip"``), or is read by which of its candidates are still
        hopeful, as the ballot walk reads it (``"exhaust_if_multiple"``,
        ``"single_continuing"``, ``"split"``).
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
        One round per stage of the count; ``details`` hold the quota (``quota``,
        ``quota_exact``), ``valid``, ``elected_order`` and each stage's record
        (``stages``).

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
    >>> tally.count(b, "wigm_stv", seats=2).winners
    ('A', 'B')

    References
    ----------
    The weighted inclusive Gregory method as in the Scottish Local Government Elections
    Order 2007 (SSI 2007/42), Schedule 1, rules 45-52, with exact transfer values;
    J. Lundell, Droop (droop/rules/wigm.py) describes the same method.
    """
    return _inclusive_gregory(
        ballots,
        seats,
        tiebreak,
        seed,
        quota,
        decimals,
        Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated),
    )


@rule(
    "ers97_stv",
    aliases=("ers97",),
    family="stv",
    multiwinner=True,
    sequential=True,
    reference=(
        "Electoral Reform Society, How to conduct an election by the Single Transferable "
        "Vote, 3rd edition (1997), section 5 (the ERS97 rules)."
    ),
)
def ers97_stv(
    ballots: RankedBallots,
    *,
    seats: int = 1,
    quota: str = "ers97",
    decimals: int | None = 2,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
) -> Outcome:
    """STV under the Electoral Reform Society's 1997 rules (Gregory, last parcel).

    Quota (5.1.6): valid / (seats + 1) to two decimal places, rounded up to the cent
    (``quota="ers97"``), recomputed without the non-transferable votes until someone is
    elected (5.4.8). A candidate is elected on reaching the quota, or the total active
    vote divided by one more than the places left (5.1.7(b)). A surplus is transferred
    from the last batch of papers the candidate received (all papers if elected at the
    first stage): each transferable paper moves at surplus / number of transferable
    papers, cut to two decimal places, unless they are worth no more than the surplus,
    when they move at their value (5.3.7). Surpluses are deferred while the lowest
    candidates could be excluded without them mattering (5.2.2); as many of the lowest
    candidates as can be are excluded together (5.2.5), their papers moving in batches of
    equal value, highest first, each batch a stage with the quota checked after it (5.4).
    Ties (``tiebreak="previous_round"``): the votes at the first stage or the earliest
    point where the tied candidates differed, then lot (``seed``).

    Candidates reaching the quota with equal votes when there are not places for them all
    (5.6.2) are taken in order of their votes at the first stage or the earliest later
    stage where they differed; those equal at every stage are none of them deemed elected
    at that stage (recorded in the note, ``details["stages"][i]["not_deemed_elected"]``
    and a tie with nobody chosen), and the count goes on. That is ERS97's own rule, used
    with ``tiebreak="previous_round"``; other tie-break modes pick as asked. Once every
    place is filled no further papers move (5.5.2): batches of an exclusion not yet
    reached stay credited to the excluded candidate, and the continuing candidates left
    are recorded as formally excluded (note and ``details["stages"][i]
    ["formally_excluded"]``).

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    seats : int
        Number of places to fill.
    quota : str
        ``"ers97"`` (default: the rules' quota, 5.1.6), ``"droop"``, ``"hare"`` or
        ``"exact_droop"``.
    decimals : int, optional
        Places transfer values are cut to (2, default: ERS97's two places; ``None`` for
        exact).
    tiebreak : str
        ``"previous_round"`` (default, the legal texts' rule: earlier stages, then lot with
        ``seed``), ``"order"`` or ``"random"``.
    seed : int, optional
        Seed of the drawing of lots.
    overvote : str
        How an overvote is read, in the vocabulary every ranked rule shares
        (:mod:`tally.options`): it ends the ballot's preferences (``"exhaust"``, default),
        is passed over (``"skip"``), or is read by which of its candidates are still
        hopeful, as the ballot walk reads it (``"exhaust_if_multiple"``,
        ``"single_continuing"``, ``"split"``).
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
        One round per stage of the count; ``details`` hold the quota (``quota``,
        ``quota_exact``), ``valid``, ``elected_order`` and each stage's record
        (``stages``).

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
    >>> tally.count(b, "ers97_stv", seats=2).winners
    ('A', 'B')

    References
    ----------
    Electoral Reform Society, How to conduct an election by the Single Transferable
    Vote, 3rd edition (1997), section 5 (the ERS97 rules).
    """
    _check_quota(quota, ("ers97",))
    _check_decimals(decimals)
    check_stv_options(ballots, seats, tiebreak)
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    rules = GregoryRules(
        surplus_papers="last",
        value="transferable",
        decimals=decimals,
        exclusion="by_value",
        quota=quota,
        reading=Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated),
    )
    count = Ers97Count(ballots, seats, rules, breaker, seed)
    count.run()
    return count.outcome()


def _check_irish_options(
    defer_surplus: bool, exclude_several: bool, recoupment: bool, recoupment_quota: int | None
) -> None:
    """Refuse a non-boolean switch or a recoupment quota that is not a whole number >= 1."""
    for name, flag in (
        ("defer_surplus", defer_surplus),
        ("exclude_several", exclude_several),
        ("recoupment", recoupment),
    ):
        if not isinstance(flag, bool):
            raise ConfigError(f"option {name} must be true or false, not {flag!r}")
    if recoupment_quota is not None and (
        isinstance(recoupment_quota, bool) or not isinstance(recoupment_quota, int) or recoupment_quota < 1
    ):
        raise ConfigError(
            f"option recoupment_quota must be a whole number >= 1 or None, not {recoupment_quota!r}"
        )


@rule(
    "irish_stv",
    aliases=("irish", "dail_stv"),
    family="stv",
    multiwinner=True,
    sequential=True,
    reference="Electoral Act 1992 (Ireland), sections 118-124 (counting of votes at Dáil elections).",
)
def irish_stv(
    ballots: RankedBallots,
    *,
    seats: int = 1,
    quota: str = "droop",
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
    defer_surplus: bool = True,
    exclude_several: bool = True,
    recoupment: bool = True,
    recoupment_quota: int | None = None,
) -> Outcome:
    """STV as at Dáil elections: whole papers, surplus papers drawn from the last parcel.

    The quota is floor(valid / (seats + 1)) + 1. To transfer a surplus, the papers of
    the last parcel the candidate received (all papers if elected at the first count)
    are sorted by next available preference; if the transferable papers are no more than
    the surplus, all move. Otherwise each continuing candidate receives
    floor(sub-parcel x surplus / transferable papers) papers, the papers left over going
    to the largest remainders, and the papers moved are drawn at random from each
    sub-parcel (a seeded draw standing for the papers on top of the mixed parcel, so the
    same ``seed`` gives the same count). An excluded candidate's papers all move in one
    count. The count ends early where section 124 says so: with one vacancy left, a
    candidate ahead of all the others together (plus untransferred surpluses) is elected;
    with one candidate too many, if the lowest cannot catch the next lowest even with
    those surpluses, the rest are elected. Ties: earlier counts, then lot (``seed``).

    Deferment (section 121, ``defer_surplus``): with ``S`` the total of the surpluses
    not yet transferred, they wait while the highest continuing candidate plus ``S`` is
    below the quota, the lowest plus ``S`` is below the next lowest, and (``recoupment``)
    the lowest, if not yet above a quarter of the quota, cannot pass it with ``S``; a
    candidate is excluded instead, and the deferment and its numbers are recorded in the
    note and ``details["stages"][i]["deferred"]`` of that count. Several exclusions at
    once (section 122, ``exclude_several``): the most (two or more) lowest candidates
    whose votes together plus ``S`` are less than the next candidate's, leaving enough
    candidates for the vacancies, are excluded in one count (``details["stages"][i]
    ["excluded_together"]``); with ``recoupment`` not when that could cost one of them
    the chance to pass a quarter of the quota. How these tests are read from the Act is
    set out in :meth:`tally.rules.stv_irish.IrishCount._irish_deferment` and
    :meth:`~tally.rules.stv_irish.IrishCount._irish_group`.

    Recoupment of election expenses depends only on votes (more than a quarter of the
    quota, Electoral Act 1997 s. 21), not on the expenses a candidate declared, so the
    condition is applied to every candidate; ``recoupment=False`` drops it. At a
    bye-election filling more than one vacancy the quarter is of the quota the full
    constituency would have had: pass that quota as ``recoupment_quota``.

    Section 124(3) (with ``recoupment``): once the last vacancies are filled, the count
    goes on (surpluses, unless deferred, then exclusions of the lowest, as before) only
    while a continuing candidate not yet above a quarter of the quota could still pass
    it: could, because the papers naming them after their current preference, from the
    surpluses not transferred and from the candidates who could be excluded before them,
    would take them past it. These counts elect nobody and change no winner; each is
    marked in its note ("s. 124(3)") and ``details["stages"][i]["section"] == "124(3)"``,
    with the candidates it is made for. With one continuing candidate left, the surpluses
    could go only to them, so what they would be credited with is worked out without a
    transfer (``details["recoupment"]["settled_without_transfer"]``).
    ``details["recoupment"]`` gives the quarter, each candidate's highest vote and who
    was or was not credited with more than the quarter. ``recoupment=False`` stops the
    count as soon as the seats are filled.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    seats : int
        Number of vacancies.
    quota : str
        ``"droop"`` (default: the Act's), ``"hare"`` or ``"exact_droop"``.
    tiebreak : str
        ``"previous_round"`` (default, the legal texts' rule: earlier stages, then lot with
        ``seed``), ``"order"`` or ``"random"``.
    seed : int, optional
        Seed of the drawing of lots, and of the draw of the papers moved.
    overvote : str
        How an overvote is read, in the vocabulary every ranked rule shares
        (:mod:`tally.options`): it ends the ballot's preferences (``"exhaust"``, default),
        is passed over (``"skip"``), or is read by which of its candidates are still
        hopeful, as the ballot walk reads it (``"exhaust_if_multiple"``,
        ``"single_continuing"``; ``"split"`` is refused: the Irish count draws
        whole papers, and a split paper is worth a fraction).
    max_skipped : int, optional
        Blank ranks passed over before a mark (``None``, default: any number; ``0`` ends a
        ballot at a blank rank followed by a mark, the legal texts' "next available
        preference" in consecutive order). See :mod:`tally.count.papers`.
    repeated : str
        A candidate marked again is passed over (``"skip"``, default) or ends the ballot
        (``"exhaust"``).
    defer_surplus : bool
        Defer surpluses as section 121 says (default on, as in the Act).
    exclude_several : bool
        Exclude several candidates at once as section 122 says (default on).
    recoupment : bool
        Apply the quarter-of-the-quota condition (default on); off stops the count as
        soon as the seats are filled.
    recoupment_quota : int, optional
        The quota the quarter is taken of, at a bye-election filling more than one
        vacancy (default: this count's quota).

    Returns
    -------
    Outcome
        One round per stage of the count; ``details`` hold the quota (``quota``,
        ``quota_exact``), ``valid``, ``elected_order`` and each stage's record
        (``stages``), and ``recoupment``.

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
    >>> tally.count(b, "irish_stv", seats=2).winners
    ('A', 'B')

    References
    ----------
    Electoral Act 1992 (Ireland), sections 118-124 (counting of votes at Dáil
    elections).
    """
    _check_quota(quota)
    check_stv_options(ballots, seats, tiebreak)
    _check_irish_options(defer_surplus, exclude_several, recoupment, recoupment_quota)
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    reading = Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated)
    count = IrishCount(
        ballots,
        seats,
        GregoryRules(surplus_papers="last", selection="random", quota=quota, reading=reading),
        breaker,
        seed,
        defer_surplus=defer_surplus,
        exclude_several=exclude_several,
        recoupment=recoupment,
        recoupment_quota=recoupment_quota,
    )
    count.run()
    details: dict[str, Any] = {"seed": 0 if seed is None else int(seed)}
    if recoupment:
        details["recoupment"] = recoupment_report(count)
    return count.outcome(details)
