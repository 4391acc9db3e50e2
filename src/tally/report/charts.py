"""Chart specifications (plotly figure dicts) shared by the web app and the reports.

Every builder takes library results (an :class:`~tally.outcome.Outcome`, a margins
matrix, an Electoral College summary) and returns a plain dict ``{"data": [...],
"layout": {...}}`` that plotly.js draws as is, so the same chart appears in the browser
and in an offline HTML report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..outcome import Outcome

__all__ = [
    "TILES",
    "ec_map",
    "ev_bar",
    "metric_bars",
    "pairwise_heatmap",
    "party_colour",
    "plotly_js",
    "rounds_bars",
    "sankey",
]

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#edc948",
    "#76b7b2",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#e15759",
)
EXHAUSTED = "#9e9e9e"

# A square tile grid of the states (row, column), the common layout of US tile maps.
TILES: dict[str, tuple[int, int]] = {
    "AK": (0, 0),
    "ME": (0, 10),
    "VT": (1, 9),
    "NH": (1, 10),
    "WA": (2, 0),
    "ID": (2, 1),
    "MT": (2, 2),
    "ND": (2, 3),
    "MN": (2, 4),
    "IL": (2, 5),
    "WI": (2, 6),
    "MI": (2, 7),
    "NY": (2, 8),
    "RI": (2, 9),
    "MA": (2, 10),
    "OR": (3, 0),
    "NV": (3, 1),
    "WY": (3, 2),
    "SD": (3, 3),
    "IA": (3, 4),
    "IN": (3, 5),
    "OH": (3, 6),
    "PA": (3, 7),
    "NJ": (3, 8),
    "CT": (3, 9),
    "CA": (4, 0),
    "UT": (4, 1),
    "CO": (4, 2),
    "NE": (4, 3),
    "MO": (4, 4),
    "KY": (4, 5),
    "WV": (4, 6),
    "VA": (4, 7),
    "MD": (4, 8),
    "DE": (4, 9),
    "AZ": (5, 1),
    "NM": (5, 2),
    "KS": (5, 3),
    "AR": (5, 4),
    "TN": (5, 5),
    "NC": (5, 6),
    "SC": (5, 7),
    "DC": (5, 8),
    "OK": (6, 3),
    "LA": (6, 4),
    "MS": (6, 5),
    "AL": (6, 6),
    "GA": (6, 7),
    "HI": (7, 0),
    "TX": (7, 3),
    "FL": (7, 8),
}

_PARTY_COLOURS = {
    "dem": "#2166ac",
    "democrat": "#2166ac",
    "rep": "#b2182b",
    "republican": "#b2182b",
    "lab": "#d50000",
    "labour": "#d50000",
    "con": "#0087dc",
    "conservative": "#0087dc",
    "ld": "#fdbb30",
    "libdem": "#fdbb30",
    "grn": "#6ab023",
    "green": "#6ab023",
    "snp": "#fff95d",
}


def plotly_js() -> Path:
    """The plotly.js bundle that ships inside the plotly Python package (so the web app
    and the reports draw charts with no internet)."""
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


def party_colour(name: str, party: str | None, index: int) -> str:
    """A stable colour: the party's conventional colour where known, else the palette."""
    for key in (party, name):
        if key and key.strip().lower() in _PARTY_COLOURS:
            return _PARTY_COLOURS[key.strip().lower()]
    return PALETTE[index % len(PALETTE)]


def _colours(candidates: Sequence[str], parties: Mapping[str, str] | None = None) -> dict[str, str]:
    parties = parties or {}
    return {c: party_colour(c, parties.get(c), i) for i, c in enumerate(candidates)}


def sankey(outcome: Outcome) -> dict[str, Any]:
    """Votes flowing from round to round: kept, transferred, exhausted."""
    rounds = outcome.rounds
    colours = _colours(outcome.candidates)
    labels: list[str] = []
    node_colour: list[str] = []
    index: dict[tuple[int, str], int] = {}

    def node(r: int, name: str) -> int:
        if (r, name) not in index:
            index[(r, name)] = len(labels)
            labels.append(f"{name} (round {r})" if name != "exhausted" else f"inactive (round {r})")
            node_colour.append(colours.get(name, EXHAUSTED))
        return index[(r, name)]

    source: list[int] = []
    target: list[int] = []
    value: list[float] = []
    received = _transfers_recorded_in_next_round(rounds)
    for k in range(len(rounds) - 1):
        now, nxt = rounds[k], rounds[k + 1]
        moves = nxt.transfers if received else now.transfers
        for name, votes in now.tally.items():
            if name in moves:
                continue
            if name in nxt.tally and votes > 0:
                kept = min(votes, nxt.tally[name])
                source.append(node(now.number, name))
                target.append(node(nxt.number, name))
                value.append(float(kept))
        for name, flows in moves.items():
            for to, amount in flows.items():
                if amount <= 0:
                    continue
                dest = "exhausted" if to not in nxt.tally else to
                source.append(node(now.number, name))
                target.append(node(nxt.number, dest))
                value.append(float(amount))
            if name in nxt.tally:  # an elected candidate keeps the quota
                source.append(node(now.number, name))
                target.append(node(nxt.number, name))
                value.append(float(nxt.tally[name]))
    return {
        "data": [
            {
                "type": "sankey",
                "arrangement": "snap",
                "node": {"label": labels, "color": node_colour, "pad": 12, "thickness": 14},
                "link": {"source": source, "target": target, "value": value},
            }
        ],
        "layout": {
            "title": {"text": "How the votes moved"},
            "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
            "height": 420,
        },
    }


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
    """One group of bars per round (or the single round's scores)."""
    colours = _colours(outcome.candidates)
    traces = []
    for name in outcome.candidates:
        xs, ys = [], []
        for r in outcome.rounds:
            if name in r.tally:
                xs.append(f"round {r.number}")
                ys.append(r.tally[name])
        if xs:
            traces.append({"type": "bar", "name": name, "x": xs, "y": ys, "marker": {"color": colours[name]}})
    return {
        "data": traces,
        "layout": {
            "barmode": "group",
            "title": {"text": "Votes by round"},
            "height": 380,
            "margin": {"l": 50, "r": 10, "t": 40, "b": 40},
        },
    }


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


def ec_map(
    summary: Mapping[str, Any], parties: Mapping[str, str] | None = None, flipped: Sequence[str] = ()
) -> dict[str, Any]:
    """A tile map of the states coloured by winner, lighter for closer margins."""
    candidates = list(summary["electoral_votes"])
    colours = _colours(
        candidates + [c for c in summary.get("popular_vote", {}) if c not in candidates], parties
    )
    xs, ys, text, colour, hover, ids = [], [], [], [], [], []
    for area in summary["areas"]:
        state = area["area"]
        if state not in TILES:
            continue
        row, col = TILES[state]
        votes = area["votes"]
        ordered = sorted(votes.values(), reverse=True)
        total = sum(votes.values()) or 1
        margin = (ordered[0] - (ordered[1] if len(ordered) > 1 else 0)) / total
        base = colours.get(area["winner"], EXHAUSTED)
        xs.append(col)
        ys.append(-row)
        ids.append(state)
        text.append(f"{state}<br>{area['electoral_votes']}")
        colour.append(_blend(base, min(1.0, 0.35 + margin * 3)))
        flag = " (flipped)" if state in flipped else ""
        hover.append(
            f"{state}: {area['winner']}{flag}<br>margin {100 * margin:.2f} pts<br>"
            f"{area['electoral_votes']} electoral votes"
        )
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": xs,
                "y": ys,
                "text": text,
                "ids": ids,
                "customdata": ids,
                "hovertext": hover,
                "hoverinfo": "text",
                "textfont": {"color": "white", "size": 11},
                "marker": {
                    "symbol": "square",
                    "size": 46,
                    "color": colour,
                    "line": {
                        "color": ["black" if s in flipped else "white" for s in ids],
                        "width": [3 if s in flipped else 1 for s in ids],
                    },
                },
            }
        ],
        "layout": {
            "xaxis": {"visible": False, "range": [-0.7, 10.7]},
            "yaxis": {"visible": False, "range": [-7.7, 0.7], "scaleanchor": "x"},
            "height": 480,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "showlegend": False,
            "plot_bgcolor": "white",
        },
    }


def ev_bar(summary: Mapping[str, Any], parties: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Electoral votes as one stacked bar with the majority line."""
    ev = summary["electoral_votes"]
    colours = _colours(list(ev), parties)
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": f"{name} {n}",
            "x": [n],
            "y": ["electoral votes"],
            "marker": {"color": colours[name]},
            "text": [f"{name}: {n}"],
            "textposition": "inside",
        }
        for name, n in sorted(ev.items(), key=lambda kv: -kv[1])
    ]
    return {
        "data": traces,
        "layout": {
            "barmode": "stack",
            "height": 140,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 20},
            "showlegend": False,
            "yaxis": {"visible": False},
            "shapes": [
                {
                    "type": "line",
                    "x0": summary["majority"],
                    "x1": summary["majority"],
                    "y0": -0.5,
                    "y1": 0.5,
                    "line": {"color": "black", "dash": "dot"},
                }
            ],
        },
    }


def metric_bars(metrics: Mapping[str, Any], intervals: Mapping[str, Any], name: str) -> dict[str, Any]:
    """One simulation metric per rule, with 95 % intervals as error bars."""
    values = metrics.get(name, {})
    rules = list(values)
    ys = [values[r] for r in rules]
    lows = [values[r] - intervals[name][r][0] for r in rules]
    highs = [intervals[name][r][1] - values[r] for r in rules]
    return {
        "data": [
            {
                "type": "bar",
                "x": rules,
                "y": ys,
                "error_y": {"type": "data", "symmetric": False, "array": highs, "arrayminus": lows},
            }
        ],
        "layout": {
            "title": {"text": name.replace("_", " ")},
            "height": 320,
            "yaxis": {"tickformat": ".0%"},
            "margin": {"l": 50, "r": 10, "t": 40, "b": 40},
        },
    }


def _blend(hex_colour: str, strength: float) -> str:
    """The colour mixed with white: strength 1 is the colour, 0 is white."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * strength) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)
