"""Irish STV's surplus deferment and multiple exclusion (Electoral Act 1992 ss. 121-122) and
the ERS97 rules for equal votes at the last places (5.6.2) and the end of the count (5.5)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tally
from tally.ballots import RankedBallots
from tally.errors import ConfigError

OFF = {"defer_surplus": False, "exclude_several": False}


def profile(spec: list[tuple[int, list[str]]], names: str) -> RankedBallots:
    rows: list[list[str]] = []
    for n, ranking in spec:
        rows += [ranking] * n
    return RankedBallots.from_rankings(list(names), rows)


def stage(o: tally.Outcome, number: int) -> dict:
    return o.details["stages"][number - 1]


# -- s. 121: deferment -------------------------------------------------------------------------


def deferment_profile() -> RankedBallots:
    return profile([(9, ["A", "B"]), (5, ["B"]), (4, ["C"]), (3, ["D"]), (1, ["E"])], "ABCDE")


def test_irish_defers_a_surplus_that_cannot_change_the_next_exclusion():
    # 22 papers, 2 seats: quota floor(22 / 3) + 1 = 8; a quarter of it is 2.
    # Count 1: A 9 is elected with a surplus of 9 - 8 = 1.
    # s. 121: B (highest continuing) 5 + 1 = 6 < 8, nobody can be elected; E (lowest)
    # 1 + 1 = 2 < D's 3, E stays lowest; E has 1 <= 2 and 1 + 1 = 2 does not exceed 2,
    # so E cannot reach the recoupment vote either. The surplus waits; E is excluded.
    o = tally.count(deferment_profile(), "irish_stv", seats=2)
    r1, r2, r3, r4 = o.rounds
    assert r1.threshold == 8 and r1.tally == {"A": 9, "B": 5, "C": 4, "D": 3, "E": 1}
    assert r1.elected == ("A",)
    # Count 2: E's one paper has no further preference; A keeps its untransferred surplus.
    assert r2.eliminated == ("E",) and r2.elected == ()
    assert r2.tally == {"A": 9, "B": 5, "C": 4, "D": 3}
    assert r2.inactive["exhausted"] == 1 and r2.continuing == 21
    assert "deferred under s. 121" in r2.note
    assert stage(o, 2)["deferred"] == {
        "surpluses": {"A": 1.0},
        "total": 1.0,
        "highest": {"B": 5.0},
        "lowest": {"E": 1.0},
        "next_lowest": {"D": 3.0},
        "quarter_quota": 2.0,
    }
    # Count 3: D 3 + 1 = 4 is not below C's 4 any more, so the surplus moves: A's nine
    # first-count papers all go on to B, 9 x 1 / 9 = 1 paper. B 6, A back to the quota 8.
    assert stage(o, 3)["action"] == "surplus" and "deferred" not in stage(o, 3)
    assert stage(o, 3)["papers_transferred"] == {"B": 1}
    assert r3.tally == {"A": 8, "B": 6, "C": 4, "D": 3}
    # Count 4: D (3) is excluded, his paper exhausts; then one vacancy and B's 6 exceed
    # C's 4 with no surplus left, so s. 124(2) elects B.
    assert r4.eliminated == ("D",) and r4.elected == ("B",)
    assert "more votes than all the other continuing candidates" in r4.note
    assert o.winners == ("A", "B")


def test_irish_without_deferment_transfers_the_surplus_first():
    # The same count with the shortcuts off: count 2 moves A's surplus (B 6), then E and D
    # go one at a time. The elected candidates are the same.
    o = tally.count(deferment_profile(), "irish_stv", seats=2, **OFF)
    assert [s["action"] for s in o.details["stages"]] == [
        "first preferences",
        "surplus",
        "exclusion",
        "exclusion",
    ]
    assert o.rounds[1].tally == {"A": 8, "B": 6, "C": 4, "D": 3, "E": 1}
    assert o.rounds[2].eliminated == ("E",) and o.rounds[3].eliminated == ("D",)
    assert o.winners == ("A", "B")


def recoupment_profile() -> RankedBallots:
    return profile([(20, ["A", "B"]), (10, ["B"]), (9, ["C"]), (8, ["D"]), (4, ["E"])], "ABCDE")


def test_irish_transfers_a_surplus_that_could_give_the_lowest_the_recoupment_vote():
    # 51 papers, 2 seats: quota floor(51 / 3) + 1 = 18, a quarter 4.5. A's surplus is 2.
    # B 10 + 2 = 12 < 18 and E 4 + 2 = 6 < D's 8, but E has 4 <= 4.5 and 4 + 2 = 6 > 4.5:
    # the surplus could qualify E for recoupment, so it is transferred (all 20 of A's
    # papers name B next: B gets 2 papers).
    o = tally.count(recoupment_profile(), "irish_stv", seats=2)
    assert o.rounds[0].threshold == 18
    assert stage(o, 2)["action"] == "surplus" and stage(o, 2)["papers_transferred"] == {"B": 2}
    assert o.rounds[1].tally == {"A": 18, "B": 12, "C": 9, "D": 8, "E": 4}
    # Without the recoupment condition the surplus waits and E goes at once.
    no_recoup = tally.count(recoupment_profile(), "irish_stv", seats=2, recoupment=False)
    assert no_recoup.rounds[1].eliminated == ("E",)
    assert stage(no_recoup, 2)["deferred"]["quarter_quota"] is None
    assert no_recoup.rounds[1].tally == {"A": 20, "B": 10, "C": 9, "D": 8}


def test_irish_recoupment_quota_for_a_bye_election():
    # With the quarter taken of a quota of 8 (say the full constituency's), 2 < E's 4: E
    # already exceeds it and the surplus may wait.
    o = tally.count(recoupment_profile(), "irish_stv", seats=2, recoupment_quota=8)
    assert o.rounds[1].eliminated == ("E",)
    assert stage(o, 2)["deferred"]["quarter_quota"] == 2.0
    with pytest.raises(ConfigError, match="recoupment_quota"):
        tally.count(recoupment_profile(), "irish_stv", seats=2, recoupment_quota=0)
    with pytest.raises(ConfigError, match="defer_surplus"):
        tally.count(recoupment_profile(), "irish_stv", seats=2, defer_surplus="yes")


# -- s. 122: several candidates excluded together ----------------------------------------------


def several_profile(d: int = 4) -> RankedBallots:
    return profile(
        [(37, ["A"]), (35, ["B"]), (30, ["C"]), (d, ["D", "C"]), (3, ["E", "B"]), (2, ["F"])], "ABCDEF"
    )


def test_irish_excludes_the_lowest_candidates_together():
    # 111 papers, 2 seats: quota floor(111 / 3) + 1 = 38, a quarter 9.5; nobody elected.
    # Lowest F 2, E 3, D 4: F + E = 5 is not below D's 4 + ... (5 >= 4), but F + E + D
    # = 9 < C's 30, and adding C (39) is not below B's 35. Three candidates remain for
    # two seats. All three are under 9.5, and 9 together cannot take any of them past it.
    o = tally.count(several_profile(), "irish_stv", seats=2)
    r2 = o.rounds[1]
    assert r2.eliminated == ("F", "E", "D")
    assert stage(o, 2)["excluded_together"] == {
        "candidates": ["F", "E", "D"],
        "votes": {"F": 2.0, "E": 3.0, "D": 4.0},
        "total": 9.0,
        "untransferred_surpluses": 0.0,
        "next_above": {"C": 30.0},
    }
    assert "excluded together under s. 122" in r2.note
    # D's 4 papers go to C (34), E's 3 to B (35 + 3 = 38, the quota: elected), F's 2 exhaust.
    assert r2.transfers == {
        "F": {"exhausted": 2.0},
        "E": {"B": 3.0, "exhausted": 0.0},
        "D": {"C": 4.0, "exhausted": 0.0},
    }
    assert r2.tally == {"A": 37, "B": 38, "C": 34}
    assert r2.elected[0] == "B"
    # One vacancy: A's 37 exceed C's 34 (no surplus), s. 124(2).
    assert r2.elected == ("B", "A") and len(o.rounds) == 2
    assert o.winners == ("B", "A")
    assert r2.continuing + sum(r2.inactive.values()) == 111


def test_irish_recoupment_stops_a_group_that_could_lift_one_past_a_quarter_quota():
    # D 5: 112 papers, quota 38, quarter 9.5. F + E + D = 10 > 9.5 while F (2) is under
    # it, so that group is not used; F + E = 5 is not below D's 5. F goes alone.
    o = tally.count(several_profile(5), "irish_stv", seats=2)
    assert o.rounds[1].eliminated == ("F",) and "excluded_together" not in stage(o, 2)
    loose = tally.count(several_profile(5), "irish_stv", seats=2, recoupment=False)
    assert loose.rounds[1].eliminated == ("F", "E", "D")
    assert o.winners == loose.winners == ("B", "A")


def test_irish_defers_and_excludes_together_in_one_count():
    # 278 papers, 3 seats: quota floor(278 / 4) + 1 = 70, a quarter 17.5. A 72 is elected
    # with a surplus of 2. D (highest) 60 + 2 = 62 < 70; F (lowest) 20 + 2 = 22 < E's 25;
    # F has 20 > 17.5 already: the surplus waits (s. 121). F + E + 2 = 47 < C's 50, and
    # adding C (97) is not below B's 51: F and E go together (s. 122).
    b = profile(
        [(72, ["A", "D"]), (51, ["B"]), (50, ["C"]), (60, ["D"]), (25, ["E", "B"]), (20, ["F", "C"])],
        "ABCDEF",
    )
    o = tally.count(b, "irish_stv", seats=3)
    r2 = o.rounds[1]
    assert r2.eliminated == ("F", "E")
    assert stage(o, 2)["deferred"]["surpluses"] == {"A": 2.0}
    assert stage(o, 2)["excluded_together"]["total"] == 45.0
    assert stage(o, 2)["excluded_together"]["untransferred_surpluses"] == 2.0
    # C 50 + 20 = 70 and B 51 + 25 = 76 both reach the quota; the seats are filled and
    # A's surplus is never transferred.
    assert r2.tally == {"A": 72, "B": 76, "C": 70, "D": 60}
    assert r2.elected == ("B", "C")
    assert o.winners == ("A", "B", "C") and len(o.rounds) == 2
    off = tally.count(b, "irish_stv", seats=3, **OFF)
    # Without the shortcuts: A's surplus (D 62), F (C 70 elected), E (B 76 elected).
    assert [s["action"] for s in off.details["stages"]] == [
        "first preferences",
        "surplus",
        "exclusion",
        "exclusion",
    ]
    assert set(off.winners) == set(o.winners)


def test_irish_shortcuts_unused_where_the_act_does_not_allow_them():
    # Quota 6 of 16, A's surplus of 3: C (highest continuing) 4 + 3 reaches 6, so the
    # surplus must be transferred; afterwards B and C are level, no group can form.
    b = profile([(7, ["A", "B"]), (2, ["A", "C"]), (3, ["B"]), (4, ["C"])], "ABC")
    on = tally.count(b, "irish_stv", seats=2)
    off = tally.count(b, "irish_stv", seats=2, **OFF)
    assert all("deferred" not in s and "excluded_together" not in s for s in on.details["stages"])
    assert on.rounds == off.rounds and on.winners == off.winners


# -- properties on random profiles ---------------------------------------------------------------


def draw(
    rng: np.random.Generator, names: list[str], popularity: np.ndarray, first: str | None = None
) -> list[str]:
    """One ranking, candidates drawn by popularity (``first`` moved to the top)."""
    order = [names[i] for i in rng.choice(len(names), size=len(names), replace=False, p=popularity)]
    if first is not None:
        order.remove(first)
        order.insert(0, first)
    return order[: int(rng.integers(1, len(names) + 1))]


def random_profiles(count: int, seed: int):
    """Random profiles; every other one has A just over the quota (a small surplus that
    s. 121 may defer), the others whatever the draw gives (often a group of small
    candidates for s. 122)."""
    rng = np.random.default_rng(seed)
    for k in range(count):
        c = int(rng.integers(4, 8))
        names = [chr(65 + i) for i in range(c)]
        popularity = rng.dirichlet(np.full(c, 0.6))
        seats = int(rng.integers(1, min(4, c - 1) + 1))
        rows = [draw(rng, names, popularity) for _ in range(int(rng.integers(20, 120)))]
        if k % 2:
            others = [r for r in rows if r[0] != "A"]
            surplus, a = int(rng.integers(1, 4)), 1
            while a < (len(others) + a) // (seats + 1) + 1 + surplus:
                a += 1
            rows = others + [draw(rng, names, popularity, "A") for _ in range(a)]
        yield RankedBallots.from_rankings(names, rows), seats


def first_shortcut(o: tally.Outcome) -> int | None:
    for i, s in enumerate(o.details["stages"]):
        if "deferred" in s or "excluded_together" in s:
            return i
    return None


def test_irish_shortcuts_only_skip_steps_the_act_says_cannot_matter():
    """Against the same count with ss. 121-122 switched off, on random profiles.

    The shortcuts can change the outcome (a later surplus is drawn from different papers,
    the random draws fall differently), so the elected sets are not compared. What the
    Act guarantees is checked instead: the two counts agree up to the first shortcut;
    from there the count without shortcuts transfers the deferred surpluses electing
    nobody, and then excludes exactly the candidates the shortcut excluded (one at a
    time, in some order), none of whom is ever elected — unless s. 124 fills the last
    seats first. Where no shortcut applies the two counts are identical.
    """
    used = {"deferred": 0, "excluded_together": 0}
    for b, seats in random_profiles(200, seed=2024):
        on = tally.count(b, "irish_stv", seats=seats, seed=5)
        off = tally.count(b, "irish_stv", seats=seats, seed=5, **OFF)
        i = first_shortcut(on)
        if i is None:
            assert on.rounds == off.rounds and on.winners == off.winners
            continue
        assert on.rounds[:i] == off.rounds[:i]
        shortcut = on.details["stages"][i]
        for key in used:
            used[key] += key in shortcut
        out = set(on.rounds[i].eliminated)
        rest = list(zip(off.rounds[i:], off.details["stages"][i:]))
        n_deferred = len(shortcut["deferred"]["surpluses"]) if "deferred" in shortcut else 0
        ended = False
        for r, s in rest[:n_deferred]:
            assert s["action"] == "surplus"
            if "remaining candidates elected" in r.note:
                ended = True
                break
            assert r.elected == ()
        seen: set[str] = set()
        last = i + n_deferred - 1
        for r, s in rest[n_deferred:]:
            if ended or seen == out:
                break
            assert s["action"] == "exclusion"
            assert set(r.eliminated) <= out
            seen |= set(r.eliminated)
            assert not out & set(r.elected)
            ended = "remaining candidates elected" in r.note
            last = r.number - 1
        # All of them excluded, or the count ended there: the seats were filled (by
        # s. 124, or by others reaching the quota) before the last of them had to go.
        assert seen == out or ended or last == len(off.rounds) - 1
        assert not out & set(off.winners)
    # The profiles exercise both sections.
    assert used["deferred"] >= 5 and used["excluded_together"] >= 5


def test_irish_accounting_and_determinism_on_random_profiles():
    for b, seats in random_profiles(60, seed=7):
        o = tally.count(b, "irish_stv", seats=seats, seed=11)
        for r, s in zip(o.rounds, o.details["stages"]):
            assert r.continuing + sum(r.inactive.values()) == b.total
            assert sum(r.tally.values()) + s["non_transferable"] + s["rounding_loss"] == pytest.approx(
                b.total
            )
        again = tally.count(b, "irish_stv", seats=seats, seed=11)
        assert json.dumps(o.to_json(), sort_keys=True) == json.dumps(again.to_json(), sort_keys=True)
    o = tally.count(several_profile(), "irish_stv", seats=2)
    assert o.options["defer_surplus"] is True and o.options["exclude_several"] is True


# -- ERS97 5.6.2 and 5.5 -------------------------------------------------------------------------


def test_ers97_equal_at_every_stage_none_deemed_elected():
    # 10 votes, 1 seat: quota 10 / 2 = 5.00. Stage 1: B 4, C 4, D 1, E 1; D and E
    # (1 + 1 = 2, not above C's 4) are excluded together (5.2.5): D's paper goes to C,
    # E's to B, so B 5 and C 5 both reach the quota with one place. They were equal at
    # stage 1 too, so neither is deemed elected at this stage (5.6.2). The exclusion of
    # one of them (by lot, 5.2.5) would leave one continuing candidate for one place, so
    # that one is deemed elected (5.5.1) and the other formally excluded (5.5.2).
    b = profile([(4, ["B"]), (4, ["C"]), (1, ["D", "C"]), (1, ["E", "B"])], "BCDE")
    winners = set()
    for seed in range(6):
        o = tally.count(b, "ers97_stv", seats=1, seed=seed)
        r2 = o.rounds[1]
        assert len(o.rounds) == 2 and r2.tally == {"B": 5, "C": 5} and r2.threshold == 5
        assert "none of them is deemed elected at this stage (ERS97 5.6.2)" in r2.note
        assert "(ERS97 5.5.1)" in r2.note
        assert stage(o, 2)["not_deemed_elected"] == ["B", "C"]
        elect_tie, lot = o.ties
        assert elect_tie.purpose == "elect" and elect_tie.chosen == () and elect_tie.round == 2
        assert lot.purpose == "eliminate" and lot.round == 2 and "random" in lot.detail
        loser = lot.chosen[0]
        assert o.winners == tuple({"B", "C"} - {loser})
        assert stage(o, 2)["formally_excluded"] == [loser]
        winners.add(o.winners[0])
    assert winners == {"B", "C"}


def test_ers97_equal_votes_for_the_last_place_settled_by_the_first_stage():
    # 11 votes, 1 seat: quota 5.50. Stage 1: B 5, C 4, D 1, E 1; D and E go together.
    # D's paper to C (5), E's exhausts: non-transferable 1 before anyone is elected, so the
    # quota is recomputed from 10 votes: 5.00 (5.4.8). B and C both have 5; at stage 1 B
    # had more, so B is deemed elected (5.6.2) and C formally excluded.
    b = profile([(5, ["B"]), (4, ["C"]), (1, ["D", "C"]), (1, ["E"])], "BCDE")
    o = tally.count(b, "ers97_stv", seats=1)
    r2 = o.rounds[1]
    assert o.rounds[0].threshold == 5.5 and r2.threshold == 5.0
    assert r2.tally == {"B": 5, "C": 5} and r2.elected == ("B",)
    (tie,) = o.ties
    assert tie.purpose == "elect" and tie.chosen == ("B",) and "earliest stage" in tie.detail
    assert stage(o, 2)["formally_excluded"] == ["C"]
    assert o.winners == ("B",)
