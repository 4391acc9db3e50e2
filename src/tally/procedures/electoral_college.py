"""The Electoral College: one home for how a President is chosen from state results.

Every command that counts electors (``ec``, ``whatif``, ``spoilers``, ``margins``,
``forecast``, the web app, reports) comes here, so they all count the same electors:

* **allocation**: the registered ``electoral_college`` rule
  (:mod:`tally.rules.composite`) is the core that gives each state's electors to its
  plurality winner (Maine and Nebraska by congressional district where the data have
  district results), or proportionally, or to the popular-vote winner;
* **electors**: ``pledged`` (the default everywhere: every elector votes as pledged,
  which is what the votes decided) or ``historical`` (the electors who broke their
  pledge that year, from the record the data layer hands over with the tallies);
* **contingent election**: without a majority the House chooses, one vote per state
  delegation, from the delegations the data layer hands over in
  :attr:`Contest.facts <tally.contest.Contest.facts>` (``"delegations"``: a mapping,
  or a function returning one, read only when the House is needed).

Nothing here reads files: the facts come in with the contest.

>>> import numpy as np
>>> from tally.ballots import Tallies
>>> from tally.contest import Contest
>>> t = Tallies(("A", "B"), ("X", "Y"), np.array([[5.0, 3.0], [2.0, 4.0]]),
...             attributes={"electoral_votes": (3, 4)})
>>> summary(Contest(t, "electoral_college"))["electoral_votes"]
{'X': 3, 'Y': 4}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..ballots import Tallies
from ..contest import Contest
from ..errors import ConfigError
from ..outcome import Outcome
from ..rules import count as count_rule
from ..rules import get_rule
from ..rules.composite import district_tallies

__all__ = [
    "ELECTORS",
    "RULE",
    "count",
    "describe",
    "district_tallies",
    "electoral_votes",
    "electors",
    "electors_line",
    "is_electoral_rule",
    "summary",
]

RULE = "electoral_college"
ELECTORS = ("pledged", "historical")
"""The electors a count shows: as pledged (the default), or as they historically voted."""

_ALLOCATION_WORDS = {
    "wta": "winner-take-all by state (Maine and Nebraska by congressional district)",
    "statewide": "winner-take-all in every state",
    "district": "by congressional district wherever the data have district results",
    "proportional": "in proportion to each state's votes",
    "popular": "all to the national popular-vote winner",
}


def is_electoral_rule(rule: str) -> bool:
    """Whether ``rule`` names the Electoral College (or one of its aliases)."""
    try:
        return get_rule(rule).name == RULE
    except ConfigError:
        return False


def electors(faithless: Any) -> str:
    """The electors setting of a ``faithless`` option: ``"pledged"``, ``"historical"``, or
    ``"as given"`` for a list of entries.

    Raises
    ------
    ConfigError
        An unknown word.

    Examples
    --------
    >>> electors(None), electors("none"), electors("historical")
    ('pledged', 'pledged', 'historical')
    """
    if faithless in (None, "none", "pledged", (), []):
        return "pledged"
    if faithless == "historical":
        return "historical"
    if isinstance(faithless, str):
        raise ConfigError(
            f"electors: choose 'pledged' (also written 'none') or 'historical', not {faithless!r}"
        )
    return "as given"


def electoral_votes(tallies: Tallies) -> dict[str, int]:
    """Electors appointed by each area of presidential tallies (a state's whole number,
    its district electors included): what a forecast by state simulates.

    Raises
    ------
    ConfigError
        The tallies carry no ``electoral_votes`` attribute.

    Examples
    --------
    >>> import numpy as np
    >>> t = Tallies(("A", "B"), ("X",), np.ones((2, 1)), attributes={"electoral_votes": (3, 4)})
    >>> electoral_votes(t)
    {'A': 3, 'B': 4}
    """
    if "electoral_votes" not in tallies.attributes:
        raise ConfigError(f"{tallies.title or 'these tallies'} carry no electoral votes per area")
    return {area: int(ev) for area, ev in zip(tallies.areas, tallies.attributes["electoral_votes"])}


def _delegations(facts: Mapping[str, Any]) -> Mapping[str, Mapping[str, int]] | None:
    value = facts.get("delegations")
    if callable(value):
        provider: Callable[[], Any] = value
        value = provider()
    return value


def count(contest: Contest) -> Outcome:
    """The Electoral College outcome of ``contest`` under its options.

    Parameters
    ----------
    contest:
        Tallies by state with an ``electoral_votes`` attribute; options as the
        ``electoral_college`` rule takes them (``allocation``, ``rounding``,
        ``faithless``: None, ``"none"``/``"pledged"`` or ``"historical"``, ...).

    Returns
    -------
    Outcome
        The rule's outcome; without a majority, the House's contingent election is
        computed from ``contest.facts["delegations"]`` when the data have them.

    Examples
    --------
    >>> import numpy as np
    >>> from tally.ballots import Tallies
    >>> t = Tallies(("A",), ("X", "Y"), np.array([[5.0, 3.0]]), attributes={"electoral_votes": (3,)})
    >>> count(Contest(t, "electoral_college")).winners
    ('X',)
    """
    options = dict(contest.options)
    outcome = count_rule(contest.ballots, RULE, **options)
    if outcome.details.get("contingent") is None or options.get("delegations") is not None:
        return outcome
    delegations = _delegations(contest.facts)
    if delegations is None:
        return outcome
    return count_rule(contest.ballots, RULE, **options, delegations=delegations)


def summary(contest: Contest, outcome: Outcome | None = None) -> dict[str, Any]:
    """The ``tally ec`` JSON of a contest: electoral votes, winner, every area, and which
    electors it shows.

    ``{"electoral_votes": {candidate: n}, "winner", "majority", "allocation",
    "electors": "pledged" | "historical" | "as given", "popular_vote", "areas": [{"area",
    "winner", "electoral_votes", "votes", "electors", "source"}], "faithless",
    "contingent", "warnings"}``. ``outcome`` is the contest's count when already made.

    Raises
    ------
    ConfigError
        The outcome is not an Electoral College outcome.
    """
    outcome = count(contest) if outcome is None else outcome
    d = outcome.details
    if "electoral_votes" not in d:
        raise ConfigError(f"not an Electoral College outcome (rule {outcome.rule!r})")
    return {
        "electoral_votes": dict(d["electoral_votes"]),
        "winner": outcome.winner,
        "majority": d["majority"],
        "allocation": d["allocation"],
        "electors": electors(contest.options.get("faithless")),
        "popular_vote": dict(d["popular_vote"]),
        "areas": [
            {
                "area": a["area"],
                "winner": a["winner"],
                "electoral_votes": a["electoral_votes"],
                "votes": dict(a["votes"]),
                "electors": dict(a["electors"]),
                "source": a.get("source"),
            }
            for a in d["areas"]
        ],
        "faithless": list(d["faithless"]),
        "contingent": d["contingent"],
        "warnings": list(outcome.warnings),
    }


def electors_line(result: Mapping[str, Any]) -> str:
    """Which electors a summary shows, in one line of plain words (``faithless`` lists the
    electors moved, when the summary has it).

    >>> electors_line({"electors": "pledged", "faithless": []})
    'pledged electors: every elector votes as pledged (--faithless historical shows them as they voted)'
    """
    setting = result.get("electors", "pledged")
    if setting == "pledged":
        return "pledged electors: every elector votes as pledged (--faithless historical shows them as they voted)"
    moved = result.get("faithless")
    if moved is None:
        return f"electors as they voted ({setting}): the electors who broke their pledge keep their votes"
    if not moved:
        return f"electors as they voted ({setting}): none broke their pledge"
    parts = [
        f"{e['electors']} {e['state']} elector(s) pledged to {e['pledged']} "
        + (f"voted {e['voted']}" if e.get("voted") else "abstained")
        for e in moved
    ]
    return f"electors as they voted ({setting}): " + "; ".join(parts)


def describe(options: Mapping[str, Any]) -> str:
    """The Electoral College's options in plain words.

    >>> describe({})
    'Electoral College, winner-take-all by state (Maine and Nebraska by congressional district), pledged electors'
    """
    allocation = options.get("allocation", "wta")
    words = _ALLOCATION_WORDS.get(allocation, allocation)
    if allocation == "proportional":
        words += f" (rounded by {options.get('rounding', 'hamilton')})"
    setting = electors(options.get("faithless"))
    who = {"pledged": "pledged electors", "historical": "electors as they historically voted"}.get(
        setting, "electors as given"
    )
    return f"Electoral College, {words}, {who}"
