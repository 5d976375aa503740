"""Reading files: only regular files, never past the bytes limit, C parsers, and lines found only for errors."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import InputError
from engine.inputs import sources
from engine.inputs.limits import Limits, using
from engine.inputs.sources import parse, read_bytes, read_text


def test_a_fifo_is_refused_at_once_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "events.yaml"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(InputError, match="is not a regular file"):
        read_text(fifo, what="scenario file")
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_also_behind_a_symlink(device: str, tmp_path: Path) -> None:
    link = tmp_path / "scenario.yaml"
    link.symlink_to(device)
    for path in (Path(device), link):
        with pytest.raises(InputError, match="is not a regular file"):
            read_text(path)


def test_a_file_larger_than_the_limit_is_refused_and_the_limit_can_be_raised(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"x" * 2000)
    with using(Limits(max_bytes=1000)), pytest.raises(InputError, match=r"the limit is 1,000 bytes \(--max-bytes\)"):
        read_bytes(path)
    with using(Limits(max_bytes=2000)):
        assert len(read_bytes(path)) == 2000


def test_a_file_that_grows_after_its_size_was_checked_is_still_read_no_further_than_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "growing.yaml"
    path.write_bytes(b"x" * 10)
    stop = threading.Event()

    def grow() -> None:
        with path.open("ab") as handle:
            while not stop.is_set():
                handle.write(b"y" * 100_000)
                handle.flush()

    writer = threading.Thread(target=grow)
    writer.start()
    try:
        time.sleep(0.05)
        with using(Limits(max_bytes=50_000)), pytest.raises(InputError, match="the limit is 50,000 bytes"):
            read_bytes(path)
    finally:
        stop.set()
        writer.join()


def test_json_errors_get_the_line_of_the_value_even_with_tabs_and_cr_line_ends() -> None:
    text = '{\r\t"name": "A scenario.",\r\t"events": [\r\t\t{"at": "2017-07-01"},\r\t\t{"at": 5}\r\t]\r}'
    _, lines = parse(text, path="s.json")
    assert lines.line_of(("events", 1, "at")) == 5
    assert lines.line_of(("events", 0)) == 4
    assert lines.line_of(("name",)) == 2
    assert lines.line_of(("events", 1, "missing")) == 5


def test_yaml_lines_are_found_on_demand_for_values_keys_and_missing_fields() -> None:
    text = "name: A scenario.\nevents:\n  - at: 2017-07-01\n    type: attack\n  - {at: 2017-07-02,\n     type: x}\n"
    data, lines = parse(text, path="s.yaml")
    assert data["events"][1] == {"at": "2017-07-02", "type": "x"}
    assert lines.lines_of([("events", 0, "type"), ("events", 1, "type"), ("events", 1, "nope")]) == {
        ("events", 0, "type"): 4, ("events", 1, "type"): 6, ("events", 1, "nope"): 5}


def test_plain_yaml_scalars_keep_their_types_and_dates_stay_text() -> None:
    data, _ = parse("a:\nb: ''\nc: 1\nd: yes\ne: x1\nf: '1'\ng: 1.5\nh: ~\ni: 2017-01-01\nj: 0x10\n", path="s.yaml")
    assert data == {"a": None, "b": "", "c": 1, "d": True, "e": "x1", "f": "1", "g": 1.5, "h": None,
                    "i": "2017-01-01", "j": 16}


def test_an_alias_is_refused_on_the_line_where_it_is_used() -> None:
    with pytest.raises(InputError, match="YAML aliases") as caught:
        parse("a: &x 1\nb: 2\nc: *x\n", path="s.yaml")
    assert caught.value.line == 3


def _paths(value: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield where
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*where, key))


def _depth_refusal_as_every_item_is_visited(data: Any) -> tuple[Any, ...] | None:
    """Where a walk that visits every item, depth first from the last, first finds one deeper than MAX_DEPTH."""
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(data, 0, ())]
    while stack:
        value, depth, where = stack.pop()
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            if depth + 1 > sources.MAX_DEPTH:
                return (*where, key)
            if item.__class__ is dict or item.__class__ is list:
                stack.append((item, depth + 1, (*where, key)))
    return None


_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=3), st.dates())


_flat = st.dictionaries(st.text(max_size=2), _scalars, max_size=2)  # as an event is
_leaf = st.one_of(_scalars, _flat, st.lists(_scalars, max_size=2))


def _chain(levels: list[tuple[bool, str, list[Any], bool]], leaf: Any) -> Any:
    """``leaf`` inside one list or mapping per level (outermost first), each with its siblings before or after."""
    value = leaf
    for as_list, key, siblings, first in reversed(levels):
        if as_list:
            value = [value, *siblings] if first else [*siblings, value]
        else:
            value = {**{f"s{i}": sibling for i, sibling in enumerate(siblings)}, key: value}
    return value


def _nested(depth: int) -> st.SearchStrategy[Any]:
    """A chain of ``depth`` nested lists and mappings ending in a scalar, a flat mapping or a list of scalars, each
    level with a sibling or none of its own."""
    level = st.tuples(st.booleans(), st.text(max_size=2), st.lists(_leaf, max_size=1), st.booleans())
    return st.builds(_chain, st.lists(level, min_size=depth, max_size=depth), _leaf)


@settings(max_examples=100, deadline=None)
@given(data=st.integers(sources.MAX_DEPTH - 2, sources.MAX_DEPTH + 1).flatmap(_nested))
def test_too_deep_nesting_is_refused_at_the_first_item_a_visit_of_every_item_finds(data: Any) -> None:
    numbered = {path: line for line, path in enumerate(_paths(data), start=1)}
    expected = _depth_refusal_as_every_item_is_visited(data)
    try:
        sources._check_depth(data, "f.json", sources.LineMap(numbered))
    except InputError as exc:
        assert expected is not None and exc.line == numbered[expected]
    else:
        assert expected is None


def _parsed_carefully(text: str) -> tuple[str, Any]:
    """What JSON text gives when every object goes through the hook that refuses a key given twice."""
    import json

    try:
        data = json.loads(text, parse_constant=sources._reject_constant, object_pairs_hook=sources._unique_keys)
    except json.JSONDecodeError as exc:
        return ("refused", f"invalid JSON: {exc.msg}")
    except ValueError as exc:
        return ("refused", f"invalid JSON: {exc}")
    except RecursionError:
        return ("refused", "too deep")
    try:
        sources._check_depth(data, "f.json", sources.LineMap())
    except InputError:
        return ("refused", "too deep")
    return ("read", data)


def _parsed(text: str) -> tuple[str, Any]:
    try:
        data, _ = parse(text, path="f.json")
    except InputError as exc:
        return ("refused", "too deep" if "nesting" in exc.message and "JSON" not in exc.message else exc.message)
    return ("read", data)


_KEYS = st.sampled_from(["a", "b", "a:b", ":", "x y", "é", 'q"', "\\"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.sampled_from(["", ":", ":x", "a", '"', "\\n", "é"]))


def _object_text(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    import json

    pair = st.tuples(_KEYS, children, st.sampled_from([":", ": ", " :", "\t:", "\n: "]))
    return st.lists(pair, max_size=4).map(
        lambda pairs: "{" + ", ".join(f"{json.dumps(k)}{colon}{v}" for k, v, colon in pairs) + "}")


_JSON_TEXTS = st.recursive(
    _SCALARS.map(lambda v: __import__("json").dumps(v)),
    lambda children: st.one_of(_object_text(children), st.lists(children, max_size=4).map(
        lambda items: "[" + ",\n".join(items) + "]")),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(text=_JSON_TEXTS)
def test_json_is_read_or_refused_as_when_every_object_is_checked_for_a_key_given_twice(text: str) -> None:
    assert _parsed(text) == _parsed_carefully(text)


def test_a_key_given_twice_in_json_is_refused_even_without_escapes_or_spaces() -> None:
    with pytest.raises(InputError, match="the key 'a' appears twice"):
        parse('{"events": [{"a": 1, "b": ":", "a": 2}]}', path="f.json")
    data, _ = parse('{"events": [{"a": ":x", "b": ":"}]}', path="f.json")
    assert data == {"events": [{"a": ":x", "b": ":"}]}


_SHALLOW_VALUES = st.one_of(_SCALARS.map(lambda v: __import__("json").dumps(v)),
                            st.sampled_from(['"[a]"', '"{"', "[]", '{"a": 1}', "[[1]]", '[{"a": [1]}]']))
_FLAT_OBJECTS = _object_text(_SHALLOW_VALUES)
_SCENARIO_SHAPED = _object_text(st.one_of(_SHALLOW_VALUES, _FLAT_OBJECTS, st.lists(_FLAT_OBJECTS, max_size=4).map(
    lambda items: "[" + ", ".join(items) + "]")))


def _depth(value: Any) -> int:
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else None
    return 0 if items is None else 1 + max(map(_depth, items), default=0)


@settings(max_examples=300, deadline=None)
@given(text=_SCENARIO_SHAPED)
def test_json_shaped_as_a_scenario_is_read_or_refused_as_when_every_object_is_checked_for_a_key_given_twice(
        text: str) -> None:
    assert _parsed(text) == _parsed_carefully(text)


@settings(max_examples=300, deadline=None)
@given(text=_SCENARIO_SHAPED)
def test_the_keys_of_json_are_counted_without_a_walk_only_when_its_brackets_prove_it_shallow(text: str) -> None:
    import json

    data = json.loads(text)
    keys = sources._keys_if_shallow(data, text)
    if keys is not None:
        assert _depth(data) <= 3 and keys == sources._check_depth(data, "f.json", sources.LineMap())


def test_a_scenarios_keys_are_counted_without_a_walk_unless_a_string_holds_a_bracket() -> None:
    import json

    text = '{"name": "n", "events": [{"at": "2018", "type": "attack"}, {"id": "a"}], "until": "2018"}'
    assert sources._keys_if_shallow(json.loads(text), text) == 6
    text = text.replace('"n"', '"[n]"')
    assert sources._keys_if_shallow(json.loads(text), text) is None


@settings(max_examples=200, deadline=None)
@given(data=st.one_of(st.binary(max_size=8), st.lists(st.sampled_from([b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c",
                                                                        b"\x1c", b"\xa0", b"a"])).map(b"".join)))
def test_a_file_is_refused_as_empty_exactly_when_its_bytes_are_blank(data: bytes) -> None:
    try:
        sources.decode(data, path="f.json")
    except InputError as exc:
        assert ("is empty" in exc.message) is (not data.strip())
    else:
        assert data.strip()


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.sampled_from("[a{"), max_size=12), times=st.integers(0, 8))
def test_a_character_occurs_so_many_times_exactly_when_it_counts_so_many(text: str, times: int) -> None:
    assert sources._occurs(text, "[", times) is (text.count("[") == times)
