"""The pages say the answer plainly and correctly, checked in Chromium: seat elections get
a seats view, the what-if panel resets and shares its scenarios, the Electoral College
map agrees with its own electoral votes and shows Maine's and Nebraska's districts, flows
are coloured with readable labels and a table of where each candidate's votes went,
errors on page routes are pages, numbers are formatted, and the simulation page has an
honest empty state.

Expected figures come from the official results, cited where they are used, or from
another part of the same page (a transfer is the difference between two rounds of the
rounds table).
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect

from tests import browser as fixtures
from tests.browser import done, figure

server, browser, page = fixtures.server, fixtures.browser, fixtures.page

pytestmark = pytest.mark.browser

# A number as the pages print it: thousands separated, at most two decimals (a share
# under 0.1 % with its first two significant digits), maybe a sign, a percent sign, or a
# mark for elected (✓) or eliminated (✗).
FORMATTED = re.compile(r"^[+−-]?(\d{1,3}(,\d{3})*(\.\d{1,2})?|0\.0+[1-9]\d?)%?( [✓✗])?$")


def _cells(page, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{selector} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))"
    )


def test_uk_2024_is_a_seats_view_with_the_majority_and_gallagher(server, page, tmp_path):
    page.goto(f"{server}/contest/uk-general-2024")
    # House of Commons Library CBP-10009: Labour 411 of 650 seats; 326 is a majority
    expect(page.locator("#majority")).to_have_text(
        "Labour won 411 of the 650 seats: a majority (326 needed).", timeout=60_000
    )
    expect(page.locator("#winner-label")).to_have_text("Seats")
    expect(page.locator("#winner")).to_contain_text(
        "Labour 411 · Conservative 121 · Liberal Democrat 72 · SNP 9 · Sinn Féin 7 · Independent 6"
    )
    # Gallagher index of the 2024 election: 23.7 (Electoral Reform Society, "Make Seats
    # Match Votes", 2024; the most disproportionate result in British history)
    expect(page.locator("#disproportionality")).to_contain_text("Gallagher index 23.7")
    expect(page.locator("#rounds-section")).to_be_hidden()
    shown = page.locator("main").inner_text()  # what is on screen, hidden sections left out
    assert "round 2" not in shown and "Winner" not in shown
    rows = {r[0]: r for r in _cells(page, "#seats-table table")}
    assert rows["Labour"][1:5] == ["9,708,716", "33.7%", "411", "63.2%"]
    assert rows["Reform UK"][3] == "5"  # Reform UK: 14.3 % of the votes, 5 seats
    chart = figure(page, "seats")
    # votes and seats on two axes side by side, the majority line on the seats axis
    assert [t["xaxis"] for t in chart["data"]] == ["x", "x2"]
    assert chart["layout"]["xaxis"]["domain"][1] < chart["layout"]["xaxis2"]["domain"][0]
    line = chart["layout"]["shapes"][0]
    assert (line["xref"], line["x0"]) == ("x2", 326)
    done(page, tmp_path, "seats-uk-2024")


def test_austria_2019_seats_threshold_and_no_majority(server, page, tmp_path):
    page.goto(f"{server}/contest/austria-nationalrat-2019")
    # Bundesministerium für Inneres, Nationalratswahl 2019: ÖVP 71, SPÖ 40, FPÖ 31,
    # GRÜNE 26, NEOS 15 of 183 seats; JETZT 1.9 % stayed below the 4 % threshold
    expect(page.locator("#majority")).to_have_text(
        "No party won a majority of the 183 seats (92 needed); ÖVP won the most, 71.", timeout=60_000
    )
    expect(page.locator("#winner")).to_have_text("ÖVP 71 · SPÖ 40 · FPÖ 31 · GRÜNE 26 · NEOS 15")
    rows = {r[0]: r for r in _cells(page, "#seats-table table")}
    assert rows["JETZT"][3] == "0" and "below the 4% threshold" in rows["JETZT"][-1]
    expect(page.locator("#disproportionality")).to_contain_text("Gallagher index")
    on_screen = page.locator("main").inner_text()
    assert "round 2" not in on_screen and "Winner" not in on_screen
    done(page, tmp_path, "seats-austria-2019")


def test_census_apportionment_reads_as_seats_by_population(server, page, tmp_path):
    page.goto(f"{server}/contest/us-census-2020")
    # US Census Bureau, 2020 apportionment: California 52; six states have one seat
    expect(page.locator("#majority")).to_have_text(
        "435 seats apportioned by population: the most to California (52), the fewest to Alaska, "
        "Delaware, North Dakota, South Dakota, Vermont and Wyoming (1 each).",
        timeout=60_000,
    )
    chart = figure(page, "seats")
    assert "shapes" not in chart["layout"]  # states form no majority
    done(page, tmp_path, "seats-census-2020")


def _map_colours(page) -> dict[str, str]:
    return page.evaluate(
        "() => { const d = document.getElementById('map').data[0];"
        " return Object.fromEntries(d.ids.map((id, i) => [id, d.marker.color[i]])); }"
    )


def test_whatif_reset_is_clean_and_scenarios_are_addresses(server, page, browser, tmp_path):
    page.goto(f"{server}/ec/us-president-2000")
    expect(page.locator("#ev-total")).to_contain_text("George W. Bush 271", timeout=60_000)
    row = page.locator(".transfer")
    row.locator("select[name=from]").select_option(label="Ralph Nader")
    row.locator("select[name=to]").select_option(label="Al Gore")
    row.locator("input[name=share]").fill("50")
    row.locator("input[name=in]").fill("FL")
    page.click("#apply")
    expect(page.locator("#ev-total")).to_contain_text("Al Gore 292", timeout=60_000)
    shared = page.url
    assert "share=50" in shared and "in=FL" in shared
    page.click("#reset-scenario")
    expect(page.locator("#ev-total")).to_contain_text("George W. Bush 271", timeout=60_000)
    expect(page.locator("#flipped")).to_have_text("")
    assert row.locator("input[name=share]").input_value() == "0"
    assert row.locator("input[name=in]").input_value() == ""
    assert page.url == f"{server}/ec/us-president-2000"
    # the next scenario starts from nothing: Nader's Florida voters stay where they were
    page.locator("select[name=off]").select_option(label="Harry Browne")
    page.locator("input[name=off_in]").fill("NM")
    page.click("#apply")
    expect(page.locator("#flipped")).to_have_text("No electoral vote changes hands.", timeout=60_000)
    expect(page.locator("#ev-total")).to_contain_text("George W. Bush 271")
    done(page, tmp_path, "ec-2000-after-reset")
    # the shared address opens on the same scenario
    other = browser.new_page()
    other.goto(shared)
    expect(other.locator("#ev-total")).to_contain_text("Al Gore 292", timeout=60_000)
    assert other.locator(".transfer input[name=share]").input_value() == "50"
    expect(other.locator(".transfer output")).to_have_text("50%")
    other.close()


def test_popular_vote_map_agrees_with_its_electoral_votes(server, page, tmp_path):
    page.goto(f"{server}/ec/us-president-2000?allocation=popular")
    # Gore led the national popular vote in 2000 (FEC, Federal Elections 2000)
    expect(page.locator("#ev-total")).to_have_text("Al Gore 538", timeout=60_000)
    expect(page.locator("#allocation-note")).to_contain_text("every tile takes their colour")
    page.wait_for_function("document.getElementById('map') && document.getElementById('map').data")
    colours = _map_colours(page)
    assert len(set(colours.values())) == 1, colours
    bar = figure(page, "evbar")
    assert [t["name"] for t in bar["data"]] == ["Al Gore"]
    done(page, tmp_path, "ec-2000-popular-vote")


def test_ec_map_has_maine_and_nebraska_districts_and_the_270_line(server, page, tmp_path):
    page.goto(f"{server}/ec/us-president-2024")
    expect(page.locator("#ev-total")).to_have_text("Donald Trump 312 · Kamala Harris 226", timeout=60_000)
    page.wait_for_function("document.getElementById('map') && document.getElementById('map').data")
    tiles = page.evaluate(
        "() => { const d = document.getElementById('map').data[0];"
        " return Object.fromEntries(d.ids.map((id, i) => [id, d.hovertext[i]])); }"
    )
    assert {"ME", "ME-1", "ME-2", "NE", "NE-1", "NE-2", "NE-3"} <= set(tiles)
    # 2024 certified results: Nebraska's 2nd district voted for Harris, the state and
    # its other districts for Trump; Maine's 2nd district for Trump, the state for Harris
    for tile in ("ME", "ME-1", "NE-2"):
        assert tiles[tile].endswith(
            "electors: Kamala Harris 1" if "-" in tile else "electors: Kamala Harris 2"
        )
    for tile in ("NE", "NE-1", "NE-3", "ME-2"):
        assert "electors: Donald Trump" in tiles[tile]
    bar = figure(page, "evbar")
    assert bar["layout"]["shapes"][0]["x0"] == 270
    assert bar["layout"]["annotations"][0]["text"] == "270 to win"
    done(page, tmp_path, "ec-2024")


def test_2024_page_suggests_scenarios_of_2024(server, page, tmp_path):
    page.goto(f"{server}/ec/us-president-2024")
    expect(page.locator("#ev-total")).to_contain_text("Donald Trump", timeout=60_000)
    examples = page.locator("textarea[name=text]").get_attribute("placeholder")
    assert "Harris" in examples and "Trump" in examples
    for old in ("Nader", "Gore", "Bush", "FL,OH"):
        assert old not in examples and old not in page.locator("input[name=in]").get_attribute("placeholder")
    # the page's own example runs as written
    page.fill("textarea[name=text]", examples)
    page.click("#apply")
    expect(page.locator("#flipped")).not_to_have_text("", timeout=60_000)
    expect(page.locator("#error")).to_be_hidden()
    done(page, tmp_path, "ec-2024-example")


def test_error_pages_are_pages_and_the_api_keeps_json(server, page, tmp_path):
    response = page.goto(f"{server}/contest/atlantis")
    assert response.status == 404 and response.headers["content-type"].startswith("text/html")
    expect(page.locator("h1")).to_have_text("Page not found")
    expect(page.locator("#error-detail")).to_contain_text("atlantis")
    expect(page.get_by_role("link", name="list of datasets")).to_be_visible()
    page.goto(f"{server}/ec/us-president-1968")
    page.click("#search-link")
    expect(page.locator("#search")).to_have_value("us president")
    shown = page.locator("#datasets tbody tr:not([hidden])")
    expect(shown.filter(has_text="us-president-2000")).to_have_count(1)
    assert all("president" in t.lower() for t in shown.all_inner_texts())
    # a page that cannot answer (the Analysis view needs ranked ballots) is a page too
    response = page.goto(f"{server}/analysis/us-president-2000")
    assert response.status == 400 and response.headers["content-type"].startswith("text/html")
    expect(page.locator("h1")).to_have_text("That request cannot be answered")
    expect(page.locator("#error-detail")).to_contain_text("not ranked ballots")
    response = page.goto(f"{server}/no/such/page")
    assert response.status == 404 and "There is no page at /no/such/page" in page.content()
    page.screenshot(path=str(tmp_path / "not-found.png"), full_page=True)
    # the browser reports the 400 and 404 documents themselves, and nothing else
    assert all(re.search(r"status of 40[04] ", e) for e in page.errors), page.errors
    for path in ("/api/count?dataset=atlantis", "/api/nowhere", "/ui/contest?dataset=atlantis"):
        response = page.request.get(f"{server}{path}")
        assert response.status == 404 and response.json()["detail"], path


def _label_boxes(page) -> list[dict]:
    return page.eval_on_selector_all(
        "#sankey .node-label",
        "els => els.filter(e => e.textContent).map(e => { const b = e.getBoundingClientRect();"
        " return {text: e.textContent, x: b.x, y: b.y, w: b.width, h: b.height}; })",
    )


def _overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["text"], b["text"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["x"] < b["x"] + b["w"] - 1
        and b["x"] < a["x"] + a["w"] - 1
        and a["y"] < b["y"] + b["h"] - 1
        and b["y"] < a["y"] + a["h"] - 1
    ]


def _rgb(colour: str) -> tuple[int, int, int]:
    """The red, green and blue of a #rrggbb or rgba(r,g,b,a) colour."""
    if colour.startswith("#"):
        return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
    r, g, b = (int(x) for x in colour[colour.index("(") + 1 :].split(",")[:3])
    return r, g, b


def test_flows_are_coloured_readable_and_explained(server, page, tmp_path):
    page.goto(f"{server}/contest/burlington-2009?rule=irv")
    expect(page.locator("#transfers-title")).to_have_text("Where Andy Montroll's votes went", timeout=60_000)
    sankey = figure(page, "sankey")["data"][0]
    assert len(set(sankey["link"]["color"])) >= 5  # one colour per candidate, grey for inactive
    # each link in the colour of the candidate whose votes it carries; one colour a candidate
    node, link = sankey["node"], sankey["link"]
    assert [_rgb(c) for c in link["color"]] == [_rgb(node["color"][i]) for i in link["source"]]
    colour_of = {(who, _rgb(c)) for (who, _), c in zip(node["customdata"], node["color"], strict=True)}
    assert len(colour_of) == len({who for who, _ in colour_of}) == len({c for _, c in colour_of})
    assert not any("(round" in label for label in sankey["node"]["label"])
    page.wait_for_selector("#sankey .node-label")
    boxes = _label_boxes(page)
    assert len(boxes) >= 8 and _overlaps(boxes) == []
    # Montroll's transfers are what Kiss and Wright gained from round 4 to round 5
    rounds = {r[0]: r for r in _cells(page, "#rounds table")}
    gained = {
        c: int(rounds[c][5].rstrip(" ✓✗").replace(",", "")) - int(rounds[c][4].replace(",", ""))
        for c in ("Bob Kiss", "Kurt Wright")
    }
    went = {r[0]: r[1] for r in _cells(page, "#transfers table")}
    assert {c: int(went[c].replace(",", "")) for c in gained} == gained
    page.select_option("#transfer-from", "Dan Smith")
    expect(page.locator("#transfers-title")).to_have_text("Where Dan Smith's votes went")
    went = {r[0]: int(r[1].replace(",", "")) for r in _cells(page, "#transfers table")}
    assert went["Andy Montroll"] == 2554 - 2080  # rounds 3 and 4 of the table
    done(page, tmp_path, "flows-burlington")


def test_flow_labels_do_not_overlap_in_a_long_stv_count(server, page, tmp_path):
    page.goto(f"{server}/contest/minneapolis-2009-park")
    expect(page.locator("#winner")).to_have_text("Bob Fine, Annie Young, John Erwin", timeout=60_000)
    page.wait_for_selector("#sankey .node-label")
    assert _overlaps(_label_boxes(page)) == []
    done(page, tmp_path, "flows-minneapolis-park")


@pytest.mark.parametrize(
    "path, ready, cells",
    [
        ("/contest/minneapolis-2009-park", "#rounds table", "#rounds table tbody td:not(:first-child)"),
        ("/contest/uk-general-2024", "#seats-table table", "#seats-table td.num"),
        ("/ec/us-president-2000", "#spoilers table", "#spoilers td.num"),
        ("/ec/us-president-2024", "#spoilers table", "#spoilers td.num"),
        (
            "/analysis/burlington-2009",
            "#distribution table",
            "#distribution td:not(:first-child), #inactive td:not(:first-child)",
        ),
    ],
)
def test_numbers_are_formatted(server, page, tmp_path, path, ready, cells):
    page.goto(f"{server}{path}")
    page.wait_for_selector(ready, timeout=60_000)
    texts = [t.strip() for t in page.eval_on_selector_all(cells, "els => els.map(e => e.textContent)")]
    numbers = [t for t in texts if t]
    assert len(numbers) > 10
    assert [t for t in numbers if not FORMATTED.match(t)] == []
    done(page, tmp_path, "numbers")


def test_simulation_page_is_honest_before_and_after_a_run(server, page, tmp_path):
    page.goto(f"{server}/simulate")
    expect(page.locator("#empty")).to_contain_text("No simulation yet")
    assert page.locator("#charts .main-svg").count() == 0
    page.fill("input[name=elections]", "30")
    page.fill("input[name=voters]", "15")
    page.click("#run")
    expect(page.locator("#paradox")).to_contain_text("of the 30 elections", timeout=60_000)
    expect(page.locator("#empty")).to_be_hidden()
    inactive = figure(page, "chart-exhausted_share")
    # complete rankings leave no ballot inactive: the chart says so on a 0-100 % axis
    assert inactive["layout"]["yaxis"]["range"][0] == 0 and inactive["layout"]["yaxis"]["range"][1] >= 1
    assert "0 % under every rule" in inactive["layout"]["title"]["text"]
    for name in ("condorcet_efficiency", "spoiler_rate"):
        assert figure(page, f"chart-{name}")["layout"]["yaxis"]["range"][0] == 0
    done(page, tmp_path, "simulation")


def test_rules_and_electors_lines_and_the_headline_slot(server, page, tmp_path):
    page.goto(f"{server}/contest/burlington-2009")
    expect(page.locator("#rules-line")).to_have_text(
        "counted under the contest's rules: IRV, overvote exhausts (from the facts of dataset burlington-2009)",
        timeout=60_000,
    )
    # the count's own headline, as `tally count` prints it
    expect(page.locator("#headline")).to_contain_text("Bob Kiss won under IRV in 5 rounds")
    # the Analysis view says the same rules, in the same words, as the API's count
    for query in ("", "?rule=schulze"):
        page.goto(f"{server}/analysis/burlington-2009{query}")
        line = page.request.get(f"{server}/api/count?dataset=burlington-2009&{query[1:]}").json()
        expect(page.locator("#rules-line")).to_have_text(line["counted_under"]["line"], timeout=60_000)
    expect(page.locator("#rules-line")).to_contain_text("counted under schulze at your request")
    page.goto(f"{server}/ec/us-president-2000")
    expect(page.locator("#rules-line")).to_contain_text(
        "counted under the contest's rules: Electoral College", timeout=60_000
    )
    page.locator("select[name=faithless]").select_option("historical")
    expect(page.locator("#rules-line")).to_contain_text("electors as they historically voted", timeout=60_000)
    expect(page.locator("#electors-line")).to_contain_text("1 DC elector(s) pledged to Al Gore abstained")

    # a result that carries a headline shows it above the detail
    def with_headline(route):
        response = route.fetch()
        body = response.json()
        body["headline"] = "Bob Kiss won in the fifth round."
        route.fulfill(response=response, json=body)

    page.route("**/ui/contest?*", with_headline)
    page.goto(f"{server}/contest/burlington-2009")
    expect(page.locator("#headline")).to_have_text("Bob Kiss won in the fifth round.", timeout=60_000)
    done(page, tmp_path, "headline")


def test_an_uploaded_party_list_gets_the_seats_view(server, page, tmp_path):
    # D'Hondt, 10 seats, votes 590/300/100/5: the ten largest quotients are A 590, B 300,
    # A 295, A 196.7, B 150, A 147.5, A 118, B 100, C 100, A 98.3: A 6, B 3, C 1
    lists = tmp_path / "lists.csv"
    lists.write_text("area,A,B,C,D\nall,590,300,100,5\n")
    page.goto(f"{server}/upload")
    page.set_input_files("#file", str(lists))
    page.select_option("#upload-rule", "dhondt")
    page.fill("input[name=seats]", "10")
    page.click("button[type=submit]")
    expect(page.locator("#winner")).to_have_text("A 6 · B 3 · C 1", timeout=60_000)
    expect(page.locator("#majority")).to_have_text("A won 6 of the 10 seats: a majority (6 needed).")
    expect(page.locator("#rounds-section")).to_be_hidden()
    on_screen = page.locator("main").inner_text()
    assert "round 2" not in on_screen and "Winner" not in on_screen
    done(page, tmp_path, "upload-seats")
