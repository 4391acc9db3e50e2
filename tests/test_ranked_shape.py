"""Every ranked rule that counts in rounds writes the same outcome shape.

IRV, Coombs, the top-two runoff, sequential IRV, RCTab's tabulation and every STV rule
build their rounds with the floor's recorder, so their JSON has one shape: the same round
keys, every inactive reason listed, transfer rows ending in "exhausted" (always present),
exhausted ballots split into partially and fully ranked, the same ballots summary.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import tally
from tally.ballots import FIRST_TIE_CODE, SKIPPED
from tally.options import EXHAUSTED_KINDS, INACTIVE_REASONS

RANKED_ROUND_RULES = {
    "irv": {},
    "coombs": {},
    "runoff": {},
    "sequential_irv": {"seats": 2},
    "rctab": {},
    "scottish_stv": {"seats": 2},
    "wigm_stv": {"seats": 2},
    "ers97_stv": {"seats": 2},
    "irish_stv": {"seats": 2},
    "meek_stv": {"seats": 2},
    "warren_stv": {"seats": 2},
}
ROUND_KEYS = {
    "round",
    "tally",
    "elected",
    "eliminated",
    "transfers",
    "continuing",
    "inactive",
    "threshold",
    "note",
    "exhausted_by_ranking",
}


def messy(seed: int) -> tally.RankedBallots:
    """Ballots with blanks, skipped ranks, an overvote, repeats and truncation."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(60):
        length = int(rng.integers(0, 5))
        rows.append([int(c) if rng.random() > 0.15 else SKIPPED for c in rng.integers(0, 5, size=length)])
    rows += [[FIRST_TIE_CODE, 2], [1, 1, 3], []]
    width = max(len(r) for r in rows)
    matrix = np.full((len(rows), width), SKIPPED)
    for i, r in enumerate(rows):
        matrix[i, : len(r)] = r
    weights = rng.integers(1, 4, size=len(rows)).astype(float)
    return tally.RankedBallots.from_matrix(list("ABCDE"), matrix, weights, tie_sets=[frozenset({0, 1})])


def shape(outcome: tally.Outcome) -> dict:
    data = json.loads(outcome.to_json())
    names = set(data["candidates"])
    rows = [row for r in data["rounds"] for row in r["transfers"].values()]
    return {
        "round keys": sorted({k for r in data["rounds"] for k in r}),
        "every round has every key": all(set(r) == ROUND_KEYS for r in data["rounds"]),
        "inactive reasons": sorted({tuple(r["inactive"]) for r in data["rounds"]}),
        "exhausted split": sorted({tuple(r["exhausted_by_ranking"]) for r in data["rounds"]}),
        "transfer rows end in exhausted": all(list(row)[-1] == "exhausted" for row in rows),
        "transfer destinations": all(set(row) - {"exhausted"} <= names for row in rows),
        "ballots keys": sorted(data["ballots"]),
        "ballots inactive": list(data["ballots"]["inactive"]),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_ranked_round_rule_has_one_shape(seed):
    ballots = messy(seed)
    shapes = {name: shape(tally.count(ballots, name, **opts)) for name, opts in RANKED_ROUND_RULES.items()}
    expected = {
        "round keys": sorted(ROUND_KEYS),
        "every round has every key": True,
        "inactive reasons": [INACTIVE_REASONS],
        "exhausted split": [EXHAUSTED_KINDS],
        "transfer rows end in exhausted": True,
        "transfer destinations": True,
        "ballots keys": ["continuing", "exhausted_by_ranking", "inactive", "read"],
        "ballots inactive": list(INACTIVE_REASONS),
    }
    for name, got in shapes.items():
        assert got == expected, name
    # and the profile is messy enough for transfers to show up in every rule but the runoff's
    # single elimination round
    assert all(
        any(r.transfers for r in tally.count(ballots, n, **o).rounds) for n, o in RANKED_ROUND_RULES.items()
    )


def test_irv_and_sequential_irv_write_transfers_the_same_way():
    b = tally.RankedBallots.from_rankings(
        list("ABC"), [["A", "B"]] * 4 + [["B"]] * 3 + [["C", "B"]] * 2 + [["C"]] * 1
    )
    irv = tally.count(b, "irv").rounds[0].to_dict()
    seq = tally.count(b, "sequential_irv").rounds[0].to_dict()
    assert irv["transfers"] == seq["transfers"] == {"C": {"B": 2, "exhausted": 1}}
    quiet = tally.RankedBallots.from_rankings(list("ABC"), [["A"]] * 4 + [["B"]] * 3 + [["C", "B"]] * 2)
    # a transfer with nothing exhausted still lists "exhausted": 0 in both
    assert tally.count(quiet, "irv").rounds[0].to_dict()["transfers"] == {"C": {"B": 2, "exhausted": 0}}
    assert tally.count(quiet, "sequential_irv").rounds[0].to_dict()["transfers"] == {
        "C": {"B": 2, "exhausted": 0}
    }


def test_exhausted_ballots_split_by_how_fully_they_rank():
    # 3 ranks offered. A>C>E ranks all three, A ranks one; both exhaust once A, C and E are out.
    b = tally.RankedBallots.from_rankings(
        list("ABCDE"), [["A", "C", "E"]] + [["A"]] + [["B"]] * 5 + [["D"]] * 4, merge=False
    )
    o = tally.count(b, "irv")
    assert o.winners == ("B",)
    last = o.rounds[-1]
    assert dict(last.tally) == {"B": 5, "D": 4}
    assert last.exhausted_by_ranking == {"partially_ranked": 1, "fully_ranked": 1}
    assert o.ballots["exhausted_by_ranking"] == {"partially_ranked": 1, "fully_ranked": 1}
