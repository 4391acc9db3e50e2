"""NumPy views of Arrow arrays, and Arrow arrays of NumPy ones, without pyarrow's pandas detour.

``pyarrow.Array.to_numpy`` imports pandas on its first call (about half a second, more
than reading a million-ballot file takes), so fixed-width columns without nulls are
viewed straight from their data buffer; anything else goes through ``to_numpy``. So do
``pyarrow.array`` and ``pyarrow.scalar`` (and every compute function handed a plain
Python value, which it converts with them): :func:`from_numpy`, :func:`numbered` and
:func:`text_scalar` build the same values from buffers instead.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["as_numpy", "from_numpy", "numbered", "text_scalar"]


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
    """The Arrow array of a 1-D NumPy array of numbers (sharing its memory when contiguous)."""
    values = np.ascontiguousarray(values)
    if values.ndim != 1 or values.dtype.kind not in "iuf":
        raise TypeError(f"expected a 1-D array of numbers, got {values.dtype} with shape {values.shape}")
    return pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), len(values), [None, pa.py_buffer(values)])


def numbered(start: int, stop: int) -> pa.Array:
    """The decimal numbers ``start .. stop - 1`` as an Arrow string array."""
    return from_numpy(np.arange(start, stop, dtype=np.int64)).cast(pa.string())


def text_scalar(text: str | None) -> pa.Scalar:
    """An Arrow string scalar (null for ``None``), to hand to compute functions."""
    if text is None:
        return pa.nulls(1, pa.string())[0]
    data = text.encode("utf-8")
    offsets = np.array([0, len(data)], dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)])[0]
