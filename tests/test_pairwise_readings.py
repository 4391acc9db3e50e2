"""The two readings of a ballot behind head-to-head counts, and where they differ.

``RankedBallots.pairwise`` (Condorcet rules, compare, heatmaps) reads a ballot as a
preference order: an overvote's candidates tied, the ranks after it still read.
``pairwise_counts`` (the analyst's table) reads it as an RCV count: up to the first
overvote. Each is recomputed here from the ballots as written, and on San Francisco's 2011
mayoral election the difference between them is shown to come from the ballots with an
overvote and from no other.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from tally.analysis.rcv_tables import pairwise_counts, read_ballots
from tally.data import resolve_contest


def _is_overvote(mark: Any) -> bool:
    return mark == "overvote" or isinstance(mark, frozenset)


def _as_preferences(marks: tuple[Any, ...]) -> tuple[set[tuple[str, str]], set[str]]:
    """Pairs (a, b) with a above b, and the candidates ranked: each candidate at the first
    rank marking them, the candidates of a named overvote at its rank, an unnamed overvote
    marking nobody, the ranks after an overvote read."""
    rank: dict[str, int] = {}
    for r, mark in enumerate(marks):
        if mark is None or mark == "overvote":
            continue
        for name in mark if isinstance(mark, frozenset) else (mark,):
            rank.setdefault(name, r)
    return {(a, b) for a in rank for b in rank if rank[a] < rank[b]}, set(rank)


def _as_counted(marks: tuple[Any, ...]) -> tuple[set[tuple[str, str]], set[str]]:
    """Pairs (a, b) with a above b, reading up to the first overvote, skips and repeats passed over."""
    order: list[str] = []
    for mark in marks:
        if mark is None:
            continue
        if _is_overvote(mark):
            break
        if mark not in order:
            order.append(mark)
    return {(a, b) for i, a in enumerate(order) for b in order[i + 1 :]}, set(order)


def _add(
    matrix: np.ndarray, index: dict[str, int], reading: Any, names: tuple[str, ...], weight: float
) -> None:
    above, ranked = reading
    for a, b in above:
        matrix[index[a], index[b]] += weight
    # a ranked candidate is above every unranked one
    for a in ranked:
        for b in names:
            if b not in ranked:
                matrix[index[a], index[b]] += weight


def test_sf_2011_readings_differ_exactly_on_the_ballots_with_an_overvote():
    ballots = resolve_contest("sf-2011-mayor").ballots
    names = tuple(ballots.candidates)
    index = {n: i for i, n in enumerate(names)}
    c = len(names)
    preferences, counted = np.zeros((c, c)), np.zeros((c, c))
    from_overvotes = np.zeros((c, c))
    overvoted = 0.0
    for marks, weight in ballots.rankings():
        mine_p, mine_c = np.zeros((c, c)), np.zeros((c, c))
        _add(mine_p, index, _as_preferences(marks), names, weight)
        _add(mine_c, index, _as_counted(marks), names, weight)
        preferences += mine_p
        counted += mine_c
        if any(_is_overvote(m) for m in marks):
            overvoted += weight
            from_overvotes += mine_p - mine_c
        else:
            assert np.array_equal(mine_p, mine_c), marks  # no overvote: one reading

    assert np.array_equal(ballots.pairwise(), preferences)
    assert np.array_equal(pairwise_counts(read_ballots(ballots)), counted)
    difference = ballots.pairwise() - pairwise_counts(read_ballots(ballots))
    assert np.array_equal(difference, from_overvotes)
    # the preference reading only ever credits more, and does on this contest
    assert difference.min() == 0.0
    assert difference.max() == 676.0
    assert 0 < overvoted < ballots.total
    assert math.isclose(difference.sum(), from_overvotes.sum())


def test_tied_candidates_are_indifferent_in_the_preference_reading_only():
    from tally.ballots import RankedBallots

    b = RankedBallots.from_rankings(["A", "B", "C"], [["A", {"B", "C"}, None], [{"A", "B"}, "C"]])
    pref = b.pairwise()
    rcv = pairwise_counts(read_ballots(b))
    for i, j in itertools.permutations(range(3), 2):
        assert pref[i, j] >= rcv[i, j]
    # ballot 1: A over B and C in both readings; B and C tied, so neither over the other
    # ballot 2: A and B tied over C as preferences; read as a count it ranks nobody
    assert pref.tolist() == [[0, 1, 2], [0, 0, 1], [0, 0, 0]]
    assert rcv.tolist() == [[0, 1, 1], [0, 0, 0], [0, 0, 0]]
