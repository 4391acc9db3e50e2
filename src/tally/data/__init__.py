"""Bundled real election data, addressable by id.

Each dataset lives in its own folder under this package with the files as published,
the source README (where it came from, licence, pitfalls) and a loader. Modules here
register datasets with :func:`register`; ``tally data list`` shows them and any command
that takes a SOURCE accepts a dataset id where it accepts a file path.

>>> from tally import data
>>> "burlington-2009" in [d.id for d in data.datasets()]
True
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError

__all__ = ["DATA_DIR", "Dataset", "datasets", "get", "load", "register", "resolve", "resolve_contest"]

DATA_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Dataset:
    """One bundled dataset: what it is, where its files are and how to load it."""

    id: str
    title: str
    kind: str  # ranked | approval | score | tallies | contest
    folder: str  # folder under tally/data holding the files and README.md
    loader: Callable[[], Any]
    licence: str
    source: str
    tags: tuple[str, ...] = ()
    description: str = ""
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return DATA_DIR / self.folder

    @property
    def readme(self) -> Path:
        return self.path / "README.md"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "licence": self.licence,
            "source": self.source,
            "tags": list(self.tags),
            "description": self.description,
            "folder": self.folder,
        }


_DATASETS: dict[str, Dataset] = {}
_MODULES = ("ranked", "us", "uk", "parliaments")


def register(dataset: Dataset) -> Dataset:
    """Add ``dataset`` to the catalogue (the loader modules call this on import).

    Raises ValueError when another dataset already has the id.
    """
    if dataset.id in _DATASETS and _DATASETS[dataset.id] != dataset:
        raise ValueError(f"dataset id {dataset.id!r} registered twice")
    _DATASETS[dataset.id] = dataset
    return dataset


_loaded = False


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _MODULES:
        try:
            importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module}":
                raise


def datasets() -> tuple[Dataset, ...]:
    """Every bundled dataset, sorted by id."""
    _load_all()
    return tuple(sorted(_DATASETS.values(), key=lambda d: d.id))


def exists(dataset_id: str) -> bool:
    """Whether ``dataset_id`` names a bundled dataset."""
    _load_all()
    return dataset_id in _DATASETS


def get(dataset_id: str) -> Dataset:
    """The catalogue entry of ``dataset_id``; :class:`DataError` naming the known ids if none."""
    _load_all()
    if dataset_id not in _DATASETS:
        known = ", ".join(sorted(_DATASETS))
        raise DataError(f"no bundled dataset {dataset_id!r}; known datasets: {known}")
    return _DATASETS[dataset_id]


def load(dataset_id: str) -> Any:
    """The ballots, tallies or contest of a bundled dataset.

    Loaded once per process and shared (ballots are immutable values; do not write into
    their arrays).
    """
    get(dataset_id)
    return _load_cached(dataset_id)


@functools.lru_cache(maxsize=32)
def _load_cached(dataset_id: str) -> Any:
    return _DATASETS[dataset_id].loader()


def resolve_contest(source: str, *, format: str | None = None, files: bool = True) -> Any:
    """The :class:`~tally.contest.Contest` a SOURCE names, carrying the rules it was
    officially counted under: the one function every interface resolves a SOURCE with.

    See :func:`tally.data.sources.resolve_contest` (files, RCTab configs and their
    sidecar rules, bundled datasets, store imports).

    >>> resolve_contest("burlington-2009").official.rule
    'irv'
    """
    from .sources import resolve_contest as _resolve_contest

    return _resolve_contest(source, format=format, files=files)


def resolve(source: str, *, format: str | None = None, **options: Any) -> Any:
    """The ballots of a SOURCE as the CLI takes it: an existing file path, else a bundled
    dataset id, else the name of a CVR imported into the store (``tally import``).
    :func:`resolve_contest` gives the contest with its official rules."""
    if not source.strip():
        # Path("") is the current folder, which exists: say what is missing instead
        raise DataError("no SOURCE given: name a ballot file or a bundled dataset id (see `tally data list`)")
    path = Path(source)
    if path.exists():
        from ..io import read

        return read(str(path), format=format, **options)
    _load_all()
    if source in _DATASETS:
        return load(source)
    from .. import store

    if store.has_import(source):
        return store.load_ballots(source)
    raise DataError(
        f"{source!r} is neither a file, a bundled dataset id (`tally data list`) nor an import "
        "of the store (`tally store list`)"
    )
