"""Where values are in a file: the :class:`LineMap` of a parsed document, found only when an error needs a line,
and the one-line errors that name the file and the line (see :mod:`engine.inputs.sources`, which reads JSON, and
:mod:`engine.inputs.yamltext`, which reads YAML)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..errors import InputError

MAX_DEPTH = 32  # nesting levels; real files use fewer than 8

Path_ = tuple[str | int, ...]


class LineMap:
    """Line numbers (1-based) of the values of a parsed document, by path, found when first asked for.

    ``lines`` holds the lines known (given, or found before); a value without an entry has the line of its
    nearest enclosing value that has one. A map made by :func:`parse` finds lines by reading the text again
    (a C-speed scan, done only when an error is reported), so a file read without error costs no line lookups.
    """

    def __init__(self, lines: dict[Path_, int] | None = None,
                 locate: Callable[[list[Path_]], dict[Path_, int]] | None = None) -> None:
        self.lines: dict[Path_, int] = dict(lines or {})
        self._locate = locate

    def line_of(self, loc: tuple[Any, ...]) -> int | None:
        """The line of ``loc``, or of its nearest enclosing value that has one."""
        return self.lines_of([loc])[tuple(loc)]

    def lines_of(self, locs: Iterable[tuple[Any, ...]]) -> dict[Path_, int | None]:
        """The lines of several values, found in one reading of the text."""
        keys = [tuple(loc) for loc in locs]
        todo = [key for key in keys if key not in self.lines]
        if todo and self._locate is not None:
            found = self._locate(todo)
            for key in todo:
                line = _longest_prefix(key, found)
                if line is not None:
                    self.lines[key] = line
        return {key: self._nearest(key) for key in keys}

    def moved(self, source: Path_, target: Path_) -> LineMap:
        """A view of this map in which the values under ``source`` appear under ``target`` (lines found lazily)."""

        def locate(keys: list[Path_]) -> dict[Path_, int]:
            mapped = {key: (*source, *key[len(target):]) for key in keys if key[:len(target)] == target}
            found = self.lines_of(list(mapped.values()))
            return {key: line for key, original in mapped.items() if (line := found[original]) is not None}

        return LineMap(locate=locate)

    def _nearest(self, key: Path_) -> int | None:
        while True:
            if key in self.lines:
                return self.lines[key]
            if not key:
                return None
            key = key[:-1]


def _longest_prefix(key: Path_, found: dict[Path_, int]) -> int | None:
    for size in range(len(key), -1, -1):
        line = found.get(key[:size])
        if line is not None:
            return line
    return None


def _wanted(targets: list[Path_]) -> set[Path_]:
    return {target[:size] for target in targets for size in range(len(target) + 1)}


def _error(path: str, line: int | None, message: str) -> InputError:
    return InputError(message, path=path, line=line)


def _line_at(text: str | bytes, offset: int) -> int:
    """The line of ``offset``: in text, a line ends at LF, CR LF or a lone CR; in bytes not yet known to be text
    (a binary or non-UTF-8 file), at LF."""
    if isinstance(text, bytes):
        return text.count(b"\n", 0, offset) + 1
    return text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset) + 1
