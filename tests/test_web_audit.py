"""The audit plan on the web: /api/rla gives what `tally rla --json` gives; the page draws
it, with the elimination tree the assertions prune, in a real browser."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tally.web import create_app
from tests import browser as fixtures
from tests.browser import done

server, browser, page = fixtures.server, fixtures.browser, fixtures.page


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app())


def _leaves(node):
    if not node["children"]:
        return [node]
    return [leaf for child in node["children"] for leaf in _leaves(child)]


def test_api_plan_is_the_command_lines(client, cli):
    body = client.get("/api/rla", params={"dataset": "burlington-2009", "tree": "true"}).json()
    code, out, _ = cli("rla", "burlington-2009", "--json")
    assert code == 0
    plan = json.loads(out)
    for key in ("winner", "assertions", "margin", "difficulty", "sample_size", "options"):
        assert body[key] == plan[key], key
    # the tree: one root per other possible winner; every branch ends at an assertion
    roots = body["elimination_tree"]
    assert sorted(r["suffix"][-1] for r in roots) == sorted(c for c in plan["candidates"] if c != "Bob Kiss")
    for root in roots:
        for leaf in _leaves(root):
            assert leaf["pruned_by"] and all(1 <= k <= len(plan["assertions"]) for k in leaf["pruned_by"])
    assert body["tree_size"] == sum(1 + sum(_count(c) for c in r["children"]) for r in roots)


def _count(node):
    return 1 + sum(_count(c) for c in node["children"])


def test_api_refuses_what_it_cannot_audit(client):
    response = client.get("/api/rla", params={"dataset": "minneapolis-2009-park"})
    assert response.status_code == 400 and "wigm_stv for 3 seats" in response.json()["detail"]
    assert (
        client.get("/api/rla", params={"dataset": "minneapolis-2009-park", "rule": "irv"}).status_code == 200
    )
    assert client.get("/api/rla", params={"dataset": "no-such-contest"}).status_code == 404
    assert client.get("/api/rla", params={"dataset": "burlington-2009", "risk_limit": 0}).status_code == 422


def test_contest_page_links_to_the_audit(client):
    assert 'href="/audit/burlington-2009"' in client.get("/contest/burlington-2009").text
    # seats shared out among many (an apportionment, D'Hondt, STV for three seats) have no
    # audit tally can plan: no link to a page that would only say so
    for dataset in ("us-census-2020", "austria-nationalrat-2019", "portland-2024-council-d1"):
        assert "/audit/" not in client.get(f"/contest/{dataset}").text, dataset
        assert client.get("/api/rla", params={"dataset": dataset}).status_code == 400, dataset
    assert 'href="/audit/uk-general-2024"' in client.get("/contest/uk-general-2024").text
    assert client.get("/audit/no-such-contest").status_code == 404


@pytest.mark.browser
def test_audit_page_shows_assertions_and_the_pruned_tree(server, page, tmp_path):
    page.goto(f"{server}/audit/burlington-2009")
    from playwright.sync_api import expect

    expect(page.locator("#audit-winner")).to_have_text("Bob Kiss", timeout=60_000)
    expect(page.locator("#assertions tbody tr")).to_have_count(11)
    # the closest assertion: Kiss and Wright alone, 4,313 to 4,060 in the last published round
    first = page.locator("#assertion-1 td")
    expect(first.nth(1)).to_have_text("NEN")
    expect(first.nth(2)).to_have_text("Bob Kiss")
    expect(first.nth(3)).to_have_text("Kurt Wright")
    expect(first.nth(5)).to_have_text(f"{4313 - 4060:,}")
    expect(page.locator("#audit-summary")).to_contain_text("Smallest margin 253 of 8,980 ballots")
    tree = page.locator("#elimination-tree")
    expect(tree).to_contain_text("… Kurt Wright")
    expect(tree.locator("li.leaf").first).to_contain_text("ruled out by #")
    done(page, tmp_path, "audit-burlington-2009")
    # a tighter risk limit asks for more ballots
    before = page.locator("#audit-summary").inner_text()
    page.fill("#risk-limit", "0.01")
    page.click("#audit-form button")
    expect(page.locator("#audit-summary")).to_contain_text("1% risk limit", timeout=60_000)
    assert page.locator("#audit-summary").inner_text() != before


@pytest.mark.browser
def test_audit_page_offers_the_irv_count_of_an_stv_contest(server, page, tmp_path):
    page.goto(f"{server}/audit/minneapolis-2009-bet")
    from playwright.sync_api import expect

    expect(page.locator("#error")).to_contain_text("wigm_stv for 2 seats", timeout=60_000)
    page.click("#error a")
    expect(page.locator("#audit-winner")).to_have_text("Carol Becker", timeout=60_000)
    page.screenshot(path=str(tmp_path / "audit-minneapolis-irv.png"), full_page=True)
    # the one error the page met is the refused STV plan it explained above
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
