"""NumPy views of Arrow arrays without pyarrow's pandas detour.

``pyarrow.Array.to_numpy`` imports pandas on its first call (about half a second, more
than reading a million-ballot file takes), so fixed-width columns without nulls are
viewed straight from their data buffer; anything else goes through ``to_numpy``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

__all__ = ["as_numpy"]


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
