"""RCTab's CVR conversions: the flat CSV export and the NIST CDF JSON export.

:func:`cvr_csv` writes what RCTab's "convert to generic CSV" writes: one row per record
with its source, provider, contest, RCTab id, tabulator, batch, vendor id, precinct and
precinct portion, then one column per rank up to ``maxRankingsAllowed`` holding the
candidate names marked there (several names on separate lines of one cell), the source's
undeclared write-in label, ``overvote``, or ``undervote`` for an unmarked rank.

:func:`cdf_json` builds RCTab's NIST SP 1500-103 CastVoteRecordReport: the election
(candidates sorted by name, plus ``overvote`` when a source has an overvote label), the
geopolitical units (the jurisdiction, then one per precinct), and per record an
``original`` snapshot listing each marked candidate with its ranks. Given the tabulation's
per-round allocations it adds one ``interpreted`` snapshot per round saying which
candidate the ballot counted for (``IsAllocable`` ``yes``) and with how much of a vote.

Both follow RCTab's output byte for byte where it is deterministic; RCTab's own ordering
of precinct units (a Java ``HashMap``) is reproduced by :func:`java_hash_order`.

Reference: RCTab ``ResultsWriter.writeGenericCvrCsv`` and ``generateCdfJson``
(BrightSpots/rcv).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import sanitize
from .model import OVERVOTE_MARK, UWI_NAME, CastVoteRecord

__all__ = ["Allocation", "cdf_json", "cvr_csv", "java_hash_order", "write_cdf_json", "write_cvr_csv"]

EXPLICIT_OVERVOTE = "overvote"
UNDERVOTE = "undervote"
CONTEST_ID = "contest-001"
ELECTION_ID = "election-001"
GPU_ELECTION = "gpu-election"
DEVICE_ID = "rd-001"

Allocation = Sequence[tuple[str, Decimal]]
"""Where one ballot's vote sits in one round: (candidate name, amount) pairs, empty if inactive."""


# -- flat CSV ------------------------------------------------------------------------------


def _rank_cell(names: tuple[str, ...], uwi_label: str | None) -> str:
    if not names:
        return UNDERVOTE
    shown = []
    for name in names:
        if name == UWI_NAME:
            shown.append(uwi_label or UWI_NAME)
        elif name == OVERVOTE_MARK:
            shown.append(EXPLICIT_OVERVOTE)
        else:
            shown.append(name)
    return "\n".join(shown)


def cvr_csv(config, cvrs: Sequence[CastVoteRecord]) -> str:
    """RCTab's flat CSV export of ``cvrs`` (read with ``config``), as text.

    >>> from tally.rctab.config import load_config  # doctest: +SKIP
    >>> print(cvr_csv(cfg, read_cvrs(cfg)).splitlines()[0])  # doctest: +SKIP
    Source Filepath,CVR Provider,Contest Id,RCTab CVR Id,Tabulator Id,Batch Id,Vendor Id,Precinct,...
    """
    ranks = config.rules.max_rankings
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "Source Filepath",
            "CVR Provider",
            "Contest Id",
            "RCTab CVR Id",
            "Tabulator Id",
            "Batch Id",
            "Vendor Id",
            "Precinct",
            "Precinct Portion",
        ]
        + [f"Rank {r}" for r in range(1, ranks + 1)]
    )
    for cvr in cvrs:
        source = config.sources[cvr.source_index]
        marks = list(cvr.marks[:ranks]) + [()] * max(0, ranks - len(cvr.marks))
        writer.writerow(
            [
                source.file_path_text or str(source.file_path),
                source.provider,
                cvr.contest_id or "",
                cvr.ballot_id,
                cvr.tabulator_id or "",
                cvr.batch or "",
                cvr.supplied_id or "",
                cvr.precinct or "",
                cvr.precinct_portion or "",
            ]
            + [_rank_cell(m, source.undeclared_write_in_label) for m in marks]
        )
    return out.getvalue()


def write_cvr_csv(config, cvrs: Sequence[CastVoteRecord], path: str | Path) -> Path:
    """Write :func:`cvr_csv` to ``path``."""
    target = Path(path)
    target.write_text(cvr_csv(config, cvrs), encoding="utf-8", newline="")
    return target


# -- CDF JSON ------------------------------------------------------------------------------


def _java_string_hash(text: str) -> int:
    """Java's ``String.hashCode`` (over UTF-16 code units, 32-bit wrap-around)."""
    data = text.encode("utf-16-le")
    h = 0
    for i in range(0, len(data), 2):
        h = (31 * h + (data[i] | data[i + 1] << 8)) & 0xFFFFFFFF
    return h


def java_hash_order(keys: Sequence[str]) -> list[str]:
    """``keys`` (distinct, in insertion order) in the order a Java ``HashSet`` iterates them.

    A ``HashMap`` keeps a power-of-two table (16, doubled whenever it gets more than 3/4
    full) and walks it bucket by bucket, each bucket in insertion order; the bucket is the
    spread ``String.hashCode`` masked to the table size. Buckets long enough to turn into
    trees (8+ colliding keys) are not modelled.
    """
    size = 16
    for count in range(1, len(keys) + 1):
        if count > size * 3 // 4:
            size *= 2

    def bucket(key: str) -> int:
        h = _java_string_hash(key)
        return (h ^ (h >> 16)) & (size - 1)

    return sorted(keys, key=bucket)


def _label(name: str) -> str:
    if name == OVERVOTE_MARK:
        return EXPLICIT_OVERVOTE
    return name


def _selection_id(label: str) -> str:
    return f"cs-{sanitize(label).lower()}"


def _candidate_id(label: str) -> str:
    return f"c-{sanitize(label).lower()}"


def _with_ranks(cvr: CastVoteRecord) -> list[tuple[str, list[int]]]:
    """Each marked candidate (as RCTab names it) with its ranks, best rank first, then by name."""
    marks = cvr.vendor_marks if cvr.vendor_marks is not None else cvr.marks
    ranks: dict[str, list[int]] = {}
    for rank, names in enumerate(marks, start=1):
        for name in names:
            ranks.setdefault(_label(name), []).append(rank)
    return sorted(ranks.items(), key=lambda item: (item[1][0], item[0]))


def _fraction(amount: Decimal) -> str | None:
    if amount == 1:
        return None
    remainder = amount % 1
    if remainder > 0:
        return str(remainder)[1:]  # ".3333", as RCTab prints BigDecimal remainders
    return None


def _snapshot(cvr: CastVoteRecord, sid: str, round_number: int | None, allocation: Allocation | None) -> dict:
    selections = []
    for label, ranks in _with_ranks(cvr):
        allocable, votes = "unknown", Decimal(1)
        if allocation is not None:
            allocable = "no"
            for candidate, amount in allocation:
                if _label(candidate) == label or (cvr.vendor_marks is not None and candidate == label):
                    allocable, votes = "yes", Decimal(amount)
                    break
        fraction = _fraction(votes)
        positions = []
        for rank in ranks:
            position: dict[str, Any] = {
                "@type": "CVR.SelectionPosition",
                "HasIndication": "yes",
                "IsAllocable": allocable,
                "NumberVotes": int(votes),
                "Rank": rank,
            }
            if fraction is not None:
                position["FractionalVotes"] = fraction
            positions.append(position)
            if allocable == "yes":
                allocable = "no"  # only the first of repeated ranks carries the vote
        selections.append(
            {
                "@type": "CVR.CVRContestSelection",
                "ContestSelectionId": _selection_id(label),
                "SelectionPosition": positions,
            }
        )
    return {
        "@id": f"ballot-{sid}-round-{round_number}" if round_number else f"ballot-{sid}",
        "@type": "CVR.CVRSnapshot",
        "CVRContest": [
            {"@type": "CVR.CVRContest", "CVRContestSelection": selections, "ContestId": CONTEST_ID}
        ],
        "Type": "interpreted" if round_number else "original",
    }


def _vendor_label(cvr: CastVoteRecord, name: str) -> str:
    """The label RCTab keeps for ``name`` on this record (a vendor id where it has one)."""
    if cvr.vendor_marks is not None:
        for names, vendor in zip(cvr.marks, cvr.vendor_marks):
            for n, v in zip(names, vendor):
                if n == name:
                    return v
    return _label(name)


def cdf_json(
    config,
    cvrs: Sequence[CastVoteRecord],
    allocations: Sequence[Sequence[Allocation]] | None = None,
    *,
    generated_date: str = "",
    application: str = "tally",
    manufacturer: str = "tally",
) -> dict[str, Any]:
    """RCTab's CDF CastVoteRecordReport for ``cvrs``, as a JSON-ready dict.

    Parameters
    ----------
    config:
        The contest config the records were read with.
    cvrs:
        The records, in the order RCTab read them.
    allocations:
        Optional, one entry per round: for each record, the (candidate, amount) pairs its
        vote counts for in that round (empty when inactive). Without it only the
        ``original`` snapshots are written, as in RCTab's stand-alone conversion.
    generated_date:
        The ``GeneratedDate`` value (RCTab writes the current time; pass one for
        reproducible files).
    application, manufacturer:
        The reporting device named in the file.
    """
    rounds = len(allocations) if allocations else 0
    precinct_order = java_hash_order(list(dict.fromkeys(c.precinct for c in cvrs if c.precinct is not None)))
    gpu = {name: f"gpu-{i}" for i, name in enumerate(precinct_order, start=1)}
    by_precinct = config.output.tabulate_by_precinct

    records = []
    for i, cvr in enumerate(cvrs):
        sid = sanitize(cvr.ballot_id)
        snapshots = [_snapshot(cvr, sid, None, None)]
        for r, per_record in enumerate(allocations or ()):
            allocation = [(_vendor_label(cvr, name), amount) for name, amount in per_record[i]]
            snapshots.append(_snapshot(cvr, sid, r + 1, allocation))
        record: dict[str, Any] = {
            "@type": "CVR",
            "BallotPrePrintedId": sid,
            "CVRSnapshot": snapshots,
            "CurrentSnapshotId": f"ballot-{sid}-round-{rounds}" if rounds else f"ballot-{sid}",
            "ElectionId": ELECTION_ID,
        }
        if by_precinct:
            record["BallotStyleUnitId"] = None if cvr.precinct is None else gpu.get(cvr.precinct)
        records.append(record)

    names = [c.name for c in config.candidates]
    if config.has_undeclared_write_ins:
        names.append(UWI_NAME)
    if any(s.overvote_label for s in config.sources):
        names.append(EXPLICIT_OVERVOTE)
    names.sort()
    election = {
        "@id": ELECTION_ID,
        "@type": "Election",
        "Candidate": [{"@id": _candidate_id(n), "Name": n} for n in names],
        "Contest": [
            {
                "@id": CONTEST_ID,
                "@type": "CandidateContest",
                "ContestSelection": [
                    {"@id": _selection_id(n), "@type": "ContestSelection", "CandidateIds": [_candidate_id(n)]}
                    for n in names
                ],
                "Name": config.output.contest_name,
            }
        ],
        "ElectionScopeId": GPU_ELECTION,
    }
    units = [
        {
            "@id": GPU_ELECTION,
            "@type": "GpUnit",
            "Name": config.output.contest_jurisdiction,
            "OtherType": "Election Scope Jurisdiction",
            "Type": "other",
        }
    ] + [{"@id": gpu[p], "@type": "GpUnit", "Name": p, "Type": "precinct"} for p in precinct_order]
    return {
        "@type": "CVR.CastVoteRecordReport",
        "CVR": records,
        "Election": [election],
        "GeneratedDate": generated_date,
        "GpUnit": units,
        "ReportGeneratingDeviceIds": [DEVICE_ID],
        "ReportingDevice": [
            {
                "@id": DEVICE_ID,
                "@type": "CVR.ReportingDevice",
                "Application": application,
                "Manufacturer": manufacturer,
            }
        ],
        "Version": "1.0.0",
    }


def write_cdf_json(config, cvrs, path: str | Path, allocations=None, **options: str) -> Path:
    """Write :func:`cdf_json` to ``path`` (keys sorted, two-space indent, as RCTab does)."""
    target = Path(path)
    data = cdf_json(config, cvrs, allocations, **options)
    target.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
