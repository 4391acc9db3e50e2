"""Two ranking-profile formats in which the Alaska 2022 RCV elections are published.

**Profile** (``.profile``, from the ``alaska_irv_2022`` analysis): line 1 the candidate
names, line 2 their parties, line 3 a rule of ``-+-+-``, then one line per distinct
ranking, best first, with its number of ballots::

    Begich_ Nick,Palin_ Sarah,Peltola_ Mary S.,Write-in
    IND,IND,IND,IND
    -+-+-+-+-
    (Peltola_ Mary S.,Begich_ Nick) : 21818
    (Palin_ Sarah) : 20606

Names are kept exactly as written (the producer replaced commas inside names by ``_``;
``restore_commas=True`` puts them back);
``metadata["parties"]`` maps each name to its party. ``()`` is a ballot with no mark.

**Summary** (``top-N-house_district.csv``, from ``AK_RCV_Summarizer``): a few header rows,
row k holding the k-th choice of each column's ranking, then one row per area
(``House District 1`` .. ``House District 40``, ``House District 99`` for ballots with no
district, and ``Total``); a cell is the number of ballots with that column's ranking::

    "1","Blank","Peltola","Peltola","Overvote"
    "2","","Palin","","",
    "House District 1","90","70","449","7"
    "Total","2279","3003","12000","94"

Labels: a candidate name (``Write-in`` included), ``""`` (no further choice),
``Overvote`` (an overvote at that rank, which ends the ranking as the producer truncated
it), ``Blank`` (a ballot with no mark) and, in files reduced to fewer candidates,
``Exhausted`` (every choice was for a candidate left out of the file). Blank and
exhausted ballots both become rows with no mark for any candidate in the file; their
numbers are reported in ``metadata["blank"]`` and ``metadata["exhausted"]`` so that they
stay distinguishable. (In the reduced files the producer also files ballots whose only
marks were for write-ins under ``Blank``: 532 of the special general's 3,411 blanks in
``top-3`` are the write-in-only ballots of ``top-4``.) The ``Total`` row is read by default (``area=`` picks another row)
and is checked to be the sum of the area rows.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..ballots import OVERVOTE, SKIPPED, RankedBallots
from ..errors import BallotError
from ._common import check_candidates, check_exact_total, csv_rows, read_text

__all__ = ["looks_like_profile", "looks_like_summary", "read_profile", "read_summary"]

_RULE = re.compile(r"^[-+]+$")
_PROFILE_LINE = re.compile(r"^\((.*)\)\s*:\s*(\S+)\s*$")


def looks_like_profile(head: str) -> bool:
    lines = head.replace("\r\n", "\n").split("\n")
    return len(lines) > 3 and bool(_RULE.match(lines[2].strip())) and lines[3].lstrip().startswith("(")


def looks_like_summary(file: str, head: str) -> bool:
    """First cell ``1`` and an area row in sight (or the producer's file name)."""
    rows = head.replace("\r\n", "\n").split("\n")
    firsts = [r.split(",", 1)[0].strip().strip('"') for r in rows if r.strip()]
    if not firsts or firsts[0] != "1":
        return False
    named = Path(file).name.endswith("-house_district.csv")
    return named or any(f.startswith("House District") or f == "Total" for f in firsts)


def read_profile(
    path: str | os.PathLike[str], *, restore_commas: bool = False, title: str | None = None
) -> RankedBallots:
    """Read a ``.profile`` ranking profile (names, parties, rule line, ``(a,b) : n`` lines).

    Parameters
    ----------
    restore_commas:
        Write ``"_ "`` in names back as ``", "`` (``Begich_ Nick`` → ``Begich, Nick``);
        ``metadata["names_in_file"]`` then keeps the names as written.

    Raises
    ------
    BallotError
        Missing header lines, a party count that does not match the names, an unknown
        or repeated name in a ranking, a bad count; each with file and line.
    """
    file = str(path)
    lines = read_text(path).split("\n")
    if len(lines) < 3 or not lines[0].strip():
        raise BallotError("a profile needs a names line, a parties line and a -+-+- line", file=file, line=1)
    names = [n.strip() for n in lines[0].split(",")]
    check_candidates(len(names), file=file, line=1)
    parties = [p.strip() for p in lines[1].split(",")]
    for i, name in enumerate(names):
        if not name:
            raise BallotError(f"candidate {i + 1} has an empty name", file=file, line=1)
        if name in names[:i]:
            raise BallotError(f"duplicate candidate {name!r}", file=file, line=1)
    if len(parties) != len(names):
        raise BallotError(f"{len(parties)} parties for {len(names)} candidates", file=file, line=2)
    if not _RULE.match(lines[2].strip()):
        raise BallotError(f"expected a rule line like -+-+-, found {lines[2][:40]!r}", file=file, line=3)
    index = {n: i for i, n in enumerate(names)}
    rows: list[list[int]] = []
    counts: list[int] = []
    count_lines: list[int] = []
    for number, raw in enumerate(lines[3:], start=4):
        if not raw.strip():
            continue
        match = _PROFILE_LINE.match(raw.strip())
        if not match:
            raise BallotError(
                f"expected '(a,b,...) : count', found {raw.strip()[:60]!r}", file=file, line=number
            )
        inner, count_text = match.groups()
        try:
            count = int(count_text)
        except ValueError:
            raise BallotError(f"count {count_text!r} is not a whole number", file=file, line=number) from None
        if count < 0:
            raise BallotError(f"count {count} is negative", file=file, line=number)
        row = []
        for name in (n.strip() for n in inner.split(",")) if inner.strip() else ():
            if name not in index:
                raise BallotError(f"unknown candidate {name!r}", file=file, line=number)
            if index[name] in row:
                raise BallotError(f"candidate {name!r} is ranked twice", file=file, line=number)
            row.append(index[name])
        rows.append(row)
        counts.append(count)
        count_lines.append(number)
    check_exact_total(
        np.asarray(counts, dtype=np.float64),
        file=file,
        place=lambda r: (count_lines[r], None),
        texts=lambda rs: [str(counts[int(r)]) for r in rs],  # as written: 2**53 + 1 reads as 2**53
    )
    width = max((len(r) for r in rows), default=0)
    matrix = np.full((len(rows), width), SKIPPED, dtype=np.int16)
    for i, row in enumerate(rows):
        matrix[i, : len(row)] = row
    metadata: dict[str, Any] = {"format": "alaska-profile", "ballots_read": sum(counts)}
    if restore_commas:
        metadata["names_in_file"] = list(names)
        names = [n.replace("_ ", ", ") for n in names]
        if len(set(names)) != len(names):
            raise BallotError("restoring commas makes two names alike", file=file, line=1)
    metadata["parties"] = dict(zip(names, parties))
    return RankedBallots.from_matrix(
        names, matrix, np.asarray(counts, dtype=np.float64), source=file, title=title, metadata=metadata
    )


def read_summary(
    path: str | os.PathLike[str], *, area: str = "Total", title: str | None = None
) -> RankedBallots:
    """Read one area row of a ``top-N-house_district.csv`` summary as ranked ballots.

    Parameters
    ----------
    area:
        The row to read: ``"Total"`` (default) or an area such as ``"House District 7"``.

    Raises
    ------
    BallotError
        Bad header rows, a ragged row, a bad count, a Total that is not the sum of the
        areas, or an unknown area; each with file, line and column.
    """
    file = str(path)
    rows = list(csv_rows(read_text(path)))
    if not rows:
        raise BallotError("the file is empty", file=file, line=1)
    width = len(rows[0][1])
    for line, cells in rows:
        if len(cells) != width:
            raise BallotError(
                f"ragged row: {len(cells)} fields where the first row has {width}", file=file, line=line
            )
    n_header = 0
    while n_header < len(rows) and rows[n_header][1][0].strip() == str(n_header + 1):
        n_header += 1
    if n_header == 0:
        raise BallotError(
            "expected header rows numbered 1, 2, ... in the first column", file=file, line=rows[0][0]
        )
    header, body = rows[:n_header], rows[n_header:]
    if not body:
        raise BallotError(
            "no area rows after the header rows (truncated file?)", file=file, line=header[-1][0] + 1
        )

    candidates: list[str] = []
    matrix = np.full((width - 1, n_header), SKIPPED, dtype=np.int16)
    kinds: list[str] = []  # per column: ranking | Blank | Exhausted
    seen: dict[tuple[str, ...], int] = {}
    for j in range(1, width):
        labels = tuple(header[k][1][j].strip() for k in range(n_header))
        column = _column_label(labels, j, header, file)
        if labels in seen:
            raise BallotError(
                f"column {j + 1} repeats the ranking of column {seen[labels] + 1}",
                file=file,
                line=header[0][0],
                field=str(j + 1),
            )
        seen[labels] = j
        kinds.append(column)
        if column != "ranking":
            continue
        for k, label in enumerate(labels):
            if not label:
                break
            if label == "Overvote":
                matrix[j - 1, k] = OVERVOTE
                break
            if label not in candidates:
                candidates.append(label)
                check_candidates(len(candidates), file=file, line=header[k][0])
            matrix[j - 1, k] = candidates.index(label)

    areas: dict[str, tuple[int, np.ndarray, list[str]]] = {}
    for line, cells in body:
        name = cells[0].strip()
        if not name:
            raise BallotError("area name is empty", file=file, line=line, field="1")
        if name in areas:
            raise BallotError(
                f"area {name!r} appears twice (first on line {areas[name][0]})", file=file, line=line
            )
        values = np.empty(width - 1)
        for j in range(1, width):
            text = cells[j].strip()
            if not (text.isascii() and text.isdigit()):  # '²' is a digit to isdigit, not to int
                problem = "empty count" if not text else f"count {text!r} is not a whole non-negative number"
                raise BallotError(problem, file=file, line=line, field=_field(header, j))
            values[j - 1] = float(text)  # int() refuses 4,300 digits; the area read is checked below
        areas[name] = (line, values, cells)

    if "Total" in areas and len(areas) > 1:
        total_line, total, _ = areas["Total"]
        parts = sum((v for n, (_, v, _) in areas.items() if n != "Total"), np.zeros(width - 1))
        off = np.flatnonzero(parts != total)
        if off.size:
            j = int(off[0]) + 1
            raise BallotError(
                f"Total {total[j - 1]:.0f} is not the sum of the areas ({parts[j - 1]:.0f})",
                file=file,
                line=total_line,
                field=_field(header, j),
            )
    if area not in areas:
        raise BallotError(f"no area {area!r}; areas: {', '.join(map(repr, areas))}", file=file)
    area_line, counts, cells = areas[area]
    check_exact_total(
        counts,
        file=file,
        place=lambda j: (area_line, _field(header, j + 1)),
        texts=lambda js: [cells[int(j) + 1] for j in js],
    )
    kind = np.array(kinds)
    metadata: dict[str, Any] = {
        "format": "alaska-summary",
        "area": area,
        "areas": list(areas),
        "blank": float(counts[kind == "Blank"].sum()),
        "exhausted": float(counts[kind == "Exhausted"].sum()),
        "ballots_read": float(counts.sum()),
    }
    if title is None:
        contest = Path(file).parent.name
        title = f"{contest} {Path(file).stem} ({area})".strip()
    return RankedBallots.from_matrix(candidates, matrix, counts, source=file, title=title, metadata=metadata)


def _field(header: list[tuple[int, list[str]]], j: int) -> str:
    # Quoted labels may hold line breaks; the message must stay on one line.
    labels = [" ".join(header[k][1][j].split()) for k in range(len(header))]
    return f"{j + 1} ({'>'.join(x for x in labels if x)})"


def _column_label(labels: tuple[str, ...], j: int, header: list[tuple[int, list[str]]], file: str) -> str:
    first = labels[0]
    if first in ("Blank", "Exhausted"):
        if any(labels[1:]):
            raise BallotError(
                f"{first!r} followed by further choices", file=file, line=header[0][0], field=str(j + 1)
            )
        return first
    if not first:
        raise BallotError("a column with no first choice", file=file, line=header[0][0], field=str(j + 1))
    ended = False
    for k, label in enumerate(labels):
        if ended and label:
            raise BallotError(
                f"choice {label!r} after the ranking ended", file=file, line=header[k][0], field=str(j + 1)
            )
        if label in ("Blank", "Exhausted"):
            raise BallotError(
                f"{label!r} below the first row", file=file, line=header[k][0], field=str(j + 1)
            )
        if not label or label == "Overvote":
            ended = True
        elif label in labels[:k]:
            raise BallotError(f"{label!r} ranked twice", file=file, line=header[k][0], field=str(j + 1))
    return "ranking"
