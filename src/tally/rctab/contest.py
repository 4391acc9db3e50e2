"""What RCTab tabulates: a contest's ballots merged into counted rows.

The rules it counts under are :class:`tally.rctab.config.Rules` (the one model of RCTab's
rules); :func:`build_contest` turns cast-vote records into a :class:`Contest`: candidates,
identical ballots merged into rows (per precinct and batch when reports by slice are
asked for) and the row of every ballot read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..ballots import SKIPPED, RankedBallots

__all__ = ["SLICES", "UWI", "Contest", "build_contest"]

UWI = "Undeclared Write-ins"
SLICES = ("precinct", "batch")


@dataclass(frozen=True)
class Contest:
    """What RCTab tabulates: candidates, merged ballot rows and their slices.

    ``candidates`` are every declared candidate in config order (excluded ones too),
    then ``Undeclared Write-ins`` when a source configures a write-in label.
    ``ballots`` holds the merged rows (codes index ``candidates``) with ``counts`` the
    number of ballots per row; ``slices[kind]`` (``"precinct"``, ``"batch"``) gives each
    row's slice id when that slicing is asked for. ``row_of_ballot`` maps every ballot
    read, in file order, to its row.
    """

    candidates: tuple[str, ...]
    excluded: frozenset[str]
    ballots: RankedBallots
    counts: np.ndarray
    slices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    row_slices: dict[str, np.ndarray] = field(default_factory=dict)
    row_of_ballot: np.ndarray | None = None
    has_uwi: bool = False
    contest_name: str = ""

    @property
    def total(self) -> int:
        return int(self.counts.sum())


def _slice_label(kind: str, value: str | None) -> str:
    # RCTab reports ballots with no precinct or batch id under a slice of their own.
    if value is None or str(value).strip() == "":
        return f"no {kind} id"
    return str(value)


def build_contest(
    candidates: Sequence[str],
    records: Iterable[Any],
    *,
    excluded: Iterable[str] = (),
    has_uwi: bool = False,
    slices: Sequence[str] = (),
    contest_name: str = "",
) -> Contest:
    """Merge cast-vote records into a :class:`Contest`.

    ``records`` are :class:`tally.io.cvr.model.CastVoteRecord` (marks already resolved to
    display names). ``slices`` lists the slicings to keep (``"precinct"``, ``"batch"``).
    Raises :class:`~tally.errors.BallotError` for a mark naming an unknown candidate or
    an overvote label mixed with names.
    """
    names = list(candidates)
    if has_uwi and UWI not in names:
        names.append(UWI)
    index = {n: i for i, n in enumerate(names)}
    tie_index: dict[frozenset[int], int] = {}
    rows: dict[tuple, int] = {}
    keys: list[tuple] = []
    counts: list[int] = []
    row_of: list[int] = []
    code_of: dict[tuple[str, ...], int] = {}

    for rec in records:
        codes = _codes(rec, index, tie_index, code_of)
        key = (
            (tuple(codes), *(_slice_label(k, getattr(rec, k)) for k in slices)) if slices else (tuple(codes),)
        )
        r = rows.get(key)
        if r is None:
            r = rows[key] = len(keys)
            keys.append(key)
            counts.append(0)
        counts[r] += 1
        row_of.append(r)
    width = max((len(k[0]) for k in keys), default=0)
    matrix = np.full((len(keys), width), SKIPPED, dtype=np.int16)
    for i, k in enumerate(keys):
        matrix[i, : len(k[0])] = k[0]
    ties = sorted(tie_index, key=tie_index.__getitem__)
    cnt = np.asarray(counts, dtype=np.int64)
    ballots = RankedBallots.from_matrix(
        names, matrix, cnt.astype(np.float64), tie_sets=ties, merge=False, title=contest_name or None
    )
    slice_ids, row_slices = _slice_rows(keys, slices)
    return Contest(
        candidates=tuple(names),
        excluded=frozenset(excluded),
        ballots=ballots,
        counts=cnt,
        slices=slice_ids,
        row_slices=row_slices,
        row_of_ballot=np.asarray(row_of, dtype=np.int64),
        has_uwi=has_uwi,
        contest_name=contest_name,
    )


def _codes(
    rec: Any, index: dict[str, int], tie_index: dict[frozenset[int], int], code_of: dict[tuple[str, ...], int]
) -> list[int]:
    """A record's marks as ballot codes, trailing skipped ranks dropped (``code_of``
    remembers each distinct mark's code, ``tie_index`` each overvote's tie set)."""
    from ..io.cvr.model import mark_code

    codes: list[int] = []
    for rank, mark in enumerate(rec.marks, start=1):
        c = code_of.get(mark)
        if c is None:
            c = code_of[mark] = mark_code(
                mark,
                index,
                tie_index,
                ballot_id=rec.ballot_id,
                rank=rank,
                file=rec.file,
                line=rec.line,
                overvote_alone=True,
            )
        codes.append(c)
    while codes and codes[-1] == SKIPPED:
        codes.pop()
    return codes


def _slice_rows(
    keys: list[tuple], slices: Sequence[str]
) -> tuple[dict[str, tuple[str, ...]], dict[str, np.ndarray]]:
    """For each slicing, its ids in sorted order and the id of each merged row."""
    slice_ids: dict[str, tuple[str, ...]] = {}
    row_slices: dict[str, np.ndarray] = {}
    for j, kind in enumerate(slices, start=1):
        values = [k[j] for k in keys]
        ids = tuple(sorted(set(values)))
        pos = {v: i for i, v in enumerate(ids)}
        slice_ids[kind] = ids
        row_slices[kind] = np.asarray([pos[v] for v in values], dtype=np.int64)
    return slice_ids, row_slices
