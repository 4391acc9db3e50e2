"""The readers on small synthetic fixtures: what each format becomes, and read()'s dispatch."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import tally
from tally.ballots import OVERVOTE, SKIPPED, RankedBallots, ScoredBallots, Tallies
from tally.errors import BallotError, ConfigError
from tally.io import formats, read

DATA = Path(__file__).parent / "data" / "io"


def path(name: str) -> str:
    return str(DATA / name)


def as_dict(ballots: RankedBallots) -> dict[tuple, float]:
    return dict(ballots.rankings())


# -- read() and formats() ---------------------------------------------------------------


def test_formats_lists_every_reader_with_a_description() -> None:
    listed = formats()
    for name in ("preflib", "csv", "blt", "approval", "score", "tallies", "alaska-profile", "alaska-summary"):
        assert name in listed and listed[name].strip()


@pytest.mark.parametrize(
    ("name", "kind", "fmt"),
    [
        ("tiny.toi", RankedBallots, "preflib"),
        ("tiny.soc", RankedBallots, "preflib"),
        ("legacy.toi", RankedBallots, "preflib"),
        ("tiny.cat", Tallies, "preflib"),
        ("rows.csv", RankedBallots, "csv"),
        ("counted.csv", RankedBallots, "csv"),
        ("small.blt", RankedBallots, "blt"),
        ("approval.csv", ScoredBallots, "approval"),
        ("tallies_long.csv", Tallies, "tallies"),
        ("tallies_wide.csv", Tallies, "tallies"),
        ("small.profile", RankedBallots, "alaska-profile"),
        ("top-2-house_district.csv", RankedBallots, "alaska-summary"),
    ],
)
def test_detection_picks_the_reader_and_keeps_the_source(name: str, kind: type, fmt: str) -> None:
    ballots = read(path(name))
    assert isinstance(ballots, kind)
    assert ballots.source == path(name)
    assert ballots.metadata["format"] == fmt


def test_tally_read_is_io_read() -> None:
    assert as_dict(tally.read(path("tiny.toi"))) == as_dict(read(path("tiny.toi")))


def test_format_override_works_without_a_known_extension(tmp_path: Path) -> None:
    copy = tmp_path / "ballots.data"
    copy.write_bytes((DATA / "small.blt").read_bytes())
    assert read(str(copy)).metadata["format"] == "blt"  # sniffed from the content
    assert read(str(copy), format="blt").total == 10


def test_missing_file_is_a_ballot_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(BallotError, match="no such file") as caught:
        read(str(missing))
    assert "nope.csv" in str(caught.value)


def test_unreadable_path_is_a_ballot_error(tmp_path: Path) -> None:
    too_long = tmp_path / ("x" * 300 + ".csv")  # longer than any file system allows a name
    for fmt in (None, "csv"):
        with pytest.raises(BallotError, match="cannot read the file") as caught:
            read(str(too_long), format=fmt)
        assert "\n" not in str(caught.value)


def test_undetectable_format_names_the_file_and_the_formats(tmp_path: Path) -> None:
    odd = tmp_path / "mystery.bin"
    odd.write_text("hello there\nnothing to see\n")
    with pytest.raises(BallotError) as caught:
        read(str(odd))
    message = str(caught.value)
    assert "mystery.bin" in message and "preflib" in message and "alaska-summary" in message


def test_unknown_format_name_is_an_error() -> None:
    with pytest.raises(BallotError, match="unknown format 'xml'.*preflib"):
        read(path("tiny.toi"), format="xml")


def test_an_option_the_reader_lacks_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no option 'area'"):
        read(path("tiny.toi"), area="Total")


# -- PrefLib ------------------------------------------------------------------------------


def test_preflib_keeps_ties_names_title_and_header() -> None:
    b = read(path("tiny.toi"))
    assert b.candidates == ("Alice", "Bob Baker", "Çelik", "Write-In")  # quotes stripped, UTF-8 kept
    assert b.title == "Synthetic tie example"
    assert b.total == 10
    assert as_dict(b) == {
        ("Alice", "Bob Baker", "Çelik"): 4,
        ("Bob Baker", frozenset({"Alice", "Çelik"})): 3,
        (frozenset({"Çelik", "Write-In"}), "Alice"): 2,
        ("Write-In",): 1,
    }
    assert not b.is_strict()
    assert b.metadata["number_voters"] == 10 and b.metadata["data_type"] == "toi"


def test_preflib_cat_as_party_votes_and_as_approval() -> None:
    t = read(path("tiny.cat"))
    assert t.areas == ("all",)
    assert t.candidates == ("Grün", "Blau", "Rot")
    assert t.votes.tolist() == [[600, 300, 90]]
    assert t.metadata["blank"] == 10  # the {} first category: counted, not dropped
    assert t.total + t.metadata["blank"] == t.metadata["number_voters"]
    assert t.metadata["official_results"] == {"Grün": 3, "Blau": 2}
    assert t.metadata["seats"] == 5 and t.attributes["seats"] == (5,)
    a = read(path("tiny.cat"), as_="approval")
    assert isinstance(a, ScoredBallots) and a.kind == "approval"
    assert a.total == 1000
    approvals = dict(zip(a.candidates, (a.weights @ (a.filled() == 1))))
    assert approvals == {"Grün": 600, "Blau": 300, "Rot": 90}


def test_preflib_legacy_layout() -> None:
    b = read(path("legacy.toi"))
    assert b.candidates == ("Alice", "Bob", "Carol")
    assert as_dict(b) == {
        ("Alice", "Bob", "Carol"): 4,
        (frozenset({"Bob", "Carol"}), "Alice"): 2,
        ("Carol",): 1,
    }
    assert b.metadata["number_voters"] == 7


def test_preflib_duplicate_names_can_be_numbered(tmp_path: Path) -> None:
    text = (DATA.parent / "malformed" / "preflib_duplicate_candidate.soi").read_text()
    copy = tmp_path / "dup.soi"
    copy.write_text(text)
    b = read(str(copy), duplicate_names="number")
    assert b.candidates == ("Alice (1)", "Bob", "Alice (3)")
    assert b.metadata["renamed"] == {"Alice (1)": "Alice", "Alice (3)": "Alice"}


# -- ranked CSV --------------------------------------------------------------------------


def test_csv_one_ballot_per_row_with_provenance() -> None:
    b = read(path("rows.csv"))
    assert b.candidates == ("Alice", "Bob", "Carol", "Write-in")  # first appearance, row by row
    assert b.total == 6
    assert as_dict(b) == {
        ("Alice", "Bob"): 2,  # " Alice " trimmed; "undervote" and blank are skipped ranks
        ("Bob", "overvote", "Carol"): 1,
        (): 1,
        ("Write-in", "Alice", "Alice"): 1,  # a repeated candidate is kept as marked
        ("Carol", None, "Bob"): 1,
    }
    prov = b.provenance
    assert prov is not None and prov.ballot_ids == ("b1", "b2", "b3", "b4", "b5", "b6")
    assert prov.precincts() == ("P1", "P1", "P2", "P2", "P1", "P2")
    # ballots b1 and b3 were merged into one row; provenance still says where each went
    assert prov.row[0] == prov.row[2]
    assert b.rankings()[prov.row[1]][0] == ("Bob", "overvote", "Carol")


def test_csv_batch_column_is_provenance(tmp_path: Path) -> None:
    f = tmp_path / "batches.csv"
    f.write_text("batch,rank1,rank2\nB1,Alice,Bob\nB2,Bob,\nB1,Alice,Bob\n")
    b = read(str(f))
    assert b.total == 3 and as_dict(b) == {("Alice", "Bob"): 2, ("Bob",): 1}
    assert b.provenance is not None
    assert b.provenance.batch_names == ("B1", "B2")
    assert b.provenance.batch_codes.tolist() == [0, 1, 0]


def test_csv_counted_rows() -> None:
    b = read(path("counted.csv"))
    assert b.total == 15.5
    assert b.metadata["layout"] == "counted rows"
    assert as_dict(b)[("Alice", "overvote")] == 3  # OVERVOTE matched case-insensitively
    assert b.is_blank() @ b.weights == 2


def test_csv_declared_candidates_fix_the_order() -> None:
    b = read(path("counted.csv"), candidates=["Alice", "Bob", "Carol", "Dora"])
    assert b.candidates == ("Alice", "Bob", "Carol", "Dora")
    assert b.metadata["candidate_order"] == "declared"
    assert as_dict(b) == as_dict(read(path("counted.csv")))


def test_csv_custom_tokens(tmp_path: Path) -> None:
    f = tmp_path / "tokens.csv"
    f.write_text("rank1,rank2,rank3\nAlice,skip,Bob\nBob,OVER,\nAlice,undervote,\n")
    b = read(str(f), skipped=["skip"], overvote=["OVER"])
    assert as_dict(b) == {("Alice", None, "Bob"): 1, ("Bob", "overvote"): 1, ("Alice", "undervote"): 1}
    assert "undervote" in b.candidates  # no longer a token, so a (write-in-like) name


def test_csv_ignore_and_explicit_ranks(tmp_path: Path) -> None:
    f = tmp_path / "explicit.csv"
    f.write_text("first,second,style\nAlice,Bob,S1\nBob,,S2\n")
    b = read(str(f), format="csv", ranks=["first", "second"], ignore=["style"])
    assert as_dict(b) == {("Alice", "Bob"): 1, ("Bob",): 1}


def test_csv_large_file_matches_from_rankings(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    names = ["Ann", "Ben", "Cy", "Di", "Ed"]
    tokens = names + ["undervote", "overvote", ""]
    rows = rng.integers(0, len(tokens), size=(20_000, 4))
    f = tmp_path / "big.csv"
    lines = ["rank1,rank2,rank3,rank4"] + [",".join(tokens[i] for i in row) for row in rows]
    f.write_text("\n".join(lines) + "\n")
    b = read(str(f), candidates=names)

    def mark(i: int):
        t = tokens[i]
        return None if t in ("", "undervote") else t

    expected = RankedBallots.from_rankings(names, [[mark(i) for i in row] for row in rows])
    assert b.total == 20_000
    assert np.array_equal(b.choices, expected.choices)
    assert np.array_equal(b.weights, expected.weights)


def test_csv_reading_is_deterministic() -> None:
    one, two = read(path("rows.csv")), read(path("rows.csv"))
    assert one.candidates == two.candidates
    assert np.array_equal(one.choices, two.choices) and np.array_equal(one.weights, two.weights)


# -- BLT ---------------------------------------------------------------------------------


def test_blt_seats_withdrawn_ties_and_skips() -> None:
    b = read(path("small.blt"))
    assert b.candidates == ("Alice", "Bob", "Carol Chen", "Dave")
    assert b.title == "Synthetic committee election"
    assert b.metadata["seats"] == 2
    assert b.metadata["withdrawn"] == ("Dave",)
    assert as_dict(b) == {
        ("Alice", "Bob"): 3,
        ("Bob", frozenset({"Alice", "Carol Chen"})): 2,
        ("Carol Chen", None, "Alice"): 1,
        ("Dave",): 4,
    }


# -- approval / score --------------------------------------------------------------------


def test_approval_csv_infers_the_kind() -> None:
    a = read(path("approval.csv"))
    assert a.kind == "approval" and a.metadata["kind_inferred"] is True
    assert a.total == 22
    assert dict(zip(a.candidates, a.weights @ a.filled())) == {"Alice": 12, "Bob": 7, "Carol": 12}
    assert math.isnan(a.scores[next(i for i, w in enumerate(a.weights) if w == 7), 2])  # blank = unscored


def test_score_csv() -> None:
    with pytest.raises(BallotError, match="cannot tell the format"):
        read(path("score.csv"))  # numbers other than 0/1 might be rankings: never guessed
    s = read(path("score.csv"), format="score")
    assert s.kind == "score" and s.max_score == 5 and s.metadata["kind_inferred"] is False
    assert s.candidates == ("Alice", "Bob", "Carol")  # the voter column is not a candidate
    assert dict(zip(s.candidates, s.weights @ s.filled())) == {"Alice": 8, "Bob": 9, "Carol": 4}
    assert int(np.isnan(s.scores).sum()) == 1
    forced = read(path("approval.csv"), format="score", max_score=10)
    assert forced.kind == "score" and forced.max_score == 10


# -- tallies -----------------------------------------------------------------------------


def test_tallies_long_form() -> None:
    t = read(path("tallies_long.csv"))
    assert t.areas == ("North", "South") and t.candidates == ("Smith", "Jones", "Lee")
    assert t.votes.tolist() == [[1200, 800, 0], [500, 700, 100]]
    assert t.attributes == {"electoral_votes": (3, 5)}
    assert dict(t.parties) == {"Smith": "Blue", "Jones": "Red", "Lee": "Green"}


def test_tallies_wide_form() -> None:
    t = read(path("tallies_wide.csv"))
    assert t.candidates == ("Smith", "Jones", "Lee")
    assert t.votes.tolist() == [[1200, 800, 0], [500, 700, 100]]
    assert t.attributes == {"seats": (3, 5)}


# -- Alaska formats ----------------------------------------------------------------------


def test_profile() -> None:
    b = read(path("small.profile"))
    assert b.candidates == ("Adams_ Ann", "Baker_ Bo", "Write-in")
    assert b.metadata["parties"] == {"Adams_ Ann": "DEM", "Baker_ Bo": "REP", "Write-in": "NON"}
    assert as_dict(b) == {
        ("Adams_ Ann", "Baker_ Bo"): 10,
        ("Baker_ Bo",): 7,
        ("Write-in", "Adams_ Ann"): 2,
        (): 1,
    }


def test_profile_names_with_commas_restored() -> None:
    b = read(path("small.profile"), restore_commas=True)
    assert b.candidates == ("Adams, Ann", "Baker, Bo", "Write-in")
    assert b.metadata["names_in_file"] == ["Adams_ Ann", "Baker_ Bo", "Write-in"]
    assert as_dict(b)[("Adams, Ann", "Baker, Bo")] == 10


def test_summary_total_and_one_area() -> None:
    total = read(path("top-2-house_district.csv"))
    assert total.candidates == ("Adams", "Baker")
    assert as_dict(total) == {
        ("Adams", "Baker"): 15,
        ("Adams",): 7,
        ("Baker", "Adams"): 15,
        ("Baker", "overvote"): 1,
        ("overvote",): 1,
        (): 4,
    }
    assert total.metadata["blank"] == 1 and total.metadata["exhausted"] == 3
    a = read(path("top-2-house_district.csv"), area="District A")
    b = read(path("top-2-house_district.csv"), area="District B")
    assert a.total + b.total == total.total == 43
    with pytest.raises(BallotError, match="no area 'District Z'"):
        read(path("top-2-house_district.csv"), area="District Z")


def test_choice_codes_are_the_documented_ones() -> None:
    b = read(path("counted.csv"))
    assert {SKIPPED, OVERVOTE} <= set(np.unique(b.choices).tolist())


def test_csv_byte_order_mark_crlf_blank_lines_and_line_numbers(tmp_path: Path) -> None:
    f = tmp_path / "bom.csv"
    f.write_bytes(b"\xef\xbb\xbfrank1,rank2\r\nAlice,Bob\r\n,\r\n\r\nBob,Zed\r\n")
    b = read(str(f))
    assert b.candidates == ("Alice", "Bob", "Zed")
    assert as_dict(b) == {(): 1, ("Alice", "Bob"): 1, ("Bob", "Zed"): 1}  # the ",", row is a blank ballot
    with pytest.raises(BallotError) as caught:
        read(str(f), candidates=["Alice", "Bob"])
    assert caught.value.line == 5 and caught.value.field == "rank2"  # the blank line 4 is counted


def test_csv_header_only_reads_no_ballots_and_is_not_counted(tmp_path: Path) -> None:
    from tally.io.csv import read_csv

    f = tmp_path / "empty.csv"
    f.write_text("rank1,rank2\n")
    assert read_csv(str(f)).total == 0
    with pytest.raises(BallotError, match="names no candidate"):  # every candidate would tie
        read(str(f))


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "empty.csv"
    f.write_text("")
    with pytest.raises(BallotError, match="empty"):
        read(str(f))


def test_large_score_csv_merges_like_from_matrix(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 4, size=(12_000, 4)).astype(float)
    scores[rng.random(scores.shape) < 0.1] = np.nan
    counts = rng.integers(1, 5, size=12_000)
    f = tmp_path / "scores.csv"
    cells = [["" if np.isnan(v) else str(int(v)) for v in row] for row in scores]
    f.write_text(
        "count,A,B,C,D\n" + "\n".join(",".join([str(c), *row]) for c, row in zip(counts, cells)) + "\n"
    )
    got = read(str(f), format="score")
    expected = ScoredBallots.from_matrix(["A", "B", "C", "D"], scores, counts, kind="score", max_score=3)
    assert got.kind == "score" and got.total == counts.sum()
    assert np.array_equal(got.scores, expected.scores, equal_nan=True)
    assert np.array_equal(got.weights, expected.weights)


@pytest.mark.parametrize(
    ("header", "rank"),
    [
        ("rank1", 1),
        ("Rank 2", 2),
        ("choice_3", 3),
        ("CHOICE4", 4),
        ("pref5", 5),
        ("Preference #6", 6),
        ("1st choice", 1),
        ("2nd Choice", 2),
        ("3rd rank", 3),
        ("ballot_id", None),
        ("count", None),
        ("rankings", None),
    ],
)
def test_rank_column_names(header: str, rank: int | None) -> None:
    from tally.io.csv import rank_number

    assert rank_number(header) == rank


def test_rankings_written_per_candidate_column_are_not_taken_for_scores(tmp_path: Path) -> None:
    f = tmp_path / "cvr.csv"
    f.write_text("id,Candidate A,Candidate B,Candidate C\n1,1,2,3\n2,2,1,\n")
    with pytest.raises(BallotError, match="cannot tell the format"):
        read(str(f))


def test_wide_tallies_total_column_is_checked(tmp_path: Path) -> None:
    f = tmp_path / "wide.csv"
    f.write_text("county,Gore,Bush,Total\nAlachua,47300,34062,81362\nBaker,2392,5610,8003\n")
    with pytest.raises(BallotError) as caught:
        read(str(f))
    assert caught.value.line == 3 and caught.value.field == "Total"
    f.write_text("county,Gore,Bush,Total\nAlachua,47300,34062,81362\nBaker,2392,5610,8002\n")
    t = read(str(f))
    assert t.candidates == ("Gore", "Bush") and t.total == 81362 + 8002


def test_bad_option_values_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="as_"):
        read(path("tiny.cat"), as_="ranked-pairs")
    with pytest.raises(ConfigError, match="kind"):
        read(path("approval.csv"), kind="cardinal")
    with pytest.raises(ConfigError, match="duplicate_names"):
        read(path("tiny.toi"), duplicate_names="merge")


@pytest.mark.parametrize(
    ("name", "old", "new", "line"),
    [
        ("small.blt", "4 2\n", "4 \u00b2\n", 1),
        ("legacy.toi", "7,7,3\n", "7,7,\u00b3\n", 5),
        ("top-2-house_district.csv", '"District A","1"', '"District A","\u00b9"', 3),
    ],
)
def test_superscript_digits_are_refused_not_crashed_on(
    tmp_path: Path, name: str, old: str, new: str, line: int
) -> None:
    # str.isdigit() is true for "²" but int() refuses it: the check must use ASCII digits.
    text = (DATA / name).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BallotError) as caught:
        read(str(path))
    assert caught.value.line == line and name in str(caught.value)


def test_summary_header_with_a_line_break_gives_a_one_line_error(tmp_path: Path) -> None:
    text = (DATA / "top-2-house_district.csv").read_text(encoding="utf-8")
    path = tmp_path / "top-2-house_district.csv"
    path.write_text(
        text.replace('"Adams","Adams"', '"Ad\nams","Adams"', 1).replace('"10"', '"x"', 1), encoding="utf-8"
    )
    with pytest.raises(BallotError, match="not a whole non-negative number") as caught:
        read(str(path))
    assert "\n" not in str(caught.value)


def test_summary_area_list_with_a_line_break_stays_on_one_line(tmp_path: Path) -> None:
    text = (DATA / "top-2-house_district.csv").read_text(encoding="utf-8")
    path = tmp_path / "top-2-house_district.csv"
    path.write_text(text.replace('"Total"', '"Tot\nal"', 1), encoding="utf-8")
    with pytest.raises(BallotError, match="no area 'Total'") as caught:
        read(str(path))
    assert "\n" not in str(caught.value)


def test_score_cells_arrow_cannot_cast_are_read_like_python(tmp_path: Path) -> None:
    # pyarrow refuses "1_0", which float() reads: the column used to fail as a whole, unlocated.
    p = tmp_path / "s.csv"
    p.write_text("Alice,Bob,Carol\n1_0,2,\n3,,4\n", encoding="utf-8")
    s = read(str(p), format="score")
    assert dict(zip(s.candidates, s.weights @ s.filled())) == {"Alice": 13, "Bob": 2, "Carol": 4}
    assert s.max_score == 10
    p.write_text("Alice,Bob,Carol\n1_0,2,\n3,,x\n", encoding="utf-8")
    with pytest.raises(BallotError, match="score 'x' is not a number") as caught:
        read(str(p), format="score")
    assert caught.value.line == 3 and caught.value.field == "Carol"
