"""Reading cast-vote records into the store block by block.

:class:`Accumulator` merges blocks of coded ballots as they come and streams each ballot's
provenance to Parquet, so memory stays bounded by the number of *distinct* ballots.
Identical ballots are merged by the ballots' own kernel
(:func:`tally.ballots.distinct_rows`). The readers are io's: the RCTab generic CSV
provider is streamed by :func:`tally.io.cvr.generic_csv.stream_blocks`, ranked CSVs by
:func:`tally.io.csv.csv_blocks`, and the other providers are read by their readers.

The width of the stored rows follows the ranks the records hold, never a declared
``maxRankingsAllowed`` (itself checked against :mod:`tally.limits`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import limits
from ._arrow import all_distinct, as_numpy, from_numpy, texts
from .ballots import CODE_DTYPE, SKIPPED, distinct_rows
from .errors import BallotError
from .io.cvr.model import UWI_NAME

__all__ = ["Accumulator", "check_ids", "stream_generic_source"]

_REPEATED_COLUMNS = ["precinct", "batch", "source", "group", "weight"]

# -- accumulating merged ballots block by block ----------------------------------------------


class Accumulator:
    """Merges blocks of coded ballots and streams their provenance to Parquet.

    Rows may come in any width up to the ranks they hold; they are padded with skipped
    ranks to the widest row seen. A row may stand for several ballots (``weights``, as in
    a ranked CSV with a count column); its provenance record then carries that weight.
    """

    def __init__(self, folder: Path, candidates: Sequence[str], ranks: int = 0) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa = pa
        self.candidates = list(candidates)
        self.index = {name: i for i, name in enumerate(self.candidates)}
        self.ranks = ranks
        self.tie_index: dict[frozenset[int], int] = {}
        # Each block's distinct rows and counts; a ballot's provisional group is its block's
        # offset plus its row there. finish() merges the groups across blocks.
        self.uniques: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.groups = 0
        self.count = 0
        self.schema = pa.schema(
            [
                ("ballot_id", pa.string()),
                ("precinct", pa.string()),
                ("batch", pa.string()),
                ("source", pa.int16()),
                ("group", pa.int32()),
                ("weight", pa.float64()),
            ]
        )
        self.folder = folder
        self.pq = pq
        self.writer: Any = None
        self.part = 0
        self._open()

    def _open(self) -> None:
        self.part += 1
        path = self.folder / f"provenance-{self.part:05d}.parquet"
        # Dictionary pages only where values repeat: trying them on the ballot ids, all
        # distinct, costs more than the rest of the write.
        self.writer = self.pq.ParquetWriter(
            path, self.schema, compression="zstd", use_dictionary=_REPEATED_COLUMNS
        )

    def mark(self) -> tuple:
        """A point to come back to: a new provenance part starts here."""
        self.writer.close()
        self._open()
        return (
            self.part,
            len(self.uniques),
            self.groups,
            len(self.candidates),
            dict(self.tie_index),
            self.count,
            self.ranks,
        )

    def rewind(self, mark: tuple) -> None:
        """Forget every block added since ``mark``."""
        part, n_blocks, groups, n_candidates, ties, count, ranks = mark
        self.writer.close()
        for later in range(part, self.part + 1):
            (self.folder / f"provenance-{later:05d}.parquet").unlink(missing_ok=True)
        self.part = part - 1
        self._open()
        self.groups, self.tie_index, self.count, self.ranks = groups, ties, count, ranks
        del self.uniques[n_blocks:]
        del self.counts[n_blocks:]
        for name in self.candidates[n_candidates:]:
            del self.index[name]
        del self.candidates[n_candidates:]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def code(self, name: str) -> int:
        """Index of a candidate name, appending write-ins met for the first time."""
        i = self.index.get(name)
        if i is None:
            if name != UWI_NAME:
                raise BallotError(f"{name!r} is not one of the candidates")
            i = self.index[name] = len(self.candidates)
            self.candidates.append(name)
        return i

    def add(
        self,
        codes: np.ndarray,
        ids: Sequence[str] | Any,
        precincts: Any,
        batches: Any,
        source: int,
        weights: np.ndarray | None = None,
    ) -> None:
        """Add a block: codes (n, any width) and, per row, id, precinct and batch (or None)
        and how many ballots it stands for (``None``: one each)."""
        n = codes.shape[0]
        if n == 0:
            return
        codes = _trim(np.ascontiguousarray(codes, dtype=CODE_DTYPE))
        self.ranks = max(self.ranks, codes.shape[1])
        limits.check("cells", n * self.ranks, what="cells of a block of ballots (rows x ranks)")
        first, inverse = distinct_rows(codes)
        unique = codes[first]
        counts = np.bincount(inverse, weights=weights, minlength=len(unique))
        gids = (self.groups + inverse).astype(np.int32)
        self.uniques.append(unique)
        self.counts.append(counts)
        self.groups += len(unique)
        pa = self.pa
        table = pa.table(
            {
                "ballot_id": _arrow_strings(ids, n),
                "precinct": _arrow_strings(precincts, n),
                "batch": _arrow_strings(batches, n),
                "source": from_numpy(np.full(n, source, dtype=np.int16)),
                "group": from_numpy(gids),
                "weight": from_numpy(
                    np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
                ),
            },
            schema=self.schema,
        )
        self.writer.write_table(table)
        self.count += n

    def finish(self, folder: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Close the provenance file; return (choices, weights, group → row) heaviest first."""
        import pyarrow.parquet as pq

        self.close()
        if self.uniques:
            limits.check(
                "cells", self.groups * self.ranks, what="cells of the distinct ballots (rows x ranks)"
            )
            blocks = np.vstack([_pad(u, self.ranks) for u in self.uniques])
            first, group_of = distinct_rows(blocks)
            matrix = blocks[first]
            weights: np.ndarray = np.bincount(
                group_of, weights=np.concatenate(self.counts).astype(np.float64), minlength=len(matrix)
            )
        else:
            matrix, group_of = np.zeros((0, self.ranks), dtype=CODE_DTYPE), np.zeros(0, dtype=np.int64)
            weights = np.zeros(0)
        order = np.lexsort((np.arange(weights.size), -weights))
        rank_of = np.empty(order.size, dtype=np.int32)
        rank_of[order] = np.arange(order.size, dtype=np.int32)
        row_of = rank_of[group_of]  # provisional group -> stored row
        used = np.flatnonzero((matrix != SKIPPED).any(axis=0)) if matrix.size else np.array([], dtype=int)
        matrix = matrix[order][:, : (used[-1] + 1 if used.size else 0)]
        pq.write_table(self.pa.table({"row": from_numpy(row_of)}), folder / "group_rows.parquet")
        return np.ascontiguousarray(matrix), weights[order], row_of


def _trim(codes: np.ndarray) -> np.ndarray:
    """Codes without their trailing columns of skipped ranks."""
    used = np.flatnonzero((codes != SKIPPED).any(axis=0)) if codes.size else np.array([], dtype=int)
    return codes[:, : (int(used[-1]) + 1 if used.size else 0)]


def _pad(codes: np.ndarray, width: int) -> np.ndarray:
    if codes.shape[1] == width:
        return codes
    out = np.full((codes.shape[0], width), SKIPPED, dtype=CODE_DTYPE)
    out[:, : codes.shape[1]] = codes
    return out


def _arrow_strings(values: Any, n: int):
    """A string Arrow array from a list, an Arrow array, or ``None`` (all null)."""
    import pyarrow as pa

    if values is None:
        return pa.nulls(n, type=pa.string())
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        return values.cast(pa.string())
    return texts(values)


# -- streaming sources ----------------------------------------------------------------------


def stream_generic_source(acc: Accumulator, config, source, index: int, block_bytes: int) -> None:
    """Stream a generic CSV source into ``acc`` (:func:`tally.io.cvr.generic_csv.stream_blocks`);
    start over reading text when Arrow cannot type it. A source with records but no rank
    anywhere is refused (see :func:`tally.io.cvr.no_marks`)."""
    from .io.cvr import no_marks
    from .io.cvr.generic_csv import UntypedRanks, stream_blocks

    def add_all(typed: bool) -> tuple[int, bool]:
        records, marked = 0, False
        for block in stream_blocks(config, source, acc.code, acc.tie_index, block_bytes, typed=typed):
            records += block.codes.shape[0]
            marked = marked or block.marked
            acc.add(block.codes, block.ids, block.precincts, block.batches, index)
        return records, marked

    mark = acc.mark()
    try:
        records, marked = add_all(typed=True)
    except UntypedRanks:
        acc.rewind(mark)
        records, marked = add_all(typed=False)
    if records and not marked:
        raise no_marks(config, source, records)


def check_ids(parts: list[Any], path: Path, column: str, delimiter: str) -> None:
    """Ballot ids must be present and distinct, as :func:`tally.io.csv.read_csv` requires."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pa.chunked_array(parts, type=pa.string())
    if as_numpy(pc.utf8_length(ids)).all() and all_distinct(ids):
        return
    from .io.csv import _ids

    _ids(ids, path, str(path), delimiter, column)  # raises the located error
