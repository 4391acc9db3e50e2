"""Display names: people and parties as people say them, the sources' spellings kept and accepted."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import tally
from tally import data
from tally.cli import app
from tally.data import naming, naming_build, us
from tally.errors import ConfigError, DataError
from tally.names import RAW_NAMES, aliases, did_you_mean, find_candidate

runner = CliRunner()


def test_the_committed_tables_are_what_the_data_and_the_checked_rows_give(capsys):
    # every name every bundled file spells has a row, made by a rule or checked by hand;
    # a name no rule reads safely (L. NEIL, SMITH) would make this fail until checked
    assert naming_build.main([]) == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("GORE, AL", "Al Gore"),
        ("BUSH, GEORGE W.", "George W. Bush"),
        ("NADER, RALPH", "Ralph Nader"),
        ("L. NEIL, SMITH", "L. Neil Smith"),
        ('BUCHANAN, PATRICK "PAT"', "Pat Buchanan"),
    ],
)
def test_president_2000_shows_people_as_people_say_them(raw, shown):
    loaded = data.load("us-president-2000")
    assert shown in loaded.candidates and raw not in loaded.candidates
    assert loaded.metadata[RAW_NAMES][shown] == raw
    # the loader's own tallies (before naming) spell the source's name
    assert raw in us.president(2000).candidates


def test_alaska_maine_and_the_labour_leadership():
    assert set(data.load("alaska-2022-special").candidates) >= {"Mary Peltola", "Sarah Palin", "Nick Begich"}
    assert set(data.load("alaska-2022-special-summary").candidates) >= {"Mary Peltola", "Nick Begich"}
    assert {"Jared Golden", "Bruce Poliquin"} <= set(data.load("maine-2018-cd2").candidates)
    assert "Ed Miliband" in data.load("uk-labour-2010").candidates


def test_parties_and_the_district_and_party_metadata_are_renamed():
    uk = data.load("uk-general-2024")
    assert {"Labour", "Conservative", "Reform UK", "Liberal Democrat"} <= set(uk.candidates)
    # the constituency winners and the columns that are not parties use the same names
    assert set(uk.attributes["winner"]) <= set(uk.candidates)
    assert set(uk.metadata["non_party"]) <= set(uk.candidates)
    t = data.load("us-president-2000")
    assert t.parties["Al Gore"] == "Democratic" and t.parties["George W. Bush"] == "Republican"
    assert t.metadata["districts"].candidates == t.candidates
    house = data.load("us-house-2018")
    assert house.candidates[:2] == ("Democratic", "Republican")


def test_raw_names_and_surnames_are_accepted_wherever_a_candidate_is_named():
    t = data.load("us-president-2000")
    for query in ("Gore", "GORE, AL", "gore, al", "Al Gore"):
        assert find_candidate(query, t.candidates, t.totals(), aliases(t)) == "Al Gore"
    # the surname of the source's spelling: De La Fuente is one surname of three words
    t2020 = data.load("us-president-2020")
    assert find_candidate("De La Fuente", t2020.candidates, t2020.totals(), aliases(t2020)) == (
        "Rocky De La Fuente"
    )
    # the scenario language takes a name holding a comma in quotes
    out = runner.invoke(
        app, ["whatif", "us-president-2000", "--transfer", '"NADER, RALPH" -> Gore 50%', "--json"]
    )
    assert out.exit_code == 0, out.output
    # Florida (25) and New Hampshire (4) flip to Gore: 267 + 29
    assert json.loads(out.output)["electoral_votes"]["Al Gore"] == 267 + 25 + 4


def test_a_mistyped_candidate_gets_a_suggestion_not_a_list():
    t = data.load("us-president-2020")
    with pytest.raises(ConfigError, match=r"did you mean Joe Biden\?") as info:
        find_candidate("Bidem", t.candidates, t.totals(), aliases(t))
    assert "Donald Trump" not in str(info.value)


def test_did_you_mean():
    assert did_you_mean("shulze", ["schulze", "borda", "irv"]) == "did you mean schulze?"
    assert did_you_mean("xyz", ["schulze", "borda"]) == ""


def test_two_names_shown_alike_are_refused():
    ballots = tally.RankedBallots.from_rankings(["A", "B"], [["A", "B"]])
    with pytest.raises(DataError, match="alike"):
        naming.apply(ballots, {"A": "C", "B": "C"}, "test")
    renamed = naming.apply(ballots, {"A": "Alice"}, "test")
    assert renamed.candidates == ("Alice", "B") and renamed.metadata[RAW_NAMES] == {"Alice": "A"}
    assert tally.count(renamed, "irv").winners == ("Alice",)


def test_ec_names_al_gore_and_george_w_bush():
    result = runner.invoke(app, ["ec", "us-president-2000"])
    assert result.exit_code == 0, result.output
    assert "Al Gore" in result.output and "George W. Bush" in result.output
    assert "GORE, AL" not in result.output


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("BUSH, GEORGE H.W.", ("George H.W. Bush", "auto")),
        ("MCCAIN, JOHN", ("John McCain", "auto")),
        ("O'DONNELL, ANDREW", ("Andrew O'Donnell", "auto")),
        ("WALLS-WINDHAUSER, ANGELA", ("Angela Walls-Windhauser", "auto")),
        ("SHELTON, FRANK, JR.", ("Frank Shelton Jr.", "auto")),
        ("JADE SIMMONS", ("Jade Simmons", "auto")),
        ("Kamala Harris", ("Kamala Harris", "as published")),
        # never guessed: the given name first, an underscore, a suffix in the middle, a lost letter
        ("L. NEIL, SMITH", None),
        ('DENNIS "DENNY", LANE', None),
        ("Peltola_ Mary S.", None),
        ("JOHNSON JR. JAMES L.", None),
        ("JACOB?FAMBRO, PRINCESS", None),
        ("REP Poliquin, Bruce", None),
        ("D.Abbott", None),
    ],
)
def test_the_rules_for_people(raw, expected):
    assert naming_build.derive_person(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("PEACE AND FREEDOM", ("Peace and Freedom", "auto")),
        ("THE AMERICAN PARTY", ("The American Party", "auto")),
        ("U.S. TAXPAYERS", None),
        ("AWG", None),
        ("WAKE UP USA", None),
        ("BOB?S FOR JOBS", None),
    ],
)
def test_the_rules_for_parties(raw, expected):
    assert naming_build.derive_party(raw) == expected


@pytest.mark.parametrize(
    "module",
    [
        "tally.names",
        "tally.headlines",
        "tally.headlines._words",
        "tally.headlines.winners",
        "tally.headlines.changes",
        "tally.headlines.chambers",
        "tally.headlines.procedures",
        "tally.data.naming",
        "tally.data.naming_build",
    ],
)
def test_the_examples_in_the_docstrings(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
