"""What would have changed it: the sentences of ``tally spoilers``, ``margins`` and ``whatif``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._words import _DASH, _electors, _n, _names, _pair, _pct, _ranked, _seat_line, _short, rule_words
from .winners import electoral

__all__ = ["margins", "ranked_spoilers", "spoilers", "whatif"]


def _overall(office: str | None, key: str) -> str:
    if key == "electoral_votes":
        return "the presidency" if office == "US President" else "the Electoral College"
    return "a majority of seats" if key == "seats" else "the election"


def _flip(flip: Mapping[str, Any], where: str) -> str:
    return (
        f"a net {_pct(flip['share'])} of {flip['candidate']}'s {_n(flip['votes'])} {where} voters "
        f"preferring {flip['runner_up']} ({_n(flip['needed'])} votes)"
    )


def _won(actual: Mapping[str, Any], key: str) -> str:
    """The actual result in a short sentence (without the popular vote)."""
    if key == "electoral_votes":
        winner = actual.get("winner")
        if not winner:
            return electoral(actual)
        ev = actual["electoral_votes"]
        runner = next((c for c, _ in _ranked(ev) if c != winner), None)
        score = f" {_pair(ev, winner, runner)}" if runner else ""
        return f"{winner} won the Electoral College{score} with {_electors(actual.get('electors'))}."
    return _actual_line(actual, key)


def spoilers(report: Mapping[str, Any], office: str | None = None) -> str:
    """What a minor candidate's voters could have changed (``tally spoilers`` on area
    tallies): the actual result, then the smallest net transfer that changes who won
    overall, or the closest flip of one area when none does.

    ``report`` is :func:`tally.analysis.spoilers.spoilers`'s, with its ``pivotal`` and
    ``closest`` flips; ``office`` the office contested ("US President" says "the presidency").
    """
    actual = report.get("actual") or {}
    key = next((k for k in ("electoral_votes", "seats", "votes") if k in actual), "votes")
    first = _won(actual, key)
    overall = _overall(office, key)
    pivotal, closest = report.get("pivotal"), report.get("closest")
    if pivotal:
        after = pivotal["result"]
        where = pivotal.get("name") or pivotal["area"]
        flip = _flip(pivotal, where)
        gives = f"would have given {_short(pivotal['runner_up'])} {where}"
        if after["winner"] is None:
            score = (
                f", {_pair(after[key], pivotal['runner_up'], pivotal['winner'])}" if key != "votes" else ""
            )
            then = (
                f"{gives} and left nobody with {'a majority' if key != 'votes' else 'the most votes'}{score}"
            )
        else:
            score = f", {_pair(after[key], after['winner'], pivotal['winner'])}" if key != "votes" else ""
            then = f"{gives} and {overall}{score}"
        return f"{first} {flip[0].upper()}{flip[1:]} {then}."
    if closest:
        where = closest.get("name") or closest["area"]
        unit = {"electoral_votes": "electoral votes", "seats": "seat"}.get(key, "")
        size = f" ({closest['weight']} {unit})" if closest.get("weight") and unit else ""
        area = {"electoral_votes": "state", "seats": "seat"}.get(key, "area")
        return (
            f"{first} No minor candidate's voters in one {area} could have changed who won {overall}: the closest, "
            f"{_flip(closest, where)}, would have given {_short(closest['runner_up'])} {where}{size} only."
        )
    return f"{first} No minor candidate's voters could have flipped any area."


def _actual_line(result: Mapping[str, Any], key: str) -> str:
    if key == "seats":
        total = sum(result["seats"].values())
        return _seat_line(result["seats"], total, result.get("majority"))
    ranked = _ranked(result.get("votes") or {})
    if len(ranked) >= 2:
        (a, x), (b, y) = ranked[0], ranked[1]
        return f"{a} won with {_n(x)} votes, {_n(x - y)} more than {b}."
    return f"{result.get('winner') or 'Nobody'} won."


def ranked_spoilers(report: Mapping[str, Any]) -> str:
    """Spoilers of ranked ballots: whose removal from the ballot would have changed the winner.

    Examples
    --------
    >>> ranked_spoilers({"rule": "irv", "winners": ["Peltola"], "rows": [
    ...     {"candidate": "Palin", "winner_without": ["Begich"], "spoiler": True},
    ...     {"candidate": "Begich", "winner_without": ["Peltola"], "spoiler": False}]})
    'Peltola won under IRV. Without Palin on the ballot, Begich would have won: Palin was a spoiler.'
    """
    rule = rule_words(report.get("rule", ""))
    won = _names(report.get("winners", [])) or "Nobody"
    text = f"{won} won under {rule}."
    spoilt = [r for r in report.get("rows", []) if r.get("spoiler")]
    if not spoilt:
        return text + " Removing any one losing candidate leaves the winner unchanged: no spoiler."
    parts = [
        f"Without {r['candidate']} on the ballot, {_names(r['winner_without'])} would have won"
        for r in spoilt[:2]
    ]
    who = _names([r["candidate"] for r in spoilt])
    verb = "was a spoiler" if len(spoilt) == 1 else "were spoilers"
    return f"{text} {'; '.join(parts)}: {who} {verb}."


def margins(report: Mapping[str, Any], area_names: Mapping[str, str] | None = None) -> str:
    """How close it was (``tally margins``): the tipping point and the fewest switched votes
    that change the winner.

    ``area_names`` maps an area code to the name said in a sentence (FL → Florida).
    """
    names = area_names or {}
    winner, challenger = report.get("winner"), report.get("challenger")
    if "margin" in report:  # one contest counted over its areas
        to_win = report.get("to_win") or {}
        return (
            f"{winner} led {challenger} by {_n(report['margin'])} votes; "
            f"{_n(to_win.get('votes', 0))} votes switched from {_short(winner or '')} to "
            f"{_short(challenger or '')} would have reversed it."
        )
    key = "electoral_votes" if "electoral_votes" in report else "seats"
    totals = report.get(key) or {}
    if key == "electoral_votes":
        first = electoral(
            {
                "electoral_votes": totals,
                "winner": winner,
                "majority": report.get("majority"),
                "electors": report.get("electors"),
            }
        )
    else:
        first = _seat_line(totals, sum(totals.values()), report.get("majority"))
    text = first
    tp = report.get("tipping_point")
    if tp:
        area = next((a for a in report.get("areas", []) if a["area"] == tp["area"]), None)
        where = names.get(tp["area"], tp["area"])
        margin = f", won by {_n(area['margin'])} votes ({_pct(area['margin_share'])})" if area else ""
        text += f" The tipping point was {where}{margin}."
    to_win = report.get("to_win")
    if to_win and winner and challenger:
        places = [names.get(a, a) for a in to_win["areas"]]
        shown = _names(places) if len(places) <= 3 else f"{len(places)} areas"
        got = to_win.get("challenger_electoral_votes", to_win.get("challenger_seats"))
        left = to_win.get("winner_electoral_votes", to_win.get("winner_seats"))
        text += (
            f" {_n(to_win['votes'])} votes switched from {_short(winner)} to {_short(challenger)} in {shown} "
            f"would have made {challenger} the winner, {got}{_DASH}{left}."
        )
    return text


def whatif(result: Mapping[str, Any], area_names: Mapping[str, str] | None = None) -> str:
    """A scenario's result beside the actual one (``tally whatif``).

    Examples
    --------
    >>> whatif({"electoral_votes": {"Gore": 296, "Bush": 242}, "winner": "Gore",
    ...         "actual": {"electoral_votes": {"Gore": 267, "Bush": 271}, "winner": "Bush"},
    ...         "scenario": [{"text": "Nader -> Gore 50%"}],
    ...         "flipped": [{"area": "FL"}, {"area": "NH"}]})
    'With Nader -> Gore 50%: Gore would win 296–242 instead of Bush 271–267; FL and NH flip.'
    """
    key = next((k for k in ("electoral_votes", "seats", "votes") if k in result), "votes")
    actual = result.get("actual") or {}
    texts = "; ".join(s.get("text", "") for s in result.get("scenario", [])) or "the scenario"
    before, after = actual.get("winner"), result.get("winner")
    now, then = result.get(key) or {}, actual.get(key) or {}

    def score(totals: Mapping[str, float], who: str | None) -> str:
        if not who or key == "votes":
            return ""
        other = next((c for c, _ in _ranked(totals) if c != who), None)
        return f" {_pair(totals, who, other)}" if other else ""

    flips = [(area_names or {}).get(f["area"], f["area"]) for f in result.get("flipped", [])]
    if len(flips) > 3:
        flipped = f"; {len(flips)} areas flip"
    elif flips:
        flipped = f"; {_names(flips)} flip{'s' if len(flips) == 1 else ''}"
    else:
        flipped = "; no area flips"
    if not after:
        return f"With {texts}: nobody would win a majority{flipped}."
    if after == before:
        return f"With {texts}: {after} would still win{score(now, after)} (actually{score(then, before)}){flipped}."
    return f"With {texts}: {after} would win{score(now, after)} instead of {before}{score(then, before)}{flipped}."
