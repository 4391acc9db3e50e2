"""Benchmark: many simulated elections under plurality, IRV, Borda and the Condorcet check.

Run: ``python bench/simulate.py [--elections 100000] [--voters 101] [--candidates 5] [--peer-elections 1000]``

Impartial-culture elections (seeded). tally draws them as one table of rankings with
counts per election and counts every election through each rule's batch fast path
(``tally.count`` on :class:`~tally.ballots.RankedProfiles`), then checks for a Condorcet
winner. svvamp and pref_voting do the same work election by election on
``--peer-elections`` of them (they are too slow for all); their time is scaled to the
full count and printed beside tally's, measured in this run. Also times a 1,000,000-run
Electoral College forecast from the 2020 results.

Times are CPU seconds of this process (``time.process_time``), so a busy machine
disturbs them less than wall-clock times.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import tally
from tally.ballots import RankedProfiles
from tally.sim.batch import condorcet_winners
from tally.sim.electorates import generate

RULES = ("plurality", "irv", "borda")


def tally_run(elections: int, voters: int, candidates: int, seed: int) -> tuple[float, dict[str, np.ndarray]]:
    start = time.process_time()
    el = generate("ic", np.random.default_rng(seed), elections, voters, candidates)
    profiles = RankedProfiles(tuple("ABCDEFGH"[:candidates]), el.orders, el.counts)
    winners = {rule: tally.count(profiles, rule).winners for rule in RULES}
    winners["condorcet"] = condorcet_winners(el)
    return time.process_time() - start, winners


def voter_rankings(elections: int, voters: int, candidates: int, seed: int) -> np.ndarray:
    el = generate("ic", np.random.default_rng(seed), elections, voters, candidates)
    out = np.empty((elections, voters, candidates), dtype=np.int64)
    for e in range(elections):
        out[e] = np.repeat(el.orders, el.counts[e], axis=0)
    return out


def svvamp_run(rankings: np.ndarray) -> float | str:
    try:
        import svvamp
    except ImportError as exc:
        return f"not installed ({exc})"
    start = time.process_time()
    for profile in rankings:
        p = svvamp.Profile(preferences_rk=profile)
        # reading each attribute makes svvamp compute it
        _ = svvamp.RulePlurality()(p).w_
        _ = svvamp.RuleIRV()(p).w_
        _ = svvamp.RuleBorda()(p).w_
        _ = p.exists_condorcet_winner_rk
    return time.process_time() - start


def pref_voting_run(rankings: np.ndarray) -> float | str:
    try:
        from pref_voting.profiles import Profile
        from pref_voting.voting_methods import borda, instant_runoff, plurality
    except ImportError as exc:
        return f"not installed ({exc})"
    start = time.process_time()
    for profile in rankings:
        p = Profile(profile.tolist())
        plurality(p)
        instant_runoff(p)
        borda(p)
        p.condorcet_winner()
    return time.process_time() - start


def forecast_run(sims: int) -> float:
    from tally.data import resolve_contest
    from tally.sim.forecast import electoral_college_forecast, polls_from_results

    polls = polls_from_results(resolve_contest("us-president-2020").ballots, "us-president-2020")
    start = time.process_time()
    electoral_college_forecast(polls, sims=sims, seed=1)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elections", type=int, default=100_000)
    parser.add_argument("--voters", type=int, default=101)
    parser.add_argument("--candidates", type=int, default=5)
    parser.add_argument("--peer-elections", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    seconds, winners = tally_run(args.elections, args.voters, args.candidates, args.seed)
    print(
        f"{args.elections:,} elections x {args.voters} voters x {args.candidates} candidates "
        f"(impartial culture), rules: {', '.join(RULES)} + Condorcet winner check"
    )
    print(f"{'tally (batch)':<16} {seconds:8.2f} s")
    rankings = voter_rankings(args.peer_elections, args.voters, args.candidates, args.seed + 1)
    scale = args.elections / args.peer_elections
    for name, run in (("svvamp", svvamp_run), ("pref_voting", pref_voting_run)):
        result = run(rankings)
        if isinstance(result, str):
            print(f"{name:<16} {result}")
            continue
        full = result * scale
        print(
            f"{name:<16} {full:8.2f} s  (measured {result:.2f} s on {args.peer_elections:,}, scaled)  "
            f"tally is {full / seconds:5.1f}x faster"
        )
    cw = winners["condorcet"]
    share = {
        rule: float(
            (winners[rule][np.arange(cw.size), np.maximum(cw, 0)] & (cw >= 0)).sum() / (cw >= 0).sum()
        )
        for rule in RULES
    }
    print("Condorcet efficiency (sanity): " + ", ".join(f"{r} {100 * v:.1f}%" for r, v in share.items()))
    print(
        f"{'forecast 1M sims':<16} {forecast_run(1_000_000):8.2f} s  (Electoral College, 2020 results as polls)"
    )


if __name__ == "__main__":
    main()
