"""Each Irish count's choice between a surplus, a deferment (s. 121) and an exclusion of one
or several candidates (s. 122), checked from the published rounds alone on random profiles.

For every stage after the first, the state before it (the previous round's tally, the
quota, who is elected and who excluded) decides what the Act asks for:

- surpluses not yet transferred wait only if, with S their total, the highest continuing
  candidate plus S stays below the quota, the lowest plus S stays below the next lowest,
  and (recoupment) the lowest cannot newly exceed a quarter of the quota with S; a
  surplus stage must not meet all three, a stage leaving surpluses waiting must;
- several candidates go together only as the largest group of two or more lowest whose
  votes plus S are less than the next candidate's, leaving enough for the seats, and
  (recoupment) none of them newly able to exceed a quarter of the quota;
- the recorded numbers are those of the previous round, and deferred surpluses stay put.

Every round also accounts for every ballot, and a count repeats byte for byte.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

import tally
from tally.ballots import RankedBallots


def random_profiles(count: int, seed: int):
    """Random profiles with blank ranks and overvotes; two in three have A just over the
    quota, so a small surplus may wait."""
    rng = np.random.default_rng(seed)
    for k in range(count):
        c = int(rng.integers(4, 9))
        names = [chr(65 + i) for i in range(c)]
        popularity = rng.dirichlet(np.full(c, 0.5))
        seats = int(rng.integers(1, min(4, c - 1) + 1))

        def draw(first: str | None = None, names=names, c=c, popularity=popularity) -> list:
            order = [names[i] for i in rng.choice(c, size=c, replace=False, p=popularity)]
            if first is not None:
                order.remove(first)
                order.insert(0, first)
            marks: list = order[: int(rng.integers(1, c + 1))]
            if rng.random() < 0.1:
                marks.insert(int(rng.integers(1, len(marks) + 1)), None if rng.random() < 0.6 else "overvote")
            return marks

        rows = [draw() for _ in range(int(rng.integers(20, 150)))]
        if k % 3:
            others = [r for r in rows if r[0] != "A"]
            surplus, a = int(rng.integers(1, 4)), 1
            while a < (len(others) + a) // (seats + 1) + 1 + surplus:
                a += 1
            rows = others + [draw("A") for _ in range(a)]
        yield RankedBallots.from_rankings(names, rows), seats, "exhaust" if k % 5 == 4 else "continue"


def check_decisions(o: tally.Outcome, seats: int, recoupment: bool) -> dict[str, int]:
    seen = {"surplus": 0, "deferred": 0, "together": 0, "single": 0}
    elected: list[str] = []
    excluded: set[str] = set()
    for i, (r, stage) in enumerate(zip(o.rounds, o.details["stages"])):
        if i > 0:
            prev = o.rounds[i - 1]
            quota = Fraction(prev.threshold)
            votes = {n: Fraction(v) for n, v in prev.tally.items()}
            pending = {n: votes[n] - quota for n in elected if votes[n] > quota}
            s = sum(pending.values(), Fraction(0))
            hopeful = sorted(
                (n for n in votes if n not in elected and n not in excluded), key=lambda n: (votes[n], n)
            )
            low, second, high = hopeful[0], hopeful[1], hopeful[-1]
            quarter = quota / 4
            may_wait = (
                votes[high] + s < quota
                and votes[low] + s < votes[second]
                and not (recoupment and votes[low] <= quarter < votes[low] + s)
            )
            if stage["action"] == "surplus":
                seen["surplus"] += 1
                assert pending and not may_wait, (i, prev.tally)
            else:
                assert stage["action"] == "exclusion"
                assert ("deferred" in stage) == bool(pending), (i, prev.tally)
                if pending:
                    seen["deferred"] += 1
                    assert may_wait, (i, prev.tally)
                    d = stage["deferred"]
                    assert d["surpluses"] == {n: float(v) for n, v in pending.items()}
                    assert d["total"] == float(s)
                    assert d["highest"] == {high: float(votes[high])}
                    assert d["lowest"] == {low: float(votes[low])}
                    assert d["next_lowest"] == {second: float(votes[second])}
                    for n in pending:  # deferred surpluses stay with their candidate
                        assert r.tally[n] == prev.tally[n]
                # The largest group of two or more lowest that the Act allows, if any.
                left = seats - len(elected)
                allowed = []
                for k in range(2, len(hopeful)):
                    total = sum((votes[n] for n in hopeful[:k]), Fraction(0))
                    if len(hopeful) - k < left or total + s >= votes[hopeful[k]]:
                        continue
                    if recoupment and votes[low] <= quarter < total + s:
                        continue
                    allowed.append(k)
                out = list(r.eliminated)
                if allowed:
                    seen["together"] += 1
                    assert out == hopeful[: max(allowed)], (i, prev.tally)
                    assert stage["excluded_together"]["candidates"] == out
                else:
                    seen["single"] += 1
                    assert len(out) == 1 and votes[out[0]] == votes[low], (i, prev.tally)
                    assert "excluded_together" not in stage
        elected += [n for n in r.elected if n not in elected]
        excluded |= set(r.eliminated)
        assert r.continuing + sum(r.inactive.values()) == o.ballots["read"]
        total = sum(r.tally.values()) + stage["non_transferable"] + stage["rounding_loss"]
        assert total == pytest.approx(o.details["valid"])
    return seen


@pytest.mark.parametrize("recoupment", [True, False])
def test_irish_stages_follow_sections_121_and_122(recoupment):
    seen = {"surplus": 0, "deferred": 0, "together": 0, "single": 0}
    for b, seats, skipped in random_profiles(100, seed=31 + recoupment):
        o = tally.count(
            b,
            "irish_stv",
            seats=seats,
            seed=3,
            max_skipped=0 if skipped == "exhaust" else None,
            recoupment=recoupment,
        )
        for key, n in check_decisions(o, seats, recoupment).items():
            seen[key] += n
        again = tally.count(
            b,
            "irish_stv",
            seats=seats,
            seed=3,
            max_skipped=0 if skipped == "exhaust" else None,
            recoupment=recoupment,
        )
        assert json.dumps(o.to_json(), sort_keys=True) == json.dumps(again.to_json(), sort_keys=True)
    # Every kind of decision is met often enough for the checks to mean something.
    assert min(seen.values()) >= 10, seen
