"""Fixtures of the browser tests: the app served on a free port, the system's Chromium,
a page that records its scripts' errors, and the checks every page ends with.

The tests need Chromium at /usr/bin/chromium (``apt-get install chromium``, which .ci/run
does).
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import sync_playwright

from tally.web import create_app

__all__ = ["browser", "done", "figure", "page", "server"]

CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import os

    os.environ["TALLY_HOME"] = str(tmp_path_factory.mktemp("store"))
    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A page that records what its scripts report as errors in ``page.errors``."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    context.set_default_timeout(60_000)  # a busy 2-core machine can be slow to render
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(f"uncaught: {e}"))
    yield pg
    context.close()


def done(page, folder: Path, name: str) -> None:
    """Save the page's screenshot and check its scripts reported no error."""
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert page.errors == [], page.errors


def figure(page, node: str) -> dict:
    """The plotly figure drawn in ``#node`` (data and layout, as the page drew it)."""
    page.wait_for_function(f"document.getElementById('{node}') && document.getElementById('{node}').data")
    return page.evaluate(
        f"() => {{ const n = document.getElementById('{node}');"
        " return {data: JSON.parse(JSON.stringify(n.data)), layout: JSON.parse(JSON.stringify(n.layout))}; }"
    )
