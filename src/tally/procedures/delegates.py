"""Convention delegates: proportional allocation with a viability threshold, and the ballots.

The Democratic Party allocates each unit's pledged delegates — each congressional
district's delegates on the district vote, and the statewide at-large and pledged
PLEO (party leader and elected official) delegates, each pool separately, on the
statewide vote — by the steps of its Delegate Selection Rules (Rule 14, "Fair
Reflection of Presidential Preferences", in the rules for the 2020 and 2024 conventions;
Rule 13 in 2008):

1. tabulate the percentage of the vote each presidential preference (uncommitted
   included) receives in the unit, to three decimals;
2. re-tabulate the percentages, to three decimals, leaving out the votes of preferences
   whose step-1 percentage falls below 15 %;
3. multiply the unit's delegates by each remaining preference's percentage;
4. give each preference the whole number from step 3;
5. award remaining delegates in order of the highest fractional remainders of step 3.

The wording of the five steps is confirmed from the 2008 text (quoted in "The Odd
Delegate Selection Rules", goodauthority.org, 3 Feb 2008); the 2020/2024 Rule 14 text
itself was not available to check here, and public allocation calculators use the same
five steps for those years. Two details the quoted text does not settle, and how this
module does them:

* "to three decimals" is rounding half up (14.9995 % becomes 15.000 % and is viable);
  some quotations of the rule (e.g. the Green Papers' description of the 2020 steps)
  round only in step 2: ``round_first=False`` tests viability on the exact share;
* when no preference reaches 15 % the threshold becomes the leading preference's
  percentage minus 10 points (Rule 14.F as commonly quoted; not confirmed from the
  text) — ``fallback=False`` leaves all delegates unallocated instead;
* equal remainders competing for the last delegate(s) are a tie the rule does not
  break: ``tiebreak="report"`` (default) leaves those delegates unallocated and names
  the tied preferences; ``"votes"`` gives them to more votes first; ``"lot"`` draws with
  a seeded generator.

Votes labelled in the data as Uncommitted / No Preference / Uninstructed Delegation /
Undecided are a preference (they can win delegates). Write-in, Scattering, Other and
None-of-these rows count in the total vote but are not one preference and never win a
delegate. Blank, Void, Overvote and Undervote rows are not votes for anyone and are
left out of the total. Each is reported.

Automatic delegates ("superdelegates") are not pledged. Since the 2020 convention they
do not vote on the first ballot (unless a candidate's majority is already assured); on
later ballots every delegate votes. :func:`convention` reports the majority on each
ballot and who reaches it, assuming pledged delegates vote as pledged.

>>> allocate({"A": 550, "B": 300, "C": 150}, 7).delegates
{'A': 4, 'B': 2, 'C': 1}

References: Democratic National Committee, Delegate Selection Rules for the 2024
Democratic National Convention, Rules 9-11 (automatic, PLEO and at-large delegates) and
14 (fair reflection); Call for the 2024 Democratic National Convention.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..errors import ConfigError
from ..io.delegates import is_statewide, primary_results

__all__ = [
    "UnitAllocation",
    "allocate",
    "allocate_plan",
    "convention",
]

TIEBREAKS = ("report", "votes", "lot")
UNCOMMITTED = frozenset({"uncommitted", "no preference", "uninstructed delegation", "undecided"})
NOT_VOTES = frozenset({"blank", "void", "overvote", "undervote"})
STATEWIDE = "statewide"
_UNIT = 100_000  # percentages are kept in thousandths of a per cent: 15 % = 15_000


def _thousandths(part: int, whole: int) -> int:
    """``100 * part / whole`` to three decimals, rounding half up, in thousandths."""
    if whole <= 0:
        return 0
    return (2 * _UNIT * part + whole) // (2 * whole)


def _pct(thousandths: int) -> str:
    return f"{thousandths // 1000}.{thousandths % 1000:03d}"


def _decimal(x: Fraction) -> str:
    # Step-3 products are delegates × thousandths / 100 000: at most five decimals, exact.
    scaled = x * _UNIT
    assert scaled.denominator == 1
    n = scaled.numerator
    return f"{n // _UNIT}.{n % _UNIT:05d}"


@dataclass(frozen=True)
class UnitAllocation:
    """One unit's delegates by the five steps, with every intermediate number.

    ``percent`` and ``viable_percent`` are strings with three decimals (steps 1 and 2);
    ``products`` are step 3, exact; ``delegates`` the result (viable preferences, zeros
    included); ``tied`` the preferences with equal remainders for delegates left
    ``unallocated`` (tiebreak "report") or decided by ``tiebreak``.
    """

    unit: str
    seats: int
    total: int
    percent: dict[str, str]
    threshold: str
    fallback: bool
    viable: tuple[str, ...]
    viable_percent: dict[str, str]
    products: dict[str, str]
    delegates: dict[str, int]
    unallocated: int = 0
    tied: tuple[str, ...] = ()
    tiebreak: str = "report"
    pooled: dict[str, int] = field(default_factory=dict)
    excluded: dict[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "delegates_to_allocate": self.seats,
            "total_votes": self.total,
            "percent": dict(self.percent),
            "threshold": self.threshold,
            "fallback_threshold": self.fallback,
            "viable": list(self.viable),
            "viable_percent": dict(self.viable_percent),
            "products": dict(self.products),
            "delegates": dict(self.delegates),
            "unallocated": self.unallocated,
            "tied": list(self.tied),
            "tiebreak": self.tiebreak,
            "pooled": dict(self.pooled),
            "excluded": dict(self.excluded),
            "notes": list(self.notes),
        }


def _kind(name: str) -> str:
    low = name.strip().lower()
    if low in NOT_VOTES:
        return "excluded"
    if low in UNCOMMITTED:
        return "preference"
    if low in {
        "write-in",
        "scattering",
        "other",
        "other/write-in",
        "none of these candidates",
        "blank/void/scattering",
    }:
        return "pooled"
    return "preference"


def allocate(
    votes: Mapping[str, int],
    delegates: int,
    *,
    threshold: Any = "15%",
    fallback: bool = True,
    tiebreak: str = "report",
    seed: int | None = None,
    pooled: Iterable[str] = (),
    unit: str = "",
    round_first: bool = True,
) -> UnitAllocation:
    """Allocate one unit's ``delegates`` among preferences by the five steps above.

    Parameters
    ----------
    votes:
        Votes per preference (whole numbers ≥ 0). Names classed as not votes (Blank,
        Overvote, ...) are left out of the total; names in ``pooled`` or classed as
        pooled (Write-in, Scattering, ...) count in the total but win nothing.
    delegates:
        Delegates to allocate (≥ 0).
    threshold:
        Viability threshold as a share ("15%", "3/20", 0.15); compared with the step-1
        percentage rounded to three decimals, "falls below" = excluded.
    fallback:
        If nobody is viable, lower the threshold to the leader's percentage minus 10.
    tiebreak, seed:
        For equal remainders competing for the last delegates: "report", "votes", "lot".
    round_first:
        Test viability on the step-1 percentage rounded to three decimals (default) or,
        if False, on the exact share.

    Returns
    -------
    UnitAllocation

    Raises
    ------
    ConfigError
        Negative or non-whole votes or delegates, a threshold outside 0..100 %, an
        unknown tiebreak.
    """
    from .decision import parse_share

    if isinstance(delegates, bool) or not isinstance(delegates, int) or delegates < 0:
        raise ConfigError(f"delegates must be a whole number ≥ 0, not {delegates!r}")
    if tiebreak not in TIEBREAKS:
        raise ConfigError(f"tiebreak must be one of {', '.join(TIEBREAKS)}, not {tiebreak!r}")
    bar_exact = parse_share(threshold, name="threshold") * _UNIT
    if bar_exact.denominator != 1:
        raise ConfigError(f"threshold {threshold!r} has more than three decimals of a per cent")
    counted, pool, excluded = _classify(votes, set(pooled))
    total = sum(counted.values()) + sum(pool.values())
    percent = {c: _thousandths(v, total) for c, v in counted.items()}
    notes: list[str] = []
    viable, bar, used_fallback = _viable(
        counted, percent, total, bar_exact.numerator, fallback, round_first, notes
    )
    if not viable and delegates:
        notes.append(
            "no votes in this unit: no delegate allocated"
            if total == 0
            else "no preference is viable: no delegate allocated"
        )
    for name, n in pool.items():
        if _thousandths(n, total) >= bar:
            notes.append(
                f"{name} ({_pct(_thousandths(n, total))} %) is not one preference and wins no delegates"
            )
    # Order: most votes first, then name, so every listing is deterministic.
    viable.sort(key=lambda c: (-counted[c], c))
    viable_total = sum(counted[c] for c in viable)
    viable_percent = {c: _thousandths(counted[c], viable_total) for c in viable}
    products = {c: Fraction(delegates * viable_percent[c], _UNIT) for c in viable}
    awarded = {c: int(products[c]) for c in viable}  # floor: products are ≥ 0
    left = delegates - sum(awarded.values()) if viable else delegates
    left, tied = _remainders(products, awarded, left, counted, tiebreak, seed, unit, notes)
    return UnitAllocation(
        unit=unit,
        seats=delegates,
        total=total,
        percent={c: _pct(p) for c, p in sorted(percent.items(), key=lambda kv: (-counted[kv[0]], kv[0]))},
        threshold=_pct(bar),
        fallback=used_fallback,
        viable=tuple(viable),
        viable_percent={c: _pct(viable_percent[c]) for c in viable},
        products={c: _decimal(products[c]) for c in viable},
        delegates=awarded,
        unallocated=left,
        tied=tied,
        tiebreak=tiebreak,
        pooled=pool,
        excluded=excluded,
        notes=tuple(notes),
    )


def _classify(
    votes: Mapping[str, int], pooled: set[str]
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Votes per preference, per pooled name (counted, never winning) and per name left out."""
    counted: dict[str, int] = {}
    pool: dict[str, int] = {}
    excluded: dict[str, int] = {}
    for name, n in votes.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ConfigError(f"votes for {name!r} must be a whole number ≥ 0, not {n!r}")
        kind = "pooled" if name in pooled else _kind(name)
        if kind == "excluded":
            excluded[name] = n
        elif kind == "pooled":
            pool[name] = n
        else:
            counted[name] = n
    return counted, pool, excluded


def _viable(
    counted: Mapping[str, int],
    percent: Mapping[str, int],
    total: int,
    bar: int,
    fallback: bool,
    round_first: bool,
    notes: list[str],
) -> tuple[list[str], int, bool]:
    """The viable preferences, the threshold they reached and whether it was lowered (step 2).

    With nobody viable and ``fallback``, the threshold becomes the leader's percentage
    minus 10 points (noted in ``notes``).
    """

    def reaches(c: str, bar: int) -> bool:
        if counted[c] <= 0:
            return False
        if round_first:
            return percent[c] >= bar
        return _UNIT * counted[c] >= bar * total

    viable = [c for c in percent if reaches(c, bar)]
    if not viable and fallback and total > 0 and counted:
        leader = max(percent.values())
        if leader > 0:
            asked = bar
            bar = max(leader - 10_000, 0)
            viable = [c for c in percent if reaches(c, bar)]
            notes.append(
                f"nobody reached {_pct(asked)} %: threshold lowered to the leader's "
                f"{_pct(leader)} % minus 10 points"
            )
            return viable, bar, True
    return viable, bar, False


def _remainders(
    products: Mapping[str, Fraction],
    awarded: dict[str, int],
    left: int,
    counted: Mapping[str, int],
    tiebreak: str,
    seed: int | None,
    unit: str,
    notes: list[str],
) -> tuple[int, tuple[str, ...]]:
    """Step 5: the ``left`` delegates to the highest remainders, added to ``awarded``.

    Returns the delegates still unallocated and the preferences tied on equal remainders
    for the last of them (broken by ``tiebreak``, or left unallocated under "report").
    """
    tied: tuple[str, ...] = ()
    remainders = sorted(products, key=lambda c: -(products[c] - awarded[c]))
    # Percentages rounded to three decimals can sum to a little over or under 100, so
    # the remainders may not account for every delegate at once: go round again.
    while left > 0 and remainders:
        groups: dict[Fraction, list[str]] = defaultdict(list)
        for c in remainders:
            groups[products[c] - awarded[c]].append(c)
        for rest in sorted(groups, reverse=True):
            group = groups[rest]
            if len(group) <= left:
                for c in group:
                    awarded[c] += 1
                left -= len(group)
                continue
            if left == 0:
                break
            tied = tuple(group)
            if tiebreak == "votes":
                order = sorted(group, key=lambda c: (-counted[c], c))
                if counted[order[left - 1]] == counted[order[left]]:
                    raise ConfigError(
                        f"{unit or 'unit'}: {', '.join(group)} tie on remainders and on votes; "
                        "use tiebreak 'lot' or 'report'"
                    )
            elif tiebreak == "lot":
                order = sorted(group)
                # Unseeded means seed 0, as everywhere in tally: the same inputs give the same draw.
                random.Random(0 if seed is None else seed).shuffle(order)
            else:
                notes.append(f"{left} delegate(s) unallocated: equal remainders for {', '.join(group)}")
                break
            for c in order[:left]:
                awarded[c] += 1
            left = 0
            break
        if tied:
            break
    return left, tied


def allocate_plan(
    plan: Iterable[tuple[str, str, int]],
    *,
    year: int | None = None,
    party: str = "DEM",
    results: Mapping[tuple[str, str], Mapping[str, int]] | None = None,
    statewide_for_districts: bool = False,
    stage: str | None = None,
    threshold: Any = "15%",
    fallback: bool = True,
    tiebreak: str = "report",
    seed: int | None = None,
    round_first: bool = True,
) -> dict[str, Any]:
    """Allocate every unit of ``plan`` (``(state, district, delegates)`` rows).

    Statewide pools use the statewide vote: from ``results`` (district "") if given,
    else the bundled FiveThirtyEight primary of ``year``/``party``. District rows need
    the district's vote in ``results``; the bundled file has none, so without it this
    is an error unless ``statewide_for_districts`` (each district's delegates allocated
    on the statewide vote — an approximation, flagged in the output). Rows with
    district ``automatic`` count automatic delegates.

    Returns ``{"states": {state: {"delegates", "units", "source", ...}}, "pledged",
    "automatic", "total_pledged", "unallocated"}`` with states and candidates in a
    fixed order.
    """
    results = {(s.upper(), d.lower()): dict(v) for (s, d), v in (results or {}).items()}
    states: dict[str, dict[str, Any]] = {}
    automatic = 0
    statewide_cache: dict[str, tuple[dict[str, int], dict[str, Any]]] = {}
    votes: Mapping[str, int]
    for state, district, seats in plan:
        state = state.upper()
        if district.strip().lower() == "automatic":
            automatic += seats
            states.setdefault(state, _empty_state())["automatic"] += seats
            continue
        entry = states.setdefault(state, _empty_state())
        statewide = is_statewide(district)
        label = district.strip() or STATEWIDE
        if statewide or statewide_for_districts and (state, district.lower()) not in results:
            if state not in statewide_cache:
                statewide_cache[state] = _statewide_votes(state, results, year, party, stage)
            votes, source = statewide_cache[state]
            entry["source"] = source
            note = (
                None
                if statewide
                else "district delegates allocated on the statewide vote (no district results)"
            )
        elif (state, district.lower()) in results:
            votes, note = results[(state, district.lower())], None
        else:
            raise ConfigError(
                f"no results for {state} district {district}: give a results file with "
                "state,district,candidate,votes, or allocate districts on the statewide vote"
            )
        unit = allocate(
            votes,
            seats,
            threshold=threshold,
            fallback=fallback,
            tiebreak=tiebreak,
            seed=seed,
            unit=f"{state} {label}",
            round_first=round_first,
        )
        row = unit.to_dict()
        if note:
            row["notes"].append(note)
            entry["approximate"] = True
        entry["units"].append(row)
        entry["pledged"] += seats
        entry["unallocated"] += unit.unallocated
        for c, n in unit.delegates.items():
            entry["totals"][c] = entry["totals"].get(c, 0) + n
    pledged: dict[str, int] = defaultdict(int)
    for entry in states.values():
        entry["delegates"] = {
            c: n for c, n in sorted(entry.pop("totals").items(), key=lambda kv: (-kv[1], kv[0])) if n
        }
        for c, n in entry["delegates"].items():
            pledged[c] += n
    return {
        "states": states,
        "pledged": dict(sorted(pledged.items(), key=lambda kv: (-kv[1], kv[0]))),
        "total_pledged": sum(e["pledged"] for e in states.values()),
        "unallocated": sum(e["unallocated"] for e in states.values()),
        "automatic": automatic,
    }


def _empty_state() -> dict[str, Any]:
    return {
        "pledged": 0,
        "automatic": 0,
        "unallocated": 0,
        "approximate": False,
        "source": None,
        "units": [],
        "totals": {},
    }


def _statewide_votes(
    state: str,
    results: Mapping[tuple[str, str], Mapping[str, int]],
    year: int | None,
    party: str,
    stage: str | None,
) -> tuple[dict[str, int], dict[str, Any]]:
    if (state, "") in results:
        return dict(results[(state, "")]), {"from": "results file"}
    if year is None:
        raise ConfigError(
            f"no statewide results for {state}: give the year and party of a bundled primary "
            "or a results file"
        )
    primary = primary_results(year, party, state, stage=stage)
    source = primary.to_dict()
    source.pop("votes")
    return primary.votes, source


def convention(
    pledged: Mapping[str, int],
    *,
    total_pledged: int | None = None,
    automatic: int = 0,
    automatic_votes: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Who reaches a majority on the first ballot (pledged only) and on later ballots (all).

    A majority is more than half of the delegates voting: ``n // 2 + 1``. The first
    ballot counts ``total_pledged`` (default: the sum of ``pledged``; pass the whole
    convention's number when ``pledged`` covers only some states). Later ballots add
    the ``automatic`` delegates; ``automatic_votes`` (how many of them vote for whom)
    is an assumption the caller makes — without it each candidate is told how many
    automatic delegates they would need.

    >>> convention({"A": 2000, "B": 1900}, automatic=700)["later_ballots"]["needs_automatic"]
    {'A': 301, 'B': 401}
    """
    for name, n in pledged.items():
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ConfigError(f"pledged delegates for {name!r} must be a whole number ≥ 0")
    if isinstance(automatic, bool) or not isinstance(automatic, int) or automatic < 0:
        raise ConfigError(f"automatic delegates must be a whole number ≥ 0, not {automatic!r}")
    have = sum(pledged.values())
    total = have if total_pledged is None else total_pledged
    if total < have:
        raise ConfigError(f"total pledged delegates {total} is less than the {have} allocated")
    order = sorted(pledged, key=lambda c: (-pledged[c], c))
    first_majority = total // 2 + 1
    first_winner = next((c for c in order if pledged[c] >= first_majority), None)
    voters = total + automatic
    later_majority = voters // 2 + 1
    later: dict[str, Any] = {
        "voters": voters,
        "majority": later_majority,
        "needs_automatic": {c: max(0, later_majority - pledged[c]) for c in order},
    }
    later["reachable"] = [c for c in order if later["needs_automatic"][c] <= automatic]
    if automatic_votes is not None:
        given = sum(automatic_votes.values())
        if given > automatic:
            raise ConfigError(f"automatic votes given ({given}) exceed the {automatic} automatic delegates")
        votes = {c: pledged.get(c, 0) + automatic_votes.get(c, 0) for c in {*pledged, *automatic_votes}}
        votes = dict(sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])))
        later["votes"] = votes
        later["winner"] = next((c for c, n in votes.items() if n >= later_majority), None)
    return {
        "pledged": {c: pledged[c] for c in order},
        "first_ballot": {
            "voters": total,
            "majority": first_majority,
            "winner": first_winner,
            "short": {c: max(0, first_majority - pledged[c]) for c in order},
        },
        "later_ballots": later,
        "notes": [
            (
                "automatic delegates do not vote on the first ballot; pledged delegates are assumed to vote "
                "as pledged"
            )
        ],
    }
