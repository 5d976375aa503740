"""The lines of an event log, read in large blocks, and the rows they hold (JSON Lines objects or CSV rows).

A log is read :data:`BLOCK_BYTES` at a time; a block cut at its last line end is checked whole (no NUL byte,
valid UTF-8, no line longer than :data:`~engine.inputs.limits.MAX_LOG_LINE_BYTES`) and split into lines. A block
that fails a check is read again line by line, so that the lines before the bad one are still yielded in order
(their events validated, and their errors reported, first) and the bad one is reported at its own line, as
``log-file:line: what is wrong``. A byte-order mark is dropped from the start of line 1.

A JSON Lines row is decoded by the C scanner directly; a line that it cannot take as one flat object without a
key given twice is decoded again the careful way, which refuses it with the message of
:func:`_json_row_slowly` (or accepts it, nested objects and all).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from ..errors import ScenarioError
from . import limits as _limits
from .catalogue import list_fields
from .sources import _reject_constant, _unique_keys

BLOCK_BYTES = 256 * 1024  # bytes read at once; a line longer than a block is carried into the next
_JSON_SPACE = " \t\n\r"
_FLAT = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=list).scan_once  # type: ignore[attr-defined]
_PLAIN = json.JSONDecoder(parse_constant=_reject_constant).scan_once  # type: ignore[attr-defined]
_CAREFUL = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_unique_keys).decode


class LogLines:
    """The lines of a log file, numbered from 1, as text without their line end."""

    def __init__(self, handle: IO[bytes], shown: str) -> None:
        self.handle, self.shown = handle, shown
        self.unterminated: int | None = None  # the number of a last line that has no line end

    def as_read(self, number: int, text: str) -> str:
        """A line as it stands in the file, with its line end (for the messages of the careful decoders)."""
        return text if number == self.unterminated else text + "\n"

    def __iter__(self) -> Iterator[tuple[int, str]]:
        for number, text in self.pieces():
            lines = text.split("\n")
            if text.endswith("\n"):
                lines.pop()
            yield from enumerate(lines, number + 1)

    def pieces(self) -> Iterator[tuple[int, str]]:
        """The text of the file as pieces of whole lines, each after the line ``number``: a block that passes the
        checks at once, else each of its lines, up to the bad one. Every line of a piece ends with its line end,
        but the file's last line when it has none."""
        limit = _limits.MAX_LOG_LINE_BYTES
        number, rest = 0, b""
        while True:
            block = self.handle.read(BLOCK_BYTES)
            if not block:
                break
            data = rest + block if rest else block
            cut = data.rfind(b"\n") + 1
            rest = data[cut:]
            if cut:
                yield from self._block(data[:cut] if rest else data, number)
                number += data.count(b"\n", 0, cut)
            if len(rest) > limit:  # a line that has not ended within the limit
                raise self._too_long(limit, number + 1)
        if rest:
            self.unterminated = number + 1
            yield from self._block(rest, number)

    def _block(self, data: bytes, number: int) -> Iterator[tuple[int, str]]:
        """``data`` (whole lines, after the line ``number``) as one piece, or line by line."""
        text = None
        if len(data) <= _limits.MAX_LOG_LINE_BYTES and b"\x00" not in data:  # no line in it can be too long
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
        if text is None:
            yield from self._line_by_line(data, number)
            return
        if number == 0 and text.startswith("\ufeff"):
            text = text[1:]
        yield number, text

    def _line_by_line(self, data: bytes, number: int) -> Iterator[tuple[int, str]]:
        limit = _limits.MAX_LOG_LINE_BYTES
        handle = io.BytesIO(data)
        while True:
            raw = handle.readline(limit + 1)
            if not raw:
                return
            number += 1
            if len(raw) > limit:
                raise self._too_long(limit, number)
            if b"\x00" in raw:
                raise ScenarioError("the event log is binary (it contains a NUL byte)", path=self.shown,
                                    line=number)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ScenarioError(f"the event log is not valid UTF-8 (byte {exc.start} of this line)",
                                    path=self.shown, line=number) from None
            if number == 1:
                text = text.removeprefix("\ufeff")
            yield number - 1, text

    def _too_long(self, limit: int, number: int) -> ScenarioError:
        return ScenarioError(f"this line is longer than {limit:,} bytes; a line holds one event", path=self.shown,
                             line=number)


def json_rows(lines: LogLines) -> Iterator[tuple[int, Any]]:
    """The value of each non-blank line of a JSON Lines log."""
    for first, rows in json_blocks(lines):
        yield from enumerate(rows, first)


def json_blocks(lines: LogLines) -> Iterator[tuple[int, list[Any]]]:
    """The values of the non-blank lines of a JSON Lines log, as lists of the values of consecutive lines, each
    with the number of the line of its first value: a piece of the file at once when it is a plain run of flat
    objects (:func:`_flat_objects`), else line by line."""
    flat = _FLAT
    for after, piece in lines.pieces():
        rows = _flat_objects(piece)
        if rows is not None:
            yield after + 1, rows
            continue
        texts = piece.split("\n")
        if piece.endswith("\n"):
            texts.pop()
        for number, text in enumerate(texts, after + 1):
            if text[:1] == "{" and text.count("{") == 1:  # one object, none nested: the common event
                try:
                    pairs, end = flat(text, 0)
                except (StopIteration, ValueError, RecursionError):
                    pass
                else:
                    row = dict(pairs)
                    if len(row) == len(pairs) and (end == len(text) or not text[end:].strip(_JSON_SPACE)):
                        yield number, [row]
                        continue
            if text.strip():
                yield number, [_json_row_slowly(lines.as_read(number, text), lines.shown, number)]


def _flat_objects(piece: str) -> list[dict[str, Any]] | None:
    """The objects of a piece of JSON Lines decoded at once, or None unless it is a run of lines that each hold
    one flat object, no key given twice, no escape (then each line is read on its own).

    The piece is decoded as one JSON array, its line ends read as commas, by the C scanner with plain dicts (no
    hook per object). What makes that the same as decoding each line on its own: every line starts with ``{`` and
    the piece holds no other ``{``, and the array holds as many objects as there are lines, so the n-th object
    is the whole n-th line (an object opened on one line cannot run into the next: the line end read as a comma
    would stand right before the next line's ``{``, where an object allows no comma). What shows that no object
    has a key given twice: with no backslash in the piece (no quote inside a string) and no space, tab or
    carriage return before a colon, every key is directly followed by ``":``, so the piece holds at least as many
    ``":`` as keys were given; if it holds exactly as many as the decoded objects have keys, none was lost."""
    body = piece[:-1] if piece.endswith("\n") else piece
    count = body.count("\n") + 1
    if (body[:1] != "{" or body.count("{") != count or body.count("\n{") != count - 1 or "\\" in body
            or " :" in body or ("\t" in body and "\t:" in body) or ("\r" in body and "\r:" in body)):
        return None
    text = "[" + body.replace("\n", ",") + "]"
    try:
        rows, end = _PLAIN(text, 0)
    except (StopIteration, ValueError, RecursionError):
        return None
    if (end != len(text) or len(rows) != count or {*map(type, rows)} != {dict}
            or sum(map(len, rows)) != body.count('":')):
        return None
    return rows  # type: ignore[no-any-return]


def _json_row_slowly(text: str, shown: str, number: int) -> Any:
    try:
        return _CAREFUL(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=shown, line=number) from None
    except (ValueError, RecursionError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "nesting too deep"
        raise ScenarioError(f"invalid JSON: {reason}", path=shown, line=number) from None


def csv_rows(lines: LogLines) -> Iterator[tuple[int, Any]]:
    """The rows of a CSV log as mappings of the header's fields (an empty cell is an absent field; a list field
    takes its items separated by ``;``)."""
    header: list[str] | None = None
    lists = list_fields()
    for number, text in lines:
        if not text.strip():
            continue
        try:
            cells = next(csv.reader(io.StringIO(lines.as_read(number, text))))
        except (csv.Error, StopIteration) as exc:
            raise ScenarioError(f"invalid CSV: {exc}", path=lines.shown, line=number) from None
        if header is None:
            header = [cell.strip() for cell in cells]
            if "at" not in header or "type" not in header:
                raise ScenarioError("the first row names the event fields, `at` and `type` among them",
                                    path=lines.shown, line=number)
            if len(set(header)) != len(header):
                raise ScenarioError("a column is named twice in the header", path=lines.shown, line=number)
            continue
        if len(cells) > len(header):
            raise ScenarioError(f"this row has {len(cells)} cells; the header names {len(header)} fields",
                                path=lines.shown, line=number)
        row: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=False):
            if cell == "":
                continue
            row[name] = [item.strip() for item in cell.split(";") if item.strip()] if name in lists else cell
        yield number, row
