"""Decision rules for organisations: did a motion pass?

A vote is given as counts: ``yes``, ``no``, ``abstain`` (present but not voting either
way), ``blocks`` (for consensus), and ``eligible`` (members entitled to vote). A rule is
a required share of a base:

=================  =========================================================
``simple``         more yes than no (votes cast = yes + no)
``absolute``       yes more than half of the eligible members
``two_thirds``     yes at least 2/3 of the votes cast (``--base`` changes the base)
``three_fifths``   yes at least 3/5 of the votes cast (the US Senate's cloture rule
                   counts 3/5 of senators duly chosen and sworn: use ``base="eligible"``)
``unanimity``      no "no" votes and at least one "yes" (abstentions allowed)
``consensus``      no blocks (stand-asides, i.e. abstentions, allowed) and at least one yes
=================  =========================================================

Extra conditions, each checked and reported: ``quorum`` (members voting or abstaining,
as a number or a share of ``eligible``), ``turnout`` (share of eligible members who took
part) and ``support`` (yes as a share of all eligible members). The UK Trade Union Act
2016 (s. 2 and s. 3) requires for an industrial-action ballot a turnout of at least 50 %
and, in important public services, yes votes of at least 40 % of all those entitled to
vote, on top of a simple majority: ``decide(yes, no, eligible=E, rule="simple",
turnout=0.5, support=0.4)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .errors import ConfigError

__all__ = ["RULES", "Decision", "decide"]

RULES = ("simple", "absolute", "two_thirds", "three_fifths", "unanimity", "consensus")
_SHARE = {"two_thirds": Fraction(2, 3), "three_fifths": Fraction(3, 5)}
BASES = ("cast", "present", "eligible")


@dataclass(frozen=True)
class Decision:
    """Whether the motion passed, and every check with what it needed and what it got."""

    passed: bool
    rule: str
    checks: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"passed": self.passed, "rule": self.rule, "checks": [dict(c) for c in self.checks]}


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{name} must be a whole number ≥ 0, not {value!r}")
    return value


def _share(name: str, value: Any) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
        except ValueError:
            raise ConfigError(f"{name} must be a share such as 50% or 0.5, not {value!r}") from None
    share = Fraction(value)
    if not 0 <= share <= 1:
        raise ConfigError(f"{name} must be between 0 and 100 %, not {value!r}")
    return share


def decide(
    yes: int,
    no: int,
    *,
    abstain: int = 0,
    blocks: int = 0,
    eligible: int | None = None,
    rule: str = "simple",
    base: str = "cast",
    quorum: Any = None,
    turnout: Any = None,
    support: Any = None,
) -> Decision:
    """Apply ``rule`` and the extra conditions; exact arithmetic (fractions), no rounding.

    >>> decide(60, 40, eligible=250, turnout="50%", support="40%").passed
    False
    >>> decide(67, 33, rule="two_thirds").passed
    True
    """
    yes, no, abstain, blocks = (_count(n, v) for n, v in (("yes", yes), ("no", no), ("abstain", abstain),
                                                          ("blocks", blocks)))
    if rule not in RULES:
        raise ConfigError(f"unknown decision rule {rule!r}; choose one of {', '.join(RULES)}")
    if base not in BASES:
        raise ConfigError(f"unknown base {base!r}; choose one of {', '.join(BASES)}")
    if eligible is not None:
        eligible = _count("eligible", eligible)
        if yes + no + abstain + blocks > eligible:
            raise ConfigError(f"{yes + no + abstain + blocks} took part but only {eligible} are eligible")
    needs_eligible = rule == "absolute" or base == "eligible" or turnout is not None or support is not None
    if needs_eligible and eligible is None:
        raise ConfigError("this rule or condition needs the number of eligible members (eligible=)")
    cast, present = yes + no, yes + no + abstain + blocks
    checks: list[dict[str, Any]] = []

    def check(name: str, required: Any, actual: Any, met: bool) -> None:
        checks.append({"check": name, "required": required, "actual": actual, "met": bool(met)})

    base_count = {"cast": cast, "present": present, "eligible": eligible}[base]
    if rule == "simple":
        check("more yes than no", f"yes > {no}", yes, yes > no)
    elif rule == "absolute":
        check("yes from more than half of the eligible", f"yes > {Fraction(eligible, 2)}", yes, 2 * yes > eligible)
    elif rule in _SHARE:
        share = _SHARE[rule]
        need = share * base_count
        check(f"yes at least {share} of the {base} votes", f"yes ≥ {float(need):g}", yes,
              base_count > 0 and yes >= need)
    elif rule == "unanimity":
        check("no votes against", "no = 0", no, no == 0)
        check("at least one yes", "yes ≥ 1", yes, yes >= 1)
    else:  # consensus
        check("no blocks", "blocks = 0", blocks, blocks == 0)
        check("at least one yes", "yes ≥ 1", yes, yes >= 1)
    q = quorum
    if q is not None:
        if isinstance(q, int) and not isinstance(q, bool):
            need_q = Fraction(q)
        else:
            if eligible is None:
                raise ConfigError("a quorum given as a share needs the number of eligible members")
            need_q = _share("quorum", q) * eligible
        check("quorum (members taking part)", f"≥ {float(need_q):g}", present, present >= need_q)
    t = _share("turnout", turnout)
    if t is not None:
        actual = Fraction(present, eligible) if eligible else Fraction(0)
        check("turnout of the eligible", f"≥ {float(t):.2%}", f"{float(actual):.2%}", eligible and actual >= t)
    s = _share("support", support)
    if s is not None:
        actual = Fraction(yes, eligible) if eligible else Fraction(0)
        check("yes as a share of all eligible", f"≥ {float(s):.2%}", f"{float(actual):.2%}", eligible and actual >= s)
    return Decision(passed=all(c["met"] for c in checks), rule=rule, checks=tuple(checks))
