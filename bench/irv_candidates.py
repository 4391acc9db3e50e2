"""Benchmark: IRV with many candidates (1,000 and 2,000), where cost grows with rounds.

Run: ``python bench/irv_candidates.py [--candidates 250,500,1000,2000] [--ballots 3000]
[--seed 7] [--repeat 1]``

A count with C candidates has about C rounds, and each round's outcome lists every
continuing candidate, so the outcome itself is quadratic in C; a count that is worse
than that (a tie-break that rescans every earlier round per comparison, a transfer grid
over every candidate each round) shows up here as time per C^2 growing with C.

The ballots are small and tie-heavy on purpose, like the 30 KB upload of a
1,000-candidate file: each ballot ranks three candidates drawn uniformly, so most
candidates hold one or two votes and nearly every elimination is a tie broken by
earlier rounds (``tiebreak="previous_round"``, IRV's default).

Printed for each size: tally's full count (``tally.count(b, "irv")``: rounds,
transfers, accounting), a plain reference measured in the same run (a bare NumPy IRV
loop returning the winner only, its ties broken by candidate order), their ratio, and
tally's time per C^2 in microseconds (flat when the count is quadratic).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import tally


def profile(candidates: int, ballots: int, seed: int) -> tally.RankedBallots:
    rng = np.random.default_rng(seed)
    names = [f"C{i:04d}" for i in range(candidates)]
    rows = np.stack([rng.choice(candidates, size=3, replace=False) for _ in range(ballots)])
    return tally.RankedBallots.from_matrix(names, rows.astype(np.int16), np.ones(ballots))


def plain_irv(rows: np.ndarray, weights: np.ndarray, n: int) -> int:
    cont = np.ones(n, dtype=bool)
    while True:
        top = np.full(rows.shape[0], -1)
        for r in range(rows.shape[1] - 1, -1, -1):
            col = rows[:, r]
            ok = col >= 0
            ok[ok] = cont[col[ok]]
            top = np.where(ok, col, top)
        active = top >= 0
        votes = np.bincount(top[active], weights=weights[active], minlength=n)
        leader = int(np.argmax(votes))
        if votes[leader] * 2 > votes.sum() or cont.sum() == 1:
            return leader
        votes[~cont] = np.inf
        cont[int(np.argmin(votes))] = False


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", default="250,500,1000,2000")
    parser.add_argument("--ballots", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"{'candidates':>10} {'tally irv':>11} {'reference':>11} {'ratio':>7} {'us per C^2':>11}  winner")
    for c in (int(x) for x in args.candidates.split(",")):
        b = profile(c, args.ballots, args.seed)
        t, outcome = best_of(lambda b=b: tally.count(b, "irv"), args.repeat)
        rows = np.asarray(b.choices, dtype=np.int64)
        r, _ = best_of(lambda rows=rows, b=b, c=c: plain_irv(rows, b.weights, c), args.repeat)
        print(
            f"{c:>10} {t:>10.2f}s {r:>10.2f}s {t / r:>6.1f}x {t / c**2 * 1e6:>11.2f}  "
            f"{outcome.winners} ({len(outcome.rounds)} rounds, {len(outcome.ties)} ties broken)"
        )


if __name__ == "__main__":
    main()
