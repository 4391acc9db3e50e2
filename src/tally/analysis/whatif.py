"""What-if scenarios on area tallies: move votes, then count again.

The scenario language (one statement per string; names match a candidate's full name
or surname, case-insensitive; ``in AREAS`` limits a statement to those areas — state
codes include their congressional districts — and is otherwise everywhere)::

    Nader -> Gore 50%                 half of Nader's voters vote Gore instead
    Bush -> other 2%                  2 % of Bush's voters vote for someone else ("Other")
    Bush -> abstain 2%                2 % of Bush's voters stay at home
    swing Bush -> Gore 1pt            one point of each area's vote moves from Bush to Gore
    swing Gore +1pt                   Gore gains one point of each area's vote, taken from
                                      every other candidate in proportion to their votes
    turnout +5%                       every candidate's vote grows by 5 %
    turnout Gore -3% in FL,OH         Gore's vote falls by 3 % in Florida and Ohio
    RUK -> Con 50% in "North East"    regions and states with spaces are quoted
    Nader off ballot in TX,CA -> Gore 45%, Bush 20%
                                      Nader is not on the ballot there; 45 % of his voters
                                      vote Gore, 20 % Bush, the rest abstain
    allocation proportional [hamilton|dhondt|sainte_lague|exact]
                                      count the electors another way (wta, statewide,
                                      district, proportional, popular)

Statements are applied in a fixed order, whatever order they are given in: candidates
off the ballot, then every transfer at once (each a share of the votes before any
transfer, so "Bush -> Gore 1%" and "Bush -> other 2%" take 1 % and 2 % of the same
Bush vote), then swings, then turnout changes. Percentages of a candidate's voters
moving out of one area may not add up to more than 100 %. The actual result and the
scenario are counted with the same electors: pledged unless ``faithless`` (or the
contest's own options) say otherwise, as ``tally ec`` counts them. So in 2000 "Nader ->
Gore 50% in FL" gives Gore his 267 pledged electors plus Florida's 25 = 292 (291 with
``faithless="historical"``, where the DC elector who abstained stays abstaining);
applied everywhere it also flips New Hampshire, whose break-even rate is 32.5 %, for 296.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn, overload

import numpy as np

from .. import headlines
from ..ballots import Tallies
from ..contest import Contest, is_electoral
from ..errors import ConfigError
from ..names import OTHER, aliases, find_candidate
from ..procedures import result
from ..procedures.electoral_college import district_tallies
from .margins import area_names

__all__ = ["ABSTAIN_TARGETS", "OTHER_TARGETS", "Statement", "apply", "parse", "whatif"]

OTHER_TARGETS = ("other", "others")
ABSTAIN_TARGETS = ("abstain", "abstention", "nobody", "none")
_KEYWORDS = {"in", "off", "ballot", "swing", "turnout", "allocation", "->", ","}
_TOKEN = re.compile(r'\s*(->|,|"[^"]*"|[^\s,"]+(?:->)?)')
_NAME = re.compile(r'^("[^"]*"|[^\W\d][\w.\'-]*)$')
_PERCENT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(%|pt|pts|pp)$", re.IGNORECASE)


@dataclass(frozen=True)
class Statement:
    """One parsed scenario statement."""

    kind: str  # transfer | swing | turnout | off | allocation
    text: str
    source: str | None = None
    targets: tuple[tuple[str, float], ...] = ()
    amount: float = 0.0
    areas: tuple[str, ...] | None = None
    allocation: str | None = None
    rounding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "source": self.source,
            "targets": [list(t) for t in self.targets],
            "amount": self.amount,
            "areas": None if self.areas is None else list(self.areas),
            "allocation": self.allocation,
            "rounding": self.rounding,
        }


class _Tokens:
    def __init__(self, text: str) -> None:
        self.text = text
        self.items: list[tuple[str, int]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or not m.group(1):
                if text[pos:].strip() == "":
                    break
                self.fail("cannot read", pos)
            tok = m.group(1)
            start = m.start(1)
            if tok == "->" or tok.startswith('"'):
                self.items.append((tok, start))
            elif tok.endswith("->"):  # "Nader->Gore" written without spaces
                self.items.append((tok[:-2], start))
                self.items.append(("->", start + len(tok) - 2))
            elif "->" in tok:
                head, tail = tok.split("->", 1)
                self.items += [(head, start), ("->", start + len(head)), (tail, start + len(head) + 2)]
            else:
                self.items.append((tok, start))
            pos = m.end()
        self.i = 0

    def fail(self, problem: str, position: int | None = None, token: str | None = None) -> NoReturn:
        if position is None:
            position = self.items[self.i][1] if self.i < len(self.items) else len(self.text)
            token = self.items[self.i][0] if self.i < len(self.items) else None
        where = f"at position {position + 1}" + (
            f" ({token!r})" if token is not None else " (end of statement)"
        )
        raise ConfigError(f"scenario {self.text!r}: {problem} {where}")

    def peek(self) -> str | None:
        return self.items[self.i][0] if self.i < len(self.items) else None

    def take(self) -> str:
        if self.i >= len(self.items):
            self.fail("unexpected end")
        tok = self.items[self.i][0]
        self.i += 1
        return tok

    def expect(self, word: str) -> None:
        if (self.peek() or "").lower() != word:
            self.fail(f"expected {word!r}")
        self.i += 1

    def name(self) -> str:
        words = []
        while (tok := self.peek()) is not None and tok.lower() not in _KEYWORDS and _NAME.match(tok):
            words.append(self.take().strip('"'))
        if not words:
            self.fail("expected a candidate name")
        return " ".join(words)

    def percent(self, signed: bool = False) -> tuple[float, str]:
        tok = self.peek()
        m = _PERCENT.match(tok or "")
        if not m:
            self.fail("expected a percentage such as 50% or 1pt")
        if not signed and m.group(1)[0] in "+-":
            self.fail("expected an unsigned percentage")
        self.i += 1
        return float(m.group(1)) / 100.0, m.group(2).lower()

    def areas(self) -> tuple[str, ...] | None:
        if (self.peek() or "").lower() != "in":
            return None
        self.i += 1
        codes = []
        while self.peek() is not None:
            tok = self.take()
            if tok == ",":
                continue
            codes.append(tok.strip('"').upper())
        if not codes:
            self.fail("expected area codes after 'in'")
        return tuple(codes)

    def end(self) -> None:
        if self.peek() is not None:
            self.fail("unexpected word")


def parse(text: str) -> Statement:
    """One statement of the scenario language (see the module docstring)."""
    toks = _Tokens(text)
    first = (toks.peek() or "").lower()
    if not first:
        toks.fail("empty statement")
    if first == "allocation":
        toks.take()
        if toks.peek() is None:
            toks.fail("expected an allocation (wta, statewide, district, proportional, popular)")
        allocation = toks.take().lower()
        rounding = toks.take().lower() if toks.peek() is not None else None
        toks.end()
        from ..rules.composite import ALLOCATIONS, ROUNDINGS

        if allocation not in ALLOCATIONS:
            raise ConfigError(
                f"scenario {text!r}: unknown allocation {allocation!r}; "
                f"choose one of {', '.join(ALLOCATIONS)}"
            )
        if rounding is not None and rounding not in ROUNDINGS:
            raise ConfigError(
                f"scenario {text!r}: unknown rounding {rounding!r}; choose one of {', '.join(ROUNDINGS)}"
            )
        return Statement("allocation", text, allocation=allocation, rounding=rounding)
    if first == "turnout":
        toks.take()
        who = None
        if (nxt := toks.peek()) is not None and not _PERCENT.match(nxt):
            who = toks.name()
        change, _ = toks.percent(signed=True)
        areas = toks.areas()
        toks.end()
        if change <= -1:
            raise ConfigError(f"scenario {text!r}: turnout cannot fall by 100 % or more")
        return Statement("turnout", text, source=who, amount=change, areas=areas)
    if first == "swing":
        toks.take()
        source = toks.name()
        if toks.peek() == "->":
            toks.take()
            target = toks.name()
            amount, _ = toks.percent()
            areas = toks.areas()
            toks.end()
            return Statement(
                "swing", text, source=source, targets=((target, 1.0),), amount=amount, areas=areas
            )
        amount, _ = toks.percent(signed=True)
        areas = toks.areas()
        toks.end()
        # "swing Gore +1pt": Gore gains, everyone else loses in proportion
        return Statement("swing", text, source=None, targets=((source, 1.0),), amount=amount, areas=areas)
    source = toks.name()
    if (toks.peek() or "").lower() == "off":
        toks.take()
        if (toks.peek() or "").lower() == "ballot":
            toks.take()
        areas = _areas_until_arrow(toks)
        targets = []
        if toks.peek() == "->":
            toks.take()
            while True:
                target = toks.name()
                share, _ = toks.percent()
                targets.append((target, share))
                if toks.peek() == ",":
                    toks.take()
                    continue
                break
        toks.end()
        if sum(s for _, s in targets) > 1 + 1e-12:
            raise ConfigError(f"scenario {text!r}: the shares of the voters add up to more than 100 %")
        return Statement("off", text, source=source, targets=tuple(targets), areas=areas)
    if toks.peek() == "->":
        toks.take()
        target = toks.name()
        share, _ = toks.percent()
        areas = toks.areas()
        toks.end()
        if share > 1:
            raise ConfigError(f"scenario {text!r}: cannot move more than 100 % of a candidate's voters")
        return Statement("transfer", text, source=source, targets=((target, share),), areas=areas)
    if (nxt := toks.peek()) is not None and _PERCENT.match(nxt) and nxt[0] in "+-":
        # "Gore +1%" as the --swing option writes it
        amount, _ = toks.percent(signed=True)
        areas = toks.areas()
        toks.end()
        return Statement("swing", text, source=None, targets=((source, 1.0),), amount=amount, areas=areas)
    toks.fail("expected '->', 'off' or a signed swing after the candidate name")
    raise AssertionError  # unreachable: fail raises


def _areas_until_arrow(toks: _Tokens) -> tuple[str, ...] | None:
    if (toks.peek() or "").lower() != "in":
        return None
    toks.i += 1
    codes = []
    while toks.peek() is not None and toks.peek() != "->":
        tok = toks.take()
        if tok != ",":
            codes.append(tok.strip('"').upper())
    if not codes:
        toks.fail("expected area codes after 'in'")
    return tuple(codes)


# ---------------------------------------------------------------------------- apply


@dataclass
class _Frame:
    """A tallies table with, per row, the state it belongs to."""

    tallies: Tallies
    states: tuple[str, ...]
    votes: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.votes = self.tallies.votes.astype(float).copy()

    def rows(self, areas: tuple[str, ...] | None) -> np.ndarray:
        if areas is None:
            return np.ones(len(self.states), dtype=bool)
        wanted = set(areas)
        return np.array(
            [a.upper() in wanted or s.upper() in wanted for a, s in zip(self.tallies.areas, self.states)]
        )


@overload
def _resolve(name: str, tallies: Tallies, allow_other: Literal[False], text: str) -> int: ...
@overload
def _resolve(name: str, tallies: Tallies, allow_other: bool, text: str) -> int | None: ...
def _resolve(name: str, tallies: Tallies, allow_other: bool, text: str) -> int | None:
    """The column ``name`` stands for; with ``allow_other``, None when the voters abstain."""
    low = name.lower()
    if allow_other and low in ABSTAIN_TARGETS:
        return None
    if allow_other and low in OTHER_TARGETS:
        if OTHER in tallies.candidates:
            return tallies.candidates.index(OTHER)
        raise ConfigError(f"scenario {text!r}: these tallies have no {OTHER!r} column; use 'abstain'")
    try:
        return tallies.candidates.index(
            find_candidate(name, tallies.candidates, tallies.totals(), aliases(tallies))
        )
    except ConfigError as exc:
        raise ConfigError(f"scenario {text!r}: {exc}") from None


def _check_areas(statement: Statement, frames: Sequence[_Frame]) -> None:
    if statement.areas is None:
        return
    known = {a.upper() for f in frames for a in f.tallies.areas} | {
        s.upper() for f in frames for s in f.states
    }
    unknown = [a for a in statement.areas if a not in known]
    if unknown:
        raise ConfigError(f"scenario {statement.text!r}: unknown area {', '.join(unknown)}")


def apply(tallies: Tallies, statements: Sequence[Statement]) -> tuple[Tallies, dict[str, Any]]:
    """The tallies after the scenario, and the count options it sets (allocation)."""
    # "in X" names an area or the group it belongs to: a state (House districts, ME/NE
    # congressional districts) or a region (UK constituencies; quote names with spaces)
    belongs = tallies.attributes.get("state") or tallies.attributes.get("region") or tallies.areas
    frames = [_Frame(tallies, tuple(str(g) for g in belongs))]
    dist = district_tallies(tallies)
    if dist is not None:
        frames.append(_Frame(dist, tuple(dist.attributes["state"])))
    options: dict[str, Any] = {}
    order = {"off": 0, "transfer": 1, "swing": 2, "turnout": 3, "allocation": 4}
    for s in statements:
        _check_areas(s, frames)
    for kind in sorted({s.kind for s in statements}, key=order.__getitem__):
        group = [s for s in statements if s.kind == kind]
        if kind == "allocation":
            last = group[-1]
            options["allocation"] = last.allocation
            if last.rounding:
                options["rounding"] = last.rounding
            continue
        for frame in frames:
            base = frame.votes.copy()
            outgoing = np.zeros_like(base)  # share of each column's votes already moved
            off = np.zeros(base.shape, dtype=bool)  # (area, candidate) taken off the ballot
            for s in group:
                rows = frame.rows(s.areas)
                if kind == "off":
                    assert s.source is not None  # parse gives every off statement its candidate
                    src = _resolve(s.source, tallies, False, s.text)
                    # two statements taking one candidate off in one area would each move
                    # all their votes there; which one holds would depend on their order
                    twice = rows & off[:, src]
                    if twice.any():
                        where = ", ".join(a for a, t in zip(frame.tallies.areas, twice) if t)
                        raise ConfigError(
                            f"scenario {s.text!r}: {tallies.candidates[src]} is already off the "
                            f"ballot in {where}"
                        )
                    off[:, src] |= rows
                    moved = base[rows, src].copy()
                    frame.votes[rows, src] -= moved
                    for target, share in s.targets:
                        dst = _resolve(target, tallies, True, s.text)
                        if dst is not None:
                            frame.votes[rows, dst] += share * moved
                elif kind == "transfer":
                    assert s.source is not None  # parse gives every transfer its source
                    src = _resolve(s.source, tallies, False, s.text)
                    ((target, share),) = s.targets
                    dst = _resolve(target, tallies, True, s.text)
                    if dst == src:
                        raise ConfigError(f"scenario {s.text!r}: a transfer from a candidate to themselves")
                    outgoing[rows, src] += share
                    if np.any(outgoing[:, src] > 1 + 1e-12):
                        raise ConfigError(
                            f"scenario {s.text!r}: more than 100 % of "
                            f"{tallies.candidates[src]}'s voters would move"
                        )
                    moved = share * base[rows, src]
                    frame.votes[rows, src] -= moved
                    if dst is not None:
                        frame.votes[rows, dst] += moved
                elif kind == "swing":
                    ((target, _),) = s.targets
                    dst = _resolve(target, tallies, False, s.text)
                    totals = frame.votes[rows].sum(axis=1)
                    points = s.amount * totals
                    if s.source is not None:
                        src = _resolve(s.source, tallies, False, s.text)
                        moved = np.minimum(points, frame.votes[rows, src])
                        frame.votes[rows, src] -= moved
                        frame.votes[rows, dst] += moved
                    else:
                        sub = frame.votes[rows]
                        others = sub.copy()
                        others[:, dst] = 0.0
                        pool = others.sum(axis=1)
                        safe = np.where(pool > 0, pool, 1.0)
                        if s.amount >= 0:
                            take = np.minimum(others * (points / safe)[:, None], others)
                            sub -= take
                            sub[:, dst] += take.sum(axis=1)
                        else:
                            # a negative swing hands the candidate's points to the others
                            loss = np.where(pool > 0, np.minimum(-points, sub[:, dst]), 0.0)
                            sub[:, dst] -= loss
                            sub += others * (loss / safe)[:, None]
                        frame.votes[rows] = sub
                else:  # turnout
                    if s.source is None:
                        frame.votes[rows] *= 1 + s.amount
                    else:
                        col = _resolve(s.source, tallies, False, s.text)
                        frame.votes[rows, col] *= 1 + s.amount
            if np.any(frame.votes < -1e-9):
                raise ConfigError("the scenario leaves a candidate with fewer than no votes")
            np.maximum(frame.votes, 0.0, out=frame.votes)
    new_dist = None
    if dist is not None:
        new_dist = Tallies(
            dist.areas,
            dist.candidates,
            frames[1].votes,
            attributes=dist.attributes,
            parties=dist.parties,
            source=dist.source,
            title=dist.title,
            metadata=dist.metadata,
        )
    metadata = dict(tallies.metadata)
    if new_dist is not None:
        metadata["districts"] = new_dist
    new = Tallies(
        tallies.areas,
        tallies.candidates,
        frames[0].votes,
        attributes=tallies.attributes,
        parties=tallies.parties,
        source=tallies.source,
        title=tallies.title,
        metadata=metadata,
    )
    return new, options


def whatif(
    contest: Contest | Tallies,
    statements: Sequence[str | Statement],
    *,
    faithless: Any = None,
    **options: Any,
) -> dict[str, Any]:
    """The scenario's result beside the actual one: the Electoral College for tallies
    with electoral votes, otherwise seats won area by area (first-past-the-post).

    ``faithless`` chooses the electors of both counts: None keeps the contest's own
    setting (pledged electors unless its options say otherwise), ``"none"`` or
    ``"pledged"`` counts every elector as pledged, ``"historical"`` as they voted.

    Returns the ``tally ec`` shape for the scenario (``electoral_votes``, ``winner``,
    ``areas``; ``seats`` instead of ``electoral_votes`` for seat tallies) plus ``actual`` (the same shape, unchanged votes), ``flipped`` (areas
    whose winner changed: ``area``, ``from``, ``to``, ``electoral_votes``) and
    ``scenario`` (the statements as parsed).
    """
    if isinstance(contest, Tallies):
        contest = Contest(contest, "electoral_college" if is_electoral(contest) else "plurality")
    if not isinstance(contest.ballots, Tallies):
        raise ConfigError("what-if scenarios work on area tallies")
    parsed = [s if isinstance(s, Statement) else parse(s) for s in statements]
    electoral = is_electoral(contest.ballots)
    if faithless is not None:
        options["faithless"] = faithless
    base = contest.with_options(**options) if electoral else contest
    actual = result(base)
    new_tallies, set_options = apply(contest.ballots, parsed)
    if set_options and not electoral:
        raise ConfigError(
            "'allocation' applies to an Electoral College; these tallies elect one seat per area"
        )
    scenario = result(base.with_ballots(new_tallies).with_options(**set_options))
    weight = "electoral_votes" if electoral else ("seats" if "seats" in contest.ballots.attributes else None)
    before = {a["area"]: a for a in actual["areas"]}
    flipped = []
    for a in scenario["areas"]:
        old = before.get(a["area"])
        if old is not None and old["winner"] != a["winner"]:
            row = {"area": a["area"], "from": old["winner"], "to": a["winner"]}
            if weight:
                row[weight] = a[weight]
            flipped.append(row)
    out = {**scenario, "scenario": [s.to_dict() for s in parsed], "actual": actual, "flipped": flipped}
    out["headline"] = headlines.whatif(out, area_names(contest.ballots))
    return out
