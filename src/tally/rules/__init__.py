"""The rule registry.

Every rule is a plain function ``rule(ballots, *, option=default, ...) -> Outcome``
registered with :func:`rule`, which records its name, aliases, the ballot kinds it
accepts, its family and the text it follows. Registered functions fill in the outcome's
``rule`` and ``options`` (every option, defaults included), so an outcome says exactly
how it was made. Candidates the ballots name as withdrawn (``metadata["withdrawn"]``, a
BLT file's minus line) are left out of every rule's count, as if they had never stood
(:meth:`tally.ballots.RankedBallots.without`), and the outcome lists them in
``details["withdrawn"]`` and its warnings.

>>> import tally
>>> "schulze" in [r.name for r in tally.rules()]
True
"""

from __future__ import annotations

import functools
import importlib
import inspect
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, overload

import numpy as np

from ..errors import ConfigError, RuleError
from ..names import did_you_mean
from ..outcome import BatchOutcome, Outcome

if TYPE_CHECKING:
    from ..ballots import RankedProfiles

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["RuleInfo", "count", "get_rule", "rule", "rules"]

KINDS = ("ranked", "approval", "score", "tallies", "profiles")


@dataclass(frozen=True)
class RuleInfo:
    """A registered rule and what it is."""

    name: str
    func: Callable[..., Outcome]
    aliases: tuple[str, ...]
    kinds: tuple[str, ...]
    family: str
    reference: str
    multiwinner: bool
    sequential: bool
    options: dict[str, Any]
    batch: Callable[..., BatchOutcome] | None = None

    @property
    def summary(self) -> str:
        """The first paragraph of the rule's docstring, on one line."""
        doc = inspect.getdoc(self.func) or ""
        return doc.split("\n\n")[0].replace("\n", " ")

    def accepts(self, kind: str) -> bool:
        """Whether the rule counts ballots of this kind (see :data:`KINDS`)."""
        return kind in self.kinds

    def to_dict(self) -> dict[str, Any]:
        """The rule's description as plain JSON-ready data."""
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "kinds": list(self.kinds),
            "family": self.family,
            "multiwinner": self.multiwinner,
            "sequential": self.sequential,
            "options": dict(self.options),
            "summary": self.summary,
            "reference": self.reference,
        }


_REGISTRY: dict[str, RuleInfo] = {}
_ALIASES: dict[str, str] = {}
_FAMILY_MODULES = (
    "plurality",
    "runoff",
    "positional",
    "condorcet",
    "cardinal",
    "stv",
    "multiwinner",
    "proportional",
    "committee",
    "composite",
    "districts",
    "rcv",
)


def _normal(name: str) -> str:
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def rule(
    name: str,
    *,
    family: str,
    reference: str,
    kinds: Iterable[str] = ("ranked",),
    aliases: Iterable[str] = (),
    multiwinner: bool = False,
    sequential: bool = False,
    batch: Callable[..., BatchOutcome] | None = None,
) -> Callable[[F], F]:
    """Register a rule function under ``name`` (and ``aliases``).

    ``batch`` is the rule's fast path for many elections at once: a function taking
    :class:`~tally.ballots.RankedProfiles` and the rule's options and returning a
    :class:`~tally.outcome.BatchOutcome`. Registered beside the rule, it lets the rule's
    own signature say what it returns for one election (an :class:`Outcome`); the
    registry sends profiles to it (``"profiles"`` is then among the rule's kinds).
    """
    kinds = tuple(kinds)
    if batch is not None and "profiles" not in kinds:
        kinds = (*kinds, "profiles")
    for kind in kinds:
        if kind not in KINDS:
            raise ValueError(f"unknown ballot kind {kind!r}")

    def register(func: F) -> F:
        signature = inspect.signature(func)
        params = list(signature.parameters.values())
        options = {p.name: p.default for p in params[1:] if p.kind is inspect.Parameter.KEYWORD_ONLY}

        @functools.wraps(func)
        def run(ballots: Any, **given: Any) -> Any:
            unknown = sorted(set(given) - set(options))
            if unknown:
                hint = did_you_mean(unknown[0], list(options))
                raise RuleError(
                    f"rule {name!r} has no option {', '.join(unknown)}; "
                    + (f"{hint} " if hint else "")
                    + f"its options are {', '.join(options) or 'none'}"
                )
            if getattr(ballots, "kind", None) not in kinds:
                raise RuleError(
                    f"rule {name!r} counts {' or '.join(kinds)} ballots, "
                    f"not {getattr(ballots, 'kind', type(ballots).__name__)}"
                )
            for key, value in given.items():
                _check_type(name, key, value, options[key])
            used = {**options, **given}
            if batch is not None and ballots.kind == "profiles":
                return batch(ballots, **used).with_rule(name, used)
            withdrawn = tuple(getattr(ballots, "metadata", {}).get("withdrawn", ()) or ())
            if withdrawn and hasattr(ballots, "without"):
                # withdrawn before the count (a BLT file's minus line): counted as if they
                # had never stood, whatever the rule, and said so in the outcome
                outcome = func(ballots.without(withdrawn), **used).withdrawn(withdrawn)
            else:
                outcome = func(ballots, **used)
            return outcome.with_rule(name, used)

        info = RuleInfo(
            name=name,
            func=run,
            aliases=tuple(aliases),
            kinds=kinds,
            family=family,
            reference=reference,
            multiwinner=multiwinner,
            sequential=sequential,
            options=options,
            batch=batch,
        )
        for key in (name, *info.aliases):
            key = _normal(key)
            if key in _ALIASES and _ALIASES[key] != name:
                raise ValueError(f"rule name {key!r} registered twice")
            _ALIASES[key] = name
        _REGISTRY[name] = info
        return run  # type: ignore[return-value]  # same call signature as func

    return register


def _check_type(rule_name: str, key: str, value: Any, default: Any) -> None:
    """Refuse an option value of the wrong kind for its default (a word where a number or
    a yes/no belongs): options often arrive as text from the command line, and a string
    such as "no" would otherwise pass for ``True``. ``None``, and options whose default
    is not a number or a yes/no (words, lists), are left to the rule."""
    if value is None:
        return
    is_bool = isinstance(value, (bool, np.bool_))
    if key == "seed":
        wanted, ok = "a whole number", isinstance(value, numbers.Integral) and not is_bool
    elif isinstance(default, (bool, np.bool_)):
        wanted, ok = "true or false", is_bool
    elif isinstance(default, numbers.Real):
        wanted, ok = "a number", isinstance(value, numbers.Real) and not is_bool
    else:
        return
    if not ok:
        raise ConfigError(f"rule {rule_name!r}: option {key} must be {wanted}, not {value!r}")


_loaded = False


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in _FAMILY_MODULES:
        try:
            importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{module}":
                raise


def rules() -> tuple[RuleInfo, ...]:
    """Every registered rule, sorted by family then name.

    Returns
    -------
    tuple of RuleInfo
        Each rule's name, aliases, ballot kinds, family, options and reference.
    """
    _load_all()
    return tuple(sorted(_REGISTRY.values(), key=lambda r: (r.family, r.name)))


def get_rule(name: str) -> RuleInfo:
    """The rule registered under ``name`` or one of its aliases.

    Parameters
    ----------
    name : str
        A rule's name or alias (case, spaces and hyphens do not matter).

    Returns
    -------
    RuleInfo
        The registered rule.

    Raises
    ------
    RuleError
        For an unknown name, listing the known rules.
    """
    _load_all()
    key = _normal(name)
    if key not in _ALIASES:
        hint = did_you_mean(key, _ALIASES) or "`tally rules` lists every rule"
        raise RuleError(f"unknown rule {name!r}; {hint}")
    return _REGISTRY[_ALIASES[key]]


@overload
def count(ballots: RankedProfiles, rule_name: str, **options: Any) -> BatchOutcome: ...


@overload
def count(ballots: Any, rule_name: str, **options: Any) -> Outcome: ...


def count(ballots: Any, rule_name: str, **options: Any) -> Outcome | BatchOutcome:
    """Count ``ballots`` under the rule named ``rule_name``.

    ``seats=1`` may be passed to any single-winner rule (as the CLI does); more seats
    than one is an error there. :class:`~tally.ballots.RankedProfiles` (many elections)
    give a :class:`~tally.outcome.BatchOutcome`, from rules that accept them.

    Parameters
    ----------
    ballots : RankedBallots, ScoredBallots, Tallies or RankedProfiles
        What to count; the rule must accept its kind.
    rule_name : str
        A registered rule's name or alias (see :func:`rules`).
    **options
        The rule's options (each rule's docstring lists them).

    Returns
    -------
    Outcome or BatchOutcome
        The outcome, naming the rule and every option it was counted with.

    Raises
    ------
    RuleError
        An unknown rule or option, ballots of a kind the rule does not count, or seats
        for a single-winner rule.
    ConfigError
        An option value of the wrong kind.
    """
    info = get_rule(rule_name)
    if "seats" in options and "seats" not in info.options:
        seats = options.pop("seats")
        if seats not in (None, 1):
            raise RuleError(f"rule {info.name!r} elects a single winner; it cannot fill {seats} seats")
    return info.func(ballots, **options)
