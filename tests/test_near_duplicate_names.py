"""Candidate names that differ only in case, accents or spacing: every reader, `tally
import`, an RCTab configuration and the command line warn, naming them; they stay
separate candidates (the file says they are different)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import tally
from tally import store
from tally.errors import TallyWarning
from tally.io import read
from tally.io._common import name_key, near_duplicates

SRC = Path(tally.__file__).resolve().parents[1]
HOSTILE = Path(__file__).parent / "data" / "hostile" / "rctab"

FILES = {
    "ranked.csv": (
        "rank1,rank2\nJosé Díaz,Ann\njose diaz,Ann\nAnn,José Díaz\n",
        {},
        ["José Díaz", "jose diaz"],
    ),
    "ballots.blt": (
        '3 1\n1 1 2 0\n1 2 3 0\n1 3 1 0\n0\n"José Díaz"\n"JOSE  DIAZ"\n"Ann"\n"Title"\n',
        {},
        ["José Díaz", "JOSE  DIAZ"],
    ),
    "orders.soc": (
        (
            "# FILE NAME: orders.soc\n# DATA TYPE: soc\n# NUMBER ALTERNATIVES: 3\n# NUMBER VOTERS: 2\n"
            "# NUMBER UNIQUE ORDERS: 2\n# ALTERNATIVE NAME 1: José Díaz\n# ALTERNATIVE NAME 2: Jose Diaz\n"
            "# ALTERNATIVE NAME 3: Ann\n1: 1,2,3\n1: 3,2,1\n"
        ),
        {},
        ["José Díaz", "Jose Diaz"],
    ),
    "scores.csv": (
        "José Díaz,JOSÉ DÍAZ,Ann\n5,3,1\n1,2,5\n",
        {"format": "score"},
        ["José Díaz", "JOSÉ DÍAZ"],
    ),
    "tallies.csv": (
        "area,candidate,votes\nX,José Díaz,5\nX, josé díaz ,3\nX,Ann,4\n",
        {},
        ["José Díaz", "josé díaz"],
    ),
}


def test_the_key_takes_out_case_accents_and_spacing():
    assert name_key("  José \t DÍAZ ") == name_key("jose diaz") == "jose diaz"
    assert name_key("Ann") != name_key("Anne")
    assert near_duplicates(["Ann", "ANN", "Bob", "Anne", "bob", "Cy"]) == [["Ann", "ANN"], ["Bob", "bob"]]
    assert near_duplicates(["Ann", "Anne", "Bob"]) == []


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_reader_warns_naming_them(tmp_path, name):
    text, options, twins = FILES[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ballots = read(path, **options)
    said = [str(w.message) for w in caught if issubclass(w.category, TallyWarning)]
    assert len(said) == 1, said
    assert name in said[0] and all(repr(t) in said[0] for t in twins), said
    assert set(twins) <= set(ballots.candidates)  # still two candidates


def test_different_names_give_no_warning(tmp_path):
    path = tmp_path / "ranked.csv"
    path.write_text("rank1,rank2\nAnn,Anne\nAnne,Ann\nBob,Ann\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", TallyWarning)
        read(path)


def test_an_import_warns(tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "store"))
    path = tmp_path / "ranked.csv"
    path.write_text(FILES["ranked.csv"][0], encoding="utf-8")
    with pytest.warns(TallyWarning, match="'José Díaz', 'jose diaz'"):
        store.import_csv(path, "ward")
    assert {"José Díaz", "jose diaz"} <= set(store.get_import("ward").candidates)


def test_an_rctab_configuration_warns(tmp_path):
    (tmp_path / "cvr.csv").write_text(
        "id,José Díaz,JOSE DIAZ,Ann\n1,1,,2\n2,,1,2\n3,2,,1\n", encoding="utf-8"
    )
    config = json.loads((HOSTILE / "high_ranks_config.json").read_text(encoding="utf-8"))
    config["cvrFileSources"][0]["filePath"] = "cvr.csv"
    config["candidates"] = [
        {"name": n, "excluded": False, "aliases": []} for n in ("José Díaz", "JOSE DIAZ", "Ann")
    ]
    (tmp_path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    result = _cli("rctab", "config.json", "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "'José Díaz', 'JOSE DIAZ'" in result.stderr and "config.json" in result.stderr


@pytest.mark.parametrize("name", ["ranked.csv", "orders.soc"])
def test_the_command_line_prints_the_warning_and_counts(tmp_path, name):
    (tmp_path / name).write_text(FILES[name][0], encoding="utf-8")
    result = _cli("count", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    [line] = [s for s in result.stderr.splitlines() if "differ only in case" in s]
    assert line.startswith("warning: ") and name in line
    assert all(repr(t) in line for t in FILES[name][2])


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tally.cli", *args],
        check=False,
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(SRC), "TALLY_HOME": str(cwd / "store")},
        capture_output=True,
        text=True,
        timeout=120,
    )
