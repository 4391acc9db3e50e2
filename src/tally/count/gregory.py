"""The Gregory core of STV: the stages of a count whose papers move at transfer values.

A :class:`GregoryCount` is a sequence of *stages*. Stage 1 credits first preferences. Each
later stage either transfers the surplus of one elected candidate or excludes one candidate
(the lowest) and transfers their papers. After every stage, candidates reaching the quota
are deemed elected; when the candidates still in the running are no more than the seats
left, they are all elected and the count stops. That loop is the Scottish Order's (rules
45-52) and the weighted inclusive Gregory method's; the other legal texts are small
subclasses that change one step each (:mod:`tally.rules.stv_ers97`,
:mod:`tally.rules.stv_irish`), by overriding :meth:`~GregoryCount._step`,
:meth:`~GregoryCount._reached`, :meth:`~GregoryCount._places`,
:meth:`~GregoryCount._finish_early` or :meth:`~GregoryCount._initial_quota`.

The papers, and how they move under :class:`~tally.count.gregory_papers.GregoryRules`
(which papers of a surplus, at what value, an exclusion at once or by value, overvotes
read by the candidates still in the running), are :mod:`tally.count.gregory_papers`; the
two ways a surplus moves (at a transfer value, or whole papers drawn at random) are
:mod:`tally.count.gregory_surplus`. This module holds the stages, the elections and the
record of each stage.

A :class:`~tally.outcome.Round` here is the state *after* a stage: ``tally`` the votes
credited to each candidate still in the count (elected or hopeful), ``transfers`` what
the stage moved, ``elected`` who reached the quota at that stage, ``eliminated`` who was
excluded at it. ``continuing`` counts the papers still credited to some candidate, and
``inactive`` those that left the count, by reason, so ``continuing + inactive = read``.
The recorder (:class:`tally.count.record.Recorder`) checks that, and that the sum of the
tally, the value of non-transferable papers and the value lost to truncation equals the
valid poll (both also in ``details["stages"]``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import RankedBallots
from ..outcome import Outcome, Round
from ..ties import TieBreaker
from .gregory_papers import (
    ELECTED,
    EXCLUDED,
    HOPEFUL,
    GregoryPapers,
    GregoryRules,
    ceil_cents,
    fmt,
    next_usable,
)
from .gregory_surplus import fractional_surplus, random_surplus
from .papers import INACTIVE, quota_value
from .record import Recorder

__all__ = [
    "ELECTED",
    "EXCLUDED",
    "HOPEFUL",
    "GregoryCount",
    "GregoryRules",
    "ceil_cents",
    "fmt",
    "next_usable",
]

_REASON = {code: name for name, code in INACTIVE.items()}
_INACTIVE_ORDER = ("undervote", "overvote", "skipped", "repeated", "exhausted")


class GregoryCount(GregoryPapers):
    """One Gregory-family STV count (see the module docstring)."""

    def __init__(
        self,
        ballots: RankedBallots,
        seats: int,
        rules: GregoryRules,
        breaker: TieBreaker,
        seed: int | None,
    ) -> None:
        super().__init__(ballots, rules, seed)
        self.seats = seats
        self.breaker = breaker
        c = ballots.n_candidates
        self.quota, self.strict = self._initial_quota()
        self.pending: list[int] = []
        self.order: list[int] = []
        self.recorder = Recorder(self.names, ballots.total, valid=self.valid, transfers_into="same")
        self.rounds: list[Round] = self.recorder.rounds
        self.stages: list[dict[str, Any]] = []
        self.history: list[np.ndarray] = []
        # Notes and details for the stage being counted (ERS97 5.6.2: candidates left unelected).
        self.pending_notes: list[str] = []
        self.pending_detail: dict[str, Any] = {}
        # Why the stage being counted is counted, when a rule says (its note and details).
        self.section: dict[str, Any] | None = None
        # The most votes each candidate has been credited with at any stage.
        self.peak: list[Fraction] = [Fraction(0)] * c

    # -- helpers ------------------------------------------------------------------

    def _initial_quota(self) -> tuple[Fraction, bool]:
        """(quota, strict) at the start of the count."""
        return quota_value(self.rules.quota, self.valid, self.seats)

    def _reached(self, c: int) -> bool:
        """Whether candidate ``c`` has reached the quota (strictly more, for an exact Droop quota)."""
        v = self.credited[c]
        return v > self.quota if self.strict else v >= self.quota

    def _snapshot(self) -> np.ndarray:
        return np.array([fmt(v) for v in self.credited])

    def _transfer_dict(
        self, source: int, sums: dict[int, Fraction], lost: Fraction = Fraction(0)
    ) -> dict[str, dict[str, float]]:
        out: dict[str, float] = {}
        exhausted = lost
        for dest in sorted(sums):
            if dest >= 0:
                out[self.names[dest]] = fmt(sums[dest])
            else:
                exhausted += sums[dest]
        out["exhausted"] = fmt(exhausted)
        return {self.names[source]: out}

    # -- election and recording -----------------------------------------------------

    def _elect_reached(self) -> list[int]:
        """Deem elected every hopeful candidate who has reached the quota; returns them."""
        if len(self.order) >= self.seats:
            return []
        return self._elect_once()

    def _elect_once(self) -> list[int]:
        reached = self._places([c for c in self._hopeful() if self._reached(c)])
        ordered: list[int] = []
        pool = list(reached)
        while pool:
            top = max(self.credited[c] for c in pool)
            tied = [c for c in pool if self.credited[c] == top]
            pick = (
                tied[0]
                if len(tied) == 1
                else self.breaker.pick(
                    tied, purpose="order", round=self.stage, history=self.history, lowest=False
                )
            )
            ordered.append(pick)
            pool.remove(pick)
        for c in ordered:
            if len(self.order) >= self.seats:
                break
            self.status[c] = ELECTED
            self.order.append(c)
            if self.credited[c] > self.quota:
                self.pending.append(c)
        return [c for c in ordered if self.status[c] == ELECTED]

    def _places(self, reached: list[int]) -> list[int]:
        """Who of ``reached`` may be deemed elected now (every one, unless a rule says)."""
        return reached

    def _record(
        self,
        *,
        elected: Sequence[int] = (),
        eliminated: Sequence[int] = (),
        transfers: dict[str, dict[str, float]] | None = None,
        note: str,
        detail: dict[str, Any],
    ) -> None:
        # one pass over the papers that left the count: by reason, and the exhausted ones
        # by how fully they rank (paper counts are whole, so the sums are exact)
        gone = np.flatnonzero(self.holder < 0)
        codes = -self.holder[gone]
        papers = self.count[gone] * self.share[gone]
        by_code = np.bincount(codes, weights=papers, minlength=len(_REASON) + 1)
        inactive = {name: float(by_code[-INACTIVE[name]]) for name in _INACTIVE_ORDER}
        exhausted = codes == -INACTIVE["exhausted"]
        fully = float(papers[exhausted & self.fully_ranked[gone]].sum())
        continuing = float((self.count * self.share).sum()) - float(papers.sum())
        tally = {
            self.names[c]: fmt(self.credited[c])
            for c in range(len(self.names))
            if self.status[c] != EXCLUDED or self.credited[c] != 0
        }
        if self.section is not None:
            note = f"{self.section['why']}: {note}"
            detail = {**self.section["detail"], **detail}
        for c in range(len(self.names)):
            self.peak[c] = max(self.peak[c], self.credited[c])
        if self.pending_notes:
            note = "; ".join([note, *self.pending_notes])
            detail = {**detail, **self.pending_detail}
            self.pending_notes, self.pending_detail = [], {}
        self.recorder.add(
            tally=tally,
            elected=tuple(self.names[c] for c in elected),
            eliminated=tuple(self.names[c] for c in eliminated),
            transfers=transfers or {},
            continuing=continuing,
            inactive=inactive,
            threshold=fmt(self.quota),
            note=note,
            exhausted_by_ranking={"partially_ranked": inactive["exhausted"] - fully, "fully_ranked": fully},
            values=(float(self.nontransferable), float(self.loss)),
        )
        self.stages.append(
            {
                "stage": len(self.rounds),
                **detail,
                "non_transferable": fmt(self.nontransferable),
                "rounding_loss": fmt(self.loss),
            }
        )
        self.history.append(self._snapshot())

    # -- stages -------------------------------------------------------------------------

    def first_stage(self) -> None:
        elected = self._elect_reached()
        self._record(elected=elected, note="first preferences", detail={"action": "first preferences"})

    def transfer_surplus(self, c: int) -> None:
        rules = self.rules
        self.pending.remove(c)
        self.stage += 1
        surplus = self.credited[c] - self.quota
        mine = np.flatnonzero(self.holder == c)
        if rules.surplus_papers == "last" and mine.size:
            last = self.arrived[mine].max()
            examined = mine[self.arrived[mine] == last]
        else:
            examined = mine
        detail: dict[str, Any] = {
            "action": "surplus",
            "candidate": self.names[c],
            "surplus": fmt(surplus),
            "papers_examined": int(self.count[examined].sum()),
        }
        if rules.selection == "random":
            sums, lost = random_surplus(self, examined, surplus, detail)
        else:
            sums, lost = fractional_surplus(self, c, examined, surplus, detail)
        self.credited[c] = self.quota
        self._recall()
        note = f"surplus of {self.names[c]} transferred"
        self._after_transfer(c, sums, lost, note, detail, eliminated=())

    def exclude_together(
        self, cands: Sequence[int], why: str = "", why_detail: dict[str, Any] | None = None
    ) -> None:
        """Exclude ``cands`` in one stage (in batches of equal value under ``by_value``).

        ``why`` and ``why_detail`` (the reasons for a deferment or for excluding several
        candidates at once) go into the note and details of the first stage.
        """
        for c in cands:
            self.status[c] = EXCLUDED
        mine = np.flatnonzero(np.isin(self.holder, list(cands)))
        if self.rules.exclusion == "by_value" and mine.size:
            groups = sorted(np.unique(self.vid[mine]).tolist(), key=lambda v: -self.vals[v])
        else:
            groups = [None]
        names = ", ".join(self.names[c] for c in cands)
        for i, v in enumerate(groups):
            self.stage += 1
            transfers: dict[str, dict[str, float]] = {}
            for c in cands:
                rows = mine[self.holder[mine] == c]
                if v is not None:
                    rows = rows[self.vid[rows] == v]
                sums = self.move(rows, self.vid[rows].copy())
                self.credited[c] -= sum(sums.values(), Fraction(0))
                self.nontransferable += sum((x for d, x in sums.items() if d < 0), Fraction(0))
                if rows.size or i == 0:
                    transfers.update(self._transfer_dict(c, sums))
            self._recall()
            detail: dict[str, Any] = {"action": "exclusion", "candidate": names}
            if v is not None:
                detail["parcel_value"] = fmt(self.vals[v])
            note = f"{names} excluded"
            if len(groups) > 1:
                note += f", papers of value {self.vals[v]} ({i + 1} of {len(groups)})"
            if i == 0 and why:
                note += f" ({why})"
            if i == 0 and why_detail:
                detail.update(why_detail)
            elected = self._elect_reached()
            self._record(
                elected=elected,
                eliminated=tuple(cands) if i == 0 else (),
                transfers=transfers,
                note=note,
                detail=detail,
            )
            if len(self.order) >= self.seats:
                # Every place is filled: no further papers are transferred (ERS97 5.5.2);
                # the batches not reached stay credited to the excluded candidates.
                return
        for c in cands:
            self.credited[c] = Fraction(0)

    def _after_transfer(
        self,
        source: int,
        sums: dict[int, Fraction],
        lost: Fraction,
        note: str,
        detail: dict[str, Any],
        *,
        eliminated: Sequence[int],
    ) -> None:
        elected = self._elect_reached()
        self._record(
            elected=elected,
            eliminated=eliminated,
            transfers=self._transfer_dict(source, sums, lost),
            note=note,
            detail=detail,
        )

    # -- the count ---------------------------------------------------------------------

    def run(self) -> None:
        """The whole count: first preferences, then stages until the seats are filled."""
        self.first_stage()
        while len(self.order) < self.seats:
            hopeful = self._hopeful()
            left = self.seats - len(self.order)
            if len(hopeful) <= left:
                self._elect_rest(hopeful)
                break
            if self._finish_early(hopeful, left):
                break
            self._step(hopeful, left)

    def _finish_early(self, hopeful: list[int], left: int) -> bool:
        """Whether a rule ends the count before the last seats are filled (none by default)."""
        return False

    def _step(self, hopeful: list[int], left: int) -> None:
        """One stage: the largest surplus, else the exclusion of the lowest candidate."""
        if self.pending:
            self.transfer_surplus(self._largest_surplus())
            return
        self.exclude_together([self._lowest(hopeful)])

    def _largest_surplus(self) -> int:
        """The elected candidate with the largest surplus (a tie per the tie-break)."""
        top = max(self.credited[c] for c in self.pending)
        tied = [c for c in self.pending if self.credited[c] == top]
        if len(tied) == 1:
            return tied[0]
        return self.breaker.pick(
            tied, purpose="surplus", round=self.stage + 1, history=self.history[:-1], lowest=False
        )

    def _lowest(self, hopeful: list[int]) -> int:
        """The hopeful candidate with the fewest votes (a tie per the tie-break)."""
        low = min(self.credited[c] for c in hopeful)
        tied = [c for c in hopeful if self.credited[c] == low]
        if len(tied) == 1:
            return tied[0]
        return self.breaker.pick(
            tied, purpose="eliminate", round=self.stage + 1, history=self.history[:-1], lowest=True
        )

    def _untransferred(self) -> Fraction:
        """The total of the surpluses of elected candidates not yet transferred."""
        return sum((self.credited[c] - self.quota for c in self.pending), Fraction(0))

    def _elect_rest(self, hopeful: list[int], reason: str = "no more of them than seats left") -> None:
        ordered = sorted(hopeful, key=lambda c: (-self.credited[c], c))
        for c in ordered:
            self.status[c] = ELECTED
            self.order.append(c)
        if ordered:
            last = self.rounds[-1]
            self.rounds[-1] = dataclasses.replace(
                last,
                elected=last.elected + tuple(self.names[c] for c in ordered),
                note=(last.note + "; " if last.note else "") + f"remaining candidates elected: {reason}",
            )

    def outcome(self, details: dict[str, Any] | None = None) -> Outcome:
        """The outcome of the count (run it first)."""
        winners = tuple(self.names[c] for c in self.order)
        info = {
            "quota": fmt(self.quota),
            "quota_exact": str(self.quota),
            "valid": self.valid,
            "elected_order": list(winners),
            "stages": self.stages,
            **(details or {}),
        }
        return self.recorder.outcome(winners=winners, ties=self.breaker.ties, details=info)
