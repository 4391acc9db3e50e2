"""Procedures: how a contest is decided once its rule is known, and composite contests.

:func:`count` is how any :class:`~tally.contest.Contest` is counted: the Electoral
College through its one home (:mod:`tally.procedures.electoral_college`), every other
rule through the registry. :func:`result` is the overall result of area tallies (the
Electoral College, seats won area by area, or one contest whose votes are summed).

>>> from tally.contest import Contest
>>> from tally.ballots import RankedBallots
>>> b = RankedBallots.from_rankings(["A", "B"], [["A"], ["A"], ["B"]])
>>> count(Contest(b, "irv")).winners
('A',)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ballots import Tallies
from ..contest import Contest, is_electoral
from ..errors import ConfigError
from ..outcome import Outcome
from ..rules import count as count_rule
from . import electoral_college

__all__ = ["count", "electoral_college", "result", "seats_summary", "totals_summary"]


def count(contest: Contest) -> Outcome:
    """The outcome of ``contest`` under its rule and options.

    Parameters
    ----------
    contest:
        Any contest; an Electoral College contest is counted by
        :func:`tally.procedures.electoral_college.count` (the House decides when nobody
        has a majority and the contest's facts hold the delegations).

    Returns
    -------
    Outcome
        Saying which candidates were withdrawn before the count, when the contest's
        ``metadata["withdrawn"]`` names them (struck from its ballots as it was made).
    """
    if electoral_college.is_electoral_rule(contest.rule):
        return electoral_college.count(contest)
    outcome = count_rule(contest.ballots, contest.rule, **dict(contest.options))
    withdrawn = tuple(contest.metadata.get("withdrawn") or ())
    if withdrawn and "withdrawn" not in outcome.details:
        outcome = outcome.withdrawn(withdrawn)
    return outcome


def seats_summary(tallies: Tallies) -> dict[str, Any]:
    """First-past-the-post in every area of ``tallies`` (a House, a parliament), counted
    by the ``districts`` rule.

    ``{"seats": {party: n}, "winner": party with a majority of seats or None,
    "largest", "majority", "areas": [{"area", "winner", "seats", "votes"}], "warnings"}``;
    a tied area seats nobody and is listed with winner None.
    """
    outcome = count_rule(tallies, "districts")
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
    """The overall result of area tallies: the Electoral College summary for tallies with
    electoral votes, seats won area by area for tallies with a ``seats`` attribute (a
    chamber), otherwise one contest whose votes are summed over its areas.

    Raises
    ------
    ConfigError
        The contest holds ballots, not area tallies.
    """
    if is_electoral(contest.ballots):
        if not electoral_college.is_electoral_rule(contest.rule):
            contest = contest.with_rule(electoral_college.RULE, contest.options)
        return electoral_college.summary(contest)
    if isinstance(contest.ballots, Tallies):
        if "seats" in contest.ballots.attributes:
            return seats_summary(contest.ballots)
        return totals_summary(contest.ballots)
    raise ConfigError("an overall result by area needs area tallies")
