"""BLT ballot files (Electoral Reform Society, OpenSTV, Droop and most STV software).

Layout: a line ``candidates seats``; optionally a line of withdrawn candidates written
as negative numbers; one line per ballot, ``weight c1 c2 ... 0`` (candidates numbered
from 1, best first, ``0`` ends the ballot); a line ``0`` ending the ballots; then one
quoted name per candidate and a quoted title::

    4 2
    -4
    3 1 2 0
    2 2 1=3 0
    1 3 - 1 0
    0
    "Alice"
    "Bob"
    "Carol"
    "Dave"
    "Committee 2024"

Dialects read here: ``a=b`` marks candidates at the same rank (kept as a tie set) and
``-`` a rank left blank (a skipped rank). A candidate repeated on a ballot is kept as
marked; rules report it as ``repeated``. Weights may be decimals.

Names are normally quoted; a line without quotes is taken whole as one name, as some
writers produce. ``metadata["seats"]`` is the number of seats and ``metadata["withdrawn"]`` the names of
withdrawn candidates (a tuple, maybe empty). They stay in ``candidates``; every rule
leaves them out of its count (see :mod:`tally.rules`) and says so in its outcome.

Droop's extensions: ``[withdrawn 2 4]`` (candidate numbers) withdraws candidates as the
minus line does. ``[tie ...]``, ``[nick ...]``, ``[droop ...]`` and any other bracketed
extension are refused with their name, since counting without them would not be the
count the file asks for.
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np

from .. import limits
from ..ballots import FIRST_TIE_CODE, SKIPPED, RankedBallots
from ..errors import BallotError
from ._common import check_candidates, check_exact_total, parse_count, read_text

__all__ = ["looks_like_blt", "read_blt"]

_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def looks_like_blt(head: str) -> bool:
    lines = [ln.strip() for ln in head.replace("\r\n", "\n").split("\n") if ln.strip()]
    if len(lines) < 2:
        return False
    first = lines[0].split()
    if len(first) != 2 or not all(t.isascii() and t.isdigit() for t in first):
        return False
    second = lines[1].split()
    return bool(second) and (second[-1] == "0" or second[0].startswith("-"))


def read_blt(path: str | os.PathLike[str]) -> RankedBallots:
    """Read a BLT file (see the module docstring).

    Raises
    ------
    BallotError
        A bad header, an unknown candidate number, a bad weight, a ballot without its
        closing 0, a missing end line or the wrong number of names; each with file and line.
    """
    file = str(path)
    lines = [(i, ln.strip()) for i, ln in enumerate(read_text(path).split("\n"), start=1)]
    lines = [(i, ln) for i, ln in lines if ln and not ln.startswith("#")]
    if not lines:
        raise BallotError("the file is empty", file=file, line=1)
    first_line, first = lines[0]
    parts = first.split()
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts):
        raise BallotError(
            f"the first line must be 'candidates seats', found {first[:40]!r}", file=file, line=first_line
        )
    if max(len(p) for p in parts) > 18:  # Python refuses int() of 4,300+ digits
        raise BallotError(
            f"the first line {first[:40]!r} declares an impossible size", file=file, line=first_line
        )
    n, seats = int(parts[0]), int(parts[1])
    check_candidates(n, file=file, line=first_line, what="the number of candidates")
    if n < 1:
        raise BallotError("the number of candidates must be at least 1", file=file, line=first_line)
    if not 1 <= seats <= n:
        raise BallotError(f"{seats} seats for {n} candidates", file=file, line=first_line)

    pos = 1
    withdrawn: list[int] = []
    if pos < len(lines) and all(re.fullmatch(r"-\d+", t) for t in lines[pos][1].split()):
        line, text = lines[pos]
        for token in text.split():
            value = int(token)
            if not -n <= value <= -1:
                raise BallotError(f"withdrawn candidate {token} is not one of -1..-{n}", file=file, line=line)
            withdrawn.append(-value - 1)
        pos += 1

    rows: list[list[int]] = []
    weights: list[float] = []
    ballot_lines: list[int] = []
    ties: dict[frozenset[int], int] = {}
    ended = False
    while pos < len(lines):
        line, text = lines[pos]
        pos += 1
        if text == "0":
            ended = True
            break
        if text.startswith("["):
            withdrawn.extend(_extension(text, n, file, line))
            continue
        tokens = text.split()
        if tokens[-1] != "0":
            raise BallotError("ballot line does not end with 0 (truncated?)", file=file, line=line)
        weights.append(parse_count(tokens[0], file=file, line=line, what="weight"))
        ballot_lines.append(line)
        row: list[int] = []
        for token in tokens[1:-1]:
            if token == "-":
                row.append(SKIPPED)
                continue
            members = [_candidate(t, n, file, line) for t in token.split("=")]
            if len(members) == 1:
                row.append(members[0])
            else:
                key = frozenset(members)
                if len(key) != len(members):
                    raise BallotError(f"candidate repeated inside the tie {token!r}", file=file, line=line)
                row.append(FIRST_TIE_CODE - ties.setdefault(key, len(ties)))
        rows.append(row)
    if not ended:
        raise BallotError(
            "the file ends before the 0 line that closes the ballots", file=file, line=lines[-1][0]
        )
    limits.check("ballot_rows", len(rows), what="ballot lines", file=file)
    check_exact_total(
        np.asarray(weights, dtype=np.float64),
        file=file,
        place=lambda r: (ballot_lines[r], None),
        what="weight",
    )

    names: list[tuple[int, str]] = []
    for line, text in lines[pos:]:
        if text.startswith("["):
            withdrawn.extend(_extension(text, n, file, line))
            continue
        quoted = _QUOTED.findall(text)
        if quoted:
            names.extend((line, q.replace('\\"', '"').strip()) for q in quoted)
        elif '"' in text:
            raise BallotError(f"unbalanced quote in {text[:40]!r}", file=file, line=line)
        else:  # some writers leave names unquoted, one per line
            names.append((line, text))
    end_line = lines[-1][0]
    if len(names) < n:
        raise BallotError(f"{len(names)} candidate names for {n} candidates", file=file, line=end_line)
    if len(names) > n + 1:
        raise BallotError(
            f"{len(names) - n - 1} extra name(s) after the title", file=file, line=names[n + 1][0]
        )
    candidates = [name for _, name in names[:n]]
    for k, (line, name) in enumerate(names[:n]):
        if not name:
            raise BallotError(f"candidate {k + 1} has an empty name", file=file, line=line)
        if name in candidates[:k]:
            raise BallotError(f"duplicate candidate {name!r}", file=file, line=line)
    title = names[n][1] if len(names) > n else None
    standing = n - len(set(withdrawn))
    if standing < seats:  # nobody (or too few) left to elect: no count could fill the seats
        raise BallotError(
            f"{len(set(withdrawn))} of the {n} candidates are withdrawn, leaving {standing} "
            f"for {seats} seat{'s' if seats != 1 else ''}",
            file=file,
            line=first_line,
        )

    width = max((len(r) for r in rows), default=0)
    matrix = np.full((len(rows), width), SKIPPED, dtype=np.int16)
    for i, row in enumerate(rows):
        matrix[i, : len(row)] = row
    metadata: dict[str, Any] = {
        "format": "blt",
        "seats": seats,
        "withdrawn": tuple(candidates[w] for w in sorted(set(withdrawn))),
        "ballots_read": float(sum(weights)),
    }
    return RankedBallots.from_matrix(
        candidates,
        matrix,
        np.asarray(weights, dtype=np.float64),
        tie_sets=sorted(ties, key=ties.__getitem__),
        source=file,
        title=title or None,
        metadata=metadata,
    )


def _extension(text: str, n: int, file: str, line: int) -> list[int]:
    """The candidates a Droop ``[withdrawn ...]`` line withdraws; other extensions refused.

    Droop's ``[tie ...]`` (a fixed tie-break order), ``[nick ...]`` (nicknames on ballot
    lines) and ``[droop ...]`` (counting options) would change how the file is counted,
    so a file holding them is refused by name rather than counted without them.
    """
    if not text.endswith("]"):
        raise BallotError(f"unclosed extension {text[:40]!r} (no closing ])", file=file, line=line)
    words = text[1:-1].split()
    name = words[0] if words else ""
    if name == "withdrawn":
        return [_candidate(t, n, file, line) for t in words[1:]]
    known = {
        "tie": "a fixed tie-break order",
        "nick": "candidate nicknames on ballot lines",
        "droop": "Droop's counting options",
    }
    what = f" ({known[name]})" if name in known else ""
    raise BallotError(
        f"the BLT extension [{name}]{what} is not supported; tally reads [withdrawn ...] only "
        "(remove the line and give the rule's options instead)",
        file=file,
        line=line,
    )


def _candidate(token: str, n: int, file: str, line: int) -> int:
    try:
        value = int(token)
    except ValueError:
        raise BallotError(f"candidate {token!r} is not a number", file=file, line=line) from None
    if not 1 <= value <= n:
        raise BallotError(f"unknown candidate index {value} (candidates are 1..{n})", file=file, line=line)
    return value - 1
