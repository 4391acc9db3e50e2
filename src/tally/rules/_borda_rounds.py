"""Baldwin's and Nanson's rounds: Borda among the candidates still standing, kept up to date.

Baldwin and Nanson recount Borda among the remaining candidates after every
elimination. Under both readings of a truncated ballot a candidate's Borda score among
the remaining set ``M`` is a sum over the others, ``score(j) = sum of S[j, k] for k in
M, k != j``, where ``S[j, k]`` is the weight of ballots placing j above k plus half the
weight of ballots tying them (``"optimistic"``: tied at a rank; ``"average"``: tied at a
rank or both unranked on a ballot that marks someone). So when ``e`` leaves, every score
drops by ``S[:, e]``, and that column needs only the ballots that rank ``e`` plus the
weight each candidate is ranked with: the cost is the marks of those ballots plus C,
not a pass over every ballot and candidate.

Each round takes the cheaper of that update and a recount of the ballots among the
candidates left, so a count costs no more than before on ballots that rank everyone.

The update is exact, and so gives the recount's numbers to the last bit, when the
weights are whole numbers and every partial sum of half-points stays below 2**53; other
weights (fractions of a vote) are recounted each round, as before.

:func:`baldwin_all` is Baldwin's search over the orders in which ties for the lowest
score can be broken, bounded by :data:`tally.limits.TIE_SEARCH_STATES`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import limits
from ..ballots import RankedBallots
from ..errors import RuleError

__all__ = ["BordaRounds", "baldwin_all", "borda_losers"]


class BordaRounds:
    """Borda scores of the candidates left as candidates are taken out (see the module docstring).

    Parameters
    ----------
    ballots : RankedBallots
        The ballots counted.
    truncated : str
        ``"optimistic"`` or ``"average"`` (see :mod:`tally.rules.positional`).
    recount : callable
        ``recount(mask)``: the (C,) scores counted afresh among ``mask`` (every candidate
        when None), NaN outside it: :func:`tally.rules.positional.borda_scores`.
    positions : numpy.ndarray, optional
        ``ballots.positions()``, when the caller has it already.

    Examples
    --------
    >>> import numpy as np, tally
    >>> from tally.rules.positional import borda_scores
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"], ["C", "B"]])
    >>> rounds = BordaRounds(b, "optimistic", lambda mask: borda_scores(b, mask))
    >>> rounds.first().tolist()
    [2.0, 2.0, 2.0]
    >>> rounds.without(rounds.first(), np.array([False, True, True]), [0]).tolist()
    [nan, 1.0, 1.0]
    """

    def __init__(
        self,
        ballots: RankedBallots,
        truncated: str,
        recount: Callable[[np.ndarray | None], np.ndarray],
        positions: np.ndarray | None = None,
    ) -> None:
        self.truncated = truncated
        self.recount = recount
        positions = ballots.positions() if positions is None else positions
        c = self.n = ballots.n_candidates
        finite = np.isfinite(positions)
        voting = finite.any(axis=1)
        w = ballots.weights[voting]
        self.rows = int(voting.sum())
        # whole weights and sums of half-points below 2**53: every sum is exact in any order
        self.exact = bool(
            np.all(w == np.floor(w)) and np.all(w >= 0) and float(w.sum()) * 2 * max(c, 1) < 2.0**53
        )
        self.updates = 0  # candidates taken out by update, and ballot marks read doing so
        self.marks_read = 0
        self.recounts = 0
        # S[:, e] by e, kept only while exploring tie orders (at most C columns of C)
        self.columns: dict[int, np.ndarray] | None = None
        # candidates no ballot ranks (known only where the sums are exact; see _baldwin_all)
        self.never_ranked: np.ndarray | None = None
        if not self.exact:
            return
        rows, cands = np.nonzero(finite[voting])
        self._w = w
        self._row_ptr = np.searchsorted(rows, np.arange(self.rows + 1))
        self._cand = cands
        self._pos = positions[voting][rows, cands]
        self._by_cand = np.argsort(cands, kind="stable")
        self._cand_ptr = np.searchsorted(cands[self._by_cand], np.arange(c + 1))
        self._mark_row = rows
        self._ranked = np.bincount(cands, weights=w[rows], minlength=c)
        self._voting = float(w.sum())
        self.never_ranked = self._ranked == 0
        # marks read to update for one candidate: those of every ballot ranking it
        row_len = np.diff(self._row_ptr)
        self._cost = np.bincount(cands, weights=row_len[rows], minlength=c)

    def first(self) -> np.ndarray:
        """(C,) scores among every candidate, from the marks alone when the sums are exact."""
        if not self.exact:
            return self.recount(None)
        # in each ballot's marks sorted by place: the marks above a mark, and those level with it
        order = np.lexsort((self._pos, self._mark_row))
        row, place = self._mark_row[order], self._pos[order]
        index = np.arange(row.size)
        new = np.ones(row.size, dtype=bool)
        new[1:] = (row[1:] != row[:-1]) | (place[1:] != place[:-1])
        start = np.maximum.accumulate(np.where(new, index, 0))
        end = np.ones(row.size, dtype=bool)
        end[:-1] = new[1:]
        stop = np.minimum.accumulate(np.where(end, index, row.size)[::-1])[::-1]
        above, level = start - self._row_ptr[row], stop - start + 1
        weight = self._w[row]
        points = weight * ((self.n - 1) - above - (level - 1) / 2.0)
        # (float even when no ballot marks anyone: bincount of nothing is integer)
        scores = np.bincount(self._cand[order], weights=points, minlength=self.n).astype(np.float64)
        if self.truncated == "average":
            # a ballot's unranked candidates share its last places: (unranked - 1) / 2 points each
            share = self._w * ((self.n - np.diff(self._row_ptr)) - 1) / 2.0
            taken = np.bincount(self._cand, weights=share[self._mark_row], minlength=self.n)
            scores += float(share.sum()) - taken
        return scores

    def without(self, scores: np.ndarray, mask: np.ndarray, out: list[int]) -> np.ndarray:
        """Scores among ``mask`` (the candidates left) from ``scores``, those before ``out`` left.

        Candidates outside ``mask`` get NaN, as :func:`borda_scores` gives them.
        """
        cost = float(self._cost[out].sum()) + len(out) * mask.size if self.exact else np.inf
        if cost > self.rows * max(int(mask.sum()), 1):
            self.recounts += 1
            return self.recount(mask)
        new = scores.copy()
        for e in out:
            new -= self._column(e) / 2.0
        new[~mask] = np.nan
        self.updates += len(out)
        self.marks_read += int(self._cost[out].sum())
        return new

    def _column(self, e: int) -> np.ndarray:
        """(C,) twice S[:, e]: the half-points each candidate scores against ``e``."""
        if self.columns is None:
            return self._count_column(e)
        if e not in self.columns:
            self.columns[e] = self._count_column(e)
        return self.columns[e]

    def _count_column(self, e: int) -> np.ndarray:
        marks = self._by_cand[self._cand_ptr[e] : self._cand_ptr[e + 1]]
        rows = self._mark_row[marks]
        starts = self._row_ptr[rows]
        lengths = self._row_ptr[rows + 1] - starts
        # every mark of every ballot that ranks e, with that ballot's weight and e's place
        flat = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(int(lengths.sum()))
        weight = np.repeat(self._w[rows], lengths)
        place_e = np.repeat(self._pos[marks], lengths)
        place = self._pos[flat]
        who = self._cand[flat]
        c = self.n
        above = np.bincount(who, weights=weight * (2.0 * (place < place_e) + (place == place_e)), minlength=c)
        with_e = np.bincount(who, weights=weight, minlength=c)
        # on ballots not ranking e, a ranked candidate is above it
        without_e = self._ranked - with_e
        column: np.ndarray = above + 2.0 * without_e
        if self.truncated == "average":
            # ... and an unranked one is tied with it
            column += (self._voting - float(self._w[rows].sum())) - without_e
        return column


def borda_losers(scores: np.ndarray, mask: np.ndarray, nanson: str | None) -> list[int]:
    """Who goes, by the Borda ``scores`` among ``mask``: the lowest (Baldwin) or those below
    the mean (Nanson ``strict``; ``at_or_below`` takes the mean too)."""
    live = np.flatnonzero(mask)
    values = scores[live]
    if nanson is None:
        going = np.abs(values - values.min()) <= 1e-9
    elif nanson == "strict":
        going = values < values.mean() - 1e-9
    else:
        going = values <= values.mean() + 1e-9
    out: list[int] = live[going].tolist()
    return out


def baldwin_all(mask: np.ndarray, scores: np.ndarray, rounds: BordaRounds) -> frozenset[int]:
    """Baldwin's winners over every way of breaking the ties for the lowest score.

    A depth-first walk over the sets of candidates that orders of elimination reach, each
    set counted once; the winners are the last candidates of every walk. Candidates no
    ballot ranks all score the same and below everyone ranked (under either reading), so
    they leave first in whatever order: the walk takes them out together. Past
    :data:`tally.limits.TIE_SEARCH_STATES` sets tried the count is refused.
    """
    cap = limits.TIE_SEARCH_STATES
    unranked = rounds.never_ranked
    rounds.columns = {}  # a candidate's column serves every set it leaves
    seen: set[bytes] = set()
    found: set[int] = set()
    # (candidates left, their scores, who goes next: one branch each, or all together)
    stack: list[tuple[np.ndarray, np.ndarray, list[list[int]]]] = [(mask, scores, [[]])]
    tried = 0
    while stack:
        parent, before, branches = stack[-1]
        out = branches.pop()
        if not branches:
            stack.pop()
        here = parent
        if out:
            tried += 1
            if tried > cap:
                raise RuleError(
                    f"baldwin: the ties for elimination leave more than {cap:,} sets of candidates to "
                    "explore under tiebreak 'all'; count with tiebreak 'order', 'random' or 'previous_round'"
                )
            here = parent.copy()
            here[out] = False
            key = np.packbits(here).tobytes()
            if key in seen:
                continue
            seen.add(key)
        live = np.flatnonzero(here)
        if live.size == 1:
            found.add(int(live[0]))
            continue
        now = rounds.without(before, here, out) if out else before
        losers = borda_losers(now, here, None)
        if unranked is not None and unranked[losers].all():
            if unranked[live].all():  # nobody is ranked: any of them can be the last
                found.update(live.tolist())
                continue
            stack.append((here, now, [np.flatnonzero(here & unranked).tolist()]))
            continue
        stack.append((here, now, [[c] for c in reversed(losers)]))
    return frozenset(found)
