"""An RCTab contest config's rules as the official rules of a contest.

A contest read from an RCTab config is counted by the ``rctab`` rule under the config's
own rules; :func:`rctab_rules` states them in that rule's options, once, for the sources
that resolve a config (:mod:`tally.data.sources`) and for the store that records an
import's rules (:mod:`tally.store`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..contest import CountingRules
from ..options import RCTAB_OVERVOTE_RULES
from .config import ContestConfig

__all__ = ["rctab_rules"]

_MODES = {
    "singleWinnerMajority": "single",
    "multiWinnerAllowOnlyOneWinnerPerRound": "one_per_round",
    "multiWinnerAllowMultipleWinnersPerRound": "stv",
    "bottomsUp": "bottoms_up",
    "bottomsUpUsingPercentageThreshold": "bottoms_up_percentage",
    "multiPassIrv": "multi_pass",
}
_TIEBREAKS = {
    "useCandidateOrder": "order",
    "random": "random",
    "previousRoundCountsThenRandom": "previous_round",
    "generatePermutation": "permutation",
    "stopCountingAndAsk": "ask",
    "previousRoundCountsThenAsk": "previous_round_then_ask",
}
_OVERVOTES = RCTAB_OVERVOTE_RULES


def rctab_rules(config: ContestConfig) -> CountingRules:
    """An RCTab config's rules as options of the ``rctab`` rule.

    Parameters
    ----------
    config:
        A :class:`tally.rctab.config.ContestConfig`.

    Returns
    -------
    CountingRules
        Rule ``rctab``; the options always name the mode, seats, tie-break, overvote,
        skipped-rank and repeated-candidate rules, and the others where they differ from
        RCTab's defaults.
    """
    r = config.rules
    mode = _MODES[r.winner_election_mode]
    options: dict[str, Any] = {
        "mode": mode,
        "seats": max(int(r.number_of_winners), 1),
        "overvote": _OVERVOTES[r.overvote_rule],
        "max_skipped": r.max_skipped_ranks,
        "repeated": "exhaust" if r.exhaust_on_duplicate else "skip",
        "tiebreak": _TIEBREAKS[r.tiebreak_mode],
    }
    extra = {
        "seed": r.random_seed,
        "batch_elimination": bool(r.batch_elimination),
        "continue_until_two": bool(r.continue_until_two),
        "first_round_threshold": bool(r.first_round_determines_threshold),
        "threshold": "hare" if r.hare_quota else ("non_integer" if r.non_integer_threshold else "droop"),
        "decimal_places": int(r.decimal_places),
        "minimum_votes": int(r.minimum_vote_threshold or 0),
        "stop_after_round": r.stop_early_after_round,
        "percentage": None if r.bottoms_up_percentage is None else float(r.bottoms_up_percentage * 100),
        "cutoff": bool(r.cutoff_elimination),
        "excluded": list(config.excluded_names),
    }
    defaults = {"threshold": "droop", "decimal_places": 4, "minimum_votes": 0, "excluded": []}
    for key, value in extra.items():
        # "is", not "in": a seed of 0 equals False
        if value is not None and value is not False and value != defaults.get(key):
            options[key] = value
    name = Path(config.path).name if config.path else "RCTab config"
    return CountingRules("rctab", options, f"RCTab config {name}", options["seats"])
