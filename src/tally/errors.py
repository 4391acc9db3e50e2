"""The exception hierarchy of tally.

::

    TallyError                 anything tally refuses to do, with a message a user can act on
     ├── BallotError           bad ballot or tally input (names file, line, field)
     │    └── LimitError       input past a cap of :mod:`tally.limits` (names the cap)
     ├── ConfigError           bad options or configuration (names the option)
     ├── RuleError             a rule cannot run on this input (unknown rule, too many candidates)
     ├── DataError             unknown or broken bundled dataset
     ├── StoreBusy             another process is writing the store; try again
     └── AuditError            an audit cannot be planned, or assertions do not hold

    TallyWarning (a UserWarning) something a user should know that does not stop the
                               count (near-duplicate candidate names, left-out records)

Every error's ``str()`` is a single line, so the CLI can print it as is. A warning says
what tally did with input it could read but had to adjust or question (two candidates of
one name told apart by number, names that differ only in case or accents). Warnings travel
through Python's :mod:`warnings`: the CLI prints them as ``warning:`` lines on stderr and
the web app adds them to the response's ``warnings``.
"""

from __future__ import annotations

import re

__all__ = [
    "AuditError",
    "BallotError",
    "ConfigError",
    "DataError",
    "LimitError",
    "RuleError",
    "StoreBusy",
    "TallyError",
    "TallyWarning",
    "brief",
]

_QUOTED = re.compile(r"'[^'\n]{501,}'|\"[^\"\n]{501,}\"")
_LONGEST = 2_000


def brief(message: str) -> str:
    """``message`` as a person reads it: a quoted value past 500 characters (a pasted
    column, a 5,000-character option) shortened to its two ends and its length, and the
    whole cut at 2,000 characters. A path of ordinary length stays whole.

    >>> brief("unknown rule '" + "x" * 4990 + "y" * 10 + "'; see `tally rules`")
    "unknown rule 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…xxxxxxxxxxyyyyyyyyyy' (5,000 characters); see `tally rules`"
    """

    def shorten(match: re.Match[str]) -> str:
        quote, inner = match.group(0)[0], match.group(0)[1:-1]
        return f"{quote}{inner[:60]}…{inner[-20:]}{quote} ({len(inner):,} characters)"

    short = _QUOTED.sub(shorten, message)
    return short if len(short) <= _LONGEST else short[: _LONGEST - 1] + "…"


class TallyError(Exception):
    """Base class of every error tally raises on purpose."""


class BallotError(TallyError):
    """Invalid ballot input, located by file, line and field where known."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = file
        self.line = line
        self.field = field
        where = []
        if file is not None:
            where.append(str(file))
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            # a header cell may hold a line break; the message stays on one line
            where.append(f"field {' '.join(str(field).split())}")
        problem = " ".join(_shortened(word) for word in str(problem).split("\n"))
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {problem}" if prefix else problem)


def _shortened(text: str, longest: int = 80) -> str:
    """``text`` with every run of more than ``longest`` non-space characters shown by its
    ends, so that a message quoting a 5,000-digit count stays a readable line."""
    if len(text) <= longest:
        return text
    parts = text.split(" ")
    for i, part in enumerate(parts):
        if len(part) > longest:
            parts[i] = f"{part[:40]}…{part[-12:]} ({len(part):,} characters)"
    return " ".join(parts)


class ConfigError(TallyError):
    """Invalid options or configuration."""


class RuleError(TallyError):
    """A rule cannot be applied as asked."""


class DataError(TallyError):
    """A bundled dataset is unknown or unreadable."""


class LimitError(BallotError):
    """Input past one of the caps of :mod:`tally.limits`; ``limit`` names the cap."""

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
        limit: str | None = None,
    ) -> None:
        super().__init__(problem, file=file, line=line, field=field)
        self.limit = limit


class StoreBusy(TallyError):
    """Another process holds the store's writer lock past the wait allowed."""


class TallyWarning(UserWarning):
    """A finding about the input that does not stop the count, shown to the user."""


class AuditError(TallyError):
    """A risk-limiting audit cannot be planned as asked, or assertions fail to hold."""
