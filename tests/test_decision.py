"""Decision rules for organisations (tally.procedures.decision) and ``tally decide``."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from fractions import Fraction

import pytest
from typer.testing import CliRunner

from tally.cli import app
from tally.errors import ConfigError
from tally.procedures.decision import Vote, decide, parse_share

runner = CliRunner()


# --- majorities -------------------------------------------------------------------------


def test_simple_majority_tie_fails_unless_equality_is_at_least():
    assert decide(51, 50).passed
    assert not decide(50, 50).passed
    assert decide(50, 50, equality="at_least").passed


def test_simple_majority_ignores_abstentions():
    d = decide(10, 9, abstain=100)
    assert d.passed
    majority = d.checks[0]
    assert (majority.base, majority.needed) == (19, 10)
    assert "abstentions" in d.notes[0]


def test_absolute_majority_of_435_members():
    assert decide(218, 10, eligible=435, rule="absolute").passed
    d = decide(217, 0, abstain=200, eligible=435, rule="absolute")
    assert not d.passed and d.checks[0].needed == 218 and d.checks[0].short_by == 1


@pytest.mark.parametrize(
    "yes,no,passed", [(66, 34, False), (67, 33, True), (200, 100, True), (199, 101, False)]
)
def test_two_thirds_of_votes_cast(yes, no, passed):
    assert decide(yes, no, rule="two_thirds").passed is passed
    assert decide(yes, no, rule="2/3").passed is passed
    assert decide(yes, no, rule="qualified", threshold="2/3").passed is passed


def test_exactly_two_thirds_meets_at_least_but_not_more_than():
    assert decide(200, 100, rule="2/3").passed
    d = decide(200, 100, rule="2/3", equality="more_than")
    assert not d.passed and d.checks[0].needed == 201


def test_three_fifths_of_the_senate_not_of_votes_cast():
    assert not decide(59, 38, eligible=100, rule="three_fifths", base="eligible").passed
    assert decide(60, 38, eligible=100, rule="three_fifths", base="eligible").passed
    assert decide(59, 38, rule="3/5").passed


def test_percent_and_fraction_thresholds_are_the_same_number():
    assert (
        parse_share("60%", name="t")
        == parse_share("3/5", name="t")
        == parse_share("0.6", name="t")
        == Fraction(3, 5)
    )
    assert parse_share(0.6, name="t") == Fraction(3, 5)
    assert parse_share("66.5%", name="t") == Fraction(133, 200)


def test_unanimity_with_and_without_abstentions():
    assert decide(10, 0, abstain=3, rule="unanimity").passed
    assert not decide(10, 1, rule="unanimity").passed
    assert not decide(10, 0, abstain=3, rule="unanimity", base="present").passed
    assert not decide(0, 0, rule="unanimity").passed


def test_consensus_blocks():
    assert decide(10, 2, abstain=2, rule="consensus").passed  # "no" is a stand-aside
    d = decide(10, 0, blocks=1, rule="consensus")
    assert not d.passed and d.margin == {"blocks_lifted": 1, "new_yes": None}
    assert decide(10, 0, blocks=1, rule="consensus", max_blocks=2).passed
    assert not decide(10, 0, blocks=3, rule="consensus", max_blocks=2).passed
    assert decide(10, 0, blocks=3, rule="consensus", max_blocks=2).margin["blocks_lifted"] == 2


def test_quorum_as_count_and_share():
    assert not decide(10, 2, eligible=40, quorum="50%").passed
    assert decide(10, 2, eligible=40, quorum=12).passed
    assert decide(10, 2, abstain=8, eligible=40, quorum="1/2").passed  # 20 of 40 present
    assert not decide(10, 2, abstain=8, eligible=40, quorum="1/2", quorum_of="voting").passed


# --- the UK Trade Union Act 2016 -------------------------------------------------------


def test_trade_union_act_turnout_and_support():
    d = decide(60, 40, eligible=250, turnout="50%", support="40%")
    assert not d.passed
    assert [(c.name, c.met) for c in d.checks] == [("majority", True), ("turnout", False), ("support", False)]
    assert [c.needed for c in d.checks] == [51, 125, 100]
    # exactly 50 % turnout and exactly 40 % of the eligible voting yes are enough
    assert decide(100, 25, eligible=250, turnout="50%", support="40%").passed
    assert not decide(99, 26, eligible=250, turnout="50%", support="40%").passed
    assert not decide(101, 23, eligible=250, turnout="50%").passed  # 124 of 250 took part


def test_trade_union_act_no_voters_staying_away_can_defeat_a_ballot():
    d = decide(101, 29, eligible=250, turnout="50%", support="40%")
    assert d.passed
    # 130 took part, 125 needed: six "no" voters staying home defeat it; voting no would take more
    assert d.margin["no_stay_away"] == 6
    assert d.margin["yes_to_no"] == 2  # 99 yes is below 40 % of 250
    assert not decide(101, 23, eligible=250, turnout="50%", support="40%").passed


# --- exact arithmetic against integer formulas -----------------------------------------


def _by_integers(yes, no, abstain, eligible, rule, turnout, support):
    cast, present = yes + no, yes + no + abstain
    ok = {
        "simple": yes > no,
        "absolute": 2 * yes > eligible,
        "2/3": cast > 0 and 3 * yes >= 2 * cast,
        "3/5 of eligible": eligible > 0 and 5 * yes >= 3 * eligible,
    }[rule]
    if turnout:
        ok = ok and eligible > 0 and 2 * present >= eligible
    if support:
        ok = ok and eligible > 0 and 5 * yes >= 2 * eligible
    return ok


def _random_vote(rng):
    eligible = rng.randint(1, 40)
    yes = rng.randint(0, eligible)
    no = rng.randint(0, eligible - yes)
    abstain = rng.randint(0, eligible - yes - no)
    return yes, no, abstain, eligible


RULE_ARGS = {
    "simple": {},
    "absolute": {"rule": "absolute"},
    "2/3": {"rule": "2/3"},
    "3/5 of eligible": {"rule": "three_fifths", "base": "eligible"},
}


def test_random_votes_match_integer_formulas():
    rng = random.Random(5)
    for _ in range(1500):
        yes, no, abstain, eligible = _random_vote(rng)
        rule = rng.choice(list(RULE_ARGS))
        turnout, support = rng.random() < 0.5, rng.random() < 0.5
        d = decide(
            yes,
            no,
            abstain,
            eligible=eligible,
            turnout="50%" if turnout else None,
            support="40%" if support else None,
            **RULE_ARGS[rule],
        )
        assert d.passed is _by_integers(yes, no, abstain, eligible, rule, turnout, support), (
            yes,
            no,
            abstain,
            eligible,
            rule,
        )


def _scan(vote, passes, change, limit):
    for k in range(1, limit + 1):
        if passes(change(vote, k)) != passes(vote):
            return k
    return None


def test_margins_equal_a_linear_scan():
    """The bisection in the margins relies on monotonicity; check it against brute force."""
    rng = random.Random(9)
    ways = {
        "no_to_yes": (lambda v, k: replace(v, yes=v.yes + k, no=v.no - k), lambda v: v.no),
        "new_yes": (lambda v, k: replace(v, yes=v.yes + k), lambda v: v.eligible - v.present),
        "yes_to_no": (lambda v, k: replace(v, yes=v.yes - k, no=v.no + k), lambda v: v.yes),
        "yes_stay_away": (lambda v, k: replace(v, yes=v.yes - k), lambda v: v.yes),
        "no_stay_away": (lambda v, k: replace(v, no=v.no - k), lambda v: v.no),
    }
    checked = 0
    for _ in range(400):
        yes, no, abstain, eligible = _random_vote(rng)
        options = dict(rng.choice(list(RULE_ARGS.values())))
        if rng.random() < 0.5:
            options["turnout"] = rng.choice(["50%", "1/3", "60%"])
        if rng.random() < 0.3:
            options["support"] = "40%"
        if rng.random() < 0.3:
            options["quorum"] = rng.randint(0, eligible)

        def passes(v, options=options):
            return decide(v.yes, v.no, v.abstain, eligible=v.eligible, margins=False, **options).passed

        d = decide(yes, no, abstain, eligible=eligible, **options)
        vote = Vote(yes, no, abstain, 0, eligible)
        for key, value in d.margin.items():
            change, limit = ways[key]
            assert value == _scan(vote, passes, change, limit(vote)), (key, vote, options)
            checked += 1
    assert checked > 600


def test_margin_of_a_failed_simple_majority_without_eligible():
    d = decide(40, 60)
    assert d.margin == {"no_to_yes": 11, "new_yes": 21}


# --- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args,kwargs,message",
    [
        ((-1, 3), {}, "yes cannot be negative"),
        ((1, 3, -2), {}, "abstain cannot be negative"),
        ((8, 5), {"eligible": 10}, "only 10 are eligible"),
        ((1, 0), {"rule": "absolute"}, "eligible"),
        ((1, 0), {"turnout": "50%"}, "turnout needs the number of eligible"),
        ((1, 0), {"rule": "plurality"}, "unknown decision rule"),
        ((1, 0), {"rule": "qualified"}, "needs threshold"),
        ((1, 0), {"rule": "qualified", "threshold": "150%"}, "between 0 and 1"),
        ((1, 0), {"rule": "qualified", "threshold": "two thirds"}, "share such as"),
        ((1, 0), {"blocks": 1}, "only by rule consensus"),
        ((1, 0), {"eligible": 5, "quorum": 6}, "never be met"),
        ((1, 0), {"equality": "exactly"}, "equality"),
        ((1, 0), {"rule": "two_thirds", "threshold": "3/4"}, "fixes the threshold"),
        ((1.5, 0), {}, "whole number"),
    ],
)
def test_bad_input_is_a_config_error(args, kwargs, message):
    with pytest.raises(ConfigError, match=message):
        decide(*args, **kwargs)


# --- CLI --------------------------------------------------------------------------------


def test_cli_decide_json_trade_union_ballot():
    args = [
        "decide",
        "--yes",
        "60",
        "--no",
        "40",
        "--eligible",
        "250",
        "--turnout-threshold",
        "50%",
        "--support-of-eligible",
        "40%",
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["passed"] is False and out["result"] == "failed"
    assert [c["check"] for c in out["checks"]] == ["majority", "turnout", "support"]
    turnout = out["checks"][1]
    assert (turnout["value"], turnout["base"], turnout["needed"], turnout["short_by"]) == (100, 250, 125, 25)
    assert turnout["share"] == "1/2" and turnout["actual_percent"] == 40.0
    assert out["margin"] == {"no_to_yes": None, "new_yes": 40}
    assert runner.invoke(app, args).stdout == result.stdout  # deterministic


def test_cli_decide_qualified_and_table():
    result = runner.invoke(app, ["decide", "--yes", "200", "--no", "100", "--rule", "2/3", "--json"])
    out = json.loads(result.stdout)
    assert (
        out["passed"] is True
        and out["checks"][0]["needed"] == 200
        and out["options"]["equality"] == "at_least"
    )
    table = runner.invoke(
        app, ["decide", "--yes", "200", "--no", "100", "--rule", "2/3", "--equality", "more_than"]
    )
    assert table.exit_code == 0 and "failed" in table.stdout and "201" in table.stdout


def test_cli_decide_bad_input():
    result = runner.invoke(app, ["decide", "--yes", "8", "--no", "5", "--eligible", "10"])
    assert result.exit_code != 0 and isinstance(result.exception, ConfigError)
    assert "only 10 are eligible" in str(result.exception)
