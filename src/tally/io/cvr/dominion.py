"""Dominion Democracy Suite JSON exports (``provider: dominion``).

``filePath`` names a folder holding ``ContestManifest.json``, ``CandidateManifest.json``,
``PrecinctPortionManifest.json``, optionally ``PrecinctManifest.json`` (older exports
lack it), and the records in ``CvrExport.json`` or several ``CvrExport_<n>.json`` files
(read in order of ``n``; numbering gaps are fine).

Each session (one sheet fed through a tabulator) has an ``Original`` reading and, once
adjudicated, a ``Modified`` one; the current one is used. A session whose original is not
current and has no modified reading has no adjudicated rankings and is left out, as RCTab
does, with a :class:`~tally.errors.TallyWarning` (a ``UserWarning``) saying how many were left out and which. Each
card's contest whose ``Id`` is ``contestId`` is one record. Its marks carry a Dominion
candidate id (resolved through the config's aliases; the ``undeclaredWriteInLabel`` id is
the undeclared write-in) and a rank; ambiguous marks (``IsAmbiguous``) are passed over,
as in RCTab. Several marks at one rank are an overvote that names its candidates.

Record ids follow RCTab: ``<tabulator>-<batch>-<record>``.

Reference: RCTab ``DominionCvrReader.java`` (BrightSpots/rcv).
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ...errors import BallotError, TallyWarning
from .._common import check_utf8, read_bytes
from . import CandidateLookup, check_max_rankings, marks_from_pairs
from .model import UWI_NAME, CastVoteRecord

__all__ = ["export_files", "read"]

_EXPORT = re.compile(r"^CvrExport(?:_(\d+))?\.json$")


def _load(path: Path) -> Any:
    text = check_utf8(read_bytes(path), str(path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BallotError(f"not valid JSON: {exc.msg}", file=str(path), line=exc.lineno) from None
    except (ValueError, RecursionError) as exc:  # a number of 4,300+ digits; nesting past Python's stack
        raise BallotError(f"not readable JSON: {exc}", file=str(path)) from None


def _manifest(path: Path) -> dict[str, Any]:
    """``{str(Id): entry}`` of a Dominion manifest's ``List``."""
    if not path.exists():
        raise BallotError("Dominion manifest not found", file=str(path))
    return _entries(path)


def _optional_manifest(path: Path) -> dict[str, Any] | None:
    """The same for a manifest a folder may lack (older exports have no precincts)."""
    return _entries(path) if path.exists() else None


def _entries(path: Path) -> dict[str, Any]:
    data = _load(path)
    try:
        return {str(item["Id"]): item for item in data["List"]}
    except (KeyError, TypeError):
        raise BallotError("manifest has no List of entries with an Id", file=str(path)) from None


def export_files(folder: Path) -> list[Path]:
    """The CVR export files of a Dominion folder, in RCTab's order."""
    found = []
    for child in folder.iterdir():
        m = _EXPORT.match(child.name)
        if m:
            found.append((int(m.group(1) or 0), child))
    return [p for _, p in sorted(found)]


def read(config, source, index: int = 0) -> Iterator[CastVoteRecord]:
    """Yield one :class:`CastVoteRecord` per session card holding the configured contest."""
    folder = Path(source.file_path)
    if not folder.is_dir():
        raise BallotError("a Dominion source must be a folder of JSON exports", file=str(folder))
    lookup = CandidateLookup(config, source)
    contest_id = str(source.contest_id)
    precincts = _optional_manifest(folder / "PrecinctManifest.json")
    portions = _manifest(folder / "PrecinctPortionManifest.json")
    contests = _manifest(folder / "ContestManifest.json")
    candidates = _manifest(folder / "CandidateManifest.json")
    if contest_id not in contests:
        raise BallotError(
            f"contest id {contest_id!r} is not in the contest manifest",
            file=str(folder / "ContestManifest.json"),
        )
    # Candidate ids the manifest lists for this contest; a mark naming another is an error.
    contest_candidates = {cid for cid, c in candidates.items() if str(c.get("ContestId")) == contest_id}
    files = export_files(folder)
    if not files:
        raise BallotError("no CvrExport.json or CvrExport_<n>.json in the folder", file=str(folder))
    max_rankings = _rankings_limit(config, contests[contest_id])
    left_out: list[str] = []
    for path in files:
        file = str(path)
        data = _load(path)
        sessions = data.get("Sessions") if isinstance(data, dict) else None
        if not isinstance(sessions, list):
            raise BallotError("no Sessions list", file=file)
        for position, session in enumerate(sessions, start=1):
            where = f"session {position}"
            try:
                try:
                    tabulator = str(session["TabulatorId"])
                    batch = str(session["BatchId"])
                    record = str(session["RecordId"])
                    reading = session["Original"]
                except (KeyError, TypeError):
                    raise BallotError(
                        "session lacks TabulatorId, BatchId, RecordId or Original", file=file, field=where
                    ) from None
                if not reading.get("IsCurrent", True):
                    if "Modified" not in session:
                        left_out.append(f"{tabulator}-{batch}-{record}")
                        continue  # no adjudicated reading: RCTab leaves the session out too
                    reading = session["Modified"]
                precinct = None
                precinct_id = reading.get("PrecinctId")
                if precinct_id is not None:
                    if precincts is None or str(precinct_id) not in precincts:
                        raise BallotError(
                            f"precinct id {precinct_id} is not in PrecinctManifest.json",
                            file=file,
                            field=where,
                        )
                    precinct = precincts[str(precinct_id)].get("Description")
                portion = None
                portion_id = reading.get("PrecinctPortionId")
                if portion_id is not None:
                    if str(portion_id) not in portions:
                        raise BallotError(
                            f"precinct portion id {portion_id} is not in PrecinctPortionManifest.json",
                            file=file,
                            field=where,
                        )
                    portion = portions[str(portion_id)].get("Description")
                cards = reading.get("Cards")
                if cards is None:
                    cards = [reading]
                for card in cards:
                    for contest in card.get("Contests", ()):
                        if str(contest.get("Id")) != contest_id:
                            continue
                        pairs = []
                        vendor: list[tuple[int, str]] = []
                        for mark in contest.get("Marks", ()):
                            if mark.get("IsAmbiguous"):
                                continue
                            code = str(mark.get("CandidateId"))
                            rank = mark.get("Rank")
                            field = f"{where} (record {tabulator}-{batch}-{record})"
                            if isinstance(rank, bool) or not isinstance(rank, int):
                                raise BallotError(
                                    f"mark for candidate {code} has no integer Rank", file=file, field=field
                                )
                            name = lookup.resolve(code, file=file, field=field)
                            if code != source.undeclared_write_in_label and code not in contest_candidates:
                                raise BallotError(
                                    f"candidate id {code} does not stand in contest {contest_id}",
                                    file=file,
                                    field=field,
                                )
                            if max_rankings is not None:
                                check_max_rankings(rank, max_rankings, file=file, line=None, field=field)
                            if name is not None:
                                pairs.append((rank, name))
                                vendor.append((rank, name if name == UWI_NAME else code))
                        yield CastVoteRecord(
                            ballot_id=f"{tabulator}-{batch}-{record}",
                            marks=marks_from_pairs(pairs),
                            precinct=precinct,
                            batch=batch,
                            file=file,
                            supplied_id=record,
                            tabulator_id=tabulator,
                            precinct_portion=portion,
                            contest_id=contest_id,
                            source_index=index,
                            vendor_marks=marks_from_pairs(vendor),
                        )
            except (AttributeError, TypeError) as exc:
                # A value of the wrong JSON type (a list where an object belongs, ...).
                raise BallotError(f"malformed session: {exc}", file=file, field=where) from None
    if left_out:
        warnings.warn(
            TallyWarning(
                f"{folder}: {len(left_out)} Dominion session(s) left out because they have no current "
                f"reading (not current, no Modified): {', '.join(left_out[:10])}"
                + (" ..." if len(left_out) > 10 else "")
            ),
            stacklevel=2,
        )


def _rankings_limit(config: Any, contest: Any) -> int | None:
    """The highest rank a mark may hold.

    A number in ``maxRankingsAllowed`` bounds it. Under ``"max"`` RCTab 2.x sets no limit
    of its own: the contest's ``NumOfRanks`` in ContestManifest.json (the ranks its ballot
    offers) bounds it, which may be more than the candidates declared in the config.
    """
    limit = config.rules.rankings_limit
    if limit is not None:
        return int(limit)
    ranks = contest.get("NumOfRanks") if isinstance(contest, dict) else None
    return ranks if isinstance(ranks, int) and not isinstance(ranks, bool) and ranks >= 1 else None
