"""A frozen corpus of outcomes: what every rule and command answers on real and random inputs.

Each case is a question (a rule on a bundled dataset, a rule on a seeded random profile, a
command's ``--json`` on a dataset) and its answer's SHA-256 with the winners beside it, so a
change of behaviour shows up as a named case whose hash moved. ``tests/test_outcome_corpus.py``
compares the committed corpus with what the code answers now; after a deliberate change
(a bug fixed, named in its commit) rewrite it with::

    python -m tests.outcome_corpus --write

and commit the diff of ``tests/data/outcome-corpus.json`` with the fix.

The random inputs are drawn from NumPy generators with fixed seeds, not from hypothesis, so
the same cases come out on every machine and version.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

CORPUS = Path(__file__).parent / "data" / "outcome-corpus.json"

Case = tuple[str, Callable[[], str]]
"""(case id, a function returning the answer as text: JSON, or an error line)."""

NAMES = ("Ash", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum")

# commands whose --json is part of the answer on every path (CLI, web, report)
_US_COMMANDS = ("ec", "spoilers", "margins")


def _answer(thunk: Callable[[], Any]) -> str:
    """The text of an answer: outcome JSON, or the one-line error a user would see."""
    from tally.errors import TallyError

    try:
        value = thunk()
    except TallyError as exc:
        return f"error {type(exc).__name__}: {exc}"
    if hasattr(value, "to_json"):
        return value.to_json()
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _cli(*args: str) -> str:
    """What ``tally ARGS`` prints (stdout, and the exit code when it is not 0)."""
    from tally.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
    text = out.getvalue()
    return text if code == 0 else f"exit {code}\n{text}\n{err.getvalue()}"


# -- random inputs -------------------------------------------------------------------------


def random_ranked(seed: int, *, messy: bool = True, max_candidates: int = 6) -> Any:
    """A small ranked profile; ``messy`` ones hold blanks, skipped ranks, overvotes, repeats
    and one tie set."""
    from tally.ballots import OVERVOTE, SKIPPED, RankedBallots

    rng = np.random.default_rng(seed)
    c = int(rng.integers(2, max_candidates + 1))
    rows = int(rng.integers(1, 40))
    ranks = int(rng.integers(1, c + 2))
    matrix = np.full((rows, ranks), SKIPPED, dtype=np.int16)
    tie_sets = [frozenset((0, 1))] if messy else []
    for i in range(rows):
        order = rng.permutation(c)
        length = int(rng.integers(1, min(c, ranks) + 1))
        matrix[i, :length] = order[:length]
        if messy and rng.random() < 0.3:
            r = int(rng.integers(0, ranks))
            matrix[i, r] = rng.choice([SKIPPED, OVERVOTE, -3, int(rng.integers(0, c))])
    weights = rng.integers(1, 9, size=rows).astype(float)
    return RankedBallots.from_matrix(NAMES[:c], matrix, weights, tie_sets=tie_sets)


def random_split(seed: int) -> Any:
    """A small ranked profile whose overvotes name two or three candidates (for
    ``overvote="split"``), without blanks or unnamed overvotes."""
    from tally.ballots import RankedBallots

    rng = np.random.default_rng(10_000 + seed)
    c = int(rng.integers(3, 7))
    rows: list[list[Any]] = []
    for _ in range(int(rng.integers(5, 41))):
        order = [NAMES[i] for i in rng.permutation(c)]
        length = int(rng.integers(1, c + 1))
        row: list[Any] = []
        i = 0
        while i < length:
            if length - i >= 2 and rng.random() < 0.3:
                k = int(rng.integers(2, min(3, length - i) + 1))
                row.append(frozenset(order[i : i + k]))
                i += k
            else:
                row.append(order[i])
                i += 1
        rows.append(row)
    return RankedBallots.from_rankings(NAMES[:c], rows)


def random_scored(seed: int, kind: str) -> Any:
    from tally.ballots import ScoredBallots

    rng = np.random.default_rng(seed)
    c = int(rng.integers(2, 7))
    rows = int(rng.integers(1, 30))
    top = 1 if kind == "approval" else 5
    values = rng.integers(0, top + 1, size=(rows, c)).astype(float)
    weights = rng.integers(1, 9, size=rows).astype(float)
    return ScoredBallots.from_matrix(NAMES[:c], values, weights, kind=kind, max_score=top)


def random_tallies(seed: int, *, electoral: bool = False, seats: bool = False) -> Any:
    from tally.ballots import Tallies

    rng = np.random.default_rng(seed)
    c = int(rng.integers(2, 7))
    areas = int(rng.integers(1, 12))
    votes = rng.integers(0, 2000, size=(areas, c)).astype(float)
    # a few exact ties between the leaders, where tie-breaking matters
    for a in range(areas):
        if rng.random() < 0.2:
            votes[a, 1] = votes[a, 0]
    attributes: dict[str, tuple] = {}
    if electoral:
        attributes["electoral_votes"] = tuple(int(x) for x in rng.integers(1, 30, size=areas))
    if seats:
        attributes["seats"] = tuple(int(x) for x in rng.integers(1, 4, size=areas))
    return Tallies(tuple(f"area {a}" for a in range(areas)), NAMES[:c], votes, attributes=attributes)


# -- the cases -----------------------------------------------------------------------------


def _options(info: Any, seats: int, tiebreak: str | None) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if tiebreak is not None and "tiebreak" in info.options:
        options["tiebreak"] = tiebreak
    if info.multiwinner and "seats" in info.options:
        options["seats"] = seats
    return options


def _rule_cases(tag: str, make: Callable[[], Any], kind: str, seats: int) -> Iterator[Case]:
    import tally

    for info in tally.rules():
        if not info.accepts(kind):
            continue
        tiebreaks: tuple[str | None, ...] = (None,)
        if "tiebreak" in info.options:
            tiebreaks = (None, "all", "order")
        for tb in tiebreaks:
            opts = _options(info, seats, tb)

            def thunk(info: Any = info, opts: dict = opts) -> Any:
                return tally.count(make(), info.name, **opts)

            yield f"{tag} {info.name} tiebreak={tb or 'default'}", functools_partial(_answer, thunk)


def functools_partial(func: Callable[..., str], *args: Any) -> Callable[[], str]:
    return lambda: func(*args)


_RANKED_OPTION_VARIANTS: dict[str, tuple[dict[str, Any], ...]] = {
    "irv": (
        {"overvote": "skip"},
        {"overvote": "exhaust_if_multiple"},
        {"max_skipped": 0},
        {"max_skipped": 1, "repeated": "exhaust"},
        {"batch_elimination": True},
        {"continue_until_two": True},
        {"threshold": "first_round"},
    ),
    "rctab": (
        {"overvote": "skip", "max_skipped": 1},
        {"repeated": "exhaust", "batch_elimination": True},
        {"mode": "stv", "seats": 2},
        {"mode": "multi_pass", "seats": 2},
        {"mode": "bottoms_up", "seats": 2},
    ),
    "sequential_irv": ({"seats": 2, "overvote": "skip"}, {"seats": 3, "max_skipped": 1}),
    "coombs": ({"overvote": "skip"},),
    "runoff": ({"max_skipped": 0},),
    "scottish_stv": ({"seats": 2, "max_skipped": 0},),
    "meek_stv": ({"seats": 3},),
    "irish_stv": ({"seats": 2, "seed": 3},),
}


_SPLIT_COUNTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("rctab", {}),
    ("rctab", {"mode": "stv", "seats": 2}),
    ("rctab", {"mode": "multi_pass", "seats": 2, "decimal_places": 2}),
    ("irv", {}),
    ("wigm_stv", {"seats": 2}),
)


def cases() -> Iterator[Case]:
    """Every case of the corpus, in a fixed order."""
    import tally
    from tally import data

    # 1. every bundled dataset, counted as `tally count` and `tally compare` count it
    for ds in data.datasets():
        if ds.kind == "contest":
            continue
        yield f"cli count {ds.id}", functools_partial(_cli, "count", ds.id, "--json")
        if ds.kind in ("ranked", "approval", "score"):
            yield f"cli compare {ds.id}", functools_partial(_cli, "compare", ds.id, "--json")
        if ds.kind == "tallies" and "president" in ds.id:
            for command in _US_COMMANDS:
                yield f"cli {command} {ds.id}", functools_partial(_cli, command, ds.id, "--json")
    for args in (
        ("ec", "us-president-2000", "--faithless", "historical", "--json"),
        ("whatif", "us-president-2000", "--transfer", "Nader -> Gore 50%", "--json"),
        ("whatif", "us-president-2016", "--json"),
        (
            "whatif",
            "us-president-2000",
            "--transfer",
            "Nader -> Gore 50%",
            "--faithless",
            "historical",
            "--json",
        ),
        ("seats-compare", "uk-general-2024", "--json"),
        ("chamber", "us-house-2018", "--json"),
        ("compare", "portland-2024-council-d1", "--seats", "3", "--json"),
    ):
        yield "cli " + " ".join(args), functools_partial(_cli, *args)
    # an RCTab config is a SOURCE of `tally count`, counted under the config's rules
    rctab_cases = Path(__file__).parent / "data" / "rctab" / "cases"
    for case in ("excluded_test", "2013_minneapolis_park_sequential"):
        config = str(rctab_cases / case / f"{case}_config.json")
        yield f"cli count rctab config {case}", functools_partial(_cli, "count", config, "--json")

    # 2. every ranked rule on seeded random profiles, clean and messy
    for seed in range(24):
        messy = seed % 3 != 0

        def ranked(seed: int = seed, messy: bool = messy) -> Any:
            return random_ranked(seed, messy=messy)

        yield from _rule_cases(f"ranked#{seed}", ranked, "ranked", seats=2 + seed % 2)
        for name, variants in _RANKED_OPTION_VARIANTS.items():
            for k, opts in enumerate(variants):

                def thunk(ranked: Callable = ranked, name: str = name, opts: dict = opts) -> Any:
                    return tally.count(ranked(), name, **opts)

                yield f"ranked#{seed} {name} variant {k}", functools_partial(_answer, thunk)

    # 2b. overvotes split among their candidates: RCTab's decimals and the floor's fractions
    for seed in range(12):
        for name, opts in _SPLIT_COUNTS:

            def split(seed: int = seed, name: str = name, opts: dict = opts) -> Any:
                return tally.count(random_split(seed), name, overvote="split", **opts)

            label = " ".join(f"{k}={v}" for k, v in opts.items())
            yield f"split#{seed} {name} {label}".rstrip(), functools_partial(_answer, split)

    # 3. cardinal and committee rules
    for seed in range(12):
        for kind in ("approval", "score"):

            def scored(seed: int = seed, kind: str = kind) -> Any:
                return random_scored(seed, kind)

            yield from _rule_cases(f"{kind}#{seed}", scored, kind, seats=2)

    # 4. tallies: plurality, list PR, apportionment, districts, the Electoral College
    for seed in range(12):

        def plain(seed: int = seed) -> Any:
            return random_tallies(seed)

        def electoral(seed: int = seed) -> Any:
            return random_tallies(seed, electoral=True)

        def chamber(seed: int = seed) -> Any:
            return random_tallies(seed, seats=True)

        yield from _rule_cases(f"tallies#{seed}", plain, "tallies", seats=2)
        for name in ("dhondt", "sainte_lague", "hare_lr", "huntington_hill", "webster"):

            def many(plain: Callable = plain, name: str = name) -> Any:
                return tally.count(plain(), name, seats=11)

            yield f"tallies#{seed} {name} seats=11", functools_partial(_answer, many)
        for allocation in ("wta", "district", "proportional", "popular"):

            def ec(electoral: Callable = electoral, allocation: str = allocation) -> Any:
                return tally.count(electoral(), "electoral_college", allocation=allocation)

            yield f"electoral#{seed} {allocation}", functools_partial(_answer, ec)

        def districts(chamber: Callable = chamber) -> Any:
            return tally.count(chamber(), "districts")

        yield f"chamber#{seed} districts", functools_partial(_answer, districts)


def compute() -> dict[str, dict[str, str]]:
    """``{case: {"sha256": ..., "winners": ...}}`` for every case."""
    out: dict[str, dict[str, str]] = {}
    for name, answer in cases():
        text = answer()
        if name in out:
            raise ValueError(f"case {name!r} twice")
        out[name] = {"sha256": hashlib.sha256(text.encode()).hexdigest(), "winners": _winners(text)}
    return out


def _winners(text: str) -> str:
    """A short reading of the answer for humans diffing the corpus."""
    if text.startswith(("error", "exit")):
        return text.splitlines()[0][:160]
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return ""
    if isinstance(value, dict):
        for key in ("winners", "winner", "seats", "electoral_votes"):
            if key in value:
                return json.dumps(value[key], sort_keys=True, ensure_ascii=False)[:160]
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the committed corpus")
    args = parser.parse_args(argv)
    current = compute()
    if args.write:
        CORPUS.write_text(json.dumps(current, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
        print(f"wrote {len(current)} cases to {CORPUS}")
        return 0
    frozen = json.loads(CORPUS.read_text())
    changed = sorted(k for k in current.keys() & frozen.keys() if current[k] != frozen[k])
    for k in changed:
        print(f"changed {k}: {frozen[k]['winners']} -> {current[k]['winners']}")
    for k in sorted(frozen.keys() - current.keys()):
        print(f"gone    {k}")
    for k in sorted(current.keys() - frozen.keys()):
        print(f"new     {k}")
    return 1 if changed or frozen.keys() != current.keys() else 0


if __name__ == "__main__":
    sys.exit(main())
