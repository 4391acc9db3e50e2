"""Single-member districts: each area elects its own member(s) by plurality.

A House of Commons or a US House election is not one plurality contest on votes summed
over the country: it is one contest per constituency, and what decides who governs is the
number of seats each party wins. This rule counts every area on its own and reports
seats per party, with each area's winner, margin and votes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker
from . import rule
from ._allocation import district_seats

__all__ = ["area_winner", "districts"]


def area_winner(
    votes: np.ndarray,
    eligible: np.ndarray,
    breaker: TieBreaker,
    *,
    label: str,
    round: int | None,
    standing: str,
) -> tuple[int | None, tuple[int, ...]]:
    """The plurality winner of one area, and the columns tied for the most votes.

    Columns where ``eligible`` is false (lumped "Other" votes) cannot win. An area where
    no eligible column has a vote has no winner and no tie. A tie goes to ``breaker``;
    under mode ``all`` it is recorded as left standing (``standing`` says what that
    means for the area) and the winner is ``None``.
    """
    masked = np.where(eligible, votes, -1.0)
    top = masked.max() if masked.size else 0.0
    if top <= 0:
        return None, ()
    tied = tuple(int(i) for i in np.flatnonzero(masked == top))
    if len(tied) == 1:
        return tied[0], tied
    if breaker.mode == "all":
        names = tuple(breaker.candidates[i] for i in tied)
        breaker.record(
            Tie(round=round, purpose=f"winner in {label}", tied=names, mode="all", chosen=(), detail=standing)
        )
        return None, tied
    return breaker.pick(list(tied), purpose=f"winner in {label}", round=round, lowest=False), tied


def _nonzero(cands: Sequence[str], row: np.ndarray) -> dict[str, float]:
    return {c: float(v) for c, v in zip(cands, row) if v}


@rule(
    "districts",
    aliases=("fptp_seats", "single_member_districts"),
    kinds=("tallies",),
    family="composite",
    reference=(
        "Cox, G. W. (1997). Making Votes Count. Cambridge University Press; "
        "Parliamentary Constituencies Act 1986 (UK); 2 U.S.C. §2c (single-member House districts)."
    ),
)
def districts(tallies: Tallies, *, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """First-past-the-post in every area: seats per party.

    Each area (a constituency, a congressional district) gives its ``seats`` attribute
    (1 when the tallies have none) to the column with the most votes there. Columns listed
    in ``metadata["pseudo_candidates"]`` (votes of several candidates lumped together) do
    not win seats. A tie for an area's most votes is settled by ``tiebreak``; under
    ``"all"`` (the default) it is left standing: the area's seats are not allocated and
    the tie is reported. An area with no votes, or votes only in lumped columns,
    allocates nothing and is reported too.

    Parameters
    ----------
    tallies : Tallies
        Votes by area (rows) and party or candidate (columns), with an optional
        ``seats`` attribute per area.
    tiebreak : str
        ``"all"`` (default: a tied area is left unallocated and reported), ``"order"``,
        ``"previous_round"`` or ``"random"`` (with ``seed``).
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        ``winners`` the parties that won seats, most seats first; ``scores`` the seats per
        party; round 1 the votes summed over all areas (for reference: they decide
        nothing), round 2 the seats. ``details`` hold ``seats``, ``seats_total``,
        ``majority``, ``majority_party``, ``unallocated``, ``areas`` (each area's
        ``winner``, ``seats``, ``margin`` over the runner-up, ``tied`` and ``votes``),
        ``tied_areas``, ``no_votes`` and ``lumped_only`` (areas whose only votes are
        lumped).

    Raises
    ------
    ConfigError
        For an area whose ``seats`` is not a whole number of at least 1.

    Examples
    --------
    >>> import numpy as np, tally
    >>> t = tally.Tallies(("d1", "d2", "d3"), ("A", "B"), np.array([[5., 3], [2, 4], [6, 1]]))
    >>> o = tally.count(t, "districts")
    >>> o.winners, o.details["seats"]
    (('A', 'B'), {'A': 2, 'B': 1})

    References
    ----------
    Cox, G. W. (1997). Making Votes Count. Cambridge University Press.

    Parliamentary Constituencies Act 1986 (UK); 2 U.S.C. §2c (single-member House
    districts).
    """
    breaker = TieBreaker(tiebreak, tallies.candidates, seed=seed)
    cands = tuple(tallies.candidates)
    pseudo = set(tallies.metadata.get("pseudo_candidates", ()))
    eligible = np.array([c not in pseudo for c in cands], dtype=bool)
    count = _count_areas(tallies, eligible, breaker)
    won = count.won
    order = sorted((j for j in range(len(cands)) if won[j]), key=lambda j: (-won[j], j))
    winners = tuple(cands[j] for j in order)
    seats = {c: int(won[j]) for j, c in enumerate(cands)}
    majority = count.total_seats // 2 + 1
    majority_party = next((cands[j] for j in order if won[j] >= majority), None)
    national = tallies.votes.sum(axis=0)
    read = float(national.sum())
    details = {
        "seats": seats,
        "seats_total": count.total_seats,
        "majority": majority,
        "majority_party": majority_party,
        "unallocated": count.unallocated,
        "votes": _nonzero(cands, national),
        "areas": count.areas,
        "tied_areas": count.tied_areas,
        "no_votes": count.no_votes,
        "lumped_only": count.lumped_only,
    }
    return Outcome(
        rule="",
        candidates=cands,
        winners=winners,
        rounds=_rounds(cands, national, seats, winners),
        ties=tuple(breaker.ties),
        ballots={"read": read, "continuing": read, "inactive": {}},
        scores={c: float(n) for c, n in seats.items()},
        details=details,
        warnings=_warnings(count, breaker.mode, sorted(pseudo)),
        tied=any(t.mode == "all" for t in breaker.ties),
    )


def _rounds(
    cands: tuple[str, ...], national: np.ndarray, seats: dict[str, int], winners: tuple[str, ...]
) -> tuple[Round, Round]:
    """Round 1 the votes over all areas (for reference), round 2 the seats."""
    read = float(national.sum())
    return (
        Round(
            number=1,
            tally={c: float(v) for c, v in zip(cands, national)},
            continuing=read,
            inactive={},
            note="votes summed over all areas (for reference: seats are won area by area)",
        ),
        Round(
            number=2,
            tally={c: float(n) for c, n in seats.items()},
            elected=winners,
            continuing=read,
            inactive={},
            note="seats won by plurality in each area",
        ),
    )


@dataclass
class _AreaCount:
    """Seats won area by area, and the areas that allocate nothing or need a word."""

    won: np.ndarray
    total_seats: int = 0
    unallocated: int = 0
    areas: list[dict[str, Any]] = field(default_factory=list)
    tied_areas: list[dict[str, Any]] = field(default_factory=list)
    no_votes: list[str] = field(default_factory=list)
    lumped_only: list[str] = field(default_factory=list)
    lumped: list[str] = field(default_factory=list)


def _count_areas(tallies: Tallies, eligible: np.ndarray, breaker: TieBreaker) -> _AreaCount:
    """Every area's seats to its plurality winner among the eligible columns."""
    cands = tuple(tallies.candidates)
    seats_attr = tallies.attributes.get("seats", (1,) * len(tallies.areas))
    count = _AreaCount(won=np.zeros(len(cands), dtype=np.int64))
    for i, area in enumerate(tallies.areas):
        row = tallies.votes[i]
        n = district_seats(seats_attr[i], area)
        count.total_seats += n
        winner, tied = area_winner(
            row,
            eligible,
            breaker,
            label=area,
            round=2,
            standing="tie left standing; the seat is not allocated",
        )
        ranked = np.sort(row[eligible])[::-1]
        margin = (
            float(ranked[0] - ranked[1]) if ranked.size > 1 else (float(ranked[0]) if ranked.size else 0.0)
        )
        if not tied:
            (count.lumped_only if row.any() else count.no_votes).append(area)
        if len(tied) > 1:
            count.tied_areas.append(
                {
                    "area": area,
                    "tied": [cands[j] for j in tied],
                    "seats": n,
                    "chosen": None if winner is None else cands[winner],
                }
            )
        if winner is None:
            count.unallocated += n
        else:
            count.won[winner] += n
            if np.any(row[~eligible] > row[winner]):
                count.lumped.append(area)
        count.areas.append(
            {
                "area": area,
                "winner": None if winner is None else cands[winner],
                "seats": n,
                "margin": margin if tied else None,
                "tied": [cands[j] for j in tied] if len(tied) > 1 else [],
                "votes": _nonzero(cands, row),
            }
        )
    return count


def _warnings(count: _AreaCount, mode: str, pseudo: list[str]) -> tuple[str, ...]:
    """What the reader must know: seats left unallocated, lumped votes that may hide a winner."""
    warnings: list[str] = []
    if count.tied_areas and mode == "all":
        warnings.append(
            f"{len(count.tied_areas)} area(s) tied for the most votes, their seats not allocated: "
            + "; ".join(f"{t['area']} ({', '.join(t['tied'])})" for t in count.tied_areas)
        )
    if count.no_votes:
        warnings.append(
            f"{len(count.no_votes)} area(s) report no votes, their seats not allocated: {', '.join(count.no_votes)}"
        )
    if count.lumped_only:
        warnings.append(
            f"{len(count.lumped_only)} area(s) have votes only in lumped columns ({', '.join(pseudo)}), "
            f"their seats not allocated: {', '.join(count.lumped_only)}"
        )
    if count.lumped:
        warnings.append(
            f"in {', '.join(count.lumped)} a column of lumped votes ({', '.join(pseudo)}) has more "
            "votes than the winner; one of the candidates in it may have won instead"
        )
    return tuple(warnings)
