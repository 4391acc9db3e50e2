"""The ballot walk: which candidate each ranked ballot counts for as candidates leave.

Every sequential ranked rule (IRV and its kin, the RCTab tabulator) asks the same
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
   is; ``"single_continuing"`` does the same but only *sets the ballot aside* while two or
   more continue (it is re-read whenever a candidate leaves, and counts for the last one
   left); ``"split"`` counts the ballot for every continuing overvoted candidate, its
   weight shared equally, and passes on once none is left. These three need the
   candidates' names, so unnamed overvotes are refused.
4. Otherwise the ballot counts for the marked candidate if continuing, or moves on.

Marks beyond ``max_rankings`` ranks are not read. The option names and values are
:class:`tally.options.Reading`'s, shared by every ranked rule.

A ballot marking nobody at all is an *undervote* from the start and never active.
Ranks with only excluded candidates are marks like any other (they matter for skipped
ranks and overvotes), but an excluded candidate is never continuing, so a ballot ranking
only excluded candidates is *exhausted* from round 1, as in RCTab.

Because continuing candidates only ever leave, resuming each row where it stopped gives
the same result as RCTab's re-reading of every ballot from its first rank.

>>> from tally.ballots import RankedBallots
>>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B"], ["C", None, None, "A"]])
>>> w = Walk(b, Reading(max_skipped=1))
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

import numpy as np

from ..ballots import FIRST_TIE_CODE, OVERVOTE, SKIPPED, RankedBallots
from ..errors import ConfigError
from ..options import (
    EXHAUSTED,
    EXHAUSTED_KINDS,
    INACTIVE_REASONS,
    OVERVOTED,
    REPEATED,
    SKIPPED_OUT,
    UNDERVOTE,
    Reading,
    reason_of,
)

__all__ = [
    "EXHAUSTED",
    "OVERVOTED",
    "REASONS",
    "REPEATED",
    "SKIPPED_OUT",
    "UNDERVOTE",
    "Walk",
    "reason",
]

REASONS = INACTIVE_REASONS
reason = reason_of

# Internal markers: rows still looking for their next candidate, tie sets whose meaning
# depends on which members continue, and rows split among the members of a tie set.
_SEARCHING = -100
_DECIDE = -101
_SPLIT = -7
_SHIFT = 7  # codes -7..-1 map to slots 0..6 of a shifted bincount


class Walk:
    """The candidate each ballot row counts for, round after round.

    ``current[i]`` is the candidate index row ``i`` counts for now, or a negative code
    (:data:`UNDERVOTE`, :data:`OVERVOTED`, :data:`SKIPPED_OUT`, :data:`REPEATED`,
    :data:`EXHAUSTED`) once the row is inactive. Inactive rows stay inactive, except rows
    set aside at an overvote under ``overvote="single_continuing"``, which are read again
    whenever a candidate leaves. Under ``overvote="split"`` a row at an overvote with
    continuing candidates holds an internal code and counts for each of them (see
    :meth:`tally`). ``position[i]`` is the rank column the row has reached (-1 before its
    first mark).

    On construction every candidate not in ``excluded`` (indices) or
    ``rules.excluded`` (names) is continuing and each row finds its first valid mark.
    :meth:`advance` moves on the rows whose candidate is no longer continuing; after it,
    :attr:`moved` holds those rows and :attr:`moved_from` the candidates they left (so a
    rule can report transfers).

    Raises :class:`~tally.errors.ConfigError` when an overvote rule that needs names
    meets an overvote whose candidates are not named, or an excluded candidate is unknown.
    """

    def __init__(
        self,
        ballots: RankedBallots,
        rules: Reading | None = None,
        *,
        excluded: frozenset[int] = frozenset(),
    ) -> None:
        rules = Reading() if rules is None else rules
        self.ballots = ballots
        self.rules = rules
        self.n_candidates = ballots.n_candidates
        choices = np.ascontiguousarray(ballots.choices, dtype=np.int32)
        if rules.max_rankings is not None and choices.shape[1] > rules.max_rankings:
            choices = np.ascontiguousarray(choices[:, : rules.max_rankings])
        self._choices = choices
        rows, ranks = choices.shape
        self._ranks = ranks
        c = self.n_candidates
        self._members = np.zeros((len(ballots.tie_sets), c), dtype=bool)
        for t, members in enumerate(ballots.tie_sets):
            self._members[t, list(members)] = True
        self._has_ties = bool((choices <= FIRST_TIE_CODE).any()) if choices.size else False
        self._has_unnamed = bool((choices == OVERVOTE).any()) if choices.size else False
        if rules.needs_names and self._has_unnamed:
            raise ConfigError(
                f"option overvote={rules.overvote!r} needs to know which candidates an overvote "
                "marks, but these ballots hold overvotes without candidate names; "
                "use overvote='exhaust' or 'skip'"
            )
        self._gap = self._blank_runs() if rules.max_skipped is not None else None
        self._repeat = self._repeats() if rules.repeated == "exhaust" else None
        self._full: np.ndarray | None = None
        self._wait = rules.overvote == "single_continuing" and self._has_ties
        self._split = rules.overvote == "split" and self._has_ties

        excluded = frozenset(excluded) | self._named(rules.excluded)
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
        self._before: tuple[np.ndarray, np.ndarray] = (self.continuing, self.position[self.moved])
        # exhausted ballot weight (partially, fully ranked), kept as rows exhaust: they never return
        self._exhausted = np.zeros(2)
        self._newly_exhausted: list[np.ndarray] = []
        self._search(self.moved)
        self._count_exhausted()

    def _named(self, names: frozenset[str]) -> frozenset[int]:
        unknown = sorted(n for n in names if n not in self.ballots.candidates)
        if unknown:
            raise ConfigError(f"excluded candidate {unknown[0]!r} is not on these ballots")
        return frozenset(self.ballots.candidates.index(n) for n in names)

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
        other._exhausted = self._exhausted.copy()
        other._newly_exhausted = []
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
        previous = self.continuing
        self.continuing = continuing & self._allowed
        # one gather: inactive codes never leave, candidates leave if not continuing
        leaves = np.concatenate((np.zeros(_SHIFT, dtype=bool), ~self.continuing))
        rows = np.flatnonzero(leaves[self.current + _SHIFT])
        self.position[rows] += 1
        if self._wait or self._split:
            # Rows set aside at an overvote (or split across one) are read again at the
            # same rank: the overvote means something else once a candidate has left.
            again = self._at_overvote()
            self._before = (previous, np.concatenate((self.position[rows] - 1, self.position[again])))
            rows = np.concatenate((rows, again))
        self.moved = rows
        self.moved_from = self.current[rows].copy()
        self._search(rows)
        self._count_exhausted()

    def _at_overvote(self) -> np.ndarray:
        """Rows waiting (single_continuing) or split at a tie set, which are read again."""
        held = self.current == (_SPLIT if self._split else OVERVOTED)
        rows = np.flatnonzero(held)
        if rows.size and self._wait:
            cell = self._choices[rows, np.maximum(self.position[rows], 0)]
            rows = rows[cell <= FIRST_TIE_CODE]
        return rows

    def _lookup(self) -> tuple[np.ndarray, int]:
        """What a mark means while the continuing set stays as it is, by code.

        Index ``code + offset``: a continuing candidate's index, :data:`OVERVOTED`,
        ``_SEARCHING`` (pass on) or ``_DECIDE`` (a tie set whose meaning depends on which
        of its members continue).
        """
        offset = len(self.ballots.tie_sets) - FIRST_TIE_CODE
        lut = np.full(offset + self.n_candidates, _SEARCHING, dtype=np.int32)
        cands = np.arange(self.n_candidates, dtype=np.int32)
        lut[offset:] = np.where(self.continuing, cands, _SEARCHING)
        overvote = self.rules.overvote
        if overvote == "exhaust":
            lut[offset + OVERVOTE] = OVERVOTED
            lut[: offset + FIRST_TIE_CODE + 1] = OVERVOTED
        elif overvote != "skip":
            lut[: offset + FIRST_TIE_CODE + 1] = _DECIDE
        return lut, offset

    def _decide(self, code: np.ndarray) -> np.ndarray:
        """The state of rows at tie sets (``code``) under the overvote rules that need names."""
        alive = self._members[FIRST_TIE_CODE - code] & self.continuing
        n = alive.sum(axis=1)
        one = np.argmax(alive, axis=1)
        several = {"exhaust_if_multiple": OVERVOTED, "single_continuing": OVERVOTED, "split": _SPLIT}
        multiple = several[self.rules.overvote]
        if self.rules.overvote == "split":
            return np.where(n >= 1, np.where(n == 1, one, multiple), _SEARCHING).astype(np.int32)
        return np.where(n >= 2, multiple, np.where(n == 1, one, _SEARCHING)).astype(np.int32)

    def _search(self, rows: np.ndarray) -> None:
        """Walk ``rows`` from their position to their next valid mark (or inactivity)."""
        flat = self._choices.ravel()
        rules = self.rules
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
                self._newly_exhausted.append(todo[done])
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
            if self._has_ties and rules.needs_names:
                tied = np.flatnonzero(state == _DECIDE)
                if tied.size:
                    state[tied] = self._decide(code[tied])
            found = state != _SEARCHING
            current[todo[found]] = state[found]
            todo = todo[~found]
            pos[todo] += 1

    # -- reading the walk -------------------------------------------------------------------

    def _weights(self, weights: np.ndarray | None) -> np.ndarray:
        return self.ballots.weights if weights is None else np.asarray(weights, dtype=np.float64)

    def split_members(self) -> tuple[np.ndarray, np.ndarray]:
        """The rows now divided at an overvote (``overvote="split"``), and among whom.

        Returns ``(rows, members)``: the rows' indices, ascending, and a (len(rows), C)
        boolean array of the continuing candidates each row's overvote marks (two or more
        per row). Both are empty under the other overvote rules. For a count that does
        its own arithmetic on the shares (RCTab's decimals).
        """
        if not self._split:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.n_candidates), dtype=bool)
        rows = np.flatnonzero(self.current == _SPLIT)
        code = self._choices[rows, self.position[rows]]
        members: np.ndarray = self._members[FIRST_TIE_CODE - code] & self.continuing
        return rows, members

    def _split_share(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), C): the share of each split row going to each continuing candidate."""
        code = self._choices[rows, self.position[rows]]
        alive = self._members[FIRST_TIE_CODE - code] & self.continuing
        share: np.ndarray = alive / np.maximum(alive.sum(axis=1, keepdims=True), 1)
        return share

    def _counts(self, weights: np.ndarray | None) -> np.ndarray:
        """Weight per code: slots 0..6 for codes -7..-1 (inactive reasons), then candidates."""
        w = self._weights(weights)
        counts = np.bincount(self.current + _SHIFT, weights=w, minlength=_SHIFT + self.n_candidates)
        if self._split:
            rows = np.flatnonzero(self.current == _SPLIT)
            if rows.size:
                counts[_SHIFT:] += w[rows] @ self._split_share(rows)
                counts[0] = 0.0
        return counts

    def tally(self, weights: np.ndarray | None = None) -> np.ndarray:
        """(C,) weight of the rows counting for each candidate (ballot weights by default)."""
        return self._counts(weights)[_SHIFT:]

    def inactive(self, weights: np.ndarray | None = None) -> dict[str, float]:
        """Weight of the inactive rows by reason (every reason present, zero or not)."""
        return self.counts(weights)[1]

    def counts(self, weights: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, float]]:
        """(tally, inactive) in one pass over the rows."""
        counts = self._counts(weights)
        return counts[_SHIFT:], {name: float(counts[_SHIFT - 1 - i]) for i, name in enumerate(REASONS)}

    def exhausted_by_ranking(self, weights: np.ndarray | None = None) -> dict[str, float]:
        """Exhausted weight split by whether the ballot marked every rank it was allowed.

        ``fully_ranked``: the ballot marks all ``max_rankings`` ranks (all the ranks the
        ballots hold when there is no limit); ``partially_ranked``: fewer (RCTab issue 854).
        Skipped ranks between marks do not count as marks.
        """
        if weights is None:
            partial, full = self._exhausted.tolist()
            return {"partially_ranked": partial, "fully_ranked": full}
        done = self.current == EXHAUSTED
        if not done.any():
            return dict.fromkeys(EXHAUSTED_KINDS, 0.0)
        w = self._weights(weights)
        full_rows = self._fully_ranked()
        return {
            "partially_ranked": float(w[done & ~full_rows].sum()),
            "fully_ranked": float(w[done & full_rows].sum()),
        }

    def _count_exhausted(self) -> None:
        """Add the rows the last search exhausted to the exhausted totals."""
        if not self._newly_exhausted:
            return
        done = np.concatenate(self._newly_exhausted)
        self._newly_exhausted = []
        allowed = self.rules.max_rankings or self._ranks
        full = (self._choices[done] != SKIPPED).sum(axis=1) >= allowed
        w = self.ballots.weights[done]
        self._exhausted += (float(w[~full].sum()), float(w[full].sum()))

    def _fully_ranked(self) -> np.ndarray:
        """Rows marking every rank allowed (worked out once, on first use)."""
        if self._full is None:
            allowed = self.rules.max_rankings or self._ranks
            self._full = (self._choices != SKIPPED).sum(axis=1) >= allowed
        return self._full

    def flows(self, weights: np.ndarray | None = None) -> dict[int, dict[int | str, float]]:
        """Where the rows moved by the last :meth:`advance` went, by candidate left.

        ``{left: {new candidate index or inactive reason: weight}}``, destinations in
        candidate order then reason order; rows that moved to nothing new are not
        listed. Useful for per-candidate transfers when several candidates leave at once.
        Rows set aside at an overvote that come back count for their candidate without a
        transfer (they were inactive). Split rows pass on the share of each candidate that
        left to the candidates they count for now, in proportion to what each gained.
        """
        if self._split:
            return self._split_flows(self._weights(weights))
        out: dict[int, dict[int | str, float]] = {}
        src = self.moved_from
        keep = src >= 0
        if not keep.any():
            return out
        width = _SHIFT + self.n_candidates
        w = self._weights(weights)[self.moved[keep]]
        dst = self.current[self.moved[keep]] + _SHIFT
        left: np.ndarray
        slot: np.ndarray
        if self.n_candidates <= 64:
            # few candidates: a grid over all of them is cheaper than finding those that left
            left, slot = np.arange(self.n_candidates), src[keep]
        else:
            # only the candidates that left: a grid over every candidate would cost C^2 per round
            left, slot = np.unique(src[keep], return_inverse=True)
        key = slot * width + dst
        grid = np.bincount(key, weights=w, minlength=left.size * width).reshape(left.size, width)
        hit = np.bincount(key, minlength=left.size * width).reshape(grid.shape)
        for i in np.flatnonzero(hit.any(axis=1)).tolist():
            c = int(left[i])
            sums: dict[int | str, float] = {}
            for col in np.flatnonzero(hit[i, _SHIFT:]).tolist():
                sums[int(col)] = float(grid[i, _SHIFT + col])
            for j, name in enumerate(REASONS):
                col = _SHIFT - 1 - j
                if hit[i, col]:
                    sums[name] = float(grid[i, col])
            out[int(c)] = sums
        return out

    def _split_flows(self, w: np.ndarray) -> dict[int, dict[int | str, float]]:
        """Flows when rows may be split: each moved row's value by destination, before and after."""
        out: dict[int, dict[int | str, float]] = {}
        was_continuing, was_at = self._before
        for i, row in enumerate(self.moved.tolist()):
            old = self._allocation(row, int(self.moved_from[i]), int(was_at[i]), was_continuing)
            new = self._allocation(row, int(self.current[row]), int(self.position[row]), self.continuing)
            lost = {
                k: v - new.get(k, 0.0) for k, v in old.items() if isinstance(k, int) and new.get(k, 0.0) < v
            }
            gain = {k: v - old.get(k, 0.0) for k, v in new.items() if v > old.get(k, 0.0)}
            total = sum(gain.values())
            for src, value in lost.items():
                dests = out.setdefault(src, {})
                for dst, g in gain.items():
                    dests[dst] = dests.get(dst, 0.0) + float(w[row] * value * g / total)
        return {k: dict(sorted(v.items(), key=_dest_order)) for k, v in sorted(out.items())}

    def _allocation(self, row: int, code: int, at: int, continuing: np.ndarray) -> dict[int | str, float]:
        """A row's value (1 in all) by candidate or inactive reason, in state ``code`` at rank ``at``."""
        if code >= 0:
            return {code: 1.0}
        if code == _SPLIT:
            members = self._members[FIRST_TIE_CODE - self._choices[row, at]] & continuing
            alive = np.flatnonzero(members).tolist()
            return {int(m): 1.0 / len(alive) for m in alive}
        if -len(REASONS) <= code <= -1:
            return {reason(code): 1.0}
        return {}


def _dest_order(item: tuple[int | str, float]) -> tuple[int, int]:
    key = item[0]
    return (0, key) if isinstance(key, int) else (1, REASONS.index(key))
