"""US House results by district, votes summed per party, parsed from MEDSL's file (no cache).

:func:`build_house` gives one area per district (DC's delegate excluded), each
candidate's votes summed over the lines they stood on and credited to their party;
:func:`tally.data.us.house` loads it through the cache.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..ballots import Tallies
from ..names import OTHER
from .us_files import HOUSE, HOUSE_FILE, PSEUDO, records, whole_number

__all__ = ["build_house"]


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
    for line, rec in records(HOUSE, HOUSE_FILE):
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
        chosen = kinds.get("runoff") or kinds.get("general") or kinds["special"]
        cands: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        unopposed = False
        for line, rec in chosen:
            name = rec["candidate"].replace('""', '"').strip()
            if name.upper() in PSEUDO:
                name = OTHER
            if rec["candidatevotes"].strip() == "-1" and rec["totalvotes"].strip() == "-1":
                # FL 2020 marks one unopposed winner with -1 instead of the usual 1 vote
                n = 1
            else:
                n = whole_number(rec["candidatevotes"], file=HOUSE_FILE, line=line, field="candidatevotes")
            cands[name][rec["party"].strip()] += n
            unopposed = unopposed or (n == 1 and rec["totalvotes"].strip() in ("1", "0", "-1"))
        contests[key] = {
            "candidates": {c: sum(p.values()) for c, p in cands.items()},
            "party": {c: (OTHER if c == OTHER else _house_party(p)) for c, p in cands.items()},
            "unopposed": unopposed,
            "stage": "runoff" if kinds.get("runoff") else ("general" if kinds.get("general") else "special"),
        }
    return contests


def build_house(year: int) -> Tallies:
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
        source=f"{HOUSE}/{HOUSE_FILE}",
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
