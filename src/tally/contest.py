"""The contest noun: ballots or tallies, the rule that counts them, its options, metadata.

A :class:`Contest` is what the analyses take: they change the ballots (remove a
candidate, move votes) and count again under the same rule and options. A composite
contest such as the Electoral College is a contest on area tallies whose
:attr:`Contest.parts` are one plurality contest per area.

>>> from tally.contest import Contest
>>> c = Contest.from_source("us-president-2000")
>>> c.rule, c.summary()["winner"]
('electoral_college', 'BUSH, GEORGE W.')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .ballots import Tallies
from .errors import ConfigError
from .outcome import Outcome
from .rules import count

__all__ = ["Contest", "is_electoral", "result", "seats_summary", "summary", "totals_summary"]


def is_electoral(ballots: Any) -> bool:
    """Whether ``ballots`` are area tallies carrying electoral votes."""
    return isinstance(ballots, Tallies) and "electoral_votes" in ballots.attributes


@dataclass(frozen=True)
class Contest:
    """Ballots (or tallies) with the rule and options that decide them."""

    ballots: Any
    rule: str = "plurality"
    options: Mapping[str, Any] = field(default_factory=dict)
    metadata: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_source(cls, source: str, *, rule: str | None = None, **options: Any) -> Contest:
        """The contest of a file path or bundled dataset id.

        Tallies with electoral votes are counted by the Electoral College, other ballots by
        ``rule`` (default plurality, or the dataset's own rule in its metadata).
        """
        from .data import resolve

        ballots = resolve(source)
        meta = dict(getattr(ballots, "metadata", None) or {})
        if rule is None:
            rule = "electoral_college" if is_electoral(ballots) else (meta.get("rule") or "plurality")
        meta.setdefault("source", source)
        return cls(ballots=ballots, rule=rule, options=options, metadata=meta)

    def with_ballots(self, ballots: Any) -> Contest:
        """The same contest (rule, options) on other ballots: a scenario's changed votes."""
        return replace(self, ballots=ballots)

    def with_options(self, **options: Any) -> Contest:
        """The same contest with ``options`` added to (or replacing) the rule's options."""
        return replace(self, options={**self.options, **options})

    def count(self) -> Outcome:
        """The outcome under the contest's rule; an Electoral College without a majority
        is sent to the House, using the House data of that year where tally ships it."""
        options = dict(self.options)
        if self.rule in ("electoral_college", "ec", "electoral") and options.get("delegations") is None:
            outcome = count(self.ballots, self.rule, **options)
            if outcome.details.get("contingent") is None:
                return outcome
            delegations = _delegations(self.ballots)
            if delegations is None:
                return outcome
            options["delegations"] = delegations
        return count(self.ballots, self.rule, **options)

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

    def summary(self) -> dict[str, Any]:
        """The Electoral College summary of the count (see :func:`summary`)."""
        return summary(self.count())


def _delegations(ballots: Tallies) -> dict[str, dict[str, int]] | None:
    from .data import us

    year = ballots.metadata.get("year")
    if year in us.HOUSE_YEARS:
        return us.house_delegations(year)
    return None


def summary(outcome: Outcome) -> dict[str, Any]:
    """The ``tally ec`` JSON shape of an Electoral College outcome.

    ``{"electoral_votes": {candidate: n}, "winner", "areas": [{"area", "winner",
    "electoral_votes", "votes"}], "majority", "contingent", "faithless", "warnings"}``
    """
    d = outcome.details
    if "electoral_votes" not in d:
        raise ConfigError(f"not an Electoral College outcome (rule {outcome.rule!r})")
    return {
        "electoral_votes": dict(d["electoral_votes"]),
        "winner": outcome.winner,
        "majority": d["majority"],
        "allocation": d["allocation"],
        "popular_vote": dict(d["popular_vote"]),
        "areas": [
            {
                "area": a["area"],
                "winner": a["winner"],
                "electoral_votes": a["electoral_votes"],
                "votes": dict(a["votes"]),
                "electors": dict(a["electors"]),
                "source": a.get("source"),
            }
            for a in d["areas"]
        ],
        "faithless": list(d["faithless"]),
        "contingent": d["contingent"],
        "warnings": list(outcome.warnings),
    }


def seats_summary(tallies: Tallies) -> dict[str, Any]:
    """First-past-the-post in every area of ``tallies`` (a House, a parliament), counted
    by the ``districts`` rule.

    ``{"seats": {party: n}, "winner": party with a majority of seats or None,
    "largest", "majority", "areas": [{"area", "winner", "seats", "votes"}], "warnings"}``;
    a tied area seats nobody and is listed with winner None.
    """
    outcome = count(tallies, "districts")
    d = outcome.details
    ranked = sorted(((p, n) for p, n in d["seats"].items() if n), key=lambda kv: (-kv[1], kv[0]))
    return {
        "seats": dict(ranked),
        "winner": d["majority_party"],
        "largest": ranked[0][0] if ranked else None,
        "majority": d["majority"],
        "areas": [{k: a[k] for k in ("area", "winner", "seats", "votes")} for a in d["areas"]],
        "warnings": list(outcome.warnings),
    }


def totals_summary(tallies: Tallies) -> dict[str, Any]:
    """One contest reported by area (Florida 2000 by county): the plurality winner of the
    summed votes, and each area's leader for reference.

    ``{"votes": {candidate: n}, "winner", "margin", "areas": [{"area", "winner", "votes"}]}``
    """
    totals = tallies.totals()
    order = np.argsort(-totals, kind="stable")
    tied = len(order) > 1 and totals[order[0]] == totals[order[1]]
    areas = []
    for i, area in enumerate(tallies.areas):
        row = tallies.votes[i]
        top = np.flatnonzero(row == row.max())
        areas.append(
            {
                "area": area,
                "winner": tallies.candidates[int(top[0])] if len(top) == 1 and row.max() > 0 else None,
                "votes": {c: float(v) for c, v in zip(tallies.candidates, row) if v},
            }
        )
    return {
        "votes": {tallies.candidates[int(j)]: float(totals[j]) for j in order if totals[j]},
        "winner": None if tied or not len(order) else tallies.candidates[int(order[0])],
        "margin": float(totals[order[0]] - totals[order[1]]) if len(order) > 1 else float(totals.sum()),
        "areas": areas,
        "warnings": [],
    }


def result(contest: Contest) -> dict[str, Any]:
    """The overall result: the Electoral College summary for tallies with electoral
    votes, seats won area by area for tallies with a ``seats`` attribute (a chamber),
    otherwise one contest whose votes are summed over its areas."""
    if is_electoral(contest.ballots):
        return summary(contest.count())
    if isinstance(contest.ballots, Tallies):
        if "seats" in contest.ballots.attributes:
            return seats_summary(contest.ballots)
        return totals_summary(contest.ballots)
    raise ConfigError("an overall result by area needs area tallies")
