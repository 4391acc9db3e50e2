"""Every ranked rule on files of many candidates: whole-process time and peak memory.

Writes, from a seed, ranked CSVs of 500 ballots each ranking 3 of C candidates at random
(``r300``, ``r2000``) and files where every candidate is first, second and third on one
ballot each, so every count ties (``t300``, ``t2000``); then runs ``tally count FILE
--rule R --json`` for each rule that reads ranked ballots, under a time limit, and prints
wall time, peak memory (max RSS of the child) and the first line of any error. A rule
should finish in seconds or refuse at once with a one-line error naming its limit.

    python bench/candidates_sweep.py [--rules baldwin,irv] [--tiebreak all] [--timeout 60]
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).parent / "out" / "candidates"


def write_files() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    paths = []
    for c in (300, 2000):
        rng = random.Random(c)
        rows = [",".join(f"C{i}" for i in rng.sample(range(c), 3)) for _ in range(500)]
        paths.append(OUT / f"r{c}.csv")
        paths[-1].write_text("rank1,rank2,rank3\n" + "\n".join(rows) + "\n")
    for c in (300, 2000):
        rows = [f"C{i},C{(i + 1) % c},C{(i + 2) % c}" for i in range(c)]
        paths.append(OUT / f"t{c}.csv")
        paths[-1].write_text("rank1,rank2,rank3\n" + "\n".join(rows) + "\n")
    return paths


def run(path: Path, rule: str, tiebreak: str | None, timeout: float) -> str:
    cmd = [sys.executable, "-m", "tally.cli", "count", str(path), "--rule", rule, "--json"]
    if tiebreak:
        cmd += ["--tiebreak", tiebreak]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"did not finish in {timeout:g} s"
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    memory = f"{peak / 1024:.0f} MB" if peak > before else "<= earlier peak"
    if done.returncode:
        return f"{wall:.1f} s, {memory}, refused: {done.stderr.strip().splitlines()[-1][:120]}"
    return f"{wall:.1f} s, {memory}, {len(done.stdout) / 1e6:.1f} MB of JSON"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", help="comma-separated rules (default: every ranked rule)")
    parser.add_argument("--tiebreak", help="tie-break mode (default: each rule's own)")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    import tally

    rules = args.rules.split(",") if args.rules else [r.name for r in tally.rules() if r.accepts("ranked")]
    for path in write_files():
        for rule in rules:
            print(f"{path.stem}\t{rule}\t{run(path, rule, args.tiebreak, args.timeout)}", flush=True)


if __name__ == "__main__":
    main()
