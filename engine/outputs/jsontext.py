"""Indented JSON text, as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it, but faster.

CPython's ``json`` module uses its C encoder only without ``indent``; with it, every value goes through the
pure-Python encoder, a chain of generators. A replay's report is thousands of findings of a few small lists and
dictionaries, so that is most of the time of ``obligations run --json`` after the replay. :func:`text` walks
the value with one recursive function that writes each string with the C string encoder (the one ``json`` uses)
and joins each list's or dictionary's items at once; a long report is written one finding at a time.

The text is byte-identical to ``json.dumps(value, indent=2, ensure_ascii=False)`` for the values ``json``
encodes by default (strings, numbers, booleans, ``None``, lists, tuples and dictionaries with string keys);
anything else (a dictionary with other keys, a type ``json`` does not know) is handed to ``json.dumps`` itself,
re-indented, so the result (or the error) is still that of ``json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

try:  # the C string encoder, as json.encoder uses it when it is there
    from _json import encode_basestring as _encode  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - CPython always has _json
    from json.encoder import py_encode_basestring as _encode

string: Callable[[str], str] = _encode  # a string's JSON text, quoted, only what JSON must escape escaped

INDENT = "  "  # two spaces per level, as `indent=2`


def dumps(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, faster."""
    return text(value, "\n")


def text(value: Any, pad: str = "\n") -> str:
    """The text of ``value``, at the indentation that ``pad`` (a newline and spaces) gives."""
    kind = type(value)
    if kind is str:
        return string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is list or kind is tuple:
        if not value:
            return "[]"
        inner = pad + INDENT
        return ("[" + inner + ("," + inner).join([string(v) if type(v) is str else text(v, inner) for v in value])
                + pad + "]")
    if kind is dict:
        if not value:
            return "{}"
        inner = pad + INDENT
        return ("{" + inner + ("," + inner).join([
            (string(k) if type(k) is str else _key(k)) + ": " + (string(v) if type(v) is str else text(v, inner))
            for k, v in value.items()]) + pad + "}")
    if isinstance(value, str):
        return string(value)
    return _fallback(value, pad)  # floats, subclasses of int, list or dict, and whatever json itself refuses


def strings(values: Any, pad: str) -> str:
    """The text of a list of values, at once when they are all strings (the ids of a finding's events)."""
    if not values:
        return "[]"
    if all(type(v) is str for v in values):
        inner = pad + INDENT
        return "[" + inner + ("," + inner).join(map(string, values)) + pad + "]"
    return text(list(values), pad)


def write(value: Any, pad: str, emit: Callable[[str], None]) -> None:
    """Emit the text of ``value`` (at the indentation that ``pad`` gives) through ``emit``."""
    emit(text(value, pad))


def _key(key: Any) -> str:
    """A dictionary key that is not a ``str``, as ``json`` writes it: a number, ``true``, ``false`` or ``null`` as
    a string; any other key is refused with ``json``'s own error."""
    if isinstance(key, str):
        return string(key)
    if key is None or isinstance(key, int | float):
        return string(json.dumps(key))
    return json.dumps({key: None})  # raises json's TypeError


def _fallback(value: Any, pad: str) -> str:
    """``json``'s own text for ``value``, indented to ``pad`` (JSON text has no raw newline but its layout's)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", pad)
