"""Chart specifications (plotly figure dicts) shared by the web app and the reports.

Every builder takes library results (an :class:`~tally.outcome.Outcome`, a margins
matrix, an Electoral College summary) and returns a plain dict ``{"data": [...],
"layout": {...}}`` that plotly.js draws as is, so the same chart appears in the browser
and in an offline HTML report. The Electoral College's map and bar live in
:mod:`tally.report.maps` and the colours in :mod:`tally.report.colours`; both are
re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..names import surname
from ..outcome import Outcome
from .colours import EXHAUSTED, PALETTE, colour_map, party_colour, rgba
from .maps import TILES, ec_map, ev_bar

__all__ = [
    "METRICS",
    "PALETTE",
    "TILES",
    "ec_map",
    "ev_bar",
    "metric_bars",
    "pairwise_heatmap",
    "party_colour",
    "plotly_js",
    "rounds_bars",
    "sankey",
    "seats_and_votes",
    "transfers_table",
]

INACTIVE = "inactive"
"""The name charts give votes no longer counted for anyone (exhausted, by whatever reason)."""


def plotly_js() -> Path:
    """The plotly.js bundle that ships inside the plotly Python package (so the web app
    and the reports draw charts with no internet)."""
    import plotly  # type: ignore[import-untyped]

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def sankey(outcome: Outcome) -> dict[str, Any]:
    """Votes flowing from round to round: kept, transferred, inactive.

    Links take the colour of the candidate whose votes they carry (grey for votes that
    become inactive). Nodes are labelled only where the label does not run into another
    (:func:`_sankey_labels`); every node names itself and its round on hover, and the
    rounds are named above their columns. ``customdata`` of a node is ``[name, round]``
    (``"inactive"`` for votes no longer counted).
    """
    rounds = outcome.rounds
    colours = colour_map(outcome.candidates)
    names, numbers, source, target, value = _sankey_links(rounds)
    inflow, outflow = [0.0] * len(names), [0.0] * len(names)
    for s, t, v in zip(source, target, value):
        outflow[s] += v
        inflow[t] += v
    size = [max(a, b) for a, b in zip(inflow, outflow)]
    # a long count gets the page's whole width (``meta.full_width``) and names only at
    # its two ends; a short one sits beside the table of transfers, every column named
    full = len(rounds) > LONG_COUNT
    width = 1150 if full else 760
    ends = (rounds[0].number, rounds[-1].number) if full else None
    labels = _sankey_labels(names, numbers, size, outcome.candidates, width, ends)
    return {
        "data": [
            {
                "type": "sankey",
                "arrangement": "snap",
                "valueformat": ",.0f",
                "node": {
                    "label": labels,
                    "customdata": [[n, r] for n, r in zip(names, numbers)],
                    "hovertemplate": "%{customdata[0]}, round %{customdata[1]}: %{value:,.0f}<extra></extra>",
                    "color": [colours.get(n, EXHAUSTED) for n in names],
                    "pad": 14,
                    "thickness": 14,
                },
                "link": {
                    "source": source,
                    "target": target,
                    "value": value,
                    "color": [rgba(colours.get(names[s], EXHAUSTED), 0.45) for s in source],
                    "hovertemplate": "%{source.customdata[0]} → %{target.customdata[0]}: %{value:,.0f}<extra></extra>",
                },
            }
        ],
        "layout": {
            "title": {"text": "How the votes moved"},
            "margin": {"l": 30, "r": 30, "t": 60, "b": 10},
            "height": SANKEY_HEIGHT,
            "font": {"size": 12},
            "annotations": _round_names([r.number for r in rounds], width),
            "meta": {"full_width": full},
        },
    }


def _sankey_links(
    rounds: Sequence[Any],
) -> tuple[list[str], list[int], list[int], list[int], list[float]]:
    """The nodes (a candidate, or the inactive votes, in a round) as names and round
    numbers, and the links between them: votes kept, transferred, or become inactive."""
    names: list[str] = []
    numbers: list[int] = []
    index: dict[tuple[int, str], int] = {}

    def node(r: int, name: str) -> int:
        if (r, name) not in index:
            index[(r, name)] = len(names)
            names.append(INACTIVE if name == "exhausted" else name)
            numbers.append(r)
        return index[(r, name)]

    source: list[int] = []
    target: list[int] = []
    value: list[float] = []

    def link(a: int, b: int, amount: float) -> None:
        source.append(a)
        target.append(b)
        value.append(float(amount))

    for now, nxt, moves in _round_moves(rounds):
        for name, votes in now.tally.items():
            if name not in moves and name in nxt.tally and votes > 0:
                link(node(now.number, name), node(nxt.number, name), min(votes, nxt.tally[name]))
        for name, flows in moves.items():
            for to, amount in flows.items():
                if amount > 0:
                    to = "exhausted" if to not in nxt.tally else to
                    link(node(now.number, name), node(nxt.number, to), amount)
            if name in nxt.tally:  # an elected candidate keeps the quota
                link(node(now.number, name), node(nxt.number, name), nxt.tally[name])
    return names, numbers, source, target, value


SANKEY_HEIGHT = 440
LONG_COUNT = 6
"""A count of more rounds than this is drawn for its length: its flow diagram takes the
page's whole width and names candidates at its two ends, its votes by round are lines."""


def _sankey_labels(
    names: Sequence[str],
    rounds: Sequence[int],
    size: Sequence[float],
    candidates: Sequence[str],
    width: int,
    ends: tuple[int, int] | None,
) -> list[str]:
    """Node labels that do not run into each other.

    A node is named where it is at least a line of text tall (its share of the tallest
    column, against the height left once the gaps are taken). Labels sit right of their
    node (left in the last column), so a name longer than the gap to the next column is
    shortened to the surname, or cut. With ``ends`` (first and last round) only those
    two columns are named, the last in full.
    """
    column = max((sum(z for z, r in zip(size, rounds) if r == k) for k in set(rounds)), default=0.0)
    gap = width / max(len(set(rounds)) - 1, 1)
    room = max(5, int((gap - 24) / 6.6))
    out = []
    for n, r, z in zip(names, rounds, size):
        shown = column > 0 and z / column * (SANKEY_HEIGHT - 60) >= 16 and (ends is None or r in ends)
        last_of_long = ends is not None and r == ends[1]
        out.append(_fit_label(n, candidates, 22 if last_of_long else room) if shown else "")
    return out


def _round_names(rounds: Sequence[int], width: int) -> list[dict[str, Any]]:
    """The rounds named above their columns ("round 3", or "3" where columns are close)."""
    gap = width / max(len(rounds) - 1, 1)
    last = len(rounds) - 1
    return [
        {
            "text": f"round {n}" if gap >= 64 or k == 0 else str(n),
            "x": k / max(last, 1),
            "y": 1.02,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "center",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"color": "#5f6b76"},
        }
        for k, n in enumerate(rounds)
    ]


def _fit_label(name: str, candidates: Sequence[str], room: int) -> str:
    """The name, or its surname where that is unique, or either cut to ``room`` letters."""
    if len(name) <= room:
        return name
    last = surname(name)
    if sum(1 for c in candidates if surname(c) == last) == 1:
        name = last
    return name if len(name) <= room else name[: room - 1] + "…"


def transfers_table(outcome: Outcome) -> list[dict[str, Any]]:
    """Where each candidate's votes went when they were transferred (eliminated, or a
    surplus passed on), summed over the rounds they moved in, in the order the candidates
    first transferred.

    Returns ``[{"candidate", "rounds": [round numbers], "votes": total moved, "to":
    [{"name", "votes", "share"}]}]`` with the receivers largest first and the votes that
    became inactive named ``"inactive"``; ``share`` is a fraction of the votes moved.
    """
    table: dict[str, dict[str, Any]] = {}
    for now, _nxt, moves in _round_moves(outcome.rounds):
        for name, flows in moves.items():
            entry = table.setdefault(name, {"candidate": name, "rounds": [], "to": {}})
            entry["rounds"].append(now.number)
            for to, amount in flows.items():
                key = INACTIVE if to == "exhausted" else to
                entry["to"][key] = entry["to"].get(key, 0.0) + float(amount)
    out = []
    for entry in table.values():
        total = sum(v for v in entry["to"].values() if v > 0)
        receivers = sorted(((k, v) for k, v in entry["to"].items() if v > 0), key=lambda kv: -kv[1])
        out.append(
            {
                "candidate": entry["candidate"],
                "rounds": entry["rounds"],
                "votes": total,
                "to": [{"name": k, "votes": v, "share": v / total if total else 0.0} for k, v in receivers],
            }
        )
    return out


def _round_moves(rounds: Sequence[Any]) -> list[tuple[Any, Any, Mapping[str, Mapping[str, float]]]]:
    """Each pair of consecutive rounds with the transfers between them, whichever round
    the count recorded them in (see :func:`_transfers_recorded_in_next_round`)."""
    received = _transfers_recorded_in_next_round(rounds)
    return [
        (rounds[k], rounds[k + 1], rounds[k + 1].transfers if received else rounds[k].transfers)
        for k in range(len(rounds) - 1)
    ]


def _transfers_recorded_in_next_round(rounds: Sequence[Any]) -> bool:
    """Whether a round's ``transfers`` are the moves that produced its tally (STV counts
    record them so) rather than the moves out of it (IRV-style counts): the reading under
    which the transfers explain the next round's tallies better."""

    def unexplained(shift: int) -> float:
        total = 0.0
        for k in range(len(rounds) - 1):
            now, nxt = rounds[k], rounds[k + 1]
            moves = rounds[k + shift].transfers
            for name, votes in nxt.tally.items():
                if name not in moves:
                    inflow = sum(flows.get(name, 0.0) for flows in moves.values())
                    total += abs(now.tally.get(name, 0.0) + inflow - votes)
        return total

    return unexplained(1) < unexplained(0)


def rounds_bars(outcome: Outcome) -> dict[str, Any]:
    """One group of bars per round (a line per candidate for a long count); a count of one
    round is one bar per candidate, largest first."""
    colours = colour_map(outcome.candidates)
    layout: dict[str, Any] = {
        "height": 380,
        "margin": {"l": 60, "r": 10, "t": 40, "b": 60},
        "yaxis": {"tickformat": ",~s", "rangemode": "tozero"},
    }
    if len(outcome.rounds) == 1:
        tally = outcome.rounds[0].tally
        order = sorted(tally, key=lambda c: -tally[c])
        return {
            "data": [
                {
                    "type": "bar",
                    "x": order,
                    "y": [tally[c] for c in order],
                    "marker": {"color": [colours.get(c, EXHAUSTED) for c in order]},
                    "hovertemplate": "%{x}: %{y:,.2~f}<extra></extra>",
                }
            ],
            "layout": {**layout, "title": {"text": outcome.rounds[0].note or "Votes"}, "showlegend": False},
        }
    lines = len(outcome.rounds) > LONG_COUNT  # twenty bars a round are unreadable
    traces = []
    for name in outcome.candidates:
        xs, ys = [], []
        for r in outcome.rounds:
            if name in r.tally:
                xs.append(f"round {r.number}")
                ys.append(r.tally[name])
        if xs:
            traces.append(
                {
                    "type": "scatter" if lines else "bar",
                    "name": name,
                    "x": xs,
                    "y": ys,
                    **({"mode": "lines+markers", "line": {"color": colours[name]}} if lines else {}),
                    "marker": {"color": colours[name]},
                    "hovertemplate": "%{fullData.name}, %{x}: %{y:,.2~f}<extra></extra>",
                }
            )
    return {"data": traces, "layout": {**layout, "barmode": "group", "title": {"text": "Votes by round"}}}


def seats_and_votes(
    rows: Sequence[Mapping[str, Any]],
    *,
    majority: int | None = None,
    measure: str = "votes",
    parties: Mapping[str, str] | None = None,
    colour: str | None = None,
) -> dict[str, Any]:
    """Votes and seats side by side, one row per party: the share of the votes on the
    left, the seats won on the right with the majority line.

    ``rows`` are ``{"name", "votes", "vote_share", "seats", "seat_share"}`` (shares as
    fractions), drawn in the order given; ``measure`` names what the left panel counts
    ("votes", or "population" for an apportionment among states); ``colour`` draws
    every row in one colour (states have no party colours).
    """
    names = [r["name"] for r in rows]
    colours = colour_map(names, parties)
    fill = [colour or colours[n] for n in names]
    height = 90 + 24 * len(rows)
    left = {
        "type": "bar",
        "orientation": "h",
        "y": names,
        "x": [r["vote_share"] for r in rows],
        "customdata": [r["votes"] for r in rows],
        "marker": {"color": fill, "opacity": 0.55},
        "hovertemplate": f"%{{y}}: %{{x:.1%}} of the {measure} (%{{customdata:,.0f}})<extra></extra>",
        "xaxis": "x",
        "yaxis": "y",
    }
    right = {
        "type": "bar",
        "orientation": "h",
        "y": names,
        "x": [r["seats"] for r in rows],
        "customdata": [r["seat_share"] for r in rows],
        "text": [f"{r['seats']:,}" for r in rows],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": fill},
        "hovertemplate": "%{y}: %{x:,} seats (%{customdata:.1%})<extra></extra>",
        "xaxis": "x2",
        "yaxis": "y",
    }
    most = max((r["seats"] for r in rows), default=0)
    layout: dict[str, Any] = {
        "height": height,
        "showlegend": False,
        "margin": {"l": 140, "r": 30, "t": 50, "b": 40},
        "yaxis": {"autorange": "reversed", "type": "category", "automargin": True},
        "xaxis": {
            "domain": [0, 0.46],
            "tickformat": ".0%",
            "rangemode": "tozero",
            "title": {"text": f"share of the {measure}"},
        },
        "xaxis2": {
            "domain": [0.54, 1],
            "rangemode": "tozero",
            "range": [0, max(most, majority or 0) * 1.12 or 1],
            "tickformat": ",d",
            "title": {"text": "seats"},
        },
        "annotations": [
            {
                "text": f"<b>{measure}</b>",
                "x": 0.23,
                "y": 1,
                "xref": "paper",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
            },
            {
                "text": "<b>seats</b>",
                "x": 0.77,
                "y": 1,
                "xref": "paper",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
            },
        ],
    }
    if majority:
        line, label = _majority_line(majority, most)
        layout["shapes"] = [line]
        layout["annotations"].append(label)
        layout["annotations"][1]["x"] = 0.6  # the panel's title clear of the line's label
    return {"data": [left, right], "layout": layout}


def _majority_line(majority: int, most: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dotted line at the seats a majority needs on the seats panel, and its label
    beside it on the side with room."""
    line = {
        "type": "line",
        "xref": "x2",
        "yref": "paper",
        "x0": majority,
        "x1": majority,
        "y0": 0,
        "y1": 1,
        "line": {"color": "black", "dash": "dot", "width": 1.5},
    }
    label = {
        "text": f"{majority:,} for a majority",
        "x": majority,
        "xref": "x2",
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "xanchor": "left" if majority < most else "right",
        "showarrow": False,
        "font": {"size": 11},
    }
    return line, label


def pairwise_heatmap(candidates: Sequence[str], margins: np.ndarray) -> dict[str, Any]:
    """Head-to-head margins: row candidate's votes over column candidate's."""
    z = np.asarray(margins, dtype=float)
    text = [
        [("" if i == j else f"{z[i, j]:+,.0f}") for j in range(len(candidates))]
        for i in range(len(candidates))
    ]
    limit = float(np.abs(z).max()) or 1.0
    return {
        "data": [
            {
                "type": "heatmap",
                "z": z.tolist(),
                "x": list(candidates),
                "y": list(candidates),
                "text": text,
                "texttemplate": "%{text}",
                "colorscale": "RdBu",
                "zmin": -limit,
                "zmax": limit,
                "showscale": False,
            }
        ],
        "layout": {
            "title": {"text": "Head to head (row minus column)"},
            "yaxis": {"autorange": "reversed"},
            "height": 120 + 40 * len(candidates),
            "margin": {"l": 140, "r": 10, "t": 40, "b": 80},
        },
    }


METRICS: dict[str, tuple[str, str]] = {
    "condorcet_efficiency": (
        "Condorcet efficiency",
        "of the elections with a Condorcet winner, the share where the rule elects them",
    ),
    "spoiler_rate": ("Spoilers", "share of elections where removing a losing candidate changes the winner"),
    "majority_failure": (
        "Majority failures",
        "share of elections where a majority's first choice loses (of those with one)",
    ),
    "monotonicity_failure": (
        "Monotonicity failures",
        "share of elections where ranking the winner higher makes them lose (found at least)",
    ),
    "participation_failure": (
        "Participation failures",
        "share of elections where some voters do better by staying home (found at least)",
    ),
    "vse": (
        "Voter satisfaction efficiency",
        "voters' utility for the winner: 100 % the best candidate, 0 % a random one",
    ),
    "exhausted_share": ("Inactive ballots", "mean share of ballots with no choice left in the last round"),
}
"""Simulation metrics as the page titles them, with what each measures in one line."""


def metric_bars(metrics: Mapping[str, Any], intervals: Mapping[str, Any], name: str) -> dict[str, Any]:
    """One simulation metric per rule, with 95 % intervals as error bars.

    Shares keep a 0–100 % axis (VSE, which can fall below 0, starts at its lowest value
    when that is negative); a metric that is 0 under every rule says so in the title.
    """
    values = metrics.get(name, {})
    rules = list(values)
    ys = [values[r] for r in rules]
    lows = [values[r] - intervals[name][r][0] for r in rules]
    highs = [intervals[name][r][1] - values[r] for r in rules]
    title, meaning = METRICS.get(name, (name.replace("_", " ").capitalize(), ""))
    top = max([1.0, *(intervals[name][r][1] for r in rules)])
    bottom = min([0.0, *(intervals[name][r][0] for r in rules)])
    if ys and all(y == 0 for y in ys) and all(h == 0 for h in highs):
        meaning = "0 % under every rule in this run"
    return {
        "data": [
            {
                "type": "bar",
                "x": rules,
                "y": ys,
                "text": [f"{y:.1%}" for y in ys],
                "textposition": "inside",
                "insidetextanchor": "start",
                "textfont": {"color": "white"},
                "marker": {"color": PALETTE[0]},
                "error_y": {"type": "data", "symmetric": False, "array": highs, "arrayminus": lows},
                "hovertemplate": "%{x}: %{y:.1%}<extra></extra>",
            }
        ],
        "layout": {
            "title": {"text": f"{title}<br><sub>{meaning}</sub>" if meaning else title},
            "height": 340,
            "yaxis": {"tickformat": ".0%", "range": [bottom, top * 1.08], "fixedrange": True},
            "xaxis": {"fixedrange": True},
            "margin": {"l": 50, "r": 10, "t": 70, "b": 40},
        },
    }
