"""RCTab contest config reading: types, legacy names, path resolution, validation."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

from tally.errors import ConfigError
from tally.rctab.config import load_config

CASES = Path(__file__).parent / "data" / "rctab" / "cases"

BASE = {
    "tabulatorVersion": "TEST",
    "outputSettings": {
        "contestName": "Test contest",
        "outputDirectory": "output",
        "contestDate": "2024-11-05",
        "contestJurisdiction": "Town",
        "contestOffice": "Mayor",
        "tabulateByPrecinct": False,
        "generateCdfJson": False,
    },
    "cvrFileSources": [
        {
            "filePath": "cvr.xlsx",
            "contestId": "",
            "firstVoteColumnIndex": "2",
            "firstVoteRowIndex": "2",
            "idColumnIndex": "",
            "precinctColumnIndex": "1",
            "overvoteDelimiter": "",
            "provider": "ess",
            "overvoteLabel": "overvote",
            "skippedRankLabel": "undervote",
            "undeclaredWriteInLabel": "UWI",
            "treatBlankAsUndeclaredWriteIn": False,
        }
    ],
    "candidates": [
        {"name": "Alice", "aliases": ["A1"], "excluded": False},
        {"name": "Bob", "aliases": [], "excluded": False},
        {"name": "Carol", "excluded": True},
    ],
    "rules": {
        "tiebreakMode": "random",
        "overvoteRule": "exhaustImmediately",
        "winnerElectionMode": "singleWinnerMajority",
        "randomSeed": "7",
        "numberOfWinners": "1",
        "multiSeatBottomsUpPercentageThreshold": "",
        "decimalPlacesForVoteArithmetic": "4",
        "minimumVoteThreshold": "0",
        "maxSkippedRanksAllowed": "1",
        "maxRankingsAllowed": "max",
        "nonIntegerWinningThreshold": False,
        "doesFirstRoundDetermineThreshold": False,
        "hareQuota": False,
        "batchElimination": True,
        "continueUntilTwoCandidatesRemain": False,
        "stopTabulationEarlyAfterRound": "",
        "exhaustOnDuplicateCandidate": False,
        "rulesDescription": "Test rules",
    },
}


def write(tmp_path: Path, config: dict, name: str = "c_config.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def variant(**changes: dict) -> dict:
    config = copy.deepcopy(BASE)
    for section, values in changes.items():
        target = config[section][0] if section == "cvrFileSources" else config[section]
        for key, value in values.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
    return config


def test_reads_every_field_typed(tmp_path):
    cfg = load_config(write(tmp_path, BASE))
    assert cfg.folder == tmp_path.resolve()
    assert cfg.output.contest_name == "Test contest"
    assert cfg.output.contest_office == "Mayor"
    assert cfg.output.tabulate_by_precinct is False and cfg.output.tabulate_by_batch is False
    (src,) = cfg.sources
    assert src.provider == "ess"
    assert src.file_path == tmp_path.resolve() / "cvr.xlsx"
    assert src.first_vote_column_index == 2 and src.first_vote_row_index == 2
    assert src.precinct_column_index == 1 and src.id_column_index is None
    assert src.overvote_label == "overvote" and src.skipped_rank_label == "undervote"
    assert src.overvote_delimiter is None
    assert [c.name for c in cfg.candidates] == ["Alice", "Bob", "Carol"]
    assert cfg.candidates[0].aliases == ("A1",)
    assert cfg.candidate_names == ("Alice", "Bob") and cfg.excluded_names == ("Carol",)
    r = cfg.rules
    assert r.winner_election_mode == "singleWinnerMajority"
    assert r.tiebreak_mode == "random" and r.random_seed == 7
    assert r.max_rankings == 3  # "max" = declared candidates, excluded included
    assert r.max_skipped_ranks == 1
    assert r.batch_elimination is True and r.continue_until_two is False
    assert r.decimal_places == 4 and r.stop_early_after_round is None
    assert r.bottoms_up_percentage is None


def test_numbers_as_json_numbers_and_unlimited(tmp_path):
    cfg = load_config(
        write(
            tmp_path,
            variant(
                rules={
                    "numberOfWinners": 1,
                    "decimalPlacesForVoteArithmetic": 6,
                    "maxSkippedRanksAllowed": "unlimited",
                    "maxRankingsAllowed": 2,
                    "minimumVoteThreshold": 5,
                    "stopTabulationEarlyAfterRound": "3",
                },
                cvrFileSources={"firstVoteColumnIndex": 4, "firstVoteRowIndex": 2},
            ),
        )
    )
    assert cfg.rules.decimal_places == 6 and cfg.rules.max_skipped_ranks is None
    assert cfg.rules.max_rankings == 2 and cfg.rules.minimum_vote_threshold == 5
    assert cfg.rules.stop_early_after_round == 3
    assert cfg.sources[0].first_vote_column_index == 4


def test_legacy_names_are_mapped(tmp_path):
    config = variant(
        rules={
            "winnerElectionMode": "singleSeatContinueUntilTwoCandidatesRemain",
            "tiebreakMode": "usePermutationInConfig",
            "randomSeed": "",
            "overvoteLabel": "OV",
            "undeclaredWriteInLabel": "Write-in",
        },
        cvrFileSources={
            "overvoteLabel": None,
            "skippedRankLabel": None,
            "undeclaredWriteInLabel": None,
            "undervoteLabel": "blank",
        },
    )
    config["candidates"][1]["code"] = "B9"
    cfg = load_config(write(tmp_path, config))
    assert cfg.rules.winner_election_mode == "singleWinnerMajority"
    assert cfg.rules.continue_until_two is True
    assert cfg.rules.tiebreak_mode == "useCandidateOrder"
    src = cfg.sources[0]
    assert (src.overvote_label, src.skipped_rank_label, src.undeclared_write_in_label) == (
        "OV",
        "blank",
        "Write-in",
    )
    assert cfg.candidates[1].aliases == ("B9",)


@pytest.mark.parametrize(
    ("legacy", "seats", "percentage", "current"),
    [
        ("standard", "1", "", "singleWinnerMajority"),
        ("standard", "2", "", "multiWinnerAllowMultipleWinnersPerRound"),
        ("multiSeatAllowOnlyOneWinnerPerRound", "2", "", "multiWinnerAllowOnlyOneWinnerPerRound"),
        ("multiSeatBottomsUp", "2", "", "bottomsUp"),
        ("multiSeatBottomsUp", "0", "15", "bottomsUpUsingPercentageThreshold"),
        ("multiSeatSequentialWinnerTakesAll", "2", "", "multiPassIrv"),
    ],
)
def test_legacy_winner_modes(tmp_path, legacy, seats, percentage, current):
    config = variant(
        rules={
            "winnerElectionMode": legacy,
            "numberOfWinners": seats,
            "batchElimination": False,
            "multiSeatBottomsUpPercentageThreshold": percentage,
        }
    )
    cfg = load_config(write(tmp_path, config))
    assert cfg.rules.winner_election_mode == current
    if percentage:
        assert cfg.rules.bottoms_up_percentage == Decimal("0.15")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rules": {"tiebreakMode": "whatever"}}, "rules.tiebreakMode"),
        ({"rules": {"overvoteRule": "invalidOption"}}, "rules.overvoteRule"),
        ({"rules": {"maxRankingsAllowed": -1}}, "rules.maxRankingsAllowed"),
        ({"rules": {"maxSkippedRanksAllowed": "-3"}}, "rules.maxSkippedRanksAllowed"),
        ({"rules": {"decimalPlacesForVoteArithmetic": "0"}}, "rules.decimalPlacesForVoteArithmetic"),
        ({"rules": {"batchElimination": "True"}}, "rules.batchElimination"),
        ({"rules": {"numberOfWinners": None}}, "rules.numberOfWinners"),
        ({"rules": {"numberOfWinners": "1.5"}}, "rules.numberOfWinners"),
        ({"rules": {"randomSeed": ""}}, "rules.randomSeed"),
        ({"rules": {"winnerElectionMode": "mostVotes"}}, "rules.winnerElectionMode"),
        ({"outputSettings": {"contestName": ""}}, "outputSettings.contestName"),
        ({"cvrFileSources": {"provider": "scantron"}}, "cvrFileSources[1].provider"),
        ({"cvrFileSources": {"firstVoteColumnIndex": ""}}, "cvrFileSources[1].firstVoteColumnIndex"),
        ({"cvrFileSources": {"overvoteDelimiter": "|"}}, "cvrFileSources[1].overvoteDelimiter"),
        (
            {"cvrFileSources": {"treatBlankAsUndeclaredWriteIn": True, "undeclaredWriteInLabel": ""}},
            "cvrFileSources[1].undeclaredWriteInLabel",
        ),
        ({"rules": {"overvoteRule": "exhaustIfMultipleContinuing"}}, "cvrFileSources[1].overvoteLabel"),
        ({"outputSettings": {"tabulateByBatch": True}}, "cvrFileSources[1].batchColumnIndex"),
        ({"rules": {"hareQuota": True}}, "rules.hareQuota"),
        ({"rules": {"numberOfWinners": "0"}}, "rules.numberOfWinners"),
        ({"rules": {"maxRankingsAllowed": "\u00b2"}}, "rules.maxRankingsAllowed"),  # isdigit, not int
    ],
)
def test_invalid_values_name_the_field(tmp_path, changes, field):
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, variant(**changes)))
    assert field in str(err.value)


def test_duplicate_candidates_and_all_excluded(tmp_path):
    config = copy.deepcopy(BASE)
    config["candidates"].append({"name": "Bob", "aliases": []})
    with pytest.raises(ConfigError, match="declared twice"):
        load_config(write(tmp_path, config))
    config = copy.deepcopy(BASE)
    for c in config["candidates"]:
        c["excluded"] = True
    with pytest.raises(ConfigError, match="not excluded"):
        load_config(write(tmp_path, config))


def test_alias_shared_by_two_candidates_is_refused(tmp_path):
    config = copy.deepcopy(BASE)
    config["candidates"][1]["aliases"] = ["A1"]
    with pytest.raises(ConfigError, match="'A1'"):
        load_config(write(tmp_path, config))


def test_unreadable_or_broken_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config(bad)
    bad.write_bytes(b'{\n  "outputSettings": {"contestName": "Caf\xe9"}}')
    with pytest.raises(ConfigError, match="not UTF-8 text: byte 0xe9 on line 2"):
        load_config(bad)


def test_unknown_keys_ignored_and_config_frozen(tmp_path):
    config = copy.deepcopy(BASE)
    config["rules"]["someFutureOption"] = "x"
    config["extra"] = {"a": 1}
    cfg = load_config(write(tmp_path, config))
    with pytest.raises(AttributeError):
        cfg.rules.number_of_winners = 2  # type: ignore[misc]


# -- RCTab's own cases -------------------------------------------------------------------


def _case_configs() -> list[Path]:
    return sorted(p for p in CASES.glob("*/*_config.json") if p.parent.name != "invalid_params_test")


def test_rctab_invalid_params_case_fails_naming_fields():
    path = CASES / "invalid_params_test" / "invalid_params_test_config.json"
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    for field in (
        "rules.tiebreakMode",
        "rules.overvoteRule",
        "rules.maxRankingsAllowed",
        "rules.maxSkippedRanksAllowed",
        "rules.decimalPlacesForVoteArithmetic",
        "rules.batchElimination",
        "rules.continueUntilTwoCandidatesRemain",
    ):
        assert field in message


@pytest.mark.parametrize("path", _case_configs(), ids=lambda p: p.parent.name)
def test_rctab_case_configs_load(path):
    cfg = load_config(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert cfg.output.contest_name == raw["outputSettings"]["contestName"]
    assert len(cfg.sources) == len(raw["cvrFileSources"])
    for src in cfg.sources:
        assert src.file_path.exists(), src.file_path
    assert [c.name for c in cfg.candidates] == [c["name"].strip() for c in raw["candidates"]]
    assert cfg.rules.max_rankings >= 1
