"""Differential tests: the Condorcet family and the cardinal rules against pref_voting.

Random profiles come from a seeded NumPy generator: 3-6 candidates, 5-60 voters, in
three kinds: complete strict rankings, truncated strict rankings, and weak orders
(tied ranks, possibly truncated). pref_voting reads the ranked ones as a
``ProfileWithTies`` with *extended strict preference* (a ranked candidate is above an
unranked one; unranked candidates are equal), which is tally's convention. Winner sets
are compared directly: tally's ``tiebreak="all"`` reports every tied winner, as
pref_voting does.
"""

from __future__ import annotations

import math
from itertools import groupby

import numpy as np
import pytest

pref_voting = pytest.importorskip("pref_voting")

from pref_voting.c1_methods import copeland as pv_copeland
from pref_voting.c1_methods import llull as pv_llull
from pref_voting.c1_methods import top_cycle as pv_top_cycle
from pref_voting.grade_methods import approval as pv_approval
from pref_voting.grade_methods import score_voting as pv_score
from pref_voting.grade_methods import star as pv_star
from pref_voting.grade_profiles import GradeProfile
from pref_voting.margin_based_methods import beat_path as pv_beat_path
from pref_voting.margin_based_methods import minimax as pv_minimax
from pref_voting.margin_based_methods import minimax_scores as pv_minimax_scores
from pref_voting.margin_based_methods import ranked_pairs as pv_ranked_pairs
from pref_voting.margin_based_methods import split_cycle as pv_split_cycle
from pref_voting.other_methods import kemeny_young as pv_kemeny_young
from pref_voting.profiles_with_ties import ProfileWithTies

import tally
from tally.rules import cardinal, condorcet
from tally.rules.condorcet import condorcet_loser, condorcet_winner, pairwise_margins, smith_set

RULES = {name: getattr(condorcet, name) for name in condorcet.__all__} | {
    name: getattr(cardinal, name) for name in cardinal.__all__
}


def count(ballots, rule: str, **options):
    """Count with the registered rule function itself (the registry wrapper runs too)."""
    return RULES[rule](ballots, **options)


PROFILES = 1200
KINDS = ("strict", "truncated", "ties")
NAMES = tuple("ABCDEF")


def _random_ranking(rng: np.random.Generator, c: int, kind: str) -> list[list[int]]:
    """One ballot as a list of ranks, each rank a list of candidate indices."""
    order = [int(x) for x in rng.permutation(c)]
    if kind == "strict":
        return [[x] for x in order]
    length = int(rng.integers(1, c + 1))
    order = order[:length]
    if kind == "truncated":
        return [[x] for x in order]
    # weak order: cut the prefix into groups of tied candidates
    ranks, current = [], [order[0]]
    for x in order[1:]:
        if rng.random() < 0.35:
            current.append(x)
        else:
            ranks.append(current)
            current = [x]
    ranks.append(current)
    return ranks


def _profile(seed: int):
    rng = np.random.default_rng([20261126, seed])
    kind = KINDS[seed % len(KINDS)]
    c = int(rng.integers(3, 7))
    n = int(rng.integers(5, 61))
    rankings = [_random_ranking(rng, c, kind) for _ in range(n)]
    names = NAMES[:c]
    ballots = tally.RankedBallots.from_rankings(
        names,
        [[{names[x] for x in rank} if len(rank) > 1 else names[rank[0]] for rank in r] for r in rankings],
    )
    pv = ProfileWithTies(
        [{x: k + 1 for k, rank in enumerate(r) for x in rank} for r in rankings],
        rcounts=[1] * n,
        candidates=list(range(c)),
    )
    pv.use_extended_strict_preference()
    return kind, ballots, pv


@pytest.fixture(scope="module")
def profiles():
    return [_profile(seed) for seed in range(PROFILES)]


def _names(indices) -> set[str]:
    return {NAMES[i] for i in indices}


def test_profiles_mix_kinds_and_meet_ties(profiles):
    kinds = {kind for kind, _, _ in profiles}
    assert kinds == set(KINDS)
    assert sum(not b.is_strict() for _, b, _ in profiles) >= PROFILES // 4
    # the sweep is only meaningful if tied outcomes occur too
    tied = sum(len(pv_copeland(pv)) > 1 for _, _, pv in profiles)
    assert tied > 50


def test_margins_match(profiles):
    for _, ballots, pv in profiles:
        assert np.array_equal(pairwise_margins(ballots), np.array(pv.margin_matrix, dtype=float))


def test_condorcet_winner_loser_and_smith_set(profiles):
    with_winner = 0
    for _, ballots, pv in profiles:
        cw, cl = pv.condorcet_winner(), pv.condorcet_loser()
        assert condorcet_winner(ballots) == (None if cw is None else NAMES[cw])
        assert condorcet_loser(ballots) == (None if cl is None else NAMES[cl])
        assert set(smith_set(ballots)) == _names(pv_top_cycle(pv))
        outcome = count(ballots, "condorcet")
        assert set(outcome.winners) == (set() if cw is None else {NAMES[cw]})
        with_winner += cw is not None
    assert 100 < with_winner < PROFILES


@pytest.mark.parametrize(
    "rule, options, peer",
    [
        ("copeland", {}, pv_copeland),
        ("copeland", {"tie_score": 1.0}, pv_llull),
        ("minimax", {}, pv_minimax),
        ("schulze", {}, pv_beat_path),
        ("schulze", {"strength": "winning_votes"}, lambda pv: pv_beat_path(pv, strength_function=pv.support)),
        ("split_cycle", {}, pv_split_cycle),
        ("kemeny_young", {}, pv_kemeny_young),
    ],
    ids=["copeland", "llull", "minimax", "schulze", "schulze_winning_votes", "split_cycle", "kemeny_young"],
)
def test_winner_sets_match(profiles, rule, options, peer):
    for kind, ballots, pv in profiles:
        ours = set(count(ballots, rule, **options).winners)
        assert ours == _names(peer(pv)), (rule, kind, ballots.rankings())


@pytest.mark.parametrize(
    "measure, peer_method", [("winning_votes", "winning"), ("pairwise_opposition", "pairwise_opposition")]
)
def test_minimax_measures_match(profiles, measure, peer_method):
    for _, ballots, pv in profiles:
        peer = pv_minimax_scores(pv, score_method=peer_method)
        best = max(peer.values())
        expected = {NAMES[c] for c, v in peer.items() if v == best}
        assert set(count(ballots, "minimax", measure=measure).winners) == expected


def _tie_orders(pv, c: int) -> int:
    """How many edge orders pref_voting's ranked pairs enumerates (it tries them all)."""
    m = np.array(pv.margin_matrix)
    if any((m[i] > 0).sum() == c - 1 for i in range(c)):
        return 1  # Condorcet winner: pref_voting returns at once
    strengths = sorted(m[i, j] for i in range(c) for j in range(c) if i != j and m[i, j] >= 0)
    return math.prod(math.factorial(len(list(g))) for _, g in groupby(strengths))


def test_ranked_pairs_matches(profiles):
    compared = multiple = 0
    for kind, ballots, pv in profiles:
        # pref_voting enumerates every order of equal margins; skip the few it cannot finish
        if _tie_orders(pv, ballots.n_candidates) > 3000:
            continue
        ours = set(count(ballots, "ranked_pairs").winners)
        assert ours == _names(pv_ranked_pairs(pv)), (kind, ballots.rankings())
        compared += 1
        multiple += len(ours) > 1
    assert compared >= 1000
    assert multiple > 20


def _score_profile(seed: int, top: int):
    rng = np.random.default_rng([7, seed])
    c = int(rng.integers(2, 7))
    n = int(rng.integers(5, 61))
    scores = rng.integers(0, top + 1, size=(n, c)).astype(float)
    names = NAMES[:c]
    kind = "approval" if top == 1 else "score"
    ballots = tally.ScoredBallots.from_matrix(names, scores, kind=kind, max_score=top)
    pv = GradeProfile(
        [{j: int(row[j]) for j in range(c)} for row in scores],
        list(range(top + 1)),
        candidates=list(range(c)),
    )
    return ballots, pv


@pytest.fixture(scope="module")
def score_profiles():
    return [_score_profile(seed, 5) for seed in range(1000)]


def test_approval_matches():
    for seed in range(1000):
        ballots, pv = _score_profile(seed, 1)
        assert set(count(ballots, "approval").winners) == _names(pv_approval(pv))


def test_score_matches(score_profiles):
    for ballots, pv in score_profiles:
        assert set(count(ballots, "score").winners) == _names(pv_score(pv))


def test_star_matches_where_no_tie_is_met(score_profiles):
    """pref_voting's STAR leaves every tie standing; tally follows the official protocol,
    so the two are compared where tally met no tie and pref_voting named one winner."""
    compared = 0
    for ballots, pv in score_profiles:
        if sorted(pv.grades) != [0, 1, 2, 3, 4, 5]:
            continue
        outcome = count(ballots, "star")
        theirs = _names(pv_star(pv))
        if outcome.ties or len(theirs) > 1:
            continue
        assert set(outcome.winners) == theirs, ballots.scores.tolist()
        compared += 1
    assert compared >= 800


def test_majority_judgment_matches_where_both_name_one_winner():
    """pref_voting's majority judgement settles equal majority grades by the majority
    gauge (the larger share above or below the grade); tally by the majority value
    (removing majority grades in turn). Balinski and Laraki show the gauge agrees with
    the majority value wherever it decides, so the two are compared on odd electorates
    (the median is then a grade on both sides) where each names a single winner."""
    from pref_voting.grade_methods import majority_judgement as pv_majority_judgement

    compared = by_gauge = 0
    seed = 0
    while compared < 1000:
        seed += 1
        ballots, pv = _score_profile(seed, 5)
        if int(ballots.total) % 2 == 0:
            continue
        outcome = count(ballots, "majority_judgment")
        theirs = _names(pv_majority_judgement(pv))
        if outcome.tied or len(theirs) > 1:
            continue
        assert set(outcome.winners) == theirs, ballots.scores.tolist()
        compared += 1
        medians = outcome.rounds[0].tally
        by_gauge += sum(v == max(medians.values()) for v in medians.values()) > 1
    assert by_gauge > 100  # many comparisons were decided beyond the majority grade
