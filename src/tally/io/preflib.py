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
category 2 the rest). A file whose categories are approval sets is read as approval
ballots: first category approved (1), other listed alternatives not (0). That is the
case when its first category is named as an approval (``Yes``, ``Approved``, ...), or
when it names no category as a single choice (``Vote``) and some ballot puts several
alternatives in the first category; ``metadata["read_as"]`` says which. Other ``.cat``
files are party votes, a :class:`Tallies` with one area ``"all"`` whose votes per party
are the counts of the first category (each line must put exactly one alternative there;
lines with an empty first category are blank votes, counted in ``metadata["blank"]``).
``as_`` forces either reading.

Two alternatives with the same name are told apart by their numbers (``LINKE (11)``,
``LINKE (13)``) with a warning, issued (``warnings.warn``, which the command line prints)
and kept in ``metadata["warnings"]``.

>>> from tally.io import read
>>> b = read("tiny.toi")                                        # doctest: +SKIP
>>> b.candidates, b.total                                       # doctest: +SKIP
(('Alice', 'Bob', 'Carol'), 6.0)
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from .. import limits
from ..ballots import FIRST_TIE_CODE, SKIPPED, RankedBallots, ScoredBallots, Tallies
from ..errors import BallotError, ConfigError, TallyWarning
from . import _preflib_header as layout
from ._common import check_exact_total, clean_name, read_text
from ._preflib_header import EXTENSIONS

__all__ = ["EXTENSIONS", "looks_like_preflib", "read_preflib"]

_STRICT = ("soc", "soi")
_COMPLETE = ("soc", "toc")


def looks_like_preflib(head: str) -> bool:
    """True when the text starts like a PrefLib file (a ``# KEY: value`` header)."""
    first = head.lstrip("\ufeff").split("\n", 1)[0]
    return first.startswith(("# FILE NAME", "# TITLE")) or "# DATA TYPE:" in head


def read_preflib(
    path: str | os.PathLike[str],
    *,
    as_: str | None = None,
    duplicate_names: str = "warn",
) -> RankedBallots | ScoredBallots | Tallies:
    """Read a PrefLib ``.soc/.soi/.toc/.toi`` (ranked) or ``.cat`` (party votes) file.

    Parameters
    ----------
    path:
        The file. Its ``# DATA TYPE`` decides the type; without one, the extension does.
    as_:
        For ``.cat`` only: ``"tallies"`` (party votes) or ``"approval"``; by default the
        file's categories decide (see the module docstring).
    duplicate_names:
        ``"warn"`` (default): two alternatives with one name get their alternative
        number appended, ``LINKE (11)`` and ``LINKE (13)`` (the Austrian 2008 file lists
        two parties called LINKE), with a warning; ``metadata["renamed"]`` maps each new
        name to the name in the file. ``"number"``: the same without a warning (the
        caller knows). ``"error"``: such a file is refused.

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
    header, body = layout.split(text, file)
    data_type = layout.data_type(header, file)
    if duplicate_names not in ("warn", "number", "error"):
        raise ConfigError(f"duplicate_names must be 'warn', 'number' or 'error', not {duplicate_names!r}")
    names, renamed = layout.alternatives(header, file, number_duplicates=duplicate_names != "error")
    if renamed and duplicate_names == "warn":
        twice = sorted(set(renamed.values()))
        message = (
            f"{file}: several alternatives are named {', '.join(repr(n) for n in twice)}; "
            f"they are shown as {', '.join(sorted(renamed))}"
        )
        warnings.warn(message, TallyWarning, stacklevel=2)
        header.warnings.append(message)
    if data_type == "cat":
        if as_ not in (None, "tallies", "approval"):
            raise ConfigError(f"as_ must be 'tallies' or 'approval' for a .cat file, not {as_!r}")
        return _read_cat(file, header, body, names, renamed, approval=as_)
    if as_ not in (None, "ranked"):
        raise ConfigError(f"as_={as_!r} applies to .cat files only; {file} holds {data_type} orders")
    return _read_orders(file, header, body, names, renamed, data_type)


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
    header: layout.Header, file: str, body: list[tuple[int, str]], counts: list[int], unique_key: str
) -> None:
    check_exact_total(np.asarray(counts, dtype=np.float64), file=file, place=lambda row: (body[row][0], None))
    total, lines = sum(counts), len(body)
    voters = layout.header_int(header, "NUMBER VOTERS", file)
    if voters is not None and voters != total:
        raise BallotError(
            f"NUMBER VOTERS is {voters} but the ballot counts add up to {total}",
            file=file,
            line=header.fields["NUMBER VOTERS"][0],
        )
    for key in (unique_key, "NUMBER UNIQUE ORDERS", "NUMBER UNIQUE PREFERENCES"):
        if key in header.fields:
            unique = layout.header_int(header, key, file)
            if unique != lines:
                raise BallotError(
                    f"{key} is {unique} but the file has {lines} ballot lines",
                    file=file,
                    line=header.fields[key][0],
                )
            break


def _read_orders(
    file: str,
    header: layout.Header,
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
    meta = layout.metadata(header, file, names, renamed)
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


_APPROVAL_NAMES = {"approved", "approve", "approval", "yes", "accepted", "selected"}
_CHOICE_NAMES = {"vote", "votes", "choice"}


def _as_approval(header: layout.Header, lines: list[tuple[int, int, list[list[int]]]]) -> str | None:
    """Why a ``.cat`` file is read as approval ballots, or None when it holds party votes."""
    names = [clean_name(v) for _, (_, v) in sorted(header.categories.items())]
    first = names[0].casefold() if names else None
    if first in _APPROVAL_NAMES:
        return f"its first category is named {names[0]!r}"
    if first in _CHOICE_NAMES:
        return None
    several = next((number for number, _, cats in lines if cats and len(cats[0]) > 1), None)
    return None if several is None else f"line {several} approves several alternatives"


def _read_cat(
    file: str,
    header: layout.Header,
    body: list[tuple[int, str]],
    names: tuple[str, ...],
    renamed: dict[str, str],
    *,
    approval: str | None,
) -> Tallies | ScoredBallots:
    n = len(names)
    limits.check("ballot_rows", len(body), what="ballot lines", file=file)
    n_categories = layout.header_int(header, "NUMBER CATEGORIES", file)
    lines = []
    for number, line in body:
        count, marks = _count_and_marks(line, number, file, n)
        categories = [m if isinstance(m, list) else [m] for m in marks]
        if n_categories is not None and len(categories) > n_categories:
            raise BallotError(
                f"{len(categories)} categories but NUMBER CATEGORIES is {n_categories}",
                file=file,
                line=number,
            )
        lines.append((number, count, categories))
    reason = _as_approval(header, lines) if approval is None else None
    is_approval = approval == "approval" or reason is not None
    if is_approval:
        # one score per alternative and line, whether the line lists it or not
        limits.check("cells", len(body) * n, what="approval cells (lines x alternatives)", file=file)
    votes = np.zeros(n, dtype=np.float64)
    blank = 0
    score_rows: list[np.ndarray] = []
    counts: list[int] = []
    for number, count, categories in lines:
        first = categories[0] if categories else []
        counts.append(count)
        if is_approval:
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
    meta = layout.metadata(header, file, names, renamed)
    title = meta.pop("title", None) or None
    if is_approval:
        meta["kind"] = "approval"
        meta["read_as"] = "approval ballots, as asked" if reason is None else f"approval ballots: {reason}"
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
