"""The store under faults and concurrency, with real processes and real kills.

A `tally import` runs as a child process told (``TALLY_STORE_PAUSE_AT``) to stop at one
step of its work; while it is stopped, this process reads the store and tries to write
it; then the child is killed with SIGKILL, and the next start must find the old import or
the new one, complete and countable, and nothing else left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import tally
from tally import limits, store
from tally.errors import StoreBusy
from tally.store_catalogue import STEPS

SRC = Path(tally.__file__).resolve().parents[1]
OLD = "count,rank1,rank2\n3,Alice,Bob\n2,Bob,Alice\n"  # 5 ballots, Alice wins
NEW = "count,rank1,rank2\n1,Alice,Bob\n6,Bob,Alice\n"  # 7 ballots, Bob wins


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "store"
    monkeypatch.setenv("TALLY_HOME", str(folder))
    (tmp_path / "old.csv").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.csv").write_text(
        "rank1,rank2\n" + "Bob,Alice\n" * 4000 + "Alice,Bob\n", encoding="utf-8"
    )
    return folder


def _paused(args: list[str], step: str, home: Path, **env: str) -> subprocess.Popen:
    """A `tally` child stopped at ``step`` (or failed: then the test fails with its stderr)."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tally.cli", *args],
        env={
            **os.environ,
            "PYTHONPATH": str(SRC),
            "TALLY_HOME": str(home),
            "TALLY_STORE_PAUSE_AT": step,
            **env,
        },
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    line = child.stderr.readline()
    if line.strip() != f"paused at {step}":
        child.kill()
        pytest.fail(f"the child did not stop at {step}: {line}{child.stderr.read()}")
    return child


def _kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def _leftovers(home: Path) -> list[str]:
    """Files and folders no committed import accounts for."""
    found = [p.name for p in (home / "staging").iterdir()] if (home / "staging").exists() else []
    committed = {Path(i.folder).name for i in store.list_imports()}
    if (home / "imports").exists():
        found += [p.name for p in (home / "imports").iterdir() if p.name not in committed]
    return found + [p.name for p in home.glob(".catalogue.json.*")]


def _winner(name: str) -> str:
    return tally.count(store.load_ballots(name), "irv").winners[0]


@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_step_of_replace_leaves_the_old_or_the_new_import(home, tmp_path, step):
    store.import_csv(tmp_path / "old.csv", "ward")
    child = _paused(["import", str(tmp_path / "new.csv"), "--name", "ward", "--replace"], step, home)
    try:
        # a writer is at work: readers read without waiting, another writer is told the store is busy
        assert [i.name for i in store.list_imports()] == ["ward"]
        assert _winner("ward") in ("Alice", "Bob")
        with limits.use(store_wait=0.2), pytest.raises(StoreBusy, match=f"process {child.pid} is writing"):
            store.import_csv(tmp_path / "old.csv", "other")
    finally:
        _kill(child)
    info = store.get_import("ward")  # the next start: the catalogue, tidied
    committed = STEPS.index(step) >= STEPS.index("committed")
    assert (info.ballots, _winner("ward")) == ((4001, "Bob") if committed else (5, "Alice"))
    assert store.load_ballots("ward").total == info.ballots
    store.import_csv(tmp_path / "old.csv", "other")  # a writer starts: it finds nothing in its way
    assert _leftovers(home) == []


@pytest.mark.parametrize("step", ["locked", "staging", "block", "moved"])
def test_a_kill_during_a_first_import_leaves_no_import_and_no_debris(home, tmp_path, step):
    child = _paused(["import", str(tmp_path / "new.csv"), "--name", "ward"], step, home)
    _kill(child)
    assert store.list_imports() == []
    assert not store.has_import("ward")
    assert _leftovers(home) == []


@pytest.mark.parametrize("step", ["locked", "committed"])
def test_a_kill_during_remove_leaves_the_import_or_nothing(home, tmp_path, step):
    store.import_csv(tmp_path / "old.csv", "ward")
    _kill(_paused(["store", "remove", "ward"], step, home))
    assert store.has_import("ward") is (step == "locked")
    assert _leftovers(home) == []


def test_a_second_writer_waits_its_turn(home, tmp_path):
    child = _paused(["import", str(tmp_path / "new.csv"), "--name", "first"], "block", home)
    result: dict[str, object] = {}

    def second() -> None:
        with limits.use(store_wait=60):
            result["info"] = store.import_csv(tmp_path / "old.csv", "second")

    waiting = threading.Thread(target=second)
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive(), "the second writer must wait while the first holds the lock"
    _kill(child)
    waiting.join(30)
    assert result["info"].ballots == 5
    assert [i.name for i in store.list_imports()] == ["second"]


def test_busy_is_a_one_line_cli_error(home, tmp_path, cli):
    child = _paused(["import", str(tmp_path / "new.csv"), "--name", "first"], "staging", home)
    try:
        with limits.use(store_wait=0.2):
            code, _, err = cli("import", str(tmp_path / "old.csv"), "--name", "second")
        list_code, out, _ = cli("store", "list", "--json")
    finally:
        _kill(child)
    assert (
        code == 2
        and "is busy" in err
        and f"process {child.pid}" in err
        and len(err.strip().splitlines()) == 1
    )
    assert list_code == 0 and json.loads(out) == []


def test_sql_views_follow_the_catalogue_from_several_threads(home, tmp_path):
    store.import_csv(tmp_path / "old.csv", "ward")
    errors: list[BaseException] = []

    def query() -> None:
        try:
            con = store.connect()
            try:
                assert con.execute('SELECT sum(weight) FROM "ward/ballots"').fetchone()[0] == 5
            finally:
                con.close()
        except BaseException as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=query) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store.import_csv(tmp_path / "new.csv", "ward", replace=True)
    con = store.connect()
    try:
        assert con.execute('SELECT sum(weight) FROM "ward/ballots"').fetchone()[0] == 4001
        assert con.execute("SELECT ballots FROM imports WHERE name = 'ward'").fetchone()[0] == 4001
    finally:
        con.close()


def test_a_store_from_before_the_catalogue_is_adopted(home, tmp_path):
    store.import_csv(tmp_path / "old.csv", "ward")
    folder = store.get_import("ward").folder
    legacy = home / "imports" / "ward"
    folder.rename(legacy)
    (home / "catalogue.json").unlink()
    (home / "imports" / "gone.partial").mkdir()  # an older version's staging
    assert [i.name for i in store.list_imports()] == ["ward"]
    assert _winner("ward") == "Alice"
    assert not (home / "imports" / "gone.partial").exists()


def test_tables_of_other_parts_are_defined_beside_the_store_from_several_threads(home, monkeypatch):
    """Two connections of one process defining one table at once fail in DuckDB ("Catalog
    write-write conflict"); simulation runs saved from several threads into a new store
    each land."""
    from tally import store_runs as runs

    errors: list[BaseException] = []

    def work(start: threading.Barrier, k: int) -> None:
        start.wait()
        try:
            runs.save_run({"spec": {"k": k}}, None)
        except BaseException as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    for attempt in range(30):  # the race is at the first definition: a new store each time
        monkeypatch.setenv("TALLY_HOME", str(home / str(attempt)))
        start = threading.Barrier(4)
        threads = [threading.Thread(target=work, args=(start, k)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert sorted(r["spec"]["k"] for r in runs.list_runs()) == [0, 1, 2, 3]
