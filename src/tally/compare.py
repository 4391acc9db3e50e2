"""Counting a contest the way users ask: its official rules, a rule they name, every rule at once.

These helpers sit between the registry and the interfaces (CLI, web app, API, reports), so
all of them pick rules and options and say which rules they counted under the same way.
A SOURCE becomes a contest through :func:`tally.data.resolve_contest`; :func:`counting`
applies what the user asked for; :func:`rules_line` and :func:`rules_record` say, in one
line and in a JSON field, which rules were used and whether they are the contest's own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import headlines
from .contest import Contest
from .data.sources import DEFAULT_RULE, declared_seats, default_rule
from .errors import ConfigError, TallyError
from .outcome import Outcome, to_jsonable
from .procedures import electoral_college
from .rules import count as count_rule
from .rules import get_rule, rules

__all__ = [
    "DEFAULT_RULE",
    "applicable_rules",
    "compare_outcomes",
    "compared_rules",
    "counting",
    "describe_rules",
    "excluded_of",
    "field_of",
    "official_notes",
    "outcome_record",
    "parse_options",
    "rules_line",
    "rules_record",
]


def parse_options(pairs: list[str]) -> dict[str, Any]:
    """``key=value`` pairs; values are read as JSON when they parse (numbers, true, null)."""
    options: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ConfigError(f"option {pair!r} must look like key=value")
        key, value = pair.split("=", 1)
        key = key.strip().replace("-", "_")
        try:
            options[key] = json.loads(value)
        except (ValueError, RecursionError):  # not JSON, 4,300+ digits, deep nesting: kept as text
            options[key] = value
    return options


def counting(contest: Contest, rule: str | None = None, **given: Any) -> Contest:
    """``contest`` to be counted under ``rule`` (default: the contest's own) with the
    user's options ``given`` on top.

    The official options apply when the rule is the official one; another multi-winner
    rule fills as many seats as the contest does. ``seats=None`` in ``given`` means not
    given. The official rules stay on the contest, so :func:`rules_line` can tell.

    Raises
    ------
    ConfigError
        An unknown rule.
    """
    name = get_rule(rule or contest.rule).name
    info = get_rule(name)
    if given.get("seats") is None:
        given.pop("seats", None)
    official = contest.official
    options: dict[str, Any] = {}
    if official is not None and official.rule == name:
        options.update(official.options)
    elif name == contest.rule:
        options.update(contest.options)
    elif official is not None and official.seats and info.multiwinner and "seats" in info.options:
        options["seats"] = official.seats
    elif official is None and (seats := declared_seats(contest.ballots)) and "seats" in info.options:
        options["seats"] = seats  # the seats the ballot file declares
    options.update(given)
    return contest.with_rule(name, options)


def official_notes(contest: Contest) -> list[str]:
    """ "official counting options applied: ..." when the contest is counted under its
    official rule with official options (as ``tally compare`` marks such rows)."""
    official = contest.official
    if official is None or official.rule != contest.rule:
        return []
    applied = {k: v for k, v in official.options.items() if k in contest.options and k != "seats"}
    if not applied:
        return []
    return [
        "official counting options applied: " + ", ".join(f"{k}={json.dumps(v)}" for k, v in applied.items())
    ]


# -- saying which rules ------------------------------------------------------------------------

_OVERVOTE = {
    "exhaust": "overvote exhausts",
    "skip": "overvote skipped to the next rank",
    "exhaust_if_multiple": "overvote exhausts when it marks several continuing candidates",
}
_TIEBREAK = {
    "order": "ties broken by candidate order",
    "previous_round": "ties broken by earlier rounds",
    "random": "ties broken at random",
    "permutation": "ties broken by a random candidate order",
    "all": "ties left standing",
    "ask": "ties stop the count",
    "previous_round_then_ask": "ties broken by earlier rounds, else the count stops",
}
_RCTAB_MODES = {
    "single": "IRV",
    "one_per_round": "multi-winner RCV, one winner a round",
    "stv": "STV",
    "bottoms_up": "bottoms-up multi-winner RCV",
    "bottoms_up_percentage": "bottoms-up RCV with a percentage threshold",
    "multi_pass": "multi-pass IRV",
}


def _option_words(key: str, value: Any, options: dict[str, Any]) -> str | None:
    """One option in plain words (None when it goes without saying)."""
    if key == "overvote":
        return _OVERVOTE.get(value, f"overvote {value}")
    if key == "max_skipped":
        if value is None:
            return "skipped ranks never exhaust"
        return f"{value + 1} skipped rank{'s' if value else ''} exhaust{'' if value else 's'}"
    if key == "repeated":
        return (
            "a repeated candidate exhausts" if value == "exhaust" else "a repeated candidate is passed over"
        )
    if key == "tiebreak":
        words = _TIEBREAK.get(value, f"tie-break {value}")
        seed = options.get("seed")
        return words + (f" (seed {seed})" if seed is not None and value in ("random", "permutation") else "")
    if key == "seats":
        return f"{value} seats" if value != 1 else None
    if key == "excluded":
        return "excluded: " + ", ".join(value) if value else None
    if key in ("seed", "mode"):
        return None  # said with the tie-break and the rule's name
    if value is True:
        return key.replace("_", " ")
    return f"{key.replace('_', ' ')} {value}"


def describe_rules(rule: str, options: dict[str, Any]) -> str:
    """A rule and its options in plain words: "IRV, overvote exhausts, 2 skipped ranks exhaust,
    batch elimination".

    Examples
    --------
    >>> describe_rules("irv", {"overvote": "exhaust", "max_skipped": 1, "batch_elimination": True})
    'IRV, overvote exhausts, 2 skipped ranks exhaust, batch elimination'
    """
    if electoral_college.is_electoral_rule(rule):
        return electoral_college.describe(options)
    if rule == "rctab":
        head = f"{_RCTAB_MODES.get(options.get('mode') or 'single', options.get('mode'))} as RCTab counts it"
    else:
        head = rule.upper() if rule in ("irv", "stv") else rule
    words = [w for k, v in options.items() if (w := _option_words(k, v, options))]
    return ", ".join([head, *words])


def rules_line(contest: Contest) -> str:
    """Which rules a count used, in one line, saying when the user overrode the contest's.

    >>> from tally.contest import CountingRules
    >>> c = Contest(None, "irv", {}, official=CountingRules("irv", {}, "a sidecar"))
    >>> rules_line(c)
    "counted under the contest's rules: IRV (from a sidecar)"
    >>> rules_line(c.with_rule("schulze"))
    "counted under schulze at your request; the contest's rules are: IRV (from a sidecar)"
    """
    used = describe_rules(contest.rule, dict(contest.options))
    official = contest.official
    if official is None:
        kind = getattr(contest.ballots, "kind", "these")
        why = "the usual rule" if contest.rule == default_rule(contest.ballots) else "the rule you chose"
        seats = declared_seats(contest.ballots)
        if seats is None:
            return f"counted under {used} ({why} for {kind} ballots: the source states no official rules)"
        filled = int(contest.options.get("seats") or 1)
        note = "" if filled == seats else f"; this count fills {filled} of them"
        return (
            f"counted under {used} ({why} for {kind} ballots with seats to fill: the file declares "
            f"{seats} seats but no counting rule{note})"
        )
    theirs = f"{describe_rules(official.rule, dict(official.options))} (from {official.origin})"
    if not contest.overridden:
        return f"counted under the contest's rules: {theirs}"
    if official.rule == contest.rule:
        return f"counted under {used} with your options; the contest's rules are: {theirs}"
    return f"counted under {used} at your request; the contest's rules are: {theirs}"


def outcome_record(contest: Contest, outcome: Outcome) -> dict[str, Any]:
    """The JSON of ``tally count --json`` and of the API's count: the outcome, the rules it
    was counted under in ``counted_under`` (:func:`rules_record`) and its ``headline``
    (:func:`tally.headlines.count`)."""
    record = {
        **outcome.to_dict(),
        "counted_under": rules_record(contest),
        "headline": headlines.count(outcome),
    }
    return to_jsonable(record)


def rules_record(contest: Contest) -> dict[str, Any]:
    """The ``counted_under`` JSON field: the rule and options used, the contest's official
    rules (or None), whether the user overrode them, and :func:`rules_line`."""
    return {
        "rule": contest.rule,
        "options": dict(contest.options),
        "official": None if contest.official is None else contest.official.to_dict(),
        "overridden": contest.overridden,
        "line": rules_line(contest),
    }


# -- every rule at once ------------------------------------------------------------------------


def applicable_rules(kind: str, seats: int | None) -> list[str]:
    """Rules that can count this kind of ballot: single-winner ones, plus multi-winner ones
    when seats are asked for."""
    chosen = []
    for info in rules():
        if not info.accepts(kind):
            continue
        # Without seats, compare single-winner rules only (multi-winner rules for one
        # seat repeat a single-winner rule: STV is IRV, top-1 approval is approval).
        if info.multiwinner and not seats:
            continue
        if not info.multiwinner and seats and seats > 1:
            continue
        chosen.append(info.name)
    return chosen


def compared_rules(contest: Contest, seats: int | None = None) -> list[str]:
    """The rules ``tally compare`` counts a contest under by default: every applicable
    rule (:func:`applicable_rules`), and the contest's own rule among them even where it
    would not be (RCTab's rule, which also fills several seats; a multi-seat rule
    compared without seats; the usual rule for a BLT file's declared seats), so the
    comparison always shows the contest's count beside the others."""
    kind = contest.ballots.kind
    names = applicable_rules(kind, seats)
    official = contest.official
    # the contest's own rule: the official one, or the usual one for what the source declares
    own, own_seats = (
        (official.rule, official.seats)
        if official is not None
        else (contest.rule, contest.options.get("seats"))
    )
    if own not in names and get_rule(own).accepts(kind) and seats in (None, own_seats):
        names.append(own)
    return names


def excluded_of(contest: Contest) -> list[str]:
    """The candidates the contest's official rules exclude (RCTab's ``excluded``)."""
    official = contest.official
    return list((official.options.get("excluded") or []) if official is not None else [])


def field_of(contest: Contest) -> Any:
    """The ballots as a rule other than the official one counts them: without the
    candidates the official rules exclude, who never stood (the official count leaves
    them out itself, reading their marks as RCTab does)."""
    excluded = excluded_of(contest)
    ballots = contest.ballots
    return ballots.without(excluded) if excluded and hasattr(ballots, "without") else ballots


def compare_outcomes(
    contest: Contest,
    rule_names: list[str],
    seats: int | None = None,
    *,
    source: str | None = None,
) -> dict[str, Any]:
    """Winners under each rule (or why the rule could not run), as a JSON-ready dict.

    A rule that is the contest's official one is counted with the official options (its
    row's ``notes`` say so). ``source`` is the SOURCE as the user gave it (a path or
    dataset id); the report names it rather than where the file lies on this machine, so
    it is the same everywhere. ``contest_rules`` holds the contest's official rules.
    Candidates those rules exclude (RCTab's ``excluded``) are struck from the ballots
    every other rule counts, and from the Condorcet winner's table; ``excluded`` names them.
    """
    ballots = contest.ballots
    official = contest.official
    excluded = excluded_of(contest)
    field = field_of(contest)
    results: dict[str, Any] = {}
    for name in rule_names:
        info = get_rule(name)
        if official is not None:
            options = dict(official.options) if official.rule == info.name else {}
        else:  # the usual rule keeps what the source declares (a BLT file's seats)
            options = dict(contest.options) if contest.rule == info.name else {}
        if seats and "seats" in info.options:
            options["seats"] = seats
        one = contest.with_rule(info.name, options)
        counted = ballots if "excluded" in options else field
        try:
            outcome = count_rule(counted, info.name, **options)
        except TallyError as exc:
            results[info.name] = {"error": str(exc)}
            continue
        results[info.name] = {
            "family": info.family,
            "winners": list(outcome.winners),
            "tied": outcome.tied,
            "notes": official_notes(one),
        }
    label = source if source is not None else (Path(ballots.source).name if ballots.source else None)
    report: dict[str, Any] = {"source": label, "title": ballots.title, "ballots": ballots.total}
    if excluded:
        report["excluded"] = excluded
    if ballots.kind == "ranked":
        from .rules.condorcet import condorcet_loser, condorcet_winner, smith_set

        report["condorcet_winner"] = condorcet_winner(field)
        report["condorcet_loser"] = condorcet_loser(field)
        report["smith_set"] = list(smith_set(field))
    report["results"] = results
    report["contest_rules"] = None if contest.official is None else contest.official.to_dict()
    report["headline"] = headlines.compare(report)
    return report
