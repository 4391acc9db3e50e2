"""Which bundled ranked elections fail a voting criterion: flags for the catalogue.

Searching every paradox of every election takes seconds, too long for ``tally data
list`` or the web catalogue, so the flags are computed once and committed in
``rcv-flags.json`` beside this module; a test recomputes them from the ballots and
compares. After adding a ranked dataset or changing the searches, write them again::

    python -m tests.rcv_flags --write

A dataset's flags are the names of the criteria (see :mod:`tally.analysis.criteria`)
its outcome fails under its official rule and options; ``condorcet_winner`` means the
Condorcet winner was not elected.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from . import DATA_DIR

__all__ = ["FLAGS_FILE", "committed", "flagged", "flags"]

FLAGS_FILE = DATA_DIR / "rcv-flags.json"


@functools.lru_cache(maxsize=1)
def committed() -> dict[str, dict[str, Any]]:
    """The committed file: ``{dataset id: {"rule", "flags"}}``."""
    try:
        return dict(json.loads(FLAGS_FILE.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}


def flags(dataset_id: str) -> tuple[str, ...]:
    """The criteria a bundled dataset's outcome fails (empty when none, or not ranked)."""
    return tuple(committed().get(dataset_id, {}).get("flags", ()))


def flagged() -> dict[str, tuple[str, ...]]:
    """Every dataset with at least one flag, and its flags."""
    return {k: tuple(v["flags"]) for k, v in committed().items() if v["flags"]}
