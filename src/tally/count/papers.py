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
  is passed over (``"skip"``). Under the rules that depend on which candidates continue
  (``exhaust_if_multiple``, ``single_continuing``, ``split``) an overvote naming its
  candidates stays in the preference list as its tie-set code (``<= FIRST_TIE_CODE``,
  :attr:`Papers.ties` gives its members) and :meth:`Papers.first_usable` reads it as the
  ballot walk does (:mod:`tally.count.walk`, step 3) given the candidates still usable:
  passed over when none of its candidates is, the one when one is, and when several are
  :data:`INACTIVE` ``"overvote"`` (the first two rules) or :data:`SPLIT` (the count divides
  the paper among them);
- a ballot marking nobody is an ``undervote`` and is not a valid vote.

Vote values are exact: :class:`fractions.Fraction`, truncated to a number of decimal
places where the rule prescribes it (:func:`truncate`). Ballot weights must be whole
numbers, because every STV text counts paper by paper.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from ..ballots import FIRST_TIE_CODE, OVERVOTE, SKIPPED, RankedBallots
from ..errors import ConfigError, RuleError
from ..options import INACTIVE_CODES, Reading

__all__ = [
    "INACTIVE",
    "NO_CANDIDATE",
    "QUOTAS",
    "SPLIT",
    "Branches",
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

SPLIT = -100
"""What :meth:`Papers.first_usable` finds at an overvote whose value is divided (``split``)
among its several usable candidates; the count divides the paper."""
_PASS = -101


@dataclass(frozen=True, eq=False)
class Papers:
    """The usable preferences of each ballot row.

    ``prefs``: (rows, depth) candidate indices, ``NO_CANDIDATE`` after the last one.
    ``end``: what a row becomes when its preferences run out: ``INACTIVE["exhausted"]``
    or ``INACTIVE["overvote"]`` (it stopped at an overvote).
    ``count``: whole number of papers per row (int64).
    ``valid``: rows with at least one usable preference.
    ``ties``: (tie sets, candidates) members of each tie set, when the overvote rule
    (``overvote``) reads tie sets by the candidates still usable; otherwise None.
    """

    prefs: np.ndarray
    end: np.ndarray
    count: np.ndarray
    valid: np.ndarray
    ties: np.ndarray | None = None
    overvote: str = "exhaust"

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
        if self.ties is not None:
            return self._first_usable_named(rows, start, usable)
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

    def _first_usable_named(
        self, rows: np.ndarray, start: np.ndarray, usable: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`first_usable` where tie sets are read by which of their candidates are usable."""
        assert self.ties is not None
        depth = self.prefs.shape[1]
        lut, offset = self.meaning(usable)
        pos = np.array(start, dtype=np.int64)
        cand = np.empty(rows.size, dtype=np.int64)
        found = np.zeros(rows.size, dtype=bool)
        prefs, row_at = self.prefs.reshape(-1), rows * depth
        todo = np.flatnonzero(pos < depth)
        while todo.size:
            state = lut[prefs[row_at[todo] + pos[todo]] + offset]
            ok = state != _PASS
            found[todo[ok]] = True
            cand[todo[ok]] = state[ok]
            todo = todo[~ok]
            pos[todo] += 1
            todo = todo[pos[todo] < depth]
        pos[~found] = depth
        cand[~found] = self.end[rows[~found]]
        return pos, cand

    def meaning(self, usable: np.ndarray) -> tuple[np.ndarray, int]:
        """(table, offset): what each preference code means while ``usable`` holds.

        ``table[code + offset]`` is the candidate a paper counts for at that preference,
        ``_PASS`` (read on), ``INACTIVE["overvote"]`` or :data:`SPLIT`; padding passes.
        """
        assert self.ties is not None
        n_ties = self.ties.shape[0]
        offset = n_ties - FIRST_TIE_CODE
        lut = np.full(offset + usable.size, _PASS, dtype=np.int64)
        lut[offset:] = np.where(usable, np.arange(usable.size), _PASS)
        if n_ties:
            alive = self.ties & usable
            n = alive.sum(axis=1)
            several = SPLIT if self.overvote == "split" else INACTIVE["overvote"]
            state = np.where(n >= 2, several, np.where(n == 1, np.argmax(alive, axis=1), _PASS))
            # tie set t has code FIRST_TIE_CODE - t, so the table holds them in reverse
            lut[offset + FIRST_TIE_CODE - np.arange(n_ties)] = state
        return lut, offset

    def branches(self, usable: np.ndarray, frozen: np.ndarray | None = None) -> Branches:
        """These papers with every tie set read as fixed while ``usable`` holds.

        For a count that reads every paper again from its first preference whenever a
        candidate leaves (Meek's). A tie set with one usable candidate becomes that
        candidate, one with none is passed over; one with several ends the preferences
        there (the paper stops as an ``overvote``: the ``single_continuing`` reading), or
        under ``split`` divides the paper into one *branch* per usable candidate, each
        reading on from the tie set with that candidate in its place. A row's branches
        share its value equally (a paper split twice, two ways then three, is six branches
        of 1/6). ``frozen[row]`` (``exhaust_if_multiple``) is the preference at which a row
        stopped for good, or the depth. Single preferences stay as they are, usable or
        not, except that a candidate already read earlier on the branch is dropped: a tie
        set read as one of its candidates makes a later mark for that candidate a repeat.
        """
        assert self.ties is not None
        lut, offset = self.meaning(usable)
        depth = self.prefs.shape[1]
        tie = self.prefs <= FIRST_TIE_CODE
        state = np.where(tie, lut[np.where(tie, self.prefs, NO_CANDIDATE) + offset], self.prefs)
        stop = state == INACTIVE["overvote"]
        if frozen is not None:
            stop |= np.arange(depth)[None, :] >= frozen[:, None]
        after = np.logical_or.accumulate(stop, axis=1)
        stopped = after[:, -1]
        cut = np.where(stopped, np.argmax(stop, axis=1), depth)
        prefs = np.where(after | (state == _PASS), NO_CANDIDATE, state)
        end = np.where(stopped, INACTIVE["overvote"], self.end)
        row = np.arange(self.rows)
        parts = np.ones(self.rows, dtype=np.int64)
        named = np.flatnonzero(tie.any(axis=1))
        if not named.size:
            return Branches(prefs, end, cut, row, parts)
        # Rows with a tie set are few: each is read on its own, into its branches.
        alive = self.ties & usable
        out: list[tuple[int, ...]] = []
        size = np.ones(self.rows, dtype=np.int64)
        for r in named.tolist():
            options = [
                np.flatnonzero(alive[FIRST_TIE_CODE - code]).tolist() if kind == SPLIT else [kind]
                for code, kind in zip(self.prefs[r].tolist(), prefs[r].tolist())
            ]
            branches = [_drop_repeats(branch) for branch in itertools.product(*options)]
            size[r] = len(branches)
            out.extend(branches)
        rows = np.repeat(row, size)
        mine = np.isin(rows, named)
        prefs, end, cut = prefs[rows], end[rows], cut[rows]
        prefs[mine] = np.array(out, dtype=np.int64).reshape(-1, depth)
        return Branches(prefs, end, cut, rows, np.repeat(size, size))

    def at_tie(self, rows: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """Which of ``rows`` stand at a tie set (their preference at ``pos``)."""
        depth = self.prefs.shape[1]
        inside = pos < depth
        out = np.zeros(rows.size, dtype=bool)
        out[inside] = self.prefs[rows[inside], pos[inside]] <= FIRST_TIE_CODE
        return out


@dataclass(frozen=True, eq=False)
class Branches:
    """Papers read as fixed for the continuing candidates (:meth:`Papers.branches`).

    ``prefs``: (branches, depth) candidate indices, ``NO_CANDIDATE`` where nothing is read;
    ``end``: each branch's end code; ``cut``: the preference at which a branch stopped at
    an overvote (the depth if it did not); ``row``: the paper row of each branch;
    ``parts``: how many branches that row has, each worth 1/parts of it.
    """

    prefs: np.ndarray
    end: np.ndarray
    cut: np.ndarray
    row: np.ndarray
    parts: np.ndarray


def _drop_repeats(branch: tuple[int, ...]) -> tuple[int, ...]:
    """A branch's preferences with a candidate read a second time left out."""
    seen: set[int] = set()
    out = []
    for c in branch:
        out.append(c if c not in seen else NO_CANDIDATE)
        if c >= 0:
            seen.add(c)
    return tuple(out)


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


def _refuse_unreadable(weights: np.ndarray, choices: np.ndarray, reading: Reading) -> None:
    """Refuse what STV papers cannot be read from: a fractional weight, an excluded
    candidate, an overvote without names under a rule that reads overvotes by name."""
    if not np.all(weights == np.round(weights)):
        bad = int(np.flatnonzero(weights != np.round(weights))[0])
        raise RuleError(f"STV counts whole ballot papers; ballot row {bad + 1} has weight {weights[bad]!r}")
    if reading.excluded:
        raise ConfigError(
            "STV rules leave candidates out as withdrawn (see tally.rules), not by option excluded"
        )
    if reading.needs_names and bool((choices == OVERVOTE).any()):
        raise ConfigError(
            f"option overvote={reading.overvote!r} needs to know which candidates an overvote "
            "marks, but these ballots hold overvotes without candidate names; "
            "use overvote='exhaust' or 'skip'"
        )


def read_papers(ballots: RankedBallots, reading: Reading | None = None) -> Papers:
    """Read each row's usable preferences (see the module docstring).

    Raises :class:`~tally.errors.ConfigError` for an overvote rule that needs names on
    ballots with unnamed overvotes and :class:`~tally.errors.RuleError` for a ballot weight that is not a whole number.
    """
    reading = Reading() if reading is None else reading
    named = reading.needs_names
    weights = ballots.weights
    choices = ballots.choices
    if reading.max_rankings is not None:
        choices = choices[:, : reading.max_rankings]
    _refuse_unreadable(weights, choices, reading)
    rows, ranks = choices.shape
    prefs = np.full((rows, max(ranks, 1)), NO_CANDIDATE, dtype=np.int64)
    over = choices < SKIPPED
    stops = {"overvote": over if reading.overvote == "exhaust" else np.zeros_like(over)}
    if reading.max_skipped is not None and ranks:
        stops["skipped"] = (choices != SKIPPED) & (_blank_run(choices) > reading.max_skipped)
    single = choices >= 0
    # under the rules that read overvotes by name, a tie set is a preference like any other
    fresh = (choices >= 0) | over if named else single.copy()
    if reading.repeated == "exhaust" and ranks > 1:
        stops["repeated"] = _repeats(choices, single, ballots.n_candidates)
        if named:
            stops["repeated"] |= _tie_repeats(choices, ballots)
    stop = np.zeros_like(over)
    for cells in stops.values():
        stop |= cells
    any_stop = bool(stop.any())
    if any_stop:
        fresh &= ~np.logical_or.accumulate(stop, axis=1)
    repeats = False
    if ranks > 1 and reading.repeated == "skip":
        # Only rows marking some candidate twice need the rank-by-rank repeat check.
        twice = _rows_with_repeats(choices, fresh & single, ballots.n_candidates)
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
    extra: dict[str, object] = {}
    if named:
        ties = np.zeros((len(ballots.tie_sets), ballots.n_candidates), dtype=bool)
        for t, members in enumerate(ballots.tie_sets):
            ties[t, list(members)] = True
        extra = {"ties": ties, "overvote": reading.overvote}
    if not (any_stop or repeats or gaps or (over.any() and reading.overvote == "skip")):
        # Every mark counts and none follows a blank rank: the ballots read as they are.
        prefs[:, :ranks] = np.where(fresh, choices, NO_CANDIDATE)
        return Papers(prefs=prefs, end=end, count=count, valid=length > 0, **extra)  # type: ignore[arg-type]
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
    return Papers(prefs=prefs, end=end, count=count, valid=length > 0, **extra)  # type: ignore[arg-type]


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


def _tie_repeats(choices: np.ndarray, ballots: RankedBallots) -> np.ndarray:
    """(rows, ranks): a mark sharing a candidate with an earlier mark where a tie set is involved.

    As the ballot walk reads it: a mark repeats when any of its candidates was marked
    before, alone or in a tie set. Only rows holding a tie set are read, one by one (they
    are few).
    """
    out = np.zeros(choices.shape, dtype=bool)
    for row in np.flatnonzero((choices <= FIRST_TIE_CODE).any(axis=1)).tolist():
        seen: set[int] = set()
        for r, code in enumerate(choices[row].tolist()):
            if code == SKIPPED:
                continue
            marked = ballots.members(code)
            if seen & marked:
                out[row, r] = True
                break
            seen |= marked
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
