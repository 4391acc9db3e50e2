"""The elimination tree an assertion set prunes, and a minimal set that prunes it.

For each candidate other than the reported winner the tree starts with the suffix where
that candidate is the last one standing, and grows each unpruned suffix at the front by
every candidate not in it. A suffix is *pruned* (a leaf) at the first point an assertion
rules it out. Every complete elimination order with another winner passes through one
pruned suffix, which is what it means for the set to rule out every other winner.

Trimming (after RAIRE's tree trimming, Blom, Stuckey and Teague 2019): grow the tree with
every assertion the search accepted and keep, greedily, assertions until every leaf is
pruned; then drop each kept assertion, hardest first, whose removal still leaves every
other winner ruled out once the tree may grow deeper. No assertion of the result can be
dropped without leaving some elimination order with another winner open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import AuditError
from .assertions import Assertion, Scored
from .raire import rules_out

__all__ = ["Node", "covers", "pruning_tree", "tree_to_dict", "trim"]


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


def pruning_tree(
    assertions: Sequence[Assertion], winner: int, n_candidates: int, *, max_nodes: int = 1_000_000
) -> list[Node]:
    """One tree per other possible winner, each grown until every branch is pruned.

    Raises
    ------
    AuditError
        An elimination order with another winner that no assertion rules out, or a tree
        larger than ``max_nodes``.
    """
    grown = 0

    def grow(suffix: tuple[int, ...]) -> Node:
        nonlocal grown
        grown += 1
        if grown > max_nodes:
            raise AuditError(f"the elimination tree grew past {max_nodes:,} suffixes")
        hits = tuple(i for i, a in enumerate(assertions) if rules_out(a, suffix))
        if hits:
            return Node(suffix, hits)
        if len(suffix) == n_candidates:
            raise AuditError(f"elimination order {suffix} is not ruled out by any assertion")
        node = Node(suffix)
        members = set(suffix)
        node.children = [grow((x, *suffix)) for x in range(n_candidates) if x not in members]
        return node

    return [grow((last,)) for last in range(n_candidates) if last != winner]


def covers(assertions: Sequence[Assertion], winner: int, n_candidates: int, budget: int) -> bool:
    """Whether ``assertions`` rule out every order with another winner, pruning as deep as
    needed; ``False`` too when deciding would take more than ``budget`` suffixes."""
    seen = 0

    def ok(suffix: tuple[int, ...]) -> bool:
        nonlocal seen
        seen += 1
        if seen > budget:
            return False
        if any(rules_out(a, suffix) for a in assertions):
            return True
        if len(suffix) == n_candidates:
            return False
        return all(ok((x, *suffix)) for x in range(n_candidates) if x not in suffix)

    return all(ok((last,)) for last in range(n_candidates) if last != winner)


def trim(
    scored: Sequence[Scored], winner: int, n_candidates: int, *, budget: int = 200_000
) -> tuple[tuple[Scored, ...], list[Node]]:
    """A minimal subset of ``scored`` that still rules out every other winner, and the
    tree it prunes (harder assertions first, then by kind and candidates).

    The greedy cover of the leaves of the tree all of ``scored`` prunes comes first; then
    each kept assertion, hardest first, is dropped if the others still rule out every
    order (letting the tree grow deeper). A check that would look at more than ``budget``
    suffixes keeps the assertion, which is always safe.
    """
    ordered = sorted(scored, key=lambda s: (-s.difficulty, s.assertion))
    tree = pruning_tree([s.assertion for s in ordered], winner, n_candidates)
    leaves = [set(leaf.pruned_by) for root in tree for leaf in root.leaves()]
    kept: list[int] = []
    open_leaves = set(range(len(leaves)))
    while open_leaves:
        # the assertion pruning most open leaves; on equal counts the easier one
        pick = max(
            range(len(ordered)),
            key=lambda i: (sum(1 for k in open_leaves if i in leaves[k]), -ordered[i].difficulty, -i),
        )
        kept.append(pick)
        open_leaves = {k for k in open_leaves if pick not in leaves[k]}
    kept.sort()
    for i in list(kept):  # hardest first: dropping a hard assertion saves the most sampling
        rest = [ordered[k].assertion for k in kept if k != i]
        if covers(rest, winner, n_candidates, budget):
            kept.remove(i)
    chosen = tuple(ordered[i] for i in kept)
    return chosen, pruning_tree([s.assertion for s in chosen], winner, n_candidates)


def tree_to_dict(node: Node, names: Sequence[str]) -> dict[str, object]:
    """A tree node as JSON-ready data: the suffix by name, the numbers (from 1) of the
    assertions that prune it, and its children."""
    return {
        "suffix": [names[c] for c in node.suffix],
        "pruned_by": [i + 1 for i in node.pruned_by],
        "children": [tree_to_dict(child, names) for child in node.children],
    }
