"""districts on random tallies against a plain reading of first-past-the-post, area by area."""

from __future__ import annotations

import numpy as np
import pytest

import tally


@pytest.mark.parametrize("seed", range(40))
def test_seats_follow_each_areas_strict_plurality_leader(seed):
    rng = np.random.default_rng(seed)
    areas, parties = int(rng.integers(1, 9)), int(rng.integers(1, 5))
    votes = rng.integers(0, 4, size=(areas, parties)).astype(float)  # small: ties and empty areas
    seats = rng.integers(1, 4, size=areas)
    names = tuple("ABCD"[:parties])
    lumped = ("D",) if parties == 4 and rng.random() < 0.5 else ()
    t = tally.Tallies(
        tuple(f"a{i}" for i in range(areas)),
        names,
        votes,
        attributes={"seats": tuple(int(s) for s in seats)},
        metadata={"pseudo_candidates": lumped},
    )
    o = tally.count(t, "districts")

    expected = dict.fromkeys(names, 0)
    unallocated = 0
    for row, n in zip(votes, seats):
        counted = {p: v for p, v in zip(names, row) if p not in lumped}
        top = max(counted.values())
        leaders = [p for p, v in counted.items() if v == top]
        if top > 0 and len(leaders) == 1:
            expected[leaders[0]] += int(n)
        else:
            unallocated += int(n)
    assert o.details["seats"] == expected
    assert o.details["unallocated"] == unallocated
    assert sum(expected.values()) + unallocated == o.details["seats_total"] == int(seats.sum())
    assert o.tied == any(a["tied"] for a in o.details["areas"])
    assert o.ballots["read"] == float(votes.sum())
    majority = int(seats.sum()) // 2 + 1
    holders = [p for p, n in expected.items() if n >= majority]
    assert o.details["majority_party"] == (holders[0] if holders else None)
