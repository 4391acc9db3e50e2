"""Ranked ballots as an IRV count reads them: one list of candidates per ballot.

RAIRE's assertions are statements about ballots read as preference lists: a ballot counts
for the first candidate on its list who is still continuing, or for nobody. tally's
ballots keep every mark (skipped ranks, overvotes, tie sets, repeated names), and the
contest's options say how the count reads them (:class:`~tally.options.Reading`).
Under ``overvote="exhaust"`` or ``"skip"``, with any ``max_skipped`` and ``repeated``,
what a ballot counts for depends only on which candidates continue through one fixed
list, so reading the marks once gives that list:

* marks are read from the first rank down (no further than ``max_rankings``); blank
  ranks are passed over, and so are candidates left out of the count (``excluded``),
  who are not candidates of the preferences at all;
* the list ends at a mark preceded by more than ``max_skipped`` blank ranks, at a
  repeated candidate under ``repeated="exhaust"``, and at an overvote (named or not)
  under ``overvote="exhaust"``;
* an overvote under ``overvote="skip"`` is passed over, as is a candidate already on the
  list (``repeated="skip"``).

``overvote="exhaust_if_multiple"``, ``"single_continuing"`` and ``"split"`` make a ballot
count for an overvoted candidate (or part of it) depending on which of the others in the
overvote have gone, which no single list expresses; reading such ballots is refused.

>>> from tally.ballots import RankedBallots
>>> from tally.options import Reading
>>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", None, None, "B"], ["C", "A"]])
>>> read_preferences(b, Reading(max_skipped=1)).rankings()
[(('A',), 1.0), (('C', 'A'), 1.0)]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ballots import FIRST_TIE_CODE, OVERVOTE, SKIPPED, RankedBallots
from ..errors import AuditError, ConfigError
from ..options import Reading

__all__ = ["Preferences", "read_preferences"]

READABLE_OVERVOTE_RULES = ("exhaust", "skip")


@dataclass(frozen=True, eq=False)
class Preferences:
    """Distinct preference lists with the number of ballots holding each.

    ``lists`` is a (rows, depth) matrix of candidate indices, each row a list in order of
    preference and padded with -1; a row of -1 only is a ballot that counts for nobody
    (blank, or stopped before its first candidate). ``total`` is every ballot read.
    """

    candidates: tuple[str, ...]
    lists: np.ndarray
    weights: np.ndarray

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def total(self) -> float:
        return float(self.weights.sum())

    def rankings(self) -> list[tuple[tuple[str, ...], float]]:
        """Each distinct list by name, with its number of ballots, heaviest first."""
        out = []
        for row, weight in zip(self.lists, self.weights, strict=True):
            out.append((tuple(self.candidates[c] for c in row if c >= 0), float(weight)))
        return out

    @classmethod
    def from_lists(
        cls, candidates: tuple[str, ...], lists: list[list[int]], weights: list[float]
    ) -> Preferences:
        """Preferences from plain lists of candidate indices (merged like ballots)."""
        depth = max((len(x) for x in lists), default=0)
        matrix = np.full((len(lists), depth), -1, dtype=np.int16)
        for i, row in enumerate(lists):
            matrix[i, : len(row)] = row
        return _merged(candidates, matrix, np.asarray(weights, dtype=np.float64))


def read_preferences(
    ballots: RankedBallots,
    reading: Reading | None = None,
    *,
    merge: bool = True,
) -> Preferences:
    """Each ballot's preference list under the count's rules for marks (see the module).

    Parameters
    ----------
    ballots : RankedBallots
        The ballots as read, every mark kept.
    reading : Reading, optional
        How the count reads marks (default: ``Reading()``; a contest's options give it
        through :meth:`Reading.from_options`).
    merge : bool
        Merge identical lists (the default); ``False`` keeps one row per ballot row.

    Returns
    -------
    Preferences

    Raises
    ------
    ConfigError
        An excluded candidate the ballots do not name.
    AuditError
        An overvote rule other than ``exhaust`` or ``skip`` on ballots holding overvotes.
    """
    reading = Reading() if reading is None else reading
    overvote, max_skipped, repeated = reading.overvote, reading.max_skipped, reading.repeated
    choices = np.asarray(ballots.choices, dtype=np.int32)
    if reading.max_rankings is not None:
        choices = choices[:, : reading.max_rankings]
    rows, ranks = choices.shape
    c = ballots.n_candidates
    has_overvotes = bool((choices < SKIPPED).any()) if choices.size else False
    if overvote not in READABLE_OVERVOTE_RULES and has_overvotes:
        raise AuditError(
            f"overvote={overvote!r} counts an overvoted ballot according to which of the "
            "overvoted candidates are out, so no single preference list describes it; RAIRE assertions "
            "need one list per ballot (overvote='exhaust' or 'skip')"
        )
    left_out = np.zeros(c, dtype=bool)
    unknown = sorted(reading.excluded - set(ballots.candidates))
    if unknown:
        raise ConfigError(f"excluded candidate {unknown[0]!r} is not on these ballots")
    left_out[[ballots.index(name) for name in reading.excluded]] = True
    members = np.zeros((len(ballots.tie_sets), c + 1), dtype=bool)
    for t, tied in enumerate(ballots.tie_sets):
        members[t, list(tied)] = True
    lists = np.full((rows, c), -1, dtype=np.int16)
    length = np.zeros(rows, dtype=np.int64)
    placed = np.zeros((rows, c), dtype=bool)
    seen = np.zeros((rows, c + 1), dtype=bool)  # column c: the unnamed overvote
    alive = np.ones(rows, dtype=bool)
    blank_run = np.zeros(rows, dtype=np.int64)
    for r in range(ranks):
        code = choices[:, r]
        blank = code == SKIPPED
        mark = alive & ~blank
        if max_skipped is not None:
            alive &= ~(mark & (blank_run > max_skipped))
            mark &= alive
        blank_run = np.where(blank, blank_run + 1, 0)
        marked = _marked(code, members, c)  # (rows, c + 1): who this rank's mark names
        if repeated == "exhaust":
            again = (marked & seen).any(axis=1)
            alive &= ~(mark & again)
            mark &= alive
        seen |= marked & mark[:, None]
        if overvote == "exhaust":
            alive &= ~(mark & (code < SKIPPED))
            mark &= alive
        single = np.flatnonzero(mark & (code >= 0))
        single = single[~placed[single, code[single]] & ~left_out[code[single]]]
        lists[single, length[single]] = code[single]
        placed[single, code[single]] = True
        length[single] += 1
    depth = int(length.max()) if rows else 0
    lists = np.ascontiguousarray(lists[:, :depth])
    candidates = tuple(ballots.candidates)
    if left_out.any():
        # excluded candidates never stood: they are not candidates of the audit at all
        kept = np.flatnonzero(~left_out)
        renumber = np.full(c, -1, dtype=np.int16)
        renumber[kept] = np.arange(kept.size)
        lists = np.where(lists >= 0, renumber[np.maximum(lists, 0)], -1).astype(np.int16)
        candidates = tuple(candidates[i] for i in kept)
    if not merge:
        return Preferences(candidates, lists, np.asarray(ballots.weights, dtype=np.float64))
    return _merged(candidates, lists, np.asarray(ballots.weights, dtype=np.float64))


def _marked(code: np.ndarray, members: np.ndarray, c: int) -> np.ndarray:
    """(rows, c + 1) bool: the candidates a rank's marks name; column ``c`` for an
    overvote whose candidates are not named (so that marking it twice is a repeat)."""
    out = np.zeros((code.size, c + 1), dtype=bool)
    single = np.flatnonzero(code >= 0)
    out[single, code[single]] = True
    out[code == OVERVOTE, c] = True
    tied = np.flatnonzero(code <= FIRST_TIE_CODE)
    if tied.size:
        out[tied] = members[FIRST_TIE_CODE - code[tied]]
    return out


def _merged(candidates: tuple[str, ...], lists: np.ndarray, weights: np.ndarray) -> Preferences:
    """Identical lists merged, heaviest first (ties of weight in list order)."""
    if lists.shape[0] == 0:
        return Preferences(tuple(candidates), lists, weights)
    unique, inverse = np.unique(lists, axis=0, return_inverse=True)
    summed = np.bincount(inverse.reshape(-1), weights=weights, minlength=unique.shape[0])
    order = np.lexsort((np.arange(unique.shape[0]), -summed))
    keep = order[summed[order] > 0]
    return Preferences(tuple(candidates), np.ascontiguousarray(unique[keep]), summed[keep])
