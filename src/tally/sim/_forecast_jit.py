"""Compiled (numba) kernel of the Electoral College forecast: one pass per simulation.

Imported only by :mod:`tally.sim.forecast`, when :func:`tally.sim.kernels.compiled` says
numba is installed and switched on. The NumPy path there gives the same answers; this one
is only faster. Compiled on first use and cached on disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np
from numba import njit  # type: ignore[import-untyped]


@njit(cache=True, nogil=True)
def forecast_block(
    poll: np.ndarray,
    national: np.ndarray,
    regional: np.ndarray,
    region_of: np.ndarray,
    z: np.ndarray,
    state_sd: np.ndarray,
    votes: np.ndarray,
    needed: float,
    ev: np.ndarray,
    wins: np.ndarray,
    tips: np.ndarray,
    tied: np.ndarray,
) -> int:
    """Count a block of simulations; return how many rows it left in ``tied`` for the sort.

    Simulation ``k``'s margin in area ``j`` is ``poll[j] + national[k, 0] +
    regional[k, region_of[j]] + z[k, j] * state_sd[j]``, summed in that order as the
    NumPy path sums it. Writes the first candidate's electoral votes into ``ev``, adds
    the areas the first candidate carries to ``wins`` and the tipping points to ``tips``:
    the winner's areas are taken weakest first until their votes exceed the winner's
    surplus over ``needed`` (as :func:`tally.sim.forecast.tipping_points` takes them),
    from a list of the winner's areas only. A row whose tipping area shares its margin
    with another of the winner's areas is written to ``tied`` instead: the sort orders
    equal margins its own way, and the caller asks it.
    """
    n, s = z.shape
    total = 0.0
    for j in range(s):
        total += votes[j]
    margin = np.empty(s)
    area = np.empty(s, dtype=np.int64)  # the winner's areas not taken yet ...
    weakest = np.empty(s)  # ... and their margins, signed for the winner
    n_tied = 0
    for k in range(n):
        ev_k = 0.0
        base = national[k, 0]
        for j in range(s):
            x = poll[j] + base + regional[k, region_of[j]] + z[k, j] * state_sd[j]
            margin[j] = x
            if x > 0:
                ev_k += votes[j]
                wins[j] += 1
        ev[k] = np.int64(ev_k)
        a_won = ev_k >= needed
        if not a_won and total - ev_k < needed:
            continue  # a tie in the college: no winner, no tipping point
        surplus = (ev_k if a_won else total - ev_k) - needed
        m = 0
        for j in range(s):
            if (margin[j] > 0) == a_won:
                area[m] = j
                weakest[m] = margin[j] if a_won else -margin[j]
                m += 1
        spent = 0.0
        while True:
            low = 0
            for q in range(1, m):
                if weakest[q] < weakest[low]:
                    low = q
            spent += votes[area[low]]
            if spent > surplus:
                break
            m -= 1  # taken: the last of the list moves into its place
            area[low] = area[m]
            weakest[low] = weakest[m]
        tip = area[low]
        chosen = weakest[low]
        same = 0
        for j in range(s):  # every area of the winner's, taken ones too
            if (margin[j] if a_won else -margin[j]) == chosen:
                same += 1
        if same > 1:
            tied[n_tied] = k
            n_tied += 1
        else:
            tips[tip] += 1
    return n_tied
