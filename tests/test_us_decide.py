"""Decision rules for organisations."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tally.cli import app
from tally.decide import decide
from tally.errors import ConfigError


def test_simple_and_ties():
    assert decide(51, 50).passed
    assert not decide(50, 50).passed


def test_absolute_majority_counts_the_eligible():
    assert not decide(200, 10, abstain=30, eligible=435, rule="absolute").passed
    assert decide(218, 10, eligible=435, rule="absolute").passed


@pytest.mark.parametrize("yes,no,passed", [(66, 34, False), (67, 33, True), (200, 100, True), (199, 101, False)])
def test_two_thirds_of_votes_cast(yes, no, passed):
    assert decide(yes, no, rule="two_thirds").passed is passed


def test_senate_cloture_three_fifths_of_senators():
    assert not decide(59, 38, eligible=100, rule="three_fifths", base="eligible").passed
    assert decide(60, 38, eligible=100, rule="three_fifths", base="eligible").passed
    assert decide(59, 38, rule="three_fifths").passed  # 3/5 of votes cast would pass


def test_uk_trade_union_act_thresholds():
    # 250 members: 60 yes, 40 no -> majority but turnout 40 % < 50 %
    d = decide(60, 40, eligible=250, turnout="50%", support="40%")
    assert not d.passed
    assert [c["met"] for c in d.checks] == [True, False, False]
    # 130 voting of 250 (52 %), 101 yes = 40.4 % of the eligible: passes
    assert decide(101, 29, eligible=250, turnout="50%", support="40%").passed
    assert not decide(99, 31, eligible=250, turnout="50%", support="40%").passed


def test_unanimity_consensus_and_quorum():
    assert decide(10, 0, abstain=3, rule="unanimity").passed
    assert not decide(10, 1, rule="unanimity").passed
    assert decide(10, 0, abstain=2, rule="consensus").passed
    assert not decide(10, 0, blocks=1, rule="consensus").passed
    assert not decide(10, 2, eligible=40, quorum="50%").passed
    assert decide(10, 2, eligible=40, quorum=12).passed


def test_bad_input():
    with pytest.raises(ConfigError, match="eligible"):
        decide(1, 0, rule="absolute")
    with pytest.raises(ConfigError, match="only 10 are eligible"):
        decide(8, 5, eligible=10)
    with pytest.raises(ConfigError, match="unknown decision rule"):
        decide(1, 0, rule="plurality")


def test_cli_decide_json():
    result = CliRunner().invoke(app, ["decide", "--yes", "60", "--no", "40", "--eligible", "250", "--turnout", "50%",
                                      "--support", "40%", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["passed"] is False and len(out["checks"]) == 3
