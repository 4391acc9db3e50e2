"""Convention delegates (tally.procedures.delegates) and ``tally delegates``."""

from __future__ import annotations

import csv
import doctest
import importlib
import importlib.resources
import io
import json
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tally.cli import app
from tally.errors import BallotError, ConfigError
from tally.io.delegates import primary_results, read_plan, read_results
from tally.procedures.delegates import allocate, allocate_plan, convention

DATA = Path(__file__).parent / "data" / "delegates"
runner = CliRunner()


def by_hand(votes, delegates, threshold=Decimal(15)):
    """Rule 14's five steps again, in decimals rounded half up (an independent path)."""
    total = sum(votes.values())
    q = Decimal("0.001")
    pct = {c: (Decimal(100) * v / total).quantize(q, ROUND_HALF_UP) for c, v in votes.items()}
    viable = [c for c in votes if pct[c] >= threshold and votes[c] > 0]
    vt = sum(votes[c] for c in viable)
    share = {c: (Decimal(100) * votes[c] / vt).quantize(q, ROUND_HALF_UP) for c in viable}
    product = {c: delegates * share[c] / 100 for c in viable}
    got = {c: int(product[c]) for c in viable}
    order = sorted(viable, key=lambda c: -(product[c] - got[c]))
    for c in order[: delegates - sum(got.values())]:
        got[c] += 1
    return got


# --- hand-computed examples ----------------------------------------------------------


def test_55_30_15_with_7_delegates():
    # products 3.85, 2.10, 1.05 -> 3, 2, 1 and the last delegate to A (.85)
    a = allocate({"A": 550, "B": 300, "C": 150}, 7)
    assert a.percent == {"A": "55.000", "B": "30.000", "C": "15.000"}
    assert a.products == {"A": "3.85000", "B": "2.10000", "C": "1.05000"}
    assert a.delegates == {"A": 4, "B": 2, "C": 1} and a.unallocated == 0


def test_55_30_15_with_10_delegates_is_a_rounding_tie():
    # products 5.5, 3.0, 1.5: A and C have equal remainders for the tenth delegate
    a = allocate({"A": 550, "B": 300, "C": 150}, 10)
    assert a.delegates == {"A": 5, "B": 3, "C": 1}
    assert a.unallocated == 1 and set(a.tied) == {"A", "C"}
    assert allocate({"A": 550, "B": 300, "C": 150}, 10, tiebreak="votes").delegates == {
        "A": 6,
        "B": 3,
        "C": 1,
    }
    lots = {
        tuple(sorted(allocate({"A": 550, "B": 300, "C": 150}, 10, tiebreak="lot", seed=s).delegates.items()))
        for s in range(20)
    }
    assert lots == {(("A", 6), ("B", 3), ("C", 1)), (("A", 5), ("B", 3), ("C", 2))}
    assert allocate({"A": 550, "B": 300, "C": 150}, 10, tiebreak="lot", seed=3) == allocate(
        {"A": 550, "B": 300, "C": 150}, 10, tiebreak="lot", seed=3
    )


def test_lot_without_a_seed_draws_as_seed_0():
    # Six equal preferences, one delegate: a six-way tie on remainders settled by lot.
    votes = {name: 100 for name in "ABCDEF"}
    draws = {tuple(sorted(allocate(votes, 1, tiebreak="lot").delegates.items())) for _ in range(20)}
    assert draws == {tuple(sorted(allocate(votes, 1, tiebreak="lot", seed=0).delegates.items()))}


def test_exactly_fifteen_percent_is_viable_and_three_decimals_round_half_up():
    assert "C" in allocate({"A": 85, "C": 15}, 4).viable
    assert "C" not in allocate({"A": 85_001, "C": 14_999}, 4).viable  # 14.999 %
    assert "C" in allocate({"A": 850_005, "C": 149_995}, 4).viable  # 14.9995 % -> 15.000 %
    assert "C" not in allocate({"A": 850_006, "C": 149_994}, 4).viable  # 14.9994 % -> 14.999 %
    assert "C" not in allocate({"A": 850_005, "C": 149_995}, 4, round_first=False).viable  # exact share
    assert "C" in allocate({"A": 85, "C": 15}, 4, round_first=False).viable


def test_below_threshold_votes_are_left_out_and_shares_recomputed():
    # C 14.9 % and D 0.1 % drop out; A 550/850 = 64.706 %, B 35.294 % -> 6.4706, 3.5294 -> 6, 4
    a = allocate({"A": 550, "B": 300, "C": 149, "D": 1}, 10)
    assert a.viable == ("A", "B") and a.viable_percent == {"A": "64.706", "B": "35.294"}
    assert a.delegates == {"A": 6, "B": 4}


@pytest.mark.parametrize("share,expected", [(62.4, (2, 2)), (62.6, (3, 1)), (84.9, (3, 1)), (85.1, (4, 0))])
def test_four_delegate_district_boundaries(share, expected):
    got = allocate({"A": int(share * 10), "B": int(1000 - share * 10)}, 4).delegates
    assert (got.get("A", 0), got.get("B", 0)) == expected


def test_nobody_viable_uses_the_leader_minus_ten_points():
    votes = {"A": 14, "B": 13, "C": 12, "D": 11, "E": 10, **{f"x{i:02d}": 2 for i in range(20)}}
    a = allocate(votes, 5)
    assert a.fallback and a.threshold == "4.000"
    assert a.viable == ("A", "B", "C", "D", "E") and sum(a.delegates.values()) == 5
    strict = allocate(votes, 5, fallback=False)
    assert strict.viable == () and strict.unallocated == 5 and strict.delegates == {}
    assert "no preference is viable" in strict.notes[0]
    empty = allocate({"A": 0, "B": 0}, 3)
    assert empty.unallocated == 3 and "no votes" in empty.notes[0]


def test_write_ins_count_in_the_total_but_win_nothing_and_blanks_are_not_votes():
    a = allocate({"A": 500, "B": 300, "Write-in": 200, "Blank": 1000}, 5)
    assert a.total == 1000 and a.percent == {"A": "50.000", "B": "30.000"}
    assert a.pooled == {"Write-in": 200} and a.excluded == {"Blank": 1000}
    assert a.delegates == {"A": 3, "B": 2}  # 62.5 % and 37.5 % of the viable vote
    assert any("Write-in" in n for n in a.notes)
    assert "Uncommitted" in allocate({"A": 700, "Uncommitted": 300}, 4).delegates


def test_random_inputs_match_the_decimal_steps_and_account_for_every_delegate():
    rng = random.Random(14)
    compared = 0
    for _ in range(400):
        votes = {f"c{i}": rng.randint(0, 5000) for i in range(rng.randint(1, 7))}
        if sum(votes.values()) == 0:
            continue
        seats = rng.randint(0, 40)
        a = allocate(votes, seats)
        assert sum(a.delegates.values()) + a.unallocated == seats
        assert set(a.delegates) == set(a.viable)
        if not a.tied and not a.fallback:
            assert a.delegates == by_hand(votes, seats)
            compared += 1
        broken = allocate(votes, seats, tiebreak="lot", seed=1)
        assert a.viable and sum(broken.delegates.values()) == seats or not a.viable
    assert compared > 300


# --- the bundled FiveThirtyEight primaries -------------------------------------------


def _file_rows(year, party, state):
    text = importlib.resources.files("tally.data").joinpath(
        "us-president", "538-election_results_presidential.csv"
    )
    return [
        r
        for r in csv.DictReader(io.StringIO(text.read_text(encoding="utf-8")))
        if r["cycle"] == str(year)
        and r["party"] == party
        and r["state_abbrev"] == state
        and r["stage"] == "primary"
    ]


def test_massachusetts_2020_statewide_pools():
    """MA 2020 Democratic primary with at-large 20 and PLEO 12 given as input.

    These pool sizes are our input for the test; the official allocation is not
    claimed. The check is the Rule 14 arithmetic on the published vote.
    """
    result = primary_results(2020, "DEM", "MA")
    votes = result.votes
    assert votes["Joe Biden"] == 473_861 and votes["Bernie Sanders"] == 376_990
    # our step-1 percentages agree with the file's own percent column (to 3 decimals)
    for row in _file_rows(2020, "DEM", "MA"):
        name = row["candidate_name"] or row["alt_result_text"]
        if name in allocate(votes, 20).percent:
            assert abs(float(allocate(votes, 20).percent[name]) - float(row["percent"])) <= 0.0005 + 1e-9, (
                name
            )
    at_large = allocate(votes, 20)
    assert at_large.viable == (
        "Joe Biden",
        "Bernie Sanders",
        "Elizabeth Ann Warren",
    )  # Bloomberg 11.753 % is not
    assert at_large.delegates == by_hand(votes, 20)
    plan = allocate_plan([("MA", "at-large", 20), ("MA", "PLEO", 12)], year=2020, party="DEM")
    ma = plan["states"]["MA"]
    expected = {c: by_hand(votes, 20).get(c, 0) + by_hand(votes, 12).get(c, 0) for c in at_large.viable}
    assert ma["delegates"] == {c: n for c, n in expected.items() if n}
    assert sum(ma["delegates"].values()) == 32 and plan["total_pledged"] == 32
    assert ma["source"]["source_lines"] == list(result.rows) and ma["source"]["stage"] == "primary"


def test_source_lines_trace_to_the_votes():
    result = primary_results(2016, "DEM", "NH")
    text = importlib.resources.files("tally.data").joinpath(
        "us-president", "538-election_results_presidential.csv"
    )
    lines = text.read_text(encoding="utf-8").splitlines()
    rows = list(csv.DictReader([lines[0]] + [lines[n - 1] for n in result.rows]))
    assert sum(int(r["votes"]) for r in rows) == sum(result.votes.values())
    assert all(r["cycle"] == "2016" and r["state_abbrev"] == "NH" and r["party"] == "DEM" for r in rows)


def test_ranked_choice_primary_uses_the_last_round():
    kansas = primary_results(2020, "DEM", "KS")
    assert set(kansas.votes) == {"Joe Biden", "Bernie Sanders"} and kansas.round == 4


def test_uncommitted_wins_delegates_in_minnesota_2024():
    votes = primary_results(2024, "DEM", "MN").votes
    a = allocate(votes, 20)  # 20 is an input for the test, not Minnesota's real pool
    assert a.viable == ("Joe Biden", "Uncommitted") and a.delegates["Uncommitted"] >= 1
    assert a.delegates == by_hand(votes, 20)


def test_unknown_contest_and_two_stages():
    with pytest.raises(ConfigError, match="no DEM primary or caucus in ZZ"):
        primary_results(2020, "DEM", "ZZ")
    with pytest.raises(ConfigError, match="choose the stage"):
        primary_results(2016, "DEM", "WA")
    assert primary_results(2016, "DEM", "WA", stage="primary").stage == "primary"


# --- plans, districts and the convention ---------------------------------------------


def test_fixture_plan_matches_the_hand_computation_in_its_readme():
    report = allocate_plan(read_plan(str(DATA / "plan.csv")), results=read_results(str(DATA / "results.csv")))
    zz = report["states"]["ZZ"]
    units = {u["unit"]: u["delegates"] for u in zz["units"]}
    assert units == {
        "ZZ 1": {"A": 3, "B": 1},
        "ZZ 2": {"A": 1, "B": 1, "C": 1},
        "ZZ at-large": {"A": 2, "B": 2, "C": 1},
        "ZZ PLEO": {"A": 1, "B": 1, "C": 0},
    }
    assert report["pledged"] == {"A": 7, "B": 5, "C": 2}
    assert report["automatic"] == 3 and report["total_pledged"] == 14


def test_districts_need_district_results():
    with pytest.raises(ConfigError, match="no results for MA district 1"):
        allocate_plan([("MA", "1", 4)], year=2020, party="DEM")
    approx = allocate_plan([("MA", "1", 4)], year=2020, party="DEM", statewide_for_districts=True)
    assert approx["states"]["MA"]["approximate"] is True
    assert sum(approx["states"]["MA"]["delegates"].values()) == 4


def test_convention_ballots():
    conv = convention({"A": 2000, "B": 1900}, automatic=700)
    assert conv["first_ballot"]["majority"] == 1951 and conv["first_ballot"]["winner"] == "A"
    later = conv["later_ballots"]
    assert later["majority"] == 2301 and later["needs_automatic"] == {"A": 301, "B": 401}
    assert "winner" not in later
    close = convention({"A": 1900, "B": 1800, "C": 200}, automatic=700, automatic_votes={"B": 500, "A": 100})
    assert close["first_ballot"]["winner"] is None and close["first_ballot"]["majority"] == 1951
    assert close["later_ballots"]["votes"] == {"B": 2300, "A": 2000, "C": 200}
    assert close["later_ballots"]["winner"] is None  # 2300 < 2301
    assert (
        convention({"A": 1900, "B": 1800, "C": 200}, automatic=700, automatic_votes={"B": 501})[
            "later_ballots"
        ]["winner"]
        == "B"
    )
    assert convention({"A": 10}, total_pledged=30)["first_ballot"]["winner"] is None
    with pytest.raises(ConfigError, match="exceed"):
        convention({"A": 1}, automatic=2, automatic_votes={"A": 3})


def test_bad_plan_files(tmp_path):
    bad = tmp_path / "plan.csv"
    bad.write_text("state,district,delegates\nZZ,1,4\nZZ,2,-3\n")
    with pytest.raises(BallotError, match=r"plan.csv, line 3, field delegates: negative"):
        read_plan(str(bad))
    bad.write_text("state,delegates\nZZ,4\n")
    with pytest.raises(BallotError, match="missing column"):
        read_plan(str(bad))
    bad.write_text("state,district,delegates\nZZ,1,4\nzz,1,5\n")
    with pytest.raises(BallotError, match="listed twice"):
        read_plan(str(bad))
    with pytest.raises(ConfigError, match="cannot read"):
        read_plan(str(tmp_path / "missing.csv"))


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"threshold": "150%"}, "between 0 and 1"),
        ({"threshold": "15.0001%"}, "three decimals"),
        ({"tiebreak": "coin"}, "tiebreak"),
    ],
)
def test_bad_options(kwargs, message):
    with pytest.raises(ConfigError, match=message):
        allocate({"A": 1}, 1, **kwargs)
    with pytest.raises(ConfigError, match="whole number"):
        allocate({"A": -1}, 1)
    with pytest.raises(ConfigError, match="whole number"):
        allocate({"A": 1}, -1)


def test_docstring_examples():
    for name in ("tally.procedures.delegates", "tally.procedures.decision"):
        module = importlib.import_module(name)
        failures, tried = doctest.testmod(module)
        assert tried > 0 and failures == 0, module.__name__


# --- CLI ---------------------------------------------------------------------------------


def test_cli_delegates_json_from_files():
    args = ["delegates", "--plan", str(DATA / "plan.csv"), "--results", str(DATA / "results.csv"), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["convention"]["pledged"] == {"A": 7, "B": 5, "C": 2}
    assert out["convention"]["first_ballot"] == {
        "voters": 14,
        "majority": 8,
        "winner": None,
        "short": {"A": 1, "B": 3, "C": 6},
    }
    assert out["convention"]["later_ballots"]["majority"] == 9 and out["automatic"] == 3
    assert runner.invoke(app, args).stdout == result.stdout  # deterministic


def test_cli_delegates_bundled_primaries():
    result = runner.invoke(
        app,
        [
            "delegates",
            "2020",
            "DEM",
            "--state",
            "CA:144",
            "--state",
            "TX:79",
            "--automatic",
            "771",
            "--automatic-for",
            "Joe Biden:400",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    ca_votes = primary_results(2020, "DEM", "CA").votes
    assert out["states"]["CA"]["delegates"] == {c: n for c, n in by_hand(ca_votes, 144).items() if n}
    pledged = out["convention"]["pledged"]
    assert sum(pledged.values()) == 223 == out["total_pledged"]
    later = out["convention"]["later_ballots"]
    assert later["majority"] == (223 + 771) // 2 + 1
    assert later["votes"]["Joe Biden"] == pledged["Joe Biden"] + 400
    exact = runner.invoke(
        app, ["delegates", "2020", "DEM", "--state", "CA:144", "--no-round-first", "--json"]
    )
    assert json.loads(exact.stdout)["viability_on"] == "exact share"
    table = runner.invoke(app, ["delegates", "2020", "DEM", "--state", "MA:20"])
    assert table.exit_code == 0 and "Elizabeth Ann Warren" in table.stdout


def test_cli_delegates_errors():
    result = runner.invoke(app, ["delegates", "2020", "DEM"])
    assert isinstance(result.exception, ConfigError) and "--state" in str(result.exception)
    result = runner.invoke(app, ["delegates", "2020", "DEM", "--state", "CA=144"])
    assert isinstance(result.exception, ConfigError) and "CA:144" in str(result.exception)
