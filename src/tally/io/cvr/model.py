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

from dataclasses import dataclass

__all__ = ["CastVoteRecord", "OVERVOTE_MARK", "UWI_NAME"]

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
