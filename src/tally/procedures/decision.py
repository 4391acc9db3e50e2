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

from fractions import Fraction
from typing import Any

from ..errors import ConfigError
from .decision_checks import Spec, checks, reversal_margins
from .decision_result import Check, Decision, Vote, fraction_text

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
    family, share = _rule(rule, threshold)
    base, equality_used = _base_and_equality(family, base, equality)
    if blocks and family != "consensus":
        raise ConfigError("blocks are counted only by rule consensus")
    if quorum_of not in ("present", "voting"):
        raise ConfigError(f"quorum_of must be present or voting, not {quorum_of!r}")
    quorum_value = _quorum(quorum, eligible)
    turnout_share = None if turnout is None else parse_share(turnout, name="turnout")
    support_share = None if support is None else parse_share(support, name="support")
    spec = Spec(
        family, share, base, equality_used, max_blocks, quorum_value, quorum_of, turnout_share, support_share
    )
    if eligible is None:
        _without_eligible(spec)
    found = checks(vote, spec)
    passed = all(c.met for c in found)
    notes = []
    if family == "simple":
        notes.append("abstentions are not votes cast: they count neither for nor against")
    if family == "absolute" or base == "eligible":
        notes.append("shares of the eligible members: abstaining or staying away counts like voting no")
    margin = reversal_margins(vote, spec, passed) if margins else {}
    return Decision(passed, family, vote, found, _options(spec), margin, tuple(notes))


def _rule(rule: str, threshold: Any) -> tuple[str, Fraction | None]:
    """The rule's family (one of :data:`RULES` but the named shares) and its share."""
    name = str(rule).strip().lower().replace("-", "_").replace(" ", "_")
    share: Fraction | None
    if name in _NAMED_SHARES:
        if threshold is not None and parse_share(threshold, name="threshold") != _NAMED_SHARES[name]:
            raise ConfigError(
                f"rule {name} fixes the threshold at {fraction_text(_NAMED_SHARES[name])}; "
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
    return family, share


def _base_and_equality(family: str, base: str | None, equality: str | None) -> tuple[str, str]:
    """What the rule's share is taken of, and whether it must be reached or passed."""
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
    return base, equality_used


def _quorum(quorum: Any, eligible: int | None) -> Fraction | int | None:
    """A quorum as a number of members, or as a share of the eligible members."""
    if quorum is None:
        return None
    text = str(quorum).strip()
    if isinstance(quorum, int) and not isinstance(quorum, bool) or text.isdigit():
        value = _count("quorum", int(text))
        if eligible is not None and value > eligible:
            raise ConfigError(f"a quorum of {value} can never be met with {eligible} eligible members")
        return value
    return parse_share(quorum, name="quorum")


def _without_eligible(spec: Spec) -> None:
    """Refuse the first condition of ``spec`` that needs the number of eligible members."""
    wants = [
        w
        for w, given in (
            ("rule absolute", spec.rule == "absolute"),
            ("base eligible", spec.base == "eligible"),
            ("a quorum given as a share", isinstance(spec.quorum, Fraction)),
            ("turnout", spec.turnout is not None),
            ("support", spec.support is not None),
        )
        if given
    ]
    if wants:
        raise ConfigError(f"{wants[0]} needs the number of eligible members (eligible)")


def _options(spec: Spec) -> dict[str, Any]:
    """The options the decision was made under, as the report lists them."""
    consensus = spec.rule == "consensus"
    return {
        "threshold": fraction_text(spec.share),
        "base": spec.base if not consensus else None,
        "equality": spec.equality if not consensus else None,
        "max_blocks": spec.max_blocks if consensus else None,
        "quorum": (fraction_text(spec.quorum) if isinstance(spec.quorum, Fraction) else spec.quorum),
        "quorum_of": spec.quorum_of if spec.quorum is not None else None,
        "turnout": fraction_text(spec.turnout),
        "support": fraction_text(spec.support),
    }
