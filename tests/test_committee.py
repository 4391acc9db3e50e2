"""Approval committee rules: textbook examples and differential tests against abcvoting.

Golden examples: Lackner & Skowron (2023), *Multi-Winner Voting with Approval
Preferences* (doi:10.1007/978-3-031-09016-5), running example (Example 1: 12 voters,
candidates a–h, committee size 4) and Example 5 (PAV vs seq-PAV, including Thiele's
weighted example via Janson's survey, Example 13.3), as checked in abcvoting's
``examples/abcbook/example0{3,4,5,9}.py`` and ``example11.py``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import tally
from tally.errors import ConfigError, RuleError
from tally.rules import committee as committee_rules

CANDS = tuple("abcdefgh")


def approval(sets, weights=None, candidates=CANDS) -> tally.ScoredBallots:
    rows = np.zeros((len(sets), len(candidates)))
    for r, members in enumerate(sets):
        for m in members:
            rows[r, candidates.index(m)] = 1
    w = None if weights is None else np.array(weights, dtype=float)
    return tally.ScoredBallots.from_matrix(candidates, rows, w)


RUNNING = approval(["ab"] * 3 + ["ac"] * 3 + ["ad"] * 2 + ["bcf", "e", "f", "g"])


def committees(outcome) -> list[set[str]]:
    return [set(c) for c in outcome.details["committees"]]


# -- golden examples --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("chamberlin_courant", {"a", "e", "f", "g"}),  # Example 3
        ("pav", {"a", "b", "c", "f"}),  # Example 4
        ("seq_phragmen", {"a", "b", "c", "d"}),  # Example 9 (seq-Phragmén)
        ("equal_shares", {"a", "b", "c", "d"}),  # Example 11 (Rule X)
    ],
)
def test_running_example(rule, expected):
    outcome = tally.count(RUNNING, rule, seats=4)
    assert committees(outcome) == [expected]
    assert set(outcome.winners) == expected
    assert not outcome.tied


def test_example_5_pav_and_seq_pav_differ():
    ballots = approval(["ab"] * 3 + ["ad"] * 6 + ["b"] * 4 + ["c"] * 5 + ["cd"] * 5, candidates=tuple("abcd"))
    assert committees(tally.count(ballots, "pav", seats=2)) == [{"a", "c"}]
    assert committees(tally.count(ballots, "seq_pav", seats=2)) == [{"c", "d"}]


def test_thiele_weighted_example():
    sets = ["acd", "bcd", "bc", "ab", "ad", "ac", "bd", "d", "c", "b"]
    weights = [960, 3000, 520, 1620, 1081, 1240, 360, 360, 120, 60]
    ballots = approval(sets, weights, candidates=tuple("abcd"))
    assert committees(tally.count(ballots, "pav", seats=2)) == [{"a", "b"}]
    assert committees(tally.count(ballots, "seq_pav", seats=2)) == [{"a", "c"}]


def test_seq_phragmen_rounds_show_loads():
    outcome = tally.count(RUNNING, "seq_phragmen", seats=4)
    first = outcome.rounds[0]
    # a is approved by 8 voters: electing it loads each of them 1/8.
    assert first.tally["a"] == pytest.approx(1 / 8)
    assert first.elected == ("a",)
    assert outcome.winners[0] == "a"
    for round_ in outcome.rounds:
        assert round_.continuing + sum(round_.inactive.values()) == pytest.approx(RUNNING.total)


def test_sav_splits_each_vote():
    ballots = approval(["ab", "ab", "c", "c", "abc"], candidates=tuple("abc"))
    outcome = tally.count(ballots, "sav", seats=1)
    # a: 1/2 + 1/2 + 1/3; b the same; c: 1 + 1 + 1/3
    assert outcome.rounds[0].tally == pytest.approx({"a": 4 / 3, "b": 4 / 3, "c": 7 / 3})
    assert outcome.winners == ("c",)
    tied = tally.count(ballots, "sav", seats=2)
    assert tied.tied and committees(tied) == [{"a", "c"}, {"b", "c"}]
    by_order = tally.count(ballots, "sav", seats=2, tiebreak="order")
    assert committees(by_order) == [{"a", "c"}] and not by_order.tied


# -- ties, options, limits --------------------------------------------------------------


def test_tie_modes_for_optimisation_rules():
    ballots = approval(["a", "b"], candidates=tuple("ab"))
    every = tally.count(ballots, "pav", seats=1)
    assert every.tied and committees(every) == [{"a"}, {"b"}]
    assert set(every.winners) == {"a", "b"}
    first = tally.count(ballots, "pav", seats=1, tiebreak="order")
    assert first.winners == ("a",) and first.ties[0].chosen == ("a",)
    drawn = {tally.count(ballots, "pav", seats=1, tiebreak="random", seed=s).winners for s in range(10)}
    assert drawn == {("a",), ("b",)}


def test_sequential_ties_explore_every_branch():
    # Symmetric: any two of a, b, c.
    ballots = approval(["a", "b", "c"], candidates=tuple("abc"))
    outcome = tally.count(ballots, "seq_phragmen", seats=2)
    assert committees(outcome) == [{"a", "b"}, {"a", "c"}, {"b", "c"}]
    assert outcome.tied
    assert outcome.ties[0].mode == "all"
    ordered = tally.count(ballots, "seq_phragmen", seats=2, tiebreak="order")
    assert committees(ordered) == [{"a", "b"}]


def test_equal_shares_without_completion_may_leave_seats_empty():
    ballots = approval(["a"] * 3 + ["b"], candidates=tuple("abc"))
    # 4 voters, 2 seats: budgets 1/2 each; a's voters pay 1; b's single voter has only 1/2.
    bare = tally.count(ballots, "equal_shares", seats=2, completion="none")
    assert committees(bare) == [{"a"}]
    assert bare.warnings
    full = tally.count(ballots, "equal_shares", seats=2)
    assert committees(full) == [{"a", "b"}]
    with pytest.raises(ConfigError):
        tally.count(ballots, "equal_shares", seats=2, completion="av")


def test_limits_and_bad_seats():
    ballots = approval(["a"], candidates=tuple("ab"))
    with pytest.raises(RuleError, match="seats"):
        tally.count(ballots, "pav", seats=3)
    with pytest.raises(ConfigError):
        tally.count(ballots, "pav", seats=0)
    names = tuple(f"c{i}" for i in range(40))
    big = tally.ScoredBallots.from_matrix(names, np.eye(40))
    with pytest.raises(RuleError, match="limit"):
        tally.count(big, "chamberlin_courant", seats=10)
    assert committee_rules.MAX_COMMITTEES < 847_660_528  # C(40, 10)


def test_fractional_weights_are_exact():
    # 3/8 + 1/8 + 1/4 = 3/4 exactly: a real tie between a and b, not float noise.
    ballots = tally.ScoredBallots.from_matrix(
        ["a", "b"], [[1, 0], [1, 0], [1, 0], [0, 1]], [0.375, 0.125, 0.25, 0.75], merge=False
    )
    for rule in ("pav", "seq_pav", "seq_phragmen", "sav", "chamberlin_courant", "equal_shares"):
        outcome = tally.count(ballots, rule, seats=1)
        assert committees(outcome) == [{"a"}, {"b"}], rule
        assert outcome.tied


def test_json_is_deterministic():
    one = tally.count(RUNNING, "equal_shares", seats=4).to_json()
    two = tally.count(RUNNING, "equal_shares", seats=4).to_json()
    assert one == two
    assert json.loads(one)["details"]["committees"] == [["a", "b", "c", "d"]]


# -- differential tests against abcvoting -----------------------------------------------

abcrules = pytest.importorskip("abcvoting.abcrules")
from abcvoting.preferences import Profile, Voter

PEERS = {
    "sav": ("sav", {}),
    "pav": ("pav", {"algorithm": "brute-force"}),
    "seq_pav": ("seqpav", {}),
    "seq_phragmen": ("seqphragmen", {"algorithm": "standard-fractions"}),
    "equal_shares": ("equal-shares", {"algorithm": "standard-fractions"}),
    "chamberlin_courant": ("cc", {"algorithm": "brute-force"}),
}


def _random_instances(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        m = int(rng.integers(2, 7))
        n = int(rng.integers(1, 9))
        k = int(rng.integers(1, m + 1))
        approves = rng.random((n, m)) < rng.uniform(0.2, 0.7)
        weights = rng.integers(1, 4, size=n)
        yield approves, weights, k


@pytest.mark.parametrize("rule", sorted(PEERS))
def test_against_abcvoting(rule):
    """Every winning committee (abcvoting's resolute=False) equals tally's with tiebreak="all";
    abcvoting's resolute committee equals tally's with tiebreak="order"."""
    peer, algorithm = PEERS[rule]
    several = 0
    for approves, weights, k in _random_instances(sorted(PEERS).index(rule) + 11, 220):
        m = approves.shape[1]
        profile = Profile(m)
        for row, w in zip(approves, weights):
            profile.add_voter(Voter([int(c) for c in np.flatnonzero(row)], weight=int(w)))
        expected = sorted(
            tuple(sorted(c)) for c in abcrules.compute(peer, profile, k, resolute=False, **algorithm)
        )
        names = [f"c{i}" for i in range(m)]
        ballots = tally.ScoredBallots.from_matrix(names, approves.astype(float), weights.astype(float))
        outcome = tally.count(ballots, rule, seats=k)
        got = sorted(tuple(sorted(names.index(x) for x in com)) for com in outcome.details["committees"])
        assert got == expected, (approves.astype(int).tolist(), weights.tolist(), k)
        assert outcome.tied == (len(expected) > 1)
        resolute = abcrules.compute(peer, profile, k, resolute=True, **algorithm)[0]
        ordered = tally.count(ballots, rule, seats=k, tiebreak="order")
        assert {names.index(x) for x in ordered.winners} == set(resolute)
        several += len(expected) > 1
    assert several > 10  # ties were met and compared, not only unique outcomes


@pytest.mark.parametrize("rule", sorted(PEERS))
@pytest.mark.parametrize("mode", ["order", "previous_round", "random"])
def test_every_tiebreak_mode_gives_one_committee(rule, mode):
    ballots = approval(["ab", "cd", "a", "c", "e"], candidates=tuple("abcde"))
    outcome = tally.count(ballots, rule, seats=3, tiebreak=mode, seed=3)
    assert len(outcome.details["committees"]) == 1
    assert len(outcome.winners) == 3 and not outcome.tied
    every = tally.count(ballots, rule, seats=3)
    assert set(outcome.winners) in committees(every)
    assert outcome.to_json() == tally.count(ballots, rule, seats=3, tiebreak=mode, seed=3).to_json()
