"""Elimination rules cost what the rule needs, and their searches over tie orders are bounded.

Baldwin and Nanson keep the Borda scores up to date as candidates leave instead of
placing every ballot again each round; here against a plain Borda count written in this
file (each ballot's points among the candidates left, candidate by candidate) on random
profiles with ties, truncation and both readings of a truncated ballot, where the two
must agree to the last bit. The work is asserted as operation counts: a count that went
back to recounting every ballot each round, or a tie search without a bound, fails here.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from tally import limits
from tally.ballots import RankedBallots
from tally.errors import RuleError
from tally.rules import count
from tally.rules import positional as positional_module
from tally.rules._borda_rounds import BordaRounds
from tally.rules.positional import borda_scores


def _random_ballots(rng: np.random.Generator, c: int, *, whole: bool = True) -> RankedBallots:
    names = [f"C{i}" for i in range(c)]
    rows: list[list[object]] = []
    for _ in range(int(rng.integers(1, 12))):
        # some candidates nobody ranks; ties (a set at one rank) and truncation throughout
        order = [names[int(i)] for i in rng.permutation(c)[: int(rng.integers(0, c + 1))]]
        row: list[object] = []
        while order:
            if len(order) > 1 and rng.random() < 0.25:
                row.append({order.pop(0), order.pop(0)})
            else:
                row.append(order.pop(0))
        rows.append(row)
    if whole:
        weights = [float(w) for w in rng.integers(1, 4, len(rows))]
    else:  # fractions of a vote: counted afresh each round
        weights = [float(w) for w in rng.choice([0.5, 1.0, 1.25, 2.5], len(rows))]
    return RankedBallots.from_rankings(names, rows, weights=weights)


def _plain_borda(ballots: RankedBallots, left: list[int], truncated: str) -> dict[int, float]:
    """Each ballot's Borda points among ``left``: places above share, ties share, as documented."""
    pos = ballots.positions()
    n = len(left)
    scores = dict.fromkeys(left, 0.0)
    for row, weight in zip(pos, ballots.weights, strict=True):
        if not np.isfinite(row).any():
            continue  # a ballot marking nobody scores nobody
        for j in left:
            if not np.isfinite(row[j]) and truncated == "optimistic":
                continue
            above = sum(1 for k in left if row[k] < row[j])
            level = sum(1 for k in left if row[k] == row[j])
            scores[j] += weight * ((n - 1) - above - (level - 1) / 2.0)
    return scores


def _plain_eliminate(ballots: RankedBallots, truncated: str, nanson: str | None) -> list[list[int]]:
    """Rounds of Baldwin (lowest out, ties to the later candidate) or Nanson: who goes each round."""
    left = list(range(ballots.n_candidates))
    out_by_round: list[list[int]] = []
    while len(left) > 1:
        scores = _plain_borda(ballots, left, truncated)
        values = list(scores.values())
        if nanson is None:
            low = min(values)
            going = [max(j for j in left if abs(scores[j] - low) <= 1e-9)]
        else:
            mean = sum(values) / len(values)
            if nanson == "strict":
                going = [j for j in left if scores[j] < mean - 1e-9]
            else:
                going = [j for j in left if scores[j] <= mean + 1e-9]
            if not going or len(going) == len(left):
                break
        out_by_round.append(going)
        left = [j for j in left if j not in going]
    return out_by_round


def _plain_baldwin_all(ballots: RankedBallots, left: tuple[int, ...], truncated: str) -> set[int]:
    """Baldwin's winners over every order of breaking ties for the lowest score, by brute force."""
    if len(left) == 1:
        return set(left)
    scores = _plain_borda(ballots, list(left), truncated)
    low = min(scores.values())
    found: set[int] = set()
    for j in left:
        if abs(scores[j] - low) <= 1e-9:
            found |= _plain_baldwin_all(ballots, tuple(k for k in left if k != j), truncated)
    return found


@pytest.mark.parametrize("truncated", ["optimistic", "average"])
@pytest.mark.parametrize("whole", [True, False])
def test_borda_kept_up_to_date_is_the_recount_to_the_last_bit(truncated: str, whole: bool) -> None:
    rng = np.random.default_rng(23 if whole else 29)
    for _ in range(400):
        c = int(rng.integers(1, 9))
        ballots = _random_ballots(rng, c, whole=whole)
        rounds = BordaRounds(ballots, truncated, lambda m, b=ballots: borda_scores(b, m, truncated=truncated))
        scores = rounds.first()
        plain = _plain_borda(ballots, list(range(c)), truncated)
        assert scores.tolist() == [plain[j] for j in range(c)]
        mask = np.ones(c, dtype=bool)
        for j in rng.permutation(c)[:-1].tolist():
            # one or several at a time, as Nanson takes them
            mask[j] = False
            scores = rounds.without(scores, mask, [j])
            expected = borda_scores(ballots, mask, truncated=truncated)
            assert np.array_equal(scores, expected, equal_nan=True)
            left = np.flatnonzero(mask).tolist()
            plain = _plain_borda(ballots, left, truncated)
            assert scores[left].tolist() == [plain[k] for k in left]


def _check_against_plain(truncated: str, trials: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for trial in range(trials):
        c = int(rng.integers(2, 8))
        ballots = _random_ballots(rng, c, whole=trial % 4 != 0)
        names = ballots.candidates
        for rule, nanson in (("baldwin", None), ("nanson", "strict"), ("nanson", "weak")):
            options = {"variant": nanson} if rule == "nanson" else {}
            outcome = count(ballots, rule, tiebreak="order", truncated=truncated, **options)
            plain = _plain_eliminate(ballots, truncated, nanson)
            got = [sorted(names.index(x) for x in r.eliminated) for r in outcome.rounds if r.eliminated]
            assert got == [sorted(g) for g in plain], (rule, nanson, trial)
            left = [j for j in range(c) if all(j not in g for g in plain)]
            for r in outcome.rounds:
                shown = {names.index(k): v for k, v in r.tally.items()}
                if len(shown) > 1:  # each round's tally is Borda among those left, to the bit
                    assert shown == _plain_borda(ballots, sorted(shown), truncated)
            if rule == "baldwin":
                assert [names.index(w) for w in outcome.winners] == left
        if c <= 6:
            every = count(ballots, "baldwin", tiebreak="all", truncated=truncated)
            plain_all = _plain_baldwin_all(ballots, tuple(range(c)), truncated)
            assert {names.index(w) for w in every.winners} == plain_all, trial


@pytest.mark.parametrize("truncated", ["optimistic", "average"])
def test_baldwin_and_nanson_are_the_plain_count(truncated: str) -> None:
    _check_against_plain(truncated, 250, 31)


@pytest.mark.slow
@pytest.mark.parametrize("truncated", ["optimistic", "average"])
def test_baldwin_and_nanson_are_the_plain_count_on_thousands(truncated: str) -> None:
    _check_against_plain(truncated, 2500, 37)


class _Counted(BordaRounds):
    made: ClassVar[list[BordaRounds]] = []

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        _Counted.made.append(self)


def _sparse(c: int, rows: int, seed: int) -> RankedBallots:
    rng = np.random.default_rng(seed)
    names = [f"C{i}" for i in range(c)]
    return RankedBallots.from_rankings(
        names, [[names[int(i)] for i in rng.permutation(c)[:3]] for _ in range(rows)]
    )


@pytest.mark.parametrize("rule", ["baldwin", "nanson"])
def test_elimination_reads_only_the_ballots_ranking_who_left(
    monkeypatch: pytest.MonkeyPatch, rule: str
) -> None:
    # 400 candidates, 300 ballots ranking 3 each: a recount per round would read 300 x 400
    # cells for each of ~400 rounds; the update reads the marks of the ballots ranking
    # the candidate who left, each ballot's 3 marks once for each of its 3 candidates.
    monkeypatch.setattr(positional_module, "BordaRounds", _Counted)
    _Counted.made.clear()
    ballots = _sparse(400, 300, 3)
    outcome = count(ballots, rule, tiebreak="order")
    (rounds,) = _Counted.made
    assert rounds.exact and rounds.marks_read <= 300 * 3 * 3
    if rule == "baldwin":  # one candidate out a round, each by update (none in the last round)
        assert rounds.recounts == 0 and rounds.updates == ballots.n_candidates - 2
    else:  # about half out a round: a recount among those left can be cheaper, in few rounds
        assert rounds.recounts + rounds.updates <= 12 * 2
    assert len(outcome.winners) == 1


def test_a_recount_is_taken_when_it_is_cheaper(monkeypatch: pytest.MonkeyPatch) -> None:
    # complete ballots: every ballot ranks the candidate who left, so an update would read
    # every mark; a recount among those left reads fewer
    monkeypatch.setattr(positional_module, "BordaRounds", _Counted)
    _Counted.made.clear()
    rng = np.random.default_rng(5)
    names = [f"C{i}" for i in range(12)]
    ballots = RankedBallots.from_rankings(
        names, [[names[int(i)] for i in rng.permutation(12)] for _ in range(40)]
    )
    count(ballots, "baldwin", tiebreak="order")
    (rounds,) = _Counted.made
    # (the last round, with one candidate left, needs no scores)
    assert rounds.recounts == ballots.n_candidates - 2 and rounds.updates == 0


def _cycle(c: int) -> RankedBallots:
    # every candidate first, second and third on one ballot each: every score ties, every round
    names = [f"C{i}" for i in range(c)]
    return RankedBallots.from_rankings(
        names, [[names[i], names[(i + 1) % c], names[(i + 2) % c]] for i in range(c)]
    )


@pytest.mark.parametrize("rule", ["baldwin", "irv", "coombs"])
def test_the_search_over_tie_orders_is_refused_past_its_limit(
    monkeypatch: pytest.MonkeyPatch, rule: str
) -> None:
    monkeypatch.setattr(limits, "TIE_SEARCH_STATES", 300)
    with pytest.raises(RuleError, match=r"more than 300 sets of candidates.*tiebreak 'order', 'random'"):
        count(_cycle(40), rule, tiebreak="all")


def test_the_tie_search_counts_each_set_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # 9 candidates tied round after round: 9! orders, but at most 2**9 sets, each counted once
    monkeypatch.setattr(positional_module, "BordaRounds", _Counted)
    _Counted.made.clear()
    ballots = _cycle(9)
    outcome = count(ballots, "baldwin", tiebreak="all")
    (rounds,) = _Counted.made
    assert rounds.updates <= 2**9
    plain = _plain_baldwin_all(ballots, tuple(range(9)), "optimistic")
    assert outcome.winners == tuple(ballots.candidates[j] for j in sorted(plain))


def test_candidates_nobody_ranks_leave_together_in_the_search() -> None:
    # 300 candidates of whom 290 are on no ballot: their orders are 290! but one set each way
    names = [f"C{i}" for i in range(300)]
    rng = np.random.default_rng(9)
    rows = [[names[int(i)] for i in rng.permutation(10)[:3]] for _ in range(25)]
    full = RankedBallots.from_rankings(names, rows)
    small = RankedBallots.from_rankings(names[:10], rows)
    for truncated in ("optimistic", "average"):
        got = count(full, "baldwin", tiebreak="all", truncated=truncated).winners
        # once the unranked have left, the count is the count among the ranked alone
        assert got == count(small, "baldwin", tiebreak="all", truncated=truncated).winners


@pytest.mark.parametrize("rule", ["irv", "coombs"])
def test_deep_nested_ties_need_no_recursion(rule: str) -> None:
    # every round of a 400-candidate cycle ties, and the search goes down ~400 ties deep
    # (past Python's recursion limit of frames) before it is refused at the limit
    with pytest.raises(RuleError, match="sets of candidates"):
        count(_cycle(400), rule, tiebreak="all")


def test_irv_parallel_universes_match_brute_force() -> None:
    rng = np.random.default_rng(41)
    for _ in range(150):
        c = int(rng.integers(2, 6))
        names = [f"C{i}" for i in range(c)]
        rows = [
            [names[int(i)] for i in rng.permutation(c)[: int(rng.integers(1, c + 1))]]
            for _ in range(int(rng.integers(1, 9)))
        ]
        ballots = RankedBallots.from_rankings(names, rows)
        got = {names.index(w) for w in count(ballots, "irv", tiebreak="all").winners}
        assert got == _plain_irv_all(rows, names, tuple(range(c)))


def _plain_irv_all(rows: list[list[str]], names: list[str], left: tuple[int, ...]) -> set[int]:
    votes = dict.fromkeys(left, 0)
    for row in rows:
        for name in row:
            if names.index(name) in votes:
                votes[names.index(name)] += 1
                break
    total = sum(votes.values())
    top = max(votes.values())
    leaders = [j for j in left if votes[j] == top]
    if len(left) == 1 or (top * 2 > total):
        return {leaders[0]} if len(leaders) == 1 else set(leaders)
    if len(left) == 2:
        return set(leaders)
    low = min(votes.values())
    found: set[int] = set()
    for j in left:
        if votes[j] == low:
            found |= _plain_irv_all(rows, names, tuple(k for k in left if k != j))
    return found
