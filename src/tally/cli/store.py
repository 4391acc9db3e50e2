"""``tally import`` and ``tally store list|show|remove``: the embedded ballot store."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from .. import store
from ..data.sources import file_rules
from ..errors import ConfigError, DataError
from ..outcome import to_jsonable
from . import app, console
from .render import column, escape, headline, table

store_app = typer.Typer(
    help="Imported cast-vote records kept in the local store.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(store_app, name="store")


def _info_dict(info: store.ImportInfo) -> dict:
    return {
        "name": info.name,
        "sha256": info.sha256,
        "created": info.created.isoformat() if info.created else None,
        "ballots": info.ballots,
        "rows": info.rows,
        "ranks": info.ranks,
        "candidates": list(info.candidates),
        "title": info.title,
        "inputs": list(info.inputs),
        "folder": str(info.folder),
        # the rules the contest was officially counted under, as recorded at import
        "rules": _recorded_rules(info.name),
    }


def _recorded_rules(name: str) -> dict | None:
    """An import's recorded rules; None when it has none or its folder cannot be read
    (``tally count NAME`` then says what is wrong)."""
    try:
        return store.import_rules(name)
    except DataError:
        return None


@app.command("import")
def import_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="An RCTab contest config (.json) or a ranked-ballot CSV (.csv, read as `tally count` reads it)."
        ),
    ],
    name: Annotated[str, typer.Option(help="Name of the import (default: from the file name).")] = "",
    replace: Annotated[bool, typer.Option(help="Overwrite an import of the same name.")] = False,
    candidates: Annotated[
        str, typer.Option(help="CSV only: comma-separated candidate names (default: names as found).")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the catalogue entry as JSON.")] = False,
) -> None:
    """Read a CVR once into the store (merged ballots + per-ballot provenance, as Parquet)."""
    started = time.perf_counter()
    if source.suffix.lower() == ".json":
        info = store.import_cvrs(source, name or None, replace=replace)
    elif source.suffix.lower() == ".csv":
        # the file's sidecar rules travel with the import, as `tally count FILE` uses them
        official = file_rules(source)
        info = store.import_csv(
            source,
            name or source.stem,
            candidates=[c.strip() for c in candidates.split(",") if c.strip()] or None,
            replace=replace,
            rules=None if official is None else official.to_dict(),
        )
    else:
        raise ConfigError(f"{source}: give an RCTab config (.json) or a ranked-ballot CSV (.csv)")
    elapsed = time.perf_counter() - started
    if as_json:
        print(json.dumps(to_jsonable(_info_dict(info)), indent=2, ensure_ascii=False))
        return
    console.print(
        f"imported [bold]{info.name}[/]: {info.ballots:,.0f} ballots, {info.rows:,} distinct, "
        f"{len(info.candidates)} candidates in {elapsed:.2f} s → {info.folder}"
    )
    rules = _recorded_rules(info.name)
    if rules is not None:
        from ..compare import describe_rules

        console.print(
            escape(
                f"official rules recorded: {describe_rules(rules['rule'], rules['options'])} (from {rules['origin']})"
            )
        )


@store_app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False) -> None:
    """Every import in the store."""
    imports = store.list_imports()
    if as_json:
        print(json.dumps(to_jsonable([_info_dict(i) for i in imports]), indent=2, ensure_ascii=False))
        return
    if not imports:
        headline(
            console, "The store holds no imports yet: tally import FILE reads a cast-vote record into it."
        )
    else:
        total = sum(i.ballots for i in imports)
        count = f"{len(imports):,} import" + ("" if len(imports) == 1 else "s")
        headline(console, f"The store holds {count}, {total:,.0f} ballots in all.")
    t = table()
    column(t, "name", "id")
    for name in ("ballots", "distinct", "candidates"):
        column(t, name, "number")
    column(t, "created", "id")
    for i in imports:
        t.add_row(
            escape(i.name),
            f"{i.ballots:,.0f}",
            f"{i.rows:,}",
            str(len(i.candidates)),
            i.created.isoformat(sep=" ", timespec="seconds") if i.created else "",
        )
    console.print(t)
    console.print(f"[dim]store: {store.home()}[/]")


@store_app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="An import name from `tally store list`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """One import: inputs and their SHA-256, candidates, size."""
    info = _info_dict(store.get_import(name))
    if as_json:
        print(json.dumps(to_jsonable(info), indent=2, ensure_ascii=False))
        return
    headline(
        console,
        f"{info['name']}: {info['ballots']:,.0f} ballots ({info['rows']:,} distinct rankings) of "
        f"{len(info['candidates']):,} candidates, imported {info['created'] or 'at an unknown time'}.",
    )
    for key, value in info.items():
        if key in ("name", "created", "inputs", "rules"):
            continue
        if isinstance(value, list):
            # "; " between names that may hold commas ("Golden, Jared F.")
            value = "; ".join(map(str, value))
        elif isinstance(value, float) and value.is_integer():
            value = f"{value:,.0f}"
        elif isinstance(value, int):
            value = f"{value:,}"
        console.print(f"{key}: {value}", highlight=False, markup=False)
    rules = info.get("rules")
    if isinstance(rules, dict) and rules.get("rule"):
        from ..compare import describe_rules

        words = describe_rules(rules["rule"], dict(rules.get("options") or {}))
        console.print(
            f"rules: {words} (from {rules.get('origin', 'the import')})", highlight=False, markup=False
        )
    console.print("inputs (SHA-256, file):")
    for item in info.get("inputs") or []:
        console.print(f"  {item['sha256']}  {item['path']}", highlight=False, markup=False, soft_wrap=True)


@store_app.command("remove")
def remove_command(name: Annotated[str, typer.Argument(help="The import to delete.")]) -> None:
    """Delete an import and its files."""
    store.remove_import(name)
    console.print(f"removed {name}")
