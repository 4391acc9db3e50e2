"""How hard an assertion is to audit, and how many ballots an audit is expected to need.

Every assertion tally audits compares two tallies over the same ballots, a *winner's*
and a *loser's*; its margin is their difference in ballots and its diluted margin that
difference over the ballots the sample is drawn from. In SHANGRLA's terms (Stark 2020)
the assertion is an assorter with upper bound 1 whose mean exceeds 1/2, and the diluted
margin is the assorter margin ``2 * mean - 1``.

Two sample-size estimates are given, both under the assumption that the reported
tallies are right (the first also allows for a given rate of errors):

* **ballot-level comparison**, by the Kaplan-Markov bound of Stark's super-simple audit
  (Stark 2010; Lindeman and Stark 2012, AGI): auditing ``n`` ballots and finding
  overstatements at the expected rates confirms the assertion at risk limit ``alpha``
  when ``n >= -2 gamma (ln alpha + n (o1 ln(1 - 1/(2 gamma)) + o2 ln(1 - 1/gamma) +
  u1 ln(1 + 1/(2 gamma)) + u2 ln(1 + 1/gamma))) / mu``, where ``mu`` is the diluted
  margin, ``gamma`` the error inflation factor and ``o1, o2, u1, u2`` the rates of one-
  and two-vote overstatements and understatements per ballot. Solved for ``n``; with no
  errors it is ``2 gamma ln(1/alpha) / mu``, the formula Colorado's RLA software uses.
* **ballot polling**, by BRAVO's average sample number (Lindeman, Stark and Yates 2012,
  eq. 5): ``ASN = (ln(1/alpha) + ln(2 s)/2) / (p_w ln(2 s) + p_l ln(2 - 2 s))`` with
  ``p_w, p_l`` the winner's and loser's shares of all ballots and ``s = p_w / (p_w +
  p_l)``; RAIRE uses it as the ballot-polling difficulty of an assertion.

References
----------
Stark, P. B. (2010). Super-simple simultaneous single-ballot risk-limiting audits.
EVT/WOTE 2010. Lindeman, M. and Stark, P. B. (2012). A gentle introduction to
risk-limiting audits. IEEE Security & Privacy 10(5), 42-49. Lindeman, M., Stark, P. B.
and Yates, V. S. (2012). BRAVO: ballot-polling risk-limiting audits to verify outcomes.
EVT/WOTE 2012. Stark, P. B. (2020). Sets of half-average nulls generate risk-limiting
audits: SHANGRLA. Financial Cryptography 2020, arXiv:1911.10035. Blom, M., Stuckey, P. J.
and Teague, V. J. (2019). RAIRE: risk-limiting audits for IRV elections. arXiv:1903.08804.

>>> round(comparison_sample_size(4000 / 21999, 0.05, gamma=1.1, rates=ErrorRates.none()), 1)
36.2
>>> round(bravo_asn(10000, 6000, 21999, 0.05), 1)
135.3
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import ConfigError

__all__ = [
    "GAMMA",
    "MEASURES",
    "ErrorRates",
    "SampleSettings",
    "bravo_asn",
    "comparison_sample_size",
    "contest_sample_size",
    "difficulty",
    "pair_sample_sizes",
    "whole_ballots",
]

GAMMA = 1.03905
"""Error inflation factor of Stark's audit tools, AGI's examples and Colorado's RLA software."""

MEASURES = ("margin", "margin_squared", "bravo")
"""Difficulty measures: RAIRE's OneOnMargin (ballots / margin), OneOnMarginSq, and the
BRAVO average sample number of a ballot-polling audit."""

COMPARISON_METHOD = (
    "ballot-level comparison, Kaplan-Markov bound with expected error rates "
    "(Stark 2010, super-simple audits; Lindeman and Stark 2012)"
)
POLLING_METHOD = "ballot polling, BRAVO average sample number (Lindeman, Stark and Yates 2012, eq. 5)"


@dataclass(frozen=True)
class ErrorRates:
    """Expected discrepancies per ballot audited, by kind (overstatements count against
    the reported outcome, understatements for it)."""

    one_vote_over: float = 0.001
    two_vote_over: float = 0.0001
    one_vote_under: float = 0.0
    two_vote_under: float = 0.0

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not (isinstance(value, (int, float)) and 0.0 <= value < 1.0):
                raise ConfigError(f"error rate {name} must be a number from 0 up to 1, not {value!r}")

    @classmethod
    def none(cls) -> ErrorRates:
        return cls(0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class SampleSettings:
    """What a sample-size estimate assumes: the risk limit, the error inflation factor of
    comparison audits, and the expected error rates."""

    risk_limit: float = 0.05
    gamma: float = GAMMA
    rates: ErrorRates = ErrorRates()

    def __post_init__(self) -> None:
        if not (isinstance(self.risk_limit, (int, float)) and 0.0 < self.risk_limit < 1.0):
            raise ConfigError(f"risk limit must lie strictly between 0 and 1, not {self.risk_limit!r}")
        if not (isinstance(self.gamma, (int, float)) and self.gamma > 1.0):
            raise ConfigError(f"gamma (the error inflation factor) must be above 1, not {self.gamma!r}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "risk_limit": self.risk_limit,
            "gamma": self.gamma,
            "error_rates": asdict(self.rates),
            "comparison_method": COMPARISON_METHOD,
            "polling_method": POLLING_METHOD,
        }


def difficulty(
    measure: str, winner_votes: float, loser_votes: float, total: float, risk_limit: float
) -> float:
    """The difficulty of an assertion under ``measure`` (see :data:`MEASURES`).

    Parameters
    ----------
    measure : str
        ``"margin"`` (ballots / margin), ``"margin_squared"`` or ``"bravo"``.
    winner_votes, loser_votes : float
        The two tallies the assertion compares.
    total : float
        The ballots the audit samples from.
    risk_limit : float
        Used by ``"bravo"`` only.

    Returns
    -------
    float
        ``inf`` when the winner's tally does not exceed the loser's.

    Raises
    ------
    ConfigError
        An unknown measure.
    """
    margin = winner_votes - loser_votes
    if margin <= 0:
        return math.inf
    if measure == "margin":
        return total / margin
    if measure == "margin_squared":
        return (total / margin) ** 2
    if measure == "bravo":
        return bravo_asn(winner_votes, loser_votes, total, risk_limit)
    raise ConfigError(f"unknown difficulty measure {measure!r}; choose one of {', '.join(MEASURES)}")


def bravo_asn(winner_votes: float, loser_votes: float, total: float, risk_limit: float) -> float:
    """BRAVO's average sample number for a ballot-polling audit of one pair.

    Parameters
    ----------
    winner_votes, loser_votes : float
        Reported votes of the pair's winner and loser.
    total : float
        Every ballot the sample is drawn from (undervotes and other candidates included).
    risk_limit : float
        The risk limit alpha.

    Returns
    -------
    float
        The expected number of ballots (not rounded); ``inf`` when the winner is not ahead.

    References
    ----------
    Lindeman, Stark and Yates (2012), BRAVO, eq. 5.

    Examples
    --------
    Example 10 of the RAIRE paper: 10,000 ballots rank c1 first, 6,000 rank c2 above c1,
    of 21,999, at a 5 % risk limit.

    >>> round(bravo_asn(10000, 6000, 21999, 0.05), 1)
    135.3
    """
    p_w, p_l = winner_votes / total, loser_votes / total
    if p_w <= p_l:
        return math.inf
    s = p_w / (p_w + p_l)
    gain = p_w * math.log(2 * s) + (p_l * math.log(2 - 2 * s) if p_l > 0 else 0.0)
    return (math.log(1 / risk_limit) + math.log(2 * s) / 2) / gain


def comparison_sample_size(
    diluted_margin: float, risk_limit: float, *, gamma: float = GAMMA, rates: ErrorRates = ErrorRates()
) -> float:
    """Ballots a ballot-level comparison audit is expected to need (Kaplan-Markov bound).

    Parameters
    ----------
    diluted_margin : float
        The assertion's margin over the ballots sampled from.
    risk_limit : float
        The risk limit alpha.
    gamma : float
        The error inflation factor (above 1).
    rates : ErrorRates
        Expected one- and two-vote over- and understatements per ballot.

    Returns
    -------
    float
        Not rounded; ``inf`` when the margin is not positive or the expected errors would
        outweigh it (the audit would be expected to go to a full hand count).

    References
    ----------
    Stark (2010), super-simple audits, section 2; Lindeman and Stark (2012), AGI.

    Examples
    --------
    Colorado's 2024 general election RLA, round 1: Boulder County's State Representative
    District 10, margin 27,538 over 396,121 ballot cards, risk limit 3 %, no errors
    expected: 105 ballots (Colorado's published ``optimistic_samples_to_audit``).

    >>> math.ceil(comparison_sample_size(27538 / 396121, 0.03, rates=ErrorRates.none()))
    105
    """
    if diluted_margin <= 0:
        return math.inf
    g2 = 2 * gamma
    errors = (
        rates.one_vote_over * math.log(1 - 1 / g2)
        + rates.two_vote_over * math.log(1 - 1 / gamma)
        + rates.one_vote_under * math.log(1 + 1 / g2)
        + rates.two_vote_under * math.log(1 + 1 / gamma)
    )
    denominator = diluted_margin + g2 * errors
    if denominator <= 0:
        return math.inf
    return -g2 * math.log(risk_limit) / denominator


def pair_sample_sizes(
    winner_votes: float, loser_votes: float, total: float, settings: SampleSettings
) -> tuple[int | None, int | None]:
    """(ballot-level comparison, ballot polling) ballots expected for one assertion, as
    whole ballots; ``None`` where the audit would be a full hand count."""
    mu = (winner_votes - loser_votes) / total
    comparison = comparison_sample_size(mu, settings.risk_limit, gamma=settings.gamma, rates=settings.rates)
    polling = bravo_asn(winner_votes, loser_votes, total, settings.risk_limit)
    return whole_ballots(comparison, total), whole_ballots(polling, total)


def contest_sample_size(sizes: Iterable[int | None]) -> int | None:
    """A contest's expected sample: its hardest assertion's, every assertion being checked
    on the same ballots (``None``, a full hand count, if any assertion needs one)."""
    values = list(sizes)
    if any(v is None for v in values):
        return None
    return max((v for v in values if v is not None), default=0)


def whole_ballots(expected: float, total: float) -> int | None:
    """An expected sample size as whole ballots, or ``None`` when it reaches every ballot
    (the audit would be a full hand count)."""
    if not math.isfinite(expected) or expected >= total:
        return None
    return max(1, math.ceil(expected - 1e-9))
