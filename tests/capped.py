"""Run `tally` command lines in a child process whose memory is capped and whose time is
watched: what a user's machine would do with hostile input, without risking the test run.

One child serves many command lines (starting Python and NumPy for each would cost more
than the checks); it is replaced after a command that exhausted its memory, crashed or
overran its time.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import tally

SRC = Path(tally.__file__).resolve().parents[1]

_RUNNER = r"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
import contextlib, io, json, os
import numpy, pyarrow, tally.cli
from tally.cli import main
for line in sys.stdin:
    request = json.loads(line)
    os.chdir(request["cwd"])
    os.environ.update(request["env"])
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(request["argv"])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except MemoryError:
            code = "memory"
        except BaseException as exc:
            code = f"escaped {type(exc).__name__}: {exc}"
    print(json.dumps({"code": code, "out": out.getvalue()[-4000:], "err": err.getvalue()[-4000:]}), flush=True)
"""


@dataclass
class Result:
    code: int | str  # the exit status, or what went wrong ("memory", "timeout", "died", "escaped ...")
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("error:")]


class CappedCLI:
    """`tally ARGS` in a child limited to ``memory`` bytes of address space."""

    def __init__(self, memory: int = 3 << 30) -> None:
        self.memory = memory
        self.child: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-c", _RUNNER, str(self.memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(SRC), "TALLY_DEBUG": ""},
        )

    def run(self, *argv: str, cwd: Path, timeout: float = 60, env: dict[str, str] | None = None) -> Result:
        if self.child is None or self.child.poll() is not None:
            self.child = self._start()
        child = self.child
        assert child.stdin is not None and child.stdout is not None
        request = {"argv": list(argv), "cwd": str(cwd), "env": env or {}}
        child.stdin.write(json.dumps(request) + "\n")
        child.stdin.flush()
        ready, _, _ = select.select([child.stdout], [], [], timeout)
        if not ready:
            self.close()
            return Result("timeout", "", "")
        line = child.stdout.readline()
        if not line:
            self.close()
            return Result("died", "", "")
        answer = json.loads(line)
        if not isinstance(answer["code"], int):
            self.close()  # the child may be in a bad state after running out of memory
        return Result(answer["code"], answer["out"], answer["err"])

    def close(self) -> None:
        if self.child is not None:
            self.child.kill()
            self.child.wait()
            self.child = None
