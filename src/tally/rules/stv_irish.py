"""Irish STV: the Dáil count of the Electoral Act 1992, ss. 118-124, over the Gregory core.

Papers move whole: a surplus is taken from the last parcel received, drawn at random from
each sub-parcel (a seeded draw), and an excluded candidate's papers all move in one count.
The Act's steps that differ from the Scottish count are methods below: the deferment of
surpluses that cannot matter yet (s. 121, :meth:`IrishCount._irish_deferment`), the
exclusion of several lowest candidates at once (s. 122, :meth:`IrishCount._irish_group`),
the early ends of the count (s. 124(1A) and (2), :meth:`IrishCount._finish_early`), and
the counts after the last vacancy is filled while a candidate could still pass a quarter
of the quota (s. 124(3), :meth:`IrishCount._recoupment_stages`), which also keeps the
deferment and the exclusion of several from costing a candidate that chance.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import RankedBallots
from ..count.gregory import GregoryCount, GregoryRules, fmt, next_usable
from ..ties import TieBreaker

__all__ = ["IrishCount", "recoupment_report"]


class IrishCount(GregoryCount):
    """The Dáil count (see the module docstring).

    ``defer_surplus`` (s. 121), ``exclude_several`` (s. 122) and ``recoupment`` (the
    quarter of the quota of s. 124(3), of ``recoupment_quota`` when given) switch the
    Act's steps on, as :func:`tally.rules.stv.irish_stv` describes.
    """

    def __init__(
        self,
        ballots: RankedBallots,
        seats: int,
        rules: GregoryRules,
        breaker: TieBreaker,
        seed: int | None,
        *,
        defer_surplus: bool = True,
        exclude_several: bool = True,
        recoupment: bool = True,
        recoupment_quota: int | None = None,
    ) -> None:
        super().__init__(ballots, seats, rules, breaker, seed)
        self.defer_surplus = defer_surplus
        self.exclude_several = exclude_several
        self.recoupment = recoupment
        base = self.quota if recoupment_quota is None else Fraction(recoupment_quota)
        # Recoupment needs votes *exceeding* a quarter of the quota (s. 124(3)).
        self.quarter = Fraction(base) / 4
        # s. 124(3) settled without a transfer (one continuing candidate): their votes then.
        self.settled: dict[str, dict[str, float]] = {}

    def run(self) -> None:
        super().run()
        if self.recoupment:
            self._recoupment_stages()

    def _step(self, hopeful: list[int], left: int) -> None:
        """One stage: the largest surplus, unless deferred (s. 121), else an exclusion."""
        deferred: dict[str, Any] | None = None
        if self.pending and self.defer_surplus and len(hopeful) >= 2:
            deferred = self._irish_deferment(hopeful)
        if self.pending and deferred is None:
            self.transfer_surplus(self._largest_surplus())
            return
        why = [deferred.pop("why")] if deferred else []
        detail = {"deferred": deferred} if deferred else {}
        group = self._irish_group(hopeful, left) if self.exclude_several else None
        if group is not None:
            why.append(group.pop("why"))
            detail["excluded_together"] = group
            self.exclude_together(
                [self.names.index(n) for n in group["candidates"]], why="; ".join(why), why_detail=detail
            )
            return
        self.exclude_together([self._lowest(hopeful)], why="; ".join(why), why_detail=detail)

    def _finish_early(self, hopeful: list[int], left: int) -> bool:
        """The Irish shortcuts that end a count whose outcome can no longer change.

        Electoral Act 1992 s. 124(2): with one vacancy left, a continuing candidate with
        more votes than all the other continuing candidates together plus the surpluses not
        yet transferred is elected. s. 124(1A) (inserted in 2001): with one continuing
        candidate more than the vacancies left, if the lowest one's votes plus those
        surpluses are less than the next lowest's, all the others are elected.
        """
        untransferred = self._untransferred()
        votes = sorted(hopeful, key=lambda c: (self.credited[c], -c))
        if left == 1:
            top = votes[-1]
            others = sum((self.credited[c] for c in votes[:-1]), Fraction(0))
            if self.credited[top] > others + untransferred:
                self._elect_rest(
                    [top],
                    reason="more votes than all the other continuing candidates "
                    "and the surpluses not transferred together",
                )
                return True
        if len(hopeful) == left + 1:
            lowest, next_lowest = votes[0], votes[1]
            if self.credited[lowest] + untransferred < self.credited[next_lowest]:
                self._elect_rest(
                    votes[1:],
                    reason=f"{self.names[lowest]} cannot overtake the next "
                    "lowest candidate even with the surpluses not transferred",
                )
                return True
        return False

    # -- s. 124(3): transfers after the last vacancies are filled -------------------------

    def _recoupment_stages(self) -> None:
        """Electoral Act 1992 s. 124(3): further transfers once every seat is filled.

        No further transfer is made unless a continuing candidate has not been credited
        with more than a quarter of the quota and the transfer is needed to establish
        whether they could be. While such a candidate could still pass the quarter (see
        :meth:`_recoupment_reach`), the count goes on as it would have (a surplus unless
        deferred under s. 121, else an exclusion, several at once under s. 122); each such
        stage is marked ``"section": "124(3)"`` and elects nobody. It stops as soon as no
        continuing candidate at or below the quarter could pass it. With one continuing
        candidate left, every surplus could go only to them, each giving exactly the
        smaller of the surplus and its papers naming them, so their votes are worked out
        (``settled``) and noted without a transfer.
        """
        while True:
            hopeful = self._hopeful()
            need = {
                c: reach
                for c in hopeful
                if self.credited[c] <= self.quarter
                for reach in [self._recoupment_reach(c, hopeful)]
                if reach > self.quarter
            }
            if not need:
                break
            if len(hopeful) == 1 and self.rules.selection == "random":
                # The papers of every surplus can go only to this candidate: each surplus
                # would give them exactly the smaller of the surplus and its papers naming
                # them (whole papers), so what they could be credited with is established
                # without a transfer.
                ((c, reach),) = need.items()
                name, votes, most = self.names[c], fmt(self.credited[c]), fmt(reach)
                self.settled = {name: {"votes": votes, "with_transfers": most}}
                last = self.rounds[-1]
                self.rounds[-1] = dataclasses.replace(
                    last,
                    note=f"{last.note}; s. 124(3): {name}, the only continuing candidate, would be "
                    f"credited with {most:g} (more than a quarter of the quota, "
                    f"{fmt(self.quarter):g}) were the surpluses transferred; no transfer "
                    "is needed to establish it",
                )
                break
            names = ", ".join(f"{self.names[c]} {fmt(self.credited[c]):g}" for c in need)
            self.section = {
                "why": (
                    f"s. 124(3): every seat filled, transfer made only to establish whether "
                    f"{names} can exceed a quarter of the quota ({fmt(self.quarter):g}); "
                    "nobody is elected"
                ),
                "detail": {
                    "section": "124(3)",
                    "quarter_quota": fmt(self.quarter),
                    "could_exceed_quarter": {
                        self.names[c]: {"votes": fmt(self.credited[c]), "at_most": fmt(reach)}
                        for c, reach in need.items()
                    },
                },
            }
            self._step(hopeful, 0)
            self.section = None

    def _recoupment_reach(self, c: int, hopeful: list[int]) -> Fraction:
        """The most votes continuing candidate ``c`` could still be credited with.

        A paper can come to ``c`` only if it names ``c`` after the preference it is at:
        from a surplus not yet transferred (its examined papers, at most the surplus), or
        from a continuing candidate excluded before ``c``. Such a candidate must then be
        at or below ``c``, so, taking the others from the lowest, each one with no more
        votes than ``c`` could by then have is counted as excluded first. Candidates gain
        votes too, so this is an upper bound: what ``c`` could reach, not what it will.
        """
        only = np.zeros(len(self.names), dtype=bool)
        only[c] = True

        def naming(rows: np.ndarray) -> Fraction:
            _, cand = next_usable(self, rows, only)
            hit = rows[cand == c]
            return sum(self.sums(hit, np.zeros(hit.size, dtype=np.int64)).values(), Fraction(0))

        reach = self.credited[c]
        for p in self.pending:
            mine = np.flatnonzero(self.holder == p)
            if self.rules.surplus_papers == "last" and mine.size:
                mine = mine[self.arrived[mine] == self.arrived[mine].max()]
            reach += min(self.credited[p] - self.quota, naming(mine))
        for x in sorted((x for x in hopeful if x != c), key=lambda x: (self.credited[x], x)):
            if self.credited[x] > reach:
                break
            reach += naming(np.flatnonzero(self.holder == x))
        return reach

    def _irish_deferment(self, hopeful: list[int]) -> dict[str, Any] | None:
        """Electoral Act 1992 s. 121: whether the surpluses not yet transferred wait.

        With ``S`` the total of every surplus not yet transferred, the transfer is
        deferred only when ``S`` can change nothing at this point: (a) the highest
        continuing candidate plus ``S`` stays below the quota, so nobody can be elected;
        (b) the lowest continuing candidate plus ``S`` stays below the next lowest (with
        the lowest candidates level the transfer is made), so the lowest is excluded
        either way; and (c) with ``recoupment``, the lowest candidate, if not yet above a
        quarter of the quota, cannot pass it with ``S`` either. Returns the numbers of
        the test (with a ``why`` sentence) when the surpluses are deferred, else None.

        Reference: these three conditions are those of the formal count specification
        in D. Cochran's Votail (``election.tally.AbstractBallotCounting``, after the
        Department of the Environment's "Count Requirements and Commentary on Count
        Rules") and of the Citizens Information guide; equal votes are read as in the
        "less than" of ss. 122 and 124(1A) (a surplus that could bring the lowest level
        with the next is transferred), as in the older rule texts of this family (a
        surplus is not transferred when it "is less than the difference" between the
        lowest and the next), whereas Votail's precondition transfers only a surplus that
        takes the lowest *past* the next. Check against the text of s. 121 before relying
        on a count where a deferment decides a seat.
        """
        s = self._untransferred()
        order = sorted(hopeful, key=lambda c: (self.credited[c], c))
        lowest, second, highest = order[0], order[1], order[-1]
        top = self.credited[highest] + s
        if (top > self.quota) if self.strict else (top >= self.quota):
            return None
        if self.credited[lowest] + s >= self.credited[second]:
            return None
        low = self.credited[lowest]
        if self.recoupment and low <= self.quarter < low + s:
            return None
        surpluses = {self.names[c]: fmt(self.credited[c] - self.quota) for c in self.pending}
        why = (
            f"surplus{'es' if len(self.pending) > 1 else ''} of "
            f"{', '.join(surpluses)} ({fmt(s):g}) deferred under s. 121: "
            f"{self.names[highest]} {fmt(self.credited[highest]):g} + {fmt(s):g} stays below the quota, "
            f"{self.names[lowest]} {fmt(low):g} + {fmt(s):g} stays below "
            f"{self.names[second]} {fmt(self.credited[second]):g}"
        )
        if self.recoupment:
            why += (
                f", and {self.names[lowest]} cannot newly pass a quarter of the quota "
                f"({fmt(self.quarter):g}) with it"
            )
        return {
            "why": why,
            "surpluses": surpluses,
            "total": fmt(s),
            "highest": {self.names[highest]: fmt(self.credited[highest])},
            "lowest": {self.names[lowest]: fmt(low)},
            "next_lowest": {self.names[second]: fmt(self.credited[second])},
            "quarter_quota": fmt(self.quarter) if self.recoupment else None,
        }

    def _irish_group(self, hopeful: list[int], left: int) -> dict[str, Any] | None:
        """Electoral Act 1992 s. 122: the lowest candidates excluded together, if any.

        The most (two or more) lowest continuing candidates whose votes together, plus
        every surplus not yet transferred, are less than the votes of the next candidate
        above them, leaving enough continuing candidates for the vacancies. None of them
        can then overtake that candidate, so each would be excluded in turn anyway. With
        ``recoupment``, a group is not used if one of its candidates has not yet passed a
        quarter of the quota and the group's votes plus the surpluses could take them past
        it. Returns the group and the numbers of the test (with a ``why`` sentence), or
        None when one candidate is excluded as usual.
        """
        s = self._untransferred()
        order = sorted(hopeful, key=lambda c: (self.credited[c], c))
        best: list[int] = []
        total = Fraction(0)
        best_total = Fraction(0)
        for k in range(1, len(order)):
            total += self.credited[order[k - 1]]
            if len(order) - k < left:
                break
            if k < 2 or total + s >= self.credited[order[k]]:
                continue
            if self.recoupment and total + s > self.quarter and self.credited[order[0]] <= self.quarter:
                continue
            best, best_total = order[:k], total
        if not best:
            return None
        above = order[len(best)]
        names = [self.names[c] for c in best]
        why = (
            f"{', '.join(names)} excluded together under s. 122: their votes {fmt(best_total):g}"
            f" + untransferred surpluses {fmt(s):g} are less than {self.names[above]}'s "
            f"{fmt(self.credited[above]):g}"
        )
        return {
            "why": why,
            "candidates": names,
            "votes": {self.names[c]: fmt(self.credited[c]) for c in best},
            "total": fmt(best_total),
            "untransferred_surpluses": fmt(s),
            "next_above": {self.names[above]: fmt(self.credited[above])},
        }


def recoupment_report(count: IrishCount) -> dict[str, Any]:
    """Who was credited with more than a quarter of the quota at some stage, and who not."""
    above = [n for n, v in zip(count.names, count.peak) if v > count.quarter]
    return {
        "quarter_quota": fmt(count.quarter),
        "highest_votes": {n: fmt(v) for n, v in zip(count.names, count.peak)},
        "above_quarter_quota": above,
        "not_above_quarter_quota": [n for n in count.names if n not in above],
        "section_124_3_stages": [s["stage"] for s in count.stages if s.get("section") == "124(3)"],
        "settled_without_transfer": count.settled,
    }
