"""Generic CSV cast-vote records (``provider: genericCsv``).

One row per ballot. From ``firstVoteColumnIndex`` on, each column is a candidate: the
header cell names it (a declared name or alias, or the undeclared write-in label) and a
ballot's cell holds the rank the voter gave that candidate, or nothing. Two candidates
given the same rank are an overvote that names them. Optional id, precinct and batch
columns; a ballot whose precinct or batch cell is empty gets RCTab's ``no precinct id`` /
``no batch id`` (file names sanitise them to ``no_precinct_id``).

:func:`read` yields one record per ballot; :func:`stream_blocks` streams the same file
block by block as coded ballots (Arrow's CSV reader), for the store's imports of files
larger than memory.

Reference: RCTab ``CsvCvrReader.java`` (BrightSpots/rcv).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ... import limits
from ...ballots import CODE_DTYPE, SKIPPED
from ...errors import BallotError, TallyWarning
from .._common import check_utf8, csv_rows, read_bytes
from .._table import diagnose, first_line
from . import CandidateLookup, check_max_rankings, checked_ranks, csv_records, marks_from_pairs
from .model import CastVoteRecord, source_path, tie_code

__all__ = ["GenericBlock", "UntypedRanks", "read", "stream_blocks"]

MISSING_PRECINCT = "no precinct id"
_RANK = re.compile(r"[+-]?[0-9]+")
MISSING_BATCH = "no batch id"


def read(config, source, index: int = 0) -> Iterator[CastVoteRecord]:
    """Yield one :class:`CastVoteRecord` per ballot row of a generic CSV file."""
    path = Path(source.file_path)
    file = str(path)
    lookup = CandidateLookup(config, source)
    first_col = (source.first_vote_column_index or 1) - 1
    first_row = (source.first_vote_row_index or 2) - 1
    id_col = source.id_column_index - 1 if source.id_column_index else None
    precinct_col = source.precinct_column_index - 1 if source.precinct_column_index else None
    batch_col = source.batch_column_index - 1 if source.batch_column_index else None
    max_rankings = config.rules.rankings_limit
    rows = csv_records(path)
    header = next(rows, (1, None))[1]
    if header is None:
        raise BallotError("the file is empty: no header row", file=file, line=1)
    if first_col >= len(header):
        raise BallotError(
            f"firstVoteColumnIndex {first_col + 1} is past the last column ({len(header)}) of the header, "
            "so no column holds ranks",
            file=file,
            line=1,
        )
    columns: list[str] = []
    for col in range(first_col, len(header)):
        label = header[col].strip()
        if not label:
            raise BallotError(
                "candidate column has an empty header", file=file, line=1, field=f"column {col + 1}"
            )
        name = lookup.resolve(label, line=1, field=f"column {col + 1}")
        if name is None:
            raise BallotError(
                f"column header {label!r} is the skipped-rank label, not a candidate",
                file=file,
                line=1,
                field=f"column {col + 1}",
            )
        columns.append(name)
    check_candidate_columns(config, columns, header, first_col, file)
    count = 0
    for row_number, (line_index, row) in enumerate(rows, start=2):
        if row_number - 1 < first_row:
            continue
        count += 1
        pairs: list[tuple[int, str]] = []
        for offset, name in enumerate(columns):
            col = first_col + offset
            text = row[col].strip() if col < len(row) else ""
            if not text:
                continue
            if _RANK.fullmatch(text) is None:  # as Java's Integer.parseInt: no "1_0", no "²"
                raise BallotError(
                    f"expected a rank number, got {text!r}", file=file, line=line_index, field=header[col]
                )
            rank = int(text)
            check_max_rankings(rank, max_rankings, file=file, line=line_index, field=header[col])
            pairs.append((rank, name))
        supplied = row[id_col].strip() if id_col is not None and id_col < len(row) else None
        precinct = batch = None
        if precinct_col is not None:
            precinct = (row[precinct_col].strip() if precinct_col < len(row) else "") or MISSING_PRECINCT
        if batch_col is not None:
            batch = (row[batch_col].strip() if batch_col < len(row) else "") or MISSING_BATCH
        yield CastVoteRecord(
            ballot_id=supplied or str(count),
            marks=marks_from_pairs(pairs),
            precinct=precinct,
            batch=batch,
            file=file,
            line=line_index,
            supplied_id=supplied,
            source_index=index,
        )


# -- streaming: blocks of coded ballots, for files larger than memory -------------------------


@dataclass(frozen=True)
class GenericBlock:
    """One block of a generic CSV as coded ballots: codes (rows x ranks) and, per row, the
    ballot id, precinct and batch (Arrow string arrays, or ``None`` without such a column)."""

    codes: np.ndarray
    ids: Any
    precincts: Any
    batches: Any
    marked: bool  # whether any ballot of the block holds a rank


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
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_string(column.type):
        # a column read as integers because it is also a rank column (idColumnIndex set
        # to a candidate column): its text is its numbers
        column = pc.cast(column, pa.string())
    return pc.utf8_trim_whitespace(column)


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


def _rank(text: str, max_rank: int, file: str, line: int, field: str) -> int | None:
    """A rank cell as :func:`read` reads it (blank: None), or a located BallotError."""
    if not text:
        return None
    if _RANK.fullmatch(text) is None:
        raise BallotError(f"expected a rank number, got {text!r}", file=file, line=line, field=field)
    check_max_rankings(int(text), max_rank, file=file, line=line, field=field)
    return int(text)


def check_candidate_columns(config, names: list[str], header: list[str], first_col: int, file: str) -> None:
    """Two columns for one candidate are refused (a ballot would rank them twice); declared
    candidates with no column get a warning naming them: the file may start its candidate
    columns elsewhere than ``firstVoteColumnIndex`` says, and they could never get a vote."""
    seen: dict[str, int] = {}
    for k, name in enumerate(names):
        col = first_col + k + 1
        if name in seen:
            raise BallotError(
                f"column {col} ({header[col - 1].strip()!r}) is a second column for {name!r} (column {seen[name]})",
                file=file,
                line=1,
                field=f"column {col}",
            )
        seen[name] = col
    missing = [c.name for c in config.candidates if not c.excluded and c.name not in seen]
    if missing:
        shown = ", ".join(repr(n) for n in missing[:5]) + (
            f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        )
        warnings.warn(
            TallyWarning(
                f"{file}: declared candidate(s) {shown} have no column among columns {first_col + 1}.."
                f"{len(header)} (firstVoteColumnIndex {first_col + 1}); they cannot get a vote from this file"
            ),
            stacklevel=2,
        )


def _header(path: Path) -> list[str]:
    """The header row's cells, read without reading the file whole (bad bytes: a BallotError)."""
    file = str(path)
    return next(iter(csv_rows(check_utf8(first_line(path, file), file))), (1, []))[1]


def _unreadable(path: Path, exc: Exception) -> BallotError:
    """The error for a CSV Arrow refused: the first bad line when a plain pass finds it."""
    file = str(path)
    diagnose(read_bytes(path), file, ",", len(_header(path)))  # raises the located error when it finds one
    return BallotError(f"unreadable CSV: {' '.join(str(exc).split())}", file=file)


class UntypedRanks(Exception):
    """Arrow could not parse a rank column as integers; read it as text instead."""


def _batches(reader, path: Path, first_line: int, *, typed: bool = False) -> Iterator[tuple[int, int, Any]]:
    """(line of the first row, ballots before it, block) for each block of a CSV reader.

    A block Arrow cannot parse raises :class:`UntypedRanks` when ``typed`` (the caller reads
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
                raise UntypedRanks() from exc
            raise _unreadable(path, exc) from None
        yield first_line + count, count, batch
        count += batch.num_rows


def stream_blocks(
    config: Any,
    source: Any,
    code: Callable[[str], int],
    tie_index: dict[frozenset[int], int],
    block_bytes: int,
    *,
    typed: bool = True,
) -> Iterator[GenericBlock]:
    """Stream an RCTab generic CSV (one column per candidate, cell = rank) block by block.

    The streaming form of :func:`read`, for files larger than memory: each block comes
    as coded ballots with their ids, precincts and batches, read by the rules
    :func:`read` follows (a ballot's id is its number when it has none of its own).

    Parameters
    ----------
    config, source
        The RCTab config and the source within it.
    code : callable
        A candidate name's code (write-ins met for the first time are given new codes).
    tie_index : dict
        The overvote codes given so far (see :func:`~tally.io.cvr.model.tie_code`),
        extended as new sets of candidates sharing a rank are met.
    block_bytes : int
        Bytes of CSV text per block.
    typed : bool
        Let Arrow's CSV parser read the rank columns as integers (fast); a cell it cannot
        parse raises :class:`UntypedRanks` so the caller can start over with
        ``typed=False``, which reads text, trims spaces and reports a bad cell by line and
        column.

    Returns
    -------
    Iterator[GenericBlock]
        One block of coded ballots per block of the file, as wide as the ranks it holds.

    Raises
    ------
    BallotError
        A bad header, a bad rank (located by line and column), or too many records.
    UntypedRanks
        With ``typed``, when Arrow cannot read a rank column as integers.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..._arrow import numbered, text_scalar

    path = source_path(source)
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
            raise UntypedRanks() from exc
        raise _unreadable(path, exc) from None
    columns = []
    names = []
    for col in range(first_col, len(header)):
        label = header[col].strip()
        name = lookup.resolve(label, line=1, field=f"column {col + 1}") if label else None
        if name is None:
            raise BallotError(
                "candidate column has no candidate header", file=file, line=1, field=f"column {col + 1}"
            )
        names.append(name)
        columns.append((col, code(name)))
    check_candidate_columns(config, names, header, first_col, file)
    records = 0
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
                blank = pc.equal(text, text_scalar(""))
            try:
                if not typed:
                    ranks = pc.cast(pc.if_else(blank, text_scalar(None), text), pa.int32())
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
            codes[row, rank] = tie_code([cand for cand, r in per_candidate if r[row] == rank + 1], tie_index)

        def text_column(col: int | None, missing: str | None, batch=batch):
            if col is None:
                return None
            values = _strings(batch.column(col))
            return pc.if_else(pc.equal(values, text_scalar("")), text_scalar(missing), values)

        supplied = text_column(source.id_column_index - 1 if source.id_column_index else None, None)
        if supplied is None or supplied.null_count:
            # RCTab numbers the ballots that carry no id of their own.
            counter = numbered(count + 1, count + n + 1)
            ids = counter if supplied is None else pc.coalesce(supplied, counter)
        else:
            ids = supplied
        precincts = text_column(
            source.precinct_column_index - 1 if source.precinct_column_index else None, MISSING_PRECINCT
        )
        batches = text_column(
            source.batch_column_index - 1 if source.batch_column_index else None, MISSING_BATCH
        )
        yield GenericBlock(codes, ids, precincts, batches, marked=bool(given))
