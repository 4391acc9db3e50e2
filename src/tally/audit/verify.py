"""An independent check of IRV assertions: are the margins right, is every other winner
ruled out?

This module shares nothing with the search (:mod:`tally.audit.raire`) beyond reading the
ballots into preference lists (:mod:`tally.audit.preferences`). It recounts every
assertion's two tallies from a matrix of each ballot's rank for every candidate, and
walks the elimination orders with another winner from their last candidate backwards,
keeping for each candidate placed so far its position in the order: an assertion settles
a partial order when every way of completing it breaks the assertion. A complete order
that nothing settles is left open, and the first one met is reported. Partial orders with
the same candidates placed and the same earliest one are walked once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..errors import AuditError
from .assertions import Assertion
from .preferences import Preferences

__all__ = ["Recount", "Verification", "verify"]


@dataclass(frozen=True)
class Recount:
    """One assertion recounted: the two tallies, and what the file claimed."""

    assertion: Assertion
    winner_votes: float
    loser_votes: float
    claimed_margin: float | None = None

    @property
    def margin(self) -> float:
        return self.winner_votes - self.loser_votes

    @property
    def holds(self) -> bool:
        return self.margin > 0

    @property
    def margin_agrees(self) -> bool:
        return self.claimed_margin is None or abs(self.claimed_margin - self.margin) <= 1e-6 * max(
            1.0, abs(self.margin)
        )


@dataclass(frozen=True)
class Verification:
    """What the check found; ``ok`` when every assertion holds with the margin claimed and
    every other winner is ruled out."""

    candidates: tuple[str, ...]
    winner: int
    recounts: tuple[Recount, ...]
    open_order: tuple[int, ...] | None
    orders_checked: int
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        names = self.candidates
        return {
            "ok": self.ok,
            "winner": names[self.winner],
            "problems": list(self.problems),
            "open_order": None if self.open_order is None else [names[c] for c in self.open_order],
            "suffixes_checked": self.orders_checked,
            "assertions": [
                {
                    **r.assertion.to_dict(names),
                    "winner_votes": r.winner_votes,
                    "loser_votes": r.loser_votes,
                    "margin": r.margin,
                    "claimed_margin": r.claimed_margin,
                    "holds": r.holds,
                    "margin_agrees": r.margin_agrees,
                }
                for r in self.recounts
            ],
        }


def verify(
    prefs: Preferences,
    winner: int,
    assertions: Sequence[Assertion],
    claimed_margins: Sequence[float | None] | None = None,
    *,
    max_suffixes: int = 5_000_000,
) -> Verification:
    """Check that ``assertions`` hold on ``prefs`` and rule out every winner but ``winner``.

    Parameters
    ----------
    prefs : Preferences
        The ballots as the count reads them.
    winner : int
        The winner the assertions should confirm.
    assertions : sequence of Assertion
    claimed_margins : sequence of float or None, optional
        Margins the assertions were published with (``None`` where not given).
    max_suffixes : int
        Partial orders the walk may visit before giving up.

    Returns
    -------
    Verification

    Raises
    ------
    AuditError
        The walk would visit more than ``max_suffixes`` partial orders.
    """
    c = prefs.n_candidates
    for a in assertions:
        if max(a.winner, a.loser, *a.continuing) >= c:
            raise AuditError(f"assertion {a} names a candidate index beyond the {c} candidates")
    ranks = _rank_matrix(prefs)
    claims = list(claimed_margins) if claimed_margins is not None else [None] * len(assertions)
    recounts = tuple(_recount(ranks, prefs.weights, a, m) for a, m in zip(assertions, claims, strict=True))
    names = prefs.candidates
    problems = []
    for r in recounts:
        text = r.assertion.describe(names)
        if not r.holds:
            problems.append(f"{text} does not hold: {r.winner_votes:g} against {r.loser_votes:g}")
        elif not r.margin_agrees:
            problems.append(f"{text}: margin is {r.margin:g}, not {r.claimed_margin:g} as claimed")
    holding = [r.assertion for r in recounts if r.holds]
    open_order, visited = _first_open_order(holding, winner, c, max_suffixes)
    if open_order is not None:
        order = " → ".join(names[x] for x in open_order)
        problems.append(f"elimination order {order} (won by {names[open_order[-1]]}) is not ruled out")
    return Verification(names, winner, recounts, open_order, visited, tuple(problems))


def _rank_matrix(prefs: Preferences) -> np.ndarray:
    """(rows, C): the position of each candidate on each list, ``inf`` when not on it."""
    rows, depth = prefs.lists.shape
    ranks = np.full((rows, prefs.n_candidates), np.inf)
    for k in range(depth):
        cand = prefs.lists[:, k]
        on = np.flatnonzero(cand >= 0)
        ranks[on, cand[on]] = k
    return ranks


def _recount(ranks: np.ndarray, weights: np.ndarray, a: Assertion, claimed: float | None) -> Recount:
    if a.kind == "NEB":
        # the winner's first preferences; ballots showing the loser before the winner
        first = weights[ranks[:, a.winner] == 0].sum()
        ahead = weights[np.isfinite(ranks[:, a.loser]) & (ranks[:, a.loser] < ranks[:, a.winner])].sum()
        return Recount(a, float(first), float(ahead), claimed)
    sub = ranks[:, list(a.continuing)]
    top = np.min(sub, axis=1)
    counted = np.isfinite(top)
    pick = np.argmin(sub, axis=1)
    votes = {c: float(weights[counted & (pick == i)].sum()) for i, c in enumerate(a.continuing)}
    return Recount(a, votes[a.winner], votes[a.loser], claimed)


def _settles(a: Assertion, position: dict[int, int], placed: int, c: int) -> bool:
    """Whether ``a`` is broken by every order whose last ``placed`` candidates sit at the
    given positions (0 = first eliminated); the others come earlier in any order."""
    if a.kind == "NEB":
        # broken when the winner is certainly eliminated before the loser
        if a.loser not in position:
            return False
        return a.winner not in position or position[a.winner] < position[a.loser]
    size = len(a.continuing)
    if size > placed:
        return False
    remaining = {x for x, p in position.items() if p >= c - size}
    return remaining == set(a.continuing) and position[a.winner] == c - size


def _first_open_order(
    assertions: Sequence[Assertion], winner: int, c: int, limit: int
) -> tuple[tuple[int, ...] | None, int]:
    visited = 0
    position: dict[int, int] = {}
    # Partial orders known to be settled all the way down, by (candidates placed, the
    # earliest of them). Once no earlier point of a walk settled anything, what settles
    # the rest depends on no more than that: a NEB between two placed candidates or a NEN
    # on fewer than all placed ones would have settled the walk where it was decided.
    done: set[tuple[int, int]] = set()

    def walk(placed: int, members: int, first: int) -> tuple[int, ...] | None:
        nonlocal visited
        if (members, first) in done:
            return None
        visited += 1
        if visited > limit:
            raise AuditError(f"checking the elimination orders visited more than {limit:,} partial orders")
        if any(_settles(a, position, placed, c) for a in assertions):
            done.add((members, first))
            return None
        if placed == c:
            return tuple(sorted(position, key=position.__getitem__))
        for x in range(c):
            if x in position:
                continue
            position[x] = c - placed - 1
            found = walk(placed + 1, members | 1 << x, x)
            del position[x]
            if found is not None:
                return found
        done.add((members, first))
        return None

    for last in range(c):
        if last == winner:
            continue
        position[last] = c - 1
        found = walk(1, 1 << last, last)
        del position[last]
        if found is not None:
            return found, visited
    return None, visited
