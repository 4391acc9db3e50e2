"""The model of an RCTab contest config: a typed, frozen tree (see :mod:`tally.rctab.config`).

:class:`Rules` also translates RCTab's ballot-reading rules into the floor's
:class:`~tally.options.Reading` (:meth:`Rules.reading`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import ConfigError
from ..options import RCTAB_OVERVOTE_RULES, Reading

__all__ = [
    "OVERVOTE_RULES",
    "PROVIDERS",
    "RANDOM_TIEBREAKS",
    "TIEBREAK_MODES",
    "WINNER_ELECTION_MODES",
    "Candidate",
    "ContestConfig",
    "CvrSource",
    "OutputSettings",
    "Rules",
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
RANDOM_TIEBREAKS = ("random", "previousRoundCountsThenRandom", "generatePermutation")
"""The tie-break modes that draw lots, and so need ``randomSeed``."""


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
        if self.overvote_rule == "splitVote" and self.decimal_places < 1:
            raise ConfigError(
                "rules.decimalPlacesForVoteArithmetic must be at least 1 with overvoteRule "
                "splitVote (overvote='split'): with 0 places every share of a split vote is 0"
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
        return self.tiebreak_mode in RANDOM_TIEBREAKS

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
