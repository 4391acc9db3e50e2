"""Helpers shared by the readers: reading UTF-8 text, locating errors, CSV row scanning.

Every reader reports bad input as a :class:`~tally.errors.BallotError` that names the file
(the path as the caller gave it), the line and, where it helps, the field.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import BallotError

__all__ = [
    "check_utf8",
    "clean_name",
    "csv_rows",
    "data_line_numbers",
    "parse_count",
    "read_bytes",
    "read_text",
]


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, or a BallotError if it is missing or not a file."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise BallotError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise BallotError("is a directory, not a ballot file", file=str(path)) from None
    except PermissionError:
        raise BallotError("permission denied", file=str(path)) from None
    except OSError as exc:  # e.g. a name too long, an I/O error on the device
        raise BallotError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from None


def check_utf8(data: bytes, file: str) -> str:
    """Decode UTF-8 (a leading byte-order mark is dropped) or fail naming the line."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return str(memoryview(data)[bom:], "utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + bom
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise BallotError(
            f"not UTF-8 text: byte 0x{data[start]:02x} at column {column} (re-save the file as UTF-8)",
            file=file,
            line=line,
        ) from None


def read_text(path: str | os.PathLike[str]) -> str:
    """The file as text, decoded as UTF-8, with line ends normalised to ``\\n``."""
    return check_utf8(read_bytes(path), str(path)).replace("\r\n", "\n").replace("\r", "\n")


def csv_rows(text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-empty CSV row, the header included.

    The line number is the physical line on which the row starts, so quoted fields
    with line breaks do not throw the count off. Blank lines are skipped, as pyarrow does.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            if cells:  # a blank line; a row of empty cells is a row (a blank ballot)
                yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise BallotError(f"CSV syntax error: {exc}", line=reader.line_num) from None


def data_line_numbers(text: str, delimiter: str = ",") -> list[int]:
    """The physical line of each data row (the header excluded), in order."""
    rows = csv_rows(text, delimiter)
    next(rows, None)
    return [line for line, _ in rows]


def clean_name(raw: str) -> str:
    """A candidate name as written: whitespace trimmed, one pair of surrounding quotes removed."""
    name = raw.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].strip()
    return name


def parse_count(raw: str, *, file: str, line: int, field: str | None = None, what: str = "count") -> float:
    """A non-negative finite number of ballots (integers and decimals accepted)."""
    text = raw.strip()
    try:
        value = float(text)
    except ValueError:
        raise BallotError(f"{what} {text!r} is not a number", file=file, line=line, field=field) from None
    if not math.isfinite(value):
        raise BallotError(f"{what} {text!r} is not a finite number", file=file, line=line, field=field)
    if value < 0:
        raise BallotError(f"{what} {text} is negative", file=file, line=line, field=field)
    return value
