"""The US-system commands through the CLI."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tally.cli import app

runner = CliRunner()


def run_json(*args):
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ec_json_contract_2024():
    out = run_json("ec", "us-president-2024")
    assert out["electoral_votes"]["Donald Trump"] == 312 and out["electoral_votes"]["Kamala Harris"] == 226
    assert out["winner"] == "Donald Trump"
    ne2 = next(a for a in out["areas"] if a["area"] == "NE-2")
    assert set(ne2) >= {"area", "winner", "electoral_votes", "votes"} and ne2["winner"] == "Kamala Harris"


def test_ec_table_and_allocation_option():
    result = runner.invoke(app, ["ec", "us-president-2000"])
    assert result.exit_code == 0 and "271" in result.stdout and "267" in result.stdout
    out = run_json("ec", "us-president-2000", "--allocation", "popular")
    assert out["winner"] == "GORE, AL" and out["electoral_votes"] == {"GORE, AL": 538}


def test_spoilers_json_rows():
    out = run_json("spoilers", "us-president-2000", "--candidate", "nader")
    fl = next(r for r in out["rows"] if r["area"] == "FL")
    assert fl["margin"] == 537 and fl["votes"] == 97488
    assert abs(fl["break_even"] - 537 / 97488) < 1e-9
    assert {"area", "candidate", "votes", "winner", "runner_up", "margin", "break_even"} <= set(fl)


def test_spoilers_with_transfer_and_sweep_table():
    result = runner.invoke(
        app,
        [
            "spoilers",
            "us-president-2000",
            "-c",
            "Nader",
            "--transfer",
            "Nader -> Gore 50%",
            "--sweep",
            "0.01,0.5",
            "--toward",
            "Gore",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "0.55%" in result.stdout and "296" in result.stdout  # pledged: 267 + FL 25 + NH 4


def test_margins_json():
    out = run_json("margins", "us-president-2000")
    assert out["to_win"]["votes"] == 269 and out["tipping_point"]["area"] == "FL"


def test_whatif_json_contract():
    out = run_json(
        "whatif",
        "us-president-2000",
        "--transfer",
        "Nader -> Gore 50%",
        "--transfer",
        "Bush -> Gore 1%",
        "--transfer",
        "Bush -> other 2%",
    )
    # the same electors as `tally ec`: pledged unless --faithless historical
    assert out["actual"]["electoral_votes"]["GORE, AL"] == 267
    assert out["electoral_votes"]["GORE, AL"] == 267 + sum(f["electoral_votes"] for f in out["flipped"])
    assert {"electoral_votes", "winner", "areas", "actual", "flipped", "electors"} <= set(out)
    fl = run_json("whatif", "us-president-2000", "Nader -> Gore 50% in FL")
    assert fl["electoral_votes"]["GORE, AL"] == 292
    fl = run_json("whatif", "us-president-2000", "Nader -> Gore 50% in FL", "--faithless", "historical")
    assert fl["electoral_votes"]["GORE, AL"] == 291 and fl["actual"]["electoral_votes"]["GORE, AL"] == 266


def test_whatif_off_option_and_parse_error():
    out = run_json("whatif", "us-president-2000", "--off", "Nader:FL,NH")
    # his voters abstain: nothing flips, but his votes are gone there
    assert out["flipped"] == []
    fl = next(a for a in out["areas"] if a["area"] == "FL")
    assert "NADER, RALPH" not in fl["votes"]
    ny = next(a for a in out["areas"] if a["area"] == "NY")
    assert ny["votes"]["NADER, RALPH"] > 0
    result = runner.invoke(app, ["whatif", "us-president-2000", "Nader -> Gore 5O%"])
    assert result.exit_code != 0
    assert "5O%" in str(result.exception) and "position 15" in str(result.exception)


def test_seats_compare_uk():
    out = run_json("seats-compare", "uk-general-2024", "--new-party", "10%")
    assert out["systems"]["fptp"]["seats"]["Lab"] == 411
    assert out["new_party"]["share"] == 0.1
    result = runner.invoke(app, ["seats-compare", "uk-general-2024"])
    assert result.exit_code == 0 and "411" in result.stdout


def test_ranked_spoilers_cli_alaska():
    out = run_json("spoilers", "alaska-2022-special", "--rule", "irv")
    palin = next(r for r in out["rows"] if "Palin" in r["candidate"])
    assert palin["spoiler"] and any("Begich" in w for w in palin["winner_without"])


def test_chamber_cli():
    out = run_json("chamber", "us-house-2018", "--vacancies", "2")
    assert out["majority"] == 217 and out["parties"]["REPUBLICAN"]["needed"] == 17
    result = runner.invoke(app, ["chamber", "uk-general-2024"])
    assert result.exit_code == 0 and "326" in result.stdout


def test_count_president_by_electoral_college_by_default():
    # Gore won the national popular vote in 2000; the electors decided the election
    out = run_json("count", "us-president-2000")
    assert out["rule"] == "electoral_college"
    assert out["winners"] == ["BUSH, GEORGE W."]


def test_ranked_spoilers_use_the_dataset_rule_and_seats():
    out = run_json("spoilers", "minneapolis-2009-park")
    assert out["rule"] == "wigm_stv"
    assert len(out["winners"]) == 3
    out = run_json("spoilers", "minneapolis-2009-park", "--rule", "irv")
    assert out["rule"] == "irv" and len(out["winners"]) == 1
