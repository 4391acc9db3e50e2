"""The count shared by the Gregory-family STV rules (Scottish, WIGM, ERS97, Irish).

A count is a sequence of *stages*. Stage 1 credits first preferences. Each later stage
either transfers the surplus of one elected candidate or excludes one candidate (the
lowest) and transfers their papers. After every stage, candidates reaching the quota
are deemed elected; when the candidates still in the running are no more than the seats
left, they are all elected and the count stops. The rules differ in:

``surplus_papers``
    ``"all"``: every paper the elected candidate holds moves on at a reduced value
    (inclusive Gregory: Scottish, WIGM); ``"last"``: only the last parcel of papers
    received (all papers if elected at the first stage) is examined (ERS97, Irish).
``selection``
    ``"fractional"``: the papers move at a transfer value; ``"random"``: whole papers
    are drawn at random from each sub-parcel (Irish), with a seeded generator.
``value``
    ``"inclusive"``: a paper of value v moves at v x surplus / votes of the candidate
    (Scottish rule 48(3)); ``"transferable"``: at v x surplus / value of the transferable
    papers examined, never more than v (ERS97).
``decimals``
    Transfer values are cut to this many decimal places (None: exact fractions).
``early_finish``
    End the count as soon as the last seats cannot change hands (the Irish rules; see
    :meth:`_Count._finish_early`).
``ers97``
    The ERS97 count: quota recomputed without non-transferable votes until someone is
    elected, election also at the total active vote over the places left plus one,
    deferred surpluses, several sure losers excluded together, ties settled at the
    earliest stage where the candidates differed (and, for the last places, nobody
    elected at a stage where they never differed, 5.6.2), and no exclusion that would
    leave as many candidates as places (5.5.1).
``exclusion``
    ``"together"``: all papers of an excluded candidate move in one stage;
    ``"by_value"``: in parcels of equal value, highest first, each its own stage, with
    the quota checked after each (ERS97).
``defer_surplus``, ``exclude_several``, ``recoupment``, ``recoupment_quota``
    The Irish shortcuts of the Electoral Act 1992 ss. 121-122: a surplus that cannot
    matter yet is left untransferred, and the lowest candidates who cannot overtake the
    next one are excluded in one count (see :meth:`_Count._irish_deferment` and
    :meth:`_Count._irish_group`); ``recoupment`` keeps both from costing the lowest
    candidate the chance to pass a quarter of the quota (``recoupment_quota``, default
    the count's quota), the vote that qualifies for recoupment of election expenses,
    and, once every seat is filled, continues the count while a candidate could still
    pass that quarter (s. 124(3), :meth:`_Count._recoupment_stages`).

A :class:`~tally.outcome.Round` here is the state *after* a stage: ``tally`` the votes
credited to each candidate still in the count (elected or hopeful), ``transfers`` what
the stage moved, ``elected`` who reached the quota at that stage, ``eliminated`` who was
excluded at it. ``continuing`` counts the papers still credited to some candidate, and
``inactive`` those that left the count, by reason, so ``continuing + inactive = read``.
Votes (values) are accounted for in ``details["stages"]``: the sum of the tally, the
value of non-transferable papers and the value lost to truncation equals the valid poll.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import SKIPPED, RankedBallots
from ..count.record import Recorder
from ..options import Reading
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker
from .stv_papers import INACTIVE, Papers, quota_value, read_papers, truncate

__all__ = ["GregoryRules", "gregory_count"]

HOPEFUL, ELECTED, EXCLUDED = 0, 1, 2
_REASON = {code: name for name, code in INACTIVE.items()}


@dataclass(frozen=True)
class GregoryRules:
    """How one Gregory-family rule transfers papers (see the module docstring)."""

    surplus_papers: str = "all"
    selection: str = "fractional"
    value: str = "inclusive"
    decimals: int | None = None
    exclusion: str = "together"
    early_finish: bool = False
    ers97: bool = False
    quota: str = "droop"
    reading: Reading = field(default_factory=Reading)
    defer_surplus: bool = False
    exclude_several: bool = False
    recoupment: bool = False
    recoupment_quota: int | None = None


def _fmt(x: Fraction) -> float:
    return float(x)


class _Count:
    def __init__(
        self,
        ballots: RankedBallots,
        seats: int,
        rules: GregoryRules,
        breaker: TieBreaker,
        seed: int | None,
    ) -> None:
        self.ballots = ballots
        self.names = ballots.candidates
        self.seats = seats
        self.rules = rules
        self.breaker = breaker
        self.rng = np.random.default_rng(0 if seed is None else seed)
        papers: Papers = read_papers(ballots, rules.reading)
        self.prefs = papers.prefs
        self.end = papers.end
        self.count = papers.count.copy()
        c = ballots.n_candidates
        rows = papers.rows
        self.vals: list[Fraction] = [Fraction(1)]
        self.vid_of: dict[Fraction, int] = {Fraction(1): 0}
        self.vid = np.zeros(rows, dtype=np.int64)
        self.pos = np.zeros(rows, dtype=np.int64)
        self.arrived = np.ones(rows, dtype=np.int64)
        blank = ballots.is_blank()
        self.holder = np.where(
            papers.valid,
            self.prefs[:, 0],
            np.where(blank, INACTIVE["undervote"], papers.end),
        ).astype(np.int64)
        self.status = np.zeros(c, dtype=np.int64)
        self.credited = [Fraction(0)] * c
        for cand, value in self._sums(np.flatnonzero(papers.valid)).items():
            self.credited[cand] = value
        self.valid = int(self.count[papers.valid].sum())
        if rules.quota == "ers97":
            self.quota, self.strict = _ers97_quota(Fraction(self.valid), seats), False
        else:
            self.quota, self.strict = quota_value(rules.quota, self.valid, seats)
        self.pending: list[int] = []
        self.order: list[int] = []
        self.stage = 1
        self.recorder = Recorder(self.names, ballots.total, valid=self.valid)
        self.rounds: list[Round] = self.recorder.rounds
        self.fully_ranked = (ballots.choices != SKIPPED).sum(axis=1) >= ballots.choices.shape[1]
        self.stages: list[dict[str, Any]] = []
        self.history: list[np.ndarray] = []
        self.nontransferable = Fraction(0)
        self.loss = Fraction(0)
        base = self.quota if rules.recoupment_quota is None else Fraction(rules.recoupment_quota)
        # Recoupment needs votes *exceeding* a quarter of the quota (s. 124(3)).
        self.quarter = Fraction(base) / 4
        # ERS97 5.6.2 notes for the stage being counted (candidates left unelected).
        self.pending_notes: list[str] = []
        self.pending_detail: dict[str, Any] = {}
        # The s. 124(3) stage being counted, if any (its note and details).
        self.section: dict[str, Any] | None = None
        # The most votes each candidate has been credited with at any stage.
        self.peak: list[Fraction] = [Fraction(0)] * c
        # s. 124(3) settled without a transfer (one continuing candidate): their votes then.
        self.settled: dict[str, dict[str, float]] = {}

    # -- helpers ------------------------------------------------------------------

    def _value_id(self, value: Fraction) -> int:
        if value not in self.vid_of:
            self.vid_of[value] = len(self.vals)
            self.vals.append(value)
        return self.vid_of[value]

    def _sums(self, rows: np.ndarray, key: np.ndarray | None = None) -> dict[int, Fraction]:
        """Total value of ``rows`` grouped by ``key`` (default: their holder)."""
        if rows.size == 0:
            return {}
        key = self.holder[rows] if key is None else key
        width = len(self.vals)
        combined = (key + 16) * width + self.vid[rows]
        uniq, inverse = np.unique(combined, return_inverse=True)
        papers = np.bincount(inverse.reshape(-1), weights=self.count[rows].astype(np.float64))
        out: dict[int, Fraction] = {}
        for k, n in zip(uniq.tolist(), papers.tolist()):
            group, vid = divmod(k, width)
            out[group - 16] = out.get(group - 16, Fraction(0)) + self.vals[vid] * round(n)
        return out

    def _hopeful(self) -> list[int]:
        return [int(i) for i in np.flatnonzero(self.status == HOPEFUL)]

    def _reached(self, c: int) -> bool:
        v = self.credited[c]
        if self.rules.ers97 and v >= Fraction(1, 100) and v >= self._ers97_threshold():
            return True
        return v > self.quota if self.strict else v >= self.quota

    def _ers97_threshold(self) -> Fraction:
        """ERS97 5.1.7(b): the total active vote over one more than the places left.

        The total active vote (6.20) is the votes of the continuing candidates plus any
        votes awaiting transfer: untransferred surpluses, and the batches of candidates
        being excluded that have not moved yet (their credit drops to 0 as the last
        batch moves).
        """
        left = self.seats - len(self.order)
        active = sum((self.credited[c] for c in self._hopeful()), Fraction(0))
        active += self._untransferred()
        active += sum((self.credited[int(c)] for c in np.flatnonzero(self.status == EXCLUDED)), Fraction(0))
        return _ceil_cents(active / (left + 1))

    def _snapshot(self) -> np.ndarray:
        return np.array([_fmt(v) for v in self.credited])

    def _move(self, rows: np.ndarray, new_vid: np.ndarray) -> dict[int, Fraction]:
        """Move ``rows`` to their next hopeful preference at value ids ``new_vid``."""
        usable = self.status == HOPEFUL
        pos, cand = _next(self, rows, usable)
        self.pos[rows] = pos
        self.holder[rows] = cand
        self.vid[rows] = new_vid
        self.arrived[rows] = self.stage
        sums = self._sums(rows)
        for dest, value in sums.items():
            if dest >= 0:
                self.credited[dest] += value
        return sums

    def _transfer_dict(
        self, source: int, sums: dict[int, Fraction], lost: Fraction = Fraction(0)
    ) -> dict[str, dict[str, float]]:
        out: dict[str, float] = {}
        exhausted = lost
        for dest in sorted(sums):
            if dest >= 0:
                out[self.names[dest]] = _fmt(sums[dest])
            else:
                exhausted += sums[dest]
        out["exhausted"] = _fmt(exhausted)
        return {self.names[source]: out}

    # -- election and recording -----------------------------------------------------

    def _elect_reached(self) -> list[int]:
        if len(self.order) >= self.seats:
            return []
        if self.rules.ers97:
            if not self.order:
                # 5.4.8: until someone is elected the quota ignores non-transferable votes.
                self.quota = _ers97_quota(self.valid - self.nontransferable, self.seats)
            # Electing lowers the active vote, which can bring others to the threshold.
            out: list[int] = []
            while len(self.order) < self.seats:
                new = self._elect_once()
                if not new:
                    break
                out += new
            return out
        return self._elect_once()

    def _elect_once(self) -> list[int]:
        reached = [c for c in self._hopeful() if self._reached(c)]
        if self.rules.ers97 and self.breaker.mode == "previous_round":
            reached = self._ers97_places(reached)
        ordered: list[int] = []
        pool = list(reached)
        while pool:
            top = max(self.credited[c] for c in pool)
            tied = [c for c in pool if self.credited[c] == top]
            pick = (
                tied[0]
                if len(tied) == 1
                else self.breaker.pick(
                    tied, purpose="order", round=self.stage, history=self.history, lowest=False
                )
            )
            ordered.append(pick)
            pool.remove(pick)
        for c in ordered:
            if len(self.order) >= self.seats:
                break
            self.status[c] = ELECTED
            self.order.append(c)
            if self.credited[c] > self.quota:
                self.pending.append(c)
        return [c for c in ordered if self.status[c] == ELECTED]

    def _ers97_places(self, reached: list[int]) -> list[int]:
        """ERS97 5.6.2: who of ``reached`` may be deemed elected with the places left.

        Candidates are taken in descending order of votes. Where candidates with equal
        votes do not all fit in the places left, they are ranked by their votes at the
        first stage or the earliest later stage where they differed; those still equal
        at every stage, and not all fitting, are none of them deemed elected at this
        stage (nor is anyone with fewer votes).
        """
        places = self.seats - len(self.order)
        out: list[int] = []
        for value in sorted({self.credited[c] for c in reached}, reverse=True):
            group = [c for c in reached if self.credited[c] == value]
            if len(out) + len(group) <= places:
                out += group
                continue
            chosen_before = len(out)
            for tier in self._history_tiers(group):
                if len(out) + len(tier) <= places:
                    out += tier
                    continue
                if len(out) == places:
                    # Settled by the earlier stages: the places are filled from the top.
                    self.breaker.record(
                        Tie(
                            round=self.stage,
                            purpose="elect",
                            tied=tuple(self.names[c] for c in sorted(group)),
                            mode="previous_round",
                            chosen=tuple(self.names[c] for c in out[chosen_before:]),
                            detail="equal votes with too few places: decided by the votes at "
                            "the earliest stage where they differed (ERS97 5.6.2)",
                        )
                    )
                    break
                names = ", ".join(self.names[c] for c in tier)
                note = (
                    f"{names} reached the quota with equal votes, equal at every earlier stage, "
                    f"and not all can be elected: none of them is deemed elected at this stage "
                    f"(ERS97 5.6.2)"
                )
                if note not in self.pending_notes:
                    self.pending_notes.append(note)
                    self.pending_detail["not_deemed_elected"] = [self.names[c] for c in tier]
                    self.breaker.record(
                        Tie(
                            round=self.stage,
                            purpose="elect",
                            tied=tuple(self.names[c] for c in sorted(tier)),
                            mode="previous_round",
                            chosen=(),
                            detail="equal at every stage: none deemed elected at this stage (ERS97 5.6.2)",
                        )
                    )
                break
            break
        return out

    def _history_tiers(self, group: list[int]) -> list[list[int]]:
        """``group`` in descending order of votes at the earliest stage where they differed,
        as tiers of candidates equal at every stage so far."""

        def split(pool: list[int], start: int) -> list[list[int]]:
            for number in range(start, len(self.history)):
                counts = self.history[number]
                values = sorted({counts[c] for c in pool}, reverse=True)
                if len(values) > 1:
                    return [
                        tier
                        for v in values
                        for tier in split([c for c in pool if counts[c] == v], number + 1)
                    ]
            return [sorted(pool)]

        return split(list(group), 0)

    def _record(
        self,
        *,
        elected: Sequence[int] = (),
        eliminated: Sequence[int] = (),
        transfers: dict[str, dict[str, float]] | None = None,
        note: str,
        detail: dict[str, Any],
    ) -> None:
        inactive = {name: 0.0 for name in ("undervote", "overvote", "skipped", "repeated", "exhausted")}
        gone = self.holder < 0
        for code in np.unique(self.holder[gone]).tolist():
            inactive[_REASON[code]] = float(self.count[gone & (self.holder == code)].sum())
        continuing = float(self.count[~gone].sum())
        tally = {
            self.names[c]: _fmt(self.credited[c])
            for c in range(len(self.names))
            if self.status[c] != EXCLUDED or self.credited[c] != 0
        }
        if self.section is not None:
            note = f"{self.section['why']}: {note}"
            detail = {**self.section["detail"], **detail}
        for c in range(len(self.names)):
            self.peak[c] = max(self.peak[c], self.credited[c])
        if self.pending_notes:
            note = "; ".join([note, *self.pending_notes])
            detail = {**detail, **self.pending_detail}
            self.pending_notes, self.pending_detail = [], {}
        exhausted = self.holder == INACTIVE["exhausted"]
        self.recorder.add(
            tally=tally,
            elected=tuple(self.names[c] for c in elected),
            eliminated=tuple(self.names[c] for c in eliminated),
            transfers=transfers or {},
            continuing=continuing,
            inactive=inactive,
            threshold=_fmt(self.quota),
            note=note,
            exhausted_by_ranking={
                "partially_ranked": float(self.count[exhausted & ~self.fully_ranked].sum()),
                "fully_ranked": float(self.count[exhausted & self.fully_ranked].sum()),
            },
            values=(float(self.nontransferable), float(self.loss)),
        )
        self.stages.append(
            {
                "stage": len(self.rounds),
                **detail,
                "non_transferable": _fmt(self.nontransferable),
                "rounding_loss": _fmt(self.loss),
            }
        )
        self.history.append(self._snapshot())

    # -- stages -------------------------------------------------------------------------

    def first_stage(self) -> None:
        elected = self._elect_reached()
        self._record(elected=elected, note="first preferences", detail={"action": "first preferences"})

    def transfer_surplus(self, c: int) -> None:
        rules = self.rules
        self.pending.remove(c)
        self.stage += 1
        surplus = self.credited[c] - self.quota
        mine = np.flatnonzero(self.holder == c)
        if rules.surplus_papers == "last" and mine.size:
            last = self.arrived[mine].max()
            examined = mine[self.arrived[mine] == last]
        else:
            examined = mine
        detail: dict[str, Any] = {
            "action": "surplus",
            "candidate": self.names[c],
            "surplus": _fmt(surplus),
            "papers_examined": int(self.count[examined].sum()),
        }
        if rules.selection == "random":
            sums, lost = self._random_surplus(c, examined, surplus, detail)
        else:
            sums, lost = self._fractional_surplus(c, examined, surplus, detail)
        self.credited[c] = self.quota
        note = f"surplus of {self.names[c]} transferred"
        self._after_transfer(c, sums, lost, note, detail, eliminated=())

    def _fractional_surplus(
        self, c: int, examined: np.ndarray, surplus: Fraction, detail: dict[str, Any]
    ) -> tuple[dict[int, Fraction], Fraction]:
        rules = self.rules
        if rules.value == "inclusive":
            rows = examined
            base = self.credited[c]
        else:
            _, dest = _next(self, examined, self.status == HOPEFUL)
            rows = examined[dest >= 0]
            base = sum(self._sums(rows, np.zeros(rows.size, dtype=np.int64)).values(), Fraction(0))
        new_vid = self.vid[rows].copy()
        values: dict[str, float] = {}
        lost_to_nt = Fraction(0)
        if rules.value == "transferable" and base <= surplus:
            # Transferable papers worth no more than the surplus move at their value;
            # the rest of the surplus cannot be transferred.
            lost_to_nt = surplus - base
            values = {str(self.vals[v]): _fmt(self.vals[v]) for v in np.unique(new_vid).tolist()}
        elif rows.size:
            for v in np.unique(self.vid[rows]).tolist():
                old = self.vals[v]
                new = truncate(old * surplus / base, rules.decimals)
                if rules.value == "transferable":
                    new = min(new, old)
                new_vid[self.vid[rows] == v] = self._value_id(new)
                values[str(old)] = _fmt(new)
        detail["transfer_values"] = values
        sums = self._move(rows, new_vid)
        moved = sum(sums.values(), Fraction(0))
        exhausted = sum((v for d, v in sums.items() if d < 0), Fraction(0))
        self.nontransferable += exhausted + lost_to_nt
        self.loss += surplus - moved - lost_to_nt
        return sums, lost_to_nt

    def _random_surplus(
        self, c: int, examined: np.ndarray, surplus: Fraction, detail: dict[str, Any]
    ) -> tuple[dict[int, Fraction], Fraction]:
        _, dest = _next(self, examined, self.status == HOPEFUL)
        transferable = examined[dest >= 0]
        dest = dest[dest >= 0]
        total = int(self.count[transferable].sum())
        s = int(surplus)
        if total <= s:
            take = {int(d): int(self.count[transferable[dest == d]].sum()) for d in np.unique(dest).tolist()}
        else:
            sizes = {int(d): int(self.count[transferable[dest == d]].sum()) for d in np.unique(dest).tolist()}
            take = {d: n * s // total for d, n in sizes.items()}
            left = s - sum(take.values())
            # Papers left over go to the largest remainders; equal remainders to the
            # larger sub-parcel, then to the candidate first in the list.
            by_remainder = sorted(sizes, key=lambda d: (-((sizes[d] * s) % total), -sizes[d], d))
            for d in by_remainder[:left]:
                take[d] += 1
        detail["papers_transferred"] = {self.names[d]: n for d, n in sorted(take.items())}
        whole: list[np.ndarray] = []
        part_rows: list[np.ndarray] = []
        part_take: list[np.ndarray] = []
        for d, n in sorted(take.items()):
            rows = transferable[dest == d]
            counts = self.count[rows]
            chosen = counts if n >= counts.sum() else self.rng.multivariate_hypergeometric(counts, n)
            whole.append(rows[(chosen == counts) & (chosen > 0)])
            some = (chosen > 0) & (chosen < counts)
            part_rows.append(rows[some])
            part_take.append(chosen[some])
        split = self._split(
            np.concatenate(part_rows or [np.zeros(0, np.int64)]),
            np.concatenate(part_take or [np.zeros(0, np.int64)]),
        )
        rows = np.sort(np.concatenate([*whole, split])).astype(np.int64)
        sums = self._move(rows, self.vid[rows].copy())
        moved = sum(sums.values(), Fraction(0))
        lost = surplus - moved
        self.nontransferable += lost
        return sums, lost

    def _split(self, rows: np.ndarray, k: np.ndarray) -> np.ndarray:
        """Take ``k[i]`` papers of ``rows[i]`` into new rows (the papers drawn); returns them."""
        start = self.count.size
        self.count[rows] -= k
        for name in ("prefs", "end", "count", "vid", "pos", "arrived", "holder", "fully_ranked"):
            arr = getattr(self, name)
            setattr(self, name, np.concatenate([arr, arr[rows]]))
        self.count[start:] = k
        return np.arange(start, start + rows.size, dtype=np.int64)

    def exclude_together(
        self, cands: Sequence[int], why: str = "", why_detail: dict[str, Any] | None = None
    ) -> None:
        """Exclude ``cands`` in one stage (in batches of equal value under ``by_value``).

        ``why`` and ``why_detail`` (the reasons for a deferment or for excluding several
        candidates at once) go into the note and details of the first stage.
        """
        for c in cands:
            self.status[c] = EXCLUDED
        mine = np.flatnonzero(np.isin(self.holder, list(cands)))
        if self.rules.exclusion == "by_value" and mine.size:
            groups = sorted(np.unique(self.vid[mine]).tolist(), key=lambda v: -self.vals[v])
        else:
            groups = [None]
        names = ", ".join(self.names[c] for c in cands)
        for i, v in enumerate(groups):
            self.stage += 1
            transfers: dict[str, dict[str, float]] = {}
            for c in cands:
                rows = mine[self.holder[mine] == c]
                if v is not None:
                    rows = rows[self.vid[rows] == v]
                sums = self._move(rows, self.vid[rows].copy())
                self.credited[c] -= sum(sums.values(), Fraction(0))
                self.nontransferable += sum((x for d, x in sums.items() if d < 0), Fraction(0))
                if rows.size or i == 0:
                    transfers.update(self._transfer_dict(c, sums))
            detail: dict[str, Any] = {"action": "exclusion", "candidate": names}
            if v is not None:
                detail["parcel_value"] = _fmt(self.vals[v])
            note = f"{names} excluded"
            if len(groups) > 1:
                note += f", papers of value {self.vals[v]} ({i + 1} of {len(groups)})"
            if i == 0 and why:
                note += f" ({why})"
            if i == 0 and why_detail:
                detail.update(why_detail)
            elected = self._elect_reached()
            self._record(
                elected=elected,
                eliminated=tuple(cands) if i == 0 else (),
                transfers=transfers,
                note=note,
                detail=detail,
            )
            if len(self.order) >= self.seats:
                # Every place is filled: no further papers are transferred (ERS97 5.5.2);
                # the batches not reached stay credited to the excluded candidates.
                return
        for c in cands:
            self.credited[c] = Fraction(0)

    def _after_transfer(
        self,
        source: int,
        sums: dict[int, Fraction],
        lost: Fraction,
        note: str,
        detail: dict[str, Any],
        *,
        eliminated: Sequence[int],
    ) -> None:
        elected = self._elect_reached()
        self._record(
            elected=elected,
            eliminated=eliminated,
            transfers=self._transfer_dict(source, sums, lost),
            note=note,
            detail=detail,
        )

    # -- the count ---------------------------------------------------------------------

    def run(self) -> None:
        self.first_stage()
        self._run_stages()
        left_over = self._hopeful()
        if self.rules.ers97 and left_over and len(self.order) >= self.seats:
            # 5.5.2: every place is filled; the continuing candidates are formally excluded
            # and no further papers move.
            names = [self.names[c] for c in left_over]
            last = self.rounds[-1]
            self.rounds[-1] = dataclasses.replace(
                last,
                note=f"{last.note}; every place filled: {', '.join(names)} formally excluded (ERS97 5.5.2)",
            )
            self.stages[-1]["formally_excluded"] = names

    def _run_stages(self) -> None:
        while len(self.order) < self.seats:
            hopeful = self._hopeful()
            left = self.seats - len(self.order)
            if len(hopeful) <= left:
                self._elect_rest(hopeful)
                break
            if self.rules.early_finish and self._finish_early(hopeful, left):
                break
            if self.rules.ers97:
                self._ers97_step(hopeful, left)
                continue
            self._step(hopeful, left)
        if self.rules.recoupment and self.rules.early_finish and not self.rules.ers97:
            self._recoupment_stages()

    def _step(self, hopeful: list[int], left: int) -> None:
        """One stage: the largest surplus, unless deferred (s. 121), else an exclusion."""
        deferred: dict[str, Any] | None = None
        if self.pending and self.rules.defer_surplus and len(hopeful) >= 2:
            deferred = self._irish_deferment(hopeful)
        if self.pending and deferred is None:
            top = max(self.credited[c] for c in self.pending)
            tied = [c for c in self.pending if self.credited[c] == top]
            pick = (
                tied[0]
                if len(tied) == 1
                else self.breaker.pick(
                    tied, purpose="surplus", round=self.stage + 1, history=self.history[:-1], lowest=False
                )
            )
            self.transfer_surplus(pick)
            return
        why = [deferred.pop("why")] if deferred else []
        detail = {"deferred": deferred} if deferred else {}
        group = self._irish_group(hopeful, left) if self.rules.exclude_several else None
        if group is not None:
            why.append(group.pop("why"))
            detail["excluded_together"] = group
            self.exclude_together(
                [self.names.index(n) for n in group["candidates"]], why="; ".join(why), why_detail=detail
            )
            return
        low = min(self.credited[c] for c in hopeful)
        tied = [c for c in hopeful if self.credited[c] == low]
        pick = (
            tied[0]
            if len(tied) == 1
            else self.breaker.pick(
                tied, purpose="eliminate", round=self.stage + 1, history=self.history[:-1], lowest=True
            )
        )
        self.exclude_together([pick], why="; ".join(why), why_detail=detail)

    # -- s. 124(3): transfers after the last vacancies are filled -------------------------

    def _recoupment_stages(self) -> None:
        """Electoral Act 1992 s. 124(3): further transfers once every seat is filled.

        No further transfer is made unless a continuing candidate has not been credited
        with more than a quarter of the quota and the transfer is needed to establish
        whether they could be. While such a candidate could still pass the quarter (see
        :meth:`_recoupment_reach`), the count goes on as it would have (a surplus unless
        deferred under s. 121, else an exclusion, several at once under s. 122); each such
        stage is marked ``"section": "124(3)"`` and elects nobody. It stops as soon as no
        continuing candidate at or below the quarter could pass it. With one continuing
        candidate left, every surplus could go only to them, each giving exactly the
        smaller of the surplus and its papers naming them, so their votes are worked out
        (``settled``) and noted without a transfer.
        """
        while True:
            hopeful = self._hopeful()
            need = {
                c: reach
                for c in hopeful
                if self.credited[c] <= self.quarter
                for reach in [self._recoupment_reach(c, hopeful)]
                if reach > self.quarter
            }
            if not need:
                break
            if len(hopeful) == 1 and self.rules.selection == "random":
                # The papers of every surplus can go only to this candidate: each surplus
                # would give them exactly the smaller of the surplus and its papers naming
                # them (whole papers), so what they could be credited with is established
                # without a transfer.
                ((c, reach),) = need.items()
                name, votes, most = self.names[c], _fmt(self.credited[c]), _fmt(reach)
                self.settled = {name: {"votes": votes, "with_transfers": most}}
                last = self.rounds[-1]
                self.rounds[-1] = dataclasses.replace(
                    last,
                    note=f"{last.note}; s. 124(3): {name}, the only continuing candidate, would be "
                    f"credited with {most:g} (more than a quarter of the quota, "
                    f"{_fmt(self.quarter):g}) were the surpluses transferred; no transfer "
                    "is needed to establish it",
                )
                break
            names = ", ".join(f"{self.names[c]} {_fmt(self.credited[c]):g}" for c in need)
            self.section = {
                "why": (
                    f"s. 124(3): every seat filled, transfer made only to establish whether "
                    f"{names} can exceed a quarter of the quota ({_fmt(self.quarter):g}); "
                    "nobody is elected"
                ),
                "detail": {
                    "section": "124(3)",
                    "quarter_quota": _fmt(self.quarter),
                    "could_exceed_quarter": {
                        self.names[c]: {"votes": _fmt(self.credited[c]), "at_most": _fmt(reach)}
                        for c, reach in need.items()
                    },
                },
            }
            self._step(hopeful, 0)
            self.section = None

    def _recoupment_reach(self, c: int, hopeful: list[int]) -> Fraction:
        """The most votes continuing candidate ``c`` could still be credited with.

        A paper can come to ``c`` only if it names ``c`` after the preference it is at:
        from a surplus not yet transferred (its examined papers, at most the surplus), or
        from a continuing candidate excluded before ``c``. Such a candidate must then be
        at or below ``c``, so, taking the others from the lowest, each one with no more
        votes than ``c`` could by then have is counted as excluded first. Candidates gain
        votes too, so this is an upper bound: what ``c`` could reach, not what it will.
        """
        only = np.zeros(len(self.names), dtype=bool)
        only[c] = True

        def naming(rows: np.ndarray) -> Fraction:
            _, cand = _next(self, rows, only)
            hit = rows[cand == c]
            return sum(self._sums(hit, np.zeros(hit.size, dtype=np.int64)).values(), Fraction(0))

        reach = self.credited[c]
        for p in self.pending:
            mine = np.flatnonzero(self.holder == p)
            if self.rules.surplus_papers == "last" and mine.size:
                mine = mine[self.arrived[mine] == self.arrived[mine].max()]
            reach += min(self.credited[p] - self.quota, naming(mine))
        for x in sorted((x for x in hopeful if x != c), key=lambda x: (self.credited[x], x)):
            if self.credited[x] > reach:
                break
            reach += naming(np.flatnonzero(self.holder == x))
        return reach

    def _untransferred(self) -> Fraction:
        """The total of the surpluses of elected candidates not yet transferred."""
        return sum((self.credited[c] - self.quota for c in self.pending), Fraction(0))

    def _irish_deferment(self, hopeful: list[int]) -> dict[str, Any] | None:
        """Electoral Act 1992 s. 121: whether the surpluses not yet transferred wait.

        With ``S`` the total of every surplus not yet transferred, the transfer is
        deferred only when ``S`` can change nothing at this point: (a) the highest
        continuing candidate plus ``S`` stays below the quota, so nobody can be elected;
        (b) the lowest continuing candidate plus ``S`` stays below the next lowest (with
        the lowest candidates level the transfer is made), so the lowest is excluded
        either way; and (c) with ``recoupment``, the lowest candidate, if not yet above a
        quarter of the quota, cannot pass it with ``S`` either. Returns the numbers of
        the test (with a ``why`` sentence) when the surpluses are deferred, else None.

        Reference: these three conditions are those of the formal count specification
        in D. Cochran's Votail (``election.tally.AbstractBallotCounting``, after the
        Department of the Environment's "Count Requirements and Commentary on Count
        Rules") and of the Citizens Information guide; equal votes are read as in the
        "less than" of ss. 122 and 124(1A) (a surplus that could bring the lowest level
        with the next is transferred), as in the older rule texts of this family (a
        surplus is not transferred when it "is less than the difference" between the
        lowest and the next), whereas Votail's precondition transfers only a surplus that
        takes the lowest *past* the next. Check against the text of s. 121 before relying
        on a count where a deferment decides a seat.
        """
        s = self._untransferred()
        order = sorted(hopeful, key=lambda c: (self.credited[c], c))
        lowest, second, highest = order[0], order[1], order[-1]
        top = self.credited[highest] + s
        if (top > self.quota) if self.strict else (top >= self.quota):
            return None
        if self.credited[lowest] + s >= self.credited[second]:
            return None
        low = self.credited[lowest]
        if self.rules.recoupment and low <= self.quarter < low + s:
            return None
        surpluses = {self.names[c]: _fmt(self.credited[c] - self.quota) for c in self.pending}
        why = (
            f"surplus{'es' if len(self.pending) > 1 else ''} of "
            f"{', '.join(surpluses)} ({_fmt(s):g}) deferred under s. 121: "
            f"{self.names[highest]} {_fmt(self.credited[highest]):g} + {_fmt(s):g} stays below the quota, "
            f"{self.names[lowest]} {_fmt(low):g} + {_fmt(s):g} stays below "
            f"{self.names[second]} {_fmt(self.credited[second]):g}"
        )
        if self.rules.recoupment:
            why += (
                f", and {self.names[lowest]} cannot newly pass a quarter of the quota "
                f"({_fmt(self.quarter):g}) with it"
            )
        return {
            "why": why,
            "surpluses": surpluses,
            "total": _fmt(s),
            "highest": {self.names[highest]: _fmt(self.credited[highest])},
            "lowest": {self.names[lowest]: _fmt(low)},
            "next_lowest": {self.names[second]: _fmt(self.credited[second])},
            "quarter_quota": _fmt(self.quarter) if self.rules.recoupment else None,
        }

    def _irish_group(self, hopeful: list[int], left: int) -> dict[str, Any] | None:
        """Electoral Act 1992 s. 122: the lowest candidates excluded together, if any.

        The most (two or more) lowest continuing candidates whose votes together, plus
        every surplus not yet transferred, are less than the votes of the next candidate
        above them, leaving enough continuing candidates for the vacancies. None of them
        can then overtake that candidate, so each would be excluded in turn anyway. With
        ``recoupment``, a group is not used if one of its candidates has not yet passed a
        quarter of the quota and the group's votes plus the surpluses could take them past
        it. Returns the group and the numbers of the test (with a ``why`` sentence), or
        None when one candidate is excluded as usual.
        """
        s = self._untransferred()
        order = sorted(hopeful, key=lambda c: (self.credited[c], c))
        best: list[int] = []
        total = Fraction(0)
        best_total = Fraction(0)
        for k in range(1, len(order)):
            total += self.credited[order[k - 1]]
            if len(order) - k < left:
                break
            if k < 2 or total + s >= self.credited[order[k]]:
                continue
            if self.rules.recoupment and total + s > self.quarter and self.credited[order[0]] <= self.quarter:
                continue
            best, best_total = order[:k], total
        if not best:
            return None
        above = order[len(best)]
        names = [self.names[c] for c in best]
        why = (
            f"{', '.join(names)} excluded together under s. 122: their votes {_fmt(best_total):g}"
            f" + untransferred surpluses {_fmt(s):g} are less than {self.names[above]}'s "
            f"{_fmt(self.credited[above]):g}"
        )
        return {
            "why": why,
            "candidates": names,
            "votes": {self.names[c]: _fmt(self.credited[c]) for c in best},
            "total": _fmt(best_total),
            "untransferred_surpluses": _fmt(s),
            "next_above": {self.names[above]: _fmt(self.credited[above])},
        }

    def _ers97_step(self, hopeful: list[int], left: int) -> None:
        """One ERS97 stage: a surplus, unless deferred (5.2.2), else an exclusion (5.2.5)."""
        surplus = self._untransferred()
        losers = self._sure_losers(hopeful, left, surplus)
        if self.pending and not losers:
            top = max(self.credited[c] for c in self.pending)
            tied = [c for c in self.pending if self.credited[c] == top]
            self.transfer_surplus(self._earliest_difference(tied, lowest=False, purpose="surplus"))
            return
        if len(losers) > 1 or (losers and self.pending):
            out = losers
        else:
            low = min(self.credited[c] for c in hopeful)
            tied = [c for c in hopeful if self.credited[c] == low]
            out = [self._earliest_difference(tied, lowest=True, purpose="eliminate")]
        if len(hopeful) - len(out) <= left:
            # 5.5.1: an exclusion that would leave only as many continuing candidates as
            # places is not made; those candidates are deemed elected (and the others
            # formally excluded, 5.5.2).
            names = ", ".join(self.names[c] for c in out)
            ties = self.breaker.ties
            if ties and ties[-1].round == self.stage + 1:
                # The exclusion is not made, so a tie it needed belongs to this stage.
                ties[-1] = dataclasses.replace(ties[-1], round=self.stage)
            self._elect_rest(
                [c for c in hopeful if c not in out],
                reason=f"excluding {names} would leave as many continuing candidates as places (ERS97 5.5.1)",
            )
            return
        self.exclude_together(out)

    def _sure_losers(self, hopeful: list[int], left: int, surplus: Fraction) -> list[int]:
        """The most lowest candidates whose votes, with ``surplus``, do not exceed the next above.

        Enough candidates must remain for the places left, and the group may not split
        candidates with equal votes (ERS97 5.2.2 and 5.2.5).
        """
        order = sorted(hopeful, key=lambda c: (self.credited[c], c))
        best: list[int] = []
        total = Fraction(0)
        for k in range(1, len(order)):
            total += self.credited[order[k - 1]]
            if len(order) - k < left:
                break
            if self.credited[order[k - 1]] == self.credited[order[k]]:
                continue
            if total + surplus <= self.credited[order[k]]:
                best = order[:k]
        return best

    def _earliest_difference(self, tied: list[int], *, lowest: bool, purpose: str) -> int:
        """ERS97's tie rule: the votes at the first stage, or the earliest point after, where
        the tied candidates differed; then lot. Other tie-break modes are used as asked."""
        if len(tied) == 1:
            return tied[0]
        if self.breaker.mode != "previous_round":
            return self.breaker.pick(
                tied, purpose=purpose, round=self.stage + 1, history=self.history[:-1], lowest=lowest
            )
        pool = list(tied)
        for number, counts in enumerate(self.history[:-1], start=1):
            values = [counts[c] for c in pool]
            if len(set(values)) > 1:
                best = min(values) if lowest else max(values)
                pool = [c for c, v in zip(pool, values) if v == best]
                if len(pool) == 1:
                    names = tuple(self.names[c] for c in sorted(tied))
                    self.breaker.record(
                        Tie(
                            round=self.stage + 1,
                            purpose=purpose,
                            tied=names,
                            mode="previous_round",
                            chosen=(self.names[pool[0]],),
                            detail=f"decided by the votes at stage {number}, the earliest "
                            "where they differed",
                        )
                    )
                    return pool[0]
        return self.breaker.pick(pool, purpose=purpose, round=self.stage + 1, history=(), lowest=lowest)

    def _finish_early(self, hopeful: list[int], left: int) -> bool:
        """The Irish shortcuts that end a count whose outcome can no longer change.

        Electoral Act 1992 s. 124(2): with one vacancy left, a continuing candidate with
        more votes than all the other continuing candidates together plus the surpluses not
        yet transferred is elected. s. 124(1A) (inserted in 2001): with one continuing
        candidate more than the vacancies left, if the lowest one's votes plus those
        surpluses are less than the next lowest's, all the others are elected.
        """
        untransferred = self._untransferred()
        votes = sorted(hopeful, key=lambda c: (self.credited[c], -c))
        if left == 1:
            top = votes[-1]
            others = sum((self.credited[c] for c in votes[:-1]), Fraction(0))
            if self.credited[top] > others + untransferred:
                self._elect_rest(
                    [top],
                    reason="more votes than all the other continuing candidates "
                    "and the surpluses not transferred together",
                )
                return True
        if len(hopeful) == left + 1:
            lowest, next_lowest = votes[0], votes[1]
            if self.credited[lowest] + untransferred < self.credited[next_lowest]:
                self._elect_rest(
                    votes[1:],
                    reason=f"{self.names[lowest]} cannot overtake the next "
                    "lowest candidate even with the surpluses not transferred",
                )
                return True
        return False

    def _elect_rest(self, hopeful: list[int], reason: str = "no more of them than seats left") -> None:
        ordered = sorted(hopeful, key=lambda c: (-self.credited[c], c))
        for c in ordered:
            self.status[c] = ELECTED
            self.order.append(c)
        if ordered:
            last = self.rounds[-1]
            self.rounds[-1] = dataclasses.replace(
                last,
                elected=last.elected + tuple(self.names[c] for c in ordered),
                note=(last.note + "; " if last.note else "") + f"remaining candidates elected: {reason}",
            )


def _recoupment_report(count: _Count) -> dict[str, Any]:
    """Who was credited with more than a quarter of the quota at some stage, and who not."""
    above = [n for n, v in zip(count.names, count.peak) if v > count.quarter]
    return {
        "quarter_quota": _fmt(count.quarter),
        "highest_votes": {n: _fmt(v) for n, v in zip(count.names, count.peak)},
        "above_quarter_quota": above,
        "not_above_quarter_quota": [n for n in count.names if n not in above],
        "section_124_3_stages": [s["stage"] for s in count.stages if s.get("section") == "124(3)"],
        "settled_without_transfer": count.settled,
    }


def _ceil_cents(x: Fraction) -> Fraction:
    """``x`` rounded up to two decimal places."""
    return Fraction(-((-x.numerator * 100) // x.denominator), 100)


def _ers97_quota(total: Fraction, seats: int) -> Fraction:
    """ERS97 5.1.6: total / (seats + 1) to two places; exact, or the remainder dropped and
    0.01 added (that is, rounded up to the cent)."""
    return _ceil_cents(Fraction(total) / (seats + 1))


def _next(count: _Count, rows: np.ndarray, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Next usable preference after each row's current position."""
    papers = Papers(prefs=count.prefs, end=count.end, count=count.count, valid=np.ones(0, dtype=bool))
    return papers.first_usable(rows, count.pos[rows] + 1, usable)


def gregory_count(
    ballots: RankedBallots,
    *,
    seats: int,
    rules: GregoryRules,
    breaker: TieBreaker,
    seed: int | None = None,
    details: dict[str, Any] | None = None,
) -> Outcome:
    """Run a Gregory-family count and build its :class:`Outcome`."""
    count = _Count(ballots, seats, rules, breaker, seed)
    count.run()
    winners = tuple(ballots.candidates[c] for c in count.order)
    info = {
        "quota": _fmt(count.quota),
        "quota_exact": str(count.quota),
        "valid": count.valid,
        "elected_order": list(winners),
        "stages": count.stages,
        **(details or {}),
    }
    if rules.recoupment:
        info["recoupment"] = _recoupment_report(count)
    return count.recorder.outcome(winners=winners, ties=breaker.ties, details=info)
