"""ES&S cast-vote record spreadsheets (``provider: ess``).

The first sheet of the workbook holds a header row, then one row per ballot. Ranks sit in
``maxRankingsAllowed`` consecutive columns starting at ``firstVoteColumnIndex`` (for ES&S
the setting says how many rank columns there are; later columns are not read, as in
RCTab). A rank cell holds a candidate name or alias (trimmed), the overvote label, the
skipped-rank label, the undeclared write-in label, or nothing; with ``overvoteDelimiter``
it may name several candidates (``"A|B"``), an overvote whose candidates are known.

The workbook is read with python-calamine, row by row, once its zip members' declared
sizes have passed :func:`tally.io._archive.check_zip`. Identifiers stored as numbers come
back as floats and are written without a trailing ``.0`` (``1.0`` → ``"1"``). A sheet
whose rank columns hold nothing at all is refused (see :func:`tally.io.cvr.no_marks`).

Reference: RCTab ``StreamingCvrReader.java`` (BrightSpots/rcv).
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ... import limits
from ...errors import BallotError
from .._archive import check_zip
from . import CandidateLookup, checked_ranks, no_marks, sanitize
from ._sheet_extent import check_extent
from .model import UWI_NAME, CastVoteRecord

__all__ = ["Table", "blocks", "cell_text", "read", "resolver", "stored_rows", "table"]

MISSING_PRECINCT = "missing_precinct_id"
MISSING_BATCH = "missing_batch_id"


def cell_text(value: Any) -> str:
    """A cell as RCTab sees its text: numbers without a spurious ``.0``, strings trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


_ROW_QUICK = re.compile(rb'<row r="(\d+)"')
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb"\br=\"(\d+)\"")


def _first_sheet_member(archive: zipfile.ZipFile) -> str:
    """The zip member holding the workbook's first sheet."""
    workbook = archive.read("xl/workbook.xml")
    sheet = re.search(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"", workbook) or re.search(
        rb"<(?:\w+:)?sheet\b[^>]*?\bid=\"([^\"]+)\"", workbook
    )
    rels = archive.read("xl/_rels/workbook.xml.rels")
    if sheet is not None:
        for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
            tag = rel.group(0)
            rid = re.search(rb"\bId=\"([^\"]+)\"", tag)
            target = re.search(rb"\bTarget=\"([^\"]+)\"", tag)
            if rid and target and rid.group(1) == sheet.group(1):
                name = target.group(1).decode()
                return name.lstrip("/") if name.startswith("/") else f"xl/{name}"
    return "xl/worksheets/sheet1.xml"


def stored_rows(path: Path) -> list[int]:
    """0-based numbers of the rows the first sheet stores, empty rows included.

    RCTab streams the sheet's XML and makes a ballot of every stored ``<row>`` at or below
    ``firstVoteRowIndex``, even one without cells (an undervote); calamine reports only
    the range that holds values, so the row elements are listed here from the XML.
    """
    rows: list[int] = []
    with zipfile.ZipFile(path) as archive, archive.open(_first_sheet_member(archive)) as sheet:
        tail = b""
        last = -1
        while True:
            chunk = sheet.read(1 << 22)
            data = tail + chunk
            # Keep an unfinished tag for the next round.
            cut = data.rfind(b"<") if chunk else len(data)
            if cut == -1:
                cut = len(data)
            body = data[:cut]
            numbers = _ROW_QUICK.findall(body)
            if len(numbers) == body.count(b"<row") and b":row" not in body:
                rows.extend(map(int, numbers))  # 1-based here; shifted once at the end
                if numbers:
                    last = rows[-1] - 1
            else:  # rows written without r="..." first, or with a namespace prefix
                for match in _ROW_TAG.finditer(body):
                    number = _ROW_NUMBER.search(match.group(1))
                    last = int(number.group(1)) - 1 if number else last + 1
                    rows.append(last + 1)
            tail = data[cut:]
            if not chunk:
                break
    return [r - 1 for r in rows]


def _sheet_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(0-based sheet row, cells from column A) for every row the first sheet stores."""
    from python_calamine import CalamineWorkbook

    check_zip(path)
    try:
        with zipfile.ZipFile(path) as archive:
            member = _first_sheet_member(archive)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise BallotError(f"not an xlsx workbook: {exc}", file=str(path)) from None
    check_extent(path, member)  # calamine holds the sheet whole: refuse one reaching too far
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        stored = stored_rows(path)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise BallotError(f"not an xlsx workbook: {exc}", file=str(path)) from None
    except Exception as exc:  # noqa: BLE001 - calamine raises its own types for broken workbooks
        raise BallotError(f"cannot read the workbook: {exc}", file=str(path)) from None
    row0, col0 = sheet.start if sheet.start is not None else (0, 0)
    values = sheet.iter_rows()
    if (
        col0 == 0
        and len(stored) == sheet.height
        and stored
        and stored[0] == row0
        and stored[-1] == row0 + len(stored) - 1
    ):
        # Stored row numbers increase, so first, last and count pin them to calamine's range.
        yield from zip(stored, values)
        return
    # Stored rows without cells, and rows past the last value, read as empty.
    pad = [""] * col0
    position = row0  # sheet row of the next row `values` yields
    for row in stored:
        cells: list[Any] = []
        while position <= row:
            got = next(values, None)
            if got is None:
                position = row + 1
                break
            if position == row:
                cells = (pad + list(got)) if col0 else list(got)
            position += 1
        yield row, cells


class Table:
    """An ES&S sheet's ballots as columns: line, marks, precinct, batch and supplied id."""

    def __init__(self, lines, marks, precincts, batches, supplied) -> None:
        self.lines: list[int] = lines
        self.marks: list[tuple[tuple[str, ...], ...]] = marks
        self.precincts: list[str | None] = precincts
        self.batches: list[str | None] = batches
        self.supplied: list[str | None] = supplied


def resolver(config, source) -> Callable[[tuple, int], tuple[tuple[str, ...], ...]]:
    """The function turning a row's rank cells (raw, from the first rank column) into marks.

    It raises :class:`~tally.errors.BallotError` naming ``line`` for a cell naming no
    candidate, or splitting on the overvote delimiter into a blank part.
    """
    file = str(source.file_path)
    lookup = CandidateLookup(config, source)
    names = lookup.names
    n_ranks = checked_ranks(config)
    delimiter = source.overvote_delimiter
    blank_is_uwi = source.treat_blank_as_undeclared_write_in

    def resolve(key: tuple, line: int) -> tuple[tuple[str, ...], ...]:
        marks: list[tuple[str, ...]] = []
        # past the row's last stored cell every rank is blank: only write-ins need them spelt out
        for r in range(n_ranks if blank_is_uwi else len(key)):
            text = cell_text(key[r]) if r < len(key) else ""
            if not text:
                marks.append((UWI_NAME,) if blank_is_uwi else ())
                continue
            parts = [p.strip() for p in text.split(delimiter)] if delimiter else [text]
            if len(parts) > 1 and any(not p for p in parts):
                raise BallotError(
                    f"cell {text!r} splits on the overvote delimiter {delimiter!r} into a blank part",
                    file=file,
                    line=line,
                    field=f"rank {r + 1}",
                )
            found: list[str] = []
            for part in parts:
                name = (
                    names[part] if part in names else lookup.resolve(part, line=line, field=f"rank {r + 1}")
                )
                if name is not None and name not in found:
                    found.append(name)
            marks.append(tuple(found))
        while marks and not marks[-1]:
            marks.pop()
        return tuple(marks)

    return resolve


def blocks(config, source, size: int = 100_000) -> Iterator[Table]:
    """Read one ES&S source as consecutive :class:`Table` blocks of up to ``size`` ballots.

    Rows repeat the same few rank cells, so each distinct run of rank cells (and each
    distinct precinct or batch cell) is resolved once and reused.
    """
    path = Path(source.file_path)
    file = str(path)
    first_row = (source.first_vote_row_index or 2) - 1
    first_col = (source.first_vote_column_index or 1) - 1
    n_ranks = checked_ranks(config)
    last_col = first_col + n_ranks
    precinct_col = source.precinct_column_index - 1 if source.precinct_column_index else None
    batch_col = source.batch_column_index - 1 if source.batch_column_index else None
    id_col = source.id_column_index - 1 if source.id_column_index else None

    resolve = resolver(config, source)

    cache: dict[tuple, tuple] = {}
    texts: dict[Any, str] = {}
    marked = False  # some rank cell of some row holds text

    def column(values: list, index: int | None, missing: str | None) -> list[str | None]:
        if index is None:
            return [None] * len(values)
        raws = [v[index] if index < len(v) else "" for v in values]
        for raw in set(raws) - texts.keys():
            texts[raw] = cell_text(raw)
        return [texts[raw] or missing for raw in raws]

    def make(lines: list[int], values: list) -> Table:
        keys = [tuple(v[first_col:last_col]) for v in values]
        nonlocal marked
        for key, line in zip(keys, lines):
            if key not in cache:
                marked = marked or any(cell_text(cell) for cell in key)
                cache[key] = resolve(key, line)
        supplied = column(values, id_col, None)
        if id_col is not None:
            for text, line in zip(supplied, lines):
                if not text:
                    raise BallotError(
                        "the ballot id cell is empty", file=file, line=line, field=f"column {id_col + 1}"
                    )
        return Table(
            lines,
            [cache[k] for k in keys],
            column(values, precinct_col, MISSING_PRECINCT),
            column(values, batch_col, MISSING_BATCH),
            supplied,
        )

    rows = itertools.dropwhile(lambda item: item[0] < first_row, _sheet_rows(path))
    read = 0
    while True:
        chunk = list(itertools.islice(rows, size))
        if not chunk:
            break
        read += len(chunk)
        limits.check("ballot_rows", read, what="ballot rows", file=file)
        yield make([r + 1 for r, _ in chunk], [cells for _, cells in chunk])
    if read and not marked:
        raise no_marks(config, source, read)


def table(config, source) -> Table:
    """Read one ES&S source into a single :class:`Table` (see :func:`blocks`)."""
    out = Table([], [], [], [], [])
    for part in blocks(config, source):
        out.lines += part.lines
        out.marks += part.marks
        out.precincts += part.precincts
        out.batches += part.batches
        out.supplied += part.supplied
    return out


def read(config, source, index: int = 0) -> Iterator[CastVoteRecord]:
    """Yield one :class:`CastVoteRecord` per ballot row of an ES&S workbook."""
    file = str(source.file_path)
    stem = sanitize(Path(file).name)
    t = table(config, source)
    for count, (line, marks, precinct, batch, supplied) in enumerate(
        zip(t.lines, t.marks, t.precincts, t.batches, t.supplied), start=1
    ):
        yield CastVoteRecord(
            ballot_id=f"{stem}-{count}",
            marks=marks,
            precinct=precinct,
            batch=batch,
            file=file,
            line=line,
            supplied_id=supplied,
            source_index=index,
        )
