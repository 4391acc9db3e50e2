"""``tally rctab`` and ``tally verify`` end to end, on RCTab cases copied to a temporary folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tally.cli import app

CASES = Path(__file__).parent / "data" / "rctab" / "cases"
runner = CliRunner()


@pytest.fixture()
def case(tmp_path: Path) -> Path:
    """A copy of a small case (with its shared CVR) so tests may edit the inputs."""
    root = tmp_path / "cases"
    shutil.copytree(
        CASES / "tiebreak_use_permutation_in_config_test", root / "tiebreak_use_permutation_in_config_test"
    )
    (root / "_shared").mkdir()
    shutil.copy(CASES / "_shared" / "simple_ess_cvr.xlsx", root / "_shared")
    return (
        root
        / "tiebreak_use_permutation_in_config_test"
        / "tiebreak_use_permutation_in_config_test_config.json"
    )


def test_rctab_writes_reports_and_audit(case: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["rctab", str(case), "-o", str(out)])
    assert result.exit_code == 0, result.output
    stem = "tiebreak_use_permutation_in_config_test"
    report = out / f"{stem}_detailed_report.json"
    expected = json.loads((case.parent / f"{stem}_expected_detailed_report.json").read_text())
    ours = json.loads(report.read_text())
    assert ours["results"] == expected["results"]
    assert ours["summary"] == expected["summary"]
    audit = json.loads((out / f"{stem}_audit.json").read_text())
    assert audit["inputs"][0]["path"] == "../_shared/simple_ess_cvr.xlsx"
    assert len(audit["inputs"][0]["sha256"]) == 64
    assert set(audit["reports"]) == {f"{stem}_detailed_report.json", f"{stem}_detailed_report.csv"}
    assert "Round" in result.output or "R1" in result.output


def test_rctab_json_is_the_detailed_report(case: Path, tmp_path: Path):
    result = runner.invoke(app, ["rctab", str(case), "-o", str(tmp_path / "o"), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["jsonFormatVersion"] == "1"
    assert data["summary"]["numWinners"] == 1


def test_verify_reproduces_then_catches_changes(case: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert runner.invoke(app, ["rctab", str(case), "-o", str(out)]).exit_code == 0
    stem = "tiebreak_use_permutation_in_config_test"
    ok = runner.invoke(app, ["verify", str(out / f"{stem}_detailed_report.csv")])
    assert ok.exit_code == 0, ok.output
    assert "reproduced" in ok.output

    # a report edited after the count
    csv_path = out / f"{stem}_detailed_report.csv"
    csv_path.write_text(
        csv_path.read_text().replace("Total Number of Ballots,10", "Total Number of Ballots,11")
    )
    bad = runner.invoke(app, ["verify", str(out / f"{stem}_audit.json")])
    assert bad.exit_code == 1
    assert "differs" in bad.output

    # an input changed after the count
    cvr = case.parent.parent / "_shared" / "simple_ess_cvr.xlsx"
    cvr.write_bytes(cvr.read_bytes() + b"\0")
    changed = runner.invoke(app, ["verify", str(out / f"{stem}_audit.json")])
    assert changed.exit_code == 1
    assert "has changed" in changed.output


def test_rctab_bad_config_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "bad_config.json"
    bad.write_text("{not json")
    result = runner.invoke(app, ["rctab", str(bad)])
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    assert "not valid JSON" in str(result.exception)


def test_verify_checks_a_report_rctab_wrote(tmp_path: Path):
    folder = CASES / "generic_csv_test"
    config = folder / "generic_csv_test_config.json"
    report = folder / "generic_csv_test_expected_detailed_report.json"
    ok = runner.invoke(app, ["verify", str(report), "--config", str(config)])
    assert ok.exit_code == 0, ok.output

    data = json.loads(report.read_text())
    data["results"][0]["tally"]["Lettuce"] = "6"
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))
    bad = runner.invoke(app, ["verify", str(edited), "--config", str(config)])
    assert bad.exit_code == 1
    assert "Lettuce" in bad.output


def test_rctab_output_folder_that_is_a_file_is_a_clear_error(case: Path, tmp_path: Path):
    taken = tmp_path / "taken"
    taken.write_text("not a folder")
    result = runner.invoke(app, ["rctab", str(case), "-o", str(taken)])
    assert result.exit_code != 0
    from tally.errors import ConfigError

    assert isinstance(result.exception, ConfigError)
    assert "cannot write the report" in str(result.exception) and "taken" in str(result.exception)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[]", "not a tally RCTab audit file"),
        (b"\xff\xfe", "unreadable audit file"),
        (None, "damaged audit file"),
    ],
)
def test_verify_damaged_audit_file_is_a_clear_error(case: Path, tmp_path: Path, content, problem):
    from tally.errors import DataError

    out = tmp_path / "out"
    assert runner.invoke(app, ["rctab", str(case), "-o", str(out)]).exit_code == 0
    audit = out / "tiebreak_use_permutation_in_config_test_audit.json"
    if content is None:
        data = json.loads(audit.read_text(encoding="utf-8"))
        data["config"] = {"path": 5}
        content = json.dumps(data).encode()
    audit.write_bytes(content)
    result = runner.invoke(app, ["verify", str(audit)])
    assert isinstance(result.exception, DataError)
    assert problem in str(result.exception) and "\n" not in str(result.exception)
