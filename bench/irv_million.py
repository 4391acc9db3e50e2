"""Benchmark: IRV on 1,000,000 ranked ballots, from CSV file to winner, tally vs peers.

Run: ``python bench/irv_million.py [--ballots 1000000] [--seed 2024] [--repeat 3]
[--peers votekit,pref_voting,votelib]``

The ballots are synthetic but shaped like a big-city RCV primary: 13 candidates, up to
5 ranks, a few strong candidates and a long tail (Plackett–Luce draws with Zipf-like
strengths), and truncation (about a fifth of the voters rank only one candidate). They
are written as a ranked CSV (``rank1..rank5``, empty cell = no mark) to ``bench/out/``,
then every contender does the same work on that file in this run:

* **tally**: ``tally.read(path)`` (pyarrow parse, encode, merge identical ballots) and
  ``tally.count(ballots, "irv")`` (the full outcome: rounds, transfers, accounting).
* **plain reference**: the shortest fast code we could write without tally: pyarrow
  parse, ``pc.index_in`` encoding, ``np.unique`` merge, a vectorised IRV loop that only
  returns the winner.
* **votekit**: its NumPy ``FastIRV`` on a ``RankProfile`` built from the merged ballots
  (pandas read, ``value_counts`` merge; votekit's own ``load_ranking_csv`` handles each
  row in Python and would take minutes here).
* **pref_voting**: pyarrow parse, Python aggregation of identical ballots into a
  ``ProfileWithTies``, ``instant_runoff_for_truncated_linear_orders``.
* **votelib**: pyarrow parse, Python aggregation into votelib's ``{ranking: count}``,
  ``TransferableVoteSelector`` (its IRV).

tally and the plain reference are timed as the best of ``--repeat`` runs; peers once
(they take seconds). A peer that is missing or fails is reported with the reason and the
run carries on. Targets: tally read + count within 2x of the plain reference, the count
alone under 50 ms, and at least 10x faster than votekit end to end.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

import tally

OUT = Path(__file__).resolve().parent / "out"
CANDIDATES = 13
RANKS = 5
# a few strong candidates, then a Zipf-like tail
STRENGTH = np.array([26.0, 21.0, 15.0, 9.0] + [8.0 / k**1.1 for k in range(1, CANDIDATES - 3)])
RANKS_USED = np.array([0.21, 0.12, 0.12, 0.10, 0.45])  # share of voters ranking 1..5


def synthetic(ballots: int, seed: int) -> tuple[list[str], np.ndarray]:
    """(candidate names, (ballots, RANKS) int matrix with -1 for no mark)."""
    rng = np.random.default_rng(seed)
    names = [f"Candidate {chr(ord('A') + i)}" for i in range(CANDIDATES)]
    # Plackett–Luce by the Gumbel trick, with voter blocs leaning to different front-runners
    bloc = rng.integers(0, 3, size=ballots)
    lean = np.zeros((3, CANDIDATES))
    lean[0, [0, 3]] = 0.8
    lean[1, [1, 4]] = 0.8
    lean[2, [2, 5]] = 0.8
    utility = np.log(STRENGTH)[None, :] + lean[bloc] + rng.gumbel(size=(ballots, CANDIDATES))
    order = np.argsort(-utility, axis=1)[:, :RANKS].astype(np.int16)
    used = rng.choice(np.arange(1, RANKS + 1), p=RANKS_USED, size=ballots)
    order[np.arange(RANKS)[None, :] >= used[:, None]] = -1
    return names, order


def write_csv(path: Path, names: list[str], order: np.ndarray) -> None:
    label = np.array(names, dtype=object)
    columns = {}
    for r in range(order.shape[1]):
        col = order[:, r]
        columns[f"rank{r + 1}"] = pa.array(label[np.maximum(col, 0)], type=pa.string(), mask=col < 0)
    pacsv.write_csv(pa.table(columns), path, pacsv.WriteOptions(quoting_style="needed"))


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


# -- contenders --------------------------------------------------------------------------------


def run_tally(path: Path, repeat: int) -> dict[str, Any]:
    read_s, ballots = best_of(lambda: tally.read(str(path)), repeat)
    count_s, outcome = best_of(lambda: tally.count(ballots, "irv"), max(repeat, 5))
    return {
        "read": read_s,
        "count": count_s,
        "winner": outcome.winners[0],
        "note": f"{ballots.choices.shape[0]:,} distinct ballots, {len(outcome.rounds)} rounds",
    }


def plain_read(path: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    table = pacsv.read_csv(path)
    cols = [table.column(f"rank{r + 1}") for r in range(RANKS)]
    names = sorted(set().union(*(pc.unique(c).drop_null().to_pylist() for c in cols)))
    value_set = pa.array(names)
    key = np.zeros(table.num_rows, dtype=np.int64)
    for col in cols:
        code = pc.index_in(col, value_set=value_set).fill_null(-1).to_numpy().astype(np.int64)
        key = (key << 4) | (code + 1)
    keys, counts = np.unique(key, return_counts=True)
    rows = np.empty((keys.size, RANKS), dtype=np.int16)
    for r in range(RANKS - 1, -1, -1):
        rows[:, r] = (keys & 15) - 1
        keys = keys >> 4
    return names, rows, counts.astype(np.float64)


def plain_irv(names: list[str], rows: np.ndarray, weights: np.ndarray) -> str:
    cont = np.ones(len(names), dtype=bool)
    while True:
        top = np.full(rows.shape[0], -1)
        for r in range(rows.shape[1] - 1, -1, -1):
            col = rows[:, r]
            ok = col >= 0
            ok[ok] = cont[col[ok]]
            top = np.where(ok, col, top)
        active = top >= 0
        votes = np.bincount(top[active], weights=weights[active], minlength=len(names))
        leader = int(np.argmax(votes))
        if votes[leader] * 2 > votes.sum() or cont.sum() == 1:
            return names[leader]
        votes[~cont] = np.inf
        cont[int(np.argmin(votes))] = False


def run_plain(path: Path, repeat: int) -> dict[str, Any]:
    read_s, data = best_of(lambda: plain_read(path), repeat)
    count_s, winner = best_of(lambda: plain_irv(*data), max(repeat, 5))
    return {"read": read_s, "count": count_s, "winner": winner, "note": "pyarrow + NumPy, winner only"}


def run_votekit(path: Path, repeat: int) -> dict[str, Any]:
    """votekit's FastIRV on a RankProfile built from the CSV.

    votekit's own ``load_ranking_csv`` builds one frozenset per cell row by row and the
    profile then checks every row (about 0.5 ms per ballot here), so it is far too slow
    for a million ballots. We give votekit the benefit of the doubt: pandas reads the
    file, identical ballots are merged with ``value_counts`` and the profile is built
    from the merged rows in votekit's DataFrame layout.
    """
    import pandas as pd
    from votekit import RankProfile
    from votekit.elections.election_types.ranking.stv.stv import FastIRV

    start = time.perf_counter()
    frame = pd.read_csv(path, dtype=str)
    merged = frame.value_counts(dropna=False).reset_index(name="count")
    ranks = merged[[f"rank{r + 1}" for r in range(RANKS)]]
    names = sorted({x for x in pd.unique(ranks.to_numpy().ravel()) if isinstance(x, str)})
    as_set = {x: frozenset({x}) for x in names}
    marked = ranks.notna().to_numpy()
    later = np.flip(np.cumsum(np.flip(marked, axis=1), axis=1), axis=1)
    df = pd.DataFrame(index=pd.RangeIndex(len(merged), name="Ballot Index"))
    for r in range(RANKS):
        cells = np.array(ranks.iloc[:, r].map(as_set).to_numpy(dtype=object), dtype=object)
        more = later[:, r + 1] > 0 if r + 1 < RANKS else np.zeros(len(merged), dtype=bool)
        blank = ~marked[:, r]
        cells[np.flatnonzero(blank & more)] = [frozenset()] * int((blank & more).sum())
        cells[np.flatnonzero(blank & ~more)] = [frozenset({"~"})] * int((blank & ~more).sum())
        df[f"Ranking_{r + 1}"] = cells
    df["Voter Set"] = [set() for _ in range(len(merged))]
    df["Weight"] = merged["count"].astype(float).to_numpy()
    profile = RankProfile(df=df, max_ranking_length=RANKS, candidates=tuple(names))
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    election = FastIRV(profile)
    count_s = time.perf_counter() - start
    return {
        "read": read_s,
        "count": count_s,
        "winner": next(iter(election.get_elected()[0])),
        "note": "pandas + value_counts merge + RankProfile, FastIRV",
    }


def votekit_loader_sample(path: Path, sample: int) -> str:
    """Time votekit's own ``load_ranking_csv`` on the first ``sample`` ballots only."""
    from votekit.cvr_loaders import load_ranking_csv

    part = OUT / f"votekit_sample_{sample}.csv"
    with open(path, encoding="utf-8") as src, open(part, "w", encoding="utf-8") as dst:
        for k, line in enumerate(src):
            if k > sample:
                break
            dst.write(line)
    start = time.perf_counter()
    load_ranking_csv(part, list(range(RANKS)), header_row=0, print_profile=False)
    per = (time.perf_counter() - start) / sample
    return (
        f"votekit's own load_ranking_csv: {per * 1e3:.2f} ms per ballot on {sample:,} ballots, "
        f"so about {per * 1_000_000:.0f} s per million (extrapolated, not run)"
    )


def python_ballots(path: Path) -> Counter:
    """Identical ballots counted in plain Python, as a user of a pure-Python library would."""
    table = pacsv.read_csv(path)
    cols = [table.column(f"rank{r + 1}").to_pylist() for r in range(RANKS)]
    return Counter(tuple(c for c in row if c is not None) for row in zip(*cols))


def run_pref_voting(path: Path, repeat: int) -> dict[str, Any]:
    from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
    from pref_voting.profiles_with_ties import ProfileWithTies

    start = time.perf_counter()
    counted = python_ballots(path)
    rankings = [{c: k + 1 for k, c in enumerate(r)} for r in counted if r]
    counts = [n for r, n in counted.items() if r]
    profile = ProfileWithTies(rankings, rcounts=counts)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    winners = instant_runoff_for_truncated_linear_orders(profile)
    count_s = time.perf_counter() - start
    return {
        "read": read_s,
        "count": count_s,
        "winner": winners[0],
        "note": "ProfileWithTies + instant_runoff_for_truncated_linear_orders",
    }


def run_votelib(path: Path, repeat: int) -> dict[str, Any]:
    from votelib.evaluate.sequential import TransferableVoteSelector

    start = time.perf_counter()
    votes = {r: n for r, n in python_ballots(path).items() if r}
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    winners = TransferableVoteSelector(quota_function="droop").evaluate(votes, 1)
    count_s = time.perf_counter() - start
    return {"read": read_s, "count": count_s, "winner": winners[0], "note": "TransferableVoteSelector"}


def progress(name: str, result: dict[str, Any]) -> None:
    if "error" in result:
        print(f"  {name}: failed: {result['error']}", flush=True)
    else:
        print(f"  {name}: read {result['read']:.3f} s, count {result['count'] * 1e3:.1f} ms", flush=True)


PEERS = {"votekit": run_votekit, "pref_voting": run_pref_voting, "votelib": run_votelib}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument(
        "--votekit-loader-sample",
        type=int,
        default=20_000,
        help="also time votekit's load_ranking_csv on this many ballots (0: skip)",
    )
    args = parser.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"irv_{args.ballots}_{args.seed}.csv"
    start = time.perf_counter()
    names, order = synthetic(args.ballots, args.seed)
    write_csv(path, names, order)
    print(
        f"wrote {args.ballots:,} ballots ({CANDIDATES} candidates, up to {RANKS} ranks) to {path} "
        f"({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s"
    )

    results: dict[str, dict[str, Any]] = {}
    results["tally"] = run_tally(path, args.repeat)
    progress("tally", results["tally"])
    results["plain reference"] = run_plain(path, args.repeat)
    progress("plain reference", results["plain reference"])
    for name in [p for p in args.peers.split(",") if p]:
        if name not in PEERS:
            print(f"unknown peer {name!r}; known: {', '.join(PEERS)}")
            continue
        try:
            results[name] = PEERS[name](path, args.repeat)
        except Exception as exc:  # a peer failing must not stop the benchmark
            results[name] = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0][:160]}
        progress(name, results[name])

    loader_note = ""
    if "votekit" in args.peers.split(",") and args.votekit_loader_sample > 0:
        try:
            loader_note = votekit_loader_sample(path, min(args.votekit_loader_sample, args.ballots))
        except Exception as exc:  # a peer failing must not stop the benchmark
            loader_note = f"votekit's load_ranking_csv failed: {type(exc).__name__}: {exc}".splitlines()[0]

    base = results["tally"]["read"] + results["tally"]["count"]
    print()
    print(f"{'contender':<16} {'read+convert':>12} {'count':>10} {'total':>9} {'x tally':>8}  winner / note")
    for name, r in results.items():
        if "error" in r:
            print(f"{name:<16} {'failed':>12}  {r['error']}")
            continue
        total = r["read"] + r["count"]
        print(
            f"{name:<16} {r['read']:>11.3f}s {r['count'] * 1e3:>8.1f}ms {total:>8.3f}s {total / base:>7.1f}x"
            f"  {r['winner']} ({r['note']})"
        )

    if loader_note:
        print(loader_note)
    winners = {r["winner"] for r in results.values() if "winner" in r}
    print()
    print(f"all contenders agree on the winner: {len(winners) == 1} ({', '.join(sorted(winners))})")
    t, p = results["tally"], results["plain reference"]
    checks = [
        (
            f"tally read+count within 2x of the plain reference ({base / (p['read'] + p['count']):.2f}x)",
            base <= 2 * (p["read"] + p["count"]),
        ),
        (f"tally IRV count under 50 ms ({t['count'] * 1e3:.1f} ms)", t["count"] < 0.05),
    ]
    if "votekit" in results and "error" not in results["votekit"]:
        v = results["votekit"]
        ratio = (v["read"] + v["count"]) / base
        checks.append((f"at least 10x faster than votekit end to end ({ratio:.1f}x)", ratio >= 10))
    for text, ok in checks:
        print(f"[{'PASS' if ok else 'MISS'}] {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
