"""The bundled US presidential, House and Senate data load as published."""

from __future__ import annotations

import numpy as np
import pytest

import tally
from tally import data
from tally.data import us, us_president
from tally.errors import ConfigError, DataError


def votes(t, area, name):
    return int(
        t.votes[t.areas.index(area), t.candidates.index(us.find_candidate(name, t.candidates, t.totals()))]
    )


def test_president_2000_florida_certified_totals():
    t = data.load("us-president-2000")
    assert votes(t, "FL", "Bush") == 2_912_790
    assert votes(t, "FL", "Gore") == 2_912_253
    assert votes(t, "FL", "Nader") == 97_488
    assert votes(t, "FL", "Buchanan") == 17_484
    assert votes(t, "FL", "Bush") - votes(t, "FL", "Gore") == 537


@pytest.mark.parametrize("year", us.PRESIDENT_YEARS)
def test_every_row_is_counted_and_538_electors(year):
    t = us.president(year)
    assert sum(t.attributes["electoral_votes"]) == 538
    assert len(t.areas) == 51
    if year <= 2020:
        # every MEDSL row of the year lands in a column: the state sums equal totalvotes
        import csv

        path = data.DATA_DIR / "us-president" / "1976-2020-president.csv"
        totals = {}
        with path.open(newline="") as handle:
            for rec in csv.DictReader(handle):
                if rec["year"] == str(year):
                    totals[rec["state_po"]] = int(rec["totalvotes"])
        for i, area in enumerate(t.areas):
            assert t.votes[i].sum() == totals[area], area


def test_fusion_lines_are_summed_new_york():
    t = us.president(2000)
    # NY 2000: Gore on DEMOCRAT 3,942,215 + WORKING FAMILIES 88,395 + LIBERAL 77,087
    assert votes(t, "NY", "Gore") == 3_942_215 + 88_395 + 77_087
    t24 = us.president(2024)
    assert votes(t24, "NY", "Harris") == 4_341_375 + 277_820


def test_maine_nebraska_districts_attached():
    d = us.districts(us.president(2020))
    assert d.areas == ("ME-1", "ME-2", "NE-1", "NE-2", "NE-3")
    assert d.candidates == us.president(2020).candidates
    assert int(d.votes[d.areas.index("NE-2"), d.candidates.index("BIDEN, JOSEPH R. JR")]) == 176_468
    assert us.districts(us.president(1996)) is None


def test_named_write_ins_are_candidates():
    # DC 2020 flags every row as a write-in; the named ones stay candidates
    t = us.president(2020)
    assert votes(t, "DC", "Biden") == 317_323


def test_find_candidate_by_surname_case_insensitive():
    t = us.president(2024)
    assert us.find_candidate("harris", t.candidates, t.totals()) == "Kamala Harris"
    with pytest.raises(ConfigError, match="several"):
        us.find_candidate("harris", t.candidates)
    with pytest.raises(ConfigError, match="nobody|no candidate"):
        us.find_candidate("Lincoln", t.candidates)


def test_find_candidate_ambiguous_surname_is_an_error():
    with pytest.raises(ConfigError, match="several"):
        us.find_candidate("Smith", ("John Smith", "Jane Smith"))


def test_unknown_year_is_a_data_error():
    with pytest.raises(DataError, match="1977"):
        us.president(1977)


def test_florida_2000_county_machine_counts_not_certified():
    t = data.load("florida-2000")
    assert len(t.areas) == 67 and "Dade" in t.areas
    totals = dict(zip(t.candidates, t.totals()))
    assert totals["George W. Bush"] - totals["Al Gore"] == 975  # the machine count, not the certified 537
    assert "not certified" in data.get("florida-2000").title.lower().replace(
        "not the certified", "not certified"
    )


def test_house_2018_has_435_districts_and_seats():
    t = us.house(2018)
    assert len(t.areas) == 435
    winners = [t.candidates[int(np.argmax(row))] for row in t.votes]
    seats = {p: winners.count(p) for p in set(winners)}
    # 2018: Democrats 235; NC-09's uncertified count shows Harris (R) ahead
    assert seats["DEMOCRAT"] == 235
    assert seats["REPUBLICAN"] == 200


def test_house_unopposed_flag():
    t = us.house(2018)
    flagged = [a for a, u in zip(t.areas, t.attributes["unopposed"]) if u]
    assert flagged
    for a in flagged:
        assert t.votes[t.areas.index(a)].sum() == 1


def test_house_delegations_cover_states():
    dele = us.house_delegations(2020)
    assert len(dele) == 50
    assert sum(sum(v.values()) for v in dele.values()) == 435


def test_senate_alaska_2022_official_rcv_rounds():
    rounds = data.load("us-senate-2022-ak-rcv")
    assert [r["round"] for r in rounds["rounds"]] == [1, 2, 3]
    final = rounds["rounds"][-1]["votes"]
    assert final["Lisa Murkowski"] == 136_330 and final["Kelly C. Tshibaka"] == 117_534
    assert rounds["winner"] == "Lisa Murkowski"


def test_datasets_registered():
    ids = {d.id for d in data.datasets()}
    for needed in (
        "us-president-2000",
        "us-president-2024",
        "florida-2000",
        "us-house-2018",
        "us-senate-2022-ak-rcv",
    ):
        assert needed in ids
    for d in data.datasets():
        if d.id.startswith(("us-", "florida")):
            assert d.readme.exists(), d.id


@pytest.mark.parametrize(
    "key,build,files",
    [
        (
            "us-president-2016",
            lambda: us.build_president(2016),
            [
                ("us-president", "1976-2020-president.csv"),
                ("us-president", "538-election_results_presidential.csv"),
            ],
        ),
        ("us-house-2018", lambda: us.build_house(2018), [("us-house", "1976-2020-house.csv")]),
    ],
)
def test_parquet_cache_round_trip(tmp_path, monkeypatch, key, build, files):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path))
    calls = []

    def counting_build():
        calls.append(1)
        return build()

    first = us.cached(key, files, counting_build)
    second = us.cached(key, files, counting_build)
    assert len(calls) == 1 and list((tmp_path / "datasets").glob(f"{key}-*.parquet"))
    import duckdb

    con = duckdb.connect(str(tmp_path / "tally.duckdb"))
    assert con.execute(f'SELECT count(*) FROM "dataset/{key}"').fetchone()[0] == len(first.areas)
    con.close()
    for a, b in ((first, second), (us.districts(first), us.districts(second))):
        if a is None:
            assert b is None
            continue
        assert a.areas == b.areas and a.candidates == b.candidates
        assert np.array_equal(a.votes, b.votes)
        assert dict(a.attributes) == dict(b.attributes)
        assert dict(a.parties) == dict(b.parties)
    meta_a = {k: v for k, v in first.metadata.items() if k != "districts"}
    meta_b = {k: v for k, v in second.metadata.items() if k != "districts"}
    assert tally.outcome.to_jsonable(meta_a) == tally.outcome.to_jsonable(meta_b)
    # the rule gives the same result on both
    if "electoral_votes" in first.attributes:
        assert tally.count(first, "ec").to_json() == tally.count(second, "ec").to_json()


def test_senate_maine_rcv_rounds_decided_in_round_one():
    for year, winner in ((2018, "Angus S. King Jr."), (2020, "Susan M. Collins")):
        contest = data.load(f"us-senate-{year}-me-rcv")
        assert len(contest["rounds"]) == 1 and contest["winner"] == winner
        votes = contest["rounds"][0]["votes"]
        assert next(iter(votes)) == winner  # most votes first
        named = {k: v for k, v in votes.items() if k not in ("Blank", "Other")}
        if year == 2018:
            assert votes[winner] * 2 > sum(named.values())  # a majority of the votes for candidates


@pytest.mark.parametrize(
    "year,label",
    [
        (2000, "NOT DESIGNATED"),
        (2020, "BLANK VOTES"),
        (2020, "UNDERVOTES"),
        (2016, "NONE OF THE ABOVE"),
        (2004, "WORKERS WORLD"),
    ],
)
def test_rows_naming_no_person_are_other_not_candidates(year, label):
    import csv

    from tally.data import DATA_DIR

    t = us.president(year)
    assert label not in t.candidates
    with (DATA_DIR / "us-president" / "1976-2020-president.csv").open(newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["year"] == str(year)]
    labelled = [r for r in rows if r["candidate"].strip() == label]
    assert labelled
    # every vote of the file still counts somewhere: the label's votes are in Other
    state = labelled[0]["state_po"]
    in_state = [r for r in rows if r["state_po"] == state]
    named = {us_president._medsl_name(r) for r in in_state} - {us.OTHER}
    other = sum(int(r["candidatevotes"]) for r in in_state if us_president._medsl_name(r) == us.OTHER)
    assert int(labelled[0]["candidatevotes"]) <= other
    assert t.votes[t.areas.index(state), t.candidates.index(us.OTHER)] == other
    assert t.votes[t.areas.index(state)].sum() == sum(int(r["candidatevotes"]) for r in in_state)
    assert named <= set(t.candidates)


def test_burlington_2009_final_round_as_the_preflib_readme_states():
    # the figures src/tally/data/preflib/README.md gives for the bundled file
    from tally.compare import counting
    from tally.data import resolve_contest
    from tally.procedures import count

    contest = resolve_contest("burlington-2009")
    final = count(counting(contest)).rounds[-1]
    assert (final.tally["Bob Kiss"], final.tally["Kurt Wright"]) == (4313, 4060)
    assert final.inactive["overvote"] == 5
    skip = count(counting(contest, overvote="skip")).rounds[-1]
    assert (skip.tally["Bob Kiss"], skip.tally["Kurt Wright"]) == (4316, 4061)
