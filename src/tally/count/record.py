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
:mod:`tally.outcome`.

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

__all__ = ["AccountingError", "Recorder", "transfer_row"]


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
        Relative slack of the accounting check, for sums of floating-point weights.
    valid : float, optional
        The valid poll, whose value each round's ``values`` must account for.
    """

    def __init__(
        self, candidates: Sequence[str], read: float, *, tolerance: float = 1e-9, valid: float | None = None
    ) -> None:
        self.candidates = tuple(candidates)
        self.read = float(read)
        self.tolerance = tolerance
        self.valid = valid
        self.rounds: list[Round] = []

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
        self.rounds.append(rnd)
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
