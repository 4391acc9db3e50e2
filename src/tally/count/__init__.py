"""The counting floor: what every ranked rule shares.

Every ranked rule (IRV, Coombs, the top-two runoff, sequential IRV, the STV rules and the
RCTab engine) is a composition of parts that live here, so that a skipped rank means the
same thing in every rule, every ballot is accounted for in every round, and every outcome
has the same JSON shape:

* :mod:`tally.count.walk`: the reader of ranked ballots for counts whose candidates leave
  one round at a time. :class:`~tally.count.walk.Walk` keeps, per ballot row, the
  candidate it counts for (or why it is inactive) under a :class:`tally.options.Reading`
  (overvote, skipped ranks, repeated candidates, max rankings, excluded candidates) and
  moves rows on as candidates leave.
* :mod:`tally.count.papers`: the same options read once into preference lists, for the
  STV counts, whose papers move one parcel at a time; an overvote read by name stays in
  the list and is read, as the walk reads it, whenever a paper reaches it.
* :mod:`tally.count.record`: the one round recorder. :class:`~tally.count.record.Recorder`
  builds every :class:`~tally.outcome.Round` and the :class:`~tally.outcome.Outcome`,
  writes transfers in one convention and checks the accounting of every round
  (continuing + inactive by reason = ballots read, and for fractional transfers the
  credited votes + non-transferable + lost to rounding = the valid poll).
* :mod:`tally.count.eliminate`: the elimination loop IRV, Coombs and every pass of
  sequential IRV share (one candidate or a batch out per round; ties broken by earlier
  rounds through :class:`tally.ties.CountHistory`, which finds candidates equal in every
  round without reading the rounds).
* :mod:`tally.count.gregory` and :mod:`tally.count.meek`: the two STV transfer cores
  (papers moving at Gregory transfer values; Meek's keep values found by iteration),
  over which each legal text is a small rule module. The Gregory core's papers and how
  they move are :mod:`tally.count.gregory_papers`, its two ways of moving a surplus
  :mod:`tally.count.gregory_surplus`.

The floor imports only the ground (``errors``, ``options``, ``outcome``) and the nouns
(``ballots``, ``ties``); rules import the floor, never the other way round.

Importing this package never rebinds :func:`tally.count` (the counting function): the
package is imported by :mod:`tally` before that name is bound.
"""

from __future__ import annotations
