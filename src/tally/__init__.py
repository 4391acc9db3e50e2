"""tally: count, explain, analyse and simulate elections.

>>> import tally
>>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B", "C"], ["C", "B"]])
>>> tally.count(b, "irv").winners
('B',)
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from . import count as _floor  # noqa: F401  (bound before tally.count, the function, below)
from ._version import __version__
from .ballots import OVERVOTE, SKIPPED, RankedBallots, ScoredBallots, Tallies
from .errors import BallotError, ConfigError, DataError, RuleError, TallyError
from .outcome import Outcome, Round, Tie
from .rules import count, get_rule, rules

if TYPE_CHECKING:
    from .io import Ballots

__all__ = [
    "OVERVOTE",
    "SKIPPED",
    "BallotError",
    "ConfigError",
    "DataError",
    "Outcome",
    "RankedBallots",
    "Round",
    "RuleError",
    "ScoredBallots",
    "Tallies",
    "TallyError",
    "Tie",
    "__version__",
    "count",
    "get_rule",
    "read",
    "rules",
]


def read(path: str | os.PathLike[str], format: str | None = None, **options: Any) -> Ballots:
    """Read ballots or tallies from ``path``, picking the reader by extension and content.

    ``format`` overrides the choice (see :func:`tally.io.formats`).
    """
    from .io import read as _read

    return _read(path, format=format, **options)
