"""The cast-vote record every CVR reader produces, before it becomes ballots.

A reader yields one :class:`CastVoteRecord` per ballot, in file order, with each rank's
marks already resolved to candidate display names through the contest configuration
(aliases, vendor ids, GUIDs). Special marks keep their meaning:

* a rank with no mark is an empty tuple (a skipped rank);
* an overvote written as a label (``overvote``) is the single string :data:`OVERVOTE_MARK`;
* several candidates marked at one rank (an overvote that names them) are several names;
* an undeclared write-in is the name :data:`UWI_NAME`.

``ballot_id`` is the identifier RCTab computes for the record (``file.xlsx-12``,
``42-1-7`` for Dominion tabulator-batch-record, ``file.json(3)`` for CDF), so reports and
exports line up with RCTab's; ``supplied_id`` is the vendor's own id when it has one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...ballots import FIRST_TIE_CODE, OVERVOTE, SKIPPED
from ...errors import BallotError
from .._common import check_regular

__all__ = ["OVERVOTE_MARK", "UWI_NAME", "CastVoteRecord", "mark_code", "source_path", "tie_code"]

FOLDER_PROVIDERS = frozenset({"dominion", "hart"})
"""Providers whose ``filePath`` is a folder of exports; every other names one file."""

OVERVOTE_MARK = "\x00overvote"
UWI_NAME = "Undeclared Write-ins"


@dataclass(frozen=True)
class CastVoteRecord:
    """One ballot as read from a CVR file."""

    ballot_id: str
    marks: tuple[tuple[str, ...], ...]
    precinct: str | None = None
    batch: str | None = None
    file: str | None = None
    line: int | None = None
    # Vendor identifiers kept for audits and for RCTab's CVR exports.
    supplied_id: str | None = None
    tabulator_id: str | None = None
    precinct_portion: str | None = None
    contest_id: str | None = None
    source_index: int = 0
    # The vendor's own strings per rank where they are ids rather than names (Dominion
    # candidate ids); RCTab's CDF export names selections after them.
    vendor_marks: tuple[tuple[str, ...], ...] | None = None


def tie_code(members: Iterable[int], tie_index: dict[frozenset[int], int]) -> int:
    """The code of candidates marked at one rank: the candidate's index when there is one,
    else the tie set's code (``FIRST_TIE_CODE - k`` for the k-th distinct set, which is
    added to ``tie_index`` when new)."""
    key = frozenset(members)
    if len(key) == 1:
        return next(iter(key))
    return FIRST_TIE_CODE - tie_index.setdefault(key, len(tie_index))


def mark_code(
    mark: tuple[str, ...],
    index: Mapping[str, int],
    tie_index: dict[frozenset[int], int],
    *,
    ballot_id: str,
    rank: int,
    file: str | None = None,
    line: int | None = None,
    overvote_alone: bool = False,
) -> int:
    """The :class:`~tally.ballots.RankedBallots` code of one rank's marks.

    No mark is ``SKIPPED``; a mark holding :data:`OVERVOTE_MARK` is ``OVERVOTE``; one
    candidate (a name repeated at the rank counts once) is its index in ``index``;
    several are a tie set, numbered in ``tie_index`` (see :func:`tie_code`).

    Raises :class:`~tally.errors.BallotError` located at ``file``/``line`` and the
    1-based ``rank`` for a name not in ``index``, and, with ``overvote_alone`` (RCTab's
    tabulation), for an overvote label marked together with candidates.

    >>> ties = {}
    >>> [mark_code(m, {"A": 0, "B": 1}, ties, ballot_id="b1", rank=1) for m in [(), ("B",), ("A", "B")]]
    [-1, 1, -3]
    """
    if not mark:
        return SKIPPED
    if OVERVOTE_MARK in mark:
        if overvote_alone and len(mark) != 1:
            raise BallotError(
                f"ballot {ballot_id}: rank {rank} mixes an overvote label with candidates",
                file=file,
                line=line,
                field=f"rank {rank}",
            )
        return OVERVOTE
    try:
        members = [index[name] for name in mark]
    except KeyError as exc:
        raise BallotError(
            f"ballot {ballot_id} marks unknown candidate {exc.args[0]!r} (not one of the candidates)",
            file=file,
            line=line,
            field=f"rank {rank}",
        ) from None
    return tie_code(members, tie_index)


def source_path(source: Any) -> Path:
    """The file or folder a ``cvrFileSources`` entry names, checked before a reader opens it.

    Raises
    ------
    BallotError
        Missing; a folder where the provider reads one file; a pipe or a device
        (``/dev/zero`` never ends).
    """
    path = Path(source.file_path)
    file = str(path)
    try:
        if path.is_dir():
            if source.provider not in FOLDER_PROVIDERS:
                raise BallotError(f"is a folder; a {source.provider} source is one file", file=file)
            return path
        check_regular(path, file)
    except FileNotFoundError:
        raise BallotError("cast vote record file or folder not found", file=file) from None
    except OSError as exc:
        raise BallotError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
    return path
