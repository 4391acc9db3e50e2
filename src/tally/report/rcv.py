"""The RCV analyst's toolkit at the interfaces: a ranked SOURCE as a contest, and the
report section of its tables (:mod:`tally.analysis.rcv_tables`) and criteria
(:mod:`tally.analysis.criteria`).

:func:`ranked_contest` is the one place the CLI (``tally analyze``, ``tally criteria``),
the web app's Analysis view and ``tally report`` turn a SOURCE into ballots counted
under the rule and options they were officially counted by.
"""

from __future__ import annotations

import html
from typing import Any

from ..ballots import RankedBallots
from ..contest import Contest
from ..errors import RuleError

__all__ = ["analysis_html", "criteria_html", "ranked_contest", "ranked_record", "rule_line", "witness_text"]


def ranked_contest(
    source: str,
    *,
    rule: str | None = None,
    fmt: str | None = None,
    contest: Contest | None = None,
) -> tuple[Contest, list[str]]:
    """A ranked SOURCE (ballot file, bundled dataset, store import or RCTab contest
    config) as a contest counted under its official rule and options unless ``rule``
    overrides them, with the provenance of each ballot where the source keeps it; and
    notes for the reader.

    The SOURCE is resolved by :func:`tally.data.resolve_contest`, the one function every
    interface uses; ``contest`` passes a contest already resolved (the web app's).

    Raises
    ------
    RuleError
        The SOURCE does not hold ranked ballots.
    """
    from ..compare import counting
    from ..data import resolve_contest

    base = contest if contest is not None else resolve_contest(source, format=fmt)
    ballots = base.ballots
    if getattr(ballots, "kind", None) != "ranked":
        raise RuleError(
            f"{source!r} holds {getattr(ballots, 'kind', 'no')} ballots; the RCV tables need ranked ballots"
        )
    return counting(base.with_ballots(_with_provenance(ballots)), rule), []


def _with_provenance(ballots: RankedBallots) -> RankedBallots:
    """A store import's ballots with where each was cast (the catalogue loads an import
    without its provenance; files and RCTab configs are read with theirs)."""
    if ballots.provenance is not None or not str(ballots.source or "").startswith("store:"):
        return ballots
    from .. import store

    return store.load_ballots(str(ballots.source)[len("store:") :], provenance=True)


def ranked_record(source: str, contest: Contest, result: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """The JSON of ``tally analyze --json`` and ``tally criteria --json``, and of the web
    app's ``/api/analyze`` and ``/api/criteria``: the tables or criteria of ``contest``
    (``result``), the source they were read from, the notes of :func:`ranked_contest`
    before the result's own, and the rules they were counted under in ``counted_under``
    (:func:`tally.compare.rules_record`, as ``tally count --json`` gives them).

    Parameters
    ----------
    source : str
        The SOURCE as the user named it.
    contest : Contest
        The contest of :func:`ranked_contest`.
    result : dict
        :func:`tally.analysis.rcv_tables.analyze` or :func:`tally.analysis.criteria.criteria`
        of ``contest``.
    notes : list of str
        The notes of :func:`ranked_contest`.

    Returns
    -------
    dict
        Plain JSON values.

    Examples
    --------
    >>> from tally.analysis.criteria import criteria
    >>> contest, notes = ranked_contest("burlington-2009")
    >>> ranked_record("burlington-2009", contest, criteria(contest), notes)["counted_under"]["line"]
    "counted under the contest's rules: IRV, overvote exhausts (from the facts of dataset burlington-2009)"
    """
    from ..compare import rules_record
    from ..outcome import to_jsonable

    record = {"source": source, **result, "notes": [*notes, *result["notes"]]}
    return dict(to_jsonable({**record, "counted_under": rules_record(contest)}))


def rule_line(contest: Contest, notes: list[str]) -> str:
    """One line saying how the contest is counted (:func:`tally.compare.rules_line`),
    with ``notes`` after it."""
    from ..compare import rules_line

    return "; ".join([rules_line(contest), *notes])


# ------------------------------------------------------------------------------- HTML


def _n(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.4f}".rstrip("0").rstrip(".")


def _table(head: list[str], rows: list[list[str]], cls: str = "") -> str:
    h = "".join(f"<th>{html.escape(c)}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table class='{cls}'><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>"


def _share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def analysis_html(report: dict[str, Any]) -> str:
    """The tables of :func:`tally.analysis.rcv_tables.analyze` as HTML (names escaped)."""
    e = html.escape
    names = report["candidates"]
    parts = ["<h2>Analysis</h2>"]
    cw, cl = report["condorcet_winner"], report["condorcet_loser"]
    parts.append(
        "<p>"
        + (
            f"Condorcet winner: <strong>{e(cw)}</strong>. "
            if cw
            else f"No Condorcet winner; Smith set: {e(', '.join(report['smith_set']))}. "
        )
        + (f"Condorcet loser: {e(cl)}." if cl else "")
        + "</p>"
    )
    rows = []
    for a in names:
        cells = [e(a)]
        for b in names:
            if a == b:
                cells.append("—")
                continue
            p = report["pairwise"][a][b]
            mark = " class='win'" if p["for"] * 2 > p["of"] else ""
            cells.append(f"<span{mark}>{_n(p['for'])} of {_n(p['of'])} ({_share(p['for'], p['of'])})</span>")
        rows.append(cells)
    parts.append("<h3>Head to head (row over column)</h3>" + _table(["", *names], rows, "pairwise"))
    alt = report["first_alternate"]
    rows = [
        [e(a), *(_n(alt[a][b]) if b != a else "—" for b in names), _n(alt[a]["exhausted"])] for a in names
    ]
    parts.append(
        "<h3>Next choice of each candidate's first-choice voters</h3>"
        + _table(["first choice", *names, "no one"], rows)
    )
    if report["first_final"]:
        finalists = [k for k in next(iter(report["first_final"].values())) if k != "exhausted"]
        rows = [
            [e(a), *(_n(v[f]) for f in finalists), _n(v["exhausted"])]
            for a, v in report["first_final"].items()
        ]
        parts.append(
            "<h3>Where first-choice ballots of the candidates not in the final round counted at the end</h3>"
            + _table(["first choice", *finalists, "exhausted"], rows)
        )
    dist = report["ranking_distribution"]
    counts = list(dist["overall"])
    rows = [["all ballots", *(_n(dist["overall"][k]) for k in counts)]]
    rows += [[e(a), "", *(_n(v.get(k, 0)) for k in counts[1:])] for a, v in dist["by_first_choice"].items()]
    parts.append("<h3>Candidates ranked per ballot</h3>" + _table(["", *counts], rows))
    inactive = report["inactive"]
    reasons = [k for k in inactive["by_round"][0] if k != "round"] if inactive["by_round"] else []
    rows = [[str(r["round"]), *(_n(r[k]) for k in reasons)] for r in inactive["by_round"]]
    parts.append("<h3>Inactive ballots by round</h3>" + _table(["round", *reasons], rows))
    for key, label in (("by_precinct", "precinct"), ("by_batch", "batch")):
        table = inactive.get(key)
        if not table:
            continue
        worst = sorted(table.items(), key=lambda kv: -sum(v for k, v in kv[1].items() if k != "ballots"))[:20]
        rows = [[e(p), _n(v["ballots"]), *(_n(v[k]) for k in reasons)] for p, v in worst]
        parts.append(
            f"<h3>Inactive ballots at the end of the count by {label} ({len(table)}; the 20 with the most shown)</h3>"
            + _table([label, "ballots", *reasons], rows)
        )
    for note in report.get("notes", []):
        parts.append(f"<p class='muted'>{e(note)}</p>")
    return "".join(parts)


def _ranking(marks: list[Any] | None) -> str:
    if marks is None:
        return "abstain"
    shown = []
    for m in marks:
        shown.append("(skipped)" if m is None else "=".join(m) if isinstance(m, list) else str(m))
    return " > ".join(shown) or "(blank)"


def _win(names: list[str]) -> str:
    """ "A wins", "A and B win", "A, B and C win"."""
    if len(names) == 1:
        return f"{names[0]} wins"
    return f"{', '.join(names[:-1])} and {names[-1]} win"


def witness_text(criterion: dict[str, Any]) -> str:
    """A witness in plain words (one line)."""
    w = criterion["witness"]
    if w is None:
        return "none found" if criterion["search"] == "heuristic" else "none"
    if "changes" in w:
        total = sum(c["ballots"] for c in w["changes"])
        moves = "; ".join(
            f"{c['ballots']:,} × {_ranking(c['from'])} → {_ranking(c['to'])}" for c in w["changes"][:3]
        )
        more = f"; and {len(w['changes']) - 3} more" if len(w["changes"]) > 3 else ""
        return f"{total:,} ballots: {moves}{more}; then {_win(w['winners_after'])}"
    if "removed" in w:
        return f"without {w['removed']}, {_win(w['winners_after'])}"
    if "pairwise" in w:
        beats = ", ".join(f"{o} {v['for']:,.0f} of {v['of']:,.0f}" for o, v in w["pairwise"].items())
        return f"ballots ranking {w['candidate']} above each other candidate: {beats}"
    return f"{w['candidate']}: {w['first_choices']:,.0f} first choices of {w['of']:,.0f}"


def criteria_html(found: dict[str, Any]) -> str:
    """The result of :func:`tally.analysis.criteria.criteria` as an HTML table."""
    e = html.escape
    rows = [
        [
            e(c["name"].replace("_", " ")),
            "<strong class='fail'>fails</strong>"
            if c["violated"]
            else "holds"
            if c["search"] == "exact"
            else "none found",
            e(c["search"]),
            e(witness_text(c)),
        ]
        for c in found["criteria"]
    ]
    notes = "".join(f"<p class='muted'>{e(n)}</p>" for n in found.get("notes", []))
    return "<h2>Criteria</h2>" + _table(["criterion", "", "search", "witness"], rows, "criteria") + notes
