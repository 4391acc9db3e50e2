"""Simulation: synthetic electorates counted under many rules, locally or on Dask.

>>> from tally.sim import SimSpec, simulate
>>> result = simulate(SimSpec(electorate="ic", candidates=3, voters=11, elections=20, rules=("plurality",), seed=1))
>>> result["elections"]
20
"""

from __future__ import annotations

from .batch import METRICS, SimSpec
from .run import simulate

__all__ = ["METRICS", "SimSpec", "simulate"]
