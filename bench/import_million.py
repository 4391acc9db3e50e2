"""Import a synthetic 1,000,000-ballot CVR into the store, then count from the store.

Not run in CI. Generates an RCTab generic CSV (one column per candidate, cell = rank) with
a fixed seed, imports it with :func:`tally.store.import_cvrs` (streamed in blocks), loads
the stored ballots and counts them with IRV, printing wall time and peak resident memory
(``resource.getrusage``) for each step. With ``--layout ranks`` it writes an ES&S-style CSV
(one column per rank, cell = candidate name) and uses :func:`tally.store.import_csv`.

    python bench/import_million.py [--ballots 1000000] [--layout candidates|ranks] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CANDIDATES = ["Alvarez", "Brooks", "Chen", "Dubois", "Eze", "Fischer"]


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(path: Path, n: int, layout: str, seed: int = 20240101) -> None:
    """Ballots ranking 0-4 candidates drawn with unequal popularity, some with a skipped rank."""
    rng = np.random.default_rng(seed)
    c = len(CANDIDATES)
    popularity = np.array([0.3, 0.25, 0.2, 0.12, 0.08, 0.05])
    block = 200_000
    with path.open("w", encoding="utf-8", newline="") as out:
        if layout == "candidates":
            out.write("id,precinct," + ",".join(CANDIDATES) + "\n")
        else:
            out.write("id,precinct," + ",".join(f"Choice {r + 1}" for r in range(4)) + "\n")
        written = 0
        while written < n:
            m = min(block, n - written)
            keys = rng.random((m, c)) ** (1 / popularity)  # weighted order without replacement
            order = np.argsort(-keys, axis=1)
            length = rng.choice([0, 1, 2, 3, 4], size=m, p=[0.02, 0.18, 0.3, 0.3, 0.2])
            precinct = rng.integers(1, 120, size=m)
            lines = []
            for i in range(m):
                k = int(length[i])
                if layout == "candidates":
                    cells = [""] * c
                    for rank in range(k):
                        cells[order[i, rank]] = str(rank + 1)
                else:
                    cells = [CANDIDATES[order[i, rank]] for rank in range(k)] + [""] * (4 - k)
                lines.append(f"B{written + i + 1},P{precinct[i]}," + ",".join(cells))
            out.write("\n".join(lines) + "\n")
            written += m


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--layout", choices=("candidates", "ranks"), default="candidates")
    parser.add_argument("--keep", help="folder for the CSV and the store (default: a temporary folder)")
    args = parser.parse_args()

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tally-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["TALLY_HOME"] = str(work / "store")
    import tally
    from tally import store

    csv_path = work / f"million_{args.layout}.csv"
    t = time.perf_counter()
    generate(csv_path, args.ballots, args.layout)
    print(f"generated {args.ballots:,} ballots ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s")
    rss_before = peak_rss_mb()

    t = time.perf_counter()
    if args.layout == "candidates":
        config = {
            "outputSettings": {"contestName": "Synthetic million"},
            "cvrFileSources": [{"provider": "genericCsv", "filePath": csv_path.name, "firstVoteColumnIndex": "3",
                                "firstVoteRowIndex": "2", "idColumnIndex": "1", "precinctColumnIndex": "2"}],
            "candidates": [{"name": n} for n in CANDIDATES],
            "rules": {"tiebreakMode": "useCandidateOrder", "overvoteRule": "exhaustImmediately",
                      "winnerElectionMode": "singleWinnerMajority", "numberOfWinners": "1",
                      "decimalPlacesForVoteArithmetic": "4", "maxSkippedRanksAllowed": "1",
                      "maxRankingsAllowed": str(len(CANDIDATES))},
        }
        config_path = work / "million_config.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        info = store.import_cvrs(config_path, "million", replace=True)
    else:
        info = store.import_csv(csv_path, "million", candidates=CANDIDATES, first_rank_column=3, ranks=4,
                                precinct_column=2, replace=True)
    elapsed = time.perf_counter() - t
    print(f"import: {info.ballots:,.0f} ballots -> {info.rows:,} distinct rows in {elapsed:.2f} s "
          f"({info.ballots / elapsed:,.0f} ballots/s); peak RSS {peak_rss_mb():,.0f} MB "
          f"(before import {rss_before:,.0f} MB)")

    t = time.perf_counter()
    ballots = store.load_ballots("million")
    loaded = time.perf_counter() - t
    t = time.perf_counter()
    outcome = tally.count(ballots, "irv", overvote="exhaust", max_skipped=1)
    counted = time.perf_counter() - t
    print(f"recount from the store: load {loaded * 1000:.0f} ms + IRV {counted * 1000:.0f} ms "
          f"= {(loaded + counted) * 1000:.0f} ms; winner {outcome.winners[0]}, {len(outcome.rounds)} rounds")
    print(f"peak RSS overall {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
