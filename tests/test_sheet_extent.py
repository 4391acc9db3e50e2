"""A workbook whose cells reach too far is refused before calamine reads it (calamine holds
a sheet as one dense rectangle and aborts the process when it cannot allocate it)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tally.errors import LimitError
from tally.io.cvr import ess, ess_columns
from tally.io.cvr._sheet_extent import Extent, check_extent
from tally.rctab.config import load_config

from .rctab_configs import write_config

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
        '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
        'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
        'formats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _workbook(path: Path, rows: str) -> Path:
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**_PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            archive.writestr(name, text)
    return path


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _ballots(n: int, last: str | None = None) -> str:
    """A header and ``n`` ballots for Alice in column A; ``last`` replaces the last cell."""
    rows = [f'<row r="1">{_cell("A1", "Choice 1")}</row>']
    for i in range(2, n + 2):
        cell = last if (last and i == n + 1) else _cell(f"A{i}", "Alice")
        rows.append(f'<row r="{i}">{cell}</row>')
    return "".join(rows)


def _config(folder: Path, files: list[str]) -> Path:
    ess = {
        "provider": "ess",
        "firstVoteColumnIndex": "1",
        "firstVoteRowIndex": "2",
        "overvoteLabel": "overvote",
        "skippedRankLabel": "undervote",
    }
    return write_config(
        folder / "reach_config.json",
        "Reach",
        [{**ess, "filePath": name} for name in files],
        ["Alice", "Bob"],
        maxRankingsAllowed="1",
    )


@pytest.mark.parametrize(
    ("rows", "plain"),
    [
        ('<row r="1"><c r="A1" t="s"><v>1</v></c><c r="H1"/></row>', True),
        ('<row r="999999"><c r="Z999999"><v>1</v></c></row>', True),  # 26 columns, any row
        ('<row r="99999"><c r="ZZ99999"/></row>', True),  # 702 columns, rows below 100,000
        ('<row r="1"><c r="ZZ1"/></row><row r="100000"><c r="A100000"/></row>', False),  # both
        ('<row r="1"><c r="AAA1"/></row>', False),
        ('<row r="1"><c r="A1000000"/></row>', False),
        ('<row r="1000000"><c r="A1"/></row>', False),
        ('<row r="1"><c t="s"><v>1</v></c></row>', False),  # no reference: placed after the last
        ('<row r="1"><c/></row>', False),
        ('<row><c r="A1"/></row>', False),
        ('<cols><col min="1" max="3"/></cols><row r="2"><c r="B2"/></row><rowBreaks count="1"/>', True),
    ],
)
def test_tags_alone_let_through_only_sheets_of_bounded_reach(rows, plain):
    extent = Extent()
    text = rows.encode()
    for k in range(0, len(text), 7):  # tags cut across blocks are read whole
        extent.feed(text[k : k + 7])
    extent.feed(b"")
    assert extent.plain is plain


def test_a_sheet_reaching_too_far_is_refused_in_one_line_by_every_reader(tmp_path, monkeypatch):
    # a limit of 10,000,000 cells (the default is 250,000,000), so the sheets stay small
    monkeypatch.setenv("TALLY_MAX_CELLS", "10000000")
    # 2,000 ballots, the last cell in column XFD: 2,001 rows by 16,384 columns
    _workbook(tmp_path / "wide.xlsx", _ballots(2000, last=_cell("XFD2001", "x")))
    # two cells, a million rows and 16,384 columns apart
    far = f'<row r="1">{_cell("A1", "Choice 1")}</row><row r="1048576">{_cell("XFD1048576", "x")}</row>'
    _workbook(tmp_path / "far.xlsx", far)
    for name, words in (
        ("wide.xlsx", "2,001 rows by 16,384 columns"),
        ("far.xlsx", "1,048,576 rows by 16,384 columns"),
    ):
        path = tmp_path / name
        with pytest.raises(LimitError, match=words):
            check_extent(path, "xl/worksheets/sheet1.xml")
        config = load_config(_config(tmp_path, [name]))
        (source,) = config.sources
        with pytest.raises(LimitError, match=words):
            ess_columns.read(config, source)
        with pytest.raises(LimitError, match=words):
            ess.table(config, source)
    # both at once, each read in two tasks: the check comes before the parse
    monkeypatch.setattr(ess_columns, "SPLIT_BYTES", 0)
    config = load_config(_config(tmp_path, ["wide.xlsx", "far.xlsx"]))
    reads = ess_columns.Reads(config)
    assert set(reads._parses) == {0, 1}
    for index in (0, 1):
        with pytest.raises(LimitError, match="16,384 columns"):
            reads.result(index)
    reads.close()


def test_the_command_line_says_so_instead_of_aborting(tmp_path):
    _workbook(tmp_path / "wide.xlsx", _ballots(300, last=_cell("XFD301", "x")))
    config = _config(tmp_path, ["wide.xlsx"])
    done = subprocess.run(
        [sys.executable, "-m", "tally.cli", "count", str(config)],
        capture_output=True,
        text=True,
        env={**os.environ, "TALLY_HOME": str(tmp_path / "home"), "TALLY_MAX_CELLS": "1000000"},
        check=False,
    )
    assert done.returncode == 2, done.stderr[-500:]
    assert done.stderr.count("\n") == 1 and "past the limit" in done.stderr and "wide.xlsx" in done.stderr


def test_a_wide_sheet_within_reach_reads_as_before(tmp_path):
    # a county's export holds many contests' columns: past Z, few rows; read on the fast path
    rows = [f'<row r="1">{_cell("A1", "Choice 1")}{_cell("AC1", "Other")}</row>']
    rows += [f'<row r="{i}">{_cell(f"A{i}", "Bob")}{_cell(f"AC{i}", "y")}</row>' for i in range(2, 52)]
    _workbook(tmp_path / "many.xlsx", "".join(rows))
    config = load_config(_config(tmp_path, ["many.xlsx"]))
    (source,) = config.sources
    assert ess_columns._read_columns(config, source) is not None
    columns = ess_columns.read(config, source)
    assert len(columns) == 50 and columns.marks[columns.which[0]] == ess.table(config, source).marks[0]


def test_the_scan_counts_the_rows_and_keeps_the_first_and_last_numbers():
    text = "".join(f'<row r="{i}" spans="1:2"><c r="A{i}"/></row>' for i in range(1, 40)).encode()
    extent = Extent()
    for k in range(0, len(text), 11):
        extent.feed(text[k : k + 11])
    extent.feed(b"")
    assert (extent.short, extent.rows, extent.first, extent.last) == (True, 39, 1, 39)
