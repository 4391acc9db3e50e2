"""Compiled (numba) kernels for simulation, election by election on the profile form.

Imported only by :func:`tally.sim.draws.compiled` when numba is installed and not switched
off (``TALLY_JIT=0``). Every function here has a NumPy (or per-election) counterpart that
gives the same answers; the compiled code is only faster. Functions are compiled on
first use and cached on disk (``cache=True``), so later processes load them.

Instant runoff is counted with one pointer per distinct ranking (the rank of the
continuing candidate it counts for), so an elimination moves only the rankings of the
eliminated candidate. Ties for last are broken as a single count breaks them (earlier
rounds, then the draws of a generator seeded with the rule's seed, replayed from a
table); a count the table cannot replay, or a tie between the last two, is reported as
undecided (-1) and counted by the rule itself.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit  # type: ignore[import-untyped]

UNDECIDED = -1


@njit(cache=True, nogil=True)
def _irv_one(
    orders: np.ndarray,
    w: np.ndarray,
    ptr: np.ndarray,
    cur: np.ndarray,
    tally: np.ndarray,
    alive: np.ndarray,
    hist: np.ndarray,
    draws: np.ndarray,
    base: int,
    depth: int,
) -> tuple[int, float]:
    """(winner or -1, inactive share) of one election with ``w[k]`` voters per ranking."""
    m, c = orders.shape
    total = 0.0
    blank = 0.0
    for j in range(c):
        tally[j] = 0.0
        alive[j] = True
    for k in range(m):
        x = w[k]
        total += x
        ptr[k] = 0
        cur[k] = orders[k, 0]
        if cur[k] < 0:
            blank += x
        else:
            tally[cur[k]] += x
    n_alive = c
    key = 0
    n_draws = 0
    for r in range(c):
        continuing = 0.0
        best = -1
        for j in range(c):
            continuing += tally[j]
            if alive[j] and (best < 0 or tally[j] > tally[best]):
                best = j
        if tally[best] * 2 > continuing:
            return best, (total - continuing - blank) / max(total, 1.0)
        if n_alive <= 2 or continuing == 0:
            return UNDECIDED, 0.0
        low = np.inf
        for j in range(c):
            if alive[j] and tally[j] < low:
                low = tally[j]
        n_low = 0
        for j in range(c):
            if alive[j] and tally[j] == low:
                n_low += 1
        for j in range(c):
            hist[r, j] = tally[j]
        if n_low > 1 and low == 0:
            # zero-vote candidates go together; a single count draws their order
            for size in range(n_low, 1, -1):
                key = key * base + size
                n_draws += 1
            for j in range(c):
                if alive[j] and tally[j] == 0:
                    alive[j] = False
                    n_alive -= 1
        else:
            drop = -1
            if n_low == 1:
                for j in range(c):
                    if alive[j] and tally[j] == low:
                        drop = j
            else:
                # earlier rounds, most recent first: keep the candidates lowest there
                pool = np.zeros(c, dtype=np.bool_)
                for j in range(c):
                    pool[j] = alive[j] and tally[j] == low
                size = n_low
                for q in range(r - 1, -1, -1):
                    if size == 1:
                        break
                    least = np.inf
                    for j in range(c):
                        if pool[j] and hist[q, j] < least:
                            least = hist[q, j]
                    size = 0
                    for j in range(c):
                        pool[j] = pool[j] and hist[q, j] == least
                        size += pool[j]
                pick = 0
                if size > 1:
                    key = key * base + size
                    n_draws += 1
                    if n_draws > depth or draws[key] < 0:
                        return UNDECIDED, 0.0
                    pick = draws[key]
                seen = 0
                for j in range(c):
                    if pool[j]:
                        if seen == pick:
                            drop = j
                        seen += 1
            alive[drop] = False
            n_alive -= 1
        if n_draws > depth:
            return UNDECIDED, 0.0
        for j in range(c):
            if not alive[j]:
                tally[j] = 0.0
        for k in range(m):
            x = w[k]
            if x == 0 or cur[k] < 0 or alive[cur[k]]:
                continue
            p = ptr[k] + 1
            while p < c and orders[k, p] >= 0 and not alive[orders[k, p]]:
                p += 1
            if p < c and orders[k, p] >= 0:
                ptr[k] = p
                cur[k] = orders[k, p]
                tally[cur[k]] += x
            else:
                cur[k] = -1
    return UNDECIDED, 0.0


@njit(cache=True, nogil=True)
def irv_elections(
    orders: np.ndarray, counts: np.ndarray, draws: np.ndarray, base: int, depth: int
) -> tuple[np.ndarray, np.ndarray]:
    """Winner (or -1, undecided) and inactive share of every election (row of ``counts``)."""
    e_all = counts.shape[0]
    m, c = orders.shape
    winner = np.empty(e_all, dtype=np.int64)
    inactive = np.zeros(e_all)
    ptr = np.empty(m, dtype=np.int64)
    cur = np.empty(m, dtype=np.int64)
    tally = np.empty(c)
    alive = np.empty(c, dtype=np.bool_)
    hist = np.empty((c, c))
    w = np.empty(m)
    for e in range(e_all):
        for k in range(m):
            w[k] = counts[e, k]
        winner[e], inactive[e] = _irv_one(orders, w, ptr, cur, tally, alive, hist, draws, base, depth)
    return winner, inactive


@njit(cache=True, nogil=True)
def multinomial_table(
    n: int, pvals: np.ndarray, limit: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """What NumPy's ``Generator.multinomial(n, pvals)`` computes before each of its
    binomial draws, for every category ``j`` and number ``k`` of trials still to place.

    NumPy draws category ``j`` as a binomial of ``k`` trials with probability ``p =
    pvals[j] / (what is left of 1)``, by inversion when ``k * min(p, 1 - p) <= 30``: it
    walks the probabilities ``px`` of 0, 1, 2, ... successes, each from the one before,
    until a uniform draw is used up (with ``1 - p`` and ``k`` minus the count when
    ``p > 0.5``). Returns ``(start, size, px, flip)``: ``px[start[j, k]:][:size[j, k]]``
    are those probabilities, computed in the same operations as NumPy's, so the walk
    below makes the same comparisons; ``start`` is -2 where ``p`` is 0 (no draw), -1
    where NumPy samples otherwise (not replayed here) and -3 for a number of trials
    further than ten standard deviations (and ten) from what is expected that far down
    the categories (not kept: a walk meeting it is left to NumPy); ``flip[j]`` when ``p >
    0.5``. Past ``limit`` probabilities in all, ``start`` is -1 everywhere.
    """
    d = pvals.size
    start = np.full((d, n + 1), -2, dtype=np.int64)
    size = np.zeros((d, n + 1), dtype=np.int64)
    flip = np.zeros(d, dtype=np.bool_)
    p_inv = np.zeros(d)
    total = 0
    remaining = 1.0
    for j in range(d - 1):
        p = pvals[j] / remaining
        # the trials left for category j: binomial(n, what is left of 1)
        left = min(max(remaining, 0.0), 1.0)
        spread = 10.0 * math.sqrt(n * left * (1.0 - left)) + 10.0
        low, high = n * left - spread, n * left + spread
        remaining -= pvals[j]
        if p == 0.0:
            continue
        # NumPy's branches, written so that a NaN takes the one it takes
        flip[j] = not p <= 0.5
        p_inv[j] = 1.0 - p if flip[j] else p
        q = 1.0 - p_inv[j]
        for k in range(1, n + 1):
            if k < low or k > high:
                start[j, k] = -3
                continue
            if not p_inv[j] * k <= 30.0:
                start[j, k] = -1
                continue
            mean = k * p_inv[j]
            start[j, k] = total
            size[j, k] = np.int64(min(float(k), mean + 10.0 * math.sqrt(mean * q + 1))) + 1
            total += size[j, k]
    if total > limit:
        start[:, :] = -1
        return start, size, np.empty(0), flip
    px = np.empty(total)
    for j in range(d - 1):
        p = p_inv[j]
        q = 1.0 - p
        for k in range(1, n + 1):
            at = start[j, k]
            if at < 0:
                continue
            x = math.exp(k * math.log(q))
            px[at] = x
            for i in range(1, size[j, k]):
                x = ((k - i + 1) * p * x) / (i * q)
                px[at + i] = x
    return start, size, px, flip


@njit(cache=True, nogil=True)
def multinomial_fill(
    uniforms: np.ndarray,
    n: int,
    start: np.ndarray,
    size: np.ndarray,
    px: np.ndarray,
    flip: np.ndarray,
    out: np.ndarray,
) -> int:
    """Fill ``out`` (E, d) with the multinomial draws NumPy makes from these uniforms
    (the generator's next doubles, in order); returns how many were used, or -1 when a
    draw needs more than were given or a sampler not replayed here (see
    :func:`multinomial_table`)."""
    e_all, d = out.shape
    used = 0
    for e in range(e_all):
        for j in range(d):
            out[e, j] = 0
        left = n
        for j in range(d - 1):
            at = start[j, left]
            x = 0
            if at == -1 or at == -3:
                return -1
            if at >= 0:
                # inversion: walk the probabilities until the uniform is used up; past the
                # last of them NumPy starts again from a fresh uniform
                if used == uniforms.size:
                    return -1
                u = uniforms[used]
                used += 1
                while u > px[at + x]:
                    u -= px[at + x]
                    x += 1
                    if x == size[j, left]:
                        if used == uniforms.size:
                            return -1
                        x = 0
                        u = uniforms[used]
                        used += 1
                if flip[j]:
                    x = left - x
            out[e, j] = x
            left -= x
            if left <= 0:
                break
        if left > 0:
            out[e, d - 1] = left
    return used


@njit(cache=True, nogil=True)
def _winners_one(
    rule: int,
    orders: np.ndarray,
    points: np.ndarray,
    w: np.ndarray,
    scores: np.ndarray,
    scratch: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    draws: np.ndarray,
    base: int,
    depth: int,
    out: np.ndarray,
) -> bool:
    """Winners of one election into ``out`` (bool per candidate); False when undecided.

    ``rule`` 0 sums ``points`` (exact, ties stand); 1 is instant runoff.
    """
    m, c = orders.shape
    for j in range(c):
        out[j] = False
    if rule == 1:
        ptr, cur, tally, alive, hist = scratch
        won, _ = _irv_one(orders, w, ptr, cur, tally, alive, hist, draws, base, depth)
        if won < 0:
            return False
        out[won] = True
        return True
    for j in range(c):
        scores[j] = 0.0
    for k in range(m):
        if w[k] != 0:
            for j in range(c):
                scores[j] += w[k] * points[k, j]
    best = scores.max()
    if best == 0:
        return False  # nobody scored: the rule itself says what then
    for j in range(c):
        out[j] = scores[j] == best
    return True


@njit(cache=True, nogil=True)
def _scratch(m: int, c: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.empty(m, dtype=np.int64),
        np.empty(m, dtype=np.int64),
        np.empty(c),
        np.empty(c, dtype=np.bool_),
        np.empty((c, c)),
    )


@njit(cache=True, nogil=True)
def monotonicity(
    rule: int,
    orders: np.ndarray,
    points: np.ndarray,
    counts: np.ndarray,
    raised: np.ndarray,
    winner: np.ndarray,
    amounts: np.ndarray,
    n_amounts: np.ndarray,
    draws: np.ndarray,
    base: int,
    depth: int,
) -> np.ndarray:
    """Per election: 1 when raising the winner to first place on some ballots of one
    ranking makes the winner lose, 0 when no tried change does, -1 undecided (a count the
    kernel cannot settle), -2 not checked (no single winner).

    ``orders`` holds the elections' rankings (the first ``counts.shape[1]``) and then the
    raised rankings; ``raised[k, w]`` is the row of ranking ``k`` with ``w`` raised.
    """
    e_all, m = counts.shape
    m_ext, c = orders.shape
    result = np.full(e_all, -2, dtype=np.int8)
    w = np.zeros(m_ext)
    scores = np.empty(c)
    out = np.empty(c, dtype=np.bool_)
    scratch = _scratch(m_ext, c)
    for e in range(e_all):
        win = winner[e]
        if win < 0:
            continue
        for k in range(m):
            w[k] = counts[e, k]
        result[e] = 0
        for k in range(m):
            n = int(counts[e, k])
            if n == 0 or orders[k, 0] < 0 or orders[k, 0] == win:
                continue
            up = raised[k, win]
            for a in range(n_amounts[n]):
                moved = amounts[n, a]
                w[k] -= moved
                w[up] += moved
                ok = _winners_one(rule, orders, points, w, scores, scratch, draws, base, depth, out)
                w[k] += moved
                w[up] -= moved
                if not ok:
                    result[e] = -1
                elif not out[win]:
                    result[e] = 1
                    break
            if result[e] == 1:
                break
        # an undecided change leaves the answer to the rule itself unless a failure was found
    return result


@njit(cache=True, nogil=True)
def participation(
    rule: int,
    orders: np.ndarray,
    points: np.ndarray,
    counts: np.ndarray,
    position: np.ndarray,
    winner: np.ndarray,
    amounts: np.ndarray,
    n_amounts: np.ndarray,
    draws: np.ndarray,
    base: int,
    depth: int,
) -> np.ndarray:
    """Per election: 1 when some voters of one ranking get a sole winner they rank above
    the winner by staying home, 0 when no tried abstention does, -1 undecided, -2 not
    checked. ``position[k, j]`` is candidate ``j``'s place on ranking ``k`` (C if unranked).
    """
    e_all, m = counts.shape
    c = orders.shape[1]
    result = np.full(e_all, -2, dtype=np.int8)
    w = np.zeros(m)
    scores = np.empty(c)
    out = np.empty(c, dtype=np.bool_)
    scratch = _scratch(m, c)
    for e in range(e_all):
        win = winner[e]
        if win < 0:
            continue
        for k in range(m):
            w[k] = counts[e, k]
        result[e] = 0
        for k in range(m):
            n = int(counts[e, k])
            for a in range(n_amounts[n]):
                removed = amounts[n, a]
                w[k] -= removed
                ok = _winners_one(rule, orders, points, w, scores, scratch, draws, base, depth, out)
                w[k] += removed
                if not ok:
                    result[e] = -1
                    continue
                sole = -1
                for j in range(c):
                    if out[j]:
                        sole = j if sole == -1 else -3
                if sole >= 0 and position[k, sole] < position[k, win]:
                    result[e] = 1
                    break
            if result[e] == 1:
                break
    return result
