"""The elimination tree an assertion set prunes, and a minimal set that prunes it.

For each candidate other than the reported winner the tree starts with the suffix where
that candidate is the last one standing, and grows each unpruned suffix at the front by
every candidate not in it. A suffix is *pruned* (a leaf) at the first point an assertion
rules it out. Every complete elimination order with another winner passes through one
pruned suffix, which is what it means for the set to rule out every other winner.

An assertion first rules out a suffix (none of its own suffixes) exactly when it *applies*
at the suffix's first candidate ``x`` and set ``S``: ``a NEB x`` with ``a`` outside ``S``,
or ``x NEN l | S``. So whether every order below a suffix is ruled out depends only on
``(x, S)``, and the checks here walk those pairs, each once, rather than the suffixes,
whose number can run to millions where the pairs are thousands.

Trimming (after RAIRE's tree trimming, Blom, Stuckey and Teague 2019): the pairs where
some assertion of the search applies form a cut of the tree; assertions are kept,
greedily, until every pair of the cut has one (the assertion applying at most uncovered
pairs first, the easier on a tie); then each kept assertion, hardest first, is dropped if
the others still rule out every other winner, letting the tree grow deeper where needed.
When that last step would take too long (more than ``budget`` pairs looked at in all),
the remaining assertions are kept, which is always safe, and the result says it is not
known to be minimal.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import AuditError
from .assertions import Assertion, Scored
from .raire import rules_out

__all__ = ["Node", "Trimmed", "pruning_tree", "tree_size", "tree_to_dict", "trim"]


@dataclass
class Node:
    """A suffix of elimination orders (first eliminated first, the last one standing last);
    ``pruned_by`` lists the indices of the assertions that rule it out."""

    suffix: tuple[int, ...]
    pruned_by: tuple[int, ...] = ()
    children: list[Node] = field(default_factory=list)

    def leaves(self) -> list[Node]:
        if not self.children:
            return [self]
        return [leaf for child in self.children for leaf in child.leaves()]

    def size(self) -> int:
        return 1 + sum(child.size() for child in self.children)


class _Pairs:
    """Which assertions apply at a pair (first candidate, set of candidates)."""

    def __init__(self, assertions: Sequence[Assertion], winner: int, n_candidates: int) -> None:
        self.winner, self.c = winner, n_candidates
        self.full = (1 << n_candidates) - 1
        self.neb: list[list[tuple[int, int]]] = [[] for _ in range(n_candidates)]
        self.nen: dict[tuple[int, int], list[int]] = {}
        for i, a in enumerate(assertions):
            if a.kind == "NEB":
                self.neb[a.loser].append((a.winner, i))
            else:
                key = (a.winner, sum(1 << c for c in a.continuing))
                self.nen.setdefault(key, []).append(i)

    def roots(self) -> list[tuple[int, int]]:
        return [(r, 1 << r) for r in range(self.c) if r != self.winner]

    def children(self, members: int) -> list[tuple[int, int]]:
        return [(y, members | 1 << y) for y in range(self.c) if not (members >> y) & 1]

    def applying(self, x: int, members: int) -> list[int]:
        out = [i for a, i in self.neb[x] if not (members >> a) & 1]
        return out + self.nen.get((x, members), [])

    def covered(self, allowed: set[int], budget: list[int]) -> bool:
        """Whether the ``allowed`` assertions rule out every order with another winner;
        ``False`` too once ``budget[0]`` pairs have been looked at."""
        memo: dict[tuple[int, int], bool] = {}

        def ok(x: int, members: int) -> bool:
            key = (x, members)
            if key in memo:
                return memo[key]
            budget[0] -= 1
            if budget[0] < 0:
                return False
            if any(i in allowed for i in self.applying(x, members)):
                result = True
            elif members == self.full:
                result = False
            else:
                result = all(ok(y, m) for y, m in self.children(members))
            memo[key] = result
            return result

        return all(ok(x, m) for x, m in self.roots())

    def cut(self) -> dict[tuple[int, int], list[int]]:
        """The pairs where some assertion applies first on the way from each root."""
        found: dict[tuple[int, int], list[int]] = {}
        seen: set[tuple[int, int]] = set()
        stack = self.roots()
        while stack:
            x, members = stack.pop()
            if (x, members) in seen:
                continue
            seen.add((x, members))
            hits = self.applying(x, members)
            if hits:
                found[(x, members)] = hits
            elif members == self.full:
                raise AuditError(f"an elimination order ending with candidate {x} is not ruled out")
            else:
                stack.extend(self.children(members))
        return found


@dataclass(frozen=True)
class Trimmed:
    """A trimmed assertion set (harder first) and whether it is known to be minimal."""

    assertions: tuple[Scored, ...]
    minimal: bool


def trim(scored: Sequence[Scored], winner: int, n_candidates: int, *, budget: int = 2_000_000) -> Trimmed:
    """A subset of ``scored`` that still rules out every other winner, minimal when the
    check fits in ``budget`` pairs (see the module).

    Raises
    ------
    AuditError
        ``scored`` does not rule out every other winner.
    """
    ordered = sorted(scored, key=lambda s: (-s.difficulty, s.assertion))
    pairs = _Pairs([s.assertion for s in ordered], winner, n_candidates)
    cut = pairs.cut()
    kept = _greedy_cover(cut, ordered)
    # first the cheap drops: an assertion every cut pair of which another kept one covers
    holders = {key: {i for i in hits if i in kept} for key, hits in cut.items()}
    # the pairs each kept assertion holds, found once (not by a scan of the cut per
    # assertion: cuts of a hundred thousand pairs and thousands of assertions occur)
    held_by: dict[int, list[tuple[int, int]]] = {}
    for key, held in holders.items():
        for i in held:
            held_by.setdefault(i, []).append(key)
    for i in sorted(kept):  # harder first: dropping a hard assertion saves the most sampling
        mine = held_by.get(i, [])
        if all(len(holders[key]) > 1 for key in mine):
            kept.remove(i)
            for key in mine:
                holders[key].discard(i)
    # then those whose pairs could be ruled out deeper in the tree
    left = [budget]
    for i in sorted(kept):
        if left[0] <= 0:
            break
        if pairs.covered(kept - {i}, left):
            kept.remove(i)
    return Trimmed(tuple(ordered[i] for i in sorted(kept)), minimal=left[0] > 0)


def _greedy_cover(cut: dict[tuple[int, int], list[int]], ordered: Sequence[Scored]) -> set[int]:
    """Assertions until every pair of the cut has one: each time the one applying at the
    most pairs still open (on equal counts the easier one)."""
    where: dict[int, list[tuple[int, int]]] = {}
    for key, hits in cut.items():
        for i in hits:
            where.setdefault(i, []).append(key)
    count = {i: len(keys) for i, keys in where.items()}
    heap = [(-n, ordered[i].difficulty, i) for i, n in count.items()]
    heapq.heapify(heap)
    kept: set[int] = set()
    open_pairs = set(cut)
    while open_pairs:
        n, _, i = heapq.heappop(heap)
        if -n != count[i]:  # a stale entry: push the current count back
            heapq.heappush(heap, (-count[i], ordered[i].difficulty, i))
            continue
        kept.add(i)
        for key in where[i]:
            if key in open_pairs:
                open_pairs.discard(key)
                for j in cut[key]:
                    count[j] -= 1
    return kept


def tree_size(assertions: Sequence[Assertion], winner: int, n_candidates: int) -> int:
    """How many suffixes the pruned elimination tree has (counted over pairs, so even a
    tree of astronomically many suffixes is counted at once)."""
    pairs = _Pairs(assertions, winner, n_candidates)
    memo: dict[tuple[int, int], int] = {}

    def size(x: int, members: int) -> int:
        key = (x, members)
        if key not in memo:
            if pairs.applying(x, members) or members == pairs.full:
                memo[key] = 1
            else:
                memo[key] = 1 + sum(size(y, m) for y, m in pairs.children(members))
        return memo[key]

    return sum(size(x, m) for x, m in pairs.roots())


def pruning_tree(
    assertions: Sequence[Assertion], winner: int, n_candidates: int, *, limit: int = 5000
) -> tuple[list[Node], bool]:
    """The pruned elimination tree, one root per other possible winner, grown depth first
    up to ``limit`` suffixes; returns it and whether it is complete.

    Raises
    ------
    AuditError
        An elimination order with another winner that no assertion rules out.
    """
    grown = 0

    def grow(suffix: tuple[int, ...]) -> Node | None:
        nonlocal grown
        if grown >= limit:
            return None
        grown += 1
        hits = tuple(i for i, a in enumerate(assertions) if rules_out(a, suffix))
        if hits:
            return Node(suffix, hits)
        if len(suffix) == n_candidates:
            raise AuditError(f"elimination order {suffix} is not ruled out by any assertion")
        node = Node(suffix)
        for x in range(n_candidates):
            if x not in suffix:
                child = grow((x, *suffix))
                if child is None:
                    break
                node.children.append(child)
        return node

    roots = [grow((last,)) for last in range(n_candidates) if last != winner]
    complete = grown < limit or grown == tree_size(assertions, winner, n_candidates)
    return [r for r in roots if r is not None], complete


def tree_to_dict(node: Node, names: Sequence[str]) -> dict[str, object]:
    """A tree node as JSON-ready data: the suffix by name, the numbers (from 1) of the
    assertions that prune it, and its children."""
    return {
        "suffix": [names[c] for c in node.suffix],
        "pruned_by": [i + 1 for i in node.pruned_by],
        "children": [tree_to_dict(child, names) for child in node.children],
    }
