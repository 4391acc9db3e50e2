"""The RCTab tabulator on its own: arithmetic, formatting, accounting, and a peer library.

The 47 RCTab cases (tests/test_rctab_cases.py) pin the engine to RCTab's certified
output; these tests check the pieces and the invariants on random profiles, and compare
single-winner counts with stvpoll's instant runoff where no tie-break was needed.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import tally
from tally.ballots import RankedBallots
from tally.errors import BallotError, ConfigError, RuleError
from tally.io.cvr.model import OVERVOTE_MARK, CastVoteRecord
from tally.rctab.config import Rules
from tally.rctab.decimal_math import divide, multiply, unit
from tally.rctab.report import dump_json, percent, summary_csv, summary_json
from tally.rctab.tabulate import Contest, build_contest, tabulate

from .strategies import ranked_ballots

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _contest(ballots: RankedBallots) -> Contest:
    return Contest(
        candidates=tuple(ballots.candidates),
        excluded=frozenset(),
        ballots=ballots,
        counts=ballots.weights.astype(np.int64),
    )


# -- arithmetic and formatting --------------------------------------------------------------


def test_divide_truncates_or_rounds_up_to_the_scale():
    assert str(divide(Decimal(9), Decimal(4), 4)) == "2.2500"
    assert str(divide(Decimal(10), Decimal(3), 4, ROUND_DOWN)) == "3.3333"
    assert str(divide(Decimal(10), Decimal(3), 4, ROUND_UP)) == "3.3334"
    assert str(divide(Decimal(59463), Decimal(3), 0, ROUND_UP)) == "19821"
    assert str(divide(Decimal(1), Decimal(3), 0)) == "0"


def test_multiply_truncates_and_keeps_scale():
    assert str(multiply(Decimal(1), Decimal("0.2499"), 4)) == "0.2499"
    assert str(multiply(Decimal("0.2499"), Decimal("0.3333"), 4)) == "0.0832"
    assert str(unit(4)) == "0.0001" and str(unit(0)) == "1"


def test_percent_is_truncated_and_printed_like_java():
    assert percent(Decimal(3), Decimal(9)) == "33.33%"
    assert percent(Decimal("2.2501"), Decimal(9)) == "25.0%"
    assert percent(Decimal(0), Decimal(13)) == "0.0%"
    assert percent(Decimal(7), Decimal(13)) == "53.84%"
    assert percent(Decimal(5), Decimal(5)) == "100.0%"
    assert percent(Decimal(1), Decimal(0)) == ""


def test_json_is_written_as_jackson_pretty_prints_it():
    text = dump_json({"a": [], "b": {}, "c": [{"x": Decimal("1.50")}], "d": 1})
    assert text == '{\n  "a" : [ ],\n  "b" : { },\n  "c" : [ {\n    "x" : "1.50"\n  } ],\n  "d" : 1\n}\n'


# -- building a contest from records ----------------------------------------------------------


def test_build_contest_merges_identical_ballots_per_slice():
    recs = [
        CastVoteRecord("1", (("A",), ("B",)), precinct="p1"),
        CastVoteRecord("2", (("A",), ("B",), ()), precinct="p1"),
        CastVoteRecord("3", (("A",), ("B",)), precinct="p2"),
        CastVoteRecord("4", ((OVERVOTE_MARK,), ("A", "B")), precinct=None),
    ]
    c = build_contest(["A", "B"], recs, slices=("precinct",))
    assert c.total == 4
    assert sorted(c.counts.tolist()) == [1, 1, 2]
    assert c.slices["precinct"] == ("no precinct id", "p1", "p2")
    assert c.row_of_ballot.tolist()[0] == c.row_of_ballot.tolist()[1]


def test_build_contest_refuses_unknown_candidates():
    with pytest.raises(BallotError, match="unknown candidate 'Z'"):
        build_contest(["A"], [CastVoteRecord("1", (("Z",),), file="f.csv", line=3)])


def test_rules_validation():
    with pytest.raises(ConfigError, match="randomSeed"):
        Rules(tiebreak_mode="random").check()
    with pytest.raises(ConfigError, match="winnerElectionMode"):
        Rules(winner_election_mode="standard?").check()


# -- worked examples ------------------------------------------------------------------------


def test_irv_with_exhaustion_and_transfers():
    b = RankedBallots.from_rankings(
        ["A", "B", "C"], [["A", "B"], ["A"], ["B", "C"], ["C", "B"], ["C"], ["B"], [None]], merge=False
    )
    tab = tabulate(_contest(b), Rules())[0]
    r1, r2 = tab.rounds
    assert r1.tally == {"A": 2, "B": 2, "C": 2} and r1.threshold == 4
    assert r1.inactive["undervotes"] == 1
    # three-way tie for last: candidate order eliminates the last listed, C
    assert r1.eliminated == ["C"] and r1.by_tiebreak == {"C"}
    assert r1.transfers == {"C": {"B": 1, "exhausted": 1}}
    assert r2.tally == {"A": 2, "B": 3} and r2.inactive["exhaustedChoices"] == 1
    assert tab.winners == ["B"]


def test_stv_surplus_is_truncated_per_ballot_and_residual_recorded():
    # 9 ballots, 3 seats, non-integer threshold 9/4 -> 2.2501
    b = RankedBallots.from_rankings(["A", "B", "C", "D"], [["A", "B"]] * 3 + [["B", "C"]] * 3 + [["C"]] * 3)
    rules = Rules(
        winner_election_mode="multiWinnerAllowOnlyOneWinnerPerRound",
        number_of_winners=3,
        non_integer_threshold=True,
    )
    tab = tabulate(_contest(b), rules)[0]
    first = tab.rounds[0]
    assert str(first.threshold) == "2.2501"
    assert first.elected == ["A"]
    # surplus fraction 0.7499/3 truncated = 0.2499; 3 ballots move 0.2499 each
    assert {k: str(v) for k, v in first.transfers["A"].items()} == {
        "B": "0.7497",
        "residual surplus": "0.0002",
    }
    assert str(tab.rounds[1].tally["A"]) == "2.2501"
    assert tab.winners == ["A", "B", "C"]
    last = tab.rounds[-1]
    assert last.inactive["finalRoundSurplus"] > 0


def test_report_is_deterministic():
    b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B"], ["C", "A"], ["C"]])
    rules = Rules(tiebreak_mode="random", random_seed=7)
    one = tabulate(_contest(b), rules)[0]
    two = tabulate(_contest(b), rules)[0]
    meta = {"contest": "x"}
    assert dump_json(summary_json(one, meta)) == dump_json(summary_json(two, meta))
    assert summary_csv(one, meta) == summary_csv(two, meta)


# -- invariants on random profiles -------------------------------------------------------------

MODES = [
    Rules(),
    Rules(
        overvote_rule="alwaysSkipToNextRank",
        max_skipped_ranks=0,
        exhaust_on_duplicate=True,
        batch_elimination=True,
    ),
    Rules(continue_until_two=True, tiebreak_mode="previousRoundCountsThenRandom", random_seed=3),
    Rules(winner_election_mode="multiWinnerAllowMultipleWinnersPerRound", number_of_winners=2),
    Rules(
        winner_election_mode="multiWinnerAllowOnlyOneWinnerPerRound",
        number_of_winners=2,
        non_integer_threshold=True,
        tiebreak_mode="generatePermutation",
        random_seed=11,
    ),
    Rules(
        winner_election_mode="multiWinnerAllowMultipleWinnersPerRound",
        number_of_winners=2,
        hare_quota=True,
        decimal_places=2,
    ),
    Rules(winner_election_mode="bottomsUp", number_of_winners=2),
    Rules(
        winner_election_mode="bottomsUpUsingPercentageThreshold",
        number_of_winners=0,
        bottoms_up_percentage=Decimal("0.2"),
        cutoff_elimination=True,
    ),
    Rules(winner_election_mode="multiPassIrv", number_of_winners=2, tiebreak_mode="random", random_seed=1),
]


@pytest.mark.parametrize("rules", MODES, ids=[m.winner_election_mode + str(i) for i, m in enumerate(MODES)])
@SETTINGS
@given(ballots=ranked_ballots(min_candidates=3))
def test_every_round_accounts_for_every_ballot(rules, ballots):
    contest = _contest(ballots)
    try:
        tabs = tabulate(contest, rules)
    except RuleError as exc:
        # RCTab stops when every candidate is gone and nobody won (no ballot counted).
        assert "no continuing candidate is left" in str(exc)
        return
    for tab in tabs:
        assert tab.total_ballots == contest.total
        for rnd in tab.rounds:
            accounted = (
                sum(rnd.tally.values(), Decimal(0))
                + sum(rnd.inactive.values(), Decimal(0))
                + rnd.residual_surplus
            )
            assert accounted == contest.total
            assert all(v >= 0 for v in rnd.tally.values())
        if rules.number_of_winners and not rules.is_multi_pass and tab.rounds[0].active > 0:
            # (with no active vote at all a Hare threshold is 0 and RCTab elects everyone)
            assert len(tab.winners) <= rules.number_of_winners


# -- against a peer library ---------------------------------------------------------------------


@SETTINGS
@given(ballots=ranked_ballots(min_candidates=3, max_candidates=5, max_rows=15, messy=False))
def test_single_winner_matches_stvpoll_irv_when_no_tie_is_broken(ballots):
    from stvpoll.irv import calculate_irv

    c = ballots.n_candidates
    # complete strict rankings: both libraries then agree on the majority threshold
    rankings, counts = [], []
    for row, w in zip(ballots.choices.tolist(), ballots.weights.tolist()):
        seen = [x for x in row if x >= 0]
        rankings.append(seen + [x for x in range(c) if x not in seen])
        counts.append(int(w))
    full = RankedBallots.from_matrix(ballots.candidates, np.array(rankings), np.array(counts, dtype=float))
    tab = tabulate(_contest(full), Rules())[0]
    if tab.ties:
        return
    names = full.candidates
    theirs = calculate_irv(
        list(names), [([names[i] for i in r], n) for r, n in zip(rankings, counts)], allow_random=False
    )
    assert list(theirs.elected_as_tuple()) == tab.winners


def test_registered_rule_counts_like_the_engine():
    b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"]] * 4 + [["B", "C"]] * 3 + [["C", "B"]] * 2)
    outcome = tally.count(b, "rctab")
    assert outcome.winners == ("B",)
    assert outcome.rounds[0].eliminated == ("C",)
    for rnd in outcome.rounds:
        assert rnd.continuing + sum(rnd.inactive.values()) == pytest.approx(b.total)
