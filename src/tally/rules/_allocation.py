"""Seat allocation shared by list PR and apportionment: divisor and largest-remainder methods.

Both turn vote (or population) totals into whole seats. Arithmetic is exact: votes
become :class:`fractions.Fraction` and quotients are compared as fractions
(Huntington–Hill compares squared quotients, ``v² / s(s+1)``, which orders the same as
``v / √(s(s+1))``), so a tie is a real tie and never floating-point noise. Ties for the
last seats are settled by the breaker and recorded; under mode ``all`` the tied seats
are left unallocated (:attr:`Allocation.tied`).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..errors import ConfigError, RuleError
from ..outcome import Tie
from ..ties import TieBreaker

__all__ = [
    "ADAMS",
    "DHONDT",
    "HUNTINGTON_HILL",
    "IMPERIALI",
    "JEFFERSON",
    "MODIFIED_SAINTE_LAGUE",
    "SAINTE_LAGUE",
    "WEBSTER",
    "Allocate",
    "Allocation",
    "Divisors",
    "describe",
    "district_seats",
    "divisor_allocation",
    "exact",
    "first_seat_order",
    "lr_allocation",
    "parse_threshold",
    "percent",
    "scratch",
]

# -- divisor methods -------------------------------------------------------------------
# A divisor method gives the next seat to the party with the largest quotient
# votes / d(s), s being the seats it already holds. ``key`` returns a Fraction that orders
# exactly like that quotient (None = infinite, for a zero divisor); ``shown`` the quotient
# as a float for reports.

Key = Callable[[Fraction, int], Fraction | None]


@dataclass(frozen=True)
class Divisors:
    """One divisor sequence: exact ordering key, displayed quotient and its description."""

    name: str
    key: Key
    shown: Callable[[float, int], float]
    describe: str


def _linear(
    a: Fraction, b: Fraction, first: Fraction | None = None
) -> tuple[Key, Callable[[float, int], float]]:
    """Divisors a·s + b (optionally a different first divisor)."""

    def divisor(s: int) -> Fraction:
        return first if (first is not None and s == 0) else a * s + b

    def key(v: Fraction, s: int) -> Fraction | None:
        d = divisor(s)
        return None if d == 0 else v / d

    def shown(v: float, s: int) -> float:
        d = divisor(s)
        return math.inf if d == 0 else v / float(d)

    return key, shown


def _hh_key(v: Fraction, s: int) -> Fraction | None:
    return None if s == 0 else v * v / (s * (s + 1))


def _hh_shown(v: float, s: int) -> float:
    return math.inf if s == 0 else v / math.sqrt(s * (s + 1))


DHONDT = Divisors("D'Hondt", *_linear(Fraction(1), Fraction(1)), "divisors 1, 2, 3, ...")
SAINTE_LAGUE = Divisors("Sainte-Laguë", *_linear(Fraction(2), Fraction(1)), "divisors 1, 3, 5, ...")
MODIFIED_SAINTE_LAGUE = Divisors(
    "modified Sainte-Laguë", *_linear(Fraction(2), Fraction(1), Fraction(7, 5)), "divisors 1.4, 3, 5, 7, ..."
)
IMPERIALI = Divisors("Imperiali", *_linear(Fraction(1), Fraction(2)), "divisors 2, 3, 4, ...")
JEFFERSON = Divisors("Jefferson", *_linear(Fraction(1), Fraction(1)), "divisors s + 1")
WEBSTER = Divisors("Webster", *_linear(Fraction(1), Fraction(1, 2)), "divisors s + 1/2")
ADAMS = Divisors("Adams", *_linear(Fraction(1), Fraction(0)), "divisors s")
HUNTINGTON_HILL = Divisors("Huntington–Hill", _hh_key, _hh_shown, "divisors √(s(s+1))")


def _greater(a: Fraction | None, b: Fraction | None) -> bool:
    """a > b where None stands for +infinity."""
    if a is None:
        return b is not None
    return b is not None and a > b


@dataclass
class Allocation:
    """Seats per claimant and how they were reached."""

    seats: list[int]
    before: list[int] = field(default_factory=list)
    firsts: list[int] = field(default_factory=list)
    sequence: list[dict[str, Any]] = field(default_factory=list)
    tied: tuple[list[int], int] | None = None  # (tied claimants, seats left) under mode "all"
    next_seat: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


# How a rule turns votes into seats: (votes, eligible claimants, seats, breaker) -> allocation.
Allocate = Callable[[Sequence[Fraction], Sequence[int], int, TieBreaker], Allocation]


def _top(values: Sequence[Fraction | None], pool: Sequence[int]) -> list[int]:
    """The claimants in ``pool`` with the largest value (None = infinite)."""
    best: list[int] = []
    for i in pool:
        if not best or _greater(values[i], values[best[0]]):
            best = [i]
        elif values[i] == values[best[0]]:
            best.append(i)
    return best


def _settle(
    tied: list[int], left: int, breaker: TieBreaker, votes: Sequence[Fraction], what: str
) -> tuple[list[int], bool]:
    """Who among ``tied`` gets the ``left`` seats (fewer than tied); (chosen, tie left standing)."""
    if breaker.mode == "all":
        names = tuple(breaker.candidates[i] for i in tied)
        breaker.record(
            Tie(
                round=None,
                purpose="seat",
                tied=names,
                mode="all",
                chosen=names,
                detail=f"{left} seat(s) tied between them ({what}); left unallocated",
            )
        )
        return [], True
    chosen: list[int] = []
    pool = list(tied)
    history = [np.array([float(v) for v in votes])]
    for _ in range(left):
        pick = breaker.pick(pool, purpose="seat", history=history, lowest=False)
        chosen.append(pick)
        pool.remove(pick)
    return chosen, False


def _priority(key: Fraction | None, i: int) -> tuple[int, Fraction, int]:
    """Heap entry: smallest first = largest quotient; infinite quotients before all others."""
    return (0, Fraction(0), i) if key is None else (1, -key, i)


def _pop_top(heap: list[tuple[int, Fraction, int]]) -> list[int]:
    """Pop every claimant sharing the largest quotient (in claimant order)."""
    flag, value, i = heapq.heappop(heap)
    top = [i]
    while heap and heap[0][0] == flag and heap[0][1] == value:
        top.append(heapq.heappop(heap)[2])
    return sorted(top)


def divisor_allocation(
    votes: Sequence[Fraction],
    eligible: Sequence[int],
    seats: int,
    method: Divisors,
    breaker: TieBreaker,
    start: Sequence[int] | None = None,
) -> Allocation:
    """Assign ``seats`` one at a time to the largest quotient (after ``start`` seats each)."""
    n = len(votes)
    held = list(start) if start is not None else [0] * n
    pool = [i for i in eligible if votes[i] > 0]
    alloc = Allocation(seats=held, before=list(held))
    given = sum(held)
    if given > seats:
        raise RuleError(f"{given} seats are guaranteed but only {seats} are to be filled")
    if not pool and seats > given:
        raise RuleError("no party is eligible for seats (every eligible party has 0 votes)")
    heap = [_priority(method.key(votes[i], held[i]), i) for i in pool]
    heapq.heapify(heap)
    while given < seats:
        top = _pop_top(heap)
        left = seats - given
        if len(top) > left:
            chosen, standing = _settle(top, left, breaker, votes, f"equal quotients under {method.name}")
            if standing:
                alloc.tied = (top, left)
                for i in top:
                    heapq.heappush(heap, _priority(method.key(votes[i], held[i]), i))
                break
            for i in top:
                if i not in chosen:
                    heapq.heappush(heap, _priority(method.key(votes[i], held[i]), i))
            top = chosen
        for i in top:
            quotient = method.shown(float(votes[i]), held[i])
            if held[i] == 0:
                alloc.firsts.append(i)
            held[i] += 1
            given += 1
            alloc.sequence.append(
                {"seat": given, "party": breaker.candidates[i], "quotient": quotient, "seats_after": held[i]}
            )
            heapq.heappush(heap, _priority(method.key(votes[i], held[i]), i))
    if heap and alloc.tied is None:
        alloc.next_seat = _pop_top(heap)
    return alloc


def lr_allocation(
    votes: Sequence[Fraction],
    eligible: Sequence[int],
    seats: int,
    quota_name: str,
    breaker: TieBreaker,
) -> Allocation:
    """Largest remainder: whole quotas first, then the largest remainders."""
    n = len(votes)
    pool = [i for i in eligible if votes[i] > 0]
    if seats == 0:
        return Allocation(seats=[0] * n, before=[0] * n)
    if not pool:
        raise RuleError("no party is eligible for seats (every eligible party has 0 votes)")
    total = sum((votes[i] for i in pool), Fraction(0))
    if quota_name == "hare":
        quota = total / seats
    else:  # Droop: the smallest whole number of votes that only `seats` parties can reach
        quota = Fraction(math.floor(total / (seats + 1)) + 1)
    held = [0] * n
    remainder: list[Fraction] = [Fraction(-1)] * n
    for i in pool:
        whole = math.floor(votes[i] / quota)
        held[i] = whole
        remainder[i] = votes[i] / quota - whole
    alloc = Allocation(seats=held, before=list(held))
    given = sum(held)
    alloc.extra = {
        "quota": float(quota),
        "automatic_seats": {breaker.candidates[i]: held[i] for i in pool},
        "remainders": {breaker.candidates[i]: float(remainder[i]) for i in pool},
    }
    while given < seats:
        # Each pass hands at most one remainder seat per party; a second pass is only
        # needed in the degenerate case of more seats left than parties.
        left_in_pass = min(seats - given, len(pool))
        passed: list[int] = []
        while left_in_pass > 0:
            top = _top(remainder, [i for i in pool if i not in passed])
            if len(top) > left_in_pass:
                chosen, standing = _settle(top, left_in_pass, breaker, votes, "equal remainders")
                if standing:
                    alloc.tied = (top, left_in_pass)
                    return alloc
                top = chosen
            for i in top:
                if held[i] == 0:
                    alloc.firsts.append(i)
                held[i] += 1
                given += 1
                passed.append(i)
                alloc.sequence.append(
                    {
                        "seat": given,
                        "party": breaker.candidates[i],
                        "remainder": float(remainder[i]),
                        "seats_after": held[i],
                    }
                )
            left_in_pass -= len(top)
    return alloc


# -- options ---------------------------------------------------------------------------


def parse_threshold(value: Any, option: str = "threshold") -> Fraction | None:
    """A legal threshold as an exact fraction of the votes.

    Accepts ``None``/``0`` (no threshold), a percentage string (``"4%"``, ``"4 %"``,
    ``"2.5%"``), or a fraction below 1 as a number or string (``0.04``, ``"0.04"``).
    A bare number of 1 or more is refused as ambiguous (write ``"4%"``).

    >>> parse_threshold("4%"), parse_threshold(0.05)
    (Fraction(1, 25), Fraction(1, 20))
    """
    if value is None or value == 0 or value == "":
        return None
    try:
        if isinstance(value, str):
            text = value.strip()
            if text.endswith("%"):
                share = Fraction(text[:-1].strip()) / 100
            else:
                share = Fraction(text)
                if share >= 1:
                    raise ConfigError(
                        f"{option} {value!r} is ambiguous: write a percentage such as '4%' or a fraction such as 0.04"
                    )
        else:
            share = Fraction(str(value)) if isinstance(value, float) else Fraction(value)
            if share >= 1:
                raise ConfigError(
                    f"{option} {value!r} is ambiguous: write a percentage such as '4%' or a fraction such as 0.04"
                )
    except (ValueError, ZeroDivisionError, TypeError):
        raise ConfigError(f"{option} {value!r} is not a percentage ('4%') or a fraction (0.04)") from None
    if share < 0 or share > 1:
        raise ConfigError(f"{option} {value!r} must lie between 0% and 100%")
    return share or None


def exact(values: np.ndarray) -> list[Fraction]:
    # Fraction(float) is exact: integral counts stay integers, others keep their binary value.
    return [Fraction(float(v)) for v in values]


def district_seats(value: Any, area: str) -> int:
    """A district's ``seats`` attribute as a whole number >= 1 (it often arrives as text)."""
    try:
        number = Fraction(value.strip()) if isinstance(value, str) else Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        number = None
    if isinstance(value, bool) or number is None or number.denominator != 1 or number < 1:
        raise ConfigError(
            f"area attribute 'seats' of district {area!r} must be a whole number of at least 1, not {value!r}"
        )
    return int(number)


def percent(share: Fraction | None) -> str | None:
    return None if share is None else f"{float(share * 100):g}%"


# -- reading an allocation ------------------------------------------------------------


def scratch(breaker: TieBreaker) -> TieBreaker:
    """A breaker with the same mode and seed for trial counts, so they leave no tie record."""
    return TieBreaker(breaker.mode, breaker.candidates, seed=breaker.seed)


def first_seat_order(run: Allocation) -> list[int]:
    """Claimants in the order of their first seat.

    Seats held before the one-by-one assignment (guaranteed minimums, whole Hare/Droop
    quotas) come first, most seats first; then the order of the sequence.
    """
    ahead = sorted((i for i, s in enumerate(run.before) if s > 0), key=lambda i: (-run.before[i], i))
    return ahead + [i for i in run.firsts if i not in ahead]


def describe(run: Allocation, details: dict[str, Any], parties: Sequence[str]) -> None:
    if run.sequence and "quotient" in run.sequence[0]:
        details["sequence"] = run.sequence
        details["next_seat"] = [parties[i] for i in run.next_seat]
    else:
        details["sequence"] = run.sequence
    for key, value in run.extra.items():
        if not key.startswith("_"):
            details[key] = value
    if run.tied is not None:
        details["tied_seats"] = {"parties": [parties[i] for i in run.tied[0]], "seats": run.tied[1]}
