"""From a SOURCE to a :class:`~tally.contest.Contest` carrying its official rules.

:func:`resolve_contest` is the one way every interface (``tally count``, ``compare``,
``report``, ``ec`` and the other commands, the web app and its API) turns what a user
names into a contest. A SOURCE is, in this order:

1. an existing file:

   * an RCTab contest config (``*.json`` with ``rules`` and ``candidates``): its CVRs are
     read and the contest carries the config's rules as options of the ``rctab`` rule
     (RCTab's own tabulation), so it counts as ``tally rctab CONFIG`` does;
   * any ballot or tallies file ``tally`` reads. Its official rules come from a
     **sidecar** beside it, named like the file with ``.rules.json`` in place of its
     extension (``ballots.csv`` → ``ballots.rules.json``)::

         {"rule": "irv", "options": {"overvote": "exhaust", "max_skipped": 1},
          "source": "City charter §4.2"}

     ``rule`` is required, ``options`` are the rule's options (``seats`` among them for
     a multi-winner rule), ``source`` says where the rules come from (optional);

2. a bundled dataset id (``tally data list``): the dataset's facts give the rules;
3. the name of an import of the store (``tally import``): the rules recorded when it
   was imported (an RCTab config's rules; none for a plain CSV).

A source that states no rules is counted under the usual rule for its kind of ballots
(:data:`DEFAULT_RULE`), and the contest says it has no official rules. Ranked ballots
whose file declares several seats (a BLT file's first line) are counted under
:data:`DEFAULT_SEATS_RULE` for that many seats, and any other multi-winner rule fills
them too.

>>> c = resolve_contest("maine-2018-cd2")
>>> c.rule, dict(c.options)["max_skipped"], c.official.origin
('irv', 1, 'the facts of dataset maine-2018-cd2')
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import limits
from ..contest import Contest, CountingRules, is_electoral
from ..errors import ConfigError, DataError, RuleError, TallyError
from ..names import did_you_mean
from ..rctab.official import rctab_rules
from ..rules import get_rule

__all__ = [
    "DEFAULT_RULE",
    "DEFAULT_SEATS_RULE",
    "SIDECAR_SUFFIX",
    "contest_of",
    "declared_seats",
    "default_options",
    "default_rule",
    "file_rules",
    "is_rctab_config",
    "parse_rules",
    "rctab_rules",
    "read_sidecar",
    "resolve_contest",
    "sidecar_path",
]

DEFAULT_RULE = {"ranked": "irv", "approval": "approval", "score": "score", "tallies": "plurality"}
"""The rule a contest is counted under when its source states none."""

SIDECAR_SUFFIX = ".rules.json"


DEFAULT_SEATS_RULE = "scottish_stv"
"""The rule for ranked ballots whose file declares several seats but no counting rule:
STV as the Scottish Local Government Elections Order 2007 counts it (Droop quota,
weighted inclusive Gregory transfers), a statutory rule; most public BLT files are the
ballots of those elections."""


def declared_seats(ballots: Any) -> int | None:
    """The seats a file of ranked ballots declares when more than one (a BLT file's first
    line, ``metadata["seats"]``), else None."""
    if getattr(ballots, "kind", None) != "ranked":
        return None
    seats = (getattr(ballots, "metadata", None) or {}).get("seats")
    if isinstance(seats, bool) or not isinstance(seats, int) or seats < 2:
        return None
    return seats


def default_rule(ballots: Any) -> str:
    """The rule for ballots whose source states none: the Electoral College for tallies
    with electoral votes, :data:`DEFAULT_SEATS_RULE` for ranked ballots declaring
    several seats, else :data:`DEFAULT_RULE` of their kind."""
    if is_electoral(ballots):
        return "electoral_college"
    return DEFAULT_SEATS_RULE if declared_seats(ballots) else DEFAULT_RULE[ballots.kind]


def default_options(ballots: Any) -> dict[str, Any]:
    """The options of :func:`default_rule`: the seats the ballots declare, if several."""
    seats = declared_seats(ballots)
    return {"seats": seats} if seats else {}


def sidecar_path(path: str | Path) -> Path:
    """Where the official rules of a ballot file are looked for: ``ballots.csv`` →
    ``ballots.rules.json`` in the same folder."""
    p = Path(path)
    return p.with_name(p.stem + SIDECAR_SUFFIX)


def _rules_from(rule: Any, options: Any, origin: str, where: str, seats: Any = None) -> CountingRules:
    """Checked rules: a known rule, options it takes. ``where`` names the file in errors."""
    if not isinstance(rule, str) or not rule.strip():
        raise ConfigError(f"{where}: 'rule' must name a rule (see `tally rules`)")
    try:
        info = get_rule(rule)
    except TallyError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise ConfigError(f"{where}: 'options' must be an object of option names and values")
    unknown = sorted(k for k in options if k not in info.options)
    if unknown:
        hint = did_you_mean(unknown[0], list(info.options))
        raise ConfigError(
            f"{where}: rule {info.name!r} takes no option {', '.join(unknown)}; "
            + (f"{hint} " if hint else "")
            + f"its options: {', '.join(info.options) or 'none'}"
        )
    seats = options.get("seats", seats)
    if seats is not None and (isinstance(seats, bool) or not isinstance(seats, int) or seats < 1):
        raise ConfigError(f"{where}: seats must be a whole number of at least 1, not {seats!r}")
    return CountingRules(info.name, dict(options), origin, seats)


def parse_rules(text: str, where: str) -> CountingRules:
    """Official rules written as a sidecar's JSON text (see the module docstring);
    ``where`` names the file (or upload) in messages and in the rules' origin.

    Raises
    ------
    ConfigError
        The text is not JSON of that shape, names an unknown rule or an option the rule
        does not take (the message names ``where``).

    Examples
    --------
    >>> parse_rules('{"rule": "irv", "options": {"max_skipped": 1}}', "rules.json").options
    {'max_skipped': 1}
    """
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where}: the contest's rules are not JSON ({exc})") from None
    except (ValueError, RecursionError) as exc:  # a number of 4,300+ digits; nesting past Python's stack
        raise ConfigError(
            f"{where}: the contest's rules are not readable JSON ({str(exc).split(';')[0]})"
        ) from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: the contest's rules must be a JSON object with 'rule' and 'options'")
    extra = sorted(set(raw) - {"rule", "options", "source"})
    if extra:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(extra)}; expected rule, options, source")
    origin = where + (f" ({raw['source']})" if isinstance(raw.get("source"), str) else "")
    return _rules_from(raw.get("rule"), raw.get("options"), origin, where)


def read_sidecar(path: str | Path) -> CountingRules:
    """The official rules in a sidecar file (see :func:`parse_rules`).

    Raises
    ------
    ConfigError
        The file cannot be read or holds no valid rules (the message names the file).
    """
    p = Path(path)
    try:
        if p.stat().st_size > 1 << 20:  # a sidecar is a few lines of JSON
            raise ConfigError(
                f"{p}: the contest's rules file is {p.stat().st_size:,} bytes; expected a small JSON object"
            )
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read the contest's rules ({exc})") from None
    return parse_rules(text, p.name)


def file_rules(path: str | Path) -> CountingRules | None:
    """The official rules of a ballot file: those of its sidecar (:func:`sidecar_path`),
    or None when it has none.

    Raises
    ------
    ConfigError
        The sidecar holds no valid rules (the message names it).
    """
    sidecar = sidecar_path(path)
    return read_sidecar(sidecar) if sidecar.is_file() and sidecar != Path(path) else None


def is_rctab_config(path: str | Path) -> bool:
    """Whether ``path`` is an RCTab contest config: a JSON object with ``rules`` and
    ``candidates`` (read only for ``.json`` files)."""
    p = Path(path)
    if p.suffix.lower() != ".json" or not p.is_file():
        return False
    try:
        if p.stat().st_size > limits.current().text_bytes:
            return False  # the reader it goes to refuses it by size, naming the cap
        raw = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        # not JSON, a number of 4,300+ digits, nesting past Python's stack: not a config
        return False
    return isinstance(raw, dict) and "rules" in raw and "candidates" in raw


def _rctab_contest(path: Path) -> Contest:
    from ..io.cvr import read_ballots
    from ..rctab.config import load_config

    config = load_config(path)
    ballots = read_ballots(config)
    official = rctab_rules(config)
    return contest_of(ballots, official, {"source": str(path), "config": str(path)})


def _official_of_facts(dataset_id: str, facts: Mapping[str, Any]) -> CountingRules | None:
    if not facts.get("rule"):
        return None
    info = get_rule(facts["rule"])
    options = {k: v for k, v in facts.get("options", {}).items() if k in info.options}
    if info.multiwinner and "seats" in info.options and facts.get("seats"):
        options["seats"] = facts["seats"]
    return CountingRules(info.name, options, f"the facts of dataset {dataset_id}", facts.get("seats"))


def contest_of(
    ballots: Any,
    official: CountingRules | None = None,
    metadata: Mapping[str, Any] | None = None,
    facts: Mapping[str, Any] | None = None,
) -> Contest:
    """A contest of ballots already read (an upload, say) under ``official`` rules, or
    under the usual rule for their kind when there are none.

    Candidates the ballots name as withdrawn (a BLT file's minus line) are struck out
    here, as if they had never stood, so that every count and every analysis of the
    contest (head-to-head tables, criteria, audits, spoilers) sees the same field; the
    contest's ``metadata["withdrawn"]`` keeps their names, and its count says so.
    """
    meta = {**dict(getattr(ballots, "metadata", None) or {}), **dict(metadata or {})}
    withdrawn = tuple(meta.get("withdrawn") or ())
    if withdrawn and hasattr(ballots, "without"):
        ballots = ballots.without(withdrawn)
    if official is not None:
        rule, options = official.rule, dict(official.options)
    else:
        rule, options = default_rule(ballots), default_options(ballots)
    return Contest(ballots, rule, options, meta, official, dict(facts or {}))


def _electoral_facts(ballots: Any) -> dict[str, Any]:
    """What a presidential contest's procedure needs from the data: the House delegations
    of that year, read only if the House has to decide."""
    from . import us

    year = ballots.metadata.get("year")
    if year in us.HOUSE_YEARS:
        return {"delegations": functools.partial(_delegations, year)}
    return {}


def _delegations(year: int) -> dict[str, dict[str, int]]:
    """Each state's House delegation by party, the parties shown by their display names
    as the presidential tallies show their candidates' parties (Democratic, Republican)."""
    from . import naming, us

    names = naming.table("us-house")
    out: dict[str, dict[str, int]] = {}
    for state, seats in us.house_delegations(year).items():
        shown: dict[str, int] = {}
        for party, n in seats.items():
            shown[names.get(party, party)] = shown.get(names.get(party, party), 0) + n
        out[state] = shown
    return out


def resolve_contest(source: str, *, format: str | None = None, files: bool = True) -> Contest:
    """The contest a SOURCE names, with its official rules (see the module docstring).

    Parameters
    ----------
    source:
        A file path (ballots, tallies, an RCTab config), a bundled dataset id, or the
        name of an import of the store.
    format:
        Force the reader of a ballot file (``tally count --format``).
    files:
        Whether a file path may be named (False for a server, which counts only bundled
        datasets and imports).

    Returns
    -------
    Contest
        Counted under its official rules (``contest.official``), or under the usual rule
        for its kind of ballots when the source states none (``official`` is None).

    Raises
    ------
    DataError
        The source names nothing tally knows.
    RuleError
        The dataset holds published round totals, which cannot be counted again.
    ConfigError, BallotError
        A sidecar, config or ballot file is invalid (the message names the file).

    Examples
    --------
    >>> contest = resolve_contest("us-president-2000")
    >>> contest.rule, contest.official.rule
    ('electoral_college', 'electoral_college')
    """
    from . import _load_all, exists, get, load, unknown

    if not source.strip():
        # Path("") is the current folder, which exists: say what is missing instead
        raise DataError("no SOURCE given: name a ballot file or a bundled dataset id (see `tally data list`)")
    path = Path(source)
    if files and path.exists():
        if format is None and is_rctab_config(path):
            return _rctab_contest(path)
        from ..io import read

        ballots = read(str(path), format=format)
        return contest_of(ballots, file_rules(path), {"source": source})
    _load_all()
    if exists(source):
        ballots = load(source)
        if not hasattr(ballots, "kind"):
            raise RuleError(
                f"{source!r} holds published results (published round totals of the official count), "
                f"not ballots or tallies; see `tally data show {source}`"
            )
        facts = _electoral_facts(ballots) if is_electoral(ballots) else {}
        return contest_of(ballots, _official_of_facts(source, get(source).facts), {"source": source}, facts)
    from .. import store

    if store.has_import(source):
        ballots = store.load_ballots(source)
        recorded = store.import_rules(source)
        official = None
        if recorded is not None:
            official = _rules_from(
                recorded.get("rule"),
                recorded.get("options"),
                f"store import {source} ({recorded.get('origin') or 'recorded at import'})",
                f"store import {source}",
                recorded.get("seats"),
            )
        return contest_of(ballots, official, {"source": source})
    raise DataError(
        f"{source!r} is neither a file, a bundled dataset id nor an import of the store "
        f"(`tally store list`); {unknown(source)}"
    )
