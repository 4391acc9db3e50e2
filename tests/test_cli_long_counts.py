"""A count of many candidates and rounds is shown trimmed: readable, and drawn in seconds."""

from __future__ import annotations

import re

from typer.testing import CliRunner

import tally
from tally.cli import app
from tally.cli.render import ROUNDS_SHOWN, ROWS_SHOWN, RoundView

runner = CliRunner()


def _ballots_file(tmp_path, n: int):
    # each ballot ranks three neighbours, so IRV needs n - 1 rounds to finish
    path = tmp_path / "long.csv"
    rows = ["rank1,rank2,rank3"] + [f"C{i},C{(i + 1) % n},C{(i + 2) % n}" for i in range(n)]
    rows += ["C7,C8,C9"] * 3  # a clear leader, so no tie decides the winner
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _candidate_rows(text: str) -> set[str]:
    return set(re.findall(r"^(C\d+)\s", text, flags=re.MULTILINE))


def test_a_view_keeps_the_candidates_that_lasted_longest_and_the_last_rounds(tmp_path):
    outcome = tally.count(tally.read(_ballots_file(tmp_path, 60)), "irv")
    view = RoundView.of(outcome)
    n_rounds = len(outcome.rounds)
    assert len(view.names) == ROWS_SHOWN and view.hidden_names == 60 - ROWS_SHOWN
    assert view.rounds == (0, *range(n_rounds - (ROUNDS_SHOWN - 1), n_rounds))
    assert view.hidden_rounds == n_rounds - ROUNDS_SHOWN
    last_seen = {c: max(i for i, r in enumerate(outcome.rounds) if c in r.tally) for c in outcome.candidates}
    # nobody left out lasted longer than someone shown
    assert min(last_seen[c] for c in view.names) >= max(
        last_seen[c] for c in outcome.candidates if c not in view.names
    )
    assert set(outcome.winners) <= set(view.names)
    every = RoundView.of(outcome, every=True)
    assert every.names == tuple(outcome.candidates) and len(every.rounds) == n_rounds
    assert every.hidden_names == every.hidden_rounds == 0


def test_count_trims_a_long_count_and_says_what_it_left_out(tmp_path):
    path = _ballots_file(tmp_path, 60)
    done = runner.invoke(app, ["count", str(path)], env={"COLUMNS": "80"})
    assert done.exit_code == 0, done.output
    assert len(_candidate_rows(done.output)) == ROWS_SHOWN
    assert f"{60 - ROWS_SHOWN} more candidates" in done.output
    assert "more rounds" in done.output and "--all" in done.output
    assert "Winner under irv: C7" in done.output
    whole = runner.invoke(app, ["count", str(path), "--all"], env={"COLUMNS": "80"})
    assert whole.exit_code == 0, whole.output
    assert len(_candidate_rows(whole.output)) == 60
    assert "more candidates" not in whole.output


def test_a_short_count_is_shown_whole():
    done = runner.invoke(app, ["count", "burlington-2009"], env={"COLUMNS": "120"})
    assert done.exit_code == 0, done.output
    assert "more candidates" not in done.output and "more rounds" not in done.output
