"""A contest carries its official rules, and every path counts it under them and says so.

The paths: ``tally count`` on a bundled dataset, a file with its sidecar rules, an RCTab
config and a store import of it; the API through FastAPI's TestClient; the HTML report;
``tally compare``. Each is checked against the others and against an independent answer
(RCTab's own expected reports for its regression cases, Maine's certified result).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tally.contest import Contest, CountingRules
from tally.data import resolve_contest
from tally.errors import ConfigError

CASES = Path(__file__).parent / "data" / "rctab" / "cases"
NEGATIVE = ("invalid_params_test", "max_ranking_enforcement")
CONFIGS = sorted(
    p.name for p in CASES.iterdir() if (p / f"{p.name}_config.json").exists() and p.name not in NEGATIVE
)
MAINE = Path(__file__).parent / "data" / "maine-cvr" / "maine_cd2_2018_config.json"


def _json(cli, *args: str):
    code, out, err = cli(*args)
    assert code == 0, err
    return json.loads(out)


def _line(text: str) -> str:
    """The printed text with rich's line wrapping undone."""
    return " ".join(text.split())


# -- an RCTab config is counted as `tally rctab` counts it -----------------------------------


def test_every_rctab_case_is_in_the_list():
    assert len(CONFIGS) == 49  # 47 tabulation cases and the two conversion cases


@pytest.mark.parametrize("case", CONFIGS)
def test_count_of_a_config_is_the_rctab_count(cli, tmp_path, case):
    config = str(CASES / case / f"{case}_config.json")
    ours = _json(cli, "count", config, "--json")
    theirs = _json(cli, "rctab", config, "--json", "-o", str(tmp_path))
    passes = theirs if isinstance(theirs, list) else [theirs]
    rctab_rounds = [r for report in passes for r in report["results"]]
    assert len(ours["rounds"]) == len(rctab_rounds)
    for mine, rctab in zip(ours["rounds"], rctab_rounds):
        assert {k: Decimal(str(v)) for k, v in mine["tally"].items()} == {
            k: Decimal(v) for k, v in rctab["tally"].items()
        }
    elected = [a["elected"] for r in rctab_rounds for a in r["tallyResults"] if "elected" in a]
    assert sorted(ours["winners"]) == sorted(elected)
    # and RCTab's own expected report (the certified tabulator's output) elects the same
    # (the top folder's reports: sub-folders hold per-precinct slices)
    expected = sorted((CASES / case).glob(f"{case}*expected_detailed_report.json"))
    if expected:
        certified = [
            a["elected"]
            for f in expected
            for r in json.loads(f.read_text())["results"]
            for a in r["tallyResults"]
            if "elected" in a
        ]
        assert sorted(ours["winners"]) == sorted(certified)
    counted = ours["counted_under"]
    assert counted["rule"] == "rctab" and not counted["overridden"]
    assert counted["official"]["origin"] == f"RCTab config {case}_config.json"


@pytest.mark.parametrize("case", NEGATIVE)
def test_a_config_rctab_refuses_is_refused_by_count_in_one_line(cli, tmp_path, case):
    config = str(CASES / case / f"{case}_config.json")
    code, _, err = cli("count", config)
    code_rctab, _, err_rctab = cli("rctab", config, "-o", str(tmp_path))
    assert code == code_rctab == 2
    assert _line(err) == _line(err_rctab) and len(err.strip().splitlines()) >= 1


def test_excluded_candidates_of_a_config_are_left_out(cli):
    # excluded_test excludes three of four candidates: RCTab elects George Gervin
    out = _json(cli, "count", str(CASES / "excluded_test" / "excluded_test_config.json"), "--json")
    assert out["winners"] == ["George Gervin"]
    assert set(out["counted_under"]["options"]["excluded"]) == {
        "Mookie Blaylock",
        "Yinka Dare",
        "Sedale Threatt",
    }


# -- a store import keeps the rules of what it was imported from -----------------------------


@pytest.mark.parametrize(
    "case", ["test_set_3_skipped_choice_exhaust", "excluded_test", "2013_minneapolis_park"]
)
def test_an_import_counts_as_its_config(cli, case):
    config = str(CASES / case / f"{case}_config.json")
    code, _, err = cli("import", config, "--name", f"imp-{case}", "--replace")
    assert code == 0, err
    direct = _json(cli, "count", config, "--json")
    imported = _json(cli, "count", f"imp-{case}", "--json")
    assert imported["winners"] == direct["winners"]
    assert [r["tally"] for r in imported["rounds"]] == [r["tally"] for r in direct["rounds"]]
    assert imported["counted_under"]["options"] == direct["counted_under"]["options"]
    assert imported["counted_under"]["official"]["origin"].startswith(
        f"store import imp-{case} (RCTab config"
    )


def test_an_import_of_a_plain_csv_states_no_rules(cli, tmp_path):
    csv = tmp_path / "plain.csv"
    csv.write_text("id,rank1,rank2\n1,A,B\n2,A,B\n3,B,A\n")
    code, _, err = cli("import", str(csv), "--name", "plain-csv", "--replace")
    assert code == 0, err
    out = _json(cli, "count", "plain-csv", "--json")
    assert out["counted_under"]["official"] is None and out["rule"] == "irv"
    assert "the source states no official rules" in out["counted_under"]["line"]


@pytest.mark.slow
def test_maine_import_then_plain_count_is_the_certified_result(cli):
    # certified: Golden 142,440, Poliquin 138,931 (Maine Secretary of State; tests/data/maine-cvr)
    code, _, err = cli("import", str(MAINE), "--replace")
    assert code == 0, err
    code, out, err = cli("count", "maine_cd2_2018")
    assert code == 0, err
    text = _line(out)
    assert "142,440" in text and "138,931" in text
    assert (
        "counted under the contest's rules: IRV as RCTab counts it, overvote exhausts, "
        "2 skipped ranks exhaust" in text
    )
    assert "batch elimination" in text and "from store import maine_cd2_2018" in text
    final = _json(cli, "count", "maine_cd2_2018", "--json")["rounds"][-1]["tally"]
    assert final == {"Golden, Jared F.": 142440, "Poliquin, Bruce": 138931}


# -- the rules line: printed, and says when the user overrides ------------------------------


def test_count_prints_the_contests_rules(cli):
    code, out, _ = cli("count", "maine-2018-cd2")
    assert code == 0
    assert (
        "counted under the contest's rules: IRV, overvote exhausts, 2 skipped ranks exhaust, "
        "batch elimination (from the facts of dataset maine-2018-cd2)" in _line(out)
    )


def test_count_says_when_the_user_overrides_the_rule(cli):
    code, out, _ = cli("count", "maine-2018-cd2", "--rule", "schulze")
    assert code == 0
    assert (
        "counted under schulze at your request; the contest's rules are: IRV, overvote exhausts, "
        "2 skipped ranks exhaust, batch elimination" in _line(out)
    )
    out = _json(cli, "count", "maine-2018-cd2", "--rule", "schulze", "--json")["counted_under"]
    assert out["overridden"] and out["rule"] == "schulze" and out["official"]["rule"] == "irv"


def test_count_says_when_the_user_changes_an_option(cli):
    out = _json(cli, "count", "maine-2018-cd2", "-o", "max_skipped=0", "--json")
    assert out["counted_under"]["overridden"]
    assert out["counted_under"]["line"].startswith(
        "counted under IRV, overvote exhausts, 1 skipped rank exhausts"
    )
    assert "with your options; the contest's rules are: IRV" in out["counted_under"]["line"]


def test_official_options_change_the_count():
    # the same ballots under IRV without Maine's rules give the numbers that were reported
    # wrongly before the rules travelled with the contest; with them, the certified ones
    from tally.compare import counting
    from tally.procedures import count

    contest = resolve_contest("maine-2018-cd2")
    golden, poliquin = "DEM Golden, Jared F.", "REP Poliquin, Bruce"
    official = count(counting(contest)).rounds[-1].tally
    plain = count(Contest(contest.ballots, "irv")).rounds[-1].tally
    assert (official[golden], official[poliquin]) == (142440, 138931)
    assert (plain[golden], plain[poliquin]) == (142558, 139113)


# -- a file with a sidecar, and an upload with its rules ------------------------------------

BALLOTS = "count,rank1,rank2,rank3\n4,A,B,C\n3,B,C,A\n2,C,B,A\n"


def _ballots(tmp_path: Path) -> Path:
    path = tmp_path / "ballots.csv"
    path.write_text(BALLOTS)
    return path


def test_a_sidecar_gives_the_rules(cli, tmp_path):
    path = _ballots(tmp_path)
    # IRV: C is eliminated and both of C's ballots go to B, who beats A 5 to 4
    plain = _json(cli, "count", str(path), "--json")
    assert plain["rule"] == "irv" and plain["counted_under"]["official"] is None
    # plurality elects A (4 of 9 first preferences): the sidecar's rule is used, and said
    (tmp_path / "ballots.rules.json").write_text(
        json.dumps({"rule": "plurality", "source": "the town charter"})
    )
    ruled = _json(cli, "count", str(path), "--json")
    assert ruled["rule"] == "plurality" and ruled["winners"] == ["A"]
    assert ruled["counted_under"]["line"] == (
        "counted under the contest's rules: plurality (from ballots.rules.json (the town charter))"
    )
    assert plain["winners"] == ["B"]


@pytest.mark.parametrize(
    "sidecar, words",
    [
        ("{not json", "not JSON"),
        ('{"rule": "nope"}', "unknown rule"),
        ('{"rule": "irv", "options": {"colour": 1}}', "takes no option colour"),
        ('{"rule": "irv", "extra": 1}', "unknown key(s) extra"),
    ],
)
def test_a_bad_sidecar_is_a_one_line_error_naming_the_file(cli, tmp_path, sidecar, words):
    path = _ballots(tmp_path)
    (tmp_path / "ballots.rules.json").write_text(sidecar)
    code, _, err = cli("count", str(path))
    assert code == 2 and "ballots.rules.json" in err and words in _line(err)


# -- every path gives one answer ------------------------------------------------------------


@pytest.fixture
def client():
    from fastapi.testclient import TestClient

    from tally.web import create_app

    with TestClient(create_app()) as c:
        yield c


@pytest.mark.parametrize("source", ["maine-2018-cd2", "minneapolis-2009-park", "burlington-2009"])
def test_cli_api_report_and_compare_agree_on_a_dataset(cli, client, tmp_path, source):
    from tally.report import render_report

    cli_json = _json(cli, "count", source, "--json")
    api_json = client.get("/api/count", params={"dataset": source}).json()
    assert api_json == cli_json
    ui = client.get("/ui/contest", params={"dataset": source}).json()
    assert (
        ui["outcome"]["winners"] == cli_json["winners"]
        and ui["rules_line"] == cli_json["counted_under"]["line"]
    )
    page, _ = render_report(source)
    assert cli_json["counted_under"]["line"].replace("'", "&#x27;") in page
    assert all(w in page for w in cli_json["winners"])
    compared = _json(cli, "compare", source, "--json")
    assert compared["contest_rules"] == cli_json["counted_under"]["official"]


def test_cli_and_api_agree_on_an_import(cli, client):
    config = str(CASES / "excluded_test" / "excluded_test_config.json")
    assert cli("import", config, "--name", "agree-excluded", "--replace")[0] == 0
    cli_json = _json(cli, "count", "agree-excluded", "--json")
    assert client.get("/api/count", params={"dataset": "agree-excluded"}).json() == cli_json
    assert cli_json["winners"] == ["George Gervin"]


def test_an_upload_with_its_rules_counts_as_the_file_with_its_sidecar(cli, client, tmp_path):
    path = _ballots(tmp_path)
    rules = json.dumps({"rule": "plurality"})
    (tmp_path / "ballots.rules.json").write_text(rules)
    cli_json = _json(cli, "count", str(path), "--json")
    r = client.post("/api/count", files={"file": ("ballots.csv", BALLOTS)}, data={"rules": rules})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["winners"] == cli_json["winners"] == ["A"]
    assert body["counted_under"]["official"]["rule"] == "plurality"
    bad = client.post("/api/count", files={"file": ("ballots.csv", BALLOTS)}, data={"rules": '{"rule": 3}'})
    assert bad.status_code == 400 and "must name a rule" in bad.json()["detail"]


def test_the_api_never_reads_a_file_path(client, tmp_path):
    path = _ballots(tmp_path)
    assert client.get("/api/count", params={"dataset": str(path)}).status_code == 404


# -- the noun ---------------------------------------------------------------------------------


def test_a_contest_knows_when_it_is_counted_otherwise():
    c = Contest(None, "irv", {"overvote": "exhaust"}, official=CountingRules("irv", {"overvote": "exhaust"}))
    assert not c.overridden
    assert c.with_options(overvote="skip").overridden and c.with_rule("borda").overridden
    assert Contest(None, "irv").overridden  # no official rules: nothing to be faithful to


def test_resolve_contest_names_what_it_does_not_know():
    with pytest.raises(Exception, match="neither a file"):
        resolve_contest("no-such-contest-anywhere")
    with pytest.raises(ConfigError):
        from tally.data.sources import parse_rules

        parse_rules("[]", "x.rules.json")


def test_rules_line_words():
    from tally.compare import describe_rules

    assert describe_rules("irv", {"overvote": "exhaust", "max_skipped": 2, "batch_elimination": True}) == (
        "IRV, overvote exhausts, 3 skipped ranks exhaust, batch elimination"
    )
    assert re.match(r"STV as RCTab counts it, 3 seats", describe_rules("rctab", {"mode": "stv", "seats": 3}))
