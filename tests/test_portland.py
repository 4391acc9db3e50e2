"""Portland City Council District 1, November 2024: the bundled cast-vote record counted
under Portland's rules, checked figure by figure against the county's final report.

Sources of the expected figures (none are taken from tally's own output):

* the certified result quoted in the dataset's README (City of Portland, District 1
  certified abstract, November 2024): Candace Avalos, Loretta Smith and Jamie Dunphy
  elected, 42,871 valid ballots, Droop threshold 10,718;
* Multnomah County Elections' "ELECTION RESULTS - FINAL" report of 2 December 2024,
  shipped beside the ballots as ``official-report-2024-12-02.csv`` and parsed here: every
  candidate's votes in all 17 rounds, every transfer, the inactive ballots and the residual
  surplus, the rounds in which candidates met the threshold or were defeated, and the tie
  resolved by lot;
* a plain-Python reading of the cast-vote record below (the csv module, no tally code),
  for the first preferences and for the ballots that count for nobody.

Three things in the report are read rather than matched as printed, and the tests say why:
its "Inactive ballots" row starts at 0 and leaves out the 798 ballots that mark no
countable candidate, which tally reports as inactive from round 1; its round-16 "votes
transferred" cell for Jamie Dunphy (+968.3664) is no transfer: his votes stay at 9,749.6336
in round 17, and the figure is the threshold less those votes; and its "Residual surplus"
row reads 0 in rounds 15 and 16 though the 0.4552 left in round 14 is still held (round 17
reads 1.1641 = 0.4552 + 0.7089).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from tally import data
from tally.data import resolve_contest
from tally.errors import BallotError
from tally.io import read
from tally.procedures import count

DATASET = "portland-2024-council-d1"
FOLDER = data.get(DATASET).path
CVR = FOLDER / "portland-2024-d1-cvr.csv"
REPORT = FOLDER / "official-report-2024-12-02.csv"

CERTIFIED_WINNERS = {"Candace Avalos", "Loretta Smith", "Jamie Dunphy"}
VALID_BALLOTS = 42_871
THRESHOLD = 10_718
# write-in positions the county's count credited to nobody (see the dataset README)
UNCOUNTED_WRITE_INS = {"Write-in-120", "Write-in-121", "Write-in-122"}
PRECISION = 5e-5  # the report prints four decimal places


def _number(cell: str) -> float | None:
    cell = cell.strip().lstrip("*")
    return float(cell) if cell else None


def _parse_report(path: Path) -> dict:
    """The county's report: per round (1-based) the votes, transfers, inactive ballots,
    residual surplus, who met the threshold and who was defeated."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    threshold = next(int(r[1].split()[0]) for r in rows if r and r[0] == "Election Threshold")
    header = next(r for r in rows if len(r) > 1 and r[1] == "Round 1")
    n_rounds = sum(1 for cell in header if cell.startswith("Round "))
    table = {r[0]: r for r in rows if len(r) == len(header) and r[0]}

    def cell(row: list[str], round_: int, column: int) -> str:
        # round k fills columns 1 + 3(k-1) (votes), +1 (%), +2 (votes transferred)
        index = 1 + 3 * (round_ - 1) + column
        return row[index] if index < len(row) else ""

    names = [
        name
        for name in table
        if name not in ("Met threshold for election", "Defeated", "Inactive ballots", "Residual surplus")
    ]
    rounds = []
    for k in range(1, n_rounds + 1):
        rounds.append(
            {
                "votes": {n: v for n in names if (v := _number(cell(table[n], k, 0))) is not None},
                "transfers": {n: v for n in names if (v := _number(cell(table[n], k, 2))) is not None},
                "tied": {n for n in names if cell(table[n], k, 0).startswith("*")},
                "inactive": _number(cell(table["Inactive ballots"], k, 0)),
                "inactive_in": _number(cell(table["Inactive ballots"], k, 2)) or 0.0,
                "residual": _number(cell(table["Residual surplus"], k, 0)),
                "residual_in": _number(cell(table["Residual surplus"], k, 2)) or 0.0,
                "elected": {
                    n for c in [cell(table["Met threshold for election"], k, 0)] if c for n in c.split("; ")
                },
                "defeated": {n for c in [cell(table["Defeated"], k, 2)] if c for n in c.split("; ")},
            }
        )
    footnote = any(r and r[0].startswith("* Tie resolved by lot") for r in rows)
    return {"threshold": threshold, "rounds": rounds, "lot": footnote}


def _plain_reading(path: Path) -> dict[str, Counter]:
    """First preferences and the ballots counting for nobody, read with the csv module:
    empty cells, ``overvote`` and the uncounted write-in tokens are passed over."""
    passed_over = {"", "overvote"} | UNCOUNTED_WRITE_INS
    first: Counter = Counter()
    nobody: Counter = Counter()
    with open(path, newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        assert next(rows) == ["", "Rank 1", "Rank 2", "Rank 3", "Rank 4", "Rank 5", "Rank 6"]
        for row in rows:
            marks = row[1:]
            choice = next((m for m in marks if m not in passed_over), None)
            if choice is not None:
                first[choice] += 1
            elif "overvote" in marks:
                nobody["only overvotes"] += 1
            elif any(m in UNCOUNTED_WRITE_INS for m in marks):
                nobody["only uncounted write-ins"] += 1
            else:
                nobody["blank"] += 1
    return {"first": first, "nobody": nobody}


@pytest.fixture(scope="module")
def report() -> dict:
    return _parse_report(REPORT)


@pytest.fixture(scope="module")
def plain() -> dict[str, Counter]:
    return _plain_reading(CVR)


@pytest.fixture(scope="module")
def outcome():
    # counted under the contest's official rules, as `tally count` counts it
    return count(resolve_contest(DATASET))


def test_the_certified_winners_threshold_and_valid_ballots(outcome, report):
    assert set(outcome.winners) == CERTIFIED_WINNERS
    assert report["threshold"] == THRESHOLD
    assert {r.threshold for r in outcome.rounds} == {THRESHOLD}
    assert outcome.rounds[0].continuing == VALID_BALLOTS
    assert sum(outcome.rounds[0].tally.values()) == VALID_BALLOTS
    assert outcome.ballots["read"] == 43_669
    # the Droop threshold of the valid ballots, as the Charter (s. 3-102) sets it
    assert VALID_BALLOTS // 4 + 1 == THRESHOLD


def test_first_preferences_match_a_plain_reading_and_the_report(outcome, plain, report):
    first = plain["first"]
    assert sum(first.values()) == VALID_BALLOTS
    assert dict(outcome.rounds[0].tally) == dict(first)
    assert report["rounds"][0]["votes"] == dict(first)


def test_ballots_counting_for_nobody_are_inactive_by_reason(outcome, plain):
    nobody = plain["nobody"]
    assert nobody == Counter({"only overvotes": 721, "only uncounted write-ins": 77})
    assert sum(nobody.values()) + VALID_BALLOTS == outcome.ballots["read"]
    inactive = outcome.rounds[0].inactive
    # overvotes are passed over, leaving nothing: RCTab's "exhausted"; ranking no
    # candidate the count recognises: an undervote
    assert inactive["exhausted"] == nobody["only overvotes"]
    assert inactive["undervote"] == nobody["only uncounted write-ins"]
    assert sum(inactive.values()) == sum(nobody.values())
    for r in outcome.rounds:
        assert r.continuing + sum(r.inactive.values()) == pytest.approx(outcome.ballots["read"])


def test_every_round_total_matches_the_report(outcome, report):
    assert len(outcome.rounds) == len(report["rounds"]) == 17
    for ours, theirs in zip(outcome.rounds, report["rounds"]):
        assert set(ours.tally) == set(theirs["votes"]), ours.number
        for name, votes in theirs["votes"].items():
            assert ours.tally[name] == pytest.approx(votes, abs=PRECISION), (ours.number, name)


def test_elections_and_defeats_fall_in_the_reported_rounds(outcome, report):
    for ours, theirs in zip(outcome.rounds, report["rounds"]):
        assert set(ours.elected) == theirs["elected"], ours.number
        assert set(ours.eliminated) == theirs["defeated"], ours.number


def test_every_transfer_matches_the_report(outcome, report):
    dunphy_r16 = None
    for k, (ours, theirs) in enumerate(zip(outcome.rounds, report["rounds"]), start=1):
        moved = {dst: v for row in ours.transfers.values() for dst, v in row.items()}
        sent = {src: sum(row.values()) for src, row in ours.transfers.items()}
        for name, amount in theirs["transfers"].items():
            if amount < 0:
                assert sent[name] == pytest.approx(-amount, abs=PRECISION), (k, name)
            elif k == 16 and name == "Jamie Dunphy":
                dunphy_r16 = amount
            else:
                assert moved.get(name, 0.0) == pytest.approx(amount, abs=PRECISION), (k, name)
        # no transfer the report does not print
        for name, amount in moved.items():
            if name not in ("exhausted", "residual surplus", "final-round surplus"):
                assert name in theirs["transfers"] or amount == 0, (k, name)
        # the county files Smith's final-round surplus with the inactive ballots (round 16)
        inactive_in = moved.get("exhausted", 0.0) + moved.get("final-round surplus", 0.0)
        assert inactive_in == pytest.approx(theirs["inactive_in"], abs=PRECISION), k
        assert moved.get("final-round surplus", 0.0) == (pytest.approx(1308.3703) if k == 16 else 0.0), k
        assert moved.get("residual surplus", 0.0) == pytest.approx(theirs["residual_in"], abs=PRECISION), k
    # the one printed cell that is not a transfer: Dunphy keeps his votes into round 17,
    # and the figure is what he lacks of the threshold
    r16, r17 = report["rounds"][15], report["rounds"][16]
    assert r16["votes"]["Jamie Dunphy"] == r17["votes"]["Jamie Dunphy"]
    assert dunphy_r16 == pytest.approx(THRESHOLD - r16["votes"]["Jamie Dunphy"], abs=PRECISION)
    assert outcome.rounds[16].tally["Jamie Dunphy"] == pytest.approx(9749.6336, abs=PRECISION)


def test_inactive_ballots_and_residual_surplus_match_the_report(outcome, report):
    never_counted = sum(outcome.rounds[0].inactive.values())
    assert report["rounds"][0]["inactive"] == 0
    residual = 0.0  # the surplus left by cutting transfer values, as the report adds it up
    for k, (ours, theirs) in enumerate(zip(outcome.rounds, report["rounds"]), start=1):
        if k > 1:
            residual += report["rounds"][k - 2]["residual_in"]
        # the report prints 0 in rounds 15 and 16 though the 0.4552 of round 14 is still
        # held: round 17 prints 1.1641 = 0.4552 + 0.7089
        printed = theirs["residual"]
        assert printed == (0 if k in (15, 16) else pytest.approx(residual, abs=PRECISION)), k
        held = ours.continuing - sum(ours.tally.values())  # surplus kept by the winners
        # the report leaves out the ballots that never counted for anyone
        counted_total = VALID_BALLOTS - sum(ours.tally.values())
        assert theirs["inactive"] + residual == pytest.approx(counted_total, abs=PRECISION), k
        # in the last round the county adds Smith's surplus to the inactive ballots, and
        # so does tally, by name: RCTab's final-round surplus
        assert sum(ours.inactive.values()) - never_counted == pytest.approx(theirs["inactive"], abs=PRECISION)
        if k < 17:
            assert held == pytest.approx(residual, abs=PRECISION), k
    last, before = report["rounds"][16], report["rounds"][15]
    smith_surplus = last["inactive"] - before["inactive"]
    assert smith_surplus == pytest.approx(1308.3703, abs=PRECISION)
    assert outcome.rounds[16].inactive["final-round surplus"] == pytest.approx(smith_surplus, abs=PRECISION)
    held = outcome.rounds[16].continuing - sum(outcome.rounds[16].tally.values())
    assert held == pytest.approx(last["residual"], abs=PRECISION)


def test_the_tie_resolved_by_lot(outcome, report):
    assert report["lot"]
    tied_rounds = [k for k, r in enumerate(report["rounds"], start=1) if r["tied"]]
    assert tied_rounds == [8]
    assert report["rounds"][7]["tied"] == {"David Linn", "Peggy Sue Owens"}
    assert report["rounds"][7]["defeated"] == {"David Linn"}
    (tie,) = outcome.ties
    assert (tie.round, set(tie.tied), tie.chosen) == (8, {"David Linn", "Peggy Sue Owens"}, ("David Linn",))


def test_surplus_fraction_is_cut_to_four_places(outcome):
    # Avalos's surplus, 1,451 of 12,169 votes, moves at 0.1192 (not 0.11924...): the
    # 4,935 ballots that go on to Dunphy carry 588.2520 votes
    avalos = outcome.rounds[12].transfers["Candace Avalos"]
    assert avalos["Jamie Dunphy"] == pytest.approx(4935 * 0.1192, abs=1e-9)
    assert avalos["residual surplus"] == pytest.approx(1451 - 12169 * 0.1192, abs=1e-9)


def test_count_prints_the_rules_and_the_winners(cli):
    code, out, err = cli("count", DATASET)
    assert code == 0, err
    text = " ".join(out.split())
    # the contest's rules in one line, in plain words
    assert "counted under the contest's rules: STV as RCTab counts it" in text
    for option in (
        "decimal places 4",
        "overvote skipped to the next rank",
        "a repeated candidate is passed over",
        "ties broken by candidate order",
        "3 seats",
        "(from the facts of dataset portland-2024-council-d1)",
    ):
        assert option in text
    assert "Winners under rctab:" in text
    for name in CERTIFIED_WINNERS:
        assert name in text.split("Winners under rctab:")[1]


def test_compare_for_three_seats(cli):
    code, out, err = cli("compare", DATASET, "--seats", "3", "--json")
    assert code == 0, err
    results = json.loads(out)["results"]
    assert set(results["rctab"]["winners"]) == CERTIFIED_WINNERS
    assert results["rctab"]["notes"]
    for rule in ("sequential_irv", "block", "sntv", "scottish_stv", "meek_stv"):
        assert len(results[rule]["winners"]) == 3, rule


def test_a_nameless_index_column_is_refused_unless_ignored(tmp_path):
    path = tmp_path / "indexed.csv"
    path.write_text(",rank1,rank2\n0,A,B\n1,B,\n")
    with pytest.raises(BallotError, match="column 1 of the header has no name"):
        read(path, format="csv")
    assert read(path, format="csv", ignore=[""]).total == 2
    twice = tmp_path / "twice.csv"
    twice.write_text(",,rank1\n0,x,A\n")
    with pytest.raises(BallotError, match="column 2 of the header has no name"):
        read(twice, format="csv", ignore=[""])


def test_the_web_api_counts_it_the_same_way():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from tally.web import create_app

    with TestClient(create_app()) as client:
        counted = client.get("/api/count", params={"dataset": DATASET})
        assert counted.status_code == 200
        body = counted.json()
        assert body["rule"] == "rctab"
        assert set(body["winners"]) == CERTIFIED_WINNERS
        assert body["rounds"][0]["threshold"] == THRESHOLD
        assert body["rounds"][0]["continuing"] == VALID_BALLOTS
        page = client.get(f"/contest/{DATASET}")
        assert page.status_code == 200
        assert "Winners" in page.text and "(3 seats)" in page.text


def test_the_report_compares_rules_for_three_seats():
    pytest.importorskip("plotly")
    from tally.report import render_report

    page, charts = render_report(DATASET)
    assert "Winners under <code>rctab</code>" in page
    assert "Under every rule (3 seats)" in page
    assert charts == ["flows", "rounds", "pairwise"]
    compared = page.split("Under every rule (3 seats)")[1]
    # multi-winner rules, each naming three councillors; no single-winner rule
    assert "<td>sntv</td>" in compared and "<td>meek_stv</td>" in compared
    assert "<td>irv</td>" not in compared
