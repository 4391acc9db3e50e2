"""The Condorcet family: rules decided by the pairwise margins between candidates.

Every rule here reads the ballots once, into the (C, C) matrix of pairwise margins
``M[i, j]`` = (weight of ballots ranking i above j) - (weight ranking j above i), and
decides from that matrix alone. How a ballot compares two candidates follows
:meth:`tally.ballots.RankedBallots.positions`:

* a marked candidate is above every candidate the ballot leaves unmarked (a truncated
  ballot prefers everyone it ranks to everyone it does not), and unmarked candidates
  are equal;
* candidates marked at the same rank (a tie set) are equal;
* an unnamed overvote marks nobody, and later ranks still count;
* a candidate marked twice counts at its first (highest) mark.

This is the "extended strict preference" of pref_voting's ``ProfileWithTies``.

Plain functions: :func:`pairwise_margins`, :func:`condorcet_winner`,
:func:`condorcet_loser`, :func:`smith_set`. Registered rules: ``condorcet``,
``copeland``, ``minimax``, ``schulze``, ``ranked_pairs``, ``split_cycle``,
``kemeny_young``. Every outcome carries ``details["margins"]`` (margins by name) and
``details["smith_set"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..ballots import RankedBallots
from ..errors import ConfigError, RuleError
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker
from . import rule
from ._common import by_name, ranked_account

__all__ = [
    "KEMENY_MAX_CANDIDATES",
    "condorcet",
    "condorcet_loser",
    "condorcet_winner",
    "copeland",
    "kemeny_young",
    "llull",
    "minimax",
    "pairwise_margins",
    "ranked_pairs",
    "schulze",
    "smith_set",
    "split_cycle",
    "strongest_paths",
]

KEMENY_MAX_CANDIDATES = 16
"""Largest field :func:`kemeny_young` counts (its exact search takes 2**C * C**2 steps)."""

_DECIMALS = 9  # margins are sums of weights; rounding keeps fractional weights comparable
_RANKED_PAIRS_BUDGET = 200_000


# -- the pairwise matrix and the sets read from it -------------------------------------


def _support_and_margins(ballots: RankedBallots) -> tuple[np.ndarray, np.ndarray]:
    """(support, margins) from one pass over the ballots; both rounded for fair comparisons."""
    support = np.round(ballots.pairwise(), _DECIMALS)
    margins = np.round(support - support.T, _DECIMALS)
    margins[margins == 0] = 0.0  # no negative zeros in the output
    return support, margins


def pairwise_margins(ballots: RankedBallots) -> np.ndarray:
    """The (C, C) antisymmetric matrix of pairwise margins, in candidate order.

    ``M[i, j] > 0`` means more voters rank candidate i above j than j above i.

    >>> b = RankedBallots.from_rankings(["A", "B"], [["A", "B"], ["A"], ["B"]])
    >>> pairwise_margins(b).tolist()
    [[0.0, 1.0], [-1.0, 0.0]]
    """
    return _support_and_margins(ballots)[1]


def _margins(ballots: RankedBallots, margins: np.ndarray | None) -> np.ndarray:
    if margins is None:
        return pairwise_margins(ballots)
    matrix = np.asarray(margins, dtype=np.float64)
    c = ballots.n_candidates
    if matrix.shape != (c, c):
        raise ConfigError(f"a margin matrix for these ballots must be {c}x{c}, not {matrix.shape}")
    return matrix


def _winner_index(margins: np.ndarray) -> int | None:
    c = margins.shape[0]
    beats = (margins > 0).sum(axis=1)
    found = np.flatnonzero(beats == c - 1)
    return int(found[0]) if found.size and c else None


def _loser_index(margins: np.ndarray) -> int | None:
    c = margins.shape[0]
    loses = (margins < 0).sum(axis=1)
    found = np.flatnonzero(loses == c - 1)
    return int(found[0]) if found.size and c else None


def _reach(step: np.ndarray) -> np.ndarray:
    """Reflexive-transitive closure of a boolean relation (repeated squaring)."""
    c = step.shape[0]
    reach: np.ndarray = step | np.eye(c, dtype=bool)
    for _ in range(max(1, int(np.ceil(np.log2(max(c, 2)))))):
        nxt = (reach.astype(np.int32) @ reach.astype(np.int32)) > 0
        if np.array_equal(nxt, reach):
            break
        reach = nxt
    return reach


def _smith_indices(margins: np.ndarray) -> list[int]:
    # x is in the Smith set iff x reaches every candidate along "beats or ties" steps.
    reach = _reach(margins >= 0)
    return [int(i) for i in np.flatnonzero(reach.all(axis=1))]


def condorcet_winner(ballots: RankedBallots, *, margins: np.ndarray | None = None) -> str | None:
    """The candidate who beats every other head to head, or ``None`` when there is none.

    ``margins`` may pass a precomputed :func:`pairwise_margins` matrix.

    >>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B", "A"], ["C", "A"]])
    >>> condorcet_winner(b)
    'A'
    """
    index = _winner_index(_margins(ballots, margins))
    return None if index is None else ballots.candidates[index]


def condorcet_loser(ballots: RankedBallots, *, margins: np.ndarray | None = None) -> str | None:
    """The candidate every other candidate beats head to head, or ``None``.

    >>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B", "A"], ["C", "A"]])
    >>> condorcet_loser(b)
    'C'
    """
    index = _loser_index(_margins(ballots, margins))
    return None if index is None else ballots.candidates[index]


def smith_set(ballots: RankedBallots, *, margins: np.ndarray | None = None) -> tuple[str, ...]:
    """The Smith set: the smallest non-empty set of candidates who each beat everyone outside it.

    Equivalently (Smith 1973; "top cycle" / GETCHA), the candidates from whom every
    other candidate can be reached by a chain of pairwise wins or ties. It is the
    Condorcet winner alone when there is one. Candidates come in ballot order.

    >>> cycle = [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"], ["D"]]
    >>> smith_set(RankedBallots.from_rankings(["A", "B", "C", "D"], cycle))
    ('A', 'B', 'C')

    Reference: Smith, J. H. (1973). Aggregation of preferences with variable
    electorate. Econometrica 41(6), 1027-1041.
    """
    return tuple(ballots.candidates[i] for i in _smith_indices(_margins(ballots, margins)))


def strongest_paths(strength: np.ndarray) -> np.ndarray:
    """Widest-path strengths: ``P[i, j]`` = max over paths i→j of the weakest link.

    ``strength[i, j]`` is the strength of the direct link (0 for no link). Floyd–Warshall
    with the (max, min) semiring, one vectorised step per intermediate candidate.
    """
    paths = np.array(strength, dtype=np.float64)
    c = paths.shape[0]
    np.fill_diagonal(paths, 0.0)
    for k in range(c):
        np.maximum(paths, np.minimum(paths[:, k : k + 1], paths[k : k + 1, :]), out=paths)
    np.fill_diagonal(paths, 0.0)
    return paths


# -- building outcomes ------------------------------------------------------------------


def _margin_details(ballots: RankedBallots, margins: np.ndarray) -> dict[str, Any]:
    names = ballots.candidates
    return {
        "margins": {a: {b: float(margins[i, j]) for j, b in enumerate(names)} for i, a in enumerate(names)},
        "smith_set": [names[i] for i in _smith_indices(margins)],
    }


def _outcome(
    ballots: RankedBallots,
    margins: np.ndarray,
    winners: Sequence[int] | np.ndarray,
    tally: np.ndarray,
    breaker: TieBreaker,
    *,
    note: str,
    details: dict[str, Any] | None = None,
    warnings: Sequence[str] = (),
    tie_detail: str = "tie left standing; every tied candidate reported",
) -> Outcome:
    """One-round outcome; a tie among ``winners`` is left standing (mode all) or broken."""
    chosen = sorted(int(w) for w in winners)
    tied = False
    if len(chosen) > 1:
        if breaker.mode == "all":
            names = tuple(ballots.candidates[i] for i in chosen)
            breaker.record(
                Tie(round=1, purpose="winner", tied=names, mode="all", chosen=names, detail=tie_detail)
            )
            tied = True
        else:
            chosen = [breaker.pick(chosen, purpose="winner", round=1, lowest=False)]
    names = tuple(ballots.candidates[i] for i in chosen)
    continuing, inactive = ranked_account(ballots)
    scores = by_name(ballots.candidates, tally)
    return Outcome(
        rule="",
        candidates=tuple(ballots.candidates),
        winners=names,
        rounds=(
            Round(number=1, tally=scores, elected=names, continuing=continuing, inactive=inactive, note=note),
        ),
        ties=tuple(breaker.ties),
        ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
        scores=scores,
        details={**_margin_details(ballots, margins), **(details or {})},
        warnings=tuple(warnings),
        tied=tied,
    )


def _top(values: np.ndarray, *, highest: bool = True) -> list[int]:
    if values.size == 0:
        return []
    target = values.max() if highest else values.min()
    return [int(i) for i in np.flatnonzero(np.abs(values - target) <= 1e-9)]


_REFERENCE_SCHULZE = (
    "Schulze, M. (2011). A new monotonic, clone-independent, reversal symmetric, and "
    "Condorcet-consistent single-winner election method. Social Choice and Welfare 36, 267-303. "
    "https://doi.org/10.1007/s00355-010-0475-4"
)


# -- the rules --------------------------------------------------------------------------


@rule(
    "condorcet",
    aliases=("condorcet_winner",),
    family="condorcet",
    reference="Condorcet, Marquis de (1785). Essai sur l'application de l'analyse à la "
    "probabilité des décisions rendues à la pluralité des voix.",
)
def condorcet(ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """The Condorcet winner, who beats every other candidate head to head, if there is one.

    When there is none (a majority cycle, or a pairwise tie at the top) the outcome has
    no winners and a warning says so. A Condorcet winner is unique, so ``tiebreak`` and
    ``seed`` have nothing to decide; they are accepted so every rule takes them. The
    round tally is each candidate's number of head-to-head wins.

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B", "A"], ["C", "A"]])
    >>> tally.count(b, "condorcet").winners
    ('A',)
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    margins = pairwise_margins(ballots)
    wins = (margins > 0).sum(axis=1).astype(float)
    winner = _winner_index(margins)
    if winner is None:
        return _outcome(
            ballots,
            margins,
            [],
            wins,
            breaker,
            note="head-to-head wins",
            warnings=("no Condorcet winner: no candidate beats every other head to head",),
        )
    return _outcome(ballots, margins, [winner], wins, breaker, note="head-to-head wins")


@rule(
    "copeland",
    family="condorcet",
    reference="Copeland, A. H. (1951). A 'reasonable' social welfare function. Seminar on "
    "applications of mathematics to social sciences, University of Michigan.",
)
def copeland(
    ballots: RankedBallots,
    *,
    tie_score: float = 0.5,
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """The candidate with the most head-to-head wins, a head-to-head tie counting ``tie_score``.

    Each candidate gets 1 point per candidate it beats head to head, ``tie_score`` per
    candidate it ties with, and 0 per loss; the most points win. ``tie_score=0.5`` (the
    default) is Copeland's rule, equivalent to wins minus losses; ``tie_score=1`` is
    Llull's rule (also registered on its own, :func:`llull`); ``tie_score=0`` counts wins
    only. The round tally is the points.

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"], ["B", "C", "A"]])
    >>> o = tally.count(b, "copeland"); o.winners, o.scores["B"]
    (('B',), 1.5)
    """
    return _pairwise_points(
        ballots, tie_score, TieBreaker(tiebreak, ballots.candidates, seed=seed), "Copeland"
    )


def _pairwise_points(ballots: RankedBallots, tie_score: float, breaker: TieBreaker, name: str) -> Outcome:
    """1 point per head-to-head win, ``tie_score`` per tie; the most points win."""
    margins = pairwise_margins(ballots)
    off_diagonal = ~np.eye(ballots.n_candidates, dtype=bool)
    points = (margins > 0).sum(axis=1) + tie_score * ((margins == 0) & off_diagonal).sum(axis=1)
    points = points.astype(float)
    return _outcome(
        ballots,
        margins,
        _top(points),
        points,
        breaker,
        note=f"{name} points (win 1, tie {tie_score:g}, loss 0)",
    )


@rule(
    "llull",
    family="condorcet",
    reference="Ramon Llull, Ars electionis (1299), as read in Hägele, G. & Pukelsheim, F. (2001). "
    "Llull's writings on electoral systems. Studia Lulliana 41, 3-38; Brandt, F. et al. (eds.) "
    "(2016). Handbook of Computational Social Choice, sec. 2.2 (Copeland^1).",
)
def llull(ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """The candidates with the most head-to-head wins, a head-to-head tie counting as a win.

    Llull's rule (Copeland with a tie worth 1, Copeland^1): each candidate gets 1 point
    per candidate it beats or ties head to head, 0 per loss; the most points win. Unlike
    Copeland's rule (a tie worth ½), a candidate tying everyone scores as much as one
    beating everyone. The round tally is the points.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed; unranked candidates are below ranked ones).
    tiebreak : str
        ``"all"`` (default: every candidate with the most points wins, the outcome marked
        tied), ``"order"`` or ``"random"`` with ``seed``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is the Llull points; ``details`` holds the pairwise margins.

    Raises
    ------
    ConfigError
        For an unknown tie-break mode.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["a", "b", "c"], [["a", "b", "c"], ["b", "c", "a"]])
    >>> tally.count(b, "llull").winners
    ('a', 'b')

    References
    ----------
    Hägele & Pukelsheim (2001), Studia Lulliana 41: 3-38.
    """
    return _pairwise_points(ballots, 1.0, TieBreaker(tiebreak, ballots.candidates, seed=seed), "Llull")


_MINIMAX_MEASURES = ("margins", "winning_votes", "pairwise_opposition")


@rule(
    "minimax",
    aliases=("simpson_kramer", "simpson"),
    family="condorcet",
    reference="Simpson, P. B. (1969). On defining areas of voter choice. Quarterly Journal of "
    "Economics 83(3), 478-490; Kramer, G. H. (1977). A dynamical model of political equilibrium. "
    "Journal of Economic Theory 16(2), 310-334.",
)
def minimax(
    ballots: RankedBallots,
    *,
    measure: str = "margins",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """The candidate whose worst head-to-head defeat is the smallest.

    ``measure`` says how a defeat is sized: ``margins`` (default; the largest margin
    by which anyone beats the candidate, 0 when undefeated), ``winning_votes`` (the
    largest number of voters preferring a candidate who beats it, 0 when undefeated)
    or ``pairwise_opposition`` (the largest number of voters preferring any other
    candidate to it, defeat or not). The three agree on complete strict ballots; they
    differ with truncated or tied ballots. The round tally is the worst defeat
    (smaller is better).

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "minimax").winners
    ('A',)
    """
    if measure not in _MINIMAX_MEASURES:
        raise ConfigError(f"minimax measure must be one of {', '.join(_MINIMAX_MEASURES)}, not {measure!r}")
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    support, margins = _support_and_margins(ballots)
    c = ballots.n_candidates
    if measure == "margins":
        against = np.where(margins > 0, margins, 0.0).T  # against[i, j]: j's win over i
    elif measure == "winning_votes":
        against = np.where(margins > 0, support, 0.0).T
    else:
        against = support.T.copy()
        np.fill_diagonal(against, 0.0)
    worst = against.max(axis=1) if c else np.zeros(0)
    return _outcome(
        ballots,
        margins,
        _top(worst, highest=False),
        worst,
        breaker,
        note=f"worst head-to-head defeat ({measure}); smallest wins",
    )


def _strength(measure: str, support: np.ndarray, margins: np.ndarray) -> np.ndarray:
    if measure == "margins":
        return np.where(margins > 0, margins, 0.0)
    if measure == "winning_votes":
        return np.where(margins > 0, support, 0.0)
    raise ConfigError(f"strength must be 'margins' or 'winning_votes', not {measure!r}")


@rule("schulze", aliases=("beatpath", "beat_path"), family="condorcet", reference=_REFERENCE_SCHULZE)
def schulze(
    ballots: RankedBallots,
    *,
    strength: str = "margins",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """The Schulze (beatpath) method: compare candidates by their strongest chains of wins.

    A path from a to b is a chain of head-to-head wins a > x1 > ... > b; its strength is
    its weakest link. With ``strength="margins"`` (default) a link's strength is its
    margin; with ``"winning_votes"`` it is the number of voters on the winning side.
    a beats b when the strongest path a→b is stronger than the strongest path b→a; the
    winners are the candidates nobody beats (Schulze 2011, section 2.2). Schulze's own
    tie-breaking ranking is not implemented: a tie among winners is left standing
    (``all``) or settled by the ``tiebreak`` mode among them. The round tally is the
    number of candidates each beats; ``details["strongest_paths"]`` holds the paths.
    The two strengths agree on complete strict ballots.

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "schulze").winners
    ('A',)
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    support, margins = _support_and_margins(ballots)
    paths = strongest_paths(_strength(strength, support, margins))
    beats = paths > paths.T
    undefeated = np.flatnonzero(~beats.any(axis=0))
    names = ballots.candidates
    details = {
        "strongest_paths": {
            a: {b: float(paths[i, j]) for j, b in enumerate(names)} for i, a in enumerate(names)
        }
    }
    return _outcome(
        ballots,
        margins,
        undefeated,
        beats.sum(axis=1).astype(float),
        breaker,
        note=f"candidates beaten by strongest paths ({strength})",
        details=details,
    )


@rule(
    "split_cycle",
    family="condorcet",
    reference="Holliday, W. H. and Pacuit, E. (2023). Split Cycle: a new Condorcet-consistent "
    "voting method independent of clones and immune to spoilers. Public Choice 197, 1-62. "
    "https://doi.org/10.1007/s11127-023-01042-3",
)
def split_cycle(ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Split Cycle: discard the weakest win in every majority cycle; the undefeated win.

    a defeats b when a beats b head to head by margin m and there is no path of wins
    from b back to a whose every margin is at least m (that is, a→b is not the weakest
    link of any cycle). The winners are the undefeated candidates. The round tally is
    the number of candidates each defeats.

    >>> import tally
    >>> cycle = [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2
    >>> tally.count(tally.RankedBallots.from_rankings(["A", "B", "C"], cycle), "split_cycle").winners
    ('A',)
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    margins = pairwise_margins(ballots)
    wins = np.where(margins > 0, margins, 0.0)
    paths = strongest_paths(wins)
    # defeat[a, b]: a's margin over b beats the strongest path back from b to a
    defeat = (margins > 0) & (margins > paths.T)
    undefeated = np.flatnonzero(~defeat.any(axis=0))
    return _outcome(
        ballots,
        margins,
        undefeated.tolist(),
        defeat.sum(axis=1).astype(float),
        breaker,
        note="candidates defeated (wins that are not the weakest link of a cycle)",
    )


def _lock_orders(margins: np.ndarray) -> list[list[tuple[int, int]]]:
    """Head-to-head wins grouped by margin, strongest group first (ties only at margin 0)."""
    c = margins.shape[0]
    pairs = [(i, j) for i in range(c) for j in range(c) if i != j and margins[i, j] > 0]
    groups: dict[float, list[tuple[int, int]]] = {}
    for i, j in pairs:
        groups.setdefault(float(margins[i, j]), []).append((i, j))
    return [groups[s] for s in sorted(groups, reverse=True)]


def _add(reach: tuple[int, ...], a: int, b: int) -> tuple[int, ...]:
    """Lock a > b into a graph held as reach masks (bit x of reach[y]: y reaches x)."""
    bit_a, gained = 1 << a, reach[b]
    return tuple(r | gained if r & bit_a else r for r in reach)


def _sources(reach: tuple[int, ...]) -> list[int]:
    c = len(reach)
    return [x for x in range(c) if not any(reach[y] >> x & 1 for y in range(c) if y != x)]


def _lock_group(reach: tuple[int, ...], group: Sequence[tuple[int, int]]) -> tuple[int, ...] | None:
    """Every pair of the group locked, or None when together they would close a cycle."""
    for a, b in group:
        if reach[b] >> a & 1:
            return None
        reach = _add(reach, a, b)
    return reach


def _ranked_pairs_all(margins: np.ndarray) -> list[int]:
    """Winners over every order of locking equal-margin pairs ("parallel universes").

    Locking a group of equal-margin pairs in some order yields a maximal subset of the
    group that is acyclic with what is locked; every such subset is reachable (lock it
    first). Pairs at margin 0 are left out: the tops of the final orders are exactly the
    sources of the graph locked from the wins.
    """
    c = margins.shape[0]
    winner = _winner_index(margins)
    if winner is not None:  # ranked pairs is Condorcet-consistent
        return [winner]
    groups = _lock_orders(margins)
    if all(len(group) == 1 for group in groups):  # no equal wins: one lock order
        locked = tuple(1 << x for x in range(c))
        for ((a, b),) in groups:
            if not locked[b] >> a & 1:
                locked = _add(locked, a, b)
        return _sources(locked)  # several when pairwise ties (margin 0) separate them
    everyone = (1 << c) - 1
    found = 0  # bit mask of winners found so far
    # seed with the winners of simple lock orders (each candidate's pairs first), so the
    # exhaustive search below can cut most branches at once
    for x in range(c):
        for others in (range(c), range(c - 1, -1, -1)):
            rank = [0] * c
            for place, y in enumerate([x, *(y for y in others if y != x)]):
                rank[y] = place
            found |= 1 << _ranked_pairs_ordered(margins, rank)[0]
    seen: set[tuple[int, tuple[int, ...]]] = set()
    # depth first, so winners turn up early and branches that cannot add one are cut
    stack: list[tuple[tuple[int, ...], int, int, tuple[tuple[int, int], ...]]] = [
        (tuple(1 << x for x in range(c)), 0, 0, ())
    ]
    work = 0
    while stack:
        current, g, k, skipped = stack.pop()
        work += 1
        if work > _RANKED_PAIRS_BUDGET:
            raise RuleError(
                "ranked pairs with tiebreak 'all' met too many orders of equal-margin pairs "
                "to explore; use tiebreak 'order' or 'random'"
            )
        beaten = 0
        for x in range(c):
            beaten |= current[x] & ~(1 << x)
        if (everyone & ~beaten) & ~found == 0:
            continue  # every candidate still unbeaten here is already a known winner
        if g == len(groups):
            found |= everyone & ~beaten
            continue
        group = groups[g]
        if k == 0:
            if (g, current) in seen:
                continue
            seen.add((g, current))
            whole = _lock_group(current, group)
            if whole is not None:  # no order of this group can close a cycle: one outcome
                stack.append((whole, g + 1, 0, ()))
                continue
        if k == len(group):
            if all(current[b] >> a & 1 for a, b in skipped):  # the subset locked is maximal
                stack.append((current, g + 1, 0, ()))
            continue
        a, b = group[k]
        if current[b] >> a & 1:  # b already reaches a: locking a > b would close a cycle
            stack.append((current, g, k + 1, skipped))
            continue
        # leaving a > b out is only maximal if the pairs still to come can make b reach a
        potential = current
        for x, y in group[k + 1 :]:
            potential = _add(potential, x, y)
        if potential[b] >> a & 1:
            stack.append((current, g, k + 1, skipped + ((a, b),)))
        stack.append((_add(current, a, b), g, k + 1, skipped))
    return [x for x in range(c) if found >> x & 1]


def _ranked_pairs_ordered(margins: np.ndarray, rank: Sequence[int]) -> tuple[int, tuple[int, ...]]:
    """Tideman's count with equal margins ordered by a tie-breaking ranking of candidates.

    Among equal margins, the pair whose winner ranks higher is locked first, then the one
    whose loser ranks lower (Zavist & Tideman 1989). Pairs at margin 0 are locked last,
    in the same order, so the result is a complete ranking. Returns (winner, ranking).
    """
    c = margins.shape[0]
    pairs = [(i, j) for i in range(c) for j in range(c) if i != j and margins[i, j] >= 0]
    pairs.sort(key=lambda p: (-margins[p[0], p[1]], rank[p[0]], -rank[p[1]]))
    reach = tuple(1 << x for x in range(c))
    for a, b in pairs:
        if not reach[b] >> a & 1:
            reach = _add(reach, a, b)
    order = tuple(sorted(range(c), key=lambda x: -reach[x].bit_count()))
    return order[0], order


@rule(
    "ranked_pairs",
    aliases=("tideman",),
    family="condorcet",
    reference="Tideman, T. N. (1987). Independence of clones as a criterion for voting rules. "
    "Social Choice and Welfare 4, 185-206; Zavist, T. M. and Tideman, T. N. (1989). Complete "
    "independence of clones in the ranked pairs rule. Social Choice and Welfare 6, 167-173.",
)
def ranked_pairs(ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Ranked pairs (Tideman): lock in head-to-head wins from the largest margin down.

    Wins are taken in decreasing order of margin; each is locked in unless it would
    close a cycle with wins already locked. The winner is the candidate nobody is locked
    over. When several wins have the same margin the order among them can matter:

    * ``tiebreak="all"`` reports the union of the winners over every order of the
      equal-margin wins (as pref_voting's ``ranked_pairs`` does), with a tie record when
      that is more than one candidate. Finding that union is NP-hard in general (Brill
      and Fischer 2012); the depth-first search prunes hard but refuses with
      :class:`RuleError` after 200,000 steps (met only with a handful of voters and
      many candidates, where nearly every margin ties with others).
    * ``order`` / ``random`` / ``previous_round`` lock equal margins in the order of a
      tie-breaking ranking of the candidates (candidate order, or a permutation drawn
      from ``seed``; ``previous_round`` has no earlier round and draws at random), the
      pair with the higher-ranked winner first (Zavist and Tideman 1989).

    The round tally is the number of candidates each is ranked above in the locked order
    (``details["ranking"]``; with ``all``, one order from the candidate-order tie-break).

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "ranked_pairs").winners
    ('A',)
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    margins = pairwise_margins(ballots)
    c = ballots.n_candidates
    if breaker.mode in ("random", "previous_round"):
        permutation = np.random.default_rng(breaker.seed).permutation(c)
        rank = [0] * c
        for k, x in enumerate(permutation):
            rank[int(x)] = k
        how = f"equal margins locked in a random candidate ranking (seed {breaker.seed})"
    else:
        rank = list(range(c))
        how = "equal margins locked in candidate order"
    try:
        universes = _ranked_pairs_all(margins) if c else []
    except RuleError:
        if breaker.mode == "all":
            raise
        universes = None  # too many orders to list the possible winners; the order below decides
    winner, order = _ranked_pairs_ordered(margins, rank) if c else (None, ())
    tally = np.zeros(c)
    for place, x in enumerate(order):
        tally[x] = c - 1 - place
    details = {"ranking": [ballots.candidates[x] for x in order]}
    note = "candidates ranked below, in the locked order"
    if universes is not None and (breaker.mode == "all" or len(universes) <= 1):
        return _outcome(
            ballots,
            margins,
            universes,
            tally,
            breaker,
            note=note,
            details=details,
            tie_detail="tie left standing; every winner over all orders of equal margins reported",
        )
    if universes is None:
        universes = sorted(
            {x for group in _lock_orders(margins) if len(group) > 1 for pair in group for x in pair}
        )
        how += " (too many orders to list every possible winner; tied = candidates in equal margins)"
    assert winner is not None  # with no candidate the empty universe was returned above
    names = tuple(ballots.candidates[x] for x in universes)
    breaker.record(
        Tie(
            round=1,
            purpose="winner",
            tied=names,
            mode=breaker.mode,
            chosen=(ballots.candidates[winner],),
            detail=how,
        )
    )
    return _outcome(ballots, margins, [winner], tally, breaker, note=note, details=details)


def _kemeny_best(margins: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """For each candidate, the best Kemeny score of a ranking it heads, and one best ranking.

    A ranking's Kemeny score is the sum of ``M[a, b]`` over pairs it puts a above b;
    maximising it minimises the total Kendall-tau distance to the ballots. Dynamic
    programming over subsets: ``best[S]`` = best score of ordering S among themselves.
    """
    c = margins.shape[0]
    full = (1 << c) - 1
    subsets = np.arange(1 << c)
    members = ((subsets[:, None] >> np.arange(c)) & 1).astype(np.float64)  # (2^C, C)
    # gain[S, j]: what j earns heading the candidates of S (its margins over them)
    gain = members @ margins.T
    best = np.full(1 << c, -np.inf)
    best[0] = 0.0
    size = members.sum(axis=1).astype(int)
    for k in range(1, c + 1):
        layer = subsets[size == k]
        for j in range(c):
            bit = 1 << j
            has = layer[(layer & bit) != 0]
            rest = has ^ bit
            best[has] = np.maximum(best[has], best[rest] + gain[rest, j])
    heads = np.array([best[full ^ (1 << j)] + gain[full ^ (1 << j), j] for j in range(c)])
    ranking: list[int] = []
    left = full
    while left:
        values = [(best[left ^ (1 << j)] + gain[left ^ (1 << j), j], -j) for j in range(c) if left >> j & 1]
        _, neg = max(values)
        ranking.append(-neg)
        left ^= 1 << -neg
    return heads, ranking


@rule(
    "kemeny_young",
    aliases=("kemeny",),
    family="condorcet",
    reference="Kemeny, J. G. (1959). Mathematics without numbers. Daedalus 88(4), 577-591; "
    "Young, H. P. and Levenglick, A. (1978). A consistent extension of Condorcet's election "
    "principle. SIAM Journal on Applied Mathematics 35(2), 285-300.",
)
def kemeny_young(ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Kemeny–Young: the top of the ranking that agrees with the most pairwise preferences.

    A ranking's score is the sum, over every pair it orders a above b, of the margin
    of a over b (equivalently, it minimises the total Kendall-tau distance to the
    ballots). The winners are the candidates that head some best ranking. The search is
    exact (dynamic programming over subsets of candidates, 2**C * C**2 steps) and
    refuses with :class:`RuleError` above :data:`KEMENY_MAX_CANDIDATES` (16) candidates.
    The round tally is, for each candidate, the best score of a ranking it heads;
    ``details["ranking"]`` is one best ranking.

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "kemeny_young").winners
    ('A',)
    """
    c = ballots.n_candidates
    if c > KEMENY_MAX_CANDIDATES:
        raise RuleError(
            f"kemeny_young counts at most {KEMENY_MAX_CANDIDATES} candidates exactly; these ballots have {c}"
        )
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    margins = pairwise_margins(ballots)
    if c == 0:
        return _outcome(ballots, margins, [], np.zeros(0), breaker, note="")
    heads, ranking = _kemeny_best(margins)
    details = {"ranking": [ballots.candidates[x] for x in ranking], "kemeny_score": float(heads.max())}
    return _outcome(
        ballots,
        margins,
        _top(heads),
        heads,
        breaker,
        note="best Kemeny score of a ranking headed by the candidate",
        details=details,
    )
