"""RCTab contest configs written for tests: one single-winner contest over given sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RULES = {
    "tiebreakMode": "useCandidateOrder",
    "overvoteRule": "exhaustImmediately",
    "winnerElectionMode": "singleWinnerMajority",
    "numberOfWinners": "1",
    "maxSkippedRanksAllowed": "1",
    "decimalPlacesForVoteArithmetic": "4",
}


def write_config(
    path: Path, name: str, sources: list[dict[str, Any]], candidates: list[str], **rules: Any
) -> Path:
    """Write the config to ``path``: ``rules`` on top of :data:`RULES`."""
    config = {
        "outputSettings": {"contestName": name},
        "cvrFileSources": sources,
        "candidates": [{"name": n} for n in candidates],
        "rules": {**RULES, **rules},
    }
    path.write_text(json.dumps(config), encoding="utf-8")
    return path
