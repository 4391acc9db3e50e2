"""RAIRE assertions on every bundled IRV election, checked three ways.

For each election `tally rla` plans an audit; then

* ``tally rla verify`` (the independent checker) accepts the assertions it wrote;
* every margin is recounted here through the counting floor's own ballot walk
  (:class:`~tally.count.walk.Walk`): a NEB assertion compares the winner's first
  preferences (every candidate continuing) with the loser's tally when only the two
  continue, a NEN assertion the two tallies when only its continuing set remains;
* a brute force written here checks that every elimination order with another winner
  breaks some assertion: all orders when there are at most 8 candidates. With more, the
  candidates certainly eliminated first are set aside in blocks (a block whose combined
  votes, with all later candidates continuing, are below every later candidate's votes
  can only be eliminated before them, in some order), until at most 8 candidates are
  left: every order of those is checked, with each block in its order and reversed, and
  so are 50,000 orders of all candidates drawn at random.
"""

from __future__ import annotations

import itertools
import json
import random

import numpy as np
import pytest

from tally.audit import plan_audit
from tally.compare import counting
from tally.count.walk import Walk
from tally.data import resolve_contest
from tally.options import Reading
from tally.rules import count

IRV = [
    "alaska-2022-special",
    "alaska-2022-special-summary",
    "aspen-2009-mayor",
    "burlington-2006",
    "burlington-2009",
    "maine-2018-cd2",
    "oakland-2010-mayor",
    "sf-2011-mayor",
    "takoma-park-2007",
    "uk-labour-2010",
]
# counted officially by STV for several seats: audited as the IRV count of the same ballots
STV_AS_IRV = ["minneapolis-2009-bet", "minneapolis-2009-park"]

_plans: dict[str, tuple] = {}


def _plan(source: str):
    if source not in _plans:
        # IRV elections under their official rules; the STV ones counted as IRV
        contest = counting(resolve_contest(source), "irv" if source in STV_AS_IRV else None)
        assert contest.rule == "irv"
        ballots, options = contest.ballots, dict(contest.options)
        plan = plan_audit(ballots, contest.rule, options)
        _plans[source] = (ballots, options, plan)
    return _plans[source]


def _walk_tallies(ballots, options, continuing: list[int]) -> np.ndarray:
    walk = Walk(ballots, Reading.from_options(options))
    mask = np.zeros(ballots.n_candidates, dtype=bool)
    mask[continuing] = True
    walk.advance(mask)
    return walk.tally()


def _breaks(assertion, order: tuple[int, ...], position: dict[int, int]) -> bool:
    """Whether a complete elimination order (first out first) breaks the assertion."""
    if assertion.kind == "NEB":
        return position[assertion.winner] < position[assertion.loser]
    size = len(assertion.continuing)
    last = order[len(order) - size :]
    return last[0] == assertion.winner and set(last) == set(assertion.continuing)


def _ruled_out(assertions, order: tuple[int, ...]) -> bool:
    position = {c: i for i, c in enumerate(order)}
    return any(_breaks(a, order, position) for a in assertions)


def _certain_blocks(ballots, options, limit: int = 8) -> tuple[list[list[int]], list[int]]:
    c = ballots.n_candidates
    remaining, blocks = list(range(c)), []
    while len(remaining) > limit:
        votes = _walk_tallies(ballots, options, remaining)
        order = sorted(remaining, key=lambda x: (votes[x], x))
        k = max((k for k in range(1, len(order)) if votes[order[:k]].sum() < votes[order[k]]), default=0)
        if k == 0:
            break
        # set aside no more than needed to get down to the limit, taking whole blocks only
        blocks.append(order[:k])
        remaining = order[k:]
    return blocks, remaining


def _open_orders(plan, ballots, options) -> list[tuple[int, ...]]:
    c, winner = len(plan.candidates), plan.winner
    assertions = [s.assertion for s in plan.assertions]
    if c <= 8:
        orders = itertools.permutations(range(c))
    else:
        blocks, free = _certain_blocks(ballots, options)
        assert len(free) <= 8, f"{len(free)} candidates left after setting aside the certain eliminations"
        heads = [[x for b in blocks for x in b], [x for b in blocks for x in b[::-1]]]
        rng = random.Random(7)
        sampled = [tuple(rng.sample(range(c), c)) for _ in range(50_000)]
        orders = itertools.chain(
            (tuple(h) + tail for h in heads for tail in itertools.permutations(free)), sampled
        )
    return [o for o in orders if o[-1] != winner and not _ruled_out(assertions, o)][:3]


@pytest.mark.parametrize("source", IRV + STV_AS_IRV)
def test_margins_recounted_through_the_ballot_walk(source):
    ballots, options, plan = _plan(source)
    everyone = list(range(ballots.n_candidates))
    first = _walk_tallies(ballots, options, everyone)
    assert plan.assertions
    for s in plan.assertions:
        a = s.assertion
        if a.kind == "NEB":
            winner_votes = first[a.winner]
            loser_votes = _walk_tallies(ballots, options, [a.winner, a.loser])[a.loser]
        else:
            votes = _walk_tallies(ballots, options, list(a.continuing))
            winner_votes, loser_votes = votes[a.winner], votes[a.loser]
        assert (s.winner_votes, s.loser_votes) == (winner_votes, loser_votes), a
        assert s.margin > 0
        assert s.difficulty == pytest.approx(plan.total / s.margin)


@pytest.mark.parametrize("source", IRV + STV_AS_IRV)
def test_brute_force_finds_no_open_order(source):
    ballots, options, plan = _plan(source)
    assert _open_orders(plan, ballots, options) == []


@pytest.mark.parametrize("source", IRV + STV_AS_IRV)
def test_rla_verify_accepts_what_rla_wrote(source, cli, tmp_path):
    args = ["--rule", "irv"] if source in STV_AS_IRV else []
    code, out, err = cli("rla", source, "--json", *args)
    assert code == 0, err
    plan = json.loads(out)
    assert plan["assertions"] and plan["sample_size"]["risk_limit"] == 0.05
    path = tmp_path / "assertions.json"
    path.write_text(out)
    code, out, err = cli("rla", "verify", source, str(path), "--json", *args)
    assert code == 0, out + err
    check = json.loads(out)
    assert check["ok"] and check["open_order"] is None
    assert [r["margin"] for r in check["assertions"]] == [r["margin"] for r in plan["assertions"]]


def test_winners_are_the_counts():
    """The assertions confirm the winner tally's count reports (the published winners)."""
    expected = {
        "burlington-2009": "Bob Kiss",
        "maine-2018-cd2": "Jared Golden",
        "oakland-2010-mayor": "Jean Quan",
        "sf-2011-mayor": "Ed Lee",
    }
    for source, name in expected.items():
        _, _, plan = _plan(source)
        assert plan.candidates[plan.winner] == name


def test_last_round_margin_bounds_the_margin():
    """The final-round pair can only be ruled out by an assertion at most as wide as the
    last round's lead (or one deeper in the tree), so the audit's margin is at most it."""
    for source in IRV:
        ballots, options, plan = _plan(source)
        last = count(ballots, "irv", **options).rounds[-1].tally
        if len(last) == 2:
            lead = abs(np.subtract(*last.values()))
            assert plan.margin <= lead


@pytest.mark.slow
def test_a_hard_search_finishes_and_verifies():  # several minutes
    """Portland's 2024 District 1 ballots counted as single-winner IRV (its official count
    is STV for three seats): the winner holds about a fifth of the first preferences
    against 16 others, so thousands of suffixes need an assertion of their own. The search
    must finish (it evaluates tens of thousands of suffixes, where walking the suffixes one
    by one visits over thirteen million) and its assertions must verify."""
    from tally.audit import read_preferences, verify

    ballots = resolve_contest("portland-2024-council-d1").ballots
    plan = plan_audit(ballots, "irv", {})
    assert plan.candidates[plan.winner] == "Candace Avalos"
    prefs = read_preferences(ballots)
    assert verify(prefs, plan.winner, [s.assertion for s in plan.assertions]).ok
    # the last round: Avalos 18,139 against Loretta Smith 12,724 of 43,669 ballots
    assert plan.difficulty >= 43669 / (18139 - 12724)
