"""Risk-limiting audits: what to check, and how many ballots an audit is expected to need.

* IRV contests: RAIRE's assertions (:func:`plan_irv_audit`; Blom, Stuckey and Teague
  2019), found by branch and bound (:mod:`.raire`), trimmed to a minimal set
  (:mod:`.trim`), checked independently by :func:`verify`.
* Plurality and approval contests: SHANGRLA's pairwise assorters (:mod:`.plurality`).
* Sample sizes: ballot-level comparison (Kaplan-Markov) and ballot polling (BRAVO),
  :mod:`.sample`.

:func:`plan_audit` picks the method from the rule a contest is counted under.

>>> import tally
>>> from tally.audit import plan_audit
>>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
...     [["A", "B"]] * 4 + [["B", "C"]] * 3 + [["C", "B"]] * 2)
>>> plan_audit(b, "irv").to_dict()["winner"]
'B'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..ballots import Tallies
from ..errors import AuditError, TallyError
from ..rules import count, get_rule
from .assertions import Assertion, AssertionFile, Scored, read_assertions
from .irv import IrvAudit, audits_as_irv, plan_irv_audit
from .plurality import PairwiseAudit, plan_pairwise_audit
from .preferences import Preferences, read_preferences
from .sample import GAMMA, MEASURES, ErrorRates, SampleSettings, bravo_asn, comparison_sample_size
from .verify import Verification, verify

__all__ = [
    "GAMMA",
    "MEASURES",
    "AreaAudits",
    "Assertion",
    "AssertionFile",
    "ErrorRates",
    "IrvAudit",
    "PairwiseAudit",
    "Preferences",
    "SampleSettings",
    "Scored",
    "Verification",
    "audits_as_irv",
    "bravo_asn",
    "comparison_sample_size",
    "plan_audit",
    "plan_irv_audit",
    "plan_pairwise_audit",
    "read_assertions",
    "read_preferences",
    "verify",
]

AUDITABLE = ("plurality", "approval", "districts", "electoral_college")
"""Rules with pairwise plans; IRV counts are told by :func:`audits_as_irv`."""


@dataclass(frozen=True)
class AreaAudits:
    """One plurality audit per area of area tallies (each area its own contest)."""

    plans: tuple[tuple[str, PairwiseAudit | str], ...]

    def to_dict(self) -> dict[str, Any]:
        areas: list[dict[str, Any]] = []
        for area, plan in self.plans:
            areas.append(
                {"area": area, "error": plan} if isinstance(plan, str) else {"area": area, **plan.to_dict()}
            )
        sizes = [a["sample_size"] for a in areas if "sample_size" in a]
        return {
            "kind": "by_area",
            "areas": areas,
            "sample_size": {
                "ballot_comparison": sum(s["ballot_comparison"] or 0 for s in sizes),
                "ballot_polling": sum(s["ballot_polling"] or 0 for s in sizes),
                "full_hand_counts_comparison": sum(1 for s in sizes if s["ballot_comparison"] is None),
                "full_hand_counts_polling": sum(1 for s in sizes if s["ballot_polling"] is None),
                "not_auditable": sum(1 for a in areas if "error" in a),
            },
        }


def plan_audit(
    ballots: Any,
    rule: str,
    options: Mapping[str, Any] | None = None,
    *,
    winner: str | None = None,
    total: float | None = None,
    measure: str = "margin",
    settings: SampleSettings | None = None,
) -> IrvAudit | PairwiseAudit | AreaAudits:
    """An audit plan for a contest counted under ``rule`` with ``options``.

    Parameters
    ----------
    ballots : RankedBallots, ScoredBallots or Tallies
    rule : str
        The rule the contest is counted under: ``irv`` or RCTab's single-winner mode
        (RAIRE), ``plurality`` or ``approval`` (pairwise assorters); area tallies counted
        area by area (``districts``, ``electoral_college``) get one plurality plan per area.
    options : mapping, optional
        The rule's options.
    winner : str, optional
        The reported winner (IRV), checked against the count.
    total : float, optional
        Ballots the audit samples from, when more than the ballots (votes) read.
    measure : str
        What RAIRE minimises (IRV only): ``margin``, ``margin_squared`` or ``bravo``.
    settings : SampleSettings, optional
        Risk limit, gamma and error rates (defaults: 5 %, :data:`GAMMA`, :class:`ErrorRates`).

    Returns
    -------
    IrvAudit, PairwiseAudit or AreaAudits

    Raises
    ------
    AuditError
        A rule tally has no audit method for, a tie, or a winner assertions cannot confirm.
    """
    settings = settings or SampleSettings()
    options = {k: v for k, v in (options or {}).items() if not (k == "seats" and v in (None, 1))}
    name = get_rule(rule).name
    if audits_as_irv(name, options):
        return plan_irv_audit(
            ballots, options, rule=name, winner=winner, total=total, measure=measure, settings=settings
        )
    if name not in AUDITABLE:
        seats = options.get("seats")
        for_seats = f" for {seats} seats" if seats else ""
        hint = (
            " (pass --rule irv to audit the IRV winner of these ballots)" if ballots.kind == "ranked" else ""
        )
        raise AuditError(
            f"the contest is counted by {name}{for_seats}; tally plans risk-limiting audits for "
            f"single-winner IRV (RAIRE), plurality and approval contests{hint}"
        )
    if isinstance(ballots, Tallies) and name != "plurality":
        return _by_area(ballots, settings)
    outcome = count(ballots, name, **options)
    if outcome.tied:
        raise AuditError(f"the {name} count is tied between {', '.join(outcome.winners)}: nothing to audit")
    scores = outcome.scores or {}
    votes = [float(scores.get(c, 0.0)) for c in ballots.candidates]
    read = float(outcome.ballots.get("read", ballots.total)) if outcome.ballots else float(ballots.total)
    kind = "approval" if name == "approval" else "plurality"
    return plan_pairwise_audit(kind, ballots.candidates, votes, outcome.winners, total or read, settings)


def _by_area(tallies: Tallies, settings: SampleSettings) -> AreaAudits:
    plans: list[tuple[str, PairwiseAudit | str]] = []
    for area, row in zip(tallies.areas, tallies.votes, strict=True):
        # the candidates of this area: those with votes here (a party standing elsewhere is not one)
        standing = [i for i in range(len(row)) if row[i] > 0]
        names = [tallies.candidates[i] for i in standing]
        votes = [float(row[i]) for i in standing]
        try:
            if not standing:
                raise AuditError("no votes in this area")
            leader = max(range(len(votes)), key=lambda k: votes[k])
            plan = plan_pairwise_audit("plurality", names, votes, [names[leader]], float(row.sum()), settings)
        except TallyError as exc:
            plans.append((area, str(exc)))
            continue
        plans.append((area, plan))
    return AreaAudits(tuple(plans))
