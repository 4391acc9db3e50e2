"""The published files of the US datasets: where they are and how a row of them is read.

:func:`table` is the one function that reads a published file (each once per process);
:func:`records` gives its rows as dicts with their line numbers, refusing a row of the
wrong width; :func:`whole_number` reads a count of votes, refusing anything but a whole
number of at least 0, naming the file, line and field.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable
from pathlib import Path

from ..errors import BallotError, DataError
from . import DATA_DIR

__all__ = [
    "FTE_PRES",
    "HOUSE",
    "HOUSE_FILE",
    "MEDSL_PRES",
    "PRES",
    "PSEUDO",
    "line_ranges",
    "path_of",
    "records",
    "table",
    "whole_number",
]

PRES = "us-president"
MEDSL_PRES = "1976-2020-president.csv"
FTE_PRES = "538-election_results_presidential.csv"
HOUSE = "us-house"
HOUSE_FILE = "1976-2020-house.csv"

# Rows that name no person: blank, void and over/under votes, "none of these", and party
# lines whose candidate the file does not name (2000's NOT DESIGNATED lumps Ohio's
# unaffiliated candidates, Nader among them; PROHIBITION, WORKERS WORLD are parties).
PSEUDO = {
    "",
    "OTHER",
    "OTHERS",
    "SCATTERING",
    "BLANK VOTE",
    "BLANK VOTES",
    "BLANK VOTE/SCATTERING",
    "BLANK VOTE/VOID VOTE/SCATTERING",
    "NONE OF THESE CANDIDATES",
    "NONE OF THE ABOVE",
    "VOID",
    "VOID VOTE",
    "OVER VOTE",
    "OVERVOTES",
    "UNDER VOTE",
    "UNDERVOTES",
    "WRITEIN",
    "WRITE-IN",
    "NOT DESIGNATED",
    "NONPARTISAN",
    "UNAFFILIATED",
    "PROHIBITION",
    "WORKERS WORLD",
}


def path_of(folder: str, name: str) -> Path:
    """The bundled file ``name`` of the dataset folder ``folder``."""
    return DATA_DIR / folder / name


@functools.cache
def table(folder: str, name: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """(header, rows) of a shipped CSV file, read once per process."""
    path = path_of(folder, name)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = tuple(next(reader))
            rows = tuple(tuple(row) for row in reader)
    except FileNotFoundError as exc:
        raise DataError(f"bundled file {folder}/{name} is missing from the installation") from exc
    return header, rows


def records(folder: str, name: str) -> Iterable[tuple[int, dict[str, str]]]:
    """(line number, row as a dict by the header) for each row of a shipped CSV file."""
    header, rows = table(folder, name)
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise BallotError(
                f"expected {len(header)} fields, got {len(row)}", file=f"{folder}/{name}", line=number
            )
        yield number, dict(zip(header, row))


def whole_number(value: str, *, file: str, line: int, field: str) -> int:
    """A number of votes from a field of a published file (a whole number, 0 or more)."""
    try:
        number = int(value)
    except ValueError:
        raise BallotError(
            f"not a whole number of votes: {value!r}", file=file, line=line, field=field
        ) from None
    if number < 0:
        raise BallotError(f"negative number of votes: {number}", file=file, line=line, field=field)
    return number


def line_ranges(numbers: list[int]) -> str:
    """File lines as compact ranges: "lines 12-20, 35"."""
    out: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return "lines " + ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in out)
