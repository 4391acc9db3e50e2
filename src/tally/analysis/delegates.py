"""Convention delegates: proportional allocation with a viability threshold.

The Democratic Party's rule (Delegate Selection Rules for the Democratic National
Convention, Rule 14, "Fair Reflection of Presidential Preferences"; the same steps since
the 1990s) allocates each unit's pledged delegates — each congressional district's, and
the statewide at-large and pledged-PLEO delegates on the statewide vote — in five steps:

1. each preference's percentage of the unit's vote, to three decimals;
2. preferences below the threshold (15 %) are dropped and the percentages recomputed,
   to three decimals, among the rest (Rule 14.F: if nobody reaches 15 %, the threshold
   is the leader's percentage minus 10 points);
3. each viable preference's percentage times the unit's delegates;
4. each gets the whole number of that product;
5. delegates left over go in order of the largest fractional remainders of step 3.

Automatic ("super") delegates are not pledged: since the 2020 convention they do not
vote on the first ballot unless a candidate already has a majority of pledged
delegates; on later ballots every delegate votes. :func:`convention` reports both
counts. Ties for a last delegate (equal remainders) are reported, not broken.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigError

__all__ = ["allocate", "convention", "primary_votes", "state_delegates"]


def _pct(part: float, whole: float, decimals: int) -> float:
    return round(100.0 * part / whole, decimals) if whole > 0 else 0.0


def allocate(votes: Mapping[str, float], delegates: int, *, threshold: float = 0.15,
             decimals: int = 3) -> dict[str, Any]:
    """One unit's delegates by the five steps of the module docstring.

    Returns ``{"delegates": {preference: n}, "viable": [...], "threshold": percent,
    "steps": {"percent", "viable_percent", "quota"}, "tied": [...]}``.

    >>> allocate({"A": 650, "B": 350}, 4)["delegates"]
    {'A': 3, 'B': 1}
    """
    if delegates < 0 or int(delegates) != delegates:
        raise ConfigError(f"delegates must be a whole number ≥ 0, not {delegates!r}")
    if not 0 <= threshold < 1:
        raise ConfigError(f"threshold must be a fraction between 0 and 1, not {threshold!r}")
    total = float(sum(votes.values()))
    percent = {c: _pct(v, total, decimals) for c, v in votes.items()}
    bar = threshold * 100
    if percent and max(percent.values()) < bar:
        bar = max(percent.values()) - 10.0  # Rule 14.F fallback
    viable = [c for c, p in percent.items() if p >= bar and votes[c] > 0]
    viable_total = float(sum(votes[c] for c in viable))
    viable_percent = {c: _pct(votes[c], viable_total, decimals) for c in viable}
    quota = {c: viable_percent[c] / 100 * delegates for c in viable}
    got = {c: math.floor(q + 1e-9) for c, q in quota.items()}
    left = int(delegates - sum(got.values()))
    remainders = sorted(((quota[c] - got[c], c) for c in viable), key=lambda rc: (-rc[0], rc[1]))
    tied: list[str] = []
    if left > 0 and remainders:
        cutoff = remainders[left - 1][0] if left <= len(remainders) else -1.0
        above = [c for r, c in remainders if r > cutoff + 1e-12]
        at = [c for r, c in remainders if abs(r - cutoff) <= 1e-12]
        for c in above:
            got[c] += 1
        rest = left - len(above)
        if rest >= len(at):
            for c in at:
                got[c] += 1
        elif rest > 0:
            tied = sorted(at)  # equal remainders for fewer delegates: left for the party's tie rule
    return {
        "delegates": {c: n for c, n in got.items() if n},
        "unallocated": int(delegates - sum(got.values())),
        "viable": viable,
        "threshold": bar,
        "steps": {"percent": percent, "viable_percent": viable_percent, "quota": quota},
        "tied": tied,
    }


def state_delegates(
    statewide: Mapping[str, float],
    *,
    at_large: int,
    districts: Mapping[str, tuple[Mapping[str, float], int]] | None = None,
    threshold: float = 0.15,
) -> dict[str, Any]:
    """A state's pledged delegates: ``at_large`` (with pledged PLEOs) on the statewide
    vote, and each district's on its own vote (``districts``: name → (votes, delegates))."""
    units = {"statewide": allocate(statewide, at_large, threshold=threshold)}
    for name, (votes, n) in (districts or {}).items():
        units[name] = allocate(votes, n, threshold=threshold)
    pledged: dict[str, int] = defaultdict(int)
    for unit in units.values():
        for c, n in unit["delegates"].items():
            pledged[c] += n
    return {"pledged": dict(sorted(pledged.items(), key=lambda kv: (-kv[1], kv[0]))), "units": units}


def convention(pledged: Mapping[str, int], *, automatic: int, total_pledged: int | None = None) -> dict[str, Any]:
    """First and later ballots: who has a majority, pledged only, then with automatic
    delegates (whose votes are not known in advance and are shown as a block)."""
    pledged_total = int(total_pledged if total_pledged is not None else sum(pledged.values()))
    first_majority = pledged_total // 2 + 1
    all_total = pledged_total + automatic
    later_majority = all_total // 2 + 1
    leader = max(pledged.items(), key=lambda kv: (kv[1], kv[0]))[0] if pledged else None
    first = leader if leader and pledged[leader] >= first_majority else None
    return {
        "pledged": dict(pledged),
        "first_ballot": {"voters": pledged_total, "majority": first_majority, "winner": first,
                         "note": "automatic delegates do not vote on the first ballot"},
        "later_ballots": {"voters": all_total, "majority": later_majority, "automatic": automatic,
                          "leader_needs_automatic": None if leader is None
                          else max(0, later_majority - pledged[leader])},
    }


def primary_votes(year: int, party: str, state: str, *, stage: str | None = None) -> dict[str, float]:
    """A state's primary (or caucus) votes per candidate from the FiveThirtyEight file.

    Rows without votes are skipped; Uncommitted and other labelled rows keep their label
    (Uncommitted is a preference that can win delegates). Where the contest was counted
    by ranked-choice rounds (some 2020 Democratic primaries), the last round is used, as
    those parties allocated on it. A state with both a primary and a caucus that year
    needs ``stage``.
    """
    from ..data import us

    party = party.upper()
    rounds: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for line, rec in us._records("us-president", "538-election_results_presidential.csv"):
        if (rec["cycle"] != str(year) or rec["stage"] not in ("primary", "caucus") or rec["party"] != party
                or rec["state_abbrev"] != state.upper()):
            continue
        if stage is not None and rec["stage"] != stage:
            continue
        number = int(rec["ranked_choice_round"]) if rec["ranked_choice_round"].strip() else 0
        key = (rec["stage"], number)
        rounds.setdefault(key, defaultdict(float))
        if not rec["votes"].strip():
            continue
        name = rec["candidate_name"].strip() or rec["alt_result_text"].strip() or us.OTHER
        rounds[key][name] += float(rec["votes"])
    if not rounds:
        raise ConfigError(f"no {party} primary or caucus in {state} in {year} in the bundled data")
    stages = sorted({k[0] for k in rounds})
    if len(stages) > 1:
        raise ConfigError(f"{state} {year} has both {' and '.join(stages)} results for {party}; choose a stage")
    votes = rounds[max(rounds, key=lambda k: k[1])]
    if not votes:
        raise ConfigError(f"the {party} {year} contest in {state} has no vote counts in the data")
    return dict(sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])))
