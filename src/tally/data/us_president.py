"""US presidential results by state, parsed from the published files (no cache).

:func:`build_president` reads MEDSL's file for 1976-2020 and FiveThirtyEight's for 2024:
one area per state, candidate totals summed over every ballot line a candidate stood on
(fusion voting), every row counted somewhere (rows naming no person go to ``OTHER``),
with the electoral votes of the year, the electors who did not vote as pledged
(:data:`FAITHLESS`) and the Maine and Nebraska congressional districts where the data
have them. :func:`tally.data.us.president` loads it through the cache.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..errors import BallotError, DataError
from ..names import OTHER, surname
from .us_files import FTE_PRES, MEDSL_PRES, PRES, PSEUDO, line_ranges, records, whole_number

__all__ = ["DISTRICT_METHOD_SINCE", "FAITHLESS", "build_president"]

# Electors who did not vote for the candidate they were pledged to, as counted by
# Congress (Federal Election Commission, "Federal Elections" reports for each year;
# National Archives, Electoral College results). ``voted`` None = abstained.
FAITHLESS: dict[int, tuple[dict[str, Any], ...]] = {
    1976: ({"state": "WA", "pledged": "Ford", "voted": "Ronald Reagan", "electors": 1},),
    1988: ({"state": "WV", "pledged": "Dukakis", "voted": "Lloyd Bentsen", "electors": 1},),
    2000: ({"state": "DC", "pledged": "Gore", "voted": None, "electors": 1},),
    2004: ({"state": "MN", "pledged": "Kerry", "voted": "John Edwards", "electors": 1},),
    2016: (
        {"state": "TX", "pledged": "Trump", "voted": "John Kasich", "electors": 1},
        {"state": "TX", "pledged": "Trump", "voted": "Ron Paul", "electors": 1},
        {"state": "WA", "pledged": "Clinton", "voted": "Colin Powell", "electors": 3},
        {"state": "WA", "pledged": "Clinton", "voted": "Faith Spotted Eagle", "electors": 1},
        {"state": "HI", "pledged": "Clinton", "voted": "Bernie Sanders", "electors": 1},
    ),
}

# The years from which Maine (21-A M.R.S. §802) and Nebraska (Neb. Rev. Stat. §32-1038)
# give one elector per congressional district to that district's winner.
DISTRICT_METHOD_SINCE = {"ME": 1972, "NE": 1992}


@functools.cache
def _electoral_votes(year: int) -> dict[str, int]:
    """Electoral votes per state name (upper case) in ``year``."""
    if year >= 2024:
        # The 2020-census apportionment is used from 2024 (README: Votes2020).
        out = {}
        for line, rec in records(PRES, "electoral.csv"):
            out[rec["State"].strip().upper()] = whole_number(
                rec["Votes2020"], file="electoral.csv", line=line, field="Votes2020"
            )
        return out
    out = {}
    for line, rec in records(PRES, "electoralvotes.csv"):
        if rec["year"] == str(year) and rec["votes"].strip():
            out[rec["state"].strip().upper()] = whole_number(
                rec["votes"], file="electoralvotes.csv", line=line, field="votes"
            )
    if not out:
        raise DataError(f"no electoral votes for {year} in electoralvotes.csv")
    return out


# Rows where MEDSL's file misspells a major candidate, so that one person is one column.
_NAME_FIXES = {("2012", "MITT, ROMNEY"): "ROMNEY, MITT"}


def _medsl_name(rec: dict[str, str]) -> str:
    # A named write-in is a candidate (DC 2020 flags every row as a write-in); only
    # rows without a person's name go to OTHER.
    name = rec["candidate"].replace('""', '"').strip()
    if name.upper() in PSEUDO:
        return OTHER
    return _NAME_FIXES.get((rec["year"], name), name)


def _fte_rows(year: int, abbrevs: set[str] | None = None) -> list[tuple[int, dict[str, str]]]:
    """General-election rows of the FiveThirtyEight file for ``year`` (first RCV round only)."""
    out = []
    for line, rec in records(PRES, FTE_PRES):
        if rec["cycle"] != str(year) or rec["stage"] != "general" or not rec["state_abbrev"]:
            continue
        if abbrevs is not None and rec["state_abbrev"] not in abbrevs:
            continue
        # Maine 2020 reports RCV rounds; the presidential contests there ended in round 1.
        if rec["ranked_choice_round"] not in ("", "1"):
            continue
        out.append((line, rec))
    return out


def _fte_name(rec: dict[str, str]) -> str:
    return rec["candidate_name"].strip() or OTHER


# One row of a published file: (line, state, state name, candidate, votes, party line).
_Row = tuple[int, str, str, str, int, str]


def _medsl_rows(year: int) -> Iterator[_Row]:
    """The rows of MEDSL's file for ``year`` (1976-2020)."""
    for line, rec in records(PRES, MEDSL_PRES):
        if rec["year"] != str(year):
            continue
        cand = _medsl_name(rec)
        n = whole_number(rec["candidatevotes"], file=MEDSL_PRES, line=line, field="candidatevotes")
        party = (rec["party_simplified"] or rec["party_detailed"]) if cand != OTHER else ""
        yield line, rec["state_po"], rec["state"].strip().upper(), cand, n, party


def _fte_state_rows(year: int) -> Iterator[_Row]:
    """The statewide rows of FiveThirtyEight's file for ``year`` (2024)."""
    for line, rec in _fte_rows(year):
        state = rec["state_abbrev"]
        if len(state) != 2 or state == "PR" or state[0] in "MN" and state[1].isdigit():
            continue
        if not rec["votes"].strip():
            raise BallotError("general-election row without votes", file=FTE_PRES, line=line, field="votes")
        cand = _fte_name(rec)
        n = whole_number(rec["votes"], file=FTE_PRES, line=line, field="votes")
        party = ""
        if cand != OTHER:
            party = {"DEM": "DEMOCRAT", "REP": "REPUBLICAN", "LIB": "LIBERTARIAN"}.get(
                rec["ballot_party"], "OTHER"
            )
        yield line, state, rec["state"].strip().upper(), cand, n, party


def build_president(year: int) -> Tallies:
    """Presidential results of ``year`` by state, parsed from the published files.

    Parameters
    ----------
    year : int
        One of :data:`tally.data.us.PRESIDENT_YEARS`.

    Returns
    -------
    Tallies
        One area per state (see the module docstring).

    Raises
    ------
    DataError
        No results or no electoral votes for the year in the bundled data.
    BallotError
        A row of a published file that cannot be read (its file, line and field named).
    """
    ev_by_name = _electoral_votes(year)
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    parties: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    order: dict[str, int] = defaultdict(int)
    lines: dict[str, list[int]] = defaultdict(list)
    rows_used = 0
    source = f"{PRES}/{MEDSL_PRES}" if year <= 2020 else f"{PRES}/{FTE_PRES}"
    for line, state, state_name, cand, n, party in (
        _medsl_rows(year) if year <= 2020 else _fte_state_rows(year)
    ):
        votes[state][cand] += n
        names[state] = state_name
        order[cand] += n
        lines[state].append(line)
        if cand != OTHER:
            parties[cand][party] += n
        rows_used += 1
    if not votes:
        raise DataError(f"no presidential results for {year} in the bundled data")
    order.setdefault(OTHER, 0)
    candidates = tuple(sorted(order, key=lambda c: (c == OTHER, -order[c], c)))
    states = tuple(sorted(votes))
    matrix = np.array([[votes[s].get(c, 0) for c in candidates] for s in states], dtype=np.float64)
    missing = [names[s] for s in states if names[s] not in ev_by_name]
    if missing:
        raise DataError(f"no electoral votes for {', '.join(missing)} in {year}")
    ev = tuple(ev_by_name[names[s]] for s in states)
    party_of = {c: max(p.items(), key=lambda kv: (kv[1], kv[0]))[0] for c, p in parties.items()}
    district_tallies = _president_districts(year, candidates)
    metadata = {
        "year": year,
        "office": "US President",
        "jurisdiction": "United States",
        "rows": rows_used,
        "faithless": FAITHLESS.get(year, ()),
        "district_method": {s: since for s, since in DISTRICT_METHOD_SINCE.items() if year >= since},
        "pseudo_candidates": (OTHER,),
    }
    if district_tallies is not None:
        metadata["districts"] = district_tallies
    return Tallies(
        areas=states,
        candidates=candidates,
        votes=matrix,
        attributes={
            "electoral_votes": ev,
            "name": tuple(names[s].title() for s in states),
            "source": tuple(f"{source} {line_ranges(lines[s])}" for s in states),
        },
        parties=party_of,
        source=source,
        title=f"US presidential election {year}, by state",
        metadata=metadata,
    )


def _president_districts(year: int, candidates: tuple[str, ...]) -> Tallies | None:
    """Maine and Nebraska congressional-district results from the FiveThirtyEight file."""
    codes = {"M1": "ME-1", "M2": "ME-2", "N1": "NE-1", "N2": "NE-2", "N3": "NE-3"}
    rows = _fte_rows(year, set(codes))
    if not rows:
        return None
    by_surname: dict[str, list[str]] = defaultdict(list)
    for c in candidates:
        by_surname[surname(c).casefold()].append(c)
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    lines: dict[str, list[int]] = defaultdict(list)
    for line, rec in rows:
        area = codes[rec["state_abbrev"]]
        lines[area].append(line)
        if not rec["votes"].strip():
            raise BallotError("district row without votes", file=FTE_PRES, line=line, field="votes")
        name = _fte_name(rec)
        if name in candidates:
            pass
        elif name != OTHER:
            matches = by_surname.get(surname(name).casefold(), [])
            if len(matches) != 1:
                # A candidate missing from the statewide file (or ambiguous) is counted
                # with the other votes rather than guessed.
                name = OTHER
            else:
                name = matches[0]
        votes[area][name] += whole_number(rec["votes"], file=FTE_PRES, line=line, field="votes")
    areas = tuple(sorted(votes))
    cols = candidates
    matrix = np.array([[votes[a].get(c, 0.0) for c in cols] for a in areas], dtype=np.float64)
    return Tallies(
        areas=areas,
        candidates=cols,
        votes=matrix,
        attributes={
            "state": tuple(a[:2] for a in areas),
            "electoral_votes": tuple(1 for _ in areas),
            "source": tuple(f"{PRES}/{FTE_PRES} {line_ranges(lines[a])}" for a in areas),
        },
        source=f"{PRES}/{FTE_PRES}",
        title=f"US presidential election {year}, Maine and Nebraska congressional districts",
        metadata={"year": year},
    )
