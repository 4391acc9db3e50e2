"""Random draws for simulations: NumPy's numbers, drawn faster where a compiler pays.

Simulations are seeded, and a seed's results are fixed by the numbers NumPy's
generators draw. :func:`multinomial` returns exactly what
``Generator.multinomial(n, pvals, size)`` returns and leaves the generator in the same
state, either by calling it or, when asked and numba is installed, by replaying its
algorithm in compiled code (:mod:`tally.sim._jit`): NumPy draws each category as a
binomial by inversion, recomputing an ``exp`` and a ``log`` before every one of them;
the replay computes those once per run and walks the same uniforms, which the generator
draws in bulk. Counts the replay does not cover (a binomial NumPy samples by another
method, or a walk that would need more uniforms than were drawn) are drawn by NumPy
from the same state.

``TALLY_JIT=0`` in the environment switches every compiled kernel off.
"""

from __future__ import annotations

import os
from functools import lru_cache
from types import ModuleType

import numpy as np

__all__ = ["compiled", "multinomial"]

TABLE_CELLS = 1_000_000  # categories x trials in the replay's table (16 MB of int64)
TABLE_PROBABILITIES = 2_000_000  # and the probabilities it keeps (16 MB)
UNIFORMS = 2_000_000  # uniforms drawn at a time (16 MB)


def compiled() -> ModuleType | None:
    """The compiled kernels, or None when numba is not installed or ``TALLY_JIT=0``."""
    if os.environ.get("TALLY_JIT", "1") == "0":
        return None
    try:
        from . import _jit
    except ImportError:
        return None
    return _jit


@lru_cache(maxsize=2)
def _table(n: int, pvals: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    jit = compiled()
    assert jit is not None
    table = jit.multinomial_table(n, np.frombuffer(pvals, dtype=np.float64), TABLE_PROBABILITIES)
    return table  # type: ignore[no-any-return]


def multinomial(
    rng: np.random.Generator,
    n: int,
    pvals: np.ndarray,
    size: int,
    *,
    fast: bool = False,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """``rng.multinomial(n, pvals, size=size)``: the same (size, len(pvals)) int64 counts,
    and ``rng`` left in the same state; written into ``out`` (and returned) when given.

    With ``fast`` the compiled replay draws them when numba is installed, the generator
    is a PCG64 (whose state can be advanced by the number of uniforms used) and the
    replay's table is small enough; otherwise NumPy does.

    Examples
    --------
    >>> a, b = np.random.default_rng(1), np.random.default_rng(1)
    >>> p = np.full(6, 1 / 6)
    >>> bool((multinomial(a, 20, p, 3, fast=True) == b.multinomial(20, p, size=3)).all())
    True
    >>> a.random() == b.random()
    True
    """
    pvals = np.ascontiguousarray(pvals, dtype=np.float64)
    d = pvals.size
    if out is None:
        out = np.empty((size, d), dtype=np.int64)
    bits = rng.bit_generator
    if (
        not fast
        or d < 2
        or n < 1
        or d * (n + 1) > TABLE_CELLS
        or not isinstance(bits, np.random.PCG64)
        or compiled() is None
    ):
        out[...] = rng.multinomial(n, pvals, size=size)
        return out
    start, width, px, flip = _table(n, pvals.tobytes())
    if start[0, n] == -1:  # NumPy samples the first category otherwise, or the table is too big
        out[...] = rng.multinomial(n, pvals, size=size)
        return out
    jit = compiled()
    assert jit is not None
    step = max(1, UNIFORMS // (d - 1))
    for lo in range(0, size, step):
        part = out[lo : lo + step]
        state = bits.state
        # at most one uniform a category, unless an inversion starts again (rare)
        used = jit.multinomial_fill(rng.random(part.shape[0] * (d - 1)), n, start, width, px, flip, part)
        bits.state = state
        if used < 0:
            part[:] = rng.multinomial(n, pvals, size=part.shape[0])
        else:
            _advance(bits, used)
    return out


def _advance(bits: np.random.PCG64, used: int) -> None:
    """Move the generator on by ``used`` 64-bit draws, as drawing that many doubles
    would, keeping the 32-bit half it may hold back (which ``advance`` resets)."""
    held = bits.state
    bits.advance(used)
    state = bits.state
    state["has_uint32"], state["uinteger"] = held["has_uint32"], held["uinteger"]
    bits.state = state
