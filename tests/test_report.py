"""Offline HTML reports: what they say, that they are self-contained, and that names from
a ballot file cannot inject markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytest.importorskip("plotly")

import tally
from tally.report import _plotly_js, render_report, write_report


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def _tags(page: str) -> list[str]:
    parser = _Tags()
    parser.feed(page)
    return parser.tags


def test_report_names_the_winner_under_the_rule_and_is_deterministic():
    irv, charts = render_report("burlington-2009", "irv")
    assert tally.count(tally.data.load("burlington-2009"), "irv").winners == ("Bob Kiss",)
    assert "Winner under <code>irv</code>: <strong>Bob Kiss</strong>" in irv
    assert "Condorcet winner: <strong>Andy Montroll</strong>" in irv
    assert charts == ["flows", "rounds", "pairwise"]
    schulze, _ = render_report("burlington-2009", "schulze")
    assert "<strong>Andy Montroll</strong>" in schulze.split("<h2>")[0]
    assert render_report("burlington-2009", "irv")[0] == irv


def test_report_is_self_contained():
    page, _ = render_report("us-president-2000")
    assert "Winner: <strong>George W. Bush</strong>" in page
    own = page.replace(_plotly_js(), "")
    assert len(own) < len(page) - 1_000_000  # plotly.js is inlined
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", own)
    assert "Plotly.newPlot('chart-map'" in page


def test_candidate_names_cannot_inject_markup(tmp_path):
    evil = "</script><script>window.pwned=1</script><b>x</b>"
    ballots = tmp_path / "evil.csv"
    ballots.write_text(f"count,rank1,rank2\n3,{evil},Bo\n2,Bo,{evil}\n1,Ann,Bo\n")
    written = write_report(str(ballots), str(tmp_path / "out" / "report.html"), rule="irv")
    page = written[0].read_text(encoding="utf-8")
    assert evil not in page
    assert "&lt;/script&gt;&lt;script&gt;window.pwned=1" in page  # shown as text in the tables
    # plotly.js and the chart calls: no script or bold element made from the name
    assert _tags(page).count("script") == 2
    assert "b" not in _tags(page)


def test_published_rounds_cannot_be_reported():
    with pytest.raises(tally.RuleError, match="published results"):
        render_report("us-senate-2022-ak-rcv")


def test_an_unwritable_output_is_a_config_error(tmp_path):
    with pytest.raises(tally.ConfigError, match="cannot write the report"):
        write_report("burlington-2009", str(tmp_path))
    (tmp_path / "file").write_text("x")
    with pytest.raises(tally.ConfigError, match="cannot write the report"):
        write_report("burlington-2009", str(tmp_path / "file" / "report.html"))


def test_report_and_serve_usage_errors_are_one_line(cli, tmp_path):
    code, out, err = cli("report", "burlington-2009", "-o", str(tmp_path))
    assert code == 2 and "cannot write the report" in err and "Traceback" not in out + err
    code, out, err = cli("serve", "--port", "99999")
    assert code == 2 and "Traceback" not in out + err and "--port" in err


@pytest.mark.parametrize(
    "rule, options",
    [
        ("irv", {}),
        ("coombs", {}),
        ("wigm_stv", {"seats": 2}),
        ("scottish_stv", {"seats": 3}),
        ("meek_stv", {"seats": 2}),
    ],
)
def test_sankey_flows_into_each_round_add_up_to_its_tally(rule, options):
    # IRV-style counts list an elimination's transfers in the round it happens, STV counts
    # in the round that receives them; the chart must read both right.
    from tally.report import charts

    outcome = tally.count(tally.data.load("burlington-2009"), rule, **options)
    assert len(outcome.rounds) > 1
    link = charts.sankey(outcome)["data"][0]
    nodes = [tuple(n) for n in link["node"]["customdata"]]  # (name, round)
    inflow: dict[tuple, float] = {}
    for target, amount in zip(link["link"]["target"], link["link"]["value"]):
        inflow[nodes[target]] = inflow.get(nodes[target], 0.0) + amount
    for round_ in outcome.rounds[1:]:
        for name, votes in round_.tally.items():
            assert inflow.get((name, round_.number), 0.0) == pytest.approx(votes), (
                round_.number,
                name,
            )
