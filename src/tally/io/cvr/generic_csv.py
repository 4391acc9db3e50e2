"""Generic CSV cast-vote records (``provider: genericCsv``).

One row per ballot. From ``firstVoteColumnIndex`` on, each column is a candidate: the
header cell names it (a declared name or alias, or the undeclared write-in label) and a
ballot's cell holds the rank the voter gave that candidate, or nothing. Two candidates
given the same rank are an overvote that names them. Optional id, precinct and batch
columns; a ballot whose precinct or batch cell is empty gets RCTab's ``no precinct id`` /
``no batch id`` (file names sanitise them to ``no_precinct_id``).

Reference: RCTab ``CsvCvrReader.java`` (BrightSpots/rcv).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from ...errors import BallotError
from . import CandidateLookup, check_max_rankings, csv_records, marks_from_pairs
from .model import CastVoteRecord

__all__ = ["read"]

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
