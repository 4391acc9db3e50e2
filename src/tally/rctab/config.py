"""RCTab contest configuration files, read into a typed, frozen tree.

An RCTab config (``<contest>_config.json``) names the contest, the cast-vote record
sources, the declared candidates and the tabulation rules. :func:`load_config` reads one
and checks it the way RCTab's ``ContestConfig.validate`` does, so that a config RCTab
refuses is refused here too, with a :class:`~tally.errors.ConfigError` that names every
offending field.

Values are accepted as RCTab writes them: numbers as JSON strings or numbers, ``""`` for
"not set", booleans only as JSON ``true``/``false``. Unknown keys are ignored. Legacy
names are mapped to the current ones (``standard`` → ``singleWinnerMajority``,
``usePermutationInConfig`` → ``useCandidateOrder``, source ``undervoteLabel`` →
``skippedRankLabel``, labels set in ``rules`` moved onto every source, candidate ``code``
→ an alias).

>>> cfg = load_config("tests/data/rctab/2015_portland_mayor/2015_portland_mayor_config.json")  # doctest: +SKIP
>>> cfg.rules.winner_election_mode, cfg.rules.max_rankings  # doctest: +SKIP
('singleWinnerMajority', 15)

Reference: RCTab (BrightSpots/rcv) ``ContestConfig.java``, ``ContestConfigMigration.java``
and ``config_file_documentation.txt``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..options import RCTAB_OVERVOTE_RULES, Reading

__all__ = [
    "OVERVOTE_RULES",
    "PROVIDERS",
    "TIEBREAK_MODES",
    "WINNER_ELECTION_MODES",
    "Candidate",
    "ContestConfig",
    "CvrSource",
    "OutputSettings",
    "Rules",
    "load_config",
    "parse_config",
]

PROVIDERS = ("ess", "genericCsv", "clearBallot", "dominion", "hart", "cdf")
WINNER_ELECTION_MODES = (
    "singleWinnerMajority",
    "multiWinnerAllowOnlyOneWinnerPerRound",
    "multiWinnerAllowMultipleWinnersPerRound",
    "bottomsUp",
    "bottomsUpUsingPercentageThreshold",
    "multiPassIrv",
)
TIEBREAK_MODES = (
    "useCandidateOrder",
    "random",
    "stopCountingAndAsk",
    "previousRoundCountsThenRandom",
    "previousRoundCountsThenAsk",
    "generatePermutation",
)
OVERVOTE_RULES = tuple(RCTAB_OVERVOTE_RULES)

_LEGACY_TIEBREAK = {
    "interactive": "stopCountingAndAsk",
    "previousRoundCountsThenInteractive": "previousRoundCountsThenAsk",
    "usePermutationInConfig": "useCandidateOrder",
}
_RANDOM_TIEBREAKS = ("random", "previousRoundCountsThenRandom", "generatePermutation")
# Strings RCTab uses as transfer keys in its reports; a candidate or label may not take them.
_RESERVED = ("exhausted", "residual surplus", "overvote", "undervote")

_MAX_COLUMN = 1000
_MAX_ROW = 100_000
_SEED_RANGE = (-140_737_488_355_328, 140_737_488_355_327)
_INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class OutputSettings:
    """``outputSettings``: contest metadata and output switches."""

    contest_name: str
    contest_date: str = ""
    contest_jurisdiction: str = ""
    contest_office: str = ""
    output_directory: str = "output"
    tabulate_by_precinct: bool = False
    tabulate_by_batch: bool = False
    generate_cdf_json: bool = False


@dataclass(frozen=True)
class CvrSource:
    """One ``cvrFileSources[]`` entry; ``file_path`` is resolved against the config's folder.

    Column and row indexes are 1-based as in the config; ``None`` means not set.
    """

    provider: str
    file_path: Path
    contest_id: str | None = None
    first_vote_column_index: int | None = None
    first_vote_row_index: int | None = None
    id_column_index: int | None = None
    precinct_column_index: int | None = None
    batch_column_index: int | None = None
    overvote_delimiter: str | None = None
    overvote_label: str | None = None
    skipped_rank_label: str | None = None
    undeclared_write_in_label: str | None = None
    treat_blank_as_undeclared_write_in: bool = False
    file_path_text: str = ""  # filePath as written in the config (RCTab's CVR export prints it)


@dataclass(frozen=True)
class Candidate:
    """A declared candidate: display name, other strings meaning them in CVRs, exclusion."""

    name: str
    aliases: tuple[str, ...] = ()
    excluded: bool = False


@dataclass(frozen=True)
class Rules:
    """RCTab's tabulation rules: the ``rules`` section of a config, and what the tabulator reads.

    The one model of RCTab's rules: :func:`load_config` fills it from a config (legacy
    names mapped, numbers parsed), the ``rctab`` rule from tally's options, and
    :func:`tally.rctab.tabulate.tabulate` counts under it. Names follow RCTab's config keys.
    ``max_skipped_ranks`` is ``None`` for ``"unlimited"``. ``max_rankings`` is an int:
    ``"max"`` is read as RCTab 2.x reads it, no limit beyond what the CVR allows
    (``max_rankings_max`` is then true and :attr:`rankings_limit` ``None``), and
    ``max_rankings`` holds the number of declared candidates only for readers that need a
    column count (ES&S spreadsheets, the CVR export); ``None`` when the rules did not come
    from a config. ``bottoms_up_percentage`` is the configured percentage as a fraction
    (``"15"`` → ``Decimal("0.15")``), or ``None``. ``stop_early_after_round`` is ``None``
    for never.
    """

    winner_election_mode: str = "singleWinnerMajority"
    number_of_winners: int = 1
    tiebreak_mode: str = "useCandidateOrder"
    overvote_rule: str = "exhaustImmediately"
    max_rankings: int | None = None
    max_skipped_ranks: int | None = None
    decimal_places: int = 4
    random_seed: int | None = None
    exhaust_on_duplicate: bool = False
    batch_elimination: bool = False
    continue_until_two: bool = False
    first_round_determines_threshold: bool = False
    non_integer_threshold: bool = False
    hare_quota: bool = False
    minimum_vote_threshold: Decimal = Decimal(0)
    stop_early_after_round: int | None = None
    bottoms_up_percentage: Decimal | None = None
    cutoff_elimination: bool = False
    rules_description: str = ""
    max_rankings_max: bool = False

    def check(self) -> Rules:
        """The rules, if the tabulator can count under them; ConfigError naming the field otherwise.

        A config is checked field by field as it is read (every problem listed at once);
        rules built in code are checked here.
        """
        if self.winner_election_mode not in WINNER_ELECTION_MODES:
            raise ConfigError(f"rules.winnerElectionMode: unknown mode {self.winner_election_mode!r}")
        if self.tiebreak_mode not in TIEBREAK_MODES:
            raise ConfigError(f"rules.tiebreakMode: unknown mode {self.tiebreak_mode!r}")
        if self.overvote_rule not in OVERVOTE_RULES:
            raise ConfigError(f"rules.overvoteRule: unknown rule {self.overvote_rule!r}")
        if self.overvote_rule == "splitVote":
            raise ConfigError(
                "rules.overvoteRule splitVote (overvote='split') is not counted by the RCTab "
                "tabulator, whose decimal arithmetic has no rule for a vote split three ways; "
                "count the ballots with rule irv, sequential_irv or an STV rule instead"
            )
        if self.needs_seed and self.random_seed is None:
            raise ConfigError(f"rules.randomSeed is required with tiebreakMode {self.tiebreak_mode!r}")
        if self.is_percentage and self.bottoms_up_percentage is None:
            raise ConfigError(
                "rules.multiSeatBottomsUpPercentageThreshold is required with "
                "winnerElectionMode 'bottomsUpUsingPercentageThreshold'"
            )
        return self

    @property
    def rankings_limit(self) -> int | None:
        """The highest rank a CVR may hold: ``None`` under ``"max"`` (the CVR's own bound)."""
        return None if self.max_rankings_max else self.max_rankings

    @property
    def is_single_winner(self) -> bool:
        return self.winner_election_mode == "singleWinnerMajority"

    @property
    def is_percentage(self) -> bool:
        return self.winner_election_mode == "bottomsUpUsingPercentageThreshold"

    @property
    def is_multi_pass(self) -> bool:
        return self.winner_election_mode == "multiPassIrv"

    @property
    def needs_seed(self) -> bool:
        return self.tiebreak_mode in _RANDOM_TIEBREAKS

    def reading(self) -> Reading:
        """How the tabulator reads marks, in the vocabulary every ranked rule shares."""
        return Reading(
            overvote=RCTAB_OVERVOTE_RULES[self.overvote_rule],
            max_skipped=self.max_skipped_ranks,
            repeated="exhaust" if self.exhaust_on_duplicate else "skip",
            max_rankings=self.rankings_limit,
        )


@dataclass(frozen=True)
class ContestConfig:
    """A whole RCTab contest config."""

    path: Path | None
    folder: Path
    output: OutputSettings
    sources: tuple[CvrSource, ...]
    candidates: tuple[Candidate, ...]
    rules: Rules
    tabulator_version: str = ""

    @property
    def candidate_names(self) -> tuple[str, ...]:
        """Declared candidates that are not excluded, in config order."""
        return tuple(c.name for c in self.candidates if not c.excluded)

    @property
    def excluded_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.candidates if c.excluded)

    @property
    def has_undeclared_write_ins(self) -> bool:
        """True when some source configures an undeclared write-in label."""
        return any(s.undeclared_write_in_label for s in self.sources)

    @property
    def num_declared_candidates(self) -> int:
        """Declared candidates, excluded ones included (RCTab's ``numCandidates`` less UWI)."""
        return len(self.candidates)


def load_config(path: str | Path) -> ContestConfig:
    """Read and validate an RCTab contest config file.

    Parameters
    ----------
    path:
        The ``*_config.json`` file. Relative CVR paths are resolved against its folder.

    Returns
    -------
    ContestConfig

    Raises
    ------
    ConfigError
        The file is missing or not JSON, or a field is missing or invalid (every problem
        found is listed, each naming its field).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read contest config: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        raise ConfigError(f"{p}: not UTF-8 text: byte 0x{exc.object[exc.start]:02x} on line {line}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{p}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}") from None
    return parse_config(raw, folder=p.resolve().parent, path=p)


def parse_config(raw: Any, *, folder: str | Path = ".", path: str | Path | None = None) -> ContestConfig:
    """Validate an already-parsed config object (see :func:`load_config`)."""
    checker = _Checker(str(path) if path is not None else "contest config")
    if not isinstance(raw, dict):
        raise ConfigError(f"{checker.where}: the config must be a JSON object")
    folder = Path(folder)
    output = _output(checker, _section(checker, raw, "outputSettings"))
    rules_raw = _section(checker, raw, "rules")
    candidates = _candidates(checker, raw.get("candidates"))
    sources = _sources(checker, raw.get("cvrFileSources"), rules_raw, folder)
    rules = _rules(checker, rules_raw, len(candidates))
    _cross_checks(checker, output, sources, candidates, rules)
    checker.raise_if_any()
    version = raw.get("tabulatorVersion")
    return ContestConfig(
        path=Path(path) if path is not None else None,
        folder=folder,
        output=output,
        sources=tuple(sources),
        candidates=tuple(candidates),
        rules=rules,
        tabulator_version=version if isinstance(version, str) else "",
    )


# -- field parsing -----------------------------------------------------------------------


class _Checker:
    """Collects every problem so one error can list them all."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ConfigError(f"{self.where}: invalid contest config: " + "; ".join(self.problems))

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
            self.fail(f"{field} must be {words + ' or ' if words else ''}{span}, not {json.dumps(value)}")
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
        if s.isascii() and s.lstrip("+-").isdigit():  # isdigit alone takes "²", which int refuses
            return int(s)
    return None


def _section(checker: _Checker, raw: dict, key: str) -> dict:
    value = raw.get(key)
    if value is None:
        checker.fail(f"{key} is required")
        return {}
    if not isinstance(value, dict):
        checker.fail(f"{key} must be an object")
        return {}
    return value


def _output(checker: _Checker, obj: dict) -> OutputSettings:
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


def _candidates(checker: _Checker, raw: Any) -> list[Candidate]:
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


def _sources(checker: _Checker, raw: Any, rules_raw: dict, folder: Path) -> list[CvrSource]:
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
        delimiter = item.get("overvoteDelimiter")
        if delimiter is not None and not isinstance(delimiter, str):
            checker.fail(f"{field}.overvoteDelimiter must be text")
            delimiter = None
        delimiter = delimiter or None
        if delimiter is not None:
            if label["overvoteLabel"] is not None:
                checker.fail(f"{field}.overvoteDelimiter cannot be used together with overvoteLabel")
            if delimiter.strip() == "" or "\\" in delimiter:
                checker.fail(f"{field}.overvoteDelimiter {delimiter!r} is not a usable delimiter")
            if provider is not None and provider != "ess":
                checker.fail(f"{field}.overvoteDelimiter is only used with ES&S sources")
        treat_blank = checker.flag(
            item, "treatBlankAsUndeclaredWriteIn", f"{field}.treatBlankAsUndeclaredWriteIn"
        )
        treat_blank = treat_blank or legacy_blank_uwi
        if treat_blank and label["undeclaredWriteInLabel"] is None:
            checker.fail(
                f"{field}.undeclaredWriteInLabel is required when treatBlankAsUndeclaredWriteIn is true"
            )
        contest_id = checker.text(item, "contestId", f"{field}.contestId")
        if contest_id is None and provider in ("dominion", "hart", "cdf", "clearBallot"):
            checker.fail(f"{field}.contestId is required for {provider} sources")
        out.append(
            CvrSource(
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
                    item,
                    "firstVoteRowIndex",
                    f"{field}.firstVoteRowIndex",
                    1,
                    _MAX_ROW,
                    required=columns_needed,
                ),
                id_column_index=checker.integer(
                    item, "idColumnIndex", f"{field}.idColumnIndex", 1, _MAX_COLUMN
                ),
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
        )
    return out


def _rules(checker: _Checker, obj: dict, n_declared: int) -> Rules:
    number_of_winners = checker.integer(
        obj, "numberOfWinners", "rules.numberOfWinners", 0, _INT_MAX, required=True
    )
    percentage_raw = obj.get("multiSeatBottomsUpPercentageThreshold")
    percentage: Decimal | None = None
    if percentage_raw not in (None, ""):
        try:
            value = Decimal(str(percentage_raw).strip())
        except InvalidOperation:
            value = Decimal(-1)
        if isinstance(percentage_raw, bool) or not Decimal(1) <= value <= Decimal(100):
            checker.fail(
                "rules.multiSeatBottomsUpPercentageThreshold must be a number from 1 to 100, "
                f"not {json.dumps(percentage_raw)}"
            )
        else:
            percentage = value / Decimal(100)

    continue_until_two = checker.flag(
        obj, "continueUntilTwoCandidatesRemain", "rules.continueUntilTwoCandidatesRemain"
    )
    mode_raw = checker.text(obj, "winnerElectionMode", "rules.winnerElectionMode", required=True)
    mode = mode_raw or ""
    if mode_raw is not None and mode_raw not in WINNER_ELECTION_MODES:
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

    tiebreak_raw = checker.text(obj, "tiebreakMode", "rules.tiebreakMode", required=True)
    tiebreak = _LEGACY_TIEBREAK.get(tiebreak_raw or "", tiebreak_raw or "")
    if tiebreak_raw is not None and tiebreak not in TIEBREAK_MODES:
        checker.fail(f"rules.tiebreakMode {tiebreak_raw!r} is not one of {', '.join(TIEBREAK_MODES)}")
    seed = checker.integer(obj, "randomSeed", "rules.randomSeed", *_SEED_RANGE)
    if tiebreak in _RANDOM_TIEBREAKS and seed is None and obj.get("randomSeed") in (None, ""):
        checker.fail(f"rules.randomSeed is required when tiebreakMode is {tiebreak}")

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


def _cross_checks(
    checker: _Checker,
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

    names_and_aliases: dict[str, str] = {}
    for c in candidates:
        for s in (c.name, *c.aliases):
            if s.lower() in _RESERVED:
                checker.fail(f"candidate string {s!r} is a reserved term")
            other = names_and_aliases.get(s)
            if other is not None and other != c.name:
                checker.fail(f"candidate string {s!r} is used by both {other!r} and {c.name!r}")
            names_and_aliases[s] = c.name
    for i, src in enumerate(sources, start=1):
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
            checker.fail(
                f"cvrFileSources[{i}].precinctColumnIndex is required when tabulateByPrecinct is true"
            )
        if (
            output.tabulate_by_batch
            and src.provider in ("ess", "genericCsv")
            and src.batch_column_index is None
        ):
            checker.fail(f"cvrFileSources[{i}].batchColumnIndex is required when tabulateByBatch is true")
