"""The counting floor: what every ranked rule shares.

Every ranked rule (IRV, Coombs, the top-two runoff, sequential IRV, the STV rules and the
RCTab engine) is a composition of three parts that live here, so that a skipped rank means
the same thing in every rule, every ballot is accounted for in every round, and every
outcome has the same JSON shape:

* :mod:`tally.count.walk`: the one reader of ranked ballots. :class:`~tally.count.walk.Walk`
  keeps, per ballot row, the candidate it counts for (or why it is inactive) under a
  :class:`tally.options.Reading` (overvote, skipped ranks, repeated candidates, max
  rankings, excluded or withdrawn candidates) and moves rows on as candidates leave.
* :mod:`tally.count.record`: the one round recorder. :class:`~tally.count.record.Recorder`
  builds every :class:`~tally.outcome.Round` and the :class:`~tally.outcome.Outcome`,
  writes transfers in one convention and checks the accounting of every round
  (continuing + inactive by reason = ballots read, plus the value lost to rounding
  where votes move at fractional values).
* :mod:`tally.count.eliminate`: the elimination count IRV, Coombs and sequential IRV share
  (one candidate or a batch out per round, ties broken by earlier rounds in time linear
  in the candidates).

The floor imports only the ground (``errors``, ``options``, ``outcome``) and the nouns
(``ballots``, ``ties``); rules import the floor, never the other way round.

Importing this package never rebinds :func:`tally.count` (the counting function): the
package is imported by :mod:`tally` before that name is bound.
"""

from __future__ import annotations
