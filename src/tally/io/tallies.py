"""Votes per area and candidate as CSV, in long or wide form.

Long form: one row per (area, candidate), with an optional ``party`` column and any
number of *area attributes* (electoral votes, seats, ...) repeated on each row of the
area (they must agree within an area)::

    area,candidate,party,votes,electoral_votes
    Alaska,Biden,DEM,153778,3
    Alaska,Trump,REP,189951,3
    Maine,Biden,DEM,435072,4

Wide form: one row per area, one column per candidate; the columns named in
``attributes=`` are area attributes instead (by default the columns called ``seats``,
``electoral_votes`` or ``electoral votes``, matched case-insensitively)::

    area,electoral_votes,Biden,Trump
    Alaska,3,153778,189951
    Maine,4,435072,360737

A ``Total`` column in the wide form is not a candidate: each row's total must equal the
sum of its candidates' votes. Electoral votes and seats (the attributes named
``electoral_votes``, ``electoral votes`` or ``seats``) must be whole non-negative numbers,
and votes must add up exactly (below 2**53; see :mod:`tally.io._common`).

The area column is ``area`` (or ``state``, ``district``, ``constituency``, ``region``,
``county``; or name it with ``area=``). Areas and candidates keep the order of first
appearance. A candidate with no row in an area (long form) or a blank cell (wide form)
has 0 votes there. A repeated (area, candidate) row, a repeated area row, negative or
non-numeric votes and an attribute that changes within an area are errors naming line
and field. Attribute values are read as whole numbers where they are, else as numbers,
else as text.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import limits
from ..ballots import Tallies
from ..errors import BallotError
from ._common import check_candidates, check_exact_total, csv_rows, parse_count, read_text
from .csv import rank_number

__all__ = ["looks_like_tallies", "read_tallies"]

_AREA_NAMES = ("area", "state", "district", "constituency", "region", "county")
_ATTRIBUTE_NAMES = ("seats", "electoral_votes", "electoral votes")


def looks_like_tallies(head: str) -> bool:
    """A CSV header with an area column and either candidate+votes columns or an area first."""
    try:
        header = [h.strip().lower() for h in next(iter(csv_rows(head.split("\n", 1)[0])))[1]]
    except (StopIteration, BallotError):
        return False
    if any(rank_number(h) is not None for h in header):
        return False  # a ranked-ballot CSV with an area-like provenance column
    has_area = any(h in _AREA_NAMES for h in header)
    if has_area and "candidate" in header and "votes" in header:
        return True
    # wide form: the area first and at least two candidate columns
    candidates = [h for h in header[1:] if h not in _ATTRIBUTE_NAMES and h != "total"]
    return header[0] in _AREA_NAMES and len(candidates) >= 2


def read_tallies(
    path: str | os.PathLike[str],
    *,
    area: str | None = None,
    candidate: str = "candidate",
    votes: str = "votes",
    party: str = "party",
    attributes: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    delimiter: str = ",",
    title: str | None = None,
) -> Tallies:
    """Read a tallies CSV (long or wide form, see the module docstring).

    Parameters
    ----------
    area, candidate, votes, party:
        Column names (matched case-insensitively). The long form is used when the
        candidate and votes columns exist.
    attributes:
        Wide form: the columns that are area attributes, not candidates (default: those
        named seats / electoral_votes). Long form: default every column other than area,
        candidate, votes and party.
    ignore:
        Columns to leave out.

    Raises
    ------
    BallotError
        With file, line and field, for every malformed row.
    """
    file = str(path)
    rows = list(csv_rows(read_text(path), delimiter))
    if not rows:
        raise BallotError("the file is empty", file=file, line=1)
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    lower = [h.lower() for h in header]
    for i, h in enumerate(header):
        if not h:
            raise BallotError(f"column {i + 1} of the header has no name", file=file, line=header_line)
        if lower.index(h.lower()) != i:
            raise BallotError(f"column {h!r} appears twice", file=file, line=header_line, field=h)

    def column(name: str | None, choices: Sequence[str], what: str) -> int | None:
        wanted = [name.lower()] if name else list(choices)
        for w in wanted:
            if w in lower:
                return lower.index(w)
        if name:
            raise BallotError(
                f"no {what} column {name!r}; columns: {', '.join(header)}", file=file, line=header_line
            )
        return None

    area_i = column(area, _AREA_NAMES, "area")
    if area_i is None:
        raise BallotError(
            f"no area column (one of {', '.join(_AREA_NAMES)}; or pass area=)", file=file, line=header_line
        )
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            raise BallotError(
                f"ragged row: {len(cells)} fields where the header has {len(header)}", file=file, line=line
            )
    cand_i = column(None, (candidate.lower(),), "candidate")
    votes_i = column(None, (votes.lower(),), "votes")
    skip = {lower.index(c.lower()) for c in ignore if c.lower() in lower}
    if cand_i is not None and votes_i is not None:
        return _long(
            file,
            header,
            rows,
            area_i,
            cand_i,
            votes_i,
            column(None, (party.lower(),), "party"),
            attributes,
            skip,
            title,
        )
    if attributes is None:
        attributes = [h for h in header if h.lower() in _ATTRIBUTE_NAMES]
    return _wide(file, header, rows, area_i, attributes, skip, title)


def _attribute(text: str, name: str, *, file: str, line: int) -> Any:
    """An area attribute's value; electoral votes and seats must be whole and non-negative."""
    value = _value(text)
    if name.strip().lower() not in _ATTRIBUTE_NAMES or value is None:
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < limits.EXACT_TOTAL:
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise BallotError(
            f"{name} {text.strip()!r} is not a whole non-negative number", file=file, line=line, field=name
        )
    if name.strip().lower() == "seats":
        limits.check("seats", value, what=name, file=file, line=line, field=name)
    return value


def _value(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _long(
    file: str,
    header: list[str],
    rows: list[tuple[int, list[str]]],
    area_i: int,
    cand_i: int,
    votes_i: int,
    party_i: int | None,
    attributes: Sequence[str] | None,
    skip: set[int],
    title: str | None,
) -> Tallies:
    fixed = {area_i, cand_i, votes_i} | ({party_i} if party_i is not None else set()) | skip
    if attributes is None:
        attr_i = [i for i in range(len(header)) if i not in fixed]
    else:
        attr_i = [header.index(a) if a in header else _no_column(a, header, file) for a in attributes]
        extra = [header[i] for i in range(len(header)) if i not in fixed and i not in attr_i]
        if extra:
            raise BallotError(
                f"column {extra[0]!r} is not an attribute; name it in attributes= or ignore=",
                file=file,
                line=rows[0][0],
                field=extra[0],
            )
    areas: dict[str, int] = {}
    candidates: dict[str, int] = {}
    cells: dict[tuple[int, int], tuple[float, int]] = {}
    attrs: dict[int, dict[int, tuple[Any, int]]] = {}
    parties: dict[str, tuple[str, int]] = {}
    for line, row in rows[1:]:
        a, c = row[area_i].strip(), row[cand_i].strip()
        if not a:
            raise BallotError("empty area name", file=file, line=line, field=header[area_i])
        if not c:
            raise BallotError("empty candidate name", file=file, line=line, field=header[cand_i])
        ai = areas.setdefault(a, len(areas))
        ci = candidates.setdefault(c, len(candidates))
        v = parse_count(row[votes_i], file=file, line=line, field=header[votes_i], what="votes")
        if (ai, ci) in cells:
            raise BallotError(
                f"duplicate row for area {a!r} and candidate {c!r} (first on line {cells[ai, ci][1]})",
                file=file,
                line=line,
            )
        cells[ai, ci] = (v, line)
        if party_i is not None and row[party_i].strip():
            p = row[party_i].strip()
            if c in parties and parties[c][0] != p:
                raise BallotError(
                    f"candidate {c!r} is {p!r} here but {parties[c][0]!r} on line {parties[c][1]}",
                    file=file,
                    line=line,
                    field=header[party_i],
                )
            parties.setdefault(c, (p, line))
        for i in attr_i:
            value = _attribute(row[i], header[i], file=file, line=line)
            seen = attrs.setdefault(i, {})
            if ai in seen and seen[ai][0] != value:
                raise BallotError(
                    f"area attribute {header[i]!r} of {a!r} is {row[i].strip()!r} here but "
                    f"{seen[ai][0]!r} on line {seen[ai][1]}",
                    file=file,
                    line=line,
                    field=header[i],
                )
            seen.setdefault(ai, (value, line))
    check_candidates(len(candidates), file=file)
    limits.check("cells", len(areas) * len(candidates), what="areas x candidates", file=file)
    order = sorted(cells.values(), key=lambda cell: cell[1])
    check_exact_total(
        np.array([v for v, _ in order]),
        file=file,
        place=lambda k: (order[k][1], header[votes_i]),
        what="vote",
    )
    matrix = np.zeros((len(areas), len(candidates)))
    for (ai, ci), (v, _) in cells.items():
        matrix[ai, ci] = v
    attributes_out = {
        header[i]: tuple(attrs.get(i, {}).get(ai, (None, 0))[0] for ai in range(len(areas))) for i in attr_i
    }
    return Tallies(
        areas=tuple(areas),
        candidates=tuple(candidates),
        votes=matrix,
        attributes=attributes_out,
        parties={c: p for c, (p, _) in parties.items()},
        source=file,
        title=title,
        metadata={"format": "tallies", "layout": "long", "rows": len(rows) - 1},
    )


def _no_column(name: str, header: list[str], file: str) -> int:
    raise BallotError(f"no attribute column {name!r}; columns: {', '.join(header)}", file=file, line=1)


def _wide(
    file: str,
    header: list[str],
    rows: list[tuple[int, list[str]]],
    area_i: int,
    attributes: Sequence[str],
    skip: set[int],
    title: str | None,
) -> Tallies:
    attr_i = [header.index(a) if a in header else _no_column(a, header, file) for a in attributes]
    total_i = next((i for i, h in enumerate(header) if h.lower() == "total" and i not in attr_i), None)
    cand_i = [
        i for i in range(len(header)) if i not in (area_i, total_i) and i not in attr_i and i not in skip
    ]
    if not cand_i:
        raise BallotError("no candidate columns", file=file, line=rows[0][0])
    check_candidates(len(cand_i), file=file, line=rows[0][0], what="candidate columns")
    areas: dict[str, int] = {}
    matrix = np.zeros((len(rows) - 1, len(cand_i)))
    attrs: dict[str, list[Any]] = {header[i]: [] for i in attr_i}
    for line, row in rows[1:]:
        a = row[area_i].strip()
        if not a:
            raise BallotError("empty area name", file=file, line=line, field=header[area_i])
        if a in areas:
            raise BallotError(
                f"area {a!r} appears twice (first on line {rows[areas[a] + 1][0]})", file=file, line=line
            )
        areas[a] = len(areas)
        for j, i in enumerate(cand_i):
            if row[i].strip():
                matrix[areas[a], j] = parse_count(row[i], file=file, line=line, field=header[i], what="votes")
        for i in attr_i:
            attrs[header[i]].append(_attribute(row[i], header[i], file=file, line=line))
        if total_i is not None:
            total = parse_count(row[total_i], file=file, line=line, field=header[total_i], what="total")
            if not np.isclose(total, matrix[areas[a]].sum(), rtol=0, atol=1e-9 * max(1.0, total)):
                raise BallotError(
                    f"total {row[total_i].strip()} is not the sum of the candidates' votes "
                    f"({matrix[areas[a]].sum():g})",
                    file=file,
                    line=line,
                    field=header[total_i],
                )
    row_sums = matrix.sum(axis=1) if matrix.size else np.zeros(len(rows) - 1)
    check_exact_total(row_sums, file=file, place=lambda k: (rows[k + 1][0], None), what="vote")
    return Tallies(
        areas=tuple(areas),
        candidates=tuple(header[i] for i in cand_i),
        votes=matrix,
        attributes={k: tuple(v) for k, v in attrs.items()},
        source=file,
        title=title,
        metadata={"format": "tallies", "layout": "wide", "rows": len(rows) - 1},
    )
