"""The DuckDB/Parquet store: imports, streaming, provenance, catalogue, recount."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import tally
from tally import store
from tally.ballots import OVERVOTE, distinct_rows
from tally.errors import BallotError, ConfigError, DataError
from tally.io.cvr import UWI_NAME, cvrs_to_ballots, read_ballots, read_cvrs
from tally.rctab.config import load_config

CASES = Path(__file__).parent / "data" / "rctab" / "cases"


@pytest.fixture(autouse=True)
def tally_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("TALLY_HOME", str(home))
    return home


def _multiset(ballots) -> Counter:
    out: Counter = Counter()
    for marks, weight in ballots.rankings():
        out[tuple(tuple(sorted(m)) if isinstance(m, frozenset) else m for m in marks)] += weight
    return out


def test_home_follows_tally_home(tally_home):
    assert store.home() == tally_home
    con = store.connect()
    assert con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
    con.close()
    assert (tally_home / "tally.duckdb").exists()


def test_import_config_catalogue_views_and_recount():
    config_path = CASES / "generic_csv_test" / "generic_csv_test_config.json"
    info = store.import_cvrs(config_path)
    assert info.name == "generic_csv_test"
    assert info.ballots == 26 and info.rows <= 26
    assert len(info.sha256) == 64
    assert {Path(i["path"]).name for i in info.inputs} == {
        "generic_csv_test_config.json",
        "generic_csv_test_cvr.csv",
    }
    assert [i.name for i in store.list_imports()] == ["generic_csv_test"]

    stored = store.load_ballots("generic_csv_test", provenance=True)
    direct = read_ballots(load_config(config_path))
    assert stored.candidates == direct.candidates
    assert _multiset(stored) == _multiset(direct)
    cvrs = read_cvrs(load_config(config_path))
    assert stored.provenance.ballot_ids == tuple(c.ballot_id for c in cvrs)
    assert stored.provenance.precincts() == tuple(c.precinct for c in cvrs)
    assert stored.provenance.batches() == tuple(c.batch for c in cvrs)
    # Each ballot read points at the stored row holding its marks.
    for k, cvr in enumerate(cvrs):
        row = stored.rankings()[stored.provenance.row[k]][0]
        assert row == cvrs_to_ballots([cvr], stored.candidates).rankings()[0][0]

    con = store.connect()
    assert con.execute('SELECT count(*) FROM "generic_csv_test/provenance"').fetchone()[0] == 26
    assert con.execute('SELECT sum(weight) FROM "generic_csv_test/ballots"').fetchone()[0] == 26
    con.close()

    a = tally.count(stored, "irv")
    b = tally.count(direct, "irv")
    assert a.winners == b.winners and [r.tally for r in a.rounds] == [r.tally for r in b.rounds]


def test_names_are_checked_and_replace_is_explicit():
    config_path = CASES / "excluded_test" / "excluded_test_config.json"
    with pytest.raises(ConfigError, match="import name"):
        store.import_cvrs(config_path, "../escape")
    store.import_cvrs(config_path, "x")
    with pytest.raises(ConfigError, match="exists already"):
        store.import_cvrs(config_path, "x")
    store.import_cvrs(config_path, "x", replace=True)
    assert len(store.list_imports()) == 1
    store.remove_import("x")
    with pytest.raises(DataError, match="no import named 'x'"):
        store.load_ballots("x")


def test_failed_import_leaves_nothing_behind(tally_home):
    config_path = CASES / "max_ranking_enforcement" / "max_ranking_enforcement_config.json"
    with pytest.raises(BallotError, match="maxRankingsAllowed") as err:
        store.import_cvrs(config_path, "bad")
    assert err.value.line == 2
    assert store.list_imports() == []
    for folder in ("imports", "staging"):
        assert not (tally_home / folder).exists() or not any((tally_home / folder).iterdir())


def _generic_config(tmp_path: Path, body: str, max_rankings: str = "3") -> Path:
    (tmp_path / "cvr.csv").write_text(body, encoding="utf-8")
    config = {
        "outputSettings": {"contestName": "Streamed"},
        "cvrFileSources": [
            {
                "provider": "genericCsv",
                "filePath": "cvr.csv",
                "firstVoteColumnIndex": "3",
                "firstVoteRowIndex": "2",
                "idColumnIndex": "1",
                "precinctColumnIndex": "2",
                "undeclaredWriteInLabel": "Write-in",
            }
        ],
        "candidates": [{"name": "Ann"}, {"name": "Bo"}, {"name": "Cy"}],
        "rules": {
            "tiebreakMode": "useCandidateOrder",
            "overvoteRule": "alwaysSkipToNextRank",
            "winnerElectionMode": "singleWinnerMajority",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "maxSkippedRanksAllowed": "1",
            "maxRankingsAllowed": max_rankings,
        },
    }
    path = tmp_path / "streamed_config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def _random_generic_csv(n: int, seed: int = 5) -> str:
    rng = np.random.default_rng(seed)
    lines = ["id,precinct,Ann,Bo,Cy,Write-in"]
    for i in range(n):
        cells = [""] * 4
        for c in range(4):
            if rng.random() < 0.6:
                cells[c] = str(int(rng.integers(1, 4)))  # repeated ranks make overvotes
        lines.append(f"v{i},p{int(rng.integers(0, 3)) or ''}," + ",".join(cells))
    return "\n".join(lines) + "\n"


def test_streamed_generic_csv_matches_the_reader(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "_CHUNK_BYTES", 512)  # many blocks
    config_path = _generic_config(tmp_path, _random_generic_csv(400))
    info = store.import_cvrs(config_path, "s")
    assert info.ballots == 400
    stored = store.load_ballots("s", provenance=True)
    direct = read_ballots(load_config(config_path))
    assert set(stored.candidates) == set(direct.candidates) == {"Ann", "Bo", "Cy", UWI_NAME}
    assert _multiset(stored) == _multiset(direct)
    assert stored.tie_sets, "repeated ranks are overvotes that name their candidates"
    assert stored.provenance.ballot_ids == direct.provenance.ballot_ids
    assert stored.provenance.precincts() == tuple(c.precinct for c in read_cvrs(load_config(config_path)))


def test_streamed_generic_csv_reports_bad_cells_by_line(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "_CHUNK_BYTES", 256)
    good = _random_generic_csv(60).splitlines()
    bad_rank = good[:45] + ["v45,p1,4,,,"] + good[46:]
    with pytest.raises(BallotError, match="exceeds maxRankingsAllowed") as err:
        store.import_cvrs(_generic_config(tmp_path, "\n".join(bad_rank) + "\n"), "b1")
    assert err.value.line == 46 and err.value.field == "Ann"
    bad_text = good[:30] + ["v30,p1,,x,,"] + good[31:]
    with pytest.raises(BallotError, match="'x'") as err:
        store.import_cvrs(_generic_config(tmp_path, "\n".join(bad_text) + "\n"), "b2")
    assert err.value.line == 31 and err.value.field == "Bo"
    padded = good[:10] + ["v10,p1, 2 ,1,,"] + good[11:]  # spaces: read as text, still fine
    info = store.import_cvrs(_generic_config(tmp_path, "\n".join(padded) + "\n"), "b3")
    assert info.ballots == 60
    assert store.list_imports()[0].name == "b3"


def test_import_ess_style_csv(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "_CHUNK_BYTES", 256)
    rows = ["Cast Vote Record,Precinct,Choice 1,Choice 2,Choice 3"]
    for i in range(50):
        rows.append(f"{i + 1},P{i % 3},REP Smith (12),Jones,undervote")
    rows.append("51,P0,overvote,Jones,")
    rows.append("52,P1,Jones|Lee,,")
    path = tmp_path / "ess.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    aliases = {"REP Smith (12)": "Smith", "Jones": "Jones", "Lee": "Lee"}
    info = store.import_csv(path, "ess", candidates=aliases, overvote_delimiter="|")
    assert info.ballots == 52 and info.candidates == ("Smith", "Jones", "Lee")
    ballots = store.load_ballots("ess", provenance=True)
    counts = dict(ballots.rankings())
    assert counts[("Smith", "Jones")] == 50
    assert counts[("overvote", "Jones")] == 1
    assert counts[(frozenset({"Jones", "Lee"}),)] == 1
    assert OVERVOTE in ballots.choices
    assert ballots.provenance.ballot_ids[-1] == "52"
    rows.append("53,P1,Smith,,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(BallotError, match="'Smith'") as err:
        store.import_csv(path, "ess2", candidates=aliases, overvote_delimiter="|")
    assert err.value.line == 54


def test_import_ballots_roundtrip_with_provenance():
    config = load_config(CASES / "test_set_overvote_delimiter" / "test_set_overvote_delimiter_config.json")
    ballots = read_ballots(config)
    store.import_ballots(ballots, "delim", inputs=[config.path])
    back = store.load_ballots("delim", provenance=True)
    assert back.candidates == ballots.candidates
    assert _multiset(back) == _multiset(ballots)
    assert back.provenance.ballot_ids == ballots.provenance.ballot_ids
    assert back.metadata["import"] == "delim"


@pytest.mark.slow
def test_maine_from_the_store_counts_to_the_certified_result():
    config = Path(__file__).parent / "data" / "maine-cvr" / "maine_cd2_2018_config.json"
    info = store.import_cvrs(config, "maine")
    assert info.ballots == 296_077 and info.rows == 1_564
    outcome = tally.count(
        store.load_ballots("maine"), "irv", overvote="exhaust", max_skipped=1, batch_elimination=True
    )
    assert outcome.rounds[-1].tally == {"Golden, Jared F.": 142_440, "Poliquin, Bruce": 138_931}


def test_cli_import_and_list(capsys):
    from tally.cli import main

    main(["import", str(CASES / "excluded_test" / "excluded_test_config.json"), "--name", "cli", "--json"])
    entry = json.loads(capsys.readouterr().out)
    assert entry["name"] == "cli" and entry["ballots"] == 10
    main(["store", "list", "--json"])
    listed = json.loads(capsys.readouterr().out)
    assert [i["name"] for i in listed] == ["cli"]
    with pytest.raises(SystemExit) as exit_info:
        main(["store", "show", "missing"])
    assert exit_info.value.code == 2
    assert "no import named 'missing'" in capsys.readouterr().err


@pytest.mark.parametrize("ranks", [3, 15, 40])  # keys counted in a table, sorted keys, bytes
def test_block_merge_finds_every_distinct_ballot(ranks):
    rng = np.random.default_rng(ranks)
    codes = rng.integers(-3, 12, size=(4000, ranks)).astype(np.int16)
    codes[::2] = codes[1::2]
    first, inverse = distinct_rows(codes)
    unique = codes[first]
    assert (unique[inverse] == codes).all()
    # the order NumPy's own row-wise unique gives, whichever way the rows are compared
    reference, reference_first = np.unique(codes, axis=0, return_index=True)
    assert (unique == reference).all()
    assert (first == reference_first).all()


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("99999999999", "exceeds maxRankingsAllowed"),
        ("+-1", "expected a rank number"),
        ("1_0", "expected a rank number"),
    ],
)
def test_streamed_rank_arrow_cannot_read_is_a_located_error(tmp_path, cell, problem):
    good = _random_generic_csv(20).splitlines()
    bad = good[:8] + [f"v8,p1,,{cell},,"] + good[9:]
    with pytest.raises(BallotError, match=problem) as err:
        store.import_cvrs(_generic_config(tmp_path, "\n".join(bad) + "\n"), "big")
    assert err.value.line == 9 and err.value.field == "Bo"


def test_streamed_plus_sign_rank_reads_like_the_reader(tmp_path):
    good = _random_generic_csv(20).splitlines()
    body = good[:8] + ["v8,p1,,+1,,"] + good[9:]
    config_path = _generic_config(tmp_path, "\n".join(body) + "\n")
    store.import_cvrs(config_path, "plus")
    assert _multiset(store.load_ballots("plus")) == _multiset(read_ballots(load_config(config_path)))


def test_rows_of_empty_cells_are_undervotes_in_the_store_and_the_reader(tmp_path):
    good = _random_generic_csv(20).splitlines()
    body = good[:5] + [",,,,,"] + good[5:] + [",,,,,"]
    config_path = _generic_config(tmp_path, "\n".join(body) + "\n")
    info = store.import_cvrs(config_path, "blank")
    cvrs = read_cvrs(load_config(config_path))
    assert info.ballots == len(cvrs) == 22
    assert _multiset(store.load_ballots("blank")) == _multiset(read_ballots(load_config(config_path)))


@pytest.mark.parametrize("chunk", [256, 1 << 20])  # the damage in a later block, or in the first
@pytest.mark.parametrize(
    ("damaged", "line", "problem"),
    [(b"7,P1,Jones,Lee\n", 8, "ragged row"), (b"7,P1,Jon\xe9s,,\n", 8, "not UTF-8")],
)
def test_import_csv_damaged_rows_are_located(tmp_path, monkeypatch, chunk, damaged, line, problem):
    monkeypatch.setattr(store, "_CHUNK_BYTES", chunk)
    rows = [b"Cast Vote Record,Precinct,Choice 1,Choice 2,Choice 3\n"]
    rows += [f"{i + 1},P0,Jones,Lee,\n".encode() for i in range(6)] + [damaged]
    rows += [f"{i + 8},P0,Lee,,\n".encode() for i in range(40)]
    path = tmp_path / "ess.csv"
    path.write_bytes(b"".join(rows))
    with pytest.raises(BallotError, match=problem) as err:
        store.import_csv(path, "bad")
    assert err.value.line == line and err.value.file == str(path)
    assert store.list_imports() == []


def test_streamed_generic_csv_with_bad_bytes_is_located(tmp_path):
    good = _random_generic_csv(20).splitlines()
    body = "\n".join(good[:12]).encode() + b"\nv12,p\xff,1,,,\n" + "\n".join(good[13:]).encode() + b"\n"
    config_path = _generic_config(tmp_path, "")
    (tmp_path / "cvr.csv").write_bytes(body)
    with pytest.raises(BallotError, match="not UTF-8") as err:
        store.import_cvrs(config_path, "bytes")
    assert err.value.line == 13


def test_import_csv_column_of_no_known_kind_is_refused_by_name(tmp_path):
    path = tmp_path / "ess.csv"
    path.write_text("Id,Ward,Choice 1,Choice 2\n1,P0,Jones,Lee\n", encoding="utf-8")
    with pytest.raises(BallotError, match="column 'Ward' is not a rank, count, ballot id"):
        store.import_csv(path, "cols")
    store.import_csv(path, "cols", ignore=["Ward"])
    assert store.list_imports()[0].ballots == 1


def test_damaged_import_is_a_data_error(tally_home):
    config_path = CASES / "test_set_overvote_delimiter" / "test_set_overvote_delimiter_config.json"
    store.import_cvrs(config_path, "dmg")
    (store.get_import("dmg").folder / "ballots.parquet").write_bytes(b"not parquet")
    with pytest.raises(DataError, match="import 'dmg' .* is damaged"):
        store.load_ballots("dmg")
