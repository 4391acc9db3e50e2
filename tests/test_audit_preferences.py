"""Ballots read as preference lists count exactly as the counting floor's walk counts them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tally.audit.preferences import read_preferences
from tally.ballots import FIRST_TIE_CODE, OVERVOTE, SKIPPED, RankedBallots
from tally.count.walk import Walk
from tally.errors import AuditError, ConfigError
from tally.options import Reading

READINGS = [
    {"overvote": overvote, "max_skipped": skipped, "repeated": repeated}
    for overvote in ("exhaust", "skip")
    for skipped in (None, 0, 1)
    for repeated in ("skip", "exhaust")
] + [
    {"overvote": "skip", "max_rankings": 2},
    {"overvote": "exhaust", "max_skipped": 0, "excluded": frozenset({"c1"})},
    {"repeated": "exhaust", "max_rankings": 3, "excluded": frozenset({"c0"})},
]


def _random_ballots(rng: np.random.Generator) -> RankedBallots:
    c = int(rng.integers(2, 6))
    ranks, rows = int(rng.integers(1, 7)), int(rng.integers(1, 30))
    ties = [frozenset(rng.choice(c, size=2, replace=False).tolist()) for _ in range(2)]
    codes = [*range(c), SKIPPED, SKIPPED, OVERVOTE, FIRST_TIE_CODE, FIRST_TIE_CODE - 1]
    marks = rng.choice(codes, size=(rows, ranks))
    return RankedBallots.from_matrix([f"c{i}" for i in range(c)], marks, tie_sets=ties, merge=False)


def test_first_continuing_candidate_matches_the_walk():
    """On 50 random ballot sets with skipped ranks, unnamed overvotes, tie sets and
    repeats, under every reading rule (with a rankings limit and excluded candidates too)
    and for every set of continuing candidates, each
    ballot counts for the first continuing candidate on its list exactly when the walk
    counts it for that candidate (and for nobody when the walk finds it inactive)."""
    rng = np.random.default_rng(11)
    for _ in range(50):
        ballots = _random_ballots(rng)
        c = ballots.n_candidates
        for reading in READINGS:
            prefs = read_preferences(ballots, Reading(**reading), merge=False)
            # excluded candidates are not candidates of the preferences: back to the ballots' numbers
            back = np.array([ballots.index(name) for name in prefs.candidates] + [-1])
            lists = back[prefs.lists]
            assert not set(prefs.candidates) & set(reading.get("excluded", ()))
            start = Walk(ballots, Reading(**reading))
            for keep in itertools.product([False, True], repeat=c):
                mask = np.array(keep)
                walk = start.copy()
                walk.advance(mask)
                theirs = np.where(walk.current >= 0, walk.current, -1)
                mine = [next((x for x in row if x >= 0 and mask[x]), -1) for row in lists]
                assert mine == theirs.tolist(), (ballots.choices, reading, keep)


def test_merged_lists_keep_every_ballot():
    ballots = RankedBallots.from_rankings(["A", "B"], [["A", "B"], ["A", "B", "A"], [None], ["B"]])
    prefs = read_preferences(ballots)
    assert prefs.total == 4
    assert sorted(prefs.rankings()) == [((), 1.0), (("A", "B"), 2.0), (("B",), 1.0)]


def test_an_overvote_under_exhaust_if_multiple_is_refused():
    ballots = RankedBallots.from_matrix(["A", "B"], [[FIRST_TIE_CODE]], tie_sets=[frozenset({0, 1})])
    with pytest.raises(AuditError, match="no single preference list"):
        read_preferences(ballots, Reading(overvote="exhaust_if_multiple"))
    # without overvotes the rule changes nothing and the ballots can be read
    plain = RankedBallots.from_rankings(["A", "B"], [["A", "B"]])
    assert read_preferences(plain, Reading(overvote="exhaust_if_multiple")).rankings() == [(("A", "B"), 1.0)]


@pytest.mark.parametrize("overvote", ["single_continuing", "split"])
def test_overvote_rules_that_revisit_an_overvote_are_refused(overvote):
    """A named overvote counts for one of its candidates (or part of it) once the others
    are out under these rules: no one list describes the ballot."""
    ballots = RankedBallots.from_matrix(["A", "B", "C"], [[FIRST_TIE_CODE, 2]], tie_sets=[frozenset({0, 1})])
    with pytest.raises(AuditError, match="no single preference list"):
        read_preferences(ballots, Reading(overvote=overvote))


def test_an_unknown_excluded_candidate_is_refused():
    ballots = RankedBallots.from_rankings(["A", "B"], [["A", "B"]])
    with pytest.raises(ConfigError, match="excluded candidate 'Z'"):
        read_preferences(ballots, Reading(excluded=frozenset({"Z"})))
