"""Synthetic electorates: seeded, vectorised generators of many elections at once.

Every generator returns an :class:`Electorate` holding, for ``E`` elections of ``V``
voters and ``C`` candidates, each voter's strict ranking as an ``(E, V, C)`` int8 array
of candidate indices (best first) and, where the model has them, utilities. Truncated
ballots mark their unranked tail with -1.

All randomness comes from the ``numpy.random.Generator`` passed in, so the same seed
gives the same electorate.

Models
------
``ic``               impartial culture: every ranking equally likely, independently.
``iac``              impartial anonymous culture: every anonymous profile equally likely
                     (a Dirichlet(1, ..., 1)-multinomial over the C! rankings).
``mallows``          Mallows model with dispersion ``phi`` around a reference order
                     (repeated insertion; phi=1 is IC, phi=0 everyone agrees).
``plackett_luce``    Plackett–Luce with candidate ``weights`` (Gumbel-max sampling).
``urn``              Pólya–Eggenberger urn with replacement ``alpha`` (each drawn ranking
                     returns with ``alpha * C!`` extra copies; alpha=0 is IC, alpha=1/C! ... ),
                     sampled as the equivalent Dirichlet(1/alpha)-multinomial.
``spatial``          voters and candidates in ``dims`` dimensions (standard normal, or
                     candidates around ``parties`` cluster centres); utility is minus the
                     Euclidean distance; optional abstention of voters farther than
                     ``abstain_beyond`` from every candidate.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from itertools import permutations
from typing import Any

import numpy as np

from .. import limits
from ..errors import ConfigError
from ..names import did_you_mean
from .draws import multinomial
from .products import exact_product

__all__ = [
    "ELECTORATES",
    "Electorate",
    "approval_from_utilities",
    "generate",
    "scores_from_utilities",
    "truncate",
]


@dataclass(frozen=True, eq=False)
class Electorate:
    """E elections of V voters over C candidates, in one of two forms.

    *Voter form*: ``rankings`` (E, V, C) int8, each voter's ranking best first, -1 for
    unranked positions, with optional ``utilities`` (E, V, C) and ``abstained`` (E, V).
    *Profile form*: ``orders`` (m, C) int8 distinct rankings (-1 tails for truncated ones)
    and ``counts`` (E, m) voters casting each: what models defined on anonymous profiles
    (IC, IAC, urn) produce directly, and all that counting needs.
    """

    rankings: np.ndarray | None = None
    utilities: np.ndarray | None = None
    abstained: np.ndarray | None = None
    orders: np.ndarray | None = None
    counts: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int, int]:
        if self.rankings is not None:
            return self.rankings.shape  # type: ignore[return-value]
        assert self.orders is not None and self.counts is not None
        return (self.counts.shape[0], int(self.counts[0].sum()), self.orders.shape[1])

    def profile(self, e: int) -> tuple[np.ndarray, np.ndarray]:
        """Election ``e`` as (distinct rankings (k, C) with -1 tails, voters per ranking)."""
        if self.orders is not None and self.counts is not None:
            used = np.flatnonzero(self.counts[e])
            return self.orders[used], self.counts[e, used].astype(np.float64)
        assert self.rankings is not None
        rankings = self.rankings[e]
        _, first, counts = np.unique(ranking_keys(rankings), return_index=True, return_counts=True)
        return rankings[first], counts.astype(np.float64)

    def support(self) -> np.ndarray:
        """(E, C, C) pairwise support: voters ranking i above j (unranked tie last)."""
        if self.orders is not None and self.counts is not None:
            c = self.orders.shape[1]
            pos = _positions(self.orders)
            above = (pos[:, :, None] < pos[:, None, :]).reshape(-1, c * c).astype(np.float64)
            # (C, C, E) in memory: comparisons of pairs run along rows of elections
            return exact_product(self.counts, above).T.reshape(c, c, -1).transpose(2, 0, 1)
        assert self.rankings is not None
        pos = _positions(self.rankings)
        e, _, c = self.rankings.shape
        support = np.zeros((e, c, c))
        for i in range(c):
            support[:, i, :] = (pos[:, :, i : i + 1] < pos).sum(axis=1)
        return support

    def utility_totals(self) -> np.ndarray:
        """(E, C) total utility per candidate: the model's utilities, or Borda points
        (C-1 for first, ..., 0 for last and unranked) when the model has none."""
        if self.utilities is not None:
            return self.utilities.sum(axis=1)
        if self.orders is not None and self.counts is not None:
            return exact_product(self.counts, borda_points(self.orders))
        assert self.rankings is not None
        return borda_points(self.rankings).sum(axis=1)

    def first_counts(self) -> np.ndarray:
        """(E, C) first choices per candidate (blank ballots count for nobody)."""
        _e, _, c = self.shape
        if self.orders is not None and self.counts is not None:
            first = (self.orders[:, :1] == np.arange(c)[None, :]).astype(np.float64)
            # whole numbers: the float product is exact, and far faster than an integer one
            return exact_product(self.counts, first, wide=False).astype(self.counts.dtype)
        assert self.rankings is not None
        first = self.rankings[:, :, 0]
        return np.stack([(first == k).sum(axis=1) for k in range(c)], axis=1)


def ranking_keys(rankings: np.ndarray) -> np.ndarray:
    """One int64 per ranking (last axis), equal exactly when the rankings are equal."""
    c = rankings.shape[-1]
    keys = np.zeros(rankings.shape[:-1], dtype=np.int64)
    for r in range(c):
        keys = keys * (c + 1) + (rankings[..., r].astype(np.int64) + 1)
    return keys


def borda_points(rankings: np.ndarray) -> np.ndarray:
    """Per ranking, C-1 points to the first candidate down to 0 for the last and unranked:
    the utilities assumed when a model has none of its own."""
    c = rankings.shape[-1]
    pos = _positions(rankings)
    return np.where(pos < c, c - 1 - pos, 0).astype(np.float64)


def _positions(rankings: np.ndarray) -> np.ndarray:
    """(..., C) position of each candidate in each ranking; C where unranked."""
    c = rankings.shape[-1]
    flat = rankings.reshape(-1, c)
    pos = np.full(flat.shape, c, dtype=np.int16)
    rows = np.arange(flat.shape[0])
    for r in range(c):
        col = flat[:, r]
        ok = col >= 0
        pos[rows[ok], col[ok]] = r
    return pos.reshape(rankings.shape)


def _rank_by(keys: np.ndarray) -> np.ndarray:
    """Rankings from keys: the candidate with the highest key first."""
    return np.argsort(-keys, axis=-1, kind="stable").astype(np.int8)


def _all_orders(c: int) -> np.ndarray:
    if c > 8:
        raise ConfigError(f"this model enumerates all {c}! rankings; use at most 8 candidates")
    return np.array(list(permutations(range(c))), dtype=np.int8)


def impartial_culture(
    rng: np.random.Generator,
    elections: int,
    voters: int,
    candidates: int,
    *,
    fast: bool = False,
    out: np.ndarray | None = None,
) -> Electorate:
    if candidates <= 7:
        orders = _all_orders(candidates)
        pvals = np.full(len(orders), 1.0 / len(orders))
        if out is not None and out.shape != (elections, len(orders)):
            out = None
        counts = multinomial(rng, voters, pvals, elections, fast=fast, out=out)
        return Electorate(orders=orders, counts=counts)
    return Electorate(rankings=_rank_by(rng.random((elections, voters, candidates))))


def impartial_anonymous_culture(
    rng: np.random.Generator, elections: int, voters: int, candidates: int
) -> Electorate:
    orders = _all_orders(candidates)
    probs = rng.dirichlet(np.ones(len(orders)), size=elections)
    counts = np.stack([rng.multinomial(voters, p) for p in probs])
    return Electorate(orders=orders, counts=counts)


def urn(
    rng: np.random.Generator,
    elections: int,
    voters: int,
    candidates: int,
    *,
    alpha: float = 0.1,
    fast: bool = False,
    out: np.ndarray | None = None,
) -> Electorate:
    if alpha < 0:
        raise ConfigError("urn alpha must be at least 0")
    if alpha == 0:
        return impartial_culture(rng, elections, voters, candidates, fast=fast, out=out)
    orders = _all_orders(candidates)
    probs = rng.dirichlet(np.full(len(orders), 1.0 / (alpha * len(orders))), size=elections)
    counts = np.stack([rng.multinomial(voters, p) for p in probs])
    return Electorate(orders=orders, counts=counts)


def mallows(
    rng: np.random.Generator,
    elections: int,
    voters: int,
    candidates: int,
    *,
    phi: float = 0.5,
    reference: tuple[int, ...] | None = None,
) -> Electorate:
    """Repeated insertion: the i-th reference candidate goes to position j <= i with
    probability proportional to phi**(i - j)."""
    if not 0 <= phi <= 1:
        raise ConfigError("mallows phi must lie between 0 and 1")
    ref = np.arange(candidates) if reference is None else np.asarray(reference)
    if sorted(ref.tolist()) != list(range(candidates)):
        raise ConfigError("mallows reference must be an ordering of all candidates")
    n = elections * voters
    # position keys: insert candidate i at slot j; track with an explicit list per step
    out = np.full((n, candidates), -1, dtype=np.int8)
    for i in range(candidates):
        weights = phi ** (i - np.arange(i + 1)) if phi > 0 else np.eye(1, i + 1, i).ravel()
        slot = rng.choice(i + 1, size=n, p=weights / weights.sum())
        # shift the tail right by one where the new candidate goes in front of it
        # (i candidates are placed so far)
        cols = np.arange(i + 1)
        shifted = np.where(
            cols[None, :] > slot[:, None], np.roll(out[:, : i + 1], 1, axis=1), out[:, : i + 1]
        )
        shifted[np.arange(n), slot] = ref[i]
        out[:, : i + 1] = shifted
    return Electorate(rankings=out.reshape(elections, voters, candidates))


def plackett_luce(
    rng: np.random.Generator,
    elections: int,
    voters: int,
    candidates: int,
    *,
    weights: tuple[float, ...] | None = None,
) -> Electorate:
    w = np.ones(candidates) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (candidates,) or np.any(w <= 0):
        raise ConfigError(f"plackett_luce needs {candidates} positive weights")
    keys = np.log(w) + rng.gumbel(size=(elections, voters, candidates))
    return Electorate(rankings=_rank_by(keys))


def spatial(
    rng: np.random.Generator,
    elections: int,
    voters: int,
    candidates: int,
    *,
    dims: int = 2,
    parties: int = 0,
    spread: float = 0.3,
    abstain_beyond: float | None = None,
) -> Electorate:
    if dims < 1 or parties < 0 or spread < 0 or (abstain_beyond is not None and abstain_beyond < 0):
        raise ConfigError("spatial needs dims >= 1, parties >= 0, spread >= 0 and abstain_beyond >= 0")
    voter_pos = rng.standard_normal((elections, voters, dims))
    if parties:
        centres = rng.standard_normal((elections, parties, dims))
        member = rng.integers(0, parties, size=(elections, candidates))
        cand_pos = np.take_along_axis(centres, member[..., None], axis=1) + spread * rng.standard_normal(
            (elections, candidates, dims)
        )
    else:
        cand_pos = rng.standard_normal((elections, candidates, dims))
    dist = np.linalg.norm(voter_pos[:, :, None, :] - cand_pos[:, None, :, :], axis=-1)
    utilities = -dist
    rankings = _rank_by(utilities)
    abstained = None
    if abstain_beyond is not None:
        abstained = dist.min(axis=-1) > abstain_beyond
        rankings = np.where(abstained[..., None], np.int8(-1), rankings)
    return Electorate(rankings=rankings, utilities=utilities, abstained=abstained)


ELECTORATES = {
    "ic": impartial_culture,
    "iac": impartial_anonymous_culture,
    "mallows": mallows,
    "plackett_luce": plackett_luce,
    "urn": urn,
    "spatial": spatial,
}


def _whole(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ConfigError(f"spatial dims must be a whole number, not {value!r}")
    return int(value)


def _check_numbers(model: str, params: dict[str, Any]) -> None:
    """Refuse a model parameter that should be a number but is text, NaN or infinite
    (``-p phi=nan`` arrives as the text 'nan'), naming it."""
    signature = inspect.signature(ELECTORATES[model])
    for name, value in params.items():
        known = signature.parameters.get(name)
        if known is None or str(known.annotation).split(" | ")[0] not in ("float", "int"):
            continue  # unknown parameters are named by the call; lists are checked by the model
        if value is None and "None" in str(known.annotation):
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ConfigError(f"electorate {model!r}: {name} must be a finite number, not {value!r}")


FAST_DRAWS = ("ic", "urn")  # models drawing by :func:`tally.sim.draws.multinomial`


def generate(
    model: str,
    rng: np.random.Generator,
    elections: int,
    voters: int,
    candidates: int,
    *,
    fast: bool = False,
    out: np.ndarray | None = None,
    **params: float,
) -> Electorate:
    """Draw ``elections`` electorates from the named model.

    ``fast`` asks for the compiled draws where the model has them; the electorates are
    the same either way. ``out`` is where a model drawing its counts of all rankings at
    once (impartial culture) may draw them, when it has their shape.
    """
    if model not in ELECTORATES:
        hint = did_you_mean(model, list(ELECTORATES)) or f"choose one of {', '.join(ELECTORATES)}"
        raise ConfigError(f"unknown electorate {model!r}; {hint}")
    if candidates < 2 or voters < 1 or elections < 1:
        raise ConfigError("need at least 2 candidates, 1 voter and 1 election")
    if candidates > 127:
        raise ConfigError("at most 127 candidates")
    if model in ("mallows", "plackett_luce", "spatial") or (model == "ic" and candidates > 7):
        # these draw every voter's ranking (and, spatially, position) as one array
        width = max(candidates, _whole(params.get("dims", 2))) if model == "spatial" else candidates
        limits.check(
            "cells",
            elections * voters * width,
            what=f"{model} draws each voter: {elections:,} elections × {voters:,} voters × {width:,} =",
        )
    _check_numbers(model, params)
    draws: dict[str, Any] = {"fast": fast, "out": out} if model in FAST_DRAWS else {}
    try:
        return ELECTORATES[model](rng, elections, voters, candidates, **params, **draws)
    except TypeError as exc:
        raise ConfigError(f"electorate {model!r}: {exc}") from None


def truncate(electorate: Electorate, rng: np.random.Generator, lengths: dict[int, float]) -> Electorate:
    """Cut each ballot to a length drawn from ``lengths`` ({length: probability}).

    In profile form the voters of each ranking are split among the lengths by a
    multinomial draw, which is the same distribution as drawing a length per voter.
    """
    sizes = np.array(sorted(lengths))
    probs = np.array([lengths[s] for s in sizes], dtype=float)
    if sizes.min() < 1 or np.any(probs < 0) or not math.isclose(probs.sum(), 1.0, abs_tol=1e-9):
        raise ConfigError("ballot lengths must be >= 1 with probabilities summing to 1")
    e, v, c = electorate.shape
    ranks = np.arange(c)
    if electorate.rankings is None:
        assert electorate.orders is not None and electorate.counts is not None
        m = electorate.orders.shape[0]
        split = rng.multinomial(electorate.counts.reshape(-1), probs).reshape(e, m, len(sizes))
        orders = np.concatenate(
            [np.where(ranks[None, :] < size, electorate.orders, np.int8(-1)) for size in sizes]
        )
        counts = np.concatenate([split[:, :, k] for k in range(len(sizes))], axis=1)
        return Electorate(orders=orders.astype(np.int8), counts=counts)
    keep = rng.choice(sizes, size=(e, v), p=probs)
    rankings = np.where(ranks[None, None, :] < keep[..., None], electorate.rankings, np.int8(-1))
    return Electorate(rankings=rankings, utilities=electorate.utilities, abstained=electorate.abstained)


def approval_from_utilities(utilities: np.ndarray, strategy: str = "above_mean") -> np.ndarray:
    """Approval ballots (E, V, C) of 0/1 from utilities.

    ``above_mean``: approve every candidate above the voter's mean utility (the classic
    sincere strategy); ``top_half``: approve the better half; ``favourite``: only the top one.
    """
    if strategy == "above_mean":
        return (utilities > utilities.mean(axis=-1, keepdims=True)).astype(np.int8)
    if strategy == "top_half":
        order = np.argsort(np.argsort(-utilities, axis=-1), axis=-1)
        return (order < utilities.shape[-1] / 2).astype(np.int8)
    if strategy == "favourite":
        return (utilities == utilities.max(axis=-1, keepdims=True)).astype(np.int8)
    raise ConfigError(f"unknown approval strategy {strategy!r}; use above_mean, top_half or favourite")


def scores_from_utilities(utilities: np.ndarray, max_score: int = 5) -> np.ndarray:
    """Score ballots: each voter's utilities scaled linearly so their worst gets 0 and best
    ``max_score``, rounded to whole points (normalised sincere scoring)."""
    low = utilities.min(axis=-1, keepdims=True)
    high = utilities.max(axis=-1, keepdims=True)
    span = np.where(high > low, high - low, 1.0)
    return np.rint((utilities - low) / span * max_score).astype(np.int8)
