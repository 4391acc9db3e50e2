"""A mistyped dataset, rule, option, candidate or command gets the closest names, not a
list of everything."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "args, expected",
    [
        (("count", "burlingtn-2009"), "did you mean burlington-2009"),
        (("data", "show", "us-presidnet-2000"), "did you mean us-president-2000"),
        (("count", "burlington-2009", "--rule", "shulze"), "did you mean schulze?"),
        (("count", "burlington-2009", "-o", "max_skiped=1"), "did you mean max_skipped?"),
        (("spoilers", "us-president-2000", "--candidate", "Nadr"), "did you mean Ralph Nader?"),
        (("margins", "us-president-2000", "--challenger", "Gor"), "did you mean Al Gore?"),
        (("simulate", "--electorate", "mallow", "--no-save"), "did you mean mallows?"),
        (("simulate", "--metrics", "condorcet,spoilr", "--no-save"), "did you mean spoiler?"),
        (("forecast-house", "us-house-2018", "--party", "Democrtic"), "did you mean Democratic?"),
    ],
)
def test_a_typo_gets_a_suggestion(cli, args, expected):
    code, _out, err = cli(*args)
    message = " ".join(err.split())
    assert code == 2 and expected in message
    # a suggestion, not the catalogue: the message stays one short line
    assert len(message) < 200, message


def test_an_unknown_rule_with_nothing_close_points_to_the_list(cli):
    code, _out, err = cli("count", "burlington-2009", "--rule", "zzzz")
    assert code == 2 and "`tally rules` lists every rule" in err and "schulze" not in err


def test_a_mistyped_command_or_option_gets_the_command_line_s_own_suggestion(cli):
    code, _out, err = cli("spoiler", "us-president-2000")
    assert code != 0 and "spoilers" in err
    code, _out, err = cli("spoilers", "us-president-2000", "--limt", "3")
    assert code != 0 and "--limit" in err
