"""Differential tests: the runoff and positional rules against pref_voting on random profiles.

Each rule is compared on 1,000 seeded random profiles of complete strict rankings. Where
pref_voting breaks ties by "parallel universes" (the *_put variants) or reports every
tied winner, tally runs with ``tiebreak="all"``, which has the same meaning, so every
profile is compared, ties included.
"""

from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np
import pytest

pref_voting = pytest.importorskip("pref_voting")
from pref_voting.iterative_methods import (
    baldwin_put,
    coombs_put,
    instant_runoff,
    instant_runoff_put,
    plurality_with_runoff_put,
    strict_nanson,
    weak_nanson,
)
from pref_voting.other_methods import bucklin
from pref_voting.profiles import Profile
from pref_voting.scoring_methods import borda, dowdall, plurality

import tally
from tally.ballots import RankedBallots

PROFILES = 1000


def profiles(seed: int, n: int = PROFILES):
    """Seeded random profiles: 3-6 candidates, 1-25 voters, some with a shared bias."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        c = int(rng.integers(3, 7))
        voters = int(rng.integers(1, 26))
        if rng.random() < 0.5:
            rankings = np.array([rng.permutation(c) for _ in range(voters)])
        else:  # a common ordering with noise makes fewer ties and longer counts
            utility = rng.normal(size=c)
            rankings = np.argsort(-(utility + rng.normal(scale=1.0, size=(voters, c))), axis=1)
        yield c, rankings


def both(c: int, rankings: np.ndarray):
    names = [str(i) for i in range(c)]
    rows, counts = np.unique(rankings, axis=0, return_counts=True)
    ballots = RankedBallots.from_matrix(names, rows, counts, merge=False)
    profile = Profile([list(r) for r in rows], rcounts=[int(k) for k in counts])
    return ballots, profile


@functools.cache
def shared(seed: int = 2024) -> list[tuple[np.ndarray, RankedBallots, Profile]]:
    """The same 1,000 profiles for every rule, built once per test process."""
    return [(rankings, *both(c, rankings)) for c, rankings in profiles(seed)]


def exact_dowdall(rankings: np.ndarray) -> list[int]:
    """Dowdall winners in exact arithmetic (pref_voting compares float sums exactly)."""
    scores = [Fraction(0)] * rankings.shape[1]
    for row in rankings:
        for place, cand in enumerate(row):
            scores[cand] += Fraction(1, place + 1)
    best = max(scores)
    return [c for c, v in enumerate(scores) if v == best]


def ours(ballots: RankedBallots, rule: str, **options) -> list[int]:
    outcome = tally.count(ballots, rule, **options)
    return sorted(int(w) for w in outcome.winners)


CASES = [
    ("plurality", plurality, {}),
    ("irv", instant_runoff_put, {"tiebreak": "all"}),
    ("runoff", plurality_with_runoff_put, {"tiebreak": "all"}),
    ("coombs", coombs_put, {"tiebreak": "all"}),
    ("borda", borda, {}),
    ("dowdall", dowdall, {}),
    ("baldwin", baldwin_put, {"tiebreak": "all"}),
    ("nanson", strict_nanson, {}),
    ("nanson", weak_nanson, {"variant": "weak"}),
    ("bucklin", bucklin, {}),
]


@pytest.mark.parametrize("rule, theirs, options", CASES, ids=[f"{c[0]}-{c[1].name}" for c in CASES])
def test_same_winners_as_pref_voting(rule, theirs, options):
    compared = 0
    for k, (rankings, ballots, profile) in enumerate(shared()):
        expected = sorted(int(x) for x in theirs(profile))
        if rule == "dowdall" and expected != exact_dowdall(rankings):
            expected = exact_dowdall(rankings)  # a float near-tie on their side
        got = ours(ballots, rule, **options)
        assert got == expected, f"profile {k}: {rankings.tolist()}"
        compared += 1
    assert compared == PROFILES


def test_irv_without_ties_matches_plain_instant_runoff():
    """With any tie-break mode, IRV agrees with pref_voting whenever no tie is met."""
    compared = 0
    for _, ballots, profile in shared():
        outcome = tally.count(ballots, "irv", tiebreak="order")
        if outcome.ties:
            continue
        assert sorted(int(w) for w in outcome.winners) == sorted(int(x) for x in instant_runoff(profile))
        compared += 1
    assert compared > PROFILES // 3


def test_irv_on_truncated_ballots_matches_pref_voting():
    """Exhaustion: truncated ballots against pref_voting's IRV for truncated linear orders.

    pref_voting eliminates every candidate tied for fewest votes at once, so profiles
    where tally meets a tie are left out.
    """
    from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
    from pref_voting.profiles_with_ties import ProfileWithTies

    rng = np.random.default_rng(99)
    compared = 0
    for _ in range(300):
        c = int(rng.integers(3, 7))
        voters = int(rng.integers(3, 30))
        strength = rng.normal(size=c)
        rankings = []
        for _ in range(voters):
            order = np.argsort(-(strength + rng.normal(size=c)))
            rankings.append([int(x) for x in order[: int(rng.integers(1, c + 1))]])
        names = [str(i) for i in range(c)]
        ballots = RankedBallots.from_rankings(names, [[names[x] for x in r] for r in rankings])
        outcome = tally.count(ballots, "irv", tiebreak="order")
        if outcome.ties:
            continue
        profile = ProfileWithTies(
            [{x: k + 1 for k, x in enumerate(r)} for r in rankings], candidates=list(range(c))
        )
        theirs = instant_runoff_for_truncated_linear_orders(profile)
        assert [int(w) for w in outcome.winners] == sorted(int(x) for x in theirs), rankings
        compared += 1
    assert compared > 150


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"max_skipped": 0},
        {"max_skipped": 1, "repeated": "exhaust"},
        {"overvote": "skip", "continue_until_two": True},
        {"batch_elimination": True},
    ],
)
def test_irv_rounds_match_the_rctab_engine(options):
    """IRV and the RCTab tabulator agree round by round (tallies and inactive ballots by
    reason) on messy ballots: skipped ranks, unnamed overvotes, repeats, truncation."""
    rng = np.random.default_rng(7)
    for _ in range(100):
        c = int(rng.integers(2, 6))
        names = [chr(65 + i) for i in range(c)]
        rows = []
        for _ in range(int(rng.integers(1, 25))):
            row = list(rng.permutation(names)[: int(rng.integers(0, c + 1))])
            if row and rng.random() < 0.15:
                row.insert(int(rng.integers(0, len(row))), None)
            if row and rng.random() < 0.1:
                row.insert(int(rng.integers(0, len(row))), "overvote")
            if row and rng.random() < 0.1:
                row.append(row[0])
            rows.append(row)
        ballots = RankedBallots.from_rankings(names, rows)
        ours_ = tally.count(ballots, "irv", tiebreak="order", **options)
        engine = tally.count(ballots, "rctab", tiebreak="order", **options)
        assert ours_.winners == engine.winners, rows
        assert len(ours_.rounds) == len(engine.rounds), rows
        for a, b in zip(ours_.rounds, engine.rounds):
            assert {k: v for k, v in a.tally.items() if v} == {k: v for k, v in b.tally.items() if v}, rows
            assert {k: v for k, v in a.inactive.items() if v} == {k: v for k, v in b.inactive.items() if v}, (
                rows
            )
            assert set(a.eliminated) == set(b.eliminated), rows
