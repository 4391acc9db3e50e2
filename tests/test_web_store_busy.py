"""The web API while another process holds the store (a `tally import` running): a 503 that
says so, never a 500."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import tally
from tally import store
from tally.web import create_app

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)"


@pytest.fixture
def held_store(tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "store"))
    ballots = tally.RankedBallots.from_rankings(["Ann", "Bob"], [["Ann", "Bob"], ["Bob", "Ann"]], [3, 2])
    store.import_ballots(ballots, "ward")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "store" / "tally.duckdb")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("url", ["/api/count?dataset=ward", "/api/compare?dataset=ward", "/api/datasets"])
def test_a_store_held_elsewhere_is_a_503(held_store, url):
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        response = client.get(url)
    assert response.status_code == 503, response.text
    assert "store of imported CVRs" in response.json()["detail"]


def test_bundled_datasets_are_counted_while_the_store_is_held(held_store):
    with TestClient(create_app(), raise_server_exceptions=False) as client:
        response = client.get("/api/count", params={"dataset": "burlington-2009"})
    assert response.status_code == 200 and response.json()["winners"]
