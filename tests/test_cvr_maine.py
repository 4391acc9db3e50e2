"""Maine 2018 CD-2 from the eight official ES&S cast-vote record workbooks.

The certified result (Maine Secretary of State): round 1 Poliquin 134,184, Golden 132,013,
Bond 16,552, Hoar 6,875; Bond and Hoar batch-eliminated; final Golden 142,440, Poliquin
138,931. The workbooks spell a candidate three ways (``REP Poliquin, Bruce``, with the
``(5931)`` id suffix, and with trailing spaces); the config maps them through aliases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tally
from tally.io.cvr import UWI_NAME, read_ballots
from tally.rctab.config import load_config

CONFIG = Path(__file__).parent / "data" / "maine-cvr" / "maine_cd2_2018_config.json"

GOLDEN, POLIQUIN, BOND, HOAR = "Golden, Jared F.", "Poliquin, Bruce", "Bond, Tiffany L.", "Hoar, William R.S."


@pytest.fixture(scope="module")
def ballots():
    return read_ballots(load_config(CONFIG))


def test_reads_every_ballot_of_the_eight_files(ballots):
    assert len(load_config(CONFIG).sources) == 8
    assert ballots.total == 296_077
    assert UWI_NAME not in ballots.candidates
    assert int(ballots.weights[ballots.is_blank()].sum()) == 5_711
    assert len(ballots.provenance.ballot_ids) == 296_077
    assert ballots.provenance.ballot_ids[0] == "AUXCVRProofedCVR95RepCD2.xlsx-1"


def test_counts_to_the_certified_result(ballots):
    outcome = tally.count(ballots, "irv", overvote="exhaust", max_skipped=1, batch_elimination=True)
    first, last = outcome.rounds[0], outcome.rounds[-1]
    assert first.tally == {POLIQUIN: 134_184, GOLDEN: 132_013, BOND: 16_552, HOAR: 6_875}
    assert set(first.eliminated) == {BOND, HOAR}
    assert last.tally == {GOLDEN: 142_440, POLIQUIN: 138_931}
    assert outcome.winners == (GOLDEN,)
