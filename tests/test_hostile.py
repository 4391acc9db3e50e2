"""The hostile-input corpus (tests/data/hostile, written by its make.py) through the command
line, in a process capped at 3 GiB and a minute, and through the web app, which must
answer every upload with a JSON status and stay up."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .capped import CappedCLI

HOSTILE = Path(__file__).parent / "data" / "hostile"
CASES = json.loads((HOSTILE / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def capped():
    runner = CappedCLI(memory=3 << 30)
    yield runner
    runner.close()


@pytest.fixture
def corpus(tmp_path):
    copy = tmp_path / "hostile"
    shutil.copytree(HOSTILE, copy)
    return copy


def _commands(case: dict, folder: Path, tmp: Path) -> list[list[str]]:
    path = str(folder / case["file"])
    if case["file"].endswith("_config.json"):
        return [["rctab", path, "-o", str(tmp / "out")], ["import", path, "--name", "hostile"]]
    return [[*command[:1], path, *command[1:]] for command in case.get("commands", [["count"]])]


def _check(result, case: dict, command: list[str]) -> None:
    where = f"{' '.join(command[:2])}: {result.code} {result.err[-600:]}"
    assert isinstance(result.code, int), where
    assert "internal error" not in result.err and "Traceback" not in result.err, where
    if case["expect"] == "error":
        assert result.code == 2, where
        assert len(result.error_lines) == 1, where
        assert case["words"] in result.error_lines[0], where
    else:
        assert result.code == 0, where
        if case["expect"] == "warning":
            assert case["words"] in result.err, where


@pytest.mark.parametrize("case", [c for c in CASES if c.get("cli", True)], ids=lambda c: c["file"])
def test_the_command_line_stops_with_one_located_line(capped, corpus, tmp_path, case):
    for command in _commands(case, corpus, tmp_path):
        result = capped.run(*command, cwd=tmp_path, env={"TALLY_HOME": str(tmp_path / "store")})
        _check(result, case, command)
        if case["expect"] == "error":  # located: the message names the file it is about
            assert str(corpus) in result.error_lines[0] or "config" in case["file"], result.error_lines[0]


def test_the_corpus_is_what_make_py_writes(tmp_path):
    """The committed files are the script's output (a changed case is regenerated, not edited)."""
    import filecmp
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    copy = tmp_path / "hostile"
    shutil.copytree(HOSTILE, copy)
    module.HERE, module.CASES = copy, []
    module.main()
    compared = filecmp.dircmp(HOSTILE, copy, ignore=["__pycache__"])

    def same(c: filecmp.dircmp) -> bool:
        return not (c.left_only or c.right_only or c.diff_files) and all(same(s) for s in c.subdirs.values())

    assert same(compared)


def test_the_web_app_answers_every_hostile_upload_and_stays_up(tmp_path, monkeypatch):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from tally import limits
    from tally.web import create_app

    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "store"))
    app = create_app(caps=limits.current().replace(job_seconds=10))
    answers = {}
    with TestClient(app, raise_server_exceptions=False) as client:
        for case in [c for c in CASES if c["upload"]]:
            content = (HOSTILE / case["file"]).read_bytes()
            r = client.post("/api/count", files={"file": (Path(case["file"]).name, content)})
            answers[case["file"]] = r.status_code
            assert r.headers["content-type"] == "application/json", case["file"]
            detail = r.json().get("detail", "")
            if case["expect"] == "error":
                assert r.status_code in (400, 413), (case["file"], r.status_code, detail)
                assert case["words"] in detail, (case["file"], detail)
            else:
                # counted, or stopped at the time limit (the 2,000-candidate file under IRV)
                assert r.status_code in (200, 422), (case["file"], r.status_code, detail)
            assert "tally-upload" not in r.text, "the temporary path leaked"
            assert client.get("/api/rules").status_code == 200
        assert app.state.pool.state()["busy"] == 0
    assert set(answers.values()) <= {200, 400, 413, 422}
