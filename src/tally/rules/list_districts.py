"""Multi-district list PR: every district fills its own seats among the lists.

Tallies with several areas and a ``seats`` attribute are districts; each allocates its
seats by the list rule's method among the lists that qualify (nationally, and in the
district when there is a district threshold), and the seats are summed per party. Used
by the list rules of :mod:`tally.rules.list_pr`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from ..ballots import Tallies
from ..errors import ConfigError, RuleError
from ..outcome import Round
from ..ties import TieBreaker
from ._allocation import Allocate, Allocation, district_seats, exact, first_seat_order
from ._common import check_seats

__all__ = ["DistrictRun", "by_districts", "district_bars", "district_run", "seats_to_fill"]

# What a multi-district count returns: seats per party, seats per district, each district's allocation.
DistrictRun = tuple[list[int], dict[str, dict[str, int]], list[Allocation]]


def seats_to_fill(tallies: Tallies, seats: int | None, won: list[int] | None) -> tuple[list[int] | None, int]:
    """(seats of each district for a multi-district count or None, seats to fill in all)."""
    attribute = tallies.attributes.get("seats")
    multi = len(tallies.areas) > 1 and attribute is not None
    if multi and won is not None:
        raise ConfigError(
            "compensatory top-up works on national list votes; give one area or no 'seats' attribute"
        )
    per_district = None
    if multi and attribute is not None:
        per_district = [district_seats(s, a) for a, s in zip(tallies.areas, attribute)]
        if seats is not None and seats != sum(per_district):
            raise ConfigError(
                f"seats={seats} but the districts' seats attribute adds up to {sum(per_district)}"
            )
        seats = sum(per_district)
    elif seats is None:
        if attribute is not None:
            seats = sum(district_seats(s, a) for a, s in zip(tallies.areas, attribute))
        else:
            raise ConfigError("give seats= (the number of seats to fill)")
    return per_district, check_seats(seats)


def district_bars(tallies: Tallies, district_bar: Fraction | None) -> list[list[bool]]:
    """Per district and party: does the list reach the district threshold there?"""
    n = len(tallies.candidates)
    district_ok = [[True] * n for _ in tallies.areas]
    if district_bar is not None:
        for a in range(len(tallies.areas)):
            area_votes = exact(tallies.votes[a])
            area_total = sum(area_votes, Fraction(0))
            district_ok[a] = [area_total > 0 and v >= district_bar * area_total for v in area_votes]
    return district_ok


def district_run(
    tallies: Tallies,
    allocate: Allocate,
    per_district: Sequence[int],
    district_ok: Sequence[Sequence[bool]],
    qualified: Sequence[bool],
    breaker: TieBreaker,
) -> DistrictRun:
    """Every district fills its own seats among the qualified lists; seats summed per party."""
    parties = tallies.candidates
    n = len(parties)
    seats_won = [0] * n
    by_district: dict[str, dict[str, int]] = {}
    runs = []
    for a, area in enumerate(tallies.areas):
        area_votes = exact(tallies.votes[a])
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


def by_districts(
    tallies: Tallies,
    run_districts: Callable[[Sequence[bool], TieBreaker], DistrictRun],
    per_district: Sequence[int],
    passes: Sequence[bool],
    breaker: TieBreaker,
    total: Fraction,
    rounds: list[Round],
    details: dict[str, Any],
) -> tuple[list[int], list[int], bool]:
    """Seats district by district (a round each); (seats, order of first seats, tie left)."""
    parties = tallies.candidates
    final, by_district, runs = run_districts(passes, breaker)
    details["districts"] = by_district
    tied = False
    order: list[int] = []
    for a, (area, run) in enumerate(zip(tallies.areas, runs)):
        rounds.append(
            Round(
                number=len(rounds) + 1,
                tally={p: float(s) for p, s in zip(parties, run.seats)},
                elected=tuple(parties[i] for i in first_seat_order(run)),
                continuing=float(total),
                note=f"seats in district {area} ({per_district[a]})",
            )
        )
        if run.tied is not None:
            tied = True
            details.setdefault("tied_seats", []).append(
                {"district": area, "parties": [parties[i] for i in run.tied[0]], "seats": run.tied[1]}
            )
        order += [i for i in first_seat_order(run) if i not in order]
    return final, order, tied
