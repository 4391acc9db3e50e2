"""The what-if scenario language and its results on the bundled data."""

from __future__ import annotations

import numpy as np
import pytest

from tally.analysis.whatif import apply, parse, whatif
from tally.data import us
from tally.errors import ConfigError


@pytest.fixture(scope="module")
def t2000():
    return us.president(2000)


def names(t):
    return (us.find_candidate(n, t.candidates) for n in ("Bush", "Gore", "Nader"))


def test_half_of_nader_to_gore_in_florida_gives_292_pledged_291_historical(t2000):
    bush, gore, _ = names(t2000)
    r = whatif(t2000, ["Nader -> Gore 50% in FL"])
    assert r["flipped"] == [{"area": "FL", "from": bush, "to": gore, "electoral_votes": 25}]
    # pledged electors by default, as `tally ec` counts them: 267 + Florida's 25
    assert r["actual"]["electoral_votes"][gore] == 267 and r["electors"] == "pledged"
    assert r["electoral_votes"][gore] == 292 and r["winner"] == gore
    # as they voted: DC's faithless abstention is kept in the actual result and the scenario
    h = whatif(t2000, ["Nader -> Gore 50% in FL"], faithless="historical")
    assert h["actual"]["electoral_votes"][gore] == 266 and h["electors"] == "historical"
    assert h["electoral_votes"][gore] == 291


def test_half_of_nader_everywhere_also_flips_new_hampshire(t2000):
    _, gore, _ = names(t2000)
    r = whatif(t2000, ["Nader -> Gore 50%"])
    assert {f["area"] for f in r["flipped"]} == {"FL", "NH"}
    assert r["electoral_votes"][gore] == 267 + 25 + 4
    historical = whatif(t2000, ["Nader -> Gore 50%"], faithless="historical")
    assert historical["electoral_votes"][gore] == 266 + 25 + 4


def test_issue_scenario_state_by_state(t2000):
    bush, gore, nader = names(t2000)
    stmts = ["Nader -> Gore 50%", "Bush -> Gore 1%", "Bush -> other 2%"]
    r = whatif(t2000, stmts)
    new, _ = apply(t2000, [parse(s) for s in stmts])
    b, g, n = (t2000.candidates.index(x) for x in (bush, gore, nader))
    for i, area in enumerate(t2000.areas):
        old = t2000.votes[i]
        assert new.votes[i, g] == pytest.approx(old[g] + 0.5 * old[n] + 0.01 * old[b])
        assert new.votes[i, b] == pytest.approx(0.97 * old[b])
        assert new.votes[i, n] == pytest.approx(0.5 * old[n])
        # moved votes stay in the count: the 2 % with "Other", the other half with Nader
        assert new.votes[i].sum() == pytest.approx(old.sum())
    flipped = {f["area"] for f in r["flipped"]}
    for a in r["areas"]:
        if a["area"] in flipped:
            assert a["winner"] == gore
    assert sum(r["electoral_votes"].values()) == 538  # pledged: every elector votes
    assert r["electoral_votes"][gore] == 267 + sum(f["electoral_votes"] for f in r["flipped"])
    h = whatif(t2000, stmts, faithless="historical")
    assert sum(h["electoral_votes"].values()) == 537  # DC's abstention kept
    assert h["electoral_votes"][gore] == 266 + sum(f["electoral_votes"] for f in h["flipped"])


def test_off_ballot_redistribution(t2000):
    bush, gore, nader = names(t2000)
    new, _ = apply(t2000, [parse("Nader off ballot in TX,CA -> Gore 45%, Bush 20%")])
    n, g, b = (t2000.candidates.index(x) for x in (nader, gore, bush))
    for area in ("TX", "CA"):
        i = t2000.areas.index(area)
        assert new.votes[i, n] == 0
        assert new.votes[i, g] == pytest.approx(t2000.votes[i, g] + 0.45 * t2000.votes[i, n])
        assert new.votes[i, b] == pytest.approx(t2000.votes[i, b] + 0.20 * t2000.votes[i, n])
    i = t2000.areas.index("NY")
    assert new.votes[i, n] == t2000.votes[i, n]


def test_uniform_swing_and_turnout(t2000):
    _, gore, _ = names(t2000)
    g = t2000.candidates.index(gore)
    new, _ = apply(t2000, [parse("swing Bush -> Gore 1pt in FL")])
    i = t2000.areas.index("FL")
    total = t2000.votes[i].sum()
    assert new.votes[i, g] - t2000.votes[i, g] == pytest.approx(0.01 * total)
    assert new.votes[i].sum() == pytest.approx(total)
    new, _ = apply(t2000, [parse("Gore +1pt")])
    assert new.votes[i, g] - t2000.votes[i, g] == pytest.approx(0.01 * total)
    assert new.votes[i].sum() == pytest.approx(total)
    new, _ = apply(t2000, [parse("turnout Gore +5% in FL,OH")])
    assert new.votes[i, g] == pytest.approx(1.05 * t2000.votes[i, g])
    assert new.votes[t2000.areas.index("NY"), g] == t2000.votes[t2000.areas.index("NY"), g]


def test_districts_follow_their_state():
    t = us.president(2020)
    new, _ = apply(t, [parse("Biden -> abstain 10% in NE")])
    d, nd = us.districts(t), us.districts(new)
    b = t.candidates.index(us.find_candidate("Biden", t.candidates))
    j = d.areas.index("NE-2")
    assert nd.votes[j, b] == pytest.approx(0.9 * d.votes[j, b])
    assert nd.votes[d.areas.index("ME-2"), b] == d.votes[d.areas.index("ME-2"), b]


def test_allocation_statement(t2000):
    r = whatif(t2000, ["allocation popular"])
    assert r["allocation"] == "popular"
    gore = us.find_candidate("Gore", t2000.candidates)
    # Gore won the national popular vote in 2000
    assert r["winner"] == gore


@pytest.mark.parametrize(
    "text,token,position",
    [
        ("Nader -> Gore 5O%", "5O%", 15),
        ("Nader => Gore 50%", "=>", 7),
        ("swing Bush -> Gore", None, None),
        ("Nader -> Gore 50% on FL", "on", 19),
    ],
)
def test_parser_errors_name_token_and_position(text, token, position):
    with pytest.raises(ConfigError) as err:
        parse(text)
    message = str(err.value)
    assert text in message
    if token is None:
        assert "end of statement" in message
    else:
        assert f"position {position} ({token!r})" in message


def test_semantic_errors(t2000):
    with pytest.raises(ConfigError, match="Lincoln"):
        whatif(t2000, ["Lincoln -> Gore 5%"])
    with pytest.raises(ConfigError, match="unknown area XX"):
        whatif(t2000, ["Nader -> Gore 5% in XX"])
    with pytest.raises(ConfigError, match="100 %"):
        whatif(t2000, ["Nader -> Gore 60%", "Nader -> Bush 50%"])
    with pytest.raises(ConfigError, match="allocation"):
        parse("allocation lottery")


def test_seat_tallies_uk_2024_transfer_by_region():
    from tally.data import uk

    t = uk.general_election(2024)
    r = whatif(t, ['RUK -> Con 50% in "North East"'])
    assert r["actual"]["seats"]["Lab"] == 411
    regions = dict(zip(t.areas, t.attributes["region"]))
    assert r["flipped"] and all(regions[f["area"]] == "North East" for f in r["flipped"])
    assert all(f["from"] == "Lab" and f["to"] == "Con" and f["seats"] == 1 for f in r["flipped"])
    new, _ = apply(t, [parse('RUK -> Con 50% in "North East"')])
    # every constituency's plurality winner, counted here from the moved votes
    from collections import Counter

    winners = Counter(new.candidates[int(np.argmax(row))] for row in new.votes)
    assert r["seats"] == dict(winners)
    assert sum(r["seats"].values()) == 650
    with pytest.raises(ConfigError, match="allocation"):
        whatif(t, ["allocation proportional"])


def test_house_swing_by_state():
    t = us.house(2018)
    r = whatif(t, ["swing DEMOCRAT -> REPUBLICAN 10pt in TX"])
    assert r["actual"]["seats"] == {"DEMOCRAT": 235, "REPUBLICAN": 200}
    assert r["flipped"] and all(f["area"].startswith("TX-") for f in r["flipped"])
    assert r["seats"]["REPUBLICAN"] == 200 + len(r["flipped"])


def test_one_contest_by_county_sums_the_counties():
    import tally

    f = tally.data.load("florida-2000")
    totals = dict(zip(f.candidates, f.totals()))
    # the machine count's Bush lead of 975 needs a net transfer above 975 / Nader's 96,563
    need = 975 / totals["Nader"]
    below = whatif(f, [f"Nader -> Gore {need * 100 - 0.01:.4f}%"])
    above = whatif(f, [f"Nader -> Gore {need * 100 + 0.01:.4f}%"])
    assert below["winner"] == "Bush" and above["winner"] == "Gore"
    assert above["votes"]["Gore"] == pytest.approx(totals["Gore"] + (need + 0.0001) * totals["Nader"])
    assert above["actual"]["winner"] == "Bush"


def test_off_the_ballot_twice_in_one_area_is_refused():
    t = us.president(2000)
    nader = t.candidates.index(us.find_candidate("Nader", t.candidates))
    gore = t.candidates.index(us.find_candidate("Gore", t.candidates))
    # in different areas both apply
    new, _ = apply(t, [parse("Nader off ballot in FL -> Gore 50%"), parse("Nader off ballot in TX")])
    fl, tx = t.areas.index("FL"), t.areas.index("TX")
    assert new.votes[fl, nader] == new.votes[tx, nader] == 0
    assert new.votes[fl, gore] == t.votes[fl, gore] + 0.5 * t.votes[fl, nader]
    # overlapping: which share holds would depend on the statements' order
    with pytest.raises(ConfigError, match="already off the ballot in FL"):
        apply(t, [parse("Nader off ballot in FL -> Gore 50%"), parse("Nader off ballot -> Bush 10%")])
