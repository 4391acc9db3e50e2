"""Core nouns: merging and error messages on awkward input."""

from __future__ import annotations

import numpy as np

import tally
from tally.errors import BallotError


def test_huge_scores_merge_without_an_integer_key():
    s = tally.ScoredBallots.from_matrix(["A", "B"], [[1e308, 0], [1, 2], [1e308, 0]], kind="score")
    assert s.total == 3 and s.scores.shape == (2, 2)


def test_small_whole_scores_merge_identical_rows():
    rng = np.random.default_rng(0)
    m = rng.integers(0, 3, (500, 4)).astype(float)
    m[::5, 1] = np.nan
    s = tally.ScoredBallots.from_matrix(list("ABCD"), m, kind="score", max_score=2)
    expected = {tuple(np.nan_to_num(r, nan=-1)) for r in m}
    assert s.scores.shape[0] == len(expected) and s.total == 500


def test_ballot_error_is_one_line_whatever_the_field():
    message = str(BallotError("bad\nvalue", file="f.csv", line=3, field="Rank\n1"))
    assert "\n" not in message
    assert message == "f.csv, line 3, field Rank 1: bad value"
