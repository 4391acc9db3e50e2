"""The embedded store: imported cast-vote records kept as Parquet, queryable with DuckDB.

Importing reads a CVR once, merges identical ballots and writes Parquet files under
``<home>/imports/<name>@<generation>/``:

* ``ballots.parquet``: one row per distinct ballot, columns ``rank_1 … rank_R`` (codes as
  in :class:`~tally.ballots.RankedBallots`) and ``weight``;
* ``provenance-<part>.parquet``: one row per ballot read, in file order: ``ballot_id``,
  ``precinct``, ``batch``, ``source`` (index of the CVR source), ``group`` and ``weight``
  (ballots the record stands for: 1, or a ranked CSV's count); with ``group_rows.parquet``
  (group → distinct ballot) it says which stored row each ballot read merged into, so
  every ballot stays traceable.

``<home>/catalogue.json`` lists the imports (name, SHA-256 of the inputs, creation time,
distinct rows, ballots, candidates, …). Imports are transactions: a writer holds the
store's lock (another waits, then stops with "store busy"), stages the new files, and
commits by replacing the catalogue in one step; readers never wait and never see half an
import; a killed writer leaves the old import or the new one, and its leftovers are
removed on the next start (see :mod:`tally.store_catalogue`). :func:`connect` opens the
DuckDB database ``<home>/tally.duckdb``, whose ``imports`` table and per-import views
``"<name>/ballots"`` and ``"<name>/provenance"`` it first brings up to date with the
catalogue, so the ballots can be queried with SQL (see :mod:`tally.store_sql`).
:func:`load_ballots` reads an import back as ballots in milliseconds, ready to count
under any rule.

A ranked CSV is imported exactly as ``tally count`` reads it (its header names the
columns; see :mod:`tally.io.csv`). Large inputs (ranked CSV, RCTab generic CSV, ES&S
sheets) are read block by block and merged as they come, so memory stays bounded by the
number of *distinct* ballots, not the number of ballots (see :mod:`tally.store_blocks`).

``home()`` is ``$TALLY_HOME`` or ``~/.local/share/tally``.

>>> import tally.store as store  # doctest: +SKIP
>>> store.import_cvrs("maine_config.json", "maine")  # doctest: +SKIP
>>> tally.count(store.load_ballots("maine"), "irv", overvote="exhaust")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import limits, store_sql
from . import store_catalogue as catalogue
from ._arrow import as_numpy, from_numpy, numbered, read_parquet
from .ballots import CODE_DTYPE, SKIPPED, Provenance, RankedBallots
from .errors import BallotError, ConfigError, DataError
from .io.cvr.model import UWI_NAME
from .store_blocks import Accumulator, check_ids, stream_generic_source
from .store_catalogue import ImportInfo, file_sha256

__all__ = [
    "ImportInfo",
    "connect",
    "file_sha256",
    "get_import",
    "has_import",
    "home",
    "import_ballots",
    "import_csv",
    "import_cvrs",
    "import_rules",
    "list_imports",
    "load_ballots",
    "remove_import",
]


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")
_CHUNK_BYTES = 1 << 24  # 16 MiB of CSV text per block


def home() -> Path:
    """The store folder: ``$TALLY_HOME``, else ``~/.local/share/tally``."""
    configured = os.environ.get("TALLY_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".local" / "share" / "tally"


def connect(path: str | Path | None = None, *, wait: float | None = None, schema: str = "") -> Any:
    """A DuckDB connection to the store database, its ``imports`` table and views brought
    up to date with the catalogue, and ``schema`` (the caller's own tables or views)
    defined (see :func:`tally.store_sql.connect`)."""
    return store_sql.connect(home(), path, wait=wait, schema=schema)


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):  # '$' would let a final newline in
        raise ConfigError(
            f"import name {name!r} must start with a letter or digit and use only letters, digits, '_', '.', '-'"
        )
    return name


# -- writing and cataloguing ------------------------------------------------------------------


@contextlib.contextmanager
def _writing(name: str, replace: bool) -> Iterator[catalogue.Writer]:
    """The writers' lock and a staging folder for an import called ``name``."""
    _check_name(name)
    with catalogue.writing(home()) as writer:
        if name in writer.catalogue.imports and not replace:
            raise ConfigError(f"an import named {name!r} exists already (pass replace=True to overwrite it)")
        yield writer


def _commit(
    writer: catalogue.Writer,
    name: str,
    candidates: Sequence[str],
    tie_sets: Sequence[frozenset[int]],
    choices: np.ndarray,
    weights: np.ndarray,
    inputs: Sequence[dict[str, str]],
    title: str | None,
    rules: dict[str, Any] | None = None,
) -> ImportInfo:
    """Write the merged ballots and their description to staging, then commit them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    staging = writer.staging
    columns = {f"rank_{r + 1}": from_numpy(choices[:, r]) for r in range(choices.shape[1])}
    columns["weight"] = from_numpy(weights)
    pq.write_table(pa.table(columns), staging / "ballots.parquet", compression="zstd")
    combined = hashlib.sha256("\n".join(f"{i['path']}\t{i['sha256']}" for i in inputs).encode()).hexdigest()
    # A copy of what a recount needs, so the folder describes itself.
    meta = {
        "name": name,
        "sha256": combined,
        "candidates": list(candidates),
        "tie_sets": [sorted(t) for t in tie_sets],
        "ranks": int(choices.shape[1]),
        "title": title,
        # the rules the contest was officially counted under, when the input states them
        "rules": rules,
    }
    (staging / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    entry = {
        **{k: v for k, v in meta.items() if k != "name"},
        "inputs": list(inputs),
        "created": _dt.datetime.now(_dt.UTC).replace(tzinfo=None, microsecond=0).isoformat(),
        "rows": int(choices.shape[0]),
        "ballots": float(weights.sum()),
    }
    writer.commit(name, entry)
    return catalogue.import_info(home(), name, writer.catalogue.imports[name])


def import_ballots(
    ballots: RankedBallots,
    name: str,
    *,
    inputs: Sequence[str | Path] = (),
    replace: bool = False,
) -> ImportInfo:
    """Store already-read ballots under ``name`` (their provenance too, if they have it).

    ``inputs`` are the files the ballots were read from; their SHA-256 is recorded.

    Raises
    ------
    ConfigError
        A bad name, or an import of that name without ``replace``.
    StoreBusy
        Another process kept the store's lock past the ``store_wait`` limit.
    """
    with _writing(name, replace) as writer:
        acc = Accumulator(writer.staging, ballots.candidates, ballots.choices.shape[1])
        acc.tie_index = {t: i for i, t in enumerate(ballots.tie_sets)}
        try:
            prov = ballots.provenance
            if prov is not None:
                codes = ballots.choices[prov.row]
                ids = (
                    list(prov.ballot_ids)
                    if prov.ballot_ids is not None
                    else [str(i + 1) for i in range(len(prov.row))]
                )
                precincts = list(prov.precincts()) or None
                batches = list(prov.batches()) or None
                acc.add(codes, ids, precincts, batches, 0)
                catalogue.checkpoint("block")
                choices, weights, _ = acc.finish(writer.staging)
            else:
                # Weighted rows without per-ballot records: keep the rows and weights as they are.
                acc.close()
                import pyarrow as pa
                import pyarrow.parquet as pq

                pq.write_table(
                    pa.table({"row": from_numpy(np.zeros(0, np.int32))}),
                    writer.staging / "group_rows.parquet",
                )
                merged = ballots.merged()
                choices, weights = merged.choices, merged.weights
        finally:
            acc.close()
        return _commit(
            writer,
            name,
            acc.candidates,
            ballots.tie_sets if prov is None else _ties(acc),
            choices,
            weights,
            [{"path": str(p), "sha256": file_sha256(p)} for p in inputs],
            ballots.title,
        )


def _ties(acc: Accumulator) -> list[frozenset[int]]:
    return sorted(acc.tie_index, key=acc.tie_index.__getitem__)


def import_cvrs(config: Any, name: str | None = None, *, replace: bool = False) -> ImportInfo:
    """Import every CVR source of an RCTab contest config (a path or a loaded config).

    Generic CSV and ES&S sources are streamed block by block; the other formats are read
    whole (they are rarely large) and merged the same way. ``name`` defaults to the
    config's file name without ``_config.json``. Raises as the readers do
    (:mod:`tally.io.cvr`), and :class:`StoreBusy` as :func:`import_ballots`.
    """
    from .io.cvr import _Encoder, checked_ranks, contest_candidates, ess_columns, read_source
    from .io.cvr.model import source_path
    from .rctab.config import ContestConfig, load_config

    if not isinstance(config, ContestConfig):
        config = load_config(config)
    if name is None:
        stem = Path(config.path).name if config.path else "contest"
        name = re.sub(r"_config\.json$|\.json$", "", stem)
    checked_ranks(config)
    with _writing(name, replace) as writer:
        candidates = list(contest_candidates(config))
        acc = Accumulator(writer.staging, candidates)
        ess_reads = ess_columns.Reads(config)  # ES&S workbooks read in the background, in parallel
        try:
            inputs = [{"path": str(config.path), "sha256": file_sha256(config.path)}] if config.path else []
            for index, source in enumerate(config.sources):
                source_path(source)  # missing, a folder for a one-file provider, a pipe or a device
                inputs.append({"path": str(source.file_path), "sha256": file_sha256(source.file_path)})
                if source.provider == "genericCsv":
                    stream_generic_source(acc, config, source, index, _CHUNK_BYTES)
                    continue
                encoder = _Encoder(acc.candidates)
                encoder.index = acc.index
                encoder.tie_index = acc.tie_index
                if source.provider == "ess":
                    _add_columns(acc, encoder, ess_reads.result(index), index)
                else:
                    cvrs = list(read_source(config, source, index))
                    _add_marks(
                        acc,
                        encoder,
                        [c.marks for c in cvrs],
                        [c.ballot_id for c in cvrs],
                        [c.precinct for c in cvrs],
                        [c.batch for c in cvrs],
                        index,
                        str(source.file_path),
                    )
            if not acc.count:
                from .io.cvr import no_ballots

                raise no_ballots(config)
            choices, weights, _ = acc.finish(writer.staging)
        finally:
            ess_reads.close()
            acc.close()
        return _commit(
            writer,
            name,
            acc.candidates,
            _ties(acc),
            choices,
            weights,
            inputs,
            config.output.contest_name,
            _config_rules(config),
        )


def _config_rules(config: Any) -> dict[str, Any]:
    """An RCTab config's rules as the import records them (read back by :func:`import_rules`)."""
    from .rctab.official import rctab_rules

    return rctab_rules(config).to_dict()


def import_rules(name: str) -> dict[str, Any] | None:
    """The rules recorded when ``name`` was imported: ``{"rule", "options", "origin",
    "seats"}`` (an RCTab config's rules), or None when the input stated none (a plain
    CSV, or an import made before rules were recorded).

    Raises :class:`~tally.errors.DataError` when there is no such import.
    """
    _check_name(name)
    imports = catalogue.read_catalogue(home()).imports
    if name not in imports:
        get_import(name)  # raises with the list of known imports
    rules = imports[name].get("rules")
    return rules if isinstance(rules, dict) else None


def _add_marks(
    acc: Accumulator,
    encoder: Any,
    marks: list,
    ids: list,
    precincts: list,
    batches: list,
    index: int,
    file: str,
) -> None:
    """Encode records' marks and add them to ``acc`` as one block."""
    for m in set(marks):  # write-ins not declared in the config join the candidates
        for rank in m:
            if UWI_NAME in rank:
                acc.code(UWI_NAME)
    rows = [encoder.encode(m, ballot_id=i, file=file, line=None) for m, i in zip(marks, ids)]
    width = max((len(r) for r in rows), default=0)
    limits.check("cells", len(rows) * width, what="cells of a block of ballots (rows x ranks)", file=file)
    codes = np.array([r + (SKIPPED,) * (width - len(r)) for r in rows], dtype=CODE_DTYPE)
    acc.add(codes.reshape(len(rows), width), ids, precincts, batches, index)
    catalogue.checkpoint("block")


def _add_columns(acc: Accumulator, encoder: Any, columns: Any, index: int, size: int = 100_000) -> None:
    """Add an ES&S file read as columns: each distinct marking encoded once, in blocks."""
    for m in columns.marks:  # write-ins not declared in the config join the candidates
        for rank in m:
            if UWI_NAME in rank:
                acc.code(UWI_NAME)
    rows = [
        encoder.encode(
            m, ballot_id=columns.ballot_id(int(first)), file=columns.file, line=int(columns.lines[first])
        )
        for m, first in zip(columns.marks, columns.first)
    ]
    width = max((len(r) for r in rows), default=0)
    table = np.array([r + (SKIPPED,) * (width - len(r)) for r in rows], dtype=CODE_DTYPE).reshape(
        len(rows), width
    )
    for start in range(0, len(columns), size):
        stop = min(start + size, len(columns))
        part = slice(start, stop)
        limits.check(
            "cells",
            (stop - start) * width,
            what="cells of a block of ballots (rows x ranks)",
            file=columns.file,
        )
        acc.add(
            table[columns.which[part]],
            columns.ballot_ids(start, stop),
            None if columns.precincts is None else columns.precincts[part],
            None if columns.batches is None else columns.batches[part],
            index,
        )
        catalogue.checkpoint("block")


def import_csv(
    path: str | Path,
    name: str,
    *,
    candidates: Sequence[str] | Mapping[str, str] | None = None,
    ranks: Sequence[str] | None = None,
    count: str | None = None,
    ballot_id: str | None = None,
    precinct: str | None = None,
    batch: str | None = None,
    skipped: Sequence[str] = ("undervote",),
    overvote: Sequence[str] = ("overvote",),
    write_in: str | None = None,
    overvote_delimiter: str | None = None,
    ignore: Sequence[str] = (),
    delimiter: str = ",",
    replace: bool = False,
    rules: Mapping[str, Any] | None = None,
) -> ImportInfo:
    """Stream a ranked-ballot CSV into the store, read exactly as ``tally count`` reads it.

    The header names the columns (rank columns such as ``rank1`` or ``Choice 1``, and
    optional count, ballot id, precinct and batch columns), as in
    :func:`tally.io.csv.read_csv`, whose options these are; a count column makes each row
    stand for that many ballots. The file is read block by block (see
    :func:`tally.io.csv.csv_blocks`), so it may be larger than memory. ``rules`` are the
    contest's official rules when the file has them (``{"rule", "options", "origin",
    "seats"}``, as a sidecar gives them: :func:`tally.data.sources.file_rules`), recorded so
    a count of the import uses them as a count of the file does.

    Raises
    ------
    BallotError
        As :func:`~tally.io.csv.read_csv` (file, line and field): an unknown candidate, a
        bad count, a ragged row, an empty or repeated ballot id, rank columns naming nobody.
    StoreBusy
        As :func:`import_ballots`.
    """
    from .io._common import check_names
    from .io.csv import csv_blocks

    source_path = Path(path)
    if not source_path.is_file():
        raise BallotError("ballot file not found", file=str(source_path))
    file = str(source_path)
    found, blocks, names = csv_blocks(
        source_path,
        candidates=candidates,
        ranks=ranks,
        count=count,
        ballot_id=ballot_id,
        precinct=precinct,
        batch=batch,
        skipped=skipped,
        overvote=overvote,
        write_in=write_in,
        overvote_delimiter=overvote_delimiter,
        ignore=ignore,
        delimiter=delimiter,
        block_bytes=_CHUNK_BYTES,
    )
    with _writing(name, replace) as writer:
        acc = Accumulator(writer.staging, [])
        ids_seen: list[Any] = []
        try:
            for block in blocks:
                n = block.codes.shape[0]
                ids = block.ids
                if ids is None:
                    ids = numbered(block.start + 1, block.start + n + 1)
                else:
                    ids_seen.append(ids)
                acc.add(block.codes, ids, block.precincts, block.batches, 0, weights=block.weights)
                catalogue.checkpoint("block")
            if ids_seen:
                check_ids(ids_seen, source_path, found.ballot_id or "", delimiter)
            candidates_found, tie_sets = names()
            acc.candidates = candidates_found  # the codes index this list, grown while reading
            choices, weights, _ = acc.finish(writer.staging)
        finally:
            acc.close()
        if not candidates_found or not weights.sum():  # as tally count refuses them (tally.io.read)
            raise BallotError("the file holds no ballots, or names no candidate", file=file)
        check_names(candidates_found, file)
        return _commit(
            writer,
            name,
            candidates_found,
            tie_sets,
            choices,
            weights,
            [{"path": file, "sha256": file_sha256(source_path)}],
            source_path.stem,
            None if rules is None else dict(rules),
        )


# -- reading back ------------------------------------------------------------------------------


def has_import(name: str) -> bool:
    """Whether the store holds an import called ``name`` (looked up without creating a store)."""
    try:
        _check_name(name)
    except ConfigError:
        return False
    return name in catalogue.read_catalogue(home()).imports


def list_imports() -> list[ImportInfo]:
    """Every import in the store, by name (read without waiting for any writer)."""
    imports = catalogue.read_catalogue(home()).imports
    return [catalogue.import_info(home(), name, imports[name]) for name in sorted(imports)]


def get_import(name: str) -> ImportInfo:
    """One import's catalogue entry, or a :class:`~tally.errors.DataError`."""
    imports = catalogue.read_catalogue(home()).imports
    if name not in imports:
        known = ", ".join(sorted(imports)) or "none"
        raise DataError(f"no import named {name!r} in {home()} (imports: {known})")
    return catalogue.import_info(home(), name, imports[name])


@dataclass(frozen=True)
class _Meta:
    folder: Path
    candidates: tuple[str, ...]
    ranks: int
    title: str | None
    sha256: str


def load_ballots(name: str, *, provenance: bool = False) -> RankedBallots:
    """An import's ballots, merged as stored; with ``provenance=True``, per-ballot records too.

    Never waits for a writer: an import replaced while it is being read is read again
    from the newer catalogue.
    """
    _check_name(name)
    root = home()

    def load(current: catalogue.Catalogue) -> RankedBallots:
        if name not in current.imports:
            get_import(name)  # raises with the list of known imports
        folder = current.folder(root, name)
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            return _load(name, folder, meta, provenance)
        except (OSError, KeyError, TypeError, ValueError) as exc:  # pyarrow's errors derive from these
            if not folder.exists():
                raise FileNotFoundError(folder) from None  # replaced meanwhile: read the catalogue again
            raise DataError(
                f"import {name!r} in {folder} is damaged ({type(exc).__name__}: {exc}); "
                "import it again with replace"
            ) from None

    try:
        return catalogue.load_with_retry(root, load)
    except FileNotFoundError:
        raise DataError(f"import {name!r} kept changing while it was read; try again") from None


def _load(name: str, folder: Path, meta: dict, provenance: bool) -> RankedBallots:
    info = _Meta(folder, tuple(meta["candidates"]), int(meta["ranks"]), meta.get("title"), meta["sha256"])
    ties = [frozenset(t) for t in meta["tie_sets"]]
    table = read_parquet(info.folder / "ballots.parquet")
    weights = as_numpy(table.column("weight"))
    choices = (
        np.column_stack([as_numpy(table.column(f"rank_{r + 1}")) for r in range(info.ranks)])
        if info.ranks
        else np.zeros((len(weights), 0))
    )
    prov = None
    if provenance and sorted(info.folder.glob("provenance-*.parquet")):
        parts = sorted(info.folder.glob("provenance-*.parquet"))
        import pyarrow as pa

        records = pa.concat_tables([read_parquet(p) for p in parts])
    else:
        records = None
    if records is not None and records.num_rows:
        group_rows = as_numpy(read_parquet(info.folder / "group_rows.parquet").column("row"))
        groups = as_numpy(records.column("group"))
        precincts = records.column("precinct").to_pylist()
        batches = records.column("batch").to_pylist()
        p_names, p_codes = np.unique(
            np.asarray([p or "" for p in precincts], dtype=object).astype(str), return_inverse=True
        )
        b_names, b_codes = np.unique(
            np.asarray([b or "" for b in batches], dtype=object).astype(str), return_inverse=True
        )
        prov = Provenance(
            row=group_rows[groups] if groups.size else np.zeros(0, dtype=np.int32),
            ballot_ids=tuple(records.column("ballot_id").to_pylist()),
            precinct_names=tuple(str(p) for p in p_names),
            precinct_codes=p_codes.astype(np.int32),
            batch_names=tuple(str(b) for b in b_names),
            batch_codes=b_codes.astype(np.int32),
        )
    return RankedBallots(
        candidates=info.candidates,
        choices=np.ascontiguousarray(choices, dtype=CODE_DTYPE),
        weights=np.asarray(weights, dtype=np.float64),
        tie_sets=tuple(ties),
        provenance=prov,
        source=f"store:{name}",
        title=info.title,
        metadata={"import": name, "sha256": info.sha256},
    )


def remove_import(name: str) -> None:
    """Delete an import and its files (taken out of the catalogue first)."""
    _check_name(name)
    with catalogue.writing(home()) as writer:
        if name not in writer.catalogue.imports:
            get_import(name)  # raises with the list of known imports
        writer.remove(name)
