"""Withdrawn candidates (a BLT file's minus line, Droop's [withdrawn]) are left out of every count."""

from __future__ import annotations

import pytest

import tally
from tally.errors import BallotError, RuleError

# 3 candidates, 1 seat, candidate 1 (A) withdrawn; 3 ballots A>B, 2 B, 2 C.
# With A withdrawn the A>B ballots count for B: B 5, C 2.
WITHDRAWN_BLT = '3 1\n-1\n3 1 2 0\n2 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"t"\n'


@pytest.fixture
def ballots(tmp_path):
    path = tmp_path / "withdrawn.blt"
    path.write_text(WITHDRAWN_BLT)
    return tally.read(str(path))


def ranked_rules():
    return [info.name for info in tally.rules() if info.accepts("ranked")]


@pytest.mark.parametrize("name", ranked_rules())
def test_every_ranked_rule_leaves_the_withdrawn_candidate_out(ballots, name):
    try:
        outcome = tally.count(ballots, name)
    except RuleError as exc:  # a rule that cannot count 2 candidates for 1 seat says so
        pytest.skip(f"{name}: {exc}")
    assert "A" not in outcome.winners
    # every rule here fills one seat by default, but the limited vote (two seats, one vote)
    assert outcome.winners == (("B", "C") if name == "limited" else ("B",))
    assert outcome.details["withdrawn"] == ["A"]
    assert any("withdrawn" in w and "A" in w for w in outcome.warnings)


def test_irv_counts_b_five_to_two(ballots):
    outcome = tally.count(ballots, "irv")
    assert outcome.rounds[0].tally == {"B": 5, "C": 2}
    assert outcome.ballots["read"] == 7


def test_droop_withdrawn_extension(tmp_path):
    path = tmp_path / "droop.blt"
    path.write_text('3 1\n3 1 2 0\n2 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n[withdrawn 1]\n"t"\n')
    b = tally.read(str(path))
    assert b.metadata["withdrawn"] == ("A",)
    assert tally.count(b, "scottish_stv").winners == ("B",)


@pytest.mark.parametrize("extension", ["[tie 3 2 1]", "[nick a b c]", "[droop rule=meek]", "[elected 1]"])
def test_other_droop_extensions_are_refused_by_name(tmp_path, extension):
    path = tmp_path / "droop.blt"
    path.write_text(f'3 1\n3 1 2 0\n0\n"A"\n"B"\n"C"\n{extension}\n"t"\n')
    name = extension[1:].split()[0]
    with pytest.raises(BallotError, match=rf"line 7: the BLT extension \[{name}\]"):
        tally.read(str(path))


def test_without_strikes_marks_and_moves_later_ranks_up():
    b = tally.RankedBallots.from_rankings(
        ["A", "B", "C", "D"],
        [["A", "B"], [{"A", "B"}, "C"], [{"A", "B", "C"}, "D"], ["A"], [None, "A", "D"]],
        merge=False,
    )
    w = b.without(["A"])
    assert w.candidates == ("B", "C", "D")
    assert [r for r, _ in sorted(w.rankings(), key=str)] == sorted(
        [("B",), ("B", "C"), (frozenset({"B", "C"}), "D"), (), (None, "D")], key=str
    )
