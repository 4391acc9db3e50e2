"""``tally rctab`` (count an RCTab contest config) and ``tally verify`` (re-check a report)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from .. import headlines
from ..errors import ConfigError
from . import app, console, err_console
from .render import headline
from .render import table as render_table

__all__ = ["rctab_command", "verify_command"]


def _round_table(tab, title: str, width: int) -> Table:
    """Candidates down, rounds across; only the first and last rounds when they do not fit."""
    rounds = tab.rounds
    from ..rctab.report import inactive_by_ranking

    longest = max((len(str(v)) for r in rounds for v in r.tally.values()), default=1)
    fits = max(2, (width - 24 - 16) // (max(longest, 4) + 3))
    shown = rounds if len(rounds) <= fits else [*rounds[: fits // 2], *rounds[-(fits - fits // 2) + 1 :]]
    table = render_table(title)
    table.add_column("candidate", max_width=24, overflow="fold")
    for i, rnd in enumerate(shown):
        if i and shown[i - 1].number != rnd.number - 1:
            # the rounds left out to fit the width (the detailed report has them all)
            table.add_column("…", justify="center")
        table.add_column(f"R{rnd.number}", justify="right", no_wrap=True)
    table.add_column("result", no_wrap=True)
    outcome: dict[str, str] = {}
    for rnd in rounds:
        for name in rnd.elected:
            outcome[name] = f"[bold green]elected R{rnd.number}[/]"
        for name in rnd.eliminated:
            outcome[name] = f"[red]out R{rnd.number}[/]"
    for name in tab.candidate_order:
        cells = []
        for i, rnd in enumerate(shown):
            if i and shown[i - 1].number != rnd.number - 1:
                cells.append("")
            text = str(rnd.tally[name]) if name in rnd.tally else ""
            if name in rnd.by_tiebreak:
                text += "*"
            cells.append(text)
        table.add_row(name, *cells, outcome.get(name, ""))
    for label, key in (
        ("overvotes", "overvotes"),
        ("skipped rankings", "skippedRankings"),
        ("exhausted", "exhaustedChoices"),
        ("repeated rankings", "repeatedRankings"),
    ):
        cells = []
        for i, rnd in enumerate(shown):
            if i and shown[i - 1].number != rnd.number - 1:
                cells.append("")
            cells.append(f"[dim]{rnd.inactive[key]}[/]")
        table.add_row(f"[dim]inactive: {label}[/]", *cells, "")
        if key == "exhaustedChoices":
            # beside RCTab's table: the exhausted ballots by whether they marked every rank allowed
            for kind, split_key in (
                ("partially ranked", "exhaustedChoicesPartiallyRanked"),
                ("fully ranked", "exhaustedChoicesFullyRanked"),
            ):
                cells = []
                for i, rnd in enumerate(shown):
                    if i and shown[i - 1].number != rnd.number - 1:
                        cells.append("")
                    cells.append(f"[dim]{inactive_by_ranking(rnd)[split_key]}[/]")
                table.add_row(f"[dim]  {kind}[/]", *cells, "")
    cells = []
    for i, rnd in enumerate(shown):
        if i and shown[i - 1].number != rnd.number - 1:
            cells.append("")
        cells.append(f"[dim]{rnd.threshold}[/]")
    table.add_row("[dim]threshold[/]", *cells, "")
    return table


@app.command("rctab")
def rctab_command(
    config: Annotated[Path, typer.Argument(help="RCTab contest config (*_config.json).")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Folder for the reports (default ./rctab-output).")
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print the detailed report JSON on stdout (a list of them for multi-pass IRV)."
        ),
    ] = False,
) -> None:
    """Tabulate an RCTab contest config exactly as RCTab 2.0 does and write its reports.

    Writes RCTab's detailed report JSON and CSV (one pair per pass for multi-pass IRV),
    the per-precinct / per-batch reports when the config asks for them, and
    <contest>_audit.json (SHA-256 of the config and every CVR file, tally version, seed,
    and of each report) for 'tally verify'. Paths in the config are relative to its folder.
    """
    from ..rctab.report import summary_json
    from ..rctab.run import run_config
    from ..rctab.verify import audit_name, audit_record

    run = run_config(config)
    out_dir = output if output is not None else Path("rctab-output")
    files = run.report_files()
    audit = audit_record(run, files, out_dir)
    written = _write_files({**files, audit_name(run.stem): json.dumps(audit, indent=2) + "\n"}, out_dir)
    if as_json:
        reports = [summary_json(tab, run.meta) for tab in run.tabulations]
        payload = reports[0] if len(reports) == 1 else reports
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
        err_console.print(f"wrote {len(written)} files to {out_dir}")
        return
    from ..data.sources import rctab_rules
    from ..rules.rcv import outcome_of

    # the same sentence `tally count CONFIG` prints: one contest, one count
    official = rctab_rules(run.config)
    headline(console, headlines.count(outcome_of(run.tabulations).with_rule("rctab", official.options)))
    for tab in run.tabulations:
        title = run.meta.get("contest") or run.stem
        if tab.pass_number is not None:
            title += f" — pass {tab.pass_number}"
        console.print(_round_table(tab, title, console.width))
        console.print(
            f"{'winner' if len(tab.winners) == 1 else 'winners'}: [bold]{', '.join(tab.winners) or 'none'}[/]   "
            f"ballots: {run.contest.total:,}   final threshold: {tab.rounds[-1].threshold}"
        )
        for t in tab.ties:
            console.print(f"* round {t.round}: tie between {', '.join(t.tied)} ({t.mode}): {t.explanation}")
    console.print(f"wrote {len(written)} files to {out_dir}")


@app.command("verify")
def verify_command(
    report: Annotated[Path, typer.Argument(help="A report written by 'tally rctab', or its *_audit.json.")],
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Check a detailed report JSON written by RCTab itself against a count of this config.",
        ),
    ] = None,
) -> None:
    """Re-run the count behind REPORT and check it: exit 0 when reproduced, 1 otherwise.

    Checks the SHA-256 of the config and of every CVR file recorded in the audit file,
    counts again, and compares every report with the recorded hashes and the files on disk.
    With --config, REPORT may be a detailed report JSON from RCTab: the config is counted
    and the results compared number by number.
    """
    from ..rctab.verify import check_rctab_report, verify

    result = check_rctab_report(report, config) if config is not None else verify(report)
    for line in result.checked:
        console.print(f"checked: {line}")
    if result.ok:
        console.print(f"[bold green]reproduced[/]: {result.audit}")
        return
    console.print(f"[bold red]not reproduced[/]: {len(result.problems)} difference(s)")
    for problem in result.problems:
        console.print(f"  - {problem}", highlight=False)
    # SystemExit rather than typer.Exit: the app runs with standalone_mode=False, where
    # click turns Exit into a return value and the status would be lost.
    raise SystemExit(1)


def _write_files(files: dict[str, str], directory: str | Path) -> list[Path]:
    """Write ``files`` under ``directory`` (UTF-8, ``\\n`` line ends); returns the paths.

    The reports are written here, by the command, so that nothing below the store writes
    files.

    Raises :class:`~tally.errors.ConfigError` naming the path when the folder cannot be
    made or a file cannot be written.
    """
    out = []
    root = Path(directory)
    for rel, text in files.items():
        path = root / rel
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        except OSError as exc:
            raise ConfigError(
                f"{exc.filename or path}: cannot write the report: {exc.strerror or exc}"
            ) from None
        out.append(path)
    return out
