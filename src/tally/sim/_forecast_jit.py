"""Compiled (numba) kernels of the Electoral College forecast: drawn and counted in one pass.

Imported only by :mod:`tally.sim.forecast`, when :func:`tally.sim.kernels.compiled` says
numba is installed and switched on. numba's ``Generator.normal`` and
``Generator.standard_normal`` draw the numbers NumPy's do, from the same generator, in
the same order, about three times faster; drawing each simulation's state errors where
they are used also spares writing them to memory and reading them back. The NumPy path
of :mod:`tally.sim.forecast` gives the same answers. Compiled on first use and cached on
disk (``cache=True``).
"""

from __future__ import annotations

import numpy as np
from numba import njit  # type: ignore[import-untyped]


@njit(cache=True, nogil=True)
def draw_errors(
    rng: np.random.Generator,
    national_sd: float,
    regional_sd: float,
    national: np.ndarray,
    regional: np.ndarray,
) -> None:
    """A chunk's national errors, then its regional errors (row after row), as
    ``rng.normal(0, sd, shape)`` draws them."""
    for k in range(national.shape[0]):
        national[k] = rng.normal(0.0, national_sd)
    n, r = regional.shape
    for k in range(n):
        for q in range(r):
            regional[k, q] = rng.normal(0.0, regional_sd)


@njit(cache=True, nogil=True)
def count_block(
    rng: np.random.Generator,
    poll: np.ndarray,
    national: np.ndarray,
    regional: np.ndarray,
    region_of: np.ndarray,
    state_sd: np.ndarray,
    votes: np.ndarray,
    needed: float,
    ev: np.ndarray,
    wins: np.ndarray,
    tips: np.ndarray,
    tied: np.ndarray,
    tied_margin: np.ndarray,
) -> int:
    """Draw and count a block of simulations; return how many it left for the sort.

    Simulation ``k`` draws its state errors ``z`` (one per area, in order, as
    ``rng.standard_normal(out=...)`` fills a row), and its margin in area ``j`` is
    ``poll[j] + national[k] + regional[k, region_of[j]] + z[j] * state_sd[j]``, summed in
    that order as the NumPy path sums it. Writes the first candidate's electoral votes
    into ``ev``, adds the areas the first candidate carries to ``wins`` and the tipping
    points to ``tips``: the winner's weakest areas taken until their votes exceed the
    winner's surplus over ``needed``, as :func:`tally.sim.forecast.tipping_points` takes
    them. A simulation whose tipping area shares its margin with another of the
    winner's areas is left to the caller instead (the sort orders equal margins its own
    way): its row goes to ``tied`` and its margins to ``tied_margin``.
    """
    n = ev.shape[0]
    s = poll.shape[0]
    total = 0.0
    for j in range(s):
        total += votes[j]
    margin = np.empty(s)
    signed = np.empty(s)
    left = np.empty(s)
    n_tied = 0
    for k in range(n):
        ev_k = 0.0
        for j in range(s):
            x = poll[j] + national[k] + regional[k, region_of[j]] + rng.standard_normal() * state_sd[j]
            margin[j] = x
            if x > 0:
                ev_k += votes[j]
                wins[j] += 1
        ev[k] = np.int64(ev_k)
        a_won = ev[k] >= needed
        if not a_won and total - ev[k] < needed:
            continue  # a tie in the college: no winner, no tipping point
        surplus = (ev[k] if a_won else total - ev[k]) - needed
        # the winner's areas keep their margin, the others stand aside (no branches)
        for j in range(s):
            signed[j] = margin[j] if a_won else -margin[j]
            left[j] = signed[j] if (margin[j] > 0) == a_won else np.inf
        spent = 0.0
        tip = 0
        while True:
            tip = 0
            for j in range(1, s):
                if left[j] < left[tip]:
                    tip = j
            spent += votes[tip]
            if spent > surplus:
                break
            left[tip] = np.inf
        same = 0
        for j in range(s):
            if signed[j] == signed[tip]:
                same += 1
        if same > 1:
            tied[n_tied] = k
            tied_margin[n_tied] = margin
            n_tied += 1
        else:
            tips[tip] += 1
    return n_tied
