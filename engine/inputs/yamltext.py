"""YAML files read with libyaml's event parser, composed here into plain data (see :mod:`engine.inputs.sources`).

Only mappings, lists and plain scalars are built: aliases, tags other than the plain ones, duplicate keys,
complex keys, nesting deeper than :data:`~engine.inputs.sources.MAX_DEPTH` and more values than the limit are
refused. Dates stay strings (no implicit timestamps). A syntax error is worded as PyYAML's pure-Python parser
words it when the file is small enough to parse again that way. Imported only when a YAML file is read: a JSON
scenario never loads PyYAML.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import InputError
from . import limits as _limits
from .linemap import MAX_DEPTH, LineMap, Path_, _error, _line_at, _wanted

PURE_MESSAGE_BYTES = 2 * _limits.MIB  # YAML syntax errors in files up to this size get PyYAML's own wording

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(_TAG + name for name in ("str", "int", "float", "bool", "null", "seq", "map"))
_NO_KEY = object()  # a mapping awaiting its next key
_MAX_KNOWN = 4096  # distinct plain scalars whose resolution is remembered while reading one file


def _without_timestamps(loader: Any) -> None:
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TAG + "timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class _CLoader(yaml.CSafeLoader):  # libyaml's parser, PyYAML's resolver and constructor
    """libyaml's event parser with the safe constructor; no implicit timestamps."""


class _PureLoader(yaml.SafeLoader):
    """The pure-Python loader, used only to word a syntax error as PyYAML does."""


_without_timestamps(_CLoader)
_without_timestamps(_PureLoader)
#: First characters of plain scalars that an implicit resolver may read as something other than text (numbers,
#: booleans, null...): every other non-empty plain scalar is text without asking the resolver.
_MAYBE_NOT_TEXT = frozenset(first for first in _CLoader.yaml_implicit_resolvers if first)


def parse_yaml(text: str, path: str) -> tuple[Any, LineMap]:
    """YAML text as data and its line map (lines found by reading the text again, only when asked for)."""
    max_values = _limits.current().max_values
    loader = _CLoader(text)
    try:
        data = _compose(loader, path, max_values)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(text, path, exc) from None
    except yaml.reader.ReaderError as exc:
        raise _syntax_error(text, path, exc) from None
    except yaml.YAMLError as exc:
        raise _error(path, None, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return data, LineMap(locate=lambda targets: _yaml_lines(text, targets))


def _compose(loader: Any, path: str, max_values: int) -> Any:
    """Data from libyaml's events: mappings, lists and plain scalars; refuses aliases, tags other than the
    plain ones, duplicate keys, complex keys, nesting deeper than :data:`MAX_DEPTH` and more than
    ``max_values`` values."""
    loader.get_event()  # the stream's start
    if loader.check_event(StreamEndEvent):
        raise _error(path, 1, "the file holds no document")
    document = loader.get_event()
    assert isinstance(document, DocumentStartEvent)
    data = _document(loader, path, max_values)
    end = loader.get_event()
    assert isinstance(end, DocumentEndEvent)
    if not loader.check_event(StreamEndEvent):
        other = loader.get_event()
        raise _error(path, other.start_mark.line + 1, "invalid YAML: but found another document")
    return data


def _document(loader: Any, path: str, max_values: int) -> Any:
    get, resolve = loader.get_event, loader.resolve
    constructors = loader.yaml_constructors
    stack: list[list[Any]] = []  # open containers: [container, is a mapping, the key awaiting its value]
    known: dict[tuple[str, tuple[bool, bool]], Any] = {}  # plain scalars already resolved and constructed
    count = 0
    while True:
        event = get()
        kind = event.__class__
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            done = stack.pop()[0]
            if not stack:
                return done
            continue
        count += 1
        if count > max_values:
            raise _error(path, event.start_mark.line + 1, f"the file holds more than {max_values:,} values; the "
                         "limit is one value per 8 bytes of --max-bytes")
        frame = stack[-1] if stack else None
        if frame is not None and frame[1] and frame[2] is _NO_KEY:  # a mapping's key
            if kind is not ScalarEvent:
                if kind is AliasEvent:
                    raise _alias(path, event)
                raise _error(path, event.start_mark.line + 1, "a key must be a plain name, not a list or mapping")
            if event.value in frame[0]:
                raise _error(path, event.start_mark.line + 1,
                             f"the key {event.value!r} appears twice in one mapping")
            frame[2] = event.value
            continue
        if kind is AliasEvent:
            raise _alias(path, event)
        if len(stack) > MAX_DEPTH:
            raise _error(path, event.start_mark.line + 1, f"nesting is deeper than {MAX_DEPTH} levels")
        tag = event.tag
        value: Any
        if kind is ScalarEvent:
            text = event.value
            if tag is None and (not event.implicit[0] or (text and text[0] not in _MAYBE_NOT_TEXT)):
                value = text  # quoted, or plain and starting with a letter no implicit type starts with: text
            elif tag is None and (text, event.implicit) in known:
                value = known[text, event.implicit]
            else:
                if tag is None or tag == "!":
                    tag = resolve(ScalarNode, text, event.implicit)
                value = text if tag == _TAG + "str" else _scalar(constructors, loader, tag, event, path)
                if event.tag is None and len(known) < _MAX_KNOWN:
                    known[text, event.implicit] = value
        else:
            mapping = kind is MappingStartEvent
            if tag is None or tag == "!":
                tag = resolve(MappingNode if mapping else SequenceNode, None, event.implicit)
            if tag not in _PLAIN_TAGS:
                raise _error(path, event.start_mark.line + 1, f"the YAML tag {tag!r} is not allowed in these files")
            value = {} if mapping else []
        if frame is None:
            if kind is ScalarEvent:
                return value
        elif frame[1]:
            frame[0][frame[2]] = value
            frame[2] = _NO_KEY
        else:
            frame[0].append(value)
        if kind is not ScalarEvent:
            stack.append([value, kind is MappingStartEvent, _NO_KEY])


def _scalar(constructors: dict[str, Any], loader: Any, tag: str, event: Any, path: str) -> Any:
    if tag not in _PLAIN_TAGS:
        raise _error(path, event.start_mark.line + 1, f"the YAML tag {tag!r} is not allowed in these files")
    if tag == _TAG + "null":
        return None
    node = ScalarNode(tag, event.value, event.start_mark, event.end_mark)
    try:
        return constructors[tag](loader, node)
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        reason = str(exc).split(";")[0]
        raise _error(path, event.start_mark.line + 1, f"this value cannot be read: {reason}") from None


def _alias(path: str, event: Any) -> InputError:
    return _error(path, event.start_mark.line + 1, "YAML aliases (*name) are not allowed in these files")


def _syntax_error(text: str, path: str, exc: yaml.YAMLError) -> InputError:
    """A YAML syntax error, worded as PyYAML's pure-Python parser words it when the file is small enough to
    parse that way again (the messages users and tests know), else as libyaml words it."""
    if isinstance(exc, yaml.MarkedYAMLError) and "maximum nesting depth" in str(exc.problem):  # libyaml's own
        mark = exc.problem_mark or exc.context_mark
        return _error(path, mark.line + 1 if mark is not None else None, f"nesting is deeper than {MAX_DEPTH} levels")
    if len(text) <= PURE_MESSAGE_BYTES:
        try:
            yaml.compose(text, Loader=_PureLoader)
        except (yaml.YAMLError, RecursionError) as pure:
            if isinstance(pure, yaml.YAMLError):
                exc = pure
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        return _error(path, line, f"invalid YAML: {problem}")
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow: no mark, only a position
        line = _line_at(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return _error(path, line, f"invalid YAML: the character U+{code:04X} is not allowed")
    return _error(path, None, f"invalid YAML: {exc}")


def _yaml_lines(text: str, targets: list[Path_]) -> dict[Path_, int]:
    """The lines of the values at ``targets`` (and of their enclosing values), by one pass of libyaml."""
    wanted = _wanted(targets)
    found: dict[Path_, int] = {}
    stack: list[list[Any]] = []  # open containers: [path or None, is a mapping, key or index, awaiting a key]
    loader: Any = _CLoader(text)
    try:
        while True:
            event = loader.get_event()
            kind = event.__class__
            if kind in (StreamStartEvent, DocumentStartEvent, DocumentEndEvent):
                continue
            if kind is StreamEndEvent:
                break
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
                continue
            where: Path_ | None = ()
            if stack:
                frame = stack[-1]
                if frame[1] and frame[3]:  # a key
                    frame[3] = False
                    frame[2] = event.value if kind is ScalarEvent else _NO_KEY
                    if kind in (MappingStartEvent, SequenceStartEvent):
                        stack.append([None, kind is MappingStartEvent, 0, kind is MappingStartEvent])
                    continue
                key = frame[2]
                if frame[1]:
                    frame[3] = True
                else:
                    frame[2] += 1
                where = None if frame[0] is None or key is _NO_KEY else (*frame[0], key)
            if where is not None and where not in wanted:
                where = None
            if where is not None and where not in found:
                found[where] = event.start_mark.line + 1
                if all(target in found for target in targets):
                    break
            if kind in (MappingStartEvent, SequenceStartEvent):
                stack.append([where, kind is MappingStartEvent, 0, kind is MappingStartEvent])
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return found
