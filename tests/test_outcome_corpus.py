"""Behaviour frozen: every case of the outcome corpus answers as committed.

A case that changes names a change of behaviour. If it is a deliberate fix, rewrite the
corpus (``python -m tests.outcome_corpus --write``) and name the fix in the commit.
"""

from __future__ import annotations

import hashlib
import json
import zlib

import pytest

from . import outcome_corpus

GROUPS = 8


@pytest.fixture(scope="module")
def frozen() -> dict[str, dict[str, str]]:
    return json.loads(outcome_corpus.CORPUS.read_text())


def _group(name: str) -> int:
    return zlib.crc32(name.encode()) % GROUPS


@pytest.mark.parametrize("group", range(GROUPS))
def test_every_case_answers_as_frozen(group, frozen):
    changed, seen = [], set()
    for name, answer in outcome_corpus.cases():
        if _group(name) != group:
            continue
        seen.add(name)
        text = answer()
        digest = hashlib.sha256(text.encode()).hexdigest()
        if name not in frozen:
            changed.append(f"new case {name}")
        elif frozen[name]["sha256"] != digest:
            changed.append(f"{name}: {frozen[name]['winners']} -> {outcome_corpus._winners(text)}")
    missing = sorted(k for k in frozen if _group(k) == group and k not in seen)
    assert not missing, f"cases gone from the corpus: {missing[:10]}"
    assert not changed, f"{len(changed)} case(s) answer differently: " + "; ".join(changed[:10])
