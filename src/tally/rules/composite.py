"""Composite rules: a result made of many area results, such as the Electoral College."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..errors import ConfigError, RuleError
from ..names import surname
from ..outcome import Outcome, Round
from ..ties import TieBreaker, check_tiebreak
from . import count, rule
from .districts import _nonzero, area_winner

__all__ = ["ALLOCATIONS", "ROUNDINGS", "Unit", "apportion", "district_tallies", "electoral_college", "units"]

ALLOCATIONS = ("wta", "statewide", "district", "proportional", "popular")
ROUNDINGS = ("hamilton", "dhondt", "sainte_lague", "exact")


@dataclass(frozen=True)
class Unit:
    """A set of electors chosen by one vote count: a state, its at-large pair, or a district."""

    area: str
    state: str
    electoral_votes: int
    votes: np.ndarray
    source: str | None = None  # the data rows the votes came from, when the tallies say


def district_tallies(tallies: Tallies) -> Tallies | None:
    """The congressional-district tallies that come with state tallies (Maine, Nebraska),
    in ``metadata["districts"]``, if any."""
    value = tallies.metadata.get("districts")
    return value if isinstance(value, Tallies) else None


def units(tallies: Tallies, allocation: str = "wta") -> tuple[list[Unit], list[str]]:
    """The units electors are chosen by under ``allocation``, and warnings.

    ``wta`` follows state law: winner-take-all, except that states listed in
    ``metadata["district_method"]`` give two electors to the statewide winner and one to
    each district's winner when the data have the district results. ``statewide`` is
    winner-take-all everywhere, ``district`` the district method wherever the data have
    district results. Other allocations use whole states.
    """
    if "electoral_votes" not in tallies.attributes:
        raise RuleError("the Electoral College needs an area attribute 'electoral_votes'")
    ev = tallies.attributes["electoral_votes"]
    dist = district_tallies(tallies)
    by_state: dict[str, list[int]] = {}
    if dist is not None:
        if tuple(dist.candidates) != tuple(tallies.candidates):
            raise RuleError("district tallies must have the same candidates as the state tallies")
        for j, state in enumerate(dist.attributes["state"]):
            by_state.setdefault(state, []).append(j)
    split: set[str] = set()
    warnings: list[str] = []
    law = dict(tallies.metadata.get("district_method", {}))
    if allocation == "wta":
        split = {s for s in law if s in by_state}
        missing = sorted(s for s in law if s not in by_state and s in tallies.areas)
        if missing:
            warnings.append(
                f"{', '.join(missing)} chose electors by district but the data have no district "
                "results: all of the state's electors go to the statewide winner"
            )
    elif allocation == "district":
        split = set(by_state)
        rest = [a for a in tallies.areas if a not in split]
        warnings.append(
            f"district results exist only for {', '.join(sorted(split)) or 'no state'}; "
            f"{len(rest)} other areas are counted winner-take-all"
        )
    out: list[Unit] = []
    sources = tallies.attributes.get("source", (None,) * len(tallies.areas))
    dist_sources = dist.attributes.get("source", (None,) * len(dist.areas)) if dist is not None else ()
    for i, area in enumerate(tallies.areas):
        n = int(ev[i])
        if area in split:
            assert dist is not None  # split areas are those with district results
            rows = by_state[area]
            out.append(Unit(f"{area}", area, n - len(rows), tallies.votes[i], sources[i]))
            for j in rows:
                out.append(
                    Unit(
                        dist.areas[j],
                        area,
                        int(dist.attributes["electoral_votes"][j]),
                        dist.votes[j],
                        dist_sources[j],
                    )
                )
        else:
            out.append(Unit(area, area, n, tallies.votes[i], sources[i]))
    return out, warnings


# The exact (Fraction) list-PR rules that round a state's shares: Hamilton is largest
# remainder with the Hare quota.
_ROUNDING_RULES = {"hamilton": "hare_lr", "dhondt": "dhondt", "sainte_lague": "sainte_lague"}


def apportion(
    votes: np.ndarray,
    seats: int,
    method: str,
    *,
    breaker: TieBreaker | None = None,
    label: str = "the state",
) -> np.ndarray:
    """Split ``seats`` in proportion to ``votes``: largest remainder or a divisor method.

    ``hamilton``, ``dhondt`` and ``sainte_lague`` are counted in exact fractions by the
    registry's ``hare_lr``, ``dhondt`` and ``sainte_lague`` rules. A tie for the last
    seat(s) goes to ``breaker`` (the columns are ``breaker.candidates``) and is recorded
    there as a tie for the electors of ``label``; without a breaker, or under mode
    ``all``, the tied seats are left unallocated and the result sums to fewer than
    ``seats``. ``exact`` returns the unrounded shares (the Lodge-Gossett proposal of
    1950). No votes give no seats.

    Raises :class:`~tally.errors.ConfigError` for an unknown method.

    >>> apportion(np.array([53_000, 24_000, 23_000]), 7, "sainte_lague").tolist()
    [3.0, 2.0, 2.0]
    """
    if method not in ROUNDINGS:
        raise ConfigError(f"unknown rounding {method!r}; choose one of {', '.join(ROUNDINGS)}")
    votes = np.asarray(votes, dtype=float)
    total = votes.sum()
    if seats == 0 or total <= 0:
        return np.zeros(len(votes))
    if method == "exact":
        return np.asarray(seats * votes / total)
    names = breaker.candidates if breaker is not None else tuple(str(i) for i in range(len(votes)))
    # Counted with the tie left standing, then settled by the caller's breaker: one
    # generator for every state's draw (a fresh one per state would repeat the same draw).
    outcome = count(
        Tallies((label,), names, votes[None, :]), _ROUNDING_RULES[method], seats=seats, tiebreak="all"
    )
    won = outcome.details["seats"]
    shares = np.array([won[n] for n in names], dtype=float)
    tied = outcome.details.get("tied_seats")
    if breaker is None or tied is None:
        return shares
    if breaker.mode == "all":
        for tie in outcome.ties:
            breaker.record(replace(tie, round=1, purpose=f"electors in {label}"))
        return shares
    # Each tied candidate can take at most one of the tied seats (its next quotient or
    # remainder falls below the tie), so the seats go to distinct draws from the pool.
    pool = [names.index(p) for p in tied["parties"]]
    for _ in range(tied["seats"]):
        pick = breaker.pick(pool, purpose=f"electors in {label}", round=1, history=[votes], lowest=False)
        shares[pick] += 1
        pool.remove(pick)
    return shares


def _faithless_entries(tallies: Tallies, faithless: Any) -> list[dict[str, Any]]:
    if faithless in (None, "none", "pledged", (), []):
        return []
    if faithless == "historical":
        return [dict(e) for e in tallies.metadata.get("faithless", ())]
    if isinstance(faithless, str):
        raise ConfigError(
            f"faithless must be 'none' (pledged electors), 'historical' or a list of entries, not {faithless!r}"
        )
    entries = []
    for item in faithless:
        if isinstance(item, Mapping):
            entries.append(dict(item))
            continue
        # "ST:Pledged->Recipient[:n]", recipient "abstain" for an abstention
        try:
            state, rest = str(item).split(":", 1)
            pledged, recipient = rest.split("->", 1)
            count = 1
            if ":" in recipient:
                recipient, number = recipient.rsplit(":", 1)
                count = int(number)
        except ValueError:
            raise ConfigError(f"faithless entry {item!r} is not 'STATE:PLEDGED->RECIPIENT[:N]'") from None
        recipient = recipient.strip()
        entries.append(
            {
                "state": state.strip(),
                "pledged": pledged.strip(),
                "voted": None if recipient.lower() == "abstain" else recipient,
                "electors": count,
            }
        )
    return entries


def _candidate(query: str, candidates: Sequence[str]) -> str | None:
    q = query.casefold()
    hits = [c for c in candidates if c.casefold() == q or surname(c).casefold() == q]
    return hits[0] if len(hits) == 1 else None


def _contingent(
    electoral: Mapping[str, float],
    parties: Mapping[str, str],
    delegations: Mapping[str, Mapping[str, int]] | None,
) -> dict[str, Any]:
    """The House's choice among the top three (12th Amendment): one vote per state."""
    ranked = sorted((v, n) for n, v in electoral.items() if v > 0)
    ranked.sort(key=lambda t: -t[0])
    if len(ranked) >= 3:
        third = ranked[2][0]
        choices = [n for v, n in ranked if v >= third]
    else:
        choices = [n for _, n in ranked]
    result: dict[str, Any] = {
        "chooses": "House of Representatives, one vote per state delegation",
        "candidates": choices,
        "states_needed": 26,
        "votes": None,
        "winner": None,
        "states": {},
    }
    if delegations is None:
        result["note"] = "no House delegation data for this Congress; the contingent election is not resolved"
        return result
    by_party = {parties.get(c): c for c in choices if parties.get(c)}
    tally = {c: 0 for c in choices}
    states: dict[str, str] = {}
    for state in sorted(delegations):
        seats = delegations[state]
        size = sum(seats.values())
        party, most = max(seats.items(), key=lambda kv: (kv[1], kv[0])) if seats else (None, 0)
        if size and most * 2 > size and party in by_party:
            tally[by_party[party]] += 1
            states[state] = by_party[party]
        else:
            states[state] = "divided" if size else "vacant"
    needed = len(delegations) // 2 + 1
    result.update(
        votes=tally,
        states=states,
        states_needed=needed,
        assumption="each delegation votes for the candidate of its majority party",
    )
    top = [c for c, v in tally.items() if v >= needed]
    result["winner"] = top[0] if top else None
    if not top:
        result["note"] = "no candidate has a majority of state delegations"
    return result


@rule(
    "electoral_college",
    aliases=("ec", "electoral"),
    kinds=("tallies",),
    family="composite",
    reference=(
        "U.S. Constitution, Art. II §1 and Amendment XII; 3 U.S.C. §§1-21; "
        "21-A M.R.S. §802 (Maine); Neb. Rev. Stat. §32-1038 (Nebraska)."
    ),
)
def electoral_college(
    tallies: Tallies,
    *,
    allocation: str = "wta",
    rounding: str = "hamilton",
    faithless: Any = None,
    delegations: Mapping[str, Mapping[str, int]] | None = None,
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """The US Electoral College on tallies by state with an ``electoral_votes`` attribute.

    A candidate needs a majority of the electors appointed (270 of 538). Without one the
    outcome reports a contingent election: the House chooses among the top three, one
    vote per state delegation; with ``delegations`` the House vote is computed, assuming
    each delegation votes for its majority party's candidate.

    Parameters
    ----------
    tallies : Tallies
        Votes by state (and, for Maine and Nebraska, by district where the data have
        them), with an ``electoral_votes`` attribute.
    allocation : str
        Each unit's electors go to its plurality winner (``"wta"``, default, with the
        Maine/Nebraska district method where the data have district results;
        ``"statewide"``: winner-take-all everywhere; ``"district"``: the district method
        wherever the data allow), or in proportion to the state's votes
        (``"proportional"``, rounded by ``rounding``), or all to the national
        popular-vote winner (``"popular"``).
    rounding : str
        For ``"proportional"``: ``"hamilton"`` (default, largest remainder), ``"dhondt"``,
        ``"sainte_lague"`` or ``"exact"`` fractions.
    faithless : str or sequence of str, optional
        Electors moved after allocation: ``None``, ``"none"`` or ``"pledged"`` (everyone
        votes as pledged), ``"historical"`` (the data's list of electors who did not), or
        entries ``"ST:Pledged->Recipient[:n]"`` (recipient ``abstain`` to abstain).
    delegations : mapping, optional
        State → seats per party in the House elected the same November, for the
        contingent election.
    tiebreak : str
        ``"all"`` (default: a tie is left standing and every tied candidate reported),
        ``"order"``, ``"random"`` (with ``seed``) or ``"previous_round"``.
    seed : int, optional
        Seed of the random tie-break.

    Returns
    -------
    Outcome
        ``winners`` the majority winner (or the House's choice; empty when undecided);
        ``details`` hold ``electoral_votes``, ``areas``, ``majority`` and ``contingent``.

    Examples
    --------
    >>> import numpy as np, tally
    >>> t = tally.Tallies(("A", "B", "C"), ("X", "Y"), np.array([[5., 3], [2, 4], [1, 9]]),
    ...                   attributes={"electoral_votes": (3, 3, 1)})
    >>> tally.count(t, "electoral_college").details["electoral_votes"]
    {'X': 3, 'Y': 4}

    References
    ----------
    U.S. Constitution, Art. II §1 and Amendment XII; 3 U.S.C. §§1-21; 21-A M.R.S. §802
    (Maine); Neb. Rev. Stat. §32-1038 (Nebraska).
    """
    if allocation not in ALLOCATIONS:
        raise ConfigError(f"unknown allocation {allocation!r}; choose one of {', '.join(ALLOCATIONS)}")
    if rounding not in ROUNDINGS:
        raise ConfigError(f"unknown rounding {rounding!r}; choose one of {', '.join(ROUNDINGS)}")
    check_tiebreak(tiebreak)
    cands = tuple(tallies.candidates)
    pseudo = set(tallies.metadata.get("pseudo_candidates", ()))
    electors = _Electors(
        cands=cands,
        eligible=np.array([c not in pseudo for c in cands]),
        breaker=TieBreaker(tiebreak, tallies.candidates, seed=seed),
        electoral={c: 0 for c in cands},
    )
    if allocation == "popular":
        _allocate_popular(tallies, electors)
    else:
        for unit in _units_for(tallies, allocation, electors):
            _allocate_unit(unit, allocation, rounding, electors)
    applied, abstained = _apply_faithless(tallies, faithless, electors)
    return _college_outcome(tallies, electors, delegations, allocation, applied, abstained)


@dataclass
class _Electors:
    """The count so far: electors by candidate and by state, each area's record, warnings."""

    cands: tuple[str, ...]
    eligible: np.ndarray  # candidates who can take electors (not the data's pseudo-candidates)
    breaker: TieBreaker
    electoral: dict[str, float]
    by_state: dict[str, dict[str, float]] = field(default_factory=dict)
    areas: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unallocated: int = 0

    def winner_of(self, votes: np.ndarray, label: str) -> int | None:
        """The plurality winner whose electors the area appoints (a tie is recorded)."""
        return area_winner(
            votes,
            self.eligible,
            self.breaker,
            label=label,
            round=1,
            standing="tie left standing; the electors are not allocated",
        )[0]

    def leader_of(self, votes: np.ndarray) -> int | None:
        """The plurality leader shown for an area whose electors do not follow it.

        Under popular and proportional allocation a tie there decides nothing, so none
        is recorded.
        """
        masked = np.where(self.eligible, votes, -1.0)
        tied = np.flatnonzero(masked == masked.max())
        return int(tied[0]) if masked.max() > 0 and tied.size == 1 else None


def _allocate_popular(tallies: Tallies, electors: _Electors) -> None:
    """Every elector to the national popular-vote winner; each state shown with its leader."""
    cands, state_votes = electors.cands, tallies.votes
    total_ev = int(sum(int(e) for e in tallies.attributes["electoral_votes"]))
    w = electors.winner_of(state_votes.sum(axis=0), "the national popular vote")
    if w is None:
        electors.unallocated += total_ev
    else:
        electors.electoral[cands[w]] += total_ev
    for i, area in enumerate(tallies.areas):
        aw = electors.leader_of(state_votes[i])
        electors.areas.append(
            {
                "area": area,
                "winner": None if aw is None else cands[aw],
                "electoral_votes": int(tallies.attributes["electoral_votes"][i]),
                "votes": _nonzero(cands, state_votes[i]),
                "electors": {},
                "source": tallies.attributes.get("source", (None,) * len(tallies.areas))[i],
            }
        )


def _units_for(tallies: Tallies, allocation: str, electors: _Electors) -> list[Unit]:
    """The units that appoint electors: whole states under proportional allocation."""
    unit_list, warnings_units = units(tallies, "wta" if allocation == "proportional" else allocation)
    if allocation != "proportional":
        electors.warnings.extend(warnings_units)
        return unit_list
    sources = tallies.attributes.get("source", (None,) * len(tallies.areas))
    return [
        Unit(a, a, int(e), tallies.votes[i], sources[i])
        for i, (a, e) in enumerate(zip(tallies.areas, tallies.attributes["electoral_votes"]))
    ]


def _allocate_unit(unit: Unit, allocation: str, rounding: str, electors: _Electors) -> None:
    """One unit's electors given (to its winner, or in proportion), and its area recorded."""
    cands = electors.cands
    if allocation == "proportional":
        w = electors.leader_of(unit.votes)
        given = _proportional_share(unit, rounding, electors)
    else:
        w = electors.winner_of(unit.votes, unit.area)
        if w is None:
            given = {}
            electors.unallocated += unit.electoral_votes
        else:
            given = {cands[w]: unit.electoral_votes}
    for name, n in given.items():
        electors.electoral[name] += n
        electors.by_state.setdefault(unit.state, {}).setdefault(name, 0)
        electors.by_state[unit.state][name] += n
    electors.areas.append(
        {
            "area": unit.area,
            "winner": None if w is None else cands[w],
            "electoral_votes": unit.electoral_votes,
            "votes": _nonzero(cands, unit.votes),
            "electors": given,
            "source": unit.source,
        }
    )


def _proportional_share(unit: Unit, rounding: str, electors: _Electors) -> dict[str, float]:
    """A unit's electors in proportion to its votes; those a tie leaves unplaced are said."""
    shares = apportion(
        np.where(electors.eligible, unit.votes, 0.0),
        unit.electoral_votes,
        rounding,
        breaker=electors.breaker,
        label=unit.area,
    )
    given = {electors.cands[i]: float(s) for i, s in enumerate(shares) if s}
    missing = unit.electoral_votes - round(float(shares.sum()))
    if missing:
        electors.unallocated += missing
        why = (
            "a tie for the last elector(s) was left standing"
            if np.any(unit.votes[electors.eligible] > 0)
            else "no votes for a candidate who can take electors"
        )
        electors.warnings.append(f"{missing} elector(s) of {unit.area} not allocated: {why}")
    return given


def _apply_faithless(
    tallies: Tallies, faithless: Any, electors: _Electors
) -> tuple[list[dict[str, Any]], int]:
    """Electors moved after allocation: (the entries applied, the electors who abstained)."""
    applied = []
    abstained = 0
    cands, electoral = electors.cands, electors.electoral
    for entry in _faithless_entries(tallies, faithless):
        state, count = entry["state"], int(entry.get("electors", 1))
        pledged = _candidate(entry["pledged"], cands)
        have = electors.by_state.get(state, {}).get(pledged, 0) if pledged else 0
        if pledged is None or have < count:
            electors.warnings.append(
                f"faithless elector entry {entry} not applied: {entry['pledged']} does not have "
                f"{count} elector(s) in {state} under this allocation"
            )
            continue
        electoral[pledged] -= count
        electors.by_state[state][pledged] -= count
        recipient = entry.get("voted")
        if recipient is None:
            abstained += count
        else:
            recipient = _candidate(recipient, cands) or recipient
            electoral[recipient] = electoral.get(recipient, 0) + count
        applied.append({"state": state, "pledged": pledged, "voted": recipient, "electors": count})
    return applied, abstained


def _college_outcome(
    tallies: Tallies,
    electors: _Electors,
    delegations: Mapping[str, Mapping[str, int]] | None,
    allocation: str,
    applied: list[dict[str, Any]],
    abstained: int,
) -> Outcome:
    """The majority of electors appointed decides; without one, the House's contingent election."""
    cands = electors.cands
    appointed = sum(int(e) for e in tallies.attributes["electoral_votes"])
    majority = appointed // 2 + 1
    electoral = {k: (int(v) if float(v).is_integer() else v) for k, v in electors.electoral.items()}
    leaders = [c for c, v in electoral.items() if v >= majority]
    contingent = None
    if leaders:
        winners: tuple[str, ...] = (leaders[0],)
    else:
        contingent = _contingent(electoral, tallies.parties, delegations)
        top = sorted(electoral.values(), reverse=True)
        contingent["reason"] = "tie" if len(top) > 1 and top[0] == top[1] else "no majority"
        winners = (contingent["winner"],) if contingent["winner"] else ()
    national = tallies.votes.sum(axis=0)
    tally = {c: electoral[c] for c in cands}
    extra = {k: v for k, v in electoral.items() if k not in tally}
    read = float(national.sum())
    round_ = Round(
        number=1,
        tally={**tally, **extra},
        elected=winners,
        continuing=read,
        inactive={},
        note="electoral votes",
    )
    details = {
        "electoral_votes": {k: v for k, v in electoral.items() if v},
        "majority": majority,
        "appointed": appointed,
        "abstained": abstained,
        "unallocated": electors.unallocated,
        "faithless": applied,
        "allocation": allocation,
        "popular_vote": _nonzero(cands, national),
        "areas": electors.areas,
        "contingent": contingent,
    }
    return Outcome(
        rule="",
        candidates=cands,
        winners=winners,
        rounds=(round_,),
        ties=tuple(electors.breaker.ties),
        ballots={"read": read, "continuing": read, "inactive": {}},
        scores={**tally, **extra},
        details=details,
        warnings=tuple(electors.warnings),
        tied=any(t.mode == "all" for t in electors.breaker.ties),
    )
