"""``overvoteRule: "splitVote"``: a ballot's vote divided among its overvoted candidates.

The rule (proposed in RCTab issue 422, not in a released RCTab; tally's
``overvote="split"``): when the reading of a ballot reaches a rank marking several
candidates, two or more of them continuing, the ballot's vote, whatever fraction of it
remains, is divided equally among those continuing candidates. The division is made
again each round among the overvoted candidates still continuing (a candidate who leaves
passes their share to the others), and once none of them is left the ballot moves on to
its next rank. That is how every ranked rule of tally reads a split overvote (the ballot
walk, :class:`tally.count.walk.Walk`, and the STV counts); the RCTab tabulator adds
RCTab's decimal arithmetic.

Arithmetic
----------
A ballot of value *v* (1, or its fractional transfer value in a surplus mode) split
*k* ways gives each candidate *v / k* truncated to ``decimalPlacesForVoteArithmetic``
(*d*) places, rounding down, as RCTab truncates every surplus transfer. The remainder
*v - k x share* (fewer than *k* units of the last place) is set aside for good and the
ballot goes on at *k x share*: like RCTab's residual surplus it is value lost to
truncation, and each round reports it so far (``RoundResult.split_remainder``), so every
round accounts for every ballot::

    sum(tally) + inactive (final-round surplus too) + residual surplus + split remainder
        = ballots read

A remainder set aside when a ballot moves is a transfer from the candidate it left, to
``"split remainder"``. Setting the remainder aside, rather than handing its units to some
of the candidates, keeps the shares equal (no candidate gains by its place in an order)
and every later share an exact decimal. With *d* = 4, a ballot marking A, B and C first
gives 0.3333 to each and sets 0.0001 aside; once C is eliminated its 0.9999 is divided
between A and B, 0.4999 each, and C's transfers are 0.1666 to A, 0.1666 to B and 0.0001
to the split remainder.

In the surplus modes a winner's share of a split ballot is a ballot for that winner: the
winner keeps *share x (1 - surplus fraction)* (the part transferred truncated to *d*
places, as for every ballot), and the rest of the ballot's value is divided in the next
round among its overvoted candidates still continuing, or moves on. This is what the
Gregory STV counts do with exact fractions (the winner's part divided among the others);
in the round that ends the count, a winner's passed-on part is final-round surplus, as
for every ballot.

Reference: BrightSpots/rcv issue 422 ("new overvote option: split vote").
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, localcontext

import numpy as np

from ..options import HELD_SURPLUS
from .decimal_math import EXACT, ZERO, divide
from .transfer_values import Classes

__all__ = ["SPLIT_REMAINDER", "Flow", "Splits"]

SPLIT_REMAINDER = "split remainder"
"""Where the remainder set aside when a ballot is divided goes (a transfer destination)."""

Flow = tuple[int, int | str, Decimal]
"""Part of one ballot's move: (candidate it left, destination, value). A destination is a
candidate index, an inactive code, or :data:`SPLIT_REMAINDER`."""


class Splits:
    """The ballot rows divided among several candidates, round by round.

    ``now[row]`` is ``(candidates, share)`` for this round (the share per ballot),
    ``before`` the same for the round before. ``set_aside[row]`` is the remainder the row
    set aside this round (per ballot), ``held[row]`` what it holds as final-round surplus
    in the round that ends a surplus count, ``kept[row]`` what winners elected this round
    kept of it (``{candidate: kept}``).
    """

    def __init__(self, decimals: int) -> None:
        self.decimals = decimals
        self.now: dict[int, tuple[tuple[int, ...], Decimal]] = {}
        self.before: dict[int, tuple[tuple[int, ...], Decimal]] = {}
        self.set_aside: dict[int, Decimal] = {}
        self.held: dict[int, Decimal] = {}
        self.kept: dict[int, dict[int, Decimal]] = {}
        self._kept_before: dict[int, dict[int, Decimal]] = {}

    def _turn(self) -> None:
        """Start a new round: this round's state becomes the round before."""
        self.before, self.now = self.now, {}
        self._kept_before, self.kept = self.kept, {}
        self.set_aside, self.held = {}, {}

    def divide(self, rows: np.ndarray, members: np.ndarray, cls: np.ndarray, classes: Classes) -> None:
        """Divide ``rows`` (each among the candidates ``members`` marks) for this round.

        A row that sets a remainder aside moves to the class with that remainder lost
        (``cls`` is updated).
        """
        self._turn()
        done: dict[tuple[int, int], tuple[int, Decimal, Decimal]] = {}
        for row, mask in zip(rows.tolist(), members):
            who = tuple(int(m) for m in np.flatnonzero(mask).tolist())
            key = (int(cls[row]), len(who))
            if key not in done:
                done[key] = self._division(key[0], len(who), classes)
            new, share, rest = done[key]
            cls[row] = new
            self.now[row] = (who, share)
            if rest:
                self.set_aside[row] = rest

    def _division(self, k: int, ways: int, classes: Classes) -> tuple[int, Decimal, Decimal]:
        """(class after, share, remainder) of a ballot of class ``k`` divided ``ways`` ways."""
        value = classes.ftv[k]
        with localcontext(EXACT):
            share = divide(value, Decimal(ways), self.decimals, ROUND_DOWN)
            rest = value - share * ways
        if not rest:
            return k, share, ZERO
        return classes.get(classes.allocations[k], classes.lost[k] + rest), share, rest

    def hold(self, continuing: np.ndarray, cls: np.ndarray, classes: Classes) -> list[int]:
        """The round that ends a surplus count: shares of candidates still continuing stay,
        the rest of each ballot (what its winners passed on) is held as final-round surplus.

        Returns the rows whose shares changed.
        """
        self._turn()
        changed = []
        for row, (who, share) in self.before.items():
            stay = tuple(m for m in who if continuing[m])
            self.now[row] = (stay, share)
            if len(stay) < len(who):
                with localcontext(EXACT):
                    self.held[row] = classes.ftv[int(cls[row])] - share * len(stay)
                changed.append(row)
        return changed

    def involved(self) -> set[int]:
        """Rows divided this round or the round before (their moves are :meth:`flows`)."""
        return set(self.before) | set(self.now)

    def flows(self, row: int, left: int, code: int, value: Decimal) -> list[Flow]:
        """Per ballot, where the value of ``row`` went as this round began.

        ``left`` is the candidate the row counted for before (when it was not divided),
        ``code`` its code now and ``value`` its value now (when it is not divided). Each
        candidate that lost value passes it on, in candidate order, to what gained value,
        in order (candidates, inactive codes, the split remainder): the amounts match to
        the last decimal, so every part is listed once.
        """
        old = self._old(row, left, value)
        new = self._new(row, code, value)
        with localcontext(EXACT):
            losses = [(c, v - new.get(c, ZERO)) for c, v in sorted(old.items()) if new.get(c, ZERO) < v]
            had = {d: old.get(d, ZERO) if isinstance(d, int) else ZERO for d in new}
            gains = [(d, v - had[d]) for d, v in sorted(new.items(), key=_order) if v > had[d]]
        return _pair(losses, gains)

    def _old(self, row: int, left: int, value: Decimal) -> dict[int, Decimal]:
        """The row's value that could move, by candidate, in the round before."""
        if row not in self.before:
            return {left: value + self.set_aside.get(row, ZERO)}
        who, share = self.before[row]
        kept = self._kept_before.get(row, {})
        with localcontext(EXACT):
            return {m: share - kept.get(m, ZERO) for m in who}

    def _new(self, row: int, code: int, value: Decimal) -> dict[int | str, Decimal]:
        """The row's value now, by candidate, inactive code or split remainder."""
        if row not in self.now:
            return {code: value}
        who, share = self.now[row]
        out: dict[int | str, Decimal] = {m: share for m in who}
        if row in self.set_aside:
            out[SPLIT_REMAINDER] = self.set_aside[row]
        if row in self.held:
            out[HELD_SURPLUS] = self.held[row]
        return out


def _order(item: tuple[int | str, Decimal]) -> tuple[int, int]:
    """Destinations in order: candidates, inactive codes, then the split remainder."""
    key = item[0]
    if isinstance(key, str):
        return (2, 0)
    return (0, key) if key >= 0 else (1, -key)


def _pair(losses: list[tuple[int, Decimal]], gains: list[tuple[int | str, Decimal]]) -> list[Flow]:
    """Match what each source lost with what each destination gained, in order."""
    out: list[Flow] = []
    at = 0
    room = gains[0][1] if gains else ZERO
    with localcontext(EXACT):
        for source, amount in losses:
            while amount > 0 and at < len(gains):
                take = min(amount, room)
                out.append((source, gains[at][0], take))
                amount, room = amount - take, room - take
                if not room:
                    at += 1
                    room = gains[at][1] if at < len(gains) else ZERO
    return out
