"""RAIRE's search: the assertions that rule out every other IRV winner, hardest one easiest.

An *elimination order* lists the candidates in the order they leave an IRV count, the
winner last. Every order whose last candidate is not the reported winner must be ruled
out. The search works on order *suffixes*: ``(c_k, ..., c_n)`` stands for every order
ending that way, with the other candidates eliminated earlier in any order. An assertion
rules out a suffix when it rules out every order ending with it:

* ``a NEB b`` when ``b`` is in the suffix and ``a`` is eliminated earlier (``a`` not in
  the suffix, or before ``b`` in it);
* ``w NEN l | S`` when the last ``|S|`` candidates of the suffix are exactly ``S`` and
  ``w`` is the first of them (the next one out when ``S`` remain).

Extending a suffix at the front by a candidate ``x`` adds only two kinds of new
assertions: ``a NEB x`` for ``a`` outside the suffix, and ``x NEN l | suffix``.

The branch and bound (Blom, Stuckey and Teague 2019, section 5) keeps a frontier of
suffixes, each with the cheapest assertion found on its path from the last candidate
(its *path best*). It takes the suffix with the costliest path best; if that cost is no
more than the lower bound it is accepted, else the suffix is extended by each candidate
in turn. A complete order cannot be extended: its path best is the cheapest assertion
that rules it out, so its cost is a lower bound on the answer. Whatever is accepted costs
no more than the final lower bound, which is therefore the least possible largest
difficulty. The accepted assertions are then trimmed (:mod:`tally.audit.trim`).

The lower bound starts from complete orders costed before the search (RAIRE finds its
first ones by diving down the frontier): for each other candidate, the count's own
elimination order with that candidate moved to the end. Without it the search can wander
through hundreds of thousands of suffixes that are all cheaper than the answer.

Tallies of the candidates when only a set ``S`` remains come from one table built once:
for every ballot and every position on its list, the candidate there and the set of
candidates before it. A ballot counts for ``c`` when ``S`` remain exactly when ``c`` is
in ``S`` and none of the candidates before ``c`` on its list is.

References
----------
Blom, M., Stuckey, P. J. and Teague, V. J. (2019). RAIRE: risk-limiting audits for IRV
elections. arXiv:1903.08804.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import AuditError
from .assertions import Assertion, Scored
from .preferences import Preferences

__all__ = ["MAX_CANDIDATES", "Counts", "SearchResult", "find_assertions", "rules_out"]

MAX_CANDIDATES = 62
"""Candidate sets are bit masks of one 64-bit integer."""

Cost = Callable[[float, float], float]


class Counts:
    """Tallies of an IRV count for any set of continuing candidates, from one table.

    Parameters
    ----------
    prefs : Preferences
        The ballots as preference lists.
    """

    def __init__(self, prefs: Preferences) -> None:
        c = prefs.n_candidates
        if c > MAX_CANDIDATES:
            raise AuditError(f"RAIRE's search here handles up to {MAX_CANDIDATES} candidates, not {c}")
        self.n_candidates = c
        lists = prefs.lists.astype(np.int64)
        valid = lists >= 0
        bits = np.where(valid, np.left_shift(np.int64(1), np.where(valid, lists, 0)), 0)
        seen = np.bitwise_or.accumulate(bits, axis=1) if bits.size else bits
        before = np.zeros_like(seen)
        before[:, 1:] = seen[:, :-1]
        weights = np.broadcast_to(prefs.weights[:, None], lists.shape)
        keys = np.stack((before[valid], lists[valid]), axis=1)
        self.weight: np.ndarray
        if keys.shape[0]:
            unique, inverse = np.unique(keys, axis=0, return_inverse=True)
            self.weight = np.bincount(inverse.reshape(-1), weights=weights[valid], minlength=unique.shape[0])
            self.mask, self.cand = unique[:, 0], unique[:, 1]
        else:
            self.weight, self.mask, self.cand = np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64)
        self.first = np.bincount(self.cand[self.mask == 0], self.weight[self.mask == 0], minlength=c)
        # mentions[l, w]: ballots on which l comes before w, or without w
        self.mentions = np.zeros((c, c))
        for w in range(c):
            free = (self.mask >> w) & 1 == 0
            self.mentions[:, w] = np.bincount(self.cand[free], self.weight[free], minlength=c)
        self._cache: dict[int, np.ndarray] = {}

    def tallies(self, continuing: int) -> np.ndarray:
        """(C,) votes of each candidate when the candidates in the bit mask remain."""
        hit = self._cache.get(continuing)
        if hit is None:
            member = (np.int64(continuing) >> self.cand) & 1 == 1
            counted = member & (self.mask & np.int64(continuing) == 0)
            hit = np.bincount(self.cand[counted], self.weight[counted], minlength=self.n_candidates)
            self._cache[continuing] = hit
        return hit

    def neb(self, winner: int, loser: int) -> tuple[float, float]:
        """The tallies ``winner NEB loser`` compares: first preferences against mentions."""
        return float(self.first[winner]), float(self.mentions[loser, winner])


@dataclass(frozen=True)
class SearchResult:
    """The accepted assertions (not yet trimmed) and the least largest difficulty."""

    assertions: tuple[Scored, ...]
    difficulty: float
    nodes: int


def rules_out(assertion: Assertion, suffix: tuple[int, ...]) -> bool:
    """Whether ``assertion`` rules out every elimination order ending with ``suffix``
    (first eliminated first, the last one standing last)."""
    if assertion.kind == "NEB":
        if assertion.loser not in suffix:
            return False
        return assertion.winner not in suffix or suffix.index(assertion.winner) < suffix.index(
            assertion.loser
        )
    size = len(assertion.continuing)
    if len(suffix) < size:
        return False
    tail = suffix[len(suffix) - size :]
    return tail[0] == assertion.winner and tuple(sorted(tail)) == assertion.continuing


def find_assertions(
    prefs: Preferences,
    winner: int,
    cost: Cost,
    *,
    counts: Counts | None = None,
    max_nodes: int = 2_000_000,
) -> SearchResult:
    """RAIRE's branch and bound over elimination-order suffixes.

    Parameters
    ----------
    prefs : Preferences
        The ballots as the count reads them.
    winner : int
        The reported winner.
    cost : callable
        ``cost(winner_votes, loser_votes)``: an assertion's difficulty (``inf`` when it
        does not hold).
    counts : Counts, optional
        The tally table of ``prefs``, when the caller has built it already.
    max_nodes : int
        Suffixes the search may create before giving up.

    Returns
    -------
    SearchResult

    Raises
    ------
    AuditError
        Some other winner cannot be ruled out by any assertion that holds (the order is
        named), or the search grows past ``max_nodes``.
    """
    search = _Search(counts or Counts(prefs), winner, cost, max_nodes, prefs.candidates)
    return search.run()


@dataclass(frozen=True)
class _Best:
    cost: float
    scored: Scored | None


class _Search:
    def __init__(
        self, counts: Counts, winner: int, cost: Cost, max_nodes: int, names: tuple[str, ...]
    ) -> None:
        self.counts, self.winner, self.cost, self.max_nodes, self.names = (
            counts,
            winner,
            cost,
            max_nodes,
            names,
        )
        c = counts.n_candidates
        self.c = c
        # for each loser x, every a NEB x that holds, cheapest first
        self.neb_by_loser: list[list[Scored]] = []
        for x in range(c):
            options = []
            for a in range(c):
                if a != x:
                    w_votes, l_votes = counts.neb(a, x)
                    d = cost(w_votes, l_votes)
                    if math.isfinite(d):
                        options.append(Scored(Assertion("NEB", a, x), w_votes, l_votes, d))
            options.sort(key=lambda s: (s.difficulty, s.assertion))
            self.neb_by_loser.append(options)
        self.nodes = 0

    def best(self, suffix: tuple[int, ...], members: int) -> _Best:
        """The cheapest assertion that rules out ``suffix`` and none of its own suffixes."""
        x = suffix[0]
        found = _Best(math.inf, None)
        for scored in self.neb_by_loser[x]:
            if not (members >> scored.assertion.winner) & 1:
                found = _Best(scored.difficulty, scored)
                break
        if len(suffix) > 1:
            votes = self.counts.tallies(members)
            continuing = tuple(sorted(suffix))
            for loser in suffix[1:]:
                d = self.cost(float(votes[x]), float(votes[loser]))
                if d < found.cost:
                    assertion = Assertion("NEN", x, loser, continuing)
                    found = _Best(d, Scored(assertion, float(votes[x]), float(votes[loser]), d))
        return found

    def run(self) -> SearchResult:
        if self.c < 2:
            return SearchResult((), 0.0, 0)
        bound = self.seed_bound()
        accepted: dict[Assertion, Scored] = {}
        frontier: list[tuple[float, int, int, tuple[int, ...], int, _Best]] = []
        order = itertools.count()
        for last in range(self.c):
            if last != self.winner:
                node = (last,)
                best = self.best(node, 1 << last)
                heapq.heappush(frontier, (-best.cost, -1, next(order), node, 1 << last, best))
        while frontier:
            _, _, _, suffix, members, path = heapq.heappop(frontier)
            if path.cost <= bound:
                self._accept(accepted, path)
                continue
            for x in range(self.c):
                if (members >> x) & 1:
                    continue
                child, child_members = (x, *suffix), members | (1 << x)
                own = self.best(child, child_members)
                best = own if own.cost < path.cost else path
                self.nodes += 1
                if len(child) == self.c:
                    if not math.isfinite(best.cost):
                        raise AuditError(self._open(child))
                    bound = max(bound, best.cost)
                    self._accept(accepted, best)
                elif best.cost <= bound:
                    self._accept(accepted, best)
                else:
                    heapq.heappush(
                        frontier, (-best.cost, -len(child), -next(order), child, child_members, best)
                    )
            if self.nodes > self.max_nodes:
                raise AuditError(
                    f"RAIRE's search explored more than {self.max_nodes:,} elimination-order suffixes "
                    f"without settling; the contest is too close to audit this way"
                )
        return SearchResult(tuple(accepted.values()), bound, self.nodes)

    def seed_bound(self) -> float:
        """A lower bound to start from, so the search need not find one by diving.

        Any complete order with another winner needs an assertion at least as costly as
        the cheapest one that rules it out. Orders close to the count's own elimination
        order tend to be the hardest: for every other candidate, the count's order with
        that candidate moved to the end is costed, and the costliest is the bound.
        """
        remaining, order = (1 << self.c) - 1, []
        while remaining & (remaining - 1):  # more than one candidate left
            votes = self.counts.tallies(remaining)
            low = min((x for x in range(self.c) if (remaining >> x) & 1), key=lambda x: (votes[x], x))
            order.append(low)
            remaining &= ~(1 << low)
        order.append(remaining.bit_length() - 1)
        bound = 0.0
        for other in range(self.c):
            if other == self.winner:
                continue
            leaf = (*(x for x in order if x != other), other)
            cheapest, members = math.inf, 0
            for k in range(self.c - 1, -1, -1):
                members |= 1 << leaf[k]
                cheapest = min(cheapest, self.best(leaf[k:], members).cost)
            if not math.isfinite(cheapest):
                raise AuditError(self._open(leaf))
            bound = max(bound, cheapest)
        return bound

    @staticmethod
    def _accept(accepted: dict[Assertion, Scored], best: _Best) -> None:
        assert best.scored is not None  # only finite costs are ever accepted
        accepted.setdefault(best.scored.assertion, best.scored)

    def _open(self, order: tuple[int, ...]) -> str:
        names = " → ".join(self.names[c] for c in order)
        return (
            f"no assertion that holds rules out the elimination order {names} "
            f"(won by {self.names[order[-1]]}): the reported winner cannot be confirmed by RAIRE "
            "assertions (a tie, or a count decided by a tie-break)"
        )
