"""PrefLib files: ``.soc .soi .toc .toi`` ranked ballots and ``.cat`` categorical votes.

The format (preflib.org, the post-2022 layout) is a header of ``# KEY: value`` lines and
one line per distinct ballot, ``count: ranking``. Alternatives are numbered from 1; a
ranking lists them best first, and ``{a,b}`` marks several alternatives at one rank::

    # FILE NAME: tiny.toi
    # TITLE: A tiny example
    # DATA TYPE: toi
    # NUMBER ALTERNATIVES: 3
    # NUMBER VOTERS: 6
    # NUMBER UNIQUE ORDERS: 3
    # ALTERNATIVE NAME 1: Alice
    # ALTERNATIVE NAME 2: Bob
    # ALTERNATIVE NAME 3: Carol
    3: 1,2,3
    2: 2,{1,3}
    1: 3

Data types: ``soc`` strict complete, ``soi`` strict incomplete, ``toc`` ties complete,
``toi`` ties incomplete; a tie is kept as a tie set (see :mod:`tally.ballots`), never
broken. The reader checks the header against the body: ``NUMBER VOTERS`` must equal the
sum of counts, ``NUMBER UNIQUE ORDERS`` the number of ballot lines, the alternatives must
be named exactly ``1..NUMBER ALTERNATIVES``, a strict type may not hold a tie and a
complete type must rank every alternative. Any mismatch is a :class:`BallotError` naming
the line.

The pre-2022 PrefLib layout (a first line with the number of alternatives, ``i,name``
lines, a ``voters,sum,unique`` line, then ``count,ranking`` lines) is read too, its
data type then coming from the extension.

Names lose one pair of surrounding double quotes (Minneapolis writes ``"Nancy Bernard"``)
and keep any other character (UTF-8: ``ÖVP``). ``title`` is ``# TITLE``; ``metadata``
holds every other header field under a lower-case key (``number_voters``, ``data_type``,
...), and ``# OFFICIAL RESULTS: {ÖVP: 71, ...}`` becomes ``metadata["official_results"]``,
a dict party → seats, with ``metadata["seats"]`` its sum.

``.cat`` files hold categories (``count: 3,{1,2,4}``: category 1 holds alternative 3,
category 2 the rest). By default they are read as party votes, a :class:`Tallies` with
one area ``"all"`` whose votes per party are the counts of the first category (each line
must put exactly one alternative there; lines with an empty first category are blank
votes, counted in ``metadata["blank"]``). With ``as_="approval"`` they are read as
approval ballots: first category approved (1), other listed alternatives not (0).

>>> from tally.io import read
>>> b = read("tiny.toi")                                        # doctest: +SKIP
>>> b.candidates, b.total                                       # doctest: +SKIP
(('Alice', 'Bob', 'Carol'), 6.0)
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import limits
from ..ballots import FIRST_TIE_CODE, SKIPPED, RankedBallots, ScoredBallots, Tallies
from ..errors import BallotError, ConfigError
from ._common import check_candidates, check_exact_total, clean_name, read_text

__all__ = ["EXTENSIONS", "looks_like_preflib", "read_preflib"]

EXTENSIONS = (".soc", ".soi", ".toc", ".toi", ".cat")
_STRICT = ("soc", "soi")
_COMPLETE = ("soc", "toc")
_HEADER = re.compile(r"#\s*([^:]+?)\s*:\s?(.*)$")
_NUMBERED = re.compile(r"(ALTERNATIVE|CATEGORY) NAME (\d+)$")
_INT_FIELDS = (
    "NUMBER ALTERNATIVES",
    "NUMBER VOTERS",
    "NUMBER UNIQUE ORDERS",
    "NUMBER UNIQUE PREFERENCES",
    "NUMBER CATEGORIES",
)


def looks_like_preflib(head: str) -> bool:
    """True when the text starts like a PrefLib file (a ``# KEY: value`` header)."""
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    return first.startswith(("# FILE NAME", "# TITLE")) or "# DATA TYPE:" in head


@dataclass
class _Header:
    fields: dict[str, tuple[int, str]] = field(default_factory=dict)  # KEY -> (line, value)
    alternatives: dict[int, tuple[int, str]] = field(default_factory=dict)
    categories: dict[int, tuple[int, str]] = field(default_factory=dict)


def read_preflib(
    path: str | os.PathLike[str],
    *,
    as_: str | None = None,
    duplicate_names: str = "error",
) -> RankedBallots | ScoredBallots | Tallies:
    """Read a PrefLib ``.soc/.soi/.toc/.toi`` (ranked) or ``.cat`` (party votes) file.

    Parameters
    ----------
    path:
        The file. Its ``# DATA TYPE`` decides the type; without one, the extension does.
    as_:
        For ``.cat`` only: ``"tallies"`` (default, party votes) or ``"approval"``.
    duplicate_names:
        ``"error"`` (default): two alternatives with one name are an error.
        ``"number"``: such names get their alternative number appended, ``LINKE (11)``
        and ``LINKE (13)`` (the Austrian 2008 file lists two parties called LINKE);
        ``metadata["renamed"]`` maps each new name to the name in the file.

    Returns
    -------
    RankedBallots for orders; Tallies or ScoredBallots for ``.cat``.

    Raises
    ------
    BallotError
        Naming the file, line and problem for any malformed header or ballot line.
    """
    file = str(path)
    text = read_text(path)
    header, body = _split(text, file)
    data_type = _data_type(header, file)
    if duplicate_names not in ("error", "number"):
        raise ConfigError(f"duplicate_names must be 'error' or 'number', not {duplicate_names!r}")
    names, renamed = _alternatives(header, file, number_duplicates=duplicate_names == "number")
    if data_type == "cat":
        if as_ not in (None, "tallies", "approval"):
            raise ConfigError(f"as_ must be 'tallies' or 'approval' for a .cat file, not {as_!r}")
        return _read_cat(file, header, body, names, renamed, approval=as_ == "approval")
    if as_ not in (None, "ranked"):
        raise ConfigError(f"as_={as_!r} applies to .cat files only; {file} holds {data_type} orders")
    return _read_orders(file, header, body, names, renamed, data_type)


# -- header ---------------------------------------------------------------------------


def _split(text: str, file: str) -> tuple[_Header, list[tuple[int, str]]]:
    first = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    if _whole(first):
        return _split_legacy(text, file)
    header = _Header()
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


def _whole(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes ``'²'``, which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def _split_legacy(text: str, file: str) -> tuple[_Header, list[tuple[int, str]]]:
    """The pre-2022 PrefLib layout, turned into the header and body of the current one.

    ``n``; ``n`` lines ``i,name``; ``voters,sum of counts,unique orders``; then
    ``count,ranking`` lines.
    """
    lines = [(i, ln.strip()) for i, ln in enumerate(text.split("\n"), start=1) if ln.strip()]
    header = _Header()
    number, n_text = lines[0]
    header.fields["NUMBER ALTERNATIVES"] = (number, n_text)
    n = int(n_text) if len(n_text) < 19 else 10**18  # Python refuses int() of 4,300+ digits
    check_candidates(n, file=file, line=number, what="number of alternatives")
    if len(lines) < n + 2:
        raise BallotError(f"{n} alternatives announced but the file ends early", file=file, line=lines[-1][0])
    for number, line in lines[1 : n + 1]:
        index, sep, name = line.partition(",")
        if not sep or not _whole(index.strip()):
            raise BallotError(f"expected 'number,name', found {line[:60]!r}", file=file, line=number)
        if int(index) in header.alternatives:
            raise BallotError(f"alternative {int(index)} is named twice", file=file, line=number)
        header.alternatives[int(index)] = (number, name)
    number, totals = lines[n + 1]
    parts = [p.strip() for p in totals.split(",")]
    if len(parts) != 3 or not all(_whole(p) for p in parts):
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


def _header_int(header: _Header, key: str, file: str) -> int | None:
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


def _data_type(header: _Header, file: str) -> str:
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


def _alternatives(
    header: _Header, file: str, *, number_duplicates: bool
) -> tuple[tuple[str, ...], dict[str, str]]:
    n = _header_int(header, "NUMBER ALTERNATIVES", file)
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


def _metadata(header: _Header, file: str, names: tuple[str, ...], renamed: dict[str, str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"format": "preflib"}
    if renamed:
        meta["renamed"] = dict(renamed)
    known = set(names) | set(renamed.values())
    for key, (line, value) in header.fields.items():
        name = key.lower().replace(" ", "_")
        if key in _INT_FIELDS:
            meta[name] = _header_int(header, key, file)
        elif key == "OFFICIAL RESULTS":
            results = _official_results(value, file, line, known)
            meta["official_results"] = results
            meta["seats"] = sum(results.values())
        else:
            meta[name] = value
    if header.categories:
        meta["categories"] = [clean_name(v) for _, (_, v) in sorted(header.categories.items())]
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


# -- body -----------------------------------------------------------------------------


def _count_and_marks(line: str, number: int, file: str, n: int) -> tuple[int, list[Any]]:
    """Parse ``count: a,b,{c,d}`` into the count and marks (ints or lists for braces)."""
    count_text, sep, rest = line.partition(":")
    if not sep:
        raise BallotError(f"ballot line is not 'count: ranking': {line[:60]!r}", file=file, line=number)
    try:
        count = int(count_text)
    except ValueError:
        raise BallotError(
            f"count {count_text.strip()!r} is not a whole number", file=file, line=number
        ) from None
    if count < 0:
        raise BallotError(f"count {count} is negative", file=file, line=number)
    rest = rest.strip()
    if not rest:
        return count, []
    if "{" not in rest and "}" not in rest:
        try:
            marks: list[Any] = [int(x) for x in rest.split(",")]
        except ValueError:
            marks = _parse_marks(rest, number, file)
    else:
        marks = _parse_marks(rest, number, file)
    seen: set[int] = set()
    for mark in marks:
        for alt in mark if isinstance(mark, list) else (mark,):
            if not 1 <= alt <= n:
                raise BallotError(
                    f"unknown candidate index {alt} (alternatives are numbered 1..{n})",
                    file=file,
                    line=number,
                )
            if alt in seen:
                raise BallotError(
                    f"candidate index {alt} appears twice in one ballot", file=file, line=number
                )
            seen.add(alt)
    return count, marks


def _parse_marks(text: str, number: int, file: str) -> list[Any]:
    marks: list[Any] = []
    pos, end = 0, len(text)

    def integer(token: str) -> int:
        token = token.strip()
        try:
            return int(token)
        except ValueError:
            problem = (
                "empty alternative (stray comma?)" if not token else f"alternative {token!r} is not a number"
            )
            raise BallotError(problem, file=file, line=number) from None

    while True:
        while pos < end and text[pos] == " ":
            pos += 1
        if pos < end and text[pos] == "{":
            close = text.find("}", pos)
            if close < 0:
                raise BallotError("'{' is never closed", file=file, line=number)
            inner = text[pos + 1 : close]
            if "{" in inner:
                raise BallotError("nested '{'", file=file, line=number)
            marks.append([integer(t) for t in inner.split(",")] if inner.strip() else [])
            pos = close + 1
        else:
            comma = text.find(",", pos)
            stop = end if comma < 0 else comma
            token = text[pos:stop]
            if "}" in token or "{" in token:
                raise BallotError(f"misplaced brace in {token.strip()!r}", file=file, line=number)
            marks.append(integer(token))
            pos = stop
        while pos < end and text[pos] == " ":
            pos += 1
        if pos >= end:
            return marks
        if text[pos] != ",":
            raise BallotError(f"expected ',' at column {pos + 1}", file=file, line=number)
        pos += 1
        if pos >= end:
            raise BallotError("ranking ends with a comma (truncated line?)", file=file, line=number)


def _check_totals(
    header: _Header, file: str, body: list[tuple[int, str]], counts: list[int], unique_key: str
) -> None:
    check_exact_total(np.asarray(counts, dtype=np.float64), file=file, place=lambda row: (body[row][0], None))
    total, lines = sum(counts), len(body)
    voters = _header_int(header, "NUMBER VOTERS", file)
    if voters is not None and voters != total:
        raise BallotError(
            f"NUMBER VOTERS is {voters} but the ballot counts add up to {total}",
            file=file,
            line=header.fields["NUMBER VOTERS"][0],
        )
    for key in (unique_key, "NUMBER UNIQUE ORDERS", "NUMBER UNIQUE PREFERENCES"):
        if key in header.fields:
            unique = _header_int(header, key, file)
            if unique != lines:
                raise BallotError(
                    f"{key} is {unique} but the file has {lines} ballot lines",
                    file=file,
                    line=header.fields[key][0],
                )
            break


def _read_orders(
    file: str,
    header: _Header,
    body: list[tuple[int, str]],
    names: tuple[str, ...],
    renamed: dict[str, str],
    data_type: str,
) -> RankedBallots:
    n = len(names)
    limits.check("ballot_rows", len(body), what="ballot lines", file=file)
    rows: list[list[int]] = []
    counts: list[int] = []
    ties: dict[frozenset[int], int] = {}
    for number, line in body:
        count, marks = _count_and_marks(line, number, file, n)
        row: list[int] = []
        ranked = 0
        for mark in marks:
            if isinstance(mark, list):
                if not mark:
                    raise BallotError("empty tie '{}' in a ranking", file=file, line=number)
                ranked += len(mark)
                if len(mark) == 1:
                    row.append(mark[0] - 1)
                    continue
                if data_type in _STRICT:
                    raise BallotError(
                        f"tie {{{','.join(map(str, mark))}}} in a strict-order ({data_type}) file",
                        file=file,
                        line=number,
                    )
                members = frozenset(m - 1 for m in mark)
                code = ties.setdefault(members, len(ties))
                row.append(FIRST_TIE_CODE - code)
            else:
                ranked += 1
                row.append(mark - 1)
        if data_type in _COMPLETE and ranked != n:
            raise BallotError(
                f"a complete ({data_type}) ranking must rank all {n} alternatives, this one ranks {ranked}",
                file=file,
                line=number,
            )
        rows.append(row)
        counts.append(count)
    _check_totals(header, file, body, counts, "NUMBER UNIQUE ORDERS")
    width = max((len(r) for r in rows), default=0)
    matrix = np.full((len(rows), width), SKIPPED, dtype=np.int16)
    for i, row in enumerate(rows):
        matrix[i, : len(row)] = row
    meta = _metadata(header, file, names, renamed)
    title = meta.pop("title", None) or None
    return RankedBallots.from_matrix(
        names,
        matrix,
        np.asarray(counts, dtype=np.float64),
        tie_sets=sorted(ties, key=ties.__getitem__),
        source=file,
        title=title,
        metadata=meta,
    )


def _read_cat(
    file: str,
    header: _Header,
    body: list[tuple[int, str]],
    names: tuple[str, ...],
    renamed: dict[str, str],
    *,
    approval: bool,
) -> Tallies | ScoredBallots:
    n = len(names)
    limits.check("ballot_rows", len(body), what="ballot lines", file=file)
    if approval:
        # one score per alternative and line, whether the line lists it or not
        limits.check("cells", len(body) * n, what="approval cells (lines x alternatives)", file=file)
    n_categories = _header_int(header, "NUMBER CATEGORIES", file)
    votes = np.zeros(n, dtype=np.float64)
    blank = 0
    score_rows: list[np.ndarray] = []
    counts: list[int] = []
    for number, line in body:
        count, marks = _count_and_marks(line, number, file, n)
        categories = [m if isinstance(m, list) else [m] for m in marks]
        if n_categories is not None and len(categories) > n_categories:
            raise BallotError(
                f"{len(categories)} categories but NUMBER CATEGORIES is {n_categories}",
                file=file,
                line=number,
            )
        first = categories[0] if categories else []
        counts.append(count)
        if approval:
            row = np.full(n, np.nan)
            for cat in categories[1:]:
                row[[a - 1 for a in cat]] = 0.0
            row[[a - 1 for a in first]] = 1.0
            score_rows.append(row)
        elif len(first) > 1:
            raise BallotError(
                f"the first category holds {len(first)} alternatives, so this is not a party vote; "
                "read it with as_='approval'",
                file=file,
                line=number,
            )
        elif first:
            votes[first[0] - 1] += count
        else:
            blank += count
    _check_totals(header, file, body, counts, "NUMBER UNIQUE PREFERENCES")
    meta = _metadata(header, file, names, renamed)
    title = meta.pop("title", None) or None
    if approval:
        meta["kind"] = "approval"
        scores = np.vstack(score_rows) if score_rows else np.zeros((0, n))
        return ScoredBallots.from_matrix(
            names,
            scores,
            np.asarray(counts, dtype=np.float64),
            kind="approval",
            source=file,
            title=title,
            metadata=meta,
        )
    meta["blank"] = blank
    attributes = {"seats": (meta["seats"],)} if "seats" in meta else {}
    return Tallies(
        areas=("all",),
        candidates=names,
        votes=votes.reshape(1, n),
        attributes=attributes,
        source=file,
        title=title,
        metadata=meta,
    )
