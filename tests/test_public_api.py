"""The public API: ``tally.__all__`` is exactly the committed list, and every name in it
is importable and documented.

Adding a name to the front door, or taking one away, is a decision: it changes this list
in the same commit.
"""

import ast
import importlib
import inspect
import itertools
from pathlib import Path

import tally

PUBLIC = [
    "OVERVOTE",
    "SKIPPED",
    "BallotError",
    "ConfigError",
    "DataError",
    "Outcome",
    "RankedBallots",
    "Round",
    "RuleError",
    "ScoredBallots",
    "Tallies",
    "TallyError",
    "Tie",
    "__version__",
    "count",
    "get_rule",
    "read",
    "rules",
]

SRC = Path(tally.__file__).parent


def _documented_constants() -> set[str]:
    """Module-level names assigned once and followed by a docstring, anywhere in tally."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node, after in itertools.pairwise(body):
            if (
                isinstance(node, ast.Assign)
                and isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
                and after.value.value.strip()
            ):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_all_is_the_committed_list():
    assert list(tally.__all__) == PUBLIC


def test_every_public_name_is_importable():
    package = importlib.import_module("tally")
    for name in PUBLIC:
        assert getattr(package, name, None) is not None, name


def test_every_public_name_is_documented():
    constants = _documented_constants()
    for name in PUBLIC:
        obj = getattr(tally, name)
        if callable(obj):
            assert (inspect.getdoc(obj) or "").strip(), f"tally.{name} has no docstring"
        else:
            assert name in constants, f"tally.{name} has no docstring after its assignment"


def test_public_functions_say_what_they_take_and_return():
    # the front door's functions are fully annotated (the package ships py.typed)
    for name in PUBLIC:
        obj = getattr(tally, name)
        if inspect.isfunction(obj):
            signature = inspect.signature(obj)
            assert signature.return_annotation is not inspect.Signature.empty, name
            for param in signature.parameters.values():
                assert param.annotation is not inspect.Parameter.empty, f"{name}({param.name})"
    assert (SRC / "py.typed").is_file()
