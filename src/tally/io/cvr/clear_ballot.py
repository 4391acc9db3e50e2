"""Clear Ballot cast-vote record CSV (``provider: clearBallot``).

Ten metadata columns (RowNumber, BoxID, BoxPosition, BallotID, PrecinctID, BallotStyleID,
PrecinctStyleName, ScanComputerName, Status, Remade), then one 0/1 column per candidate
and rank with a header ``Choice_<id>_1:<contest>:<rank>:<vote rule>:<candidate>:<party>``.
Only the columns of the contest named by ``contestId`` are read. The file is parsed as
real CSV, so contest names holding commas inside quoted headers are fine. Several
candidates marked at one rank are an overvote that names them.

Reference: RCTab ``ClearBallotCvrReader.java`` (BrightSpots/rcv).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ...errors import BallotError
from . import CandidateLookup, check_max_rankings, csv_records, marks_from_pairs
from .model import CastVoteRecord

__all__ = ["read"]

_CHOICES_BEGIN = 10
_BALLOT_ID, _PRECINCT_ID, _SCANNER = 3, 4, 7


def read(config, source, index: int = 0) -> Iterator[CastVoteRecord]:
    """Yield one :class:`CastVoteRecord` per ballot row of a Clear Ballot CSV export."""
    path = Path(source.file_path)
    file = str(path)
    lookup = CandidateLookup(config, source)
    contest = source.contest_id
    rows = csv_records(path)
    header = next(rows, (1, None))[1]
    if header is None:
        raise BallotError("the file is empty: no header row", file=file, line=1)
    if len(header) <= _CHOICES_BEGIN:
        raise BallotError("no choice columns found", file=file, line=1)
    choices: list[tuple[int, int, str]] = []
    for col in range(_CHOICES_BEGIN, len(header)):
        fields = header[col].split(":")
        if len(fields) != 6:
            raise BallotError(
                f"choice header {header[col]!r} does not have the 6 ':'-separated fields "
                "Choice_<id>:<contest>:<rank>:<rule>:<candidate>:<party>",
                file=file,
                line=1,
                field=f"column {col + 1}",
            )
        if fields[1] != contest:
            continue
        try:
            rank = int(fields[2])
        except ValueError:
            raise BallotError(
                f"choice header rank {fields[2]!r} is not a number",
                file=file,
                line=1,
                field=f"column {col + 1}",
            ) from None
        check_max_rankings(rank, config.rules.rankings_limit, file=file, line=1, field=header[col])
        name = lookup.resolve(fields[4].strip(), line=1, field=header[col])
        if name is not None:
            choices.append((col, rank, name))
    if not choices:
        raise BallotError(f"no choice columns for contest {contest!r}", file=file, line=1)
    for line, row in rows:
        if len(row) < len(header):
            raise BallotError(
                f"row has {len(row)} fields, the header has {len(header)}", file=file, line=line
            )
        pairs = []
        for col, rank, name in choices:
            value = row[col].strip()
            if value == "1":
                pairs.append((rank, name))
            elif value not in ("0", ""):
                raise BallotError(
                    f"choice cell holds {value!r}, expected 0 or 1", file=file, line=line, field=header[col]
                )
        yield CastVoteRecord(
            ballot_id=row[_BALLOT_ID],
            marks=marks_from_pairs(pairs),
            precinct=row[_PRECINCT_ID],
            file=file,
            line=line,
            supplied_id=row[_BALLOT_ID],
            tabulator_id=row[_SCANNER],
            contest_id=contest,
            source_index=index,
        )
