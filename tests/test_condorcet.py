"""The Condorcet family on profiles with published answers, cycles, ties, and invariants."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tally
from tally.errors import ConfigError, RuleError
from tally.rules import condorcet as family
from tally.rules.condorcet import (
    KEMENY_MAX_CANDIDATES,
    condorcet_loser,
    condorcet_winner,
    pairwise_margins,
    smith_set,
    strongest_paths,
)

RULES = ("copeland", "minimax", "schulze", "ranked_pairs", "split_cycle", "kemeny_young")
COUNT = {name: getattr(family, name) for name in (*RULES, "condorcet")}


def ballots_of(candidates, spec):
    """Ballots from [(count, ranking), ...]."""
    return tally.RankedBallots.from_rankings(candidates, [r for _, r in spec], [n for n, _ in spec])


# Wikipedia, "Condorcet method" (and the Copeland, Minimax, Schulze, Ranked pairs and
# Kemeny-Young articles): Tennessee choosing its capital, voters grouped by city, each
# preferring cities closer to home. Nashville is the Condorcet winner, Memphis the
# Condorcet loser; the Kemeny ranking is Nashville > Chattanooga > Knoxville > Memphis
# with 393 pairwise agreements.
TENNESSEE = ("Memphis", "Nashville", "Chattanooga", "Knoxville")
TENNESSEE_VOTES = [
    (42, ["Memphis", "Nashville", "Chattanooga", "Knoxville"]),
    (26, ["Nashville", "Chattanooga", "Knoxville", "Memphis"]),
    (15, ["Chattanooga", "Knoxville", "Nashville", "Memphis"]),
    (17, ["Knoxville", "Chattanooga", "Nashville", "Memphis"]),
]

# Schulze (2011), section 3.1 example (also Wikipedia, "Schulze method"): 45 voters,
# 5 candidates; with winning votes, the strongest paths below and the winner E.
SCHULZE_VOTES = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]
SCHULZE_SUPPORT = [
    [0, 20, 26, 30, 22],
    [25, 0, 16, 33, 18],
    [19, 29, 0, 17, 24],
    [15, 12, 28, 0, 14],
    [23, 27, 21, 31, 0],
]
SCHULZE_PATHS = [
    [0, 28, 28, 30, 24],
    [25, 0, 28, 33, 24],
    [25, 29, 0, 29, 24],
    [25, 28, 28, 0, 24],
    [25, 28, 28, 31, 0],
]

CYCLE = [(1, ["A", "B", "C"]), (1, ["B", "C", "A"]), (1, ["C", "A", "B"])]


@pytest.fixture
def tennessee():
    return ballots_of(TENNESSEE, TENNESSEE_VOTES)


def test_tennessee_margins_and_sets(tennessee):
    m = pairwise_margins(tennessee)
    assert m[1, 0] == 16  # Nashville 58 - Memphis 42
    assert m[1, 2] == 36 and m[1, 3] == 36  # Nashville 68 - 32
    assert m[2, 3] == 66  # Chattanooga 83 - Knoxville 17
    assert np.array_equal(m, -m.T)
    assert condorcet_winner(tennessee) == "Nashville"
    assert condorcet_loser(tennessee) == "Memphis"
    assert smith_set(tennessee) == ("Nashville",)
    assert smith_set(tennessee, margins=m) == ("Nashville",)


@pytest.mark.parametrize("name", (*RULES, "condorcet"))
def test_tennessee_every_rule_elects_nashville(tennessee, name):
    outcome = COUNT[name](tennessee)
    assert outcome.winners == ("Nashville",)
    assert not outcome.ties and not outcome.tied
    assert outcome.details["margins"]["Nashville"]["Memphis"] == 16
    assert outcome.details["smith_set"] == ["Nashville"]
    assert outcome.ballots["read"] == 100


def test_tennessee_scores(tennessee):
    assert COUNT["copeland"](tennessee).scores == {
        "Memphis": 0,
        "Nashville": 3,
        "Chattanooga": 2,
        "Knoxville": 1,
    }
    assert COUNT["minimax"](tennessee).scores == {
        "Memphis": 16,
        "Nashville": 0,
        "Chattanooga": 36,
        "Knoxville": 66,
    }
    kemeny = COUNT["kemeny_young"](tennessee)
    assert kemeny.details["ranking"] == ["Nashville", "Chattanooga", "Knoxville", "Memphis"]
    # margin score -> pairwise agreements: (score + pairs * voters) / 2
    assert (kemeny.details["kemeny_score"] + 6 * 100) / 2 == 393
    assert COUNT["ranked_pairs"](tennessee).details["ranking"] == kemeny.details["ranking"]


def test_schulze_paper_example():
    ballots = ballots_of(list("ABCDE"), [(n, list(r)) for n, r in SCHULZE_VOTES])
    assert ballots.pairwise().tolist() == SCHULZE_SUPPORT
    wv = COUNT["schulze"](ballots, strength="winning_votes")
    assert wv.winners == ("E",)
    paths = [[wv.details["strongest_paths"][a][b] for b in "ABCDE"] for a in "ABCDE"]
    assert paths == SCHULZE_PATHS
    # Schulze's ranking E > A > C > B > D: E beats 4, A beats 3, ...
    assert wv.scores == {"E": 4, "A": 3, "C": 2, "B": 1, "D": 0}
    assert COUNT["schulze"](ballots).winners == ("E",)  # margins agree here


def test_strongest_paths_small():
    s = np.array([[0, 5, 0], [0, 0, 3], [2, 0, 0]], dtype=float)
    p = strongest_paths(s)
    assert p.tolist() == [[0, 5, 3], [2, 0, 3], [2, 2, 0]]


def test_cycle_is_a_three_way_tie():
    ballots = ballots_of(list("ABC"), CYCLE)
    assert condorcet_winner(ballots) is None and condorcet_loser(ballots) is None
    assert smith_set(ballots) == ("A", "B", "C")
    for name in RULES:
        outcome = COUNT[name](ballots)
        assert outcome.winners == ("A", "B", "C"), name
        assert outcome.tied
        assert [t.tied for t in outcome.ties] == [("A", "B", "C")]
        assert outcome.ties[0].mode == "all"
    none = COUNT["condorcet"](ballots)
    assert none.winners == () and none.warnings and "no Condorcet winner" in none.warnings[0]


def test_cycle_tiebreak_modes_are_recorded_and_deterministic():
    ballots = ballots_of(list("ABC"), CYCLE)
    for name in RULES:
        ordered = COUNT[name](ballots, tiebreak="order")
        assert len(ordered.winners) == 1 and not ordered.tied
        assert ordered.ties and ordered.ties[0].mode == "order"
        drawn = [COUNT[name](ballots, tiebreak="random", seed=s).winners for s in range(12)]
        assert drawn == [COUNT[name](ballots, tiebreak="random", seed=s).winners for s in range(12)]
        assert all(len(w) == 1 for w in drawn)
    # candidate order: A is first in line
    assert COUNT["copeland"](ballots, tiebreak="order").winners == ("A",)
    # Zavist-Tideman: equal margins locked winner-first in order: A>B, B>C, C>A skipped
    assert COUNT["ranked_pairs"](ballots, tiebreak="order").winners == ("A",)
    assert COUNT["ranked_pairs"](ballots, tiebreak="order").details["ranking"] == ["A", "B", "C"]


def test_ranked_pairs_all_is_union_over_lock_orders():
    # A>B 3, B>C 1, C>A 1, D loses to all: the two margin-1 wins can be locked either way
    spec = [
        (2, ["A", "B", "C", "D"]),
        (1, ["B", "C", "A", "D"]),
        (1, ["C", "A", "B", "D"]),
        (1, ["C", "A", "D", "B"]),
    ]
    ballots = ballots_of(list("ABCD"), spec)
    m = pairwise_margins(ballots)
    assert (m[0, 1], m[1, 2], m[2, 0]) == (3, 1, 1)
    outcome = COUNT["ranked_pairs"](ballots)
    # lock A>B; then B>C first -> C>A closes a cycle -> A wins; C>A first -> B>C closes one -> C wins
    assert outcome.winners == ("A", "C")
    assert COUNT["ranked_pairs"](ballots, tiebreak="order").winners == ("A",)


def test_copeland_conventions():
    # A ties B, both beat C
    ballots = ballots_of(list("ABC"), [(1, ["A", "B", "C"]), (1, ["B", "A", "C"])])
    assert COUNT["copeland"](ballots).scores == {"A": 1.5, "B": 1.5, "C": 0}
    assert COUNT["copeland"](ballots, tie_score=1).scores == {"A": 2, "B": 2, "C": 0}
    assert COUNT["copeland"](ballots, tie_score=0).scores == {"A": 1, "B": 1, "C": 0}
    assert tally.get_rule("llull").name == "llull"


def test_llull_counts_a_pairwise_tie_as_a_win():
    # a>b>c, b>c>a: a ties b and c; b beats c. Llull: a 2, b 2, c 1 (a and b elected);
    # Copeland: a 1, b 1.5, c 0.5 (b elected).
    ballots = tally.RankedBallots.from_rankings(list("abc"), [list("abc"), list("bca")])
    llull = tally.count(ballots, "llull")
    assert llull.winners == ("a", "b") and llull.tied
    assert llull.scores == {"a": 2, "b": 2, "c": 1}
    assert tally.count(ballots, "copeland").winners == ("b",)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.permutations(list("ABCD")), min_size=1, max_size=9))
def test_llull_against_a_plain_reading(rankings):
    ballots = tally.RankedBallots.from_rankings(list("ABCD"), rankings)
    points = {c: 0 for c in "ABCD"}
    for x in "ABCD":
        for y in "ABCD":
            if x != y:
                ahead = sum(r.index(x) < r.index(y) for r in rankings)
                points[x] += ahead * 2 >= len(rankings)  # a win or a tie scores 1
    top = max(points.values())
    assert tally.count(ballots, "llull").winners == tuple(c for c in "ABCD" if points[c] == top)


def test_truncated_and_tied_ballots():
    # A vs B: +1 -1 0; A vs C: +1 -1 +1; B vs C: 0 +1 +1 (unranked candidates are equal)
    ballots = tally.RankedBallots.from_rankings(list("ABC"), [["A"], ["B", "C"], [{"A", "B"}]])
    m = pairwise_margins(ballots)
    assert m.tolist() == [[0, 0, 1], [0, 0, 2], [-1, -2, 0]]
    assert smith_set(ballots) == ("A", "B")
    assert condorcet_loser(ballots) == "C"
    assert COUNT["minimax"](ballots).winners == ("A", "B")
    # winning votes and pairwise opposition differ from margins on such ballots
    assert COUNT["minimax"](ballots, measure="pairwise_opposition").scores == {"A": 1, "B": 1, "C": 2}


def test_overvote_marks_nobody():
    ballots = tally.RankedBallots.from_rankings(list("AB"), [["overvote", "B"], ["A"]])
    assert pairwise_margins(ballots).tolist() == [[0, 0], [0, 0]]
    only = tally.RankedBallots.from_rankings(list("AB"), [["overvote"], ["A"], [None]])
    outcome = COUNT["copeland"](only)
    assert outcome.ballots["inactive"] == {"undervote": 1, "overvote": 1}
    assert outcome.ballots["continuing"] == 1


def test_kemeny_refuses_large_fields():
    c = KEMENY_MAX_CANDIDATES + 1
    names = [f"c{i}" for i in range(c)]
    ballots = tally.RankedBallots.from_rankings(names, [names])
    with pytest.raises(RuleError, match="at most"):
        COUNT["kemeny_young"](ballots)


def test_kemeny_matches_brute_force_on_random_margins():
    from itertools import permutations

    rng = np.random.default_rng(5)
    for _ in range(40):
        c = int(rng.integers(2, 7))
        votes = [list(rng.permutation(c)) for _ in range(int(rng.integers(1, 9)))]
        names = [f"x{i}" for i in range(c)]
        ballots = tally.RankedBallots.from_rankings(names, [[names[i] for i in v] for v in votes])
        m = pairwise_margins(ballots)
        scores = {
            p: sum(m[p[i], p[j]] for i in range(c) for j in range(i + 1, c)) for p in permutations(range(c))
        }
        best = max(scores.values())
        tops = {names[p[0]] for p, s in scores.items() if s == best}
        outcome = COUNT["kemeny_young"](ballots)
        assert set(outcome.winners) == tops
        assert outcome.details["kemeny_score"] == best


def test_bad_options():
    ballots = ballots_of(list("ABC"), CYCLE)
    with pytest.raises(ConfigError):
        COUNT["minimax"](ballots, measure="loudest")
    with pytest.raises(ConfigError):
        COUNT["schulze"](ballots, strength="ratio")
    with pytest.raises(ConfigError):
        COUNT["copeland"](ballots, tiebreak="coin")
    with pytest.raises(RuleError):
        COUNT["copeland"](ballots, seats=2)
    with pytest.raises(ConfigError):
        smith_set(ballots, margins=np.zeros((2, 2)))


def test_accounting_and_json(tennessee):
    blank = tally.RankedBallots.from_rankings(TENNESSEE, [[None], TENNESSEE_VOTES[0][1]], [3, 5])
    for name in (*RULES, "condorcet"):
        outcome = COUNT[name](blank)
        read = outcome.ballots["read"]
        assert read == 8
        for r in outcome.rounds:
            assert r.continuing + sum(r.inactive.values()) == read
        assert outcome.rounds[0].inactive["undervote"] == 3
        text = outcome.to_json()
        assert text == COUNT[name](blank).to_json()
        assert json.loads(text)["details"]["smith_set"] == ["Memphis"]


def test_fractional_weights_compare_fairly():
    # 0.1 + 0.2 vs 0.3: a float sum that is not exact must still be a pairwise tie
    ballots = tally.RankedBallots.from_rankings(
        list("AB"), [["A", "B"], ["A", "B"], ["B", "A"]], [0.1, 0.2, 0.3], merge=False
    )
    assert pairwise_margins(ballots)[0, 1] == 0
    assert COUNT["copeland"](ballots).winners == ("A", "B")


# -- invariants -------------------------------------------------------------------------

rankings = st.lists(st.lists(st.integers(0, 4), min_size=0, max_size=5, unique=True), min_size=1, max_size=14)


def _ballots(names, rows, weights=None):
    return tally.RankedBallots.from_rankings(names, [[names[i] for i in row] for row in rows], weights)


@settings(max_examples=60, deadline=None)
@given(rows=rankings, perm=st.permutations(range(5)))
def test_neutrality(rows, perm):
    names = list("ABCDE")
    renamed = [f"n{p}" for p in perm]  # candidate i is now called renamed[i], listed in another order
    original = _ballots(names, rows)
    relabelled = tally.RankedBallots.from_rankings(
        sorted(renamed), [[renamed[i] for i in row] for row in rows]
    )
    for name in (*RULES, "condorcet"):
        a = COUNT[name](original)
        b = COUNT[name](relabelled)
        assert {renamed[names.index(w)] for w in a.winners} == set(b.winners), name
    assert {renamed[names.index(w)] for w in smith_set(original)} == set(smith_set(relabelled))


@settings(max_examples=60, deadline=None)
@given(rows=rankings, seed=st.integers(0, 2**16))
def test_anonymity(rows, seed):
    names = list("ABCDE")
    rng = np.random.default_rng(seed)
    shuffled = [rows[i] for i in rng.permutation(len(rows))]
    once = _ballots(names, rows)
    again = _ballots(names, shuffled)
    # the same voters as unmerged rows with weights split in two
    split = tally.RankedBallots.from_rankings(
        names, [[names[i] for i in row] for row in rows + rows], [0.5] * (2 * len(rows)), merge=False
    )
    for name in (*RULES, "condorcet"):
        a = COUNT[name](once)
        assert COUNT[name](again).winners == a.winners
        assert COUNT[name](split).winners == a.winners
        assert COUNT[name](again).scores == a.scores


def test_ranked_pairs_refuses_an_unbounded_search_but_orders_still_count():
    # 5 voters, 10 candidates: margins 1, 3, 5 only, so nearly every pair ties with many others
    perms = [
        [2, 0, 9, 7, 1, 5, 6, 3, 4, 8],
        [3, 9, 4, 5, 6, 8, 7, 1, 2, 0],
        [1, 4, 3, 2, 7, 6, 0, 5, 9, 8],
        [5, 4, 8, 6, 3, 1, 7, 2, 9, 0],
        [7, 1, 9, 6, 4, 5, 3, 2, 8, 0],
    ]
    names = [f"c{i}" for i in range(10)]
    ballots = tally.RankedBallots.from_rankings(names, [[names[i] for i in p] for p in perms])
    with pytest.raises(RuleError, match="tiebreak 'order'"):
        COUNT["ranked_pairs"](ballots)
    ordered = COUNT["ranked_pairs"](ballots, tiebreak="order")
    assert len(ordered.winners) == 1
    assert ordered.ties and "too many orders" in ordered.ties[0].detail
    assert ordered.winners[0] == ordered.details["ranking"][0]


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(family)
    assert result.attempted >= 10 and result.failed == 0


# -- real elections (bundled data) --------------------------------------------------------


def _bundled(dataset_id):
    data = pytest.importorskip("tally.data")
    return data.load(dataset_id)


def test_burlington_2009_montroll_is_the_condorcet_winner():
    # Burlington, VT mayor 2009 (PrefLib 00005-00000001): IRV elected Bob Kiss, but Andy
    # Montroll beat every rival head to head, e.g. Kiss 4,067 to 3,477 (as published).
    ballots = _bundled("burlington-2009")
    support = ballots.pairwise()
    kiss, montroll, wright = (ballots.index(n) for n in ("Bob Kiss", "Andy Montroll", "Kurt Wright"))
    assert (support[montroll, kiss], support[kiss, montroll]) == (4067, 3477)
    assert (support[montroll, wright], support[wright, montroll]) == (4597, 3668)
    assert condorcet_winner(ballots) == "Andy Montroll"
    assert smith_set(ballots) == ("Andy Montroll",)
    for name in RULES:
        assert COUNT[name](ballots).winners == ("Andy Montroll",), name


def test_alaska_2022_begich_is_the_condorcet_winner():
    # Alaska 2022 special general: Peltola won the RCV count, Begich beats both rivals head to
    # head. The head-to-head counts agree within 0.1 % with the independent summaries of the
    # same cast-vote record (AK_RCV_Summarizer), whose ballot cleaning differs slightly.
    import csv
    from pathlib import Path

    import tally.data

    ballots = _bundled("alaska-2022-special")
    support = ballots.pairwise()
    begich = ballots.index("Begich_ Nick")
    folder = Path(tally.data.__file__).parent / "alaska-2022" / "summaries-special-general"
    for other, file in (("Palin_ Sarah", "Begich_Palin"), ("Peltola_ Mary S.", "Begich_Peltola")):
        with open(folder / f"{file}-house_district.csv", newline="") as handle:
            rows = list(csv.reader(handle))
        header, total = rows[0], rows[-1]
        assert total[0] == "Total"
        published = {name: int(total[header.index(name)]) for name in ("Begich", other.split("_")[0])}
        ours = (support[begich, ballots.index(other)], support[ballots.index(other), begich])
        assert ours[0] > ours[1]
        assert abs(ours[0] - published["Begich"]) <= 0.001 * published["Begich"]
        assert abs(ours[1] - published[other.split("_")[0]]) <= 0.001 * published[other.split("_")[0]]
    assert condorcet_winner(ballots) == "Begich_ Nick"
    for name in RULES:
        assert COUNT[name](ballots).winners == ("Begich_ Nick",), name
