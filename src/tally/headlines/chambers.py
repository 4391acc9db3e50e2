"""Seats: the sentences of ``tally seats``, ``seats-compare`` and ``chamber``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._words import _apportioned, _names, _pct, _seat_line, rule_words

__all__ = ["chamber", "seats", "seats_compare"]


def seats(report: Mapping[str, Any]) -> str:
    """Seats from votes (``tally seats``): the largest party, the majority, disproportionality.

    Examples
    --------
    >>> seats({"rule": "dhondt", "seats": {"A": 60, "B": 40}, "votes": {"A": 55.0, "B": 45.0},
    ...        "threshold": None, "measures": {"gallagher": 5.0}})
    "Seats: A 60 of 100, a majority (51 needed); then B 40. A has 60.0 % of the seats for 55.0 % of the votes under D'Hondt; Gallagher index 5.00."
    """
    won = {p: int(n) for p, n in report.get("seats", {}).items()}
    total = sum(won.values())
    how = rule_words(report.get("rule", "")) + (
        f" with a {report['threshold']} threshold" if report.get("threshold") else ""
    )
    if report.get("apportioned"):
        return _apportioned(won, how)
    text = _seat_line(won, total, total // 2 + 1 if total else None)
    votes = report.get("votes") or {}
    grand = sum(votes.values())
    top = max(won, key=lambda p: (won[p], votes.get(p, 0)), default=None)
    if top and grand and total:
        text += (
            f" {top} has {_pct(won[top] / total, 1)} of the seats for {_pct(votes.get(top, 0) / grand, 1)} "
            f"of the votes under {how}"
        )
    gallagher = (report.get("measures") or {}).get("gallagher")
    return text + (f"; Gallagher index {gallagher:.2f}." if gallagher is not None else ".")


def _system(name: str) -> str:
    """A system of ``tally seats-compare`` in words: "fptp" → "first-past-the-post",
    "dhondt by region" → "D'Hondt by region"."""
    rule, _, rest = name.partition(" ")
    return " ".join(w for w in (rule_words(rule), rest) if w)


def seats_compare(report: Mapping[str, Any]) -> str:
    """First-past-the-post beside list PR (``tally seats-compare``), and a new party's seats."""
    systems = report.get("systems", {})
    share = report.get("vote_share", {})
    fptp = systems.get("fptp", {}).get("seats", {})
    if not fptp:
        return "No seats to compare."
    top = max(fptp, key=lambda p: (fptp[p], share.get(p, 0)))
    total = report.get("seats_total") or sum(fptp.values())
    others = [
        f"{s['seats'].get(top, 0)} under {_system(name)}" for name, s in systems.items() if name != "fptp"
    ]
    text = (
        f"{top} won {fptp[top]} of {total} seats ({_pct(fptp[top] / total, 1)}) with {_pct(share.get(top, 0), 1)} "
        f"of the votes under first-past-the-post; it would win {_names(others)}."
    )
    new = report.get("new_party")
    if new:
        won = [f"{n} under {_system(name)}" for name, n in new["seats"].items()]
        text += f" A new party with {_pct(new['share'], 0)} of the votes everywhere would win {_names(won)}."
    return text


def chamber(report: Mapping[str, Any]) -> str:
    """Control of a chamber (``tally chamber``): the majority, who holds it, the swing that moves it."""
    parties = report.get("parties", {})
    if not parties:
        return "No party holds a seat."
    first, second = report.get("swing_between", list(parties)[:2])
    held = parties[first]["seats"]
    majority = report["majority"]
    if held >= majority:
        lead = f"{held - majority} more than the {majority} a majority needs"
    else:
        lead = f"{majority - held} short of the {majority} a majority needs"
    text = f"{first} holds {held} of {report['seats']} seats, {lead}"
    at = (report.get("control_at") or {}).get(second)
    if at is not None:
        text += f"; {second} would take a majority on a uniform swing of {abs(at) * 100:.0f} points"
    return text + "."
