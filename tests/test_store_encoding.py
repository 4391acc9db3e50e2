"""The store's streamed CSV import codes ballots exactly as the readers do."""

from __future__ import annotations

import numpy as np
import pytest

from tally import store
from tally.ballots import RankedBallots
from tally.io.csv import read_csv
from tally.io.cvr import UWI_NAME

from .test_store import _multiset

NAMES = ("Ann", "Bo", "Cy Z", "Dee")


@pytest.fixture(autouse=True)
def tally_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(store, "_CHUNK_BYTES", 512)  # many blocks, each with its own dictionaries


def _random_ess_csv(path, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    cells = [*NAMES, "", "undervote", "overvote", " Bo ", "Dee "]
    lines = ["id,precinct,Choice 1,Choice 2,Choice 3,Choice 4"]
    for i in range(n):
        picks = rng.choice(len(cells), size=4, p=[0.2, 0.15, 0.1, 0.1, 0.2, 0.1, 0.05, 0.05, 0.05])
        lines.append(f"b{i + 1},P{int(rng.integers(1, 5))}," + ",".join(cells[k] for k in picks))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("declared", [True, False])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_import_csv_codes_random_ballots_as_the_csv_reader(tmp_path, seed, declared):
    path = tmp_path / "ess.csv"
    _random_ess_csv(path, 300, seed)
    candidates = list(NAMES) if declared else None
    info = store.import_csv(path, "ess", candidates=candidates)
    stored = store.load_ballots("ess", provenance=True)
    read = read_csv(path, candidates=candidates)
    assert info.ballots == read.total == 300
    assert set(stored.candidates) == set(read.candidates)
    if declared:
        assert stored.candidates == read.candidates == NAMES
    assert _multiset(stored) == _multiset(read)
    assert stored.provenance.ballot_ids == read.provenance.ballot_ids
    assert stored.provenance.precincts() == read.provenance.precincts()


def _expected_mark(cell: str, aliases: dict[str, str], write_in: str):
    """What a cell means, worked out here without the store's code."""
    if cell.strip() in ("", "undervote"):
        return None
    parts = [p.strip() for p in cell.split("|")]
    if "overvote" in parts:
        return "overvote"
    names = {UWI_NAME if p == write_in else aliases[p] for p in parts}
    return next(iter(names)) if len(names) == 1 else names


@pytest.mark.parametrize("seed", [4, 5])
def test_import_csv_delimited_cells_aliases_and_write_ins(tmp_path, seed):
    rng = np.random.default_rng(seed)
    aliases = {"REP Ann (1)": "Ann", "Bo": "Bo", "DEM Cy (3)": "Cy"}
    labels = [*aliases, "WI", "overvote"]
    rows, expected = [], []
    for i in range(250):
        cells = []
        for _ in range(3):
            k = int(rng.integers(0, 4))  # 0: blank or undervote; more: that many marks, repeats allowed
            if k == 0:
                cells.append(str(rng.choice(["", "undervote"])))
            else:
                cells.append(
                    " | ".join(
                        str(labels[j]) for j in rng.choice(len(labels), size=k, p=[0.3, 0.3, 0.25, 0.1, 0.05])
                    )
                )
        rows.append(f"{i + 1}," + ",".join(cells))
        expected.append([_expected_mark(c, aliases, "WI") for c in cells])
    path = tmp_path / "delimited.csv"
    path.write_text("id,Choice 1,Choice 2,Choice 3\n" + "\n".join(rows) + "\n", encoding="utf-8")
    info = store.import_csv(path, "delimited", candidates=aliases, overvote_delimiter="|", write_in="WI")
    stored = store.load_ballots("delimited", provenance=True)
    assert info.ballots == 250
    assert stored.candidates == ("Ann", "Bo", "Cy", UWI_NAME)
    assert stored.tie_sets, "cells naming several candidates are overvotes that name them"
    assert _multiset(stored) == _multiset(RankedBallots.from_rankings(stored.candidates, expected))
    assert stored.provenance.ballot_ids == tuple(str(i + 1) for i in range(250))
