"""RCTab's CVR conversions (flat CSV, CDF JSON) reproduced from RCTab's expected files."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tally.cli.convert import write_cdf_json
from tally.count.walk import Walk
from tally.io.cvr import contest_candidates, cvrs_to_ballots, read_cvrs
from tally.io.cvr.convert import cdf_json, cvr_csv, java_hash_order
from tally.options import Reading
from tally.rctab.config import load_config

CASES = Path(__file__).parent / "data" / "rctab" / "cases"
RCTAB_DEVICE = {"application": "RCTab", "manufacturer": "Bright Spots"}
_OVERVOTE_RULES = {
    "exhaustImmediately": "exhaust",
    "alwaysSkipToNextRank": "skip",
    "exhaustIfMultipleContinuing": "exhaust_if_multiple",
}


def _load(case: str):
    config = load_config(CASES / case / f"{case}_config.json")
    return config, read_cvrs(config)


def _expected_json(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("GeneratedDate")
    return data


@pytest.mark.parametrize("case", ["conversions_from_ess", "conversions_from_dominion"])
def test_flat_csv_export_matches_rctab(case):
    config, cvrs = _load(case)
    got = cvr_csv(config, cvrs)
    expected = (CASES / case / f"{case}_expected.csv").read_text(encoding="utf-8")
    assert got.replace("\r\n", "\n") == expected.replace("\r\n", "\n")
    assert list(csv.reader(io.StringIO(got))) == list(csv.reader(io.StringIO(expected)))


@pytest.mark.parametrize("case", ["conversions_from_ess", "conversions_from_dominion"])
def test_cdf_export_matches_rctab(case, tmp_path):
    config, cvrs = _load(case)
    got = cdf_json(config, cvrs, **RCTAB_DEVICE)
    got.pop("GeneratedDate")
    assert got == _expected_json(CASES / case / f"{case}_expected_cdf_cvr.json")
    written = write_cdf_json(config, cvrs, tmp_path / "out.json", generated_date="2024-01-01T00:00:00Z")
    again = json.loads(written.read_text(encoding="utf-8"))
    assert again["GeneratedDate"] == "2024-01-01T00:00:00Z"
    assert again["ReportingDevice"][0]["Application"] == "tally"


def _single_winner_allocations(config, cvrs, report: dict) -> list:
    """Who each ballot counts for in each round, replaying RCTab's eliminations.

    The walk applies the config's ballot rules; the eliminations come from RCTab's own
    report, so this checks the export (and the reader), not the tabulator.
    """
    names = contest_candidates(config, cvrs)
    ballots = cvrs_to_ballots(cvrs, names, merge=False)
    rules = config.rules
    walk = Walk(
        ballots,
        Reading(
            overvote=_OVERVOTE_RULES[rules.overvote_rule],
            max_skipped=rules.max_skipped_ranks,
            repeated="exhaust" if rules.exhaust_on_duplicate else "skip",
        ),
        excluded=frozenset(names.index(n) for n in config.excluded_names),
    )
    continuing = walk.continuing.copy()
    allocations = []
    for result in report["results"]:
        allocations.append([[(names[c], Decimal(1))] if c >= 0 else [] for c in walk.current])
        for action in result["tallyResults"]:
            if "eliminated" in action:
                continuing[names.index(action["eliminated"])] = False
        walk.advance(continuing.copy())
    return allocations


def _cdf_cases() -> list:
    """Single-winner cases with a CDF export. The multi-winner one needs the fractional
    allocations of an STV count, which only the tabulator has: its export is compared with
    RCTab's in tests/test_rctab_cases.py, from the tabulator's own allocations."""
    out = []
    for config in sorted(CASES.glob("*/*_config.json")):
        raw = json.loads(config.read_text(encoding="utf-8"))
        if (
            raw["outputSettings"].get("generateCdfJson")
            and raw["rules"]["winnerElectionMode"] == "singleWinnerMajority"
        ):
            out.append(config.parent.name)
    return out


@pytest.mark.parametrize("case", _cdf_cases())
def test_cdf_export_with_rounds_matches_rctab(case):
    config, cvrs = _load(case)
    report = json.loads((CASES / case / f"{case}_expected_detailed_report.json").read_text(encoding="utf-8"))
    allocations = _single_winner_allocations(config, cvrs, report)
    got = cdf_json(config, cvrs, allocations, **RCTAB_DEVICE)
    got.pop("GeneratedDate")
    assert got == _expected_json(CASES / case / f"{case}_expected_cdf_cvr.json")


def test_java_hash_order_matches_java_hashset():
    # String.hashCode: "a" 97, "b" 98, "c" 99 (buckets 1-3 of 16); "Aa" and "BB" both 2112
    # (bucket 0), so they come first, in insertion order. Java's HashSet iterates the same.
    assert java_hash_order(["b", "BB", "Aa", "a", "c"]) == ["BB", "Aa", "a", "b", "c"]
    many = [f"P{i}" for i in range(40)]  # more than 24 keys: the table has grown to 64
    assert sorted(java_hash_order(many)) == sorted(many)
    assert java_hash_order(many) != many
