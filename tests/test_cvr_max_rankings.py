"""``maxRankingsAllowed: "max"`` in every CVR reader that takes a rank limit.

RCTab 2.x reads ``"max"`` as no limit of its own: a CVR's ranks stand even where they
run past the number of declared candidates, while a number still bounds them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tally.errors import BallotError
from tally.io.cvr import RANK_CEILING, read_cvrs
from tally.rctab.config import parse_config

CASES = Path(__file__).parent / "data" / "rctab" / "cases"
RULES = {
    "tiebreakMode": "useCandidateOrder",
    "overvoteRule": "alwaysSkipToNextRank",
    "winnerElectionMode": "singleWinnerMajority",
    "numberOfWinners": "1",
    "decimalPlacesForVoteArithmetic": "4",
    "maxSkippedRanksAllowed": "unlimited",
}
TWO = [{"name": "Alice"}, {"name": "Bob"}]


def _config(tmp_path: Path, source: dict, limit: str):
    raw = {
        "outputSettings": {"contestName": "T"},
        "cvrFileSources": [source],
        "candidates": TWO,
        "rules": {**RULES, "maxRankingsAllowed": limit},
    }
    return parse_config(raw, folder=tmp_path, path=tmp_path / "c_config.json")


def _generic_csv(tmp_path: Path, rank: int) -> dict:
    # a cell holds the rank given to the column's candidate: Bob at the given rank
    (tmp_path / "cvr.csv").write_text(f"id,Alice,Bob\nr1,1,{rank}\n", encoding="utf-8")
    return {
        "provider": "genericCsv",
        "filePath": "cvr.csv",
        "firstVoteColumnIndex": "2",
        "firstVoteRowIndex": "2",
        "idColumnIndex": "1",
    }


def _clear_ballot(tmp_path: Path, rank: int) -> dict:
    head = ["RowNumber", "BoxID", "BoxPosition", "BallotID", "PrecinctID", "BallotStyleID"]
    head += ["PrecinctStyleName", "ScanComputerName", "Status", "Remade"]
    choice = "Choice_{i}_1:Race:{r}:Number of Winners 1:{n}:NON"
    ranks = (1, rank)
    cols = [choice.format(i=i, r=r, n=n) for i, n in enumerate(["Alice", "Bob"]) for r in ranks]
    # Alice at rank 1, Bob at the given rank
    lines = [",".join(f'"{h}"' for h in head + cols), "1,B,1,X1,7,1,S,PC,0,0,1,0,0,1"]
    (tmp_path / "cb.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"provider": "clearBallot", "filePath": "cb.csv", "contestId": "Race"}


@pytest.mark.parametrize("make", [_generic_csv, _clear_ballot])
def test_max_reads_ranks_past_the_declared_candidates(tmp_path, make):
    source = make(tmp_path, 3)
    (cvr,) = read_cvrs(_config(tmp_path, source, "max"))
    assert cvr.marks == (("Alice",), (), ("Bob",))
    with pytest.raises(BallotError, match=r"rank 3 exceeds maxRankingsAllowed \(2\)"):
        read_cvrs(_config(tmp_path, source, "2"))


@pytest.mark.parametrize("make", [_generic_csv, _clear_ballot])
def test_max_still_refuses_a_rank_no_ballot_has(tmp_path, make):
    source = make(tmp_path, RANK_CEILING + 1)
    with pytest.raises(BallotError, match="past any ballot's ranks"):
        read_cvrs(_config(tmp_path, source, "max"))


def _case(tmp_path: Path, case: str) -> dict:
    raw = json.loads((CASES / case / f"{case}_config.json").read_text(encoding="utf-8"))
    src = (CASES / case / raw["cvrFileSources"][0]["filePath"]).resolve()
    dest = tmp_path / src.name
    (shutil.copytree if src.is_dir() else shutil.copy)(src, dest)
    raw["cvrFileSources"][0]["filePath"] = src.name
    return raw


def test_cdf_max_reads_ranks_past_the_declared_candidates(tmp_path):
    case = "test_set_0_skipped_first_choice"  # 4 declared candidates
    raw = _case(tmp_path, case)
    path = tmp_path / raw["cvrFileSources"][0]["filePath"]
    text = path.read_text(encoding="utf-8")
    assert '"Rank" : 3' in text
    path.write_text(text.replace('"Rank" : 3', '"Rank" : 6', 1), encoding="utf-8")
    raw["rules"]["maxRankingsAllowed"] = "max"
    cvrs = read_cvrs(parse_config(raw, folder=tmp_path))
    assert max(len(c.marks) for c in cvrs) == 6
    raw["rules"]["maxRankingsAllowed"] = "4"
    with pytest.raises(BallotError, match=r"rank 6 exceeds maxRankingsAllowed \(4\)"):
        read_cvrs(parse_config(raw, folder=tmp_path))


def test_hart_reads_the_same_under_max_and_a_number_as_high_as_its_ranks(tmp_path):
    raw = _case(tmp_path, "hart_cedar_park_school_board")
    assert raw["rules"]["maxRankingsAllowed"] == "max"
    under_max = read_cvrs(parse_config(raw, folder=tmp_path))
    top = max(len(c.marks) for c in under_max)
    raw["rules"]["maxRankingsAllowed"] = str(top)
    assert [c.marks for c in read_cvrs(parse_config(raw, folder=tmp_path))] == [c.marks for c in under_max]
    raw["rules"]["maxRankingsAllowed"] = str(top - 1)
    with pytest.raises(BallotError, match=rf"rank {top} exceeds maxRankingsAllowed"):
        read_cvrs(parse_config(raw, folder=tmp_path))
