"""Explicit tie-breaking, recorded in the outcome.

Modes (the ``tiebreak`` option of every rule):

``all``
    Leave the tie standing and report every tied candidate. The default for rules
    that decide in one step. Sequential rules (IRV and its kin) explore every way the
    tie could be broken and report the union of the winners ("parallel universes").
``order``
    Candidate order: the candidate earlier in the ballot's candidate list (or in the
    ``order`` option) is preferred; the later one is eliminated first.
``previous_round``
    Compare the tied candidates' counts in earlier rounds, most recent first; a
    candidate lower in an earlier round is eliminated (or higher is elected). Falls
    back to ``random`` when every earlier round is tied too.
``random``
    A draw from a generator seeded with ``seed`` (0 when not given). The seed is
    recorded in the outcome, so the same seed gives the same draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import ConfigError
from .outcome import Tie

__all__ = [
    "TIEBREAK_MODES",
    "CountHistory",
    "TieBreaker",
    "best",
    "check_tiebreak",
    "earlier_rounds",
    "mode_words",
]

TIEBREAK_MODES = ("all", "order", "previous_round", "random")

_MODE_WORDS = {
    "all": "left standing",
    "order": "broken by candidate order",
    "useCandidateOrder": "broken by candidate order",
    "previous_round": "broken by earlier rounds",
    "previousRoundCountsThenRandom": "broken by earlier rounds, then by lot",
    "previousRoundCountsThenAsk": "broken by earlier rounds",
    "random": "broken by lot",
    "permutation": "broken by a random candidate order",
    "generatePermutation": "broken by a random candidate order",
}


def mode_words(mode: str) -> str:
    """How a tie was broken, in words, for tally's and RCTab's tie-break modes alike:
    ``"useCandidateOrder"`` → "broken by candidate order"."""
    return _MODE_WORDS.get(mode, f"broken by tie-break {mode}")


def check_tiebreak(mode: str) -> str:
    if mode not in TIEBREAK_MODES:
        raise ConfigError(f"unknown tie-break mode {mode!r}; choose one of {', '.join(TIEBREAK_MODES)}")
    return mode


class TieBreaker:
    """Settles ties for one count and keeps the record of each one.

    ``history`` passed to :meth:`pick` is the list of earlier rounds' tallies (arrays
    indexed by candidate), oldest first.
    """

    def __init__(
        self,
        mode: str,
        candidates: Sequence[str],
        *,
        seed: int | None = None,
        order: Sequence[str] | None = None,
    ) -> None:
        self.mode = check_tiebreak(mode)
        self.candidates = tuple(candidates)
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
        ):
            raise ConfigError(f"seed must be a whole number of at least 0, not {seed!r}")
        self.seed = 0 if seed is None else int(seed)
        self._generator: np.random.Generator | None = None
        if order is None:
            self._rank = {i: i for i in range(len(self.candidates))}
        else:
            missing = set(self.candidates) - set(order)
            if missing:
                raise ConfigError(f"tie-break order leaves out {', '.join(sorted(missing))}")
            self._rank = {self.candidates.index(n): k for k, n in enumerate(order) if n in self.candidates}
        self.ties: list[Tie] = []

    @property
    def _rng(self) -> np.random.Generator:
        # made on first use: most counts meet no tie that needs a draw
        if self._generator is None:
            self._generator = np.random.default_rng(self.seed)
        return self._generator

    def record(self, tie: Tie) -> None:
        self.ties.append(tie)

    def pick(
        self,
        tied: Sequence[int],
        *,
        purpose: str,
        round: int | None = None,
        history: Sequence[np.ndarray] = (),
        lowest: bool = True,
    ) -> int:
        """Choose one of ``tied``: the one to eliminate (``lowest``) or to prefer.

        Records the tie. Mode ``all`` cannot pick; callers handle it before asking.
        """
        tied = sorted(tied)
        if len(tied) == 1:
            return tied[0]
        names = tuple(self.candidates[i] for i in tied)
        if self.mode == "all":
            raise ConfigError("tie-break mode 'all' cannot choose a single candidate")
        mode, detail = self.mode, ""
        if mode == "previous_round":
            pool, back = earlier_rounds(history, tied, lowest=lowest)
            if len(pool) == 1:
                detail = f"decided by the counts {back} round(s) earlier"
            else:
                mode = "random"
                detail = "earlier rounds tied too; drawn at random"
                tied = pool
        if mode == "order":
            ranked = sorted(tied, key=self._rank.__getitem__)
            choice = ranked[-1] if lowest else ranked[0]
            detail = "later in candidate order" if lowest else "earlier in candidate order"
        elif mode == "random":
            choice = int(self._rng.choice(np.array(tied)))
            detail = (
                detail + "; " if detail and "random" not in detail else detail
            ) or f"drawn at random (seed {self.seed})"
            if "seed" not in detail:
                detail += f" (seed {self.seed})"
        else:
            choice = pool[0]
        self.record(
            Tie(
                round=round,
                purpose=purpose,
                tied=names,
                mode=self.mode,
                chosen=(self.candidates[choice],),
                detail=detail,
            )
        )
        return choice


class CountHistory(Sequence[np.ndarray]):
    """Earlier rounds' counts (oldest first) as the rows of one growing matrix.

    A sequence of arrays like any other ``history``, but a tie-break can read a block of
    rounds for the tied candidates in one slice (see :func:`earlier_rounds`). It also
    keeps, per candidate, a rank of their whole history read most recent round first
    (:attr:`ranks`): two candidates have the same rank exactly when their counts were
    equal in every round, and a lower rank means fewer votes at the latest round where
    they differ. It costs one sort of the candidates per round, paid only once a tie asks.
    """

    def __init__(self, width: int) -> None:
        self._data = np.zeros((8, width))
        self._n = 0
        self._ranks = np.zeros(width, dtype=np.int64)
        self._ranked = 0  # rounds the ranks take in (worked out when a tie asks)

    def append(self, counts: np.ndarray) -> None:
        if self._n == self._data.shape[0]:
            self._data = np.concatenate((self._data, np.zeros_like(self._data)))
        self._data[self._n] = counts
        self._n += 1

    @property
    def ranks(self) -> np.ndarray:
        """Per candidate, the rank of their counts read most recent round first."""
        while self._ranked < self._n:
            # the newer round decides first, the ranks of the earlier rounds break its ties
            row = self._data[self._ranked]
            order = np.lexsort((self._ranks, row))
            step = np.ones(order.size, dtype=np.int64)
            step[0] = 0
            step[1:] = (row[order][1:] != row[order][:-1]) | (
                self._ranks[order][1:] != self._ranks[order][:-1]
            )
            ranks = np.empty_like(self._ranks)
            ranks[order] = np.cumsum(step)
            self._ranks = ranks
            self._ranked += 1
        return self._ranks

    def copy(self) -> CountHistory:
        other = CountHistory(self._data.shape[1])
        other._data = self._data[: max(self._n, 8)].copy()
        other._n = self._n
        other._ranks = self._ranks.copy()
        other._ranked = self._ranked
        return other

    def plus(self, counts: np.ndarray) -> CountHistory:
        """A copy with ``counts`` appended (for a branch that explores another order)."""
        other = self.copy()
        other.append(counts)
        return other

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return self._data[: self._n][index]
        if not -self._n <= index < self._n:
            raise IndexError(index)
        return self._data[index % self._n]

    def block(self, start: int, stop: int, columns: np.ndarray) -> np.ndarray:
        """Rounds ``stop - 1`` down to ``start`` (most recent first) of ``columns``."""
        return self._data[start:stop][::-1][:, columns]


def earlier_rounds(
    history: Sequence[Sequence[float] | np.ndarray], tied: Sequence[int], *, lowest: bool = True
) -> tuple[list[int], int]:
    """The candidates of ``tied`` that earlier rounds single out, and how far back that took.

    Rounds are read most recent first; at each, only the tied candidates with the fewest
    (``lowest``) or most votes stay. Returns (those left, rounds read back): one candidate
    when some earlier round separated them, else every candidate tied in every round.

    The rounds are read in blocks that double in size, each a lexicographic sort of the
    tied candidates' counts, so a tie costs time in proportion to the rounds it needs
    (times the candidates tied), never a pass over every round per comparison. With a
    :class:`CountHistory`, candidates tied in every round are found from its ranks
    without reading the rounds at all.

    >>> earlier_rounds([[1, 5, 5], [2, 4, 4], [3, 3, 4]], [0, 1, 2])
    ([0], 2)
    """
    alive = np.asarray(sorted(tied), dtype=np.int64)
    if isinstance(history, CountHistory) and len(history):
        ranks = history.ranks[alive]
        alive = alive[ranks == (ranks.min() if lowest else ranks.max())]
        if alive.size > 1:
            return alive.tolist(), len(history)  # equal in every earlier round
        alive = np.asarray(sorted(tied), dtype=np.int64)  # one is singled out: find how far back
    start, block, back = len(history), 64, 0
    while alive.size > 1 and start > 0:
        size = min(block, start)
        if isinstance(history, CountHistory):
            values = history.block(start - size, start, alive)
        else:
            values = np.stack([np.asarray(history[start - 1 - k])[alive] for k in range(size)])
        if values.dtype == object:
            return _earlier_rounds_exact(values, alive, back, lowest)
        key = values if lowest else -values
        first = int(np.lexsort(key[::-1])[0])
        same = key == key[:, first : first + 1]
        whole = same.all(axis=0)
        if int(whole.sum()) == 1:
            differ = np.argmin(same[:, ~whole], axis=0)
            return [int(alive[first])], back + int(differ.max()) + 1
        alive = alive[whole]
        back += size
        start -= size
        block *= 2
    return alive.tolist(), back


def _earlier_rounds_exact(
    values: np.ndarray, alive: np.ndarray, back: int, lowest: bool
) -> tuple[list[int], int]:
    """:func:`earlier_rounds` on exact numbers (fractions), a round at a time."""
    pool = alive.tolist()
    cols = list(range(len(pool)))
    for k in range(values.shape[0]):
        row = [values[k, c] for c in cols]
        target = min(row) if lowest else max(row)
        cols = [c for c, v in zip(cols, row) if v == target]
        if len(cols) == 1:
            return [pool[cols[0]]], back + k + 1
    return [pool[c] for c in cols], back + values.shape[0]


def best(
    scores: Sequence[float] | np.ndarray,
    breaker: TieBreaker,
    *,
    among: Sequence[int] | np.ndarray | None = None,
    highest: bool = True,
    purpose: str = "winner",
    round: int | None = None,
    history: Sequence[np.ndarray] = (),
    detail: str = "tie left standing; every tied candidate reported",
    tol: float = 1e-9,
) -> tuple[list[int], bool]:
    """The candidates with the best (``highest``) or worst score, after the tie-break.

    Returns (chosen indices, whether a tie was left standing). With mode ``all`` every
    tied candidate is returned and the tie recorded with ``detail``; otherwise the
    breaker picks one, reading earlier rounds' scores from ``history`` (oldest first).

    >>> best([3, 1, 3], TieBreaker("order", ["A", "B", "C"]))
    ([0], False)
    """
    values = np.asarray(scores, dtype=float)
    pool = np.arange(values.size) if among is None else np.asarray(among, dtype=np.int64)
    values = values[pool]
    target = values.max() if highest else values.min()
    if np.isfinite(target):
        tied = pool[np.abs(values - target) <= tol].tolist()
    else:  # equal infinities (every candidate without a score) tie too
        tied = pool[values == target].tolist()
    if len(tied) == 1:
        return tied, False
    if breaker.mode == "all":
        names = tuple(breaker.candidates[i] for i in tied)
        breaker.record(Tie(round=round, purpose=purpose, tied=names, mode="all", chosen=names, detail=detail))
        return tied, True
    return [breaker.pick(tied, purpose=purpose, round=round, history=history, lowest=not highest)], False
