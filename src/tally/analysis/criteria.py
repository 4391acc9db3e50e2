"""Which voting criteria an election's outcome fails, each with a witness a reader can check.

:func:`criteria` takes a ranked contest (ballots, rule, options) and answers, for the
election as cast:

``condorcet_winner``
    A candidate who beats every other head to head is not elected. Witness: the
    candidate and their head-to-head counts (``pairwise`` as in
    :mod:`tally.analysis.rcv_tables`).
``condorcet_loser``
    A candidate every other candidate beats head to head is elected. Witness likewise.
``majority``
    A candidate ranked first on more than half the ballots that rank anyone is not
    elected. Witness: the candidate, their first choices and the ballots.
``upward_monotonicity``
    Raising a winner on some ballots (nothing else changed) makes them lose.
``downward_monotonicity``
    Lowering a losing candidate on some ballots makes them win.
``no_show``
    Some voters staying home would have given a result every one of them prefers:
    each ranks every newly elected candidate above every candidate who lost their seat
    (ranked above unranked, ballots read to their first overvote).
``spoiler``
    Removing a losing candidate from every ballot (later ranks move up) changes the
    winners. Witness: ``{"removed": name, "winners_after": [...]}``, the candidate with
    the fewest first choices among those that do.

The three paradoxes are witnessed by ballot changes, ``{"changes": [{"from": ranking,
"to": ranking or null, "ballots": n}], "winners_after": [...]}``: each ``from`` is a
ranking cast by at least ``n`` voters (names by rank, ``null`` for a skipped rank,
``"overvote"``, a list for several candidates at one rank), ``to`` what they become
(``null``: they abstain). Every witness is confirmed by counting the changed election
again under the same rule and options; ``winners_after`` is that count's result. The
search looks for the fewest changed ballots: for IRV, exactly when the decisive rounds
are the whole count, and in the decisive rounds otherwise (see
:mod:`tally.analysis.criteria_irv`); for other rules, by a documented heuristic
(:func:`_heuristic`). ``search`` says which; ``"heuristic"`` with ``violated: false``
means none was found, not that none exists. Multi-winner rules get the paradox
searches and ``spoiler``.

References
----------
Graham-Squire, A., McCune, D. (2023). An examination of ranked-choice voting in the
United States, 2004–2022. arXiv:2301.12075 (the criteria and the search confined to
the last rounds). Graham-Squire, A., McCune, D. (2022). A mathematical analysis of the
2022 Alaska special election for US House. arXiv:2209.04764. Ornstein, J. T., Norman,
R. Z. (2014). Public Choice 161, 1–9. Fishburn, P. C., Brams, S. J. (1983). Paradoxes of
preferential voting. Mathematics Magazine 56(4), 207–214 (the no-show paradox).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..ballots import FIRST_TIE_CODE, OVERVOTE, SKIPPED, RankedBallots
from ..contest import Contest
from ..errors import RuleError
from ..outcome import Outcome
from ..procedures import count as count_contest
from ..rules import count, get_rule
from . import criteria_irv
from .criteria_irv import Change
from .rcv_tables import ReadBallots, pairwise_table, read_ballots
from .spoilers import ranked_spoilers

__all__ = ["CRITERIA", "apply_changes", "criteria", "marks"]

CRITERIA = (
    "condorcet_winner",
    "condorcet_loser",
    "majority",
    "upward_monotonicity",
    "downward_monotonicity",
    "no_show",
    "spoiler",
)
PARADOXES = {"upward_monotonicity": "upward", "downward_monotonicity": "downward", "no_show": "no_show"}

ROWS_TRIED = 12
"""Heuristic search: the heaviest distinct rankings tried per target candidate."""
RECOUNTS = 200
"""Heuristic search: recounts allowed per criterion."""
SHRINK_RECOUNTS = 12
"""Recounts allowed for taking ballots off a confirmed witness."""


@dataclass
class _Election:
    """A counted contest and what the searches share."""

    contest: Contest
    outcome: Outcome
    read: ReadBallots
    recounts: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ballots(self) -> RankedBallots:
        return self.contest.ballots

    @property
    def winners(self) -> frozenset[str]:
        return frozenset(self.outcome.winners)

    def recount(self, changes: Sequence[Change]) -> tuple[str, ...]:
        self.recounts += 1
        return count(apply_changes(self.ballots, changes), self.contest.rule, **self.contest.options).winners


def apply_changes(ballots: RankedBallots, changes: Sequence[Change]) -> RankedBallots:
    """The ballots with each change made: ``ballots`` of the row become ``to`` (or abstain)."""
    weights = ballots.weights.copy()
    added = []
    for change in changes:
        if change.ballots > weights[change.row] + 1e-9:
            raise RuleError(
                f"a change takes {change.ballots} ballots from a ranking cast {weights[change.row]:g} times"
            )
        weights[change.row] -= change.ballots
        if change.to is not None:
            added.append(change)
    rows, width = ballots.choices.shape
    width = max([width, *(len(c.to) for c in added if c.to is not None)])
    matrix = np.full((rows + len(added), width), SKIPPED, dtype=np.int16)
    matrix[:rows, : ballots.choices.shape[1]] = ballots.choices
    for i, change in enumerate(added):
        assert change.to is not None
        matrix[rows + i, : len(change.to)] = change.to
    return RankedBallots.from_matrix(
        ballots.candidates,
        matrix,
        np.concatenate([weights, [float(c.ballots) for c in added]]),
        tie_sets=ballots.tie_sets,
        merge=False,  # counting does not need identical rows merged; recounts stay cheap
        source=ballots.source,
        title=ballots.title,
    )


def marks(ballots: RankedBallots, codes: np.ndarray) -> list[Any]:
    """A row of codes as names by rank: ``None`` for a skipped rank, ``"overvote"``, or a
    sorted list of the candidates marked at one rank (trailing blank ranks dropped)."""
    out: list[Any] = []
    for code in (int(c) for c in codes):
        if code == SKIPPED:
            out.append(None)
        elif code == OVERVOTE:
            out.append("overvote")
        elif code >= 0:
            out.append(ballots.candidates[code])
        else:
            out.append(sorted(ballots.candidates[m] for m in ballots.tie_sets[FIRST_TIE_CODE - code]))
    while out and out[-1] is None:
        out.pop()
    return out


def _witness(el: _Election, changes: Sequence[Change], after: Sequence[str]) -> dict[str, Any]:
    """The JSON witness: one entry per ranking and what it becomes (rows holding the same
    ranking, as an RCTab config's rows by precinct do, are added together)."""
    merged: dict[str, dict[str, Any]] = {}
    for c in changes:
        entry = {
            "from": marks(el.ballots, el.ballots.choices[c.row]),
            "to": None if c.to is None else marks(el.ballots, c.to),
        }
        key = json.dumps(entry)
        merged.setdefault(key, {**entry, "ballots": 0})["ballots"] += c.ballots
    rows = sorted(merged.values(), key=lambda e: -e["ballots"])
    return {"changes": rows, "winners_after": list(after)}


def _result(name: str, witness: dict[str, Any] | None, exact: bool) -> dict[str, Any]:
    return {
        "name": name,
        "violated": witness is not None,
        "witness": witness,
        "search": "exact" if exact else "heuristic",
    }


# ----------------------------------------------------------------- what a paradox is


def _holds(el: _Election, kind: str, target: int | None) -> Callable[[Sequence[Change], Sequence[str]], bool]:
    """Whether a recount after ``changes`` shows the paradox of ``kind``."""
    names = el.ballots.candidates
    before = el.winners

    def holds(changes: Sequence[Change], after: Sequence[str]) -> bool:
        now = frozenset(after)
        if kind == "upward":
            return target is not None and names[target] not in now
        if kind == "downward":
            return target is not None and names[target] in now
        entering = [names.index(n) for n in now - before]
        leaving = [names.index(n) for n in before - now]
        if not entering or not leaving:
            return False
        pos = el.read.position
        return all(pos[c.row, e] < pos[c.row, g] for c in changes for e in entering for g in leaving)

    return holds


def _shrink(
    el: _Election, changes: list[Change], after: tuple[str, ...], holds: Callable[..., bool]
) -> tuple[list[Change], tuple[str, ...]]:
    """Take ballots off the witness one at a time while the recount still shows the paradox
    (a witness that ends on a tie the contest's tie-break settles the right way). The three
    largest changes are tried, at most ``SHRINK_RECOUNTS`` recounts in all."""
    start = el.recounts
    while el.recounts - start < SHRINK_RECOUNTS:
        for i in sorted(range(len(changes)), key=lambda j: -changes[j].ballots)[:3]:
            c = changes[i]
            trial = [
                *changes[:i],
                *([Change(c.row, c.to, c.ballots - 1)] if c.ballots > 1 else []),
                *changes[i + 1 :],
            ]
            if not trial:
                continue
            now = el.recount(trial)
            if holds(trial, now):
                changes, after = trial, now
                break
        else:
            break
    return changes, after


# ---------------------------------------------------------------------- IRV: exactly


def _no_ties(ballots: RankedBallots) -> np.ndarray:
    return np.asarray(~(ballots.choices <= FIRST_TIE_CODE).any(axis=1))


def _irv_search(el: _Election, kind: str, model: criteria_irv.Model) -> tuple[dict[str, Any] | None, bool]:
    """The smallest confirmed witness of a paradox in an IRV count, and whether it is exact."""
    ballots = el.ballots
    names = ballots.candidates
    winner = names.index(el.outcome.winners[0])
    whole = np.floor(ballots.weights)
    plain = _no_ties(ballots)
    pos = el.read.position

    def eligible(target: int) -> np.ndarray:
        return np.asarray(pos[:, target] < pos[:, winner]) if kind == "no_show" else plain

    def available(target: int) -> np.ndarray:
        mask = eligible(target)
        return np.bincount(model.row_type[mask], weights=whole[mask], minlength=len(model.types))

    found = criteria_irv.plans(kind, model, winner, available)
    for plan in found[:24]:
        who = winner if kind == "upward" else plan.target
        changes = criteria_irv.rows_for(ballots, model, plan, who, eligible(plan.target))
        after = el.recount(changes)
        holds = _holds(el, kind, winner if kind == "upward" else plan.target)
        if holds(changes, after):
            changes, after = _shrink(el, changes, after, holds)
            return _witness(el, changes, after), model.complete and plan.size == found[0].size
    return None, model.complete and not found


# ------------------------------------------------------------- any rule: heuristically


def _moved_top(codes: np.ndarray, who: int) -> np.ndarray:
    kept = [int(c) for c in codes if int(c) != who]
    return np.array([who, *kept], dtype=np.int16)


def _moved_down(codes: np.ndarray, who: int, after: int) -> np.ndarray:
    """``who`` moved to just after the mark of candidate ``after``."""
    kept = [int(c) for c in codes if int(c) != who]
    kept.insert(kept.index(after) + 1, who)
    return np.array(kept, dtype=np.int16)


def _smallest(
    el: _Election, row: int, to: np.ndarray | None, holds: Callable[..., bool]
) -> tuple[list[Change], tuple[str, ...]] | None:
    """The fewest ballots of ``row`` to change into ``to`` for the paradox (bisection)."""
    most = int(np.floor(el.ballots.weights[row]))
    if most < 1:
        return None
    changes = [Change(row, to, most)]
    after = el.recount(changes)
    if not holds(changes, after):
        return None
    low, high, best = 1, most, (changes, after)
    while low < high:
        mid = (low + high) // 2
        trial = [Change(row, to, mid)]
        now = el.recount(trial)
        if holds(trial, now):
            high, best = mid, (trial, now)
        else:
            low = mid + 1
    return best


def _heuristic(el: _Election, kind: str) -> dict[str, Any] | None:
    """Single-ranking changes on the heaviest rankings, the fewest ballots found by bisection.

    For each target (every winner for ``upward``; the three strongest losers for
    ``downward``; for ``no_show`` any result), the ``ROWS_TRIED`` most common rankings
    that can carry the change are tried in turn: ``upward`` moves the winner to the top;
    ``downward`` moves the loser one place down, or to the bottom; ``no_show`` removes
    ballots ranking a loser above a winner. When all of a ranking's ballots changed show
    the paradox, bisection finds the fewest that do. At most ``RECOUNTS`` recounts.
    """
    ballots, read = el.ballots, el.read
    names = ballots.candidates
    start = el.recounts
    plain = _no_ties(ballots)
    heavy = np.argsort(-ballots.weights, kind="stable")

    def heaviest(mask: np.ndarray) -> list[int]:
        return [int(r) for r in heavy[mask[heavy]][:ROWS_TRIED]]

    ranking = plain & (read.length > 0)
    winners = [names.index(n) for n in el.outcome.winners]
    losers = [i for i in range(len(names)) if i not in winners]
    last = el.outcome.rounds[-1].tally if el.outcome.rounds else {}
    losers.sort(key=lambda i: -(last.get(names[i]) or 0.0))
    best: tuple[list[Change], tuple[str, ...]] | None = None
    tries: list[tuple[int, np.ndarray | None, Callable[..., bool]]] = []
    if kind == "upward":
        for w in winners:
            rows = heaviest(ranking & (read.order[:, 0] != w))
            tries += [(r, _moved_top(ballots.choices[r], w), _holds(el, kind, w)) for r in rows]
    elif kind == "downward":
        for target in losers[:3]:
            for r in heaviest(plain & (read.position[:, target] < read.length)):
                at, end = int(read.position[r, target]), int(read.length[r]) - 1
                for below in sorted({min(at + 1, end), end}):
                    if below > at:
                        after = int(read.order[r, below])
                        tries.append(
                            (r, _moved_down(ballots.choices[r], target, after), _holds(el, kind, target))
                        )
    else:
        pos = read.position
        prefer = np.zeros(len(heavy), dtype=bool)
        for g in winners:
            for loser in losers:
                prefer |= pos[:, loser] < pos[:, g]
        tries += [(r, None, _holds(el, kind, None)) for r in heaviest(prefer)]
    for row, to, holds in tries:
        if el.recounts - start >= RECOUNTS:
            el.notes.append(f"{kind}: the heuristic stopped after {RECOUNTS} recounts")
            break
        found = _smallest(el, row, to, holds)
        if found and (best is None or sum(c.ballots for c in found[0]) < sum(c.ballots for c in best[0])):
            best = found
            if found[0][0].ballots == 1:
                break
    return None if best is None else _witness(el, *best)


# ------------------------------------------------------------------ the other criteria


def _condorcet(el: _Election, table: dict[str, Any]) -> list[dict[str, Any]]:
    cw, cl = table["condorcet_winner"], table["condorcet_loser"]

    def evidence(name: str) -> dict[str, Any]:
        return {"candidate": name, "pairwise": table["pairwise"][name]}

    return [
        _result("condorcet_winner", evidence(cw) if cw is not None and cw not in el.winners else None, True),
        _result("condorcet_loser", evidence(cl) if cl is not None and cl in el.winners else None, True),
    ]


def _majority(el: _Election) -> dict[str, Any]:
    read = el.read
    has = read.length >= 1
    firsts = np.bincount(read.order[has, 0], weights=read.weights[has], minlength=len(read.candidates))
    total = float(read.weights[has].sum())
    top = int(np.argmax(firsts)) if firsts.size else -1
    name = read.candidates[top] if top >= 0 else None
    if name is None or firsts[top] <= total / 2 or name in el.winners:
        return _result("majority", None, True)
    return _result("majority", {"candidate": name, "first_choices": float(firsts[top]), "of": total}, True)


def _spoiler(el: _Election) -> dict[str, Any]:
    found = ranked_spoilers(el.ballots, el.contest.rule, **el.contest.options)
    read = el.read
    has = read.length >= 1
    firsts = np.bincount(read.order[has, 0], weights=read.weights[has], minlength=len(read.candidates))
    names = el.ballots.candidates
    spoilers = [(firsts[names.index(r["candidate"])], r) for r in found["rows"] if r["spoiler"]]
    if not spoilers:
        return _result("spoiler", None, True)
    _, row = min(spoilers, key=lambda s: (s[0], names.index(s[1]["candidate"])))
    return _result("spoiler", {"removed": row["candidate"], "winners_after": row["winner_without"]}, True)


def _is_irv(outcome: Outcome) -> bool:
    """Single-winner sequential elimination of the last-placed candidate."""
    if len(outcome.winners) != 1:
        return False
    if outcome.rule == "irv":
        return True
    return outcome.rule == "rctab" and outcome.options.get("mode") in (None, "single")


def criteria(contest: Contest, *, depth: int = 4) -> dict[str, Any]:
    """The criteria the contest's outcome fails, each with a witness (module docstring).

    Parameters
    ----------
    contest:
        Ranked ballots with the rule and options they are counted under.
    depth:
        For IRV, how many candidates the decisive rounds hold (the search is exact when
        the count never has more).

    Returns
    -------
    dict
        ``{"rule", "options", "winners", "criteria": [{"name", "violated", "witness",
        "search"}], "notes"}``.

    Raises
    ------
    RuleError
        For ballots that are not ranked.

    Examples
    --------
    >>> from tally.ballots import RankedBallots
    >>> b = RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B", "C"]] * 6 + [["B", "C", "A"]] * 5 + [["C", "B", "A"]] * 4)
    >>> found = {c["name"]: c for c in criteria(Contest(b, "irv"))["criteria"]}
    >>> found["condorcet_winner"]["violated"], found["condorcet_winner"]["witness"]["candidate"]
    (True, 'B')
    >>> found["upward_monotonicity"]["violated"]
    False
    """
    ballots = contest.ballots
    if getattr(ballots, "kind", None) != "ranked":
        raise RuleError(
            f"criteria need ranked ballots, not {getattr(ballots, 'kind', type(ballots).__name__)}"
        )
    outcome = count_contest(contest)
    el = _Election(contest, outcome, read_ballots(ballots))
    single = not get_rule(contest.rule).multiwinner or len(outcome.winners) == 1
    results: list[dict[str, Any]] = []
    if single:
        results += _condorcet(el, pairwise_table(el.read))
        results.append(_majority(el))
    model = (
        criteria_irv.build_model(ballots, outcome, depth) if _is_irv(outcome) and not outcome.tied else None
    )
    if model is not None:
        decisive = ", ".join(ballots.candidates[c] for c in model.decisive)
        el.notes.append(
            f"paradox searches change ballots among the candidates of the decisive rounds ({decisive})"
            + ("; they are all the candidates, so the search is exact" if model.complete else "")
        )
    for name, kind in PARADOXES.items():
        if outcome.tied:
            results.append(_result(name, None, False))
            continue
        if model is not None:
            witness, exact = _irv_search(el, kind, model)
        else:
            witness, exact = _heuristic(el, kind), False
        results.append(_result(name, witness, exact))
    results.append(_spoiler(el))
    if outcome.tied:
        el.notes.append("the count ended in a tie; paradoxes were not searched")
    return {
        "rule": outcome.rule,
        "options": dict(outcome.options),
        "winners": list(outcome.winners),
        "criteria": results,
        "notes": el.notes,
    }
