"""RCTab's vote arithmetic: ``java.math.BigDecimal`` semantics with Python decimals.

RCTab computes every vote quantity with ``BigDecimal``; its reports print them with
``BigDecimal.toString``, so the *scale* (digits after the point) is part of the output:
a tally reads ``654`` until a fractional surplus touches it and ``654.0000`` after.
Python's :class:`~decimal.Decimal` keeps the same exponent rules for ``+``, ``-`` and
``*`` (the result's exponent is the smaller one, or the sum for a product) and prints
the same way, as long as the working precision never rounds. These helpers add the
two RCTab operations that do round — ``ContestConfig.divide`` and ``multiply``, both
truncating to ``decimalPlacesForVoteArithmetic`` — and exact division to a scale.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Context, Decimal, localcontext
from fractions import Fraction

__all__ = ["EXACT", "ONE", "ZERO", "divide", "java_str", "multiply", "truncate", "unit"]

EXACT = Context(prec=400)
"""A context wide enough that sums and products of vote quantities are exact."""

ZERO = Decimal(0)
ONE = Decimal(1)


def unit(scale: int) -> Decimal:
    """``10^-scale`` with that scale (``unit(4)`` is ``0.0001``, ``unit(0)`` is ``1``)."""
    return Decimal((0, (1,), -scale))


def divide(a: Decimal, b: Decimal, scale: int, rounding: str = ROUND_DOWN) -> Decimal:
    """``a.divide(b, scale, rounding)``: the exact quotient rounded to ``scale`` decimals.

    Only ``ROUND_DOWN`` (towards zero) and ``ROUND_UP`` (away from zero) are needed.
    """
    q = Fraction(a) / Fraction(b) * (10**scale)
    n, d = abs(q.numerator), q.denominator
    whole, rest = divmod(n, d)
    if rounding == ROUND_UP and rest:
        whole += 1
    elif rounding not in (ROUND_DOWN, ROUND_UP):
        raise ValueError(f"unsupported rounding {rounding}")
    sign = 1 if q < 0 and whole else 0
    return Decimal((sign, tuple(int(c) for c in str(whole)), -scale))


def truncate(x: Decimal, scale: int) -> Decimal:
    """``x.setScale(scale, RoundingMode.DOWN)``."""
    with localcontext(EXACT):
        return x.quantize(unit(scale), rounding=ROUND_DOWN)


def multiply(a: Decimal, b: Decimal, scale: int) -> Decimal:
    """RCTab's ``ContestConfig.multiply``: the product truncated to ``scale`` decimals."""
    with localcontext(EXACT):
        return truncate(a * b, scale)


def java_str(x: Decimal) -> str:
    """``BigDecimal.toString()`` (Python prints decimals by the same rules)."""
    return str(x)
