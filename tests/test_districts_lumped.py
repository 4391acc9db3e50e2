"""districts: an area whose only votes are lumped "Other" votes is not reported as empty."""

from __future__ import annotations

import numpy as np

import tally


def test_an_area_with_only_lumped_votes_is_told_apart_from_one_without_votes():
    t = tally.Tallies(
        ("a", "b", "c"),
        ("A", "B", "Other"),
        np.array([[4.0, 1.0, 0.0], [0.0, 0.0, 7.0], [0.0, 0.0, 0.0]]),
        metadata={"pseudo_candidates": ("Other",)},
    )
    o = tally.count(t, "districts")
    d = o.details
    assert d["seats"] == {"A": 1, "B": 0, "Other": 0} and d["unallocated"] == 2
    assert d["no_votes"] == ["c"] and d["lumped_only"] == ["b"]
    assert any("report no votes" in w and w.endswith(": c") for w in o.warnings)
    assert any("only in lumped columns (Other)" in w and w.endswith(": b") for w in o.warnings)
    assert [a["winner"] for a in d["areas"]] == ["A", None, None]
