"""Spoiler analysis: could a minor candidate's voters have changed who won?

For area tallies (plurality in each area, an Electoral College over them), every
candidate outside an area's top two gets a row: the area's winner and runner-up, the
margin between them, the candidate's votes, and the **break-even net transfer rate**
``margin / votes`` — the share of the candidate's voters who, net, would have to prefer
the runner-up over the winner for the runner-up to overtake (for the runner-up to
*win*, strictly more than that). Above 1 (100 %) no transfer can flip the area.
Assumptions about where the voters would go are explicit: a transfer matrix (to each
candidate and to abstention, run through :mod:`tally.analysis.whatif`) or a sweep over
net rates. For ranked ballots, a candidate is removed from every ballot (later
rankings move up) and the ballots are counted again under the contest's rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import headlines
from ..ballots import FIRST_TIE_CODE, SKIPPED, RankedBallots, Tallies
from ..contest import Contest, is_electoral
from ..errors import ConfigError
from ..names import aliases, find_candidate
from ..procedures import result
from ..procedures.electoral_college import district_tallies
from ..rules import count
from .margins import need_two_candidates

__all__ = ["break_even_rows", "decisive_flips", "drop_candidate", "ranked_spoilers", "spoilers", "sweep"]


def _frames(tallies: Tallies) -> list[Tallies]:
    dist = district_tallies(tallies)
    return [tallies] if dist is None else [tallies, dist]


def _eligible(tallies: Tallies) -> np.ndarray:
    pseudo = set(tallies.metadata.get("pseudo_candidates", ()))
    return np.array([c not in pseudo for c in tallies.candidates])


def break_even_rows(tallies: Tallies, candidates: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per area and candidate outside the area's top two (with votes).

    Rows: ``area``, ``candidate``, ``votes``, ``winner``, ``runner_up``, ``margin``,
    ``break_even`` (margin / votes, a fraction), ``can_flip`` (break_even < 1).
    Sorted by break_even, then area and candidate.
    """
    eligible = _eligible(tallies)
    wanted = None if candidates is None else set(candidates)
    rows = []
    for frame in _frames(tallies):
        for i, area in enumerate(frame.areas):
            v = frame.votes[i]
            masked = np.where(eligible, v, -np.inf)
            order = np.argsort(-masked, kind="stable")
            w, r = int(order[0]), int(order[1])
            margin = float(v[w] - v[r])
            for k in order[2:]:
                k = int(k)
                name = frame.candidates[k]
                if not eligible[k] or v[k] <= 0 or (wanted is not None and name not in wanted):
                    continue
                rows.append(
                    {
                        "area": area,
                        **({"name": frame.attributes["name"][i]} if "name" in frame.attributes else {}),
                        "candidate": name,
                        "votes": float(v[k]),
                        "winner": frame.candidates[w],
                        "runner_up": frame.candidates[r],
                        "margin": margin,
                        "break_even": margin / float(v[k]),
                        "can_flip": margin < float(v[k]),
                    }
                )
    rows.sort(key=lambda r: (r["break_even"], r["area"], r["candidate"]))
    return rows


def _net_transfer(tallies: Tallies, column: int, rate: float, toward: int | None = None) -> Tallies:
    """Tallies with one candidate withdrawn: in each area a net ``rate`` of their votes
    goes to ``toward`` (default: each area's runner-up among the others), the rest
    abstains."""
    eligible = _eligible(tallies)
    eligible_others = eligible.copy()
    eligible_others[column] = False

    def move(frame: Tallies) -> np.ndarray:
        votes = frame.votes.astype(float).copy()
        for i in range(votes.shape[0]):
            masked = np.where(eligible_others, votes[i], -np.inf)
            order = np.argsort(-masked, kind="stable")
            gains = int(order[1]) if toward is None else toward
            votes[i, gains] += rate * votes[i, column]
            votes[i, column] = 0.0
        return votes

    frames = _frames(tallies)
    metadata = dict(tallies.metadata)
    if len(frames) == 2:
        metadata["districts"] = _with_votes(frames[1], move(frames[1]))
    return _with_votes(tallies, move(tallies), metadata)


def _with_votes(t: Tallies, votes: np.ndarray, metadata: Mapping[str, Any] | None = None) -> Tallies:
    """``t`` with other votes (and metadata): the same areas, candidates and attributes."""
    return Tallies(
        t.areas,
        t.candidates,
        votes,
        attributes=t.attributes,
        parties=t.parties,
        source=t.source,
        title=t.title,
        metadata=t.metadata if metadata is None else metadata,
    )


def _shifted(tallies: Tallies, row: Mapping[str, Any], amount: float) -> Tallies:
    """Tallies with ``amount`` votes moved from the row's candidate to its runner-up in the
    row's area (in the district tallies when the area is a congressional district)."""
    frames = _frames(tallies)
    k = next(i for i, f in enumerate(frames) if row["area"] in f.areas)
    frame = frames[k]
    votes = frame.votes.astype(float).copy()
    i = frame.areas.index(row["area"])
    votes[i, frame.candidates.index(row["candidate"])] -= amount
    votes[i, frame.candidates.index(row["runner_up"])] += amount
    moved = _with_votes(frame, votes)
    if k == 0:
        return moved
    return _with_votes(tallies, tallies.votes, {**tallies.metadata, "districts": moved})


def decisive_flips(
    contest: Contest, rows: Sequence[Mapping[str, Any]], actual: Mapping[str, Any], *, limit: int = 200
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The flips that matter, in the order of :func:`break_even_rows`: the smallest net
    transfer that changes who wins overall (``pivotal``), and the smallest that flips an
    area at all (``closest``).

    Each flip is its row, with ``needed`` (the net votes the runner-up must gain from the
    candidate's voters to lead: the margin and one more, ``break_even`` being the share at
    which the area ties), ``share`` (``needed`` as a share of the candidate's votes),
    ``weight`` (the area's electoral votes or seats) and ``result`` (the overall ``winner``,
    None when nobody has a majority, and the totals once that area alone flips). The first
    ``limit`` rows that can flip are tried.

    Returns
    -------
    tuple
        ``(pivotal, closest)``, each None when no row qualifies.
    """
    tallies = contest.ballots
    key = next(k for k in ("electoral_votes", "seats", "votes") if k in actual)
    pivotal = closest = None
    for row in [r for r in rows if r["can_flip"]][:limit]:
        needed = float(np.floor(row["margin"]) + 1)
        after = result(contest.with_ballots(_shifted(tallies, row, needed)))
        frame = next(f for f in _frames(tallies) if row["area"] in f.areas)
        weight = frame.attributes.get("electoral_votes", frame.attributes.get("seats"))
        flip = {
            **row,
            "needed": needed,
            "share": needed / row["votes"],
            "weight": None if weight is None else weight[frame.areas.index(row["area"])],
            "result": {"winner": after["winner"], key: after[key]},
        }
        closest = closest or flip
        if after["winner"] != actual["winner"]:
            pivotal = flip
            break
    return pivotal, closest


def sweep(
    contest: Contest, candidate: str, rates: Sequence[float], toward: str | None = None
) -> list[dict[str, Any]]:
    """For each net rate: the areas that flip if ``candidate`` withdraws and that net
    share of their voters prefers ``toward`` (default: each area's runner-up) over the
    others, and the overall result."""
    tallies = contest.ballots
    column = tallies.candidates.index(candidate)
    gains = None if toward is None else tallies.candidates.index(toward)
    if gains == column:
        raise ConfigError(f"a candidate's voters cannot move toward the same candidate ({candidate})")
    actual = result(contest)
    before = {a["area"]: a["winner"] for a in actual["areas"]}
    out = []
    for rate in rates:
        if not 0 <= rate <= 1:
            raise ConfigError(f"a net transfer rate must be between 0 and 1, not {rate}")
        after = result(contest.with_ballots(_net_transfer(tallies, column, rate, gains)))
        flipped = [a["area"] for a in after["areas"] if before.get(a["area"]) != a["winner"]]
        key = next(k for k in ("electoral_votes", "seats", "votes") if k in after)
        out.append(
            {
                "rate": rate,
                "toward": toward or "runner-up",
                "flipped": flipped,
                key: after[key],
                "winner": after["winner"],
            }
        )
    return out


def spoilers(
    contest: Contest | Tallies,
    *,
    candidates: Sequence[str] | None = None,
    transfers: Mapping[str, Mapping[str, float]] | None = None,
    rates: Sequence[float] | None = None,
    toward: str | None = None,
    faithless: Any = None,
) -> dict[str, Any]:
    """The spoiler report of area tallies: an Electoral College, or seats won area by
    area (first-past-the-post) when the tallies carry no electoral votes.

    ``candidates`` limits the rows (names or surnames); ``transfers`` is a matrix
    ``{minor: {candidate | "abstain" | "other": share}}`` whose scenario is counted (each
    minor candidate withdraws everywhere; the share their voters give nobody abstains);
    ``rates`` a list of net rates for a sweep per minor candidate named in
    ``candidates`` (or the largest minor candidate nationally), the net share going to
    ``toward`` (default: each area's runner-up, the break-even reading).

    ``faithless`` chooses the electors (None: the contest's own setting, pledged unless
    its options say otherwise; ``"historical"``: as they voted), for the actual result,
    the assumption and the sweep alike.

    Returns ``{"rows": [...], "actual": {ec}, "assumption": {...} | None,
    "sweep": [...] | None}``.
    """
    from .whatif import ABSTAIN_TARGETS, Statement, whatif

    if isinstance(contest, Tallies):
        contest = Contest(contest, "electoral_college" if is_electoral(contest) else "plurality")
    if is_electoral(contest.ballots) and faithless is not None:
        contest = contest.with_options(faithless=faithless)
    t = contest.ballots
    need_two_candidates(t, "spoilers")
    names = None
    if candidates:
        names = [find_candidate(c, t.candidates, t.totals(), aliases(t)) for c in candidates]
    rows = break_even_rows(t, names)
    actual = result(contest)
    pivotal, closest = decisive_flips(contest, rows, actual)
    report: dict[str, Any] = {
        "rows": rows,
        "actual": actual,
        "pivotal": pivotal,
        "closest": closest,
        "assumption": None,
        "sweep": None,
    }
    if transfers:
        statements = []
        for minor, shares in transfers.items():
            total = sum(shares.values())
            if total > 1 + 1e-12:
                raise ConfigError(f"the shares of {minor}'s voters add up to {total:.0%}, more than 100 %")
            # The minor candidate withdraws: every one of their votes moves or abstains. Built
            # as a Statement, not text, so names with quotes and exact shares survive.
            moved = tuple(
                (target, float(share))
                for target, share in shares.items()
                if target.lower() not in ABSTAIN_TARGETS
            )
            text = f"{minor} off ballot" + (
                " -> " + ", ".join(f"{t} {v:.2%}" for t, v in moved) if moved else ""
            )
            statements.append(Statement("off", text, source=minor, targets=moved))
        report["assumption"] = {
            "transfers": {m: dict(s) for m, s in transfers.items()},
            "result": whatif(contest, statements),
        }
    if rates:
        if names:
            withdrawn = names
        else:
            eligible = _eligible(t)
            totals = np.where(eligible, t.totals(), -np.inf)
            order = np.argsort(-totals, kind="stable")
            if np.isinf(totals).all() or len(order) < 3 or np.isinf(totals[order[2]]):
                raise ConfigError("no third candidate to withdraw in a sweep; name the candidate to withdraw")
            withdrawn = [t.candidates[int(order[2])]]
        gains = None if toward is None else find_candidate(toward, t.candidates, t.totals(), aliases(t))
        report["sweep"] = {name: sweep(contest, name, rates, gains) for name in withdrawn}
    report["headline"] = headlines.spoilers(report, t.metadata.get("office"))
    return report


# ----------------------------------------------------------------------- ranked ballots


def drop_candidate(ballots: RankedBallots, name: str) -> RankedBallots:
    """The ballots as if ``name`` had not stood: their marks removed, later ranks moved up.

    A rank marking only the removed candidate disappears (the next rank moves up); a
    rank marking them with others (a tie) keeps the others; skipped ranks and
    overvotes stay where the voter left them. Vectorised: every code is mapped through
    one table and each row's kept marks are moved left in one scatter.
    """
    if name not in ballots.candidates:
        raise ConfigError(f"no candidate {name!r}; candidates: {', '.join(ballots.candidates)}")
    gone = ballots.candidates.index(name)
    c = len(ballots.candidates)
    choices = ballots.choices
    low = FIRST_TIE_CODE - len(ballots.tie_sets) + 1
    drop = np.iinfo(np.int16).min
    table = np.arange(low, c, dtype=np.int64)  # code -> new code (index: code - low)
    singles = np.arange(c)
    table[singles - low] = np.where(singles < gone, singles, singles - 1)
    table[gone - low] = drop
    # tie sets: the others stay tied, numbered in the order they first appear (row by row)
    new_sets: list[frozenset[int]] = []
    set_code: dict[frozenset[int], int] = {}
    flat = choices.ravel()
    present = np.unique(flat[flat <= FIRST_TIE_CODE]) if flat.size else np.zeros(0, dtype=np.int64)
    first_seen = {int(code): int(np.argmax(flat == code)) for code in present}
    for code in sorted(first_seen, key=first_seen.__getitem__):
        members = frozenset(
            m if m < gone else m - 1 for m in ballots.tie_sets[FIRST_TIE_CODE - code] if m != gone
        )
        if not members:
            table[code - low] = drop
        elif len(members) == 1:
            table[code - low] = next(iter(members))
        else:
            if members not in set_code:
                set_code[members] = FIRST_TIE_CODE - len(new_sets)
                new_sets.append(members)
            table[code - low] = set_code[members]
    mapped = table[choices.astype(np.int64) - low]
    kept = mapped != drop
    matrix = np.full(mapped.shape, SKIPPED, dtype=np.int64)
    rows, ranks = np.nonzero(kept)
    matrix[rows, np.cumsum(kept, axis=1)[rows, ranks] - 1] = mapped[rows, ranks]
    # trailing SKIPPED padding stands for "no further ranks", as in the original matrix
    return RankedBallots.from_matrix(
        tuple(n for n in ballots.candidates if n != name),
        matrix.astype(np.int16),
        ballots.weights.copy(),
        tie_sets=new_sets,
        source=ballots.source,
        title=ballots.title,
        # a candidate who has not stood is no longer among the withdrawn
        metadata=_not_withdrawn(ballots.metadata, name),
    )


def _not_withdrawn(metadata: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``metadata`` with ``name`` gone from its withdrawn candidates (if it has any)."""
    out = dict(metadata)
    if out.get("withdrawn"):
        out["withdrawn"] = tuple(w for w in out["withdrawn"] if w != name)
    return out


def ranked_spoilers(ballots: RankedBallots, rule: str, **options: Any) -> dict[str, Any]:
    """For each losing candidate: the winner with and without them under ``rule``.

    A candidate whose removal changes the winner is reported as a spoiler.
    """
    actual = count(ballots, rule, **options)
    rows = []
    # withdrawn candidates and those a contest's rules exclude (RCTab's) did not stand
    absent = {*(ballots.metadata.get("withdrawn") or ()), *(options.get("excluded") or ())}
    for name in ballots.candidates:
        if name in actual.winners or name in absent:
            continue
        without = count(drop_candidate(ballots, name), rule, **options)
        rows.append(
            {
                "candidate": name,
                "winner": list(actual.winners),
                "winner_without": list(without.winners),
                # who was elected, not the order of election, decides a multi-seat count
                "spoiler": set(without.winners) != set(actual.winners),
            }
        )
    report = {"rule": actual.rule, "winners": list(actual.winners), "rows": rows}
    return {**report, "headline": headlines.ranked_spoilers(report)}
