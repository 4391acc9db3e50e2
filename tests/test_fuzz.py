"""Fuzzing every reader through the command line, in a process with capped memory and time.

Hypothesis writes files that look like each format but break it in the ways hostile or
careless files do: sizes a header declares and the body does not hold, numbers with
thousands of digits, past 2**53 or not numbers at all, names that differ only in case,
ragged rows, wrong columns, wrong JSON types, deep nesting. ``tally`` must answer each
with a count (exit 0) or one located ``error:`` line (exit 2), never an internal error,
within 30 s and 2 GiB. The default run keeps to about a minute; ``-m slow`` runs many
more examples.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .capped import CappedCLI

QUICK = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
LONG = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def capped():
    runner = CappedCLI(memory=2 << 30)
    yield runner
    runner.close()


# -- pieces ---------------------------------------------------------------------------------------

NUMBER = st.one_of(
    st.integers(-3, 12).map(str),
    st.sampled_from(
        [
            "0",
            "1",
            "1000000000",
            "9007199254740993",
            "9" * 30,
            "9" * 5000,
            "-1",
            "0.1",
            "1.5",
            "2.5",
            "1e308",
            "1e999",
            "nan",
            "inf",
            "-0",
            "",
            " 7 ",
            "1_000",
            "７",
            "²",
            "0x10",
            "abc",
        ]
    ),
)
NAME = st.one_of(
    st.sampled_from(
        ["Ann", "ann", "ANN", "Ánn", "Ann ", "A  nn", "Bob", "Cy", "Write-in", "overvote", "undervote"]
    ),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=12),
)
CELL = st.one_of(NAME, NUMBER, st.just(""))


def _csv_line(cells: list[str]) -> str:
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell

    return ",".join(quote(c) for c in cells)


# -- one strategy per reader: (files to write, tally arguments) -------------------------------

Case = tuple[dict[str, bytes], list[str]]


@st.composite
def preflib(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from(["soc", "soi", "toc", "toi", "cat", "xyz"]))
    n = draw(NUMBER)
    names = draw(st.integers(0, 6))
    lines = [f"# FILE NAME: f.{kind}", f"# DATA TYPE: {kind}", f"# NUMBER ALTERNATIVES: {n}"]
    lines += [f"# ALTERNATIVE NAME {i + 1}: {draw(NAME)}" for i in range(names)]
    if draw(st.booleans()):
        lines.append(f"# NUMBER VOTERS: {draw(NUMBER)}")
    if draw(st.booleans()):
        lines.append(f"# NUMBER UNIQUE ORDERS: {draw(NUMBER)}")
    token = st.one_of(NUMBER, st.sampled_from(["{1,2}", "{}", "{1", "1}", "{{1}}", ""]))
    for _ in range(draw(st.integers(0, 6))):
        lines.append(f"{draw(NUMBER)}: {','.join(draw(st.lists(token, max_size=5)))}")
    if draw(st.booleans()):  # the older layout: a count line first
        lines = [draw(NUMBER), *[f"{i + 1},{draw(NAME)}" for i in range(names)], *lines[3:]]
    ext = draw(st.sampled_from([kind, "soc", "soi", "toc", "cat"]))
    return {f"ballots.{ext}": "\n".join(lines).encode()}, ["count", "ballots." + ext]


@st.composite
def blt(draw: st.DrawFn) -> Case:
    lines = [f"{draw(NUMBER)} {draw(NUMBER)}"]
    if draw(st.booleans()):
        lines.append(" ".join(f"-{draw(NUMBER)}" for _ in range(draw(st.integers(1, 3)))))
    token = st.one_of(NUMBER, st.sampled_from(["-", "1=2", "2=2", "=", "a"]))
    for _ in range(draw(st.integers(0, 5))):
        lines.append(
            " ".join(
                [draw(NUMBER), *draw(st.lists(token, max_size=4)), draw(st.sampled_from(["0", "", "1"]))]
            )
        )
    if draw(st.booleans()):
        lines.append("0")
    lines += [
        f'"{draw(NAME)}"' if draw(st.booleans()) else draw(NAME) for _ in range(draw(st.integers(0, 5)))
    ]
    return {"ballots.blt": "\n".join(lines).encode()}, ["count", "ballots.blt"]


@st.composite
def ranked_csv(draw: st.DrawFn) -> Case:
    ranks = draw(st.integers(1, 4))
    header = [f"rank{i + 1}" for i in range(ranks)]
    if draw(st.booleans()):
        header.insert(
            0, draw(st.sampled_from(["count", "weight", "ballot_id", "precinct", "batch", "extra"]))
        )
    if draw(st.integers(0, 5)) == 0:
        header[-1] = draw(st.sampled_from(["rank9", "rank1", "", "choice 2"]))
    rows = [
        [draw(NUMBER) if h in ("count", "weight") else draw(CELL) for h in header]
        for _ in range(draw(st.integers(0, 8)))
    ]
    if rows and draw(st.integers(0, 5)) == 0:
        rows[-1] = rows[-1][:-1]  # ragged
    text = "\n".join(_csv_line(r) for r in [header, *rows]) + "\n"
    return {"ballots.csv": text.encode()}, ["count", "ballots.csv", "--format", "csv"]


@st.composite
def scores(draw: st.DrawFn) -> Case:
    kind = draw(st.sampled_from(["approval", "score"]))
    header = draw(st.lists(NAME, min_size=1, max_size=4))
    if draw(st.booleans()):
        header.insert(0, "count")
    cell = st.one_of(st.sampled_from(["0", "1", "", "2", "10", "-1"]), NUMBER)
    rows = [[draw(cell) for _ in header] for _ in range(draw(st.integers(0, 6)))]
    text = "\n".join(_csv_line(r) for r in [header, *rows]) + "\n"
    return {"scores.csv": text.encode()}, ["count", "scores.csv", "--format", kind]


@st.composite
def tallies(draw: st.DrawFn) -> Case:
    if draw(st.booleans()):
        header = [
            "area",
            "candidate",
            "votes",
            *draw(st.lists(st.sampled_from(["party", "electoral_votes", "seats"]), max_size=2, unique=True)),
        ]
        rows = [
            [
                draw(st.sampled_from(["A", "B", ""])),
                draw(NAME),
                draw(NUMBER),
                *[draw(NUMBER) for _ in header[3:]],
            ]
            for _ in range(draw(st.integers(0, 6)))
        ]
    else:
        header = [
            "state",
            *draw(st.lists(st.sampled_from(["electoral_votes", "seats", "Total"]), max_size=2, unique=True)),
            "Gore",
            "Bush",
        ]
        rows = [
            [draw(st.sampled_from(["A", "B", "C", ""])), *[draw(NUMBER) for _ in header[1:]]]
            for _ in range(draw(st.integers(0, 5)))
        ]
    text = "\n".join(_csv_line(r) for r in [header, *rows]) + "\n"
    return {"tallies.csv": text.encode()}, ["count", "tallies.csv", "--format", "tallies"]


@st.composite
def alaska(draw: st.DrawFn) -> Case:
    if draw(st.booleans()):
        names = draw(st.lists(NAME, min_size=1, max_size=4))
        lines = [
            ",".join(names),
            ",".join(draw(st.lists(NAME, min_size=1, max_size=4))),
            draw(st.sampled_from(["-+-+-", "---", "x"])),
        ]
        lines += [
            f"({','.join(draw(st.lists(NAME, max_size=3)))}) : {draw(NUMBER)}"
            for _ in range(draw(st.integers(0, 5)))
        ]
        return {"ballots.profile": "\n".join(lines).encode()}, ["count", "ballots.profile"]
    width = draw(st.integers(2, 5))
    head = [
        [
            str(k + 1),
            *[draw(st.sampled_from(["Palin", "Begich", "", "Overvote", "Blank"])) for _ in range(width)],
        ]
        for k in range(draw(st.integers(1, 3)))
    ]
    body = [
        [area, *[draw(NUMBER) for _ in range(width)]]
        for area in draw(
            st.lists(
                st.sampled_from(["House District 1", "House District 2", "Total", ""]), min_size=1, max_size=3
            )
        )
    ]
    text = "\n".join(_csv_line(r) for r in [*head, *body]) + "\n"
    return {"top-2-house_district.csv": text.encode()}, [
        "count",
        "top-2-house_district.csv",
        "--format",
        "alaska-summary",
    ]


def _config(draw: st.DrawFn, source: dict[str, str]) -> bytes:
    body = {
        "outputSettings": {"contestName": "Fuzz"},
        "cvrFileSources": [
            {
                "firstVoteColumnIndex": draw(st.one_of(st.sampled_from(["1", "2", "3", "9"]), NUMBER)),
                "firstVoteRowIndex": draw(st.sampled_from(["2", "1", "5", "0"])),
                "idColumnIndex": draw(st.sampled_from(["1", "", "7"])),
                "overvoteLabel": draw(st.sampled_from(["", "overvote"])),
                "skippedRankLabel": "",
                "undeclaredWriteInLabel": draw(st.sampled_from(["", "WI"])),
                "contestId": "",
                **source,
            }
        ],
        "candidates": [
            {"name": n, "excluded": False, "aliases": []}
            for n in draw(st.lists(NAME, min_size=1, max_size=4))
        ],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": "exhaustImmediately",
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "minimumVoteThreshold": "0",
            "maxSkippedRanksAllowed": "1",
            "maxRankingsAllowed": draw(st.one_of(st.sampled_from(["3", "max", "1000000000"]), NUMBER)),
            "randomSeed": "",
        },
    }
    return json.dumps(body).encode()


@st.composite
def generic_cvr(draw: st.DrawFn) -> Case:
    header = ["id", *draw(st.lists(NAME, min_size=0, max_size=4))]
    rows = [[str(i), *[draw(CELL) for _ in header[1:]]] for i in range(draw(st.integers(0, 6)))]
    text = "\n".join(_csv_line(r) for r in [header, *rows]) + "\n"
    config = _config(draw, {"provider": "genericCsv", "filePath": "cvr.csv"})
    command = draw(
        st.sampled_from(
            [["rctab", "contest_config.json", "-o", "out"], ["import", "contest_config.json", "--replace"]]
        )
    )
    return {"cvr.csv": text.encode(), "contest_config.json": config}, command


JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(["1", "x", ""])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["Id", "Rank", "Marks", "List", "CandidateId"]), inner, max_size=3),
    ),
    max_leaves=8,
)


@st.composite
def dominion(draw: st.DrawFn) -> Case:
    def manifest(entries: int) -> bytes:
        return json.dumps(
            {
                "List": [
                    {"Id": draw(st.sampled_from([1, 2, "1", None])), "Description": "x", "ContestId": 1}
                    for _ in range(entries)
                ]
            }
        ).encode()

    mark = st.fixed_dictionaries(
        {
            "CandidateId": st.sampled_from([1, 2, 99, "1"]),
            "Rank": st.one_of(st.integers(-1, 5), st.just(10**9), st.just("1"), st.none()),
        }
    )
    contest = st.fixed_dictionaries({"Id": st.sampled_from([1, 2]), "Marks": st.lists(mark, max_size=3)})
    session = st.fixed_dictionaries(
        {
            "TabulatorId": st.integers(1, 3),
            "BatchId": st.integers(1, 3),
            "RecordId": st.integers(1, 9),
            "Original": st.one_of(
                st.fixed_dictionaries(
                    {
                        "Cards": st.lists(
                            st.fixed_dictionaries({"Contests": st.lists(contest, max_size=2)}), max_size=2
                        )
                    }
                ),
                JSON_VALUE,
            ),
        }
    )
    export = draw(st.one_of(st.fixed_dictionaries({"Sessions": st.lists(session, max_size=4)}), JSON_VALUE))
    files = {
        "dom/ContestManifest.json": manifest(draw(st.integers(0, 2))),
        "dom/CandidateManifest.json": manifest(draw(st.integers(0, 3))),
        "dom/PrecinctPortionManifest.json": manifest(1),
        "dom/CvrExport.json": json.dumps(export).encode(),
        "contest_config.json": _config(draw, {"provider": "dominion", "filePath": "dom", "contestId": "1"}),
    }
    return files, ["rctab", "contest_config.json", "-o", "out"]


@st.composite
def cdf(draw: st.DrawFn) -> Case:
    selection = st.fixed_dictionaries(
        {"ContestSelectionId": st.sampled_from(["s1", "s2", "zz"]), "Rank": st.one_of(NUMBER, st.none())}
    )
    cvr = st.fixed_dictionaries(
        {
            "CurrentSnapshotId": st.sampled_from(["a", "b"]),
            "CVRSnapshot": st.lists(
                st.fixed_dictionaries(
                    {
                        "@id": st.just("a"),
                        "CVRContest": st.lists(
                            st.fixed_dictionaries(
                                {
                                    "ContestId": st.just("c1"),
                                    "CVRContestSelection": st.lists(selection, max_size=3),
                                }
                            ),
                            max_size=2,
                        ),
                    }
                ),
                max_size=2,
            ),
        }
    )
    doc = {
        "Election": [
            {
                "Candidate": [{"@id": "k1", "Name": draw(NAME)}, {"@id": "k2", "Name": "Bob"}],
                "Contest": [
                    {
                        "@id": "c1",
                        "Name": "X",
                        "ContestSelection": [
                            {"@id": "s1", "CandidateIds": ["k1"]},
                            {"@id": "s2", "CandidateIds": draw(st.sampled_from([["k2"], [], "k2", ["k9"]]))},
                        ],
                    }
                ],
            }
        ],
        "CVR": draw(st.lists(cvr, max_size=4)),
    }
    body = draw(st.one_of(st.just(doc), JSON_VALUE))
    files = {
        "cvr.json": json.dumps(body).encode(),
        "contest_config.json": _config(draw, {"provider": "cdf", "filePath": "cvr.json", "contestId": "X"}),
    }
    return files, ["rctab", "contest_config.json", "-o", "out"]


@st.composite
def hart(draw: st.DrawFn) -> Case:
    files: dict[str, bytes] = {}
    for k in range(draw(st.integers(0, 3))):
        value = draw(st.sampled_from(["1", "01", "0001", "2", "", "1" * 50]))
        option = (
            f"<Option><Id>{draw(st.sampled_from(['g1', 'g2', 'g9']))}</Id><Value>{value}</Value></Option>"
        )
        body = f'<Cvr xmlns="http://tempuri.org/CVRDesign.xsd"><CvrGuid>{k}</CvrGuid><Contests><Contest><Id>X</Id><Options>{option}</Options></Contest></Contests></Cvr>'
        files[f"hart/{k}.xml"] = draw(st.sampled_from([body, body[:-5], "<Cvr>" * 3000, "not xml"])).encode()
    files["contest_config.json"] = _config(draw, {"provider": "hart", "filePath": "hart", "contestId": "X"})
    return files, ["rctab", "contest_config.json", "-o", "out"]


@st.composite
def clear_ballot(draw: st.DrawFn) -> Case:
    meta = [
        "RowNumber",
        "BoxID",
        "BoxPosition",
        "BallotID",
        "PrecinctID",
        "BallotStyleID",
        "PrecinctStyleName",
        "ScanComputerName",
        "Status",
        "Remade",
    ]
    choices = [
        f"Choice_{i}_1:X:{draw(st.one_of(NUMBER, st.just('1')))}:Number of Winners 1:{draw(NAME)}:NP"
        for i in range(draw(st.integers(0, 4)))
    ]
    rows = [
        [str(i)] * len(meta) + [draw(st.sampled_from(["0", "1", "", "2"])) for _ in choices]
        for i in range(draw(st.integers(0, 4)))
    ]
    text = "\n".join(_csv_line(r) for r in [meta + choices, *rows]) + "\n"
    files = {
        "cb.csv": text.encode(),
        "contest_config.json": _config(
            draw, {"provider": "clearBallot", "filePath": "cb.csv", "contestId": "X"}
        ),
    }
    return files, ["rctab", "contest_config.json", "-o", "out"]


@st.composite
def ess(draw: st.DrawFn) -> Case:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["id", "precinct", "Choice 1", "Choice 2", "Choice 3"])
    printable = NAME.filter(lambda t: not any(ord(c) < 32 for c in t))  # openpyxl refuses control characters
    cell = st.one_of(printable, st.integers(-5, 10**12), st.floats(allow_nan=True), st.none())
    for _ in range(draw(st.integers(0, 6))):
        sheet.append([draw(cell) for _ in range(draw(st.integers(0, 7)))])
    data = io.BytesIO()
    book.save(data)
    config = _config(
        draw,
        {"provider": "ess", "filePath": "cvr.xlsx", "overvoteDelimiter": draw(st.sampled_from(["", "|"]))},
    )
    command = draw(
        st.sampled_from(
            [["rctab", "contest_config.json", "-o", "out"], ["import", "contest_config.json", "--replace"]]
        )
    )
    return {"cvr.xlsx": data.getvalue(), "contest_config.json": config}, command


JSON_VALUE = st.one_of(
    st.integers(-3, 12),
    st.sampled_from([2**53 + 1, 10**9, 1.5, True, None, "2", [], {}]),
    st.floats(allow_nan=True, allow_infinity=True),
)


@st.composite
def raire(draw: st.DrawFn) -> Case:
    n = draw(st.one_of(st.integers(0, 5), JSON_VALUE))
    votes = [
        {"n": draw(JSON_VALUE), "prefs": draw(st.lists(JSON_VALUE, max_size=4))}
        for _ in range(draw(st.integers(0, 5)))
    ]
    data: dict = {"num_candidates": n, "votes": votes}
    if draw(st.booleans()):
        data["metadata"] = {"candidates": draw(st.lists(NAME, max_size=5))}
    if draw(st.booleans()):
        data["winner"] = draw(JSON_VALUE)
    if draw(st.booleans()):
        data["audit"] = {
            "type": draw(st.sampled_from(["OneOnMargin", "BRAVO", "x"])),
            "total_auditable_ballots": draw(JSON_VALUE),
            "confidence": draw(JSON_VALUE),
        }
    text = json.dumps(data, allow_nan=True)
    text = draw(st.sampled_from([text, text[: len(text) // 2], "[" * 50_000, text.replace("5", "5" * 5000)]))
    command = draw(st.sampled_from([["count", "votes.json"], ["rla", "plan", "votes.json"]]))
    return {"votes.json": text.encode()}, command


@st.composite
def delegates(draw: st.DrawFn) -> Case:
    plan = [["state", "district", "delegates"]]
    plan += [
        [draw(st.sampled_from(["IA", "NH", "", "ZZ"])), draw(CELL), draw(NUMBER)]
        for _ in range(draw(st.integers(0, 4)))
    ]
    results = [["state", "district", "candidate", "votes"]]
    results += [
        [draw(st.sampled_from(["IA", "NH", ""])), draw(CELL), draw(NAME), draw(NUMBER)]
        for _ in range(draw(st.integers(0, 5)))
    ]
    files = {
        "plan.csv": "\n".join(_csv_line(r) for r in plan).encode(),
        "results.csv": "\n".join(_csv_line(r) for r in results).encode(),
    }
    return files, ["delegates", "2020", "--plan", "plan.csv", "--results", "results.csv"]


READERS: dict[str, Callable[[], st.SearchStrategy[Case]]] = {
    "raire": raire,
    "delegates": delegates,
    "ess": ess,
    "preflib": preflib,
    "blt": blt,
    "ranked_csv": ranked_csv,
    "scores": scores,
    "tallies": tallies,
    "alaska": alaska,
    "generic_cvr": generic_cvr,
    "dominion": dominion,
    "cdf": cdf,
    "hart": hart,
    "clear_ballot": clear_ballot,
}


# -- the check ------------------------------------------------------------------------------------


def _run(capped: CappedCLI, case: Case) -> None:
    files, command = case
    with tempfile.TemporaryDirectory(prefix="tally-fuzz-") as tmp:
        folder = Path(tmp)
        for name, content in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
        result = capped.run(*command, cwd=folder, timeout=30, env={"TALLY_HOME": str(folder / "store")})
    shown = f"{command}: {result.code}\n{result.err[-1500:]}\nfiles: {files!r}"[:4000]
    assert result.code in (0, 2), shown  # not a crash, an escaped exception, a memory or time overrun
    assert "internal error" not in result.err and "Traceback" not in result.err, shown
    if result.code == 2:
        assert len(result.error_lines) == 1, shown
        # located: the message names the file (or folder) it is about, as the command gave it
        names = {part for name in files for part in (name, name.split("/")[0])}
        # a plan unit without results is located by the unit, which names both files' rows
        unit = command[0] == "delegates" and "no results for" in result.error_lines[0]
        assert unit or any(name in result.error_lines[0] for name in [*names, tmp]), f"not located: {shown}"


@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_answers_malformed_files_cleanly(capped, reader):
    @QUICK
    @given(case=READERS[reader]())
    def check(case: Case) -> None:
        _run(capped, case)

    check()


@pytest.mark.slow
@pytest.mark.parametrize("reader", sorted(READERS))
def test_every_reader_answers_malformed_files_cleanly_long(capped, reader):
    @LONG
    @given(case=READERS[reader]())
    def check(case: Case) -> None:
        _run(capped, case)

    check()
