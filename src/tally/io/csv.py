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
``Write-in`` are candidates like any other); an empty cell or a *skipped* token
(default ``undervote``) is a skipped rank; an *overvote* token (default ``overvote``) is
an overvote. Tokens match case-insensitively; name your own with ``skipped=`` and
``overvote=``.

Candidates: ``candidates=[...]`` declares them (a name outside the list is an error
naming line and column); otherwise they are the distinct names in order of first
appearance, reading the file row by row and each row rank by rank. The order is thus
fully determined by the file.

Speed: the file is parsed by ``pyarrow.csv`` (multi-threaded), each rank column is
dictionary-encoded, the int16 code matrix is built with NumPy and identical ballots are
merged by :meth:`RankedBallots.from_matrix`; a million five-rank ballots take a fraction
of a second. Errors are located by a second, plain-Python pass over the file, which only
runs when something is wrong.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .._arrow import as_numpy
from ..ballots import OVERVOTE, SKIPPED, RankedBallots
from ..errors import BallotError
from ._common import csv_rows
from ._table import count_column, line_of, parse_table, pick_column, read_header

__all__ = ["COUNT_NAMES", "looks_like_ranked", "rank_number", "read_csv"]

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


def read_csv(
    path: str | os.PathLike[str],
    *,
    candidates: Sequence[str] | None = None,
    ranks: Sequence[str] | None = None,
    count: str | None = None,
    ballot_id: str | None = None,
    precinct: str | None = None,
    batch: str | None = None,
    skipped: Sequence[str] = ("undervote",),
    overvote: Sequence[str] = ("overvote",),
    ignore: Sequence[str] = (),
    delimiter: str = ",",
    title: str | None = None,
) -> RankedBallots:
    """Read a ranked-ballot CSV (see the module docstring for the layouts).

    Parameters
    ----------
    candidates:
        The candidates, in order. Default: distinct names in order of first appearance.
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
        each with file, line and field.
    """
    file = str(path)
    header = read_header(path, file, delimiter, unnamed_ok="" in ignore)

    count_col = pick_column(header, COUNT_NAMES, count, "count", file)
    id_col = pick_column(header, _ID_NAMES, ballot_id, "ballot id", file)
    precinct_col = pick_column(header, _PRECINCT_NAMES, precinct, "precinct", file)
    batch_col = pick_column(header, _BATCH_NAMES, batch, "batch", file)
    rank_cols = _rank_columns(header, ranks, file)
    used = {c for c in (count_col, id_col, precinct_col, batch_col) if c} | set(rank_cols)
    extra = [c for c in header if c not in used and c not in ignore]
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

    dictionary = {c: pa.dictionary(pa.int32(), pa.string()) for c in rank_cols}
    table = parse_table(path, file, header, delimiter, used, dictionary)
    n_rows = table.num_rows
    special = {t.strip().casefold(): SKIPPED for t in skipped}
    special.update({t.strip().casefold(): OVERVOTE for t in overvote})
    special[""] = SKIPPED

    # Each parsed block carries its own dictionary per rank column: (offset, names, indices).
    blocks: list[tuple[int, list[list[str]], list[np.ndarray]]] = []
    offset = 0
    for block in table.select(rank_cols).to_batches():
        names = [[v.strip() for v in col.dictionary.to_pylist()] for col in block.columns]
        indices = [as_numpy(col.indices) for col in block.columns]
        blocks.append((offset, names, indices))
        offset += block.num_rows

    if candidates is not None:
        declared = tuple(candidates)
        index = {c: i for i, c in enumerate(declared)}
        for start, names, indices in blocks:
            for r, (col_names, idx) in enumerate(zip(names, indices)):
                for k, name in enumerate(col_names):
                    if name.casefold() not in special and name not in index:
                        row = start + int(np.argmax(idx == k))
                        raise BallotError(
                            f"unknown candidate {name!r}; declared candidates: {', '.join(declared)}",
                            file=file,
                            line=line_of(path, file, delimiter, row),
                            field=rank_cols[r],
                        )
    else:
        declared = tuple(_candidate_order(blocks, special))
        index = {c: i for i, c in enumerate(declared)}

    lookups = [
        [
            np.array(
                [special.get(n.casefold(), index.get(n, SKIPPED)) for n in col_names] or [SKIPPED], np.int64
            )
            for col_names in names
        ]
        for _, names, _ in blocks
    ]
    bits = max(1, (len(declared) + 1).bit_length())  # codes + 2 lie in 0..len(declared)+1
    # Without provenance to keep, rows are reduced to one small integer key each and
    # identical ballots counted in O(n); otherwise the code matrix goes whole to from_matrix.
    keyed = (
        id_col is None
        and precinct_col is None
        and batch_col is None
        and 0 < bits * len(rank_cols) <= 22
        and n_rows >= KEYED_MIN_ROWS
    )
    if keyed:
        key = np.zeros(n_rows, dtype=np.int64)
        for (start, _, indices), lookup in zip(blocks, lookups):
            part = key[start : start + (indices[0].size if indices else 0)]
            for r, (idx, table_r) in enumerate(zip(indices, lookup)):
                shift = bits * (len(rank_cols) - 1 - r)
                part += (table_r - OVERVOTE)[idx] << shift
    else:
        codes = np.empty((n_rows, len(rank_cols)), dtype=np.int16)
        for (start, _, indices), lookup in zip(blocks, lookups):
            for r, (idx, table_r) in enumerate(zip(indices, lookup)):
                codes[start : start + idx.size, r] = table_r[idx]

    weights = None
    if count_col:
        weights = count_column(table.column(count_col), path, file, delimiter, count_col)

    ids = None
    if id_col:
        ids = _ids(table.column(id_col), path, file, delimiter, id_col)
    precincts = None
    if precinct_col:
        precincts = [p.strip() for p in table.column(precinct_col).to_pylist()]
    batches = [b.strip() for b in table.column(batch_col).to_pylist()] if batch_col else None

    read_total = float(weights.sum()) if weights is not None else float(n_rows)
    if keyed:
        codes, weights = _count_keys(key, weights, bits, len(rank_cols))
    metadata: dict[str, Any] = {
        "format": "csv",
        "layout": "counted rows" if count_col else "one ballot per row",
        "rank_columns": list(rank_cols),
        "count_column": count_col,
        "candidate_order": "declared" if candidates is not None else "first appearance",
        "rows": n_rows,
        "ballots_read": read_total,
    }
    return RankedBallots.from_matrix(
        declared,
        codes,
        weights,
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


def _candidate_order(
    blocks: list[tuple[int, list[list[str]], list[np.ndarray]]], special: dict[str, int]
) -> list[str]:
    """Distinct names by first appearance, reading row by row and each row rank by rank."""
    first: dict[str, int] = {}
    for start, names, indices in blocks:
        width = len(names)
        known = set(first)  # a name met in an earlier block cannot appear earlier here
        for r, (col_names, idx) in enumerate(zip(names, indices)):
            wanted = [
                k for k, name in enumerate(col_names) if name not in known and name.casefold() not in special
            ]
            if len(wanted) > 16:  # many names (write-ins): one sort beats a scan per name
                uniq, where = np.unique(idx, return_index=True)
                positions = dict(zip(uniq.tolist(), where.tolist()))
            else:
                positions = {}
                for k in wanted:
                    hits = np.flatnonzero(idx == k)
                    if hits.size:
                        positions[k] = int(hits[0])
            for k in wanted:
                if k in positions:
                    name, key = col_names[k], (start + positions[k]) * width + r
                    if name not in first or key < first[name]:
                        first[name] = key
    return sorted(first, key=first.__getitem__)


def _ids(
    column: pa.ChunkedArray, path: str | os.PathLike[str], file: str, delimiter: str, name: str
) -> list[str]:
    trimmed = pc.utf8_trim_whitespace(column)
    ids = trimmed.to_pylist()
    if len(pc.unique(trimmed)) == len(ids) and not pc.any(pc.equal(trimmed, "")).as_py():
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
