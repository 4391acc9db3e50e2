"""Meek and Warren STV against a per-ballot fixed-point reference, round by round.

The reference reads each raw ballot itself (skipped ranks, repeats, overvotes as
:mod:`tally.count.papers` describes) and counts it ballot by ballot, candidate by
candidate, with the integer rules of :mod:`tally.rules.stv_meek`: weights in units of
10^-decimals, Meek's kept and passed parts each rounded up, Warren's min(keep, weight),
the quota floor(votes / (seats + 1)) + 1 unit, keep values rescaled with rounding up.
With the same integers on both sides the counts must agree exactly: every round's votes,
quota, keep values, non-transferable votes, and the ballots still continuing.

The profiles aim at the corners of the path index of ``stv_meek``: blank rows, rows that
are only an overvote or only skipped ranks, ballots whose candidates are all excluded,
seats equal to the number of candidates, ``skipped="exhaust"``, and ballots with more
ranks than fit one 64-bit path code (the unique-rows grouping).
"""

from __future__ import annotations

import numpy as np
import pytest

import tally
from tally.ballots import RankedBallots

HOPEFUL, ELECTED, EXCLUDED = 0, 1, 2
OVER = "over"


def usable(marks: list, skipped: str) -> list[int]:
    """A raw ballot's usable preferences, read mark by mark."""
    out: list[int] = []
    for i, mark in enumerate(marks):
        if mark == OVER:
            break
        if mark is None:
            if skipped == "exhaust" and any(m is not None for m in marks[i + 1 :]):
                break
            continue
        if mark not in out:
            out.append(mark)
    return out


def ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def reference(
    ballots: list[list],
    c: int,
    seats: int,
    *,
    warren: bool,
    skipped: str,
    decimals: int = 9,
    tolerance: float = 0.00001,
) -> dict:
    """The count, one ballot at a time: (winners, rounds as plain dicts)."""
    one = 10**decimals
    omega = round(tolerance * one)
    prefs = [usable(b, skipped) for b in ballots]
    keep = [one] * c
    status = [HOPEFUL] * c
    order: list[int] = []
    rounds: list[dict] = []
    state = {"votes": [0] * c, "left": 0, "quota": 0}

    def distribute() -> None:
        votes, left = [0] * c, 0
        for p in prefs:
            if not p:
                continue
            w = one
            for cand in p:
                if status[cand] == EXCLUDED:
                    continue
                k = keep[cand]
                if warren:
                    kept = min(k, w)
                    rest = w - kept
                else:
                    kept = ceil_div(w * k, one)
                    rest = ceil_div(w * (one - k), one)
                votes[cand] += kept
                w = rest
                if status[cand] == HOPEFUL:
                    break
            left += w
        state.update(votes=votes, left=left, quota=sum(votes) // (seats + 1) + 1)

    def elect_reached() -> list[int]:
        votes, quota = state["votes"], state["quota"]
        reached = sorted(
            (h for h in range(c) if status[h] == HOPEFUL and votes[h] >= quota), key=lambda h: (-votes[h], h)
        )
        out = []
        for h in reached:
            if len(order) < seats:
                status[h] = ELECTED
                order.append(h)
                out.append(h)
        return out

    def record(elected, eliminated) -> None:
        rounds.append(
            {
                "tally": {h: state["votes"][h] for h in range(c) if status[h] != EXCLUDED},
                "elected": list(elected),
                "eliminated": list(eliminated),
                "quota": state["quota"],
                "keep": {h: keep[h] for h in order},
                "non_transferable": state["left"],
                "continuing": sum(1 for p in prefs if any(status[h] != EXCLUDED for h in p)),
            }
        )

    def surplus() -> int:
        return sum(max(state["votes"][h] - state["quota"], 0) for h in order)

    distribute()
    record(elect_reached(), [])
    while len(order) < seats:
        hopeful = [h for h in range(c) if status[h] == HOPEFUL]
        if len(hopeful) <= seats - len(order):
            new = sorted(hopeful, key=lambda h: (-state["votes"][h], h))
            for h in new:
                status[h] = ELECTED
                order.append(h)
            record(new, [])
            break
        last = None
        elected: list[int] = []
        for _ in range(10_000):
            distribute()
            elected = elect_reached()
            if elected:
                break
            s = surplus()
            if s <= omega or (last is not None and s >= last):
                break
            last = s
            for h in order:
                v = state["votes"][h]
                if v > 0:
                    scaled = ceil_div(keep[h] * state["quota"], one)
                    keep[h] = min(one, ceil_div(scaled * one, v))
        if elected:
            record(elected, [])
            continue
        low = min(state["votes"][h] for h in hopeful)
        # tiebreak="order": of equal lowest, the candidate later in the list goes.
        loser = max(h for h in hopeful if state["votes"][h] == low)
        status[loser] = EXCLUDED
        keep[loser] = 0
        distribute()
        record(elect_reached(), [loser])
    return {"winners": order, "rounds": rounds}


def random_ballot(rng: np.random.Generator, c: int, long: bool) -> list:
    kind = rng.random()
    if kind < 0.06:
        return []
    if kind < 0.10:
        return [None] * int(rng.integers(1, 4))
    if kind < 0.14:
        return [OVER] + [int(x) for x in rng.permutation(c)[: int(rng.integers(0, 3))]]
    marks: list = [int(x) for x in rng.permutation(c)[: int(rng.integers(1, c + 1))]]
    for _ in range(int(rng.integers(0, 3))):
        noise = rng.random()
        at = int(rng.integers(0, len(marks) + 1))
        if noise < 0.4:
            marks.insert(at, None)
        elif noise < 0.8:
            marks.insert(at, int(rng.integers(0, c)))  # a repeat, mostly
        else:
            marks.insert(at, OVER)
    if long:
        # Many ranks (repeats and blanks), beyond what one path code holds.
        marks += [None if rng.random() < 0.5 else int(rng.integers(0, c)) for _ in range(24)]
    return marks


def profiles(seed: int, n: int):
    rng = np.random.default_rng(seed)
    for k in range(n):
        c = int(rng.integers(2, 7))
        seats = c if k % 7 == 0 else int(rng.integers(1, c + 1))
        popular = [list(rng.permutation(c)) for _ in range(2)]
        rows = []
        for _ in range(int(rng.integers(0, 40))):
            if rng.random() < 0.5:
                top = popular[int(rng.integers(0, 2))]
                rows.append([int(x) for x in top[: int(rng.integers(1, c + 1))]])
            else:
                rows.append(random_ballot(rng, c, long=k % 3 == 0 and rng.random() < 0.3))
        yield rows, c, seats


def to_ballots(rows: list[list], c: int) -> RankedBallots:
    names = [f"C{i}" for i in range(c)]

    def mark(m):
        if m is None:
            return None
        if m == OVER:
            return "overvote"
        return names[m]

    return RankedBallots.from_rankings(names, [[mark(m) for m in r] for r in rows])


@pytest.mark.parametrize(
    ("rule", "skipped", "decimals"),
    [
        ("meek_stv", "continue", 9),
        ("meek_stv", "exhaust", 9),
        ("warren_stv", "continue", 9),
        ("warren_stv", "exhaust", 9),
        ("meek_stv", "continue", 3),
        ("warren_stv", "continue", 3),
    ],
)
def test_meek_and_warren_match_a_per_ballot_fixed_point_count(rule, skipped, decimals):
    warren = rule == "warren_stv"
    unit = 10**decimals
    matrix_paths = 0
    exclusions = 0
    seed = {"meek_stv": 40, "warren_stv": 50}[rule] + (skipped == "exhaust") + decimals
    for rows, c, seats in profiles(seed, 120):
        b = to_ballots(rows, c)
        names = b.candidates
        expected = reference(rows, c, seats, warren=warren, skipped=skipped, decimals=decimals)
        o = tally.count(
            b,
            rule,
            seats=seats,
            tiebreak="order",
            max_skipped=0 if skipped == "exhaust" else None,
            decimals=decimals,
        )
        assert list(o.winners) == [names[h] for h in expected["winners"]], rows
        assert len(o.rounds) == len(expected["rounds"]), rows
        for r, info, ref in zip(o.rounds, o.details["rounds"], expected["rounds"]):
            assert r.tally == {names[h]: v / unit for h, v in ref["tally"].items()}, rows
            assert r.threshold == ref["quota"] / unit
            assert list(r.elected) == [names[h] for h in ref["elected"]]
            assert list(r.eliminated) == [names[h] for h in ref["eliminated"]]
            assert info["keep_values"] == {names[h]: k / unit for h, k in ref["keep"].items()}
            assert info["non_transferable"] == ref["non_transferable"] / unit
            assert r.continuing == ref["continuing"]
            assert r.continuing + sum(r.inactive.values()) == len(rows)
            exclusions += bool(ref["eliminated"])
        matrix_paths += b.choices.shape[1] * np.log2(c + 1) >= 62
    # The profiles reach exclusions and the grouping used for long ballots.
    assert exclusions >= 30 and matrix_paths >= 5


def test_meek_path_index_matches_reference_when_every_candidate_is_elected():
    # Seats equal to the candidates: all are elected, some at the quota first.
    rows = [[0, 1], [0, 1], [0], [1, 2], [2], [], [OVER, 0], [None, 2]]
    for rule in ("meek_stv", "warren_stv"):
        expected = reference(rows, 3, 3, warren=rule == "warren_stv", skipped="continue")
        o = tally.count(to_ballots(rows, 3), rule, seats=3, tiebreak="order")
        assert list(o.winners) == [f"C{h}" for h in expected["winners"]]
        assert sorted(o.winners) == ["C0", "C1", "C2"]


@pytest.mark.parametrize("rule", ["meek_stv", "warren_stv"])
def test_blank_ranks_between_marks_change_nothing_even_on_the_long_ballot_grouping(rule):
    # Dublin West 2002 (9 candidates, 9 ranks: one path code per row) and the same papers
    # with two blank ranks after every mark (25 ranks: too deep for a 64-bit code, so
    # rows are grouped as whole paths). Blank ranks are passed over: the counts agree.
    from pathlib import Path

    from tally.ballots import SKIPPED

    b = tally.read(str(Path(__file__).parent / "data" / "stv" / "00001-00000002.soi"))
    rows, ranks = b.choices.shape
    spaced = np.full((rows, 3 * ranks), SKIPPED, dtype=b.choices.dtype)
    spaced[:, ::3] = b.choices
    wide = RankedBallots.from_matrix(b.candidates, spaced, b.weights, tie_sets=b.tie_sets)
    assert wide.choices.shape[1] * np.log2(b.n_candidates + 1) >= 62 > ranks * np.log2(b.n_candidates + 1)
    o = tally.count(b, rule, seats=3)
    assert len(o.rounds) > 3
    assert tally.count(wide, rule, seats=3).to_json() == o.to_json()
