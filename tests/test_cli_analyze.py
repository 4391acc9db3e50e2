"""``tally analyze`` and ``tally criteria`` from the command line: every kind of SOURCE, the
JSON shapes, the rules line, and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tally.analysis.criteria import CRITERIA
from tally.analysis.rcv_tables import analyze
from tally.report.rcv import ranked_contest

pytest.importorskip("scipy")

RCTAB = Path(__file__).parent / "data" / "rctab" / "cases"
TABLE_KEYS = {
    "source",
    "rule",
    "options",
    "winners",
    "ballots",
    "candidates",
    "pairwise",
    "condorcet_winner",
    "condorcet_loser",
    "smith_set",
    "first_alternate",
    "first_final",
    "ranking_distribution",
    "inactive",
    "notes",
    "headline",
    "counted_under",
}


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tally.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_analyze_json_shape_and_numbers():
    done = run("analyze", "burlington-2009", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report) == TABLE_KEYS
    assert report["rule"] == "irv" and report["options"]["overvote"] == "exhaust"
    assert report["condorcet_winner"] == "Andy Montroll" and report["winners"] == ["Bob Kiss"]
    # the same rules, in the same words, as tally count --json
    counted = json.loads(run("count", "burlington-2009", "--json").stdout)
    assert report["counted_under"] == counted["counted_under"]
    pair = report["pairwise"]["Andy Montroll"]["Bob Kiss"]
    assert pair == {"for": 4064, "of": 7540} and all(isinstance(v, int) for v in pair.values())
    assert set(report["first_alternate"]["Kurt Wright"]) == set(report["candidates"]) - {"Kurt Wright"} | {
        "exhausted"
    }
    assert set(report["ranking_distribution"]) == {"overall", "by_first_choice"}
    assert set(report["inactive"]) == {"by_round", "by_precinct", "by_batch"}
    # the same tables as the library call
    contest, _ = ranked_contest("burlington-2009")
    library = json.loads(json.dumps(analyze(contest)))
    assert {k: report[k] for k in ("pairwise", "first_alternate", "first_final")} == {
        k: json.loads(json.dumps(library[k]).replace(".0,", ",").replace(".0}", "}"))
        for k in ("pairwise", "first_alternate", "first_final")
    }


def test_analyze_text_names_the_rules_and_the_condorcet_winner():
    done = run("analyze", "alaska-2022-special")
    assert done.returncode == 0, done.stderr
    assert "counted under the contest's rules: IRV (from the facts of dataset" in " ".join(
        done.stdout.split()
    )
    assert "Condorcet winner: Nick Begich" in done.stdout
    assert done.stdout.startswith("Mary Peltola won under IRV, but Nick Begich is the Condorcet winner")
    over = run("analyze", "burlington-2009", "--rule", "schulze")
    assert "counted under schulze at your request; the contest's rules are: IRV" in " ".join(
        over.stdout.split()
    )


def test_criteria_json_shape():
    done = run("criteria", "alaska-2022-special", "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert set(found) == {
        "source",
        "rule",
        "options",
        "winners",
        "criteria",
        "notes",
        "counted_under",
        "headline",
    }
    over = json.loads(run("criteria", "alaska-2022-special", "--rule", "schulze", "--json").stdout)
    assert over["counted_under"]["overridden"] and "at your request" in over["counted_under"]["line"]
    assert found["rule"] == "irv" and found["winners"] == ["Mary Peltola"]
    assert [c["name"] for c in found["criteria"]] == list(CRITERIA)
    by = {c["name"]: c for c in found["criteria"]}
    assert {n for n, c in by.items() if c["violated"]} == {
        "condorcet_winner",
        "upward_monotonicity",
        "no_show",
        "spoiler",
    }
    up = by["upward_monotonicity"]["witness"]
    assert set(up) == {"changes", "winners_after"}
    assert all(set(c) == {"from", "to", "ballots"} and isinstance(c["ballots"], int) for c in up["changes"])


def test_criteria_text():
    done = run("criteria", "burlington-2009")
    assert done.returncode == 0, done.stderr
    assert "condorcet winner" in done.stdout and "fails" in done.stdout
    assert "ballots ranking Andy Montroll above each other candidate" in " ".join(done.stdout.split())


def test_criteria_witnesses_are_sentences_in_plain_grammar(cli, narrow):
    """Each failing criterion's witness under the table, ending in who wins after it,
    with the verb agreeing ("Nick Begich wins", "A and B win"); the table fits 80 columns."""
    from tally.report.rcv import witness_text

    raw = json.loads(cli("criteria", "alaska-2022-special", "--json")[1])
    code, out, _ = cli("criteria", "alaska-2022-special")
    assert code == 0 and "win(s)" not in out and all(len(line) <= 80 for line in out.splitlines())
    text = " ".join(out.split())
    failing = [c for c in raw["criteria"] if c["violated"]]
    assert {c["name"] for c in failing} >= {"condorcet_winner", "upward_monotonicity", "no_show"}
    for c in failing:
        assert f"{c['name'].replace('_', ' ')}: {witness_text(c)}" in text
    assert "spoiler: without Sarah Palin, Nick Begich wins" in text
    assert "then Nick Begich wins" in text
    two = {"search": "exact", "witness": {"removed": "C", "winners_after": ["A", "B"]}}
    three = {"search": "exact", "witness": {"removed": "D", "winners_after": ["A", "B", "C"]}}
    assert witness_text(two) == "without C, A and B win"
    assert witness_text(three) == "without D, A, B and C win"


def test_a_ballot_file_is_a_source(tmp_path):
    ballots = tmp_path / "club.csv"
    ballots.write_text("count,rank1,rank2,rank3\n40,P,B,\n31,A,B,\n15,B,P,\n14,B,A,\n")
    done = run("criteria", str(ballots), "--json")
    assert done.returncode == 0, done.stderr
    found = {c["name"]: c for c in json.loads(done.stdout)["criteria"]}
    # three A>B voters staying home put A below B; two tie them, which the tie-break settles
    [change] = found["no_show"]["witness"]["changes"]
    assert change["from"] == ["A", "B"] and change["to"] is None and change["ballots"] in (2, 3)
    assert found["no_show"]["witness"]["winners_after"] == ["B"]
    text = run("analyze", str(ballots))
    assert (
        "counted under IRV (the usual rule for ranked ballots: the source states no official rules)"
        in " ".join(text.stdout.split())
    )


def test_an_rctab_config_is_a_source():
    config = RCTAB / "2015_portland_mayor" / "2015_portland_mayor_config.json"
    done = run("analyze", str(config), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    expected = json.loads((config.parent / "2015_portland_mayor_expected_detailed_report.json").read_text())
    assert report["rule"] == "rctab"
    assert report["winners"] == [
        r["elected"] for r in expected["results"][-1]["tallyResults"] if "elected" in r
    ]
    assert report["first_final"] is not None
    final = expected["results"][-1]
    assert report["inactive"]["by_round"][-1]["exhausted"] == float(
        final["inactiveBallots"]["exhaustedChoices"]
    )


def test_a_store_import_is_a_source(tmp_path):
    import os

    env = {**os.environ, "TALLY_HOME": str(tmp_path)}
    config = RCTAB / "precinct_example" / "precinct_example_config.json"
    assert run("import", str(config), "--name", "mpls", env=env).returncode == 0
    done = run("analyze", "mpls", "--json", env=env)
    assert done.returncode == 0, done.stderr
    by = json.loads(done.stdout)["inactive"]["by_precinct"]
    assert by and sum(v["ballots"] for v in by.values()) == json.loads(done.stdout)["ballots"]


def test_sources_without_ranked_ballots_are_refused_in_one_line():
    done = run("analyze", "us-president-2000")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "ranked ballots" in done.stderr
    done = run("criteria", "no-such-dataset")
    assert done.returncode == 2 and "no-such-dataset" in done.stderr


def test_data_list_filters_on_flags():
    done = run("data", "list", "--flag", "condorcet_winner", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {r["id"] for r in rows} >= {"alaska-2022-special", "burlington-2009"}
    assert all("condorcet_winner" in r["flags"] for r in rows)
    everything = json.loads(run("data", "list", "--json").stdout)
    assert {r["id"] for r in everything if r["flags"]} >= {r["id"] for r in rows}
    bad = run("data", "list", "--flag", "monotone")
    assert bad.returncode == 2 and "unknown criterion" in bad.stderr
