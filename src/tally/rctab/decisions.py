"""What a round of RCTab's tabulation decides: its threshold, its winners, its eliminations.

Each function reads one round's tally (continuing candidates' votes, RCTab's decimals)
and the pass's :class:`Seats`; ties go to the pass's tie-break (:mod:`tally.rctab.tiebreak`).

- :func:`threshold`: majority of active votes (single winner), Droop
  ``floor(V/(S+1)) + 1``, non-integer ``V/(S+1)`` truncated to *d* decimals ``+ 10^-d``,
  Hare ``V/S`` rounded up, or the percentage of active votes (bottoms-up with a
  percentage threshold); never below ``minimumVoteThreshold``;
- :func:`winners`: everyone at or over the threshold (the top one only, in
  ``multiWinnerAllowOnlyOneWinnerPerRound``), everyone left when there are no more
  candidates than seats, the percentage rule, and RCTab's two edge cases;
- :func:`eliminations`, in RCTab's order: undeclared write-ins first, candidates under
  the minimum vote threshold, every candidate under the cut-off (percentage bottoms-up
  with ``cutoffElimination``), batch elimination (:func:`batch`), then the last candidate.

Reference: RCTab (BrightSpots/rcv) ``Tabulator.java`` (``identifyWinners``,
``dropUndeclaredWriteIns``, ``dropCandidatesBelowThreshold``, ``doBatchElimination``,
``doRegularElimination``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal, localcontext

from ..errors import RuleError
from .config import Rules
from .contest import UWI
from .decimal_math import EXACT, ZERO, divide, multiply, unit
from .results import RoundResult

__all__ = ["Seats", "TieBreak", "batch", "eliminations", "threshold", "winners"]

TieBreak = Callable[[bool, Sequence[str], Decimal, int], str]
"""``(selecting_winner, tied, votes, round) -> chosen``: the pass's tie-break."""


@dataclass(frozen=True)
class Seats:
    """What one pass decides under: its rules, seats and candidates.

    ``num_candidates`` is RCTab's ``getNumCandidates`` (candidates less the excluded);
    ``num_declared`` the candidates less undeclared write-ins.
    """

    rules: Rules
    n_winners: int
    has_uwi: bool
    num_candidates: int
    num_declared: int


def threshold(seats: Seats, tally: dict[str, Decimal], set_aside: Decimal = ZERO) -> Decimal:
    """The winning threshold of a round whose continuing candidates hold ``tally``.

    ``set_aside`` is the split remainder of the ballots still active (``splitVote``,
    :mod:`tally.rctab.split`): the active votes counted are the ballots' whole value, so
    that a remainder of a few units of the last decimal place cannot lower a threshold
    computed from a whole number of ballots.
    """
    rules = seats.rules
    with localcontext(EXACT):
        active = sum(tally.values(), ZERO)
        if set_aside:
            active = active + set_aside
        if rules.is_percentage:
            value = active * rules.bottoms_up_percentage  # type: ignore[operator]
        else:
            divisor = Decimal(seats.n_winners if rules.hare_quota else seats.n_winners + 1)
            decimals = rules.decimal_places if rules.non_integer_threshold else 0
            if rules.hare_quota:
                value = divide(active, divisor, decimals, ROUND_UP)
            else:
                value = divide(active, divisor, decimals, ROUND_DOWN) + unit(decimals)
        minimum = rules.minimum_vote_threshold
        if minimum > 0 and minimum > value:
            value = minimum
    return value


def winners(
    seats: Seats,
    tally: dict[str, Decimal],
    threshold: Decimal,
    round_: int,
    result: RoundResult,
    won: int,
    tiebreak: TieBreak,
) -> list[str]:
    """The candidates elected in ``round_`` (``won`` seats are filled already).

    A winner chosen by tie-break is added to ``result.by_tiebreak``.
    """
    rules = seats.rules
    if tally.get(UWI, ZERO) != 0 and seats.has_uwi and UWI in tally:
        return []
    if rules.is_percentage:
        if all(v > threshold for v in tally.values()):
            return list(tally)
        return []
    selected: list[str] = []
    unfilled = seats.n_winners - won
    by_votes = sorted(set(tally.values()))
    if unfilled > 0:
        if len(tally) <= unfilled:
            selected = list(tally)
        elif rules.first_round_determines_threshold and len(tally) - 1 == seats.n_winners:
            top = by_votes[-1]
            selected = [c for c in tally if tally[c] == top]
        elif rules.winner_election_mode != "bottomsUp":
            selected = [c for c in tally if tally[c] >= threshold and not (c == UWI and seats.has_uwi)]
    multiple = len(selected) > 1 and (
        rules.winner_election_mode == "multiWinnerAllowOnlyOneWinnerPerRound"
        or rules.first_round_determines_threshold
    )
    none = (
        seats.n_winners == 1
        and not selected
        and len(tally) == 2
        and unfilled == 1
        and all(v >= rules.minimum_vote_threshold for v in tally.values())
    )
    if multiple or none:
        top = by_votes[-1]
        selected = [c for c in tally if tally[c] == top]
        if len(selected) > 1:
            chosen = tiebreak(True, selected, top, round_)
            result.by_tiebreak.add(chosen)
            selected = [chosen]
    return selected


def eliminations(
    seats: Seats,
    tally: dict[str, Decimal],
    threshold: Decimal,
    round_: int,
    result: RoundResult,
    eliminated: int,
    tiebreak: TieBreak,
) -> list[str]:
    """The candidates eliminated in ``round_`` (``eliminated`` are out already).

    A loser chosen by tie-break is added to ``result.by_tiebreak``. Raises
    :class:`RuleError` where RCTab stops: no candidate left to eliminate, or every
    declared candidate under the minimum vote threshold.
    """
    rules = seats.rules
    if not tally:
        # RCTab fails here too (an empty round has no lowest candidate).
        raise RuleError(
            f"round {round_}: no continuing candidate is left to eliminate, and no one "
            "was elected (no ballot counts for anyone)"
        )
    if seats.has_uwi and UWI in tally and tally[UWI] > 0:
        return [UWI]
    minimum = rules.minimum_vote_threshold
    if minimum > 0:
        below = [c for c in tally if tally[c] < minimum]
        if below:
            if len(below) == seats.num_declared:
                raise RuleError(
                    "every declared candidate is below the minimum vote threshold; tabulation cannot proceed"
                )
            return below
    if rules.is_percentage and rules.cutoff_elimination:
        below = [c for c in tally if not tally[c] > threshold]
        if below and len(below) < len(tally):
            return below
    if rules.batch_elimination:
        together = batch(seats, tally, eliminated)
        if len(together) > 1:
            return together
    low = min(tally.values())
    last = [c for c in tally if tally[c] == low]
    if len(last) > 1:
        loser = tiebreak(False, last, low, round_)
        result.by_tiebreak.add(loser)
        return [loser]
    return last


def batch(seats: Seats, tally: dict[str, Decimal], eliminated: int) -> list[str]:
    """RCTab's batch elimination: every bottom candidate whose combined votes stay below
    the next candidate's (``eliminated`` are out already)."""
    running = ZERO
    seen: list[str] = []
    done: set[str] = set()
    out: list[str] = []
    previous: list[str] = []
    with localcontext(EXACT):
        for value in sorted(set(tally.values())):
            group = [c for c in tally if tally[c] == value]
            new = list(out)
            if running < value:
                for c in seen:
                    if c not in done:
                        done.add(c)
                        new.append(c)
            running = running + multiply(value, Decimal(len(group)), seats.rules.decimal_places)
            seen.extend(group)
            if len(new) > len(out):
                previous, out = out, new
    if seats.rules.continue_until_two and len(out) + eliminated == seats.num_candidates - 1:
        out = previous
    return out
