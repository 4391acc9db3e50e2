"""Cells of ranked-ballot columns to ballot codes, block after block.

:class:`CellCoder` is the ranked-CSV reading shared by ``tally count`` (:func:`tally.io.csv.read_csv`)
and ``tally import`` (:func:`tally.io.csv.csv_blocks`): each distinct cell text of a block
(a column's dictionary) becomes a candidate index, :data:`~tally.ballots.SKIPPED`,
:data:`~tally.ballots.OVERVOTE` or a tie-set code, and candidates not declared are
learnt in order of first appearance.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from ..ballots import FIRST_TIE_CODE, OVERVOTE, SKIPPED
from ..errors import BallotError
from ._common import check_candidates
from .cvr.model import UWI_NAME as WRITE_IN

__all__ = ["WRITE_IN", "CellCoder"]


class CellCoder:
    """Turns the distinct texts of rank cells into ballot codes, block after block.

    Candidates are declared (a list, or a mapping of cell texts to names) or found in
    order of first appearance: within a block row by row and each row rank by rank
    (and, in a delimited cell, left to right); a block's new names come after every
    earlier block's.
    """

    def __init__(
        self,
        candidates: Sequence[str] | Mapping[str, str] | None,
        *,
        skipped: Sequence[str],
        overvote: Sequence[str],
        write_in: str | None,
        delimiter: str | None,
        file: str,
    ) -> None:
        self.file = file
        self.aliases: dict[str, str] | None = None
        self.declared = candidates is not None
        if isinstance(candidates, Mapping):
            self.aliases = {str(k).strip(): str(v) for k, v in candidates.items()}
            names = list(dict.fromkeys(self.aliases.values()))
        else:
            names = list(candidates or ())
        check_candidates(len(names), file=file, what="declared candidates")
        self.names = names
        self.index = {name: i for i, name in enumerate(names)}
        self.tie_index: dict[frozenset[int], int] = {}
        self.special = {t.strip().casefold(): SKIPPED for t in skipped}
        self.special.update({t.strip().casefold(): OVERVOTE for t in overvote})
        self.special[""] = SKIPPED
        self.write_in = write_in.strip().casefold() if write_in else None
        self.delimiter = delimiter
        self.marked = False  # some cell names a candidate

    def _parts(self, text: str) -> list[str]:
        if self.delimiter and self.delimiter in text:
            return [p.strip() for p in text.split(self.delimiter)]
        return [text]

    def _name(self, part: str) -> str | None:
        """The candidate a cell part names, or None for a special token."""
        folded = part.casefold()
        if folded in self.special:
            return None
        if self.write_in is not None and folded == self.write_in:
            return WRITE_IN
        if self.aliases is not None:
            return self.aliases.get(part, part)
        return part

    def block(
        self, columns: Sequence[tuple[list[str], np.ndarray]], place: Callable[[int, int], tuple[int, str]]
    ) -> list[np.ndarray]:
        """Per rank column, the code of each dictionary entry (``columns``: stripped texts
        and the index of each row's text); ``place(row, column)`` locates an error."""
        self._learn(columns, place)
        lookups = []
        for r, (texts, indices) in enumerate(columns):
            codes = np.empty(max(len(texts), 1), dtype=np.int64)
            codes[0] = SKIPPED
            for k, text in enumerate(texts):
                codes[k] = self._code(text, functools.partial(_where, place, indices, k, r))
            lookups.append(codes)
        return lookups

    def _code(self, text: str, where: Callable[[], tuple[int, str]]) -> int:
        parts = self._parts(text)
        members: list[int] = []
        over = False
        for part in parts:
            folded = part.casefold()
            if len(parts) > 1 and self.special.get(folded) == SKIPPED:
                line, field = where()
                raise BallotError(
                    f"cell {text!r} splits on {self.delimiter!r} into a blank part",
                    file=self.file,
                    line=line,
                    field=field,
                )
            name = self._name(part)
            if name is None:
                over = over or self.special[folded] == OVERVOTE
                continue
            # with a mapping, only its texts name candidates (the names themselves need an entry)
            aliased = self.aliases is None or name == WRITE_IN or part in self.aliases
            i = self.index.get(name) if aliased else None
            if i is None:
                line, field = where()
                declared = ", ".join(self.names) if self.aliases is None else ", ".join(self.aliases)
                raise BallotError(
                    f"unknown candidate {part!r}; declared candidates: {declared}",
                    file=self.file,
                    line=line,
                    field=field,
                )
            if i not in members:
                members.append(i)
        if over:
            return OVERVOTE
        if not members:
            return SKIPPED
        self.marked = True
        if len(members) == 1:
            return members[0]
        return FIRST_TIE_CODE - self.tie_index.setdefault(frozenset(members), len(self.tie_index))

    def _learn(
        self, columns: Sequence[tuple[list[str], np.ndarray]], place: Callable[[int, int], tuple[int, str]]
    ) -> None:
        """Add the block's new names (write-ins always; any name unless declared) in order."""
        width = len(columns)
        found: dict[str, tuple[int, int]] = {}
        for r, (texts, indices) in enumerate(columns):
            wanted = []
            for k, text in enumerate(texts):
                for part_no, part in enumerate(self._parts(text)):
                    name = self._name(part)
                    if name is None or name in self.index:
                        continue
                    if self.declared and name != WRITE_IN:
                        continue  # reported, with its line, when coded
                    wanted.append((k, part_no, name))
            if not wanted:
                continue
            first = _first_rows(indices, {k for k, _, _ in wanted})
            for k, part_no, name in wanted:
                key = (first[k] * width + r, part_no)
                if name not in found or key < found[name]:
                    found[name] = key
        new = sorted(found, key=found.__getitem__)
        if new:
            check_candidates(len(self.names) + len(new), file=self.file, what="distinct candidate names")
        for name in new:
            self.index[name] = len(self.names)
            self.names.append(name)

    @property
    def tie_sets(self) -> list[frozenset[int]]:
        return sorted(self.tie_index, key=self.tie_index.__getitem__)


def _where(
    place: Callable[[int, int], tuple[int, str]], indices: np.ndarray, k: int, r: int
) -> tuple[int, str]:
    """The (line, field) of the first row whose rank ``r`` holds dictionary entry ``k``."""
    return place(int(np.argmax(indices == k)), r)


def _first_rows(indices: np.ndarray, wanted: set[int]) -> dict[int, int]:
    """The first row holding each wanted dictionary entry."""
    if len(wanted) > 16:  # many names (write-ins): one sort beats a scan per name
        uniq, where = np.unique(indices, return_index=True)
        return {int(k): int(w) for k, w in zip(uniq.tolist(), where.tolist()) if k in wanted}
    out = {}
    for k in wanted:
        hits = np.flatnonzero(indices == k)
        if hits.size:
            out[k] = int(hits[0])
    return out
