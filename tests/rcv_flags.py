"""The catalogue's paradox flags, computed from the ballots of every bundled ranked election.

``tests/test_rcv_flags.py`` checks that ``src/tally/data/rcv-flags.json`` equals what the
criteria searches find now. After adding a ranked dataset or changing the searches::

    python -m tests.rcv_flags --write

and commit the file with the change.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from tally import data as catalogue
from tally.analysis.criteria import criteria
from tally.data.rcv_flags import FLAGS_FILE
from tally.report.rcv import ranked_contest


def ranked_ids() -> list[str]:
    """Every bundled dataset of ranked ballots."""
    return [d.id for d in catalogue.datasets() if d.kind == "ranked"]


def compute(dataset_id: str) -> dict[str, Any]:
    """``{"rule", "flags"}``: the criteria the dataset's outcome fails under its official
    rule and options."""
    contest, _ = ranked_contest(dataset_id)
    found = criteria(contest)
    return {
        "rule": found["rule"],
        "flags": [c["name"] for c in found["criteria"] if c["violated"]],
    }


def text(found: dict[str, dict[str, Any]]) -> str:
    return json.dumps(found, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Compute (and with --write, commit) the catalogue's paradox flags."
    )
    parser.add_argument("--write", action="store_true", help=f"write {FLAGS_FILE}")
    args = parser.parse_args(argv)
    found = {i: compute(i) for i in ranked_ids()}
    if args.write:
        FLAGS_FILE.write_text(text(found), encoding="utf-8")
        print(
            f"wrote {FLAGS_FILE.name}: {sum(bool(v['flags']) for v in found.values())} of {len(found)} flagged"
        )
    else:
        print(text(found), end="")


if __name__ == "__main__":
    main()
