"""The plain parts of the vocabulary agree with the models and need no pydantic."""

from __future__ import annotations

import subprocess
import sys

from engine.inputs import eventtypes, vocabulary
from engine.inputs.eventtypes import TYPE_ORDER
from engine.inputs.vocabulary import EVENT_TYPES


def test_the_type_order_lists_the_models_types_in_their_order() -> None:
    assert list(TYPE_ORDER) == list(EVENT_TYPES)
    assert list(TYPE_ORDER.values()) == list(range(len(EVENT_TYPES)))


def test_the_vocabulary_re_exports_the_plain_parts_as_they_are() -> None:
    for name in ("EVENT_ID", "FIGURES", "MAX_PERSONNEL", "TYPE_ORDER", "ThreatLevel", "ReportKind", "Focus",
                 "parse_instant", "has_offset", "sort_key"):
        assert getattr(vocabulary, name) is getattr(eventtypes, name)
        assert name in vocabulary.__all__


def test_importing_the_plain_parts_imports_no_pydantic() -> None:
    code = ("import sys, engine.inputs.eventtypes; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'pydantic_core')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
