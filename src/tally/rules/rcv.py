"""RCTab's ranked-choice tabulation as a registered rule (``tally count x --rule rctab``).

The rule runs :func:`tally.rctab.tabulate.tabulate` — the engine that reproduces RCTab
2.0's certified reports — on any ranked ballots, with RCTab's rule options under
tally's names. Ballot weights must be whole numbers (RCTab counts ballots).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from ..ballots import RankedBallots
from ..count.record import FINAL_SURPLUS, LOST, Recorder
from ..errors import ConfigError, RuleError
from ..options import RCTAB_OVERVOTE_RULES, Reading
from ..outcome import Outcome, Tie
from ..rctab.split import SPLIT_REMAINDER
from . import rule

if TYPE_CHECKING:
    from ..rctab.config import Rules

__all__ = ["outcome_of", "rctab"]

_MODES = {
    "single": "singleWinnerMajority",
    "one_per_round": "multiWinnerAllowOnlyOneWinnerPerRound",
    "stv": "multiWinnerAllowMultipleWinnersPerRound",
    "bottoms_up": "bottomsUp",
    "bottoms_up_percentage": "bottomsUpUsingPercentageThreshold",
    "multi_pass": "multiPassIrv",
}
_TIEBREAKS = {
    "order": "useCandidateOrder",
    "random": "random",
    "previous_round": "previousRoundCountsThenRandom",
    "permutation": "generatePermutation",
    # RCTab stops and asks an operator at a tie these modes cannot settle
    "ask": "stopCountingAndAsk",
    "previous_round_then_ask": "previousRoundCountsThenAsk",
}
_OVERVOTES = {shared: rctab_name for rctab_name, shared in RCTAB_OVERVOTE_RULES.items()}
_REASONS = {
    "overvotes": "overvote",
    "skippedRankings": "skipped",
    "repeatedRankings": "repeated",
    "exhaustedChoices": "exhausted",
    "undervotes": "undervote",
}


def _whole(value: Any, option: str, least: int) -> int:
    """``value`` as an int, or a ConfigError naming the option when it is not a whole number >= ``least``."""
    whole = isinstance(value, (int, np.integer)) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or value < least:
        raise ConfigError(f"option {option}: must be a whole number >= {least}, not {value!r}")
    return int(value)


def _pick(table: dict[str, str], value: str, option: str) -> str:
    if value in table:
        return table[value]
    if value in table.values():
        return value
    raise ConfigError(f"option {option}: unknown value {value!r}; choose one of {', '.join(table)}")


@rule(
    "rctab",
    aliases=("rctab_rcv", "rcv_rctab"),
    family="runoff",
    reference="RCTab (Bright Spots), Tabulator.java; RCTab 2.0 configuration file documentation.",
    multiwinner=True,
    sequential=True,
)
def rctab(
    ballots: RankedBallots,
    *,
    mode: str | None = None,
    seats: int = 1,
    tiebreak: str = "order",
    seed: int | None = None,
    overvote: str = "exhaust",
    max_skipped: int | None = None,
    repeated: str = "skip",
    batch_elimination: bool = False,
    continue_until_two: bool = False,
    first_round_threshold: bool = False,
    threshold: str = "droop",
    decimal_places: int = 4,
    minimum_votes: int = 0,
    stop_after_round: int | None = None,
    percentage: float | None = None,
    cutoff: bool = False,
    excluded: Sequence[str] = (),
) -> Outcome:
    """RCTab's tabulation: IRV, STV, bottoms-up and multi-pass IRV exactly as RCTab counts.

    Each option names, in brackets, the RCTab configuration key it stands for.

    Parameters
    ----------
    ballots : RankedBallots
        Ranked ballots (ties and truncation allowed).
    mode : str, optional
        ``"single"`` | ``"one_per_round"`` | ``"stv"`` | ``"bottoms_up"`` |
        ``"bottoms_up_percentage"`` | ``"multi_pass"`` [winnerElectionMode]; by default
        ``"single"`` for one seat and ``"stv"`` for more.
    seats : int
        Number of winners [numberOfWinners].
    tiebreak : str
        ``"order"`` (default) | ``"random"`` | ``"previous_round"`` | ``"permutation"``
        [tiebreakMode].
    seed : int, optional
        Seed of the random draws [randomSeed; the draws are java.util.Random's].
    overvote : str
        ``"exhaust"`` (default) | ``"skip"`` | ``"exhaust_if_multiple"`` |
        ``"single_continuing"`` | ``"split"`` (:mod:`tally.options`; RCTab's names are
        accepted too).
    max_skipped : int, optional
        Blank ranks passed over before a mark (``None``: unlimited).
    repeated : str
        ``"skip"`` (default) | ``"exhaust"`` [exhaustOnDuplicateCandidate].
    batch_elimination : bool
        Eliminate together every bottom candidate whose combined votes are below the
        next one's [batchElimination].
    continue_until_two : bool
        Go on eliminating after a winner until two candidates remain
        [continueUntilTwoCandidatesRemain].
    first_round_threshold : bool
        The first round's threshold holds for every round
        [doesFirstRoundDetermineThreshold].
    threshold : str
        ``"droop"`` (default) | ``"non_integer"`` [nonIntegerWinningThreshold] |
        ``"hare"`` [hareQuota].
    decimal_places : int
        Decimal places of the vote arithmetic (default 4)
        [decimalPlacesForVoteArithmetic].
    minimum_votes : int
        Candidates with fewer votes than this in a round are eliminated together
        [minimumVoteThreshold].
    stop_after_round : int, optional
        Round after which the count stops [stopTabulationEarlyAfterRound].
    percentage : float, optional
        Threshold of ``bottoms_up_percentage``, in %.
    cutoff : bool
        In ``bottoms_up_percentage``, eliminate at once every candidate not above the
        threshold [cutoffElimination].
    excluded : sequence of str
        Candidates left out of the count before round 1 [candidates[].excluded].

    Returns
    -------
    Outcome
        RCTab's rounds (all passes in turn for ``multi_pass``).

    Raises
    ------
    ConfigError
        For an unknown option value.
    RuleError
        Where RCTab would stop (non-whole ballot weights, every candidate under the
        minimum).

    Examples
    --------
    >>> import tally
    >>> b = tally.RankedBallots.from_rankings(["A", "B", "C"], [["A"], ["A"], ["B", "A"], ["C", "B"], ["C"]])
    >>> tally.count(b, "rctab").winners
    ('A',)

    References
    ----------
    RCTab (Bright Spots), Tabulator.java; RCTab 2.0 configuration file documentation.
    """
    from ..rctab.tabulate import UWI, Contest, tabulate

    rules = _rules(
        ballots,
        mode=mode,
        seats=seats,
        tiebreak=tiebreak,
        seed=seed,
        overvote=overvote,
        max_skipped=max_skipped,
        repeated=repeated,
        batch_elimination=batch_elimination,
        continue_until_two=continue_until_two,
        first_round_threshold=first_round_threshold,
        threshold=threshold,
        decimal_places=decimal_places,
        minimum_votes=minimum_votes,
        stop_after_round=stop_after_round,
        percentage=percentage,
        cutoff=cutoff,
    )
    unknown = [name for name in excluded if name not in ballots.candidates]
    if unknown:
        raise ConfigError(f"option excluded: no candidate {', '.join(map(repr, unknown))}")
    contest = Contest(
        candidates=tuple(ballots.candidates),
        excluded=frozenset(excluded),
        ballots=ballots,
        counts=np.round(np.asarray(ballots.weights, dtype=np.float64)).astype(np.int64),
        has_uwi=UWI in ballots.candidates,
    )
    return outcome_of(tabulate(contest, rules))


def _rules(
    ballots: RankedBallots,
    *,
    mode: str | None,
    seats: int,
    tiebreak: str,
    seed: int | None,
    overvote: str,
    max_skipped: int | None,
    repeated: str,
    batch_elimination: bool,
    continue_until_two: bool,
    first_round_threshold: bool,
    threshold: str,
    decimal_places: int,
    minimum_votes: int,
    stop_after_round: int | None,
    percentage: float | None,
    cutoff: bool,
) -> Rules:
    """RCTab's rules for the options of rule ``rctab`` (see :func:`rctab`), refused where
    RCTab would refuse the config or the ballots."""
    from ..rctab.config import Rules

    seats = _whole(seats, "seats", 1)
    decimal_places = _whole(decimal_places, "decimal_places", 0)
    minimum_votes = _whole(minimum_votes, "minimum_votes", 0)
    if stop_after_round is not None:
        stop_after_round = _whole(stop_after_round, "stop_after_round", 1)
    if mode is None:
        mode = "single" if seats == 1 else "stv"
    weights = np.asarray(ballots.weights, dtype=np.float64)
    if not np.all(weights == np.round(weights)):
        raise RuleError("rule 'rctab' counts whole ballots; these ballots have fractional weights")
    chosen = _pick(_MODES, mode, "mode")
    _check_mode_options(chosen, mode, seats, percentage, cutoff, batch_elimination, threshold)
    Reading(max_skipped=max_skipped, repeated=repeated)  # refuses bad values, as every ranked rule does
    rules = Rules(
        winner_election_mode=chosen,
        number_of_winners=0 if chosen == "bottomsUpUsingPercentageThreshold" else seats,
        tiebreak_mode=_pick(_TIEBREAKS, tiebreak, "tiebreak"),
        random_seed=None if seed is None else int(seed),
        overvote_rule=_pick(_OVERVOTES, overvote, "overvote"),
        max_skipped_ranks=max_skipped,
        exhaust_on_duplicate=repeated == "exhaust",
        batch_elimination=bool(batch_elimination),
        continue_until_two=bool(continue_until_two),
        first_round_determines_threshold=bool(first_round_threshold),
        non_integer_threshold=threshold == "non_integer",
        hare_quota=threshold == "hare",
        decimal_places=decimal_places,
        minimum_vote_threshold=Decimal(minimum_votes),
        stop_early_after_round=stop_after_round,
        bottoms_up_percentage=None if percentage is None else Decimal(str(percentage)) / 100,
        cutoff_elimination=bool(cutoff),
    )
    if rules.needs_seed and rules.random_seed is None:
        rules = replace(rules, random_seed=0)
    rules.check()
    return rules


def _check_mode_options(
    chosen: str,
    mode: str,
    seats: int,
    percentage: float | None,
    cutoff: bool,
    batch_elimination: bool,
    threshold: str,
) -> None:
    """RCTab refuses a configuration whose options the mode would not read; so does the rule."""
    if chosen == "singleWinnerMajority" and seats != 1:
        raise ConfigError(
            f"option seats: mode 'single' elects one candidate, not {seats}; "
            "use mode 'stv', 'one_per_round', 'bottoms_up' or 'multi_pass'"
        )
    percent_mode = chosen == "bottomsUpUsingPercentageThreshold"
    if percentage is not None and (
        isinstance(percentage, bool)
        or not isinstance(percentage, (int, float, np.integer))
        or not 0 < percentage <= 100
    ):
        raise ConfigError(f"option percentage: must be a number above 0 and at most 100, not {percentage!r}")
    if not percent_mode and (percentage is not None or cutoff):
        raise ConfigError("options percentage and cutoff apply only to mode 'bottoms_up_percentage'")
    if seats == 1 and chosen in (
        "multiWinnerAllowOnlyOneWinnerPerRound",
        "multiWinnerAllowMultipleWinnersPerRound",
        "bottomsUp",
        "multiPassIrv",
    ):
        raise ConfigError(
            f"option mode: {mode!r} fills several seats; give seats above 1 or use mode 'single'"
        )
    if batch_elimination and chosen not in ("singleWinnerMajority", "multiPassIrv"):
        raise ConfigError("option batch_elimination applies only to modes 'single' and 'multi_pass'")
    if threshold not in ("droop", "non_integer", "hare"):
        raise ConfigError(f"option threshold: unknown value {threshold!r}; choose droop, non_integer or hare")


def _note(pass_number: int | None, residual: Decimal, split_remainder: Decimal = Decimal(0)) -> str:
    """What a round's other fields do not say: its pass (multi-pass IRV) and the value lost
    to rounding so far, of surpluses and of split overvotes (counted among the continuing
    ballots, in no tally)."""
    parts = [] if pass_number is None else [f"pass {pass_number}"]
    if residual:
        parts.append(f"residual surplus {residual}")
    if split_remainder:
        parts.append(f"split remainder {split_remainder}")
    return "; ".join(parts)


def _transfer_row(row: dict[str, Decimal]) -> dict[str, float]:
    """An RCTab transfer row in the recorder's terms: a split remainder is value lost to
    rounding, as the residual surplus is."""
    out: dict[str, float] = {}
    for dst, v in row.items():
        key = LOST if dst == SPLIT_REMAINDER else dst
        out[key] = out.get(key, 0.0) + float(v)
    return out


def outcome_of(tabs: list[Any]) -> Outcome:
    """An :class:`~tally.outcome.Outcome` from RCTab tabulations (several for multi-pass IRV).

    Rounds are recorded with the floor's recorder (:class:`tally.count.record.Recorder`),
    so they have every ranked rule's shape. The surplus a multi-seat count leaves with its
    winners at the end goes, in the transfers, to ``"final-round surplus"``, and is listed
    under that name among the inactive ballots of the last round, as RCTab's reports list
    it; surplus lost to rounding goes to ``"residual surplus"`` and is the value the
    recorder's accounting shows as lost, with the remainder split overvotes set aside
    (``overvote="split"``, :mod:`tally.rctab.split`). A round's note names its pass
    (multi-pass IRV), the residual surplus and the split remainder so far; its number and
    threshold are fields of their own.
    """
    read = float(tabs[0].total_ballots)
    recorder = Recorder(tabs[0].candidates, read, valid=read)
    ties: list[Tie] = []
    for tab in tabs:
        recorder.begin_count()
        offset = len(recorder.rounds)
        for rnd in tab.rounds:
            inactive = {_REASONS[k]: float(v) for k, v in rnd.inactive.items() if k in _REASONS}
            held = rnd.inactive.get("finalRoundSurplus", Decimal(0))
            if held:
                inactive[FINAL_SURPLUS] = float(held)
            recorder.add(
                tally={k: float(v) for k, v in rnd.tally.items()},
                elected=tuple(rnd.elected),
                eliminated=tuple(rnd.eliminated),
                transfers={src: _transfer_row(row) for src, row in rnd.transfers.items()},
                continuing=read - sum(inactive.values()),
                inactive=inactive,
                threshold=float(rnd.threshold),
                note=_note(tab.pass_number, rnd.residual_surplus, rnd.split_remainder),
                exhausted_by_ranking=rnd.exhausted_by_ranking,
                values=(sum(inactive.values()), float(rnd.lost)),
            )
        ties.extend(
            Tie(
                round=t.round + offset,
                purpose=t.purpose,
                tied=t.tied,
                mode=t.mode,
                chosen=(t.chosen,),
                detail=t.explanation,
            )
            for t in tab.ties
        )
    last = tabs[-1].rounds[-1].tally
    return recorder.outcome(
        winners=tuple(w for tab in tabs for w in tab.winners),
        ties=ties,
        scores={k: float(v) for k, v in last.items()},
        details={
            "thresholds": [str(r.threshold) for tab in tabs for r in tab.rounds],
            "permutation": list(tabs[0].permutation),
        },
    )
