"""Invariants every registered rule must keep, checked on random profiles.

- accounting: in every round, continuing + inactive by reason = ballots read;
- the outcome names only candidates of the contest, and at most ``seats`` winners unless a
  tie was left standing;
- determinism: the same input and options give byte-identical JSON;
- the JSON contract keys are present;
- neutrality (where the rule is neutral with ties left standing): renaming candidates
  renames the winners.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import tally
from tally.ballots import RankedBallots
from tally.errors import RuleError

from .strategies import ranked_ballots, scored_ballots

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ALL_RULES = tally.rules()
RANKED = [r for r in ALL_RULES if r.accepts("ranked")]
SCORED = [r for r in ALL_RULES if r.accepts("approval") or r.accepts("score")]

# Rules whose count depends on candidate order even with every tie left standing, and why.
NOT_NEUTRAL = {
    "irish_stv": "draws surplus papers at random",
}


def _options(info, seats: int = 2) -> dict:
    options = {}
    if "tiebreak" in info.options:
        options["tiebreak"] = (
            "all" if info.options.get("tiebreak") == "all" or not info.sequential else "order"
        )
    if "seats" in info.options and info.multiwinner:
        options["seats"] = seats
    return options


def _count(ballots, info, **extra):
    try:
        return tally.count(ballots, info.name, **{**_options(info), **extra})
    except RuleError as exc:
        # Rules may refuse inputs they document as out of range (too many candidates,
        # fewer candidates than seats); anything else is a bug.
        assert any(word in str(exc) for word in ("candidates", "seats", "limit")), str(exc)
        return None


def _check_outcome(outcome, ballots, info):
    data = json.loads(outcome.to_json())
    for key in ("rule", "candidates", "winners", "rounds", "ties", "ballots"):
        assert key in data, f"{info.name}: JSON lacks {key!r}"
    assert data["rule"] == info.name
    assert data["ballots"]["read"] == pytest.approx(ballots.total)
    assert set(outcome.winners) <= set(ballots.candidates)
    assert len(set(outcome.winners)) == len(outcome.winners)
    seats = outcome.options.get("seats", 1) or 1
    if not outcome.tied:
        assert len(outcome.winners) <= seats, f"{info.name}: {outcome.winners} for {seats} seat(s)"
    for round_ in outcome.rounds:
        assert set(round_.tally) <= set(ballots.candidates) | {"Undeclared Write-ins"}
        if round_.continuing is not None:
            accounted = round_.continuing + sum(round_.inactive.values())
            assert accounted == pytest.approx(ballots.total, abs=1e-6), (
                f"{info.name} round {round_.number}: {round_.continuing} continuing + "
                f"{dict(round_.inactive)} inactive != {ballots.total} read"
            )


def _renamed(ballots: RankedBallots) -> tuple[RankedBallots, dict[str, str]]:
    """The same ballots with candidates listed in reverse order under new names."""
    c = ballots.n_candidates
    new_names = tuple(f"X{i}" for i in range(c))
    mapping = {ballots.candidates[i]: new_names[c - 1 - i] for i in range(c)}
    codes = ballots.choices.astype(np.int64)
    recoded = np.where(codes >= 0, c - 1 - codes, codes)
    ties = [frozenset(c - 1 - m for m in t) for t in ballots.tie_sets]
    renamed = RankedBallots.from_matrix(new_names, recoded, ballots.weights, tie_sets=ties)
    return renamed, mapping


@pytest.mark.parametrize("info", RANKED, ids=[r.name for r in RANKED])
@SETTINGS
@given(ballots=ranked_ballots())
def test_ranked_rule_invariants(info, ballots):
    outcome = _count(ballots, info)
    if outcome is None:
        return
    _check_outcome(outcome, ballots, info)
    again = _count(ballots, info)
    assert again.to_json() == outcome.to_json()


@pytest.mark.parametrize(
    "info",
    [r for r in RANKED if r.name not in NOT_NEUTRAL],
    ids=[r.name for r in RANKED if r.name not in NOT_NEUTRAL],
)
@SETTINGS
@given(ballots=ranked_ballots())
def test_ranked_rule_neutrality(info, ballots):
    if "tiebreak" in info.options and info.sequential:
        # Sequential rules are neutral only with every tie explored.
        try:
            outcome = tally.count(ballots, info.name, **{**_options(info), "tiebreak": "all"})
        except (RuleError, tally.ConfigError):
            return
    else:
        outcome = _count(ballots, info)
    if outcome is None:
        return
    renamed, mapping = _renamed(ballots)
    options = dict(outcome.options)
    other = tally.count(renamed, info.name, **options)
    assert set(other.winners) == {mapping[w] for w in outcome.winners}


@pytest.mark.parametrize("info", SCORED, ids=[r.name for r in SCORED])
@SETTINGS
@given(data=scored_ballots(kind="approval"), scores=scored_ballots(kind="score"))
def test_scored_rule_invariants(info, data, scores):
    ballots = data if info.accepts("approval") else scores
    outcome = _count(ballots, info)
    if outcome is None:
        return
    _check_outcome(outcome, ballots, info)
    assert _count(ballots, info).to_json() == outcome.to_json()


def test_every_rule_is_documented_and_referenced():
    for info in ALL_RULES:
        assert info.summary, f"{info.name} has no docstring"
        assert info.reference.strip(), f"{info.name} cites no reference"
        assert info.kinds, f"{info.name} accepts no ballot kind"


@pytest.mark.parametrize(
    "rule, options",
    [
        ("copeland", {"tie_score": "half"}),
        ("irv", {"batch_elimination": "no"}),
        ("irv", {"seed": "x", "tiebreak": "random"}),
        ("borda", {"truncated": 1}),
        ("rctab", {"seats": "two"}),
        ("rctab", {"seats": 2.5}),
        ("rctab", {"decimal_places": -1}),
        # options the chosen RCTab mode would not read, refused as RCTab refuses them
        ("rctab", {"percentage": 20}),
        ("rctab", {"cutoff": True}),
        ("rctab", {"mode": "stv", "seats": 2, "batch_elimination": True}),
        ("rctab", {"mode": "multi_pass", "seats": 1}),
        ("rctab", {"mode": "bottoms_up_percentage", "percentage": "ten"}),
        ("rctab", {"mode": "bottoms_up_percentage", "percentage": 0}),
    ],
)
def test_option_of_the_wrong_kind_is_a_config_error(rule, options):
    ballots = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B"], ["C", "A"], ["A"]])
    with pytest.raises(tally.ConfigError, match="option"):
        tally.count(ballots, rule, **options)


def test_option_of_the_right_kind_passes_the_check():
    ballots = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B"], ["C", "A"], ["A"]])
    assert tally.count(ballots, "copeland", tie_score=1).winners == ("A",)
    assert tally.count(ballots, "irv", seed=np.int64(3), batch_elimination=np.bool_(False)).winners == ("A",)
    assert tally.count(ballots, "rctab", seats=1.0).winners == ("A",)
    # every candidate holds at least 20% of the first choices (2, 1, 1 of 4)
    assert tally.count(ballots, "rctab", mode="bottoms_up_percentage", percentage=20).winners == (
        "A",
        "B",
        "C",
    )
