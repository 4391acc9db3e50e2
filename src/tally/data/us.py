"""US election results shipped with tally: president by state, House by district, Senate.

Each loader reads the published files in the dataset's folder (byte copies, see each
folder's README.md) and returns a :class:`~tally.ballots.Tallies`. The first load parses
the CSV and writes the result as Parquet in the store folder (``tally.store.home() /
"datasets"``), keyed by a hash of the source files and of this module, and registers it
as a DuckDB view ``"dataset/<id>"`` in the store database; later loads read the Parquet
(:func:`cached`). :func:`_table` is the one function that reads a published file.

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

import csv
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..errors import BallotError, DataError
from ..names import OTHER as _OTHER
from ..names import find_candidate, surname
from ..ties import TieBreaker
from . import DATA_DIR, Dataset, register

__all__ = [
    "FAITHLESS",
    "HOUSE_YEARS",
    "OTHER",
    "PRESIDENT_YEARS",
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

_PRES = "us-president"
_MEDSL_PRES = "1976-2020-president.csv"
_FTE_PRES = "538-election_results_presidential.csv"

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

# Rows that name no person: blank, void and over/under votes, "none of these", and party
# lines whose candidate the file does not name (2000's NOT DESIGNATED lumps Ohio's
# unaffiliated candidates, Nader among them; PROHIBITION, WORKERS WORLD are parties).
_PSEUDO = {
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


def _path(folder: str, name: str) -> Path:
    return DATA_DIR / folder / name


@functools.cache
def _table(folder: str, name: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """(header, rows) of a shipped CSV file, read once per process."""
    path = _path(folder, name)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = tuple(next(reader))
            rows = tuple(tuple(row) for row in reader)
    except FileNotFoundError as exc:
        raise DataError(f"bundled file {folder}/{name} is missing from the installation") from exc
    return header, rows


def _cache_dir() -> Path:
    """Where parsed datasets are kept as Parquet: the store's ``datasets`` folder."""
    from ..store import home

    return home() / "datasets"


def _register_views(key: str, files: Iterable[Path]) -> None:
    """Make the cached Parquet queryable in the store's DuckDB database as views
    ``"dataset/<key>"`` (and ``"dataset/<key>/districts"``). Another process holding the
    database only means the views wait for a later load."""
    import duckdb

    from ..errors import StoreBusy
    from ..store import connect

    try:
        views = []
        for path in files:
            view = f"dataset/{key}" + ("/districts" if path.name.endswith(".districts.parquet") else "")
            target = str(path).replace("'", "''")
            views.append(f"CREATE OR REPLACE VIEW \"{view}\" AS SELECT * FROM read_parquet('{target}')")
        connect(schema=";\n".join(views)).close()
    except (OSError, duckdb.Error, StoreBusy):
        pass


_CACHE_VERSION = "1"


def _fingerprint(files: Iterable[tuple[str, str]]) -> str:
    import hashlib

    digest = hashlib.sha256(_CACHE_VERSION.encode())
    # the loader's own source is part of the key: a changed parser never reads an old cache
    digest.update(Path(__file__).read_bytes())
    for folder, name in files:
        digest.update(_path(folder, name).read_bytes())
    return digest.hexdigest()[:16]


def _tallies_to_table(t: Tallies) -> Any:
    import json

    import pyarrow as pa

    from ..outcome import to_jsonable

    columns = {"area": pa.array(t.areas, pa.string())}
    for j, cand in enumerate(t.candidates):
        columns[f"votes:{j}"] = pa.array(t.votes[:, j], pa.float64())
    for name, values in t.attributes.items():
        columns[f"attr:{name}"] = pa.array([json.dumps(to_jsonable(v)) for v in values], pa.string())
    meta = {k: v for k, v in t.metadata.items() if k != "districts"}
    info = {
        "candidates": list(t.candidates),
        "parties": dict(t.parties),
        "source": t.source,
        "title": t.title,
        "metadata": to_jsonable(meta),
        "attributes": list(t.attributes),
    }
    return pa.table(columns).replace_schema_metadata({"tally": json.dumps(info)})


def _tallies_from_table(table: Any) -> Tallies:
    import json

    info = json.loads(table.schema.metadata[b"tally"])
    n = len(info["candidates"])
    # to_pylist, not to_numpy: pyarrow's to_numpy imports pandas, which costs a second
    columns = [np.array(table.column(f"votes:{j}").to_pylist(), dtype=np.float64) for j in range(n)]
    votes = np.column_stack(columns) if n else np.zeros((table.num_rows, 0))
    attributes = {
        name: tuple(json.loads(v) for v in table.column(f"attr:{name}").to_pylist())
        for name in info["attributes"]
    }
    metadata = dict(info["metadata"])
    for key, value in list(metadata.items()):
        if isinstance(value, list):  # JSON has no tuples; the loaders use tuples
            metadata[key] = tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return Tallies(
        tuple(table.column("area").to_pylist()),
        tuple(info["candidates"]),
        np.ascontiguousarray(votes, dtype=np.float64),
        attributes=attributes,
        parties=info["parties"],
        source=info["source"],
        title=info["title"],
        metadata=metadata,
    )


def cached(key: str, files: Iterable[tuple[str, str]], build: Any) -> Tallies:
    """``build()`` once per version of the source files; later loads read Parquet.

    The cache file is named by ``key`` and a hash of the source files' bytes, so an
    edited file is parsed again. A cache that cannot be written (read-only home) only
    costs speed.
    """
    import pyarrow.parquet as pq

    files = tuple(files)
    folder = _cache_dir()
    stem = folder / f"{key}-{_fingerprint(files)}"
    main, extra = stem.with_suffix(".parquet"), Path(f"{stem}.districts.parquet")
    if main.exists():
        try:
            tallies = _tallies_from_table(pq.ParquetFile(main).read())
            if extra.exists():
                meta = dict(tallies.metadata)
                meta["districts"] = _tallies_from_table(pq.ParquetFile(extra).read())
                tallies = Tallies(
                    tallies.areas,
                    tallies.candidates,
                    tallies.votes,
                    attributes=tallies.attributes,
                    parties=tallies.parties,
                    source=tallies.source,
                    title=tallies.title,
                    metadata=meta,
                )
            return tallies
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache file is rebuilt from the published data below
    tallies = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(_tallies_to_table(tallies), main)
        dist = tallies.metadata.get("districts")
        written = [main]
        if isinstance(dist, Tallies):
            pq.write_table(_tallies_to_table(dist), extra)
            written.append(extra)
    except OSError:
        return tallies
    _register_views(key, written)
    return tallies


def _records(folder: str, name: str) -> Iterable[tuple[int, dict[str, str]]]:
    header, rows = _table(folder, name)
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise BallotError(
                f"expected {len(header)} fields, got {len(row)}", file=f"{folder}/{name}", line=number
            )
        yield number, dict(zip(header, row))


def _int(value: str, *, file: str, line: int, field: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BallotError(
            f"not a whole number of votes: {value!r}", file=file, line=line, field=field
        ) from None
    if number < 0:
        raise BallotError(f"negative number of votes: {number}", file=file, line=line, field=field)
    return number


# --------------------------------------------------------------------------- president


@functools.cache
def _electoral_votes(year: int) -> dict[str, int]:
    """Electoral votes per state name (upper case) in ``year``."""
    if year >= 2024:
        # The 2020-census apportionment is used from 2024 (README: Votes2020).
        out = {}
        for line, rec in _records(_PRES, "electoral.csv"):
            out[rec["State"].strip().upper()] = _int(
                rec["Votes2020"], file="electoral.csv", line=line, field="Votes2020"
            )
        return out
    out = {}
    for line, rec in _records(_PRES, "electoralvotes.csv"):
        if rec["year"] == str(year) and rec["votes"].strip():
            out[rec["state"].strip().upper()] = _int(
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
    if name.upper() in _PSEUDO:
        return OTHER
    return _NAME_FIXES.get((rec["year"], name), name)


def _fte_rows(year: int, abbrevs: set[str] | None = None) -> list[tuple[int, dict[str, str]]]:
    """General-election rows of the FiveThirtyEight file for ``year`` (first RCV round only)."""
    out = []
    for line, rec in _records(_PRES, _FTE_PRES):
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


def _line_ranges(numbers: list[int]) -> str:
    """File lines as compact ranges: "lines 12-20, 35"."""
    out: list[str] = []
    for n in sorted(numbers):
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))  # type: ignore[arg-type]
    return "lines " + ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in out)


def _build_president(year: int) -> Tallies:
    ev_by_name = _electoral_votes(year)
    votes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    parties: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    order: dict[str, int] = defaultdict(int)
    lines: dict[str, list[int]] = defaultdict(list)
    rows_used = 0
    if year <= 2020:
        source = f"{_PRES}/{_MEDSL_PRES}"
        for line, rec in _records(_PRES, _MEDSL_PRES):
            if rec["year"] != str(year):
                continue
            state = rec["state_po"]
            cand = _medsl_name(rec)
            n = _int(rec["candidatevotes"], file=_MEDSL_PRES, line=line, field="candidatevotes")
            votes[state][cand] += n
            names[state] = rec["state"].strip().upper()
            order[cand] += n
            lines[state].append(line)
            if cand != OTHER:
                parties[cand][rec["party_simplified"] or rec["party_detailed"]] += n
            rows_used += 1
    else:
        source = f"{_PRES}/{_FTE_PRES}"
        for line, rec in _fte_rows(year):
            state = rec["state_abbrev"]
            if len(state) != 2 or state == "PR" or state[0] in "MN" and state[1].isdigit():
                continue
            if not rec["votes"].strip():
                raise BallotError(
                    "general-election row without votes", file=_FTE_PRES, line=line, field="votes"
                )
            cand = _fte_name(rec)
            n = _int(rec["votes"], file=_FTE_PRES, line=line, field="votes")
            votes[state][cand] += n
            names[state] = rec["state"].strip().upper()
            order[cand] += n
            lines[state].append(line)
            if cand != OTHER:
                party = {"DEM": "DEMOCRAT", "REP": "REPUBLICAN", "LIB": "LIBERTARIAN"}.get(
                    rec["ballot_party"], "OTHER"
                )
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
            "source": tuple(f"{source} {_line_ranges(lines[s])}" for s in states),
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
            raise BallotError("district row without votes", file=_FTE_PRES, line=line, field="votes")
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
        votes[area][name] += _int(rec["votes"], file=_FTE_PRES, line=line, field="votes")
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
            "source": tuple(f"{_PRES}/{_FTE_PRES} {_line_ranges(lines[a])}" for a in areas),
        },
        source=f"{_PRES}/{_FTE_PRES}",
        title=f"US presidential election {year}, Maine and Nebraska congressional districts",
        metadata={"year": year},
    )


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
        (_PRES, _MEDSL_PRES if year <= 2020 else _FTE_PRES),
        (_PRES, _FTE_PRES),
        (_PRES, "electoralvotes.csv" if year <= 2020 else "electoral.csv"),
    ]
    return cached(f"us-president-{year}", files, functools.partial(_build_president, year))


def districts(tallies: Tallies) -> Tallies | None:
    """The congressional-district tallies attached to presidential tallies, if any."""
    from ..rules.composite import district_tallies

    return district_tallies(tallies)


@functools.cache
def florida_2000() -> Tallies:
    """Florida 2000 by county from the classic carData file (machine counts, not certified)."""
    name = "florida2000.csv"
    header, _ = _table(_PRES, name)
    candidates = tuple(h for h in header if h not in ("County", "Total"))
    areas, rows = [], []
    for line, rec in _records(_PRES, name):
        counts = [_int(rec[c], file=name, line=line, field=c) for c in candidates]
        total = _int(rec["Total"], file=name, line=line, field="Total")
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
        source=f"{_PRES}/{name}",
        title="Florida presidential election 2000, by county (early machine counts, not certified)",
        metadata={"year": 2000, "office": "US President", "jurisdiction": "Florida", "certified": False},
    )


# --------------------------------------------------------------------------- House

_HOUSE = "us-house"
_HOUSE_FILE = "1976-2020-house.csv"


# State affiliates of the national parties, under the national party's name.
_AFFILIATES = {
    "DEMOCRATIC-FARMER-LABOR": "DEMOCRAT",
    "DEMOCRATIC-NPL": "DEMOCRAT",
    "DEMOCRATIC-NONPARTISAN LEAGUE": "DEMOCRAT",
    "DEMOCRATIC-FARM-LABOR": "DEMOCRAT",
    "INDEPENDENT-REPUBLICAN": "REPUBLICAN",
}


# Ballot labels that name no party: list-PR comparisons give them no list seats.
_NON_PARTY = re.compile(
    r"^(INDEPENDENT|NO +PARTY.*|NO +AFFILIATION|UNAFFILIATED|UNENROLLED|NONPARTISAN|"
    r"UNKNOWN|WRITE-?IN.*|OTHER|CHECK THIS COLUMN)$"
)


def _house_party(lines: Mapping[str, int]) -> str:
    # A fusion candidate belongs to the major party whose line they stood on, else to
    # the line that gave them most votes.
    lines = {_AFFILIATES.get(p, p): n for p, n in lines.items()}
    for major in ("DEMOCRAT", "REPUBLICAN"):
        if major in lines:
            return major
    best = max(lines.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return best or "UNKNOWN"


@functools.cache
def _house_contests(year: int) -> dict[tuple[str, int], dict[str, Any]]:
    """Per district: the candidates (votes summed over lines) and their party."""
    groups: dict[tuple[str, int], dict[str, list[tuple[int, dict[str, str]]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for line, rec in _records(_HOUSE, _HOUSE_FILE):
        if rec["year"] != str(year) or rec["state_po"] == "DC":
            continue
        if rec["runoff"] == "TRUE":
            kind = "runoff"
        elif rec["special"] == "TRUE" and rec["stage"] == "GEN":
            kind = "special"
        else:
            kind = "general"  # includes Texas 1996's all-party November contests (stage PRI)
        groups[(rec["state_po"], int(rec["district"]))][kind].append((line, rec))
    contests = {}
    for key, kinds in groups.items():
        chosen = kinds.get("runoff") or kinds.get("general") or kinds.get("special")
        cands: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        unopposed = False
        for line, rec in chosen:
            name = rec["candidate"].replace('""', '"').strip()
            if name.upper() in _PSEUDO:
                name = OTHER
            if rec["candidatevotes"].strip() == "-1" and rec["totalvotes"].strip() == "-1":
                # FL 2020 marks one unopposed winner with -1 instead of the usual 1 vote
                n = 1
            else:
                n = _int(rec["candidatevotes"], file=_HOUSE_FILE, line=line, field="candidatevotes")
            cands[name][rec["party"].strip()] += n
            unopposed = unopposed or (n == 1 and rec["totalvotes"].strip() in ("1", "0", "-1"))
        contests[key] = {
            "candidates": {c: sum(p.values()) for c, p in cands.items()},
            "party": {c: (OTHER if c == OTHER else _house_party(p)) for c, p in cands.items()},
            "unopposed": unopposed,
            "stage": "runoff" if kinds.get("runoff") else ("general" if kinds.get("general") else "special"),
        }
    return contests


@functools.cache
def house(year: int) -> Tallies:
    """US House results of ``year`` by district, votes summed per party.

    Each candidate's votes are summed over the lines they stood on and credited to their
    party (:func:`_house_party`); two candidates of one party in a district (California's
    top-two) are added together, which keeps the district's winning party right.
    Districts whose winner was unopposed and reported with 1 vote have
    ``unopposed = True``. Attributes: ``state``, ``seats`` (1), ``unopposed``,
    ``winner`` (the winning candidate's name), ``runoff``.
    """
    if year not in HOUSE_YEARS:
        raise DataError(f"no House election in {year} in the bundled data; years 1976-2020 every two years")
    return cached(f"us-house-{year}", [(_HOUSE, _HOUSE_FILE)], functools.partial(_build_house, year))


def _build_house(year: int) -> Tallies:
    contests = _house_contests(year)
    totals: dict[str, float] = defaultdict(float)
    for c in contests.values():
        for cand, n in c["candidates"].items():
            totals[c["party"][cand]] += n
    parties = tuple(sorted(totals, key=lambda p: (p == OTHER, -totals[p], p)))
    keys = sorted(contests)
    matrix = np.zeros((len(keys), len(parties)))
    winners = []
    for i, key in enumerate(keys):
        c = contests[key]
        for cand, n in c["candidates"].items():
            matrix[i, parties.index(c["party"][cand])] += n
        top = max(c["candidates"].items(), key=lambda kv: kv[1])[0]
        winners.append(top)
    return Tallies(
        areas=tuple(f"{s}-{d:02d}" if d else f"{s}-AL" for s, d in keys),
        candidates=parties,
        votes=matrix,
        attributes={
            "state": tuple(s for s, _ in keys),
            "seats": tuple(1 for _ in keys),
            "unopposed": tuple(contests[k]["unopposed"] for k in keys),
            "winner": tuple(winners),
            "runoff": tuple(contests[k]["stage"] == "runoff" for k in keys),
        },
        source=f"{_HOUSE}/{_HOUSE_FILE}",
        title=f"US House elections {year}, by district (votes per party)",
        metadata={
            "year": year,
            "office": "US House",
            "jurisdiction": "United States",
            "pseudo_candidates": (OTHER,),
            "rule": "plurality",
            "non_party": tuple(p for p in parties if _NON_PARTY.match(p)),
        },
    )


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
    t = _build_house(year)
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
    for line, rec in _records(_SENATE, _SENATE_FILE):
        if rec["state_abbrev"] != state or rec["cycle"] != str(year) or not rec["ranked_choice_round"]:
            continue
        if rec["stage"] != "general":
            continue
        number = _int(rec["ranked_choice_round"], file=_SENATE_FILE, line=line, field="ranked_choice_round")
        name = rec["candidate_name"].strip() or rec["alt_result_text"].strip() or OTHER
        if not rec["votes"].strip():
            continue  # a candidate eliminated before this round has no count in it
        rounds[number][name] = rounds[number].get(name, 0.0) + _int(
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
            folder=_PRES,
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
        folder=_PRES,
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
            folder=_HOUSE,
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
