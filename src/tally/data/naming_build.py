"""Build the names tables of the bundled datasets from the data (see :mod:`tally.data.naming`).

Run from a checkout after the data or the rules here change::

    python -m tally.data.naming_build           # check: exit 1 and list what differs
    python -m tally.data.naming_build --write   # rewrite every folder's names.csv

For each dataset folder the script collects every name its datasets' files spell (read
by the loaders, before any renaming) and gives each a display name:

* rows marked ``checked`` in the committed table are kept as written: display names
  decided by hand (a nickname the candidate ran under, a known spelling such as
  "LaRouche", a name the source garbles such as "L. NEIL, SMITH");
* otherwise a name in capitals spelled "SURNAME, GIVEN[, SUFFIX]" is turned round and
  capitalised ("BUSH, GEORGE W." → "George W. Bush"; ``auto``), other names in capitals
  are capitalised, party labels with small words in lower case ("PEACE AND FREEDOM" →
  "Peace and Freedom");
* a party abbreviation the source also spells out takes that name (``from the data``);
* names already in mixed case stay as published.

A name the rules cannot read safely (a comma in the wrong place, an initial or a quote
in what would be the surname, a "?" standing for a lost character, an underscore, an
abbreviation) is never guessed: the build fails and lists it until a checked row names it.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable

from ..ballots import Tallies
from . import DATA_DIR, datasets
from .naming import COLUMNS, NAMES_FILE, rows

__all__ = ["FOLDERS", "build", "derive_party", "derive_person", "main"]

AUTO, FROM_DATA, CHECKED, PUBLISHED = "auto", "from the data", "checked", "as published"

_SUFFIX = {"JR": "Jr.", "JR.": "Jr.", "SR": "Sr.", "SR.": "Sr.", "II": "II", "III": "III", "IV": "IV"}
_SMALL = {"A", "AN", "AND", "AS", "AT", "BY", "FOR", "IN", "IS", "OF", "ON", "OR", "THE", "TO", "WITH"}
_SHORT_WORDS = {
    "ALL",
    "ARE",
    "AX",
    "BE",
    "ED",
    "FED",
    "GOD",
    "GUN",
    "JIM",
    "LA",
    "LAW",
    "LET",
    "NEW",
    "NO",
    "NON",
    "NOT",
    "NOW",
    "ONE",
    "PRO",
    "TAX",
    "TEA",
    "UP",
    "WAR",
    "WAS",
    "WAY",
    "WE",
    "YOU",
}
"""Short words of party labels that are words, not abbreviations ("US" may be either: checked)."""
_UNSAFE = re.compile(r"[?_\d=]|\.[A-Za-z]{2}")
"""A lost character ("BOB?S"), an underscore, a digit, or an initial run into a word ("D.Abbott")."""


def _capital(word: str) -> str:
    """One word in capitals, capitalised: initials and suffixes kept, each part of a
    hyphenated or apostrophised name capitalised, Mc names as McCain."""
    if word.upper() in _SUFFIX:
        return _SUFFIX[word.upper()]
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?", word):
        return word  # initials: H.W., J.
    quote = '"' if word.startswith('"') else ""
    core = word.strip('"')
    parts = re.split(r"([-'])", core)
    out = []
    for part in parts:
        if part in "-'" or not part:
            out.append(part)
        elif part.startswith("MC") and len(part) > 2:
            out.append("Mc" + part[2:].capitalize())
        else:
            out.append(part.capitalize())
    closing = '"' if word.endswith('"') and len(word) > 1 else ""
    return quote + "".join(out) + closing


def _capitals(text: str) -> str:
    return " ".join(_capital(w) for w in text.split())


def derive_person(raw: str) -> tuple[str, str] | None:
    """The display name of a person and how it was made, or None when no rule reads
    ``raw`` safely.

    Examples
    --------
    >>> derive_person("BUSH, GEORGE W.")
    ('George W. Bush', 'auto')
    >>> derive_person('BUCHANAN, PATRICK "PAT"')
    ('Patrick "Pat" Buchanan', 'auto')
    >>> derive_person("GOODE, VIRGIL HAMLIN, JR.")
    ('Virgil Hamlin Goode Jr.', 'auto')
    >>> derive_person("Andy Montroll")
    ('Andy Montroll', 'as published')
    >>> derive_person("L. NEIL, SMITH") is None, derive_person("Peltola_ Mary S.") is None
    (True, True)
    """
    text = raw.replace('""', '"').strip()
    if not text or _UNSAFE.search(text):
        return None  # a lost character, an underscore, a digit, an initial run into a word
    if text != text.upper():
        # mixed case: as the source writes it, unless it is written surname first
        return None if "," in text else (text, PUBLISHED)
    if "," not in text:
        words = text.split()
        if any(w in _SUFFIX for w in words[:-1]):
            return None  # a suffix inside the name: the order is unclear
        return _capitals(text), AUTO
    last, rest = (part.strip() for part in text.split(",", 1))
    last_words = last.split()
    if len(last) < 2 or '"' in last or "." in last or any(w in _SUFFIX for w in last_words) or not rest:
        return None  # what would be the surname holds a nickname, an initial or a suffix
    given, _, suffix = (part.strip() for part in rest.partition(","))
    if suffix and suffix not in _SUFFIX or not given or "," in suffix:
        return None
    name = f"{_capitals(given)} {_capitals(last)}"
    return (f"{name} {_SUFFIX[suffix]}" if suffix else name), AUTO


def derive_party(raw: str) -> tuple[str, str] | None:
    """The display name of a party label, or None when it holds an abbreviation or a
    lost character.

    Examples
    --------
    >>> derive_party("PEACE AND FREEDOM")
    ('Peace and Freedom', 'auto')
    >>> derive_party("U.S. TAXPAYERS") is None, derive_party("AWG") is None
    (True, True)
    """
    text = raw.strip()
    if text != text.upper():
        return text, PUBLISHED
    words = text.split()
    for word in words:
        letters = re.sub(r"[^A-Z]", "", word)
        short = 0 < len(letters) <= 3 and letters not in _SMALL | _SHORT_WORDS
        if re.search(r"[?\d.\"=&]", word) or short or (letters and not re.search(r"[AEIOUY]", letters)):
            return None  # an abbreviation (AWG, U.S., USA), a number, a lost character
    out = []
    for i, word in enumerate(words):
        out.append(word.lower() if i and word in _SMALL else _capital(word))
    return " ".join(out), AUTO


# -- where the names come from ---------------------------------------------------------------


def _loaded(folder: str) -> list[object]:
    """What every dataset of ``folder`` loads, before any renaming (the US results parsed
    from the published files directly, without writing the store's cache)."""
    from . import us

    direct = {"us-president": us.PRESIDENT_YEARS, "us-house": us.HOUSE_YEARS}
    out: list[object] = []
    if folder in direct:
        build = us.build_president if folder == "us-president" else us.build_house
        out += [build(year) for year in direct[folder]]
    others = [d for d in datasets() if d.folder == folder and d.kind != "contest"]
    out += [d.loader() for d in others if not d.id.startswith(("us-president-", "us-house-"))]
    return out


def _people(folder: str) -> dict[str, tuple[str, str] | None]:
    names: dict[str, tuple[str, str] | None] = {}
    for loaded in _loaded(folder):
        for c in getattr(loaded, "candidates", ()):
            names[c] = derive_person(c)
    return names


def _president() -> dict[str, tuple[str, str] | None]:
    names = _people("us-president")
    for loaded in _loaded("us-president"):
        if isinstance(loaded, Tallies):
            for party in loaded.parties.values():
                names[party] = derive_party(party)
    return names


def _house() -> dict[str, tuple[str, str] | None]:
    return {p: derive_party(p) for t in _loaded("us-house") for p in getattr(t, "candidates", ())}


def _uk() -> dict[str, tuple[str, str] | None]:
    spelled: dict[str, set[str]] = defaultdict(set)
    path = DATA_DIR / "uk-general-election" / "HoC-GE2024-results-by-candidate.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        for rec in csv.DictReader(handle):
            spelled[rec["Party abbreviation"].strip()].add(rec["Party name"].strip())
    names: dict[str, tuple[str, str] | None] = {}
    for loaded in _loaded("uk-general-election"):
        for code in getattr(loaded, "candidates", ()):
            full = spelled.get(code, set())
            # one full name in the data: that name; several ("Labour", "Labour and
            # Co-operative") or none (2019's BRX): a checked row decides
            names[code] = (next(iter(full)), FROM_DATA) if len(full) == 1 else None
    return names


def _published(folder: str) -> Callable[[], dict[str, tuple[str, str] | None]]:
    def names() -> dict[str, tuple[str, str] | None]:
        return {c: (c, PUBLISHED) for t in _loaded(folder) for c in getattr(t, "candidates", ())}

    return names


FOLDERS: dict[str, Callable[[], dict[str, tuple[str, str] | None]]] = {
    "us-president": _president,
    "us-house": _house,
    "uk-general-election": _uk,
    "austria-nationalrat": _published("austria-nationalrat"),
    "preflib": lambda: _people("preflib"),
    "maine-2018-cd2": lambda: _people("maine-2018-cd2"),
    "alaska-2022": lambda: _people("alaska-2022"),
    "portland-2024-council-d1": lambda: _people("portland-2024-council-d1"),
}
"""Each folder with a names table, and how its names are collected and read."""


def build(folder: str) -> tuple[list[dict[str, str]], list[str]]:
    """The rows of ``folder``'s names table, and the names that still need a checked row.

    Checked rows of the committed table are kept; rows for names the data no longer
    spells are dropped.
    """
    derived = FOLDERS[folder]()
    checked = {r["raw"]: r for r in rows(folder) if r["how"] == CHECKED}
    out, unresolved = [], []
    for raw in sorted(derived, key=lambda n: (n.casefold(), n)):
        if raw in checked:
            out.append(dict(checked[raw]))
        elif derived[raw] is None:
            unresolved.append(raw)
        else:
            display, how = derived[raw]  # type: ignore[misc]
            out.append({"raw": raw, "display": display, "how": how, "note": ""})
    return out, unresolved


def _text(table: Iterable[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Check (or with ``--write`` rewrite) every folder's names table; 1 when one differs
    or a name needs a checked row."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write", action="store_true", help="rewrite the tables")
    args = parser.parse_args(argv)
    status = 0
    for folder in FOLDERS:
        table, unresolved = build(folder)
        for raw in unresolved:
            print(f"{folder}: {raw!r} needs a checked row (no rule reads it safely)")
            status = 1
        path = DATA_DIR / folder / NAMES_FILE
        text = _text(table)
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if text != current:
            if args.write:
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(DATA_DIR)} ({len(table)} names)")
            else:
                print(f"{folder}/{NAMES_FILE} is not what the data and its checked rows give")
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
