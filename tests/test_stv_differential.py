"""STV against independent implementations on random profiles (elected sets, where no tie occurs).

- ``scottish_stv`` against STVPoll's ``calculate_scottish_stv`` (Scottish rules, five-place
  transfer values);
- ``wigm_stv`` against votelib's transferable vote with Gregory transfers (exact WIGM) and
  against VoteKit's ``FastSTV`` with fractional transfers, one election per round.

Profiles where our count met a tie, or elected two candidates at one stage (the packages
handle simultaneous surpluses differently), are left out of the comparison; each test
asserts that enough profiles were compared for the agreement to mean something.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import tally
from tally.ballots import RankedBallots

stvpoll_scottish = pytest.importorskip("stvpoll.scottish_stv")
votelib_sequential = pytest.importorskip("votelib.evaluate.sequential")
votekit = pytest.importorskip("votekit")


def profiles(seed: int, n: int):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        c = int(rng.integers(3, 7))
        seats = int(rng.integers(2, c))
        names = [f"C{i}" for i in range(c)]
        # A few popular orders plus noise, so surpluses and exclusions both happen.
        popular = [rng.permutation(c) for _ in range(3)]
        rows = []
        for _ in range(int(rng.integers(20, 90))):
            order = popular[int(rng.integers(0, 3))] if rng.random() < 0.6 else rng.permutation(c)
            rows.append([names[i] for i in order[: int(rng.integers(1, c + 1))]])
        yield RankedBallots.from_rankings(names, rows), seats


def _clean(outcome) -> bool:
    return not outcome.ties and all(len(r.elected) <= 1 for r in outcome.rounds[:-1])


def test_scottish_matches_stvpoll():
    compared = 0
    for ballots, seats in profiles(11, 120):
        ours = tally.count(ballots, "scottish_stv", seats=seats, tiebreak="order")
        if not _clean(ours):
            # STVPoll lets a candidate elected at the same stage receive the first
            # surplus, which rule 48(2) does not (only continuing candidates receive).
            continue
        votes = {tuple(marks): int(w) for marks, w in ballots.rankings()}
        theirs = stvpoll_scottish.calculate_scottish_stv(
            list(ballots.candidates), votes, seats, random_shuffle=False
        )
        assert set(ours.winners) == theirs.elected_as_set(), ballots.rankings()
        compared += 1
    assert compared >= 60


def test_wigm_matches_votelib_gregory():
    compared = 0
    for ballots, seats in profiles(12, 120):
        ours = tally.count(ballots, "wigm_stv", seats=seats, tiebreak="order")
        if not _clean(ours):
            continue
        votes = {tuple(marks): int(w) for marks, w in ballots.rankings()}
        selector = votelib_sequential.TransferableVoteSelector(transferer="Gregory", quota_function="droop")
        try:
            theirs = selector.evaluate(votes, seats)
        except votelib_sequential.votelib.evaluate.core.VotingSystemError:
            # votelib stops with "infinite loop in STV" when every continuing candidate
            # is below the quota and no one can be eliminated by its rule.
            continue
        assert set(ours.winners) == set(theirs), ballots.rankings()
        compared += 1
    assert compared >= 60


def test_wigm_matches_votekit_fractional_stv():
    from votekit import RankBallot, RankProfile
    from votekit.elections import FastSTV

    compared = 0
    for ballots, seats in profiles(13, 40):
        ours = tally.count(ballots, "wigm_stv", seats=seats, tiebreak="order")
        if not _clean(ours):
            continue
        profile = RankProfile(
            ballots=[
                RankBallot(ranking=tuple(frozenset({m}) for m in marks), weight=w)
                for marks, w in ballots.rankings()
            ],
            candidates=list(ballots.candidates),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            election = FastSTV(profile, n_seats=seats, transfer="fractional", simultaneous=False)
        assert set(ours.winners) == set().union(*election.get_elected()), ballots.rankings()
        compared += 1
    assert compared >= 12
