"""The RCV tables: hand-worked profiles, a ballot-by-ballot reference on every bundled ranked
election, the final round against head-to-head counts, and inactive ballots by precinct."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pytest

import tally
from tally import data as catalogue
from tally.analysis.rcv_tables import analyze
from tally.ballots import RankedBallots
from tally.contest import Contest
from tally.procedures import count as count_contest
from tally.report.rcv import ranked_contest

RCTAB_CASES = Path(__file__).parent / "data" / "rctab" / "cases"
RANKED = [d.id for d in catalogue.datasets() if d.kind == "ranked"]

# A small election worked by hand: a skipped rank, an unnamed overvote, a candidate marked
# twice, a blank ballot, two candidates at one rank, a bullet vote.
HAND = (
    ["A", "B", "C", "D"],
    [["A", "B", "C"]] * 3
    + [["B", None, "A"]] * 2
    + [["C", "overvote", "A"]]
    + [["A", "A", "D"]]
    + [[None]]
    + [[{"B", "C"}, "A"]] * 2
    + [["D"]]
    + [["D", "B"]],
)


def _hand() -> dict:
    names, rankings = HAND
    return analyze(Contest(RankedBallots.from_rankings(names, rankings), "irv"))


def test_pairwise_by_hand():
    p = _hand()["pairwise"]
    # A over B: 3 x ABC, 1 x AAD (B unranked); B over A: 2 x B_A, 1 x DB (A unranked)
    assert p["A"]["B"] == {"for": 4, "of": 7}
    assert p["B"]["A"] == {"for": 3, "of": 7}
    # C over A: only C-overvote-A, read up to its overvote (A is not read);
    # A over C: ABC x3, B_A x2 (C unranked), AAD
    assert p["C"]["A"] == {"for": 1, "of": 7}
    assert p["A"]["C"] == {"for": 6, "of": 7}
    # D over A: D and DB; A over D: ABC x3, B_A x2 (D unranked) and AAD
    assert p["D"]["A"] == {"for": 2, "of": 8}
    assert p["A"]["D"] == {"for": 6, "of": 8}


def test_condorcet_by_hand():
    report = _hand()
    p = report["pairwise"]
    # A beats B 4-3, C 6-1, D 6-2
    assert report["condorcet_winner"] == "A"
    assert report["smith_set"] == ["A"]
    # B over C: ABC x3, B_A x2, DB; C over B: C-overvote
    assert (p["B"]["C"]["for"], p["C"]["B"]["for"]) == (6, 1)
    # D loses to B 3-5 (AD, D, DB against ABC x3, B_A x2) and to C 3-4 (AD, D, DB against ABC x3, C)
    assert (p["D"]["B"]["for"], p["B"]["D"]["for"]) == (3, 5)
    assert (p["D"]["C"]["for"], p["C"]["D"]["for"]) == (3, 4)
    assert report["condorcet_loser"] == "D"


def test_first_alternate_by_hand():
    alt = _hand()["first_alternate"]
    assert alt["A"] == {"B": 3, "C": 0, "D": 1, "exhausted": 0}  # AAD: the repeat is passed over
    assert alt["B"] == {"A": 2, "C": 0, "D": 0, "exhausted": 0}  # the skipped rank is passed over
    assert alt["C"] == {"A": 0, "B": 0, "D": 0, "exhausted": 1}  # the overvote ends the reading
    assert alt["D"] == {"A": 0, "B": 1, "C": 0, "exhausted": 1}


def test_ranking_distribution_by_hand():
    dist = _hand()["ranking_distribution"]
    # lengths: ABC 3 (x3), B_A 2 (x2), C 1, AAD 2, blank 0, tie-first 0 (x2), D 1, DB 2
    assert dist["overall"] == {"0": 3, "1": 2, "2": 4, "3": 3}
    assert dist["by_first_choice"]["A"] == {"1": 0, "2": 1, "3": 3}
    assert dist["by_first_choice"]["D"] == {"1": 1, "2": 1, "3": 0}


def test_first_final_and_inactive_by_hand():
    report = _hand()
    # IRV, overvotes exhaust: round 1 A 4, B 2, C 1, D 2 (blank: undervote; tie: overvote).
    # C goes; its ballot meets the overvote. Round 2: A has 4 of 8 continuing ballots, not
    # a majority; B and D tie for last, and whichever goes, A wins in round 3.
    outcome = tally.count(RankedBallots.from_rankings(*HAND), "irv")
    rounds = [r.tally for r in outcome.rounds]
    assert rounds[0] == {"A": 4, "B": 2, "C": 1, "D": 2}
    assert report["inactive"]["by_round"][0] == {
        "round": 1,
        "undervote": 1,
        "overvote": 2,
        "skipped": 0,
        "repeated": 0,
        "exhausted": 0,
    }
    assert report["inactive"]["by_round"][1]["overvote"] == 3  # C-overvote-A, once C is out
    finalists = set(outcome.rounds[-1].tally)
    for loser, where in report["first_final"].items():
        assert loser not in finalists
        assert set(where) == finalists | {"exhausted"}
        assert sum(where.values()) == rounds[0][loser]
    assert report["first_final"]["C"]["exhausted"] == 1


def test_precincts_and_batches_by_hand():
    names = ["A", "B", "C"]
    ballots = RankedBallots.from_matrix(
        names,
        np.array([[0, -1]] * 5 + [[1, -1]] * 3 + [[2, -1], [2, 1]]),
        precincts=["east"] * 5 + ["west"] * 3 + ["north"] * 2,
        batches=["1"] * 4 + ["2"] * 6,
    )
    report = analyze(Contest(ballots, "irv"))
    # round 1: A 5, B 3, C 2; C goes: the C bullet vote (north, batch 2) exhausts, C-B goes
    # to B. Round 2: A 5 of 9 continuing: elected.
    assert report["winners"] == ["A"]
    assert report["first_final"] == {"C": {"A": 0, "B": 1, "exhausted": 1}}
    by = report["inactive"]["by_precinct"]
    assert {p: (v["ballots"], v["exhausted"]) for p, v in by.items()} == {
        "east": (5, 0),
        "north": (2, 1),
        "west": (3, 0),
    }
    assert {b: (v["ballots"], v["exhausted"]) for b, v in report["inactive"]["by_batch"].items()} == {
        "1": (4, 0),
        "2": (6, 1),
    }


def test_no_precinct_table_without_provenance():
    report = _hand()
    assert report["inactive"]["by_precinct"] is None and report["inactive"]["by_batch"] is None


# ------------------------------------------------- a plain reference, ballot by ballot


def _read(marks: tuple) -> list[str]:
    """The ballot as marked: up to the first overvote, skipped ranks passed over, repeats dropped."""
    out: list[str] = []
    for mark in marks:
        if mark is None:
            continue
        if mark == "overvote" or isinstance(mark, frozenset):
            break
        if mark not in out:
            out.append(mark)
    return out


def _counts_for(marks: tuple, continuing: set[str], options: dict) -> str:
    """Who a ballot counts for while ``continuing`` stand, or why it does not (overvotes
    exhaust, the official max_skipped, repeats passed over): RCTab's reading, written plainly."""
    if all(m is None for m in marks):
        return "undervote"
    gap = 0
    for mark in marks:
        if mark is None:
            gap += 1
            continue
        if options.get("max_skipped") is not None and gap > options["max_skipped"]:
            return "skipped"
        gap = 0
        if mark == "overvote" or isinstance(mark, frozenset):
            return "overvote"
        if mark in continuing:
            return mark
    return "exhausted"


def _reference(ballots: RankedBallots) -> dict:
    names = ballots.candidates
    pairwise: Counter = Counter()
    alternate: dict = defaultdict(Counter)
    lengths: Counter = Counter()
    by_first: dict = defaultdict(Counter)
    for marks, weight in ballots.rankings():
        order = _read(marks)
        lengths[len(order)] += weight
        for i, a in enumerate(order):
            for b in names:
                if b != a and (b not in order or order.index(b) > i):
                    pairwise[a, b] += weight
        if order:
            alternate[order[0]][order[1] if len(order) > 1 else "exhausted"] += weight
            by_first[order[0]][len(order)] += weight
    return {"pairwise": pairwise, "alternate": alternate, "lengths": lengths, "by_first": by_first}


@pytest.mark.parametrize("dataset", RANKED)
def test_tables_match_a_ballot_by_ballot_reference(dataset):
    contest, _ = ranked_contest(dataset)
    report = analyze(contest)
    ref = _reference(contest.ballots)
    names = contest.ballots.candidates
    for a in names:
        for b in names:
            if a != b:
                got = report["pairwise"][a][b]
                assert got["for"] == pytest.approx(ref["pairwise"][a, b]), (a, b)
                assert got["of"] == pytest.approx(ref["pairwise"][a, b] + ref["pairwise"][b, a]), (a, b)
        expect = {b: ref["alternate"][a][b] for b in names if b != a} | {
            "exhausted": ref["alternate"][a]["exhausted"]
        }
        assert report["first_alternate"][a] == pytest.approx(expect), a
        top = len(report["ranking_distribution"]["overall"]) - 1
        assert report["ranking_distribution"]["by_first_choice"][a] == pytest.approx(
            {str(n): ref["by_first"][a][n] for n in range(1, top + 1)}
        )
    assert report["ranking_distribution"]["overall"] == pytest.approx(
        {str(n): ref["lengths"][n] for n in range(len(report["ranking_distribution"]["overall"]))}
    )
    assert sum(report["ranking_distribution"]["overall"].values()) == pytest.approx(contest.ballots.total)


@pytest.mark.parametrize("dataset", RANKED)
def test_first_final_and_inactive_match_a_ballot_by_ballot_replay(dataset):
    contest, _ = ranked_contest(dataset)
    report = analyze(contest)
    outcome = count_contest(contest)
    if len(outcome.winners) > 1:
        assert report["first_final"] is None  # surplus transfers split ballots
        assert report["notes"]
        return
    first = set(outcome.rounds[0].tally)
    final = set(outcome.rounds[-1].tally)
    expect: dict = defaultdict(Counter)
    reasons: list[Counter] = [Counter() for _ in outcome.rounds]
    for marks, weight in contest.ballots.rankings():
        start = _counts_for(marks, first, contest.options)
        end = _counts_for(marks, final, contest.options)
        if start in first and start not in final:
            expect[start][end if end in final else "exhausted"] += weight
        for i, rnd in enumerate(outcome.rounds):
            where = _counts_for(marks, set(rnd.tally), contest.options)
            if where not in rnd.tally:
                reasons[i][where] += weight
    assert set(report["first_final"]) == set(contest.ballots.candidates) - final
    for loser in report["first_final"]:
        where = expect[loser]
        assert report["first_final"][loser] == pytest.approx({f: where[f] for f in [*final, "exhausted"]})
    for got, want in zip(report["inactive"]["by_round"], reasons):
        assert {k: v for k, v in got.items() if k != "round" and v} == pytest.approx(dict(want))


@pytest.mark.parametrize("dataset", [d for d in RANKED if catalogue.get(d).facts.get("rule") == "irv"])
def test_pairwise_of_the_final_two_is_the_final_round(dataset):
    contest, _ = ranked_contest(dataset)
    report = analyze(contest)
    last = count_contest(contest).rounds[-1]
    if len(last.tally) != 2:
        # the count stopped early: the leader already holds a majority of continuing votes
        assert max(last.tally.values()) * 2 > sum(last.tally.values())
        return
    (a, va), (b, vb) = last.tally.items()
    pa, pb = report["pairwise"][a][b]["for"], report["pairwise"][b][a]["for"]
    lost = last.inactive.get("skipped", 0) + last.inactive.get("repeated", 0)
    if not lost:
        # every ballot ranking one finalist above the other counts for it at the end
        assert (pa, pb) == (va, vb)
    else:
        # Maine: ballots exhausted by two skipped ranks before a finalist still rank one above the other
        assert pa >= va and pb >= vb and (pa - va) + (pb - vb) <= lost


def test_alaska_head_to_head_is_published():
    # Begich 101,229 - Palin 63,619 and Begich 87,883 - Peltola 79,458: the head-to-head
    # counts published from the Division of Elections' CVR; the final round is Peltola
    # 91,276 - Palin 86,042 (Division of Elections' certified RCV report, tallying the same CVR)
    p = analyze(ranked_contest("alaska-2022-special")[0])["pairwise"]
    begich, palin, peltola = "Begich_ Nick", "Palin_ Sarah", "Peltola_ Mary S."
    assert (p[begich][palin]["for"], p[palin][begich]["for"]) == (101_229, 63_619)
    assert (p[begich][peltola]["for"], p[peltola][begich]["for"]) == (87_883, 79_458)
    assert (p[peltola][palin]["for"], p[palin][peltola]["for"]) == (91_276, 86_042)


def test_rctab_config_inactive_ballots_are_rctabs():
    config = RCTAB_CASES / "precinct_example" / "precinct_example_config.json"
    contest, _ = ranked_contest(str(config))
    report = analyze(contest)
    expected = json.loads((config.parent / "precinct_example_expected_detailed_report.json").read_text())
    names = {
        "overvotes": "overvote",
        "skippedRankings": "skipped",
        "repeatedRankings": "repeated",
        "exhaustedChoices": "exhausted",
    }
    for got, want in zip(report["inactive"]["by_round"], expected["results"]):
        assert {names[k]: float(v) for k, v in want["inactiveBallots"].items() if k in names} == {
            k: got[k] for k in names.values()
        }
    by = report["inactive"]["by_precinct"]
    assert (
        sum(v["ballots"] for v in by.values())
        == float(expected["summary"]["totalNumBallots"])
        == contest.ballots.total
    )
    final = report["inactive"]["by_round"][-1]
    for reason in ("overvote", "skipped", "repeated", "exhausted"):
        assert sum(v[reason] for v in by.values()) == final[reason]
    one = json.loads(
        next((config.parent / "Tabulate by Precinct").glob("*.json")).read_text()
    )  # RCTab's own report for precinct W-1 P-02
    assert by["MINNEAPOLIS W-1 P-02"]["ballots"] == float(one["summary"]["totalNumBallots"])
    assert by["MINNEAPOLIS W-1 P-02"]["exhausted"] == float(
        one["results"][-1]["inactiveBallots"]["exhaustedChoices"]
    )


def test_store_import_carries_its_precincts(tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path))
    from tally import store

    config = RCTAB_CASES / "precinct_example" / "precinct_example_config.json"
    store.import_cvrs(config, "precincts")
    via_import = analyze(ranked_contest("precincts")[0])
    via_config = analyze(ranked_contest(str(config))[0])
    assert via_import["inactive"]["by_precinct"] is not None
    # the import is counted with the default rule (imports do not carry the config's rules
    # yet), so compare what does not depend on the rule
    assert {p: v["ballots"] for p, v in via_import["inactive"]["by_precinct"].items()} == {
        p: v["ballots"] for p, v in via_config["inactive"]["by_precinct"].items()
    }
    assert via_import["pairwise"] == via_config["pairwise"]
