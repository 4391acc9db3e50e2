"""Candidate names as people type them: surnames and matching a name a user gives.

Below every other layer, so the rules, procedures and analyses can match "Gore" to
"GORE, AL" without reaching into the bundled data.

>>> find_candidate("gore", ["BUSH, GEORGE W.", "GORE, AL"])
'GORE, AL'
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import ConfigError

__all__ = ["OTHER", "find_candidate", "surname"]

OTHER = "Other"
"""The column of area tallies for votes given to nobody the data names (write-ins without
a name, scattering, blank and void lines)."""

_SUFFIXES = {"JR", "JR.", "SR", "SR.", "II", "III", "IV"}


def surname(name: str) -> str:
    """The surname in a candidate name as published files spell it.

    Parameters
    ----------
    name:
        "BUSH, GEORGE W." (surname first) or "Joe Biden" (surname last).

    Returns
    -------
    str
        The surname, without suffixes such as "Jr.".

    Examples
    --------
    >>> surname("BUSH, GEORGE W."), surname("Martin Luther King Jr.")
    ('BUSH', 'King')
    """
    name = name.replace('""', '"').strip()
    if "," in name:
        return name.split(",")[0].strip()
    words = [w for w in name.split() if w.upper().strip(",") not in _SUFFIXES]
    return words[-1] if words else name


def find_candidate(query: str, candidates: Iterable[str], totals: Iterable[float] | None = None) -> str:
    """The candidate a user means: the exact name or the surname, case-insensitive.

    Parameters
    ----------
    query:
        What the user typed.
    candidates:
        The candidates' full names.
    totals:
        Votes per candidate, in the order of ``candidates``. When several candidates share
        the surname, the one candidate with at least 1 % of all votes is meant (2024:
        "Harris" is Kamala Harris, not the write-in Sharon E. Harris with 2 votes).

    Returns
    -------
    str
        The full name.

    Raises
    ------
    ConfigError
        Nobody, or several candidates, match.

    Examples
    --------
    >>> find_candidate("Bush", ["BUSH, GEORGE W.", "GORE, AL"])
    'BUSH, GEORGE W.'
    """
    candidates = tuple(candidates)
    wanted = query.strip().casefold()
    exact = [c for c in candidates if c.casefold() == wanted]
    if exact:
        return exact[0]
    by_surname = [c for c in candidates if surname(c).casefold() == wanted]
    if len(by_surname) == 1:
        return by_surname[0]
    if not by_surname:
        raise ConfigError(f"no candidate called {query!r}; candidates: {', '.join(candidates)}")
    if totals is not None:
        weight = dict(zip(candidates, totals))
        grand = sum(weight.values())
        major = [c for c in by_surname if grand and weight.get(c, 0) >= 0.01 * grand]
        if len(major) == 1:
            return major[0]
    raise ConfigError(f"{query!r} names several candidates ({', '.join(by_surname)}); give the full name")
