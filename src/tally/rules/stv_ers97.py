"""ERS97 STV: the Electoral Reform Society's 1997 rules, over the Gregory core.

The ERS97 count differs from the Scottish count in these steps, each a method below: the
quota is recomputed without non-transferable votes until someone is elected (5.4.8);
election also at the total active vote over the places left plus one (5.1.7(b));
deferred surpluses and several sure losers excluded together (5.2.2, 5.2.5); ties settled
at the earliest stage where the candidates differed, and for the last places nobody
elected at a stage where they never differed (5.6.2); no exclusion that would leave as
many candidates as places (5.5.1); the continuing candidates formally excluded once every
place is filled (5.5.2). Papers move as :class:`~tally.count.gregory.GregoryRules` with
the last parcel examined, transferable values, and exclusions by parcel value.

Reference: Electoral Reform Society, "How to conduct an election by the Single
Transferable Vote", 3rd edition (1997), section 5.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import numpy as np

from ..count.gregory import EXCLUDED, GregoryCount, ceil_cents
from ..outcome import Tie

__all__ = ["Ers97Count", "ers97_quota"]


def ers97_quota(total: Fraction, seats: int) -> Fraction:
    """ERS97 5.1.6: total / (seats + 1) to two places; exact, or the remainder dropped and
    0.01 added (that is, rounded up to the cent)."""
    return ceil_cents(Fraction(total) / (seats + 1))


class Ers97Count(GregoryCount):
    """The ERS97 count (see the module docstring)."""

    def _initial_quota(self) -> tuple[Fraction, bool]:
        if self.rules.quota == "ers97":
            return ers97_quota(Fraction(self.valid), self.seats), False
        return super()._initial_quota()

    def _reached(self, c: int) -> bool:
        v = self.credited[c]
        if v >= Fraction(1, 100) and v >= self._ers97_threshold():
            return True
        return super()._reached(c)

    def _ers97_threshold(self) -> Fraction:
        """ERS97 5.1.7(b): the total active vote over one more than the places left.

        The total active vote (6.20) is the votes of the continuing candidates plus any
        votes awaiting transfer: untransferred surpluses, and the batches of candidates
        being excluded that have not moved yet (their credit drops to 0 as the last
        batch moves).
        """
        left = self.seats - len(self.order)
        active = sum((self.credited[c] for c in self._hopeful()), Fraction(0))
        active += self._untransferred()
        active += sum((self.credited[int(c)] for c in np.flatnonzero(self.status == EXCLUDED)), Fraction(0))
        return ceil_cents(active / (left + 1))

    def _elect_reached(self) -> list[int]:
        if len(self.order) >= self.seats:
            return []
        if not self.order:
            # 5.4.8: until someone is elected the quota ignores non-transferable votes.
            self.quota = ers97_quota(self.valid - self.nontransferable, self.seats)
        # Electing lowers the active vote, which can bring others to the threshold.
        out: list[int] = []
        while len(self.order) < self.seats:
            new = self._elect_once()
            if not new:
                break
            out += new
        return out

    def _places(self, reached: list[int]) -> list[int]:
        return self._ers97_places(reached) if self.breaker.mode == "previous_round" else reached

    def _ers97_places(self, reached: list[int]) -> list[int]:
        """ERS97 5.6.2: who of ``reached`` may be deemed elected with the places left.

        Candidates are taken in descending order of votes. Where candidates with equal
        votes do not all fit in the places left, they are ranked by their votes at the
        first stage or the earliest later stage where they differed; those still equal
        at every stage, and not all fitting, are none of them deemed elected at this
        stage (nor is anyone with fewer votes).
        """
        places = self.seats - len(self.order)
        out: list[int] = []
        for value in sorted({self.credited[c] for c in reached}, reverse=True):
            group = [c for c in reached if self.credited[c] == value]
            if len(out) + len(group) <= places:
                out += group
                continue
            chosen_before = len(out)
            for tier in self._history_tiers(group):
                if len(out) + len(tier) <= places:
                    out += tier
                    continue
                if len(out) == places:
                    # Settled by the earlier stages: the places are filled from the top.
                    self.breaker.record(
                        Tie(
                            round=self.stage,
                            purpose="elect",
                            tied=tuple(self.names[c] for c in sorted(group)),
                            mode="previous_round",
                            chosen=tuple(self.names[c] for c in out[chosen_before:]),
                            detail="equal votes with too few places: decided by the votes at "
                            "the earliest stage where they differed (ERS97 5.6.2)",
                        )
                    )
                    break
                names = ", ".join(self.names[c] for c in tier)
                note = (
                    f"{names} reached the quota with equal votes, equal at every earlier stage, "
                    f"and not all can be elected: none of them is deemed elected at this stage "
                    f"(ERS97 5.6.2)"
                )
                if note not in self.pending_notes:
                    self.pending_notes.append(note)
                    self.pending_detail["not_deemed_elected"] = [self.names[c] for c in tier]
                    self.breaker.record(
                        Tie(
                            round=self.stage,
                            purpose="elect",
                            tied=tuple(self.names[c] for c in sorted(tier)),
                            mode="previous_round",
                            chosen=(),
                            detail="equal at every stage: none deemed elected at this stage (ERS97 5.6.2)",
                        )
                    )
                break
            break
        return out

    def _history_tiers(self, group: list[int]) -> list[list[int]]:
        """``group`` in descending order of votes at the earliest stage where they differed,
        as tiers of candidates equal at every stage so far."""

        def split(pool: list[int], start: int) -> list[list[int]]:
            for number in range(start, len(self.history)):
                counts = self.history[number]
                values = sorted({counts[c] for c in pool}, reverse=True)
                if len(values) > 1:
                    return [
                        tier
                        for v in values
                        for tier in split([c for c in pool if counts[c] == v], number + 1)
                    ]
            return [sorted(pool)]

        return split(list(group), 0)

    def run(self) -> None:
        super().run()
        left_over = self._hopeful()
        if left_over and len(self.order) >= self.seats:
            # 5.5.2: every place is filled; the continuing candidates are formally excluded
            # and no further papers move.
            names = [self.names[c] for c in left_over]
            last = self.rounds[-1]
            self.rounds[-1] = dataclasses.replace(
                last,
                note=f"{last.note}; every place filled: {', '.join(names)} formally excluded (ERS97 5.5.2)",
            )
            self.stages[-1]["formally_excluded"] = names

    def _step(self, hopeful: list[int], left: int) -> None:
        """One ERS97 stage: a surplus, unless deferred (5.2.2), else an exclusion (5.2.5)."""
        surplus = self._untransferred()
        losers = self._sure_losers(hopeful, left, surplus)
        if self.pending and not losers:
            top = max(self.credited[c] for c in self.pending)
            tied = [c for c in self.pending if self.credited[c] == top]
            self.transfer_surplus(self._earliest_difference(tied, lowest=False, purpose="surplus"))
            return
        if len(losers) > 1 or (losers and self.pending):
            out = losers
        else:
            low = min(self.credited[c] for c in hopeful)
            tied = [c for c in hopeful if self.credited[c] == low]
            out = [self._earliest_difference(tied, lowest=True, purpose="eliminate")]
        if len(hopeful) - len(out) <= left:
            # 5.5.1: an exclusion that would leave only as many continuing candidates as
            # places is not made; those candidates are deemed elected (and the others
            # formally excluded, 5.5.2).
            names = ", ".join(self.names[c] for c in out)
            ties = self.breaker.ties
            if ties and ties[-1].round == self.stage + 1:
                # The exclusion is not made, so a tie it needed belongs to this stage.
                ties[-1] = dataclasses.replace(ties[-1], round=self.stage)
            self._elect_rest(
                [c for c in hopeful if c not in out],
                reason=f"excluding {names} would leave as many continuing candidates as places (ERS97 5.5.1)",
            )
            return
        self.exclude_together(out)

    def _sure_losers(self, hopeful: list[int], left: int, surplus: Fraction) -> list[int]:
        """The most lowest candidates whose votes, with ``surplus``, do not exceed the next above.

        Enough candidates must remain for the places left, and the group may not split
        candidates with equal votes (ERS97 5.2.2 and 5.2.5).
        """
        order = sorted(hopeful, key=lambda c: (self.credited[c], c))
        best: list[int] = []
        total = Fraction(0)
        for k in range(1, len(order)):
            total += self.credited[order[k - 1]]
            if len(order) - k < left:
                break
            if self.credited[order[k - 1]] == self.credited[order[k]]:
                continue
            if total + surplus <= self.credited[order[k]]:
                best = order[:k]
        return best

    def _earliest_difference(self, tied: list[int], *, lowest: bool, purpose: str) -> int:
        """ERS97's tie rule: the votes at the first stage, or the earliest point after, where
        the tied candidates differed; then lot. Other tie-break modes are used as asked."""
        if len(tied) == 1:
            return tied[0]
        if self.breaker.mode != "previous_round":
            return self.breaker.pick(
                tied, purpose=purpose, round=self.stage + 1, history=self.history[:-1], lowest=lowest
            )
        pool = list(tied)
        for number, counts in enumerate(self.history[:-1], start=1):
            values = [counts[c] for c in pool]
            if len(set(values)) > 1:
                best = min(values) if lowest else max(values)
                pool = [c for c, v in zip(pool, values) if v == best]
                if len(pool) == 1:
                    names = tuple(self.names[c] for c in sorted(tied))
                    self.breaker.record(
                        Tie(
                            round=self.stage + 1,
                            purpose=purpose,
                            tied=names,
                            mode="previous_round",
                            chosen=(self.names[pool[0]],),
                            detail=f"decided by the votes at stage {number}, the earliest "
                            "where they differed",
                        )
                    )
                    return pool[0]
        return self.breaker.pick(pool, purpose=purpose, round=self.stage + 1, history=(), lowest=lowest)
