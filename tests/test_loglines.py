"""Reading an event log in blocks gives the lines, rows and errors (at their lines) that reading it line by line
gives."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import Engine, ScenarioError
from engine.inputs import limits, loglines
from engine.inputs.sources import _reject_constant, _unique_keys

THREAT = {"at": "2018-04-14T14:30Z", "type": "threat", "against": "MINUSMA", "level": "credible"}


def _event(number: int, **more: Any) -> bytes:
    return json.dumps({"id": f"t{number}", **THREAT, **more}).encode() + b"\n"


CASES = [  # log bytes, then the line and message of the error (None: the log loads)
    (_event(1) + b'{"id": "x\x00"}\n', 2, "the event log is binary (it contains a NUL byte)"),
    (_event(1) + _event(2) + b'{"id": "caf\xe9"}\n', 3, "the event log is not valid UTF-8 (byte 11 of this line)"),
    (b"\xef\xbb\xbf" + _event(1), None, None),
    (_event(1) + b"\xef\xbb\xbf" + _event(2), 2, "invalid JSON: Expecting value (column 1)"),
    (_event(1) + b'{"type": "threat"}\n' + b"\x00\n", 2, "missing required field 'at' (and 2 more problems)"),
    (_event(1) + b'{"a": 1', 2, "invalid JSON: Expecting ',' delimiter (column 8)"),
    (_event(1) + b'{"a": 1\n', 2, "invalid JSON: Expecting ',' delimiter (column 1)"),
    (_event(1) + b'{"id": "a", "id": "b"}\n', 2, "invalid JSON: the key 'id' appears twice in one mapping"),
    (_event(1) + b'{"id": NaN}\n', 2, "invalid JSON: NaN is not a number these files accept"),
    (_event(1) + _event(2, note={"a": 1}), 2, "note: Input should be a valid string (got {'a': 1})"),
    (_event(1).replace(b"\n", b"\r\n") + _event(2).replace(b"\n", b"\r\n") + b"{x\r\n", 3,
     "invalid JSON: Expecting property name enclosed in double quotes (column 2)"),
    (_event(1) + b"\n   \n\t\n" + b"[1, 2]\n", 5, "an event is a mapping with `at`, `type` and its fields"),
    (_event(1) + b'{"a": 1} {"b": 2}\n', 2, "invalid JSON: Extra data (column 10)"),
    (_event(1) + b'{"a": [1,\n 2]}\n', 2, "invalid JSON: Expecting value (column 1)"),
    (_event(1) + b"  " + _event(2) + b' {"x": 1}\n', 3, "an event needs a `type`"),
    (_event(1) + b'{"a": ' + b"[" * 3_000 + b"]" * 3_000 + b"}\n", 2, "invalid JSON: nesting too deep"),
    (_event(1) + _event(2).rstrip(b"\n"), None, None),
    (_event(1) + b'"just text"\n', 2, "an event is a mapping with `at`, `type` and its fields"),
    (_event(1) + _event(5, note="a:b").replace(b'"note"', b'"note": "c", "note"'), 2,
     "invalid JSON: the key 'note' appears twice in one mapping"),
    (_event(1) + b'{"id": "t9", "note": "a\\u003ab", "note": "c"}\n', 2,
     "invalid JSON: the key 'note' appears twice in one mapping"),
    (_event(1) + '{"id": "t9", "note": "a\u2028b"}\n'.encode() + b"{bad\n", 2, "an event needs a `type`"),
    (_event(1) + b'{"id": "t9",\r "x": 1}\n{bad\n', 2, "an event needs a `type`"),
    (_event(1) + b'{"note": "' + b"x" * 10_000 + b'"}\n', 2, "this line is longer than 10,000 bytes"),
    (_event(1) + b"x" * 10_001, 2, "this line is longer than 10,000 bytes; a line holds one event"),
    (_event(1) + b"x" * 10_000, 2, "invalid JSON: Expecting value (column 1)"),
]


@pytest.mark.parametrize("block", [loglines.BLOCK_BYTES, 1, 7, 150])
@pytest.mark.parametrize(("data", "line", "message"), CASES)
def test_a_log_is_read_as_before_whatever_the_block_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int,
                                                         data: bytes, line: int | None, message: str | None) -> None:
    monkeypatch.setattr(loglines, "BLOCK_BYTES", block)
    monkeypatch.setattr(limits, "MAX_LOG_LINE_BYTES", 10_000)
    (tmp_path / "log.jsonl").write_bytes(data)
    (tmp_path / "s.yaml").write_text("name: Cases of event logs.\nevents_from: log.jsonl\n", encoding="utf-8")
    if line is None:
        Engine().load(tmp_path / "s.yaml")
        return
    with pytest.raises(ScenarioError) as caught:
        Engine().load(tmp_path / "s.yaml")
    assert (caught.value.path, caught.value.line) == (str(tmp_path / "log.jsonl"), line)
    assert caught.value.message.startswith(message)


# ---- against the reading of a log line by line, one decode each (the oracle) ---------------------------------


def _lines_one_by_one(data: bytes, limit: int) -> Iterator[tuple[int, str]]:
    handle, number = io.BytesIO(data), 0
    while raw := handle.readline(limit + 1):
        number += 1
        if len(raw) > limit:
            raise ScenarioError(f"this line is longer than {limit:,} bytes; a line holds one event", path="x",
                                line=number)
        if b"\x00" in raw:
            raise ScenarioError("the event log is binary (it contains a NUL byte)", path="x", line=number)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError(f"the event log is not valid UTF-8 (byte {exc.start} of this line)", path="x",
                                line=number) from None
        yield number, text.removeprefix("\ufeff") if number == 1 else text


def _rows_one_by_one(data: bytes, limit: int) -> Iterator[tuple[int, Any]]:
    decode = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_unique_keys).decode
    for number, text in _lines_one_by_one(data, limit):
        if not text.strip():
            continue
        try:
            yield number, decode(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(f"invalid JSON: {exc.msg} (column {exc.colno})", path="x", line=number) from None
        except (ValueError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else "nesting too deep"
            raise ScenarioError(f"invalid JSON: {reason}", path="x", line=number) from None


def _outcome(rows: Iterator[tuple[int, Any]]) -> list[Any]:
    out: list[Any] = []
    try:
        out.extend(rows)
    except ScenarioError as exc:
        out.append(("error", exc.line, exc.message))
    return out


_PIECES = st.sampled_from([b'{"a": 1}', b'{"a": 1, "a": 2}', b'{"a": {"b": 1}}', b'{"a": "{"}', b"[1]", b"", b"  ",
                           b"\t", b'{"a": NaN}', b'{"a": 1} x', b'{"a": 1}  ', b"{", b"\x00", b"\xff", b"\xc3",
                           "é".encode(), b"\xef\xbb\xbf", b'"\\u003a"', b"\r", b'{"k": "\\ud800"}', b"1e400",
                           b'{"a": [1, 2, {"c": 3}]}', b'{"a": "x:y", "b": null, "c": true}', b'{"a":1,"a":2}',
                           b'{"a" :1,"a":2,"b":"\\":"}', b'{"a":1,"b":":"}', b'{"b":"x"}', b'{"a":1}\t'])
_LOGS = st.lists(st.lists(_PIECES | st.binary(max_size=4), max_size=4).map(b"".join), max_size=8).flatmap(
    lambda lines: st.sampled_from((b"\n", b"\r\n")).flatmap(
        lambda end: st.booleans().map(lambda last: end.join(lines) + (end if last and lines else b""))))


@settings(max_examples=400, deadline=None)
@given(data=_LOGS, block=st.integers(1, 40), limit=st.sampled_from((8, 30, 1_000)))
def test_blocks_give_the_rows_and_the_first_error_that_lines_read_one_by_one_give(
        data: bytes, block: int, limit: int) -> None:
    expected = _outcome(_rows_one_by_one(data, limit))
    saved = loglines.BLOCK_BYTES, limits.MAX_LOG_LINE_BYTES
    loglines.BLOCK_BYTES, limits.MAX_LOG_LINE_BYTES = block, limit
    try:
        got = _outcome(loglines.json_rows(loglines.LogLines(io.BytesIO(data), "x")))
    finally:
        loglines.BLOCK_BYTES, limits.MAX_LOG_LINE_BYTES = saved
    assert got == expected
