"""The cache of the parsed US datasets: Parquet files in the store, DuckDB views over them.

The first load of a dataset parses the published CSV and writes the result as Parquet in
the store folder (``tally.store.home() / "datasets"``), keyed by a hash of the source
files and of the US loaders' own code, and registers it as a DuckDB view
``"dataset/<id>"`` in the store database; later loads read the Parquet (:func:`cached`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from ..ballots import Tallies
from .us_files import path_of

__all__ = ["cached"]


def _cache_dir() -> Path:
    """Where parsed datasets are kept as Parquet: the store's ``datasets`` folder."""
    from ..store import home

    return home() / "datasets"


def _register_views(key: str, files: Iterable[Path]) -> None:
    """Make the cached Parquet queryable in the store's DuckDB database as views
    ``"dataset/<key>"`` (and ``"dataset/<key>/districts"``). Another process holding the
    database only means the views wait for a later load."""
    import duckdb

    from ..errors import StoreBusy
    from ..store import connect

    try:
        views = []
        for path in files:
            view = f"dataset/{key}" + ("/districts" if path.name.endswith(".districts.parquet") else "")
            target = str(path).replace("'", "''")
            views.append(f"CREATE OR REPLACE VIEW \"{view}\" AS SELECT * FROM read_parquet('{target}')")
        connect(schema=";\n".join(views)).close()
    except (OSError, duckdb.Error, StoreBusy):
        pass


_CACHE_VERSION = "1"


def _fingerprint(files: Iterable[tuple[str, str]]) -> str:
    import hashlib

    digest = hashlib.sha256(_CACHE_VERSION.encode())
    # the loaders' own source (us.py and its us_*.py modules) is part of the key: a
    # changed parser never reads an old cache
    for module in sorted(Path(__file__).parent.glob("us*.py")):
        digest.update(module.read_bytes())
    for folder, name in files:
        digest.update(path_of(folder, name).read_bytes())
    return digest.hexdigest()[:16]


def _tallies_to_table(t: Tallies) -> Any:
    import json

    import pyarrow as pa

    from ..outcome import to_jsonable

    columns = {"area": pa.array(t.areas, pa.string())}
    for j, cand in enumerate(t.candidates):
        columns[f"votes:{j}"] = pa.array(t.votes[:, j], pa.float64())
    for name, values in t.attributes.items():
        columns[f"attr:{name}"] = pa.array([json.dumps(to_jsonable(v)) for v in values], pa.string())
    meta = {k: v for k, v in t.metadata.items() if k != "districts"}
    info = {
        "candidates": list(t.candidates),
        "parties": dict(t.parties),
        "source": t.source,
        "title": t.title,
        "metadata": to_jsonable(meta),
        "attributes": list(t.attributes),
    }
    return pa.table(columns).replace_schema_metadata({"tally": json.dumps(info)})


def _tallies_from_table(table: Any) -> Tallies:
    import json

    info = json.loads(table.schema.metadata[b"tally"])
    n = len(info["candidates"])
    # to_pylist, not to_numpy: pyarrow's to_numpy imports pandas, which costs a second
    columns = [np.array(table.column(f"votes:{j}").to_pylist(), dtype=np.float64) for j in range(n)]
    votes = np.column_stack(columns) if n else np.zeros((table.num_rows, 0))
    attributes = {
        name: tuple(json.loads(v) for v in table.column(f"attr:{name}").to_pylist())
        for name in info["attributes"]
    }
    metadata = dict(info["metadata"])
    for key, value in list(metadata.items()):
        if isinstance(value, list):  # JSON has no tuples; the loaders use tuples
            metadata[key] = tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return Tallies(
        tuple(table.column("area").to_pylist()),
        tuple(info["candidates"]),
        np.ascontiguousarray(votes, dtype=np.float64),
        attributes=attributes,
        parties=info["parties"],
        source=info["source"],
        title=info["title"],
        metadata=metadata,
    )


def cached(key: str, files: Iterable[tuple[str, str]], build: Any) -> Tallies:
    """``build()`` once per version of the source files; later loads read Parquet.

    The cache file is named by ``key`` and a hash of the source files' bytes, so an
    edited file is parsed again. A cache that cannot be written (read-only home) only
    costs speed.
    """
    import pyarrow.parquet as pq

    files = tuple(files)
    folder = _cache_dir()
    stem = folder / f"{key}-{_fingerprint(files)}"
    main, extra = stem.with_suffix(".parquet"), Path(f"{stem}.districts.parquet")
    if main.exists():
        try:
            tallies = _tallies_from_table(pq.ParquetFile(main).read())
            if extra.exists():
                meta = dict(tallies.metadata)
                meta["districts"] = _tallies_from_table(pq.ParquetFile(extra).read())
                tallies = Tallies(
                    tallies.areas,
                    tallies.candidates,
                    tallies.votes,
                    attributes=tallies.attributes,
                    parties=tallies.parties,
                    source=tallies.source,
                    title=tallies.title,
                    metadata=meta,
                )
            return tallies
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache file is rebuilt from the published data below
    tallies = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(_tallies_to_table(tallies), main)
        dist = tallies.metadata.get("districts")
        written = [main]
        if isinstance(dist, Tallies):
            pq.write_table(_tallies_to_table(dist), extra)
            written.append(extra)
    except OSError:
        return tallies
    _register_views(key, written)
    return tallies
