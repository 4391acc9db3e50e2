"""The round recorder: every ranked rule's rounds and outcome, built and checked in one place.

A :class:`Recorder` collects the rounds of one count and builds the
:class:`~tally.outcome.Outcome`. It owns three things no rule should do by hand:

**Accounting.** Each round must account for every ballot read:
``continuing + sum(inactive.values()) == read``. Where votes move at fractional values
(STV), the vote value must add up too: ``sum(tally) + non_transferable + lost == valid``,
``lost`` being the value lost to rounding (the rule passes ``values=(non_transferable,
lost)`` and the recorder its ``valid`` poll). A round that does not add up is a bug in
the rule, and the recorder raises :class:`AccountingError` rather than publish it.

**Transfers, one convention.** A round's ``transfers`` maps each candidate whose votes
moved to where they went: continuing candidates in candidate order, then ``"exhausted"``
for the value that became inactive (for any reason), always present, ``0`` when nothing
was lost. Rules record transfers in the round that names the candidate whose votes move
(eliminated there, or whose surplus that stage transfers); see the JSON contract in
:mod:`tally.outcome`. RCTab's tabulation also sends surplus to ``"residual surplus"``
(value lost to rounding) and, at the end of a multi-seat count, to ``"final-round
surplus"`` (held by the winners, listed under that name among the next round's inactive
ballots, as RCTab's reports list it).

**Transfers reconcile.** The transfers that lead into a round must explain how it differs
from the round before: every candidate's tally changes by what it received less what it
passed on, and the inactive ballots grow by what went to ``"exhausted"`` (and
``"final-round surplus"``). Two differences are allowed, each only as large as the
accounting shows: value lost to rounding that a rule does not list as a transfer (an STV
surplus cut to a number of decimals), and ballots set aside at an overvote that come back
to a candidate (``overvote="single_continuing"``), which the round shows as fewer inactive
ballots and more votes, not as a transfer. Where the transfers lead in is the rule's
convention (``transfers_into``): ``"next"`` (the round that eliminates a candidate lists
where its ballots go in the following round: IRV and its kin, RCTab), ``"same"`` (an STV
stage lists what it moved), or ``None`` for a rule whose rounds change by more than their
transfers (Meek's keep values are iterated again after an exclusion's transfer).

**Inactive ballots, one shape.** ``inactive`` lists every reason of
:data:`tally.options.INACTIVE_REASONS`, zero or not, and ``exhausted_by_ranking`` splits
the exhausted ones into partially and fully ranked ballots.

>>> r = Recorder(("A", "B"), read=3)
>>> _ = r.add(tally={"A": 2, "B": 1}, continuing=3, inactive={}, elected=("A",))
>>> r.outcome(winners=("A",)).rounds[0].inactive["exhausted"]
0.0
>>> r.add(tally={"A": 2}, continuing=2, inactive={})
Traceback (most recent call last):
...
tally.count.record.AccountingError: round 2 does not account for every ballot: 2 continuing + 0 inactive = 2, not the 3 read
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import RuleError
from ..options import EXHAUSTED_KINDS, INACTIVE_REASONS
from ..outcome import Outcome, Round, Tie

__all__ = ["FINAL_SURPLUS", "HELD", "LOST", "AccountingError", "Recorder", "transfer_row"]

FINAL_SURPLUS = "final-round surplus"
"""Where RCTab's multi-seat count leaves the winners' last surpluses (a transfer
destination, and an inactive category of the round after)."""
LOST = "residual surplus"
"""RCTab's name for surplus value lost to rounding (a transfer destination)."""
HELD = (FINAL_SURPLUS,)
"""Destinations that are not candidates but are counted among the inactive ballots."""
TRANSFERS_INTO = ("next", "same")


class AccountingError(RuleError):
    """A round that does not account for every ballot read (a bug in the rule)."""


def transfer_row(moved: Mapping[Any, float], names: Sequence[str]) -> dict[str, float]:
    """One transfer row in the shared convention.

    ``moved`` maps destinations (candidate indices, or inactive reasons as strings) to
    values; the row lists candidates in index order, then ``"exhausted"`` (the sum of the
    inactive destinations, always present).

    >>> transfer_row({2: 1.0, "overvote": 2.0, 0: 3.0}, ("A", "B", "C"))
    {'A': 3.0, 'C': 1.0, 'exhausted': 2.0}
    """
    row = {names[k]: float(v) for k, v in sorted((k, v) for k, v in moved.items() if isinstance(k, int))}
    row["exhausted"] = float(sum(v for k, v in moved.items() if not isinstance(k, int)))
    return row


class Recorder:
    """The rounds of one count, checked as they are added, and the outcome they make.

    Parameters
    ----------
    candidates : sequence of str
        Every candidate, in ballot order.
    read : float
        The ballots (or ballot weight) read.
    tolerance : float
        Relative slack of the accounting checks, for sums of floating-point weights.
    valid : float, optional
        The valid poll, whose value each round's ``values`` must account for.
    transfers_into : {"next", "same"} or None
        Which round a round's transfers explain (see the module docstring): the next one
        (the default), the same one, or none (no reconciliation).
    """

    def __init__(
        self,
        candidates: Sequence[str],
        read: float,
        *,
        tolerance: float = 1e-9,
        valid: float | None = None,
        transfers_into: str | None = "next",
    ) -> None:
        if transfers_into is not None and transfers_into not in TRANSFERS_INTO:
            raise ValueError(
                f"transfers_into must be one of {TRANSFERS_INTO} or None, not {transfers_into!r}"
            )
        self.candidates = tuple(candidates)
        self.read = float(read)
        self.tolerance = tolerance
        self.valid = valid
        self.transfers_into = transfers_into
        self.rounds: list[Round] = []
        # (non-transferable, lost) value of each round, where the rule passes it
        self._values: list[tuple[float, float] | None] = []
        self._fresh = True

    def begin_count(self) -> None:
        """The next round starts a new count (a pass of sequential IRV): it is not
        reconciled with the round before."""
        self._fresh = True

    def add(
        self,
        *,
        tally: Mapping[str, float],
        continuing: float,
        inactive: Mapping[str, float],
        elected: Sequence[str] = (),
        eliminated: Sequence[str] = (),
        transfers: Mapping[str, Mapping[str, float]] | None = None,
        threshold: float | None = None,
        note: str = "",
        exhausted_by_ranking: Mapping[str, float] | None = None,
        values: tuple[float, float] | None = None,
        number: int | None = None,
    ) -> Round:
        """Check and record one round; returns it.

        ``inactive`` may leave out reasons (they are recorded as 0). ``values`` is
        (non-transferable value, value lost to rounding) so far, for rules that move votes
        at fractional values. Raises :class:`AccountingError` when the round does not add
        up to the ballots read, or its value to the valid poll.
        """
        number = len(self.rounds) + 1 if number is None else number
        reasons = {name: float(inactive.get(name, 0.0)) for name in INACTIVE_REASONS}
        reasons.update({k: float(v) for k, v in inactive.items() if k not in reasons})
        self._check(number, float(continuing), reasons)
        if values is not None and self.valid is not None:
            self._check_values(number, sum(float(v) for v in tally.values()), *values)
        split = None
        if exhausted_by_ranking is not None:
            split = {kind: float(exhausted_by_ranking.get(kind, 0.0)) for kind in EXHAUSTED_KINDS}
        rnd = Round(
            number=number,
            tally={k: float(v) for k, v in tally.items()},
            elected=tuple(elected),
            eliminated=tuple(eliminated),
            transfers={k: _with_exhausted(v) for k, v in (transfers or {}).items()},
            continuing=float(continuing),
            inactive=reasons,
            threshold=None if threshold is None else float(threshold),
            note=note,
            exhausted_by_ranking=split,
        )
        value = None if values is None else (float(values[0]), float(values[1]))
        if not self._fresh and self.transfers_into is not None:
            before, held = self.rounds[-1], self._values[-1]
            moved = before.transfers if self.transfers_into == "next" else rnd.transfers
            self._reconcile(number, before, held, rnd, value, moved)
        self._fresh = False
        self.rounds.append(rnd)
        self._values.append(value)
        return rnd

    def _check(self, number: int, continuing: float, inactive: Mapping[str, float]) -> None:
        total = continuing + sum(inactive.values())
        if abs(total - self.read) > self.tolerance * max(1.0, abs(self.read)):
            raise AccountingError(
                f"round {number} does not account for every ballot: {continuing:g} continuing + "
                f"{sum(inactive.values()):g} inactive = {total:g}, not the {self.read:g} read"
            )

    def _check_values(self, number: int, credited: float, non_transferable: float, lost: float) -> None:
        assert self.valid is not None
        total = credited + float(non_transferable) + float(lost)
        # the tally is rounded for display (10 places), hence the slack per candidate
        slack = max(self.tolerance * max(1.0, abs(self.valid)), 1e-9 * (len(self.candidates) + 2))
        if abs(total - self.valid) > slack:
            raise AccountingError(
                f"round {number} does not account for the valid vote: {credited:g} credited + "
                f"{float(non_transferable):g} non-transferable + {float(lost):g} lost to rounding "
                f"= {total:g}, not {self.valid:g}"
            )

    def _reconcile(
        self,
        number: int,
        before: Round,
        before_values: tuple[float, float] | None,
        after: Round,
        after_values: tuple[float, float] | None,
        transfers: Mapping[str, Mapping[str, float]],
    ) -> None:
        """Check that ``transfers`` explain how round ``after`` differs from ``before``.

        Each candidate's tally must change by what it received less what it passed on.
        What is left over may only be value lost to rounding that the transfers do not
        list (it lowers a candidate that passed votes on) and ballots set aside at an
        overvote that came back (they raise a candidate and lower the inactive ballots, and
        are no more than the ballots set aside at an overvote); each must match what the
        accounting shows.
        """
        inactive_gain = 0.0
        listed_lost = 0.0
        change = {c: after.tally.get(c, 0.0) - before.tally.get(c, 0.0) for c in self.candidates}
        for source, row in transfers.items():
            for dest, value in row.items():
                if dest in change:
                    change[dest] -= value
                elif dest == "exhausted" or dest in HELD:
                    inactive_gain += value
                elif dest == LOST:
                    listed_lost += value
                else:
                    raise AccountingError(
                        f"round {number}: a transfer into it goes to {dest!r}, no candidate"
                    )
                if source in change:
                    change[source] += value
        if after_values is not None and before_values is not None:
            grew = after_values[0] - before_values[0]
            lost = after_values[1] - before_values[1]
        else:
            grew, lost = sum(after.inactive.values()) - sum(before.inactive.values()), 0.0
        came_back = sum(v for v in change.values() if v > 0)
        unlisted = -sum(v for v in change.values() if v < 0)
        slack = self.tolerance * max(1.0, abs(self.read)) * (len(self.candidates) + 4)
        # only ballots set aside at an overvote can come back
        set_aside = before.inactive.get("overvote", 0.0)
        if (
            came_back > set_aside + slack
            or abs(came_back - (inactive_gain - grew)) > slack
            or abs(unlisted - (lost - listed_lost)) > slack
        ):
            off = {c: round(v, 6) for c, v in change.items() if abs(v) > slack}
            raise AccountingError(
                f"round {number}: the transfers into it do not explain its tallies: "
                f"change beyond the transfers {off}; inactive grew by {grew:g} where "
                f"{inactive_gain:g} was transferred to it; {lost - listed_lost:g} lost to rounding unlisted"
            )

    def outcome(
        self,
        *,
        winners: Sequence[str],
        ties: Sequence[Tie] = (),
        scores: Mapping[str, float] | None = None,
        details: Mapping[str, Any] | None = None,
        warnings: Sequence[str] = (),
        tied: bool = False,
        ballots: Mapping[str, Any] | None = None,
    ) -> Outcome:
        """The outcome of the count: the rounds so far, and the ballots as the last round left them.

        ``scores`` defaults to the last round's tally; ``ballots`` to the read, continuing
        and inactive ballots of the last round.
        """
        last = self.rounds[-1] if self.rounds else None
        if ballots is None:
            ballots = {
                "read": self.read,
                "continuing": None if last is None else last.continuing,
                "inactive": {} if last is None else dict(last.inactive),
            }
            if last is not None and last.exhausted_by_ranking is not None:
                ballots = {**ballots, "exhausted_by_ranking": dict(last.exhausted_by_ranking)}
        if scores is None and last is not None:
            scores = dict(last.tally)
        return Outcome(
            rule="",
            candidates=self.candidates,
            winners=tuple(winners),
            rounds=tuple(self.rounds),
            ties=tuple(ties),
            ballots=dict(ballots),
            scores=None if scores is None else dict(scores),
            details=dict(details or {}),
            warnings=tuple(warnings),
            tied=tied,
        )


def _with_exhausted(row: Mapping[str, float]) -> dict[str, float]:
    """A transfer row with ``exhausted`` present and last (the shared convention)."""
    out = {k: float(v) for k, v in row.items() if k != "exhausted"}
    out["exhausted"] = float(row.get("exhausted", 0.0))
    return out
