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
:func:`condorcet_loser`, :func:`smith_set`, :func:`strongest_paths` (in
:mod:`tally.rules._pairwise`). Registered rules: ``condorcet``, ``copeland``, ``llull``
and ``minimax`` here; ``schulze`` and ``split_cycle`` in :mod:`tally.rules.beatpath`;
``ranked_pairs`` in :mod:`tally.rules.ranked_pairs`; ``kemeny_young`` in
:mod:`tally.rules.kemeny`. This module gathers the whole family, so
``from tally.rules.condorcet import schulze`` works as before. Every outcome carries
``details["margins"]`` (margins by name) and ``details["smith_set"]``.
"""

from __future__ import annotations

import numpy as np

from ..ballots import RankedBallots
from ..errors import ConfigError
from ..outcome import Outcome
from ..ties import TieBreaker
from . import rule
from ._pairwise import (
    condorcet_loser,
    condorcet_winner,
    pairwise_margins,
    pairwise_outcome,
    smith_set,
    strongest_paths,
    support_and_margins,
    top_indices,
    winner_index,
)
from .beatpath import schulze, split_cycle
from .kemeny import KEMENY_MAX_CANDIDATES, kemeny_young
from .ranked_pairs import RANKED_PAIRS_MAX_CANDIDATES, ranked_pairs

__all__ = [
    "KEMENY_MAX_CANDIDATES",
    "RANKED_PAIRS_MAX_CANDIDATES",
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
        One round whose tally is each candidate's head-to-head wins; no winner (and a
        warning) without a Condorcet winner. ``details`` holds the margins and the Smith set.

    Raises
    ------
    ConfigError
        For an unknown tie-break mode.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B", "A"], ["C", "A"]])
    >>> tally.count(b, "condorcet").winners
    ('A',)

    References
    ----------
    Condorcet (1785), Essai sur l'application de l'analyse à la probabilité des décisions
    rendues à la pluralité des voix.
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    margins = pairwise_margins(ballots)
    wins = (margins > 0).sum(axis=1).astype(float)
    winner = winner_index(margins)
    if winner is None:
        return pairwise_outcome(
            ballots,
            margins,
            [],
            wins,
            breaker,
            note="head-to-head wins",
            warnings=("no Condorcet winner: no candidate beats every other head to head",),
        )
    return pairwise_outcome(ballots, margins, [winner], wins, breaker, note="head-to-head wins")


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

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed; unranked candidates are below ranked ones).
    tie_score : float
        Points for a head-to-head tie (0.5, Copeland's rule; 1, Llull's; 0, wins only).
    tiebreak : str
        ``"all"`` (default: a tie among winners is left standing, every tied candidate
        reported and the outcome marked tied), ``"order"``, ``"random"`` (with ``seed``)
        or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is the points; ``details`` holds the margins and the Smith set.

    Raises
    ------
    ConfigError
        For an unknown tie-break mode.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"], ["B", "C", "A"]])
    >>> o = tally.count(b, "copeland"); o.winners, o.scores["B"]
    (('B',), 1.5)

    References
    ----------
    Copeland (1951), A 'reasonable' social welfare function, University of Michigan seminar.
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
    return pairwise_outcome(
        ballots,
        margins,
        top_indices(points),
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

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed; unranked candidates are below ranked ones).
    measure : str
        How a defeat is sized: ``"margins"`` (default), ``"winning_votes"`` or
        ``"pairwise_opposition"``.
    tiebreak : str
        ``"all"`` (default: a tie among winners is left standing, every tied candidate
        reported and the outcome marked tied), ``"order"``, ``"random"`` (with ``seed``)
        or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's worst defeat (smallest wins).

    Raises
    ------
    ConfigError
        For an unknown measure or tie-break mode.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "minimax").winners
    ('A',)

    References
    ----------
    Simpson (1969), Quarterly Journal of Economics 83(3): 478-490; Kramer (1977), Journal
    of Economic Theory 16(2): 310-334.
    """
    if measure not in _MINIMAX_MEASURES:
        raise ConfigError(f"minimax measure must be one of {', '.join(_MINIMAX_MEASURES)}, not {measure!r}")
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    support, margins = support_and_margins(ballots)
    c = ballots.n_candidates
    if measure == "margins":
        against = np.where(margins > 0, margins, 0.0).T  # against[i, j]: j's win over i
    elif measure == "winning_votes":
        against = np.where(margins > 0, support, 0.0).T
    else:
        against = support.T.copy()
        np.fill_diagonal(against, 0.0)
    worst = against.max(axis=1) if c else np.zeros(0)
    return pairwise_outcome(
        ballots,
        margins,
        top_indices(worst, highest=False),
        worst,
        breaker,
        note=f"worst head-to-head defeat ({measure}); smallest wins",
    )
