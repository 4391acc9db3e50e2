"""``tally ec``, ``spoilers``, ``margins``, ``whatif``, ``seats-compare``: the US system and
first-past-the-post on real data."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from ..analysis.margins import area_names
from ..analysis.seats import NEW_PARTY
from ..contest import Contest, is_electoral
from ..data import resolve_contest
from ..errors import ConfigError, RuleError
from ..outcome import to_jsonable
from ..procedures import electoral_college as ec
from . import app, console
from .render import column, escape, headline, more, table

SourceArg = Annotated[str, typer.Argument(help="A bundled dataset id (e.g. us-president-2000) or a file.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every row, not only those that matter.")]
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
    every: AllOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """The Electoral College result: electors per candidate (--all: the winner of every area)."""
    contest = _electoral(source, allocation=allocation, rounding=rounding, faithless=faithless)
    result = ec.summary(contest)
    if as_json:
        _print_json(result)
        return
    headline(console, result["headline"])
    names = area_names(contest.ballots)
    popular = result["popular_vote"]
    grand = sum(popular.values()) or 1.0
    won: dict[str, int] = {}
    for a in result["areas"]:
        if a["winner"]:
            won[a["winner"]] = won.get(a["winner"], 0) + 1
    t = table(f"{escape(source)}: electoral votes ({allocation})")
    column(t, "candidate")
    for name in ("electoral votes", "areas won", "popular vote", "%"):
        column(t, name, "number")
    # electors' choices outside the ballot (a faithless elector's) are candidates here too
    everyone = dict.fromkeys([*result["electoral_votes"], *popular])
    shown = [
        c
        for c in everyone
        if result["electoral_votes"].get(c) or won.get(c) or popular.get(c, 0) / grand >= 0.01
    ]
    for c in sorted(shown, key=lambda c: (-result["electoral_votes"].get(c, 0), -popular.get(c, 0))):
        t.add_row(
            f"[bold]{escape(c)}[/]" if c == result["winner"] else escape(c),
            _fmt(result["electoral_votes"].get(c, 0)),
            str(won.get(c, 0)),
            _fmt(popular.get(c, 0)),
            f"{100 * popular.get(c, 0) / grand:.1f}",
        )
    console.print(t)
    if every:
        areas = table("every area")
        for name, kind in (("area", "text"), ("winner", "text"), ("EV", "number"), ("electors", "text")):
            column(areas, name, kind)
        for a in result["areas"]:
            split = "" if len(a["electors"]) < 2 else _ev_line(a["electors"])
            areas.add_row(
                escape(names.get(a["area"], a["area"])),
                escape(a["winner"] or "—"),
                str(a["electoral_votes"]),
                split,
            )
        console.print(areas)
    else:
        console.print(f"[dim]{len(result['areas'])} areas: --all lists the winner of every one[/]")
    console.print(f"[dim]{escape(ec.electors_line(result))}[/]")
    _print_decision(result)


def _print_decision(result: dict[str, Any]) -> None:
    if result["contingent"]:
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
    limit: Annotated[
        int, typer.Option(help="Rows shown in the table (--all or --json: every row).", min=1)
    ] = 10,
    faithless: FaithlessOpt = "none",
    every: AllOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Could a minor candidate's voters have changed who won? The smallest net transfer that
    flips the result, then each area a minor candidate's voters could flip."""
    from ..analysis.spoilers import ranked_spoilers, spoilers
    from ..analysis.whatif import parse
    from ..ballots import RankedBallots
    from ..compare import counting, field_of

    contest = resolve_contest(source)
    if isinstance(contest.ballots, RankedBallots):
        if transfer or sweep or toward:
            raise ConfigError(
                "--transfer, --sweep and --toward move votes between areas' tallies; ranked ballots "
                "are recounted without each losing candidate instead"
            )
        chosen = counting(contest, rule or None)
        # a rule other than the official one counts without the candidates it excludes
        ballots = contest.ballots if "excluded" in chosen.options else field_of(contest)
        report = ranked_spoilers(ballots, chosen.rule, **chosen.options)
        if candidate:
            # each name as the user may spell it, refused with a suggestion when unknown
            from ..names import find_candidate

            wanted = {find_candidate(c, contest.ballots.candidates) for c in candidate}
            report = {**report, "rows": [r for r in report["rows"] if r["candidate"] in wanted]}
        if as_json:
            _print_json(report)
            return
        headline(console, report["headline"])
        t = table(f"{escape(source)}: each losing candidate removed, recounted by {report['rule']}")
        for name in ("candidate", "winner without them", "spoiler"):
            column(t, name)
        for r in report["rows"]:
            t.add_row(
                escape(r["candidate"]),
                escape(", ".join(r["winner_without"])),
                "[bold]yes[/]" if r["spoiler"] else "no",
            )
        console.print(t)
        return
    from ..ballots import Tallies

    if not isinstance(contest.ballots, Tallies):
        raise ConfigError(f"{source}: spoilers needs area tallies or ranked ballots")
    transfers: dict[str, dict[str, float]] = {}
    for text in transfer:
        s = parse(text)
        if s.kind != "transfer" or s.areas is not None or s.source is None:
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
    headline(console, report["headline"])
    rows = report["rows"] if every else [r for r in report["rows"] if r["can_flip"]][:limit]
    t = table(f"{escape(source)}: where a minor candidate's voters could flip an area")
    for name, kind in (
        ("area", "text"),
        ("minor candidate", "text"),
        ("votes", "number"),
        ("margin", "number"),
        ("break-even", "number"),
        ("flips to", "text"),
    ):
        column(t, name, kind)
    for r in rows:
        be = f"{r['break_even']:.2%}" if r["can_flip"] else "[dim]never[/]"
        t.add_row(
            escape(r.get("name") or r["area"]),
            escape(r["candidate"]),
            _fmt(r["votes"]),
            _fmt(r["margin"]),
            be,
            escape(r["runner_up"]),
        )
    console.print(t)
    can = sum(1 for r in report["rows"] if r["can_flip"])
    if not every:
        console.print(
            f"[dim]break-even: the net share of the candidate's voters preferring the runner-up at which "
            f"the area ties; {can} of {len(report['rows'])} rows can flip their area; --all shows every row[/]"
        )
    if is_electoral(contest.ballots):
        console.print(f"[dim]{escape(ec.electors_line(report['actual']))}[/]")
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
        headline(console, res["headline"])
    if report["sweep"]:
        for name, steps in report["sweep"].items():
            t = table(escape(f"sweep: {name} withdraws, net share to {toward or 'each runner-up'}"))
            for col, kind in (
                ("net rate", "number"),
                ("areas flipped", "text"),
                ("result", "text"),
                ("winner", "text"),
            ):
                column(t, col, kind)
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
    limit: Annotated[int, typer.Option(help="Closest areas shown in the table.", min=1)] = 10,
    faithless: FaithlessOpt = "none",
    every: AllOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """How close it was: the tipping-point area, the fewest switched votes that change the
    result, and the closest areas (--all: every area)."""
    from ..analysis.margins import margins

    contest = _tallies(source)
    report = margins(contest, challenger=challenger or None, faithless=faithless)
    if as_json:
        _print_json(report)
        return
    headline(console, report["headline"])
    if "margin" in report:  # one contest counted over its areas
        console.print(f"{_ev_line(report['votes'])}")
        console.print(f"[dim]{escape(report['note'])}[/]")
        return
    names = area_names(contest.ballots)
    weight = "electoral_votes" if "electoral_votes" in report else "seats"
    closest = sorted(report["areas"], key=lambda r: r["margin_share"])
    shown = closest if every else closest[:limit]
    t = table(f"{escape(source)}: {'every area' if every else 'closest areas'}, closest first")
    for col, kind in (
        ("area", "text"),
        ("EV" if weight == "electoral_votes" else "seats", "number"),
        ("winner", "text"),
        ("margin", "number"),
        ("share", "number"),
        ("to flip", "number"),
    ):
        column(t, col, kind)
    for r in shown:
        t.add_row(
            escape(names.get(r["area"], r["area"])),
            str(r[weight]),
            escape(r["winner"]),
            _fmt(r["margin"]),
            f"{r['margin_share']:.2%}",
            _fmt(r["votes_to_flip"]),
        )
    console.print(t)
    console.print(
        "[dim]margin: the winner's lead over the runner-up; to flip: the fewest votes switched from the "
        "winner to the runner-up that flip the area[/]"
    )
    more(console, len(shown), len(closest), "areas")
    unit = "electoral votes" if weight == "electoral_votes" else "seats"
    if weight == "electoral_votes":
        console.print(f"[dim]{escape(ec.electors_line({'electors': report['electors']}))}[/]")
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
        where = escape(", ".join(names.get(a, a) for a in r["areas"][:8])) + (
            f" and {len(r['areas']) - 8} more" if len(r["areas"]) > 8 else ""
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
    every: AllOpt = False,
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
    headline(console, result["headline"])
    key = _result_key(result)
    names = area_names(contest.ballots)
    actual = {a["area"]: a for a in result["actual"]["areas"]}
    title = "every area" if every else "the areas that flip"
    t = table(escape(f"{source}: {title}"))
    weight = {"electoral_votes": "EV", "seats": "seats", "votes": "votes"}[key]
    for col, kind in (
        ("area", "text"),
        (weight, "number"),
        ("actual leader" if key == "votes" else "actual winner", "text"),
        ("scenario leader" if key == "votes" else "scenario winner", "text"),
    ):
        column(t, col, kind)
    flipped = 0
    for a in result["areas"]:
        before = actual.get(a["area"], {}).get("winner")
        flips = before != a["winner"]
        flipped += flips
        if flips or every:
            size = _fmt(sum(a["votes"].values())) if key == "votes" else str(a[key])
            now = f"[bold red]{escape(a['winner'] or '—')}[/]" if flips else escape(a["winner"] or "—")
            t.add_row(escape(names.get(a["area"], a["area"])), size, escape(before or "—"), now)
    if flipped or every:
        console.print(t)
    if not every:
        console.print(f"[dim]{len(result['areas']) - flipped} areas do not flip: --all shows every area[/]")
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
    headline(console, report["headline"])
    new = report["new_party"]
    systems = report["systems"] if new is None else new["systems"]
    scale = 1.0 if new is None else 1 - new["share"]
    share = {p: v * scale for p, v in report["vote_share"].items()}
    if new is not None:
        share = {NEW_PARTY: new["share"], **share}
    title = (
        "seats by system"
        if new is None
        else f"seats by system with a new party at {new['share']:.0%} everywhere"
    )
    t = table(f"{escape(source)}: {title}")
    column(t, "party")
    column(t, "votes %", "number")
    for name in systems:
        column(t, name, "number")
    for party in sorted(share, key=lambda p: (p != NEW_PARTY, -share[p])):
        seats = [systems[s]["seats"].get(party, 0) for s in systems]
        if not any(seats) and share[party] < 0.005:
            continue
        cells = [str(n) for n in seats]
        if new is not None and party != NEW_PARTY:
            before = [report["systems"][s]["seats"].get(party, 0) for s in systems]
            cells = [f"{n} [dim]({n - b:+d})[/]" if n != b else str(n) for n, b in zip(seats, before)]
        label = f"[bold]{escape(party)}[/]" if party == NEW_PARTY else escape(party)
        t.add_row(label, f"{share[party]:.1%}", *cells)
    console.print(t)
    if new is not None:
        console.print(f"[dim]({escape('+/-')}: change from the actual seats; {escape(new['assumption'])})[/]")
    for measure in ("gallagher", "loosemore_hanby"):
        values = ", ".join(f"{name} {s['measures'][measure]:.1f}" for name, s in systems.items())
        console.print(f"{measure.replace('_', '–').title()} index: {values}")
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
    headline(console, report["headline"])
    console.print(
        f"{report['seats']} seats, {report['vacancies']} vacant: majority [bold]{report['majority']}[/]"
    )
    for party, info in list(report["parties"].items())[:6]:
        console.print(
            f"  {escape(party)}: {info['seats']} seats"
            + (f", needs {info['needed']} more" if info["needed"] else "")
        )
    first, second = report["swing_between"]
    t = table(escape(f"uniform swing from {second} to {first}"))
    for col in ("swing (points)", escape(first), escape(second)):
        column(t, col, "number")
    for row in report["table"]:
        t.add_row(f"{row['swing'] * 100:+.0f}", str(row["seats"][first]), str(row["seats"][second]))
    console.print(t)
    for party, at in report["control_at"].items():
        console.print(
            f"{escape(party)} has a majority from a swing of "
            + (f"{at * 100:+.0f} points" if at is not None else "— (not within the table)")
        )
