"""The header of a PrefLib file: its ``# KEY: value`` lines (or the pre-2022 layout's
numbered lines) split from the ballot lines, the declared numbers checked, the
alternatives named, the metadata gathered.

:func:`tally.io.preflib.read_preflib` reads the ballot lines; the format is described there.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import BallotError
from ._common import check_candidates, clean_name

__all__ = [
    "EXTENSIONS",
    "Header",
    "alternatives",
    "data_type",
    "header_int",
    "metadata",
    "split",
    "whole",
]

EXTENSIONS = (".soc", ".soi", ".toc", ".toi", ".cat")
_HEADER = re.compile(r"#\s*([^:]+?)\s*:\s?(.*)$")
_NUMBERED = re.compile(r"(ALTERNATIVE|CATEGORY) NAME (\d+)$")
_INT_FIELDS = (
    "NUMBER ALTERNATIVES",
    "NUMBER VOTERS",
    "NUMBER UNIQUE ORDERS",
    "NUMBER UNIQUE PREFERENCES",
    "NUMBER CATEGORIES",
)


@dataclass
class Header:
    """The header's lines by key: ``# KEY: value`` fields, alternative and category names
    by number, each with the line it was on; and the warnings reading it raised."""

    fields: dict[str, tuple[int, str]] = field(default_factory=dict)  # KEY -> (line, value)
    alternatives: dict[int, tuple[int, str]] = field(default_factory=dict)
    categories: dict[int, tuple[int, str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def split(text: str, file: str) -> tuple[Header, list[tuple[int, str]]]:
    """The header of ``text`` and its ballot lines as ``(line number, text)``, in either layout."""
    first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    if whole(first):
        return _split_legacy(text, file)
    header = Header()
    body: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if body:
                raise BallotError("header line after the first ballot line", file=file, line=number)
            match = _HEADER.match(line)
            if not match:
                raise BallotError(f"header line is not '# KEY: value': {line[:60]!r}", file=file, line=number)
            key, value = match.group(1).upper(), match.group(2).strip()
            numbered = _NUMBERED.match(key)
            if numbered:
                target = header.alternatives if numbered.group(1) == "ALTERNATIVE" else header.categories
                index = int(numbered.group(2))
                if index in target:
                    raise BallotError(
                        f"{key} is given twice (first on line {target[index][0]})", file=file, line=number
                    )
                target[index] = (number, value)
            else:
                if key in header.fields:
                    raise BallotError(f"{key} is given twice", file=file, line=number)
                header.fields[key] = (number, value)
        else:
            body.append((number, line))
    if not header.fields and not header.alternatives:
        raise BallotError("no PrefLib header ('# KEY: value' lines) found", file=file, line=1)
    return header, body


def whole(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes ``'²'``, which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def _split_legacy(text: str, file: str) -> tuple[Header, list[tuple[int, str]]]:
    """The pre-2022 PrefLib layout, turned into the header and body of the current one.

    ``n``; ``n`` lines ``i,name``; ``voters,sum of counts,unique orders``; then
    ``count,ranking`` lines.
    """
    lines = [(i, ln.strip()) for i, ln in enumerate(text.split("\n"), start=1) if ln.strip()]
    header = Header()
    number, n_text = lines[0]
    header.fields["NUMBER ALTERNATIVES"] = (number, n_text)
    n = int(n_text) if len(n_text) < 19 else 10**18  # Python refuses int() of 4,300+ digits
    check_candidates(n, file=file, line=number, what="number of alternatives")
    if len(lines) < n + 2:
        raise BallotError(f"{n} alternatives announced but the file ends early", file=file, line=lines[-1][0])
    for number, line in lines[1 : n + 1]:
        index, sep, name = line.partition(",")
        if not sep or not whole(index.strip()):
            raise BallotError(f"expected 'number,name', found {line[:60]!r}", file=file, line=number)
        if int(index) in header.alternatives:
            raise BallotError(f"alternative {int(index)} is named twice", file=file, line=number)
        header.alternatives[int(index)] = (number, name)
    number, totals = lines[n + 1]
    parts = [p.strip() for p in totals.split(",")]
    if len(parts) != 3 or not all(whole(p) for p in parts):
        raise BallotError(
            f"expected 'voters,sum of counts,unique orders', found {totals[:60]!r}", file=file, line=number
        )
    if parts[0] != parts[1]:
        raise BallotError(f"voters {parts[0]} and sum of counts {parts[1]} differ", file=file, line=number)
    header.fields["NUMBER VOTERS"] = (number, parts[0])
    header.fields["NUMBER UNIQUE ORDERS"] = (number, parts[2])
    header.fields["LAYOUT"] = (number, "legacy (pre-2022) PrefLib")
    body = []
    for number, line in lines[n + 2 :]:
        count, sep, rest = line.partition(",")
        body.append((number, f"{count}:{rest}" if sep else f"{count}:"))
    return header, body


def header_int(header: Header, key: str, file: str) -> int | None:
    """The whole non-negative number the header gives for ``key``, or None without one."""
    if key not in header.fields:
        return None
    line, value = header.fields[key]
    try:
        number = int(value)
    except ValueError:
        raise BallotError(f"{key} {value!r} is not a whole number", file=file, line=line) from None
    if number < 0:
        raise BallotError(f"{key} {number} is negative", file=file, line=line)
    return number


def data_type(header: Header, file: str) -> str:
    """``soc``, ``soi``, ``toc``, ``toi`` or ``cat``: the header's DATA TYPE, else the extension."""
    ext = os.path.splitext(file)[1].lower().lstrip(".")
    if "DATA TYPE" in header.fields:
        line, value = header.fields["DATA TYPE"]
        kind = value.lower()
        if "." + kind not in EXTENSIONS:
            raise BallotError(
                f"DATA TYPE {value!r} is not one of soc, soi, toc, toi, cat", file=file, line=line
            )
        return kind
    if "." + ext in EXTENSIONS:
        return ext
    raise BallotError("no DATA TYPE line and no .soc/.soi/.toc/.toi/.cat extension", file=file, line=1)


def alternatives(
    header: Header, file: str, *, number_duplicates: bool
) -> tuple[tuple[str, ...], dict[str, str]]:
    """The alternatives' names in number order, checked against NUMBER ALTERNATIVES before
    any list of that length is built; duplicates numbered (``name (i)``) or refused, with
    the map from numbered to given names."""
    n = header_int(header, "NUMBER ALTERNATIVES", file)
    if n is None:
        raise BallotError("the header has no NUMBER ALTERNATIVES line", file=file, line=1)
    n_line = header.fields["NUMBER ALTERNATIVES"][0]
    # the declared number is checked against the cap and the names given before any
    # list of that length is built (a 300-byte header may declare 10**9 alternatives)
    check_candidates(n, file=file, line=n_line, what="NUMBER ALTERNATIVES")
    if len(header.alternatives) < n:
        given = set(header.alternatives)
        first = next(i for i in range(1, len(header.alternatives) + 2) if i not in given)
        raise BallotError(
            f"NUMBER ALTERNATIVES is {n} but ALTERNATIVE NAME {first} is missing "
            f"({len(header.alternatives)} names given)",
            file=file,
            line=n_line,
        )
    for index, (line, _) in sorted(header.alternatives.items()):
        if not 1 <= index <= n:
            raise BallotError(
                f"ALTERNATIVE NAME {index} is outside 1..{n} (NUMBER ALTERNATIVES)", file=file, line=line
            )
    names: list[str] = []
    seen: dict[str, int] = {}
    for index in range(1, n + 1):
        line, raw = header.alternatives[index]
        name = clean_name(raw)
        if not name:
            raise BallotError(f"ALTERNATIVE NAME {index} is empty", file=file, line=line)
        if name in seen and not number_duplicates:
            raise BallotError(
                f"duplicate candidate {name!r} (also ALTERNATIVE NAME {seen[name]}); "
                "read with duplicate_names='number' to tell them apart by number",
                file=file,
                line=line,
            )
        seen.setdefault(name, index)
        names.append(name)
    renamed: dict[str, str] = {}
    if number_duplicates:
        twice = {name for name in names if names.count(name) > 1}
        for i, name in enumerate(names):
            if name in twice:
                names[i] = f"{name} ({i + 1})"
                renamed[names[i]] = name
        if len(set(names)) != len(names):
            raise BallotError("numbering duplicate names still leaves two alike", file=file, line=1)
    return tuple(names), renamed


def metadata(header: Header, file: str, names: tuple[str, ...], renamed: dict[str, str]) -> dict[str, Any]:
    """Every header field under a lower-case key, numbers as numbers, OFFICIAL RESULTS as a dict."""
    meta: dict[str, Any] = {"format": "preflib"}
    if renamed:
        meta["renamed"] = dict(renamed)
    known = set(names) | set(renamed.values())
    for key, (line, value) in header.fields.items():
        name = key.lower().replace(" ", "_")
        if key in _INT_FIELDS:
            meta[name] = header_int(header, key, file)
        elif key == "OFFICIAL RESULTS":
            results = _official_results(value, file, line, known)
            meta["official_results"] = results
            meta["seats"] = sum(results.values())
        else:
            meta[name] = value
    if header.categories:
        meta["categories"] = [clean_name(v) for _, (_, v) in sorted(header.categories.items())]
    if header.warnings:
        meta["warnings"] = list(header.warnings)
    return meta


def _official_results(value: str, file: str, line: int, names: set[str]) -> dict[str, int]:
    inner = value.strip()
    if not (inner.startswith("{") and inner.endswith("}")):
        raise BallotError("OFFICIAL RESULTS must look like {PARTY: seats, ...}", file=file, line=line)
    results: dict[str, int] = {}
    for item in filter(None, (p.strip() for p in inner[1:-1].split(","))):
        party, sep, seats = item.rpartition(":")
        party = clean_name(party)
        if not sep or not party:
            raise BallotError(f"OFFICIAL RESULTS entry {item!r} is not 'PARTY: seats'", file=file, line=line)
        if party not in names:
            raise BallotError(f"OFFICIAL RESULTS names unknown party {party!r}", file=file, line=line)
        try:
            results[party] = int(seats)
        except ValueError:
            raise BallotError(
                f"OFFICIAL RESULTS seats {seats.strip()!r} for {party!r} is not a whole number",
                file=file,
                line=line,
            ) from None
    return results
