"""The smallest ballot changes that give an instant-runoff count another winner.

Used by :mod:`tally.analysis.criteria` for IRV contests. The search works on the
**decisive rounds**: the candidates still in the count when at most ``depth`` (default
4) remain. Each ballot row is reduced to its *path*, the order in which it would count
for those candidates as they leave (read under the contest's own rules for overvotes,
skipped ranks and repeats); rows with the same path are one *type*. For every order in
which the decisive candidates could leave, an integer programme finds the fewest
ballots to change so that each round eliminates the intended candidate (every
elimination strict, so no tie-break is relied on):

* ``upward``: the winner moved up on a ballot (never a blank one) and nothing else
  changed; the target order ends with another candidate.
* ``downward``: a losing candidate moved down; the target order ends with that
  candidate.
* ``no_show``: ballots removed; only ballots ranking the target's new winner above the
  actual winner (as read: up to the first overvote, ranked above unranked) may go.

Rows of the chosen types are then changed in full (the moved candidate is put just
before or after the mark of the neighbour its path names, so earlier and later marks
keep their places) and the whole election is counted again under the same rule and
options; only a recount showing the paradox is reported. The witness found is the
smallest possible when the decisive candidates are all the candidates (nothing
eliminated before them can be changed) and the first programme's solution is
confirmed by the recount: ``search`` is then ``"exact"``. Otherwise, as Graham-Squire
and McCune do for US elections with many candidates, changes are confined to the
decisive rounds and the result is ``"heuristic"``: a paradox needing changes in earlier
rounds is not found. For three candidates the programme reduces to the conditions of
Ornstein and Norman.

References
----------
Graham-Squire, A., McCune, D. (2023). An examination of ranked-choice voting in the
United States, 2004–2022. Representation. arXiv:2301.12075.
Graham-Squire, A., McCune, D. (2022). A mathematical analysis of the 2022 Alaska
special election for US House. arXiv:2209.04764.
Ornstein, J. T., Norman, R. Z. (2014). Frequency of monotonicity failure under Instant
Runoff Voting: estimates based on a spatial model of elections. Public Choice 161, 1–9.
doi:10.1007/s11127-013-0118-2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import permutations

import numpy as np

from ..ballots import FIRST_TIE_CODE, SKIPPED, RankedBallots
from ..count.walk import Walk
from ..options import Reading
from ..outcome import Outcome
from .rcv_tables import walk_rules

__all__ = ["Change", "Model", "Plan", "build_model", "plans", "rows_for"]

KINDS = ("upward", "downward", "no_show")

Path = tuple[int, ...]


@dataclass(frozen=True)
class Change:
    """``ballots`` ballots of row ``row`` become the ranking ``to`` (codes), or abstain (None)."""

    row: int
    to: np.ndarray | None
    ballots: int


@dataclass(frozen=True, eq=False)
class Model:
    """The election reduced to its decisive candidates.

    ``types[k]`` is a path (candidate indices in the order a row counts for them),
    ``weight[k]`` the ballots of that type, ``row_type[i]`` the type of row ``i``;
    ``complete`` says the decisive candidates are every candidate with a mark and the
    model reproduces the outcome's decisive rounds (so the search is exact).
    """

    decisive: tuple[int, ...]
    types: tuple[Path, ...]
    weight: np.ndarray
    row_type: np.ndarray
    complete: bool


@dataclass(frozen=True)
class Plan:
    """A solution of one programme: how many ballots of each type go to which path."""

    size: int
    target: int
    moves: tuple[tuple[int, Path | None, int], ...]  # (type, new path or None, ballots)


def decisive_candidates(outcome: Outcome, names: tuple[str, ...], depth: int) -> tuple[int, ...]:
    """The candidates continuing in the first round with at most ``depth`` of them; when
    the count ended earlier, the ``depth`` strongest of its last round."""
    index = {n: i for i, n in enumerate(names)}
    for rnd in outcome.rounds:
        if len(rnd.tally) <= depth:
            return tuple(sorted(index[n] for n in rnd.tally))
    last = outcome.rounds[-1].tally
    strongest = sorted(last, key=lambda n: (-last[n], index[n]))[:depth]
    return tuple(sorted(index[n] for n in strongest))


def _paths(ballots: RankedBallots, rules: Reading, decisive: tuple[int, ...]) -> np.ndarray:
    """(rows, len(decisive)) matrix of each row's path, ``-1`` padded.

    A walk in which no candidate continues reads every row to the rank where it stops
    counting whoever continues (an overvote, too many skipped ranks, a repeat, or its
    end); the path is the decisive candidates marked alone before that rank, in order.
    """
    c = ballots.n_candidates
    walk = Walk(ballots, rules, excluded=frozenset(range(c)))
    stop = np.where(walk.position >= 0, walk.position, 0)
    choices = ballots.choices
    rows = choices.shape[0]
    out = np.full((rows, len(decisive)), -1, dtype=np.int64)
    wanted = np.zeros(c + 1, dtype=bool)
    wanted[list(decisive)] = True
    seen = np.zeros((rows, c + 1), dtype=bool)
    length = np.zeros(rows, dtype=np.int64)
    for r in range(choices.shape[1]):
        column = np.where(choices[:, r] >= 0, choices[:, r], c).astype(np.int64)
        hit = np.flatnonzero((r < stop) & wanted[column])
        names = column[hit]
        fresh = ~seen[hit, names]
        hit, names = hit[fresh], names[fresh]
        out[hit, length[hit]] = names
        seen[hit, names] = True
        length[hit] += 1
    return out


def first_of(path: Path | None, among: frozenset[int]) -> int:
    """The candidate a ballot of this path counts for while ``among`` continue (-1: none)."""
    for c in path or ():
        if c in among:
            return c
    return -1


def build_model(ballots: RankedBallots, outcome: Outcome, depth: int = 4) -> Model:
    """Reduce a counted IRV election to the types of its decisive rounds."""
    names = ballots.candidates
    decisive = decisive_candidates(outcome, names, depth)
    rules = walk_rules(outcome.options)
    matrix = _paths(ballots, rules, decisive)
    found, row_type = np.unique(matrix, axis=0, return_inverse=True)
    types = tuple(tuple(int(c) for c in row if c >= 0) for row in found)
    weight = np.bincount(row_type.reshape(-1), weights=ballots.weights, minlength=len(types))
    marked = {int(c) for c in np.unique(ballots.choices[ballots.choices >= 0])}
    for t, members in enumerate(ballots.tie_sets):
        if (ballots.choices == FIRST_TIE_CODE - t).any():
            marked |= set(members)
    complete = (
        marked <= set(decisive)
        and rules.overvote != "exhaust_if_multiple"
        and _reproduces(types, weight, outcome, names, decisive)
    )
    return Model(decisive, types, weight, row_type.reshape(-1), complete)


def _reproduces(
    types: tuple[Path, ...],
    weight: np.ndarray,
    outcome: Outcome,
    names: tuple[str, ...],
    decisive: tuple[int, ...],
) -> bool:
    """Whether the types give the outcome's tallies in every round among the decisive candidates."""
    index = {n: i for i, n in enumerate(names)}
    for rnd in outcome.rounds:
        among = frozenset(index[n] for n in rnd.tally)
        if not among <= set(decisive):
            continue
        sums: dict[int, float] = {}
        for t, w in zip(types, weight):
            c = first_of(t, among)
            if c >= 0:
                sums[c] = sums.get(c, 0.0) + float(w)
        if any(abs(sums.get(index[n], 0.0) - v) > 1e-6 for n, v in rnd.tally.items()):
            return False
    return True


# --------------------------------------------------------------------------- changes


def raises(path: Path, who: int) -> Iterator[Path]:
    """Every path with ``who`` moved up (from unranked: inserted anywhere)."""
    if not path:
        return
    rest = tuple(c for c in path if c != who)
    top = path.index(who) if who in path else len(path) + 1
    for p in range(min(top, len(rest) + 1)):
        yield (*rest[:p], who, *rest[p:])


def lowers(path: Path, who: int) -> Iterator[Path]:
    """Every path with ``who`` moved down (it stays on the ballot: taking a candidate
    off a ballot that ranks nobody else would be abstaining, not lowering)."""
    if who not in path:
        return
    at = path.index(who)
    rest = tuple(c for c in path if c != who)
    for p in range(at + 1, len(rest) + 1):
        yield (*rest[:p], who, *rest[p:])


def prefers(path: Path, better: int, worse: int) -> bool:
    """The path ranks ``better`` above ``worse`` (an unranked candidate is below)."""
    if better not in path:
        return False
    return worse not in path or path.index(better) < path.index(worse)


def moves_for(kind: str, model: Model, winner: int, target: int) -> list[tuple[int, Path | None]]:
    """The (type, new path or None) changes a criterion allows toward ``target``."""
    out: list[tuple[int, Path | None]] = []
    for k, path in enumerate(model.types):
        if kind == "upward":
            out += [(k, p) for p in raises(path, winner)]
        elif kind == "downward":
            out += [(k, p) for p in lowers(path, target)]
        elif prefers(path, target, winner):
            out.append((k, None))
    return out


# -------------------------------------------------------------------------- programmes


def _solve(
    model: Model,
    moves: list[tuple[int, Path | None]],
    order: tuple[int, ...],
    available: np.ndarray,
    gap: float,
) -> np.ndarray | None:
    """Fewest ballots moved so that the decisive candidates leave in ``order``."""
    from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

    n = len(moves)
    if not n:
        return None
    rows_a: list[np.ndarray] = []
    upper: list[float] = []
    left = set(model.decisive)
    for out in order[:-1]:
        among = frozenset(left)
        before = np.array([first_of(model.types[k], among) for k, _ in moves])
        after = np.array([first_of(p, among) for _, p in moves])
        base: dict[int, float] = {}
        for path, w in zip(model.types, model.weight):
            c = first_of(path, among)
            base[c] = base.get(c, 0.0) + float(w)
        for other in among - {out}:
            # votes(out) - votes(other) after the changes must stay below zero
            coef = (after == out).astype(float) - (before == out) - (after == other) + (before == other)
            rows_a.append(coef)
            upper.append(base.get(other, 0.0) - base.get(out, 0.0) - gap)
        left.discard(out)
    cap = np.array([available[k] for k, _ in moves], dtype=float)
    per_type = np.zeros((len(model.types), n))
    per_type[[k for k, _ in moves], np.arange(n)] = 1.0
    used = per_type.any(axis=1)
    a = np.vstack([np.array(rows_a), per_type[used]])
    ub = np.concatenate([np.array(upper), available[used]])
    result = milp(
        c=np.ones(n),
        constraints=LinearConstraint(a, -np.inf, ub),
        integrality=np.ones(n),
        bounds=Bounds(0, cap),
    )
    if result.status != 0 or result.x is None:
        return None
    return np.round(result.x).astype(np.int64)


def plans(kind: str, model: Model, winner: int, available: Callable[[int], np.ndarray]) -> list[Plan]:
    """Every order's smallest plan for a criterion, smallest first.

    ``available(target)`` gives the ballots of each type that may be changed (rows a
    change can be written on, and for ``no_show`` rows preferring ``target``).
    """
    integral = bool(np.all(model.weight == np.round(model.weight)))
    gap = 1.0 if integral else 1e-6
    found: list[Plan] = []
    targets = [c for c in model.decisive if c != winner]
    for target in targets:
        moves = moves_for(kind, model, winner, target)
        cap = available(target)
        moves = [m for m in moves if cap[m[0]] > 0]
        if not moves:
            continue
        others = [c for c in model.decisive if c != target]
        for first in permutations(others):
            y = _solve(model, moves, (*first, target), cap, gap)
            if y is None or not y.any():
                continue
            chosen = tuple((moves[i][0], moves[i][1], int(y[i])) for i in np.flatnonzero(y))
            found.append(Plan(int(y.sum()), target, chosen))
    found.sort(key=lambda p: (p.size, p.target))
    return found


# -------------------------------------------------------------------- back to ballots


def _first_mark(codes: np.ndarray, candidate: int) -> int:
    hit = np.flatnonzero(codes == candidate)
    return int(hit[0]) if hit.size else -1


def rewrite(codes: np.ndarray, old: Path, new: Path, who: int) -> np.ndarray:
    """A row's marks with ``who`` moved so that its path becomes ``new``.

    ``who`` goes just before the mark of the candidate that follows it in ``new``, or
    just after the mark of the one before it when it ends the path; other marks keep
    their order.
    """
    kept = [int(c) for c in codes if int(c) != who]
    while kept and kept[-1] == SKIPPED:
        kept.pop()
    row = np.array(kept, dtype=np.int64)
    if who in new:
        at = new.index(who)
        if at + 1 < len(new):
            spot = _first_mark(row, new[at + 1])
        else:
            spot = _first_mark(row, new[at - 1]) + 1 if at else 0
        kept.insert(spot if spot >= 0 else len(kept), who)
    return np.array(kept, dtype=np.int16)


def _gaps(choices: np.ndarray) -> np.ndarray:
    """Rows with a skipped rank before their last mark."""
    marked = choices != SKIPPED
    if not choices.shape[1]:
        return np.zeros(choices.shape[0], dtype=bool)
    last = choices.shape[1] - 1 - np.argmax(marked[:, ::-1], axis=1)
    return ((~marked) & (np.arange(choices.shape[1]) < last[:, None])).any(axis=1)


def rows_for(
    ballots: RankedBallots, model: Model, plan: Plan, who: int, eligible: np.ndarray
) -> list[Change]:
    """Rows carrying a plan: the heaviest eligible rows of each type, plain rows first."""
    taken = np.zeros(ballots.choices.shape[0], dtype=np.int64)
    whole = np.floor(ballots.weights).astype(np.int64)
    plain = ~(ballots.choices < SKIPPED).any(axis=1) & ~_gaps(ballots.choices)
    changes: list[Change] = []
    for k, new, count in plan.moves:
        rows = np.flatnonzero((model.row_type == k) & eligible)
        rows = rows[np.lexsort((-ballots.weights[rows], ~plain[rows]))]
        need = count
        for row in rows:
            free = int(whole[row] - taken[row])
            if need <= 0:
                break
            if free <= 0:
                continue
            n = min(free, need)
            taken[row] += n
            need -= n
            to = None if new is None else rewrite(ballots.choices[row], model.types[k], new, who)
            changes.append(Change(int(row), to, n))
        if need > 0:
            raise ValueError("a plan asked for more ballots than its rows hold")
    return changes
