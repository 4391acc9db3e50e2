"""The catalogue's paradox flags are what the criteria searches find now."""

from __future__ import annotations

import pytest

from tally.data.rcv_flags import committed, flagged, flags

from .rcv_flags import compute, ranked_ids

pytest.importorskip("scipy")


def test_every_ranked_dataset_has_committed_flags():
    missing = sorted(set(ranked_ids()) - set(committed()))
    assert not missing, f"no flags for {missing}: run python -m tests.rcv_flags --write"
    assert not set(committed()) - set(ranked_ids()), "flags of datasets that are gone"


@pytest.mark.parametrize("dataset", ranked_ids())
def test_committed_flags_equal_a_fresh_computation(dataset):
    assert committed().get(dataset) == compute(dataset), "run python -m tests.rcv_flags --write"


def test_the_famous_failures_are_flagged():
    assert {"condorcet_winner", "upward_monotonicity", "no_show"} <= set(flags("alaska-2022-special"))
    assert "condorcet_winner" in flags("burlington-2009")
    assert flags("us-president-2000") == ()
    assert set(flagged()) >= {"alaska-2022-special", "burlington-2009"}
