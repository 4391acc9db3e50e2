"""Positional rules: Borda, Dowdall, and the Borda elimination rules Baldwin and Nanson; Bucklin.

Positions are read from the order of a ballot's marks: a skipped rank does not cost a
candidate a place, a candidate ranked twice keeps its first place, and an unnamed
overvote marks nobody. Candidates marked together at one rank (a tie) share the points
of the places they occupy, averaged. A ballot that marks nobody is an undervote and
scores nobody.

Truncated ballots (not every candidate ranked), option ``truncated``:

``"optimistic"`` (default)
    Ranked candidates get the points of their places among all ``n`` candidates
    (``n-1, n-2, ...``) and unranked candidates get 0.
``"average"``
    The unranked candidates share the remaining places: each gets the average of the
    points those places carry.

On complete strict ballots both give the textbook Borda count (``n-1`` down to ``0``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..ballots import RankedBallots, RankedProfiles
from ..errors import ConfigError
from ..outcome import BatchOutcome, Outcome, Round, Tie
from ..ties import CountHistory, TieBreaker
from . import rule
from ._batch import additive_kernel, run_batch
from ._borda_rounds import BordaRounds, baldwin_all, borda_losers
from ._common import best, by_name, one_shot, ranked_account
from ._positions import FEW, dense_ranks, dowdall_shares, places

__all__ = ["baldwin", "borda", "borda_scores", "bucklin", "dense_ranks", "dowdall", "nanson", "places"]

TRUNCATED = ("optimistic", "average")


def _check_truncated(truncated: str) -> None:
    if truncated not in TRUNCATED:
        raise ConfigError(f"option truncated: unknown {truncated!r}; choose one of {', '.join(TRUNCATED)}")


def _row_points(positions: np.ndarray, truncated: str, kind: str) -> np.ndarray:
    """(rows, C) points each ballot gives each candidate (``kind`` borda or dowdall)."""
    n = positions.shape[1]
    above, level = places(positions)
    ranked = np.isfinite(positions)
    if kind == "borda":
        # the places above+1 .. above+level carry n-1-above .. n-above-level points
        points: np.ndarray = (n - 1) - above - (level - 1) / 2.0
    else:
        # Dowdall: place k (from 1) carries 1/k; tied places share the mean
        max_level = int(level.max()) if level.size else 0
        if max_level > FEW:
            points = dowdall_shares(above, level)
        else:
            points = np.zeros(positions.shape)
            for k in range(1, max_level + 1):
                points += np.where(k <= level, 1.0 / (above + k), 0.0)
        points = points / np.maximum(level, 1)
    if truncated == "optimistic":
        points = np.where(ranked, points, 0.0)
    return points


def borda_scores(
    ballots: RankedBallots,
    among: np.ndarray | None = None,
    *,
    truncated: str = "optimistic",
    kind: str = "borda",
    positions: np.ndarray | None = None,
) -> np.ndarray:
    """(C,) Borda (or Dowdall) score of each candidate, counting only ``among`` (bool mask).

    Candidates outside ``among`` get NaN: the count is as if they were not on the ballot.
    """
    pos = ballots.positions() if positions is None else positions
    c = ballots.n_candidates
    mask = np.ones(c, dtype=bool) if among is None else np.asarray(among, dtype=bool)
    sub = pos[:, mask]
    voting = np.isfinite(pos).any(axis=1)
    points = _row_points(sub[voting], truncated, kind)
    out = np.full(c, np.nan)
    out[mask] = ballots.weights[voting] @ points
    return out


def borda_batch(
    profiles: RankedProfiles, *, tiebreak: str = "all", seed: int | None = None, truncated: str = "optimistic"
) -> BatchOutcome:
    """Borda on many elections at once: the batch path registered with :func:`borda`."""
    _check_truncated(truncated)
    kernel = additive_kernel(lambda one: borda_scores(one, truncated=truncated))
    return run_batch(profiles, kernel, borda, {"tiebreak": tiebreak, "seed": seed, "truncated": truncated})


def dowdall_batch(
    profiles: RankedProfiles, *, tiebreak: str = "all", seed: int | None = None
) -> BatchOutcome:
    """Dowdall on many elections at once: the batch path registered with :func:`dowdall`."""
    kernel = additive_kernel(lambda one: borda_scores(one, kind="dowdall"))
    return run_batch(profiles, kernel, dowdall, {"tiebreak": tiebreak, "seed": seed})


@rule(
    "borda",
    aliases=("borda_count",),
    kinds=("ranked",),
    batch=borda_batch,
    family="positional",
    reference="de Borda, J.-C. (1781). Mémoire sur les élections au scrutin. "
    "Histoire de l'Académie Royale des Sciences.",
)
def borda(
    ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None, truncated: str = "optimistic"
) -> Outcome:
    """Borda count: a candidate ranked k-th among n gets n-k points; most points wins.

    Truncated ballots and ties are scored as the module docstring explains.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.
    truncated : str
        How a truncated ballot scores the candidates it leaves unranked: ``"optimistic"``
        (default) or ``"average"``, as the module docstring explains.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's Borda points.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2)
    >>> o = tally.count(b, "borda")
    >>> o.winners, dict(o.scores)
    (('B',), {'A': 6.0, 'B': 7.0, 'C': 2.0})

    References
    ----------
    de Borda, J.-C. (1781). Mémoire sur les élections au scrutin. Histoire de l'Académie
    Royale des Sciences.
    """
    _check_truncated(truncated)
    scores = borda_scores(ballots, truncated=truncated)
    continuing, inactive = ranked_account(ballots)
    return one_shot(
        ballots,
        scores,
        TieBreaker(tiebreak, ballots.candidates, seed=seed),
        continuing=continuing,
        inactive=inactive,
        note=f"Borda points ({truncated})",
    )


@rule(
    "dowdall",
    aliases=("nauru",),
    kinds=("ranked",),
    batch=dowdall_batch,
    family="positional",
    reference="Reilly, B. (2002). Social choice in the South Seas: electoral innovation and "
    "the Borda count in the Pacific Island countries. International Political Science Review 23(4).",
)
def dowdall(ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Dowdall (Nauru) count: the k-th ranked candidate gets 1/k points; most points wins.

    Unranked candidates get nothing; tied candidates share the mean of their places' points.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        One round whose tally is each candidate's Dowdall points.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B", "C"], ["B", "C"]])
    >>> tally.count(b, "dowdall").winners
    ('B',)

    References
    ----------
    Reilly, B. (2002). Social choice in the South Seas: electoral innovation and the
    Borda count in the Pacific Island countries. International Political Science Review
    23(4).
    """
    scores = borda_scores(ballots, kind="dowdall")
    continuing, inactive = ranked_account(ballots)
    return one_shot(
        ballots,
        scores,
        TieBreaker(tiebreak, ballots.candidates, seed=seed),
        continuing=continuing,
        inactive=inactive,
        note="Dowdall points (1, 1/2, 1/3, ...)",
    )


def _everyone_even(
    live: np.ndarray, number: int, names: Sequence[str], breaker: TieBreaker, history: CountHistory
) -> tuple[list[int], bool]:
    """Nanson with every remaining candidate on the same score: (winners, tie left standing)."""
    if breaker.mode != "all":
        return [
            breaker.pick(live.tolist(), purpose="winner", round=number, history=history, lowest=False)
        ], False
    everyone = tuple(names[c] for c in live)
    breaker.record(
        Tie(
            round=number,
            purpose="winner",
            tied=everyone,
            mode="all",
            chosen=everyone,
            detail="all remaining candidates have the same Borda score",
        )
    )
    return [int(c) for c in live], True


def _eliminate(ballots: RankedBallots, breaker: TieBreaker, truncated: str, nanson: str | None) -> Outcome:
    """Shared Baldwin/Nanson loop: Borda among the remaining candidates each round.

    The scores are kept up to date as candidates leave (:class:`BordaRounds`): a round
    costs the marks of the ballots ranking the candidates that left, not a recount.
    """
    names = ballots.candidates
    pos = ballots.positions()
    borda = BordaRounds(
        ballots, truncated, lambda m: borda_scores(ballots, m, truncated=truncated, positions=pos), pos
    )
    continuing, inactive = ranked_account(ballots)
    rounds: list[Round] = []
    order: list[str] = []
    history = CountHistory(ballots.n_candidates)
    scores = borda.first()
    out: list[int] = []
    mask = np.ones(ballots.n_candidates, dtype=bool)
    number = 1
    winners: list[int] = []
    tied = False
    while True:
        live = np.flatnonzero(mask)
        base: dict[str, Any] = {"number": number, "continuing": continuing, "inactive": inactive}
        if live.size == 1:
            last = names[live[0]]
            rounds.append(Round(**base, tally={last: 0.0}, elected=(last,), note="last candidate remaining"))
            winners = [int(live[0])]
            break
        if out:
            scores = borda.without(scores, mask, out)
        out = borda_losers(scores, mask, nanson)
        tally = dict(zip([names[c] for c in live], scores[live].tolist()))
        if nanson is not None and (len(out) == live.size or not out):
            winners, tied = _everyone_even(live, number, names, breaker, history)
            elected = tuple(names[c] for c in winners)
            rounds.append(Round(**base, tally=tally, elected=elected, note="all remaining candidates tied"))
            break
        if nanson is None and len(out) > 1:
            if breaker.mode == "all":
                among = tuple(names[c] for c in out)
                detail = "every way of breaking the tie explored"
                breaker.record(
                    Tie(
                        round=number, purpose="eliminate", tied=among, mode="all", chosen=among, detail=detail
                    )
                )
                found = baldwin_all(mask, scores, borda)
                winners, tied = sorted(found), len(found) > 1
                note = f"tie for elimination among {', '.join(among)}; every way of breaking it explored"
                rounds.append(Round(**base, tally=tally, note=note))
                break
            out = [breaker.pick(out, purpose="eliminate", round=number, history=history, lowest=True)]
        rounds.append(
            Round(
                **base,
                tally=tally,
                eliminated=tuple(names[c] for c in out),
                note="below the average Borda score" if nanson else "lowest Borda score",
            )
        )
        order.extend(names[c] for c in out)
        history.append(np.nan_to_num(scores, nan=-np.inf))
        mask[out] = False
        number += 1
    return Outcome(
        rule="",
        candidates=names,
        winners=tuple(names[c] for c in sorted(winners)),
        rounds=tuple(rounds),
        ties=tuple(breaker.ties),
        ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
        scores=dict(rounds[0].tally),
        details={"elimination_order": order},
        tied=tied,
    )


@rule(
    "baldwin",
    family="positional",
    sequential=True,
    reference="Baldwin, J. M. (1926). The technique of the Nanson preferential majority system "
    "of election. Proceedings of the Royal Society of Victoria 39:42-52.",
)
def baldwin(
    ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None, truncated: str = "optimistic"
) -> Outcome:
    """Baldwin's method: eliminate the lowest Borda score, recount among the rest, repeat.

    Borda scores are recomputed each round as if the eliminated candidates were not on
    the ballots (kept up to date from the ballots ranking whoever left, to the same
    numbers). Ties for elimination go to ``tiebreak``; the default ``all`` explores
    every elimination order the ties allow and reports every winner (parallel universes),
    visiting each set of remaining candidates once; candidates no ballot ranks leave
    together, since their order cannot matter. The sets can grow exponentially with the
    candidates tied: past :data:`tally.limits.TIE_SEARCH_STATES` (10,000) sets tried the
    count is refused.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.
    truncated : str
        How a truncated ballot scores the candidates it leaves unranked: ``"optimistic"``
        (default) or ``"average"``, as the module docstring explains.

    Returns
    -------
    Outcome
        One round per elimination, each tally the Borda scores among the candidates left;
        ``details["elimination_order"]`` the candidates in the order eliminated.

    Raises
    ------
    RuleError
        With ``tiebreak="all"``, when the ties leave more than
        :data:`tally.limits.TIE_SEARCH_STATES` sets of candidates to explore (count with
        ``order``, ``random`` or ``previous_round`` instead).

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "baldwin").winners
    ('A',)

    References
    ----------
    Baldwin, J. M. (1926). The technique of the Nanson preferential majority system of
    election. Proceedings of the Royal Society of Victoria 39, 42-52.
    """
    _check_truncated(truncated)
    return _eliminate(ballots, TieBreaker(tiebreak, ballots.candidates, seed=seed), truncated, None)


@rule(
    "nanson",
    family="positional",
    sequential=True,
    reference="Nanson, E. J. (1882). Methods of election. Transactions and Proceedings of the "
    "Royal Society of Victoria 19:197-240; variants as in Niou (1987) and pref_voting.",
)
def nanson(
    ballots: RankedBallots,
    *,
    tiebreak: str = "all",
    seed: int | None = None,
    truncated: str = "optimistic",
    variant: str = "strict",
) -> Outcome:
    """Nanson's method: eliminate every candidate below the average Borda score, repeat.

    ``variant="strict"`` (default) eliminates the candidates strictly below the average
    (pref_voting's strict_nanson); ``"weak"`` also eliminates those exactly at it
    (weak_nanson). When all remaining candidates have the same score they tie.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.
    truncated : str
        How a truncated ballot scores the candidates it leaves unranked: ``"optimistic"``
        (default) or ``"average"``, as the module docstring explains.
    variant : str
        ``"strict"`` (default) or ``"weak"``.

    Returns
    -------
    Outcome
        One round per elimination, each tally the Borda scores among the candidates left;
        ``details["elimination_order"]`` the candidates in the order eliminated.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B", "C"]] * 3 + [["B", "C", "A"]] * 2 + [["C", "A", "B"]] * 2)
    >>> tally.count(b, "nanson").winners
    ('A',)

    References
    ----------
    Nanson, E. J. (1882). Methods of election. Transactions and Proceedings of the Royal
    Society of Victoria 19, 197-240; variants as in Niou (1987) and pref_voting.
    """
    _check_truncated(truncated)
    if variant not in ("strict", "weak"):
        raise ConfigError(f"option variant: unknown {variant!r}; choose strict or weak")
    return _eliminate(ballots, TieBreaker(tiebreak, ballots.candidates, seed=seed), truncated, variant)


@rule(
    "bucklin",
    aliases=("grand_junction",),
    family="positional",
    reference="Hoag, C. G. & Hallett, G. H. (1926). Proportional Representation. Macmillan "
    "(the Grand Junction system); pref_voting's bucklin.",
)
def bucklin(ballots: RankedBallots, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Bucklin: add each ballot's next rank until someone has a majority; most marks wins.

    Round k counts, for each candidate, the ballots marking it at one of their first k
    ranks (rank = order of marks, as for Borda; every member of a tie at a rank is
    marked). As soon as some candidate is marked by more than half of the voting ballots,
    the candidate with the most marks wins.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        Round k's tally is each candidate's marks at ranks 1 to k; the last round is the
        one where some candidate passed a majority.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B"]] * 4 + [["C", "B"]] * 3 + [["B", "A"]] * 2)
    >>> o = tally.count(b, "bucklin")
    >>> o.winners, len(o.rounds)
    (('B',), 2)

    References
    ----------
    Hoag, C. G. & Hallett, G. H. (1926). Proportional Representation. Macmillan (the
    Grand Junction system); pref_voting's ``bucklin``.
    """
    names = ballots.candidates
    breaker = TieBreaker(tiebreak, names, seed=seed)
    continuing, inactive = ranked_account(ballots)
    voting = np.isfinite(ballots.positions()).any(axis=1)
    rank = dense_ranks(ballots.positions()[voting])
    w = ballots.weights[voting]
    half = continuing / 2.0
    n = ballots.n_candidates
    rounds: list[Round] = []
    history: list[np.ndarray] = []
    marked = np.isfinite(rank)
    depth = int(rank[marked].max()) + 1 if marked.any() else 1
    for k in range(1, depth + 1):
        marks = w @ (rank < k) if rank.size else np.zeros(n)
        done = marks.max() > half or k == depth
        base: dict[str, Any] = {
            "number": k,
            "tally": by_name(names, marks),
            "continuing": continuing,
            "inactive": inactive,
            "threshold": half,
            "note": f"marks at ranks 1-{k}" if k > 1 else "first choices",
        }
        if done:
            winners, tied = best(marks, breaker, round=k, history=history)
            rounds.append(Round(**base, elected=tuple(names[c] for c in winners)))
            return Outcome(
                rule="",
                candidates=names,
                winners=tuple(names[c] for c in sorted(winners)),
                rounds=tuple(rounds),
                ties=tuple(breaker.ties),
                ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
                scores=by_name(names, marks),
                tied=tied,
            )
        rounds.append(Round(**base))
        history.append(marks)
    raise AssertionError("unreachable")  # the last depth always decides
