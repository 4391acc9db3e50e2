"""Simulation runs kept in the store: per-election results as Parquet, summaries in DuckDB.

A run's id is a hash of its specification, so the same specification (seed included)
always has the same id, and saving it again replaces it with identical results.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ._arrow import as_numpy, from_numpy, read_parquet
from .errors import DataError
from .outcome import to_jsonable

__all__ = ["get_run", "list_runs", "load_columns", "run_id", "save_run"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sim_runs (
    id VARCHAR PRIMARY KEY,
    created VARCHAR,
    kind VARCHAR,
    spec VARCHAR,
    summary VARCHAR,
    parquet VARCHAR
)
"""


def run_id(spec: dict[str, Any], kind: str = "simulate") -> str:
    """The run's id: 16 hex digits of a hash of its kind and specification."""
    text = json.dumps({"kind": kind, "spec": to_jsonable(spec)}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _connect() -> Any:
    from .store import connect

    return connect(schema=_SCHEMA)


def _runs_dir() -> Path:
    from .store import home

    folder = Path(home()) / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_run(summary: dict[str, Any], columns: dict[str, np.ndarray] | None, kind: str = "simulate") -> str:
    """Store a run's summary (and per-election columns as Parquet); return its id."""
    spec = summary.get("spec", {})
    rid = run_id(spec, kind)
    path = ""
    if columns is not None:
        path = str(_runs_dir() / f"{rid}.parquet")
        table = pa.table({k: from_numpy(v) for k, v in columns.items()})
        pq.write_table(table, path)
    body = {k: v for k, v in summary.items() if k != "columns"}
    con = _connect()
    try:
        con.execute("DELETE FROM sim_runs WHERE id = ?", [rid])
        con.execute(
            "INSERT INTO sim_runs VALUES (?, ?, ?, ?, ?, ?)",
            [
                rid,
                datetime.now(UTC).isoformat(timespec="seconds"),
                kind,
                json.dumps(to_jsonable(spec), sort_keys=True),
                json.dumps(to_jsonable(body)),
                path,
            ],
        )
    finally:
        con.close()
    return rid


def list_runs() -> list[dict[str, Any]]:
    """Every stored run's id, creation time, kind and specification, oldest first."""
    con = _connect()
    try:
        rows = con.execute("SELECT id, created, kind, spec FROM sim_runs ORDER BY created, id").fetchall()
    finally:
        con.close()
    return [{"id": r[0], "created": r[1], "kind": r[2], "spec": json.loads(r[3])} for r in rows]


def get_run(rid: str) -> dict[str, Any]:
    """A stored run's summary; :class:`DataError` when there is no such run."""
    con = _connect()
    try:
        row = con.execute(
            "SELECT id, created, kind, summary, parquet FROM sim_runs WHERE id = ?", [rid]
        ).fetchone()
    finally:
        con.close()
    if row is None:
        raise DataError(f"no simulation run {rid!r}; see `tally runs list`")
    return {"id": row[0], "created": row[1], "kind": row[2], "parquet": row[4], **json.loads(row[3])}


def load_columns(rid: str) -> dict[str, np.ndarray]:
    """A stored run's per-election results, as the columns :func:`save_run` wrote."""
    run = get_run(rid)
    if not run["parquet"]:
        raise DataError(f"run {rid!r} kept no per-election results")
    table = read_parquet(Path(run["parquet"]))
    return {name: as_numpy(table.column(name)) for name in table.column_names}
