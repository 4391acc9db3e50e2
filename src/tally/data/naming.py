"""Display names of the bundled datasets: people and parties as people say them.

Each dataset folder holds a names table, ``names.csv``, with one row per name its files
spell::

    raw,display,how,note
    "GORE, AL",Al Gore,auto,
    "DOLE, ROBERT",Bob Dole,checked,the name he ran under

``raw`` is the name as the source spells it, ``display`` the name every command, the API,
the web app and the reports show, ``how`` where the display name comes from (``auto``:
the source's "SURNAME, GIVEN" turned round and capitalised by rule; ``from the data``: a
fuller name the source itself gives, such as the House of Commons Library's party names;
``checked``: written by hand and checked; ``as published``: shown as the source spells
it). The tables are built from the data by :mod:`tally.data.naming_build`, which never
guesses: a name its rules cannot turn round safely needs a checked row.

:func:`apply` renames a dataset's ballots or tallies when it is loaded
(:func:`tally.data.load`) and keeps each source spelling in the metadata under
:data:`tally.names.RAW_NAMES`, so "GORE, AL" is still accepted wherever a candidate is
named (:func:`tally.names.find_candidate`).

>>> from tally import data
>>> data.load("us-president-2000").candidates[:2]
('Al Gore', 'George W. Bush')
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from collections.abc import Mapping
from typing import Any

from ..ballots import RankedBallots, ScoredBallots, Tallies
from ..errors import DataError
from ..names import RAW_NAMES
from . import DATA_DIR

__all__ = ["COLUMNS", "NAMES_FILE", "apply", "rows", "table"]

NAMES_FILE = "names.csv"
COLUMNS = ("raw", "display", "how", "note")

# metadata entries that hold candidate or party names (a list of them, or a dict keyed by them)
_NAME_LISTS = ("pseudo_candidates", "non_party")
_NAME_KEYS = ("official_results",)


def rows(folder: str) -> list[dict[str, str]]:
    """The rows of a folder's names table, as written (empty when it has none).

    Raises
    ------
    DataError
        The table is not a CSV with the columns of :data:`COLUMNS`.
    """
    path = DATA_DIR / folder / NAMES_FILE
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise DataError(f"{folder}/{NAMES_FILE}: the header must be {','.join(COLUMNS)}")
        return list(reader)


@functools.cache
def table(folder: str) -> dict[str, str]:
    """``{name as the source spells it: display name}`` of a dataset folder, for the names
    shown differently from their source."""
    return {r["raw"]: r["display"] for r in rows(folder) if r["display"] != r["raw"]}


def apply(loaded: Any, names: Mapping[str, str], where: str = "") -> Any:
    """``loaded`` (ballots or tallies) with its candidates and parties shown by their
    display names.

    Parameters
    ----------
    loaded:
        RankedBallots, ScoredBallots or Tallies (anything else is returned unchanged).
    names:
        ``{source spelling: display name}`` (:func:`table`).
    where:
        The dataset, for messages.

    Returns
    -------
    The same kind of object: candidates renamed; for tallies also the parties, the
    district tallies of ``metadata["districts"]``, the names in ``metadata`` lists and
    the area attribute ``winner``; ``metadata[RAW_NAMES]`` maps each display name shown
    differently to the source's spelling.

    Raises
    ------
    DataError
        Two names of one dataset would be shown alike.
    """
    if not isinstance(loaded, (RankedBallots, ScoredBallots, Tallies)) or not names:
        return loaded
    shown = tuple(names.get(c, c) for c in loaded.candidates)
    if len(set(shown)) != len(shown):
        twice = sorted({s for s in shown if shown.count(s) > 1})
        raw = [c for c, s in zip(loaded.candidates, shown) if s in twice]
        raise DataError(f"{where}: the names table shows {', '.join(raw)} alike as {', '.join(twice)}")
    renamed = {s: c for c, s in zip(loaded.candidates, shown) if s != c}
    if not renamed:
        return loaded
    metadata = dict(loaded.metadata)
    metadata[RAW_NAMES] = {**dict(metadata.get(RAW_NAMES) or {}), **renamed}
    for key in _NAME_LISTS:
        if key in metadata:
            metadata[key] = tuple(names.get(n, n) for n in metadata[key])
    for key in _NAME_KEYS:
        if isinstance(metadata.get(key), Mapping):
            metadata[key] = {names.get(n, n): v for n, v in metadata[key].items()}
    changes: dict[str, Any] = {"candidates": shown, "metadata": metadata}
    if isinstance(loaded, Tallies):
        if isinstance(metadata.get("districts"), Tallies):
            metadata["districts"] = apply(metadata["districts"], names, where)
        changes["parties"] = {names.get(c, c): names.get(p, p) for c, p in loaded.parties.items()}
        if "winner" in loaded.attributes:
            attributes = dict(loaded.attributes)
            attributes["winner"] = tuple(names.get(w, w) for w in attributes["winner"])
            changes["attributes"] = attributes
    return dataclasses.replace(loaded, **changes)
