"""Disproportionality measures and the seats–votes curve, with hand-checked values.

Formulas: Gallagher (1991), Electoral Studies 10(1) 33–51 (LSq and the Sainte-Laguë
index, shares in percent); Loosemore & Hanby (1971), BJPolS 1(4) 467–477; Laakso &
Taagepera (1979), Comparative Political Studies 12(1) 3–27.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import tally
from tally.analysis.proportionality import (
    disproportionality,
    effective_number,
    gallagher,
    loosemore_hanby,
    sainte_lague_index,
    seats_votes_curve,
    shares,
)
from tally.errors import ConfigError

VOTES = {"A": 50, "B": 30, "C": 20}  # percent
SEATS = {"A": 60, "B": 30, "C": 10}  # of 100 seats: differences +10, 0, -10


def test_hand_checked_indices():
    # LSq = sqrt(0.5 * (10² + 0² + 10²)) = 10
    assert gallagher(VOTES, SEATS) == pytest.approx(10.0)
    # D = 0.5 * (10 + 0 + 10) = 10
    assert loosemore_hanby(VOTES, SEATS) == pytest.approx(10.0)
    # SL = 10²/50 + 0 + 10²/20 = 2 + 5 = 7
    assert sainte_lague_index(VOTES, SEATS) == pytest.approx(7.0)
    # N_votes = 1 / (0.25 + 0.09 + 0.04) = 1 / 0.38; N_seats = 1 / (0.36 + 0.09 + 0.01) = 1 / 0.46
    assert effective_number(VOTES) == pytest.approx(1 / 0.38)
    assert effective_number(SEATS) == pytest.approx(1 / 0.46)


def test_unequal_example():
    # Votes 40/35/25, seats 5/4/1 of 10: differences 10, 5, -15.
    votes = {"X": 40_000, "Y": 35_000, "Z": 25_000}
    seats = {"X": 5, "Y": 4, "Z": 1}
    assert gallagher(votes, seats) == pytest.approx(math.sqrt(0.5 * (100 + 25 + 225)))  # 13.2288
    assert loosemore_hanby(votes, seats) == pytest.approx(15.0)
    assert sainte_lague_index(votes, seats) == pytest.approx(100 / 40 + 25 / 35 + 225 / 25)


def test_perfect_proportionality_is_zero():
    votes = {"A": 600, "B": 300, "C": 100}
    seats = {"A": 6, "B": 3, "C": 1}
    assert gallagher(votes, seats) == pytest.approx(0.0, abs=1e-12)
    assert loosemore_hanby(votes, seats) == pytest.approx(0.0, abs=1e-12)
    assert sainte_lague_index(votes, seats) == pytest.approx(0.0, abs=1e-12)


def test_parties_missing_on_one_side():
    # D has votes but no seats entry; E (an independent) a seat but no votes entry.
    votes = {"A": 90, "D": 10}
    seats = {"A": 9, "E": 1}
    # differences: A 0, D 10, E -10 -> LSq 10, D 10; SL index infinite -> None
    assert gallagher(votes, seats) == pytest.approx(10.0)
    assert loosemore_hanby(votes, seats) == pytest.approx(10.0)
    assert sainte_lague_index(votes, seats) is None
    table = disproportionality(votes, seats)
    assert set(table["parties"]) == {"A", "D", "E"}
    assert table["parties"]["E"]["vote_share"] == 0
    json.dumps(table)  # serialisable as is


def test_gallagher_never_exceeds_loosemore_hanby():
    rng = np.random.default_rng(3)
    for _ in range(200):
        n = int(rng.integers(2, 8))
        votes = {f"P{i}": float(v) for i, v in enumerate(rng.integers(1, 1000, n))}
        seats = {f"P{i}": float(s) for i, s in enumerate(rng.integers(0, 20, n))}
        if sum(seats.values()) == 0:
            continue
        assert gallagher(votes, seats) <= loosemore_hanby(votes, seats) + 1e-9


def test_bad_inputs():
    with pytest.raises(ConfigError):
        shares({"A": 0, "B": 0})
    with pytest.raises(ConfigError):
        shares({"A": -1, "B": 2})


def test_measures_of_austria_2019():
    from tally import data

    tallies = data.load("austria-nationalrat-2019")
    outcome = tally.count(tallies, "dhondt", seats=183, threshold="4%")
    votes = dict(zip(tallies.candidates, tallies.totals()))
    m = disproportionality(votes, outcome.details["seats"])
    # Parties below 4 % (JETZT 89,169, KPÖ 32,736, WANDL 22,168, BIER 4,946, GILT 1,767,
    # BZÖ 760, SLP 310, CPÖ 260 = 152,116 of 4,777,246 votes) win nothing, so LH is at least 3.18.
    below = sum(votes[p] for p in outcome.details["excluded"]) / sum(votes.values()) * 100
    assert below == pytest.approx(100 * 152_116 / 4_777_246)
    assert m["loosemore_hanby"] >= below - 1e-9
    assert 0 < m["gallagher"] < 5
    assert m["effective_parties_seats"] < m["effective_parties_votes"]


# -- seats–votes curve ------------------------------------------------------------------


def four_districts() -> tally.Tallies:
    a = np.array([40, 48, 55, 70], dtype=float)
    return tally.Tallies(("d1", "d2", "d3", "d4"), ("A", "B"), np.stack([a, 100 - a], axis=1))


def test_seats_votes_curve_hand_checked():
    curve = seats_votes_curve(four_districts(), "A", swings=[-0.06, 0.0, 0.03])
    points = curve["points"]
    # -6 points: 34 / 42 / 49 / 64 -> 1 seat; actual: 55 and 70 win -> 2; +3: 43 / 51 / 58 / 73 -> 3
    assert [p["seats"] for p in points] == [1.0, 2.0, 3.0]
    assert points[1]["votes"] == pytest.approx(0.5325)
    assert points[0]["votes"] == pytest.approx(0.5325 - 0.06)
    assert [p["seat_share"] for p in points] == [0.25, 0.5, 0.75]
    assert curve["actual"] == {"votes": pytest.approx(0.5325), "seats": 2.0}
    assert curve["majority_at"] == 0.03


def test_seats_votes_curve_default_grid_and_ties():
    curve = seats_votes_curve(four_districts(), "A")
    assert len(curve["points"]) == 51
    seats = [p["seats"] for p in curve["points"]]
    assert seats == sorted(seats)  # monotone in the swing
    assert seats[0] == 0.0 and seats[-1] == 4.0
    # At +2 points d2 is 50/50: half a seat.
    at_two = next(p for p in curve["points"] if p["swing"] == 0.02)
    assert at_two["seats"] == 2.5
    json.dumps(curve)


def test_seats_votes_curve_three_parties_scale_the_others():
    t = tally.Tallies(("d1",), ("A", "B", "C"), np.array([[30.0, 50.0, 20.0]]))
    # +10 points for A: B and C shrink from 70 to 60 in proportion: B 42.86, C 17.14; B still leads.
    assert seats_votes_curve(t, "A", swings=[0.1])["points"][0]["seats"] == 0.0
    # +15: A 45, B 39.29 -> A wins.
    assert seats_votes_curve(t, "A", swings=[0.15])["points"][0]["seats"] == 1.0
    with pytest.raises(ConfigError):
        seats_votes_curve(t, "Z")


def test_uk_2024_first_past_the_post_on_real_data():
    """Seats and disproportionality of the UK 2024 general election from the bundled results.

    Published: Labour 411 seats plus the Speaker's seat; Gallagher index 23.67 (Gallagher's
    election indices, as quoted at horsemouthfolk.blogspot.com, 8 July 2024) or 23.8 (Make
    Votes Matter, 6 July 2024) — the spread comes from how minor parties are grouped.
    """
    from tally import data

    t = data.load("uk-general-2024")
    winners = [t.candidates[int(np.argmax(row))] for row in t.votes]
    seats = {p: winners.count(p) for p in set(winners)}
    assert seats["Labour"] == 411
    assert seats_votes_curve(t, "Labour", swings=[0.0])["actual"]["seats"] == 411
    votes = dict(zip(t.candidates, t.totals()))
    assert 23.5 < gallagher(votes, seats) < 24.0
    assert loosemore_hanby(votes, seats) > gallagher(votes, seats)
