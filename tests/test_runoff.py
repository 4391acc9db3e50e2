"""IRV, top-two runoff and Coombs: rounds, transfers, ties, options and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tally
from tally.ballots import RankedBallots
from tally.errors import ConfigError, RuleError
from tally.rules.runoff import batch_losers


def ballots_of(cands, groups):
    """Ballots from (count, ranking) pairs."""
    rankings, weights = [], []
    for count, ranking in groups:
        rankings.append(ranking)
        weights.append(count)
    return RankedBallots.from_rankings(cands, rankings, weights)


# -- IRV --------------------------------------------------------------------------------------


def test_irv_rounds_and_transfers():
    b = ballots_of("ABCD", [(8, "A"), (6, "BC"), (4, "CB"), (3, "DC"), (1, "D")])
    o = tally.count(b, "irv")
    assert o.winners == ("C",) or o.winners == ("B",)
    r1, r2 = o.rounds[0], o.rounds[1]
    assert r1.eliminated == ("D",)
    assert dict(r1.transfers) == {"D": {"C": 3.0, "exhausted": 1.0}}
    assert r2.tally == {"A": 8, "B": 6, "C": 7}
    assert r2.inactive["exhausted"] == 1
    # after B goes, its 6 ballots move to C, who then has a majority of the 21 continuing
    assert o.rounds[2].tally == {"A": 8, "C": 13}
    assert o.winners == ("C",)
    assert o.rounds[2].threshold == 11
    assert o.details["elimination_order"] == ["D", "B"]


def test_irv_majority_in_round_one_ends_the_count():
    b = ballots_of("ABC", [(6, "AB"), (3, "BC"), (2, "CB")])
    o = tally.count(b, "irv")
    assert o.winners == ("A",) and len(o.rounds) == 1
    assert o.rounds[0].elected == ("A",)


def test_majority_of_continuing_ballots_not_of_ballots_read():
    # 12 ballots; one exhausts, so 6 of the 11 continuing is a majority
    b = ballots_of("ABC", [(5, "A"), (4, "B"), (1, "C"), (2, "CB")])
    o = tally.count(b, "irv")
    assert o.rounds[-1].tally == {"A": 5, "B": 6}
    assert o.rounds[-1].threshold == 6 and o.rounds[-1].continuing == 11
    assert o.winners == ("B",)
    assert o.rounds[-1].inactive["exhausted"] == 1


def tie_in_round_two():
    # round 1: A 8, B 4, C 3, D 2; D's ballots: one to C, one exhausted -> B 4, C 4
    return ballots_of("ACBD", [(8, "A"), (4, "BC"), (3, "CB"), (1, "DC"), (1, "D")])


def test_previous_round_tiebreak_uses_earlier_counts():
    o = tally.count(tie_in_round_two(), "irv", tiebreak="previous_round")
    assert o.rounds[1].eliminated == ("C",)  # C had 3 to B's 4 in round 1
    (tie,) = o.ties
    assert tie.mode == "previous_round" and tie.round == 2 and set(tie.tied) == {"B", "C"}
    assert tie.chosen == ("C",)


def test_order_tiebreak_eliminates_the_later_candidate():
    o = tally.count(tie_in_round_two(), "irv", tiebreak="order")
    assert o.rounds[1].eliminated == ("B",)  # later than C in the candidate list A, C, B, D


def test_random_tiebreak_is_seeded():
    b = ballots_of("ABC", [(3, "A"), (2, "BA"), (2, "CA")])
    draws = {tally.count(b, "irv", tiebreak="random", seed=s).rounds[0].eliminated for s in range(20)}
    assert draws == {("B",), ("C",)}
    one = tally.count(b, "irv", tiebreak="random", seed=5).to_json()
    assert one == tally.count(b, "irv", tiebreak="random", seed=5).to_json()


def test_all_tiebreak_reports_every_possible_winner():
    # B and C tie for last: eliminating B elects C, eliminating C elects A
    b = ballots_of("ABC", [(4, "A"), (3, "BC"), (3, "CA")])
    o = tally.count(b, "irv", tiebreak="all")
    assert o.winners == ("A", "C") and o.tied
    assert o.ties[0].mode == "all" and set(o.ties[0].tied) == {"B", "C"}
    assert o.rounds[-1].eliminated == ()
    for mode_seed in range(4):
        single = tally.count(b, "irv", tiebreak="random", seed=mode_seed)
        assert set(single.winners) <= {"A", "C"}


def test_all_tiebreak_without_effect_is_not_a_tie():
    # B and C tie but whoever goes, A wins
    b = ballots_of(
        "ABC", [(6, "A"), (3, "BA"), (3, "CA"), (1, "D")] if False else [(6, "A"), (3, "BA"), (3, "CA")]
    )
    o = tally.count(b, "irv", tiebreak="all")
    assert o.winners == ("A",) and not o.tied


def test_last_two_tied():
    b = ballots_of("AB", [(3, "A"), (3, "B")])
    assert tally.count(b, "irv", tiebreak="all").winners == ("A", "B")
    o = tally.count(b, "irv", tiebreak="order")
    assert o.winners == ("A",) and o.ties[0].purpose == "winner"


def test_batch_elimination_rctab_rule():
    votes = np.array([40.0, 30.0, 12.0, 10.0, 5.0, 2.0])
    # 2+5 < 10, 2+5+10 < 12, 2+5+10+12 = 29 < 30: the four bottom candidates go together
    assert batch_losers(votes, np.arange(6)) == [5, 4, 3, 2]
    # counting on until two remain: a batch that would leave one falls back a step
    assert batch_losers(np.array([50.0, 10.0, 5.0, 2.0]), np.arange(4)) == [3, 2, 1]
    assert batch_losers(np.array([50.0, 10.0, 5.0, 2.0]), np.arange(4), keep=2) == [3, 2]
    # a single candidate below the next is not a batch: the regular rule decides
    assert batch_losers(np.array([10.0, 9.0, 3.0]), np.arange(3)) == []
    b = ballots_of("ABCDE", [(40, "AB"), (30, "BA"), (12, "CB"), (10, "DC"), (5, "EB")])
    o = tally.count(b, "irv", batch_elimination=True)
    assert set(o.rounds[0].eliminated) == {"C", "D", "E"}
    assert o.rounds[0].note == "batch elimination"
    plain = tally.count(b, "irv")
    assert plain.winners == o.winners and len(plain.rounds) > len(o.rounds)


def test_continue_until_two_with_batch_elimination():
    b = ballots_of("ABCD", [(50, "A"), (10, "BC"), (5, "CB"), (2, "DB")])
    o = tally.count(b, "irv", continue_until_two=True, batch_elimination=True)
    assert o.rounds[0].elected == ("A",)
    assert set(o.rounds[1].eliminated) == {"C", "D"}
    assert set(o.rounds[-1].tally) == {"A", "B"}
    plain = tally.count(b, "irv", batch_elimination=True)
    assert len(plain.rounds) == 1 and plain.winners == ("A",)


def test_continue_until_two():
    b = ballots_of("ABCD", [(10, "A"), (4, "BC"), (3, "CB"), (2, "DC")])
    o = tally.count(b, "irv", continue_until_two=True)
    assert o.winners == ("A",)
    assert o.rounds[0].elected == ("A",) and o.rounds[0].eliminated == ()
    # the next round repeats round one's tally and starts eliminating
    assert o.rounds[1].tally == o.rounds[0].tally and o.rounds[1].eliminated == ("D",)
    assert set(o.rounds[-1].tally) == {"A", "B"} or set(o.rounds[-1].tally) == {"A", "C"}
    assert len(o.rounds[-1].tally) == 2
    assert {r.threshold for r in o.rounds} == {o.rounds[0].threshold}


def test_first_round_threshold_stays_fixed():
    # 10 ballots; A and B exhaust a lot: with the round-1 threshold nobody reaches 6 of 10
    b = ballots_of("ABC", [(4, "A"), (3, "B"), (3, "C")])
    o = tally.count(b, "irv", threshold="first_round")
    assert {r.threshold for r in o.rounds} == {6}
    assert o.winners == ("A",)  # the leader of the last two
    assert tally.count(b, "irv").rounds[-1].threshold == 4


def test_walk_options_reach_irv():
    b = RankedBallots.from_rankings("ABC", [["C", None, None, "A"], ["A"], ["A"], ["B"], ["B"]])
    assert tally.count(b, "irv", max_skipped=1).rounds[-1].inactive["skipped"] == 1
    assert tally.count(b, "irv").rounds[-1].inactive["skipped"] == 0
    b = RankedBallots.from_rankings("ABC", [[{"A", "C"}, "B"], ["A"], ["B"]])
    assert tally.count(b, "irv", overvote="exhaust").rounds[0].inactive["overvote"] == 1
    assert tally.count(b, "irv", overvote="skip").rounds[0].tally["B"] == 2


@pytest.mark.parametrize(
    "options, error",
    [
        ({"threshold": "half"}, ConfigError),
        ({"overvote": "count"}, ConfigError),
        ({"tiebreak": "coin"}, ConfigError),
        ({"seats": 2}, RuleError),
        ({"quota": "droop"}, RuleError),
    ],
)
def test_bad_options(options, error):
    b = ballots_of("AB", [(1, "A")])
    with pytest.raises(error):
        tally.count(b, "irv", **options)


def test_exhaust_if_multiple_needs_named_overvotes():
    b = RankedBallots.from_rankings("AB", [["overvote", "A"]])
    with pytest.raises(ConfigError, match="exhaust_if_multiple"):
        tally.count(b, "irv", overvote="exhaust_if_multiple")


def test_exhaust_if_multiple_with_named_overvotes():
    b = RankedBallots.from_rankings("ABC", [["C", {"A", "B"}], ["A"], ["A"], ["B"], ["B"], ["B"]])
    o = tally.count(b, "irv", overvote="exhaust_if_multiple")
    assert o.rounds[0].tally == {"A": 2, "B": 3, "C": 1}
    assert o.rounds[1].inactive["overvote"] == 1


def test_blank_ballots_are_undervotes_in_every_round():
    b = ballots_of("AB", [(3, "A"), (2, "B"), (4, "")])
    o = tally.count(b, "irv")
    assert all(r.inactive["undervote"] == 4 for r in o.rounds)
    assert o.ballots["read"] == 9


def test_no_votes_at_all():
    b = RankedBallots.from_rankings("AB", [[None], []])
    o = tally.count(b, "irv", tiebreak="all")
    assert o.winners == ("A", "B") and o.ballots["inactive"]["undervote"] == 2


# -- runoff and Coombs ----------------------------------------------------------------------


def test_runoff_majority_in_round_one():
    b = ballots_of("ABC", [(6, "A"), (3, "BA"), (2, "CB")])
    o = tally.count(b, "runoff")
    assert o.winners == ("A",) and len(o.rounds) == 1


def test_runoff_is_not_irv():
    # IRV eliminates C then B's votes decide; the runoff drops C and D at once
    b = ballots_of("ABCD", [(4, "AD"), (3, "BD"), (2, "CB"), (2, "DC")])
    o = tally.count(b, "runoff")
    assert set(o.rounds[0].eliminated) == {"C", "D"}
    assert o.rounds[1].tally == {"A": 4, "B": 5}
    assert o.winners == ("B",)
    assert o.rounds[1].inactive["exhausted"] == 2


def test_runoff_tie_for_second_place():
    b = ballots_of("ABC", [(5, "A"), (3, "BC"), (3, "CA")])
    o = tally.count(b, "runoff", tiebreak="all")
    # A-B runoff: A 8 v B 3 -> A; A-C runoff: A 5 v C 6 -> C
    assert o.winners == ("A", "C") and o.tied
    o = tally.count(b, "runoff", tiebreak="order")
    assert o.winners == ("A",) and o.ties[0].purpose == "runoff place"


def test_runoff_tie_left_standing_is_recorded():
    # three-way tie for first: every pairing counted, and the tie itself on record
    b = ballots_of("ABC", [(3, "AC"), (3, "BC"), (3, "CA")])
    o = tally.count(b, "runoff", tiebreak="all")
    assert o.winners == ("A", "C") and o.tied
    assert [(t.purpose, t.tied, t.mode) for t in o.ties] == [("runoff place", ("A", "B", "C"), "all")]
    # a tie for second place alone
    o = tally.count(ballots_of("ABC", [(5, "A"), (3, "BC"), (3, "CA")]), "runoff", tiebreak="all")
    assert [(t.purpose, t.tied) for t in o.ties] == [("runoff place", ("B", "C"))]


def test_coombs_eliminates_the_most_last_places():
    b = ballots_of("ABC", [(4, "ABC"), (3, "CBA"), (2, "BCA")])
    o = tally.count(b, "coombs")
    assert o.rounds[0].eliminated == ("A",)  # last on 5 of 9 ballots
    assert o.winners == ("B",)


def test_coombs_truncated_ballots_share_last_place():
    # the 4 "A" ballots leave B and C unranked: each gets half a last-place mark
    b = ballots_of("ABC", [(4, "A"), (3, "BAC"), (2, "CAB")])
    o = tally.count(b, "coombs")
    # last places: B 2+4/2=4, C 3+4/2=5 -> C goes; then A (4+2=6) has a majority
    assert o.rounds[0].eliminated == ("C",)
    assert o.winners == ("A",)


# -- invariants -----------------------------------------------------------------------------

CANDS = ("A", "B", "C", "D", "E")
mark = st.one_of(
    st.none(),
    st.just("overvote"),
    st.sampled_from(CANDS),
    st.sampled_from(CANDS),
    st.sampled_from(CANDS),
    st.frozensets(st.sampled_from(CANDS), min_size=2, max_size=3),
)
ballot_lists = st.lists(st.tuples(st.lists(mark, max_size=6), st.integers(1, 5)), min_size=1, max_size=30)
irv_options = st.fixed_dictionaries(
    {
        "overvote": st.sampled_from(["exhaust", "skip", "exhaust_if_multiple"]),
        "max_skipped": st.sampled_from([None, 0, 1, 2]),
        "repeated": st.sampled_from(["skip", "exhaust"]),
        "batch_elimination": st.booleans(),
        "continue_until_two": st.booleans(),
        "threshold": st.sampled_from(["majority", "first_round"]),
        "tiebreak": st.sampled_from(["previous_round", "order", "random", "all"]),
    }
)


def build(rows, overvote):
    rankings = [r for r, _ in rows]
    if overvote == "exhaust_if_multiple":
        rankings = [[m for m in r if m != "overvote"] for r in rankings]
    return RankedBallots.from_rankings(CANDS, rankings, [w for _, w in rows])


@settings(max_examples=150, deadline=None)
@given(rows=ballot_lists, options=irv_options)
def test_irv_accounts_for_every_ballot_every_round(rows, options):
    b = build(rows, options["overvote"])
    o = tally.count(b, "irv", **options)
    read = b.total
    previous = None
    for r in o.rounds:
        assert r.continuing + sum(r.inactive.values()) == pytest.approx(read)
        assert sum(r.tally.values()) == pytest.approx(r.continuing)
        for gone, moved in r.transfers.items():
            assert sum(moved.values()) == pytest.approx(r.tally[gone])
        if previous is not None:
            for reason, value in previous.inactive.items():
                assert r.inactive[reason] >= value - 1e-9
        previous = r
    assert o.ballots["read"] == read
    assert 1 <= len(o.winners)
    assert len(o.winners) == 1 or options["tiebreak"] == "all"


@settings(max_examples=60, deadline=None)
@given(rows=ballot_lists, rule=st.sampled_from(["runoff", "coombs"]))
def test_runoff_and_coombs_account_for_every_ballot(rows, rule):
    b = build(rows, "exhaust")
    o = tally.count(b, rule)
    for r in o.rounds:
        assert r.continuing + sum(r.inactive.values()) == pytest.approx(b.total)
    assert len(o.winners) == 1


@settings(max_examples=60, deadline=None)
@given(rows=ballot_lists, options=irv_options, rule=st.sampled_from(["irv", "runoff", "coombs"]))
def test_deterministic_json(rows, options, rule):
    b = build(rows, options["overvote"])
    if rule != "irv":
        options = {k: options[k] for k in ("overvote", "max_skipped", "repeated", "tiebreak")}
    first = tally.count(b, rule, **options).to_json()
    assert first == tally.count(b, rule, **options).to_json()


@settings(max_examples=60, deadline=None)
@given(rows=ballot_lists, perm=st.permutations(range(30)), rule=st.sampled_from(["irv", "runoff", "coombs"]))
def test_anonymity(rows, perm, rule):
    """Reordering the voters changes nothing (whole-number weights, so sums are exact)."""
    order = [i for i in perm if i < len(rows)]
    a = build(rows, "exhaust")
    b = build([rows[i] for i in order], "exhaust")
    assert tally.count(a, rule, tiebreak="all").to_json() == tally.count(b, rule, tiebreak="all").to_json()


@settings(max_examples=60, deadline=None)
@given(rows=ballot_lists, perm=st.permutations(range(5)), rule=st.sampled_from(["irv", "runoff", "coombs"]))
def test_neutrality(rows, perm, rule):
    """Renaming the candidates renames the winners (with every tie left standing)."""
    rename = {CANDS[i]: CANDS[perm[i]] for i in range(5)}

    def relabel(m):
        if m is None or m == "overvote":
            return m
        if isinstance(m, str):
            return rename[m]
        return frozenset(rename[x] for x in m)

    a = build(rows, "exhaust")
    b = build([([relabel(m) for m in r], w) for r, w in rows], "exhaust")
    wa = tally.count(a, rule, tiebreak="all").winners
    wb = tally.count(b, rule, tiebreak="all").winners
    assert sorted(rename[w] for w in wa) == sorted(wb)


def test_all_tiebreak_drops_candidates_without_votes_together():
    names = [f"W{i}" for i in range(14)] + ["A", "B", "C"]
    b = RankedBallots.from_rankings(names, [["A", "B"]] * 4 + [["B", "A"]] * 3 + [["C", "B"]] * 2)
    o = tally.count(b, "irv", tiebreak="all")
    assert set(o.rounds[0].eliminated) == {f"W{i}" for i in range(14)}
    assert o.rounds[0].note == "no votes" and not o.ties
    assert o.winners == ("B",)
    # the same winner as eliminating them one by one
    assert tally.count(b, "irv", tiebreak="order").winners == ("B",)


@settings(max_examples=60, deadline=None)
@given(rows=ballot_lists, rule=st.sampled_from(["irv", "coombs", "runoff"]), seed=st.integers(0, 2**16))
def test_any_tiebreak_winner_is_among_the_parallel_universe_winners(rows, rule, seed):
    b = build(rows, "exhaust")
    every = set(tally.count(b, rule, tiebreak="all").winners)
    for mode in ("previous_round", "order", "random"):
        (winner,) = tally.count(b, rule, tiebreak=mode, seed=seed).winners
        assert winner in every


@pytest.mark.parametrize(
    "rule, options",
    [
        ("irv", {"overvote": "bogus"}),
        ("irv", {"repeated": "x"}),
        ("irv", {"tiebreak": "bogus"}),
        ("plurality", {"tiebreak": "bogus"}),
        ("borda", {"tiebreak": "bogus"}),
    ],
)
def test_batch_count_refuses_bad_options_even_when_no_election_needs_them(rule, options):
    from tally.ballots import RankedProfiles

    # clear winners everywhere: the kernels settle every election without a tie-break
    profiles = RankedProfiles(
        ("A", "B", "C"),
        np.array([[0, 1, 2], [1, 0, -1], [2, -1, -1]], dtype=np.int8),
        np.array([[5, 3, 1], [6, 4, 2]]),
    )
    assert tally.count(profiles, rule).winner_sets() == [("A",), ("A",)]
    with pytest.raises(ConfigError):
        tally.count(profiles, rule, **options)


def test_batch_irv_reports_inactive_ballots_whichever_path_counts_it():
    from tally.ballots import RankedProfiles

    profiles = RankedProfiles(
        ("A", "B", "C"),
        np.array([[0, 1, 2], [1, -1, -1], [2, -1, -1]], dtype=np.int8),
        np.array([[5, 3, 2], [4, 4, 3]]),
    )
    kernel = tally.count(profiles, "irv")
    single = tally.count(profiles, "irv", max_skipped=3)  # an option the kernel leaves to the single path
    # election 1: C (2 ballots, ranking only C) is eliminated, those 2 of 10 exhaust;
    # election 2: C's 3 ballots of 11 exhaust
    assert kernel.inactive_share.tolist() == pytest.approx([0.2, 3 / 11])
    assert single.inactive_share.tolist() == pytest.approx([0.2, 3 / 11])
