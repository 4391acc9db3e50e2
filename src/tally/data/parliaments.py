"""Bundled seat-allocation data: Austrian Nationalrat party votes and the 2020 US census.

``facts`` give the rule and options the law uses, so ``tally seats ID`` allocates the
official way unless told otherwise, and the official seats to check against.
"""

from __future__ import annotations

import csv
from functools import partial
from typing import Any

import numpy as np

from ..errors import DataError
from . import DATA_DIR, Dataset, register

__all__ = ["AUSTRIA_YEARS", "load_census"]

AUSTRIA_FOLDER = "austria-nationalrat"
AUSTRIA_YEARS = {1994: 1, 1995: 2, 1999: 3, 2002: 4, 2006: 5, 2008: 6, 2013: 7, 2017: 8, 2019: 9}
CENSUS_FOLDER = "us-census-2020"


def _read_preflib(relative: str) -> Any:
    from ..io import read

    # The 2008 file lists two different parties named LINKE; they are told apart by number.
    return read(str(DATA_DIR / relative), format="preflib", duplicate_names="number")


for _year, _number in AUSTRIA_YEARS.items():
    _file = f"00057-{_number:08d}.cat"
    register(
        Dataset(
            id=f"austria-nationalrat-{_year}",
            title=f"Austria, Nationalrat {_year}: national party votes",
            kind="tallies",
            folder=AUSTRIA_FOLDER,
            loader=partial(_read_preflib, f"{AUSTRIA_FOLDER}/{_file}"),
            licence="GPL-3.0",
            source=f"PrefLib (preflib.org) dataset 00057 parliaments, {_file} (provided by Martin Lackner)",
            tags=("preflib", "party-list", "austria"),
            description="183 seats by D'Hondt on national votes among parties with at least 4 %; "
            "the file's official seat line is in metadata['official_results'].",
            facts={"rule": "dhondt", "seats": 183, "options": {"threshold": "4%"}, "file": _file},
        )
    )


def load_census() -> Any:
    """The 2020 apportionment populations as one-column Tallies (areas = states).

    The area attribute ``official_seats`` holds the seats the Census Bureau announced.
    """
    from ..ballots import Tallies

    path = DATA_DIR / CENSUS_FOLDER / "apportionment-2020.csv"
    states: list[str] = []
    population: list[float] = []
    seats: list[int] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        expected = ["state", "apportionment_population", "seats"]
        if reader.fieldnames != expected:
            raise DataError(f"{path}: header should be {','.join(expected)}, not {reader.fieldnames}")
        for line, row in enumerate(reader, start=2):
            try:
                population.append(float(int(row["apportionment_population"])))
                seats.append(int(row["seats"]))
            except (TypeError, ValueError):
                raise DataError(f"{path}, line {line}: population and seats must be whole numbers") from None
            states.append(row["state"])
    return Tallies(
        areas=tuple(states),
        candidates=("population",),
        votes=np.array(population).reshape(-1, 1),
        attributes={"official_seats": tuple(seats)},
        source=str(path),
        title="US House apportionment, 2020 census",
        metadata={"seats": sum(seats), "official_seats": dict(zip(states, seats))},
    )


register(
    Dataset(
        id="us-census-2020",
        title="US House apportionment, 2020 census (apportionment population by state)",
        kind="tallies",
        folder=CENSUS_FOLDER,
        loader=load_census,
        licence="public domain (US government work)",
        source="US Census Bureau, Table 1. Apportionment Population and Number of Representatives by State: "
        "2020 Census",
        tags=("us", "apportionment", "census"),
        description="435 seats by Huntington–Hill, one per state guaranteed; Minnesota took seat 435, "
        "New York would have had seat 436.",
        facts={"rule": "huntington_hill", "seats": 435, "options": {"min_seats": 1}},
    )
)
