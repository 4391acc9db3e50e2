"""The ballot papers of a Gregory count: who holds each, at what value, and how they move on.

:class:`GregoryPapers` keeps, per row of identical papers, the candidate holding it (or
why it left the count), its place in the preference list, its value (an id into a table
of exact fractions), the stage it arrived at and the part of a paper it stands for. The
count (:class:`tally.count.gregory.GregoryCount`) moves rows by asking for their next
hopeful preference; the surplus steps (:mod:`tally.count.gregory_surplus`) choose which
rows move and at what value.

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
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..ballots import FIRST_TIE_CODE, SKIPPED, RankedBallots
from ..errors import ConfigError
from ..options import Reading
from .papers import INACTIVE, SPLIT, Papers, read_papers

__all__ = [
    "ELECTED",
    "EXCLUDED",
    "HOPEFUL",
    "GregoryPapers",
    "GregoryRules",
    "ceil_cents",
    "fmt",
    "next_usable",
]

HOPEFUL, ELECTED, EXCLUDED = 0, 1, 2


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


class GregoryPapers:
    """The papers of one Gregory-family count and the candidates' standing (see the module docstring).

    ``status`` is each candidate's (``HOPEFUL``, ``ELECTED`` or ``EXCLUDED``), ``credited``
    the votes credited to them, ``nontransferable`` the value of papers that left the count
    and ``loss`` the value lost to truncated transfer values.
    """

    def __init__(self, ballots: RankedBallots, rules: GregoryRules, seed: int | None) -> None:
        self.ballots = ballots
        self.names = ballots.candidates
        self.rules = rules
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
        # the stage papers moving now arrive at (the first preferences are stage 1)
        self.stage = 1
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
        # the value cut from transferred papers by truncating their transfer values
        self.loss = Fraction(0)
        for cand, value in self.sums(counted).items():
            if cand >= 0:
                self.credited[cand] = value
            else:
                self.nontransferable += value

    def value_id(self, value: Fraction) -> int:
        """The id of ``value`` in the table of paper values (added when new)."""
        if value not in self.vid_of:
            self.vid_of[value] = len(self.vals)
            self.vals.append(value)
        return self.vid_of[value]

    def sums(self, rows: np.ndarray, key: np.ndarray | None = None) -> dict[int, Fraction]:
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

    def move(self, rows: np.ndarray, new_vid: np.ndarray) -> dict[int, Fraction]:
        """Move ``rows`` to their next hopeful preference at value ids ``new_vid``.

        The candidates reached are credited; returns the value each destination (a
        candidate, or an inactive reason's code) received.
        """
        usable = self.status == HOPEFUL
        pos, cand = next_usable(self, rows, usable)
        self.pos[rows] = pos
        self.holder[rows] = cand
        self.vid[rows] = new_vid
        self.arrived[rows] = self.stage
        if self.papers.ties is not None:
            rows = self._divide(rows)
        sums = self.sums(rows)
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
            self.vid[row] = self.value_id(self.vals[self.vid[row]] / n)
            self.share[row] /= n
            self.holder[row] = members[0]
            parts.extend((row, m) for m in members[1:])
        source = np.array([r for r, _ in parts], dtype=np.int64)
        new = self.copy_rows(source)
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
        self.nontransferable -= sum(self.sums(back).values(), Fraction(0))
        sums = self.move(back, self.vid[back].copy())
        self.nontransferable += sum((v for d, v in sums.items() if d < 0), Fraction(0))
        return sums

    def copy_rows(self, rows: np.ndarray) -> np.ndarray:
        """Append a copy of each of ``rows`` (same papers, place and value); returns the copies."""
        start = self.count.size
        for name in ("prefs", "end", "count", "vid", "pos", "arrived", "holder", "fully_ranked", "share"):
            arr = getattr(self, name)
            setattr(self, name, np.concatenate([arr, arr[rows]]))
        self.papers = dataclasses.replace(self.papers, prefs=self.prefs, end=self.end, count=self.count)
        return np.arange(start, start + rows.size, dtype=np.int64)


def next_usable(count: GregoryPapers, rows: np.ndarray, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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
