"""Property: any ranked CSV tally writes is read back as the ballots it holds."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tally.io._table as table
import tally.io.csv as ranked_csv
from tally.ballots import RankedBallots
from tally.errors import BallotError
from tally.io import read

NAMES = ["Ann", "Ben", "Cy, Jr.", "Dörte", "Write-in"]
MARKS = st.sampled_from(NAMES + ["", "undervote", "overvote"])


def _write(rows: list[list[str]], counts: list[int] | None) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    ranks = len(rows[0]) if rows else 3
    writer.writerow((["count"] if counts is not None else []) + [f"rank{i + 1}" for i in range(ranks)])
    for k, row in enumerate(rows):
        writer.writerow(([str(counts[k])] if counts is not None else []) + row)
    return buffer.getvalue()


@pytest.mark.parametrize("block_size", [1 << 22, 256], ids=["one-block", "many-blocks"])
@pytest.mark.parametrize("keyed_min_rows", [0, 10**9], ids=["integer-keys", "code-matrix"])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_read_back_equals_from_rankings(keyed_min_rows: int, block_size: int, data: st.DataObject) -> None:
    ranks = data.draw(st.integers(1, 4))
    rows = data.draw(st.lists(st.lists(MARKS, min_size=ranks, max_size=ranks), min_size=1, max_size=40))
    counts = data.draw(
        st.one_of(st.none(), st.lists(st.integers(0, 50), min_size=len(rows), max_size=len(rows)))
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ballots.csv"
        path.write_text(_write(rows, counts), encoding="utf-8")
        original = ranked_csv.KEYED_MIN_ROWS, table.BLOCK_SIZE
        ranked_csv.KEYED_MIN_ROWS, table.BLOCK_SIZE = keyed_min_rows, block_size
        try:
            if not any(cell in NAMES for row in rows for cell in row):
                # rank columns that name nobody are not counted (every candidate would tie)
                for candidates in (NAMES, None):
                    with pytest.raises(BallotError, match="no ballot of .* names a candidate"):
                        read(str(path), candidates=candidates)
                return
            if counts is not None and not sum(counts):
                with pytest.raises(BallotError, match="holds no ballots"):  # nothing to count
                    read(str(path), candidates=NAMES)
                return
            got = read(str(path), candidates=NAMES)
            undeclared = read(str(path))
        finally:
            ranked_csv.KEYED_MIN_ROWS, table.BLOCK_SIZE = original

    def mark(cell: str) -> str | None:
        return None if cell in ("", "undervote") else cell

    expected = RankedBallots.from_rankings(NAMES, [[mark(c) for c in row] for row in rows], counts)
    assert got.total == expected.total == (sum(counts) if counts is not None else len(rows))
    assert np.array_equal(got.choices, expected.choices)
    assert np.array_equal(got.weights, expected.weights)
    # without declared candidates: names in order of first appearance, row by row
    seen: list[str] = []
    for row in rows:
        for cell in row:
            if cell in NAMES and cell not in seen:
                seen.append(cell)
    assert undeclared.candidates == tuple(seen)
    assert undeclared.total == got.total
