"""What RCTab tabulates: its rules, and a contest's ballots merged into counted rows.

:class:`RctabRules` holds the ``rules`` section of an RCTab config (RCTab's names);
:func:`build_contest` turns cast-vote records into a :class:`Contest`: candidates,
identical ballots merged into rows (per precinct and batch when reports by slice are
asked for) and the row of every ballot read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from ..ballots import SKIPPED, RankedBallots
from ..errors import ConfigError
from ..options import Reading
from .decimal_math import ZERO

__all__ = ["SLICES", "UWI", "Contest", "RctabRules", "build_contest"]

UWI = "Undeclared Write-ins"
SLICES = ("precinct", "batch")

_OVERVOTE_RULES = {
    "exhaustImmediately": "exhaust",
    "alwaysSkipToNextRank": "skip",
    "exhaustIfMultipleContinuing": "exhaust_if_multiple",
}
_MODES = (
    "singleWinnerMajority",
    "multiWinnerAllowOnlyOneWinnerPerRound",
    "multiWinnerAllowMultipleWinnersPerRound",
    "bottomsUp",
    "bottomsUpUsingPercentageThreshold",
    "multiPassIrv",
)
_TIEBREAKS = (
    "useCandidateOrder",
    "random",
    "previousRoundCountsThenRandom",
    "generatePermutation",
    "stopCountingAndAsk",
    "previousRoundCountsThenAsk",
)


@dataclass(frozen=True)
class RctabRules:
    """RCTab's tabulation rules (the ``rules`` section of a contest config).

    Names follow RCTab's config keys. ``max_skipped`` is ``None`` for unlimited;
    ``stop_early_after_round`` ``None`` for never; ``bottoms_up_percentage`` is a
    fraction (``Decimal("0.15")`` for 15 %).
    """

    winner_election_mode: str = "singleWinnerMajority"
    number_of_winners: int = 1
    tiebreak_mode: str = "useCandidateOrder"
    random_seed: int | None = None
    overvote_rule: str = "exhaustImmediately"
    max_skipped: int | None = None
    exhaust_on_duplicate: bool = False
    batch_elimination: bool = False
    continue_until_two: bool = False
    first_round_determines_threshold: bool = False
    non_integer_threshold: bool = False
    hare_quota: bool = False
    decimal_places: int = 4
    minimum_vote_threshold: Decimal = ZERO
    stop_early_after_round: int | None = None
    bottoms_up_percentage: Decimal | None = None
    cutoff_elimination: bool = False

    def __post_init__(self) -> None:
        if self.winner_election_mode not in _MODES:
            raise ConfigError(f"rules.winnerElectionMode: unknown mode {self.winner_election_mode!r}")
        if self.tiebreak_mode not in _TIEBREAKS:
            raise ConfigError(f"rules.tiebreakMode: unknown mode {self.tiebreak_mode!r}")
        if self.overvote_rule not in _OVERVOTE_RULES:
            raise ConfigError(f"rules.overvoteRule: unknown rule {self.overvote_rule!r}")
        if (
            self.tiebreak_mode in ("random", "previousRoundCountsThenRandom", "generatePermutation")
            and self.random_seed is None
        ):
            raise ConfigError(f"rules.randomSeed is required with tiebreakMode {self.tiebreak_mode!r}")
        if (
            self.winner_election_mode == "bottomsUpUsingPercentageThreshold"
            and self.bottoms_up_percentage is None
        ):
            raise ConfigError(
                "rules.multiSeatBottomsUpPercentageThreshold is required with "
                "winnerElectionMode 'bottomsUpUsingPercentageThreshold'"
            )

    @classmethod
    def from_config(cls, rules: Any) -> RctabRules:
        """From :class:`tally.rctab.config.Rules`."""
        pct = rules.bottoms_up_percentage
        return cls(
            winner_election_mode=rules.winner_election_mode,
            number_of_winners=int(rules.number_of_winners),
            tiebreak_mode=rules.tiebreak_mode,
            random_seed=rules.random_seed,
            overvote_rule=rules.overvote_rule,
            max_skipped=rules.max_skipped_ranks,
            exhaust_on_duplicate=bool(rules.exhaust_on_duplicate),
            batch_elimination=bool(rules.batch_elimination),
            continue_until_two=bool(rules.continue_until_two),
            first_round_determines_threshold=bool(rules.first_round_determines_threshold),
            non_integer_threshold=bool(rules.non_integer_threshold),
            hare_quota=bool(rules.hare_quota),
            decimal_places=int(rules.decimal_places),
            minimum_vote_threshold=Decimal(rules.minimum_vote_threshold or 0),
            stop_early_after_round=rules.stop_early_after_round,
            bottoms_up_percentage=None if pct is None else Decimal(pct),
            cutoff_elimination=bool(getattr(rules, "cutoff_elimination", False)),
        )

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
        return self.tiebreak_mode in ("random", "previousRoundCountsThenRandom", "generatePermutation")

    def walk_rules(self) -> Reading:
        return Reading(
            overvote=_OVERVOTE_RULES[self.overvote_rule],
            max_skipped=self.max_skipped,
            repeated="exhaust" if self.exhaust_on_duplicate else "skip",
        )

    def options(self) -> dict[str, Any]:
        """The rules as plain JSON values (for reports and outcomes)."""
        out: dict[str, Any] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            out[name] = str(value) if isinstance(value, Decimal) else value
        return out


@dataclass(frozen=True)
class Contest:
    """What RCTab tabulates: candidates, merged ballot rows and their slices.

    ``candidates`` are every declared candidate in config order (excluded ones too),
    then ``Undeclared Write-ins`` when a source configures a write-in label.
    ``ballots`` holds the merged rows (codes index ``candidates``) with ``counts`` the
    number of ballots per row; ``slices[kind]`` (``"precinct"``, ``"batch"``) gives each
    row's slice id when that slicing is asked for. ``row_of_ballot`` maps every ballot
    read, in file order, to its row.
    """

    candidates: tuple[str, ...]
    excluded: frozenset[str]
    ballots: RankedBallots
    counts: np.ndarray
    slices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    row_slices: dict[str, np.ndarray] = field(default_factory=dict)
    row_of_ballot: np.ndarray | None = None
    has_uwi: bool = False
    contest_name: str = ""

    @property
    def total(self) -> int:
        return int(self.counts.sum())


def _slice_label(kind: str, value: str | None) -> str:
    # RCTab reports ballots with no precinct or batch id under a slice of their own.
    if value is None or str(value).strip() == "":
        return f"no {kind} id"
    return str(value)


def build_contest(
    candidates: Sequence[str],
    records: Iterable[Any],
    *,
    excluded: Iterable[str] = (),
    has_uwi: bool = False,
    slices: Sequence[str] = (),
    contest_name: str = "",
) -> Contest:
    """Merge cast-vote records into a :class:`Contest`.

    ``records`` are :class:`tally.io.cvr.model.CastVoteRecord` (marks already resolved to
    display names). ``slices`` lists the slicings to keep (``"precinct"``, ``"batch"``).
    Raises :class:`~tally.errors.BallotError` for a mark naming an unknown candidate or
    an overvote label mixed with names.
    """
    from ..io.cvr.model import mark_code

    names = list(candidates)
    if has_uwi and UWI not in names:
        names.append(UWI)
    index = {n: i for i, n in enumerate(names)}
    tie_index: dict[frozenset[int], int] = {}
    rows: dict[tuple, int] = {}
    keys: list[tuple] = []
    counts: list[int] = []
    row_of: list[int] = []
    code_of: dict[tuple[str, ...], int] = {}

    for rec in records:
        codes: list[int] = []
        for rank, mark in enumerate(rec.marks, start=1):
            c = code_of.get(mark)
            if c is None:
                c = code_of[mark] = mark_code(
                    mark,
                    index,
                    tie_index,
                    ballot_id=rec.ballot_id,
                    rank=rank,
                    file=rec.file,
                    line=rec.line,
                    overvote_alone=True,
                )
            codes.append(c)
        while codes and codes[-1] == SKIPPED:
            codes.pop()
        key = (
            (tuple(codes), *(_slice_label(k, getattr(rec, k)) for k in slices)) if slices else (tuple(codes),)
        )
        r = rows.get(key)
        if r is None:
            r = rows[key] = len(keys)
            keys.append(key)
            counts.append(0)
        counts[r] += 1
        row_of.append(r)
    width = max((len(k[0]) for k in keys), default=0)
    matrix = np.full((len(keys), width), SKIPPED, dtype=np.int16)
    for i, k in enumerate(keys):
        matrix[i, : len(k[0])] = k[0]
    ties = sorted(tie_index, key=tie_index.__getitem__)
    cnt = np.asarray(counts, dtype=np.int64)
    ballots = RankedBallots.from_matrix(
        names, matrix, cnt.astype(np.float64), tie_sets=ties, merge=False, title=contest_name or None
    )
    slice_ids: dict[str, tuple[str, ...]] = {}
    row_slices: dict[str, np.ndarray] = {}
    for j, kind in enumerate(slices, start=1):
        values = [k[j] for k in keys]
        ids = tuple(sorted(set(values)))
        pos = {v: i for i, v in enumerate(ids)}
        slice_ids[kind] = ids
        row_slices[kind] = np.asarray([pos[v] for v in values], dtype=np.int64)
    return Contest(
        candidates=tuple(names),
        excluded=frozenset(excluded),
        ballots=ballots,
        counts=cnt,
        slices=slice_ids,
        row_slices=row_slices,
        row_of_ballot=np.asarray(row_of, dtype=np.int64),
        has_uwi=has_uwi,
        contest_name=contest_name,
    )
