"""Nothing below the store writes files or caches (docs/architecture.md, "Side effects high up").

The store (``store``, ``store_runs`` and their helpers) is the one writer of the user's
store; the data layer fills caches through it; the interfaces write the files a user asks
for. Every floor below may only read.
"""

from __future__ import annotations

import ast
import builtins
import pathlib
from pathlib import Path

import numpy as np
import pytest

import tally
from tally.contest import Contest
from tally.procedures import count

SRC = Path(__file__).resolve().parents[1] / "src" / "tally"
# the floors from the store up (docs/architecture.md); everything else is below the store
ABOVE = (
    "store",
    "store_runs",
    "store_sql",
    "store_blocks",
    "store_catalogue",
    "data",
    "compare",
    "report",
    "web",
    "cli",
)
WRITING_CALLS = {
    "write_text",
    "write_bytes",
    "mkdir",
    "to_parquet",
    "write_table",
    "ParquetWriter",
    "connect",
}


def _below_store() -> list[Path]:
    files = []
    for path in sorted(SRC.rglob("*.py")):
        top = path.relative_to(SRC).parts[0].removesuffix(".py")
        if top not in ABOVE and top != "__init__":
            files.append(path)
    return files


def _writes(source: str) -> list[str]:
    """Calls in a module that write files: open() in a writing mode, or a known writer."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in WRITING_CALLS:
            found.append(f"{name}() line {node.lineno}")
        elif name == "open":
            modes = [a for a in node.args[1:2]] + [k.value for k in node.keywords if k.arg == "mode"]
            for mode in modes:
                if (
                    isinstance(mode, ast.Constant)
                    and isinstance(mode.value, str)
                    and set(mode.value) & set("wax+")
                ):
                    found.append(f"open(..., {mode.value!r}) line {node.lineno}")
    return found


def test_the_scan_finds_a_write() -> None:
    source = 'p.write_text("x")\nopen(f, "a")\nopen(f, mode="rb")\nduckdb.connect(db)\n'
    assert _writes(source) == ["write_text() line 1", "open(..., 'a') line 2", "connect() line 4"]


def test_no_module_below_the_store_writes() -> None:
    assert len(_below_store()) > 50  # the ground, reading, counting, rules, analysis, sim
    writes = {
        path.relative_to(SRC).as_posix(): w
        for path in _below_store()
        if (w := _writes(path.read_text(encoding="utf-8")))
    }
    assert not writes, f"file writes below the store: {writes}"


def test_counting_a_contest_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a count tried to write: {args}")

    real_open = builtins.open

    def reading_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if set(mode) & set("wax+"):
            refuse(file, mode)
        return real_open(file, mode, *args, **kwargs)

    ballots = tally.RankedBallots.from_rankings(
        ["A", "B", "C"], [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"], ["A", "C"]], [4, 3, 2, 1]
    )
    tallies = tally.Tallies(
        ("S1", "S2", "S3"),
        ("X", "Y"),
        np.array([[5.0, 3], [2, 4], [1, 9]]),
        attributes={"electoral_votes": (3, 3, 1)},
    )
    monkeypatch.setattr(builtins, "open", reading_open)
    for name in ("write_text", "write_bytes", "mkdir", "touch"):
        monkeypatch.setattr(pathlib.Path, name, refuse)
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "home"))
    for contest in (
        Contest(ballots, "irv"),
        Contest(ballots, "schulze"),
        Contest(tallies, "electoral_college"),
    ):
        assert count(contest).winners  # counted, with every writer refused
    assert not (tmp_path / "home").exists()
