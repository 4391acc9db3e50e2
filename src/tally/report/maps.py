"""The Electoral College drawn: a tile map of where the electors go (states, and Maine's
and Nebraska's congressional districts) and the electoral votes as one bar with the line
a majority must cross."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .colours import EXHAUSTED, blend, colour_map

__all__ = ["DISTRICT_TILES", "TILES", "ec_map", "ev_bar"]

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

# Maine's and Nebraska's congressional districts, in a row of their own under the states
# (each under its state's column: Nebraska's 3rd, Maine's 10th).
DISTRICT_TILES: dict[str, tuple[int, int]] = {
    "NE-1": (8, 2),
    "NE-2": (8, 3),
    "NE-3": (8, 4),
    "ME-1": (8, 9),
    "ME-2": (8, 10),
}


def ec_map(
    summary: Mapping[str, Any], parties: Mapping[str, str] | None = None, flipped: Sequence[str] = ()
) -> dict[str, Any]:
    """A tile map of where the electors go: each state, and Maine's and Nebraska's
    congressional districts, coloured by the candidate who gets its electors (lighter
    for a closer vote, or for electors split between candidates).

    The map agrees with the electoral votes of ``summary`` under every allocation: under
    a national popular vote every tile takes the national winner's colour, and the hover
    text still says who led the state.
    """
    candidates = list(summary["electoral_votes"])
    colours = colour_map(
        candidates + [c for c in summary.get("popular_vote", {}) if c not in candidates], parties
    )
    xs, ys, text, colour, hover, ids = [], [], [], [], [], []
    for area in summary["areas"]:
        state = area["area"]
        place = TILES.get(state) or DISTRICT_TILES.get(state)
        if place is None:
            continue
        electors = _electors_of(summary, area)
        votes = area["votes"]
        ordered = sorted(votes.values(), reverse=True)
        total = sum(votes.values()) or 1
        margin = (ordered[0] - (ordered[1] if len(ordered) > 1 else 0)) / total
        holder = max(electors, key=lambda c: electors[c]) if electors else None
        held = electors.get(holder, 0) / (sum(electors.values()) or 1) if holder else 0.0
        if holder is None:
            strength = 0.0
        elif summary.get("allocation") == "popular":
            strength = 0.7  # no state decides: every tile alike
        elif held < 1:
            strength = 0.25 + 0.5 * held  # electors split between candidates
        elif holder == area["winner"]:
            strength = min(1.0, 0.35 + margin * 3)
        else:
            strength = 0.7  # electors given to someone who did not lead here
        row, col = place
        xs.append(col)
        ys.append(-row)
        ids.append(state)
        text.append(f"{state}<br>{area['electoral_votes']}")
        colour.append(blend(colours.get(holder or "", EXHAUSTED), strength))
        flag = " (flipped)" if state in flipped else ""
        given = ", ".join(f"{c} {n}" for c, n in sorted(electors.items(), key=lambda kv: -kv[1])) or "none"
        hover.append(
            f"{state}{flag}: {area['electoral_votes']} electoral votes<br>"
            f"led by {area['winner']} by {100 * margin:.1f} pts<br>electors: {given}"
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
                    "size": 44,
                    "color": colour,
                    "line": {
                        "color": ["black" if s in flipped else "white" for s in ids],
                        "width": [3 if s in flipped else 1 for s in ids],
                    },
                },
            }
        ],
        "layout": {
            "xaxis": {"visible": False, "range": [-0.7, 10.7], "fixedrange": True},
            "yaxis": {"visible": False, "range": [-8.7, 0.7], "scaleanchor": "x", "fixedrange": True},
            "height": 540,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "showlegend": False,
            "plot_bgcolor": "white",
            "annotations": [
                {
                    "text": "congressional districts",
                    "visible": any(i in DISTRICT_TILES for i in ids),
                    "x": 7.5,
                    "y": -8,
                    "showarrow": False,
                    "font": {"size": 11, "color": "#5f6b76"},
                }
            ],
        },
    }


def _electors_of(summary: Mapping[str, Any], area: Mapping[str, Any]) -> dict[str, int]:
    """Who an area's electors vote for: as the summary gives them, or, under a national
    popular vote (which awards no electors by area), all to the national winner."""
    electors = {c: int(n) for c, n in (area.get("electors") or {}).items() if n}
    if not electors and summary.get("allocation") == "popular" and summary.get("winner"):
        return {summary["winner"]: int(area["electoral_votes"])}
    return electors


def ev_bar(summary: Mapping[str, Any], parties: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Electoral votes as one stacked bar, with the line a majority must cross."""
    ev = summary["electoral_votes"]
    colours = colour_map(list(ev), parties)
    majority = summary["majority"]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": name,
            "x": [n],
            "y": ["electoral votes"],
            "marker": {"color": colours[name]},
            "text": [f"{name}: {n}"],
            "textposition": "inside",
            "insidetextanchor": "middle",
            "hovertemplate": "%{fullData.name}: %{x} electoral votes<extra></extra>",
        }
        for name, n in sorted(ev.items(), key=lambda kv: -kv[1])
        if n
    ]
    total = sum(ev.values())
    return {
        "data": traces,
        "layout": {
            "barmode": "stack",
            "height": 150,
            "margin": {"l": 10, "r": 10, "t": 30, "b": 20},
            "showlegend": False,
            "yaxis": {"visible": False, "fixedrange": True},
            "xaxis": {"range": [0, max(total, 2 * majority - 1)], "fixedrange": True},
            "shapes": [
                {
                    "type": "line",
                    "x0": majority,
                    "x1": majority,
                    "y0": -0.5,
                    "y1": 0.6,
                    "line": {"color": "black", "dash": "dot", "width": 2},
                }
            ],
            "annotations": [
                {
                    "text": f"{majority} to win",
                    "x": majority,
                    "y": 0.6,
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 12},
                }
            ],
        },
    }
