"""STAR voting (Score Then Automatic Runoff), with the Equal Vote Coalition's tie protocol.

A scoring round picks two finalists by total score; an automatic runoff gives each
ballot to the finalist it scores higher. Ties follow the official protocol (head to
head, then five-star ratings), step by step, each recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from ..ballots import ScoredBallots
from ..errors import RuleError
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker
from . import rule
from ._common import by_name, scored_account

__all__ = ["star"]

_TOL = 1e-9


class _Star:
    """The quantities the STAR count and its tie-breaking protocol read."""

    def __init__(self, ballots: ScoredBallots, breaker: TieBreaker) -> None:
        self.ballots = ballots
        self.breaker = breaker
        filled = ballots.filled()
        self.filled = filled
        # rounded so that equal totals from fractional weights or scores compare equal
        self.totals = np.round(ballots.weights @ filled, 9)
        self.five_star = np.round(ballots.weights @ (filled >= ballots.max_score), 9)
        self.names = ballots.candidates

    def prefer(self, a: int, b: int) -> tuple[float, float]:
        """(weight scoring a above b, weight scoring b above a)."""
        w = self.ballots.weights
        return float(w @ (self.filled[:, a] > self.filled[:, b])), float(
            w @ (self.filled[:, b] > self.filled[:, a])
        )

    def protocol(
        self, tied: list[int], slots: int, *, stage: str, round_: int
    ) -> tuple[list[int], list[int]]:
        """Settle a tie by the protocol's ballot-based steps.

        Returns (chosen, still tied): candidates that take ``slots`` places for sure,
        and those still tied for the places left (empty when the tie was broken).
        """
        breaker, names = self.breaker, self.names
        if len(tied) == 2 and slots == 1:
            a, b = tied
            if stage == "scoring":
                pa, pb = self.prefer(a, b)
                how = f"preferred by more voters head to head ({pa:g} to {pb:g})"
            else:
                pa, pb = self.totals[a], self.totals[b]
                how = f"higher total score ({pa:g} to {pb:g})"
            if abs(pa - pb) > _TOL:
                win = a if pa > pb else b
                breaker.record(
                    Tie(
                        round=round_,
                        purpose="advance" if stage == "scoring" else "winner",
                        tied=(names[a], names[b]),
                        mode="protocol",
                        chosen=(names[win],),
                        detail=f"STAR protocol: {how}",
                    )
                )
                return [win], []
        # most five-star (maximum score) ratings among the tied candidates
        counts = {i: float(self.five_star[i]) for i in tied}
        chosen: list[int] = []
        still: list[int] = []
        for level in sorted(set(counts.values()), reverse=True):
            group = [i for i in tied if counts[i] == level]
            if len(group) > slots - len(chosen):
                still = group
                break
            chosen.extend(group)
            if len(chosen) == slots:
                break
        if chosen:
            breaker.record(
                Tie(
                    round=round_,
                    purpose="advance" if stage == "scoring" else "winner",
                    tied=tuple(names[i] for i in tied),
                    mode="protocol",
                    chosen=tuple(names[i] for i in chosen),
                    detail="STAR protocol: most ratings at the maximum score: "
                    + ", ".join(f"{names[i]} {counts[i]:g}" for i in tied),
                )
            )
        return chosen, still


@rule(
    "star",
    aliases=("score_then_automatic_runoff",),
    kinds=("score", "approval"),
    family="cardinal",
    reference="Equal Vote Coalition, STAR Voting: https://www.starvoting.org/ ; tie-breaking "
    "protocol as published at https://www.starvoting.org/ties and "
    "https://docs.bettervoting.com/help/ties.html",
)
def star(ballots: ScoredBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """STAR voting (Score Then Automatic Runoff).

    Scoring round: the two candidates with the highest total scores (unscored =
    lowest score) advance. Automatic runoff: each ballot counts for the finalist it
    scores higher; a ballot scoring both equally has no preference (reported as
    ``exhausted`` in round 2). The finalist preferred on more ballots wins.

    Ties follow the official STAR tie-breaking protocol (as published by the Equal
    Vote Coalition and implemented by BetterVoting):

    * scoring round: two candidates tied for one place are separated by the number of
      voters scoring each above the other; more than two tied, or still equal, by the
      number of maximum-score ("five-star") ratings (the head-to-head step is not
      repeated among candidates the five-star count leaves tied);
    * runoff: the finalist with the higher total score wins; still equal, the one with
      more maximum-score ratings;
    * a tie still standing is left standing (``tiebreak="all"``: every candidate who
      could win in some way of settling it is reported) or settled by ``tiebreak``
      (the protocol says "randomly": use ``tiebreak="random"`` with a ``seed``).

    Every tie met is recorded; ties settled by the protocol's steps have mode
    ``protocol``.

    Parameters
    ----------
    ballots : ScoredBallots
        Score ballots (an unscored candidate has the lowest score).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        Two rounds: the scoring round (total scores) and the automatic runoff (ballots
        preferring each finalist). ``details`` holds the five-star counts and the runoffs.

    Examples
    --------
    >>> import tally
    >>> b = tally.ScoredBallots.from_matrix(["A", "B", "C"], [[5, 4, 0], [0, 5, 1], [5, 3, 0]], kind="score", max_score=5)
    >>> o = tally.count(b, "star"); o.winners, o.rounds[1].tally
    (('A',), {'A': 2.0, 'B': 1.0})

    References
    ----------
    Equal Vote Coalition, STAR Voting: https://www.starvoting.org/ ; the tie-breaking
    protocol as published at https://www.starvoting.org/ties and
    https://docs.bettervoting.com/help/ties.html
    """
    breaker = TieBreaker(tiebreak, ballots.candidates, seed=seed)
    data = _Star(ballots, breaker)
    names = ballots.candidates
    continuing, inactive = scored_account(ballots)
    c = ballots.n_candidates
    if c == 0:
        raise RuleError("STAR needs at least one candidate")
    pairs, undecided = _star_finalists(data, breaker, names)
    round1 = Round(
        number=1,
        tally=by_name(names, data.totals),
        eliminated=tuple(n for i, n in enumerate(names) if not any(i in p for p in pairs)),
        continuing=continuing,
        inactive=inactive,
        note="scoring round: total scores",
    )
    winners: set[int] = set()
    runoffs = []
    tied_outcome = bool(undecided) and breaker.mode == "all"
    for pair in pairs:
        if len(pair) == 1:
            winners.add(pair[0])
            continue
        result, runoff, tied = _star_runoff(data, breaker, names, pair, continuing)
        tied_outcome = tied_outcome or tied
        winners.update(result)
        runoffs.append(runoff)
    elected = tuple(names[i] for i in sorted(winners))
    return Outcome(
        rule="",
        candidates=tuple(names),
        winners=elected,
        rounds=(round1, _star_round2(pairs, runoffs, names, winners, elected, continuing, inactive)),
        ties=tuple(breaker.ties),
        ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
        scores=by_name(names, data.totals),
        details={"runoffs": runoffs, "five_star": by_name(names, data.five_star)},
        tied=tied_outcome and len(elected) > 1,
    )


def _star_finalists(
    data: _Star, breaker: TieBreaker, names: Sequence[str]
) -> tuple[list[tuple[int, ...]], list[int]]:
    """The scoring round: every possible pair of finalists (one unless a tie is left
    standing), and the candidates left tied for a place in the runoff."""
    c = len(names)
    # fill two places level by level
    finalists: list[int] = []
    undecided: list[int] = []
    slots = min(2, c)
    for level in sorted(set(data.totals.tolist()), reverse=True):
        group = [i for i in range(c) if data.totals[i] == level]
        left = slots - len(finalists)
        if len(group) <= left:
            finalists.extend(group)
        else:
            chosen, undecided = data.protocol(group, left, stage="scoring", round_=1)
            finalists.extend(chosen)
        if len(finalists) >= slots or undecided:
            break
    left = slots - len(finalists)
    if not undecided:
        return [tuple(finalists)], undecided
    if breaker.mode == "all":
        tied_names = tuple(names[i] for i in undecided)
        breaker.record(
            Tie(
                round=1,
                purpose="advance",
                tied=tied_names,
                mode="all",
                chosen=tied_names,
                detail="tie for the runoff left standing; every possible runoff counted",
            )
        )
        return [tuple(finalists) + extra for extra in combinations(undecided, left)], undecided
    pool = list(undecided)
    for _ in range(left):
        pick = breaker.pick(pool, purpose="advance", round=1, lowest=False)
        finalists.append(pick)
        pool.remove(pick)
    return [tuple(finalists)], undecided


def _star_runoff(
    data: _Star, breaker: TieBreaker, names: Sequence[str], pair: tuple[int, ...], continuing: float
) -> tuple[list[int], dict[str, Any], bool]:
    """The automatic runoff between two finalists: (winners, the runoff's record, tie left standing)."""
    a, b = sorted(pair)
    pa, pb = data.prefer(a, b)
    tied = False
    if abs(pa - pb) > _TOL:
        result = [a if pa > pb else b]
    else:
        chosen, _ = data.protocol([a, b], 1, stage="runoff", round_=2)
        if chosen:
            result = chosen
        elif breaker.mode == "all":
            both = (names[a], names[b])
            breaker.record(
                Tie(
                    round=2,
                    purpose="winner",
                    tied=both,
                    mode="all",
                    chosen=both,
                    detail="runoff tie the protocol cannot break; both reported",
                )
            )
            result, tied = [a, b], True
        else:
            result = [breaker.pick([a, b], purpose="winner", round=2, lowest=False)]
    runoff = {
        "finalists": [names[a], names[b]],
        "votes": {names[a]: pa, names[b]: pb},
        "no_preference": continuing - pa - pb,
        "winners": [names[i] for i in result],
    }
    return result, runoff, tied


def _star_round2(
    pairs: Sequence[tuple[int, ...]],
    runoffs: Sequence[dict[str, Any]],
    names: Sequence[str],
    winners: set[int],
    elected: tuple[str, ...],
    continuing: float,
    inactive: dict[str, float],
) -> Round:
    """Round 2: the one runoff, a single candidate, or a pointer to every possible runoff."""
    if len(pairs) == 1 and len(pairs[0]) == 2:
        a, b = sorted(pairs[0])
        pa, pb = runoffs[0]["votes"][names[a]], runoffs[0]["votes"][names[b]]
        return Round(
            number=2,
            tally={names[a]: pa, names[b]: pb},
            elected=elected,
            eliminated=tuple(names[i] for i in (a, b) if i not in winners),
            continuing=pa + pb,
            inactive={**inactive, "exhausted": continuing - pa - pb},
            note="automatic runoff: ballots preferring each finalist "
            "(equal scores = no preference, counted as exhausted)",
        )
    note = (
        "a single candidate: no runoff"
        if len(names) == 1
        else "automatic runoff for every possible pair of finalists; see details['runoffs']"
    )
    return Round(number=2, tally={}, elected=elected, continuing=continuing, inactive=inactive, note=note)


# -- majority judgment ------------------------------------------------------------------
