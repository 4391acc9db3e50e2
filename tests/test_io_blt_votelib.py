"""BLT: tally's reader and votelib's agree on random strict ballot files."""

from __future__ import annotations

from pathlib import Path

import votelib.io.blt as votelib_blt
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.io import read


@st.composite
def blt_files(draw: st.DrawFn) -> tuple[str, int]:
    n = draw(st.integers(2, 6))
    seats = draw(st.integers(1, n))
    lines = [f"{n} {seats}"]
    for _ in range(draw(st.integers(1, 15))):
        ranking = draw(st.permutations(range(1, n + 1)))[: draw(st.integers(1, n))]
        weight = draw(st.integers(1, 500))
        lines.append(" ".join(map(str, [weight, *ranking, 0])))
    lines.append("0")
    lines += [f'"Candidate {chr(65 + i)}"' for i in range(n)]
    lines.append('"Random election"')
    return "\n".join(lines) + "\n", seats


@settings(max_examples=60, deadline=None)
@given(blt_files())
def test_same_ballots_as_votelib(tmp_path_factory, case: tuple[str, int]) -> None:
    text, seats = case
    path = Path(tmp_path_factory.mktemp("blt")) / "random.blt"
    path.write_text(text)
    ours = read(str(path))
    votes, their_seats, candidates, title = votelib_blt.loads(text)
    assert ours.metadata["seats"] == their_seats == seats
    assert ours.title == title
    assert ours.candidates == tuple(str(c.name) if hasattr(c, "name") else str(c) for c in candidates)
    theirs: dict[tuple[str, ...], float] = {}
    for ranking, weight in votes.items():
        key = tuple(str(c.name) if hasattr(c, "name") else str(c) for c in ranking)
        theirs[key] = theirs.get(key, 0) + float(weight)
    assert dict(ours.rankings()) == theirs
