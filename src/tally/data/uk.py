"""UK general elections 2019 and 2024 by constituency (House of Commons Library).

Each loader returns :class:`~tally.ballots.Tallies` with one area per constituency and
one column per party (the Library's abbreviations: Con, Lab, LD, ...), attributes
``region`` (Region name: the nine English regions, Scotland, Wales, Northern Ireland),
``country``, ``name`` (constituency name), ``seats`` (1), ``winner`` (the Library's
``First party``). The loader checks that the plurality winner of every constituency is
the Library's ``First party``.

* 2024 is read from the by-candidate file, so every party has its own column.
  Independents are not a party: in each constituency the leading independent's votes
  are in ``Ind`` and any other independents' in ``Ind (others)``, so no two
  independents are added together to beat a candidate that in fact won. ``Spk`` is the
  Speaker.
* 2019 has only the by-constituency file: the twelve party columns, the winning "other"
  candidate's votes under that winner's ``First party`` (``Spk`` in Chorley) and the
  remaining ``All other candidates`` in ``Other``.

``metadata["non_party"]`` names the columns that are not parties (independents, the
Speaker, the lumped others): list-PR comparisons give them no list seats.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict

import numpy as np

from ..ballots import Tallies
from ..errors import BallotError, DataError
from . import DATA_DIR, Dataset, register

__all__ = ["YEARS", "general_election"]

_FOLDER = "uk-general-election"
YEARS = (2019, 2024)
IND, IND_OTHERS, OTHER = "Ind", "Ind (others)", "Other"
_CONSTITUENCIES_2024 = "HoC-GE2024-results-by-constituency.csv"


def _rows(name: str) -> list[tuple[int, dict[str, str]]]:
    path = DATA_DIR / _FOLDER / name
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(enumerate(csv.DictReader(handle), start=2))
    except FileNotFoundError as exc:
        raise DataError(f"bundled file {_FOLDER}/{name} is missing from the installation") from exc


def _int(value: str, name: str, line: int, field: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise BallotError(
            f"not a whole number: {value!r}", file=f"{_FOLDER}/{name}", line=line, field=field
        ) from None
    if n < 0:
        raise BallotError(f"negative number: {n}", file=f"{_FOLDER}/{name}", line=line, field=field)
    return n


def _constituencies(name: str) -> dict[str, dict[str, str]]:
    return {rec["ONS ID"]: rec for _, rec in _rows(name)}


def _build_2024() -> Tallies:
    name = "HoC-GE2024-results-by-candidate.csv"
    info = _constituencies(_CONSTITUENCIES_2024)
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    independents: dict[str, list[int]] = defaultdict(list)
    for line, rec in _rows(name):
        ons = rec["ONS ID"]
        n = _int(rec["Votes"], name, line, "Votes")
        party = rec["Party abbreviation"].strip()
        if party == IND:
            independents[ons].append(n)
        else:
            votes[ons][party] += n
    for ons, amounts in independents.items():
        amounts.sort(reverse=True)
        votes[ons][IND] += amounts[0]
        if amounts[1:]:
            votes[ons][IND_OTHERS] += sum(amounts[1:])
    # the two files must describe the same constituencies and the same valid votes
    no_candidates = sorted(set(info) - set(votes))
    if no_candidates:
        raise DataError(f"constituencies {', '.join(no_candidates[:3])} have no candidates in {name}")
    for line, rec in _rows(_CONSTITUENCIES_2024):
        ons = rec["ONS ID"]
        valid = _int(rec["Valid votes"], _CONSTITUENCIES_2024, line, "Valid votes")
        if sum(votes[ons].values()) != valid:
            raise DataError(
                f"{rec['Constituency name']}: the candidates' votes in {name} add up to "
                f"{sum(votes[ons].values())}, not the constituency file's Valid votes {valid}"
            )
    return _assemble(2024, votes, info, source=f"{_FOLDER}/{name}", non_party=(IND, IND_OTHERS, "Spk"))


def _build_2019() -> Tallies:
    name = "HoC-GE2019-results-by-constituency.csv"
    parties = ("Con", "Lab", "LD", "BRX", "Green", "SNP", "PC", "DUP", "SF", "SDLP", "UUP", "APNI")
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    info = {}
    for line, rec in _rows(name):
        ons = rec["ONS ID"]
        info[ons] = rec
        for p in parties:
            votes[ons][p] += _int(rec[p], name, line, p)
        others = _int(rec["All other candidates"], name, line, "All other candidates")
        winner_other = _int(rec["Of which other winner"], name, line, "Of which other winner")
        if winner_other:
            votes[ons][rec["First party"].strip()] += winner_other
        votes[ons][OTHER] += others - winner_other
        valid = _int(rec["Valid votes"], name, line, "Valid votes")
        if sum(votes[ons].values()) != valid:
            raise BallotError(
                f"party votes add up to {sum(votes[ons].values())}, not Valid votes {valid}",
                file=f"{_FOLDER}/{name}",
                line=line,
                field="Valid votes",
            )
    return _assemble(2019, votes, info, source=f"{_FOLDER}/{name}", non_party=(OTHER, "Spk"))


def _assemble(
    year: int,
    votes: dict[str, dict[str, int]],
    info: dict[str, dict[str, str]],
    *,
    source: str,
    non_party: tuple[str, ...],
) -> Tallies:
    totals: dict[str, int] = defaultdict(int)
    for row in votes.values():
        for p, n in row.items():
            totals[p] += n
    parties = tuple(sorted(totals, key=lambda p: (-totals[p], p)))
    areas = tuple(sorted(votes))
    missing = [a for a in areas if a not in info]
    if missing:
        raise DataError(f"constituencies {', '.join(missing[:3])} have votes but no constituency row")
    matrix = np.array([[votes[a].get(p, 0) for p in parties] for a in areas], dtype=np.float64)
    winners = tuple(info[a]["First party"].strip() for a in areas)
    for i, a in enumerate(areas):
        top = np.flatnonzero(matrix[i] == matrix[i].max())
        if len(top) != 1 or parties[int(top[0])] != winners[i]:
            raise DataError(
                f"{info[a]['Constituency name']}: the most votes went to "
                f"{', '.join(parties[int(t)] for t in top)}, but the Library's First party is {winners[i]}"
            )
    return Tallies(
        areas=areas,
        candidates=parties,
        votes=matrix,
        attributes={
            "name": tuple(info[a]["Constituency name"] for a in areas),
            "region": tuple(info[a]["Region name"] for a in areas),
            "country": tuple(info[a]["Country name"] for a in areas),
            "seats": tuple(1 for _ in areas),
            "winner": winners,
        },
        source=source,
        title=f"UK general election {year}, by constituency",
        metadata={
            "year": year,
            "office": "House of Commons",
            "jurisdiction": "United Kingdom",
            "non_party": tuple(p for p in non_party if p in parties),
            "rule": "plurality",
        },
    )


@functools.cache
def general_election(year: int) -> Tallies:
    """The UK general election of ``year`` (2019 or 2024) by constituency."""
    if year == 2024:
        return _build_2024()
    if year == 2019:
        return _build_2019()
    raise DataError(f"no UK general election {year} in the bundled data; years: 2019, 2024")


_SOURCE: dict[int, str] = {
    2019: "House of Commons Library, CBP-8749 (General election 2019: results by constituency)",
    2024: "House of Commons Library, CBP-10009 (General election 2024: results by candidate)",
}

for _year in YEARS:
    register(
        Dataset(
            id=f"uk-general-{_year}",
            title=f"UK general election {_year} by constituency (votes per party)",
            kind="tallies",
            folder=_FOLDER,
            loader=functools.partial(general_election, _year),
            licence="Open Parliament Licence (House of Commons Library; not stated in the copying repository)",
            source=_SOURCE[_year],
            tags=("uk", "fptp", "parliament"),
            description=(
                "650 constituencies, one column per party; independents kept apart so none are added "
                "together; every constituency's plurality winner checked against the Library's."
            ),
            # each constituency elects its own member: the result is seats per party, not a national plurality
            facts={"year": _year, "rule": "districts"},
        )
    )
