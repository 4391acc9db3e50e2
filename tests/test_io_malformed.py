"""Every file of the malformed corpus fails with one clear, located BallotError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tally
from tally.errors import BallotError

CORPUS = Path(__file__).parent / "data" / "malformed"

# file, read() options, line the error must name, words of the problem it must name
CASES: list[tuple[str, dict[str, Any], int, str]] = [
    # PrefLib
    ("preflib_bad_header.toi", {}, 5, "not '# KEY: value'"),
    ("preflib_unknown_candidate.soi", {}, 11, "unknown candidate index 7"),
    ("preflib_negative_count.toi", {}, 11, "count -2 is negative"),
    ("preflib_nonnumeric_count.toi", {}, 11, "count 'x' is not a whole number"),
    ("preflib_count_mismatch.soi", {}, 5, "NUMBER VOTERS is 6 but the ballot counts add up to 5"),
    ("preflib_unique_mismatch.toi", {}, 6, "NUMBER UNIQUE ORDERS is 3 but the file has 2 ballot lines"),
    ("preflib_duplicate_candidate.soi", {"duplicate_names": "error"}, 9, "duplicate candidate 'Alice'"),
    ("preflib_missing_name.toi", {}, 4, "ALTERNATIVE NAME 4 is missing"),
    ("preflib_truncated.soi", {}, 11, "ends with a comma"),
    ("preflib_tie_in_strict.soi", {}, 10, "tie {2,3} in a strict-order"),
    ("preflib_incomplete.soc", {}, 11, "must rank all 3 alternatives"),
    ("preflib_repeated.toi", {}, 10, "appears twice"),
    ("preflib_unclosed_tie.toi", {}, 10, "never closed"),
    ("preflib_latin1.toi", {}, 9, "not UTF-8"),
    ("preflib_cat_two_parties.cat", {}, 14, "first category holds 2 alternatives"),
    ("preflib_official_unknown.cat", {}, 4, "unknown party 'Z'"),
    ("preflib_legacy_totals.toi", {}, 5, "voters 7 and sum of counts 6 differ"),
    # ranked CSV
    ("csv_ragged.csv", {}, 3, "ragged row: 5 fields where the header has 4"),
    ("csv_truncated.csv", {}, 4, "ragged row: 2 fields"),
    ("csv_negative_count.csv", {}, 3, "count -5 is negative"),
    ("csv_nonnumeric_count.csv", {}, 4, "count 'ten' is not a number"),
    # pyarrow cannot cast "1_000", so the counts are checked on the Python path there too
    ("csv_negative_count_after_underscore.csv", {}, 3, "count -5 is negative"),
    ("csv_empty_ballot_id.csv", {}, 3, "empty ballot id"),
    ("csv_duplicate_ballot_id.csv", {}, 4, "ballot id 'b1' appears twice"),
    ("csv_duplicate_column.csv", {}, 1, "'rank2' appears twice"),
    ("csv_unknown_candidate.csv", {"candidates": ["Alice", "Bob", "Carol"]}, 3, "unknown candidate 'Zed'"),
    ("csv_unknown_column.csv", {}, 1, "'notes' is not a rank, count"),
    ("csv_rank_gap.csv", {}, 1, "rank columns are numbered [1, 3]"),
    ("csv_latin1.csv", {}, 3, "not UTF-8"),
    # BLT
    ("blt_bad_header.blt", {}, 1, "must be 'candidates seats'"),
    ("blt_unknown_candidate.blt", {}, 3, "unknown candidate index 5"),
    ("blt_negative_weight.blt", {}, 3, "weight -1 is negative"),
    ("blt_nonnumeric_weight.blt", {}, 3, "weight 'w' is not a number"),
    ("blt_missing_terminator.blt", {}, 3, "does not end with 0"),
    ("blt_truncated.blt", {}, 3, "ends before the 0 line"),
    ("blt_too_few_names.blt", {}, 5, "2 candidate names for 3 candidates"),
    ("blt_duplicate_candidate.blt", {}, 6, "duplicate candidate 'A'"),
    ("blt_bad_withdrawn.blt", {}, 2, "withdrawn candidate -4"),
    ("blt_latin1.blt", {}, 5, "not UTF-8"),
    # approval / score CSV
    ("approval_not_01.csv", {"format": "approval"}, 3, "must be 0 or 1, not 2"),
    ("score_nonnumeric.csv", {"format": "score"}, 3, "score 'abc' is not a number"),
    ("score_negative_count.csv", {"format": "score"}, 3, "count -1 is negative"),
    ("score_ragged.csv", {"format": "score"}, 3, "ragged row: 2 fields"),
    ("score_duplicate_candidate.csv", {"format": "score"}, 1, "'Alice' appears twice"),
    ("score_out_of_range.csv", {"format": "score"}, 3, "score -1 is outside"),
    ("score_latin1.csv", {}, 1, "not UTF-8"),
    # tallies CSV
    ("tallies_duplicate_row.csv", {}, 4, "duplicate row for area 'North' and candidate 'Smith'"),
    ("tallies_negative_votes.csv", {}, 3, "votes -5 is negative"),
    ("tallies_nonnumeric_votes.csv", {}, 3, "votes 'many' is not a number"),
    ("tallies_attribute_conflict.csv", {}, 3, "attribute 'seats' of 'North'"),
    ("tallies_ragged.csv", {}, 3, "ragged row"),
    ("tallies_empty_candidate.csv", {}, 3, "empty candidate name"),
    ("tallies_wide_duplicate_area.csv", {}, 4, "area 'North' appears twice"),
    ("tallies_party_conflict.csv", {}, 3, "'Smith' is 'Red' here but 'Blue'"),
    ("tallies_latin1.csv", {}, 3, "not UTF-8"),
    # Alaska ranking profile
    ("profile_unknown_candidate.profile", {}, 5, "unknown candidate 'Carter'"),
    ("profile_negative_count.profile", {}, 5, "count -2 is negative"),
    ("profile_party_mismatch.profile", {}, 2, "2 parties for 3 candidates"),
    ("profile_bad_line.profile", {}, 5, "expected '(a,b,...) : count'"),
    ("profile_duplicate_candidate.profile", {}, 1, "duplicate candidate 'Adams'"),
    ("profile_truncated.profile", {}, 5, "expected '(a,b,...) : count'"),
    ("profile_latin1.profile", {}, 1, "not UTF-8"),
    # Alaska summary
    ("summary_total_mismatch-house_district.csv", {}, 5, "Total 8 is not the sum of the areas (7)"),
    ("summary_bad_count-house_district.csv", {}, 3, "count 'ten'"),
    ("summary_ragged-house_district.csv", {}, 3, "ragged row"),
    ("summary_choice_after_end-house_district.csv", {}, 3, "choice 'Baker' after the ranking ended"),
    ("summary_truncated-house_district.csv", {}, 3, "no area rows"),
    ("summary_latin1-house_district.csv", {}, 1, "not UTF-8"),
]


@pytest.mark.parametrize(("name", "options", "line", "problem"), CASES, ids=[c[0] for c in CASES])
def test_malformed_file_gives_one_located_error(
    name: str, options: dict[str, Any], line: int, problem: str
) -> None:
    path = CORPUS / name
    with pytest.raises(BallotError) as caught:
        tally.read(str(path), **options)
    message = str(caught.value)
    assert "\n" not in message
    assert name in message
    assert f"line {line}" in message
    assert caught.value.line == line
    assert problem in message


def test_corpus_is_fully_listed() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "README.md"}
    assert on_disk == {c[0] for c in CASES}


def test_every_format_has_malformed_cases() -> None:
    prefixes = {name.split("_")[0] for name, *_ in CASES}
    assert {"preflib", "csv", "blt", "approval", "score", "tallies", "profile", "summary"} <= prefixes


def test_wrong_encoding_error_names_the_byte() -> None:
    with pytest.raises(BallotError, match="byte 0xe9 at column 4"):
        tally.read(str(CORPUS / "csv_latin1.csv"))


CLI_CASES = [c for c in CASES if set(c[1]) <= {"format"}]


@pytest.mark.parametrize(("name", "options", "line", "problem"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_prints_one_line_not_a_traceback(
    name: str, options: dict[str, Any], line: int, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from tally.cli import main

    argv = ["count", str(CORPUS / name), "--rule", "plurality"]
    if "format" in options:
        argv += ["--format", options["format"]]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    assert name in err and f"line {line}" in err and problem in " ".join(err.split())
