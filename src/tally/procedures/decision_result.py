"""What a decision on a motion is made on and what it reports: the vote, each check, the result.

:class:`Vote` holds the counts, :class:`Check` one condition with its numbers (what was
needed, how far the vote was from it), :class:`Decision` the result with its margins;
each writes itself as the JSON ``tally decide`` prints. How the checks are made is
:mod:`tally.procedures.decision_checks`; the rules and options,
:func:`tally.procedures.decision.decide`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .. import headlines

__all__ = ["Check", "Decision", "Vote", "fraction_text", "percent"]


@dataclass(frozen=True)
class Vote:
    """The counts a decision is made on."""

    yes: int
    no: int
    abstain: int = 0
    blocks: int = 0
    eligible: int | None = None

    @property
    def cast(self) -> int:
        """Votes cast: yes + no (abstentions and blocks are not votes cast)."""
        return self.yes + self.no

    @property
    def present(self) -> int:
        """Members taking part: yes + no + abstain + blocks."""
        return self.yes + self.no + self.abstain + self.blocks

    def base(self, name: str) -> int | None:
        return {"cast": self.cast, "present": self.present, "eligible": self.eligible}[name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "blocks": self.blocks,
            "eligible": self.eligible,
            "cast": self.cast,
            "present": self.present,
        }


@dataclass(frozen=True)
class Check:
    """One condition: ``value`` compared with ``share`` of ``base`` (or with a count).

    ``needed`` is the smallest whole ``value`` that meets the condition at the present
    base; ``short_by`` is ``needed - value`` when unmet (None when no value can meet it,
    e.g. a base of zero).
    """

    name: str
    text: str
    met: bool
    value: int
    value_of: str
    comparison: str
    share: Fraction | None = None
    base_of: str | None = None
    base: int | None = None
    needed: int | None = None
    count: int | None = None

    @property
    def short_by(self) -> int | None:
        """How far the value is from meeting the condition (0 when met)."""
        if self.met:
            return 0
        if self.comparison == "less_than" and self.count is not None:
            return self.value - self.count + 1
        return None if self.needed is None else self.needed - self.value

    def to_dict(self) -> dict[str, Any]:
        actual = None
        if self.share is not None and self.base:
            actual = Fraction(self.value, self.base)
        return {
            "check": self.name,
            "text": self.text,
            "met": self.met,
            "value": self.value,
            "value_of": self.value_of,
            "comparison": self.comparison.replace("_", " "),
            "share": fraction_text(self.share),
            "share_percent": percent(self.share),
            "base_of": self.base_of,
            "base": self.base,
            "count": self.count,
            "actual_share": fraction_text(actual),
            "actual_percent": percent(actual),
            "needed": self.needed,
            "short_by": self.short_by,
            "required": self._required_text(),
            "actual": self._actual_text(actual),
        }

    def _required_text(self) -> str:
        if self.comparison == "less_than":
            return f"fewer than {self.count}"
        word = "at least" if self.comparison == "at_least" else "more than"
        if self.share is None:
            return f"{word} {self.count}"
        return (
            f"{word} {fraction_text(self.share)} of {self.base} {self.base_of} (needs {self.needed})"
            if self.needed is not None
            else f"{word} {fraction_text(self.share)} of {self.base} {self.base_of}"
        )

    def _actual_text(self, actual: Fraction | None) -> str:
        if actual is None:
            return str(self.value)
        return f"{self.value} ({percent(actual):g} %)"


@dataclass(frozen=True)
class Decision:
    """Whether the motion passed, every check with its numbers, and the margins.

    ``margin`` maps a way of changing the vote to the fewest voters who would have to
    act that way to reverse the result (None: no number of them can).
    """

    passed: bool
    rule: str
    vote: Vote
    checks: tuple[Check, ...]
    options: dict[str, Any] = field(default_factory=dict)
    margin: dict[str, int | None] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "passed": self.passed,
            "result": "passed" if self.passed else "failed",
            "rule": self.rule,
            "options": dict(self.options),
            "counts": self.vote.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "margin": dict(self.margin),
            "notes": list(self.notes),
        }
        return {**out, "headline": headlines.decide(out)}


def fraction_text(x: Fraction | None) -> str | None:
    """A share as written in the report: ``"2/3"``, ``"1"`` (None stays None)."""
    if x is None:
        return None
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def percent(x: Fraction | None) -> float | None:
    """A share in per cent, to four places, for display (None stays None)."""
    # Rounded for display only; decisions use the exact fraction.
    return None if x is None else round(float(x * 100), 4)
