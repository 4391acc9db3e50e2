"""``tally convert``: a contest's cast-vote records as RCTab's flat CSV or NIST CDF JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from . import app, console


@app.command("convert")
def convert_command(
    config: Annotated[
        Path, typer.Argument(help="RCTab contest config (*_config.json) naming the CVR files.")
    ],
    to: Annotated[
        Literal["csv", "cdf"],
        typer.Option(help="csv: RCTab's flat one-row-per-ballot CSV; cdf: NIST CDF JSON."),
    ] = "csv",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: next to the config).")
    ] = None,
) -> None:
    """Convert a contest's cast-vote records (any supported vendor format) to a normalised
    CSV or to NIST SP 1500-103 CDF JSON, as RCTab's conversion does."""
    from ..io.cvr import read_cvrs
    from ..rctab.config import load_config

    contest = load_config(str(config))
    cvrs = read_cvrs(contest)
    stem = config.name.removesuffix("_config.json").removesuffix(".json")
    if to == "csv":
        target = write_cvr_csv(contest, cvrs, output or config.with_name(f"{stem}_cvr.csv"))
    else:
        target = write_cdf_json(contest, cvrs, output or config.with_name(f"{stem}_cdf_cvr.json"))
    console.print(f"wrote {len(cvrs):,} ballots to {target}")


# The files are written here, by the command, so that nothing below the store writes files.


def write_cvr_csv(config: Any, cvrs: Sequence[Any], path: str | Path) -> Path:
    """Write :func:`tally.io.cvr.convert.cvr_csv` to ``path``."""
    from ..io.cvr.convert import cvr_csv

    target = Path(path)
    target.write_text(cvr_csv(config, cvrs), encoding="utf-8", newline="")
    return target


def write_cdf_json(
    config: Any, cvrs: Sequence[Any], path: str | Path, allocations: Any = None, **options: str
) -> Path:
    """Write :func:`tally.io.cvr.convert.cdf_json` to ``path`` (keys sorted, two-space
    indent, as RCTab does)."""
    from ..io.cvr.convert import cdf_json

    target = Path(path)
    data = cdf_json(config, cvrs, allocations, **options)
    target.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
