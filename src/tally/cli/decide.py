"""``tally decide``: did a motion pass under an organisation's decision rule?"""

from __future__ import annotations

import json
import re
from typing import Annotated

import typer

from ..procedures.decision import decide
from . import app, console
from .render import column, headline, table

__all__ = ["decide_command"]


@app.command("decide")
def decide_command(
    yes: Annotated[int, typer.Option("--yes", help="Votes for.")],
    no: Annotated[int, typer.Option("--no", help="Votes against.")],
    abstain: Annotated[
        int, typer.Option(help="Taking part but voting neither way (abstentions, blank papers).")
    ] = 0,
    eligible: Annotated[int | None, typer.Option(help="Members entitled to vote.")] = None,
    rule: Annotated[
        str,
        typer.Option(
            help="simple | absolute | qualified | two_thirds | three_fifths | unanimity | consensus, "
            "or a share such as 2/3 or 60% (a qualified majority)."
        ),
    ] = "simple",
    threshold: Annotated[str | None, typer.Option(help="Share for rule qualified: 2/3, 60%, 0.6.")] = None,
    base: Annotated[
        str | None,
        typer.Option(help="What a share is of: cast (yes+no), present (all taking part) or eligible."),
    ] = None,
    equality: Annotated[
        str | None, typer.Option(help="at_least (exactly the share passes) or more_than; default per rule.")
    ] = None,
    blocks: Annotated[int, typer.Option(help="Blocks (rule consensus).")] = 0,
    max_blocks: Annotated[int, typer.Option(help="Consensus fails at this many blocks.")] = 1,
    quorum: Annotated[
        str | None,
        typer.Option(help="Members who must take part: a number (12) or a share of eligible (1/3, 50%)."),
    ] = None,
    quorum_of: Annotated[
        str, typer.Option(help="present (everyone taking part) or voting (yes+no).")
    ] = "present",
    turnout: Annotated[
        str | None,
        typer.Option(
            "--turnout-threshold", "--turnout", help="Share of eligible members who must take part, e.g. 50%."
        ),
    ] = None,
    support: Annotated[
        str | None,
        typer.Option(
            "--support-of-eligible",
            "--support",
            help="Yes votes as a share of all eligible members, e.g. 40%.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Did a motion pass? Majorities, unanimity, consensus, quorum, turnout and support thresholds.

    Each condition is shown with its numbers, and the margin: the fewest voters who would
    have to act differently to reverse the result. Shares are exact fractions. UK strike
    ballots (Trade Union Act 2016 ss. 2-3): --turnout-threshold 50% [--support-of-eligible 40%].
    """
    decision = decide(
        yes,
        no,
        abstain,
        eligible=eligible,
        rule=rule,
        threshold=threshold,
        base=base,
        equality=equality,
        blocks=blocks,
        max_blocks=max_blocks,
        quorum=quorum,
        quorum_of=quorum_of,
        turnout=turnout,
        support=support,
    )
    report = decision.to_dict()
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    headline(console, report["headline"])
    counts = report["counts"]
    parts = [f"yes {counts['yes']:,}", f"no {counts['no']:,}", f"abstain {counts['abstain']:,}"]
    if counts["blocks"]:
        parts.append(f"blocks {counts['blocks']:,}")
    if counts["eligible"] is not None:
        parts.append(f"eligible {counts['eligible']:,}")
    t = table(f"rule: {decision.rule} ({', '.join(parts)})")
    for col in ("condition", "required", "actual", "met", "short by"):
        column(t, col)
    for check in report["checks"]:
        t.add_row(
            check["text"],
            check["required"],
            _shares(check["actual"]),
            "yes" if check["met"] else "[red]no[/]",
            "" if check["met"] else ("—" if check["short_by"] is None else f"{check['short_by']:,}"),
        )
    console.print(t)
    console.print("[bold green]passed[/]" if decision.passed else "[bold red]failed[/]")
    words = {
        "no_to_yes": "no voters switching to yes",
        "new_yes": "members who did not vote coming to vote yes",
        "yes_to_no": "yes voters switching to no",
        "yes_stay_away": "yes voters staying away",
        "no_stay_away": "no voters staying away (turnout/quorum)",
        "blocks_lifted": "blocks lifted",
        "new_blocks": "new blocks",
    }
    for key, n in report["margin"].items():
        console.print(
            f"  to reverse it: {'impossible this way' if n is None else f'{n:,}'} — {words.get(key, key)}"
        )
    for note in report["notes"]:
        console.print(f"[dim]{note}[/]")


_SHARE = re.compile(r"(\d+\.\d{2,}) %")


def _shares(text: str) -> str:
    """A share in a table cell to one decimal ("68.9 %"); the exact fraction is in --json."""
    return _SHARE.sub(lambda m: f"{float(m.group(1)):.1f} %", text)
