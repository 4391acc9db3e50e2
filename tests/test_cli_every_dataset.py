"""Every bundled dataset through the main commands: a result or a one-line error, never a crash."""

from __future__ import annotations

import json

import pytest

from tally import data

COMMANDS = (
    ("count",),
    ("count", "--json"),
    ("compare",),
    ("seats",),
    ("ec",),
    ("spoilers",),
    ("margins",),
    ("whatif", "--swing", "nobody +1%"),
)


@pytest.mark.parametrize("dataset", [d.id for d in data.datasets()])
def test_main_commands_answer_or_refuse_clearly(cli, dataset):
    for command in COMMANDS:
        args = (command[0], dataset, *command[1:])
        code, out, err = cli(*args)
        assert "internal error" not in err and "Traceback" not in err, (args, err)
        if code == 0:
            assert out.strip(), args
            if "--json" in args:
                json.loads(out)
        else:
            # a refusal is one line that says what is wrong
            assert code in (1, 2), (args, code)
            lines = [line for line in err.splitlines() if line.strip()]
            assert lines and lines[0].startswith("error:"), (args, err)
