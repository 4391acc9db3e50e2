"""Java's ``java.util.Random``, ``Collections.shuffle`` and hash iteration order, in Python.

RCTab breaks ties at random with a seeded ``java.util.Random`` (``nextDouble`` for the
``random`` modes, ``Collections.shuffle`` for ``generatePermutation``), and some of its
orderings are the iteration order of Java hash sets of candidate names. Reproducing a
certified RCTab count therefore needs the exact same generator and the same orderings.

:class:`JavaRandom` is the 48-bit linear congruential generator of the Java platform
specification (multiplier ``0x5DEECE66D``, addend ``0xB``, seed scrambled with the
multiplier). :func:`shuffle` is ``Collections.shuffle(list, rnd)``: from the last index
down to 1, swap with ``rnd.nextInt(i + 1)``. :func:`java_string_hash` and
:func:`hash_order` give ``String.hashCode`` and the order in which a ``java.util.HashMap``
(or ``HashSet``) iterates its keys.

>>> r = JavaRandom(42)
>>> r.next_int()
-1170105035
>>> r = JavaRandom(42)
>>> [r.next_int(10) for _ in range(5)]
[0, 3, 8, 4, 0]
>>> shuffle(list("abcdefgh"), JavaRandom(12345))
['g', 'a', 'b', 'e', 'f', 'd', 'h', 'c']

Reference: Java SE 17 API, ``java.util.Random`` (algorithms given in the class
documentation), ``java.util.Collections.shuffle``, ``java.util.HashMap``.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableSequence, Sequence
from typing import TypeVar

__all__ = ["HashMapOrder", "JavaRandom", "hash_order", "java_string_hash", "shuffle"]

_MULTIPLIER = 0x5DEECE66D
_ADDEND = 0xB
_MASK = (1 << 48) - 1

T = TypeVar("T")


def _int32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


class JavaRandom:
    """``java.util.Random``: same seed, same sequence as the JVM."""

    def __init__(self, seed: int) -> None:
        self._seed = (int(seed) ^ _MULTIPLIER) & _MASK

    def next(self, bits: int) -> int:
        """``next(bits)``: the top ``bits`` bits of the advanced seed, as a signed int."""
        self._seed = (self._seed * _MULTIPLIER + _ADDEND) & _MASK
        return _int32(self._seed >> (48 - bits))

    def next_int(self, bound: int | None = None) -> int:
        """``nextInt()`` (any int) or ``nextInt(bound)`` (0 <= n < bound)."""
        if bound is None:
            return self.next(32)
        if bound <= 0:
            raise ValueError("bound must be positive")
        r = self.next(31)
        m = bound - 1
        if bound & m == 0:  # a power of two: take the high bits
            return _int32((bound * r) >> 31)
        # Reject the top partial range so every value is equally likely (Java's loop).
        u = r
        while True:
            r = u % bound
            if _int32(u - r + m) >= 0:
                return r
            u = self.next(31)

    def next_long(self) -> int:
        """``nextLong()``."""
        hi = self.next(32)
        lo = self.next(32)
        value = ((hi << 32) + lo) & 0xFFFFFFFFFFFFFFFF
        return value - (1 << 64) if value >> 63 else value

    def next_double(self) -> float:
        """``nextDouble()``: 53 random bits scaled into [0, 1)."""
        return ((self.next(26) << 27) + self.next(27)) * (1.0 / (1 << 53))


def shuffle(items: MutableSequence[T], rnd: JavaRandom) -> MutableSequence[T]:
    """``Collections.shuffle(items, rnd)`` in place; returns ``items`` for convenience."""
    for i in range(len(items) - 1, 0, -1):
        j = rnd.next_int(i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def java_string_hash(s: str) -> int:
    """``String.hashCode()``: ``s[0]*31^(n-1) + ... + s[n-1]`` over UTF-16 code units, as int."""
    h = 0
    data = s.encode("utf-16-le")
    for k in range(0, len(data), 2):
        h = (31 * h + (data[k] | (data[k + 1] << 8))) & 0xFFFFFFFF
    return _int32(h)


def _bucket_hash(key: str) -> int:
    h = java_string_hash(key) & 0xFFFFFFFF
    return h ^ (h >> 16)


def _table_size_for(cap: int) -> int:
    n = 1
    while n < cap:
        n <<= 1
    return max(n, 1)


class HashMapOrder:
    """The iteration order of a ``java.util.HashMap<String, ?>`` as keys are put into it.

    Iteration runs over the table's buckets in index order and, inside a bucket, in
    insertion order; a resize keeps that relative order. So the order is a stable sort
    of the insertion sequence by bucket index at the final table size.
    ``initial_capacity`` is the constructor argument (``HashSet(Collection c)`` uses
    ``max(c.size() / .75 + 1, 16)``).
    """

    def __init__(self, initial_capacity: int = 16) -> None:
        self._capacity = _table_size_for(max(initial_capacity, 1))
        self._keys: list[str] = []
        self._known: set[str] = set()

    def put(self, key: str) -> None:
        if key in self._known:
            return
        self._known.add(key)
        self._keys.append(key)
        while len(self._keys) > self._capacity * 0.75:
            self._capacity *= 2

    def remove(self, key: str) -> None:
        if key in self._known:
            self._known.discard(key)
            self._keys.remove(key)

    def __iter__(self):
        mask = self._capacity - 1
        return iter(sorted(self._keys, key=lambda k: _bucket_hash(k) & mask))

    def __len__(self) -> int:
        return len(self._keys)


def hash_order(keys: Iterable[str], initial_capacity: int = 16) -> list[str]:
    """The order a ``HashMap``/``HashSet`` built by adding ``keys`` in turn iterates them."""
    order = HashMapOrder(initial_capacity)
    for k in keys:
        order.put(k)
    return list(order)


def hash_set_copy_order(keys: Sequence[str]) -> list[str]:
    """Iteration order of ``new HashSet<>(collection)`` for a collection iterating ``keys``."""
    n = len(keys)
    return hash_order(keys, max(int(n / 0.75) + 1, 16))
