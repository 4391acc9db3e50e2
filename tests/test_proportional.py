"""Party-list PR: the Austrian Nationalrat, textbook examples, thresholds, districts, top-up, ties.

Textbook example (100,000 / 80,000 / 30,000 / 20,000 votes, 8 seats): the worked example
of the D'Hondt and Sainte-Laguë method articles (Wikipedia, "D'Hondt method" and
"Webster/Sainte-Laguë method"); the largest-remainder results below were checked by hand:
Hare quota 28,750 gives quotas 3.478 / 2.783 / 1.043 / 0.696, so whole seats 3+2+1+0 and the
two largest remainders go to B (.783) and D (.696); Droop quota ⌊230,000/9⌋+1 = 25,556 gives
3.913 / 3.130 / 1.174 / 0.783, whole seats 3+3+1+0 and the last seat to A (.913).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import tally
from tally import data
from tally.data.parliaments import AUSTRIA_YEARS
from tally.errors import ConfigError, RuleError
from tally.rules.proportional import constituency_winners, parse_threshold

PARTIES = ("A", "B", "C", "D")
VOTES = [100_000, 80_000, 30_000, 20_000]


def national(votes=VOTES, parties=None) -> tally.Tallies:
    parties = PARTIES[: len(votes)] if parties is None else parties
    return tally.Tallies(("all",), tuple(parties), np.array([votes], dtype=float))


# -- the Austrian Nationalrat: the "must show" -------------------------------------------


@pytest.mark.parametrize("year", sorted(AUSTRIA_YEARS))
def test_austria_dhondt_4_percent_reproduces_official_seats(year):
    tallies = data.load(f"austria-nationalrat-{year}")
    official = tallies.metadata["official_results"]
    outcome = tally.count(tallies, "dhondt", seats=183, threshold="4%")
    won = {party: n for party, n in outcome.details["seats"].items() if n}
    assert won == official
    assert sum(outcome.details["seats"].values()) == 183
    assert set(outcome.winners) == set(official)
    # Every party below 4 % is excluded and named.
    total = tallies.votes.sum()
    below = {p for p, v in zip(tallies.candidates, tallies.totals()) if 0 < v < 0.04 * total}
    assert set(outcome.details["excluded"]) == below


def test_austria_threshold_matters():
    """Without the 4 % bar D'Hondt gives small parties seats in some years: the test above can fail."""
    differs = []
    for year in sorted(AUSTRIA_YEARS):
        tallies = data.load(f"austria-nationalrat-{year}")
        plain = tally.count(tallies, "dhondt", seats=183)
        won = {p: n for p, n in plain.details["seats"].items() if n}
        if won != tallies.metadata["official_results"]:
            differs.append(year)
    assert differs  # e.g. 2019: JETZT (1.9 %) would win seats without the threshold


def test_austria_2019_outcome_json_is_deterministic():
    tallies = data.load("austria-nationalrat-2019")
    one = tally.count(tallies, "dhondt", seats=183, threshold=0.04).to_json()
    two = tally.count(data.load("austria-nationalrat-2019"), "dhondt", seats=183, threshold=0.04).to_json()
    assert one == two
    outcome = tally.count(tallies, "dhondt", seats=183, threshold="4 %")
    assert outcome.winners[0] == "ÖVP"  # the first seat goes to the largest party
    assert len(outcome.details["sequence"]) == 183
    assert outcome.details["sequence"][0]["quotient"] == pytest.approx(1_789_417)


# -- textbook examples ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("dhondt", {"A": 4, "B": 3, "C": 1, "D": 0}),
        ("sainte_lague", {"A": 3, "B": 3, "C": 1, "D": 1}),
        ("hare_lr", {"A": 3, "B": 3, "C": 1, "D": 1}),
        ("droop_lr", {"A": 4, "B": 3, "C": 1, "D": 0}),
        # Imperiali (divisors 2, 3, 4, ...): 50,000 A, 40,000 B, 33,333 A, 26,667 B,
        # 25,000 A, 20,000 A, 20,000 B, 16,667 A; C's best is 15,000.
        ("imperiali", {"A": 5, "B": 3, "C": 0, "D": 0}),
    ],
)
def test_textbook_example(rule, expected):
    outcome = tally.count(national(), rule, seats=8)
    assert outcome.details["seats"] == expected
    assert set(outcome.winners) == {p for p, n in expected.items() if n}
    assert not outcome.tied


def test_dhondt_sequence_and_winner_order():
    outcome = tally.count(national(), "dhondt", seats=8)
    # 100,000 A; 80,000 B; 50,000 A; 40,000 B; 33,333 A; 30,000 C; 26,667 B; 25,000 A
    assert [e["party"] for e in outcome.details["sequence"]] == ["A", "B", "A", "B", "A", "C", "B", "A"]
    assert outcome.winners == ("A", "B", "C")
    # Seat 9 would be a three-way tie: 100,000/5 = 80,000/4 = 20,000/1.
    assert outcome.details["next_seat"] == ["A", "B", "D"]
    assert outcome.scores == {"A": 4.0, "B": 3.0, "C": 1.0, "D": 0.0}


def test_modified_sainte_lague_exact_tie_is_a_real_tie():
    """A's 100,000/7 and D's 20,000/1.4 are the same number: a tie for seat 8, not float noise."""
    assert Fraction(100_000, 7) == Fraction(20_000) / Fraction(7, 5)
    outcome = tally.count(national(), "modified_sainte_lague", seats=8)
    assert outcome.tied
    assert outcome.details["tied_seats"] == {"parties": ["A", "D"], "seats": 1}
    assert outcome.details["seats"] == {"A": 3, "B": 3, "C": 1, "D": 0}
    assert outcome.ties[0].tied == ("A", "D")
    assert "D" in outcome.winners  # a tied party might win, so it is reported
    # Settled by votes (previous_round compares the vote totals): A has more.
    settled = tally.count(national(), "modified_sainte_lague", seats=8, tiebreak="previous_round")
    assert settled.details["seats"] == {"A": 4, "B": 3, "C": 1, "D": 0}
    assert not settled.tied and settled.ties[0].chosen == ("A",)
    by_order = tally.count(national(), "modified_sainte_lague", seats=8, tiebreak="order")
    assert by_order.details["seats"]["A"] == 4
    drawn = [
        tally.count(national(), "modified_sainte_lague", seats=8, tiebreak="random", seed=s) for s in range(8)
    ]
    assert {o.ties[0].chosen for o in drawn} == {("A",), ("D",)}


def test_tie_that_fits_is_not_a_tie():
    outcome = tally.count(national([50, 50, 10]), "dhondt", seats=2)
    assert outcome.details["seats"] == {"A": 1, "B": 1, "C": 0}
    assert not outcome.tied and not outcome.ties


def test_largest_remainder_tie():
    # Hare quota 10: remainders 0.5 / 0.5, one seat left.
    outcome = tally.count(national([15, 15]), "hare_lr", seats=3)
    assert outcome.tied
    assert outcome.details["tied_seats"] == {"parties": ["A", "B"], "seats": 1}
    settled = tally.count(national([15, 15]), "hare_lr", seats=3, tiebreak="order")
    assert settled.details["seats"] == {"A": 2, "B": 1}


# -- thresholds -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["4%", "4 %", 0.04, "0.04", Fraction(1, 25)])
def test_threshold_forms(value):
    assert parse_threshold(value) == Fraction(1, 25)


@pytest.mark.parametrize("value", [4, "4", "four %", -0.1, "150%"])
def test_bad_thresholds(value):
    with pytest.raises(ConfigError):
        parse_threshold(value)


def test_threshold_is_at_least():
    # C has exactly 10 % of 300 votes: it qualifies (the bar is "at least").
    tallies = national([200, 70, 30], ("A", "B", "C"))
    outcome = tally.count(tallies, "sainte_lague", seats=10, threshold="10%")
    assert outcome.details["excluded"] == []
    assert outcome.details["seats"]["C"] == 1
    cut = tally.count(tallies, "sainte_lague", seats=10, threshold="10.5%")
    assert cut.details["excluded"] == ["C"]
    assert cut.details["seats"] == {"A": 7, "B": 3, "C": 0}
    assert cut.rounds[0].eliminated == ("C",)
    assert cut.details["below_threshold_votes"] == 30
    assert any("threshold" in w for w in cut.warnings)


def test_seats_required_and_positive():
    with pytest.raises(ConfigError):
        tally.count(national(), "dhondt")
    with pytest.raises(ConfigError):
        tally.count(national(), "dhondt", seats=0)
    with pytest.raises(RuleError):
        tally.count(national([0, 0]), "dhondt", seats=2)


# -- several districts ------------------------------------------------------------------


def test_multi_district_lists():
    votes = np.array([[600, 350, 100], [200, 500, 300]], dtype=float)
    t = tally.Tallies(("North", "South"), ("A", "B", "C"), votes, attributes={"seats": (5, 4)})
    outcome = tally.count(t, "dhondt")
    # North: 600 A, 350 B, 300 A, 200 A, 175 B (C's 100 is too low).
    assert outcome.details["districts"]["North"] == {"A": 3, "B": 2}
    # South: 500 B, 300 C, 250 B, 200 A.
    assert outcome.details["districts"]["South"] == {"A": 1, "B": 2, "C": 1}
    assert outcome.details["seats"] == {"A": 4, "B": 4, "C": 1}
    assert outcome.details["seats_to_fill"] == 9
    assert [r.note for r in outcome.rounds[1:3]] == [
        "seats in district North (5)",
        "seats in district South (4)",
    ]


@pytest.mark.parametrize("bad", ["x", 2.5, None, 0])
def test_district_seats_attribute_must_be_whole(bad):
    votes = np.array([[600, 350, 100], [200, 500, 300]], dtype=float)
    t = tally.Tallies(("North", "South"), ("A", "B", "C"), votes, attributes={"seats": (5, bad)})
    with pytest.raises(ConfigError, match="'South'"):
        tally.count(t, "dhondt")
    one = tally.Tallies(("all",), ("A", "B", "C"), votes[:1], attributes={"seats": (bad,)})
    with pytest.raises(ConfigError, match="'all'"):
        tally.count(one, "dhondt")


def test_district_seats_given_as_text_count_as_numbers():
    votes = np.array([[600, 350, 100], [200, 500, 300]], dtype=float)
    as_text = tally.Tallies(("North", "South"), ("A", "B", "C"), votes, attributes={"seats": ("5", "4")})
    as_ints = tally.Tallies(("North", "South"), ("A", "B", "C"), votes, attributes={"seats": (5, 4)})
    assert tally.count(as_text, "dhondt").details["seats"] == tally.count(as_ints, "dhondt").details["seats"]


def test_multi_district_sum_and_district_threshold():
    votes = np.array([[600, 300, 100], [200, 500, 300]], dtype=float)
    t = tally.Tallies(("North", "South"), ("A", "B", "C"), votes, attributes={"seats": (4, 4)})
    outcome = tally.count(t, "dhondt", tiebreak="order")
    # North 4: 600 A, 300 A, 300 B (tie at 300, both fit), 200 A -> A3 B1
    assert outcome.details["districts"]["North"] == {"A": 3, "B": 1}
    assert outcome.details["districts"]["South"] == {"A": 1, "B": 2, "C": 1}
    assert outcome.details["seats"] == {"A": 4, "B": 3, "C": 1}
    # A 25 % district bar removes A in South (20 %): 500 B, 300 C, 250 B, 166.7 B
    cut = tally.count(t, "dhondt", district_threshold="25%", tiebreak="order")
    assert cut.details["districts"]["South"] == {"B": 3, "C": 1}
    assert cut.details["districts"]["North"] == {"A": 3, "B": 1}
    with pytest.raises(ConfigError):
        tally.count(t, "dhondt", seats=10)


def test_threshold_alternative_by_district_seats():
    # C has 8.3 % nationally but is strong in one district.
    votes = np.array([[900, 800, 20], [400, 300, 280]], dtype=float)
    t = tally.Tallies(("X", "Y"), ("A", "B", "C"), votes, attributes={"seats": (5, 3)})
    total = votes.sum()
    assert 300 / total < 0.12
    cut = tally.count(t, "dhondt", threshold="12%", tiebreak="order")
    assert cut.details["seats"]["C"] == 0 and "C" in cut.details["excluded"]
    # In Y without the national bar: 400 A, 300 B, 280 C -> C wins a district seat, so it qualifies.
    rescued = tally.count(t, "dhondt", threshold="12%", threshold_alternative=1, tiebreak="order")
    assert rescued.details["qualified_by_district_seats"] == ["C"]
    assert rescued.details["seats"]["C"] == 1


# -- mixed-member top-up ----------------------------------------------------------------


def test_top_up_without_overhang():
    # 10 seats: entitlement by Sainte-Laguë on 50/30/20 -> 5/3/2; constituencies 4/1/0.
    t = national([50, 30, 20], ("A", "B", "C"))
    outcome = tally.count(t, "sainte_lague", seats=10, constituency_seats={"A": 4, "B": 1})
    assert outcome.details["seats"] == {"A": 5, "B": 3, "C": 2}
    assert outcome.details["list_seats"] == {"A": 1, "B": 2, "C": 2}
    assert outcome.details["overhang"] == {}


@pytest.mark.parametrize(
    ("mode", "expected", "house"),
    [
        ("keep", {"A": 7, "B": 3, "C": 2}, 12),  # A keeps 2 overhang seats, house 12
        ("fixed", {"A": 7, "B": 2, "C": 1}, 10),  # B and C share 3 seats by 30:20 -> 2:1
        # levelling: the smallest house whose Sainte-Laguë share gives A 7: 14 seats
        # (50/30/20 of 14 -> 7/4/3).
        ("level", {"A": 7, "B": 4, "C": 3}, 14),
    ],
)
def test_top_up_overhang(mode, expected, house):
    t = national([50, 30, 20], ("A", "B", "C"))
    outcome = tally.count(t, "sainte_lague", seats=10, constituency_seats={"A": 7}, overhang=mode)
    assert outcome.details["seats"] == expected
    assert outcome.details["house_size"] == house
    assert sum(expected.values()) == house


def test_top_up_threshold_alternative_by_constituencies():
    # NZ style: a vote share or one electorate seat. C has 6 % (bar 7 %) and won an electorate.
    t = national([600, 340, 60], ("A", "B", "C"))
    won = {"A": 10, "C": 1}
    plain = tally.count(t, "sainte_lague", seats=40, threshold="7%", constituency_seats=won)
    # C keeps its electorate seat outside the count; A and B share 39 seats: 24.9 / 14.1 -> 25 / 14.
    assert plain.details["seats"] == {"A": 25, "B": 14, "C": 1}
    rescued = tally.count(
        t, "sainte_lague", seats=40, threshold="7%", threshold_alternative=1, constituency_seats=won
    )
    assert rescued.details["qualified_by_district_seats"] == ["C"]
    # Quotas 24 / 13.6 / 2.4 -> 24 / 14 / 2.
    assert rescued.details["seats"] == {"A": 24, "B": 14, "C": 2}
    assert rescued.details["list_seats"] == {"A": 14, "B": 14, "C": 1}
    with pytest.raises(ConfigError):
        tally.count(t, "dhondt", seats=20, constituency_seats={"Z": 1})


def test_constituency_winners():
    fptp = tally.Tallies(("c1", "c2", "c3"), ("A", "B"), np.array([[5, 3], [1, 9], [7, 2]], dtype=float))
    assert constituency_winners(fptp) == {"A": 2, "B": 1}
    tied = tally.Tallies(("c1",), ("A", "B"), np.array([[4, 4]], dtype=float))
    with pytest.raises(ConfigError):
        constituency_winners(tied)


# -- differential: the apportionment package (Lackner) on random inputs -----------------

apportionment = pytest.importorskip("apportionment.methods")

PEER_NAMES = {
    "dhondt": "dhondt",
    "sainte_lague": "saintelague",
    "modified_sainte_lague": "modified_saintelague",
    "hare_lr": "largest_remainder",
}


@pytest.mark.parametrize("rule", sorted(PEER_NAMES))
def test_against_apportionment_package(rule):
    rng = np.random.default_rng(20240611)
    compared = 0
    for _ in range(300):
        parties = int(rng.integers(2, 8))
        votes = [int(v) for v in rng.integers(0, 5000, size=parties)]
        if sum(votes) == 0:
            continue
        seats = int(rng.integers(1, 30))
        try:
            expected = apportionment.compute(
                PEER_NAMES[rule], votes, seats, fractions=True, tiesallowed=False, verbose=False
            )
        except apportionment.TiesException:
            continue
        got = tally.count(national(votes, [f"P{i}" for i in range(parties)]), rule, seats=seats)
        if got.tied:
            continue
        assert [got.details["seats"][f"P{i}"] for i in range(parties)] == list(expected), (votes, seats)
        compared += 1
    assert compared > 200


# -- invariants on random inputs --------------------------------------------------------

LIST_RULES = ("dhondt", "sainte_lague", "modified_sainte_lague", "imperiali", "hare_lr", "droop_lr")


@pytest.mark.parametrize("rule", LIST_RULES)
def test_every_seat_is_filled_and_json_is_stable(rule):
    rng = np.random.default_rng(LIST_RULES.index(rule))
    for _ in range(60):
        n = int(rng.integers(1, 7))
        votes = [int(v) for v in rng.integers(0, 300, size=n)]
        if sum(votes) == 0:
            continue
        seats = int(rng.integers(1, 25))
        t = national(votes, [f"P{i}" for i in range(n)])
        outcome = tally.count(t, rule, seats=seats, tiebreak="random", seed=5)
        assert sum(outcome.details["seats"].values()) == seats
        assert all(outcome.details["seats"][f"P{i}"] == 0 for i in range(n) if votes[i] == 0)
        assert outcome.to_json() == tally.count(t, rule, seats=seats, tiebreak="random", seed=5).to_json()
        left = tally.count(t, rule, seats=seats)
        if left.tied:
            gap = left.details["tied_seats"]["seats"]
            assert sum(left.details["seats"].values()) == seats - gap
            assert gap < len(left.details["tied_seats"]["parties"])


def test_hare_lr_and_dhondt_satisfy_quota_bounds():
    rng = np.random.default_rng(11)
    for _ in range(100):
        n = int(rng.integers(2, 7))
        votes = [int(v) for v in rng.integers(1, 1000, size=n)]
        seats = int(rng.integers(1, 30))
        t = national(votes, [f"P{i}" for i in range(n)])
        quotas = [Fraction(v * seats, sum(votes)) for v in votes]
        hare = tally.count(t, "hare_lr", seats=seats, tiebreak="order").details["seats"]
        dhondt = tally.count(t, "dhondt", seats=seats, tiebreak="order").details["seats"]
        for i, q in enumerate(quotas):
            s = hare[f"P{i}"]
            assert q - 1 < s < q + 1  # Hamilton stays within quota
            assert dhondt[f"P{i}"] >= int(q)  # D'Hondt satisfies lower quota


def test_district_with_no_eligible_list_is_named():
    votes = np.array([[600, 300], [0, 0]], dtype=float)
    t = tally.Tallies(("North", "Empty"), ("A", "B"), votes, attributes={"seats": (3, 2)})
    with pytest.raises(RuleError, match="Empty"):
        tally.count(t, "dhondt")


def test_threshold_alternative_without_district_seats_warns():
    outcome = tally.count(national(), "dhondt", seats=8, threshold="10%", threshold_alternative=1)
    assert any("threshold_alternative" in w for w in outcome.warnings)
    assert outcome.details["excluded"] == ["D"]


def test_fixed_house_when_one_party_overhangs_everything():
    t = national([50, 30, 20], ("A", "B", "C"))
    outcome = tally.count(t, "dhondt", seats=10, constituency_seats={"A": 10}, overhang="fixed")
    assert outcome.details["seats"] == {"A": 10, "B": 0, "C": 0}
    with pytest.raises(RuleError):
        tally.count(t, "dhondt", seats=10, constituency_seats={"A": 11}, overhang="fixed")
