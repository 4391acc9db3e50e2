"""RAIRE's assertions about an IRV count, and their two JSON forms.

An assertion compares two tallies over the same ballots:

* ``NEB`` (*winner* is never eliminated before *loser*): the ballots ranking *winner*
  first outnumber those on which *loser* comes before *winner* (or without *winner*).
  While *winner* continues it holds at least its first preferences and *loser* at most
  those ballots, so *winner* cannot be eliminated while *loser* continues.
* ``NEN`` (*winner* is not eliminated next, with only ``continuing`` left): with only
  the ``continuing`` candidates left, *winner*'s tally exceeds *loser*'s, so *winner* is
  not the next one out.

tally writes assertions with candidates by name (``{"type", "winner", "loser",
"continuing", "margin", "difficulty"}``); RAIRE's tools write them by candidate index
under ``solution.Ok.assertions`` with the names in ``metadata.candidates``. Both are read
by :func:`read_assertions`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AuditError, BallotError
from ..io._common import check_utf8, read_bytes

__all__ = ["Assertion", "AssertionFile", "Scored", "read_assertions"]

KINDS = ("NEB", "NEN")


@dataclass(frozen=True, order=True)
class Assertion:
    """One assertion, candidates by index; ``continuing`` (sorted) for NEN only."""

    kind: str
    winner: int
    loser: int
    continuing: tuple[int, ...] = ()

    def describe(self, names: Sequence[str]) -> str:
        """The assertion in words, e.g. ``Kiss NEB Wright``."""
        w, lo = names[self.winner], names[self.loser]
        if self.kind == "NEB":
            return f"{w} NEB {lo}"
        others = ", ".join(names[c] for c in self.continuing)
        return f"{w} NEN {lo} | {{{others}}}"

    def to_dict(self, names: Sequence[str]) -> dict[str, Any]:
        return {
            "type": self.kind,
            "winner": names[self.winner],
            "loser": names[self.loser],
            "continuing": [names[c] for c in self.continuing] if self.kind == "NEN" else None,
        }

    def to_raire(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.kind, "winner": self.winner, "loser": self.loser}
        if self.kind == "NEN":
            out["continuing"] = list(self.continuing)
        return out


@dataclass(frozen=True)
class Scored:
    """An assertion with the two tallies it compares and its difficulty."""

    assertion: Assertion
    winner_votes: float
    loser_votes: float
    difficulty: float

    @property
    def margin(self) -> float:
        return self.winner_votes - self.loser_votes


@dataclass(frozen=True)
class AssertionFile:
    """Assertions as read from a file, with what the file claims about them."""

    assertions: tuple[Assertion, ...]
    winner: int | None
    margins: tuple[float | None, ...]
    difficulties: tuple[float | None, ...]
    form: str  # "tally" or "raire"


def read_assertions(path: str | Path, candidates: Sequence[str]) -> AssertionFile:
    """Assertions from tally's ``rla --json`` output or RAIRE's output JSON.

    Parameters
    ----------
    path : str or Path
        The JSON file.
    candidates : sequence of str
        The contest's candidates: names are matched against them; RAIRE's indices are
        mapped through ``metadata.candidates`` when the file names them, else taken as
        indices into ``candidates``.

    Returns
    -------
    AssertionFile

    Raises
    ------
    AuditError
        An unreadable file, a RAIRE error result, an unknown candidate or a malformed
        assertion (naming the assertion by its position).
    """
    file = str(path)
    try:
        data = json.loads(check_utf8(read_bytes(path), file))
    except BallotError as exc:  # missing, a folder, a pipe or a device, past the size cap, not UTF-8
        where = f", line {exc.line}" if exc.line is not None else ""
        raise AuditError(f"{file}{where}: cannot read the assertions: {exc.problem}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AuditError(f"{file}: not JSON: {exc}") from None
    except (ValueError, RecursionError) as exc:  # a number of 4,300+ digits; nesting past Python's stack
        raise AuditError(f"{file}: not readable JSON: {str(exc).split(';')[0]}") from None
    if not isinstance(data, Mapping):
        raise AuditError(f"{file}: expected a JSON object of assertions")
    if "solution" in data:
        return _read_raire(data, candidates, file)
    if "assertions" in data:
        return _read_tally(data, candidates, file)
    raise AuditError(f"{file}: no 'assertions' (tally's form) or 'solution' (RAIRE's output) found")


def _lookup(candidates: Sequence[str], file: str) -> Any:
    index = {name: i for i, name in enumerate(candidates)}

    def find(name: Any, where: str) -> int:
        if not isinstance(name, str) or name not in index:
            raise AuditError(
                f"{file}: {where}: unknown candidate {name!r}; candidates are {', '.join(candidates)}"
            )
        return index[name]

    return find


def _read_tally(data: Mapping[str, Any], candidates: Sequence[str], file: str) -> AssertionFile:
    find = _lookup(candidates, file)
    items = data["assertions"]
    if not isinstance(items, list):
        raise AuditError(f"{file}: 'assertions' must be a list")
    out, margins, difficulties = [], [], []
    for k, item in enumerate(items, 1):
        where = f"assertion {k}"
        if not isinstance(item, Mapping):
            raise AuditError(f"{file}: {where} is not an object")
        kind = item.get("type")
        winner, loser = find(item.get("winner"), where), find(item.get("loser"), where)
        continuing: tuple[int, ...] = ()
        if kind == "NEN":
            names = item.get("continuing")
            if not isinstance(names, list):
                raise AuditError(f"{file}: {where}: a NEN assertion needs a list of continuing candidates")
            continuing = tuple(sorted({find(n, where) for n in names}))
        out.append(_checked(kind, winner, loser, continuing, file, where))
        margins.append(_number(item.get("margin"), file, where, "margin"))
        difficulties.append(_number(item.get("difficulty"), file, where, "difficulty"))
    claimed = find(data["winner"], "winner") if data.get("winner") is not None else None
    return AssertionFile(tuple(out), claimed, tuple(margins), tuple(difficulties), "tally")


def _read_raire(data: Mapping[str, Any], candidates: Sequence[str], file: str) -> AssertionFile:
    solution = data["solution"]
    if isinstance(solution, Mapping) and "Err" in solution:
        raise AuditError(
            f"{file}: RAIRE reported an error instead of assertions: {json.dumps(solution['Err'])}"
        )
    if not (isinstance(solution, Mapping) and isinstance(solution.get("Ok"), Mapping)):
        raise AuditError(f"{file}: 'solution' must hold an 'Ok' object of assertions")
    ok = solution["Ok"]
    names = (data.get("metadata") or {}).get("candidates")
    find = _lookup(candidates, file)

    def candidate(value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise AuditError(f"{file}: {where}: a candidate must be an index, not {value!r}")
        if isinstance(names, list):
            if not 0 <= value < len(names):
                raise AuditError(f"{file}: {where}: candidate index {value} is not in metadata.candidates")
            return find(names[value], where)
        if not 0 <= value < len(candidates):
            raise AuditError(f"{file}: {where}: candidate index {value} is out of range")
        return value

    out, margins, difficulties = [], [], []
    for k, item in enumerate(ok.get("assertions") or [], 1):
        where = f"assertion {k}"
        body = item.get("assertion") if isinstance(item, Mapping) else None
        if not isinstance(body, Mapping):
            raise AuditError(f"{file}: {where}: expected an object with an 'assertion'")
        winner, loser = candidate(body.get("winner"), where), candidate(body.get("loser"), where)
        continuing: tuple[int, ...] = ()
        if body.get("type") == "NEN":
            given = body.get("continuing")
            if not isinstance(given, list):
                raise AuditError(f"{file}: {where}: a NEN assertion needs a list of continuing candidates")
            continuing = tuple(sorted({candidate(c, where) for c in given}))
        out.append(_checked(body.get("type"), winner, loser, continuing, file, where))
        margins.append(_number(item.get("margin"), file, where, "margin"))
        difficulties.append(_number(item.get("difficulty"), file, where, "difficulty"))
    claimed = candidate(ok["winner"], "winner") if ok.get("winner") is not None else None
    return AssertionFile(tuple(out), claimed, tuple(margins), tuple(difficulties), "raire")


def _checked(
    kind: Any, winner: int, loser: int, continuing: tuple[int, ...], file: str, where: str
) -> Assertion:
    if kind not in KINDS:
        raise AuditError(f"{file}: {where}: unknown assertion type {kind!r}; expected NEB or NEN")
    if winner == loser:
        raise AuditError(f"{file}: {where}: winner and loser are the same candidate")
    if kind == "NEN" and not {winner, loser} <= set(continuing):
        raise AuditError(f"{file}: {where}: the continuing candidates must include the winner and the loser")
    return Assertion(kind, winner, loser, continuing)


def _number(value: Any, file: str, where: str, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AuditError(f"{file}: {where}: {name} must be a number, not {value!r}")
    return float(value) if math.isfinite(value) else math.inf
