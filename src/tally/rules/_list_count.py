"""The party-list count behind every rule of :mod:`tally.rules.list_pr`.

:func:`list_pr` takes the votes, applies the thresholds, runs one national count, one
count per district or the mixed-member top-up, and writes the outcome; the rules differ
only in the allocation they pass (a divisor method or a largest-remainder quota).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from ..ballots import Tallies
from ..errors import ConfigError, RuleError
from ..outcome import Outcome, Round
from ..ties import TieBreaker
from ._allocation import (
    Allocate,
    describe,
    exact,
    first_seat_order,
    parse_threshold,
    percent,
    scratch,
)
from ._common import check_seats
from .list_districts import DistrictRun, by_districts, district_bars, district_run, seats_to_fill
from .mixed_member import parse_constituency_seats, top_up

__all__ = ["list_pr"]


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


def list_pr(
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
