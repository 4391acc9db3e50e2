"""Cast-vote record (CVR) readers for the formats RCTab reads, and CVRs → ballots.

:func:`read_cvrs` reads every source of an RCTab contest config (see
:mod:`tally.rctab.config`) with the reader for its ``provider``:

=============  =====================================================  ==============================
provider       format                                                 module
=============  =====================================================  ==============================
``ess``        ES&S xlsx, one row per ballot, one column per rank     :mod:`.ess`
``genericCsv`` CSV, one column per candidate, cell = rank             :mod:`.generic_csv`
``clearBallot`` Clear Ballot CSV, one 0/1 column per candidate×rank   :mod:`.clear_ballot`
``dominion``   Dominion JSON export folder (manifests + CvrExport)    :mod:`.dominion`
``hart``       Hart folder of one XML file per ballot                 :mod:`.hart`
``cdf``        NIST SP 1500-103 CDF, JSON or XML (Unisyn, ``cdf:``)    :mod:`.cdf`
=============  =====================================================  ==============================

Every reader resolves the vendor's strings (names, codes, Dominion ids, Hart GUIDs) to
candidate display names through the config's names and aliases, and refuses a string it
cannot resolve with a :class:`~tally.errors.BallotError` naming the file, the row or ballot
and the string, as RCTab refuses unrecognised candidates. A rank above
``maxRankingsAllowed`` is an error too (ES&S files excepted: there the setting says how
many rank columns to read, as in RCTab); under ``"max"`` RCTab 2.x sets no limit of its
own and the CVR's ranks stand. ``maxRankingsAllowed``, the number of
candidates and every rank read are checked against :mod:`tally.limits` first, and a
source whose records hold no mark at all where the configuration says the marks are (a
wrong ``firstVoteColumnIndex``, or a file that is no CVR) is refused, since counting it
would elect someone by tie-break.

:func:`cvrs_to_ballots` turns the records into :class:`~tally.ballots.RankedBallots`:
several names at one rank become a tie set, an overvote label becomes ``OVERVOTE``, an
empty rank ``SKIPPED``; ballot ids, precincts and batches are kept as provenance.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from ... import limits
from ...ballots import CODE_DTYPE, SKIPPED, RankedBallots
from ...errors import BallotError, ConfigError
from .._common import check_candidates, check_names
from .model import OVERVOTE_MARK, UWI_NAME, CastVoteRecord, mark_code, source_path

__all__ = [
    "OVERVOTE_MARK",
    "RANK_CEILING",
    "UWI_NAME",
    "CandidateLookup",
    "CastVoteRecord",
    "contest_candidates",
    "csv_records",
    "cvrs_to_ballots",
    "read_ballots",
    "read_cvrs",
    "read_source",
    "sanitize",
]


def sanitize(text: str | None) -> str:
    """RCTab's ``sanitizeStringForOutput``: every character outside ``[A-Za-z0-9_.-]`` → ``_``."""
    if text is None:
        return ""
    return "".join(ch if (ch.isascii() and (ch.isalnum() or ch in "_-.")) else "_" for ch in text)


class CandidateLookup:
    """Resolves the strings found in one source's CVRs to candidate display names.

    A name or alias maps to its candidate (trimmed, exact case, as RCTab compares); the
    source's undeclared write-in label maps to :data:`UWI_NAME`, its overvote label to
    :data:`OVERVOTE_MARK`, and its skipped-rank label to ``None`` (no mark).
    """

    def __init__(self, config, source) -> None:
        self.names: dict[str, str | None] = {}
        for cand in config.candidates:
            self.names[cand.name] = cand.name
            for alias in cand.aliases:
                self.names.setdefault(alias, cand.name)
        if source.undeclared_write_in_label:
            self.names[source.undeclared_write_in_label] = UWI_NAME
        self.overvote_label = source.overvote_label
        self.skipped_label = source.skipped_rank_label
        if source.overvote_label:
            self.names[source.overvote_label] = OVERVOTE_MARK
        if source.skipped_rank_label:
            self.names[source.skipped_rank_label] = None
        self.file = str(source.file_path)

    def resolve(
        self, text: str, *, line: int | None = None, field: str | None = None, file: str | None = None
    ) -> str | None:
        """The name for ``text`` (already trimmed), or a :class:`BallotError`."""
        try:
            return self.names[text]
        except KeyError:
            raise BallotError(
                f"unrecognised candidate {text!r}: it is not a declared candidate name or alias",
                file=file or self.file,
                line=line,
                field=field,
            ) from None


def checked_ranks(config) -> int:
    """``maxRankingsAllowed`` and the declared candidates, checked against :mod:`tally.limits`."""
    where = str(config.path) if getattr(config, "path", None) else None
    check_candidates(len(config.candidates), file=where, what="declared candidates")
    limits.check(
        "ranks",
        config.rules.max_rankings,
        what="maxRankingsAllowed",
        file=where,
        field="rules.maxRankingsAllowed",
    )
    return int(config.rules.max_rankings)


COLUMN_PROVIDERS = ("ess", "genericCsv")
"""Providers whose marks sit in columns the configuration numbers: a wrong number reads
blanks, not an error. (The others find their contest by id and refuse a missing one; a
record they yield holds the contest, marked or blank.)"""


def no_marks(config, source, records: int) -> BallotError:
    """The error for a column source whose ``records`` records hold no mark in its columns."""
    first = source.first_vote_column_index or 1
    where = f"the columns from firstVoteColumnIndex {first} on"
    if source.provider == "ess":
        last = first + config.rules.max_rankings - 1
        where = (
            f"columns {first}..{last} (firstVoteColumnIndex {first}, maxRankingsAllowed {last - first + 1})"
        )
    return BallotError(
        f"none of the {records:,} records has a mark in {where}: the configuration does not "
        "match the file (or the file is no cast vote record), so nothing is counted",
        file=str(source.file_path),
    )


def check_some_candidate_marked(config, marks: Iterable[tuple[tuple[str, ...], ...]], records: int) -> None:
    """Refuse records that mark something but never a single candidate at any rank (every
    mark an overvote): no count could give anyone a vote, and the winner would be chosen by
    tie-break. Records with no mark at all are RCTab's undervotes and are counted as RCTab
    counts them (the column readers refuse a file of them, see :func:`no_marks`)."""
    marked = False
    for ranks in marks:
        if any(len(rank) == 1 and rank[0] != OVERVOTE_MARK for rank in ranks):
            return
        marked = marked or any(ranks)
    if not marked:
        return
    files = ", ".join(str(s.file_path) for s in config.sources)
    raise BallotError(
        f"none of the {records:,} records in {files} marks a single candidate at any rank "
        "(every mark is an overvote): no candidate has a vote to count",
        file=str(config.path) if getattr(config, "path", None) else None,
    )


def no_ballots(config) -> BallotError:
    """The error for a contest whose sources hold no record at all (nothing to count: a
    count would elect someone by tie-break)."""
    files = ", ".join(str(s.file_path) for s in config.sources)
    return BallotError(
        f"the cast vote records ({files}) hold no ballot for this contest",
        file=str(config.path) if getattr(config, "path", None) else None,
    )


def read_source(config, source, index: int = 0) -> Iterator[CastVoteRecord]:
    """Yield the records of one ``cvrFileSources`` entry, in file order.

    Raises :class:`BallotError` when the source has records but none holds a mark, and
    :class:`~tally.errors.LimitError` past the ``ranks``, ``candidates`` or ``ballot_rows``
    caps."""
    from . import cdf, clear_ballot, dominion, ess, generic_csv, hart

    readers = {
        "ess": ess.read,
        "genericCsv": generic_csv.read,
        "clearBallot": clear_ballot.read,
        "dominion": dominion.read,
        "hart": hart.read,
        "cdf": cdf.read,
    }
    try:
        reader = readers[source.provider]
    except KeyError:
        raise ConfigError(f"no CVR reader for provider {source.provider!r}") from None
    path = source_path(source)
    checked_ranks(config)
    records = marked = 0
    for record in reader(config, source, index):
        records += 1
        marked += bool(record.marks)
        if records % 65536 == 0:
            limits.check("ballot_rows", records, what="records", file=str(path))
        yield record
    limits.check("ballot_rows", records, what="records", file=str(path))
    if records and not marked and source.provider in COLUMN_PROVIDERS:
        raise no_marks(config, source, records)


def read_cvrs(config) -> list[CastVoteRecord]:
    """Every cast-vote record of a contest config, source after source, in file order.

    Parameters
    ----------
    config:
        A :class:`tally.rctab.config.ContestConfig`.

    Returns
    -------
    list[CastVoteRecord]

    Raises
    ------
    BallotError
        A file is missing or malformed, names an unknown candidate, or ranks beyond
        ``maxRankingsAllowed``.
    """
    records: list[CastVoteRecord] = []
    for index, source in enumerate(config.sources):
        records.extend(read_source(config, source, index))
    if not records:
        raise no_ballots(config)
    check_some_candidate_marked(config, {r.marks for r in records}, len(records))
    check_names([c.name for c in config.candidates], str(config.path) if config.path else None)
    return records


def contest_candidates(config, cvrs: Iterable[CastVoteRecord] | None = None) -> tuple[str, ...]:
    """Declared candidates in config order (excluded ones included), then UWI if configured.

    With ``cvrs``, :data:`UWI_NAME` is also added when some record marks it.
    """
    names = [c.name for c in config.candidates]
    uwi = config.has_undeclared_write_ins
    if not uwi and cvrs is not None:
        uwi = any(UWI_NAME in rank for cvr in cvrs for rank in cvr.marks)
    if uwi and UWI_NAME not in names:
        names.append(UWI_NAME)
    return tuple(names)


def csv_records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(physical line, cells) of every non-empty row of a CVR CSV file, the header first.

    The file is streamed. Bytes that are not UTF-8 and CSV syntax errors are a
    :class:`BallotError` naming the line: undecodable bytes are carried through as
    surrogates and checked row by row, because a decoding error raised by the text layer
    would point at the buffer being read, not at the row.
    """
    file = str(path)
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
        reader = csv.reader(handle)
        line = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise BallotError(f"CSV syntax error: {exc}", file=file, line=reader.line_num) from None
            if row:
                for cell in row:
                    if not cell.isascii():
                        try:
                            cell.encode("utf-8")
                        except UnicodeEncodeError as exc:
                            byte = ord(cell[exc.start]) - 0xDC00
                            raise BallotError(
                                f"not UTF-8 text: byte 0x{byte:02x} (re-save the file as UTF-8)",
                                file=file,
                                line=line,
                            ) from None
                yield line, row
            line = reader.line_num + 1


RANK_CEILING = 1000
"""The highest rank read under ``maxRankingsAllowed: "max"`` (ballots offer a few dozen at most)."""


def check_max_rankings(
    rank: int, max_rankings: int | None, *, file: str, line: int | None, field: str | None = None
) -> None:
    """RCTab stops on a rank below 1 or above ``maxRankingsAllowed`` (itself within the cap).

    ``max_rankings`` is ``None`` under ``"max"`` (:attr:`Rules.rankings_limit
    <tally.rctab.config.Rules.rankings_limit>`): RCTab 2.x then sets no limit of its own,
    and the CVR's ranks stand, up to :data:`RANK_CEILING` (a rank past it is a damaged
    file, refused before a ballot of that many ranks is built).
    """
    if rank < 1:
        raise BallotError(f"rank {rank} is not a positive rank number", file=file, line=line, field=field)
    if max_rankings is None and rank > RANK_CEILING:
        raise BallotError(
            f"rank {rank} is past any ballot's ranks (maxRankingsAllowed is max; at most {RANK_CEILING})",
            file=file,
            line=line,
            field=field,
        )
    if max_rankings is not None and rank > max_rankings:
        raise BallotError(
            f"rank {rank} exceeds maxRankingsAllowed ({max_rankings})", file=file, line=line, field=field
        )


def marks_from_pairs(pairs: Iterable[tuple[int, str]]) -> tuple[tuple[str, ...], ...]:
    """Marks (one tuple per rank, 1-based ranks) from (rank, name) pairs in any order.

    A name repeated at the same rank is kept once, as RCTab's ``CandidatesAtRanking`` does.
    """
    by_rank: dict[int, list[str]] = {}
    for rank, name in pairs:
        names = by_rank.setdefault(rank, [])
        if name not in names:
            names.append(name)
    if not by_rank:
        return ()
    top = max(by_rank)
    return tuple(tuple(by_rank.get(r, ())) for r in range(1, top + 1))


class _Encoder:
    """Marks → rows of codes, each distinct marking resolved once (ballots repeat a lot)."""

    def __init__(self, candidate_names: Sequence[str]) -> None:
        self.index = {name: i for i, name in enumerate(candidate_names)}
        self.tie_index: dict[frozenset[int], int] = {}
        self.cache: dict[tuple, tuple[int, ...]] = {}

    def encode(self, marks: tuple, *, ballot_id: str, file: str | None, line: int | None) -> tuple[int, ...]:
        row = self.cache.get(marks)
        if row is None:
            row = self.cache[marks] = tuple(
                mark_code(
                    names, self.index, self.tie_index, ballot_id=ballot_id, rank=r, file=file, line=line
                )
                for r, names in enumerate(marks, start=1)
            )
        return row

    def matrix(self, rows: list[tuple[int, ...]]) -> np.ndarray:
        width = max((len(r) for r in self.cache.values()), default=0)
        padded = {r: r + (SKIPPED,) * (width - len(r)) for r in set(self.cache.values())}
        return np.array([padded[r] for r in rows], dtype=CODE_DTYPE).reshape(len(rows), width)

    @property
    def tie_sets(self) -> list[frozenset[int]]:
        return sorted(self.tie_index, key=self.tie_index.__getitem__)


def cvrs_to_ballots(
    cvrs: Sequence[CastVoteRecord],
    candidate_names: Sequence[str],
    *,
    merge: bool = True,
    source: str | None = None,
    title: str | None = None,
    metadata: dict | None = None,
) -> RankedBallots:
    """Ranked ballots from cast-vote records, one row per record before merging.

    Parameters
    ----------
    cvrs:
        Records from :func:`read_cvrs` (or any reader).
    candidate_names:
        The candidates, in the order the ballots should list them. Every name marked on
        a record must be here (include :data:`UWI_NAME` when write-ins are counted, and
        excluded candidates if the count must see their marks).

    Returns
    -------
    RankedBallots
        Marks become codes: one name → its index; several names at one rank → a tie set;
        :data:`OVERVOTE_MARK` → ``OVERVOTE``; no mark → ``SKIPPED``. Provenance keeps
        each record's ballot id, precinct and batch (``None`` shown as ``""``).

    Raises
    ------
    BallotError
        A record marks a name not in ``candidate_names``.

    Example
    -------
    >>> cvr = CastVoteRecord("b1", (("A",), (), ("A", "B")))
    >>> cvrs_to_ballots([cvr], ["A", "B"]).rankings()
    [(('A', None, frozenset({'A', 'B'})), 1.0)]
    """
    encoder = _Encoder(candidate_names)
    rows = [encoder.encode(c.marks, ballot_id=c.ballot_id, file=c.file, line=c.line) for c in cvrs]
    return RankedBallots.from_matrix(
        candidate_names,
        encoder.matrix(rows),
        tie_sets=encoder.tie_sets,
        merge=merge,
        ballot_ids=[c.ballot_id for c in cvrs],
        precincts=[c.precinct or "" for c in cvrs],
        batches=[c.batch or "" for c in cvrs],
        source=source,
        title=title,
        metadata=metadata,
    )


def read_ballots(
    config, candidate_names: Sequence[str] | None = None, *, merge: bool = True
) -> RankedBallots:
    """The ballots of a contest config, read straight into :class:`RankedBallots`.

    The same ballots as ``cvrs_to_ballots(read_cvrs(config), names)``, but ES&S sheets are
    encoded row by row without building a record object per ballot, which is what makes
    large spreadsheets quick. ``candidate_names`` defaults to :func:`contest_candidates`
    (declared candidates, then undeclared write-ins when configured or marked).
    """
    from . import ess

    ids: list[str] = []
    precincts: list[str] = []
    batches: list[str] = []
    marks_per_ballot: list[tuple] = []
    where: list[tuple[str | None, int | None]] = []
    check_names([c.name for c in config.candidates], str(config.path) if config.path else None)
    for index, source in enumerate(config.sources):
        if source.provider == "ess":
            source_path(source)
            stem = sanitize(Path(source.file_path).name)
            file = str(source.file_path)
            t = ess.table(config, source)
            ids.extend([f"{stem}-{n}" for n in range(1, len(t.lines) + 1)])
            marks_per_ballot.extend(t.marks)
            precincts.extend([p or "" for p in t.precincts])
            batches.extend([b or "" for b in t.batches])
            where.extend([(file, line) for line in t.lines])
        else:
            for cvr in read_source(config, source, index):
                ids.append(cvr.ballot_id)
                marks_per_ballot.append(cvr.marks)
                precincts.append(cvr.precinct or "")
                batches.append(cvr.batch or "")
                where.append((cvr.file, cvr.line))
    if not ids:
        raise no_ballots(config)
    check_some_candidate_marked(config, set(marks_per_ballot), len(ids))
    if candidate_names is None:
        names = [c.name for c in config.candidates]
        if config.has_undeclared_write_ins or any(
            UWI_NAME in rank for m in set(marks_per_ballot) for rank in m
        ):
            names.append(UWI_NAME)
        candidate_names = names
    encoder = _Encoder(candidate_names)
    cache = encoder.cache
    rows = [
        cache[m] if m in cache else encoder.encode(m, ballot_id=i, file=w[0], line=w[1])
        for m, i, w in zip(marks_per_ballot, ids, where)
    ]
    return RankedBallots.from_matrix(
        candidate_names,
        encoder.matrix(rows),
        tie_sets=encoder.tie_sets,
        merge=merge,
        ballot_ids=ids,
        precincts=precincts if any(precincts) else None,
        batches=batches if any(batches) else None,
        source=str(config.path) if config.path else None,
        title=config.output.contest_name,
    )
