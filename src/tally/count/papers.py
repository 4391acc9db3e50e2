"""Ballot papers as the STV counts read them: usable preferences, quotas, exact decimals.

Every STV count reads each ballot row as a list of *usable preferences*: the candidates it
marks, in rank order, read under the reading options every ranked rule shares
(:class:`tally.options.Reading`). A later preference is used only when every earlier one
is usable:

- ``max_skipped``: more than this many consecutive blank ranks before a mark end the
  usable preferences there (the ballot becomes inactive as ``skipped``); ``None`` (the
  default) passes over any number, and ``0`` is the legal texts' "next available
  preference in consecutive order";
- ``repeated``: a candidate marked again at a later rank is passed over (``"skip"``, the
  default: the first mark counts), or ends the usable preferences (``"exhaust"``,
  inactive as ``repeated``);
- ``overvote``: an overvote (several candidates at one rank, named or not) ends the
  ballot's usable preferences there (``"exhaust"``, the default: from then on it is
  inactive as ``overvote``; a ballot whose first mark is an overvote never counts), or
  is passed over (``"skip"``). The rules that depend on which candidates continue
  (``exhaust_if_multiple``, ``single_continuing``, ``split``) are read by the ballot walk
  of the IRV family, not by these fixed preference lists, and are refused here;
- a ballot marking nobody is an ``undervote`` and is not a valid vote.

Vote values are exact: :class:`fractions.Fraction`, truncated to a number of decimal
places where the rule prescribes it (:func:`truncate`). Ballot weights must be whole
numbers, because every STV text counts paper by paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..ballots import SKIPPED, RankedBallots
from ..errors import ConfigError, RuleError
from ..options import INACTIVE_CODES, Reading

__all__ = [
    "INACTIVE",
    "NO_CANDIDATE",
    "QUOTAS",
    "Papers",
    "quota_value",
    "read_papers",
    "truncate",
]

QUOTAS = ("droop", "hare", "exact_droop")

NO_CANDIDATE = -1
"""Padding of :attr:`Papers.prefs` after the last usable preference."""

# Inactive codes of a paper's holder: the shared codes (negative, so candidate indices stay >= 0).
INACTIVE = INACTIVE_CODES


@dataclass(frozen=True, eq=False)
class Papers:
    """The usable preferences of each ballot row.

    ``prefs``: (rows, depth) candidate indices, ``NO_CANDIDATE`` after the last one.
    ``end``: what a row becomes when its preferences run out: ``INACTIVE["exhausted"]``
    or ``INACTIVE["overvote"]`` (it stopped at an overvote).
    ``count``: whole number of papers per row (int64).
    ``valid``: rows with at least one usable preference.
    """

    prefs: np.ndarray
    end: np.ndarray
    count: np.ndarray
    valid: np.ndarray

    @property
    def rows(self) -> int:
        return int(self.prefs.shape[0])

    def first_usable(
        self, rows: np.ndarray, start: np.ndarray, usable: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For ``rows``, the first preference at index >= ``start`` whose candidate is ``usable``.

        Returns (position, candidate); where there is none the candidate is the row's
        ``end`` code and the position the depth.
        """
        depth = self.prefs.shape[1]
        # Padding (-1) looks up the extra last entry, which is never usable.
        lookup = np.append(usable, False)
        pos = np.array(start, dtype=np.int64)
        found = np.zeros(rows.size, dtype=bool)
        cand = np.empty(rows.size, dtype=np.int64)
        prefs, row_at = self.prefs.reshape(-1), rows * depth
        # Step the unresolved rows one rank on at a time: most stop within a step or two,
        # which reads far fewer cells than each row's whole remainder.
        todo = np.flatnonzero(pos < depth)
        while todo.size:
            here = prefs[row_at[todo] + pos[todo]]
            ok = lookup[here]
            found[todo[ok]] = True
            cand[todo[ok]] = here[ok]
            todo = todo[~ok]
            pos[todo] += 1
            todo = todo[pos[todo] < depth]
        pos[~found] = depth
        cand[~found] = self.end[rows[~found]]
        return pos, cand


STV_OVERVOTE_RULES = ("exhaust", "skip")


def _rows_with_repeats(choices: np.ndarray, fresh: np.ndarray, candidates: int) -> np.ndarray:
    """Rows where a usable mark names a candidate an earlier usable mark named."""
    if candidates <= 62:
        # One bit per candidate: a mark repeats when its bit is already among those the
        # row's earlier marks cover. (Adding the bits up instead would wrap around 64 bits
        # for a late candidate marked at many ranks and hide the repeat.) Rank by rank on
        # contiguous columns, where NumPy is fastest.
        by_rank, usable = np.ascontiguousarray(choices.T), np.ascontiguousarray(fresh.T)
        repeated = np.zeros(choices.shape[0], dtype=bool)
        covered = np.zeros(choices.shape[0], dtype=np.int64)
        for r in range(by_rank.shape[0]):
            bit = np.left_shift(np.int64(1), np.maximum(by_rank[r], 0), dtype=np.int64) * usable[r]
            repeated |= (covered & bit) != 0
            covered |= bit
        return np.flatnonzero(repeated)
    ordered = np.sort(np.where(fresh, choices, -1), axis=1)
    return np.flatnonzero(((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)).any(axis=1))


def read_papers(ballots: RankedBallots, reading: Reading | None = None) -> Papers:
    """Read each row's usable preferences (see the module docstring).

    Raises :class:`~tally.errors.ConfigError` for an overvote rule STV does not read and
    :class:`~tally.errors.RuleError` for a ballot weight that is not a whole number.
    """
    reading = Reading() if reading is None else reading
    if reading.overvote not in STV_OVERVOTE_RULES:
        raise ConfigError(
            f"option overvote={reading.overvote!r}: the STV rules read an overvote with "
            f"{' or '.join(repr(r) for r in STV_OVERVOTE_RULES)} (their preference lists do not "
            "change as candidates leave)"
        )
    weights = ballots.weights
    if not np.all(weights == np.round(weights)):
        bad = int(np.flatnonzero(weights != np.round(weights))[0])
        raise RuleError(f"STV counts whole ballot papers; ballot row {bad + 1} has weight {weights[bad]!r}")
    choices = ballots.choices
    if reading.max_rankings is not None:
        choices = choices[:, : reading.max_rankings]
    if reading.excluded:
        raise ConfigError(
            "STV rules leave candidates out as withdrawn (see tally.rules), not by option excluded"
        )
    rows, ranks = choices.shape
    prefs = np.full((rows, max(ranks, 1)), NO_CANDIDATE, dtype=np.int64)
    over = choices < SKIPPED
    stops = {"overvote": over if reading.overvote == "exhaust" else np.zeros_like(over)}
    if reading.max_skipped is not None and ranks:
        stops["skipped"] = (choices != SKIPPED) & (_blank_run(choices) > reading.max_skipped)
    fresh = choices >= 0
    if reading.repeated == "exhaust" and ranks > 1:
        stops["repeated"] = _repeats(choices, fresh, ballots.n_candidates)
    stop = np.zeros_like(over)
    for cells in stops.values():
        stop |= cells
    any_stop = bool(stop.any())
    if any_stop:
        fresh &= ~np.logical_or.accumulate(stop, axis=1)
    repeats = False
    if ranks > 1 and reading.repeated == "skip":
        # Only rows marking some candidate twice need the rank-by-rank repeat check.
        twice = _rows_with_repeats(choices, fresh, ballots.n_candidates)
        if twice.size:
            repeats = True
            sub, keep = choices[twice], fresh[twice]
            for r in range(1, ranks):
                keep[:, r] &= ~(sub[:, :r] == sub[:, r : r + 1]).any(axis=1)
            fresh[twice] = keep
    length = np.count_nonzero(fresh, axis=1)
    gaps = ranks > 1 and bool(((choices[:, :-1] == SKIPPED) & fresh[:, 1:]).any())
    count = np.round(weights).astype(np.int64)
    end = np.full(rows, INACTIVE["exhausted"], dtype=np.int64)
    if not (any_stop or repeats or gaps or (over.any() and reading.overvote == "skip")):
        # Every mark counts and none follows a blank rank: the ballots read as they are.
        prefs[:, :ranks] = np.where(fresh, choices, NO_CANDIDATE)
        return Papers(prefs=prefs, end=end, count=count, valid=length > 0)
    # Rows whose usable marks fill the first ranks need no moving.
    packed = (fresh == (np.arange(ranks)[None, :] < length[:, None])).all(axis=1)
    prefs[packed, :ranks] = np.where(fresh[packed], choices[packed], NO_CANDIDATE)
    loose = np.flatnonzero(~packed)
    if loose.size:
        sub = fresh[loose]
        slot = np.cumsum(sub, axis=1, dtype=np.int16) - 1
        hit_rows, hit_cols = np.nonzero(sub)
        prefs[loose[hit_rows], slot[hit_rows, hit_cols]] = choices[loose[hit_rows], hit_cols]
    if any_stop:
        first_stop = np.argmax(stop, axis=1)
        stopped = np.flatnonzero(stop.any(axis=1))
        # at one cell the walk's order decides: skipped ranks, then repeats, then overvotes
        for reason in ("overvote", "repeated", "skipped"):
            if reason in stops:
                hit = stops[reason][stopped, first_stop[stopped]]
                end[stopped[hit]] = INACTIVE[reason]
    return Papers(prefs=prefs, end=end, count=count, valid=length > 0)


def _blank_run(choices: np.ndarray) -> np.ndarray:
    """(rows, ranks): how many blank ranks come directly before each rank."""
    gap = np.zeros(choices.shape, dtype=np.int32)
    run = np.zeros(choices.shape[0], dtype=np.int32)
    for r in range(choices.shape[1]):
        gap[:, r] = run
        run = np.where(choices[:, r] == SKIPPED, run + 1, 0)
    return gap


def _repeats(choices: np.ndarray, fresh: np.ndarray, candidates: int) -> np.ndarray:
    """(rows, ranks): a single mark naming a candidate an earlier single mark named."""
    out = np.zeros(choices.shape, dtype=bool)
    for row in _rows_with_repeats(choices, fresh, candidates).tolist():
        seen: set[int] = set()
        for r, code in enumerate(choices[row].tolist()):
            if code >= 0:
                if code in seen:
                    out[row, r] = True
                    break
                seen.add(code)
    return out


def truncate(value: Fraction, decimals: int | None) -> Fraction:
    """``value`` cut (towards zero) to ``decimals`` places; unchanged when ``decimals`` is None."""
    if decimals is None:
        return value
    scale = 10**decimals
    return Fraction((value.numerator * scale) // value.denominator, scale)


def quota_value(kind: str, valid: int | Fraction, seats: int) -> tuple[Fraction, bool]:
    """(quota, strict): the quota of ``kind`` and whether election needs strictly more.

    ``droop``: floor(valid / (seats + 1)) + 1, reached at >=;
    ``hare``: valid / seats, reached at >=;
    ``exact_droop`` (Hagenbach-Bischoff): valid / (seats + 1) unrounded, reached only
    when exceeded (otherwise seats + 1 candidates could reach it).
    """
    valid = Fraction(valid)
    if kind == "droop":
        return Fraction(int(valid // (seats + 1)) + 1), False
    if kind == "hare":
        return valid / seats, False
    if kind == "exact_droop":
        return valid / (seats + 1), True
    raise ConfigError(f"option quota: unknown quota {kind!r}; choose one of {', '.join(QUOTAS)}")
