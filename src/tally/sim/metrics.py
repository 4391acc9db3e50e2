"""Metrics over simulated elections, each with a 95 % confidence interval.

Proportions use the Wilson score interval; social-utility efficiency (VSE) is a ratio of
sums, with a percentile bootstrap over elections (fixed resampling seed, so the interval
is reproducible). Ties count fractionally: a rule whose k tied winners include the
Condorcet winner scores 1/k for that election.

``condorcet_paradox``     share of elections with no Condorcet winner
``condorcet_efficiency``  share of elections with a Condorcet winner where the rule elects it
``spoiler_rate``          share of elections where striking some losing candidate changes the winner
``majority_failure``      share of elections with a first-choice majority candidate who loses
``monotonicity_failure``  share of elections where raising the winner on some ballots makes them lose (lower bound)
``participation_failure`` share of elections where some voters do better by abstaining (lower bound)
``vse``                   social-utility efficiency: (U(winner) - U(random)) / (U(best) - U(random))
``exhausted_share``       mean share of ballots inactive (other than blank) in the final round
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["summarise", "wilson"]

Z95 = 1.959963984540054


def wilson(successes: float, n: float) -> tuple[float, float]:
    """Wilson score 95 % interval for a proportion."""
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _proportion(values: np.ndarray) -> tuple[float | None, list[float | None], int]:
    values = values[~np.isnan(values)] if values.dtype.kind == "f" else values
    n = int(values.size)
    if n == 0:
        return None, [None, None], 0
    hits = float(values.sum())
    low, high = wilson(hits, n)
    return hits / n, [low, high], n


def _mean(values: np.ndarray) -> tuple[float | None, list[float | None]]:
    values = values[~np.isnan(values)]
    if values.size == 0:
        return None, [None, None]
    mean = float(values.mean())
    if values.size < 2:
        return mean, [mean, mean]
    half = Z95 * float(values.std(ddof=1)) / math.sqrt(values.size)
    return mean, [mean - half, mean + half]


BOOTSTRAP = 200


def _vse(
    utilities: dict[str, np.ndarray], best: np.ndarray, mean: np.ndarray
) -> dict[str, tuple[float, list[float]]]:
    """Each rule's VSE and its bootstrap interval (rules without a winner anywhere left out).

    The resamples come from a generator seeded 0 for each rule, so rules measured on as
    many elections share them: each is drawn once and used for all of them.
    """
    by_size: dict[int, list[tuple[str, np.ndarray, np.ndarray]]] = {}
    for rule, winner in utilities.items():
        ok = ~np.isnan(winner)
        if ok.any():
            # differences first: the same numbers as differences of the resampled values
            gain, span = winner[ok] - mean[ok], best[ok] - mean[ok]
            group = by_size.setdefault(int(ok.sum()), [])
            # rules measured on the same elections share one span (and its sums)
            span = next((s for _, _, s in group if np.array_equal(s, span)), span)
            group.append((rule, gain, span))
    out: dict[str, tuple[float, list[float]]] = {}
    for n, group in by_size.items():
        rng = np.random.default_rng(0)
        boots: dict[str, list[float]] = {rule: [] for rule, _, _ in group}
        for _ in range(BOOTSTRAP):
            idx = rng.integers(0, n, n)
            spans: dict[int, float] = {}
            for rule, gain, span in group:
                if id(span) not in spans:
                    spans[id(span)] = span[idx].sum()
                boots[rule].append(_ratio(gain[idx].sum(), spans[id(span)]))
        for rule, gain, span in group:
            low, high = np.nanpercentile(boots[rule], [2.5, 97.5])
            out[rule] = (_ratio(gain.sum(), span.sum()), [float(low), float(high)])
    return out


def _ratio(gain: float, span: float) -> float:
    return float(gain / span) if span else math.nan


def summarise(columns: dict[str, np.ndarray], rules: list[str]) -> dict[str, Any]:
    """The metrics and their intervals from a run's per-election columns."""
    cw = columns["condorcet_winner"]
    elections = int(cw.size)
    metrics: dict[str, Any] = {}
    intervals: dict[str, Any] = {}
    counts: dict[str, Any] = {}
    p, ci, n = _proportion((cw < 0).astype(float))
    metrics["condorcet_paradox"], intervals["condorcet_paradox"] = p, ci
    per_rule = {
        "condorcet_efficiency": "cw_hit",
        "spoiler_rate": "spoiler",
        "majority_failure": "majority_fail",
        "monotonicity_failure": "monotonicity_fail",
        "participation_failure": "participation_fail",
    }
    for metric, column in per_rule.items():
        metrics[metric], intervals[metric], counts[metric] = {}, {}, {}
        for rule in rules:
            if f"{rule}__{column}" not in columns:  # not measured in this run
                continue
            p, ci, n = _proportion(columns[f"{rule}__{column}"].astype(float))
            if n:
                metrics[metric][rule], intervals[metric][rule], counts[metric][rule] = p, ci, n
        if not metrics[metric]:
            del metrics[metric], intervals[metric], counts[metric]
    if "utility_best" in columns:
        metrics["vse"], intervals["vse"] = {}, {}
        found = _vse(
            {rule: columns[f"{rule}__utility"] for rule in rules if f"{rule}__utility" in columns},
            columns["utility_best"],
            columns["utility_mean"],
        )
        for rule in rules:
            if rule in found:
                metrics["vse"][rule], intervals["vse"][rule] = found[rule]
    metrics["exhausted_share"], intervals["exhausted_share"] = {}, {}
    for rule in rules:
        if f"{rule}__exhausted" not in columns:
            continue
        mean, ci = _mean(columns[f"{rule}__exhausted"].astype(float))
        if mean is not None:
            metrics["exhausted_share"][rule], intervals["exhausted_share"][rule] = mean, ci
    if not metrics["exhausted_share"]:
        del metrics["exhausted_share"], intervals["exhausted_share"]
    tie_rate = {rule: float(columns[f"{rule}__tied"].mean()) for rule in rules}
    return {
        "elections": elections,
        "metrics": metrics,
        "intervals": intervals,
        "samples": counts,
        "tie_rate": tie_rate,
    }
