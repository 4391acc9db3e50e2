"""Transfers reconcile: the transfers into a round explain how it differs from the round before.

Every candidate's tally changes by what it received less what it passed on; the inactive
ballots grow by what went to "exhausted" (and to RCTab's "final-round surplus"); what
is left is value lost to rounding, which shows as continuing value in no tally. The
recorder checks this as it records each round (:mod:`tally.count.record`); these tests
check it again, written out here, on every bundled ranked dataset and on random profiles,
and check that the recorder refuses rounds the transfers do not explain.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import tally
from tally.count.record import AccountingError, Recorder
from tally.data import datasets, resolve_contest
from tally.data import load as load_data
from tally.procedures import count as count_contest

from .test_ranked_shape import RANKED_ROUND_RULES, messy

# The STV counts list inactive *papers* by reason while their transfers move *value*, so
# they are reconciled by the recorder against the value it is given (non-transferable and
# lost), not here from the outcome; Meek's and Warren's keep values are iterated again
# after an exclusion's first transfer, so their rounds change by more than their transfers
# and are not reconciled at all. Counting them here still runs the recorder's check.
STV = {"scottish_stv", "wigm_stv", "ers97_stv", "irish_stv", "meek_stv", "warren_stv"}
INACTIVE_DESTINATIONS = ("exhausted", "final-round surplus")


def unexplained(outcome: tally.Outcome, tol: float = 1e-6) -> list[str]:
    """Every way the outcome's transfers fail to explain its rounds (empty when they do).

    The transfers listed in a round (the one that eliminates, or whose surplus moves)
    explain the round after it.
    """
    problems = []
    rounds = outcome.rounds
    for before, after in itertools.pairwise(rounds):
        if after.note.startswith("pass ") and after.note.split(";")[0] != before.note.split(";")[0]:
            continue  # a new pass of sequential counting starts afresh
        moved = before.transfers
        names = set(before.tally) | set(after.tally)
        net = {c: 0.0 for c in names}
        to_inactive = lost_listed = 0.0
        for source, row in moved.items():
            for dest, value in row.items():
                net[source] = net.get(source, 0.0) - value
                if dest in names:
                    net[dest] += value
                elif dest in INACTIVE_DESTINATIONS:
                    to_inactive += value
                elif dest == "residual surplus":
                    lost_listed += value
                else:
                    problems.append(f"round {after.number}: transfer to {dest!r}")
        residual = {c: after.tally.get(c, 0.0) - before.tally.get(c, 0.0) - net[c] for c in names}
        gained = {c: r for c, r in residual.items() if r > tol}
        if gained:
            problems.append(f"round {after.number}: votes from nowhere {gained}")
        grew = sum(after.inactive.values()) - sum(before.inactive.values())
        if abs(grew - to_inactive) > tol * max(1.0, abs(to_inactive)):
            problems.append(f"round {after.number}: inactive grew {grew}, {to_inactive} transferred there")
        # value in no tally and not inactive: lost to rounding
        held_before = before.continuing - sum(before.tally.values())
        held_after = after.continuing - sum(after.tally.values())
        lost = -sum(r for r in residual.values() if r < 0)
        if abs(lost + lost_listed - (held_after - held_before)) > tol * max(1.0, outcome.ballots["read"]):
            problems.append(
                f"round {after.number}: {lost} lost beyond the transfers, {lost_listed} listed, "
                f"but value in no tally grew by {held_after - held_before}"
            )
    return problems


def _check(ballots: tally.RankedBallots, name: str, options: dict) -> tally.Outcome:
    outcome = tally.count(ballots, name, **options)
    if name not in STV:
        assert unexplained(outcome) == [], name
    return outcome


@pytest.mark.parametrize("seed", range(12))
def test_every_ranked_rule_reconciles_on_random_profiles(seed):
    ballots = messy(seed)
    moved = 0
    for name, options in RANKED_ROUND_RULES.items():
        outcome = _check(ballots, name, options)
        moved += sum(bool(r.transfers) for r in outcome.rounds)
    assert moved > 0


@pytest.mark.parametrize("seats", [2, 3])
def test_rctab_multi_seat_modes_reconcile(seats):
    for seed in range(6):
        ballots = messy(seed)
        for mode in ("stv", "one_per_round", "bottoms_up", "multi_pass"):
            _check(ballots, "rctab", {"seats": seats, "mode": mode})


def _ballots(dataset: str) -> tally.RankedBallots:
    data = load_data(dataset)
    return data if isinstance(data, tally.RankedBallots) else data.ballots


RANKED = [ds.id for ds in datasets() if ds.kind == "ranked"]


@pytest.mark.slow
@pytest.mark.parametrize("dataset", RANKED)
def test_every_bundled_ranked_dataset_reconciles(dataset):
    ballots = _ballots(dataset)
    for name, options in RANKED_ROUND_RULES.items():
        if name in STV and ballots.total > 50_000:
            continue  # paper-by-paper STV on the largest cities belongs to the STV tests
        _check(ballots, name, options)


@pytest.mark.parametrize("dataset", ["burlington-2009", "minneapolis-2009-park", "takoma-park-2007"])
def test_bundled_ranked_datasets_reconcile(dataset):
    ballots = _ballots(dataset)
    for name, options in RANKED_ROUND_RULES.items():
        _check(ballots, name, options)


def test_portland_final_round_surplus_is_labelled_as_such():
    # counted under the contest's official rules, as `tally count` counts it
    outcome = count_contest(resolve_contest("portland-2024-council-d1"))
    assert unexplained(outcome) == []
    r16, r17 = outcome.rounds[15], outcome.rounds[16]
    # Smith's surplus at the end of the count, held by the winners, named alike in the
    # transfer and among the last round's inactive ballots (RCTab's "finalRoundSurplus")
    smith = r16.transfers["Loretta Smith"]
    assert smith["final-round surplus"] == pytest.approx(1308.3703) and smith["exhausted"] == 0
    assert r17.inactive["final-round surplus"] == pytest.approx(1308.3703)
    assert r17.inactive["exhausted"] == pytest.approx(r16.inactive["exhausted"])


def test_single_continuing_comebacks_reconcile():
    # the overvote set aside in round 1 counts for B in round 2: inactive falls as B rises
    rows = [["A"]] * 4 + [["B"]] * 3 + [["C"]] * 2 + [[{"B", "C"}]] * 2
    b = tally.RankedBallots.from_rankings(list("ABC"), rows)
    outcome = tally.count(b, "irv", overvote="single_continuing")
    assert outcome.winners == ("B",)
    first, last = outcome.rounds
    # C's own ballots rank nobody else; the two overvotes were never C's, so they are no
    # transfer: they leave the inactive ballots and count for B
    assert first.transfers == {"C": {"exhausted": 2}}
    assert last.tally["B"] - first.tally["B"] == 2
    assert first.inactive["overvote"] - last.inactive["overvote"] == 2
    assert last.inactive["exhausted"] - first.inactive["exhausted"] == 2
    # read without the allowance, the comeback is B's only unexplained change
    assert unexplained(outcome) == [
        "round 2: votes from nowhere {'B': 2.0}",
        "round 2: inactive grew 0.0, 2.0 transferred there",
    ]


def test_the_recorder_refuses_rounds_its_transfers_do_not_explain():
    rec = Recorder(["A", "B", "C"], 10)
    zero = dict.fromkeys(("undervote", "overvote", "skipped", "repeated", "exhausted"), 0.0)
    rec.add(
        tally={"A": 4, "B": 3, "C": 3},
        eliminated=("C",),
        transfers={"C": {"B": 1, "exhausted": 2}},
        continuing=10,
        inactive=zero,
    )
    # B should have 4 after C's transfer, not 5
    with pytest.raises(AccountingError, match="round 2: the transfers into it do not explain"):
        rec.add(tally={"A": 4, "B": 5}, continuing=9, inactive={**zero, "exhausted": 1})
    # and the inactive ballots grow by what was transferred there, no more
    with pytest.raises(AccountingError, match="inactive grew by 3 where 2 was transferred"):
        rec.add(tally={"A": 4, "B": 3}, continuing=7, inactive={**zero, "exhausted": 3})
    rec.add(tally={"A": 4, "B": 4}, continuing=8, inactive={**zero, "exhausted": 2})
    assert len(rec.rounds) == 2


def test_a_transfer_to_an_unknown_destination_is_refused():
    rec = Recorder(["A", "B"], 2)
    zero = dict.fromkeys(("undervote", "overvote", "skipped", "repeated", "exhausted"), 0.0)
    rec.add(tally={"A": 1, "B": 1}, eliminated=("B",), transfers={"B": {"Z": 1}}, continuing=2, inactive=zero)
    with pytest.raises(AccountingError, match="goes to 'Z'"):
        rec.add(tally={"A": 2}, continuing=2, inactive=zero)
    assert np.isclose(rec.read, 2)


@pytest.mark.parametrize("tiebreak", ["random", "previous_round", "permutation"])
def test_rctab_random_tiebreaks_count_without_a_seed(tiebreak):
    # RCTab requires randomSeed with these modes; the rule draws from seed 0 when none is
    # given, as every rule does, and the draw is the same as with seed 0 given
    b = tally.RankedBallots.from_rankings(list("ABC"), [["A"]] * 2 + [["B"]] + [["C", "A"]])
    unseeded = tally.count(b, "rctab", tiebreak=tiebreak)
    assert unseeded.ties and unseeded.rounds == tally.count(b, "rctab", tiebreak=tiebreak, seed=0).rounds
