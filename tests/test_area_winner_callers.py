"""Every caller of the one plurality-winner-per-area agrees with the districts rule."""

from __future__ import annotations

import numpy as np
import pytest

import tally
from tally.data import us
from tally.errors import ConfigError
from tally.rules.proportional import constituency_winners


@pytest.mark.parametrize("seed", range(30))
def test_constituency_winners_agree_with_the_districts_rule(seed):
    rng = np.random.default_rng(seed)
    areas, parties = int(rng.integers(1, 8)), int(rng.integers(1, 5))
    votes = rng.integers(0, 4, size=(areas, parties)).astype(float)  # small numbers: ties and empty areas
    t = tally.Tallies(tuple(f"a{i}" for i in range(areas)), tuple("ABCD"[:parties]), votes)
    outcome = tally.count(t, "districts", tiebreak="all")
    if outcome.details["tied_areas"]:
        with pytest.raises(ConfigError, match="is tied between"):
            constituency_winners(t)
    else:
        assert constituency_winners(t) == {p: n for p, n in outcome.details["seats"].items() if n}


@pytest.mark.parametrize("year", [2016, 2020])
def test_house_delegations_add_up_to_the_districts_count(year):
    delegations = us.house_delegations(year)
    outcome = tally.count(us.house(year), "districts", tiebreak="all")
    summed: dict[str, int] = {}
    for parties in delegations.values():
        for party, n in parties.items():
            summed[party] = summed.get(party, 0) + n
    assert summed == {p: n for p, n in outcome.details["seats"].items() if n}
    assert sum(summed.values()) == outcome.details["seats_total"] - outcome.details["unallocated"]


def test_house_delegations_ties_empty_districts_and_other(monkeypatch):
    t = tally.Tallies(
        ("XX-01", "XX-02", "XX-03", "YY-01"),
        ("DEM", "REP", "Other"),
        np.array([[5.0, 5.0, 1.0], [0.0, 0.0, 0.0], [3.0, 2.0, 9.0], [1.0, 4.0, 0.0]]),
        attributes={"state": ("XX", "XX", "XX", "YY")},
        metadata={"pseudo_candidates": ("Other",)},
    )
    monkeypatch.setattr(us, "build_house", lambda year: t)
    # The tie and the district without votes seat nobody; a district "Other" carries is Other's.
    assert us.house_delegations(2020) == {"XX": {"Other": 1}, "YY": {"REP": 1}}
