"""The RCV analyst's toolkit at the interfaces: a ranked SOURCE as a contest, and the
report section of its tables (:mod:`tally.analysis.rcv_tables`) and criteria
(:mod:`tally.analysis.criteria`).

:func:`ranked_contest` is the one place the CLI (``tally analyze``, ``tally criteria``),
the web app's Analysis view and ``tally report`` turn a SOURCE into ballots counted
under the rule and options they were officially counted by.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from ..ballots import RankedBallots
from ..contest import Contest
from ..errors import ConfigError, RuleError

__all__ = ["analysis_html", "criteria_html", "ranked_contest", "rule_line", "witness_text"]

# RCTab's names for its rules, as the ``rctab`` rule's options spell them
_RCTAB_MODES = {
    "singleWinnerMajority": "single",
    "multiWinnerAllowOnlyOneWinnerPerRound": "one_per_round",
    "multiWinnerAllowMultipleWinnersPerRound": "stv",
    "bottomsUp": "bottoms_up",
    "bottomsUpUsingPercentageThreshold": "bottoms_up_percentage",
    "multiPassIrv": "multi_pass",
}
_RCTAB_TIEBREAKS = {
    "useCandidateOrder": "order",
    "random": "random",
    "previousRoundCountsThenRandom": "previous_round",
    "generatePermutation": "permutation",
}
_RCTAB_OVERVOTES = {
    "exhaustImmediately": "exhaust",
    "alwaysSkipToNextRank": "skip",
    "exhaustIfMultipleContinuing": "exhaust_if_multiple",
}


def ranked_contest(
    source: str,
    *,
    rule: str | None = None,
    fmt: str | None = None,
    loaded: tuple[Any, dict[str, Any]] | None = None,
) -> tuple[Contest, list[str]]:
    """A ranked SOURCE (ballot file, bundled dataset, store import or RCTab contest
    config) as a contest counted under its official rule and options, unless ``rule``
    overrides them; and notes for the reader (the official rule, when another is asked for).

    The contest's ``metadata["counted"]`` says whose rules count it: ``"official"``,
    ``"asked"`` or ``"usual"`` (the source states none). ``loaded`` passes ballots and
    dataset facts already read (the web app's loader). Raises
    :class:`~tally.errors.RuleError` when the SOURCE does not hold ranked ballots.
    """
    from ..compare import DEFAULT_RULE, load_source, rule_options
    from ..rules import get_rule

    if loaded is None and _is_rctab_config(source):
        return _rctab_contest(source, rule)
    ballots, facts = loaded if loaded is not None else load_source(source, fmt)
    if getattr(ballots, "kind", None) != "ranked":
        raise RuleError(
            f"{source!r} holds {getattr(ballots, 'kind', 'no')} ballots; the RCV tables need ranked ballots"
        )
    ballots = _with_provenance(ballots)
    official = get_rule(facts["rule"]).name if facts.get("rule") else None
    info = get_rule(rule or official or DEFAULT_RULE["ranked"])
    given: dict[str, Any] = {}
    if info.multiwinner and "seats" in info.options and facts.get("seats"):
        given["seats"] = facts["seats"]
    options, _ = rule_options(info.name, facts, given)
    how = "official" if official == info.name else "asked" if rule else "usual"
    notes = [f"the official rule is {official}"] if official and how == "asked" else []
    return Contest(ballots, info.name, options, {"source": source, "counted": how}), notes


def _with_provenance(ballots: RankedBallots) -> RankedBallots:
    """A store import's ballots with where each was cast (the catalogue loads them without)."""
    if ballots.provenance is not None or not str(ballots.source or "").startswith("store:"):
        return ballots
    from .. import store

    return store.load_ballots(str(ballots.source)[len("store:") :], provenance=True)


def _is_rctab_config(source: str) -> bool:
    path = Path(source)
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        raw = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except ValueError:
        return False
    return isinstance(raw, dict) and "cvrFileSources" in raw and "rules" in raw


def _rctab_contest(source: str, rule: str | None) -> tuple[Contest, list[str]]:
    """An RCTab contest config: its CVRs read and merged (with precinct and batch), counted
    by the ``rctab`` rule under the config's rules."""
    from ..io.cvr import read_cvrs
    from ..rctab.config import load_config
    from ..rctab.contest import SLICES, build_contest
    from ..rctab.run import _has_uwi
    from ..rules import get_rule

    config = load_config(source)
    if config.excluded_names:
        raise ConfigError(
            f"{source}: excluded candidates ({', '.join(config.excluded_names)}) are not supported here; "
            "count the config with `tally rctab`"
        )
    rules = config.rules
    if rules.tiebreak_mode not in _RCTAB_TIEBREAKS:
        raise ConfigError(
            f"{source}: tie-break mode {rules.tiebreak_mode!r} asks an operator; it cannot be analysed"
        )
    records = read_cvrs(config)
    built = build_contest(
        [c.name for c in config.candidates],
        records,
        has_uwi=_has_uwi(config, records),
        slices=SLICES,
        contest_name=config.output.contest_name,
    )
    ballots = _provenance_from_slices(built, source)
    options: dict[str, Any] = {
        "mode": _RCTAB_MODES[rules.winner_election_mode],
        "seats": int(rules.number_of_winners) or 1,
        "tiebreak": _RCTAB_TIEBREAKS[rules.tiebreak_mode],
        "seed": rules.random_seed,
        "overvote": _RCTAB_OVERVOTES[rules.overvote_rule],
        "max_skipped": rules.max_skipped_ranks,
        "repeated": "exhaust" if rules.exhaust_on_duplicate else "skip",
        "batch_elimination": bool(rules.batch_elimination),
        "continue_until_two": bool(rules.continue_until_two),
        "first_round_threshold": bool(rules.first_round_determines_threshold),
        "threshold": "hare"
        if rules.hare_quota
        else "non_integer"
        if rules.non_integer_threshold
        else "droop",
        "decimal_places": int(rules.decimal_places),
        "minimum_votes": int(rules.minimum_vote_threshold or 0),
        "stop_after_round": rules.stop_early_after_round,
        "percentage": None
        if rules.bottoms_up_percentage is None
        else float(rules.bottoms_up_percentage * 100),
        "cutoff": bool(rules.cutoff_elimination),
    }
    if rule is not None and get_rule(rule).name != "rctab":
        asked = {"source": source, "counted": "asked"}
        return Contest(ballots, get_rule(rule).name, {}, asked), ["the config's rules are RCTab's"]
    return Contest(ballots, "rctab", options, {"source": source, "counted": "official"}), []


def _provenance_from_slices(built: Any, source: str) -> RankedBallots:
    """RCTab's merged rows (one per ballot and slice) with each ballot's precinct and batch."""
    import numpy as np

    from ..ballots import Provenance

    row = built.row_of_ballot
    slices = {k: built.row_slices[k][row] for k in built.row_slices}
    prov = Provenance(
        row=row,
        precinct_names=built.slices.get("precinct", ()),
        precinct_codes=slices.get("precinct", np.zeros(0, dtype=np.int64)).astype(np.int32),
        batch_names=built.slices.get("batch", ()),
        batch_codes=slices.get("batch", np.zeros(0, dtype=np.int64)).astype(np.int32),
    )
    b = built.ballots
    return RankedBallots(
        candidates=b.candidates,
        choices=b.choices,
        weights=b.weights,
        tie_sets=b.tie_sets,
        provenance=prov,
        source=source,
        title=b.title,
    )


_HOW = {
    "official": "counted under the contest's rules",
    "asked": "counted under the rule asked for",
    "usual": "counted under the usual rule for ranked ballots (the source states none)",
}


def rule_line(contest: Contest, notes: list[str]) -> str:
    """One line saying how the contest is counted: whose rule, which, with what options."""
    shown = {k: v for k, v in contest.options.items() if v not in (None, False)}
    options = ", ".join(f"{k}={json.dumps(v)}" for k, v in shown.items())
    how = _HOW.get(contest.metadata.get("counted", ""), "counted")
    return "; ".join([f"{how}: {contest.rule}" + (f" ({options})" if options else ""), *notes])


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
        return f"{total:,} ballots: {moves}{more}; then {', '.join(w['winners_after'])} win(s)"
    if "removed" in w:
        return f"without {w['removed']}, {', '.join(w['winners_after'])} win(s)"
    if "pairwise" in w:
        beats = ", ".join(f"{o} {v['for']:,.0f} of {v['of']:,.0f}" for o, v in w["pairwise"].items())
        return f"{w['candidate']} head to head: {beats}"
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
