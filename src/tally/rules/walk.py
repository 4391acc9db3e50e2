"""The ballot walk: which candidate each ranked ballot counts for as candidates leave.

Every sequential ranked rule (IRV and its kin, the RCTab tabulator, STV) asks the same
question each round: for every ballot, who is the first *continuing* candidate it ranks,
and if there is none, why did the ballot stop counting? :class:`Walk` answers it for all
rows at once. It keeps, per row, the rank it has reached and the candidate it counts for
(or why it is inactive), and moves rows on only when their candidate leaves the count.
The work is vectorised over rows: loops run over rank columns, never over ballots.

The walk follows RCTab's rules for voter marks (``Tabulator.computeTalliesForRound`` in
BrightSpots/rcv), checked in this order at each marked rank the walk reaches:

1. **Skipped ranks** (``max_skipped``). If more than ``max_skipped`` blank ranks come
   directly before the mark (counting from the top of the ballot, so a blank first rank
   counts), the ballot becomes inactive as *skipped*. Blank ranks after the last mark do
   not count: a ballot that runs out of marks is *exhausted*.
2. **Repeated candidates** (``repeated="exhaust"``). If the mark names a candidate marked
   at an earlier rank (alone or inside an overvote), the ballot becomes inactive as
   *repeated*. With ``repeated="skip"`` a repeat is simply passed over, as any
   non-continuing candidate is. As in RCTab, an unnamed overvote marked twice counts as a
   repeat.
3. **Overvotes** (several candidates at one rank: a tie set, or an unnamed overvote).
   ``overvote="exhaust"`` makes the ballot inactive as *overvote* (whether or not the
   candidates are still continuing); ``"skip"`` passes to the next rank;
   ``"exhaust_if_multiple"`` makes it inactive only if two or more of the marked
   candidates are continuing, counts for the one if exactly one is, and passes on if none
   is. That last rule needs the candidates' names, so unnamed overvotes are refused.
4. Otherwise the ballot counts for the marked candidate if continuing, or moves on.

A ballot marking nobody at all is an *undervote* from the start and never active.
Ranks with only excluded candidates are marks like any other (they matter for skipped
ranks and overvotes), but an excluded candidate is never continuing, so a ballot ranking
only excluded candidates is *exhausted* from round 1, as in RCTab.

Because continuing candidates only ever leave, resuming each row where it stopped gives
the same result as RCTab's re-reading of every ballot from its first rank.

>>> from tally.ballots import RankedBallots
>>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B"], ["C", None, None, "A"]])
>>> w = Walk(b, WalkRules(max_skipped=1))
>>> w.tally().tolist()
[1.0, 1.0, 1.0]
>>> w.advance(np.array([False, True, True]))      # A leaves: its ballot moves to B
>>> w.tally().tolist()
[0.0, 2.0, 1.0]
>>> w.advance(np.array([False, True, False]))     # C leaves: its ballot then skips two ranks
>>> w.tally().tolist(), w.inactive()["skipped"]
([0.0, 2.0, 0.0], 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ballots import FIRST_TIE_CODE, OVERVOTE, SKIPPED, RankedBallots
from ..errors import ConfigError

__all__ = [
    "EXHAUSTED",
    "OVERVOTED",
    "REASONS",
    "REPEATED",
    "SKIPPED_OUT",
    "UNDERVOTE",
    "Walk",
    "WalkRules",
    "reason",
]

REASONS = ("undervote", "overvote", "skipped", "repeated", "exhausted")
"""Inactive reasons, in the order of their codes ``-1, -2, ...``."""
UNDERVOTE = -1
OVERVOTED = -2
SKIPPED_OUT = -3
REPEATED = -4
EXHAUSTED = -5

OVERVOTE_RULES = ("exhaust", "skip", "exhaust_if_multiple")
REPEAT_RULES = ("skip", "exhaust")

# Internal marker for rows still looking for their next candidate.
_SEARCHING = -100
_DECIDE = -101


def reason(code: int) -> str:
    """The inactive reason of a negative code of :attr:`Walk.current`."""
    return REASONS[-code - 1]


@dataclass(frozen=True)
class WalkRules:
    """How voter marks are read (RCTab's overvote, skipped-rank and duplicate rules).

    ``overvote``: ``"exhaust"`` (RCTab ``exhaustImmediately``), ``"skip"``
    (``alwaysSkipToNextRank``) or ``"exhaust_if_multiple"`` (``exhaustIfMultipleContinuing``).
    ``max_skipped``: consecutive blank ranks tolerated before a mark (RCTab
    ``maxSkippedRanksAllowed``); ``None`` means unlimited.
    ``repeated``: a candidate ranked again is ``"skip"``-ped or makes the ballot inactive
    (``"exhaust"``, RCTab ``exhaustOnDuplicateCandidate``).
    """

    overvote: str = "exhaust"
    max_skipped: int | None = None
    repeated: str = "skip"

    def __post_init__(self) -> None:
        if self.overvote not in OVERVOTE_RULES:
            raise ConfigError(
                f"option overvote: unknown rule {self.overvote!r}; choose one of {', '.join(OVERVOTE_RULES)}"
            )
        if self.repeated not in REPEAT_RULES:
            raise ConfigError(
                f"option repeated: unknown rule {self.repeated!r}; choose one of {', '.join(REPEAT_RULES)}"
            )
        if self.max_skipped is not None and (
            isinstance(self.max_skipped, bool)
            or not isinstance(self.max_skipped, (int, np.integer))
            or self.max_skipped < 0
        ):
            raise ConfigError(
                f"option max_skipped must be a whole number >= 0 or None (unlimited), not {self.max_skipped!r}"
            )


class Walk:
    """The candidate each ballot row counts for, round after round.

    ``current[i]`` is the candidate index row ``i`` counts for now, or a negative code
    (:data:`UNDERVOTE`, :data:`OVERVOTED`, :data:`SKIPPED_OUT`, :data:`REPEATED`,
    :data:`EXHAUSTED`) once the row is inactive; inactive rows stay inactive.
    ``position[i]`` is the rank column the row has reached (-1 before its first mark).

    On construction every candidate not in ``excluded`` is continuing and each row finds
    its first valid mark. :meth:`advance` moves on the rows whose candidate is no longer
    continuing; after it, :attr:`moved` holds those rows and :attr:`moved_from` the
    candidates they left (so a rule can report transfers).

    Raises :class:`~tally.errors.ConfigError` when ``overvote="exhaust_if_multiple"`` meets
    an overvote whose candidates are not named.
    """

    def __init__(
        self,
        ballots: RankedBallots,
        rules: WalkRules = WalkRules(),
        *,
        excluded: frozenset[int] = frozenset(),
    ) -> None:
        self.ballots = ballots
        self.rules = rules
        self.n_candidates = ballots.n_candidates
        choices = np.ascontiguousarray(ballots.choices, dtype=np.int32)
        self._choices = choices
        rows, ranks = choices.shape
        self._ranks = ranks
        c = self.n_candidates
        self._members = np.zeros((len(ballots.tie_sets), c), dtype=bool)
        for t, members in enumerate(ballots.tie_sets):
            self._members[t, list(members)] = True
        self._has_ties = bool((choices <= FIRST_TIE_CODE).any()) if choices.size else False
        self._has_unnamed = bool((choices == OVERVOTE).any()) if choices.size else False
        if rules.overvote == "exhaust_if_multiple" and self._has_unnamed:
            raise ConfigError(
                "option overvote='exhaust_if_multiple' needs to know which candidates an overvote "
                "marks, but these ballots hold overvotes without candidate names; "
                "use overvote='exhaust' or 'skip'"
            )
        self._gap = self._blank_runs() if rules.max_skipped is not None else None
        self._repeat = self._repeats() if rules.repeated == "exhaust" else None

        bad = [i for i in excluded if not 0 <= i < c]
        if bad:
            raise ConfigError(f"excluded candidate index {bad[0]} is out of range")
        self._allowed = np.ones(c, dtype=bool)
        self._allowed[list(excluded)] = False
        self.continuing = self._allowed.copy()
        self.position = np.full(rows, -1, dtype=np.int32)
        self.current = np.full(rows, _SEARCHING, dtype=np.int32)
        blank = (choices == SKIPPED).all(axis=1) if ranks else np.ones(rows, dtype=bool)
        self.current[blank] = UNDERVOTE
        self.moved = np.flatnonzero(~blank)
        self.moved_from = np.full(self.moved.size, _SEARCHING, dtype=np.int32)
        self._search(self.moved)

    # -- precomputation ---------------------------------------------------------------

    def _blank_runs(self) -> np.ndarray:
        """(rows, ranks): how many blank ranks come directly before each rank."""
        choices = self._choices
        gap = np.zeros(choices.shape, dtype=np.int16)
        run = np.zeros(choices.shape[0], dtype=np.int16)
        for r in range(self._ranks):
            gap[:, r] = run
            run = np.where(choices[:, r] == SKIPPED, run + 1, 0).astype(np.int16)
        return gap

    def _repeats(self) -> np.ndarray:
        """(rows, ranks): the mark at this rank names a candidate marked at an earlier rank.

        Column ``C`` of ``seen`` stands for the unnamed overvote, which RCTab treats as a
        candidate named "overvote" when it looks for duplicates.
        """
        choices = self._choices
        rows = choices.shape[0]
        c = self.n_candidates
        seen = np.zeros((rows, c + 1), dtype=bool)
        repeat = np.zeros(choices.shape, dtype=bool)
        everyone = np.arange(rows)
        for r in range(self._ranks):
            col = choices[:, r]
            single = col >= 0
            unnamed = col == OVERVOTE
            slot = np.where(single, col, c)
            named = single | unnamed
            repeat[named, r] = seen[everyone[named], slot[named]]
            for t in range(len(self.ballots.tie_sets)):
                hit = everyone[col == FIRST_TIE_CODE - t]
                if hit.size:
                    members = np.flatnonzero(self._members[t])
                    repeat[hit, r] = seen[np.ix_(hit, members)].any(axis=1)
                    seen[np.ix_(hit, members)] = True
            seen[everyone[named], slot[named]] = True
        return repeat

    # -- the walk -----------------------------------------------------------------------

    def copy(self) -> Walk:
        """An independent walk in the same state (for exploring several elimination orders).

        The ballots and precomputed tables are shared; only the per-row state is copied.
        """
        other = object.__new__(Walk)
        other.__dict__.update(self.__dict__)
        other.current = self.current.copy()
        other.position = self.position.copy()
        other.continuing = self.continuing.copy()
        return other

    def advance(self, continuing: np.ndarray) -> None:
        """Move on every active row whose candidate is not in ``continuing`` (bool (C,)).

        Excluded candidates stay out whatever ``continuing`` says.
        """
        continuing = np.asarray(continuing, dtype=bool)
        if continuing.shape != (self.n_candidates,):
            raise ConfigError(
                f"continuing must be a boolean array of {self.n_candidates} candidates, "
                f"got shape {continuing.shape}"
            )
        self.continuing = continuing & self._allowed
        # one gather: codes -5..-1 (inactive) never leave, candidates leave if not continuing
        leaves = np.concatenate((np.zeros(len(REASONS), dtype=bool), ~self.continuing))
        rows = np.flatnonzero(leaves[self.current + len(REASONS)])
        self.moved = rows
        self.moved_from = self.current[rows].copy()
        self.position[rows] += 1
        self._search(rows)

    def _lookup(self) -> tuple[np.ndarray, int]:
        """What a mark means while the continuing set stays as it is, by code.

        Index ``code + offset``: a continuing candidate's index, :data:`OVERVOTED`,
        ``_SEARCHING`` (pass on) or ``_DECIDE`` (a tie set under exhaust_if_multiple,
        which depends on which of its members continue).
        """
        offset = len(self.ballots.tie_sets) - FIRST_TIE_CODE
        lut = np.full(offset + self.n_candidates, _SEARCHING, dtype=np.int32)
        cands = np.arange(self.n_candidates, dtype=np.int32)
        lut[offset:] = np.where(self.continuing, cands, _SEARCHING)
        overvote = self.rules.overvote
        if overvote == "exhaust":
            lut[offset + OVERVOTE] = OVERVOTED
            lut[: offset + FIRST_TIE_CODE + 1] = OVERVOTED
        elif overvote == "exhaust_if_multiple":
            lut[: offset + FIRST_TIE_CODE + 1] = _DECIDE
        return lut, offset

    def _search(self, rows: np.ndarray) -> None:
        """Walk ``rows`` from their position to their next valid mark (or inactivity)."""
        flat = self._choices.ravel()
        rules = self.rules
        cont = self.continuing
        pos = self.position
        current = self.current
        lut, offset = self._lookup()
        if rows.size and pos[rows].min() < 0:
            pos[rows] = np.maximum(pos[rows], 0)
        todo = rows
        while todo.size:
            done = pos[todo] >= self._ranks
            if done.any():
                current[todo[done]] = EXHAUSTED
                todo = todo[~done]
                if not todo.size:
                    break
            # flat indices: one gather instead of a two-dimensional fancy index
            cell = todo * self._ranks + pos[todo]
            code = flat[cell]
            state = lut[code + offset]
            if self._gap is not None:
                state[(code != SKIPPED) & (self._gap.ravel()[cell] > rules.max_skipped)] = SKIPPED_OUT
            if self._repeat is not None:
                repeat = self._repeat.ravel()[cell]
                state[repeat & (state != SKIPPED_OUT)] = REPEATED
            if self._has_ties and rules.overvote == "exhaust_if_multiple":
                tied = np.flatnonzero(state == _DECIDE)
                if tied.size:
                    alive = self._members[FIRST_TIE_CODE - code[tied]] & cont
                    n = alive.sum(axis=1)
                    state[tied] = np.where(
                        n >= 2, OVERVOTED, np.where(n == 1, np.argmax(alive, axis=1), _SEARCHING)
                    )
            found = state != _SEARCHING
            current[todo[found]] = state[found]
            todo = todo[~found]
            pos[todo] += 1

    # -- reading the walk -------------------------------------------------------------------

    def _weights(self, weights: np.ndarray | None) -> np.ndarray:
        return self.ballots.weights if weights is None else np.asarray(weights, dtype=np.float64)

    def _counts(self, weights: np.ndarray | None) -> np.ndarray:
        """Weight per code: inactive reasons (codes -5..-1) first, then candidates."""
        shift = len(REASONS)
        return np.bincount(
            self.current + shift, weights=self._weights(weights), minlength=shift + self.n_candidates
        )

    def tally(self, weights: np.ndarray | None = None) -> np.ndarray:
        """(C,) weight of the rows counting for each candidate (ballot weights by default)."""
        return self._counts(weights)[len(REASONS) :]

    def inactive(self, weights: np.ndarray | None = None) -> dict[str, float]:
        """Weight of the inactive rows by reason (every reason present, zero or not)."""
        counts = self._counts(weights)
        return {name: float(counts[len(REASONS) - 1 - i]) for i, name in enumerate(REASONS)}

    def counts(self, weights: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, float]]:
        """(tally, inactive) in one pass over the rows."""
        counts = self._counts(weights)
        shift = len(REASONS)
        return counts[shift:], {name: float(counts[shift - 1 - i]) for i, name in enumerate(REASONS)}

    def flows(self, weights: np.ndarray | None = None) -> dict[int, dict[int | str, float]]:
        """Where the rows moved by the last :meth:`advance` went, by candidate left.

        ``{left: {new candidate index or inactive reason: weight}}``, destinations in
        candidate order then reason order; rows that moved to nothing new are not
        listed. Useful for per-candidate transfers when several candidates leave at once.
        """
        out: dict[int, dict[int | str, float]] = {}
        src = self.moved_from
        keep = src >= 0
        if not keep.any():
            return out
        shift = len(REASONS)
        width = shift + self.n_candidates
        w = self._weights(weights)[self.moved[keep]]
        dst = self.current[self.moved[keep]] + shift
        flat = np.bincount(src[keep] * width + dst, weights=w, minlength=self.n_candidates * width)
        grid = flat.reshape(self.n_candidates, width)
        hit = np.bincount(src[keep] * width + dst, minlength=self.n_candidates * width).reshape(grid.shape)
        for left in np.flatnonzero(hit.any(axis=1)):
            sums: dict[int | str, float] = {}
            for col in np.flatnonzero(hit[left, shift:]):
                sums[int(col)] = float(grid[left, shift + col])
            for i, name in enumerate(REASONS):
                col = shift - 1 - i
                if hit[left, col]:
                    sums[name] = float(grid[left, col])
            out[int(left)] = sums
        return out
