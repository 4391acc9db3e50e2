"""ES&S workbooks read as columns, several at once.

The same ballots, in the same order, as :func:`.ess.table`, in a form made for bulk
encoding: the distinct markings of a file once each, and per ballot the index of its
marking. A sheet whose rows are stored one after another from the first row is read by
fastexcel straight into Arrow columns; each column is dictionary-encoded, so only its
distinct cells are looked at in Python. Any other sheet (rows stored with gaps, mixed or
date cells, cells holding errors) goes through :func:`.ess.table`, which reads it row by
row as RCTab does.

Workbooks are parsed in a pool of threads, one per core: the parse runs in Rust without
holding the interpreter lock, so files are read side by side without copying results
between processes. A large workbook's parse and the check of its stored rows are two
tasks (:class:`Reads`), so three large files share two cores evenly. Results are handed
back in source order, so ballot order and the first error reported are those of a serial
read.
"""

from __future__ import annotations

import contextvars
import os
import zipfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ... import limits
from ...errors import BallotError, LimitError
from .._archive import check_zip
from . import checked_ranks, no_marks, sanitize
from . import ess as ess_reader
from ._sheet_extent import Extent, check_extent

__all__ = ["Columns", "Reads", "read"]

Marks = tuple[tuple[str, ...], ...]

# Arrow types whose Python values calamine would hand over as the same values.
_PLAIN_TYPES = ("string", "large_string", "double", "int64", "bool", "null")


@dataclass
class Columns:
    """One ES&S file's ballots: ``marks[which[i]]`` is ballot ``i``'s marking.

    ``first[k]`` is the first ballot marked ``marks[k]``; ``lines`` are 1-based sheet
    rows. ``precincts``, ``batches`` and ``supplied`` are Arrow string arrays, or None
    when the source names no such column.
    """

    file: str
    marks: list[Marks]
    which: np.ndarray
    first: np.ndarray
    lines: np.ndarray
    precincts: Any
    batches: Any
    supplied: Any

    def __len__(self) -> int:
        return len(self.which)

    def ballot_ids(self, start: int = 0, stop: int | None = None) -> Any:
        """RCTab's ballot ids ``<file name>-<n>`` (n from 1) of ballots ``start:stop``, as Arrow."""
        import pyarrow.compute as pc

        from ..._arrow import numbered, text_scalar

        stop = len(self) if stop is None else stop
        numbers = numbered(start + 1, stop + 1)
        # scalars built here: a plain str handed to a compute function imports pandas
        prefix = text_scalar(f"{sanitize(Path(self.file).name)}-")
        return pc.binary_join_element_wise(prefix, numbers, text_scalar(""))

    def ballot_id(self, i: int) -> str:
        return f"{sanitize(Path(self.file).name)}-{i + 1}"


def read(config, source) -> Columns:
    """Read one ES&S source (see the module docstring).

    Raises
    ------
    BallotError
        As :func:`.ess.table`: an unreadable workbook, a cell naming no candidate, an
        empty ballot id cell.
    """
    fast = _read_columns(config, source)
    return fast if fast is not None else _row_by_row(config, source)


def _row_by_row(config, source) -> Columns:
    return _from_table(str(source.file_path), ess_reader.table(config, source))


def _from_table(file: str, t: ess_reader.Table) -> Columns:
    """A row-by-row :class:`.ess.Table` in the column form."""
    from ..._arrow import texts

    index: dict[Marks, int] = {}
    which = np.fromiter(
        (index.setdefault(m, len(index)) for m in t.marks), dtype=np.int64, count=len(t.marks)
    )
    first = np.zeros(len(index), dtype=np.int64)
    if len(which):
        first = np.unique(which, return_index=True)[1]

    def strings(values: list[str | None]) -> Any:
        return None if all(v is None for v in values) else texts(values)

    return Columns(
        file,
        list(index),
        which,
        first,
        np.asarray(t.lines, dtype=np.int64),
        strings(t.precincts),
        strings(t.batches),
        strings(t.supplied),
    )


def _dictionary(array: Any, n: int) -> tuple[np.ndarray, list[Any]]:
    """(index of each cell's value, the distinct values) of an Arrow column; None → all empty."""
    import pyarrow.compute as pc

    if array is None:
        return np.zeros(n, dtype=np.int64), [None]
    encoded = pc.dictionary_encode(array, null_encoding="encode")
    indices = encoded.indices.cast("int64")
    values = np.frombuffer(indices.buffers()[1], dtype=np.int64, count=len(indices) + indices.offset)
    return values[indices.offset :], encoded.dictionary.to_pylist()


def stored_span(path: Path) -> int | None:
    """:func:`_stored_span` of a workbook, None also when it cannot be read (the
    row-by-row reader then says why) or fails :func:`check_zip`; a sheet whose cells
    reach too far raises :class:`~tally.errors.LimitError`."""
    try:
        check_zip(path)
        return _stored_span(path)
    except LimitError:
        raise  # a sheet too large for any reader: said as such
    except (BallotError, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None


def _stored_span(path: Path) -> int | None:
    """n when the first sheet stores rows 1..n, each once with its number, else None.

    Rows are stored in ascending order, so the count and the first and last numbers pin
    them down; this reads the sheet's XML once without parsing it (a row stored without
    cells is still a ballot, and calamine's range leaves trailing ones out). The same
    pass makes sure calamine can hold the sheet (:mod:`._sheet_extent`); a sheet with a
    tag of another form than ``<row r="12">`` and ``<c r="A12">`` goes the row-by-row way.

    Raises :class:`~tally.errors.LimitError` when the sheet's cells reach further than
    the ``cells`` limit allows.
    """
    extent = Extent()
    with zipfile.ZipFile(path) as archive:
        member = ess_reader._first_sheet_member(archive)
        with archive.open(member) as sheet:
            while chunk := sheet.read(1 << 22):
                extent.feed(chunk)
    extent.feed(b"")
    check_extent(path, member, extent)
    if not extent.short or extent.first != 1 or extent.last != extent.rows:
        return None
    return extent.rows


def _load_sheet(path: Path, first_row: int, wanted: set[int]) -> tuple[dict[int, Any], int, int] | None:
    """The wanted columns (by 0-based sheet column) of the sheet's rows from ``first_row``,
    the sheet's height and the rows read; None when the cells are not the plain kinds
    this reader handles. Whether the rows stored are the rows read is checked apart
    (:func:`stored_span`, :meth:`_Parsed.checked`).
    """
    import fastexcel

    try:
        sheet = fastexcel.read_excel(str(path)).load_sheet(
            0,
            header_row=None,
            skip_rows=first_row,
            schema_sample_rows=None,
            dtype_coercion="strict",  # a column of mixed cells goes the row-by-row way
            use_columns=lambda column: column.absolute_index in wanted,
        )
        batch, errors = sheet.to_arrow_with_errors()
    except Exception:  # noqa: BLE001 - fastexcel raises its own types; the row reader explains
        return None
    if errors is not None:
        return None
    columns: dict[int, Any] = {}
    for i, info in enumerate(sheet.selected_columns):
        column = batch.column(i)
        if str(column.type) not in _PLAIN_TYPES:
            return None
        columns[info.absolute_index] = column
    return columns, sheet.total_height, batch.num_rows


@dataclass
class _Parsed:
    """A workbook read on the fast path before its stored rows are checked: the sheet's
    height, the rows read, and their ballots or the error reading them raised (held until
    the check says the fast path applies; otherwise the row-by-row reader speaks)."""

    height: int
    rows: int
    first_row: int
    columns: Columns | None
    error: BallotError | None

    def checked(self, span: int | None) -> Columns | None:
        """The ballots when the sheet stores rows 1..``span`` (:func:`stored_span`), else None."""
        # Rows 0..n-1 are all stored and the range holds n of them: it starts at row 0.
        if (
            span is None
            or span <= self.first_row
            or self.height != span
            or self.rows != span - self.first_row
        ):
            return None
        if self.error is not None:
            raise self.error
        return self.columns


def _text_column(
    columns: dict[int, Any], index: int | None, missing: str | None, n: int
) -> tuple[Any, np.ndarray | None, list[str]]:
    """A column's cells as RCTab's text (empty → ``missing``), with its dictionary form."""
    from ..._arrow import from_numpy, texts

    if index is None:
        return None, None, []
    codes, values = _dictionary(columns.get(index), n)
    cells = [ess_reader.cell_text(v) for v in values]
    shown = texts([t or missing for t in cells])
    return shown.take(from_numpy(codes)), codes, cells


def _first_row(source) -> int:
    return (source.first_vote_row_index or 2) - 1


def _read_columns(config, source) -> Columns | None:
    """The fast path of :func:`read`, or None when the sheet needs the row-by-row reader."""
    path = Path(source.file_path)
    check_zip(path)  # before the sheet's XML is unpacked, by either reader
    try:
        span = _stored_span(path)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None  # the row-by-row reader reports it
    if span is None or span <= _first_row(source):
        return None
    parsed = _parse(config, source)
    return None if parsed is None else parsed.checked(span)


def _parse_checked(config, source, span: Future[int | None]) -> _Parsed | None:
    """:func:`_parse` once the sheet has passed :func:`stored_span` (in another task)."""
    n = span.result()
    if n is None or n <= _first_row(source):
        return None  # the row-by-row reader reads it
    return _parse(config, source)


def _parse(config, source) -> _Parsed | None:
    """The workbook's ballots on the fast path, its stored rows not yet checked; None when
    its cells are not plain."""
    path = Path(source.file_path)
    file = str(path)
    first_row = _first_row(source)
    first_col = (source.first_vote_column_index or 1) - 1
    n_ranks = checked_ranks(config)
    precinct_col = source.precinct_column_index - 1 if source.precinct_column_index else None
    batch_col = source.batch_column_index - 1 if source.batch_column_index else None
    id_col = source.id_column_index - 1 if source.id_column_index else None
    rank_cols = range(first_col, first_col + n_ranks)
    wanted = {*rank_cols, *(c for c in (precinct_col, batch_col, id_col) if c is not None)}
    check_zip(path)  # before the sheet's XML is unpacked, by either reader
    loaded = _load_sheet(path, first_row, wanted)
    if loaded is None:
        return None
    columns, height, n = loaded
    try:
        limits.check("ballot_rows", n, what="ballot rows", file=file)
        lines = np.arange(first_row + 1, first_row + 1 + n, dtype=np.int64)
        which, first, marks = _markings(config, source, columns, rank_cols, lines)
        precincts, _, _ = _text_column(columns, precinct_col, ess_reader.MISSING_PRECINCT, n)
        batches, _, _ = _text_column(columns, batch_col, ess_reader.MISSING_BATCH, n)
        supplied, codes, texts = _text_column(columns, id_col, None, n)
        if codes is not None and id_col is not None:
            empty = [k for k, t in enumerate(texts) if not t]
            if empty:
                row = int(np.flatnonzero(np.isin(codes, empty))[0])
                raise BallotError(
                    "the ballot id cell is empty",
                    file=file,
                    line=int(lines[row]),
                    field=f"column {id_col + 1}",
                )
    except BallotError as error:
        return _Parsed(height, n, first_row, None, error)
    ballots = Columns(file, marks, which, first, lines, precincts, batches, supplied)
    return _Parsed(height, n, first_row, ballots, None)


def _markings(
    config, source, columns: dict[int, Any], rank_cols: range, lines: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[Marks]]:
    """(marking index per ballot, first ballot per marking, the markings) of the rank columns.

    Markings are numbered in order of first appearance and resolved in that order, so a
    bad cell is reported at the same row as by the row-by-row reader.
    """
    n = len(lines)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), []
    dictionaries = [_dictionary(columns.get(c), n) for c in rank_cols]
    if not dictionaries:
        codes = np.zeros((n, 1), dtype=np.int64)
    else:
        codes = np.stack([d[0] for d in dictionaries], axis=1)
    if not any(ess_reader.cell_text(v) for _, values in dictionaries for v in values):
        raise no_marks(config, source, n)
    sizes = [max(len(d[1]), 1) for d in dictionaries]
    if float(np.prod(np.asarray(sizes, dtype=np.float64))) < 2.0**62:
        key: np.ndarray = np.zeros(n, dtype=np.int64)
        for r, size in enumerate(sizes):
            key = key * size + codes[:, r]
    else:  # too many distinct cells to pack a row in one number: compare rows as bytes
        key = np.ascontiguousarray(codes).view(np.dtype((np.void, 8 * codes.shape[1]))).ravel()
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    renumber = np.empty_like(order)
    renumber[order] = np.arange(len(order))
    which = renumber[inverse.reshape(-1)]
    first = first[order]
    resolve: Callable[[tuple, int], Marks] = ess_reader.resolver(config, source)
    marks = [
        resolve(tuple(values[codes[row, r]] for r, (_, values) in enumerate(dictionaries)), int(lines[row]))
        for row in first.tolist()
    ]
    return which, first, marks


SPLIT_BYTES = 1 << 20
"""Workbooks from this size on are read as two tasks: the check of the rows the sheet
stores and how far its cells reach (:func:`stored_span`, about a quarter of the work),
then the parse. Maine's three large workbooks then share two cores more evenly than
three whole reads would."""


class Reads:
    """The ES&S sources of a config, read in the background, one thread per core.

    ``result(index)`` waits for source ``index``; ask in source order. ``close()`` drops
    reads not yet started (after an error elsewhere).

    Small workbooks are read first, in source order, so the caller takes them while the
    large ones are read; then the large ones' checks (:func:`stored_span`, which also
    makes sure calamine can hold the sheet), in source order; then their parses, largest
    first, each starting once its sheet has passed its check.
    """

    def __init__(self, config, indices: Sequence[int] | None = None) -> None:
        sources = config.sources
        if indices is None:
            indices = [i for i, s in enumerate(sources) if s.provider == "ess"]
        workers = min(len(indices), os.cpu_count() or 1)
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="ess") if workers > 1 else None
        self._futures: dict[int, Future[Columns]] = {}
        self._parses: dict[int, tuple[Future[_Parsed | None], Future[int | None]]] = {}
        if self._pool is not None:
            sizes = {i: _size(sources[i].file_path) for i in indices}
            large = sorted((i for i in indices if sizes[i] >= SPLIT_BYTES), key=lambda i: -sizes[i])
            for i in indices:
                if sizes[i] < SPLIT_BYTES:
                    self._futures[i] = self._submit(read, config, sources[i])
            # the checks first, in the order the caller joins them: a parse starts only
            # after every check has started (tasks start in the order given), so its wait
            # for its own check is never a wait for a task queued behind it
            spans = {i: self._submit(stored_span, Path(sources[i].file_path)) for i in sorted(large)}
            for i in large:
                self._parses[i] = (self._submit(_parse_checked, config, sources[i], spans[i]), spans[i])
            self._pool.shutdown(wait=False)
        self._config = config

    def _submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        assert self._pool is not None
        # each task runs in a copy of this context, so limits set with tally.limits.use hold there too
        return self._pool.submit(contextvars.copy_context().run, fn, *args)

    def result(self, index: int) -> Columns:
        source = self._config.sources[index]
        if index in self._parses:
            parse, span = self._parses.pop(index)
            parsed = parse.result()
            ballots = parsed.checked(span.result()) if parsed is not None else None
            span.cancel()
            return ballots if ballots is not None else _row_by_row(self._config, source)
        future = self._futures.pop(index, None)
        if future is None:
            return read(self._config, source)
        return future.result()

    def close(self) -> None:
        futures = [*self._futures.values(), *(f for pair in self._parses.values() for f in pair)]
        for future in futures:
            future.cancel()
        self._futures.clear()
        self._parses.clear()


def _size(path: Any) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
