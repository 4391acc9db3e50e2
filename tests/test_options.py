"""The shared vocabulary of ballot reading (tally.options) and the counting floor's package."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tally
from tally.errors import ConfigError
from tally.options import (
    INACTIVE_CODES,
    INACTIVE_REASONS,
    RCTAB_OVERVOTE_RULES,
    Reading,
    describe,
    reason_of,
)


def test_inactive_codes_are_defined_once_and_agree_everywhere():
    from tally.count import walk
    from tally.count.papers import INACTIVE
    from tally.rctab import ledger

    assert [reason_of(INACTIVE_CODES[r]) for r in INACTIVE_REASONS] == list(INACTIVE_REASONS)
    assert walk.REASONS == tally.outcome.INACTIVE_REASONS == INACTIVE_REASONS
    assert INACTIVE == INACTIVE_CODES
    # RCTab's statuses are the shared codes under RCTab's names
    assert ledger._STATUS_OF_CODE[INACTIVE_CODES["skipped"]] == "skippedRankings"
    assert ledger._STATUS_OF_CODE[INACTIVE_CODES["undervote"]] == "undervotes"


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({}, "IRV, overvote exhausts"),
        ({"max_skipped": 1}, "IRV, overvote exhausts, 2 skipped ranks exhaust"),
        ({"max_skipped": 0}, "IRV, overvote exhausts, 1 skipped rank exhausts"),
        ({"overvote": "skip", "repeated": "exhaust"}, "IRV, overvote skipped, repeated candidate exhausts"),
        ({"overvote": "single_continuing"}, "IRV, overvote counts once one of its candidates is left"),
        (
            {"batch_elimination": True, "max_skipped": 1},
            "IRV, overvote exhausts, 2 skipped ranks exhaust, batch elimination",
        ),
    ],
)
def test_describe_in_plain_words(options, words):
    assert describe("irv", options) == words


def test_describe_a_multi_seat_rule_and_an_unknown_one():
    assert describe("scottish_stv", {"seats": 3, "max_skipped": 0}) == (
        "Scottish STV, 3 seats, overvote exhausts, 1 skipped rank exhausts"
    )
    # a rule that does not read ballots under the vocabulary is named alone
    assert describe("schulze", {"tiebreak": "all"}) == "schulze"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"overvote": "maybe"}, "option overvote: unknown rule 'maybe'"),
        ({"repeated": "twice"}, "option repeated: unknown rule 'twice'"),
        ({"max_skipped": -1}, "option max_skipped must be a whole number >= 0"),
        ({"max_skipped": 1.5}, "option max_skipped must be a whole number >= 0"),
        ({"max_rankings": 0}, "option max_rankings must be a whole number >= 1"),
    ],
)
def test_reading_refuses_what_it_does_not_know(options, message):
    with pytest.raises(ConfigError, match=message):
        Reading(**options)


def test_every_rctab_overvote_rule_names_a_shared_one():
    assert set(RCTAB_OVERVOTE_RULES.values()) == {
        "exhaust",
        "skip",
        "exhaust_if_multiple",
        "single_continuing",
        "split",
    }


def test_the_same_options_reach_irv_sequential_irv_rctab_and_stv():
    b = tally.RankedBallots.from_rankings(list("ABC"), [["A"]] * 3 + [["B"]] * 2 + [["C", None, None, "B"]])
    for rule, extra in (("irv", {}), ("sequential_irv", {}), ("rctab", {}), ("scottish_stv", {"seats": 1})):
        o = tally.count(b, rule, max_skipped=1, **extra)
        assert o.options["max_skipped"] == 1
        # C's ballot, two skipped ranks before B, is inactive as skipped once C is out
        assert any(r.inactive["skipped"] == 1 for r in o.rounds), rule


def test_tally_count_stays_the_counting_function():
    # tally.count (the function) and tally.count (the floor package) share a name: importing
    # the package's modules must never rebind the function.
    code = (
        "import tally, tally.count.walk, tally.count.record, tally.count.gregory;"
        "from tally.count.eliminate import Elimination;"
        "b = tally.RankedBallots.from_rankings(['A', 'B'], [['A'], ['B'], ['A']]);"
        "print(tally.count(b, 'irv').winners)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "('A',)"
