"""/api/count on imported CVRs: a re-import under the same name is counted afresh."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import tally
from tally import store
from tally.web import create_app


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "store"))
    with TestClient(create_app()) as c:
        yield c


def _ballots(a: int, b: int) -> tally.RankedBallots:
    return tally.RankedBallots.from_rankings(["Ann", "Bob"], [["Ann", "Bob"], ["Bob", "Ann"]], [a, b])


def test_reimport_under_the_same_name_is_counted_again(client):
    store.import_ballots(_ballots(7, 3), "council")
    first = client.get("/api/count", params={"dataset": "council", "rule": "plurality"})
    assert first.status_code == 200, first.text
    assert first.json()["winners"] == ["Ann"] and first.json()["scores"] == {"Ann": 7, "Bob": 3}
    # the same (empty) list of input files, so the same recorded SHA-256, within the same second
    store.import_ballots(_ballots(2, 9), "council", replace=True)
    second = client.get("/api/count", params={"dataset": "council", "rule": "plurality"})
    assert second.status_code == 200, second.text
    assert second.json()["winners"] == ["Bob"] and second.json()["scores"] == {"Ann": 2, "Bob": 9}
    # the default rule for ranked ballots counts the new ballots too
    assert client.get("/api/count", params={"dataset": "council"}).json()["winners"] == ["Bob"]


def test_imports_are_listed_and_unknown_names_are_404(client, tmp_path):
    assert client.get("/api/count", params={"dataset": "nothing-here"}).status_code == 404
    assert client.get("/api/count", params={"dataset": "../etc"}).status_code == 404
    assert not (tmp_path / "store" / "tally.duckdb").exists()  # asking did not create a store
    store.import_ballots(_ballots(1, 2), "ward-1")
    listed = client.get("/api/datasets", params={"q": "import"}).json()
    assert [d["id"] for d in listed] == ["ward-1"]
    # where the server keeps its files is not the client's business, nor searchable
    assert "folder" not in listed[0]
    assert client.get("/api/datasets", params={"q": str(tmp_path)}).json() == []
    compared = client.get("/api/compare", params={"dataset": "ward-1"}).json()
    assert compared["results"]["plurality"]["winners"] == ["Bob"]


def test_bundled_dataset_counts_are_still_served(client):
    body = client.get("/api/count", params={"dataset": "burlington-2009"}).json()
    assert body["rule"] == "irv" and body["winners"]


@pytest.fixture
def inline_client(tmp_path, monkeypatch):
    # counts run in this process, where the test can slip an import in (a worker would not see it)
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "store"))
    with TestClient(create_app(inline=True)) as c:
        yield c


def test_an_import_made_while_it_is_counted_is_not_kept_under_the_old_key(inline_client, monkeypatch):
    from tally.web import api

    client = inline_client
    loaded = api._contest

    def import_then_load(dataset):
        # the import lands between the lookup of what "late" is and the reading of it
        store.import_ballots(_ballots(4, 1), dataset)
        return loaded(dataset)

    monkeypatch.setattr(api, "_contest", import_then_load)
    first = client.get("/api/count", params={"dataset": "late", "rule": "plurality"})
    assert first.status_code == 200 and first.json()["winners"] == ["Ann"]
    monkeypatch.setattr(api, "_contest", loaded)
    store.remove_import("late")
    assert client.get("/api/count", params={"dataset": "late", "rule": "plurality"}).status_code == 404
