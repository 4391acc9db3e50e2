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
eliminated together, since the order in which they go cannot matter.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product

import numpy as np

from ..ballots import RankedBallots
from ..errors import ConfigError
from ..outcome import Outcome, Round, Tie
from ..count.walk import Walk
from ..options import Reading
from ..ties import TieBreaker
from . import rule
from ._batch import irv_kernel, run_batch
from ._common import best

__all__ = ["batch_losers", "coombs", "irv", "runoff"]

THRESHOLDS = ("majority", "first_round")


def _walk(ballots: RankedBallots, overvote: str, max_skipped: int | None, repeated: str) -> Walk:
    return Walk(ballots, Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated))


def _majority(active: float) -> tuple[float, float]:
    """(threshold to report, half): a candidate wins with more than ``half`` the votes.

    With whole-number totals the reported threshold is floor(active / 2) + 1, as
    certified tabulators print it; the test is the same.
    """
    half = active / 2.0
    if float(active).is_integer():
        return float(math.floor(half) + 1), half
    return half, half


def batch_losers(votes: np.ndarray, among: np.ndarray, *, keep: int = 1) -> list[int]:
    """Candidates that cannot catch up: RCTab's batch elimination.

    Going up from the lowest tally, every candidate seen so far is eliminated whenever
    their combined votes are below the next tally up. Returns the candidates (lowest
    first) when that removes more than one, else an empty list (RCTab then eliminates
    the single lowest candidate the regular way, with tie-breaking). If the batch would
    leave fewer than ``keep`` candidates, the batch found one step earlier is used
    instead, as RCTab does when counting on until two candidates remain.
    """
    order = sorted(among.tolist(), key=lambda c: (votes[c], c))
    values = sorted({float(votes[c]) for c in order})
    running, seen, out, before = 0.0, [], [], []
    for value in values:
        if running < value and len(seen) > len(out):
            before, out = out, list(seen)
        group = [c for c in order if votes[c] == value]
        running += value * len(group)
        seen.extend(group)
    if len(order) - len(out) < keep:
        out = before
    return out if len(out) > 1 else []


def _transfers(walk: Walk, names: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Per eliminated candidate, where its ballots went (inactive reasons as "exhausted")."""
    out: dict[str, dict[str, float]] = {}
    for left, dests in walk.flows().items():
        moved: dict[str, float] = {}
        for to in sorted(k for k in dests if isinstance(k, int)):
            moved[names[to]] = dests[to]
        gone = sum(v for k, v in dests.items() if not isinstance(k, int))
        if gone:
            moved["exhausted"] = gone
        out[names[left]] = moved
    return out


@dataclass
class _Sequence:
    """One elimination count: state shared by the recorded line and explored branches."""

    ballots: RankedBallots
    breaker: TieBreaker
    # scores deciding eliminations, lower = eliminated first (IRV: the votes)
    badness: Callable[[Walk, np.ndarray], np.ndarray]
    threshold: str = "majority"
    batch: bool = False
    until_two: bool = False
    memo_ok: bool = True
    memo: dict = field(default_factory=dict)
    rounds: list[Round] = field(default_factory=list)
    order: list[str] = field(default_factory=list)

    def run(
        self,
        walk: Walk,
        record: bool,
        number: int = 1,
        history: tuple[np.ndarray, ...] = (),
        frozen: tuple[float, float] | None = None,
        elected: int | None = None,
        bad_history: tuple[np.ndarray, ...] = (),
    ) -> frozenset[int]:
        names = self.ballots.candidates
        while True:
            cont = walk.continuing.copy()
            cands = np.flatnonzero(cont)
            key = (frozenset(cands.tolist()), elected, frozen)
            if not record and self.memo_ok and key in self.memo:
                return self.memo[key]
            votes, inactive = walk.counts()
            active = float(votes[cands].sum())
            if frozen is not None:
                shown, half = frozen
            else:
                shown, half = _majority(active)
                if self.threshold == "first_round" or (self.until_two and elected is not None):
                    frozen = (shown, half)
            tally = {names[c]: float(votes[c]) for c in cands}
            base = {
                "number": number,
                "tally": tally,
                "continuing": active,
                "inactive": inactive,
                "threshold": shown,
            }

            winner: list[int] = []
            if elected is None and cands.size:
                top = cands[np.argmax(votes[cands])]
                if cands.size == 1 or votes[top] > half:
                    winner = [int(top)]
                elif cands.size == 2:
                    # the leader of the last two wins even short of the threshold (as in RCTab)
                    chosen, left_tied = self._settle(votes, cands, number, history, "winner", highest=True)
                    if left_tied:
                        if record:
                            self.rounds.append(
                                Round(
                                    **base,
                                    elected=tuple(names[c] for c in chosen),
                                    note="the last two candidates tied; both reported",
                                )
                            )
                        return self._remember(key, frozenset(chosen))
                    winner = chosen
            if winner:
                elected = winner[0]
                if not (self.until_two and cands.size > 2):
                    if record:
                        self.rounds.append(Round(**base, elected=(names[elected],)))
                    return self._remember(key, frozenset(winner))
                if record:
                    self.rounds.append(
                        Round(
                            **base,
                            elected=(names[elected],),
                            note="winner found; counting on until two candidates remain",
                        )
                    )
                number += 1
                history = (*history, votes)
                bad_history = (*bad_history, self.badness(walk, votes))
                continue
            if elected is not None and cands.size <= 2:
                if record:
                    self.rounds.append(Round(**base, note="two candidates remain"))
                return self._remember(key, frozenset([elected]))

            pool = cands if elected is None else cands[cands != elected]
            # the winner, if any, stays in the batch computation, as in RCTab's tally
            losing = batch_losers(votes, cands, keep=2 if self.until_two else 1) if self.batch else []
            scores = self.badness(walk, votes)
            if not losing and self.breaker.mode == "all" and self.badness is _fewest_votes:
                # Candidates without a vote go one after another in any order, and no ballot
                # moves meanwhile, so exploring their orders cannot change the result.
                empty = [int(c) for c in pool if votes[c] == 0]
                if len(empty) > 1 and cands.size - len(empty) >= 2:
                    losing = empty
            if not losing:
                chosen, left_tied = self._settle(
                    scores, pool, number, bad_history, "eliminate", highest=False
                )
                if left_tied:
                    if record:
                        self.rounds.append(
                            Round(
                                **base,
                                note="tie for elimination among "
                                + ", ".join(names[c] for c in chosen)
                                + "; every way of breaking it explored",
                            )
                        )
                    found: set[int] = set()
                    for c in chosen:
                        branch = walk.copy()
                        nxt = cont.copy()
                        nxt[c] = False
                        branch.advance(nxt)
                        found |= self.run(
                            branch,
                            False,
                            number + 1,
                            (*history, votes),
                            frozen,
                            elected,
                            (*bad_history, scores),
                        )
                    return self._remember(key, frozenset(found))
                losing = chosen
            nxt = cont.copy()
            nxt[losing] = False
            walk.advance(nxt)
            if record:
                self.order.extend(names[c] for c in losing)
                self.rounds.append(
                    Round(
                        **base,
                        eliminated=tuple(names[c] for c in losing),
                        transfers=_transfers(walk, names),
                        note=("batch elimination" if self.batch else "no votes") if len(losing) > 1 else "",
                    )
                )
            number += 1
            history = (*history, votes)
            bad_history = (*bad_history, scores)

    def _remember(self, key, winners: frozenset[int]) -> frozenset[int]:
        if self.memo_ok:
            self.memo[key] = winners
        return winners

    def _settle(self, scores, pool, number, history, purpose, highest) -> tuple[list[int], bool]:
        """The best (or worst) of ``pool`` by ``scores``; ties go to the breaker or stay."""
        return best(
            scores,
            self.breaker,
            among=pool,
            highest=highest,
            purpose=purpose,
            round=number,
            history=history,
            detail="every way of breaking the tie explored",
        )


def _outcome(ballots: RankedBallots, seq: _Sequence, winners: frozenset[int], details: dict) -> Outcome:
    names = ballots.candidates
    last = seq.rounds[-1]
    return Outcome(
        rule="",
        candidates=names,
        winners=tuple(names[c] for c in sorted(winners)),
        rounds=tuple(seq.rounds),
        ties=tuple(seq.breaker.ties),
        ballots={"read": ballots.total, "continuing": last.continuing, "inactive": dict(last.inactive)},
        scores=dict(last.tally),
        details={"elimination_order": list(seq.order), **details},
        tied=len(winners) > 1,
    )


def _fewest_votes(walk: Walk, votes: np.ndarray) -> np.ndarray:
    return votes


def _check(threshold: str) -> None:
    if threshold not in THRESHOLDS:
        raise ConfigError(f"option threshold: unknown {threshold!r}; choose one of {', '.join(THRESHOLDS)}")


@rule(
    "irv",
    aliases=("rcv", "instant_runoff", "alternative_vote", "hare", "ranked_choice"),
    kinds=("ranked", "profiles"),
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

    Parameters: ``tiebreak`` (``previous_round`` default, ``order``, ``random`` with
    ``seed``, or ``all`` for every way of breaking ties); ``overvote``, ``max_skipped``,
    ``repeated``: how marks are read (see :class:`~tally.options.Reading`; defaults
    exhaust on overvote, unlimited skipped ranks, repeats passed over);
    ``batch_elimination``: eliminate at once every bottom candidate whose combined votes
    are below the next candidate's (RCTab); ``continue_until_two``: keep eliminating after
    the winner is found until two remain (the threshold then stays fixed);
    ``threshold``: ``"majority"`` of the round's continuing ballots, or ``"first_round"``
    (majority of round-1 continuing ballots, fixed).

    Returns an outcome whose rounds carry the tally, eliminations, transfers per
    eliminated candidate, continuing ballots and inactive ballots by reason.
    Raises :class:`~tally.errors.ConfigError` for an option value it does not know.

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B"]] * 4 + [["B", "C"]] * 3 + [["C", "B"]] * 2)
    >>> o = tally.count(b, "irv")
    >>> o.winners, o.rounds[0].eliminated, dict(o.rounds[1].tally)
    (('B',), ('C',), {'A': 4.0, 'B': 5.0})
    """
    _check(threshold)
    if ballots.kind == "profiles":
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
            max_skipped is None
            and not batch_elimination
            and not continue_until_two
            and threshold == "majority"
        )
        kernel = functools.partial(irv_kernel, tiebreak=tiebreak, seed=seed) if plain else None
        return run_batch(ballots, kernel, irv, options)
    walk = _walk(ballots, overvote, max_skipped, repeated)
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    seq = _Sequence(
        ballots,
        breaker,
        _fewest_votes,
        threshold=threshold,
        batch=batch_elimination,
        until_two=continue_until_two,
        memo_ok=overvote != "exhaust_if_multiple",
    )
    winners = seq.run(walk, True)
    return _outcome(ballots, seq, winners, {})


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

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C", "D"],
    ...     [["A", "D"]] * 4 + [["B", "D"]] * 3 + [["C", "B"]] * 2 + [["D", "C"]] * 2)
    >>> tally.count(b, "runoff").winners
    ('B',)
    """
    names = ballots.candidates
    walk = _walk(ballots, overvote, max_skipped, repeated)
    breaker = TieBreaker(tiebreak, names, seed=seed)
    votes = walk.tally()
    cands = np.flatnonzero(walk.continuing)
    active = float(votes[cands].sum())
    shown, half = _majority(active)
    base = {
        "tally": {names[c]: float(votes[c]) for c in cands},
        "continuing": active,
        "inactive": walk.inactive(),
        "threshold": shown,
    }
    rounds: list[Round] = []

    def finish(winners: list[int], order: list[str], tied: bool) -> Outcome:
        last = rounds[-1]
        return Outcome(
            rule="",
            candidates=names,
            winners=tuple(names[c] for c in sorted(winners)),
            rounds=tuple(rounds),
            ties=tuple(breaker.ties),
            ballots={"read": ballots.total, "continuing": last.continuing, "inactive": dict(last.inactive)},
            scores=dict(last.tally),
            details={"elimination_order": order},
            tied=tied,
        )

    top = cands[np.argmax(votes[cands])] if cands.size else None
    if cands.size <= 1 or votes[top] > half:
        win = [] if top is None else [int(top)]
        rounds.append(Round(number=1, **base, elected=tuple(names[c] for c in win)))
        return finish(win, [], False)

    pairs = _top_two(votes, cands, breaker)
    if len(pairs) > 1:
        # parallel universes: every runoff the tie allows
        found: set[int] = set()
        for pair in pairs:
            found |= set(_runoff_winners(walk.copy(), pair, breaker, names, votes, record=False)[0])
        rounds.append(Round(number=1, **base, note="tie for the runoff places; every pairing counted"))
        return finish(sorted(found), [], len(found) > 1)
    pair = pairs[0]
    losers = [int(c) for c in cands if c not in pair]
    nxt = np.zeros_like(walk.continuing)
    nxt[list(pair)] = True
    walk.advance(nxt)
    rounds.append(
        Round(
            number=1,
            **base,
            eliminated=tuple(names[c] for c in losers),
            transfers=_transfers(walk, names),
            note="all but the top two eliminated",
        )
    )
    winners, round2, tied = _runoff_winners(walk, pair, breaker, names, votes, record=True)
    rounds.append(round2)
    return finish(winners, [names[c] for c in losers], tied)


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
        return [tuple(sorted((a, b)))]
    rest = [int(c) for c in cands if c != first[0]]
    second_best = max(votes[c] for c in rest)
    second = [c for c in rest if votes[c] == second_best]
    if len(second) == 1 or breaker.mode != "all":
        b = breaker.pick(second, purpose="runoff place", round=1, lowest=False)
        return [tuple(sorted((first[0], b)))]
    _record_all(breaker, second)
    return [tuple(sorted((first[0], b))) for b in second]


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


def _runoff_winners(walk, pair, breaker, names, first_votes, record):
    nxt = np.zeros_like(walk.continuing)
    nxt[list(pair)] = True
    walk.advance(nxt)
    votes = walk.tally()
    active = float(votes[list(pair)].sum())
    a, b = pair
    tied = False
    if votes[a] == votes[b]:
        if breaker.mode == "all":
            winners = [a, b]
            tied = True
            if record:
                breaker.record(
                    Tie(
                        round=2,
                        purpose="winner",
                        tied=(names[a], names[b]),
                        mode="all",
                        chosen=(names[a], names[b]),
                        detail="runoff tied; both reported",
                    )
                )
        else:
            winners = [breaker.pick([a, b], purpose="winner", round=2, history=(first_votes,), lowest=False)]
    else:
        winners = [a if votes[a] > votes[b] else b]
    rnd = None
    if record:
        rnd = Round(
            number=2,
            tally={names[c]: float(votes[c]) for c in sorted(pair)},
            elected=tuple(names[c] for c in winners),
            continuing=active,
            inactive=walk.inactive(),
            threshold=_majority(active)[0],
            note="runoff",
        )
    return winners, rnd, tied


def _most_last_places(positions: np.ndarray):
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
    candidates tied at the bottom. Options as for :func:`irv`.

    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B", "C"]] * 4 + [["C", "B", "A"]] * 3 + [["B", "C", "A"]] * 2)
    >>> tally.count(b, "coombs").winners
    ('B',)
    """
    walk = _walk(ballots, overvote, max_skipped, repeated)
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    seq = _Sequence(
        ballots, breaker, _most_last_places(ballots.positions()), memo_ok=overvote != "exhaust_if_multiple"
    )
    winners = seq.run(walk, True)
    return _outcome(ballots, seq, winners, {})
