"""Batch fast paths: vectorised kernels that rule functions call on many elections at once.

A rule that accepts :class:`~tally.ballots.RankedProfiles` calls :func:`run_batch` with
its kernel and itself. The kernel counts every election in NumPy and flags the ones it
cannot settle exactly (a tie anywhere in the count); those elections are counted again
by the rule's own single-election path, with the same options. So every row of a batch
result is what ``tally.count`` gives for that election alone, tie-breaks included.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..ballots import SKIPPED, RankedBallots, RankedProfiles
from ..outcome import BatchOutcome
from ..ties import check_tiebreak

__all__ = ["additive_kernel", "inactive_share", "irv_kernel", "plurality_kernel", "run_batch"]

Kernel = Callable[[RankedProfiles], tuple[np.ndarray, np.ndarray, np.ndarray | None]]


def run_batch(
    profiles: RankedProfiles,
    kernel: Kernel | None,
    single: Callable[..., Any],
    options: dict[str, Any],
    *,
    ties_standing: bool = False,
) -> BatchOutcome:
    """Count every election with ``kernel``, and with ``single`` where it flags a tie
    (or everywhere when ``kernel`` is None: the options ask for what it does not do).

    ``ties_standing``: the kernel's flagged elections are a final tie for the win among
    its winners (a one-step rule with tie-break mode ``all``), so they need no recount.
    """
    # checked here too: a kernel reads no tie-break when it meets no tie, and a bad mode
    # must not pass or fail depending on the data
    check_tiebreak(options.get("tiebreak", "all"))
    e, c = profiles.n_elections, profiles.n_candidates
    inactive: np.ndarray | None
    if kernel is None:
        # every election goes to the single path, which reports its inactive ballots
        winners, unsettled, inactive = np.zeros((e, c), dtype=bool), np.ones(e, dtype=bool), np.zeros(e)
    else:
        winners, unsettled, inactive = kernel(profiles)
    tied = np.zeros(e, dtype=bool)
    if ties_standing:
        tied, unsettled = unsettled, np.zeros(e, dtype=bool)
    for k in np.flatnonzero(unsettled):
        outcome = single(profiles.election(int(k)), **options)
        winners[k] = False
        for name in outcome.winners:
            winners[k, profiles.candidates.index(name)] = True
        tied[k] = outcome.tied
        if inactive is not None:
            inactive[k] = inactive_share(outcome)
    return BatchOutcome(
        rule="", candidates=profiles.candidates, winners=winners, tied=tied, inactive_share=inactive
    )


def inactive_share(outcome: Any) -> float:
    """Share of the ballots read that were inactive, other than blank, when the count ended."""
    read = outcome.ballots.get("read") or 0
    if not read or not outcome.rounds:
        return 0.0
    gone = sum(v for reason, v in outcome.rounds[-1].inactive.items() if reason != "undervote")
    return float(gone / read)


def _top(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Winners (the maximum) and whether the maximum is shared."""
    best = scores.max(axis=1, keepdims=True)
    winners = scores == best
    return winners, winners.sum(axis=1) > 1


def plurality_kernel(profiles: RankedProfiles) -> tuple[np.ndarray, np.ndarray, None]:
    """First choices over every election; a shared maximum is flagged as a tie."""
    first = profiles.orders[:, 0]
    onehot = np.zeros((first.size, profiles.n_candidates))
    ok = first >= 0
    onehot[np.flatnonzero(ok), first[ok]] = 1.0
    winners, tied = _top(profiles.counts @ onehot)
    return winners, tied, None


def additive_kernel(points_of: Callable[[RankedBallots], np.ndarray]) -> Kernel:
    """A kernel for rules whose score is a sum over ballots (Borda, Dowdall): each distinct
    ranking's points come from the rule itself on that one ballot."""

    def kernel(profiles: RankedProfiles) -> tuple[np.ndarray, np.ndarray, None]:
        points = np.zeros((profiles.orders.shape[0], profiles.n_candidates))
        for k, row in enumerate(profiles.orders):
            choices = np.where(row >= 0, row, SKIPPED).astype(np.int16)[None, :]
            ballot = RankedBallots(candidates=profiles.candidates, choices=choices, weights=np.ones(1))
            points[k] = points_of(ballot)
        scores = profiles.counts @ points
        ordered = np.sort(scores, axis=1)
        # a clear winner is settled here; anything within rounding of a tie is recounted
        # by the single path, which decides ties exactly as the rule does
        unsettled = ordered[:, -1] - ordered[:, -2] <= 1e-6 * np.maximum(1.0, np.abs(ordered[:, -1]))
        winners = scores == scores.max(axis=1, keepdims=True)
        return winners, unsettled, None

    return kernel


class _Draws:
    """The draws a :class:`~tally.ties.TieBreaker` makes, replayed without counting.

    A single count makes its tie-break draws from a fresh generator seeded with ``seed``,
    one ``choice`` among the tied candidates per random tie. The k-th candidate chosen
    depends only on the sizes of the draws before it, so the batch path replays them
    exactly, once per distinct sequence of sizes.
    """

    def __init__(self, seed: int | None) -> None:
        self.seed = 0 if seed is None else int(seed)
        self._cache: dict[tuple[int, ...], int] = {}

    def index(self, sizes: tuple[int, ...]) -> int:
        """The index drawn by the last of a sequence of draws of these sizes."""
        if sizes not in self._cache:
            rng = np.random.default_rng(self.seed)
            for size in sizes:
                picked = int(rng.choice(np.arange(size)))
            self._cache[sizes] = picked
        return self._cache[sizes]


def _eliminate_tied(
    tiebreak: str,
    at_low: np.ndarray,
    tie: np.ndarray,
    drop: np.ndarray,
    history: list[np.ndarray],
    draws: _Draws,
    sizes: list[tuple[int, ...]],
) -> np.ndarray:
    """Who goes in the elections (rows of ``tie``) where several candidates tie for last.

    ``order``: the one latest in candidate order; ``previous_round``: the fewest votes in
    the latest earlier round where they differ, then a replayed draw; ``random``: a
    replayed draw. ``sizes`` records each election's draws, so the single path's
    generator can be replayed.
    """
    c = at_low.shape[1]
    if tiebreak == "order":
        pick = c - 1 - np.argmax(at_low[:, ::-1], axis=1)
        chosen = np.zeros_like(at_low)
        chosen[np.arange(at_low.shape[0]), pick] = True
        return np.where(tie[:, None], chosen, drop)
    pool = at_low.copy()
    if tiebreak == "previous_round":
        for earlier in reversed(history):
            rows = tie & (pool.sum(axis=1) > 1)
            values = np.where(pool, earlier, np.inf)
            pool = np.where(rows[:, None], pool & (values == values.min(axis=1, keepdims=True)), pool)
    for k in np.flatnonzero(tie & (pool.sum(axis=1) > 1)):
        members = np.flatnonzero(pool[k])
        sizes[k] = (*sizes[k], members.size)
        keep = np.zeros(c, dtype=bool)
        keep[members[draws.index(sizes[k])]] = True
        pool[k] = keep
    return np.where(tie[:, None], pool, drop)


def irv_kernel(
    profiles: RankedProfiles, tiebreak: str = "previous_round", seed: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Instant runoff over every election: each round a ranking counts for its first
    continuing candidate; a candidate with more than half of the continuing ballots wins,
    else the one with fewest votes is eliminated.

    Ties for last are settled as :class:`~tally.ties.TieBreaker` settles them in a single
    count (``previous_round``: earlier rounds, then a seeded draw; ``random``; ``order``),
    replaying its draws; candidates without votes go one by one in a single count, which
    changes nothing but the draws, so they go together here with their draws replayed.
    Mode ``all``, and a tie between the last two, leave the election to the single path.
    """
    e_all, c = profiles.n_elections, profiles.n_candidates
    orders = profiles.orders.astype(np.int64)
    m = orders.shape[0]
    winners = np.zeros((e_all, c), dtype=bool)
    unsettled = np.zeros(e_all, dtype=bool)
    inactive = np.zeros(e_all)
    valid = orders >= 0
    blank = ~valid.any(axis=1)
    chunk = max(1, 40_000_000 // max(1, m * c))  # bounds the (elections, rankings, ranks) working set
    safe = np.where(valid, orders, 0)
    draws = _Draws(seed)
    drawing = tiebreak in ("previous_round", "random")
    for start in range(0, e_all, chunk):
        counts = profiles.counts[start : start + chunk].astype(np.float64)
        e = counts.shape[0]
        alive = np.ones((e, c), dtype=bool)
        total = counts.sum(axis=1)
        blank_votes = counts[:, blank].sum(axis=1)
        done = np.zeros(e, dtype=bool)
        won = np.full(e, -1)
        history: list[np.ndarray] = []
        sizes: list[tuple[int, ...]] = [()] * e
        for _ in range(c):
            # (e, m, ranks): is the candidate at this rank continuing in this election?
            live = alive[:, safe] & valid[None, :, :]
            has = live.any(axis=2)
            first = np.where(has, safe[np.arange(m)[None, :], live.argmax(axis=2)], -1)
            tally = np.zeros((e, c))
            for cand in range(c):
                tally[:, cand] = (counts * (first == cand)).sum(axis=1)
            continuing = tally.sum(axis=1)
            majority = (tally.max(axis=1) * 2 > continuing) & ~done
            won = np.where(majority, tally.argmax(axis=1), won)
            finished = done | majority
            inactive_now = (total - continuing - blank_votes) / np.maximum(total, 1)
            inactive[start : start + e] = np.where(majority, inactive_now, inactive[start : start + e])
            masked = np.where(alive, tally, np.inf)
            low = masked.min(axis=1, keepdims=True)
            at_low = (masked == low) & alive
            n_low = at_low.sum(axis=1)
            open_ = ~finished & (alive.sum(axis=1) > 2)
            zero_tie = open_ & (n_low > 1) & (low[:, 0] == 0)
            tie = open_ & (n_low > 1) & (low[:, 0] > 0)
            last_two = ~finished & (alive.sum(axis=1) <= 2)
            stuck = last_two | (~finished & (continuing == 0))
            drop = np.where(open_[:, None], at_low, False)
            if tiebreak == "all":
                stuck |= tie
            else:
                drop = _eliminate_tied(tiebreak, at_low, tie, drop, history, draws, sizes)
            if drawing:
                for k in np.flatnonzero(zero_tie):
                    sizes[k] = (*sizes[k], *range(int(n_low[k]), 1, -1))
            history.append(tally)
            unsettled[start : start + e] |= stuck
            done = finished | stuck
            if done.all():
                break
            alive &= ~(drop & ~done[:, None])
        rows = np.flatnonzero(won >= 0)
        winners[start + rows, won[rows]] = True
        unsettled[start : start + e] |= won < 0
    return winners, unsettled, inactive
