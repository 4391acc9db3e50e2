"""Run an RCTab contest config end to end: read the CVRs, tabulate, build the reports.

>>> result = run_config("tests/data/rctab/cases/excluded_test/excluded_test_config.json")  # doctest: +SKIP
>>> result.tabulations[0].winners  # doctest: +SKIP
['George Gervin']
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Rules
from .tabulate import SLICES, UWI, Contest, Tabulation, build_contest, tabulate

__all__ = ["RctabRun", "contest_meta", "input_files", "run_config", "sha256_file"]


@dataclass
class RctabRun:
    """A config, the contest read from its CVRs, and the tabulations (one per report)."""

    config: Any
    contest: Contest
    rules: Rules
    tabulations: list[Tabulation]
    meta: dict[str, str]
    records: list[Any] | None = None

    @property
    def stem(self) -> str:
        """File-name stem of the reports: the config's name less ``_config``."""
        path = self.config.path
        if path is None:
            return "contest"
        name = Path(path).stem
        return name.removesuffix("_config")

    def report_files(self) -> dict[str, str]:
        """Every report file as ``{relative path: text}``: the detailed reports, the slices,
        and ``<stem>_cvr_cdf.json`` (per pass) when the config asks for the CDF export."""
        from .report import report_files

        files = report_files(self.tabulations, self.meta, self.stem)
        if self.config.output.generate_cdf_json:
            multi = self.rules.is_multi_pass
            for tab in self.tabulations:
                base = f"{self.stem}_{tab.pass_number}" if multi else self.stem
                files[f"{base}_cvr_cdf.json"] = self.cdf_text(tab)
        return files

    def cdf(self, tab: Tabulation, **device: str) -> dict[str, Any]:
        """RCTab's NIST CDF export of the ballots, with one interpreted snapshot per round."""
        from ..io.cvr.convert import cdf_json

        if self.records is None or self.contest.row_of_ballot is None:
            raise ValueError("the CVR records were not kept")
        allocations = tab.allocations(self.contest.row_of_ballot)
        options = {"application": "tally", "manufacturer": "tally", **device}
        return cdf_json(self.config, self.records, allocations, **options)

    def cdf_text(self, tab: Tabulation, **device: str) -> str:
        from .report import dump_json

        return dump_json(_sorted_keys(self.cdf(tab, **device)))


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def contest_meta(config: Any) -> dict[str, str]:
    out = config.output
    return {
        "contest": out.contest_name or "",
        "date": out.contest_date or "",
        "jurisdiction": out.contest_jurisdiction or "",
        "office": out.contest_office or "",
    }


def _has_uwi(config: Any, records: list[Any]) -> bool:
    if config.has_undeclared_write_ins:
        return True
    if any(getattr(s, "treat_blank_as_undeclared_write_in", False) for s in config.sources):
        return True
    return any(UWI in rank for rec in records for rank in rec.marks)


def run_config(config_or_path: Any) -> RctabRun:
    """Load (if given a path), read every CVR source, and tabulate.

    Raises :class:`~tally.errors.ConfigError` for an invalid config,
    :class:`~tally.errors.BallotError` for unreadable or invalid CVRs and
    :class:`~tally.errors.RuleError` where RCTab would abort the count.
    """
    from ..io.cvr import read_cvrs
    from .config import load_config

    config = load_config(config_or_path) if isinstance(config_or_path, (str, Path)) else config_or_path
    records = read_cvrs(config)
    slices = tuple(k for k in SLICES if getattr(config.output, f"tabulate_by_{k}"))
    contest = build_contest(
        [c.name for c in config.candidates],
        records,
        excluded=[c.name for c in config.candidates if c.excluded],
        has_uwi=_has_uwi(config, records),
        slices=slices,
        contest_name=config.output.contest_name,
    )
    rules = config.rules.check()
    cdf = bool(config.output.generate_cdf_json)
    return RctabRun(
        config=config,
        contest=contest,
        rules=rules,
        tabulations=tabulate(contest, rules, snapshots=cdf),
        meta=contest_meta(config),
        records=records if cdf else None,
    )


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def input_files(config: Any) -> list[Path]:
    """Every file the config's CVR sources read (folders expanded, sorted)."""
    files: list[Path] = []
    for source in config.sources:
        p = Path(source.file_path)
        if p.is_dir():
            files.extend(sorted(q for q in p.rglob("*") if q.is_file()))
        elif p.exists():
            files.append(p)
    return files
