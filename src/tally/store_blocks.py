"""Reading cast-vote records into the store block by block.

:class:`Accumulator` merges blocks of coded ballots as they come and streams each ballot's
provenance to Parquet, so memory stays bounded by the number of *distinct* ballots. The
RCTab generic CSV provider (one column per candidate, cell = rank) is streamed here with
``pyarrow.csv.open_csv``, block by block; ranked CSVs are streamed by
:func:`tally.io.csv.csv_blocks` and the other providers are read by their readers.

The width of the stored rows follows the ranks the records hold, never a declared
``maxRankingsAllowed`` (itself checked against :mod:`tally.limits`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import limits
from .ballots import CODE_DTYPE, SKIPPED
from .errors import BallotError
from .io.cvr.model import UWI_NAME, tie_code

__all__ = ["Accumulator", "stream_generic_source", "unique_rows"]

# -- accumulating merged ballots block by block ----------------------------------------------


class Accumulator:
    """Merges blocks of coded ballots and streams their provenance to Parquet.

    Rows may come in any width up to the ranks they hold; they are padded with skipped
    ranks to the widest row seen. A row may stand for several ballots (``weights``, as in
    a ranked CSV with a count column); its provenance record then carries that weight.
    """

    def __init__(self, folder: Path, candidates: Sequence[str], ranks: int = 0) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.candidates = list(candidates)
        self.index = {name: i for i, name in enumerate(self.candidates)}
        self.ranks = ranks
        self.tie_index: dict[frozenset[int], int] = {}
        # Each block's distinct rows and counts; a ballot's provisional group is its block's
        # offset plus its row there. finish() merges the groups across blocks.
        self.uniques: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.groups = 0
        self.count = 0
        self.schema = pa.schema(
            [
                ("ballot_id", pa.string()),
                ("precinct", pa.string()),
                ("batch", pa.string()),
                ("source", pa.int16()),
                ("group", pa.int32()),
                ("weight", pa.float64()),
            ]
        )
        self.folder = folder
        self.pq = pq
        self.writer: Any = None
        self.part = 0
        self._open()

    def _open(self) -> None:
        self.part += 1
        path = self.folder / f"provenance-{self.part:05d}.parquet"
        self.writer = self.pq.ParquetWriter(path, self.schema, compression="zstd")

    def mark(self) -> tuple:
        """A point to come back to: a new provenance part starts here."""
        self.writer.close()
        self._open()
        return (
            self.part,
            len(self.uniques),
            self.groups,
            len(self.candidates),
            dict(self.tie_index),
            self.count,
            self.ranks,
        )

    def rewind(self, mark: tuple) -> None:
        """Forget every block added since ``mark``."""
        part, n_blocks, groups, n_candidates, ties, count, ranks = mark
        self.writer.close()
        for later in range(part, self.part + 1):
            (self.folder / f"provenance-{later:05d}.parquet").unlink(missing_ok=True)
        self.part = part - 1
        self._open()
        self.groups, self.tie_index, self.count, self.ranks = groups, ties, count, ranks
        del self.uniques[n_blocks:]
        del self.counts[n_blocks:]
        for name in self.candidates[n_candidates:]:
            del self.index[name]
        del self.candidates[n_candidates:]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def code(self, name: str) -> int:
        """Index of a candidate name, appending write-ins met for the first time."""
        i = self.index.get(name)
        if i is None:
            if name != UWI_NAME:
                raise BallotError(f"{name!r} is not one of the candidates")
            i = self.index[name] = len(self.candidates)
            self.candidates.append(name)
        return i

    def add(
        self,
        codes: np.ndarray,
        ids: Sequence[str] | Any,
        precincts: Any,
        batches: Any,
        source: int,
        weights: np.ndarray | None = None,
    ) -> None:
        """Add a block: codes (n, any width) and, per row, id, precinct and batch (or None)
        and how many ballots it stands for (``None``: one each)."""
        n = codes.shape[0]
        if n == 0:
            return
        codes = _trim(np.ascontiguousarray(codes, dtype=CODE_DTYPE))
        self.ranks = max(self.ranks, codes.shape[1])
        limits.check("cells", n * self.ranks, what="cells of a block of ballots (rows x ranks)")
        unique, inverse, counts = unique_rows(codes)
        if weights is not None:
            counts = np.bincount(inverse, weights=weights, minlength=len(unique)).astype(np.float64)
        gids = (self.groups + inverse).astype(np.int32)
        self.uniques.append(unique)
        self.counts.append(counts)
        self.groups += len(unique)
        pa = self.pa
        table = pa.table(
            {
                "ballot_id": _arrow_strings(ids, n),
                "precinct": _arrow_strings(precincts, n),
                "batch": _arrow_strings(batches, n),
                "source": pa.array(np.full(n, source, dtype=np.int16)),
                "group": pa.array(gids),
                "weight": pa.array(np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)),
            },
            schema=self.schema,
        )
        self.writer.write_table(table)
        self.count += n

    def finish(self, folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Close the provenance file; return (choices, weights, group → row) heaviest first."""
        import pyarrow.parquet as pq

        self.close()
        if self.uniques:
            limits.check(
                "cells", self.groups * self.ranks, what="cells of the distinct ballots (rows x ranks)"
            )
            blocks = np.vstack([_pad(u, self.ranks) for u in self.uniques])
            matrix, group_of, _ = unique_rows(blocks)
            weights: np.ndarray = np.bincount(
                group_of, weights=np.concatenate(self.counts).astype(np.float64), minlength=len(matrix)
            )
        else:
            matrix, group_of = np.zeros((0, self.ranks), dtype=CODE_DTYPE), np.zeros(0, dtype=np.int64)
            weights = np.zeros(0)
        order = np.lexsort((np.arange(weights.size), -weights))
        rank_of = np.empty(order.size, dtype=np.int32)
        rank_of[order] = np.arange(order.size, dtype=np.int32)
        row_of = rank_of[group_of]  # provisional group -> stored row
        used = np.flatnonzero((matrix != SKIPPED).any(axis=0)) if matrix.size else np.array([], dtype=int)
        matrix = matrix[order][:, : (used[-1] + 1 if used.size else 0)]
        pq.write_table(self.pa.table({"row": self.pa.array(row_of)}), folder / "group_rows.parquet")
        return np.ascontiguousarray(matrix), weights[order], row_of


def _trim(codes: np.ndarray) -> np.ndarray:
    """Codes without their trailing columns of skipped ranks."""
    used = np.flatnonzero((codes != SKIPPED).any(axis=0)) if codes.size else np.array([], dtype=int)
    return codes[:, : (int(used[-1]) + 1 if used.size else 0)]


def _pad(codes: np.ndarray, width: int) -> np.ndarray:
    if codes.shape[1] == width:
        return codes
    out = np.full((codes.shape[0], width), SKIPPED, dtype=CODE_DTYPE)
    out[:, : codes.shape[1]] = codes
    return out


def _arrow_strings(values: Any, n: int):
    """A string Arrow array from a list, an Arrow array, or ``None`` (all null)."""
    import pyarrow as pa

    if values is None:
        return pa.nulls(n, type=pa.string())
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values.cast(pa.string())
    return pa.array(values, type=pa.string())


def _int_values(array) -> tuple[np.ndarray, np.ndarray | None]:
    """(values, validity or None when nothing is null) of an Arrow int32 array, without copies."""
    values = np.frombuffer(array.buffers()[1], dtype=np.int32, count=len(array) + array.offset)[
        array.offset :
    ]
    if not array.null_count:
        return values, None
    bits = np.unpackbits(np.frombuffer(array.buffers()[0], dtype=np.uint8), bitorder="little")
    valid = bits[array.offset : array.offset + len(array)].astype(bool)
    return np.where(valid, values, 0), valid


def unique_rows(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, Any]:
    """Distinct rows of a code matrix, the row each input row maps to, and their counts."""
    n, ranks = codes.shape
    if ranks == 0:
        return np.zeros((1, 0), CODE_DTYPE), np.zeros(n, np.int64), np.array([n])
    low = int(codes.min())
    span = int(codes.max()) - low + 1
    bits = max(1, int(np.ceil(np.log2(span + 1))))
    if bits * ranks <= 62:
        # Pack each row into one int64 so the sort is over numbers, not rows.
        key = np.zeros(n, dtype=np.int64)
        shifted = codes.astype(np.int64) - low
        for r in range(ranks):
            key = (key << bits) | shifted[:, r]
        _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
        return codes[first], inverse.reshape(-1), counts
    # Too wide to pack: compare rows as raw bytes (much faster than np.unique(axis=0)).
    rows = np.ascontiguousarray(codes).view(np.dtype((np.void, codes.dtype.itemsize * ranks))).ravel()
    _, first, inverse, counts = np.unique(rows, return_index=True, return_inverse=True, return_counts=True)
    return codes[first], inverse.reshape(-1), counts


# -- streaming CSV readers -------------------------------------------------------------------


def _csv_blocks(path: Path, block_bytes: int, skip_after_header: int = 0, int_columns: Iterable[int] = ()):
    """(header, first data line number, blocks of columns) of a CSV file.

    Columns are strings, except ``int_columns``, parsed as integers by Arrow (empty →
    null); a cell Arrow cannot parse raises ``pyarrow.ArrowInvalid`` while iterating.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = _header(path)
    names = [f"c{i}" for i in range(len(header))]
    typed = set(int_columns)
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            block_size=block_bytes,
            column_names=names,
            skip_rows=1,
            skip_rows_after_names=skip_after_header,
            encoding="utf8",
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=False),
        convert_options=pacsv.ConvertOptions(
            column_types={n: (pa.int32() if i in typed else pa.string()) for i, n in enumerate(names)},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return header, 2 + skip_after_header, reader


def _strings(column) -> Any:
    import pyarrow.compute as pc

    return pc.utf8_trim_whitespace(column)


def stream_generic_source(acc: Accumulator, config, source, index: int, block_bytes: int) -> None:
    """Stream a generic CSV source into ``acc``; fall back to text parsing when Arrow cannot
    type it. A source with records but no rank anywhere is refused (see
    :func:`tally.io.cvr.no_marks`)."""
    from .io.cvr import no_marks

    mark = acc.mark()
    try:
        records, marked = _stream_generic(acc, config, source, index, block_bytes, typed=True)
    except _Untyped:
        acc.rewind(mark)
        records, marked = _stream_generic(acc, config, source, index, block_bytes, typed=False)
    if records and not marked:
        raise no_marks(config, source, records)


_INT = re.compile(r"[+-]?[0-9]+")


def _rank(text: str, max_rank: int, file: str, line: int, field: str) -> int | None:
    """A rank cell as the generic CSV reader reads it (blank: None), or a located BallotError."""
    from .io.cvr import check_max_rankings

    if not text:
        return None
    if _INT.fullmatch(text) is None:
        raise BallotError(f"expected a rank number, got {text!r}", file=file, line=line, field=field)
    check_max_rankings(int(text), max_rank, file=file, line=line, field=field)
    return int(text)


def _header(path: Path) -> list[str]:
    """The header row's cells, read without reading the file whole (bad bytes: a BallotError)."""
    from .io._common import check_utf8, csv_rows
    from .io._table import first_line

    file = str(path)
    return next(iter(csv_rows(check_utf8(first_line(path, file), file))), (1, []))[1]


def _unreadable(path: Path, exc: Exception) -> BallotError:
    """The error for a CSV Arrow refused: the first bad line when a plain pass finds it."""
    from .io._common import read_bytes
    from .io._table import diagnose

    file = str(path)
    diagnose(read_bytes(path), file, ",", len(_header(path)))  # raises the located error when it finds one
    return BallotError(f"unreadable CSV: {' '.join(str(exc).split())}", file=file)


class _Untyped(Exception):
    """Arrow could not parse a rank column as integers; read it as text instead."""


def _batches(reader, path: Path, first_line: int, *, typed: bool = False) -> Iterator[tuple[int, int, Any]]:
    """(line of the first row, ballots before it, block) for each block of a CSV reader.

    A block Arrow cannot parse raises :class:`_Untyped` when ``typed`` (the caller reads
    the file again as text), else the located :class:`~tally.errors.BallotError`.
    """
    import pyarrow as pa

    count = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as exc:
            if typed:
                raise _Untyped() from exc
            raise _unreadable(path, exc) from None
        yield first_line + count, count, batch
        count += batch.num_rows


def _stream_generic(
    acc: Accumulator, config, source, index: int, block_bytes: int, typed: bool = True
) -> tuple[int, bool]:
    """Stream an RCTab generic CSV (one column per candidate, cell = rank) into ``acc``;
    return the records read and whether any holds a rank.

    With ``typed``, Arrow's CSV parser reads the rank columns as integers (fast); a cell
    it cannot parse raises :class:`_Untyped` so the caller can start over reading text,
    which trims spaces and reports a bad cell by line and column.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from .io.cvr import CandidateLookup, checked_ranks
    from .io.cvr.generic_csv import MISSING_BATCH, MISSING_PRECINCT

    path = Path(source.file_path)
    file = str(path)
    lookup = CandidateLookup(config, source)
    first_col = (source.first_vote_column_index or 1) - 1
    skip = max(0, (source.first_vote_row_index or 2) - 2)
    width = len(_header(path))
    if first_col >= width:
        raise BallotError(
            f"firstVoteColumnIndex {first_col + 1} is past the last column ({width}) of the header, "
            "so no column holds ranks",
            file=file,
            line=1,
        )
    max_rank = checked_ranks(config)
    typed_columns = range(first_col, width) if typed else ()
    try:
        header, first_line, reader = _csv_blocks(path, block_bytes, skip, typed_columns)
    except pa.ArrowInvalid as exc:  # opening the reader already parses the first block
        if typed:
            raise _Untyped() from exc
        raise _unreadable(path, exc) from None
    columns = []
    for col in range(first_col, len(header)):
        label = header[col].strip()
        name = lookup.resolve(label, line=1, field=f"column {col + 1}") if label else None
        if name is None:
            raise BallotError(
                "candidate column has no candidate header", file=file, line=1, field=f"column {col + 1}"
            )
        columns.append((col, acc.code(name)))
    records, marked = 0, False
    for line, count, batch in _batches(reader, path, first_line, typed=typed):
        n = batch.num_rows
        records += n
        limits.check("ballot_rows", records, what="records", file=file)
        per_candidate = []
        given = []
        for col, cand in columns:
            if typed:
                ranks = batch.column(col)
            else:
                text = _strings(batch.column(col))
                blank = pc.equal(text, "")
            try:
                if not typed:
                    ranks = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), text), pa.int32())
            except pa.ArrowInvalid:
                # Arrow refuses "+1", which RCTab's Integer.parseInt (and the reader) take:
                # this block's column is parsed here instead, the first bad cell reported.
                ranks = pa.array(
                    [_rank(v, max_rank, file, line + i, header[col]) for i, v in enumerate(text.to_pylist())],
                    pa.int32(),
                )
            r, valid = _int_values(ranks)
            rows = np.flatnonzero(valid) if valid is not None else np.arange(n)
            if rows.size:
                rv = r[rows]
                bad = np.flatnonzero((rv < 1) | (rv > max_rank))
                if bad.size:
                    k = int(rows[bad[0]])
                    value = int(rv[bad[0]])
                    problem = (
                        f"rank {value} exceeds maxRankingsAllowed ({max_rank})"
                        if value > 0
                        else f"rank {value} is not a positive rank number"
                    )
                    raise BallotError(problem, file=file, line=line + k, field=header[col])
                given.append((cand, rows, rv))
            per_candidate.append((cand, r))
        # as wide as the ranks this block holds, not as maxRankingsAllowed
        ranks = max((int(rv.max()) for _, _, rv in given), default=0)
        marked = marked or bool(given)
        limits.check("cells", n * ranks, what="cells of a block of ballots (rows x ranks)", file=file)
        codes = np.full((n, ranks), SKIPPED, dtype=CODE_DTYPE)
        hits = np.zeros((n, ranks), dtype=np.int8)
        for cand, rows, rv in given:
            taken = codes[rows, rv - 1] != SKIPPED
            if taken.any():
                hits[rows[taken], rv[taken] - 1] = 1
            codes[rows, rv - 1] = cand
        clash_rows, clash_ranks = np.nonzero(hits)
        for row, rank in zip(clash_rows.tolist(), clash_ranks.tolist()):
            # Several candidates given one rank: an overvote that names them.
            codes[row, rank] = tie_code(
                [cand for cand, r in per_candidate if r[row] == rank + 1], acc.tie_index
            )

        def text_column(col: int | None, missing: str | None, batch=batch):
            if col is None:
                return None
            values = _strings(batch.column(col))
            fill = pa.scalar(missing, pa.string())
            return pc.if_else(pc.equal(values, ""), fill, values)

        supplied = text_column(source.id_column_index - 1 if source.id_column_index else None, None)
        if supplied is None or supplied.null_count:
            # RCTab numbers the ballots that carry no id of their own.
            counter = pa.array(np.arange(count + 1, count + n + 1).astype(str))
            ids = counter if supplied is None else pc.coalesce(supplied, counter)
        else:
            ids = supplied
        precincts = text_column(
            source.precinct_column_index - 1 if source.precinct_column_index else None, MISSING_PRECINCT
        )
        batches = text_column(
            source.batch_column_index - 1 if source.batch_column_index else None, MISSING_BATCH
        )
        acc.add(codes, ids, precincts, batches, index)
    return records, marked
