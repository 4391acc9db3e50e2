"""How proportional a seat allocation is, and how seats answer votes.

Plain functions on ``{party: votes}`` and ``{party: seats}`` mappings, returning floats
or JSON-ready dicts. Vote and seat shares are in percent (0–100), so the indices are in
percentage points, as Gallagher (1991) reports them.

* :func:`gallagher` — least squares index, LSq = √(½ Σ (vᵢ − sᵢ)²).
  Gallagher, M. (1991). Proportionality, disproportionality and electoral systems.
  *Electoral Studies* 10(1), 33–51.
* :func:`loosemore_hanby` — D = ½ Σ |vᵢ − sᵢ|. Loosemore, J. & Hanby, V. J. (1971).
  The theoretical limits of maximum distortion. *British Journal of Political Science*
  1(4), 467–477.
* :func:`sainte_lague_index` — Σ (sᵢ − vᵢ)² / vᵢ (Gallagher 1991, after Sainte-Laguë 1910).
* :func:`effective_number` — N = 1 / Σ pᵢ² with shares as fractions. Laakso, M. &
  Taagepera, R. (1979). "Effective" number of parties. *Comparative Political Studies*
  12(1), 3–27.
* :func:`disproportionality` — all of the above plus a per-party table.
* :func:`seats_votes_curve` — first-past-the-post seats for one party over a range of
  uniform swings across a set of districts (Butler's uniform swing; see Tufte, E. R.
  (1973). The relationship between seats and votes in two-party systems. *American
  Political Science Review* 67(2), 540–554).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..errors import ConfigError

__all__ = [
    "disproportionality",
    "effective_number",
    "gallagher",
    "loosemore_hanby",
    "sainte_lague_index",
    "seats_votes_curve",
    "shares",
]


def _parties(votes: Mapping[str, float], seats: Mapping[str, float]) -> list[str]:
    return list(votes) + [p for p in seats if p not in votes]


def shares(values: Mapping[str, float], parties: Iterable[str] | None = None) -> dict[str, float]:
    """Each party's share of the total in percent (0 for a party not in ``values``).

    >>> shares({"A": 3, "B": 1})
    {'A': 75.0, 'B': 25.0}
    """
    names = list(values) if parties is None else list(parties)
    for name, value in values.items():
        if value < 0 or not math.isfinite(value):
            raise ConfigError(f"{name!r} has {value!r}; counts must be finite and not negative")
    total = float(sum(values.values()))
    if total <= 0:
        raise ConfigError("the counts add up to 0; shares are undefined")
    return {p: 100.0 * float(values.get(p, 0)) / total for p in names}


def _pairs(
    votes: Mapping[str, float], seats: Mapping[str, float]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    parties = _parties(votes, seats)
    v = shares(votes, parties)
    s = shares(seats, parties)
    return parties, np.array([v[p] for p in parties]), np.array([s[p] for p in parties])


def gallagher(votes: Mapping[str, float], seats: Mapping[str, float]) -> float:
    """Gallagher's least squares index in percentage points: √(½ Σ (vᵢ − sᵢ)²).

    >>> round(gallagher({"A": 50, "B": 30, "C": 20}, {"A": 6, "B": 3, "C": 1}), 6)
    10.0
    """
    _, v, s = _pairs(votes, seats)
    return float(math.sqrt(0.5 * float(((v - s) ** 2).sum())))


def loosemore_hanby(votes: Mapping[str, float], seats: Mapping[str, float]) -> float:
    """Loosemore–Hanby index in percentage points: ½ Σ |vᵢ − sᵢ|.

    >>> round(loosemore_hanby({"A": 50, "B": 30, "C": 20}, {"A": 6, "B": 3, "C": 1}), 6)
    10.0
    """
    _, v, s = _pairs(votes, seats)
    return float(0.5 * float(np.abs(v - s).sum()))


def sainte_lague_index(votes: Mapping[str, float], seats: Mapping[str, float]) -> float | None:
    """Sainte-Laguë index: Σ (sᵢ − vᵢ)² / vᵢ over parties with votes (shares in percent).

    ``None`` when a party holds seats with no votes (the index is infinite then).

    >>> round(sainte_lague_index({"A": 50, "B": 30, "C": 20}, {"A": 6, "B": 3, "C": 1}), 6)
    7.0
    """
    _, v, s = _pairs(votes, seats)
    if np.any((v == 0) & (s > 0)):
        return None
    counted = v > 0
    return float((((s - v) ** 2)[counted] / v[counted]).sum())


def effective_number(values: Mapping[str, float]) -> float:
    """Laakso–Taagepera effective number of parties: 1 / Σ pᵢ² (shares as fractions).

    >>> round(effective_number({"A": 50, "B": 50}), 6)
    2.0
    """
    p = np.array(list(shares(values).values())) / 100.0
    return float(1.0 / float((p**2).sum()))


def disproportionality(votes: Mapping[str, float], seats: Mapping[str, float]) -> dict[str, Any]:
    """Every measure at once, with a per-party table of votes, seats and shares.

    >>> m = disproportionality({"A": 50, "B": 30, "C": 20}, {"A": 6, "B": 3, "C": 1})
    >>> m["gallagher"], m["loosemore_hanby"], round(m["sainte_lague"], 6)
    (10.0, 10.0, 7.0)
    """
    parties = _parties(votes, seats)
    v = shares(votes, parties)
    s = shares(seats, parties)
    return {
        "gallagher": gallagher(votes, seats),
        "loosemore_hanby": loosemore_hanby(votes, seats),
        "sainte_lague": sainte_lague_index(votes, seats),
        "effective_parties_votes": effective_number(votes),
        "effective_parties_seats": effective_number(seats),
        "parties": {
            p: {
                "votes": float(votes.get(p, 0)),
                "vote_share": v[p],
                "seats": float(seats.get(p, 0)),
                "seat_share": s[p],
            }
            for p in parties
        },
        "units": "shares and indices in percent / percentage points",
    }


def _swing_shares(share: np.ndarray, party: int, delta: float) -> np.ndarray:
    """District shares after adding ``delta`` to one party; the others shrink or grow in proportion."""
    new = share.copy()
    target = np.clip(share[:, party] + delta, 0.0, 1.0)
    rest = 1.0 - share[:, party]
    rest_new = 1.0 - target
    others = [j for j in range(share.shape[1]) if j != party]
    for d in range(share.shape[0]):
        if rest[d] > 0:
            new[d, others] = share[d, others] * (rest_new[d] / rest[d])
        elif others:
            new[d, others] = rest_new[d] / len(others)
    new[:, party] = target
    return new


def seats_votes_curve(
    districts: Tallies,
    party: str,
    *,
    swings: Sequence[float] | None = None,
) -> dict[str, Any]:
    """First-past-the-post seats of ``party`` as its vote share moves by uniform swing.

    Each district's share for ``party`` moves by the same number of points (clipped to
    0–100 %); the other parties' shares shrink or grow in proportion to their own, so
    each district's turnout is unchanged. A district the party ties for first counts
    as 1/k of a seat (k tied parties). ``swings`` are fractions (``0.05`` = 5 points);
    by default −25 to +25 points in steps of one point.

    Returns ``{"party", "districts", "method", "actual": {"votes", "seats"},
    "points": [{"swing", "votes", "seats", "seat_share"}], "majority_at"}``, with
    vote and seat shares as fractions and ``majority_at`` the smallest swing in the
    grid that gives the party more than half the districts (``None`` if none does).

    >>> import numpy as np, tally
    >>> t = tally.Tallies(("d1", "d2"), ("A", "B"), np.array([[40., 60.], [55., 45.]]))
    >>> [p["seats"] for p in seats_votes_curve(t, "A", swings=[-0.1, 0, 0.1, 0.15])["points"]]
    [0.0, 1.0, 1.5, 2.0]
    """
    if party not in districts.candidates:
        raise ConfigError(
            f"{party!r} is not a party of these tallies; parties: {', '.join(districts.candidates)}"
        )
    grid = [round(x / 100, 10) for x in range(-25, 26)] if swings is None else [float(s) for s in swings]
    totals = districts.votes.sum(axis=1)
    counted = totals > 0
    votes = districts.votes[counted]
    totals = totals[counted]
    if votes.shape[0] == 0:
        raise ConfigError("no district has any votes")
    share = votes / totals[:, None]
    index = districts.candidates.index(party)

    def point(delta: float) -> dict[str, float]:
        moved = _swing_shares(share, index, delta)
        top = moved.max(axis=1)
        leaders = np.isclose(moved, top[:, None], rtol=0, atol=1e-12)
        won = float((leaders[:, index] / leaders.sum(axis=1)).sum())
        national = float((moved[:, index] * totals).sum() / totals.sum())
        return {"swing": delta, "votes": national, "seats": won, "seat_share": won / len(totals)}

    points = [point(d) for d in grid]
    actual = point(0.0)
    half = len(totals) / 2
    majority = [p["swing"] for p in points if p["seats"] > half]
    return {
        "party": party,
        "districts": len(totals),
        "method": "uniform swing; other parties scaled in proportion; first past the post",
        "actual": {"votes": actual["votes"], "seats": actual["seats"]},
        "points": points,
        "majority_at": min(majority) if majority else None,
    }
