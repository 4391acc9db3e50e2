"""Decision rules for organisations: did a motion pass, by how much, and what would change it?

A vote on a motion is given as counts: ``yes``, ``no``, ``abstain`` (present and taking
part, voting neither way: an abstention, a blank or spoiled paper), ``blocks`` (consensus
only) and, where known, ``eligible`` (members entitled to vote). Arithmetic is exact
(:class:`fractions.Fraction`); a share such as 2/3 is never a rounded float.

Main rules (``rule=``) and how each treats equality by default
(``equality="at_least"`` or ``"more_than"`` overrides it):

=================  ==========================================================  =============
rule               passes when                                                 default
=================  ==========================================================  =============
``simple``         yes more than 1/2 of the votes cast (yes + no); abstentions  more than
                   are not votes cast, so they count neither way; a tie fails
``absolute``       yes more than 1/2 of the eligible members (needs            more than
                   ``eligible``); abstaining counts like voting no
``qualified``      yes at least ``threshold`` (e.g. "2/3", "3/5", "60%") of    at least
                   ``base``: votes cast (default), present, or eligible
``two_thirds``,    ``qualified`` with threshold 2/3 or 3/5                     at least
``three_fifths``
``unanimity``      every vote cast is yes and there is at least one (with      at least
                   ``base="present"`` no abstentions either; with
                   ``"eligible"`` every member votes yes)
``consensus``      fewer than ``max_blocks`` blocks (default 1: one block      —
                   stops it) and at least one yes; "no" and abstentions are
                   stand-asides and do not stop it
=================  ==========================================================  =============

Extra conditions, each checked and reported with its numbers (all "at least"):

* ``quorum``: members taking part (yes + no + abstain + blocks; ``quorum_of="voting"``
  counts yes + no only) reach a number (``12``) or a share of ``eligible`` (``"1/3"``).
* ``turnout``: members taking part as a share of ``eligible``.
* ``support``: yes votes as a share of ``eligible``.

The UK Trade Union Act 2016 sets both for industrial-action ballots: s. 2 amended
s. 226(2) of the Trade Union and Labour Relations (Consolidation) Act 1992 so that a
ballot supports action only if at least 50 % of those entitled to vote did so; s. 3
inserted s. 226(2A)–(2F) so that in important public services (health, education of
under-17s, fire, transport, border security, nuclear decommissioning) at least 40 % of
all those entitled to vote must also vote yes — both on top of the existing requirement
of more yes than no. ``decide(yes, no, eligible=E, turnout="50%", support="40%")`` is
that test. Here a returned paper that is neither yes nor no counts towards turnout
(``abstain``); whether a spoiled paper "voted" is a legal question this module does not
settle.

Besides passed/failed, :class:`Decision` reports the margin: how many voters would have
to act differently to change the result — for a failed motion, the fewest "no" voters
switching to yes and the fewest members who did not vote coming to vote yes; for a
passed one, the fewest yes voters switching to no, the fewest yes voters staying away,
and (where a turnout or quorum condition exists) the fewest "no" voters staying away,
which under a turnout threshold can defeat a motion that they could not defeat by
voting no. Consensus reports blocks to lift (failed) or new blocks that would stop it
(passed).

>>> d = decide(60, 40, eligible=250, turnout="50%", support="40%")
>>> d.passed, [c.name for c in d.checks if not c.met]
(False, ['turnout', 'support'])
>>> decide(67, 33, rule="2/3").passed
True

References: Trade Union Act 2016 (c. 15), ss. 2–3; Trade Union and Labour Relations
(Consolidation) Act 1992, s. 226(2)–(2F). Robert's Rules of Order Newly Revised (12th ed.),
§44 (majority of votes cast, two-thirds vote, votes of members present or of the entire
membership).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from ..errors import ConfigError

__all__ = [
    "RULES",
    "Check",
    "Decision",
    "Vote",
    "decide",
    "parse_share",
]

RULES = ("simple", "absolute", "qualified", "two_thirds", "three_fifths", "unanimity", "consensus")
BASES = ("cast", "present", "eligible")
EQUALITY = ("at_least", "more_than")

_NAMED_SHARES = {"two_thirds": Fraction(2, 3), "three_fifths": Fraction(3, 5)}
_DEFAULT_EQUALITY = {
    "simple": "more_than",
    "absolute": "more_than",
    "qualified": "at_least",
    "unanimity": "at_least",
    "consensus": "at_least",
}
_BASE_WORDS = {"cast": "votes cast", "present": "members present", "eligible": "eligible members"}


@dataclass(frozen=True)
class Vote:
    """The counts a decision is made on."""

    yes: int
    no: int
    abstain: int = 0
    blocks: int = 0
    eligible: int | None = None

    @property
    def cast(self) -> int:
        """Votes cast: yes + no (abstentions and blocks are not votes cast)."""
        return self.yes + self.no

    @property
    def present(self) -> int:
        """Members taking part: yes + no + abstain + blocks."""
        return self.yes + self.no + self.abstain + self.blocks

    def base(self, name: str) -> int | None:
        return {"cast": self.cast, "present": self.present, "eligible": self.eligible}[name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "blocks": self.blocks,
            "eligible": self.eligible,
            "cast": self.cast,
            "present": self.present,
        }


@dataclass(frozen=True)
class Check:
    """One condition: ``value`` compared with ``share`` of ``base`` (or with a count).

    ``needed`` is the smallest whole ``value`` that meets the condition at the present
    base; ``short_by`` is ``needed - value`` when unmet (None when no value can meet it,
    e.g. a base of zero).
    """

    name: str
    text: str
    met: bool
    value: int
    value_of: str
    comparison: str
    share: Fraction | None = None
    base_of: str | None = None
    base: int | None = None
    needed: int | None = None
    count: int | None = None

    @property
    def short_by(self) -> int | None:
        """How far the value is from meeting the condition (0 when met)."""
        if self.met:
            return 0
        if self.comparison == "less_than" and self.count is not None:
            return self.value - self.count + 1
        return None if self.needed is None else self.needed - self.value

    def to_dict(self) -> dict[str, Any]:
        actual = None
        if self.share is not None and self.base:
            actual = Fraction(self.value, self.base)
        return {
            "check": self.name,
            "text": self.text,
            "met": self.met,
            "value": self.value,
            "value_of": self.value_of,
            "comparison": self.comparison.replace("_", " "),
            "share": _fraction_text(self.share),
            "share_percent": _percent(self.share),
            "base_of": self.base_of,
            "base": self.base,
            "count": self.count,
            "actual_share": _fraction_text(actual),
            "actual_percent": _percent(actual),
            "needed": self.needed,
            "short_by": self.short_by,
            "required": self._required_text(),
            "actual": self._actual_text(actual),
        }

    def _required_text(self) -> str:
        if self.comparison == "less_than":
            return f"fewer than {self.count}"
        word = "at least" if self.comparison == "at_least" else "more than"
        if self.share is None:
            return f"{word} {self.count}"
        return (
            f"{word} {_fraction_text(self.share)} of {self.base} {self.base_of} (needs {self.needed})"
            if self.needed is not None
            else f"{word} {_fraction_text(self.share)} of {self.base} {self.base_of}"
        )

    def _actual_text(self, actual: Fraction | None) -> str:
        if actual is None:
            return str(self.value)
        return f"{self.value} ({_percent(actual):g} %)"


@dataclass(frozen=True)
class Decision:
    """Whether the motion passed, every check with its numbers, and the margins.

    ``margin`` maps a way of changing the vote to the fewest voters who would have to
    act that way to reverse the result (None: no number of them can).
    """

    passed: bool
    rule: str
    vote: Vote
    checks: tuple[Check, ...]
    options: dict[str, Any] = field(default_factory=dict)
    margin: dict[str, int | None] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "result": "passed" if self.passed else "failed",
            "rule": self.rule,
            "options": dict(self.options),
            "counts": self.vote.to_dict(),
            "checks": [c.to_dict() for c in self.checks],
            "margin": dict(self.margin),
            "notes": list(self.notes),
        }


def _fraction_text(x: Fraction | None) -> str | None:
    if x is None:
        return None
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _percent(x: Fraction | None) -> float | None:
    # Rounded for display only; decisions use the exact fraction.
    return None if x is None else round(float(x * 100), 4)


def parse_share(value: Any, *, name: str) -> Fraction:
    """A share from ``"2/3"``, ``"60%"``, ``"0.6"``, a number or a Fraction, exactly.

    Raises :class:`~tally.errors.ConfigError` if it is not a number between 0 and 1.

    >>> parse_share("66.5%", name="t"), parse_share("3/5", name="t")
    (Fraction(133, 200), Fraction(3, 5))
    """
    if isinstance(value, bool):
        raise ConfigError(f"{name} must be a share such as 2/3, 60% or 0.6, not {value!r}")
    try:
        if isinstance(value, Fraction):
            share = value
        elif isinstance(value, int):
            share = Fraction(value)
        elif isinstance(value, float):
            share = Fraction(str(value))  # the decimal the user wrote, not the binary float
        else:
            text = str(value).strip().replace(" ", "")
            if text.endswith("%"):
                share = Fraction(text[:-1]) / 100
            else:
                share = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise ConfigError(f"{name} must be a share such as 2/3, 60% or 0.6, not {value!r}") from None
    if not 0 <= share <= 1:
        raise ConfigError(f"{name} must be between 0 and 1 (0 % and 100 %), not {value!r}")
    return share


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    if value < 0:
        raise ConfigError(f"{name} cannot be negative (got {value})")
    return value


def _needed(share: Fraction, base: int, comparison: str) -> int:
    """The smallest whole number meeting ``share`` of ``base`` ("at least" or "more than")."""
    exact = share * base
    floor = exact.numerator // exact.denominator
    if comparison == "more_than":
        return floor + 1
    return floor if floor == exact else floor + 1


def _share_check(
    name: str, text: str, value: int, value_of: str, share: Fraction, base_of: str, base: int, comparison: str
) -> Check:
    needed = _needed(share, base, comparison)
    met = base > 0 and value >= needed
    # A share of an empty base is never met (nobody voted, nothing passed), and
    # nothing can be "needed" of it.
    return Check(
        name,
        text,
        met,
        value,
        value_of,
        comparison,
        share=share,
        base_of=_BASE_WORDS[base_of],
        base=base,
        needed=needed if base > 0 else None,
    )


@dataclass(frozen=True)
class _Spec:
    rule: str
    share: Fraction | None
    base: str
    equality: str
    max_blocks: int
    quorum: Fraction | int | None
    quorum_of: str
    turnout: Fraction | None
    support: Fraction | None


def _checks(vote: Vote, spec: _Spec) -> tuple[Check, ...]:
    checks: list[Check] = []
    if spec.quorum is not None:
        taking_part = vote.present if spec.quorum_of == "present" else vote.cast
        what = "members taking part" if spec.quorum_of == "present" else "votes cast"
        if isinstance(spec.quorum, Fraction):
            assert vote.eligible is not None
            checks.append(
                _share_check(
                    "quorum",
                    f"quorum: {what} at least {_fraction_text(spec.quorum)} of the eligible members",
                    taking_part,
                    what,
                    spec.quorum,
                    "eligible",
                    vote.eligible,
                    "at_least",
                )
            )
        else:
            checks.append(
                Check(
                    "quorum",
                    f"quorum: at least {spec.quorum} {what}",
                    taking_part >= spec.quorum,
                    taking_part,
                    what,
                    "at_least",
                    count=spec.quorum,
                    needed=spec.quorum,
                )
            )
    if spec.rule == "consensus":
        checks.append(
            Check(
                "blocks",
                f"fewer than {spec.max_blocks} block(s)",
                vote.blocks < spec.max_blocks,
                vote.blocks,
                "blocks",
                "less_than",
                count=spec.max_blocks,
            )
        )
        checks.append(
            Check(
                "support", "at least one yes", vote.yes >= 1, vote.yes, "yes", "at_least", count=1, needed=1
            )
        )
    elif spec.rule == "unanimity":
        base = vote.base(spec.base)
        assert base is not None and spec.share is not None
        checks.append(
            _share_check(
                "unanimity",
                f"every one of the {_BASE_WORDS[spec.base]} votes yes",
                vote.yes,
                "yes",
                spec.share,
                spec.base,
                base,
                spec.equality,
            )
        )
    else:
        base = vote.base(spec.base)
        assert base is not None and spec.share is not None
        label = {"simple": "simple majority", "absolute": "absolute majority"}.get(
            spec.rule, "qualified majority"
        )
        word = "at least" if spec.equality == "at_least" else "more than"
        checks.append(
            _share_check(
                "majority",
                f"{label}: yes {word} {_fraction_text(spec.share)} of the {_BASE_WORDS[spec.base]}",
                vote.yes,
                "yes",
                spec.share,
                spec.base,
                base,
                spec.equality,
            )
        )
    if spec.turnout is not None:
        assert vote.eligible is not None
        checks.append(
            _share_check(
                "turnout",
                f"turnout: at least {_fraction_text(spec.turnout)} of the eligible members take part",
                vote.present,
                "members taking part",
                spec.turnout,
                "eligible",
                vote.eligible,
                "at_least",
            )
        )
    if spec.support is not None:
        assert vote.eligible is not None
        checks.append(
            _share_check(
                "support",
                f"support: yes from at least {_fraction_text(spec.support)} of the eligible members",
                vote.yes,
                "yes",
                spec.support,
                "eligible",
                vote.eligible,
                "at_least",
            )
        )
    return tuple(checks)


def _passes(vote: Vote, spec: _Spec) -> bool:
    return all(c.met for c in _checks(vote, spec))


def _smallest(limit: int, changed: Callable[[int], bool]) -> int | None:
    """The smallest k in 1..limit with ``changed(k)``, for a predicate monotone in k."""
    if limit < 1 or not changed(limit):
        return None
    lo, hi = 1, limit
    while lo < hi:
        mid = (lo + hi) // 2
        if changed(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _margins(vote: Vote, spec: _Spec, passed: bool) -> dict[str, int | None]:
    """Fewest voters acting differently to reverse the result.

    Each way of changing the vote moves every condition one way only (switching a no to
    a yes never hurts a yes-share and leaves turnout alone; a member coming to vote yes
    raises every share, turnout and quorum), so the result is monotone in the number of
    voters and a bisection finds the smallest one.
    """

    def other(v: Vote) -> bool:
        return _passes(v, spec) != passed

    if spec.rule == "consensus":
        # Only blocks (and a lone yes) decide consensus: count blocks lifted or added.
        if not passed:
            lifted = vote.blocks - spec.max_blocks + 1 if vote.blocks >= spec.max_blocks else 0
            return {
                "blocks_lifted": lifted if vote.yes >= 1 else None,
                "new_yes": 1 if vote.yes == 0 and vote.blocks < spec.max_blocks else None,
            }
        return {"new_blocks": spec.max_blocks - vote.blocks}

    if not passed:
        # Without a list of members, newcomers are bounded only by arithmetic: for a
        # share s < 1 of votes cast, yes + k ≥ s (cast + k) needs k ≤ cast / (1 - s) + 1.
        room = (vote.eligible - vote.present) if vote.eligible is not None else 2 * (vote.present + 1) * 10**6
        return {
            "no_to_yes": _smallest(vote.no, lambda k: other(replace(vote, yes=vote.yes + k, no=vote.no - k))),
            "new_yes": _smallest(room, lambda k: other(replace(vote, yes=vote.yes + k))),
        }
    margin = {
        "yes_to_no": _smallest(vote.yes, lambda k: other(replace(vote, yes=vote.yes - k, no=vote.no + k))),
        "yes_stay_away": _smallest(vote.yes, lambda k: other(replace(vote, yes=vote.yes - k))),
    }
    if spec.turnout is not None or spec.quorum is not None:
        margin["no_stay_away"] = _smallest(vote.no, lambda k: other(replace(vote, no=vote.no - k)))
    return margin


def decide(
    yes: int,
    no: int,
    abstain: int = 0,
    *,
    eligible: int | None = None,
    rule: str = "simple",
    threshold: Any = None,
    base: str | None = None,
    equality: str | None = None,
    blocks: int = 0,
    max_blocks: int = 1,
    quorum: Any = None,
    quorum_of: str = "present",
    turnout: Any = None,
    support: Any = None,
    margins: bool = True,
) -> Decision:
    """Decide a motion under ``rule`` and the extra conditions (see the module docstring).

    Parameters
    ----------
    yes, no, abstain, blocks:
        Counts (whole numbers ≥ 0). ``blocks`` only with ``rule="consensus"``.
    eligible:
        Members entitled to vote; needed by ``absolute``, ``base="eligible"``, a quorum
        given as a share, ``turnout`` and ``support``.
    rule:
        One of :data:`RULES`, or a share such as ``"2/3"`` / ``"60%"`` for ``qualified``.
    threshold:
        The share for ``qualified`` ("2/3", "60%", 0.6, Fraction).
    base:
        What a share is taken of: ``"cast"`` (yes + no), ``"present"`` (everyone taking
        part) or ``"eligible"``. Defaults: cast, except ``absolute`` (eligible).
    equality:
        ``"at_least"`` (exactly the share passes) or ``"more_than"``; the default is per
        rule (see the table above).
    max_blocks:
        Consensus fails when blocks ≥ this number (default 1).
    quorum:
        A whole number of members, or a share of ``eligible`` (``"1/3"``, ``"50%"``).
    quorum_of:
        ``"present"`` (everyone taking part, default) or ``"voting"`` (yes + no).
    turnout, support:
        Shares of ``eligible``: members taking part, and yes votes.
    margins:
        Compute :attr:`Decision.margin` (a few dozen re-checks; off for bulk use).

    Returns
    -------
    Decision
        ``passed``, the checks with their numbers, and ``margin``.

    Raises
    ------
    ConfigError
        Negative or non-whole counts, more votes than eligible members, an unknown rule
        or base, a share outside 0..1, or a condition that needs ``eligible`` without it.

    >>> decide(10, 10).passed, decide(10, 10, equality="at_least").passed
    (False, True)
    """
    yes, no, abstain, blocks = (
        _count(n, v) for n, v in (("yes", yes), ("no", no), ("abstain", abstain), ("blocks", blocks))
    )
    if eligible is not None:
        eligible = _count("eligible", eligible)
    max_blocks = _count("max_blocks", max_blocks)
    vote = Vote(yes, no, abstain, blocks, eligible)
    if eligible is not None and vote.present > eligible:
        raise ConfigError(
            f"yes + no + abstain{' + blocks' if blocks else ''} = {vote.present} but only "
            f"{eligible} are eligible to vote"
        )

    name = str(rule).strip().lower().replace("-", "_").replace(" ", "_")
    share: Fraction | None
    if name in _NAMED_SHARES:
        if threshold is not None and parse_share(threshold, name="threshold") != _NAMED_SHARES[name]:
            raise ConfigError(
                f"rule {name} fixes the threshold at {_fraction_text(_NAMED_SHARES[name])}; "
                "use rule 'qualified' for another threshold"
            )
        share, family = _NAMED_SHARES[name], "qualified"
    elif name not in RULES:
        if any(ch.isdigit() for ch in name):
            if threshold is not None:
                raise ConfigError(
                    "give the qualified-majority share either as the rule or as threshold, not both"
                )
            share, family = parse_share(rule, name="rule"), "qualified"
        else:
            raise ConfigError(
                f"unknown decision rule {rule!r}; choose one of {', '.join(RULES)} "
                "or a share such as 2/3 or 60%"
            )
    else:
        family = name
        share = {"simple": Fraction(1, 2), "absolute": Fraction(1, 2), "unanimity": Fraction(1)}.get(name)
        if name == "qualified":
            if threshold is None:
                raise ConfigError("rule qualified needs threshold, e.g. 2/3 or 60%")
            share = parse_share(threshold, name="threshold")
        elif threshold is not None:
            raise ConfigError(f"rule {name} takes no threshold (use rule 'qualified')")
    if family == "qualified" and share == 0:
        raise ConfigError("a qualified majority of 0 passes everything; give a share above 0")

    if base is None:
        base = "eligible" if family == "absolute" else "cast"
    if base not in BASES:
        raise ConfigError(f"base must be one of {', '.join(BASES)}, not {base!r}")
    if family in ("simple", "absolute") and base != ("eligible" if family == "absolute" else "cast"):
        raise ConfigError(
            f"rule {family} has a fixed base; use rule 'qualified' with threshold 1/2 and base {base}"
        )
    if family == "consensus":
        equality_used = "at_least"
        if equality is not None:
            raise ConfigError("rule consensus counts blocks; equality does not apply")
    else:
        equality_used = equality or _DEFAULT_EQUALITY[family]
    if equality_used not in EQUALITY:
        raise ConfigError(f"equality must be at_least or more_than, not {equality!r}")
    if blocks and family != "consensus":
        raise ConfigError("blocks are counted only by rule consensus")
    if quorum_of not in ("present", "voting"):
        raise ConfigError(f"quorum_of must be present or voting, not {quorum_of!r}")

    quorum_value: Fraction | int | None = None
    if quorum is not None:
        text = str(quorum).strip()
        if isinstance(quorum, int) and not isinstance(quorum, bool) or text.isdigit():
            quorum_value = _count("quorum", int(text))
            if eligible is not None and quorum_value > eligible:
                raise ConfigError(
                    f"a quorum of {quorum_value} can never be met with {eligible} eligible members"
                )
        else:
            quorum_value = parse_share(quorum, name="quorum")
    turnout_share = None if turnout is None else parse_share(turnout, name="turnout")
    support_share = None if support is None else parse_share(support, name="support")

    if eligible is None:
        wants = [
            w
            for w, given in (
                ("rule absolute", family == "absolute"),
                ("base eligible", base == "eligible"),
                ("a quorum given as a share", isinstance(quorum_value, Fraction)),
                ("turnout", turnout_share is not None),
                ("support", support_share is not None),
            )
            if given
        ]
        if wants:
            raise ConfigError(f"{wants[0]} needs the number of eligible members (eligible)")

    spec = _Spec(
        family, share, base, equality_used, max_blocks, quorum_value, quorum_of, turnout_share, support_share
    )
    checks = _checks(vote, spec)
    passed = all(c.met for c in checks)
    notes = []
    if family == "simple":
        notes.append("abstentions are not votes cast: they count neither for nor against")
    if family == "absolute" or base == "eligible":
        notes.append("shares of the eligible members: abstaining or staying away counts like voting no")
    options = {
        "threshold": _fraction_text(share),
        "base": base if family != "consensus" else None,
        "equality": equality_used if family != "consensus" else None,
        "max_blocks": max_blocks if family == "consensus" else None,
        "quorum": (_fraction_text(quorum_value) if isinstance(quorum_value, Fraction) else quorum_value),
        "quorum_of": quorum_of if quorum_value is not None else None,
        "turnout": _fraction_text(turnout_share),
        "support": _fraction_text(support_share),
    }
    margin = _margins(vote, spec, passed) if margins else {}
    return Decision(passed, family, vote, checks, options, margin, tuple(notes))
