"""The ``tally`` command.

Each command group lives in its own module here and registers itself on :data:`app`.
Every :class:`~tally.errors.TallyError` is printed as one line on stderr with exit
status 2, and every :class:`~tally.errors.TallyWarning` as a ``warning:`` line on stderr;
nothing reaches the user as a traceback.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import warnings
from collections.abc import Iterator
from typing import TextIO

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import TallyError, TallyWarning, brief

__all__ = ["app", "console", "err_console", "main"]

app = typer.Typer(
    name="tally",
    help="Count, explain, analyse and simulate elections under many voting rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # click's own help wraps at the terminal's width; rich's help tables cut option names
    rich_markup_mode=None,
)
console = Console()
err_console = Console(stderr=True)

_COMMAND_MODULES = (
    "count",
    "data",
    "seats",
    "rctab",
    "us",
    "simulate",
    "serve",
    "store",
    "decide",
    "delegates",
    "convert",
    "limits",
    "audit",
    "analyze",
)

for _module in _COMMAND_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_module}")
    except ModuleNotFoundError as exc:  # a command group not built yet
        if exc.name != f"{__name__}.{_module}":
            raise


def _usage_errors() -> tuple[type[Exception], ...]:
    """The exception types of a bad command line (unknown command or option, missing or
    malformed argument): click's, and, in typer versions that carry their own copy of
    click, typer's."""
    types: list[type[Exception]] = []
    try:
        import click

        types.append(click.exceptions.ClickException)
    except ImportError:
        pass
    vendored = getattr(typer, "TyperException", None)
    if vendored is not None:
        types.append(vendored)
    return tuple(types)


@contextlib.contextmanager
def _warnings_as_lines() -> Iterator[None]:
    """Show each distinct :class:`TallyWarning` once, as a ``warning:`` line on stderr."""
    shown: set[str] = set()
    plain = warnings.showwarning

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        if not issubclass(category, TallyWarning):
            plain(message, category, filename, lineno, file, line)
        elif str(message) not in shown:
            shown.add(str(message))
            err_console.print(f"[yellow]warning:[/] {escape(str(message))}", highlight=False, soft_wrap=True)

    with warnings.catch_warnings():
        warnings.simplefilter("always", TallyWarning)
        warnings.showwarning = show
        yield


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning tally's errors into one-line messages and its
    warnings into ``warning:`` lines."""
    with _warnings_as_lines():
        _main(argv)


def _main(argv: list[str] | None) -> None:
    try:
        app(args=argv, standalone_mode=False)
    except TallyError as exc:
        # the message quotes file names and values the user wrote: print them, do not parse them
        err_console.print(f"[bold red]error:[/] {escape(brief(str(exc)))}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if isinstance(exc, _usage_errors()) and hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        if os.environ.get("TALLY_DEBUG"):
            raise
        # A bug, not bad input: one line for the user, the traceback on request.
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))} "
            "(set TALLY_DEBUG=1 for the traceback, and please report it)",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
