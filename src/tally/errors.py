"""The exception hierarchy of tally.

::

    TallyError                 anything tally refuses to do, with a message a user can act on
     ├── BallotError           bad ballot or tally input (names file, line, field)
     ├── ConfigError           bad options or configuration (names the option)
     ├── RuleError             a rule cannot run on this input (unknown rule, too many candidates)
     ├── DataError             unknown or broken bundled dataset
     └── AuditError            an audit cannot be planned, or assertions do not hold

Every error's ``str()`` is a single line, so the CLI can print it as is.
"""

from __future__ import annotations

__all__ = ["AuditError", "BallotError", "ConfigError", "DataError", "RuleError", "TallyError"]


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
        problem = " ".join(str(problem).split("\n"))
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {problem}" if prefix else problem)


class ConfigError(TallyError):
    """Invalid options or configuration."""


class RuleError(TallyError):
    """A rule cannot be applied as asked."""


class DataError(TallyError):
    """A bundled dataset is unknown or unreadable."""


class AuditError(TallyError):
    """A risk-limiting audit cannot be planned as asked, or assertions fail to hold."""
