"""STV under the overvote rules that read an overvote by the candidates still in the running.

Each Gregory-family rule reads a paper's next preference as the ballot walk does, with the
hopeful candidates as the continuing ones; Meek and Warren read it given the candidates not
excluded. The hand-worked example below is checked stage by stage, and the weighted
inclusive Gregory and the Meek and Warren counts against plain references written here, on
random small profiles with overvotes.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from tally.ballots import RankedBallots
from tally.errors import ConfigError
from tally.rules.stv import ers97_stv, irish_stv, scottish_stv, wigm_stv
from tally.rules.stv_meek import meek_stv, warren_stv

NAMED = ("exhaust_if_multiple", "single_continuing", "split")
GREGORY = (scottish_stv, wigm_stv, ers97_stv, irish_stv)

# 17 papers, 2 seats, quota 6. A is elected with a surplus of 2, passed on at 1/4 per
# paper to an overvote {B, C}. exhaust, skip, exhaust_if_multiple: the surplus is lost,
# C (2) is excluded, then B (3) below D (4): A and D. split: B and C gain 1 each (B 4,
# C 3, D 4); C is excluded and its parts go to B, the one of the overvote left: B 5,
# D 4, A and B. single_continuing: the surplus waits (B 3, C 2, D 4); C is excluded and
# the papers come back to B at 1/4 each: B 5, D 4, A and B. Under ERS97 and the Irish
# rules only transferable papers leave an elected candidate: a paper set aside at the
# overvote is not transferable then, so it stays with A as part of the quota: A and D.
EXAMPLE = [["A", {"B", "C"}]] * 8 + [["B"]] * 3 + [["C"]] * 2 + [["D"]] * 4
EXPECTED = {
    "exhaust": ("A", "D"),
    "skip": ("A", "D"),
    "exhaust_if_multiple": ("A", "D"),
    "single_continuing": ("A", "B"),
    "split": ("A", "B"),
}


def example() -> RankedBallots:
    return RankedBallots.from_rankings(["A", "B", "C", "D"], EXAMPLE)


@pytest.mark.parametrize("overvote", sorted(EXPECTED))
@pytest.mark.parametrize("rule", GREGORY, ids=lambda f: f.__name__)
def test_gregory_rules_on_the_hand_example(rule, overvote):
    if rule is irish_stv and overvote == "split":
        with pytest.raises(ConfigError, match="overvote='split'"):
            rule(example(), seats=2, overvote=overvote)
        return
    out = rule(example(), seats=2, overvote=overvote)
    if overvote == "single_continuing" and rule in (ers97_stv, irish_stv):
        assert out.winners == ("A", "D")
        return
    assert out.winners == EXPECTED[overvote]
    if rule is ers97_stv:
        return  # its quota is 17/3 cut to two places, and surpluses move only when they can matter
    surplus = out.rounds[1].tally
    assert surplus["A"] == 6
    if overvote == "split":
        assert (surplus["B"], surplus["C"], surplus["D"]) == (4, 3, 4)
    else:
        assert (surplus["B"], surplus["C"], surplus["D"]) == (3, 2, 4)
    if overvote == "single_continuing":
        assert out.rounds[1].inactive["overvote"] == 8
        # C's exclusion: its own papers exhaust, the waiting ones come back to B
        assert out.rounds[2].tally["B"] == 5
        assert out.rounds[2].inactive["overvote"] == 0


@pytest.mark.parametrize("rule", (meek_stv, warren_stv), ids=lambda f: f.__name__)
def test_meek_and_warren_set_an_overvote_aside_while_several_remain(rule):
    assert rule(example(), seats=2, overvote="exhaust").winners == ("A", "D")
    out = rule(example(), seats=2, overvote="single_continuing")
    assert out.winners == ("A", "B")
    assert out.rounds[0].inactive["overvote"] == 0  # A's papers stop at A, not yet at {B, C}


@pytest.mark.parametrize("rule", (meek_stv, warren_stv), ids=lambda f: f.__name__)
def test_meek_and_warren_on_the_hand_example_under_exhaust_if_multiple_and_split(rule):
    # A (8) is elected at once (quota 17/3 + 1 unit). exhaust_if_multiple: A's papers reach
    # {B, C} while both remain, so what A passes on stops there for good; C's exclusion
    # does not bring it back to B (3), and D (4) takes the second seat. split: what A
    # passes on is halved between B and C; once C is excluded all of it goes to B. A
    # keeps 8k with 8k = quota = (17 - 2) / 3 = 5 at the end, so B has 3 + 8 - 5 = 6
    # over D's 4: A and B.
    out = rule(example(), seats=2, overvote="exhaust_if_multiple")
    assert out.winners == ("A", "D")
    assert out.rounds[1].eliminated == ("C",)
    assert out.rounds[1].tally["B"] == 3
    out = rule(example(), seats=2, overvote="split")
    assert out.winners == ("A", "B")
    assert out.rounds[1].eliminated == ("C",)
    assert out.rounds[1].tally["B"] > out.rounds[1].threshold > 5


def test_first_preference_overvote_is_invalid_only_when_it_can_never_count():
    b = RankedBallots.from_rankings(["A", "B", "C"], [[{"B", "C"}]] * 2 + [["A"]] * 4 + [["B"]] * 3)
    assert wigm_stv(b, overvote="exhaust_if_multiple").details["valid"] == 7
    assert wigm_stv(b, overvote="single_continuing").details["valid"] == 9
    assert wigm_stv(b, overvote="split").details["valid"] == 9


def test_unnamed_overvotes_are_refused_under_the_named_rules():
    b = RankedBallots.from_rankings(["A", "B"], [["A"], ["overvote", "B"]])
    with pytest.raises(ConfigError, match="without candidate names"):
        wigm_stv(b, overvote="split")


# -- a plain reference: weighted inclusive Gregory, exact values, Droop quota ----------


def _read(marks, at, hopeful, rule):
    """(position, holder parts) of a paper read from rank ``at``, as the ballot walk reads it.

    Returns the parts as (candidate or reason, share) pairs.
    """
    while at < len(marks):
        mark = marks[at]
        alive = sorted(mark & hopeful)
        if len(mark) == 1:
            if alive:
                return at, [(alive[0], Fraction(1))]
        elif len(alive) == 1:
            return at, [(alive[0], Fraction(1))]
        elif len(alive) >= 2:
            if rule == "split":
                return at, [(c, Fraction(1, len(alive))) for c in alive]
            return at, [("overvote", Fraction(1))]
        at += 1
    return at, [("exhausted", Fraction(1))]


class _Tie(Exception):
    pass


def reference_wigm(rows, candidates, seats, rule):
    """Winners and each stage's tallies; raises _Tie where a tie-break would decide."""
    hopeful = set(candidates)
    papers = []  # [marks, position, value, holder]
    for marks, n in rows:
        at, parts = _read(marks, 0, hopeful, rule)
        for holder, share in parts:
            if holder == "overvote" and rule == "exhaust_if_multiple":
                holder = "invalid"
            papers.append([marks, at, Fraction(n) * share, holder])
    valid = sum(p[2] for p in papers if p[3] != "invalid")
    quota = Fraction(int(valid // (seats + 1)) + 1)
    elected, pending, stages = [], [], []

    def votes(c):
        return sum((p[2] for p in papers if p[3] == c), Fraction(0))

    def move(chosen, factor):
        for p in chosen:
            start = p[1] if len(p[0][p[1]]) > 1 else p[1] + 1
            at, parts = _read(p[0], start, hopeful, rule)
            value = p[2] * factor
            papers.remove(p)
            papers.extend([p[0], at, value * share, holder] for holder, share in parts)

    def recall():
        if rule != "single_continuing":
            return
        waiting = [p for p in papers if p[3] == "overvote" and len(p[0][p[1]] & hopeful) <= 1]
        move(waiting, 1)

    def elect():
        reached = sorted((c for c in hopeful if votes(c) >= quota), key=lambda c: -votes(c))
        if len({votes(c) for c in reached}) < len(reached):
            raise _Tie
        for c in reached[: seats - len(elected)]:
            hopeful.discard(c)
            elected.append(c)
            pending.append(c)

    elect()
    stages.append({c: votes(c) for c in candidates})
    while len(elected) < seats:
        if len(hopeful) <= seats - len(elected):
            elected.extend(sorted(hopeful, key=lambda c: (-votes(c), candidates.index(c))))
            break
        pending = [c for c in pending if votes(c) > quota]
        if pending:
            top = max(votes(c) for c in pending)
            if [votes(c) for c in pending].count(top) > 1:
                raise _Tie
            c = next(c for c in pending if votes(c) == top)
            pending.remove(c)
            move([p for p in papers if p[3] == c], (top - quota) / top)
            papers.append([[], 0, quota, c])  # the quota stays with the elected candidate
        else:
            low = min(votes(c) for c in hopeful)
            if [votes(c) for c in hopeful].count(low) > 1:
                raise _Tie
            c = next(c for c in hopeful if votes(c) == low)
            hopeful.discard(c)
            move([p for p in papers if p[3] == c], 1)
        recall()
        elect()
        stages.append({c: votes(c) for c in candidates})
    return tuple(elected), stages


def _profile(rng):
    candidates = ["A", "B", "C", "D", "E"]
    rows = []
    for _ in range(rng.randint(4, 9)):
        pool = rng.sample(candidates, len(candidates))
        marks = []
        while pool and len(marks) < 4:
            k = min(rng.choice((1, 1, 2, 2, 3)), len(pool))
            marks.append(frozenset(pool[:k]))
            pool = pool[k:]
        rows.append((marks, rng.randint(1, 9)))
    return candidates, rows


@pytest.mark.parametrize("rule", NAMED)
def test_wigm_matches_the_reference_on_random_profiles(rule):
    rng = random.Random(f"stv-overvote-{rule}")
    compared = 0
    for _ in range(400):
        candidates, rows = _profile(rng)
        seats = rng.choice((1, 2))
        try:
            winners, stages = reference_wigm(rows, candidates, seats, rule)
        except _Tie:
            continue
        expanded = [
            [set(m) if len(m) > 1 else next(iter(m)) for m in marks] for marks, n in rows for _ in range(n)
        ]
        ballots = RankedBallots.from_rankings(candidates, expanded)
        out = wigm_stv(ballots, seats=seats, overvote=rule)
        assert out.winners == winners, (rows, seats)
        for got, want in zip(out.rounds, stages):
            for c, v in got.tally.items():
                assert v == pytest.approx(float(want[c])), (rows, seats)
        compared += 1
    assert compared > 30


# -- a plain reference: Meek and Warren, fixed-point as in the New Zealand rules ---------------

HOPEFUL, ELECTED, EXCLUDED = "hopeful", "elected", "excluded"


def _ceil(x):
    return -(-x.numerator // x.denominator) if isinstance(x, Fraction) else x


def reference_meek(rows, candidates, seats, rule, warren, decimals=9, tolerance=Fraction(1, 100000)):
    """Winners and each round's tallies (in units of 10^-decimals); raises _Tie on a tie.

    Each paper is read from its first mark every time: an overvote with two or more
    candidates not excluded stops the paper (``single_continuing``), or divides its value
    among them (``split``, each part passing on through its candidate's keep value), and
    under ``exhaust_if_multiple`` a paper whose value once reached such an overvote stops
    there for good. Products are rounded up; a split part's votes are summed exactly and
    each candidate's total rounded up.
    """
    one = 10**decimals
    omega = int(tolerance * one)
    status = dict.fromkeys(candidates, HOPEFUL)
    keep = dict.fromkeys(candidates, one)
    frozen = [None] * len(rows)
    elected, stages = [], []
    state = {}

    def freeze():
        for r, (marks, _) in enumerate(rows):
            if frozen[r] is not None:
                continue
            for at, mark in enumerate(marks):
                live = sorted(c for c in mark if status[c] != EXCLUDED)
                if len(live) >= 2 and len(mark) > 1:
                    frozen[r] = at
                    break
                if live and status[live[0]] == HOPEFUL:
                    break

    def take(c, w):
        if warren:
            kept = min(keep[c], w)
            return kept, w - kept
        return _ceil(Fraction(w * keep[c], one)), _ceil(Fraction(w * (one - keep[c]), one))

    def read(r, marks, at, w, share, votes):
        while at < len(marks):
            live = sorted(c for c in marks[at] if status[c] != EXCLUDED)
            if rule == "exhaust_if_multiple" and frozen[r] == at:
                return share * w
            if len(marks[at]) > 1 and len(live) >= 2:
                if rule != "split":
                    return share * w
                left = Fraction(0)
                for c in live:
                    kept, rest = take(c, w)
                    votes[c] += share / len(live) * kept
                    left += read(r, marks, at + 1, rest, share / len(live), votes)
                return left
            if live:
                kept, w = take(live[0], w)
                votes[live[0]] += share * kept
            at += 1
        return share * w

    def distribute():
        if rule == "exhaust_if_multiple":
            freeze()
        votes = dict.fromkeys(candidates, Fraction(0))
        left = Fraction(0)
        for r, (marks, n) in enumerate(rows):
            left += read(r, marks, 0, one, Fraction(n), votes)
        state["votes"] = {c: _ceil(v) for c, v in votes.items()}
        state["quota"] = sum(state["votes"].values()) // (seats + 1) + 1

    def elect():
        votes, quota = state["votes"], state["quota"]
        reached = sorted(
            (c for c in candidates if status[c] == HOPEFUL and votes[c] >= quota), key=lambda c: -votes[c]
        )
        if len({votes[c] for c in reached}) < len(reached):
            raise _Tie
        new = []
        for c in reached:
            if len(elected) < seats:
                status[c] = ELECTED
                elected.append(c)
                new.append(c)
        return new

    def stage():
        stages.append({c: v for c, v in state["votes"].items() if status[c] != EXCLUDED})

    distribute()
    elect()
    stage()
    while len(elected) < seats:
        hopeful = [c for c in candidates if status[c] == HOPEFUL]
        if len(hopeful) <= seats - len(elected):
            votes = state["votes"]
            elected.extend(sorted(hopeful, key=lambda c: (-votes[c], candidates.index(c))))
            break
        last, new = None, []
        for _ in range(10_000):
            distribute()
            new = elect()
            if new:
                break
            votes, quota = state["votes"], state["quota"]
            surplus = sum(max(votes[c] - quota, 0) for c in elected)
            if surplus <= omega or (last is not None and surplus >= last):
                break
            last = surplus
            for c in elected:
                if votes[c] > 0:
                    keep[c] = min(one, _ceil(Fraction(_ceil(Fraction(keep[c] * quota, one)) * one, votes[c])))
        if new:
            stage()
            continue
        votes = state["votes"]
        low = min(votes[c] for c in hopeful)
        if [votes[c] for c in hopeful].count(low) > 1:
            raise _Tie
        out = next(c for c in hopeful if votes[c] == low)
        status[out], keep[out] = EXCLUDED, 0
        distribute()
        elect()
        stage()
    return tuple(elected), stages


@pytest.mark.parametrize("warren", (False, True), ids=("meek", "warren"))
@pytest.mark.parametrize("rule", NAMED)
def test_meek_and_warren_match_the_reference_on_random_profiles(rule, warren):
    rng = random.Random(f"meek-overvote-{rule}-{warren}")
    count = warren_stv if warren else meek_stv
    compared = 0
    for _ in range(150):
        candidates, rows = _profile(rng)
        seats = rng.choice((1, 2, 3))
        try:
            winners, stages = reference_meek(rows, candidates, seats, rule, warren)
        except _Tie:
            continue
        expanded = [
            [set(m) if len(m) > 1 else next(iter(m)) for m in marks] for marks, n in rows for _ in range(n)
        ]
        out = count(RankedBallots.from_rankings(candidates, expanded), seats=seats, overvote=rule)
        assert out.winners == winners, (rows, seats)
        assert len(out.rounds) == len(stages), (rows, seats)
        for got, want in zip(out.rounds, stages):
            assert {c: round(v * 10**9) for c, v in got.tally.items()} == want, (rows, seats)
        compared += 1
    assert compared > 40
