"""The web app in a real browser: Playwright driving the system's Chromium.

Each test saves a screenshot of the pages it checks under its own temporary folder and
fails on any error the page's scripts report (fixtures in ``tests/browser.py``).
"""

from __future__ import annotations

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect

from tests import browser as fixtures
from tests.browser import done

server, browser, page = fixtures.server, fixtures.browser, fixtures.page

pytestmark = pytest.mark.browser


def test_burlington_winner_changes_with_the_rule(server, page, tmp_path):
    page.goto(f"{server}/contest/burlington-2009?rule=irv")
    expect(page.locator("#winner")).to_have_text("Bob Kiss", timeout=60_000)
    expect(page.locator("#condorcet")).to_contain_text("Andy Montroll", timeout=60_000)
    page.select_option("#rule", "schulze")
    expect(page.locator("#winner")).to_have_text("Andy Montroll", timeout=60_000)
    done(page, tmp_path, "contest-burlington-schulze")


def test_portland_district_1_three_winners_and_rules_for_three_seats(server, page, tmp_path):
    page.goto(f"{server}/contest/portland-2024-council-d1")
    expect(page.locator("#winner")).to_have_text(
        "Candace Avalos, Jamie Dunphy, Loretta Smith", timeout=60_000
    )
    expect(page.locator("#winner-label")).to_have_text("Winners")
    expect(page.locator("#ties")).to_contain_text("David Linn")
    expect(page.locator("#rounds")).to_contain_text("round 17")
    expect(page.locator("#compare")).to_contain_text("sequential_irv", timeout=60_000)
    expect(page.locator("#compare")).not_to_contain_text("coombs")
    done(page, tmp_path, "contest-portland-d1")


def _florida_colour(page) -> str:
    return page.evaluate(
        "() => { const d = document.getElementById('map').data[0];"
        " return d.marker.color[d.ids.indexOf('FL')]; }"
    )


def test_2000_nader_to_gore_in_florida(server, page, tmp_path):
    page.goto(f"{server}/ec/us-president-2000")
    expect(page.locator("#ev-total")).to_contain_text("George W. Bush 271", timeout=60_000)
    page.wait_for_function("document.getElementById('map') && document.getElementById('map').data")
    before = _florida_colour(page)
    row = page.locator(".transfer")
    row.locator("select[name=from]").select_option(label="Ralph Nader")
    row.locator("select[name=to]").select_option(label="Al Gore")
    row.locator("input[name=share]").fill("50")
    row.locator("input[name=in]").fill("FL")
    page.click("#apply")
    # pledged electors, as `tally ec` counts them: 267 + Florida's 25
    expect(page.locator("#ev-total")).to_contain_text("Al Gore 292", timeout=60_000)
    expect(page.locator("#electors-line")).to_contain_text("pledged electors")
    expect(page.locator("#flipped")).to_contain_text("Florida (25)")
    # the electors control: as they voted, DC's abstaining elector stays abstaining
    page.locator("select[name=faithless]").select_option("historical")
    expect(page.locator("#ev-total")).to_contain_text("Al Gore 291", timeout=60_000)
    expect(page.locator("#electors-line")).to_contain_text("abstained")
    after = _florida_colour(page)
    assert after != before
    done(page, tmp_path, "ec-2000-nader-to-gore")


def test_upload_of_a_malformed_file_shows_the_error(server, page, tmp_path):
    bad = tmp_path / "broken.toi"
    bad.write_text("# FILE NAME: broken.toi\n# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n3: 1,2\n")
    page.goto(f"{server}/upload")
    page.set_input_files("#file", str(bad))
    page.click("button[type=submit]")
    error = page.locator("#error")
    expect(error).to_be_visible(timeout=60_000)
    expect(error).to_contain_text("broken.toi")
    page.screenshot(path=str(tmp_path / "upload-error.png"), full_page=True)


def test_upload_of_a_good_file_shows_the_winner(server, page, tmp_path):
    good = tmp_path / "club.csv"
    good.write_text("count,rank1,rank2\n3,Ann,Bo\n2,Bo,Ann\n2,Cy,Bo\n")
    page.goto(f"{server}/upload")
    page.set_input_files("#file", str(good))
    page.select_option("#upload-rule", "irv")
    page.click("button[type=submit]")
    expect(page.locator("#winner")).to_have_text("Bo", timeout=60_000)


def test_simulation_page_runs_and_charts(server, page, tmp_path):
    page.goto(f"{server}/simulate")
    page.fill("input[name=elections]", "40")
    page.fill("input[name=voters]", "21")
    page.click("button[type=submit]")
    expect(page.locator("#paradox")).to_contain_text("Condorcet paradox", timeout=60_000)
    expect(page.locator("#chart-condorcet_efficiency .main-svg").first).to_be_visible()
    done(page, tmp_path, "simulation")


def test_pages_load_nothing_from_the_internet(server, page):
    # Every request must go to the app itself: the pages must work with no internet.
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    for path, ready in (
        ("/", "#datasets"),
        ("/contest/burlington-2009", "#pairwise .main-svg"),
        ("/ec/us-president-2000", "#map .main-svg"),
        ("/upload", "#upload"),
        ("/simulate", "#simulate"),
        ("/docs", "code:has-text('POST /api/whatif')"),
    ):
        page.goto(f"{server}{path}")
        expect(page.locator(ready).first).to_be_visible(timeout=60_000)
    assert outside == []


def test_candidate_names_from_an_upload_are_shown_as_text(server, page, tmp_path):
    name = '<img src=x id=injected onerror="document.body.dataset.pwned=1">'
    ballots = tmp_path / "names.csv"
    ballots.write_text(f'count,rank1,rank2\n3,"{name.replace(chr(34), chr(34) * 2)}",Bo\n1,Bo,Ann\n')
    page.goto(f"{server}/upload")
    page.set_input_files("#file", str(ballots))
    page.click("button[type=submit]")
    expect(page.locator("#winner")).to_have_text(name, timeout=60_000)
    expect(page.locator("#rounds")).to_contain_text(name)
    assert page.locator("#injected").count() == 0
    assert page.evaluate("document.body.dataset.pwned") is None
