"""Reading user files safely, fast, with the line of any value when an error needs it.

Scenario and rule files are YAML or JSON. This module turns a file into plain Python data plus a
:class:`LineMap` that finds the line of a value by its path (``("events", 3, "at")``) so that every later error
can be reported as ``path:line: message``. Lines are looked up only when an error is reported: reading a file
costs what the C parsers cost (``json`` for JSON; libyaml's event parser for YAML, composed into data by
:mod:`engine.inputs.yamltext`).

It never executes anything and reads only what it must: only regular files (never a device, a FIFO or a
socket, even through a symlink), never more than the bytes limit of :mod:`engine.inputs.limits` whatever size
the file reports; YAML aliases (no alias bombs), tags other than the plain ones, duplicate keys and deep nesting
are refused; dates are left as strings for the models to parse; files that are empty, binary or not UTF-8 are
refused.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import InputError
from . import limits as _limits
from .linemap import MAX_DEPTH, Path_, _error, _line_at, _wanted
from .linemap import LineMap as LineMap  # (what load and parse return with the data: importers take it from here)

# ---- reading files ---------------------------------------------------------------------------------------------


def open_regular(path: Path, *, what: str = "file") -> Any:
    """A regular file opened for reading in binary, or an :class:`InputError`: a directory, a device such as
    ``/dev/zero``, a FIFO or a socket (also behind a symlink) is refused without reading or waiting."""
    shown = str(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise _error(shown, None, f"is a directory, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise _error(shown, None, f"is not a regular file (a device, FIFO or socket), so not a {what}")
        # O_NONBLOCK: should the path have become a FIFO since the check, opening it does not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise _error(shown, None, f"is not a regular file (a device, FIFO or socket), so not a {what}")
            os.set_blocking(fd, True)
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
    except FileNotFoundError:
        raise _error(shown, None, f"no such {what}") from None
    except PermissionError:
        raise _error(shown, None, f"cannot read the {what}: permission denied") from None
    except IsADirectoryError:
        raise _error(shown, None, f"is a directory, not a {what}") from None
    except OSError as exc:
        raise _error(shown, None, f"cannot read the {what}: {exc.strerror or exc}") from None


def read_bytes(path: Path, *, what: str = "file", limit: int | None = None) -> bytes:
    """At most ``limit`` bytes (default: the bytes limit in force) of a regular file; more is an error."""
    limit = _limits.current().max_bytes if limit is None else limit
    shown = str(path)
    with open_regular(path, what=what) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise _error(shown, None, f"{what} is {size:,} bytes; the limit is {limit:,} bytes (--max-bytes)")
        try:
            data: bytes = handle.read(limit + 1)  # never more, whatever size the file reported
        except OSError as exc:
            raise _error(shown, None, f"cannot read the {what}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise _error(shown, None, f"{what} is more than {limit:,} bytes; the limit is {limit:,} bytes (--max-bytes)")
    return data


def decode(data: bytes, *, path: str, what: str = "file") -> str:
    """UTF-8 text of a file's bytes, refusing empty, binary and non-UTF-8 files."""
    if not data or data.isspace():  # (as data.strip() would say, without copying the file)
        raise _error(path, 1, f"the {what} is empty")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _error(path, _line_at(data, nul), f"the {what} is binary (it contains a NUL byte), not YAML or JSON")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(path, _line_at(data, exc.start), f"the {what} is not valid UTF-8 (byte {exc.start})") from None


def read_text(path: Path, *, what: str = "file") -> str:
    """The UTF-8 text of a user file, or an :class:`InputError` that says why it cannot be read."""
    return decode(read_bytes(path, what=what), path=str(path), what=what)


def load(path: Path, *, what: str = "file") -> tuple[Any, LineMap]:
    """Read and parse a user file."""
    return parse(read_text(path, what=what), path=str(path))


def parse(text: str, *, path: str) -> tuple[Any, LineMap]:
    """Parse YAML or JSON text (by the file's suffix) into data and its line map."""
    if path.endswith(".json"):
        return _parse_json(text, path)
    from .yamltext import parse_yaml  # here: PyYAML is imported only for YAML files

    return parse_yaml(text, path)


# ---- JSON ------------------------------------------------------------------------------------------------------


def _parse_json(text: str, path: str) -> tuple[Any, LineMap]:
    lines = LineMap(locate=lambda targets: _json_lines(text, targets))
    data = _json_plainly(text)
    if data is not _NOT_SURE:
        try:
            keys = _keys_if_shallow(data, text)
            if (_check_depth(data, path, lines) if keys is None else keys) == text.count('":'):
                return data, lines
        except InputError:  # too deep: but a key given twice earlier is reported first, the careful way
            pass
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise _error(path, _line_at(text, exc.pos), f"invalid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise _error(path, None, f"invalid JSON: {exc}") from None
    except RecursionError:
        raise _error(path, _json_depth_line(text), f"nesting is deeper than {MAX_DEPTH} levels") from None
    _check_depth(data, path, lines)
    return data, lines


_NOT_SURE = object()


def _json_plainly(text: str) -> Any:
    """JSON text decoded by the C scanner with plain dicts (no hook per object), or :data:`_NOT_SURE` (an escape,
    a space before a colon, or an error, which the careful way words). With no backslash (no quote in a string)
    and no space before a colon, each key is followed by ``":``: if the text holds as many ``":`` as the decoded
    objects have keys (:func:`_check_depth`), no key given twice was lost (:func:`_parse_json`)."""
    if "\\" in text or " :" in text or any(space in text and space + ":" in text for space in "\t\n\r"):
        return _NOT_SURE
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return _NOT_SURE


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number these files accept")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (as YAML files do; json.loads would keep the last silently)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {key!r} appears twice in one mapping")
            seen.add(key)
    return out


def _keys_if_shallow(data: Any, text: str) -> int | None:
    """How many keys the mappings of ``data`` (decoded from ``text``) hold, all told, when its only containers are
    a mapping, the values of it and the items of lists among them (as a scenario's events): proven at C speed by
    the text holding no more brackets than those containers (each container opens with one, outside strings); else
    None (another shape, or a bracket in a string: :func:`_check_depth` walks it)."""
    if data.__class__ is not dict:
        return None
    keys, maps, lists = len(data), 1, 0
    for value in data.values():
        kind = value.__class__
        if kind is dict:
            keys, maps = keys + len(value), maps + 1
        elif kind is list:
            try:  # (dict.__len__ refuses an item that is not a mapping: one pass over the items)
                keys, maps, lists = keys + sum(map(dict.__len__, value)), maps + len(value), lists + 1
            except TypeError:
                return None
    return keys if text.count("{") == maps and _occurs(text, "[", lists) else None


def _occurs(text: str, character: str, times: int) -> bool:
    """Whether ``character`` occurs exactly ``times`` times in ``text`` (a few: each found at the speed of memchr,
    where counting them all is slower)."""
    at = -1
    for found in range(times + 1):
        at = text.find(character, at + 1)
        if at < 0:
            return found == times
    return False


def _check_depth(data: Any, path: str, lines: LineMap) -> int:
    """Refuse a value nested deeper than :data:`MAX_DEPTH`, at the line of its first item; return how many keys
    its mappings hold, all told. Only containers are visited, and a mapping whose values hold no container (an
    event) is passed over at C speed."""
    stack: list[tuple[Any, int, Path_]] = [(data, 0, ())]
    keys = len(data) if data.__class__ is dict else 0
    while stack:
        value, depth, where = stack.pop()
        if (value.__class__ is list and depth + 1 < MAX_DEPTH and set(map(type, value)) == _DICT
                and _FLAT_VALUES.issuperset(map(type, itertools.chain.from_iterable(map(dict.values, value))))):
            keys += sum(map(len, value))  # a list of flat mappings (events), passed over at C speed
            continue
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        if depth >= MAX_DEPTH:
            for key, _ in items:
                raise _error(path, lines.line_of((*where, key)), f"nesting is deeper than {MAX_DEPTH} levels")
            continue
        for key, item in items:
            kind = item.__class__
            if kind is dict:
                keys += len(item)
            nested = kind is list or (kind is dict and (not _FLAT_VALUES.issuperset(map(type, item.values()))
                                                        or (item and depth + 1 >= MAX_DEPTH)))
            if nested:  # a container that holds containers, or whose items lie too deep
                stack.append((item, depth + 1, (*where, key)))
    return keys


_FLAT_VALUES = frozenset({str, int, float, bool, type(None)})  # what a parsed value holds that is no container
_DICT = {dict}


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.S)


def _json_tokens(text: str) -> Iterable[tuple[str, int]]:
    for match in _JSON_TOKEN.finditer(text):
        yield match.group(), match.start()


def _json_lines(text: str, targets: list[Path_]) -> dict[Path_, int]:
    """The lines of the values at ``targets`` (and of their enclosing values), by one scan of the tokens."""
    wanted = _wanted(targets)
    found: dict[Path_, int] = {}
    stack: list[list[Any]] = []  # open containers: [path or None, is object, key or index, awaiting a key]
    for token, offset in _json_tokens(text):
        first = token[0]
        if first in ",:":
            if first == "," and stack:
                frame = stack[-1]
                if frame[1]:
                    frame[3] = True
                else:
                    frame[2] += 1
            continue
        if first in "}]":
            if stack:
                stack.pop()
            continue
        if stack and stack[-1][1] and stack[-1][3]:  # an object's key
            frame = stack[-1]
            try:
                frame[2] = json.loads(token)
            except ValueError:
                frame[2] = token
            frame[3] = False
            continue
        if stack:
            parent = stack[-1]
            where = None if parent[0] is None else (*parent[0], parent[2])
        else:
            where = ()
        if where is not None and where not in wanted:
            where = None
        if where is not None and where not in found:
            found[where] = _line_at(text, offset)
            if all(target in found for target in targets):
                break
        if first in "{[":
            stack.append([where, first == "{", 0, first == "{"])
    return found


def _json_depth_line(text: str) -> int | None:
    """The line where JSON nesting first goes deeper than :data:`MAX_DEPTH`."""
    depth = 0
    for token, offset in _json_tokens(text):
        if token in ("{", "["):
            depth += 1
            if depth > MAX_DEPTH:
                return _line_at(text, offset)
        elif token in ("}", "]"):
            depth -= 1
    return None


# ---- validation errors -----------------------------------------------------------------------------------------
def describe_validation_error(error: dict[str, Any]) -> str:
    """A readable sentence for one pydantic error."""
    loc = [part for part in error.get("loc", ()) if not (isinstance(part, str) and part.startswith("function-"))]
    name = next((str(part) for part in reversed(loc) if isinstance(part, str)), "value")
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return f"unknown key {name!r}"
    if kind == "missing":
        return f"missing required field {name!r}"
    message = str(error.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    if kind in {"value_error", "assertion_error"}:
        return f"{name}: {message}" if name != "value" else message
    shown = repr(error.get("input"))
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return f"{name}: {message} (got {shown})"


def first_error(exc: Any, *, path: str, lines: LineMap, prefix: tuple[Any, ...] = (),
                error_type: type[InputError] = InputError) -> InputError:
    """Turn a pydantic ``ValidationError`` into a located :class:`InputError` about its first problem."""
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = (*prefix, *first.get("loc", ()))
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return error_type(describe_validation_error(first) + more, path=path, line=lines.line_of(loc))
