"""The documentation site builds with no warning: tutorials, reference, the API pages
mkdocstrings generates from the docstrings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("mkdocs", reason="the docs extra: pip install -e '.[docs]'")
pytest.importorskip("mkdocstrings_handlers.python", reason="the docs extra: pip install -e '.[docs]'")


def test_mkdocs_build_strict(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr
    # every page is reachable from the navigation (mkdocs only mentions orphans at INFO level)
    assert "not included in the" not in done.stderr, done.stderr
    site = tmp_path / "site"
    for page in ("tutorials/official", "tutorials/journalist", "tutorials/researcher", "tutorials/organiser"):
        assert (site / page / "index.html").is_file(), page
    api = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    # the reference is generated from the docstrings, not written by hand
    assert "find_candidate" in api and "The candidate a user means" in api
