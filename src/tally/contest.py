"""The contest noun: ballots or tallies, the rules they were officially counted under, metadata.

A :class:`Contest` is what the interfaces count and the analyses take. It holds the rule
and options it is to be counted with (:attr:`Contest.rule`, :attr:`Contest.options`) and,
apart from them, the rules under which it was *officially* counted and where those came
from (:attr:`Contest.official`, a :class:`CountingRules`): a bundled dataset's facts, an
RCTab config, the catalogue of a store import, a sidecar file. When a user asks for
another rule the contest is counted that way, and the official rules stay beside it so
every output can say which rules it shows.

A contest is a value: counting it is done above this layer (:func:`tally.procedures.count`),
and finding one from a SOURCE is :func:`tally.data.resolve_contest`.

>>> import numpy as np
>>> from tally.ballots import Tallies
>>> t = Tallies(("A", "B"), ("X", "Y"), np.array([[5.0, 3.0], [2.0, 4.0]]))
>>> c = Contest(t, "plurality", official=CountingRules("plurality", origin="a test"))
>>> c.overridden, c.with_rule("borda").overridden
(False, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .ballots import Tallies

__all__ = ["Contest", "CountingRules", "is_electoral"]


def is_electoral(ballots: Any) -> bool:
    """Whether ``ballots`` are area tallies carrying electoral votes."""
    return isinstance(ballots, Tallies) and "electoral_votes" in ballots.attributes


@dataclass(frozen=True)
class CountingRules:
    """A rule, its options, and where they come from.

    ``origin`` says in plain words where the rules were found ("RCTab config
    maine_config.json", "the facts of dataset maine-2018-cd2", ...). ``seats`` is the
    number of seats the contest fills when the source says (it is also among the
    options when the rule takes seats; another multi-winner rule fills as many).
    """

    rule: str
    options: Mapping[str, Any] = field(default_factory=dict)
    origin: str = ""
    seats: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"rule", "options", "origin", "seats"}``, JSON-ready."""
        return {"rule": self.rule, "options": dict(self.options), "origin": self.origin, "seats": self.seats}


@dataclass(frozen=True)
class Contest:
    """Ballots (or tallies) with the rule and options that decide them.

    ``official`` holds the rules the contest was officially counted under, when the source
    states them (None when it does not). ``facts`` holds what a procedure needs beyond
    the ballots, handed over by the data layer (for the Electoral College: the House
    delegations that decide a contingent election).
    """

    ballots: Any
    rule: str = "plurality"
    options: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    official: CountingRules | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def overridden(self) -> bool:
        """Whether the contest is counted otherwise than under its official rules (True
        when it has none)."""
        o = self.official
        return o is None or (o.rule, dict(o.options)) != (self.rule, dict(self.options))

    def with_ballots(self, ballots: Any) -> Contest:
        """The same contest (rule, options, official rules) on other ballots: a scenario's
        changed votes."""
        return replace(self, ballots=ballots)

    def with_options(self, **options: Any) -> Contest:
        """The same contest with ``options`` added to (or replacing) the rule's options."""
        return replace(self, options={**self.options, **options})

    def with_rule(self, rule: str, options: Mapping[str, Any] | None = None) -> Contest:
        """The contest counted under ``rule`` with ``options`` (default none); the
        official rules stay as they are."""
        return replace(self, rule=rule, options=dict(options or {}))

    @property
    def parts(self) -> tuple[Contest, ...]:
        """One plurality contest per area of composite tallies (empty for plain ballots)."""
        if not isinstance(self.ballots, Tallies):
            return ()
        t = self.ballots
        out = []
        for i, area in enumerate(t.areas):
            one = Tallies(
                (area,),
                t.candidates,
                t.votes[i : i + 1].copy(),
                attributes={k: (v[i],) for k, v in t.attributes.items()},
                parties=t.parties,
                source=t.source,
                title=f"{t.title or 'contest'}: {area}",
            )
            out.append(Contest(one, "plurality", {}, {"area": area}))
        return tuple(out)
