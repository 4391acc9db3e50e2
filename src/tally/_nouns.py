"""What the ballot nouns share: weights and counts checked as exact, and a replace for them.

Counts are 64-bit floats, exact only while their total stays below 2**53; every noun's
constructor checks its weights or votes here, so the bound is stated once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar, cast

import numpy as np

from .errors import BallotError
from .limits import EXACT_TOTAL

__all__ = ["as_weights", "check_counts", "replace_fields"]

_Noun = TypeVar("_Noun")


def as_weights(weights: Any, rows: int) -> np.ndarray:
    if weights is None:
        return np.ones(rows, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (rows,):
        raise BallotError(f"expected {rows} weights, got shape {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        bad = int(np.flatnonzero(~np.isfinite(w) | (w < 0))[0])
        raise BallotError(f"ballot row {bad + 1} has invalid weight {w[bad]!r}")
    check_counts(w, None)
    return w


def check_counts(
    counts: np.ndarray, source: str | None, *, attributes: Mapping[str, Any] | None = None
) -> None:
    """Counts are 64-bit floats, exact only while their total stays below 2**53 (readers
    check each count as written; see :mod:`tally.io._common`). Electoral votes are whole
    and non-negative (seats are checked by the rules that allocate them, naming the area)."""
    if counts.size and float(counts.sum()) >= EXACT_TOTAL:
        raise BallotError(
            f"the counts add up to {float(counts.sum()):.17g}, not below 2**53, the bound of exact counting",
            file=source,
        )
    for value in (attributes or {}).get("electoral_votes", ()):
        text = value.strip() if isinstance(value, str) else None
        whole = (
            (text is not None and text.isascii() and text.isdigit())
            or isinstance(value, int | np.integer)
            or (isinstance(value, float) and value.is_integer())
        )
        if value is not None and (isinstance(value, bool) or not whole or (text is None and value < 0)):
            raise BallotError(f"electoral_votes {value!r} is not a whole non-negative number", file=source)


def replace_fields(noun: _Noun, **changes: Any) -> _Noun:
    """dataclasses.replace for the frozen nouns, whose init=False fields it leaves out."""
    values = {f.name: getattr(noun, f.name) for f in dataclasses.fields(cast(Any, noun)) if f.init}
    values.update(changes)
    return type(noun)(**values)
