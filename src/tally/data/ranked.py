"""Bundled ranked-ballot elections: PrefLib files, Maine 2018 CD-2, Alaska 2022, Portland 2024.

``facts["rule"]`` and ``facts["options"]`` give the rule and options the jurisdiction
used, so ``tally count ID`` counts it the official way unless told otherwise.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from . import DATA_DIR, Dataset, register

PREFLIB_SOURCE = "PrefLib (preflib.org), PrefLib-Data repository"
GPL3 = "GPL-3.0"

# Ballots with several candidates at one rank were overvotes on the US paper ballots;
# US jurisdictions exhaust a ballot at an overvote.
US_IRV = {"overvote": "exhaust"}


def _read(relative: str, format: str, **options: Any) -> Any:
    from ..io import read

    return read(str(DATA_DIR / relative), format=format, **options)


def _preflib(
    id: str,
    file: str,
    title: str,
    *,
    rule: str = "irv",
    seats: int = 1,
    options: dict[str, Any] | None = None,
    description: str = "",
    tags: tuple[str, ...] = (),
) -> None:
    register(
        Dataset(
            id=id,
            title=title,
            kind="ranked",
            folder="preflib",
            loader=partial(_read, f"preflib/{file}", "preflib"),
            licence=GPL3,
            source=f"{PREFLIB_SOURCE}, {file}",
            tags=("preflib", *tags),
            description=description,
            facts={"rule": rule, "seats": seats, "options": dict(options if options is not None else US_IRV)},
        )
    )


_preflib(
    "burlington-2009",
    "00005-burlington/00005-00000002.toi",
    "Burlington, Vermont, mayor 2009",
    description="IRV elected Bob Kiss; Andy Montroll beat every other candidate head to head.",
    tags=("us", "irv", "famous"),
)
_preflib(
    "burlington-2006",
    "00005-burlington/00005-00000001.toi",
    "Burlington, Vermont, mayor 2006",
    tags=("us", "irv"),
)
_preflib(
    "aspen-2009-mayor", "00016-aspen/00016-00000002.toi", "Aspen, Colorado, mayor 2009", tags=("us", "irv")
)
_preflib(
    "oakland-2010-mayor",
    "00019-oakland/00019-00000002.toi",
    "Oakland, California, mayor 2010",
    description="Jean Quan won under RCV after trailing Don Perata in first choices.",
    tags=("us", "irv", "famous"),
)
_preflib("sf-2011-mayor", "00021-sf/00021-00000011.toi", "San Francisco mayor 2011", tags=("us", "irv"))
_preflib(
    "takoma-park-2007",
    "00023-takomapark/00023-00000001.toi",
    "Takoma Park, Maryland, city council ward 5 special 2007",
    tags=("us", "irv"),
)
_preflib(
    "uk-labour-2010",
    "00030-uklabor/00030-00000001.soi",
    "UK Labour Party leadership 2010, MPs' section",
    options={},
    description="The MPs' third of Labour's electoral college (266 ballots, 5 candidates).",
    tags=("uk", "irv"),
)
_preflib(
    "minneapolis-2009-park",
    "00018-minneapolis/00018-00000002.soi",
    "Minneapolis Park & Recreation Commissioner at-large 2009 (3 seats)",
    rule="wigm_stv",
    seats=3,
    options={},
    tags=("us", "stv"),
)
_preflib(
    "minneapolis-2009-bet",
    "00018-minneapolis/00018-00000004.soi",
    "Minneapolis Board of Estimate and Taxation 2009 (2 seats)",
    rule="wigm_stv",
    seats=2,
    options={},
    tags=("us", "stv"),
)

register(
    Dataset(
        id="maine-2018-cd2",
        title="Maine 2nd Congressional District 2018 (official ballots, aggregated)",
        kind="ranked",
        folder="maine-2018-cd2",
        loader=partial(_read, "maine-2018-cd2/me-cd2-2018-ballots-aggregated.csv", "csv"),
        licence="public record (Maine Secretary of State); no licence stated",
        source="Maine Secretary of State cast-vote records, merged and counted",
        tags=("us", "irv", "famous", "official"),
        description="The first US House race decided by RCV: Golden overtook Poliquin.",
        facts={
            "rule": "irv",
            "seats": 1,
            "options": {"overvote": "exhaust", "max_skipped": 1, "batch_elimination": True},
        },
    )
)

register(
    Dataset(
        id="alaska-2022-special",
        title="Alaska US House special general election, August 2022",
        kind="ranked",
        folder="alaska-2022",
        loader=partial(_read, "alaska-2022/special_election_v1.ignore_ambig.profile", "alaska-profile"),
        licence="GPL-2.0",
        source="jirin1a/alaska_irv_2022, from the Alaska Division of Elections cast-vote record",
        tags=("us", "irv", "famous"),
        description="Peltola won under RCV; Begich beat both Peltola and Palin head to head.",
        facts={"rule": "irv", "seats": 1, "options": {}},
    )
)

register(
    Dataset(
        id="alaska-2022-special-summary",
        title="Alaska US House special general 2022, ranking profile summary",
        kind="ranked",
        folder="alaska-2022",
        loader=partial(
            _read, "alaska-2022/summaries-special-general/top-4-house_district.csv", "alaska-summary"
        ),
        licence="MIT",
        source="JedGrabman/AK_RCV_Summarizer, from the Alaska Division of Elections cast-vote record",
        tags=("us", "irv"),
        facts={"rule": "irv", "seats": 1, "options": {"overvote": "exhaust"}},
    )
)

_PORTLAND_D1_TITLE = "Portland, Oregon, City Council District 1, November 2024 (STV, 3 seats)"
# Candidates in the order of the county's report: the count breaks ties by this order, which
# gives the result of the one lot drawn (round 8, Linn defeated); see the folder's README.
_PORTLAND_D1 = (
    "Candace Avalos",
    "Jamie Dunphy",
    "Loretta Smith",
    "Noah Ernst",
    "Terrence Hayes",
    "Steph Routh",
    "Timur Ender",
    "Doug Clove",
    "Peggy Sue Owens",
    "David Linn",
    "Joe Allen",
    "Michael (Mike) Sands",
    "Deian Salazar",
    "Cayle Tern",
    "Thomas Shervey",
    "Joe Furi",
    "Uncertified Write In",
)

register(
    Dataset(
        id="portland-2024-council-d1",
        title=_PORTLAND_D1_TITLE,
        kind="ranked",
        folder="portland-2024-council-d1",
        loader=partial(
            _read,
            "portland-2024-council-d1/portland-2024-d1-cvr.csv",
            "csv",
            candidates=_PORTLAND_D1,
            ignore=[""],  # the row index, without a header name
            # write-in positions the county credited to nobody: the certified counts need them blank
            skipped=["Write-in-120", "Write-in-121", "Write-in-122"],
            title=_PORTLAND_D1_TITLE,
        ),
        licence="MIT (VoteKit); the cast-vote record and the county's report are public records",
        source="City of Portland cast-vote record via mggg/VoteKit; Multnomah County Elections' final report",
        tags=("us", "stv", "famous", "official"),
        description=(
            "The first STV council election of a large US city, counted by Portland City Code 2.08: "
            "Droop threshold, fractional surplus at 4 decimals, overvotes and skipped ranks passed over, "
            "ties by lot. Avalos, Smith and Dunphy elected in 17 rounds."
        ),
        facts={
            "rule": "rctab",
            "seats": 3,
            "options": {
                "mode": "stv",
                "threshold": "droop",
                "decimal_places": 4,
                "overvote": "skip",
                "max_skipped": None,
                "repeated": "skip",
                "tiebreak": "order",
            },
        },
    )
)
