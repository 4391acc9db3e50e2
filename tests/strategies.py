"""Hypothesis strategies for ballots, shared by the property tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from tally.ballots import OVERVOTE, SKIPPED, RankedBallots, ScoredBallots

NAMES = ("Ash", "Birch", "Cedar", "Dogwood", "Elm", "Fir")


@st.composite
def ranked_ballots(
    draw,
    min_candidates: int = 2,
    max_candidates: int = 5,
    max_rows: int = 12,
    messy: bool = True,
) -> RankedBallots:
    """Small ranked profiles; with ``messy`` they hold blanks, skipped ranks, overvotes and ties."""
    c = draw(st.integers(min_candidates, max_candidates))
    candidates = NAMES[:c]
    rows = draw(st.integers(1, max_rows))
    ranks = draw(st.integers(1, c + (1 if messy else 0)))
    tie_sets = [frozenset((0, 1))] if messy else []
    marks = list(range(c)) + ([SKIPPED, OVERVOTE, -3] if messy else [])
    matrix = []
    for _ in range(rows):
        if messy:
            row = draw(st.lists(st.sampled_from(marks), min_size=ranks, max_size=ranks))
        else:
            length = draw(st.integers(1, c))
            row = draw(st.permutations(range(c)))[:length]
            row = list(row) + [SKIPPED] * (ranks - len(row)) if len(row) < ranks else list(row)[:ranks]
        matrix.append(row)
    weights = draw(st.lists(st.integers(1, 5), min_size=rows, max_size=rows))
    return RankedBallots.from_matrix(
        candidates, np.array(matrix), np.array(weights, dtype=float), tie_sets=tie_sets
    )


@st.composite
def scored_ballots(
    draw, kind: str = "approval", max_candidates: int = 5, max_rows: int = 12
) -> ScoredBallots:
    c = draw(st.integers(2, max_candidates))
    rows = draw(st.integers(1, max_rows))
    top = 1 if kind == "approval" else 5
    values = draw(
        st.lists(st.lists(st.integers(0, top), min_size=c, max_size=c), min_size=rows, max_size=rows)
    )
    weights = draw(st.lists(st.integers(1, 5), min_size=rows, max_size=rows))
    return ScoredBallots.from_matrix(
        NAMES[:c], np.array(values, dtype=float), np.array(weights, dtype=float), kind=kind, max_score=top
    )
