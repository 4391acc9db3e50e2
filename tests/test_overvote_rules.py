"""Overvote rules single_continuing (RCTab PR 980) and split (RCTab issue 422).

The example: A 4, B 3, C 2 and 2 ballots marking B and C at the first rank. Exhausting
the overvote elects A 4-3. Setting the overvote aside while B and C both continue, and
counting it for the last one left, elects B: C is eliminated, the 2 ballots then count for
B, 5-4. Splitting gives B and C one vote each; C (3) is eliminated, its split halves move
to B, 5-4. The RCTab tabulator counts both, under tally's names and RCTab's
(``countWhenSingleContinuing``, ``splitVote``); its split arithmetic is checked further
in ``tests/test_rctab_split.py``.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tally
from tally.errors import ConfigError
from tally.rctab.config import parse_config
from tally.rctab.run import run_config

CANDS = ["A", "B", "C"]
ROWS = [["A"]] * 4 + [["B"]] * 3 + [["C"]] * 2 + [[{"B", "C"}]] * 2


def example():
    return tally.RankedBallots.from_rankings(CANDS, ROWS)


def test_exhaust_elects_a_four_to_three():
    o = tally.count(example(), "irv", overvote="exhaust")
    assert o.winners == ("A",)
    assert dict(o.rounds[-1].tally) == {"A": 4, "B": 3}


def test_single_continuing_elects_b():
    o = tally.count(example(), "irv", overvote="single_continuing")
    assert o.winners == ("B",)
    first, last = o.rounds
    # set aside (inactive as overvote) while B and C both continue
    assert dict(first.tally) == {"A": 4, "B": 3, "C": 2} and first.inactive["overvote"] == 2
    assert first.eliminated == ("C",)
    # counted for B once C is out; no longer inactive
    assert dict(last.tally) == {"A": 4, "B": 5} and last.inactive["overvote"] == 0
    assert last.continuing + sum(last.inactive.values()) == 11


def test_split_shares_the_vote():
    o = tally.count(example(), "irv", overvote="split")
    assert o.winners == ("B",)
    first, last = o.rounds
    assert dict(first.tally) == {"A": 4, "B": 4, "C": 3}
    assert first.transfers == {"C": {"B": 1, "exhausted": 2}}
    assert dict(last.tally) == {"A": 4, "B": 5}


def test_rctab_rule_counts_single_continuing():
    o = tally.count(example(), "rctab", overvote="single_continuing")
    assert o.winners == ("B",)
    o = tally.count(example(), "rctab", overvote="countWhenSingleContinuing")
    assert o.winners == ("B",)
    assert tally.count(example(), "rctab").winners == ("A",)


@pytest.mark.parametrize("name", ["split", "splitVote"])
def test_rctab_rule_counts_split_by_either_name(name):
    o = tally.count(example(), "rctab", overvote=name)
    assert o.winners == ("B",)
    first, last = o.rounds
    # Round 1: each {B,C} ballot gives 1/2 to B and 1/2 to C (0.5000 at RCTab's 4 places,
    # nothing left over): A 4, B 3 + 2 x 0.5 = 4, C 2 + 2 x 0.5 = 3. Threshold: 11 active
    # votes, floor(11/2) + 1 = 6; no one has it, C is lowest and is eliminated.
    assert dict(first.tally) == {"A": 4, "B": 4, "C": 3} and first.eliminated == ("C",)
    assert first.threshold == 6
    # C's 2 plain ballots rank no one else and exhaust; the {B,C} ballots have only B left
    # among their overvoted candidates and now count wholly for B: C's halves (1 in all)
    # go to B.
    assert first.transfers == {"C": {"B": 1, "exhausted": 2}}
    # Round 2: A 4, B 5 of 9 active votes, threshold floor(9/2) + 1 = 5: B is elected.
    assert dict(last.tally) == {"A": 4, "B": 5} and last.elected == ("B",)
    assert last.threshold == 5 and last.inactive["exhausted"] == 2
    assert last.continuing + sum(last.inactive.values()) == 11
    # the same rounds as IRV under overvote='split' (no decimals matter here)
    irv = tally.count(example(), "irv", overvote="split")
    assert [dict(r.tally) for r in irv.rounds] == [dict(r.tally) for r in o.rounds]


def _config(tmp_path, rule):
    # generic CSV: a cell holds the rank given to the column's candidate; two candidates
    # with the same rank are an overvote naming them
    lines = ["id,A,B,C"]
    lines += [f"a{i},1,," for i in range(4)] + [f"b{i},,1," for i in range(3)]
    lines += [f"c{i},,,1" for i in range(2)] + [f"o{i},,1,1" for i in range(2)]
    (tmp_path / "cvr.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = {
        "outputSettings": {"contestName": "Overvote example"},
        "cvrFileSources": [
            {
                "provider": "genericCsv",
                "filePath": "cvr.csv",
                "firstVoteColumnIndex": "2",
                "firstVoteRowIndex": "2",
                "idColumnIndex": "1",
            }
        ],
        "candidates": [{"name": c} for c in CANDS],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": rule,
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "maxSkippedRanksAllowed": "unlimited",
            "maxRankingsAllowed": "max",
        },
    }
    return parse_config(raw, folder=tmp_path, path=tmp_path / "c_config.json")


@pytest.mark.parametrize(
    ("rule", "winner", "final"),
    [
        ("exhaustImmediately", "A", {"A": 4, "B": 3}),
        ("exhaustIfMultipleContinuing", "A", {"A": 4, "B": 3}),
        ("countWhenSingleContinuing", "B", {"A": 4, "B": 5}),
        ("splitVote", "B", {"A": 4, "B": 5}),
    ],
)
def test_rctab_config(tmp_path, rule, winner, final):
    run = run_config(_config(tmp_path, rule))
    (tab,) = run.tabulations
    assert tab.winners == [winner]
    assert {k: int(v) for k, v in tab.rounds[-1].tally.items()} == final


def test_rctab_config_split_shows_its_shares_as_decimals(tmp_path):
    run = run_config(_config(tmp_path, "splitVote"))
    (tab,) = run.tabulations
    first = tab.rounds[0]
    # the halves are RCTab decimals (0.5000 at 4 places), so the tallies they touch are too
    assert [str(first.tally[c]) for c in CANDS] == ["4", "4.0000", "3.0000"]
    assert {k: str(v) for k, v in first.transfers["C"].items()} == {"B": "1.0000", "exhausted": "2"}
    assert first.split_remainder == 0 and tab.total_ballots == 11


# -- against a plain reading: every ballot re-read from its first rank each round ---------


def _reference_round(rows, weights, continuing, rule):
    """Votes per candidate and the weight set aside or exhausted, reading each ballot from the top."""
    votes = {c: Fraction(0) for c in continuing}
    for row, w in zip(rows, weights):
        for mark in row:
            if mark is None:
                continue
            members = mark if isinstance(mark, frozenset) else frozenset([mark])
            alive = sorted(members & continuing)
            if not alive:
                continue
            if len(alive) == 1:
                votes[alive[0]] += w
            elif rule == "split":
                for c in alive:
                    votes[c] += Fraction(w) / len(alive)
            break  # single_continuing: set aside while several continue
    return votes


marks = st.one_of(
    st.none(),
    st.sampled_from("ABCD"),
    st.frozensets(st.sampled_from("ABCD"), min_size=2, max_size=3),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(marks, min_size=1, max_size=4), min_size=1, max_size=12),
    st.sampled_from(["single_continuing", "split"]),
)
def test_rounds_match_a_plain_reading(rows, rule):
    b = tally.RankedBallots.from_rankings(list("ABCD"), rows, merge=False)
    outcome = tally.count(b, "irv", overvote=rule, tiebreak="order")
    continuing = set("ABCD")
    for rnd in outcome.rounds:
        expected = _reference_round(rows, [1] * len(rows), continuing, rule)
        assert {k: pytest.approx(float(v)) for k, v in expected.items()} == dict(rnd.tally)
        assert rnd.continuing + sum(rnd.inactive.values()) == pytest.approx(len(rows))
        continuing -= set(rnd.eliminated)
    if rule == "split":
        # every vote an eliminated candidate held is transferred, and explains the next tally
        for rnd, nxt in zip(outcome.rounds, outcome.rounds[1:]):
            for gone in rnd.eliminated:
                assert sum(rnd.transfers.get(gone, {}).values()) == pytest.approx(rnd.tally[gone])
            for c, v in nxt.tally.items():
                got = sum(row.get(c, 0) for row in rnd.transfers.values())
                assert v == pytest.approx(rnd.tally[c] + got)


def test_split_refuses_unnamed_overvotes():
    b = tally.RankedBallots.from_matrix(CANDS, np.array([[tally.OVERVOTE, 0]]))
    with pytest.raises(ConfigError, match="needs to know which candidates"):
        tally.count(b, "irv", overvote="split")
