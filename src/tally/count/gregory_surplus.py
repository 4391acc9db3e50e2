"""A surplus moving on in a Gregory count: at a transfer value, or as whole papers drawn.

Once the count (:class:`tally.count.gregory.GregoryCount`) has chosen whose surplus moves
and which of their papers are examined (all of them, or the last parcel received), one
of two steps moves it, as :attr:`tally.count.gregory_papers.GregoryRules.selection` says:

* :func:`fractional_surplus` (Scottish, WIGM, ERS97): every examined paper moves at a
  reduced value, found per value the papers hold: ``inclusive``, v x surplus / votes of
  the candidate (Scottish rule 48(3)); ``transferable``, v x surplus / value of the
  transferable papers, never more than v, and at v when those papers are worth no more
  than the surplus (ERS97).
* :func:`random_surplus` (Irish): the transferable papers are
  sorted into sub-parcels by next preference, each sub-parcel gives its share of the
  surplus in whole papers (largest remainders for the papers left over), drawn at random
  with the count's seeded generator.

Both credit the candidates the papers reach, add what cannot move on to the count's
non-transferable value (and, for fractional transfers, what truncation cut to its
rounding loss), and return the value each destination received and the value lost.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from .gregory_papers import HOPEFUL, GregoryPapers, fmt, next_usable
from .papers import SPLIT, truncate

__all__ = ["fractional_surplus", "random_surplus"]


def fractional_surplus(
    count: GregoryPapers, c: int, examined: np.ndarray, surplus: Fraction, detail: dict[str, Any]
) -> tuple[dict[int, Fraction], Fraction]:
    """Move the ``surplus`` of candidate ``c`` on all the ``examined`` papers at a transfer value.

    Parameters
    ----------
    count : GregoryPapers
        The papers of the count, changed in place.
    c : int
        The candidate whose surplus moves.
    examined : numpy.ndarray
        The rows of papers examined.
    surplus : fractions.Fraction
        The value to move.
    detail : dict
        The stage's details; ``"transfer_values"`` (old value to new) is added.

    Returns
    -------
    tuple of (dict of int to fractions.Fraction, fractions.Fraction)
        The value each destination received (a candidate, or an inactive reason's
        code), and the part of the surplus that could not be transferred.
    """
    rules = count.rules
    if rules.value == "inclusive":
        rows = examined
        base = count.credited[c]
    else:
        _, dest = next_usable(count, examined, count.status == HOPEFUL)
        rows = examined[(dest >= 0) | (dest == SPLIT)]
        base = sum(count.sums(rows, np.zeros(rows.size, dtype=np.int64)).values(), Fraction(0))
    new_vid = count.vid[rows].copy()
    values: dict[str, float] = {}
    lost_to_nt = Fraction(0)
    if rules.value == "transferable" and base <= surplus:
        # Transferable papers worth no more than the surplus move at their value;
        # the rest of the surplus cannot be transferred.
        lost_to_nt = surplus - base
        values = {str(count.vals[v]): fmt(count.vals[v]) for v in np.unique(new_vid).tolist()}
    elif rows.size:
        for v in np.unique(count.vid[rows]).tolist():
            old = count.vals[v]
            new = truncate(old * surplus / base, rules.decimals)
            if rules.value == "transferable":
                new = min(new, old)
            new_vid[count.vid[rows] == v] = count.value_id(new)
            values[str(old)] = fmt(new)
    detail["transfer_values"] = values
    sums = count.move(rows, new_vid)
    moved = sum(sums.values(), Fraction(0))
    exhausted = sum((v for d, v in sums.items() if d < 0), Fraction(0))
    count.nontransferable += exhausted + lost_to_nt
    count.loss += surplus - moved - lost_to_nt
    return sums, lost_to_nt


def random_surplus(
    count: GregoryPapers, examined: np.ndarray, surplus: Fraction, detail: dict[str, Any]
) -> tuple[dict[int, Fraction], Fraction]:
    """Move a ``surplus`` as whole papers drawn at random from the ``examined`` ones.

    Parameters
    ----------
    count : GregoryPapers
        The papers of the count, changed in place (its generator draws the papers).
    examined : numpy.ndarray
        The rows of papers examined.
    surplus : fractions.Fraction
        The number of papers to move (its whole part).
    detail : dict
        The stage's details; ``"papers_transferred"`` (candidate to papers) is added.

    Returns
    -------
    tuple of (dict of int to fractions.Fraction, fractions.Fraction)
        The value each candidate received, and the part of the surplus not transferred.
    """
    _, dest = next_usable(count, examined, count.status == HOPEFUL)
    transferable = examined[dest >= 0]
    dest = dest[dest >= 0]
    take = _papers_per_parcel(count, transferable, dest, int(surplus))
    detail["papers_transferred"] = {count.names[d]: n for d, n in sorted(take.items())}
    whole: list[np.ndarray] = []
    part_rows: list[np.ndarray] = []
    part_take: list[np.ndarray] = []
    for d, n in sorted(take.items()):
        rows = transferable[dest == d]
        counts = count.count[rows]
        chosen = counts if n >= counts.sum() else count.rng.multivariate_hypergeometric(counts, n)
        whole.append(rows[(chosen == counts) & (chosen > 0)])
        some = (chosen > 0) & (chosen < counts)
        part_rows.append(rows[some])
        part_take.append(chosen[some])
    drawn = _draw(
        count,
        np.concatenate(part_rows or [np.zeros(0, np.int64)]),
        np.concatenate(part_take or [np.zeros(0, np.int64)]),
    )
    rows = np.sort(np.concatenate([*whole, drawn])).astype(np.int64)
    sums = count.move(rows, count.vid[rows].copy())
    moved = sum(sums.values(), Fraction(0))
    lost = surplus - moved
    count.nontransferable += lost
    return sums, lost


def _papers_per_parcel(
    count: GregoryPapers, transferable: np.ndarray, dest: np.ndarray, s: int
) -> dict[int, int]:
    """How many of the ``s`` papers each sub-parcel (by next preference ``dest``) gives."""
    total = int(count.count[transferable].sum())
    if total <= s:
        return {int(d): int(count.count[transferable[dest == d]].sum()) for d in np.unique(dest).tolist()}
    sizes = {int(d): int(count.count[transferable[dest == d]].sum()) for d in np.unique(dest).tolist()}
    take = {d: n * s // total for d, n in sizes.items()}
    left = s - sum(take.values())
    # Papers left over go to the largest remainders; equal remainders to the
    # larger sub-parcel, then to the candidate first in the list.
    by_remainder = sorted(sizes, key=lambda d: (-((sizes[d] * s) % total), -sizes[d], d))
    for d in by_remainder[:left]:
        take[d] += 1
    return take


def _draw(count: GregoryPapers, rows: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Take ``k[i]`` papers of ``rows[i]`` into new rows (the papers drawn); returns them."""
    count.count[rows] -= k
    new = count.copy_rows(rows)
    count.count[new] = k
    return new
