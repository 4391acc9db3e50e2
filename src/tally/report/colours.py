"""Colours of the charts: a party's conventional colour where known, else a palette, and
the mixes the charts draw with (lighter for a closer result, translucent for flows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["EXHAUSTED", "PALETTE", "blend", "colour_map", "party_colour", "rgba"]

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

# Conventional colours of the parties in the bundled elections (US, UK, Austria).
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
    "ruk": "#12b6cf",
    "reform": "#12b6cf",
    "sf": "#326760",
    "dup": "#d46a4c",
    "pc": "#005b54",
    "apni": "#f6cb2f",
    "uup": "#48a5ee",
    "sdlp": "#2aa82c",
    "ind": "#9e9e9e",
    "spk": "#6f6f6f",
    "övp": "#62c3d0",
    "spö": "#ce000c",
    "fpö": "#0056a2",
    "grüne": "#88b626",
    "neos": "#e84188",
    "kpö": "#aa0000",
    "bzö": "#ed8d00",
    "lif": "#ffcc00",
    "jetzt": "#adadad",
}


def party_colour(name: str, party: str | None, index: int) -> str:
    """A stable colour: the party's conventional colour where known, else the palette."""
    for key in (party, name):
        if key and key.strip().lower() in _PARTY_COLOURS:
            return _PARTY_COLOURS[key.strip().lower()]
    return PALETTE[index % len(PALETTE)]


def colour_map(candidates: Sequence[str], parties: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each candidate's colour, by party where ``parties`` gives one."""
    parties = parties or {}
    return {c: party_colour(c, parties.get(c), i) for i, c in enumerate(candidates)}


def rgba(hex_colour: str, alpha: float) -> str:
    """The colour, see-through: alpha 1 is opaque."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def blend(hex_colour: str, strength: float) -> str:
    """The colour mixed with white: strength 1 is the colour, 0 is white."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * strength) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)
