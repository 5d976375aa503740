"""Reading user files safely, with the line of every value.

Scenario and rule files are YAML or JSON. This module turns a file into plain Python data plus a
:class:`LineMap` from each value's path (``("events", 3, "at")``) to its line, so that every later error can be
reported as ``path:line: message``. It never executes anything: YAML is read with a safe loader that also
rejects aliases (no alias bombs), duplicate keys and deep nesting, leaves dates as strings for the models to
parse, and refuses files that are too large, empty, binary or not UTF-8.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import InputError

MAX_FILE_BYTES = 1024 * 1024  # a year of dense events is well under 1 MiB; pure-Python YAML reads ~0.5 MiB/s
MAX_NODES = 100_000  # values (keys included) in one file, about 8,000 events: bounds reading time and memory
MAX_DEPTH = 32  # nesting levels; real files use fewer than 8

Path_ = tuple[str | int, ...]
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)


@dataclass
class LineMap:
    """Line numbers (1-based) of the values of a parsed document, by path."""

    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        """The line of ``loc``, or of its nearest enclosing value that has one."""
        key = tuple(loc)
        while True:
            if key in self.lines:
                return self.lines[key]
            if not key:
                return None
            key = key[:-1]


class _TooManyNodes(yaml.YAMLError):
    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}")
        self.line = line


class _Loader(yaml.SafeLoader):
    """A safe loader with no aliases, no implicit timestamps and at most :data:`MAX_NODES` values."""

    nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases (*name) are not allowed in these files", event.start_mark
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooManyNodes(self.peek_event().start_mark.line + 1)  # type: ignore[no-untyped-call]
        return super().compose_node(parent, index)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _error(path: str, line: int | None, message: str) -> InputError:
    return InputError(message, path=path, line=line)


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_text(path: Path, *, what: str = "file") -> str:
    """The UTF-8 text of a user file, or an :class:`InputError` that says why it cannot be read."""
    shown = str(path)
    try:
        if path.is_dir():
            raise _error(shown, None, f"is a directory, not a {what}")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _error(shown, None, f"{what} is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes")
        data = path.read_bytes()
    except FileNotFoundError:
        raise _error(shown, None, f"no such {what}") from None
    except PermissionError:
        raise _error(shown, None, f"cannot read the {what}: permission denied") from None
    except OSError as exc:
        raise _error(shown, None, f"cannot read the {what}: {exc.strerror or exc}") from None
    if not data.strip():
        raise _error(shown, 1, f"the {what} is empty")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _error(shown, _line_at(data, nul), f"the {what} is binary (it contains a NUL byte), not YAML or JSON")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _error(shown, _line_at(data, exc.start), f"the {what} is not valid UTF-8 (byte {exc.start})") from None


def parse(text: str, *, path: str) -> tuple[Any, LineMap]:
    """Parse YAML or JSON text (by the file's suffix) into data and its line map."""
    if path.endswith(".json"):
        try:
            data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
        except json.JSONDecodeError as exc:
            raise _error(path, exc.lineno, f"invalid JSON: {exc.msg}") from None
        except ValueError as exc:
            raise _error(path, None, f"invalid JSON: {exc}") from None
        except RecursionError:
            raise _error(path, None, f"nesting is deeper than {MAX_DEPTH} levels") from None
        lines = LineMap()
        try:  # JSON is YAML: read it once more only to learn the lines
            node = yaml.compose(text, Loader=_Loader)
            if node is not None:
                _walk(node, (), lines, path, 0, construct=False, loader=None)
        except (yaml.YAMLError, RecursionError, InputError):
            pass
        _check_depth(data, path, lines)
        return data, lines
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise _error(path, 1, "the file holds no document")
            lines = LineMap()
            data = _walk(node, (), lines, path, 0, construct=True, loader=loader)
        finally:
            loader.dispose()
    except _TooManyNodes as exc:
        raise _error(path, exc.line, f"the file holds more than {MAX_NODES:,} values; a scenario is far smaller") \
            from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise _error(path, line, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: no mark, only a position
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise _error(path, line, f"invalid YAML: the character U+{code:04X} is not allowed") from None
    except yaml.YAMLError as exc:
        raise _error(path, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise _error(path, None, f"nesting is deeper than {MAX_DEPTH} levels") from None
    return data, lines


def load(path: Path, *, what: str = "file") -> tuple[Any, LineMap]:
    """Read and parse a user file."""
    return parse(read_text(path, what=what), path=str(path))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number these files accept")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (as YAML files do; json.loads would keep the last silently)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one mapping")
        out[key] = value
    return out


def _check_depth(data: Any, path: str, lines: LineMap) -> None:
    stack: list[tuple[Any, int, Path_]] = [(data, 0, ())]
    while stack:
        value, depth, where = stack.pop()
        if depth > MAX_DEPTH:
            raise _error(path, lines.line_of(where), f"nesting is deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1, (*where, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, (*where, i)) for i, v in enumerate(value))


def _walk(node: Node, where: Path_, lines: LineMap, path: str, depth: int, *, construct: bool,
          loader: _Loader | None) -> Any:
    if depth > MAX_DEPTH:
        raise _error(path, node.start_mark.line + 1, f"nesting is deeper than {MAX_DEPTH} levels")
    lines.lines[where] = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        raise _error(path, node.start_mark.line + 1, f"the YAML tag {node.tag!r} is not allowed in these files")
    if isinstance(node, MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _error(path, key_node.start_mark.line + 1, "a key must be a plain name, not a list or mapping")
            key = key_node.value
            if construct and key in out:
                raise _error(path, key_node.start_mark.line + 1, f"the key {key!r} appears twice in one mapping")
            out[key] = _walk(value_node, (*where, key), lines, path, depth + 1, construct=construct, loader=loader)
            lines.lines.setdefault((*where, key), key_node.start_mark.line + 1)
        return out
    if isinstance(node, SequenceNode):
        return [
            _walk(item, (*where, i), lines, path, depth + 1, construct=construct, loader=loader)
            for i, item in enumerate(node.value)
        ]
    if construct and loader is not None:
        try:
            return loader.construct_object(node, deep=True)
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            reason = str(exc).split(";")[0]
            raise _error(path, node.start_mark.line + 1, f"this value cannot be read: {reason}") from None
    return None


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
