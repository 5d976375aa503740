"""The fast indented JSON writer (engine.outputs.jsontext): its text is ``json.dumps(value, indent=2,
ensure_ascii=False)``'s, byte for byte, for any value ``json`` encodes, and its errors are ``json``'s."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.outputs import jsontext

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)  # controls, separators, bidi marks, astral characters
LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT
KEYS = ANY_TEXT | st.integers() | st.floats() | st.booleans() | st.none()
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=30)


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@given(VALUES)
def test_any_json_value_is_written_as_json_dumps_with_indent_writes_it(value: Any) -> None:
    assert jsontext.dumps(value) == reference(value)


@given(VALUES, st.integers(min_value=0, max_value=4))
def test_a_value_written_deeper_is_json_dumps_text_indented_to_that_depth(value: Any, depth: int) -> None:
    pad = "\n" + jsontext.INDENT * depth
    assert jsontext.text(value, pad) == reference(value).replace("\n", pad)


@given(st.lists(ANY_TEXT | st.integers(), max_size=5), st.integers(min_value=0, max_value=3))
def test_a_list_of_strings_is_written_at_once_as_json_would(values: list[Any], depth: int) -> None:
    pad = "\n" + jsontext.INDENT * depth
    assert jsontext.strings(tuple(values), pad) == reference(values).replace("\n", pad)


class Level(enum.IntEnum):
    HIGH = 3


class Colour(enum.StrEnum):
    RED = "red"


@pytest.mark.parametrize("value", [
    {Level.HIGH: Colour.RED, Colour.RED: Level.HIGH},
    {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "zero": -0.0, "big": 10**40, "tiny": 5e-324},
    [[], {}, [[]], {"": {}}, ()],
    "\u2028\u2029\x00\x1f\x7f\x85\u202e é 😀 \"\\ \t\n\r",
    {True: 1, False: 2, None: 3, 1.5: 4, 7: 5},
])
def test_enums_special_numbers_empty_containers_and_odd_keys_are_written_as_json_writes_them(value: Any) -> None:
    assert jsontext.dumps(value) == reference(value)


@pytest.mark.parametrize("value", [{(1, 2): "tuple key"}, [object()], {"set": {1, 2}}])
def test_what_json_refuses_is_refused_with_json_s_error(value: Any) -> None:
    with pytest.raises(TypeError) as expected:
        reference(value)
    with pytest.raises(TypeError) as raised:
        jsontext.dumps(value)
    assert str(raised.value) == str(expected.value)
