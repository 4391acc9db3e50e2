"""Sample-size estimates against published worked examples."""

from __future__ import annotations

import math

import pytest

from tally.audit.sample import (
    ErrorRates,
    SampleSettings,
    bravo_asn,
    comparison_sample_size,
    difficulty,
    whole_ballots,
)
from tally.errors import ConfigError

NONE = ErrorRates.none()


@pytest.mark.parametrize(
    ("contest", "margin", "cards", "expected"),
    [
        # Colorado's 2024 general election RLA, round 1 contest report: risk limit 3 %,
        # gamma 1.03905, no discrepancies; min_margin, ballot_card_count and
        # optimistic_samples_to_audit as Colorado published them
        ("Boulder, State Representative District 10", 27538, 396121, 105),
        ("Broomfield, Ballot Question 2G", 6780, 47543, 52),
    ],
)
def test_kaplan_markov_matches_colorados_published_sample_sizes(contest, margin, cards, expected):
    assert math.ceil(comparison_sample_size(margin / cards, 0.03, rates=NONE)) == expected


def test_kaplan_markov_with_errors_meets_the_super_simple_bound():
    """With o1, o2, u1, u2 discrepancies expected per ballot, n is where Stark's bound
    n = -2 gamma (ln alpha + o1 n ln(1 - 1/(2 gamma)) + o2 n ln(1 - 1/gamma)
    + u1 n ln(1 + 1/(2 gamma)) + u2 n ln(1 + 1/gamma)) / mu holds with equality (the
    counts form Colorado's software evaluates, with the counts the rates give)."""
    mu, alpha, gamma = 0.02, 0.05, 1.03905
    rates = ErrorRates(0.002, 0.0005, 0.001, 0.0002)
    n = comparison_sample_size(mu, alpha, gamma=gamma, rates=rates)
    o1, o2, u1, u2 = (r * n for r in (0.002, 0.0005, 0.001, 0.0002))
    bound = (
        -2
        * gamma
        * (
            math.log(alpha)
            + o1 * math.log(1 - 1 / (2 * gamma))
            + o2 * math.log(1 - 1 / gamma)
            + u1 * math.log(1 + 1 / (2 * gamma))
            + u2 * math.log(1 + 1 / gamma)
        )
        / mu
    )
    assert bound == pytest.approx(n)
    assert n > comparison_sample_size(mu, alpha, gamma=gamma, rates=NONE)


def test_errors_that_outweigh_the_margin_mean_a_full_count():
    assert comparison_sample_size(0.001, 0.05, rates=ErrorRates(0.01, 0.0)) == math.inf
    assert whole_ballots(math.inf, 1000) is None
    assert whole_ballots(1200.0, 1000) is None
    assert whole_ballots(104.2, 1000) == 105


def test_bravo_asn_of_a_60_40_contest():
    """BRAVO (eq. 5) for a 60 %-40 % two-candidate contest at a 10 % risk limit."""
    expected = (math.log(10) + math.log(1.2) / 2) / (0.6 * math.log(1.2) + 0.4 * math.log(0.8))
    assert bravo_asn(600, 400, 1000, 0.10) == pytest.approx(expected)
    assert round(expected) == 119


def test_bravo_without_loser_votes_and_without_a_lead():
    assert bravo_asn(500, 0, 1000, 0.05) == pytest.approx(
        (math.log(20) + math.log(2) / 2) / (0.5 * math.log(2))
    )
    assert bravo_asn(400, 400, 1000, 0.05) == math.inf


def test_difficulty_measures():
    assert difficulty("margin", 60, 40, 100, 0.05) == 5.0
    assert difficulty("margin_squared", 60, 40, 100, 0.05) == 25.0
    assert difficulty("margin", 40, 40, 100, 0.05) == math.inf
    with pytest.raises(ConfigError, match="unknown difficulty measure"):
        difficulty("votes", 60, 40, 100, 0.05)


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 2])
def test_settings_refuse_a_risk_limit_outside_0_1(bad):
    with pytest.raises(ConfigError, match="risk limit"):
        SampleSettings(risk_limit=bad)


def test_settings_refuse_bad_rates_and_gamma():
    with pytest.raises(ConfigError, match="gamma"):
        SampleSettings(gamma=1.0)
    with pytest.raises(ConfigError, match="error rate"):
        ErrorRates(one_vote_over=-0.01)
