"""Approval and score ballots as CSV: one row per ballot, one column per candidate.

::

    count,Alice,Bob,Carol
    12,1,0,1
    7,0,1,
    3,5,2,0

A cell is the voter's score for that column's candidate; a blank cell is *unscored*
(NaN; rules say how they count it). An optional ``count`` (or ``weight``) column says how
many ballots a row stands for, and an optional ballot id column is left out of the
scores. ``kind="approval"`` requires 0/1 cells, ``kind="score"`` takes any number in
``[min_score, max_score]``; without ``kind`` the reader infers it (every given cell 0 or
1 → approval, else score) and says so in ``metadata["kind_inferred"]``.
Only approval files are recognised from their content (every cell 0, 1 or blank); read
score files with ``format="score"``, since a matrix of small numbers may just as well
be rankings written one column per candidate.
``max_score`` defaults to 1 for approval and to the largest score in the file otherwise
(``metadata["max_score_inferred"]`` tells which); pass it when the ballot's scale is known.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import limits
from .._arrow import as_numpy
from ..ballots import ScoredBallots
from ..errors import BallotError, ConfigError
from ._common import check_candidates, csv_rows
from ._table import count_column, line_of, parse_table, pick_column, read_header
from .csv import COUNT_NAMES, rank_number

__all__ = ["looks_like_approval", "read_scores"]

_APPROVAL_CELLS = frozenset(("0", "1", "", "0.0", "1.0"))
_ID_NAMES = ("ballot_id", "ballot id", "ballotid", "id", "voter", "voter_id")


def looks_like_approval(head: str) -> bool:
    """A header of names (no rank columns) over rows of 0, 1 or blank cells.

    Only approval ballots are recognised from the content: a matrix of other numbers
    may as well be rankings written one column per candidate, so score ballots are
    read with ``format="score"``.
    """
    complete = head[: head.rfind("\n") + 1]  # the head may end inside a row
    return _approval_rows(complete) or _approval_rows(head)


def _approval_rows(text: str) -> bool:
    rows = iter(csv_rows(text))
    try:
        header = [h.strip() for h in next(rows)[1]]
    except (BallotError, StopIteration):
        return False
    if len(header) < 2 or not all(header) or any(rank_number(h) is not None for h in header):
        return False
    skip = {i for i, h in enumerate(header) if h.lower() in _ID_NAMES or h.lower() in COUNT_NAMES}
    seen = 0
    try:
        for _, cells in rows:
            if len(cells) != len(header):
                return False
            if any(c.strip() not in _APPROVAL_CELLS for i, c in enumerate(cells) if i not in skip):
                return False
            seen += 1
    except BallotError:
        return False
    return seen > 0


def read_scores(
    path: str | os.PathLike[str],
    *,
    kind: str | None = None,
    candidates: Sequence[str] | None = None,
    count: str | None = None,
    ballot_id: str | None = None,
    ignore: Sequence[str] = (),
    max_score: float | None = None,
    min_score: float = 0.0,
    delimiter: str = ",",
    title: str | None = None,
) -> ScoredBallots:
    """Read approval or score ballots from a CSV (see the module docstring).

    Parameters
    ----------
    kind:
        ``"approval"``, ``"score"`` or None (inferred from the cells).
    candidates:
        The candidate columns (default: every column that is not the count or id column).
    count, ballot_id:
        The count and ballot id columns (default: recognised by name).
    ignore:
        Other columns to leave out.
    max_score, min_score:
        The scale of a score ballot.

    Raises
    ------
    BallotError
        A non-numeric or out-of-range cell, a 0/1 violation on an approval ballot, a bad
        count, ragged rows or non-UTF-8 bytes; each with file, line and field.
    """
    file = str(path)
    if kind not in (None, "approval", "score"):
        raise ConfigError(f"kind must be 'approval' or 'score', not {kind!r}")
    header = read_header(path, file, delimiter)
    count_col = pick_column(header, COUNT_NAMES, count, "count", file)
    id_col = pick_column(header, _ID_NAMES, ballot_id, "ballot id", file)
    if candidates is None:
        names = [c for c in header if c not in (count_col, id_col) and c not in ignore]
    else:
        names = list(candidates)
        missing = [c for c in names if c not in header]
        if missing:
            raise BallotError(f"no candidate column {missing[0]!r}", file=file, line=1)
        extra = [c for c in header if c not in names and c not in (count_col, id_col) and c not in ignore]
        if extra:
            raise BallotError(
                f"column {extra[0]!r} is neither a candidate nor ignored", file=file, line=1, field=extra[0]
            )
    if not names:
        raise BallotError("no candidate columns", file=file, line=1)
    check_candidates(len(names), file=file, line=1, what="candidate columns")

    used = set(names) | {c for c in (count_col,) if c}
    table = parse_table(path, file, header, delimiter, used)
    n_rows = table.num_rows
    limits.check("ballot_rows", n_rows, what="ballot rows", file=file)
    scores = np.empty((n_rows, len(names)))
    for j, name in enumerate(names):
        scores[:, j] = _column_scores(table.column(name), path, file, delimiter, name)
    given = ~np.isnan(scores)
    inferred = kind is None
    if kind is None:
        kind = "approval" if np.isin(scores[given], (0.0, 1.0)).all() else "score"
    if kind == "approval":
        bad = given & ~np.isin(scores, (0.0, 1.0))
        _fail_at(bad, "an approval cell must be 0 or 1, not {value:g}", scores, names, path, file, delimiter)
    top = (
        max_score
        if max_score is not None
        else (1.0 if kind == "approval" else float(scores[given].max()) if given.any() else 1.0)
    )
    out = given & ((scores < min_score) | (scores > top))
    _fail_at(
        out, f"score {{value:g}} is outside {min_score:g}..{top:g}", scores, names, path, file, delimiter
    )

    weights = count_column(table.column(count_col), path, file, delimiter, count_col) if count_col else None
    _check_exact_scores(scores, weights, max(abs(top), abs(min_score)), file)
    metadata: dict[str, Any] = {
        "format": "approval" if kind == "approval" else "score",
        "kind": kind,
        "kind_inferred": inferred,
        "max_score_inferred": max_score is None and kind == "score",
        "count_column": count_col,
        "rows": n_rows,
        "ballots_read": float(weights.sum()) if weights is not None else float(n_rows),
    }
    scores, weights = _premerge(scores, weights)
    return ScoredBallots.from_matrix(
        names,
        scores,
        weights,
        kind=kind,
        max_score=top,
        min_score=min_score,
        source=file,
        title=title,
        metadata=metadata,
    )


def _binary_places(values: np.ndarray) -> int:
    """Bits after the binary point of the finest of ``values`` that is a short binary fraction
    (0.5, 0.375); whole numbers count 0, and decimals such as 0.1, which no float holds
    exactly, are left to the rules' comparison tolerance."""
    fractional = np.unique(values[values != np.floor(values)]).tolist()
    bits = (v.as_integer_ratio()[1].bit_length() - 1 for v in fractional)
    return max((b for b in bits if b <= 30), default=0)


def _check_exact_scores(scores: np.ndarray, weights: np.ndarray | None, widest: float, file: str) -> None:
    """Refuse scores whose totals could pass what floating point adds exactly: the largest
    total a candidate could reach (every ballot at the widest score), in steps of the
    finest binary fraction of the scores and the counts, must stay below 2**53 (the bound
    counts are held to, see :func:`~tally.io._common.check_exact_total`)."""
    weight = weights if weights is not None else np.ones(scores.shape[0])
    places = _binary_places(scores[~np.isnan(scores)]) + _binary_places(weight)
    bound = float(limits.EXACT_TOTAL) / 2.0**places
    reach = Decimal(float(weight.sum())) * Decimal(widest)  # a float product of 1e308 overflows
    if reach >= bound:
        raise BallotError(
            f"a candidate's total score could reach {reach:.17g} ({weight.sum():,.17g} ballots at "
            f"score {widest:g}), not below 2**{53 - places} ({int(bound):,}), the bound of exact counting",
            file=file,
        )


def _premerge(scores: np.ndarray, weights: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """Identical rows counted through one integer key per row (fast for millions of rows).

    :meth:`ScoredBallots.from_matrix` merges again and orders the rows; this only makes its
    input short. Each column's distinct values (unscored included) get small codes, and
    a row's key is its codes in mixed radix.
    """
    rows, columns = scores.shape
    if rows < 10_000 or columns == 0:
        return scores, weights
    filled = np.where(np.isnan(scores), -np.inf, scores)  # unscored: its own value
    key = np.zeros(rows, dtype=np.int64)
    span = 1
    for j in range(columns):
        values, codes = np.unique(filled[:, j], return_inverse=True)
        if span * values.size >= 2**62:
            return scores, weights
        key += codes.reshape(-1).astype(np.int64) * span
        span *= values.size
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    merged = np.bincount(inverse.reshape(-1), weights=weights, minlength=first.size)
    return scores[first], merged


def _column_scores(
    column: pa.ChunkedArray, path: str | os.PathLike[str], file: str, delimiter: str, name: str
) -> np.ndarray:
    trimmed = pc.utf8_trim_whitespace(column)
    blank = pc.equal(trimmed, "")
    try:
        values = pc.cast(pc.if_else(blank, None, trimmed), pa.float64())
        out = as_numpy(pc.fill_null(values, float("nan"))).astype(np.float64)
        was_blank = as_numpy(blank)
        if np.isinf(out).any() or (np.isnan(out) & ~was_blank).any():  # "nan" or "inf" written out
            raise ValueError
        return out
    except (pa.ArrowInvalid, ValueError):
        # Python reads spellings Arrow refuses ("1_0"); a cell neither reads is the error.
        out = np.empty(len(column))
        for row, raw in enumerate(column.to_pylist()):
            text = raw.strip()
            if not text:
                out[row] = np.nan
                continue
            try:
                value = float(text)
            except ValueError:
                value = float("nan")
            if not math.isfinite(value):
                raise BallotError(
                    f"score {text!r} is not a number",
                    file=file,
                    line=line_of(path, file, delimiter, row),
                    field=name,
                ) from None
            out[row] = value
        return out


def _fail_at(
    mask: np.ndarray,
    problem: str,
    scores: np.ndarray,
    names: list[str],
    path: str | os.PathLike[str],
    file: str,
    delimiter: str,
) -> None:
    if not mask.any():
        return
    row, col = (int(x[0]) for x in np.nonzero(mask))
    raise BallotError(
        problem.format(value=scores[row, col]),
        file=file,
        line=line_of(path, file, delimiter, row),
        field=names[col],
    )
