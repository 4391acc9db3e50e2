"""Real elections counted under their own rules, checked against the published results."""

from __future__ import annotations

import numpy as np
import pytest

import tally
from tally import data
from tally.rules.condorcet import condorcet_winner as rules_condorcet_winner


def condorcet_winner(ballots) -> str | None:
    """The candidate beating every other head to head, from the pairwise margins."""
    margins = ballots.margins()
    for i, name in enumerate(ballots.candidates):
        if all(margins[i, j] > 0 for j in range(len(ballots.candidates)) if j != i):
            return name
    return None


def check_accounting(outcome, read):
    for r in outcome.rounds:
        assert r.continuing + sum(r.inactive.values()) == pytest.approx(read)
        assert sum(r.tally.values()) == pytest.approx(r.continuing)


def test_burlington_2009_irv_elects_kiss_over_the_condorcet_winner():
    ballots = data.load("burlington-2009")
    outcome = tally.count(ballots, "irv")
    assert outcome.winners == ("Bob Kiss",)
    final = outcome.rounds[-1].tally
    assert set(final) == {"Bob Kiss", "Kurt Wright"}
    assert final["Bob Kiss"] > final["Kurt Wright"]
    # Montroll was eliminated, though he beats every other candidate head to head
    assert "Andy Montroll" in outcome.details["elimination_order"]
    assert condorcet_winner(ballots) == "Andy Montroll"
    assert rules_condorcet_winner(ballots) == "Andy Montroll"
    check_accounting(outcome, ballots.total)


MAINE_RULES = {"max_skipped": 1, "overvote": "exhaust", "batch_elimination": True}


@pytest.fixture(scope="module")
def maine():
    return data.load("maine-2018-cd2")


def test_maine_2018_cd2_official_rounds(maine):
    ballots = maine
    outcome = tally.count(ballots, "irv", **MAINE_RULES)
    poliquin, golden = "Bruce Poliquin", "Jared Golden"
    bond, hoar = "Tiffany Bond", "William R.S. Hoar"
    first = outcome.rounds[0]
    assert dict(first.tally) == {poliquin: 134184, golden: 132013, bond: 16552, hoar: 6875}
    # Bond and Hoar together (23,427) cannot catch Golden: batch-eliminated in round 1
    assert set(first.eliminated) == {bond, hoar}
    final = outcome.rounds[-1]
    assert dict(final.tally) == {golden: 142440, poliquin: 138931}
    assert outcome.winners == (golden,)
    assert len(outcome.rounds) == 2
    # transfers add up to what the round-2 tallies gained
    moved = {}
    for gone in first.transfers.values():
        for to, amount in gone.items():
            moved[to] = moved.get(to, 0) + amount
    assert moved[golden] == 142440 - 132013
    assert moved[poliquin] == 138931 - 134184
    assert ballots.total == 296077
    check_accounting(outcome, ballots.total)
    # two skipped ranks in a row exhaust the ballot: some ballots stop for that reason
    assert final.inactive["skipped"] > 0 and final.inactive["overvote"] > 0


def test_maine_rules_matter(maine):
    """Without the skipped-rank limit the final count differs (fewer ballots inactive)."""
    ballots = maine
    lenient = tally.count(ballots, "irv", overvote="skip", batch_elimination=True)
    strict = tally.count(ballots, "irv", **MAINE_RULES)
    assert lenient.rounds[-1].continuing > strict.rounds[-1].continuing


def test_alaska_2022_special_peltola_wins_begich_is_condorcet_winner():
    ballots = data.load("alaska-2022-special")
    outcome = tally.count(ballots, "irv")
    final = outcome.rounds[-1].tally
    peltola, palin, begich = "Mary Peltola", "Sarah Palin", "Nick Begich"
    assert set(final) == {peltola, palin}
    assert final[peltola] > final[palin]
    assert outcome.winners == (peltola,)
    assert condorcet_winner(ballots) == begich
    assert rules_condorcet_winner(ballots) == begich
    margins = ballots.margins()
    b = ballots.candidates.index(begich)
    assert margins[b, ballots.candidates.index(peltola)] > 0
    assert margins[b, ballots.candidates.index(palin)] > 0
    check_accounting(outcome, ballots.total)
    assert np.isclose(ballots.total, 189112)
