"""The JSON form of outcomes and of the results built from them."""

from __future__ import annotations

import json

import numpy as np

from tally.outcome import to_jsonable


def test_numpy_scalars_become_plain_json():
    value = {
        "tied": np.bool_(True),
        "n": np.int64(3),
        "x": np.float64(2.0),
        "y": np.float32(0.5),
        "nan": float("nan"),
        "rows": np.array([[1, 0]], dtype=bool),
    }
    plain = to_jsonable(value)
    assert plain == {"tied": True, "n": 3, "x": 2, "y": 0.5, "nan": None, "rows": [[True, False]]}
    assert type(plain["tied"]) is bool
    assert json.loads(json.dumps(plain, allow_nan=False)) == plain
