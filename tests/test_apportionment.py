"""Apportionment: the 2020 US House, the Alabama paradox, and differential checks."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import tally
from tally import data
from tally.errors import ConfigError, RuleError


def states(populations, names=None) -> tally.Tallies:
    names = names or [f"S{i}" for i in range(len(populations))]
    return tally.Tallies(tuple(names), ("population",), np.array(populations, dtype=float).reshape(-1, 1))


# -- the 2020 US House: the "must show" --------------------------------------------------


@pytest.fixture(scope="module")
def census():
    return data.load("us-census-2020")


@pytest.fixture(scope="module")
def house(census):
    return tally.count(census, "huntington_hill", seats=435)


def test_census_data_checks(census):
    assert len(census.areas) == 50
    assert sum(census.attributes["official_seats"]) == 435
    assert int(census.votes.sum()) == 331_108_434


def test_huntington_hill_reproduces_2020_house(census, house):
    official = dict(zip(census.areas, census.attributes["official_seats"]))
    assert house.details["seats"] == official
    assert len(house.details["seats"]) == 50
    assert sum(house.details["seats"].values()) == 435
    assert not house.tied


def test_minnesota_gets_seat_435_and_new_york_would_get_436(house):
    sequence = house.details["sequence"]
    # The 50 guaranteed seats come first; the priority list runs from seat 51 to 435.
    assert sequence[0]["seat"] == 51
    assert sequence[-1]["seat"] == 435
    assert sequence[-1]["party"] == "Minnesota"
    assert house.details["next_seat"] == ["New York"]
    # Priority values never increase along the list.
    values = [entry["quotient"] for entry in sequence]
    assert all(a >= b for a, b in itertools.pairwise(values))
    # Seat 51 is California's second: 39,576,757 / sqrt(2).
    assert sequence[0]["party"] == "California"
    assert sequence[0]["quotient"] == pytest.approx(39_576_757 / np.sqrt(2))


def test_house_of_436_gives_new_york_its_seat(census, house):
    bigger = tally.count(census, "huntington_hill", seats=436)
    diff = {s: bigger.details["seats"][s] - house.details["seats"][s] for s in census.areas}
    assert {s: d for s, d in diff.items() if d} == {"New York": 1}


def test_other_methods_differ_on_the_census(census):
    """Jefferson favours large states, Adams small ones: the methods are not all the same."""
    hh = tally.count(census, "huntington_hill", seats=435).details["seats"]
    jefferson = tally.count(census, "jefferson", seats=435).details["seats"]
    adams = tally.count(census, "adams", seats=435).details["seats"]
    assert jefferson["California"] > hh["California"] >= adams["California"]
    for method in ("webster", "hamilton", "jefferson", "adams"):
        seats = tally.count(census, method, seats=435).details["seats"]
        assert sum(seats.values()) == 435
        assert min(seats.values()) >= 1


# -- textbook cases ---------------------------------------------------------------------


def test_alabama_paradox_under_hamilton():
    """Populations 6, 6, 2: 10 seats give 4/4/2, 11 seats give 5/5/1 (the Alabama paradox)."""
    t = states([6, 6, 2], ["A", "B", "C"])
    ten = tally.count(t, "hamilton", seats=10, min_seats=0).details["seats"]
    eleven = tally.count(t, "hamilton", seats=11, min_seats=0).details["seats"]
    assert ten == {"A": 4, "B": 4, "C": 2}
    assert eleven == {"A": 5, "B": 5, "C": 1}
    # Divisor methods are house-monotone: no paradox under Huntington–Hill.
    hh10 = tally.count(t, "huntington_hill", seats=10).details["seats"]
    hh11 = tally.count(t, "huntington_hill", seats=11).details["seats"]
    assert all(hh11[s] >= hh10[s] for s in hh10)


def test_hamilton_minimum_seats():
    # A tiny state gets its guaranteed seat; the rest is shared by largest remainder.
    t = states([970, 20, 10], ["Big", "Small", "Tiny"])
    out = tally.count(t, "hamilton", seats=10)
    assert out.details["seats"] == {"Big": 8, "Small": 1, "Tiny": 1}
    assert out.details["raised_to_minimum"] == ["Small", "Tiny"]
    assert tally.count(t, "hamilton", seats=10, min_seats=0).details["seats"] == {
        "Big": 10,
        "Small": 0,
        "Tiny": 0,
    }


def test_apportionment_options():
    t = states([5, 3, 2])
    with pytest.raises(ConfigError):
        tally.count(t, "webster")
    with pytest.raises(RuleError):
        tally.count(t, "webster", seats=5, min_seats=2)
    with pytest.raises(ConfigError):
        tally.count(t, "webster", seats=5, min_seats=-1)


def test_columns_are_apportioned_when_there_is_one_area():
    one_area = tally.Tallies(("US",), ("A", "B", "C"), np.array([[7000.0, 2000.0, 1000.0]]))
    by_area = states([7000, 2000, 1000], ["A", "B", "C"])
    for method in ("huntington_hill", "webster", "jefferson", "adams", "hamilton"):
        a = tally.count(one_area, method, seats=13)
        b = tally.count(by_area, method, seats=13)
        assert a.details["seats"] == b.details["seats"]
        assert a.details["apportioned"] == "candidates" and b.details["apportioned"] == "areas"


def test_equal_populations_tie_for_the_last_seat():
    t = states([100, 100, 100], ["A", "B", "C"])
    out = tally.count(t, "huntington_hill", seats=4)
    assert out.tied
    assert out.details["tied_seats"] == {"parties": ["A", "B", "C"], "seats": 1}
    assert sum(out.details["seats"].values()) == 3
    settled = tally.count(t, "huntington_hill", seats=4, tiebreak="order")
    assert settled.details["seats"] == {"A": 2, "B": 1, "C": 1}


# -- the same arithmetic as the list rules ----------------------------------------------


@pytest.mark.parametrize(
    ("apportion", "list_rule"),
    [("jefferson", "dhondt"), ("webster", "sainte_lague"), ("hamilton", "hare_lr")],
)
def test_apportionment_without_minimum_equals_list_rule(apportion, list_rule):
    rng = np.random.default_rng(7)
    for _ in range(100):
        n = int(rng.integers(2, 7))
        pops = rng.integers(1, 10_000, size=n)
        seats = int(rng.integers(1, 40))
        a = tally.count(states(pops), apportion, seats=seats, min_seats=0, tiebreak="order")
        b = tally.count(
            tally.Tallies(("all",), tuple(f"S{i}" for i in range(n)), pops.reshape(1, -1).astype(float)),
            list_rule,
            seats=seats,
            tiebreak="order",
        )
        assert a.details["seats"] == b.details["seats"]


# -- differential: the apportionment package (Lackner) ----------------------------------

apportionment = pytest.importorskip("apportionment.methods")


@pytest.mark.parametrize(
    ("rule", "peer"),
    [
        ("huntington_hill", "huntington"),
        ("adams", "adams"),
        ("jefferson", "dhondt"),
        ("webster", "saintelague"),
        ("hamilton", "largest_remainder"),
    ],
)
def test_against_apportionment_package(rule, peer):
    rng = np.random.default_rng(2020)
    compared = 0
    for _ in range(300):
        n = int(rng.integers(2, 8))
        pops = [int(p) for p in rng.integers(1, 100_000, size=n)]
        seats = int(rng.integers(n, 4 * n + 20))
        try:
            expected = apportionment.compute(
                peer, pops, seats, fractions=True, tiesallowed=False, verbose=False
            )
        except apportionment.TiesException:
            continue
        # The peer guarantees one seat only under Huntington–Hill and Adams (zero divisors).
        minimum = 1 if rule in ("huntington_hill", "adams") else 0
        got = tally.count(states(pops), rule, seats=seats, min_seats=minimum)
        if got.tied:
            continue
        assert [got.details["seats"][f"S{i}"] for i in range(n)] == list(expected), (pops, seats)
        compared += 1
    assert compared > 200
