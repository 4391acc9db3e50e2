"""The embedded store: imported cast-vote records kept as Parquet, catalogued in DuckDB.

Importing reads a CVR once, merges identical ballots and writes two Parquet files under
``<home>/imports/<name>/``:

* ``ballots.parquet``: one row per distinct ballot, columns ``rank_1 … rank_R`` (codes as
  in :class:`~tally.ballots.RankedBallots`) and ``weight``;
* ``provenance-<part>.parquet``: one row per ballot read, in file order: ``ballot_id``,
  ``precinct``, ``batch``, ``source`` (index of the CVR source) and ``group``; with
  ``group_rows.parquet`` (group → distinct ballot) it says which stored row each ballot
  read merged into, so every ballot stays traceable.

The DuckDB database ``<home>/tally.duckdb`` holds the ``imports`` table (name, SHA-256 of
the inputs, creation time, distinct rows, ballots, candidates, …) and, per import, the views
``"<name>/ballots"`` and ``"<name>/provenance"`` over the Parquet files, so the ballots can
be queried with SQL. :func:`load_ballots` reads an import back as ballots in milliseconds,
ready to count under any rule.

Large CSV inputs (RCTab generic CSV, and ES&S-style CSV with one column per rank) are read
in blocks with ``pyarrow.csv.open_csv`` and merged block by block, so memory stays
bounded by the number of *distinct* ballots, not the number of ballots.

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
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._arrow import as_numpy
from .ballots import CODE_DTYPE, SKIPPED, Provenance, RankedBallots
from .errors import BallotError, ConfigError, DataError
from .io.cvr.model import OVERVOTE_MARK, UWI_NAME, mark_code, tie_code

__all__ = [
    "ImportInfo",
    "connect",
    "file_sha256",
    "get_import",
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
)
"""


def home() -> Path:
    """The store folder: ``$TALLY_HOME``, else ``~/.local/share/tally``."""
    configured = os.environ.get("TALLY_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".local" / "share" / "tally"


def connect(path: str | Path | None = None):
    """A DuckDB connection to the store database (created with its tables if new).

    ``path`` is the database file; it defaults to ``home() / "tally.duckdb"``.
    """
    import duckdb

    db = Path(path) if path is not None else home() / "tally.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(db))
    con.execute(_SCHEMA)
    return con


@dataclass(frozen=True)
class ImportInfo:
    """One catalogued import."""

    name: str
    sha256: str
    inputs: tuple[dict[str, str], ...]
    created: _dt.datetime
    rows: int
    ballots: float
    candidates: tuple[str, ...]
    ranks: int
    title: str | None
    folder: Path


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, or of a folder (every file, in path order, with its relative path)."""
    p = Path(path)
    digest = hashlib.sha256()
    if p.is_dir():
        for child in sorted(q for q in p.rglob("*") if q.is_file()):
            digest.update(child.relative_to(p).as_posix().encode() + b"\0")
            digest.update(bytes.fromhex(file_sha256(child)))
        return digest.hexdigest()
    with p.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):  # '$' would let a final newline in
        raise ConfigError(
            f"import name {name!r} must start with a letter or digit and use only letters, digits, '_', '.', '-'"
        )
    return name


# -- accumulating merged ballots block by block ----------------------------------------------


class _Accumulator:
    """Merges blocks of coded ballots and streams their provenance to Parquet."""

    def __init__(self, folder: Path, candidates: Sequence[str], ranks: int) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.candidates = list(candidates)
        self.index = {name: i for i, name in enumerate(self.candidates)}
        self.ranks = ranks
        self.tie_index: dict[frozenset[int], int] = {}
        # Each block's distinct rows and counts; a ballot's provisional group is its block's
        # offset plus its row there. finish() merges the groups across blocks.
        self.uniques: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.groups = 0
        self.count = 0
        self.schema = pa.schema(
            [
                ("ballot_id", pa.string()),
                ("precinct", pa.string()),
                ("batch", pa.string()),
                ("source", pa.int16()),
                ("group", pa.int32()),
            ]
        )
        self.folder = folder
        self.pq = pq
        self.writer = None
        self.part = 0
        self._open()

    def _open(self) -> None:
        self.part += 1
        path = self.folder / f"provenance-{self.part:05d}.parquet"
        self.writer = self.pq.ParquetWriter(path, self.schema, compression="zstd")

    def mark(self) -> tuple:
        """A point to come back to: a new provenance part starts here."""
        self.writer.close()
        self._open()
        return (
            self.part,
            len(self.uniques),
            self.groups,
            len(self.candidates),
            dict(self.tie_index),
            self.count,
        )

    def rewind(self, mark: tuple) -> None:
        """Forget every block added since ``mark``."""
        part, n_blocks, groups, n_candidates, ties, count = mark
        self.writer.close()
        for later in range(part, self.part + 1):
            (self.folder / f"provenance-{later:05d}.parquet").unlink(missing_ok=True)
        self.part = part - 1
        self._open()
        self.groups, self.tie_index, self.count = groups, ties, count
        del self.uniques[n_blocks:]
        del self.counts[n_blocks:]
        for name in self.candidates[n_candidates:]:
            del self.index[name]
        del self.candidates[n_candidates:]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def code(self, name: str) -> int:
        """Index of a candidate name, appending write-ins met for the first time."""
        i = self.index.get(name)
        if i is None:
            if name != UWI_NAME:
                raise BallotError(f"{name!r} is not one of the candidates")
            i = self.index[name] = len(self.candidates)
            self.candidates.append(name)
        return i

    def add(
        self, codes: np.ndarray, ids: Sequence[str] | Any, precincts: Any, batches: Any, source: int
    ) -> None:
        """Add a block: codes (n, ≤ranks) and, per ballot, id, precinct and batch (or None)."""
        n = codes.shape[0]
        if n == 0:
            return
        if codes.shape[1] < self.ranks:
            pad = np.full((n, self.ranks - codes.shape[1]), SKIPPED, dtype=CODE_DTYPE)
            codes = np.hstack([codes.astype(CODE_DTYPE), pad])
        codes = np.ascontiguousarray(codes, dtype=CODE_DTYPE)
        unique, inverse, counts = _unique_rows(codes)
        gids = (self.groups + inverse).astype(np.int32)
        self.uniques.append(unique)
        self.counts.append(counts)
        self.groups += len(unique)
        pa = self.pa
        table = pa.table(
            {
                "ballot_id": _arrow_strings(ids, n),
                "precinct": _arrow_strings(precincts, n),
                "batch": _arrow_strings(batches, n),
                "source": pa.array(np.full(n, source, dtype=np.int16)),
                "group": pa.array(gids),
            },
            schema=self.schema,
        )
        self.writer.write_table(table)
        self.count += n

    def finish(self, folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Close the provenance file; return (choices, weights, group → row) heaviest first."""
        import pyarrow.parquet as pq

        self.close()
        if self.uniques:
            blocks = np.vstack(self.uniques).astype(CODE_DTYPE)
            matrix, group_of, _ = _unique_rows(blocks)
            weights = np.bincount(
                group_of, weights=np.concatenate(self.counts).astype(np.float64), minlength=len(matrix)
            )
        else:
            matrix, group_of = np.zeros((0, self.ranks), dtype=CODE_DTYPE), np.zeros(0, dtype=np.int64)
            weights = np.zeros(0)
        order = np.lexsort((np.arange(weights.size), -weights))
        rank_of = np.empty(order.size, dtype=np.int32)
        rank_of[order] = np.arange(order.size, dtype=np.int32)
        row_of = rank_of[group_of]  # provisional group -> stored row
        used = np.flatnonzero((matrix != SKIPPED).any(axis=0)) if matrix.size else np.array([], dtype=int)
        matrix = matrix[order][:, : (used[-1] + 1 if used.size else 0)]
        pq.write_table(self.pa.table({"row": self.pa.array(row_of)}), folder / "group_rows.parquet")
        return np.ascontiguousarray(matrix), weights[order], row_of


def _arrow_strings(values: Any, n: int):
    """A string Arrow array from a list, an Arrow array, or ``None`` (all null)."""
    import pyarrow as pa

    if values is None:
        return pa.nulls(n, type=pa.string())
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values.cast(pa.string())
    return pa.array(values, type=pa.string())


def _int_values(array) -> tuple[np.ndarray, np.ndarray | None]:
    """(values, validity or None when nothing is null) of an Arrow int32 array, without copies."""
    values = np.frombuffer(array.buffers()[1], dtype=np.int32, count=len(array) + array.offset)[
        array.offset :
    ]
    if not array.null_count:
        return values, None
    bits = np.unpackbits(np.frombuffer(array.buffers()[0], dtype=np.uint8), bitorder="little")
    valid = bits[array.offset : array.offset + len(array)].astype(bool)
    return np.where(valid, values, 0), valid


def _unique_rows(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of a code matrix, the row each input row maps to, and their counts."""
    n, ranks = codes.shape
    if ranks == 0:
        return np.zeros((1, 0), CODE_DTYPE), np.zeros(n, np.int64), np.array([n])
    low = int(codes.min())
    span = int(codes.max()) - low + 1
    bits = max(1, int(np.ceil(np.log2(span + 1))))
    if bits * ranks <= 62:
        # Pack each row into one int64 so the sort is over numbers, not rows.
        key = np.zeros(n, dtype=np.int64)
        shifted = codes.astype(np.int64) - low
        for r in range(ranks):
            key = (key << bits) | shifted[:, r]
        _, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
        return codes[first], inverse.reshape(-1), counts
    # Too wide to pack: compare rows as raw bytes (much faster than np.unique(axis=0)).
    rows = np.ascontiguousarray(codes).view(np.dtype((np.void, codes.dtype.itemsize * ranks))).ravel()
    _, first, inverse, counts = np.unique(rows, return_index=True, return_inverse=True, return_counts=True)
    return codes[first], inverse.reshape(-1), counts


# -- writing and cataloguing ------------------------------------------------------------------


def _prepare(name: str, replace: bool) -> tuple[Any, Path]:
    _check_name(name)
    con = connect()
    exists = con.execute("SELECT count(*) FROM imports WHERE name = ?", [name]).fetchone()[0]
    if exists and not replace:
        con.close()
        raise ConfigError(f"an import named {name!r} exists already (pass replace=True to overwrite it)")
    folder = home() / "imports" / name
    staging = folder.with_name(name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return con, staging


def _commit(
    con: Any,
    name: str,
    staging: Path,
    candidates: Sequence[str],
    tie_sets: Sequence[frozenset[int]],
    choices: np.ndarray,
    weights: np.ndarray,
    inputs: Sequence[dict[str, str]],
    title: str | None,
    rules: dict[str, Any] | None = None,
) -> ImportInfo:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {f"rank_{r + 1}": pa.array(choices[:, r]) for r in range(choices.shape[1])}
    columns["weight"] = pa.array(weights)
    pq.write_table(pa.table(columns), staging / "ballots.parquet", compression="zstd")
    combined = hashlib.sha256("\n".join(f"{i['path']}\t{i['sha256']}" for i in inputs).encode()).hexdigest()
    # A copy of what a recount needs, so loading does not have to open the database.
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
    folder = home() / "imports" / name
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    created = _dt.datetime.now(_dt.UTC).replace(tzinfo=None, microsecond=0)
    con.execute("DELETE FROM imports WHERE name = ?", [name])
    con.execute(
        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            name,
            combined,
            json.dumps(list(inputs)),
            created,
            int(choices.shape[0]),
            float(weights.sum()),
            json.dumps(list(candidates)),
            json.dumps([sorted(t) for t in tie_sets]),
            int(choices.shape[1]),
            title,
            str(folder),
        ],
    )
    for part, pattern in (("ballots", "ballots.parquet"), ("provenance", "provenance-*.parquet")):
        view = f"{name}/{part}".replace('"', '""')
        path = str(folder / pattern).replace("'", "''")
        con.execute(f"CREATE OR REPLACE VIEW \"{view}\" AS SELECT * FROM read_parquet('{path}')")
    con.close()
    return get_import(name)


def import_ballots(
    ballots: RankedBallots,
    name: str,
    *,
    inputs: Sequence[str | Path] = (),
    replace: bool = False,
) -> ImportInfo:
    """Store already-read ballots under ``name`` (their provenance too, if they have it).

    ``inputs`` are the files the ballots were read from; their SHA-256 is recorded.
    """
    con, staging = _prepare(name, replace)
    try:
        acc = _Accumulator(staging, ballots.candidates, ballots.choices.shape[1])
        acc.tie_index = {t: i for i, t in enumerate(ballots.tie_sets)}
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
            choices, weights, _ = acc.finish(staging)
        else:
            # Weighted rows without per-ballot records: keep the rows and weights as they are.
            acc.close()
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({"row": pa.array(np.zeros(0, np.int32))}), staging / "group_rows.parquet")
            merged = ballots.merged()
            choices, weights = merged.choices, merged.weights
        return _commit(
            con,
            name,
            staging,
            acc.candidates,
            ballots.tie_sets if prov is None else _ties(acc),
            choices,
            weights,
            [{"path": str(p), "sha256": file_sha256(p)} for p in inputs],
            ballots.title,
        )
    except BaseException:
        con.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _ties(acc: _Accumulator) -> list[frozenset[int]]:
    return sorted(acc.tie_index, key=acc.tie_index.__getitem__)


def import_cvrs(config: Any, name: str | None = None, *, replace: bool = False) -> ImportInfo:
    """Import every CVR source of an RCTab contest config (a path or a loaded config).

    Generic CSV sources are streamed block by block; the other formats are read whole
    (they are rarely large) and merged the same way. ``name`` defaults to the config's
    file name without ``_config.json``.
    """
    from .io.cvr import _Encoder, contest_candidates, read_source, sanitize
    from .io.cvr import ess as ess_reader
    from .rctab.config import ContestConfig, load_config

    if not isinstance(config, ContestConfig):
        config = load_config(config)
    if name is None:
        stem = Path(config.path).name if config.path else "contest"
        name = re.sub(r"_config\.json$|\.json$", "", stem)
    con, staging = _prepare(name, replace)
    try:
        candidates = list(contest_candidates(config))
        ranks = config.rules.max_rankings
        acc = _Accumulator(staging, candidates, ranks)
        inputs = [{"path": str(config.path), "sha256": file_sha256(config.path)}] if config.path else []
        for index, source in enumerate(config.sources):
            if not Path(source.file_path).exists():
                raise BallotError("cast vote record file or folder not found", file=str(source.file_path))
            inputs.append({"path": str(source.file_path), "sha256": file_sha256(source.file_path)})
            if source.provider == "genericCsv":
                _stream_generic_source(acc, config, source, index)
                continue
            encoder = _Encoder(acc.candidates)
            encoder.index = acc.index
            encoder.tie_index = acc.tie_index
            if source.provider == "ess":
                stem = sanitize(Path(source.file_path).name)
                done = 0
                for block in ess_reader.blocks(config, source):
                    ids = [f"{stem}-{done + n}" for n in range(1, len(block.lines) + 1)]
                    _add_marks(
                        acc,
                        encoder,
                        ranks,
                        block.marks,
                        ids,
                        block.precincts,
                        block.batches,
                        index,
                        str(source.file_path),
                    )
                    done += len(block.lines)
            else:
                cvrs = list(read_source(config, source, index))
                _add_marks(
                    acc,
                    encoder,
                    ranks,
                    [c.marks for c in cvrs],
                    [c.ballot_id for c in cvrs],
                    [c.precinct for c in cvrs],
                    [c.batch for c in cvrs],
                    index,
                    str(source.file_path),
                )
        choices, weights, _ = acc.finish(staging)
        return _commit(
            con,
            name,
            staging,
            acc.candidates,
            _ties(acc),
            choices,
            weights,
            inputs,
            config.output.contest_name,
            _config_rules(config),
        )
    except BaseException:
        if "acc" in locals():
            with contextlib.suppress(Exception):  # already failing; the staging folder goes anyway
                locals()["acc"].close()
        con.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _config_rules(config: Any) -> dict[str, Any]:
    """An RCTab config's rules as the import records them (read back by :func:`import_rules`)."""
    from .rctab.official import rctab_rules

    return rctab_rules(config).to_dict()


def import_rules(name: str) -> dict[str, Any] | None:
    """The rules recorded when ``name`` was imported: ``{"rule", "options", "origin",
    "seats"}`` (an RCTab config's rules), or None when the input stated none (a plain
    CSV, or an import made before rules were recorded).

    Raises :class:`~tally.errors.DataError` when the import has no readable catalogue entry.
    """
    folder = home() / "imports" / _check_name(name)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DataError(f"import {name!r} has no readable meta.json in {folder}") from None
    rules = meta.get("rules")
    return rules if isinstance(rules, dict) else None


def _add_marks(
    acc: _Accumulator,
    encoder,
    ranks: int,
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
    codes = np.array([r + (SKIPPED,) * (ranks - len(r)) for r in rows], dtype=CODE_DTYPE)
    acc.add(codes.reshape(len(rows), ranks), ids, precincts, batches, index)


# -- streaming CSV readers -------------------------------------------------------------------


def _csv_blocks(path: Path, skip_after_header: int = 0, int_columns: Iterable[int] = ()):
    """(header, first data line number, blocks of columns) of a CSV file.

    Columns are strings, except ``int_columns``, parsed as integers by Arrow (empty →
    null); a cell Arrow cannot parse raises ``pyarrow.ArrowInvalid`` while iterating.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header = _header(path)
    names = [f"c{i}" for i in range(len(header))]
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            block_size=_CHUNK_BYTES,
            column_names=names,
            skip_rows=1,
            skip_rows_after_names=skip_after_header,
            encoding="utf8",
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=False),
        convert_options=pacsv.ConvertOptions(
            column_types={
                n: (pa.int32() if i in set(int_columns) else pa.string()) for i, n in enumerate(names)
            },
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return header, 2 + skip_after_header, reader


def _strings(column) -> Any:
    import pyarrow.compute as pc

    return pc.utf8_trim_whitespace(column)


def _stream_generic_source(acc: _Accumulator, config, source, index: int) -> None:
    """Stream a generic CSV source; fall back to text parsing when Arrow cannot type it."""
    mark = acc.mark()
    try:
        _stream_generic(acc, config, source, index, typed=True)
    except _Untyped:
        acc.rewind(mark)
        _stream_generic(acc, config, source, index, typed=False)


_INT = re.compile(r"[+-]?[0-9]+")


def _rank(text: str, max_rank: int, file: str, line: int, field: str) -> int | None:
    """A rank cell as the generic CSV reader reads it (blank: None), or a located BallotError."""
    from .io.cvr import check_max_rankings

    if not text:
        return None
    if _INT.fullmatch(text) is None:
        raise BallotError(f"expected a rank number, got {text!r}", file=file, line=line, field=field)
    check_max_rankings(int(text), max_rank, file=file, line=line, field=field)
    return int(text)


def _header(path: Path) -> list[str]:
    """The header row's cells, read without reading the file whole (bad bytes: a BallotError)."""
    from .io._common import check_utf8, csv_rows
    from .io._table import first_line

    file = str(path)
    return next(iter(csv_rows(check_utf8(first_line(path, file), file))), (1, []))[1]


def _unreadable(path: Path, exc: Exception) -> BallotError:
    """The error for a CSV Arrow refused: the first bad line when a plain pass finds it."""
    from .io._common import read_bytes
    from .io._table import diagnose

    file = str(path)
    diagnose(read_bytes(path), file, ",", len(_header(path)))  # raises the located error when it finds one
    return BallotError(f"unreadable CSV: {' '.join(str(exc).split())}", file=file)


class _Untyped(Exception):
    """Arrow could not parse a rank column as integers; read it as text instead."""


def _batches(reader, path: Path, first_line: int, *, typed: bool = False) -> Iterator[tuple[int, int, Any]]:
    """(line of the first row, ballots before it, block) for each block of a CSV reader.

    A block Arrow cannot parse raises :class:`_Untyped` when ``typed`` (the caller reads
    the file again as text), else the located :class:`~tally.errors.BallotError`.
    """
    import pyarrow as pa

    count = 0
    while True:
        try:
            batch = reader.read_next_batch()
        except StopIteration:
            return
        except pa.ArrowInvalid as exc:
            if typed:
                raise _Untyped() from exc
            raise _unreadable(path, exc) from None
        yield first_line + count, count, batch
        count += batch.num_rows


def _stream_generic(acc: _Accumulator, config, source, index: int, typed: bool = True) -> None:
    """Stream an RCTab generic CSV (one column per candidate, cell = rank) into ``acc``.

    With ``typed``, Arrow's CSV parser reads the rank columns as integers (fast); a cell
    it cannot parse raises :class:`_Untyped` so the caller can start over reading text,
    which trims spaces and reports a bad cell by line and column.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from .io.cvr import CandidateLookup
    from .io.cvr.generic_csv import MISSING_BATCH, MISSING_PRECINCT

    path = Path(source.file_path)
    file = str(path)
    lookup = CandidateLookup(config, source)
    first_col = (source.first_vote_column_index or 1) - 1
    skip = max(0, (source.first_vote_row_index or 2) - 2)
    width = len(_header(path))
    typed_columns = range(first_col, width) if typed else ()
    try:
        header, first_line, reader = _csv_blocks(path, skip, typed_columns)
    except pa.ArrowInvalid as exc:  # opening the reader already parses the first block
        if typed:
            raise _Untyped() from exc
        raise _unreadable(path, exc) from None
    columns = []
    for col in range(first_col, len(header)):
        label = header[col].strip()
        name = lookup.resolve(label, line=1, field=f"column {col + 1}") if label else None
        if name is None:
            raise BallotError(
                "candidate column has no candidate header", file=file, line=1, field=f"column {col + 1}"
            )
        columns.append((col, acc.code(name)))
    max_rank = config.rules.max_rankings
    for line, count, batch in _batches(reader, path, first_line, typed=typed):
        n = batch.num_rows
        codes = np.full((n, max_rank), SKIPPED, dtype=CODE_DTYPE)
        hits = np.zeros((n, max_rank), dtype=np.int8)
        per_candidate = []
        for col, cand in columns:
            if typed:
                ranks = batch.column(col)
            else:
                text = _strings(batch.column(col))
                blank = pc.equal(text, "")
            try:
                if not typed:
                    ranks = pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), text), pa.int32())
            except pa.ArrowInvalid:
                # Arrow refuses "+1", which RCTab's Integer.parseInt (and the reader) take:
                # this block's column is parsed here instead, the first bad cell reported.
                ranks = pa.array(
                    [_rank(v, max_rank, file, line + i, header[col]) for i, v in enumerate(text.to_pylist())],
                    pa.int32(),
                )
            r, valid = _int_values(ranks)
            rows = np.flatnonzero(valid) if valid is not None else np.arange(n)
            if rows.size:
                rv = r[rows]
                bad = np.flatnonzero((rv < 1) | (rv > max_rank))
                if bad.size:
                    k = int(rows[bad[0]])
                    value = int(rv[bad[0]])
                    problem = (
                        f"rank {value} exceeds maxRankingsAllowed ({max_rank})"
                        if value > 0
                        else f"rank {value} is not a positive rank number"
                    )
                    raise BallotError(problem, file=file, line=line + k, field=header[col])
                taken = codes[rows, rv - 1] != SKIPPED
                if taken.any():
                    hits[rows[taken], rv[taken] - 1] = 1
                codes[rows, rv - 1] = cand
            per_candidate.append((cand, r))
        clash_rows, clash_ranks = np.nonzero(hits)
        for row, rank in zip(clash_rows.tolist(), clash_ranks.tolist()):
            # Several candidates given one rank: an overvote that names them.
            codes[row, rank] = tie_code(
                [cand for cand, r in per_candidate if r[row] == rank + 1], acc.tie_index
            )

        def text_column(col: int | None, missing: str | None, batch=batch):
            if col is None:
                return None
            values = _strings(batch.column(col))
            fill = pa.scalar(missing, pa.string())
            return pc.if_else(pc.equal(values, ""), fill, values)

        supplied = text_column(source.id_column_index - 1 if source.id_column_index else None, None)
        if supplied is None or supplied.null_count:
            # RCTab numbers the ballots that carry no id of their own.
            counter = pa.array(np.arange(count + 1, count + n + 1).astype(str))
            ids = counter if supplied is None else pc.coalesce(supplied, counter)
        else:
            ids = supplied
        precincts = text_column(
            source.precinct_column_index - 1 if source.precinct_column_index else None, MISSING_PRECINCT
        )
        batches = text_column(
            source.batch_column_index - 1 if source.batch_column_index else None, MISSING_BATCH
        )
        acc.add(codes, ids, precincts, batches, index)


def import_csv(
    path: str | Path,
    name: str,
    *,
    candidates: Sequence[str] | dict[str, str] | None = None,
    first_rank_column: int = 2,
    ranks: int | None = None,
    id_column: int | None = 1,
    precinct_column: int | None = None,
    batch_column: int | None = None,
    overvote_label: str | None = "overvote",
    skipped_label: str | None = "undervote",
    write_in_label: str | None = None,
    overvote_delimiter: str | None = None,
    replace: bool = False,
) -> ImportInfo:
    """Stream an ES&S-style CSV (one row per ballot, one column per rank) into the store.

    Parameters
    ----------
    path:
        The CSV file; the first line is a header.
    name:
        The import's name.
    candidates:
        Candidate names, or a mapping from each string found in the cells to a name
        (aliases). ``None`` takes the names as found, in order of first appearance.
    first_rank_column, ranks:
        1-based column of rank 1 and the number of rank columns (default: the rest).
    id_column, precinct_column, batch_column:
        1-based columns, or ``None``.
    overvote_label, skipped_label, write_in_label, overvote_delimiter:
        Cell texts meaning an overvote, no mark, an undeclared write-in, and the separator
        of several names in one cell.

    Raises
    ------
    BallotError
        A cell names no known candidate (when ``candidates`` is given), naming file and line.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    source_path = Path(path)
    if not source_path.exists():
        raise BallotError("cast vote record file not found", file=str(source_path))
    file = str(source_path)
    if isinstance(candidates, dict):
        aliases = dict(candidates)
        names = list(dict.fromkeys(aliases.values()))
    elif candidates is not None:
        names = list(candidates)
        aliases = {n: n for n in names}
    else:
        names, aliases = [], None
    con, staging = _prepare(name, replace)
    acc = None
    try:
        try:
            header, first_line, reader = _csv_blocks(source_path)
        except pa.ArrowInvalid as exc:
            raise _unreadable(source_path, exc) from None
        first = first_rank_column - 1
        n_ranks = ranks if ranks is not None else len(header) - first
        if n_ranks < 1 or first + n_ranks > len(header):
            raise ConfigError(
                f"rank columns {first + 1}..{first + n_ranks} are outside the {len(header)} columns"
            )
        for what, column in (("id", id_column), ("precinct", precinct_column), ("batch", batch_column)):
            if column is not None and not 1 <= column <= len(header):
                raise ConfigError(f"the {what} column {column} is outside the {len(header)} columns")
        acc = _Accumulator(staging, names, n_ranks)
        resolved: dict[str, int] = {}

        def resolve(text: str, line: int, rank: int) -> int:
            """The code of one cell's text: its parts become a CVR mark, coded as every reader codes one."""
            field = header[first + rank]
            parts = [p.strip() for p in text.split(overvote_delimiter)] if overvote_delimiter else [text]
            mark = []
            for part in parts:
                if part == "" or part == skipped_label:
                    if len(parts) > 1:
                        raise BallotError(
                            f"cell {text!r} splits into a blank part", file=file, line=line, field=field
                        )
                elif part == overvote_label:
                    mark.append(OVERVOTE_MARK)
                elif write_in_label is not None and part == write_in_label:
                    acc.code(UWI_NAME)  # joins the candidates when first met
                    mark.append(UWI_NAME)
                elif aliases is None:
                    if part not in acc.index:
                        acc.index[part] = len(acc.candidates)
                        acc.candidates.append(part)
                    mark.append(part)
                elif part in aliases:
                    mark.append(aliases[part])
                else:
                    raise BallotError(f"unrecognised candidate {part!r}", file=file, line=line, field=field)
            code = resolved[text] = mark_code(
                tuple(mark),
                acc.index,
                acc.tie_index,
                ballot_id=f"on line {line}",
                rank=rank + 1,
                file=file,
                line=line,
            )
            return code

        for line, count, batch in _batches(reader, source_path, first_line):
            n = batch.num_rows
            codes = np.empty((n, n_ranks), dtype=CODE_DTYPE)
            for r in range(n_ranks):
                encoded = pc.dictionary_encode(_strings(batch.column(first + r)))
                dictionary = encoded.dictionary.to_pylist()
                indices = as_numpy(encoded.indices)
                lookup = np.empty(len(dictionary), dtype=CODE_DTYPE)
                for k, text in enumerate(dictionary):
                    if text not in resolved:
                        resolve(text, line + int(np.flatnonzero(indices == k)[0]), r)
                    lookup[k] = resolved[text]
                codes[:, r] = lookup[indices]
            ids = (
                _strings(batch.column(id_column - 1))
                if id_column
                else pa.array(np.arange(count + 1, count + n + 1).astype(str))
            )
            precincts = _strings(batch.column(precinct_column - 1)) if precinct_column else None
            batches = _strings(batch.column(batch_column - 1)) if batch_column else None
            acc.add(codes, ids, precincts, batches, 0)
        choices, weights, _ = acc.finish(staging)
        return _commit(
            con,
            name,
            staging,
            acc.candidates,
            _ties(acc),
            choices,
            weights,
            [{"path": file, "sha256": file_sha256(source_path)}],
            source_path.stem,
        )
    except BaseException:
        if acc is not None:
            with contextlib.suppress(Exception):  # already failing; the staging folder goes anyway
                acc.close()
        con.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise


# -- reading back ------------------------------------------------------------------------------


def _info(row: tuple) -> ImportInfo:
    name, sha, inputs, created, rows, ballots, candidates, _ties_json, ranks, title, folder = row
    return ImportInfo(
        name=name,
        sha256=sha,
        inputs=tuple(json.loads(inputs)),
        created=created,
        rows=int(rows),
        ballots=float(ballots),
        candidates=tuple(json.loads(candidates)),
        ranks=int(ranks),
        title=title,
        folder=Path(folder),
    )


def has_import(name: str) -> bool:
    """Whether the store holds an import called ``name`` (looked up without creating a store)."""
    try:
        _check_name(name)
    except ConfigError:
        return False
    return (home() / "imports" / name / "meta.json").is_file()


def list_imports() -> list[ImportInfo]:
    """Every import in the store, by name."""
    con = connect()
    try:
        return [_info(r) for r in con.execute("SELECT * FROM imports ORDER BY name").fetchall()]
    finally:
        con.close()


def get_import(name: str) -> ImportInfo:
    """One import's catalogue entry, or a :class:`~tally.errors.DataError`."""
    con = connect()
    try:
        row = con.execute("SELECT * FROM imports WHERE name = ?", [name]).fetchone()
    finally:
        con.close()
    if row is None:
        known = ", ".join(i.name for i in list_imports()) or "none"
        raise DataError(f"no import named {name!r} in {home()} (imports: {known})")
    return _info(row)


@dataclass(frozen=True)
class _Meta:
    folder: Path
    candidates: tuple[str, ...]
    ranks: int
    title: str | None
    sha256: str


def load_ballots(name: str, *, provenance: bool = False) -> RankedBallots:
    """An import's ballots, merged as stored; with ``provenance=True``, per-ballot records too."""
    folder = home() / "imports" / _check_name(name)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        get_import(name)  # raises with the list of known imports
        raise DataError(f"import {name!r} has no readable meta.json in {folder}") from None
    try:
        return _load(name, folder, meta, provenance)
    except (OSError, KeyError, TypeError, ValueError) as exc:  # pyarrow's errors derive from these
        raise DataError(
            f"import {name!r} in {folder} is damaged ({type(exc).__name__}: {exc}); "
            "import it again with replace"
        ) from None


def _load(name: str, folder: Path, meta: dict, provenance: bool) -> RankedBallots:
    import pyarrow.parquet as pq

    info = _Meta(folder, tuple(meta["candidates"]), int(meta["ranks"]), meta.get("title"), meta["sha256"])
    ties = [frozenset(t) for t in meta["tie_sets"]]
    table = pq.read_table(info.folder / "ballots.parquet")
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

        records = pa.concat_tables([pq.read_table(p) for p in parts])
    else:
        records = None
    if records is not None and records.num_rows:
        group_rows = as_numpy(pq.read_table(info.folder / "group_rows.parquet").column("row"))
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
    """Delete an import and its files."""
    info = get_import(name)
    con = connect()
    try:
        con.execute("DELETE FROM imports WHERE name = ?", [name])
        for part in ("ballots", "provenance"):
            view = f"{name}/{part}".replace('"', '""')
            con.execute(f'DROP VIEW IF EXISTS "{view}"')
    finally:
        con.close()
    shutil.rmtree(info.folder, ignore_errors=True)
