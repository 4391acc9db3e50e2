"""The pairwise machinery's fast paths give exactly what the plain definitions give.

Each fast path (the pairwise table from the marks alone, the Smith set as a prefix of
the candidates by wins, widest paths updated only where links exist) is checked against
the textbook computation, written here, on seeded random inputs with ties, truncation,
named overvotes and sparse links, where the two must agree to the last bit.
"""

from __future__ import annotations

import numpy as np
import pytest

from tally import limits
from tally.ballots import RankedBallots, _pairwise_from_marks
from tally.errors import LimitError
from tally.rules._pairwise import _smith_indices, strongest_paths


def _random_ballots(rng: np.random.Generator, c: int) -> RankedBallots:
    names = [f"C{i}" for i in range(c)]
    rows: list[list[object]] = []
    for _ in range(int(rng.integers(1, 15))):
        order = [names[int(i)] for i in rng.permutation(c)[: int(rng.integers(0, c + 1))]]
        row: list[object] = []
        while order:
            if len(order) > 1 and rng.random() < 0.2:
                row.append({order.pop(0), order.pop(0)})  # a named overvote: a tie
            else:
                row.append(order.pop(0))
        rows.append(row)
    weights = [float(w) for w in rng.integers(1, 6, len(rows))]
    return RankedBallots.from_rankings(names, rows, weights=weights)


def _pairwise_by_definition(ballots: RankedBallots) -> np.ndarray:
    # P[i, j]: weight of ballots whose first mark of i comes before any mark of j.
    pos = ballots.positions()
    c = ballots.n_candidates
    out = np.zeros((c, c))
    for row, weight in zip(pos, ballots.weights):
        for i in range(c):
            for j in range(c):
                if row[i] < row[j]:
                    out[i, j] += weight
    return out


@pytest.mark.parametrize("seed", range(4))
def test_pairwise_from_marks_is_the_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(150):
        ballots = _random_ballots(rng, int(rng.integers(1, 8)))
        pos = ballots.positions()
        marked = np.isfinite(pos)
        widest = int(marked.sum(axis=1).max())
        expected = _pairwise_by_definition(ballots)
        assert np.array_equal(_pairwise_from_marks(pos, marked, ballots.weights, widest), expected)
        assert np.array_equal(ballots.pairwise(), expected)


def test_many_candidates_few_marks_takes_the_marks_path() -> None:
    rng = np.random.default_rng(7)
    names = [f"C{i}" for i in range(60)]
    rows = [[names[int(i)] for i in rng.permutation(60)[:3]] for _ in range(40)]
    ballots = RankedBallots.from_rankings(names, rows)
    assert np.array_equal(ballots.pairwise(), _pairwise_by_definition(ballots))


def _smith_by_closure(margins: np.ndarray) -> list[int]:
    # x is in the Smith set iff x reaches everyone along "beats or ties" steps.
    c = margins.shape[0]
    reach = (margins >= 0) | np.eye(c, dtype=bool)
    for _ in range(c):
        reach = reach | ((reach.astype(int) @ reach.astype(int)) > 0)
    return [int(i) for i in np.flatnonzero(reach.all(axis=1))]


def _random_margins(rng: np.random.Generator, c: int, density: float) -> np.ndarray:
    upper = np.triu(rng.integers(-4, 5, (c, c)) * (rng.random((c, c)) < density), 1).astype(float)
    return upper - upper.T


def test_smith_set_is_the_closure_definition() -> None:
    rng = np.random.default_rng(11)
    for _ in range(3000):
        margins = _random_margins(rng, int(rng.integers(1, 10)), float(rng.random()))
        assert _smith_indices(margins) == _smith_by_closure(margins)


def _widest_by_floyd_warshall(strength: np.ndarray) -> np.ndarray:
    paths = np.array(strength, dtype=np.float64)
    np.fill_diagonal(paths, 0.0)
    c = paths.shape[0]
    for k in range(c):
        for i in range(c):
            for j in range(c):
                paths[i, j] = max(paths[i, j], min(paths[i, k], paths[k, j]))
    np.fill_diagonal(paths, 0.0)
    return paths


def test_strongest_paths_are_floyd_warshall_on_sparse_and_dense_links() -> None:
    rng = np.random.default_rng(5)
    for _ in range(300):
        c = int(rng.integers(1, 25))
        margins = _random_margins(rng, c, float(rng.random()) ** 3)
        strength = np.where(margins > 0, margins, 0.0)
        assert np.array_equal(strongest_paths(strength), _widest_by_floyd_warshall(strength))


def test_the_rank_table_is_refused_past_the_cells_limit() -> None:
    ballots = RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B"], ["C", "A"]])
    with limits.use(cells=8), pytest.raises(LimitError, match="ballots x candidates"):
        ballots.pairwise()


def _random_positions(rng: np.random.Generator, rows: int, c: int) -> np.ndarray:
    positions = rng.integers(0, 6, (rows, c)).astype(float)
    positions[rng.random((rows, c)) < 0.6] = np.inf
    return positions


def test_places_and_dense_ranks_by_sorting_are_the_pairwise_definitions() -> None:
    # Past 32 candidates the rows are sorted; here against candidate-by-candidate counts.
    from tally.rules._positions import dense_ranks, dowdall_shares, places

    rng = np.random.default_rng(13)
    for _ in range(400):
        positions = _random_positions(rng, int(rng.integers(0, 6)), int(rng.integers(33, 60)))
        above, level = places(positions)
        for j in range(positions.shape[1]):
            col = positions[:, j : j + 1]
            assert np.array_equal(above[:, j], (positions < col).sum(axis=1))
            assert np.array_equal(level[:, j], (positions == col).sum(axis=1))
        dense = dense_ranks(positions)
        for r, row in enumerate(positions):
            marked = sorted(set(row[np.isfinite(row)]))
            for j, p in enumerate(row):
                assert dense[r, j] == (marked.index(p) if np.isfinite(p) else np.inf)
        shares = dowdall_shares(above, level)
        for (r, j), start in np.ndenumerate(above):
            total = 0.0
            for k in range(1, int(level[r, j]) + 1):
                total += 1.0 / (start + k)
            assert shares[r, j] == total


def _ranked_pairs_by_locking(margins: np.ndarray, rank: list[int]) -> tuple[int, ...]:
    # Tideman's procedure as written: every pair at margin >= 0, strongest first, ties by
    # the ranking; a pair is locked unless its loser already reaches its winner.
    c = margins.shape[0]
    pairs = [(i, j) for i in range(c) for j in range(c) if i != j and margins[i, j] >= 0]
    pairs.sort(key=lambda p: (-margins[p], rank[p[0]], -rank[p[1]]))
    reach = np.eye(c, dtype=bool)
    for a, b in pairs:
        if not reach[b, a]:
            reach[reach[:, a]] |= reach[b]
    return tuple(sorted(range(c), key=lambda x: -int(reach[x].sum())))


def test_ranked_pairs_locking_is_tidemans_procedure() -> None:
    from tally.rules.ranked_pairs import _ranked_pairs_ordered

    rng = np.random.default_rng(17)
    for _ in range(1500):
        c = int(rng.integers(1, 30))
        margins = _random_margins(rng, c, float(rng.random()))
        rank = [int(x) for x in rng.permutation(c)]
        assert _ranked_pairs_ordered(margins, rank)[1] == _ranked_pairs_by_locking(margins, rank)


def test_ranked_pairs_refuses_past_its_candidate_limit() -> None:
    from tally.errors import RuleError
    from tally.rules import count
    from tally.rules.condorcet import RANKED_PAIRS_MAX_CANDIDATES

    names = [f"C{i}" for i in range(RANKED_PAIRS_MAX_CANDIDATES + 1)]
    ballots = RankedBallots.from_rankings(names, [names[:3], names[3:5]])
    with pytest.raises(RuleError, match=f"at most {RANKED_PAIRS_MAX_CANDIDATES} candidates"):
        count(ballots, "ranked_pairs")


def test_ranked_pairs_search_charges_every_lock_it_tries(monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 candidates, each of 500 ballots ranking 3: a dozen margins shared by thousands
    # of pairs, no Condorcet winner. The search over lock orders must stop within its
    # budget counting every lock it makes or tries ahead (it once charged one unit a step
    # and tried thousands of locks a step), and then the count's order decides.
    from tally.errors import RuleError
    from tally.rules import count
    from tally.rules import ranked_pairs as rp
    from tally.rules._pairwise import pairwise_margins

    rng = np.random.default_rng(301)
    names = [f"C{i}" for i in range(300)]
    rows = [[names[int(i)] for i in rng.choice(300, 3, replace=False)] for _ in range(500)]
    ballots = RankedBallots.from_rankings(names, rows)
    margins = pairwise_margins(ballots)
    assert len(rp._lock_orders(margins)) < 20 and max(map(len, rp._lock_orders(margins))) > 1000
    locks = 0
    plain_add = rp._add

    def counted_add(reach: tuple[int, ...], a: int, b: int) -> tuple[int, ...]:
        nonlocal locks
        locks += 1
        return plain_add(reach, a, b)

    monkeypatch.setattr(rp, "_add", counted_add)
    # a smaller budget and a single seed order keep the test short; the bound is the same
    monkeypatch.setattr(rp, "_RANKED_PAIRS_BUDGET", 40_000)
    monkeypatch.setattr(rp, "_SEED_WORK", 1)
    with pytest.raises(RuleError, match="too many orders"):
        rp._ranked_pairs_all(margins)
    assert 0 < locks <= 40_000 // (300 // rp._SEED_ALL)
    outcome = count(ballots, "ranked_pairs", tiebreak="order")
    assert len(outcome.winners) == 1 and outcome.ties[0].detail.startswith("equal margins locked")
