"""Reading CSV files with pyarrow while keeping errors located by line and field.

pyarrow parses fast but reports problems without line numbers; here every failure is
located again by a plain-Python pass over the file, which only runs when something is
wrong. Used by the ranked-ballot and score readers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .._arrow import as_numpy
from ..errors import BallotError
from ._common import check_exact_total, check_utf8, csv_rows, data_line_numbers, parse_count, read_bytes

BLOCK_SIZE = 1 << 22  # bytes per parsed block; each block carries its own dictionaries

__all__ = [
    "check_header",
    "count_column",
    "first_line",
    "line_of",
    "parse_table",
    "pick_column",
    "read_header",
]


def read_header(
    path: str | os.PathLike[str], file: str, delimiter: str, *, unnamed_ok: bool = False
) -> list[str]:
    """The header row's cells, trimmed and checked (named, no name twice).

    ``unnamed_ok`` lets one column go without a name (the row index pandas writes).
    """
    header = next(iter(csv_rows(check_utf8(first_line(path, file), file), delimiter)), (1, []))[1]
    header = [h.strip() for h in header]
    check_header(header, file, unnamed_ok=unnamed_ok)
    return header


def pick_column(
    columns: Sequence[str], names: Sequence[str], given: str | None, what: str, file: str
) -> str | None:
    if given is not None:
        if given not in columns:
            raise BallotError(f"no {what} column {given!r}; columns: {', '.join(columns)}", file=file, line=1)
        return given
    found = [c for c in columns if c.strip().lower() in names]
    if len(found) > 1:
        raise BallotError(
            f"several {what} columns ({', '.join(found)}); name one with an option", file=file, line=1
        )
    return found[0] if found else None


def check_header(header: list[str], file: str, *, unnamed_ok: bool = False) -> None:
    if not header:
        raise BallotError("no header row", file=file, line=1)
    seen: set[str] = set()
    for i, name in enumerate(header, start=1):
        if not name and not (unnamed_ok and name not in seen):
            raise BallotError(f"column {i} of the header has no name", file=file, line=1)
        if name in seen:
            raise BallotError(f"column {name!r} appears twice in the header", file=file, line=1, field=name)
        seen.add(name)


def first_line(path: str | os.PathLike[str], file: str) -> bytes:
    """The header line's bytes (the file is not read whole here)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
            while b"\n" not in head:
                more = handle.read(1 << 16)
                if not more:
                    break
                head += more
    except OSError:
        read_bytes(path)  # raises the BallotError that names the problem
        raise
    if not head.strip():
        raise BallotError("the file is empty", file=file, line=1)
    return head.split(b"\n", 1)[0]


def parse_table(
    path: str | os.PathLike[str],
    file: str,
    header: list[str],
    delimiter: str,
    used: set[str],
    types: dict[str, pa.DataType] | None = None,
) -> pa.Table:
    column_types = {c: pa.string() for c in header}
    column_types.update(types or {})
    try:
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=BLOCK_SIZE),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types=column_types,
                include_columns=[c for c in header if c in used],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        diagnose(read_bytes(path), file, delimiter, len(header))
        raise BallotError(f"cannot parse the CSV: {exc}", file=file) from None


def diagnose(data: bytes, file: str, delimiter: str, width: int) -> None:
    """Find the first line that breaks the file, with a plain-Python pass."""
    text = check_utf8(data, file)
    for line, cells in csv_rows(text, delimiter):
        if len(cells) != width:
            raise BallotError(
                f"ragged row: {len(cells)} fields where the header has {width}", file=file, line=line
            )


def line_of(path: str | os.PathLike[str], file: str, delimiter: str, row: int) -> int:
    """The physical line of data row ``row`` (0-based), found by a plain-Python pass."""
    lines = data_line_numbers(check_utf8(read_bytes(path), file), delimiter)
    return lines[row] if row < len(lines) else row + 2


def count_column(
    column: pa.ChunkedArray | pa.Array,
    path: str | os.PathLike[str],
    file: str,
    delimiter: str,
    name: str,
    *,
    offset: int = 0,
) -> np.ndarray:
    """The count column as non-negative floats that add up exactly (see
    :func:`~tally.io._common.check_exact_total`); the first bad cell is a located error."""
    try:
        values = as_numpy(pc.cast(pc.utf8_trim_whitespace(column), pa.float64()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # pyarrow refuses spellings Python accepts ("1_000"); the range check below must
        # still see every value, so what neither accepts becomes NaN and is reported there.
        values = np.array([_float_or_nan(v) for v in column.to_pylist()], dtype=np.float64)
    wrong = ~np.isfinite(values) | (values < 0)
    if wrong.any():
        bad = int(np.argmax(wrong))
        raw = column[bad].as_py()
        line = line_of(path, file, delimiter, offset + bad)
        parse_count(raw, file=file, line=line, field=name)
        raise BallotError(f"bad count {raw!r}", file=file, line=line, field=name)
    check_exact_total(
        values,
        file=file,
        place=lambda row: (line_of(path, file, delimiter, offset + row), name),
        texts=lambda rows: [column[int(r)].as_py() for r in rows],
    )
    return values


def _float_or_nan(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        return float("nan")
