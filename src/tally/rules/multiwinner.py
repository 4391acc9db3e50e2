"""Candidate rules that fill several seats without transfers, and sequential IRV.

SNTV, block vote, limited vote and cumulative vote count each ballot once and elect the
``seats`` candidates with the most votes; sequential IRV repeats an instant-runoff count,
leaving out the candidates already elected.

How marks are read on ranked ballots (all four one-shot rules): ranks are read from the
top; a skipped rank is passed over; a candidate marked again is passed over; an overvote
(several candidates at one rank) ends the reading there, the marks above it still count.
A ballot with no countable mark is an ``undervote`` if blank and an ``overvote``
otherwise. Ties for the last seat follow ``tiebreak`` (default ``"all"``: every tied
candidate is reported and the outcome is marked tied).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ballots import SKIPPED, RankedBallots
from ..count.eliminate import Elimination
from ..count.record import Recorder
from ..count.walk import Walk
from ..errors import ConfigError, RuleError
from ..options import Reading
from ..outcome import Outcome, Tie
from ..ties import TieBreaker, check_tiebreak
from . import rule
from ._common import check_seats, one_shot

__all__ = ["block", "cumulative", "leading_marks", "limited", "sequential_irv", "sntv", "top_seats"]


def _check_seats(seats: Any, candidates: int) -> int:
    return check_seats(seats, candidates)


def leading_marks(ballots: RankedBallots, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's first ``k`` countable marks (see the module docstring).

    Returns (marks, overvoted): marks is (rows, k) candidate indices, -1 where the row has
    fewer marks; overvoted flags rows whose reading stopped at an overvote.
    """
    choices = ballots.choices
    rows, ranks = choices.shape
    marks = np.full((rows, k), -1, dtype=np.int64)
    length = np.zeros(rows, dtype=np.int64)
    stopped = np.zeros(rows, dtype=bool)
    seen = np.zeros((rows, ballots.n_candidates), dtype=bool)
    everyone = np.arange(rows)
    for r in range(ranks):
        col = choices[:, r].astype(np.int64)
        stopped |= (col < SKIPPED) & (length < k)
        take = (col >= 0) & ~stopped & (length < k)
        take[take] = ~seen[everyone[take], col[take]]
        seen[everyone[take], col[take]] = True
        marks[everyone[take], length[take]] = col[take]
        length[take] += 1
    return marks, stopped


def top_seats(
    scores: np.ndarray, seats: int, breaker: TieBreaker, *, round: int = 1
) -> tuple[list[int], bool]:
    """The ``seats`` highest scorers, best first; ties for the last seat per ``breaker``.

    Returns (chosen, tie left standing). With mode ``all`` every candidate tied for the
    last seat is chosen and the tie recorded.
    """
    order = sorted(range(len(scores)), key=lambda c: (-scores[c], c))
    if seats >= len(order):
        return order, False
    cut = scores[order[seats - 1]]
    sure = [c for c in order if scores[c] > cut]
    tied = [c for c in order if scores[c] == cut]
    need = seats - len(sure)
    if len(tied) == need:
        return sure + tied, False
    if breaker.mode == "all":
        names = tuple(breaker.candidates[c] for c in tied)
        breaker.record(
            Tie(
                round=round,
                purpose="elect",
                tied=names,
                mode="all",
                chosen=names,
                detail=f"{len(tied)} candidates tied for {need} seat(s); all reported",
            )
        )
        return sure + tied, True
    pool, chosen = list(tied), []
    for _ in range(need):
        pick = breaker.pick(pool, purpose="elect", round=round, lowest=False)
        chosen.append(pick)
        pool.remove(pick)
    return sure + chosen, False


def _votes_each(ballots: Any, votes: int) -> tuple[np.ndarray, float, dict[str, float]]:
    """Votes per candidate when each ballot gives up to ``votes`` votes (tallies: as counted)."""
    if ballots.kind == "tallies":
        return _tally_votes(ballots)
    if ballots.kind == "approval":
        return _approval_votes(ballots, votes)
    return _count_marks(ballots, votes)


def _one_round(
    ballots: Any,
    scores: np.ndarray,
    seats: int,
    breaker: TieBreaker,
    *,
    continuing: float,
    inactive: dict[str, float],
    note: str,
    details: dict[str, Any] | None = None,
) -> Outcome:
    return one_shot(
        ballots,
        scores,
        breaker,
        continuing=continuing,
        inactive=inactive,
        note=note,
        details=details,
        choose=lambda values, b: top_seats(values, seats, b),
    )


def _count_marks(
    ballots: RankedBallots, k: int, share: bool = False
) -> tuple[np.ndarray, float, dict[str, float]]:
    """Votes from each ballot's first ``k`` marks: one each, or (``share``) k votes split equally."""
    marks, _ = leading_marks(ballots, k)
    n = (marks >= 0).sum(axis=1)
    counted = n > 0
    w = ballots.weights
    per_mark = np.where(counted, (k / np.maximum(n, 1)) if share else 1.0, 0.0) * w
    hit = marks >= 0
    rows = np.nonzero(hit)[0]
    scores = np.bincount(marks[hit], weights=per_mark[rows], minlength=ballots.n_candidates)
    blank = ballots.is_blank()
    inactive = {
        "undervote": float(w[~counted & blank].sum()),
        "overvote": float(w[~counted & ~blank].sum()),
    }
    return scores, float(w[counted].sum()), inactive


def _approval_votes(ballots: Any, limit: int) -> tuple[np.ndarray, float, dict[str, float]]:
    """Approval ballots: one vote per approved candidate; more than ``limit`` spoils the ballot."""
    approved = np.nan_to_num(ballots.scores, nan=0.0) > 0
    n = approved.sum(axis=1)
    w = ballots.weights
    valid = (n > 0) & (n <= limit)
    scores = (approved[valid] * w[valid, None]).sum(axis=0)
    inactive = {"undervote": float(w[n == 0].sum()), "overvote": float(w[n > limit].sum())}
    return scores, float(w[valid].sum()), inactive


def _tally_votes(ballots: Any) -> tuple[np.ndarray, float, dict[str, float]]:
    scores = ballots.totals().astype(np.float64)
    return scores, float(scores.sum()), {}


@rule(
    "sntv",
    aliases=("single_non_transferable_vote",),
    kinds=("ranked", "tallies"),
    family="multiwinner",
    multiwinner=True,
    reference="Lijphart, A., Lopez Pintor, R. & Sone, Y. (1986). The limited vote and the single "
    "nontransferable vote. In Grofman & Lijphart (eds.), Electoral Laws and Their Political "
    "Consequences. Agathon.",
)
def sntv(ballots: Any, *, seats: int = 1, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Single non-transferable vote: one vote each; the ``seats`` candidates with most votes win.

    On ranked ballots the first countable mark is the vote; on tallies the votes of all
    areas are added.

    Parameters
    ----------
    ballots : RankedBallots or Tallies
        Ranked ballots, or votes by area.
    seats : int
        Number of winners (default 1).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's votes; the ``seats`` candidates with
        most votes win (more when a tie for the last seat is left standing).

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A"]] * 4 + [["B", "A"]] * 3 + [["C"]] * 2)
    >>> tally.count(b, "sntv", seats=2).winners
    ('A', 'B')

    References
    ----------
    Lijphart, A., Lopez Pintor, R. & Sone, Y. (1986). The limited vote and the single
    nontransferable vote. In Grofman & Lijphart (eds.), Electoral Laws and Their
    Political Consequences. Agathon.
    """
    seats = _check_seats(seats, len(ballots.candidates))
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    if ballots.kind == "tallies":
        scores, cont, inactive = _tally_votes(ballots)
    else:
        scores, cont, inactive = _count_marks(ballots, 1)
    return _one_round(
        ballots, scores, seats, breaker, continuing=cont, inactive=inactive, note="one vote per ballot"
    )


@rule(
    "block",
    aliases=("block_vote", "at_large_plurality", "plurality_at_large"),
    kinds=("ranked", "approval", "tallies"),
    family="multiwinner",
    multiwinner=True,
    reference="Cox, G. W. (1997). Making Votes Count, ch. 3. Cambridge University Press.",
)
def block(ballots: Any, *, seats: int = 1, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Block vote (at-large plurality): each voter has as many votes as seats, one per candidate.

    Ranked ballots: each of the first ``seats`` countable marks gets one vote (the order
    of the marks does not matter). Approval ballots: every approved candidate gets one
    vote, and a ballot approving more than ``seats`` candidates is an overvote and counts
    for nobody. Tallies: the votes of all areas are added.

    Parameters
    ----------
    ballots : RankedBallots, ScoredBallots or Tallies
        Ranked ballots, approval ballots, or votes by area.
    seats : int
        Number of winners, and of votes per ballot (default 1).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's votes; the ``seats`` candidates with
        most votes win (more when a tie for the last seat is left standing).

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"]] * 3 + [["C", "B"]] * 2)
    >>> tally.count(b, "block", seats=2).winners
    ('B', 'A')

    References
    ----------
    Cox, G. W. (1997). Making Votes Count, ch. 3. Cambridge University Press.
    """
    seats = _check_seats(seats, len(ballots.candidates))
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    scores, cont, inactive = _votes_each(ballots, seats)
    return _one_round(
        ballots,
        scores,
        seats,
        breaker,
        continuing=cont,
        inactive=inactive,
        note=f"up to {seats} votes per ballot",
    )


@rule(
    "limited",
    aliases=("limited_vote",),
    kinds=("ranked", "approval", "tallies"),
    family="multiwinner",
    multiwinner=True,
    reference="Lijphart, A., Lopez Pintor, R. & Sone, Y. (1986). The limited vote and the single "
    "nontransferable vote. In Grofman & Lijphart (eds.), Electoral Laws and Their Political "
    "Consequences. Agathon.",
)
def limited(
    ballots: Any, *, seats: int = 2, votes: int = 1, tiebreak: str = "all", seed: int | None = None
) -> Outcome:
    """Limited vote: each voter has ``votes`` votes, fewer than the seats; most votes win.

    As :func:`block` with ``votes`` in place of ``seats`` for what a ballot may give.

    Parameters
    ----------
    ballots : RankedBallots, ScoredBallots or Tallies
        Ranked ballots, approval ballots, or votes by area.
    seats : int
        Number of winners (default 2).
    votes : int
        Votes per ballot, at least 1 and less than ``seats`` (default 1).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's votes; the ``seats`` candidates with
        most votes win (more when a tie for the last seat is left standing).

    Raises
    ------
    ConfigError
        When ``votes`` is not at least 1 and less than ``seats``.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"]] * 3 + [["C", "B"]] * 2)
    >>> tally.count(b, "limited", seats=2, votes=1).winners
    ('A', 'C')

    References
    ----------
    Lijphart, A., Lopez Pintor, R. & Sone, Y. (1986). The limited vote and the single
    nontransferable vote. In Grofman & Lijphart (eds.), Electoral Laws and Their
    Political Consequences. Agathon.
    """
    seats = _check_seats(seats, len(ballots.candidates))
    if isinstance(votes, bool) or not isinstance(votes, (int, np.integer)) or not 1 <= votes < seats:
        raise ConfigError(
            f"option votes must be a whole number from 1 to seats - 1 ({seats - 1}), not {votes!r}"
        )
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    scores, cont, inactive = _votes_each(ballots, votes)
    return _one_round(
        ballots,
        scores,
        seats,
        breaker,
        continuing=cont,
        inactive=inactive,
        note=f"up to {votes} votes per ballot",
    )


@rule(
    "cumulative",
    aliases=("cumulative_vote",),
    kinds=("score", "ranked"),
    family="multiwinner",
    multiwinner=True,
    reference="Bowler, S., Donovan, T. & Brockington, D. (2003). Electoral Reform and Minority "
    "Representation: Local Experiments with Alternative Elections. Ohio State University Press.",
)
def cumulative(
    ballots: Any,
    *,
    seats: int = 1,
    points: float | None = None,
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Cumulative vote: each voter spreads ``points`` votes (default: seats) over candidates.

    Score ballots: the scores are the points given; a ballot giving more than ``points``
    in total is an overvote and counts for nobody; unscored candidates get nothing.
    Ranked ballots: the candidates of a ballot's first ``points`` countable marks share its
    ``points`` votes equally (one mark takes them all; ``points`` must then be whole).

    Parameters
    ----------
    ballots : ScoredBallots or RankedBallots
        Points given (scores), or the marks that share a ballot's points (ranks).
    seats : int
        Number of winners (default 1).
    points : float, optional
        Votes per ballot (default: ``seats``).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's points; the ``seats`` candidates with
        most points win. ``details["points"]`` is the points per ballot.

    Raises
    ------
    ConfigError
        For ``points`` not positive, or not whole on ranked ballots.
    RuleError
        For a negative score.

    Examples
    --------
    >>> import tally
    >>> b = tally.ScoredBallots.from_matrix(["A", "B", "C"], [[2, 0, 0], [0, 1, 1], [0, 1, 1]], kind="score", max_score=2)
    >>> tally.count(b, "cumulative", seats=2).winners
    ('A', 'B', 'C')

    References
    ----------
    Bowler, S., Donovan, T. & Brockington, D. (2003). Electoral Reform and Minority
    Representation: Local Experiments with Alternative Elections. Ohio State University
    Press.
    """
    seats = _check_seats(seats, len(ballots.candidates))
    total = seats if points is None else points
    if isinstance(total, bool) or not isinstance(total, (int, float, np.integer, np.floating)) or total <= 0:
        raise ConfigError(f"option points must be a positive number, not {points!r}")
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    if ballots.kind == "ranked":
        if float(total) != int(total):
            raise ConfigError(f"option points must be a whole number on ranked ballots, not {points!r}")
        scores, cont, inactive = _count_marks(ballots, int(total), share=True)
    else:
        given = np.nan_to_num(ballots.scores, nan=0.0)
        if (given < 0).any():
            row, col = (int(i) for i in np.argwhere(given < 0)[0])
            raise RuleError(
                f"cumulative vote gives points, never fewer than 0; a ballot gives "
                f"{ballots.candidates[col]} {given[row, col]:g}"
            )
        used = given.sum(axis=1)
        w = ballots.weights
        over = used > total + 1e-9
        valid = (used > 0) & ~over
        scores = (given[valid] * w[valid, None]).sum(axis=0)
        cont = float(w[valid].sum())
        inactive = {"undervote": float(w[used <= 0].sum()), "overvote": float(w[over].sum())}
    return _one_round(
        ballots,
        scores,
        seats,
        breaker,
        continuing=cont,
        inactive=inactive,
        note=f"{total:g} points per ballot",
        details={"points": float(total)},
    )


@rule(
    "sequential_irv",
    aliases=("bloc_irv", "multi_pass_irv", "sequential_rcv"),
    family="multiwinner",
    multiwinner=True,
    sequential=True,
    reference="RCTab (BrightSpots/rcv) configuration guide, winner election mode "
    "'Multi-winner sequential winner takes all' (multiPassIrv).",
)
def sequential_irv(
    ballots: RankedBallots,
    *,
    seats: int = 1,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
) -> Outcome:
    """Sequential IRV (bloc IRV, RCTab's multi-pass IRV): one IRV count per seat.

    Each pass is the same count as :func:`~tally.rules.runoff.irv` (the floor's
    elimination loop, :mod:`tally.count.eliminate`) over all ballots with the candidates
    already elected left out: the candidate with most votes wins the pass once they hold
    more than half the votes still counting (or lead the last two); otherwise the
    candidate with fewest votes is eliminated and their ballots move on. Marks are read
    as in the ballot walk (:mod:`tally.count.walk`).

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    seats : int
        Number of passes, one winner each (default 1).
    tiebreak : str
        ``"previous_round"`` (default: earlier rounds of the pass, then a seeded draw),
        ``"order"`` or ``"random"``.
    seed : int, optional
        Seed of the random tie-break.
    overvote : str
        An overvote ends the ballot's preferences (``"exhaust"``, default) or is passed
        over (``"skip"``); the vocabulary every ranked rule shares (:mod:`tally.options`).
    max_skipped : int, optional
        Blank ranks passed over before a mark (``None``, default: any number; ``0`` ends a
        ballot at a blank rank followed by a mark).
    repeated : str
        A candidate marked again is passed over (``"skip"``, default) or ends the ballot
        (``"exhaust"``).

    Returns
    -------
    Outcome
        Rounds numbered across passes, each round's note naming its pass and its
        transfers those of the candidate it eliminates, as in :func:`irv`;
        ``details["passes"]`` describes each pass.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"]] * 5 + [["B"]] * 3 + [["C", "B"]] * 2)
    >>> tally.count(b, "sequential_irv", seats=2).winners
    ('A', 'B')

    References
    ----------
    RCTab (BrightSpots/rcv) configuration guide, winner election mode "Multi-winner
    sequential winner takes all" (multiPassIrv).
    """
    seats = _check_seats(seats, ballots.n_candidates)
    check_tiebreak(tiebreak)
    if tiebreak == "all":
        raise ConfigError(
            "sequential_irv breaks each tie as it meets it; tiebreak 'all' is not available "
            "(use previous_round, order or random)"
        )
    reading = Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated)
    names = ballots.candidates
    breaker = TieBreaker(tiebreak, names, seed=seed)
    recorder = Recorder(names, ballots.total)
    winners: list[int] = []
    passes: list[dict[str, Any]] = []
    for n in range(1, seats + 1):
        walk = Walk(ballots, reading, excluded=frozenset(winners))
        first = len(recorder.rounds) + 1
        recorder.begin_count()
        count = Elimination(ballots, breaker, recorder, memo_ok=False, note=f"pass {n}")
        (won,) = count.run(walk, first_round=first)
        winners.append(int(won))
        passes.append({"pass": n, "winner": names[won], "rounds": [first, len(recorder.rounds)]})
        if len(winners) == ballots.n_candidates:
            break
    return recorder.outcome(
        winners=tuple(names[c] for c in winners), ties=breaker.ties, details={"passes": passes}
    )
