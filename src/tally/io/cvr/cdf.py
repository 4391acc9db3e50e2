"""NIST SP 1500-103 Common Data Format cast-vote records (``provider: cdf``), JSON or XML.

The contest is the ``Election[].Contest`` whose ``Name`` equals ``contestId``. Each CVR's
current snapshot (``CurrentSnapshotId``) holds ``CVRContest`` entries; the one for the
contest gives the record, and a CVR without it is no ballot for this contest (as in
RCTab). A ``CVRContestSelection`` points at a ``ContestSelection`` of the contest, which
names a ``Candidate`` (resolved through the config's names and aliases) or is a write-in
(``IsWriteIn`` true → undeclared write-in). Ranks come from the selection's ``Rank`` or
from each ``SelectionPosition``'s ``Rank``; positions with ``HasIndication`` ``no`` or
``IsAllocable`` ``no`` are passed over, a position carrying ``CVRWriteIn`` is an
undeclared write-in, and a selection whose ``Status`` is ``needs-adjudication`` is passed
over (XML, as RCTab does). A candidate named like the source's overvote label is an
overvote.

XML files may use the ``cdf:`` prefix (NIST examples) or none (Unisyn); elements are
matched by local name. Record ids follow RCTab: ``<file name>(<n>)``; the precinct is the
``Name`` of the ``GpUnit`` given by ``BallotStyleUnitId``.

Reference: RCTab ``CommonDataFormatReader.java`` (BrightSpots/rcv); NIST SP 1500-103.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ... import limits
from ...errors import BallotError
from .._common import check_regular, check_utf8, read_bytes
from . import CandidateLookup, check_max_rankings, marks_from_pairs
from .model import OVERVOTE_MARK, UWI_NAME, CastVoteRecord

__all__ = ["read"]


# -- XML to the JSON shape -----------------------------------------------------------------

_XML_LISTS = {
    "CVR",
    "CVRSnapshot",
    "CVRContest",
    "CVRContestSelection",
    "SelectionPosition",
    "Election",
    "Candidate",
    "Contest",
    "ContestSelection",
    "GpUnit",
    "CandidateIds",
    "CVRWriteIn",
}


def _xml_to_json(element: ET.Element) -> Any:
    """An element as the JSON form CDF uses (``ObjectId`` attribute → ``@id``)."""
    children = [c for c in element if isinstance(c.tag, str)]
    object_id = element.attrib.get("ObjectId")
    if not children and object_id is None:
        return (element.text or "").strip()
    out: dict[str, Any] = {}
    if object_id is not None:
        out["@id"] = object_id
    for child in children:
        name = child.tag.rsplit("}", 1)[-1]
        value = _xml_to_json(child)
        if name in _XML_LISTS:
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out


def _load(path: Path) -> dict[str, Any]:
    file = str(path)
    if path.suffix.lower() == ".xml":
        try:
            check_regular(path, file)
            limits.check("text_bytes", path.stat().st_size, what="a file of", file=file)
            root = ET.parse(path).getroot()
            data = _xml_to_json(root)
        except OSError as exc:
            raise BallotError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
        except ET.ParseError as exc:
            raise BallotError(f"not well-formed XML: {exc}", file=file) from None
        except RecursionError:
            raise BallotError("XML nested too deeply to be a CDF document", file=file) from None
        if not isinstance(data, dict):
            raise BallotError("empty CDF document", file=file)
        return data
    try:
        data = json.loads(check_utf8(read_bytes(path), file))
    except json.JSONDecodeError as exc:
        raise BallotError(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno) from None
    except (ValueError, RecursionError) as exc:  # a number of 4,300+ digits; nesting past Python's stack
        raise BallotError(f"not readable JSON: {exc}", file=file) from None
    if not isinstance(data, dict):
        raise BallotError("a CDF document must be a JSON object", file=file)
    return data


def _as_int(value: Any, *, file: str, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BallotError(f"rank {value!r} is not a number", file=file, field=field) from None


def _is(value: Any, word: str) -> bool:
    return isinstance(value, str) and value.strip().lower() == word or (word == "true" and value is True)


def read(config, source, index: int = 0) -> Iterator[CastVoteRecord]:
    """Yield one :class:`CastVoteRecord` per CVR that holds the configured contest."""
    path = Path(source.file_path)
    file = str(path)
    if path.suffix.lower() not in (".json", ".xml"):
        raise BallotError("a CDF source must be a .json or .xml file", file=file)
    data = _load(path)
    at = ["Election"]  # the part being read, kept up to date by _records for the message below
    try:
        yield from _records(config, source, index, data, file, path.name, at)
    except (AttributeError, TypeError) as exc:
        # A value of the wrong JSON type (a string where an object belongs, ...).
        raise BallotError(f"malformed CDF: {exc}", file=file, field=at[0]) from None


def _records(
    config, source, index: int, data: dict, file: str, file_name: str, at: list[str]
) -> Iterator[CastVoteRecord]:
    lookup = CandidateLookup(config, source)
    elections = data.get("Election") or []
    candidates: dict[str, dict] = {}
    contest: dict | None = None
    for election in elections:
        for cand in election.get("Candidate", []) or []:
            cid = cand.get("@id")
            if cid in candidates:
                raise BallotError(f"candidate {cid!r} appears more than once", file=file)
            candidates[cid] = cand
        for item in election.get("Contest", []) or []:
            if contest is None and item.get("Name") == source.contest_id:
                contest = item
    if contest is None:
        raise BallotError(
            f"contest {source.contest_id!r} not found (contests are matched by Name)", file=file
        )
    selections: dict[str, dict] = {}
    for sel in contest.get("ContestSelection", []) or []:
        sid = sel.get("@id")
        if sid in selections:
            raise BallotError(f"contest selection {sid!r} appears more than once", file=file)
        selections[sid] = sel
    units = {u.get("@id"): u for u in data.get("GpUnit", []) or [] if isinstance(u, dict)}
    contest_id = contest.get("@id")
    max_rankings = config.rules.rankings_limit

    def selection_name(sid: str, where: str) -> str | None:
        sel = selections.get(sid)
        if sel is None:
            raise BallotError(
                f"contest selection {sid!r} is not in contest {source.contest_id!r}", file=file, field=where
            )
        if _is(sel.get("IsWriteIn"), "true"):
            return UWI_NAME
        ids = sel.get("CandidateIds") or []
        if isinstance(ids, str):
            ids = [ids]
        if not ids:
            raise BallotError(f"contest selection {sid!r} names no candidate", file=file, field=where)
        cand = candidates.get(ids[0])
        if cand is None:
            raise BallotError(
                f"candidate {ids[0]!r} of selection {sid!r} is not in the candidate list",
                file=file,
                field=where,
            )
        text = (cand.get("Name") or "").strip()
        if source.overvote_label and text == source.overvote_label:
            return OVERVOTE_MARK
        return lookup.resolve(text, field=where)

    count = 0
    for position, cvr in enumerate(data.get("CVR", []) or [], start=1):
        where = at[0] = f"CVR {position}"
        current = cvr.get("CurrentSnapshotId")
        snapshot = next((s for s in cvr.get("CVRSnapshot", []) or [] if s.get("@id") == current), None)
        if snapshot is None:
            raise BallotError(f"current snapshot {current!r} not found", file=file, field=where)
        cvr_contest = next(
            (c for c in snapshot.get("CVRContest", []) or [] if c.get("ContestId") == contest_id), None
        )
        if cvr_contest is None:
            continue
        pairs: list[tuple[int, str]] = []
        for selection in cvr_contest.get("CVRContestSelection", []) or []:
            if _is(selection.get("Status"), "needs-adjudication"):
                continue
            name = selection_name(selection.get("ContestSelectionId"), where)
            if "Rank" in selection and selection.get("Rank") not in (None, ""):
                rank = _as_int(selection["Rank"], file=file, field=where)
                check_max_rankings(rank, max_rankings, file=file, line=None, field=where)
                if name is not None:
                    pairs.append((rank, name))
                continue
            for pos in selection.get("SelectionPosition", []) or []:
                mark = UWI_NAME if pos.get("CVRWriteIn") else name
                if _is(pos.get("HasIndication"), "no") or _is(pos.get("IsAllocable"), "no"):
                    continue
                if pos.get("Rank") in (None, ""):
                    raise BallotError("a selection position has no Rank", file=file, field=where)
                rank = _as_int(pos["Rank"], file=file, field=where)
                check_max_rankings(rank, max_rankings, file=file, line=None, field=where)
                if mark is not None:
                    pairs.append((rank, mark))
        precinct = None
        unit_id = cvr.get("BallotStyleUnitId")
        if unit_id:
            unit = units.get(unit_id)
            if unit is None:
                raise BallotError(f"GpUnit {unit_id!r} not found", file=file, field=where)
            precinct = unit.get("Name")
        count += 1
        supplied = cvr.get("BallotPrePrintedId") or cvr.get("UniqueId")
        yield CastVoteRecord(
            ballot_id=f"{file_name}({count})",
            marks=marks_from_pairs(pairs),
            precinct=precinct,
            file=file,
            supplied_id=str(supplied) if supplied is not None else None,
            contest_id=contest_id,
            source_index=index,
        )
