"""Products of simulation counts: exact, whatever the tables were learnt from before."""

from __future__ import annotations

import threading

import numpy as np

from tally.sim import products


def _tables(m: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Tables sharing columns, with columns of zeros and half points among them."""
    first = (rng.random((m, 4)) < 0.4).astype(float)
    halves = rng.integers(0, 7, (m, 3)) / 2
    return [
        first,
        np.hstack([first[:, 2:], np.zeros((m, 2)), halves]),
        np.hstack([halves, first[:, :1]]),
        np.zeros((m, 2)),
    ]


def _exact(counts: np.ndarray, table: np.ndarray) -> np.ndarray:
    # in whole numbers of halves, so the reference itself rounds nothing
    return (counts.astype(object) @ (table * 2).astype(np.int64).astype(object)).astype(float) / 2


def test_products_equal_the_exact_ones_chunk_after_chunk_with_one_product_each(monkeypatch):
    rng = np.random.default_rng(1)
    tables = _tables(9, rng)
    calls = []
    multiply = products._multiply
    monkeypatch.setattr(products, "_multiply", lambda *args, **kw: calls.append(1) or multiply(*args, **kw))
    with products.counting():
        for chunk in range(4):
            counts = rng.integers(0, 50, (30 + chunk, 9))
            calls.clear()
            for table in tables:
                got = products.exact_product(counts, table)
                assert got.dtype == np.float64 and np.array_equal(got, _exact(counts, table))
                assert got.flags.f_contiguous  # candidate-major
            # the first chunk multiplies each table; later ones all of them at once
            assert len(calls) == (len(tables) if chunk == 0 else 1)


def test_counts_beyond_float32_are_multiplied_exactly():
    counts = np.array([[2**23 + 1, 2**23 + 3, 5], [1, 2**24 + 1, 7]])
    table = np.array([[1.0, 0.5], [1.0, 1.5], [0.0, 2.0]])
    with products.counting():
        assert np.array_equal(products.exact_product(counts, table), _exact(counts, table))
        assert products.exact_product(counts, table, wide=False).dtype == np.float64


def test_counts_of_another_width_and_another_thread_are_their_own():
    rng = np.random.default_rng(2)
    results: dict[str, bool] = {}

    def run(name: str, m: int) -> None:
        local = np.random.default_rng(m)
        with products.counting():
            ok = True
            for _ in range(30):
                counts = local.integers(0, 20, (40, m))
                for table in _tables(m, local):
                    ok &= bool(np.array_equal(products.exact_product(counts, table), _exact(counts, table)))
            results[name] = ok

    threads = [threading.Thread(target=run, args=(f"thread {k}", m)) for k, m in enumerate((5, 6, 5))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run("here", 7)
    with products.counting():  # widths change between counts in one thread too
        for m in (3, 4, 3, 4):
            counts = rng.integers(0, 9, (10, m))
            table = (rng.random((m, 2)) < 0.5).astype(float)
            assert np.array_equal(products.exact_product(counts, table), _exact(counts, table))
    assert results == {"thread 0": True, "thread 1": True, "thread 2": True, "here": True}
