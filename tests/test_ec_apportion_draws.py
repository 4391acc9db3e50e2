"""Proportional Electoral College: how tied electors are drawn and reported."""

from __future__ import annotations

import numpy as np
import pytest

import tally


def _tied_states(n: int) -> tally.Tallies:
    # every state splits its 3 electors 1-1 and ties for the third
    areas = tuple(f"S{i:02d}" for i in range(n))
    return tally.Tallies(areas, ("X", "Y"), np.full((n, 2), 10.0), attributes={"electoral_votes": (3,) * n})


@pytest.mark.parametrize("rounding", ["hamilton", "dhondt", "sainte_lague"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_each_state_has_its_own_draw(rounding, seed):
    o = tally.count(
        _tied_states(24),
        "electoral_college",
        allocation="proportional",
        rounding=rounding,
        tiebreak="random",
        seed=seed,
    )
    drawn = [t.chosen[0] for t in o.ties]
    assert len(drawn) == 24 and all(t.purpose.startswith("electors in S") for t in o.ties)
    # independent fair draws: both candidates win some (all 24 alike has odds 2 in 16.7 million)
    assert set(drawn) == {"X", "Y"}
    assert o.details["unallocated"] == 0 and sum(o.details["electoral_votes"].values()) == 72
    by_state = {a["area"]: a["electors"] for a in o.details["areas"]}
    for tie in o.ties:
        assert by_state[tie.purpose.removeprefix("electors in ")][tie.chosen[0]] == 2
    again = tally.count(
        _tied_states(24),
        "electoral_college",
        allocation="proportional",
        rounding=rounding,
        tiebreak="random",
        seed=seed,
    )
    assert again.to_json() == o.to_json()


def test_previous_round_prefers_the_larger_vote_on_equal_remainders():
    # 4 electors: shares 2.5 / 1.5 under Hare; equal remainders, X has more votes
    t = tally.Tallies(("S",), ("X", "Y"), np.array([[500.0, 300.0]]), attributes={"electoral_votes": (4,)})
    o = tally.count(
        t, "electoral_college", allocation="proportional", rounding="hamilton", tiebreak="previous_round"
    )
    assert o.details["electoral_votes"] == {"X": 3, "Y": 1}
    assert o.ties[0].tied == ("X", "Y") and o.ties[0].chosen == ("X",)


def test_a_state_whose_electors_all_fall_on_a_tie_is_not_said_to_have_no_votes():
    # 3 electors, four equal shares of 0.75: every elector is tied
    t = tally.Tallies(
        ("S", "T"),
        ("W", "X", "Y", "Z"),
        np.array([[5.0, 5, 5, 5], [0, 0, 0, 0]]),
        attributes={"electoral_votes": (3, 3)},
    )
    o = tally.count(t, "electoral_college", allocation="proportional")
    assert o.details["unallocated"] == 6
    (tied,) = [w for w in o.warnings if "of S" in w]
    assert "tie" in tied and "no votes" not in tied
    (empty,) = [w for w in o.warnings if "of T" in w]
    assert "no votes" in empty
