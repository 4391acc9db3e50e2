"""Headlines: each result in one or two plain sentences, the same on every path.

Every command's result carries a ``headline`` (the JSON field of that name), written by
one function here from the result itself: who won and by how much, who was pivotal, what
would have changed it. The command line prints it above the detail; the web app, the API
and the reports show the same sentence.

The functions take the plain data the library returns (an :class:`~tally.outcome.Outcome`
or a report dict) and import nothing above the ground layer, so any layer may call them.

>>> electoral({"electoral_votes": {"A": 300, "B": 238}, "winner": "A", "majority": 270})
'A won the Electoral College 300–238 (270 needed).'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .names import OTHER, surname
from .outcome import Outcome

__all__ = [
    "analyze",
    "chamber",
    "compare",
    "count",
    "criteria",
    "decide",
    "delegates",
    "electoral",
    "forecast",
    "margins",
    "ranked_spoilers",
    "rule_words",
    "seats",
    "seats_compare",
    "simulate",
    "spoilers",
    "whatif",
]

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
_CRITERIA = {
    "condorcet_winner": "Condorcet winner",
    "condorcet_loser": "Condorcet loser",
    "majority": "majority",
    "upward_monotonicity": "upward monotonicity",
    "downward_monotonicity": "downward monotonicity",
    "no_show": "no-show",
    "spoiler": "spoiler",
}
_VOTE_RULES = {"plurality", "approval", "score", "sntv", "block", "limited", "cumulative"}
_DASH = "–"


# -- words and numbers ------------------------------------------------------------------------


def _n(x: float) -> str:
    """A count: thousands separated, whole where it is whole."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.2f}"


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


# -- who won ---------------------------------------------------------------------------------


def electoral(summary: Mapping[str, Any]) -> str:
    """The Electoral College result (``tally ec``; a summary of
    :func:`tally.procedures.electoral_college.summary`).

    Examples
    --------
    >>> electoral({"electoral_votes": {"Bush": 271, "Gore": 267}, "winner": "Bush", "majority": 270,
    ...            "electors": "pledged", "popular_vote": {"Gore": 51.0e6, "Bush": 50.5e6}})
    'Bush won the Electoral College 271–267 (270 needed; pledged electors), while Gore won the popular vote by 500,000 (0.5 points).'
    """
    ev = summary.get("electoral_votes") or {}
    ranked = _ranked(ev)
    needed = summary.get("majority")
    electors = f"; {_electors(summary.get('electors'))}" if "electors" in summary else ""
    contingent = summary.get("contingent")
    if contingent or not summary.get("winner"):
        tally = ", ".join(f"{c} {_n(v)}" for c, v in ranked[:3])
        text = f"Nobody won a majority of electors ({tally}; {needed} needed{electors})"
        if contingent and contingent.get("winner"):
            text += f"; the House chooses {contingent['winner']}, one vote per state delegation"
        elif contingent:
            text += f"; the House chooses among {_names(contingent.get('candidates', []))}"
        return text + "."
    winner = summary["winner"]
    runner = next((c for c, _ in ranked if c != winner), None)
    score = f" {_pair(ev, winner, runner)}" if runner else ""
    text = f"{winner} won the Electoral College{score} ({needed} needed{electors})"
    popular = _ranked(summary.get("popular_vote") or {})
    if len(popular) >= 2:
        (first, a), (_, b) = popular[0], popular[1]
        total = sum(v for _, v in _ranked(summary.get("popular_vote") or {}))
        points = f" ({100 * (a - b) / total:.1f} points)" if total else ""
        if first == winner:
            text += f" and the popular vote by {_n(a - b)}{points}"
        else:
            text += f", while {first} won the popular vote by {_n(a - b)}{points}"
    return text + "."


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


def count(outcome: Outcome) -> str:
    """The result of ``tally count``: who won under which rule and by how much.

    Examples
    --------
    >>> from tally import RankedBallots, count as count_rule
    >>> b = RankedBallots.from_rankings(["A", "B", "C"], [["A"], ["A"], ["B"], ["B", "A"], ["C", "A"]])
    >>> count(count_rule(b, "irv"))
    "A won under IRV in 2 rounds, with 3 votes to B's 2 in the last round (60.0 % of 5 continuing)."
    """
    d = outcome.details or {}
    rule = rule_words(outcome.rule, outcome.options)
    if "electoral_votes" in d and "majority" in d:
        winner = outcome.winners[0] if outcome.winners and not d.get("contingent") else None
        return electoral(
            {
                "electoral_votes": d["electoral_votes"],
                "majority": d["majority"],
                "winner": winner,
                "popular_vote": d.get("popular_vote") or {},
                "contingent": d.get("contingent"),
                "electors": "historical" if outcome.options.get("faithless") == "historical" else "pledged",
            }
        )
    if "seats" in d and isinstance(d["seats"], Mapping):
        total = int(d.get("seats_total") or sum(d["seats"].values()))
        if outcome.rule == "districts":
            return _seat_line(d["seats"], total, d.get("majority")) + " Seats won area by area."
        how = rule_words(outcome.rule) + (f" with a {d['threshold']} threshold" if d.get("threshold") else "")
        if d.get("apportioned"):
            return _apportioned(d["seats"], how)
        return _seat_line(d["seats"], total, total // 2 + 1) + f" Seats by {how}."
    if not outcome.winners:
        return f"Nobody won under {rule}."
    if outcome.tied:
        return f"{_names(outcome.winners)} tied under {rule}; see how the tie was met."
    if len(outcome.winners) > 1:
        rounds = f" in {len(outcome.rounds)} rounds" if len(outcome.rounds) > 1 else ""
        return f"{_names(outcome.winners)} won the {len(outcome.winners)} seats under {rule}{rounds}."
    winner = outcome.winners[0]
    last = outcome.rounds[-1] if outcome.rounds else None
    if last is None or not last.tally:
        return f"{winner} won under {rule}."
    ranked = _ranked(last.tally)
    runner = next(((c, v) for c, v in ranked if c != winner), None)
    if len(outcome.rounds) > 1 and runner is not None:
        continuing = sum(v for _, v in ranked)
        share = (
            f" ({_pct(last.tally[winner] / continuing, 1)} of {_n(continuing)} continuing)"
            if continuing
            else ""
        )
        return (
            f"{winner} won under {rule} in {len(outcome.rounds)} rounds, with {_n(last.tally[winner])} votes "
            f"to {runner[0]}'s {_n(runner[1])} in the last round{share}."
        )
    if outcome.rule in _VOTE_RULES and runner is not None:
        grand = sum(v for _, v in ranked)
        unit = last.note or "votes"
        return (
            f"{winner} won under {rule} with {_n(last.tally[winner])} {unit} "
            f"({_pct(last.tally[winner] / grand if grand else 0, 1)}), {_n(last.tally[winner] - runner[1])} "
            f"more than {runner[0]}."
        )
    return f"{winner} won under {rule}."


def compare(report: Mapping[str, Any]) -> str:
    """Who wins under the rules compared (``tally compare``), beside the Condorcet winner.

    Examples
    --------
    >>> compare({"condorcet_winner": "M", "results": {"irv": {"winners": ["K"]}, "borda": {"winners": ["M"]},
    ...          "schulze": {"winners": ["M"]}}})
    'M wins under 2 of the 3 rules compared (borda, schulze) and is the Condorcet winner; K under 1 (IRV).'
    """
    groups: dict[str, list[str]] = {}
    counted = 0
    for rule, result in report.get("results", {}).items():
        if "error" in result or not result.get("winners"):
            continue
        counted += 1
        winners = result["winners"]
        who = _names(winners) if len(winners) <= 3 else f"{winners[0]} and {len(winners) - 1} others"
        groups.setdefault(who, []).append(rule_words(rule))
    if not groups:
        return "No rule could count these ballots."
    order = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    cw = report.get("condorcet_winner")

    def part(who: str, rules: list[str], first: bool) -> str:
        listed = ", ".join(rules[:4]) + (", ..." if len(rules) > 4 else "")
        head = (
            f"{who} wins under {len(rules)} of the {counted} rules compared"
            if first
            else f"{who} under {len(rules)}"
        )
        note = (
            " and is the Condorcet winner"
            if who == cw and first
            else (" (the Condorcet winner)" if who == cw else "")
        )
        return f"{head} ({listed}){note}"

    text = part(*order[0], True)
    if len(order) > 1:
        text += "; " + "; ".join(part(who, rules, False) for who, rules in order[1:3])
        if len(order) > 3:
            text += f"; {len(order) - 3} other outcomes"
    elif "condorcet_winner" in report and not cw:
        text += "; there is no Condorcet winner"
    return text + "."


def analyze(report: Mapping[str, Any]) -> str:
    """Where the votes went (``tally analyze``): the winner beside the Condorcet winner,
    and the ballots no longer counting at the end.

    Examples
    --------
    >>> analyze({"rule": "irv", "winners": ["Kiss"], "condorcet_winner": "Montroll", "smith_set": ["Montroll"],
    ...          "ballots": 8980, "inactive": {"by_round": [{"round": 5, "overvote": 5, "exhausted": 602}]}})
    'Kiss won under IRV, but Montroll is the Condorcet winner, beating every other candidate head to head. 607 ballots (6.8 %) no longer counted in the last round.'
    """
    won = _names(report.get("winners", [])) or "Nobody"
    text = f"{won} won under {rule_words(report.get('rule', ''), report.get('options'))}"
    cw = report.get("condorcet_winner")
    if cw and report.get("winners") == [cw]:
        text += " and is the Condorcet winner, beating every other candidate head to head."
    elif cw and cw in report.get("winners", []):
        text += f"; {cw} is the Condorcet winner, beating every other candidate head to head."
    elif cw:
        text += f", but {cw} is the Condorcet winner, beating every other candidate head to head."
    else:
        text += f"; there is no Condorcet winner (Smith set: {_names(report.get('smith_set', []))})."
    rounds = (report.get("inactive") or {}).get("by_round") or []
    if rounds and report.get("ballots"):
        gone = sum(v for k, v in rounds[-1].items() if k != "round")
        text += (
            f" {gone:,.0f} ballots ({_pct(gone / report['ballots'], 1)}) no longer counted in the last round."
        )
    return text


def criteria(report: Mapping[str, Any]) -> str:
    """Which criteria the outcome fails (``tally criteria``).

    Examples
    --------
    >>> criteria({"rule": "irv", "winners": ["Peltola"], "criteria": [
    ...     {"name": "condorcet_winner", "violated": True, "search": "exact"},
    ...     {"name": "majority", "violated": False, "search": "exact"},
    ...     {"name": "no_show", "violated": True, "search": "exact"}]})
    'Peltola won under IRV; the outcome fails the Condorcet winner and no-show criteria, each shown by a witness that a recount confirms.'
    """
    won = _names(report.get("winners", [])) or "Nobody"
    text = f"{won} won under {rule_words(report.get('rule', ''), report.get('options'))}"
    checked = report.get("criteria", [])
    failed = [_CRITERIA.get(c["name"], c["name"].replace("_", " ")) for c in checked if c.get("violated")]
    if failed:
        return (
            f"{text}; the outcome fails the {_names(failed)} criteri{'on' if len(failed) == 1 else 'a'}, "
            "each shown by a witness that a recount confirms."
        )
    searched = [_CRITERIA.get(c["name"], c["name"]) for c in checked if c.get("search") != "exact"]
    if searched:
        return f"{text}; it fails none of the criteria checked (for {_names(searched)}, a search found no failure)."
    return f"{text}; it fails none of the criteria checked."


# -- what would have changed it ---------------------------------------------------------------


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


# -- seats ----------------------------------------------------------------------------------


def _apportioned(seats: Mapping[str, int], how: str) -> str:
    ranked = sorted(seats.items(), key=lambda kv: (-kv[1], kv[0]))
    most = ", ".join(f"{p} {n}" for p, n in ranked[:3])
    fewest = min(seats.values(), default=0)
    least = sum(1 for n in seats.values() if n == fewest)
    return f"{sum(seats.values())} seats apportioned by {how}: the most to {most}; {least} get {fewest}."


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


# -- decisions, delegates, simulations, forecasts ------------------------------------------------


def decide(report: Mapping[str, Any]) -> str:
    """Whether a motion passed (``tally decide``), which condition failed, and the margin.

    Examples
    --------
    >>> decide({"passed": True, "counts": {"yes": 60, "no": 40}, "checks": [], "margin": {"yes_to_no": 11}})
    'The motion passed, 60 yes to 40 no; 11 yes voters switching to no would have reversed it.'
    """
    c = report.get("counts", {})
    text = f"The motion {'passed' if report.get('passed') else 'failed'}, {c.get('yes', 0)} yes to {c.get('no', 0)} no"
    failed = [k for k in report.get("checks", []) if not k.get("met")]
    if failed:
        k = failed[0]
        have = f"{k['value']} {k['value_of']}" if k.get("value_of") else str(k.get("actual"))
        need = f"; {k['needed']} needed" if k.get("needed") is not None else ""
        text += f": the {k.get('check', 'condition')} condition was not met ({have}{need})"
    words = {
        "no_to_yes": "no voters switching to yes",
        "new_yes": "members who did not vote coming to vote yes",
        "yes_to_no": "yes voters switching to no",
        "yes_stay_away": "yes voters staying away",
        "no_stay_away": "no voters staying away",
        "blocks_lifted": "blocks lifted",
        "new_blocks": "new blocks",
    }
    ways = [(n, words.get(k, k)) for k, n in (report.get("margin") or {}).items() if n is not None]
    if ways:
        n, how = min(ways)
        text += f"; {n} {how} would have reversed it"
    return text + "."


def delegates(report: Mapping[str, Any]) -> str:
    """Pledged delegates (``tally delegates``): who leads and whether anyone has a majority."""
    conv = report.get("convention", {})
    pledged = conv.get("pledged", {})
    if not pledged:
        return "No delegates were allocated."
    ranked = sorted(pledged.items(), key=lambda kv: (-kv[1], kv[0]))
    total = report.get("total_pledged") or sum(pledged.values())
    lead, n = ranked[0]
    rest = ", ".join(f"{c} {k}" for c, k in ranked[1:3])
    first = conv.get("first_ballot", {})
    text = f"{lead} wins {n} of {total} pledged delegates" + (f" ({rest})" if rest else "")
    if first.get("winner"):
        text += f" and a majority on the first ballot ({first['majority']} needed)"
    else:
        text += f"; nobody has the {first.get('majority')} needed on the first ballot"
    return text + "."


def simulate(result: Mapping[str, Any]) -> str:
    """What a simulation found (``tally simulate``): how often there was no Condorcet
    winner, and which rule picked it most and least often."""
    spec = result.get("spec", {})
    metrics = result.get("metrics", {})
    text = (
        f"In {_n(result.get('elections', 0))} simulated elections ({spec.get('electorate')}, "
        f"{spec.get('candidates')} candidates, {_n(spec.get('voters', 0))} voters)"
    )
    paradox = metrics.get("condorcet_paradox")
    if paradox is not None:
        text += f", {_pct(paradox, 1)} had no Condorcet winner"
    efficiency = {r: v for r, v in (metrics.get("condorcet_efficiency") or {}).items() if v is not None}
    if len(efficiency) > 1:
        best = max(efficiency, key=lambda r: (efficiency[r], r))
        worst = min(efficiency, key=lambda r: (efficiency[r], r))
        text += (
            f"; {best} elected the Condorcet winner most often ({_pct(efficiency[best], 1)}), "
            f"{worst} least ({_pct(efficiency[worst], 1)})"
        )
    return text + "."


def forecast(result: Mapping[str, Any], area_names: Mapping[str, str] | None = None) -> str:
    """An Electoral College forecast (``tally forecast``): each side's chance, the median
    electoral votes and the likeliest tipping point."""
    a, b = result["candidates"]
    win, median = result["win_probability"], result["median_ev"]
    text = (
        f"{a} wins {_pct(win[a], 1)} of {_n(result['sims'])} simulations, {b} {_pct(win[b], 1)}"
        f" (269{_DASH}269 tie {_pct(result.get('tie_probability', 0), 1)}); median electoral votes "
        f"{_n(median[a])}{_DASH}{_n(median[b])}"
    )
    tipping = result.get("tipping_point") or {}
    if tipping:
        state, p = next(iter(tipping.items()))
        text += f"; the likeliest tipping point is {(area_names or {}).get(state, state)} ({_pct(p, 0)})"
    return text + "."
