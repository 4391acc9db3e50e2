"""Readers on inputs that once crashed, exhausted memory or counted something wrong
without a word: each now gives a located error, a warning naming what it saw, or the
right count."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import tally
from tally import limits
from tally.errors import BallotError, ConfigError, LimitError, TallyWarning

# file name, content, read() options, words the one-line error must hold
REFUSED: list[tuple[str, str, dict, str]] = [
    # every ballot blank: any winner would be a tie-break among candidates nobody marked
    ("blank.profile", "A,B\nX,Y\n-+-+-\n() : 5\n", {}, "none of the 5 ballots marks a candidate"),
    (
        "blank.soi",
        (
            "# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 2\n# NUMBER VOTERS: 5\n# NUMBER UNIQUE ORDERS: 1\n"
            "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n5: \n"
        ),
        {},
        "none of the 5 ballots marks a candidate",
    ),
    (
        "blank.json",
        json.dumps({"num_candidates": 2, "votes": [{"n": 4, "prefs": []}]}),
        {},
        "marks a candidate",
    ),
    ("zeros.csv", "count,Alice,Bob\n3,0,0\n2,0,\n", {"format": "approval"}, "none of the 5 ballots marks"),
    # a withdrawn field that leaves nobody to elect
    ("withdrawn.blt", '2 1\n-1 -2\n3 1 2 0\n0\n"A"\n"B"\n"t"\n', {}, "2 of the 2 candidates are withdrawn"),
    # a count past 2**53 is quoted as written, not as the float it rounds to
    (
        "big.blt",
        '2 1\n9007199254740993 1 2 0\n1 2 0\n0\n"A"\n"B"\n"t"\n',
        {},
        "weight 9007199254740993 is not",
    ),
    ("big.profile", "A,B\nX,Y\n-+-+-\n(A,B) : 9007199254740993\n", {}, "count 9007199254740993 is not"),
    (
        "big.json",
        json.dumps({"num_candidates": 2, "votes": [{"n": 2**53 + 1, "prefs": [0]}, {"n": 1, "prefs": [1]}]}),
        {},
        "votes[0]: count 9007199254740993 is not below 2**53",
    ),
    # RAIRE: declared sizes, numbers Python will not convert, nesting past the stack
    (
        "billion.json",
        json.dumps({"num_candidates": 10**9, "votes": [{"n": 1, "prefs": [0]}]}),
        {},
        "past the limit",
    ),
    (
        "digits.json",
        '{"num_candidates": 2, "votes": [{"n": 1' + "0" * 5000 + ', "prefs": [0]}]}',
        {},
        "not readable JSON",
    ),
    ("deep.json", "[" * 100_000 + "]" * 100_000, {"format": "raire"}, "not readable JSON"),
    # control characters in a name break every output that shows it
    ("nul.csv", "count,choice1,choice2\n5,Al\x00ice,Bob\n3,Bob,Alice\n", {}, "control character '\\x00'"),
    ("escape.csv", "count,choice1\n5,Ali\x1b[31mce\n3,Bob\n", {}, "control character '\\x1b'"),
    # score totals past what floating point adds exactly
    (
        "huge.csv",
        "voter,Alice,Bob\nv1,1e308,2\nv2,1e308,1\n",
        {"format": "score"},
        "could reach 2.0000000000000000e+308",
    ),
    ("past.csv", "voter,Alice,Bob\nv1,9007199254740993,2\nv2,3,1\n", {"format": "score"}, "not below 2**53"),
    # seats past the cap: divisor methods hand them out one by one
    (
        "seats.csv",
        "area,seats,Smith,Jones\nN,1000000000,100,50\n",
        {"format": "tallies"},
        "past the limit of 100,000 seats",
    ),
]


@pytest.mark.parametrize(("name", "content", "options", "words"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refused_with_one_located_line(tmp_path, name, content, options, words):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BallotError) as caught:
        tally.read(path, **options)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(str(path)), message
    assert words in message, message


@pytest.mark.parametrize("format", [None, "csv", "blt"])
def test_a_device_or_a_pipe_is_refused_before_it_is_read(tmp_path, format):
    """A device may never end and a pipe is gone once its head is read to tell the format."""
    import os

    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    with pytest.raises(BallotError, match="zero.csv: is not a regular file"):
        tally.read(link, format=format)
    fifo = tmp_path / "ballots.blt"
    os.mkfifo(fifo)  # nothing writes to it: opening it would wait for ever
    with pytest.raises(BallotError, match="ballots.blt: is not a regular file"):
        tally.read(fifo, format=format)


def test_decimal_scores_still_tie_exactly(tmp_path):
    """0.1 + 0.2 and 0.3 are equal totals: the score rule meets them as a tie."""
    path = tmp_path / "scores.csv"
    path.write_text("voter,A,B\nv1,0.1,0.3\nv2,0.2,0\n", encoding="utf-8")
    outcome = tally.count(tally.read(path, format="score"), "score")
    assert outcome.tied is True


@pytest.mark.parametrize(
    ("first", "second"),
    [("Alice", "Al\u200bice"), ("Mary Ann", "Mary\u00a0Ann"), ("José", "Jose\u0301")],
    ids=["zero-width space", "no-break space", "combining accent"],
)
def test_invisible_differences_are_named(tmp_path, first, second):
    path = tmp_path / "names.csv"
    path.write_text(f"count,choice1,choice2\n5,{first},Bob\n3,{second},Bob\n", encoding="utf-8")
    with pytest.warns(TallyWarning, match="differ only in case, accents or spacing") as seen:
        tally.read(path)
    assert repr(second) in str(seen[0].message)


def test_seats_option_past_the_cap(tmp_path):
    path = tmp_path / "votes.csv"
    path.write_text("area,Smith,Jones\nN,100,50\n", encoding="utf-8")
    votes = tally.read(path, format="tallies")
    with pytest.raises(LimitError, match="option seats 1,000,000,000 is past the limit of 100,000 seats"):
        tally.count(votes, "dhondt", seats=10**9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tally.count(votes, "dhondt", seats=3).details["seats"] == {"Smith": 2, "Jones": 1}


def test_sidecar_rules_of_unreadable_json(tmp_path):
    from tally.data.sources import parse_rules

    with pytest.raises(ConfigError, match="not readable JSON"):
        parse_rules("[" * 100_000, "x.rules.json")


# -- RCTab configs whose cvrFileSources point at the wrong kind of thing ---------------------------


def _config(folder: Path, file_path: str, sources: int = 1) -> Path:
    source = {
        "provider": "genericCsv",
        "filePath": file_path,
        "firstVoteColumnIndex": "2",
        "firstVoteRowIndex": "2",
        "idColumnIndex": "1",
    }
    config = {
        "outputSettings": {"contestName": "Edge", "outputDirectory": "output"},
        "cvrFileSources": [source] * sources,
        "candidates": [{"name": "Ann"}, {"name": "Bob"}],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": "exhaustImmediately",
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "maxSkippedRanksAllowed": "1",
            "maxRankingsAllowed": "2",
            "decimalPlacesForVoteArithmetic": "4",
            "minimumVoteThreshold": "0",
            "batchElimination": False,
            "exhaustOnDuplicateCandidate": False,
        },
    }
    path = folder / "edge_config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("target", "words"),
    [("folder", "is a folder; a genericCsv source is one file"), ("/dev/zero", "is not a regular file")],
)
def test_a_cvr_source_that_is_not_a_file(tmp_path, target, words):
    from tally.io.cvr import read_ballots
    from tally.rctab.config import load_config
    from tally.store import import_cvrs

    if target == "folder":
        (tmp_path / "cvr.csv").mkdir()
    else:
        (tmp_path / "cvr.csv").symlink_to(target)
    config = load_config(_config(tmp_path, "cvr.csv"))
    for read in (read_ballots, lambda c: import_cvrs(c, "edge")):
        with limits.use(store_wait=1), pytest.raises(BallotError) as caught:
            read(config)
        assert str(caught.value).startswith(f"{tmp_path / 'cvr.csv'}: {words}")


def test_a_config_that_is_a_device(tmp_path):
    from tally.rctab.config import load_config

    link = tmp_path / "zero_config.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(ConfigError, match="zero_config.json: not a regular file"):
        load_config(link)


def test_a_config_with_thousands_of_mistakes_stays_one_short_line(tmp_path):
    from tally.rctab.config import load_config

    (tmp_path / "cvr.csv").write_text("id,Ann,Bob\n1,1,2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(_config(tmp_path, "cvr.csv", sources=5000))
    assert "and 4,979 more problems" in str(caught.value)
    assert len(str(caught.value)) < 2000


# -- options and side files of other commands -------------------------------------------------------


def test_an_option_of_5000_digits_is_text_the_rule_refuses():
    from tally.compare import parse_options

    assert parse_options(["max_skipped=" + "9" * 5000])["max_skipped"] == "9" * 5000
    assert parse_options(["x=" + "[" * 100_000])["x"] == "[" * 100_000
    assert parse_options(["max_skipped=2"])["max_skipped"] == 2


@pytest.mark.parametrize(
    ("content", "words"),
    [(None, "is not a regular file"), (b"state,district,delegates\nCA,,\xe9\n", "line 2: not UTF-8")],
    ids=["device", "latin-1"],
)
def test_a_delegate_plan_that_cannot_be_read(tmp_path, content, words):
    from tally.io.delegates import read_plan

    plan = tmp_path / "plan.csv"
    if content is None:
        plan.symlink_to("/dev/zero")
    else:
        plan.write_bytes(content)
    with pytest.raises(BallotError, match=words):
        read_plan(str(plan))


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "is not a regular file"),
        ("[" * 100_000, "not readable JSON"),
        ('{"a": 1' + "0" * 5000 + "}", "not readable JSON"),
    ],
    ids=["device", "deep", "digits"],
)
def test_an_assertions_file_that_cannot_be_read(tmp_path, content, words):
    from tally.audit.assertions import read_assertions
    from tally.errors import AuditError

    path = tmp_path / "assertions.json"
    if content is None:
        path.symlink_to("/dev/zero")
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(AuditError, match=words) as caught:
        read_assertions(path, ["A", "B"])
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    ("model", "params", "voters"),
    [
        ("mallows", {}, 10**8),
        ("plackett_luce", {}, 10**8),
        ("spatial", {"dims": 10**8}, 1001),
        ("ic", {}, 10**7),
    ],
)
def test_a_simulation_too_large_to_draw_is_refused_before_drawing(model, params, voters):
    import numpy as np

    from tally.sim.electorates import generate

    candidates = 20 if model == "ic" else 3
    with pytest.raises(LimitError, match=f"{model} draws each voter: .* past the limit of 250,000,000 cells"):
        generate(model, np.random.default_rng(0), 2, voters, candidates, **params)


def test_simulations_past_the_elections_cap():
    from tally.sim.batch import SimSpec

    with pytest.raises(LimitError, match="elections 1,000,000,000,000 is past the limit of 10,000,000"):
        SimSpec(elections=10**12)


def _cvr_config(tmp_path: Path, csv_text: str, first_column: int = 2) -> Path:
    (tmp_path / "cvr.csv").write_text(csv_text, encoding="utf-8")
    path = _config(tmp_path, "cvr.csv")
    config = json.loads(path.read_text(encoding="utf-8"))
    config["cvrFileSources"][0]["firstVoteColumnIndex"] = str(first_column)
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def test_records_of_only_overvotes_are_refused_not_decided_by_lot(tmp_path):
    from tally.io.cvr import read_ballots, read_cvrs
    from tally.rctab.config import load_config

    config = load_config(_cvr_config(tmp_path, "id,Ann,Bob\n1,1,1\n2,1,1\n"))
    for read in (read_ballots, read_cvrs):
        with pytest.raises(BallotError, match="none of the 2 records in .* marks a single candidate"):
            read(config)


def test_two_columns_for_one_candidate_are_refused(tmp_path):
    from tally.io.cvr import read_ballots
    from tally.rctab.config import load_config
    from tally.store import import_cvrs

    config = load_config(_cvr_config(tmp_path, "id,Ann,Ann,Bob\n1,1,2,\n2,,,1\n"))
    for read in (read_ballots, lambda c: import_cvrs(c, "twice")):
        with pytest.raises(
            BallotError, match=r"column 3 \('Ann'\) is a second column for 'Ann' \(column 2\)"
        ):
            read(config)


def test_declared_candidates_without_a_column_are_named(tmp_path):
    """firstVoteColumnIndex one too far right: Ann's column is skipped, and she cannot win."""
    from tally.io.cvr import read_ballots
    from tally.rctab.config import load_config

    config = load_config(_cvr_config(tmp_path, "id,Ann,Bob\n1,1,2\n2,1,\n3,2,1\n", first_column=3))
    with pytest.warns(
        TallyWarning, match=r"'Ann' have no column among columns 3..3 \(firstVoteColumnIndex 3\)"
    ):
        ballots = read_ballots(config)
    assert ballots.candidates == ("Ann", "Bob")


@pytest.mark.parametrize("field", ["national_sd", "regional_sd", "state_sd"])
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_forecast_error_that_is_not_a_finite_number_is_refused(field, value):
    from tally.sim.forecast import ErrorModel

    with pytest.raises(ConfigError, match="must be finite numbers"):
        ErrorModel(**{field: value})


def test_an_id_column_that_is_also_a_rank_column_imports(tmp_path):
    """idColumnIndex pointing at a candidate column: the ids are its numbers, as the count reads them."""
    from tally.io.cvr import read_ballots
    from tally.rctab.config import load_config
    from tally.store import import_cvrs, load_ballots

    path = _cvr_config(tmp_path, "id,Ann,Bob\n1,1,2\n2,2,1\n3,1,\n")
    config = json.loads(path.read_text(encoding="utf-8"))
    config["cvrFileSources"][0]["idColumnIndex"] = "2"
    path.write_text(json.dumps(config), encoding="utf-8")
    config = load_config(path)
    with limits.use(store_wait=5):
        import_cvrs(config, "ids")
        stored = load_ballots("ids")
    assert stored.rankings() == read_ballots(config).rankings()
