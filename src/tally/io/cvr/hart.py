"""Hart Verity cast-vote records (``provider: hart``): a folder of one XML file per sheet.

Each ``*.xml`` file (signature files ``*.sig.xml`` excepted) is a ``Cvr`` document in the
``http://tempuri.org/CVRDesign.xsd`` namespace. Its ``Contests`` whose ``Id`` (a GUID)
equals ``contestId`` each give one record. An ``Option``'s ``Id`` is the candidate GUID
(resolved through the config's aliases; the ``undeclaredWriteInLabel`` GUID is the
undeclared write-in) and its ``Value`` is a string of 0/1 digits read left to right, one
per rank: ``0100`` marks rank 2, ``0101`` ranks 2 and 4. Files are read in name order, so
the result does not depend on the file system.

Record ids are the ``CvrGuid``; the batch is ``BatchNumber``, the precinct the
``PrecinctSplit`` name.

Reference: RCTab ``HartCvrReader.java`` (BrightSpots/rcv).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from ... import limits
from ...errors import BallotError
from .._common import check_regular
from . import CandidateLookup, check_max_rankings, marks_from_pairs
from .model import CastVoteRecord

__all__ = ["read"]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _children(element: ET.Element | None, name: str) -> list[ET.Element]:
    if element is None:
        return []
    return [child for child in element if _local(child.tag) == name]


def _text(element: ET.Element | None, name: str) -> str | None:
    child = _child(element, name) if element is not None else None
    return child.text.strip() if child is not None and child.text is not None else None


def read(config, source, index: int = 0) -> Iterator[CastVoteRecord]:
    """Yield one :class:`CastVoteRecord` per Hart file holding the configured contest."""
    folder = Path(source.file_path)
    if not folder.is_dir():
        raise BallotError("a Hart source must be a folder of XML files", file=str(folder))
    lookup = CandidateLookup(config, source)
    files = sorted(
        p
        for p in folder.iterdir()
        if p.name.lower().endswith("xml") and not p.name.lower().endswith(".sig.xml")
    )
    if not files:
        raise BallotError("no XML cast vote records in the folder", file=str(folder))
    max_rankings = config.rules.rankings_limit
    guid_names: dict[str, str] = {}
    for path in files:
        file = str(path)
        try:
            check_regular(path, file)
            limits.check("text_bytes", path.stat().st_size, what="a file of", file=file)
            root = ET.parse(path).getroot()
        except ET.ParseError as exc:
            raise BallotError(f"not well-formed XML: {exc}", file=file) from None
        except OSError as exc:
            raise BallotError(f"cannot read the file: {exc.strerror or exc}", file=file) from None
        if _local(root.tag) != "Cvr":
            raise BallotError(f"root element is {_local(root.tag)!r}, expected Cvr", file=file)
        guid = _text(root, "CvrGuid")
        batch = _text(root, "BatchNumber")
        split = _child(root, "PrecinctSplit")
        precinct = _text(split, "Name")
        for contest in _children(_child(root, "Contests"), "Contest"):
            if _text(contest, "Id") != source.contest_id:
                continue
            pairs = []
            for option in _children(_child(contest, "Options"), "Option"):
                code = _text(option, "Id") or ""
                shown = _text(option, "Name")
                # One GUID must always carry the same name, or the export is inconsistent.
                if (
                    shown is not None
                    and code != source.undeclared_write_in_label
                    and guid_names.setdefault(code, shown) != shown
                ):
                    raise BallotError(
                        f"option {code} is named {shown!r} here but {guid_names[code]!r} elsewhere",
                        file=file,
                    )
                name = lookup.resolve(code, file=file, field=f"option {shown or code}")
                value = _text(option, "Value") or ""
                for rank, digit in enumerate(value, start=1):
                    if digit == "1":
                        check_max_rankings(rank, max_rankings, file=file, line=None, field=f"option {code}")
                        if name is not None:
                            pairs.append((rank, name))
                    elif digit != "0":
                        raise BallotError(
                            f"option value {value!r} is not a string of 0/1 digits",
                            file=file,
                            field=f"option {code}",
                        )
            yield CastVoteRecord(
                ballot_id=guid or path.stem,
                marks=marks_from_pairs(pairs),
                precinct=precinct,
                batch=batch,
                file=file,
                supplied_id=guid,
                precinct_portion=_text(split, "Id"),
                contest_id=source.contest_id,
                source_index=index,
            )
