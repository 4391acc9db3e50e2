"""Cardinal rules: approval, score, STAR and majority judgment."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tally
from tally.errors import ConfigError, RuleError
from tally.rules.cardinal import _median_order, approval, majority_judgment, score, star

TENNESSEE = ("Memphis", "Nashville", "Chattanooga", "Knoxville")
TENNESSEE_VOTERS = [42, 26, 15, 17]  # the Memphis, Nashville, Chattanooga, Knoxville blocs
# Wikipedia, "Score voting" and "STAR voting": Tennessee capital example, each bloc
# scoring the cities by distance (0-10 and 0-5 scales respectively).
TENNESSEE_0_10 = [[10, 4, 2, 0], [0, 10, 4, 2], [0, 6, 10, 6], [0, 5, 7, 10]]
TENNESSEE_0_5 = [[5, 2, 1, 0], [0, 5, 2, 2], [0, 3, 5, 4], [0, 2, 4, 5]]


def scored(names, rows, weights=None, *, top=5, kind="score"):
    return tally.ScoredBallots.from_matrix(names, rows, weights, kind=kind, max_score=top)


def approvals(names, rows, weights=None):
    return tally.ScoredBallots.from_matrix(names, rows, weights, kind="approval")


# -- approval ---------------------------------------------------------------------------


def test_approval_counts_and_top_k():
    b = approvals("ABCD", [[1, 1, 0, 0], [0, 1, 1, 0], [1, 0, 0, 0], [0, 1, 0, 1]])
    one = approval(b)
    assert one.winners == ("B",) and one.scores == {"A": 2, "B": 3, "C": 1, "D": 1}
    two = approval(b, seats=2)
    assert two.winners == ("B", "A") and not two.tied
    # C and D tie for the third seat
    three = approval(b, seats=3)
    assert three.winners == ("B", "A", "C", "D") and three.tied
    assert three.ties[0].tied == ("C", "D") and three.ties[0].purpose == "elect"
    ordered = approval(b, seats=3, tiebreak="order")
    assert ordered.winners == ("B", "A", "C") and ordered.ties[0].chosen == ("C",)
    drawn = {approval(b, seats=3, tiebreak="random", seed=s).winners[-1] for s in range(20)}
    assert drawn <= {"C", "D"} and len(drawn) == 2
    assert (
        approval(b, seats=3, tiebreak="random", seed=4).to_json()
        == approval(b, seats=3, tiebreak="random", seed=4).to_json()
    )


def test_approval_refuses_bad_seats_and_score_ballots():
    b = approvals("AB", [[1, 0]])
    with pytest.raises(RuleError):
        approval(b, seats=3)
    with pytest.raises(RuleError):
        approval(b, seats=0)
    with pytest.raises(RuleError, match="approval"):
        approval(scored("AB", [[3, 1]]))
    assert tally.count(b, "approval", seats=1).winners == ("A",)


def test_approval_unmarked_is_not_approved_and_blank_is_undervote():
    b = approvals("AB", [[1, np.nan], [np.nan, np.nan], [0, 0]])
    o = approval(b)
    assert o.scores == {"A": 1, "B": 0}
    assert o.ballots["inactive"] == {"undervote": 2} and o.ballots["continuing"] == 1


# -- score ------------------------------------------------------------------------------


def test_score_tennessee():
    o = score(scored(TENNESSEE, TENNESSEE_0_10, TENNESSEE_VOTERS, top=10))
    # Nashville 42*4 + 26*10 + 15*6 + 17*5 = 603
    assert o.winners == ("Nashville",)
    assert o.scores == {"Memphis": 420, "Nashville": 603, "Chattanooga": 457, "Knoxville": 312}


def test_score_unscored_is_lowest_and_average_skips_it():
    b = scored("AB", [[5, np.nan], [np.nan, 4], [1, 3]])
    assert score(b).scores == {"A": 6, "B": 7}
    avg = score(b, method="average")
    assert avg.scores == {"A": 3, "B": 3.5} and avg.winners == ("B",)
    assert avg.details["scored_by"] == {"A": 2, "B": 2}
    nobody = score(scored("AB", [[2, np.nan]]), method="average")
    assert nobody.winners == ("A",) and np.isnan(nobody.scores["B"])
    assert '"B": null' in nobody.to_json()
    with pytest.raises(ConfigError):
        score(b, method="median")


def test_score_accepts_approval_ballots_and_ties():
    b = approvals("ABC", [[1, 1, 0], [1, 1, 0]])
    o = score(b)
    assert o.winners == ("A", "B") and o.tied
    assert score(b, tiebreak="order").winners == ("A",)


# -- STAR -------------------------------------------------------------------------------


def test_star_tennessee():
    o = star(scored(TENNESSEE, TENNESSEE_0_5, TENNESSEE_VOTERS))
    assert o.rounds[0].tally == {"Memphis": 210, "Nashville": 293, "Chattanooga": 237, "Knoxville": 197}
    assert o.rounds[0].eliminated == ("Memphis", "Knoxville")
    # Memphis and Nashville blocs prefer Nashville (68); the other two Chattanooga (32)
    assert o.rounds[1].tally == {"Nashville": 68, "Chattanooga": 32}
    assert o.winners == ("Nashville",) and not o.ties


def test_star_runoff_no_preference_is_accounted():
    b = scored("ABC", [[5, 5, 0], [4, 1, 0], [0, 3, 5], [2, 2, 2]])
    o = star(b)
    r2 = o.rounds[1]
    assert r2.tally == {"A": 1, "B": 1}  # two ballots score A and B equally
    assert r2.inactive["exhausted"] == 2
    assert r2.continuing + sum(r2.inactive.values()) == o.ballots["read"] == 4
    # runoff tie, A scores 11 to B's 11, five-star A 1 vs B 1: left standing
    assert o.rounds[0].tally["A"] == o.rounds[0].tally["B"] == 11
    assert o.winners == ("A", "B") and o.tied


def test_star_runoff_tie_broken_by_total_score():
    # runoff A vs B 1-1; A's total 9 beats B's 8
    b = scored("ABC", [[5, 3, 0], [4, 5, 0], [0, 0, 4]])
    o = star(b)
    assert o.rounds[1].tally == {"A": 1, "B": 1}
    assert o.winners == ("A",)
    assert o.ties[0].mode == "protocol" and "higher total score" in o.ties[0].detail


def test_star_runoff_tie_broken_by_five_star_ratings():
    # equal totals (13) and a 1-1-1 runoff: Chuck has two five-star ratings to Brian's one
    b = scored(("Amy", "Brian", "Chuck"), [[0, 4, 3], [1, 4, 5], [2, 5, 5]])
    o = star(b)
    assert o.rounds[0].tally == {"Amy": 3, "Brian": 13, "Chuck": 13}
    assert o.rounds[1].tally == {"Brian": 1, "Chuck": 1}
    assert o.winners == ("Chuck",)
    assert [t.chosen for t in o.ties] == [("Chuck",)]
    assert o.details["five_star"] == {"Amy": 0, "Brian": 1, "Chuck": 2}


def test_star_scoring_tie_for_second_broken_head_to_head():
    # A leads; B and C tie on 6 for second; more voters score C above B
    b = scored("ABC", [[5, 4, 0], [5, 0, 3], [5, 2, 3]])
    o = star(b)
    assert o.rounds[0].tally == {"A": 15, "B": 6, "C": 6}
    assert o.ties[0].purpose == "advance" and o.ties[0].chosen == ("C",)
    assert "head to head" in o.ties[0].detail
    assert o.rounds[0].eliminated == ("B",)
    assert o.winners == ("A",)


def test_star_unbreakable_scoring_tie_counts_every_runoff():
    # B and C tie for second on score, head to head and five-star ratings
    b = scored("ABC", [[5, 3, 2], [5, 2, 3]])
    o = star(b)
    assert o.winners == ("A",) and not o.tied  # A wins whichever runoff it meets
    assert any(t.mode == "all" and t.tied == ("B", "C") for t in o.ties)
    assert len(o.details["runoffs"]) == 2
    picked = star(b, tiebreak="order")
    assert picked.rounds[0].eliminated == ("C",) and len(picked.details["runoffs"]) == 1


def test_star_single_candidate_and_kinds():
    assert star(scored("A", [[3]])).winners == ("A",)
    assert star(approvals("AB", [[1, 0], [1, 1]])).winners == ("A",)


# -- majority judgment ------------------------------------------------------------------


def test_median_order_matches_repeated_removal():
    for n in range(1, 30):
        remaining, removed = list(range(n)), []
        while remaining:
            removed.append(remaining.pop((len(remaining) - 1) // 2))
        assert _median_order(n).tolist() == removed


def test_majority_judgment_median_and_tie_break():
    # A: 0 1 2 3 3 (median 2), B: 1 2 2 2 2 (median 2), C: 0 0 1 3 3 (median 1)
    rows = [[0, 1, 0], [1, 2, 0], [2, 2, 1], [3, 2, 3], [3, 2, 3]]
    o = majority_judgment(scored("ABC", rows, top=3))
    assert o.scores == {"A": 2, "B": 2, "C": 1}
    # removing the median 2 from both: A 0 1 3 3 -> lower median 1; B 1 2 2 2 -> 2: B wins
    assert o.winners == ("B",)
    assert o.ties and o.ties[0].mode == "protocol" and o.ties[0].tied == ("A", "B")
    assert o.details["gauge"]["A"] == {"above": 0.4, "below": 0.4}


def test_majority_judgment_identical_values_tie_and_weights():
    b = scored("AB", [[1, 2], [2, 1]], top=2)
    assert majority_judgment(b).winners == ("A", "B")
    assert majority_judgment(b, tiebreak="order").winners == ("A",)
    # unscored counts as the lowest grade
    assert majority_judgment(scored("AB", [[2, np.nan], [2, 1], [0, 1]], top=2)).scores == {"A": 2, "B": 1}
    with pytest.raises(RuleError, match="whole number"):
        majority_judgment(scored("AB", [[1, 2]], [0.5]))


# -- invariants -------------------------------------------------------------------------

score_rows = st.lists(st.lists(st.integers(0, 5), min_size=4, max_size=4), min_size=1, max_size=12)


@settings(max_examples=50, deadline=None)
@given(rows=score_rows, perm=st.permutations(range(4)), seed=st.integers(0, 1000))
def test_neutrality_and_anonymity(rows, perm, seed):
    names = list("ABCD")
    matrix = np.array(rows, dtype=float)
    renamed = [f"n{p}" for p in perm]
    order = sorted(range(4), key=lambda i: renamed[i])
    relabelled = matrix[:, order]
    shuffled = matrix[np.random.default_rng(seed).permutation(len(rows))]
    for rule in (score, star, majority_judgment):
        base = rule(scored(names, matrix))
        other = rule(scored([renamed[i] for i in order], relabelled))
        assert {renamed[names.index(w)] for w in base.winners} == set(other.winners), rule.__name__
        again = rule(scored(names, shuffled))
        assert again.winners == base.winners and again.scores == base.scores
        for r in base.rounds:
            assert r.continuing + sum(r.inactive.values()) == base.ballots["read"]
    app = (matrix >= 3).astype(float)
    base = approval(approvals(names, app))
    other = approval(approvals([renamed[i] for i in order], app[:, order]))
    assert {renamed[names.index(w)] for w in base.winners} == set(other.winners)


def test_docstring_examples_run():
    import doctest

    from tally.rules import cardinal

    result = doctest.testmod(cardinal)
    assert result.attempted >= 4 and result.failed == 0


def test_score_average_with_nobody_scored_is_a_tie_of_everyone():
    b = scored("AB", [[np.nan, np.nan], [np.nan, np.nan]])
    o = score(b, method="average")
    assert o.winners == ("A", "B") and o.tied and o.ties[0].tied == ("A", "B")
    assert score(b, method="average", tiebreak="order").winners == ("A",)
