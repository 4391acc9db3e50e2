"""The store's catalogue and how writers change it: one lock, staging, an atomic commit.

The store (``tally.store.home()``) holds::

    catalogue.json          what is imported: name → entry (folder, inputs, sizes, ...)
    imports/<name>@<gen>/   one committed import's files, never changed once committed
    staging/<pid>-<token>/  an import being written
    store.lock              the writers' lock (its owner's pid in store.lock.owner)
    tally.duckdb            SQL views over the imports, brought up to date by ``connect()``

**Readers** never lock: ``catalogue.json`` is replaced whole with :func:`os.replace`, so a
reader sees the old catalogue or the new one, and a committed folder is never written
again. A reader that finds its folder gone (a writer replaced the import in between)
reads the catalogue again (:func:`load_with_retry`).

**Writers** (import, replace, remove) hold ``store.lock`` for their whole run; another
writer waits up to ``TALLY_STORE_WAIT`` seconds (:mod:`tally.limits`), then stops with
:class:`~tally.errors.StoreBusy` naming the process that holds it. A writer builds the
new import in ``staging/``, moves it to a new ``imports/<name>@<gen>`` folder, and only
then commits by replacing ``catalogue.json``; the old folder is removed after. A process
killed at any point thus leaves the old import or the new one in the catalogue, never
neither; what it leaves behind (staging, an uncommitted or superseded folder) is removed
by the next writer, or by the next reader that finds the lock free (:func:`tidy`).

For tests, ``TALLY_STORE_PAUSE_AT=<step>`` makes a writer stop at that step (printing
``paused at <step>`` on stderr) until it is killed; the steps are :data:`STEPS`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import limits
from .errors import DataError, StoreBusy

__all__ = [
    "STEPS",
    "Catalogue",
    "ImportInfo",
    "Writer",
    "checkpoint",
    "file_sha256",
    "import_info",
    "load_with_retry",
    "read_catalogue",
    "tidy",
    "writing",
]

STEPS = ("locked", "staging", "block", "staged", "moved", "committed", "cleaned")
"""Where a writer may be stopped for a test: lock held; staging folder made; a first block
of ballots written; every file written in staging; staging moved to its final folder;
catalogue replaced; the replaced folder removed."""

CATALOGUE = "catalogue.json"
_VERSION = 1

T = TypeVar("T")


def checkpoint(step: str) -> None:
    """Stop here, until killed, when ``TALLY_STORE_PAUSE_AT`` names this step (tests only)."""
    if os.environ.get("TALLY_STORE_PAUSE_AT") == step:
        print(f"paused at {step}", file=sys.stderr, flush=True)
        while True:
            time.sleep(60)


# -- the catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """The committed imports: name → entry, and a generation that grows with every commit."""

    generation: int = 0
    imports: dict[str, dict[str, Any]] = field(default_factory=dict)

    def folder(self, home: Path, name: str) -> Path:
        return home / self.imports[name]["folder"]

    def to_json(self) -> str:
        return json.dumps(
            {"version": _VERSION, "generation": self.generation, "imports": self.imports}, indent=1
        )


_CACHE: dict[Path, tuple[tuple[int, int, int], Catalogue]] = {}


def read_catalogue(home: Path) -> Catalogue:
    """The committed catalogue (empty when the store has none); read again only when it changed."""
    path = home / CATALOGUE
    try:
        stat = path.stat()
    except FileNotFoundError:
        if not ((home / "imports").is_dir() or (home / "staging").is_dir()):
            return Catalogue()
        tidy(home, Catalogue())  # a store from before the catalogue, or a first import killed
        if not path.exists():
            return Catalogue()
        stat = path.stat()
    key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    catalogue = _read_uncached(home)
    _CACHE[path] = (key, catalogue)
    tidy(home, catalogue)
    return catalogue


def _write_catalogue(home: Path, catalogue: Catalogue) -> None:
    """Replace ``catalogue.json`` in one step, durable before it becomes visible."""
    tmp = home / f".{CATALOGUE}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(catalogue.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, home / CATALOGUE)
    _fsync_dir(home)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(folder: Path) -> None:
    for path in folder.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    _fsync_dir(folder)


def load_with_retry(home: Path, load: Callable[[Catalogue], T], attempts: int = 5) -> T:
    """``load(catalogue)``, read again when a writer replaced the import in between.

    A committed folder is removed only after a newer catalogue is in place, so a reader
    whose files vanished finds the newer catalogue on its next look.
    """
    for attempt in range(attempts):
        catalogue = read_catalogue(home)
        try:
            return load(catalogue)
        except FileNotFoundError:
            if attempt == attempts - 1 or read_catalogue(home).generation == catalogue.generation:
                raise
    raise AssertionError("unreachable")


# -- writers ----------------------------------------------------------------------------------


@dataclass
class Writer:
    """A writer holding the lock: its staging folder and the catalogue it started from."""

    home: Path
    staging: Path
    catalogue: Catalogue

    def commit(self, name: str, entry: dict[str, Any]) -> Path:
        """Make the staged import ``name`` the committed one, replacing any older import."""
        checkpoint("staged")
        _fsync_tree(self.staging)
        generation = self.catalogue.generation + 1
        imports = self.home / "imports"
        imports.mkdir(exist_ok=True)
        folder = imports / f"{name}@{generation}"
        os.rename(self.staging, folder)
        _fsync_dir(imports)
        checkpoint("moved")
        self._replace(name, {**entry, "folder": folder.relative_to(self.home).as_posix()}, generation)
        return folder

    def remove(self, name: str) -> None:
        """Take ``name`` out of the catalogue, then remove its files."""
        self._replace(name, None, self.catalogue.generation + 1)

    def _replace(self, name: str, entry: dict[str, Any] | None, generation: int) -> None:
        old = self.catalogue.imports.get(name)
        imports = dict(self.catalogue.imports)
        if entry is None:
            imports.pop(name, None)
        else:
            imports[name] = entry
        catalogue = Catalogue(generation, imports)
        _write_catalogue(self.home, catalogue)
        self.catalogue = catalogue
        checkpoint("committed")
        if old is not None:
            shutil.rmtree(self.home / old["folder"], ignore_errors=True)
        checkpoint("cleaned")


@contextlib.contextmanager
def writing(home: Path) -> Iterator[Writer]:
    """Hold the writers' lock and a fresh staging folder; the staging goes whatever happens.

    Raises :class:`StoreBusy` when another writer keeps the lock past ``store_wait``.
    """
    from filelock import FileLock, Timeout

    home.mkdir(parents=True, exist_ok=True)
    wait = limits.current().store_wait
    lock = FileLock(home / "store.lock")
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise StoreBusy(
            f"the store in {home} is busy: {_owner(home)} is writing it (an import or a removal); "
            f"waited {wait:g} s. Try again when it is done (set {limits.env_name('store_wait')} to wait longer)"
        ) from None
    try:
        (home / "store.lock.owner").write_text(f"{os.getpid()}\n", encoding="utf-8")
        checkpoint("locked")
        _recover(home, _read_uncached(home))
        catalogue = _read_uncached(home)
        staging = home / "staging" / f"{os.getpid()}-{secrets.token_hex(4)}"
        staging.mkdir(parents=True)
        checkpoint("staging")
        try:
            yield Writer(home, staging, catalogue)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        lock.release()


def _owner(home: Path) -> str:
    try:
        pid = int((home / "store.lock.owner").read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return "another process"
    return f"process {pid}"


# -- recovery -----------------------------------------------------------------------------------


def _debris(home: Path, catalogue: Catalogue) -> list[Path]:
    """What a killed writer may have left: staging folders, uncommitted or superseded import
    folders, and the staging folders of older versions (``imports/<name>.partial``)."""
    found: list[Path] = []
    staging = home / "staging"
    if staging.is_dir():
        found += list(staging.iterdir())
    imports = home / "imports"
    if imports.is_dir():
        committed = {Path(e["folder"]).name for e in catalogue.imports.values()}
        for child in imports.iterdir():
            if ("@" in child.name or child.name.endswith(".partial")) and child.name not in committed:
                found.append(child)
    found += list(home.glob(f".{CATALOGUE}.*.tmp"))
    return found


def _recover(home: Path, catalogue: Catalogue) -> None:
    """Under the lock: adopt a store written before the catalogue existed, remove debris."""
    if not (home / CATALOGUE).exists():
        catalogue = _adopt_legacy(home) if (home / "imports").is_dir() else Catalogue()
        _write_catalogue(home, catalogue)
    for path in _debris(home, catalogue):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def tidy(home: Path, catalogue: Catalogue | None = None) -> None:
    """Remove what killed writers left, when no writer is at work (a reader never waits)."""
    from filelock import FileLock, Timeout

    catalogue = catalogue if catalogue is not None else read_catalogue(home)
    if not _debris(home, catalogue) and (home / CATALOGUE).exists():
        return
    lock = FileLock(home / "store.lock")
    try:
        lock.acquire(timeout=0)
    except (Timeout, OSError):
        return  # a writer is at work; it tidies up itself
    try:
        _recover(home, _read_uncached(home))
    finally:
        lock.release()


def _read_uncached(home: Path) -> Catalogue:
    path = home / CATALOGUE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Catalogue(int(data["generation"]), dict(data["imports"]))
    except FileNotFoundError:
        return Catalogue()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"the store's catalogue {path} is unreadable ({exc}); restore it or remove the store"
        ) from None


def _adopt_legacy(home: Path) -> Catalogue:
    """Imports written before the catalogue (``imports/<name>/`` with ``meta.json``)."""
    import datetime as dt

    import pyarrow.parquet as pq

    imports: dict[str, dict[str, Any]] = {}
    for folder in sorted((home / "imports").iterdir()):
        meta_path = folder / "meta.json"
        if "@" in folder.name or folder.name.endswith(".partial") or not meta_path.is_file():
            continue
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            table = pq.read_table(folder / "ballots.parquet", columns=["weight"])
        except (OSError, ValueError) as exc:
            print(f"tally: left {folder} out of the catalogue: {exc}", file=sys.stderr)
            continue
        imports[folder.name] = {
            "sha256": meta["sha256"],
            "inputs": [],
            "created": dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC)
            .replace(tzinfo=None, microsecond=0)
            .isoformat(),
            "rows": table.num_rows,
            "ballots": float(sum(table.column("weight").to_pylist())),
            "candidates": meta["candidates"],
            "tie_sets": meta["tie_sets"],
            "ranks": meta["ranks"],
            "title": meta.get("title"),
            "rules": meta.get("rules"),
            "folder": folder.relative_to(home).as_posix(),
        }
    return Catalogue(1, imports)


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


def import_info(home: Path, name: str, entry: Mapping[str, Any]) -> ImportInfo:
    """The :class:`ImportInfo` of the catalogue entry of import ``name``."""
    return ImportInfo(
        name=name,
        sha256=entry["sha256"],
        inputs=tuple(entry["inputs"]),
        created=_dt.datetime.fromisoformat(entry["created"]),
        rows=int(entry["rows"]),
        ballots=float(entry["ballots"]),
        candidates=tuple(entry["candidates"]),
        ranks=int(entry["ranks"]),
        title=entry.get("title"),
        folder=home / entry["folder"],
    )


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
