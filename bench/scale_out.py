"""Scale-out: one simulation on one process, on a local Dask cluster of one worker and of two.

``tally simulate`` counts its elections in chunks; ``--cluster local --workers N`` hands
the chunks to a Dask LocalCluster of N single-threaded worker processes. This script runs
the same seeded simulation three ways as whole processes (the command a user types, so
start-up, the cluster's start and the gathering of every election's results are all
counted), checks that the three give identical metrics, and prints the wall times and the
ratio of one worker to two.

Usage::

    python bench/scale_out.py [--elections 10000000] [--candidates 5] [--voters 101]
                              [--rules plurality,irv,borda] [--metrics condorcet] [--seed 1]
                              [--repeat 1]

With ``--repeat N`` the three ways take turns N times (so a slow spell of the machine
falls on all of them alike) and the median of each is compared.

Needs the ``dist`` extra (Dask). It takes minutes at the default size: every election is
counted three times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def _run(args: list[str], home: str) -> tuple[float, dict]:
    """Wall seconds of ``tally simulate ARGS --json`` as a fresh process, and its JSON."""
    env = {**os.environ, "TALLY_HOME": home}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tally.cli", "simulate", *args, "--no-save", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"tally simulate {' '.join(args)} failed:\n{done.stderr.strip()}")
    return wall, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elections", type=int, default=10_000_000)
    parser.add_argument("--candidates", type=int, default=5)
    parser.add_argument("--voters", type=int, default=101)
    parser.add_argument("--rules", default="plurality,irv,borda")
    parser.add_argument("--metrics", default="condorcet")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="turns of the three ways; medians compared")
    opts = parser.parse_args()
    base = [
        "--electorate",
        "ic",
        "--elections",
        str(opts.elections),
        "--candidates",
        str(opts.candidates),
        "--voters",
        str(opts.voters),
        "--rules",
        opts.rules,
        "--metrics",
        opts.metrics,
        "--seed",
        str(opts.seed),
    ]
    ways = {
        "one process": base,
        "local cluster, 1 worker": [*base, "--cluster", "local", "--workers", "1"],
        "local cluster, 2 workers": [*base, "--cluster", "local", "--workers", "2"],
    }
    print(
        f"tally simulate: {opts.elections:,} elections, ic, {opts.candidates} candidates, "
        f"{opts.voters} voters, rules {opts.rules}, metrics {opts.metrics}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start"
    )
    times: dict[str, list[float]] = {name: [] for name in ways}
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as home:
        for turn in range(opts.repeat):
            for name, args in ways.items():
                wall, result = _run(args, home)
                times[name].append(wall)
                if results.setdefault(name, result) != result:
                    raise SystemExit(f"{name}: turn {turn + 1} printed other results than turn 1")
                print(f"  {name:<26} {wall:8.2f} s")
    walls = {name: statistics.median(ts) for name, ts in times.items()}
    if opts.repeat > 1:
        for name, ts in times.items():
            print(f"  {name:<26} median {walls[name]:8.2f} s of {', '.join(f'{t:.1f}' for t in ts)}")
    first = results["one process"]
    same = all(
        r["metrics"] == first["metrics"] and r["intervals"] == first["intervals"] for r in results.values()
    )
    print(f"identical metrics on all three: {'yes' if same else 'NO'}")
    one, two = walls["local cluster, 1 worker"], walls["local cluster, 2 workers"]
    print(f"2 workers against 1 worker: {one / two:.2f}x faster (target 1.7x)")
    print(f"2 workers against one process: {walls['one process'] / two:.2f}x faster")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
