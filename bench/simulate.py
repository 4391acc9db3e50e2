"""Benchmark: many simulated elections under plurality, IRV, Borda and the Condorcet check.

Run: ``python bench/simulate.py [--elections 100000] [--voters 101] [--candidates 5]
[--peer-elections 1000] [--repeat 3] [--forecast-sims 1000000] [--forecast-only]``

Impartial-culture elections, seeded. Contenders, measured in this run:

* ``tally simulate --metrics condorcet`` and with the default metrics (condorcet,
  spoiler, majority, utility, exhausted), through :func:`tally.sim.simulate`: drawing
  the elections, counting every rule, the metrics and their intervals. Also its time
  without the draw (the same elections drawn alone, subtracted), to set beside the
  reference, which is handed its elections already drawn. numba runs in this process
  (the reference's), so tally draws with its compiled kernels, as in any process where
  numba already runs; each figure is also given with ``TALLY_JIT=0``, NumPy only, as a
  fresh ``tally simulate`` of this size (too small to pay for starting numba) or an
  install without numba counts.
* the reference: a compiled (numba) loop over every voter of the same pre-drawn
  elections, one voter at a time, counting plurality, Borda and IRV and checking for a
  Condorcet winner (compiled before timing). It is what a researcher writes by hand.
  Also its time with the cheapest draw of its own (a uniform ranking a voter, other
  numbers from the same distribution), which the headline ratios leave out.
* svvamp and pref_voting, where installed, election by election on ``--peer-elections``
  of them, scaled to the full count.

Each figure is the median of ``--repeat`` runs (wall seconds, ``time.perf_counter``;
CPU seconds beside it), printed with its ratio to the reference measured in the same
run. The load average before and after is printed: other work on the machine moves all
figures, the ratios less. Also times 1,000,000 Electoral College forecasts from the 2020
results (``--forecast-only``: those alone), beside the wall and CPU time of their seeded
normal draws alone, by NumPy and by numba's Generator (the same numbers; the floor, as a
forecast of the same seed draws them all).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from tally.sim import SimSpec, simulate
from tally.sim.batch import DEFAULT_METRICS, chunk_seeds, draw_chunk, fast_draws
from tally.sim.draws import compiled

RULES = ("plurality", "irv", "borda")


def _timed(run: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(median wall, median CPU seconds, last result) of ``repeat`` runs."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def spec_of(args: argparse.Namespace, metrics: tuple[str, ...]) -> SimSpec:
    return SimSpec(
        electorate="ic",
        candidates=args.candidates,
        voters=args.voters,
        elections=args.elections,
        rules=RULES,
        seed=args.seed,
        metrics=metrics,
    )


def drawn(spec: SimSpec) -> tuple[np.ndarray, np.ndarray]:
    """The run's elections as tally draws them: (orders, counts per election)."""
    seeds = chunk_seeds(spec.seed, spec.n_chunks)
    parts = [draw_chunk(spec, k, seeds[k]) for k in range(spec.n_chunks)]
    assert parts[0].orders is not None
    return parts[0].orders, np.concatenate([p.counts for p in parts if p.counts is not None])


def draw_only(spec: SimSpec) -> None:
    """The run's elections drawn as tally draws them, chunk by chunk, and nothing else."""
    for k, seed in enumerate(chunk_seeds(spec.seed, spec.n_chunks)):
        draw_chunk(spec, k, seed)


def reference_draw(orders: np.ndarray, elections: int, voters: int, seed: int) -> np.ndarray:
    """Impartial-culture voters drawn as a per-voter reference would draw them: a ranking
    each, uniformly (other numbers than tally's seeded stream, the same distribution)."""
    which = np.random.default_rng(seed).integers(0, len(orders), size=(elections, voters))
    return orders[which]


def voter_rankings(orders: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """(E, V, C) int8: every voter's ranking, for the per-voter reference and peers."""
    e, m = counts.shape
    which = np.repeat(np.tile(np.arange(m), e), counts.ravel())
    return orders[which].reshape(e, -1, orders.shape[1])


def reference_kernel() -> Callable[[np.ndarray], np.ndarray]:
    """The compiled per-voter reference: (E, 4) winners of plurality, Borda, IRV and the
    Condorcet winner, -1 where a tie decides (the reference breaks no ties)."""
    from numba import njit

    @njit(cache=True)
    def count(rankings: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
        e_all, v_all, c = rankings.shape
        out = np.full((e_all, 4), -1, dtype=np.int64)
        first = np.zeros(c)
        borda = np.zeros(c)
        pair = np.zeros((c, c))
        alive = np.zeros(c, dtype=np.bool_)
        at = np.zeros(v_all, dtype=np.int64)
        for e in range(e_all):
            first[:] = 0
            borda[:] = 0
            pair[:, :] = 0
            for v in range(v_all):
                r = rankings[e, v]
                first[r[0]] += 1
                for p in range(c):
                    borda[r[p]] += c - 1 - p
                    for q in range(p + 1, c):
                        pair[r[p], r[q]] += 1
            for slot, score in ((0, first), (1, borda)):
                best = score.max()
                if (score == best).sum() == 1:
                    out[e, slot] = score.argmax()
            for i in range(c):
                wins = 0
                for j in range(c):
                    if i != j and pair[i, j] > pair[j, i]:
                        wins += 1
                if wins == c - 1:
                    out[e, 3] = i
            # instant runoff, voter by voter: each ballot points at its continuing choice
            alive[:] = True
            tally = first.copy()
            at[:] = 0
            for _ in range(c - 1):
                best = -1
                low = -1
                for j in range(c):
                    if alive[j]:
                        if best < 0 or tally[j] > tally[best]:
                            best = j
                        if low < 0 or tally[j] < tally[low]:
                            low = j
                if tally[best] * 2 > v_all:
                    out[e, 2] = best
                    break
                n_low = 0
                for j in range(c):
                    if alive[j] and tally[j] == tally[low]:
                        n_low += 1
                if n_low > 1:
                    break  # a tie for last: left to a tie-break the reference does not make
                alive[low] = False
                for v in range(v_all):
                    r = rankings[e, v]
                    if r[at[v]] == low:
                        p = at[v] + 1
                        while not alive[r[p]]:
                            p += 1
                        at[v] = p
                        tally[r[p]] += 1
                tally[low] = 0
        return out

    count(np.zeros((1, 3, 3), dtype=np.int8) + np.arange(3, dtype=np.int8))  # compile (or load) before timing
    return count


def svvamp_run(rankings: np.ndarray) -> float | str:
    try:
        import svvamp
    except ImportError as exc:
        return f"not installed ({exc})"
    start = time.perf_counter()
    for profile in rankings:
        p = svvamp.Profile(preferences_rk=profile)
        # reading each attribute makes svvamp compute it
        _ = svvamp.RulePlurality()(p).w_
        _ = svvamp.RuleIRV()(p).w_
        _ = svvamp.RuleBorda()(p).w_
        _ = p.exists_condorcet_winner_rk
    return time.perf_counter() - start


def pref_voting_run(rankings: np.ndarray) -> float | str:
    try:
        from pref_voting.profiles import Profile
        from pref_voting.voting_methods import borda, instant_runoff, plurality
    except ImportError as exc:
        return f"not installed ({exc})"
    start = time.perf_counter()
    for profile in rankings:
        p = Profile(profile.tolist())
        plurality(p)
        instant_runoff(p)
        borda(p)
        p.condorcet_winner()
    return time.perf_counter() - start


def forecast_run(sims: int, repeat: int) -> dict[str, tuple[float, float]]:
    """(wall, CPU) of ``sims`` forecasts, and of their normal draws alone, by NumPy and compiled."""
    from tally.data import resolve_contest
    from tally.sim.forecast import electoral_college_forecast, polls_from_results

    polls = polls_from_results(resolve_contest("us-president-2020").ballots, "us-president-2020")
    electoral_college_forecast(polls, sims=1000, seed=1)  # compiled or loaded from the cache first
    areas, chunk = len(polls.areas), 50_000

    def numpy_draws() -> None:
        # the numbers every forecast of this seed draws (no forecast can draw fewer), the
        # state errors into one small buffer that stays in cache
        rng, rows = np.random.default_rng(1), 2048
        z = np.empty((rows, areas))
        for done in range(0, sims, chunk):
            n = min(chunk, sims - done)
            rng.normal(0, 1, (n, 1))
            rng.normal(0, 1, (n, 4))
            for first in range(0, n, rows):
                rng.standard_normal(out=z[: min(rows, n - first)])

    timed = {
        "forecast": _timed(lambda: electoral_college_forecast(polls, sims=sims, seed=1), repeat)[:2],
        "NumPy": _timed(numpy_draws, repeat)[:2],
    }
    try:
        from numba import njit
    except ImportError:
        return timed

    @njit
    def compiled_draws(rng: np.random.Generator, sims: int) -> float:
        # the same numbers, by numba's Generator (NumPy's algorithms, compiled), summed
        total = 0.0
        for done in range(0, sims, chunk):
            for _ in range(min(chunk, sims - done) * (5 + areas)):
                total += rng.standard_normal()
        return total

    compiled_draws(np.random.default_rng(1), 1000)
    timed["compiled"] = _timed(lambda: compiled_draws(np.random.default_rng(1), sims), repeat)[:2]
    return timed


def _line(name: str, wall: float, cpu: float, reference: float, note: str = "") -> None:
    print(f"{name:<34} {wall:8.3f} s  (cpu {cpu:7.3f} s)  {wall / reference:6.2f}x reference  {note}")


def _agreement(columns: dict[str, np.ndarray], ref: np.ndarray) -> str:
    parts = []
    for slot, column in ((0, "plurality__winner"), (1, "borda__winner"), (2, "irv__winner")):
        sure = ref[:, slot] >= 0
        same = (columns[column][sure] == ref[sure, slot]).mean()
        parts.append(f"{column.split('__')[0]} {100 * same:.2f}%")
    cw = ref[:, 3]
    parts.append(f"condorcet {100 * (columns['condorcet_winner'] == cw).mean():.2f}%")
    return "agreement with the reference where it had no tie: " + ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--elections", type=int, default=100_000)
    parser.add_argument("--voters", type=int, default=101)
    parser.add_argument("--candidates", type=int, default=5)
    parser.add_argument("--peer-elections", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--forecast-sims", type=int, default=1_000_000)
    parser.add_argument("--forecast-only", action="store_true", help="time the forecast alone")
    args = parser.parse_args()

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.forecast_only:
        forecast_line(args)
        return
    condorcet, default = spec_of(args, ("condorcet",)), spec_of(args, DEFAULT_METRICS)
    orders, counts = drawn(condorcet)
    rankings = voter_rankings(orders, counts)
    kernel = reference_kernel()
    ref_wall, ref_cpu, ref = _timed(lambda: kernel(rankings), args.repeat)
    own_wall, own_cpu, _ = _timed(
        lambda: reference_draw(orders, args.elections, args.voters, args.seed), args.repeat
    )
    draw_wall, draw_cpu, _ = _timed(lambda: draw_only(condorcet), args.repeat)
    print(
        f"{args.elections:,} elections x {args.voters} voters x {args.candidates} candidates "
        f"(impartial culture); rules {', '.join(RULES)} + Condorcet winner; tally's compiled "
        f"draws {'on' if fast_draws(condorcet) and compiled() else 'off'} (numba running in this process)"
    )
    _line("reference (numba, per voter)", ref_wall, ref_cpu, ref_wall, "elections handed to it drawn")
    _line(
        "  the same drawing its voters",
        ref_wall + own_wall,
        ref_cpu + own_cpu,
        ref_wall,
        "a ranking a voter, NumPy integers",
    )
    for name, spec, jit in (
        ("tally simulate --metrics condorcet", condorcet, "1"),
        ("  the same, NumPy only", condorcet, "0"),
        ("tally simulate, default metrics", default, "1"),
        ("  the same, NumPy only", default, "0"),
    ):
        os.environ["TALLY_JIT"] = jit
        wall, cpu, result = _timed(lambda spec=spec: simulate(spec, keep_columns=True), args.repeat)
        _line(name, wall, cpu, ref_wall, "draws its elections too" + ("" if jit == "1" else "; TALLY_JIT=0"))
        if jit == "1":
            _line("  the same without the draw", wall - draw_wall, cpu - draw_cpu, ref_wall)
    os.environ.pop("TALLY_JIT")
    print(_agreement(result["columns"], ref))
    peers = rankings[: args.peer_elections].astype(np.int64)
    scale = args.elections / args.peer_elections
    for name, run in (("svvamp", svvamp_run), ("pref_voting", pref_voting_run)):
        measured = run(peers)
        if isinstance(measured, str):
            print(f"{name:<34} {measured}")
            continue
        full = measured * scale
        print(
            f"{name:<34} {full:8.3f} s  (measured {measured:.2f} s on {args.peer_elections:,}, scaled)  "
            f"{full / ref_wall:6.2f}x reference"
        )
    forecast_line(args)


def forecast_line(args: argparse.Namespace) -> None:
    timed = forecast_run(args.forecast_sims, args.repeat)
    wall, cpu = timed.pop("forecast")
    print(
        f"{'forecast, ' + format(args.forecast_sims, ',') + ' sims':<34} {wall:8.3f} s  (cpu {cpu:7.3f} s)  "
        "Electoral College, 2020 results as polls"
    )
    for name, (draw_wall, draw_cpu) in timed.items():
        print(
            f"{'  its normal draws alone, ' + name:<34} {draw_wall:8.3f} s  (cpu {draw_cpu:7.3f} s)  "
            f"forecast / draws: {wall / draw_wall:.2f}x wall, {cpu / draw_cpu:.2f}x CPU"
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
