"""Benchmark: loading the bundled US / UK datasets, cold (parse the CSV) and warm (Parquet).

Run: ``python bench/us_data.py [--repeat 3]``

Each load runs in a fresh Python process, so the timings include what a user pays on
the command line: importing tally and pyarrow and reading the data (not the CLI
itself). "cold" empties the Parquet cache in a temporary ``TALLY_HOME`` first; "warm"
reads the cache the cold run wrote. The target is under a second warm. Also timed, in
this process, on loaded data: the Electoral College count, the margins knapsack and a
what-if.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

DATASETS = ("us-president-2000", "us-president-2024", "us-house-2018", "uk-general-2024")
LOAD = "import time; t = time.perf_counter(); from tally import data; data.load({id!r}); print(time.perf_counter() - t)"


def load_time(dataset: str, home: str) -> float:
    env = {**os.environ, "TALLY_HOME": home}
    out = subprocess.run(
        [sys.executable, "-c", LOAD.format(id=dataset)], env=env, check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip())


def best(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        func()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="tally-bench-")
    try:
        print(f"{'dataset':<22}{'cold s':>10}{'warm s':>10}")
        for dataset in DATASETS:
            cold = []
            for _ in range(args.repeat):
                shutil.rmtree(os.path.join(home, "datasets"), ignore_errors=True)
                cold.append(load_time(dataset, home))
            warm = min(load_time(dataset, home) for _ in range(args.repeat))
            print(f"{dataset:<22}{min(cold):>10.3f}{warm:>10.3f}")
    finally:
        shutil.rmtree(home, ignore_errors=True)

    import tally
    from tally.analysis.margins import margins
    from tally.analysis.whatif import whatif
    from tally.data import us

    t = us.president(2020)
    print(f"electoral_college 2020: {best(lambda: tally.count(t, 'ec'), args.repeat) * 1000:.1f} ms")
    print(f"margins 2020 (knapsack): {best(lambda: margins(t), args.repeat) * 1000:.1f} ms")
    print(
        f"whatif 2000 (three transfers): "
        f"{best(lambda: whatif(us.president(2000), ['Nader -> Gore 50%', 'Bush -> Gore 1%', 'Bush -> other 2%']), args.repeat) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
