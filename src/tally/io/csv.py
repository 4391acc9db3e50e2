"""Ranked-ballot CSV: one column per rank, one row per ballot or per distinct ballot.

Two layouts share one reader. One ballot per row, with optional ballot id and precinct
columns kept as provenance::

    ballot_id,precinct,rank1,rank2,rank3
    b-001,P1,Alice,Bob,
    b-002,P2,Bob,overvote,Carol

Or one row per distinct ballot with a ``count`` (or ``weight``) column, as in the Maine
2018 CD-2 aggregated file::

    count,choice1,choice2,choice3
    83022,"REP Poliquin, Bruce",undervote,undervote
    40,Alice,Bob,Carol

A ``batch`` column is kept as provenance too. With a count column, a precinct or batch
column is kept as provenance per row (each provenance
entry then stands for ``count`` ballots); a ballot id column needs one ballot per row.

Rank columns are recognised by name (``rank1``, ``choice 2``, ``pref3``, ``1st choice``,
...) and ordered by their number, or named with ``ranks=[...]``. Any other column is an
error unless listed in ``ignore=``.

Cells: a candidate name (surrounding whitespace trimmed; write-in labels such as
``Write-in`` are candidates like any other unless named with ``write_in=``, which makes
them the undeclared write-in candidate); an empty cell or a *skipped* token (default
``undervote``) is a skipped rank; an *overvote* token (default ``overvote``) is an
overvote. Tokens match case-insensitively; name your own with ``skipped=`` and
``overvote=``. With ``overvote_delimiter="|"`` a cell may name several candidates
(``Jones|Lee``), an overvote whose candidates are known, kept as a tie set.

Candidates: ``candidates=[...]`` declares them (a name outside the list is an error
naming line and column), or ``candidates={text: name}`` maps each text found in the
cells to a candidate (aliases, as in ES&S exports); otherwise they are the distinct
names in order of first appearance, reading the file row by row and each row rank by
rank. The order is thus fully determined by the file. A file whose rank columns name
no candidate at all is refused (wrong columns, or not a ballot file); candidate names
that differ only in case, accents or spacing are counted apart, with a warning.

The same reading serves ``tally import``: :func:`csv_blocks` yields the ballots block by
block for the store, with the layout, candidates and codes of :func:`read_csv`.

Speed: the file is parsed by ``pyarrow.csv`` (multi-threaded), each rank column is
dictionary-encoded, the int16 code matrix is built with NumPy and identical ballots are
merged by :meth:`RankedBallots.from_matrix`; a million five-rank ballots take a fraction
of a second. Errors are located by a second, plain-Python pass over the file, which only
runs when something is wrong.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import limits
from .._arrow import all_distinct, as_numpy
from ..ballots import OVERVOTE, RankedBallots
from ..errors import BallotError
from ._cells import CellCoder
from ._common import csv_rows
from ._table import count_column, line_of, parse_table, pick_column, read_header

__all__ = ["COUNT_NAMES", "CsvBlock", "Layout", "csv_blocks", "looks_like_ranked", "rank_number", "read_csv"]

_RANK = re.compile(
    r"^\s*(?:(?:rank|choice|pref|preference)\s*[_ #.-]?\s*(\d+)"
    r"|(\d+)\s*(?:st|nd|rd|th)?\s*[_ -]?\s*(?:rank|choice|pref|preference))\s*$",
    re.IGNORECASE,
)
KEYED_MIN_ROWS = 10_000  # below this the plain code matrix is as fast
COUNT_NAMES = ("count", "weight", "weights", "ballots", "number", "n", "votes", "frequency")
_ID_NAMES = ("ballot_id", "ballot id", "ballotid", "id", "cast vote record", "cvr", "cvr_id", "record_id")
_BATCH_NAMES = ("batch", "batch_id", "batch id")
_PRECINCT_NAMES = ("precinct", "precinct_id", "precinct id", "precinct_name", "precinct name")


def rank_number(column: str) -> int | None:
    """The rank a column header names (``rank3`` → 3), or None."""
    match = _RANK.match(column)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def looks_like_ranked(head: str) -> bool:
    """True when the first CSV line has at least one rank column."""
    try:
        header = next(iter(csv_rows(head.split("\n", 1)[0])))[1]
    except (StopIteration, BallotError):
        return False
    return any(rank_number(c) is not None for c in header)


# -- layout: which column is what, decided by the header's names ---------------------------


@dataclass(frozen=True)
class Layout:
    """The columns of a ranked CSV: ranks (first choice first), count, id, precinct, batch."""

    header: tuple[str, ...]
    ranks: tuple[str, ...]
    count: str | None
    ballot_id: str | None
    precinct: str | None
    batch: str | None

    @property
    def used(self) -> set[str]:
        return {c for c in (self.count, self.ballot_id, self.precinct, self.batch) if c} | set(self.ranks)


def layout(
    header: list[str],
    file: str,
    *,
    ranks: Sequence[str] | None = None,
    count: str | None = None,
    ballot_id: str | None = None,
    precinct: str | None = None,
    batch: str | None = None,
    ignore: Sequence[str] = (),
) -> Layout:
    """The :class:`Layout` of a header; a column that is none of these is an error."""
    count_col = pick_column(header, COUNT_NAMES, count, "count", file)
    id_col = pick_column(header, _ID_NAMES, ballot_id, "ballot id", file)
    precinct_col = pick_column(header, _PRECINCT_NAMES, precinct, "precinct", file)
    batch_col = pick_column(header, _BATCH_NAMES, batch, "batch", file)
    rank_cols = _rank_columns(header, ranks, file)
    limits.check("ranks", len(rank_cols), what="rank columns", file=file, line=1)
    found = Layout(tuple(header), tuple(rank_cols), count_col, id_col, precinct_col, batch_col)
    extra = [c for c in header if c not in found.used and c not in ignore]
    if extra:
        raise BallotError(
            f"column {extra[0]!r} is not a rank, count, ballot id, precinct or batch column "
            "(name it in ignore= to leave it out)",
            file=file,
            line=1,
            field=extra[0],
        )
    if count_col and id_col:
        raise BallotError(
            f"a ballot id column ({id_col!r}) and a count column ({count_col!r}): a counted row is "
            "several ballots and cannot carry one id",
            file=file,
            line=1,
        )
    return found


# -- blocks ----------------------------------------------------------------------------------


@dataclass
class CsvBlock:
    """Consecutive rows of a ranked CSV: codes (rows × ranks), and per row its count (None:
    one ballot each), ballot id, precinct and batch (Arrow string arrays or None)."""

    start: int
    codes: np.ndarray
    weights: np.ndarray | None
    ids: Any
    precincts: Any
    batches: Any


def _rank_texts(batch: pa.RecordBatch, columns: Sequence[str]) -> list[tuple[list[str], np.ndarray]]:
    out = []
    for name in columns:
        column = batch.column(name)
        if not pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column)
        out.append(([v.strip() for v in column.dictionary.to_pylist()], as_numpy(column.indices)))
    return out


def _text(batch: pa.RecordBatch, name: str | None) -> Any:
    return None if name is None else pc.utf8_trim_whitespace(batch.column(name))


def _code_blocks(
    batches: Iterable[pa.RecordBatch],
    found: Layout,
    coder: CellCoder,
    path: str | os.PathLike[str],
    delimiter: str,
) -> Iterator[tuple[int, pa.RecordBatch, list[tuple[list[str], np.ndarray]], list[np.ndarray]]]:
    """(first row, batch, rank texts, lookups) per block, rows counted against the cap."""
    start = 0
    for batch in batches:
        limits.check("ballot_rows", start + batch.num_rows, what="ballot rows", file=coder.file)
        columns = _rank_texts(batch, found.ranks)

        def place(row: int, r: int, start: int = start) -> tuple[int, str]:
            return line_of(path, coder.file, delimiter, start + row), found.ranks[r]

        yield start, batch, columns, coder.block(columns, place)
        start += batch.num_rows


def _no_marks(coder: CellCoder, found: Layout, rows: int) -> None:
    if rows and not coder.marked:
        raise BallotError(
            f"no ballot of {rows:,} rows names a candidate in the rank columns "
            f"({', '.join(found.ranks)}): every cell is blank or a skipped-rank or overvote token; "
            "check the columns (or the file)",
            file=coder.file,
        )


def csv_blocks(
    path: str | os.PathLike[str],
    *,
    candidates: Sequence[str] | Mapping[str, str] | None = None,
    ranks: Sequence[str] | None = None,
    count: str | None = None,
    ballot_id: str | None = None,
    precinct: str | None = None,
    batch: str | None = None,
    skipped: Sequence[str] = ("undervote",),
    overvote: Sequence[str] = ("overvote",),
    write_in: str | None = None,
    overvote_delimiter: str | None = None,
    ignore: Sequence[str] = (),
    delimiter: str = ",",
    block_bytes: int = 1 << 24,
) -> tuple[Layout, Iterator[CsvBlock], Callable[[], tuple[list[str], list[frozenset[int]]]]]:
    """Stream a ranked CSV block by block, read exactly as :func:`read_csv` reads it.

    Returns the layout, an iterator of :class:`CsvBlock` and a function that gives the
    candidates and tie sets once the iterator is spent (write-ins and undeclared names
    join the candidates as they are met). Memory stays bounded by one block.
    """
    import pyarrow.csv as pacsv

    file = str(path)
    header = read_header(path, file, delimiter, unnamed_ok="" in ignore)
    found = layout(
        header,
        file,
        ranks=ranks,
        count=count,
        ballot_id=ballot_id,
        precinct=precinct,
        batch=batch,
        ignore=ignore,
    )
    coder = CellCoder(
        candidates,
        skipped=skipped,
        overvote=overvote,
        write_in=write_in,
        delimiter=overvote_delimiter,
        file=file,
    )

    rank_type = pa.dictionary(pa.int32(), pa.string())

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            reader = pacsv.open_csv(
                path,
                read_options=pacsv.ReadOptions(block_size=block_bytes),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
                convert_options=pacsv.ConvertOptions(
                    # rank columns dictionary-encoded by the parser: each block's distinct texts
                    column_types={c: rank_type if c in found.ranks else pa.string() for c in header},
                    include_columns=[c for c in header if c in found.used],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            yield from reader
        except (pa.ArrowInvalid, pa.ArrowException) as exc:
            from ._common import read_bytes
            from ._table import diagnose

            diagnose(read_bytes(path), file, delimiter, len(header))
            raise BallotError(f"cannot parse the CSV: {' '.join(str(exc).split())}", file=file) from None

    def blocks() -> Iterator[CsvBlock]:
        rows = 0
        for start, part, columns, lookups in _code_blocks(batches(), found, coder, path, delimiter):
            codes = np.empty((part.num_rows, len(found.ranks)), dtype=np.int16)
            for r, ((_, idx), lookup) in enumerate(zip(columns, lookups)):
                codes[:, r] = lookup[idx]
            weights = None
            if found.count:
                weights = count_column(
                    part.column(found.count), path, file, delimiter, found.count, offset=start
                )
            rows = start + part.num_rows
            yield CsvBlock(
                start,
                codes,
                weights,
                _text(part, found.ballot_id),
                _text(part, found.precinct),
                _text(part, found.batch),
            )
        _no_marks(coder, found, rows)

    return found, blocks(), lambda: (list(coder.names), coder.tie_sets)


def read_csv(
    path: str | os.PathLike[str],
    *,
    candidates: Sequence[str] | Mapping[str, str] | None = None,
    ranks: Sequence[str] | None = None,
    count: str | None = None,
    ballot_id: str | None = None,
    precinct: str | None = None,
    batch: str | None = None,
    skipped: Sequence[str] = ("undervote",),
    overvote: Sequence[str] = ("overvote",),
    write_in: str | None = None,
    overvote_delimiter: str | None = None,
    ignore: Sequence[str] = (),
    delimiter: str = ",",
    title: str | None = None,
) -> RankedBallots:
    """Read a ranked-ballot CSV (see the module docstring for the layouts).

    Parameters
    ----------
    candidates:
        The candidates, in order; or a mapping from each text found in the cells to a
        candidate name. Default: distinct names in order of first appearance.
    ranks:
        The rank columns, first choice first. Default: recognised by header name.
    count:
        The column holding how many ballots a row stands for. Default: a column named
        ``count``, ``weight``, ``ballots``, ... if there is one; else one ballot per row.
    ballot_id, precinct, batch:
        Provenance columns (default: recognised by name, e.g. ``ballot_id``, ``precinct``,
        ``batch``).
    skipped, overvote:
        Tokens meaning a skipped rank / an overvote (case-insensitive; empty = skipped).
    write_in:
        A token meaning an undeclared write-in (the candidate ``Undeclared Write-ins``).
    overvote_delimiter:
        A separator of several candidates marked in one cell.
    ignore:
        Other columns to leave out; ``""`` names one column without a header name (the
        row index pandas writes), which is otherwise an error.
    delimiter:
        The field separator.
    title:
        A title to carry on the ballots.

    Raises
    ------
    BallotError
        Ragged rows, unknown candidates, bad counts, empty ballot ids, non-UTF-8 bytes,
        rank columns that name no candidate at all, each with file, line and field.
    LimitError
        More candidates, rank columns or rows than :mod:`tally.limits` allows.
    """
    file = str(path)
    header = read_header(path, file, delimiter, unnamed_ok="" in ignore)
    found = layout(
        header,
        file,
        ranks=ranks,
        count=count,
        ballot_id=ballot_id,
        precinct=precinct,
        batch=batch,
        ignore=ignore,
    )
    coder = CellCoder(
        candidates,
        skipped=skipped,
        overvote=overvote,
        write_in=write_in,
        delimiter=overvote_delimiter,
        file=file,
    )
    rank_cols = list(found.ranks)
    dictionary = {c: pa.dictionary(pa.int32(), pa.string()) for c in rank_cols}
    table = parse_table(path, file, header, delimiter, found.used, dictionary)
    n_rows = table.num_rows
    limits.check("ballot_rows", n_rows, what="ballot rows", file=file)
    blocks = [
        (start, [idx for _, idx in columns], lookups)
        for start, _, columns, lookups in _code_blocks(
            table.select(rank_cols).to_batches(), found, coder, path, delimiter
        )
    ]
    _no_marks(coder, found, n_rows)
    declared = tuple(coder.names)
    bits = max(1, (len(declared) + 1).bit_length())  # codes + 2 lie in 0..len(declared)+1
    # Without provenance to keep, rows are reduced to one small integer key each and
    # identical ballots counted in O(n); otherwise the code matrix goes whole to from_matrix.
    keyed = (
        found.ballot_id is None
        and found.precinct is None
        and found.batch is None
        and not coder.tie_index
        and 0 < bits * len(rank_cols) <= 22
        and n_rows >= KEYED_MIN_ROWS
    )
    if keyed:
        key = np.zeros(n_rows, dtype=np.int64)
        for start, indices, lookup in blocks:
            part = key[start : start + (indices[0].size if indices else 0)]
            for r, (idx, table_r) in enumerate(zip(indices, lookup)):
                shift = bits * (len(rank_cols) - 1 - r)
                part += (table_r - OVERVOTE)[idx] << shift
    else:
        codes = np.empty((n_rows, len(rank_cols)), dtype=np.int16)
        for start, indices, lookup in blocks:
            for r, (idx, table_r) in enumerate(zip(indices, lookup)):
                codes[start : start + idx.size, r] = table_r[idx]

    weights = None
    if found.count:
        weights = count_column(table.column(found.count), path, file, delimiter, found.count)
    ids = None
    if found.ballot_id:
        ids = _ids(table.column(found.ballot_id), path, file, delimiter, found.ballot_id)
    precincts = [p.strip() for p in table.column(found.precinct).to_pylist()] if found.precinct else None
    batches = [b.strip() for b in table.column(found.batch).to_pylist()] if found.batch else None

    read_total = float(weights.sum()) if weights is not None else float(n_rows)
    if keyed:
        codes, weights = _count_keys(key, weights, bits, len(rank_cols))
    metadata: dict[str, Any] = {
        "format": "csv",
        "layout": "counted rows" if found.count else "one ballot per row",
        "rank_columns": rank_cols,
        "count_column": found.count,
        "candidate_order": "declared" if candidates is not None else "first appearance",
        "rows": n_rows,
        "ballots_read": read_total,
    }
    return RankedBallots.from_matrix(
        declared,
        codes,
        weights,
        tie_sets=coder.tie_sets,
        ballot_ids=ids,
        precincts=precincts,
        batches=batches,
        source=file,
        title=title,
        metadata=metadata,
    )


def _count_keys(
    key: np.ndarray, weights: np.ndarray | None, bits: int, ranks: int
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows and their weights from one integer key per ballot (``bits`` per rank).

    :meth:`RankedBallots.from_matrix` merges again and orders the rows; this only makes
    its input short, with one O(n) ``bincount`` instead of a sort of every ballot.
    """
    counted = np.bincount(key, weights=weights)
    present = np.flatnonzero(np.bincount(key) if weights is not None else counted)
    shifts = bits * np.arange(ranks - 1, -1, -1, dtype=np.int64)
    rows = ((present[:, None] >> shifts) & ((1 << bits) - 1)) + OVERVOTE
    return rows.astype(np.int16), counted[present]


def _rank_columns(header: list[str], ranks: Sequence[str] | None, file: str) -> list[str]:
    if ranks is not None:
        missing = [r for r in ranks if r not in header]
        if missing:
            raise BallotError(
                f"no rank column {missing[0]!r}; columns: {', '.join(header)}", file=file, line=1
            )
        return list(ranks)
    numbered = [(rank_number(c), c) for c in header]
    found = sorted((n, c) for n, c in numbered if n is not None)
    if not found:
        raise BallotError(
            "no rank columns (expected names like rank1, choice1, pref1; or pass ranks=[...])",
            file=file,
            line=1,
        )
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers):
        dup = next(n for n in numbers if numbers.count(n) > 1)
        raise BallotError(f"two columns name rank {dup}", file=file, line=1)
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))) or numbers[0] not in (0, 1):
        raise BallotError(
            f"rank columns are numbered {numbers}, expected 1..{len(numbers)}", file=file, line=1
        )
    return [c for _, c in found]


def _ids(
    column: pa.ChunkedArray, path: str | os.PathLike[str], file: str, delimiter: str, name: str
) -> list[str]:
    trimmed = pc.utf8_trim_whitespace(column)
    ids = trimmed.to_pylist()
    if as_numpy(pc.utf8_length(trimmed)).all() and all_distinct(trimmed):
        return ids
    seen: dict[str, int] = {}
    for row, value in enumerate(ids):
        if not value:
            raise BallotError(
                "empty ballot id", file=file, line=line_of(path, file, delimiter, row), field=name
            )
        if value in seen:
            raise BallotError(
                f"ballot id {value!r} appears twice (first on line {line_of(path, file, delimiter, seen[value])})",
                file=file,
                line=line_of(path, file, delimiter, row),
                field=name,
            )
        seen[value] = row
    return ids
