"""Apportionment: seats among states (or parties) by population, with a guaranteed minimum.

The rules here (``huntington_hill``, ``webster``, ``jefferson``, ``adams``, ``hamilton``)
give every claimant ``min_seats`` (1 by default, as in the US Constitution) and share the
rest by a divisor method or by largest remainder. When the tallies have a single column
(a population per area) the *areas* are apportioned; otherwise the *candidates* (votes
added over all areas). Seats are allocated exactly (:mod:`tally.rules._allocation`);
``details["next_seat"]`` says who would get one more seat (the US House's seat 436).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..errors import ConfigError, RuleError
from ..outcome import Outcome, Round
from ..ties import TieBreaker
from . import rule
from ._allocation import (
    ADAMS,
    HUNTINGTON_HILL,
    JEFFERSON,
    WEBSTER,
    Allocation,
    Divisors,
    describe,
    divisor_allocation,
    exact,
    first_seat_order,
    lr_allocation,
)
from ._common import check_seats

__all__ = ["adams", "hamilton", "huntington_hill", "jefferson", "webster"]


def _claimants(tallies: Tallies) -> tuple[tuple[str, ...], np.ndarray, str]:
    """(names, populations, what) — areas for one-column tallies, else candidates."""
    if tallies.n_candidates == 1 and len(tallies.areas) > 1:
        return tuple(tallies.areas), tallies.votes[:, 0], "areas"
    return tuple(tallies.candidates), tallies.totals(), "candidates"


def _apportion(
    tallies: Tallies,
    *,
    seats: int | None,
    min_seats: int,
    tiebreak: str,
    seed: int | None,
    method: Divisors | None,
    label: str,
) -> Outcome:
    names, population, what = _claimants(tallies)
    if len(set(names)) != len(names):
        raise ConfigError(f"the {what} to apportion among must have distinct names")
    if seats is None:
        raise ConfigError("give seats= (the number of seats to apportion)")
    seats = check_seats(seats)
    if isinstance(min_seats, bool) or not isinstance(min_seats, (int, np.integer)) or min_seats < 0:
        raise ConfigError(f"min_seats must be a whole number of at least 0, not {min_seats!r}")
    n = len(names)
    if min_seats * n > seats:
        raise RuleError(f"{n} {what} × min_seats {min_seats} is more than the {seats} seats")
    breaker = TieBreaker(tiebreak, names, seed=seed)
    votes = exact(population)
    total = sum(votes, Fraction(0))
    if total <= 0:
        raise RuleError("the populations add up to 0")
    everyone = list(range(n))
    details: dict[str, Any] = {
        "method": label,
        "seats_to_fill": seats,
        "min_seats": min_seats,
        "apportioned": what,
    }
    if method is not None:
        run = divisor_allocation(votes, everyone, seats, method, breaker, start=[min_seats] * n)
        details["divisors"] = method.describe
    else:
        run = _hamilton(votes, seats, min_seats, breaker)
    describe(run, details, names)
    final = run.seats
    details["seats"] = {c: int(s) for c, s in zip(names, final)}
    standard = total / seats
    details["standard_divisor"] = float(standard)
    details["quotas"] = {c: float(v / standard) for c, v in zip(names, votes)}
    order = first_seat_order(run)
    warnings: list[str] = []
    tied = run.tied is not None
    if tied:
        tied_names = [names[i] for i in run.tied[0]]  # type: ignore[index]
        warnings.append("a tie for the last seat(s) was left standing: " + ", ".join(tied_names))
        order += [i for i in run.tied[0] if i not in order]  # type: ignore[index]
    order += [i for i in range(n) if final[i] > 0 and i not in order]
    winners = tuple(names[i] for i in order)
    return Outcome(
        rule="",
        candidates=names,
        winners=winners,
        rounds=_apportion_rounds(names, votes, final, winners, total, min_seats, label),
        ties=tuple(breaker.ties),
        ballots={"read": float(total), "continuing": float(total), "inactive": {}},
        scores={c: float(s) for c, s in zip(names, final)},
        details=details,
        warnings=tuple(warnings),
        tied=tied,
    )


def _apportion_rounds(
    names: Sequence[str],
    votes: Sequence[Fraction],
    final: Sequence[int],
    winners: tuple[str, ...],
    total: Fraction,
    min_seats: int,
    label: str,
) -> tuple[Round, Round]:
    """The populations, then the seats."""
    return (
        Round(
            number=1,
            tally={c: float(v) for c, v in zip(names, votes)},
            continuing=float(total),
            note=f"populations; every claimant starts with {min_seats} seat(s)",
        ),
        Round(
            number=2,
            tally={c: float(s) for c, s in zip(names, final)},
            elected=winners,
            continuing=float(total),
            note=f"seats by {label}",
        ),
    )


def _hamilton(votes: Sequence[Fraction], seats: int, min_seats: int, breaker: TieBreaker) -> Allocation:
    """Hamilton with a floor: claimants whose share falls below ``min_seats`` get the floor
    and leave the count; the rest share the remaining seats by largest remainder (repeated
    until nobody falls below the floor)."""
    n = len(votes)
    floored: set[int] = set()
    while True:
        rest = [i for i in range(n) if i not in floored]
        left = seats - min_seats * len(floored)
        run = lr_allocation(votes, rest, left, "hare", breaker) if rest else Allocation(seats=[0] * n)
        below = {i for i in rest if run.seats[i] < min_seats}
        if not below:
            break
        floored |= below
    for i in floored:
        run.seats[i] = min_seats
        run.before[i] = min_seats
    if floored:
        run.extra["raised_to_minimum"] = sorted(breaker.candidates[i] for i in floored)
    return run


_APPORTION_DOC = """
    Parameters
    ----------
    tallies
        Populations: one column with one area per state (the areas are apportioned), or
        one area with a column per state (the columns are apportioned).
    seats
        Seats to apportion (435 for the US House).
    min_seats
        Seats every state gets whatever its population (1, as the US Constitution
        requires; 0 for none). Huntington–Hill and Adams have a zero first divisor: with
        ``min_seats=0`` every first seat is infinitely urgent, so when there are fewer
        seats than states those seats are a tie (``previous_round`` gives them to the most
        populous states).
    tiebreak, seed
        How a tie for the last seat is settled (see :mod:`tally.ties`).

    Returns
    -------
    Outcome
        ``details["seats"]`` per state; for divisor methods ``details["sequence"]`` (the
        priority list: seat number, state, priority value) and ``details["next_seat"]``.
"""


def _with_apportion_doc(func: Callable[..., Outcome]) -> Callable[..., Outcome]:
    # The shared sections go before the rule's own References, in numpydoc order.
    own, heading, references = (func.__doc__ or "").partition("\n    References\n")
    func.__doc__ = own.rstrip() + "\n" + _APPORTION_DOC + heading + references
    return func


@rule(
    "huntington_hill",
    aliases=("equal_proportions", "hill"),
    kinds=("tallies",),
    family="apportionment",
    multiwinner=True,
    reference="2 U.S.C. § 2a (Apportionment Act of 1941); Balinski, M. L. & Young, H. P. (2001). "
    "Fair Representation, 2nd ed. Brookings Institution Press.",
)
@_with_apportion_doc
def huntington_hill(
    tallies: Tallies,
    *,
    seats: int | None = None,
    min_seats: int = 1,
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Huntington–Hill (equal proportions): the next seat goes to the largest population / √(s(s+1)).

    The method of the US House since 1941. Priority values are compared exactly (squared).

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("A", "B", "C"), ("population",), np.array([[7000.], [2000.], [1000.]]))
    >>> tally.count(t, "huntington_hill", seats=10).details["seats"]
    {'A': 7, 'B': 2, 'C': 1}

    References
    ----------
    2 U.S.C. § 2a (Apportionment Act of 1941); Balinski, M. L. & Young, H. P. (2001).
    Fair Representation, 2nd ed. Brookings Institution Press.
    """
    return _apportion(
        tallies,
        seats=seats,
        min_seats=min_seats,
        tiebreak=tiebreak,
        seed=seed,
        method=HUNTINGTON_HILL,
        label="Huntington–Hill",
    )


@rule(
    "webster",
    aliases=("webster_apportionment",),
    kinds=("tallies",),
    family="apportionment",
    multiwinner=True,
    reference="Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings Institution Press.",
)
@_with_apportion_doc
def webster(
    tallies: Tallies,
    *,
    seats: int | None = None,
    min_seats: int = 1,
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Webster (major fractions): divisors s + 1/2, i.e. quotas rounded half up at a common divisor.

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("A", "B", "C"), ("population",), np.array([[7000.], [2000.], [1000.]]))
    >>> tally.count(t, "webster", seats=10).details["seats"]
    {'A': 7, 'B': 2, 'C': 1}

    References
    ----------
    Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings
    Institution Press.
    """
    return _apportion(
        tallies,
        seats=seats,
        min_seats=min_seats,
        tiebreak=tiebreak,
        seed=seed,
        method=WEBSTER,
        label="Webster",
    )


@rule(
    "jefferson",
    aliases=("jefferson_apportionment",),
    kinds=("tallies",),
    family="apportionment",
    multiwinner=True,
    reference="Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings Institution Press.",
)
@_with_apportion_doc
def jefferson(
    tallies: Tallies,
    *,
    seats: int | None = None,
    min_seats: int = 1,
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Jefferson (greatest divisors): divisors s + 1, quotas rounded down; favours large states.

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("A", "B", "C"), ("population",), np.array([[7000.], [2000.], [1000.]]))
    >>> tally.count(t, "jefferson", seats=10).details["seats"]
    {'A': 7, 'B': 2, 'C': 1}

    References
    ----------
    Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings
    Institution Press.
    """
    return _apportion(
        tallies,
        seats=seats,
        min_seats=min_seats,
        tiebreak=tiebreak,
        seed=seed,
        method=JEFFERSON,
        label="Jefferson",
    )


@rule(
    "adams",
    aliases=("adams_apportionment", "smallest_divisors"),
    kinds=("tallies",),
    family="apportionment",
    multiwinner=True,
    reference="Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings Institution Press.",
)
@_with_apportion_doc
def adams(
    tallies: Tallies,
    *,
    seats: int | None = None,
    min_seats: int = 1,
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Adams (smallest divisors): divisors s, quotas rounded up; favours small states.

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("A", "B", "C"), ("population",), np.array([[7000.], [2000.], [1000.]]))
    >>> tally.count(t, "adams", seats=10).details["seats"]
    {'A': 7, 'B': 2, 'C': 1}

    References
    ----------
    Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings
    Institution Press.
    """
    return _apportion(
        tallies, seats=seats, min_seats=min_seats, tiebreak=tiebreak, seed=seed, method=ADAMS, label="Adams"
    )


@rule(
    "hamilton",
    aliases=("hamilton_apportionment", "vinton"),
    kinds=("tallies",),
    family="apportionment",
    multiwinner=True,
    reference="Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings Institution Press.",
)
@_with_apportion_doc
def hamilton(
    tallies: Tallies,
    *,
    seats: int | None = None,
    min_seats: int = 1,
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Hamilton (largest remainders with the Hare quota), with a floor of ``min_seats``.

    States whose share would fall below the floor get it and leave the count; the rest
    share the remaining seats by largest remainder, repeated until nobody is below.

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("A", "B", "C"), ("population",), np.array([[7000.], [2000.], [1000.]]))
    >>> tally.count(t, "hamilton", seats=10).details["seats"]
    {'A': 7, 'B': 2, 'C': 1}

    References
    ----------
    Balinski, M. L. & Young, H. P. (2001). Fair Representation, 2nd ed. Brookings
    Institution Press.
    """
    return _apportion(
        tallies, seats=seats, min_seats=min_seats, tiebreak=tiebreak, seed=seed, method=None, label="Hamilton"
    )
