"""Counting a source the way users ask: official options, default rules, every rule at once.

These helpers sit between the registry and the interfaces (CLI, web app, reports), so all
of them resolve a SOURCE, pick options and compare rules the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import data as catalogue
from .errors import ConfigError, RuleError, TallyError
from .rules import count as count_rule
from .rules import get_rule, rules

__all__ = [
    "DEFAULT_RULE",
    "applicable_rules",
    "compare_outcomes",
    "count_source",
    "load_source",
    "parse_options",
    "rule_options",
]

DEFAULT_RULE = {"ranked": "irv", "approval": "approval", "score": "score", "tallies": "plurality"}


def load_source(source: str, fmt: str | None) -> tuple[Any, dict[str, Any]]:
    """Ballots or tallies for a SOURCE, and the dataset's official facts (empty for files).

    Raises :class:`RuleError` for datasets that hold published results only (round totals
    of an official count), which cannot be counted again.
    """
    ballots = catalogue.resolve(source, format=fmt)
    if not hasattr(ballots, "kind"):
        raise RuleError(
            f"{source!r} holds published results (the official count's rounds), not ballots or tallies; "
            f"see `tally data show {source}`"
        )
    facts: dict[str, Any] = {}
    if not _is_file(source) and catalogue.exists(source):
        facts = dict(catalogue.get(source).facts)
    return ballots, facts


def _is_file(source: str) -> bool:
    return Path(source).exists()


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
        except json.JSONDecodeError:
            options[key] = value
    return options


def rule_options(rule: str, facts: dict[str, Any], given: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The options to count with: the dataset's official options where the rule takes them,
    overridden by what the user gave. Returns the options and notes saying what was applied."""
    info = get_rule(rule)
    notes = []
    options: dict[str, Any] = {}
    if facts and facts.get("rule") and get_rule(facts["rule"]).name == info.name:
        official = {k: v for k, v in facts.get("options", {}).items() if k in info.options}
        if official:
            notes.append(
                "official counting options applied: "
                + ", ".join(f"{k}={json.dumps(v)}" for k, v in official.items())
            )
        options.update(official)
    options.update(given)
    return options, notes


def count_source(ballots: Any, facts: dict[str, Any], rule: str | None = None, **given: Any) -> Any:
    """Count loaded ballots under ``rule`` (default: the dataset's official rule, else the
    usual rule for the ballot kind), with the dataset's official options where they apply."""
    rule = rule or facts.get("rule") or DEFAULT_RULE[ballots.kind]
    info = get_rule(rule)
    if given.get("seats") is None:
        given.pop("seats", None)
        if info.multiwinner and "seats" in info.options and facts.get("seats"):
            given["seats"] = facts["seats"]
    options, _ = rule_options(info.name, facts, given)
    return count_rule(ballots, info.name, **options)


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


def compare_outcomes(
    ballots: Any,
    rule_names: list[str],
    facts: dict[str, Any],
    seats: int | None = None,
    *,
    source: str | None = None,
) -> dict[str, Any]:
    """Winners under each rule (or why the rule could not run), as a JSON-ready dict.

    ``source`` is the SOURCE as the user gave it (a path or dataset id); the report names
    it rather than where the file lies on this machine, so it is the same everywhere.
    """
    results: dict[str, Any] = {}
    for name in rule_names:
        info = get_rule(name)
        options, notes = rule_options(info.name, facts, {})
        if seats and "seats" in info.options:
            options["seats"] = seats
        try:
            outcome = count_rule(ballots, info.name, **options)
        except TallyError as exc:
            results[info.name] = {"error": str(exc)}
            continue
        results[info.name] = {
            "family": info.family,
            "winners": list(outcome.winners),
            "tied": outcome.tied,
            "notes": notes,
        }
    label = source if source is not None else (Path(ballots.source).name if ballots.source else None)
    report: dict[str, Any] = {"source": label, "title": ballots.title, "ballots": ballots.total}
    if ballots.kind == "ranked":
        from .rules.condorcet import condorcet_loser, condorcet_winner, smith_set

        report["condorcet_winner"] = condorcet_winner(ballots)
        report["condorcet_loser"] = condorcet_loser(ballots)
        report["smith_set"] = list(smith_set(ballots))
    report["results"] = results
    return report
