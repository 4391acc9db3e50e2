"""NumPy views of Arrow arrays and Arrow arrays of NumPy ones: the same values as pyarrow's own conversions."""

import subprocess
import sys

import numpy as np
import pyarrow as pa
import pytest

from tally._arrow import all_distinct, as_numpy, from_numpy, numbered, text_scalar, texts


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


@pytest.mark.parametrize(
    "values",
    [
        np.array([3, -1, 4], dtype=np.int16),
        np.arange(10, dtype=np.int32)[::3],  # not contiguous: copied
        np.array([0.5, 2.0, -1.0]),
        np.array([7, 8], dtype=np.uint64),
        np.zeros(0, dtype=np.int32),
        np.array([True, False, True, True, False, False, True, False, True, True, False]),
        np.array([False, True, True] * 7)[::2],  # booleans not contiguous, past one byte
        np.zeros(0, dtype=bool),
    ],
)
def test_from_numpy_matches_pyarrow(values):
    got = from_numpy(values)
    assert got.equals(pa.array(values))
    assert got.type == pa.from_numpy_dtype(values.dtype)


def test_from_numpy_refuses_what_it_cannot_hold():
    for bad in (np.array(["a"]), np.zeros((2, 2)), np.array([[True]])):
        with pytest.raises(TypeError):
            from_numpy(bad)


def test_numbered_and_text_scalar_match_pyarrow():
    assert numbered(8, 12).equals(pa.array(["8", "9", "10", "11"], type=pa.string()))
    assert numbered(5, 5).equals(pa.array([], type=pa.string()))
    for text in ("", "Précinct 7", None):
        assert text_scalar(text).equals(pa.scalar(text, pa.string()))


@pytest.mark.parametrize(
    "values",
    [
        ["P1", "Précinct 7", "", "P1"],
        ["a", None, "", None, "z" * 300, "b", "c", "d", "e"],  # nulls past one bitmap byte
        [None, None],
        [],
    ],
)
def test_texts_match_pyarrow(values):
    got = texts(values)
    got.validate(full=True)
    assert got.equals(pa.array(values, type=pa.string()))
    assert got.null_count == sum(v is None for v in values)


def test_importing_ess_workbooks_does_not_import_pandas(tmp_path):
    # Maine's eight workbooks, through the column reader and the store, ballot ids included
    config = "tests/data/maine-cvr/maine_cd2_2018_config.json"
    code = (
        "import os, sys; from tally import store; "
        f"os.environ['TALLY_HOME'] = {str(tmp_path / 'home')!r}; "
        f"info = store.import_cvrs({config!r}, 'maine'); "
        "b = store.load_ballots('maine', provenance=True); "
        "assert info.ballots == 296077 and b.provenance.ballot_ids[0].startswith('AUXCVRProofedCVR95RepCD2.xlsx-'); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_importing_into_the_store_does_not_import_pandas(tmp_path):
    # pyarrow.array, pyarrow.scalar and pyarrow.parquet.read_table import pandas on first use
    path = tmp_path / "b.csv"
    path.write_text("id,precinct,rank1,rank2\nx1,P1,A,B\nx2,P2,B,\nx3,P1,A,C\n", encoding="utf-8")
    code = (
        "import os, sys; from tally import store; "
        f"os.environ['TALLY_HOME'] = {str(tmp_path / 'home')!r}; "
        f"store.import_csv({str(path)!r}, 'b'); b = store.load_ballots('b', provenance=True); "
        "assert b.total == 3 and len(b.provenance.row) == 3; print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_saving_and_loading_a_simulation_run_does_not_import_pandas(tmp_path):
    code = (
        "import os, sys; import numpy as np; "
        f"os.environ['TALLY_HOME'] = {str(tmp_path / 'home')!r}; "
        "from tally.store_runs import save_run, load_columns; "
        "cols = {'w': np.array([0, 2, 1]), 't': np.array([True, False, True]), 'u': np.array([0.5, np.nan, 1.0])}; "
        "back = load_columns(save_run({'spec': {'n': 3}}, cols)); "
        "assert all(np.array_equal(back[k], cols[k], equal_nan=True) for k in cols); "
        "assert back['t'].dtype == bool; print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("longest", [3, 7, 8, 30])  # keys of the bytes themselves, or digests
def test_all_distinct_agrees_with_a_set(longest):
    rng = np.random.default_rng(longest)
    alphabet = ["a", "b", "\0", "é", "Z"]
    for trial in range(40):
        n = int(rng.integers(0, 60))
        texts = ["".join(rng.choice(alphabet, size=rng.integers(0, longest + 1))) for _ in range(n)]
        texts = [t.encode()[:longest].decode(errors="ignore") for t in texts]
        if trial % 2 and texts:
            texts.append(texts[int(rng.integers(len(texts)))])  # a repeat
        want = len(set(texts)) == len(texts)
        assert all_distinct(pa.array(texts, pa.string())) == want
        cut = len(texts) // 2  # chunked, and chunks that are slices of larger arrays
        padded = pa.array(["pad", *texts, "pad"], pa.string())
        chunked = pa.chunked_array([padded.slice(1, cut), padded.slice(1 + cut, len(texts) - cut)])
        assert all_distinct(chunked) == want


def test_all_distinct_tells_strings_that_differ_only_past_a_word():
    base = "precinct-0001-ballot-"
    assert all_distinct(pa.array([base + "000001", base + "000002", base + "0000010"]))
    assert not all_distinct(pa.array([base + "000001", "x", base + "000001"]))
    assert all_distinct(pa.array(["a", "a\0", "a\0\0", ""]))  # lengths count
    assert not all_distinct(pa.array(["a", None, None]))  # nulls: pyarrow decides
