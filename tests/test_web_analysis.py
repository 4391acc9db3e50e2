"""The Analysis view's JSON and pages: the same tables and criteria as the CLI, clear errors."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("scipy")
from fastapi.testclient import TestClient

from tally.analysis.criteria import criteria
from tally.analysis.rcv_tables import analyze
from tally.compare import rules_record
from tally.outcome import to_jsonable
from tally.report.rcv import ranked_contest
from tally.web import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    import os

    os.environ["TALLY_HOME"] = str(tmp_path_factory.mktemp("store"))
    with TestClient(create_app()) as c:
        yield c


def _library(what, dataset: str, rule: str | None = None) -> dict:
    contest, notes = ranked_contest(dataset, rule=rule)
    result = what(contest)
    record = {"source": dataset, **result, "notes": [*notes, *result["notes"]]}
    return json.loads(json.dumps(to_jsonable({**record, "counted_under": rules_record(contest)})))


def test_analyze_endpoint_is_the_library_and_cli_json(client):
    r = client.get("/api/analyze", params={"dataset": "burlington-2009"})
    assert r.status_code == 200
    assert r.json() == _library(analyze, "burlington-2009")
    other = client.get("/api/analyze", params={"dataset": "burlington-2009", "rule": "schulze"}).json()
    assert other["rule"] == "schulze" and other["winners"] == ["Andy Montroll"]
    assert other["pairwise"] == r.json()["pairwise"]  # the head-to-head table does not depend on the rule
    # the rules in the same words as the count's endpoint, with and without the override
    for rule in (None, "schulze"):
        params = {"dataset": "burlington-2009", **({"rule": rule} if rule else {})}
        counted = client.get("/api/count", params=params).json()["counted_under"]
        assert client.get("/api/analyze", params=params).json()["counted_under"] == counted


def test_criteria_endpoint(client):
    r = client.get("/api/criteria", params={"dataset": "alaska-2022-special"})
    assert r.status_code == 200
    assert r.json() == _library(criteria, "alaska-2022-special")
    violated = {c["name"] for c in r.json()["criteria"] if c["violated"]}
    assert violated == {"condorcet_winner", "upward_monotonicity", "no_show", "spoiler"}


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        ({"dataset": "no-such"}, 404, "no-such"),
        ({"dataset": "us-president-2000"}, 400, "ranked ballots"),
        ({"dataset": "us-senate-2018-me-rcv"}, 400, "published results"),
        ({"dataset": "burlington-2009", "rule": "nope"}, 400, "unknown rule"),
        ({"dataset": "burlington-2009", "rule": "approval"}, 400, "approval"),
    ],
)
def test_bad_requests_say_what_is_wrong(client, params, status, words):
    for path in ("/api/analyze", "/api/criteria"):
        r = client.get(path, params=params)
        assert r.status_code == status, (path, r.text)
        assert words in r.json()["detail"]


def test_analysis_page_and_links(client):
    page = client.get("/analysis/alaska-2022-special")
    assert page.status_code == 200
    assert "Alaska US House special general election" in page.text and "analysis.js" in page.text
    assert client.get("/analysis/us-president-2000").status_code == 400
    assert client.get("/analysis/no-such").status_code == 404
    contest = client.get("/contest/burlington-2009").text
    assert 'href="/analysis/burlington-2009"' in contest
    assert "/analysis/" not in client.get("/contest/uk-general-2024").text


def test_catalogue_marks_and_filters_the_paradoxes(client):
    page = client.get("/").text
    assert 'id="flag"' in page and '<option value="no_show">no show</option>' in page
    assert 'data-flags="condorcet_winner upward_monotonicity no_show spoiler"' in page
    assert 'data-flags=""' in page  # the elections that fail nothing carry no flag
