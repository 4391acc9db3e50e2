"""Ranked pairs (Tideman): lock in head-to-head wins from the largest margin down.

The locked graph is held as reach masks (bit x of ``reach[y]``: y reaches x), so locking
a win and testing for a cycle are a few integer operations. With equal margins the
order of locking can matter; :func:`ranked_pairs` either reports the winners over every
order (a pruned depth-first search) or locks them by a tie-breaking ranking. Locking
every pair takes up to C³ mask operations, so :func:`ranked_pairs` refuses above
:data:`RANKED_PAIRS_MAX_CANDIDATES` candidates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..ballots import RankedBallots
from ..errors import RuleError
from ..outcome import Outcome, Tie
from ..ties import TieBreaker
from . import rule
from ._pairwise import pairwise_margins, pairwise_outcome, winner_index

__all__ = ["RANKED_PAIRS_MAX_CANDIDATES", "ranked_pairs"]

RANKED_PAIRS_MAX_CANDIDATES = 500
"""Largest field :func:`ranked_pairs` counts (locking all C² pairs costs up to C³ steps)."""

_RANKED_PAIRS_BUDGET = 1_000_000
# Work of the search over lock orders, in mask updates of up to _SEED_ALL candidates (a
# lock of one pair into a graph of C candidates is C / _SEED_ALL of them): every lock the
# search makes or tries ahead is charged, so the search stops after a few seconds
# whatever the size of the groups of equal margins.
# Seeding the search with simple lock orders costs a full count each: all candidates'
# orders up to this many candidates, fewer (at least one) beyond, so seeding stays near
# _SEED_WORK mask steps.
_SEED_ALL = 64
_SEED_WORK = _SEED_ALL**3


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


def _lock(reach: list[int], reached: list[int], above: int, below: int) -> None:
    """Everyone in ``above`` now reaches everyone in ``below`` (both bit masks)."""
    for y in _members(above):
        reach[y] |= below
    for x in _members(below):
        reached[x] |= above


def _members(mask: int) -> list[int]:
    """The positions of the set bits of ``mask``."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


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
    winner = winner_index(margins)
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
    seeds = c if c <= _SEED_ALL else max(1, _SEED_WORK // c**2)
    for x in range(seeds):
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
    unit = max(1, c // _SEED_ALL)  # one lock costs C mask operations
    work = 0

    def charge(locks: int) -> None:
        nonlocal work
        work += unit * locks
        if work > _RANKED_PAIRS_BUDGET:
            raise RuleError(
                "ranked pairs with tiebreak 'all' met too many orders of equal-margin pairs "
                "to explore; use tiebreak 'order' or 'random'"
            )

    while stack:
        current, g, k, skipped = stack.pop()
        charge(1)
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
            charge(len(group))
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
        charge(len(group) - k - 1)
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
    winners, losers = np.nonzero(margins > 0)
    ranks = np.asarray(rank)
    # (rank of winner, rank of loser) is unique, so this order is total
    order_of_pairs = np.lexsort((-ranks[losers], ranks[winners], -margins[winners, losers]))
    # reach[y]: bit x set when y reaches x; reached[x]: bit y set when y reaches x. Both
    # kept so that a lock touches only those it joins, not every candidate.
    reach = [1 << x for x in range(c)]
    reached = list(reach)
    for a, b in zip(winners[order_of_pairs].tolist(), losers[order_of_pairs].tolist(), strict=True):
        if not reach[b] >> a & 1 and not reach[a] >> b & 1:  # not a cycle, not implied
            _lock(reach, reached, reached[a], reach[b])
    # Pairs at margin 0 come last, a candidate's in tie-break order: every pair still
    # open is at margin 0 (a win is locked or its reverse already holds), and locking
    # x over each candidate it is not yet ordered with puts x above all but its
    # ancestors, whatever the order of those locks.
    everyone = (1 << c) - 1
    for x in sorted(range(c), key=lambda y: rank[y]):
        ancestors = reached[x]
        _lock(reach, reached, ancestors, everyone & ~(ancestors & ~(1 << x)))
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

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed; unranked candidates are below ranked ones).
    tiebreak : str
        ``"all"`` (default: a tie among winners is left standing, every tied candidate
        reported and the outcome marked tied), ``"order"``, ``"random"`` (with ``seed``)
        or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is the number of candidates each is ranked above in the
        locked order (``details["ranking"]``).

    Raises
    ------
    RuleError
        With ``tiebreak="all"``, when there are too many orders of equal margins to
        explore; above :data:`RANKED_PAIRS_MAX_CANDIDATES` candidates.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "ranked_pairs").winners
    ('A',)

    References
    ----------
    Tideman (1987), Social Choice and Welfare 4: 185-206; Zavist & Tideman (1989), Social
    Choice and Welfare 6: 167-173.
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    c = ballots.n_candidates
    if c > RANKED_PAIRS_MAX_CANDIDATES:
        raise RuleError(
            f"ranked_pairs counts at most {RANKED_PAIRS_MAX_CANDIDATES} candidates "
            f"(locking every pair takes up to C³ steps); these ballots have {c}"
        )
    margins = pairwise_margins(ballots)
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
        return pairwise_outcome(
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
    return pairwise_outcome(ballots, margins, [winner], tally, breaker, note=note, details=details)
