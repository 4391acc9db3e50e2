"""NumPy views of Arrow arrays, and Arrow arrays of NumPy ones, without pyarrow's pandas detour.

``pyarrow.Array.to_numpy`` imports pandas on its first call (about half a second, more
than reading a million-ballot file takes), so fixed-width columns without nulls are
viewed straight from their data buffer; anything else goes through ``to_numpy``. So do
``pyarrow.array`` and ``pyarrow.scalar`` (and every compute function handed a plain
Python value, which it converts with them): :func:`from_numpy`, :func:`numbered` and
:func:`text_scalar` build the same values from buffers instead; and so does
``pyarrow.parquet.read_table``, through pyarrow's datasets: :func:`read_parquet` reads
one file without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
from numpy.lib.stride_tricks import as_strided

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["all_distinct", "as_numpy", "from_numpy", "numbered", "read_parquet", "text_scalar", "texts"]


def as_numpy(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The values of ``array`` as a NumPy array (a read-only view where possible)."""
    if isinstance(array, pa.ChunkedArray):
        if array.num_chunks == 1:
            return as_numpy(array.chunk(0))
        parts = [as_numpy(chunk) for chunk in array.chunks]
        return np.concatenate(parts) if parts else array.to_numpy()
    kind = array.type
    if array.null_count == 0 and (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        dtype = np.dtype(kind.to_pandas_dtype())
        data = array.buffers()[1]
        if data is None:
            return np.zeros(0, dtype=dtype)
        return np.frombuffer(data, dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)
    if array.null_count == 0 and pa.types.is_boolean(kind):
        data = array.buffers()[1]
        if data is None:
            return np.zeros(0, dtype=bool)
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
        return bits[array.offset : array.offset + len(array)].astype(bool)
    values: np.ndarray = array.to_numpy(zero_copy_only=False)
    return values


def from_numpy(values: np.ndarray) -> pa.Array:
    """The Arrow array of a 1-D NumPy array of numbers or booleans (numbers share its
    memory when contiguous; booleans are packed into Arrow's bitmap)."""
    values = np.ascontiguousarray(values)
    if values.ndim != 1 or values.dtype.kind not in "iufb":
        raise TypeError(
            f"expected a 1-D array of numbers or booleans, got {values.dtype} with shape {values.shape}"
        )
    if values.dtype.kind == "b":
        bits = np.packbits(values, bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), len(values), [None, pa.py_buffer(bits)])
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def numbered(start: int, stop: int) -> pa.Array:
    """The decimal numbers ``start .. stop - 1`` as an Arrow string array."""
    return from_numpy(np.arange(start, stop, dtype=np.int64)).cast(pa.string())


def texts(values: Sequence[str | None]) -> pa.Array:
    """An Arrow string array of ``values`` (``None`` → null), built from its buffers
    (a large string array past 2 GiB of text)."""
    n = len(values)
    encoded = [b"" if v is None else v.encode("utf-8") for v in values]
    ends = np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=n))
    # past 2 GiB of text a string array's 32-bit offsets cannot hold the ends
    large = bool(n) and int(ends[-1]) > np.iinfo(np.int32).max
    offsets = np.zeros(n + 1, dtype=np.int64 if large else np.int32)
    offsets[1:] = ends
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=n)
    nulls = int(n - valid.sum())
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    data = pa.py_buffer(b"".join(encoded))
    kind = pa.large_string() if large else pa.string()
    return pa.Array.from_buffers(kind, n, [bitmap, pa.py_buffer(offsets), data], null_count=nulls)


def text_scalar(text: str | None) -> pa.Scalar:
    """An Arrow string scalar (null for ``None``), to hand to compute functions."""
    if text is None:
        return pa.nulls(1, pa.string())[0]
    data = text.encode("utf-8")
    offsets = np.array([0, len(data)], dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)])[0]


def read_parquet(path: Path) -> pa.Table:
    """One Parquet file as an Arrow table."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as handle:
        return handle.read()


# _BYTES[k] keeps the first k bytes of a little-endian 64-bit word
_BYTES = np.array([(1 << (8 * k)) - 1 for k in range(9)], dtype=np.uint64)


def all_distinct(strings: pa.Array | pa.ChunkedArray) -> bool:
    """Whether no two of the strings are equal.

    Each string becomes a 64-bit key, sorted with NumPy: its bytes and length themselves
    when no string is longer than 7 bytes, else a digest of them; only when two keys are
    equal does pyarrow's hashing of the strings decide (several times slower).
    """
    import pyarrow.compute as pc

    chunks = strings.chunks if isinstance(strings, pa.ChunkedArray) else [strings]
    if not all(pa.types.is_string(c.type) and not c.null_count for c in chunks):
        return len(pc.unique(strings)) == len(strings)
    parts = [_offsets(c) for c in chunks]
    longest = max((int(np.diff(o).max()) for o in parts if o.size > 1), default=0)
    keys = np.concatenate(
        [_string_keys(c, o, longest) for c, o in zip(chunks, parts)] or [np.zeros(0, np.uint64)]
    )
    keys.sort()
    if not (keys[1:] == keys[:-1]).any():
        return True
    return len(pc.unique(strings)) == len(strings)


def _offsets(chunk: pa.Array) -> np.ndarray:
    buffer = chunk.buffers()[1]
    if buffer is None or not len(chunk):
        return np.zeros(1, dtype=np.int32)
    return np.frombuffer(buffer, dtype=np.int32, count=len(chunk) + 1, offset=chunk.offset * 4)


def _string_keys(chunk: pa.Array, offsets: np.ndarray, longest: int) -> np.ndarray:
    """One 64-bit key per string of a string array without nulls, none longer than
    ``longest`` bytes (see :func:`all_distinct`)."""
    first, last = int(offsets[0]), int(offsets[-1])
    padded = np.zeros(last - first + 8, dtype=np.uint8)
    if last > first:
        padded[: last - first] = np.frombuffer(
            chunk.buffers()[2], dtype=np.uint8, count=last - first, offset=first
        )
    # row i: the 8 bytes from byte i on (those past a string's end are masked off)
    words = as_strided(padded, shape=(last - first + 1, 8), strides=(1, 1), writeable=False)
    start = offsets[:-1] - first
    length = np.diff(offsets)
    key = length.astype(np.uint64)
    if longest <= 7:
        exact: np.ndarray = (words[start].view(np.uint64).ravel() & _BYTES[length]) | (key << np.uint64(56))
        return exact
    for at in range(0, longest, 8):
        key ^= (
            words[np.minimum(start + at, last - first)].view(np.uint64).ravel()
            & _BYTES[np.clip(length - at, 0, 8)]
        )
        key *= np.uint64(0xBF58476D1CE4E5B9)  # splitmix64's mixing, one step per word
        key ^= key >> np.uint64(31)
    return key
