"""The Electoral College rule on the bundled presidential data."""

from __future__ import annotations

import numpy as np
import pytest

import tally
from tally.data import us
from tally.errors import ConfigError
from tally.rules.composite import apportion

# Electoral votes as counted by Congress (National Archives), faithless electors included.
OFFICIAL = {
    1976: {"Carter": 297, "Ford": 240},
    1980: {"Reagan": 489, "Carter": 49},
    1984: {"Reagan": 525, "Mondale": 13},
    1988: {"Bush": 426, "Dukakis": 111},
    1992: {"Clinton": 370, "Bush": 168},
    1996: {"Clinton": 379, "Dole": 159},
    2000: {"Bush": 271, "Gore": 266},
    2004: {"Bush": 286, "Kerry": 251},
    2008: {"Obama": 365, "McCain": 173},
    2012: {"Obama": 332, "Romney": 206},
    2016: {"Trump": 304, "Clinton": 227},
    2020: {"Biden": 306, "Trump": 232},
    2024: {"Trump": 312, "Harris": 226},
}


def ev(outcome, t, name):
    return outcome.details["electoral_votes"].get(us.find_candidate(name, t.candidates, t.totals()), 0)


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_historical_results_reproduced(year):
    t = us.president(year)
    o = tally.count(t, "electoral_college", faithless="historical")
    for name, n in OFFICIAL[year].items():
        assert ev(o, t, name) == n, name
    assert o.winner == us.find_candidate(next(iter(OFFICIAL[year])), t.candidates, t.totals())


def test_2000_pledged_bush_271_gore_267():
    t = us.president(2000)
    o = tally.count(t, "electoral_college")
    assert (ev(o, t, "Bush"), ev(o, t, "Gore")) == (271, 267)
    assert o.details["majority"] == 270
    h = tally.count(t, "electoral_college", faithless="historical")
    assert h.details["abstained"] == 1 and h.details["faithless"][0]["state"] == "DC"


def test_2016_pledged_306_232_and_seven_faithless():
    t = us.president(2016)
    o = tally.count(t, "electoral_college")
    assert (ev(o, t, "Trump"), ev(o, t, "Clinton")) == (306, 232)
    h = tally.count(t, "electoral_college", faithless="historical")
    assert sum(f["electors"] for f in h.details["faithless"]) == 7
    assert h.details["electoral_votes"]["Colin Powell"] == 3


@pytest.mark.parametrize(
    "year,area,winner",
    [
        (2008, "NE-2", "Obama"),
        (2016, "ME-2", "Trump"),
        (2020, "ME-2", "Trump"),
        (2020, "NE-2", "Biden"),
        (2024, "NE-2", "Harris"),
        (2024, "ME-2", "Trump"),
    ],
)
def test_district_splits(year, area, winner):
    t = us.president(year)
    o = tally.count(t, "electoral_college")
    row = next(a for a in o.details["areas"] if a["area"] == area)
    assert row["winner"] == us.find_candidate(winner, t.candidates, t.totals())
    assert row["electoral_votes"] == 1
    state = next(a for a in o.details["areas"] if a["area"] == area[:2])
    assert state["electoral_votes"] == 2


def test_statewide_allocation_ignores_districts_2024():
    t = us.president(2024)
    o = tally.count(t, "electoral_college", allocation="statewide")
    # NE's 5 all to Trump, ME's 4 all to Harris: Trump 312 - 1 (NE-2) ... computed from the units
    wta = tally.count(t, "electoral_college")
    assert ev(o, t, "Trump") == ev(wta, t, "Trump") + 1 - 1  # gains NE-2, loses ME-2
    assert ev(o, t, "Harris") == ev(wta, t, "Harris")
    assert not any(a["area"] == "NE-2" for a in o.details["areas"])


def test_popular_vote_allocation_gives_everything_to_national_winner():
    t = us.president(2016)
    o = tally.count(t, "electoral_college", allocation="popular")
    national = t.totals()
    top = t.candidates[int(np.argmax(national))]
    assert o.details["electoral_votes"] == {top: 538}
    assert o.winner == top


@pytest.mark.parametrize("rounding", ["hamilton", "dhondt", "sainte_lague"])
def test_proportional_allocation_gives_every_elector(rounding):
    t = us.president(2000)
    o = tally.count(t, "electoral_college", allocation="proportional", rounding=rounding)
    assert sum(o.details["electoral_votes"].values()) == 538
    for area in o.details["areas"]:
        assert sum(area["electors"].values()) == area["electoral_votes"]
    # nobody has a majority of 538 under proportional 2000 with Nader's share -> House
    if o.winner is None:
        assert o.details["contingent"] is not None


def test_apportion_methods_small_case():
    v = np.array([53_000, 24_000, 23_000])
    assert list(apportion(v, 7, "hamilton")) == [4, 2, 1]
    assert list(apportion(v, 7, "dhondt")) == [4, 2, 1]
    assert list(apportion(v, 7, "sainte_lague")) == [3, 2, 2]
    assert np.isclose(apportion(v, 7, "exact").sum(), 7)


def test_tie_269_goes_to_the_house_with_2020_delegations():
    t = us.president(2020)
    biden, trump = (us.find_candidate(n, t.candidates, t.totals()) for n in ("Biden", "Trump"))
    votes = t.votes.copy()
    for state in ("AZ", "GA", "WI"):
        i = t.areas.index(state)
        b, r = t.candidates.index(biden), t.candidates.index(trump)
        votes[i, b], votes[i, r] = votes[i, r], votes[i, b]
    tie = tally.Tallies(
        t.areas, t.candidates, votes, attributes=t.attributes, parties=t.parties, metadata=t.metadata
    )
    o = tally.count(tie, "electoral_college")
    assert o.details["electoral_votes"][biden] == 269 and o.details["electoral_votes"][trump] == 269
    assert o.winners == ()
    assert o.details["contingent"]["reason"] == "tie"
    house = tally.count(tie, "electoral_college", delegations=us.house_delegations(2020))
    c = house.details["contingent"]
    assert c["votes"][trump] >= 26 and house.winner == trump
    assert sum(c["votes"].values()) + sum(1 for v in c["states"].values() if v == "divided") == 50


def test_bad_options_are_config_errors():
    t = us.president(2000)
    with pytest.raises(ConfigError, match="allocation"):
        tally.count(t, "electoral_college", allocation="lottery")
    with pytest.raises(ConfigError, match="faithless"):
        tally.count(t, "electoral_college", faithless=["nonsense"])


def test_explicit_faithless_entry():
    t = us.president(2000)
    o = tally.count(t, "electoral_college", faithless=["FL:Bush->Gore:3"])
    assert (ev(o, t, "Bush"), ev(o, t, "Gore")) == (268, 270)
    assert o.winner == us.find_candidate("Gore", t.candidates)


def test_deterministic_json():
    t = us.president(2000)
    assert tally.count(t, "ec").to_json() == tally.count(t, "ec").to_json()


def test_contest_sends_a_tie_to_the_house_of_that_year():
    from tally.analysis.whatif import whatif
    from tally.data import resolve_contest

    # Trump winning Arizona, Georgia and Wisconsin by one vote each makes 269-269
    t = us.president(2020)
    statements = []
    for state in ("AZ", "GA", "WI"):
        i = t.areas.index(state)
        b = t.votes[i, t.candidates.index("BIDEN, JOSEPH R. JR")]
        r = t.votes[i, t.candidates.index("TRUMP, DONALD J.")]
        share = ((b - r) / 2 + 1) / b * 100
        statements.append(f"Biden -> Trump {share:.6f}% in {state}")
    # the data layer hands the contest that year's House delegations
    result = whatif(resolve_contest("us-president-2020"), statements, faithless="none")
    assert result["electoral_votes"] == {"BIDEN, JOSEPH R. JR": 269, "TRUMP, DONALD J.": 269}
    c = result["contingent"]
    assert c["reason"] == "tie" and c["votes"] is not None
    assert c["winner"] == "TRUMP, DONALD J." and result["winner"] == "TRUMP, DONALD J."
    # 2024 has no bundled House results: the tie is reported, not resolved
    t24 = us.president(2024)
    d24 = us.districts(t24)
    flips = []
    for area in ("AZ", "GA", "MI", "ME-2"):  # 11 + 16 + 15 + 1 = 43 electors: 269-269
        table = d24 if "-" in area else t24
        i = table.areas.index(area)
        r = table.votes[i, table.candidates.index("Donald Trump")]
        h = table.votes[i, table.candidates.index("Kamala Harris")]
        flips.append(f"Trump -> Harris {((r - h) / 2 + 1) / r * 100:.6f}% in {area}")
    tie = whatif(resolve_contest("us-president-2024"), flips, faithless="none")
    assert tie["electoral_votes"] == {"Donald Trump": 269, "Kamala Harris": 269}
    assert tie["contingent"]["reason"] == "tie" and tie["contingent"]["votes"] is None
    assert "no House delegation data" in tie["contingent"]["note"] and tie["winner"] is None


def test_whatif_json_is_deterministic():
    import json

    from tally.analysis.whatif import whatif
    from tally.outcome import to_jsonable

    t = us.president(2000)
    runs = [json.dumps(to_jsonable(whatif(t, ["Nader -> Gore 50%", "Bush -> other 2%"]))) for _ in range(2)]
    assert runs[0] == runs[1]


def test_composite_contest_parts_are_area_contests():
    from tally.data import resolve_contest
    from tally.procedures import count

    c = resolve_contest("us-president-2016")
    assert c.rule == "electoral_college"
    parts = c.parts
    assert len(parts) == 51
    ec = {a["area"]: a["winner"] for a in count(c).details["areas"]}
    for part in parts:
        area = part.metadata["area"]
        if area in ("ME", "NE"):
            continue  # their at-large unit and districts are separate counts
        assert count(part).winner == ec[area]


def test_a_tied_state_is_reported_not_guessed():
    votes = np.array([[10.0, 10.0], [7.0, 3.0], [2.0, 8.0]])
    t = tally.Tallies(("A", "B", "C"), ("X", "Y"), votes, attributes={"electoral_votes": (5, 3, 3)})
    o = tally.count(t, "electoral_college")
    assert o.tied and o.details["unallocated"] == 5 and o.ties[0].tied == ("X", "Y")
    assert o.winners == ()  # 3-3 of 11: nobody has 6
    picked = tally.count(t, "electoral_college", tiebreak="order")
    assert picked.details["electoral_votes"] == {"X": 8, "Y": 3} and picked.winner == "X"


@pytest.mark.parametrize("year", [2000, 2024])
def test_every_area_names_the_rows_its_votes_came_from(year):
    import csv
    import re

    from tally.data import DATA_DIR

    o = tally.count(us.president(year), "electoral_college")
    files: dict[str, list[dict[str, str]]] = {}
    for area in o.details["areas"]:
        path, _, spans = area["source"].partition(" lines ")
        if path not in files:
            with (DATA_DIR / path).open(newline="") as handle:
                files[path] = list(csv.DictReader(handle))
        rows = []
        for a, b in re.findall(r"(\d+)(?:-(\d+))?", spans):
            rows += files[path][int(a) - 2 : int(b or a) - 1]
        column = "candidatevotes" if "candidatevotes" in rows[0] else "votes"
        assert sum(int(r[column]) for r in rows) == sum(area["votes"].values()), area["area"]


@pytest.mark.parametrize("allocation", ["proportional", "popular"])
def test_a_tied_state_decides_nothing_under_proportional_or_popular_allocation(allocation):
    # State A is level, but its electors are split by share (or follow the national vote),
    # so no tie is met and the outcome is not marked tied.
    votes = np.array([[10.0, 10.0], [7.0, 3.0], [2.0, 8.0]])
    t = tally.Tallies(("A", "B", "C"), ("X", "Y"), votes, attributes={"electoral_votes": (4, 3, 3)})
    o = tally.count(t, "electoral_college", allocation=allocation)
    assert not o.tied and o.ties == ()
    assert o.details["areas"][0]["winner"] is None
    expected = {"X": 2 + 2 + 1, "Y": 2 + 1 + 2} if allocation == "proportional" else {"Y": 10}
    assert o.details["electoral_votes"] == expected
