"""Tie-breaks by earlier rounds: the fast readings agree with a plain round-by-round one."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.ties import CountHistory, earlier_rounds


def plain(history: list[list[int]], tied: list[int], lowest: bool) -> tuple[list[int], int]:
    """Most recent round first, keep the tied candidates with the fewest (most) votes."""
    pool = sorted(tied)
    for back, counts in enumerate(reversed(history), start=1):
        best = min(counts[c] for c in pool) if lowest else max(counts[c] for c in pool)
        pool = [c for c in pool if counts[c] == best]
        if len(pool) == 1:
            return pool, back
    return pool, len(history)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda c: st.tuples(
            st.lists(st.lists(st.integers(0, 2), min_size=c, max_size=c), max_size=150),
            st.sets(st.integers(0, c - 1), min_size=2, max_size=c),
            st.booleans(),
        )
    )
)
def test_earlier_rounds_agree(case):
    rounds, tied, lowest = case
    expected = plain(rounds, list(tied), lowest)
    assert earlier_rounds([np.array(r) for r in rounds], list(tied), lowest=lowest) == expected
    matrix = CountHistory(len(rounds[0]) if rounds else 6)
    for r in rounds:
        matrix.append(np.array(r, dtype=float))
    pool, back = earlier_rounds(matrix, list(tied), lowest=lowest)
    assert pool == expected[0]
    if len(pool) == 1:  # how far back matters only when one candidate is singled out
        assert back == expected[1]


def test_ranks_tell_equal_histories_apart():
    h = CountHistory(4)
    for r in ([1, 2, 2, 0], [1, 2, 2, 0], [3, 2, 2, 0]):
        h.append(np.array(r, dtype=float))
    # candidates 1 and 2 were equal every round; 0 ends above them, 3 below
    assert h.ranks[1] == h.ranks[2] != h.ranks[0]
    assert h.ranks[3] < h.ranks[1] < h.ranks[0]
