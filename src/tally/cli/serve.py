"""``tally serve`` and ``tally report``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import ConfigError
from . import app, console


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000,
) -> None:
    """Start the web app (catalogue, contests, Electoral College, uploads, simulations)."""
    try:
        import uvicorn

        from ..web import create_app
    except ImportError as exc:
        raise ConfigError(
            f"the web app needs the [web] extra: pip install 'tally[web]' ({exc.name} missing)"
        ) from None
    console.print(f"tally is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning")


@app.command("report")
def report_command(
    source: Annotated[str, typer.Argument(help="A ballot file or bundled dataset id.")],
    output: Annotated[str, typer.Option("-o", "--output", help="The HTML file to write.")] = "report.html",
    rule: Annotated[
        str | None, typer.Option("--rule", "-r", help="Rule (default: the official or usual one).")
    ] = None,
    png: Annotated[
        bool, typer.Option(help="Also write each chart as a PNG beside the report (needs Chromium).")
    ] = False,
    faithless: Annotated[
        str,
        typer.Option(
            help="Electoral College electors: none (also 'pledged': every elector as pledged, the default) "
            "or historical (as they voted)."
        ),
    ] = "none",
) -> None:
    """Write a self-contained offline HTML report (charts included, no CDN)."""
    from ..report import write_report

    written = write_report(source, output, rule=rule, png=png, faithless=faithless)
    for path in written:
        console.print(f"wrote {path}")
