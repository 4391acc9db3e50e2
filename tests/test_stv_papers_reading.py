"""``read_papers`` and ``Papers.first_usable`` against a mark-by-mark reading of each ballot.

Random rows mix blank ranks, repeats, overvotes and tied ranks, with few candidates (the
bit-per-candidate repeat check) and with more than 62 (the sorting repeat check).
"""

from __future__ import annotations

import numpy as np
import pytest

from tally.ballots import RankedBallots
from tally.count.papers import INACTIVE, read_papers
from tally.options import Reading


def read(marks: list, skipped: str) -> tuple[list[int], str]:
    """(usable preferences, what the ballot becomes when they run out)."""
    out: list[int] = []
    for i, mark in enumerate(marks):
        if isinstance(mark, (set, str)):
            return out, "overvote"
        if mark is None:
            if skipped == "exhaust" and any(m is not None for m in marks[i + 1 :]):
                return out, "skipped"
            continue
        if mark not in out:
            out.append(mark)
    return out, "exhausted"


def random_rows(rng: np.random.Generator, c: int, n: int) -> list[list]:
    rows = []
    for _ in range(n):
        marks: list = []
        for _ in range(int(rng.integers(0, 9))):
            x = rng.random()
            if x < 0.2:
                marks.append(None)
            elif x < 0.25:
                marks.append("overvote")
            elif x < 0.3:
                marks.append({int(rng.integers(0, c)), int(rng.integers(0, c))} | {int(rng.integers(0, c))})
            elif x < 0.45 and marks:
                marks.append(next((m for m in marks if isinstance(m, int)), None))  # a repeat
            else:
                marks.append(int(rng.integers(0, c)))
        rows.append(marks)
    return rows


@pytest.mark.parametrize("c", [3, 8, 70])
@pytest.mark.parametrize("skipped", ["continue", "exhaust"])
def test_read_papers_matches_a_mark_by_mark_reading(c, skipped):
    rng = np.random.default_rng(c * 10 + (skipped == "exhaust"))
    names = [f"C{i}" for i in range(c)]
    for _ in range(20):
        rows = random_rows(rng, c, int(rng.integers(1, 60)))

        def name(m):
            if isinstance(m, set):
                return {names[i] for i in m} if len(m) > 1 else "overvote"
            return names[m] if isinstance(m, int) else m

        b = RankedBallots.from_rankings(names, [[name(m) for m in r] for r in rows], merge=False)
        papers = read_papers(b, Reading(max_skipped=0 if skipped == "exhaust" else None))
        usable = np.ones(c, dtype=bool)
        usable[rng.choice(c, size=c // 2, replace=False)] = False
        for i, marks in enumerate(rows):
            prefs, end = read(marks, skipped)
            got = [int(x) for x in papers.prefs[i] if x >= 0]
            assert got == prefs, marks
            assert papers.valid[i] == bool(prefs)
            assert papers.end[i] == INACTIVE[end], marks
            # The first usable preference at or after each position.
            for start in range(papers.prefs.shape[1] + 1):
                pos, cand = papers.first_usable(np.array([i]), np.array([start]), usable)
                later = [(k, h) for k, h in enumerate(prefs) if k >= start and usable[h]]
                if later:
                    assert (int(pos[0]), int(cand[0])) == later[0]
                else:
                    assert int(pos[0]) == papers.prefs.shape[1] and int(cand[0]) == papers.end[i]


def test_a_candidate_marked_at_many_ranks_is_read_once_with_62_candidates():
    # The bit of the 62nd candidate (2**61) added up at nine ranks wraps around 64 bits
    # to the value of the bits covered: the repeat must still be found.
    names = [f"C{i}" for i in range(62)]
    b = RankedBallots.from_rankings(names, [["C61"] * 9 + ["C0"], ["C60"] * 17 + ["C1"]], merge=False)
    papers = read_papers(b)
    assert [[int(x) for x in row if x >= 0] for row in papers.prefs] == [[61, 0], [60, 1]]
