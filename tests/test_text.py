"""Escaping text before it is printed (engine.text): a long text that is all ASCII is looked through character by
character instead of by the expression, with the same result."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import text
from engine.text import escape

_ASCII_WITH_CONTROLS = st.text(st.characters(max_codepoint=0x7F), max_size=40)
_ANY = st.text(st.characters(codec="utf-8"), max_size=40)


@pytest.mark.parametrize("layout", [False, True])
@given(head=_ASCII_WITH_CONTROLS | _ANY, tail=_ASCII_WITH_CONTROLS | _ANY)
def test_a_long_text_is_escaped_as_the_expression_escapes_it_whatever_it_holds(layout: bool, head: str,
                                                                               tail: str) -> None:
    long = head + "{\n  \"a\": 1,\t" * (text._LONG // 10) + tail
    expression = text._UNSAFE_BUT_LAYOUT if layout else text._UNSAFE
    assert len(long) >= text._LONG
    assert escape(long, layout=layout) == expression.sub(text._code, long)


@pytest.mark.parametrize("character", [chr(c) for c in (*range(0x20), 0x7F)])
def test_each_ascii_control_character_in_a_long_text_is_escaped(character: str) -> None:
    long = "x" * text._LONG + character
    assert escape(long, layout=True).endswith(character if character in "\t\n" else f"\\u{ord(character):04x}")
    assert escape(long).endswith(f"\\u{ord(character):04x}")
