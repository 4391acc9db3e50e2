"""Fractional transfer values: what is left of a ballot's vote once parts of it are spent.

In RCTab's multi-seat surplus modes a ballot that helps elect a winner leaves part of its
vote with that winner (the *kept* share) and goes on at the rest, its *fractional
transfer value*. Under ``overvoteRule: "splitVote"`` a ballot divided among several
candidates also sets aside the part its equal shares cannot hold at the configured
decimals (the split remainder, :mod:`tally.rctab.split`). Ballots with the same kept
shares and the same remainder set aside have the same value; :class:`Classes` numbers
each such combination once, so the count adds up rows by class.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

from .decimal_math import EXACT, ONE, ZERO

__all__ = ["Allocation", "Classes"]

Allocation = tuple[tuple[str, Decimal], ...]
"""Shares of a ballot kept by winners it helped elect: ``((winner, kept), ...)``."""


class Classes:
    """Fractional transfer values: ballots that helped elect the same winners with the
    same kept shares (and set aside the same split remainder) share a class. Class 0 is a
    whole vote.

    ``allocations[k]`` are class ``k``'s kept shares, ``lost[k]`` its split remainder and
    ``ftv[k]`` what is left: ``1 - sum(kept) - lost``.
    """

    def __init__(self) -> None:
        self.allocations: list[Allocation] = [()]
        self.lost: list[Decimal] = [ZERO]
        self.ftv: list[Decimal] = [ONE]
        self._index: dict[tuple[Allocation, Decimal], int] = {((), ZERO): 0}

    def get(self, allocations: Allocation, lost: Decimal = ZERO) -> int:
        """The class of ballots with these kept shares and remainder (new the first time)."""
        key = (allocations, lost)
        k = self._index.get(key)
        if k is None:
            k = self._index[key] = len(self.allocations)
            self.allocations.append(allocations)
            self.lost.append(lost)
            remaining = ONE
            with localcontext(EXACT):
                for _, value in allocations:
                    remaining = remaining - value
                if lost:
                    remaining = remaining - lost
            self.ftv.append(remaining)
        return k
