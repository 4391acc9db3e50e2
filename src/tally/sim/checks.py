"""Monotonicity and participation checks over every election of a chunk.

Each check searches, election by election, for ballots whose change (raising the
winner to first place; voters staying home) changes the winner in the way the
criterion forbids, trying every amount up to 40 ballots of a kind and 40 amounts
spread evenly beyond (:func:`amounts`). The compiled kernels of :mod:`tally.sim._jit`
search every election at once for the rules counted there; an election holding a
count they cannot settle, and every election without the compiler, is searched by
the per-election function the caller passes (the rule's own counts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..ballots import RankedBallots, RankedProfiles
from .electorates import ranking_keys
from .kernels import LINEAR, compiled, draw_table, fast_rule, is_exact, points_table, positions

__all__ = ["amounts", "failures"]

Check = Callable[[RankedBallots, int, str], bool]


def amounts(weight: float) -> list[int]:
    """How many ballots of one kind to change: every number up to 40, else 40 spread evenly."""
    n = int(weight)
    if n <= 40:
        return list(range(1, n + 1))
    return sorted({round(x) for x in np.linspace(1, n, 40)})


def _amount_table(most: int) -> tuple[np.ndarray, np.ndarray]:
    """``table[n, :size[n]]``: :func:`amounts` of ``n`` ballots, for every n up to ``most``."""
    table = np.zeros((most + 1, 40), dtype=np.float64)
    size = np.zeros(most + 1, dtype=np.int64)
    for n in range(most + 1):
        row = amounts(n)
        table[n, : len(row)] = row
        size[n] = len(row)
    return table, size


def _raised(orders: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rankings followed by the raised ones, ``raised[k, w]``: row of ranking k with w first)."""
    m, c = orders.shape
    known = {int(key): k for k, key in enumerate(ranking_keys(orders))}
    extra: list[np.ndarray] = []
    raised = np.full((m, c), -1, dtype=np.int64)
    for k in range(m):
        marks = [int(x) for x in orders[k] if x >= 0]
        if not marks:
            continue
        for w in range(c):
            if marks[0] == w:
                continue
            row = np.full(c, -1, dtype=np.int8)
            up = [w] + [x for x in marks if x != w]
            row[: len(up)] = up[:c]
            key = int(ranking_keys(row))
            if key not in known:
                known[key] = m + len(extra)
                extra.append(row)
            raised[k, w] = known[key]
    table = np.vstack([orders, *extra]) if extra else orders
    return table.astype(np.int8), raised


def _compiled_search(
    metric: str, rule: str, profiles: RankedProfiles, sole: np.ndarray, counts: np.ndarray
) -> np.ndarray | None:
    """Codes per election from the compiled search (1 fail, 0 none, -1 undecided, -2
    unchecked), or None when it does not count this rule."""
    jit = compiled()
    fast = fast_rule(rule)
    if jit is None or fast is None:
        return None
    orders = profiles.orders
    c = orders.shape[1]
    draws, base, depth = draw_table(c)
    table, size = _amount_table(int(counts.max()) if counts.size else 0)
    if metric == "monotonicity":
        orders, raised = _raised(orders)
    points = points_table(fast, orders, profiles.candidates) if fast in LINEAR else np.zeros((1, c))
    if fast in LINEAR and not is_exact(points):
        return None
    code = 0 if fast in LINEAR else 1
    wide = orders.astype(np.int64)
    if metric == "monotonicity":
        return jit.monotonicity(code, wide, points, counts, raised, sole, table, size, draws, base, depth)
    pos = positions(profiles.orders)
    return jit.participation(code, wide, points, counts, pos, sole, table, size, draws, base, depth)


def failures(
    metric: str,
    rule: str,
    profiles: RankedProfiles | None,
    sole: np.ndarray,
    check: Check,
    ballots_of: Callable[[int, str], Any],
    counts: np.ndarray | None = None,
) -> np.ndarray:
    """Per election 1.0 (the criterion fails), 0.0, or NaN where the election has no
    single winner. ``check(ballots, winner, rule)`` decides one election."""
    result = np.full(sole.size, np.nan)
    codes = None
    if profiles is not None and counts is not None:
        codes = _compiled_search(metric, rule, profiles, sole, counts)
    search = sole >= 0
    if codes is not None:
        settled = search & (codes >= 0)
        result[settled] = codes[settled]
        search &= ~settled
    for e in np.flatnonzero(search):
        result[e] = float(check(ballots_of(int(e), "ranked"), int(sole[e]), rule))
    return result
