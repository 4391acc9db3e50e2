"""Reading the inputs of a delegate allocation: plans, results, and the bundled primaries.

A **plan** (``state,district,delegates``) says how many pledged delegates each unit
elects; **results** (``state,district,candidate,votes``) give each unit's votes; without
them, :func:`primary_results` reads a state's primary or caucus from the FiveThirtyEight
file bundled with tally. The allocation itself is :mod:`tally.procedures.delegates`.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BallotError, ConfigError, DataError
from ._common import read_text

__all__ = ["SOURCE", "PrimaryResult", "is_statewide", "primary_results", "read_plan", "read_results"]

SOURCE = "us-president/538-election_results_presidential.csv"


@dataclass(frozen=True)
class PrimaryResult:
    """A state's primary or caucus votes from the FiveThirtyEight file, with the source rows."""

    year: int
    party: str
    state: str
    stage: str
    votes: dict[str, int]
    rows: tuple[int, ...]
    round: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "party": self.party,
            "state": self.state,
            "stage": self.stage,
            "votes": dict(self.votes),
            "source": SOURCE,
            "source_lines": list(self.rows),
            "ranked_choice_round": self.round,
        }


@functools.lru_cache(maxsize=1)
def _primary_rows() -> tuple[tuple[int, dict[str, str]], ...]:
    resource = importlib.resources.files("tally.data").joinpath(*SOURCE.split("/"))
    try:
        text = resource.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(f"the bundled file {SOURCE} cannot be read: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    return tuple(
        (line, row) for line, row in enumerate(reader, start=2) if row.get("stage") in ("primary", "caucus")
    )


def primary_results(year: int, party: str, state: str, *, stage: str | None = None) -> PrimaryResult:
    """A state's ``party`` primary (or caucus) votes in ``year`` from the bundled 538 file.

    Candidates' rows are summed by name; unnamed rows take their label (Uncommitted,
    Write-in, ...). Where the contest was counted in ranked-choice rounds (some 2020
    Democratic primaries) the last round is used, the round the party allocated on.
    Rows without a vote count (caucuses reporting only delegates) are skipped; if none
    has votes, that is an error.

    Raises :class:`~tally.errors.ConfigError` when the data has no such contest, or a
    primary and a caucus and no ``stage``.
    """
    party, state = party.strip().upper(), state.strip().upper()
    found: dict[tuple[str, int], dict[str, int]] = {}
    lines: dict[tuple[str, int], list[int]] = defaultdict(list)
    for line, rec in _primary_rows():
        if rec["cycle"] != str(year) or rec["party"] != party or rec["state_abbrev"] != state:
            continue
        if stage is not None and rec["stage"] != stage:
            continue
        rcv = rec["ranked_choice_round"].strip()
        key = (rec["stage"], int(rcv) if rcv else 0)
        found.setdefault(key, {})
        if not rec["votes"].strip():
            continue
        try:
            n = int(float(rec["votes"]))
        except ValueError:
            raise BallotError(
                f"not a number of votes: {rec['votes']!r}", file=SOURCE, line=line, field="votes"
            ) from None
        name = rec["candidate_name"].strip() or rec["alt_result_text"].strip() or "Other"
        found[key][name] = found[key].get(name, 0) + n
        lines[key].append(line)
    if not found:
        raise ConfigError(f"no {party} primary or caucus in {state} in {year} in the bundled data")
    stages = sorted({k[0] for k in found})
    if len(stages) > 1:
        raise ConfigError(f"{state} {year} has both a {' and a '.join(stages)} for {party}: choose the stage")
    key = max(found, key=lambda k: k[1])
    if not found[key]:
        raise ConfigError(f"the {party} {year} {key[0]} in {state} has no vote counts in the data")
    votes = dict(sorted(found[key].items(), key=lambda kv: (-kv[1], kv[0])))
    return PrimaryResult(int(year), party, state, key[0], votes, tuple(lines[key]), key[1] or None)


def is_statewide(district: str) -> bool:
    """Does ``district`` name a statewide pool (blank, statewide, at-large, PLEO)?"""
    return district.strip().lower() in ("", "statewide", "at-large", "at large", "at_large", "pleo", "al")


def read_plan(path: str) -> list[tuple[str, str, int]]:
    """Delegates per unit from a CSV with columns ``state,district,delegates``.

    A blank district (or ``statewide``, ``at-large``, ``PLEO``) is a statewide pool,
    allocated on the statewide vote; each such row is its own pool. ``automatic`` rows
    count automatic (unpledged) delegates. Returns ``(state, district, delegates)``.
    """
    rows: list[tuple[str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    with _open(path) as handle:
        reader = csv.DictReader(handle)
        missing = {"state", "district", "delegates"} - set(reader.fieldnames or ())
        if missing:
            raise BallotError(
                f"missing column(s) {', '.join(sorted(missing))}; expected state,district,delegates",
                file=path,
                line=1,
            )
        for line, rec in enumerate(reader, start=2):
            state = (rec["state"] or "").strip().upper()
            district = (rec["district"] or "").strip()
            if not state:
                raise BallotError("empty state", file=path, line=line, field="state")
            n = _whole(rec["delegates"], file=path, line=line, field="delegates")
            key = (state, district.lower())
            if key in seen:
                raise BallotError(
                    f"{state} {district or 'statewide'} is listed twice",
                    file=path,
                    line=line,
                    field="district",
                )
            seen.add(key)
            rows.append((state, district, n))
    if not rows:
        raise BallotError("no rows", file=path)
    return rows


def read_results(path: str) -> dict[tuple[str, str], dict[str, int]]:
    """Votes per unit from a CSV with columns ``state,district,candidate,votes``.

    A blank district is the statewide vote. Returns ``{(state, district): {candidate: votes}}``.
    """
    out: dict[tuple[str, str], dict[str, int]] = {}
    with _open(path) as handle:
        reader = csv.DictReader(handle)
        missing = {"state", "district", "candidate", "votes"} - set(reader.fieldnames or ())
        if missing:
            raise BallotError(
                f"missing column(s) {', '.join(sorted(missing))}; expected state,district,candidate,votes",
                file=path,
                line=1,
            )
        for line, rec in enumerate(reader, start=2):
            state = (rec["state"] or "").strip().upper()
            district = (rec["district"] or "").strip()
            district = "" if is_statewide(district) else district
            name = (rec["candidate"] or "").strip()
            if not state or not name:
                raise BallotError("empty state or candidate", file=path, line=line)
            unit = out.setdefault((state, district.lower()), {})
            if name in unit:
                raise BallotError(
                    f"{name} is listed twice for {state} {district or 'statewide'}",
                    file=path,
                    line=line,
                    field="candidate",
                )
            unit[name] = _whole(rec["votes"], file=path, line=line, field="votes")
    return out


def _open(path: str) -> Any:
    """The file as text: a missing file, a folder, a pipe or a device, a file past the
    ``text_bytes`` cap or bytes that are not UTF-8 are a located error, not a crash."""
    if not Path(path).exists():
        raise ConfigError(f"cannot read {path}: No such file or directory")
    return io.StringIO(read_text(path), newline="")


def _whole(text: str | None, *, file: str, line: int, field: str) -> int:
    try:
        n = int((text or "").strip())
    except ValueError:
        raise BallotError(f"not a whole number: {text!r}", file=file, line=line, field=field) from None
    if n < 0:
        raise BallotError(f"negative number: {n}", file=file, line=line, field=field)
    return n
