"""Seats under other systems: first-past-the-post against list PR on the same votes.

The district votes of a first-past-the-post election (US House, UK Commons) are
re-counted as if they had been cast for party lists: nationally (one list per party
for all seats) and regionally (each region — a US state, a UK region — fills as many
seats as it has districts). The list seats come from the registry's party-list rules
(``tally.count(tallies, "dhondt", seats=N, threshold=...)``) and the disproportionality
measures from :mod:`tally.analysis.proportionality`. The comparison assumes everybody
would vote the same way under another system, which they would not: it measures how the
counting rule turns these votes into seats, not what another election would give.

Columns that are not parties (independents, the Speaker, the lumped "Other") win
first-past-the-post seats where they won, but get no list seats.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from .. import headlines
from ..ballots import Tallies
from ..errors import ConfigError
from ..rules import count
from .proportionality import disproportionality

__all__ = ["NEW_PARTY", "compare", "fptp_seats", "list_seats", "with_new_party"]

NEW_PARTY = "New party"


def fptp_seats(tallies: Tallies) -> dict[str, int]:
    """Seats per party: each area's plurality winner takes its seats (ties take none)."""
    from ..procedures import seats_summary

    return seats_summary(tallies)["seats"]


def _non_party(tallies: Tallies) -> set[str]:
    return set(tallies.metadata.get("non_party", ())) | set(tallies.metadata.get("pseudo_candidates", ()))


def list_seats(tallies: Tallies, *, rule: str, threshold: Any, by: str | None) -> dict[str, Any]:
    """List-PR seats on the tallies' votes: nationally (``by=None``) or per region
    attribute ``by``, each region filling as many seats as it has districts."""
    excluded = _non_party(tallies)
    keep = [i for i, p in enumerate(tallies.candidates) if p not in excluded]
    parties = tuple(tallies.candidates[i] for i in keep)
    votes = tallies.votes[:, keep]
    seats = tallies.attributes.get("seats", (1,) * len(tallies.areas))
    total_seats = int(sum(int(s) for s in seats))
    if by is None:
        lists = Tallies(("national",), parties, votes.sum(axis=0, keepdims=True))
        outcome = count(lists, rule, seats=total_seats, threshold=threshold)
    else:
        if by not in tallies.attributes:
            raise ConfigError(f"the tallies have no area attribute {by!r} to group regions by")
        groups: dict[str, list[int]] = defaultdict(list)
        for i, region in enumerate(tallies.attributes[by]):
            groups[str(region)].append(i)
        regions = tuple(sorted(groups))
        lists = Tallies(
            regions,
            parties,
            np.array([votes[groups[r]].sum(axis=0) for r in regions]),
            attributes={"seats": tuple(sum(int(seats[i]) for i in groups[r]) for r in regions)},
        )
        outcome = count(lists, rule, threshold=threshold)
    return {
        "seats": {p: n for p, n in outcome.details["seats"].items() if n},
        "warnings": list(outcome.warnings),
        "rule": outcome.rule,
        "options": dict(outcome.options),
    }


def with_new_party(tallies: Tallies, share: float) -> Tallies:
    """The tallies with a new party taking ``share`` of the vote in every area, the other
    columns shrinking in proportion (a uniform national share)."""
    if not 0 < share < 1:
        raise ConfigError(f"a new party's share must be between 0 and 100 %, not {share:.0%}")
    if NEW_PARTY in tallies.candidates:
        raise ConfigError(f"the tallies already have a column {NEW_PARTY!r}")
    totals = tallies.votes.sum(axis=1, keepdims=True)
    votes = np.hstack([tallies.votes * (1 - share), totals * share])
    return Tallies(
        tallies.areas,
        (*tallies.candidates, NEW_PARTY),
        votes,
        attributes=tallies.attributes,
        parties=tallies.parties,
        source=tallies.source,
        title=tallies.title,
        metadata=tallies.metadata,
    )


def _region_attribute(tallies: Tallies) -> str | None:
    for name in ("region", "state"):
        if name in tallies.attributes:
            return name
    return None


def _measures(votes: dict[str, float], seats: dict[str, int]) -> dict[str, float]:
    m = disproportionality(votes, seats)
    return {
        k: m[k]
        for k in (
            "gallagher",
            "loosemore_hanby",
            "sainte_lague",
            "effective_parties_votes",
            "effective_parties_seats",
        )
        if m.get(k) is not None
    }


def _share(value: Any) -> float:
    text = str(value).strip()
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ConfigError(f"expected a share such as 10% or 0.1, not {value!r}") from None


def compare(
    tallies: Tallies,
    *,
    rule: str = "dhondt",
    threshold: Any = None,
    regional: bool = True,
    new_party: Any = None,
) -> dict[str, Any]:
    """Seats per party under first-past-the-post, national list PR and (``regional``)
    regional list PR, with disproportionality measures for each.

    ``new_party`` (a share such as ``"10%"``) adds the seats a new party with that share
    everywhere would win under each system. Returns ``{"parties", "votes",
    "vote_share", "seats_total", "systems": {name: {"seats", "measures"}},
    "new_party", "notes"}``.
    """
    if threshold in ("", "0", "0%"):
        threshold = None
    totals = tallies.totals()
    votes = {p: float(v) for p, v in zip(tallies.candidates, totals)}
    grand = sum(votes.values())
    region = _region_attribute(tallies) if regional else None

    def systems_for(t: Tallies) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        t_votes = {p: float(v) for p, v in zip(t.candidates, t.totals())}
        fp = fptp_seats(t)
        out["fptp"] = {"seats": fp, "measures": _measures(t_votes, fp)}
        national = list_seats(t, rule=rule, threshold=threshold, by=None)
        out[f"{rule} national"] = {
            "seats": national["seats"],
            "measures": _measures(t_votes, national["seats"]),
            "warnings": national["warnings"],
        }
        if region is not None:
            reg = list_seats(t, rule=rule, threshold=threshold, by=region)
            out[f"{rule} by {region}"] = {
                "seats": reg["seats"],
                "measures": _measures(t_votes, reg["seats"]),
                "warnings": reg["warnings"],
            }
        return out

    systems = systems_for(tallies)
    notes = []
    excluded = sorted(_non_party(tallies) & set(tallies.candidates))
    if excluded:
        notes.append(f"no list seats for columns that are not parties: {', '.join(excluded)}")
    if "unopposed" in tallies.attributes:
        n = sum(1 for u in tallies.attributes["unopposed"] if u)
        if n:
            notes.append(f"{n} districts were unopposed and report no votes: list PR undercounts their party")
    report: dict[str, Any] = {
        "parties": sorted(tallies.candidates, key=lambda p: -votes[p]),
        "votes": votes,
        "vote_share": {p: (v / grand if grand else 0.0) for p, v in votes.items()},
        "seats_total": int(sum(int(s) for s in tallies.attributes.get("seats", (1,) * len(tallies.areas)))),
        "threshold": threshold,
        "systems": systems,
        "new_party": None,
        "notes": notes,
    }
    if new_party is not None:
        share = _share(new_party)
        alt = systems_for(with_new_party(tallies, share))
        report["new_party"] = {
            "share": share,
            "seats": {name: s["seats"].get(NEW_PARTY, 0) for name, s in alt.items()},
            "systems": alt,
            "assumption": "the new party takes the same share in every district; the others shrink in proportion",
        }
    report["headline"] = headlines.seats_compare(report)
    return report


def majority_needed(seats: int, vacancies: int = 0) -> int:
    """Members needed for a majority of the members in office: more than half of
    ``seats - vacancies`` (the House counts the majority of those chosen, sworn and living)."""
    if vacancies < 0 or vacancies >= seats:
        raise ConfigError(f"vacancies must be between 0 and {seats - 1}, not {vacancies}")
    return (seats - vacancies) // 2 + 1


def chamber(tallies: Tallies, *, vacancies: int = 0, swings: Any = None) -> dict[str, Any]:
    """Chamber arithmetic on first-past-the-post district results.

    The majority threshold with ``vacancies``, each of the two largest parties' seats and
    how many more it needs for control, and a seat-swing table: a uniform swing of
    ``s`` points (a fraction of each district's votes) moved from the second party to
    the first (negative: the other way) in every district, capped at the votes the
    losing party has there. ``swings`` defaults to −10 to +10 points in steps of one.
    Returns ``{"seats", "vacancies", "majority", "parties": {p: {"seats", "needed"}},
    "table": [{"swing", "seats": {a, b}}], "control_at": {p: smallest swing in the table
    giving p a majority}}``.
    """
    seats_attr = tallies.attributes.get("seats", (1,) * len(tallies.areas))
    total = int(sum(int(s) for s in seats_attr))
    majority = majority_needed(total, vacancies)
    won = fptp_seats(tallies)
    ranked = sorted(won.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) < 2:
        raise ConfigError("chamber arithmetic needs at least two parties with seats")
    first, second = ranked[0][0], ranked[1][0]
    a, b = tallies.candidates.index(first), tallies.candidates.index(second)
    grid = [round(x / 100, 10) for x in range(-10, 11)] if swings is None else [float(s) for s in swings]
    totals = tallies.votes.sum(axis=1)
    table: list[dict[str, Any]] = []
    for s in grid:
        votes = tallies.votes.astype(float).copy()
        if s >= 0:
            moved = np.minimum(s * totals, votes[:, b])
            votes[:, b] -= moved
            votes[:, a] += moved
        else:
            moved = np.minimum(-s * totals, votes[:, a])
            votes[:, a] -= moved
            votes[:, b] += moved
        shifted = Tallies(tallies.areas, tallies.candidates, votes, attributes=tallies.attributes)
        after = fptp_seats(shifted)
        table.append({"swing": s, "seats": {first: after.get(first, 0), second: after.get(second, 0)}})
    control_at: dict[str, float | None] = {}
    for party in (first, second):
        hits = [row["swing"] for row in table if row["seats"][party] >= majority]
        if party == first:
            control_at[party] = min(hits, key=abs) if hits else None
        else:
            control_at[party] = max(hits) if hits else None  # least negative swing that hands it control
    report = {
        "seats": total,
        "vacancies": vacancies,
        "majority": majority,
        "parties": {p: {"seats": n, "needed": max(0, majority - n)} for p, n in ranked},
        "swing_between": [first, second],
        "table": table,
        "control_at": control_at,
        "method": f"uniform swing of points of each district's vote from {second} to {first} (negative: back)",
    }
    return {**report, "headline": headlines.chamber(report)}
