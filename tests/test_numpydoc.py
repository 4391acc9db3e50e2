"""Every public function and every registered rule is documented in numpydoc sections.

A function in ``tally.__all__`` has Parameters (when it takes any) and Returns; a
registered rule's function also has References (the text it follows), as the Condorcet
family shows.
"""

from __future__ import annotations

import inspect
import re

import pytest

import tally
from tally.rules import RuleInfo

SECTION = re.compile(r"^(\w[\w ]*)\n-{3,}$", re.MULTILINE)


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
    assert not missing, f"{info.name}'s docstring lacks {', '.join(sorted(missing))}"
