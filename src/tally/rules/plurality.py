"""Plurality: the candidate with the most first choices (or votes) wins."""

from __future__ import annotations

import numpy as np

from ..ballots import SKIPPED, RankedBallots, RankedProfiles, Tallies
from ..outcome import BatchOutcome, Outcome
from ..ties import TieBreaker
from . import rule
from ._batch import plurality_kernel, run_batch
from ._common import one_shot

__all__ = ["first_marks", "plurality", "plurality_batch"]


def first_marks(ballots: RankedBallots) -> np.ndarray:
    """Each row's first mark that is not a skipped rank (SKIPPED when the row is blank)."""
    choices = ballots.choices
    if choices.shape[1] == 0:
        return np.full(choices.shape[0], SKIPPED, dtype=choices.dtype)
    marked = choices != SKIPPED
    first = np.argmax(marked, axis=1)
    marks = choices[np.arange(choices.shape[0]), first]
    return np.where(marked.any(axis=1), marks, SKIPPED)


def plurality_batch(
    profiles: RankedProfiles, *, tiebreak: str = "all", seed: int | None = None
) -> BatchOutcome:
    """Plurality on many elections at once: the batch path registered with :func:`plurality`."""
    return run_batch(
        profiles,
        plurality_kernel,
        plurality,
        {"tiebreak": tiebreak, "seed": seed},
        ties_standing=tiebreak == "all",
    )


@rule(
    "plurality",
    aliases=("fptp", "first_past_the_post"),
    kinds=("ranked", "tallies"),
    batch=plurality_batch,
    family="plurality",
    reference="Cox, G. W. (1997). Making Votes Count. Cambridge University Press.",
)
def plurality(ballots: RankedBallots | Tallies, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """The candidate with the most votes wins; a majority is not needed.

    On ranked ballots each ballot counts for its first marked candidate (a skipped first
    rank passes to the next rank); a ballot whose first mark is an overvote or a tie
    counts for nobody and is reported as an overvote. On tallies the votes of all areas
    are added. On :class:`~tally.ballots.RankedProfiles` every election is counted at once.

    Parameters
    ----------
    ballots : RankedBallots or Tallies
        Ranked ballots, or votes by area.
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's first choices (or summed votes).

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B"], [["A"], ["B"], ["B", "A"]])
    >>> tally.count(b, "plurality").winners
    ('B',)

    References
    ----------
    Cox, G. W. (1997). Making Votes Count. Cambridge University Press.
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    if isinstance(ballots, Tallies):
        scores = ballots.totals()
        inactive: dict[str, float] = {}
        continuing = float(scores.sum())
        return one_shot(
            ballots,
            scores,
            breaker,
            continuing=continuing,
            inactive=inactive,
            note="votes summed over all areas",
        )
    marks = first_marks(ballots)
    valid = marks >= 0
    scores = np.bincount(marks[valid], weights=ballots.weights[valid], minlength=ballots.n_candidates)
    inactive = {
        "undervote": float(ballots.weights[marks == SKIPPED].sum()),
        "overvote": float(ballots.weights[marks < SKIPPED].sum()),
    }
    return one_shot(
        ballots, scores, breaker, continuing=float(scores.sum()), inactive=inactive, note="first choices"
    )
