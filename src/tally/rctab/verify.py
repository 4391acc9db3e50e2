"""Audit records for RCTab-format reports, and re-running a report to check it.

:func:`audit_record` describes a run: the SHA-256 of the config and of every CVR file it
read, the tally version, the tie-break mode and seed, the winners, and the SHA-256 of
every report file written. It is saved as ``<stem>_audit.json`` beside the reports (the
report files themselves keep RCTab's exact format).

:func:`verify` takes that audit file (or any report it lists), checks that the config
and the inputs still hash the same, counts again from the config, and compares the new
reports with the recorded hashes and with the files on disk. The result lists every
difference found; an empty list means the report is reproduced.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, TallyError
from .run import RctabRun, input_files, run_config, sha256_file

__all__ = ["AUDIT_FORMAT", "Verification", "audit_name", "audit_record", "find_audit", "verify"]

AUDIT_FORMAT = "tally-rctab-audit/1"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def audit_name(stem: str) -> str:
    return f"{stem}_audit.json"


def _rel(path: Path, start: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()
    except ValueError:  # another drive
        return path.resolve().as_posix()


def audit_record(run: RctabRun, files: dict[str, str], out_dir: str | Path) -> dict[str, Any]:
    """The audit record of ``run`` whose reports ``files`` are written under ``out_dir``."""
    from .. import __version__

    out = Path(out_dir)
    config_path = Path(run.config.path)
    folder = config_path.resolve().parent
    inputs = [{"path": _rel(p, folder), "sha256": sha256_file(p)} for p in input_files(run.config)]
    rules = run.rules
    return {
        "format": AUDIT_FORMAT,
        "generatedBy": f"tally {__version__}",
        "tallyVersion": __version__,
        "config": {
            "path": _rel(config_path, out),
            "absolutePath": config_path.resolve().as_posix(),
            "sha256": sha256_file(config_path),
        },
        "inputs": inputs,
        "ballotsRead": run.contest.total,
        "tiebreakMode": rules.tiebreak_mode,
        "randomSeed": rules.random_seed,
        "winners": [w for tab in run.tabulations for w in tab.winners],
        "reports": {name: _sha(text) for name, text in sorted(files.items())},
    }


def find_audit(report: str | Path) -> Path:
    """The audit file for ``report`` (itself, or the ``*_audit.json`` beside it listing it)."""
    path = Path(report)
    if not path.exists():
        raise DataError(f"{path}: no such report")
    if path.name.endswith("_audit.json"):
        return path
    folder = path.parent
    for _ in range(2):  # slice reports sit one folder down
        for candidate in sorted(folder.glob("*_audit.json")):
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            rel = _rel(path, candidate.parent)
            if rel in data.get("reports", {}):
                return candidate
        folder = folder.parent
    raise DataError(f"{path}: no audit file (*_audit.json) beside this report lists it; "
                    "reports written by 'tally rctab' have one")


@dataclass
class Verification:
    """What :func:`verify` found: ``problems`` is empty when the report is reproduced."""

    audit: Path
    config: Path | None
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(report: str | Path) -> Verification:
    """Re-run the count behind ``report`` and check hashes and results (see module doc)."""
    audit_path = find_audit(report)
    try:
        audit = json.loads(audit_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"{audit_path}: unreadable audit file: {exc}") from None
    if audit.get("format") != AUDIT_FORMAT:
        raise DataError(f"{audit_path}: not a tally RCTab audit file (format {audit.get('format')!r})")
    out_dir = audit_path.parent
    cfg = audit.get("config", {})
    config_path = None
    for candidate in (out_dir / cfg.get("path", ""), Path(cfg.get("absolutePath", ""))):
        if cfg and candidate.is_file():
            config_path = candidate
            break
    result = Verification(audit=audit_path, config=config_path)
    if config_path is None:
        result.problems.append(f"config not found (recorded as {cfg.get('path')!r})")
        return result
    if sha256_file(config_path) != cfg.get("sha256"):
        result.problems.append(f"config {config_path} has changed since the report (SHA-256 differs)")
    result.checked.append("config hash")
    folder = config_path.resolve().parent
    for item in audit.get("inputs", []):
        p = folder / item["path"]
        if not p.is_file():
            result.problems.append(f"input {item['path']} is missing")
        elif sha256_file(p) != item["sha256"]:
            result.problems.append(f"input {item['path']} has changed since the report (SHA-256 differs)")
    result.checked.append(f"{len(audit.get('inputs', []))} input hashes")
    try:
        run = run_config(config_path)
    except TallyError as exc:
        result.problems.append(f"the count no longer runs: {exc}")
        return result
    files = run.report_files()
    recorded: dict[str, str] = audit.get("reports", {})
    for name in sorted(set(recorded) | set(files)):
        if name not in files:
            result.problems.append(f"{name}: listed in the audit but not produced by the re-count")
            continue
        if name not in recorded:
            result.problems.append(f"{name}: produced by the re-count but not listed in the audit")
            continue
        if _sha(files[name]) != recorded[name]:
            result.problems.append(f"{name}: the re-count differs from the recorded report"
                                   + _first_difference(files[name], out_dir / name))
        on_disk = out_dir / name
        if on_disk.is_file() and on_disk.read_text(encoding="utf-8") != files[name]:
            result.problems.append(f"{name}: the file on disk differs from the re-count"
                                   + _first_difference(files[name], on_disk))
    result.checked.append(f"{len(files)} report files re-counted")
    winners = [w for tab in run.tabulations for w in tab.winners]
    if winners != audit.get("winners"):
        result.problems.append(f"winners now {winners}, recorded {audit.get('winners')}")
    return result


def _first_difference(text: str, path: Path) -> str:
    if not path.is_file():
        return ""
    old = path.read_text(encoding="utf-8").splitlines()
    new = text.splitlines()
    for i, (a, b) in enumerate(zip(old, new), start=1):
        if a != b:
            return f" (first at line {i}: {a.strip()[:80]!r} → {b.strip()[:80]!r})"
    if len(old) != len(new):
        return f" ({len(old)} lines on disk, {len(new)} re-counted)"
    return ""
