"""RCTab's detailed reports (summary JSON and CSV), per-slice reports, and an audit record.

The JSON and CSV follow RCTab 2.0's ``ResultsWriter`` field for field, so tools that
read RCTab output (RCV visualisers, Sankey plotters, RCTab's own comparison) read ours:
keys in alphabetical order, Jackson's pretty-printing, every vote quantity a decimal
string printed as ``BigDecimal.toString`` does, the CSV's three blocks and RCTab's
percentage formatting. ``generatedBy`` names tally and its version instead of RCTab.

Under ``overvoteRule: "splitVote"`` (not in RCTab 2.0, :mod:`tally.rctab.split`) the
tallies hold split shares as decimals, each round of the JSON gains
``"splitVoteRemainder"`` and the CSV a row "Split Vote Remainder" (the value split ballots
have set aside so far), and the total number of ballots counts it, so a round's tally,
inactive ballots, residual surplus and split remainder add up to the ballots read.

Audit data (SHA-256 of every input and of the config, the tally version, the seed) goes
into a separate ``<stem>_audit.json`` so the report files stay byte-compatible with
RCTab's format.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any

from ..count.record import FINAL_SURPLUS
from .decimal_math import EXACT, ZERO
from .tabulate import RoundResult, SliceRound, Tabulation

__all__ = [
    "dump_json",
    "generated_by",
    "inactive_by_ranking",
    "percent",
    "report_files",
    "sanitize",
    "slice_summary_csv",
    "slice_summary_json",
    "summary_csv",
    "summary_json",
]

_DECIMAL32 = Context(prec=7, rounding=ROUND_HALF_EVEN)
_INACTIVE_JSON = ("overvotes", "skippedRankings", "exhaustedChoices", "repeatedRankings")
_INACTIVE_CSV = (
    ("Overvotes", "overvotes"),
    ("Skipped Rankings", "skippedRankings"),
    ("Exhausted Choices", "exhaustedChoices"),
    ("Repeated Rankings", "repeatedRankings"),
)
_BY_RANKING_JSON = ("exhaustedChoicesFullyRanked", "exhaustedChoicesPartiallyRanked")
_BY_RANKING_CSV = (
    ("Inactive Fully Ranked Ballots by Exhausted Choices", "exhaustedChoicesFullyRanked"),
    ("Inactive Partially Ranked Ballots by Exhausted Choices", "exhaustedChoicesPartiallyRanked"),
)
_SLICE_TITLE = {"precinct": "Precinct", "batch": "Batch"}
_SLICE_FOLDER = {"precinct": "Tabulate by Precinct", "batch": "Tabulate by Batch"}


def generated_by() -> str:
    from .._version import __version__

    return f"tally {__version__}"


def sanitize(text: str | None) -> str:
    """RCTab's ``sanitizeStringForOutput``: characters outside ``[A-Za-z0-9_.-]`` become ``_``."""
    if text is None:
        return ""
    return "".join(ch if (ch.isascii() and (ch.isalnum() or ch in "_-.")) else "_" for ch in text)


def _s(x: Decimal) -> str:
    return str(x)


# -- JSON -----------------------------------------------------------------------------------


def dump_json(value: Any) -> str:
    """JSON as Jackson's ``DefaultPrettyPrinter`` writes it (keys as given), with a final newline."""
    out: list[str] = []
    _write(value, 0, out)
    return "".join(out) + "\n"


def _write(value: Any, depth: int, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append("{ }")
            return
        out.append("{\n")
        items = list(value.items())
        for i, (k, v) in enumerate(items):
            out.append("  " * (depth + 1) + json.dumps(k, ensure_ascii=False) + " : ")
            _write(v, depth + 1, out)
            out.append(",\n" if i < len(items) - 1 else "\n")
        out.append("  " * depth + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[ ]")
            return
        out.append("[ ")
        for i, v in enumerate(value):
            _write(v, depth, out)
            if i < len(value) - 1:
                out.append(", ")
        out.append(" ]")
    elif isinstance(value, Decimal):
        out.append('"' + str(value) + '"')
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def _sorted(d: dict[str, Any]) -> dict[str, Any]:
    return {k: d[k] for k in sorted(d)}


def _config_block(tab: Tabulation, meta: dict[str, str], kind: str | None, sid: str | None) -> dict[str, Any]:
    block: dict[str, str | None] = {
        "contest": meta.get("contest", ""),
        "date": meta.get("date", ""),
        "generatedBy": generated_by(),
        "jurisdiction": meta.get("jurisdiction", ""),
        "office": meta.get("office", ""),
    }
    if kind is not None:
        block[kind] = sid
    return _sorted(block)


def _actions(rnd: RoundResult, transfers: dict[str, dict[str, Decimal]]) -> list[dict[str, Any]]:
    actions = []
    for verb, names in (("elected", rnd.elected), ("eliminated", rnd.eliminated)):
        for name in names:
            actions.append({verb: name, "transfers": _sorted(_as_rctab(transfers.get(name, {})))})
    return actions


def _as_rctab(row: dict[str, Decimal]) -> dict[str, Decimal]:
    """A transfer row as RCTab's report writes it: the final-round surplus under "exhausted"."""
    out = {k: v for k, v in row.items() if k != FINAL_SURPLUS}
    if FINAL_SURPLUS in row:
        held = row[FINAL_SURPLUS]
        with localcontext(EXACT):
            out["exhausted"] = out["exhausted"] + held if "exhausted" in out else held
    return out


def _inactive_json(inactive: dict[str, Decimal], with_final: bool) -> dict[str, Decimal]:
    out = {k: inactive[k] for k in _INACTIVE_JSON}
    if with_final:
        out["finalRoundSurplus"] = inactive["finalRoundSurplus"]
    return _sorted(out)


def inactive_by_ranking(rnd: RoundResult) -> dict[str, Decimal]:
    """The round's inactive ballots with the exhausted ones split by how fully they rank.

    The fully ranked count is rounded to the places of ``exhaustedChoices`` and the
    partially ranked count is the rest, so the two always add up to the exhausted total.
    """
    exhausted = rnd.inactive["exhaustedChoices"]
    fully = Decimal(repr(rnd.exhausted_by_ranking.get("fully_ranked", 0.0)))
    places = exhausted.as_tuple().exponent
    fully = fully.quantize(Decimal(1).scaleb(places if isinstance(places, int) and places < 0 else 0))
    with localcontext(EXACT):
        partially = exhausted - fully
    return {
        **rnd.inactive,
        "exhaustedChoicesFullyRanked": fully,
        "exhaustedChoicesPartiallyRanked": partially,
    }


def _total(tally: dict[str, Decimal], inactive: dict[str, Decimal], remainder: Decimal = ZERO) -> Decimal:
    with localcontext(EXACT):
        total = sum(tally.values(), ZERO) + sum((inactive[k] for k in (*_INACTIVE_JSON, "undervotes")), ZERO)
        return total + remainder if remainder else total


def _splits(tab: Tabulation) -> bool:
    """Whether the report shows split remainders (``overvoteRule: "splitVote"``)."""
    return tab.rules.overvote_rule == "splitVote"


def summary_json(tab: Tabulation, meta: dict[str, str], *, by_ranking: bool = False) -> dict[str, Any]:
    """The detailed report JSON of the whole contest (RCTab ``*_summary.json``).

    With ``by_ranking``, each round's ``inactiveBallots`` also holds
    ``exhaustedChoicesFullyRanked`` and ``exhaustedChoicesPartiallyRanked`` (the split
    RCTab issue 854 proposes; RCTab 2.0 writes neither, so it is off by default).
    """
    rounds = [
        (r.tally, inactive_by_ranking(r) if by_ranking else r.inactive, r.transfers) for r in tab.rounds
    ]
    summary = _summary(tab, meta, rounds, None, None, [r.split_remainder for r in tab.rounds])
    if by_ranking:
        for result, (_, inactive, _) in zip(summary["results"], rounds):
            result["inactiveBallots"].update({k: inactive[k] for k in _BY_RANKING_JSON})
            result["inactiveBallots"] = dict(sorted(result["inactiveBallots"].items()))
    return summary


def slice_summary_json(tab: Tabulation, meta: dict[str, str], kind: str, sid: str) -> dict[str, Any]:
    """The report of one precinct or batch (decisions from the full contest)."""
    rounds: list[SliceRound] = tab.slices[kind][sid]
    triples = [(s.tally, s.inactive, s.transfers) for s in rounds]
    return _summary(tab, meta, triples, kind, sid, [s.split_remainder for s in rounds])


def _summary(
    tab: Tabulation,
    meta: dict[str, str],
    rounds: list[tuple[dict, dict, dict]],
    kind: str | None,
    sid: str | None,
    remainders: list[Decimal],
) -> dict[str, Any]:
    last = len(tab.rounds)
    results = []
    for rnd, (tally, inactive, transfers), remainder in zip(tab.rounds, rounds, remainders):
        result: dict[str, Any] = {
            "inactiveBallots": _inactive_json(inactive, tab.uses_surpluses and rnd.number == last),
            "round": rnd.number,
        }
        if _splits(tab):
            result["splitVoteRemainder"] = remainder
        result["tally"] = _sorted(dict(tally))
        result["tallyResults"] = _actions(rnd, transfers)
        result["threshold"] = rnd.threshold
        results.append(result)
    first_tally, first_inactive, _ = rounds[0]
    summary = {
        "finalThreshold": tab.rounds[-1].threshold,
        "numCandidates": tab.num_candidates,
        "numWinners": tab.number_of_winners,
        "totalNumBallots": _total(first_tally, first_inactive, remainders[0]),
        "undervotes": int(first_inactive["undervotes"]),
    }
    return {
        "config": _config_block(tab, meta, kind, sid),
        "jsonFormatVersion": "1",
        "results": results,
        "summary": summary,
    }


# -- CSV ------------------------------------------------------------------------------------


def percent(votes: Decimal, divisor: Decimal) -> str:
    """RCTab's vote share: 7 significant digits, truncated to hundredths of a percent,
    printed as a Java double (``33.33%``, ``25.0%``)."""
    if divisor == 0:
        return ""
    q = _DECIMAL32.divide(votes, divisor)
    hundredths = int(q.scaleb(4))
    return repr(hundredths / 100.0) + "%"


_SPECIAL = re.compile(r'[,"\r\n]')


def _csv_field(value: str, first: bool) -> str:
    # Apache Commons CSV, QuoteMode.MINIMAL (RCTab's CSVFormat.DEFAULT).
    if value == "":
        return '""' if first else ""
    if value[0] <= "#" or value[-1] <= " " or _SPECIAL.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv(rows: list[list[Any]]) -> str:
    lines = []
    for row in rows:
        cells = ["" if v is None else str(v) for v in row]
        lines.append(",".join(_csv_field(c, i == 0) for i, c in enumerate(cells)) if cells else "")
    return "\n".join(lines) + "\n"


def _sum(values: Any) -> Decimal:
    with localcontext(EXACT):
        return sum(values, ZERO)


def _inactive_sum(inactive: dict[str, Decimal]) -> Decimal:
    return _sum(inactive[k] for k in (*_INACTIVE_JSON, "undervotes"))


def summary_csv(tab: Tabulation, meta: dict[str, str], *, by_ranking: bool = False) -> str:
    """The detailed report CSV of the whole contest (RCTab ``*_summary.csv``).

    With ``by_ranking``, the row "Inactive Ballots by Exhausted Choices" is split into
    "Inactive Fully Ranked Ballots by Exhausted Choices" and "Inactive Partially Ranked
    Ballots by Exhausted Choices", which add up to it (the split RCTab issue 854
    proposes; RCTab 2.0 writes the single row, so it is off by default).
    """
    rounds = [(r.tally, inactive_by_ranking(r) if by_ranking else r.inactive) for r in tab.rounds]
    return _summary_csv(tab, meta, rounds, None, None, [r.split_remainder for r in tab.rounds])


def slice_summary_csv(tab: Tabulation, meta: dict[str, str], kind: str, sid: str) -> str:
    """The CSV report of one precinct or batch."""
    rounds = tab.slices[kind][sid]
    pairs = [(s.tally, s.inactive) for s in rounds]
    return _summary_csv(tab, meta, pairs, kind, sid, [s.split_remainder for s in rounds])


def _number_to_elect(tab: Tabulation) -> str:
    if tab.rules.is_percentage and tab.rules.bottoms_up_percentage is not None:
        pct = format((tab.rules.bottoms_up_percentage * 100).normalize(), "f")
        return f"All candidates over the {pct}% threshold"
    return str(tab.number_of_winners)


def _summary_csv(
    tab: Tabulation,
    meta: dict[str, str],
    rounds: list[tuple[dict, dict]],
    kind: str | None,
    sid: str | None,
    remainders: list[Decimal],
) -> str:
    with localcontext(EXACT):
        return _summary_csv_exact(tab, meta, rounds, kind, sid, remainders)


def _summary_csv_exact(
    tab: Tabulation,
    meta: dict[str, str],
    rounds: list[tuple[dict, dict]],
    kind: str | None,
    sid: str | None,
    remainders: list[Decimal],
) -> str:
    rows = _csv_heading(tab, meta, rounds, kind, sid, remainders[0])
    rows += _csv_votes(tab, rounds, kind is not None)
    rows += _csv_inactive(tab, rounds, kind is not None)
    if _splits(tab):
        rows.append(["Split Vote Remainder", *(c for r in remainders for c in (_s(r), "", ""))])
    if kind is not None:
        note = (
            f"\u2020Elect/Eliminate decisions are from the full contest. All other results on this "
            f"report are at the {kind} level."
        )
        rows += [[], [note]]
    if any(r.by_tiebreak for r in tab.rounds):
        rows += [[], ["*Tie resolved in accordance with election law"]]
    return _csv(rows)


def _csv_heading(
    tab: Tabulation,
    meta: dict[str, str],
    rounds: list[tuple[dict, dict]],
    kind: str | None,
    sid: str | None,
    remainder: Decimal,
) -> list[list[Any]]:
    """The CSV's first two blocks: contest information and contest summary."""
    first_tally, first_inactive = rounds[0]
    return [
        ["Contest Information"],
        ["Generated By", generated_by()],
        ["CSV Format Version", "1"],
        ["Type of Election", "Single-Winner" if tab.rules.is_single_winner else "Multi-Winner"],
        ["Contest", meta.get("contest", "")],
        ["Jurisdiction", meta.get("jurisdiction", "")],
        ["Office", meta.get("office", "")],
        ["Date", meta.get("date", "")],
        ["Winner(s)", ", ".join(tab.winners)],
        [_SLICE_TITLE[kind], sid] if kind is not None else ["Final Threshold", _s(tab.rounds[-1].threshold)],
        [],
        ["Contest Summary"],
        ["Number to be Elected", _number_to_elect(tab)],
        ["Number of Candidates", tab.num_continuing_candidates],
        ["Total Number of Ballots", _s(_total(first_tally, first_inactive, remainder))],
        ["Number of Undervotes (No Rankings)", _s(first_inactive["undervotes"])],
        [],
    ]


def _csv_votes(tab: Tabulation, rounds: list[tuple[dict, dict]], is_slice: bool) -> list[list[Any]]:
    """The round-by-round block down to the threshold: decisions, votes, shares, active ballots."""
    rules = tab.rules
    n = len(tab.rounds)
    header = ["Rounds"]
    for r in range(1, n + 1):
        header += [f"Round {r} Votes", "% of vote", "transfer"]
    rows: list[list[Any]] = [header]
    mark = "\u2020" if is_slice else ""
    for title, attr in (("Eliminated", "eliminated"), ("Elected", "elected")):
        row = [title + mark]
        for rnd in tab.rounds:
            names = [nm + ("*" if nm in rnd.by_tiebreak else "") for nm in getattr(rnd, attr)]
            row += ["; ".join(names), "", ""]
        rows.append(row)

    actives = [_sum(t.values()) + i.get("finalRoundSurplus", ZERO) for t, i in rounds]
    # RCTab's vote shares: of the round's active votes in single-winner and percentage
    # modes, of round 1 otherwise and whenever the first round fixes the threshold.
    per_round = (rules.is_single_winner or rules.is_percentage) and not rules.first_round_determines_threshold
    for name in tab.candidate_order:
        row = [name]
        for r in range(n):
            votes = rounds[r][0].get(name, ZERO)
            divisor = actives[r] if per_round else actives[0]
            row += [_s(votes), percent(votes, divisor)]
            row.append(_s(rounds[r + 1][0].get(name, ZERO) - votes) if r < n - 1 else "0")
        rows.append(row)

    rows.append(["Active Ballots", *(cell for a in actives for cell in (_s(a), "", ""))])
    if not is_slice:
        rows.append(
            ["Current Round Threshold", *(c for rnd in tab.rounds for c in (_s(rnd.threshold), "", ""))]
        )
    return rows


def _csv_inactive(tab: Tabulation, rounds: list[tuple[dict, dict]], is_slice: bool) -> list[list[Any]]:
    """The inactive ballots by reason and in total, then the surplus rows."""
    n = len(tab.rounds)
    first_inactive = rounds[0][1]
    titles = [("Inactive Ballots by " + title, key) for title, key in _INACTIVE_CSV]
    if "exhaustedChoicesFullyRanked" in first_inactive:
        at = [key for _, key in titles].index("exhaustedChoices")
        titles[at : at + 1] = _BY_RANKING_CSV
    rows: list[list[Any]] = []
    for title, key in titles:
        row = [title]
        for r in range(n):
            value = rounds[r][1][key]
            row += [_s(value), ""]
            row.append(_s(rounds[r + 1][1][key] - value) if r < n - 1 else "0")
        rows.append(row)
    row = ["Inactive Ballots Total"]
    undervotes = first_inactive["undervotes"]
    for r in range(n):
        this = _inactive_sum(rounds[r][1])
        row += [_s(this - undervotes), ""]
        row.append(_s(_inactive_sum(rounds[r + 1][1]) - this) if r < n - 1 else "0")
    rows.append(row)
    if not is_slice and tab.rounds[-1].residual_surplus > 0:
        rows.append(
            ["Residual surplus", *(c for rnd in tab.rounds for c in (_s(rnd.residual_surplus), "", ""))]
        )
    if tab.uses_surpluses:
        row = ["Final Round Surplus"]
        for _, inactive in rounds:
            frs = inactive["finalRoundSurplus"]
            is_plain_zero = frs == 0 and frs.as_tuple().exponent == 0
            row += ["" if is_plain_zero else _s(frs), "", ""]
        rows.append(row)
    return rows


# -- files ----------------------------------------------------------------------------------


def report_files(tabs: list[Tabulation], meta: dict[str, str], stem: str) -> dict[str, str]:
    """Every report file RCTab would write, as ``{relative path: text}``.

    ``<stem>_detailed_report.{json,csv}`` (``<stem>_<n>_…`` per multi-pass IRV pass), and
    per slice ``Tabulate by Precinct/<stem>_<slice>_precinct_detailed_report.{json,csv}``
    (likewise for batches).
    """
    files: dict[str, str] = {}
    multi = len(tabs) > 1 or (tabs and tabs[0].pass_number is not None)
    for tab in tabs:
        base = f"{stem}_{tab.pass_number}" if multi else stem
        files[f"{base}_detailed_report.json"] = dump_json(summary_json(tab, meta))
        files[f"{base}_detailed_report.csv"] = summary_csv(tab, meta)
        for kind, by_id in tab.slices.items():
            used: set[str] = set()
            for sid in by_id:
                name = f"{sanitize(sid)}_{kind}"
                unique, k = name, 2
                while unique in used:
                    unique = f"{name}_{k}"
                    k += 1
                used.add(unique)
                folder = _SLICE_FOLDER[kind]
                files[f"{folder}/{base}_{unique}_detailed_report.json"] = dump_json(
                    slice_summary_json(tab, meta, kind, sid)
                )
                files[f"{folder}/{base}_{unique}_detailed_report.csv"] = slice_summary_csv(
                    tab, meta, kind, sid
                )
    return files
