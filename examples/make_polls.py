"""Write examples/polls.csv from the bundled 2020 presidential results.

The file is in the format ``tally forecast`` reads (``state,<candidate A>,<candidate B>``,
percentages of each state's votes). Its numbers are the 2020 results, not polls: each
state's share of the vote for Joe Biden and for Donald Trump, rounded to one decimal, so a
forecast run on it shows what the model does with an average that was exactly right.

    python3 examples/make_polls.py        # rewrites examples/polls.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from tally import data

OUT = Path(__file__).resolve().parent / "polls.csv"


def rows() -> list[list[str]]:
    """``state, Biden %, Trump %`` per state, from ``us-president-2020``."""
    t = data.load("us-president-2020")
    biden, trump = t.candidates.index("Joe Biden"), t.candidates.index("Donald Trump")
    out = [["state", "Joe Biden", "Donald Trump"]]
    for i, state in enumerate(t.areas):
        total = t.votes[i].sum()
        out.append(
            [state, f"{100 * t.votes[i, biden] / total:.1f}", f"{100 * t.votes[i, trump] / total:.1f}"]
        )
    return out


def main() -> int:
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows())
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
