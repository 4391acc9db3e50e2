"""The words every headline shares: numbers, shares, lists of names, rules, seat lines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..names import OTHER, surname

__all__ = ["rule_words"]

_RULES = {
    "irv": "IRV",
    "stv": "STV",
    "fptp": "first-past-the-post",
    "districts": "first-past-the-post",
    "kemeny_young": "Kemeny–Young",
    "dhondt": "D'Hondt",
    "sainte_lague": "Sainte-Laguë",
    "modified_sainte_lague": "modified Sainte-Laguë",
    "hare_lr": "Hare largest remainders",
    "droop_lr": "Droop largest remainders",
    "huntington_hill": "Huntington–Hill",
    "scottish_stv": "Scottish STV",
    "meek_stv": "Meek STV",
    "warren_stv": "Warren STV",
    "wigm_stv": "WIGM STV",
    "ers97_stv": "ERS97 STV",
    "irish_stv": "Irish STV",
    "sequential_irv": "sequential IRV",
    "star": "STAR",
    "sntv": "SNTV",
    "sav": "SAV",
    "pav": "PAV",
    "seq_pav": "sequential PAV",
    "seq_phragmen": "sequential Phragmén",
    "chamberlin_courant": "Chamberlin–Courant",
}
_DASH = "–"


def _n(x: float) -> str:
    """A count: thousands separated, whole where it is whole."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}"


def _ballots(x: float) -> str:
    """A number of ballots: "1 ballot", "607 ballots", "2.50 ballots"."""
    return f"{_n(x)} ballot" if x == 1 else f"{_n(x)} ballots"


def _pct(share: float, digits: int = 2) -> str:
    """A share as a percentage: 0.0055 → "0.55 %"."""
    return f"{100 * share:.{digits}f} %"


def _names(items: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _short(name: str) -> str:
    """A person's surname in a sentence that has named them in full ("Gore"); a party's name."""
    words = name.split()
    return surname(name) if len(words) > 1 and name[:1].isupper() and not name.isupper() else name


def _ranked(votes: Mapping[str, float]) -> list[tuple[str, float]]:
    return sorted(((c, float(v)) for c, v in votes.items() if c != OTHER), key=lambda cv: (-cv[1], cv[0]))


def _pair(votes: Mapping[str, float], first: str, second: str) -> str:
    return f"{_n(votes.get(first, 0))}{_DASH}{_n(votes.get(second, 0))}"


def rule_words(rule: str, options: Mapping[str, Any] | None = None) -> str:
    """A rule as a sentence names it: "IRV", "STV as RCTab counts it", "schulze".

    >>> rule_words("rctab", {"mode": "stv"}), rule_words("sainte_lague"), rule_words("ranked_pairs")
    ('STV as RCTab counts it', 'Sainte-Laguë', 'ranked pairs')
    """
    if rule == "rctab":
        mode = (options or {}).get("mode") or "single"
        kind = {"single": "IRV", "stv": "STV"}.get(mode, "multi-winner RCV")
        return f"{kind} as RCTab counts it"
    return _RULES.get(rule, rule.replace("_", " "))


def _electors(setting: Any) -> str:
    """Which electors: "pledged electors" or "electors as they voted"."""
    if setting in (None, "none", "pledged", (), []):
        return "pledged electors"
    return "electors as they voted" if setting == "historical" else "electors as given"


def _seat_line(seats: Mapping[str, int], total: int, majority: int | None, shown: int = 3) -> str:
    """Seats won, largest first: "Seats: Labour 411 of 650, a majority (326 needed); then ..."."""
    ranked = [(p, n) for p, n in sorted(seats.items(), key=lambda kv: (-kv[1], kv[0])) if n]
    if not ranked:
        return "Nobody won a seat."
    first, most = ranked[0]
    rest = ", ".join(f"{p} {n}" for p, n in ranked[1 : shown + 1])
    rest = f"; then {rest}" if rest else ""
    if majority is not None and most >= majority:
        return f"Seats: {first} {most} of {total}, a majority ({majority} needed){rest}."
    if majority is not None:
        return f"Seats: {first} {most} of {total}, short of a majority ({majority} needed){rest}."
    return f"Seats: {first} {most} of {total}{rest}."


def _apportioned(seats: Mapping[str, int], how: str) -> str:
    ranked = sorted(seats.items(), key=lambda kv: (-kv[1], kv[0]))
    most = ", ".join(f"{p} {n}" for p, n in ranked[:3])
    fewest = min(seats.values(), default=0)
    least = sum(1 for n in seats.values() if n == fewest)
    return f"{sum(seats.values())} seats apportioned by {how}: the most to {most}; {least} get {fewest}."
