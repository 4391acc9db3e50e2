"""Damaged files give a BallotError (or read cleanly), never another exception."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tally.errors import TallyError
from tally.io import read

DATA = Path(__file__).parent / "data" / "io"
FIXTURES = {
    "tiny.toi": "preflib",
    "tiny.soc": "preflib",
    "tiny.cat": "preflib",
    "legacy.toi": "preflib",
    "rows.csv": "csv",
    "counted.csv": "csv",
    "small.blt": "blt",
    "approval.csv": "approval",
    "score.csv": "score",
    "tallies_long.csv": "tallies",
    "tallies_wide.csv": "tallies",
    "small.profile": "alaska-profile",
    "top-2-house_district.csv": "alaska-summary",
}
NOISE = st.sampled_from(list(',:;{}()"=-+#\n\r 0123456789aZé\x00\xff'))


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate-line"]))
        if action == "delete" and data:
            del data[where]
        elif action == "insert":
            data[where:where] = draw(NOISE).encode("latin-1")
        elif action == "replace" and data:
            data[where : where + 1] = draw(NOISE).encode("latin-1")
        elif action == "truncate":
            del data[where:]
        elif action == "duplicate-line":
            lines = bytes(data).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines.insert(k, lines[k])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@pytest.mark.parametrize("name", sorted(FIXTURES))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_fixture_never_crashes(name: str, data: st.DataObject) -> None:
    original = (DATA / name).read_bytes()
    broken = data.draw(damaged(original))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(broken)
        for fmt in (FIXTURES[name], None):
            try:
                read(str(path), format=fmt)
            except TallyError as exc:
                message = str(exc)
                assert "\n" not in message and name in message
