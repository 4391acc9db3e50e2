"""The distinct rows of a code matrix: the one kernel behind every merge of identical ballots.

Rows of small codes are packed into one integer each, in the rows' lexicographic order;
keys of a small range are merged through a table with a slot per key (time linear in the
rows), larger ones by a sort, and rows too wide to pack are compared as bytes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["distinct_rows"]


def _merge_keys(choices: np.ndarray) -> np.ndarray | None:
    """One int64 key per row when the row fits, for a fast merge of identical rows.

    Keys follow the rows' lexicographic order and are never negative.
    """
    ranks = choices.shape[1]
    if ranks == 0:
        return np.zeros(choices.shape[0], dtype=np.int64)
    # offset by the smallest code present so every shifted code fits in `bits` bits
    low = int(choices.min()) if choices.size else 0
    span = (int(choices.max()) - low + 1) if choices.size else 1
    bits = max(1, int(np.ceil(np.log2(span))))
    if bits * ranks > 62:
        return None
    key = choices[:, 0].astype(np.int64)
    key -= low
    for r in range(1, ranks):
        key <<= bits
        key += choices[:, r]
        key -= low  # the shifted code, in [0, span), fills the bits just freed
    return key


# Keys below this (or below four per row) are merged through a table with one slot per
# key, in time linear in the rows, instead of a sort.
_DENSE_KEYS = 1 << 22


def _distinct_keys(key: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`distinct_rows` of non-negative keys, or None when they are too large.

    Distinct keys come in increasing order, each with its first occurrence, exactly as
    ``np.unique`` gives them.
    """
    if not key.size:
        return None
    size = int(key.max()) + 1
    if size > max(_DENSE_KEYS, 4 * key.size):
        return None
    seen = np.zeros(size, dtype=np.bool_)
    seen[key] = True
    present = np.flatnonzero(seen)
    slot = np.empty(size, dtype=np.intp)
    slot[present] = np.arange(present.size)
    inverse = slot[key]
    first = np.full(present.size, key.size, dtype=np.intp)
    np.minimum.at(first, inverse, np.arange(key.size))
    return first, inverse


def distinct_rows(choices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a code matrix: where each first occurs, and which each row is.

    The one kernel behind every merge of identical ballots (:meth:`RankedBallots.merged`,
    the store's blocks of cast-vote records). Distinct rows come in the lexicographic
    order of their codes, as ``np.unique(choices, axis=0)`` orders them, so the order of a
    merged matrix does not depend on how wide its rows are.

    Parameters
    ----------
    choices : numpy.ndarray
        An (n, ranks) matrix of integer codes.

    Returns
    -------
    first : numpy.ndarray
        For each distinct row, in lexicographic order, the index of its first occurrence.
    inverse : numpy.ndarray
        For each input row, the position of its distinct row in ``first``.

    Examples
    --------
    >>> first, inverse = distinct_rows(np.array([[2, 1], [0, 1], [2, 1]]))
    >>> first.tolist(), inverse.tolist()
    ([1, 0], [1, 0, 1])
    """
    key = _merge_keys(choices)
    if key is None:
        # Too wide to pack into one integer: compare rows as bytes, each code offset to
        # unsigned big-endian so that byte order is numeric order (much faster than
        # np.unique(axis=0), same order).
        ranks = choices.shape[1]
        shifted = (choices.astype(np.int64) - int(choices.min())).astype(f">u{choices.dtype.itemsize}")
        key = np.ascontiguousarray(shifted).view(np.dtype((np.void, shifted.dtype.itemsize * ranks))).ravel()
    else:
        dense = _distinct_keys(key)
        if dense is not None:
            return dense
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)
