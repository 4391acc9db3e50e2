"""The rules, the counting floor and the procedures stay in rooms that read in one sitting.

No module in ``src/tally/rules/``, ``src/tally/count/``, ``src/tally/rctab/`` or
``src/tally/procedures/`` is longer than 600 lines, and no function longer than 80,
unless its docstring says why it must be "one piece". A function's length is its
signature and code, from ``def`` to its last line, without its docstring: every public
function carries numpydoc sections (a rule with a dozen options has a long Parameters
section), and the limit is on the code a reader must follow. Every other module of the
package is held to the 600 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "tally"
FLOORS = ("rules", "count", "rctab", "procedures")
MAX_MODULE = 600
MAX_FUNCTION = 80


def _modules() -> list[Path]:
    return sorted(p for floor in FLOORS for p in (SRC / floor).glob("*.py"))


def _other_modules() -> list[Path]:
    floors = {SRC / floor for floor in FLOORS}
    return sorted(p for p in SRC.rglob("*.py") if p.parent not in floors)


def _too_long_modules() -> dict[str, int]:
    """Every module outside the floors past the module limit, by its path under ``tally/``."""
    found: dict[str, int] = {}
    for path in _other_modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_MODULE:
            found[path.relative_to(SRC).as_posix()] = lines
    return found


def _function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from ``def`` (decorators excluded) to the end, the docstring left out."""
    assert node.end_lineno is not None
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        assert first.end_lineno is not None
        lines -= first.end_lineno - first.lineno + 1
    return lines


def _too_long() -> dict[str, int]:
    """Every module and function past its limit, by ``floor/module.py[:qualified.name]``."""
    found: dict[str, int] = {}
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(SRC).as_posix()
        if len(source.splitlines()) > MAX_MODULE:
            found[name] = len(source.splitlines())

        def visit(node: ast.AST, prefix: str, module: str = name) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    qualified = f"{prefix}{child.name}"
                    if not isinstance(child, ast.ClassDef):
                        length = _function_lines(child)
                        doc = ast.get_docstring(child) or ""
                        if length > MAX_FUNCTION and "one piece" not in doc:
                            found[f"{module}:{qualified}"] = length
                    visit(child, qualified + ".", module)

        visit(ast.parse(source), "")
    return found


def test_function_length_leaves_out_the_docstring() -> None:
    tree = ast.parse('def f(x):\n    """Doc.\n\n    More.\n    """\n    y = x\n    return y\n')
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    assert _function_lines(func) == 3


def test_no_module_or_function_past_its_limit() -> None:
    over = _too_long()
    assert not over, (
        "past 600 lines per module or 80 per function (say 'one piece' in the docstring if it must be): "
        + ", ".join(f"{name} ({n} lines)" for name, n in sorted(over.items()))
    )


def test_the_module_limit_covers_every_module_outside_the_floors() -> None:
    names = {p.relative_to(SRC).as_posix() for p in _other_modules()}
    assert {"ballots.py", "headlines/winners.py", "data/us.py", "cli/__init__.py"} <= names
    assert not any(name.startswith(tuple(f"{floor}/" for floor in FLOORS)) for name in names)


def test_no_module_past_the_module_limit() -> None:
    over = _too_long_modules()
    assert not over, "past 600 lines per module: " + ", ".join(
        f"{name} ({n} lines)" for name, n in sorted(over.items())
    )


def test_written_notes_stay_readable() -> None:
    # the Markdown the project writes (README, docs, benchmark notes, data sources) is read
    # by people: a file past 100 kB is an edit gone wrong, not notes
    root = SRC.parents[1]
    notes = [p for p in root.rglob("*.md") if not any(part.startswith(".") for part in p.parts)]
    assert any(p.name == "README.md" and p.parent == root for p in notes)
    big = {p.relative_to(root).as_posix(): p.stat().st_size for p in notes if p.stat().st_size > 100_000}
    assert not big, f"Markdown files past 100 kB: {big}"
