"""``tally rla``: plan a risk-limiting audit of a contest; ``tally rla verify``: check
IRV assertions against the ballots."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from .. import headlines
from ..analysis.margins import area_names
from ..audit import (
    GAMMA,
    AreaAudits,
    ErrorRates,
    IrvAudit,
    PairwiseAudit,
    SampleSettings,
    audits_as_irv,
    plan_audit,
    read_assertions,
    read_preferences,
    verify,
)
from ..audit.trim import Node, tree_to_dict
from ..compare import counting, describe_rules, parse_options, rules_line, rules_record
from ..contest import Contest
from ..data import resolve_contest
from ..errors import AuditError, ConfigError
from ..options import Reading
from ..outcome import to_jsonable
from ..rules import count
from . import app, console
from .render import column, escape, headline, more, number, table, title_of

__all__ = ["audit_contest"]


class _PlanByDefault(TyperGroup):
    """``tally rla SOURCE`` runs ``tally rla plan SOURCE``; ``verify`` stays a subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            # "verfy" is a mistyped subcommand, not a source, unless such a file exists
            close = difflib.get_close_matches(args[0], list(self.commands), n=1, cutoff=0.75)
            if close and not Path(args[0]).exists():
                raise click.UsageError(f"No such command {args[0]!r}. Did you mean {close[0]!r}?", ctx)
            args = ["plan", *args]
        return super().parse_args(ctx, args)


rla_app = typer.Typer(
    cls=_PlanByDefault,
    help="Risk-limiting audits: RAIRE assertions for IRV, pairwise assorters for plurality and "
    "approval, expected sample sizes. `tally rla SOURCE` plans; `tally rla verify SOURCE FILE` checks.",
    no_args_is_help=True,
)
app.add_typer(rla_app, name="rla")

TREE_LIMIT = 100_000
"""Most branches of the elimination tree ``--json --tree`` lists."""

MEASURE_OF_RAIRE = {"OneOnMargin": "margin", "OneOnMarginSq": "margin_squared", "BRAVO": "bravo"}


def audit_contest(source: str, fmt: str | None, rule: str | None, pairs: list[str]) -> Contest:
    """The contest of a SOURCE as it is audited: under its official rules, unless the user
    names another rule or options."""
    return counting(resolve_contest(source, format=fmt), rule, **parse_options(pairs))


@rla_app.command("plan")
def plan_command(
    source: Annotated[
        str, typer.Argument(help="Ballots: a file (RAIRE JSON too), a dataset id or an import.")
    ],
    rule: Annotated[
        str | None, typer.Option("--rule", "-r", help="Audit the contest as counted by this rule.")
    ] = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", "-o", help="Rule option key=value (repeatable).")
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Force the input format.")] = None,
    risk_limit: Annotated[
        float | None,
        typer.Option(help="Risk limit of the audit [default: 0.05, or a RAIRE file's BRAVO confidence]."),
    ] = None,
    error_rate: Annotated[
        float, typer.Option(help="Expected one-vote overstatements per ballot (comparison audits).")
    ] = 0.001,
    two_vote_error_rate: Annotated[
        float, typer.Option(help="Expected two-vote overstatements per ballot (comparison audits).")
    ] = 0.0001,
    gamma: Annotated[float, typer.Option(help="Error inflation factor of the Kaplan-Markov bound.")] = GAMMA,
    difficulty: Annotated[
        str | None,
        typer.Option(help="What RAIRE minimises: margin (OneOnMargin), margin_squared or bravo."),
    ] = None,
    ballots: Annotated[
        float | None,
        typer.Option("--ballots", help="Ballots the sample is drawn from (default: ballots read)."),
    ] = None,
    winner: Annotated[str | None, typer.Option(help="The reported winner to confirm (IRV).")] = None,
    tree: Annotated[
        bool, typer.Option("--tree", help="Show the elimination tree the assertions prune.")
    ] = False,
    every: Annotated[
        bool,
        typer.Option(
            "--all", help="Every assertion, or every area of an area-by-area plan, not only the hardest."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    raire_json: Annotated[
        bool, typer.Option("--raire-json", help="Print IRV assertions in RAIRE's JSON.")
    ] = False,
) -> None:
    """Plan a risk-limiting audit of SOURCE: the assertions to check and the ballots to sample."""
    contest = audit_contest(source, fmt, rule, option or [])
    ballots_read, name, options = contest.ballots, contest.rule, dict(contest.options)
    raire = (getattr(ballots_read, "metadata", None) or {}).get("raire") or {}
    spec = raire.get("audit") or {}
    measure = difficulty or MEASURE_OF_RAIRE.get(spec.get("type", ""), "margin")
    if risk_limit is None:
        risk_limit = float(spec["confidence"]) if spec.get("type") == "BRAVO" else 0.05
    settings = SampleSettings(risk_limit, gamma, ErrorRates(error_rate, two_vote_error_rate))
    total = ballots if ballots is not None else spec.get("total_auditable_ballots")
    plan = plan_audit(
        ballots_read,
        name,
        options,
        winner=winner or raire.get("winner"),
        total=total,
        measure=measure,
        settings=settings,
    )
    if raire_json:
        if not isinstance(plan, IrvAudit):
            raise ConfigError("--raire-json writes IRV assertions; this contest is not audited as IRV")
        print(json.dumps(plan.to_raire(), indent=2, ensure_ascii=False))
        return
    title = ballots_read.title or source
    line = rules_line(contest)
    data = plan.to_dict()
    names = area_names(ballots_read) if isinstance(plan, AreaAudits) else {}
    sentence = headlines.audit(data, names)
    if as_json:
        data = {
            "source": source,
            "title": title,
            "rule": name,
            "options": options,
            "counted_under": rules_record(contest),
            **data,
            "headline": sentence,
        }
        if tree and isinstance(plan, IrvAudit):
            roots, complete = plan.tree(limit=TREE_LIMIT)
            data["elimination_tree"] = [tree_to_dict(root, plan.candidates) for root in roots]
            data["elimination_tree_size"] = plan.tree_size()
            data["elimination_tree_complete"] = complete
        print(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))
        return
    headline(console, sentence)
    console.print(
        f"{escape(title_of(source, ballots_read.title))}  ({number(ballots_read.total)} ballots read)",
        highlight=False,
    )
    console.print(f"[dim]{escape(line)}[/]")
    if isinstance(plan, AreaAudits):
        _print_areas(data, names, every)
        return
    _print_plan(plan, data, every)
    if tree and isinstance(plan, IrvAudit):
        _print_tree(plan)


NOTES = (
    "NEB: the winner cannot be eliminated before the loser. NEN: the loser is eliminated "
    "before the winner while only the continuing candidates remain."
)


ASSERTIONS_SHOWN = 40
"""Assertions a plan lists without ``--all``: the hardest (a close contest of many
candidates can need a hundred thousand)."""


def _print_plan(plan: IrvAudit | PairwiseAudit, data: dict[str, Any], every: bool = False) -> None:
    irv = isinstance(plan, IrvAudit)
    t = table("assertions, hardest first" if len(data["assertions"]) > 1 else "assertion")
    column(t, "#", "number")
    if irv:
        column(t, "type", "id")
    column(t, "winner", min_width=12)
    column(t, "loser", min_width=12)
    for name in ("margin", "difficulty", "sample"):
        column(t, name, "number")
    rows = sorted(enumerate(data["assertions"], 1), key=lambda kr: -kr[1]["difficulty"])
    if not every:
        rows = rows[:ASSERTIONS_SHOWN]
    for k, row in rows:
        t.add_row(
            str(k),
            *([row["type"]] if irv else []),
            escape(row["winner"]),
            escape(row["loser"]),
            number(row["margin"]),
            f"{row['difficulty']:,.2f}",
            _size(row["ballot_comparison"]),
        )
    console.print(t)
    if len(rows) < len(data["assertions"]):
        console.print(
            f"[dim]the {len(rows)} hardest of {len(data['assertions']):,} assertions: --all lists every one, "
            "--json holds them all[/]"
        )
    nen = [(k, row) for k, row in sorted(rows) if row["type"] == "NEN"]
    if nen:
        sets = table()
        column(sets, "#", "number")
        column(sets, "NEN: continuing candidates")
        for k, row in nen:
            sets.add_row(str(k), escape(", ".join(row["continuing"])))
        console.print(sets)
        console.print(f"[dim]{NOTES}[/]")
    if isinstance(plan, IrvAudit) and not plan.minimal:
        console.print(
            f"[dim]{len(plan.assertions):,} assertions: too many to check that none can be dropped; "
            "every one holds and together they rule out every other winner[/]"
        )
    _print_size(data["sample_size"])


def _print_size(size: dict[str, Any]) -> None:
    rates = size["error_rates"]
    console.print(
        f"[dim]sample: the ballots a ballot-level comparison audit is expected to draw at a "
        f"{100 * size['risk_limit']:g} % risk limit (gamma {size['gamma']:g}, overstatements "
        f"{rates['one_vote_over']:g} one-vote and {rates['two_vote_over']:g} two-vote per ballot); "
        f"ballot polling sizes in --json. Methods: {size['comparison_method']}; "
        f"{size['polling_method']}[/]"
    )


def _size(n: int | None) -> str:
    return "full count" if n is None else f"{n:,}"


AREAS_SHOWN = 15
"""Areas an area-by-area audit plan lists without ``--all``: the hardest."""


def _print_areas(data: dict[str, Any], names: dict[str, str], every: bool) -> None:
    def hardness(area: dict[str, Any]) -> float:
        return float("inf") if "error" in area else float(area["difficulty"])

    areas = sorted(data["areas"], key=hardness, reverse=True)
    shown = areas if every else areas[:AREAS_SHOWN]
    t = table("one plurality audit per area, hardest first")
    column(t, "area", min_width=14)
    column(t, "winner", min_width=12)
    column(t, "runner-up", min_width=12)
    for name in ("margin", "share", "sample"):
        column(t, name, "number")
    for area in shown:
        place = escape(names.get(area["area"], area["area"]))
        if "error" in area:
            t.add_row(place, f"[yellow]{escape(area['error'])}[/]", "", "", "", "")
            continue
        closest = min(area["assertions"], key=lambda r: r["margin"])
        t.add_row(
            place,
            escape(area["winner"]),
            escape(closest["loser"]),
            number(closest["margin"]),
            f"{100 * closest['diluted_margin']:.2f}%",
            _size(area["sample_size"]["ballot_comparison"]),
        )
    console.print(t)
    more(console, len(shown), len(areas), "areas")
    size = data["sample_size"]
    console.print(
        f"all areas: {size['ballot_comparison']:,} ballots by comparison "
        f"(+{size['full_hand_counts_comparison']:,} full counts), {size['ballot_polling']:,} by polling "
        f"(+{size['full_hand_counts_polling']:,} full counts); {size['not_auditable']:,} not auditable"
    )
    areas_ok = [a for a in data["areas"] if "sample_size" in a]
    if areas_ok:
        _print_size(areas_ok[0]["sample_size"])


def _print_tree(plan: IrvAudit, limit: int = 200) -> None:
    names = plan.candidates
    roots, _ = plan.tree(limit=limit + 1)
    console.print(
        f"[bold]Elimination orders won by others[/] ({plan.tree_size():,} branches; "
        "… earlier candidates, last one standing last):"
    )
    lines: list[str] = []

    def walk(node: Node, depth: int) -> None:
        if len(lines) > limit:
            return
        label = "… " + ", ".join(names[c] for c in node.suffix)
        pruned = (
            f"  [red]✗ ruled out by #{', #'.join(str(i + 1) for i in node.pruned_by)}[/]"
            if node.pruned_by
            else ""
        )
        lines.append("  " * depth + escape(label) + pruned)
        for child in node.children:
            walk(child, depth + 1)

    for root in roots:
        walk(root, 1)
    for line in lines[:limit]:
        console.print(line, highlight=False)
    if len(lines) > limit:
        console.print(f"[dim]… and more (tally rla --json --tree lists up to {TREE_LIMIT:,})[/]")


@rla_app.command("verify")
def verify_command(
    source: Annotated[str, typer.Argument(help="The ballots: a file, a dataset id or an import.")],
    assertions: Annotated[
        str, typer.Argument(help="Assertions: `tally rla --json` output or RAIRE's output JSON.")
    ],
    rule: Annotated[
        str | None, typer.Option("--rule", "-r", help="Read the ballots as this rule's count.")
    ] = None,
    option: Annotated[
        list[str] | None, typer.Option("--option", "-o", help="Rule option key=value (repeatable).")
    ] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Force the input format.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the check as JSON.")] = False,
) -> None:
    """Check IRV assertions against SOURCE: every margin recounted, every other winner ruled out."""
    contest = audit_contest(source, fmt, rule, option or [])
    ballots, name = contest.ballots, contest.rule
    options = {k: v for k, v in contest.options.items() if not (k == "seats" and v in (None, 1))}
    if ballots.kind != "ranked" or not audits_as_irv(name, options):
        raise AuditError(
            f"assertions are checked against an IRV count of ranked ballots; this contest is "
            f"counted as {describe_rules(name, options)} (pass --rule irv for an IRV count)"
        )
    prefs = read_preferences(ballots, Reading.from_options(options))
    file = read_assertions(assertions, ballots.candidates)
    outcome = count(ballots, name, **options)
    counted = outcome.winners[0] if len(outcome.winners) == 1 else None
    if file.winner is not None:
        winner = file.winner
    elif counted is not None:
        winner = ballots.candidates.index(counted)
    else:
        raise AuditError("the file names no winner and the IRV count of these ballots is tied")
    result = verify(prefs, winner, file.assertions, file.margins)
    problems = list(result.problems)
    if counted is not None and ballots.candidates[winner] != counted:
        problems.insert(
            0, f"the assertions confirm {ballots.candidates[winner]}, but the count elects {counted}"
        )
    if as_json:
        data = {"source": source, "assertions_file": assertions, "form": file.form, **result.to_dict()}
        data["problems"], data["ok"] = problems, not problems
        print(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))
    else:
        _print_check(result, problems, [rules_line(contest)])
    if problems:
        raise SystemExit(1)


def _print_check(result: Any, problems: list[str], notes: list[str]) -> None:
    names = result.candidates
    n = len(result.recounts)
    if problems:
        headline(
            console,
            f"The check failed: {problems[0]}"
            + (f" ({len(problems) - 1:,} more below)" if len(problems) > 1 else ""),
        )
    else:
        headline(
            console,
            f"Verified: {'the assertion holds and rules' if n == 1 else f'all {n:,} assertions hold and rule'} out "
            f"every winner but {names[result.winner]} ({result.orders_checked:,} partial elimination orders checked).",
        )
    for note in notes:
        console.print(f"[dim]{escape(note)}[/]")
    t = table("assertions recounted")
    column(t, "#", "number")
    column(t, "type", "id")
    column(t, "winner", min_width=12)
    column(t, "loser", min_width=12)
    column(t, "votes", "number")
    column(t, "margin", "number")
    column(t, "", "id")
    for k, r in enumerate(result.recounts, 1):
        ok = r.holds and r.margin_agrees
        margin = number(r.margin)
        if not r.margin_agrees:
            margin = f"[red]{margin} (file: {number(r.claimed_margin)})[/]"
        a = r.assertion
        t.add_row(
            str(k),
            a.kind,
            escape(names[a.winner]),
            escape(names[a.loser]),
            f"{number(r.winner_votes)}–{number(r.loser_votes)}",
            margin,
            "[green]✓[/]" if ok else "[red]✗[/]",
        )
    console.print(t)
    for problem in problems:
        console.print(f"[bold red]✗[/] {escape(problem)}")
    console.print("[dim]votes: the winner's and the loser's tallies where the assertion compares them[/]")
