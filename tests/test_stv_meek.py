"""Meek and Warren STV against a plain per-ballot reference count written from the papers.

The reference follows Hill, Wichmann & Woodall, "Algorithm 123" (1987) with ordinary
floats, ballot by ballot and candidate by candidate, with none of the grouping or
fixed-point arithmetic of :mod:`tally.rules.stv_meek`. Elected sets must agree on random
profiles, except where the count is too close to call (a near tie at an exclusion, within
0.01 votes), which such different arithmetic may decide differently; exact ties are broken
the same way on both sides (the candidate later in the list is excluded).
"""

from __future__ import annotations

import numpy as np
import pytest

import tally
from tally.ballots import RankedBallots


def reference(
    ballots: list[tuple[list[int], int]], c: int, seats: int, warren: bool
) -> tuple[set[int], float]:
    """(elected, closest margin met at a decision) by Meek's or Warren's method in floats."""
    keep = [1.0] * c
    hopeful, elected = set(range(c)), []
    closest = float("inf")

    def distribute():
        votes = [0.0] * c
        for prefs, n in ballots:
            w = 1.0
            for cand in prefs:
                if keep[cand] == 0:
                    continue
                kept = min(keep[cand], w) if warren else w * keep[cand]
                votes[cand] += kept * n
                w -= kept
                if w <= 1e-15:
                    break
        return votes

    while len(elected) < seats:
        if len(hopeful) <= seats - len(elected):
            elected += sorted(hopeful)
            break
        last = None
        while True:
            votes = distribute()
            quota = sum(votes) / (seats + 1) + 1e-9
            new = [h for h in hopeful if votes[h] >= quota]
            if new:
                for h in sorted(new, key=lambda h: -votes[h])[: seats - len(elected)]:
                    elected.append(h)
                    hopeful.discard(h)
                break
            surplus = sum(max(votes[e] - quota, 0) for e in elected)
            if surplus <= 1e-5 or (last is not None and surplus >= last):
                # Exact ties go to the candidate later in the list (as tiebreak="order");
                # near ties are where float and fixed-point counts may part.
                ordered = sorted(hopeful, key=lambda h: (round(votes[h], 6), -h))
                gap = votes[ordered[1]] - votes[ordered[0]]
                if gap > 1e-6:
                    closest = min(closest, gap)
                loser = ordered[0]
                keep[loser] = 0.0
                hopeful.discard(loser)
                break
            last = surplus
            for e in elected:
                keep[e] = min(1.0, keep[e] * quota / votes[e])
    return set(elected), closest


def profiles(seed: int, n: int):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        c = int(rng.integers(3, 7))
        seats = int(rng.integers(2, c))
        popular = [rng.permutation(c) for _ in range(3)]
        rows = []
        for _ in range(int(rng.integers(20, 70))):
            order = popular[int(rng.integers(0, 3))] if rng.random() < 0.6 else rng.permutation(c)
            rows.append([int(i) for i in order[: int(rng.integers(1, c + 1))]])
        yield rows, c, seats


@pytest.mark.parametrize("name", ["meek_stv", "warren_stv"])
def test_meek_and_warren_match_reference(name):
    compared = 0
    for rows, c, seats in profiles(21 if name == "meek_stv" else 22, 80):
        names = [f"C{i}" for i in range(c)]
        b = RankedBallots.from_rankings(names, [[names[i] for i in r] for r in rows])
        merged = [([names.index(m) for m in marks], int(w)) for marks, w in b.rankings()]
        expected, closest = reference(merged, c, seats, warren=name == "warren_stv")
        if closest < 0.01:
            continue
        ours = tally.count(b, name, seats=seats, tiebreak="order")
        if ours.ties:
            continue
        assert set(ours.winners) == {names[i] for i in expected}, rows
        compared += 1
    assert compared >= 40


def test_meek_keep_values_bring_elected_to_quota():
    # 2 seats, 30 ballots: A is elected with 14; Meek keeps A at the quota by iteration,
    # so A's share reaching B grows as the quota falls with exhausted ballots.
    rows = [["A", "B"]] * 14 + [["C"]] * 8 + [["B"]] * 4 + [["D", "C"]] * 4
    b = RankedBallots.from_rankings(["A", "B", "C", "D"], rows)
    o = tally.count(b, "meek_stv", seats=2)
    info = o.details["rounds"]
    assert o.rounds[0].threshold == pytest.approx(30 / 3 + 1e-9)
    assert o.rounds[0].elected == ("A",)
    converged = [i for i in info if i.get("stopped") == "converged"]
    assert converged, info
    keep = converged[0]["keep_values"]["A"]
    # At convergence A holds (about) the quota: 14 x keep = quota.
    threshold = next(r.threshold for r in o.rounds if r.note.startswith("D excluded") or r.eliminated)
    assert 14 * keep == pytest.approx(threshold, abs=1e-4)
    assert set(o.winners) == {"A", "C"}


def test_long_ballots_take_the_matrix_grouping():
    # 20 candidates ranked 20 deep do not fit one 64-bit path code: the other grouping runs.
    c, seats = 20, 3
    names = [f"C{i}" for i in range(c)]
    compared = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        strength = rng.uniform(0.5, 1.5, size=c)
        rows = [list(np.argsort(-(rng.gumbel(size=c) + np.log(strength)))) for _ in range(400)]
        b = RankedBallots.from_rankings(names, [[names[i] for i in r] for r in rows])
        merged = [([names.index(m) for m in marks], int(w)) for marks, w in b.rankings()]
        expected, closest = reference(merged, c, seats, warren=False)
        if closest < 0.01:
            continue
        ours = tally.count(b, "meek_stv", seats=seats, tiebreak="order")
        assert set(ours.winners) == {names[i] for i in expected}
        compared += 1
    assert compared >= 2
