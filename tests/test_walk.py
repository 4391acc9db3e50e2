"""The ballot walk: RCTab's overvote, skipped-rank and duplicate rules, row by row."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tally.ballots import RankedBallots
from tally.count.walk import REASONS, Walk, reason
from tally.errors import ConfigError
from tally.options import Reading

CANDS = ("A", "B", "C", "D")


def walk(rankings, rules=None, **kw):
    b = RankedBallots.from_rankings(CANDS, rankings, merge=False)
    return b, Walk(b, rules or Reading(), **kw)


def only(*names):
    mask = np.zeros(len(CANDS), dtype=bool)
    for n in names:
        mask[CANDS.index(n)] = True
    return mask


def status(w, i=0):
    code = int(w.current[i])
    return CANDS[code] if code >= 0 else reason(code)


# -- the basics ------------------------------------------------------------------------------


def test_first_choices_and_undervotes():
    _, w = walk([["A", "B"], ["B"], [], [None, None], ["C"]])
    assert w.tally().tolist() == [1, 1, 1, 0]
    assert w.inactive() == {"undervote": 2, "overvote": 0, "skipped": 0, "repeated": 0, "exhausted": 0}


def test_transfer_then_exhaust_when_marks_run_out():
    _, w = walk([["A", "B"]])
    w.advance(only("B", "C", "D"))
    assert status(w) == "B"
    w.advance(only("C", "D"))
    assert status(w) == "exhausted"
    # inactive rows stay inactive even if a candidate were to come back
    w.advance(only("A", "B", "C", "D"))
    assert status(w) == "exhausted"


def test_weights_and_custom_weights():
    b = RankedBallots.from_rankings(CANDS, [["A"], ["B"], ["A"]])
    w = Walk(b)
    assert w.tally().tolist() == [2, 1, 0, 0]
    custom = np.full(len(b.weights), 0.5)
    assert w.tally(custom).sum() == pytest.approx(0.5 * len(b.weights))


def test_excluded_candidates_are_never_continuing():
    _, w = walk([["A", "B"], ["A"], ["A", "A"]], excluded=frozenset({0}))
    assert [status(w, i) for i in range(3)] == ["B", "exhausted", "exhausted"]
    # advance cannot bring an excluded candidate back
    w.advance(np.ones(4, dtype=bool))
    assert w.tally()[0] == 0


# -- skipped ranks ---------------------------------------------------------------------------


def test_unlimited_skips_pass_over_blanks():
    _, w = walk([[None, None, None, "C"]])
    assert status(w) == "C"


@pytest.mark.parametrize(
    "max_skipped, expected",
    [(0, "skipped"), (1, "skipped"), (2, "C"), (3, "C")],
)
def test_blank_ranks_before_a_mark(max_skipped, expected):
    # two blanks at the top: the gap counts from the start of the ballot, as in RCTab
    _, w = walk([[None, None, "C"]], Reading(max_skipped=max_skipped))
    assert status(w) == expected


def test_skip_limit_applies_only_when_the_walk_reaches_the_gap():
    # Maine: two consecutive skipped ranks exhaust, but only once the ballot gets there
    _, w = walk([["A", None, None, "B"]], Reading(max_skipped=1))
    assert status(w) == "A"
    w.advance(only("B", "C", "D"))
    assert status(w) == "skipped"


def test_one_blank_is_tolerated_with_max_skipped_one():
    _, w = walk([["A", None, "B"]], Reading(max_skipped=1))
    w.advance(only("B", "C"))
    assert status(w) == "B"


def test_trailing_blanks_exhaust_rather_than_skip():
    b = RankedBallots.from_rankings(CANDS, [["A", None, None, None, "B"], ["A"]], merge=False)
    # pad the second ballot with trailing blank ranks explicitly
    assert b.choices.shape[1] == 5
    w = Walk(b, Reading(max_skipped=0))
    w.advance(only("C", "D"))
    assert status(w, 0) == "skipped"
    assert status(w, 1) == "exhausted"


def test_skipped_overvote_counts_as_a_mark_not_a_blank():
    _, w = walk([["overvote", "B"]], Reading(overvote="skip", max_skipped=0))
    assert status(w) == "B"


# -- overvotes -------------------------------------------------------------------------------


def test_overvote_exhaust_immediately_even_if_the_candidates_are_gone():
    _, w = walk([["A", {"B", "C"}, "D"], [{"B", "C"}, "D"]], Reading(overvote="exhaust"))
    assert status(w, 0) == "A"
    assert status(w, 1) == "overvote"
    w.advance(only("D"))
    assert status(w, 0) == "overvote"


def test_unnamed_overvote_exhausts_or_skips():
    _, w = walk([["overvote", "B"]], Reading(overvote="exhaust"))
    assert status(w) == "overvote"
    _, w = walk([["overvote", "B"]], Reading(overvote="skip"))
    assert status(w) == "B"


def test_overvote_skip_at_the_last_mark_is_exhausted():
    _, w = walk([["A", {"B", "C"}]], Reading(overvote="skip"))
    w.advance(only("B", "C", "D"))
    assert status(w) == "exhausted"


def test_exhaust_if_multiple_continuing():
    rules = Reading(overvote="exhaust_if_multiple")
    _, w = walk([[{"A", "B"}, "C"], [{"A", "B"}, "C"]], rules)
    assert status(w) == "overvote"
    # once only one of the overvoted candidates is continuing, the ballot counts for it
    _, w = walk([[{"A", "B"}, "C"]], rules, excluded=frozenset({0}))
    assert status(w) == "B"
    # when none is, the walk goes on to the next rank
    w.advance(only("C", "D"))
    assert status(w) == "C"


def test_exhaust_if_multiple_sees_eliminations_between_rounds():
    rules = Reading(overvote="exhaust_if_multiple")
    _, w = walk([["D", {"A", "B"}, "C"], ["D", {"A", "B"}, "C"]], rules)
    w.advance(only("A", "C"))  # D and B out together: one overvoted candidate continues
    assert status(w) == "A"
    _, w = walk([["D", {"A", "B"}, "C"]], rules)
    w.advance(only("A", "B", "C"))  # D out, A and B both continue
    assert status(w) == "overvote"


def test_exhaust_if_multiple_refuses_unnamed_overvotes():
    with pytest.raises(ConfigError, match="exhaust_if_multiple"):
        walk([["overvote", "A"]], Reading(overvote="exhaust_if_multiple"))


# -- repeated candidates ---------------------------------------------------------------------


def test_repeat_skipped_by_default():
    _, w = walk([["A", "A", "B"]])
    w.advance(only("B", "C"))
    assert status(w) == "B"


def test_repeat_exhausts_when_reached():
    rules = Reading(repeated="exhaust")
    _, w = walk([["A", "A", "B"], ["A", "B", "A"]], rules)
    assert [status(w, i) for i in range(2)] == ["A", "A"]
    w.advance(only("B", "C"))
    assert [status(w, i) for i in range(2)] == ["repeated", "B"]
    w.advance(only("C"))
    assert [status(w, i) for i in range(2)] == ["repeated", "repeated"]


def test_repeat_of_a_candidate_inside_an_overvote():
    rules = Reading(overvote="skip", repeated="exhaust")
    _, w = walk([[{"A", "B"}, "A", "C"]], rules)
    assert status(w) == "repeated"


def test_skip_check_comes_before_repeat_check():
    rules = Reading(max_skipped=0, repeated="exhaust")
    _, w = walk([["A", None, "A"]], rules)
    w.advance(only("B"))
    assert status(w) == "skipped"


def test_unnamed_overvote_twice_counts_as_a_repeat():
    rules = Reading(overvote="skip", repeated="exhaust")
    _, w = walk([["overvote", "overvote", "A"]], rules)
    assert status(w) == "repeated"


# -- options and bookkeeping ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kw",
    [
        {"overvote": "drop"},
        {"repeated": "count"},
        {"max_skipped": -1},
        {"max_skipped": 1.5},
        {"max_skipped": True},
    ],
)
def test_bad_rules_are_config_errors(kw):
    with pytest.raises(ConfigError):
        Reading(**kw)


def test_flows_report_where_moved_rows_went():
    _, w = walk([["A", "B"], ["A", "C"], ["A"], ["B", "A"]])
    w.advance(only("B", "C"))
    flows = {
        CANDS[k]: {(CANDS[t] if isinstance(t, int) else t): v for t, v in d.items()}
        for k, d in w.flows().items()
    }
    assert flows == {"A": {"B": 1.0, "C": 1.0, "exhausted": 1.0}}


def test_advance_checks_its_argument():
    _, w = walk([["A"]])
    with pytest.raises(ConfigError):
        w.advance(np.ones(3, dtype=bool))


# -- differential: the vectorised walk against a ballot-by-ballot reading of RCTab's loop ---------


def reference(marks, rules, rounds, excluded):
    """RCTab's computeTalliesForRound, one ballot at a time, re-read from the top each round."""
    out = []
    current, inactive = None, None
    for continuing in rounds:
        cont = continuing & ~excluded
        if inactive is not None:
            out.append(inactive)
            continue
        if current is not None and cont[current]:
            out.append(current)
            continue
        if not any(marks):
            inactive = "undervote"
            out.append(inactive)
            continue
        last_rank, seen, chosen = 0, set(), None
        last_mark = max(i for i, m in enumerate(marks) if m) + 1
        for rank, m in enumerate(marks, start=1):
            if not m:
                continue
            if rules.max_skipped is not None and rank - last_rank > rules.max_skipped + 1:
                chosen = "skipped"
                break
            last_rank = rank
            if rules.repeated == "exhaust":
                dup = False
                for cand in m:
                    if cand in seen:
                        dup = True
                        break
                    seen.add(cand)
                if dup:
                    chosen = "repeated"
                    break
            names = set(m)
            decision = None
            if "ov" in names:
                decision = "exhaust" if rules.overvote == "exhaust" else "skip"
            elif len(names) > 1:
                if rules.overvote == "exhaust":
                    decision = "exhaust"
                elif rules.overvote == "skip":
                    decision = "skip"
                else:
                    alive = [c for c in names if cont[c]]
                    decision = "exhaust" if len(alive) >= 2 else None
            if decision == "exhaust":
                chosen = "overvote"
                break
            if decision == "skip":
                if rank == last_mark:
                    chosen = "exhausted"
                continue
            alive = [c for c in names if cont[c]]
            if alive:
                chosen = alive[0]
                break
            if rank == last_mark:
                chosen = "exhausted"
        if isinstance(chosen, str):
            inactive = chosen
            out.append(inactive)
        else:
            current = chosen
            out.append(current)
    return out


mark = st.one_of(
    st.just(None),
    st.just("ov"),
    st.sampled_from(range(4)),
    st.sampled_from(range(4)),
    st.frozensets(st.sampled_from(range(4)), min_size=2, max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(
    ballots=st.lists(st.lists(mark, max_size=6), min_size=1, max_size=25),
    overvote=st.sampled_from(["exhaust", "skip", "exhaust_if_multiple"]),
    max_skipped=st.sampled_from([None, 0, 1, 2]),
    repeated=st.sampled_from(["skip", "exhaust"]),
    order=st.permutations(range(4)),
    batch=st.lists(st.integers(1, 2), min_size=4, max_size=4),
    excluded=st.sets(st.sampled_from(range(4)), max_size=2),
)
def test_walk_matches_rctab_loop(ballots, overvote, max_skipped, repeated, order, batch, excluded):
    if overvote == "exhaust_if_multiple":
        ballots = [[m for m in row if m != "ov"] for row in ballots]
    rules = Reading(overvote=overvote, max_skipped=max_skipped, repeated=repeated)
    rankings = [
        [
            "overvote"
            if m == "ov"
            else (CANDS[m] if isinstance(m, int) else m if m is None else {CANDS[c] for c in m})
            for m in row
        ]
        for row in ballots
    ]
    b = RankedBallots.from_rankings(CANDS, rankings, merge=False)
    ex = frozenset(excluded)
    w = Walk(b, rules, excluded=ex)
    # a sequence of continuing sets, candidates leaving one or two at a time
    rounds, cont = [], np.ones(4, dtype=bool)
    rounds.append(cont.copy())
    left = list(order)
    for k in batch:
        for _ in range(k):
            if left:
                cont[left.pop(0)] = False
        rounds.append(cont.copy())
    excluded_mask = np.zeros(4, dtype=bool)
    excluded_mask[list(ex)] = True
    as_marks = [
        [set() if m is None else {"ov"} if m == "ov" else {m} if isinstance(m, int) else set(m) for m in row]
        for row in ballots
    ]
    expected = [reference(m, rules, rounds, excluded_mask) for m in as_marks]
    got = [[] for _ in ballots]
    for k, cont_k in enumerate(rounds):
        if k:
            w.advance(cont_k)
        for i in range(len(ballots)):
            code = int(w.current[i])
            got[i].append(code if code >= 0 else reason(code))
        total = w.tally().sum() + sum(w.inactive().values())
        assert total == pytest.approx(len(ballots))
    assert got == expected
    assert set(w.inactive()) == set(REASONS)
