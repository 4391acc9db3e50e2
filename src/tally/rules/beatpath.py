"""Beatpath rules: Schulze and Split Cycle, decided by the strongest chains of head-to-head wins.

Both read the pairwise margins (:mod:`tally.rules._pairwise`) and compare candidates
by widest paths (:func:`~tally.rules._pairwise.strongest_paths`): Schulze by the
strongest path each way, Split Cycle by whether a win is the weakest link of a cycle.
"""

from __future__ import annotations

import numpy as np

from ..ballots import RankedBallots
from ..errors import ConfigError
from ..outcome import Outcome
from ..ties import TieBreaker
from . import rule
from ._pairwise import pairwise_margins, pairwise_outcome, strongest_paths, support_and_margins

__all__ = ["schulze", "split_cycle"]


_REFERENCE_SCHULZE = (
    "Schulze, M. (2011). A new monotonic, clone-independent, reversal symmetric, and "
    "Condorcet-consistent single-winner election method. Social Choice and Welfare 36, 267-303. "
    "https://doi.org/10.1007/s00355-010-0475-4"
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

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed; unranked candidates are below ranked ones).
    strength : str
        A link's strength: ``"margins"`` (default) or ``"winning_votes"``.
    tiebreak : str
        ``"all"`` (default: a tie among winners is left standing, every tied candidate
        reported and the outcome marked tied), ``"order"``, ``"random"`` (with ``seed``)
        or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is the number of candidates each beats by strongest paths;
        ``details["strongest_paths"]`` holds the paths.

    Raises
    ------
    ConfigError
        For an unknown strength or tie-break mode.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "schulze").winners
    ('A',)

    References
    ----------
    Schulze (2011), Social Choice and Welfare 36: 267-303.
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    support, margins = support_and_margins(ballots)
    paths = strongest_paths(_strength(strength, support, margins))
    beats = paths > paths.T
    undefeated = np.flatnonzero(~beats.any(axis=0))
    names = ballots.candidates
    details = {
        "strongest_paths": {
            a: {b: float(paths[i, j]) for j, b in enumerate(names)} for i, a in enumerate(names)
        }
    }
    return pairwise_outcome(
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
        One round whose tally is the number of candidates each defeats.

    Raises
    ------
    ConfigError
        For an unknown tie-break mode.

    Examples
    --------
    >>> import tally
    >>> cycle = [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2
    >>> tally.count(tally.RankedBallots.from_rankings(["A", "B", "C"], cycle), "split_cycle").winners
    ('A',)

    References
    ----------
    Holliday & Pacuit (2023), Public Choice 197: 1-62.
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    margins = pairwise_margins(ballots)
    wins = np.where(margins > 0, margins, 0.0)
    paths = strongest_paths(wins)
    # defeat[a, b]: a's margin over b beats the strongest path back from b to a
    defeat = (margins > 0) & (margins > paths.T)
    undefeated = np.flatnonzero(~defeat.any(axis=0))
    return pairwise_outcome(
        ballots,
        margins,
        undefeated.tolist(),
        defeat.sum(axis=1).astype(float),
        breaker,
        note="candidates defeated (wins that are not the weakest link of a cycle)",
    )
