"""Explicit tie-breaking, recorded in the outcome.

Modes (the ``tiebreak`` option of every rule):

``all``
    Leave the tie standing and report every tied candidate. The default for rules
    that decide in one step. Sequential rules (IRV and its kin) explore every way the
    tie could be broken and report the union of the winners ("parallel universes").
``order``
    Candidate order: the candidate earlier in the ballot's candidate list (or in the
    ``order`` option) is preferred; the later one is eliminated first.
``previous_round``
    Compare the tied candidates' counts in earlier rounds, most recent first; a
    candidate lower in an earlier round is eliminated (or higher is elected). Falls
    back to ``random`` when every earlier round is tied too.
``random``
    A draw from a generator seeded with ``seed`` (0 when not given). The seed is
    recorded in the outcome, so the same seed gives the same draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import ConfigError
from .outcome import Tie

__all__ = ["TIEBREAK_MODES", "TieBreaker", "check_tiebreak"]

TIEBREAK_MODES = ("all", "order", "previous_round", "random")


def check_tiebreak(mode: str) -> str:
    if mode not in TIEBREAK_MODES:
        raise ConfigError(f"unknown tie-break mode {mode!r}; choose one of {', '.join(TIEBREAK_MODES)}")
    return mode


class TieBreaker:
    """Settles ties for one count and keeps the record of each one.

    ``history`` passed to :meth:`pick` is the list of earlier rounds' tallies (arrays
    indexed by candidate), oldest first.
    """

    def __init__(
        self,
        mode: str,
        candidates: Sequence[str],
        *,
        seed: int | None = None,
        order: Sequence[str] | None = None,
    ) -> None:
        self.mode = check_tiebreak(mode)
        self.candidates = tuple(candidates)
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0
        ):
            raise ConfigError(f"seed must be a whole number of at least 0, not {seed!r}")
        self.seed = 0 if seed is None else int(seed)
        self._generator: np.random.Generator | None = None
        if order is None:
            self._rank = {i: i for i in range(len(self.candidates))}
        else:
            missing = set(self.candidates) - set(order)
            if missing:
                raise ConfigError(f"tie-break order leaves out {', '.join(sorted(missing))}")
            self._rank = {self.candidates.index(n): k for k, n in enumerate(order) if n in self.candidates}
        self.ties: list[Tie] = []

    @property
    def _rng(self) -> np.random.Generator:
        # made on first use: most counts meet no tie that needs a draw
        if self._generator is None:
            self._generator = np.random.default_rng(self.seed)
        return self._generator

    def record(self, tie: Tie) -> None:
        self.ties.append(tie)

    def pick(
        self,
        tied: Sequence[int],
        *,
        purpose: str,
        round: int | None = None,
        history: Sequence[np.ndarray] = (),
        lowest: bool = True,
    ) -> int:
        """Choose one of ``tied``: the one to eliminate (``lowest``) or to prefer.

        Records the tie. Mode ``all`` cannot pick; callers handle it before asking.
        """
        tied = sorted(tied)
        if len(tied) == 1:
            return tied[0]
        names = tuple(self.candidates[i] for i in tied)
        if self.mode == "all":
            raise ConfigError("tie-break mode 'all' cannot choose a single candidate")
        mode, detail = self.mode, ""
        if mode == "previous_round":
            pool = list(tied)
            for back, counts in enumerate(reversed(history), start=1):
                values = np.array([counts[i] for i in pool])
                best = values.min() if lowest else values.max()
                pool = [c for c, v in zip(pool, values) if v == best]
                if len(pool) == 1:
                    detail = f"decided by the counts {back} round(s) earlier"
                    break
            if len(pool) > 1:
                mode = "random"
                detail = "earlier rounds tied too; drawn at random"
                tied = pool
        if mode == "order":
            ranked = sorted(tied, key=self._rank.__getitem__)
            choice = ranked[-1] if lowest else ranked[0]
            detail = "later in candidate order" if lowest else "earlier in candidate order"
        elif mode == "random":
            choice = int(self._rng.choice(np.array(tied)))
            detail = (
                detail + "; " if detail and "random" not in detail else detail
            ) or f"drawn at random (seed {self.seed})"
            if "seed" not in detail:
                detail += f" (seed {self.seed})"
        else:
            choice = pool[0]
        self.record(
            Tie(
                round=round,
                purpose=purpose,
                tied=names,
                mode=self.mode,
                chosen=(self.candidates[choice],),
                detail=detail,
            )
        )
        return choice
