"""``tally serve`` and ``tally report``."""

from __future__ import annotations

from typing import Annotated

import typer

from .. import limits
from ..errors import ConfigError
from . import app, console


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.", min=1, max=65535)] = 8000,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(help="Another host name to answer to (repeat it; '*' for any). Others get 400."),
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Counts run at once [TALLY_WORKERS].", min=1)] = None,
    queue: Annotated[int | None, typer.Option(help="Counts that may wait [TALLY_QUEUE].", min=1)] = None,
    per_client: Annotated[
        int | None,
        typer.Option(help="Jobs one client may have running or waiting [TALLY_PER_CLIENT].", min=1),
    ] = None,
    job_seconds: Annotated[
        float | None, typer.Option(help="Seconds one count may take [TALLY_JOB_SECONDS].", min=0.1)
    ] = None,
    job_memory: Annotated[
        str | None, typer.Option(help="Memory of one job, e.g. 2GiB [TALLY_JOB_MEMORY].")
    ] = None,
    max_upload: Annotated[
        str | None, typer.Option(help="Largest request body, e.g. 20MiB [TALLY_MAX_UPLOAD_BYTES].")
    ] = None,
) -> None:
    """Start the web app (catalogue, contests, Electoral College, uploads, simulations).

    Counts run in a bounded pool of worker processes with time and memory limits; the
    options override the limits of `tally limits` for this server.
    """
    try:
        import uvicorn

        from ..web import create_app
    except ImportError as exc:
        raise ConfigError(
            f"the web app needs the [web] extra: pip install 'tally[web]' ({exc.name} missing)"
        ) from None
    caps = limits.current().replace(
        workers=workers,
        queue=queue,
        per_client=per_client,
        job_seconds=job_seconds,
        job_memory=job_memory,
        upload_bytes=max_upload,
    )
    # the address served is a name the server answers to, unless it stands for every address
    names = [*(allowed_host or ()), *([host] if host not in ("0.0.0.0", "::", "") else [])]
    app_ = create_app(caps=caps, hosts=names)
    console.print(f"tally is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    uvicorn.run(app_, host=host, port=port, log_level="warning")


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
