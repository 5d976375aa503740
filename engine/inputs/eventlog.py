"""Event logs: the events of a scenario in a file of their own (``events_from: FILE``), read as a stream.

A log is JSON Lines (``.jsonl``, ``.ndjson``: one event object per line) or CSV (``.csv``: a header row of event
fields, then one event per row; an empty cell is an absent field, and a list field such as ``focus`` takes its
items separated by ``;``). Each event is validated as it is read, exactly as an event of the scenario file, and a
problem is reported as ``log-file:line: what is wrong``.

**Order.** A log need not be sorted. It is read once, in chunks of :data:`CHUNK_EVENTS` events; each chunk is
sorted in the engine's processing order (instant, type order, id) and, when the log holds more than one chunk,
written to a temporary file (an external merge sort); the replay then merges the sorted chunks with the events of
the scenario file. Memory follows the chunk size, not the log's length; disk holds the log's events once, and the
temporary files are removed with the scenario. Ids must be unique across the file and the log: a 64-bit digest per
id is kept (8 bytes per event) and checked once the log is read; a repeated id is then reported at its line.
"""

from __future__ import annotations

import array
import csv
import hashlib
import heapq
import io
import json
import os
import pickle
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..errors import ScenarioError
from . import limits as _limits
from .checking import EventChecker
from .sources import LineMap, open_regular
from .vocabulary import EVENT_TYPES, Event, sort_key

CHUNK_EVENTS = 50_000  # events sorted in memory at once; more go to temporary files, sorted runs merged later
BATCH_EVENTS = 1_000  # events pickled together in a temporary file
LOG_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_LIST_FIELDS = frozenset(name for model in EVENT_TYPES.values() for name, info in model.model_fields.items()
                         if "tuple" in str(info.annotation))


@dataclass
class EventLog:
    """The validated events of a log, sorted, as in-memory events or temporary runs to merge."""

    path: str
    count: int
    _memory: list[Event] = field(default_factory=list)
    _runs: list[Path] = field(default_factory=list)
    _folder: str | None = None

    def __post_init__(self) -> None:
        if self._folder is not None:
            weakref.finalize(self, shutil.rmtree, self._folder, True)

    def __iter__(self) -> Iterator[Event]:
        if not self._runs:
            return iter(self._memory)
        return heapq.merge(*(_read_run(run) for run in self._runs), key=sort_key)


def _read_run(path: Path) -> Iterator[Event]:
    with path.open("rb") as handle:
        while True:
            try:
                batch: list[Event] = pickle.load(handle)
            except EOFError:
                return
            yield from batch


def _write_run(events: list[Event], folder: str, number: int) -> Path:
    events.sort(key=sort_key)
    path = Path(folder) / f"run-{number:05d}.pickle"
    with path.open("wb") as handle:
        for start in range(0, len(events), BATCH_EVENTS):
            pickle.dump(events[start:start + BATCH_EVENTS], handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _digest(event_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(event_id.encode(), digest_size=8).digest(), "little")


class _Lines:
    """The lines of a log file, numbered from 1, as text; at most :data:`MAX_LOG_LINE_BYTES` bytes each."""

    def __init__(self, handle: IO[bytes], shown: str) -> None:
        self.handle, self.shown, self.number = handle, shown, 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        limit = _limits.MAX_LOG_LINE_BYTES
        while True:
            raw = self.handle.readline(limit + 1)
            if not raw:
                return
            self.number += 1
            if len(raw) > limit:
                raise ScenarioError(f"this line is longer than {limit:,} bytes; a line holds one event",
                                    path=self.shown, line=self.number)
            if b"\x00" in raw:
                raise ScenarioError("the event log is binary (it contains a NUL byte)", path=self.shown,
                                    line=self.number)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ScenarioError(f"the event log is not valid UTF-8 (byte {exc.start} of this line)",
                                    path=self.shown, line=self.number) from None
            if self.number == 1:
                text = text.removeprefix("\ufeff")
            yield self.number, text


def _json_lines(lines: _Lines) -> Iterator[tuple[int, Any]]:
    from .sources import _reject_constant, _unique_keys

    decode = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_unique_keys).decode
    for number, text in lines:
        if not text.strip():
            continue
        try:
            yield number, decode(text)
        except json.JSONDecodeError as exc:
            raise ScenarioError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=lines.shown,
                                line=number) from None
        except (ValueError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else "nesting too deep"
            raise ScenarioError(f"invalid JSON: {reason}", path=lines.shown, line=number) from None


def _csv_rows(lines: _Lines) -> Iterator[tuple[int, Any]]:
    header: list[str] | None = None
    for number, text in lines:
        if not text.strip():
            continue
        try:
            cells = next(csv.reader(io.StringIO(text)))
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
            row[name] = [item.strip() for item in cell.split(";") if item.strip()] if name in _LIST_FIELDS else cell
        yield number, row


def read_log(path: Path, shown: str, checker: EventChecker, *, taken: dict[str, int], budget: int) -> EventLog:
    """Read, validate and sort the events of a log. ``taken``: the ids of the scenario file's events (to the
    index of each); ``budget``: how many events the log may still hold under the events limit."""
    kind = LOG_SUFFIXES.get(Path(shown).suffix.lower())
    if kind is None:
        raise ScenarioError("an event log is JSON Lines (.jsonl, .ndjson) or CSV (.csv)", path=shown)
    folder: str | None = None
    runs: list[Path] = []
    chunk: list[Event] = []
    digests = array.array("Q", (_digest(i) for i in taken))
    count = 0
    try:
        handle = open_regular(path, what="event log")
    except Exception as exc:
        raise ScenarioError(str(getattr(exc, "message", exc)), path=shown) from None
    try:
        with handle:
            lines = _Lines(handle, shown)
            rows = _json_lines(lines) if kind == "jsonl" else _csv_rows(lines)
            for number, raw in rows:
                count += 1
                if count > budget:
                    raise ScenarioError(f"more events than the limit of {_limits.current().max_events:,} in the "
                                        "scenario and its log (--max-events)", path=shown, line=number)
                event, _ = checker.check(raw, _at(number), (), path=shown)
                assert event.id is not None
                digests.append(_digest(event.id))
                chunk.append(event)
                if len(chunk) >= CHUNK_EVENTS:
                    folder = folder or tempfile.mkdtemp(prefix="obligations-log-")
                    runs.append(_write_run(chunk, folder, len(runs)))
                    chunk = []
        if runs and chunk:
            assert folder is not None
            runs.append(_write_run(chunk, folder, len(runs)))
            chunk = []
        _check_unique(digests, path, shown, checker, taken)
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    chunk.sort(key=sort_key)
    return EventLog(path=shown, count=count, _memory=chunk, _runs=runs, _folder=folder)


def _at(number: int) -> Any:
    return lambda: LineMap({(): number})


def _check_unique(digests: array.array[int], path: Path, shown: str, checker: EventChecker,
                  taken: dict[str, int]) -> None:
    """Refuse an id used twice in the file and the log (found by digest; then located by reading the log
    again)."""
    import numpy as np  # a matplotlib dependency: sorts the digests in place of a Python list 8 times larger

    ordered = np.sort(np.frombuffer(digests, dtype=np.uint64))
    repeated = {int(d) for d in ordered[1:][ordered[1:] == ordered[:-1]]}
    if not repeated:
        return
    seen: dict[str, int | None] = {event_id: None for event_id in taken}  # None: in the scenario file
    with open_regular(path, what="event log") as handle:
        lines = _Lines(handle, shown)
        rows = _json_lines(lines) if LOG_SUFFIXES[Path(shown).suffix.lower()] == "jsonl" else _csv_rows(lines)
        again = EventChecker(path=shown, actors=checker.context["actors"], start=checker.start, until=checker.until)
        for number, raw in rows:
            event, explicit = again.check(raw, _at(number), (), path=shown)
            assert event.id is not None
            if _digest(event.id) not in repeated:
                continue
            if event.id in seen:
                first = seen[event.id]
                where = "in the scenario file" if first is None else f"at line {first}"
                message = (f"event id {event.id!r} is used twice (first {where})" if explicit
                           else f"this event repeats the one {where} exactly; give them ids")
                raise ScenarioError(message, path=shown, line=number)
            seen[event.id] = number


def resolve_log(scenario_path: str, name: Any, lines: LineMap) -> tuple[Path, str]:
    """The path of ``events_from``, relative to the scenario file."""
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError("`events_from` is the path of an event log (.jsonl or .csv), relative to this file",
                            path=scenario_path, line=lines.line_of(("events_from",)))
    target = Path(os.path.dirname(scenario_path)) / name.strip()
    return target, str(target)
