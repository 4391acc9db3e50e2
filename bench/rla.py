"""Benchmark: planning a RAIRE audit of a 1,000,000-ballot, 13-candidate IRV contest.

Run: ``python bench/rla.py [--ballots 1000000] [--seed 2024] [--repeat 3]``

The ballots are the synthetic big-city RCV primary of ``irv_million.py`` (13 candidates,
up to 5 ranks, three voter blocs, a Zipf-like tail, a fifth of voters ranking one
candidate), built in memory from the seed. Timed in this run:

* **tally rla FILE --json**: the command, from the ballots written as a ranked CSV (50 MB)
  to the plan's JSON.
* **plan_irv_audit**: ``plan_irv_audit(ballots)``, everything ``tally rla`` does after reading:
  the ballots read as preference lists, the IRV count, the check that the lists give
  every round of it, RAIRE's search, the trimming and the sample sizes; then its parts.
* **plain reference**: the same search with the tallies of each continuing set counted
  straight from the preference lists (the first continuing candidate of every distinct
  ballot, by NumPy), instead of from tally's table of (candidate, candidates before it).
  It gives the same assertions; the ratio is what the table buys.
* **the IRV count**: ``tally.count(ballots, "irv")``, the floor under any audit plan.
* **tally rla verify**: the independent check of the assertions found.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from irv_million import OUT, synthetic, write_csv  # the same contest as the IRV benchmark

import tally
from tally.audit import plan_irv_audit, read_preferences, verify
from tally.audit.preferences import Preferences
from tally.audit.raire import find_assertions
from tally.audit.sample import difficulty
from tally.audit.trim import trim
from tally.cli import main as tally_main


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


class PlainCounts:
    """The tallies RAIRE's search asks for, counted straight from the preference lists."""

    def __init__(self, prefs: Preferences) -> None:
        self.n_candidates = prefs.n_candidates
        self.lists, self.weights = prefs.lists, prefs.weights
        self.first = self._count(np.ones(self.n_candidates, dtype=bool))
        c = self.n_candidates
        self.mentions = np.zeros((c, c))
        for w in range(c):
            for lo in range(c):
                if lo != w:
                    pair = np.zeros(c, dtype=bool)
                    pair[[w, lo]] = True
                    self.mentions[lo, w] = self._count(pair)[lo]

    def _count(self, continuing: np.ndarray) -> np.ndarray:
        lists = self.lists
        member = np.zeros(lists.shape, dtype=bool)
        on = lists >= 0
        member[on] = continuing[lists[on]]
        hit = member.any(axis=1)
        top = lists[np.arange(lists.shape[0]), np.argmax(member, axis=1)]
        return np.bincount(top[hit], weights=self.weights[hit], minlength=self.n_candidates)

    def tallies(self, continuing: int) -> np.ndarray:
        mask = np.array([(continuing >> c) & 1 == 1 for c in range(self.n_candidates)])
        return self._count(mask)

    def neb(self, winner: int, loser: int) -> tuple[float, float]:
        return float(self.first[winner]), float(self.mentions[loser, winner])


def _quiet(fn: Callable[[], Any]) -> Any:
    """Run ``fn`` with standard output thrown away (the plan's JSON)."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        return fn()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    names, order = synthetic(args.ballots, args.seed)
    start = time.perf_counter()
    ballots = tally.RankedBallots.from_matrix(names, order)
    print(
        f"{args.ballots:,} ballots, {len(names)} candidates, {ballots.choices.shape[0]:,} distinct "
        f"(built and merged in {time.perf_counter() - start:.2f} s)"
    )

    OUT.mkdir(exist_ok=True)
    path = OUT / f"rla_{args.ballots}_{args.seed}.csv"
    write_csv(path, names, order)
    cli_s, _ = best_of(lambda: _quiet(lambda: tally_main(["rla", str(path), "--json"])), args.repeat)
    plan_s, plan = best_of(lambda: plan_irv_audit(ballots), args.repeat)
    count_s, outcome = best_of(lambda: tally.count(ballots, "irv"), max(args.repeat, 5))
    read_s, prefs = best_of(lambda: read_preferences(ballots), args.repeat)
    total = prefs.total

    def cost(w: float, lo: float) -> float:
        return difficulty("margin", w, lo, total, 0.05)

    winner = plan.winner
    search_s, result = best_of(lambda: find_assertions(prefs, winner, cost), args.repeat)
    trim_s, trimmed = best_of(lambda: trim(result.assertions, winner, len(names)), args.repeat)
    kept = trimmed.assertions
    plain_s, plain = best_of(lambda: find_assertions(prefs, winner, cost, counts=PlainCounts(prefs)), 1)  # type: ignore[arg-type]
    verify_s, check = best_of(lambda: verify(prefs, winner, [s.assertion for s in kept]), args.repeat)

    same = {s.assertion for s in plain.assertions} == {s.assertion for s in result.assertions}
    assert same and math.isclose(plain.difficulty, result.difficulty), "the reference found other assertions"
    assert check.ok and outcome.winners[0] == names[winner]
    data = plan.to_dict()
    print(
        f"winner {data['winner']}; {len(plan.assertions)} assertions; margin {data['margin']:,.0f} ballots; "
        f"difficulty {data['difficulty']:.2f}; sample {data['sample_size']['ballot_comparison']:,} ballots "
        f"(comparison), {data['sample_size']['ballot_polling']:,} (polling); {result.nodes:,} suffixes searched"
    )
    rows = [
        ("tally rla FILE --json (command line, CSV read included)", cli_s, cli_s / plan_s),
        ("tally rla (plan_irv_audit, all of it after reading)", plan_s, plan_s / plan_s),
        ("  reading ballots as preference lists", read_s, read_s / plan_s),
        ("  search (tally's tally table, built inside)", search_s, search_s / plan_s),
        ("  trimming", trim_s, trim_s / plan_s),
        ("plain reference: search, tallies from the lists", plain_s, plain_s / search_s),
        ("IRV count (tally.count)", count_s, count_s / plan_s),
        ("tally rla verify (the check)", verify_s, verify_s / plan_s),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'time':>9}  ratio")
    for label, seconds, ratio in rows:
        print(f"{label:{width}}  {seconds:8.3f}s  {ratio:5.2f}")
    print(
        "ratios: parts against tally rla; the plain reference against tally's search; best of --repeat runs"
    )


if __name__ == "__main__":
    main()
