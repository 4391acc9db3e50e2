"""Borda, Dowdall, Baldwin, Nanson and Bucklin: scoring conventions and rounds."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tally
from tally.ballots import RankedBallots
from tally.errors import ConfigError
from tally.rules.positional import dense_ranks


def ballots_of(cands, groups):
    return RankedBallots.from_rankings(cands, [r for _, r in groups], [c for c, _ in groups])


def test_borda_complete_ballots():
    b = ballots_of("ABCD", [(3, "ABCD"), (2, "DCBA")])
    o = tally.count(b, "borda")
    assert dict(o.scores) == {"A": 9, "B": 8, "C": 7, "D": 6}
    assert o.winners == ("A",)


def test_borda_truncated_conventions():
    # one ballot ranks A only among 4 candidates
    b = ballots_of("ABCD", [(1, "A")])
    assert dict(tally.count(b, "borda").scores) == {"A": 3, "B": 0, "C": 0, "D": 0}
    # average: B, C, D share places 2-4 (points 2, 1, 0) -> 1 each
    assert dict(tally.count(b, "borda", truncated="average").scores) == {"A": 3, "B": 1, "C": 1, "D": 1}


def test_borda_ties_share_the_average_of_their_places():
    b = RankedBallots.from_rankings("ABCD", [[{"A", "B"}, "C", "D"]])
    assert dict(tally.count(b, "borda").scores) == {"A": 2.5, "B": 2.5, "C": 1, "D": 0}


def test_borda_skips_and_repeats_do_not_cost_places():
    b = RankedBallots.from_rankings("ABC", [["A", None, "A", "B"]])
    assert dict(tally.count(b, "borda").scores) == {"A": 2, "B": 1, "C": 0}


def test_borda_ignores_blank_ballots_and_reports_them():
    b = ballots_of("AB", [(2, "AB"), (3, "")])
    o = tally.count(b, "borda", truncated="average")
    assert dict(o.scores) == {"A": 2, "B": 0}
    assert o.ballots["inactive"]["undervote"] == 3


def test_borda_tie_reported():
    b = ballots_of("AB", [(1, "AB"), (1, "BA")])
    o = tally.count(b, "borda")
    assert o.winners == ("A", "B") and o.tied


def test_dowdall():
    b = ballots_of("ABC", [(2, "ABC"), (3, "BCA")])
    scores = tally.count(b, "dowdall").scores
    assert scores["A"] == pytest.approx(2 + 3 / 3)
    assert scores["B"] == pytest.approx(2 / 2 + 3)
    assert scores["C"] == pytest.approx(2 / 3 + 3 / 2)
    tied = RankedBallots.from_rankings("ABC", [[{"A", "B"}, "C"]])
    assert tally.count(tied, "dowdall").scores["A"] == pytest.approx((1 + 1 / 2) / 2)


def test_baldwin_recounts_after_each_elimination():
    b = ballots_of("ABC", [(3, "ABC"), (2, "BCA"), (2, "CAB")])
    o = tally.count(b, "baldwin")
    r1, r2 = o.rounds[0], o.rounds[1]
    assert r1.tally == {"A": 8, "B": 7, "C": 6} and r1.eliminated == ("C",)
    # without C: A over B on 5 of 7 ballots
    assert r2.tally == {"A": 5, "B": 2}
    assert o.winners == ("A",)


def test_baldwin_tiebreak_all_explores_both_eliminations():
    b = ballots_of("ABC", [(1, "ABC"), (1, "BCA"), (1, "CAB")])
    o = tally.count(b, "baldwin")
    assert o.winners == ("A", "B", "C") and o.tied


def test_nanson_variants():
    # Borda A 8, B 7, C 6: average 7; strict drops C only, weak drops B and C
    b = ballots_of("ABC", [(3, "ABC"), (2, "BCA"), (2, "CAB")])
    strict = tally.count(b, "nanson")
    weak = tally.count(b, "nanson", variant="weak")
    assert strict.rounds[0].eliminated == ("C",)
    assert set(weak.rounds[0].eliminated) == {"B", "C"}
    assert strict.winners == weak.winners == ("A",)
    with pytest.raises(ConfigError):
        tally.count(b, "nanson", variant="half")


def test_bucklin_adds_ranks_until_a_majority():
    b = ballots_of("ABC", [(4, "AB"), (3, "CB"), (2, "BA")])
    o = tally.count(b, "bucklin")
    assert o.rounds[0].tally == {"A": 4, "B": 2, "C": 3} and o.rounds[0].elected == ()
    assert o.rounds[1].tally == {"A": 6, "B": 9, "C": 3}
    assert o.winners == ("B",)


def test_bucklin_tie_at_one_rank_marks_every_member():
    b = RankedBallots.from_rankings("ABC", [[{"A", "B"}, "C"], ["A"], ["C"]])
    o = tally.count(b, "bucklin")
    assert o.rounds[0].tally == {"A": 2, "B": 1, "C": 1}
    assert o.winners == ("A",)


def test_dense_ranks():
    pos = np.array([[0.0, 0.0, 2.0, np.inf]])
    assert dense_ranks(pos).tolist() == [[0, 0, 1, np.inf]]


def test_bad_truncated_option():
    b = ballots_of("AB", [(1, "AB")])
    with pytest.raises(ConfigError):
        tally.count(b, "borda", truncated="pessimistic")


CANDS = "ABCD"
rankings = st.lists(
    st.tuples(
        st.permutations(CANDS).flatmap(lambda p: st.integers(0, 4).map(lambda k: p[:k])), st.integers(1, 4)
    ),
    min_size=1,
    max_size=15,
)


def exact_borda(groups, average):
    n = len(CANDS)
    score = {c: Fraction(0) for c in CANDS}
    for ranking, w in groups:
        if not ranking:
            continue
        for place, c in enumerate(ranking):
            score[c] += w * (n - 1 - place)
        rest = [c for c in CANDS if c not in ranking]
        if average and rest:
            share = Fraction(sum(range(len(rest))), len(rest))
            for c in rest:
                score[c] += w * share
    return score


@settings(max_examples=100, deadline=None)
@given(groups=rankings, average=st.booleans())
def test_borda_matches_exact_arithmetic(groups, average):
    b = RankedBallots.from_rankings(CANDS, [list(r) for r, _ in groups], [w for _, w in groups])
    o = tally.count(b, "borda", truncated="average" if average else "optimistic")
    exact = exact_borda(groups, average)
    for c in CANDS:
        assert o.scores[c] == pytest.approx(float(exact[c]))
    best = max(exact.values())
    assert set(o.winners) == {c for c in CANDS if exact[c] == best}


@settings(max_examples=60, deadline=None)
@given(
    groups=rankings,
    rule=st.sampled_from(["borda", "dowdall", "baldwin", "nanson", "bucklin"]),
    perm=st.permutations(range(4)),
)
def test_neutral_deterministic_and_accounted(groups, rule, perm):
    rename = {CANDS[i]: CANDS[perm[i]] for i in range(4)}
    a = RankedBallots.from_rankings(CANDS, [list(r) for r, _ in groups], [w for _, w in groups])
    b = RankedBallots.from_rankings(
        CANDS, [[rename[c] for c in r] for r, _ in groups], [w for _, w in groups]
    )
    oa, ob = tally.count(a, rule), tally.count(b, rule)
    assert sorted(rename[w] for w in oa.winners) == sorted(ob.winners)
    assert oa.to_json() == tally.count(a, rule).to_json()
    for r in oa.rounds:
        assert r.continuing + sum(r.inactive.values()) == pytest.approx(a.total)


def test_ballots_naming_nobody_are_overvotes():
    b = RankedBallots.from_rankings("AB", [["overvote"], ["A", "B"], [], ["overvote", "B"]])
    for rule in ("borda", "dowdall", "baldwin", "nanson", "bucklin"):
        o = tally.count(b, rule)
        assert o.ballots["inactive"] == {"undervote": 1, "overvote": 1}, rule
        assert o.ballots["continuing"] == 2
        for r in o.rounds:
            assert r.continuing + sum(r.inactive.values()) == 4


def test_one_account_for_rules_that_read_whole_ballots():
    from tally.rules._common import ranked_account

    b = RankedBallots.from_rankings(
        "ABC", [["overvote"], [{"A", "B"}], [], ["overvote", None, "C"], [None, "overvote"]], [1, 2, 4, 8, 16]
    )
    # a tie set names candidates, an unnamed overvote does not
    assert ranked_account(b) == (10.0, {"undervote": 4.0, "overvote": 17.0})
    for rule in ("borda", "condorcet", "schulze", "copeland"):
        o = tally.count(b, rule)
        assert (o.ballots["continuing"], o.ballots["inactive"]) == ranked_account(b), rule
