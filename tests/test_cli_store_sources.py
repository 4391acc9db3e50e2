"""A CVR imported into the store is a SOURCE for the CLI by its name, like a dataset id."""

from __future__ import annotations

import json

import tally
from tally import store


def _ballots(a: int, b: int) -> tally.RankedBallots:
    return tally.RankedBallots.from_rankings(["Ann", "Bob"], [["Ann", "Bob"], ["Bob", "Ann"]], [a, b])


def test_an_import_is_counted_and_compared_by_name(cli):
    store.import_ballots(_ballots(7, 3), "council")
    code, out, err = cli("count", "council", "--rule", "plurality", "--json")
    assert code == 0, err
    outcome = json.loads(out)
    assert outcome["winners"] == ["Ann"] and outcome["scores"] == {"Ann": 7, "Bob": 3}
    code, out, err = cli("compare", "council", "--json")
    assert code == 0, err
    assert json.loads(out)["results"]["plurality"]["winners"] == ["Ann"]
    # a re-import under the name is what the name then means
    store.import_ballots(_ballots(2, 9), "council", replace=True)
    code, out, _ = cli("count", "council", "--rule", "plurality", "--json")
    assert json.loads(out)["winners"] == ["Bob"]


def test_an_unknown_name_says_where_names_come_from(cli):
    code, _, err = cli("count", "no-such-import")
    assert code != 0
    assert "tally data list" in err and "tally store list" in err
