"""`tally simulate`, `tally forecast` and `tally runs` from the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tally.errors import BallotError, ConfigError
from tally.sim.forecast import ErrorModel, PollTable, electoral_college_forecast, house_control, read_polls


@pytest.fixture(autouse=True)
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("TALLY_HOME", str(tmp_path / "store"))


def test_simulate_json_shape_and_stored_run(cli):
    args = (
        "simulate",
        "--electorate",
        "spatial",
        "--candidates",
        "4",
        "--voters",
        "51",
        "--elections",
        "40",
        "--rules",
        "plurality,irv,borda,schulze",
        "--seed",
        "7",
        "--json",
    )
    code, out, err = cli(*args)
    assert code == 0, err
    result = json.loads(out)
    assert result["elections"] == 40 and result["seed"] == 7
    metrics = result["metrics"]
    assert 0 <= metrics["condorcet_paradox"] <= 1
    assert set(metrics["condorcet_efficiency"]) <= {"plurality", "irv", "borda", "schulze"}
    assert set(metrics["spoiler_rate"]) == {"plurality", "irv", "borda", "schulze"}
    for rule, (low, high) in result["intervals"]["spoiler_rate"].items():
        assert low <= metrics["spoiler_rate"][rule] <= high
    # the same command again gives the same numbers and the same run id
    code, again, _ = cli(*args)
    assert json.loads(again)["metrics"] == metrics and json.loads(again)["run"] == result["run"]
    code, out, _ = cli("runs", "list", "--json")
    assert [r["id"] for r in json.loads(out)] == [result["run"]]
    code, out, _ = cli("runs", "show", result["run"], "--json")
    assert json.loads(out)["metrics"] == metrics


def test_simulate_bad_options_are_one_line(cli):
    code, _, err = cli("simulate", "--electorate", "nope", "--elections", "2")
    assert code == 2 and "unknown electorate" in err
    code, _, err = cli("simulate", "--lengths", "1-0.5", "--elections", "2")
    assert code == 2 and "--lengths" in err
    code, _, err = cli("runs", "show", "feedfacefeedface")
    assert code == 2 and "no simulation run" in err


def _table(margins, evs):
    n = len(margins)
    return PollTable(
        ("A", "B"),
        tuple(f"S{i}" for i in range(n)),
        np.array(margins, float),
        np.array(evs, float),
        np.full(n, np.nan),
    )


def test_forecast_probabilities_add_up_and_are_seeded():
    t = _table([10.0, -10.0, 0.5], [10, 10, 1])
    a = electoral_college_forecast(t, sims=20_000, seed=3)
    b = electoral_college_forecast(t, sims=20_000, seed=3)
    assert a == b
    total = a["win_probability"]["A"] + a["win_probability"]["B"] + a["tie_probability"]
    assert total == pytest.approx(1.0)
    # when the two big states split, the 1-vote state decides: it is nearly always the tipping point
    assert next(iter(a["tipping_point"])) == "S2" and a["tipping_point"]["S2"] > 0.95
    assert a["state_win_probability"]["S0"] > 0.99


def test_forecast_without_errors_is_the_poll_result():
    t = _table([3.0, -2.0, 1.0], [5, 4, 3])
    r = electoral_college_forecast(t, sims=1000, seed=0, errors=ErrorModel(0, 0, 0))
    assert r["win_probability"]["A"] == 1.0
    assert r["ev_distribution"] == {8: 1000}


def test_read_polls_errors(tmp_path):
    path = tmp_path / "polls.csv"
    path.write_text("state,Dem,Rep,ev\nPA,48,47,19\nXX,50,40,3\n")
    with pytest.raises(Exception, match="line 3.*unknown state 'XX'"):
        read_polls(str(path))
    path.write_text("state,Dem,Rep,ev\nPA,48,forty,19\n")
    with pytest.raises(Exception, match="line 2"):
        read_polls(str(path))
    path.write_text("state,Dem,Rep,sd,ev\nPA,48,47,3,19\nOH,45,50,3,17.5\n")
    with pytest.raises(BallotError, match="line 3, field ev: electoral votes must be whole"):
        read_polls(str(path))


def test_forecast_cli_from_results(cli):
    code, out, err = cli("forecast", "us-president-2020", "--sims", "20000", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["electoral_votes_total"] == 538
    assert sum(result["ev_distribution"].values()) == 20000


def test_house_control_follows_the_swing():
    margins = np.array([-3.0, -1.0, 1.0, 3.0, 0.5])
    toward = house_control(margins, swing=5.0, swing_sd=0.1, district_sd=0.1, sims=2000, seed=1)
    away = house_control(margins, swing=-5.0, swing_sd=0.1, district_sd=0.1, sims=2000, seed=1)
    assert toward["control_probability"] == 1.0 and away["control_probability"] == 0.0


def test_forecast_house_from_district_results(cli):
    code, out, err = cli("forecast-house", "us-house-2018", "--sims", "5000", "--json")
    assert code == 0, err
    neutral = json.loads(out)
    assert neutral["districts"] == 435 and neutral["majority"] == 218
    # with no swing the 2018 result (Democrats 235 seats) stands in the median
    assert 225 <= neutral["median_seats"] <= 245
    code, out, _ = cli("forecast-house", "us-house-2018", "--sims", "5000", "--swing", "-8", "--json")
    assert json.loads(out)["control_probability"] < neutral["control_probability"]
    code, _, err = cli("forecast-house", "us-house-2018", "--party", "WHIG")
    assert code == 2 and "no party called 'WHIG'" in err


@pytest.mark.parametrize("row, field", [("FL,nan,40", "Dem"), ("FL,50,inf", "Rep"), ("FL,50,40,-3", "sd")])
def test_read_polls_refuses_values_that_are_not_shares(tmp_path, row, field):
    path = tmp_path / "polls.csv"
    header = "state,Dem,Rep,sd,ev\n" if row.count(",") == 3 else "state,Dem,Rep,ev\n"
    path.write_text(header + "OH,50,45,2" + (",18" if row.count(",") == 3 else "") + "\n" + row + ",29\n")
    with pytest.raises(BallotError, match=f"line 3, field {field}"):
        read_polls(str(path))


@pytest.mark.parametrize("args", [{"sims": 0}, {"swing_sd": -1.0}, {"district_sd": -0.5}])
def test_house_control_refuses_impossible_settings(args):
    with pytest.raises(ConfigError):
        house_control(np.array([1.0, -1.0]), **{"swing": 0.0, **args})


@pytest.mark.parametrize("dataset", ["burlington-2009", "us-senate-2022-ak-rcv", "uk-general-2019"])
def test_forecast_from_a_dataset_without_electoral_votes_is_one_line(cli, dataset):
    code, out, err = cli("forecast", dataset, "--sims", "10", "--no-save")
    assert code == 2 and "has no electoral votes" in err
    assert "Traceback" not in out + err and "internal error" not in err
