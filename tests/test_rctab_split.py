"""The RCTab tabulator under ``overvoteRule: "splitVote"`` (tally's ``overvote="split"``).

A ranking naming several continuing candidates divides the ballot's value equally among
them, each share truncated to ``decimalPlacesForVoteArithmetic`` places, the remainder set
aside for good (:mod:`tally.rctab.split`). Checked here: hand-worked counts, that every
round of every mode accounts for every ballot to the last decimal (whole contest and
precincts), that the transfers explain each round, and that the tabulator agrees with the
floor's rules under ``overvote="split"`` (IRV, WIGM STV, sequential IRV) on random
profiles wherever RCTab's decimals cannot decide anything.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

import tally
from tally.errors import ConfigError
from tally.io.cvr.model import CastVoteRecord
from tally.rctab.config import Rules, parse_config
from tally.rctab.report import summary_csv, summary_json
from tally.rctab.run import run_config
from tally.rctab.tabulate import build_contest, tabulate

from .test_transfers_reconcile import unexplained

NAMES = "ABCDEF"
MODES = {
    "single": "singleWinnerMajority",
    "stv": "multiWinnerAllowMultipleWinnersPerRound",
    "one_per_round": "multiWinnerAllowOnlyOneWinnerPerRound",
    "bottoms_up": "bottomsUp",
    "multi_pass": "multiPassIrv",
    "percentage": "bottomsUpUsingPercentageThreshold",
}


def profile(seed: int) -> list[list[object]]:
    """3-6 candidates, 5-40 ballots, truncated rankings; about a third of the ranks an
    overvote naming two or three candidates (a frozenset)."""
    rng = np.random.default_rng(seed)
    c = int(rng.integers(3, 7))
    rows: list[list[object]] = []
    for _ in range(int(rng.integers(5, 41))):
        order = [NAMES[i] for i in rng.permutation(c)]
        length = int(rng.integers(1, c + 1))
        row: list[object] = []
        i = 0
        while i < length:
            if length - i >= 2 and rng.random() < 0.3:
                k = int(rng.integers(2, min(3, length - i) + 1))
                row.append(frozenset(order[i : i + k]))
                i += k
            else:
                row.append(order[i])
                i += 1
        rows.append(row)
    return rows


def ballots(seed: int) -> tally.RankedBallots:
    rows = profile(seed)
    used = sorted({c for r in rows for m in r for c in (m if isinstance(m, frozenset) else (m,))})
    return tally.RankedBallots.from_rankings(list(NAMES[: NAMES.index(used[-1]) + 1]), rows)


def records(seed: int) -> tuple[list[str], list[CastVoteRecord]]:
    """The profile as cast-vote records in three precincts."""
    rows = profile(seed)
    names = sorted({c for r in rows for m in r for c in (m if isinstance(m, frozenset) else (m,))})
    out = [
        CastVoteRecord(
            ballot_id=str(i),
            marks=tuple(tuple(sorted(m)) if isinstance(m, frozenset) else (m,) for m in r),
            precinct=f"P{i % 3}",
        )
        for i, r in enumerate(rows)
    ]
    return names, out


# -- hand-worked counts ---------------------------------------------------------------------


def test_three_way_split_sets_its_remainder_aside():
    # A 4, B 3, C 2 and 2 ballots marking A, B and C first; 4 decimal places.
    rows = [["A"]] * 4 + [["B"]] * 3 + [["C"]] * 2 + [[frozenset("ABC")]] * 2
    b = tally.RankedBallots.from_rankings(list("ABC"), rows)
    contest = build_contest(list("ABC"), [CastVoteRecord(str(i), _marks(r)) for i, r in enumerate(rows)])
    (tab,) = tabulate(contest, Rules(overvote_rule="splitVote"))
    first, second = tab.rounds
    # Round 1: 1/3 truncated to 4 places is 0.3333 for each of A, B and C; each ballot sets
    # 0.0001 aside (1 - 3 x 0.3333). A 4.6666, B 3.6666, C 2.6666, remainder 0.0002.
    assert [str(first.tally[c]) for c in "ABC"] == ["4.6666", "3.6666", "2.6666"]
    assert str(first.split_remainder) == "0.0002"
    # The threshold counts the 11 active ballots whole (10.9998 in tallies + 0.0002 set
    # aside): floor(11/2) + 1 = 6. C is lowest and is eliminated.
    assert first.threshold == 6 and first.eliminated == ["C"]
    # Round 2: each split ballot, now worth 0.9999, is divided between A and B: 0.49995
    # truncated to 0.4999, and 0.0001 more is set aside. C passes 0.1666 (0.4999 - 0.3333)
    # per ballot to A and to B and 0.0001 to the remainder; its 2 plain ballots exhaust.
    assert {k: str(v) for k, v in first.transfers["C"].items()} == {
        "A": "0.3332",
        "B": "0.3332",
        "split remainder": "0.0002",
        "exhausted": "2",
    }
    assert [str(second.tally[c]) for c in "AB"] == ["4.9998", "3.9998"]
    assert str(second.split_remainder) == "0.0004"
    # 9 active ballots (9.9996 + 0.0004): threshold floor(9/2) + 1 = 5, which A misses by
    # the 0.0002 its shares set aside; of the last two RCTab elects the one with more votes.
    assert second.threshold == 5 and second.elected == ["A"]
    # IRV with exact fractions: A 4 2/3, B 3 2/3, C 2 2/3, then A 5, B 4: A, the same rounds
    exact = tally.count(b, "irv", overvote="split")
    assert exact.winners == ("A",) and [r.eliminated for r in exact.rounds] == [("C",), ()]


def _marks(row: list) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(sorted(m)) if isinstance(m, frozenset) else (m,) for m in row)


def test_a_winners_share_of_a_split_ballot_passes_on_its_surplus():
    # 2 seats; 4 A, 6 marking A and C first, 3 B, 2 D > B. 15 ballots, 4 decimal places.
    rows = [["A"]] * 4 + [[frozenset("AC")]] * 6 + [["B"]] * 3 + [["D", "B"]] * 2
    b = tally.RankedBallots.from_rankings(list("ABCD"), rows)
    o = tally.count(b, "rctab", mode="stv", seats=2, overvote="split")
    r1, r2, r3, r4 = o.rounds[:4]
    # Round 1: A 4 + 6 x 0.5 = 7, B 3, C 3, D 2; threshold floor(15/3) + 1 = 6: A is elected.
    assert r1.tally == {"A": 7, "B": 3, "C": 3, "D": 2} and r1.elected == ("A",)
    # A's surplus fraction: 1/7 truncated to 0.1428. A plain ballot passes on 0.1428 (it
    # ranks no one else: exhausted, 4 x 0.1428 = 0.5712) and A keeps 0.8572 of it. A split
    # ballot's A share passes on 0.5 x 0.1428 = 0.0714 and A keeps 0.4286; the ballot goes
    # on at 1 - 0.4286 = 0.5714, all of it for C, the one of its candidates still
    # continuing: C gains 6 x 0.0714 = 0.4284. A kept 4 x 0.8572 + 6 x 0.4286 = 6.0004,
    # 0.0004 over the threshold: residual surplus.
    assert r1.transfers == {"A": {"C": 0.4284, "residual surplus": 0.0004, "exhausted": 0.5712}}
    assert r2.tally == {"A": 6, "B": 3, "C": 3.4284, "D": 2} and r2.eliminated == ("D",)
    # D's 2 ballots go to B (5); then C (3.4284) is eliminated and its split ballots, with
    # no candidate of their overvote left and nothing ranked after it, exhaust; B is elected.
    assert r3.tally == {"A": 6, "B": 5, "C": 3.4284} and r3.eliminated == ("C",)
    assert r4.elected == ("B",) and o.winners == ("A", "B")
    # WIGM with exact fractions moves the A shares at 1/14 each: C 3 + 6/14 = 3.42857...
    wigm = tally.count(b, "wigm_stv", seats=2, overvote="split")
    assert set(wigm.winners) == {"A", "B"}
    assert wigm.rounds[1].tally["C"] == pytest.approx(3 + 6 / 14)


def test_no_decimal_places_cannot_hold_a_share():
    b = tally.RankedBallots.from_rankings(list("AB"), [[frozenset("AB")], ["A"]])
    with pytest.raises(ConfigError, match="decimalPlacesForVoteArithmetic must be at least 1"):
        tally.count(b, "rctab", overvote="split", decimal_places=0)


# -- accounting -------------------------------------------------------------------------------


# (winnerElectionMode, numberOfWinners, other rules): every mode, and the options that
# change which candidates leave a round together
VARIANTS: list[tuple[str, int, dict[str, object]]] = [
    ("single", 1, {}),
    ("single", 1, {"batch_elimination": True}),
    ("single", 1, {"continue_until_two": True}),
    ("stv", 2, {}),
    ("stv", 2, {"non_integer_threshold": True}),
    ("one_per_round", 2, {}),
    ("bottoms_up", 2, {}),
    ("multi_pass", 2, {}),
    ("percentage", 0, {"bottoms_up_percentage": Decimal("0.2")}),
]


@pytest.mark.parametrize("places", [1, 4])
def test_every_round_accounts_for_every_ballot(places):
    checked = 0
    for seed in range(40):
        names, recs = records(seed)
        contest = build_contest(names, recs, slices=("precinct",))
        for mode, seats, extra in VARIANTS:
            if seats >= len(names):
                continue
            rules = Rules(
                winner_election_mode=MODES[mode],
                number_of_winners=seats,
                overvote_rule="splitVote",
                decimal_places=places,
                **extra,
            )
            for tab in tabulate(contest, rules):
                for rnd in tab.rounds:
                    whole = sum(rnd.tally.values(), Decimal(0)) + sum(rnd.inactive.values(), Decimal(0))
                    assert whole + rnd.residual_surplus + rnd.split_remainder == len(recs), (seed, mode)
                    checked += 1
                # each precinct adds up too (winners' precinct tallies are what they kept there)
                for sid, rounds in tab.slices["precinct"].items():
                    size = sum(1 for r in recs if r.precinct == sid)
                    for sr in rounds:
                        total = sum(sr.tally.values(), Decimal(0)) + sum(sr.inactive.values(), Decimal(0))
                        assert total + sr.split_remainder == size, (seed, mode, sid)
    assert checked > 1000


def test_transfers_explain_every_round():
    for seed in range(40):
        b = ballots(seed)
        for mode, seats, extra in VARIANTS:
            if seats >= len(b.candidates) or "non_integer_threshold" in extra:
                continue
            options = {
                "batch_elimination": extra.get("batch_elimination", False),
                "continue_until_two": extra.get("continue_until_two", False),
            }
            if mode == "percentage":
                options = {"mode": "bottoms_up_percentage", "percentage": 20}
            else:
                options.update(mode=mode, seats=seats)
            # the recorder checks as it records; the independent reading here checks again
            o = tally.count(b, "rctab", overvote="split", decimal_places=3, **options)
            assert unexplained(o) == [], (seed, mode, extra)


# -- against the floor -------------------------------------------------------------------------


def _decided_by_exact_equality(o: tally.Outcome) -> bool:
    """Whether a decision of this exact count compared equal values: a tie for last place,
    or a candidate still in the running exactly at the threshold. There RCTab's truncated
    shares (always a little under the exact ones) may decide otherwise."""
    if o.ties:
        return True
    elected: set[str] = set()
    for rnd in o.rounds:
        hopeful = sorted(v for c, v in rnd.tally.items() if c not in elected)
        if any(abs(v - rnd.threshold) < 1e-9 for v in hopeful):
            return True
        if len(hopeful) > 1 and abs(hopeful[0] - hopeful[1]) < 1e-9:
            return True
        elected |= set(rnd.elected)
    return False


def test_irv_agrees_with_the_floor_round_by_round():
    compared = 0
    for seed in range(300):
        b = ballots(seed)
        ours = tally.count(b, "rctab", overvote="split", decimal_places=9)
        floor = tally.count(b, "irv", overvote="split", tiebreak="order")
        if ours.ties or _decided_by_exact_equality(floor):
            continue
        compared += 1
        assert ours.winners == floor.winners, seed
        # RCTab's threshold is floor(V/2) + 1, the floor's "more than half": with split
        # shares RCTab may count one more round, never fewer; the common ones agree
        assert len(ours.rounds) >= len(floor.rounds)
        for mine, theirs in zip(ours.rounds, floor.rounds):
            assert mine.tally == pytest.approx(theirs.tally, abs=1e-7), seed
            if theirs is not floor.rounds[-1]:
                assert mine.eliminated == theirs.eliminated, seed
    assert compared >= 120  # of 300: the others rest on an exact tie


def test_stv_agrees_with_weighted_inclusive_gregory():
    compared = 0
    for seed in range(200):
        b = ballots(seed)
        seats = 2 if len(b.candidates) < 5 else 3
        ours = tally.count(b, "rctab", mode="stv", seats=seats, overvote="split", decimal_places=9)
        floor = tally.count(b, "wigm_stv", seats=seats, overvote="split", tiebreak="order")
        if ours.ties or _decided_by_exact_equality(floor):
            continue
        compared += 1
        assert set(ours.winners) == set(floor.winners), seed
        # RCTab moves the surpluses of a round's winners together, WIGM one stage each, so
        # rounds do not line up one to one: every state RCTab decides on (the votes of the
        # candidates not yet elected) is a stage of WIGM's count, to truncation
        elected: set[str] = set()
        for rnd in ours.rounds:
            hopeful = {c: v for c, v in rnd.tally.items() if c not in elected}
            elected |= set(rnd.elected)
            if not hopeful or (rnd is ours.rounds[-1] and not rnd.elected):
                continue
            assert any(
                all(c in st.tally and abs(st.tally[c] - v) < 1e-6 for c, v in hopeful.items())
                for st in floor.rounds
            ), (seed, rnd.number)
    assert compared >= 100


def test_multi_pass_agrees_with_sequential_irv():
    compared = 0
    for seed in range(120):
        b = ballots(seed)
        ours = tally.count(b, "rctab", mode="multi_pass", seats=2, overvote="split", decimal_places=9)
        floor = tally.count(b, "sequential_irv", seats=2, overvote="split", tiebreak="order")
        if ours.ties or floor.ties:
            continue
        compared += 1
        assert ours.winners == floor.winners, seed
    assert compared >= 50


# -- reports and every way in ---------------------------------------------------------------------


def _write_config(folder: Path) -> Path:
    # generic CSV: a cell holds the rank given to the column's candidate; two or three
    # candidates with the same rank are an overvote naming them
    lines = ["id,A,B,C"]
    lines += [f"a{i},1,," for i in range(4)] + [f"b{i},,1," for i in range(3)]
    lines += [f"c{i},,,1" for i in range(2)] + [f"o{i},1,1,1" for i in range(2)]
    (folder / "cvr.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = {
        "tabulatorVersion": "2.0.0",
        "outputSettings": {"contestName": "Split example"},
        "cvrFileSources": [
            {
                "provider": "genericCsv",
                "filePath": "cvr.csv",
                "firstVoteColumnIndex": "2",
                "firstVoteRowIndex": "2",
                "idColumnIndex": "1",
            }
        ],
        "candidates": [{"name": c} for c in "ABC"],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": "splitVote",
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "maxSkippedRanksAllowed": "unlimited",
            "maxRankingsAllowed": "max",
        },
    }
    path = folder / "split_config.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def test_reports_show_shares_and_remainder_and_add_up(tmp_path):
    config = parse_config(json.loads(_write_config(tmp_path).read_text()), folder=tmp_path)
    run = run_config(config)
    (tab,) = run.tabulations
    report = summary_json(tab, run.meta)
    total = Decimal(report["summary"]["totalNumBallots"])
    assert total == 11
    for rnd in report["results"]:
        votes = sum(Decimal(v) for v in rnd["tally"].values())
        inactive = sum(Decimal(v) for v in rnd["inactiveBallots"].values())
        assert votes + inactive + Decimal(rnd["splitVoteRemainder"]) == total
    first = report["results"][0]
    assert {c: str(v) for c, v in first["tally"].items()} == {"A": "4.6666", "B": "3.6666", "C": "2.6666"}
    assert str(first["splitVoteRemainder"]) == "0.0002"
    csv = summary_csv(tab, run.meta)
    assert "Split Vote Remainder,0.0002,,,0.0004,," in csv.splitlines()
    assert "Total Number of Ballots,11.0000" in csv.splitlines()


def test_a_report_without_split_votes_has_no_remainder(tmp_path):
    path = _write_config(tmp_path)
    raw = json.loads(path.read_text())
    raw["rules"]["overvoteRule"] = "exhaustImmediately"
    (tab,) = run_config(parse_config(raw, folder=tmp_path)).tabulations
    assert "splitVoteRemainder" not in summary_json(tab, {})["results"][0]
    assert "Split Vote Remainder" not in summary_csv(tab, {})


def test_rctab_count_and_import_give_one_answer(tmp_path, monkeypatch, capsys):
    from tally.cli import main

    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "home"))
    path = _write_config(tmp_path)
    main(["rctab", str(path), "-o", str(tmp_path / "out"), "--json"])
    report = json.loads(capsys.readouterr().out)
    main(["count", str(path), "--json"])
    direct = json.loads(capsys.readouterr().out)
    main(["import", str(path), "--name", "split"])
    capsys.readouterr()
    main(["count", "split", "--json"])
    stored = json.loads(capsys.readouterr().out)
    assert direct["winners"] == stored["winners"] == ["A"]
    assert direct["rounds"] == stored["rounds"]
    assert direct["counted_under"]["options"]["overvote"] == "split"
    # the RCTab report's rounds are the same count
    assert [r["tally"] for r in report["results"]] == [
        {k: str(Decimal(repr(v)).quantize(Decimal("0.0001"))) for k, v in r["tally"].items()}
        for r in direct["rounds"]
    ]
