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

What a suffix's subtree holds depends only on its first candidate ``x`` and its set of
candidates ``S``: the new assertions of every descendant do. So the search is RAIRE's
branch and bound (Blom, Stuckey and Teague 2019, section 5) over suffixes, evaluated
depth first with each ``(x, S)`` evaluated once. The *value* of a suffix is the least
largest difficulty that rules out every order below it::

    value(x, S) = min(best(x, S), max over y not in S of value(y, S + y))

where ``best(x, S)`` is the cheapest assertion new at the suffix (``inf`` when none holds)
and a complete order's value is its ``best``. The answer is the largest value of the
one-candidate suffixes of the other candidates. A lower bound ``B`` on the answer prunes:
a suffix whose ``best`` costs at most ``B`` is taken as it is, and children whose ``best``
(an upper bound on their value) cannot raise the maximum are not entered; values above
``B`` stay exact. ``B`` starts from complete orders costed before the search (RAIRE finds
its first ones by diving): for each other candidate, the count's own elimination order
with that candidate moved to the end; each complete order met later raises it to the
cheapest assertion on its path. Finally the assertions are collected: from each root,
a suffix whose ``best`` costs no more than the answer contributes every NEB new at it
that costs no more (trimming can then pick those serving several suffixes) and its
cheapest NEN, any other is entered. They are then trimmed (:mod:`tally.audit.trim`).

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
        Suffixes (first candidate and set) the search may evaluate before giving up.

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


_NONE = _Best(math.inf, None)


class _Search:
    def __init__(
        self, counts: Counts, winner: int, cost: Cost, max_nodes: int, names: tuple[str, ...]
    ) -> None:
        self.counts, self.winner, self.cost, self.names = counts, winner, cost, names
        self.max_nodes = max_nodes
        self.c = c = counts.n_candidates
        self.full = (1 << c) - 1
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
        self.bests: dict[int, _Best] = {}
        self.values: dict[int, float] = {}
        self.bound = 0.0

    def best(self, x: int, members: int) -> _Best:
        """The cheapest assertion that rules out every suffix starting with ``x`` whose
        candidates are ``members`` (a bit mask), and none of its own suffixes."""
        key = members * 64 + x
        found = self.bests.get(key)
        if found is not None:
            return found
        found = _NONE
        for scored in self.neb_by_loser[x]:
            if not (members >> scored.assertion.winner) & 1:
                found = _Best(scored.difficulty, scored)
                break
        if members != 1 << x:
            votes = self.counts.tallies(members)
            continuing = tuple(c for c in range(self.c) if (members >> c) & 1)
            for loser in continuing:
                if loser != x:
                    d = self.cost(float(votes[x]), float(votes[loser]))
                    if d < found.cost:
                        scored = Scored(
                            Assertion("NEN", x, loser, continuing), float(votes[x]), float(votes[loser]), d
                        )
                        found = _Best(d, scored)
        self.bests[key] = found
        if len(self.bests) > self.max_nodes:
            raise AuditError(
                f"RAIRE's search evaluated more than {self.max_nodes:,} elimination-order suffixes "
                "without settling; the contest is too hard to audit this way"
            )
        return found

    def value(self, x: int, members: int, path: float, suffix: tuple[int, ...]) -> float:
        """``value(x, S)``, exact whenever it exceeds the bound (see the module)."""
        key = members * 64 + x
        known = self.values.get(key)
        if known is not None:
            return known
        own = self.best(x, members).cost
        path = min(path, own)
        if own <= self.bound or members == self.full:
            if members == self.full:
                if not math.isfinite(path):
                    raise AuditError(self._open(suffix))
                self.bound = max(self.bound, path)
            self.values[key] = own
            return own
        children = []
        for y in range(self.c):
            if not (members >> y) & 1:
                children.append((self.best(y, members | 1 << y).cost, y))
        children.sort(key=lambda item: (-item[0], item[1]))
        highest = 0.0
        for ceiling, y in children:
            # a child's value is at most its best; below the bound or the maximum so far it
            # cannot change the answer
            if ceiling <= max(highest, self.bound):
                break
            highest = max(highest, self.value(y, members | 1 << y, path, (y, *suffix)))
            if highest >= own:
                break
        result = min(own, highest)
        self.values[key] = result
        return result

    def run(self) -> SearchResult:
        if self.c < 2:
            return SearchResult((), 0.0, 0)
        self.bound = self.seed_bound()
        roots = sorted(
            (r for r in range(self.c) if r != self.winner), key=lambda r: -self.best(r, 1 << r).cost
        )
        answer = self.bound
        for root in roots:
            answer = max(answer, self.value(root, 1 << root, math.inf, (root,)))
        if not math.isfinite(answer):
            raise AuditError(self._open(self._open_order(roots)))
        chosen: dict[Assertion, Scored] = {}
        seen: set[int] = set()
        for root in roots:
            self.collect(root, 1 << root, answer, chosen, seen)
        return SearchResult(tuple(chosen.values()), answer, len(self.bests))

    def collect(
        self, x: int, members: int, answer: float, chosen: dict[Assertion, Scored], seen: set[int]
    ) -> None:
        """Assertions ruling out every order below the suffix at cost ``answer`` at most:
        where one applies, every one that does (so trimming can choose those that serve
        several suffixes), else those of each child."""
        key = members * 64 + x
        if key in seen:
            return
        seen.add(key)
        if self.best(x, members).cost <= answer:
            for scored in self.applying(x, members, answer):
                chosen.setdefault(scored.assertion, scored)
            return
        for y in range(self.c):
            if not (members >> y) & 1:
                self.collect(y, members | 1 << y, answer, chosen, seen)

    def applying(self, x: int, members: int, answer: float) -> list[Scored]:
        """The assertions new at the suffix (first ``x``, set ``members``) costing at most
        ``answer`` that trimming can choose from: every such NEB (one may serve other
        suffixes too) and the cheapest NEN (a NEN serves this suffix only)."""
        found = [
            s
            for s in self.neb_by_loser[x]
            if s.difficulty <= answer and not (members >> s.assertion.winner) & 1
        ]
        if members != 1 << x:
            votes = self.counts.tallies(members)
            continuing = tuple(c for c in range(self.c) if (members >> c) & 1)
            losers = [c for c in continuing if c != x]
            loser = min(losers, key=lambda c: (self.cost(float(votes[x]), float(votes[c])), c))
            d = self.cost(float(votes[x]), float(votes[loser]))
            if d <= answer:
                assertion = Assertion("NEN", x, loser, continuing)
                found.append(Scored(assertion, float(votes[x]), float(votes[loser]), d))
        return found

    def seed_bound(self) -> float:
        """A lower bound to start from: for every other candidate, the cheapest assertion
        ruling out the count's own elimination order with that candidate moved to the end
        (orders close to the count's tend to be the hardest to rule out)."""
        remaining, order = self.full, []
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
                cheapest = min(cheapest, self.best(leaf[k], members).cost)
            if not math.isfinite(cheapest):
                raise AuditError(self._open(leaf))
            bound = max(bound, cheapest)
        return bound

    def _open_order(self, roots: list[int]) -> tuple[int, ...]:
        """A complete order no holding assertion rules out, when the answer is ``inf``."""
        suffix: tuple[int, ...] = ()
        members = 0
        candidates = roots
        while True:
            for y in candidates:
                key = (members | 1 << y) * 64 + y
                if self.values.get(key, 0.0) == math.inf or (
                    members | 1 << y == self.full and self.best(y, self.full).cost == math.inf
                ):
                    suffix, members = (y, *suffix), members | 1 << y
                    break
            else:  # not reached: an infinite value has a child of infinite value
                return suffix
            if members == self.full:
                return suffix
            candidates = [y for y in range(self.c) if not (members >> y) & 1]

    def _open(self, order: tuple[int, ...]) -> str:
        names = " → ".join(self.names[c] for c in order)
        return (
            f"no assertion that holds rules out the elimination order {names} "
            f"(won by {self.names[order[-1]]}): the reported winner cannot be confirmed by RAIRE "
            "assertions (a tie, or a count decided by a tie-break)"
        )
