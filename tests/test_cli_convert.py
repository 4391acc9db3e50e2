"""`tally convert`: RCTab's conversion cases through the command line."""

from __future__ import annotations

import json
from pathlib import Path

CASES = Path(__file__).parent / "data" / "rctab" / "cases"


def test_convert_to_flat_csv_matches_rctab(cli, tmp_path):
    case = CASES / "conversions_from_dominion"
    code, _out, err = cli(
        "convert", str(case / "conversions_from_dominion_config.json"), "-o", str(tmp_path / "out.csv")
    )
    assert code == 0, err
    expected = (case / "conversions_from_dominion_expected.csv").read_text(encoding="utf-8")
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").replace("\r\n", "\n") == expected.replace(
        "\r\n", "\n"
    )


def test_convert_to_cdf_json(cli, tmp_path):
    case = CASES / "conversions_from_ess"
    code, _, err = cli(
        "convert",
        str(case / "conversions_from_ess_config.json"),
        "--to",
        "cdf",
        "-o",
        str(tmp_path / "out.json"),
    )
    assert code == 0, err
    ours = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    theirs = json.loads((case / "conversions_from_ess_expected_cdf_cvr.json").read_text(encoding="utf-8"))
    assert len(ours["CVR"]) == len(theirs["CVR"]) == 10
    assert ours["Election"] == theirs["Election"]


def test_convert_missing_config_is_one_line(cli, tmp_path):
    code, _, err = cli("convert", str(tmp_path / "nope_config.json"))
    assert code == 2 and "nope_config.json" in err and "Traceback" not in err
