"""Simulation kernels: every election of a chunk counted at once on the profile form.

A chunk of elections is one table of distinct rankings ``orders`` (m, C) and the voters
casting each, ``counts`` (E, m). On that form:

* rules whose score is a sum over ballots (plurality, Borda, Dowdall) are one matrix
  product with a table of the points each ranking gives, taken from the rule itself
  (each rule counts one ballot of every length once);
* the pairwise support behind the Condorcet winner is one matrix product too;
* instant runoff is counted by a compiled kernel (numba, when installed) or, without
  it, by NumPy grouping the elections by the set of candidates already eliminated.

Only the rules' default options are counted here, as ``tally count`` uses them. An
election a kernel cannot settle exactly (a near tie in a floating-point score, a tie
that needs a draw the kernel does not replay, a tie between the last two) is counted by
the rule's own batch path, so every answer is what ``tally count`` gives for that
election alone.

``TALLY_JIT=0`` in the environment switches the compiled kernels off; the answers are
the same either way (the tests run both).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ballots import RankedBallots, RankedProfiles
from ..outcome import BatchOutcome
from ..rules import count as count_rule
from ..rules import get_rule
from .draws import compiled
from .products import as_float, exact_product, voters

__all__ = [
    "LINEAR",
    "Counted",
    "compiled",
    "count_batch",
    "count_profiles",
    "draw_table",
    "fast_rule",
    "points_table",
    "positions",
    "support",
]

LINEAR = ("plurality", "borda", "dowdall")
FAST = (*LINEAR, "irv")
IRV_STATES_MAX_CANDIDATES = 12  # the NumPy runoff groups elections by eliminated set
ALL_SETS_CELLS = 4_000_000  # largest table of every reachable set the runoff multiplies by


def fast_rule(name: str) -> str | None:
    """The rule's registered name when a kernel here counts it, else None."""
    info = get_rule(name)
    return info.name if info.name in FAST else None


@dataclass(frozen=True)
class Counted:
    """Every election's winners (E, C), whether a tie was left standing, inactive share."""

    winners: np.ndarray
    tied: np.ndarray
    inactive: np.ndarray


def positions(orders: np.ndarray) -> np.ndarray:
    """(m, C) place of each candidate on each ranking (0 first); C where unranked."""
    m, c = orders.shape
    pos = np.full((m, c), c, dtype=np.int64)
    rows = np.arange(m)
    for r in range(c):
        ok = orders[:, r] >= 0
        pos[rows[ok], orders[ok, r]] = r
    return pos


def support(orders: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """(E, C, C): voters ranking i above j (an unranked candidate below every ranked one)."""
    c = orders.shape[1]
    pos = positions(orders)
    above = (pos[:, :, None] < pos[:, None, :]).reshape(-1, c * c).astype(np.float64)
    return (counts @ above).reshape(-1, c, c)


_POINTS: dict[tuple[str, tuple[int, ...], bytes, tuple[str, ...]], np.ndarray] = {}


def points_table(rule: str, orders: np.ndarray, candidates: tuple[str, ...]) -> np.ndarray:
    """(m, C) points each ranking gives each candidate under a rule that sums points.

    The points come from the rule itself: it counts one ballot ranking the first ``n``
    candidates for each ballot length ``n`` present, and each ranking of that length
    takes those points place by place (an unranked candidate takes an unranked one's).
    """
    key = (rule, orders.shape, orders.tobytes(), candidates)
    if key in _POINTS:
        return _POINTS[key]
    m, c = orders.shape
    lengths = (orders >= 0).sum(axis=1)
    out = np.zeros((m, c))
    for n in np.unique(lengths):
        if n == 0:
            continue  # a blank ballot scores nobody
        ballot = RankedBallots.from_rankings(candidates, [list(candidates[:n])])
        scores = count_rule(ballot, rule).scores
        assert scores is not None
        by_place = np.array([scores[name] for name in candidates])
        rows = np.flatnonzero(lengths == n)
        out[rows] = by_place[-1] if n < c else 0.0
        out[rows[:, None], orders[rows, :n]] = by_place[:n]
    if len(_POINTS) > 64:
        _POINTS.clear()
    _POINTS[key] = out
    return out


def _linear(scores: np.ndarray, exact: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(winners, tied, unsettled): the top scores, ties standing (tie-break mode ``all``)."""
    best = scores.max(axis=1)
    winners = scores == best[:, None]
    unsettled = best <= 0  # nobody scored: left to the rule
    if not exact:
        ordered = np.sort(scores, axis=1)
        unsettled |= ordered[:, -1] - ordered[:, -2] <= 1e-6 * np.maximum(1.0, np.abs(ordered[:, -1]))
    return winners, winners.sum(axis=1) > 1, unsettled


def is_exact(points: np.ndarray) -> bool:
    """Whole or half points: every sum of them is exact in floating point."""
    return bool(np.array_equal(points * 2, np.round(points * 2)))


_DRAWS: dict[tuple[int, int], tuple[np.ndarray, int, int]] = {}


def draw_table(c: int, seed: int = 0) -> tuple[np.ndarray, int, int]:
    """The draws of a count's tie-breaker, replayed: (table, base, depth).

    A single count draws among tied candidates from ``default_rng(seed)``, one
    ``choice`` per tie; the k-th draw depends only on the sizes of the draws before it.
    ``table[key]`` is the index drawn last for the sequence of sizes whose digits in
    base ``c + 1`` make ``key``, for every sequence up to ``depth`` draws.
    """
    if (c, seed) in _DRAWS:
        return _DRAWS[(c, seed)]
    base = c + 1
    depth, total = 0, 0
    while depth < c - 1 and total + (c - 1) ** (depth + 1) <= 4000:
        depth += 1
        total += (c - 1) ** depth
    table = np.full(base**depth, -1, dtype=np.int64)
    rng = np.random.default_rng(seed)

    def walk(key: int, level: int, state: Mapping[str, Any]) -> None:
        for size in range(2, c + 1):
            rng.bit_generator.state = state
            table[key * base + size] = int(rng.choice(np.arange(size)))
            if level + 1 < depth:
                walk(key * base + size, level + 1, rng.bit_generator.state)

    if depth:
        walk(0, 0, rng.bit_generator.state)
    _DRAWS[(c, seed)] = (table, base, depth)
    return _DRAWS[(c, seed)]


def strike(orders: np.ndarray, drop: int) -> np.ndarray:
    """Rankings with one candidate struck out, later ranks moving up (as
    :meth:`~tally.ballots.RankedProfiles.without` strikes it, without the counts)."""
    names = tuple(str(i) for i in range(orders.shape[1]))
    table = RankedProfiles(names, orders, np.zeros((1, orders.shape[0]), dtype=np.int64))
    return table.without(drop).orders


def _irv_states(orders: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Instant runoff in NumPy: (winner, inactive share, unsettled) per election.

    A round's tally depends only on the set of candidates eliminated so far: ``table(S)``
    says which candidate each ranking counts for once ``S`` is out. When the tables of
    every set a count can reach are small, one matrix product gives every election's
    tally under every set at once; otherwise each round groups the elections by their
    set and multiplies each group by its table. Ties for last are broken by earlier
    rounds, then by the tie-breaker's draws replayed (:func:`draw_table`); a tie between
    the last two, or more draws than the table holds, is left unsettled.

    Tallies are held candidate-major, (C, elections): each step below is then a few
    operations on long rows rather than a reduction over a short axis per election.
    """
    e_all, m = counts.shape
    c = orders.shape[1]
    valid = orders >= 0
    safe = np.where(valid, orders, 0).astype(np.int64)
    tables: dict[int, np.ndarray] = {}

    def counts_for(mask: int) -> np.ndarray:
        if mask not in tables:
            alive = (mask >> np.arange(c)) & 1 == 0
            live = valid & alive[safe]
            has = np.flatnonzero(live.any(axis=1))
            table = np.zeros((m, c))
            table[has, safe[has, live[has].argmax(axis=1)]] = 1.0
            tables[mask] = table
        return tables[mask]

    # the sets a count reaches before two candidates are left
    reach = [mask for mask in range(1 << c) if mask.bit_count() <= c - 2]
    if len(reach) * c * m <= ALL_SETS_CELLS:
        column = np.full(1 << c, -1)
        column[reach] = np.arange(len(reach))
        every = exact_product(counts, np.hstack([counts_for(mask) for mask in reach]), wide=False).T
        candidate = np.arange(c)[:, None]

        def tallies(open_: np.ndarray, masks: np.ndarray) -> np.ndarray:
            return every[column[masks] * c + candidate, open_].astype(np.float64)

    else:

        def tallies(open_: np.ndarray, masks: np.ndarray) -> np.ndarray:
            tally = np.zeros((c, open_.size))
            for mask in np.unique(masks):
                rows = np.flatnonzero(masks == mask)
                part = as_float(counts) if rows.size == e_all else as_float(counts)[open_[rows]]
                tally[:, rows] = (part @ counts_for(int(mask))).T
            return tally

    total = voters(counts)
    blank = counts[:, ~valid.any(axis=1)].sum(axis=1)
    winner = np.full(e_all, -1)
    inactive = np.zeros(e_all)
    unsettled = np.zeros(e_all, dtype=bool)
    state = np.zeros(e_all, dtype=np.int64)
    past: list[np.ndarray] = []  # each round's eliminated sets, to recount earlier tallies
    draw = _Replay(c, e_all)
    bits = 1 << np.arange(c)
    open_ = np.arange(e_all)
    for _ in range(c):
        if not open_.size:
            break
        masks = state[open_]
        past.append(state.copy())
        tally = tallies(open_, masks)
        continuing = tally.sum(axis=0)
        won = tally.max(axis=0) * 2 > continuing
        winner[open_[won]] = tally[:, won].argmax(axis=0)
        gone = (total[open_] - continuing - blank[open_]) / np.maximum(total[open_], 1)
        inactive[open_[won]] = gone[won]
        alive = masks & bits[:, None] == 0
        masked = np.where(alive, tally, np.inf)
        drop = masked == masked.min(axis=0)
        stuck = ~won & ((alive.sum(axis=0) <= 2) | (continuing == 0))
        tie = np.flatnonzero(~won & ~stuck & (drop.sum(axis=0) > 1))
        if tie.size:
            lost, pool = _break_ties(
                open_[tie], drop[:, tie].T, tally[:, tie].T, past, lambda o, s: tallies(o, s).T, draw
            )
            drop[:, tie] = pool.T
            stuck[tie[lost]] = True
        unsettled[open_[stuck]] = True
        go = ~won & ~stuck
        state[open_[go]] |= (drop * bits[:, None]).sum(axis=0)[go]
        open_ = open_[go]
    unsettled[open_] = True
    return winner, inactive, unsettled


class _Replay:
    """Per election, the sizes of the tie-breaker's draws so far, as a key of
    :func:`draw_table`, and the index each next draw picks."""

    def __init__(self, c: int, elections: int) -> None:
        self.table, self.base, self.depth = draw_table(c)
        self.key = np.zeros(elections, dtype=np.int64)
        self.made = np.zeros(elections, dtype=np.int64)

    def add(self, rows: np.ndarray, sizes: np.ndarray) -> np.ndarray:
        """Record draws of these sizes; the index each picks, or -1 past the table."""
        self.key[rows] = self.key[rows] * self.base + sizes
        self.made[rows] += 1
        inside = self.made[rows] <= self.depth
        return np.where(inside, self.table[np.where(inside, self.key[rows], 0)], -1)


def _break_ties(
    rows: np.ndarray,
    pool: np.ndarray,
    tally: np.ndarray,
    past: list[np.ndarray],
    tallies: Callable[[np.ndarray, np.ndarray], np.ndarray],
    draw: _Replay,
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate each tied election eliminates, as a single count picks it:
    (elections the replay cannot settle, new ``pool``).

    Zero-vote candidates go together (a single count draws their order, one by one);
    other ties go to whoever was lowest in the latest earlier round that tells them
    apart, then to a replayed draw among those still tied, in candidate order.
    """
    lost = np.zeros(rows.size, dtype=bool)
    zero = tally[np.arange(rows.size), pool.argmax(axis=1)] == 0
    for k in np.flatnonzero(zero):
        for size in range(int(pool[k].sum()), 1, -1):
            lost[k] |= draw.add(rows[k : k + 1], np.array([size]))[0] < 0
    for masks in reversed(past[:-1]):
        shared = ~zero & (pool.sum(axis=1) > 1)
        if not shared.any():
            break
        earlier = np.where(pool, tallies(rows, masks[rows]), np.inf)
        pool = np.where(shared[:, None], pool & (earlier == earlier.min(axis=1, keepdims=True)), pool)
    need = np.flatnonzero(~zero & (pool.sum(axis=1) > 1))
    if need.size:
        pick = draw.add(rows[need], pool[need].sum(axis=1))
        lost[need] |= pick < 0
        # the draw picks among the tied candidates in candidate order
        pool[need] &= np.cumsum(pool[need], axis=1) == pick[:, None] + 1
    return lost, pool


def _irv(orders: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Instant runoff by the fastest kernel that fits: NumPy's one product when the
    table of every reachable set is small (the compiled kernel's start-up would cost
    more), else the compiled kernel, else NumPy round by round (None past its size)."""
    c = orders.shape[1]
    if (1 << c) * c * orders.shape[0] <= ALL_SETS_CELLS:
        return _irv_states(orders, counts)
    jit = compiled()
    if jit is not None:
        table, base, depth = draw_table(c)
        winner, inactive = jit.irv_elections(orders.astype(np.int64), as_float(counts), table, base, depth)
        return winner, inactive, winner < 0
    if c > IRV_STATES_MAX_CANDIDATES:
        return None
    return _irv_states(orders, counts)


def count_batch(profiles: RankedProfiles, rule: str) -> BatchOutcome:
    """The rule's own batch path over every election of ``profiles``."""
    return count_rule(profiles, rule)


def count_profiles(rule: str, candidates: tuple[str, ...], orders: np.ndarray, counts: np.ndarray) -> Counted:
    """Every election (row of ``counts``: whole numbers, integer or float) under ``rule``
    with its default options.

    Elections the kernel leaves unsettled are counted by the rule's batch path on
    :class:`~tally.ballots.RankedProfiles`.
    """
    e, c = counts.shape[0], orders.shape[1]
    inactive = np.zeros(e)
    if rule in LINEAR:
        points = points_table(rule, orders, candidates)
        exact = is_exact(points)
        scores = exact_product(counts, points) if exact else as_float(counts) @ points
        winners, tied, unsettled = _linear(scores, exact)
    else:
        runoff = _irv(orders, counts)
        if runoff is None:
            unsettled = np.ones(e, dtype=bool)
            winners, tied = np.zeros((e, c), dtype=bool), np.zeros(e, dtype=bool)
        else:
            winner, inactive, unsettled = runoff
            winners = np.zeros((e, c), dtype=bool, order="F")  # candidate-major, as the products
            rows = np.flatnonzero(~unsettled)
            winners[rows, winner[rows]] = True
            tied = np.zeros(e, dtype=bool)
    rows = np.flatnonzero(unsettled)
    if rows.size:
        profiles = RankedProfiles(candidates, orders.astype(np.int8), counts[rows].astype(np.int64))
        batch = count_batch(profiles, rule)
        winners[rows], tied[rows] = batch.winners, batch.tied
        inactive[rows] = batch.inactive_share if batch.inactive_share is not None else 0.0
    return Counted(winners, tied, inactive)
