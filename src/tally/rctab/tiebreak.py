"""RCTab's tie-breaks: who is elected or eliminated when candidates have equal votes.

``useCandidateOrder`` and ``generatePermutation`` consult an order (the config's, or the
sorted candidate names shuffled once with ``Collections.shuffle`` seeded by
``randomSeed``): the earliest tied candidate is elected, the latest eliminated.
``random`` draws ``nextDouble`` from a ``java.util.Random`` seeded with ``randomSeed``
over the tied names in sorted order. ``previousRoundCountsThenRandom`` looks back round
by round and falls back to the random draw over the names still tied, in Java's hash-set
order. The modes that ask an operator stop the count with a :class:`RuleError`.

Reference: RCTab (BrightSpots/rcv) ``Tiebreak.java``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal

from ..errors import RuleError
from .config import Rules
from .javarandom import JavaRandom, hash_set_copy_order, shuffle
from .results import RoundResult, TieRecord

__all__ = ["TieBreaker"]


class TieBreaker:
    """The tie-breaks of one pass, with every tie settled recorded in :attr:`ties`.

    ``declared`` are the candidates in config order, undeclared write-ins left out; they
    are the tie-breaking order, shuffled once under ``generatePermutation``.
    """

    def __init__(self, rules: Rules, declared: Sequence[str]) -> None:
        self.rules = rules
        self.ties: list[TieRecord] = []
        self.random: JavaRandom | None = None
        self.permutation: list[str] = list(declared)
        if rules.needs_seed:
            self.random = JavaRandom(int(rules.random_seed))  # type: ignore[arg-type]
            if rules.tiebreak_mode == "generatePermutation":
                self.permutation = shuffle(sorted(self.permutation), self.random)  # type: ignore[assignment]

    def choose(
        self,
        selecting_winner: bool,
        tied: Sequence[str],
        votes: Decimal,
        round_: int,
        rounds: Sequence[RoundResult],
    ) -> str:
        """The tied candidate elected (``selecting_winner``) or eliminated in ``round_``.

        ``rounds`` are the rounds counted so far (the previous-round modes read them).
        """
        mode = self.rules.tiebreak_mode
        tied_sorted = sorted(tied)
        if mode in ("useCandidateOrder", "generatePermutation"):
            order = self.permutation if selecting_winner else list(reversed(self.permutation))
            chosen = next((c for c in order if c in tied_sorted), None)
            if chosen is None:
                raise RuleError(
                    f"round {round_}: tied candidates {', '.join(tied_sorted)} are not in the "
                    "tie-breaking candidate order"
                )
            why = f"appeared {'earliest' if selecting_winner else 'latest'} in the tie-breaking order"
        elif mode == "random":
            chosen = self._draw(tied_sorted)
            why = "drawn at random"
        elif mode in ("previousRoundCountsThenRandom", "previousRoundCountsThenAsk"):
            chosen, why = self._previous_rounds(selecting_winner, tied_sorted, round_, rounds)
        else:
            raise RuleError(
                f"round {round_}: a tie between {', '.join(tied_sorted)} needs tiebreakMode "
                f"{mode!r}, which asks an operator; choose a non-interactive tie-break mode"
            )
        self.ties.append(
            TieRecord(
                round=round_,
                purpose="elect" if selecting_winner else "eliminate",
                tied=tuple(tied_sorted),
                chosen=chosen,
                mode=mode,
                explanation=f"{chosen} {why}; each had {votes:,} votes",
            )
        )
        return chosen

    def _draw(self, tied: list[str]) -> str:
        assert self.random is not None
        return tied[math.floor(self.random.next_double() * float(len(tied)))]

    def _previous_rounds(
        self, selecting_winner: bool, tied: list[str], round_: int, rounds: Sequence[RoundResult]
    ) -> tuple[str, str]:
        contention = list(tied)
        for r in range(round_ - 1, 0, -1):
            tally = rounds[r - 1].tally
            order = hash_set_copy_order(contention)
            values = [tally[c] for c in order]
            target = max(values) if selecting_winner else min(values)
            contention = [c for c, v in zip(order, values) if v == target]
            if len(contention) == 1:
                return contention[0], f"had the {'most' if selecting_winner else 'fewest'} votes in round {r}"
        if self.rules.tiebreak_mode == "previousRoundCountsThenAsk":
            raise RuleError(
                f"round {round_}: previous rounds do not separate {', '.join(sorted(contention))}, "
                "and tiebreakMode 'previousRoundCountsThenAsk' would ask an operator"
            )
        return self._draw(contention), "still tied in every previous round; drawn at random"
