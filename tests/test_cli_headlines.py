"""What the terminal shows first: a headline in plain words, then detail that fits 80 columns."""

from __future__ import annotations

import json
import re

import pytest

from tally import data

# commands a user runs on the bundled data, each answering in a headline first
COMMANDS = [
    ("spoilers", "us-president-2000"),
    ("spoilers", "alaska-2022-special"),
    ("spoilers", "uk-general-2024"),
    ("margins", "us-president-2000"),
    ("margins", "florida-2000"),
    ("whatif", "us-president-2000", "--transfer", "Nader -> Gore 50%"),
    ("ec", "us-president-2000"),
    ("ec", "us-president-2024", "--all"),
    ("count", "burlington-2009"),
    ("count", "portland-2024-council-d1"),
    ("count", "uk-general-2024"),
    ("compare", "burlington-2009"),
    ("analyze", "burlington-2009"),
    ("analyze", "sf-2011-mayor"),
    ("criteria", "alaska-2022-special"),
    ("criteria", "burlington-2009"),
    ("rla", "burlington-2009"),
    ("rla", "alaska-2022-special"),
    ("rla", "us-president-2024"),
    ("rla", "uk-general-2024"),
    ("seats", "austria-nationalrat-2019"),
    ("seats", "us-census-2020", "--rule", "huntington_hill"),
    ("seats-compare", "uk-general-2024", "--new-party", "10%"),
    ("chamber", "us-house-2018"),
    ("decide", "--yes", "60", "--no", "40", "--eligible", "250", "--turnout-threshold", "50%"),
    ("delegates", "2020", "DEM", "--state", "MA:20"),
    ("simulate", "--elections", "200", "--voters", "51", "--no-save"),
    ("forecast", "us-president-2020", "--sims", "2000", "--no-save"),
    ("forecast-house", "us-house-2018", "--sims", "2000"),
    ("data", "list"),
    ("data", "show", "burlington-2009"),
    ("rules",),
    ("limits",),
]


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_every_line_fits_80_columns_and_nothing_is_cut(cli, narrow, args):
    code, out, err = cli(*args)
    assert code == 0, err
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    # rich marks a cell it had to cut with an ellipsis: nothing may be cut
    assert "…" not in out
    # one table style everywhere: a rule under the header, no boxes
    assert not set("┏┃│┡└") & set(out)


@pytest.mark.parametrize(
    "args",
    [a for a in COMMANDS if a[0] not in ("data", "rules", "limits")],
    ids=lambda a: " ".join(a),
)
def test_the_headline_comes_first_and_is_the_json_headline(cli, narrow, args):
    code, out, _ = cli(*args)
    assert code == 0
    code, raw, _ = cli(*args, "--json")
    assert code == 0
    sentence = json.loads(raw)["headline"]
    assert sentence and _words(out).startswith(_words(sentence))


def test_spoilers_2000_says_what_nader_s_voters_could_have_done(cli, narrow):
    code, out, _ = cli("spoilers", "us-president-2000")
    assert code == 0
    first = _words("\n".join(out.splitlines()[:4]))
    # pledged electors: Gore 267, Bush 271; Florida's 25 electors move: 292-246
    t = data.load("us-president-2000")
    fl = t.areas.index("FL")
    nader, gore, bush = (
        t.votes[fl, t.candidates.index(n)] for n in ("Ralph Nader", "Al Gore", "George W. Bush")
    )
    margin = bush - gore
    assert (nader, margin) == (97_488, 537)
    share = f"{100 * (margin + 1) / nader:.2f} %"
    assert share == "0.55 %"
    assert f"A net {share} of Ralph Nader's 97,488 Florida voters preferring Al Gore" in first
    assert f"given Gore Florida and the presidency, {267 + 25}–{271 - 25}" in first
    assert "pledged electors" in first


def test_spoilers_table_lists_the_areas_that_can_flip_and_all_with_all(cli, narrow):
    _, out, _ = cli("spoilers", "us-president-2000", "--json")
    rows = json.loads(out)["rows"]
    can = [r for r in rows if r["can_flip"]]
    _, trimmed, _ = cli("spoilers", "us-president-2000")
    _, everything, _ = cli("spoilers", "us-president-2000", "--all")
    table_rows = lambda text: [ln for ln in text.splitlines() if re.search(r"\d%\s", ln + " ")]  # noqa: E731
    assert len(table_rows(trimmed)) == min(10, len(can))
    assert len(table_rows(everything)) == len(can)  # the rest cannot flip: "never"
    assert everything.count("never") == len(rows) - len(can)


def test_whatif_shows_the_areas_that_flip(cli, narrow):
    _, out, _ = cli("whatif", "us-president-2000", "--transfer", "Nader -> Gore 50%")
    assert "Florida" in out and "New Hampshire" in out and "Texas" not in out
    _, out, _ = cli("whatif", "us-president-2000", "--transfer", "Nader -> Gore 50%", "--all")
    assert "Texas" in out


def test_ec_names_the_candidates_and_all_lists_every_area(cli, narrow):
    _, out, _ = cli("ec", "us-president-2000")
    assert "Al Gore" in out and "George W. Bush" in out and "Wyoming" not in out
    _, out, _ = cli("ec", "us-president-2000", "--all")
    assert "Wyoming" in out


def test_seats_compare_shows_the_new_party_in_the_table(cli, narrow):
    _, raw, _ = cli("seats-compare", "uk-general-2024", "--new-party", "10%", "--json")
    new = json.loads(raw)["new_party"]["seats"]
    _, out, _ = cli("seats-compare", "uk-general-2024", "--new-party", "10%")
    row = next(line for line in out.splitlines() if line.startswith("New party"))
    assert [int(n) for n in row.split()[3:]] == list(new.values())


def test_data_list_never_breaks_an_id(cli, narrow):
    _, out, _ = cli("data", "list")
    ids = [d.id for d in data.datasets()]
    first_words = {line.split()[0] for line in out.splitlines() if line.strip() and line[0] != " "}
    assert set(ids) <= first_words
    # titles wrap between words, never cut: each reads whole once the lines are joined
    text = _words(out)
    for d in data.datasets():
        assert _words(d.title) in text, d.title
    assert "Burlington, Vermont, mayor 2009 fails: condorcet winner, upward monotonicity, spoiler" in text
    assert text.startswith(f"{len(ids)} datasets: ")


def test_count_splits_a_long_round_table_into_parts(cli, narrow):
    _, out, _ = cli("count", "portland-2024-council-d1")
    assert "rounds 1–" in out and "round 17" in out


def test_a_flip_that_leaves_nobody_with_a_majority_says_so():
    from tally import headlines

    # one elector moves from a 270-268 winner: 269-269, the House decides
    report = {
        "actual": {"winner": "Ann Lee", "electoral_votes": {"Ann Lee": 270, "Bo Day": 268}},
        "pivotal": {
            "area": "XL",
            "name": "Xland",
            "candidate": "Cy Fox",
            "votes": 1000,
            "winner": "Ann Lee",
            "runner_up": "Bo Day",
            "needed": 11.0,
            "share": 0.011,
            "result": {"winner": None, "electoral_votes": {"Ann Lee": 269, "Bo Day": 269}},
        },
    }
    sentence = headlines.spoilers(report, "US President")
    assert "won the presidency" not in sentence and "given Day Xland and" in sentence
    assert sentence.endswith("left nobody with a majority, 269–269.")


def _command_paths() -> list[tuple[str, ...]]:
    import typer.main

    from tally.cli import app

    group = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = [()]
    for name, command in group.commands.items():
        paths.append((name,))
        paths += [(name, sub) for sub in getattr(command, "commands", {})]
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "tally")
def test_every_help_fits_80_columns_and_no_option_is_cut(cli, monkeypatch, path):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = cli(*path, "--help")
    assert code == 0, err
    lines = out.splitlines()
    assert lines and all(len(line) <= 80 for line in lines), max(lines, key=len)
    assert "…" not in out


def test_seats_shows_the_parties_that_matter_and_districts_with_all(cli, narrow):
    _, raw, _ = cli("seats", "uk-general-2024", "--json")
    report = json.loads(raw)
    votes, seats = report["votes"], report["seats"]
    grand = sum(votes.values())
    small = [p for p in votes if not seats.get(p) and votes[p] < 0.01 * grand]
    _, out, _ = cli("seats", "uk-general-2024")
    assert "Workers Party of Britain" not in out and "Aldershot" not in out
    others = next(line for line in out.splitlines() if line.startswith(f"{len(small)} others"))
    assert int(others.split()[2].replace(",", "")) == round(sum(votes[p] for p in small))
    _, out, _ = cli("seats", "uk-general-2024", "--all")
    assert "Workers Party of Britain" in out
    # every constituency by name, with the party that won it
    assert re.search(r"^Aldershot\s+Labour 1\s*$", out, re.MULTILINE)
    assert sum(1 for line in out.splitlines() if re.search(r"\s\S+ 1\s*$", line)) >= 650


def test_rules_read_as_text_not_docstring_markup(cli, narrow):
    from tally.rules import rules

    _, out, _ = cli("rules")
    assert "``" not in out and ":data:" not in out and ":func:" not in out
    # the summaries that carry markup in their docstrings read plainly
    assert "min_seats" in out and "MAX_COMMITTEES" in _words(out)
    assert _words(out).startswith(f"{len(rules())} rules in ")


def test_decide_shows_shares_to_one_decimal_and_keeps_the_exact_one_in_json(cli, narrow):
    args = ("decide", "--yes", "31", "--no", "14", "--abstain", "5", "--rule", "two_thirds")
    _, raw, _ = cli(*args, "--json")
    check = json.loads(raw)["checks"][0]
    assert check["actual_share"] == "31/45" and check["actual"] == "31 (68.8889 %)"
    _, out, _ = cli(*args)
    # 31/45 = 0.68888…: 68.9 % at one decimal
    assert f"31 ({100 * 31 / 45:.1f} %)" in out and "68.8889" not in out


def test_data_show_lists_names_and_rules_in_words(cli, narrow):
    _, out, _ = cli("data", "show", "burlington-2009")
    text = _words(out)
    loaded = data.load("burlington-2009")
    assert f"candidates ({len(loaded.candidates)}): {', '.join(loaded.candidates)}" in text
    assert f"total: {loaded.total:,.0f}" in text and "['" not in out
    assert "counted officially under: IRV, overvote exhausts" in text


def test_forecast_house_says_who_wins_the_majority_and_how_often(cli, narrow):
    raw = json.loads(cli("forecast-house", "us-house-2018", "--sims", "2000", "--json")[1])
    _, out, _ = cli("forecast-house", "us-house-2018", "--sims", "2000")
    low, high = raw["seats_interval_90"]
    assert _words(out).startswith(
        f"Democratic wins a House majority (218 of 435 seats) in {100 * raw['control_probability']:.1f} % "
        f"of 2,000 simulations of us-house-2018's districts with no net swing: a median of "
        f"{raw['median_seats']:.0f} seats (90 % interval {low:.0f}–{high:.0f})."
    )
    _, out, _ = cli("forecast-house", "us-house-2018", "--sims", "2000", "--swing", "-3")
    assert "with a 3-point swing toward Republican" in _words(out)


def test_ranked_spoilers_keep_the_candidates_asked_for_and_suggest_a_mistyped_one(cli, narrow):
    _, raw, _ = cli("spoilers", "alaska-2022-special", "-c", "Palin", "--json")
    rows = json.loads(raw)["rows"]
    assert [r["candidate"] for r in rows] == ["Sarah Palin"] and rows[0]["winner_without"] == ["Nick Begich"]
    code, _, err = cli("spoilers", "alaska-2022-special", "-c", "Palen")
    assert code == 2 and "did you mean Sarah Palin?" in err
    code, _, err = cli("spoilers", "alaska-2022-special", "--sweep", "0.1")
    assert code == 2 and "ranked ballots are recounted without each losing candidate" in err


def test_delegates_marks_shares_as_percentages(cli, narrow):
    _, raw, _ = cli("delegates", "2020", "DEM", "--state", "MA:20", "--json")
    unit = json.loads(raw)["states"]["MA"]["units"][0]
    _, out, _ = cli("delegates", "2020", "DEM", "--state", "MA:20")
    for c in unit["viable"]:
        # a cell wraps between words: each share and its viable share stay whole
        assert f"{unit['percent'][c]}%" in out and f"({unit['viable_percent'][c]}%)" in out
    assert "notes" not in out.splitlines()[3]


def test_the_store_says_what_it_holds_in_words(cli, narrow, tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "home"))
    _, out, _ = cli("store", "list")
    assert out.startswith("The store holds no imports yet")
    code, _, err = cli("import", "examples/ballots.csv")
    assert code == 0, err
    info = json.loads(cli("store", "show", "ballots", "--json")[1])
    _, out, _ = cli("store", "list")
    assert out.startswith(f"The store holds 1 import, {info['ballots']:,.0f} ballots in all.")
    _, out, _ = cli("store", "show", "ballots")
    assert out.startswith(f"ballots: {info['ballots']:,.0f} ballots ({info['rows']:,} distinct rankings)")
    # names whole, hashes beside their files, no Python reprs
    assert "['" not in out and "{'" not in out
    assert f"candidates: {'; '.join(info['candidates'])}" in _words(out)
    for item in info["inputs"]:
        assert f"{item['sha256']}  {item['path']}" in out


def test_runs_list_says_what_is_stored(cli, narrow, tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "home"))
    _, out, _ = cli("runs", "list")
    assert out.startswith("No stored runs yet")
    code, _, err = cli("simulate", "--elections", "20", "--voters", "11")
    assert code == 0, err
    runs = json.loads(cli("runs", "list", "--json")[1])
    _, out, _ = cli("runs", "list")
    assert len(runs) == 1 and out.startswith("1 stored run: 1 simulate;") and runs[0]["id"] in out


def test_a_result_settled_by_a_tie_break_says_so(cli, narrow, tmp_path):
    # 5 to 5: the votes do not decide, the tie-break does, and the first sentence says it
    path = tmp_path / "tied.csv"
    path.write_text("count,choice1\n5,Alice\n5,Bob\n", encoding="utf-8")
    code, out, _ = cli("count", str(path), "--json")
    assert code == 0
    outcome = json.loads(out)
    [tie] = outcome["ties"]
    chosen = tie["chosen"][0]
    assert outcome["winners"] == [chosen]
    assert f"Alice and Bob tied; the tie-break chose {chosen}: " in outcome["headline"]
    # a tie for elimination that a tie-break settled is named too (Portland, round 8)
    code, out, _ = cli("count", "portland-2024-council-d1", "--json")
    assert "A tie for elimination in round 8 was settled by the tie-break." in json.loads(out)["headline"]
    # and a count the votes decided says nothing of ties
    code, out, _ = cli("count", "burlington-2009", "--json")
    assert "tie" not in json.loads(out)["headline"]


def test_a_tie_line_says_how_the_tie_was_broken_in_words(cli, narrow):
    # RCTab's mode names (useCandidateOrder) and counts without separators read as jargon
    code, out, _ = cli("count", "portland-2024-council-d1")
    text = " ".join(out.split())
    assert code == 0
    assert (
        "tie round 8: David Linn, Peggy Sue Owens tied (eliminate); broken by candidate order: David Linn"
        in text
    )
    assert "each had 1,441 votes" in text and "useCandidateOrder" not in text
    from fastapi.testclient import TestClient

    from tally.web import create_app

    with TestClient(create_app()) as client:
        data = client.get("/ui/contest", params={"dataset": "portland-2024-council-d1"}).json()
    assert data["tie_words"] == ["broken by candidate order"] * len(data["outcome"]["ties"])
