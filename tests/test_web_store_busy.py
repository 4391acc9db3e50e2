"""The web API while other processes use the store: a `tally import` at work, or a DuckDB
session holding the SQL database. Readers of the store never wait and never fail."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

import tally
from tally import store
from tally.web import create_app

SRC = Path(tally.__file__).resolve().parents[1]
HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(60)"
URLS = ["/api/count?dataset=ward", "/api/compare?dataset=ward", "/api/datasets"]


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv("TALLY_HOME", str(folder))
    ballots = tally.RankedBallots.from_rankings(["Ann", "Bob"], [["Ann", "Bob"], ["Bob", "Ann"]], [3, 2])
    store.import_ballots(ballots, "ward")
    return folder


def _child(args: list[str], ready: str, home: Path, **env: str) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, *args],
        env={**os.environ, "PYTHONPATH": str(SRC), "TALLY_HOME": str(home), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    line = child.stdout.readline().strip()
    if line != ready:
        child.kill()
        pytest.fail(f"expected {ready!r} from the child, got {line!r}")
    return child


@pytest.mark.parametrize("url", URLS)
def test_a_sql_session_holding_the_database_does_not_stop_the_web(home, url):
    holder = _child(["-c", HOLD, str(home / "tally.duckdb")], "held", home)
    try:
        with TestClient(create_app(), raise_server_exceptions=False) as client:
            response = client.get(url)
    finally:
        holder.kill()
        holder.wait()
    assert response.status_code == 200, response.text
    if "count" in url:
        assert response.json()["winners"] == ["Ann"]


def test_an_import_at_work_does_not_stop_the_web(home, tmp_path):
    (tmp_path / "new.csv").write_text("rank1\n" + "Bob\n" * 10, encoding="utf-8")
    writer = _child(
        ["-m", "tally.cli", "import", str(tmp_path / "new.csv"), "--name", "ward", "--replace"],
        "paused at staging",
        home,
        TALLY_STORE_PAUSE_AT="staging",
    )
    try:
        with TestClient(create_app(), raise_server_exceptions=False) as client:
            responses = [client.get(url) for url in URLS]
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert [r.status_code for r in responses] == [200, 200, 200], [r.text for r in responses]
    assert responses[0].json()["winners"] == ["Ann"]  # the committed import, not the one being written
