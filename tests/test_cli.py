"""The `tally` command: count, compare, rules, data; errors as one line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tally

from .test_io_malformed import CASES, CORPUS

# The corpus cases that need only a format choice (the CLI's --format); the one that
# declares its candidate list is checked through tally.read in test_io_malformed.
CLI_CASES = [
    (name, options.get("format"), line) for name, options, line, _ in CASES if set(options) <= {"format"}
]


def test_count_json_follows_the_contract(cli):
    code, out, _ = cli("count", "burlington-2009", "--rule", "irv", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["rule"] == "irv"
    assert data["winners"] == ["Bob Kiss"]
    assert data["ties"] == []
    assert data["ballots"]["read"] == 8980
    for round_ in data["rounds"]:
        assert {"tally", "elected", "eliminated"} <= set(round_)
        assert round_["continuing"] + sum(round_["inactive"].values()) == 8980
    # the dataset's official counting options were applied and recorded
    assert data["options"]["overvote"] == "exhaust"


def test_count_json_is_byte_identical_across_runs(cli):
    first = cli("count", "burlington-2009", "--rule", "irv", "--tiebreak", "random", "--seed", "3", "--json")
    second = cli("count", "burlington-2009", "--rule", "irv", "--tiebreak", "random", "--seed", "3", "--json")
    assert first == second


def test_count_table_names_the_winner(cli):
    code, out, _ = cli("count", "burlington-2009", "--rule", "schulze")
    assert code == 0
    assert "Winner under schulze: Andy Montroll" in " ".join(out.split())


def test_count_reads_a_file_path(cli, tmp_path):
    path = tmp_path / "ballots.csv"
    path.write_text("count,rank1,rank2\n3,A,B\n2,B,A\n2,C,B\n")
    code, out, _ = cli("count", str(path), "--rule", "irv", "--json")
    assert code == 0
    assert json.loads(out)["winners"] == ["B"]


def test_compare_shows_irv_and_the_condorcet_winner(cli):
    code, out, _ = cli("compare", "burlington-2009", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["source"] == "burlington-2009"  # as given, not this machine's file path
    assert report["condorcet_winner"] == "Andy Montroll"
    assert report["results"]["irv"]["winners"] == ["Bob Kiss"]
    assert report["results"]["schulze"]["winners"] == ["Andy Montroll"]
    assert report["results"]["plurality"]["winners"] == ["Kurt Wright"]
    single = {r.name for r in tally.rules() if r.accepts("ranked") and not r.multiwinner}
    assert set(report["results"]) == single


def test_compare_with_a_rule_list(cli):
    code, out, _ = cli("compare", "alaska-2022-special", "--rules", "irv,schulze", "--json")
    assert code == 0
    report = json.loads(out)
    assert set(report["results"]) == {"irv", "schulze"}
    assert report["condorcet_winner"] == "Nick Begich"
    assert report["results"]["irv"]["winners"] == ["Mary Peltola"]


def test_rules_lists_the_registry(cli):
    code, out, _ = cli("rules", "--json")
    assert code == 0
    names = {r["name"] for r in json.loads(out)}
    assert {"plurality", "irv", "schulze", "borda", "star"} <= names


def test_data_list_and_show(cli):
    code, out, _ = cli("data", "list", "--json")
    assert code == 0
    ids = {d["id"] for d in json.loads(out)}
    assert {"burlington-2009", "maine-2018-cd2", "alaska-2022-special"} <= ids
    code, out, _ = cli("data", "show", "maine-2018-cd2", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["contents"]["total"] == 296077
    assert shown["facts"]["options"]["max_skipped"] == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (("count", "no-such-thing"), "neither a file, a bundled dataset id"),
        (("count", "burlington-2009", "--rule", "nope"), "unknown rule 'nope'"),
        (("count", "burlington-2009", "--rule", "schulze", "--seats", "3"), "single winner"),
        (("count", "burlington-2009", "--rule", "irv", "--tiebreak", "coin"), "tie-break mode"),
        (("count", "burlington-2009", "-o", "nonsense=1"), "no option nonsense"),
        (("count", "burlington-2009", "-o", "novalue"), "key=value"),
        (("compare", "burlington-2009", "--rules", "dhondt"), "does not count ranked"),
        (("data", "show", "atlantis-1999"), "no bundled dataset"),
    ],
)
def test_usage_errors_are_one_line(cli, args, message):
    code, out, err = cli(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("name, fmt, line", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_malformed_files_give_one_line_naming_file_and_line(cli, name, fmt, line):
    args = ["count", str(CORPUS / name)] + (["--format", fmt] if fmt else [])
    code, out, err = cli(*args)
    assert code == 2, (out, err)
    assert "Traceback" not in err + out
    message = " ".join(err.split())
    assert message.startswith("error:")
    assert name in message and f"line {line}" in message


def test_names_with_square_brackets_are_printed_as_written(cli, tmp_path):
    # "[" in a file's names or path is text, not a console style
    ranked = tmp_path / "ranked.csv"
    ranked.write_text("count,choice1,choice2\n3,Smith [DEM],Jones [/]\n2,Jones [/],Smith [DEM]\n")
    code, out, err = cli("count", str(ranked))
    assert code == 0, err
    assert "Smith [DEM]" in out and "Jones [/]" in out
    code, out, err = cli("compare", str(ranked))
    assert code == 0, err
    assert "Condorcet winner: Smith [DEM]" in " ".join(out.split())
    tallies = tmp_path / "tallies.csv"
    tallies.write_text("area,candidate,votes\nX,A [x],100\nX,B [/],50\nY,A [x],10\nY,B [/],40\n")
    for args in (
        ("seats", str(tallies), "--seats", "3"),
        ("margins", str(tallies)),
        ("spoilers", str(tallies)),
    ):
        code, out, err = cli(*args)
        assert code == 0, (args, err)
        assert "Traceback" not in out + err
    code, out, _ = cli("seats", str(tallies), "--seats", "3")
    assert "A [x]" in out and "B [/]" in out


def test_error_messages_quoting_brackets_stay_one_line(cli, tmp_path):
    (tmp_path / "[").mkdir()
    bad = tmp_path / "[" / "]bad.csv"  # the path reads ".../[/]bad.csv"
    bad.write_text("x")
    code, out, err = cli("count", str(bad))
    assert code == 2
    assert "Traceback" not in out + err
    assert "[/]bad.csv" in "".join(err.split())


@pytest.mark.parametrize(
    "args",
    [
        ("no-such-command",),
        ("count",),
        ("count", "burlington-2009", "--seats", "abc"),
        ("margins", "us-president-2000", "extra"),
    ],
)
def test_command_line_mistakes_are_usage_errors_not_internal_errors(cli, args):
    code, out, err = cli(*args)
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err + out
    assert "Error:" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (("seats-compare", "burlington-2009"), "ranked ballots, not area tallies"),
        (("margins", "us-senate-2022-ak-rcv"), "published round totals"),
        (("chamber", "us-president-2000"), "electoral votes, not seats won area by area"),
        (("seats-compare", "florida-2000"), "not seats won area by area"),
    ],
)
def test_area_commands_refuse_other_data_in_one_line(cli, args, message):
    code, _out, err = cli(*args)
    assert code == 2, err
    assert message in " ".join(err.split())
    assert len(err.strip().splitlines()) == 1


def test_spoiler_sweep_without_a_third_candidate_is_a_clear_error(cli, tmp_path):
    two = tmp_path / "two.csv"
    two.write_text("area,candidate,votes\nX,A,100\nX,B,50\n")
    code, _out, err = cli("spoilers", str(two), "--sweep", "0.5")
    assert code == 2, err
    assert "no third candidate" in err


def test_data_show_lists_published_rounds(cli):
    code, out, err = cli("data", "show", "us-senate-2022-ak-rcv", "--json")
    assert code == 0, err
    contents = json.loads(out)["contents"]
    assert contents["kind"] == "published rounds"
    from tally.data import us

    published = us.senate_rcv("AK", 2022)
    assert contents["rounds"] == published["rounds"] and contents["winner"] == published["winner"]
    code, out, err = cli("data", "show", "us-senate-2022-ak-rcv")
    assert code == 0, err
    assert f"round {len(published['rounds'])}:" in out


def test_an_empty_source_is_named_as_missing(cli):
    code, _out, err = cli("count", "")
    assert code == 2
    assert "no SOURCE given" in err and "directory" not in err


def test_number_never_shows_a_nonzero_fraction_as_zero():
    from tally.cli.render import number

    assert number(0) == "0" and number(1234.5) == "1,234.5" and number(1 / 3) == "0.3333"
    assert number(0.00001) != "0" and float(number(0.00001)) == 0.00001
    assert number(-0.00002) != "0" and float(number(-0.00002)) == -0.00002


def test_count_prints_what_each_round_did(cli):
    # Dublin West 2002: s. 121 defers Lenihan's surplus at count 2; the reason is shown
    path = Path(__file__).parent / "data" / "stv" / "00001-00000002.soi"
    code, out, err = cli("count", str(path), "--rule", "irish_stv", "--seats", "3", "--seed", "1")
    assert code == 0, err
    flat = " ".join(out.split())
    assert "round 2: John Thomas Smyth C.C. Csp, Robert Bonnie G.P. excluded" in flat
    assert "deferred under s. 121" in flat


@pytest.mark.parametrize(
    ("option", "args"),
    [
        ("--limit", ("spoilers", "us-president-2000", "--limit", "-3")),
        ("--limit", ("margins", "us-president-2000", "--limit", "0")),
        ("--workers", ("simulate", "--elections", "10", "--cluster", "local", "--workers", "0", "--no-save")),
    ],
)
def test_counts_of_rows_and_workers_below_one_are_refused(cli, option, args):
    code, _, err = cli(*args)
    assert code == 2 and f"Invalid value for '{option}'" in err and "greater than or equal to 1" in err


def test_a_pasted_5000_character_value_is_shortened_in_the_error(cli):
    code, _, err = cli("count", "burlington-2009", "--rule", "A" * 5000)
    assert code == 2 and "(5,000 characters)" in err and len(err) < 400


def test_an_error_keeps_a_long_path_whole(cli, tmp_path):
    # a path of ordinary length is the message's subject: it is not shortened
    deep = tmp_path / ("d" * 60) / ("e" * 60) / "ballots.csv"
    code, _, err = cli("count", str(deep))
    assert code == 2 and str(deep) in err and "characters)" not in err
