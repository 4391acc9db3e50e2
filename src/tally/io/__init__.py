"""Reading ballots and tallies from files.

:func:`read` picks a reader by the file's extension and a look at its first lines, or
by ``format=``; :func:`formats` lists the readers. Each reader lives in its own module
and documents its format with a small example:

=================  ===================================================================
format             module
=================  ===================================================================
preflib            :mod:`tally.io.preflib`  (``.soc .soi .toc .toi .cat``)
csv                :mod:`tally.io.csv`      ranked ballots, one row per ballot or with a count
blt                :mod:`tally.io.blt`      ERS / OpenSTV ballot files
approval, score    :mod:`tally.io.scores`   one column per candidate
tallies            :mod:`tally.io.tallies`  votes per area and candidate
alaska-profile     :mod:`tally.io.alaska`   ``(a,b,c) : count`` ranking profiles
alaska-summary     :mod:`tally.io.alaska`   ``top-N-house_district.csv`` summaries
raire              :mod:`tally.io.raire`    RAIRE's JSON input (votes as preference lists)
=================  ===================================================================

Every reader keeps ``source`` (the path as given), ``title`` and ``metadata`` on what it
returns, and reports bad input as a :class:`~tally.errors.BallotError` whose one-line
message names the file, the line (and field) and the problem. Sizes a file declares are
checked against its content and against :mod:`tally.limits` before memory is set aside
(a :class:`~tally.errors.LimitError` names the cap), counts must add up exactly, and
candidate names that differ only in case, accents or spacing raise a
:class:`~tally.errors.TallyWarning`.

>>> import tally
>>> ballots = tally.read("ballots.csv")                     # doctest: +SKIP
>>> ballots = tally.read("results.txt", format="tallies")   # doctest: +SKIP
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..ballots import FIRST_TIE_CODE, RankedBallots, ScoredBallots, Tallies
from ..errors import BallotError, ConfigError
from ._common import check_names, check_regular, read_bytes

__all__ = ["Format", "formats", "read", "register_format"]

Ballots = RankedBallots | ScoredBallots | Tallies


@dataclass(frozen=True)
class Format:
    """A file format tally can read.

    ``sniff(path, head)`` gets the path and the first 64 KiB decoded as UTF-8
    (undecodable bytes replaced) and says whether the file looks like this format.
    """

    name: str
    description: str
    reader: Callable[..., Ballots]
    extensions: tuple[str, ...] = ()
    sniff: Callable[[str, str], bool] | None = None
    options: dict[str, Any] | None = None  # keyword arguments implied by naming the format


_FORMATS: dict[str, Format] = {}


def register_format(fmt: Format) -> Format:
    """Add a format to :func:`read` and :func:`formats` (later registrations sniff last).

    Other packages (the CVR readers, say) register their formats this way, after the
    built-in ones.
    """
    _register_builtin()
    if fmt.name in _FORMATS and _FORMATS[fmt.name] != fmt:
        raise ValueError(f"format {fmt.name!r} registered twice")
    _FORMATS[fmt.name] = fmt
    return fmt


def formats() -> dict[str, str]:
    """Every format name with a one-line description, in detection order."""
    _register_builtin()
    return {f.name: f.description for f in _FORMATS.values()}


def read(path: str | os.PathLike[str], format: str | None = None, **options: Any) -> Ballots:
    """Read ballots or tallies from ``path``.

    Parameters
    ----------
    path:
        The file to read.
    format:
        A name from :func:`formats`; by default the extension and a sniff of the
        content decide.
    **options:
        Passed to the reader (see each reader's docstring), e.g. ``candidates=`` for a
        ranked CSV, ``area=`` for an Alaska summary, ``as_="approval"`` for a ``.cat``.

    Raises
    ------
    BallotError
        Missing file, unknown or undetectable format, or bad content (file, line, field).
    ConfigError
        An option the chosen reader does not take.
    """
    _register_builtin()
    file = str(path)
    _head(file, 0)  # a missing file, a folder, a pipe or a device: refused before any reader opens it
    if format is not None:
        fmt = _FORMATS.get(format.lower())
        if fmt is None:
            raise BallotError(f"unknown format {format!r}; formats: {', '.join(_FORMATS)}", file=file)
    else:
        fmt = _detect(file)
    ballots = _call(fmt, path, options, explicit=format is not None)
    _check_something_to_count(ballots, file)
    check_names(ballots.candidates, file)
    return ballots


def _check_something_to_count(ballots: Ballots, file: str) -> None:
    """A file with no candidate or no ballot would elect someone by tie-break: refused."""
    if not ballots.candidates:
        raise BallotError("the file names no candidate", file=file)
    if ballots.total == 0:
        raise BallotError("the file holds no ballots (or only ballots counted 0 times)", file=file)
    if isinstance(ballots, RankedBallots | ScoredBallots):
        counted = ballots.weights > 0
        if isinstance(ballots, RankedBallots):
            # a candidate, or a tie of candidates; not a skipped rank or an overvote
            names = ((ballots.choices >= 0) | (ballots.choices <= FIRST_TIE_CODE)).any(axis=1)
        else:
            names = ~ballots.is_blank()
        if not (names & counted).any():
            raise BallotError(
                f"none of the {ballots.total:,g} ballots marks a candidate: every one is blank "
                "(or holds only overvotes, or only the lowest score)",
                file=file,
            )


def _call(fmt: Format, path: str | os.PathLike[str], options: dict[str, Any], *, explicit: bool) -> Ballots:
    params = inspect.signature(fmt.reader).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    # A format chosen by name fixes its options (format="score" means score ballots);
    # a format found by sniffing leaves them to the reader (the kind is then inferred).
    fixed = {k: v for k, v in (fmt.options or {}).items() if explicit and k not in options}
    if not takes_any:
        allowed = [n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY]
        unknown = [k for k in options if k not in allowed]
        if unknown:
            raise ConfigError(
                f"the {fmt.name} reader has no option {unknown[0]!r}; "
                f"its options: {', '.join(allowed) or 'none'}"
            )
    return fmt.reader(path, **fixed, **options)


def _detect(file: str) -> Format:
    data = _head(file)
    head = data.decode("utf-8", errors="replace").lstrip("\ufeff")
    ext = "".join(Path(file).suffixes[-1:]).lower()
    if not head.strip():
        raise BallotError("the file is empty", file=file, line=1)
    by_extension = [f for f in _FORMATS.values() if ext and ext in f.extensions]
    if len(by_extension) == 1:
        return by_extension[0]  # the extension alone decides; the reader reports bad content
    for fmt in by_extension:
        if fmt.sniff is not None and fmt.sniff(file, head):
            return fmt
    for fmt in _FORMATS.values():
        if fmt.sniff is not None and fmt not in by_extension and fmt.sniff(file, head):
            return fmt
    raise BallotError(
        "cannot tell the format from the extension or the content; "
        f"pass format= one of: {', '.join(_FORMATS)}",
        file=file,
    )


def _head(file: str, size: int = 1 << 16) -> bytes:
    try:
        check_regular(Path(file), file)
        with open(file, "rb") as handle:
            return handle.read(size)
    except OSError:
        read_bytes(file)  # raises the BallotError that names the problem
        raise


_BUILTIN_DONE = False


def _register_builtin() -> None:
    global _BUILTIN_DONE
    if _BUILTIN_DONE:
        return
    _BUILTIN_DONE = True
    from . import alaska, blt, preflib, raire, scores, tallies
    from . import csv as ranked_csv

    register_format(
        Format(
            "preflib",
            "PrefLib .soc/.soi/.toc/.toi ranked ballots and .cat party votes",
            preflib.read_preflib,
            preflib.EXTENSIONS,
            lambda f, h: preflib.looks_like_preflib(h),
        )
    )
    register_format(
        Format(
            "blt",
            "ERS/OpenSTV BLT ballot file (candidates, seats, weighted rankings)",
            blt.read_blt,
            (".blt",),
            lambda f, h: blt.looks_like_blt(h),
        )
    )
    register_format(
        Format(
            "alaska-profile",
            "ranking profile: names, parties, -+-+- line, '(a,b,c) : count' lines",
            alaska.read_profile,
            (".profile",),
            lambda f, h: alaska.looks_like_profile(h),
        )
    )
    register_format(
        Format(
            "alaska-summary",
            "Alaska top-N-house_district.csv ranking summaries (Total row or one district)",
            alaska.read_summary,
            (".csv",),
            alaska.looks_like_summary,
        )
    )
    register_format(
        Format(
            "tallies",
            "CSV of votes per area and candidate (long: area,candidate,votes; or wide)",
            tallies.read_tallies,
            (".csv",),
            lambda f, h: tallies.looks_like_tallies(h),
        )
    )
    register_format(
        Format(
            "csv",
            "ranked-ballot CSV: rank columns, one row per ballot or with a count column",
            ranked_csv.read_csv,
            (".csv",),
            lambda f, h: ranked_csv.looks_like_ranked(h),
        )
    )
    register_format(
        Format(
            "approval",
            "approval CSV: one 0/1 column per candidate, optional count column",
            scores.read_scores,
            (".csv",),
            lambda f, h: scores.looks_like_approval(h),
            {"kind": "approval"},
        )
    )
    register_format(
        Format(
            "score",
            "score CSV: one column per candidate, optional count column (never guessed: name it)",
            scores.read_scores,
            (),
            None,
            {"kind": "score"},
        )
    )
    register_format(raire.FORMAT)
