"""`tally seats --rule districts`: each area fills its own seats; no seat total is asked for or passed."""

from __future__ import annotations

import json


def test_districts_on_data_without_a_seats_attribute_counts_one_seat_per_area(cli, tmp_path):
    votes = tmp_path / "votes.csv"
    votes.write_text("area,A,B\nd1,5,3\nd2,2,4\nd3,6,1\n", encoding="utf-8")
    code, out, err = cli("seats", str(votes), "--rule", "districts", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["rule"] == "districts" and report["seats"] == {"A": 2, "B": 1}


def test_districts_ignores_a_dataset_seat_total(cli):
    # the census dataset says 435 seats (for apportionment); districts fills one per area
    code, out, err = cli("seats", "us-census-2020", "--rule", "districts", "--json")
    assert code == 0, err
    assert sum(json.loads(out)["seats"].values()) == 50


def test_a_seat_total_with_districts_is_refused_by_name(cli):
    code, _, err = cli("seats", "uk-general-2019", "--rule", "districts", "--seats", "650")
    assert code == 2 and "--seats does not apply to districts" in err
