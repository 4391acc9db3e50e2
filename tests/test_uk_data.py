"""UK general elections 2019 and 2024 by constituency, and seats under other systems."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

import tally
from tally import data
from tally.analysis.seats import NEW_PARTY, compare, fptp_seats, list_seats, with_new_party
from tally.data import uk


def test_2024_first_past_the_post_seats_from_the_votes():
    t = data.load("uk-general-2024")
    seats = fptp_seats(t)
    assert seats["Labour"] == 411 and seats["Conservative"] == 121 and seats["Liberal Democrat"] == 72
    assert (
        seats["SNP"] == 9 and seats["Independent"] == 6 and seats["Reform UK"] == 5 and seats["Speaker"] == 1
    )
    assert sum(seats.values()) == 650
    # the seats agree with the Library's own winners, constituency by constituency
    assert Counter(t.attributes["winner"]) == Counter(seats)
    assert t.total == 28_808_662


def test_2019_seats_and_valid_votes():
    t = data.load("uk-general-2019")
    seats = fptp_seats(t)
    assert (seats["Conservative"], seats["Labour"], seats["SNP"], seats["Liberal Democrat"]) == (
        365,
        202,
        48,
        11,
    )
    assert t.total == 32_014_110


def test_independents_are_not_added_together_2024():
    t = uk.general_election(2024)
    # in every constituency the Ind column is one candidate: it never exceeds the winner
    ind = t.candidates.index("Ind")
    for i, row in enumerate(t.votes):
        if t.attributes["winner"][i] != "Ind":
            assert row[ind] < row.max()


def test_national_dhondt_beside_fptp_2024():
    t = uk.general_election(2024)
    report = compare(t, rule="dhondt")
    national = report["systems"]["dhondt national"]["seats"]
    assert sum(national.values()) == 650
    assert "Ind" not in national and "Spk" not in national
    # D'Hondt on the national votes, computed independently here
    parties = [p for p in t.candidates if p not in t.metadata["non_party"]]
    votes = np.array([t.totals()[t.candidates.index(p)] for p in parties])
    got = np.zeros(len(parties), dtype=int)
    for _ in range(650):
        got[int(np.argmax(votes / (got + 1)))] += 1
    assert national == {p: int(n) for p, n in zip(parties, got) if n}
    fptp = report["systems"]["fptp"]["measures"]["gallagher"]
    pr = report["systems"]["dhondt national"]["measures"]["gallagher"]
    assert fptp > 20 and pr < 5


def test_regional_list_seats_fill_each_region():
    t = uk.general_election(2024)
    reg = list_seats(t, rule="dhondt", threshold=None, by="region")
    assert sum(reg["seats"].values()) == 650


def test_new_party_with_ten_percent():
    t = uk.general_election(2024)
    report = compare(t, new_party="10%")
    got = report["new_party"]["seats"]
    assert got["fptp"] == fptp_seats(with_new_party(t, 0.10)).get(NEW_PARTY, 0)
    assert got["dhondt national"] > 50  # about 10 % of 650 under PR
    assert got["fptp"] < got["dhondt national"]


def test_threshold_excludes_small_parties():
    t = uk.general_election(2024)
    report = compare(t, threshold="5%")
    national = report["systems"]["dhondt national"]["seats"]
    share = report["vote_share"]
    assert all(share[p] >= 0.05 for p in national)


def test_house_compare_runs_and_notes_unopposed():
    report = compare(tally.data.load("us-house-2018"), threshold="5%")
    assert set(report["systems"]) == {"fptp", "dhondt national", "dhondt by state"}
    assert sum(report["systems"]["dhondt by state"]["seats"].values()) == 435
    assert any("unopposed" in n for n in report["notes"])


def test_unknown_year():
    with pytest.raises(tally.DataError):
        uk.general_election(2017)


def test_chamber_arithmetic_house_2018_with_vacancies():
    from tally.analysis.seats import chamber, majority_needed

    assert majority_needed(435) == 218 and majority_needed(435, vacancies=3) == 217
    report = chamber(tally.data.load("us-house-2018"), vacancies=2)
    assert report["majority"] == 217
    assert report["parties"]["Democratic"] == {"seats": 235, "needed": 0}
    assert report["parties"]["Republican"] == {"seats": 200, "needed": 17}
    zero = next(r for r in report["table"] if r["swing"] == 0)
    assert zero["seats"] == {"Democratic": 235, "Republican": 200}
    # seats move monotonically with the swing toward the first party
    dems = [r["seats"]["Democratic"] for r in report["table"]]
    assert dems == sorted(dems)
    at = report["control_at"]["Republican"]
    row = next(r for r in report["table"] if r["swing"] == at)
    assert row["seats"]["Republican"] >= 217
    closer = [r for r in report["table"] if at < r["swing"]]
    assert all(r["seats"]["Republican"] < 217 for r in closer)
    with pytest.raises(tally.ConfigError):
        majority_needed(435, vacancies=-1)


def test_2024_candidate_file_must_match_the_constituency_file(monkeypatch):
    from tally.errors import DataError

    real = uk._rows

    def one_candidate_missing(name):
        rows = real(name)
        return rows[1:] if name == "HoC-GE2024-results-by-candidate.csv" else rows

    monkeypatch.setattr(uk, "_rows", one_candidate_missing)
    with pytest.raises(DataError, match="Valid votes"):
        uk._build_2024()
