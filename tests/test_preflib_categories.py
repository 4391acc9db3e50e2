"""PrefLib files read as what they are: approval sets read as approval, two alternatives
of one name told apart with a warning (from the library and from the command line)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import tally
from tally.ballots import ScoredBallots, Tallies
from tally.errors import BallotError, TallyWarning
from tally.io import read

DATA = Path(__file__).parent / "data"


def test_a_cat_file_of_approval_sets_is_read_as_approval_without_being_told():
    a = read(str(DATA / "io" / "approval.cat"))
    assert isinstance(a, ScoredBallots) and a.kind == "approval"
    assert "first category is named 'Yes'" in a.metadata["read_as"]
    # approvals counted by hand from the file: Ash 4, Birch 4+3+2, Cedar 2, Dogwood 2
    approvals = dict(zip(a.candidates, a.weights @ (a.filled() == 1)))
    assert approvals == {"Ash": 4, "Birch": 9, "Cedar": 2, "Dogwood": 2}
    assert a.total == 10  # the blank ballot is read too
    assert tally.count(a, "approval").winners == ("Birch",)


def test_unnamed_categories_with_several_approved_are_approval_sets():
    a = read(str(DATA / "io" / "approval_unnamed.cat"))
    assert a.kind == "approval" and "line 12 approves several alternatives" in a.metadata["read_as"]


def test_a_party_vote_file_stays_party_votes_and_as_forces_a_reading():
    t = read(str(DATA / "io" / "tiny.cat"))
    assert isinstance(t, Tallies) and "read_as" not in t.metadata
    forced = read(str(DATA / "io" / "tiny.cat"), as_="approval")
    assert forced.kind == "approval" and forced.metadata["read_as"] == "approval ballots, as asked"
    # approval sets cannot be party votes: asked to, the reader names the first such line
    with pytest.raises(BallotError, match="line 14: the first category holds 2 alternatives"):
        read(str(DATA / "io" / "approval.cat"), as_="tallies")


def test_a_cat_file_named_as_a_single_vote_with_several_in_the_first_category_is_refused():
    with pytest.raises(BallotError, match="line 14.*first category holds 2"):
        read(str(DATA / "malformed" / "preflib_cat_two_parties.cat"))


def test_two_alternatives_of_one_name_get_distinct_names_and_a_warning():
    with pytest.warns(TallyWarning, match="'Jo Smith'.*Jo Smith \\(1\\), Jo Smith \\(3\\)"):
        b = read(str(DATA / "io" / "twins.soi"))
    assert b.candidates == ("Jo Smith (1)", "Lee Wong", "Jo Smith (3)")
    assert b.metadata["renamed"] == {"Jo Smith (1)": "Jo Smith", "Jo Smith (3)": "Jo Smith"}
    assert len(b.metadata["warnings"]) == 1
    # the two count apart: Jo Smith (1) leads with 3 first choices, then takes Lee Wong's 2
    assert tally.count(b, "irv").winners == ("Jo Smith (1)",)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read(str(DATA / "io" / "twins.soi"), duplicate_names="number")  # asked for: no warning
    with pytest.raises(BallotError, match="duplicate candidate 'Jo Smith'"):
        read(str(DATA / "io" / "twins.soi"), duplicate_names="error")


def test_the_command_line_prints_the_warning(cli):
    code, out, err = cli("count", str(DATA / "io" / "twins.soi"), "--json")
    assert code == 0
    assert "warning:" in err and "'Jo Smith'" in err
    assert json.loads(out)["winners"] == ["Jo Smith (1)"]
