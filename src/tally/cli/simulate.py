"""``tally simulate``, ``tally forecast`` and ``tally runs``."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from ..compare import parse_options
from ..errors import ConfigError
from ..outcome import to_jsonable
from . import app, console, err_console
from .render import column, headline, table

runs_app = typer.Typer(
    help="Stored simulation and forecast runs.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(runs_app, name="runs")


def _lengths(text: str | None) -> dict[int, float] | None:
    if not text:
        return None
    out: dict[int, float] = {}
    for part in text.split(","):
        try:
            length, prob = part.split(":")
            out[int(length)] = float(prob)
        except ValueError:
            raise ConfigError(
                f"--lengths takes LENGTH:PROBABILITY pairs like 1:0.3,3:0.7, not {part!r}"
            ) from None
    return out


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )


@app.command("simulate")
def simulate_command(
    electorate: Annotated[
        str, typer.Option(help="ic | iac | mallows | plackett_luce | urn | spatial")
    ] = "ic",
    candidates: Annotated[int, typer.Option(help="Candidates per election.")] = 3,
    voters: Annotated[int, typer.Option(help="Voters per election.")] = 1001,
    elections: Annotated[int, typer.Option(help="Number of elections.")] = 1000,
    rule_list: Annotated[
        str, typer.Option("--rules", help="Comma-separated single-winner rules.")
    ] = "plurality,irv,borda,schulze",
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same results.")] = 0,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param", "-p", help="Electorate parameter key=value (phi, alpha, dims, parties, ...)."
        ),
    ] = None,
    lengths: Annotated[
        str | None, typer.Option(help="Truncate ballots: LENGTH:PROB,... e.g. 1:0.2,2:0.3,5:0.5")
    ] = None,
    metrics: Annotated[
        str | None,
        typer.Option(help="Comma-separated metrics (default: condorcet,spoiler,majority,utility,exhausted)."),
    ] = None,
    chunk_size: Annotated[int, typer.Option(help="Elections per chunk (part of the run's identity).")] = 500,
    cluster: Annotated[str | None, typer.Option(help="'local' starts a Dask LocalCluster.")] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Use an existing Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Workers for --cluster local.", min=1)] = 2,
    save: Annotated[bool, typer.Option(help="Keep the run in the store (see `tally runs`).")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON.")] = False,
) -> None:
    """Simulate many elections and measure how the rules behave."""
    from ..sim import SimSpec, simulate
    from ..sim.batch import DEFAULT_METRICS

    spec = SimSpec(
        electorate=electorate,
        candidates=candidates,
        voters=voters,
        elections=elections,
        rules=tuple(r.strip() for r in rule_list.split(",") if r.strip()),
        seed=seed,
        params=parse_options(param or []),
        lengths=_lengths(lengths),
        metrics=tuple(m.strip() for m in metrics.split(",")) if metrics else DEFAULT_METRICS,
        chunk_size=chunk_size,
    )
    show = sys.stderr.isatty() and not as_json
    with _progress_bar() as bar:
        task = bar.add_task("simulating", total=spec.n_chunks, visible=show)
        result = simulate(
            spec,
            cluster=cluster,
            scheduler=scheduler,
            workers=workers,
            progress=lambda done, total: bar.update(task, completed=done),
            keep_columns=save,
        )
    columns = result.pop("columns", None)
    if save:
        from ..store_runs import save_run

        result["run"] = save_run(result, columns)
    if as_json:
        print(json.dumps(to_jsonable(result), indent=2))
        return
    _print_summary(result)


def _pct(x: Any) -> str:
    return "—" if x is None else f"{100 * x:.2f}%"


def _print_summary(result: dict[str, Any]) -> None:
    spec = result["spec"]
    headline(console, result.get("headline"))
    console.print(
        f"[bold]{result['elections']:,} elections[/] · {spec['electorate']} · {spec['candidates']} candidates · "
        f"{spec['voters']:,} voters · seed {result['seed']}"
        + (f" · run {result['run']}" if result.get("run") else "")
    )
    m, ci = result["metrics"], result["intervals"]
    low, high = ci["condorcet_paradox"]
    console.print(f"Condorcet paradox: {_pct(m['condorcet_paradox'])}  (95% CI {_pct(low)}–{_pct(high)})")
    t = table()
    column(t, "rule", "id")
    metric_names = [k for k in m if k != "condorcet_paradox"]
    for name in metric_names:
        column(t, name.replace("_", "\n") + " %", "number")
    for rule in spec["rules"]:
        cells = []
        for name in metric_names:
            value = m[name].get(rule)
            interval = ci[name].get(rule)
            if value is None:
                cells.append("—")
            else:
                cells.append(f"{100 * value:.1f} [dim]±{100 * (interval[1] - interval[0]) / 2:.1f}[/]")
        t.add_row(rule, *cells)
    console.print(t)


@app.command("forecast")
def forecast_command(
    polls: Annotated[
        str,
        typer.Argument(
            help="CSV of state polling averages (state,<A>,<B>[,sd][,ev]), or a presidential dataset id whose results stand in for polls."
        ),
    ],
    year: Annotated[int, typer.Option(help="Election year (for electoral votes).")] = 2024,
    sims: Annotated[int, typer.Option(help="Simulated elections.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    national_sd: Annotated[float, typer.Option(help="National polling error, margin points (sd).")] = 2.5,
    regional_sd: Annotated[float, typer.Option(help="Regional error, margin points (sd).")] = 1.5,
    state_sd: Annotated[
        float, typer.Option(help="State error, margin points (sd), unless the CSV gives sd.")
    ] = 3.0,
    save: Annotated[bool, typer.Option(help="Keep the run in the store.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the forecast as JSON.")] = False,
) -> None:
    """Electoral College odds from state polls with correlated errors."""
    from pathlib import Path

    from ..data import resolve_contest
    from ..errors import DataError, RuleError
    from ..procedures import electoral_college as ec
    from ..sim.forecast import ErrorModel, electoral_college_forecast, polls_from_results, read_polls

    if Path(polls).exists():
        try:
            electors = ec.electoral_votes(resolve_contest(f"us-president-{year}", files=False).ballots)
        except DataError:
            electors = None  # no bundled election that year: the polls file must give an ev column
        polls_table = read_polls(polls, year, electors)
    else:
        try:
            tallies = resolve_contest(polls, files=False).ballots
        except RuleError:
            raise DataError(
                f"dataset {polls!r} has no electoral votes (it holds published round totals)"
            ) from None
        polls_table = polls_from_results(tallies, polls)
    result = electoral_college_forecast(
        polls_table, sims=sims, seed=seed, errors=ErrorModel(national_sd, regional_sd, state_sd)
    )
    if save:
        from ..store_runs import save_run

        result["run"] = save_run(result, None, kind="forecast")
    if as_json:
        print(json.dumps(to_jsonable(result), indent=2))
        return
    a, b = result["candidates"]
    year = polls_table.year or year
    headline(console, result["headline"])
    console.print(
        f"[bold]{year} Electoral College forecast[/] · {result['sims']:,} simulations · seed {seed}"
    )
    console.print(
        f"{a}: {_pct(result['win_probability'][a])}   {b}: {_pct(result['win_probability'][b])}   "
        f"269–269 tie: {_pct(result['tie_probability'])}"
    )
    console.print(
        f"median electoral votes: {a} {result['median_ev'][a]:.0f}, {b} {result['median_ev'][b]:.0f}"
    )
    tip = table("tipping-point states")
    column(tip, "state", "id")
    column(tip, "chance", "number")
    for state, p in list(result["tipping_point"].items())[:10]:
        tip.add_row(state, _pct(p))
    console.print(tip)


@runs_app.command("list")
def runs_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Stored runs."""
    from ..store_runs import list_runs

    runs = list_runs()
    if as_json:
        print(json.dumps(to_jsonable(runs), indent=2))
        return
    if not runs:
        headline(
            console, "No stored runs yet: tally simulate and tally forecast keep theirs unless --no-save."
        )
        return
    kinds = Counter(run["kind"] for run in runs)
    headline(
        console,
        f"{len(runs):,} stored {'run' if len(runs) == 1 else 'runs'}: "
        + ", ".join(f"{n:,} {k}" for k, n in sorted(kinds.items()))
        + "; tally runs show ID shows one.",
    )
    t = table()
    for name, kind in (("id", "id"), ("created", "id"), ("kind", "id"), ("what", "text")):
        column(t, name, kind)
    for run in runs:
        spec = run["spec"]
        what = ", ".join(
            f"{k}={v}"
            for k, v in spec.items()
            if k in ("electorate", "candidates", "voters", "elections", "seed", "year", "sims")
        )
        t.add_row(run["id"], run["created"], run["kind"], what)
    console.print(t)


@runs_app.command("show")
def runs_show(
    run: Annotated[str, typer.Argument(help="Run id.")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One stored run's results."""
    from ..store_runs import get_run

    result = get_run(run)
    if as_json or result["kind"] != "simulate":
        print(json.dumps(to_jsonable(result), indent=2))
        return
    _print_summary(result)


@app.command("forecast-house")
def forecast_house_command(
    dataset: Annotated[str, typer.Argument(help="A House dataset by district, e.g. us-house-2018.")],
    party: Annotated[
        str, typer.Option(help="The party whose control is forecast (a column of the data).")
    ] = "Democratic",
    rival: Annotated[str, typer.Option(help="The main opposing party.")] = "Republican",
    swing: Annotated[
        float, typer.Option(help="Expected generic-ballot change toward PARTY, margin points.")
    ] = 0.0,
    swing_sd: Annotated[float, typer.Option(help="Uncertainty of the national swing (sd, points).")] = 2.0,
    district_sd: Annotated[float, typer.Option(help="District-level noise (sd, points).")] = 4.0,
    sims: Annotated[int, typer.Option(help="Simulated elections.")] = 100_000,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the forecast as JSON.")] = False,
) -> None:
    """House control from a uniform generic-ballot swing on a House election's district results."""
    import numpy as np

    from .. import data
    from ..errors import DataError
    from ..names import aliases, find_candidate
    from ..sim.forecast import house_control

    tallies = data.load(dataset)
    if getattr(tallies, "kind", None) != "tallies":
        raise DataError(f"{dataset!r} is not a set of district tallies")
    column = {c: i for i, c in enumerate(tallies.candidates)}
    party, rival = (
        find_candidate(who, tallies.candidates, None, aliases(tallies), what="party")
        for who in (party, rival)
    )
    totals = np.maximum(tallies.votes.sum(axis=1), 1)
    margins = (tallies.votes[:, column[party]] - tallies.votes[:, column[rival]]) / totals * 100
    result = house_control(
        margins, swing=swing, swing_sd=swing_sd, district_sd=district_sd, sims=sims, seed=seed
    )
    result.update(
        {"dataset": dataset, "party": party, "rival": rival, "swing": swing, "seed": seed, "sims": sims}
    )
    result["headline"] = _house_headline(result, dataset)
    if as_json:
        print(json.dumps(to_jsonable(result), indent=2))
        return
    headline(console, result["headline"])
    console.print(
        f"{result['districts']:,} districts, {result['majority']:,} for a majority · {sims:,} simulations · "
        f"national swing sd {swing_sd:g} points, district sd {district_sd:g} points · seed {seed}",
        highlight=False,
    )


def _house_headline(result: dict[str, Any], title: str) -> str:
    """ "Democratic wins a majority in 97.9 % of 100,000 simulations ..." """
    party, swing = result["party"], result["swing"]
    moved = (
        "no net swing"
        if swing == 0
        else f"a {abs(swing):g}-point swing toward {party if swing > 0 else result['rival']}"
    )
    low, high = result["seats_interval_90"]
    return (
        f"{party} wins a House majority ({result['majority']:,} of {result['districts']:,} seats) in "
        f"{100 * result['control_probability']:.1f} % of {result['sims']:,} simulations of {title}'s "
        f"districts with {moved}: a median of {result['median_seats']:,.0f} seats (90 % interval {low:,.0f}–{high:,.0f})."
    )
