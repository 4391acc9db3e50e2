"""NumPy views of Arrow arrays: the same values as pyarrow's own conversion."""

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from tally._arrow import as_numpy


@pytest.mark.parametrize(
    "array",
    [
        pa.array([3, 1, 4, 1, 5], type=pa.int32()),
        pa.array([3, 1, 4, 1, 5], type=pa.int64()).slice(2, 3),
        pa.array([0.5, 2.0, -1.0], type=pa.float64()),
        pa.array([True, False, True, True, False, False, True, False, True, True]).slice(3, 6),
        pa.array([], type=pa.int16()),
        pa.chunked_array([pa.array([1, 2], type=pa.int8()), pa.array([3], type=pa.int8())]),
        pa.chunked_array([pa.array([7, 8, 9], type=pa.uint16()).slice(1)]),
    ],
)
def test_values_match_pyarrow(array):
    got = as_numpy(array)
    want = array.to_numpy(zero_copy_only=False)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


def test_nulls_and_strings_fall_back_to_pyarrow():
    with_nulls = pa.array([1.0, None, 3.0])
    np.testing.assert_array_equal(as_numpy(with_nulls), np.array([1.0, np.nan, 3.0]))
    assert as_numpy(pa.array(["a", "b"])).tolist() == ["a", "b"]


def test_reading_a_ranked_csv_does_not_import_pandas(tmp_path):
    # pyarrow's to_numpy imports pandas (about half a second) on first use
    path = tmp_path / "b.csv"
    path.write_text("rank1,rank2\nA,B\nB,\nA,C\n", encoding="utf-8")
    code = f"import sys, tally; b = tally.read({str(path)!r}); assert b.total == 3; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
