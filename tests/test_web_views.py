"""What the pages show, checked without a browser: the seats view, where transferred votes
went, the map's colours under each allocation, and the what-if panel's examples."""

from __future__ import annotations

import numpy as np
import pytest

import tally
import tally.data
from tally.procedures import electoral_college as ec
from tally.report import charts
from tally.web import views


def test_seat_view_of_a_small_dhondt_count_by_hand():
    # D'Hondt, 10 seats, votes 590/300/100/5: the ten largest quotients are A 590, B 300,
    # A 295, A 196.7, B 150, A 147.5, A 118, B 100, C 100, A 98.3: A 6, B 3, C 1
    t = tally.Tallies(("all",), ("A", "B", "C", "D"), np.array([[590.0, 300.0, 100.0, 5.0]]))
    outcome = tally.count(t, "dhondt", seats=10)
    view = views.seat_view(outcome.rounds[0].tally, outcome.details)
    assert [(r["name"], r["seats"]) for r in view["rows"]] == [("A", 6), ("B", 3), ("C", 1)]
    assert view["majority"] == 6 and view["majority_party"] == "A"
    # D has 0.5 % of the votes and no seat: summed among the others
    assert view["others"]["parties"] == 1 and view["others"]["votes"] == 5.0
    # Gallagher by hand: shares of votes 59.30, 30.15, 10.05, 0.50 against seats 60, 30, 10, 0
    v = np.array([590, 300, 100, 5]) / 995 * 100
    s = np.array([60, 30, 10, 0])
    assert view["disproportionality"]["gallagher"] == pytest.approx(np.sqrt(((v - s) ** 2).sum() / 2))


def test_seat_view_is_none_for_a_single_winner():
    outcome = tally.count(tally.data.load("burlington-2009"), "irv")
    assert views.seat_view(outcome.rounds[0].tally, outcome.details) is None


def test_transfers_table_matches_the_rounds_it_explains():
    # IRV records an elimination's transfers in the round it happens, STV in the next;
    # either way a candidate's receipts are what its tally gained
    for rule, options in (("irv", {}), ("wigm_stv", {"seats": 3})):
        outcome = tally.count(tally.data.load("minneapolis-2009-park"), rule, **options)
        table = charts.transfers_table(outcome)
        assert table, rule
        for entry in table:
            assert sum(d["votes"] for d in entry["to"]) == pytest.approx(entry["votes"])
            assert sum(d["share"] for d in entry["to"]) == pytest.approx(1.0)
            assert [d["votes"] for d in entry["to"]] == sorted(
                (d["votes"] for d in entry["to"]), reverse=True
            )
    irv = tally.count(tally.data.load("burlington-2009"), "irv")
    montroll = next(e for e in charts.transfers_table(irv) if e["candidate"] == "Andy Montroll")
    last, before = irv.rounds[-1].tally, irv.rounds[-2].tally
    got = {d["name"]: d["votes"] for d in montroll["to"]}
    for name in ("Bob Kiss", "Kurt Wright"):
        assert got[name] == last[name] - before[name]


def _colours_by_holder(summary):
    figure = charts.ec_map(summary, {})
    data = figure["data"][0]
    return dict(zip(data["ids"], data["marker"]["color"])), dict(zip(data["ids"], data["hovertext"]))


def test_the_map_colours_by_electors_under_every_allocation():
    contest = tally.data.resolve_contest("us-president-2000")
    popular = ec.summary(contest.with_options(allocation="popular"))
    colours, hover = _colours_by_holder(popular)
    assert len(set(colours.values())) == 1  # every elector to the national winner
    assert "led by George W. Bush" in hover["TX"] and hover["TX"].endswith("electors: Al Gore 32")
    proportional = ec.summary(contest.with_options(allocation="proportional"))
    colours, hover = _colours_by_holder(proportional)
    assert "Al Gore" in hover["TX"] and "George W. Bush" in hover["TX"]  # Texas split
    actual = ec.summary(contest)
    colours, hover = _colours_by_holder(actual)
    assert {"ME-1", "ME-2", "NE-1", "NE-2", "NE-3"} <= set(colours)


def test_whatif_examples_use_the_years_own_candidates_and_closest_states():
    contest = tally.data.resolve_contest("us-president-2000")
    ballots = contest.ballots
    examples = views.whatif_examples(ballots.candidates, list(ballots.totals()), ec.summary(contest)["areas"])
    # Florida (537 votes) and New Mexico (366 votes, 0.06 %) were the closest states
    assert examples["states"] == "all states, or FL,NM"
    assert examples["scenario"] == "Nader -> Gore 50%\nswing Bush -> Gore 1pt in FL,NM"


def test_the_examples_in_the_docstrings_run():
    import doctest

    from tally.web import pages

    for module in (views, pages):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module
