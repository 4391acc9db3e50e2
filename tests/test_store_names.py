"""Import names: the store's folders and views are named after them, so nothing else gets in."""

from __future__ import annotations

import pytest

import tally
from tally import store
from tally.errors import ConfigError


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "store"))


def _ballots() -> tally.RankedBallots:
    return tally.RankedBallots.from_rankings(["Ann", "Bob"], [["Ann", "Bob"], ["Bob"]], [2, 1])


@pytest.mark.parametrize(
    "name", ["ward\n", "ward\r\n", "\nward", "ward 1", "../ward", ".ward", "", "w" * 129]
)
def test_a_name_with_anything_but_letters_digits_and_dot_dash_underscore_is_refused(name, tmp_path):
    with pytest.raises(ConfigError, match="import name"):
        store.import_ballots(_ballots(), name)
    with pytest.raises(ConfigError, match="import name"):
        store.load_ballots(name)
    assert not (tmp_path / "store" / "imports").exists() or not any(
        (tmp_path / "store" / "imports").iterdir()
    )


def test_good_names_still_import():
    store.import_ballots(_ballots(), "ward-1.2026_b")
    assert store.load_ballots("ward-1.2026_b").total == 3
