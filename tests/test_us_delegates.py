"""Convention delegates by the Democratic Party's Rule 14 steps, on the bundled primaries."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from tally.analysis.delegates import allocate, convention, primary_votes, state_delegates
from tally.cli import app
from tally.errors import ConfigError


# 62.5 % is the midpoint between 2 and 3 of 4; below 15 % the other side gets nothing
@pytest.mark.parametrize("share,expected", [(62.4, (2, 2)), (62.6, (3, 1)), (84.9, (3, 1)), (85.1, (4, 0))])
def test_four_delegate_district_boundaries(share, expected):
    got = allocate({"A": share * 10, "B": (100 - share) * 10}, 4)["delegates"]
    assert (got.get("A", 0), got.get("B", 0)) == expected


def steps_by_hand(votes, delegates, threshold=15.0):
    total = sum(votes.values())
    pct = {c: round(100 * v / total, 3) for c, v in votes.items()}
    viable = [c for c in votes if pct[c] >= threshold]
    vt = sum(votes[c] for c in viable)
    quota = {c: round(100 * votes[c] / vt, 3) / 100 * delegates for c in viable}
    got = {c: math.floor(q) for c, q in quota.items()}
    for c in sorted(viable, key=lambda c: -(quota[c] - got[c]))[: delegates - sum(got.values())]:
        got[c] += 1
    return {c: n for c, n in got.items() if n}


@pytest.mark.parametrize("state,delegates", [("CA", 144), ("TX", 79), ("MA", 30), ("MN", 24)])
def test_2020_primaries_statewide(state, delegates):
    votes = primary_votes(2020, "DEM", state)
    result = allocate(votes, delegates)
    assert result["delegates"] == steps_by_hand(votes, delegates)
    assert sum(result["delegates"].values()) == delegates
    total = sum(votes.values())
    assert all(votes[c] / total >= 0.15 - 5e-6 for c in result["viable"])


def test_california_2020_only_sanders_and_biden_viable():
    votes = primary_votes(2020, "DEM", "CA")
    result = allocate(votes, 144)
    assert set(result["viable"]) == {"Bernie Sanders", "Joe Biden"}
    # Warren (13.2 %) and Bloomberg (12.1 %) fall below 15 %
    assert 0.13 < votes["Elizabeth Ann Warren"] / sum(votes.values()) < 0.15


def test_ranked_choice_primary_uses_the_last_round():
    votes = primary_votes(2020, "DEM", "KS")
    assert set(votes) == {"Joe Biden", "Bernie Sanders"}


def test_nobody_at_fifteen_percent_uses_leader_minus_ten():
    votes = {"A": 14, "B": 13, "C": 12, "D": 11, "E": 10, **{f"x{i}": 2 for i in range(20)}}
    result = allocate(votes, 5)
    assert result["threshold"] == pytest.approx(14 - 10)
    assert set(result["viable"]) == {"A", "B", "C", "D", "E"}
    assert sum(result["delegates"].values()) == 5


def test_equal_remainders_are_reported_not_broken():
    result = allocate({"A": 50, "B": 50}, 1)
    assert result["delegates"] == {} and result["tied"] == ["A", "B"] and result["unallocated"] == 1


def test_state_with_districts_and_convention_ballots():
    s = state_delegates({"A": 600, "B": 400}, at_large=5, districts={"CD1": ({"A": 300, "B": 700}, 4)})
    assert s["units"]["statewide"]["delegates"] == {"A": 3, "B": 2}
    assert s["units"]["CD1"]["delegates"] == {"A": 1, "B": 3}
    assert s["pledged"] == {"B": 5, "A": 4}
    conv = convention({"A": 2000, "B": 1900}, automatic=700)
    assert conv["first_ballot"]["majority"] == 1951 and conv["first_ballot"]["winner"] == "A"
    assert conv["later_ballots"]["majority"] == 2301 and conv["later_ballots"]["leader_needs_automatic"] == 301


def test_errors():
    with pytest.raises(ConfigError, match="no DEM"):
        primary_votes(2020, "DEM", "ZZ")
    with pytest.raises(ConfigError, match="threshold"):
        allocate({"A": 1}, 1, threshold=1.5)


def test_cli_delegates_json():
    result = CliRunner().invoke(app, ["delegates", "2020", "DEM", "--state", "CA:144", "--state", "TX:79",
                                      "--automatic", "771", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["states"]["CA"]["delegates"] == {"Bernie Sanders": 81, "Joe Biden": 63}
    assert out["convention"]["pledged"] == {"Bernie Sanders": 81 + out["states"]["TX"]["delegates"]["Bernie Sanders"],
                                            "Joe Biden": 63 + out["states"]["TX"]["delegates"]["Joe Biden"]}
