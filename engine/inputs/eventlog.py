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
import contextlib
import gc
import heapq
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ScenarioError
from . import limits as _limits
from .checking import EventChecker
from .loglines import LogLines, csv_rows, json_rows
from .sources import LineMap, open_regular
from .spill import read_run, write_run
from .vocabulary import Event, sort_key

CHUNK_EVENTS = 50_000  # events sorted in memory at once; more go to temporary files, sorted runs merged later
LOG_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


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
        return heapq.merge(*(read_run(run) for run in self._runs), key=sort_key)


def _write_run(events: list[Event], folder: str, number: int) -> Path:
    return write_run(events, Path(folder) / f"run-{number:05d}.pickle")


def _digest(event_id: str) -> int:
    """A 64-bit digest of an id, to find ids used twice without holding every id: Python's own string hash,
    which a process keeps the same (a clash of two ids only costs reading the log again to find which)."""
    return hash(event_id) & 0xFFFF_FFFF_FFFF_FFFF


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector while a log is read: reading makes no reference cycles (events, rows
    and lines are freed by reference counting), but the collector would traverse every event held in the chunk
    again and again as they accumulate (about a seventh of the reading time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _rows(lines: LogLines, kind: str) -> Iterator[tuple[int, Any]]:
    return json_rows(lines) if kind == "jsonl" else csv_rows(lines)


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
        with handle, _no_cycle_collection():
            for number, raw in _rows(LogLines(handle, shown), kind):
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
        again = EventChecker(path=shown, actors=checker.context["actors"], start=checker.start, until=checker.until)
        for number, raw in _rows(LogLines(handle, shown), LOG_SUFFIXES[Path(shown).suffix.lower()]):
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
