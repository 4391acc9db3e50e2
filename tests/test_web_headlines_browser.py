"""Every page says its answer first, in the command line's words: the count's headline
above the dataset's description, the audit plan's headline with its assertions as a
table of winner, loser and continuing candidates, an area-by-area audit listing areas by
name, hardest first, and the analysis tables with their numbers right-aligned.

Expected sentences come from the command line's ``--json`` (one answer per question on
every path); expected figures from the plan itself or from published results, cited.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect

from tests import browser as fixtures
from tests.browser import done

server, browser, page = fixtures.server, fixtures.browser, fixtures.page

pytestmark = pytest.mark.browser


def _cells(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{selector} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
    )


def _json(cli, *args: str) -> dict:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_count_page_opens_with_the_command_line_s_headline(server, page, cli, tmp_path):
    sentence = _json(cli, "count", "burlington-2009")["headline"]
    # Burlington 2009, last round as published by the city: Kiss 4,313, Wright 4,060
    assert "with 4,313 votes to Kurt Wright's 4,060" in sentence
    page.goto(f"{server}/contest/burlington-2009")
    headline = page.locator("#headline")
    expect(headline).to_have_text(sentence)
    # the answer comes before the description of where the data came from
    below = page.locator("main p.muted").first.bounding_box()
    assert headline.bounding_box()["y"] < below["y"]
    done(page, tmp_path, "count-burlington-headline")


def test_the_irv_audit_page_says_the_plan_and_tables_its_assertions(server, page, cli, tmp_path):
    plan = _json(cli, "rla", "burlington-2009")
    page.goto(f"{server}/audit/burlington-2009")
    expect(page.locator("#headline")).to_have_text(plan["headline"])
    expect(page.locator("#headline")).to_contain_text("Bob Kiss won under IRV; 11 assertions")
    rows = page.locator("#assertions tbody tr")
    expect(rows).to_have_count(len(plan["assertions"]))
    cells = _cells(page, "#assertions")
    for shown, row in zip(cells, plan["assertions"], strict=True):
        continuing = ", ".join(row["continuing"]) if row["type"] == "NEN" else "—"
        assert shown[1:5] == [row["type"], row["winner"], row["loser"], continuing]
        assert shown[5] == f"{row['margin']:,}" and shown[7] == f"{row['difficulty']:,.2f}"
        assert shown[8] == f"{row['ballot_comparison']:,}"
    # numbers right-aligned, names not
    aligns = page.eval_on_selector_all(
        "#assertions tbody tr:first-child td", "cells => cells.map(c => getComputedStyle(c).textAlign)"
    )
    assert aligns[2] in ("left", "start") and aligns[5] == "right"
    done(page, tmp_path, "audit-burlington")


def test_an_area_audit_lists_areas_by_name_hardest_first(server, page, cli, tmp_path):
    plan = _json(cli, "rla", "us-president-2024")
    page.goto(f"{server}/audit/us-president-2024")
    expect(page.locator("#headline")).to_have_text(plan["headline"])
    expect(page.locator("#assertions tbody tr")).to_have_count(len(plan["areas"]))
    expect(page.locator("#audit-winner-line")).to_be_hidden()
    cells = _cells(page, "#assertions")
    # Wisconsin 2024: Trump 1,697,626, Harris 1,668,229 (certified): the closest margin
    assert cells[0][:4] == ["Wisconsin", "Donald Trump", "Kamala Harris", "29,397"]
    by_area = {a["area"]: a for a in plan["areas"]}
    difficulty = [by_area[code]["difficulty"] for code in _codes(cells, plan)]
    assert difficulty == sorted(difficulty, reverse=True)
    assert all(len(row[0]) > 2 for row in cells)  # names, not postal codes
    assert "one contest per area" not in page.locator("main").inner_text()
    done(page, tmp_path, "audit-us-2024")


def _codes(cells: list[list[str]], plan: dict) -> list[str]:
    from tally import data
    from tally.analysis.margins import area_names

    names = {v: k for k, v in area_names(data.load("us-president-2024")).items()}
    return [names[row[0]] for row in cells]


def test_the_ec_page_names_states_in_its_spoilers_and_margins(server, page, tmp_path):
    page.goto(f"{server}/ec/us-president-2000")
    expect(page.locator("#margins")).to_contain_text(
        "Tipping point: Florida (25 electoral votes", timeout=60_000
    )
    expect(page.locator("#margins")).to_contain_text("269 in Florida")
    first = _cells(page, "#spoilers")[0]
    # Florida 2000: Bush won by 537 votes; Nader had 97,488 (FEC, Federal Elections 2000)
    assert first[:2] == ["Florida", "Ralph Nader"] and first[4:6] == ["537", "97,488"]
    done(page, tmp_path, "ec-2000-names")


def test_analysis_tables_right_align_their_numbers_and_name_the_result(server, page, tmp_path):
    page.goto(f"{server}/analysis/burlington-2009")
    page.wait_for_selector("body[data-ready=analysis]", timeout=120_000)
    heads = page.eval_on_selector_all("#criteria thead th", "cells => cells.map(c => c.textContent)")
    assert heads == ["criterion", "result", "search", "witness"]
    expect(page.locator("#criteria tbody tr").filter(has_text="no show")).to_contain_text("no failure found")
    for box in ("#alternates", "#first-final", "#distribution", "#inactive", "#pairwise"):
        aligns = page.eval_on_selector_all(
            f"{box} tbody tr:first-child td", "cells => cells.map(c => getComputedStyle(c).textAlign)"
        )
        assert aligns[-1] == "right", box
    done(page, tmp_path, "analysis-burlington")


def test_published_rounds_say_who_won_first(server, page, tmp_path):
    # Maine, US Senate 2020 (Secretary of State, certified): Collins 417,645, 51.0 % of the
    # 819,183 votes for candidates; no second round was needed
    page.goto(f"{server}/contest/us-senate-2020-me-rcv")
    expect(page.locator("#headline")).to_have_text(
        "Susan M. Collins won in the first round of the published count, with 417,645 votes (51.0 % of 819,183)."
    )
    # Alaska, US Senate 2022: Murkowski 136,330 to Tshibaka 117,534 in the third round
    page.goto(f"{server}/contest/us-senate-2022-ak-rcv")
    expect(page.locator("#headline")).to_contain_text("Lisa Murkowski won after 3 rounds")
    expect(page.locator("#headline")).to_contain_text(
        f"136,330 votes ({100 * 136330 / (136330 + 117534):.1f} %"
    )
    aligns = page.eval_on_selector_all(
        "#published-rounds tbody tr:first-child td", "cells => cells.map(c => getComputedStyle(c).textAlign)"
    )
    assert aligns[0] in ("left", "start") and set(aligns[1:]) == {"right"}
    done(page, tmp_path, "published-ak-2022")


def test_rules_are_offered_by_the_names_people_use(server, page, tmp_path):
    page.goto(f"{server}/contest/uk-general-2024")
    expect(page.locator("#rule option:checked")).to_have_text("first-past-the-post (districts)")
    page.goto(f"{server}/contest/burlington-2009")
    expect(page.locator("#rule option:checked")).to_have_text("IRV")
    expect(page.locator("#rule option[value=kemeny_young]")).to_have_text("Kemeny–Young (kemeny_young)")
    # the headline keeps a share and its percent sign together
    expect(page.locator("#headline")).to_contain_text("(51.5\u00a0% of 8,373 continuing)")


def test_a_mistyped_dataset_page_links_to_what_was_meant(server, page, tmp_path):
    response = page.goto(f"{server}/analysis/burlingtn-2009")
    assert response.status == 404
    page.errors.clear()  # the browser logs the 404 itself; the page's scripts must add none
    links = page.locator("#suggestions a")
    expect(links).to_have_text(["burlington-2009", "burlington-2006"])
    links.first.click()
    # the same kind of page, of the dataset meant
    expect(page).to_have_url(f"{server}/analysis/burlington-2009")
    page.wait_for_selector("body[data-ready=analysis]", timeout=120_000)
    done(page, tmp_path, "suggestion-followed")


def test_simulation_charts_each_fit_their_own_cell(server, page, tmp_path):
    page.goto(f"{server}/simulate")
    page.fill("input[name=elections]", "40")
    page.fill("input[name=voters]", "15")
    page.click("#run")
    expect(page.locator("#paradox")).to_contain_text("of the 40 elections", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('#charts .main-svg').length >= 4")
    sizes = page.eval_on_selector_all(
        "#charts .chart",
        "cells => cells.map(c => [c.getBoundingClientRect().width, c.querySelector('.main-svg').getBoundingClientRect().width])",
    )
    assert len(sizes) >= 4
    # a chart drawn wider than its cell spills under its neighbour and hides its last bars
    assert all(svg <= cell + 1 for cell, svg in sizes), sizes
    done(page, tmp_path, "simulation-charts")
