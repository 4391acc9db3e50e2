"""Spoiler analysis on the bundled 2000 data and on ranked ballots."""

from __future__ import annotations

import pytest

import tally
from tally.analysis.spoilers import drop_candidate, ranked_spoilers, spoilers
from tally.data import us


def nader_row(report, area):
    return next(r for r in report["rows"] if r["area"] == area and r["candidate"].startswith("NADER"))


def test_florida_2000_break_even_from_the_data():
    t = us.president(2000)
    rep = spoilers(t)
    fl = nader_row(rep, "FL")
    i = t.areas.index("FL")
    nader = t.votes[i, t.candidates.index(fl["candidate"])]
    assert fl["margin"] == 537 and fl["votes"] == nader == 97_488
    assert fl["break_even"] == pytest.approx(537 / 97_488)
    assert round(fl["break_even"] * 100, 2) == 0.55
    assert fl["winner"].startswith("BUSH") and fl["runner_up"].startswith("GORE")


def test_new_hampshire_2000():
    fl = nader_row(spoilers(us.president(2000)), "NH")
    assert fl["margin"] == 7_211 and fl["votes"] == 22_198
    assert round(fl["break_even"] * 100, 1) == 32.5
    assert fl["can_flip"]


def test_rows_sorted_and_impossible_rates_marked():
    rows = spoilers(us.president(2000))["rows"]
    assert [r["break_even"] for r in rows] == sorted(r["break_even"] for r in rows)
    assert all(r["can_flip"] == (r["break_even"] < 1) for r in rows)
    assert any(not r["can_flip"] for r in rows)


def test_transfer_matrix_half_of_nader_to_gore():
    rep = spoilers(
        us.president(2000), candidates=["Nader"], transfers={"Nader": {"Gore": 0.5, "abstain": 0.5}}
    )
    result = rep["assumption"]["result"]
    flipped = {f["area"] for f in result["flipped"]}
    # 50 % clears Florida's 0.55 % and New Hampshire's 32.5 %, but no other state's rate
    be = {r["area"]: r["break_even"] for r in rep["rows"] if r["runner_up"].startswith("GORE")}
    assert flipped == {a for a, b in be.items() if b < 0.5}
    assert flipped == {"FL", "NH"}
    gore = us.find_candidate("Gore", us.president(2000).candidates)
    assert result["electoral_votes"][gore] == 267 + 25 + 4  # pledged electors, as `tally ec`


def test_sweep_toward_gore():
    rep = spoilers(us.president(2000), candidates=["Nader"], rates=[0.0, 0.01, 0.4], toward="Gore")
    sweep = rep["sweep"]["NADER, RALPH"]
    assert sweep[0]["flipped"] == []
    assert sweep[1]["flipped"] == ["FL"]
    assert sweep[1]["winner"].startswith("GORE")
    assert set(sweep[2]["flipped"]) == {"FL", "NH"}


def test_drop_candidate_shifts_ranks_and_keeps_ties():
    b = tally.RankedBallots.from_rankings(
        ["A", "B", "C"], [["B", "A", "C"], [{"A", "B"}, "C"], ["C"]], [3, 2, 1]
    )
    d = drop_candidate(b, "B")
    assert d.candidates == ("A", "C")
    # B's rank removed and later ranks moved up; the tie {A, B} became A
    assert dict(d.rankings()) == {("A", "C"): 5, ("C",): 1}
    firsts = tally.count(d, "plurality").scores
    assert firsts == {"A": 5, "C": 1}
    assert d.total == b.total


def test_alaska_2022_palin_is_the_spoiler():
    ballots = tally.data.load("alaska-2022-special")
    rep = ranked_spoilers(ballots, "irv")
    names = {r["candidate"]: r for r in rep["rows"]}
    palin = next(n for n in names if "Palin" in n)
    begich = next(n for n in names if "Begich" in n)
    assert any("Peltola" in w for w in rep["winners"])
    assert any("Begich" in w for w in names[palin]["winner_without"])
    assert names[palin]["spoiler"]
    assert any("Peltola" in w for w in names[begich]["winner_without"])
    assert not names[begich]["spoiler"]


def test_plurality_seat_tallies_uk_break_even_and_sweep():
    from tally.data import uk

    t = uk.general_election(2024)
    rep = spoilers(t, candidates=["RUK"], rates=[0.0, 1.0], toward="Con")
    rows = rep["rows"]
    for r in rows[:20]:
        i = t.areas.index(r["area"])
        v = t.votes[i]
        assert r["votes"] == v[t.candidates.index("RUK")]
        assert r["margin"] == v[t.candidates.index(r["winner"])] - v[t.candidates.index(r["runner_up"])]
        assert r["name"] == t.attributes["name"][i]
    steps = rep["sweep"]["RUK"]
    # withdrawing with every voter abstaining (rate 0) loses only the seats Reform won
    won = {a for a, w in zip(t.areas, t.attributes["winner"]) if w == "RUK"}
    assert len(won) == 5 and set(steps[0]["flipped"]) == won
    assert "RUK" not in steps[0]["seats"]
    # all of Reform's voters to the Conservatives: every seat where Con was second and the
    # Reform vote exceeds the margin flips to Con
    expected = {r["area"] for r in rows if r["runner_up"] == "Con" and r["can_flip"]}
    assert expected <= set(steps[1]["flipped"])


def test_transfer_matrix_withdraws_the_minor_party_and_the_rest_abstains():
    from tally.data import uk

    t = uk.general_election(2024)
    rep = spoilers(t, candidates=["LD"], transfers={"LD": {"Lab": 0.3, "abstain": 0.7}})
    result = rep["assumption"]["result"]
    # a withdrawn party wins nowhere, whatever share of its voters stays at home
    assert "LD" not in result["seats"]
    assert all(a["winner"] != "LD" for a in result["areas"])
    for a in result["areas"][:50]:
        i = t.areas.index(a["area"])
        lab = t.votes[i, t.candidates.index("Lab")] + 0.3 * t.votes[i, t.candidates.index("LD")]
        assert a["votes"].get("LD", 0) == 0
        assert a["votes"].get("Lab", 0) == pytest.approx(lab)


def test_transfer_shares_are_used_exactly_and_quoted_names_work():
    t = us.president(2000)
    buchanan = us.find_candidate("Buchanan", t.candidates)
    assert '"' in buchanan
    share = 1 / 3
    rep = spoilers(t, transfers={buchanan: {"Bush": share}})
    fl = next(a for a in rep["assumption"]["result"]["areas"] if a["area"] == "FL")
    i = t.areas.index("FL")
    bush = us.find_candidate("Bush", t.candidates)
    expected = t.votes[i, t.candidates.index(bush)] + share * t.votes[i, t.candidates.index(buchanan)]
    assert fl["votes"][bush] == expected


def test_ranked_spoilers_multi_seat_compares_who_is_elected():
    ballots = tally.data.load("minneapolis-2009-park")
    rep = ranked_spoilers(ballots, "wigm_stv", seats=3)
    assert len(rep["winners"]) == 3
    for row in rep["rows"]:
        assert row["spoiler"] == (set(row["winner_without"]) != set(row["winner"]))
