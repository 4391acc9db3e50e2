"""The store's SQL face: a DuckDB database whose tables and views follow the catalogue.

``<home>/tally.duckdb`` holds the ``imports`` table (one row per import: name, SHA-256 of
the inputs, creation time, distinct rows, ballots, candidates, ...) and, per import, the
views ``"<name>/ballots"`` and ``"<name>/provenance"`` over its Parquet files, so that the
ballots can be queried with SQL. The catalogue (:mod:`tally.store_catalogue`) is what the
store holds; :func:`connect` brings the database up to date with it (in one transaction)
whenever it lags, so imports never wait for the database and the database never
disagrees with the catalogue when it is read. Simulation runs keep their table here too.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

from . import limits
from . import store_catalogue as catalogue
from .errors import StoreBusy

__all__ = ["connect"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS imports (
    name VARCHAR PRIMARY KEY,
    sha256 VARCHAR NOT NULL,
    inputs VARCHAR NOT NULL,
    created TIMESTAMP NOT NULL,
    rows BIGINT NOT NULL,
    ballots DOUBLE NOT NULL,
    candidates VARCHAR NOT NULL,
    tie_sets VARCHAR NOT NULL,
    ranks INTEGER NOT NULL,
    title VARCHAR,
    folder VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS store_catalogue (generation BIGINT NOT NULL)
"""
# Connections of one process share one DuckDB database, and two of them defining the same
# table or view at once fail with "Catalog write-write conflict": every definition is made
# under this lock, through connect().
_SCHEMA_LOCK = threading.Lock()


def connect(
    home: Path, path: str | Path | None = None, *, wait: float | None = None, schema: str = ""
) -> Any:
    """A DuckDB connection to the store database (created with its tables if new), its
    ``imports`` table and views brought up to date with the catalogue.

    ``path`` is the database file; it defaults to ``home / "tally.duckdb"``. DuckDB lets
    one process at a time open the file; another's connection is waited for up to
    ``wait`` seconds (default: the ``store_wait`` limit), then :class:`StoreBusy`.
    ``schema`` is SQL defining tables or views of the caller's own (simulation runs, the
    cached datasets), run with the store's own definitions so that threads never define
    them at once.
    """
    import duckdb

    db = Path(path) if path is not None else home / "tally.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    patience = limits.current().store_wait if wait is None else wait
    deadline = time.monotonic() + patience
    while True:
        try:
            with _SCHEMA_LOCK:
                con = duckdb.connect(str(db))
                try:
                    con.execute(_SCHEMA)
                    if schema:
                        con.execute(schema)
                    if db == home / "tally.duckdb":
                        _sync_views(con, home)
                except BaseException:
                    con.close()
                    raise
            return con
        except (duckdb.IOException, duckdb.TransactionException) as exc:
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"the store database {db} is held by another process ({' '.join(str(exc).split())[:200]}); "
                    f"waited {patience:g} s"
                ) from None
            time.sleep(0.05)


def _sync_views(con: Any, home: Path) -> None:
    """Make the database's ``imports`` table and views say what the catalogue says."""
    current = catalogue.read_catalogue(home)
    row = con.execute("SELECT max(generation) FROM store_catalogue").fetchone()
    if row is not None and row[0] == current.generation:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        for (name,) in con.execute("SELECT name FROM imports").fetchall():
            for part in ("ballots", "provenance"):
                con.execute(f'DROP VIEW IF EXISTS "{_quoted(f"{name}/{part}")}"')
        con.execute("DELETE FROM imports")
        for name, entry in sorted(current.imports.items()):
            folder = home / entry["folder"]
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    name,
                    entry["sha256"],
                    json.dumps(list(entry["inputs"])),
                    entry["created"],
                    int(entry["rows"]),
                    float(entry["ballots"]),
                    json.dumps(list(entry["candidates"])),
                    json.dumps(entry["tie_sets"]),
                    int(entry["ranks"]),
                    entry.get("title"),
                    str(folder),
                ],
            )
            for part, pattern in (("ballots", "ballots.parquet"), ("provenance", "provenance-*.parquet")):
                target = str(folder / pattern).replace("'", "''")
                con.execute(
                    f"CREATE OR REPLACE VIEW \"{_quoted(f'{name}/{part}')}\" AS SELECT * FROM read_parquet('{target}')"
                )
        con.execute("DELETE FROM store_catalogue")
        con.execute("INSERT INTO store_catalogue VALUES (?)", [current.generation])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _quoted(identifier: str) -> str:
    return identifier.replace('"', '""')
