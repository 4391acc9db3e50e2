"""How far a worksheet's cells reach, found before calamine reads the sheet.

calamine (behind python-calamine and fastexcel) holds a sheet as one dense rectangle from
its first cell to its last. A workbook of a few kilobytes with one cell in column XFD and
another a million rows down asks for hundreds of gigabytes, and calamine aborts the
process. So the sheet's XML is scanned first, block by block (:class:`Extent`):

* a sheet whose cells are all written ``<c r="X12345"`` or ``<c r="XY12345"`` (one or
  two column letters, at most six digits) and whose rows ``<row r="123456"`` spans at
  most 702 columns by 999,999 rows; if no cell is past column Z it spans at most 26 by
  999,999, and if no row is past 99,999, at most 702 by 99,999. Either is let through
  (:data:`PLAIN_CELLS`, 70 million cells at most);
* a sheet with cells past column Z and rows past 99,999, or any tag of another form (a
  longer reference, a tag without one), goes to an exact pass: the furthest column and
  row any reference names, plus one for each tag without a reference (calamine places
  such a tag just past the one before it). That rectangle must stay within the ``cells``
  limit (:mod:`tally.limits`).

The first test runs in NumPy on each block, a few hundredths of a second for the 30 MB
sheets of a county's export; the exact pass, in Python, runs only for sheets that need it.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import numpy as np

from ... import limits

__all__ = ["Extent", "check_extent"]

_LT, _C, _R, _O, _W, _SPACE, _GT, _QUOTE, _EQ, _SLASH = (ord(c) for c in '<crow >"=/')
_WINDOW = 16  # bytes read from each tag: '<row r="123456"' is 15
PLAIN_CELLS = 702 * 99_999
"""The most cells a sheet let through by its tags alone spans (see the module docstring)."""


class Extent:
    """Feed a sheet's XML in blocks (:meth:`feed`); :attr:`plain` says whether its tags
    alone keep it within :data:`PLAIN_CELLS` (see the module docstring).

    While every tag is short (:attr:`short`), the scan also counts the row tags and keeps
    the first and last row numbers (:attr:`rows`, :attr:`first`, :attr:`last`).
    """

    def __init__(self) -> None:
        self._rest = b""
        self.short = True  # every tag has a reference of 1-2 letters and 1-6 digits
        self._wide = False  # some cell is past column Z
        self._tall = False  # some row is past 99,999
        self.rows = 0
        self.first: int | None = None
        self.last: int | None = None

    def feed(self, chunk: bytes) -> None:
        """Scan one more block (an empty one ends the sheet)."""
        if not self.short:
            return
        data = self._rest + chunk
        cut = data.rfind(b"<") if chunk else len(data)  # the last tag may be cut: keep it
        if cut < 0:
            cut = len(data)
        body, self._rest = data[:cut], data[cut:]
        if not body:
            return
        short, wide, tall, rows = _scan(body)
        self.short &= short
        self._wide |= wide
        self._tall |= tall
        if short and rows.size:
            self.rows += int(rows.size)
            if self.first is None:
                self.first = _row_number(body, int(rows[0]))
            self.last = _row_number(body, int(rows[-1]))

    @property
    def plain(self) -> bool:
        return self.short and not (self._wide and self._tall)


def _row_number(body: bytes, at: int) -> int:
    """The number of the (short) row tag at ``at``: '<row r="' is 8 bytes."""
    return int(body[at + 8 : body.index(b'"', at + 8)])


def _scan(body: bytes) -> tuple[bool, bool, bool, np.ndarray]:
    """(every ``<c`` and ``<row`` tag of ``body`` has a short reference, some cell is past
    column Z, some cell or row is past row 99,999, where the row tags start)."""
    a = np.frombuffer(body + b"\0" * _WINDOW, dtype=np.uint8)
    starts = np.flatnonzero(a[: len(body)] == _LT)
    second = a[starts + 1]
    cells = starts[second == _C]
    cells = cells[_ends_name(a[cells + 2])]
    rows = starts[second == _R]
    rows = rows[(a[rows + 2] == _O) & (a[rows + 3] == _W)]
    rows = rows[_ends_name(a[rows + 4])]
    # '<c r="' then one or two column letters from 6; '<row r="' then digits from 8
    cells_ok = _attribute(a, cells, 2) & _upper(a[cells + 6])
    two = _upper(a[cells + 7])
    one_ok, one_tall = _digits(a, cells[~two], 7)
    two_ok, two_tall = _digits(a, cells[two], 8)
    rows_ok, rows_tall = _digits(a, rows, 8)
    short = bool(
        cells_ok.all() and one_ok.all() and two_ok.all() and rows_ok.all() and _attribute(a, rows, 4).all()
    )
    return short, bool(two.any()), bool(one_tall.any() or two_tall.any() or rows_tall.any()), rows


def _ends_name(byte: np.ndarray) -> np.ndarray:
    """Whether a tag's name ends at ``byte``: white space, '>' or '/'."""
    return (byte == _SPACE) | (byte == _GT) | (byte == _SLASH) | (byte == 9) | (byte == 10) | (byte == 13)


def _upper(byte: np.ndarray) -> np.ndarray:
    return (byte >= ord("A")) & (byte <= ord("Z"))


def _attribute(a: np.ndarray, tags: np.ndarray, head: int) -> np.ndarray:
    """Whether each tag reads `` r="`` from ``head``."""
    return (
        (a[tags + head] == _SPACE)
        & (a[tags + head + 1] == _R)
        & (a[tags + head + 2] == _EQ)
        & (a[tags + head + 3] == _QUOTE)
    )


def _digits(a: np.ndarray, tags: np.ndarray, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Per tag: 1 to 6 digits from ``start`` then a quote; and 6 of them (row 100,000 on)."""
    closed = np.zeros(tags.size, dtype=bool)
    six = np.zeros(tags.size, dtype=bool)
    digits = np.ones(tags.size, dtype=bool)
    for k in range(7):
        byte = a[tags + start + k]
        if k:
            quote = digits & (byte == _QUOTE)
            closed |= quote
            if k == 6:
                six = quote
        digits &= (byte >= ord("0")) & (byte <= ord("9"))
    return closed, six


_CELL = re.compile(rb"<c(?=[\s>/])([^>]*)>")
_ROW = re.compile(rb"<row(?=[\s>/])([^>]*)>")
_REF = re.compile(rb"\br=\"([A-Za-z]*)([0-9]*)\"")


def _exact(path: Path, member: str) -> tuple[int, int]:
    """(rows, columns) of the rectangle the sheet's cells may reach (see the module docstring)."""
    rows = columns = 0
    loose_rows = loose_cells = 0
    with zipfile.ZipFile(path) as archive, archive.open(member) as sheet:
        rest = b""
        while True:
            chunk = sheet.read(1 << 22)
            data = rest + chunk
            cut = data.rfind(b"<") if chunk else len(data)
            cut = len(data) if cut < 0 else cut
            body, rest = data[:cut], data[cut:]
            for match in _ROW.finditer(body):
                ref = _REF.search(match.group(1))
                if ref and ref.group(2):
                    rows = max(rows, int(ref.group(2)))
                else:
                    loose_rows += 1
            for match in _CELL.finditer(body):
                ref = _REF.search(match.group(1))
                if ref and ref.group(1) and ref.group(2):
                    columns = max(columns, _column_number(ref.group(1)))
                    rows = max(rows, int(ref.group(2)))
                else:
                    loose_cells += 1
            if not chunk:
                break
    return rows + loose_rows, columns + loose_cells


def _column_number(letters: bytes) -> int:
    """'A' → 1, 'Z' → 26, 'AA' → 27, 'XFD' → 16,384 (long nonsense grows past any limit)."""
    number = 0
    for byte in letters.upper()[:12]:
        number = number * 26 + (byte - ord("A") + 1)
    return number


def check_extent(path: Path, member: str, extent: Extent | None = None, *, file: str | None = None) -> None:
    """Refuse a sheet whose cells would span more than the ``cells`` limit.

    ``extent`` is a scan already fed the whole sheet; without one the sheet is read here.

    Raises
    ------
    LimitError
        The rectangle from the first cell to the furthest one named is past the limit.
    """
    if extent is None:
        extent = Extent()
        with zipfile.ZipFile(path) as archive, archive.open(member) as sheet:
            while chunk := sheet.read(1 << 22):
                extent.feed(chunk)
        extent.feed(b"")
    if extent.plain and PLAIN_CELLS <= limits.current().cells:
        return
    rows, columns = _exact(path, member)
    limits.check(
        "cells",
        rows * columns,
        what=f"cells the first sheet spans ({rows:,} rows by {columns:,} columns)",
        file=file or str(path),
    )
