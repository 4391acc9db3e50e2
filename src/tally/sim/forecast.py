"""Poll-based forecasts: Electoral College odds and House control by simulation.

Error model (margins in percentage points, normal errors, all independent):

    simulated margin(state) = poll margin(state) + national + region(state) + state

``national`` is one draw per simulation shared by every state (a systematic polling
miss); ``region`` one draw per census region (Northeast, Midwest, South, West) per
simulation; ``state`` one draw per state. The default standard deviations (2.5, 1.5 and
3 points) are assumptions of the same size as historical US polling errors, not
estimates; pass your own. A state's ``sd`` column in the polls file replaces the state
term's deviation for that state.

Congressional districts of Maine and Nebraska (``ME-1``, ``NE-2``, ...) may appear as
their own rows with their own electoral votes; they share their state's region. Every
simulated elector votes as pledged (the result says so in ``"electors"``); the
electoral votes of each state come from :mod:`tally.procedures.electoral_college`, handed
in by the caller (the command line reads them from the bundled data of the year).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import headlines, limits
from ..ballots import Tallies
from ..errors import BallotError, ConfigError, DataError
from ..procedures import electoral_college as ec

__all__ = [
    "REGIONS",
    "ErrorModel",
    "PollTable",
    "electoral_college_forecast",
    "house_control",
    "polls_from_results",
    "read_polls",
]

_REGION_STATES = {
    "Northeast": "CT ME MA NH RI VT NJ NY PA",
    "Midwest": "IL IN MI OH WI IA KS MN MO NE ND SD",
    "South": "DE FL GA MD NC SC VA DC WV AL KY MS TN AR LA OK TX",
    "West": "AZ CO ID MT NV NM UT WY AK CA HI OR WA",
}
REGIONS = {state: region for region, states in _REGION_STATES.items() for state in states.split()}


@dataclass(frozen=True)
class ErrorModel:
    national_sd: float = 2.5
    regional_sd: float = 1.5
    state_sd: float = 3.0

    def __post_init__(self) -> None:
        sds = (self.national_sd, self.regional_sd, self.state_sd)
        if not all(math.isfinite(sd) for sd in sds):
            # a NaN spread compares false everywhere: every state would go one way, silently
            raise ConfigError(f"error standard deviations must be finite numbers, not {sds}")
        if min(sds) < 0:
            raise ConfigError("error standard deviations cannot be negative")


@dataclass(frozen=True)
class PollTable:
    """Poll margins (first candidate minus second, points) and electoral votes per area."""

    candidates: tuple[str, str]
    areas: tuple[str, ...]
    margin: np.ndarray
    electoral_votes: np.ndarray
    sd: np.ndarray  # NaN where the model's state sd applies
    year: int | None = None


def read_polls(
    path: str, year: int | None = None, electoral_votes: dict[str, int] | None = None
) -> PollTable:
    """Read ``state,dem,rep[,sd][,ev]`` (shares in percent; the first two data columns
    after ``state`` name the candidates).

    Without an ``ev`` column each state's electors come from ``electoral_votes`` (area →
    electors, see :func:`tally.procedures.electoral_college.electoral_votes` of the year's
    presidential tallies). Raises :class:`~tally.errors.ConfigError` when neither says.
    """
    file = Path(path)
    if not file.exists():
        raise BallotError("no such file", file=path)
    with file.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise BallotError("empty polls file", file=path) from None
        if len(header) < 3 or header[0].lower() != "state":
            raise BallotError("header must be state,<candidate A>,<candidate B>[,sd][,ev]", file=path, line=1)
        extra = [h.lower() for h in header[3:]]
        for name in extra:
            if name not in ("sd", "ev"):
                raise BallotError(f"unknown column {name!r}", file=path, line=1)
        rows = []
        for line, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) != len(header):
                raise BallotError(f"expected {len(header)} fields, found {len(row)}", file=path, line=line)
            try:
                values = [float(x) for x in row[1:]]
            except ValueError:
                raise BallotError("shares, sd and ev must be numbers", file=path, line=line) from None
            # float() also reads "nan" and "inf", which would silently decide the state
            for name, value in zip(header[1:], values):
                if not np.isfinite(value) or value < 0:
                    raise BallotError(
                        f"{value:g} is not a number of 0 or more", file=path, line=line, field=name
                    )
            if "ev" in extra and not values[2 + extra.index("ev")].is_integer():
                raise BallotError(
                    "electoral votes must be whole", file=path, line=line, field=header[3 + extra.index("ev")]
                )
            rows.append((row[0].strip().upper(), values, line))
    if not rows:
        raise BallotError("no polls in file", file=path)
    areas = tuple(r[0] for r in rows)
    if len(set(areas)) != len(areas):
        dup = next(a for a in areas if areas.count(a) > 1)
        raise BallotError(f"state {dup} appears twice", file=path)
    columns = dict(zip(extra, range(2, 2 + len(extra))))
    if "ev" in columns:
        ev = np.array([r[1][columns["ev"]] for r in rows])
    else:
        if electoral_votes is None:
            raise ConfigError(
                "give --year or an ev column"
                if year is None
                else f"no electoral votes known for {year}: add an ev column"
            )
        known = electoral_votes
        missing = [a for a in areas if a not in known]
        if missing:
            raise BallotError(f"no electoral votes for {', '.join(missing)} in {year}", file=path)
        ev = np.array([known[a] for a in areas], dtype=float)
    for area, _, line in rows:
        if area.split("-")[0] not in REGIONS:
            raise BallotError(f"unknown state {area!r}", file=path, line=line)
    sd = np.array([r[1][columns["sd"]] if "sd" in columns else np.nan for r in rows])
    margin = np.array([r[1][0] - r[1][1] for r in rows])
    return PollTable((header[1], header[2]), areas, margin, ev, sd, year)


def polls_from_results(tallies: Tallies, name: str | None = None) -> PollTable:
    """Presidential tallies' two leading candidates' state results used as polling
    averages (an illustration: a forecast "as if the polls showed last time's result").
    ``name`` is how the user named them, for messages."""
    if not isinstance(tallies, Tallies) or "electoral_votes" not in tallies.attributes:
        raise DataError(
            f"dataset {name or 'given'!r} has no electoral votes (it is not a presidential dataset by state)"
        )
    totals = tallies.totals()
    a, b = (int(i) for i in np.argsort(-totals, kind="stable")[:2])
    shares = tallies.votes / np.maximum(tallies.votes.sum(axis=1, keepdims=True), 1) * 100
    return PollTable(
        candidates=(tallies.candidates[a], tallies.candidates[b]),
        areas=tuple(tallies.areas),
        margin=shares[:, a] - shares[:, b],
        electoral_votes=np.asarray(list(ec.electoral_votes(tallies).values()), dtype=float),
        sd=np.full(len(tallies.areas), np.nan),
        year=tallies.metadata.get("year"),
    )


def electoral_college_forecast(
    polls: PollTable,
    *,
    sims: int = 100_000,
    seed: int = 0,
    errors: ErrorModel = ErrorModel(),
    chunk: int = 50_000,
) -> dict[str, Any]:
    """Win probabilities, electoral-vote distribution, tipping points and tie chance."""
    if sims < 1:
        raise ConfigError("need at least one simulation")
    limits.check("elections", sims, what="simulations")
    total_ev = polls.electoral_votes.sum()
    needed = total_ev // 2 + 1
    # Areas outside the US census regions share one "other" region.
    regions = [REGIONS.get(a.split("-")[0], "other") for a in polls.areas]
    region_names = sorted(set(regions))
    region_of = np.array([region_names.index(r) for r in regions])
    state_sd = np.where(np.isnan(polls.sd), errors.state_sd, polls.sd)
    ev_a = np.empty(sims, dtype=np.int64)
    tips = np.zeros(len(polls.areas), dtype=np.int64)
    state_wins = np.zeros(len(polls.areas), dtype=np.int64)
    setup = _Setup(
        np.asarray(polls.margin, dtype=float),
        region_of,
        len(region_names),
        np.asarray(state_sd, dtype=float),
        np.asarray(polls.electoral_votes, dtype=float),
        float(needed),
        errors,
    )
    from .kernels import compiled  # numba, when installed and switched on

    simulate = _simulate_numpy if compiled() is None else _simulate_compiled
    simulate(setup, np.random.default_rng(seed), sims, chunk, ev_a, state_wins, tips)
    tipping = tips.astype(float)
    a, b = polls.candidates
    ev_b = total_ev - ev_a
    # electoral votes are whole and few: counted by value instead of sorted
    counts = np.bincount(ev_a)
    values = np.flatnonzero(counts)
    median_a = _median_of_counts(counts)
    tip_share = {polls.areas[i]: tipping[i] / sims for i in np.argsort(-tipping) if tipping[i] > 0}
    result = {
        "spec": {
            "year": polls.year,
            "sims": sims,
            "seed": seed,
            "errors": {
                "national_sd": errors.national_sd,
                "regional_sd": errors.regional_sd,
                "state_sd": errors.state_sd,
            },
            "polls": {area: float(m) for area, m in zip(polls.areas, polls.margin)},
        },
        "sims": sims,
        "seed": seed,
        "candidates": [a, b],
        "electoral_votes_total": int(total_ev),
        "electors": "pledged",
        "needed": int(needed),
        "win_probability": {a: float((ev_a >= needed).mean()), b: float((ev_b >= needed).mean())},
        "tie_probability": float((ev_a * 2 == total_ev).mean()),
        "median_ev": {a: median_a, b: float(total_ev - median_a)},
        "ev_distribution": {int(v): int(counts[v]) for v in values},
        "state_win_probability": {area: float(w / sims) for area, w in zip(polls.areas, state_wins)},
        "tipping_point": tip_share,
    }
    result["headline"] = headlines.forecast(result)
    return result


def _median_of_counts(counts: np.ndarray) -> float:
    """``np.median`` of the values 0, 1, 2, ... each repeated as often as ``counts`` says."""
    n = int(counts.sum())
    cumulative = np.cumsum(counts)
    low = int(np.searchsorted(cumulative, (n - 1) // 2, side="right"))
    high = int(np.searchsorted(cumulative, n // 2, side="right"))
    return (low + high) / 2


@dataclass(frozen=True)
class _Setup:
    """What every simulation shares: the polls, the error model, the electoral votes."""

    poll: np.ndarray
    region_of: np.ndarray
    regions: int
    state_sd: np.ndarray
    votes: np.ndarray
    needed: float
    errors: ErrorModel


@dataclass(frozen=True)
class _Draws:
    """One chunk's draws; ``margins()`` is the simulated margin of every area."""

    poll: np.ndarray
    national: np.ndarray
    regional: np.ndarray
    region_of: np.ndarray
    z: np.ndarray
    state_sd: np.ndarray

    def margins(self, rows: slice | np.ndarray = slice(None)) -> np.ndarray:
        # summed in this order by both paths, so both see the same floats
        return (
            self.poll
            + self.national[rows]
            + self.regional[rows][:, self.region_of]
            + self.z[rows] * self.state_sd
        )


# The seeded stream is drawn ``chunk`` simulations at a time: their national errors,
# then their regional errors, then their state errors (row after row). Both paths draw
# it so, and so give the same forecast for a seed.


def _simulate_numpy(
    setup: _Setup,
    rng: np.random.Generator,
    sims: int,
    chunk: int,
    ev: np.ndarray,
    wins: np.ndarray,
    tips: np.ndarray,
) -> None:
    """Every simulation drawn with NumPy and counted by :func:`_count_numpy`, chunk by chunk."""
    z = np.empty((min(chunk, sims), len(setup.poll)))
    for done in range(0, sims, chunk):
        n = min(chunk, sims - done)
        national = rng.normal(0, setup.errors.national_sd, (n, 1))
        regional = rng.normal(0, setup.errors.regional_sd, (n, setup.regions))
        # the same draws as normal(0, 1), into one buffer reused by every chunk
        rng.standard_normal(out=z[:n])
        draws = _Draws(setup.poll, national, regional, setup.region_of, z[:n], setup.state_sd)
        _count_numpy(draws, setup.votes, setup.needed, ev[done : done + n], wins, tips)


def _simulate_compiled(
    setup: _Setup,
    rng: np.random.Generator,
    sims: int,
    chunk: int,
    ev: np.ndarray,
    wins: np.ndarray,
    tips: np.ndarray,
) -> None:
    """Every simulation drawn and counted by the compiled kernels, chunk by chunk.

    The kernels draw from ``rng`` itself the numbers NumPy draws, and count each
    simulation as its state errors are drawn (see :mod:`tally.sim._forecast_jit`).
    """
    from ._forecast_jit import count_block, draw_errors

    n_max = min(chunk, sims)
    national, regional = np.empty(n_max), np.empty((n_max, setup.regions))
    # rows whose tipping point the sort decides, and their margins (rare: pages untouched)
    tied, tied_margin = np.empty(n_max, dtype=np.int64), np.empty((n_max, len(setup.poll)))
    errors = setup.errors
    for done in range(0, sims, chunk):
        n = min(chunk, sims - done)
        draw_errors(rng, float(errors.national_sd), float(errors.regional_sd), national[:n], regional[:n])
        n_tied = count_block(
            rng,
            setup.poll,
            national[:n],
            regional[:n],
            setup.region_of,
            setup.state_sd,
            setup.votes,
            setup.needed,
            ev[done : done + n],
            wins,
            tips,
            tied,
            tied_margin,
        )
        for k, margin in zip(tied[:n_tied], tied_margin[:n_tied]):
            signed = margin if ev[done + k] >= setup.needed else -margin
            tips[_tip_by_sort(signed, setup.votes, setup.needed)] += 1


def _count_numpy(
    draws: _Draws, votes: np.ndarray, needed: float, ev: np.ndarray, wins: np.ndarray, tips: np.ndarray
) -> None:
    """A chunk's electoral votes into ``ev``; areas carried and tipping points added up."""
    margin = draws.margins()
    a_wins = margin > 0
    # whole electoral votes: the float product is exact
    ev[:] = (a_wins @ votes).astype(np.int64)
    wins += a_wins.sum(axis=0)
    tip, decided = tipping_points(margin, a_wins, ev, votes, needed)
    tips += np.bincount(tip[decided], minlength=len(votes))


def _tip_by_sort(signed: np.ndarray, votes: np.ndarray, needed: float) -> int:
    """The area carrying the winner past ``needed``, areas sorted by the winner's margin."""
    order = np.argsort(-signed)
    return int(order[np.argmax(np.cumsum(votes[order]) >= needed)])


def tipping_points(
    margin: np.ndarray, a_wins: np.ndarray, ev_a: np.ndarray, votes: np.ndarray, needed: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per simulation, the tipping-point area and whether anyone won.

    Order the areas by the winner's margin, best first: the tipping point is the area
    that carries the winner past ``needed``. Counted from the other end, it is the first
    of the winner's areas, weakest first, whose votes together exceed the winner's
    surplus over ``needed``; a winner rarely has more than a few areas to spare, so the
    weakest are taken one at a time instead of sorting every area. Rows where two of the
    winner's margins are equal take the sort, as it orders them.
    """
    n = margin.shape[0]
    total = votes.sum()
    winner_is_a = ev_a >= needed
    decided = winner_is_a | (total - ev_a >= needed)
    signed = np.where(winner_is_a[:, None], margin, -margin)
    surplus = np.where(winner_is_a, ev_a, total - ev_a) - needed
    left = np.where(a_wins == winner_is_a[:, None], signed, np.inf)
    tip = np.zeros(n, dtype=np.int64)
    spent = np.zeros(n)
    rows = np.flatnonzero(decided)
    while rows.size:
        weakest = left[rows].argmin(axis=1)
        spent[rows] += votes[weakest]
        over = spent[rows] > surplus[rows]
        tip[rows[over]] = weakest[over]
        left[rows[~over], weakest[~over]] = np.inf
        rows = rows[~over]
    # equal margins among the winner's areas: order them exactly as the sort does
    chosen = signed[np.arange(n), tip]
    same = decided & ((signed == chosen[:, None]).sum(axis=1) > 1)
    for k in np.flatnonzero(same):
        tip[k] = _tip_by_sort(signed[k], votes, needed)
    return tip, decided


def house_control(
    district_margins: np.ndarray,
    *,
    swing: float,
    swing_sd: float = 2.0,
    district_sd: float = 4.0,
    sims: int = 100_000,
    seed: int = 0,
) -> dict[str, Any]:
    """Chance the first party wins a majority of districts after a uniform generic-ballot
    swing (mean ``swing`` points toward the first party, sd ``swing_sd``) on the districts'
    previous margins, with independent district noise (sd ``district_sd``)."""
    margins = np.asarray(district_margins, dtype=float)
    if margins.ndim != 1 or margins.size == 0:
        raise ConfigError("district margins must be a non-empty list")
    if sims < 1:
        raise ConfigError("need at least one simulation")
    limits.check("elections", sims, what="simulations")
    if not (math.isfinite(swing) and math.isfinite(swing_sd) and math.isfinite(district_sd)):
        raise ConfigError("the swing and its standard deviations must be finite numbers")
    if swing_sd < 0 or district_sd < 0:
        raise ConfigError("swing and district standard deviations cannot be negative")
    rng = np.random.default_rng(seed)
    seats = np.empty(sims, dtype=np.int64)
    chunk = max(1, 2_000_000 // margins.size)
    done = 0
    while done < sims:
        n = min(chunk, sims - done)
        national = rng.normal(swing, swing_sd, (n, 1))
        noise = rng.normal(0, district_sd, (n, margins.size))
        seats[done : done + n] = ((margins + national + noise) > 0).sum(axis=1)
        done += n
    majority = margins.size // 2 + 1
    return {
        "districts": int(margins.size),
        "majority": int(majority),
        "control_probability": float((seats >= majority).mean()),
        "median_seats": float(np.median(seats)),
        "seats_interval_90": [float(np.percentile(seats, 5)), float(np.percentile(seats, 95))],
    }
