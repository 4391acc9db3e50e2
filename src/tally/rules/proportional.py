"""Party-list proportional representation and apportionment.

Both turn vote (or population) totals into whole seats. The rules here count
:class:`~tally.ballots.Tallies`:

* **list PR** (``dhondt``, ``sainte_lague``, ``modified_sainte_lague``, ``imperiali``,
  ``hare_lr``, ``droop_lr``): the candidates of the tallies are parties. One area is a
  national count; several areas with a ``seats`` attribute are separate districts, each
  filling its own seats (multi-district lists); several areas without it are added up
  into one national count. Legal thresholds, the seats-or-votes alternative and the
  compensatory (mixed-member) top-up are options.
* **apportionment** (``huntington_hill``, ``webster``, ``jefferson``, ``adams``,
  ``hamilton``): seats among states by population, every state guaranteed ``min_seats``
  (1 by default, as in the US Constitution). When the tallies have a single column (a
  population per area) the *areas* are apportioned; otherwise the *candidates* (votes
  added over all areas).

Arithmetic is exact: votes become :class:`fractions.Fraction` and quotients are compared
as fractions (Huntington–Hill compares squared quotients, ``v² / s(s+1)``, which orders
the same as ``v / √(s(s+1))``), so a tie is a real tie and never floating-point noise.
Ties for the last seats are settled by the ``tiebreak`` option and recorded; with
``tiebreak="all"`` the tied seats are left unallocated and reported in
``details["tied_seats"]``; ``previous_round`` prefers the party with more votes.

Every outcome has ``details["seats"]`` (seats per party, every party listed), the
winners (parties with at least one seat, in order of their first seat), and for divisor
methods ``details["sequence"]``, the order in which seats were assigned with the
quotient (priority value) of each, plus ``details["next_seat"]``: who would get one more
seat (the US House's seat 436).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..errors import ConfigError, RuleError
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker
from . import rule
from ._common import check_seats

__all__ = [
    "adams",
    "dhondt",
    "droop_lr",
    "hamilton",
    "hare_lr",
    "huntington_hill",
    "imperiali",
    "jefferson",
    "modified_sainte_lague",
    "parse_threshold",
    "sainte_lague",
    "webster",
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
class _Allocation:
    """Seats per claimant and how they were reached."""

    seats: list[int]
    before: list[int] = field(default_factory=list)
    firsts: list[int] = field(default_factory=list)
    sequence: list[dict[str, Any]] = field(default_factory=list)
    tied: tuple[list[int], int] | None = None  # (tied claimants, seats left) under mode "all"
    next_seat: list[int] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


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


def _divisor_allocation(
    votes: Sequence[Fraction],
    eligible: Sequence[int],
    seats: int,
    method: Divisors,
    breaker: TieBreaker,
    start: Sequence[int] | None = None,
) -> _Allocation:
    """Assign ``seats`` one at a time to the largest quotient (after ``start`` seats each)."""
    n = len(votes)
    held = list(start) if start is not None else [0] * n
    pool = [i for i in eligible if votes[i] > 0]
    alloc = _Allocation(seats=held, before=list(held))
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


def _lr_allocation(
    votes: Sequence[Fraction],
    eligible: Sequence[int],
    seats: int,
    quota_name: str,
    breaker: TieBreaker,
) -> _Allocation:
    """Largest remainder: whole quotas first, then the largest remainders."""
    n = len(votes)
    pool = [i for i in eligible if votes[i] > 0]
    if seats == 0:
        return _Allocation(seats=[0] * n, before=[0] * n)
    if not pool:
        raise RuleError("no party is eligible for seats (every eligible party has 0 votes)")
    total = sum((votes[i] for i in pool), Fraction(0))
    if quota_name == "hare":
        quota = total / seats
    else:  # Droop: the smallest whole number of votes that only `seats` parties can reach
        quota = Fraction(math.floor(total / (seats + 1)) + 1)
    held = [0] * n
    remainder: list[Fraction | None] = [Fraction(-1)] * n
    for i in pool:
        whole = math.floor(votes[i] / quota)
        held[i] = whole
        remainder[i] = votes[i] / quota - whole
    alloc = _Allocation(seats=held, before=list(held))
    given = sum(held)
    alloc.extra = {
        "quota": float(quota),
        "automatic_seats": {breaker.candidates[i]: held[i] for i in pool},
        "remainders": {breaker.candidates[i]: float(remainder[i]) for i in pool},  # type: ignore[arg-type]
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
                )  # type: ignore[arg-type]
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


def _exact(values: np.ndarray) -> list[Fraction]:
    # Fraction(float) is exact: integral counts stay integers, others keep their binary value.
    return [Fraction(float(v)) for v in values]


def _check_seats(seats: Any, option: str = "seats") -> int:
    return check_seats(seats, option=option)


def _district_seats(value: Any, area: str) -> int:
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


def _percent(share: Fraction | None) -> str | None:
    return None if share is None else f"{float(share * 100):g}%"


# -- list PR ---------------------------------------------------------------------------


def constituency_winners(districts: Tallies) -> dict[str, int]:
    """Constituency seats per party from first-past-the-post district tallies.

    Each area's candidate with the most votes wins that area's seat
    (:func:`~tally.rules.districts.area_winner`); an area with no votes is skipped; a tie
    raises :class:`~tally.errors.ConfigError` (settle it first: a top-up needs every
    constituency seat decided). The result is what the list rules take as
    ``constituency_seats``.
    """
    from .districts import area_winner  # districts imports this module

    breaker = TieBreaker("all", districts.candidates)
    everyone = np.ones(len(districts.candidates), dtype=bool)
    won: dict[str, int] = {}
    for area, row in zip(districts.areas, districts.votes):
        winner, tied = area_winner(
            row,
            everyone,
            breaker,
            label=area,
            round=None,
            standing="tie left standing; the constituency seat is not decided",
        )
        if len(tied) > 1:
            names = ", ".join(districts.candidates[i] for i in tied)
            raise ConfigError(f"constituency {area!r} is tied between {names}; settle it before the top-up")
        if winner is not None:
            name = districts.candidates[winner]
            won[name] = won.get(name, 0) + 1
    return won


def _constituency_seats(value: Any, tallies: Tallies) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ConfigError("constituency_seats must be a mapping {party: seats} (see constituency_winners)")
    parties = tallies.candidates
    won = [0] * len(parties)
    for name, n in value.items():
        if name not in parties:
            raise ConfigError(f"constituency_seats names {name!r}, which is not a party of the tallies")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ConfigError(f"constituency_seats[{name!r}] must be a whole number, not {n!r}")
        won[parties.index(name)] = int(n)
    return won


def _list_pr(
    tallies: Tallies,
    *,
    allocate: Callable[[Sequence[Fraction], Sequence[int], int, TieBreaker], _Allocation],
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
    parties = tallies.candidates
    n = len(parties)
    breaker = TieBreaker(tiebreak, parties, seed=seed)
    national = _exact(tallies.totals())
    total = sum(national, Fraction(0))
    if total <= 0:
        raise RuleError("the tallies hold no votes")
    national_bar = parse_threshold(threshold)
    district_bar = parse_threshold(district_threshold, "district_threshold")
    if threshold_alternative is not None:
        threshold_alternative = _check_seats(threshold_alternative, "threshold_alternative")
    if overhang not in ("keep", "level", "fixed"):
        raise ConfigError(f"overhang must be 'keep', 'level' or 'fixed', not {overhang!r}")
    district_seats = tallies.attributes.get("seats")
    multi = len(tallies.areas) > 1 and district_seats is not None
    won = _constituency_seats(constituency_seats, tallies)
    if multi and won is not None:
        raise ConfigError(
            "compensatory top-up works on national list votes; give one area or no 'seats' attribute"
        )
    if multi:
        per_district = [_district_seats(s, a) for a, s in zip(tallies.areas, district_seats)]
        if seats is not None and seats != sum(per_district):
            raise ConfigError(
                f"seats={seats} but the districts' seats attribute adds up to {sum(per_district)}"
            )
        seats = sum(per_district)
    elif seats is None:
        if district_seats is not None:
            seats = sum(_district_seats(s, a) for a, s in zip(tallies.areas, district_seats))
        else:
            raise ConfigError("give seats= (the number of seats to fill)")
    seats = _check_seats(seats)

    notes: list[str] = []
    warnings: list[str] = []
    passes = [True] * n
    if national_bar is not None:
        passes = [v >= national_bar * total for v in national]
    district_ok = [[True] * n for _ in tallies.areas]
    if district_bar is not None:
        for a in range(len(tallies.areas)):
            area_votes = _exact(tallies.votes[a])
            area_total = sum(area_votes, Fraction(0))
            district_ok[a] = [area_total > 0 and v >= district_bar * area_total for v in area_votes]

    def district_run(
        qualified: Sequence[bool], breaker: TieBreaker
    ) -> tuple[list[int], dict[str, dict[str, int]], list[_Allocation]]:
        seats_won = [0] * n
        by_district: dict[str, dict[str, int]] = {}
        runs = []
        for a, area in enumerate(tallies.areas):
            area_votes = _exact(tallies.votes[a])
            eligible = [i for i in range(n) if qualified[i] and district_ok[a][i]]
            try:
                run = allocate(area_votes, eligible, per_district[a], breaker)
            except RuleError as exc:
                raise RuleError(f"district {area!r}: {exc}") from None
            runs.append(run)
            by_district[area] = {parties[i]: run.seats[i] for i in range(n) if run.seats[i]}
            for i in range(n):
                seats_won[i] += run.seats[i]
        return seats_won, by_district, runs

    rescued: list[str] = []
    if threshold_alternative is not None and national_bar is not None:
        if multi:
            # A trial count without the national bar, with its own tie record.
            trial, _, _ = district_run([True] * n, _scratch(breaker))
            district_won = trial
        elif won is not None:
            district_won = won
        else:
            district_won = None
            warnings.append(
                "threshold_alternative needs district seats (several districts with a seats "
                "attribute, or constituency_seats); it was not applied"
            )
        if district_won is not None:
            for i in range(n):
                if not passes[i] and district_won[i] >= threshold_alternative:
                    passes[i] = True
                    rescued.append(parties[i])
    excluded = [parties[i] for i in range(n) if not passes[i] and national[i] > 0]
    if excluded:
        warnings.append(f"below the {_percent(national_bar)} threshold, no seats: {', '.join(excluded)}")

    rounds: list[Round] = []
    votes_tally = {p: float(v) for p, v in zip(parties, national)}
    bar_note = "national votes"
    if national_bar is not None:
        bar_note += f"; parties below {_percent(national_bar)} of the votes are excluded"
        if threshold_alternative is not None:
            bar_note += f" unless they win at least {threshold_alternative} district seat(s)"
    rounds.append(
        Round(
            number=1,
            tally=votes_tally,
            eliminated=tuple(excluded),
            continuing=float(total),
            threshold=None if national_bar is None else float(national_bar * total),
            note=bar_note,
        )
    )
    details: dict[str, Any] = {
        "method": method,
        "seats_to_fill": seats,
        "threshold": _percent(national_bar),
        "threshold_votes": None if national_bar is None else float(national_bar * total),
        "district_threshold": _percent(district_bar),
        "excluded": excluded,
        "below_threshold_votes": float(sum((national[i] for i in range(n) if not passes[i]), Fraction(0))),
    }
    if rescued:
        details["qualified_by_district_seats"] = rescued
    tied = False
    order: list[int] = []

    if multi:
        final, by_district, runs = district_run(passes, breaker)
        details["districts"] = by_district
        for a, (area, run) in enumerate(zip(tallies.areas, runs)):
            rounds.append(
                Round(
                    number=len(rounds) + 1,
                    tally={p: float(s) for p, s in zip(parties, run.seats)},
                    elected=tuple(parties[i] for i in _first_seat_order(run)),
                    continuing=float(total),
                    note=f"seats in district {area} ({per_district[a]})",
                )
            )
            if run.tied is not None:
                tied = True
                details.setdefault("tied_seats", []).append(
                    {"district": area, "parties": [parties[i] for i in run.tied[0]], "seats": run.tied[1]}
                )
            order += [i for i in _first_seat_order(run) if i not in order]
        notes.append("seats summed over districts")
    elif won is None:
        run = allocate(national, [i for i in range(n) if passes[i]], seats, breaker)
        final = run.seats
        order = _first_seat_order(run)
        _describe(run, details, parties)
        if run.tied is not None:
            tied = True
    else:
        final, order, tied = _top_up(
            national, passes, won, seats, overhang, allocate, breaker, details, warnings
        )

    if tied:
        tied_parties = [p for t in _as_list(details.get("tied_seats")) for p in t["parties"]]
        warnings.append("a tie for the last seat(s) was left standing: " + ", ".join(tied_parties))
        order += [parties.index(p) for p in tied_parties if parties.index(p) not in order]
    order += [i for i in range(n) if final[i] > 0 and i not in order]
    winners = tuple(parties[i] for i in order)
    seats_by_party = {p: int(s) for p, s in zip(parties, final)}
    details["seats"] = seats_by_party
    rounds.append(
        Round(
            number=len(rounds) + 1,
            tally={p: float(s) for p, s in seats_by_party.items()},
            elected=winners,
            continuing=float(total),
            note=f"seats by {method}" + (f" ({'; '.join(notes)})" if notes else ""),
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


def _scratch(breaker: TieBreaker) -> TieBreaker:
    """A breaker with the same mode and seed for trial counts, so they leave no tie record."""
    return TieBreaker(breaker.mode, breaker.candidates, seed=breaker.seed)


def _as_list(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _first_seat_order(run: _Allocation) -> list[int]:
    """Claimants in the order of their first seat.

    Seats held before the one-by-one assignment (guaranteed minimums, whole Hare/Droop
    quotas) come first, most seats first; then the order of the sequence.
    """
    ahead = sorted((i for i, s in enumerate(run.before) if s > 0), key=lambda i: (-run.before[i], i))
    return ahead + [i for i in run.firsts if i not in ahead]


def _describe(run: _Allocation, details: dict[str, Any], parties: Sequence[str]) -> None:
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


def _top_up(
    votes: Sequence[Fraction],
    passes: Sequence[bool],
    won: Sequence[int],
    seats: int,
    overhang: str,
    allocate: Callable[[Sequence[Fraction], Sequence[int], int, TieBreaker], _Allocation],
    breaker: TieBreaker,
    details: dict[str, Any],
    warnings: list[str],
) -> tuple[list[int], list[int], bool]:
    """Mixed-member compensation: list seats top constituency seats up to the proportional share."""
    n = len(votes)
    parties = breaker.candidates
    # Constituency seats of parties that did not qualify stay theirs, outside the proportional count.
    outside = sum(won[i] for i in range(n) if not passes[i])
    house = seats - outside
    qualified = [i for i in range(n) if passes[i]]
    if house < sum(won[i] for i in qualified) and overhang == "fixed":
        raise RuleError("constituency seats exceed the seats to fill; no fixed-size top-up is possible")
    trial = _scratch(breaker)
    run = allocate(votes, qualified, house, trial)
    entitled = list(run.seats)
    final = [0] * n
    if overhang == "keep":
        run = allocate(votes, qualified, house, breaker)
        entitled = list(run.seats)
        for i in range(n):
            final[i] = max(entitled[i], won[i]) if passes[i] else won[i]
    elif overhang == "level":
        size = house
        while any(run.seats[i] < won[i] for i in qualified):
            size += 1
            if size > 20 * max(seats, 1):
                raise RuleError(
                    "levelling did not converge: the constituency seats are far beyond any proportional share"
                )
            run = allocate(votes, qualified, size, _scratch(breaker))
        run = allocate(votes, qualified, size, breaker)
        for i in range(n):
            final[i] = run.seats[i] if passes[i] else won[i]
        details["levelling_seats"] = size - house
    else:  # fixed: overhang parties keep their seats, the others share what is left
        fixed: set[int] = set()
        while True:
            rest = [i for i in qualified if i not in fixed]
            left = house - sum(won[i] for i in fixed)
            run = allocate(votes, rest, left, _scratch(breaker))
            over = {i for i in rest if won[i] > run.seats[i]}
            if not over:
                break
            fixed |= over
        run = allocate(votes, rest, left, breaker)
        for i in range(n):
            final[i] = won[i] if (i in fixed or not passes[i]) else run.seats[i]
    over = {parties[i]: won[i] - entitled[i] for i in qualified if won[i] > entitled[i]}
    if overhang != "level" and over:
        warnings.append("overhang seats: " + ", ".join(f"{p} {k}" for p, k in over.items()))
    details["constituency_seats"] = {parties[i]: won[i] for i in range(n)}
    details["list_seats"] = {parties[i]: max(final[i] - won[i], 0) for i in range(n)}
    details["proportional_entitlement"] = {parties[i]: entitled[i] for i in range(n)}
    details["overhang"] = over if overhang != "level" else {}
    details["overhang_rule"] = overhang
    details["house_size"] = sum(final)
    _describe(run, details, parties)
    order = _first_seat_order(run) + [i for i in range(n) if won[i] > 0]
    seen: list[int] = []
    for i in order:
        if i not in seen and final[i] > 0:
            seen.append(i)
    return final, seen, run.tied is not None


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
    func.__doc__ = (func.__doc__ or "").rstrip() + "\n" + _LIST_OPTIONS_DOC
    return func


def _divisor_rule(
    method: Divisors,
) -> Callable[[Sequence[Fraction], Sequence[int], int, TieBreaker], _Allocation]:
    def allocate(
        votes: Sequence[Fraction], eligible: Sequence[int], seats: int, breaker: TieBreaker
    ) -> _Allocation:
        return _divisor_allocation(votes, eligible, seats, method, breaker)

    return allocate


def _lr_rule(quota: str) -> Callable[[Sequence[Fraction], Sequence[int], int, TieBreaker], _Allocation]:
    def allocate(
        votes: Sequence[Fraction], eligible: Sequence[int], seats: int, breaker: TieBreaker
    ) -> _Allocation:
        return _lr_allocation(votes, eligible, seats, quota, breaker)

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


# -- apportionment ---------------------------------------------------------------------


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
    seats = _check_seats(seats)
    if isinstance(min_seats, bool) or not isinstance(min_seats, (int, np.integer)) or min_seats < 0:
        raise ConfigError(f"min_seats must be a whole number of at least 0, not {min_seats!r}")
    n = len(names)
    if min_seats * n > seats:
        raise RuleError(f"{n} {what} × min_seats {min_seats} is more than the {seats} seats")
    breaker = TieBreaker(tiebreak, names, seed=seed)
    votes = _exact(population)
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
        run = _divisor_allocation(votes, everyone, seats, method, breaker, start=[min_seats] * n)
        details["divisors"] = method.describe
    else:
        run = _hamilton(votes, seats, min_seats, breaker)
    _describe(run, details, names)
    final = run.seats
    details["seats"] = {c: int(s) for c, s in zip(names, final)}
    standard = total / seats
    details["standard_divisor"] = float(standard)
    details["quotas"] = {c: float(v / standard) for c, v in zip(names, votes)}
    order = _first_seat_order(run)
    warnings: list[str] = []
    tied = run.tied is not None
    if tied:
        tied_names = [names[i] for i in run.tied[0]]  # type: ignore[index]
        warnings.append("a tie for the last seat(s) was left standing: " + ", ".join(tied_names))
        order += [i for i in run.tied[0] if i not in order]  # type: ignore[index]
    order += [i for i in range(n) if final[i] > 0 and i not in order]
    winners = tuple(names[i] for i in order)
    rounds = (
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
    return Outcome(
        rule="",
        candidates=names,
        winners=winners,
        rounds=rounds,
        ties=tuple(breaker.ties),
        ballots={"read": float(total), "continuing": float(total), "inactive": {}},
        scores={c: float(s) for c, s in zip(names, final)},
        details=details,
        warnings=tuple(warnings),
        tied=tied,
    )


def _hamilton(votes: Sequence[Fraction], seats: int, min_seats: int, breaker: TieBreaker) -> _Allocation:
    """Hamilton with a floor: claimants whose share falls below ``min_seats`` get the floor
    and leave the count; the rest share the remaining seats by largest remainder (repeated
    until nobody falls below the floor)."""
    n = len(votes)
    floored: set[int] = set()
    while True:
        rest = [i for i in range(n) if i not in floored]
        left = seats - min_seats * len(floored)
        run = _lr_allocation(votes, rest, left, "hare", breaker) if rest else _Allocation(seats=[0] * n)
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
    func.__doc__ = (func.__doc__ or "").rstrip() + "\n" + _APPORTION_DOC
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
    """
    return _apportion(
        tallies, seats=seats, min_seats=min_seats, tiebreak=tiebreak, seed=seed, method=None, label="Hamilton"
    )
