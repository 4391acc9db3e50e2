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
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .config_checks import Checker, candidates_of, cross_checks, output_of, rules_of, section, sources_of
from .config_model import (
    OVERVOTE_RULES,
    PROVIDERS,
    TIEBREAK_MODES,
    WINNER_ELECTION_MODES,
    Candidate,
    ContestConfig,
    CvrSource,
    OutputSettings,
    Rules,
)

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
        if p.exists() and not p.is_dir() and not p.is_file():  # a pipe or a device (/dev/zero) may never end
            raise ConfigError(f"{p}: not a regular file (a pipe or a device); save the config to a file")
        if p.stat().st_size > 64 << 20:  # configs are a few kilobytes; the CVRs they name hold the ballots
            raise ConfigError(f"{p}: a contest config of {p.stat().st_size:,} bytes is not plausible")
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
    except (ValueError, RecursionError) as exc:  # a number of 4,300+ digits; nesting past Python's stack
        raise ConfigError(f"{p}: not readable JSON: {exc}") from None
    return parse_config(raw, folder=p.resolve().parent, path=p)


def parse_config(raw: Any, *, folder: str | Path = ".", path: str | Path | None = None) -> ContestConfig:
    """Validate an already-parsed config object (see :func:`load_config`)."""
    checker = Checker(str(path) if path is not None else "contest config")
    if not isinstance(raw, dict):
        raise ConfigError(f"{checker.where}: the config must be a JSON object")
    folder = Path(folder)
    output = output_of(checker, section(checker, raw, "outputSettings"))
    rules_raw = section(checker, raw, "rules")
    candidates = candidates_of(checker, raw.get("candidates"))
    sources = sources_of(checker, raw.get("cvrFileSources"), rules_raw, folder)
    rules = rules_of(checker, rules_raw, len(candidates))
    cross_checks(checker, output, sources, candidates, rules)
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
