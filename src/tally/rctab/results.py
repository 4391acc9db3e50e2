"""The results of an RCTab tabulation: rounds, slices, ties, and one report's worth of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext

import numpy as np

from ..errors import RuleError
from .config import Rules
from .decimal_math import EXACT, ZERO

__all__ = ["RoundResult", "SliceRound", "Tabulation", "TieRecord", "uses_surpluses"]


@dataclass
class SliceRound:
    """One round of one precinct or batch: its tally, inactive ballots and transfers
    (and, under ``splitVote``, its split remainder so far)."""

    tally: dict[str, Decimal]
    inactive: dict[str, Decimal]
    transfers: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    split_remainder: Decimal = ZERO


@dataclass
class TieRecord:
    """A tie RCTab's tie-break settled."""

    round: int
    purpose: str  # "elect" or "eliminate"
    tied: tuple[str, ...]
    chosen: str
    mode: str
    explanation: str


@dataclass
class RoundResult:
    """One round of the full contest, with everything RCTab reports about it.

    ``transfers`` are the moves caused by this round's decisions (RCTab files them under
    the next round): ``{from candidate: {to candidate | "exhausted" | "residual surplus"
    | "split remainder": votes}}``. ``residual_surplus`` is cumulative, and so is
    ``split_remainder``: the value ballots divided under ``splitVote`` have set aside
    (:mod:`tally.rctab.split`). In every round the tally, the inactive ballots, the
    residual surplus and the split remainder add up to the ballots read.
    """

    number: int
    tally: dict[str, Decimal]
    threshold: Decimal
    inactive: dict[str, Decimal]
    elected: list[str] = field(default_factory=list)
    eliminated: list[str] = field(default_factory=list)
    by_tiebreak: set[str] = field(default_factory=set)
    transfers: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    residual_surplus: Decimal = ZERO
    split_remainder: Decimal = ZERO
    exhausted_by_ranking: dict[str, float] = field(default_factory=dict)

    @property
    def lost(self) -> Decimal:
        """Value lost to RCTab's decimals so far: the residual surplus and the split remainder."""
        with localcontext(EXACT):
            return self.residual_surplus + self.split_remainder

    @property
    def active(self) -> Decimal:
        """Votes counting this round, plus the final surplus held by winners (RCTab's
        "Active Ballots")."""
        with localcontext(EXACT):
            return sum(self.tally.values(), ZERO) + self.inactive.get("finalRoundSurplus", ZERO)


@dataclass
class Tabulation:
    """One RCTab report's worth of results (a whole count, or one multi-pass IRV pass)."""

    rules: Rules
    candidates: tuple[str, ...]
    excluded: frozenset[str]
    rounds: list[RoundResult]
    winners: list[str]
    candidate_order: list[str]
    ties: list[TieRecord]
    slices: dict[str, dict[str, list[SliceRound]]]
    number_of_winners: int
    pass_number: int | None = None
    has_uwi: bool = False
    permutation: tuple[str, ...] = ()
    snapshots: list[tuple[tuple[str, Decimal], ...]] = field(default_factory=list)
    snapshot_rows: list[np.ndarray] = field(default_factory=list)

    def allocations(self, row_of_ballot: np.ndarray) -> list[list[tuple[tuple[str, Decimal], ...]]]:
        """Per round, per ballot read: where its vote sat, as RCTab's CDF export records it.

        Each entry is ``((candidate, amount), ...)``: shares kept by winners the ballot
        helped elect, then the candidate it counts for (empty when inactive). As in RCTab a
        ballot's entry changes only in the rounds where it moves. Needs a tabulation run
        with ``snapshots=True``.
        """
        if not self.snapshot_rows:
            raise RuleError("this tabulation did not keep per-ballot snapshots (run it with snapshots=True)")
        snaps = self.snapshots
        return [[snaps[k] for k in rows[row_of_ballot].tolist()] for rows in self.snapshot_rows]

    @property
    def uses_surpluses(self) -> bool:
        return uses_surpluses(self.rules, self.number_of_winners)

    @property
    def num_candidates(self) -> int:
        """RCTab's JSON ``numCandidates``: declared candidates (excluded too) plus UWI."""
        return len(self.candidates)

    @property
    def num_continuing_candidates(self) -> int:
        """RCTab's CSV "Number of Candidates": the same less the excluded ones."""
        return len(self.candidates) - len(self.excluded)

    @property
    def total_ballots(self) -> Decimal:
        r = self.rounds[0]
        with localcontext(EXACT):
            total = sum(r.tally.values(), ZERO) + sum(r.inactive.values(), ZERO)
            return total + r.split_remainder if r.split_remainder else total

    @property
    def undervotes(self) -> Decimal:
        return self.rounds[0].inactive["undervotes"]


def uses_surpluses(rules: Rules, n_winners: int) -> bool:
    return n_winners > 1 and rules.winner_election_mode in (
        "multiWinnerAllowOnlyOneWinnerPerRound",
        "multiWinnerAllowMultipleWinnersPerRound",
    )
