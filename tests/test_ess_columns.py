"""ES&S workbooks read as columns (several at once) give the row-by-row reader's ballots."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tally import store
from tally.errors import BallotError
from tally.io.cvr import contest_candidates, cvrs_to_ballots, ess, ess_columns, read_cvrs
from tally.rctab.config import load_config

from .rctab_configs import write_config

openpyxl = pytest.importorskip("openpyxl")

DATA = Path(__file__).parent / "data"
LARGE = {"2013_minneapolis_mayor", "2013_minneapolis_park_bottoms_up", "2013_minneapolis_park_hare"}


def _ess_configs() -> list:
    out = []
    for path in sorted((DATA / "rctab" / "cases").glob("*/*_config.json")):
        if '"ess"' in path.read_text(encoding="utf-8"):
            marks = [pytest.mark.slow] if path.parent.name in LARGE or "minneapolis" in path.name else []
            out.append(pytest.param(path, id=path.parent.name, marks=marks))
    out.append(
        pytest.param(DATA / "maine-cvr" / "maine_cd2_2018_config.json", id="maine", marks=pytest.mark.slow)
    )
    return out


def _same(columns: ess_columns.Columns, table: ess.Table) -> None:
    """Every ballot of ``columns`` equals the row-by-row reader's, in order."""
    assert [columns.marks[i] for i in columns.which] == table.marks
    assert columns.lines.tolist() == table.lines
    for got, want in (
        (columns.precincts, table.precincts),
        (columns.batches, table.batches),
        (columns.supplied, table.supplied),
    ):
        assert (got.to_pylist() if got is not None else [None] * len(table.lines)) == want


@pytest.mark.parametrize("config_path", _ess_configs())
def test_columns_match_the_row_reader_on_real_cases(config_path):
    config = load_config(config_path)
    for source in config.sources:
        if source.provider == "ess":
            _same(ess_columns.read(config, source), ess.table(config, source))


def _config(folder: Path, files: list[str], **source) -> Path:
    ess = {
        "provider": "ess",
        "firstVoteColumnIndex": "3",
        "firstVoteRowIndex": "2",
        "precinctColumnIndex": "2",
        "overvoteLabel": "overvote",
        "skippedRankLabel": "undervote",
        **source,
    }
    return write_config(
        folder / "columns_config.json",
        "Columns",
        [{**ess, "filePath": name} for name in files],
        ["Alice", "Bob", "Carol"],
        maxRankingsAllowed="3",
    )


def _workbook(path: Path, rows: list[list], seed: int = 0) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Id", "Precinct", "Choice 1", "Choice 2", "Choice 3"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def _random_rows(n: int, seed: int) -> list[list]:
    import random

    rng = random.Random(seed)
    cells = ["Alice", "Bob", " Carol ", "undervote", "overvote", None]
    return [[i + 1, rng.choice(["P1", "P2", None, "P3"])] + rng.choices(cells, k=3) for i in range(n)]


def test_parallel_reads_give_the_serial_ballots_in_order(tmp_path):
    files = []
    for k, n in enumerate((900, 40, 1500, 7)):
        files.append(f"part{k}.xlsx")
        _workbook(tmp_path / files[-1], _random_rows(n, seed=k))
    config = load_config(_config(tmp_path, files))
    reads = ess_columns.Reads(config)
    for index, source in enumerate(config.sources):
        assert ess_columns._read_columns(config, source) is not None  # the column path is the one tested
        _same(reads.result(index), ess.table(config, source))
    # Imported through the store, the ballots and their order are those of the serial read.
    serial = cvrs_to_ballots(read_cvrs(config), contest_candidates(config), merge=False)
    info = store.import_cvrs(config, "columns", replace=True)
    assert info.ballots == len(serial.provenance.ballot_ids)
    loaded = store.load_ballots("columns", provenance=True)
    assert list(loaded.provenance.ballot_ids) == list(serial.provenance.ballot_ids)
    assert _per_ballot(loaded) == _per_ballot(serial)


def test_parallel_reads_keep_the_limits_in_force(tmp_path):
    # limits set for a block (as the web app's workers set them) hold in the reading threads too
    from tally import limits
    from tally.errors import LimitError

    files = []
    for k, n in enumerate((300, 40)):
        files.append(f"part{k}.xlsx")
        _workbook(tmp_path / files[-1], _random_rows(n, seed=k))
    config = load_config(_config(tmp_path, files))
    with limits.use(ballot_rows=100):
        reads = ess_columns.Reads(config)
        with pytest.raises(LimitError, match="ballot rows"):
            reads.result(0)
        reads.close()
    assert len(ess_columns.Reads(config).result(0).lines) == 300


def _per_ballot(ballots) -> list[tuple]:
    """Each ballot's ranking in names, in the order read, with its precinct."""
    names = list(ballots.candidates)
    prov = ballots.provenance
    rows = [tuple(names[c] if 0 <= c < len(names) else int(c) for c in r) for r in ballots.choices.tolist()]
    return [(rows[r], p) for r, p in zip(prov.row.tolist(), prov.precincts())]


def test_sheets_of_other_shapes_go_the_row_way_with_the_same_ballots(tmp_path):
    # Stored rows without cells (a gap inside the range, empty rows past the last value),
    # mixed and date cells: the column reader hands these to the row-by-row reader.
    _workbook(tmp_path / "gap.xlsx", [[1, "P1", "Alice", "Bob", None], [2, "P2", "Bob", None, None]])
    book = openpyxl.load_workbook(tmp_path / "gap.xlsx")
    book.active["C5"] = "Carol"  # row 4 is not stored at all
    book.active.row_dimensions[8].height = 30  # stored, no cells: an empty ballot
    book.save(tmp_path / "gap.xlsx")
    _workbook(tmp_path / "mixed.xlsx", [[1, 17, "Alice", None, None], [2, "P2", "Bob", "Carol", None]])
    _workbook(
        tmp_path / "dated.xlsx",
        [[1, datetime.datetime(2020, 1, 2), "Alice", None, None], [2, True, "Bob", None, None]],
    )
    config = load_config(_config(tmp_path, ["gap.xlsx", "mixed.xlsx", "dated.xlsx"]))
    for source in config.sources:
        assert ess_columns._read_columns(config, source) is None
        _same(ess_columns.read(config, source), ess.table(config, source))
    assert ess_columns.read(config, config.sources[0]).lines.tolist() == [2, 3, 5, 8]


def test_numbers_and_flags_in_columns_read_as_the_row_reader_reads_them(tmp_path):
    _workbook(tmp_path / "numbers.xlsx", [[1.0, 101, "Alice", None, None], [2.5, 102.5, "Bob", None, None]])
    config = load_config(_config(tmp_path, ["numbers.xlsx"], idColumnIndex="1"))
    (source,) = config.sources
    assert ess_columns._read_columns(config, source) is not None
    columns = ess_columns.read(config, source)
    _same(columns, ess.table(config, source))
    assert columns.supplied.to_pylist() == ["1", "2.5"]
    assert columns.precincts.to_pylist() == ["101", "102.5"]


@pytest.mark.parametrize(
    ("row", "problem", "field"),
    [
        ([3, "P1", "Dave", None, None], "'Dave'", "rank 1"),
        ([None, "P1", "Alice", None, None], "ballot id cell is empty", "column 1"),
    ],
)
def test_errors_name_the_same_row(tmp_path, row, problem, field):
    _workbook(tmp_path / "bad.xlsx", [[1, "P1", "Alice", None, None], [2, "P1", "Bob", None, None], row, row])
    config = load_config(_config(tmp_path, ["bad.xlsx"], idColumnIndex="1"))
    (source,) = config.sources
    with pytest.raises(BallotError, match=problem) as fast:
        ess_columns.read(config, source)
    with pytest.raises(BallotError, match=problem) as slow:
        ess.table(config, source)
    assert fast.value.line == slow.value.line == 4
    assert fast.value.field == slow.value.field == field


def test_split_reads_give_the_ballots_and_errors_of_a_whole_read(tmp_path, monkeypatch):
    # every workbook read as a parse and a separate check of its stored rows, joined by the caller
    monkeypatch.setattr(ess_columns, "SPLIT_BYTES", 0)
    _workbook(tmp_path / "plain.xlsx", _random_rows(700, seed=3))
    _workbook(tmp_path / "gap.xlsx", [[1, "P1", "Alice", "Bob", None], [2, "P2", "Bob", None, None]])
    book = openpyxl.load_workbook(tmp_path / "gap.xlsx")
    book.active["C5"] = "Carol"  # row 4 is not stored: the row-by-row reader reads this one
    book.active.row_dimensions[8].height = 30
    book.save(tmp_path / "gap.xlsx")
    _workbook(tmp_path / "mixed.xlsx", [[1, 17, "Alice", None, None], [2, "P2", "Bob", "Carol", None]])
    config = load_config(_config(tmp_path, ["plain.xlsx", "gap.xlsx", "mixed.xlsx"]))
    reads = ess_columns.Reads(config)
    assert set(reads._parses) == {0, 1, 2} and not reads._futures
    for index, source in enumerate(config.sources):
        _same(reads.result(index), ess.table(config, source))
    # a bad cell in a plain sheet: raised when its rows check out, at the row-by-row reader's row
    good = [[1, "P1", "Alice", None, None], [2, "P1", "Bob", None, None]]
    _workbook(tmp_path / "bad.xlsx", [*good, [3, "P1", "Dave", None, None]])
    # the same cell in a sheet with a gap: the row-by-row reader's error, not the parse's
    _workbook(tmp_path / "bad_gap.xlsx", [*good, [3, "P1", "Dave", None, None]])
    book = openpyxl.load_workbook(tmp_path / "bad_gap.xlsx")
    book.active["C7"] = "Alice"
    book.save(tmp_path / "bad_gap.xlsx")
    config = load_config(_config(tmp_path, ["bad.xlsx", "bad_gap.xlsx"], idColumnIndex="1"))
    reads = ess_columns.Reads(config)
    for index, source in enumerate(config.sources):
        with pytest.raises(BallotError, match="'Dave'") as split:
            reads.result(index)
        with pytest.raises(BallotError, match="'Dave'") as whole:
            ess.table(config, source)
        assert split.value.line == whole.value.line == 4
    reads.close()
