"""Simulation kernels: every election equals its own single count, with and without numba."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tally
from tally.ballots import RankedProfiles
from tally.rules._batch import inactive_share
from tally.sim import SimSpec, draws, kernels, simulate
from tally.sim.batch import _monotonicity_failure, _participation_failure, as_profiles, run_chunk, run_chunks
from tally.sim.checks import failures
from tally.sim.electorates import generate, truncate
from tally.sim.forecast import ErrorModel, PollTable, electoral_college_forecast, tipping_points

numba = pytest.importorskip("numba")  # the compiled kernels are compared with the NumPy ones

FAST = ("plurality", "borda", "dowdall", "irv")
ALL = ("condorcet", "spoiler", "majority", "monotonicity", "participation", "utility", "exhausted")


@pytest.fixture(params=["numpy", "compiled"])
def jit(request, monkeypatch):
    monkeypatch.setenv("TALLY_JIT", "0" if request.param == "numpy" else "1")
    assert (kernels.compiled() is None) == (request.param == "numpy")
    return request.param


def _profiles(electorate: str, voters: int, c: int, seed: int, elections: int = 150) -> RankedProfiles:
    rng = np.random.default_rng(seed)
    el = truncate(generate(electorate, rng, elections, voters, c), rng, {1: 0.15, 2: 0.25, c: 0.6})
    profiles = as_profiles(el, "ABCDEF"[:c])
    assert profiles is not None
    return profiles


@pytest.mark.parametrize("rule", FAST)
@pytest.mark.parametrize(
    "electorate, voters, c", [("ic", 7, 4), ("ic", 101, 5), ("urn", 20, 5), ("spatial", 9, 3)]
)
def test_kernels_count_each_election_as_tally_count_does(jit, rule, electorate, voters, c):
    # few voters make ties for last, zero-vote candidates and exhausted ballots common
    profiles = _profiles(electorate, voters, c, seed=voters + c)
    counted = kernels.count_profiles(
        rule, profiles.candidates, profiles.orders, profiles.counts.astype(float)
    )
    for e in range(profiles.n_elections):
        single = tally.count(profiles.election(e), rule)
        got = tuple(profiles.candidates[j] for j in np.flatnonzero(counted.winners[e]))
        assert got == single.winners, (rule, e)
        assert bool(counted.tied[e]) == single.tied, (rule, e)
        if rule == "irv":
            assert counted.inactive[e] == inactive_share(single)


def test_the_replayed_draws_are_the_tie_breakers():
    table, base, depth = kernels.draw_table(5, seed=0)
    assert depth >= 3
    for sizes in [(2,), (5,), (3, 2), (4, 4, 2), (2, 3, 5)]:
        rng = np.random.default_rng(0)
        for size in sizes:
            expected = int(rng.choice(np.arange(size)))
        key = 0
        for size in sizes:
            key = key * base + size
        assert table[key] == expected, sizes


def test_irv_ties_settled_by_a_draw_are_counted_by_the_kernels(jit):
    # four candidates with 3 voters each and one more for A: B, C, D tie for last in
    # round 1 and in no earlier round, so the seeded draw decides
    orders = np.array([[0, 1, 2, 3], [1, 2, 3, 0], [2, 3, 0, 1], [3, 0, 1, 2]], dtype=np.int8)
    counts = np.array([[4, 3, 3, 3], [3, 3, 3, 3], [5, 2, 2, 2]], dtype=float)
    counted = kernels.count_profiles("irv", ("A", "B", "C", "D"), orders, counts)
    for e in range(3):
        single = tally.count(
            RankedProfiles(("A", "B", "C", "D"), orders, counts.astype(int)).election(e), "irv"
        )
        assert tuple("ABCD"[j] for j in np.flatnonzero(counted.winners[e])) == single.winners


@pytest.mark.parametrize("rule", ["irv", "plurality", "borda"])
@pytest.mark.parametrize("metric", ["monotonicity", "participation"])
def test_compiled_criteria_search_agrees_with_the_per_election_search(monkeypatch, rule, metric):
    monkeypatch.setenv("TALLY_JIT", "1")
    profiles = _profiles("urn", 23, 3, seed=5, elections=60)
    winners = tally.count(profiles, rule).winners
    sole = np.where(winners.sum(axis=1) == 1, winners.argmax(axis=1), -1)
    check = _monotonicity_failure if metric == "monotonicity" else _participation_failure
    calls = []

    def counted(ballots, w, r):
        calls.append(w)
        return check(ballots, w, r)

    fast = failures(
        metric,
        rule,
        profiles,
        sole,
        counted,
        lambda e, kind: profiles.election(e),
        profiles.counts.astype(float),
    )
    slow = np.full(sole.size, np.nan)
    for e in np.flatnonzero(sole >= 0):
        slow[e] = float(check(profiles.election(int(e)), int(sole[e]), rule))
    assert np.array_equal(fast, slow, equal_nan=True)
    assert len(calls) < (sole >= 0).sum()  # the compiled search decided most elections itself
    if rule == "irv":
        assert np.nansum(slow) >= 1  # failures occur, so both answers were exercised


def _run(spec: SimSpec) -> str:
    return json.dumps(simulate(spec, keep_columns=False), sort_keys=True)


@pytest.mark.parametrize(
    "spec",
    [
        SimSpec(
            candidates=4,
            voters=15,
            elections=240,
            rules=("plurality", "irv", "borda", "dowdall"),
            seed=3,
            chunk_size=40,
            metrics=ALL,
            lengths={1: 0.3, 4: 0.7},
        ),
        SimSpec(
            electorate="spatial",
            candidates=5,
            voters=21,
            elections=120,
            rules=("irv", "borda"),
            seed=4,
            chunk_size=50,
            metrics=ALL,
        ),
    ],
)
def test_simulations_are_identical_with_and_without_numba(monkeypatch, spec):
    monkeypatch.setenv("TALLY_JIT", "0")
    plain = _run(spec)
    monkeypatch.setenv("TALLY_JIT", "1")
    assert _run(spec) == plain


def test_chunks_counted_together_equal_chunks_counted_alone():
    spec = SimSpec(
        candidates=5,
        voters=31,
        elections=130,
        rules=("plurality", "irv", "borda"),
        seed=8,
        chunk_size=30,
        metrics=ALL[:3] + ALL[5:],
    )
    seeds = np.random.SeedSequence(spec.seed).spawn(spec.n_chunks)
    together = run_chunks(spec, list(range(spec.n_chunks)), seeds)
    alone = [run_chunk(spec, k, seeds[k]) for k in range(spec.n_chunks)]
    for key, column in together.items():
        assert np.array_equal(column, np.concatenate([a[key] for a in alone]), equal_nan=True), key


def test_tipping_points_equal_the_sorted_order():
    rng = np.random.default_rng(4)
    votes = rng.integers(3, 30, 20).astype(float)
    needed = votes.sum() // 2 + 1
    margin = rng.normal(0, 3, (4000, 20))
    margin[:50, 3] = margin[:50, 7]  # equal margins: the sort's order decides
    a_wins = margin > 0
    ev = (a_wins @ votes).astype(np.int64)
    tip, decided = tipping_points(margin, a_wins, ev, votes, needed)
    for k in range(4000):
        if not decided[k]:
            continue
        signed = margin[k] if ev[k] >= needed else -margin[k]
        order = np.argsort(-signed)
        assert tip[k] == order[np.argmax(np.cumsum(votes[order]) >= needed)], k
    assert decided.sum() > 3900


def _district_polls() -> PollTable:
    """Areas with congressional districts of their own, and equal margins for the sort to order."""
    areas = ("ME", "ME-1", "ME-2", "NE", "NE-1", "NE-2", "NE-3", "PA", "GA", "AZ", "WI", "TX", "CA")
    margin = np.array([3.0, 9.0, -6.0, -15.0, -11.0, 0.5, -20.0, 1.0, 0.25, 0.5, 1.0, -5.0, 25.0])
    ev = np.array([2, 1, 1, 2, 1, 1, 1, 19, 16, 11, 10, 40, 54], dtype=float)
    sd = np.full(len(areas), np.nan)
    sd[[1, 6]] = 0.0  # a state term of zero: polls alone decide there
    return PollTable(("A", "B"), areas, margin, ev, sd)


@pytest.mark.parametrize(
    "errors",
    [ErrorModel(), ErrorModel(0.0, 0.0, 0.0), ErrorModel(1.0, 0.0, 0.0)],
    ids=["default", "none", "national"],
)
def test_forecast_is_identical_with_and_without_numba(monkeypatch, errors):
    results = []
    for jit in ("0", "1"):
        monkeypatch.setenv("TALLY_JIT", jit)
        assert (kernels.compiled() is None) == (jit == "0")
        results.append(
            json.dumps(
                electoral_college_forecast(_district_polls(), sims=20_001, seed=9, errors=errors, chunk=6000)
            )
        )
    assert results[0] == results[1]
    assert '"ME-2"' in results[0] and '"NE-2"' in results[0]


def test_compiled_forecast_draws_numpys_numbers_and_counts_them_as_the_sort_does():
    from tally.sim._forecast_jit import count_block, draw_errors

    polls = _district_polls()
    votes, s, n = polls.electoral_votes, len(polls.areas), 5000
    needed = votes.sum() // 2 + 1
    region_of = np.random.default_rng(11).integers(0, 3, s)
    region_of[[5, 9]] = 0  # NE-2 and AZ: equal polls in one region ...
    state_sd = np.full(s, 2.0)
    state_sd[[5, 9]] = 0.0  # ... and no state error, so equal margins happen
    rng = np.random.default_rng(11)
    national, regional = np.empty(n), np.empty((n, 3))
    draw_errors(rng, 2.0, 1.0, national, regional)
    ev, wins, tips = np.empty(n, dtype=np.int64), np.zeros(s, dtype=np.int64), np.zeros(s, dtype=np.int64)
    rows, rows_margin = np.empty(n, dtype=np.int64), np.empty((n, s))
    n_tied = count_block(
        rng,
        polls.margin,
        national,
        regional,
        region_of,
        state_sd,
        votes,
        float(needed),
        ev,
        wins,
        tips,
        rows,
        rows_margin,
    )
    tied = rows[:n_tied]
    # the same numbers, drawn by NumPy from the same seed, and the generator left where NumPy leaves it
    numpy_rng = np.random.default_rng(11)
    national_np, regional_np = numpy_rng.normal(0, 2.0, (n, 1)), numpy_rng.normal(0, 1.0, (n, 3))
    z = numpy_rng.standard_normal((n, s))
    assert np.array_equal(national, national_np[:, 0]) and np.array_equal(regional, regional_np)
    assert rng.standard_normal() == numpy_rng.standard_normal()
    margin = polls.margin + national_np + regional_np[:, region_of] + z * state_sd
    assert np.array_equal(ev, (margin > 0) @ votes) and np.array_equal(wins, (margin > 0).sum(axis=0))
    assert np.array_equal(rows_margin[:n_tied], margin[tied])
    expected, expected_tied = np.zeros(s, dtype=np.int64), []
    for k in range(n):
        if max(ev[k], votes.sum() - ev[k]) < needed:
            continue
        signed = margin[k] if ev[k] >= needed else -margin[k]
        order = np.argsort(-signed, kind="stable")
        tip = order[np.argmax(np.cumsum(votes[order]) >= needed)]
        if (signed == signed[tip]).sum() > 1:
            expected_tied.append(k)
        else:
            expected[tip] += 1
    assert np.array_equal(tips, expected) and tied.tolist() == expected_tied
    assert 0 < len(expected_tied) < n // 2


@pytest.mark.parametrize(
    "n, pvals, replayed",
    [
        (101, np.full(120, 1 / 120), True),  # impartial culture, 5 candidates
        (7, np.full(24, 1 / 24), True),
        (1, np.full(6, 1 / 6), True),
        (301, np.full(720, 1 / 720), True),
        (1001, np.full(720, 1 / 720), False),  # the replay's table would pass its limit
        (60, np.full(2, 0.5), True),
        (1001, np.full(6, 1 / 6), False),  # 30 < n * p: NumPy samples by another method
        (40, np.array([0.7, 0.2, 0.1]), True),  # p above one half: NumPy counts the failures
        (20, np.array([0.0, 0.5, 0.0, 0.5]), True),  # categories of probability 0 draw nothing
        (1001, np.array([0.02, 0.4, 0.58]), False),  # the second category: drawn by NumPy
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_compiled_multinomial_draws_what_numpy_draws(monkeypatch, n, pvals, replayed, seed):
    monkeypatch.setenv("TALLY_JIT", "1")
    jit, used = kernels.compiled(), []
    fill = jit.multinomial_fill
    monkeypatch.setattr(jit, "multinomial_fill", lambda *args: used.append(fill(*args)) or used[-1])
    ours, numpy_ = np.random.default_rng(seed), np.random.default_rng(seed)
    # a 32-bit draw first leaves half a 64-bit draw held back, which must survive
    assert ours.integers(0, 1000, dtype=np.int32) == numpy_.integers(0, 1000, dtype=np.int32)
    got = draws.multinomial(ours, n, pvals, 700, fast=True)
    assert np.array_equal(got, numpy_.multinomial(n, pvals, size=700))
    assert (len(used) > 0 and min(used) > 0) == replayed, used
    assert ours.bit_generator.state == numpy_.bit_generator.state
    assert ours.integers(0, 1000, dtype=np.int32) == numpy_.integers(0, 1000, dtype=np.int32)


def test_compiled_multinomial_hands_what_it_cannot_replay_to_numpy_from_the_same_state(monkeypatch):
    monkeypatch.setenv("TALLY_JIT", "1")
    jit, pvals = kernels.compiled(), np.full(24, 1 / 24)
    table = jit.multinomial_table(3, pvals, draws.TABLE_PROBABILITIES)
    out = np.empty((2, 24), dtype=np.int64)
    assert jit.multinomial_fill(np.full(5, 0.5), 3, *table, out) == -1  # too few uniforms
    far = table[0].copy()
    far[1] = -3  # a number of trials outside the table's window
    assert jit.multinomial_fill(np.full(100, 0.5), 3, far, *table[1:], out) == -1
    assert jit.multinomial_fill(np.full(100, 0.5), 3, *table, out) > 0
    real, calls = jit.multinomial_fill, []

    def fill(*args):
        calls.append(1)
        return -1 if len(calls) % 3 == 0 else real(*args)

    monkeypatch.setattr(jit, "multinomial_fill", fill)
    monkeypatch.setattr(draws, "UNIFORMS", 50)  # batches of two elections
    ours, numpy_ = np.random.default_rng(5), np.random.default_rng(5)
    assert np.array_equal(
        draws.multinomial(ours, 3, pvals, 401, fast=True), numpy_.multinomial(3, pvals, size=401)
    )
    assert len(calls) == 201 and ours.bit_generator.state == numpy_.bit_generator.state


def test_median_from_counts_is_numpys_median():
    from tally.sim.forecast import _median_of_counts

    rng = np.random.default_rng(5)
    for size in (1, 2, 3, 10, 11, 1000, 1001):
        values = rng.integers(0, 539, size)
        assert _median_of_counts(np.bincount(values)) == np.median(values), size
        assert _median_of_counts(np.bincount(np.full(size, 7))) == 7.0
