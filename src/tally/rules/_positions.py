"""Where each candidate stands on each ballot: places, ties and dense ranks.

The positional rules (Borda, Dowdall, Bucklin and the rules built on them) read a
ballot as a row of positions (``inf`` = unranked). Few candidates are compared pair by
pair in place; many are sorted once per row, so the cost is rows x C log C, not rows x C².
"""

from __future__ import annotations

import numpy as np

__all__ = ["FEW", "dense_ranks", "dowdall_shares", "places"]


# Up to this many candidates, comparing every pair of a row in place beats sorting rows.
FEW = 32


def _runs(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each row sorted once: (order, sorted positions, run start, run end) in sorted order.

    A run is a stretch of equal positions (``inf == inf``: the unranked form one run);
    start and end are the indices of its first and last member. Costs rows x C log C.
    """
    c = positions.shape[1]
    order = np.argsort(positions, axis=1, kind="stable")
    ordered = np.take_along_axis(positions, order, axis=1)
    index = np.broadcast_to(np.arange(c), positions.shape)
    starts = np.ones(positions.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    run_start = np.maximum.accumulate(np.where(starts, index, 0), axis=1)
    ends = np.ones(positions.shape, dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    run_end = np.minimum.accumulate(np.where(ends, index, c - 1)[:, ::-1], axis=1)[:, ::-1]
    return order, ordered, run_start, run_end


def _unsort(order: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.empty(order.shape)
    np.put_along_axis(out, order, values, axis=1)
    return out


def places(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(above, level) per row and candidate, from a positions matrix (``inf`` = unranked).

    ``above`` counts the candidates ranked strictly higher; ``level`` the candidates at
    the same position, the candidate included (for unranked candidates, all unranked).
    """
    c = positions.shape[1]
    if c > FEW:
        # in sorted order, "above" is where a candidate's run starts; "level" its length
        order, _, run_start, run_end = _runs(positions)
        return _unsort(order, run_start), _unsort(order, run_end - run_start + 1)
    above = np.zeros(positions.shape)
    level = np.zeros(positions.shape)
    for j in range(c):
        col = positions[:, j : j + 1]
        above[:, j] = (positions < col).sum(axis=1)
        level[:, j] = (positions == col).sum(axis=1)
    return above, level


def dense_ranks(positions: np.ndarray) -> np.ndarray:
    """(rows, C): how many distinct marked ranks come before each candidate's (0 = first).

    Candidates tied at one rank share it; skipped ranks and marks naming nobody new do
    not count. Unranked candidates get ``inf``.
    """
    if positions.shape[1] > FEW:
        # in sorted order: the marked runs started before a candidate's own run
        order, ordered, run_start, _ = _runs(positions)
        starts = np.zeros(positions.shape, dtype=bool)
        np.put_along_axis(starts, run_start, True, axis=1)
        marked_runs = np.cumsum(starts & np.isfinite(ordered), axis=1) - 1
        return _unsort(order, np.where(np.isfinite(ordered), marked_runs, np.inf))
    s = np.sort(positions, axis=1)
    first = np.ones(s.shape, dtype=bool)
    first[:, 1:] = s[:, 1:] != s[:, :-1]
    first &= np.isfinite(s)
    out = np.full(positions.shape, np.inf)
    for j in range(positions.shape[1]):
        col = positions[:, j : j + 1]
        out[:, j] = np.where(np.isfinite(col[:, 0]), ((s < col) & first).sum(axis=1), np.inf)
    return out


def dowdall_shares(above: np.ndarray, level: np.ndarray) -> np.ndarray:
    """1/(above+1) + ... + 1/(above+level), summed in that order, for each (above, level).

    Computed once per distinct pair (many candidates share one: all the unranked on a
    ballot), with the same additions in the same order as a loop over k would make.
    """
    pairs, inverse = np.unique(np.stack([above.ravel(), level.ravel()]), axis=1, return_inverse=True)
    sums = np.empty(pairs.shape[1])
    for i, (start, count) in enumerate(pairs.T):
        total = 0.0
        for k in range(1, int(count) + 1):
            total += 1.0 / (start + k)
        sums[i] = total
    return sums[inverse.ravel()].reshape(above.shape)
