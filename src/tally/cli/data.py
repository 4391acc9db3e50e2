"""``tally data list`` and ``tally data show``: the bundled datasets."""

from __future__ import annotations

import json
from collections import Counter
from typing import Annotated

import typer

from .. import data as catalogue
from ..errors import ConfigError
from ..outcome import to_jsonable
from . import app, console
from .render import column, escape, headline, table

data_app = typer.Typer(help="Bundled real election data.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(data_app, name="data")


# the criteria an outcome fails, in a few words
_SHORT = {
    "condorcet_winner": "condorcet winner",
    "condorcet_loser": "condorcet-loser",
    "upward_monotonicity": "upward monotonicity",
    "downward_monotonicity": "downward monotonicity",
    "no_show": "no-show",
}


_KINDS = {"ranked": "of ranked ballots", "tallies": "of tallies", "contest": "of published rounds"}


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


@data_app.command("list")
def list_command(
    tag: Annotated[str, typer.Option(help="Only datasets with this tag (e.g. us, irv, stv).")] = "",
    flag: Annotated[
        str,
        typer.Option(
            help="Only elections that fail this criterion (condorcet_winner, upward_monotonicity, "
            "no_show, spoiler, ...; 'any' for every flagged one). See `tally criteria`."
        ),
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the catalogue as JSON.")] = False,
) -> None:
    """Every bundled dataset, with its id, kind, licence and source, and the criteria a
    ranked election's outcome fails."""
    from ..analysis.criteria import CRITERIA
    from ..data.rcv_flags import flags

    if flag and flag != "any" and flag not in CRITERIA:
        raise ConfigError(f"unknown criterion {flag!r}; choose any, {', '.join(CRITERIA)}")
    found = [d for d in catalogue.datasets() if not tag or tag in d.tags]
    if flag:
        found = [d for d in found if flags(d.id) and (flag == "any" or flag in flags(d.id))]
    if as_json:
        rows = [{**d.to_dict(), "flags": list(flags(d.id))} for d in found]
        print(json.dumps(to_jsonable(rows), indent=2, ensure_ascii=False))
        return
    kinds = Counter(d.kind for d in found)
    flagged = sum(1 for d in found if flags(d.id))
    headline(
        console,
        f"{_count(len(found), 'dataset')}: "
        + ", ".join(f"{n:,} {_KINDS.get(k, k)}" for k, n in kinds.most_common())
        + (f"; {_count(flagged, 'election')} whose outcome fails a criterion." if flagged else "."),
    )
    t = table()
    column(t, "id", "id")
    column(t, "kind", "id")
    column(t, "title")
    for d in found:
        failed = flags(d.id)
        title = escape(d.title)
        if failed:
            title += "\n[red]fails: " + ", ".join(_SHORT.get(f, f) for f in failed) + "[/]"
        t.add_row(d.id, d.kind, title)
    console.print(t)
    console.print("[dim]tally data show ID: where a dataset comes from, its licence and what it holds[/]")


@data_app.command("show")
def show_command(
    dataset_id: Annotated[str, typer.Argument(help="A dataset id from `tally data list`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """What a dataset is, where it comes from, and what it holds."""
    dataset = catalogue.get(dataset_id)
    loaded = catalogue.load(dataset_id)
    info = dataset.to_dict()
    info["facts"] = dataset.facts
    info["contents"] = _contents(loaded)
    if as_json:
        print(json.dumps(to_jsonable(info), indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{dataset.title}[/]  [dim]({dataset.id})[/]")
    if dataset.description:
        console.print(dataset.description)
    console.print(f"source: {dataset.source}\nlicence: {dataset.licence}\nnotes: {dataset.readme}")
    for key, value in info["contents"].items():
        if key == "rounds":
            for r in value:
                line = ", ".join(f"{name} {votes:,.0f}" for name, votes in r["votes"].items())
                console.print(f"round {r['round']}: {line}", markup=False)
        elif isinstance(value, list):
            console.print(f"{key} ({len(value):,}): {', '.join(map(str, value))}", markup=False)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            console.print(
                f"{key}: {value:,.0f}" if float(value).is_integer() else f"{key}: {value:,}", markup=False
            )
        else:
            console.print(f"{key}: {value}", markup=False)
    if dataset.facts.get("rule"):
        from ..compare import describe_rules

        rules = describe_rules(dataset.facts["rule"], dict(dataset.facts.get("options") or {}))
        console.print(f"counted officially under: {rules}", markup=False)


def _contents(loaded: object) -> dict[str, object]:
    if isinstance(loaded, dict) and "rounds" in loaded:
        # an official count's rounds as published: show them, there is nothing to recount
        return {"kind": "published rounds", "winner": loaded.get("winner"), "rounds": loaded["rounds"]}
    kind = getattr(loaded, "kind", type(loaded).__name__)
    out: dict[str, object] = {"kind": kind}
    if hasattr(loaded, "candidates"):
        out["candidates"] = list(loaded.candidates)
    if hasattr(loaded, "total"):
        out["total"] = loaded.total
    if hasattr(loaded, "areas"):
        out["areas"] = len(loaded.areas)
    return out
