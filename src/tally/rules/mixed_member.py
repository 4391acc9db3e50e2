"""Mixed-member proportional representation: list seats that top constituency seats up.

A mixed-member house is elected twice over: single-member constituencies by first past
the post (:func:`constituency_winners`), and party lists that bring every qualified
party up to its proportional share of the whole house (:func:`top_up`). The list rules
of :mod:`tally.rules.list_pr` do the top-up when given ``constituency_seats``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..errors import ConfigError, RuleError
from ..ties import TieBreaker
from ._allocation import Allocate, describe, first_seat_order, scratch
from .districts import area_winner

__all__ = ["constituency_winners", "parse_constituency_seats", "top_up"]


def constituency_winners(districts: Tallies) -> dict[str, int]:
    """Constituency seats per party from first-past-the-post district tallies.

    Each area's candidate with the most votes wins that area's seat
    (:func:`~tally.rules.districts.area_winner`); an area with no votes is skipped; a tie
    raises :class:`~tally.errors.ConfigError` (settle it first: a top-up needs every
    constituency seat decided). The result is what the list rules take as
    ``constituency_seats``.
    """
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


def parse_constituency_seats(value: Any, tallies: Tallies) -> list[int] | None:
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


def top_up(
    votes: Sequence[Fraction],
    passes: Sequence[bool],
    won: Sequence[int],
    seats: int,
    overhang: str,
    allocate: Allocate,
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
    trial = scratch(breaker)
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
            run = allocate(votes, qualified, size, scratch(breaker))
        run = allocate(votes, qualified, size, breaker)
        for i in range(n):
            final[i] = run.seats[i] if passes[i] else won[i]
        details["levelling_seats"] = size - house
    else:  # fixed: overhang parties keep their seats, the others share what is left
        fixed: set[int] = set()
        while True:
            rest = [i for i in qualified if i not in fixed]
            left = house - sum(won[i] for i in fixed)
            run = allocate(votes, rest, left, scratch(breaker))
            overhanging = {i for i in rest if won[i] > run.seats[i]}
            if not overhanging:
                break
            fixed |= overhanging
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
    describe(run, details, parties)
    order = first_seat_order(run) + [i for i in range(n) if won[i] > 0]
    seen: list[int] = []
    for i in order:
        if i not in seen and final[i] > 0:
            seen.append(i)
    return final, seen, run.tied is not None
