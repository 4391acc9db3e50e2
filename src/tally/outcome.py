"""The result of a count: winners, rounds, ties met and how they were broken.

An :class:`Outcome` is immutable and serialises to stable JSON: keys in a fixed order,
candidates in ballot order, integral numbers written as integers and other numbers
rounded to 10 decimal places, so the same input, rule, options and seed give
byte-identical JSON.

JSON contract (later tools rely on it)::

    {"rule", "options", "candidates", "winners": [names], "tied": bool,
     "rounds": [{"round", "tally": {name: number}, "elected", "eliminated",
                 "transfers": {from: {to: number, ..., "exhausted": number}},
                 "continuing", "inactive": {reason: number}, "threshold", "note",
                 ["exhausted_by_ranking": {"partially_ranked", "fully_ranked"}]}],
     "ties": [{"round", "purpose", "tied", "mode", "chosen", "detail"}],
     "ballots": {"read", "continuing", "inactive": {reason: number},
                 ["exhausted_by_ranking": {...}]},
     "scores", "details", "warnings"}

Ranked rules that count in rounds (IRV, Coombs, the top-two runoff, sequential IRV, the
STV rules, RCTab's tabulation) build their rounds with one recorder
(:class:`tally.count.record.Recorder`), so their rounds have one shape:

* ``transfers`` maps each candidate whose votes moved to where they went: the candidates
  that received them, in candidate order, then ``"exhausted"``, the value that became
  inactive for any reason, **always present** (``0`` when none). RCTab's tabulation adds
  ``"residual surplus"`` where its reports show one. Transfers sit in the round that
  names the candidate whose votes move: the round whose tally eliminated (or elected)
  them, for IRV, Coombs, the runoff, sequential IRV and RCTab, as RCTab's reports do; the
  stage that transfers them, for the STV rules, as published STV result sheets do.
* ``inactive`` lists every reason, zero or not: ``undervote`` (the ballot marks nobody),
  ``overvote``, ``skipped`` (too many consecutive skipped ranks), ``repeated`` (a
  candidate ranked twice, where the reading exhausts on that), ``exhausted`` (no
  continuing candidate left); see :mod:`tally.options`.
* ``exhausted_by_ranking`` splits the exhausted ballots into ``partially_ranked`` and
  ``fully_ranked`` (every rank allowed was marked). Rules that count once, without
  rounds of transfers, leave it out.

In every round, ``continuing`` + the inactive counts = ballots read (plus, for STV, the
value lost to rounding, which the rule's ``details`` report).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .options import INACTIVE_REASONS

__all__ = ["INACTIVE_REASONS", "BatchOutcome", "Outcome", "Round", "Tie", "to_jsonable"]


@dataclass(frozen=True)
class Tie:
    """A tie the count met, and how it was settled.

    ``purpose`` says what was being decided (``"eliminate"``, ``"elect"``, ``"winner"``,
    ``"order"``); ``mode`` is the tie-break mode used (``"all"`` when the tie was left
    standing and every tied candidate is reported); ``chosen`` the candidates the
    tie-break picked for that purpose.
    """

    round: int | None
    purpose: str
    tied: tuple[str, ...]
    mode: str
    chosen: tuple[str, ...]
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "purpose": self.purpose,
            "tied": list(self.tied),
            "mode": self.mode,
            "chosen": list(self.chosen),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Round:
    """One round of a count (a one-shot rule has a single round)."""

    number: int
    tally: Mapping[str, float]
    elected: tuple[str, ...] = ()
    eliminated: tuple[str, ...] = ()
    transfers: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    continuing: float | None = None
    inactive: Mapping[str, float] = field(default_factory=dict)
    threshold: float | None = None
    note: str = ""
    exhausted_by_ranking: Mapping[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "round": self.number,
            "tally": dict(self.tally),
            "elected": list(self.elected),
            "eliminated": list(self.eliminated),
            "transfers": {k: dict(v) for k, v in self.transfers.items()},
            "continuing": self.continuing,
            "inactive": dict(self.inactive),
            "threshold": self.threshold,
            "note": self.note,
        }
        if self.exhausted_by_ranking is not None:
            out["exhausted_by_ranking"] = dict(self.exhausted_by_ranking)
        return out


@dataclass(frozen=True)
class Outcome:
    """What a rule decided, and how.

    ``winners`` are in order of election. When a tie was left standing (tie-break mode
    ``"all"``), every tied candidate is among the winners and ``tied`` is true.
    ``scores`` holds the rule's final score per candidate where it has one (Borda
    points, approval counts, final-round votes); ``details`` rule-specific extras
    (for example the pairwise margins a Condorcet method used).
    """

    rule: str
    candidates: tuple[str, ...]
    winners: tuple[str, ...]
    rounds: tuple[Round, ...] = ()
    ties: tuple[Tie, ...] = ()
    ballots: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)
    scores: Mapping[str, float] | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    tied: bool = False

    @property
    def winner(self) -> str | None:
        """The single winner, or ``None`` when there is not exactly one."""
        return self.winners[0] if len(self.winners) == 1 else None

    def with_rule(self, rule: str, options: Mapping[str, Any]) -> Outcome:
        return replace(self, rule=rule, options=dict(options))

    def withdrawn(self, names: Sequence[str]) -> Outcome:
        """The outcome of a count that left out the withdrawn candidates ``names``."""
        return replace(
            self,
            details={**self.details, "withdrawn": list(names)},
            warnings=(*self.warnings, "withdrawn before the count, not counted: " + ", ".join(names)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "options": dict(self.options),
            "candidates": list(self.candidates),
            "winners": list(self.winners),
            "tied": self.tied,
            "rounds": [r.to_dict() for r in self.rounds],
            "ties": [t.to_dict() for t in self.ties],
            "ballots": dict(self.ballots),
            "scores": None if self.scores is None else dict(self.scores),
            "details": dict(self.details),
            "warnings": list(self.warnings),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Stable JSON (see the module docstring for the contract)."""
        return json.dumps(to_jsonable(self.to_dict()), indent=indent, ensure_ascii=False, allow_nan=False)


@dataclass(frozen=True)
class BatchOutcome:
    """Winners of many elections counted at once (a rule's batch fast path).

    ``winners[e, c]`` is true when candidate ``c`` is among election ``e``'s winners
    (several when a tie was left standing, with ``tied[e]`` true); ``inactive_share[e]``
    is the share of ballots inactive, other than blank ones, when the count ended (rules
    with rounds). Elections that met a tie are counted by the rule's single-election path,
    so each row equals what ``tally.count`` gives for that election alone.
    """

    rule: str
    candidates: tuple[str, ...]
    winners: np.ndarray
    tied: np.ndarray
    inactive_share: np.ndarray | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def with_rule(self, rule: str, options: Mapping[str, Any]) -> BatchOutcome:
        return replace(self, rule=rule, options=dict(options))

    def winner_sets(self) -> list[tuple[str, ...]]:
        return [tuple(self.candidates[c] for c in np.flatnonzero(row)) for row in self.winners]


def _number(x: float) -> int | float | None:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if float(x).is_integer():
        return int(x)
    return round(float(x), 10)


def to_jsonable(value: Any) -> Any:
    """Plain JSON types with stable numbers (integral values as int, others to 10 dp)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return _number(float(value))
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, (frozenset, set)):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, Sequence):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "to_dict"):
        return to_jsonable(value.to_dict())
    raise TypeError(f"cannot serialise {type(value).__name__} in an outcome")
