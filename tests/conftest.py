"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tally.cli import main


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
