"""The ``districts`` rule: seats per party from area-by-area plurality, the default of
chamber datasets (UK general elections, US House)."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from typer.testing import CliRunner

import tally
from tally import data
from tally.analysis.seats import fptp_seats
from tally.cli import app
from tally.compare import applicable_rules, compare_outcomes
from tally.data import resolve_contest
from tally.errors import ConfigError
from tally.procedures import count
from tally.rules import get_rule

runner = CliRunner()


def _tallies(votes, seats=None, metadata=None):
    areas = tuple(f"d{i + 1}" for i in range(len(votes)))
    attributes = {} if seats is None else {"seats": tuple(seats)}
    return tally.Tallies(
        areas, ("A", "B", "C"), np.array(votes, dtype=float), attributes=attributes, metadata=metadata or {}
    )


def test_uk_2024_seats_match_the_published_result_and_the_librarys_winners():
    t = data.load("uk-general-2024")
    o = tally.count(t, "districts")
    seats = o.details["seats"]
    assert seats["Lab"] == 411 and seats["Con"] == 121 and seats["LD"] == 72
    assert sum(seats.values()) == o.details["seats_total"] == 650
    # constituency by constituency, the winner is the Library's First party
    assert [a["winner"] for a in o.details["areas"]] == list(t.attributes["winner"])
    assert Counter({p: n for p, n in seats.items() if n}) == Counter(t.attributes["winner"])
    assert o.details["majority"] == 326 and o.details["majority_party"] == "Lab"
    assert o.winners[:3] == ("Lab", "Con", "LD")
    assert o.scores["Lab"] == 411 and not o.tied and o.warnings == ()
    # the summed votes are still reported, beside the seats
    assert o.rounds[0].tally["Lab"] == float(t.totals()[t.candidates.index("Lab")])
    assert o.ballots["read"] == t.total


def test_each_area_reports_winner_margin_and_votes():
    t = data.load("uk-general-2024")
    o = tally.count(t, "districts")
    for i in (0, 123, 649):
        row = np.sort(t.votes[i])[::-1]
        area = o.details["areas"][i]
        assert area["area"] == t.areas[i]
        assert area["margin"] == row[0] - row[1]
        assert sum(area["votes"].values()) == t.votes[i].sum()


@pytest.mark.parametrize("dataset", ["uk-general-2019", "uk-general-2024", "us-house-2018", "us-house-2016"])
def test_districts_is_the_default_rule_of_chamber_datasets(dataset):
    contest = resolve_contest(dataset)
    o = count(contest)
    assert o.rule == "districts" and not contest.overridden
    assert {p: n for p, n in o.details["seats"].items() if n} == fptp_seats(contest.ballots)


def test_an_area_without_votes_is_reported_and_allocates_nothing():
    # the 2016 file has no vote rows for FL-24 (an unopposed race)
    o = tally.count(data.load("us-house-2016"), "districts")
    assert o.details["no_votes"] == ["FL-24"] and o.details["unallocated"] == 1
    assert sum(o.details["seats"].values()) == 434
    assert any("FL-24" in w for w in o.warnings)
    o = tally.count(_tallies([[0, 0, 0], [3, 1, 0]]), "districts")
    assert o.details["no_votes"] == ["d1"] and o.details["seats"] == {"A": 1, "B": 0, "C": 0}
    assert o.details["areas"][0]["winner"] is None and o.details["areas"][0]["margin"] is None


def test_a_tied_area_is_reported_not_hidden():
    t = _tallies([[5, 5, 1], [1, 2, 7], [4, 1, 0]])
    o = tally.count(t, "districts")
    assert o.tied and o.details["unallocated"] == 1
    assert o.details["seats"] == {"A": 1, "B": 0, "C": 1}
    assert o.details["tied_areas"] == [{"area": "d1", "tied": ["A", "B"], "seats": 1, "chosen": None}]
    assert o.details["areas"][0]["margin"] == 0 and o.details["areas"][0]["tied"] == ["A", "B"]
    assert [(tie.tied, tie.mode, tie.chosen) for tie in o.ties] == [(("A", "B"), "all", ())]
    assert any("d1" in w and "tied" in w for w in o.warnings)
    # a tie-break mode settles it, and the tie is still recorded
    o = tally.count(t, "districts", tiebreak="order")
    assert not o.tied and o.details["seats"] == {"A": 2, "B": 0, "C": 1}
    assert o.details["tied_areas"][0]["chosen"] == "A"
    assert [(tie.tied, tie.mode, tie.chosen) for tie in o.ties] == [(("A", "B"), "order", ("A",))]
    drawn = {
        tally.count(t, "districts", tiebreak="random", seed=s).details["tied_areas"][0]["chosen"]
        for s in range(20)
    }
    assert drawn == {"A", "B"}


def test_seats_per_area_and_winners_by_seats():
    t = _tallies([[5, 3, 1], [2, 4, 1], [6, 1, 0]], seats=[1, 5, 2])
    o = tally.count(t, "districts")
    assert o.details["seats"] == {"A": 3, "B": 5, "C": 0}
    assert o.winners == ("B", "A") and o.details["majority"] == 5 and o.details["majority_party"] == "B"
    assert [a["margin"] for a in o.details["areas"]] == [2, 2, 5]


def test_a_column_of_lumped_votes_wins_no_seat():
    t = _tallies([[2, 1, 9], [5, 1, 2]], metadata={"pseudo_candidates": ("C",)})
    o = tally.count(t, "districts")
    assert o.details["seats"] == {"A": 2, "B": 0, "C": 0}
    assert o.details["areas"][0]["margin"] == 1
    assert any("lumped" in w and "d1" in w for w in o.warnings)


def test_bad_seats_attribute_is_a_clear_error():
    with pytest.raises(ConfigError, match="'seats' of district 'd2'"):
        tally.count(_tallies([[1, 0, 0], [0, 1, 0]], seats=[1, 0]), "districts")


def test_aliases_and_compare():
    assert get_rule("fptp_seats").name == get_rule("single_member_districts").name == "districts"
    contest = resolve_contest("uk-general-2024")
    report = compare_outcomes(contest, applicable_rules("tallies", None), source="uk-general-2024")
    assert report["results"]["districts"]["winners"][:2] == ["Lab", "Con"]
    assert report["results"]["plurality"]["winners"] == ["Lab"]


def test_cli_count_shows_seats_per_party():
    result = runner.invoke(app, ["count", "uk-general-2024"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "seats won area by area" in text
    assert "Lab │ 411 │" in text and "Con │ 121 │" in text
    assert "Majority under districts: Lab (411 of 650 seats; 326 needed)" in text
    assert "--rule plurality" in text
    assert "✓" not in text
    summed = runner.invoke(app, ["count", "uk-general-2024", "--rule", "plurality"])
    assert summed.exit_code == 0 and "votes summed over all areas" in summed.output
    out = json.loads(runner.invoke(app, ["count", "us-house-2018", "--json"]).output)
    assert out["rule"] == "districts" and sum(out["details"]["seats"].values()) == 435


def test_web_api_counts_the_seats(tmp_path, monkeypatch):
    pytest.importorskip("fastapi")
    monkeypatch.setenv("TALLY_HOME", str(tmp_path))
    from fastapi.testclient import TestClient

    from tally.web import create_app

    with TestClient(create_app()) as client:
        response = client.get("/api/count", params={"dataset": "uk-general-2024"})
        assert response.status_code == 200
        body = response.json()
        assert body["rule"] == "districts" and body["details"]["seats"]["Lab"] == 411
        response = client.get("/api/count", params={"dataset": "uk-general-2024", "rule": "plurality"})
        assert response.json()["winners"] == ["Lab"] and response.json()["rule"] == "plurality"


def test_report_shows_seats():
    pytest.importorskip("plotly")
    from tally.report import render_report

    page, _ = render_report("uk-general-2024")
    assert "Lab 411, Con 121" in page and "Majority (326): Lab" in page
