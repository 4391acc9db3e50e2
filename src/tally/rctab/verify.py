"""Audit records for RCTab-format reports, and re-running a report to check it.

:func:`audit_record` describes a run: the SHA-256 of the config and of every CVR file it
read, the tally version, the tie-break mode and seed, the winners, and the SHA-256 of
every report file written. It is saved as ``<stem>_audit.json`` beside the reports (the
report files themselves keep RCTab's exact format).

:func:`verify` takes that audit file (or any report it lists), checks that the config
and the inputs still hash the same, counts again from the config, and compares the new
reports with the recorded hashes and with the files on disk. The result lists every
difference found; an empty list means the report is reproduced.

:func:`check_rctab_report` checks a report written by RCTab itself (no audit file): it
counts the given config and compares the results number by number.
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
    from .._version import __version__

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
            except (OSError, ValueError):  # ValueError: bad JSON or bytes that are not UTF-8
                continue
            rel = _rel(path, candidate.parent)
            reports = data.get("reports") if isinstance(data, dict) else None
            if isinstance(reports, dict) and rel in reports:
                return candidate
        folder = folder.parent
    raise DataError(
        f"{path}: no audit file (*_audit.json) beside this report lists it; "
        "reports written by 'tally rctab' have one"
    )


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
    except (OSError, ValueError) as exc:  # ValueError: bad JSON or bytes that are not UTF-8
        raise DataError(f"{audit_path}: unreadable audit file: {exc}") from None
    if not isinstance(audit, dict) or audit.get("format") != AUDIT_FORMAT:
        found = audit.get("format") if isinstance(audit, dict) else None
        raise DataError(f"{audit_path}: not a tally RCTab audit file (format {found!r})")
    _check_audit(audit, audit_path)
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
            result.problems.append(
                f"{name}: the re-count differs from the recorded report"
                + _first_difference(files[name], out_dir / name)
            )
        on_disk = out_dir / name
        if on_disk.is_file() and on_disk.read_text(encoding="utf-8") != files[name]:
            result.problems.append(
                f"{name}: the file on disk differs from the re-count"
                + _first_difference(files[name], on_disk)
            )
    result.checked.append(f"{len(files)} report files re-counted")
    winners = [w for tab in run.tabulations for w in tab.winners]
    if winners != audit.get("winners"):
        result.problems.append(f"winners now {winners}, recorded {audit.get('winners')}")
    return result


def _check_audit(audit: dict, path: Path) -> None:
    """Refuse an audit file whose fields have the wrong JSON types (edited or damaged)."""
    cfg = audit.get("config", {})
    inputs = audit.get("inputs", [])
    reports = audit.get("reports", {})
    ok = (
        isinstance(cfg, dict)
        and all(isinstance(cfg.get(k, ""), str) for k in ("path", "absolutePath", "sha256"))
        and isinstance(inputs, list)
        and all(
            isinstance(i, dict) and isinstance(i.get("path"), str) and isinstance(i.get("sha256"), str)
            for i in inputs
        )
        and isinstance(reports, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in reports.items())
    )
    if not ok:
        raise DataError(
            f"{path}: damaged audit file: config, inputs or reports do not have the recorded shape"
        )


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


# -- checking a report RCTab wrote --------------------------------------------------------------


def _normalise(value: Any) -> Any:
    """Decimal strings as numbers, ``generatedBy`` dropped, each round's actions as a set."""
    from decimal import Decimal, InvalidOperation

    if isinstance(value, dict):
        out = {k: _normalise(v) for k, v in value.items() if k not in ("generatedBy", "GeneratedDate")}
        if isinstance(out.get("tallyResults"), list):
            out["tallyResults"] = sorted(
                out["tallyResults"], key=lambda a: json.dumps(a, sort_keys=True, default=str)
            )
        return out
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def _tree_differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out: list[str] = []
        for key in sorted(set(ours) | set(theirs)):
            if key not in ours:
                out.append(f"{path}.{key}: in the report, not in the re-count")
            elif key not in theirs:
                out.append(f"{path}.{key}: in the re-count, not in the report")
            else:
                out += _tree_differences(ours[key], theirs[key], f"{path}.{key}")
        return out
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{path}: {len(theirs)} entries in the report, {len(ours)} in the re-count"]
        return [
            d for i, (a, b) in enumerate(zip(ours, theirs)) for d in _tree_differences(a, b, f"{path}[{i}]")
        ]
    if ours != theirs:
        return [f"{path}: report says {theirs}, re-count gives {ours}"]
    return []


def check_rctab_report(report: str | Path, config: str | Path) -> Verification:
    """Count ``config`` and compare with a detailed report JSON that RCTab (or tally) wrote.

    Vote quantities are compared as numbers; ``generatedBy`` is ignored. A slice report
    (its ``config`` block names a precinct or batch) is compared with that slice; for
    multi-pass IRV the report is compared with every pass and matches if one agrees.
    """
    from .report import dump_json, slice_summary_json, summary_json

    path = Path(report)
    try:
        theirs = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: bad JSON or bytes that are not UTF-8
        raise DataError(f"{path}: not a readable JSON report: {exc}") from None
    if not isinstance(theirs, dict) or not isinstance(theirs.get("results"), list):
        raise DataError(f"{path}: not an RCTab detailed report (no 'results' list)")
    if not isinstance(theirs.get("config", {}), dict):
        raise DataError(f"{path}: not an RCTab detailed report ('config' is not an object)")
    result = Verification(audit=path, config=Path(config))
    run = run_config(config)
    block = theirs.get("config", {})
    kind = next((k for k in ("precinct", "batch") if k in block), None)
    candidates = []
    for tab in run.tabulations:
        if kind is None:
            candidates.append(summary_json(tab, run.meta))
        elif block[kind] in tab.slices.get(kind, {}):
            candidates.append(slice_summary_json(tab, run.meta, kind, block[kind]))
    if not candidates:
        result.problems.append(
            f"the re-count has no {kind} {block.get(kind)!r} (is tabulateBy{(kind or '').title()} set?)"
        )
        return result
    target = _normalise(theirs)
    best: list[str] | None = None
    for ours in candidates:
        diffs = _tree_differences(_normalise(json.loads(dump_json(ours))), target)
        if not diffs:
            best = []
            break
        if best is None or len(diffs) < len(best):
            best = diffs
    result.checked.append(f"{len(theirs['results'])} rounds compared")
    result.problems.extend((best or [])[:20])
    return result
