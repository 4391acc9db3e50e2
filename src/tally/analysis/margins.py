"""Margins of an Electoral College contest: how close was it, and where?

* Per area (state, or Maine/Nebraska at-large pair and district): winner, runner-up,
  margin in votes and as a share of the area's votes, and the votes that would have to
  switch from the winner to the challenger to flip it: ``floor(margin / 2) + 1`` (a
  switch moves one vote off one pile onto the other; an exact tie is not a flip), or
  more when a third candidate is close behind.
* The tipping-point area: order the areas by the national winner's margin share, most
  favourable first, and add up their electoral votes; the area that takes the winner to a
  majority is the tipping point.
* The smallest number of switched votes that changes the result, found exactly by a
  knapsack (dynamic programme) over areas: ``to_win`` makes the challenger win outright,
  ``to_deny`` leaves the winner short of a majority (an exact tie or no majority, both
  sending the choice to the House), ``to_tie`` reaches an exact tie. Maine's and
  Nebraska's units are one group: votes switched in a district also count statewide, so
  flipping a set of their units costs the district needs, or the statewide need when that
  is larger (votes are switched from the statewide winner; see :func:`_group_options`).

Pledged electors are counted by default: the question is what votes do. With
``faithless="historical"`` the electors who broke their pledge keep their votes while
their state stays with its winner; a state that flips sends the challenger's electors,
who vote as pledged.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..contest import Contest, is_electoral
from ..errors import ConfigError
from ..names import find_candidate
from ..procedures import electoral_college, seats_summary
from ..rules.composite import Unit, units

__all__ = ["area_margins", "margins", "min_switch", "need_two_candidates", "switch_cost", "tipping_point"]


def _eligible(tallies: Tallies) -> np.ndarray:
    pseudo = set(tallies.metadata.get("pseudo_candidates", ()))
    return np.array([c not in pseudo for c in tallies.candidates])


def switch_cost(votes: np.ndarray, challenger: int, eligible: np.ndarray) -> int:
    """Votes to switch from the area's winner to ``challenger`` so the challenger leads
    strictly (0 when the challenger already wins)."""
    masked = np.where(eligible, votes, -np.inf)
    winner = int(np.argmax(masked))
    if winner == challenger and np.sum(masked == masked[winner]) == 1:
        return 0
    w, c = float(votes[winner]), float(votes[challenger])
    need = int((w - c) // 2) + 1
    others = np.delete(masked, [winner, challenger]) if winner != challenger else np.array([])
    if others.size:
        # a third candidate close behind must be passed as well
        need = max(need, int(others.max() - c) + 1)
    return max(need, 0)


def area_margins(tallies: Tallies, challenger: int | None = None) -> list[dict[str, Any]]:
    """Per-unit margins under the law's allocation (district method where it applies)."""
    eligible = _eligible(tallies)
    rows = []
    for u in units(tallies, "wta")[0]:
        masked = np.where(eligible, u.votes, -np.inf)
        order = np.argsort(-masked, kind="stable")
        w, r = int(order[0]), int(order[1])
        total = float(u.votes.sum())
        margin = float(u.votes[w] - u.votes[r])
        rows.append(
            {
                "area": u.area,
                "state": u.state,
                "electoral_votes": u.electoral_votes,
                "winner": tallies.candidates[w],
                "runner_up": tallies.candidates[r],
                "margin": margin,
                "margin_share": margin / total if total else 0.0,
                "votes_to_flip": int(margin // 2) + 1,
                "votes_to_challenger": None
                if challenger is None
                else switch_cost(u.votes, challenger, eligible),
            }
        )
    return rows


def tipping_point(tallies: Tallies, leader: int, majority: int) -> dict[str, Any] | None:
    """The unit that gives ``leader`` a majority when units are added in order of the
    leader's margin share (leader minus best other, over the unit's votes)."""
    eligible = _eligible(tallies)
    scored = []
    for u in units(tallies, "wta")[0]:
        total = float(u.votes.sum())
        others = np.where(eligible, u.votes, -np.inf)
        others[leader] = -np.inf
        share = (float(u.votes[leader]) - float(others.max())) / total if total else 0.0
        scored.append((share, u))
    scored.sort(key=lambda su: (-su[0], su[1].area))
    running = 0
    for share, u in scored:
        running += u.electoral_votes
        if running >= majority:
            return {
                "area": u.area,
                "electoral_votes": u.electoral_votes,
                "leader_margin_share": share,
                "cumulative_electoral_votes": running,
            }
    return None


def _group_options(
    group: Sequence[Unit],
    challenger: int,
    leader: int,
    eligible: np.ndarray,
    slate: tuple[int, int] = (0, 0),
) -> list[tuple[int, int, int, tuple[str, ...]]]:
    """(cost, challenger's gain, leader's loss, units) for every set of units of one state
    that could flip to the challenger. A state with districts has its statewide unit
    first; votes switched in a district also count statewide. ``slate`` is (electors
    pledged to the leader there who did not vote for him, those of them who voted for
    the challenger): when the state's own unit flips they are replaced by the
    challenger's pledged electors, so the leader loses that many fewer votes and the
    challenger gains that many fewer."""

    def winner(u: Unit) -> int:
        return int(np.argmax(np.where(eligible, u.votes, -np.inf)))

    flippable = [(u, switch_cost(u.votes, challenger, eligible)) for u in group]
    flippable = [(u, c) for u, c in flippable if c > 0]
    options = []
    statewide = group[0].area == group[0].state
    for size in range(1, len(flippable) + 1):
        for chosen in combinations(flippable, size):
            district_cost = sum(c for u, c in chosen if u.area != u.state)
            state_cost = max((c for u, c in chosen if u.area == u.state), default=0)
            cost = (
                max(district_cost, state_cost) if statewide and len(group) > 1 else district_cost + state_cost
            )
            gain = sum(u.electoral_votes for u, _ in chosen)
            loss = sum(u.electoral_votes for u, _ in chosen if winner(u) == leader)
            if any(u.area == u.state and winner(u) == leader for u, _ in chosen):
                loss -= slate[0]
                gain -= slate[1]
            options.append((cost, gain, loss, tuple(u.area for u, _ in chosen)))
    return options


def min_switch(
    groups: Sequence[list[tuple[int, int, int, tuple[str, ...]]]],
) -> dict[tuple[int, int], tuple[int, tuple[str, ...]]]:
    """Group knapsack: for every reachable (gain, loss), the cheapest choice of at most one
    option per group, as (cost, units)."""
    best: dict[tuple[int, int], tuple[int, tuple[str, ...]]] = {(0, 0): (0, ())}
    for options in groups:
        nxt = dict(best)
        for (gain, loss), (cost, chosen) in best.items():
            for c, g, lost, areas in options:
                key = (gain + g, loss + lost)
                value = (cost + c, chosen + areas)
                if (
                    key not in nxt
                    or value[0] < nxt[key][0]
                    or (value[0] == nxt[key][0] and value[1] < nxt[key][1])
                ):
                    nxt[key] = value
        best = nxt
    return best


def _min_cost_at_least(
    items: Sequence[tuple[int, int, str]], limit: int
) -> list[tuple[int, tuple[str, ...]] | None]:
    """0/1 knapsack: for every k ≤ limit, the cheapest set of items (cost, weight, name)
    whose weights add up to at least k."""
    inf = float("inf")
    best: list[tuple[float, tuple[str, ...]]] = [(0, ())] + [(inf, ())] * limit
    for cost, weight, name in items:
        if weight <= 0:
            continue
        for k in range(limit, 0, -1):
            base = best[max(0, k - weight)]
            if base[0] + cost < best[k][0]:
                best[k] = (base[0] + cost, base[1] + (name,))
    return [None if c == inf else (int(c), tuple(sorted(a))) for c, a in best]


def _total_margins(tallies: Tallies, challenger: str | None) -> dict[str, Any]:
    """One contest reported by area: the summed margin and the switches that flip it."""
    totals = tallies.totals()
    eligible = _eligible(tallies)
    masked = np.where(eligible, totals, -np.inf)
    order = np.argsort(-masked, kind="stable")
    leader = int(order[0])
    chal = (
        int(order[1])
        if challenger is None
        else tallies.candidates.index(find_candidate(challenger, tallies.candidates, totals))
    )
    if chal == leader:
        raise ConfigError(f"{tallies.candidates[chal]} already leads; name another challenger")
    cost = switch_cost(totals, chal, eligible)
    areas = []
    for i, area in enumerate(tallies.areas):
        v = tallies.votes[i]
        m = np.where(eligible, v, -np.inf)
        o = np.argsort(-m, kind="stable")
        total = float(v.sum())
        areas.append(
            {
                "area": area,
                "winner": tallies.candidates[int(o[0])],
                "runner_up": tallies.candidates[int(o[1])],
                "margin": float(v[o[0]] - v[o[1]]),
                "margin_share": float(v[o[0]] - v[o[1]]) / total if total else 0.0,
                "votes_to_flip": int((v[o[0]] - v[o[1]]) // 2) + 1,
            }
        )
    return {
        "winner": tallies.candidates[leader],
        "challenger": tallies.candidates[chal],
        "votes": {tallies.candidates[int(j)]: float(totals[j]) for j in order if totals[j] > 0},
        "margin": float(totals[leader] - totals[chal]),
        "areas": areas,
        "tipping_point": None,
        "to_win": {"votes": cost, "areas": [], "note": "anywhere: the areas' votes are summed"},
        "to_deny": None,
        "to_tie": None,
        "note": "one contest counted over all areas; votes switched from the leader to the challenger",
    }


def _seat_margins(tallies: Tallies, challenger: str | None) -> dict[str, Any]:
    """Margins of a chamber elected by plurality in each area (one knapsack per goal)."""
    summary = seats_summary(tallies)
    seats = summary["seats"]
    ranked = list(seats.items())
    if len(ranked) < 2 and challenger is None:
        raise ConfigError("only one party has seats; name a challenger")
    leader_name = ranked[0][0]
    challenger_name = (
        ranked[1][0]
        if challenger is None
        else find_candidate(challenger, tallies.candidates, tallies.totals())
    )
    if challenger_name == leader_name:
        raise ConfigError(f"{challenger_name} already leads; name another challenger")
    chal = tallies.candidates.index(challenger_name)
    eligible = _eligible(tallies)
    weights = tallies.attributes.get("seats", (1,) * len(tallies.areas))
    # unopposed winners have no vote count (reported as 1 vote): switching votes cannot flip them
    unopposed = tallies.attributes.get("unopposed", (False,) * len(tallies.areas))
    areas, gain_items, loss_items = [], [], []
    for i, area in enumerate(tallies.areas):
        v = tallies.votes[i]
        masked = np.where(eligible, v, -np.inf)
        order = np.argsort(-masked, kind="stable")
        w, r = int(order[0]), int(order[1])
        total = float(v.sum())
        cost = None if unopposed[i] else switch_cost(v, chal, eligible)
        areas.append(
            {
                "area": area,
                "state": area,
                "seats": int(weights[i]),
                "unopposed": bool(unopposed[i]),
                "winner": tallies.candidates[w],
                "runner_up": tallies.candidates[r],
                "margin": float(v[w] - v[r]),
                "margin_share": float(v[w] - v[r]) / total if total else 0.0,
                "votes_to_flip": int((v[w] - v[r]) // 2) + 1,
                "votes_to_challenger": cost,
            }
        )
        if cost:
            gain_items.append((cost, int(weights[i]), area))
            if tallies.candidates[w] == leader_name:
                loss_items.append((cost, int(weights[i]), area))
    majority = summary["majority"]
    lead, have = seats[leader_name], seats.get(challenger_name, 0)
    need_gain = max(0, majority - have)
    need_loss = max(0, lead - majority + 1)
    gains = _min_cost_at_least(gain_items, need_gain)
    losses = _min_cost_at_least(loss_items, need_loss)

    def shape(found: tuple[int, tuple[str, ...]] | None) -> dict[str, Any] | None:
        if found is None:
            return None
        cost, chosen = found
        lost = sum(
            int(weights[tallies.areas.index(a)])
            for a in chosen
            if areas[tallies.areas.index(a)]["winner"] == leader_name
        )
        won = sum(int(weights[tallies.areas.index(a)]) for a in chosen)
        return {
            "votes": cost,
            "areas": list(chosen),
            "challenger_seats": have + won,
            "winner_seats": lead - lost,
        }

    return {
        "winner": leader_name,
        "challenger": challenger_name,
        "seats": seats,
        "majority": majority,
        "areas": areas,
        "tipping_point": None,
        "to_win": shape(gains[need_gain]) if need_gain else None,
        "to_deny": shape(losses[need_loss]) if lead >= majority and need_loss else None,
        "to_tie": None,
        "note": (
            "votes switched from each district's winner to the challenger; 'to_deny' leaves the largest "
            "party without a majority of the seats"
            + (
                f"; {sum(map(bool, unopposed))} unopposed districts cannot be flipped"
                if any(unopposed)
                else ""
            )
        ),
    }


def need_two_candidates(tallies: Tallies, what: str) -> None:
    """Refuse tallies of one column (a census population, say), which ``what`` (the
    analysis, named in the message) cannot compare.

    Raises :class:`~tally.errors.ConfigError` naming the tallies and their column.
    """
    if len(tallies.candidates) < 2:
        named = tallies.title or tallies.source or "the tallies"
        raise ConfigError(
            f"{what} compare candidates, but {named} has a single column "
            f"({', '.join(tallies.candidates) or 'none'}); give a contest with two or more candidates"
        )


def margins(
    contest: Contest | Tallies, challenger: str | None = None, *, faithless: Any = None
) -> dict[str, Any]:
    """The margins report: per-area margins, tipping point and the smallest changes.

    ``challenger`` defaults to the candidate with the second most electoral votes (or
    seats, for tallies without electoral votes: then every area elects its plurality
    winner, ``seats`` replaces ``electoral_votes``, the ``to_*`` entries count seats,
    ``to_tie`` and the tipping point are not computed).
    Returns ``{"winner", "challenger", "electoral_votes", "majority", "areas",
    "tipping_point", "to_win", "to_deny", "to_tie", "note"}``; each ``to_*`` is
    ``{"votes", "areas", "challenger_electoral_votes", "winner_electoral_votes"}``
    (``*_seats`` for seat tallies) or None when impossible. ``faithless`` chooses the
    electors (None: the contest's own setting, pledged unless its options say otherwise;
    ``"historical"``: as they voted, see the module docstring); ``electors`` says which.
    """
    if not isinstance(contest, Contest):
        contest = Contest(contest, electoral_college.RULE)
    tallies = contest.ballots
    need_two_candidates(tallies, "margins")
    if not is_electoral(tallies):
        if "seats" in tallies.attributes:
            return _seat_margins(tallies, challenger)
        return _total_margins(tallies, challenger)
    setting = faithless if faithless is not None else contest.options.get("faithless")
    outcome = electoral_college.count(
        Contest(tallies, electoral_college.RULE, {"allocation": "wta", "faithless": setting or "none"})
    )
    ev = outcome.details["electoral_votes"]
    majority = outcome.details["majority"]
    ranked = sorted(ev.items(), key=lambda kv: (-kv[1], kv[0]))
    leader_name = ranked[0][0]
    if challenger is None:
        if len(ranked) < 2:
            raise ConfigError("only one candidate has electoral votes; name a challenger")
        challenger_name = ranked[1][0]
    else:
        challenger_name = find_candidate(challenger, tallies.candidates, tallies.totals())
    if challenger_name == leader_name:
        raise ConfigError(f"{challenger_name} already leads; name another challenger")
    leader = tallies.candidates.index(leader_name)
    chal = tallies.candidates.index(challenger_name)
    eligible = _eligible(tallies)
    unit_list = units(tallies, "wta")[0]
    by_state: dict[str, list[Unit]] = {}
    for u in unit_list:
        by_state.setdefault(u.state, []).append(u)
    slates: dict[str, list[int]] = {}
    for entry in outcome.details["faithless"]:
        if entry["pledged"] == leader_name:
            slate = slates.setdefault(entry["state"], [0, 0])
            slate[0] += entry["electors"]
            slate[1] += entry["electors"] if entry["voted"] == challenger_name else 0
    groups = [
        _group_options(g, chal, leader, eligible, tuple(slates.get(state, (0, 0))))  # type: ignore[arg-type]
        for state, g in sorted(by_state.items())
    ]
    table = min_switch(groups)
    lead_ev, chal_ev = ev.get(leader_name, 0), ev.get(challenger_name, 0)

    def pick(ok: Any) -> dict[str, Any] | None:
        hits = [(cost, areas, g, lost) for (g, lost), (cost, areas) in table.items() if ok(g, lost)]
        if not hits:
            return None
        cost, areas, g, lost = min(hits, key=lambda h: (h[0], h[1]))
        return {
            "votes": cost,
            "areas": list(areas),
            "challenger_electoral_votes": chal_ev + g,
            "winner_electoral_votes": lead_ev - lost,
        }

    report = {
        "winner": leader_name,
        "challenger": challenger_name,
        "electoral_votes": dict(ev),
        "majority": majority,
        "areas": area_margins(tallies, chal),
        "tipping_point": tipping_point(tallies, leader, majority),
        "to_win": pick(lambda g, lost: chal_ev + g >= majority),
        "to_deny": pick(lambda g, lost: g > 0 and lead_ev - lost < majority),
        "to_tie": pick(
            lambda g, lost: (
                chal_ev + g == lead_ev - lost == outcome.details["appointed"] // 2
                if outcome.details["appointed"] % 2 == 0
                else False
            )
        ),
        "electors": electoral_college.electors(setting),
        "note": "votes switched from each area's winner to the challenger; "
        + (
            "pledged electors"
            if electoral_college.electors(setting) == "pledged"
            else "electors as they voted"
        ),
    }
    return report
