"""One Electoral College: every command counts the same electors and says which.

2000 is the test case: every elector pledged gives Bush 271, Gore 267; as they voted (a
District of Columbia elector pledged to Gore abstained; National Archives, Electoral
College results 2000) Bush 271, Gore 266.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from tally.data import resolve_contest

SRC = Path(__file__).resolve().parents[1] / "src" / "tally"
BUSH, GORE = "BUSH, GEORGE W.", "GORE, AL"
EXPECTED = {"none": {BUSH: 271, GORE: 267}, "historical": {BUSH: 271, GORE: 266}}
SETTING = {"none": "pledged", "historical": "historical"}


def _json(cli, *args: str):
    code, out, err = cli(*args)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    from tally.web import create_app

    with TestClient(create_app()) as c:
        yield c


@pytest.mark.parametrize("faithless", ["none", "historical"])
def test_ec_whatif_spoilers_web_and_api_count_the_same_electors(cli, client, faithless):
    ec = _json(cli, "ec", "us-president-2000", "--faithless", faithless, "--json")
    assert ec["electoral_votes"] == EXPECTED[faithless] and ec["electors"] == SETTING[faithless]
    whatif = _json(
        cli, "whatif", "us-president-2000", "Nader -> Gore 50% in FL", "--faithless", faithless, "--json"
    )
    assert whatif["actual"]["electoral_votes"] == EXPECTED[faithless]
    # the scenario keeps the same electors: Florida's 25 move, nothing else does
    assert whatif["electoral_votes"][GORE] == EXPECTED[faithless][GORE] + 25
    assert whatif["electors"] == whatif["actual"]["electors"] == SETTING[faithless]
    spoilers = _json(cli, "spoilers", "us-president-2000", "--faithless", faithless, "--json")
    assert spoilers["actual"]["electoral_votes"] == EXPECTED[faithless]
    api = client.get("/api/ec", params={"dataset": "us-president-2000", "faithless": faithless}).json()
    assert api["electoral_votes"] == EXPECTED[faithless]
    web = client.post("/ui/ec", json={"dataset": "us-president-2000", "faithless": faithless}).json()
    assert web["result"]["electoral_votes"] == EXPECTED[faithless]
    assert web["result"]["electors_line"].startswith(
        "pledged electors" if faithless == "none" else "electors as"
    )
    api_whatif = client.post(
        "/api/whatif",
        json={
            "dataset": "us-president-2000",
            "scenario": ["Nader -> Gore 50% in FL"],
            "faithless": faithless,
        },
    ).json()
    assert api_whatif["actual"]["electoral_votes"] == EXPECTED[faithless]
    assert api_whatif["electoral_votes"] == whatif["electoral_votes"]
    api_spoilers = client.get(
        "/api/spoilers", params={"dataset": "us-president-2000", "faithless": faithless}
    )
    assert api_spoilers.json()["actual"]["electoral_votes"] == EXPECTED[faithless]


def test_pledged_is_the_default_everywhere(cli, client):
    assert _json(cli, "ec", "us-president-2000", "--json")["electoral_votes"] == EXPECTED["none"]
    assert (
        _json(cli, "spoilers", "us-president-2000", "--json")["actual"]["electoral_votes"] == EXPECTED["none"]
    )
    actual = _json(cli, "whatif", "us-president-2000", "Nader -> Gore 50% in FL", "--json")["actual"]
    assert actual["electoral_votes"] == EXPECTED["none"]
    assert (
        client.get("/api/ec", params={"dataset": "us-president-2000"}).json()["electoral_votes"]
        == EXPECTED["none"]
    )
    web = client.post("/ui/ec", json={"dataset": "us-president-2000"}).json()
    assert web["result"]["electoral_votes"] == EXPECTED["none"]
    assert _json(cli, "margins", "us-president-2000", "--json")["electors"] == "pledged"


@pytest.mark.parametrize("faithless, gore", [("none", "GORE, AL 267"), ("historical", "GORE, AL 266")])
def test_the_report_shows_the_electors_asked_for(faithless, gore):
    from tally.report import render_report

    page, _ = render_report("us-president-2000", faithless=faithless)
    assert gore in page and "BUSH, GEORGE W. 271" in page
    assert ("pledged electors" if faithless == "none" else "electors as they voted") in page


def test_ec_prints_which_electors(cli):
    code, out, _ = cli("ec", "us-president-2000")
    assert code == 0 and "pledged electors: every elector votes as pledged" in " ".join(out.split())
    code, out, _ = cli("ec", "us-president-2000", "--faithless", "historical")
    text = " ".join(out.split())
    assert "1 DC elector(s) pledged to GORE, AL abstained" in text


def test_margins_with_historical_electors_start_from_the_electors_as_cast(cli):
    pledged = _json(cli, "margins", "us-president-2000", "--json")
    historical = _json(cli, "margins", "us-president-2000", "--faithless", "historical", "--json")
    assert pledged["electoral_votes"][GORE] == 267 and historical["electoral_votes"][GORE] == 266
    assert historical["electors"] == "historical"
    # Florida alone (25) still wins it for Gore either way, from his own starting point
    for report, start in ((pledged, 267), (historical, 266)):
        win = report["to_win"]
        assert win["areas"] == ["FL"] and win["challenger_electoral_votes"] == start + 25


def test_a_contingent_election_writes_nothing(monkeypatch, tmp_path):
    """Counting has no side effect: a 269-269 tie sends the choice to the House, whose
    delegations the data layer hands over without writing a cache."""
    from tally.analysis.whatif import whatif

    contest = resolve_contest("us-president-2020")  # the data layer may cache here
    monkeypatch.setenv("TALLY_HOME", str(tmp_path))
    before = sorted(tmp_path.rglob("*"))
    t = contest.ballots
    statements = []
    for state in ("AZ", "GA", "WI"):
        i = t.areas.index(state)
        b = t.votes[i, t.candidates.index("BIDEN, JOSEPH R. JR")]
        r = t.votes[i, t.candidates.index("TRUMP, DONALD J.")]
        statements.append(f"Biden -> Trump {((b - r) / 2 + 1) / b * 100:.6f}% in {state}")
    result = whatif(contest, statements)
    assert result["contingent"]["votes"] is not None and result["winner"] == "TRUMP, DONALD J."
    assert sorted(tmp_path.rglob("*")) == before


def test_forecast_says_its_electors_are_pledged(cli):
    out = _json(cli, "forecast", "us-president-2020", "--sims", "200", "--no-save", "--json")
    assert out["electors"] == "pledged" and out["electoral_votes_total"] == 538


# -- layers: no import from a lower layer to a higher one ------------------------------------------

LAYER = {
    "errors": 1, "outcome": 1, "names": 1, "options": 1,
    "ballots": 2, "ties": 2, "contest": 2,
    "io": 3, "count": 4, "rules": 5, "rctab": 5, "procedures": 6,
    "analysis": 7, "audit": 7, "sim": 8, "store": 9, "data": 9,
    "compare": 10, "cli": 10, "web": 10, "report": 10,
}  # fmt: skip
CHECKED = [
    "contest.py",
    "names.py",
    "rules/composite.py",
    "procedures/__init__.py",
    "procedures/electoral_college.py",
    "analysis/whatif.py",
    "analysis/spoilers.py",
    "analysis/margins.py",
    "analysis/seats.py",
    "sim/forecast.py",
]


def _imported(path: Path) -> set[str]:
    """Top-level tally modules a file imports, lazy imports included."""
    package = path.relative_to(SRC).parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                parts = base + (node.module.split(".") if node.module else [])
                names = [parts[0]] if parts else [a.name for a in node.names]
                found.update(names)
            elif node.module and node.module.startswith("tally."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("tally."))
    return found


@pytest.mark.parametrize("module", CHECKED)
def test_no_import_reaches_a_higher_layer(module):
    path = SRC / module
    own = LAYER[path.relative_to(SRC).parts[0].removesuffix(".py")]
    above = {m for m in _imported(path) if m.removesuffix(".py") in LAYER and LAYER[m] > own}
    assert not above, f"{module} (layer {own}) imports {sorted(above)}"
