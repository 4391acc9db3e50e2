"""``tally limits``: the caps on input sizes and on the web app's work, with their values."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from .. import limits
from . import app, console
from .render import column, escape, headline, table


@app.command("limits")
def limits_command(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """The limits in force (defaults, then TALLY_* environment variables) and how to change them."""
    rows = limits.describe()
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    headline(
        console,
        "The limits in force, from the defaults and the TALLY_* environment variables; "
        "set a variable to change one.",
    )
    t = table()
    column(t, "limit", "id")
    column(t, "value", "number")
    column(t, "environment variable", "id")
    column(t, "what it bounds")
    for row in rows:
        value = row["value"]
        shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
        t.add_row(row["name"], shown, row["env"], escape(row["help"]))
    console.print(t)
