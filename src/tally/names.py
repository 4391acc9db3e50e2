"""Candidate names as people say and type them: display names, the names the sources
spell, surnames, matching a name a user gives, and suggestions for a mistyped one.

Below every other layer, so the rules, procedures and analyses can match "Gore" or
"GORE, AL" to "Al Gore" without reaching into the bundled data.

A bundled dataset shows its candidates and parties by their **display names** ("Al Gore",
"Mary Peltola"); the name as the source file spells it ("GORE, AL", "Peltola_ Mary S.") is
kept in the ballots' metadata under :data:`RAW_NAMES` and accepted wherever a candidate
is named (:func:`aliases`, :func:`find_candidate`).

>>> find_candidate("gore", ["George W. Bush", "Al Gore"])
'Al Gore'
>>> find_candidate("GORE, AL", ["George W. Bush", "Al Gore"], aliases={"GORE, AL": "Al Gore"})
'Al Gore'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import ConfigError

__all__ = ["OTHER", "RAW_NAMES", "aliases", "did_you_mean", "find_candidate", "surname"]

OTHER = "Other"
"""The column of area tallies for votes given to nobody the data names (write-ins without
a name, scattering, blank and void lines)."""

RAW_NAMES = "raw_names"
"""The metadata key of ballots and tallies that holds ``{display name: name as the source
spells it}`` for every name shown differently from its source."""

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


def aliases(ballots: Any) -> dict[str, str]:
    """The names a source spells, each mapped to the display name shown for it.

    Parameters
    ----------
    ballots:
        Ballots or tallies (anything with a ``metadata`` mapping); others have no aliases.

    Returns
    -------
    dict
        ``{name as the source spells it: display name}``, empty when every name is shown
        as published.

    Examples
    --------
    >>> class Loaded:
    ...     metadata = {RAW_NAMES: {"Al Gore": "GORE, AL"}}
    >>> aliases(Loaded())
    {'GORE, AL': 'Al Gore'}
    """
    metadata = getattr(ballots, "metadata", None) or {}
    raw = metadata.get(RAW_NAMES) or {}
    return {str(source): str(shown) for shown, source in raw.items()}


def did_you_mean(word: str, choices: Iterable[str] | Mapping[str, str], *, n: int = 3) -> str:
    """A hint naming the choices closest to a mistyped ``word``, or "" when none is close.

    Parameters
    ----------
    word:
        What the user typed.
    choices:
        What they could have meant (dataset ids, rule names, option names), or a mapping
        from each spelling to what it stands for (a surname to its candidate).
    n:
        At most this many suggestions.

    Returns
    -------
    str
        ``"did you mean burlington-2009?"``, ``"did you mean irv or rctab?"``, or "".

    Examples
    --------
    >>> did_you_mean("burlingtn-2009", ["burlington-2006", "burlington-2009", "aspen-2009-mayor"])
    'did you mean burlington-2009 or burlington-2006?'
    >>> did_you_mean("Nadr", {"Ralph Nader": "Ralph Nader", "Nader": "Ralph Nader"})
    'did you mean Ralph Nader?'
    >>> did_you_mean("zzz", ["irv", "borda"])
    ''
    """
    meaning = dict(choices) if isinstance(choices, Mapping) else {str(c): str(c) for c in choices}
    folded: dict[str, str] = {}
    for spelling, meant in meaning.items():
        folded.setdefault(spelling.casefold(), meant)
    found = difflib.get_close_matches(word.strip().casefold(), list(folded), n=3 * n, cutoff=0.6)
    names = list(dict.fromkeys(folded[f] for f in found))[:n]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"did you mean {listed}?"


def find_candidate(
    query: str,
    candidates: Iterable[str],
    totals: Iterable[float] | None = None,
    aliases: Mapping[str, str] | None = None,
    *,
    what: str = "candidate",
) -> str:
    """The candidate a user means: the name shown, the name the source spells, or the
    surname of either, case-insensitive.

    Parameters
    ----------
    query:
        What the user typed.
    candidates:
        The candidates' full names (display names).
    totals:
        Votes per candidate, in the order of ``candidates``. When several candidates share
        the surname, the one candidate with at least 1 % of all votes is meant (2024:
        "Harris" is Kamala Harris, not the write-in Sharon E. Harris with 2 votes).
    aliases:
        ``{other name: candidate}``: the names the source spells (see :func:`aliases`).
    what:
        What the choices are, as the error names them ("candidate", "party").

    Returns
    -------
    str
        The candidate's name as shown.

    Raises
    ------
    ConfigError
        Nobody, or several candidates, match; the message suggests the closest names.

    Examples
    --------
    >>> find_candidate("Bush", ["George W. Bush", "Al Gore"])
    'George W. Bush'
    >>> find_candidate("Nadr", ["George W. Bush", "Al Gore", "Ralph Nader"])
    Traceback (most recent call last):
    ...
    tally.errors.ConfigError: no candidate called 'Nadr'; did you mean Ralph Nader?
    """
    candidates = tuple(candidates)
    known = set(candidates)
    other_names = {a: c for a, c in (aliases or {}).items() if c in known}
    wanted = query.strip().casefold()
    exact = [c for c in candidates if c.casefold() == wanted]
    exact += [c for a, c in other_names.items() if a.casefold() == wanted and c not in exact]
    if exact:
        return exact[0]
    spellings: dict[str, list[str]] = {c: [c] for c in candidates}
    for alias, c in other_names.items():
        spellings[c].append(alias)
    by_surname = [c for c in candidates if any(surname(s).casefold() == wanted for s in spellings[c])]
    if len(by_surname) == 1:
        return by_surname[0]
    if not by_surname:
        hint = did_you_mean(
            query, {s: c for c, names in spellings.items() for n in names for s in (n, surname(n))}
        )
        listed = ", ".join(candidates[:12]) + (
            f" and {len(candidates) - 12} more" if len(candidates) > 12 else ""
        )
        raise ConfigError(f"no {what} called {query!r}; " + (hint or f"{plural(what)}: {listed}"))
    if totals is not None:
        weight = dict(zip(candidates, totals))
        grand = sum(weight.values())
        major = [c for c in by_surname if grand and weight.get(c, 0) >= 0.01 * grand]
        if len(major) == 1:
            return major[0]
    raise ConfigError(f"{query!r} names several {plural(what)} ({', '.join(by_surname)}); give the full name")


def plural(noun: str) -> str:
    """``candidate`` -> ``candidates``, ``party`` -> ``parties``."""
    return noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
