"""The shared vocabulary of ranked-ballot reading, and the reasons a ballot stops counting.

Every ranked rule (IRV, Coombs, the top-two runoff, sequential IRV, every STV rule and the
RCTab engine) reads voter marks under the same options, with the same names and values:

``overvote``
    What a rank marking several candidates means.

    ``"exhaust"``
        The ballot becomes inactive (*overvote*) when its reading reaches the overvote
        (RCTab ``exhaustImmediately``).
    ``"skip"``
        The overvote is passed over; the next rank is read (``alwaysSkipToNextRank``).
    ``"exhaust_if_multiple"``
        Inactive if two or more of the overvoted candidates are continuing; counts for
        the one if exactly one is; passed over if none is (``exhaustIfMultipleContinuing``).
    ``"single_continuing"``
        Set aside (inactive as *overvote*, but only for now) while two or more of the
        overvoted candidates continue; counts for the last one left; passed over when none
        is (RCTab issue 972 and pull request 980: ``countWhenSingleContinuing``).
    ``"split"``
        The ballot's value is divided equally among the overvoted candidates still
        continuing; when none is left it moves on to the next rank (RCTab issue 422:
        ``splitVote``).

    The last three need to know which candidates an overvote marks; an unnamed overvote
    (a vendor's "overvote" label) is refused under them.
``max_skipped``
    Consecutive blank ranks tolerated before a mark (``None``: any number; RCTab
    ``maxSkippedRanksAllowed``). More make the ballot inactive (*skipped*) when its
    reading reaches the mark after them. A blank first rank counts.
``repeated``
    A candidate marked again at a later rank: ``"skip"`` passes over the repeat,
    ``"exhaust"`` makes the ballot inactive (*repeated*; RCTab
    ``exhaustOnDuplicateCandidate``).
``max_rankings``
    How many ranks are read (``None``: every rank the ballots hold; RCTab
    ``maxRankingsAllowed``, whose ``"max"`` means the same). Marks beyond it are ignored.
``excluded``
    Candidates left out of the count from the start (withdrawn, or excluded by the
    contest's configuration): never continuing, their marks still marks.

:class:`Reading` holds one choice of each and checks it; :meth:`Reading.describe` and
:func:`describe` say it in plain words ("overvote exhausts", "2 skipped ranks exhaust").

Inactive reasons and their codes
--------------------------------
A ballot that does not count for any candidate in a round is *inactive* for one reason,
with one code (negative, so candidate indices stay >= 0), defined here once:

==========  ====  =====================================================================
reason      code  meaning
==========  ====  =====================================================================
undervote    -1   the ballot marks nobody (never active)
overvote     -2   its reading reached an overvote it may not pass (or set aside)
skipped      -3   too many consecutive skipped ranks before its next mark
repeated     -4   a candidate ranked twice, where the reading exhausts on that
exhausted    -5   no continuing candidate left among its marks
==========  ====  =====================================================================

RCTab's reports also show the surplus votes held by winners at the end of a multi-seat
count (``finalRoundSurplus``): code :data:`HELD_SURPLUS` (-6), never an inactive reason of
an outcome. Exhausted ballots are further told apart as *fully ranked* (every rank
allowed was marked) and *partially ranked* (RCTab issue 854), see
:data:`EXHAUSTED_KINDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError

__all__ = [
    "EXHAUSTED",
    "EXHAUSTED_KINDS",
    "HELD_SURPLUS",
    "INACTIVE_CODES",
    "INACTIVE_REASONS",
    "OVERVOTED",
    "OVERVOTE_RULES",
    "RCTAB_OVERVOTE_RULES",
    "REPEATED",
    "REPEAT_RULES",
    "SKIPPED_OUT",
    "UNDERVOTE",
    "Reading",
    "describe",
    "reason_of",
]

INACTIVE_REASONS = ("undervote", "overvote", "skipped", "repeated", "exhausted")
"""Why a ballot is inactive, in the order of their codes ``-1, -2, ...``."""
UNDERVOTE = -1
OVERVOTED = -2
SKIPPED_OUT = -3
REPEATED = -4
EXHAUSTED = -5
HELD_SURPLUS = -6
INACTIVE_CODES: Mapping[str, int] = {name: -(i + 1) for i, name in enumerate(INACTIVE_REASONS)}

EXHAUSTED_KINDS = ("partially_ranked", "fully_ranked")
"""How exhausted ballots are told apart: fewer marks than the ranks allowed, or all of them."""

OVERVOTE_RULES = ("exhaust", "skip", "exhaust_if_multiple", "single_continuing", "split")
REPEAT_RULES = ("skip", "exhaust")
NAMED_OVERVOTE_RULES = ("exhaust_if_multiple", "single_continuing", "split")
"""Overvote rules that need the names of the overvoted candidates."""

RCTAB_OVERVOTE_RULES: Mapping[str, str] = {
    "exhaustImmediately": "exhaust",
    "alwaysSkipToNextRank": "skip",
    "exhaustIfMultipleContinuing": "exhaust_if_multiple",
    "countWhenSingleContinuing": "single_continuing",
    "splitVote": "split",
}
"""RCTab config ``overvoteRule`` values and the shared names they mean. The last two are
proposals (RCTab pull request 980 and issue 422), not in a released RCTab."""

_OVERVOTE_WORDS = {
    "exhaust": "overvote exhausts",
    "skip": "overvote skipped",
    "exhaust_if_multiple": "overvote exhausts if several of its candidates continue",
    "single_continuing": "overvote counts once one of its candidates is left",
    "split": "overvote splits the vote",
}


def reason_of(code: int) -> str:
    """The inactive reason of a negative code (``-1`` → ``"undervote"``)."""
    if not -len(INACTIVE_REASONS) <= code <= -1:
        raise ValueError(f"{code} is not an inactive code")
    return INACTIVE_REASONS[-code - 1]


def _whole_or_none(value: Any, option: str, least: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) and not _is_integer(value):
        raise ConfigError(
            f"option {option} must be a whole number >= {least} or None (no limit), not {value!r}"
        )
    if int(value) < least:
        raise ConfigError(
            f"option {option} must be a whole number >= {least} or None (no limit), not {value!r}"
        )
    return int(value)


def _is_integer(value: Any) -> bool:
    # NumPy integers without importing NumPy into the ground floor
    return hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"


@dataclass(frozen=True)
class Reading:
    """How voter marks are read (see the module docstring for every option).

    Raises :class:`~tally.errors.ConfigError` naming the option for a value it does not know.

    Examples
    --------
    >>> Reading(max_skipped=1).describe()
    ['overvote exhausts', '2 skipped ranks exhaust']
    >>> Reading(overvote="bogus")
    Traceback (most recent call last):
    ...
    tally.errors.ConfigError: option overvote: unknown rule 'bogus'; choose one of exhaust, skip, exhaust_if_multiple, single_continuing, split
    """

    overvote: str = "exhaust"
    max_skipped: int | None = None
    repeated: str = "skip"
    max_rankings: int | None = None
    excluded: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.overvote not in OVERVOTE_RULES:
            raise ConfigError(
                f"option overvote: unknown rule {self.overvote!r}; choose one of {', '.join(OVERVOTE_RULES)}"
            )
        if self.repeated not in REPEAT_RULES:
            raise ConfigError(
                f"option repeated: unknown rule {self.repeated!r}; choose one of {', '.join(REPEAT_RULES)}"
            )
        object.__setattr__(self, "max_skipped", _whole_or_none(self.max_skipped, "max_skipped", 0))
        object.__setattr__(self, "max_rankings", _whole_or_none(self.max_rankings, "max_rankings", 1))
        object.__setattr__(self, "excluded", frozenset(self.excluded))

    @property
    def needs_names(self) -> bool:
        """Whether the overvote rule must know which candidates an overvote marks."""
        return self.overvote in NAMED_OVERVOTE_RULES

    def describe(self) -> list[str]:
        """The reading in plain words, one phrase per setting that matters."""
        words = [_OVERVOTE_WORDS[self.overvote]]
        if self.max_skipped is not None:
            n = self.max_skipped + 1
            words.append(f"{n} skipped rank{'s' if n != 1 else ''} exhaust{'' if n != 1 else 's'}")
        if self.repeated == "exhaust":
            words.append("repeated candidate exhausts")
        if self.max_rankings is not None:
            words.append(f"{self.max_rankings} rankings read")
        if self.excluded:
            words.append("excluded: " + ", ".join(sorted(self.excluded)))
        return words

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Reading:
        """The reading among a rule's options (other options are ignored)."""
        given: dict[str, Any] = {}
        for key in ("overvote", "repeated"):
            if options.get(key) is not None:
                given[key] = options[key]
        for key in ("max_skipped", "max_rankings"):
            if key in options:
                given[key] = options[key]
        if options.get("excluded"):
            given["excluded"] = frozenset(str(name) for name in options["excluded"])
        return cls(**given)


_RULE_WORDS = {
    "irv": "IRV",
    "rctab": "RCTab",
    "sequential_irv": "sequential IRV",
    "coombs": "Coombs",
    "runoff": "top-two runoff",
    "scottish_stv": "Scottish STV",
    "ers97_stv": "ERS97 STV",
    "irish_stv": "Irish STV",
    "wigm_stv": "WIGM STV",
    "meek_stv": "Meek STV",
    "warren_stv": "Warren STV",
}

_READING_KEYS = ("overvote", "max_skipped", "repeated", "max_rankings", "excluded")

_FLAG_WORDS = {
    "batch_elimination": "batch elimination",
    "continue_until_two": "counting on until two remain",
    "first_round_threshold": "first-round threshold",
}


def describe(rule: str, options: Mapping[str, Any] | None = None) -> str:
    """A rule and its options in one line of plain words.

    Parameters
    ----------
    rule : str
        The rule's registered name (other names are printed as given).
    options : mapping, optional
        The rule's options; ballot-reading options are described with
        :meth:`Reading.describe`, yes/no counting options by name when set.

    Returns
    -------
    str
        For example ``"IRV, overvote exhausts, 2 skipped ranks exhaust, batch elimination"``.

    Raises
    ------
    ConfigError
        When a reading option has a value the vocabulary does not know.

    Examples
    --------
    >>> describe("irv", {"overvote": "exhaust", "max_skipped": 1, "batch_elimination": True})
    'IRV, overvote exhausts, 2 skipped ranks exhaust, batch elimination'
    >>> describe("scottish_stv", {"seats": 3})
    'Scottish STV, 3 seats, overvote exhausts'
    """
    options = dict(options or {})
    words = [_RULE_WORDS.get(rule, rule)]
    seats = options.get("seats")
    if isinstance(seats, int) and seats > 1:
        words.append(f"{seats} seats")
    # rules that read ballots under this vocabulary say how, even at its defaults
    if rule in _RULE_WORDS or any(key in options for key in _READING_KEYS):
        words.extend(Reading.from_options(options).describe())
    words.extend(text for key, text in _FLAG_WORDS.items() if options.get(key) is True)
    return ", ".join(words)
