"""`tally rla` and `tally rla verify` as a user runs them; RAIRE's JSON input read as ballots."""

from __future__ import annotations

import doctest
import importlib
import itertools
import json
import math
import re
from pathlib import Path

import pytest

import tally
from tally.audit import sample
from tally.errors import BallotError
from tally.io import raire as raire_io

# The running example of "A Guide to RAIRE" (chapter 6) in RAIRE's input format
GUIDE = {
    "metadata": {"candidates": ["Alice", "Bob", "Chuan", "Diego"]},
    "num_candidates": 4,
    "votes": [
        {"n": 5000, "prefs": [2, 1, 0]},
        {"n": 1000, "prefs": [1, 2, 3]},
        {"n": 1500, "prefs": [3, 0]},
        {"n": 4000, "prefs": [0, 3]},
        {"n": 2000, "prefs": [3]},
    ],
    "winner": 2,
    "audit": {"type": "OneOnMargin", "total_auditable_ballots": 13500},
}


def _write(tmp_path, data, name="contest.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return str(path)


def test_docstring_examples_run():
    for name in ("assertions", "irv", "plurality", "preferences", "raire", "sample", "trim", "verify"):
        module = importlib.import_module(f"tally.audit.{name}")
        assert doctest.testmod(module).failed == 0, name
    assert doctest.testmod(importlib.import_module("tally.audit")).failed == 0
    assert doctest.testmod(raire_io).failed == 0
    assert doctest.testmod(importlib.import_module("tally.headlines.audits")).failed == 0


def test_plan_json_contract(cli):
    code, out, err = cli("rla", "burlington-2009", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["winner"] == "Bob Kiss" and plan["rule"] == "irv"
    assert plan["ballots"] == 8980 and plan["difficulty_measure"] == "OneOnMargin"
    rows = plan["assertions"]
    for row in rows:
        assert set(row) >= {"type", "winner", "loser", "continuing", "margin", "difficulty"}
        assert row["type"] in ("NEB", "NEN")
        assert (row["continuing"] is None) == (row["type"] == "NEB")
        assert row["difficulty"] == pytest.approx(8980 / row["margin"])
    assert plan["margin"] == min(r["margin"] for r in rows)
    assert plan["difficulty"] == max(r["difficulty"] for r in rows)
    size = plan["sample_size"]
    assert size["risk_limit"] == 0.05 and "Kaplan-Markov" in size["comparison_method"]
    assert "BRAVO" in size["polling_method"]
    assert size["ballot_comparison"] == max(r["ballot_comparison"] for r in rows)
    # Kiss's last-round lead over Wright, 4,313 to 4,060 in these ballots, is the margin
    mu = 253 / 8980
    g = 2 * 1.03905
    expected = -g * math.log(0.05) / (mu + g * (0.001 * math.log(1 - 1 / g) + 0.0001 * math.log(1 - 2 / g)))
    assert plan["margin"] == 253 and size["ballot_comparison"] == math.ceil(expected)


def test_plan_is_deterministic_and_follows_the_risk_limit(cli):
    first = cli("rla", "aspen-2009-mayor", "--json")
    assert first == cli("rla", "aspen-2009-mayor", "--json")
    loose = json.loads(cli("rla", "aspen-2009-mayor", "--json", "--risk-limit", "0.1")[1])
    tight = json.loads(first[1])
    assert loose["sample_size"]["ballot_comparison"] < tight["sample_size"]["ballot_comparison"]
    assert loose["assertions"] == [
        {**r, "ballot_comparison": loose_r["ballot_comparison"], "ballot_polling": loose_r["ballot_polling"]}
        for r, loose_r in zip(tight["assertions"], loose["assertions"], strict=True)
    ]


def test_the_table_and_the_tree(cli):
    code, out, _ = cli("rla", "maine-2018-cd2", "--tree")
    assert code == 0
    assert out.startswith("Jared Golden won under IRV;")
    assert "ruled out by #" in out and "2 skipped ranks exhaust" in " ".join(out.split())


RCTAB_CASE = "tests/data/rctab/cases/test_set_4_skipped_choice_next/test_set_4_skipped_choice_next"


def test_an_rctab_config_is_audited_under_its_rules(cli, tmp_path):
    """An RCTab config's contest is audited as RCTab counts it (overvote skipped, five
    skipped ranks exhaust) and says so; the winner is the one RCTab's own report elects."""
    report = json.loads(Path(f"{RCTAB_CASE}_expected_detailed_report.json").read_text())
    elected = report["results"][-1]["tallyResults"][0]["elected"]
    code, out, err = cli("rla", f"{RCTAB_CASE}_config.json", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["rule"] == "rctab" and plan["winner"] == elected == "Candidate B Name"
    assert plan["options"]["overvote"] == "skip" and plan["options"]["max_skipped"] == 4
    record = plan["counted_under"]
    assert record["official"]["rule"] == "rctab" and not record["overridden"]
    assert "5 skipped ranks exhaust" in record["line"] and "RCTab config" in record["line"]
    path = _write(tmp_path, plan, "assertions.json")
    code, out, err = cli("rla", "verify", f"{RCTAB_CASE}_config.json", path)
    assert code == 0, err
    assert "Verified" in out and "5 skipped ranks exhaust" in " ".join(out.split())


def test_a_count_that_is_not_irv_is_refused(cli):
    code, _, err = cli("rla", "verify", "minneapolis-2009-bet", "nothing.json")
    assert code != 0 and "counted as wigm_stv, 2 seats" in err and "--rule irv" in err


def test_raire_input_reproduces_the_guide(cli, tmp_path):
    path = _write(tmp_path, GUIDE)
    code, out, err = cli("rla", path, "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["winner"] == "Chuan" and plan["difficulty"] == 27.0 and plan["margin"] == 500
    assert len(plan["assertions"]) == 5
    # total_auditable_ballots is what the difficulty divides
    code, out, _ = cli(
        "rla",
        _write(tmp_path, {**GUIDE, "audit": {**GUIDE["audit"], "total_auditable_ballots": 27000}}),
        "--json",
    )
    assert json.loads(out)["difficulty"] == 54.0


def test_raire_bravo_audit_spec_sets_the_measure_and_risk_limit(cli, tmp_path):
    spec = {"type": "BRAVO", "confidence": 0.1, "total_auditable_ballots": 13500}
    code, out, err = cli("rla", _write(tmp_path, {**GUIDE, "audit": spec}), "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["difficulty_measure"] == "BRAVO" and plan["sample_size"]["risk_limit"] == 0.1
    hardest = max(plan["assertions"], key=lambda r: r["difficulty"])
    assert hardest["difficulty"] == pytest.approx(
        sample.bravo_asn(hardest["winner_votes"], hardest["loser_votes"], 13500, 0.1)
    )
    code, out, _ = cli("rla", _write(tmp_path, {**GUIDE, "audit": spec}), "--json", "--risk-limit", "0.05")
    assert json.loads(out)["sample_size"]["risk_limit"] == 0.05


def test_raire_input_with_another_winner_is_refused(cli, tmp_path):
    code, _, err = cli("rla", _write(tmp_path, {**GUIDE, "winner": 0}))
    assert code == 2
    assert "reported winner 'Alice' is not the IRV winner" in err and err.count("\n") == 1


def test_raire_output_form_round_trips_through_verify(cli, tmp_path):
    path = _write(tmp_path, GUIDE)
    code, out, _ = cli("rla", path, "--raire-json")
    assert code == 0
    raire_out = json.loads(out)
    ok = raire_out["solution"]["Ok"]
    assert ok["difficulty"] == 27.0 and ok["winner"] == 2 and ok["num_candidates"] == 4
    assertions_file = _write(tmp_path, raire_out, "assertions.json")
    code, out, _ = cli("rla", "verify", path, assertions_file, "--json")
    assert code == 0 and json.loads(out)["form"] == "raire"


def test_verify_reports_a_wrong_margin_and_the_first_open_order(cli, tmp_path):
    code, out, _ = cli("rla", "burlington-2009", "--json")
    plan = json.loads(out)
    first = plan["assertions"][0]
    assert (first["winner"], first["loser"], first["continuing"]) == (
        "Bob Kiss",
        "Kurt Wright",
        ["Bob Kiss", "Kurt Wright"],
    )
    plan["assertions"] = plan["assertions"][1:]
    plan["assertions"][0]["margin"] += 1
    claimed = plan["assertions"][0]["margin"]
    code, out, _ = cli("rla", "verify", "burlington-2009", _write(tmp_path, plan), "--json")
    assert code == 1
    check = json.loads(out)
    assert not check["ok"]
    assert check["assertions"][0]["margin"] == claimed - 1 and not check["assertions"][0]["margin_agrees"]
    assert any(f"not {claimed} as claimed" in p for p in check["problems"])
    # without Kiss NEN Wright nothing stops Wright winning the last round against Kiss
    assert check["open_order"][-2:] == ["Bob Kiss", "Kurt Wright"]


def test_verify_refuses_an_assertion_that_does_not_hold(cli, tmp_path):
    bad = {
        "winner": "Bob Kiss",
        "assertions": [{"type": "NEB", "winner": "Write-In", "loser": "Bob Kiss", "continuing": None}],
    }
    code, out, _ = cli("rla", "verify", "burlington-2009", _write(tmp_path, bad))
    assert code == 1
    assert "Write-In NEB Bob Kiss does not hold" in out


def test_verify_names_an_unknown_candidate(cli, tmp_path):
    bad = {"assertions": [{"type": "NEB", "winner": "Nobody", "loser": "Bob Kiss"}]}
    code, _, err = cli("rla", "verify", "burlington-2009", _write(tmp_path, bad))
    assert code == 2 and "assertion 1: unknown candidate 'Nobody'" in err


def test_plurality_plan_on_ranked_ballots(cli):
    code, out, err = cli("rla", "burlington-2009", "--rule", "plurality", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["winner"] == "Kurt Wright" and plan["kind"] == "plurality"
    assert "at your request; the contest's rules are: IRV" in plan["counted_under"]["line"]
    # first choices: Wright 2,951, Kiss 2,585 of 8,980 ballots
    closest = min(plan["assertions"], key=lambda r: r["margin"])
    assert (closest["loser"], closest["margin"], plan["ballots"]) == ("Bob Kiss", 366, 8980)
    assert len(plan["assertions"]) == 5


def test_approval_plan(cli, tmp_path):
    path = tmp_path / "approval.csv"
    path.write_text("count,Ann,Ben,Cal\n40,1,1,0\n35,0,1,1\n20,1,0,0\n5,0,0,0\n")
    code, out, err = cli("rla", str(path), "--json")
    assert code == 0, err
    plan = json.loads(out)
    # approvals: Ben 75, Ann 60, Cal 35, of 100 ballots
    assert plan["kind"] == "approval" and plan["winner"] == "Ben"
    assert {(r["loser"], r["margin"]) for r in plan["assertions"]} == {("Ann", 15), ("Cal", 40)}
    assert plan["ballots"] == 100
    code, out, _ = cli("rla", str(path), "--json", "-o", "seats=2")
    plan = json.loads(out)
    assert plan["winners"] == ["Ben", "Ann"] and plan["margin"] == 25


def test_plans_per_area_for_the_electoral_college(cli):
    code, out, err = cli("rla", "us-president-2000", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["kind"] == "by_area"
    florida = next(a for a in plan["areas"] if a["area"] in ("FL", "Florida"))
    assert florida["winner"] == "George W. Bush" and florida["margin"] == 537
    # 537 votes among about six million: no comparison audit with 0.1 % errors can confirm it
    assert florida["sample_size"]["ballot_comparison"] is None


def test_a_tally_of_votes_plans_on_the_votes(cli):
    code, out, _ = cli("rla", "uk-general-2024")
    assert code == 0 and "one plurality audit per area" in out


def test_stv_contest_asks_for_irv(cli):
    code, _, err = cli("rla", "minneapolis-2009-bet")
    assert code == 2
    assert "wigm_stv for 2 seats" in err and "--rule irv" in err


def test_bad_settings_are_one_line_errors(cli):
    code, _, err = cli("rla", "burlington-2009", "--risk-limit", "0")
    assert code == 2 and "risk limit" in err
    code, _, err = cli("rla", "burlington-2009", "--difficulty", "votes")
    assert code == 2 and "unknown difficulty measure" in err
    code, _, err = cli("rla", "burlington-2009", "--ballots", "100")
    assert code == 2 and "cannot be fewer than the ballots read" in err


def test_bravo_difficulty_search(cli):
    code, out, _ = cli("rla", "burlington-2009", "--difficulty", "bravo", "--json")
    assert code == 0
    plan = json.loads(out)
    assert plan["difficulty_measure"] == "BRAVO"
    for row in plan["assertions"]:
        asn = sample.bravo_asn(row["winner_votes"], row["loser_votes"], 8980, 0.05)
        assert row["difficulty"] == pytest.approx(asn)


# -- the RAIRE input reader ------------------------------------------------------------------


def test_raire_files_are_found_by_extension(tmp_path):
    ballots = tally.read(_write(tmp_path, GUIDE))
    assert ballots.candidates == ("Alice", "Bob", "Chuan", "Diego") and ballots.total == 13500
    assert ballots.metadata["raire"] == {"winner": "Chuan", "audit": GUIDE["audit"]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"votes": [{"n": 3, "prefs": [0, 4]}]}, "field votes[0]: 4 is not a candidate index below 4"),
        ({"votes": [{"n": 3, "prefs": [1, 1]}]}, "votes[0]: candidate 1 is ranked twice"),
        ({"votes": [{"n": 0, "prefs": [1]}]}, "votes[0]: n must be a whole number above 0"),
        ({"num_candidates": 3}, "metadata.candidates names 4 candidates, num_candidates says 3"),
        ({"winner": 9}, "winner must be a candidate index below 4"),
        ({"audit": {"type": "Sometimes", "total_auditable_ballots": 5}}, "audit type 'Sometimes'"),
    ],
)
def test_raire_reader_names_what_is_wrong(tmp_path, change, message):
    with pytest.raises(BallotError, match=message.replace("[", r"\[").replace("]", r"\]")):
        raire_io.read_raire(_write(tmp_path, {**GUIDE, **change}))


def test_raire_reader_gives_the_line_of_broken_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "num_candidates": 2,\n  "votes": [\n    {"n": 1 "prefs": [0]}\n  ]\n}\n')
    with pytest.raises(BallotError, match="line 4"):
        raire_io.read_raire(str(path))


def _one_per_collection() -> list[str]:
    """Every ranked dataset, and the first of each other collection (the yearly US House
    and presidential files are alike)."""
    chosen: dict[tuple[str, str], str] = {}
    for d in tally.data.datasets():
        key = (d.id, "") if d.kind == "ranked" else (d.folder, d.kind)
        chosen.setdefault(key, d.id)
    return sorted(chosen.values())


@pytest.mark.parametrize("dataset", _one_per_collection())
def test_datasets_get_a_plan_or_a_one_line_refusal(cli, dataset):
    code, out, err = cli("rla", dataset, "--json")
    assert "internal error" not in err and "Traceback" not in err, err
    if code == 0:
        plan = json.loads(out)
        assert plan["kind"] in ("irv", "plurality", "approval", "by_area")
    else:
        assert code == 2 and err.startswith("error:") and err.count("\n") == 1, err


def _hardest(plan):
    return max(plan["assertions"], key=lambda r: r["difficulty"])


def test_the_plan_opens_with_the_winner_the_hardest_assertion_and_the_sample(cli, narrow):
    """Burlington 2009: the headline names the winner, how many assertions, the hardest
    one with its margin and the expected sample, each figure the plan's own; every
    assertion is one line of a table that fits 80 columns."""
    plan = json.loads(cli("rla", "burlington-2009", "--json")[1])
    code, out, _ = cli("rla", "burlington-2009")
    assert code == 0
    hardest = _hardest(plan)
    # the closest NEN assertion: Kiss and Wright alone, 4,313 to 4,060 (the last IRV round)
    assert (hardest["winner_votes"], hardest["loser_votes"]) == (4313, 4060)
    head = " ".join(" ".join(out.splitlines()[:5]).split())
    assert head.startswith(f"Bob Kiss won under IRV; {len(plan['assertions'])} assertions rule out")
    assert "Kiss beats Wright when only the two remain (margin 253 of 8,980 ballots, 2.82 %)" in head
    expected = plan["sample_size"]
    assert f"an expected {expected['ballot_comparison']:,} ballots by ballot-level comparison" in head
    assert f"({expected['ballot_polling']:,} by ballot polling)" in head
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines) and not set("┏┃│┡") & set(out)
    for k, row in enumerate(plan["assertions"], 1):
        cells = [str(k), row["type"], row["winner"], row["loser"], f"{row['margin']:,}"]
        cells.append(f"{row['ballot_comparison']:,}")
        assert any(all(c in line for c in cells) for line in lines), cells
    # the continuing set of every NEN assertion, in full, on its own table
    for k, row in enumerate(plan["assertions"], 1):
        if row["type"] == "NEN":
            assert re.search(rf"^{k}\s+{re.escape(', '.join(row['continuing']))}\s*$", out, re.MULTILINE)


def test_the_json_keeps_its_keys_and_adds_the_headline(cli):
    plan = json.loads(cli("rla", "burlington-2009", "--json")[1])
    assert {"winner", "assertions", "margin", "difficulty", "sample_size", "headline"} <= set(plan)
    assert set(plan["assertions"][0]) == {
        "type", "winner", "loser", "continuing", "winner_votes", "loser_votes", "margin",
        "diluted_margin", "difficulty", "ballot_comparison", "ballot_polling",
    }  # fmt: skip
    assert plan["headline"].startswith("Bob Kiss won under IRV")


def test_an_area_plan_names_the_hardest_area_and_lists_areas_by_name(cli, narrow):
    plan = json.loads(cli("rla", "us-president-2024", "--json")[1])
    hardest = max(plan["areas"], key=lambda a: a["difficulty"])
    assert hardest["area"] == "WI"
    _, out, _ = cli("rla", "us-president-2024")
    head = " ".join(" ".join(out.splitlines()[:4]).split())
    total = plan["sample_size"]["ballot_comparison"]
    assert head.startswith(
        f"Auditing all {len(plan['areas'])} areas at a 5 % risk limit needs an expected {total:,}"
    )
    assert "The hardest is Wisconsin, won by Donald Trump over Kamala Harris by 29,397 votes" in head
    rows = [line for line in out.splitlines() if re.search(r"\d%\s+[\d,]+\s*$", line)]
    assert len(rows) == 15 and rows[0].startswith("Wisconsin") and "36 more areas" in out
    _, every, _ = cli("rla", "us-president-2024", "--all")
    rows = [line for line in every.splitlines() if re.search(r"\d%\s+[\d,]+\s*$", line)]
    assert len(rows) == len(plan["areas"]) and any(r.startswith("Wyoming") for r in rows)
    assert all(len(line) <= 80 for line in every.splitlines())


def test_verify_says_first_whether_the_assertions_hold(cli, narrow, tmp_path):
    plan = json.loads(cli("rla", "burlington-2009", "--json")[1])
    path = _write(tmp_path, plan, "assertions.json")
    code, out, _ = cli("rla", "verify", "burlington-2009", path)
    assert code == 0
    assert " ".join(out.split()).startswith(
        f"Verified: all {len(plan['assertions'])} assertions hold and rule out every winner but Bob Kiss"
    )
    assert "4,313–4,060" in out and all(len(line) <= 80 for line in out.splitlines())
    plan["assertions"][0]["margin"] = 250
    path = _write(tmp_path, plan, "wrong.json")
    code, out, _ = cli("rla", "verify", "burlington-2009", path)
    assert code == 1 and out.startswith("The check failed:") and "253 (file: 250)" in out


def test_a_mistyped_subcommand_is_named_not_read_as_a_source(cli):
    code, out, err = cli("rla", "verfy", "burlington-2009", "plan.json")
    assert code == 2 and "No such command 'verfy'. Did you mean 'verify'?" in out + err


def test_a_plan_lists_the_hardest_assertions_and_all_lists_every_one(cli, monkeypatch):
    from tally.cli import audit as audit_cli

    monkeypatch.setattr(audit_cli, "ASSERTIONS_SHOWN", 3)
    code, out, _ = cli("rla", "plan", "burlington-2009")
    assert code == 0
    assert "the 3 hardest of 11 assertions: --all lists every one" in " ".join(out.split())
    code, every, _ = cli("rla", "plan", "burlington-2009", "--all")
    assert code == 0 and "hardest of" not in every
    # the plan's numbering is kept: the hardest three are 1 to 3 here, the rest only with --all
    assert " 11 " in every and not any(line.lstrip().startswith("11 ") for line in out.splitlines())


def test_more_candidates_than_raire_handles_are_refused_before_the_count(cli, tmp_path, monkeypatch):
    from tally.audit import irv
    from tally.audit.raire import MAX_CANDIDATES

    def no_count(*args, **kwargs):
        raise AssertionError("counted before refusing")

    monkeypatch.setattr(irv, "count", no_count)
    names = [f"C{i}" for i in range(MAX_CANDIDATES + 1)]
    path = tmp_path / "wide.csv"
    path.write_text("rank1,rank2\n" + "\n".join(f"{a},{b}" for a, b in itertools.pairwise(names)) + "\n")
    code, _, err = cli("rla", "plan", str(path))
    assert code == 2
    assert f"up to {MAX_CANDIDATES} candidates, not {MAX_CANDIDATES + 1}" in err
