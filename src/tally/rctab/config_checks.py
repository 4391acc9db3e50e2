"""Checks of an RCTab contest config, field by field and across fields (see
:mod:`tally.rctab.config`): every problem is collected, so one error lists them all, and
legacy spellings are mapped to the current ones.

Reference: RCTab (BrightSpots/rcv) ``ContestConfig.java`` (``validate``) and
``ContestConfigMigration.java``.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .config_model import (
    OVERVOTE_RULES,
    PROVIDERS,
    RANDOM_TIEBREAKS,
    TIEBREAK_MODES,
    WINNER_ELECTION_MODES,
    Candidate,
    CvrSource,
    OutputSettings,
    Rules,
)

__all__ = ["Checker", "candidates_of", "cross_checks", "output_of", "rules_of", "section", "sources_of"]

_LEGACY_TIEBREAK = {
    "interactive": "stopCountingAndAsk",
    "previousRoundCountsThenInteractive": "previousRoundCountsThenAsk",
    "usePermutationInConfig": "useCandidateOrder",
}
# Strings RCTab uses as transfer keys in its reports; a candidate or label may not take them.
_RESERVED = ("exhausted", "residual surplus", "overvote", "undervote")

_MAX_COLUMN = 1000
_MAX_ROW = 100_000
_SEED_RANGE = (-140_737_488_355_328, 140_737_488_355_327)
_INT_MAX = 2**31 - 1


# -- field parsing -----------------------------------------------------------------------


class Checker:
    """Collects every problem so one error can list them all."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def raise_if_any(self) -> None:
        if self.problems:
            # a config generated wrong can hold thousands of the same mistake: the first few say it
            shown = "; ".join(self.problems[:20])
            more = f"; and {len(self.problems) - 20:,} more problems" if len(self.problems) > 20 else ""
            raise ConfigError(f"{self.where}: invalid contest config: {shown}{more}")

    def text(self, obj: dict, key: str, field: str, *, required: bool = False) -> str | None:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.fail(f"{field} is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(f"{field} must be text, not {json.dumps(value)}")
            return None
        return str(value)

    def flag(self, obj: dict, key: str, field: str) -> bool:
        value = obj.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(f"{field} must be true or false, not {json.dumps(value)}")
            return False
        return value

    def integer(
        self,
        obj: dict,
        key: str,
        field: str,
        low: int,
        high: int,
        *,
        required: bool = False,
        special: dict[str, int | None] | None = None,
    ) -> int | None:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.fail(f"{field} is required")
            return None
        if isinstance(value, str) and special and value.strip() in special:
            return special[value.strip()]
        parsed = _as_int(value)
        if parsed is None or not low <= parsed <= high:
            words = " or ".join(f'"{s}"' for s in special) if special else ""
            span = f"an integer from {low} to {high}" if high < _INT_MAX else f"an integer of at least {low}"
            shown = json.dumps(value)
            shown = shown if len(shown) <= 40 else f"{shown[:37]}..."
            self.fail(f"{field} must be {words + ' or ' if words else ''}{span}, not {shown}")
            return None
        return parsed


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        s = value.strip()
        digits = s.lstrip("+-")
        # isdigit alone takes "²", which int refuses; past 30 digits every field is out of
        # range, and int() refuses 4,300 digits
        if s.isascii() and digits.isdigit() and len(digits) <= 30:
            return int(s)
    return None


def section(checker: Checker, raw: dict, key: str) -> dict:
    value = raw.get(key)
    if value is None:
        checker.fail(f"{key} is required")
        return {}
    if not isinstance(value, dict):
        checker.fail(f"{key} must be an object")
        return {}
    return value


def output_of(checker: Checker, obj: dict) -> OutputSettings:
    return OutputSettings(
        contest_name=checker.text(obj, "contestName", "outputSettings.contestName", required=True) or "",
        contest_date=checker.text(obj, "contestDate", "outputSettings.contestDate") or "",
        contest_jurisdiction=checker.text(obj, "contestJurisdiction", "outputSettings.contestJurisdiction")
        or "",
        contest_office=checker.text(obj, "contestOffice", "outputSettings.contestOffice") or "",
        output_directory=checker.text(obj, "outputDirectory", "outputSettings.outputDirectory") or "output",
        tabulate_by_precinct=checker.flag(obj, "tabulateByPrecinct", "outputSettings.tabulateByPrecinct"),
        tabulate_by_batch=checker.flag(obj, "tabulateByBatch", "outputSettings.tabulateByBatch"),
        generate_cdf_json=checker.flag(obj, "generateCdfJson", "outputSettings.generateCdfJson"),
    )


def candidates_of(checker: Checker, raw: Any) -> list[Candidate]:
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        checker.fail("candidates must be a list")
        return []
    out: list[Candidate] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        field = f"candidates[{i}]"
        if not isinstance(item, dict):
            checker.fail(f"{field} must be an object")
            continue
        name = checker.text(item, "name", f"{field}.name", required=True)
        if name is None:
            continue
        name = name.strip()
        if name in seen:
            checker.fail(f"{field}.name {name!r} is declared twice")
            continue
        seen.add(name)
        aliases_raw = item.get("aliases") or []
        if not isinstance(aliases_raw, list):
            checker.fail(f"{field}.aliases must be a list")
            aliases_raw = []
        aliases: list[str] = []
        for a in aliases_raw:
            if isinstance(a, bool) or not isinstance(a, (str, int, float)):
                checker.fail(f"{field}.aliases holds {json.dumps(a)}, which is not text")
            elif str(a).strip() and str(a).strip() not in aliases:
                aliases.append(str(a).strip())
        code = item.get("code")  # legacy single code, now one more alias
        if (
            isinstance(code, (str, int))
            and not isinstance(code, bool)
            and str(code).strip()
            and str(code).strip() not in aliases
        ):
            aliases.append(str(code).strip())
        out.append(
            Candidate(
                name=name,
                aliases=tuple(aliases),
                excluded=checker.flag(item, "excluded", f"{field}.excluded"),
            )
        )
    return out


def sources_of(checker: Checker, raw: Any, rules_raw: dict, folder: Path) -> list[CvrSource]:
    """``cvrFileSources``: each source checked, labels older configs set in ``rules`` moved onto it."""
    if not isinstance(raw, list) or not raw:
        checker.fail("cvrFileSources must list at least one cast vote record source")
        return []
    # Labels older configs set once in `rules` now belong to each source.
    legacy = {
        "overvoteLabel": rules_raw.get("overvoteLabel"),
        "undervoteLabel": rules_raw.get("undervoteLabel"),
        "undeclaredWriteInLabel": rules_raw.get("undeclaredWriteInLabel"),
    }
    legacy_blank_uwi = rules_raw.get("treatBlankAsUndeclaredWriteIn") is True
    out: list[CvrSource] = []
    seen_paths: set[Path] = set()
    for i, item in enumerate(raw, start=1):
        field = f"cvrFileSources[{i}]"
        if not isinstance(item, dict):
            checker.fail(f"{field} must be an object")
            continue
        out.append(_source(checker, field, item, legacy, legacy_blank_uwi, folder, seen_paths))
    return out


def _source(
    checker: Checker,
    field: str,
    item: dict,
    legacy: dict[str, Any],
    legacy_blank_uwi: bool,
    folder: Path,
    seen_paths: set[Path],
) -> CvrSource:
    """One ``cvrFileSources[]`` entry."""
    provider = checker.text(item, "provider", f"{field}.provider", required=True)
    if provider is not None and provider not in PROVIDERS:
        checker.fail(f"{field}.provider {provider!r} is not one of {', '.join(PROVIDERS)}")
    file_text = checker.text(item, "filePath", f"{field}.filePath", required=True)
    file_path = Path()
    if file_text is not None:
        file_path = Path(file_text)
        if not file_path.is_absolute():
            file_path = folder / file_path
        file_path = Path(*file_path.parts)  # normalise "./x/" spellings
        if file_path in seen_paths:
            checker.fail(f"{field}.filePath {file_text!r} is listed twice")
        seen_paths.add(file_path)
    columns_needed = provider in ("ess", "genericCsv")
    label = _labels(checker, field, item, legacy)
    delimiter = _delimiter(checker, field, item, provider, label["overvoteLabel"])
    treat_blank = checker.flag(
        item, "treatBlankAsUndeclaredWriteIn", f"{field}.treatBlankAsUndeclaredWriteIn"
    )
    treat_blank = treat_blank or legacy_blank_uwi
    if treat_blank and label["undeclaredWriteInLabel"] is None:
        checker.fail(f"{field}.undeclaredWriteInLabel is required when treatBlankAsUndeclaredWriteIn is true")
    contest_id = checker.text(item, "contestId", f"{field}.contestId")
    if contest_id is None and provider in ("dominion", "hart", "cdf", "clearBallot"):
        checker.fail(f"{field}.contestId is required for {provider} sources")
    return CvrSource(
        provider=provider or "",
        file_path=file_path,
        contest_id=contest_id,
        first_vote_column_index=checker.integer(
            item,
            "firstVoteColumnIndex",
            f"{field}.firstVoteColumnIndex",
            1,
            _MAX_COLUMN,
            required=columns_needed,
        ),
        first_vote_row_index=checker.integer(
            item, "firstVoteRowIndex", f"{field}.firstVoteRowIndex", 1, _MAX_ROW, required=columns_needed
        ),
        id_column_index=checker.integer(item, "idColumnIndex", f"{field}.idColumnIndex", 1, _MAX_COLUMN),
        precinct_column_index=checker.integer(
            item, "precinctColumnIndex", f"{field}.precinctColumnIndex", 1, _MAX_COLUMN
        ),
        batch_column_index=checker.integer(
            item, "batchColumnIndex", f"{field}.batchColumnIndex", 1, _MAX_COLUMN
        ),
        overvote_delimiter=delimiter,
        overvote_label=label["overvoteLabel"],
        skipped_rank_label=label["skippedRankLabel"],
        undeclared_write_in_label=label["undeclaredWriteInLabel"],
        treat_blank_as_undeclared_write_in=treat_blank,
        file_path_text=file_text or "",
    )


def _labels(checker: Checker, field: str, item: dict, legacy: dict[str, Any]) -> dict[str, str | None]:
    """A source's overvote, skipped-rank and write-in labels, with the legacy spellings."""
    label = {}
    for key in ("overvoteLabel", "skippedRankLabel", "undeclaredWriteInLabel"):
        label[key] = checker.text(item, key, f"{field}.{key}")
    if label["skippedRankLabel"] is None:
        label["skippedRankLabel"] = checker.text(item, "undervoteLabel", f"{field}.undervoteLabel")
    for key, legacy_key in (
        ("overvoteLabel", "overvoteLabel"),
        ("skippedRankLabel", "undervoteLabel"),
        ("undeclaredWriteInLabel", "undeclaredWriteInLabel"),
    ):
        if label[key] is None and isinstance(legacy[legacy_key], str) and legacy[legacy_key]:
            label[key] = legacy[legacy_key]
    return label


def _delimiter(
    checker: Checker, field: str, item: dict, provider: str | None, overvote_label: str | None
) -> str | None:
    """A source's ``overvoteDelimiter`` (ES&S only, not beside an overvote label)."""
    delimiter = item.get("overvoteDelimiter")
    if delimiter is not None and not isinstance(delimiter, str):
        checker.fail(f"{field}.overvoteDelimiter must be text")
        delimiter = None
    delimiter = delimiter or None
    if delimiter is not None:
        if overvote_label is not None:
            checker.fail(f"{field}.overvoteDelimiter cannot be used together with overvoteLabel")
        if delimiter.strip() == "" or "\\" in delimiter:
            checker.fail(f"{field}.overvoteDelimiter {delimiter!r} is not a usable delimiter")
        if provider is not None and provider != "ess":
            checker.fail(f"{field}.overvoteDelimiter is only used with ES&S sources")
    return delimiter


def rules_of(checker: Checker, obj: dict, n_declared: int) -> Rules:
    """``rules``: each field checked, legacy mode and tie-break names mapped to today's."""
    number_of_winners = checker.integer(
        obj, "numberOfWinners", "rules.numberOfWinners", 0, _INT_MAX, required=True
    )
    percentage = _percentage(checker, obj)
    mode, continue_until_two = _mode(checker, obj, number_of_winners, percentage)
    tiebreak, seed = _tiebreak(checker, obj)
    overvote_rule = checker.text(obj, "overvoteRule", "rules.overvoteRule", required=True) or ""
    if overvote_rule and overvote_rule not in OVERVOTE_RULES:
        checker.fail(f"rules.overvoteRule {overvote_rule!r} is not one of {', '.join(OVERVOTE_RULES)}")

    max_rankings = checker.integer(
        obj,
        "maxRankingsAllowed",
        "rules.maxRankingsAllowed",
        1,
        _INT_MAX,
        required=True,
        special={"max": n_declared},
    )
    max_skipped = checker.integer(
        obj,
        "maxSkippedRanksAllowed",
        "rules.maxSkippedRanksAllowed",
        0,
        _INT_MAX,
        required=True,
        special={"unlimited": None},
    )
    decimal_places = checker.integer(
        obj, "decimalPlacesForVoteArithmetic", "rules.decimalPlacesForVoteArithmetic", 1, 20, required=True
    )
    minimum = checker.integer(obj, "minimumVoteThreshold", "rules.minimumVoteThreshold", 0, 1_000_000)
    stop_early = checker.integer(
        obj, "stopTabulationEarlyAfterRound", "rules.stopTabulationEarlyAfterRound", 1, _INT_MAX
    )
    return Rules(
        winner_election_mode=mode,
        number_of_winners=number_of_winners if number_of_winners is not None else 1,
        tiebreak_mode=tiebreak,
        overvote_rule=overvote_rule,
        max_rankings=max_rankings if max_rankings is not None else max(n_declared, 1),
        max_rankings_max=str(obj.get("maxRankingsAllowed", "")).strip() == "max",
        max_skipped_ranks=max_skipped,
        decimal_places=decimal_places if decimal_places is not None else 4,
        random_seed=seed,
        exhaust_on_duplicate=checker.flag(
            obj, "exhaustOnDuplicateCandidate", "rules.exhaustOnDuplicateCandidate"
        ),
        batch_elimination=checker.flag(obj, "batchElimination", "rules.batchElimination"),
        continue_until_two=continue_until_two,
        first_round_determines_threshold=checker.flag(
            obj, "doesFirstRoundDetermineThreshold", "rules.doesFirstRoundDetermineThreshold"
        ),
        non_integer_threshold=checker.flag(
            obj, "nonIntegerWinningThreshold", "rules.nonIntegerWinningThreshold"
        ),
        hare_quota=checker.flag(obj, "hareQuota", "rules.hareQuota"),
        minimum_vote_threshold=Decimal(minimum or 0),
        stop_early_after_round=stop_early,
        bottoms_up_percentage=percentage,
        cutoff_elimination=checker.flag(obj, "cutoffElimination", "rules.cutoffElimination"),
        rules_description=checker.text(obj, "rulesDescription", "rules.rulesDescription") or "",
    )


def _percentage(checker: Checker, obj: dict) -> Decimal | None:
    """``multiSeatBottomsUpPercentageThreshold`` as a fraction (RCTab writes a percentage)."""
    percentage_raw = obj.get("multiSeatBottomsUpPercentageThreshold")
    if percentage_raw in (None, ""):
        return None
    try:
        value = Decimal(str(percentage_raw).strip())
    except InvalidOperation:
        value = Decimal(-1)
    if isinstance(percentage_raw, bool) or not Decimal(1) <= value <= Decimal(100):
        checker.fail(
            "rules.multiSeatBottomsUpPercentageThreshold must be a number from 1 to 100, "
            f"not {json.dumps(percentage_raw)}"
        )
        return None
    return value / Decimal(100)


def _mode(
    checker: Checker, obj: dict, number_of_winners: int | None, percentage: Decimal | None
) -> tuple[str, bool]:
    """``winnerElectionMode`` (legacy names mapped) and ``continueUntilTwoCandidatesRemain``,
    which one legacy mode implies."""
    continue_until_two = checker.flag(
        obj, "continueUntilTwoCandidatesRemain", "rules.continueUntilTwoCandidatesRemain"
    )
    mode_raw = checker.text(obj, "winnerElectionMode", "rules.winnerElectionMode", required=True)
    mode = mode_raw or ""
    if mode_raw is None or mode_raw in WINNER_ELECTION_MODES:
        return mode, continue_until_two
    if mode_raw == "standard":
        mode = (
            "multiWinnerAllowMultipleWinnersPerRound"
            if (number_of_winners or 1) > 1
            else "singleWinnerMajority"
        )
    elif mode_raw == "singleSeatContinueUntilTwoCandidatesRemain":
        mode, continue_until_two = "singleWinnerMajority", True
    elif mode_raw == "multiSeatAllowOnlyOneWinnerPerRound":
        mode = "multiWinnerAllowOnlyOneWinnerPerRound"
    elif mode_raw == "multiSeatAllowMultipleWinnersPerRound":
        mode = "multiWinnerAllowMultipleWinnersPerRound"
    elif mode_raw == "multiSeatBottomsUp":
        mode = (
            "bottomsUpUsingPercentageThreshold"
            if number_of_winners == 0 or percentage is not None
            else "bottomsUp"
        )
    elif mode_raw == "multiSeatSequentialWinnerTakesAll":
        mode = "multiPassIrv"
    else:
        checker.fail(
            f"rules.winnerElectionMode {mode_raw!r} is not one of {', '.join(WINNER_ELECTION_MODES)}"
        )
    return mode, continue_until_two


def _tiebreak(checker: Checker, obj: dict) -> tuple[str, int | None]:
    """``tiebreakMode`` (legacy names mapped) and ``randomSeed``, required where lots are drawn."""
    tiebreak_raw = checker.text(obj, "tiebreakMode", "rules.tiebreakMode", required=True)
    tiebreak = _LEGACY_TIEBREAK.get(tiebreak_raw or "", tiebreak_raw or "")
    if tiebreak_raw is not None and tiebreak not in TIEBREAK_MODES:
        checker.fail(f"rules.tiebreakMode {tiebreak_raw!r} is not one of {', '.join(TIEBREAK_MODES)}")
    seed = checker.integer(obj, "randomSeed", "rules.randomSeed", *_SEED_RANGE)
    if tiebreak in RANDOM_TIEBREAKS and seed is None and obj.get("randomSeed") in (None, ""):
        checker.fail(f"rules.randomSeed is required when tiebreakMode is {tiebreak}")
    return tiebreak, seed


def cross_checks(
    checker: Checker,
    output: OutputSettings,
    sources: list[CvrSource],
    candidates: list[Candidate],
    rules: Rules,
) -> None:
    """The rules RCTab applies across fields (ContestConfig.validateRules and friends)."""
    if not candidates:
        checker.fail("candidates must declare at least one candidate")
    elif all(c.excluded for c in candidates):
        checker.fail("candidates must include at least one candidate that is not excluded")

    _mode_checks(checker, rules)
    names_and_aliases = _candidate_strings(checker, candidates)
    for i, src in enumerate(sources, start=1):
        _source_checks(checker, i, src, output, rules, names_and_aliases)


def _mode_checks(checker: Checker, rules: Rules) -> None:
    """Options the winner election mode needs, or would not read."""
    mode, seats = rules.winner_election_mode, rules.number_of_winners
    if seats == 0 and mode != "bottomsUpUsingPercentageThreshold":
        checker.fail(
            "rules.numberOfWinners may be 0 only with winnerElectionMode bottomsUpUsingPercentageThreshold"
        )
    if mode == "bottomsUpUsingPercentageThreshold":
        if rules.bottoms_up_percentage is None:
            checker.fail(
                "rules.multiSeatBottomsUpPercentageThreshold is required with bottomsUpUsingPercentageThreshold"
            )
    elif rules.bottoms_up_percentage is not None:
        checker.fail(
            "rules.multiSeatBottomsUpPercentageThreshold is only used with bottomsUpUsingPercentageThreshold"
        )
    if rules.cutoff_elimination and mode != "bottomsUpUsingPercentageThreshold":
        checker.fail("rules.cutoffElimination is only used with bottomsUpUsingPercentageThreshold")
    multi_seat_modes = (
        "multiWinnerAllowOnlyOneWinnerPerRound",
        "multiWinnerAllowMultipleWinnersPerRound",
        "bottomsUp",
    )
    if seats == 1 and mode in multi_seat_modes + ("multiPassIrv",):
        checker.fail(f"rules.winnerElectionMode {mode} needs numberOfWinners above 1")
    if seats > 1 and mode == "singleWinnerMajority":
        checker.fail("rules.winnerElectionMode singleWinnerMajority needs numberOfWinners 1")
    if rules.batch_elimination and mode not in ("singleWinnerMajority", "multiPassIrv", ""):
        checker.fail("rules.batchElimination is only allowed with singleWinnerMajority or multiPassIrv")
    if rules.continue_until_two and mode not in ("singleWinnerMajority", "multiPassIrv", ""):
        checker.fail(
            "rules.continueUntilTwoCandidatesRemain is only allowed with singleWinnerMajority or multiPassIrv"
        )
    if rules.hare_quota and mode not in (
        "multiWinnerAllowOnlyOneWinnerPerRound",
        "multiWinnerAllowMultipleWinnersPerRound",
    ):
        checker.fail("rules.hareQuota is only used in multi-winner surplus-transfer modes")


def _candidate_strings(checker: Checker, candidates: list[Candidate]) -> dict[str, str]:
    """Every name and alias, each meaning one candidate and none a reserved term."""
    names_and_aliases: dict[str, str] = {}
    for c in candidates:
        for s in (c.name, *c.aliases):
            if s.lower() in _RESERVED:
                checker.fail(f"candidate string {s!r} is a reserved term")
            other = names_and_aliases.get(s)
            if other is not None and other != c.name:
                checker.fail(f"candidate string {s!r} is used by both {other!r} and {c.name!r}")
            names_and_aliases[s] = c.name
    return names_and_aliases


def _source_checks(
    checker: Checker,
    i: int,
    src: CvrSource,
    output: OutputSettings,
    rules: Rules,
    names_and_aliases: dict[str, str],
) -> None:
    """A source's labels against the overvote rule, the candidates and each other, and
    the columns tabulating by precinct or batch needs."""
    if src.overvote_label is not None and rules.overvote_rule not in (
        "exhaustImmediately",
        "alwaysSkipToNextRank",
        "",
    ):
        checker.fail(
            f"cvrFileSources[{i}].overvoteLabel needs overvoteRule exhaustImmediately or alwaysSkipToNextRank"
        )
    labels = {
        "overvoteLabel": src.overvote_label,
        "skippedRankLabel": src.skipped_rank_label,
        "undeclaredWriteInLabel": src.undeclared_write_in_label,
    }
    for key, value in labels.items():
        if value is None:
            continue
        if value in names_and_aliases and key != "undeclaredWriteInLabel":
            checker.fail(f"cvrFileSources[{i}].{key} {value!r} is also a candidate name or alias")
        for other_key, other in labels.items():
            if other_key < key and other is not None and other.lower() == value.lower():
                checker.fail(f"cvrFileSources[{i}].{key} {value!r} is also the {other_key}")
    if (
        output.tabulate_by_precinct
        and src.provider in ("ess", "genericCsv")
        and src.precinct_column_index is None
    ):
        checker.fail(f"cvrFileSources[{i}].precinctColumnIndex is required when tabulateByPrecinct is true")
    if output.tabulate_by_batch and src.provider in ("ess", "genericCsv") and src.batch_column_index is None:
        checker.fail(f"cvrFileSources[{i}].batchColumnIndex is required when tabulateByBatch is true")
