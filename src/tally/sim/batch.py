"""Many simulated elections counted under many rules, in seeded chunks.

A run is split into chunks of a fixed size; chunk ``k`` draws its electorates from the
``k``-th child of ``numpy.random.SeedSequence(seed)``. Chunks are independent and their
per-election results are concatenated in chunk order, so a run gives identical results
whether its chunks run in one process or on any number of Dask workers.

Each election is counted by the registered rule functions themselves (the same code as
``tally count``), on ballots merged to their distinct rankings, so a thousand voters
over five candidates is at most 120 rows.
"""

from __future__ import annotations

import contextlib
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .. import limits
from ..ballots import SKIPPED, RankedBallots, RankedProfiles, ScoredBallots
from ..errors import ConfigError
from ..names import did_you_mean
from ..rules import count as count_rule
from ..rules import get_rule
from ..rules._batch import inactive_share
from .checks import amounts, failures
from .electorates import (
    Electorate,
    approval_from_utilities,
    borda_points,
    generate,
    ranking_keys,
    scores_from_utilities,
    truncate,
)
from .kernels import count_batch, count_profiles, fast_rule, strike
from .products import as_float, counting

__all__ = ["METRICS", "SimSpec", "chunk_seeds", "election_ballots", "profile_ballots", "run_chunk"]

METRICS = ("condorcet", "spoiler", "majority", "monotonicity", "participation", "utility", "exhausted")
DEFAULT_METRICS = ("condorcet", "spoiler", "majority", "utility", "exhausted")
NAMES = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True)
class SimSpec:
    """Everything that determines a simulation run (and so its results)."""

    electorate: str = "ic"
    candidates: int = 3
    voters: int = 1001
    elections: int = 1000
    rules: tuple[str, ...] = ("plurality", "irv", "borda")
    seed: int = 0
    params: dict[str, Any] = field(default_factory=dict)
    lengths: dict[int, float] | None = None  # truncation: {ballot length: probability}
    metrics: tuple[str, ...] = DEFAULT_METRICS
    chunk_size: int = 500
    approval_strategy: str = "above_mean"
    max_score: int = 5

    def __post_init__(self) -> None:
        unknown = sorted(set(self.metrics) - set(METRICS))
        if unknown:
            hint = did_you_mean(unknown[0], METRICS) or f"choose from {', '.join(METRICS)}"
            raise ConfigError(f"unknown metric {', '.join(unknown)}; {hint}")
        if self.candidates > len(NAMES):
            raise ConfigError(f"at most {len(NAMES)} candidates in a simulation")
        if self.elections < 1 or self.voters < 1 or self.chunk_size < 1:
            raise ConfigError("elections, voters and chunk size must be positive")
        limits.check("elections", self.elections, what="elections")
        if self.seed < 0:
            raise ConfigError(f"seed must be 0 or more, not {self.seed}")
        for name in self.rules:
            info = get_rule(name)
            if info.multiwinner and info.options.get("seats") != 1:
                raise ConfigError(f"rule {name!r} is multi-winner; simulations compare single-winner rules")

    @property
    def n_chunks(self) -> int:
        return -(-self.elections // self.chunk_size)

    def chunk_elections(self, k: int) -> int:
        return min(self.chunk_size, self.elections - k * self.chunk_size)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rules"] = list(self.rules)
        data["metrics"] = list(self.metrics)
        if self.lengths is not None:
            data["lengths"] = {str(k): v for k, v in self.lengths.items()}
        return data


def chunk_seeds(seed: int, n_chunks: int) -> list[np.random.SeedSequence]:
    """The seed of each chunk: the children of ``SeedSequence(seed)``, in chunk order."""
    return np.random.SeedSequence(seed).spawn(n_chunks)


def profile_ballots(rows: np.ndarray, weights: np.ndarray, candidates: Sequence[str]) -> RankedBallots:
    """Distinct rankings (k, C) with -1 tails and their voter counts as ballots."""
    return RankedProfiles(tuple(candidates), rows.astype(np.int8), np.asarray(weights)[None, :]).election(0)


def election_ballots(spec: SimSpec, electorate: Electorate, e: int, kind: str) -> Any:
    """Election ``e`` as the ballots a rule of ``kind`` counts.

    Approval and score ballots come from the model's utilities where it has them, else
    from Borda points of each ranking (see :mod:`tally.sim.electorates`).
    """
    names = NAMES[: spec.candidates]
    if kind == "ranked":
        return profile_ballots(*electorate.profile(e), names)
    if electorate.utilities is not None:
        utilities, weights = electorate.utilities[e], None
        if electorate.abstained is not None:
            # voters who abstain cast no ranking, so they cast no approval or score ballot either
            utilities = utilities[~electorate.abstained[e]]
    else:
        rows, weights = electorate.profile(e)
        utilities = borda_points(rows)
    if kind == "approval":
        marks = approval_from_utilities(utilities, spec.approval_strategy)
        return ScoredBallots.from_matrix(names, marks, weights, kind="approval")
    marks = scores_from_utilities(utilities, spec.max_score)
    return ScoredBallots.from_matrix(names, marks, weights, kind="score", max_score=spec.max_score)


def condorcet_winners(electorate: Electorate) -> np.ndarray:
    """Per election, the Condorcet winner's index or -1."""
    support = electorate.support()
    beats = support > support.transpose(0, 2, 1)
    c = support.shape[1]
    wins = beats.sum(axis=2)
    return np.where((wins == c - 1).any(axis=1), wins.argmax(axis=1), -1)


def _count(ballots: Any, rule: str) -> Any:
    """A rule with its default options, as ``tally count`` uses it (one-step rules leave
    ties standing; sequential ones break them by earlier rounds, then a seeded draw)."""
    return count_rule(ballots, rule)


MAX_ORDERS = 50_000


def as_profiles(electorate: Electorate, names: Sequence[str]) -> RankedProfiles | None:
    """The electorate as one table of distinct rankings with counts per election, or None
    when it holds too many distinct rankings for the batch path to pay."""
    if electorate.orders is not None and electorate.counts is not None:
        return RankedProfiles(tuple(names), electorate.orders, electorate.counts)
    assert electorate.rankings is not None
    e, v, c = electorate.rankings.shape
    keys = ranking_keys(electorate.rankings)
    unique, first, inverse = np.unique(keys.ravel(), return_index=True, return_inverse=True)
    if unique.size > MAX_ORDERS:
        return None
    orders = electorate.rankings.reshape(e * v, c)[first]
    counts = np.bincount(
        np.repeat(np.arange(e), v) * unique.size + inverse.ravel(), minlength=e * unique.size
    )
    return RankedProfiles(tuple(names), orders.astype(np.int8), counts.reshape(e, unique.size))


def _winners_matrix(
    spec: SimSpec,
    electorate: Electorate,
    profiles: RankedProfiles | None,
    rule: str,
    ballots_of: Callable[[int, str], Any],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(winners (E, C) bool, tied (E,), inactive share (E,)) of every election under ``rule``."""
    info = get_rule(rule)
    n, c = electorate.shape[0], spec.candidates
    if profiles is not None and fast_rule(rule):
        counted = count_profiles(info.name, profiles.candidates, profiles.orders, profiles.counts)
        return counted.winners, counted.tied, counted.inactive
    if profiles is not None and info.accepts("profiles"):
        batch = count_batch(profiles, rule)
        share = batch.inactive_share if batch.inactive_share is not None else np.zeros(n)
        return batch.winners, batch.winners.sum(axis=1) > 1, share
    kind = "ranked" if info.accepts("ranked") else ("approval" if info.accepts("approval") else "score")
    winners = np.zeros((n, c), dtype=bool)
    share = np.zeros(n)
    for e in range(n):
        ballots = ballots_of(e, kind)
        outcome = _count(ballots, rule)
        for w in outcome.winners:
            winners[e, NAMES.index(w)] = True
        share[e] = inactive_share(outcome)
    return winners, winners.sum(axis=1) > 1, share


def _float_counts(profiles: RankedProfiles | None) -> np.ndarray | None:
    """The profiles' counts as float64, made once per chunk for every metric that asks."""
    return as_float(profiles.counts) if profiles is not None else None


def _spoilers(
    spec: SimSpec,
    profiles: RankedProfiles | None,
    rule: str,
    winners: np.ndarray,
    ballots_of: Callable[[int, str], Any],
) -> np.ndarray:
    """Per election: does striking some losing candidate change the winners? (1.0 or 0.0;
    NaN for rules that do not count rankings, where it is not measured)."""
    n, c = winners.shape
    info = get_rule(rule)
    if not info.accepts("ranked"):
        return np.full(n, np.nan)
    found = np.zeros(n, dtype=bool)
    if c < 3:
        return found.astype(float)
    if profiles is not None and info.accepts("profiles"):
        fast = fast_rule(rule)
        for drop in range(c):
            if fast:
                names = tuple(x for i, x in enumerate(profiles.candidates) if i != drop)
                struck = strike(profiles.orders, drop)
                recount = count_profiles(fast, names, struck, profiles.counts).winners
            else:
                recount = count_batch(profiles.without(drop), rule).winners
            back = np.insert(recount, drop, False, axis=1)
            found |= ~winners[:, drop] & (back != winners).any(axis=1)
        return found.astype(float)
    for e in range(n):
        found[e] = _has_spoiler(ballots_of(e, "ranked"), frozenset(np.flatnonzero(winners[e]).tolist()), rule)
    return found.astype(float)


FAST_DRAWS_FROM = 40_000_000
"""Binomial draws in a run from which the compiled draws (:mod:`tally.sim.draws`) pay
for starting numba in a new process (about a second): they save some 25 ns a draw."""


def fast_draws(spec: SimSpec) -> bool:
    """Whether the compiled draws pay (the electorates are the same either way): numba
    is running in this process already (loading tally's kernels then takes some 20 ms),
    or the run is large enough to pay for starting it."""
    if spec.candidates > 7:
        return False
    return "numba" in sys.modules or spec.elections * (math.factorial(spec.candidates) - 1) >= FAST_DRAWS_FROM


def draw_chunk(
    spec: SimSpec, k: int, seed: np.random.SeedSequence, out: np.ndarray | None = None
) -> Electorate:
    """Chunk ``k``'s electorates, drawn from its own seed (the counts of a model drawing
    all rankings at once into ``out`` when it has their shape and nothing follows)."""
    rng = np.random.default_rng(seed)
    electorate = generate(
        spec.electorate,
        rng,
        spec.chunk_elections(k),
        spec.voters,
        spec.candidates,
        fast=fast_draws(spec),
        out=None if spec.lengths else out,
        **spec.params,
    )
    if spec.lengths:
        electorate = truncate(electorate, rng, spec.lengths)
    return electorate


class _Table:
    """Consecutive chunks in profile form over the same rankings, counted together: their
    counts drawn (or copied) into one array, which serves table after table."""

    def __init__(self) -> None:
        self.orders: np.ndarray | None = None
        self.counts = np.empty((0, 0), dtype=np.int64)
        self.filled = 0
        self.numbers: list[np.ndarray] = []

    def room(self, n: int) -> np.ndarray | None:
        """Where the next chunk's ``n`` elections may be drawn, if this table has room."""
        return self.counts[self.filled : self.filled + n] if self.filled + n <= len(self.counts) else None

    def takes(self, electorate: Electorate) -> bool:
        """Whether the chunk joins this table (the same rankings, and room for them)."""
        assert electorate.counts is not None
        return self.orders is None or (
            self.filled + len(electorate.counts) <= len(self.counts)
            and np.array_equal(self.orders, electorate.orders)  # type: ignore[arg-type]
        )

    def add(self, electorate: Electorate, numbers: np.ndarray) -> None:
        assert electorate.orders is not None and electorate.counts is not None
        n, m = electorate.counts.shape
        if self.orders is None:
            self.orders = electorate.orders
            if self.counts.shape[1] != m or len(self.counts) < n:
                self.counts = np.empty((max(n, TABLE_CELLS // m), m), dtype=np.int64)
        place = self.counts[self.filled : self.filled + n]
        if electorate.counts.ctypes.data != place.ctypes.data:
            # drawn elsewhere, or here before the table was counted and emptied
            place[...] = electorate.counts
        self.filled += n
        self.numbers.append(numbers)

    def full(self) -> bool:
        return self.filled * self.counts.shape[1] >= TABLE_CELLS

    def take(self) -> tuple[Electorate, np.ndarray] | None:
        """The table's elections and their numbers, and the table emptied for the next."""
        if self.orders is None:
            return None
        taken = (
            Electorate(orders=self.orders, counts=self.counts[: self.filled]),
            np.concatenate(self.numbers),
        )
        self.orders, self.filled, self.numbers = None, 0, []
        return taken


def run_chunk(spec: SimSpec, k: int, seed: np.random.SeedSequence | None = None) -> dict[str, np.ndarray]:
    """Per-election results of chunk ``k`` as flat columns (ready for Parquet)."""
    if seed is None:
        seed = chunk_seeds(spec.seed, spec.n_chunks)[k]
    return run_chunks(spec, [k], [seed])


def run_chunks(
    spec: SimSpec, ks: Sequence[int], seeds: Sequence[np.random.SeedSequence]
) -> dict[str, np.ndarray]:
    """Per-election results of chunks ``ks`` (each drawn from its own seed), in order.

    Consecutive chunks in profile form over the same rankings are counted together as
    one table (up to :data:`TABLE_CELLS` counts); each election's result depends on its
    own chunk's seed only, so grouping chunks changes nothing but the speed.
    """
    with _one_blas_thread(), counting():
        parts: list[dict[str, np.ndarray]] = []
        table = _Table()

        def flush() -> None:
            taken = table.take()
            if taken is not None:
                parts.append(count_electorate(spec, *taken))

        for k, seed in zip(ks, seeds):
            electorate = draw_chunk(spec, k, seed, out=table.room(spec.chunk_elections(k)))
            numbers = np.arange(k * spec.chunk_size, k * spec.chunk_size + spec.chunk_elections(k))
            if electorate.orders is None:
                flush()
                parts.append(count_electorate(spec, electorate, numbers))
                continue
            if not table.takes(electorate):
                flush()
            table.add(electorate, numbers)
            if table.full():
                flush()
        flush()
    if len(parts) == 1:
        return parts[0]
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


TABLE_CELLS = 2_000_000  # counts per table: 16 MB, kept near the cache


def _one_blas_thread() -> Any:
    """Keep BLAS to one thread: the products here are many and small, and threads
    waiting on a busy core cost more than they give (Dask workers run one task a core)."""
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - depends on the install
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")


def count_electorate(spec: SimSpec, electorate: Electorate, numbers: np.ndarray) -> dict[str, np.ndarray]:
    """Per-election results of these elections (numbered ``numbers``) as flat columns.

    Rules with a kernel (see :mod:`tally.sim.kernels`) or a batch fast path count every
    election at once on its table of distinct rankings; the others count election by
    election. Both give what ``tally count`` gives for each election.
    """
    n = numbers.size
    names = NAMES[: spec.candidates]
    cw = condorcet_winners(electorate)
    columns: dict[str, np.ndarray] = {"election": numbers, "condorcet_winner": _index(cw)}
    totals = electorate.utility_totals() if "utility" in spec.metrics else None
    if totals is not None:
        columns["utility_best"] = totals.max(axis=1)
        columns["utility_mean"] = totals.mean(axis=1)
    first = electorate.first_counts()
    # a majority of the ballots cast: abstainers (spatial ``abstain_beyond``) are not voters
    cast = first.sum(axis=1, keepdims=True)
    majority = np.where((first * 2 > cast).any(axis=1), first.argmax(axis=1), -1)
    columns["majority_candidate"] = _index(majority)
    profiles = (
        as_profiles(electorate, names) if any(get_rule(r).accepts("profiles") for r in spec.rules) else None
    )
    made: dict[tuple[int, str], Any] = {}

    def ballots_of(e: int, kind: str) -> Any:
        # each election's ballots are built once and shared by every rule
        if (e, kind) not in made:
            made[(e, kind)] = election_ballots(spec, electorate, e, kind)
        return made[(e, kind)]

    rows = np.arange(n)
    for rule in spec.rules:
        winners, tied, inactive = _winners_matrix(spec, electorate, profiles, rule, ballots_of)
        size = winners.sum(axis=1)
        has = size > 0
        share = np.where(has, 1.0 / np.maximum(size, 1), 0.0)
        prefix = f"{rule}__"
        columns[prefix + "winner"] = _index(np.where(has, winners.argmax(axis=1), -1))
        columns[prefix + "tied"] = tied
        cw_in = winners[rows, np.maximum(cw, 0)]
        columns[prefix + "cw_hit"] = np.where(cw >= 0, np.where(cw_in, share, 0.0), np.nan)
        # a metric not asked for gets no column (not one of NaN): less to ship and store
        if "majority" in spec.metrics:
            maj_in = winners[rows, np.maximum(majority, 0)]
            columns[prefix + "majority_fail"] = np.where(majority >= 0, (~maj_in).astype(float), np.nan)
        if "spoiler" in spec.metrics:
            columns[prefix + "spoiler"] = _spoilers(spec, profiles, rule, winners, ballots_of)
        sole = np.where(size == 1, winners.argmax(axis=1), -1) if get_rule(rule).accepts("ranked") else None
        for metric, check in (
            ("monotonicity", _monotonicity_failure),
            ("participation", _participation_failure),
        ):
            if sole is not None and metric in spec.metrics:
                columns[f"{prefix}{metric}_fail"] = failures(
                    metric, rule, profiles, sole, check, ballots_of, _float_counts(profiles)
                )
        if totals is not None:
            mean_utility = (totals * winners).sum(axis=1) / np.maximum(size, 1)
            columns[prefix + "utility"] = np.where(has, mean_utility, np.nan)
        if "exhausted" in spec.metrics:
            columns[prefix + "exhausted"] = inactive
    return columns


def _index(candidates: np.ndarray) -> np.ndarray:
    """Candidate indices (-1 for none) as int8: a simulation has at most 26 candidates
    (:data:`NAMES`), and a run of millions of elections ships and stores these columns."""
    return candidates.astype(np.int8)


def _without(ballots: RankedBallots, drop: int) -> RankedBallots:
    """A simulated election's ballots (rankings with blank tails) with one candidate
    struck out, later ranks moving up, identical rankings merged again."""
    profile = RankedProfiles(ballots.candidates, ballots.choices.astype(np.int8), ballots.weights[None, :])
    fewer = profile.without(drop).election(0)
    return RankedBallots.from_matrix(fewer.candidates, fewer.choices, fewer.weights)


def _has_spoiler(ballots: RankedBallots, winners: frozenset[int], rule: str) -> bool:
    """True when striking some losing candidate from every ballot changes the winners."""
    if ballots.n_candidates < 3:
        return False
    for loser in range(ballots.n_candidates):
        if loser in winners:
            continue
        outcome = _count(_without(ballots, loser), rule)
        if {ballots.candidates.index(w) for w in outcome.winners} != set(winners):
            return True
    return False


def _monotonicity_failure(ballots: RankedBallots, winner: int, rule: str) -> bool:
    """Upward monotonicity: raising the winner to first place on some ballots of one kind
    never makes the winner lose.

    Tries each distinct ranking that places the winner below first, raising the winner on
    every number of those ballots (up to 40 of them; 40 amounts spread evenly beyond), so
    a True is a real failure and the rate is a lower bound on the rule's failure rate.
    """
    names = ballots.candidates
    for i, (row, weight) in enumerate(zip(ballots.choices, ballots.weights)):
        marks = [int(x) for x in row if x >= 0]
        if not marks or marks[0] == winner:
            continue
        raised = [winner] + [x for x in marks if x != winner]
        raised_row = np.full(row.shape[0], SKIPPED, dtype=row.dtype)
        raised_row[: len(raised)] = raised[: row.shape[0]]
        for moved in amounts(weight):
            choices = np.vstack([ballots.choices, raised_row[None, :]])
            weights = np.append(ballots.weights, moved)
            weights[i] -= moved
            outcome = _count(RankedBallots.from_matrix(names, choices, weights), rule)
            if names[winner] not in outcome.winners:
                return True
    return False


def _participation_failure(ballots: RankedBallots, winner: int, rule: str) -> bool:
    """No-show paradox: some voters of one kind get a winner they prefer by staying home.

    Tries removing every number of ballots of each distinct ranking (up to 40; 40 amounts
    spread evenly beyond); a True is a real failure, the rate a lower bound.
    """
    pos = ballots.positions()
    for i, weight in enumerate(ballots.weights):
        for removed in amounts(weight):
            weights = ballots.weights.copy()
            weights[i] -= removed
            outcome = _count(ballots.with_weights(weights), rule)
            if len(outcome.winners) == 1:
                new = ballots.candidates.index(outcome.winners[0])
                if pos[i, new] < pos[i, winner]:
                    return True
    return False
