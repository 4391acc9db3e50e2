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
from ..outcome import Outcome
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
    divisor_allocation,
    lr_allocation,
)
from ._list_count import list_pr

__all__ = ["dhondt", "droop_lr", "hare_lr", "imperiali", "modified_sainte_lague", "sainte_lague"]


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
    return list_pr(
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
    return list_pr(
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
    return list_pr(
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
    return list_pr(
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
    return list_pr(
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
    return list_pr(
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
