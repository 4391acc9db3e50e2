"""A contest carries its official rules, and every path counts it under them and says so.

The paths: ``tally count`` on a bundled dataset, a file with its sidecar rules, an RCTab
config and a store import of it; the API through FastAPI's TestClient; the HTML report;
``tally compare``. Each is checked against the others and against an independent answer
(RCTab's own expected reports for its regression cases, Maine's certified result).
"""

from __future__ import annotations

import hashlib
import html
import json
import random
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tally.contest import Contest, CountingRules
from tally.data import datasets, resolve_contest
from tally.errors import ConfigError

CASES = Path(__file__).parent / "data" / "rctab" / "cases"
NEGATIVE = ("invalid_params_test", "max_ranking_enforcement")
CONFIGS = sorted(
    p.name for p in CASES.iterdir() if (p / f"{p.name}_config.json").exists() and p.name not in NEGATIVE
)
MAINE = Path(__file__).parent / "data" / "maine-cvr" / "maine_cd2_2018_config.json"


def _json(cli, *args: str):
    code, out, err = cli(*args)
    assert code == 0, err
    return json.loads(out)


def _line(text: str) -> str:
    """The printed text with rich's line wrapping undone."""
    return " ".join(text.split())


# -- an RCTab config is counted as `tally rctab` counts it -----------------------------------


def test_every_rctab_case_is_in_the_list():
    assert len(CONFIGS) == 49  # 47 tabulation cases and the two conversion cases


@pytest.mark.parametrize("case", CONFIGS)
def test_count_of_a_config_is_the_rctab_count(cli, tmp_path, case):
    config = str(CASES / case / f"{case}_config.json")
    ours = _json(cli, "count", config, "--json")
    theirs = _json(cli, "rctab", config, "--json", "-o", str(tmp_path))
    passes = theirs if isinstance(theirs, list) else [theirs]
    rctab_rounds = [r for report in passes for r in report["results"]]
    assert len(ours["rounds"]) == len(rctab_rounds)
    for mine, rctab in zip(ours["rounds"], rctab_rounds):
        assert {k: Decimal(str(v)) for k, v in mine["tally"].items()} == {
            k: Decimal(v) for k, v in rctab["tally"].items()
        }
    elected = [a["elected"] for r in rctab_rounds for a in r["tallyResults"] if "elected" in a]
    assert sorted(ours["winners"]) == sorted(elected)
    # and RCTab's own expected report (the certified tabulator's output) elects the same
    # (the top folder's reports: sub-folders hold per-precinct slices)
    expected = sorted((CASES / case).glob(f"{case}*expected_detailed_report.json"))
    if expected:
        certified = [
            a["elected"]
            for f in expected
            for r in json.loads(f.read_text())["results"]
            for a in r["tallyResults"]
            if "elected" in a
        ]
        assert sorted(ours["winners"]) == sorted(certified)
    counted = ours["counted_under"]
    assert counted["rule"] == "rctab" and not counted["overridden"]
    assert counted["official"]["origin"] == f"RCTab config {case}_config.json"


@pytest.mark.parametrize("case", NEGATIVE)
def test_a_config_rctab_refuses_is_refused_by_count_in_one_line(cli, tmp_path, case):
    config = str(CASES / case / f"{case}_config.json")
    code, _, err = cli("count", config)
    code_rctab, _, err_rctab = cli("rctab", config, "-o", str(tmp_path))
    assert code == code_rctab == 2
    assert _line(err) == _line(err_rctab) and len(err.strip().splitlines()) >= 1


def test_excluded_candidates_of_a_config_are_left_out(cli):
    # excluded_test excludes three of four candidates: RCTab elects George Gervin
    out = _json(cli, "count", str(CASES / "excluded_test" / "excluded_test_config.json"), "--json")
    assert out["winners"] == ["George Gervin"]
    excluded = {"Mookie Blaylock", "Yinka Dare", "Sedale Threatt"}
    assert set(out["counted_under"]["options"]["excluded"]) == excluded
    # no rule compared beside it elects an excluded candidate, nor is one the Condorcet winner
    compared = _json(cli, "compare", str(CASES / "excluded_test" / "excluded_test_config.json"), "--json")
    assert set(compared["excluded"]) == excluded and compared["condorcet_winner"] == "George Gervin"
    elected = {w for row in compared["results"].values() for w in row.get("winners", [])}
    assert elected == {"George Gervin"} and len(compared["results"]) > 10
    config = str(CASES / "excluded_test" / "excluded_test_config.json")
    analyzed = _json(cli, "analyze", config, "--json")
    assert analyzed["condorcet_winner"] == "George Gervin" and analyzed["smith_set"] == ["George Gervin"]
    # an audit has no excluded candidate to rule out: the winner stands alone
    plan = _json(cli, "rla", "plan", config, "--json")
    assert plan["candidates"] == ["George Gervin"] and plan["assertions"] == []
    assert "the only candidate standing" in plan["headline"]
    # another rule asked for counts without them too
    spoiled = _json(cli, "spoilers", config, "--rule", "irv", "--json")
    assert spoiled["winners"] == ["George Gervin"] and spoiled["rows"] == []


# -- a store import keeps the rules of what it was imported from -----------------------------


def test_an_import_of_a_plain_csv_states_no_rules(cli, tmp_path):
    csv = tmp_path / "plain.csv"
    csv.write_text("id,rank1,rank2\n1,A,B\n2,A,B\n3,B,A\n")
    code, _, err = cli("import", str(csv), "--name", "plain-csv", "--replace")
    assert code == 0, err
    out = _json(cli, "count", "plain-csv", "--json")
    assert out["counted_under"]["official"] is None and out["rule"] == "irv"
    assert "the source states no official rules" in out["counted_under"]["line"]


@pytest.mark.slow
def test_maine_import_then_plain_count_is_the_certified_result(cli):
    # certified: Golden 142,440, Poliquin 138,931 (Maine Secretary of State; tests/data/maine-cvr)
    code, _, err = cli("import", str(MAINE), "--replace")
    assert code == 0, err
    code, out, err = cli("count", "maine_cd2_2018")
    assert code == 0, err
    text = _line(out)
    assert "142,440" in text and "138,931" in text
    assert (
        "counted under the contest's rules: IRV as RCTab counts it, overvote exhausts, "
        "2 skipped ranks exhaust" in text
    )
    assert "batch elimination" in text and "from store import maine_cd2_2018" in text
    final = _json(cli, "count", "maine_cd2_2018", "--json")["rounds"][-1]["tally"]
    assert final == {"Golden, Jared F.": 142440, "Poliquin, Bruce": 138931}


# -- the rules line: printed, and says when the user overrides ------------------------------


def test_count_prints_the_contests_rules(cli):
    code, out, _ = cli("count", "maine-2018-cd2")
    assert code == 0
    assert (
        "counted under the contest's rules: IRV, overvote exhausts, 2 skipped ranks exhaust, "
        "batch elimination (from the facts of dataset maine-2018-cd2)" in _line(out)
    )


def test_count_says_when_the_user_overrides_the_rule(cli):
    code, out, _ = cli("count", "maine-2018-cd2", "--rule", "schulze")
    assert code == 0
    assert (
        "counted under schulze at your request; the contest's rules are: IRV, overvote exhausts, "
        "2 skipped ranks exhaust, batch elimination" in _line(out)
    )
    out = _json(cli, "count", "maine-2018-cd2", "--rule", "schulze", "--json")["counted_under"]
    assert out["overridden"] and out["rule"] == "schulze" and out["official"]["rule"] == "irv"


def test_count_says_when_the_user_changes_an_option(cli):
    out = _json(cli, "count", "maine-2018-cd2", "-o", "max_skipped=0", "--json")
    assert out["counted_under"]["overridden"]
    assert out["counted_under"]["line"].startswith(
        "counted under IRV, overvote exhausts, 1 skipped rank exhausts"
    )
    assert "with your options; the contest's rules are: IRV" in out["counted_under"]["line"]


def test_official_options_change_the_count():
    # the same ballots under IRV without Maine's rules give the numbers that were reported
    # wrongly before the rules travelled with the contest; with them, the certified ones
    from tally.compare import counting
    from tally.procedures import count

    contest = resolve_contest("maine-2018-cd2")
    golden, poliquin = "Jared Golden", "Bruce Poliquin"
    official = count(counting(contest)).rounds[-1].tally
    plain = count(Contest(contest.ballots, "irv")).rounds[-1].tally
    assert (official[golden], official[poliquin]) == (142440, 138931)
    assert (plain[golden], plain[poliquin]) == (142558, 139113)


# -- a file with a sidecar, and an upload with its rules ------------------------------------

BALLOTS = "count,rank1,rank2,rank3\n4,A,B,C\n3,B,C,A\n2,C,B,A\n"


def _ballots(tmp_path: Path) -> Path:
    path = tmp_path / "ballots.csv"
    path.write_text(BALLOTS)
    return path


def test_a_sidecar_gives_the_rules(cli, tmp_path):
    path = _ballots(tmp_path)
    # IRV: C is eliminated and both of C's ballots go to B, who beats A 5 to 4
    plain = _json(cli, "count", str(path), "--json")
    assert plain["rule"] == "irv" and plain["counted_under"]["official"] is None
    # plurality elects A (4 of 9 first preferences): the sidecar's rule is used, and said
    (tmp_path / "ballots.rules.json").write_text(
        json.dumps({"rule": "plurality", "source": "the town charter"})
    )
    ruled = _json(cli, "count", str(path), "--json")
    assert ruled["rule"] == "plurality" and ruled["winners"] == ["A"]
    assert ruled["counted_under"]["line"] == (
        "counted under the contest's rules: plurality (from ballots.rules.json (the town charter))"
    )
    assert plain["winners"] == ["B"]


@pytest.mark.parametrize(
    "sidecar, words",
    [
        ("{not json", "not JSON"),
        ('{"rule": "nope"}', "unknown rule"),
        ('{"rule": "irv", "options": {"colour": 1}}', "takes no option colour"),
        ('{"rule": "irv", "extra": 1}', "unknown key(s) extra"),
    ],
)
def test_a_bad_sidecar_is_a_one_line_error_naming_the_file(cli, tmp_path, sidecar, words):
    path = _ballots(tmp_path)
    (tmp_path / "ballots.rules.json").write_text(sidecar)
    code, _, err = cli("count", str(path))
    assert code == 2 and "ballots.rules.json" in err and words in _line(err)


# -- every path gives one answer ------------------------------------------------------------


@pytest.fixture
def client():
    from fastapi.testclient import TestClient

    from tally.web import create_app

    with TestClient(create_app()) as c:
        yield c


# Each path is compared on what a count answers: the winners, every round's tally and its
# inactive ballots by reason, and the rules line. A small contest is compared in full (a
# failure shows the difference); a large one by a SHA-256 digest of the same answer.
RANKED = sorted(d.id for d in datasets() if d.kind == "ranked")
LARGE = 20_000  # ballots


def _answer(record: dict) -> dict:
    """What a count answers, from its outcome JSON: numbers as decimals, zeros left out."""
    return {
        "winners": sorted(record["winners"]),
        "rounds": [
            (
                {k: Decimal(str(v)) for k, v in r["tally"].items()},
                {k: Decimal(str(v)) for k, v in r["inactive"].items() if v},
            )
            for r in record["rounds"]
        ],
        "rules": record["counted_under"]["line"],
    }


def _same(one: dict, other: dict, ballots: float) -> bool:
    if ballots < LARGE:
        return one == other
    digest = [
        hashlib.sha256(json.dumps(x, sort_keys=True, default=str).encode()).hexdigest() for x in (one, other)
    ]
    return digest[0] == digest[1]


def _report_answer(page: str, record: dict) -> dict:
    """The same answer read back from a report's page: the rules line, the winners and the
    round-by-round table (four decimals, as it prints them)."""
    rules = html.unescape(re.search(r"<p class='rules'>(.*?)</p>", page).group(1))
    shown = html.unescape(re.search(r"<p class='winner'>.*?<strong>(.*?)</strong>", page).group(1))
    table = re.search(r"<h2>Round by round</h2><table>(.*?)</table>", page, re.DOTALL).group(1)
    rows = {}
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL):
        cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", tr, re.DOTALL)]
        if cells:  # not the head
            rows[cells[0]] = [c.rstrip(" ✓✗").replace(",", "") for c in cells[1:]]
    rounds = []
    for k in range(len(record["rounds"])):
        tally = {c: Decimal(v[k]) for c, v in rows.items() if c in record["candidates"] and v[k]}
        inactive = {
            c.removeprefix("inactive: "): Decimal(v[k]) for c, v in rows.items() if c.startswith("inactive: ")
        }
        rounds.append((tally, {c: v for c, v in inactive.items() if v}))
    # names may hold commas ("Mavodones, Nicholas M. Jr."): the line is matched whole
    named = sorted(record["winners"]) if shown == (", ".join(record["winners"]) or "none") else [shown]
    return {"winners": named, "rounds": rounds, "rules": rules}


def _rounded(answer: dict) -> dict:
    """An answer with every number cut to the report's four decimals."""
    four = Decimal("0.0001")
    return {
        **answer,
        "rounds": [
            ({k: v.quantize(four) for k, v in t.items()}, {k: v.quantize(four) for k, v in i.items()})
            for t, i in answer["rounds"]
        ],
    }


def _analyses_agree(cli, source: str, record: dict, *, criteria: bool = True, audit: bool = True) -> None:
    """``analyze``, ``criteria`` and ``rla`` count under the rules ``count`` used, elect
    whom it elects, and ``analyze`` lists the inactive ballots of each of its rounds."""
    line = record["counted_under"]["line"]
    analysis = _json(cli, "analyze", source, "--json")
    assert analysis["counted_under"]["line"] == line and analysis["winners"] == record["winners"]
    by_round = [{k: v for k, v in r.items() if k != "round" and v} for r in analysis["inactive"]["by_round"]]
    assert by_round == [{k: v for k, v in r["inactive"].items() if v} for r in record["rounds"]]
    if criteria:
        judged = _json(cli, "criteria", source, "--json")
        assert judged["counted_under"]["line"] == line and judged["winners"] == record["winners"]
    if not audit:
        return
    code, out, err = cli("rla", "plan", source, "--json")
    rule = record["counted_under"]["rule"]
    if code == 0:
        audit = json.loads(out)
        assert audit["counted_under"]["line"] == line and [audit["winner"]] == record["winners"]
    elif rule == "irv" and not record["ties"]:
        pytest.fail(f"an IRV count without ties is not audited: {err}")
    elif rule not in ("irv", "rctab"):  # refused, naming the rule it is counted by
        assert code == 2 and f"counted by {rule}" in _line(err)
    else:  # a tie, or an RCTab count RAIRE cannot follow: refused in one line
        assert code == 2 and len(err.strip().splitlines()) == 1


def _compare_agrees(cli, source: str, record: dict) -> None:
    """``tally compare`` shows the official rule's row, counted as ``count`` counts it."""
    official = record["counted_under"]["official"]
    compared = _json(cli, "compare", source, "--json")
    assert compared["contest_rules"] == official
    if official is not None:
        assert compared["results"][official["rule"]]["winners"] == record["winners"]


@pytest.mark.parametrize("source", RANKED)
def test_every_path_gives_one_count_of_a_dataset(cli, client, source):
    import tally
    from tally.compare import counting, outcome_record
    from tally.procedures import count
    from tally.report import render_report

    record = _json(cli, "count", source, "--json")
    answer, ballots = _answer(record), record["ballots"]["read"]
    # the Python API, as the command line calls it and as a notebook would
    contest = counting(resolve_contest(source))
    assert outcome_record(contest, count(contest)) == record
    plain = tally.count(contest.ballots, contest.rule, **contest.options)
    assert plain.winners == tuple(record["winners"]) and len(plain.rounds) == len(record["rounds"])
    # the web API and its contest page
    assert client.get("/api/count", params={"dataset": source}).json() == record
    ui = client.get("/ui/contest", params={"dataset": source}).json()
    assert ui["outcome"]["winners"] == record["winners"] and ui["rules_line"] == answer["rules"]
    # the report, read back from its page
    page, _ = render_report(source)
    assert _same(_rounded(_report_answer(page, record)), _rounded(answer), ballots)
    _analyses_agree(cli, source, record)
    _compare_agrees(cli, source, record)


# `tally rla plan` takes about 20 s on each of these (a 99-ballot count of 16 candidates
# that needs 105,968 assertions): their audit path is left out to keep the suite short
AUDIT_TOO_SLOW = {"2015_portland_mayor", "2015_portland_mayor_codes"}


@pytest.mark.parametrize("case", CONFIGS)
def test_every_path_gives_one_count_of_a_config(cli, client, case):
    # `tally rctab` is checked against `tally count CONFIG` above; here the other paths
    from tally.compare import counting, outcome_record
    from tally.procedures import count
    from tally.report import render_report

    source = str(CASES / case / f"{case}_config.json")
    record = _json(cli, "count", source, "--json")
    answer, ballots = _answer(record), record["ballots"]["read"]
    contest = counting(resolve_contest(source))
    assert outcome_record(contest, count(contest)) == record
    # an import keeps the config's rules (said to come through the import) and counts as
    # the config does, on the command line and through the web API
    assert cli("import", source, "--name", f"imp-{case}", "--replace")[0] == 0
    imported = _json(cli, "count", f"imp-{case}", "--json")
    assert _same({**_answer(imported), "rules": None}, {**answer, "rules": None}, ballots)
    assert imported["counted_under"]["options"] == record["counted_under"]["options"]
    assert (
        imported["counted_under"]["official"]["origin"]
        == f"store import imp-{case} (RCTab config {case}_config.json)"
    )
    assert client.get("/api/count", params={"dataset": f"imp-{case}"}).json() == imported
    page, _ = render_report(source)
    assert _same(_rounded(_report_answer(page, record)), _rounded(answer), ballots)
    _analyses_agree(cli, source, record, criteria=ballots < LARGE, audit=case not in AUDIT_TOO_SLOW)
    _compare_agrees(cli, source, record)


def _random_files(folder: Path) -> dict[str, Path]:
    """Ballot files of every ranked format, made from a seeded generator: CSVs with
    overvotes, skipped and repeated ranks (one with precincts, one with sidecar rules like
    Maine's, one with a count column and an STV sidecar), a BLT file with a withdrawn
    candidate, the BLT example of a withdrawn candidate who would otherwise win (A wins if
    counted, B should, 5 to 2) and a PrefLib file counted by Schulze."""
    rng = random.Random(2026)
    names = ["Ash", "Birch", "Cedar", "Dogwood", "Elm"]

    def ranks(width: int = 4) -> list[str]:
        cells = []
        for name in rng.sample(names, rng.randint(0, width)):
            roll = rng.random()
            repeat = cells and cells[-1] not in ("", "overvote")
            cells.append(
                "overvote"
                if roll < 0.03
                else ""
                if roll < 0.08
                else cells[-1]
                if repeat and roll < 0.1
                else name
            )
        return cells + [""] * (width - len(cells))

    files = {}
    rows = [f"b{i},P{rng.randint(1, 9)}," + ",".join(ranks()) for i in range(600)]
    files["precincts.csv"] = "ballot_id,precinct,rank1,rank2,rank3,rank4\n" + "\n".join(rows) + "\n"
    rows = [f"b{i}," + ",".join(ranks()) for i in range(600)]
    files["maine-like.csv"] = "ballot_id,rank1,rank2,rank3,rank4\n" + "\n".join(rows) + "\n"
    files["maine-like.rules.json"] = json.dumps(
        {"rule": "irv", "options": {"overvote": "exhaust", "max_skipped": 1, "batch_elimination": True}}
    )
    rows = [f"{rng.randint(1, 30)}," + ",".join(ranks()) for i in range(200)]
    files["stv.csv"] = "count,rank1,rank2,rank3,rank4\n" + "\n".join(rows) + "\n"
    files["stv.rules.json"] = json.dumps({"rule": "wigm_stv", "options": {"seats": 2}})
    rows = [
        f"{rng.randint(1, 9)} " + " ".join(map(str, rng.sample(range(1, 6), rng.randint(1, 5)))) + " 0"
        for _ in range(80)
    ]
    files["withdrawn.blt"] = (
        "5 1\n-2\n" + "\n".join(rows) + "\n0\n" + "\n".join(f'"{n}"' for n in names) + '\n"t"\n'
    )
    files["withdrawn-winner.blt"] = '3 1\n-1\n3 1 2 0\n2 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"t"\n'
    rows = [
        f"{rng.randint(1, 9)} " + " ".join(map(str, rng.sample(range(1, 6), rng.randint(1, 5)))) + " 0"
        for _ in range(120)
    ]
    # three seats declared and no counting rule: counted for three seats on every path
    files["seats.blt"] = "5 3\n" + "\n".join(rows) + "\n0\n" + "\n".join(f'"{n}"' for n in names) + '\n"s"\n'
    orders: dict[tuple[int, ...], int] = {}
    for _ in range(300):
        order = tuple(rng.sample(range(1, 6), rng.randint(1, 5)))
        orders[order] = orders.get(order, 0) + 1
    head = [
        "# DATA TYPE: soi",
        "# NUMBER ALTERNATIVES: 5",
        *(f"# ALTERNATIVE NAME {i + 1}: {n}" for i, n in enumerate(names)),
    ]
    files["schulze.soi"] = (
        "\n".join(head + [f"{n}: " + ",".join(map(str, o)) for o, n in orders.items()]) + "\n"
    )
    files["schulze.rules.json"] = json.dumps({"rule": "schulze"})
    for name, text in files.items():
        (folder / name).write_text(text)
    return {name: folder / name for name in files if not name.endswith(".rules.json")}


FILES = [
    "precincts.csv",
    "maine-like.csv",
    "stv.csv",
    "withdrawn.blt",
    "withdrawn-winner.blt",
    "seats.blt",
    "schulze.soi",
]


@pytest.mark.parametrize("name", FILES)
def test_every_path_gives_one_count_of_a_file(cli, client, tmp_path, name):
    from tally.compare import counting, outcome_record
    from tally.procedures import count
    from tally.report import render_report

    path = _random_files(tmp_path)[name]
    source = str(path)
    record = _json(cli, "count", source, "--json")
    answer, ballots = _answer(record), record["ballots"]["read"]
    contest = counting(resolve_contest(source))
    assert outcome_record(contest, count(contest)) == record
    # an upload with the sidecar's rules sent beside it: the same count and rules, said to
    # come from what was sent
    sidecar = path.with_name(path.stem + ".rules.json")
    sent = {"rules": sidecar.read_text()} if sidecar.exists() else {}
    uploaded = client.post("/api/count", files={"file": (path.name, path.read_bytes())}, data=sent).json()
    assert _same({**_answer(uploaded), "rules": None}, {**answer, "rules": None}, ballots)
    assert {k: uploaded["counted_under"][k] for k in ("rule", "options", "overridden")} == {
        k: record["counted_under"][k] for k in ("rule", "options", "overridden")
    }
    page, _ = render_report(source)
    assert _same(_rounded(_report_answer(page, record)), _rounded(answer), ballots)
    _analyses_agree(cli, source, record)
    _compare_agrees(cli, source, record)
    if path.suffix == ".csv":  # an import keeps the file's rules, and counts as the file does
        assert cli("import", source, "--name", f"file-{path.stem}", "--replace")[0] == 0
        imported = _json(cli, "count", f"file-{path.stem}", "--json")
        assert _same({**_answer(imported), "rules": None}, {**answer, "rules": None}, ballots)
        assert imported["counted_under"]["options"] == record["counted_under"]["options"]
        assert client.get("/api/count", params={"dataset": f"file-{path.stem}"}).json() == imported


def test_a_blt_file_fills_the_seats_it_declares(cli, tmp_path):
    source = str(_random_files(tmp_path)["seats.blt"])
    record = _json(cli, "count", source, "--json")
    assert record["rule"] == "scottish_stv" and len(record["winners"]) == 3
    assert record["counted_under"]["options"] == {"seats": 3}
    code, out, _ = cli("count", source)
    assert code == 0 and "the file declares 3 seats but no counting rule" in _line(out)
    # another multi-winner rule fills the same seats; a single-winner rule says it fills one
    assert len(_json(cli, "count", source, "--rule", "meek_stv", "--json")["winners"]) == 3
    code, out, _ = cli("count", source, "--rule", "irv")
    assert code == 0 and "this count fills 1 of them" in _line(out)


def test_a_withdrawn_candidate_stands_nowhere(cli, tmp_path):
    # the BLT example: A is withdrawn; counted, A would win; B wins 5 to 2 without A, and no
    # analysis may find A the Condorcet winner, a spoiler or a contestant to audit
    source = str(_random_files(tmp_path)["withdrawn-winner.blt"])
    record = _json(cli, "count", source, "--json")
    assert record["winners"] == ["B"] and record["details"]["withdrawn"] == ["A"]
    assert _json(cli, "compare", source, "--json")["condorcet_winner"] == "B"
    assert _json(cli, "analyze", source, "--json")["candidates"] == ["B", "C"]
    assert _json(cli, "rla", "plan", source, "--json")["candidates"] == ["B", "C"]
    assert _json(cli, "spoilers", source, "--json")["rows"] == [
        {"candidate": "C", "winner": ["B"], "winner_without": ["B"], "spoiler": False}
    ]


def test_cli_and_api_agree_on_an_import(cli, client):
    config = str(CASES / "excluded_test" / "excluded_test_config.json")
    assert cli("import", config, "--name", "agree-excluded", "--replace")[0] == 0
    cli_json = _json(cli, "count", "agree-excluded", "--json")
    assert client.get("/api/count", params={"dataset": "agree-excluded"}).json() == cli_json
    assert cli_json["winners"] == ["George Gervin"]


def test_an_upload_with_its_rules_counts_as_the_file_with_its_sidecar(cli, client, tmp_path):
    path = _ballots(tmp_path)
    rules = json.dumps({"rule": "plurality"})
    (tmp_path / "ballots.rules.json").write_text(rules)
    cli_json = _json(cli, "count", str(path), "--json")
    r = client.post("/api/count", files={"file": ("ballots.csv", BALLOTS)}, data={"rules": rules})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["winners"] == cli_json["winners"] == ["A"]
    assert body["counted_under"]["official"]["rule"] == "plurality"
    bad = client.post("/api/count", files={"file": ("ballots.csv", BALLOTS)}, data={"rules": '{"rule": 3}'})
    assert bad.status_code == 400 and "must name a rule" in bad.json()["detail"]


def test_the_api_never_reads_a_file_path(client, tmp_path):
    path = _ballots(tmp_path)
    assert client.get("/api/count", params={"dataset": str(path)}).status_code == 404


# -- the noun ---------------------------------------------------------------------------------


def test_a_contest_knows_when_it_is_counted_otherwise():
    c = Contest(None, "irv", {"overvote": "exhaust"}, official=CountingRules("irv", {"overvote": "exhaust"}))
    assert not c.overridden
    assert c.with_options(overvote="skip").overridden and c.with_rule("borda").overridden
    assert Contest(None, "irv").overridden  # no official rules: nothing to be faithful to


def test_resolve_contest_names_what_it_does_not_know():
    with pytest.raises(Exception, match="neither a file"):
        resolve_contest("no-such-contest-anywhere")
    with pytest.raises(ConfigError):
        from tally.data.sources import parse_rules

        parse_rules("[]", "x.rules.json")


def test_rules_line_words():
    from tally.compare import describe_rules

    assert describe_rules("irv", {"overvote": "exhaust", "max_skipped": 2, "batch_elimination": True}) == (
        "IRV, overvote exhausts, 3 skipped ranks exhaust, batch elimination"
    )
    assert re.match(r"STV as RCTab counts it, 3 seats", describe_rules("rctab", {"mode": "stv", "seats": 3}))
