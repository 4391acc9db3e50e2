"""Exhausted ballots told apart by how fully they rank, wherever a ranked count is shown.

Every view (the CLI table, ``tally report``, RCTab's summary with the split asked for, the
web contest page's data) must show the numbers of the outcome's ``exhausted_by_ranking``,
and the two kinds must add up to the exhausted ballots. On San Francisco's 2011 mayoral
count the final split is also recomputed from the ballots, independently of the count.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from tally.cli.render import outcome_table
from tally.data import resolve_contest
from tally.outcome import Outcome
from tally.procedures import count
from tally.rctab.report import summary_csv, summary_json
from tally.rctab.run import run_config
from tally.report import render_report
from tally.rules.rcv import outcome_of

KINDS = ("partially_ranked", "fully_ranked")
MINNEAPOLIS = (
    Path(__file__).parent / "data/rctab/cases/2013_minneapolis_mayor/2013_minneapolis_mayor_config.json"
)


def _outcome(dataset: str) -> Outcome:
    return count(resolve_contest(dataset))


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("✓", "").replace("✗", "").strip() or 0)


def _assert_adds_up(outcome: Outcome) -> None:
    for rnd in outcome.rounds:
        split = rnd.exhausted_by_ranking
        assert split is not None
        assert split["partially_ranked"] + split["fully_ranked"] == pytest.approx(rnd.inactive["exhausted"])
    final = outcome.ballots["exhausted_by_ranking"]
    assert sum(final.values()) == pytest.approx(outcome.ballots["inactive"]["exhausted"])


def test_sf_2011_final_split_matches_a_reading_of_the_ballots():
    contest = resolve_contest("sf-2011-mayor")
    assert contest.options.get("overvote") == "exhaust"
    outcome = count(contest)
    finalists = set(outcome.rounds[-1].tally)
    ranks = contest.ballots.choices.shape[1]
    partial = full = 0.0
    # a ballot is exhausted at the end when it marks someone, reaches no overvote before a
    # finalist, and names no finalist; fully ranked when it marks every rank
    for marks, weight in contest.ballots.rankings():
        named = [m for m in marks if m is not None]
        if not named:
            continue
        for mark in named:
            if mark == "overvote" or isinstance(mark, frozenset) or mark in finalists:
                break
        else:
            if len(marks) == ranks and None not in marks:
                full += weight
            else:
                partial += weight
    assert outcome.ballots["exhausted_by_ranking"] == {"partially_ranked": partial, "fully_ranked": full}
    assert full > 0 and partial > 0
    _assert_adds_up(outcome)


def _table_rows(outcome: Outcome) -> dict[str, list[str]]:
    console = Console(width=1000, file=io.StringIO(), color_system=None)
    console.print(outcome_table(outcome))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    rows = {}
    for line in text.splitlines():
        # columns stand apart by two spaces or more; a label or a cell has single spaces at most
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == len(outcome.rounds) + 1:
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.parametrize("dataset", ["burlington-2009", "sf-2011-mayor", "portland-2024-council-d1"])
def test_cli_table_shows_the_split_under_the_exhausted_row(dataset):
    outcome = _outcome(dataset)
    _assert_adds_up(outcome)
    rows = _table_rows(outcome)
    labels = list(rows)
    at = labels.index("inactive: exhausted")
    assert labels[at + 1 : at + 3] == ["partially ranked", "fully ranked"]
    for kind in KINDS:
        shown = [_number(c) for c in rows[kind.replace("_", " ")]]
        wanted = [r.exhausted_by_ranking[kind] for r in outcome.rounds]
        assert shown == pytest.approx(wanted, abs=5e-5)
    exhausted = [_number(c) for c in rows["inactive: exhausted"]]
    both = [_number(p) + _number(f) for p, f in zip(rows["partially ranked"], rows["fully ranked"])]
    assert both == pytest.approx(exhausted, abs=1e-4)


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data):
        if self._in_cell:
            self.rows[-1][-1] += data


def test_report_rounds_table_shows_the_split():
    outcome = _outcome("portland-2024-council-d1")
    page, _ = render_report("portland-2024-council-d1")
    parser = _Rows()
    parser.feed(page)
    rows = {r[0]: r[1:] for r in parser.rows if r and len(r) == len(outcome.rounds) + 1}
    for kind in KINDS:
        shown = [_number(c) for c in rows[f"exhausted, {kind.replace('_', ' ')}"]]
        # the report writes ballot values to four decimals, as the count holds them
        assert shown == [round(r.exhausted_by_ranking[kind], 4) for r in outcome.rounds]
    assert sum(outcome.ballots["exhausted_by_ranking"].values()) == pytest.approx(
        outcome.ballots["inactive"]["exhausted"]
    )


def _csv_rows(text: str) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in csv.reader(io.StringIO(text)) if row}


def test_rctab_summary_splits_exhausted_choices_when_asked():
    run = run_config(MINNEAPOLIS)
    (tab,) = run.tabulations
    outcome = outcome_of(run.tabulations)
    plain = summary_csv(tab, run.meta)
    split = summary_csv(tab, run.meta, by_ranking=True)
    assert "Fully Ranked" not in plain
    ours, theirs = _csv_rows(split), _csv_rows(plain)
    full = ours.pop("Inactive Fully Ranked Ballots by Exhausted Choices")
    partial = ours.pop("Inactive Partially Ranked Ballots by Exhausted Choices")
    exhausted = theirs.pop("Inactive Ballots by Exhausted Choices")
    assert ours == theirs  # every other row as RCTab writes it
    # each round is three cells: votes, (blank), transfer to the next round
    for r, rnd in enumerate(outcome.rounds):
        assert float(full[3 * r]) == rnd.exhausted_by_ranking["fully_ranked"]
        assert float(partial[3 * r]) == rnd.exhausted_by_ranking["partially_ranked"]
        assert Decimal(full[3 * r]) + Decimal(partial[3 * r]) == Decimal(exhausted[3 * r])
        assert Decimal(full[3 * r + 2]) + Decimal(partial[3 * r + 2]) == Decimal(exhausted[3 * r + 2])
    assert outcome.ballots["exhausted_by_ranking"]["fully_ranked"] > 0
    labels = [row[0] for row in csv.reader(io.StringIO(split)) if row]
    at = labels.index("Inactive Fully Ranked Ballots by Exhausted Choices")
    assert labels[at - 1] == "Inactive Ballots by Skipped Rankings"
    assert labels[at + 1] == "Inactive Partially Ranked Ballots by Exhausted Choices"

    report = summary_json(tab, run.meta, by_ranking=True)
    assert summary_json(tab, run.meta) == {
        **report,
        "results": [
            {
                **res,
                "inactiveBallots": {
                    k: v for k, v in res["inactiveBallots"].items() if not re.search("Ranked$", k)
                },
            }
            for res in report["results"]
        ],
    }
    for res, rnd in zip(report["results"], outcome.rounds):
        inactive = res["inactiveBallots"]
        assert list(inactive) == sorted(inactive)
        assert float(inactive["exhaustedChoicesFullyRanked"]) == rnd.exhausted_by_ranking["fully_ranked"]
        assert (
            inactive["exhaustedChoicesFullyRanked"] + inactive["exhaustedChoicesPartiallyRanked"]
            == inactive["exhaustedChoices"]
        )


def test_web_contest_data_carries_the_split():
    from fastapi.testclient import TestClient

    from tally.web import create_app

    outcome = _outcome("portland-2024-council-d1")
    with TestClient(create_app()) as client:
        data = client.get("/ui/contest", params={"dataset": "portland-2024-council-d1"}).json()
    ballots = data["outcome"]["ballots"]
    assert ballots["exhausted_by_ranking"] == pytest.approx(outcome.ballots["exhausted_by_ranking"])
    assert sum(ballots["exhausted_by_ranking"].values()) == pytest.approx(ballots["inactive"]["exhausted"])
    for shown, rnd in zip(data["outcome"]["rounds"], outcome.rounds):
        assert shown["exhausted_by_ranking"] == pytest.approx(dict(rnd.exhausted_by_ranking))
    script = (Path(__file__).parents[1] / "src/tally/web/static/app.js").read_text(encoding="utf-8")
    assert "r.exhausted_by_ranking" in script
