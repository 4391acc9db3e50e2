"""Planning a risk-limiting audit of an IRV contest with RAIRE's assertions.

:func:`plan_irv_audit` reads the ballots as the count does, counts them under the
contest's IRV options, checks that the preference lists reproduce every round of that
count, searches for the assertions (:mod:`tally.audit.raire`), trims them to a minimal
set (:mod:`tally.audit.trim`) and estimates the sample sizes (:mod:`tally.audit.sample`).

Any single-winner IRV variant whose eliminations go one lowest candidate at a time can be
audited this way: the last candidate standing is the same whether the count stops at a
majority, at a majority of the first round's ballots, with two candidates left, or
eliminates hopeless candidates in a batch (a batch only removes candidates the
one-at-a-time count would remove next). A count decided by a tie-break cannot be.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..ballots import RankedBallots
from ..errors import AuditError, ConfigError
from ..options import Reading
from ..outcome import Outcome
from ..rules import count
from .assertions import Scored
from .preferences import Preferences, read_preferences
from .raire import MAX_CANDIDATES, Counts, find_assertions
from .sample import MEASURES, SampleSettings, contest_sample_size, difficulty, pair_sample_sizes
from .trim import Node, pruning_tree, tree_size, trim

__all__ = ["IrvAudit", "audits_as_irv", "plan_irv_audit"]

MEASURE_NAMES = {"margin": "OneOnMargin", "margin_squared": "OneOnMarginSq", "bravo": "BRAVO"}


def audits_as_irv(rule: str, options: Mapping[str, Any]) -> bool:
    """Whether a count is single-winner IRV, one lowest candidate out at a time (or a
    batch the one-at-a-time count would remove next): ``irv``, or RCTab's single-winner
    mode without a minimum vote or a stop after some round."""
    if rule == "irv":
        return True
    return (
        rule == "rctab"
        and options.get("mode") in (None, "single")
        and options.get("seats") in (None, 1)
        and not options.get("minimum_votes")
        and options.get("stop_after_round") is None
    )


@dataclass(frozen=True)
class IrvAudit:
    """RAIRE's assertions for a contest, their difficulties and the expected sample sizes."""

    candidates: tuple[str, ...]
    winner: int
    total: float
    measure: str
    settings: SampleSettings
    assertions: tuple[Scored, ...]
    minimal: bool = True
    suffixes_searched: int = 0

    def tree(self, limit: int = 5000) -> tuple[list[Node], bool]:
        """The elimination tree the assertions prune, up to ``limit`` suffixes, and whether
        that is all of it."""
        return pruning_tree(
            [s.assertion for s in self.assertions], self.winner, len(self.candidates), limit=limit
        )

    def tree_size(self) -> int:
        """How many suffixes the pruned elimination tree has."""
        return tree_size([s.assertion for s in self.assertions], self.winner, len(self.candidates))

    @property
    def margin(self) -> float:
        return min((s.margin for s in self.assertions), default=math.inf)

    @property
    def difficulty(self) -> float:
        return max((s.difficulty for s in self.assertions), default=0.0)

    def sample_sizes(self, scored: Scored) -> tuple[int | None, int | None]:
        """(ballot-level comparison, ballot polling) expected ballots for one assertion;
        ``None`` where the audit would be a full hand count."""
        return pair_sample_sizes(scored.winner_votes, scored.loser_votes, self.total, self.settings)

    def to_dict(self) -> dict[str, Any]:
        """The plan as JSON-ready data (candidates by name)."""
        names = self.candidates
        rows = []
        for s in self.assertions:
            comparison, polling = self.sample_sizes(s)
            rows.append(
                {
                    **s.assertion.to_dict(names),
                    "winner_votes": s.winner_votes,
                    "loser_votes": s.loser_votes,
                    "margin": s.margin,
                    "diluted_margin": s.margin / self.total,
                    "difficulty": s.difficulty,
                    "ballot_comparison": comparison,
                    "ballot_polling": polling,
                }
            )
        return {
            "kind": "irv",
            "winner": names[self.winner],
            "candidates": list(names),
            "ballots": self.total,
            "difficulty_measure": MEASURE_NAMES[self.measure],
            "assertions": rows,
            "margin": None if not self.assertions else self.margin,
            "diluted_margin": None if not self.assertions else self.margin / self.total,
            "difficulty": self.difficulty,
            "sample_size": {
                **self.settings.to_dict(),
                "ballot_comparison": contest_sample_size(r["ballot_comparison"] for r in rows),
                "ballot_polling": contest_sample_size(r["ballot_polling"] for r in rows),
            },
            "minimal": self.minimal,
            "suffixes_searched": self.suffixes_searched,
        }

    def to_raire(self) -> dict[str, Any]:
        """The plan in RAIRE's output JSON form (candidates by index)."""
        return {
            "metadata": {"candidates": list(self.candidates)},
            "solution": {
                "Ok": {
                    "assertions": [
                        {"assertion": s.assertion.to_raire(), "difficulty": s.difficulty, "margin": s.margin}
                        for s in self.assertions
                    ],
                    "difficulty": self.difficulty,
                    "margin": None if not self.assertions else self.margin,
                    "winner": self.winner,
                    "num_candidates": len(self.candidates),
                }
            },
        }


def plan_irv_audit(
    ballots: RankedBallots,
    options: Mapping[str, Any] | None = None,
    *,
    rule: str = "irv",
    winner: str | None = None,
    total: float | None = None,
    measure: str = "margin",
    settings: SampleSettings | None = None,
    outcome: Outcome | None = None,
) -> IrvAudit:
    """RAIRE's assertions for the IRV winner of ``ballots``, trimmed, with sample sizes.

    Parameters
    ----------
    ballots : RankedBallots
        The contest's ballots.
    options : mapping, optional
        The IRV options the contest is counted under (``overvote``, ``max_skipped``, ...).
    rule : str
        ``irv``, or ``rctab`` in its single-winner mode (see :func:`audits_as_irv`).
    winner : str, optional
        The reported winner; an error if it is not the winner of the count.
    total : float, optional
        Ballots the audit samples from (RAIRE's ``total_auditable_ballots``); by default
        every ballot read. Never fewer than the ballots read.
    measure : str
        What the search minimises: ``"margin"`` (RAIRE's OneOnMargin), ``"margin_squared"``
        or ``"bravo"``.
    settings : SampleSettings, optional
        Risk limit, gamma and error rates for the sample sizes (defaults as :class:`SampleSettings`).
    outcome : Outcome, optional
        The count, when the caller has it already.

    Returns
    -------
    IrvAudit

    Raises
    ------
    AuditError
        A tied count, a reported winner that is not the count's, preference lists that do
        not reproduce the count, or a winner no assertions can confirm.
    ConfigError
        An unknown measure or a total below the ballots read.

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"],
    ...     [["A", "B"]] * 4 + [["B", "C"]] * 3 + [["C", "B"]] * 2)
    >>> plan = plan_irv_audit(b)
    >>> plan.candidates[plan.winner], plan.margin, plan.difficulty
    ('B', 1.0, 9.0)
    """
    options = dict(options or {})
    settings = settings or SampleSettings()
    if measure not in MEASURES:
        raise ConfigError(f"unknown difficulty measure {measure!r}; choose one of {', '.join(MEASURES)}")
    prefs = read_preferences(ballots, Reading.from_options(options))
    if not audits_as_irv(rule, options):
        raise AuditError(f"a {rule} count with options {options} is not single-winner IRV")
    if prefs.n_candidates > MAX_CANDIDATES:  # said before the count, which can take long at that size
        raise AuditError(
            f"RAIRE's search here handles up to {MAX_CANDIDATES} candidates, not {prefs.n_candidates}"
        )
    if outcome is None:
        outcome = count(ballots, rule, **options)
    if outcome.tied or len(outcome.winners) != 1:
        raise AuditError(
            f"the IRV count is tied between {', '.join(outcome.winners)}: there is no reported winner to audit"
        )
    found = outcome.winners[0]
    if winner is not None and winner != found:
        raise AuditError(f"the reported winner {winner!r} is not the IRV winner of these ballots ({found})")
    counts = Counts(prefs)
    _check_rounds(prefs, counts, outcome)
    n = float(prefs.total if total is None else total)
    if n < prefs.total - 1e-9:
        raise ConfigError(
            f"the ballots to sample from ({n:g}) cannot be fewer than the ballots read ({prefs.total:g})"
        )
    w = prefs.candidates.index(found)

    def cost(winner_votes: float, loser_votes: float) -> float:
        return difficulty(measure, winner_votes, loser_votes, n, settings.risk_limit)

    result = find_assertions(prefs, w, cost, counts=counts)
    trimmed = trim(result.assertions, w, prefs.n_candidates)
    return IrvAudit(
        prefs.candidates, w, n, measure, settings, trimmed.assertions, trimmed.minimal, result.nodes
    )


def _check_rounds(prefs: Preferences, counts: Counts, outcome: Outcome) -> None:
    """The preference lists must give every round's tallies, or the assertions would be
    about other ballots than the ones counted."""
    index = {name: i for i, name in enumerate(prefs.candidates)}
    for r in outcome.rounds:
        members = 0
        for name in r.tally:
            members |= 1 << index[name]
        votes = counts.tallies(members)
        for name, value in r.tally.items():
            if not np.isclose(votes[index[name]], value, rtol=0, atol=1e-6):
                raise AuditError(
                    f"reading the ballots as preference lists gives {name} {votes[index[name]]:g} votes "
                    f"in round {r.number}, where the count has {value:g}; the audit cannot use this reading"
                )
