"""checkwriter: a pattern of a character and a run of characters, each of a plain class, is checked without a
regular expression, with exactly the regular expression's answer."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.inputs.checkwriter import _class_run

PATTERNS = ["^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$", "^[a-z][a-z0-9_]{2,5}$", "^[0-9][0-9.]{0,3}$"]


def _plain(pattern: str, text: str) -> bool:
    run = _class_run(pattern)
    assert run is not None
    first, rest, low, high = run
    return low + 1 <= len(text) <= high + 1 and text[0] in first and not text.strip(rest)


@settings(max_examples=500, deadline=None)
@given(pattern=st.sampled_from(PATTERNS), text=st.one_of(
    st.text(alphabet=st.sampled_from("aZ09._:/-_ \n\u0663\uff21K\u212a[]^"), max_size=110), st.text(max_size=8)))
def test_a_class_run_is_checked_as_the_regular_expression_checks_it(pattern: str, text: str) -> None:
    assert _plain(pattern, text) == (re.match(pattern[:-1] + r"\Z", text) is not None)


def test_the_ids_pattern_matches_exactly_its_characters() -> None:
    pattern = PATTERNS[0]
    for code in range(0x250):
        for text in (chr(code), "a" + chr(code), "a" + chr(code) + "b"):
            assert _plain(pattern, text) == (re.match(pattern[:-1] + r"\Z", text) is not None), repr(text)
    assert _plain(pattern, "a" * 100) and not _plain(pattern, "a" * 101)


@pytest.mark.parametrize("pattern", ["^[^a][a-z]{0,3}$", "^[a-z&&b][a-z]{0,3}$", "^[a-z][a]{0,3}$",
                                     "^[a-z]+$", "^[\\w][a-z]{0,3}$", "^[a-z][a-z]{3,1}$"])
def test_a_pattern_of_another_shape_is_left_to_the_regular_expression(pattern: str) -> None:
    assert _class_run(pattern) is None
