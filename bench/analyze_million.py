"""The RCV tables and the criteria searches on a 1,000,000-ballot import.

Not run in CI. Generates the synthetic CVR of ``import_million.py`` (seeded; one precinct
per ballot), imports it into a temporary store, then times, in one run:

* loading the import with its provenance (where each ballot was cast);
* ``tally.analysis.rcv_tables.analyze``: pairwise, first alternates, first to final,
  ranking distribution, inactive ballots by round and by precinct (one pass over the
  merged rows, plus a replay of the count);
* ``tally.analysis.criteria.criteria``: Condorcet, majority, the three paradox searches
  and the spoiler recounts;

beside references measured in the same run: the IRV count alone (``tally.count``) and
the existing NumPy pairwise matrix (``RankedBallots.pairwise``, the same work as the
head-to-head table without the ballot-reading rules). Ratios are printed.

    python bench/analyze_million.py [--ballots 1000000] [--candidates 6] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import import_million as source  # the generator lives beside this script


def best(repeat: int, func):
    """The fastest of ``repeat`` runs (wall seconds) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ballots", type=int, default=1_000_000)
    parser.add_argument("--candidates", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="folder for the CSV and the store (default: a temporary folder)")
    args = parser.parse_args()
    if args.candidates != len(source.CANDIDATES):
        source.CANDIDATES[:] = [f"Candidate {i + 1}" for i in range(args.candidates)]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="tally-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["TALLY_HOME"] = str(work / "store")

    import tally
    from tally import store
    from tally.analysis.criteria import criteria
    from tally.analysis.rcv_tables import analyze
    from tally.report.rcv import ranked_contest

    csv_path = work / "million_candidates.csv"
    if not csv_path.exists():
        source.generate(csv_path, args.ballots, "candidates")
    config = {
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
        "candidates": [{"name": n} for n in source.CANDIDATES],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": "exhaustImmediately",
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "maxSkippedRanksAllowed": "1",
            "maxRankingsAllowed": str(len(source.CANDIDATES)),
        },
    }
    config_path = work / "million_config.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    info = store.import_cvrs(config_path, "million", replace=True)
    print(
        f"imported {info.ballots:,.0f} ballots, {info.rows:,} distinct rows, {len(source.CANDIDATES)} candidates"
    )

    load, (contest, _) = best(args.repeat, lambda: ranked_contest("million"))
    ballots = contest.ballots
    assert ballots.provenance is not None and ballots.provenance.row.size == info.ballots
    count, outcome = best(args.repeat, lambda: tally.count(ballots, contest.rule, **contest.options))
    numpy_pairwise, _ = best(args.repeat, ballots.pairwise)
    tables, report = best(args.repeat, lambda: analyze(contest))
    criteria(contest)  # the first call imports scipy; time the searches themselves
    searches, found = best(args.repeat, lambda: criteria(contest))

    precincts = len(report["inactive"]["by_precinct"] or {})
    failed = [c["name"] for c in found["criteria"] if c["violated"]]
    print(
        f"winner {outcome.winners[0]} in {len(outcome.rounds)} rounds; {precincts} precincts; fails: {failed or 'nothing'}"
    )
    print(f"load the import with provenance  {load:8.3f} s")
    print(f"IRV count (reference)            {count:8.3f} s")
    print(f"NumPy pairwise matrix (reference){numpy_pairwise:8.3f} s")
    print(
        f"analyze: every table             {tables:8.3f} s   {tables / count:5.1f}x the count, {tables / numpy_pairwise:5.1f}x the NumPy pairwise"
    )
    print(f"criteria: every search           {searches:8.3f} s   {searches / count:5.1f}x the count")
    print(f"load + analyze + criteria        {load + tables + searches:8.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
