"""The Gregory core of STV: ballot papers moving between candidates at transfer values.

A :class:`GregoryCount` is a sequence of *stages*. Stage 1 credits first preferences. Each
later stage either transfers the surplus of one elected candidate or excludes one candidate
(the lowest) and transfers their papers. After every stage, candidates reaching the quota
are deemed elected; when the candidates still in the running are no more than the seats
left, they are all elected and the count stops. That loop is the Scottish Order's (rules
45-52) and the weighted inclusive Gregory method's; the other legal texts are small
subclasses that change one step each (:mod:`tally.rules.stv_ers97`,
:mod:`tally.rules.stv_irish`), by overriding :meth:`~GregoryCount._step`,
:meth:`~GregoryCount._reached`, :meth:`~GregoryCount._places`,
:meth:`~GregoryCount._finish_early` or :meth:`~GregoryCount._initial_quota`.

How papers move is :class:`GregoryRules`:

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
``exclusion``
    ``"together"``: all papers of an excluded candidate move in one stage;
    ``"by_value"``: in parcels of equal value, highest first, each its own stage, with
    the quota checked after each (ERS97).
``quota``, ``reading``
    The quota (:func:`tally.count.papers.quota_value`) and how marks are read
    (:func:`tally.count.papers.read_papers`).

Overvotes read by the candidates still in the running (``overvote`` of
``exhaust_if_multiple``, ``single_continuing`` or ``split``) are read as the ballot walk
reads them, with the hopeful candidates as the continuing ones: whenever a paper moves, its
next preference is found given who is hopeful then. A paper reaching an overvote with
several hopeful candidates is non-transferable (``exhaust_if_multiple``); is set aside
(``single_continuing``) and re-read at every later stage, coming back at its value to the
one candidate left (or passing on when none is); or is divided (``split``) into equal
parts, one held by each of those candidates at its share of the paper's value, each part
re-divided among those still hopeful when its holder's papers move. The valid poll counts
every paper with a usable preference except one whose first preference is an overvote
under ``exhaust_if_multiple`` (it can never count, as under ``exhaust``); a paper set
aside at the first stage is valid and non-transferable until it comes back.

A :class:`~tally.outcome.Round` here is the state *after* a stage: ``tally`` the votes
credited to each candidate still in the count (elected or hopeful), ``transfers`` what
the stage moved, ``elected`` who reached the quota at that stage, ``eliminated`` who was
excluded at it. ``continuing`` counts the papers still credited to some candidate, and
``inactive`` those that left the count, by reason, so ``continuing + inactive = read``.
The recorder (:class:`tally.count.record.Recorder`) checks that, and that the sum of the
tally, the value of non-transferable papers and the value lost to truncation equals the
valid poll (both also in ``details["stages"]``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import FIRST_TIE_CODE, SKIPPED, RankedBallots
from ..errors import ConfigError
from ..options import Reading
from ..outcome import Outcome, Round
from ..ties import TieBreaker
from .papers import INACTIVE, SPLIT, Papers, quota_value, read_papers, truncate
from .record import Recorder

__all__ = [
    "ELECTED",
    "EXCLUDED",
    "HOPEFUL",
    "GregoryCount",
    "GregoryRules",
    "ceil_cents",
    "fmt",
    "next_usable",
]

HOPEFUL, ELECTED, EXCLUDED = 0, 1, 2
_REASON = {code: name for name, code in INACTIVE.items()}
_INACTIVE_ORDER = ("undervote", "overvote", "skipped", "repeated", "exhausted")


@dataclass(frozen=True)
class GregoryRules:
    """How papers move in one Gregory-family count (see the module docstring)."""

    surplus_papers: str = "all"
    selection: str = "fractional"
    value: str = "inclusive"
    decimals: int | None = None
    exclusion: str = "together"
    quota: str = "droop"
    reading: Reading = field(default_factory=Reading)


def fmt(x: Fraction) -> float:
    """A vote value as the outcome writes it."""
    return float(x)


def ceil_cents(x: Fraction) -> Fraction:
    """``x`` rounded up to two decimal places."""
    return Fraction(-((-x.numerator * 100) // x.denominator), 100)


class GregoryCount:
    """One Gregory-family STV count (see the module docstring)."""

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
        if rules.selection == "random" and rules.reading.overvote == "split":
            raise ConfigError(
                "option overvote='split' cannot be read by a count that draws whole papers at "
                "random (Irish STV): a divided paper is worth a fraction of a vote; use "
                "'exhaust', 'skip', 'exhaust_if_multiple' or 'single_continuing'"
            )
        papers: Papers = read_papers(ballots, rules.reading)
        self.papers = papers
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
        valid = papers.valid
        first = self.prefs[:, 0]
        if papers.ties is not None:
            self.pos, first = papers.first_usable(np.arange(rows), self.pos, np.ones(c, dtype=bool))
            if papers.overvote == "exhaust_if_multiple":
                valid = valid & (first != INACTIVE["overvote"])
        # a paper never counted because its first preference is an overvote is one
        end = np.where(first == INACTIVE["overvote"], first, papers.end)
        self.holder = np.where(valid, first, np.where(blank, INACTIVE["undervote"], end)).astype(np.int64)
        # the part of a paper each row holds (below 1 only for a divided overvote)
        self.share = np.ones(rows, dtype=np.float64)
        self.fully_ranked = (ballots.choices != SKIPPED).sum(axis=1) >= ballots.choices.shape[1]
        self.status = np.zeros(c, dtype=np.int64)
        self.credited = [Fraction(0)] * c
        self.valid = int(self.count[valid].sum())
        counted = np.flatnonzero(valid)
        if papers.ties is not None:
            counted = self._divide(counted)
        self.nontransferable = Fraction(0)
        for cand, value in self._sums(counted).items():
            if cand >= 0:
                self.credited[cand] = value
            else:
                self.nontransferable += value
        self.quota, self.strict = self._initial_quota()
        self.pending: list[int] = []
        self.order: list[int] = []
        self.stage = 1
        self.recorder = Recorder(self.names, ballots.total, valid=self.valid, transfers_into="same")
        self.rounds: list[Round] = self.recorder.rounds
        self.stages: list[dict[str, Any]] = []
        self.history: list[np.ndarray] = []
        self.loss = Fraction(0)
        # Notes and details for the stage being counted (ERS97 5.6.2: candidates left unelected).
        self.pending_notes: list[str] = []
        self.pending_detail: dict[str, Any] = {}
        # Why the stage being counted is counted, when a rule says (its note and details).
        self.section: dict[str, Any] | None = None
        # The most votes each candidate has been credited with at any stage.
        self.peak: list[Fraction] = [Fraction(0)] * c

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

    def _initial_quota(self) -> tuple[Fraction, bool]:
        """(quota, strict) at the start of the count."""
        return quota_value(self.rules.quota, self.valid, self.seats)

    def _reached(self, c: int) -> bool:
        """Whether candidate ``c`` has reached the quota (strictly more, for an exact Droop quota)."""
        v = self.credited[c]
        return v > self.quota if self.strict else v >= self.quota

    def _snapshot(self) -> np.ndarray:
        return np.array([fmt(v) for v in self.credited])

    def _move(self, rows: np.ndarray, new_vid: np.ndarray) -> dict[int, Fraction]:
        """Move ``rows`` to their next hopeful preference at value ids ``new_vid``."""
        usable = self.status == HOPEFUL
        pos, cand = next_usable(self, rows, usable)
        self.pos[rows] = pos
        self.holder[rows] = cand
        self.vid[rows] = new_vid
        self.arrived[rows] = self.stage
        if self.papers.ties is not None:
            rows = self._divide(rows)
        sums = self._sums(rows)
        for dest, value in sums.items():
            if dest >= 0:
                self.credited[dest] += value
        return sums

    def _divide(self, rows: np.ndarray) -> np.ndarray:
        """Divide the ``rows`` that reached a split overvote among its hopeful candidates.

        Each such row keeps the first of them; the others get new rows. All parts hold the
        row's papers at an equal share of its value. Returns ``rows`` and the new rows.
        """
        at = rows[self.holder[rows] == SPLIT]
        if not at.size:
            return rows
        assert self.papers.ties is not None
        hopeful = self.status == HOPEFUL
        parts: list[tuple[int, int]] = []
        for row in at.tolist():
            code = int(self.prefs[row, self.pos[row]])
            members = np.flatnonzero(self.papers.ties[FIRST_TIE_CODE - code] & hopeful).tolist()
            n = len(members)
            self.vid[row] = self._value_id(self.vals[self.vid[row]] / n)
            self.share[row] /= n
            self.holder[row] = members[0]
            parts.extend((row, m) for m in members[1:])
        source = np.array([r for r, _ in parts], dtype=np.int64)
        new = self._copy_rows(source)
        self.holder[new] = [m for _, m in parts]
        return np.concatenate([rows, new])

    def _recall(self) -> dict[int, Fraction]:
        """Papers set aside at an overvote (``single_continuing``) whose candidates have left
        all but one (or all): re-read at their value from the overvote. Returns where they went."""
        if self.papers.overvote != "single_continuing":
            return {}
        waiting = np.flatnonzero(self.holder == INACTIVE["overvote"])
        waiting = waiting[self.papers.at_tie(waiting, self.pos[waiting])]
        if not waiting.size:
            return {}
        _, state = self.papers.first_usable(waiting, self.pos[waiting], self.status == HOPEFUL)
        back = waiting[state != INACTIVE["overvote"]]
        if not back.size:
            return {}
        self.nontransferable -= sum(self._sums(back).values(), Fraction(0))
        sums = self._move(back, self.vid[back].copy())
        self.nontransferable += sum((v for d, v in sums.items() if d < 0), Fraction(0))
        return sums

    def _transfer_dict(
        self, source: int, sums: dict[int, Fraction], lost: Fraction = Fraction(0)
    ) -> dict[str, dict[str, float]]:
        out: dict[str, float] = {}
        exhausted = lost
        for dest in sorted(sums):
            if dest >= 0:
                out[self.names[dest]] = fmt(sums[dest])
            else:
                exhausted += sums[dest]
        out["exhausted"] = fmt(exhausted)
        return {self.names[source]: out}

    # -- election and recording -----------------------------------------------------

    def _elect_reached(self) -> list[int]:
        """Deem elected every hopeful candidate who has reached the quota; returns them."""
        if len(self.order) >= self.seats:
            return []
        return self._elect_once()

    def _elect_once(self) -> list[int]:
        reached = self._places([c for c in self._hopeful() if self._reached(c)])
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

    def _places(self, reached: list[int]) -> list[int]:
        """Who of ``reached`` may be deemed elected now (every one, unless a rule says)."""
        return reached

    def _record(
        self,
        *,
        elected: Sequence[int] = (),
        eliminated: Sequence[int] = (),
        transfers: dict[str, dict[str, float]] | None = None,
        note: str,
        detail: dict[str, Any],
    ) -> None:
        # one pass over the papers that left the count: by reason, and the exhausted ones
        # by how fully they rank (paper counts are whole, so the sums are exact)
        gone = np.flatnonzero(self.holder < 0)
        codes = -self.holder[gone]
        papers = self.count[gone] * self.share[gone]
        by_code = np.bincount(codes, weights=papers, minlength=len(_REASON) + 1)
        inactive = {name: float(by_code[-INACTIVE[name]]) for name in _INACTIVE_ORDER}
        exhausted = codes == -INACTIVE["exhausted"]
        fully = float(papers[exhausted & self.fully_ranked[gone]].sum())
        continuing = float((self.count * self.share).sum()) - float(papers.sum())
        tally = {
            self.names[c]: fmt(self.credited[c])
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
        self.recorder.add(
            tally=tally,
            elected=tuple(self.names[c] for c in elected),
            eliminated=tuple(self.names[c] for c in eliminated),
            transfers=transfers or {},
            continuing=continuing,
            inactive=inactive,
            threshold=fmt(self.quota),
            note=note,
            exhausted_by_ranking={"partially_ranked": inactive["exhausted"] - fully, "fully_ranked": fully},
            values=(float(self.nontransferable), float(self.loss)),
        )
        self.stages.append(
            {
                "stage": len(self.rounds),
                **detail,
                "non_transferable": fmt(self.nontransferable),
                "rounding_loss": fmt(self.loss),
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
            "surplus": fmt(surplus),
            "papers_examined": int(self.count[examined].sum()),
        }
        if rules.selection == "random":
            sums, lost = self._random_surplus(c, examined, surplus, detail)
        else:
            sums, lost = self._fractional_surplus(c, examined, surplus, detail)
        self.credited[c] = self.quota
        self._recall()
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
            _, dest = next_usable(self, examined, self.status == HOPEFUL)
            rows = examined[(dest >= 0) | (dest == SPLIT)]
            base = sum(self._sums(rows, np.zeros(rows.size, dtype=np.int64)).values(), Fraction(0))
        new_vid = self.vid[rows].copy()
        values: dict[str, float] = {}
        lost_to_nt = Fraction(0)
        if rules.value == "transferable" and base <= surplus:
            # Transferable papers worth no more than the surplus move at their value;
            # the rest of the surplus cannot be transferred.
            lost_to_nt = surplus - base
            values = {str(self.vals[v]): fmt(self.vals[v]) for v in np.unique(new_vid).tolist()}
        elif rows.size:
            for v in np.unique(self.vid[rows]).tolist():
                old = self.vals[v]
                new = truncate(old * surplus / base, rules.decimals)
                if rules.value == "transferable":
                    new = min(new, old)
                new_vid[self.vid[rows] == v] = self._value_id(new)
                values[str(old)] = fmt(new)
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
        _, dest = next_usable(self, examined, self.status == HOPEFUL)
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
        self.count[rows] -= k
        new = self._copy_rows(rows)
        self.count[new] = k
        return new

    def _copy_rows(self, rows: np.ndarray) -> np.ndarray:
        """Append a copy of each of ``rows`` (same papers, place and value); returns the copies."""
        start = self.count.size
        for name in ("prefs", "end", "count", "vid", "pos", "arrived", "holder", "fully_ranked", "share"):
            arr = getattr(self, name)
            setattr(self, name, np.concatenate([arr, arr[rows]]))
        self.papers = dataclasses.replace(self.papers, prefs=self.prefs, end=self.end, count=self.count)
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
            self._recall()
            detail: dict[str, Any] = {"action": "exclusion", "candidate": names}
            if v is not None:
                detail["parcel_value"] = fmt(self.vals[v])
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
        """The whole count: first preferences, then stages until the seats are filled."""
        self.first_stage()
        while len(self.order) < self.seats:
            hopeful = self._hopeful()
            left = self.seats - len(self.order)
            if len(hopeful) <= left:
                self._elect_rest(hopeful)
                break
            if self._finish_early(hopeful, left):
                break
            self._step(hopeful, left)

    def _finish_early(self, hopeful: list[int], left: int) -> bool:
        """Whether a rule ends the count before the last seats are filled (none by default)."""
        return False

    def _step(self, hopeful: list[int], left: int) -> None:
        """One stage: the largest surplus, else the exclusion of the lowest candidate."""
        if self.pending:
            self.transfer_surplus(self._largest_surplus())
            return
        self.exclude_together([self._lowest(hopeful)])

    def _largest_surplus(self) -> int:
        """The elected candidate with the largest surplus (a tie per the tie-break)."""
        top = max(self.credited[c] for c in self.pending)
        tied = [c for c in self.pending if self.credited[c] == top]
        if len(tied) == 1:
            return tied[0]
        return self.breaker.pick(
            tied, purpose="surplus", round=self.stage + 1, history=self.history[:-1], lowest=False
        )

    def _lowest(self, hopeful: list[int]) -> int:
        """The hopeful candidate with the fewest votes (a tie per the tie-break)."""
        low = min(self.credited[c] for c in hopeful)
        tied = [c for c in hopeful if self.credited[c] == low]
        if len(tied) == 1:
            return tied[0]
        return self.breaker.pick(
            tied, purpose="eliminate", round=self.stage + 1, history=self.history[:-1], lowest=True
        )

    def _untransferred(self) -> Fraction:
        """The total of the surpluses of elected candidates not yet transferred."""
        return sum((self.credited[c] - self.quota for c in self.pending), Fraction(0))

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

    def outcome(self, details: dict[str, Any] | None = None) -> Outcome:
        """The outcome of the count (run it first)."""
        winners = tuple(self.names[c] for c in self.order)
        info = {
            "quota": fmt(self.quota),
            "quota_exact": str(self.quota),
            "valid": self.valid,
            "elected_order": list(winners),
            "stages": self.stages,
            **(details or {}),
        }
        return self.recorder.outcome(winners=winners, ties=self.breaker.ties, details=info)


def next_usable(count: GregoryCount, rows: np.ndarray, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Next usable preference after each row's current position.

    A row standing at an overvote read by name is read again from that overvote: it
    means something else now that its candidate has left (the ballot walk does the same).
    """
    papers = Papers(
        prefs=count.prefs,
        end=count.end,
        count=count.count,
        valid=np.ones(0, dtype=bool),
        ties=count.papers.ties,
        overvote=count.papers.overvote,
    )
    start = count.pos[rows] + 1
    if papers.ties is not None:
        start -= papers.at_tie(rows, count.pos[rows])
    return papers.first_usable(rows, start, usable)
