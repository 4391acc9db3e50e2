"""Instant-runoff voting and its kin: IRV (RCV), the top-two runoff and Coombs.

All three read ranked ballots with the same :class:`~tally.count.walk.Walk`, so a skipped
rank, an overvote or a repeated candidate means the same thing in each, and every round
accounts for every ballot: continuing + inactive by reason = ballots read.

Ties. These rules decide one elimination at a time, so their default tie-break is
``previous_round`` (the candidate with fewer votes in the most recent earlier round
where the tied candidates differ is eliminated, then a seeded draw), which is what most
election laws prescribe. ``tiebreak="all"`` explores every way of breaking every tie
("parallel universes", memoised on the set of remaining candidates) and reports the
union of the winners; the rounds are then recorded up to the first tie, and the ties
met in every explored branch are listed. Candidates without a single vote are then
eliminated together, since the order in which they go cannot matter. The sets explored
can grow exponentially with the candidates tied: past
:data:`tally.limits.TIE_SEARCH_STATES` (10,000) sets tried the count is refused with a
:class:`~tally.errors.RuleError` (a Coombs round, which reads every ballot, counts one
set for every 16,384 ballot cells it reads).
"""

from __future__ import annotations

import functools
from itertools import product
from typing import Any

import numpy as np

from ..ballots import RankedBallots, RankedProfiles
from ..count.eliminate import THRESHOLDS, Badness, Elimination, batch_losers, majority
from ..count.record import Recorder, transfer_row
from ..count.walk import Walk
from ..errors import ConfigError
from ..options import Reading
from ..outcome import BatchOutcome, Outcome, Tie
from ..ties import TieBreaker
from . import rule
from ._batch import irv_kernel, run_batch

__all__ = ["batch_losers", "coombs", "irv", "irv_batch", "runoff"]


def _walk(ballots: RankedBallots, overvote: str, max_skipped: int | None, repeated: str) -> Walk:
    return Walk(ballots, Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated))


def _memo_ok(overvote: str) -> bool:
    # Under these rules a ballot's reading depends on more than the continuing set's
    # history, so two orders reaching the same continuing set may differ.
    return overvote not in ("exhaust_if_multiple", "single_continuing", "split")


def _check(threshold: str) -> None:
    if threshold not in THRESHOLDS:
        raise ConfigError(f"option threshold: unknown {threshold!r}; choose one of {', '.join(THRESHOLDS)}")


def irv_batch(
    profiles: RankedProfiles,
    *,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
    batch_elimination: bool = False,
    continue_until_two: bool = False,
    threshold: str = "majority",
) -> BatchOutcome:
    """IRV on many elections at once: the batch path registered with :func:`irv`.

    Plain IRV runs in one vectorised kernel over every election; other options, and
    elections the kernel meets a tie in, are counted one by one by :func:`irv`, so each
    row equals what :func:`irv` gives for that election alone.
    """
    _check(threshold)
    Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated)  # refuses bad values
    options = {
        "tiebreak": tiebreak,
        "seed": seed,
        "overvote": overvote,
        "max_skipped": max_skipped,
        "repeated": repeated,
        "batch_elimination": batch_elimination,
        "continue_until_two": continue_until_two,
        "threshold": threshold,
    }
    # the kernel counts plain IRV; other options go through the single path
    plain = (
        max_skipped is None and not batch_elimination and not continue_until_two and threshold == "majority"
    )
    kernel = functools.partial(irv_kernel, tiebreak=tiebreak, seed=seed) if plain else None
    return run_batch(profiles, kernel, irv, options)


@rule(
    "irv",
    aliases=("rcv", "instant_runoff", "alternative_vote", "hare", "ranked_choice"),
    kinds=("ranked",),
    batch=irv_batch,
    family="runoff",
    sequential=True,
    reference="Hare, T. (1859). Treatise on the Election of Representatives; "
    "RCTab (BrightSpots/rcv) for the ballot-reading rules.",
)
def irv(
    ballots: RankedBallots,
    *,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
    batch_elimination: bool = False,
    continue_until_two: bool = False,
    threshold: str = "majority",
) -> Outcome:
    """Instant-runoff voting: eliminate the last-placed candidate until one has a majority.

    Each round every ballot counts for its highest-ranked continuing candidate. A
    candidate with more than half of the continuing ballots wins; otherwise the candidate
    with the fewest votes is eliminated and its ballots move on. When two candidates are
    left, the one ahead wins.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    tiebreak : str
        ``"previous_round"`` (default: the earlier rounds, then a seeded draw), ``"order"``,
        ``"random"`` (with ``seed``) or ``"all"`` (every way of breaking the ties is
        followed and all their winners reported).
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
    batch_elimination : bool
        Eliminate at once every bottom candidate whose combined votes are below the next
        candidate's (RCTab).
    continue_until_two : bool
        Keep eliminating after the winner is found until two remain (the threshold then
        stays fixed).
    threshold : str
        ``"majority"`` (default) of the round's continuing ballots, or ``"first_round"``
        (majority of round-1 continuing ballots, fixed).

    Returns
    -------
    Outcome
        Rounds carrying the tally, eliminations, transfers per eliminated candidate,
        continuing ballots and inactive ballots by reason.

    Raises
    ------
    ConfigError
        For an option value it does not know.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B"]] * 4 + [["B", "C"]] * 3 + [["C", "B"]] * 2)
    >>> o = tally.count(b, "irv")
    >>> o.winners, o.rounds[0].eliminated, dict(o.rounds[1].tally)
    (('B',), ('C',), {'A': 4.0, 'B': 5.0})

    References
    ----------
    Hare, T. (1859). Treatise on the Election of Representatives, Parliamentary and
    Municipal; RCTab (BrightSpots/rcv) for the ballot-reading rules.
    """
    _check(threshold)
    walk = _walk(ballots, overvote, max_skipped, repeated)
    count = Elimination(
        ballots,
        TieBreaker(tiebreak, ballots.candidates, seed=seed),
        Recorder(ballots.candidates, ballots.total),
        threshold=threshold,
        batch=batch_elimination,
        until_two=continue_until_two,
        memo_ok=_memo_ok(overvote),
    )
    return count.outcome(count.run(walk))


@rule(
    "runoff",
    aliases=("top_two", "two_round", "plurality_with_runoff", "contingent_vote"),
    family="runoff",
    sequential=True,
    reference="Plurality with runoff (two-round system), counted from ranked ballots as the "
    "contingent vote; pref_voting's plurality_with_runoff_put for tiebreak='all'.",
)
def runoff(
    ballots: RankedBallots,
    *,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
) -> Outcome:
    """Top-two runoff counted from ranked ballots.

    A candidate with more than half of the first choices wins outright. Otherwise every
    candidate but the two with the most first choices is eliminated at once and each
    ballot counts for whichever of the two it ranks higher (ballots ranking neither are
    exhausted). Ties for the top two places, or in the runoff, go to ``tiebreak``; with
    ``all`` every runoff pairing the ties allow is counted and all their winners reported.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    tiebreak : str
        ``"previous_round"`` (default: the earlier rounds, then a seeded draw), ``"order"``,
        ``"random"`` (with ``seed``) or ``"all"`` (every way of breaking the ties is
        followed and all their winners reported).
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
        Round 1 the first choices (all but the top two eliminated), round 2 the runoff,
        unless a candidate won outright.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C", "D"],
    ...     [["A", "D"]] * 4 + [["B", "D"]] * 3 + [["C", "B"]] * 2 + [["D", "C"]] * 2)
    >>> tally.count(b, "runoff").winners
    ('B',)

    References
    ----------
    Plurality with runoff (the two-round system), counted from ranked ballots as the
    contingent vote; pref_voting's ``plurality_with_runoff_put`` for ``tiebreak="all"``.
    """
    names = ballots.candidates
    walk = _walk(ballots, overvote, max_skipped, repeated)
    breaker = TieBreaker(tiebreak, names, seed=seed)
    recorder = Recorder(names, ballots.total)
    votes = walk.tally()
    cands = np.flatnonzero(walk.continuing)
    active = float(votes[cands].sum())
    base: dict[str, Any] = {
        "tally": {names[c]: float(votes[c]) for c in cands},
        "continuing": active,
        "inactive": walk.inactive(),
        "threshold": majority(active)[0],
        "exhausted_by_ranking": walk.exhausted_by_ranking(),
    }

    def finish(winners: list[int], order: list[str], tied: bool) -> Outcome:
        return recorder.outcome(
            winners=tuple(names[c] for c in sorted(winners)),
            ties=breaker.ties,
            details={"elimination_order": order},
            tied=tied,
        )

    top = cands[np.argmax(votes[cands])] if cands.size else None
    if cands.size <= 1 or votes[top] > majority(active)[1]:
        win = [] if top is None else [int(top)]
        recorder.add(**base, elected=tuple(names[c] for c in win))
        return finish(win, [], False)

    pairs = _top_two(votes, cands, breaker)
    if len(pairs) > 1:
        # parallel universes: every runoff the tie allows
        found: set[int] = set()
        for pair in pairs:
            found |= set(_runoff_winners(walk.copy(), pair, breaker, votes, None))
        recorder.add(**base, note="tie for the runoff places; every pairing counted")
        return finish(sorted(found), [], len(found) > 1)
    pair = pairs[0]
    losers = [int(c) for c in cands if c not in pair]
    nxt = np.zeros_like(walk.continuing)
    nxt[list(pair)] = True
    walk.advance(nxt)
    recorder.add(
        **base,
        eliminated=tuple(names[c] for c in losers),
        transfers={names[k]: transfer_row(v, names) for k, v in walk.flows().items()},
        note="all but the top two eliminated",
    )
    winners = _runoff_winners(walk, pair, breaker, votes, recorder)
    return finish(winners, [names[c] for c in losers], len(winners) > 1)


def _top_two(votes: np.ndarray, cands: np.ndarray, breaker: TieBreaker) -> list[tuple[int, int]]:
    """The runoff pair(s): one when the breaker settles ties, every possible one for ``all``."""
    values = votes[cands]
    best = values.max()
    first = [int(c) for c in cands if votes[c] == best]
    if len(first) >= 2:
        if breaker.mode == "all":
            if len(first) > 2:
                _record_all(breaker, first)
            return [(a, b) for a, b in product(first, first) if a < b]
        a = breaker.pick(first, purpose="runoff place", round=1, lowest=False)
        b = breaker.pick([c for c in first if c != a], purpose="runoff place", round=1, lowest=False)
        return [_pair(a, b)]
    rest = [int(c) for c in cands if c != first[0]]
    second_best = max(votes[c] for c in rest)
    second = [c for c in rest if votes[c] == second_best]
    if len(second) == 1 or breaker.mode != "all":
        b = breaker.pick(second, purpose="runoff place", round=1, lowest=False)
        return [_pair(first[0], b)]
    _record_all(breaker, second)
    return [_pair(first[0], b) for b in second]


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _record_all(breaker: TieBreaker, tied: list[int]) -> None:
    """Record a tie for the runoff places that mode ``all`` leaves standing."""
    names = tuple(breaker.candidates[c] for c in tied)
    breaker.record(
        Tie(
            round=1,
            purpose="runoff place",
            tied=names,
            mode="all",
            chosen=names,
            detail="tie for the runoff places; every pairing counted",
        )
    )


def _runoff_winners(
    walk: Walk,
    pair: tuple[int, int],
    breaker: TieBreaker,
    first_votes: np.ndarray,
    recorder: Recorder | None,
) -> list[int]:
    """The runoff between ``pair``; recorded as round 2 when a recorder is given."""
    names = breaker.candidates
    nxt = np.zeros_like(walk.continuing)
    nxt[list(pair)] = True
    walk.advance(nxt)
    votes = walk.tally()
    active = float(votes[list(pair)].sum())
    a, b = pair
    if votes[a] != votes[b]:
        winners = [a if votes[a] > votes[b] else b]
    elif breaker.mode == "all":
        winners = [a, b]
        if recorder is not None:
            tied = (names[a], names[b])
            breaker.record(
                Tie(
                    round=2,
                    purpose="winner",
                    tied=tied,
                    mode="all",
                    chosen=tied,
                    detail="runoff tied; both reported",
                )
            )
    else:
        winners = [breaker.pick([a, b], purpose="winner", round=2, history=(first_votes,), lowest=False)]
    if recorder is not None:
        recorder.add(
            tally={names[c]: float(votes[c]) for c in sorted(pair)},
            elected=tuple(names[c] for c in winners),
            continuing=active,
            inactive=walk.inactive(),
            threshold=majority(active)[0],
            exhausted_by_ranking=walk.exhausted_by_ranking(),
            note="runoff",
        )
    return winners


def _most_last_places(positions: np.ndarray) -> Badness:
    """Scores for Coombs: each continuing ballot's last-place mark among continuing candidates.

    A ballot that leaves some continuing candidates unranked gives its last-place mark
    to them, shared equally; candidates tied at the bottom share it too.
    """

    def badness(walk: Walk, votes: np.ndarray) -> np.ndarray:
        cands = np.flatnonzero(walk.continuing)
        active = walk.current >= 0
        pos = positions[np.ix_(active, cands)]
        w = walk.ballots.weights[active]
        finite = np.where(np.isinf(pos), -1.0, pos)
        worst = np.where(np.isinf(pos).any(axis=1), np.inf, finite.max(axis=1))
        bottom = pos == worst[:, None]
        share = bottom / bottom.sum(axis=1, keepdims=True)
        marks = np.zeros(len(walk.continuing))
        marks[cands] = w @ share
        return -marks

    return badness


@rule(
    "coombs",
    family="runoff",
    sequential=True,
    reference="Coombs, C. H. (1964). A Theory of Data. Wiley; Grofman & Feld (2004), "
    "Electoral Studies 23(4):641-659.",
)
def coombs(
    ballots: RankedBallots,
    *,
    tiebreak: str = "previous_round",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
) -> Outcome:
    """Coombs' method: eliminate the candidate ranked last most often until one has a majority.

    Each round, a candidate with more than half of the continuing ballots' first choices
    wins. Otherwise the continuing candidate with the most last-place marks among the
    continuing ballots is eliminated. A ballot that leaves continuing candidates unranked
    counts them as tied last (the mark is shared equally among them), as it does for
    candidates tied at the bottom.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    tiebreak : str
        ``"previous_round"`` (default: the earlier rounds, then a seeded draw), ``"order"``,
        ``"random"`` (with ``seed``) or ``"all"`` (every way of breaking the ties is
        followed and all their winners reported).
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
        One round per elimination, each tally the continuing ballots' first choices;
        ``details["elimination_order"]`` the candidates in the order eliminated.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B", "C"]] * 4 + [["C", "B", "A"]] * 3 + [["B", "C", "A"]] * 2)
    >>> tally.count(b, "coombs").winners
    ('B',)

    References
    ----------
    Coombs, C. H. (1964). A Theory of Data. Wiley.

    Grofman, B. & Feld, S. L. (2004). If you like the alternative vote (a.k.a. the
    instant runoff), then you ought to know about the Coombs rule. Electoral Studies
    23(4), 641-659.
    """
    walk = _walk(ballots, overvote, max_skipped, repeated)
    count = Elimination(
        ballots,
        TieBreaker(tiebreak, ballots.candidates, seed=seed),
        Recorder(ballots.candidates, ballots.total),
        badness=_most_last_places(ballots.positions()),
        memo_ok=_memo_ok(overvote),
    )
    return count.outcome(count.run(walk))
