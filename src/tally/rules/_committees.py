"""What every approval committee rule of :mod:`tally.rules.committee` shares: the exact
profile, committee-level ties, the exhaustive optimisation and the sequential selection
that explores every way of breaking its ties.

Arithmetic is exact: ballot weights become integers over a common denominator and every
score, load and budget is an integer or a :class:`fractions.Fraction`, so ties are real ties.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import ScoredBallots
from ..errors import RuleError
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker
from ._common import check_seats, scored_account

MAX_COMMITTEES = 300_000
"""Largest number of committees (candidates choose seats) the exact rules will try."""
MAX_BRANCHES = 200_000
"""Largest number of partial committees a sequential rule explores with ``tiebreak="all"``."""

REFERENCE = (
    "Lackner, M. & Skowron, P. (2023). Multi-Winner Voting with Approval Preferences. "
    "Springer. doi:10.1007/978-3-031-09016-5"
)


# -- the profile -----------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """Approval sets and exact integer weights (one row per distinct ballot)."""

    candidates: tuple[str, ...]
    approves: np.ndarray  # (rows, C) bool
    weights: tuple[int, ...]  # integer weights over a common denominator
    scale: int  # that denominator
    approvers: tuple[tuple[int, ...], ...]  # per candidate, the rows approving it

    @property
    def total(self) -> int:
        return sum(self.weights)


def read_profile(ballots: ScoredBallots, seats: Any) -> tuple[Profile, int]:
    seats = check_seats(seats, ballots.n_candidates)
    approves = ballots.filled() > ballots.min_score
    exact = [Fraction(float(w)) for w in ballots.weights]
    scale = math.lcm(*(f.denominator for f in exact)) if exact else 1
    weights = tuple(int(f * scale) for f in exact)
    approvers = tuple(
        tuple(int(r) for r in np.flatnonzero(approves[:, c])) for c in range(ballots.n_candidates)
    )
    return Profile(tuple(ballots.candidates), approves, weights, scale, approvers), seats


def as_number(value: Fraction | int, scale: int = 1) -> float:
    return float(Fraction(value) / scale)


# -- committee-level ties --------------------------------------------------------------


def choose_committee(
    committees: list[tuple[int, ...]], breaker: TieBreaker, names: Sequence[str], purpose: str = "committee"
) -> tuple[list[tuple[int, ...]], bool]:
    """Every committee (mode all) or one chosen committee; records the tie."""
    if len(committees) == 1:
        return committees, False
    tied_names = tuple(names[i] for i in sorted({c for com in committees for c in com}))
    if breaker.mode == "all":
        breaker.record(
            Tie(
                round=None,
                purpose=purpose,
                tied=tied_names,
                mode="all",
                chosen=tied_names,
                detail=f"{len(committees)} committees tied; every one reported in details['committees']",
            )
        )
        return committees, True
    if breaker.mode == "random":
        rng = np.random.default_rng(breaker.seed)
        chosen = committees[int(rng.integers(len(committees)))]
        detail = f"one of {len(committees)} tied committees drawn at random (seed {breaker.seed})"
    else:
        # order (and previous_round, which has no earlier rounds here): the committee
        # that is first when members are listed in tie-break order.
        chosen = min(committees, key=lambda com: sorted(com))
        detail = f"the first of {len(committees)} tied committees in candidate order"
    breaker.record(
        Tie(
            round=None,
            purpose=purpose,
            tied=tied_names,
            mode=breaker.mode,
            chosen=tuple(names[i] for i in chosen),
            detail=detail,
        )
    )
    return [chosen], False


def committee_outcome(
    ballots: ScoredBallots,
    profile: Profile,
    committees: list[tuple[int, ...]],
    tied: bool,
    breaker: TieBreaker,
    rounds: list[Round],
    *,
    first: Sequence[int] | None = None,
    scores: dict[str, float] | None = None,
    details: dict[str, Any] | None = None,
) -> Outcome:
    names = profile.candidates
    committees = sorted(tuple(sorted(c)) for c in set(committees))
    order: list[int] = list(first) if first is not None else []
    for com in committees:
        order += [c for c in com if c not in order]
    if first is None:
        order.sort()
    winners = tuple(names[i] for i in order)
    continuing, inactive = scored_account(ballots)
    info = dict(details or {})
    info["committees"] = [[names[i] for i in com] for com in committees]
    return Outcome(
        rule="",
        candidates=names,
        winners=winners,
        rounds=tuple(rounds),
        ties=tuple(breaker.ties),
        ballots={"read": ballots.total, "continuing": continuing, "inactive": inactive},
        scores=scores,
        details=info,
        tied=tied and len(committees) > 1,
    )


# -- optimisation rules (exhaustive) ---------------------------------------------------


def exhaustive(
    profile: Profile, seats: int, satisfaction: Sequence[int]
) -> tuple[list[tuple[int, ...]], int]:
    """Every committee maximising Σ weight · satisfaction[|approved ∩ committee|].

    ``satisfaction`` holds integers (scaled), so the comparison is exact. Committees are
    scored in vectorised chunks.
    """
    c = len(profile.candidates)
    count = math.comb(c, seats)
    if count > MAX_COMMITTEES:
        raise RuleError(
            f"{c} candidates and {seats} seats make {count:,} committees, above the exact-count limit "
            f"of {MAX_COMMITTEES:,}"
        )
    weights = np.array(profile.weights, dtype=object)
    bound = max(satisfaction) * profile.total
    fast = bound < 2**62
    w = np.array(profile.weights, dtype=np.int64) if fast else weights
    table = np.array(satisfaction, dtype=np.int64 if fast else object)
    approves = profile.approves.astype(np.int64)
    best_score: int | None = None
    best: list[tuple[int, ...]] = []
    combos = itertools.combinations(range(c), seats)
    # Keep each chunk's (rows, committees, seats) hit array to a few million cells.
    size = max(16, min(4096, 4_000_000 // max(1, approves.shape[0] * seats)))
    while True:
        chunk = list(itertools.islice(combos, size))
        if not chunk:
            break
        members = np.array(chunk, dtype=np.int64)  # (M, seats)
        hits = approves[:, members].sum(axis=2)  # (rows, M)
        values = w @ table[hits] if approves.shape[0] else np.zeros(len(chunk), dtype=np.int64)
        top = values.max()
        if best_score is None or top > best_score:
            best_score, best = int(top), []
        if top == best_score:
            best += [chunk[j] for j in np.flatnonzero(values == top)]
    assert best_score is not None
    return best, best_score


def harmonic_scaled(seats: int) -> tuple[list[int], int]:
    """(L·H(0..seats), L) with L = lcm(1..seats): PAV satisfaction as exact integers."""
    scale = math.lcm(*range(1, seats + 1)) if seats else 1
    values = [0]
    for j in range(1, seats + 1):
        values.append(values[-1] + scale // j)
    return values, scale


def optimisation_rule(
    ballots: ScoredBallots, seats: int, tiebreak: str, seed: int | None, kind: str
) -> Outcome:
    profile, seats = read_profile(ballots, seats)
    breaker = TieBreaker(tiebreak, profile.candidates, seed=seed)
    if kind == "pav":
        satisfaction, scale = harmonic_scaled(seats)
        label = "PAV score (Σ voters 1 + 1/2 + ... + 1/j for j approved members)"
    else:
        satisfaction, scale = [0] + [1] * seats, 1
        label = "Chamberlin–Courant score (voters with at least one approved member)"
    committees, score = exhaustive(profile, seats, satisfaction)
    committees, tied = choose_committee(committees, breaker, profile.candidates)
    value = as_number(Fraction(score, scale), profile.scale)
    approvals = approval_counts(profile)
    names = profile.candidates
    continuing, inactive = scored_account(ballots)
    rounds = [
        Round(
            number=1,
            tally=approvals,
            elected=tuple(names[i] for i in sorted({c for com in committees for c in com})),
            continuing=continuing,
            inactive=inactive,
            note=f"approvals; the committee{'s' if len(committees) > 1 else ''} with the largest {label}: {value:g}",
        )
    ]
    details = {
        "score": value,
        "exact_score": str(Fraction(score, scale * profile.scale)),
        "committees_tried": math.comb(len(names), seats),
    }
    return committee_outcome(
        ballots, profile, committees, tied, breaker, rounds, scores=approvals, details=details
    )


def approval_counts(profile: Profile) -> dict[str, float]:
    return {
        name: as_number(sum(profile.weights[r] for r in profile.approvers[c]), profile.scale)
        for c, name in enumerate(profile.candidates)
    }


# -- sequential rules ------------------------------------------------------------------

State = Hashable


@dataclass(frozen=True)
class Step:
    values: dict[int, Fraction]  # candidate -> this step's value, for the candidates in the running
    best: list[int]  # the candidates tied for the best value
    note: str


StepFn = Callable[[State, tuple[int, ...]], Step]
AdvanceFn = Callable[[State, tuple[int, ...], int], State]


def sequential(
    ballots: ScoredBallots,
    profile: Profile,
    seats: int,
    breaker: TieBreaker,
    start: State,
    step: StepFn,
    advance: AdvanceFn,
    scale_of_values: Fraction = Fraction(1),
    details: dict[str, Any] | None = None,
) -> Outcome:
    """Run a sequential rule: one round per seat; explore every tie under mode ``all``."""
    names = profile.candidates
    continuing, inactive = scored_account(ballots)
    rounds: list[Round] = []
    history: list[np.ndarray] = []
    committee: tuple[int, ...] = ()
    state = start
    for number in range(1, seats + 1):
        current = step(state, committee)
        chosen = current.best[0]
        if len(current.best) > 1:
            tied_names = tuple(names[i] for i in current.best)
            if breaker.mode == "all":
                breaker.record(
                    Tie(
                        round=number,
                        purpose="elect",
                        tied=tied_names,
                        mode="all",
                        chosen=tied_names,
                        detail="every branch explored; these rounds follow candidate order",
                    )
                )
            else:
                chosen = breaker.pick(
                    current.best, purpose="elect", round=number, history=history, lowest=False
                )
        tally = {names[c]: float(v * scale_of_values) for c, v in sorted(current.values.items())}
        array = np.full(len(names), np.nan)
        for c, v in current.values.items():
            array[c] = float(v)
        history.append(array)
        rounds.append(
            Round(
                number=number,
                tally=tally,
                elected=(names[chosen],),
                continuing=continuing,
                inactive=inactive,
                note=current.note,
            )
        )
        state = advance(state, committee, chosen)
        committee = committee + (chosen,)
    committees = [committee]
    if breaker.mode == "all":
        committees = explore(seats, start, step, advance)
    return committee_outcome(
        ballots, profile, committees, breaker.mode == "all", breaker, rounds, first=committee, details=details
    )


def explore(seats: int, start: State, step: StepFn, advance: AdvanceFn) -> list[tuple[int, ...]]:
    """Every committee reachable by some way of breaking the ties."""
    found: set[tuple[int, ...]] = set()
    seen: set[tuple[frozenset[int], State]] = set()
    stack: list[tuple[tuple[int, ...], State]] = [((), start)]
    visited = 0
    while stack:
        committee, state = stack.pop()
        if len(committee) == seats:
            found.add(tuple(sorted(committee)))
            continue
        key = (frozenset(committee), state)
        if key in seen:
            continue
        seen.add(key)
        visited += 1
        if visited > MAX_BRANCHES:
            raise RuleError(
                f"exploring every tie needs more than {MAX_BRANCHES:,} partial committees (limit); "
                "use another tiebreak"
            )
        current = step(state, committee)
        for c in current.best:
            stack.append((committee + (c,), advance(state, committee, c)))
    return sorted(found)


def best_of(values: Mapping[int, Fraction | None], lowest: bool) -> list[int]:
    """Candidates with the best value; None is the worst possible (never affordable/infinite)."""
    finite = {c: v for c, v in values.items() if v is not None}
    if not finite:
        return sorted(values)
    target = min(finite.values()) if lowest else max(finite.values())
    return sorted(c for c, v in finite.items() if v == target)
