"""Margins, tipping point and the exact smallest vote switch, on the bundled data."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

import tally
from tally.analysis.margins import area_margins, margins, switch_cost
from tally.data import us


def row(report, area):
    return next(r for r in report["areas"] if r["area"] == area)


def test_2000_state_margins_from_the_data():
    t = us.president(2000)
    r = margins(t)
    fl, nm, wi, nh = (row(r, a) for a in ("FL", "NM", "WI", "NH"))
    bush, gore = (us.find_candidate(n, t.candidates) for n in ("Bush", "Gore"))
    i = t.areas.index("FL")
    assert fl["margin"] == t.votes[i, t.candidates.index(bush)] - t.votes[i, t.candidates.index(gore)] == 537
    assert nm["margin"] == 366 and round(nm["margin_share"] * 100, 2) == 0.06
    assert wi["margin"] == 5_708 and round(wi["margin_share"] * 100, 2) == 0.22
    assert nh["margin"] == 7_211


def test_2000_florida_alone_flips_it_with_269_switched_votes():
    r = margins(us.president(2000))
    assert r["tipping_point"]["area"] == "FL"
    assert r["to_win"]["areas"] == ["FL"]
    assert r["to_win"]["votes"] == 537 // 2 + 1 == 269
    assert r["to_win"]["challenger_electoral_votes"] == 267 + 25


def test_2020_tie_through_arizona_georgia_wisconsin():
    t = us.president(2020)
    r = margins(t)
    assert sorted(r["to_tie"]["areas"]) == ["AZ", "GA", "WI"]
    expected = sum(int(row(r, a)["margin"]) // 2 + 1 for a in ("AZ", "GA", "WI"))
    assert r["to_tie"]["votes"] == expected
    # the margins themselves add up to the often-quoted 42,918
    assert sum(int(row(r, a)["margin"]) for a in ("AZ", "GA", "WI")) == 42_918
    assert r["to_win"]["votes"] > r["to_deny"]["votes"]
    assert r["to_win"]["challenger_electoral_votes"] >= 270


def brute_force(tallies, challenger, majority, start):
    eligible = np.array([c != us.OTHER for c in tallies.candidates])
    items = []
    for i, area in enumerate(tallies.areas):
        c = switch_cost(tallies.votes[i], challenger, eligible)
        if c > 0:
            items.append((c, int(tallies.attributes["electoral_votes"][i])))
    best = None
    for k in range(len(items) + 1):
        for chosen in combinations(items, k):
            if start + sum(ev for _, ev in chosen) >= majority:
                cost = sum(c for c, _ in chosen)
                best = cost if best is None else min(best, cost)
    return best


@pytest.mark.parametrize("year", [2000, 2012, 2016, 2020])
def test_dp_equals_brute_force_on_twelve_closest_states(year):
    full = us.president(year)
    r = margins(full)
    closest = sorted(
        (a for a in r["areas"] if a["area"] == a["state"] and a["state"] not in ("ME", "NE")),
        key=lambda a: a["margin_share"],
    )[:12]
    keep = [full.areas.index(a["area"]) for a in closest]
    # a reduced instance: the twelve closest states, the challenger needing a fixed number
    sub = tally.Tallies(
        tuple(full.areas[i] for i in keep),
        full.candidates,
        full.votes[keep],
        attributes={"electoral_votes": tuple(full.attributes["electoral_votes"][i] for i in keep)},
        metadata={"pseudo_candidates": (us.OTHER,)},
    )
    sr = margins(sub)
    chal = sub.candidates.index(sr["challenger"])
    start = sr["electoral_votes"].get(sr["challenger"], 0)
    assert sr["to_win"] is not None
    assert brute_force(sub, chal, sr["majority"], start) == (
        None if sr["to_win"] is None else sr["to_win"]["votes"]
    )


def test_switch_cost_three_way():
    v = np.array([100.0, 90.0, 99.0])
    el = np.ones(3, dtype=bool)
    # challenger 1 must pass both 100 (after switching) and 99
    assert switch_cost(v, 1, el) == 10
    assert switch_cost(np.array([10.0, 10.0]), 1, np.ones(2, bool)) == 1


def test_area_margins_include_maine_nebraska_units():
    rows = area_margins(us.president(2020))
    areas = [r["area"] for r in rows]
    assert "ME-2" in areas and "NE-2" in areas
    assert sum(r["electoral_votes"] for r in rows) == 538


def test_seat_tallies_knapsack_matches_brute_force():
    from tally.data import uk

    full = uk.general_election(2024)
    # a reduced chamber: the 14 closest Labour-Conservative seats plus 7 safe Labour ones
    rows = margins(full)["areas"]
    close = sorted(
        (r for r in rows if {r["winner"], r["runner_up"]} == {"Lab", "Con"}), key=lambda r: r["margin_share"]
    )[:14]
    safe = [r for r in rows if r["winner"] == "Lab" and r["margin_share"] > 0.3][:7]
    keep = [full.areas.index(r["area"]) for r in close + safe]
    sub = tally.Tallies(
        tuple(full.areas[i] for i in keep),
        full.candidates,
        full.votes[keep],
        attributes={"seats": (1,) * len(keep)},
    )
    r = margins(sub, challenger="Con")
    con = sub.candidates.index("Con")
    eligible = np.ones(len(sub.candidates), dtype=bool)
    costs = [(switch_cost(sub.votes[i], con, eligible), a) for i, a in enumerate(sub.areas)]
    have = sum(1 for c, _ in costs if c == 0)
    need = len(keep) // 2 + 1 - have
    best = (
        min(
            sum(c for c, _ in chosen)
            for k in range(need, len(costs) + 1)
            for chosen in combinations([x for x in costs if x[0] > 0], k)
            if k >= need
        )
        if need > 0
        else None
    )
    assert r["majority"] == len(keep) // 2 + 1
    assert r["to_win"]["votes"] == best
    assert r["to_win"]["challenger_seats"] >= r["majority"]


def test_house_2018_margins_to_change_control():
    r = margins(us.house(2018))
    assert r["winner"] == "DEMOCRAT" and r["challenger"] == "REPUBLICAN" and r["majority"] == 218
    assert r["to_win"]["challenger_seats"] >= 218 and len(r["to_win"]["areas"]) == 218 - 200
    assert r["to_deny"]["winner_seats"] <= 217
    # every chosen district was won by a Democrat and needs that many switches
    by_area = {a["area"]: a for a in r["areas"]}
    assert r["to_win"]["votes"] == sum(by_area[a]["votes_to_challenger"] for a in r["to_win"]["areas"])
    # unopposed winners (reported with 1 vote) are never "flipped" by one switched vote
    assert not any(by_area[a]["unopposed"] for a in r["to_win"]["areas"] + r["to_deny"]["areas"])
    assert "unopposed" in r["note"]


def test_one_contest_by_county_florida_machine_count():
    f = tally.data.load("florida-2000")
    r = margins(f)
    totals = dict(zip(f.candidates, f.totals()))
    assert r["winner"] == "George W. Bush" and r["challenger"] == "Al Gore"
    assert r["margin"] == totals["George W. Bush"] - totals["Al Gore"] == 975
    assert r["to_win"]["votes"] == 975 // 2 + 1
