"""``tally seats`` through the Typer app."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from tally import data
from tally.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_json_for_austria_2017():
    result = run(
        "seats",
        "austria-nationalrat-2017",
        "--rule",
        "dhondt",
        "--seats",
        "183",
        "--threshold",
        "4%",
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    official = data.load("austria-nationalrat-2017").metadata["official_results"]
    assert {p: n for p, n in report["seats"].items() if n} == official
    assert report["rule"] == "dhondt"
    assert report["threshold"] == "4%"
    assert "GRÜNE" in report["excluded"]  # the Greens fell below 4 % in 2017
    assert set(report["measures"]) == {
        "gallagher",
        "loosemore_hanby",
        "sainte_lague",
        "effective_parties_votes",
        "effective_parties_seats",
    }
    assert report["measures"]["gallagher"] > 0
    # The same command gives byte-identical output.
    again = run(
        "seats",
        "austria-nationalrat-2017",
        "--rule",
        "dhondt",
        "--seats",
        "183",
        "--threshold",
        "4%",
        "--json",
    )
    assert again.stdout == result.stdout


def test_dataset_facts_give_the_official_rule():
    # No --rule, --seats or --threshold: the dataset's official D'Hondt, 183 seats, 4 %.
    report = json.loads(run("seats", "austria-nationalrat-1994", "--json").stdout)
    assert {p: n for p, n in report["seats"].items() if n} == {
        "SPÖ": 65,
        "ÖVP": 52,
        "FPÖ": 42,
        "GRÜNE": 13,
        "LIF": 11,
    }


def test_cat_file_path(tmp_path):
    source = data.get("austria-nationalrat-2019").path / "00057-00000009.cat"
    copy = tmp_path / "austria-2019.cat"
    shutil.copy(source, copy)
    result = run(
        "seats", str(copy), "--rule", "sainte_lague", "--seats", "183", "--threshold", "0.04", "--json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["rule"] == "sainte_lague"
    assert sum(report["seats"].values()) == 183
    assert report["excluded"][0] == "JETZT"


def test_tallies_csv_and_table(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text(
        "area,candidate,votes\nall,A,100000\nall,B,80000\nall,C,30000\nall,D,20000\n", encoding="utf-8"
    )
    result = run("seats", str(path), "--rule", "dhondt", "--seats", "8", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["seats"] == {"A": 4, "B": 3, "C": 1, "D": 0}
    table = run("seats", str(path), "--rule", "sainte_lague", "--seats", "8")
    assert table.exit_code == 0, table.output
    assert "Gallagher" in table.stdout and "seat %" in table.stdout


def test_us_census_apportionment():
    report = json.loads(run("seats", "us-census-2020", "--json").stdout)
    assert report["rule"] == "huntington_hill"
    assert report["seats"]["California"] == 52 and report["seats"]["Minnesota"] == 8
    assert sum(report["seats"].values()) == 435


@pytest.mark.parametrize(
    "args",
    [
        ("austria-nationalrat-2019", "--rule", "dhondt", "--threshold", "4"),  # ambiguous threshold
        ("austria-nationalrat-2019", "--rule", "schulze"),  # not a seat rule
        ("no-such-dataset",),
    ],
)
def test_errors_are_one_line(args):
    from tally.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["seats", *args])
    assert exit_info.value.code == 2


def test_districts_csv(tmp_path):
    path = tmp_path / "districts.csv"
    path.write_text("district,seats,A,B,C\nNorth,5,600,350,100\nSouth,4,200,500,300\n", encoding="utf-8")
    report = json.loads(run("seats", str(path), "--rule", "dhondt", "--json").stdout)
    assert report["districts"] == {"North": {"A": 3, "B": 2}, "South": {"A": 1, "B": 2, "C": 1}}
    assert report["seats"] == {"A": 4, "B": 4, "C": 1}
    table = run("seats", str(path), "--rule", "dhondt")
    assert table.exit_code == 0 and "seats by district" in table.stdout


def test_ballots_are_refused(tmp_path, capsys):
    from tally.cli import main

    path = tmp_path / "ranked.csv"
    path.write_text("rank1,rank2\nA,B\nB,A\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["seats", str(path)])
    assert exit_info.value.code == 2
    assert "needs party votes" in capsys.readouterr().err


def test_mixed_member_top_up(tmp_path):
    lists = tmp_path / "lists.csv"
    lists.write_text("area,A,B,C\nall,50,30,20\n", encoding="utf-8")
    seats_won = tmp_path / "constituencies.csv"
    # A wins 6 of 7 constituencies, B one.
    rows = ["constituency,A,B,C"] + [f"c{i},40,35,25" for i in range(6)] + ["c6,30,45,25"]
    seats_won.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = json.loads(
        run(
            "seats",
            str(lists),
            "--rule",
            "sainte_lague",
            "--seats",
            "10",
            "--constituencies",
            str(seats_won),
            "--json",
        ).stdout
    )
    # Entitlement 5 / 3 / 2 of 10; A holds 6 constituencies: one overhang seat, kept.
    assert report["constituency_seats"] == {"A": 6, "B": 1, "C": 0}
    assert report["seats"] == {"A": 6, "B": 3, "C": 2}
    assert report["overhang"] == {"A": 1}
    fixed = json.loads(
        run(
            "seats",
            str(lists),
            "--rule",
            "sainte_lague",
            "--seats",
            "10",
            "--constituencies",
            str(seats_won),
            "--overhang",
            "fixed",
            "--json",
        ).stdout
    )
    assert fixed["seats"] == {"A": 6, "B": 2, "C": 2}


def test_a_dataset_counted_another_way_defaults_to_dhondt_and_asks_for_seats(cli):
    # us-president datasets are counted by the Electoral College, which allocates no seats
    code, _, err = cli("seats", "us-president-2000")
    assert code == 2  # a usage error
    assert "give --seats N" in err and "us-president-2000" in err
    report = json.loads(run("seats", "us-president-2000", "--seats", "10", "--json").stdout)
    assert report["rule"] == "dhondt" and sum(report["seats"].values()) == 10


def test_a_rule_that_allocates_no_seats_is_refused_by_name(cli):
    code, _, err = cli("seats", "us-president-2000", "--rule", "electoral_college")
    assert code == 2
    assert "'electoral_college' does not allocate seats" in err


def test_district_data_defaults_to_list_pr_not_its_own_districts_rule():
    report = json.loads(run("seats", "uk-general-2024", "--json").stdout)
    assert report["rule"] == "dhondt"
    assert sum(report["seats"].values()) == 650
