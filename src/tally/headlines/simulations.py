"""Simulations: the sentences of ``tally simulate`` and ``tally forecast``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._words import _DASH, _n, _pct

__all__ = ["forecast", "simulate"]


def simulate(result: Mapping[str, Any]) -> str:
    """What a simulation found (``tally simulate``): how often there was no Condorcet
    winner, and which rule picked it most and least often."""
    spec = result.get("spec", {})
    metrics = result.get("metrics", {})
    text = (
        f"In {_n(result.get('elections', 0))} simulated elections ({spec.get('electorate')}, "
        f"{spec.get('candidates')} candidates, {_n(spec.get('voters', 0))} voters)"
    )
    paradox = metrics.get("condorcet_paradox")
    if paradox is not None:
        text += f", {_pct(paradox, 1)} had no Condorcet winner"
    efficiency = {r: v for r, v in (metrics.get("condorcet_efficiency") or {}).items() if v is not None}
    if len(efficiency) > 1:
        best = max(efficiency, key=lambda r: (efficiency[r], r))
        worst = min(efficiency, key=lambda r: (efficiency[r], r))
        text += (
            f"; {best} elected the Condorcet winner most often ({_pct(efficiency[best], 1)}), "
            f"{worst} least ({_pct(efficiency[worst], 1)})"
        )
    return text + "."


def forecast(result: Mapping[str, Any], area_names: Mapping[str, str] | None = None) -> str:
    """An Electoral College forecast (``tally forecast``): each side's chance, the median
    electoral votes and the likeliest tipping point."""
    a, b = result["candidates"]
    win, median = result["win_probability"], result["median_ev"]
    text = (
        f"{a} wins {_pct(win[a], 1)} of {_n(result['sims'])} simulations, {b} {_pct(win[b], 1)}"
        f" (269{_DASH}269 tie {_pct(result.get('tie_probability', 0), 1)}); median electoral votes "
        f"{_n(median[a])}{_DASH}{_n(median[b])}"
    )
    tipping = result.get("tipping_point") or {}
    if tipping:
        state, p = next(iter(tipping.items()))
        text += f"; the likeliest tipping point is {(area_names or {}).get(state, state)} ({_pct(p, 0)})"
    return text + "."
