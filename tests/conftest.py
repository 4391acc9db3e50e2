"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from tally.cli import main

# Starlette's TestClient sends "Host: testserver", a name the web app does not answer by default
os.environ.setdefault("TALLY_ALLOWED_HOSTS", "testserver")


@pytest.fixture
def cli(capsys) -> Callable[..., tuple[int, str, str]]:
    """Run ``tally ARGS...`` as a user would (through ``main``, which turns errors into
    one-line messages); return (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def narrow():
    """The console of the command line at 80 columns, as a terminal of that width."""
    from tally.cli import console

    before = console.width
    console.width = 80
    yield
    console.width = before


@pytest.fixture(autouse=True, scope="session")
def _private_store(tmp_path_factory):
    """Each test process gets its own store folder, so parallel workers never share a
    DuckDB file and no test writes to the user's real store."""
    import os

    os.environ["TALLY_HOME"] = str(tmp_path_factory.mktemp("tally-home"))
