"""Headlines: each result in one or two plain sentences, the same on every path.

Every command's result carries a ``headline`` (the JSON field of that name), written by
one function here from the result itself: who won and by how much, who was pivotal, what
would have changed it. The command line prints it above the detail; the web app, the API
and the reports show the same sentence.

The functions take the plain data the library returns (an :class:`~tally.outcome.Outcome`
or a report dict) and import nothing above the ground layer, so any layer may call them.
They live by what they tell: who won (:mod:`~tally.headlines.winners`: ``count``,
``compare``, ``analyze``, ``criteria``, ``electoral``), what would have changed it
(:mod:`~tally.headlines.changes`: ``spoilers``, ``ranked_spoilers``, ``margins``,
``whatif``), seats (:mod:`~tally.headlines.chambers`: ``seats``, ``seats_compare``,
``chamber``), procedures (:mod:`~tally.headlines.procedures`: ``decide``, ``delegates``)
and simulations (:mod:`~tally.headlines.simulations`: ``simulate``, ``forecast``), audits
(:mod:`~tally.headlines.audits`: ``audit``), over
the words they share (``rule_words`` and the numbers, shares and lists of names).

>>> electoral({"electoral_votes": {"A": 300, "B": 238}, "winner": "A", "majority": 270})
'A won the Electoral College 300–238 (270 needed).'
"""

from __future__ import annotations

from ._words import rule_words
from .audits import audit
from .chambers import chamber, seats, seats_compare
from .changes import margins, ranked_spoilers, spoilers, whatif
from .procedures import decide, delegates
from .simulations import forecast, simulate
from .winners import analyze, compare, count, criteria, electoral

__all__ = [
    "analyze",
    "audit",
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
