"""Benchmark: Condorcet rules on 10,000 voters x 10 candidates, tally vs pref_voting and svvamp.

Run: ``python bench/condorcet.py [--voters 10000] [--candidates 10] [--repeat 7]``

The electorate is drawn from a seeded generator: impartial culture (every strict
ranking equally likely), or ``--culture mallows`` for rankings clustered around one
reference order. Every timing is the best of ``--repeat`` runs, measured in this run.

Two timings for tally:

* ``count``: ``tally.count(ballots, rule)`` on ballots already read and merged (the
  target: under 10 ms per rule). It includes building the pairwise matrix from the
  ballots, since rules do not cache it.
* ``from rankings``: building the merged :class:`RankedBallots` from the raw
  (voters, candidates) ranking matrix, then counting: the same work the peers do below.

For pref_voting and svvamp the timing is from the same ranking matrix to the winners
(profile construction plus the rule); their rule-only time is printed too.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import tally
from tally.rules.condorcet import pairwise_margins

RULES = ("copeland", "minimax", "schulze", "ranked_pairs", "split_cycle", "kemeny_young", "condorcet")


def cpu_best_of(fn: Callable[[], Any], repeat: int) -> float:
    """Best CPU time of ``repeat`` runs (this process only: less disturbed by a busy machine)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def best_of(fn: Callable[[], Any], repeat: int, budget: float = 5.0) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs (fewer when the runs use up ``budget`` seconds)."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
        if sum(times) > budget:
            break
    return min(times), result


def electorate(voters: int, candidates: int, culture: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if culture == "impartial":
        return np.argsort(rng.random((voters, candidates)), axis=1)
    # Mallows-like: noisy scores around a reference order
    noise = rng.gumbel(size=(voters, candidates))
    return np.argsort(-(np.linspace(1.5, 0, candidates) + noise), axis=1)


def rule_only(table: dict[str, Any], name: str, repeat: int) -> float:
    """Best time of the rule alone, each run on a freshly built (uncached) profile."""
    times = []
    for _ in range(repeat):
        profile = table["_profile"]()
        start = time.perf_counter()
        table[name](profile)
        times.append(time.perf_counter() - start)
    return min(times)


def peers_pref_voting(rankings: np.ndarray) -> dict[str, Callable[[Any], Any]] | None:
    try:
        from pref_voting.c1_methods import copeland
        from pref_voting.margin_based_methods import beat_path, minimax, ranked_pairs, split_cycle
        from pref_voting.other_methods import kemeny_young
        from pref_voting.profiles import Profile
    except ImportError:
        return None

    def cw(profile: Any) -> Any:
        return profile.condorcet_winner()

    return {
        "_profile": lambda: Profile(rankings),
        "copeland": copeland,
        "minimax": minimax,
        "schulze": lambda p: beat_path(p, algorithm="floyd_warshall"),
        "ranked_pairs": ranked_pairs,
        "split_cycle": split_cycle,
        "kemeny_young": kemeny_young,
        "condorcet": cw,
    }


def peers_svvamp(rankings: np.ndarray) -> dict[str, Callable[[Any], Any]] | None:
    try:
        import svvamp
    except ImportError:
        return None
    return {
        "_profile": lambda: svvamp.Profile(preferences_rk=rankings),
        "copeland": lambda p: svvamp.RuleCopeland()(p).w_,
        "minimax": lambda p: svvamp.RuleMaximin()(p).w_,
        "schulze": lambda p: svvamp.RuleSchulze()(p).w_,
        "ranked_pairs": lambda p: svvamp.RuleRankedPairs()(p).w_,
        "split_cycle": lambda p: svvamp.RuleSplitCycle()(p).w_,
        "kemeny_young": lambda p: svvamp.RuleKemeny()(p).w_,
        "condorcet": lambda p: p.condorcet_winner_rk,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=10_000)
    parser.add_argument("--candidates", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--culture", choices=("impartial", "mallows"), default="impartial")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--skip",
        default="pref_voting:kemeny_young",
        help="comma-separated peer:rule pairs to skip (pref_voting's Kemeny-Young tries all C! rankings)",
    )
    args = parser.parse_args()

    rankings = electorate(args.voters, args.candidates, args.culture, args.seed)
    names = [f"C{i}" for i in range(args.candidates)]
    build_time, ballots = best_of(lambda: tally.RankedBallots.from_matrix(names, rankings), args.repeat)
    margin_time, _ = best_of(lambda: pairwise_margins(ballots), args.repeat)
    print(
        f"{args.voters} voters x {args.candidates} candidates ({args.culture} culture), "
        f"{len(ballots.weights)} distinct ballots; best of {args.repeat}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"tally: read+merge {build_time * 1e3:.2f} ms; pairwise margins {margin_time * 1e3:.2f} ms")

    peers = {"pref_voting": peers_pref_voting(rankings), "svvamp": peers_svvamp(rankings)}
    skip = {s for s in args.skip.split(",") if s}
    for peer, table in peers.items():
        if table is None:
            print(f"{peer}: not installed; skipped")

    header = f"{'rule':<14}{'tally count':>12}{'cpu':>10}{'from rankings':>15}{'cpu':>10}"
    for peer, table in peers.items():
        if table is not None:
            header += f"{peer + ' total':>20}{'cpu':>13}{'rule only':>13}{'ratio':>8}"
    print(header)
    for name in RULES:

        def count(name: str = name) -> Any:
            return tally.count(ballots, name)

        def count_from_rankings(name: str = name) -> Any:
            return tally.count(tally.RankedBallots.from_matrix(names, rankings), name)

        count_time, outcome = best_of(count, args.repeat)
        total_time, _ = best_of(count_from_rankings, args.repeat)
        cpu_time = cpu_best_of(count, max(args.repeat, 20))
        total_cpu = cpu_best_of(count_from_rankings, max(args.repeat, 20))
        line = (
            f"{name:<14}{count_time * 1e3:>9.2f} ms{cpu_time * 1e3:>7.2f} ms"
            f"{total_time * 1e3:>12.2f} ms{total_cpu * 1e3:>7.2f} ms"
        )
        ours = {names.index(w) for w in outcome.winners}
        for peer, table in peers.items():
            if table is None:
                continue
            if f"{peer}:{name}" in skip:
                line += f"{'skipped':>20}{'':>13}{'':>13}{'':>8}"
                continue

            # a fresh profile for every run: svvamp caches results on its profile
            def peer_run(table: dict[str, Any] = table, name: str = name) -> Any:
                return table[name](table["_profile"]())

            peer_total, result = best_of(peer_run, args.repeat)
            rule_time = rule_only(table, name, 1 if peer_total > 0.5 else args.repeat)
            theirs = _as_set(result)
            if peer == "svvamp":  # resolute: one winner, ties broken by lowest index
                same = (
                    theirs == ours
                    if not ours
                    else (theirs is not None and theirs <= ours and (len(ours) == 1 or min(ours) in theirs))
                )
            else:
                same = theirs is None or theirs == ours
            agree = "" if same else " (winners differ!)"
            peer_cpu = cpu_best_of(peer_run, args.repeat) if peer_total < 0.5 else peer_total
            line += (
                f"{peer_total * 1e3:>17.2f} ms{peer_cpu * 1e3:>10.2f} ms{rule_time * 1e3:>10.2f} ms"
                f"{peer_cpu / total_cpu:>7.1f}x{agree}"
            )
        print(line, flush=True)
    print(
        "cpu = best process CPU time over the runs (less disturbed by other load than wall time; "
        "for peer runs over 0.5 s the wall time is shown)"
    )
    print(
        "peer total = profile construction + rule, from the same ranking matrix; 'rule only' = "
        "the rule on a built profile (svvamp: first call, before its cache)"
    )
    print("ratio = peer cpu / tally from-rankings cpu (above 1: tally is faster)")


def _as_set(result: Any) -> set[int] | None:
    if result is None:
        return set()
    if isinstance(result, (float, np.floating)) and np.isnan(result):
        return set()  # svvamp: no Condorcet winner
    if isinstance(result, (int, np.integer)):
        return {int(result)}
    try:
        return {int(x) for x in result}
    except TypeError:
        return None


if __name__ == "__main__":
    main()
