"""Overvote rules single_continuing (RCTab PR 980) and split (RCTab issue 422).

The example: A 4, B 3, C 2 and 2 ballots marking B and C at the first rank. Exhausting
the overvote elects A 4-3. Setting the overvote aside while B and C both continue, and
counting it for the last one left, elects B: C is eliminated, the 2 ballots then count for
B, 5-4. Splitting gives B and C one vote each; C (3) is eliminated, its split halves move
to B, 5-4.
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


def test_rctab_engine_refuses_split_by_name():
    with pytest.raises(ConfigError, match="splitVote"):
        tally.count(example(), "rctab", overvote="split")


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
    ],
)
def test_rctab_config(tmp_path, rule, winner, final):
    run = run_config(_config(tmp_path, rule))
    (tab,) = run.tabulations
    assert tab.winners == [winner]
    assert {k: int(v) for k, v in tab.rounds[-1].tally.items()} == final


def test_rctab_config_split_is_refused_when_counted(tmp_path):
    with pytest.raises(ConfigError, match="splitVote"):
        run_config(_config(tmp_path, "splitVote"))


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
