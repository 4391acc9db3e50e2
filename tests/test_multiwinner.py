"""SNTV, block, limited, cumulative and sequential IRV on hand-counted examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import tally
from tally.ballots import RankedBallots, ScoredBallots, Tallies
from tally.errors import ConfigError, RuleError

from .strategies import ranked_ballots


def ranked() -> RankedBallots:
    # 4 A>B>C, 3 B>C, 2 C>B, 1 D>C
    return RankedBallots.from_rankings(
        ["A", "B", "C", "D"],
        [["A", "B", "C"]] * 4 + [["B", "C"]] * 3 + [["C", "B"]] * 2 + [["D", "C"]],
    )


def test_sntv_counts_first_marks():
    o = tally.count(ranked(), "sntv", seats=2)
    assert o.rounds[0].tally == {"A": 4, "B": 3, "C": 2, "D": 1}
    assert o.winners == ("A", "B")


def test_block_counts_first_seats_marks():
    # Two votes each, for the first two marks (A>B>C gives A and B only):
    # A 4; B 4 + 3 + 2 = 9; C 3 + 2 + 1 = 6; D 1.
    o = tally.count(ranked(), "block", seats=2)
    assert o.rounds[0].tally == {"A": 4, "B": 9, "C": 6, "D": 1}
    assert o.winners == ("B", "C")


def test_limited_gives_fewer_votes_than_seats():
    o = tally.count(ranked(), "limited", seats=3, votes=1)
    assert o.rounds[0].tally == {"A": 4, "B": 3, "C": 2, "D": 1}
    assert o.winners == ("A", "B", "C")
    with pytest.raises(ConfigError, match="votes"):
        tally.count(ranked(), "limited", seats=2, votes=2)


def test_cumulative_ranked_splits_votes_equally():
    # Two votes per ballot, split over the first two marks:
    # A>B>C: A 1, B 1 (x4); B>C: B 1, C 1 (x3); C>B: C 1, B 1 (x2); D>C: D 1, C 1.
    o = tally.count(ranked(), "cumulative", seats=2)
    assert o.rounds[0].tally == {"A": 4, "B": 9, "C": 6, "D": 1}
    single = RankedBallots.from_rankings(["A", "B"], [["A"], ["B", "A"]])
    # One mark takes both votes.
    assert tally.count(single, "cumulative", seats=2).rounds[0].tally == {"A": 3, "B": 1}


def test_cumulative_score_ballots_and_overvotes():
    b = ScoredBallots.from_matrix(
        ["A", "B", "C"],
        np.array([[3, 0, 0], [1, 1, 1], [0, 2, 1], [2, 2, 0]], dtype=float),
        np.array([2, 1, 1, 1], dtype=float),
        kind="score",
        max_score=3,
    )
    o = tally.count(b, "cumulative", seats=2, points=3)
    # The last ballot gives 4 points > 3: an overvote that counts for nobody.
    assert o.rounds[0].inactive["overvote"] == 1
    assert o.rounds[0].tally == {"A": 7, "B": 3, "C": 2}
    assert o.winners == ("A", "B")


def test_cumulative_refuses_negative_points():
    # A score scale reaching below 0 cannot be read as points given: -1 would take a vote away.
    b = ScoredBallots.from_matrix(
        ["A", "B", "C"], [[2, -1, 0], [0, 1, 1]], kind="score", max_score=2, min_score=-1
    )
    with pytest.raises(RuleError, match="gives B -1"):
        tally.count(b, "cumulative", seats=1)


def test_block_on_approval_spoils_too_many_marks():
    b = ScoredBallots.from_matrix(
        ["A", "B", "C"], np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1]], dtype=float), kind="approval"
    )
    o = tally.count(b, "block", seats=2)
    assert o.rounds[0].inactive == {"undervote": 0, "overvote": 1}
    assert o.rounds[0].tally == {"A": 1, "B": 1, "C": 1}
    assert o.tied and set(o.winners) == {"A", "B", "C"}


def test_sntv_on_tallies():
    t = Tallies(
        areas=("north", "south"),
        candidates=("A", "B", "C"),
        votes=np.array([[10, 5, 1], [0, 7, 9]], dtype=float),
    )
    o = tally.count(t, "sntv", seats=2)
    assert o.rounds[0].tally == {"A": 10, "B": 12, "C": 10}
    assert o.winners[0] == "B"
    assert o.tied and set(o.winners) == {"A", "B", "C"}
    picked = tally.count(t, "sntv", seats=2, tiebreak="order")
    assert picked.winners == ("B", "A") and not picked.tied


def test_tie_for_last_seat_is_reported_or_broken():
    b = RankedBallots.from_rankings(["A", "B", "C"], [["A"]] * 3 + [["B"]] * 2 + [["C"]] * 2)
    o = tally.count(b, "sntv", seats=2)
    assert o.tied and o.winners == ("A", "B", "C")
    assert o.ties[0].tied == ("B", "C")
    r = tally.count(b, "sntv", seats=2, tiebreak="random", seed=3)
    assert len(r.winners) == 2 and r.winners[0] == "A"
    assert r.to_json() == tally.count(b, "sntv", seats=2, tiebreak="random", seed=3).to_json()


def test_reading_marks_stops_at_overvote_and_skips_blanks():
    b = RankedBallots.from_rankings(["A", "B", "C"], [[None, "A", "overvote", "B"], ["A", "A", "C"], [None]])
    o = tally.count(b, "block", seats=2)
    assert o.rounds[0].tally == {"A": 2, "B": 0, "C": 1}
    assert o.rounds[0].inactive == {"undervote": 1, "overvote": 0}
    over = RankedBallots.from_rankings(["A", "B"], [[{"A", "B"}, "A"]])
    assert tally.count(over, "sntv").rounds[0].inactive == {"undervote": 0, "overvote": 1}


def test_sequential_irv_passes():
    # Worked by hand. First preferences: C2 11, C0 11, C1 10 of 32.
    # Pass 1: C1 out; its ballots: 4 exhaust, 4 to C0, 2 to C2 -> C0 15 of 28: C0 wins.
    # Pass 2 without C0: C1 4 + 6 + 4 (C0>C1..) + 1 (C0>C1) = 15, C2 11 + 2 = 13 -> C1 wins.
    rows = (
        [["C2"]] * 6
        + [["C0"]] * 4
        + [["C0", "C1", "C2"]] * 4
        + [["C1"]] * 4
        + [["C1", "C0"]] * 2
        + [["C1", "C0", "C2"]] * 2
        + [["C1", "C2", "C0"]] * 2
        + [["C2", "C0"]] * 2
        + [["C2", "C0", "C1"]] * 2
        + [["C0", "C1"]]
        + [["C0", "C2"]]
        + [["C0", "C2", "C1"]]
        + [["C2", "C1", "C0"]]
    )
    b = RankedBallots.from_rankings(["C0", "C1", "C2"], rows)
    o = tally.count(b, "sequential_irv", seats=2)
    assert o.winners == ("C0", "C1")
    assert o.rounds[0].tally == {"C0": 11, "C1": 10, "C2": 11}
    assert o.rounds[0].eliminated == ("C1",)
    # transfers sit in the round that eliminated C1, as in irv
    assert o.rounds[0].transfers == {"C1": {"C0": 4, "C2": 2, "exhausted": 4}}
    assert o.rounds[1].tally == {"C0": 15, "C2": 13}
    assert o.rounds[1].transfers == {}
    assert o.rounds[1].elected == ("C0",)
    assert o.rounds[2].tally == {"C1": 15, "C2": 13}
    assert o.rounds[2].elected == ("C1",)
    assert o.rounds[2].inactive["exhausted"] == 4
    assert [p["winner"] for p in o.details["passes"]] == ["C0", "C1"]


def test_sequential_irv_one_seat_is_irv():
    b = ranked()
    seq, irv = tally.count(b, "sequential_irv", seats=1), tally.count(b, "irv")
    assert seq.winners == irv.winners
    # the same count: every round the same but for the note naming the pass
    assert [r.to_dict() | {"note": ""} for r in seq.rounds] == [
        r.to_dict() | {"note": ""} for r in irv.rounds
    ]


@pytest.mark.parametrize("name", ("sntv", "block", "cumulative", "sequential_irv"))
def test_more_seats_than_candidates_is_refused(name):
    with pytest.raises(RuleError, match="seats"):
        tally.count(ranked(), name, seats=5)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", ("sntv", "block", "cumulative", "sequential_irv"))
@SETTINGS
@given(ballots=ranked_ballots(max_candidates=6, max_rows=15))
def test_every_ballot_accounted(name, ballots):
    seats = min(2, ballots.n_candidates)
    options = {"tiebreak": "order"}
    o = tally.count(ballots, name, seats=seats, **options)
    for r in o.rounds:
        assert r.continuing + sum(r.inactive.values()) == pytest.approx(ballots.total)
    if name != "sequential_irv":
        # Each counted ballot gives exactly its votes: 1 (SNTV) or up to seats.
        total = sum(o.rounds[0].tally.values())
        if name == "sntv":
            assert total == pytest.approx(o.rounds[0].continuing)
        if name == "cumulative":
            assert total == pytest.approx(seats * o.rounds[0].continuing)
    assert len(o.winners) == seats


@pytest.mark.parametrize("name", ["block", "sntv"])
def test_block_and_sntv_match_votekit(name):
    votekit = pytest.importorskip("votekit")
    from votekit.elections import BlockPlurality, Plurality

    peer = BlockPlurality if name == "block" else Plurality
    rng = np.random.default_rng(31)
    compared = 0
    for _ in range(35):
        c = int(rng.integers(3, 7))
        seats = int(rng.integers(1, c))
        names = [f"C{i}" for i in range(c)]
        rows = [
            [names[i] for i in rng.permutation(c)[: int(rng.integers(1, c + 1))]]
            for _ in range(int(rng.integers(15, 60)))
        ]
        b = RankedBallots.from_rankings(names, rows)
        ours = tally.count(b, name, seats=seats)
        if ours.tied:
            continue
        profile = votekit.RankProfile(
            ballots=[
                votekit.RankBallot(ranking=tuple(frozenset({m}) for m in marks), weight=w)
                for marks, w in b.rankings()
            ],
            candidates=names,
        )
        theirs = set().union(*peer(profile, n_seats=seats).get_elected())
        assert set(ours.winners) == theirs, rows
        compared += 1
    assert compared >= 20
