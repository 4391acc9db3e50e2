"""The counts of a chunk of elections, as floats and multiplied by tables of points.

Counting a chunk on the profile form is mostly products ``counts @ table``: first
choices, pairwise support, a rule's points, a runoff's tally under each set of
eliminated candidates. Every one of them multiplies the same counts, and every chunk of
a run asks for the same tables (the rankings and the rules do not change), so the tables
asked for on one chunk are multiplied on the next in a single product, which a BLAS
computes several times faster than many thin ones. The answers are exact, whatever
order the products sum in (see :func:`exact_product`), so they are the same either way.

What is kept here is kept per thread, while :func:`counting` (a run of chunks) lasts.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

__all__ = ["as_float", "counting", "exact_product", "most_voters", "voters"]


@dataclass
class _Kept:
    """What this thread keeps while it counts a run of chunks: float copies of the counts,
    the voters of each election, and the tables of points asked for, whose columns are
    multiplied by the next counts all at once."""

    floats: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    voters: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    counts: np.ndarray | None = None  # the counts being counted now
    asked: dict[bytes, np.ndarray] = field(default_factory=dict)  # tables asked for with them
    columns: np.ndarray | None = None  # the distinct non-zero columns of those asked before
    rows: dict[bytes, np.ndarray] = field(default_factory=dict)  # each such table's columns
    product: np.ndarray | None = None  # columns.T @ counts.T, and a row of zeros
    depth: int = 0  # runs of chunks open (:func:`counting`)


_LOCAL = threading.local()


def _kept() -> _Kept:
    if not hasattr(_LOCAL, "kept"):
        _LOCAL.kept = _Kept()
    return _LOCAL.kept  # type: ignore[no-any-return]


def as_float(counts: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """``counts`` as a C-contiguous float array, converted once and reused while the same
    array is being counted (every rule and metric of a chunk reads the same counts).

    A copy made here stands for its source: asking for another dtype of it converts
    the source again only if that dtype was never made.
    """
    floats = _kept().floats
    source = _source(counts)
    for known, made in floats:
        if known is source and made.dtype == dtype:
            return made
    made = np.ascontiguousarray(source, dtype=dtype)
    floats.append((source, made))
    del floats[:-4]
    return made


def _source(counts: np.ndarray) -> np.ndarray:
    """The array a float copy of :func:`as_float` was made from (else ``counts``)."""
    return next((source for source, made in _kept().floats if made is counts), counts)


def voters(counts: np.ndarray) -> np.ndarray:
    """The voters in each election (row of ``counts``) as float64, summed once while the
    same array is being counted."""
    kept = _kept().voters
    source = _source(counts)
    for known, total in kept:
        if known is source:
            return total
    # whole numbers: summed in their own type (exact, and faster), then widened
    total = source.sum(axis=1).astype(np.float64)
    kept.append((source, total))
    del kept[:-4]
    return total


def most_voters(counts: np.ndarray) -> float:
    """The most voters in any election (0 when there is none)."""
    total = voters(counts)
    return float(total.max()) if total.size else 0.0


LEARN_CELLS = 8_000_000  # elections x columns of the one product of known tables (32 MB)


def exact_product(counts: np.ndarray, table: np.ndarray, *, wide: bool = True) -> np.ndarray:
    """``counts @ table`` for whole-number ``counts`` (E, m) and a ``table`` (m, k) of
    whole or half numbers, as an (E, k) float64 array (``wide``) or float32 when it
    holds the numbers exactly.

    Every partial sum is then a whole or half number, so the product is exact whatever
    order it sums in; it is computed in float32 (half the memory to read) when every
    sum fits float32's 24-bit significand. The result is laid out candidate-major, (k,
    E) in memory and returned as its transposed view, so reductions over the k columns
    of each election run along long contiguous rows: NumPy reduces a short last axis
    ten times slower.

    Tables asked for with the previous counts are multiplied by new counts all at once,
    when the first of them is asked for again (see the module's notes).

    Examples
    --------
    >>> counts = np.array([[3, 0, 2], [1, 4, 0]])
    >>> exact_product(counts, np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])).tolist()
    [[4.0, 1.0], [1.0, 4.0]]
    """
    kept = _kept()
    source = _source(counts)
    key = repr(table.shape).encode() + np.ascontiguousarray(table, dtype=np.float64).tobytes()
    if kept.counts is not source:
        _learn(kept, source)
    kept.asked[key] = table
    if key in kept.rows:
        if kept.product is None:
            assert kept.columns is not None
            kept.product = _multiply(source, kept.columns, zero_rows=1)
        rows = kept.product[kept.rows[key]]
    else:
        rows = _multiply(source, table)
    return (rows.astype(np.float64) if wide else rows).T


def _learn(kept: _Kept, counts: np.ndarray) -> None:
    """Start on new counts: the tables asked for with the previous ones are to be
    multiplied together, when one of them is asked for again.

    Their columns are multiplied once each, however many tables hold them (striking a
    candidate or eliminating one gives the same columns), and a column of zeros not at
    all; as many tables as fit in :data:`LEARN_CELLS`.
    """
    elections, orders = counts.shape
    distinct: dict[bytes, int] = {}
    columns: list[np.ndarray] = []
    rows: dict[bytes, list[int]] = {}
    for key, table in kept.asked.items():
        if table.shape[0] != orders:
            continue
        new = {column.tobytes() for column in table.T if column.any()} - distinct.keys()
        if (len(distinct) + len(new) + 1) * elections > LEARN_CELLS:
            continue
        index = []
        for column in table.T:
            if not column.any():
                index.append(-1)
                continue
            index.append(distinct.setdefault(column.tobytes(), len(distinct)))
            if index[-1] == len(columns):
                columns.append(column)
        rows[key] = index
    zero = len(columns)  # the product's last row
    kept.rows = {key: np.where(np.array(index) < 0, zero, index) for key, index in rows.items()}
    kept.columns = np.stack(columns, axis=1) if columns else None
    kept.counts, kept.asked, kept.product = counts, {}, None
    if kept.columns is None:
        kept.rows = {}


def _multiply(counts: np.ndarray, table: np.ndarray, zero_rows: int = 0) -> np.ndarray:
    """(k, E) = (counts @ table).T, in float32 when that is exact (see :func:`exact_product`),
    followed by ``zero_rows`` rows of zeros."""
    reach = most_voters(counts) * float(np.abs(table).max(initial=0.0)) * 2
    dtype = np.float32 if reach < 2**24 else np.float64
    k = table.shape[1]
    out = np.empty((k + zero_rows, counts.shape[0]), dtype=dtype)
    np.matmul(table.T.astype(dtype), as_float(counts, dtype).T, out=out[:k])
    out[k:] = 0
    return out


@contextmanager
def counting() -> Iterator[None]:
    """Keep float copies, tables and products while a run of chunks is counted (the
    outermost of nested runs), and drop them after it, whether it ends or fails."""
    kept = _kept()
    kept.depth += 1
    try:
        yield
    finally:
        kept.depth -= 1
        if kept.depth == 0:
            _LOCAL.kept = _Kept()
