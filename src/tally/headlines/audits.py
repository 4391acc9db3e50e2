"""What an audit takes: the assertions that confirm a result, the hardest one, and the
ballots a risk-limiting audit is expected to sample (``tally rla``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._words import _ballots, _n, _names, _pct, _short

__all__ = ["audit"]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _sample(size: Mapping[str, Any]) -> str:
    """ "an expected 239 ballots by ballot-level comparison at a 5 % risk limit (7,072 by
    ballot polling)"; a sample as large as the contest is a full hand count."""
    limit = f"{100 * size['risk_limit']:g} %"
    comparison, polling = size.get("ballot_comparison"), size.get("ballot_polling")
    first = "a full hand count" if comparison is None else f"an expected {_ballots(comparison)}"
    second = "a full hand count" if polling is None else _n(polling)
    return f"{first} by ballot-level comparison at a {limit} risk limit ({second} by ballot polling)"


def _assertion(row: Mapping[str, Any]) -> str:
    """An IRV assertion in plain words, by surname."""
    w, lo = _short(row["winner"]), _short(row["loser"])
    if row["type"] == "NEB":
        return f"{w} cannot be eliminated before {lo}"
    continuing = row.get("continuing") or []
    if len(continuing) <= 2:
        return f"{w} beats {lo} when only the two remain"
    return f"{lo} goes out before {w} when only {_names(_short(c) for c in continuing)} remain"


def _irv(plan: Mapping[str, Any]) -> str:
    rows = plan["assertions"]
    rule_out = "rules" if len(rows) == 1 else "rule"
    if not rows and len(plan.get("candidates") or ()) <= 1:
        return f"{plan['winner']} won under IRV as the only candidate standing: there is no other winner to rule out."
    lead = f"{plan['winner']} won under IRV; {_plural(len(rows), 'assertion')} {rule_out} out every other winner."
    if not rows:
        return lead
    hardest = max(rows, key=lambda r: r["difficulty"])
    return (
        f"{lead} The hardest, {_assertion(hardest)} (margin {_n(hardest['margin'])} of "
        f"{_ballots(plan['ballots'])}, {_pct(hardest['diluted_margin'])}), needs "
        f"{_sample(plan['sample_size'])}."
    )


def _pairwise(plan: Mapping[str, Any]) -> str:
    winners = plan.get("winners") or [plan["winner"]]
    verb = "wins" if len(winners) == 1 else "win"
    rows = plan["assertions"]
    if not rows:
        return f"{_names(winners)} {verb} unopposed: there is nothing to audit."
    hardest = max(rows, key=lambda r: r["difficulty"])
    return (
        f"{_names(winners)} {verb} under {plan['kind']}; the closest pair, {hardest['winner']} over "
        f"{hardest['loser']} by {_n(hardest['margin'])} of {_ballots(plan['ballots'])} "
        f"({_pct(hardest['diluted_margin'])}), needs {_sample(plan['sample_size'])}."
    )


def _areas(plan: Mapping[str, Any], names: Mapping[str, str]) -> str:
    areas = [a for a in plan["areas"] if "error" not in a and a.get("assertions")]
    size = plan["sample_size"]
    limit = areas[0]["sample_size"]["risk_limit"] if areas else 0.05
    full = size["full_hand_counts_comparison"]
    text = (
        f"Auditing all {_n(len(plan['areas']))} areas at a {100 * limit:g} % risk limit needs an "
        f"expected {_ballots(size['ballot_comparison'])} by ballot-level comparison "
        f"({_n(size['ballot_polling'])} by ballot polling)"
        + (f", and a full hand count in {_plural(full, 'area')}" if full else "")
        + "."
    )
    if size.get("not_auditable"):
        text += f" {_plural(size['not_auditable'], 'area')} cannot be audited this way."
    if not areas:
        return text
    hardest = max(areas, key=lambda a: a["difficulty"])
    closest = min(hardest["assertions"], key=lambda r: r["margin"])
    place = names.get(hardest["area"], hardest["area"])
    needs = hardest["sample_size"]["ballot_comparison"]
    return (
        f"{text} The hardest is {place}, won by {closest['winner']} over {closest['loser']} by "
        f"{_n(closest['margin'])} votes ({_pct(closest['diluted_margin'])}): "
        + ("a full hand count." if needs is None else f"{_ballots(needs)} by comparison.")
    )


def audit(plan: Mapping[str, Any], area_names: Mapping[str, str] | None = None) -> str:
    """The headline of an audit plan (the dict of ``tally rla --json``).

    Parameters
    ----------
    plan:
        The plan's dict: an IRV plan (``kind`` "irv", RAIRE assertions), a pairwise plan
        (plurality or approval) or one plan per area (``areas``).
    area_names:
        ``{area: the name a sentence gives it}`` (FL → Florida), where known.

    Returns
    -------
    str
        One or two sentences: who won, what confirms it, and the expected sample.

    Examples
    --------
    >>> size = {"risk_limit": 0.05, "ballot_comparison": 239, "ballot_polling": 7072}
    >>> row = {"type": "NEN", "winner": "Bob Kiss", "loser": "Kurt Wright",
    ...        "continuing": ["Bob Kiss", "Kurt Wright"], "margin": 253,
    ...        "diluted_margin": 0.02817, "difficulty": 35.49}
    >>> audit({"kind": "irv", "winner": "Bob Kiss", "ballots": 8980, "assertions": [row],
    ...        "sample_size": size})  # doctest: +NORMALIZE_WHITESPACE
    'Bob Kiss won under IRV; 1 assertion rules out every other winner. The hardest, Kiss
    beats Wright when only the two remain (margin 253 of 8,980 ballots, 2.82 %), needs an
    expected 239 ballots by ballot-level comparison at a 5 % risk limit (7,072 by ballot
    polling).'
    """
    if "areas" in plan:
        return _areas(plan, area_names or {})
    if plan.get("kind") == "irv":
        return _irv(plan)
    return _pairwise(plan)
