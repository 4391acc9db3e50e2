"""Approval-based committee rules: SAV, PAV, sequential PAV, Chamberlin–Courant,
sequential Phragmén and the Method of Equal Shares.

Each rule elects ``seats`` candidates from approval ballots (a candidate scored above the
lowest score is approved). Arithmetic is exact: ballot weights become integers over a
common denominator and every score, load and budget is an integer or a
:class:`fractions.Fraction`, so ties are real ties.

Ties (option ``tiebreak``, see :mod:`tally.ties`):

* ``"all"`` (default) reports every winning committee in ``details["committees"]`` —
  for the optimisation rules every optimal committee, for the sequential rules every
  committee some way of breaking the ties leads to ("parallel universes", as abcvoting's
  ``resolute=False``). ``winners`` is then the union, ``tied`` is true when there is more
  than one committee, and the rounds follow the branch that breaks every tie in
  candidate order.
* ``"order"``, ``"random"`` (seeded) and ``"previous_round"`` settle each tie as it comes
  (sequential rules) or choose one optimal committee (optimisation rules: the first in
  candidate order, or a seeded draw); the choice is recorded in ``ties``.

The exact optimisation rules (``pav``, ``chamberlin_courant``) try every committee; they
refuse (:class:`~tally.errors.RuleError`) when there are more than
:data:`MAX_COMMITTEES` committees of the requested size. The sequential rules refuse when
exploring every tie would visit more than :data:`MAX_BRANCHES` partial committees.

Reference for all of them: Lackner, M. & Skowron, P. (2023). *Multi-Winner Voting with
Approval Preferences*. SpringerBriefs in Intelligent Systems. doi:10.1007/978-3-031-09016-5.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import replace
from fractions import Fraction
from typing import cast

import numpy as np

from ..ballots import ScoredBallots
from ..errors import ConfigError, RuleError
from ..outcome import Outcome, Round, Tie
from ..ties import TieBreaker
from . import rule
from ._committees import (
    MAX_BRANCHES,
    MAX_COMMITTEES,
    REFERENCE,
    AdvanceFn,
    Profile,
    State,
    Step,
    StepFn,
    as_number,
    best_of,
    choose_committee,
    committee_outcome,
    optimisation_rule,
    read_profile,
    sequential,
)
from ._common import scored_account

__all__ = [
    "MAX_BRANCHES",
    "MAX_COMMITTEES",
    "chamberlin_courant",
    "equal_shares",
    "pav",
    "sav",
    "seq_pav",
    "seq_phragmen",
]

# -- the registered rules --------------------------------------------------------------

_COMMON_DOC = """
    Parameters
    ----------
    ballots
        Approval ballots (:class:`~tally.ballots.ScoredBallots` of kind ``"approval"``).
    seats
        The committee size.
    tiebreak, seed
        ``"all"`` reports every winning committee; other modes pick one (see the module).

    Returns
    -------
    Outcome
        ``winners`` (the committee; the union of all winning committees when a tie is left
        standing) and ``details["committees"]``.

    Raises
    ------
    RuleError
        More seats than candidates, or an instance above the documented size limit.
"""


def _doc(func: Callable[..., Outcome]) -> Callable[..., Outcome]:
    # The shared sections go before the rule's own References, in numpydoc order.
    own, heading, references = (func.__doc__ or "").partition("\n    References\n")
    func.__doc__ = own.rstrip() + "\n" + _COMMON_DOC + heading + references
    return func


@rule(
    "sav",
    aliases=("satisfaction_approval",),
    kinds=("approval",),
    family="approval_committee",
    multiwinner=True,
    reference="Brams, S. J. & Kilgour, D. M. (2014). Satisfaction approval voting. In Voting "
    "Power and Procedures, 323–346. Springer. " + REFERENCE,
)
@_doc
def sav(ballots: ScoredBallots, *, seats: int = 1, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Satisfaction Approval Voting: each voter splits one vote equally among the candidates
    they approve; the ``seats`` candidates with the most wins.

    Blank ballots count for nobody.

    >>> import tally
    >>> b = tally.ScoredBallots.from_matrix(["A", "B", "C"], [[1, 1, 0], [0, 0, 1], [1, 0, 0]])
    >>> tally.count(b, "sav", seats=2).winners
    ('A', 'C')

    References
    ----------
    Brams, S. J. & Kilgour, D. M. (2014). Satisfaction approval voting. In Voting Power
    and Procedures, 323–346. Springer. Lackner, M. & Skowron, P. (2023). Multi-Winner
    Voting with Approval Preferences. Springer. doi:10.1007/978-3-031-09016-5
    """
    profile, seats = read_profile(ballots, seats)
    breaker = TieBreaker(tiebreak, profile.candidates, seed=seed)
    score = [Fraction(0)] * len(profile.candidates)
    for r, row in enumerate(profile.approves):
        size = int(row.sum())
        for c in np.flatnonzero(row):
            score[c] += Fraction(profile.weights[r], size)
    ranked = sorted(range(len(score)), key=lambda c: (-score[c], c))
    cutoff = score[ranked[seats - 1]]
    certain = [c for c in ranked if score[c] > cutoff]
    possible = [c for c in ranked if score[c] == cutoff]
    missing = seats - len(certain)
    if len(possible) == missing:
        committees = [tuple(certain + possible)]
    elif breaker.mode == "all":
        committees = [tuple(certain) + extra for extra in itertools.combinations(possible, missing)]
    else:
        pool, extra = list(possible), []
        for _ in range(missing):
            pick = breaker.pick(pool, purpose="elect", round=1, lowest=False)
            extra.append(pick)
            pool.remove(pick)
        committees = [tuple(certain + extra)]
    committees, tied = choose_committee(committees, breaker, profile.candidates)
    names = profile.candidates
    tally = {names[c]: as_number(score[c], profile.scale) for c in range(len(names))}
    continuing, inactive = scored_account(ballots)
    order = [c for c in ranked if any(c in com for com in committees)]
    rounds = [
        Round(
            number=1,
            tally=tally,
            elected=tuple(names[c] for c in order),
            continuing=continuing,
            inactive=inactive,
            note="satisfaction scores: each voter's one vote shared by the approved",
        )
    ]
    return committee_outcome(ballots, profile, committees, tied, breaker, rounds, first=order, scores=tally)


@rule(
    "pav",
    aliases=("proportional_approval",),
    kinds=("approval",),
    family="approval_committee",
    multiwinner=True,
    reference="Thiele, T. N. (1895). Om flerfoldsvalg. Oversigt over det Kongelige Danske "
    "Videnskabernes Selskabs Forhandlinger, 415–441. " + REFERENCE,
)
@_doc
def pav(ballots: ScoredBallots, *, seats: int = 1, tiebreak: str = "all", seed: int | None = None) -> Outcome:
    """Proportional Approval Voting: the committee maximising Σ voters (1 + 1/2 + ... + 1/j),
    j being how many members the voter approves. Exact, by trying every committee
    (refused above :data:`MAX_COMMITTEES` committees).

    >>> import tally
    >>> rows = [[1, 1, 0]] * 3 + [[1, 0, 0]] + [[0, 0, 1]] * 2
    >>> tally.count(tally.ScoredBallots.from_matrix(["A", "B", "C"], rows), "pav", seats=2).winners
    ('A', 'C')

    References
    ----------
    Thiele, T. N. (1895). Om flerfoldsvalg. Oversigt over det Kongelige Danske
    Videnskabernes Selskabs Forhandlinger, 415–441. Lackner, M. & Skowron, P. (2023).
    Multi-Winner Voting with Approval Preferences. Springer.
    doi:10.1007/978-3-031-09016-5
    """
    return optimisation_rule(ballots, seats, tiebreak, seed, "pav")


@rule(
    "chamberlin_courant",
    aliases=("cc", "approval_chamberlin_courant"),
    kinds=("approval",),
    family="approval_committee",
    multiwinner=True,
    reference="Chamberlin, J. R. & Courant, P. N. (1983). Representative deliberations and representative "
    "decisions. American Political Science Review 77(3), 718–733. " + REFERENCE,
)
@_doc
def chamberlin_courant(
    ballots: ScoredBallots, *, seats: int = 1, tiebreak: str = "all", seed: int | None = None
) -> Outcome:
    """Approval Chamberlin–Courant: the committee that gives the most voters at least one
    member they approve. Exact, by trying every committee (refused above
    :data:`MAX_COMMITTEES` committees).

    >>> import tally
    >>> rows = [[1, 1, 0]] * 3 + [[1, 0, 0]] + [[0, 0, 1]] * 2
    >>> tally.count(tally.ScoredBallots.from_matrix(["A", "B", "C"], rows), "cc", seats=2).details["committees"]
    [['A', 'C']]

    References
    ----------
    Chamberlin, J. R. & Courant, P. N. (1983). Representative deliberations and
    representative decisions. American Political Science Review 77(3), 718–733. Lackner,
    M. & Skowron, P. (2023). Multi-Winner Voting with Approval Preferences. Springer.
    doi:10.1007/978-3-031-09016-5
    """
    return optimisation_rule(ballots, seats, tiebreak, seed, "cc")


@rule(
    "seq_pav",
    aliases=("sequential_pav", "seqpav"),
    kinds=("approval",),
    family="approval_committee",
    multiwinner=True,
    sequential=True,
    reference=REFERENCE,
)
@_doc
def seq_pav(
    ballots: ScoredBallots, *, seats: int = 1, tiebreak: str = "all", seed: int | None = None
) -> Outcome:
    """Sequential PAV: add, one seat at a time, the candidate that raises the PAV score most —
    Σ over its approvers of 1 / (1 + members they already approve).

    Each round's tally is that marginal gain for every candidate not yet elected.

    >>> import tally
    >>> rows = [[1, 1, 0]] * 3 + [[1, 0, 0]] + [[0, 0, 1]] * 2
    >>> tally.count(tally.ScoredBallots.from_matrix(["A", "B", "C"], rows), "seq_pav", seats=2).winners
    ('A', 'C')

    References
    ----------
    Lackner, M. & Skowron, P. (2023). Multi-Winner Voting with Approval Preferences.
    Springer. doi:10.1007/978-3-031-09016-5
    """
    profile, seats = read_profile(ballots, seats)
    breaker = TieBreaker(tiebreak, profile.candidates, seed=seed)
    rows = len(profile.weights)

    def step(state: State, committee: tuple[int, ...]) -> Step:
        hits = state  # members approved, per row
        values = {
            c: sum((Fraction(profile.weights[r], hits[r] + 1) for r in profile.approvers[c]), Fraction(0))  # type: ignore[index]
            for c in range(len(profile.candidates))
            if c not in committee
        }
        return Step(values, best_of(values, lowest=False), "marginal PAV gain (voters)")

    def advance(state: State, committee: tuple[int, ...], chosen: int) -> State:
        hits = list(state)  # type: ignore[call-overload]
        for r in profile.approvers[chosen]:
            hits[r] += 1
        return tuple(hits)

    return sequential(
        ballots,
        profile,
        seats,
        breaker,
        tuple([0] * rows),
        step,
        advance,
        scale_of_values=Fraction(1, profile.scale),
    )


def _phragmen_step(
    profile: Profile, loads: tuple[Fraction, ...], committee: tuple[int, ...], note: str
) -> Step:
    # A candidate nobody approves (None) is elected only when nothing else is left.
    values = {
        c: _phragmen_load(profile, loads, c) for c in range(len(profile.candidates)) if c not in committee
    }
    best = best_of(values, lowest=True)
    shown = {c: v for c, v in values.items() if v is not None}
    return Step(shown, best, note)


def _phragmen_load(profile: Profile, loads: Sequence[Fraction], c: int) -> Fraction | None:
    """The new load of c's approvers if c is elected; None when nobody approves c."""
    support = sum(profile.weights[r] for r in profile.approvers[c])
    if support == 0:
        return None
    return (1 + sum((profile.weights[r] * loads[r] for r in profile.approvers[c]), Fraction(0))) / support


def _phragmen_advance(profile: Profile, loads: tuple[Fraction, ...], chosen: int) -> tuple[Fraction, ...]:
    load = _phragmen_load(profile, loads, chosen)
    if load is None:  # an unapproved candidate loads nobody
        return loads
    new = list(loads)
    for r in profile.approvers[chosen]:
        new[r] = load
    return tuple(new)


@rule(
    "seq_phragmen",
    aliases=("phragmen", "sequential_phragmen", "seqphragmen"),
    kinds=("approval",),
    family="approval_committee",
    multiwinner=True,
    sequential=True,
    reference="Phragmén, E. (1894). Sur une méthode nouvelle pour réaliser, dans les élections, la représentation "
    "proportionnelle des partis. Öfversigt af Kongl. Vetenskaps-Akademiens Förhandlingar 51(3), 133–137. "
    "Brill, M., Freeman, R., Janson, S. & Lackner, M. (2017). Phragmén's voting methods and justified "
    "representation. AAAI 2017. " + REFERENCE,
)
@_doc
def seq_phragmen(
    ballots: ScoredBallots, *, seats: int = 1, tiebreak: str = "all", seed: int | None = None
) -> Outcome:
    """Sequential Phragmén: each elected candidate is a load of 1 spread over its approvers;
    the next seat goes to the candidate whose election keeps the largest voter load lowest.

    For candidate c with approvers N(c) the new load is (1 + Σ_{i∈N(c)} w_i·ℓ_i) / Σ_{i∈N(c)} w_i
    (per unit of weight), and every approver's load becomes it. Each round's tally is
    that value for every candidate still in the running (lower is better); a candidate
    nobody approves is elected only when no approved candidate is left. Weights are
    counted per voter, so the loads are per voter.

    >>> import tally
    >>> rows = [[1, 1, 0]] * 3 + [[1, 0, 0]] + [[0, 0, 1]] * 2
    >>> tally.count(tally.ScoredBallots.from_matrix(["A", "B", "C"], rows), "seq_phragmen", seats=2).winners
    ('A', 'C')

    References
    ----------
    Phragmén, E. (1894). Sur une méthode nouvelle pour réaliser, dans les élections, la
    représentation proportionnelle des partis. Öfversigt af Kongl. Vetenskaps-Akademiens
    Förhandlingar 51(3), 133–137. Brill, M., Freeman, R., Janson, S. & Lackner, M.
    (2017). Phragmén's voting methods and justified representation. AAAI 2017. Lackner,
    M. & Skowron, P. (2023). Multi-Winner Voting with Approval Preferences. Springer.
    doi:10.1007/978-3-031-09016-5
    """
    profile, seats = read_profile(ballots, seats)
    breaker = TieBreaker(tiebreak, profile.candidates, seed=seed)

    def step(state: State, committee: tuple[int, ...]) -> Step:
        return _phragmen_step(profile, state, committee, "new maximal load per unit of weight if elected")  # type: ignore[arg-type]

    def advance(state: State, committee: tuple[int, ...], chosen: int) -> State:
        return _phragmen_advance(profile, state, chosen)  # type: ignore[arg-type]

    start = tuple([Fraction(0)] * len(profile.weights))
    return sequential(
        ballots, profile, seats, breaker, start, step, advance, scale_of_values=Fraction(profile.scale)
    )


def _mes_price(profile: Profile, budget: Sequence[Fraction], c: int) -> Fraction | None:
    """The smallest ρ with Σ_{i∈N(c)} min(b_i, ρ·w_i) = 1, or None when N(c) cannot pay 1."""
    rich = set(profile.approvers[c])
    poor: set[int] = set()
    while rich:
        poor_budget = sum((budget[r] for r in poor), Fraction(0))
        rho = (1 - poor_budget) / sum(profile.weights[r] for r in rich)
        newly_poor = {r for r in rich if budget[r] < rho * profile.weights[r]}
        if not newly_poor:
            return rho
        rich -= newly_poor
        poor |= newly_poor
    return None


@rule(
    "equal_shares",
    aliases=("mes", "method_of_equal_shares", "rule_x"),
    kinds=("approval",),
    family="approval_committee",
    multiwinner=True,
    sequential=True,
    reference="Peters, D. & Skowron, P. (2020). Proportionality and the limits of welfarism. EC 2020, 793–794. "
    "Peters, D., Pierczyński, G. & Skowron, P. (2021). Proportional participatory budgeting with additive "
    "utilities. NeurIPS 2021. " + REFERENCE,
)
@_doc
def equal_shares(
    ballots: ScoredBallots,
    *,
    seats: int = 1,
    completion: str = "seq_phragmen",
    tiebreak: str = "all",
    seed: int | None = None,
) -> Outcome:
    """Method of Equal Shares (Rule X): every voter starts with an equal share of the seats as
    budget (``seats / voters`` each, blank ballots included), a candidate costs 1, and each
    round elects the candidate its approvers can pay for with the smallest per-voter
    contribution ρ (voters with less than ρ pay all they have).

    When no candidate is affordable but seats remain, ``completion`` fills them:
    ``"seq_phragmen"`` (the standard completion, as in abcvoting: sequential Phragmén
    starting from loads equal to minus each voter's unspent budget) or ``"none"`` (leave
    the seats empty; the committee may be smaller than ``seats``). Round tallies are ρ per
    unit of weight for affordable candidates (lower is better), then Phragmén loads.

    >>> import tally
    >>> rows = [[1, 1, 0]] * 3 + [[1, 0, 0]] + [[0, 0, 1]] * 2
    >>> tally.count(tally.ScoredBallots.from_matrix(["A", "B", "C"], rows), "equal_shares", seats=2).winners
    ('A', 'C')

    References
    ----------
    Peters, D. & Skowron, P. (2020). Proportionality and the limits of welfarism. EC
    2020, 793–794. Peters, D., Pierczyński, G. & Skowron, P. (2021). Proportional
    participatory budgeting with additive utilities. NeurIPS 2021. Lackner, M. &
    Skowron, P. (2023). Multi-Winner Voting with Approval Preferences. Springer.
    doi:10.1007/978-3-031-09016-5
    """
    if completion not in ("seq_phragmen", "none"):
        raise ConfigError(f"completion must be 'seq_phragmen' or 'none', not {completion!r}")
    profile, seats = read_profile(ballots, seats)
    breaker = TieBreaker(tiebreak, profile.candidates, seed=seed)
    total = profile.total
    if total == 0:
        raise RuleError("no ballots: equal shares has no budget to share")
    start = ("budget", tuple(Fraction(w * seats, total) for w in profile.weights))

    def step(state: State, committee: tuple[int, ...]) -> Step:
        return _mes_step(profile, completion, state, committee)

    def advance(state: State, committee: tuple[int, ...], chosen: int) -> State:
        return _mes_advance(profile, state, chosen)

    if completion == "none":
        return _equal_shares_without_completion(ballots, profile, seats, breaker, start, step, advance)
    return sequential(
        ballots,
        profile,
        seats,
        breaker,
        start,
        step,
        advance,
        scale_of_values=Fraction(profile.scale),
        details={"completion": completion},
    )


def _mes_step(profile: Profile, completion: str, state: State, committee: tuple[int, ...]) -> Step:
    """One round of equal shares: the affordable candidates' prices, else the completion's loads."""
    phase, values = cast(tuple[str, tuple[Fraction, ...]], state)
    if phase == "budget":
        prices = {
            c: _mes_price(profile, values, c) for c in range(len(profile.candidates)) if c not in committee
        }
        affordable = {c: p for c, p in prices.items() if p is not None}
        if affordable:
            return Step(
                affordable,
                best_of(affordable, lowest=True),
                "ρ: the largest contribution per unit of weight (lower is better)",
            )
        if completion == "none":
            return Step({}, [], "no candidate is affordable")
        loads = tuple(-b / w if w else Fraction(0) for b, w in zip(values, profile.weights))
        return _phragmen_step(
            profile, loads, committee, "completion by sequential Phragmén: new maximal load"
        )
    return _phragmen_step(profile, values, committee, "completion by sequential Phragmén: new maximal load")


def _mes_advance(profile: Profile, state: State, chosen: int) -> State:
    """The budgets (or, once completing, the loads) after ``chosen`` is elected."""
    phase, values = cast(tuple[str, tuple[Fraction, ...]], state)
    if phase == "budget":
        rho = _mes_price(profile, values, chosen)
        if rho is not None:
            budget = list(values)
            for r in profile.approvers[chosen]:
                budget[r] -= min(budget[r], rho * profile.weights[r])
            return ("budget", tuple(budget))
        loads = tuple(-b / w if w else Fraction(0) for b, w in zip(values, profile.weights))
        return ("loads", _phragmen_advance(profile, loads, chosen))
    return ("loads", _phragmen_advance(profile, values, chosen))


def _equal_shares_without_completion(
    ballots: ScoredBallots,
    profile: Profile,
    seats: int,
    breaker: TieBreaker,
    start: State,
    step: StepFn,
    advance: AdvanceFn,
) -> Outcome:
    """Equal shares that stops when nothing is affordable (possibly fewer than ``seats``)."""
    names = profile.candidates
    continuing, inactive = scored_account(ballots)
    found: set[tuple[int, ...]] = set()
    first: tuple[int, ...] | None = None
    rounds: list[Round] = []
    stack: list[tuple[tuple[int, ...], State]] = [((), start)]
    visited = 0
    while stack:
        committee, state = stack.pop()
        current = step(state, committee) if len(committee) < seats else Step({}, [], "")
        if not current.best:
            found.add(tuple(sorted(committee)))
            if first is None:
                first = committee
            continue
        visited += 1
        if visited > MAX_BRANCHES:
            raise RuleError(
                f"exploring every tie needs more than {MAX_BRANCHES:,} partial committees (limit)"
            )
        options = current.best
        if len(options) > 1 and breaker.mode != "all":
            options = [breaker.pick(options, purpose="elect", round=len(committee) + 1, lowest=False)]
        elif len(options) > 1 and first is None:
            breaker.record(
                Tie(
                    round=len(committee) + 1,
                    purpose="elect",
                    tied=tuple(names[i] for i in options),
                    mode="all",
                    chosen=tuple(names[i] for i in options),
                    detail="every branch explored; these rounds follow candidate order",
                )
            )
        if first is None:
            rounds.append(
                Round(
                    number=len(committee) + 1,
                    tally={names[c]: float(v * profile.scale) for c, v in sorted(current.values.items())},
                    elected=(names[options[0]],),
                    continuing=continuing,
                    inactive=inactive,
                    note=current.note,
                )
            )
        for c in reversed(options):
            stack.append((committee + (c,), advance(state, committee, c)))
    committees = sorted(found)
    outcome = committee_outcome(
        ballots,
        profile,
        committees,
        breaker.mode == "all",
        breaker,
        rounds,
        first=first,
        details={"completion": "none"},
    )
    if any(len(c) < seats for c in committees):
        outcome = replace(
            outcome, warnings=(f"no further candidate was affordable; fewer than {seats} elected",)
        )
    return outcome
