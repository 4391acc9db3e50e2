"""tally: count, explain, analyse and simulate elections.

>>> import tally
>>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A", "B"], ["B", "C"], ["C", "B"]])
>>> tally.count(b, "irv").winners
('B',)

The bundled datasets are :mod:`tally.data` (loaded on first use, so ``import tally`` stays
light)::

>>> tally.data.load("burlington-2009").candidates[:2]
('Bob Kiss', 'Andy Montroll')
"""

from __future__ import annotations

import importlib
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
    "data",
    "get_rule",
    "read",
    "rules",
]


def read(path: str | os.PathLike[str], format: str | None = None, **options: Any) -> Ballots:
    """Read ballots or tallies from ``path``, picking the reader by extension and content.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    format : str, optional
        A name from :func:`tally.io.formats`, overriding the choice by extension and content.
    **options
        Passed to the reader (see each reader's docstring).

    Returns
    -------
    RankedBallots, ScoredBallots or Tallies
        What the file holds, every ballot read accounted for.

    Raises
    ------
    BallotError
        A file that cannot be read, named with the line and field at fault.
    """
    from .io import read as _read

    return _read(path, format=format, **options)


_SUBMODULES = ("data", "headlines", "names")
"""Subpackages reachable as ``tally.data`` without importing them by hand."""


def __getattr__(name: str) -> Any:
    # PEP 562: tally.data is imported when first used, not by ``import tally``
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
