"""The caps tally keeps on input and on the work it takes on, in one settings object.

Every size a file declares (PrefLib's ``# NUMBER ALTERNATIVES``, RCTab's
``maxRankingsAllowed``, a workbook's unpacked size) is checked against these caps, and
against the file's own content, before any memory is set aside for it; a value past a
cap is a one-line :class:`~tally.errors.LimitError` naming the file, the line or
field, the cap and the environment variable that raises it.

=====================  ==============================  =======================================
field                  environment variable            what it bounds
=====================  ==============================  =======================================
``candidates``         ``TALLY_MAX_CANDIDATES``        candidates (alternatives, parties) in one input
``ranks``              ``TALLY_MAX_RANKS``             ranks on a ballot (rank columns, ``maxRankingsAllowed``)
``seats``              ``TALLY_MAX_SEATS``             seats to fill (an option, an area's ``seats`` column)
``ballot_rows``        ``TALLY_MAX_BALLOT_ROWS``       ballot lines or records read from one input
``cells``              ``TALLY_MAX_CELLS``             cells of a ballot matrix a file does not spell out (or a simulation draws at once)
``elections``          ``TALLY_MAX_ELECTIONS``         elections one simulation or forecast runs
``name_chars``         ``TALLY_MAX_NAME_CHARS``        characters of one candidate name
``text_bytes``         ``TALLY_MAX_TEXT_BYTES``        a file read whole into memory (BLT, PrefLib, JSON, XML)
``archive_ratio``      ``TALLY_MAX_ARCHIVE_RATIO``     unpacked / packed size of a zip member (``.xlsx``)
``archive_bytes``      ``TALLY_MAX_ARCHIVE_BYTES``     unpacked size of a whole archive
``upload_bytes``       ``TALLY_MAX_UPLOAD_BYTES``      one request body of the web app (checked as it arrives)
``workers``            ``TALLY_WORKERS``               web app: counts and uploads run at once
``simulations``        ``TALLY_SIMULATIONS``           web app: simulations run at once
``queue``              ``TALLY_QUEUE``                 web app: jobs waiting for a worker
``per_client``         ``TALLY_PER_CLIENT``            web app: jobs one client may have running or waiting
``job_seconds``        ``TALLY_JOB_SECONDS``           web app: time of one count or upload job
``simulation_seconds`` ``TALLY_SIMULATION_SECONDS``    web app: time of one simulation
``job_memory``         ``TALLY_JOB_MEMORY``            web app: memory of one job's process, in bytes
``store_wait``         ``TALLY_STORE_WAIT``            seconds a store writer waits for another to finish
=====================  ==============================  =======================================

Sizes accept a suffix (``20MB``, ``2GiB``). :func:`current` is what tally uses now: the
defaults, then the environment, then any :func:`use` in force (``tally serve`` options
go through :func:`use` too). ``tally limits`` prints the table with the values in force.

>>> from tally import limits
>>> limits.current().candidates
2000
>>> with limits.use(candidates=50):
...     limits.current().candidates
50
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from .errors import ConfigError, LimitError

__all__ = [
    "EXACT_TOTAL",
    "TIE_SEARCH_STATES",
    "Limits",
    "check",
    "current",
    "describe",
    "env_name",
    "use",
]

EXACT_TOTAL = 2**53
"""Ballot counts are held as 64-bit floats: every whole number below 2**53 is exact, so
every total of whole counts below it is exact too. Counts at or past it are refused."""

TIE_SEARCH_STATES = 10_000
"""Sets of remaining candidates a sequential rule explores under ``tiebreak="all"``
(every way of breaking each tie for elimination) before it refuses the count: the sets
reachable can grow exponentially with the candidates tied."""


@dataclass(frozen=True)
class Limits:
    """Caps on input sizes and on the web app's work (see the module docstring)."""

    # Pairwise rules hold candidates x candidates, and IRV's tie-breaks scan rounds x
    # candidates: 2,000 keeps every rule's memory in hand; raise it for files of write-ins.
    candidates: int = field(default=2_000, metadata={"help": "candidates in one input"})
    ranks: int = field(default=10_000, metadata={"help": "ranks on one ballot"})
    # divisor methods hand out seats one at a time; the largest chamber has about 3,000
    seats: int = field(default=100_000, metadata={"help": "seats to fill"})
    ballot_rows: int = field(default=100_000_000, metadata={"help": "ballot lines or records in one input"})
    cells: int = field(default=250_000_000, metadata={"help": "cells of a ballot matrix not spelt out"})
    # a forecast keeps a result per simulated election (8 bytes each)
    elections: int = field(default=10_000_000, metadata={"help": "elections one simulation or forecast runs"})
    name_chars: int = field(default=1_000, metadata={"help": "characters of a candidate name"})
    text_bytes: int = field(default=1 << 30, metadata={"help": "a file read whole into memory"})
    archive_ratio: float = field(default=100.0, metadata={"help": "unpacked/packed size of a zip member"})
    archive_bytes: int = field(default=4 << 30, metadata={"help": "unpacked size of an archive"})
    upload_bytes: int = field(default=20 << 20, metadata={"help": "a request body of the web app"})
    workers: int = field(default=2, metadata={"help": "web: counts run at once"})
    simulations: int = field(default=1, metadata={"help": "web: simulations run at once"})
    queue: int = field(default=8, metadata={"help": "web: jobs waiting for a worker"})
    per_client: int = field(default=3, metadata={"help": "web: jobs per client, running or waiting"})
    job_seconds: float = field(default=60.0, metadata={"help": "web: seconds of one count"})
    simulation_seconds: float = field(default=1800.0, metadata={"help": "web: seconds of one simulation"})
    job_memory: int = field(default=2 << 30, metadata={"help": "web: bytes of memory of one job"})
    store_wait: float = field(default=30.0, metadata={"help": "seconds a store writer waits its turn"})

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ConfigError(f"limit {f.name} must be a positive number, not {value!r}")
        if self.candidates > 32_000:
            # candidate codes are 16-bit integers (see tally.ballots)
            raise ConfigError(f"limit candidates may be at most 32000, not {self.candidates}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """The defaults overridden by ``TALLY_*`` environment variables."""
        env = os.environ if environ is None else environ
        given = {f.name: env[env_name(f.name)] for f in fields(cls) if env_name(f.name) in env}
        return cls().replace(**given)

    def replace(self, **changes: Any) -> Limits:
        """A copy with some caps changed; values may be text (``"20MB"``) as in the environment."""
        known = {f.name: f for f in fields(self)}
        parsed: dict[str, Any] = {}
        for name, value in changes.items():
            if name not in known:
                raise ConfigError(f"no limit {name!r}; limits: {', '.join(known)}")
            if value is None:
                continue
            kind = int if isinstance(getattr(self, name), int) else float
            parsed[name] = _number(value, name, kind)
        return dataclasses.replace(self, **parsed)


_PLAIN = frozenset(
    (
        "workers",
        "simulations",
        "queue",
        "per_client",
        "job_seconds",
        "simulation_seconds",
        "job_memory",
        "store_wait",
    )
)


def env_name(name: str) -> str:
    """The environment variable of a limit: ``candidates`` → ``TALLY_MAX_CANDIDATES``."""
    return f"TALLY_{name.upper()}" if name in _PLAIN else f"TALLY_MAX_{name.upper()}"


_SIZE = re.compile(r"^\s*([0-9][0-9_]*(?:\.[0-9]+)?)\s*([kmgt]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}


def _number(value: Any, name: str, kind: type) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return kind(value)
    match = _SIZE.match(str(value))
    if not match:
        raise ConfigError(f"limit {name} ({env_name(name)}): {value!r} is not a number")
    number, unit = float(match.group(1).replace("_", "")), (match.group(2) or "").lower()
    scale = 1024 ** "kmgt".index(unit[0]) * 1024 if "i" in unit else _UNITS[unit[:1]]
    return kind(number * scale)


_OVERRIDE: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("tally_limits", default=None)
_FROM_ENV: tuple[tuple[tuple[str, str], ...], Limits] | None = None


def current() -> Limits:
    """The limits in force: a :func:`use` block's, else the environment's over the defaults."""
    global _FROM_ENV
    override = _OVERRIDE.get()
    if override is not None:
        return override
    key = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("TALLY_")))
    if _FROM_ENV is None or _FROM_ENV[0] != key:
        _FROM_ENV = (key, Limits.from_env())
    return _FROM_ENV[1]


@contextlib.contextmanager
def use(limits: Limits | None = None, **changes: Any) -> Iterator[Limits]:
    """Run a block under other limits (``limits`` whole, or ``changes`` to the current ones)."""
    chosen = (limits or current()).replace(**changes)
    token = _OVERRIDE.set(chosen)
    try:
        yield chosen
    finally:
        _OVERRIDE.reset(token)


def check(
    name: str,
    value: float,
    *,
    what: str,
    file: str | None = None,
    line: int | None = None,
    field: str | None = None,
) -> None:
    """Raise a :class:`LimitError` when ``value`` is past the cap ``name``.

    Examples
    --------
    >>> check("candidates", 3, what="candidates")
    >>> check("candidates", 10**9, what="NUMBER ALTERNATIVES", file="x.soc", line=4)
    Traceback (most recent call last):
    ...
    tally.errors.LimitError: x.soc, line 4: NUMBER ALTERNATIVES 1,000,000,000 is past the limit of 2,000 candidates (set TALLY_MAX_CANDIDATES to raise it)
    """
    cap = getattr(current(), name)
    if value > cap:
        raise LimitError(
            f"{what} {value:,} is past the limit of {cap:,} {name.replace('_', ' ')} "
            f"(set {env_name(name)} to raise it)",
            file=file,
            line=line,
            field=field,
            limit=name,
        )


def describe(limits: Limits | None = None) -> list[dict[str, Any]]:
    """Each limit's name, value in force, environment variable and meaning (for ``tally limits``)."""
    chosen = limits or current()
    return [
        {
            "name": f.name,
            "value": getattr(chosen, f.name),
            "env": env_name(f.name),
            "help": f.metadata["help"],
        }
        for f in fields(chosen)
    ]
