"""What the pages show, built from library results: the seats of a chamber, the example
scenarios of the what-if panel, the electors line.

Plain functions returning JSON-ready dicts and strings; the routes in :mod:`.pages`
call them, the templates and ``app.js`` draw what they return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..analysis.proportionality import disproportionality
from ..analysis.seats import majority_needed
from ..errors import TallyError
from ..names import OTHER, find_candidate, surname
from ..procedures import electoral_college as ec

__all__ = ["SHOWN_SHARE", "electors_line", "seat_view", "whatif_examples"]

SHOWN_SHARE = 0.01
"""Parties without seats are listed one by one from this share of the votes; smaller
ones are summed in one row ("others") that opens to list them."""


def seat_view(
    votes: Mapping[str, float], details: Mapping[str, Any], *, measure: str = "votes"
) -> dict[str, Any] | None:
    """The seats view of a count that fills seats by party (or apportions them among
    states): parties, votes and seats with their shares, the majority, and how
    proportional the result is; None when the count does not give seats per party.

    Parameters
    ----------
    votes:
        The votes (or populations) the seats answer: the first round's tally of a count
        that fills seats (party lists, apportionment, seats won district by district).
    details:
        The count's ``details``: ``seats`` per party, and where the rule gives them the
        parties ``excluded`` by a ``threshold``, the ``majority`` of the chamber, and
        ``apportioned == "areas"`` for an apportionment among states.
    measure:
        What ``votes`` counts: "votes", or "population" for an apportionment.

    Returns
    -------
    dict or None
        ``{"measure", "seats", "majority", "majority_party", "rows", "others",
        "threshold", "disproportionality"}``: ``rows`` are the parties with seats or at
        least :data:`SHOWN_SHARE` of the votes, most seats first (``{"name", "votes",
        "vote_share", "seats", "seat_share", "excluded"}``, shares as fractions); the
        rest are summed in ``others`` (``{"parties", "votes", "vote_share", "rows"}``) or
        None. ``majority`` is None for an apportionment among states, which form no
        majority. ``disproportionality`` holds Gallagher's index and the other measures of
        :func:`tally.analysis.proportionality.disproportionality`, or is None when they
        are undefined (no votes).

    Examples
    --------
    >>> import numpy as np, tally
    >>> t = tally.Tallies(("all",), ("A", "B", "C"), np.array([[600.0, 300.0, 100.0]]))
    >>> outcome = tally.count(t, "dhondt", seats=10)
    >>> view = seat_view(outcome.rounds[0].tally, outcome.details)
    >>> [(r["name"], r["seats"]) for r in view["rows"]], view["majority"], view["majority_party"]
    ([('A', 6), ('B', 3), ('C', 1)], 6, 'A')
    """
    seats = details.get("seats")
    if not isinstance(seats, Mapping):
        return None
    cast = {name: float(v) for name, v in votes.items()}
    won = {name: int(n) for name, n in seats.items()}
    total_votes, total_seats = sum(cast.values()), sum(won.values())
    excluded = set(details.get("excluded") or ())
    by_area = details.get("apportioned") == "areas"
    majority = (
        None if by_area or not total_seats else int(details.get("majority") or majority_needed(total_seats))
    )
    rows = sorted(
        (
            {
                "name": name,
                "votes": cast.get(name, 0.0),
                "vote_share": cast.get(name, 0.0) / total_votes if total_votes else 0.0,
                "seats": won.get(name, 0),
                "seat_share": won.get(name, 0) / total_seats if total_seats else 0.0,
                "excluded": name in excluded,
            }
            for name in [*cast, *(p for p in won if p not in cast)]
        ),
        key=lambda r: (-r["seats"], -r["votes"]),
    )
    shown = [r for r in rows if r["seats"] or r["vote_share"] >= SHOWN_SHARE]
    rest = [r for r in rows if not (r["seats"] or r["vote_share"] >= SHOWN_SHARE)]
    try:
        measures = {k: v for k, v in disproportionality(cast, won).items() if k != "parties"}
    except TallyError:
        measures = None
    leader = shown[0]["name"] if shown and majority and shown[0]["seats"] >= majority else None
    return {
        "measure": measure,
        "seats": total_seats,
        "majority": majority,
        "majority_party": leader,
        "rows": shown,
        "others": (
            {
                "parties": len(rest),
                "votes": sum(r["votes"] for r in rest),
                "vote_share": sum(r["vote_share"] for r in rest),
                "rows": rest,
            }
            if rest
            else None
        ),
        "threshold": details.get("threshold"),
        "disproportionality": measures,
    }


def electors_line(result: Mapping[str, Any]) -> str:
    """Which electors a page shows, in words that point at the page's own control where
    the command line's line names its ``--faithless`` option.

    >>> electors_line({"electors": "pledged", "faithless": []})
    'pledged electors: every elector votes as pledged (choose “as they voted” under Electors to count the faithless ones)'
    """
    if result.get("electors", "pledged") == "pledged":
        return "pledged electors: every elector votes as pledged (choose “as they voted” under Electors to count the faithless ones)"
    return ec.electors_line(result)


def whatif_examples(
    candidates: Sequence[str], totals: Sequence[float], areas: Sequence[Mapping[str, Any]]
) -> dict[str, str]:
    """Example scenarios for a presidential dataset's what-if panel, written with its own
    candidates and closest states (so a 2024 page never suggests moving Nader's votes).

    Parameters
    ----------
    candidates, totals:
        The candidates and their national votes.
    areas:
        The areas of the actual result (``area``, ``winner``, ``votes``).

    Returns
    -------
    dict
        ``{"scenario": example statements that help the runner-up of the closest state
        (half the third candidate's voters moving to them; a swing of a point in the
        two closest states), "states": those states,
        "other_states": the two least close}``, the statements naming candidates by
        surname where the surname picks them out.
    """
    order = [i for i in sorted(range(len(candidates)), key=lambda i: -totals[i]) if candidates[i] != OTHER]
    states = sorted((a for a in areas if len(a["area"]) == 2 and len(a["votes"]) > 1), key=_margin)
    near = ",".join(a["area"] for a in states[:2])
    far = ",".join(a["area"] for a in states[-2:])
    lines = []
    if states:
        # the scenarios people ask about help the runner-up of the closest state
        votes = states[0]["votes"]
        leader, runner_up = (
            _short(c, candidates, totals) for c in sorted(votes, key=lambda c: -votes[c])[:2]
        )
        if len(order) > 2:
            lines.append(f"{_short(candidates[order[2]], candidates, totals)} -> {runner_up} 50%")
        lines.append(f"swing {leader} -> {runner_up} 1pt in {near}")
    return {
        "scenario": "\n".join(lines),
        "states": f"all states, or {near}" if near else "all states",
        "other_states": f"all states, or {far}" if far else "all states",
    }


def _short(name: str, candidates: Sequence[str], totals: Sequence[float]) -> str:
    """A candidate as the what-if language takes them: the surname where it picks them
    out, else the full name in quotes."""
    short = surname(name)
    try:
        if find_candidate(short, candidates, totals) == name and " " not in short:
            return short.title() if short.isupper() else short
    except TallyError:
        pass
    return f'"{name}"'


def _margin(area: Mapping[str, Any]) -> float:
    votes = sorted(area["votes"].values(), reverse=True)
    total = sum(votes) or 1
    return (votes[0] - (votes[1] if len(votes) > 1 else 0)) / total
