"""Helpers shared by the readers: reading UTF-8 text, locating errors, CSV row scanning.

Every reader reports bad input as a :class:`~tally.errors.BallotError` that names the file
(the path as the caller gave it), the line and, where it helps, the field.
"""

from __future__ import annotations

import csv
import io
import math
import os
import stat
import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from .. import limits
from ..errors import BallotError, LimitError, TallyWarning

__all__ = [
    "check_candidates",
    "check_exact_total",
    "check_names",
    "check_regular",
    "check_utf8",
    "clean_name",
    "csv_rows",
    "data_line_numbers",
    "exact_fraction",
    "name_key",
    "near_duplicates",
    "parse_count",
    "read_bytes",
    "read_text",
    "warn_near_duplicates",
]


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes, or a BallotError if it is missing or not a regular file."""
    p = Path(path)
    try:
        check_regular(p, str(path))
        limits.check("text_bytes", p.stat().st_size, what="a file of", file=str(path))
        return p.read_bytes()
    except FileNotFoundError:
        raise BallotError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise BallotError("is a directory, not a ballot file", file=str(path)) from None
    except PermissionError:
        raise BallotError("permission denied", file=str(path)) from None
    except OSError as exc:  # e.g. a name too long, an I/O error on the device
        raise BallotError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from None


def check_regular(path: Path, file: str) -> None:
    """Refuse a pipe, a socket or a device (``/dev/zero``) before it is opened: it has no size
    to check against the caps, may never end, and is gone once its first lines have been
    read to tell the format."""
    mode = path.stat().st_mode  # FileNotFoundError for a missing file or a broken link
    if stat.S_ISDIR(mode):
        raise IsADirectoryError
    if not stat.S_ISREG(mode):
        raise BallotError("is not a regular file (a pipe or a device); save it to a file first", file=file)


def check_utf8(data: bytes, file: str) -> str:
    """Decode UTF-8 (a leading byte-order mark is dropped) or fail naming the line."""
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    try:
        return str(memoryview(data)[bom:], "utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + bom
        line = data.count(b"\n", 0, start) + 1
        column = start - (data.rfind(b"\n", 0, start) + 1) + 1
        raise BallotError(
            f"not UTF-8 text: byte 0x{data[start]:02x} at column {column} (re-save the file as UTF-8)",
            file=file,
            line=line,
        ) from None


def read_text(path: str | os.PathLike[str]) -> str:
    """The file as text, decoded as UTF-8, with line ends normalised to ``\\n``."""
    return check_utf8(read_bytes(path), str(path)).replace("\r\n", "\n").replace("\r", "\n")


def csv_rows(text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-empty CSV row, the header included.

    The line number is the physical line on which the row starts, so quoted fields
    with line breaks do not throw the count off. Blank lines are skipped, as pyarrow does.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            if cells:  # a blank line; a row of empty cells is a row (a blank ballot)
                yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise BallotError(f"CSV syntax error: {exc}", line=reader.line_num) from None


def data_line_numbers(text: str, delimiter: str = ",") -> list[int]:
    """The physical line of each data row (the header excluded), in order."""
    rows = csv_rows(text, delimiter)
    next(rows, None)
    return [line for line, _ in rows]


def clean_name(raw: str) -> str:
    """A candidate name as written: whitespace trimmed, one pair of surrounding quotes removed."""
    name = raw.strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = name[1:-1].strip()
    return name


def parse_count(raw: str, *, file: str, line: int, field: str | None = None, what: str = "count") -> float:
    """A non-negative finite number of ballots, held exactly (see :func:`exact_fraction`)."""
    text = raw.strip()
    try:
        value = float(text)
    except ValueError:
        raise BallotError(f"{what} {text!r} is not a number", file=file, line=line, field=field) from None
    if not math.isfinite(value):
        raise BallotError(f"{what} {text!r} is not a finite number", file=file, line=line, field=field)
    if value < 0:
        raise BallotError(f"{what} {text} is negative", file=file, line=line, field=field)
    if value >= limits.EXACT_TOTAL:  # quoted as written: 2**53 + 1 reads as 2**53
        raise BallotError(
            f"{what} {text} is not below 2**53 ({limits.EXACT_TOTAL:,}), the bound of exact counting",
            file=file,
            line=line,
            field=field,
        )
    if not value.is_integer():
        exact_fraction(text, value, file=file, line=line, field=field, what=what)
    return value


# -- exact counts -------------------------------------------------------------------------
#
# Counts are 64-bit floats. A whole count is exact below 2**53, and so is every sum of
# whole counts whose total stays below it. A fraction is exact when the number written
# is a binary fraction (1.5, 0.25; not 0.1), and sums of such fractions stay exact while
# the total, scaled by the finest denominator, stays below 2**53. Readers check both, so
# a rule never compares two totals that rounding has made equal or unequal.


def exact_fraction(
    text: str,
    value: float,
    *,
    file: str | None,
    line: int | None,
    field: str | None = None,
    what: str = "count",
) -> None:
    """Refuse a count whose written ``text`` is not exactly the float ``value`` read from
    it (``0.1`` has no exact binary form; ``9007199254740993`` reads as ``2**53``).

    >>> exact_fraction("1.5", 1.5, file=None, line=None)
    >>> exact_fraction("0.1", 0.1, file="f.csv", line=2)
    Traceback (most recent call last):
    ...
    tally.errors.BallotError: f.csv, line 2: count 0.1 cannot be held exactly: counts must be whole numbers below 2**53, or fractions with a power-of-two denominator such as 0.5 or 0.25 (scale the counts to whole numbers)
    """
    if not _written_exactly(text, value):
        raise BallotError(
            f"{what} {text.strip()} cannot be held exactly: counts must be whole numbers below "
            "2**53, or fractions with a power-of-two denominator such as 0.5 or 0.25 "
            "(scale the counts to whole numbers)",
            file=file,
            line=line,
            field=field,
        )


def _written_exactly(text: str, value: float) -> bool:
    try:
        return Decimal(text.strip().replace("_", "")) == Decimal(value)
    except InvalidOperation:
        return False


def check_exact_total(
    values: np.ndarray,
    *,
    file: str | None,
    place: Callable[[int], tuple[int | None, str | None]] = lambda row: (None, None),
    texts: Callable[[np.ndarray], Sequence[str]] | None = None,
    what: str = "count",
) -> None:
    """Refuse counts whose total tally could not add up exactly (see the note above).

    ``values`` are the counts read, in file order; ``place(row)`` gives the (line, field)
    of a row for the message, and ``texts(rows)`` the counts as written in those rows,
    to check that each fraction was read exactly.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return
    places = 0
    fractional = np.flatnonzero(values != np.floor(values))
    if fractional.size:
        distinct = np.unique(values[fractional])
        if texts is not None:
            seen: set[str] = set()
            for k, raw in enumerate(texts(fractional)):
                if raw not in seen:
                    seen.add(raw)
                    value = float(values[fractional[k]])
                    if not _written_exactly(raw, value):
                        line, field = place(int(fractional[k]))
                        exact_fraction(raw, value, file=file, line=line, field=field, what=what)
        places = max(v.as_integer_ratio()[1].bit_length() - 1 for v in distinct.tolist())
    bound = float(limits.EXACT_TOTAL) / 2.0**places
    running = np.cumsum(values)
    if running[-1] >= bound:
        row = int(np.argmax(running >= bound))
        line, field = place(row)
        steps = f" in steps of 1/{2**places} (the finest fraction in the file)" if places else ""
        if values[row] >= bound:
            shown = texts(np.array([row]))[0].strip() if texts is not None else f"{values[row]:.17g}"
            problem = f"{what} {shown} is not below"
        else:
            problem = f"the {what}s add up to {running[row]:.17g} by this row, not below"
        raise BallotError(
            f"{problem} 2**{53 - places} ({int(bound):,}), the bound of exact counting{steps}",
            file=file,
            line=line,
            field=field,
        )


# -- candidates -----------------------------------------------------------------------------


def check_candidates(n: int, *, file: str | None, line: int | None = None, what: str = "candidates") -> None:
    """Refuse more candidates than the ``candidates`` limit, before anything is set aside for them."""
    limits.check("candidates", n, what=what, file=file, line=line)


def name_key(name: str) -> str:
    """A name with case, accents and spacing taken out: ``"José  DÍAZ"`` → ``"jose diaz"``.

    Invisible format characters (a zero-width space or joiner, a soft hyphen) go too: a
    name pasted from a web page often carries one that no reader of the result can see.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) and unicodedata.category(ch) != "Cf"
    )
    return " ".join(plain.casefold().split())


def near_duplicates(names: Sequence[str]) -> list[list[str]]:
    """Groups of two or more distinct names that differ only in case, accents or spacing."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name_key(name), []).append(name)
    return [group for group in groups.values() if len(group) > 1]


def check_names(names: Sequence[str], file: str | None = None) -> None:
    """Candidate names within the ``name_chars`` limit (every output shows them whole) and
    free of control characters, and a warning for names that differ only in case, accents
    or spacing."""
    longest = max(names, key=len, default="")
    cap = limits.current().name_chars
    if len(longest) > cap:
        raise LimitError(
            f"candidate name {longest[:30]!r}... has {len(longest):,} characters, past the limit of {cap:,} "
            f"(set {limits.env_name('name_chars')} to raise it)",
            file=file,
            limit="name_chars",
        )
    for name in names:
        bad = next((ch for ch in name if unicodedata.category(ch) == "Cc"), None)
        if bad is not None:
            # a NUL, a line break or a terminal escape in a name breaks every output that shows it
            raise BallotError(
                f"candidate name {name[:40]!r} holds the control character {bad!r}; names must be plain text",
                file=file,
            )
    warn_near_duplicates(names, file)


def warn_near_duplicates(names: Sequence[str], file: str | None = None) -> None:
    """A :class:`~tally.errors.TallyWarning` naming candidates that look like one person.

    They stay separate candidates (the file says they are different); the warning says
    so, so that a misspelt name is noticed before the result is trusted.
    """
    groups = near_duplicates(names)
    if not groups:
        return
    shown = "; ".join(", ".join(repr(n) for n in group) for group in groups[:5])
    more = f" (and {len(groups) - 5} more groups)" if len(groups) > 5 else ""
    where = f"{file}: " if file else ""
    warnings.warn(
        TallyWarning(
            f"{where}candidate names that differ only in case, accents or spacing are counted as "
            f"different candidates: {shown}{more}"
        ),
        stacklevel=3,
    )
