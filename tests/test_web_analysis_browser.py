"""The Analysis view, the flagged catalogue and the report's analysis section in Chromium.

Screenshots go to each test's temporary folder; the server and browser fixtures are
those of ``tests/browser.py``.
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")
pytest.importorskip("scipy")
from playwright.sync_api import expect

from tests import browser as fixtures

server, browser, page = fixtures.server, fixtures.browser, fixtures.page

pytestmark = pytest.mark.browser


def test_alaska_analysis_view(server, page, tmp_path):
    page.goto(f"{server}/analysis/alaska-2022-special")
    page.wait_for_selector("body[data-ready=analysis]", timeout=120_000)
    expect(page.locator("#winner")).to_have_text("Mary Peltola")
    expect(page.locator("#condorcet")).to_contain_text("Condorcet winner: Nick Begich")
    rows = page.locator("#criteria tbody tr")
    expect(rows).to_have_count(7)
    upward = rows.filter(has_text="upward monotonicity")
    expect(upward).to_contain_text("fails")
    expect(upward).to_contain_text("5,163 ballots changed; counted again, Nick Begich wins")
    expect(rows.filter(has_text="no show")).to_contain_text("fails")
    expect(rows.filter(has_text="downward monotonicity")).to_contain_text("holds")
    expect(page.locator("#pairwise")).to_contain_text("87,883")
    expect(page.locator("#first-final")).to_contain_text("Nick Begich")
    expect(page.locator("#pairwise-chart .main-svg").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "analysis-alaska-2022.png"), full_page=True)


def test_catalogue_filters_elections_that_fail_a_criterion(server, page, tmp_path):
    page.goto(f"{server}/")
    page.select_option("#flag", "no_show")
    shown = page.locator("#datasets tbody tr:not([hidden])")
    expect(shown).to_have_count(2)
    expect(shown.first).to_contain_text("alaska-2022-special")
    page.select_option("#flag", "condorcet_winner")
    expect(page.locator("#datasets tbody tr:not([hidden])", has_text="burlington-2009")).to_have_count(1)
    page.screenshot(path=str(tmp_path / "catalogue-condorcet-failures.png"), full_page=True)
    page.locator("#datasets tbody tr:not([hidden]) a.flag").first.click()
    page.wait_for_selector("body[data-ready=analysis]", timeout=120_000)


def test_report_analysis_section(page, tmp_path):
    from tally.report import write_report

    [path] = write_report("burlington-2009", str(tmp_path / "report.html"))
    page.goto(path.resolve().as_uri())
    section = page.locator("#analysis")
    expect(section).to_contain_text("Condorcet winner: Andy Montroll")
    criteria = section.locator("table.criteria tbody tr")
    expect(criteria.filter(has_text="condorcet winner")).to_contain_text("fails")
    expect(criteria.filter(has_text="upward monotonicity")).to_contain_text("heuristic")
    expect(section.locator("table.pairwise")).to_contain_text("4,064 of 7,540")
    section.screenshot(path=str(tmp_path / "report-burlington-2009-analysis.png"))
