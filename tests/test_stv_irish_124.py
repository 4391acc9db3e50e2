"""Irish STV after the last seats are filled: Electoral Act 1992 s. 124(3).

Once the last vacancies are filled no further transfer is made unless a continuing
candidate not yet credited with more than a quarter of the quota could be, and the
transfer is needed to find out (recoupment of election expenses). These counts elect
nobody; with ``recoupment=False`` the count stops as soon as the seats are filled.
"""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import numpy as np
import pytest

import tally
from tally.ballots import RankedBallots
from tally.rules import stv_irish


def profile(spec: list[tuple[int, list[str]]], names: str) -> RankedBallots:
    rows: list[list[str]] = []
    for n, ranking in spec:
        rows += [ranking] * n
    return RankedBallots.from_rankings(list(names), rows)


def extra(o: tally.Outcome) -> list[int]:
    """Indexes of the s. 124(3) rounds."""
    return [i for i, s in enumerate(o.details["stages"]) if s.get("section") == "124(3)"]


def surplus_profile(a_to_d: int) -> RankedBallots:
    return profile([(a_to_d, ["A", "D"]), (25 - a_to_d, ["A"]), (20, ["B"]), (10, ["C"]), (5, ["D"])], "ABCD")


def test_a_surplus_is_transferred_after_the_seats_are_filled():
    # 60 papers, 2 seats: quota floor(60 / 3) + 1 = 21, a quarter of it 5.25.
    # Count 1: A 25 (elected, surplus 4), B 20, C 10, D 5. One vacancy: B's 20 exceed
    # C 10 + D 5 + the surplus 4 = 19, so s. 124(2) elects B. Both seats are filled.
    # D has 5 <= 5.25, and 4 of A's papers name D next: 5 + 4 = 9 > 5.25, so the surplus
    # must be transferred to find out whether D passes the quarter (s. 124(3)).
    o = tally.count(surplus_profile(4), "irish_stv", seats=2)
    assert o.winners == ("A", "B") and o.rounds[0].elected == ("A", "B")
    assert len(o.rounds) == 2 and extra(o) == [1]
    r2, s2 = o.rounds[1], o.details["stages"][1]
    # Count 2: A's 25 papers are examined; the 4 naming D are no more than the surplus
    # of 4, so all 4 move: D 9, A back to the quota 21. Nobody is elected.
    assert s2["action"] == "surplus" and s2["papers_transferred"] == {"D": 4}
    assert s2["section"] == "124(3)" and s2["quarter_quota"] == 5.25
    assert s2["could_exceed_quarter"] == {"D": {"votes": 5.0, "at_most": 9.0}}
    assert r2.tally == {"A": 21, "B": 20, "C": 10, "D": 9}
    assert r2.elected == () and r2.eliminated == ()
    assert r2.note.startswith("s. 124(3)") and "nobody is elected" in r2.note
    # D now has 9 > 5.25 and C 10 > 5.25: no further transfer.
    rec = o.details["recoupment"]
    assert rec["quarter_quota"] == 5.25 and rec["section_124_3_stages"] == [2]
    assert rec["above_quarter_quota"] == ["A", "B", "C", "D"] and rec["not_above_quarter_quota"] == []
    assert rec["highest_votes"] == {"A": 25.0, "B": 20.0, "C": 10.0, "D": 9.0}
    # 21 + 20 + 10 + 9 = 60: every vote is still credited.
    assert sum(r2.tally.values()) + s2["non_transferable"] + s2["rounding_loss"] == 60
    # Without recoupment the count ends at count 1, as before.
    off = tally.count(surplus_profile(4), "irish_stv", seats=2, recoupment=False)
    assert len(off.rounds) == 1 and off.winners == o.winners and "recoupment" not in off.details


def test_no_transfer_when_it_cannot_lift_anyone_past_the_quarter():
    # As above but no paper of A names D: D's 5 could gain nothing from the surplus, and
    # C (10) has more than D could ever have, so C cannot be excluded before D. Nothing
    # can take D past 5.25: the count stops with the seats filled, D not above the quarter.
    o = tally.count(surplus_profile(0), "irish_stv", seats=2)
    assert o.winners == ("A", "B") and len(o.rounds) == 1 and extra(o) == []
    rec = o.details["recoupment"]
    assert rec["not_above_quarter_quota"] == ["D"] and rec["section_124_3_stages"] == []
    assert rec["settled_without_transfer"] == {}
    assert "124(3)" not in o.rounds[0].note


def exclusion_profile() -> RankedBallots:
    return profile([(21, ["A"]), (20, ["B"]), (10, ["C"]), (4, ["D"]), (3, ["E", "D"]), (2, ["F"])], "ABCDEF")


def test_exclusions_after_the_seats_are_filled():
    # 60 papers, 2 seats: quota 21, a quarter 5.25. Count 1: A 21 (elected, no surplus),
    # B 20, C 10, D 4, E 3, F 2; B's 20 exceed 10 + 4 + 3 + 2 = 19: s. 124(2) elects B.
    # D (4 <= 5.25) could reach 5.25: F (2) and E (3) are below D and could be excluded
    # first, and E's 3 papers name D: 4 + 3 = 7. E (3) and F (2) cannot: nobody below F,
    # and E's only source would be F, whose papers name no one.
    o = tally.count(exclusion_profile(), "irish_stv", seats=2)
    assert o.winners == ("A", "B") and o.rounds[0].elected == ("A", "B")
    assert extra(o) == [1, 2] and len(o.rounds) == 3
    s2, s3 = o.details["stages"][1], o.details["stages"][2]
    # Count 2: F + E = 5 is not below D's 4, and F + E + D = 9 (< C's 10) would be a s. 122
    # group, but it could lift F (2) past 5.25: F is excluded alone, his 2 papers exhaust.
    assert o.rounds[1].eliminated == ("F",) and "excluded_together" not in s2
    assert s2["could_exceed_quarter"] == {"D": {"votes": 4.0, "at_most": 7.0}}
    assert o.rounds[1].tally == {"A": 21, "B": 20, "C": 10, "D": 4, "E": 3}
    assert o.rounds[1].inactive["exhausted"] == 2 and o.rounds[1].continuing == 58
    # Count 3: D could still reach 7; E (3) is excluded and his 3 papers go to D: 7.
    assert o.rounds[2].eliminated == ("E",)
    assert s3["could_exceed_quarter"] == {"D": {"votes": 4.0, "at_most": 7.0}}
    assert o.rounds[2].transfers == {"E": {"D": 3.0, "exhausted": 0.0}}
    assert o.rounds[2].tally == {"A": 21, "B": 20, "C": 10, "D": 7}
    # D 7 > 5.25 and C 10 > 5.25: the count stops.
    for r in o.rounds[1:]:
        assert r.elected == () and "s. 124(3)" in r.note
        assert r.continuing + sum(r.inactive.values()) == 60
    rec = o.details["recoupment"]
    assert rec["above_quarter_quota"] == ["A", "B", "C", "D"]
    assert rec["not_above_quarter_quota"] == ["E", "F"]
    assert rec["highest_votes"]["E"] == 3.0 and rec["highest_votes"]["F"] == 2.0


def test_one_continuing_candidate_is_settled_without_a_transfer():
    # 49 papers, 2 seats: quota floor(49 / 3) + 1 = 17, a quarter 4.25. Count 1: A 25 and
    # B 20 are elected (surpluses 8 and 3); C, the only continuing candidate, has 4.
    # Two of A's papers name C next, none of B's: the surpluses would give C exactly
    # min(8, 2) + min(3, 0) = 2, so C would have 6 > 4.25, known without a transfer.
    b = profile([(2, ["A", "C"]), (23, ["A"]), (20, ["B"]), (4, ["C"])], "ABC")
    o = tally.count(b, "irish_stv", seats=2)
    assert o.winners == ("A", "B") and len(o.rounds) == 1 and extra(o) == []
    rec = o.details["recoupment"]
    assert rec["settled_without_transfer"] == {"C": {"votes": 4.0, "with_transfers": 6.0}}
    assert "C, the only continuing candidate, would be credited with 6" in o.rounds[0].note
    # No paper of A naming C: C stays at 4, which nothing can change.
    b0 = profile([(25, ["A"]), (20, ["B"]), (4, ["C"])], "ABC")
    assert tally.count(b0, "irish_stv", seats=2).details["recoupment"]["settled_without_transfer"] == {}


# -- random profiles -------------------------------------------------------------------------


def random_profiles(count: int, seed: int):
    """Random profiles with some small candidates and, often, a surplus at the first count."""
    rng = np.random.default_rng(seed)
    for _ in range(count):
        c = int(rng.integers(4, 9))
        names = [chr(65 + i) for i in range(c)]
        popularity = rng.dirichlet(np.full(c, 0.4))
        seats = int(rng.integers(1, min(4, c - 1) + 1))
        rows = []
        for _ in range(int(rng.integers(20, 150))):
            order = [names[i] for i in rng.choice(c, size=c, replace=False, p=popularity)]
            marks: list = order[: int(rng.integers(1, c + 1))]
            if rng.random() < 0.05:
                marks.insert(int(rng.integers(1, len(marks) + 1)), None)
            rows.append(marks)
        yield RankedBallots.from_rankings(names, rows), seats


def run(b: RankedBallots, seats: int, seed: int, **options) -> tally.Outcome:
    return tally.count(b, "irish_stv", seats=seats, seed=seed, **options)


def same_count(short: tally.Outcome, long: tally.Outcome) -> None:
    """``long`` is ``short`` with s. 124(3) counts after it and nothing else changed."""
    n = len(short.rounds)
    assert long.winners == short.winners
    assert long.details["elected_order"] == short.details["elected_order"]
    assert long.rounds[: n - 1] == short.rounds[: n - 1]
    last, other = long.rounds[n - 1], short.rounds[n - 1]
    assert last.note.startswith(other.note)  # at most a s. 124(3) remark is added
    assert last == dataclasses.replace(other, note=last.note)
    assert long.details["stages"][:n] == short.details["stages"][:n]
    assert long.ties[: len(short.ties)] == short.ties
    assert extra(long) == list(range(n, len(long.rounds)))


def test_random_counts_gain_only_stages_that_elect_nobody(monkeypatch):
    seen = {"counts": 0, "surplus": 0, "exclusion": 0, "settled": 0}
    plain = {}
    profiles = list(random_profiles(150, seed=124))
    with monkeypatch.context() as m:
        m.setattr(stv_irish.IrishCount, "_recoupment_stages", lambda self: None)
        for k, (b, seats) in enumerate(profiles):
            plain[k] = run(b, seats, k)
    for k, (b, seats) in enumerate(profiles):
        o = run(b, seats, k)
        same_count(plain[k], o)
        rec = o.details["recoupment"]
        quarter = Fraction(rec["quarter_quota"])
        seen["settled"] += bool(rec["settled_without_transfer"])
        seen["counts"] += bool(extra(o))
        assert rec["section_124_3_stages"] == [i + 1 for i in extra(o)]
        for i in extra(o):
            r, s = o.rounds[i], o.details["stages"][i]
            seen[s["action"]] += 1
            assert r.elected == () and r.note.startswith("s. 124(3)")
            assert not set(r.eliminated) & set(o.winners)
            # Made for a candidate at or below the quarter who could pass it.
            assert s["could_exceed_quarter"]
            for name, v in s["could_exceed_quarter"].items():
                assert o.rounds[i - 1].tally[name] == v["votes"] <= quarter < v["at_most"]
        for r, s in zip(o.rounds, o.details["stages"]):
            assert r.continuing + sum(r.inactive.values()) == b.total
            assert sum(r.tally.values()) + s["non_transferable"] + s["rounding_loss"] == pytest.approx(
                o.details["valid"]
            )
        # Who passed the quarter, from the rounds themselves.
        highest = {n: max((r.tally.get(n, 0.0) for r in o.rounds), default=0.0) for n in b.candidates}
        assert rec["highest_votes"] == highest
        assert rec["above_quarter_quota"] == [n for n in b.candidates if highest[n] > quarter]
        assert rec["not_above_quarter_quota"] == [n for n in b.candidates if highest[n] <= quarter]
        # Same seed, same count, byte for byte.
        assert json.dumps(o.to_json(), sort_keys=True) == json.dumps(
            run(b, seats, k).to_json(), sort_keys=True
        )
    # Each kind of s. 124(3) step is met often enough for the checks to mean something.
    assert seen["counts"] >= 20 and seen["surplus"] >= 10 and seen["exclusion"] >= 10, seen
    assert seen["settled"] >= 2, seen


def test_stopping_is_safe_on_random_profiles(monkeypatch):
    # Counting on regardless (while any continuing candidate is at or below the quarter)
    # never lifts past the quarter a candidate the count left there: the transfers left
    # unmade were not needed.
    profiles = list(random_profiles(80, seed=7))
    stopped = [run(b, seats, k) for k, (b, seats) in enumerate(profiles)]
    real = stv_irish.IrishCount._recoupment_reach
    monkeypatch.setattr(
        stv_irish.IrishCount,
        "_recoupment_reach",
        lambda self, c, hopeful: max(real(self, c, hopeful), self.quarter + 1),
    )
    longer = 0
    for k, (b, seats) in enumerate(profiles):
        o = stopped[k]
        forced = run(b, seats, k)
        assert forced.winners == o.winners
        longer += len(forced.rounds) > len(o.rounds)
        left = {n for n in o.details["recoupment"]["not_above_quarter_quota"]}
        assert not left & set(forced.details["recoupment"]["above_quarter_quota"]), k
    assert longer >= 10


def test_without_the_shortcuts_recoupment_changes_only_the_end_of_the_count():
    # With ss. 121-122 off, the recoupment option matters only after the seats are
    # filled: with it off, the count is the same up to there and stops.
    for k, (b, seats) in enumerate(random_profiles(80, seed=12)):
        on = run(b, seats, k, defer_surplus=False, exclude_several=False)
        off = run(b, seats, k, defer_surplus=False, exclude_several=False, recoupment=False)
        same_count(off, on)
