"""RAIRE's JSON input: an IRV contest's votes as preference lists of candidate indices.

The format RAIRE's tools (raire-rs, raire-java and the services built on them) read::

    {
      "metadata": {"candidates": ["Alice", "Bob", "Chuan", "Diego"]},
      "num_candidates": 4,
      "votes": [{"n": 5000, "prefs": [2, 1, 0]}, {"n": 1000, "prefs": [1, 2, 3]}],
      "winner": 2,
      "audit": {"type": "OneOnMargin", "total_auditable_ballots": 13500}
    }

``metadata.candidates`` names the candidates (without it they are called ``candidate 0``,
``candidate 1``, ...); each vote is ``n`` ballots ranking ``prefs`` in order. ``winner``
(optional) is the reported winner and ``audit`` (optional) the difficulty measure
(``OneOnMargin``, ``OneOnMarginSq`` or ``BRAVO`` with a ``confidence``, the risk limit)
and the number of ballots the audit samples from; both are kept, by name, in
``metadata["raire"]`` for ``tally rla``.

>>> import json, tempfile, os
>>> text = json.dumps({"metadata": {"candidates": ["A", "B"]}, "num_candidates": 2,
...                    "votes": [{"n": 3, "prefs": [0, 1]}, {"n": 2, "prefs": [1]}]})
>>> with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
...     _ = f.write(text)
>>> read_raire(f.name).rankings()
[(('A', 'B'), 3.0), (('B',), 2.0)]
>>> os.unlink(f.name)
"""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from .. import limits
from ..ballots import SKIPPED, RankedBallots
from ..errors import BallotError
from . import Format
from ._common import check_candidates, check_exact_total, read_text

__all__ = ["FORMAT", "looks_like_raire", "read_raire"]

AUDIT_TYPES = ("OneOnMargin", "OneOnMarginSq", "BRAVO")


def looks_like_raire(head: str) -> bool:
    """A JSON object with RAIRE's ``num_candidates`` and ``votes`` keys."""
    text = head.lstrip()
    return text.startswith("{") and '"num_candidates"' in text and '"votes"' in text


def read_raire(path: str | os.PathLike[str]) -> RankedBallots:
    """Ranked ballots from a RAIRE input file.

    Parameters
    ----------
    path : str or path
        The JSON file.

    Returns
    -------
    RankedBallots
        ``metadata["raire"]`` holds ``winner`` (a name or ``None``) and ``audit`` (the
        file's audit object or ``None``).

    Raises
    ------
    BallotError
        Not JSON (with its line), a missing or wrong key, a vote naming a candidate out
        of range or twice, or a count that is not a positive whole number (the vote is
        named by its position, ``votes[k]``, from 0).
    """
    file = str(path)
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise BallotError(f"not JSON: {exc.msg}", file=file, line=exc.lineno) from None
    except (ValueError, RecursionError) as exc:  # a number of 4,300+ digits; nesting past Python's stack
        raise BallotError(f"not readable JSON: {str(exc).split(';')[0]}", file=file) from None
    if not isinstance(data, dict):
        raise BallotError("expected a JSON object with num_candidates and votes", file=file)
    n_cand = data.get("num_candidates")
    if isinstance(n_cand, bool) or not isinstance(n_cand, int) or n_cand < 1:
        raise BallotError(f"num_candidates must be a whole number above 0, not {n_cand!r}", file=file)
    check_candidates(n_cand, file=file, what="num_candidates")
    names = _names(data.get("metadata"), n_cand, file)
    votes = data.get("votes")
    if not isinstance(votes, list):
        raise BallotError("votes must be a list of {n, prefs} objects", file=file, field="votes")
    limits.check("ballot_rows", len(votes), what="votes", file=file, field="votes")
    rows, counts = _votes(votes, n_cand, file)
    check_exact_total(
        np.asarray(counts, dtype=np.float64),
        file=file,
        place=lambda k: (None, f"votes[{k}]"),
        texts=lambda ks: [str(counts[int(k)]) for k in ks],
    )
    winner = data.get("winner")
    if winner is not None:
        if isinstance(winner, bool) or not isinstance(winner, int) or not 0 <= winner < n_cand:
            raise BallotError(f"winner must be a candidate index below {n_cand}, not {winner!r}", file=file)
        winner = names[winner]
    audit = _audit(data.get("audit"), file)
    depth = max((len(r) for r in rows), default=0)
    matrix = np.full((len(rows), depth), SKIPPED, dtype=np.int16)
    for i, row in enumerate(rows):
        matrix[i, : len(row)] = row
    title = (data.get("metadata") or {}).get("contest") if isinstance(data.get("metadata"), dict) else None
    return RankedBallots.from_matrix(
        names,
        matrix,
        counts,
        source=file,
        title=title if isinstance(title, str) else None,
        metadata={"format": "raire", "raire": {"winner": winner, "audit": audit}},
    )


def _names(metadata: Any, n_cand: int, file: str) -> list[str]:
    given = metadata.get("candidates") if isinstance(metadata, dict) else None
    if given is None:
        return [f"candidate {i}" for i in range(n_cand)]
    if not isinstance(given, list) or not all(isinstance(x, str) for x in given):
        raise BallotError(
            "metadata.candidates must be a list of names", file=file, field="metadata.candidates"
        )
    if len(given) != n_cand:
        raise BallotError(
            f"metadata.candidates names {len(given)} candidates, num_candidates says {n_cand}",
            file=file,
            field="metadata.candidates",
        )
    return given


def _votes(votes: list[Any], n_cand: int, file: str) -> tuple[list[list[int]], list[int]]:
    rows, counts = [], []
    for k, vote in enumerate(votes):
        where = f"votes[{k}]"
        if not isinstance(vote, dict):
            raise BallotError("a vote must be an object {n, prefs}", file=file, field=where)
        n, prefs = vote.get("n"), vote.get("prefs")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise BallotError(f"n must be a whole number above 0, not {n!r}", file=file, field=where)
        if not isinstance(prefs, list):
            raise BallotError("prefs must be a list of candidate indices", file=file, field=where)
        seen: set[int] = set()
        for c in prefs:
            if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < n_cand:
                raise BallotError(f"{c!r} is not a candidate index below {n_cand}", file=file, field=where)
            if c in seen:
                raise BallotError(f"candidate {c} is ranked twice", file=file, field=where)
            seen.add(c)
        rows.append(prefs)
        counts.append(n)
    return rows, counts


def _audit(audit: Any, file: str) -> dict[str, Any] | None:
    if audit is None:
        return None
    if not isinstance(audit, dict) or audit.get("type") not in AUDIT_TYPES:
        kind = audit.get("type") if isinstance(audit, dict) else audit
        raise BallotError(
            f"audit type {kind!r} is not one of {', '.join(AUDIT_TYPES)}", file=file, field="audit.type"
        )
    total = audit.get("total_auditable_ballots")
    if isinstance(total, bool) or not isinstance(total, int) or total < 1:
        raise BallotError(
            f"total_auditable_ballots must be a whole number above 0, not {total!r}",
            file=file,
            field="audit.total_auditable_ballots",
        )
    if audit["type"] == "BRAVO":
        alpha = audit.get("confidence")
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
            raise BallotError(
                f"a BRAVO audit's confidence (its risk limit) must lie between 0 and 1, not {alpha!r}",
                file=file,
                field="audit.confidence",
            )
    return dict(audit)


FORMAT = Format(
    "raire",
    "RAIRE input JSON: num_candidates, votes [{n, prefs}], optional winner and audit",
    read_raire,
    (".json",),
    lambda f, h: looks_like_raire(h),
)
