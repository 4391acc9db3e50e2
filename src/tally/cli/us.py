"""``tally ec``, ``spoilers``, ``margins``, ``whatif``, ``seats-compare``: the US system and
first-past-the-post on real data."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from ..contest import Contest, is_electoral
from ..data import resolve_contest
from ..errors import ConfigError, RuleError
from ..outcome import to_jsonable
from ..procedures import electoral_college as ec
from . import app, console
from .render import escape

SourceArg = Annotated[str, typer.Argument(help="A bundled dataset id (e.g. us-president-2000) or a file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
FaithlessOpt = Annotated[
    str,
    typer.Option(
        help="Electors: none (also 'pledged': every elector as pledged, the default) or historical "
        "(as they voted, faithless electors included)."
    ),
]


def _print_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def _electoral(source: str, **options: Any) -> Contest:
    try:
        contest = resolve_contest(source)
    except RuleError:
        contest = None
    if contest is None or not is_electoral(contest.ballots):
        raise ConfigError(
            f"{source} has no electoral votes per area; this command needs presidential tallies"
        )
    return contest.with_rule(ec.RULE, {**contest.options, **options})


def _tallies(source: str) -> Contest:
    from ..ballots import Tallies

    try:
        contest = resolve_contest(source)
    except RuleError:
        # a dataset of published round totals: name what it holds, as for ballots below
        raise ConfigError(
            f"{source} holds published round totals, not area tallies; this command needs results by area"
        ) from None
    if not isinstance(contest.ballots, Tallies):
        raise ConfigError(
            f"{source} holds {contest.ballots.kind} ballots, not area tallies; this command needs results by area"
        )
    return contest


def _chamber(source: str) -> Contest:
    """Tallies of a chamber elected area by area: every area carries its seats."""
    contest = _tallies(source)
    if "seats" not in contest.ballots.attributes:
        kind = "electoral votes" if is_electoral(contest.ballots) else "one contest's votes by area"
        raise ConfigError(
            f"{source} holds {kind}, not seats won area by area; this command needs a chamber "
            "(tallies with a seats column, such as us-house-2020 or uk-general-2024)"
        )
    return contest


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def _ev_line(ev: dict[str, Any]) -> str:
    return ", ".join(f"{escape(k)} {_fmt(v)}" for k, v in sorted(ev.items(), key=lambda kv: -kv[1]))


def _result_key(result: dict[str, Any]) -> str:
    return next(k for k in ("electoral_votes", "seats", "votes") if k in result)


@app.command("ec")
def ec_command(
    source: SourceArg,
    allocation: Annotated[
        str, typer.Option(help="wta | statewide | district | proportional | popular")
    ] = "wta",
    rounding: Annotated[
        str, typer.Option(help="For proportional: hamilton | dhondt | sainte_lague | exact")
    ] = ("hamilton"),
    faithless: FaithlessOpt = "none",
    as_json: JsonOpt = False,
) -> None:
    """The Electoral College result: electors per candidate and the winner of every area."""
    contest = _electoral(source, allocation=allocation, rounding=rounding, faithless=faithless)
    result = ec.summary(contest)
    if as_json:
        _print_json(result)
        return
    table = Table(title=f"{escape(source)}: electoral votes ({allocation})", header_style="bold")
    for col in ("area", "winner", "electoral votes", "electors"):
        table.add_column(col)
    for a in result["areas"]:
        table.add_row(
            escape(a["area"]), escape(a["winner"] or "—"), str(a["electoral_votes"]), _ev_line(a["electors"])
        )
    console.print(table)
    console.print(f"[bold]{_ev_line(result['electoral_votes'])}[/] (majority {result['majority']})")
    console.print(escape(ec.electors_line(result)))
    _print_decision(result)


def _print_decision(result: dict[str, Any]) -> None:
    if result["winner"] and not result["contingent"]:
        console.print(f"winner: [bold]{escape(result['winner'])}[/]")
    elif result["contingent"]:
        c = result["contingent"]
        console.print(
            f"[bold]{c['reason']}[/]: the House chooses among {escape(', '.join(c['candidates']))}, "
            "one vote per state delegation"
        )
        if c.get("votes"):
            console.print(
                f"House delegations ({c.get('assumption')}): {_ev_line(c['votes'])}; "
                f"needed {c['states_needed']}; winner: {escape(c['winner'] or 'none')}"
            )
        elif c.get("note"):
            console.print(escape(c["note"]))
    for w in result["warnings"]:
        console.print(f"[yellow]warning:[/] {escape(w)}")


@app.command("spoilers")
def spoilers_command(
    source: SourceArg,
    candidate: Annotated[
        list[str], typer.Option("--candidate", "-c", help="Only these minor candidates.")
    ] = [],  # noqa: B006
    transfer: Annotated[
        list[str],
        typer.Option(
            help='Assumption, e.g. "Nader -> Gore 50%" (repeatable): the candidate withdraws, the shares given '
            "move, the rest abstain."
        ),
    ] = [],  # noqa: B006
    sweep: Annotated[str, typer.Option(help="Net transfer rates to sweep, e.g. 0.01,0.05,0.1,0.5.")] = "",
    toward: Annotated[
        str, typer.Option(help="Candidate the swept net share goes to (default: each runner-up).")
    ] = "",
    rule: Annotated[
        str,
        typer.Option(
            help="For ranked ballots: the rule to recount with (default: the dataset's official rule, else irv)."
        ),
    ] = "",
    limit: Annotated[int, typer.Option(help="Rows shown in the table (JSON has all).")] = 25,
    faithless: FaithlessOpt = "none",
    as_json: JsonOpt = False,
) -> None:
    """Minor candidates' break-even net transfer rates, area by area, and what flips."""
    from ..analysis.spoilers import ranked_spoilers, spoilers
    from ..analysis.whatif import parse
    from ..ballots import RankedBallots
    from ..compare import counting

    contest = resolve_contest(source)
    if isinstance(contest.ballots, RankedBallots):
        chosen = counting(contest, rule or None)
        report = ranked_spoilers(contest.ballots, chosen.rule, **chosen.options)
        if as_json:
            _print_json(report)
            return
        table = Table(
            title=f"{escape(source)}: each losing candidate removed, recounted by {report['rule']}",
            header_style="bold",
        )
        for col in ("candidate", "winner", "winner without them", "spoiler"):
            table.add_column(col)
        for r in report["rows"]:
            table.add_row(
                escape(r["candidate"]),
                escape(", ".join(r["winner"])),
                escape(", ".join(r["winner_without"])),
                "yes" if r["spoiler"] else "no",
            )
        console.print(table)
        return
    from ..ballots import Tallies

    if not isinstance(contest.ballots, Tallies):
        raise ConfigError(f"{source}: spoilers needs area tallies or ranked ballots")
    transfers: dict[str, dict[str, float]] = {}
    for text in transfer:
        s = parse(text)
        if s.kind != "transfer" or s.areas is not None:
            raise ConfigError(
                f"--transfer takes 'A -> B x%' everywhere, not {text!r}; use `tally whatif` for more"
            )
        target, share = s.targets[0]
        assert s.source is not None  # parse gives every transfer its source
        transfers.setdefault(s.source, {})[target] = share
    rates = []
    if sweep:
        try:
            rates = [float(x) for x in sweep.split(",")]
        except ValueError:
            raise ConfigError(f"--sweep takes numbers separated by commas, not {sweep!r}") from None
    report = spoilers(
        contest,
        candidates=candidate or None,
        transfers=transfers or None,
        rates=rates or None,
        toward=toward or None,
        faithless=faithless,
    )
    if as_json:
        _print_json(report)
        return
    table = Table(title=f"{escape(source)}: break-even net transfer rates", header_style="bold")
    for col in ("area", "candidate", "votes", "winner", "runner-up", "margin", "break-even"):
        table.add_column(col, justify="right" if col in ("votes", "margin", "break-even") else "left")
    for r in report["rows"][:limit]:
        be = f"{r['break_even']:.2%}" + ("" if r["can_flip"] else " (impossible)")
        table.add_row(
            escape(r.get("name") or r["area"]),
            escape(r["candidate"]),
            _fmt(r["votes"]),
            escape(r["winner"]),
            escape(r["runner_up"]),
            _fmt(r["margin"]),
            be,
        )
    console.print(table)
    if len(report["rows"]) > limit:
        console.print(f"[dim]{len(report['rows']) - limit} more rows (use --limit or --json)[/]")
    if is_electoral(contest.ballots):
        console.print(escape(ec.electors_line(report["actual"])))
    if report["assumption"]:
        res = report["assumption"]["result"]
        flips = (
            ", ".join(f"{f['area']} ({f.get('electoral_votes', f.get('seats'))})" for f in res["flipped"])
            or "none"
        )
        console.print(escape(f"assumption {report['assumption']['transfers']}: flips {flips}"))
        key = _result_key(res)
        console.print(f"actual: {_ev_line(res['actual'][key])}")
        console.print(f"with the assumption: [bold]{_ev_line(res[key])}[/]")
    if report["sweep"]:
        for name, steps in report["sweep"].items():
            t = Table(
                title=escape(f"sweep: {name} withdraws, net share to {toward or 'each runner-up'}"),
                header_style="bold",
            )
            for col in ("net rate", "areas flipped", "result", "winner"):
                t.add_column(col)
            for s in steps:
                flipped = ", ".join(s["flipped"][:12]) + (
                    f" (+{len(s['flipped']) - 12})" if len(s["flipped"]) > 12 else ""
                )
                t.add_row(
                    f"{s['rate']:.2%}",
                    escape(flipped or "—"),
                    _ev_line(s[_result_key(s)]),
                    escape(s["winner"] or "—"),
                )
            console.print(t)


@app.command("margins")
def margins_command(
    source: SourceArg,
    challenger: Annotated[str, typer.Option(help="The candidate who would need the votes.")] = "",
    limit: Annotated[int, typer.Option(help="Closest areas shown in the table.")] = 15,
    faithless: FaithlessOpt = "none",
    as_json: JsonOpt = False,
) -> None:
    """Per-area margins, the tipping-point area and the fewest switched votes that change the result."""
    from ..analysis.margins import margins

    contest = _tallies(source)
    report = margins(contest, challenger=challenger or None, faithless=faithless)
    if as_json:
        _print_json(report)
        return
    if "margin" in report:  # one contest counted over its areas
        console.print(f"{_ev_line(report['votes'])}")
        console.print(
            f"{escape(report['winner'])} leads {escape(report['challenger'])} by "
            f"[bold]{_fmt(report['margin'])}[/] votes; "
            f"{report['to_win']['votes']:,} switched votes would reverse it ({report['note']})"
        )
        return
    weight = "electoral_votes" if "electoral_votes" in report else "seats"
    table = Table(title=f"{escape(source)}: closest areas", header_style="bold")
    for col in (
        "area",
        "EV" if weight == "electoral_votes" else "seats",
        "winner",
        "runner-up",
        "margin",
        "share",
        "switches to flip",
    ):
        table.add_column(col, justify="left" if col in ("area", "winner", "runner-up") else "right")
    for r in sorted(report["areas"], key=lambda r: r["margin_share"])[:limit]:
        table.add_row(
            escape(r["area"]),
            str(r[weight]),
            escape(r["winner"]),
            escape(r["runner_up"]),
            _fmt(r["margin"]),
            f"{r['margin_share']:.2%}",
            _fmt(r["votes_to_flip"]),
        )
    console.print(table)
    tp = report["tipping_point"]
    if tp:
        console.print(
            f"tipping point: [bold]{escape(tp['area'])}[/] "
            f"({escape(report['winner'])} margin {tp['leader_margin_share']:.2%})"
        )
    unit = "electoral votes" if weight == "electoral_votes" else "seats"
    if weight == "electoral_votes":
        console.print(escape(ec.electors_line({"electors": report["electors"]})))
    for key, label in (
        ("to_win", f"{escape(report['challenger'])} wins a majority"),
        ("to_deny", f"{escape(report['winner'])} short of a majority"),
        ("to_tie", "exact tie"),
    ):
        r = report[key]
        if r is None:
            if key != "to_tie" or weight == "electoral_votes":
                console.print(f"{label}: not reachable by switching votes (or not needed)")
            continue
        got = r.get("challenger_electoral_votes", r.get("challenger_seats"))
        left = r.get("winner_electoral_votes", r.get("winner_seats"))
        where = escape(", ".join(r["areas"][:15])) + (
            f" and {len(r['areas']) - 15} more" if len(r["areas"]) > 15 else ""
        )
        console.print(
            f"{label}: [bold]{r['votes']:,}[/] switched votes in {where} → "
            f"{escape(report['challenger'])} {got}, {escape(report['winner'])} {left} {unit}"
        )


@app.command("whatif")
def whatif_command(
    source: SourceArg,
    statements: Annotated[
        list[str], typer.Argument(help='Scenario statements, e.g. "Nader -> Gore 50%".')
    ] = [],  # noqa: B006
    transfer: Annotated[list[str], typer.Option(help='"A -> B x%" (B may be other or abstain).')] = [],  # noqa: B006
    off: Annotated[
        list[str], typer.Option(help='"Nader:FL,NH": off the ballot there (voters abstain).')
    ] = [],  # noqa: B006
    swing: Annotated[list[str], typer.Option(help='"Gore +1%" or "Bush->Gore 1pt".')] = [],  # noqa: B006
    turnout: Annotated[list[str], typer.Option(help='"+5%", "Gore -3% in FL".')] = [],  # noqa: B006
    allocation: Annotated[str, typer.Option(help="Count electors another way: wta, proportional, ...")] = "",
    faithless: FaithlessOpt = "none",
    as_json: JsonOpt = False,
) -> None:
    """Count again after a scenario (the Electoral College, seats won area by area, or one contest's votes summed
    over its areas); show it beside the actual result.

    Scenario language: see `tally.analysis.whatif` ("A -> B x%", "swing A -> B 1pt",
    "turnout +5% in FL,OH", "A off ballot in TX,CA -> B 40%", "allocation proportional").
    """
    from ..analysis.whatif import whatif

    texts = list(statements) + list(transfer)
    for item in off:
        who, _, where = item.partition(":")
        texts.append(f"{who} off ballot" + (f" in {where}" if where else ""))
    texts += [f"swing {s}" for s in swing]
    texts += [f"turnout {t}" for t in turnout]
    if allocation:
        texts.append(f"allocation {allocation}")
    if not texts:
        raise ConfigError('give at least one scenario statement, e.g. "Nader -> Gore 50%"')
    contest = _tallies(source)
    result = whatif(contest, texts, faithless=faithless)
    if as_json:
        _print_json(result)
        return
    key = _result_key(result)
    actual = {a["area"]: a for a in result["actual"]["areas"]}
    table = Table(title=escape(f"{source}: " + "; ".join(texts)), header_style="bold")
    weight = {"electoral_votes": "EV", "seats": "seats", "votes": "votes"}[key]
    for col in (
        "area",
        weight,
        "actual leader" if key == "votes" else "actual winner",
        "scenario leader" if key == "votes" else "scenario winner",
        "",
    ):
        table.add_column(col)
    for a in result["areas"]:
        before = actual.get(a["area"], {}).get("winner")
        mark = "[bold red]flipped[/]" if before != a["winner"] else ""
        if mark or len(result["areas"]) <= 60:
            size = _fmt(sum(a["votes"].values())) if key == "votes" else str(a[key])
            table.add_row(escape(a["area"]), size, escape(before or "—"), escape(a["winner"] or "—"), mark)
    console.print(table)
    console.print(
        f"actual:   {_ev_line(result['actual'][key])} → {escape(result['actual']['winner'] or 'no majority')}"
    )
    console.print(f"scenario: [bold]{_ev_line(result[key])}[/] → {escape(result['winner'] or 'no majority')}")
    if key == "electoral_votes":
        console.print(escape(ec.electors_line(result)) + " (actual and scenario alike)")
        _print_decision(result)


@app.command("seats-compare")
def seats_compare_command(
    source: SourceArg,
    rule: Annotated[
        str, typer.Option(help="Party-list rule of the registry (dhondt, sainte_lague, ...).")
    ] = "dhondt",
    threshold: Annotated[str, typer.Option(help="National threshold, e.g. 5%.")] = "0%",
    regional: Annotated[bool, typer.Option(help="Also list PR by region (state / UK region).")] = True,
    new_party: Annotated[
        str, typer.Option("--new-party", help="A new party with this national share, e.g. 10%.")
    ] = "",
    as_json: JsonOpt = False,
) -> None:
    """Seats per party under first-past-the-post versus list PR, with disproportionality."""
    from ..analysis.seats import compare

    report = compare(
        _chamber(source).ballots,
        rule=rule,
        threshold=threshold,
        regional=regional,
        new_party=new_party or None,
    )
    if as_json:
        _print_json(report)
        return
    systems = list(report["systems"])
    table = Table(title=f"{escape(source)}: seats by system", header_style="bold")
    table.add_column("party")
    table.add_column("votes %", justify="right")
    for name in systems:
        table.add_column(name, justify="right")
    for party in report["parties"]:
        cells = [f"{report['vote_share'][party]:.1%}"]
        cells += [str(report["systems"][s]["seats"].get(party, 0)) for s in systems]
        if any(c != "0" for c in cells[1:]) or report["vote_share"][party] >= 0.005:
            table.add_row(escape(party), *cells)
    console.print(table)
    for name in systems:
        m = report["systems"][name]["measures"]
        console.print(f"{name}: " + ", ".join(f"{k} {v:.3f}" for k, v in m.items()))
    for w in report["notes"]:
        console.print(f"[dim]{escape(w)}[/]")


@app.command("chamber")
def chamber_command(
    source: SourceArg,
    vacancies: Annotated[int, typer.Option(help="Seats vacant (the majority is of members in office).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Majority threshold, seats each party needs for control, and a uniform-swing seat table."""
    from ..analysis.seats import chamber

    report = chamber(_chamber(source).ballots, vacancies=vacancies)
    if as_json:
        _print_json(report)
        return
    console.print(
        f"{report['seats']} seats, {report['vacancies']} vacant: majority [bold]{report['majority']}[/]"
    )
    for party, info in list(report["parties"].items())[:6]:
        console.print(
            f"  {escape(party)}: {info['seats']} seats"
            + (f", needs {info['needed']} more" if info["needed"] else "")
        )
    first, second = report["swing_between"]
    table = Table(title=escape(f"uniform swing from {second} to {first}"), header_style="bold")
    for col in ("swing (points)", escape(first), escape(second)):
        table.add_column(col, justify="right")
    for row in report["table"]:
        table.add_row(f"{row['swing'] * 100:+.0f}", str(row["seats"][first]), str(row["seats"][second]))
    console.print(table)
    for party, at in report["control_at"].items():
        console.print(
            f"{escape(party)} has a majority from a swing of "
            + (f"{at * 100:+.0f} points" if at is not None else "— (not within the table)")
        )
