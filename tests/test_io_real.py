"""The readers on real published files: every ballot read is accounted for.

The files are the bundled datasets under ``tally/data`` and a few test-only copies under
``tests/data`` (each folder with its source README). Expected figures come from the file
headers and the source READMEs.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from preflibtools.instances import CategoricalInstance, OrdinalInstance

import tally
from tally.ballots import OVERVOTE, SKIPPED
from tally.data import DATA_DIR

TESTS = Path(__file__).parent / "data"
PREFLIB = (
    sorted((DATA_DIR / "preflib").glob("*/*.to?"))
    + sorted((DATA_DIR / "preflib").glob("*/*.so?"))
    + sorted((TESTS / "preflib-vermont").glob("*.toc"))
)
AUSTRIA = sorted((DATA_DIR / "austria-nationalrat").glob("*.cat"))
SPECIAL = DATA_DIR / "alaska-2022" / "summaries-special-general"
SENATE = TESTS / "alaska-2022-summaries" / "USSenator"


def first_choices(ballots: tally.RankedBallots) -> dict[str, float]:
    first = ballots.choices[:, 0]
    return {c: float(ballots.weights[first == i].sum()) for i, c in enumerate(ballots.candidates)}


# -- PrefLib -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", PREFLIB, ids=[p.name for p in PREFLIB])
def test_preflib_total_is_number_voters_and_matches_preflibtools(path: Path) -> None:
    b = tally.read(str(path))
    assert b.total == b.metadata["number_voters"]
    assert len(b.weights) <= b.metadata["number_unique_orders"]
    # independent parse by PrefLib's own tools: same orders with the same multiplicities
    inst = OrdinalInstance(str(path))
    names = [inst.alternatives_name[i + 1].strip() for i in range(inst.num_alternatives)]
    # one pair of surrounding quotes goes (Minneapolis); a lone quote ('"Sorry') stays
    names = [n[1:-1].strip() if len(n) > 1 and n[0] == n[-1] == '"' else n for n in names]
    assert tuple(names) == b.candidates
    theirs: dict[tuple, float] = {}
    for order, count in inst.multiplicity.items():
        key = tuple(
            b.candidates[group[0] - 1] if len(group) == 1 else frozenset(b.candidates[a - 1] for a in group)
            for group in order
        )
        theirs[key] = theirs.get(key, 0) + count
    assert dict(b.rankings()) == theirs


def test_burlington_2009() -> None:
    b = tally.read(str(DATA_DIR / "preflib" / "00005-burlington" / "00005-00000002.toi"))
    assert b.total == 8980
    assert b.candidates == (
        "Bob Kiss",
        "Andy Montroll",
        "James Simpson",
        "Dan Smith",
        "Kurt Wright",
        "Write-In",
    )
    assert b.title == "2009 Burlington Mayoral Election"
    assert b.tie_sets  # marks at one rank stay ties, for the rule to judge
    assert b.metadata["number_unique_orders"] == 384


def test_burlington_2006() -> None:
    b = tally.read(str(DATA_DIR / "preflib" / "00005-burlington" / "00005-00000001.toi"))
    assert b.total == 9788


def test_minneapolis_names_lose_their_quotes() -> None:
    b = tally.read(str(DATA_DIR / "preflib" / "00018-minneapolis" / "00018-00000002.soi"))
    assert b.candidates[0] == "Nancy Bernard"
    assert not any(c.startswith('"') for c in b.candidates)


def test_vermont_complete_orders_with_ties() -> None:
    b = tally.read(str(TESTS / "preflib-vermont" / "00031-00000001.toc"))
    assert b.total == 1094
    assert dict(b.rankings())[(frozenset({"Conlon", "Lolli"}), "Kinzel")] == 331


@pytest.mark.parametrize("path", AUSTRIA, ids=[p.name for p in AUSTRIA])
def test_austrian_party_votes(path: Path) -> None:
    t = tally.read(str(path), duplicate_names="number")
    assert t.total + t.metadata["blank"] == t.metadata["number_voters"]
    assert t.metadata["seats"] == 183 == sum(t.metadata["official_results"].values())
    assert set(t.metadata["official_results"]) <= set(t.candidates)


@pytest.mark.parametrize("path", AUSTRIA, ids=[p.name for p in AUSTRIA])
def test_austrian_party_votes_match_preflibtools(path: Path) -> None:
    t = tally.read(str(path), duplicate_names="number")
    inst = CategoricalInstance(str(path))
    theirs = np.zeros(len(t.candidates))
    for categories, count in inst.multiplicity.items():
        (party,) = categories[0]
        theirs[party - 1] += count
    assert t.votes[0].tolist() == theirs.tolist()
    assert [inst.alternatives_name[i + 1] for i in range(len(t.candidates))] == [
        t.metadata.get("renamed", {}).get(c, c) for c in t.candidates
    ]


def test_austria_2019_official_results_and_utf8_names() -> None:
    t = tally.read(str(DATA_DIR / "austria-nationalrat" / "00057-00000009.cat"))
    assert t.metadata["official_results"] == {"ÖVP": 71, "SPÖ": 40, "FPÖ": 31, "NEOS": 15, "GRÜNE": 26}
    assert t.votes[0, t.candidates.index("ÖVP")] == 1789417
    assert t.total == 4777246


def test_austria_2008_has_two_parties_called_linke() -> None:
    path = str(DATA_DIR / "austria-nationalrat" / "00057-00000006.cat")
    with pytest.raises(tally.BallotError, match="duplicate candidate 'LINKE'"):
        tally.read(path, duplicate_names="error")
    with pytest.warns(tally.errors.TallyWarning, match="'LINKE'"):
        t = tally.read(path)
    assert {"LINKE (11)", "LINKE (13)"} <= set(t.candidates)


# -- Maine 2018 CD-2 ----------------------------------------------------------------------


def test_maine_aggregated_ballots() -> None:
    path = DATA_DIR / "maine-2018-cd2" / "me-cd2-2018-ballots-aggregated.csv"
    b = tally.read(str(path))
    with path.open(newline="") as handle:
        assert b.total == sum(int(row["count"]) for row in csv.DictReader(handle)) == 296077
    assert b.metadata["rows"] == 1564
    assert float(b.is_blank() @ b.weights) == 5711
    assert len(b.candidates) == 4
    # Round 1 under Maine's rules (an overvote or two skipped ranks before the first mark
    # exhaust the ballot), computed directly from the matrix.
    counts = dict.fromkeys(b.candidates, 0.0)
    for row, weight in zip(b.choices, b.weights):
        skipped = 0
        for code in row:
            if code == SKIPPED:
                skipped += 1
                continue
            if code >= 0 and skipped < 2:
                counts[b.candidates[code]] += weight
            break
    assert counts == {
        "REP Poliquin, Bruce": 134184,
        "DEM Golden, Jared F.": 132013,
        "Bond, Tiffany L.": 16552,
        "Hoar, William R.S.": 6875,
    }
    assert (b.choices == OVERVOTE).any()


# -- Alaska 2022 --------------------------------------------------------------------------


def test_alaska_special_general_profile() -> None:
    path = DATA_DIR / "alaska-2022" / "special_election_v1.ignore_ambig.profile"
    b = tally.read(str(path))
    lines = path.read_text().splitlines()[3:]
    assert b.total == sum(int(line.rsplit(":", 1)[1]) for line in lines if line.strip()) == 189112
    assert first_choices(b) == {
        "Begich_ Nick": 52774,
        "Palin_ Sarah": 58544,
        "Peltola_ Mary S.": 74820,
        "Write-in": 2974,
    }


def test_alaska_special_general_summary_and_head_to_heads() -> None:
    path = SPECIAL / "top-4-house_district.csv"
    b = tally.read(str(path))
    with path.open(newline="") as handle:
        total_row = next(row for row in csv.reader(handle) if row[0] == "Total")
    assert b.total == sum(int(cell) for cell in total_row[1:]) == 192289
    assert b.candidates == ("Begich", "Palin", "Peltola", "Write-in")
    pairwise = b.pairwise()
    i = {c: k for k, c in enumerate(b.candidates)}
    # the published head-to-head files and the full profile agree, count for count
    for a, z, a_votes, z_votes in (
        ("Begich", "Palin", 101217, 63616),
        ("Begich", "Peltola", 87854, 79451),
        ("Peltola", "Palin", 91265, 86024),
    ):
        assert (pairwise[i[a], i[z]], pairwise[i[z], i[a]]) == (a_votes, z_votes)
        pair = tally.read(str(SPECIAL / f"{'_'.join(sorted((a, z)))}-house_district.csv"))
        assert first_choices(pair)[a] == a_votes and first_choices(pair)[z] == z_votes
        assert pair.total == 192289


def test_alaska_summary_areas_add_up_to_the_total() -> None:
    path = str(SPECIAL / "top-4-house_district.csv")
    total = tally.read(path)
    areas = [a for a in total.metadata["areas"] if a != "Total"]
    assert len(areas) == 41  # House Districts 1..40 and 99
    assert sum(tally.read(path, area=a).total for a in areas) == total.total


def test_alaska_senate_final_pair() -> None:
    full = tally.read(str(SENATE / "top-5-house_district.csv"))
    assert full.total == 266797
    i = {c: k for k, c in enumerate(full.candidates)}
    pairwise = full.pairwise()
    assert (pairwise[i["Murkowski"], i["Tshibaka"]], pairwise[i["Tshibaka"], i["Murkowski"]]) == (
        136330,
        117528,
    )
    top2 = tally.read(str(SENATE / "top-2-house_district.csv"))
    assert top2.total == 266797
    assert first_choices(top2) == {"Murkowski": 136330, "Tshibaka": 117528}
    blank_rows = float(top2.is_blank() @ top2.weights)
    assert blank_rows == top2.metadata["blank"] + top2.metadata["exhausted"]
    assert np.isclose(top2.total, sum(first_choices(top2).values()) + blank_rows + 559)  # 559 overvotes
