"""CVR readers against RCTab's own cases, and bad-input handling for each format."""

from __future__ import annotations

import json
import warnings
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from tally.ballots import OVERVOTE, SKIPPED
from tally.count.walk import Walk
from tally.errors import BallotError
from tally.io.cvr import (
    OVERVOTE_MARK,
    UWI_NAME,
    CastVoteRecord,
    contest_candidates,
    cvrs_to_ballots,
    read_ballots,
    read_cvrs,
)
from tally.options import Reading
from tally.rctab.config import load_config, parse_config

CASES = Path(__file__).parent / "data" / "rctab" / "cases"
SLOW = {"2013_minneapolis_park_bottoms_up", "2013_minneapolis_park_hare", "2013_minneapolis_park_sequential"}
_OVERVOTE_RULES = {
    "exhaustImmediately": "exhaust",
    "alwaysSkipToNextRank": "skip",
    "exhaustIfMultipleContinuing": "exhaust_if_multiple",
}


def _cases_with_reports() -> list:
    out = []
    for config in sorted(CASES.glob("*/*_config.json")):
        reports = sorted(config.parent.glob("*expected_detailed_report.json"))
        if reports:
            marks = [pytest.mark.slow] if config.parent.name in SLOW else []
            out.append(pytest.param(config, reports[0], id=config.parent.name, marks=marks))
    return out


@pytest.mark.parametrize(("config_path", "report_path"), _cases_with_reports())
def test_case_round_one_matches_rctab(config_path, report_path):
    """Reading every case's CVRs reproduces RCTab's ballot count, undervotes and round 1.

    Round 1 needs every mark read right: names, aliases, codes, write-ins, overvotes,
    skipped ranks and duplicates all shape who each ballot counts for first.
    """
    config = load_config(config_path)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # e.g. Dominion sessions left out
        cvrs = read_cvrs(config)
    summary = report["summary"]
    assert len(cvrs) == Decimal(summary["totalNumBallots"])
    assert sum(1 for c in cvrs if not any(c.marks)) == summary["undervotes"]

    names = contest_candidates(config, cvrs)
    ballots = cvrs_to_ballots(cvrs, names)
    assert ballots.total == len(cvrs)
    rules = config.rules
    walk = Walk(
        ballots,
        Reading(
            overvote=_OVERVOTE_RULES[rules.overvote_rule],
            max_skipped=rules.max_skipped_ranks,
            repeated="exhaust" if rules.exhaust_on_duplicate else "skip",
        ),
        excluded=frozenset(names.index(n) for n in config.excluded_names),
    )
    tally = walk.tally()
    expected = report["results"][0]["tally"]
    got = {name: Decimal(int(tally[i])) for i, name in enumerate(names) if name not in config.excluded_names}
    if UWI_NAME in got and UWI_NAME not in expected:
        assert got.pop(UWI_NAME) == 0
    assert got == {name: Decimal(v) for name, v in expected.items()}
    inactive = walk.inactive()
    exp_inactive = report["results"][0]["inactiveBallots"]
    assert Decimal(int(inactive["overvote"])) == Decimal(exp_inactive["overvotes"])
    assert Decimal(int(inactive["skipped"])) == Decimal(exp_inactive["skippedRankings"])
    assert Decimal(int(inactive["repeated"])) == Decimal(exp_inactive["repeatedRankings"])
    assert Decimal(int(inactive["exhausted"])) == Decimal(exp_inactive["exhaustedChoices"])


def test_max_ranking_enforcement_case_fails_naming_the_ballot():
    config = load_config(CASES / "max_ranking_enforcement" / "max_ranking_enforcement_config.json")
    with pytest.raises(BallotError) as err:
        read_cvrs(config)
    assert "maxRankingsAllowed" in str(err.value)
    assert err.value.file.endswith("max_ranking_enforcement_cvr.csv")
    assert err.value.line == 2


def test_dominion_records_carry_rctab_ids_and_portions():
    config = load_config(CASES / "dominion_alaska" / "dominion_alaska_config.json")
    cvrs = read_cvrs(config)
    first = cvrs[0]
    assert first.ballot_id == "42-1-1"
    assert (first.tabulator_id, first.batch, first.supplied_id) == ("42", "1", "1")
    assert first.precinct_portion == "Precinct 1"
    assert first.marks[0] == ("Michael R. Bloomberg",)
    assert first.marks[2] == (UWI_NAME,)


def test_dominion_multi_file_reads_every_export_file():
    config = load_config(CASES / "dominion_multi_file" / "dominion_multi_file_config.json")
    files = {Path(c.file).name for c in read_cvrs(config)}
    assert files == {"CvrExport_1.json", "CvrExport_2.json", "CvrExport_3.json", "CvrExport_6.json"}


def test_overvote_delimiter_cells_become_tie_sets():
    config = load_config(CASES / "test_set_overvote_delimiter" / "test_set_overvote_delimiter_config.json")
    cvrs = read_cvrs(config)
    multi = [rank for c in cvrs for rank in c.marks if len(rank) > 1]
    assert multi, "the case holds delimited overvotes"
    ballots = cvrs_to_ballots(cvrs, contest_candidates(config, cvrs))
    assert ballots.tie_sets and not ballots.is_strict()


# -- small synthetic files: each format's bad input -------------------------------------

BASE_RULES = {
    "tiebreakMode": "useCandidateOrder",
    "overvoteRule": "alwaysSkipToNextRank",
    "winnerElectionMode": "singleWinnerMajority",
    "numberOfWinners": "1",
    "decimalPlacesForVoteArithmetic": "4",
    "maxSkippedRanksAllowed": "unlimited",
    "maxRankingsAllowed": "3",
}


def make_config(tmp_path: Path, source: dict, candidates=None, rules=None):
    raw = {
        "outputSettings": {"contestName": "T"},
        "cvrFileSources": [source],
        "candidates": candidates or [{"name": "Alice", "aliases": ["A"]}, {"name": "Bob"}, {"name": "Carol"}],
        "rules": {**BASE_RULES, **(rules or {})},
    }
    return parse_config(raw, folder=tmp_path, path=tmp_path / "c_config.json")


def test_generic_csv_ranks_ties_and_unknown_header(tmp_path):
    (tmp_path / "cvr.csv").write_text("id,A,Bob,Carol,W\nr1,1,2,,\nr2,1,1,,2\nr3,,,,\n", encoding="utf-8")
    source = {
        "provider": "genericCsv",
        "filePath": "cvr.csv",
        "firstVoteColumnIndex": "2",
        "firstVoteRowIndex": "2",
        "idColumnIndex": "1",
        "undeclaredWriteInLabel": "W",
    }
    cvrs = read_cvrs(make_config(tmp_path, source))
    assert [c.ballot_id for c in cvrs] == ["r1", "r2", "r3"]
    assert cvrs[0].marks == (("Alice",), ("Bob",))
    assert cvrs[1].marks == (("Alice", "Bob"), (UWI_NAME,))
    assert cvrs[2].marks == ()
    (tmp_path / "cvr.csv").write_text("id,A,Bobby\nr1,1,2\n", encoding="utf-8")
    with pytest.raises(BallotError, match="'Bobby'") as err:
        read_cvrs(make_config(tmp_path, source))
    assert err.value.line == 1
    (tmp_path / "cvr.csv").write_text("id,A,Bob\nr1,1,x\n", encoding="utf-8")
    with pytest.raises(BallotError, match="'x'") as err:
        read_cvrs(make_config(tmp_path, source))
    assert err.value.line == 2 and err.value.field == "Bob"


def test_ess_workbook_labels_delimiter_and_unknown_name(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Id", "Precinct", "Choice 1", "Choice 2", "Choice 3"])
    sheet.append([1, "P1", "A ", "undervote", "Bob"])
    sheet.append([2, None, "Bob|Carol", "UWI", None])
    sheet.append([3, "P2", "overvote", "Carol", None])
    book.save(tmp_path / "cvr.xlsx")
    source = {
        "provider": "ess",
        "filePath": "cvr.xlsx",
        "firstVoteColumnIndex": "3",
        "firstVoteRowIndex": "2",
        "idColumnIndex": "1",
        "precinctColumnIndex": "2",
        "skippedRankLabel": "undervote",
        "undeclaredWriteInLabel": "UWI",
        "overvoteDelimiter": "|",
    }
    with pytest.raises(BallotError, match="'overvote'") as err:  # no overvote label configured
        read_cvrs(make_config(tmp_path, source))
    assert err.value.line == 4 and err.value.field == "rank 1"
    del source["overvoteDelimiter"]
    source["overvoteLabel"] = "overvote"
    with pytest.raises(BallotError, match="'Bob|Carol'"):  # no delimiter configured now
        read_cvrs(make_config(tmp_path, source))
    sheet["C3"] = "Bob"
    book.save(tmp_path / "cvr.xlsx")
    cvrs = read_cvrs(make_config(tmp_path, source))
    assert [c.supplied_id for c in cvrs] == ["1", "2", "3"]
    assert [c.ballot_id for c in cvrs] == ["cvr.xlsx-1", "cvr.xlsx-2", "cvr.xlsx-3"]
    assert [c.precinct for c in cvrs] == ["P1", "missing_precinct_id", "P2"]
    assert cvrs[0].marks == (("Alice",), (), ("Bob",))
    assert cvrs[1].marks == (("Bob",), (UWI_NAME,))
    assert cvrs[2].marks == ((OVERVOTE_MARK,), ("Carol",))
    ballots = cvrs_to_ballots(cvrs, ["Alice", "Bob", "Carol", UWI_NAME])
    assert OVERVOTE in ballots.choices


def test_ess_delimited_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["Id", "Choice 1", "Choice 2"])
    book.active.append([1, "Bob | Carol", "A"])
    book.active.append([2, "Bob||Carol", None])
    book.save(tmp_path / "cvr.xlsx")
    source = {
        "provider": "ess",
        "filePath": "cvr.xlsx",
        "firstVoteColumnIndex": "2",
        "firstVoteRowIndex": "2",
        "overvoteDelimiter": "|",
    }
    with pytest.raises(BallotError, match="blank part") as err:
        read_cvrs(make_config(tmp_path, source))
    assert err.value.line == 3
    book.active.delete_rows(3)
    book.save(tmp_path / "cvr.xlsx")
    (cvr,) = read_cvrs(make_config(tmp_path, source))
    assert cvr.marks == (("Bob", "Carol"), ("Alice",))


def test_clear_ballot_contest_filter_and_bad_cell(tmp_path):
    head = [
        "RowNumber",
        "BoxID",
        "BoxPosition",
        "BallotID",
        "PrecinctID",
        "BallotStyleID",
        "PrecinctStyleName",
        "ScanComputerName",
        "Status",
        "Remade",
    ]
    choice = "Choice_{i}_1:Race, One:{r}:Number of Winners 1:{n}:NON"
    cols = [choice.format(i=i, r=r, n=n) for i, n in enumerate(["Alice", "Bob"]) for r in (1, 2)]
    cols.append("Choice_9_1:Other:1:Number of Winners 1:Zed:NON")
    lines = [
        ",".join(f'"{h}"' for h in head + cols),
        "1,B,1,X1,7,1,S,PC,0,0,1,0,0,1,1",
        "2,B,2,X2,8,1,S,PC,0,0,1,0,1,0,0",
    ]
    (tmp_path / "cb.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    source = {"provider": "clearBallot", "filePath": "cb.csv", "contestId": "Race, One"}
    cvrs = read_cvrs(make_config(tmp_path, source))
    assert [(c.ballot_id, c.precinct) for c in cvrs] == [("X1", "7"), ("X2", "8")]
    assert cvrs[0].marks == (("Alice",), ("Bob",))
    assert cvrs[1].marks == (("Alice", "Bob"),)
    lines[2] = "2,B,2,X2,8,1,S,PC,0,0,1,0,2,0,0"
    (tmp_path / "cb.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BallotError, match="'2'") as err:
        read_cvrs(make_config(tmp_path, source))
    assert err.value.line == 3


def test_cdf_json_unknown_candidate_is_refused(tmp_path):
    path = CASES / "test_set_0_skipped_first_choice" / "test_set_0_skipped_first_choice_cvr.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["Election"][0]["Candidate"][0]["Name"] = "Somebody Else"
    (tmp_path / "cdf.json").write_text(json.dumps(data), encoding="utf-8")
    config = load_config(
        CASES / "test_set_0_skipped_first_choice" / "test_set_0_skipped_first_choice_config.json"
    )
    raw = json.loads(
        (CASES / "test_set_0_skipped_first_choice" / "test_set_0_skipped_first_choice_config.json").read_text(
            encoding="utf-8"
        )
    )
    raw["cvrFileSources"][0]["filePath"] = "cdf.json"
    config = parse_config(raw, folder=tmp_path)
    with pytest.raises(BallotError, match="'Somebody Else'") as err:
        read_cvrs(config)
    assert err.value.file.endswith("cdf.json") and err.value.field.startswith("CVR ")


def test_missing_source_file_is_a_ballot_error(tmp_path):
    source = {
        "provider": "genericCsv",
        "filePath": "nope.csv",
        "firstVoteColumnIndex": "1",
        "firstVoteRowIndex": "2",
    }
    with pytest.raises(BallotError, match="not found"):
        read_cvrs(make_config(tmp_path, source))


# -- cvrs_to_ballots ---------------------------------------------------------------------


def test_cvrs_to_ballots_codes_and_provenance():
    cvrs = [
        CastVoteRecord("b1", (("A",), (), ("B",)), precinct="p1", batch="x"),
        CastVoteRecord("b2", ((OVERVOTE_MARK,), ("B", "A")), precinct="p2"),
        CastVoteRecord("b3", (("A",), (), ("B",)), precinct="p1", batch="y"),
        CastVoteRecord("b4", ()),
    ]
    ballots = cvrs_to_ballots(cvrs, ["A", "B"])
    assert ballots.total == 4
    assert len(ballots.weights) == 3  # b1 and b3 merge
    rows = dict(ballots.rankings())
    assert rows[("A", None, "B")] == 2.0
    assert rows[("overvote", frozenset({"A", "B"}))] == 1.0
    assert rows[()] == 1.0
    prov = ballots.provenance
    assert prov.ballot_ids == ("b1", "b2", "b3", "b4")
    assert prov.precincts() == ("p1", "p2", "p1", "")
    assert prov.batches() == ("x", "", "y", "")
    assert prov.row[0] == prov.row[2] != prov.row[1]
    blank_row = ballots.choices[prov.row[3]]
    assert np.all(blank_row == SKIPPED)
    with pytest.raises(BallotError, match="'C'"):
        cvrs_to_ballots([CastVoteRecord("b9", (("C",),), file="f.csv", line=7)], ["A", "B"])


@pytest.mark.parametrize(
    "case",
    [
        "2015_portland_mayor_codes",
        "test_set_overvote_delimiter",
        "first_round_determines_threshold_test",
        "generic_csv_test",
        "dominion_multi_file",
        "test_set_treat_blank_as_undeclared_write_in",
    ],
)
def test_read_ballots_equals_records_path(case):
    config = load_config(CASES / case / f"{case}_config.json")
    cvrs = read_cvrs(config)
    slow = cvrs_to_ballots(cvrs, contest_candidates(config, cvrs))
    fast = read_ballots(config)
    assert fast.candidates == slow.candidates
    assert fast.rankings() == slow.rankings()
    assert fast.provenance.ballot_ids == slow.provenance.ballot_ids == tuple(c.ballot_id for c in cvrs)
    assert fast.provenance.precincts() == tuple(c.precinct or "" for c in cvrs) or not any(
        c.precinct for c in cvrs
    )


def _copy_case_with_source(tmp_path: Path, case: str, source_dir: str) -> dict:
    import shutil

    raw = json.loads((CASES / case / f"{case}_config.json").read_text(encoding="utf-8"))
    src = (CASES / case / raw["cvrFileSources"][0]["filePath"]).resolve()
    shutil.copytree(src, tmp_path / source_dir)
    raw["cvrFileSources"][0]["filePath"] = source_dir
    return raw


def test_dominion_unknown_candidate_id_names_file_and_record(tmp_path):
    raw = _copy_case_with_source(tmp_path, "dominion_multi_file", "dom")
    export = tmp_path / "dom" / "CvrExport_2.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    for session in data["Sessions"]:
        for card in session["Original"].get("Cards", [session["Original"]]):
            for contest in card["Contests"]:
                if str(contest["Id"]) == "13" and contest["Marks"]:
                    contest["Marks"][0]["CandidateId"] = 999
                    break
            else:
                continue
            break
        else:
            continue
        break
    export.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BallotError, match="'999'") as err:
        read_cvrs(parse_config(raw, folder=tmp_path))
    assert err.value.file.endswith("CvrExport_2.json") and "record" in err.value.field


def test_hart_unknown_option_guid_names_the_file(tmp_path):
    raw = _copy_case_with_source(tmp_path, "hart_cedar_park_school_board", "hart")
    guid = raw["candidates"][0]["aliases"][0]
    target = next(
        p for p in sorted((tmp_path / "hart").glob("*.xml")) if guid in p.read_text(encoding="utf-8-sig")
    )
    target.write_text(
        target.read_text(encoding="utf-8-sig").replace(guid, "00000000-0000-0000-0000-000000000000"),
        encoding="utf-8",
    )
    with pytest.raises(BallotError, match="00000000-0000") as err:
        read_cvrs(parse_config(raw, folder=tmp_path))
    assert err.value.file == str(target)


# -- damaged files: one located BallotError, never another exception ----------------------


def test_generic_csv_blank_row_is_an_undervote_and_bad_bytes_are_located(tmp_path):
    source = {
        "provider": "genericCsv",
        "filePath": "cvr.csv",
        "firstVoteColumnIndex": "1",
        "firstVoteRowIndex": "2",
    }
    # A row of empty cells is a ballot with no rankings (RCTab counts it); an empty line is none.
    (tmp_path / "cvr.csv").write_text("A,Bob,Carol\n1,2,\n,,\n\n,1,\n", encoding="utf-8")
    cvrs = read_cvrs(make_config(tmp_path, source))
    assert [c.marks for c in cvrs] == [(("Alice",), ("Bob",)), (), (("Bob",),)]
    assert [c.line for c in cvrs] == [2, 3, 5]
    (tmp_path / "cvr.csv").write_text("A,Bob,Carol\n+1,2,\n1_0,,\n", encoding="utf-8")
    with pytest.raises(BallotError, match="expected a rank number, got '1_0'") as err:  # int() would take it
        read_cvrs(make_config(tmp_path, source))
    assert err.value.line == 3
    # Far enough down that the text layer decodes it in a later buffer than the header.
    (tmp_path / "cvr.csv").write_bytes(b"A,Bob,Carol\n" + b"1,2,\n,1,\n" * 5000 + b'2,1,"Caf\xe9"\n')
    with pytest.raises(BallotError, match="not UTF-8 text: byte 0xe9") as err:
        read_cvrs(make_config(tmp_path, source))
    assert err.value.line == 10002 and err.value.file.endswith("cvr.csv")


def test_clear_ballot_bad_bytes_are_located(tmp_path):
    head = [
        "RowNumber",
        "BoxID",
        "BoxPosition",
        "BallotID",
        "PrecinctID",
        "BallotStyleID",
        "PrecinctStyleName",
        "ScanComputerName",
        "Status",
        "Remade",
        "Choice_1_1:R:1:Number of Winners 1:Alice:NON",
    ]
    data = (",".join(head) + "\n1,B,1,X1,7,1,S,PC,0,0,1\n2,B,2,X\xff,7,1,S,PC,0,0,0\n").encode("latin-1")
    (tmp_path / "cb.csv").write_bytes(data)
    source = {"provider": "clearBallot", "filePath": "cb.csv", "contestId": "R"}
    with pytest.raises(BallotError, match="not UTF-8") as err:
        read_cvrs(make_config(tmp_path, source))
    assert err.value.line == 3


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda s: s["Original"].update(Cards=True), "malformed session"),
        (lambda s: s["Original"].update(Cards=["card"]), "malformed session"),
        (lambda s: s.update(Original="x"), "malformed session"),
        (
            lambda s: [
                m.update(Rank=True)
                for c in s["Original"].get("Cards", [s["Original"]])
                for k in c["Contests"]
                for m in k["Marks"]
            ],
            "no integer Rank",
        ),
    ],
)
def test_dominion_values_of_the_wrong_type_name_the_session(tmp_path, damage, problem):
    raw = _copy_case_with_source(tmp_path, "dominion_multi_file", "dom")
    export = tmp_path / "dom" / "CvrExport_2.json"
    data = json.loads(export.read_text(encoding="utf-8"))
    # The first session marking the contest, so that every damage is met.
    position = next(
        i
        for i, s in enumerate(data["Sessions"])
        for c in s["Original"].get("Cards", [s["Original"]])
        for k in c["Contests"]
        if str(k["Id"]) == "13" and k["Marks"]
    )
    damage(data["Sessions"][position])
    export.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BallotError, match=problem) as err:
        read_cvrs(parse_config(raw, folder=tmp_path))
    assert err.value.file.endswith("CvrExport_2.json") and err.value.field.startswith(
        f"session {position + 1}"
    )


def test_dominion_export_that_is_not_utf8_names_the_line(tmp_path):
    raw = _copy_case_with_source(tmp_path, "dominion_multi_file", "dom")
    export = tmp_path / "dom" / "CvrExport_2.json"
    export.write_bytes(b'{\n "Sessions": [\n "\xe9"]}')
    with pytest.raises(BallotError, match="not UTF-8") as err:
        read_cvrs(parse_config(raw, folder=tmp_path))
    assert err.value.line == 3


@pytest.mark.parametrize(
    ("damage", "field"),
    [
        (lambda d: d["CVR"].__setitem__(1, "x"), "CVR 2"),
        (lambda d: d["CVR"][0]["CVRSnapshot"][0].__setitem__("CVRContest", ["x"]), "CVR 1"),
        (lambda d: d["Election"][0].__setitem__("Candidate", [1, 2]), "Election"),
    ],
)
def test_cdf_values_of_the_wrong_type_name_the_record(tmp_path, damage, field):
    case = CASES / "test_set_0_skipped_first_choice"
    data = json.loads((case / "test_set_0_skipped_first_choice_cvr.json").read_text(encoding="utf-8"))
    damage(data)
    (tmp_path / "cdf.json").write_text(json.dumps(data), encoding="utf-8")
    raw = json.loads((case / "test_set_0_skipped_first_choice_config.json").read_text(encoding="utf-8"))
    raw["cvrFileSources"][0]["filePath"] = "cdf.json"
    with pytest.raises(BallotError, match="malformed CDF") as err:
        read_cvrs(parse_config(raw, folder=tmp_path))
    assert err.value.file.endswith("cdf.json") and err.value.field == field
    (tmp_path / "cdf.json").write_text("[]", encoding="utf-8")
    with pytest.raises(BallotError, match="must be a JSON object"):
        read_cvrs(parse_config(raw, folder=tmp_path))


def _district_9_config(tmp_path: Path, max_rankings: str) -> dict:
    """San Francisco's 2020 District 9 contest from the Dominion export RCTab tests with: one
    regular candidate (Hillary Ronen, id 42), a qualified write-in (Bud Ryerson, 138) and
    other write-ins (132), on a ballot offering 3 ranks (NumOfRanks in the manifest)."""
    raw = _copy_case_with_source(tmp_path, "dominion_multi_file", "dom")
    raw["cvrFileSources"][0]["contestId"] = "16"
    raw["cvrFileSources"][0]["undeclaredWriteInLabel"] = "132"
    raw["candidates"] = [
        {"name": "Hillary Ronen", "aliases": ["42"], "excluded": False},
        {"name": "Bud Ryerson", "aliases": ["138"], "excluded": False},
    ]
    raw["rules"]["maxRankingsAllowed"] = max_rankings
    return raw


def test_dominion_max_rankings_max_reads_more_ranks_than_declared_candidates(tmp_path):
    # RCTab 2.x: "max" sets no limit of its own; the contest's 3 ranks bound the marks,
    # although only 2 candidates are declared (a third-rank mark used to be refused).
    config = parse_config(_district_9_config(tmp_path, "max"), folder=tmp_path)
    assert config.rules.rankings_limit is None
    cvrs = read_cvrs(config)
    assert max(len(c.marks) for c in cvrs) == 3
    assert any(c.marks[2] for c in cvrs if len(c.marks) == 3)


def test_dominion_max_rankings_number_still_bounds_the_ranks(tmp_path):
    config = parse_config(_district_9_config(tmp_path, "2"), folder=tmp_path)
    with pytest.raises(BallotError, match=r"rank 3 exceeds maxRankingsAllowed \(2\)"):
        read_cvrs(config)
