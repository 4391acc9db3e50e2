"""Procedures: the sentences of ``tally decide`` and ``tally delegates``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["decide", "delegates"]


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
