"""The checks a motion must pass, and the margins: how few voters would reverse the result.

A :class:`Spec` is a rule with its options resolved (:func:`tally.procedures.decision.decide`
resolves them). :func:`checks` makes every condition of it on a :class:`Vote`, in the
order the report lists them: the quorum, the rule's own conditions (blocks and support
for consensus; the share of yes votes otherwise), the turnout, the support.
:func:`reversal_margins` finds, for each way of changing the vote, the fewest voters who would
have to act that way to reverse the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction

from .decision_result import Check, Vote, fraction_text

__all__ = ["BASE_WORDS", "Spec", "checks", "reversal_margins"]

BASE_WORDS = {"cast": "votes cast", "present": "members present", "eligible": "eligible members"}


@dataclass(frozen=True)
class Spec:
    """A decision rule with its options resolved: what :func:`checks` checks."""

    rule: str
    share: Fraction | None
    base: str
    equality: str
    max_blocks: int
    quorum: Fraction | int | None
    quorum_of: str
    turnout: Fraction | None
    support: Fraction | None


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
        base_of=BASE_WORDS[base_of],
        base=base,
        needed=needed if base > 0 else None,
    )


def checks(vote: Vote, spec: Spec) -> tuple[Check, ...]:
    """Every condition of ``spec`` checked on ``vote``, in the order the report lists them.

    Parameters
    ----------
    vote : Vote
        The counts.
    spec : Spec
        The rule and its options.

    Returns
    -------
    tuple of Check
        The quorum (if any), the rule's conditions, the turnout and support (if any).
    """
    found: list[Check] = []
    if spec.quorum is not None:
        found.append(_quorum_check(vote, spec.quorum, spec.quorum_of))
    found.extend(_rule_checks(vote, spec))
    if spec.turnout is not None:
        assert vote.eligible is not None
        found.append(
            _share_check(
                "turnout",
                f"turnout: at least {fraction_text(spec.turnout)} of the eligible members take part",
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
        found.append(
            _share_check(
                "support",
                f"support: yes from at least {fraction_text(spec.support)} of the eligible members",
                vote.yes,
                "yes",
                spec.support,
                "eligible",
                vote.eligible,
                "at_least",
            )
        )
    return tuple(found)


def _quorum_check(vote: Vote, quorum: Fraction | int, quorum_of: str) -> Check:
    """A quorum: a share of the eligible members, or a number of them, taking part."""
    taking_part = vote.present if quorum_of == "present" else vote.cast
    what = "members taking part" if quorum_of == "present" else "votes cast"
    if isinstance(quorum, Fraction):
        assert vote.eligible is not None
        return _share_check(
            "quorum",
            f"quorum: {what} at least {fraction_text(quorum)} of the eligible members",
            taking_part,
            what,
            quorum,
            "eligible",
            vote.eligible,
            "at_least",
        )
    return Check(
        "quorum",
        f"quorum: at least {quorum} {what}",
        taking_part >= quorum,
        taking_part,
        what,
        "at_least",
        count=quorum,
        needed=quorum,
    )


def _rule_checks(vote: Vote, spec: Spec) -> list[Check]:
    """The rule's own conditions: blocks and support (consensus), else the share of yes votes."""
    if spec.rule == "consensus":
        return [
            Check(
                "blocks",
                f"fewer than {spec.max_blocks} block(s)",
                vote.blocks < spec.max_blocks,
                vote.blocks,
                "blocks",
                "less_than",
                count=spec.max_blocks,
            ),
            Check(
                "support", "at least one yes", vote.yes >= 1, vote.yes, "yes", "at_least", count=1, needed=1
            ),
        ]
    base = vote.base(spec.base)
    assert base is not None and spec.share is not None
    if spec.rule == "unanimity":
        name = "unanimity"
        text = f"every one of the {BASE_WORDS[spec.base]} votes yes"
    else:
        label = {"simple": "simple majority", "absolute": "absolute majority"}.get(
            spec.rule, "qualified majority"
        )
        word = "at least" if spec.equality == "at_least" else "more than"
        name = "majority"
        text = f"{label}: yes {word} {fraction_text(spec.share)} of the {BASE_WORDS[spec.base]}"
    return [_share_check(name, text, vote.yes, "yes", spec.share, spec.base, base, spec.equality)]


def _passes(vote: Vote, spec: Spec) -> bool:
    return all(c.met for c in checks(vote, spec))


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


def reversal_margins(vote: Vote, spec: Spec, passed: bool) -> dict[str, int | None]:
    """Fewest voters acting differently to reverse the result.

    Each way of changing the vote moves every condition one way only (switching a no to
    a yes never hurts a yes-share and leaves turnout alone; a member coming to vote yes
    raises every share, turnout and quorum), so the result is monotone in the number of
    voters and a bisection finds the smallest one.

    Parameters
    ----------
    vote : Vote
        The counts.
    spec : Spec
        The rule and its options.
    passed : bool
        Whether the motion passed.

    Returns
    -------
    dict of str to int or None
        Each way of changing the vote (``"no_to_yes"``, ``"new_yes"``, ``"yes_to_no"``,
        ``"yes_stay_away"``, ``"no_stay_away"``; for consensus ``"blocks_lifted"``,
        ``"new_yes"``, ``"new_blocks"``) to the fewest voters (None: no number of them can).
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
