"""Party-list proportional representation: seats among parties by their list votes.

The rules here (``dhondt``, ``sainte_lague``, ``modified_sainte_lague``, ``imperiali``,
``hare_lr``, ``droop_lr``) count :class:`~tally.ballots.Tallies` whose candidates are
parties. One area is a national count; several areas with a ``seats`` attribute are
separate districts, each filling its own seats (multi-district lists); several areas
without it are added up into one national count. Legal thresholds, the seats-or-votes
alternative and the compensatory (mixed-member, :mod:`tally.rules.mixed_member`) top-up
are options. Seats are allocated exactly (:mod:`tally.rules._allocation`).

Every outcome has ``details["seats"]`` (seats per party, every party listed), the
winners (parties with at least one seat, in order of their first seat), and for divisor
methods ``details["sequence"]``, the order in which seats were assigned with the
quotient (priority value) of each, plus ``details["next_seat"]``: who would get one more
seat.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..ballots import Tallies
from ..errors import ConfigError, RuleError
from ..outcome import Outcome, Round
from ..ties import TieBreaker
from . import rule
from ._allocation import (
    DHONDT,
    IMPERIALI,
    MODIFIED_SAINTE_LAGUE,
    SAINTE_LAGUE,
    Allocate,
    Allocation,
    Divisors,
    describe,
    divisor_allocation,
    exact,
    first_seat_order,
    lr_allocation,
    parse_threshold,
    percent,
    scratch,
)
from ._common import check_seats
from .list_districts import DistrictRun, by_districts, district_bars, district_run, seats_to_fill
from .mixed_member import parse_constituency_seats, top_up

__all__ = ["dhondt", "droop_lr", "hare_lr", "imperiali", "modified_sainte_lague", "sainte_lague"]


def _qualify(
    national: Sequence[Fraction],
    bar: Fraction | None,
    alternative: int | None,
    district_won: Callable[[], Sequence[int] | None],
    parties: Sequence[str],
    warnings: list[str],
) -> tuple[list[bool], list[str]]:
    """Which parties pass the national threshold of ``bar`` votes, and which of those below
    it still qualify by winning ``alternative`` district seats (``district_won``)."""
    n = len(parties)
    passes = [True] * n if bar is None else [v >= bar for v in national]
    rescued: list[str] = []
    if alternative is None or bar is None:
        return passes, rescued
    won = district_won()
    if won is None:
        warnings.append(
            "threshold_alternative needs district seats (several districts with a seats "
            "attribute, or constituency_seats); it was not applied"
        )
        return passes, rescued
    for i in range(n):
        if not passes[i] and won[i] >= alternative:
            passes[i] = True
            rescued.append(parties[i])
    return passes, rescued


def _votes_round(
    parties: Sequence[str],
    national: Sequence[Fraction],
    total: Fraction,
    national_bar: Fraction | None,
    threshold_alternative: int | None,
    excluded: Sequence[str],
) -> Round:
    """Round 1: the national votes, and who the threshold excludes."""
    note = "national votes"
    if national_bar is not None:
        note += f"; parties below {percent(national_bar)} of the votes are excluded"
        if threshold_alternative is not None:
            note += f" unless they win at least {threshold_alternative} district seat(s)"
    return Round(
        number=1,
        tally={p: float(v) for p, v in zip(parties, national)},
        eliminated=tuple(excluded),
        continuing=float(total),
        threshold=None if national_bar is None else float(national_bar * total),
        note=note,
    )


def _list_pr(
    tallies: Tallies,
    *,
    allocate: Allocate,
    method: str,
    seats: int | None,
    threshold: Any,
    district_threshold: Any,
    threshold_alternative: int | None,
    constituency_seats: Any,
    overhang: str,
    tiebreak: str,
    seed: int | None,
) -> Outcome:
    """A list count: options checked, thresholds applied, then seats nationally, district by
    district, or as a mixed-member top-up."""
    parties = tallies.candidates
    n = len(parties)
    breaker = TieBreaker(tiebreak, parties, seed=seed)
    national = exact(tallies.totals())
    total = sum(national, Fraction(0))
    if total <= 0:
        raise RuleError("the tallies hold no votes")
    national_bar = parse_threshold(threshold)
    district_bar = parse_threshold(district_threshold, "district_threshold")
    if threshold_alternative is not None:
        threshold_alternative = check_seats(threshold_alternative, option="threshold_alternative")
    if overhang not in ("keep", "level", "fixed"):
        raise ConfigError(f"overhang must be 'keep', 'level' or 'fixed', not {overhang!r}")
    won = parse_constituency_seats(constituency_seats, tallies)
    per_district, seats = seats_to_fill(tallies, seats, won)
    district_ok = district_bars(tallies, district_bar)

    def run_districts(qualified: Sequence[bool], breaker: TieBreaker) -> DistrictRun:
        # called only for a multi-district count, where per_district is set
        return district_run(tallies, allocate, per_district or [], district_ok, qualified, breaker)

    warnings: list[str] = []
    passes, rescued = _qualify(
        national,
        national_bar * total if national_bar is not None else None,
        threshold_alternative,
        # multi-district: a trial count without the national bar, with its own tie record
        lambda: run_districts([True] * n, scratch(breaker))[0] if per_district is not None else won,
        parties,
        warnings,
    )
    excluded = [parties[i] for i in range(n) if not passes[i] and national[i] > 0]
    if excluded:
        warnings.append(f"below the {percent(national_bar)} threshold, no seats: {', '.join(excluded)}")

    rounds = [_votes_round(parties, national, total, national_bar, threshold_alternative, excluded)]
    details: dict[str, Any] = {
        "method": method,
        "seats_to_fill": seats,
        "threshold": percent(national_bar),
        "threshold_votes": None if national_bar is None else float(national_bar * total),
        "district_threshold": percent(district_bar),
        "excluded": excluded,
        "below_threshold_votes": float(sum((national[i] for i in range(n) if not passes[i]), Fraction(0))),
    }
    if rescued:
        details["qualified_by_district_seats"] = rescued

    note = f"seats by {method}"
    if per_district is not None:
        final, order, tied = by_districts(
            tallies, run_districts, per_district, passes, breaker, total, rounds, details
        )
        note += " (seats summed over districts)"
    elif won is None:
        run = allocate(national, [i for i in range(n) if passes[i]], seats, breaker)
        final, order, tied = run.seats, first_seat_order(run), run.tied is not None
        describe(run, details, parties)
    else:
        final, order, tied = top_up(
            national, passes, won, seats, overhang, allocate, breaker, details, warnings
        )
    return _seats_outcome(parties, final, order, tied, total, rounds, note, breaker, details, warnings)


def _seats_outcome(
    parties: tuple[str, ...],
    final: Sequence[int],
    order: list[int],
    tied: bool,
    total: Fraction,
    rounds: list[Round],
    note: str,
    breaker: TieBreaker,
    details: dict[str, Any],
    warnings: list[str],
) -> Outcome:
    """The outcome of a list count: winners in order of their first seat, then the tied."""
    if tied:
        tied_parties = [p for t in _as_list(details.get("tied_seats")) for p in t["parties"]]
        warnings.append("a tie for the last seat(s) was left standing: " + ", ".join(tied_parties))
        order += [parties.index(p) for p in tied_parties if parties.index(p) not in order]
    order += [i for i in range(len(parties)) if final[i] > 0 and i not in order]
    winners = tuple(parties[i] for i in order)
    seats_by_party = {p: int(s) for p, s in zip(parties, final)}
    details["seats"] = seats_by_party
    rounds.append(
        Round(
            number=len(rounds) + 1,
            tally={p: float(s) for p, s in seats_by_party.items()},
            elected=winners,
            continuing=float(total),
            note=note,
        )
    )
    return Outcome(
        rule="",
        candidates=parties,
        winners=winners,
        rounds=tuple(rounds),
        ties=tuple(breaker.ties),
        ballots={"read": float(total), "continuing": float(total), "inactive": {}},
        scores={p: float(s) for p, s in seats_by_party.items()},
        details=details,
        warnings=tuple(warnings),
        tied=tied,
    )


def _as_list(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# -- the registered list rules ---------------------------------------------------------

_LIST_OPTIONS_DOC = """
    Parameters
    ----------
    tallies
        Party votes: one area (national), or several areas with a ``seats`` attribute
        (districts, each filling its own seats), or several areas without one (added up).
    seats
        Seats to fill. Optional when the tallies carry a ``seats`` attribute (then it must
        equal their sum).
    threshold
        National legal threshold: ``"4%"`` or ``0.04`` (a bare number of 1 or more is
        refused as ambiguous). A party needs at least this share of all votes in the
        tallies (over every area and party) to take part.
    district_threshold
        The same within each district: a list below it in a district takes no seat there.
    threshold_alternative
        A party below ``threshold`` still qualifies when it wins at least this many
        district seats: seats won in the districts counted without the national threshold
        (multi-district tallies), or constituency seats (with ``constituency_seats``).
    constituency_seats
        Mixed-member compensation: ``{party: seats won in single-member constituencies}``
        (:func:`constituency_winners` derives it from constituency tallies). ``seats`` is
        then the size of the whole house; list seats top each qualified party up to its
        proportional share of it. Constituency seats of parties that do not qualify are
        kept and taken off the house before the proportional count.
    overhang
        When a party's constituency seats exceed its share: ``"keep"`` (New Zealand: the
        party keeps them and the house grows by that many overhang seats; the others
        keep their full share), ``"level"`` (Germany 2013–2020: the house grows until every
        party's share covers its constituency seats), or ``"fixed"`` (the house keeps its
        size; overhanging parties keep their constituency seats and the other parties
        share the rest proportionally).
    tiebreak, seed
        How a tie for the last seat(s) is settled (see :mod:`tally.ties`):
        ``"all"`` leaves the tied seats unallocated and reports them; ``"previous_round"``
        gives them to the party with more votes.

    Returns
    -------
    Outcome
        Winners are the parties with seats in order of their first seat;
        ``details["seats"]`` the seats per party; ``details["excluded"]`` parties cut by
        the threshold; ``details["sequence"]`` the assignment order.

    Raises
    ------
    ConfigError
        For a missing or invalid seats, threshold or top-up option.
    RuleError
        When no party can take a seat.
"""


def _with_doc(func: Callable[..., Outcome]) -> Callable[..., Outcome]:
    # The shared sections go before the rule's own References, in numpydoc order.
    own, heading, references = (func.__doc__ or "").partition("\n    References\n")
    func.__doc__ = own.rstrip() + "\n" + _LIST_OPTIONS_DOC + heading + references
    return func


def _divisor_rule(
    method: Divisors,
) -> Allocate:
    def allocate(
        votes: Sequence[Fraction], eligible: Sequence[int], seats: int, breaker: TieBreaker
    ) -> Allocation:
        return divisor_allocation(votes, eligible, seats, method, breaker)

    return allocate


def _lr_rule(quota: str) -> Allocate:
    def allocate(
        votes: Sequence[Fraction], eligible: Sequence[int], seats: int, breaker: TieBreaker
    ) -> Allocation:
        return lr_allocation(votes, eligible, seats, quota, breaker)

    return allocate


@rule(
    "dhondt",
    aliases=("d_hondt", "dhondt_list"),
    kinds=("tallies",),
    family="party_list",
    multiwinner=True,
    reference="Gallagher, M. & Mitchell, P. (eds.) (2005). The Politics of Electoral Systems, appendix B. "
    "Oxford University Press. Austria: Nationalrats-Wahlordnung 1992, § 107 (federal tier, D'Hondt).",
)
@_with_doc
def dhondt(
    tallies: Tallies,
    *,
    seats: int | None = None,
    threshold: Any = None,
    district_threshold: Any = None,
    threshold_alternative: int | None = None,
    constituency_seats: Mapping[str, int] | None = None,
    overhang: str = "keep",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """D'Hondt highest averages: each seat goes to the party with the largest votes / (seats + 1).

    The same arithmetic as Jefferson's apportionment; it favours larger parties slightly.

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("all",), ("A", "B", "C"), np.array([[100000., 80000., 30000.]]))
    >>> tally.count(t, "dhondt", seats=8).details["seats"]
    {'A': 4, 'B': 3, 'C': 1}

    References
    ----------
    Gallagher, M. & Mitchell, P. (eds.) (2005). The Politics of Electoral Systems,
    appendix B. Oxford University Press. Austria: Nationalrats-Wahlordnung 1992, § 107
    (federal tier, D'Hondt).
    """
    return _list_pr(
        tallies,
        allocate=_divisor_rule(DHONDT),
        method="D'Hondt",
        seats=seats,
        threshold=threshold,
        district_threshold=district_threshold,
        threshold_alternative=threshold_alternative,
        constituency_seats=constituency_seats,
        overhang=overhang,
        tiebreak=tiebreak,
        seed=seed,
    )


@rule(
    "sainte_lague",
    aliases=("sainte_lague_list", "webster_list"),
    kinds=("tallies",),
    family="party_list",
    multiwinner=True,
    reference="Sainte-Laguë, A. (1910). La représentation proportionnelle et la méthode des moindres carrés. "
    "Annales scientifiques de l'École Normale Supérieure 27, 529–542.",
)
@_with_doc
def sainte_lague(
    tallies: Tallies,
    *,
    seats: int | None = None,
    threshold: Any = None,
    district_threshold: Any = None,
    threshold_alternative: int | None = None,
    constituency_seats: Mapping[str, int] | None = None,
    overhang: str = "keep",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Sainte-Laguë highest averages: divisors 1, 3, 5, ... (Webster's method for parties).

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("all",), ("A", "B", "C"), np.array([[100000., 80000., 30000.]]))
    >>> tally.count(t, "sainte_lague", seats=8).details["seats"]
    {'A': 4, 'B': 3, 'C': 1}

    References
    ----------
    Sainte-Laguë, A. (1910). La représentation proportionnelle et la méthode des
    moindres carrés. Annales scientifiques de l'École Normale Supérieure 27, 529–542.
    """
    return _list_pr(
        tallies,
        allocate=_divisor_rule(SAINTE_LAGUE),
        method="Sainte-Laguë",
        seats=seats,
        threshold=threshold,
        district_threshold=district_threshold,
        threshold_alternative=threshold_alternative,
        constituency_seats=constituency_seats,
        overhang=overhang,
        tiebreak=tiebreak,
        seed=seed,
    )


@rule(
    "modified_sainte_lague",
    aliases=("modified_webster", "nordic_sainte_lague"),
    kinds=("tallies",),
    family="party_list",
    multiwinner=True,
    reference="Gallagher, M. (1992). Comparing proportional representation electoral systems: quotas, "
    "thresholds, paradoxes and majorities. British Journal of Political Science 22(4), 469–496.",
)
@_with_doc
def modified_sainte_lague(
    tallies: Tallies,
    *,
    seats: int | None = None,
    threshold: Any = None,
    district_threshold: Any = None,
    threshold_alternative: int | None = None,
    constituency_seats: Mapping[str, int] | None = None,
    overhang: str = "keep",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Modified Sainte-Laguë (Norway, Sweden): divisors 1.4, 3, 5, ...; the first seat costs more.

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("all",), ("A", "B", "C"), np.array([[100000., 80000., 10000.]]))
    >>> tally.count(t, "modified_sainte_lague", seats=5).details["seats"]
    {'A': 3, 'B': 2, 'C': 0}

    References
    ----------
    Gallagher, M. (1992). Comparing proportional representation electoral systems:
    quotas, thresholds, paradoxes and majorities. British Journal of Political Science
    22(4), 469–496.
    """
    return _list_pr(
        tallies,
        allocate=_divisor_rule(MODIFIED_SAINTE_LAGUE),
        method="modified Sainte-Laguë",
        seats=seats,
        threshold=threshold,
        district_threshold=district_threshold,
        threshold_alternative=threshold_alternative,
        constituency_seats=constituency_seats,
        overhang=overhang,
        tiebreak=tiebreak,
        seed=seed,
    )


@rule(
    "imperiali",
    aliases=("imperiali_divisors",),
    kinds=("tallies",),
    family="party_list",
    multiwinner=True,
    reference="Belgian local elections (Code de la démocratie locale, art. L4145-20: divisors 1, 1.5, 2, 2.5, ...); "
    "Gallagher & Mitchell (2005), The Politics of Electoral Systems, appendix B.",
)
@_with_doc
def imperiali(
    tallies: Tallies,
    *,
    seats: int | None = None,
    threshold: Any = None,
    district_threshold: Any = None,
    threshold_alternative: int | None = None,
    constituency_seats: Mapping[str, int] | None = None,
    overhang: str = "keep",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Imperiali highest averages: divisors 2, 3, 4, ... (Belgian 1, 1.5, 2, ... orders the same).

    Favours large parties more than D'Hondt. (The *Imperiali quota* of Italian largest
    remainder counts is a different rule.)

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("all",), ("A", "B", "C"), np.array([[100000., 80000., 30000.]]))
    >>> tally.count(t, "imperiali", seats=8).details["seats"]
    {'A': 5, 'B': 3, 'C': 0}

    References
    ----------
    Belgian local elections (divisors 1, 1.5, 2, 2.5, ...; the Walloon Code de la
    démocratie locale et de la décentralisation).

    Gallagher, M. & Mitchell, P. (eds.) (2005). The Politics of Electoral Systems,
    appendix B. Oxford University Press.
    """
    return _list_pr(
        tallies,
        allocate=_divisor_rule(IMPERIALI),
        method="Imperiali",
        seats=seats,
        threshold=threshold,
        district_threshold=district_threshold,
        threshold_alternative=threshold_alternative,
        constituency_seats=constituency_seats,
        overhang=overhang,
        tiebreak=tiebreak,
        seed=seed,
    )


@rule(
    "hare_lr",
    aliases=("hare_largest_remainder", "hare_niemeyer", "largest_remainder"),
    kinds=("tallies",),
    family="party_list",
    multiwinner=True,
    reference="Gallagher, M. (1992). Comparing proportional representation electoral systems: quotas, "
    "thresholds, paradoxes and majorities. British Journal of Political Science 22(4), 469–496.",
)
@_with_doc
def hare_lr(
    tallies: Tallies,
    *,
    seats: int | None = None,
    threshold: Any = None,
    district_threshold: Any = None,
    threshold_alternative: int | None = None,
    constituency_seats: Mapping[str, int] | None = None,
    overhang: str = "keep",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Largest remainder with the Hare quota (votes / seats): whole quotas, then largest remainders.

    The quota is the exact fraction of the eligible parties' votes; remainders are compared
    exactly. ``details["quota"]``, ``["automatic_seats"]`` and ``["remainders"]`` show the count.

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("all",), ("A", "B", "C"), np.array([[100000., 80000., 30000.]]))
    >>> tally.count(t, "hare_lr", seats=8).details["seats"]
    {'A': 4, 'B': 3, 'C': 1}

    References
    ----------
    Gallagher, M. (1992). Comparing proportional representation electoral systems:
    quotas, thresholds, paradoxes and majorities. British Journal of Political Science
    22(4), 469–496.
    """
    return _list_pr(
        tallies,
        allocate=_lr_rule("hare"),
        method="Hare largest remainder",
        seats=seats,
        threshold=threshold,
        district_threshold=district_threshold,
        threshold_alternative=threshold_alternative,
        constituency_seats=constituency_seats,
        overhang=overhang,
        tiebreak=tiebreak,
        seed=seed,
    )


@rule(
    "droop_lr",
    aliases=("droop_largest_remainder",),
    kinds=("tallies",),
    family="party_list",
    multiwinner=True,
    reference="Gallagher, M. (1992). Comparing proportional representation electoral systems: quotas, "
    "thresholds, paradoxes and majorities. British Journal of Political Science 22(4), 469–496.",
)
@_with_doc
def droop_lr(
    tallies: Tallies,
    *,
    seats: int | None = None,
    threshold: Any = None,
    district_threshold: Any = None,
    threshold_alternative: int | None = None,
    constituency_seats: Mapping[str, int] | None = None,
    overhang: str = "keep",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Largest remainder with the Droop quota ⌊votes / (seats + 1)⌋ + 1.

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("all",), ("A", "B", "C"), np.array([[100000., 80000., 30000.]]))
    >>> tally.count(t, "droop_lr", seats=8).details["seats"]
    {'A': 4, 'B': 3, 'C': 1}

    References
    ----------
    Gallagher, M. (1992). Comparing proportional representation electoral systems:
    quotas, thresholds, paradoxes and majorities. British Journal of Political Science
    22(4), 469–496.
    """
    return _list_pr(
        tallies,
        allocate=_lr_rule("droop"),
        method="Droop largest remainder",
        seats=seats,
        threshold=threshold,
        district_threshold=district_threshold,
        threshold_alternative=threshold_alternative,
        constituency_seats=constituency_seats,
        overhang=overhang,
        tiebreak=tiebreak,
        seed=seed,
    )
