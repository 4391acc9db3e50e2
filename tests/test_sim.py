"""Simulation: generators, published probabilities, determinism across workers, batch vs single counts."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tally
from tally.errors import ConfigError
from tally.sim import SimSpec, simulate
from tally.sim.batch import condorcet_winners, election_ballots, profile_ballots, run_chunk
from tally.sim.electorates import generate, truncate
from tally.sim.metrics import wilson
from tally.sim.run import GROUP_ELECTIONS, groups


def _paradox_interval(
    electorate: str, candidates: int, elections: int, seed: int
) -> tuple[float, list[float]]:
    result = simulate(
        SimSpec(
            electorate=electorate,
            candidates=candidates,
            voters=1001,
            elections=elections,
            rules=(),
            seed=seed,
            chunk_size=20_000,
        )
    )
    return result["metrics"]["condorcet_paradox"], result["intervals"]["condorcet_paradox"]


def test_condorcet_paradox_impartial_culture_three_candidates():
    # Guilbaud (1952): with many voters the probability of no Condorcet winner among three
    # candidates under impartial culture tends to arcsin(sqrt(6)/9)/pi = 8.77 %.
    expected = np.arcsin(np.sqrt(6) / 9) / np.pi
    p, (low, high) = _paradox_interval("ic", 3, 200_000, seed=7)
    assert low <= expected <= high, (p, low, high)


def test_condorcet_paradox_impartial_culture_four_candidates():
    # Gehrlein & Fishburn (1976), J. Economic Theory 13: 0.1755 for four candidates, n -> inf.
    p, (low, high) = _paradox_interval("ic", 4, 100_000, seed=11)
    assert low <= 0.1755 <= high, (p, low, high)


def test_condorcet_paradox_impartial_anonymous_culture_three_candidates():
    # Gehrlein (2002), Theory and Decision 52: under IAC with an odd number n of voters the
    # probability of a Condorcet winner among three candidates is 15(n+3)^2 / (16(n+2)(n+4)).
    n = 1001
    expected = 1 - 15 * (n + 3) ** 2 / (16 * (n + 2) * (n + 4))
    p, (low, high) = _paradox_interval("iac", 3, 200_000, seed=3)
    assert low <= expected <= high, (p, low, high)


def test_same_seed_same_metrics_on_one_process_and_one_or_two_dask_workers():
    spec = SimSpec(
        electorate="spatial",
        candidates=4,
        voters=51,
        elections=60,
        rules=("plurality", "irv"),
        seed=5,
        chunk_size=5,
    )
    here = simulate(spec, keep_columns=True)
    distributed = simulate(spec, cluster="local", workers=2, keep_columns=True)
    # every election's results, not just the summary: same columns, dtypes and values
    ours, theirs = here.pop("columns"), distributed.pop("columns")
    assert list(ours) == list(theirs)
    for key in ours:
        assert ours[key].dtype == theirs[key].dtype, key
        assert np.array_equal(ours[key], theirs[key], equal_nan=ours[key].dtype.kind == "f"), key
    assert list(ours["election"]) == list(range(60))
    assert json.dumps(here, sort_keys=True) == json.dumps(distributed, sort_keys=True)
    # one worker gets fewer, larger tasks than two: the grouping must not show
    assert len(groups(spec, 4)) != len(groups(spec, 8))
    alone = simulate(spec, cluster="local", workers=1)
    assert json.dumps(alone, sort_keys=True) == json.dumps(distributed, sort_keys=True)
    # an existing cluster, reached by its scheduler address
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = simulate(spec, scheduler=cluster.scheduler_address)
    assert json.dumps(remote, sort_keys=True) == json.dumps(here, sort_keys=True)
    other_seed = simulate(SimSpec(**{**spec.__dict__, "seed": 6}))
    assert json.dumps(other_seed["metrics"], sort_keys=True) != json.dumps(here["metrics"], sort_keys=True)


@pytest.mark.parametrize(
    ("elections", "chunk_size"), [(10_000_000, 500), (10_000_000, 7), (60, 10), (1, 500)]
)
@pytest.mark.parametrize("tasks", [4, 8])
def test_tasks_cover_every_chunk_once_in_consecutive_runs(elections, chunk_size, tasks):
    spec = SimSpec(
        electorate="ic",
        candidates=3,
        voters=5,
        elections=elections,
        rules=("plurality",),
        chunk_size=chunk_size,
    )
    tasks_of = groups(spec, tasks)
    assert [k for ks in tasks_of for k in ks] == list(range(spec.n_chunks))
    # each task large enough that its fixed costs vanish, small enough to keep every worker busy
    assert all(len(ks) * chunk_size <= max(GROUP_ELECTIONS, chunk_size) for ks in tasks_of)
    assert len(tasks_of) >= min(tasks, spec.n_chunks)
    if elections == 10_000_000:
        assert min(len(ks) for ks in tasks_of[:-1]) * chunk_size > GROUP_ELECTIONS - chunk_size


@pytest.mark.parametrize("electorate", ["ic", "mallows", "spatial", "urn"])
def test_batch_ballots_agree_with_single_counts(electorate):
    """Each election as the batch path builds it counts the same as the same voters read
    one by one through RankedBallots.from_rankings, under every single-winner ranked rule."""
    rng = np.random.default_rng(1)
    el = generate(electorate, rng, 8, 25, 4)
    el = truncate(el, rng, {1: 0.2, 2: 0.3, 4: 0.5})
    names = ("A", "B", "C", "D")
    spec = SimSpec(electorate=electorate, candidates=4, voters=25, elections=8, rules=())
    rules = [r for r in tally.rules() if r.accepts("ranked") and not r.multiwinner]
    assert len(rules) >= 3
    for e in range(8):
        fast = election_ballots(spec, el, e, "ranked")
        rows, counts = el.profile(e)
        voters = [row for row, n in zip(rows, counts) for _ in range(int(n))]
        assert len(voters) == 25
        slow = tally.RankedBallots.from_rankings(names, [[names[c] for c in row if c >= 0] for row in voters])
        for info in rules:
            options = {"tiebreak": "all"} if info.options.get("tiebreak") == "all" else {}
            try:
                a = tally.count(fast, info.name, **options)
            except tally.RuleError:
                continue
            b = tally.count(slow, info.name, **options)
            assert a.winners == b.winners, (info.name, e)
            if a.scores is not None:
                assert b.scores is not None and a.scores.keys() == b.scores.keys()
                for name in a.scores:
                    assert a.scores[name] == pytest.approx(b.scores[name], rel=1e-12), (info.name, e)


def test_condorcet_winners_match_the_registry():
    rng = np.random.default_rng(2)
    el = generate("ic", rng, 40, 9, 4)
    fast = condorcet_winners(el)
    from tally.rules.condorcet import condorcet_winner

    for e in range(40):
        cw = condorcet_winner(profile_ballots(*el.profile(e), "ABCD"))
        assert (fast[e] if fast[e] >= 0 else None) == ("ABCD".index(cw) if cw else None)


def test_generators_are_seeded_and_shaped():
    a = generate("plackett_luce", np.random.default_rng(0), 3, 50, 4, weights=(100.0, 1.0, 1.0, 1.0))
    b = generate("plackett_luce", np.random.default_rng(0), 3, 50, 4, weights=(100.0, 1.0, 1.0, 1.0))
    assert np.array_equal(a.rankings, b.rankings)
    assert a.rankings.shape == (3, 50, 4)
    assert (a.rankings[:, :, 0] == 0).mean() > 0.9  # the heavy candidate is nearly always first
    same = generate("mallows", np.random.default_rng(0), 2, 30, 5, phi=0.0, reference=(4, 3, 2, 1, 0))
    assert (same.rankings == np.array([4, 3, 2, 1, 0])).all()
    for model in ("ic", "iac", "mallows", "urn", "spatial"):
        el = generate(model, np.random.default_rng(1), 2, 20, 4)
        for e in range(2):
            rows, counts = el.profile(e)
            assert counts.sum() == 20, model
            assert (np.sort(rows, axis=-1) == np.arange(4)).all(), model


def test_truncation_follows_the_length_distribution():
    for model in ("ic", "spatial"):  # profile form and voter form
        el = generate(model, np.random.default_rng(0), 1, 20_000, 5)
        cut = truncate(el, np.random.default_rng(1), {1: 0.5, 5: 0.5})
        rows, counts = cut.profile(0)
        lengths = (rows >= 0).sum(axis=1)
        assert set(np.unique(lengths[counts > 0])) == {1, 5}
        assert counts.sum() == 20_000
        low, high = wilson(float(counts[lengths == 1].sum()), counts.sum())
        assert low <= 0.5 <= high, model


def test_bad_specs_are_refused():
    with pytest.raises(ConfigError, match="unknown electorate"):
        simulate(SimSpec(electorate="nope", elections=1, rules=()))
    with pytest.raises(ConfigError, match="metric"):
        SimSpec(metrics=("nonsense",))
    with pytest.raises(tally.RuleError):
        SimSpec(rules=("no_such_rule",))
    with pytest.raises(ConfigError, match="seed"):
        SimSpec(seed=-1)
    for params in ({"dims": 0}, {"dims": -1}, {"parties": -2}, {"spread": -1.0}, {"abstain_beyond": -0.5}):
        with pytest.raises(ConfigError, match="spatial needs"):
            simulate(SimSpec(electorate="spatial", elections=2, voters=3, rules=(), params=params))


def test_spoiler_metric_finds_a_known_spoiler():
    # Plurality: A 4, B 3, C 2 with C's voters preferring B: removing C makes B win.
    ballots = tally.RankedBallots.from_rankings(
        ["A", "B", "C"], [["A", "B", "C"], ["B", "A", "C"], ["C", "B", "A"]], [4, 3, 2]
    )
    from tally.sim.batch import _has_spoiler

    assert tally.count(ballots, "plurality").winners == ("A",)
    assert _has_spoiler(ballots, frozenset({0}), "plurality")
    assert tally.count(ballots, "irv").winners == ("B",)
    assert not _has_spoiler(ballots, frozenset({1}), "irv")


def test_run_chunk_columns_are_per_election():
    spec = SimSpec(
        electorate="ic", candidates=3, voters=11, elections=25, rules=("plurality",), seed=1, chunk_size=10
    )
    cols = run_chunk(spec, 2)
    assert len(cols["election"]) == 5
    assert list(cols["election"]) == [20, 21, 22, 23, 24]


def test_irv_monotonicity_failure_of_the_textbook_example():
    # 39 A>B>C, 35 B>C>A, 26 C>A>B: IRV elects A; moving A to the top of ten B>C>A
    # ballots makes B last, B's votes go to C, and C wins 51-49.
    from tally.sim.batch import _monotonicity_failure

    ballots = tally.RankedBallots.from_rankings(
        ["A", "B", "C"], [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"]], [39, 35, 26]
    )
    assert tally.count(ballots, "irv").winners == ("A",)
    raised = tally.RankedBallots.from_rankings(
        ["A", "B", "C"],
        [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"], ["A", "B", "C"]],
        [39, 25, 26, 10],
    )
    assert tally.count(raised, "irv").winners == ("C",)
    assert _monotonicity_failure(ballots, 0, "irv")
    assert not _monotonicity_failure(ballots, 0, "plurality")


def _brute_participation(ballots, winner, rule):
    pos = ballots.positions()
    for i, weight in enumerate(ballots.weights):
        for removed in range(1, int(weight) + 1):
            w = ballots.weights.copy()
            w[i] -= removed
            new = tally.count(ballots.with_weights(w), rule, tiebreak="all").winners
            if len(new) == 1 and pos[i, ballots.candidates.index(new[0])] < pos[i, winner]:
                return True
    return False


def test_participation_check_agrees_with_brute_force_on_small_profiles():
    from tally.sim.batch import _participation_failure

    rng = np.random.default_rng(5)
    found = 0
    for _ in range(60):
        el = generate("urn", rng, 1, 23, 3, alpha=0.5)
        ballots = profile_ballots(*el.profile(0), "ABC")
        outcome = tally.count(ballots, "irv", tiebreak="all")
        if len(outcome.winners) != 1:
            continue
        winner = ballots.candidates.index(outcome.winners[0])
        expected = _brute_participation(ballots, winner, "irv")
        assert _participation_failure(ballots, winner, "irv") == expected
        found += expected
    assert found >= 1  # the sample holds a no-show paradox, so the check is exercised both ways


BATCH_RULES = [r.name for r in tally.rules() if r.accepts("profiles")]


@pytest.mark.parametrize("rule", BATCH_RULES)
@pytest.mark.parametrize("electorate, voters", [("ic", 101), ("ic", 12), ("urn", 30), ("spatial", 51)])
def test_batch_fast_path_equals_single_counts(rule, electorate, voters):
    """Every rule's batch fast path gives, election by election, what tally.count gives."""
    from tally.ballots import RankedProfiles
    from tally.sim.batch import as_profiles

    assert {"plurality", "irv", "borda"} <= set(BATCH_RULES)
    rng = np.random.default_rng(voters)
    el = truncate(generate(electorate, rng, 120, voters, 4), rng, {1: 0.1, 2: 0.2, 4: 0.7})
    profiles = as_profiles(el, "ABCD")
    assert isinstance(profiles, RankedProfiles)
    modes = ["all", "order", "previous_round", "random"] if get_rule_sequential(rule) else [None]
    for mode in modes:
        options = {} if mode is None else {"tiebreak": mode, "seed": 9}
        batch = tally.count(profiles, rule, **options)
        for e in range(profiles.n_elections):
            single = tally.count(profiles.election(e), rule, **options)
            assert batch.winner_sets()[e] == single.winners, (rule, mode, e)
            assert bool(batch.tied[e]) == single.tied, (rule, mode, e)


def get_rule_sequential(name: str) -> bool:
    return tally.get_rule(name).sequential


def test_ranked_profiles_refuse_what_the_kernels_cannot_read():
    from tally.ballots import RankedProfiles

    with pytest.raises(tally.BallotError, match="twice"):
        RankedProfiles(("A", "B"), np.array([[0, 0]], dtype=np.int8), np.array([[3]]))
    with pytest.raises(tally.BallotError, match="blank rank before"):
        RankedProfiles(("A", "B"), np.array([[-1, 0]], dtype=np.int8), np.array([[3]]))
    ok = RankedProfiles(
        ("A", "B", "C"), np.array([[0, -1, -1], [2, 1, 0]], dtype=np.int8), np.array([[3, 1]])
    )
    assert ok.election(0).total == 4


def test_spoiler_rate_is_absent_where_it_was_not_measured():
    # Striking a candidate from approval ballots is not measured, and a run without the
    # spoiler metric measures it for no rule: neither may report a 0 % rate.
    spec = SimSpec(
        candidates=4, voters=51, elections=40, rules=("plurality", "approval"), seed=3, chunk_size=20
    )
    rates = simulate(spec)["metrics"]["spoiler_rate"]
    assert set(rates) == {"plurality"}
    assert 0 < rates["plurality"] < 1
    without = simulate(SimSpec(**{**spec.__dict__, "metrics": ("condorcet",)}))
    assert "spoiler_rate" not in without["metrics"]


def test_abstainers_cast_no_ballot_of_any_kind_and_majorities_are_of_voters():
    spec = SimSpec(
        electorate="spatial",
        candidates=3,
        voters=41,
        elections=30,
        rules=("plurality", "approval"),
        seed=5,
        chunk_size=30,
        params={"abstain_beyond": 0.9},
    )
    electorate = generate("spatial", np.random.default_rng(1), 30, 41, 3, abstain_beyond=0.9)
    assert electorate.abstained.any()
    for e in range(30):
        ranked = election_ballots(spec, electorate, e, "ranked")
        voting = ranked.total - ranked.weights[ranked.is_blank()].sum()
        assert voting == 41 - electorate.abstained[e].sum()
        assert election_ballots(spec, electorate, e, "approval").total == voting
    cols = run_chunk(spec, 0)
    seed = np.random.SeedSequence(spec.seed).spawn(1)[0]
    again = generate("spatial", np.random.default_rng(seed), 30, 41, 3, abstain_beyond=0.9)
    for e in range(30):
        firsts = again.rankings[e][:, 0]
        firsts = firsts[firsts >= 0]
        counts = np.bincount(firsts, minlength=3)
        expected = int(counts.argmax()) if counts.max() * 2 > firsts.size else -1
        assert cols["majority_candidate"][e] == expected
    assert (cols["majority_candidate"] >= 0).any()


def test_columns_hold_only_the_metrics_asked_for_with_candidates_as_int8():
    spec = SimSpec(
        candidates=4, voters=21, elections=30, rules=("plurality", "irv"), metrics=("condorcet",), seed=2
    )
    result = simulate(spec, keep_columns=True)
    columns = result["columns"]
    for rule in spec.rules:
        for unasked in (
            "spoiler",
            "majority_fail",
            "monotonicity_fail",
            "participation_fail",
            "utility",
            "exhausted",
        ):
            assert f"{rule}__{unasked}" not in columns
        assert columns[f"{rule}__winner"].dtype == np.int8
        assert set(np.unique(columns[f"{rule}__winner"])) <= {-1, 0, 1, 2, 3}
    assert columns["condorcet_winner"].dtype == np.int8
    assert set(result["metrics"]) == {"condorcet_paradox", "condorcet_efficiency"}
    # the same metric is the same number whether other metrics were measured or not
    fuller = simulate(SimSpec(**{**spec.__dict__, "metrics": ("condorcet", "spoiler", "exhausted")}))
    assert fuller["metrics"]["condorcet_efficiency"] == result["metrics"]["condorcet_efficiency"]
    assert set(fuller["metrics"]["spoiler_rate"]) == set(spec.rules)


def test_local_cluster_workers_keep_glibc_adaptive_allocation():
    # Dask's default MALLOC_TRIM_THRESHOLD_ makes every large array an mmap (a third
    # slower); a fresh process, as the CLI is, so no earlier cluster has set it here
    import os
    import subprocess
    import sys

    script = (
        "import os\n"
        "from dask.distributed import Client\n"
        "from tally.sim.run import local_cluster\n"
        "if __name__ == '__main__':\n"
        "    with local_cluster(1) as cluster, Client(cluster) as client:\n"
        "        print(list(client.run(lambda: os.environ.get('MALLOC_TRIM_THRESHOLD_')).values()))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "[None]", done.stdout + done.stderr


@pytest.mark.parametrize(
    ("model", "params", "named"),
    [
        ("mallows", {"phi": "nan"}, "phi"),  # -p phi=nan arrives as text
        ("mallows", {"phi": float("nan")}, "phi"),
        ("spatial", {"spread": float("inf")}, "spread"),
        ("urn", {"alpha": "x"}, "alpha"),
        ("spatial", {"parties": True}, "parties"),
    ],
)
def test_model_parameters_that_are_not_finite_numbers_are_refused_by_name(model, params, named):
    with pytest.raises(ConfigError, match=f"electorate '{model}': {named} must be a finite number"):
        generate(model, np.random.default_rng(0), 2, 5, 3, **params)
    # None is a value where the model takes one
    assert generate("spatial", np.random.default_rng(0), 2, 5, 3, abstain_beyond=None).rankings.shape == (
        2,
        5,
        3,
    )
