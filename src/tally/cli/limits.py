"""``tally limits``: the caps on input sizes and on the web app's work, with their values."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from .. import limits
from . import app, console


@app.command("limits")
def limits_command(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """The limits in force (defaults, then TALLY_* environment variables) and how to change them."""
    rows = limits.describe()
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(show_header=True, header_style="bold")
    for column in ("limit", "value", "environment variable", "bounds"):
        table.add_column(column, overflow="fold")
    for row in rows:
        value = row["value"]
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        table.add_row(row["name"], shown, row["env"], row["help"])
    console.print(table)
