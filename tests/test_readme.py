"""Every example in the README runs as pasted, from a copy of the checkout.

The fenced ``bash`` and ``python`` blocks of README.md are read as a user reads them. Each
runs in a temporary copy of the checkout (so the files the examples write, ``out/`` and
reports, never land in the repository), with ``tally`` on the PATH running this checkout's
code, its own store, and 80 columns. The first block's set-up is what a fresh clone runs
once: its ``pip install`` is what these tests run on, and its second command (the whole
test suite) is this suite; the rest of its first line runs here.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks() -> list[tuple[str, str]]:
    """The README's runnable blocks: ``(language, text)`` for every bash and python fence."""
    return [
        (lang, body)
        for lang, body in _FENCE.findall(README.read_text(encoding="utf-8"))
        if lang in ("bash", "python")
    ]


def commands(text: str) -> list[str]:
    """The shell commands of a bash block: continuation lines joined, blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def setup_commands(text: str) -> list[str]:
    """The set-up block without what the test environment is: the install and the suite."""
    out = []
    for line in commands(text):
        line = re.sub(r"^python3 -m pip install [^&]*&&\s*", "", line)
        if line.startswith(("python3 -m pip install", "python3 -m pytest")):
            continue
        out.append(line)
    return out


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """A copy of the checkout, a ``tally`` command running its code, a store of its own."""
    base = tmp_path_factory.mktemp("readme")
    copy = base / "clone"
    ignore = shutil.ignore_patterns(
        ".git", "__pycache__", "*.egg-info", "dist", "site", "test-artifacts", "out"
    )
    shutil.copytree(ROOT, copy, ignore=ignore)
    bin_dir = base / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "tally"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m tally.cli "$@"\n')
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    env = dict(os.environ)
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        PYTHONPATH=str(copy / "src"),
        TALLY_HOME=str(base / "home"),
        COLUMNS="80",
        NO_COLOR="1",
    )
    env.pop("TALLY_DEBUG", None)
    return {"cwd": copy, "env": env}


def _run(argv: list[str], sandbox: dict[str, object], shown: str) -> None:
    done = subprocess.run(
        argv, check=False, cwd=sandbox["cwd"], env=sandbox["env"], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, (
        f"{shown}\nexit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    )


def test_the_readme_has_the_two_setup_commands_at_the_top():
    lang, first = blocks()[0]
    lines = commands(first)
    assert lang == "bash" and len(lines) == 2
    assert (
        lines[0].startswith("python3 -m pip install -e '.[")
        and "tally spoilers us-president-2000" in lines[0]
    )
    install, suite = lines[1].split(" && ")
    assert install.startswith("python3 -m pip install -e '.[test,") and suite == "python3 -m pytest -n 2"
    # CI runs the same: its install names the same extras, its last line the same suite
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert install.replace("pip install", "pip install -q") in ci
    assert ci[-1] == suite + " -q"


@pytest.mark.parametrize("number", range(len(blocks())), ids=lambda n: f"block{n + 1}")
def test_every_readme_block_runs_as_pasted(sandbox, number):
    lang, text = blocks()[number]
    if lang == "python":
        script = Path(sandbox["cwd"]) / f"readme_block_{number + 1}.py"
        script.write_text(text, encoding="utf-8")
        _run([sys.executable, str(script)], sandbox, text)
        return
    lines = setup_commands(text) if number == 0 else commands(text)
    assert lines, "a bash block with nothing to run"
    for line in lines:
        _run(["bash", "-e", "-o", "pipefail", "-c", line], sandbox, line)


def test_the_sample_files_are_what_the_readme_of_examples_says():
    """examples/ballots.csv is the bundled Maine file; polls.csv is what make_polls.py writes."""
    import importlib.util

    examples = ROOT / "examples"
    bundled = ROOT / "src" / "tally" / "data" / "maine-2018-cd2" / "me-cd2-2018-ballots-aggregated.csv"
    assert (examples / "ballots.csv").read_bytes() == bundled.read_bytes()
    spec = importlib.util.spec_from_file_location("make_polls", examples / "make_polls.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = "".join(",".join(row) + "\n" for row in module.rows())
    assert (examples / "polls.csv").read_text(encoding="utf-8") == written
