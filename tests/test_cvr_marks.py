"""One encoding of a cast-vote record's marks into ballot codes, shared by every path."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from tally.ballots import FIRST_TIE_CODE, OVERVOTE, SKIPPED
from tally.errors import BallotError
from tally.io.cvr import OVERVOTE_MARK, CastVoteRecord, cvrs_to_ballots
from tally.io.cvr.model import mark_code, tie_code
from tally.rctab.contest import build_contest

INDEX = {"A": 0, "B": 1, "C": 2}


def _code(mark, ties, **kw):
    return mark_code(mark, INDEX, ties, ballot_id="b7", rank=2, **kw)


def test_each_kind_of_mark():
    ties: dict = {}
    assert _code((), ties) == SKIPPED
    assert _code((OVERVOTE_MARK,), ties) == OVERVOTE
    assert _code(("C",), ties) == 2
    assert _code(("A", "A"), ties) == 0  # a name repeated at one rank is marked once
    assert _code(("A", "B"), ties) == FIRST_TIE_CODE
    assert _code(("C", "A"), ties) == FIRST_TIE_CODE - 1
    assert _code(("B", "A"), ties) == FIRST_TIE_CODE  # the same set, the same code
    assert ties == {frozenset({0, 1}): 0, frozenset({0, 2}): 1}
    assert tie_code([2, 0], ties) == FIRST_TIE_CODE - 1 and tie_code([1], ties) == 1


def test_bad_marks_are_located():
    with pytest.raises(
        BallotError, match=r"f\.csv, line 4, field rank 2: ballot b7 marks unknown candidate 'Z'"
    ):
        _code(("A", "Z"), {}, file="f.csv", line=4)
    # an overvote label beside names: an overvote, or refused where RCTab refuses it
    assert _code((OVERVOTE_MARK, "A"), {}) == OVERVOTE
    with pytest.raises(BallotError, match="rank 2 mixes an overvote label with candidates"):
        _code((OVERVOTE_MARK, "A"), {}, overvote_alone=True)


def _strip(ranking):
    marks = list(ranking)
    while marks and marks[-1] is None:
        marks.pop()
    return tuple(marks)


@pytest.mark.parametrize("seed", range(5))
def test_ballots_and_rctab_contest_encode_alike(seed):
    rng = np.random.default_rng(seed)
    choices = [(), (OVERVOTE_MARK,), ("A",), ("B",), ("C",), ("A", "B"), ("B", "C", "A"), ("C", "A")]
    records = [
        CastVoteRecord(str(i), tuple(choices[int(k)] for k in rng.integers(0, len(choices), size=4)))
        for i in range(200)
    ]
    ballots = cvrs_to_ballots(records, list(INDEX))
    contest = build_contest(list(INDEX), records)
    direct = Counter()
    for ranking, weight in ballots.rankings():
        direct[_strip(ranking)] += weight
    merged = Counter()
    for (ranking, _), count in zip(contest.ballots.rankings(), contest.counts):
        merged[_strip(ranking)] += int(count)
    assert direct == merged and sum(merged.values()) == 200
