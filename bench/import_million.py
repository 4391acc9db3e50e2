"""Import a synthetic 1,000,000-ballot CVR into the store, then count from the store.

Not run in CI. Generates an RCTab generic CSV (one column per candidate, cell = rank) with
a fixed seed, imports it with :func:`tally.store.import_cvrs` (streamed in blocks), loads
the stored ballots and counts them with IRV, printing wall time and peak resident memory
(``resource.getrusage``) for each step. With ``--layout ranks`` it writes an ES&S-style CSV
(one column per rank, cell = candidate name) and uses :func:`tally.store.import_csv`,
which reads the columns by their header names as ``tally count`` does.

The import is timed ``--repeat`` times (each, then the best and the median; the first also
loads tally's own modules), beside a reference measured in the same run:
``pyarrow.csv.read_csv`` of the same file, the parse alone.

    python bench/import_million.py [--ballots 1000000] [--layout candidates|ranks] [--repeat 3] [--keep DIR] [--maine]

Wall time depends on what else the machine runs; CPU time (all threads) is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

CANDIDATES = ["Alvarez", "Brooks", "Chen", "Dubois", "Eze", "Fischer"]


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB.

    Linux's VmHWM starts afresh at exec, unlike ``ru_maxrss`` which a child started with
    fork + exec inherits from its parent; ``getrusage`` is the fallback elsewhere.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def cpu_seconds() -> float:
    """CPU time of this process (all threads): unlike wall time, not inflated by other load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Timer:
    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = cpu_seconds() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


def generate(path: Path, n: int, layout: str, seed: int = 20240101) -> None:
    """Ballots ranking up to 4 candidates (up to 10 with more candidates), unequal popularity."""
    rng = np.random.default_rng(seed)
    c = len(CANDIDATES)
    popularity = 1 / np.arange(1, c + 1)
    popularity /= popularity.sum()
    longest = 4 if c <= 6 else min(c, 10)
    lengths = np.arange(longest + 1)
    chance = np.full(longest + 1, 1.0)
    chance[0] = 0.02 * longest
    chance /= chance.sum()
    block = 200_000
    with path.open("w", encoding="utf-8", newline="") as out:
        if layout == "candidates":
            out.write("id,precinct," + ",".join(CANDIDATES) + "\n")
        else:
            out.write("id,precinct," + ",".join(f"Choice {r + 1}" for r in range(longest)) + "\n")
        written = 0
        while written < n:
            m = min(block, n - written)
            keys = rng.random((m, c)) ** (1 / popularity)  # weighted order without replacement
            order = np.argsort(-keys, axis=1)
            length = rng.choice(lengths, size=m, p=chance)
            precinct = rng.integers(1, 120, size=m)
            lines = []
            for i in range(m):
                k = int(length[i])
                if layout == "candidates":
                    cells = [""] * c
                    for rank in range(k):
                        cells[order[i, rank]] = str(rank + 1)
                else:
                    cells = [CANDIDATES[order[i, rank]] for rank in range(k)] + [""] * (longest - k)
                lines.append(f"B{written + i + 1},P{precinct[i]}," + ",".join(cells))
            out.write("\n".join(lines) + "\n")
            written += m


def generic_config(csv_path: Path) -> dict:
    """The RCTab configuration of the generic CSV (one column per candidate, cell = rank)."""
    return {
        "outputSettings": {"contestName": "Synthetic million"},
        "cvrFileSources": [
            {
                "provider": "genericCsv",
                "filePath": csv_path.name,
                "firstVoteColumnIndex": "3",
                "firstVoteRowIndex": "2",
                "idColumnIndex": "1",
                "precinctColumnIndex": "2",
            }
        ],
        "candidates": [{"name": n} for n in CANDIDATES],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": "exhaustImmediately",
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "maxSkippedRanksAllowed": "1",
            "maxRankingsAllowed": str(len(CANDIDATES)),
        },
    }


def pyrankvote_run(csv_path: Path) -> int:
    """Read the generic CSV with the csv module and count it with pyrankvote's IRV."""
    import csv

    import pyrankvote

    with Timer() as timer:
        with csv_path.open(newline="", encoding="utf-8") as handle:
            rows = csv.reader(handle)
            header = next(rows)
            people = [pyrankvote.Candidate(n) for n in header[2:]]
            ballots = []
            for row in rows:
                ranked = sorted((int(v), c) for c, v in enumerate(row[2:]) if v)
                ballots.append(pyrankvote.Ballot(ranked_candidates=[people[c] for _, c in ranked]))
        result = pyrankvote.instant_runoff_voting(people, ballots)
    winner = result.get_winners()[0].name
    print(
        f"pyrankvote: read + IRV of {len(ballots):,} ballots in {timer}; winner {winner}; "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )
    print(
        "RESULT "
        + json.dumps({"wall": timer.wall, "cpu": timer.cpu, "rss_mb": peak_rss_mb(), "winner": winner})
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--layout", choices=("candidates", "ranks"), default="candidates")
    parser.add_argument("--repeat", type=int, default=3, help="imports timed (best and median printed)")
    parser.add_argument("--keep", help="folder for the CSV and the store (default: a temporary folder)")
    parser.add_argument("--maine", action="store_true", help="also import and recount Maine 2018 CD-2")
    parser.add_argument(
        "--candidates",
        type=int,
        default=6,
        help="number of candidates (more than 6 gives up to 10 ranks: many distinct ballots)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also read and count the same CSV with pyrankvote, in a child process",
    )
    parser.add_argument("--pyrankvote", metavar="CSV", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.candidates != len(CANDIDATES):
        CANDIDATES[:] = [f"Candidate {i + 1}" for i in range(args.candidates)]
    if args.pyrankvote:
        return pyrankvote_run(Path(args.pyrankvote))

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tally-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["TALLY_HOME"] = str(work / "store")
    import tally
    from tally import store

    csv_path = work / f"million_{args.layout}.csv"
    t = time.perf_counter()
    generate(csv_path, args.ballots, args.layout)
    print(
        f"generated {args.ballots:,} ballots ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t:.1f} s"
    )
    import duckdb  # noqa: F401 - load the libraries before timing the import
    import pyarrow.compute
    import pyarrow.csv
    import pyarrow.parquet

    def run_import() -> store.ImportInfo:
        if args.layout == "candidates":
            config_path = work / "million_config.json"
            config_path.write_text(json.dumps(generic_config(csv_path)), encoding="utf-8")
            return store.import_cvrs(config_path, "million", replace=True)
        return store.import_csv(csv_path, "million", candidates=CANDIDATES, replace=True)

    # A file to import was written long before: flush this one to disk, or the store's
    # fsync at commit writes it out too (the file system orders data before metadata).
    os.sync()
    rss_before = peak_rss_mb()
    imports = []
    for attempt in range(args.repeat):
        with Timer() as timer:
            info = run_import()
        imports.append(timer)
        note = " (the first loads tally's modules)" if attempt == 0 else ""
        print(
            f"import {attempt + 1}: {info.ballots:,.0f} ballots -> {info.rows:,} distinct rows in {timer} "
            f"({info.ballots / timer.wall:,.0f} ballots/s wall, {info.ballots / timer.cpu:,.0f} per CPU s){note}"
        )
    rss_import = peak_rss_mb()
    parses = []
    for _ in range(args.repeat):
        with Timer() as timer:
            pyarrow.csv.read_csv(csv_path)
        parses.append(timer)
    walls = [t.wall for t in imports]
    best, median = min(walls), statistics.median(walls)
    ref_best, ref_median = min(t.wall for t in parses), statistics.median(t.wall for t in parses)
    print(
        f"import: best {best:.3f} s ({info.ballots / best:,.0f} ballots/s), median {median:.3f} s "
        f"({info.ballots / median:,.0f} ballots/s), CPU best {min(t.cpu for t in imports):.2f} s; "
        f"peak RSS {rss_import:,.0f} MB (before import {rss_before:,.0f} MB)"
    )
    print(
        f"reference, pyarrow.csv.read_csv of the same file (the parse alone): best {ref_best:.3f} s, "
        f"median {ref_median:.3f} s; import / parse {best / ref_best:.2f}x best, "
        f"{median / ref_median:.2f}x median; load average {os.getloadavg()[0]:.1f}"
    )
    import_time = imports[-1]

    with Timer() as load_time:
        ballots = store.load_ballots("million")
    with Timer() as count_time:
        outcome = tally.count(ballots, "irv", overvote="exhaust", max_skipped=1)
    print(
        f"recount from the store: load {load_time}; IRV {count_time}; "
        f"winner {outcome.winners[0]}, {len(outcome.rounds)} rounds"
    )

    if args.maine:
        maine = (
            Path(__file__).resolve().parent.parent
            / "tests"
            / "data"
            / "maine-cvr"
            / "maine_cd2_2018_config.json"
        )
        with Timer() as maine_import:
            info = store.import_cvrs(maine, "maine", replace=True)
        with Timer() as maine_count:
            outcome = tally.count(
                store.load_ballots("maine"), "irv", overvote="exhaust", max_skipped=1, batch_elimination=True
            )
        final = ", ".join(f"{k} {v:,.0f}" for k, v in outcome.rounds[-1].tally.items())
        print(
            f"Maine 2018 CD-2 (8 xlsx, {info.ballots:,.0f} ballots): import {maine_import}; "
            f"recount {maine_count}; final {final}"
        )
        # Reference in the same run: the row-by-row reader, one file after another (reading
        # only, no encoding or storing), as every ES&S import went before the column reader.
        from tally.io.cvr import ess
        from tally.rctab.config import load_config

        config = load_config(maine)
        with Timer() as row_read:
            rows = sum(len(ess.table(config, source).lines) for source in config.sources)
        print(
            f"  reference, row-by-row serial read of the same {rows:,} ballots: {row_read}; "
            f"import / reference: {maine_import.wall / row_read.wall:.2f}x wall, "
            f"{maine_import.cpu / row_read.cpu:.2f}x CPU; load average {os.getloadavg()[0]:.1f}"
        )
    print(f"peak RSS overall {peak_rss_mb():,.0f} MB")
    if args.compare and args.layout == "candidates":
        import subprocess

        result = subprocess.run(
            [sys.executable, __file__, "--pyrankvote", str(csv_path)],
            capture_output=True,
            text=True,
            check=True,
        )
        print(result.stdout.strip())
        theirs = json.loads(result.stdout.strip().splitlines()[-1].split("RESULT ", 1)[1])
        ours = import_time.wall + load_time.wall + count_time.wall
        print(
            f"ratio (pyrankvote / tally), read + count wall time: {theirs['wall'] / ours:.1f}x; "
            f"peak RSS: {theirs['rss_mb'] / peak_rss_mb():.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
