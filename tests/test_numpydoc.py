"""Every public function and every registered rule is documented in numpydoc sections.

A function in ``tally.__all__`` has Parameters (when it takes any) and Returns; a
registered rule's function also has References (the text it follows), as the Condorcet
family shows. Rules not yet written up are listed below by name, to be emptied.
"""

from __future__ import annotations

import inspect
import re

import pytest

import tally
from tally.rules import RuleInfo

SECTION = re.compile(r"^(\w[\w ]*)\n-{3,}$", re.MULTILINE)

# Rules whose docstrings do not yet have the sections; a rule leaves the list when it does.
NOT_YET = frozenset(
    [
        "adams",
        "hamilton",
        "huntington_hill",
        "jefferson",
        "webster",
        "chamberlin_courant",
        "equal_shares",
        "pav",
        "sav",
        "seq_pav",
        "seq_phragmen",
        "approval",
        "majority_judgment",
        "score",
        "star",
        "districts",
        "electoral_college",
        "block",
        "cumulative",
        "limited",
        "sequential_irv",
        "sntv",
        "dhondt",
        "droop_lr",
        "hare_lr",
        "imperiali",
        "modified_sainte_lague",
        "sainte_lague",
        "plurality",
        "baldwin",
        "borda",
        "bucklin",
        "dowdall",
        "nanson",
        "coombs",
        "irv",
        "rctab",
        "runoff",
        "ers97_stv",
        "irish_stv",
        "meek_stv",
        "scottish_stv",
        "warren_stv",
        "wigm_stv",
    ]
)


def sections(func: object) -> set[str]:
    return set(SECTION.findall(inspect.getdoc(func) or ""))


def _missing(func: object, wanted: set[str]) -> set[str]:
    if not inspect.signature(func).parameters:  # type: ignore[arg-type]
        wanted = wanted - {"Parameters"}
    return wanted - sections(func)


def test_sections_are_found() -> None:
    def f(x: int) -> int:
        """Sum.

        Parameters
        ----------
        x : int
            A number.

        Returns
        -------
        int
            The number.
        """
        return x

    assert sections(f) == {"Parameters", "Returns"}
    assert _missing(f, {"Parameters", "Returns", "References"}) == {"References"}


@pytest.mark.parametrize("name", [n for n in tally.__all__ if inspect.isfunction(getattr(tally, n))])
def test_public_function_has_parameters_and_returns(name: str) -> None:
    assert not _missing(getattr(tally, name), {"Parameters", "Returns"})


@pytest.mark.parametrize("info", tally.rules(), ids=lambda info: info.name)
def test_rule_has_parameters_returns_and_references(info: RuleInfo) -> None:
    missing = _missing(info.func, {"Parameters", "Returns", "References"})
    if info.name in NOT_YET:
        assert missing, f"{info.name} has its sections now: take it off NOT_YET"
    else:
        assert not missing, f"{info.name}'s docstring lacks {', '.join(sorted(missing))}"


def test_not_yet_names_only_registered_rules() -> None:
    assert NOT_YET <= {info.name for info in tally.rules()}
