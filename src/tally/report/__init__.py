"""Self-contained HTML reports: one file with the tables, the charts and plotly.js inlined.

``write_report(source, "report.html")`` counts a file or bundled dataset the way
``tally count`` does, under the contest's own rules unless a rule is given, and says which
(or draws the Electoral College for presidential tallies, pledged electors unless
``faithless="historical"``), and writes a report that opens offline. With ``png=True`` every chart is also written as a PNG
beside it, rendered by headless Chromium from the report itself.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from ..compare import compare_outcomes, compared_rules, counting, rules_line
from ..contest import Contest, is_electoral
from ..data import resolve_contest
from ..errors import ConfigError
from ..options import EXHAUSTED_KINDS
from ..outcome import Outcome, to_jsonable
from ..procedures import count as count_contest
from ..procedures import electoral_college as ec
from ..ties import mode_words
from . import charts

__all__ = ["render_report", "write_report"]


def _plotly_js() -> str:
    return charts.plotly_js().read_text(encoding="utf-8")


def _figure(value: float) -> str:
    """A vote or ballot figure as the round table shows it: to four decimals at most, as
    fractional transfers leave it (an STV count's inactive ballots too), else whole."""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _rounds_table(outcome: Outcome) -> str:
    rounds = outcome.rounds
    head = "".join(
        f"<th>{'round ' + str(r.number) if len(rounds) > 1 else html.escape(r.note or 'score')}</th>"
        for r in rounds
    )
    rows = []
    for name in outcome.candidates:
        if not any(name in r.tally for r in rounds):
            continue
        cells = []
        for r in rounds:
            value = r.tally.get(name)
            mark = " ✓" if name in r.elected else (" ✗" if name in r.eliminated else "")
            cells.append(f"<td>{'' if value is None else _figure(value)}{mark}</td>")
        rows.append(f"<tr><td>{html.escape(name)}</td>{''.join(cells)}</tr>")
    if any(r.continuing is not None for r in rounds):
        rows.append(
            "<tr><td>continuing ballots</td>"
            + "".join(f"<td>{_figure(r.continuing or 0)}</td>" for r in rounds)
            + "</tr>"
        )
        reasons = sorted({k for r in rounds for k in r.inactive})
        split = any(r.exhausted_by_ranking is not None for r in rounds)
        for reason in reasons:
            rows.append(
                f"<tr><td>inactive: {reason}</td>"
                + "".join(f"<td>{_figure(r.inactive.get(reason, 0))}</td>" for r in rounds)
                + "</tr>"
            )
            if reason == "exhausted" and split:
                # the exhausted ballots told apart by whether they marked every rank allowed
                for kind in EXHAUSTED_KINDS:
                    rows.append(
                        f"<tr class='exhausted-by-ranking'><td>exhausted, {kind.replace('_', ' ')}</td>"
                        + "".join(
                            f"<td>{_figure((r.exhausted_by_ranking or {}).get(kind, 0))}</td>" for r in rounds
                        )
                        + "</tr>"
                    )
    return f"<table><thead><tr><th>candidate</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _script_json(value: Any) -> str:
    """JSON to embed in a ``<script>``: candidate names come from the ballot file, and a
    name holding ``</script>`` must not end the script (and run what follows as HTML)."""
    text = json.dumps(to_jsonable(value))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _figure_divs(figures: dict[str, dict[str, Any]]) -> tuple[str, str]:
    divs = "".join(f'<div class="chart" id="chart-{name}"></div>' for name in figures)
    calls = "".join(
        f"Plotly.newPlot('chart-{name}', {_script_json(fig['data'])}, {_script_json(fig['layout'])}, "
        "{displaylogo: false, staticPlot: false});"
        for name, fig in figures.items()
    )
    return divs, calls


def _rcv_sections(source: str, contest: Contest) -> str:
    """The RCV tables and the criteria of a ranked contest (see :mod:`tally.report.rcv`)."""
    from ..analysis.criteria import criteria
    from ..analysis.rcv_tables import analyze
    from .rcv import analysis_html, criteria_html, ranked_contest

    contest, _ = ranked_contest(source, contest=contest)
    return (
        "<section id='analysis'>"
        + criteria_html(criteria(contest))
        + analysis_html(analyze(contest))
        + "</section>"
    )


def render_report(
    source: str, rule: str | None = None, *, faithless: str | None = None
) -> tuple[str, list[str]]:
    """The report's HTML and the names of its charts.

    ``faithless`` chooses the electors of an Electoral College (None or ``"none"``:
    pledged; ``"historical"``: as they voted).
    """
    contest = resolve_contest(source)
    ballots = contest.ballots
    title = ballots.title or source
    sections: list[str] = []
    figures: dict[str, dict[str, Any]] = {}
    if is_electoral(ballots):
        contest = contest.with_rule(ec.RULE, {**contest.options, "faithless": faithless or "none"})
        result = ec.summary(contest)
        ev = ", ".join(
            f"{html.escape(c)} {n}"
            for c, n in sorted(result["electoral_votes"].items(), key=lambda kv: -kv[1])
        )
        sections.append(
            f"<p class='winner'>Electoral votes: {ev}. Winner: <strong>{html.escape(str(result['winner']))}</strong></p>"
        )
        sections.append(f"<p class='rules'>{html.escape(ec.electors_line(result))}</p>")
        figures["electoral-votes"] = charts.ev_bar(result, ballots.parties)
        figures["map"] = charts.ec_map(result, ballots.parties)
    else:
        contest = counting(contest, rule)
        outcome = count_contest(contest)
        sections.append(f"<p class='rules'>{html.escape(rules_line(contest))}</p>")
        winners = ", ".join(outcome.winners) or "none"
        if outcome.rule == "districts":
            # the winners of a chamber are the parties that won seats: say how many each
            seats = outcome.details["seats"]
            winners = ", ".join(f"{p} {seats[p]}" for p in outcome.winners) or "none"
            sections.append(
                f"<p class='winner'>Seats won area by area (<code>districts</code>): "
                f"<strong>{html.escape(winners)}</strong>. Majority ({outcome.details['majority']}): "
                f"{html.escape(outcome.details['majority_party'] or 'none')}</p>"
            )
        else:
            label = "Winners" if len(outcome.winners) > 1 else "Winner"
            sections.append(
                f"<p class='winner'>{label} under <code>{html.escape(outcome.rule)}</code>: "
                f"<strong>{html.escape(winners)}</strong>{' (tied)' if outcome.tied else ''}</p>"
            )
        for tie in outcome.ties:
            sections.append(
                f"<p class='muted'>Tie{' in round ' + str(tie.round) if tie.round else ''} between "
                f"{html.escape(', '.join(tie.tied))} ({tie.purpose}): {mode_words(tie.mode)}, "
                f"{html.escape(', '.join(tie.chosen))}. "
                f"{html.escape(tie.detail)}</p>"
            )
        sections.append("<h2>Round by round</h2>" + _rounds_table(outcome))
        if any(r.transfers for r in outcome.rounds):
            figures["flows"] = charts.sankey(outcome)
        figures["rounds"] = charts.rounds_bars(outcome)
        if ballots.kind == "ranked":
            # a contest for several seats is compared with the rules that fill that many
            official_seats = contest.official.seats if contest.official is not None else None
            seats = official_seats if (official_seats or 1) > 1 else None
            report = compare_outcomes(contest, compared_rules(contest, seats), seats, source=source)
            cw = report["condorcet_winner"]
            rows = "".join(
                f"<tr><td>{html.escape(name)}</td><td>{html.escape(', '.join(r.get('winners', [])) or '—')}</td>"
                f"<td>{html.escape(r.get('error', 'tied' if r.get('tied') else ''))}</td></tr>"
                for name, r in report["results"].items()
            )
            sections.append(
                f"<h2>Under every rule{f' ({seats} seats)' if seats else ''}</h2>"
                + (
                    f"<p>Condorcet winner: <strong>{html.escape(cw)}</strong></p>"
                    if cw
                    else f"<p>No Condorcet winner; Smith set: {html.escape(', '.join(report['smith_set']))}</p>"
                )
                + f"<table><thead><tr><th>rule</th><th>winner(s)</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
            )
            figures["pairwise"] = charts.pairwise_heatmap(ballots.candidates, ballots.margins())
            sections.append(_rcv_sections(source, contest))
    divs, calls = _figure_divs(figures)
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} · tally report</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 1100px; color: #1d2329; }}
table {{ border-collapse: collapse; }} th, td {{ border-bottom: 1px solid #dde3e8; padding: .25rem .6rem; text-align: left; }}
.muted {{ color: #5f6b76; }} .winner {{ font-size: 1.15rem; }}
.win {{ font-weight: 600; color: #2166ac; }} .fail {{ color: #b2182b; }}
</style>
<script>{_plotly_js()}</script></head>
<body>
<h1>{html.escape(title)}</h1>
<p class="muted">Source: {html.escape(source)} · {ballots.total:,.0f} {"votes" if ballots.kind == "tallies" else "ballots"}</p>
{"".join(sections)}
{divs}
<script>{calls}</script>
</body></html>
"""
    return page, list(figures)


def write_report(
    source: str, output: str, *, rule: str | None = None, png: bool = False, faithless: str | None = None
) -> list[Path]:
    """Write the report (and, with ``png``, one PNG per chart); return the files written."""
    page, names = render_report(source, rule, faithless=faithless)
    path = Path(output)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write the report to {output}: {exc.strerror or exc}") from None
    written = [path]
    if png:
        written += _screenshots(path, names)
    return written


def _screenshots(path: Path, names: list[str]) -> list[Path]:
    """Render each chart of a written report to PNG with headless Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ConfigError("--png needs playwright (pip install playwright) and Chromium") from None
    chromium = next(
        (
            p
            for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
            if Path(p).exists()
        ),
        None,
    )
    out = []
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(
                executable_path=chromium,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
        except Exception as exc:  # noqa: BLE001 - Playwright raises its own untyped errors
            raise ConfigError(f"--png could not start Chromium: {str(exc).splitlines()[0]}") from None
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(path.resolve().as_uri())
        page.wait_for_function("document.querySelectorAll('.chart .main-svg').length > 0")
        for name in names:
            target = path.with_name(f"{path.stem}-{name}.png")
            page.locator(f"#chart-{name}").screenshot(path=str(target))
            out.append(target)
        browser.close()
    return out
