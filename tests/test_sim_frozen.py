"""Simulations frozen: the same spec and seed give the same per-election results and metrics.

Each case's digest is the SHA-256 of every per-election column (name, dtype, bytes) and of
the summary's JSON. The digests were taken before the compiled multinomial draw and the
candidate-major kernels went in, so they hold the random stream and every count fixed:
a digest that moves means a run of the same seed no longer gives the same numbers. Each
case runs on the NumPy kernels and draws, and on the compiled ones.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from tally.sim import SimSpec, batch, simulate
from tally.sim.batch import METRICS

CASES = {
    "ic-5-default": (
        SimSpec(candidates=5, voters=101, elections=1200, rules=("plurality", "irv", "borda"), seed=1),
        "c21f466a70b362d23ca1a5fd0773140515ee791435aba8ba958b5282d9b0e03f",
    ),
    "ic-5-condorcet": (
        SimSpec(
            candidates=5,
            voters=101,
            elections=1200,
            rules=("plurality", "irv", "borda"),
            seed=2,
            metrics=("condorcet",),
            chunk_size=300,
        ),
        "98548b43c7a4c8bb9c02bd430fe627d12da7ae75d01737dd04184df35817b99c",
    ),
    "ic-4-truncated-all-metrics": (
        SimSpec(
            candidates=4,
            voters=15,
            elections=100,
            rules=("plurality", "irv", "borda"),
            seed=3,
            chunk_size=35,
            metrics=METRICS,
            lengths={1: 0.3, 2: 0.2, 4: 0.5},
        ),
        "ad9badcef94dd9f9ee300a7bef0751ea8978f1be8041daa99310b34e6c512419",
    ),
    "ic-3-cli-defaults": (
        SimSpec(
            candidates=3, voters=1001, elections=400, rules=("plurality", "irv", "borda", "schulze"), seed=0
        ),
        "c957f03c8bf2b60a179ddef5a53835723583f2476ef27ef95a5e5befb589bc20",
    ),
    "ic-6-small": (
        SimSpec(
            candidates=6, voters=9, elections=200, rules=("irv", "dowdall", "copeland"), seed=4, chunk_size=64
        ),
        "90eb8fb4ad0fe099a698861ed2e5094d3622002ab1b1a7dbb24c5cd71e4e9317",
    ),
    "ic-8-voter-form": (
        SimSpec(candidates=8, voters=31, elections=60, rules=("plurality", "irv"), seed=5, chunk_size=25),
        "379621f43428591a19015766f9607ef04675e37befc33d8af79fd52fce934e9b",
    ),
    "iac-4": (
        SimSpec(electorate="iac", candidates=4, voters=51, elections=300, rules=("irv", "borda"), seed=6),
        "0bbd7e6246417b2b2f240db2ccc071aab6e56cf7918e42e93b7ef39c6fc7f1f9",
    ),
    "urn-5": (
        SimSpec(
            electorate="urn",
            candidates=5,
            voters=25,
            elections=200,
            rules=("plurality", "irv"),
            seed=7,
            params={"alpha": 0.3},
        ),
        "5b7803107ea6cd64948fa360d3a0bc1ab8bbc1202cdf345b5e4fd777ce06a374",
    ),
    "spatial-5": (
        SimSpec(
            electorate="spatial",
            candidates=5,
            voters=41,
            elections=100,
            rules=("plurality", "irv", "approval", "score"),
            seed=8,
        ),
        "7ee0e4ccd17d80b8ad447e4692937b317d4a6a1cff0bbb7f83339c20e670e7ea",
    ),
}


# Columns are as they were frozen: candidates as int64, and a column of NaN for every
# metric not measured (runs now leave those columns out and store candidates as int8;
# the values are the same, which these digests check).
_CANDIDATE_COLUMNS = ("condorcet_winner", "majority_candidate")
_PER_RULE = ("majority_fail", "spoiler", "monotonicity_fail", "participation_fail", "utility", "exhausted")


def _as_frozen(spec: SimSpec, columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    out = dict(columns)
    n = len(columns["election"])
    for name, column in columns.items():
        if name in _CANDIDATE_COLUMNS or name.endswith("__winner"):
            assert column.dtype == np.int8, name
            out[name] = column.astype(np.int64)
    for rule in spec.rules:
        for metric in _PER_RULE:
            out.setdefault(f"{rule}__{metric}", np.full(n, np.nan))
    return out


def digest(spec: SimSpec) -> str:
    result = simulate(spec, keep_columns=True)
    columns = _as_frozen(spec, result.pop("columns"))
    h = hashlib.sha256()
    for name in sorted(columns):
        column = np.ascontiguousarray(columns[name])
        h.update(f"{name}:{column.dtype.str}:{column.shape}".encode())
        h.update(column.tobytes())
    h.update(json.dumps(result, sort_keys=True, default=str).encode())
    return h.hexdigest()


@pytest.mark.parametrize("kernels", ["numpy", "compiled"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_simulation_results_are_frozen(monkeypatch, case, kernels):
    monkeypatch.setenv("TALLY_JIT", "0" if kernels == "numpy" else "1")
    if kernels == "compiled":
        pytest.importorskip("numba")
        monkeypatch.setattr(batch, "FAST_DRAWS_FROM", 0)  # the compiled draws, however small the run
    spec, frozen = CASES[case]
    assert digest(spec) == frozen, case


if __name__ == "__main__":  # print the digests (to freeze a deliberate change of stream)
    for name in sorted(CASES):
        print(name, digest(CASES[name][0]))
