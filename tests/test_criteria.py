"""Criteria and their witnesses: hand-worked paradoxes, Alaska 2022 and Burlington 2009.

Every witness is re-counted here, independently of tally's counting code: the changes are
applied to the rankings as cast and a plain instant-runoff count written in this file
decides the winner (where it meets a tie it defers to ``tally.count``, whose tie-break is
part of the contest's rules).
"""

from __future__ import annotations

import pytest

import tally
from tally.analysis.criteria import CRITERIA, criteria
from tally.ballots import RankedBallots
from tally.contest import Contest
from tally.procedures import count as count_contest
from tally.report.rcv import ranked_contest

pytest.importorskip("scipy")

ALASKA = ("Begich_ Nick", "Palin_ Sarah", "Peltola_ Mary S.")


def _marks(json_marks: list) -> tuple:
    return tuple(frozenset(m) if isinstance(m, list) else m for m in json_marks)


def _as_json(marks: tuple) -> list:
    out = [sorted(m) if isinstance(m, frozenset) else m for m in marks]
    while out and out[-1] is None:
        out.pop()
    return out


def _apply(ballots: RankedBallots, witness: dict) -> list[tuple[tuple, float]]:
    """The rankings as cast with the witness's changes made; each ``from`` must have been
    cast at least as often as the change says."""
    cast = [(tuple(m), w) for m, w in ballots.rankings()]
    for change in witness["changes"]:
        where = [i for i, (m, _) in enumerate(cast) if _as_json(m) == change["from"]]
        assert where, f"{change['from']} was not cast"
        assert sum(cast[k][1] for k in where) >= change["ballots"]
        taken = change["ballots"]
        for k in where:
            use = min(taken, cast[k][1])
            cast[k] = (cast[k][0], cast[k][1] - use)
            taken -= use
        if change["to"] is not None:
            cast.append((_marks(change["to"]), change["ballots"]))
    return cast


def _read(marks: tuple) -> list:
    out: list = []
    for m in marks:
        if m is None:
            continue
        if m == "overvote" or isinstance(m, frozenset):
            break
        if m not in out:
            out.append(m)
    return out


def _plain_irv(cast: list[tuple[tuple, float]], names: tuple[str, ...]) -> str | None:
    """Instant runoff, overvotes exhausting: the winner, or None when a tie must be broken."""
    continuing = set(names)
    while True:
        votes = dict.fromkeys(continuing, 0.0)
        for marks, w in cast:
            for m in marks:
                if m is None:
                    continue
                if m == "overvote" or isinstance(m, frozenset):
                    break
                if m in continuing:
                    votes[m] += w
                    break
        active = sum(votes.values())
        leader = max(votes, key=votes.get)
        if votes[leader] > active / 2:
            return leader
        low = min(votes.values())
        last = [c for c, v in votes.items() if v == low]
        if len(last) > 1 or (len(continuing) == 2 and votes[leader] == low):
            return None
        continuing.discard(last[0])


def _recount(contest: Contest, witness: dict) -> list[str]:
    """The winners of the changed election, counted in this file (tally.count only for a tie)."""
    cast = [(m, w) for m, w in _apply(contest.ballots, witness) if w > 0]
    names = contest.ballots.candidates
    winner = _plain_irv(cast, names) if contest.rule == "irv" else None
    if winner is not None:
        return [winner]
    changed = RankedBallots.from_rankings(names, [m for m, _ in cast], [w for _, w in cast])
    return list(tally.count(changed, contest.rule, **contest.options).winners)


def _found(contest: Contest) -> dict[str, dict]:
    result = criteria(contest)
    assert [c["name"] for c in result["criteria"]] == [
        n for n in CRITERIA if n in {c["name"] for c in result["criteria"]}
    ]
    for c in result["criteria"]:
        assert set(c) == {"name", "violated", "witness", "search"}
        assert c["violated"] == (c["witness"] is not None)
        assert c["search"] in ("exact", "heuristic")
    return {c["name"]: c for c in result["criteria"]}


def _size(witness: dict) -> int:
    return sum(c["ballots"] for c in witness["changes"])


def _raised(before: list, after: list, who: str) -> bool:
    """``after`` is ``before`` with ``who`` moved up and nothing else changed."""
    rest = [m for m in before if m != who]
    if [m for m in after if m != who] != rest or after.count(who) != 1:
        return False
    return who not in before or after.index(who) < before.index(who)


def _lowered(before: list, after: list, who: str) -> bool:
    rest = [m for m in before if m != who]
    return [m for m in after if m != who] == rest and who in after and after.index(who) > before.index(who)


# ------------------------------------------------------------------------- by hand


def test_upward_monotonicity_by_hand():
    # C wins (B out first: A 6, B 5, C 6; B's 2 go to A, 3 to C: C 9 - A 8). Two A>C>B
    # voters ranking C first put A out instead (A 4), whose ballots elect B 9 - 8.
    ballots = RankedBallots.from_rankings(
        ["A", "B", "C"],
        [["C", "A", "B"]] * 6
        + [["B", "A", "C"]] * 2
        + [["B", "C", "A"]] * 3
        + [["A", "B", "C"]] * 4
        + [["A", "C", "B"]] * 2,
    )
    contest = Contest(ballots, "irv")
    found = _found(contest)
    up = found["upward_monotonicity"]
    assert up["violated"] and up["search"] == "exact"
    # one ballot leaves A and B tied for last, and the tie-break puts B out: C still wins
    assert _size(up["witness"]) == 2
    assert all(_raised(c["from"], c["to"], "C") for c in up["witness"]["changes"])
    assert _recount(contest, up["witness"]) == up["witness"]["winners_after"] == ["B"]
    assert found["spoiler"]["witness"] == {"removed": "A", "winners_after": ["B"]}


def test_downward_monotonicity_by_hand():
    # C wins: A (40) out, its ballots to C: C 90 - B 80. B voters ranking A first instead
    # push A above C (51 > 50 needs 11 of them), C goes out, and C's ballots elect B.
    ballots = RankedBallots.from_rankings(
        ["A", "B", "C"], [["C", "B", "A"]] * 50 + [["A", "C", "B"]] * 40 + [["B", "A", "C"]] * 80
    )
    contest = Contest(ballots, "irv")
    down = _found(contest)["downward_monotonicity"]
    assert down["violated"] and down["search"] == "exact"
    # 11 decide it without a tie; 10 tie A and C, which the contest's tie-break may settle
    assert _size(down["witness"]) in (10, 11)
    assert all(_lowered(c["from"], c["to"], "B") for c in down["witness"]["changes"])
    assert _recount(contest, down["witness"]) == down["witness"]["winners_after"] == ["B"]
    smaller = {**down["witness"], "changes": [{**down["witness"]["changes"][0], "ballots": 9}]}
    assert _recount(contest, smaller) == ["C"]


def test_no_show_by_hand():
    # P 40, A 31, B 29: B out, P wins 55 - 45. B beats both head to head. Three A>B voters
    # staying home put A (28) below B (29): A out, B wins, which they prefer to P.
    ballots = RankedBallots.from_rankings(
        ["P", "A", "B"], [["P", "B"]] * 40 + [["A", "B"]] * 31 + [["B", "P"]] * 15 + [["B", "A"]] * 14
    )
    contest = Contest(ballots, "irv")
    found = _found(contest)
    assert found["condorcet_winner"]["witness"]["candidate"] == "B"
    assert found["condorcet_winner"]["witness"]["pairwise"]["P"] == {"for": 60, "of": 100}
    show = found["no_show"]
    assert show["violated"] and show["search"] == "exact"
    assert show["witness"]["changes"] == [{"from": ["A", "B"], "to": None, "ballots": 3}]
    assert _recount(contest, show["witness"]) == ["B"]
    assert not found["majority"]["violated"] and not found["condorcet_loser"]["violated"]


def test_a_fair_election_fails_nothing():
    ballots = RankedBallots.from_rankings(
        ["A", "B", "C"], [["A", "B"]] * 60 + [["B", "A"]] * 25 + [["C", "B"]] * 15
    )
    found = _found(Contest(ballots, "irv"))
    assert not any(c["violated"] for c in found.values())
    assert all(c["search"] == "exact" for c in found.values())


def test_plurality_fails_majoritarian_criteria_not_monotonicity():
    ballots = RankedBallots.from_rankings(
        ["A", "B", "C"], [["A", "B", "C"]] * 6 + [["B", "C", "A"]] * 5 + [["C", "B", "A"]] * 4
    )
    found = _found(Contest(ballots, "plurality"))
    assert found["condorcet_winner"]["witness"]["candidate"] == "B"
    assert found["condorcet_loser"]["witness"]["candidate"] == "A"
    assert found["spoiler"]["witness"] == {"removed": "C", "winners_after": ["B"]}
    for name in ("upward_monotonicity", "downward_monotonicity", "no_show"):
        assert found[name] == {"name": name, "violated": False, "witness": None, "search": "heuristic"}


def test_majority_criterion_under_a_rule_that_fails_it():
    # A is first on 6 of 11 ballots; Borda elects B, ranked second by everyone
    ballots = RankedBallots.from_rankings(
        ["A", "B", "C", "D"], [["A", "B", "C", "D"]] * 6 + [["C", "B", "D", "A"]] * 5
    )
    found = _found(Contest(ballots, "borda"))
    assert tally.count(ballots, "borda").winners == ("B",)
    assert found["majority"]["witness"] == {"candidate": "A", "first_choices": 6, "of": 11}


def test_stv_gets_the_paradox_searches():
    # X is elected on bullet votes (quota 20 of 57); the second seat is the upward example
    rankings = (
        [["X"]] * 40
        + [["C", "A", "B"]] * 6
        + [["B", "A", "C"]] * 2
        + [["B", "C", "A"]] * 3
        + [["A", "B", "C"]] * 4
        + [["A", "C", "B"]] * 2
    )
    contest = Contest(RankedBallots.from_rankings(["X", "A", "B", "C"], rankings), "wigm_stv", {"seats": 2})
    found = _found(contest)
    assert set(found) == {"upward_monotonicity", "downward_monotonicity", "no_show", "spoiler"}
    up = found["upward_monotonicity"]
    assert up["violated"] and up["search"] == "heuristic"
    assert all(_raised(c["from"], c["to"], "C") for c in up["witness"]["changes"])
    assert _recount(contest, up["witness"]) == up["witness"]["winners_after"] == ["X", "B"]


# ---------------------------------------------------------------- real elections


@pytest.fixture(scope="module")
def alaska():
    contest, _ = ranked_contest("alaska-2022-special")
    return contest, _found(contest)


def test_alaska_condorcet_failure(alaska):
    contest, found = alaska
    begich, palin, peltola = ALASKA
    cw = found["condorcet_winner"]
    assert cw["violated"] and cw["witness"]["candidate"] == begich
    assert count_contest(contest).winners == (peltola,)
    assert found["spoiler"]["witness"] == {"removed": palin, "winners_after": [begich]}


def test_alaska_upward_monotonicity(alaska):
    contest, found = alaska
    begich, palin, peltola = ALASKA
    up = found["upward_monotonicity"]
    assert up["violated"] and up["search"] == "exact"
    # Peltola loses only if Begich reaches the final, i.e. Palin goes out before him.
    # Raising Peltola takes at most one vote per ballot from Palin and none from Begich;
    # round 2 has Palin ahead by 5,162, and a tie there goes to the earlier round, where
    # Palin is ahead too: 5,163 ballots are needed.
    round2 = count_contest(contest).rounds[1].tally
    assert _size(up["witness"]) == round2[palin] - round2[begich] + 1 == 5_163
    assert all(_raised(c["from"], c["to"], peltola) for c in up["witness"]["changes"])
    assert _recount(contest, up["witness"]) == up["witness"]["winners_after"] == [begich]


def test_alaska_no_show(alaska):
    contest, found = alaska
    begich, _, peltola = ALASKA
    show = found["no_show"]
    assert show["violated"] and show["search"] == "exact"
    assert show["witness"]["winners_after"] == [begich]
    for change in show["witness"]["changes"]:
        order = _read(_marks(change["from"]))
        assert change["to"] is None
        # every voter staying home ranks Begich, who then wins, above Peltola
        assert begich in order and (peltola not in order or order.index(begich) < order.index(peltola))
    assert _size(show["witness"]) == 5_163
    assert _recount(contest, show["witness"]) == [begich]


def test_alaska_holds_the_other_criteria(alaska):
    _, found = alaska
    for name in ("condorcet_loser", "majority", "downward_monotonicity"):
        assert not found[name]["violated"] and found[name]["search"] == "exact", name


def test_burlington_2009():
    contest, _ = ranked_contest("burlington-2009")
    found = _found(contest)
    assert count_contest(contest).winners == ("Bob Kiss",)
    cw = found["condorcet_winner"]["witness"]
    assert cw["candidate"] == "Andy Montroll"
    assert all(2 * p["for"] > p["of"] for p in cw["pairwise"].values())
    up = found["upward_monotonicity"]
    # six candidates: the search is confined to the decisive rounds, so it is heuristic
    assert up["violated"] and up["search"] == "heuristic"
    assert all(_raised(c["from"], c["to"], "Bob Kiss") for c in up["witness"]["changes"])
    assert "Bob Kiss" not in _recount(contest, up["witness"]) == up["witness"]["winners_after"]
    assert found["spoiler"]["witness"] == {"removed": "Kurt Wright", "winners_after": ["Andy Montroll"]}


def test_criteria_are_deterministic(alaska):
    contest, found = alaska
    again = {c["name"]: c for c in criteria(contest)["criteria"]}
    assert again == found
