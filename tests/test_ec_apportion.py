"""Proportional Electoral College: electors rounded by the exact list-PR rules, ties reported."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import tally
from tally.errors import ConfigError
from tally.rules.composite import apportion
from tally.ties import TieBreaker


def _largest_remainder(votes: list[int], seats: int) -> list[int] | None:
    """Hamilton in exact fractions; None when the last seats fall on equal remainders."""
    total = sum(votes)
    quotas = [Fraction(v * seats, total) for v in votes]
    got = [q.numerator // q.denominator for q in quotas]
    rest = sorted(((q - g, i) for i, (q, g) in enumerate(zip(quotas, got))), reverse=True)
    left = seats - sum(got)
    if left and left < len(rest) and rest[left - 1][0] == rest[left][0]:
        return None
    for _, i in rest[:left]:
        got[i] += 1
    return got


def _highest_averages(votes: list[int], seats: int, step: int) -> list[int] | None:
    """D'Hondt (step 1) or Sainte-Laguë (step 2) in exact fractions; None on a tie for a seat."""
    got = [0] * len(votes)
    for _ in range(seats):
        q = [Fraction(v, step * g + 1) for v, g in zip(votes, got)]
        best = max(q)
        if q.count(best) > 1:
            return None
        got[q.index(best)] += 1
    return got


@pytest.mark.parametrize("seed", range(40))
def test_rounding_agrees_with_exact_arithmetic(seed):
    rng = np.random.default_rng(seed)
    votes = [int(v) for v in rng.integers(0, 2000, size=int(rng.integers(2, 6)))]
    seats = int(rng.integers(1, 12))
    if not sum(votes):
        return
    for method, expected in (
        ("hamilton", _largest_remainder(votes, seats)),
        ("dhondt", _highest_averages(votes, seats, 1)),
        ("sainte_lague", _highest_averages(votes, seats, 2)),
    ):
        got = apportion(np.array(votes), seats, method)
        if expected is None:  # a tie: under the default the tied seats stay unallocated
            assert got.sum() < seats
        else:
            assert [int(x) for x in got] == expected, method


def test_equal_remainders_are_a_tie_not_the_earlier_candidate():
    # three equal shares of two seats: no rounding can tell them apart
    breaker = TieBreaker("all", ("X", "Y", "Z"))
    got = apportion(np.array([100, 100, 100]), 2, "hamilton", breaker=breaker, label="ST")
    assert list(got) == [0, 0, 0]
    assert [(t.purpose, t.tied, t.mode) for t in breaker.ties] == [("electors in ST", ("X", "Y", "Z"), "all")]
    breaker = TieBreaker("order", ("X", "Y", "Z"))
    got = apportion(np.array([100, 100, 100]), 2, "dhondt", breaker=breaker, label="ST")
    assert list(got) == [1, 1, 0] and breaker.ties[0].chosen == ("X",)


@pytest.mark.parametrize("rounding", ["hamilton", "dhondt", "sainte_lague"])
def test_a_tied_elector_is_reported_in_the_outcome(rounding):
    votes = np.array([[10.0, 10.0], [7.0, 3.0]])
    t = tally.Tallies(("A", "B"), ("X", "Y"), votes, attributes={"electoral_votes": (3, 4)})
    o = tally.count(t, "electoral_college", allocation="proportional", rounding=rounding)
    assert o.tied and o.details["unallocated"] == 1
    assert sum(o.details["electoral_votes"].values()) == 6
    assert o.ties[0].purpose == "electors in A" and o.ties[0].tied == ("X", "Y")
    assert any("A not allocated" in w for w in o.warnings)
    area = o.details["areas"][0]
    assert area["electors"] == {"X": 1.0, "Y": 1.0}
    drawn = tally.count(
        t, "electoral_college", allocation="proportional", rounding=rounding, tiebreak="random", seed=1
    )
    assert not drawn.tied and sum(drawn.details["electoral_votes"].values()) == 7
    assert drawn.ties[0].mode == "random" and len(drawn.ties[0].chosen) == 1


def test_a_state_without_votes_leaves_its_electors_unallocated():
    votes = np.array([[0.0, 0.0], [7.0, 3.0]])
    t = tally.Tallies(("A", "B"), ("X", "Y"), votes, attributes={"electoral_votes": (3, 4)})
    o = tally.count(t, "electoral_college", allocation="proportional")
    assert o.details["unallocated"] == 3 and any("3 elector(s) of A" in w for w in o.warnings)


def test_exact_shares_and_unknown_method():
    got = apportion(np.array([1, 2]), 3, "exact")
    assert list(got) == [1.0, 2.0]
    with pytest.raises(ConfigError, match="unknown rounding"):
        apportion(np.array([1, 2]), 3, "jefferson")
