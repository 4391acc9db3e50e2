"""US election results shipped with tally: president by state, House by district, Senate.

Each loader reads the published files in the dataset's folder (byte copies, see each
folder's README.md) and returns a :class:`~tally.ballots.Tallies`. The first load parses
the CSV and writes the result as Parquet in the store folder; later loads read the Parquet
(:func:`cached`, in :mod:`tally.data.us_cache`). :func:`tally.data.us_files.table` is the
one function that reads a published file; the parsers are :mod:`tally.data.us_president`
and :mod:`tally.data.us_house`.

Presidential tallies (``us-president-YYYY``) have one area per state (postal code, DC
included) with the attributes ``electoral_votes`` and ``name``; candidate totals are
summed over every ballot line a candidate stood on (fusion voting), and every row of the
published file is counted somewhere (see :data:`OTHER`). Where the data have
congressional-district results for Maine and Nebraska (2000 onwards, from the
FiveThirtyEight file) they sit in ``metadata["districts"]`` as a second
:class:`Tallies` (areas ``ME-1``, ``NE-2``, ...; attributes ``state`` and
``electoral_votes`` = 1), so summing the areas of the main tallies is the national
popular vote. ``metadata["faithless"]`` lists the electors who did not vote as pledged
that year, from the official record (see :data:`FAITHLESS`).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..errors import BallotError, DataError
from ..names import OTHER as _OTHER
from ..names import find_candidate, surname
from ..ties import TieBreaker
from . import Dataset, register
from .us_cache import cached
from .us_files import FTE_PRES, HOUSE, HOUSE_FILE, MEDSL_PRES, PRES, records, table, whole_number
from .us_house import build_house
from .us_president import FAITHLESS, build_president

__all__ = [
    "FAITHLESS",
    "HOUSE_YEARS",
    "OTHER",
    "PRESIDENT_YEARS",
    "build_house",
    "build_president",
    "cached",
    "districts",
    "find_candidate",
    "florida_2000",
    "house",
    "house_delegations",
    "president",
    "senate_rcv",
    "surname",
]

OTHER = _OTHER
"""One column for every vote the file does not give to a named candidate: write-ins
without a name, ``SCATTERING``, ``OTHER``, blank, void, over- and undervotes, ``NONE OF
THESE CANDIDATES`` (Nevada) and lines of a party whose candidate the file does not name
(``NOT DESIGNATED``, ``PROHIBITION``, ...)."""

PRESIDENT_YEARS = tuple(range(1976, 2025, 4))
HOUSE_YEARS = tuple(range(1976, 2021, 2))


@functools.cache
def president(year: int) -> Tallies:
    """Presidential results of ``year`` by state (see the module docstring).

    >>> t = president(2000)
    >>> int(t.votes[t.areas.index("FL"), t.candidates.index("BUSH, GEORGE W.")])
    2912790
    """
    if year not in PRESIDENT_YEARS:
        raise DataError(
            f"no presidential election in {year} in the bundled data; years: "
            f"{PRESIDENT_YEARS[0]}-{PRESIDENT_YEARS[-1]} every four years"
        )
    files = [
        (PRES, MEDSL_PRES if year <= 2020 else FTE_PRES),
        (PRES, FTE_PRES),
        (PRES, "electoralvotes.csv" if year <= 2020 else "electoral.csv"),
    ]
    return cached(f"us-president-{year}", files, functools.partial(build_president, year))


def districts(tallies: Tallies) -> Tallies | None:
    """The congressional-district tallies attached to presidential tallies, if any."""
    from ..rules.composite import district_tallies

    return district_tallies(tallies)


@functools.cache
def florida_2000() -> Tallies:
    """Florida 2000 by county from the classic carData file (machine counts, not certified)."""
    name = "florida2000.csv"
    header, _ = table(PRES, name)
    candidates = tuple(h for h in header if h not in ("County", "Total"))
    areas, rows = [], []
    for line, rec in records(PRES, name):
        counts = [whole_number(rec[c], file=name, line=line, field=c) for c in candidates]
        total = whole_number(rec["Total"], file=name, line=line, field="Total")
        if sum(counts) != total:
            raise BallotError(
                f"candidate votes add up to {sum(counts)}, not the Total {total}",
                file=name,
                line=line,
                field="Total",
            )
        areas.append(rec["County"].strip())
        rows.append(counts)
    return Tallies(
        areas=tuple(areas),
        candidates=candidates,
        votes=np.array(rows, dtype=np.float64),
        source=f"{PRES}/{name}",
        title="Florida presidential election 2000, by county (early machine counts, not certified)",
        metadata={"year": 2000, "office": "US President", "jurisdiction": "Florida", "certified": False},
    )


@functools.cache
def house(year: int) -> Tallies:
    """US House results of ``year`` by district, votes summed per party.

    Each candidate's votes are summed over the lines they stood on and credited to their
    party (see :mod:`tally.data.us_house`); two candidates of one party in a district (California's
    top-two) are added together, which keeps the district's winning party right.
    Districts whose winner was unopposed and reported with 1 vote have
    ``unopposed = True``. Attributes: ``state``, ``seats`` (1), ``unopposed``,
    ``winner`` (the winning candidate's name), ``runoff``.
    """
    if year not in HOUSE_YEARS:
        raise DataError(f"no House election in {year} in the bundled data; years 1976-2020 every two years")
    return cached(f"us-house-{year}", [(HOUSE, HOUSE_FILE)], functools.partial(build_house, year))


def house_delegations(year: int) -> dict[str, dict[str, int]]:
    """Seats per party in each state's House delegation elected in ``year``.

    Each district's seat goes to its plurality winner
    (:func:`~tally.rules.districts.area_winner`); a tied district or one without votes
    seats nobody here (the state's count shows it). Every column may win, "Other" too:
    giving the seat of a district "Other" carries to the next party could credit the wrong one.

    Reads the published file only (no cache is written), so a count that needs a
    contingent election has no side effect.
    """
    from ..rules.districts import area_winner  # the rules load only when delegations are asked for

    if year not in HOUSE_YEARS:
        raise DataError(f"no House election in {year} in the bundled data; years 1976-2020 every two years")
    t = build_house(year)
    breaker = TieBreaker("all", t.candidates)  # a tie is left standing, recorded and not used here
    everyone = np.ones(len(t.candidates), dtype=bool)
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for area, state, row in zip(t.areas, t.attributes["state"], t.votes):
        winner, _ = area_winner(
            row,
            everyone,
            breaker,
            label=area,
            round=None,
            standing="tie left standing; the seat is not counted in the delegation",
        )
        if winner is not None:
            out[state][t.candidates[winner]] += 1
    return {s: dict(p) for s, p in sorted(out.items())}


# --------------------------------------------------------------------------- Senate

_SENATE = "us-senate"
_SENATE_FILE = "538-election_results_senate.csv"


@functools.cache
def senate_rcv(state: str, year: int) -> dict[str, Any]:
    """The official RCV rounds of a Senate contest as published (FiveThirtyEight file).

    Returns ``{"state", "year", "rounds": [{"round": n, "votes": {candidate: votes}}],
    "winner"}``; Blank / Other / Write-in rows are kept under their published label.
    """
    rounds: dict[int, dict[str, float]] = defaultdict(dict)
    winner = None
    for line, rec in records(_SENATE, _SENATE_FILE):
        if rec["state_abbrev"] != state or rec["cycle"] != str(year) or not rec["ranked_choice_round"]:
            continue
        if rec["stage"] != "general":
            continue
        number = whole_number(
            rec["ranked_choice_round"], file=_SENATE_FILE, line=line, field="ranked_choice_round"
        )
        name = rec["candidate_name"].strip() or rec["alt_result_text"].strip() or OTHER
        if not rec["votes"].strip():
            continue  # a candidate eliminated before this round has no count in it
        rounds[number][name] = rounds[number].get(name, 0.0) + whole_number(
            rec["votes"], file=_SENATE_FILE, line=line, field="votes"
        )
        if rec["winner"] == "true":
            winner = name
    if not rounds:
        raise DataError(f"no ranked-choice rounds for the {year} Senate election in {state}")
    return {
        "state": state,
        "year": year,
        "rounds": [
            {"round": n, "votes": dict(sorted(rounds[n].items(), key=lambda kv: (-kv[1], kv[0])))}
            for n in sorted(rounds)
        ],
        "winner": winner,
    }


# --------------------------------------------------------------------------- catalogue

_LICENCE = "MEDSL: CC0 1.0 as commonly labelled (unverified); FiveThirtyEight: not stated"

for _year in PRESIDENT_YEARS:
    register(
        Dataset(
            id=f"us-president-{_year}",
            title=f"US presidential election {_year} by state, with electoral votes",
            kind="tallies",
            folder=PRES,
            loader=functools.partial(president, _year),
            licence=_LICENCE,
            source=(
                "FiveThirtyEight election-results (state rows)"
                if _year == 2024
                else "MIT Election Data and Science Lab, U.S. President 1976-2020 (doi:10.7910/DVN/42MVDX)"
            ),
            tags=("us", "president", "electoral-college"),
            description=(
                "Candidate totals summed over fusion lines; unnamed write-ins, scattering and blank "
                "lines in 'Other'. Maine/Nebraska district results (FiveThirtyEight) attached from "
                "2000. Electoral votes from the historical apportionment."
            ),
            # the election was decided by electors, not by the national popular vote
            facts={"year": _year, "rule": "electoral_college"},
        )
    )

register(
    Dataset(
        id="florida-2000",
        title="Florida presidential election 2000 by county (early machine counts, NOT the certified result)",
        kind="tallies",
        folder=PRES,
        loader=florida_2000,
        licence="not stated (carData / UsingR R dataset)",
        source="carData 'Florida' dataset via STAT-JET-ASU/Datasets",
        tags=("us", "president", "florida", "county"),
        description=(
            "Election-night machine counts by county: Bush +975 statewide, not the certified +537; "
            "minor-candidate columns are unreliable. Use us-president-2000 for the official outcome."
        ),
    )
)

for _year in HOUSE_YEARS:
    register(
        Dataset(
            id=f"us-house-{_year}",
            title=f"US House elections {_year} by district (votes per party)",
            kind="tallies",
            folder=HOUSE,
            loader=functools.partial(house, _year),
            licence="MEDSL: CC0 1.0 as commonly labelled (unverified)",
            source="MIT Election Data and Science Lab, U.S. House 1976-2020 (doi:10.7910/DVN/IG0UN2)",
            tags=("us", "house", "fptp"),
            description=(
                "435 districts (DC's delegate excluded); fusion lines summed per candidate; unopposed "
                "winners reported with 1 vote are flagged 'unopposed'. The file's counts are the November "
                "results as published (2018 NC-09 includes the count that was never certified; ME-02 2018 "
                "the preliminary RCV final round)."
            ),
            # each district elects its own member: the result is seats per party, not a national plurality
            facts={"year": _year, "rule": "districts"},
        )
    )

for _state, _year in (("AK", 2022), ("ME", 2018), ("ME", 2020)):
    register(
        Dataset(
            id=f"us-senate-{_year}-{_state.lower()}-rcv",
            title=f"US Senate {_year}, {_state}: official ranked-choice rounds as published",
            kind="contest",
            folder=_SENATE,
            loader=functools.partial(senate_rcv, _state, _year),
            licence="not stated (FiveThirtyEight election-results)",
            source="FiveThirtyEight election-results, ranked_choice_round rows",
            tags=("us", "senate", "rcv", "published-rounds"),
            description="Round-by-round totals as published (no ballots): a check for RCV counts.",
            facts={"year": _year, "state": _state},
        )
    )
