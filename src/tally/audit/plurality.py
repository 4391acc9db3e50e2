"""Audit plans for plurality and approval contests, in SHANGRLA's assorter form.

A plurality or approval outcome is right when every reported winner ``w`` has more votes
than every reported loser ``l``. SHANGRLA (Stark 2020, section 2.1) audits each such pair
with the assorter ``a(b) = (b_w - b_l + 1) / 2`` (``b_c`` is 1 when ballot ``b`` votes
for, or approves, ``c``), whose mean over all ``N`` ballots exceeds 1/2 exactly when
``w`` beats ``l``. Its upper bound is 1 and its margin ``2 mean - 1`` is the diluted margin
``(votes_w - votes_l) / N``, so the same sample-size estimates apply as to an IRV
assertion (:mod:`tally.audit.sample`): the contest needs what its closest pair needs.

References
----------
Stark, P. B. (2020). Sets of half-average nulls generate risk-limiting audits: SHANGRLA.
Financial Cryptography 2020, LNCS 12063, 319-336. arXiv:1911.10035.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import AuditError, ConfigError
from .sample import SampleSettings, contest_sample_size, pair_sample_sizes

__all__ = ["PairwiseAudit", "plan_pairwise_audit"]

ASSORTER = "SHANGRLA pairwise assorter (b_w - b_l + 1) / 2, upper bound 1"


@dataclass(frozen=True)
class Pair:
    winner: int
    loser: int
    winner_votes: float
    loser_votes: float

    @property
    def margin(self) -> float:
        return self.winner_votes - self.loser_votes


@dataclass(frozen=True)
class PairwiseAudit:
    """The winner-loser pairs of a plurality or approval contest, with sample sizes."""

    kind: str
    candidates: tuple[str, ...]
    winners: tuple[int, ...]
    total: float
    settings: SampleSettings
    pairs: tuple[Pair, ...]

    @property
    def margin(self) -> float | None:
        return min((p.margin for p in self.pairs), default=None)

    def sample_sizes(self, pair: Pair) -> tuple[int | None, int | None]:
        return pair_sample_sizes(pair.winner_votes, pair.loser_votes, self.total, self.settings)

    def to_dict(self) -> dict[str, Any]:
        names = self.candidates
        rows: list[dict[str, Any]] = []
        for p in self.pairs:
            comparison, polling = self.sample_sizes(p)
            rows.append(
                {
                    "type": self.kind,
                    "winner": names[p.winner],
                    "loser": names[p.loser],
                    "continuing": None,
                    "winner_votes": p.winner_votes,
                    "loser_votes": p.loser_votes,
                    "margin": p.margin,
                    "diluted_margin": p.margin / self.total,
                    "difficulty": self.total / p.margin,
                    "ballot_comparison": comparison,
                    "ballot_polling": polling,
                }
            )
        margin = self.margin
        return {
            "kind": self.kind,
            "winners": [names[w] for w in self.winners],
            "winner": names[self.winners[0]] if len(self.winners) == 1 else None,
            "candidates": list(names),
            "ballots": self.total,
            "assorter": ASSORTER,
            "difficulty_measure": "OneOnMargin",
            "assertions": rows,
            "margin": margin,
            "diluted_margin": None if margin is None else margin / self.total,
            "difficulty": max((r["difficulty"] for r in rows), default=0.0),
            "sample_size": {
                **self.settings.to_dict(),
                "ballot_comparison": contest_sample_size(r["ballot_comparison"] for r in rows),
                "ballot_polling": contest_sample_size(r["ballot_polling"] for r in rows),
            },
        }


def plan_pairwise_audit(
    kind: str,
    candidates: Sequence[str],
    votes: Sequence[float],
    winners: Sequence[str],
    total: float,
    settings: SampleSettings | None = None,
) -> PairwiseAudit:
    """Every (reported winner, reported loser) assertion of a plurality or approval contest.

    Parameters
    ----------
    kind : str
        ``"plurality"`` or ``"approval"`` (what a ballot's vote for a candidate means).
    candidates : sequence of str
    votes : sequence of float
        Each candidate's votes (approvals).
    winners : sequence of str
        The reported winners.
    total : float
        Ballots the audit samples from, including ballots that vote for nobody.
    settings : SampleSettings, optional

    Returns
    -------
    PairwiseAudit

    Raises
    ------
    AuditError
        A reported winner without more votes than some reported loser (a tie cannot be
        confirmed by sampling).
    ConfigError
        ``total`` below a candidate's votes.

    Examples
    --------
    >>> plan = plan_pairwise_audit("plurality", ["A", "B", "C"], [50, 30, 10], ["A"], 100)
    >>> plan.margin, plan.to_dict()["difficulty"]
    (20.0, 5.0)
    """
    settings = settings or SampleSettings()
    names = tuple(candidates)
    index = {n: i for i, n in enumerate(names)}
    chosen = tuple(index[w] for w in winners)
    if total <= 0 or total < max(votes, default=0):
        raise ConfigError(f"the ballots to sample from ({total:g}) must cover every candidate's votes")
    pairs = []
    for w in chosen:
        for lo in range(len(names)):
            if lo in chosen:
                continue
            if votes[w] <= votes[lo]:
                raise AuditError(
                    f"{names[w]} ({votes[w]:g}) does not lead {names[lo]} ({votes[lo]:g}): "
                    "a tie cannot be confirmed by an audit"
                )
            pairs.append(Pair(w, lo, float(votes[w]), float(votes[lo])))
    return PairwiseAudit(kind, names, chosen, float(total), settings, tuple(pairs))
