"""Who won: the sentences of ``tally count``, ``compare``, ``analyze``, ``criteria`` and ``ec``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..outcome import Outcome
from ._words import (
    _apportioned,
    _ballots,
    _electors,
    _n,
    _names,
    _pair,
    _pct,
    _ranked,
    _seat_line,
    rule_words,
)

__all__ = ["analyze", "compare", "count", "criteria", "electoral"]

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
    return _result(outcome, rule) + _ties_broken(outcome)


def _ties_broken(outcome: Outcome) -> str:
    """A sentence on the ties a tie-break settled, when one decided who won (a tie for a
    win or a seat), else on how many ties for elimination it settled: a result drawn by
    lot or by candidate order is never reported as if the votes had decided it."""
    settled = [t for t in outcome.ties if t.mode != "all" and len(t.chosen) < len(t.tied)]
    deciding = [t for t in settled if t.purpose in ("winner", "elect")]
    if deciding:
        t = deciding[0]
        when = f" in round {t.round}" if t.round and len(outcome.rounds) > 1 else ""
        how = f": {t.detail}" if t.detail else ""
        more = f" {len(deciding) - 1} more such ties were broken too." if len(deciding) > 1 else ""
        return f" {_names(t.tied)} tied{when}; the tie-break chose {_names(t.chosen)}{how}.{more}"
    if settled:
        many = len(settled) > 1
        return (
            f" {len(settled)} ties for elimination were settled by the tie-break."
            if many
            else f" A tie for elimination in round {settled[0].round} was settled by the tie-break."
        )
    return ""


def _result(outcome: Outcome, rule: str) -> str:
    """Who won and by how much, for :func:`count`."""
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
    >>> compare({"results": {"sntv": {"winners": ["A", "B"]}, "stv": {"winners": ["B", "A"]}}})
    'A and B win under 2 of the 2 rules compared (SNTV, STV).'
    """
    groups: dict[str, list[str]] = {}
    several: set[str] = set()  # outcomes of more than one winner ("A and B win")
    shown: dict[frozenset[str], str] = {}  # the same winners elected in another order: one outcome
    counted = 0
    for rule, result in report.get("results", {}).items():
        if "error" in result or not result.get("winners"):
            continue
        counted += 1
        winners = result["winners"]
        who = shown.setdefault(
            frozenset(winners),
            _names(winners) if len(winners) <= 3 else f"{winners[0]} and {len(winners) - 1} others",
        )
        if len(winners) > 1:
            several.add(who)
        official = report.get("contest_rules") or {}
        # the official rule's row is counted with its options (RCTab's mode names it: IRV or STV)
        options = official.get("options") if official.get("rule") == rule else None
        groups.setdefault(who, []).append(rule_words(rule, options))
    if not groups:
        return "No rule could count these ballots."
    order = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    cw = report.get("condorcet_winner")

    def part(who: str, rules: list[str], first: bool) -> str:
        listed = ", ".join(rules[:4]) + (", ..." if len(rules) > 4 else "")
        head = (
            f"{who} {'win' if who in several else 'wins'} under {len(rules)} of the {counted} rules compared"
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
        text += f" {_ballots(round(gone))} ({_pct(gone / report['ballots'], 1)}) no longer counted in the last round."
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
